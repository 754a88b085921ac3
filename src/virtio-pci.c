/* virtio-pci proxy: see virtio-pci.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/virtio-pci.h"

/* Legacy I/O header (BAR0). */
#define VIRTIO_PCI_HOST_FEATURES 0
#define VIRTIO_PCI_GUEST_FEATURES 4
#define VIRTIO_PCI_QUEUE_PFN 8
#define VIRTIO_PCI_QUEUE_NUM 12
#define VIRTIO_PCI_QUEUE_SEL 14
#define VIRTIO_PCI_QUEUE_NOTIFY 16
#define VIRTIO_PCI_STATUS 18
#define VIRTIO_PCI_ISR 19
#define VIRTIO_MSI_CONFIG_VECTOR 20
#define VIRTIO_MSI_QUEUE_VECTOR 22
#define VIRTIO_PCI_HDR_SIZE 20
#define VIRTIO_PCI_HDR_SIZE_MSIX 24
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

/* Modern common configuration (cfg_type 1). */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF 0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF 0x0c
#define VIRTIO_PCI_COMMON_MSIX 0x10
#define VIRTIO_PCI_COMMON_NUMQ 0x12
#define VIRTIO_PCI_COMMON_STATUS 0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI 0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI 0x34
#define VIRTIO_PCI_COMMON_Q_RESET 0x3a

/* Vendor capability (struct virtio_pci_cap and extensions). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define VCAP_LEN 2
#define VCAP_CFG_TYPE 3
#define VCAP_BAR 4
#define VCAP_OFFSET 8
#define VCAP_LENGTH 12
#define VCAP_NOTIFY_MULT 16
#define VCAP_PCI_CFG_DATA 16
#define VCAP_SIZE 16
#define VCAP_NOTIFY_SIZE 20
#define VCAP_PCI_CFG_SIZE 20

/* BAR indices. */
#define VIRTIO_LEGACY_IO_BAR 0
#define VIRTIO_MSIX_BAR 1
#define VIRTIO_MODERN_IO_BAR 2
#define VIRTIO_MODERN_MEM_BAR 4

static bool has_flag(const VirtIOPCIProxy *p, unsigned bit)
{
    return (p->flags >> bit) & 1;
}

/* Bytes between two queues' notify addresses (page-per-vq: a page). */
static uint32_t notify_mult(const VirtIOPCIProxy *p)
{
    return has_flag(p, VIRTIO_PCI_FLAG_PAGE_PER_VQ) ? 0x1000
                                                    : VIRTIO_PCI_QUEUE_MEM_MULT;
}

static uint64_t notify_size(const VirtIOPCIProxy *p)
{
    return (uint64_t)notify_mult(p) * VIRTIO_QUEUE_MAX;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

/* ---- MSI-X (msix.c) ---- */

/* A vector the driver assigns is kept only when it exists. */
static uint16_t msix_checked_vector(VirtIOPCIProxy *p, uint64_t val)
{
    val &= 0xffff;
    return val < msix_nr_vectors(&p->msix) ? (uint16_t)val : VIRTIO_NO_VECTOR;
}

bool virtio_pci_msix_enabled(VirtIOPCIProxy *p)
{
    return msix_enabled(&p->msix);
}

/* ---- Interrupts ---- */

static void virtio_pci_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *p = opaque;

    if (virtio_pci_msix_enabled(p)) {
        if (vector != VIRTIO_NO_VECTOR) {
            msix_notify(&p->msix, vector);
        }
    } else {
        pci_set_irq(&p->pci_dev, p->vdev.isr & 1);
    }
}

static const VirtIOTransportOps virtio_pci_transport = {
    .notify = virtio_pci_notify,
};

/* ---- Reset ---- */

static void virtio_pci_proxy_reset(VirtIOPCIProxy *p)
{
    int i;

    if (!p->vdev_ready) {
        return;
    }
    p->ioeventfd_started = false;
    virtio_reset(&p->vdev);
    pci_set_irq(&p->pci_dev, 0);
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        memset(&p->vqs[i], 0, sizeof(p->vqs[i]));
    }
}

static void virtio_pci_qdev_reset(DeviceState *dev)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(dev);

    virtio_pci_proxy_reset(p);
    msix_reset(&p->msix);
}

static void virtio_pci_write_status(VirtIOPCIProxy *p, uint8_t val)
{
    if (!(val & VIRTIO_CONFIG_S_DRIVER_OK)) {
        p->ioeventfd_started = false;
    }
    virtio_set_status(&p->vdev, val);
    /*
     * QEMU starts its ioeventfds at DRIVER_OK and kicks every queue once
     * to pick up buffers the driver made available before.
     */
    if ((val & VIRTIO_CONFIG_S_DRIVER_OK) &&
        has_flag(p, VIRTIO_PCI_FLAG_USE_IOEVENTFD) && !p->ioeventfd_started) {
        p->ioeventfd_started = true;
        virtio_queue_kick_all(&p->vdev);
    }
    if (p->vdev.status == 0) {
        virtio_pci_proxy_reset(p);
    }
}

