/*
 * object-add, object-del, query-memdev and -object's arguments: the
 * argument handling, then the model's user_creatable_add_dict /
 * user_creatable_del (src/user-creatable.c).
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json-out.h"
#include "src/backend.h"
#include "src/iothread.h"
#include "src/keyval.h"
#include "src/util.h"

/* ---- Argument types (QEMU 7.2's ObjectOptions, flat union) ---- */

static const char *const object_type_names[] = { "authz-list",
                                                 "authz-listfile",
                                                 "authz-pam",
                                                 "authz-simple",
                                                 "can-bus",
                                                 "can-host-socketcan",
                                                 "colo-compare",
                                                 "cryptodev-backend",
                                                 "cryptodev-backend-builtin",
                                                 "cryptodev-backend-lkcf",
                                                 "cryptodev-vhost-user",
                                                 "dbus-vmstate",
                                                 "filter-buffer",
                                                 "filter-dump",
                                                 "filter-mirror",
                                                 "filter-redirector",
                                                 "filter-replay",
                                                 "filter-rewriter",
                                                 "input-barrier",
                                                 "input-linux",
                                                 "iothread",
                                                 "main-loop",
                                                 "memory-backend-epc",
                                                 "memory-backend-file",
                                                 "memory-backend-memfd",
                                                 "memory-backend-ram",
                                                 "pef-guest",
                                                 "pr-manager-helper",
                                                 "qtest",
                                                 "rng-builtin",
                                                 "rng-egd",
                                                 "rng-random",
                                                 "secret",
                                                 "secret_keyring",
                                                 "sev-guest",
                                                 "thread-context",
                                                 "s390-pv-guest",
                                                 "throttle-group",
                                                 "tls-creds-anon",
                                                 "tls-creds-psk",
                                                 "tls-creds-x509",
                                                 "tls-cipher-suites",
                                                 "x-remote-object",
                                                 "x-vfio-user-server",
                                                 NULL };
static const QapiType object_type_enum = { .name = "ObjectType",
                                           .kind = QAPI_KIND_ENUM,
                                           .values = object_type_names };
const QapiType host_mem_policy_type = { .name = "HostMemPolicy",
                                        .kind = QAPI_KIND_ENUM,
                                        .values = backend_policy_names };
static QAPI_ARRAY_OF(uint16_list, qapi_uint16);

#define BACKEND_COMMON_MEMBERS                                          \
    { "dump", &qapi_bool, true }, { "host-nodes", &uint16_list, true }, \
        { "merge", &qapi_bool, true },                                  \
        { "policy", &host_mem_policy_type, true },                      \
        { "prealloc", &qapi_bool, true },                               \
        { "prealloc-threads", &qapi_uint32, true },                     \
        { "prealloc-context", &qapi_str, true },                        \
        { "share", &qapi_bool, true }, { "reserve", &qapi_bool, true }, \
        { "size", &qapi_size, false },                                  \
    {                                                                   \
        "x-use-canonical-path-for-ramblock-id", &qapi_bool, true        \
    }

static const QapiMember backend_ram_members[] = { BACKEND_COMMON_MEMBERS,
                                                  { NULL } };
static const QapiType backend_ram_props = { .name = "MemoryBackendProperties",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members = backend_ram_members };
static const QapiMember backend_file_members[] = {
    BACKEND_COMMON_MEMBERS,
    { "align", &qapi_size, true },
    { "discard-data", &qapi_bool, true },
    { "mem-path", &qapi_str, false },
    { "pmem", &qapi_bool, true },
    { "readonly", &qapi_bool, true },
    { NULL }
};
static const QapiType backend_file_props = { .name =
                                                 "MemoryBackendFileProperties",
                                             .kind = QAPI_KIND_OBJECT,
                                             .members = backend_file_members };
