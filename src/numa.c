/* -numa checks and state; see numa.h. */
#include "numa.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyval.h"
#include "object.h"
#include "options-report.h"
#include "util.h"

#define CPU_RANGE_MAX 65536 /* elements one "a-b" may name */
#define HMAT_DISABLED                                                       \
    "ACPI Heterogeneous Memory Attribute Table (HMAT) is disabled, enable " \
    "it with -machine hmat=on before using any of hmat specific options"

/*
 * The members of one -numa option, read the way QEMU's options visitor
 * reads them: the last occurrence of a key wins, every key read is
 * marked, and keys nobody read are invalid.
 */
typedef struct Members {
    json_t *items; /* [[key, value], ...] in order */
    bool *read;
} Members;

static const char *member_last(Members *m, const char *key)
{
    const char *v = NULL;
    size_t i;
    json_t *item;

    json_array_foreach (m->items, i, item) {
        if (!strcmp(json_string_value(json_array_get(item, 0)), key)) {
            v = json_string_value(json_array_get(item, 1));
            m->read[i] = true;
        }
    }
    return v;
}

/* Unsigned number as QEMU's parse_uint(): base 0, no sign. */
static bool parse_unsigned(const char *s, uint64_t *v, const char **end)
{
    char *e;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (*s == '-') {
        return false;
    }
    errno = 0;
    *v = strtoull(s, &e, 0);
    if (errno || e == s) {
        return false;
    }
    *end = e;
    return true;
}

static bool get_uint(Members *m, const char *key, unsigned bits, bool mandatory,
                     bool *has, uint64_t *v, Error **errp)
{
    const char *s = member_last(m, key);
    const char *end;

    *has = s != NULL;
    if (!s) {
        if (mandatory) {
            error_setg(errp, "Parameter '%s' is missing", key);
            return false;
        }
        return true;
    }
    if (!parse_unsigned(s, v, &end) || *end) {
        error_setg(errp, "Parameter '%s' expects a uint64 value", key);
        return false;
    }
    if (bits < 64 && *v >> bits) {
        error_setg(errp, "Parameter '%s' expects uint%u_t", key, bits);
        return false;
    }
    return true;
}

static bool get_int(Members *m, const char *key, bool *has, int64_t *v,
                    Error **errp)
{
    const char *s = member_last(m, key);

    *has = s != NULL;
    if (s && keyval_strtoi64(s, 0, v)) {
        error_setg(errp, "Parameter '%s' expects an int64 value", key);
        return false;
    }
    return true;
}

static bool get_size(Members *m, const char *key, bool mandatory, bool *has,
                     uint64_t *v, Error **errp)
{
    const char *s = member_last(m, key);

    *has = s != NULL;
    if (!s) {
        if (mandatory) {
            error_setg(errp, "Parameter '%s' is missing", key);
            return false;
        }
        return true;
    }
    if (keyval_strtosz(s, v, NULL)) {
        error_setg(errp, "Parameter '%s' expects a size value", key);
        return false;
    }
    return true;
}