/* ---- Legacy BAR0 ---- */

static uint32_t legacy_hdr_size(VirtIOPCIProxy *p)
{
    return virtio_pci_msix_enabled(p) ? VIRTIO_PCI_HDR_SIZE_MSIX
                                      : VIRTIO_PCI_HDR_SIZE;
}

static uint32_t legacy_ioport_read(VirtIOPCIProxy *p, uint32_t addr)
{
    VirtIODevice *vdev = &p->vdev;
    uint32_t ret = UINT32_MAX;

    switch (addr) {
    case VIRTIO_PCI_HOST_FEATURES:
        ret = (uint32_t)vdev->host_features;
        break;
    case VIRTIO_PCI_GUEST_FEATURES:
        ret = (uint32_t)vdev->guest_features;
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        ret = (uint32_t)(virtio_queue_get_addr(vdev, vdev->queue_sel) >>
                         VIRTIO_PCI_QUEUE_ADDR_SHIFT);
        break;
    case VIRTIO_PCI_QUEUE_NUM:
        ret = virtio_queue_get_num(vdev, vdev->queue_sel);
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        ret = vdev->queue_sel;
        break;
    case VIRTIO_PCI_STATUS:
        ret = vdev->status;
        break;
    case VIRTIO_PCI_ISR:
        ret = vdev->isr;
        vdev->isr = 0;
        pci_set_irq(&p->pci_dev, 0);
        break;
    case VIRTIO_MSI_CONFIG_VECTOR:
        ret = vdev->config_vector;
        break;
    case VIRTIO_MSI_QUEUE_VECTOR:
        ret = virtio_queue_vector(vdev, vdev->queue_sel);
        break;
    default:
        break;
    }
    return ret;
}

static void legacy_ioport_write(VirtIOPCIProxy *p, uint32_t addr, uint32_t val)
{
    VirtIODevice *vdev = &p->vdev;
    uint64_t pa;

    switch (addr) {
    case VIRTIO_PCI_GUEST_FEATURES:
        if (val & (1u << VIRTIO_F_BAD_FEATURE)) {
            /* The driver did not negotiate: assume nothing. */
            val = 0;
        }
        virtio_set_features(vdev, val);
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        pa = (uint64_t)val << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
        if (pa == 0) {
            virtio_pci_proxy_reset(p);
        } else {
            virtio_queue_set_addr(vdev, vdev->queue_sel, pa);
        }
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        if (val < VIRTIO_QUEUE_MAX) {
            vdev->queue_sel = (uint16_t)val;
        }
        break;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        if (val < VIRTIO_QUEUE_MAX) {
            virtio_queue_notify(vdev, val);
        }
        break;
    case VIRTIO_PCI_STATUS:
        virtio_pci_write_status(p, (uint8_t)val);
        /* Old drivers forget bus mastering: enable it for them. */
        if (val == (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER)) {
            pci_default_write_config(
                &p->pci_dev, PCI_COMMAND,
                p->pci_dev.config[PCI_COMMAND] | PCI_COMMAND_MASTER, 1);
        }
        break;
    case VIRTIO_MSI_CONFIG_VECTOR:
        vdev->config_vector = msix_checked_vector(p, val);
        break;
    case VIRTIO_MSI_QUEUE_VECTOR:
        virtio_queue_set_vector(vdev, vdev->queue_sel,
                                msix_checked_vector(p, val));
        break;
    default:
        break;
    }
}

static uint64_t legacy_read(void *opaque, uint64_t addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint32_t hdr = legacy_hdr_size(p);

    if (addr < hdr) {
        return legacy_ioport_read(p, (uint32_t)addr) & size_mask(size);
    }
    return virtio_config_read(&p->vdev, (uint32_t)(addr - hdr), size) &
           size_mask(size);
}

static void legacy_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint32_t hdr = legacy_hdr_size(p);

    if (addr < hdr) {
        legacy_ioport_write(p, (uint32_t)addr, (uint32_t)val);
        return;
    }
    virtio_config_write(&p->vdev, (uint32_t)(addr - hdr), (uint32_t)val, size);
}

