/*
 * The pc machine as QEMU 7.2 builds pc-i440fx-7.2 with -nodefaults:
 *
 *  memory ("system", 2^64)
 *    ram-below-4g  alias of pc.ram at 0
 *    ram-above-4g  alias of pc.ram at 4 GiB (when RAM reaches the split)
 *    pci           container, priority -1 (RAM wins where both decode)
 *      pc.rom      128 KiB ROM at 0xc0000, priority 1
 *      isa-bios    alias of the BIOS's last 128 KiB at 0xe0000, priority 1
 *      pc.bios     the BIOS image ending at 4 GiB
 *    smram-region and the PAM aliases (i440FX), priority 1
 *    ioapic 0xfec00000, hpet 0xfed00000, apic-msi 0xfee00000 (prio 4096)
 *    device-memory after the RAM above 4 GiB, when maxmem > RAM
 *
 * and on the PCI bus 00:00.0 i440FX, 00:01.0 PIIX3, 00:01.1 PIIX3 IDE,
 * 00:01.3 PIIX4 PM.  Interrupts: 24 GSIs fan out to the i8259 pair and
 * the IOAPIC; the SCI is GSI 9.
 */
#include "pc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acpi/memhp.h"
#include "acpi/pcihp.h"
#include "acpi/piix4.h"
#include "gsi.h"
#include "hpet.h"
#include "i440fx.h"
#include "i8259.h"
#include "ioapic.h"
#include "irq.h"
#include "memory.h"
#include "memslots.h"
#include "pc-hotplug.h"
#include "pc-isa.h"
#include "object.h"
#include "piix.h"
#include "qdev.h"
#include "runstate.h"
#include "util.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define KiB (1ull << 10)

#define PC_DEFAULT_MAX_RAM_BELOW_4G 0xe0000000ull
#define PC_ROM_BASE 0xc0000
#define PC_ROM_SIZE (128 * KiB)
#define ISA_BIOS_SIZE (128 * KiB)
#define IOAPIC_BASE 0xfec00000ull
#define HPET_BASE 0xfed00000ull
#define APIC_MSI_BASE 0xfee00000ull
#define APIC_MSI_SIZE 0x100000ull
#define APIC_MSI_PRIORITY 4096
#define PIIX3_DEVFN 0x08   /* 00:01.0 */
#define PIIX3_IDE_DEVFN 0x09
#define PIIX4_PM_DEVFN 0x0b
#define SCI_GSI 9
/* KVM_CAP_NR_MEMSLOTS of current x86-64 Linux kernels. */
#define PC_KVM_MEMSLOTS 32764

/* Where QEMU's Debian build finds SeaBIOS. */
static const char *const bios_paths[] = {
    "/usr/share/seabios/bios-256k.bin",
    "/usr/share/qemu/bios-256k.bin",
};
#define BIOS_DEFAULT_SIZE (256 * KiB)

struct PCMachine {
    uint64_t ram_size, maxmem;
    unsigned slots;
    uint64_t below_4g, above_4g;
    uint64_t devmem_base, devmem_size;

    MemoryRegion ram;          /* pc.ram container (NUMA memdevs) */
    MemoryRegion *ram_mr;      /* pc.ram: a backend's region or &ram */
    MemoryRegion ram_below_4g, ram_above_4g;
    MemoryRegion bios, isa_bios, rom;
    MemoryRegion apic_msi;
    MemoryRegion device_memory;
    AddressSpace cpu_as;

    GSIState *gsi;
    I8259State *pic;
    IOAPICState *ioapic;
    HPETState *hpet;
    PCIBus *pci_bus;
    PIIX3State *piix3;
    PIIX4PMState *pm;
    MemSlots *memslots;
    PCISA *isa;            /* the legacy ISA devices (pc-isa.c) */
};

/*
 * The machine lives as long as the process (as QEMU's current_machine):
 * its regions stay linked into the global address spaces until exit, so
 * it is kept reachable here rather than torn down piecemeal.
 */
static PCMachine *current_machine;

uint64_t pc_below_4g_mem_size(const PCMachine *pcm)
{
    return pcm->below_4g;
}

uint64_t pc_above_4g_mem_size(const PCMachine *pcm)
{
    return pcm->above_4g;
}

uint64_t pc_device_memory_base(const PCMachine *pcm)
{
    return pcm->devmem_base;
}

uint64_t pc_device_memory_size(const PCMachine *pcm)
{
    return pcm->devmem_size;
}

