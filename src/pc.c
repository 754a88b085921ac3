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
 * 00:01.2 PIIX3 USB (with -usb / usb=on), 00:01.3 PIIX4 PM.  Interrupts: 24
 * GSIs fan out to the i8259 pair and the IOAPIC; the SCI is GSI 9.
 */
#include "pc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acpi/memhp.h"
#include "acpi/pcihp.h"
#include "acpi/piix4.h"
#include "drive.h"
#include "gsi.h"
#include "hpet.h"
#include "i440fx.h"
#include "i8259.h"
#include "ioapic.h"
#include "irq.h"
#include "keyval.h"
#include "machine-props.h"
#include "memory.h"
#include "memslots.h"
#include "numa.h"
#include "pc-cpus.h"
#include "pc-hotplug.h"
#include "pc-isa.h"
#include "object.h"
#include "on-off-auto.h"
#include "piix.h"
#include "qdev.h"
#include "runstate.h"
#include "uhci.h"
#include "util.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define KiB (1ull << 10)

#define PC_DEFAULT_MAX_RAM_BELOW_4G 0xe0000000ull
#define PC_PCI_HOLE64_SIZE (2 * GiB) /* i440FX pci-hole64-size */
#define PC_PHYS_BITS 40 /* TCG's long-mode address width */
#define AMD_HT_START 0xfd00000000ull
#define AMD_ABOVE_1TB_START 0x10000000000ull
#define ACPI_MAX_RAM_SLOTS 256
#define PC_ROM_BASE 0xc0000
#define PC_ROM_SIZE (128 * KiB)
#define ISA_BIOS_SIZE (128 * KiB)
#define IOAPIC_BASE 0xfec00000ull
#define HPET_BASE 0xfed00000ull
#define APIC_MSI_BASE 0xfee00000ull
#define APIC_MSI_SIZE 0x100000ull
#define APIC_MSI_PRIORITY 4096
#define PIIX3_DEVFN 0x08 /* 00:01.0 */
#define PIIX3_IDE_DEVFN 0x09
#define PIIX3_USB_DEVFN 0x0a
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

/* The instance of the pc machine types (/machine). */
struct PCMachine {
    MachineState parent_obj;

    uint64_t ram_size, maxmem;
    uint64_t max_ram_below_4g; /* 0: the default 3.5 GiB */
    unsigned slots;
    uint64_t below_4g, above_4g;
    uint64_t devmem_base, devmem_size;

    MemoryRegion ram; /* pc.ram container (NUMA memdevs) */
    MemoryRegion *ram_mr; /* pc.ram: a backend's region or &ram */
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
    PCISA *isa; /* the legacy ISA devices (pc-isa.c) */
    PCMemoryHotplug memhp; /* the DIMM handler's state (pc-hotplug.c) */
    PCCpus cpus; /* the vCPU slots and vCPUs (pc-cpus.c) */

    /* The machine's QOM properties (machine-props.c's table) */
    json_t *prop_values; /* current values of the stored ones, by name */
    bool props_ready; /* the memory properties can be read */
};

OBJECT_DECLARE_CASTS(PCMachine, MachineClass, PC_MACHINE, TYPE_PC_MACHINE)

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
    uint64_t max = pcm->max_ram_below_4g ? pcm->max_ram_below_4g
                                         : PC_DEFAULT_MAX_RAM_BELOW_4G;
    uint64_t lowmem = max;

    if (pcm->ram_size >= max && lowmem > 0xc0000000ull) {
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
        pcm->devmem_size =
            pcm->maxmem - pcm->ram_size + GiB * (uint64_t)pcm->slots;
    }
}

/* The BIOS image's descriptor and size, or -1 when none is installed. */
static int open_bios(uint64_t *size)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bios_paths); i++) {
        struct stat st;
        int fd = open(bios_paths[i], O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            continue;
        }
        if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size % 65536 == 0 &&
            st.st_size <= 16 * (int64_t)MiB) {
            *size = (uint64_t)st.st_size;
            return fd;
        }
        close(fd);
    }
    return -1;
}

