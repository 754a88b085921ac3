/*
 * The simulated guest: SeaBIOS's and Linux's side of the pc machine's
 * ACPI hotplug, driven only through port and memory accesses (the same
 * paths a qtest client uses).  docs/GUEST.md has the reference run.
 */
#include "acpi/ospm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/core.h"
#include "acpi/ospm_priv.h"
#include "src/loop.h"
#include "src/memory.h"
#include "src/pc.h"
#include "src/runstate.h"
#include "src/util.h"

/* ---- Fixed I/O ports ---------------------------------------------- */

#define PORT_PCI_CONFIG_ADDR 0x0cf8
#define PORT_PCI_CONFIG_DATA 0x0cfc
#define PCI_CONFIG_ENABLE 0x80000000u

#define PORT_PIC_MASTER 0x20
#define PORT_PIC_SLAVE 0xa0
#define PORT_ELCR_MASTER 0x4d0
#define PORT_ELCR_SLAVE 0x4d1
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
#define MHP_SELECTOR 0x00   /* write */
#define MHP_ADDR_LO 0x00    /* read */
#define MHP_ADDR_HI 0x04
#define MHP_OST_EVENT 0x04  /* write */
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

/* ---- PCI config space ---------------------------------------------- */

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CMD_IO 0x0001
#define CMD_MEMORY 0x0002
#define CMD_MASTER 0x0004
#define CMD_SERR 0x0100
#define CMD_INTX_DISABLE 0x0400
#define CFG_STATUS 0x06
#define STATUS_CAP_LIST 0x0010
#define CFG_HEADER_TYPE 0x0e
#define HEADER_MULTIFUNCTION 0x80
#define CFG_BAR0 0x10
#define CFG_ROM 0x30
#define CFG_CAP_PTR 0x34
#define CFG_INT_LINE 0x3c
#define CFG_INT_PIN 0x3d
#define BAR_SPACE_IO 0x01
#define BAR_MEM_TYPE_64 0x04
#define BAR_MEM_PREFETCH 0x08
#define BAR_IO_MASK 0xfffffffcu
#define BAR_MEM_MASK 0xfffffff0u
#define ROM_ADDR_MASK 0xfffff800u
#define NBARS 6
#define NREGIONS 7          /* six BARs and the ROM */
#define ROM_REGION 6
#define CAP_ID_VNDR 0x09
#define CAP_ID_MSIX 0x11

/* Board functions and their SeaBIOS set-up. */
#define DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
#define DEVFN_I440FX DEVFN(0, 0)
#define DEVFN_PIIX3 DEVFN(1, 0)
#define DEVFN_PIIX_IDE DEVFN(1, 1)
#define DEVFN_PIIX4_PM DEVFN(1, 3)
#define I440FX_PAM0 0x59
#define PIIX3_PIRQC 0x60
#define PIRQ_DISABLED 0x80
#define IDE_TIMING_PRI 0x40
#define IDE_TIMING_SEC 0x42
#define IDE_DECODE_ENABLE 0x8000
#define PM_PMBA 0x40
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_SMBHSTCFG 0xd2
#define PM_BASE 0x0600
#define PM_SMB_BASE 0x0700
#define PM_SCI_IRQ 9
#define PM1_STS_OFF 0x00
#define PM1_EN_OFF 0x02

/* SeaBIOS's windows; the I/O window of Linux's allocator. */
#define SEABIOS_IO_BASE 0xc000
#define SEABIOS_MEM_END 0xfec00000ull
#define LINUX_IO_MIN 0x1000
#define IO_SPACE_END 0x10000
#define GIB (1ull << 30)
#define HOLE64_SIZE (1ull << 40)

/* ---- virtio-pci (modern) ------------------------------------------- */

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_DEV_FIRST 0x1000
#define VIRTIO_DEV_LAST 0x107f
#define VIRTIO_TRANSITIONAL_LAST 0x103f
#define VIRTIO_MODERN_BASE 0x1040
#define CFG_SUBSYS_ID 0x2e
/* Vendor capability: cap_vndr, cap_next, cap_len, cfg_type, bar, .., off */
#define VCAP_CFG_TYPE 3
#define VCAP_BAR 4
#define VCAP_OFFSET 8
#define VIRTIO_CAP_COMMON 1
/* Common configuration structure. */
#define VC_DFSELECT 0x00
#define VC_DF 0x04
#define VC_GFSELECT 0x08
#define VC_GF 0x0c
#define VC_NUM_QUEUES 0x12
#define VC_STATUS 0x14
#define VC_Q_SELECT 0x16
#define VC_Q_SIZE 0x18
#define VC_Q_ENABLE 0x1c
#define VC_Q_DESC 0x20
#define VC_Q_AVAIL 0x28
#define VC_Q_USED 0x30
#define VS_ACKNOWLEDGE 0x01
#define VS_DRIVER 0x02
#define VS_DRIVER_OK 0x04
#define VS_FEATURES_OK 0x08
#define VF_INDIRECT_DESC (1ull << 28)
#define VF_EVENT_IDX (1ull << 29)
#define VF_VERSION_1 (1ull << 32)
#define VF_RING_RESET (1ull << 40)
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_BALLOON 5
/* Where the rings of device devfn, queue q go in guest RAM. */
#define RING_AREA_BASE 0x01000000ull
#define RING_AREA_PER_DEV 0x40000ull
#define RING_AREA_PER_QUEUE 0x4000ull
#define RING_DESC_SIZE 16
#define RING_AVAIL_HDR 6

