/*
 * The simulated guest's ACPI side, as Linux runs QEMU 7.2's ACPI tables
 * on the pc machine.  At boot: the interrupt model the tables describe
 * (both 8259s initialised and masked, IOAPIC routes for the legacy IRQs
 * with the SCI on 9), ACPI mode through the APM port, the PM1 and GPE
 * blocks cleared with the global lock enabled, and the PCI interrupt
 * links disabled until a driver needs one; the hotplug GPEs are enabled
 * last.  At run time the GPE handlers: _E01 (acpiphp: device checks
 * for newly present slots, eject requests for removals) and _E03
 * (memory hotplug: device check or eject request per slot, each
 * answered with _OST).  Told to reject (the reject policy), it answers
 * a memory removal with a failed _OST and never ejects a PCI slot.
 */
#include <stddef.h>

#include "acpi/core.h"
#include "acpi/ospm-int.h"

#define PORT_PIC_MASTER 0x20
#define PORT_PIC_SLAVE 0xa0
#define PORT_APM_CNT 0xb2
#define APM_ACPI_ENABLE 0xf1

#define PORT_GPE0_STS 0xafe0
#define PORT_GPE0_EN 0xafe2
#define GPE0_HALF_LEN 2
#define GPE_BIT_PCI 0x02
#define GPE_BIT_CPU 0x04
#define GPE_BIT_MEM 0x08

/* ACPI memory hotplug block (docs/specs/acpi_mem_hotplug.rst). */
#define PORT_MHP_BASE 0x0a00
#define MHP_SELECTOR 0x00 /* write */
#define MHP_ADDR_LO 0x00 /* read */
#define MHP_ADDR_HI 0x04
#define MHP_OST_EVENT 0x04 /* write */
#define MHP_SIZE_LO 0x08
#define MHP_OST_STATUS 0x08 /* write */
#define MHP_SIZE_HI 0x0c
#define MHP_NODE 0x10
#define MHP_FLAGS 0x14
#define MHP_FLAG_ENABLED 0x01
#define MHP_FLAG_INSERTING 0x02
#define MHP_FLAG_REMOVING 0x04
#define MHP_CTRL_CLEAR_INSERT 0x02
#define MHP_CTRL_CLEAR_REMOVE 0x04
#define MHP_CTRL_EJECT 0x08

/* ACPI PCI hotplug block on PIIX4 (docs/specs/acpi_pci_hotplug.rst). */
/* The modern CPU hotplug interface (acpi/cpuhp.h), as QEMU's AML uses
 * it: CSEL dword at +0, CPEN/CINS/CRMV/CEJ0 bits and CCMD bytes at
 * +4/+5, CDAT dword at +8. */
#define PORT_CPUHP_BASE 0xaf00
#define CPUHP_SELECTOR 0x0
#define CPUHP_FLAGS 0x4
#define CPUHP_CMD 0x5
#define CPUHP_DATA 0x8
#define CPUHP_FLAG_ENABLED 0x01
#define CPUHP_FLAG_INSERT 0x02
#define CPUHP_FLAG_REMOVE 0x04
#define CPUHP_CTRL_EJECT 0x08
#define CPUHP_CMD_NEXT_EVENT 0
#define CPUHP_CMD_OST_EVENT 1
#define CPUHP_CMD_OST_STATUS 2
#define CPUHP_MAX_NOTIFY 256

#define PORT_PCIHP_BASE 0xae00
#define PCIHP_UP 0x00
#define PCIHP_DOWN 0x04
#define PCIHP_EJECT 0x08
#define PCIHP_BNUM 0x10

/* _OST event and status codes (ACPI 6.x, table 6.x "_OST"). */
#define OST_EV_DEVICE_CHECK 0x01
#define OST_EV_EJECT_REQUEST 0x03
#define OST_SC_SUCCESS 0x00
#define OST_SC_NON_SPECIFIC_FAILURE 0x01
#define OST_SC_EJECT_IN_PROGRESS 0x84

/* IOAPIC registers. */
#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))

/* PM1 block registers (at PM_BASE). */
#define PM1_STS_OFF 0x00
#define PM1_EN_OFF 0x02

