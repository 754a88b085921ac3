/*
 * Block nodes as QEMU 7.2's block layer keeps them for blockdev-add,
 * blockdev-del and query-named-block-nodes: a graph of nodes named by
 * node-name (given, or "#blockNNN" made up for an unnamed node), each of
 * one driver: "file" (a host file really opened, read-write or
 * read-only), "null-co"/"null-aio" (a size, no data), "raw" (a window
 * offset/size on its "file" child) and "qcow2" (its header read from the
 * "file" child for the virtual size, version and features).
 *
 * A node's users are its parents: nodes (through their "file" child) and
 * BlockBackends (through a "root" child, src/block-backend.h).  Each
 * child edge carries the permissions its parent takes on the node and
 * those it lets others have (QEMU's BLK_PERM_*); every change is checked
 * as QEMU checks it (conflicts between parents, read-only nodes, the
 * image locks file nodes take on their files with OFD locks at QEMU's
 * byte offsets) and either applied to the whole graph below or undone.
 * No guest I/O goes through nodes, only the reads a device makes when it
 * is set up (geometry).
 */
#ifndef QMACHINED_BLOCK_H
#define QMACHINED_BLOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct BlockNode BlockNode;
typedef struct BdrvChild BdrvChild;

/* Permissions, QEMU's values and names. */
#define BLK_PERM_CONSISTENT_READ 0x01u /* "consistent read" */
#define BLK_PERM_WRITE 0x02u /* "write" */
#define BLK_PERM_WRITE_UNCHANGED 0x04u /* "write unchanged" */
#define BLK_PERM_RESIZE 0x08u /* "resize" */
#define BLK_PERM_ALL 0x0fu

/* blockdev-add: args is a checked BlockdevOptions. */
bool block_blockdev_add(json_t *args, Error **errp);
/* blockdev-del. */
bool block_blockdev_del(const char *node_name, Error **errp);

/*
 * Opens a node that no monitor owns (-drive's): args as blockdev-add's,
 * node names made up where args has none.  The node lives while a parent
 * holds it: attach a root child at once.
 */
BlockNode *block_node_open_unowned(json_t *args, Error **errp);

/*
 * BlockBackend names (-drive ids) share the namespace: a node may not
 * take one ("node-name=X is conflicting with a device id").
 */
void block_device_name_reserve(const char *name, bool reserve);

/* The node named node_name, or NULL. */
BlockNode *block_node_find(const char *node_name);
const char *block_node_name(const BlockNode *bs);
/* The node's size in bytes (a multiple of 512). */
int64_t block_node_size(const BlockNode *bs);
bool block_node_read_only(const BlockNode *bs);
/*
 * Reads len bytes at offset of the node's data as a guest would see
 * them (zeros past the end, for null nodes and for what qcow2 has not
 * allocated); false where the data cannot be read here.
 */
bool block_node_pread(BlockNode *bs, int64_t offset, void *buf, size_t len);

/*
 * A root child on bs for a parent that is no node (a BlockBackend),
 * named name, taking perm and sharing shared; desc(opaque) describes the
 * parent in permission errors ("block device 'x'", new string).  Checked
 * as QEMU checks a new parent; NULL with errp set when refused.
 */
BdrvChild *block_root_attach(BlockNode *bs, const char *name, uint64_t perm,
                             uint64_t shared, char *(*desc)(void *opaque),
                             void *opaque, Error **errp);
/* Drops the root child: the node goes when nothing else holds it. */
void block_root_detach(BdrvChild *c);
BlockNode *block_child_node(const BdrvChild *c);
/* New permissions for a root child (checked; unchanged on failure). */
bool block_child_set_perm(BdrvChild *c, uint64_t perm, uint64_t shared,
                          Error **errp);
/* Moves a root child to node bs, keeping its permissions. */
bool block_child_replace(BdrvChild *c, BlockNode *bs, Error **errp);

/*
 * BlockDeviceInfo of bs (new object); writeback is the cache mode of the
 * BlockBackend it is described for (true for a bare node), limits its
 * I/O limits (borrowed; NULL for none): the members "bps" to "iops_wr"
 * (0 where missing) and any of "bps_max" to "group", taken in QAPI's
 * member order.
 */
json_t *block_node_info(BlockNode *bs, bool writeback, json_t *limits);
/* query-named-block-nodes (new array). */
json_t *block_query_named_nodes(bool flat);

/* BlockDeviceStats (new object): all counts 0, QEMU's account flags. */
json_t *block_device_stats(bool account_invalid, bool account_failed);
/*
 * BlockStats of node bs (new object): its name, stats (stolen; NULL for
 * a node's own, nothing accounted), the file driver's discard counts,
 * and its data child's BlockStats as "parent".
 */
json_t *block_node_stats(BlockNode *bs, json_t *stats);
/* query-blockstats with query-nodes: every node, oldest first. */
json_t *block_query_node_stats(void);

#endif