/* ---- State ---------------------------------------------------------- */

typedef enum RegionKind { REG_NONE, REG_IO, REG_MEM32, REG_MEM64 } RegionKind;

typedef struct Region {
    RegionKind kind;
    bool prefetch;
    uint64_t size;
    uint64_t addr;
} Region;

typedef struct Function {
    uint32_t ids;           /* vendor | device << 16; 0: not configured */
    Region regions[NREGIONS];
} Function;

static struct {
    bool active;
    OspmPolicy policy;
    LoopTimer *timer;
    LoopTimer *reboot_timer;
    bool in_run;
    bool rerun;
    bool booted;
    unsigned runs;
    unsigned mem_slots;
    uint64_t hole32_start, hole64_start;
    Function fns[256];
} ospm;

/* ---- Register access (the qtest paths) ------------------------------ */

static uint32_t io_in(uint16_t port, unsigned size)
{
    return (uint32_t)address_space_read_le(&address_space_io, port, size);
}

static void io_out(uint16_t port, uint32_t val, unsigned size)
{
    address_space_write_le(&address_space_io, port, val, size);
}

static uint64_t mem_ld(uint64_t addr, unsigned size)
{
    return address_space_read_le(&address_space_memory, addr, size);
}

static void mem_st(uint64_t addr, uint64_t val, unsigned size)
{
    address_space_write_le(&address_space_memory, addr, val, size);
}

static void cfg_select(uint8_t devfn, uint8_t off)
{
    io_out(PORT_PCI_CONFIG_ADDR,
           PCI_CONFIG_ENABLE | ((uint32_t)devfn << 8) | (off & 0xfcu), 4);
}

static uint32_t cfg_read(uint8_t devfn, uint8_t off, unsigned size)
{
    cfg_select(devfn, off);
    return io_in(PORT_PCI_CONFIG_DATA + (off & 3u), size);
}

static void cfg_write(uint8_t devfn, uint8_t off, uint32_t val, unsigned size)
{
    cfg_select(devfn, off);
    io_out(PORT_PCI_CONFIG_DATA + (off & 3u), val, size);
}

static bool fn_present(uint8_t devfn)
{
    return (cfg_read(devfn, CFG_VENDOR, 2) & 0xffff) != 0xffff;
}

/* ---- Policies ------------------------------------------------------- */

bool ospm_policy_parse(const char *str, OspmPolicy *policy, Error **errp)
{
    static const char delay_prefix[] = "delay:";
    size_t plen = sizeof(delay_prefix) - 1;

    if (!str) {
        str = "";
    }
    if (!strcmp(str, "linux")) {
        *policy = (OspmPolicy){ OSPM_POLICY_LINUX, 0 };
        return true;
    }
    if (!strcmp(str, "passive")) {
        *policy = (OspmPolicy){ OSPM_POLICY_PASSIVE, 0 };
        return true;
    }
    if (!strcmp(str, "reject")) {
        *policy = (OspmPolicy){ OSPM_POLICY_REJECT, 0 };
        return true;
    }
    if (!strncmp(str, delay_prefix, plen)) {
        const char *num = str + plen;
        char *end = NULL;
        unsigned long ms;

        errno = 0;
        if (*num >= '0' && *num <= '9') {
            ms = strtoul(num, &end, 10);
            if (errno == 0 && end && *end == '\0' &&
                ms <= OSPM_DELAY_MAX_MS) {
                *policy = (OspmPolicy){ OSPM_POLICY_DELAY, (uint32_t)ms };
                return true;
            }
        }
        error_setg(errp, "Parameter 'policy' expects a delay in "
                   "milliseconds from 0 to %u (delay:MS)",
                   OSPM_DELAY_MAX_MS);
        return false;
    }
    error_setg(errp, "Parameter 'policy' does not accept value '%s' "
               "(expected linux, passive, reject or delay:MS)", str);
    return false;
}

const char *ospm_policy_format(const OspmPolicy *policy, char *buf,
                               size_t len)
{
    switch (policy->kind) {
    case OSPM_POLICY_PASSIVE:
        snprintf(buf, len, "passive");
        break;
    case OSPM_POLICY_REJECT:
        snprintf(buf, len, "reject");
        break;
    case OSPM_POLICY_DELAY:
        snprintf(buf, len, "delay:%u", (unsigned)policy->delay_ms);
        break;
    case OSPM_POLICY_LINUX:
    default:
        snprintf(buf, len, "linux");
        break;
    }
    return buf;
}

/* ---- Scheduling ----------------------------------------------------- */

static void ospm_run(void *opaque);

