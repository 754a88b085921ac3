/*
 * virtio-blk-pci, as QEMU 7.2 offers it on pc: a disk on a block node
 * (its "drive", src/blkconf.h) with QEMU's checks at realize, its
 * permissions and write-cache mode on the BlockBackend, the CHS geometry
 * and block sizes, the device config (capacity, limits, topology, queues,
 * discard and write-zeroes limits), QEMU's feature offer and the
 * write-cache changes a driver makes (config "wce", the WCE feature).
 * Requests are not carried out: no guest I/O reaches the node.
 */
#include <stdlib.h>
#include <string.h>

#include "src/blkconf.h"
#include "src/bootdevice.h"
#include "src/iothread.h"
#include "src/util.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional) and class. */
#define PCI_DEVICE_ID_VIRTIO_BLOCK 0x1001
#define PCI_CLASS_STORAGE_SCSI 0x0100

#define VIRTIO_BLK_F_BARRIER 0
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_SCSI 7
#define VIRTIO_BLK_F_WCE 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* struct virtio_blk_config offsets, and where each part ends. */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX 12
#define BLK_CFG_CYLINDERS 16
#define BLK_CFG_HEADS 18
#define BLK_CFG_SECTORS 19
#define BLK_CFG_BLK_SIZE 20
#define BLK_CFG_PHYS_BLOCK_EXP 24
#define BLK_CFG_ALIGNMENT_OFFSET 25
#define BLK_CFG_MIN_IO_SIZE 26
#define BLK_CFG_OPT_IO_SIZE 28
#define BLK_CFG_WCE 32
#define BLK_CFG_NUM_QUEUES 34
#define BLK_CFG_MAX_DISCARD_SECTORS 36
#define BLK_CFG_MAX_DISCARD_SEG 40
#define BLK_CFG_DISCARD_SECTOR_ALIGNMENT 44
#define BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48
#define BLK_CFG_MAX_WRITE_ZEROES_SEG 52
#define BLK_CFG_WRITE_ZEROES_MAY_UNMAP 56
#define BLK_CFG_BASE_END BLK_CFG_MAX_DISCARD_SECTORS
#define BLK_CFG_DISCARD_END 48
#define BLK_CFG_WRITE_ZEROES_END 57
#define BLK_CFG_MAX 60

#define SECTOR 512
/* QEMU's BDRV_REQUEST_MAX_SECTORS. */
#define REQUEST_MAX_SECTORS 4194303u
#define AUTO_NUM_QUEUES UINT16_MAX
/* MSI-X table size limit (PCI_MSIX_FLAGS_QSIZE). */
#define MSIX_QSIZE 0x7ff

/* virtio-blk-device: QEMU 7.2's properties. */
typedef struct VirtIOBlkBackend {
    VirtIOBackend parent_obj;
    BlockConf conf;
    char *serial;
    uint64_t host_features; /* config-wce, scsi, discard, write-zeroes */
    uint32_t request_merging;
    uint16_t num_queues;
    uint16_t queue_size;
    bool seg_max_adjust;
    Object *iothread;
    bool report_discard_granularity;
    uint32_t max_discard_sectors;
    uint32_t max_write_zeroes_sectors;
    bool x_enable_wce_if_config_wce;
    int32_t bootindex;
} VirtIOBlkBackend;

#define TYPE_VIRTIO_BLK_DEVICE "virtio-blk-device"

typedef struct VirtIOBlkPCI {
    VirtIOPCIProxy proxy;
    bool original_wce; /* the mode a reset goes back to */
    uint32_t sector_mask;
} VirtIOBlkPCI;

#define TYPE_VIRTIO_BLK_PCI "virtio-blk-pci"
OBJECT_DECLARE_CASTS(VirtIOBlkPCI, VirtIOPCIClass, VIRTIO_BLK_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_BLK_PCI))

static VirtIOBlkBackend *blk_backend(VirtIOBlkPCI *b)
{
    return VIRTIO_PCI_BACKEND(VirtIOBlkBackend, &b->proxy);
}

static unsigned physical_block_exp(const BlockConf *conf)
{
    unsigned exp = 0;
    uint32_t size;

    for (size = conf->physical_block_size; size > conf->logical_block_size;
         size >>= 1) {
        exp++;
    }
    return exp;
}

