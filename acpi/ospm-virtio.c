/*
 * The simulated guest's virtio driver: Linux 6.1's virtio_pci_modern
 * probe with the virtio core's status handshake (reset, ACKNOWLEDGE,
 * DRIVER, feature negotiation with what each Linux driver accepts,
 * FEATURES_OK, rings placed in guest RAM and enabled, DRIVER_OK), and
 * its remove (a reset).  It works through the common configuration
 * structure that the vendor capability points to in a BAR the guest
 * placed; legacy-only devices are left alone.  docs/GUEST.md has the
 * reference guest's trace.
 */
#include "acpi/ospm-int.h"

#define CAP_ID_VNDR 0x09
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

bool ospm_virtio_match(uint32_t ids)
{
    uint16_t vendor = ids & 0xffff, device = ids >> 16;

    return vendor == VIRTIO_VENDOR && device >= VIRTIO_DEV_FIRST &&
           device <= VIRTIO_DEV_LAST;
}

/* The virtio device type (VIRTIO_ID_*) of a transitional or modern ID. */
static unsigned device_type(uint8_t devfn, uint32_t ids)
{
    uint16_t device = ids >> 16;

    if (device <= VIRTIO_TRANSITIONAL_LAST) {
        return cfg_read(devfn, CFG_SUBSYS_ID, 2);
    }
    return device - VIRTIO_MODERN_BASE;
}

/* Guest address of the common configuration structure, or 0. */
static uint64_t common_cfg(uint8_t devfn)
{
    const OspmFunction *f = ospm_pci_fn(devfn);
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
/* Features Linux 6.1's drivers accept, per device type (docs/GUEST.md). */
static uint64_t driver_features(unsigned id)
{
    uint64_t transport =
        VF_INDIRECT_DESC | VF_EVENT_IDX | VF_VERSION_1 | VF_RING_RESET;

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

static void set_status(uint64_t common, uint8_t bits)
{
    uint8_t st = mem_ld(common + VC_STATUS, 1);

    mem_st(common + VC_STATUS, st | bits, 1);
}

/* virtio_pci_modern probe plus virtio core: reset .. DRIVER_OK. */
void ospm_virtio_probe(uint8_t devfn, uint32_t ids)
{
    uint64_t common = common_cfg(devfn);
    uint64_t dev_f, drv_f;
    unsigned nq, q;

    if (!common) {
        return; /* legacy-only: left to the docs */
    }
    mem_st(common + VC_STATUS, 0, 1);
    (void)mem_ld(common + VC_STATUS, 1);
    set_status(common, VS_ACKNOWLEDGE);
    set_status(common, VS_DRIVER);
    mem_st(common + VC_DFSELECT, 0, 4);
    dev_f = (uint32_t)mem_ld(common + VC_DF, 4);
    mem_st(common + VC_DFSELECT, 1, 4);
    dev_f |= mem_ld(common + VC_DF, 4) << 32;
    if (!(dev_f & VF_VERSION_1)) {
        return; /* a modern driver refuses it */
    }
    drv_f = dev_f & driver_features(device_type(devfn, ids));
    mem_st(common + VC_GFSELECT, 0, 4);
    mem_st(common + VC_GF, (uint32_t)drv_f, 4);
    mem_st(common + VC_GFSELECT, 1, 4);
    mem_st(common + VC_GF, (uint32_t)(drv_f >> 32), 4);
    set_status(common, VS_FEATURES_OK);
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
        mem_st64(common + VC_Q_USED, (base + (uint64_t)size * RING_DESC_SIZE +
                                      RING_AVAIL_HDR + 2ull * size + 4095) &
                                         ~4095ull);
    }
    for (q = 0; q < nq && q < RING_AREA_PER_DEV / RING_AREA_PER_QUEUE; q++) {
        mem_st(common + VC_Q_SELECT, q, 2);
        if (mem_ld(common + VC_Q_SIZE, 2)) {
            mem_st(common + VC_Q_ENABLE, 1, 2);
        }
    }
    set_status(common, VS_DRIVER_OK);
}

/* The driver's remove: reset the device. */
void ospm_virtio_remove(uint8_t devfn)
{
    uint64_t common = common_cfg(devfn);

    if (common) {
        mem_st(common + VC_STATUS, 0, 1);
        (void)mem_ld(common + VC_STATUS, 1);
    }
}
