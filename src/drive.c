/* -drive; see drive.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block-backend.h"
#include "block.h"
#include "drive.h"
#include "json-value.h"
#include "options-report.h"
#include "util.h"

#define QCOW2_MAGIC "QFI\xfb"

static const char *const if_names[IF_COUNT] = { "none",   "ide",    "scsi",
                                                "floppy", "pflash", "mtd",
                                                "sd",     "virtio", "xen" };
/* Units per bus (0: one bus of any number). */
static const int if_max_devs[IF_COUNT] = { [IF_IDE] = 2, [IF_SCSI] = 7 };

/*
 * Drives a board device would have to claim (if=scsi: on pc no onboard
 * controller does), with their option text, until the board is built.
 */
typedef struct Unclaimed {
    BlockBackend *blk;
    char *arg;
    BlockInterfaceType type;
    int bus, unit;
} Unclaimed;

static Unclaimed *unclaimed;
static size_t n_unclaimed;

/* The options blockdev_init keeps for itself (QEMU's common drive opts). */
static const char *const common_opts[] = {
    "snapshot",
    "aio",
    "cache.writeback",
    "format",
    "rerror",
    "werror",
    "read-only",
    "detect-zeroes",
    "stats-account-invalid",
    "stats-account-failed",
};

/* Options of the format node (BlockdevOptions' common members). */
static const char *const node_opts[] = {
    "node-name",      "discard",       "cache.direct",
    "cache.no-flush", "read-only",     "auto-read-only",
    "force-share",    "detect-zeroes", "copy-on-read",
};
/* raw's own. */
static const char *const raw_opts[] = { "offset", "size" };
/* The file driver's own (its child has the common ones too). */
static const char *const file_opts[] = {
    "filename",       "locking",        "aio",
    "aio-max-batch",  "pr-manager",     "x-check-cache-dropped",
    "drop-cache",     "node-name",      "discard",
    "cache.direct",   "cache.no-flush", "read-only",
    "auto-read-only", "force-share",    "detect-zeroes",
    "driver",
};

static bool in_list(const char *key, const char *const *list, size_t n)
{
    return str_in_list(key, list, n);
}