static const MemoryRegionOps virtio_pci_legacy_ops = {
    .read = legacy_read,
    .write = legacy_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- Modern common configuration ---- */

static uint64_t common_read(void *opaque, uint64_t addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtIOPCIQueue *q = &p->vqs[vdev->queue_sel];
    uint32_t val = 0;

    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        val = p->dfselect;
        break;
    case VIRTIO_PCI_COMMON_DF:
        if (p->dfselect <= 1) {
            val = (uint32_t)((vdev->host_features & ~vdev->legacy_features) >>
                             (32 * p->dfselect));
        }
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        val = p->gfselect;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (p->gfselect < 2) {
            val = p->guest_features[p->gfselect];
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        val = vdev->config_vector;
        break;
    case VIRTIO_PCI_COMMON_NUMQ:
        val = (uint32_t)virtio_get_num_queues(vdev);
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        val = vdev->status;
        break;
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        val = vdev->generation;
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        val = vdev->queue_sel;
        break;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        val = virtio_queue_get_num(vdev, vdev->queue_sel);
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        val = virtio_queue_vector(vdev, vdev->queue_sel);
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        val = q->enabled;
        break;
    case VIRTIO_PCI_COMMON_Q_NOFF:
        val = vdev->queue_sel;
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        val = q->desc[0];
        break;
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        val = q->desc[1];
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        val = q->avail[0];
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        val = q->avail[1];
        break;
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        val = q->used[0];
        break;
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        val = q->used[1];
        break;
    default:
        break;
    }
    return val & size_mask(size);
}

static uint64_t join64(const uint32_t v[2])
{
    return ((uint64_t)v[1] << 32) | v[0];
}

static void common_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtIOPCIQueue *q = &p->vqs[vdev->queue_sel];
    uint32_t v = (uint32_t)val;

    (void)size;
    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        p->dfselect = v;
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        p->gfselect = v;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (p->gfselect < 2) {
            p->guest_features[p->gfselect] = v;
            virtio_set_features(vdev, join64(p->guest_features));
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        vdev->config_vector = msix_checked_vector(p, v);
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        virtio_pci_write_status(p, (uint8_t)v);
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        if (v < VIRTIO_QUEUE_MAX) {
            vdev->queue_sel = (uint16_t)v;
        }
        break;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        q->num = (uint16_t)v;
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        virtio_queue_set_vector(vdev, vdev->queue_sel,
                                msix_checked_vector(p, v));
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        if (v == 1) {
            virtio_queue_set_num(vdev, vdev->queue_sel, q->num);
            virtio_queue_set_rings(vdev, vdev->queue_sel, join64(q->desc),
                                   join64(q->avail), join64(q->used));
            q->enabled = true;
        }
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        q->desc[0] = v;
        break;
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        q->desc[1] = v;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        q->avail[0] = v;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        q->avail[1] = v;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        q->used[0] = v;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        q->used[1] = v;
        break;
    default:
        break;
    }
}

static const MemoryRegionOps virtio_pci_common_ops = {
    .read = common_read,
    .write = common_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t isr_read(void *opaque, uint64_t addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint64_t v = p->vdev.isr;

    (void)addr;
    (void)size;
    p->vdev.isr = 0;
    pci_set_irq(&p->pci_dev, 0);
    return v;
}

/* The ISR is read-only: writes are dropped. */
static void isr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps virtio_pci_isr_ops = {
    .read = isr_read,
    .write = isr_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t device_read(void *opaque, uint64_t addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    return virtio_config_read(&p->vdev, (uint32_t)addr, size) & size_mask(size);
}

static void device_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    virtio_config_write(&p->vdev, (uint32_t)addr, (uint32_t)val, size);
}

static const MemoryRegionOps virtio_pci_device_ops = {
    .read = device_read,
    .write = device_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t notify_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0;
}

static void notify_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint64_t queue = addr / notify_mult(p);

    (void)val;
    (void)size;
    if (queue < VIRTIO_QUEUE_MAX) {
        virtio_queue_notify(&p->vdev, (unsigned)queue);
    }
}

static const MemoryRegionOps virtio_pci_notify_ops = {
    .read = notify_read,
    .write = notify_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* modern-pio-notify: the value written is the queue index. */
static void notify_pio_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    (void)addr;
    (void)size;
    if (val < VIRTIO_QUEUE_MAX) {
        virtio_queue_notify(&p->vdev, (unsigned)val);
    }
}

