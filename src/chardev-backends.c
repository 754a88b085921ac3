/* Chardev objects, the simple backends and chardev-add/-remove; see
 * chardev-backends.h. */
#include "chardev-backends.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

Object *chardev_root(void)
{
    return container_get(object_get_root(), "/chardevs");
}

Chardev *chardev_find(const char *id)
{
    Object *obj = object_resolve_path_component(chardev_root(), id);

    return obj && object_dynamic_cast(obj, TYPE_CHARDEV) ? CHARDEV(obj) : NULL;
}

bool chardev_claim(Chardev *chr)
{
    if (chr->busy) {
        return false;
    }
    chr->busy = true;
    return true;
}

void chardev_release(Chardev *chr)
{
    chr->busy = false;
    chr->frontend_open = false;
}

/* ---- the qdev "chardev" property ---- */

static json_t *chr_prop_get(Object *obj, const Property *prop, Error **errp)
{
    Chardev *chr = *(Chardev **)((char *)obj + prop->offset);

    (void)errp;
    return json_text(chr ? object_get_canonical_path_component(OBJECT(chr))
                         : "");
}

static bool chr_prop_set(Object *obj, const Property *prop, json_t *value,
                         Error **errp)
{
    Chardev **ptr = (Chardev **)((char *)obj + prop->offset);
    const char *id;
    Chardev *chr;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    id = json_string_value(value);
    if (!*id) {
        return true;
    }
    chr = chardev_find(id);
    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, id);
        return false;
    }
    if (*ptr == chr) {
        return true;
    }
    if (!chardev_claim(chr)) {
        error_setg(errp,
                   "Property '%s.%s' can't take value '%s': "
                   "Device '%s' is in use",
                   object_get_typename(obj), prop->name, id, id);
        return false;
    }
    if (*ptr) {
        chardev_release(*ptr);
    }
    *ptr = chr;
    return true;
}

static void chr_prop_release(Object *obj, const Property *prop)
{
    Chardev **ptr = (Chardev **)((char *)obj + prop->offset);

    if (*ptr) {
        chardev_release(*ptr);
        *ptr = NULL;
    }
}

const PropertyInfo qdev_prop_chr = {
    .name = "str",
    .description = "ID of a chardev to use as a backend",
    .get = chr_prop_get,
    .set = chr_prop_set,
    .release = chr_prop_release,
};

/* ---- null, file, pty ---- */

static char *null_filename(Chardev *chr)
{
    (void)chr;
    return xstrdup("null");
}

static char *file_filename(Chardev *chr)
{
    (void)chr;
    return xstrdup("file");
}

static char *pty_filename(Chardev *chr)
{
    return xasprintf("pty:%s", chr->pty_name);
}

static void fds_close(Chardev *chr)
{
    if (chr->fd_out >= 0) {
        close(chr->fd_out);
    }
    if (chr->fd_in >= 0) {
        close(chr->fd_in);
    }
    chr->fd_out = chr->fd_in = -1;
}

/* The file backend opens as QEMU does: out created (appended to or
 * truncated), then in read-only. */
static bool file_open(Chardev *chr, json_t *data, const ChardevFdSource *fds,
                      Error **errp)
{
    const char *out = json_string_value(json_object_get(data, "out"));
    const char *in = json_string_value(json_object_get(data, "in"));
    int flags =
        O_WRONLY | O_CREAT | O_CLOEXEC |
        (json_is_true(json_object_get(data, "append")) ? O_APPEND : O_TRUNC);

    (void)fds;

    chr->fd_out = open(out, flags, 0666);
    if (chr->fd_out < 0) {
        error_setg(errp, "Could not open '%s': %s", out, strerror(errno));
        return false;
    }
    if (in) {
        chr->fd_in = open(in, O_RDONLY | O_CLOEXEC);
        if (chr->fd_in < 0) {
            error_setg(errp, "Could not open '%s': %s", in, strerror(errno));
            return false;
        }
    }
    return true;
}

/* A pseudo-terminal pair; the slave's name is the filename.  The master
 * is kept open (and its output discarded: nothing writes to it). */