static void schedule_run(void)
{
    int64_t delay_ns = 0;

    if (!ospm.active || ospm.policy.kind == OSPM_POLICY_PASSIVE) {
        return;
    }
    if (ospm.in_run) {
        ospm.rerun = true;
        return;
    }
    if (ospm.timer) {
        return;
    }
    if (ospm.policy.kind == OSPM_POLICY_DELAY) {
        delay_ns = (int64_t)ospm.policy.delay_ms * 1000000;
    }
    ospm.timer = loop_timer_add(delay_ns, ospm_run, NULL);
}

static void cancel_run(void)
{
    loop_timer_cancel(ospm.timer);
    ospm.timer = NULL;
}

/* The SCI went (or stayed) high. */
static void ospm_sci(void *opaque)
{
    (void)opaque;
    if (runstate_is_running() && ospm.booted) {
        schedule_run();
    }
}

void ospm_set_policy(const OspmPolicy *policy)
{
    ospm.policy = *policy;
    cancel_run();
    /* Events left pending by a passive guest are seen now. */
    if (runstate_is_running() && ospm.booted) {
        schedule_run();
    }
}

OspmPolicy ospm_get_policy(void)
{
    return ospm.policy;
}

/* ---- BARs: sizing and allocation ------------------------------------ */

/*
 * Sizes the BARs and the ROM of a function whose decoding is off, as
 * firmware and Linux do: write all-ones, read back, restore.
 */
static void size_regions(uint8_t devfn, Region *regs)
{
    int i;

    memset(regs, 0, sizeof(*regs) * NREGIONS);
    for (i = 0; i < NBARS; i++) {
        uint8_t off = CFG_BAR0 + 4 * i;
        uint32_t old = cfg_read(devfn, off, 4);
        uint32_t probe;
        uint64_t mask;

        cfg_write(devfn, off, 0xffffffffu, 4);
        probe = cfg_read(devfn, off, 4);
        cfg_write(devfn, off, old, 4);
        if (probe == 0 || probe == 0xffffffffu) {
            continue;
        }
        if (probe & BAR_SPACE_IO) {
            mask = 0xffff0000u | (probe & BAR_IO_MASK);
            regs[i].kind = REG_IO;
            regs[i].size = (uint32_t)(~mask + 1);
            continue;
        }
        mask = probe & BAR_MEM_MASK;
        regs[i].prefetch = (probe & BAR_MEM_PREFETCH) != 0;
        if ((probe & 0x6) == BAR_MEM_TYPE_64 && i + 1 < NBARS) {
            uint8_t hoff = off + 4;
            uint32_t hold = cfg_read(devfn, hoff, 4);
            uint32_t hprobe;

            cfg_write(devfn, hoff, 0xffffffffu, 4);
            hprobe = cfg_read(devfn, hoff, 4);
            cfg_write(devfn, hoff, hold, 4);
            mask |= (uint64_t)hprobe << 32;
            regs[i].kind = REG_MEM64;
        } else {
            mask |= 0xffffffff00000000ull;
            regs[i].kind = REG_MEM32;
        }
        regs[i].size = ~mask + 1;
        if (regs[i].size == 0) {
            regs[i].kind = REG_NONE;
        }
        if (regs[i].kind == REG_MEM64) {
            i++;            /* the upper half is not a BAR of its own */
        }
    }
    {
        uint32_t old = cfg_read(devfn, CFG_ROM, 4);
        uint32_t probe;

        cfg_write(devfn, CFG_ROM, ROM_ADDR_MASK, 4);
        probe = cfg_read(devfn, CFG_ROM, 4) & ROM_ADDR_MASK;
        cfg_write(devfn, CFG_ROM, old, 4);
        if (probe) {
            regs[ROM_REGION].kind = REG_MEM32;
            regs[ROM_REGION].size = (uint32_t)(~probe + 1);
        }
    }
}

static void write_region(uint8_t devfn, int i, const Region *r)
{
    if (i == ROM_REGION) {
        /* Address only: the ROM stays disabled, as SeaBIOS leaves it. */
        cfg_write(devfn, CFG_ROM, (uint32_t)r->addr & ROM_ADDR_MASK, 4);
        return;
    }
    cfg_write(devfn, CFG_BAR0 + 4 * i, (uint32_t)r->addr, 4);
    if (r->kind == REG_MEM64) {
        cfg_write(devfn, CFG_BAR0 + 4 * i + 4, (uint32_t)(r->addr >> 32), 4);
    }
}

static bool overlaps_known(RegionKind kind, uint64_t addr, uint64_t size)
{
    bool io = kind == REG_IO;
    int d, i;

    for (d = 0; d < 256; d++) {
        if (!ospm.fns[d].ids) {
            continue;
        }
        for (i = 0; i < NREGIONS; i++) {
            const Region *r = &ospm.fns[d].regions[i];

            if (r->kind == REG_NONE || !r->size || (r->kind == REG_IO) != io) {
                continue;
            }
            if (addr < r->addr + r->size && r->addr < addr + size) {
                return true;
            }
        }
    }
    return false;
}

/* Lowest aligned free range in [start, end) (Linux's allocator). */
static bool alloc_lowest(RegionKind kind, uint64_t start, uint64_t end,
                         uint64_t size, uint64_t *addr)
{
    uint64_t a = (start + size - 1) & ~(size - 1);

    for (; a >= start && a + size <= end && a + size > a; a += size) {
        if (!overlaps_known(kind, a, size)) {
            *addr = a;
            return true;
        }
    }
    return false;
}