static void blk_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBlkPCI *b = vdev->opaque;
    VirtIOBlkBackend *be = blk_backend(b);
    BlockConf *conf = &be->conf;
    uint32_t blk_size = conf->logical_block_size;
    int64_t length = blk_getlength(conf->blk);
    uint8_t cfg[BLK_CFG_MAX];

    memset(cfg, 0, sizeof(cfg));
    pci_set_quad(cfg + BLK_CFG_CAPACITY, (uint64_t)length / SECTOR);
    pci_set_long(cfg + BLK_CFG_SEG_MAX,
                 be->seg_max_adjust ? be->queue_size - 2u : 128u - 2u);
    pci_set_word(cfg + BLK_CFG_CYLINDERS, (uint16_t)conf->cyls);
    cfg[BLK_CFG_HEADS] = (uint8_t)conf->heads;
    /* A capacity that is no whole number of logical blocks per track
     * has the sectors rounded to the block size. */
    if (length > 0 && (uint64_t)length / conf->heads / conf->secs % blk_size) {
        cfg[BLK_CFG_SECTORS] = (uint8_t)(conf->secs & ~b->sector_mask);
    } else {
        cfg[BLK_CFG_SECTORS] = (uint8_t)conf->secs;
    }
    pci_set_long(cfg + BLK_CFG_BLK_SIZE, blk_size);
    cfg[BLK_CFG_PHYS_BLOCK_EXP] = (uint8_t)physical_block_exp(conf);
    pci_set_word(cfg + BLK_CFG_MIN_IO_SIZE,
                 (uint16_t)(conf->min_io_size / blk_size));
    pci_set_long(cfg + BLK_CFG_OPT_IO_SIZE, conf->opt_io_size / blk_size);
    cfg[BLK_CFG_WCE] = blk_enable_write_cache(conf->blk);
    pci_set_word(cfg + BLK_CFG_NUM_QUEUES, be->num_queues);
    if (virtio_has_feature(be->host_features, VIRTIO_BLK_F_DISCARD)) {
        uint32_t granularity = conf->discard_granularity;

        if (granularity == UINT32_MAX || !be->report_discard_granularity) {
            granularity = blk_size;
        }
        pci_set_long(cfg + BLK_CFG_MAX_DISCARD_SECTORS,
                     be->max_discard_sectors);
        pci_set_long(cfg + BLK_CFG_DISCARD_SECTOR_ALIGNMENT,
                     granularity / SECTOR);
        pci_set_long(cfg + BLK_CFG_MAX_DISCARD_SEG, 1);
    }
    if (virtio_has_feature(be->host_features, VIRTIO_BLK_F_WRITE_ZEROES)) {
        pci_set_long(cfg + BLK_CFG_MAX_WRITE_ZEROES_SECTORS,
                     be->max_write_zeroes_sectors);
        cfg[BLK_CFG_WRITE_ZEROES_MAY_UNMAP] = 1;
        pci_set_long(cfg + BLK_CFG_MAX_WRITE_ZEROES_SEG, 1);
    }
    memcpy(config, cfg, vdev->config_len);
}

/* The driver sets the write-cache mode in the config's "wce" byte. */
static void blk_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBlkPCI *b = vdev->opaque;

    blk_set_enable_write_cache(blk_backend(b)->conf.blk,
                               config[BLK_CFG_WCE] != 0);
}

