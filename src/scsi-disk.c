/*
 * scsi-hd and scsi-cd, as QEMU 7.2's hw/scsi/scsi-disk.c offers them: a
 * disk or CD-ROM on a SCSI bus over a block node (its "drive",
 * src/blkconf.h), QEMU's properties and realize checks in QEMU's order,
 * the permissions taken (a CD-ROM reads only), the CHS geometry of a
 * disk, the identity strings filled in at realize (version, vendor,
 * product, device_id from the serial or the drive's name) and removable
 * media (query-block's removable and tray).  An empty scsi-cd has a
 * drive of its own.  No SCSI command is carried out.
 */
#include <stdlib.h>
#include <string.h>

#include "src/scsi-bus.h"
#include "src/util.h"

#define TYPE_SCSI_DISK_BASE "scsi-disk-base"
#define TYPE_SCSI_HD "scsi-hd"
#define TYPE_SCSI_CD "scsi-cd"

/* The "features" bits. */
#define SCSI_DISK_F_REMOVABLE 0
#define SCSI_DISK_F_DPOFUA 1

/* The "quirks" bits. */
#define SCSI_DISK_QUIRK_MODE_PAGE_APPLE_VENDOR 0
#define SCSI_DISK_QUIRK_MODE_SENSE_ROM_USE_DBD 1
#define SCSI_DISK_QUIRK_MODE_PAGE_VENDOR_SPECIFIC_APPLE 2
#define SCSI_DISK_QUIRK_MODE_PAGE_TRUNCATED 3

#define DEFAULT_DISCARD_GRANULARITY 4096u
#define DEFAULT_MAX_UNMAP_SIZE (1ull << 30)
#define DEFAULT_MAX_IO_SIZE 2147483647ull /* INT_MAX */
#define CD_BLOCK_SIZE 2048u
/* QEMU's hw version string, and how much of a serial a device id keeps. */
#define SCSI_HW_VERSION "2.5+"
#define DEVICE_ID_SERIAL_MAX 20

typedef struct SCSIDiskState {
    SCSIDevice qdev;
    uint32_t features;
    uint32_t quirks;
    char *version;
    char *serial;
    char *vendor;
    char *product;
    char *device_id;
    uint64_t max_unmap_size;
    uint64_t max_io_size;
    uint16_t port_index;
    uint16_t rotation_rate;
} SCSIDiskState;

OBJECT_DECLARE_CASTS(SCSIDiskState, SCSIDeviceClass, SCSI_DISK_BASE,
                     TYPE_SCSI_DISK_BASE)

static bool has_feature(const SCSIDiskState *s, unsigned bit)
{
    return (s->features >> bit) & 1;
}

/* QEMU's scsi_realize, shared by both devices after their own part. */
static bool scsi_realize(SCSIDevice *dev, Error **errp)
{
    SCSIDiskState *s = SCSI_DISK_BASE(dev);
    BlockConf *conf = &dev->conf;
    bool read_only;

    if (!conf->blk) {
        error_setg(errp, "drive property not set");
        return false;
    }
    if (!has_feature(s, SCSI_DISK_F_REMOVABLE) && !blk_is_inserted(conf->blk)) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    if (!blkconf_blocksizes(conf, errp)) {
        return false;
    }
    if (dev->type == SCSI_TYPE_DISK &&
        !blkconf_geometry(conf, 65535, 255, 255, errp)) {
        return false;
    }
    read_only = !blk_supports_write_perm(conf->blk);
    if (dev->type == SCSI_TYPE_ROM) {
        read_only = true;
    }
    if (!blkconf_apply_backend_options(conf, read_only,
                                       dev->type == SCSI_TYPE_DISK, errp)) {
        return false;
    }
    if (conf->discard_granularity == UINT32_MAX) {
        conf->discard_granularity =
            conf->logical_block_size > DEFAULT_DISCARD_GRANULARITY
                ? conf->logical_block_size
                : DEFAULT_DISCARD_GRANULARITY;
    }
    if (!s->version) {
        s->version = xstrdup(SCSI_HW_VERSION);
    }
    if (!s->vendor) {
        s->vendor = xstrdup("QEMU");
    }
    if (!s->device_id) {
        if (s->serial) {
            s->device_id = xstrndup(s->serial, DEVICE_ID_SERIAL_MAX);
        } else if (*blk_name(conf->blk)) {
            s->device_id = xstrdup(blk_name(conf->blk));
        }
    }
    blk_set_dev_removable(conf->blk, has_feature(s, SCSI_DISK_F_REMOVABLE));
    blk_iostatus_enable(conf->blk);
    return true;
}