/* Linux's IOAPIC redirection entries for the legacy IRQs it uses. */
static const struct {
    uint8_t pin;
    uint64_t entry;
} linux_ioapic[] = {
    { 1, 0x0100000000000823ull }, { 2, 0x0100000000000830ull },
    { 4, 0x0100000000000825ull }, { 8, 0x0100000000000824ull },
    { 9, 0x0100000000008821ull }, { 12, 0x0100000000000822ull },
};

static void pic_init(uint16_t port, uint8_t base, uint8_t icw3)
{
    io_out(port, 0x11, 1); /* ICW1: edge, cascade, ICW4 */
    io_out(port + 1, base, 1); /* ICW2: vector base */
    io_out(port + 1, icw3, 1); /* ICW3 */
    io_out(port + 1, 0x01, 1); /* ICW4: 8086 mode */
    io_out(port + 1, 0xff, 1); /* all masked: the IOAPIC is used */
}

void ospm_acpi_boot(void)
{
    uint16_t pm = PM_BASE;
    size_t i;

    pic_init(PORT_PIC_MASTER, 0x30, 0x04);
    pic_init(PORT_PIC_SLAVE, 0x38, 0x02);
    for (i = 0; i < sizeof(linux_ioapic) / sizeof(linux_ioapic[0]); i++) {
        uint8_t reg = IOAPIC_REDTBL(linux_ioapic[i].pin);

        mem_st(IOAPIC_BASE + IOAPIC_IOREGSEL, reg + 1u, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOWIN, linux_ioapic[i].entry >> 32, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOREGSEL, reg, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOWIN, (uint32_t)linux_ioapic[i].entry, 4);
    }
    mem_st(IOAPIC_BASE + IOAPIC_IOREGSEL, IOAPIC_REDTBL(4), 4);

    /* ACPI mode, PM1 and GPE blocks: clear, then enable what Linux uses. */
    io_out(PORT_APM_CNT, APM_ACPI_ENABLE, 1);
    io_out(pm + PM1_STS_OFF, 0xffff, 2);
    io_out(pm + PM1_EN_OFF, ACPI_BITMASK_GLOBAL_LOCK_ENABLE, 2);
    for (i = 0; i < GPE0_HALF_LEN; i++) {
        io_out(PORT_GPE0_EN + i, 0x00, 1);
        io_out(PORT_GPE0_STS + i, 0xff, 1);
    }
    /* \_SB.PRES._INI: CSEL = 0, which switches QEMU's legacy CPU hotplug
     * block to the modern interface (and selects the boot CPU after a
     * reboot, when it already is the modern one). */
    io_out(PORT_CPUHP_BASE + CPUHP_SELECTOR, 0, 4);

    /* PCI links: all disabled (_DIS) until a driver enables one. */
    for (i = 0; i < 4; i++) {
        uint8_t r = cfg_read(DEVFN_PIIX3, PIIX3_PIRQC + i, 1);

        cfg_write(DEVFN_PIIX3, PIIX3_PIRQC + i, r | PIRQ_DISABLED, 1);
    }
}

void ospm_acpi_enable_gpes(void)
{
    io_out(PORT_GPE0_EN, GPE_BIT_PCI | GPE_BIT_CPU | GPE_BIT_MEM, 1);
}

static void mhp_select(unsigned slot)
{
    io_out(PORT_MHP_BASE + MHP_SELECTOR, slot, 4);
}

static void mhp_ost(unsigned slot, uint32_t event, uint32_t status)
{
    mhp_select(slot);
    io_out(PORT_MHP_BASE + MHP_OST_EVENT, event, 4);
    io_out(PORT_MHP_BASE + MHP_OST_STATUS, status, 4);
}

/* Linux's device check of a memory device: _STA, _CRS, _PXM, _OST. */
static void mem_device_check(unsigned slot)
{
    static const uint8_t crs_regs[] = { MHP_FLAGS,   MHP_ADDR_LO, MHP_ADDR_HI,
                                        MHP_SIZE_LO, MHP_SIZE_HI, MHP_NODE };
    size_t i;

    mhp_select(slot);
    for (i = 0; i < sizeof(crs_regs); i++) {
        (void)io_in(PORT_MHP_BASE + crs_regs[i], 4);
    }
    /* The new blocks stay offline (auto_online_blocks = offline). */
    mhp_ost(slot, OST_EV_DEVICE_CHECK, OST_SC_SUCCESS);
}