static const MemoryRegionOps virtio_pci_notify_pio_ops = {
    .read = notify_read,
    .write = notify_pio_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- PCI configuration space ---- */

/* The BAR4 region an access of len bytes at off (pci-cfg window) hits. */
static MemoryRegion *modern_lookup(VirtIOPCIProxy *p, uint32_t *off,
                                   uint32_t len)
{
    MemoryRegion *regs[4] = { &p->common, &p->isr, &p->device, &p->notify };
    uint32_t i;

    for (i = 0; i < 4; i++) {
        uint32_t base = i * VIRTIO_PCI_REGION_STRIDE;
        uint64_t rsize = i == 3 ? notify_size(p) : VIRTIO_PCI_REGION_STRIDE;

        if (*off >= base && (uint64_t)*off + len <= (uint64_t)base + rsize) {
            *off -= base;
            return regs[i];
        }
    }
    return NULL;
}

static bool cfg_window_hit(VirtIOPCIProxy *p, uint32_t addr, int len)
{
    uint32_t start = p->config_cap + VCAP_PCI_CFG_DATA;

    return p->config_cap && addr < start + 4 && addr + (uint32_t)len > start;
}

static uint32_t virtio_pci_read_config(PCIDevice *d, uint32_t addr, int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);

    if (cfg_window_hit(p, addr, len)) {
        uint8_t *cap = d->config + p->config_cap;
        uint32_t off = pci_get_long(cap + VCAP_OFFSET);
        uint32_t wlen = pci_get_long(cap + VCAP_LENGTH);

        if (wlen == 1 || wlen == 2 || wlen == 4) {
            MemoryRegion *mr;
            uint64_t v = 0;

            off &= ~(wlen - 1);
            mr = modern_lookup(p, &off, wlen);
            if (mr) {
                memory_region_dispatch_read(mr, off, &v, wlen);
                switch (wlen) {
                case 1:
                    pci_set_byte(cap + VCAP_PCI_CFG_DATA, (uint8_t)v);
                    break;
                case 2:
                    pci_set_word(cap + VCAP_PCI_CFG_DATA, (uint16_t)v);
                    break;
                default:
                    pci_set_long(cap + VCAP_PCI_CFG_DATA, (uint32_t)v);
                    break;
                }
            }
        }
    }
    return pci_default_read_config(d, addr, len);
}

static void virtio_pci_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                    int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);

    pci_default_write_config(d, addr, val, len);
    if (addr <= PCI_COMMAND && addr + (uint32_t)len > PCI_COMMAND &&
        !(d->config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
        p->ioeventfd_started = false;
        virtio_set_status(&p->vdev,
                          p->vdev.status & ~VIRTIO_CONFIG_S_DRIVER_OK);
    }
    if (cfg_window_hit(p, addr, len)) {
        uint8_t *cap = d->config + p->config_cap;
        uint32_t off = pci_get_long(cap + VCAP_OFFSET);
        uint32_t wlen = pci_get_long(cap + VCAP_LENGTH);

        if (wlen == 1 || wlen == 2 || wlen == 4) {
            MemoryRegion *mr;
            uint64_t v;

            off &= ~(wlen - 1);
            mr = modern_lookup(p, &off, wlen);
            if (mr) {
                v = wlen == 1   ? pci_get_byte(cap + VCAP_PCI_CFG_DATA)
                    : wlen == 2 ? pci_get_word(cap + VCAP_PCI_CFG_DATA)
                                : pci_get_long(cap + VCAP_PCI_CFG_DATA);
                memory_region_dispatch_write(mr, off, v, wlen);
            }
        }
    }
}

/* ---- Realize ---- */

static int add_vendor_cap(PCIDevice *d, uint8_t len, uint8_t cfg_type,
                          uint32_t offset, uint32_t length)
{
    int pos = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, len, NULL);

    if (pos < 0) {
        return pos;
    }
    d->config[pos + VCAP_LEN] = len;
    d->config[pos + VCAP_CFG_TYPE] = cfg_type;
    d->config[pos + VCAP_BAR] = VIRTIO_MODERN_MEM_BAR;
    pci_set_long(d->config + pos + VCAP_OFFSET, offset);
    pci_set_long(d->config + pos + VCAP_LENGTH, length);
    return pos;
}

static void modern_regions_fini(VirtIOPCIProxy *p)
{
    MemoryRegion *regs[4] = { &p->common, &p->isr, &p->device, &p->notify };
    int i;

    if (!p->modern_mapped) {
        return;
    }
    for (i = 0; i < 4; i++) {
        memory_region_del_subregion(&p->modern_bar, regs[i]);
        memory_region_finalize(regs[i]);
    }
    memory_region_finalize(&p->modern_bar);
    p->modern_mapped = false;
    if (p->notify_pio_mapped) {
        memory_region_finalize(&p->notify_pio);
        p->notify_pio_mapped = false;
    }
}