/* The low/high split of pc_init1 (gigabyte-aligned machine types). */
static void compute_layout(PCMachine *pcm)
{
    uint64_t lowmem = PC_DEFAULT_MAX_RAM_BELOW_4G;

    if (pcm->ram_size >= lowmem && lowmem > 0xc0000000ull) {
        lowmem = 0xc0000000ull;
    }
    if (pcm->ram_size >= lowmem) {
        pcm->above_4g = pcm->ram_size - lowmem;
        pcm->below_4g = lowmem;
    } else {
        pcm->above_4g = 0;
        pcm->below_4g = pcm->ram_size;
    }
    if (pcm->ram_size < pcm->maxmem) {
        uint64_t end = 4 * GiB + pcm->above_4g;

        pcm->devmem_base = (end + GiB - 1) & ~(GiB - 1);
        pcm->devmem_size = pcm->maxmem - pcm->ram_size +
                           GiB * (uint64_t)pcm->slots;
    }
}

/* Loads the BIOS image into the ROM; zeros when no image is installed. */
static void load_bios(PCMachine *pcm)
{
    uint64_t size = BIOS_DEFAULT_SIZE;
    uint8_t *data = NULL;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bios_paths) && !data; i++) {
        struct stat st;
        int fd = open(bios_paths[i], O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            continue;
        }
        if (fstat(fd, &st) == 0 && st.st_size > 0 &&
            st.st_size % 65536 == 0 && st.st_size <= 16 * (int64_t)MiB) {
            size = (uint64_t)st.st_size;
            data = xmalloc(size);
            if (read(fd, data, size) != (ssize_t)size) {
                free(data);
                data = NULL;
                size = BIOS_DEFAULT_SIZE;
            }
        }
        close(fd);
    }
    memory_region_init_rom(&pcm->bios, NULL, "pc.bios", size);
    if (data) {
        memory_region_ram_write(&pcm->bios, 0, data, size);
        free(data);
    }
    memory_region_init_alias(&pcm->isa_bios, NULL, "isa-bios", &pcm->bios,
                             size - ISA_BIOS_SIZE, ISA_BIOS_SIZE);
    memory_region_set_readonly(&pcm->isa_bios, true);
}

static uint64_t apic_msi_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void apic_msi_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    /* MSI delivery to the (absent) local APICs. */
}

