/*
 * BlockBackends as QEMU 7.2 keeps them (block/block-backend.c): what a
 * guest device, or a -drive, holds a block node through.  A BlockBackend
 * has a "root" child on its node (or none: an empty drive), the
 * permissions its user takes on it, the write-cache mode, whether I/O
 * status is reported, and the device attached to it.  Named ones (-drive
 * ids) belong to the monitor; anonymous ones live while their device
 * holds them.  query-block lists them in creation order.
 */
#ifndef QMACHINED_BLOCK_BACKEND_H
#define QMACHINED_BLOCK_BACKEND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "src/block.h"
#include "src/error.h"
#include "src/throttle.h"

typedef struct BlockBackend BlockBackend;
typedef struct DeviceState DeviceState;

/* -drive's interface types (QEMU's BlockInterfaceType order). */
typedef enum BlockInterfaceType {
    IF_NONE,
    IF_IDE,
    IF_SCSI,
    IF_FLOPPY,
    IF_PFLASH,
    IF_MTD,
    IF_SD,
    IF_VIRTIO,
    IF_XEN,
    IF_COUNT
} BlockInterfaceType;

/* A new, empty BlockBackend (one reference) wanting perm, sharing shared;
 * write cache on. */
BlockBackend *blk_new(uint64_t perm, uint64_t shared);
void blk_ref(BlockBackend *blk);
/* The last reference takes the BlockBackend and its root child away. */
void blk_unref(BlockBackend *blk);
/* Puts bs in (root child with blk's permissions); checked. */
bool blk_insert_node(BlockBackend *blk, BlockNode *bs, Error **errp);
/* The root node, NULL when empty. */
BlockNode *blk_node(const BlockBackend *blk);
bool blk_is_inserted(const BlockBackend *blk);

/*
 * The monitor takes blk under name (a -drive id) with a reference of its
 * own (QEMU's checks: no other BlockBackend and no node has the name);
 * blk_monitor_remove drops both.
 */
bool blk_monitor_add(BlockBackend *blk, const char *name, Error **errp);
void blk_monitor_remove(BlockBackend *blk);
BlockBackend *blk_by_name(const char *name);
/* "" for an anonymous BlockBackend. */
const char *blk_name(const BlockBackend *blk);

/*
 * -drive's DriveInfo: its interface (IF_COUNT: not a -drive), bus and
 * unit; a device that used the drive deletes it when it goes (auto_del).
 */
void blk_set_legacy_dinfo(BlockBackend *blk, BlockInterfaceType type, int bus,
                          int unit);
BlockInterfaceType blk_legacy_if(const BlockBackend *blk);
/* The -drive at type, bus, unit, or NULL (QEMU's drive_get). */
BlockBackend *blk_legacy_find(BlockInterfaceType type, int bus, int unit);
void blk_mark_auto_del(BlockBackend *blk);
void blk_auto_del(BlockBackend *blk);

/* A device takes blk (with a reference); false when one already has. */
bool blk_attach_dev(BlockBackend *blk, DeviceState *dev);
/* The device lets go: permissions dropped, its reference too. */
void blk_detach_dev(BlockBackend *blk);
DeviceState *blk_get_attached_dev(const BlockBackend *blk);
/* The attached device's media is removable and it has a tray (QEMU's
 * device ops with change_media_cb and is_tray_open); detaching ends it. */
void blk_set_dev_removable(BlockBackend *blk, bool removable);

/* The BlockBackend device dev is attached to, or NULL. */
BlockBackend *blk_by_dev(const DeviceState *dev);

/*
 * block_set_io_throttle's work on blk (QEMU's order and messages): it
 * needs a medium and a valid cfg; a cfg without rates turns the limits
 * off; else they go on in group (default_group when NULL, for limits
 * that were off), or blk moves to group, and the group takes cfg.
 */
bool blk_set_io_throttle(BlockBackend *blk, const ThrottleConfig *cfg,
                         const char *group, const char *default_group,
                         Error **errp);

bool blk_set_perm(BlockBackend *blk, uint64_t perm, uint64_t shared,
                  Error **errp);
/* The root child moves to bs (qom-set of a realized device's drive). */
bool blk_replace_node(BlockBackend *blk, BlockNode *bs, Error **errp);
/* Whether a user could write: the node is not read-only (or, empty, the
 * drive was not opened read-only). */
bool blk_supports_write_perm(const BlockBackend *blk);
void blk_set_read_only_when_empty(BlockBackend *blk, bool read_only);
/* Whether blk holds the write permission. */
bool blk_is_writable(const BlockBackend *blk);
bool blk_enable_write_cache(const BlockBackend *blk);
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);
void blk_iostatus_enable(BlockBackend *blk);
/* Whether invalid and failed requests count in the I/O statistics
 * (-drive stats-account-invalid/-failed; both by default). */
void blk_set_account(BlockBackend *blk, bool invalid, bool failed);

/* The node's size in bytes (0 when empty). */
int64_t blk_getlength(const BlockBackend *blk);
bool blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t len);

/* query-block (new array). */
json_t *blk_query_block(void);
/* query-blockstats without query-nodes (new array), query-block's
 * BlockBackends in its order. */
json_t *blk_query_blockstats(void);

#endif