/* ---- virtio --------------------------------------------------------- */

static bool is_virtio(uint32_t ids)
{
    uint16_t vendor = ids & 0xffff, device = ids >> 16;

    return vendor == VIRTIO_VENDOR && device >= VIRTIO_DEV_FIRST &&
           device <= VIRTIO_DEV_LAST;
}

static unsigned virtio_id(uint8_t devfn, uint32_t ids)
{
    uint16_t device = ids >> 16;

    if (device <= VIRTIO_TRANSITIONAL_LAST) {
        return cfg_read(devfn, CFG_SUBSYS_ID, 2);
    }
    return device - VIRTIO_MODERN_BASE;
}

/* Guest address of the common configuration structure, or 0. */
static uint64_t virtio_common_cfg(uint8_t devfn)
{
    const Function *f = &ospm.fns[devfn];
    unsigned guard = 0;
    uint8_t pos;

    if (!(cfg_read(devfn, CFG_STATUS, 2) & STATUS_CAP_LIST)) {
        return 0;
    }
    pos = cfg_read(devfn, CFG_CAP_PTR, 1) & 0xfc;
    while (pos >= 0x40 && guard++ < 48) {
        uint8_t id = cfg_read(devfn, pos, 1);

        if (id == CAP_ID_VNDR &&
            cfg_read(devfn, pos + VCAP_CFG_TYPE, 1) == VIRTIO_CAP_COMMON) {
            uint8_t bar = cfg_read(devfn, pos + VCAP_BAR, 1);
            uint32_t off = cfg_read(devfn, pos + VCAP_OFFSET, 4);

            if (bar < NBARS && f->regions[bar].kind != REG_NONE &&
                f->regions[bar].kind != REG_IO && f->regions[bar].addr) {
                return f->regions[bar].addr + off;
            }
            return 0;
        }
        pos = cfg_read(devfn, pos + 1, 1) & 0xfc;
    }
    return 0;
}

static bool has_msix(uint8_t devfn)
{
    unsigned guard = 0;
    uint8_t pos;

    if (!(cfg_read(devfn, CFG_STATUS, 2) & STATUS_CAP_LIST)) {
        return false;
    }
    pos = cfg_read(devfn, CFG_CAP_PTR, 1) & 0xfc;
    while (pos >= 0x40 && guard++ < 48) {
        if (cfg_read(devfn, pos, 1) == CAP_ID_MSIX) {
            return true;
        }
        pos = cfg_read(devfn, pos + 1, 1) & 0xfc;
    }
    return false;
}

/* Features Linux 6.1's drivers accept, per device type (docs/GUEST.md). */
static uint64_t driver_features(unsigned id)
{
    uint64_t transport = VF_INDIRECT_DESC | VF_EVENT_IDX | VF_VERSION_1 |
                         VF_RING_RESET;

    switch (id) {
    case VIRTIO_ID_RNG:
        return transport;
    case VIRTIO_ID_BALLOON:
        /* MUST_TELL_HOST, STATS_VQ, DEFLATE_ON_OOM, FREE_PAGE_HINT,
         * REPORTING; not PAGE_POISON (no poisoning), no indirect. */
        return (transport & ~VF_INDIRECT_DESC) | 0x2f;
    default:
        return transport | 0xffffffull;
    }
}

/* 64-bit fields go as two 32-bit halves, low first, as Linux writes. */
static void mem_st64(uint64_t addr, uint64_t val)
{
    mem_st(addr, (uint32_t)val, 4);
    mem_st(addr + 4, val >> 32, 4);
}

static void virtio_set_status(uint64_t common, uint8_t bits)
{
    uint8_t st = mem_ld(common + VC_STATUS, 1);

    mem_st(common + VC_STATUS, st | bits, 1);
}

