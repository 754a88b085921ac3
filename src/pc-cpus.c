/*
 * The pc board's possible vCPU slots and its start-up vCPUs.  APIC IDs
 * pack thread, core, die and socket in fields just wide enough for each
 * count (QEMU's x86_apicid_from_cpu_idx).
 */
#include "pc-cpus.h"

#include <stdlib.h>
#include <stdint.h>
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

/* The board's slots, for the machine's pre-plug checks and plug. */
static PCCpus *board;

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
    board = c;
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
    x86_cpu_set_machine_features(c->model, c->features);
    c->threads = threads;
    c->cores = cores;
    c->dies = dies;
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
        CPUState *cpu;

        c->creating = true;
        cpu = x86_cpu_create(c->model, &s->ids, c->system_memory, c->features,
                             errp);
        c->creating = false;
        s->cpu = cpu;
        if (!s->cpu) {
            return false;
        }
    }
    return true;
}

/* An id the vCPU was given must be set and within its range. */
static bool check_id(const char *what, int32_t id, unsigned count, Error **errp)
{
    if (id < 0) {
        error_setg(errp, "CPU %s-id is not set", what);
        return false;
    }
    if ((unsigned)id > count - 1) {
        error_setg(errp, "Invalid CPU %s-id: %u must be in range 0:%u", what,
                   (unsigned)id, count - 1);
        return false;
    }
    return true;
}

bool pc_cpus_pre_plug(CPUState *cpu, Error **errp)
{
    const PCCpus *c = board;
    X86CpuTopoIds ids;
    const PCCpuSlot *slot = NULL;
    unsigned index = 0;

    x86_cpu_get_topo_ids(cpu, &ids);
    if (!c || !c->model) {
        /* -machine none has no hotplug handler: realize decides. */
        if (ids.apic_id == UINT32_MAX) {
            return true;
        }
        error_setg(errp, "vCPU hotplug is not modelled yet");
        return false;
    }
    if (c->creating) {
        return true;
    }
    if (strcmp(object_get_typename(OBJECT(cpu)), c->model->type_name) != 0) {
        error_setg(errp, "Invalid CPU type, expected cpu type: '%s'",
                   c->model->type_name);
        return false;
    }
    if (ids.apic_id == UINT32_MAX) {
        unsigned sockets =
            c->n_slots ? (c->n_slots - 1) / c->threads / c->cores / c->dies + 1
                       : 1;

        if (c->dies > 1 && !check_id("die", ids.die_id, c->dies, errp)) {
            return false;
        }
        if (!check_id("socket", ids.socket_id, sockets, errp) ||
            !check_id("core", ids.core_id, c->cores, errp) ||
            !check_id("thread", ids.thread_id, c->threads, errp)) {
            return false;
        }
        for (index = 0; index < c->n_slots; index++) {
            const X86CpuTopoIds *s = &c->slots[index].ids;

            if (s->socket_id == ids.socket_id && s->core_id == ids.core_id &&
                s->thread_id == ids.thread_id &&
                (c->dies == 1 || s->die_id == ids.die_id)) {
                slot = &c->slots[index];
                break;
            }
        }
    } else {
        for (index = 0; index < c->n_slots; index++) {
            if (c->slots[index].ids.apic_id == ids.apic_id) {
                slot = &c->slots[index];
                break;
            }
        }
    }
    if (!slot && ids.apic_id != UINT32_MAX) {
        /* The message shows the ids the APIC ID decodes to. */
        unsigned tbits = bits_for(c->threads), cbits = bits_for(c->cores);
        unsigned dbits = bits_for(c->dies);

        ids.thread_id = (int32_t)(ids.apic_id & ((1u << tbits) - 1));
        ids.core_id = (int32_t)(ids.apic_id >> tbits & ((1u << cbits) - 1));
        ids.die_id =
            (int32_t)(ids.apic_id >> (tbits + cbits) & ((1u << dbits) - 1));
        ids.socket_id = (int32_t)(ids.apic_id >> (tbits + cbits + dbits));
    }
    if (!slot) {
        error_setg(errp,
                   "Invalid CPU [socket: %d, die: %d, core: %d, thread: %d] "
                   "with APIC ID %u, valid index range 0:%u",
                   ids.socket_id, ids.die_id < 0 ? 0 : ids.die_id, ids.core_id,
                   ids.thread_id, ids.apic_id, c->n_slots - 1);
        return false;
    }
    if (slot->cpu) {
        error_setg(errp, "CPU[%u] with APIC ID %u exists", index,
                   slot->ids.apic_id);
        return false;
    }
    /* The vCPU takes its slot's ids (APIC ID, topology, NUMA node) and
     * its index as cpu-index (QEMU's x86_cpu_pre_plug). */
    x86_cpu_set_topo_ids(cpu, &slot->ids);
    cpu->cpu_index = (int)index;
    return true;
}

/* The slot holding cpu (or whose APIC ID it has), or NULL. */
static PCCpuSlot *slot_of_cpu(CPUState *cpu, unsigned *index)
{
    X86CpuTopoIds ids;

    if (!board) {
        return NULL;
    }
    x86_cpu_get_topo_ids(cpu, &ids);
    for (unsigned i = 0; i < board->n_slots; i++) {
        if (board->slots[i].cpu == cpu ||
            board->slots[i].ids.apic_id == ids.apic_id) {
            if (index) {
                *index = i;
            }
            return &board->slots[i];
        }
    }
    return NULL;
}

void pc_cpus_plug(CPUState *cpu)
{
    PCCpuSlot *slot = slot_of_cpu(cpu, NULL);

    if (slot) {
        slot->cpu = cpu;
    }
}

int pc_cpus_slot_index(CPUState *cpu)
{
    unsigned index;

    return slot_of_cpu(cpu, &index) ? (int)index : -1;
}

void pc_cpus_unplug(CPUState *cpu)
{
    PCCpuSlot *slot = slot_of_cpu(cpu, NULL);

    if (slot && slot->cpu == cpu) {
        slot->cpu = NULL;
    }
    /*
     * QEMU 7.2 under TCG never frees an unplugged vCPU (its thread's
     * reference stays), so there is no DEVICE_DELETED for the vCPU itself,
     * only for its lapic.  The same reference is kept here.
     */
    if (board) {
        board->retired = xrealloc(board->retired, (board->n_retired + 1) *
                                                      sizeof(*board->retired));
        board->retired[board->n_retired++] = object_ref(OBJECT(cpu));
    }
}