static const QapiMember backend_memfd_members[] = {
    BACKEND_COMMON_MEMBERS,
    { "hugetlb", &qapi_bool, true },
    { "hugetlbsize", &qapi_size, true },
    { "seal", &qapi_bool, true },
    { NULL }
};
static const QapiType backend_memfd_props = {
    .name = "MemoryBackendMemfdProperties",
    .kind = QAPI_KIND_OBJECT,
    .members = backend_memfd_members
};
static const QapiMember iothread_members[] = {
    { "aio-max-batch", &qapi_int, true },
    { "thread-pool-min", &qapi_int, true },
    { "thread-pool-max", &qapi_int, true },
    { "poll-max-ns", &qapi_int, true },
    { "poll-grow", &qapi_int, true },
    { "poll-shrink", &qapi_int, true },
    { NULL }
};
static const QapiType iothread_props = { .name = "IothreadProperties",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = iothread_members };
static const QapiMember main_loop_members[] = {
    { "aio-max-batch", &qapi_int, true },
    { "thread-pool-min", &qapi_int, true },
    { "thread-pool-max", &qapi_int, true },
    { NULL }
};
static const QapiType main_loop_props = { .name = "MainLoopProperties",
                                          .kind = QAPI_KIND_OBJECT,
                                          .members = main_loop_members };
static const char *const secret_format_values[] = { "raw", "base64", NULL };
static const QapiType secret_format_type = { .name = "QCryptoSecretFormat",
                                             .kind = QAPI_KIND_ENUM,
                                             .values = secret_format_values };
static const QapiMember secret_members[] = { { "loaded", &qapi_bool, true },
                                             { "format", &secret_format_type,
                                               true },
                                             { "keyid", &qapi_str, true },
                                             { "iv", &qapi_str, true },
                                             { "data", &qapi_str, true },
                                             { "file", &qapi_str, true },
                                             { NULL } };
static const QapiType secret_props = { .name = "SecretProperties",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = secret_members };
static const QapiMember rng_members[] = { { "opened", &qapi_bool, true },
                                          { NULL } };
static const QapiType rng_props = { .name = "RngProperties",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = rng_members };
static const QapiMember rng_random_members[] = {
    { "opened", &qapi_bool, true }, { "filename", &qapi_str, true }, { NULL }
};
static const QapiType rng_random_props = { .name = "RngRandomProperties",
                                           .kind = QAPI_KIND_OBJECT,
                                           .members = rng_random_members };
static const QapiMember rng_egd_members[] = { { "opened", &qapi_bool, true },
                                              { "chardev", &qapi_str, false },
                                              { NULL } };
static const QapiType rng_egd_props = { .name = "RngEgdProperties",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = rng_egd_members };
static const QapiVariant object_variants[] = {
    { "rng-builtin", &rng_props },
    { "rng-egd", &rng_egd_props },
    { "rng-random", &rng_random_props },
    { "memory-backend-file", &backend_file_props },
    { "memory-backend-memfd", &backend_memfd_props },
    { "iothread", &iothread_props },
    { "main-loop", &main_loop_props },
    { "secret", &secret_props },
    { "memory-backend-ram", &backend_ram_props },
    { "can-bus", &qapi_empty },
    { "pef-guest", &qapi_empty },
    { "s390-pv-guest", &qapi_empty },
    { NULL }
};
static const QapiMember object_options_members[] = {
    { "qom-type", &object_type_enum, false },
    { "id", &qapi_str, false },
    { NULL }
};
const QapiType object_add_args = { .name = "ObjectOptions",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = object_options_members,
                                   .tag = "qom-type",
                                   .variants = object_variants };

static const QapiMember object_del_members[] = { { "id", &qapi_str, false },
                                                 { NULL } };
const QapiType object_del_args = { .name = "q_obj_object-del-arg",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = object_del_members };

static const QapiMember memdev_members[] = {
    { "id", &qapi_str, true },
    { "size", &qapi_size, false },
    { "merge", &qapi_bool, false },
    { "dump", &qapi_bool, false },
    { "prealloc", &qapi_bool, false },
    { "share", &qapi_bool, false },
    { "reserve", &qapi_bool, true },
    { "host-nodes", &uint16_list, false },
    { "policy", &host_mem_policy_type, false },
    { NULL }
};
static const QapiType memdev_type = { .name = "Memdev",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = memdev_members };
QAPI_ARRAY_OF(memdev_list, memdev_type);

static const QapiMember iothread_info_members[] = {
    { "id", &qapi_str, false },
    { "thread-id", &qapi_int, false },
    { "poll-max-ns", &qapi_int, false },
    { "poll-grow", &qapi_int, false },
    { "poll-shrink", &qapi_int, false },
    { "aio-max-batch", &qapi_int, false },
    { NULL }
};
static const QapiType iothread_info_type = { .name = "IOThreadInfo",
                                             .kind = QAPI_KIND_OBJECT,
                                             .members = iothread_info_members };