static bool scsi_hd_realize(SCSIDevice *dev, Error **errp)
{
    SCSIDiskState *s = SCSI_DISK_BASE(dev);

    /* Without a drive scsi_realize reports it. */
    if (dev->conf.blk && !blkconf_blocksizes(&dev->conf, errp)) {
        return false;
    }
    dev->blocksize = dev->conf.logical_block_size;
    dev->type = SCSI_TYPE_DISK;
    if (!s->product) {
        s->product = xstrdup("QEMU HARDDISK");
    }
    return scsi_realize(dev, errp);
}

static bool scsi_cd_realize(SCSIDevice *dev, Error **errp)
{
    SCSIDiskState *s = SCSI_DISK_BASE(dev);

    /* An empty drive of its own, held (and let go) as a "drive" is. */
    if (!dev->conf.blk) {
        BlockBackend *blk = blk_new(0, BLK_PERM_ALL);

        blk_attach_dev(blk, DEVICE(dev));
        blk_unref(blk);
        dev->conf.blk = blk;
    }
    dev->blocksize = dev->conf.physical_block_size
                         ? dev->conf.physical_block_size
                         : CD_BLOCK_SIZE;
    dev->type = SCSI_TYPE_ROM;
    s->features |= 1u << SCSI_DISK_F_REMOVABLE;
    if (!s->product) {
        s->product = xstrdup("QEMU CD-ROM");
    }
    return scsi_realize(dev, errp);
}

static void scsi_disk_finalize(Object *obj)
{
    SCSIDiskState *s = SCSI_DISK_BASE(obj);

    free(s->version);
    free(s->serial);
    free(s->vendor);
    free(s->product);
    free(s->device_id);
}

/* QEMU's DEFINE_SCSI_DISK_PROPERTIES. */
#define SCSI_DISK_PROPERTIES                                           \
    DEFINE_PROP_DRIVE_IOTHREAD("drive", SCSIDiskState, qdev.conf.blk), \
        DEFINE_BLOCK_PROPERTIES_BASE(SCSIDiskState, qdev.conf),        \
        DEFINE_BLOCK_ERROR_PROPERTIES(SCSIDiskState, qdev.conf),       \
        DEFINE_PROP_STRING("ver", SCSIDiskState, version),             \
        DEFINE_PROP_STRING("serial", SCSIDiskState, serial),           \
        DEFINE_PROP_STRING("vendor", SCSIDiskState, vendor),           \
        DEFINE_PROP_STRING("product", SCSIDiskState, product),         \
        DEFINE_PROP_STRING("device_id", SCSIDiskState, device_id)

