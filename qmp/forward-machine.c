/* The machine a running QEMU has, as options; see forward-machine.h. */
#include "forward-machine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-out.h"
#include "src/machine-props.h"
#include "src/util.h"

#define CPU_SUFFIX "-x86_64-cpu"
#define MACHINE_SUFFIX "-machine"
#define DEVICE_MEMORY "/machine/device-memory[0]"

/* How QEMU is asked (forward_execute_sync). */
static ForwardExecute *execute;

/* QEMU's answer to name (args stolen), or NULL when it gave an error. */
static json_t *ask(const char *name, json_t *args)
{
    json_t *req = json_pack("{s:s}", "execute", name), *rsp, *ret;

    if (args) {
        json_object_set_new(req, "arguments", args);
    }
    rsp = execute(req);
    ret = json_incref(json_object_get(rsp, "return"));
    json_decref(rsp);
    json_decref(req);
    return ret;
}

static json_t *qom_get(const char *path, const char *prop)
{
    return ask("qom-get",
               json_pack("{s:s, s:s}", "path", path, "property", prop));
}

/* Option text: "key=value" pairs (key NULL: the value alone), with the
 * commas of values doubled as QemuOpts reads them. */
static void opt_add(JsonBuf *b, const char *key, const char *val)
{
    const char *c;

    if (b->len) {
        json_buf_append(b, ",", 1);
    }
    if (key) {
        json_buf_append(b, key, strlen(key));
        json_buf_append(b, "=", 1);
    }
    for (c = val; *c; c++) {
        json_buf_append(b, c, 1);
        if (*c == ',') {
            json_buf_append(b, ",", 1);
        }
    }
}

static void opt_add_u64(JsonBuf *b, const char *key, json_t *v,
                        const char *suffix)
{
    char num[32];

    snprintf(num, sizeof(num), "%" PRId64 "%s", (int64_t)json_integer_value(v),
             suffix);
    opt_add(b, key, num);
}

/* Appends the option and its text (b's, emptied). */
static void arg_add(json_t *argv, const char *opt, JsonBuf *b)
{
    json_array_append_new(argv, json_text(opt));
    json_array_append_new(argv, json_stringn(b->data ? b->data : "", b->len));
    json_buf_free(b);
    memset(b, 0, sizeof(*b));
}

/* The properties of one class table that QEMU has away from their
 * defaults, as -machine takes them. */
static void machine_props(JsonBuf *b, const MachProp *mp)
{
    for (; mp->name; mp++) {
        json_t *v, *dflt;
        bool same;

        if (mp->kind == MP_ARRAY || mp->kind == MP_STRUCT ||
            mp->kind == MP_RO ||
            (mp->opt != MO_BOOL && mp->opt != MO_ONOFFAUTO &&
             mp->opt != MO_STR && mp->opt != MO_SIZE && mp->opt != MO_UINT &&
             mp->opt != MO_INT)) {
            continue;
        }
        v = qom_get("/machine", mp->name);
        dflt = machine_prop_default(mp);
        same = !v || (dflt ? json_equal(v, dflt)
                           : json_is_null(v) ||
                                 (json_is_string(v) && !*json_string_value(v)));
        if (same || (mp->kind == MP_BOOL) != json_is_boolean(v) ||
            ((mp->kind == MP_INT || mp->kind == MP_U64) &&
             !json_is_integer(v))) {
            /* nothing to say, or nothing the property can hold */
        } else if (json_is_boolean(v)) {
            opt_add(b, mp->name, json_is_true(v) ? "on" : "off");
        } else if (json_is_string(v)) {
            opt_add(b, mp->name, json_string_value(v));
        } else if (json_is_integer(v)) {
            opt_add_u64(b, mp->name, v, "");
        }
        json_decref(v);
        json_decref(dflt);
    }
}

json_t *forward_backend_args(json_t *memdev)
{
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
                     json_object_get(memdev, "id"), "size",
                     json_object_get(memdev, "size"), "merge",
                     json_object_get(memdev, "merge"), "dump",
                     json_object_get(memdev, "dump"), "prealloc",
                     json_object_get(memdev, "prealloc"), "share",
                     json_object_get(memdev, "share"), "host-nodes",
                     json_object_get(memdev, "host-nodes"), "policy",
                     json_object_get(memdev, "policy"));
}

bool forward_backend_type_modelled(const char *type)
{
    return type && (!strcmp(type, "memory-backend-ram") ||
                    !strcmp(type, "memory-backend-memfd"));
}

/* -object for a backend the machine itself uses (its RAM, a NUMA node's):
 * a type the model lacks becomes RAM of the same size. */
