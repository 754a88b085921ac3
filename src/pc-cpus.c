/*
 * The pc board's possible vCPU slots and its start-up vCPUs.  APIC IDs
 * pack thread, core, die and socket in fields just wide enough for each
 * count (QEMU's x86_apicid_from_cpu_idx).
 */
#include "pc-cpus.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "util.h"

static unsigned bits_for(unsigned count)
{
    unsigned bits = 0;

    while (count > 1 && (1u << bits) < count) {
        bits++;
    }
    return bits;
}

bool pc_cpus_init(PCCpus *c, const MachineOptions *opts, const NumaState *ns,
                  Error **errp)
{
    unsigned threads = opts->smp_threads ? opts->smp_threads : 1;
    unsigned cores = opts->smp_cores ? opts->smp_cores : 1;
    unsigned dies = opts->smp_dies ? opts->smp_dies : 1;
    unsigned max = opts->smp_maxcpus ? opts->smp_maxcpus : 1;
    unsigned tbits = bits_for(threads), cbits = bits_for(cores);
    unsigned dbits = bits_for(dies);

    /* The system memory region as a QOM object (QEMU's "system[0]"). */
    c->system_memory = object_new(TYPE_MEMORY_REGION);
    object_property_add_child(container_get(qdev_get_machine(), "/unattached"),
                              "system[*]", c->system_memory);
    object_unref(c->system_memory);
    cpu_set_default_memory(c->system_memory);
    if (!strcmp(opts->machine_type, "none")) {
        /* No vCPU unless -cpu asks; then QEMU's none machine cannot. */
        if (opts->cpu_given) {
            error_setg(errp, "apic-id property was not initialized properly");
            return false;
        }
        c->model = NULL;
        c->n_slots = 0;
        return true;
    }
    c->model = x86_cpu_model_find(opts->cpu_model);
    if (!c->model) {
        error_setg(errp, "unable to find CPU model '%s'", opts->cpu_model);
        return false;
    }
    if (c->model->flags & X86_MODEL_NEEDS_KVM) {
        error_setg(errp, "CPU model '%s' requires KVM or HVF", c->model->name);
        return false;
    }
    c->features = x86_cpu_features_parse(opts->cpu_features);
    c->n_slots = max;
    c->slots = xzalloc(max * sizeof(*c->slots));
    for (unsigned i = 0; i < max; i++) {
        PCCpuSlot *s = &c->slots[i];
        unsigned thread = i % threads, core = i / threads % cores;
        unsigned die = i / (threads * cores) % dies;
        unsigned socket = i / (threads * cores * dies);

        s->ids.thread_id = (int32_t)thread;
        s->ids.core_id = (int32_t)core;
        s->ids.die_id = (int32_t)die;
        s->ids.socket_id = (int32_t)socket;
        s->ids.apic_id = socket << (dbits + cbits + tbits) |
                         die << (cbits + tbits) | core << tbits | thread;
        s->has_die = dies > 1;
        s->has_node = ns && ns->num_nodes > 0 && i < ns->n_cpus;
        s->ids.node_id = s->has_node ? (int32_t)ns->cpus[i].node : -1;
    }
    return true;
}

bool pc_cpus_create(PCCpus *c, unsigned first, unsigned count, Error **errp)
{
    for (unsigned i = first; i < first + count && i < c->n_slots; i++) {
        PCCpuSlot *s = &c->slots[i];

        s->cpu = x86_cpu_create(c->model, &s->ids, c->system_memory,
                                c->features, errp);
        if (!s->cpu) {
            return false;
        }
    }
    return true;
}