/* At DRIVER_OK a driver without CONFIG_WCE chose the mode by WCE. */
static void blk_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIOBlkPCI *b = vdev->opaque;

    if (!(status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    if (!virtio_has_feature(vdev->guest_features, VIRTIO_BLK_F_CONFIG_WCE)) {
        blk_set_enable_write_cache(
            blk_backend(b)->conf.blk,
            virtio_has_feature(vdev->guest_features, VIRTIO_BLK_F_WCE));
    }
}

static void blk_reset(VirtIODevice *vdev)
{
    VirtIOBlkPCI *b = vdev->opaque;

    blk_set_enable_write_cache(blk_backend(b)->conf.blk, b->original_wce);
}

static const VirtIOFeatureName blk_feature_names[] = {
    { VIRTIO_BLK_F_SIZE_MAX, "VIRTIO_BLK_F_SIZE_MAX: Max segment size is "
                             "size_max" },
    { VIRTIO_BLK_F_SEG_MAX, "VIRTIO_BLK_F_SEG_MAX: Max segments in a "
                            "request is seg_max" },
    { VIRTIO_BLK_F_GEOMETRY, "VIRTIO_BLK_F_GEOMETRY: Legacy geometry "
                             "available" },
    { VIRTIO_BLK_F_RO, "VIRTIO_BLK_F_RO: Device is read-only" },
    { VIRTIO_BLK_F_BLK_SIZE, "VIRTIO_BLK_F_BLK_SIZE: Block size of disk "
                             "available" },
    { VIRTIO_BLK_F_TOPOLOGY, "VIRTIO_BLK_F_TOPOLOGY: Topology information "
                             "available" },
    { VIRTIO_BLK_F_MQ, "VIRTIO_BLK_F_MQ: Multiqueue supported" },
    { VIRTIO_BLK_F_DISCARD, "VIRTIO_BLK_F_DISCARD: Discard command "
                            "supported" },
    { VIRTIO_BLK_F_WRITE_ZEROES, "VIRTIO_BLK_F_WRITE_ZEROES: Write zeroes "
                                 "command supported" },
    { VIRTIO_BLK_F_BARRIER, "VIRTIO_BLK_F_BARRIER: Request barriers "
                            "supported" },
    { VIRTIO_BLK_F_SCSI, "VIRTIO_BLK_F_SCSI: SCSI packet commands "
                         "supported" },
    { VIRTIO_BLK_F_WCE, "VIRTIO_BLK_F_FLUSH: Flush command supported" },
    { VIRTIO_BLK_F_CONFIG_WCE, "VIRTIO_BLK_F_CONFIG_WCE: Cache writeback "
                               "and writethrough modes supported" },
    { VHOST_USER_F_PROTOCOL_FEATURES,
      "VHOST_USER_F_PROTOCOL_FEATURES: "
      "Vhost-user protocol features negotiation supported" },
    { -1, NULL }
};

static const VirtIODeviceOps blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .get_config = blk_get_config,
    .set_config = blk_set_config,
    .set_status = blk_set_status,
    .reset = blk_reset,
    .feature_names = blk_feature_names,
};

static bool is_pow2(unsigned v)
{
    return v && !(v & (v - 1));
}

/* The machine's vCPU count at start-up (QEMU's smp.cpus). */
static unsigned machine_smp_cpus(void)
{
    Object *m = qdev_get_machine();
    json_t *smp = m ? object_property_get(m, "smp", NULL) : NULL;
    json_int_t cpus = json_integer_value(json_object_get(smp, "cpus"));

    json_decref(smp);
    return cpus > 0 ? (unsigned)cpus : 1;
}

/* Device config size: the base, and what discard and write-zeroes add. */
static size_t blk_config_size(uint64_t features)
{
    size_t size = BLK_CFG_BASE_END;

    if (virtio_has_feature(features, VIRTIO_BLK_F_DISCARD)) {
        size = BLK_CFG_DISCARD_END;
    }
    if (virtio_has_feature(features, VIRTIO_BLK_F_WRITE_ZEROES)) {
        size = BLK_CFG_WRITE_ZEROES_END;
    }
    return size;
}

/*
 * virtio_blk_pci_realize (queues for each vCPU, a vector each and one
 * for config), then virtio_blk_device_realize in QEMU's order.
 */
