/* See rng.h. */
#include "rng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user-creatable.h"
#include "util.h"

typedef struct RngBackendClass {
    ObjectClass parent_class;
    bool (*open)(RngBackend *rng, Error **errp);
} RngBackendClass;

#define RNG_BACKEND_GET_CLASS(obj)                                     \
    OBJECT_CLASS_CHECK(RngBackendClass, object_get_class(OBJECT(obj)), \
                       TYPE_RNG_BACKEND)

bool rng_backend_open(RngBackend *rng, Error **errp)
{
    RngBackendClass *k = RNG_BACKEND_GET_CLASS(rng);

    if (rng->opened) {
        return true;
    }
    if (k->open && !k->open(rng, errp)) {
        return false;
    }
    rng->opened = true;
    return true;
}

static bool rng_complete(Object *obj, Error **errp)
{
    return rng_backend_open(RNG_BACKEND(obj), errp);
}

static bool get_opened(Object *obj, Error **errp)
{
    (void)errp;
    return RNG_BACKEND(obj)->opened;
}

static void rng_instance_init(Object *obj)
{
    RNG_BACKEND(obj)->fd = -1;
}

static void rng_finalize(Object *obj)
{
    RngBackend *r = RNG_BACKEND(obj);

    if (r->fd >= 0) {
        close(r->fd);
    }
    free(r->filename);
    free(r->chardev);
}

static void rng_backend_class_init(ObjectClass *k, void *data)
{
    UserCreatableClass *uc =
        OBJECT_CLASS_CHECK(UserCreatableClass, k, TYPE_USER_CREATABLE);

    (void)data;
    uc->complete = rng_complete;
    object_class_property_add_bool(k, "opened", get_opened, NULL);
}

/* ---- rng-random ---- */

static bool random_open(RngBackend *r, Error **errp)
{
    r->fd = open(r->filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (r->fd < 0) {
        error_setg(errp, "Could not open '%s': %s", r->filename,
                   strerror(errno));
        return false;
    }
    return true;
}

static char *get_filename(Object *obj, Error **errp)
{
    (void)errp;
    return xstrdup(RNG_BACKEND(obj)->filename);
}

static bool set_filename(Object *obj, const char *v, Error **errp)
{
    RngBackend *r = RNG_BACKEND(obj);

    if (r->opened) {
        error_setg(errp, "Property 'filename' can no longer be set");
        return false;
    }
    free(r->filename);
    r->filename = xstrdup(v);
    return true;
}

static void random_instance_init(Object *obj)
{
    RNG_BACKEND(obj)->filename = xstrdup("/dev/urandom");
}

static void random_class_init(ObjectClass *k, void *data)
{
    (void)data;
    ((RngBackendClass *)k)->open = random_open;
    object_class_property_add_str(k, "filename", get_filename, set_filename);
}

/* ---- rng-egd ---- */

static bool egd_open(RngBackend *r, Error **errp)
{
    if (!r->chardev) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    if (!object_resolve_path_component(
            container_get(object_get_root(), "/chardevs"), r->chardev)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  r->chardev);
        return false;
    }
    /* Every chardev qmachined has is a monitor's or qtest's. */
    error_setg(errp, "Device '%s' is in use", r->chardev);
    return false;
}

static char *get_chardev(Object *obj, Error **errp)
{
    const char *c = RNG_BACKEND(obj)->chardev;

    (void)errp;
    return xstrdup(c ? c : "");
}

static bool set_chardev(Object *obj, const char *v, Error **errp)
{
    RngBackend *r = RNG_BACKEND(obj);

    if (r->opened) {
        error_setg(errp, "Property 'chardev' can no longer be set");
        return false;
    }
    free(r->chardev);
    r->chardev = xstrdup(v);
    return true;
}

static void egd_class_init(ObjectClass *k, void *data)
{
    (void)data;
    ((RngBackendClass *)k)->open = egd_open;
    object_class_property_add_str(k, "chardev", get_chardev, set_chardev);
}

static const InterfaceInfo rng_interfaces[] = {
    { TYPE_USER_CREATABLE },
    { NULL },
};

static const TypeInfo rng_types[] = {
    {
        .name = TYPE_RNG_BACKEND,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(RngBackend),
        .instance_init = rng_instance_init,
        .instance_finalize = rng_finalize,
        .class_size = sizeof(RngBackendClass),
        .class_init = rng_backend_class_init,
        .abstract = true,
        .interfaces = rng_interfaces,
    },
    {
        .name = "rng-random",
        .parent = TYPE_RNG_BACKEND,
        .instance_init = random_instance_init,
        .class_init = random_class_init,
    },
    {
        .name = TYPE_RNG_BUILTIN,
        .parent = TYPE_RNG_BACKEND,
    },
    {
        .name = "rng-egd",
        .parent = TYPE_RNG_BACKEND,
        .class_init = egd_class_init,
    },
};

void rng_register_types(void)
{
    type_register_static_array(rng_types, ARRAY_SIZE(rng_types));
}
