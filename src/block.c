/*
 * Block nodes (see block.h), after QEMU 7.2's block.c, block/file-posix.c,
 * block/null.c, block/raw-format.c and block/qcow2.c as far as opening,
 * naming, permissions, image locks, deleting and describing nodes goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block.h"
#include "json-value.h"
#include "util.h"

#define SECTOR 512
#define NODE_NAME_MAX 32 /* QEMU's buffer, with the NUL */
#define NULL_DEFAULT_SIZE (1LL << 30)

/* file-posix's lock bytes: one per permission held, one per permission
 * not shared. */
#define LOCK_PERM_BASE 100
#define LOCK_SHARED_BASE 200
#define PERM_COUNT 4

/* qcow2 L1/L2 entries. */
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW2_COMPRESSED (1ULL << 62)
#define QCOW2_ZERO 1ULL

typedef enum BlockDrv {
    DRV_FILE,
    DRV_NULL_CO,
    DRV_NULL_AIO,
    DRV_RAW,
    DRV_QCOW2,
} BlockDrv;

static const char *const drv_names[] = { "file", "null-co", "null-aio", "raw",
                                         "qcow2" };

static const char *const perm_names[PERM_COUNT] = { "consistent read", "write",
                                                    "write unchanged",
                                                    "resize" };

/*
 * An edge from a parent to the node bs: a node's "file" child (parent
 * set) or a root child (desc set).  perm/shared are in force; new_perm/
 * new_shared hold an update being checked and equal them otherwise.
 */
struct BdrvChild {
    BlockNode *bs;
    const char *name;
    BlockNode *parent;
    char *(*desc)(void *opaque);
    void *opaque;
    uint64_t perm, shared;
    uint64_t new_perm, new_shared;
    BdrvChild *next_parent; /* bs->parents, newest first */
};

struct BlockNode {
    char *node_name;
    BlockDrv drv;
    bool monitor_owned; /* a blockdev-add root */
    bool read_only;
    bool force_share;
    int fd; /* file */
    bool use_lock; /* file: locking=auto/on */
    uint64_t locked_perm, locked_shared; /* file: the lock bytes held */
    int64_t size; /* bytes, rounded up to a sector */
    BdrvChild *file; /* raw, qcow2: the "file" child */
    BdrvChild *parents;
    /* The options that make the node what it is (QEMU's full open
     * options): the driver, its own options and the child's. */
    json_t *full_opts;
    /* The plain file name when there is one (QEMU's exact_filename). */
    char *exact_filename;
    bool direct, no_flush;
    const char *detect_zeroes;
    /* raw */
    int64_t offset;
    bool filtered; /* neither offset nor size: a filter of its file */
    /* qcow2 */
    uint32_t version;
    int cluster_bits;
    int refcount_bits;
    bool lazy_refcounts, corrupt, extended_l2;
    int compression_type;
    uint64_t l1_offset;
    uint32_t l1_size;
    BlockNode *next; /* newest first */
};

static BlockNode *nodes;