static void backend_option(json_t *argv, json_t *memdev)
{
    const char *id = json_string_value(json_object_get(memdev, "id"));
    char *path = xasprintf("/objects/%s", id);
    json_t *type = qom_get(path, "type");
    json_t *args = forward_backend_args(memdev);
    const char *t = json_string_value(type);

    if (args) {
        char *text;

        if (!forward_backend_type_modelled(t)) {
            fprintf(stderr,
                    "qmachined: --forward: QEMU's backend %s (%s) is "
                    "modelled as memory-backend-ram\n",
                    id, t ? t : "of unknown type");
            t = "memory-backend-ram";
        }
        json_object_set_new(args, "qom-type", json_text(t));
        text = json_out_dumps(args);
        json_array_append_new(argv, json_text("-object"));
        json_array_append_new(argv, json_text(text));
        free(text);
        json_decref(args);
    }
    json_decref(type);
    free(path);
}

/* Where a backend's memory region is mapped: its container's path ("":
 * nowhere) and offset; false when QEMU does not say. */
static bool backend_container(const char *id, char **container, int64_t *addr)
{
    char *path = xasprintf("/objects/%s", id);
    json_t *props = ask("qom-list", json_pack("{s:s}", "path", path));
    json_t *p;
    size_t i;
    bool ok = false;

    json_array_foreach (props, i, p) {
        const char *type = json_string_value(json_object_get(p, "type"));
        const char *name = json_string_value(json_object_get(p, "name"));
        char *mr;
        json_t *c, *a;

        if (!type || !name || strcmp(type, "child<memory-region>")) {
            continue;
        }
        mr = xasprintf("%s/%s", path, name);
        c = qom_get(mr, "container");
        a = qom_get(mr, "addr");
        if (json_is_string(c) && json_is_integer(a)) {
            *container = xstrdup(json_string_value(c));
            *addr = json_integer_value(a);
            ok = true;
        }
        json_decref(c);
        json_decref(a);
        free(mr);
        break;
    }
    json_decref(props);
    free(path);
    return ok;
}

typedef struct NodeMem {
    json_t *memdev;
    int64_t addr;
} NodeMem;

static int node_mem_cmp(const void *a, const void *b)
{
    const NodeMem *x = a, *y = b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * NUMA: each node's memory is a backend mapped into the machine's RAM
 * container, in node order; the CPUs' nodes are in
 * query-hotpluggable-cpus.
 */
static void numa_options(json_t *argv, json_t *memdevs, const char *machine_be)
{
    NodeMem *nodes = xzalloc((json_array_size(memdevs) + 1) * sizeof(*nodes));
    size_t n = 0, i;
    json_t *m, *cpus;

    json_array_foreach (memdevs, i, m) {
        const char *id = json_string_value(json_object_get(m, "id"));
        char *container = NULL;
        int64_t addr = 0;

        if (id && (!machine_be || strcmp(id, machine_be)) &&
            backend_container(id, &container, &addr) && *container &&
            strcmp(container, DEVICE_MEMORY)) {
            nodes[n].memdev = m;
            nodes[n++].addr = addr;
        }
        free(container);
    }
    qsort(nodes, n, sizeof(*nodes), node_mem_cmp);
    for (i = 0; i < n; i++) {
        JsonBuf b = { 0 };
        char num[24];

        backend_option(argv, nodes[i].memdev);
        snprintf(num, sizeof(num), "%zu", i);
        opt_add(&b, NULL, "node");
        opt_add(&b, "nodeid", num);
        opt_add(&b, "memdev",
                json_string_value(json_object_get(nodes[i].memdev, "id")));
        arg_add(argv, "-numa", &b);
    }
    cpus = n ? ask("query-hotpluggable-cpus", NULL) : NULL;
    json_array_foreach (cpus, i, m) {
        static const char *const ids[] = { "node-id", "socket-id",
                                           "die-id",  "cluster-id",
                                           "core-id", "thread-id" };
        json_t *props = json_object_get(m, "props");
        JsonBuf b = { 0 };
        size_t k;

        if (!json_is_integer(json_object_get(props, "node-id"))) {
            continue;
        }
        opt_add(&b, NULL, "cpu");
        for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
            json_t *v = json_object_get(props, ids[k]);

            if (json_is_integer(v)) {
                opt_add_u64(&b, ids[k], v, "");
            }
        }
        arg_add(argv, "-numa", &b);
    }
    json_decref(cpus);
    free(nodes);
}