/*
 * Loads the BIOS image into the ROM (mapped from the file, so machines
 * share it; read in if it cannot be mapped); zeros when none is installed.
 */
static void load_bios(PCMachine *pcm)
{
    uint64_t size = BIOS_DEFAULT_SIZE;
    int fd = open_bios(&size);

    memory_region_init_rom(&pcm->bios, NULL, "pc.bios", size);
    if (fd >= 0 && !memory_region_ram_map_image(&pcm->bios, fd, size)) {
        uint8_t *data = xmalloc(size);

        if (pread(fd, data, size, 0) == (ssize_t)size) {
            memory_region_ram_write(&pcm->bios, 0, data, size);
        }
        free(data);
    }
    if (fd >= 0) {
        close(fd);
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

static void build_interrupts_and_platform(PCMachine *pcm)
{
    MemoryRegion *sysmem = get_system_memory();
    Object *host = object_resolve_path("/machine/i440fx", NULL);

    pcm->ioapic = ioapic_init_child(host, "ioapic", sysmem);
    gsi_connect_ioapic(pcm->gsi, ioapic_get_irqs(pcm->ioapic));

    memory_region_init_io(&pcm->apic_msi, NULL, &apic_msi_ops, pcm, "apic-msi",
                          APIC_MSI_SIZE);
    memory_region_add_subregion_overlap(sysmem, APIC_MSI_BASE, &pcm->apic_msi,
                                        APIC_MSI_PRIORITY);
}

/* The i8259 pair (after the DMA pair, as in QEMU), then the HPET. */
static void build_pic_and_hpet(PCMachine *pcm)
{
    pcm->pic = i8259_init(get_system_io(), NULL);
    gsi_connect_i8259(pcm->gsi, i8259_get_irqs(pcm->pic));
    ioapic_set_extint(pcm->ioapic, (IOAPICExtIntFn *)i8259_read_irq, pcm->pic);
    pcm->hpet = hpet_init(get_system_memory(), HPET_BASE);
}

/* The machine's "memory" property (QEMU's MemorySizeConfiguration). */
static json_t *machine_memory_get(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    PCMachine *pcm = PC_MACHINE(obj);
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
    const char *v =
        json_string_value(json_object_get(opts->machine_props, "acpi"));

    return !v || strcmp(v, "off") != 0;
}

/* -machine usb=on (or -usb): the PIIX3's USB function is created. */
static bool machine_usb_enabled(const MachineOptions *opts)
{
    json_t *v = json_object_get(opts->machine_props, "usb");
    bool on = false;

    if (json_is_boolean(v)) {
        return json_is_true(v);
    }
    return json_is_string(v) && keyval_str_to_bool(json_string_value(v), &on) &&
           on;
}

/* ---- The machine's own QOM properties (QEMU 7.2 pc-i440fx-7.2) ---- */

static const char *mach_qtype_name(MachPropKind kind)
{
    switch (kind) {
    case MP_BOOL:
        return "boolean";
    case MP_INT:
        return "integer";
    case MP_STRUCT:
        return "object";
    case MP_ARRAY:
        return "array";
    default:
        return "string";
    }
}

static json_t *mach_prop_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    const MachProp *mp = prop->opaque;
    PCMachine *pcm = PC_MACHINE(obj);
    json_t *mach_values = pcm->prop_values;
    json_t *v;

    if (!strcmp(mp->name, "device-memory-region-size")) {
        return json_integer(pcm->props_ready ? (json_int_t)pcm->devmem_size
                                             : 0);
    }
    if (!strcmp(mp->name, "memory") && pcm->props_ready) {
        return machine_memory_get(obj, prop, errp);
    }
    if (!strcmp(mp->name, "smp")) {
        return json_deep_copy(json_object_get(mach_values, "smp"));
    }
    if (mp->kind == MP_LINK) {
        v = json_object_get(mach_values, mp->name);
        return json_text(v ? json_string_value(v) : "");
    }
    v = json_object_get(mach_values, mp->name);
    return v ? json_deep_copy(v) : machine_prop_default(mp);
}

static bool mach_prop_set(Object *obj, ObjectProperty *prop, json_t *value,
                          Error **errp)
{
    const MachProp *mp = prop->opaque;
    MachPropKind kind = mp->kind;
    const char *s;
    OnOffAuto ooa;
    bool ok;

    switch (kind) {
    case MP_BOOL:
        ok = json_is_boolean(value);
        break;
    case MP_INT:
        ok = json_is_integer(value);
        break;
    case MP_U64:
        if (!json_is_integer(value) || json_integer_value(value) < 0) {
            error_setg(errp, "Parameter '%s' expects uint64", mp->name);
            return false;
        }
        ok = true;
        break;
    case MP_STRUCT:
        ok = json_is_object(value);
        break;
    case MP_ARRAY:
        ok = json_is_array(value);
        break;
    default:
        ok = json_is_string(value);
        break;
    }
    if (!ok) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   mp->name, mach_qtype_name(kind));
        return false;
    }
    s = json_string_value(value);
    if (kind == MP_ONOFFAUTO && !on_off_auto_parse(mp->name, s, &ooa, errp)) {
        return false;
    }
    if (kind == MP_LINK) {
        bool ambiguous = false;

        if (*s && !object_resolve_path(s, &ambiguous)) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", s);
            return false;
        }
        return true;
    }
    if (kind == MP_STRUCT || kind == MP_ARRAY) {
        return true;
    }
    if (!strcmp(mp->name, "memory-encryption")) {
        error_setg(errp, "No such memory encryption object '%s'", s);
        return false;
    }
    if (!strcmp(mp->name, "nvdimm-persistence") && strcmp(s, "cpu") &&
        strcmp(s, "mem-ctrl")) {
        error_setg(errp, "-machine nvdimm-persistence=%s: unsupported option",
                   s);
        return false;
    }
    if (!strcmp(mp->name, "smbios-entry-point-type") && strcmp(s, "32") &&
        strcmp(s, "64")) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'", mp->name,
                   s);
        return false;
    }
    if (!strcmp(mp->name, "pcspk-audiodev")) {
        error_setg(errp, "Attempt to set property 'audiodev' on anonymous "
                         "device (type 'isa-pcspk') after it was realized");
        return false;
    }
    json_object_set(PC_MACHINE(obj)->prop_values, mp->name, value);
    return true;
}

