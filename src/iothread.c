/* See iothread.h. */
#include "iothread.h"

#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "object.h"
#include "user-creatable.h"
#include "util.h"

#define IOTHREAD_POLL_MAX_NS_DEFAULT 32768
#define THREAD_POOL_MAX_DEFAULT 64

typedef struct EventLoopBase {
    Object parent_obj;
    int64_t aio_max_batch;
    int64_t thread_pool_min, thread_pool_max;
} EventLoopBase;

/*
 * check_params: run after every parameter change (the new value is kept
 * even when it fails, as in QEMU); init: the completion.
 */
typedef struct EventLoopBaseClass {
    ObjectClass parent_class;
    bool (*check_params)(EventLoopBase *base, Error **errp);
    bool (*init)(EventLoopBase *base, Error **errp);
    bool (*can_be_deleted)(EventLoopBase *base);
} EventLoopBaseClass;

OBJECT_DECLARE_CASTS(EventLoopBase, EventLoopBaseClass, EVENT_LOOP_BASE,
                     TYPE_EVENT_LOOP_BASE)

typedef struct IOThread {
    EventLoopBase parent_obj;
    bool running; /* completed */
    int64_t thread_id;
    int64_t poll_max_ns, poll_grow, poll_shrink;
} IOThread;

OBJECT_DECLARE_CASTS(IOThread, EventLoopBaseClass, IOTHREAD, TYPE_IOTHREAD)

/* ---- int64 parameters, addressed by offset through prop->opaque ---- */

static int64_t *param_field(Object *obj, ObjectProperty *prop)
{
    return (int64_t *)((char *)obj + (ptrdiff_t)(intptr_t)prop->opaque);
}

static json_t *get_param(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer(*param_field(obj, prop));
}

static bool store_param(Object *obj, ObjectProperty *prop, json_t *v,
                        Error **errp)
{
    if (!json_is_integer(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer",
                   prop->name);
        return false;
    }
    if (json_integer_value(v) < 0) {
        error_setg(errp, "%s value must be in range [0, %lld]", prop->name,
                   (long long)INT64_MAX);
        return false;
    }
    *param_field(obj, prop) = json_integer_value(v);
    return true;
}

static bool set_base_param(Object *obj, ObjectProperty *prop, json_t *v,
                           Error **errp)
{
    EventLoopBaseClass *bc = EVENT_LOOP_BASE_GET_CLASS(obj);

    if (!store_param(obj, prop, v, errp)) {
        return false;
    }
    return !bc->check_params || bc->check_params(EVENT_LOOP_BASE(obj), errp);
}

static void add_param(ObjectClass *k, const char *name, size_t offset,
                      ObjectPropertySet *set)
{
    object_class_property_add(k, name, "int", get_param, set, NULL,
                              (void *)(intptr_t)offset);
}

/* ---- event-loop-base ---- */

/* What QEMU checks when it applies the thread-pool limits to a context. */
static bool thread_pool_params_ok(const EventLoopBase *base, Error **errp)
{
    if (base->thread_pool_min > base->thread_pool_max ||
        base->thread_pool_max == 0 || base->thread_pool_min > INT_MAX ||
        base->thread_pool_max > INT_MAX) {
        error_setg(errp, "bad thread-pool-min/thread-pool-max values");
        return false;
    }
    return true;
}

static bool base_complete(Object *obj, Error **errp)
{
    EventLoopBaseClass *bc = EVENT_LOOP_BASE_GET_CLASS(obj);

    return !bc->init || bc->init(EVENT_LOOP_BASE(obj), errp);
}

static bool base_can_be_deleted(Object *obj)
{
    EventLoopBaseClass *bc = EVENT_LOOP_BASE_GET_CLASS(obj);

    return !bc->can_be_deleted || bc->can_be_deleted(EVENT_LOOP_BASE(obj));
}

static void base_instance_init(Object *obj)
{
    EVENT_LOOP_BASE(obj)->thread_pool_max = THREAD_POOL_MAX_DEFAULT;
}

static void base_class_init(ObjectClass *k, void *data)
{
    UserCreatableClass *uc =
        OBJECT_CLASS_CHECK(UserCreatableClass, k, TYPE_USER_CREATABLE);

    (void)data;
    uc->complete = base_complete;
    uc->can_be_deleted = base_can_be_deleted;
    /* QEMU's registration order (the property table order depends on it). */
    add_param(k, "aio-max-batch", offsetof(EventLoopBase, aio_max_batch),
              set_base_param);
    add_param(k, "thread-pool-min", offsetof(EventLoopBase, thread_pool_min),
              set_base_param);
    add_param(k, "thread-pool-max", offsetof(EventLoopBase, thread_pool_max),
              set_base_param);
}