static void modern_init(VirtIOPCIProxy *p, const char *owner)
{
    static const struct {
        const char *name;
        uint8_t cfg_type;
        const MemoryRegionOps *ops;
    } parts[4] = {
        { "virtio-pci-common", VIRTIO_PCI_CAP_COMMON_CFG,
          &virtio_pci_common_ops },
        { "virtio-pci-isr", VIRTIO_PCI_CAP_ISR_CFG, &virtio_pci_isr_ops },
        { "virtio-pci-device", VIRTIO_PCI_CAP_DEVICE_CFG,
          &virtio_pci_device_ops },
        { "virtio-pci-notify", VIRTIO_PCI_CAP_NOTIFY_CFG,
          &virtio_pci_notify_ops },
    };
    MemoryRegion *regs[4] = { &p->common, &p->isr, &p->device, &p->notify };
    PCIDevice *d = &p->pci_dev;
    int i, pos;

    memory_region_init(
        &p->modern_bar, owner, "virtio-pci",
        pow2ceil64(3 * VIRTIO_PCI_REGION_STRIDE + notify_size(p)));
    for (i = 0; i < 4; i++) {
        uint32_t off = (uint32_t)i * VIRTIO_PCI_REGION_STRIDE;
        uint64_t size = i == 3 ? notify_size(p) : VIRTIO_PCI_REGION_STRIDE;

        memory_region_init_io(regs[i], owner, parts[i].ops, p, parts[i].name,
                              size);
        memory_region_add_subregion(&p->modern_bar, off, regs[i]);
        pos = add_vendor_cap(d, i == 3 ? VCAP_NOTIFY_SIZE : VCAP_SIZE,
                             parts[i].cfg_type, off, (uint32_t)size);
        if (i == 3 && pos > 0) {
            pci_set_long(d->config + pos + VCAP_NOTIFY_MULT, notify_mult(p));
        }
    }
    p->modern_mapped = true;
    if (has_flag(p, VIRTIO_PCI_FLAG_MODERN_PIO_NOTIFY)) {
        /* A 4-byte I/O BAR 2 whose writes name the queue to kick. */
        memory_region_init_io(&p->notify_pio, owner, &virtio_pci_notify_pio_ops,
                              p, "virtio-pci-notify-pio", 4);
        p->notify_pio_mapped = true;
        pci_register_bar(d, VIRTIO_MODERN_IO_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                         &p->notify_pio);
        pos = add_vendor_cap(d, VCAP_NOTIFY_SIZE, VIRTIO_PCI_CAP_NOTIFY_CFG, 0,
                             4);
        if (pos > 0) {
            d->config[pos + VCAP_BAR] = VIRTIO_MODERN_IO_BAR;
        }
    }
    pci_register_bar(d, VIRTIO_MODERN_MEM_BAR,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_PREFETCH |
                         PCI_BASE_ADDRESS_MEM_TYPE_64,
                     &p->modern_bar);

    /* The pci-cfg window: bar, offset, length and data are writable. */
    pos = add_vendor_cap(d, VCAP_PCI_CFG_SIZE, VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
    d->config[pos + VCAP_BAR] = 0;
    p->config_cap = (uint8_t)pos;
    d->wmask[pos + VCAP_BAR] = 0xff;
    pci_set_long(d->wmask + pos + VCAP_OFFSET, UINT32_MAX);
    pci_set_long(d->wmask + pos + VCAP_LENGTH, UINT32_MAX);
    pci_set_long(d->wmask + pos + VCAP_PCI_CFG_DATA, UINT32_MAX);
}

/* The proxy's bus for its one backend, as QEMU's. */
#define TYPE_VIRTIO_BUS "virtio-bus"
#define TYPE_VIRTIO_PCI_BUS "virtio-pci-bus"
#define VIRTIO_PCI_BUS_NAME "virtio-bus"

/* The backend goes onto the proxy's bus with the proxy's realize. */
static void realize_backend(VirtIOPCIProxy *p)
{
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);
    DeviceState *be = DEVICE(p->backend);
    BusState *bus = qdev_get_child_bus(DEVICE(p), VIRTIO_PCI_BUS_NAME);

    /* A plain device realize: nothing in it can fail. */
    if (qdev_realize(be, bus, NULL) && k->backend_added) {
        k->backend_added(p, be);
    }
}

static void virtio_pci_unplug_all(VirtIOPCIProxy *p)
{
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);

    if (p->registered) {
        virtio_unregister_device(&p->vdev);
        p->registered = false;
    }
    if (p->backend && DEVICE(p->backend)->realized) {
        /* Unrealized now; removed (and announced) with the proxy. */
        object_property_set_bool(OBJECT(p->backend), "realized", false, NULL);
    }
    msix_uninit(&p->msix);
    if (p->config_cap) {
        pci_del_capability(&p->pci_dev, PCI_CAP_ID_VNDR, VCAP_PCI_CFG_SIZE);
        p->config_cap = 0;
    }
    modern_regions_fini(p);
    if (p->legacy && p->bar.name) {
        memory_region_finalize(&p->bar);
        memset(&p->bar, 0, sizeof(p->bar));
    }
    if (p->vdev_ready) {
        if (k->device_unrealize) {
            k->device_unrealize(p);
        }
        virtio_cleanup(&p->vdev);
        p->vdev_ready = false;
    }
    free(p->vqs);
    p->vqs = NULL;
}