QAPI_ARRAY_OF(iothread_info_list, iothread_info_type);

/* ---- object-add, object-del ---- */

bool qmp_cmd_object_add(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    return user_creatable_add_dict(args, errp);
}

bool qmp_cmd_object_del(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    return user_creatable_del(qapi_arg_str(args, "id", ""), errp);
}

/* ---- query-memdev, info memdev ---- */

/* One Memdev (new reference). */
static json_t *memdev_info(HostMemoryBackend *be)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_text(backend_id(be)));
    json_object_set_new(o, "size", json_uint64(be->size));
    json_object_set_new(o, "merge", json_boolean(be->merge));
    json_object_set_new(o, "dump", json_boolean(be->dump));
    json_object_set_new(o, "prealloc", json_boolean(be->prealloc));
    json_object_set_new(o, "share", json_boolean(be->share));
    json_object_set_new(o, "reserve", json_boolean(be->reserve));
    json_object_set_new(o, "host-nodes", backend_host_nodes(be));
    json_object_set_new(o, "policy",
                        json_text(backend_policy_names[be->policy]));
    return o;
}

static int add_memdev(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        /* QEMU builds the list by prepending. */
        json_array_insert_new(opaque, 0, memdev_info(MEMORY_BACKEND(obj)));
    }
    return 0;
}

bool qmp_cmd_query_memdev(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    *ret = json_array();
    object_child_foreach(object_get_objects_root(), add_memdev, *ret);
    return true;
}

char *qmp_memdev_info_text(void)
{
    json_t *list = json_array(), *m;
    JsonBuf out = { 0 };
    size_t i, j;

    object_child_foreach(object_get_objects_root(), add_memdev, list);
    json_buf_append(&out, "", 0);
    json_array_foreach (list, i, m) {
        json_t *nodes = json_object_get(m, "host-nodes");
        uint64_t size = 0;
        char *s;

        json_get_uint64(json_object_get(m, "size"), &size);
        s = xasprintf(
            "memory backend: %s\n  size:  %llu\n  merge: %s\n  dump: %s\n"
            "  prealloc: %s\n  share: %s\n  reserve: %s\n  policy: %s\n"
            "  host nodes: ",
            json_string_value(json_object_get(m, "id")),
            (unsigned long long)size,
            json_is_true(json_object_get(m, "merge")) ? "true" : "false",
            json_is_true(json_object_get(m, "dump")) ? "true" : "false",
            json_is_true(json_object_get(m, "prealloc")) ? "true" : "false",
            json_is_true(json_object_get(m, "share")) ? "true" : "false",
            json_is_true(json_object_get(m, "reserve")) ? "true" : "false",
            json_string_value(json_object_get(m, "policy")));

        json_buf_append(&out, s, strlen(s));
        free(s);
        for (j = 0; j < json_array_size(nodes); j++) {
            s = xasprintf(
                "%s%lld", j ? "," : "",
                (long long)json_integer_value(json_array_get(nodes, j)));
            json_buf_append(&out, s, strlen(s));
            free(s);
        }
        json_buf_append(&out, "\n", 1);
    }
    json_buf_append(&out, "\n", 1);
    json_decref(list);
    return out.data;
}

/* ---- query-iothreads, info iothreads ---- */

static void add_iothread(const IOThreadInfo *t, void *opaque)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_text(t->id));
    json_object_set_new(o, "thread-id", json_integer(t->thread_id));
    json_object_set_new(o, "poll-max-ns", json_integer(t->poll_max_ns));
    json_object_set_new(o, "poll-grow", json_integer(t->poll_grow));
    json_object_set_new(o, "poll-shrink", json_integer(t->poll_shrink));
    json_object_set_new(o, "aio-max-batch", json_integer(t->aio_max_batch));
    json_array_append_new(opaque, o);
}

bool qmp_cmd_query_iothreads(QmpSession *s, json_t *args, json_t **ret,
                             Error **errp)
{
    *ret = json_array();
    iothread_foreach(add_iothread, *ret);
    return true;
}

