/* BlockBackends (see block-backend.h), after QEMU 7.2's block-backend.c. */
#include <stdlib.h>
#include <string.h>

#include "block-backend.h"
#include "qdev.h"
#include "throttle.h"
#include "util.h"

struct BlockBackend {
    char *name; /* NULL: anonymous */
    int refcnt;
    BdrvChild *root;
    DeviceState *dev;
    uint64_t perm, shared;
    bool enable_write_cache;
    bool iostatus_enabled;
    bool read_only_empty; /* an empty drive's read-only setting */
    bool dev_removable; /* the device's media is removable, with a tray */
    BlockInterfaceType legacy_if;
    int legacy_bus, legacy_unit;
    bool auto_del;
    ThrottleGroup *throttle; /* I/O limits on: the group; else NULL */
    bool account_invalid, account_failed; /* what I/O statistics count */
    BlockBackend *next; /* creation order */
};

static BlockBackend *backends;

BlockBackend *blk_new(uint64_t perm, uint64_t shared)
{
    BlockBackend *blk = xzalloc(sizeof(*blk)), **p;

    blk->refcnt = 1;
    blk->perm = perm;
    blk->shared = shared;
    blk->enable_write_cache = true;
    blk->account_invalid = blk->account_failed = true;
    blk->legacy_if = IF_COUNT;
    for (p = &backends; *p; p = &(*p)->next) {
    }
    *p = blk;
    return blk;
}

void blk_ref(BlockBackend *blk)
{
    blk->refcnt++;
}

void blk_unref(BlockBackend *blk)
{
    BlockBackend **p;

    if (!blk || --blk->refcnt > 0) {
        return;
    }
    for (p = &backends; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            break;
        }
    }
    throttle_group_unref(blk->throttle);
    block_root_detach(blk->root);
    free(blk->name);
    free(blk);
}

/* "block device 'ID'" as QEMU names a BlockBackend user (new string). */
static char *root_parent_desc(void *opaque)
{
    BlockBackend *blk = opaque;
    char *path;
    char *desc;

    if (blk->name) {
        return xasprintf("block device '%s'", blk->name);
    }
    if (blk->dev && blk->dev->id) {
        return xasprintf("block device '%s'", blk->dev->id);
    }
    path = blk->dev ? object_get_canonical_path(OBJECT(blk->dev)) : NULL;
    desc = path && *path ? xasprintf("block device '%s'", path)
                         : xstrdup("an unnamed block device");
    free(path);
    return desc;
}

bool blk_insert_node(BlockBackend *blk, BlockNode *bs, Error **errp)
{
    blk->root = block_root_attach(bs, "root", blk->perm, blk->shared,
                                  root_parent_desc, blk, errp);
    return blk->root != NULL;
}

BlockNode *blk_node(const BlockBackend *blk)
{
    return blk->root ? block_child_node(blk->root) : NULL;
}

bool blk_is_inserted(const BlockBackend *blk)
{
    return blk->root != NULL;
}

bool blk_monitor_add(BlockBackend *blk, const char *name, Error **errp)
{
    if (blk_by_name(name)) {
        error_setg(errp, "Device with id '%s' already exists", name);
        return false;
    }
    if (block_node_find(name)) {
        error_setg(errp,
                   "Device name '%s' conflicts with an existing node name",
                   name);
        return false;
    }
    blk->name = xstrdup(name);
    block_device_name_reserve(name, true);
    blk_ref(blk);
    return true;
}

void blk_monitor_remove(BlockBackend *blk)
{
    block_device_name_reserve(blk->name, false);
    free(blk->name);
    blk->name = NULL;
    blk_unref(blk);
}

BlockBackend *blk_by_name(const char *name)
{
    BlockBackend *blk;

    for (blk = backends; blk; blk = blk->next) {
        if (blk->name && !strcmp(blk->name, name)) {
            return blk;
        }
    }
    return NULL;
}

const char *blk_name(const BlockBackend *blk)
{
    return blk->name ? blk->name : "";
}

void blk_set_legacy_dinfo(BlockBackend *blk, BlockInterfaceType type, int bus,
                          int unit)
{
    blk->legacy_if = type;
    blk->legacy_bus = bus;
    blk->legacy_unit = unit;
}

