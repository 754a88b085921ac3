/*
 * virtio-scsi-pci, as QEMU 7.2 offers it on pc: an HBA whose SCSI bus
 * ("<id>.0", else "scsi.N") hangs on its virtio-scsi-device backend, as
 * in QEMU, with QEMU's limits (channel 0, targets 0-255, LUNs 0-16383);
 * the backend handles the hotplug of the devices on it (scsi-hd and
 * scsi-cd go and come at once, without ACPI).  The device config
 * (queues, segment and sector limits, event, sense and CDB sizes, the
 * limits), the sense and CDB sizes a driver may set, the queue layout
 * (control, event, then the command queues) and QEMU's feature offer.
 * Requests are not carried out and no events are queued for the guest.
 */
#include <stdlib.h>
#include <string.h>

#include "src/iothread.h"
#include "src/scsi-bus.h"
#include "src/util.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional), class and virtio device ID. */
#define PCI_DEVICE_ID_VIRTIO_SCSI 0x1004
#define PCI_CLASS_STORAGE_SCSI 0x0100
#define VIRTIO_ID_SCSI 8

#define VIRTIO_SCSI_F_INOUT 0
#define VIRTIO_SCSI_F_HOTPLUG 1
#define VIRTIO_SCSI_F_CHANGE 2
#define VIRTIO_SCSI_F_T10_PI 3
#define VHOST_F_LOG_ALL 26

/* struct virtio_scsi_config offsets. */
#define SCSI_CFG_NUM_QUEUES 0
#define SCSI_CFG_SEG_MAX 4
#define SCSI_CFG_MAX_SECTORS 8
#define SCSI_CFG_CMD_PER_LUN 12
#define SCSI_CFG_EVENT_INFO_SIZE 16
#define SCSI_CFG_SENSE_SIZE 20
#define SCSI_CFG_CDB_SIZE 24
#define SCSI_CFG_MAX_CHANNEL 28
#define SCSI_CFG_MAX_TARGET 30
#define SCSI_CFG_MAX_LUN 32
#define SCSI_CFG_SIZE 36

#define VIRTIO_SCSI_MAX_CHANNEL 0
#define VIRTIO_SCSI_MAX_TARGET 255
#define VIRTIO_SCSI_MAX_LUN 16383
/* sizeof(VirtIOSCSIEvent). */
#define VIRTIO_SCSI_EVENT_SIZE 16
#define VIRTIO_SCSI_SENSE_DEFAULT_SIZE 96
#define VIRTIO_SCSI_CDB_DEFAULT_SIZE 32
/* What a driver may write (QEMU's bounds). */
#define VIRTIO_SCSI_SENSE_LIMIT 65536
#define VIRTIO_SCSI_CDB_LIMIT 256
/* Control and event queues. */
#define VIRTIO_SCSI_VQ_NUM_FIXED 2
#define AUTO_NUM_QUEUES UINT32_MAX
/* MSI-X table size limit (PCI_MSIX_FLAGS_QSIZE). */
#define MSIX_QSIZE 0x7ff

/* virtio-scsi-device: QEMU 7.2's properties, and the bus it hosts. */
typedef struct VirtIOSCSIBackend {
    VirtIOBackend parent_obj;
    uint32_t num_queues;
    uint32_t virtqueue_size;
    bool seg_max_adjust;
    uint32_t max_sectors;
    uint32_t cmd_per_lun;
    uint32_t host_features; /* hotplug, param_change */
    Object *iothread;
    SCSIBus *bus;
} VirtIOSCSIBackend;

#define TYPE_VIRTIO_SCSI_COMMON "virtio-scsi-common"
#define TYPE_VIRTIO_SCSI_DEVICE "virtio-scsi-device"
OBJECT_DECLARE_CASTS(VirtIOSCSIBackend, DeviceClass, VIRTIO_SCSI_DEVICE,
                     TYPE_VIRTIO_SCSI_DEVICE)

typedef struct VirtIOSCSIPCI {
    VirtIOPCIProxy proxy;
    uint32_t sense_size;
    uint32_t cdb_size;
} VirtIOSCSIPCI;