json_t *forward_machine_options(ForwardExecute *exec, Error **errp)
{
    json_t *argv = json_array(), *v, *mem, *smp, *memdevs, *be;
    const char *t, *machine_be = NULL;
    JsonBuf b = { 0 };
    size_t tl;
    bool pc;

    execute = exec;
    v = qom_get("/machine", "type");
    t = json_string_value(v);
    tl = t ? strlen(t) : 0;
    if (tl <= strlen(MACHINE_SUFFIX) ||
        strcmp(t + tl - strlen(MACHINE_SUFFIX), MACHINE_SUFFIX)) {
        error_setg(errp, "QEMU did not tell its machine type (qom-get "
                         "/machine type)");
        json_decref(v);
        json_decref(argv);
        return NULL;
    }
    {
        char *type = xstrndup(t, tl - strlen(MACHINE_SUFFIX));

        opt_add(&b, NULL, type);
        pc = strcmp(type, "none") != 0;
        free(type);
    }
    json_decref(v);
    machine_props(&b, machine_class_props);
    if (pc) {
        machine_props(&b, x86_class_props);
        machine_props(&b, pc_class_props);
    }
    be = qom_get("/machine", "memory-backend");
    if (json_string_value(be) && *json_string_value(be)) {
        machine_be = strrchr(json_string_value(be), '/');
        machine_be = machine_be ? machine_be + 1 : json_string_value(be);
        opt_add(&b, "memory-backend", machine_be);
    }
    arg_add(argv, "-machine", &b);

    memdevs = ask("query-memdev", NULL);
    if (machine_be) {
        size_t i;
        json_t *m;

        json_array_foreach (memdevs, i, m) {
            if (!strcmp(json_string_value(json_object_get(m, "id")) ?: "",
                        machine_be)) {
                backend_option(argv, m);
            }
        }
    }

    mem = qom_get("/machine", "memory");
    if (json_integer_value(json_object_get(mem, "size")) > 0) {
        json_t *size = json_object_get(mem, "size");
        json_t *slots = json_object_get(mem, "slots");
        json_t *max = json_object_get(mem, "max-size");

        opt_add_u64(&b, "size", size, "B");
        /* max-size is 0 when -m gave no maxmem. */
        if (json_integer_value(slots) ||
            json_integer_value(max) > json_integer_value(size)) {
            opt_add_u64(&b, "slots", slots, "");
            opt_add_u64(&b, "maxmem", max, "B");
        }
        arg_add(argv, "-m", &b);
    }
    json_decref(mem);

    smp = pc ? qom_get("/machine", "smp") : NULL;
    if (json_is_object(smp)) {
        static const char *const keys[] = { "cpus",   "maxcpus",  "sockets",
                                            "dies",   "clusters", "cores",
                                            "threads" };
        size_t k;

        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            json_t *n = json_object_get(smp, keys[k]);

            /* clusters: only a machine with them takes the key. */
            if (json_is_integer(n) &&
                (strcmp(keys[k], "clusters") || json_integer_value(n) != 1)) {
                opt_add_u64(&b, keys[k], n, "");
            }
        }
        if (b.len) {
            arg_add(argv, "-smp", &b);
        }
    }
    json_decref(smp);

    v = ask("query-cpus-fast", NULL);
    if (json_array_size(v)) {
        json_t *path = json_object_get(json_array_get(v, 0), "qom-path");
        json_t *type = json_string_value(path)
                           ? qom_get(json_string_value(path), "type")
                           : NULL;
        const char *ct = json_string_value(type);
        size_t cl = ct ? strlen(ct) : 0;

        if (cl > strlen(CPU_SUFFIX) &&
            !strcmp(ct + cl - strlen(CPU_SUFFIX), CPU_SUFFIX)) {
            char *model = xstrndup(ct, cl - strlen(CPU_SUFFIX));

            opt_add(&b, NULL, model);
            arg_add(argv, "-cpu", &b);
            free(model);
        }
        json_decref(type);
    }
    json_decref(v);

    if (pc) {
        numa_options(argv, memdevs, machine_be);
    }
    json_decref(memdevs);
    json_decref(be);

    v = ask("query-name", NULL);
    if (json_string_value(json_object_get(v, "name"))) {
        opt_add(&b, "guest", json_string_value(json_object_get(v, "name")));
        arg_add(argv, "-name", &b);
    }
    json_decref(v);
    v = ask("query-uuid", NULL);
    t = json_string_value(json_object_get(v, "UUID"));
    if (t && strcmp(t, "00000000-0000-0000-0000-000000000000")) {
        json_array_append_new(argv, json_text("-uuid"));
        json_array_append_new(argv, json_text(t));
    }
    json_decref(v);
    /* Paused until caught up: the run state follows QEMU's then. */
    json_array_append_new(argv, json_text("-S"));
    return argv;
}