/* virtio_pci_modern probe plus virtio core: reset .. DRIVER_OK. */
static void virtio_probe(uint8_t devfn, uint32_t ids)
{
    uint64_t common = virtio_common_cfg(devfn);
    uint64_t dev_f, drv_f;
    unsigned nq, q;

    if (!common) {
        return;             /* legacy-only: left to the docs */
    }
    mem_st(common + VC_STATUS, 0, 1);
    (void)mem_ld(common + VC_STATUS, 1);
    virtio_set_status(common, VS_ACKNOWLEDGE);
    virtio_set_status(common, VS_DRIVER);
    mem_st(common + VC_DFSELECT, 0, 4);
    dev_f = (uint32_t)mem_ld(common + VC_DF, 4);
    mem_st(common + VC_DFSELECT, 1, 4);
    dev_f |= mem_ld(common + VC_DF, 4) << 32;
    if (!(dev_f & VF_VERSION_1)) {
        return;             /* a modern driver refuses it */
    }
    drv_f = dev_f & driver_features(virtio_id(devfn, ids));
    mem_st(common + VC_GFSELECT, 0, 4);
    mem_st(common + VC_GF, (uint32_t)drv_f, 4);
    mem_st(common + VC_GFSELECT, 1, 4);
    mem_st(common + VC_GF, (uint32_t)(drv_f >> 32), 4);
    virtio_set_status(common, VS_FEATURES_OK);
    if (!(mem_ld(common + VC_STATUS, 1) & VS_FEATURES_OK)) {
        return;
    }
    nq = mem_ld(common + VC_NUM_QUEUES, 2);
    for (q = 0; q < nq && q < RING_AREA_PER_DEV / RING_AREA_PER_QUEUE; q++) {
        uint64_t base = RING_AREA_BASE + devfn * RING_AREA_PER_DEV +
                        q * RING_AREA_PER_QUEUE;
        unsigned size;

        mem_st(common + VC_Q_SELECT, q, 2);
        size = mem_ld(common + VC_Q_SIZE, 2);
        if (!size) {
            continue;
        }
        mem_st64(common + VC_Q_DESC, base);
        mem_st64(common + VC_Q_AVAIL, base + (uint64_t)size * RING_DESC_SIZE);
        mem_st64(common + VC_Q_USED,
                 (base + (uint64_t)size * RING_DESC_SIZE + RING_AVAIL_HDR +
                  2ull * size + 4095) & ~4095ull);
    }
    for (q = 0; q < nq && q < RING_AREA_PER_DEV / RING_AREA_PER_QUEUE; q++) {
        mem_st(common + VC_Q_SELECT, q, 2);
        if (mem_ld(common + VC_Q_SIZE, 2)) {
            mem_st(common + VC_Q_ENABLE, 1, 2);
        }
    }
    virtio_set_status(common, VS_DRIVER_OK);
}

/* The driver's remove: reset the device. */
static void virtio_remove(uint8_t devfn)
{
    uint64_t common = virtio_common_cfg(devfn);

    if (common) {
        mem_st(common + VC_STATUS, 0, 1);
        (void)mem_ld(common + VC_STATUS, 1);
    }
}

/* PIIX3 routing: INTA of slot 1 is PIRQA, rotating by slot. */
static unsigned pirq_of(uint8_t devfn, uint8_t pin)
{
    return (pin - 1u + (devfn >> 3) + 3u) & 3u;
}

/* A driver binds: Linux enables the PCI link, bus mastering, the driver. */
static void bind_driver(uint8_t devfn, bool hotplugged)
{
    uint32_t ids = ospm.fns[devfn].ids;
    uint8_t pin = cfg_read(devfn, CFG_INT_PIN, 1);
    uint16_t cmd;

    if (!is_virtio(ids)) {
        return;             /* the reference guest has no other drivers */
    }
    cmd = cfg_read(devfn, CFG_COMMAND, 2);
    if (hotplugged) {
        cmd |= CMD_IO | CMD_MEMORY;
        cfg_write(devfn, CFG_COMMAND, cmd, 2);
    }
    if (pin >= 1 && pin <= 4) {
        uint8_t link = PIIX3_PIRQC + pirq_of(devfn, pin);
        uint8_t route = cfg_read(DEVFN_PIIX3, link, 1);

        if (route & PIRQ_DISABLED) {
            cfg_write(DEVFN_PIIX3, link, route & ~PIRQ_DISABLED, 1);
        }
    }
    cmd |= CMD_MASTER;
    if (has_msix(devfn)) {
        cmd |= CMD_INTX_DISABLE;
    }
    cfg_write(devfn, CFG_COMMAND, cmd, 2);
    virtio_probe(devfn, ids);
}

/* ---- Boot: what SeaBIOS and Linux leave behind ---------------------- */

static const uint8_t seabios_pirq_irqs[4] = { 10, 10, 11, 11 };

typedef struct BarRef {
    uint8_t devfn;
    uint8_t idx;
} BarRef;

/* SeaBIOS: biggest first, stable by bus order; mem at the top of the
 * 32-bit window, prefetchable below it, I/O upwards from 0xc000. */
static void seabios_assign(void)
{
    BarRef refs[256 * NREGIONS];
    size_t n = 0, i, j;
    uint64_t io_next = SEABIOS_IO_BASE, sum[2] = { 0, 0 }, align[2] = { 1, 1 };
    uint64_t next[2];
    int d;

    for (d = 0; d < 256; d++) {
        for (i = 0; i < NREGIONS && ospm.fns[d].ids; i++) {
            if (ospm.fns[d].regions[i].kind != REG_NONE) {
                refs[n].devfn = d;
                refs[n].idx = i;
                n++;
            }
        }
    }
    /* Insertion sort by size, descending; stable. */
    for (i = 1; i < n; i++) {
        BarRef key = refs[i];
        uint64_t ks = ospm.fns[key.devfn].regions[key.idx].size;

        for (j = i; j > 0 &&
             ospm.fns[refs[j - 1].devfn].regions[refs[j - 1].idx].size < ks;
             j--) {
            refs[j] = refs[j - 1];
        }
        refs[j] = key;
    }
    for (i = 0; i < n; i++) {
        Region *r = &ospm.fns[refs[i].devfn].regions[refs[i].idx];
        int k = r->prefetch ? 1 : 0;

        if (r->kind == REG_IO) {
            continue;
        }
        sum[k] += r->size;
        if (r->size > align[k]) {
            align[k] = r->size;
        }
    }
    next[0] = (SEABIOS_MEM_END - sum[0]) & ~(align[0] - 1);
    next[1] = (next[0] - sum[1]) & ~(align[1] - 1);
    for (i = 0; i < n; i++) {
        Region *r = &ospm.fns[refs[i].devfn].regions[refs[i].idx];

        if (r->kind == REG_IO) {
            r->addr = io_next;
            io_next += r->size;
        } else {
            int k = r->prefetch ? 1 : 0;

            r->addr = next[k];
            next[k] += r->size;
        }
        write_region(refs[i].devfn, refs[i].idx, r);
    }
}