/* From the class inits below: the class's properties in the table. */
static void mach_add_class_props(ObjectClass *k, const MachProp *mps)
{
    for (; mps->name; mps++) {
        object_class_property_add(k, mps->name, mps->type, mach_prop_get,
                                  mps->kind == MP_RO ? NULL : mach_prop_set,
                                  NULL, (void *)mps);
        if (mps->desc) {
            object_class_property_set_description(k, mps->name, mps->desc);
        }
    }
}

/* Stores the -machine option value (a string) of a plain property. */
static void mach_take_option(json_t *mach_values, const MachProp *mp,
                             const char *s)
{
    json_t *v;

    switch (mp->kind) {
    case MP_BOOL:
        v = json_boolean(!strcmp(s, "on") || !strcmp(s, "yes") ||
                         !strcmp(s, "true"));
        break;
    case MP_INT:
    case MP_U64:
        v = json_integer((json_int_t)strtoull(s, NULL, 0));
        break;
    case MP_STR:
    case MP_ONOFFAUTO:
        v = json_text(s);
        break;
    default:
        return;
    }
    json_object_set_new(mach_values, mp->name, v);
}

static void mach_take_options(json_t *mach_values, const MachineOptions *opts,
                              const MachProp *mps)
{
    for (; mps->name; mps++) {
        const char *s =
            json_string_value(json_object_get(opts->machine_props, mps->name));

        if (s) {
            mach_take_option(mach_values, mps, s);
        }
    }
}