static bool get_enum(Members *m, const char *key, const char *const *vals,
                     size_t n, int *v, Error **errp)
{
    const char *s = member_last(m, key);
    size_t i;

    if (!s) {
        error_setg(errp, "Parameter '%s' is missing", key);
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!strcmp(s, vals[i])) {
            *v = (int)i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", key, s);
    return false;
}

/*
 * One cpus= value, "N" or "N-M"; calls fn for each index (when fn is
 * NULL only checks).  Returns false with errp set.
 */
typedef bool (*CpuFn)(NumaState *ns, unsigned node, uint64_t cpu, Error **errp);

static bool cpus_value(const char *s, NumaState *ns, unsigned node, CpuFn fn,
                       Error **errp)
{
    uint64_t lo, hi, i;
    const char *end;

    if (!parse_unsigned(s, &lo, &end) || (*end && *end != '-')) {
        goto bad;
    }
    hi = lo;
    if (*end == '-') {
        if (!parse_unsigned(end + 1, &hi, &end) || *end || hi < lo ||
            hi - lo >= CPU_RANGE_MAX) {
            goto bad;
        }
    }
    if (hi > UINT16_MAX) {
        /* QEMU names list elements "null". */
        error_setg(errp, "Parameter 'null' expects uint16_t");
        return false;
    }
    /* fn fails at the first index past maxcpus: few iterations. */
    for (i = lo; fn && i <= hi; i++) {
        if (!fn(ns, node, i, errp)) {
            return false;
        }
    }
    return true;

bad:
    error_setg(errp, "Parameter 'cpus' expects a uint64 value or range");
    return false;
}

static bool cpus_each(Members *m, NumaState *ns, unsigned node, CpuFn fn,
                      Error **errp)
{
    size_t i;
    json_t *item;

    json_array_foreach (m->items, i, item) {
        if (!strcmp(json_string_value(json_array_get(item, 0)), "cpus")) {
            m->read[i] = true;
            if (!cpus_value(json_string_value(json_array_get(item, 1)), ns,
                            node, fn, errp)) {
                return false;
            }
        }
    }
    return true;
}

/* The props of a -numa cpu (or of one CPU index) to map to a node. */
typedef struct CpuProps {
    int64_t node;
    bool has_socket, has_die, has_cluster, has_core, has_thread;
    int64_t socket, die, cluster, core, thread;
} CpuProps;

/* QEMU's machine_set_cpu_numa_node() for the x86 possible CPUs. */
static bool map_cpus(NumaState *ns, const CpuProps *p, Error **errp)
{
    bool match = false;
    unsigned i;

    for (i = 0; i < ns->n_cpus; i++) {
        NumaCpuSlot *s = &ns->cpus[i];

        if (p->has_cluster) {
            error_setg(errp, "cluster-id is not supported");
            return false;
        }
        if (p->has_die && !ns->has_die) {
            error_setg(errp, "die-id is not supported");
            return false;
        }
        if ((p->has_thread && p->thread != s->thread) ||
            (p->has_core && p->core != s->core) ||
            (p->has_die && p->die != s->die) ||
            (p->has_socket && p->socket != s->socket)) {
            continue;
        }
        if (s->node >= 0 && s->node != p->node) {
            error_setg(errp, "CPU is already assigned to node-id: %" PRId64,
                       s->node);
            return false;
        }
        match = true;
        s->node = p->node;
    }
    if (!match) {
        error_setg(errp, "no match found");
        return false;
    }
    return true;
}

static CpuProps slot_props(const NumaState *ns, unsigned i, int64_t node)
{
    const NumaCpuSlot *s = &ns->cpus[i];
    CpuProps p = {
        .node = node,
        .has_socket = true,
        .has_die = ns->has_die,
        .has_core = true,
        .has_thread = true,
        .socket = s->socket,
        .die = s->die,
        .core = s->core,
        .thread = s->thread,
    };

    return p;
}

static bool node_cpu(NumaState *ns, unsigned node, uint64_t cpu, Error **errp)
{
    CpuProps p;

    if (cpu >= ns->n_cpus) {
        error_setg(errp,
                   "CPU index (%" PRIu64 ") should be smaller than "
                   "maxcpus (%u)",
                   cpu, ns->n_cpus);
        return false;
    }
    p = slot_props(ns, (unsigned)cpu, node);
    return map_cpus(ns, &p, errp);
}

static bool check_unread(Members *m, Error **errp)
{
    size_t i;
    json_t *item;
    const char *bad = NULL;

    json_array_foreach (m->items, i, item) {
        if (!m->read[i]) {
            bad = json_string_value(json_array_get(item, 0));
        }
    }
    if (bad) {
        error_setg(errp, "Invalid parameter '%s'", bad);
        return false;
    }
    return true;
}

static bool parse_node(NumaState *ns, Members *m, bool supported, Error **errp)
{
    bool has_id, has_mem, has_init;
    uint64_t id = 0, mem = 0, init = 0;
    const char *memdev;
    NumaNode *n;

    if (!get_uint(m, "nodeid", 16, false, &has_id, &id, errp) ||
        !cpus_each(m, ns, 0, NULL, errp) ||
        !get_size(m, "mem", false, &has_mem, &mem, errp)) {
        return false;
    }
    memdev = member_last(m, "memdev");
    if (!get_uint(m, "initiator", 16, false, &has_init, &init, errp)) {
        return false;
    }
    if (!check_unread(m, errp)) {
        return false;
    }
    if (!supported) {
        error_setg(errp, "NUMA is not supported by this machine-type");
        return false;
    }
    if (!has_id) {
        id = ns->num_nodes;
    }
    if (id >= NUMA_MAX_NODES) {
        error_setg(errp, "Max number of NUMA nodes reached: %" PRIu64, id);
        return false;
    }
    n = &ns->nodes[id];
    if (n->present) {
        error_setg(errp, "Duplicate NUMA nodeid: %" PRIu64, id);
        return false;
    }
    if (has_init) {
        error_setg(errp, HMAT_DISABLED);
        return false;
    }
    if (!cpus_each(m, ns, (unsigned)id, node_cpu, errp)) {
        return false;
    }
    ns->have_memdevs = ns->have_memdevs || memdev;
    ns->have_mem = ns->have_mem || has_mem;
    if ((has_mem && ns->have_memdevs) || (memdev && ns->have_mem)) {
        error_setg(errp, "numa configuration should use either mem= or "
                         "memdev=,mixing both is not allowed");
        return false;
    }
    if (has_mem) {
        /* numa_mem_supported is false for pc-i440fx-7.2 */
        error_setg(errp, "Parameter -numa node,mem is not supported by this "
                         "machine type\nUse -numa node,memdev instead");
        return false;
    }
    if (memdev) {
        Object *o = object_resolve_path_type(memdev, TYPE_MEMORY_BACKEND, NULL);

        if (!o) {
            error_setg(errp, "memdev=%s is ambiguous", memdev);
            return false;
        }
        n->memdev = MEMORY_BACKEND(o);
        n->mem = n->memdev->size;
    }
    n->present = true;
    if (id + 1 > ns->max_nodeid) {
        ns->max_nodeid = (unsigned)id + 1;
    }
    ns->num_nodes++;
    return true;
}

static bool parse_dist(NumaState *ns, Members *m, bool supported, Error **errp)
{
    bool has;
    uint64_t src, dst, val;

    if (!get_uint(m, "src", 16, true, &has, &src, errp) ||
        !get_uint(m, "dst", 16, true, &has, &dst, errp) ||
        !get_uint(m, "val", 8, true, &has, &val, errp) ||
        !check_unread(m, errp)) {
        return false;
    }
    if (!supported) {
        error_setg(errp, "NUMA is not supported by this machine-type");
        return false;
    }
    if (src >= NUMA_MAX_NODES || dst >= NUMA_MAX_NODES) {
        error_setg(errp, "Parameter '%s' expects an integer between 0 and %d",
                   src >= NUMA_MAX_NODES ? "src" : "dst", NUMA_MAX_NODES - 1);
        return false;
    }
    if (!ns->nodes[src].present || !ns->nodes[dst].present) {
        error_setg(errp, "Source/Destination NUMA node is missing. Please "
                         "use '-numa node' option to declare it first.");
        return false;
    }
    if (val < NUMA_DISTANCE_MIN) {
        error_setg(errp,
                   "NUMA distance (%" PRIu64 ") is invalid, it "
                   "shouldn't be less than %d.",
                   val, NUMA_DISTANCE_MIN);
        return false;
    }
    if (src == dst && val != NUMA_DISTANCE_MIN) {
        error_setg(errp, "Local distance of node %d should be %d.", (int)src,
                   NUMA_DISTANCE_MIN);
        return false;
    }
    ns->nodes[src].distance[dst] = (uint8_t)val;
    ns->have_distance = true;
    return true;
}

static bool parse_cpu(NumaState *ns, Members *m, bool supported, Error **errp)
{
    CpuProps p = { 0 };
    bool has_node;

    if (!get_int(m, "node-id", &has_node, &p.node, errp) ||
        !get_int(m, "socket-id", &p.has_socket, &p.socket, errp) ||
        !get_int(m, "die-id", &p.has_die, &p.die, errp) ||
        !get_int(m, "cluster-id", &p.has_cluster, &p.cluster, errp) ||
        !get_int(m, "core-id", &p.has_core, &p.core, errp) ||
        !get_int(m, "thread-id", &p.has_thread, &p.thread, errp) ||
        !check_unread(m, errp)) {
        return false;
    }
    if (!supported) {
        error_setg(errp, "NUMA is not supported by this machine-type");
        return false;
    }
    if (!has_node) {
        error_setg(errp, "Missing mandatory node-id property");
        return false;
    }
    if (p.node < 0 || p.node >= NUMA_MAX_NODES || !ns->nodes[p.node].present) {
        error_setg(errp,
                   "Invalid node-id=%" PRId64 ", NUMA node must be "
                   "defined with -numa node,nodeid=ID before it's used with "
                   "-numa cpu,node-id=ID",
                   p.node);
        return false;
    }
    return map_cpus(ns, &p, errp);
}

static bool parse_hmat_lb(Members *m, bool supported, Error **errp)
{
    static const char *const hierarchy[] = {
        "memory",
        "first-level",
        "second-level",
        "third-level",
    };
    static const char *const data_type[] = {
        "access-latency",   "read-latency",   "write-latency",
        "access-bandwidth", "read-bandwidth", "write-bandwidth",
    };
    bool has;
    uint64_t v;
    int e;

    if (!get_uint(m, "initiator", 16, true, &has, &v, errp) ||
        !get_uint(m, "target", 16, true, &has, &v, errp) ||
        !get_enum(m, "hierarchy", hierarchy, ARRAY_SIZE(hierarchy), &e, errp) ||
        !get_enum(m, "data-type", data_type, ARRAY_SIZE(data_type), &e, errp) ||
        !get_uint(m, "latency", 64, false, &has, &v, errp) ||
        !get_size(m, "bandwidth", false, &has, &v, errp) ||
        !check_unread(m, errp)) {
        return false;
    }
    error_setg(errp, supported ? HMAT_DISABLED
                               : "NUMA is not supported by this machine-type");
    return false;
}

static bool parse_hmat_cache(Members *m, bool supported, Error **errp)
{
    static const char *const assoc[] = { "none", "direct", "complex" };
    static const char *const policy[] = {
        "none",
        "write-back",
        "write-through",
    };
    bool has;
    uint64_t v;
    int e;

    if (!get_uint(m, "node-id", 32, true, &has, &v, errp) ||
        !get_size(m, "size", true, &has, &v, errp) ||
        !get_uint(m, "level", 8, true, &has, &v, errp) ||
        !get_enum(m, "associativity", assoc, ARRAY_SIZE(assoc), &e, errp) ||
        !get_enum(m, "policy", policy, ARRAY_SIZE(policy), &e, errp) ||
        !get_uint(m, "line", 16, true, &has, &v, errp) ||
        !check_unread(m, errp)) {
        return false;
    }
    error_setg(errp, supported ? HMAT_DISABLED
                               : "NUMA is not supported by this machine-type");
    return false;
}

static bool parse_one(NumaState *ns, const char *arg, bool supported,
                      Error **errp)
{
    static const char *const types[] = {
        "node", "dist", "cpu", "hmat-lb", "hmat-cache",
    };
    Members m;
    int type;
    bool ok;

    m.items = keyval_parse_qemuopts(arg, "type", NULL, errp);
    if (!m.items) {
        return false;
    }
    m.read = xzalloc(json_array_size(m.items) + 1);
    if (!get_enum(&m, "type", types, ARRAY_SIZE(types), &type, errp)) {
        ok = false;
    } else if (type == 0) {
        ok = parse_node(ns, &m, supported, errp);
    } else if (type == 1) {
        ok = parse_dist(ns, &m, supported, errp);
    } else if (type == 2) {
        ok = parse_cpu(ns, &m, supported, errp);
    } else if (type == 3) {
        ok = parse_hmat_lb(&m, supported, errp);
    } else {
        ok = parse_hmat_cache(&m, supported, errp);
    }
    free(m.read);
    json_decref(m.items);
    return ok;
}

NumaState *numa_parse(const MachineOptions *opts, Error **errp)
{
    NumaState *ns = xzalloc(sizeof(*ns));
    bool supported = strcmp(opts->machine_type, "none") != 0;
    unsigned threads = opts->smp_threads ? opts->smp_threads : 1;
    unsigned cores = opts->smp_cores ? opts->smp_cores : 1;
    unsigned dies = opts->smp_dies ? opts->smp_dies : 1;
    size_t i;
    json_t *arg;

    ns->n_cpus = opts->smp_maxcpus ? opts->smp_maxcpus : 1;
    ns->has_die = dies > 1;
    ns->cpus = xzalloc(ns->n_cpus * sizeof(*ns->cpus));
    for (i = 0; i < ns->n_cpus; i++) {
        ns->cpus[i].thread = i % threads;
        ns->cpus[i].core = i / threads % cores;
        ns->cpus[i].die = i / (threads * cores) % dies;
        ns->cpus[i].socket = i / (threads * cores * dies);
        ns->cpus[i].node = -1;
    }
    json_array_foreach (opts->numa_args, i, arg) {
        if (!parse_one(ns, json_string_value(arg), supported, errp)) {
            error_prepend(errp, "-numa %s: ", json_string_value(arg));
            numa_free(ns);
            return NULL;
        }
    }
    return ns;
}

/* QEMU's validate_numa_distance(). */
static bool check_distances(const NumaState *ns, Error **errp)
{
    unsigned src, dst, n = ns->num_nodes;
    bool asym = false;

    for (src = 0; src < n; src++) {
        for (dst = src; dst < n; dst++) {
            uint8_t a = ns->nodes[src].distance[dst];
            uint8_t b = ns->nodes[dst].distance[src];

            if (!a && !b && src != dst) {
                error_setg(errp,
                           "The distance between node %u and %u is "
                           "missing, at least one distance value between "
                           "each nodes should be provided.",
                           src, dst);
                return false;
            }
            if (a && b && a != b) {
                asym = true;
            }
        }
    }
    if (!asym) {
        return true;
    }
    for (src = 0; src < n; src++) {
        for (dst = 0; dst < n; dst++) {
            if (src != dst && !ns->nodes[src].distance[dst]) {
                error_setg(errp, "At least one asymmetrical pair of "
                                 "distances is given, please provide distances "
                                 "for both directions of all node pairs.");
                return false;
            }
        }
    }
    return true;
}

/*
 * QEMU's machine_numa_finish_cpu_init() warnings (QEMU keeps quiet only
 * under the qtest accelerator, which qmachined does not offer; -qtest
 * alone does not silence them).
 */
static void finish_cpus(NumaState *ns)
{
    bool default_mapping = true;
    char *list = NULL;
    unsigned i;

    for (i = 0; i < ns->n_cpus; i++) {
        if (ns->cpus[i].node >= 0) {
            default_mapping = false;
        }
    }
    for (i = 0; i < ns->n_cpus; i++) {
        NumaCpuSlot *s = &ns->cpus[i];
        char *die, *next;

        if (s->node >= 0) {
            continue;
        }
        /* x86's default: socket id modulo the number of nodes */
        s->node = s->socket % ns->num_nodes;
        if (default_mapping) {
            continue;
        }
        die =
            ns->has_die ? xasprintf(", die-id: %" PRId64, s->die) : xstrdup("");
        next = xasprintf("%s%sCPU %u [socket-id: %" PRId64
                         "%s, core-id: %" PRId64 ", thread-id: %" PRId64 "]",
                         list ? list : "", list ? ", " : "", i, s->socket, die,
                         s->core, s->thread);
        free(die);
        free(list);
        list = next;
    }
    if (list) {
        fprintf(stderr,
                "%s: warning: CPU(s) not present in any NUMA nodes: "
                "%s\n",
                OPTIONS_PROGNAME, list);
        fprintf(stderr,
                "%s: warning: All CPU(s) up to maxcpus should be "
                "described in NUMA config, ability to start up with partial "
                "NUMA mappings is obsoleted and will be removed in future\n",
                OPTIONS_PROGNAME);
    }
    free(list);
}

/* The nodes of the machine built, for "info numa". */
static unsigned built_nodes;
static uint64_t built_mem[NUMA_MAX_NODES];

static void keep_built(const NumaState *ns)
{
    unsigned i;

    built_nodes = ns->num_nodes;
    for (i = 0; i < ns->num_nodes; i++) {
        built_mem[i] = ns->nodes[i].mem;
    }
}

unsigned numa_node_count(void)
{
    return built_nodes;
}

uint64_t numa_node_mem(unsigned node)
{
    return node < built_nodes ? built_mem[node] : 0;
}

bool numa_complete(NumaState *ns, uint64_t ram_size, bool machine_memdev,
                   bool auto_node, Error **errp)
{
    uint64_t total = 0;
    unsigned i, j;

    /* No sparse node ids; the largest missing one is reported. */
    for (i = ns->max_nodeid; i-- > 0;) {
        if (!ns->nodes[i].present) {
            error_setg(errp, "numa: Node ID missing: %u", i);
            return false;
        }
    }
    if (!ns->num_nodes && auto_node) {
        /* One node of the machine's own, holding all of its RAM. */
        ns->nodes[0].present = true;
        ns->nodes[0].mem = ram_size;
        ns->num_nodes = ns->max_nodeid = 1;
    }
    keep_built(ns);
    if (!ns->num_nodes) {
        return true;
    }
    for (i = 0; i < ns->num_nodes; i++) {
        total += ns->nodes[i].mem;
    }
    if (total != ram_size) {
        error_setg(errp,
                   "total memory for NUMA nodes (0x%" PRIx64 ") "
                   "should equal RAM size (0x%" PRIx64 ")",
                   total, ram_size);
        return false;
    }
    if (ns->have_memdevs) {
        if (machine_memdev) {
            error_setg(errp, "'-machine memory-backend' and '-numa memdev' "
                             "properties are mutually exclusive");
            return false;
        }
        for (i = 0; i < ns->num_nodes; i++) {
            HostMemoryBackend *be = ns->nodes[i].memdev;

            if (!be) {
                continue;
            }
            for (j = 0; j < i; j++) {
                if (ns->nodes[j].memdev == be) {
                    break;
                }
            }
            if (j < i || backend_is_mapped(be)) {
                error_setg(errp,
                           "memory backend %s can't be used multiple "
                           "times.",
                           backend_id(be));
                return false;
            }
        }
    }
    if (ns->have_distance && !check_distances(ns, errp)) {
        return false;
    }
    finish_cpus(ns);
    return true;
}

void numa_free(NumaState *ns)
{
    if (ns) {
        free(ns->cpus);
        free(ns);
    }
}