BlockBackend *blk_legacy_find(BlockInterfaceType type, int bus, int unit)
{
    BlockBackend *blk;

    for (blk = backends; blk; blk = blk->next) {
        if (blk->legacy_if == type && blk->legacy_bus == bus &&
            blk->legacy_unit == unit) {
            return blk;
        }
    }
    return NULL;
}

BlockInterfaceType blk_legacy_if(const BlockBackend *blk)
{
    return blk->legacy_if;
}

void blk_mark_auto_del(BlockBackend *blk)
{
    if (blk->legacy_if != IF_COUNT) {
        blk->auto_del = true;
    }
}

void blk_auto_del(BlockBackend *blk)
{
    if (blk->auto_del) {
        blk->auto_del = false;
        blk_monitor_remove(blk);
    }
}

bool blk_attach_dev(BlockBackend *blk, DeviceState *dev)
{
    if (blk->dev) {
        return false;
    }
    blk_ref(blk);
    blk->dev = dev;
    return true;
}

void blk_detach_dev(BlockBackend *blk)
{
    blk->dev = NULL;
    blk->dev_removable = false;
    /* Taking nothing cannot fail. */
    blk_set_perm(blk, 0, BLK_PERM_ALL, NULL);
    blk_unref(blk);
}

DeviceState *blk_get_attached_dev(const BlockBackend *blk)
{
    return blk->dev;
}

void blk_set_dev_removable(BlockBackend *blk, bool removable)
{
    blk->dev_removable = removable;
}

BlockBackend *blk_by_dev(const DeviceState *dev)
{
    BlockBackend *blk;

    for (blk = backends; blk; blk = blk->next) {
        if (blk->dev == dev) {
            return blk;
        }
    }
    return NULL;
}

bool blk_set_io_throttle(BlockBackend *blk, const ThrottleConfig *cfg,
                         const char *group, const char *default_group,
                         Error **errp)
{
    if (!blk->root) {
        error_setg(errp, "Device has no medium");
        return false;
    }
    if (!throttle_is_valid(cfg, errp)) {
        return false;
    }
    if (!throttle_enabled(cfg)) {
        /* Every rate 0: limits off. */
        throttle_group_unref(blk->throttle);
        blk->throttle = NULL;
        return true;
    }
    if (!blk->throttle) {
        blk->throttle = throttle_group_ref(group ? group : default_group);
    } else if (group && strcmp(throttle_group_name(blk->throttle), group)) {
        /* Another group: leave this one, join that one. */
        throttle_group_unref(blk->throttle);
        blk->throttle = throttle_group_ref(group);
    }
    throttle_group_set_config(blk->throttle, cfg);
    return true;
}

/* query-block's view of the limits blk's group sets (new object), as
 * block_node_info takes them; NULL without limits. */
static json_t *io_limits_info(const BlockBackend *blk)
{
    const char *const *avg = throttle_avg_names;
    const char *const *max = throttle_max_names;
    const char *const *length = throttle_length_names;
    const ThrottleConfig *cfg;
    json_t *info;
    int i;

    if (!blk->throttle) {
        return NULL;
    }
    cfg = throttle_group_config(blk->throttle);
    info = json_object();
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        json_object_set_new(info, avg[i],
                            json_integer((json_int_t)cfg->buckets[i].avg));
    }
    /* A burst rate and its length only where the rate is set. */
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        if (cfg->buckets[i].max) {
            json_object_set_new(info, max[i],
                                json_integer((json_int_t)cfg->buckets[i].max));
        }
    }
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        if (cfg->buckets[i].max) {
            json_object_set_new(
                info, length[i],
                json_integer((json_int_t)cfg->buckets[i].burst_length));
        }
    }
    if (cfg->op_size) {
        json_object_set_new(info, "iops_size",
                            json_integer((json_int_t)cfg->op_size));
    }
    json_object_set_new(info, "group",
                        json_text(throttle_group_name(blk->throttle)));
    return info;
}

bool blk_set_perm(BlockBackend *blk, uint64_t perm, uint64_t shared,
                  Error **errp)
{
    if (blk->root && !block_child_set_perm(blk->root, perm, shared, errp)) {
        return false;
    }
    blk->perm = perm;
    blk->shared = shared;
    return true;
}