static bool pty_open(Chardev *chr, json_t *data, const ChardevFdSource *fds,
                     Error **errp)
{
    (void)data;
    (void)fds;
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    const char *name;

    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 ||
        !(name = ptsname(fd))) {
        error_setg(errp, "Failed to create PTY: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    chr->fd_out = fd;
    chr->pty_name = xstrdup(name);
    return true;
}

static const struct {
    const char *kind;
    const char *type;
} backend_types[] = {
    { "null", TYPE_CHARDEV_NULL },
    { "file", TYPE_CHARDEV_FILE },
    { "pty", TYPE_CHARDEV_PTY },
    { "socket", "chardev-socket" },
};

static bool chardev_new(const char *id, json_t *backend,
                        const ChardevFdSource *fds, bool cmdline, json_t **ret,
                        Error **errp)
{
    const char *kind = json_string_value(json_object_get(backend, "type"));
    json_t *data = json_object_get(backend, "data");
    const char *type = NULL;
    Error *err = NULL;
    Object *obj;
    Chardev *chr;
    bool ok;

    if (object_resolve_path_component(chardev_root(), id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        return false;
    }
    for (size_t i = 0; kind && i < ARRAY_SIZE(backend_types); i++) {
        if (!strcmp(backend_types[i].kind, kind)) {
            type = backend_types[i].type;
        }
    }
    if (!type) {
        error_setg(errp,
                   "Failed to add chardev '%s': backend '%s' is not "
                   "modelled",
                   id, kind ? kind : "");
        return false;
    }
    obj = object_new(type);
    chr = CHARDEV(obj);
    ok = !CHARDEV_GET_CLASS(chr)->open ||
         CHARDEV_GET_CLASS(chr)->open(chr, data, fds, &err);
    if (!ok) {
        if (cmdline) {
            error_propagate(errp, err);
        } else {
            error_setg(errp, "Failed to add chardev '%s': %s", id,
                       error_get_pretty(err));
            error_free(err);
        }
        object_unref(obj);
        return false;
    }
    object_property_add_child(chardev_root(), id, obj);
    object_unref(obj);
    if (cmdline && chr->pty_name) {
        fprintf(stderr, "char device redirected to %s (label %s)\n",
                chr->pty_name, id);
    }
    *ret = chr->pty_name ? json_pack("{s:s}", "pty", chr->pty_name)
                         : json_object();
    return true;
}

bool chardev_add(const char *id, json_t *backend, const ChardevFdSource *fds,
                 json_t **ret, Error **errp)
{
    return chardev_new(id, backend, fds, false, ret, errp);
}

bool chardev_add_cmdline(const char *id, json_t *backend, Error **errp)
{
    json_t *ret = NULL;
    bool ok = chardev_new(id, backend, NULL, true, &ret, errp);

    json_decref(ret);
    return ok;
}

bool chardev_remove(const char *id, Error **errp)
{
    Chardev *chr = chardev_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    if (chr->busy) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    object_unparent(OBJECT(chr));
    return true;
}

typedef struct ForeachCtx {
    ChardevInfoFunc *fn;
    void *opaque;
} ForeachCtx;

static int foreach_one(Object *obj, void *opaque)
{
    ForeachCtx *ctx = opaque;
    Chardev *chr;
    char *name;

    if (!object_dynamic_cast(obj, TYPE_CHARDEV)) {
        return 0;
    }
    chr = CHARDEV(obj);
    name = CHARDEV_GET_CLASS(chr)->filename(chr);
    ctx->fn(object_get_canonical_path_component(obj), name, chr->frontend_open,
            ctx->opaque);
    free(name);
    return 0;
}

void chardev_foreach(ChardevInfoFunc *fn, void *opaque)
{
    ForeachCtx ctx = { fn, opaque };

    object_child_foreach(chardev_root(), foreach_one, &ctx);
}

/* ---- types ---- */

void chardev_instance_init(Object *obj)
{
    CHARDEV(obj)->fd_out = -1;
    CHARDEV(obj)->fd_in = -1;
}

void chardev_instance_finalize(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    fds_close(chr);
    free(chr->pty_name);
}

static void null_class_init(ObjectClass *k, void *data)
{
    (void)data;
    CHARDEV_CLASS(k)->filename = null_filename;
}

static void file_class_init(ObjectClass *k, void *data)
{
    (void)data;
    CHARDEV_CLASS(k)->filename = file_filename;
    CHARDEV_CLASS(k)->open = file_open;
}

static void pty_class_init(ObjectClass *k, void *data)
{
    (void)data;
    CHARDEV_CLASS(k)->filename = pty_filename;
    CHARDEV_CLASS(k)->open = pty_open;
}

static const TypeInfo backend_type_infos[] = {
    { .name = TYPE_CHARDEV_NULL,
      .parent = TYPE_CHARDEV,
      .class_init = null_class_init },
    { .name = TYPE_CHARDEV_FILE,
      .parent = TYPE_CHARDEV,
      .class_init = file_class_init },
    { .name = TYPE_CHARDEV_PTY,
      .parent = TYPE_CHARDEV,
      .class_init = pty_class_init },
};

void chardev_backends_register_types(void)
{
    type_register_static_array(backend_type_infos,
                               ARRAY_SIZE(backend_type_infos));
}
