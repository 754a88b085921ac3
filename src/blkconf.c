/* Disk devices' drive settings; see blkconf.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "blkconf.h"
#include "json-value.h"
#include "keyval.h"
#include "util.h"

#define SECTOR 512
#define MIN_BLOCK_SIZE 512
#define MAX_BLOCK_SIZE (2 * 1024 * 1024)

/* The MBR: its signature and partition entries (end head and sector,
 * sector count). */
#define MBR_SIGNATURE 510
#define MBR_PARTITIONS 0x1be
#define MBR_PART_SIZE 16
#define MBR_PART_END_HEAD 5
#define MBR_PART_END_SECTOR 6
#define MBR_PART_NR_SECTS 12

static void *field_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

/* ---- "drive" ---- */

static json_t *drive_get(Object *obj, const Property *prop, Error **errp)
{
    BlockBackend *blk = *(BlockBackend **)field_ptr(obj, prop);
    const char *value = "";

    (void)errp;
    if (blk) {
        value = blk_name(blk);
        if (!*value && blk_node(blk)) {
            value = block_node_name(blk_node(blk));
        }
    }
    return json_text(value);
}

/*
 * QEMU's set_drive_helper: a set drive moves to another node (only the
 * iothread variant allows it); "" leaves the drive unset; else a -drive
 * id, or a node name (a new BlockBackend on it), and the device attaches.
 */
static bool drive_set_helper(Object *obj, const Property *prop, json_t *value,
                             bool iothread, Error **errp)
{
    BlockBackend **ptr = field_ptr(obj, prop);
    BlockBackend *blk;
    BlockNode *bs;
    bool created = false, ok = false;
    const char *str;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    str = json_string_value(value);
    if (*ptr) {
        if (!iothread) {
            error_setg(errp, "%s=%s conflicts, and override is not implemented",
                       prop->name, str);
            return false;
        }
        bs = block_node_find(str);
        if (!bs) {
            error_setg(errp, "Cannot find device='' nor node-name='%s'", str);
            return false;
        }
        return blk_replace_node(*ptr, bs, errp);
    }
    if (!*str) {
        return true;
    }
    blk = blk_by_name(str);
    if (!blk) {
        bs = block_node_find(str);
        if (bs) {
            blk = blk_new(0, BLK_PERM_ALL);
            created = true;
            if (!blk_insert_node(blk, bs, errp)) {
                goto out;
            }
        }
    }
    if (!blk) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, str);
        goto out;
    }
    if (!blk_attach_dev(blk, DEVICE(obj))) {
        BlockInterfaceType type = blk_legacy_if(blk);

        if (type != IF_COUNT && type != IF_NONE) {
            error_setg(errp,
                       "Drive '%s' is already in use because it has been "
                       "automatically connected to another device (did you "
                       "need 'if=none' in the drive options?)",
                       str);
        } else {
            error_setg(errp, "Drive '%s' is already in use by another device",
                       str);
        }
        goto out;
    }
    *ptr = blk;
    ok = true;
out:
    if (created) {
        /* The device's reference is the one that stays. */
        blk_unref(blk);
    }
    return ok;
}

static bool drive_set(Object *obj, const Property *prop, json_t *value,
                      Error **errp)
{
    return drive_set_helper(obj, prop, value, false, errp);
}

static bool drive_set_iothread(Object *obj, const Property *prop, json_t *value,
                               Error **errp)
{
    return drive_set_helper(obj, prop, value, true, errp);
}

/* With the device: a -drive its unrealize marked goes, then the device
 * lets go of the BlockBackend. */
static void drive_release(Object *obj, const Property *prop)
{
    BlockBackend **ptr = field_ptr(obj, prop);

    if (*ptr) {
        blk_auto_del(*ptr);
        blk_detach_dev(*ptr);
        *ptr = NULL;
    }
}

#define DRIVE_DESC "Node name or ID of a block device to use as a backend"

const PropertyInfo blkconf_prop_drive = {
    .name = "str",
    .description = DRIVE_DESC,
    .get = drive_get,
    .set = drive_set,
    .release = drive_release,
    .realized_set_allowed = true,
};

const PropertyInfo blkconf_prop_drive_iothread = {
    .name = "str",
    .description = DRIVE_DESC,
    .get = drive_get,
    .set = drive_set_iothread,
    .release = drive_release,
    .realized_set_allowed = true,
};

/* ---- sizes ---- */

