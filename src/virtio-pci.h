/*
 * virtio-pci proxy (transitional, conventional PCI), modelled on QEMU
 * 7.2's hw/virtio/virtio-pci.c: BAR0 legacy I/O header + device config,
 * BAR1 MSI-X table/PBA (vectors > 0), BAR4 64-bit prefetchable 16 KiB
 * modern BAR (common 0x0000, isr 0x1000, device 0x2000, notify 0x3000)
 * and the vendor capabilities.
 *
 * A concrete device ("virtio-balloon-pci", ...) derives from
 * TYPE_VIRTIO_PCI, embeds VirtIOPCIProxy first and sets in its class
 * init the PCIDeviceClass IDs (device_id = transitional ID, class_id) and
 * VirtIOPCIClass.device_realize, which calls virtio_init() on
 * proxy->vdev, adds queues and sets the device's host features.
 */
#ifndef QMACHINED_VIRTIO_PCI_H
#define QMACHINED_VIRTIO_PCI_H

#include "src/msix.h"
#include "src/on-off-auto.h"
#include "src/pci.h"
#include "src/virtio.h"

#define TYPE_VIRTIO_PCI "virtio-pci"

/* "vectors" not given: the device picks its default. */
#define DEV_NVECTORS_UNSPECIFIED UINT32_MAX

/* Modern BAR layout. */
#define VIRTIO_PCI_MODERN_BAR_SIZE 0x4000
#define VIRTIO_PCI_REGION_STRIDE 0x1000
#define VIRTIO_PCI_QUEUE_MEM_MULT 4

typedef struct VirtIOPCIProxy VirtIOPCIProxy;

typedef struct VirtIOPCIQueue {
    uint16_t num;
    bool enabled;
    uint32_t desc[2];
    uint32_t avail[2];
    uint32_t used[2];
} VirtIOPCIQueue;

struct VirtIOPCIProxy {
    PCIDevice pci_dev;
    VirtIODevice vdev;
    /*
     * The QOM child "virtio-backend" (a "<name>-device") standing for the
     * device on the proxy's virtio bus, as in QEMU: it goes first when the
     * proxy is removed, with its own DEVICE_DELETED.
     */
    DeviceState *backend;
    bool vdev_ready; /* virtio_init ran */
    bool registered; /* in the virtio registry */

    /* Properties. */
    uint32_t nvectors;
    int32_t disable_legacy; /* OnOffAuto */
    bool disable_modern;
    bool ioeventfd;
    bool ioeventfd_started; /* kicks go through "ioeventfd" (DRIVER_OK) */

    uint16_t class_code;
    bool legacy;
    bool modern;
    uint32_t dfselect;
    uint32_t gfselect;
    uint32_t guest_features[2];
    VirtIOPCIQueue *vqs; /* VIRTIO_QUEUE_MAX */
    uint8_t config_cap;

    MemoryRegion bar; /* legacy "virtio-pci" I/O */
    MemoryRegion modern_bar;
    MemoryRegion common, isr, device, notify;
    bool modern_mapped;

    /* MSI-X (exclusive BAR 1). */
    MSIXState msix;
};

typedef struct VirtIOPCIClass {
    PCIDeviceClass parent_class;
    /* Creates the virtio device in proxy->vdev (virtio_init, queues,
     * host features, default vectors). */
    bool (*device_realize)(VirtIOPCIProxy *proxy, Error **errp);
    void (*device_unrealize)(VirtIOPCIProxy *proxy);
    /* The "virtio-backend" child exists (may be NULL): a device hangs
     * its own children and links there, as QEMU's virtio devices do. */
    void (*backend_added)(VirtIOPCIProxy *proxy, DeviceState *backend);
} VirtIOPCIClass;

OBJECT_DECLARE_CASTS(VirtIOPCIProxy, VirtIOPCIClass, VIRTIO_PCI,
                     TYPE_VIRTIO_PCI)

/* Standard proxy properties every variant has (ioeventfd); a device
 * appends its own after these via its own Property table.  The generic
 * type adds disable-legacy and disable-modern (virtio_pci_types_register). */
#define DEFINE_VIRTIO_PCI_PROPS() \
    DEFINE_PROP_BOOL("ioeventfd", VirtIOPCIProxy, ioeventfd, true)

/*
 * Registers a virtio-pci device as QEMU does: info (name "virtio-X-pci",
 * the device's instance size and class_init) becomes the abstract
 * "virtio-X-pci-base" under virtio-pci, and three concrete types derive
 * from it: "virtio-X-pci" (disable-legacy and disable-modern settable),
 * "virtio-X-pci-transitional" (both interfaces) and
 * "virtio-X-pci-non-transitional" (modern only).  Casts to the device
 * use the base name, which every variant has.
 */
void virtio_pci_types_register(const TypeInfo *info);
/* "virtio-X-pci-base" for "virtio-X-pci". */
#define VIRTIO_PCI_BASE(generic) generic "-base"

/* MSI-X state (tests). */
bool virtio_pci_msix_enabled(VirtIOPCIProxy *proxy);

void virtio_pci_register_types(void);
/* The devices on the proxy, one file each (src/virtio-*.c). */
void virtio_balloon_register_types(void);
void virtio_rng_register_types(void);
void virtio_net_register_types(void);
void virtio_serial_register_types(void);
void e1000_register_types(void);

#endif