static int64_t opt_int(json_t *v, int64_t dflt)
{
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static bool opt_bool(json_t *v, bool dflt)
{
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static uint64_t auto_name_counter;

/* The BlockBackend names in use. */
static json_t *device_names;

void block_device_name_reserve(const char *name, bool reserve)
{
    if (!device_names) {
        device_names = json_object();
    }
    if (reserve) {
        json_object_set_new(device_names, name, json_true());
    } else {
        json_object_del(device_names, name);
    }
}

BlockNode *block_node_find(const char *node_name)
{
    BlockNode *bs;

    for (bs = nodes; bs; bs = bs->next) {
        if (!strcmp(bs->node_name, node_name)) {
            return bs;
        }
    }
    return NULL;
}

const char *block_node_name(const BlockNode *bs)
{
    return bs->node_name;
}

int64_t block_node_size(const BlockNode *bs)
{
    return bs->size;
}

bool block_node_read_only(const BlockNode *bs)
{
    return bs->read_only;
}

BlockNode *block_child_node(const BdrvChild *c)
{
    return c->bs;
}

/* QEMU's id_wellformed: a letter, then letters, digits, '-', '.', '_'. */
static bool id_wellformed(const char *id)
{
    size_t i;

    if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z'))) {
        return false;
    }
    for (i = 1; id[i]; i++) {
        char c = id[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
            return false;
        }
    }
    return true;
}

static bool assign_node_name(BlockNode *bs, const char *name, Error **errp)
{
    if (!name) {
        /* "#block", a counter, two random digits: QEMU's id_generate. */
        bs->node_name =
            xasprintf("#block%llu%02d", (unsigned long long)auto_name_counter++,
                      rand() % 100);
        return true;
    }
    if (!id_wellformed(name)) {
        error_setg(errp, "Invalid node-name: '%s'", name);
        return false;
    }
    if (device_names && json_object_get(device_names, name)) {
        error_setg(errp, "node-name=%s is conflicting with a device id", name);
        return false;
    }
    if (block_node_find(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
        return false;
    }
    if (strlen(name) >= NODE_NAME_MAX) {
        error_setg(errp, "Node name too long");
        return false;
    }
    bs->node_name = xstrdup(name);
    return true;
}

/* ---- Permissions ---- */

/* "write, resize": QEMU's bdrv_perm_names (new string). */
static char *perm_list(uint64_t perm)
{
    char *out = xstrdup("");
    int i;

    for (i = 0; i < PERM_COUNT; i++) {
        if (perm & (1u << i)) {
            char *s = xasprintf("%s%s%s", out, *out ? ", " : "", perm_names[i]);

            free(out);
            out = s;
        }
    }
    return out;
}

/* "node 'r0'" or the root parent's own words (new string). */
static char *child_user_desc(const BdrvChild *c)
{
    if (c->parent) {
        return xasprintf("node '%s'", c->parent->node_name);
    }
    return c->desc(c->opaque);
}

/* What the node's parents take and share, with the update being checked. */
static void cumulative_perm(const BlockNode *bs, uint64_t *perm,
                            uint64_t *shared)
{
    const BdrvChild *c;

    *perm = 0;
    *shared = BLK_PERM_ALL;
    for (c = bs->parents; c; c = c->next_parent) {
        *perm |= c->new_perm;
        *shared &= c->new_shared;
    }
}

/* Whether parent a lets parent b have what b takes (QEMU's order). */
static bool parent_allows(const BdrvChild *a, const BdrvChild *b, Error **errp)
{
    char *perms, *a_user, *b_user;

    if ((b->new_perm & a->new_shared) == b->new_perm) {
        return true;
    }
    perms = perm_list(b->new_perm & ~a->new_shared);
    a_user = child_user_desc(a);
    b_user = child_user_desc(b);
    error_setg(errp,
               "Permission conflict on node '%s': permissions '%s' are both "
               "required by %s (uses node '%s' as '%s' child) and unshared "
               "by %s (uses node '%s' as '%s' child).",
               b->bs->node_name, perms, b_user, b->bs->node_name, b->name,
               a_user, a->bs->node_name, a->name);
    free(perms);
    free(a_user);
    free(b_user);
    return false;
}

/*
 * What a node takes on its "file" child for what its parents take and
 * share: raw without a window passes everything through (a filter); with
 * one, and qcow2, the child holds the node's data (qcow2 its metadata
 * too), as QEMU's bdrv_default_perms and raw_child_perm decide.
 */
static void file_child_perm(const BlockNode *bs, uint64_t perm, uint64_t shared,
                            uint64_t *nperm, uint64_t *nshared)
{
    uint64_t p = perm, s = shared;

    if (!(bs->drv == DRV_RAW && bs->filtered)) {
        if (bs->drv == DRV_QCOW2) {
            if (!bs->read_only) {
                p |= BLK_PERM_WRITE | BLK_PERM_RESIZE;
            }
            p |= BLK_PERM_CONSISTENT_READ;
            s &= ~(uint64_t)(BLK_PERM_WRITE | BLK_PERM_RESIZE);
        }
        s &= ~(uint64_t)BLK_PERM_RESIZE;
        if (p & BLK_PERM_WRITE_UNCHANGED) {
            p |= BLK_PERM_WRITE;
        }
        if (p & BLK_PERM_WRITE) {
            p |= BLK_PERM_RESIZE;
        }
    }
    if (bs->drv == DRV_RAW) {
        p &= ~(uint64_t)(BLK_PERM_WRITE | BLK_PERM_RESIZE);
        p |= perm & (BLK_PERM_WRITE | BLK_PERM_RESIZE);
    }
    *nperm = p;
    *nshared = s;
}

/* Whether another open file description holds a read lock on byte off. */
static bool lock_byte_taken(int fd, int off)
{
    struct flock fl = { .l_whence = SEEK_SET, .l_start = off, .l_len = 1 };

    fl.l_type = F_WRLCK;
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return false;
    }
    return fl.l_type != F_UNLCK;
}

static void lock_byte_set(int fd, int off, bool lock)
{
    struct flock fl = { .l_whence = SEEK_SET, .l_start = off, .l_len = 1 };

    fl.l_type = lock ? F_RDLCK : F_UNLCK;
    (void)fcntl(fd, F_OFD_SETLK, &fl);
}

/*
 * file-posix's check of new permissions against the locks other users
 * of the file hold: a permission nobody else denies, and none denied
 * that somebody else holds.
 */
static bool file_check_locks(const BlockNode *bs, uint64_t perm,
                             uint64_t shared, Error **errp)
{
    int i;

    if (!bs->use_lock || ((bs->locked_perm | perm) == bs->locked_perm &&
                          (bs->locked_shared & shared) == bs->locked_shared)) {
        return true;
    }
    for (i = 0; i < PERM_COUNT; i++) {
        if ((perm & (1u << i)) &&
            lock_byte_taken(bs->fd, LOCK_SHARED_BASE + i)) {
            error_setg(errp, "Failed to get \"%s\" lock", perm_names[i]);
            error_append_hint(errp,
                              "Is another process using the image [%s]?\n",
                              bs->exact_filename);
            return false;
        }
    }
    for (i = 0; i < PERM_COUNT; i++) {
        if (!(shared & (1u << i)) &&
            lock_byte_taken(bs->fd, LOCK_PERM_BASE + i)) {
            error_setg(errp, "Failed to get shared \"%s\" lock", perm_names[i]);
            error_append_hint(errp,
                              "Is another process using the image [%s]?\n",
                              bs->exact_filename);
            return false;
        }
    }
    return true;
}

/* The lock bytes for the permissions now in force. */
static void file_apply_locks(BlockNode *bs)
{
    uint64_t perm, shared;
    int i;

    if (!bs->use_lock || bs->fd < 0) {
        return;
    }
    cumulative_perm(bs, &perm, &shared);
    for (i = 0; i < PERM_COUNT; i++) {
        uint64_t bit = 1u << i;

        if ((perm & bit) != (bs->locked_perm & bit)) {
            lock_byte_set(bs->fd, LOCK_PERM_BASE + i, perm & bit);
        }
        if ((shared & bit) != (bs->locked_shared & bit)) {
            lock_byte_set(bs->fd, LOCK_SHARED_BASE + i, !(shared & bit));
        }
    }
    bs->locked_perm = perm;
    bs->locked_shared = shared;
}

/*
 * Checks bs for the new permissions of its parents and works out what bs
 * will take on its child, in QEMU's order: conflicts between parents, a
 * read-only node asked to write, the image locks.
 */
static bool node_refresh_perm(BlockNode *bs, Error **errp)
{
    const BdrvChild *a, *b;
    uint64_t perm, shared;

    for (a = bs->parents; a; a = a->next_parent) {
        for (b = bs->parents; b; b = b->next_parent) {
            if (a != b && !parent_allows(a, b, errp)) {
                return false;
            }
        }
    }
    cumulative_perm(bs, &perm, &shared);
    if ((perm & (BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED)) && bs->read_only) {
        error_setg(errp, "Block node is read-only");
        return false;
    }
    if (bs->drv == DRV_FILE && !file_check_locks(bs, perm, shared, errp)) {
        return false;
    }
    if (bs->file) {
        file_child_perm(bs, perm, shared, &bs->file->new_perm,
                        &bs->file->new_shared);
        if (bs->file->bs->force_share) {
            bs->file->new_shared = BLK_PERM_ALL;
        }
    }
    return true;
}

static void edge_settle(BdrvChild *c, bool commit)
{
    if (commit) {
        c->perm = c->new_perm;
        c->shared = c->new_shared;
    } else {
        c->new_perm = c->perm;
        c->new_shared = c->shared;
    }
}

/* Puts bs and what lies below it into order (parents first), once. */
static void topological_add(BlockNode **order, size_t *n, BlockNode *bs)
{
    size_t i;

    for (i = 0; i < *n; i++) {
        if (order[i] == bs) {
            return;
        }
    }
    if (bs->file) {
        topological_add(order, n, bs->file->bs);
    }
    memmove(order + 1, order, *n * sizeof(*order));
    order[0] = bs;
    (*n)++;
}

/*
 * Checks the update prepared on the edges into the nodes of list (and
 * the graph below them), parents before children as QEMU orders them,
 * and puts it in force, or undoes it.  Every edge is in its node's
 * parents, and every node with parents in the node list.
 */
static bool perm_update(BlockNode *const *list, size_t count, Error **errp)
{
    size_t n_nodes = count, n = 0, i;
    BlockNode **order, *bs;
    BdrvChild *c;
    bool ok = true;

    for (bs = nodes; bs; bs = bs->next) {
        n_nodes++;
    }
    order = xmalloc(n_nodes * sizeof(*order));
    for (i = 0; i < count; i++) {
        topological_add(order, &n, list[i]);
    }
    for (i = 0; ok && i < n; i++) {
        ok = node_refresh_perm(order[i], errp);
    }
    for (bs = nodes; bs; bs = bs->next) {
        for (c = bs->parents; c; c = c->next_parent) {
            edge_settle(c, ok);
        }
    }
    for (i = 0; ok && i < n; i++) {
        file_apply_locks(order[i]);
    }
    free(order);
    return ok;
}

static bool perm_update_one(BlockNode *bs, Error **errp)
{
    return perm_update(&bs, 1, errp);
}

static void parents_remove(BdrvChild *c)
{
    BdrvChild **p;

    for (p = &c->bs->parents; *p; p = &(*p)->next_parent) {
        if (*p == c) {
            *p = c->next_parent;
            return;
        }
    }
}

/* Adds edge c (its new_perm/new_shared set) as the node's newest parent. */
static bool edge_attach(BdrvChild *c, Error **errp)
{
    c->perm = 0;
    c->shared = BLK_PERM_ALL;
    c->next_parent = c->bs->parents;
    c->bs->parents = c;
    if (!perm_update_one(c->bs, errp)) {
        parents_remove(c);
        return false;
    }
    return true;
}

/* ---- Lifetime ---- */

static void node_free(BlockNode *bs)
{
    if (bs->fd >= 0) {
        close(bs->fd);
    }
    free(bs->node_name);
    free(bs->exact_filename);
    json_decref(bs->full_opts);
    free(bs);
}

static void node_unlink(BlockNode *bs)
{
    BlockNode **p;

    for (p = &nodes; *p; p = &(*p)->next) {
        if (*p == bs) {
            *p = bs->next;
            return;
        }
    }
}

static void node_release_if_unused(BlockNode *bs);

/* Drops edge c: what it took is given back, and its node goes when no
 * one else holds it. */
static void edge_detach(BdrvChild *c)
{
    BlockNode *bs = c->bs;

    parents_remove(c);
    free(c);
    /* Taking less cannot fail. */
    perm_update_one(bs, NULL);
    node_release_if_unused(bs);
}

/* A node no parent uses and the monitor does not own goes, with its own
 * child. */
static void node_release_if_unused(BlockNode *bs)
{
    if (!bs->parents && !bs->monitor_owned) {
        BdrvChild *file = bs->file;

        node_unlink(bs);
        bs->file = NULL;
        if (file) {
            edge_detach(file);
        }
        node_free(bs);
    }
}

BdrvChild *block_root_attach(BlockNode *bs, const char *name, uint64_t perm,
                             uint64_t shared, char *(*desc)(void *opaque),
                             void *opaque, Error **errp)
{
    BdrvChild *c = xzalloc(sizeof(*c));

    c->bs = bs;
    c->name = name;
    c->desc = desc;
    c->opaque = opaque;
    c->new_perm = perm;
    c->new_shared = shared;
    if (!edge_attach(c, errp)) {
        free(c);
        node_release_if_unused(bs);
        return NULL;
    }
    return c;
}

void block_root_detach(BdrvChild *c)
{
    if (c) {
        edge_detach(c);
    }
}

bool block_child_set_perm(BdrvChild *c, uint64_t perm, uint64_t shared,
                          Error **errp)
{
    c->new_perm = perm;
    c->new_shared = shared;
    return perm_update_one(c->bs, errp);
}

bool block_child_replace(BdrvChild *c, BlockNode *bs, Error **errp)
{
    BlockNode *old = c->bs;
    BlockNode *list[2] = { bs, old };
    BdrvChild **p;

    if (bs == old) {
        return true;
    }
    /* The edge keeps its place among the old node's parents if the move
     * is undone. */
    for (p = &old->parents; *p != c; p = &(*p)->next_parent) {
    }
    *p = c->next_parent;
    c->bs = bs;
    c->next_parent = bs->parents;
    bs->parents = c;
    if (!perm_update(list, 2, errp)) {
        bs->parents = c->next_parent;
        c->bs = old;
        c->next_parent = *p;
        *p = c;
        return false;
    }
    node_release_if_unused(old);
    return true;
}

/* ---- Data ---- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static bool node_pread(BlockNode *bs, void *buf, size_t len, int64_t offset);

/* qcow2: len bytes (within one cluster) at guest offset, through the L1
 * and L2 tables; unallocated and zero clusters read as zeros. */
static bool qcow2_pread(BlockNode *bs, void *buf, size_t len, int64_t offset)
{
    int l2_bits = bs->cluster_bits - (bs->extended_l2 ? 4 : 3);
    uint64_t cluster = (uint64_t)offset >> bs->cluster_bits;
    uint64_t l1_index = cluster >> l2_bits;
    uint64_t l2_index = cluster & ((1ULL << l2_bits) - 1);
    uint8_t e[8];
    uint64_t l2_offset, entry;

    if (l1_index >= bs->l1_size) {
        return true;
    }
    if (!node_pread(bs->file->bs, e, 8,
                    (int64_t)(bs->l1_offset + 8 * l1_index))) {
        return false;
    }
    l2_offset = be64(e) & QCOW2_OFFSET_MASK;
    if (!l2_offset) {
        return true;
    }
    if (!node_pread(
            bs->file->bs, e, 8,
            (int64_t)(l2_offset + (bs->extended_l2 ? 16 : 8) * l2_index))) {
        return false;
    }
    entry = be64(e);
    if (entry & QCOW2_COMPRESSED) {
        return false;
    }
    if ((entry & QCOW2_OFFSET_MASK) == 0 ||
        (!bs->extended_l2 && (entry & QCOW2_ZERO))) {
        return true;
    }
    return node_pread(
        bs->file->bs, buf, len,
        (int64_t)((entry & QCOW2_OFFSET_MASK) +
                  ((uint64_t)offset & ((1ULL << bs->cluster_bits) - 1))));
}

/* Reads len bytes at offset of bs's data (zeros past the end and on the
 * null drivers); false where they cannot be read. */
static bool node_pread(BlockNode *bs, void *buf, size_t len, int64_t offset)
{
    memset(buf, 0, len);
    switch (bs->drv) {
    case DRV_FILE: {
        ssize_t n = pread(bs->fd, buf, len, offset);

        return n >= 0;
    }
    case DRV_RAW:
        return node_pread(bs->file->bs, buf, len, offset + bs->offset);
    case DRV_QCOW2:
        return qcow2_pread(bs, buf, len, offset);
    default:
        return true;
    }
}

bool block_node_pread(BlockNode *bs, int64_t offset, void *buf, size_t len)
{
    if (offset < 0 || offset >= bs->size) {
        memset(buf, 0, len);
        return offset >= 0;
    }
    if (bs->drv == DRV_QCOW2 &&
        (((uint64_t)offset & ((1ULL << bs->cluster_bits) - 1)) + len) >
            (1ULL << bs->cluster_bits)) {
        return false;
    }
    return node_pread(bs, buf, len, offset);
}

/* ---- Drivers ---- */

static bool open_file(BlockNode *bs, json_t *args, bool auto_ro, Error **errp)
{
    const char *filename = json_string_value(json_object_get(args, "filename"));
    const char *locking;
    struct stat st;

    bs->fd = open(filename, (bs->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (bs->fd < 0 && !bs->read_only && auto_ro &&
        (errno == EACCES || errno == EROFS || errno == EPERM)) {
        bs->read_only = true;
        bs->fd = open(filename, O_RDONLY | O_CLOEXEC);
    }
    if (bs->fd < 0) {
        error_setg(errp, "Could not open '%s': %s", filename, strerror(errno));
        return false;
    }
    if (fstat(bs->fd, &st) < 0) {
        error_setg(errp, "Could not open '%s': %s", filename, strerror(errno));
        return false;
    }
    bs->size = st.st_size;
    locking = json_string_value(json_object_get(args, "locking"));
    bs->use_lock = !locking || strcmp(locking, "off") != 0;
    bs->locked_shared = BLK_PERM_ALL;
    bs->exact_filename = xstrdup(filename);
    json_object_set_new(bs->full_opts, "filename", json_string(filename));
    return true;
}

static bool open_null(BlockNode *bs, json_t *args, Error **errp)
{
    static const char *const strong[] = { "size", "latency-ns", "read-zeroes",
                                          NULL };
    const char *const *k;
    bool plain = true;

    (void)errp;
    bs->size = opt_int(json_object_get(args, "size"), NULL_DEFAULT_SIZE);
    for (k = strong; *k; k++) {
        json_t *v = json_object_get(args, *k);

        if (v) {
            json_object_set(bs->full_opts, *k, v);
            plain = false;
        }
    }
    if (plain) {
        bs->exact_filename = xasprintf("%s://", drv_names[bs->drv]);
    }
    return true;
}

static bool open_raw(BlockNode *bs, json_t *args, Error **errp)
{
    int64_t real_size = bs->file->bs->size;
    json_t *off = json_object_get(args, "offset");
    json_t *size = json_object_get(args, "size");
    uint64_t o = off ? (uint64_t)json_integer_value(off) : 0;
    uint64_t s = size ? (uint64_t)json_integer_value(size) : 0;

    if (o > (uint64_t)real_size) {
        error_setg(errp,
                   "Offset (%llu) cannot be greater than size of the "
                   "containing file (%lld)",
                   (unsigned long long)o, (long long)real_size);
        return false;
    }
    if (size && (uint64_t)real_size - o < s) {
        error_setg(errp,
                   "The sum of offset (%llu) and size (%llu) has to be "
                   "smaller or equal to the  actual size of the containing "
                   "file (%lld)",
                   (unsigned long long)o, (unsigned long long)s,
                   (long long)real_size);
        return false;
    }
    if (size && s % SECTOR) {
        error_setg(errp, "Specified size is not multiple of %d", SECTOR);
        return false;
    }
    bs->offset = (int64_t)o;
    bs->size = size ? (int64_t)s : real_size - (int64_t)o;
    if (off) {
        json_object_set(bs->full_opts, "offset", off);
    }
    if (size) {
        json_object_set(bs->full_opts, "size", size);
    }
    if (!off && !size && bs->file->bs->exact_filename) {
        bs->exact_filename = xstrdup(bs->file->bs->exact_filename);
    }
    return true;
}

static bool open_qcow2(BlockNode *bs, Error **errp)
{
    uint8_t h[112];
    uint32_t cluster_bits, header_length;
    uint64_t incompat, compat;

    if (!node_pread(bs->file->bs, h, sizeof(h), 0)) {
        error_setg(errp, "Could not read qcow2 header: %s", strerror(errno));
        return false;
    }
    if (be32(h) != 0x514649fb) {
        error_setg(errp, "Image is not in qcow2 format");
        return false;
    }
    bs->version = be32(h + 4);
    if (bs->version < 2 || bs->version > 3) {
        error_setg(errp, "Unsupported qcow2 version %u", bs->version);
        return false;
    }
    cluster_bits = be32(h + 20);
    if (cluster_bits < 9 || cluster_bits > 21) {
        error_setg(errp, "Unsupported cluster size: 2^%u", cluster_bits);
        return false;
    }
    bs->cluster_bits = (int)cluster_bits;
    bs->size = (int64_t)be64(h + 24);
    bs->l1_size = be32(h + 36);
    bs->l1_offset = be64(h + 40);
    bs->refcount_bits = 16;
    if (bs->version == 3) {
        header_length = be32(h + 100);
        if (header_length < 104) {
            error_setg(errp, "qcow2 header too short");
            return false;
        }
        incompat = be64(h + 72);
        compat = be64(h + 80);
        if (be32(h + 96) > 6) {
            error_setg(errp, "Reference count entry width too large; may "
                             "not exceed 64 bits");
            return false;
        }
        bs->refcount_bits = 1 << be32(h + 96);
        bs->corrupt = incompat & 2;
        bs->extended_l2 = incompat & 16;
        bs->lazy_refcounts = compat & 1;
        bs->compression_type = header_length > 104 ? h[104] : 0;
    }
    if (bs->file->bs->exact_filename) {
        bs->exact_filename = xstrdup(bs->file->bs->exact_filename);
    }
    return true;
}

static BlockNode *node_open(json_t *args, bool root, bool parent_ro,
                            Error **errp);

/*
 * The "file" child: a node name, or options of a node made inline, which
 * take the parent's cache mode and auto-read-only where they have none
 * (read-only comes as parent_ro), as QEMU's inherited options.
 */
static BlockNode *open_child(json_t *ref, json_t *parent, bool parent_ro,
                             Error **errp)
{
    BlockNode *c;

    if (!json_is_string(ref)) {
        static const char *const cache_keys[] = { "direct", "no-flush" };
        json_t *args = json_deep_copy(ref);
        json_t *pcache = json_object_get(parent, "cache");
        json_t *cache = json_object_get(args, "cache");
        size_t i;

        for (i = 0; json_is_object(pcache) && i < ARRAY_SIZE(cache_keys); i++) {
            json_t *v = json_object_get(pcache, cache_keys[i]);

            if (v && !json_object_get(cache, cache_keys[i])) {
                if (!cache) {
                    cache = json_object();
                    json_object_set_new(args, "cache", cache);
                }
                json_object_set(cache, cache_keys[i], v);
            }
        }
        if (json_object_get(parent, "auto-read-only") &&
            !json_object_get(args, "auto-read-only")) {
            json_object_set(args, "auto-read-only",
                            json_object_get(parent, "auto-read-only"));
        }
        c = node_open(args, false, parent_ro, errp);
        json_decref(args);
        return c;
    }
    c = block_node_find(json_string_value(ref));
    if (!c) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   json_string_value(ref), json_string_value(ref));
    }
    return c;
}

/* bs takes child as its "file" child, with what it needs idle. */
static bool attach_file_child(BlockNode *bs, BlockNode *child, Error **errp)
{
    BdrvChild *c = xzalloc(sizeof(*c));

    c->bs = child;
    c->name = "file";
    c->parent = bs;
    file_child_perm(bs, 0, BLK_PERM_ALL, &c->new_perm, &c->new_shared);
    if (child->force_share) {
        c->new_shared = BLK_PERM_ALL;
    }
    if (!edge_attach(c, errp)) {
        free(c);
        return false;
    }
    bs->file = c;
    json_object_set(bs->full_opts, "file", child->full_opts);
    return true;
}

static BlockNode *node_open(json_t *args, bool root, bool parent_ro,
                            Error **errp)
{
    const char *drv = json_string_value(json_object_get(args, "driver"));
    const char *name = json_string_value(json_object_get(args, "node-name"));
    json_t *cache = json_object_get(args, "cache");
    static const char *const detect_zeroes_names[] = { "off", "on", "unmap" };
    const char *dz;
    BlockNode *bs, *child = NULL;
    size_t i;
    bool ok;

    if (root && !name) {
        error_setg(errp, "'node-name' must be specified for the root node");
        return NULL;
    }
    for (i = 0; i < sizeof(drv_names) / sizeof(drv_names[0]); i++) {
        if (!strcmp(drv, drv_names[i])) {
            break;
        }
    }
    if (i == sizeof(drv_names) / sizeof(drv_names[0])) {
        /* A driver of QEMU's list that is not modelled (its options are
         * not checked): refused as QEMU refuses one not built in. */
        error_setg(errp, "Unknown driver '%s'", drv);
        return NULL;
    }
    bs = xzalloc(sizeof(*bs));
    bs->fd = -1;
    bs->drv = (BlockDrv)i;
    bs->read_only = opt_bool(json_object_get(args, "read-only"), parent_ro);
    bs->force_share = opt_bool(json_object_get(args, "force-share"), false);
    bs->direct = opt_bool(json_object_get(cache, "direct"), false);
    bs->no_flush = opt_bool(json_object_get(cache, "no-flush"), false);
    /* A static copy of the (checked) value: args are the caller's. */
    dz = json_string_value(json_object_get(args, "detect-zeroes"));
    bs->detect_zeroes = "off";
    for (i = 0; dz && i < ARRAY_SIZE(detect_zeroes_names); i++) {
        if (!strcmp(dz, detect_zeroes_names[i])) {
            bs->detect_zeroes = detect_zeroes_names[i];
        }
    }
    /* raw: a filter of its file unless it has a window (QEMU reads the
     * options before it takes the child). */
    bs->filtered = opt_int(json_object_get(args, "offset"), 0) == 0 &&
                   !json_object_get(args, "size");
    bs->full_opts = json_object();
    json_object_set_new(bs->full_opts, "driver", json_string(drv));
    /*
     * A format's "file" child is opened before the node is, then the
     * node's own options are checked, it gets its name and takes the
     * child (permissions checked), and its driver opens it.
     */
    ok = bs->drv < DRV_RAW ||
         (child = open_child(json_object_get(args, "file"), args, bs->read_only,
                             errp)) != NULL;
    if (ok && bs->force_share && !bs->read_only) {
        error_setg(errp,
                   "force-share=on can only be used with read-only images");
        ok = false;
    }
    ok = ok && assign_node_name(bs, name, errp);
    ok = ok && (!child || attach_file_child(bs, child, errp));
    if (ok) {
        switch (bs->drv) {
        case DRV_FILE:
            ok = open_file(
                bs, args,
                opt_bool(json_object_get(args, "auto-read-only"), false), errp);
            break;
        case DRV_NULL_CO:
        case DRV_NULL_AIO:
            ok = open_null(bs, args, errp);
            break;
        case DRV_RAW:
            ok = open_raw(bs, args, errp);
            break;
        default:
            ok = open_qcow2(bs, errp);
            break;
        }
    }
    if (!ok) {
        BdrvChild *file = bs->file;

        bs->file = NULL;
        if (file) {
            edge_detach(file);
        } else if (child) {
            node_release_if_unused(child);
        }
        node_free(bs);
        return NULL;
    }
    /* QEMU counts in sectors: lengths are rounded up. */
    bs->size = (bs->size + SECTOR - 1) / SECTOR * SECTOR;
    bs->next = nodes;
    nodes = bs;
    return bs;
}

bool block_blockdev_add(json_t *args, Error **errp)
{
    BlockNode *bs = node_open(args, true, false, errp);

    if (!bs) {
        return false;
    }
    bs->monitor_owned = true;
    return true;
}

BlockNode *block_node_open_unowned(json_t *args, Error **errp)
{
    return node_open(args, false, false, errp);
}

static bool node_has_root_parent(const BlockNode *bs)
{
    const BdrvChild *c;

    for (c = bs->parents; c; c = c->next_parent) {
        if (!c->parent) {
            return true;
        }
    }
    return false;
}

bool block_blockdev_del(const char *node_name, Error **errp)
{
    BlockNode *bs = block_node_find(node_name);

    if (!bs) {
        error_setg(errp, "Failed to find node with node-name='%s'", node_name);
        return false;
    }
    if (node_has_root_parent(bs)) {
        error_setg(errp, "Node %s is in use", node_name);
        return false;
    }
    if (!bs->monitor_owned) {
        error_setg(errp, "Node %s is not owned by the monitor", node_name);
        return false;
    }
    if (bs->parents) {
        error_setg(errp, "Block device %s is in use", node_name);
        return false;
    }
    bs->monitor_owned = false;
    node_release_if_unused(bs);
    return true;
}

/* ---- Description ---- */

static void append_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', out);
        }
        fputc(*s, out);
    }
    fputc('"', out);
}