static void print_iothread(const IOThreadInfo *t, void *opaque)
{
    char *s = xasprintf("%s:\n  thread_id=%lld\n  poll-max-ns=%lld\n"
                        "  poll-grow=%lld\n  poll-shrink=%lld\n"
                        "  aio-max-batch=%lld\n",
                        t->id, (long long)t->thread_id,
                        (long long)t->poll_max_ns, (long long)t->poll_grow,
                        (long long)t->poll_shrink, (long long)t->aio_max_batch);

    json_buf_append(opaque, s, strlen(s));
    free(s);
}

char *qmp_iothreads_info_text(void)
{
    JsonBuf out = { 0 };

    json_buf_append(&out, "", 0);
    iothread_foreach(print_iothread, &out);
    return out.data;
}

/* ---- -object at start-up ---- */

/* The variant type for a qom-type, or NULL (not modelled here). */
static const QapiType *variant_of(const char *qom_type)
{
    const QapiVariant *v;

    for (v = object_variants; v->value; v++) {
        if (!strcmp(v->value, qom_type)) {
            return v->type;
        }
    }
    return NULL;
}

/*
 * keyval form: every value is a string; convert the members the type
 * declares as QEMU 7.2 does for -object, with its option-visitor texts
 * ("expects a size value", "expects an int64 value", ...).
 */
static bool convert_uint(const char *name, const char *str, uint64_t max,
                         uint64_t *out, Error **errp)
{
    const char *p = str;

    while (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
        p++;
    }
    if (*p == '-' || keyval_strtou64(str, 0, out)) {
        error_setg(errp, "Parameter '%s' expects a uint64 value", name);
        return false;
    }
    if (*out > max) {
        error_setg(errp, "Parameter '%s' expects uint32_t", name);
        return false;
    }
    return true;
}

static bool keyval_convert(const QapiType *variant, json_t *dict, Error **errp)
{
    const QapiMember *m;

    for (m = variant ? variant->members : NULL; m && m->name; m++) {
        json_t *v = json_object_get(dict, m->name);
        const char *str = json_string_value(v);
        uint64_t u;
        int64_t i;
        bool b;

        if (!str) {
            continue;
        }
        if (m->type == &qapi_size) {
            if (keyval_strtosz(str, &u, NULL)) {
                error_setg(errp, "Parameter '%s' expects a size value",
                           m->name);
                return false;
            }
            json_object_set_new(dict, m->name, json_uint64(u));
        } else if (m->type == &qapi_bool) {
            if (!keyval_visit_bool(m->name, str, &b, errp)) {
                return false;
            }
            json_object_set_new(dict, m->name, json_boolean(b));
        } else if (m->type == &qapi_uint32) {
            if (!convert_uint(m->name, str, UINT32_MAX, &u, errp)) {
                return false;
            }
            json_object_set_new(dict, m->name, json_uint64(u));
        } else if (m->type == &qapi_int) {
            if (keyval_strtoi64(str, 0, &i)) {
                error_setg(errp, "Parameter '%s' expects an int64 value",
                           m->name);
                return false;
            }
            json_object_set_new(dict, m->name, json_integer(i));
        }
    }
    return true;
}

bool qmp_object_add_cmdline(json_t *dict, const char *arg, Error **errp)
{
    bool keyval = arg[0] != '{';
    json_t *args = json_deep_copy(dict);
    const char *type = json_string_value(json_object_get(args, "qom-type"));
    const QapiType *variant = type ? variant_of(type) : NULL;
    const char *key;
    json_t *v;
    bool ok = false;

    if (keyval) {
        json_object_foreach (args, key, v) {
            if (variant && strcmp(key, "qom-type") && strcmp(key, "id")) {
                const QapiMember *m = variant->members;

                while (m->name && strcmp(m->name, key)) {
                    m++;
                }
                if (!m->name) {
                    error_setg(errp, "Invalid parameter '%s'", key);
                    goto out;
                }
            }
        }
        if (!keyval_convert(variant, args, errp)) {
            goto out;
        }
        if (json_is_string(json_object_get(args, "id")) &&
            object_resolve_path_component(
                object_get_objects_root(),
                json_string_value(json_object_get(args, "id")))) {
            error_setg(errp, "Duplicate ID '%s' for object",
                       json_string_value(json_object_get(args, "id")));
            goto out;
        }
    }
    if (!qapi_check(&object_add_args, args, errp)) {
        goto out;
    }
    ok = user_creatable_add_dict(args, errp);
    json_decref(args);
    return ok;
out:
    error_prepend(errp, "-object %s: ", arg);
    json_decref(args);
    return ok;
}
