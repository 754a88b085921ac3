/*
 * Block nodes as QEMU 7.2's block layer keeps them for blockdev-add,
 * blockdev-del and query-named-block-nodes: a graph of nodes named by
 * node-name (given, or "#blockNNN" made up for an unnamed inline child),
 * each of one driver: "file" (a host file really opened, read-write or
 * read-only), "null-co"/"null-aio" (a size, no data), "raw" (a window
 * offset/size on its "file" child) and "qcow2" (its header read from the
 * "file" child for the virtual size, version and features).  No guest
 * I/O goes through them; a device only holds a node (its "drive").
 */
#ifndef QMACHINED_BLOCK_H
#define QMACHINED_BLOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

typedef struct BlockNode BlockNode;

/* blockdev-add: args is a checked BlockdevOptions. */
bool block_blockdev_add(json_t *args, Error **errp);
/* blockdev-del. */
bool block_blockdev_del(const char *node_name, Error **errp);

/* The node named node_name, or NULL. */
BlockNode *block_node_find(const char *node_name);
const char *block_node_name(const BlockNode *bs);
/* The node's size in bytes (a multiple of 512). */
int64_t block_node_size(const BlockNode *bs);
bool block_node_read_only(const BlockNode *bs);

/*
 * A device takes node bs as its drive (its qdev path names it in
 * query-block); fails as QEMU does when bs already has a device.
 */
bool block_node_attach(BlockNode *bs, const char *qdev_path, Error **errp);
void block_node_detach(BlockNode *bs);

/* query-named-block-nodes (new array). */
json_t *block_query_named_nodes(bool flat);
/* query-block: one BlockInfo for each node a device holds (new array). */
json_t *block_query_block(void);

#endif