bool blk_replace_node(BlockBackend *blk, BlockNode *bs, Error **errp)
{
    if (!blk->root) {
        return blk_insert_node(blk, bs, errp);
    }
    return block_child_replace(blk->root, bs, errp);
}

bool blk_supports_write_perm(const BlockBackend *blk)
{
    BlockNode *bs = blk_node(blk);

    return bs ? !block_node_read_only(bs) : !blk->read_only_empty;
}

void blk_set_read_only_when_empty(BlockBackend *blk, bool read_only)
{
    blk->read_only_empty = read_only;
}

bool blk_is_writable(const BlockBackend *blk)
{
    return (blk->perm & BLK_PERM_WRITE) != 0;
}

bool blk_enable_write_cache(const BlockBackend *blk)
{
    return blk->enable_write_cache;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->enable_write_cache = wce;
}

void blk_set_account(BlockBackend *blk, bool invalid, bool failed)
{
    blk->account_invalid = invalid;
    blk->account_failed = failed;
}

void blk_iostatus_enable(BlockBackend *blk)
{
    blk->iostatus_enabled = true;
}

int64_t blk_getlength(const BlockBackend *blk)
{
    BlockNode *bs = blk_node(blk);

    return bs ? block_node_size(bs) : 0;
}

bool blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t len)
{
    BlockNode *bs = blk_node(blk);

    return bs && block_node_pread(bs, offset, buf, len);
}

/* The attached device's id, else its QOM path (new string, "" if none). */
static char *attached_dev_id(const BlockBackend *blk)
{
    char *path;

    if (!blk->dev) {
        return xstrdup("");
    }
    if (blk->dev->id) {
        return xstrdup(blk->dev->id);
    }
    path = object_get_canonical_path(OBJECT(blk->dev));
    return path ? path : xstrdup("");
}

json_t *blk_query_block(void)
{
    json_t *list = json_array();
    BlockBackend *blk;

    for (blk = backends; blk; blk = blk->next) {
        json_t *info;
        char *qdev;

        if (!blk->name && !blk->dev) {
            continue;
        }
        info = json_object();
        json_object_set_new(info, "device", json_text(blk_name(blk)));
        qdev = attached_dev_id(blk);
        if (*qdev) {
            json_object_set_new(info, "qdev", json_text(qdev));
        }
        free(qdev);
        json_object_set_new(info, "type", json_string("unknown"));
        /* Removable media (scsi-cd's) come with a tray, never locked
         * (no guest locks it). */
        json_object_set_new(info, "removable",
                            json_boolean(!blk->dev || blk->dev_removable));
        json_object_set_new(info, "locked", json_false());
        if (blk->dev_removable) {
            json_object_set_new(info, "tray_open", json_false());
        }
        if (blk->iostatus_enabled) {
            json_object_set_new(info, "io-status", json_string("ok"));
        }
        if (blk->root) {
            json_t *limits = io_limits_info(blk);

            json_object_set_new(info, "inserted",
                                block_node_info(blk_node(blk),
                                                blk->enable_write_cache,
                                                limits));
            json_decref(limits);
        }
        json_array_append_new(list, info);
    }
    return list;
}

json_t *blk_query_blockstats(void)
{
    json_t *list = json_array();
    BlockBackend *blk;

    for (blk = backends; blk; blk = blk->next) {
        json_t *s, *stats;
        char *qdev;

        if (!blk->name && !blk->dev) {
            continue;
        }
        s = json_object();
        json_object_set_new(s, "device", json_text(blk_name(blk)));
        qdev = attached_dev_id(blk);
        if (*qdev) {
            json_object_set_new(s, "qdev", json_text(qdev));
        }
        free(qdev);
        stats = block_device_stats(blk->account_invalid, blk->account_failed);
        if (blk->root) {
            /* The root node's BlockStats with the BlockBackend's stats. */
            json_t *node = block_node_stats(blk_node(blk), stats);

            json_object_update(s, node);
            json_decref(node);
        } else {
            json_object_set_new(s, "stats", stats);
        }
        json_array_append_new(list, s);
    }
    return list;
}
