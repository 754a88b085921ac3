/*
 * virtio-pci proxy (transitional, conventional PCI), modelled on QEMU
 * 7.2's hw/virtio/virtio-pci.c: BAR0 legacy I/O header + device config,
 * BAR1 MSI-X table/PBA (vectors > 0), BAR4 64-bit prefetchable 16 KiB
 * modern BAR (common 0x0000, isr 0x1000, device 0x2000, notify 0x3000)
 * and the vendor capabilities.
 *
 * A concrete device ("virtio-balloon-pci", ...) derives from
 * TYPE_VIRTIO_PCI, embeds VirtIOPCIProxy first and sets in its class
 * init the PCIDeviceClass IDs (device_id = transitional ID, class_id),
 * VirtIOPCIClass.backend_type (its "virtio-X-device", which holds the
 * device's properties; the proxy aliases them all, as QEMU's) and
 * VirtIOPCIClass.device_realize, which reads the backend's settings,
 * calls virtio_init() on proxy->vdev, adds queues and sets the device's
 * host features; the transport adds the backend's common feature bits.
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

/*
 * The backend device ("virtio-X-device", abstract parent "virtio-device")
 * that QEMU puts on the proxy's virtio bus as its child "virtio-backend".
 * It carries the device's properties (the proxy has aliases of all of
 * them); the device's run-time state stays in the proxy's VirtIODevice.
 * A device's backend struct embeds this first.
 */
#define TYPE_VIRTIO_DEVICE "virtio-device"

typedef struct VirtIOBackend {
    DeviceState parent_obj;
    uint64_t host_features; /* the transport feature-bit properties */
    bool use_started;
    bool use_disabled_flag;
    bool disable_legacy_check;
} VirtIOBackend;

OBJECT_DECLARE_CASTS(VirtIOBackend, DeviceClass, VIRTIO_BACKEND,
                     TYPE_VIRTIO_DEVICE)

/* The properties every backend has (virtio-device's), in QEMU's order. */
extern const Property virtio_device_props[];

/* Proxy flag bits (the "flags" word of the bit properties). */
enum {
    VIRTIO_PCI_FLAG_BUS_MASTER_BUG_MIGRATION,
    VIRTIO_PCI_FLAG_USE_IOEVENTFD,
    VIRTIO_PCI_FLAG_MIGRATE_EXTRA,
    VIRTIO_PCI_FLAG_MODERN_PIO_NOTIFY,
    VIRTIO_PCI_FLAG_DISABLE_PCIE,
    VIRTIO_PCI_FLAG_PAGE_PER_VQ,
    VIRTIO_PCI_FLAG_ATS,
    VIRTIO_PCI_FLAG_ATS_PAGE_ALIGNED,
    VIRTIO_PCI_FLAG_INIT_DEVERR,
    VIRTIO_PCI_FLAG_INIT_LNKCTL,
    VIRTIO_PCI_FLAG_INIT_PM,
    VIRTIO_PCI_FLAG_INIT_FLR,
    VIRTIO_PCI_FLAG_AER,
};

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
    VirtIOBackend *backend;
    bool vdev_ready; /* virtio_init ran */
    bool registered; /* in the virtio registry */

    /* Properties. */
    uint32_t nvectors;
    int32_t disable_legacy; /* OnOffAuto */
    bool disable_modern;
    uint32_t flags; /* VIRTIO_PCI_FLAG_* */
    bool ignore_backend_features;
    bool ioeventfd_started; /* kicks go through "ioeventfd" (DRIVER_OK) */

    uint32_t class_code;
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
    MemoryRegion notify_pio; /* modern-pio-notify: BAR 2 */
    bool notify_pio_mapped;
    bool modern_mapped;

    /* MSI-X (exclusive BAR 1). */
    MSIXState msix;
};

typedef struct VirtIOPCIClass {
    PCIDeviceClass parent_class;
    /* The backend's type ("virtio-net-device"), made at instance init. */
    const char *backend_type;
    /* Instance properties of the backend the proxy also aliases
     * (NULL-terminated; may be NULL), e.g. "bootindex". */
    const char *const *backend_instance_aliases;
    /* Creates the virtio device in proxy->vdev (virtio_init, queues,
     * host features, default vectors). */
    bool (*device_realize)(VirtIOPCIProxy *proxy, Error **errp);
    /* The features offered, given the transport's and the common ones
     * (*features); may refuse them (QEMU's get_features; may be NULL).
     * On failure device_unrealize undoes device_realize. */
    bool (*get_features)(VirtIOPCIProxy *proxy, uint64_t *features,
                         Error **errp);
    void (*device_unrealize)(VirtIOPCIProxy *proxy);
    /* After the transport is set up (may be NULL): the last checks, such
     * as the option ROM's; on failure the whole device is undone. */
    bool (*device_plugged)(VirtIOPCIProxy *proxy, Error **errp);
    /* The "virtio-backend" child exists (may be NULL): a device hangs
     * its own children and links there, as QEMU's virtio devices do. */
    void (*backend_added)(VirtIOPCIProxy *proxy, DeviceState *backend);
} VirtIOPCIClass;

OBJECT_DECLARE_CASTS(VirtIOPCIProxy, VirtIOPCIClass, VIRTIO_PCI,
                     TYPE_VIRTIO_PCI)

/* "ioeventfd", which most virtio-X-pci have (not virtio-balloon-pci); a
 * device lists it in its own Property table.  The generic type adds
 * disable-legacy and disable-modern (virtio_pci_types_register). */
#define DEFINE_VIRTIO_PCI_IOEVENTFD()                   \
    DEFINE_PROP_BIT("ioeventfd", VirtIOPCIProxy, flags, \
                    VIRTIO_PCI_FLAG_USE_IOEVENTFD, true)

/* The backend of proxy p as the device's own struct. */
#define VIRTIO_PCI_BACKEND(T, p) ((T *)(p)->backend)

/* Registers a backend type "virtio-X-device" (parent virtio-device). */
void virtio_backend_type_register(const char *name, size_t instance_size,
                                  void (*class_init)(ObjectClass *, void *),
                                  void (*instance_init)(Object *));

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
void virtio_blk_register_types(void);
void virtio_scsi_register_types(void);
void e1000_register_types(void);

#endif