#define TYPE_VIRTIO_SCSI_PCI "virtio-scsi-pci"
OBJECT_DECLARE_CASTS(VirtIOSCSIPCI, VirtIOPCIClass, VIRTIO_SCSI_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_SCSI_PCI))

static const SCSIBusInfo virtio_scsi_bus_info = {
    .max_channel = VIRTIO_SCSI_MAX_CHANNEL,
    .max_target = VIRTIO_SCSI_MAX_TARGET,
    .max_lun = VIRTIO_SCSI_MAX_LUN,
};

static VirtIOSCSIBackend *scsi_backend(VirtIOSCSIPCI *s)
{
    return VIRTIO_PCI_BACKEND(VirtIOSCSIBackend, &s->proxy);
}

static void scsi_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOSCSIPCI *s = vdev->opaque;
    VirtIOSCSIBackend *be = scsi_backend(s);
    uint8_t cfg[SCSI_CFG_SIZE];

    memset(cfg, 0, sizeof(cfg));
    pci_set_long(cfg + SCSI_CFG_NUM_QUEUES, be->num_queues);
    pci_set_long(cfg + SCSI_CFG_SEG_MAX,
                 be->seg_max_adjust ? be->virtqueue_size - 2u : 128u - 2u);
    pci_set_long(cfg + SCSI_CFG_MAX_SECTORS, be->max_sectors);
    pci_set_long(cfg + SCSI_CFG_CMD_PER_LUN, be->cmd_per_lun);
    pci_set_long(cfg + SCSI_CFG_EVENT_INFO_SIZE, VIRTIO_SCSI_EVENT_SIZE);
    pci_set_long(cfg + SCSI_CFG_SENSE_SIZE, s->sense_size);
    pci_set_long(cfg + SCSI_CFG_CDB_SIZE, s->cdb_size);
    pci_set_word(cfg + SCSI_CFG_MAX_CHANNEL, VIRTIO_SCSI_MAX_CHANNEL);
    pci_set_word(cfg + SCSI_CFG_MAX_TARGET, VIRTIO_SCSI_MAX_TARGET);
    pci_set_long(cfg + SCSI_CFG_MAX_LUN, VIRTIO_SCSI_MAX_LUN);
    memcpy(config, cfg, vdev->config_len);
}

/* The driver may set the sense and CDB sizes; bad ones break the device. */
static void scsi_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOSCSIPCI *s = vdev->opaque;
    uint32_t sense = pci_get_long(config + SCSI_CFG_SENSE_SIZE);
    uint32_t cdb = pci_get_long(config + SCSI_CFG_CDB_SIZE);

    if (sense >= VIRTIO_SCSI_SENSE_LIMIT || cdb >= VIRTIO_SCSI_CDB_LIMIT) {
        /* "bad data written to virtio-scsi configuration space" */
        virtio_error(vdev);
        return;
    }
    s->sense_size = sense;
    s->cdb_size = cdb;
}

static void scsi_reset(VirtIODevice *vdev)
{
    VirtIOSCSIPCI *s = vdev->opaque;

    s->sense_size = VIRTIO_SCSI_SENSE_DEFAULT_SIZE;
    s->cdb_size = VIRTIO_SCSI_CDB_DEFAULT_SIZE;
}

static const VirtIOFeatureName scsi_feature_names[] = {
    { VIRTIO_SCSI_F_INOUT, "VIRTIO_SCSI_F_INOUT: Requests including read and "
                           "writable data buffers suppoted" },
    { VIRTIO_SCSI_F_HOTPLUG, "VIRTIO_SCSI_F_HOTPLUG: Reporting and handling "
                             "hot-plug events supported" },
    { VIRTIO_SCSI_F_CHANGE, "VIRTIO_SCSI_F_CHANGE: Reporting and handling LUN "
                            "changes supported" },
    { VIRTIO_SCSI_F_T10_PI, "VIRTIO_SCSI_F_T10_PI: T10 info included in "
                            "request header" },
    { VHOST_F_LOG_ALL, "VHOST_F_LOG_ALL: Logging write descriptors "
                       "supported" },
    { VHOST_USER_F_PROTOCOL_FEATURES,
      "VHOST_USER_F_PROTOCOL_FEATURES: Vhost-user protocol features "
      "negotiation supported" },
    { -1, NULL }
};