/* QemuOpts' booleans. */
static bool parse_bool(const char *name, const char *v, bool *out, Error **errp)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") ||
        !strcmp(v, "y")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") ||
        !strcmp(v, "n")) {
        *out = false;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

static bool opt_bool(json_t *opts, const char *name, bool dflt, bool *out,
                     Error **errp)
{
    const char *v = json_string_value(json_object_get(opts, name));

    *out = dflt;
    return !v || parse_bool(name, v, out, errp);
}

/* QemuOpts' numbers (-1 when absent). */
static bool opt_number(json_t *opts, const char *name, long long *out,
                       Error **errp)
{
    const char *v = json_string_value(json_object_get(opts, name));
    char *end;

    *out = -1;
    if (!v) {
        return true;
    }
    errno = 0;
    *out = strtoll(v, &end, 0);
    if (errno || end == v || *end || *out < 0) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    return true;
}

/* bdrv_parse_cache_mode: writeback, direct, no-flush. */
static bool parse_cache(const char *mode, bool *wb, bool *direct, bool *nf)
{
    static const struct {
        const char *name;
        bool wb, direct, nf;
    } modes[] = {
        { "off", true, true, false },
        { "none", true, true, false },
        { "directsync", false, true, false },
        { "writeback", true, false, false },
        { "unsafe", true, false, true },
        { "writethrough", false, false, false },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(modes); i++) {
        if (!strcmp(mode, modes[i].name)) {
            *wb = modes[i].wb;
            *direct = modes[i].direct;
            *nf = modes[i].nf;
            return true;
        }
    }
    return false;
}

static bool check_error_action(const char *v, bool is_read, Error **errp)
{
    if (!v || !strcmp(v, "ignore") || !strcmp(v, "stop") ||
        !strcmp(v, "report") || (!is_read && !strcmp(v, "enospc"))) {
        return true;
    }
    error_setg(errp, "'%s' invalid %s error action", v,
               is_read ? "read" : "write");
    return false;
}

/* The format a file's first bytes show (qcow2, else raw). */
static const char *probe_format(const char *filename)
{
    char magic[4];
    int fd = open(filename, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return "raw";
    }
    n = pread(fd, magic, sizeof(magic), 0);
    close(fd);
    return n == 4 && !memcmp(magic, QCOW2_MAGIC, 4) ? "qcow2" : "raw";
}

/* A -drive value as blockdev-add's typed one (booleans, integers). */
static json_t *typed_value(const char *key, const char *v, Error **errp)
{
    static const char *const bools[] = {
        "cache.direct", "cache.no-flush", "read-only",  "auto-read-only",
        "force-share",  "copy-on-read",   "drop-cache", "x-check-cache-dropped",
    };
    static const char *const ints[] = { "offset", "size", "aio-max-batch" };
    const char *leaf = strrchr(key, '.') && strncmp(key, "cache.", 6) != 0
                           ? strrchr(key, '.') + 1
                           : key;

    if (in_list(leaf, bools, ARRAY_SIZE(bools))) {
        bool b;

        return parse_bool(key, v, &b, errp) ? json_boolean(b) : NULL;
    }
    if (in_list(leaf, ints, ARRAY_SIZE(ints))) {
        char *end;
        long long n;

        errno = 0;
        n = strtoll(v, &end, 0);
        if (errno || end == v || *end) {
            error_setg(errp, "Parameter '%s' expects integer", key);
            return NULL;
        }
        return json_integer(n);
    }
    return json_text(v);
}

/* Sets key (dotted for cache.*) in dict. */
static void set_path(json_t *dict, const char *key, json_t *v)
{
    if (!strncmp(key, "cache.", 6)) {
        json_t *cache = json_object_get(dict, "cache");

        if (!cache) {
            cache = json_object();
            json_object_set_new(dict, "cache", cache);
        }
        json_object_set_new(cache, key + 6, v);
    } else {
        json_object_set_new(dict, key, v);
    }
}

/*
 * The format node's blockdev-add arguments for what is left of the
 * options: its own and file.* for its child; the child inherits the
 * cache mode, read-only and auto-read-only (QEMU's inherited options).
 */
static json_t *node_args(json_t *bs_opts, const char *format,
                         const char *filename, char **unknown, Error **errp)
{
    static const char *const inherited[] = { "cache.direct", "cache.no-flush",
                                             "read-only", "auto-read-only" };
    json_t *args = json_object(), *file = json_object();
    const char **keys;
    size_t n, i;
    bool raw = !strcmp(format, "raw");

    json_object_set_new(args, "driver", json_string(format));
    json_object_set_new(file, "driver", json_string("file"));
    if (filename) {
        json_object_set_new(file, "filename", json_text(filename));
    }
    keys = json_qdict_order(bs_opts, &n);
    for (i = 0; i < n; i++) {
        const char *key = keys[i];
        const char *v = json_string_value(json_object_get(bs_opts, key));
        json_t *tv;

        if (!strncmp(key, "file.", 5)) {
            if (!in_list(key + 5, file_opts, ARRAY_SIZE(file_opts))) {
                error_setg(errp,
                           "Block protocol 'file' doesn't support the option "
                           "'%s'",
                           key + 5);
                goto fail;
            }
            if (!strcmp(key + 5, "driver") && strcmp(v, "file")) {
                error_setg(errp, "'%s' is not supported by %s for -drive", key,
                           OPTIONS_PROGNAME);
                goto fail;
            }
            tv = typed_value(key + 5, v, errp);
            if (!tv) {
                goto fail;
            }
            set_path(file, key + 5, tv);
            continue;
        }
        if (!in_list(key, node_opts, ARRAY_SIZE(node_opts)) &&
            !(raw && in_list(key, raw_opts, ARRAY_SIZE(raw_opts)))) {
            /* Refused once the node is open, as QEMU finds it left over. */
            if (!*unknown) {
                *unknown = xstrdup(key);
            }
            continue;
        }
        tv = typed_value(key, v, errp);
        if (!tv) {
            goto fail;
        }
        if (in_list(key, inherited, ARRAY_SIZE(inherited))) {
            char *fk = xasprintf("file.%s", key);

            if (!json_object_get(bs_opts, fk)) {
                set_path(file, key, json_deep_copy(tv));
            }
            free(fk);
        }
        set_path(args, key, tv);
    }
    free(keys);
    json_object_set_new(args, "file", file);
    return args;

fail:
    free(keys);
    json_decref(file);
    json_decref(args);
    return NULL;
}

/* Removes key from opts into the legacy/common set, returning its value
 * (borrowed from out) or NULL. */
static const char *take(json_t *opts, json_t *out, const char *key)
{
    json_t *v = json_object_get(opts, key);

    if (!v) {
        return NULL;
    }
    json_object_set(out, key, v);
    json_object_del(opts, key);
    return json_string_value(json_object_get(out, key));
}

/* QEMU's blockdev_init: the BlockBackend and its nodes. */
static BlockBackend *blockdev_init(const char *id, const char *file,
                                   json_t *bs_opts, Error **errp)
{
    static const char *const aio_modes[] = { "threads", "native", "io_uring" };
    static const char *const dz_modes[] = { "off", "on", "unmap" };
    json_t *common = json_object(), *args = NULL;
    const char *format, *aio, *dz;
    char *unknown = NULL;
    bool wb, snapshot, read_only, probed = false;
    bool account_invalid, account_failed;
    BlockBackend *blk = NULL;
    BlockNode *bs;
    const char *key;
    json_t *k;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(common_opts); i++) {
        take(bs_opts, common, common_opts[i]);
    }
    if (!opt_bool(common, "snapshot", false, &snapshot, errp) ||
        !opt_bool(common, "stats-account-invalid", true, &account_invalid,
                  errp) ||
        !opt_bool(common, "stats-account-failed", true, &account_failed,
                  errp) ||
        !opt_bool(common, "cache.writeback", true, &wb, errp)) {
        goto out;
    }
    if (snapshot) {
        error_setg(errp, "snapshot=on is not supported by %s",
                   OPTIONS_PROGNAME);
        goto out;
    }
    aio = json_string_value(json_object_get(common, "aio"));
    if (aio && !str_in_list(aio, aio_modes, ARRAY_SIZE(aio_modes))) {
        error_setg(errp, "invalid aio option");
        goto out;
    }
    dz = json_string_value(json_object_get(common, "detect-zeroes"));
    if (dz && !str_in_list(dz, dz_modes, ARRAY_SIZE(dz_modes))) {
        error_setg(errp, "invalid parameter value: %s", dz);
        goto out;
    }
    json_object_foreach (bs_opts, key, k) {
        if (!strncmp(key, "throttling.", 11)) {
            error_setg(errp, "throttling is not supported by %s",
                       OPTIONS_PROGNAME);
            goto out;
        }
    }
    format = json_string_value(json_object_get(common, "format"));
    if (format && json_object_get(bs_opts, "driver")) {
        error_setg(errp, "Cannot specify both 'driver' and 'format'");
        goto out;
    }
    if (!check_error_action(
            json_string_value(json_object_get(common, "werror")), false,
            errp) ||
        !check_error_action(
            json_string_value(json_object_get(common, "rerror")), true, errp)) {
        goto out;
    }
    if (!opt_bool(common, "read-only", false, &read_only, errp)) {
        goto out;
    }
    json_object_del(bs_opts, "copy-on-read");
    if ((!file || !*file) && !json_object_size(bs_opts) && !format) {
        blk = blk_new(0, BLK_PERM_ALL);
        blk_set_read_only_when_empty(blk, read_only);
    } else {
        if (json_object_get(bs_opts, "driver")) {
            error_setg(errp, "'driver' is not supported by %s for -drive",
                       OPTIONS_PROGNAME);
            goto out;
        }
        if (!file || !*file) {
            if (!json_object_get(bs_opts, "file.filename")) {
                error_setg(errp,
                           "A block device must be specified for \"file\"");
                goto out;
            }
            file = NULL;
        }
        if (!format) {
            format = probe_format(file ? file
                                       : json_string_value(json_object_get(
                                             bs_opts, "file.filename")));
            probed = true;
        }
        if (strcmp(format, "raw") && strcmp(format, "qcow2")) {
            if (!strcmp(format, "file") || !strcmp(format, "null-co") ||
                !strcmp(format, "null-aio")) {
                error_setg(errp, "format=%s is not supported by %s for -drive",
                           format, OPTIONS_PROGNAME);
            } else {
                error_setg(errp, "Unknown driver '%s'", format);
            }
            goto out;
        }
        /* blockdev_init's defaults for bdrv_open. */
        if (!json_object_get(bs_opts, "cache.direct")) {
            json_object_set_new(bs_opts, "cache.direct", json_string("off"));
        }
        if (!json_object_get(bs_opts, "cache.no-flush")) {
            json_object_set_new(bs_opts, "cache.no-flush", json_string("off"));
        }
        json_object_set_new(bs_opts, "read-only",
                            json_string(read_only ? "on" : "off"));
        if (!json_object_get(bs_opts, "auto-read-only")) {
            json_object_set_new(bs_opts, "auto-read-only", json_string("on"));
        }
        if (dz) {
            json_object_set_new(bs_opts, "detect-zeroes", json_string(dz));
        }
        args = node_args(bs_opts, format, file, &unknown, errp);
        if (!args) {
            goto out;
        }
        if (aio && !strcmp(aio, "native") &&
            !json_is_true(
                json_object_get(json_object_get(args, "cache"), "direct"))) {
            error_setg(errp, "aio=native was specified, but it requires "
                             "cache.direct=on, which was not specified.");
            goto out;
        }
        bs = block_node_open_unowned(args, errp);
        if (!bs) {
            goto out;
        }
        if (probed && !strcmp(format, "raw") && !block_node_read_only(bs)) {
            fprintf(stderr,
                    "WARNING: Image format was not specified for '%s' and "
                    "probing guessed raw.\n"
                    "         Automatically detecting the format is dangerous "
                    "for raw images, write operations on block 0 will be "
                    "restricted.\n"
                    "         Specify the 'raw' format explicitly to remove "
                    "the restrictions.\n",
                    json_string_value(json_object_get(
                        json_object_get(args, "file"), "filename")));
        }
        /*
         * What blk_new_open takes (the flags it gets have no read-write:
         * that is an option here).  Its node goes with it on failure.
         */
        blk = blk_new(BLK_PERM_CONSISTENT_READ, BLK_PERM_ALL);
        if (!blk_insert_node(blk, bs, errp) || unknown) {
            if (unknown && blk_node(blk)) {
                error_setg(errp,
                           "Block format '%s' does not support the option "
                           "'%s'",
                           format, unknown);
            }
            blk_unref(blk);
            blk = NULL;
            goto out;
        }
    }
    blk_set_enable_write_cache(blk, wb);
    blk_set_account(blk, account_invalid, account_failed);
    if (!blk_monitor_add(blk, id, errp)) {
        blk_unref(blk);
        blk = NULL;
        goto out;
    }
    /* The monitor's reference is the one that stays. */
    blk_unref(blk);
out:
    free(unknown);
    json_decref(args);
    json_decref(common);
    return blk;
}