static bool virtio_pci_realize(PCIDevice *d, Error **errp)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);
    uint8_t *config = d->config;
    char *owner, *path;
    uint64_t size;
    bool ok;

    /* On pc's conventional root bus "auto" keeps the legacy interface. */
    if (p->disable_legacy == ON_OFF_AUTO_AUTO) {
        p->disable_legacy = ON_OFF_AUTO_OFF;
    }
    p->legacy = p->disable_legacy != ON_OFF_AUTO_ON;
    p->modern = !p->disable_modern;
    if (!p->modern && !p->legacy) {
        error_setg(errp, "device cannot work as neither modern nor legacy "
                         "mode is enabled");
        return false;
    }
    p->vqs = xzalloc(sizeof(VirtIOPCIQueue) * VIRTIO_QUEUE_MAX);
    if (!qdev_get_child_bus(DEVICE(p), VIRTIO_PCI_BUS_NAME)) {
        qbus_new(TYPE_VIRTIO_PCI_BUS, DEVICE(p), VIRTIO_PCI_BUS_NAME);
    }

    if (!k->device_realize || !k->device_realize(p, errp)) {
        free(p->vqs);
        p->vqs = NULL;
        return false;
    }
    /* The device's features, then the transport's checks (QEMU's
     * get_features, then virtio_pci_device_plugged). */
    p->vdev.host_features |= p->backend->host_features;
    if (p->modern) {
        virtio_add_feature(&p->vdev.host_features, VIRTIO_F_VERSION_1);
    }
    ok = !k->get_features || k->get_features(p, &p->vdev.host_features, errp);
    if (ok && p->legacy &&
        virtio_has_feature(p->backend->host_features,
                           VIRTIO_F_IOMMU_PLATFORM)) {
        error_setg(errp, "VIRTIO_F_IOMMU_PLATFORM was supported by neither "
                         "legacy nor transitional device");
        ok = false;
    }
    if (!ok) {
        if (k->device_unrealize) {
            k->device_unrealize(p);
        }
        virtio_cleanup(&p->vdev);
        free(p->vqs);
        p->vqs = NULL;
        return false;
    }
    p->vdev_ready = true;
    p->vdev.transport = &virtio_pci_transport;
    p->vdev.transport_opaque = p;
    p->vdev.dma_as = &d->bus_master_as;
    virtio_add_feature(&p->vdev.host_features, VIRTIO_F_BAD_FEATURE);

    if (p->class_code) {
        pci_set_word(config + PCI_CLASS_DEVICE, p->class_code);
    }
    if (p->legacy) {
        pci_set_word(config + PCI_SUBSYSTEM_ID, p->vdev.ops->device_id);
    } else {
        pci_set_word(config + PCI_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
        pci_set_word(config + PCI_DEVICE_ID,
                     (uint16_t)(0x1040 + p->vdev.ops->device_id));
        config[PCI_REVISION_ID] = 1;
    }
    config[PCI_INTERRUPT_PIN] = 1;

    owner = pci_mr_owner(d);
    if (p->modern) {
        modern_init(p, owner);
    }
    if (p->nvectors) {
        Error *merr = NULL;

        if (!msix_init_exclusive_bar(&p->msix, d, p->nvectors, VIRTIO_MSIX_BAR,
                                     &merr)) {
            error_free(merr);
            p->nvectors = 0;
        }
    }
    if (p->legacy) {
        size =
            VIRTIO_PCI_HDR_SIZE + (p->msix.ready ? 4 : 0) + p->vdev.config_len;
        memory_region_init_io(&p->bar, owner, &virtio_pci_legacy_ops, p,
                              "virtio-pci", pow2ceil64(size));
        pci_register_bar(d, VIRTIO_LEGACY_IO_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                         &p->bar);
    }
    free(owner);

    realize_backend(p);
    path = object_get_canonical_path(OBJECT(d));
    if (path) {
        char *full = xasprintf("%s/virtio-backend", path);
        BusState *bus = qdev_last_child_bus(DEVICE(p->backend));

        /* The device's own bus (virtio-serial's) hangs on the backend;
         * QEMU names it to the device only when the proxy has an id. */
        virtio_register_device(&p->vdev, full,
                               bus && DEVICE(p)->id ? bus->name : "");
        p->registered = true;
        free(full);
        free(path);
    }
    if (k->device_plugged && !k->device_plugged(p, errp)) {
        virtio_pci_unplug_all(p);
        return false;
    }
    return true;
}