static const VirtIODeviceOps scsi_ops = {
    .name = "virtio-scsi",
    .device_id = VIRTIO_ID_SCSI,
    .get_config = scsi_get_config,
    .set_config = scsi_set_config,
    .reset = scsi_reset,
    .feature_names = scsi_feature_names,
};

/* The machine's vCPU count at start-up (QEMU's smp.cpus). */
static unsigned machine_smp_cpus(void)
{
    Object *m = qdev_get_machine();
    json_t *smp = m ? object_property_get(m, "smp", NULL) : NULL;
    json_int_t cpus = json_integer_value(json_object_get(smp, "cpus"));

    json_decref(smp);
    return cpus > 0 ? (unsigned)cpus : 1;
}

/*
 * virtio_scsi_pci_realize (a queue per vCPU, a vector for each queue and
 * one for config), then virtio_scsi_common_realize and the data plane's
 * check in QEMU's order.  The bus comes with the backend
 * (scsi_backend_added).
 */
static bool scsi_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIOSCSIPCI *s = VIRTIO_SCSI_PCI(p);
    VirtIOSCSIBackend *be = scsi_backend(s);
    uint32_t i;

    if (be->num_queues == AUTO_NUM_QUEUES) {
        unsigned n = machine_smp_cpus();

        n = n < MSIX_QSIZE - VIRTIO_SCSI_VQ_NUM_FIXED
                ? n
                : MSIX_QSIZE - VIRTIO_SCSI_VQ_NUM_FIXED;
        be->num_queues = n < VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED
                             ? n
                             : VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED;
    }
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = be->num_queues + VIRTIO_SCSI_VQ_NUM_FIXED + 1;
    }
    if (be->num_queues == 0 ||
        be->num_queues > VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED) {
        error_setg(errp,
                   "Invalid number of queues (= %u), must be a positive "
                   "integer less than %d.",
                   be->num_queues, VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED);
        return false;
    }
    if (be->virtqueue_size <= 2) {
        error_setg(errp, "invalid virtqueue_size property (= %u), must be > 2",
                   be->virtqueue_size);
        return false;
    }
    /* Where QEMU 7.2 aborts (a queue larger than a virtqueue can be), a
     * refusal in the words of its other queue-size checks. */
    if (be->virtqueue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp,
                   "invalid virtqueue_size property (= %u), must be at most "
                   "%d",
                   be->virtqueue_size, VIRTQUEUE_MAX_SIZE);
        return false;
    }
    s->sense_size = VIRTIO_SCSI_SENSE_DEFAULT_SIZE;
    s->cdb_size = VIRTIO_SCSI_CDB_DEFAULT_SIZE;
    virtio_init(&p->vdev, &scsi_ops, s, SCSI_CFG_SIZE);
    for (i = 0; i < be->num_queues + VIRTIO_SCSI_VQ_NUM_FIXED; i++) {
        virtio_add_queue(&p->vdev, (uint16_t)be->virtqueue_size);
    }
    if (be->iothread && !(p->flags & (1u << VIRTIO_PCI_FLAG_USE_IOEVENTFD))) {
        error_setg(errp, "ioeventfd is required for iothread");
        virtio_cleanup(&p->vdev);
        return false;
    }
    return true;
}

/* QEMU's virtio_scsi_get_features: the hotplug and change bits. */
static bool scsi_get_features(VirtIOPCIProxy *p, uint64_t *features,
                              Error **errp)
{
    (void)errp;
    *features |= scsi_backend(VIRTIO_SCSI_PCI(p))->host_features;
    return true;
}