static void boot_firmware(void)
{
    int d, i;

    /* PIIX3: PCI links A-D to IRQ 10, 10, 11, 11, those IRQs level. */
    for (i = 0; i < 4; i++) {
        cfg_write(DEVFN_PIIX3, PIIX3_PIRQC + i, seabios_pirq_irqs[i], 1);
    }
    io_out(PORT_ELCR_MASTER, 0x00, 1);
    io_out(PORT_ELCR_SLAVE, (1u << (10 - 8)) | (1u << (11 - 8)), 1);

    /* Enumerate and size every function on bus 0. */
    memset(ospm.fns, 0, sizeof(ospm.fns));
    for (d = 0; d < 256; d++) {
        if ((d & 7) && !(cfg_read(d & ~7, CFG_HEADER_TYPE, 1) &
                         HEADER_MULTIFUNCTION)) {
            continue;
        }
        if (!fn_present(d)) {
            continue;
        }
        ospm.fns[d].ids = cfg_read(d, CFG_VENDOR, 4);
        if (!ospm.fns[d].ids) {
            ospm.fns[d].ids = 0xffff0000u; /* keep it marked */
        }
        size_regions(d, ospm.fns[d].regions);
    }
    seabios_assign();

    for (d = 0; d < 256; d++) {
        uint8_t pin;

        if (!ospm.fns[d].ids) {
            continue;
        }
        pin = cfg_read(d, CFG_INT_PIN, 1);
        if (d == DEVFN_PIIX4_PM) {
            /* The SCI is wired to IRQ 9. */
            cfg_write(d, CFG_INT_LINE, PM_SCI_IRQ, 1);
        } else if (pin >= 1 && pin <= 4) {
            cfg_write(d, CFG_INT_LINE, seabios_pirq_irqs[pirq_of(d, pin)], 1);
        }
        cfg_write(d, CFG_COMMAND, cfg_read(d, CFG_COMMAND, 2) | CMD_IO |
                  CMD_MEMORY | CMD_SERR, 2);
    }

    /* PIIX4 PM: PM block at 0x600, SMBus at 0x700, both enabled. */
    cfg_write(DEVFN_PIIX4_PM, PM_PMBA, PM_BASE | BAR_SPACE_IO, 4);
    cfg_write(DEVFN_PIIX4_PM, PM_PMREGMISC, 0x01, 1);
    cfg_write(DEVFN_PIIX4_PM, PM_SMBBA, PM_SMB_BASE | BAR_SPACE_IO, 4);
    cfg_write(DEVFN_PIIX4_PM, PM_SMBHSTCFG, 0x09, 1);
    /* PIIX IDE: decode both channels. */
    cfg_write(DEVFN_PIIX_IDE, IDE_TIMING_PRI, IDE_DECODE_ENABLE, 2);
    cfg_write(DEVFN_PIIX_IDE, IDE_TIMING_SEC, IDE_DECODE_ENABLE, 2);
    /* i440FX PAM: BIOS read-only, 0xc0000-0xe7fff read-only, rest RW. */
    cfg_write(DEVFN_I440FX, I440FX_PAM0, 0x10, 1);
    for (i = 1; i <= 5; i++) {
        cfg_write(DEVFN_I440FX, I440FX_PAM0 + i, 0x11, 1);
    }
    cfg_write(DEVFN_I440FX, I440FX_PAM0 + 6, 0x33, 1);
}

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
    io_out(port, 0x11, 1);          /* ICW1: edge, cascade, ICW4 */
    io_out(port + 1, base, 1);      /* ICW2: vector base */
    io_out(port + 1, icw3, 1);      /* ICW3 */
    io_out(port + 1, 0x01, 1);      /* ICW4: 8086 mode */
    io_out(port + 1, 0xff, 1);      /* all masked: the IOAPIC is used */
}