static const MemoryRegionOps apic_msi_ops = {
    .read = apic_msi_read,
    .write = apic_msi_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void build_memory(PCMachine *pcm)
{
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *pci = i440fx_pci_memory();

    memory_region_init_alias(&pcm->ram_below_4g, NULL, "ram-below-4g",
                             pcm->ram_mr, 0, pcm->below_4g);
    memory_region_add_subregion(sysmem, 0, &pcm->ram_below_4g);
    if (pcm->above_4g) {
        memory_region_init_alias(&pcm->ram_above_4g, NULL, "ram-above-4g",
                                 pcm->ram_mr, pcm->below_4g, pcm->above_4g);
        memory_region_add_subregion(sysmem, 4 * GiB, &pcm->ram_above_4g);
    }

    memory_region_init_rom(&pcm->rom, NULL, "pc.rom", PC_ROM_SIZE);
    memory_region_add_subregion_overlap(pci, PC_ROM_BASE, &pcm->rom, 1);
    load_bios(pcm);
    memory_region_add_subregion_overlap(pci, 0x100000 - ISA_BIOS_SIZE,
                                        &pcm->isa_bios, 1);
    memory_region_add_subregion(pci, 4 * GiB - memory_region_size(&pcm->bios),
                                &pcm->bios);

    if (pcm->devmem_size) {
        memory_region_init(&pcm->device_memory, NULL, "device-memory",
                           pcm->devmem_size);
        memory_region_add_subregion(sysmem, pcm->devmem_base,
                                    &pcm->device_memory);
    }
}

/*
 * A QOM device standing for an on-board chip, at QEMU's place in the
 * tree, so paths such as qtest's "ioapic" resolve to it.
 */
static DeviceState *board_device(const char *type, Object *parent,
                                 const char *name, Error **errp)
{
    DeviceState *dev = qdev_new(type);

    if (parent) {
        object_property_add_child(parent, name, OBJECT(dev));
    }
    if (!qdev_realize(dev, NULL, errp)) {
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);
    return dev;
}

/*
 * The PIT's channel 0 output is GSI 0; it goes high when the PIT resets,
 * before the interrupt controllers reset (which is why QEMU's "info irq"
 * counts IRQ 0 once at start and once more per reset while IRR stays 0).
 */
static void pc_reset(void *opaque)
{
    PCMachine *pcm = opaque;

    pc_isa_reset(pcm->isa); /* the PIT re-drives GSI 0 first */
    i8259_reset(pcm->pic);
    ioapic_reset(pcm->ioapic);
    hpet_reset(pcm->hpet);
    pci_bus_reset(pcm->pci_bus);
}

/*
 * FW_CFG_MAX_CPUS: the highest APIC ID + 1.  APIC IDs pack threads, cores
 * and dies into bit fields each rounded up to a power of two.
 */
static unsigned apic_width(unsigned n)
{
    unsigned w = 0;

    while ((1u << w) < n) {
        w++;
    }
    return w;
}

static unsigned pc_apic_id_limit(const MachineOptions *opts)
{
    unsigned max = opts->smp_maxcpus ? opts->smp_maxcpus : 1;
    unsigned threads = opts->smp_threads ? opts->smp_threads : 1;
    unsigned cores = opts->smp_cores ? opts->smp_cores : 1;
    unsigned dies = opts->smp_dies ? opts->smp_dies : 1;
    unsigned last = max - 1;
    unsigned tw = apic_width(threads), cw = apic_width(cores);
    unsigned dw = apic_width(dies);
    unsigned id;

    id = (last % threads) | (((last / threads) % cores) << tw) |
         (((last / threads / cores) % dies) << (tw + cw)) |
         ((last / threads / cores / dies) << (tw + cw + dw));
    return id + 1;
}

/* The i8259 pair's QOM objects (after the DMA pair's, as in QEMU). */
static bool create_pic_objects(PCMachine *pcm, Error **errp)
{
    DeviceState *dev;
    int i;

    for (i = 0; i < 2; i++) {
        dev = board_device(TYPE_ISA_I8259, NULL, NULL, errp);
        if (!dev) {
            return false;
        }
        irq_register_gpio_in(dev, pcm->pic->chip[i].in, 8);
        irq_register_gpio_out(dev, pcm->pic->chip[i].int_out, 1);
    }
    return true;
}

static bool build_interrupts_and_platform(PCMachine *pcm, Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();
    Object *host = object_resolve_path("/machine/i440fx", NULL);
    DeviceState *dev;

    pcm->gsi = gsi_init();
    pcm->pic = i8259_init(get_system_io(), NULL);
    gsi_connect_i8259(pcm->gsi, i8259_get_irqs(pcm->pic));
    pcm->ioapic = ioapic_init(sysmem);
    gsi_connect_ioapic(pcm->gsi, ioapic_get_irqs(pcm->ioapic));
    ioapic_set_extint(pcm->ioapic, (IOAPICExtIntFn *)i8259_read_irq,
                      pcm->pic);
    dev = board_device(TYPE_IOAPIC, host, "ioapic", errp);
    if (!dev) {
        return false;
    }
    irq_register_gpio_in(dev, pcm->ioapic->in, IOAPIC_NUM_PINS);
    pcm->hpet = hpet_init(sysmem, HPET_BASE);

    memory_region_init_io(&pcm->apic_msi, NULL, &apic_msi_ops, pcm,
                          "apic-msi", APIC_MSI_SIZE);
    memory_region_add_subregion_overlap(sysmem, APIC_MSI_BASE,
                                        &pcm->apic_msi, APIC_MSI_PRIORITY);
    return true;
}

/* The machine's "memory" property (QEMU's MemorySizeConfiguration). */
static json_t *machine_memory_get(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    PCMachine *pcm = prop->opaque;
    json_t *v = json_object();

    json_object_set_new(v, "size", json_integer((json_int_t)pcm->ram_size));
    if (pcm->slots) { /* QEMU shows max-size and slots only with slots */
        json_object_set_new(v, "max-size",
                            json_integer((json_int_t)pcm->maxmem));
        json_object_set_new(v, "slots", json_integer(pcm->slots));
    }
    return v;
}

/* -machine acpi=on|off|auto: only "off" removes the PIIX4 PM function. */
static bool machine_acpi_enabled(const MachineOptions *opts)
{
    const char *v = json_string_value(json_object_get(opts->machine_props,
                                                      "acpi"));

    return !v || strcmp(v, "off") != 0;
}

PCMachine *pc_machine_create(const MachineOptions *opts, Error **errp)
{
    bool acpi;
    PCMachine *pcm = xzalloc(sizeof(*pcm));
    PCIDevice *i440fx_dev = NULL;

    pcm->ram_size = opts->ram_size;
    pcm->maxmem = opts->maxmem > opts->ram_size ? opts->maxmem
                                                : opts->ram_size;
    pcm->slots = opts->slots;
    compute_layout(pcm);

    memory_init();
    if (!pc_create_objects(opts, errp)) {
        free(pcm);
        return NULL;
    }
    acpi = machine_acpi_enabled(opts);
    pcm->ram_mr = pc_ram_init(opts, pcm->ram_size, &pcm->ram, errp);
    if (!pcm->ram_mr) {
        free(pcm);
        return NULL;
    }
    memory_region_transaction_begin();
    build_memory(pcm);
    pc_isa_create_objects(PC_ISA_OBJ_VAPIC);
    pcm->pci_bus = i440fx_init(get_system_memory(), get_system_io(),
                               i440fx_pci_memory(), pcm->ram_mr,
                               pcm->below_4g, pcm->above_4g, &i440fx_dev);
    if (!build_interrupts_and_platform(pcm, errp)) {
        memory_region_transaction_commit();
        return NULL;
    }
    pcm->piix3 = piix3_create(pcm->pci_bus, PIIX3_DEVFN,
                              gsi_get_irqs(pcm->gsi));
    pc_isa_create_objects(PC_ISA_OBJ_DMA);
    if (!create_pic_objects(pcm, errp)) {
        memory_region_transaction_commit();
        return NULL;
    }
    pc_isa_create_objects(PC_ISA_OBJ_RTC);
    pc_isa_create_objects(PC_ISA_OBJ_REST);
    pcm->isa = pc_isa_init(get_system_io(), gsi_get_irqs(pcm->gsi),
                           &(PCISAConfig){
                               .ram_size = pcm->ram_size,
                               .below_4g = pcm->below_4g,
                               .above_4g = pcm->above_4g,
                               .cpus = opts->smp_cpus ? opts->smp_cpus : 1,
                               .apic_id_limit = pc_apic_id_limit(opts),
                           });
    pc_isa_create_objects(PC_ISA_OBJ_FW_CFG);
    piix3_ide_create(pcm->pci_bus, PIIX3_IDE_DEVFN);
    if (acpi) {
        /* -machine acpi=off: QEMU has no PIIX4 PM function at all. */
        pcm->pm = piix4_pm_init(pcm->pci_bus, PIIX4_PM_DEVFN,
                                PIIX4_SMB_IO_BASE_DEFAULT,
                                gsi_get_irqs(pcm->gsi)[SCI_GSI], NULL, true,
                                1);
        /* The PM function's memory hotplug block (acpi/memhp.h). */
        acpi_memhp_machine_init(pcm->pm, pcm->slots,
                                opts->smp_maxcpus ? opts->smp_maxcpus : 1);
        /* ACPI PCI hotplug at 0xae00 and the bus's hotplug handler. */
        piix4_pcihp_init(pcm->pm);
    }
    memory_region_transaction_commit();

    address_space_init(&pcm->cpu_as, get_system_memory(), "cpu-memory-0");
    /* The memslot table a KVM-backed QEMU would keep for this map. */
    pcm->memslots = memslots_new(&address_space_memory, PC_KVM_MEMSLOTS);

    /* Power-on: the PIT raises GSI 0, then the board resets. */
    pit_update_irq(pcm->isa->pit);
    i8259_reset(pcm->pic);
    ioapic_reset(pcm->ioapic);
    if (pcm->pm) {
        piix4_pm_machine_ready(pcm->pm);
    }
    runstate_add_reset_hook(pc_reset, pcm);
    current_machine = pcm;
    object_property_add(qdev_get_machine(), "memory",
                        "MemorySizeConfiguration", machine_memory_get, NULL,
                        NULL, pcm);

    pc_memory_hotplug_init(pcm->ram_size, pcm->maxmem, pcm->slots,
                           pcm->devmem_base, pcm->devmem_size,
                           pcm->devmem_size ? &pcm->device_memory : NULL,
                           acpi);
    if (!pc_create_devices(opts, errp)) {
        return NULL;
    }
    /*
     * QEMU's power-on reset comes after -device: the PCI bus reset covers
     * those devices (e1000's cache line size goes back to 0), and RMV
     * sees them too.
     */
    pci_bus_reset(pcm->pci_bus);
    if (pcm->pm && piix4_pcihp_get(pcm->pm)) {
        acpi_pcihp_reset(piix4_pcihp_get(pcm->pm));
    }
    return pcm;
}

PCMachine *pc_current_machine(void)
{
    return current_machine;
}

json_t *pc_memslots_json(void)
{
    return current_machine ? memslots_to_json(current_machine->memslots)
                           : json_array();
}