static json_t *mach_rtc_time_get(Object *obj, ObjectProperty *prop,
                                 Error **errp)
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "tm_year", tm.tm_year,
                     "tm_sec", tm.tm_sec, "tm_hour", tm.tm_hour, "tm_min",
                     tm.tm_min, "tm_mon", tm.tm_mon, "tm_mday", tm.tm_mday);
}

static bool mach_rtc_time_set(Object *obj, ObjectProperty *prop, json_t *value,
                              Error **errp)
{
    error_setg(errp, "Property 'mc146818rtc.date' is not writable");
    return false;
}

/* A link<> shown as the canonical path of the only object of a type. */
static json_t *mach_type_link_get(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    Object *o = object_resolve_path_type("", prop->opaque, NULL);
    char *path = o ? object_get_canonical_path(o) : NULL;
    json_t *v = json_text(path ? path : "");

    free(path);
    return v;
}

static bool mach_type_link_set(Object *obj, ObjectProperty *prop, json_t *value,
                               Error **errp)
{
    const char *s = json_string_value(value);

    if (!s) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (*s && !object_resolve_path(s, NULL)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  s);
        return false;
    }
    return true;
}

/* Only the names matter (placement); not child<>, as they hold nothing. */
static const MachProp mach_flash_props[] = {
    { "system.flash0", "str", NULL, MP_RO },
    { "pflash0", "str", NULL, MP_RO },
    { "system.flash1", "str", NULL, MP_RO },
    { "pflash1", "str", NULL, MP_RO },
    { NULL, NULL, NULL, 0 }
};

void pc_machine_set_options(const MachineOptions *opts)
{
    json_t *mach_values = PC_MACHINE(qdev_get_machine())->prop_values;

    mach_take_options(mach_values, opts, machine_class_props);
    mach_take_options(mach_values, opts, x86_class_props);
    mach_take_options(mach_values, opts, pc_class_props);
    mach_take_options(mach_values, opts, machine_inst_props);
    if (!machine_acpi_enabled(opts)) {
        json_object_set_new(mach_values, "acpi", json_string("off"));
    }
}

static void machine_props_init(const MachineOptions *opts, PCMachine *pcm)
{
    Object *m = qdev_get_machine();
    const MachProp *mp;
    json_t *smp;
    unsigned cpus = opts->smp_cpus ? opts->smp_cpus : 1;
    unsigned maxcpus = opts->smp_maxcpus ? opts->smp_maxcpus : cpus;
    unsigned threads = opts->smp_threads ? opts->smp_threads : 1;
    unsigned cores = opts->smp_cores ? opts->smp_cores : 1;
    unsigned dies = opts->smp_dies ? opts->smp_dies : 1;
    unsigned sockets = opts->smp_sockets ? opts->smp_sockets
                                         : maxcpus / (threads * cores * dies);
    const char *backend;
    json_t *mach_values = pcm->prop_values;

    smp = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:i}", "cpus",
                    (json_int_t)cpus, "maxcpus", (json_int_t)maxcpus, "threads",
                    (json_int_t)threads, "cores", (json_int_t)cores, "dies",
                    (json_int_t)dies, "sockets",
                    (json_int_t)(sockets ? sockets : 1), "clusters", 1);
    json_object_set_new(mach_values, "smp", smp);
    backend = json_string_value(
        json_object_get(opts->machine_props, "memory-backend"));
    if (backend) {
        json_object_set_new(mach_values, "memory-backend",
                            json_sprintf("/objects/%s", backend));
    } else {
        json_object_set_new(mach_values, "memory-backend",
                            json_string("/objects/pc.ram"));
    }
    for (mp = machine_inst_props; mp->name; mp++) {
        object_property_add(m, mp->name, mp->type, mach_prop_get, mach_prop_set,
                            NULL, (void *)mp);
        object_property_set_description(m, mp->name, mp->desc);
    }
    /*
     * QEMU creates the two flash devices and their aliases, then drops
     * the unused ones (machine_props_board): their places stay behind in
     * the table.
     */
    for (mp = mach_flash_props; mp->name; mp++) {
        object_property_add(m, mp->name, mp->type, NULL, NULL, NULL, NULL);
    }
    if (opts->qtest) {
        /*
         * QEMU's qtest server object: an empty stand-in (no "qtest" type
         * here), listed with QEMU's type.
         */
        Object *qt = object_new(TYPE_CONTAINER);
        ObjectProperty *p = object_property_add_child(m, "qtest", qt);

        object_unref(qt);
        p->type = "child<qtest>";
    }
    pcm->props_ready = true;
}