static bool want_size(json_t *v, const Property *prop, uint64_t *out,
                      Error **errp)
{
    if (json_is_integer(v)) {
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    if (json_get_uint64(v, out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects %s", prop->name, "size");
    return false;
}

static json_t *get_u32(Object *obj, const Property *prop, Error **errp)
{
    (void)errp;
    return json_integer(*(uint32_t *)field_ptr(obj, prop));
}

static json_t *defval_u32(const Property *prop)
{
    return json_integer((uint32_t)prop->defval.u);
}

/* QEMU names the device by its id here ("" for none). */
static bool blocksize_set(Object *obj, const Property *prop, json_t *v,
                          Error **errp)
{
    const char *id = DEVICE(obj)->id ? DEVICE(obj)->id : "";
    uint64_t value;
    int64_t s;

    if (!want_size(v, prop, &value, errp)) {
        return false;
    }
    s = (int64_t)value;
    if (s && (s < MIN_BLOCK_SIZE || s > MAX_BLOCK_SIZE)) {
        error_setg(errp,
                   "Property %s.%s doesn't take value %" PRId64
                   " (minimum: %d, maximum: %d)",
                   id, prop->name, s, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE);
        return false;
    }
    if (s & (s - 1)) {
        error_setg(errp,
                   "Property %s.%s doesn't take value '%" PRId64
                   "', it's not a power of 2",
                   id, prop->name, s);
        return false;
    }
    *(uint32_t *)field_ptr(obj, prop) = (uint32_t)value;
    return true;
}

const PropertyInfo blkconf_prop_blocksize = {
    .name = "size",
    .description = "A power of two between 512 B and 2 MiB",
    .get = get_u32,
    .set = blocksize_set,
    .defval = defval_u32,
};

static bool size32_set(Object *obj, const Property *prop, json_t *v,
                       Error **errp)
{
    uint64_t value;

    if (!want_size(v, prop, &value, errp)) {
        return false;
    }
    if (value > UINT32_MAX) {
        error_setg(
            errp, "Property %s.%s doesn't take value %" PRIu64 " (maximum: %u)",
            object_get_typename(obj), prop->name, value, UINT32_MAX);
        return false;
    }
    *(uint32_t *)field_ptr(obj, prop) = (uint32_t)value;
    return true;
}

const PropertyInfo blkconf_prop_size32 = {
    .name = "size",
    .get = get_u32,
    .set = size32_set,
    .defval = defval_u32,
};

/* ---- BlockdevOnError ---- */

static const char *const on_error_names[] = { "report", "ignore", "enospc",
                                              "stop", "auto" };

static json_t *on_error_get(Object *obj, const Property *prop, Error **errp)
{
    int32_t v = *(int32_t *)field_ptr(obj, prop);

    (void)errp;
    return json_text(on_error_names[v]);
}

static bool on_error_set(Object *obj, const Property *prop, json_t *value,
                         Error **errp)
{
    int i;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (!keyval_visit_enum(prop->name, json_string_value(value), on_error_names,
                           ARRAY_SIZE(on_error_names), &i, errp)) {
        return false;
    }
    *(int32_t *)field_ptr(obj, prop) = i;
    return true;
}

static json_t *on_error_defval(const Property *prop)
{
    return json_text(on_error_names[prop->defval.i]);
}

const PropertyInfo blkconf_prop_on_error = {
    .name = "BlockdevOnError",
    .description = "Error handling policy, report/ignore/enospc/stop/auto",
    .get = on_error_get,
    .set = on_error_set,
    .defval = on_error_defval,
};

/* ---- realize ---- */

bool blkconf_apply_backend_options(BlockConf *conf, bool read_only,
                                   bool resizable, Error **errp)
{
    BlockBackend *blk = conf->blk;
    uint64_t perm = BLK_PERM_CONSISTENT_READ, shared;
    bool wce;

    if (!read_only) {
        perm |= BLK_PERM_WRITE;
    }
    shared = BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED;
    if (resizable) {
        shared |= BLK_PERM_RESIZE;
    }
    if (conf->share_rw) {
        shared |= BLK_PERM_WRITE;
    }
    if (!blk_set_perm(blk, perm, shared, errp)) {
        return false;
    }
    switch (conf->wce) {
    case ON_OFF_AUTO_ON:
        wce = true;
        break;
    case ON_OFF_AUTO_OFF:
        wce = false;
        break;
    default:
        wce = blk_enable_write_cache(blk);
        break;
    }
    blk_set_enable_write_cache(blk, wce);
    return true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/*
 * QEMU's guess_disk_lchs: the geometry an MBR partition ending on a
 * cylinder boundary implies; false without one.
 */
static bool guess_disk_lchs(BlockBackend *blk, int *cyls, int *heads, int *secs)
{
    uint64_t nb_sectors = (uint64_t)blk_getlength(blk) / SECTOR;
    uint8_t buf[SECTOR];
    int i;

    if (!blk_pread(blk, 0, buf, sizeof(buf)) || buf[MBR_SIGNATURE] != 0x55 ||
        buf[MBR_SIGNATURE + 1] != 0xaa) {
        return false;
    }
    for (i = 0; i < 4; i++) {
        const uint8_t *p = buf + MBR_PARTITIONS + i * MBR_PART_SIZE;
        int h, s;
        uint64_t c;

        if (!le32(p + MBR_PART_NR_SECTS) || !p[MBR_PART_END_HEAD]) {
            continue;
        }
        h = p[MBR_PART_END_HEAD] + 1;
        s = p[MBR_PART_END_SECTOR] & 63;
        if (s == 0) {
            continue;
        }
        c = nb_sectors / (uint64_t)(h * s);
        if (c < 1 || c > 16383) {
            continue;
        }
        *cyls = (int)c;
        *heads = h;
        *secs = s;
        return true;
    }
    return false;
}

/* A standard physical geometry for the disk's size. */
static void guess_chs_for_size(BlockBackend *blk, uint32_t *cyls,
                               uint32_t *heads, uint32_t *secs)
{
    uint64_t c = (uint64_t)blk_getlength(blk) / SECTOR / (16 * 63);

    *cyls = c > 16383 ? 16383 : c < 2 ? 2 : (uint32_t)c;
    *heads = 16;
    *secs = 63;
}

bool blkconf_geometry(BlockConf *conf, unsigned cyls_max, unsigned heads_max,
                      unsigned secs_max, Error **errp)
{
    if (!conf->cyls && !conf->heads && !conf->secs) {
        int c, h, s;

        if (!guess_disk_lchs(conf->blk, &c, &h, &s) || h > 16) {
            guess_chs_for_size(conf->blk, &conf->cyls, &conf->heads,
                               &conf->secs);
        } else {
            conf->cyls = (uint32_t)c;
            conf->heads = (uint32_t)h;
            conf->secs = (uint32_t)s;
        }
    }
    if (conf->cyls || conf->heads || conf->secs) {
        if (conf->cyls < 1 || conf->cyls > cyls_max) {
            error_setg(errp, "cyls must be between 1 and %u", cyls_max);
            return false;
        }
        if (conf->heads < 1 || conf->heads > heads_max) {
            error_setg(errp, "heads must be between 1 and %u", heads_max);
            return false;
        }
        if (conf->secs < 1 || conf->secs > secs_max) {
            error_setg(errp, "secs must be between 1 and %u", secs_max);
            return false;
        }
    }
    return true;
}

/*
 * No modelled node reports block sizes (QEMU probes only host devices),
 * so what is not given is 512 and backend_defaults changes nothing.
 */
bool blkconf_blocksizes(BlockConf *conf, Error **errp)
{
    if (!conf->physical_block_size) {
        conf->physical_block_size = SECTOR;
    }
    if (!conf->logical_block_size) {
        conf->logical_block_size = SECTOR;
    }
    if (conf->logical_block_size > conf->physical_block_size) {
        error_setg(errp,
                   "logical_block_size > physical_block_size not supported");
        return false;
    }
    if (conf->min_io_size % conf->logical_block_size) {
        error_setg(errp,
                   "min_io_size must be a multiple of logical_block_size");
        return false;
    }
    if (conf->min_io_size / conf->logical_block_size > UINT16_MAX) {
        error_setg(errp, "min_io_size must not exceed %u logical blocks",
                   UINT16_MAX);
        return false;
    }
    if (conf->opt_io_size % conf->logical_block_size) {
        error_setg(errp,
                   "opt_io_size must be a multiple of logical_block_size");
        return false;
    }
    if (conf->discard_granularity != UINT32_MAX &&
        conf->discard_granularity % conf->logical_block_size) {
        error_setg(errp, "discard_granularity must be "
                         "a multiple of logical_block_size");
        return false;
    }
    return true;
}