static void boot_linux(void)
{
    uint16_t pm = PM_BASE;
    size_t i;
    int d;

    pic_init(PORT_PIC_MASTER, 0x30, 0x04);
    pic_init(PORT_PIC_SLAVE, 0x38, 0x02);
    for (i = 0; i < sizeof(linux_ioapic) / sizeof(linux_ioapic[0]); i++) {
        uint8_t reg = IOAPIC_REDTBL(linux_ioapic[i].pin);

        mem_st(IOAPIC_BASE + IOAPIC_IOREGSEL, reg + 1u, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOWIN, linux_ioapic[i].entry >> 32, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOREGSEL, reg, 4);
        mem_st(IOAPIC_BASE + IOAPIC_IOWIN, (uint32_t)linux_ioapic[i].entry,
               4);
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

    /* PCI links: all disabled (_DIS) until a driver enables one. */
    for (i = 0; i < 4; i++) {
        uint8_t r = cfg_read(DEVFN_PIIX3, PIIX3_PIRQC + i, 1);

        cfg_write(DEVFN_PIIX3, PIIX3_PIRQC + i, r | PIRQ_DISABLED, 1);
    }
    for (d = 0; d < 256; d++) {
        if (ospm.fns[d].ids) {
            bind_driver(d, false);
        }
    }

    ospm.booted = true;
    /* Last: enabling the GPEs may raise the SCI right away. */
    io_out(PORT_GPE0_EN, GPE_BIT_PCI | GPE_BIT_CPU | GPE_BIT_MEM, 1);
}

static void boot(void)
{
    boot_firmware();
    boot_linux();
}

/* ---- GPE handlers --------------------------------------------------- */

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
    static const uint8_t crs_regs[] = { MHP_FLAGS, MHP_ADDR_LO, MHP_ADDR_HI,
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
static void mem_eject_request(unsigned slot)
{
    mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_EJECT_IN_PROGRESS);
    if (ospm.policy.kind == OSPM_POLICY_REJECT) {
        mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_NON_SPECIFIC_FAILURE);
        return;
    }
    mhp_select(slot);
    io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_EJECT, 1);
    mhp_ost(slot, OST_EV_EJECT_REQUEST, OST_SC_SUCCESS);
}

/* _E03 -> MSCN: acknowledge each event, then the OS handles the Notify. */
static void handle_mem_gpe(void)
{
    unsigned slot;

    for (slot = 0; slot < ospm.mem_slots; slot++) {
        uint8_t flags;

        mhp_select(slot);
        flags = io_in(PORT_MHP_BASE + MHP_FLAGS, 1);
        if (flags & MHP_FLAG_INSERTING) {
            io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_CLEAR_INSERT, 1);
            mem_device_check(slot);
        } else if (flags & MHP_FLAG_REMOVING) {
            io_out(PORT_MHP_BASE + MHP_FLAGS, MHP_CTRL_CLEAR_REMOVE, 1);
            mem_eject_request(slot);
        }
    }
}