static json_t *mach_smram_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    Object *o = object_resolve_path_type("", "i440FX", NULL);
    char *path = o ? object_get_canonical_path(o) : NULL;
    json_t *v = path ? json_sprintf("%s/smram[0]", path) : json_string("");

    free(path);
    return v;
}

/*
 * Instance properties the board adds while it is built: 0 after the host
 * bridge, 1 after the RTC, 2 after the PM function (not with acpi=off).
 */
static void machine_props_board(int step)
{
    Object *m = qdev_get_machine();

    if (step == 0) {
        const MachProp *mp;

        object_property_add(m, "smram", "link<memory-region>", mach_smram_get,
                            NULL, NULL, NULL);
        /* The unused flash devices go once the host bridge exists. */
        for (mp = mach_flash_props; mp->name; mp++) {
            object_property_del(m, mp->name);
        }
    } else if (step == 1) {
        object_property_add(m, "rtc_state", "link<isa-device>",
                            mach_type_link_get, mach_type_link_set, NULL,
                            "mc146818rtc");
        object_property_add(m, "rtc-time", "struct tm", mach_rtc_time_get,
                            mach_rtc_time_set, NULL, NULL);
    } else {
        object_property_add(m, "acpi-device", "link<hotplug-handler>",
                            mach_type_link_get, mach_type_link_set, NULL,
                            "PIIX4_PM");
    }
}

/* The -cpu model's vendor is AMD (QEMU's IS_AMD_CPU). */
static bool cpu_is_amd(const char *model)
{
    const X86CpuModel *m = x86_cpu_model_find(model);

    return m && x86_cpu_model_is_amd(m);
}

/* The CPU's physical address width under TCG (x86_cpu_model_phys_bits). */
static unsigned cpu_phys_bits(const char *model)
{
    const X86CpuModel *m = x86_cpu_model_find(model);

    return m ? x86_cpu_model_phys_bits(m) : PC_PHYS_BITS;
}

/* The highest guest address the board uses (QEMU's pc_max_used_gpa). */
static uint64_t max_used_gpa(const PCMachine *pcm, uint64_t above_4g_start)
{
    uint64_t end = above_4g_start + pcm->above_4g;

    if (pcm->ram_size < pcm->maxmem) {
        end = ((end + GiB - 1) & ~(GiB - 1)) + pcm->maxmem - pcm->ram_size +
              GiB * (uint64_t)pcm->slots;
    }
    return ((end + GiB - 1) & ~(GiB - 1)) + PC_PCI_HOLE64_SIZE - 1;
}

/*
 * The checks and warnings of QEMU's pc_init1 and pc_memory_init, in
 * their order: the RAM split, the CPUs' threads, the address space, the
 * memory slots and maxmem's alignment.  pcm's sizes and layout are set.
 */
