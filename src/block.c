/*
 * Block nodes (see block.h), after QEMU 7.2's block.c, block/file-posix.c,
 * block/null.c, block/raw-format.c and block/qcow2.c as far as opening,
 * naming, deleting and describing nodes goes.
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

typedef enum BlockDrv {
    DRV_FILE,
    DRV_NULL_CO,
    DRV_NULL_AIO,
    DRV_RAW,
    DRV_QCOW2,
} BlockDrv;

static const char *const drv_names[] = { "file", "null-co", "null-aio", "raw",
                                         "qcow2" };

struct BlockNode {
    char *node_name;
    BlockDrv drv;
    bool monitor_owned; /* a blockdev-add root */
    bool read_only;
    int fd; /* file */
    int64_t size; /* bytes, rounded up to a sector */
    BlockNode *file; /* raw, qcow2: the "file" child */
    unsigned parents; /* nodes having it as child */
    char *device; /* the qdev path of the device holding it, or NULL */
    /* The options that make the node what it is (QEMU's full open
     * options): the driver, its own options and the child's. */
    json_t *full_opts;
    /* The plain file name when there is one (QEMU's exact_filename). */
    char *exact_filename;
    bool direct, no_flush;
    const char *detect_zeroes;
    /* raw */
    int64_t offset;
    /* qcow2 */
    uint32_t version;
    int cluster_size;
    int refcount_bits;
    bool lazy_refcounts, corrupt, extended_l2;
    int compression_type;
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