/* ---- iothread ---- */

/* Before completion there is no context to apply the limits to. */
static bool iothread_check_params(EventLoopBase *base, Error **errp)
{
    return !IOTHREAD(base)->running || thread_pool_params_ok(base, errp);
}

static bool iothread_init(EventLoopBase *base, Error **errp)
{
    IOThread *t = IOTHREAD(base);

    if (!thread_pool_params_ok(base, errp)) {
        return false;
    }
    t->thread_id = (int64_t)syscall(SYS_gettid);
    t->running = true;
    return true;
}

static void iothread_instance_init(Object *obj)
{
    IOTHREAD(obj)->poll_max_ns = IOTHREAD_POLL_MAX_NS_DEFAULT;
}

static void iothread_class_init(ObjectClass *k, void *data)
{
    EventLoopBaseClass *bc = EVENT_LOOP_BASE_CLASS(k);

    (void)data;
    bc->check_params = iothread_check_params;
    bc->init = iothread_init;
    add_param(k, "poll-max-ns", offsetof(IOThread, poll_max_ns), store_param);
    add_param(k, "poll-grow", offsetof(IOThread, poll_grow), store_param);
    add_param(k, "poll-shrink", offsetof(IOThread, poll_shrink), store_param);
}

struct foreach_ctx {
    void (*fn)(const IOThreadInfo *info, void *opaque);
    void *opaque;
};

static int foreach_one(Object *child, void *opaque)
{
    struct foreach_ctx *c = opaque;
    IOThreadInfo info;
    IOThread *t;

    if (!object_dynamic_cast(child, TYPE_IOTHREAD)) {
        return 0;
    }
    t = IOTHREAD(child);
    info.id = object_get_canonical_path_component(child);
    info.thread_id = t->thread_id;
    info.poll_max_ns = t->poll_max_ns;
    info.poll_grow = t->poll_grow;
    info.poll_shrink = t->poll_shrink;
    info.aio_max_batch = t->parent_obj.aio_max_batch;
    c->fn(&info, c->opaque);
    return 0;
}

void iothread_foreach(void (*fn)(const IOThreadInfo *info, void *opaque),
                      void *opaque)
{
    struct foreach_ctx c = { fn, opaque };

    object_child_foreach(object_get_objects_root(), foreach_one, &c);
}

/* ---- main-loop ---- */

/* The one main-loop object, if created (weak: cleared by finalize). */
static Object *main_loop_obj;

/* The main loop's context always exists: every change is applied. */
static bool main_loop_check_params(EventLoopBase *base, Error **errp)
{
    return thread_pool_params_ok(base, errp);
}

static bool main_loop_init(EventLoopBase *base, Error **errp)
{
    if (main_loop_obj) {
        error_setg(errp, "only one main-loop instance allowed");
        return false;
    }
    if (!thread_pool_params_ok(base, errp)) {
        return false;
    }
    main_loop_obj = OBJECT(base);
    return true;
}

static bool main_loop_can_be_deleted(EventLoopBase *base)
{
    (void)base;
    return false;
}

static void main_loop_finalize(Object *obj)
{
    if (main_loop_obj == obj) {
        main_loop_obj = NULL;
    }
}

static void main_loop_class_init(ObjectClass *k, void *data)
{
    EventLoopBaseClass *bc = EVENT_LOOP_BASE_CLASS(k);

    (void)data;
    bc->check_params = main_loop_check_params;
    bc->init = main_loop_init;
    bc->can_be_deleted = main_loop_can_be_deleted;
}

static const TypeInfo iothread_types[] = {
    {
        .name = TYPE_EVENT_LOOP_BASE,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(EventLoopBase),
        .instance_init = base_instance_init,
        .class_size = sizeof(EventLoopBaseClass),
        .class_init = base_class_init,
        .interfaces =
            (const InterfaceInfo[]){ { TYPE_USER_CREATABLE }, { NULL } },
    },
    {
        .name = TYPE_IOTHREAD,
        .parent = TYPE_EVENT_LOOP_BASE,
        .instance_size = sizeof(IOThread),
        .instance_init = iothread_instance_init,
        .class_init = iothread_class_init,
    },
    {
        .name = TYPE_MAIN_LOOP,
        .parent = TYPE_EVENT_LOOP_BASE,
        .instance_finalize = main_loop_finalize,
        .class_init = main_loop_class_init,
    },
};

void iothread_register_types(void)
{
    type_register_static_array(iothread_types, ARRAY_SIZE(iothread_types));
}