static bool pc_board_checks(const MachineOptions *opts, PCMachine *pcm,
                            Error **errp)
{
    uint64_t max = pcm->max_ram_below_4g ? pcm->max_ram_below_4g
                                         : PC_DEFAULT_MAX_RAM_BELOW_4G;
    uint64_t lowmem = max > 0xc0000000ull ? 0xc0000000ull : max;
    unsigned phys_bits = cpu_phys_bits(opts->cpu_model);
    uint64_t limit = (1ull << phys_bits) - 1, used;
    bool amd = cpu_is_amd(opts->cpu_model);

    if (pcm->ram_size >= max && (lowmem & (GiB - 1))) {
        fprintf(stderr,
                "qmachined: warning: Large machine and "
                "max_ram_below_4g (%llu) not a multiple of 1G; possible bad "
                "performance.\n",
                (unsigned long long)max);
    }
    if (amd && !opts->cpu_flags && opts->smp_threads > 1) {
        /* The CPUs have no topoext under TCG. */
        fprintf(stderr,
                "qmachined: warning: This family of AMD CPU doesn't "
                "support hyperthreading(%u)\nPlease configure -smp options "
                "properly or try enabling topoext feature.\n",
                opts->smp_threads);
    }
    used = max_used_gpa(pcm, 4 * GiB);
    if (amd && used >= AMD_HT_START) {
        /* RAM above 4G would move above 1T, past the HyperTransport hole */
        used = max_used_gpa(pcm, AMD_ABOVE_1TB_START);
    }
    if (phys_bits > 32 && used > limit) {
        error_setg(errp,
                   "Address space limit 0x%llx < 0x%llx phys-bits too "
                   "low (%u)",
                   (unsigned long long)limit, (unsigned long long)used,
                   phys_bits);
        return false;
    }
    if (pcm->ram_size < pcm->maxmem) {
        if (pcm->slots > ACPI_MAX_RAM_SLOTS) {
            error_setg(errp, "unsupported amount of memory slots: %u",
                       pcm->slots);
            return false;
        }
        if (pcm->maxmem & 4095) {
            error_setg(errp, "maximum memory size must by aligned to "
                             "multiple of 4096 bytes");
            return false;
        }
    }
    return true;
}