/* v as QEMU's qobject_to_json writes a QDict: members in hash order. */
static void append_qdict_json(FILE *out, json_t *v)
{
    if (json_is_object(v)) {
        size_t n, i;
        const char **keys = json_qdict_order(v, &n);

        fputc('{', out);
        for (i = 0; i < n; i++) {
            fputs(i ? ", " : "", out);
            append_json_string(out, keys[i]);
            fputs(": ", out);
            append_qdict_json(out, json_object_get(v, keys[i]));
        }
        fputc('}', out);
        free(keys);
    } else if (json_is_string(v)) {
        append_json_string(out, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(out, "%lld", (long long)json_integer_value(v));
    } else {
        fputs(json_is_true(v) ? "true" : "false", out);
    }
}

static char *node_filename(BlockNode *bs)
{
    FILE *out;
    char *buf = NULL;
    size_t len = 0;

    if (bs->exact_filename) {
        return xstrdup(bs->exact_filename);
    }
    out = open_memstream(&buf, &len);
    fputs("json:", out);
    append_qdict_json(out, bs->full_opts);
    fclose(out);
    return buf;
}

/* The file a node's data ends up in, or NULL (the null drivers). */
static BlockNode *node_protocol(BlockNode *bs)
{
    while (bs->file) {
        bs = bs->file->bs;
    }
    return bs->drv == DRV_FILE ? bs : NULL;
}

static json_t *node_image_info(BlockNode *bs, const char *filename)
{
    BlockNode *proto = node_protocol(bs);
    json_t *img = json_object();
    int64_t actual = 0;

    if (proto) {
        struct stat st;

        if (fstat(proto->fd, &st) == 0) {
            actual = (int64_t)st.st_blocks * 512;
        }
        json_object_set_new(img, "dirty-flag", json_false());
    }
    json_object_set_new(img, "virtual-size", json_integer(bs->size));
    json_object_set_new(img, "filename", json_string(filename));
    json_object_set_new(img, "format", json_string(drv_names[bs->drv]));
    json_object_set_new(img, "actual-size", json_integer(actual));
    if (bs->drv == DRV_QCOW2) {
        json_t *data = json_object();

        json_object_set_new(img, "cluster-size",
                            json_integer(1 << bs->cluster_bits));
        json_object_set_new(data, "compat",
                            json_string(bs->version == 2 ? "0.10" : "1.1"));
        json_object_set_new(
            data, "compression-type",
            json_string(bs->compression_type ? "zstd" : "zlib"));
        json_object_set_new(data, "refcount-bits",
                            json_integer(bs->refcount_bits));
        if (bs->version == 3) {
            json_object_set_new(data, "lazy-refcounts",
                                json_boolean(bs->lazy_refcounts));
            json_object_set_new(data, "corrupt", json_boolean(bs->corrupt));
            json_object_set_new(data, "extended-l2",
                                json_boolean(bs->extended_l2));
        }
        json_object_set_new(
            img, "format-specific",
            json_pack("{s:s,s:o}", "type", "qcow2", "data", data));
    }
    return img;
}

json_t *block_node_info(BlockNode *bs, bool writeback, json_t *limits)
{
    char *filename = node_filename(bs);
    json_t *info = json_object();
    /* BlockDeviceInfo's members from "bps" on: the rates, then after
     * "image" the optional limits. */
    static const char *const rates[] = { "bps",     "bps_rd",  "bps_wr", "iops",
                                         "iops_rd", "iops_wr", NULL };
    static const char *const optional[] = { "bps_max",
                                            "bps_rd_max",
                                            "bps_wr_max",
                                            "iops_max",
                                            "iops_rd_max",
                                            "iops_wr_max",
                                            "bps_max_length",
                                            "bps_rd_max_length",
                                            "bps_wr_max_length",
                                            "iops_max_length",
                                            "iops_rd_max_length",
                                            "iops_wr_max_length",
                                            "iops_size",
                                            "group",
                                            NULL };
    const char *const *k;

    /* Built in QAPI's member order, as QEMU's output visitor does. */
    json_object_set_new(info, "file", json_string(filename));
    json_object_set_new(info, "node-name", json_string(bs->node_name));
    json_object_set_new(info, "ro", json_boolean(bs->read_only));
    json_object_set_new(info, "drv", json_string(drv_names[bs->drv]));
    json_object_set_new(info, "backing_file_depth", json_integer(0));
    json_object_set_new(info, "encrypted", json_false());
    json_object_set_new(info, "detect_zeroes", json_string(bs->detect_zeroes));
    for (k = rates; *k; k++) {
        json_t *v = limits ? json_object_get(limits, *k) : NULL;

        json_object_set_new(info, *k, v ? json_incref(v) : json_integer(0));
    }
    json_object_set_new(info, "image", node_image_info(bs, filename));
    for (k = optional; limits && *k; k++) {
        json_t *v = json_object_get(limits, *k);

        if (v) {
            json_object_set(info, *k, v);
        }
    }
    json_object_set_new(info, "cache",
                        json_pack("{s:b,s:b,s:b}", "no-flush", bs->no_flush,
                                  "direct", bs->direct, "writeback",
                                  writeback));
    json_object_set_new(info, "write_threshold", json_integer(0));
    free(filename);
    return info;
}

json_t *block_query_named_nodes(bool flat)
{
    json_t *list = json_array();
    BlockNode *bs;

    (void)flat; /* no node has a backing image to leave out */
    for (bs = nodes; bs; bs = bs->next) {
        json_array_append_new(list, block_node_info(bs, true, NULL));
    }
    return list;
}

json_t *block_device_stats(bool account_invalid, bool account_failed)
{
    /* BlockDeviceStats in QAPI member order: no I/O ever happens, so
     * every count and time is 0 and there is no idle time. */
    static const char *const counts[] = { "rd_bytes",
                                          "wr_bytes",
                                          "unmap_bytes",
                                          "rd_operations",
                                          "wr_operations",
                                          "flush_operations",
                                          "unmap_operations",
                                          "rd_total_time_ns",
                                          "wr_total_time_ns",
                                          "flush_total_time_ns",
                                          "unmap_total_time_ns",
                                          "wr_highest_offset",
                                          "rd_merged",
                                          "wr_merged",
                                          "unmap_merged",
                                          "failed_rd_operations",
                                          "failed_wr_operations",
                                          "failed_flush_operations",
                                          "failed_unmap_operations",
                                          "invalid_rd_operations",
                                          "invalid_wr_operations",
                                          "invalid_flush_operations",
                                          "invalid_unmap_operations",
                                          NULL };
    json_t *stats = json_object();
    const char *const *k;

    for (k = counts; *k; k++) {
        json_object_set_new(stats, *k, json_integer(0));
    }
    json_object_set_new(stats, "account_invalid",
                        json_boolean(account_invalid));
    json_object_set_new(stats, "account_failed", json_boolean(account_failed));
    json_object_set_new(stats, "timed_stats", json_array());
    return stats;
}

json_t *block_node_stats(BlockNode *bs, json_t *stats)
{
    json_t *s = json_object();

    if (bs->node_name && *bs->node_name) {
        json_object_set_new(s, "node-name", json_string(bs->node_name));
    }
    json_object_set_new(s, "stats",
                        stats ? stats : block_device_stats(false, false));
    if (bs->drv == DRV_FILE) {
        json_object_set_new(s, "driver-specific",
                            json_pack("{s:s,s:i,s:i,s:i}", "driver",
                                      drv_names[bs->drv], "discard-nb-ok", 0,
                                      "discard-nb-failed", 0,
                                      "discard-bytes-ok", 0));
    }
    /* The one data child: raw's and qcow2's file. */
    if (bs->file) {
        json_object_set_new(s, "parent", block_node_stats(bs->file->bs, NULL));
    }
    return s;
}

json_t *block_query_node_stats(void)
{
    json_t *list = json_array();
    BlockNode *bs;

    /* Oldest first (the list keeps the newest first). */
    for (bs = nodes; bs; bs = bs->next) {
        json_array_insert_new(list, 0, block_node_stats(bs, NULL));
    }
    return list;
}