/* Linux's eject request: _OST in progress, offline, _EJ0, _OST result. */
static void mem_eject_request(unsigned slot, bool reject)
{
    mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_EJECT_IN_PROGRESS);
    if (reject) {
        mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_NON_SPECIFIC_FAILURE);
        return;
    }
    mhp_select(slot);
    io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_EJECT, 1);
    mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_SUCCESS);
}

/* _E03 -> MSCN: acknowledge each event, then the OS handles the Notify. */
static void handle_mem_gpe(bool reject, unsigned mem_slots)
{
    unsigned slot;

    for (slot = 0; slot < mem_slots; slot++) {
        uint8_t flags;

        mhp_select(slot);
        flags = io_in(PORT_MHP_BASE + MHP_FLAGS, 1);
        if (flags & MHP_FLAG_INSERTING) {
            io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_CLEAR_INSERT, 1);
            mem_device_check(slot);
        } else if (flags & MHP_FLAG_REMOVING) {
            io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_CLEAR_REMOVE, 1);
            mem_eject_request(slot, reject);
        }
    }
}

/* acpiphp: enable a slot, assign resources, bind drivers. */
/* ---- CPU hotplug (_E02: \_SB.CPUS.CSCN, then Linux's notify work) ---- */

static void cpu_select(unsigned uid)
{
    io_out(PORT_CPUHP_BASE + CPUHP_SELECTOR, uid, 4);
}

/* CSTA (a processor's _STA): 0xf when CPEN reads 1. */
static bool cpu_sta(unsigned uid)
{
    cpu_select(uid);
    return io_in(PORT_CPUHP_BASE + CPUHP_FLAGS, 1) & CPUHP_FLAG_ENABLED;
}

/* COST (a processor's _OST). */
static void cpu_ost(unsigned uid, uint32_t event, uint32_t status)
{
    cpu_select(uid);
    io_out(PORT_CPUHP_BASE + CPUHP_CMD, CPUHP_CMD_OST_EVENT, 1);
    io_out(PORT_CPUHP_BASE + CPUHP_DATA, event, 4);
    io_out(PORT_CPUHP_BASE + CPUHP_CMD, CPUHP_CMD_OST_STATUS, 1);
    io_out(PORT_CPUHP_BASE + CPUHP_DATA, status, 4);
}

/* Linux's device check of a processor: the scan evaluates _STA, the
 * processor driver binds; then _OST(device check, success). */
static void cpu_device_check(unsigned uid)
{
    (void)cpu_sta(uid);
    cpu_ost(uid, OST_EV_DEVICE_CHECK, OST_SC_SUCCESS);
}

/* Linux's eject request: _OST(eject in progress), the CPU offlined,
 * _EJ0 (CEJ0: CSEL, then the eject bit), _STA to see it gone, _OST(3, 0);
 * reject: _OST(3, failure) instead of the eject. */
static void cpu_eject_request(unsigned uid, bool reject)
{
    cpu_ost(uid, OST_EV_EJECT_REQUEST, OST_SC_EJECT_IN_PROGRESS);
    if (reject) {
        cpu_ost(uid, OST_EV_EJECT_REQUEST, OST_SC_NON_SPECIFIC_FAILURE);
        return;
    }
    cpu_select(uid);
    io_out(PORT_CPUHP_BASE + CPUHP_FLAGS, CPUHP_CTRL_EJECT, 1);
    (void)cpu_sta(uid);
    cpu_ost(uid, OST_EV_EJECT_REQUEST, OST_SC_SUCCESS);
}