PCMachine *pc_machine_create(const MachineOptions *opts, Error **errp)
{
    bool acpi, is_pc;
    Object *machine = qdev_get_machine();
    PCMachine *pcm;
    PCIDevice *i440fx_dev = NULL;

    const char *memdev = json_string_value(
        json_object_get(opts->machine_props, "memory-backend"));
    const char *below = json_string_value(
        json_object_get(opts->machine_props, "max-ram-below-4g"));
    HostMemoryBackend *machine_be = NULL;
    NumaState *ns;

    if (!machine || !object_dynamic_cast(machine, TYPE_PC_MACHINE)) {
        error_setg(errp, "the machine is not a pc machine");
        return NULL;
    }
    pcm = PC_MACHINE(machine);
    pcm->ram_size = opts->ram_size;
    pcm->slots = opts->slots;
    pcm->max_ram_below_4g = below ? strtoull(below, NULL, 10) : 0;

    /* -object's objects exist already (see pc.h). */
    memory_init();
    /* QEMU's order from here: vl.c, then machine_run_board_init. */
    if (memdev) {
        Object *o = object_resolve_path_type(memdev, TYPE_MEMORY_BACKEND, NULL);

        if (!o) {
            error_setg(errp, "Memory backend '%s' not found", memdev);
            return NULL;
        }
        machine_be = MEMORY_BACKEND(o);
        if (!opts->ram_size_set) {
            pcm->ram_size = machine_be->size;
        }
    }
    ns = numa_parse(opts, errp);
    if (!ns) {
        return NULL;
    }
    if (machine_be && machine_be->size != pcm->ram_size) {
        error_setg(errp, "Machine memory size does not match the size of "
                         "the memory backend");
        numa_free(ns);
        return NULL;
    }
    pcm->maxmem = opts->maxmem > pcm->ram_size ? opts->maxmem : pcm->ram_size;
    compute_layout(pcm);
    is_pc = !strcmp(opts->machine_type, OPTIONS_MACHINE_PC);
    if (!numa_complete(ns, pcm->ram_size, machine_be != NULL,
                       is_pc && (opts->slots || pcm->maxmem > pcm->ram_size),
                       errp) ||
        (is_pc && !pc_board_checks(opts, pcm, errp))) {
        numa_free(ns);
        return NULL;
    }
    if (!pc_cpus_init(&pcm->cpus, opts, ns, errp)) {
        numa_free(ns);
        return NULL;
    }
    acpi = machine_acpi_enabled(opts);
    machine_props_init(opts, pcm);
    pcm->ram_mr = pc_ram_init(ns, machine_be, pcm->ram_size, &pcm->ram, errp);
    numa_free(ns);
    if (!pcm->ram_mr) {
        return NULL;
    }
    memory_region_transaction_begin();
    build_memory(pcm);
    pcm->gsi = gsi_init();
    pcm->isa = pc_isa_new(get_system_io(), gsi_get_irqs(pcm->gsi));
    /*
     * The vCPUs come first (x86_cpus_init); the first one's APIC creates
     * kvmvapic, so it lands between vCPU 0 and vCPU 1 below
     * /machine/unattached.
     */
    if (!pc_cpus_create(&pcm->cpus, 0, 1, errp)) {
        memory_region_transaction_commit();
        return NULL;
    }
    pc_isa_create_objects(pcm->isa, PC_ISA_OBJ_VAPIC);
    if (!pc_cpus_create(&pcm->cpus, 1, opts->smp_cpus ? opts->smp_cpus - 1 : 0,
                        errp)) {
        memory_region_transaction_commit();
        return NULL;
    }
    pcm->pci_bus =
        i440fx_init(get_system_memory(), get_system_io(), i440fx_pci_memory(),
                    pcm->ram_mr, pcm->below_4g, pcm->above_4g, &i440fx_dev);
    machine_props_board(0);
    build_interrupts_and_platform(pcm);
    pcm->piix3 =
        piix3_create(pcm->pci_bus, PIIX3_DEVFN, gsi_get_irqs(pcm->gsi));
    pc_isa_create_objects(pcm->isa, PC_ISA_OBJ_DMA);
    build_pic_and_hpet(pcm);
    pc_isa_create_objects(pcm->isa, PC_ISA_OBJ_RTC);
    machine_props_board(1);
    pc_isa_create_objects(pcm->isa, PC_ISA_OBJ_REST);
    pc_isa_create_objects(pcm->isa, PC_ISA_OBJ_FW_CFG);
    pc_isa_init(pcm->isa, &(PCISAConfig){
                              .ram_size = pcm->ram_size,
                              .below_4g = pcm->below_4g,
                              .above_4g = pcm->above_4g,
                              .cpus = opts->smp_cpus ? opts->smp_cpus : 1,
                              .apic_id_limit = pc_apic_id_limit(opts),
                          });
    piix3_ide_create(pcm->pci_bus, PIIX3_IDE_DEVFN);
    if (machine_usb_enabled(opts)) {
        uhci_piix3_create(pcm->pci_bus, PIIX3_USB_DEVFN);
    }
    if (acpi) {
        /* -machine acpi=off: QEMU has no PIIX4 PM function at all. */
        pcm->pm = piix4_pm_init(
            pcm->pci_bus, PIIX4_PM_DEVFN, PIIX4_SMB_IO_BASE_DEFAULT,
            gsi_get_irqs(pcm->gsi)[SCI_GSI], NULL, true, &pcm->cpus);
        /* The PM function's memory hotplug block (acpi/memhp.h). */
        piix4_memhp_init(pcm->pm, pcm->slots);
        /* ACPI PCI hotplug at 0xae00 and the bus's hotplug handler. */
        piix4_pcihp_init(pcm->pm);
        machine_props_board(2);
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

    pc_memory_hotplug_init(&pcm->memhp, pcm->ram_size, pcm->maxmem, pcm->slots,
                           pcm->devmem_base, pcm->devmem_size,
                           pcm->devmem_size ? &pcm->device_memory : NULL, acpi);
    /* The machine passes memory devices on to it (x86ms->acpi_dev). */
    pcm->memhp.acpi_dev = pcm->pm ? OBJECT(pcm->pm) : NULL;
    if (!drive_check_orphaned(errp) || !pc_create_devices(opts, errp)) {
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

const PCCpus *pc_machine_cpus(void)
{
    return current_machine && current_machine->cpus.model
               ? &current_machine->cpus
               : NULL;
}

bool pc_wakeup_suspend_supported(void)
{
    return current_machine && current_machine->pm;
}

const MemSlots *pc_memslots(const PCMachine *pcm)
{
    return pcm->memslots;
}

/* ---- The machine types ---- */

PCMemoryHotplug *pc_machine_memory_hotplug(Object *machine)
{
    if (!machine || !object_dynamic_cast(machine, TYPE_PC_MACHINE)) {
        return NULL;
    }
    return &PC_MACHINE(machine)->memhp;
}

static void pc_machine_instance_finalize(Object *obj)
{
    json_decref(PC_MACHINE(obj)->prop_values);
}

static void pc_machine_instance_init(Object *obj)
{
    PC_MACHINE(obj)->prop_values = json_object();
    /* ACPI is on until the board says otherwise (-machine acpi=off). */
    PC_MACHINE(obj)->memhp.acpi_enabled = true;
}

/* The machine is the hotplug handler of memory devices (pc-hotplug.c). */
static void pc_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(klass);

    (void)data;
    mach_add_class_props(klass, pc_class_props);
    mc->get_hotplug_handler = pc_machine_get_hotplug_handler;
    hc->pre_plug = pc_machine_device_pre_plug;
    hc->plug = pc_machine_device_plug;
    hc->unplug_request = pc_machine_device_unplug_request;
    hc->unplug = pc_machine_device_unplug;
}

/* The machine and x86-machine properties QEMU's classes have. */
static void machine_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    mach_add_class_props(klass, machine_class_props);
}

/* Every machine instance has its two device containers from the start. */
static void machine_instance_init(Object *obj)
{
    container_get(obj, "/peripheral");
    container_get(obj, "/peripheral-anon");
}

static void x86_machine_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    mach_add_class_props(klass, x86_class_props);
}