static void node_free(BlockNode *bs)
{
    if (bs->fd >= 0) {
        close(bs->fd);
    }
    free(bs->node_name);
    free(bs->exact_filename);
    free(bs->device);
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

/* Drops a reference a parent held on bs: a node no longer used and not
 * the monitor's goes with its own children. */
static void node_unref(BlockNode *bs)
{
    bs->parents--;
    if (!bs->parents && !bs->monitor_owned && !bs->device) {
        BlockNode *child = bs->file;

        node_unlink(bs);
        node_free(bs);
        if (child) {
            node_unref(child);
        }
    }
}

/* Reads len bytes at offset of bs's data (zeros past the end and on the
 * null drivers); false with errno on a host error. */
static bool node_pread(BlockNode *bs, void *buf, size_t len, int64_t offset)
{
    memset(buf, 0, len);
    switch (bs->drv) {
    case DRV_FILE: {
        ssize_t n = pread(bs->fd, buf, len, offset);

        return n >= 0;
    }
    case DRV_RAW:
        return node_pread(bs->file, buf, len, offset + bs->offset);
    default:
        return true;
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static bool open_file(BlockNode *bs, json_t *args, bool auto_ro, Error **errp)
{
    const char *filename = json_string_value(json_object_get(args, "filename"));
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
    int64_t real_size = bs->file->size;
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
    if (!off && !size && bs->file->exact_filename) {
        bs->exact_filename = xstrdup(bs->file->exact_filename);
    }
    return true;
}

static bool open_qcow2(BlockNode *bs, Error **errp)
{
    uint8_t h[112];
    uint32_t cluster_bits, header_length;
    uint64_t incompat, compat;

    if (!node_pread(bs->file, h, sizeof(h), 0)) {
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
    bs->cluster_size = 1 << cluster_bits;
    bs->size = (int64_t)be64(h + 24);
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
    if (bs->file->exact_filename) {
        bs->exact_filename = xstrdup(bs->file->exact_filename);
    }
    return true;
}

static BlockNode *node_open(json_t *args, bool root, bool parent_ro,
                            Error **errp);

/* The "file" child: a node name, or options of a node made inline. */
static bool open_child(BlockNode *bs, json_t *ref, Error **errp)
{
    if (json_is_string(ref)) {
        BlockNode *c = block_node_find(json_string_value(ref));

        if (!c) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                       json_string_value(ref), json_string_value(ref));
            return false;
        }
        bs->file = c;
    } else {
        bs->file = node_open(ref, false, bs->read_only, errp);
        if (!bs->file) {
            return false;
        }
    }
    bs->file->parents++;
    json_object_set(bs->full_opts, "file", bs->file->full_opts);
    return true;
}

static BlockNode *node_open(json_t *args, bool root, bool parent_ro,
                            Error **errp)
{
    const char *drv = json_string_value(json_object_get(args, "driver"));
    const char *name = json_string_value(json_object_get(args, "node-name"));
    json_t *cache = json_object_get(args, "cache");
    BlockNode *bs;
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
    bs->direct = opt_bool(json_object_get(cache, "direct"), false);
    bs->no_flush = opt_bool(json_object_get(cache, "no-flush"), false);
    bs->detect_zeroes =
        json_string_value(json_object_get(args, "detect-zeroes"));
    if (!bs->detect_zeroes) {
        bs->detect_zeroes = "off";
    }
    bs->full_opts = json_object();
    json_object_set_new(bs->full_opts, "driver", json_string(drv));
    /* A format's "file" child is opened before the node gets its name. */
    ok = bs->drv < DRV_RAW ||
         open_child(bs, json_object_get(args, "file"), errp);
    ok = ok && assign_node_name(bs, name, errp);
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
        BlockNode *child = bs->file;

        node_free(bs);
        if (child) {
            node_unref(child);
        }
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

bool block_blockdev_del(const char *node_name, Error **errp)
{
    BlockNode *bs = block_node_find(node_name);

    if (!bs) {
        error_setg(errp, "Failed to find node with node-name='%s'", node_name);
        return false;
    }
    if (bs->device) {
        error_setg(errp,
                   "Node '%s' is busy: node is used as backing hd of '%s'",
                   node_name, bs->device);
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
    bs->parents = 1;
    bs->monitor_owned = false;
    node_unref(bs);
    return true;
}

bool block_node_attach(BlockNode *bs, const char *qdev_path, Error **errp)
{
    (void)errp;
    bs->device = xstrdup(qdev_path);
    return true;
}

void block_node_detach(BlockNode *bs)
{
    free(bs->device);
    bs->device = NULL;
    bs->parents++;
    node_unref(bs);
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
        bs = bs->file;
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
                            json_integer(bs->cluster_size));
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

/* BlockDeviceInfo. */
static json_t *node_info(BlockNode *bs)
{
    char *filename = node_filename(bs);
    json_t *info = json_object();
    static const char *const zero[] = { "iops_rd",
                                        "iops_wr",
                                        "iops",
                                        "bps_wr",
                                        "write_threshold",
                                        "bps",
                                        "bps_rd",
                                        "backing_file_depth",
                                        NULL };
    const char *const *k;

    for (k = zero; *k; k++) {
        json_object_set_new(info, *k, json_integer(0));
    }
    json_object_set_new(info, "detect_zeroes", json_string(bs->detect_zeroes));
    json_object_set_new(info, "image", node_image_info(bs, filename));
    json_object_set_new(info, "ro", json_boolean(bs->read_only));
    json_object_set_new(info, "node-name", json_string(bs->node_name));
    json_object_set_new(info, "drv", json_string(drv_names[bs->drv]));
    json_object_set_new(info, "encrypted", json_false());
    json_object_set_new(info, "cache",
                        json_pack("{s:b,s:b,s:b}", "no-flush", bs->no_flush,
                                  "direct", bs->direct, "writeback", 1));
    json_object_set_new(info, "file", json_string(filename));
    free(filename);
    return info;
}

json_t *block_query_named_nodes(bool flat)
{
    json_t *list = json_array();
    BlockNode *bs;

    (void)flat; /* no node has a backing image to leave out */
    for (bs = nodes; bs; bs = bs->next) {
        json_array_append_new(list, node_info(bs));
    }
    return list;
}

json_t *block_query_block(void)
{
    json_t *list = json_array();
    BlockNode *bs;

    for (bs = nodes; bs; bs = bs->next) {
        if (bs->device) {
            json_t *info = json_object();

            json_object_set_new(info, "device", json_string(""));
            json_object_set_new(info, "qdev", json_string(bs->device));
            json_object_set_new(info, "type", json_string("unknown"));
            json_object_set_new(info, "removable", json_false());
            json_object_set_new(info, "locked", json_false());
            json_object_set_new(info, "inserted", node_info(bs));
            json_array_append_new(list, info);
        }
    }
    return list;
}