#define QUIRK(name, bit) \
    DEFINE_PROP_BIT(name, SCSIDiskState, quirks, SCSI_DISK_QUIRK_##bit, false)

/* QEMU 7.2's tables (Debian's, with the mode page quirks). */
static Property scsi_hd_props[] = {
    SCSI_DISK_PROPERTIES,
    DEFINE_PROP_BIT("removable", SCSIDiskState, features, SCSI_DISK_F_REMOVABLE,
                    false),
    DEFINE_PROP_BIT("dpofua", SCSIDiskState, features, SCSI_DISK_F_DPOFUA,
                    false),
    DEFINE_PROP_UINT64("wwn", SCSIDiskState, qdev.wwn, 0),
    DEFINE_PROP_UINT64("port_wwn", SCSIDiskState, qdev.port_wwn, 0),
    DEFINE_PROP_UINT16("port_index", SCSIDiskState, port_index, 0),
    DEFINE_PROP_UINT64("max_unmap_size", SCSIDiskState, max_unmap_size,
                       DEFAULT_MAX_UNMAP_SIZE),
    DEFINE_PROP_UINT64("max_io_size", SCSIDiskState, max_io_size,
                       DEFAULT_MAX_IO_SIZE),
    DEFINE_PROP_UINT16("rotation_rate", SCSIDiskState, rotation_rate, 0),
    DEFINE_PROP_INT32("scsi_version", SCSIDiskState, qdev.default_scsi_version,
                      5),
    QUIRK("quirk_mode_page_vendor_specific_apple",
          MODE_PAGE_VENDOR_SPECIFIC_APPLE),
    DEFINE_BLOCK_CHS_PROPERTIES(SCSIDiskState, qdev.conf),
    DEFINE_PROP_END_OF_LIST(),
};

static Property scsi_cd_props[] = {
    SCSI_DISK_PROPERTIES,
    DEFINE_PROP_UINT64("wwn", SCSIDiskState, qdev.wwn, 0),
    DEFINE_PROP_UINT64("port_wwn", SCSIDiskState, qdev.port_wwn, 0),
    DEFINE_PROP_UINT16("port_index", SCSIDiskState, port_index, 0),
    DEFINE_PROP_UINT64("max_io_size", SCSIDiskState, max_io_size,
                       DEFAULT_MAX_IO_SIZE),
    DEFINE_PROP_INT32("scsi_version", SCSIDiskState, qdev.default_scsi_version,
                      5),
    QUIRK("quirk_mode_page_apple_vendor", MODE_PAGE_APPLE_VENDOR),
    QUIRK("quirk_mode_sense_rom_use_dbd", MODE_SENSE_ROM_USE_DBD),
    QUIRK("quirk_mode_page_vendor_specific_apple",
          MODE_PAGE_VENDOR_SPECIFIC_APPLE),
    QUIRK("quirk_mode_page_truncated", MODE_PAGE_TRUNCATED),
    DEFINE_PROP_END_OF_LIST(),
};

static void scsi_disk_base_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->fw_name = "disk";
}

static void scsi_hd_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    SCSI_DEVICE_CLASS(klass)->realize = scsi_hd_realize;
    dc->desc = "virtual SCSI disk";
    device_class_set_props(dc, scsi_hd_props);
}

static void scsi_cd_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    SCSI_DEVICE_CLASS(klass)->realize = scsi_cd_realize;
    dc->desc = "virtual SCSI CD-ROM";
    device_class_set_props(dc, scsi_cd_props);
}

void scsi_disk_register_types(void)
{
    static const TypeInfo types[] = {
        {
            .name = TYPE_SCSI_DISK_BASE,
            .parent = TYPE_SCSI_DEVICE,
            .instance_size = sizeof(SCSIDiskState),
            .instance_finalize = scsi_disk_finalize,
            .class_size = sizeof(SCSIDeviceClass),
            .class_init = scsi_disk_base_class_init,
            .abstract = true,
        },
        {
            .name = TYPE_SCSI_HD,
            .parent = TYPE_SCSI_DISK_BASE,
            .instance_size = sizeof(SCSIDiskState),
            .class_init = scsi_hd_class_init,
        },
        {
            .name = TYPE_SCSI_CD,
            .parent = TYPE_SCSI_DISK_BASE,
            .instance_size = sizeof(SCSIDiskState),
            .class_init = scsi_cd_class_init,
        },
    };

    type_register_static_array(types, ARRAY_SIZE(types));
}