static bool blk_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIOBlkPCI *b = VIRTIO_BLK_PCI(p);
    VirtIOBlkBackend *be = blk_backend(b);
    BlockConf *conf = &be->conf;
    unsigned i;

    if (be->num_queues == AUTO_NUM_QUEUES) {
        unsigned n = machine_smp_cpus();

        n = n < MSIX_QSIZE ? n : MSIX_QSIZE;
        be->num_queues =
            (uint16_t)(n < VIRTIO_QUEUE_MAX ? n : VIRTIO_QUEUE_MAX);
    }
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = be->num_queues + 1u;
    }
    if (!conf->blk) {
        error_setg(errp, "drive property not set");
        return false;
    }
    if (!blk_is_inserted(conf->blk)) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    if (!be->num_queues) {
        error_setg(errp, "num-queues property must be larger than 0");
        return false;
    }
    if (be->queue_size <= 2) {
        error_setg(errp, "invalid queue-size property (%u), must be > 2",
                   be->queue_size);
        return false;
    }
    if (!is_pow2(be->queue_size) || be->queue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp,
                   "invalid queue-size property (%u), must be a power of 2 "
                   "(max %d)",
                   be->queue_size, VIRTQUEUE_MAX_SIZE);
        return false;
    }
    if (!blkconf_apply_backend_options(
            conf, !blk_supports_write_perm(conf->blk), true, errp)) {
        return false;
    }
    b->original_wce = blk_enable_write_cache(conf->blk);
    if (!blkconf_geometry(conf, 65535, 255, 255, errp) ||
        !blkconf_blocksizes(conf, errp)) {
        return false;
    }
    if (virtio_has_feature(be->host_features, VIRTIO_BLK_F_DISCARD) &&
        (!be->max_discard_sectors ||
         be->max_discard_sectors > REQUEST_MAX_SECTORS)) {
        error_setg(errp,
                   "invalid max-discard-sectors property (%u), must be "
                   "between 1 and %u",
                   be->max_discard_sectors, REQUEST_MAX_SECTORS);
        return false;
    }
    if (virtio_has_feature(be->host_features, VIRTIO_BLK_F_WRITE_ZEROES) &&
        (!be->max_write_zeroes_sectors ||
         be->max_write_zeroes_sectors > REQUEST_MAX_SECTORS)) {
        error_setg(errp,
                   "invalid max-write-zeroes-sectors property (%u), must be "
                   "between 1 and %u",
                   be->max_write_zeroes_sectors, REQUEST_MAX_SECTORS);
        return false;
    }
    /* Where QEMU 7.2 aborts (adding more queues than a device can have),
     * a refusal in later QEMU's words. */
    if (be->num_queues > VIRTIO_QUEUE_MAX) {
        error_setg(errp, "num-queues property must be at most %d",
                   VIRTIO_QUEUE_MAX);
        return false;
    }
    virtio_init(&p->vdev, &blk_ops, b, blk_config_size(be->host_features));
    b->sector_mask = conf->logical_block_size / SECTOR - 1;
    for (i = 0; i < be->num_queues; i++) {
        virtio_add_queue(&p->vdev, be->queue_size);
    }
    /* The data plane in an iothread takes requests from ioeventfds. */
    if (be->iothread && !(p->flags & (1u << VIRTIO_PCI_FLAG_USE_IOEVENTFD))) {
        error_setg(errp, "ioeventfd is required for iothread");
        virtio_cleanup(&p->vdev);
        return false;
    }
    blk_iostatus_enable(conf->blk);
    return true;
}

/* QEMU's virtio_blk_get_features. */
static bool blk_get_features(VirtIOPCIProxy *p, uint64_t *features,
                             Error **errp)
{
    VirtIOBlkBackend *be = blk_backend(VIRTIO_BLK_PCI(p));
    uint64_t f = *features | be->host_features;

    virtio_add_feature(&f, VIRTIO_BLK_F_SEG_MAX);
    virtio_add_feature(&f, VIRTIO_BLK_F_GEOMETRY);
    virtio_add_feature(&f, VIRTIO_BLK_F_TOPOLOGY);
    virtio_add_feature(&f, VIRTIO_BLK_F_BLK_SIZE);
    if (virtio_has_feature(f, VIRTIO_F_VERSION_1)) {
        if (virtio_has_feature(be->host_features, VIRTIO_BLK_F_SCSI)) {
            error_setg(errp, "Please set scsi=off for virtio-blk devices in "
                             "order to use virtio 1.0");
            return false;
        }
    } else {
        virtio_clear_feature(&f, VIRTIO_F_ANY_LAYOUT);
        virtio_add_feature(&f, VIRTIO_BLK_F_SCSI);
    }
    if (blk_enable_write_cache(be->conf.blk) ||
        (be->x_enable_wce_if_config_wce &&
         virtio_has_feature(f, VIRTIO_BLK_F_CONFIG_WCE))) {
        virtio_add_feature(&f, VIRTIO_BLK_F_WCE);
    }
    if (!blk_is_writable(be->conf.blk)) {
        virtio_add_feature(&f, VIRTIO_BLK_F_RO);
    }
    if (be->num_queues > 1) {
        virtio_add_feature(&f, VIRTIO_BLK_F_MQ);
    }
    *features = f;
    return true;
}