/* The bus goes on the backend, which handles its hotplug. */
static void scsi_backend_added(VirtIOPCIProxy *p, DeviceState *backend)
{
    VirtIOSCSIBackend *be = VIRTIO_SCSI_DEVICE(backend);
    const char *id = DEVICE(p)->id;
    char *name = id ? xasprintf("%s.0", id) : NULL;

    be->bus = scsi_bus_new(backend, name, &virtio_scsi_bus_info);
    qbus_set_hotplug_handler(BUS(be->bus), OBJECT(backend));
    free(name);
}

/* ---- hotplug of the devices on the bus ---- */

static bool scsi_bus_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    (void)h;
    (void)errp;
    SCSI_DEVICE(dev)->hba_supports_iothread = true;
    return true;
}

/* A device leaves the bus at once (freed from the event loop, as
 * scsi-bus.c does with every device leaving it). */
static bool scsi_bus_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    (void)h;
    (void)errp;
    object_unparent(OBJECT(dev));
    return true;
}

/* ---- types ---- */

static Property scsi_pci_props[] = {
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

/* QEMU 7.2's table.  No I/O is carried out, so the limits and the
 * iothread are only stored and shown. */
static Property scsi_device_props[] = {
    DEFINE_PROP_UINT32("num_queues", VirtIOSCSIBackend, num_queues,
                       AUTO_NUM_QUEUES),
    DEFINE_PROP_UINT32("virtqueue_size", VirtIOSCSIBackend, virtqueue_size,
                       256),
    DEFINE_PROP_BOOL("seg_max_adjust", VirtIOSCSIBackend, seg_max_adjust, true),
    DEFINE_PROP_UINT32("max_sectors", VirtIOSCSIBackend, max_sectors, 0xffff),
    DEFINE_PROP_UINT32("cmd_per_lun", VirtIOSCSIBackend, cmd_per_lun, 128),
    DEFINE_PROP_BIT("hotplug", VirtIOSCSIBackend, host_features,
                    VIRTIO_SCSI_F_HOTPLUG, true),
    DEFINE_PROP_BIT("param_change", VirtIOSCSIBackend, host_features,
                    VIRTIO_SCSI_F_CHANGE, true),
    DEFINE_PROP_LINK("iothread", VirtIOSCSIBackend, iothread, TYPE_IOTHREAD,
                     Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static void scsi_common_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
}

static void scsi_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    HotplugHandlerClass *hc =
        OBJECT_CLASS_CHECK(HotplugHandlerClass, klass, TYPE_HOTPLUG_HANDLER);

    (void)data;
    device_class_set_props(dc, scsi_device_props);
    hc->pre_plug = scsi_bus_pre_plug;
    hc->unplug = scsi_bus_unplug;
}

static void scsi_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_SCSI;
    k->class_id = PCI_CLASS_STORAGE_SCSI;
    vk->device_realize = scsi_realize;
    vk->get_features = scsi_get_features;
    vk->backend_type = TYPE_VIRTIO_SCSI_DEVICE;
    vk->backend_added = scsi_backend_added;
    dc->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
    dc->user_creatable = true;
    device_class_set_props(dc, scsi_pci_props);
}

static const TypeInfo virtio_scsi_pci_info = {
    .name = TYPE_VIRTIO_SCSI_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOSCSIPCI),
    .class_init = scsi_class_init,
};

static const InterfaceInfo scsi_device_interfaces[] = {
    { TYPE_HOTPLUG_HANDLER },
    { NULL },
};

void virtio_scsi_register_types(void)
{
    static const TypeInfo types[] = {
        {
            .name = TYPE_VIRTIO_SCSI_COMMON,
            .parent = TYPE_VIRTIO_DEVICE,
            .instance_size = sizeof(VirtIOSCSIBackend),
            .class_init = scsi_common_class_init,
            .abstract = true,
        },
        {
            .name = TYPE_VIRTIO_SCSI_DEVICE,
            .parent = TYPE_VIRTIO_SCSI_COMMON,
            .instance_size = sizeof(VirtIOSCSIBackend),
            .class_init = scsi_device_class_init,
            .interfaces = scsi_device_interfaces,
        },
    };

    type_register_static_array(types, ARRAY_SIZE(types));
    virtio_pci_types_register(&virtio_scsi_pci_info);
}