/* acpiphp: enable a slot, assign resources, bind drivers. */
static void pci_device_check(unsigned slot)
{
    int fn;

    for (fn = 0; fn < 8; fn++) {
        uint8_t d = DEVFN(slot, fn);
        Function *f = &ospm.fns[d];
        uint32_t ids;
        int i, order;

        if (fn && !(cfg_read(DEVFN(slot, 0), CFG_HEADER_TYPE, 1) &
                    HEADER_MULTIFUNCTION)) {
            break;
        }
        if (!fn_present(d)) {
            continue;
        }
        ids = cfg_read(d, CFG_VENDOR, 4);
        if (f->ids == ids) {
            continue;       /* already enumerated */
        }
        memset(f, 0, sizeof(*f));
        size_regions(d, f->regions);
        /* Largest first, as Linux sorts by alignment. */
        for (order = 0; order < NREGIONS; order++) {
            int best = -1;

            for (i = 0; i < NREGIONS; i++) {
                Region *r = &f->regions[i];

                if (i == ROM_REGION || r->kind == REG_NONE || r->addr) {
                    continue;
                }
                if (best < 0 || r->size > f->regions[best].size) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            {
                Region *r = &f->regions[best];
                bool ok;

                if (r->kind == REG_IO) {
                    ok = alloc_lowest(REG_IO, LINUX_IO_MIN, IO_SPACE_END,
                                      r->size, &r->addr);
                } else if (r->kind == REG_MEM64 && r->prefetch) {
                    ok = alloc_lowest(REG_MEM64, ospm.hole64_start,
                                      ospm.hole64_start + HOLE64_SIZE,
                                      r->size, &r->addr);
                } else {
                    ok = alloc_lowest(REG_MEM32, ospm.hole32_start,
                                      SEABIOS_MEM_END, r->size, &r->addr);
                }
                if (!ok) {
                    r->kind = REG_NONE;
                    r->addr = 0;
                    continue;
                }
                write_region(d, best, r);
            }
        }
        f->regions[ROM_REGION].kind = REG_NONE;
        f->ids = ids;
        bind_driver(d, true);
    }
}

/* acpiphp: remove the drivers, then _EJ0 (PCEJ). */
static void pci_eject_request(unsigned slot)
{
    int fn;

    if (ospm.policy.kind == OSPM_POLICY_REJECT) {
        return;             /* no _OST on PIIX4 slots: just never eject */
    }
    for (fn = 0; fn < 8; fn++) {
        uint8_t d = DEVFN(slot, fn);

        if (!ospm.fns[d].ids) {
            continue;
        }
        if (is_virtio(ospm.fns[d].ids)) {
            virtio_remove(d);
            cfg_write(d, CFG_COMMAND,
                      cfg_read(d, CFG_COMMAND, 2) & ~CMD_MASTER, 2);
        }
        memset(&ospm.fns[d], 0, sizeof(ospm.fns[d]));
    }
    io_out(PORT_PCIHP_BASE + PCIHP_BNUM, 0, 4);
    io_out(PORT_PCIHP_BASE + PCIHP_EJECT, 1u << slot, 4);
}

/* _E01 -> PCNT on bus 0: device checks for "up", eject requests "down". */
static void handle_pci_gpe(void)
{
    uint32_t up, down;
    unsigned slot;

    io_out(PORT_PCIHP_BASE + PCIHP_BNUM, 0, 4);
    up = io_in(PORT_PCIHP_BASE + PCIHP_UP, 4);
    down = io_in(PORT_PCIHP_BASE + PCIHP_DOWN, 4);
    if (up == 0xffffffffu && down == 0xffffffffu) {
        return;             /* no PCI hotplug block */
    }
    for (slot = 0; slot < 32; slot++) {
        if (up & (1u << slot)) {
            pci_device_check(slot);
        }
    }
    for (slot = 0; slot < 32; slot++) {
        if (down & (1u << slot)) {
            pci_eject_request(slot);
        }
    }
}

static uint8_t gpe_pending(void)
{
    return io_in(PORT_GPE0_STS, 1) & io_in(PORT_GPE0_EN, 1);
}

static void ospm_run(void *opaque)
{
    uint8_t pending;

    (void)opaque;
    ospm.timer = NULL;
    if (!ospm.active || !runstate_is_running() || !ospm.booted ||
        ospm.policy.kind == OSPM_POLICY_PASSIVE) {
        return;
    }
    ospm.in_run = true;
    ospm.rerun = false;
    ospm.runs++;
    pending = gpe_pending();
    if (pending) {
        /* Edge GPEs: ACPICA clears the status, then runs _Exx. */
        io_out(PORT_GPE0_STS, pending, 1);
        if (pending & GPE_BIT_PCI) {
            handle_pci_gpe();
        }
        if (pending & GPE_BIT_MEM) {
            handle_mem_gpe();
        }
    }
    ospm.in_run = false;
    if (ospm.rerun && runstate_is_running() && gpe_pending()) {
        schedule_run();
    }
}

/* ---- Run state hooks ------------------------------------------------ */

static void ospm_start(void *opaque)
{
    (void)opaque;
    if (!ospm.active) {
        return;
    }
    if (!ospm.booted) {
        boot();
    }
    /* A GPE raised while paused is taken now. */
    if (gpe_pending()) {
        schedule_run();
    }
}

static void ospm_reboot(void *opaque)
{
    (void)opaque;
    ospm.reboot_timer = NULL;
    if (ospm.active && !ospm.booted && runstate_is_running()) {
        boot();
    }
}

static void ospm_reset(void *opaque)
{
    (void)opaque;
    if (!ospm.active) {
        return;
    }
    cancel_run();
    ospm.booted = false;
    memset(ospm.fns, 0, sizeof(ospm.fns));
    /* A running machine reboots: firmware and OS run again afterwards. */
    if (runstate_is_running() && !ospm.reboot_timer) {
        ospm.reboot_timer = loop_timer_add(0, ospm_reboot, NULL);
    }
}

bool ospm_init(const MachineOptions *opts, Error **errp)
{
    OspmPolicy policy = { OSPM_POLICY_LINUX, 0 };
    PCMachine *pcm = pc_current_machine();

    if (opts->guest_policy &&
        !ospm_policy_parse(opts->guest_policy, &policy, errp)) {
        return false;
    }
    memset(&ospm, 0, sizeof(ospm));
    ospm.policy = policy;
    ospm.mem_slots = opts->slots;
    if (pcm) {
        uint64_t dm_size = pc_device_memory_size(pcm);
        uint64_t end = dm_size ? pc_device_memory_base(pcm) + dm_size
                               : (1ull << 32) + pc_above_4g_mem_size(pcm);

        ospm.hole32_start = pc_below_4g_mem_size(pcm);
        ospm.hole64_start = (end + GIB - 1) & ~(GIB - 1);
    } else {
        ospm.hole32_start = 0xe0000000ull;
        ospm.hole64_start = 1ull << 32;
    }
    if (!acpi_sci_add_notifier(ospm_sci, NULL)) {
        error_setg(errp, "too many SCI notifiers");
        return false;
    }
    {
        static bool hooks_registered;

        if (!hooks_registered) {
            runstate_add_start_hook(ospm_start, NULL);
            runstate_add_reset_hook(ospm_reset, NULL);
            hooks_registered = true;
        }
    }
    ospm.active = true;
    return true;
}

void ospm_fini(void)
{
    cancel_run();
    loop_timer_cancel(ospm.reboot_timer);
    ospm.reboot_timer = NULL;
    acpi_sci_remove_notifier(ospm_sci, NULL);
    ospm.active = false;
    ospm.booted = false;
}

unsigned ospm_priv_run_count(void)
{
    return ospm.runs;
}

void ospm_priv_sci(void)
{
    ospm_sci(NULL);
}