/* A -drive the device used goes with it (once the device is freed). */
static void blk_unrealize(VirtIOPCIProxy *p)
{
    blk_mark_auto_del(blk_backend(VIRTIO_BLK_PCI(p))->conf.blk);
}

static const Property blk_pci_props[] = {
    DEFINE_PROP_UINT32("class", VirtIOPCIProxy, class_code, 0),
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

#define BLK_BIT(name, bit, d)                                \
    DEFINE_PROP_BIT64(name, VirtIOBlkBackend, host_features, \
                      VIRTIO_BLK_F_##bit, d)

/*
 * QEMU 7.2's table.  No I/O is carried out, so serial, request-merging,
 * iothread, rerror/werror, the accounting switches and the logical CHS
 * values are only stored.
 */
static const Property blk_device_props[] = {
    DEFINE_PROP_DRIVE_IOTHREAD("drive", VirtIOBlkBackend, conf.blk),
    DEFINE_BLOCK_PROPERTIES_BASE(VirtIOBlkBackend, conf),
    DEFINE_BLOCK_ERROR_PROPERTIES(VirtIOBlkBackend, conf),
    DEFINE_BLOCK_CHS_PROPERTIES(VirtIOBlkBackend, conf),
    DEFINE_PROP_STRING("serial", VirtIOBlkBackend, serial),
    BLK_BIT("config-wce", CONFIG_WCE, true),
    BLK_BIT("scsi", SCSI, false),
    DEFINE_PROP_BIT("request-merging", VirtIOBlkBackend, request_merging, 0,
                    true),
    DEFINE_PROP_UINT16("num-queues", VirtIOBlkBackend, num_queues,
                       AUTO_NUM_QUEUES),
    DEFINE_PROP_UINT16("queue-size", VirtIOBlkBackend, queue_size, 256),
    DEFINE_PROP_BOOL("seg-max-adjust", VirtIOBlkBackend, seg_max_adjust, true),
    DEFINE_PROP_LINK("iothread", VirtIOBlkBackend, iothread, TYPE_IOTHREAD,
                     Object *),
    BLK_BIT("discard", DISCARD, true),
    DEFINE_PROP_BOOL("report-discard-granularity", VirtIOBlkBackend,
                     report_discard_granularity, true),
    BLK_BIT("write-zeroes", WRITE_ZEROES, true),
    DEFINE_PROP_UINT32("max-discard-sectors", VirtIOBlkBackend,
                       max_discard_sectors, REQUEST_MAX_SECTORS),
    DEFINE_PROP_UINT32("max-write-zeroes-sectors", VirtIOBlkBackend,
                       max_write_zeroes_sectors, REQUEST_MAX_SECTORS),
    DEFINE_PROP_BOOL("x-enable-wce-if-config-wce", VirtIOBlkBackend,
                     x_enable_wce_if_config_wce, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void blk_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
    device_class_set_props(dc, blk_device_props);
}

static void blk_device_instance_init(Object *obj)
{
    VirtIOBlkBackend *be = (VirtIOBlkBackend *)obj;

    bootdevice_add_property(obj, &be->bootindex, DEVICE(obj));
}

static const char *const blk_instance_aliases[] = { "bootindex", NULL };

static void blk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_BLOCK;
    k->class_id = PCI_CLASS_STORAGE_SCSI;
    vk->device_realize = blk_realize;
    vk->get_features = blk_get_features;
    vk->device_unrealize = blk_unrealize;
    vk->backend_type = TYPE_VIRTIO_BLK_DEVICE;
    vk->backend_instance_aliases = blk_instance_aliases;
    dc->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
    dc->user_creatable = true;
    device_class_set_props(dc, blk_pci_props);
}

static const TypeInfo virtio_blk_pci_info = {
    .name = TYPE_VIRTIO_BLK_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOBlkPCI),
    .class_init = blk_class_init,
};

void virtio_blk_register_types(void)
{
    virtio_backend_type_register(
        TYPE_VIRTIO_BLK_DEVICE, sizeof(VirtIOBlkBackend), blk_device_class_init,
        blk_device_instance_init);
    virtio_pci_types_register(&virtio_blk_pci_info);
}