bool drive_new(json_t *opts_in, const char *arg, json_t **devopts, Error **errp)
{
    json_t *opts = json_deep_copy(opts_in), *legacy = json_object();
    const char *v, *media, *ifname, *file;
    BlockInterfaceType type = IF_IDE;
    long long bus, unit, index;
    int max_devs;
    bool read_only = false, cor, wb, direct, nf, ok = false;
    char *id = NULL;
    BlockBackend *blk;
    static const char *const legacy_opts[] = {
        "bus",  "unit",      "index",  "media",  "if",
        "file", "read-only", "rerror", "werror", "copy-on-read"
    };
    size_t i;

    *devopts = NULL;
    if (json_object_get(opts, "readonly")) {
        if (json_object_get(opts, "read-only")) {
            error_setg(errp,
                       "'%s' and its alias '%s' can't be used at the same "
                       "time",
                       "read-only", "readonly");
            goto out;
        }
        json_object_set(opts, "read-only", json_object_get(opts, "readonly"));
        json_object_del(opts, "readonly");
    }
    v = json_string_value(json_object_get(opts, "cache"));
    if (v) {
        if (!parse_cache(v, &wb, &direct, &nf)) {
            error_setg(errp, "invalid cache option");
            goto out;
        }
        if (!json_object_get(opts, "cache.writeback")) {
            json_object_set_new(opts, "cache.writeback",
                                json_string(wb ? "on" : "off"));
        }
        if (!json_object_get(opts, "cache.direct")) {
            json_object_set_new(opts, "cache.direct",
                                json_string(direct ? "on" : "off"));
        }
        if (!json_object_get(opts, "cache.no-flush")) {
            json_object_set_new(opts, "cache.no-flush",
                                json_string(nf ? "on" : "off"));
        }
        json_object_del(opts, "cache");
    }
    id = json_string_value(json_object_get(opts, "id"))
             ? xstrdup(json_string_value(json_object_get(opts, "id")))
             : NULL;
    json_object_del(opts, "id");
    for (i = 0; i < ARRAY_SIZE(legacy_opts); i++) {
        take(opts, legacy, legacy_opts[i]);
    }
    if (!opt_number(legacy, "bus", &bus, errp) ||
        !opt_number(legacy, "unit", &unit, errp) ||
        !opt_number(legacy, "index", &index, errp) ||
        !opt_bool(legacy, "read-only", false, &read_only, errp) ||
        !opt_bool(legacy, "copy-on-read", false, &cor, errp)) {
        goto out;
    }
    media = json_string_value(json_object_get(legacy, "media"));
    if (media && strcmp(media, "disk")) {
        if (strcmp(media, "cdrom")) {
            error_setg(errp, "'%s' invalid media", media);
            goto out;
        }
        read_only = true;
    }
    if (read_only && cor) {
        options_report("-drive", arg,
                       "warning: disabling copy-on-read on read-only drive");
    }
    json_object_set_new(opts, "read-only",
                        json_string(read_only ? "on" : "off"));
    ifname = json_string_value(json_object_get(legacy, "if"));
    if (ifname) {
        for (type = IF_NONE; type < IF_COUNT && strcmp(ifname, if_names[type]);
             type++) {
        }
        if (type == IF_COUNT) {
            error_setg(errp, "unsupported bus type '%s'", ifname);
            goto out;
        }
    }
    if (type != IF_NONE && type != IF_VIRTIO && type != IF_SCSI) {
        error_setg(errp, "if=%s is not supported by %s", if_names[type],
                   OPTIONS_PROGNAME);
        goto out;
    }
    max_devs = if_max_devs[type];
    if (bus < 0) {
        bus = 0;
    }
    if (index != -1) {
        if (bus != 0 || unit != -1) {
            error_setg(errp, "index cannot be used with bus and unit");
            goto out;
        }
        bus = max_devs ? index / max_devs : 0;
        unit = max_devs ? index % max_devs : index;
    }
    if (unit == -1) {
        unit = 0;
        while (blk_legacy_find(type, (int)bus, (int)unit)) {
            unit++;
            if (max_devs && unit >= max_devs) {
                unit -= max_devs;
                bus++;
            }
        }
    }
    if (max_devs && unit >= max_devs) {
        error_setg(errp, "unit %lld too big (max is %d)", unit, max_devs - 1);
        goto out;
    }
    if (blk_legacy_find(type, (int)bus, (int)unit)) {
        error_setg(errp, "drive with bus=%lld, unit=%lld (index=%lld) exists",
                   bus, unit, index);
        goto out;
    }
    if (!id) {
        /* IDE and SCSI ids say the medium: "scsi0-hd0", "scsi0-cd1". */
        const char *medium = "";

        if (type == IF_IDE || type == IF_SCSI) {
            medium = media && !strcmp(media, "cdrom") ? "-cd" : "-hd";
        }
        id = max_devs
                 ? xasprintf("%s%lld%s%lld", if_names[type], bus, medium, unit)
                 : xasprintf("%s%s%lld", if_names[type], medium, unit);
    }
    file = json_string_value(json_object_get(legacy, "file"));
    if (json_object_get(legacy, "werror")) {
        json_object_set(opts, "werror", json_object_get(legacy, "werror"));
    }
    if (json_object_get(legacy, "rerror")) {
        json_object_set(opts, "rerror", json_object_get(legacy, "rerror"));
    }
    blk = blockdev_init(id, file, opts, errp);
    if (!blk) {
        goto out;
    }
    blk_set_legacy_dinfo(blk, type, (int)bus, (int)unit);
    if (type == IF_SCSI) {
        unclaimed = xrealloc(unclaimed, (n_unclaimed + 1) * sizeof(*unclaimed));
        unclaimed[n_unclaimed++] =
            (Unclaimed){ blk, xstrdup(arg), type, (int)bus, (int)unit };
    }
    if (type == IF_VIRTIO) {
        *devopts = json_pack("{s:s, s:s}", "driver", "virtio-blk", "drive", id);
    }
    ok = true;
out:
    free(id);
    json_decref(legacy);
    json_decref(opts);
    return ok;
}

bool drive_check_orphaned(Error **errp)
{
    size_t i, last = n_unclaimed;
    bool ok = true;

    for (i = 0; i < n_unclaimed; i++) {
        if (!blk_get_attached_dev(unclaimed[i].blk)) {
            last = i;
        }
    }
    for (i = 0; i < n_unclaimed; i++) {
        Unclaimed *u = &unclaimed[i];

        if (!blk_get_attached_dev(u->blk)) {
            char *msg =
                xasprintf("machine type does not support if=%s,bus=%d,unit=%d",
                          if_names[u->type], u->bus, u->unit);

            if (i == last) {
                error_setg(errp, "-drive %s: %s", u->arg, msg);
                ok = false;
            } else {
                options_report("-drive", u->arg, msg);
            }
            free(msg);
        }
        free(u->arg);
    }
    free(unclaimed);
    unclaimed = NULL;
    n_unclaimed = 0;
    return ok;
}