static void pc_i440fx_7_2_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    (void)data;
    mc->name = "pc-i440fx-7.2";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
}

/* -machine none: the empty machine (no board, no devices). */
static void none_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    (void)data;
    mc->name = "none";
    mc->desc = "empty machine";
}

static const InterfaceInfo pc_machine_interfaces[] = {
    { TYPE_HOTPLUG_HANDLER },
    { NULL },
};

static const TypeInfo pc_machine_types[] = {
    {
        .name = TYPE_MACHINE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(MachineState),
        .class_size = sizeof(MachineClass),
        .instance_init = machine_instance_init,
        .class_init = machine_class_init,
        .abstract = true,
    },
    {
        .name = "none-machine",
        .parent = TYPE_MACHINE,
        .class_init = none_machine_class_init,
    },
    {
        .name = TYPE_X86_MACHINE,
        .parent = TYPE_MACHINE,
        .class_init = x86_machine_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_PC_MACHINE,
        .parent = TYPE_X86_MACHINE,
        .instance_size = sizeof(PCMachine),
        .instance_init = pc_machine_instance_init,
        .instance_finalize = pc_machine_instance_finalize,
        .class_init = pc_machine_class_init,
        .abstract = true,
        .interfaces = pc_machine_interfaces,
    },
    {
        .name = TYPE_PC_I440FX_7_2_MACHINE,
        .parent = TYPE_PC_MACHINE,
        .class_init = pc_i440fx_7_2_machine_class_init,
    },
};

void pc_register_types(void)
{
    type_register_static_array(pc_machine_types, ARRAY_SIZE(pc_machine_types));
}