static void virtio_pci_exit(PCIDevice *d)
{
    virtio_pci_unplug_all(VIRTIO_PCI(d));
}

/*
 * QEMU 7.2's virtio-pci properties.  On pc's conventional bus only
 * page-per-vq and modern-pio-notify change what the guest sees; the
 * PCIe ones (x-disable-pcie, ats, x-ats-page-aligned, x-pcie-*, aer),
 * the migration ones and x-ignore-backend-features (vhost) are stored.
 */
static const Property virtio_pci_props[] = {
    DEFINE_PROP_BIT("virtio-pci-bus-master-bug-migration", VirtIOPCIProxy,
                    flags, VIRTIO_PCI_FLAG_BUS_MASTER_BUG_MIGRATION, false),
    DEFINE_PROP_BIT("migrate-extra", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_MIGRATE_EXTRA, true),
    DEFINE_PROP_BIT("modern-pio-notify", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_MODERN_PIO_NOTIFY, false),
    DEFINE_PROP_BIT("x-disable-pcie", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_DISABLE_PCIE, false),
    DEFINE_PROP_BIT("page-per-vq", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_PAGE_PER_VQ, false),
    DEFINE_PROP_BOOL("x-ignore-backend-features", VirtIOPCIProxy,
                     ignore_backend_features, false),
    DEFINE_PROP_BIT("ats", VirtIOPCIProxy, flags, VIRTIO_PCI_FLAG_ATS, false),
    DEFINE_PROP_BIT("x-ats-page-aligned", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_ATS_PAGE_ALIGNED, true),
    DEFINE_PROP_BIT("x-pcie-deverr-init", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_INIT_DEVERR, true),
    DEFINE_PROP_BIT("x-pcie-lnkctl-init", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_INIT_LNKCTL, true),
    DEFINE_PROP_BIT("x-pcie-pm-init", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_INIT_PM, true),
    DEFINE_PROP_BIT("x-pcie-flr-init", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_INIT_FLR, true),
    DEFINE_PROP_BIT("aer", VirtIOPCIProxy, flags, VIRTIO_PCI_FLAG_AER, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    device_class_set_props(dc, virtio_pci_props);
    k->realize = virtio_pci_realize;
    k->exit = virtio_pci_exit;
    k->config_read = virtio_pci_read_config;
    k->config_write = virtio_pci_write_config;
    k->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    k->revision = 0;
    dc->reset = virtio_pci_qdev_reset;
}

static void virtio_pci_instance_finalize(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);

    object_unref(p->backend);
    p->backend = NULL;
}

static const InterfaceInfo virtio_pci_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { INTERFACE_PCIE_DEVICE }, { NULL }
};

static const TypeInfo virtio_pci_info = {
    .name = TYPE_VIRTIO_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VirtIOPCIProxy),
    .instance_finalize = virtio_pci_instance_finalize,
    .abstract = true,
    .class_size = sizeof(VirtIOPCIClass),
    .class_init = virtio_pci_class_init,
    .interfaces = virtio_pci_interfaces,
};

static const Property virtio_pci_generic_props[] = {
    DEFINE_PROP("disable-legacy", VirtIOPCIProxy, disable_legacy,
                on_off_auto_prop, int32_t, .set_default = true,
                .defval.i = ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("disable-modern", VirtIOPCIProxy, disable_modern, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_pci_generic_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    device_class_set_props(DEVICE_CLASS(klass), virtio_pci_generic_props);
}

static void virtio_pci_transitional_init(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);

    p->disable_legacy = ON_OFF_AUTO_OFF;
    p->disable_modern = false;
}

static void virtio_pci_non_transitional_init(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);

    p->disable_legacy = ON_OFF_AUTO_ON;
    p->disable_modern = false;
}

static const InterfaceInfo virtio_pci_conventional[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

/*
 * As QEMU's virtio_instance_init_common: the backend is the child
 * "virtio-backend" from the start, and the proxy gets an alias of each
 * of its class properties (and of the instance ones the device names).
 */
static void virtio_pci_base_instance_init(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);
    ObjectClass *klass;
    const Property *prop;
    Object *be;
    const char *const *name;

    /*
     * The proxy keeps a reference of its own (QEMU's backend is embedded
     * in the proxy): taken off its bus and out of the tree with the
     * proxy, the backend is finalized, and announced, with it.
     */
    be = object_new(k->backend_type);
    object_property_add_child(obj, "virtio-backend", be);
    p->backend = VIRTIO_BACKEND(be);
    /* The static properties, the device's table first, as QEMU 7.2's
     * qdev_alias_all_properties. */
    for (klass = object_get_class(be);
         klass != object_class_by_name(TYPE_DEVICE);
         klass = object_class_get_parent(klass)) {
        const Property *inherited =
            DEVICE_CLASS(object_class_get_parent(klass))->props_;

        /* A class without a table of its own (virtio-scsi-common) has
         * its parent's. */
        if (DEVICE_CLASS(klass)->props_ == inherited) {
            continue;
        }
        for (prop = DEVICE_CLASS(klass)->props_; prop && prop->name; prop++) {
            object_property_add_alias(obj, prop->name, be, prop->name);
        }
    }
    for (name = k->backend_instance_aliases; name && *name; name++) {
        object_property_add_alias(obj, *name, be, *name);
    }
}

