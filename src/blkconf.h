/*
 * What disk devices share about their drive, after QEMU 7.2's
 * hw/block/block.c and the block properties of qdev-properties-system.c:
 * the BlockConf settings and their qdev properties ("drive", the block
 * sizes, I/O sizes, write-cache, share-rw, accounting, error actions,
 * CHS geometry), and the realize-time steps (permissions and cache mode
 * on the BlockBackend, geometry, block sizes) with QEMU's checks and
 * messages.
 */
#ifndef QMACHINED_BLKCONF_H
#define QMACHINED_BLKCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "src/block-backend.h"
#include "src/on-off-auto.h"
#include "src/qdev.h"

/* BlockdevOnError, in QEMU's order. */
typedef enum BlockdevOnError {
    BLOCKDEV_ON_ERROR_REPORT,
    BLOCKDEV_ON_ERROR_IGNORE,
    BLOCKDEV_ON_ERROR_ENOSPC,
    BLOCKDEV_ON_ERROR_STOP,
    BLOCKDEV_ON_ERROR_AUTO,
} BlockdevOnError;

typedef struct BlockConf {
    BlockBackend *blk; /* "drive": a reference while set */
    int32_t backend_defaults; /* OnOffAuto */
    uint32_t physical_block_size;
    uint32_t logical_block_size;
    uint32_t min_io_size;
    uint32_t opt_io_size;
    uint32_t discard_granularity;
    uint32_t cyls, heads, secs;
    uint32_t lcyls, lheads, lsecs;
    int32_t wce; /* OnOffAuto */
    bool share_rw;
    int32_t rerror, werror; /* BlockdevOnError */
    int32_t account_invalid, account_failed; /* OnOffAuto */
} BlockConf;

/*
 * "drive" (a BlockBackend * field): a -drive id or a node name; the
 * device is attached to it as it is set.  The _iothread variant (QEMU's
 * DEFINE_PROP_DRIVE_IOTHREAD) lets qom-set move a realized device to
 * another node.
 */
extern const PropertyInfo blkconf_prop_drive, blkconf_prop_drive_iothread,
    blkconf_prop_blocksize, blkconf_prop_size32, blkconf_prop_on_error;

#define DEFINE_PROP_DRIVE(n, S, f) \
    DEFINE_PROP(n, S, f, blkconf_prop_drive, BlockBackend *)
#define DEFINE_PROP_DRIVE_IOTHREAD(n, S, f) \
    DEFINE_PROP(n, S, f, blkconf_prop_drive_iothread, BlockBackend *)

/* QEMU's DEFINE_BLOCK_PROPERTIES_BASE, _ERROR_ and _CHS_PROPERTIES. */
#define DEFINE_BLOCK_PROPERTIES_BASE(S, c)                                     \
    DEFINE_PROP("backend_defaults", S, c.backend_defaults, on_off_auto_prop,   \
                int32_t, .set_default = true, .defval.i = ON_OFF_AUTO_AUTO),   \
        DEFINE_PROP("logical_block_size", S, c.logical_block_size,             \
                    blkconf_prop_blocksize, uint32_t, .set_default = true,     \
                    .defval.u = 0),                                            \
        DEFINE_PROP("physical_block_size", S, c.physical_block_size,           \
                    blkconf_prop_blocksize, uint32_t, .set_default = true,     \
                    .defval.u = 0),                                            \
        DEFINE_PROP("min_io_size", S, c.min_io_size, blkconf_prop_size32,      \
                    uint32_t, .set_default = true, .defval.u = 0),             \
        DEFINE_PROP("opt_io_size", S, c.opt_io_size, blkconf_prop_size32,      \
                    uint32_t, .set_default = true, .defval.u = 0),             \
        DEFINE_PROP("discard_granularity", S, c.discard_granularity,           \
                    blkconf_prop_size32, uint32_t, .set_default = true,        \
                    .defval.u = UINT32_MAX),                                   \
        DEFINE_PROP("write-cache", S, c.wce, on_off_auto_prop, int32_t,        \
                    .set_default = true, .defval.i = ON_OFF_AUTO_AUTO),        \
        DEFINE_PROP_BOOL("share-rw", S, c.share_rw, false),                    \
        DEFINE_PROP("account-invalid", S, c.account_invalid, on_off_auto_prop, \
                    int32_t, .set_default = true,                              \
                    .defval.i = ON_OFF_AUTO_AUTO),                             \
        DEFINE_PROP("account-failed", S, c.account_failed, on_off_auto_prop,   \
                    int32_t, .set_default = true,                              \
                    .defval.i = ON_OFF_AUTO_AUTO)

#define DEFINE_BLOCK_ERROR_PROPERTIES(S, c)                                \
    DEFINE_PROP("rerror", S, c.rerror, blkconf_prop_on_error, int32_t,     \
                .set_default = true, .defval.i = BLOCKDEV_ON_ERROR_AUTO),  \
        DEFINE_PROP("werror", S, c.werror, blkconf_prop_on_error, int32_t, \
                    .set_default = true, .defval.i = BLOCKDEV_ON_ERROR_AUTO)

#define DEFINE_BLOCK_CHS_PROPERTIES(S, c)             \
    DEFINE_PROP_UINT32("cyls", S, c.cyls, 0),         \
        DEFINE_PROP_UINT32("heads", S, c.heads, 0),   \
        DEFINE_PROP_UINT32("secs", S, c.secs, 0),     \
        DEFINE_PROP_UINT32("lcyls", S, c.lcyls, 0),   \
        DEFINE_PROP_UINT32("lheads", S, c.lheads, 0), \
        DEFINE_PROP_UINT32("lsecs", S, c.lsecs, 0)

/*
 * The device's permissions on its drive (read, plus write unless
 * read_only; sharing read, unchanged writes, resize if resizable, writes
 * with share-rw) and its write-cache mode.
 */
bool blkconf_apply_backend_options(BlockConf *conf, bool read_only,
                                   bool resizable, Error **errp);
/* CHS: guessed from the disk (its MBR, else its size) unless given;
 * each within 1..max. */
bool blkconf_geometry(BlockConf *conf, unsigned cyls_max, unsigned heads_max,
                      unsigned secs_max, Error **errp);
/* Block sizes not given become 512; the I/O sizes are checked. */
bool blkconf_blocksizes(BlockConf *conf, Error **errp);

#endif