static void handle_cpu_gpe(bool reject, unsigned max_cpus)
{
    struct {
        unsigned uid;
        bool insert;
    } notify[CPUHP_MAX_NOTIFY];
    size_t n = 0, i;
    unsigned rounds;

    /*
     * CSCN: while command 0 finds a CPU with an event: insert -> Notify
     * (device check) and clear it, else remove -> Notify (eject request)
     * and clear it.  The AML reads the status byte once per test.  The
     * loop is bounded (the AML's is not) in case the block is not the
     * modern one.
     */
    for (rounds = 0; rounds < 2 * max_cpus + 2 && n < CPUHP_MAX_NOTIFY;
         rounds++) {
        io_out(PORT_CPUHP_BASE + CPUHP_CMD, CPUHP_CMD_NEXT_EVENT, 1);
        if (io_in(PORT_CPUHP_BASE + CPUHP_FLAGS, 1) & CPUHP_FLAG_INSERT) {
            notify[n].uid = io_in(PORT_CPUHP_BASE + CPUHP_DATA, 4);
            notify[n++].insert = true;
            io_out(PORT_CPUHP_BASE + CPUHP_FLAGS, CPUHP_FLAG_INSERT, 1);
        } else if (io_in(PORT_CPUHP_BASE + CPUHP_FLAGS, 1) &
                   CPUHP_FLAG_REMOVE) {
            notify[n].uid = io_in(PORT_CPUHP_BASE + CPUHP_DATA, 4);
            notify[n++].insert = false;
            io_out(PORT_CPUHP_BASE + CPUHP_FLAGS, CPUHP_FLAG_REMOVE, 1);
        } else {
            break;
        }
    }
    /* The notifications are handled after the GPE method (kacpi_hotplug). */
    for (i = 0; i < n; i++) {
        if (notify[i].insert) {
            cpu_device_check(notify[i].uid);
        } else {
            cpu_eject_request(notify[i].uid, reject);
        }
    }
}

static void pci_device_check(unsigned slot)
{
    int fn;

    for (fn = 0; fn < 8; fn++) {
        uint8_t d = DEVFN(slot, fn);
        uint32_t ids;

        if (fn && !(cfg_read(DEVFN(slot, 0), CFG_HEADER_TYPE, 1) &
                    HEADER_MULTIFUNCTION)) {
            break;
        }
        if (!fn_present(d)) {
            continue;
        }
        ids = cfg_read(d, CFG_VENDOR, 4);
        if (ospm_pci_fn(d)->ids == ids) {
            continue; /* already enumerated */
        }
        ospm_pci_add_function(d, ids);
    }
}

/* acpiphp: remove the drivers, then _EJ0 (PCEJ). */
static void pci_eject_request(unsigned slot, bool reject)
{
    int fn;

    if (reject) {
        return; /* no _OST on PIIX4 slots: just never eject */
    }
    for (fn = 0; fn < 8; fn++) {
        ospm_pci_remove_function(DEVFN(slot, fn));
    }
    io_out(PORT_PCIHP_BASE + PCIHP_BNUM, 0, 4);
    io_out(PORT_PCIHP_BASE + PCIHP_EJECT, 1u << slot, 4);
}

/* _E01 -> PCNT on bus 0: device checks for "up", eject requests "down". */
static void handle_pci_gpe(bool reject)
{
    uint32_t up, down;
    unsigned slot;

    io_out(PORT_PCIHP_BASE + PCIHP_BNUM, 0, 4);
    up = io_in(PORT_PCIHP_BASE + PCIHP_UP, 4);
    down = io_in(PORT_PCIHP_BASE + PCIHP_DOWN, 4);
    if (up == 0xffffffffu && down == 0xffffffffu) {
        return; /* no PCI hotplug block */
    }
    for (slot = 0; slot < 32; slot++) {
        if (up & (1u << slot)) {
            pci_device_check(slot);
        }
    }
    for (slot = 0; slot < 32; slot++) {
        if (down & (1u << slot)) {
            pci_eject_request(slot, reject);
        }
    }
}

uint8_t ospm_acpi_gpe_pending(void)
{
    return io_in(PORT_GPE0_STS, 1) & io_in(PORT_GPE0_EN, 1);
}

void ospm_acpi_handle_gpes(uint8_t pending, bool reject, unsigned mem_slots,
                           unsigned max_cpus)
{
    /* Edge GPEs: ACPICA clears the status, then runs _Exx. */
    io_out(PORT_GPE0_STS, pending, 1);
    if (pending & GPE_BIT_PCI) {
        handle_pci_gpe(reject);
    }
    if (pending & GPE_BIT_CPU) {
        handle_cpu_gpe(reject, max_cpus);
    }
    if (pending & GPE_BIT_MEM) {
        handle_mem_gpe(reject, mem_slots);
    }
}
