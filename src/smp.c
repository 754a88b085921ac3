/* -smp: the CPU topology; see smp.h. */
#include "smp.h"

#include <stdint.h>
#include <string.h>

#include "keyval.h"
#include "options-report.h"
#include "util.h"

/* pc's max_cpus (MachineClass); "none" has one CPU. */
#define PC_MAX_CPUS 255

static bool is_key(const char *key, const char *const *keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!strcmp(key, keys[i])) {
            return true;
        }
    }
    return false;
}

bool smp_parse(MachineOptions *o, json_t *smp, Error **errp)
{
    static const char *const keys[] = {
        "cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus",
    };
    bool pc = !strcmp(o->machine_type, OPTIONS_MACHINE_PC);
    uint64_t v[ARRAY_SIZE(keys)] = { 0 };
    bool zero = false;
    unsigned cpus, sockets, dies, clusters, cores, threads, maxcpus;
    unsigned max_cpus = pc ? PC_MAX_CPUS : 1;
    const char *key;
    json_t *val;
    char *topo;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *s = json_string_value(json_object_get(smp, keys[i]));
        char *name = xasprintf("smp.%s", keys[i]);
        bool ok = !s || keyval_visit_uint64(name, s, &v[i], errp);

        free(name);
        if (!ok) {
            return false;
        }
        if (s && v[i] == 0) {
            zero = true;
        }
    }
    json_object_foreach (smp, key, val) {
        if (!is_key(key, keys, ARRAY_SIZE(keys))) {
            error_setg(errp, "Parameter 'smp.%s' is unexpected", key);
            return false;
        }
    }
    if (zero) {
        options_warn("Deprecated CPU topology (considered invalid): CPU "
                     "topology parameters must be greater than zero");
    }
    cpus = v[0];
    sockets = v[1];
    dies = v[2] ? v[2] : 1;
    clusters = v[3] ? v[3] : 1;
    cores = v[4];
    threads = v[5];
    maxcpus = v[6];
    if (v[2] > 1 && !pc) {
        error_setg(errp, "dies not supported by this machine's CPU "
                         "topology");
        return false;
    }
    if (v[3] > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU "
                         "topology");
        return false;
    }
    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        /* Since 6.2, missing values prefer cores over sockets. */
        if (cores == 0) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * clusters * threads);
        } else if (sockets == 0) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * clusters * cores * threads);
        }
        if (threads == 0) {
            threads = maxcpus / (sockets * dies * clusters * cores);
        }
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * clusters * cores * threads;
    cpus = cpus ? cpus : maxcpus;
    if (pc) {
        topo = xasprintf("sockets (%u) * dies (%u) * cores (%u) * "
                         "threads (%u)",
                         sockets, dies, cores, threads);
    } else {
        topo = xasprintf("sockets (%u) * cores (%u) * threads (%u)", sockets,
                         cores, threads);
    }
    if (sockets * dies * clusters * cores * threads != maxcpus) {
        error_setg(errp,
                   "Invalid CPU topology: product of the hierarchy must "
                   "match maxcpus: %s != maxcpus (%u)",
                   topo, maxcpus);
        free(topo);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp,
                   "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                   topo, maxcpus, cpus);
        free(topo);
        return false;
    }
    free(topo);
    if (maxcpus > max_cpus) {
        error_setg(errp,
                   "Invalid SMP CPUs %d. The max CPUs supported by "
                   "machine '%s' is %d",
                   (int)maxcpus, o->machine_type, (int)max_cpus);
        return false;
    }
    o->smp_cpus = cpus;
    o->smp_sockets = sockets;
    o->smp_dies = dies;
    o->smp_cores = cores;
    o->smp_threads = threads;
    o->smp_maxcpus = maxcpus;
    return true;
}