void virtio_pci_types_register(const TypeInfo *info)
{
    char *base = xasprintf("%s-base", info->name);
    char *trans = xasprintf("%s-transitional", info->name);
    char *non_trans = xasprintf("%s-non-transitional", info->name);
    TypeInfo t = *info;

    t.name = base;
    t.parent = TYPE_VIRTIO_PCI;
    t.abstract = true;
    assert(!t.instance_init);
    t.instance_init = virtio_pci_base_instance_init;
    type_register(&t);
    t = (TypeInfo){ .name = info->name,
                    .parent = base,
                    .class_init = virtio_pci_generic_class_init };
    type_register(&t);
    t = (TypeInfo){ .name = trans,
                    .parent = base,
                    .instance_init = virtio_pci_transitional_init,
                    .interfaces = virtio_pci_conventional };
    type_register(&t);
    t = (TypeInfo){ .name = non_trans,
                    .parent = base,
                    .instance_init = virtio_pci_non_transitional_init };
    type_register(&t);
    free(non_trans);
    free(trans);
    free(base);
}

/* QEMU 7.2's virtio-device properties, which every backend has. */
const Property virtio_device_props[] = {
    DEFINE_PROP_BIT64("indirect_desc", VirtIOBackend, host_features,
                      VIRTIO_RING_F_INDIRECT_DESC, true),
    DEFINE_PROP_BIT64("event_idx", VirtIOBackend, host_features,
                      VIRTIO_RING_F_EVENT_IDX, true),
    DEFINE_PROP_BIT64("notify_on_empty", VirtIOBackend, host_features,
                      VIRTIO_F_NOTIFY_ON_EMPTY, true),
    DEFINE_PROP_BIT64("any_layout", VirtIOBackend, host_features,
                      VIRTIO_F_ANY_LAYOUT, true),
    DEFINE_PROP_BIT64("iommu_platform", VirtIOBackend, host_features,
                      VIRTIO_F_IOMMU_PLATFORM, false),
    DEFINE_PROP_BIT64("packed", VirtIOBackend, host_features,
                      VIRTIO_F_RING_PACKED, false),
    DEFINE_PROP_BIT64("queue_reset", VirtIOBackend, host_features,
                      VIRTIO_F_RING_RESET, true),
    DEFINE_PROP_BOOL("use-started", VirtIOBackend, use_started, true),
    DEFINE_PROP_BOOL("use-disabled-flag", VirtIOBackend, use_disabled_flag,
                     true),
    DEFINE_PROP_BOOL("x-disable-legacy-check", VirtIOBackend,
                     disable_legacy_check, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_device_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    device_class_set_props(DEVICE_CLASS(klass), virtio_device_props);
    DEVICE_CLASS(klass)->bus_type = TYPE_VIRTIO_BUS;
}

/* A proxy's bus holds its one backend. */
static void virtio_pci_bus_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    BUS_CLASS(klass)->max_dev = 1;
}

void virtio_backend_type_register(const char *name, size_t instance_size,
                                  void (*class_init)(ObjectClass *, void *),
                                  void (*instance_init)(Object *))
{
    TypeInfo t = {
        .name = name,
        .parent = TYPE_VIRTIO_DEVICE,
        .instance_size = instance_size,
        .class_init = class_init,
        .instance_init = instance_init,
    };

    type_register(&t);
}

void virtio_pci_register_types(void)
{
    static const TypeInfo virtio_device_info = {
        .name = TYPE_VIRTIO_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(VirtIOBackend),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
        .class_init = virtio_device_class_init,
    };

    static const TypeInfo bus_infos[] = {
        { .name = TYPE_VIRTIO_BUS,
          .parent = TYPE_BUS,
          .instance_size = sizeof(BusState),
          .abstract = true },
        { .name = TYPE_VIRTIO_PCI_BUS,
          .parent = TYPE_VIRTIO_BUS,
          .class_init = virtio_pci_bus_class_init },
    };

    type_register_static_array(bus_infos, ARRAY_SIZE(bus_infos));
    type_register_static(&virtio_device_info);
    type_register_static(&virtio_pci_info);
}
