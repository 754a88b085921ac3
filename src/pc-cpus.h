/*
 * The pc board's vCPUs: the possible CPU slots the -smp topology gives
 * (QEMU's possible_cpus: one per maxcpus, with socket/die/core/thread
 * ids, the APIC ID and the NUMA node), and the vCPUs created in them at
 * start-up.  A slot without a vCPU is where a hotplugged one would go.
 */
#ifndef QMACHINED_PC_CPUS_H
#define QMACHINED_PC_CPUS_H

#include <stdbool.h>

#include "machine-options.h"
#include "numa.h"
#include "x86-cpu.h"

typedef struct PCCpuSlot {
    X86CpuTopoIds ids;
    bool has_die; /* -smp dies > 1 */
    bool has_node; /* -numa configured */
    CPUState *cpu; /* NULL: empty */
} PCCpuSlot;

typedef struct PCCpus {
    const X86CpuModel *model; /* NULL: no vCPUs (-machine none) */
    unsigned n_slots;
    PCCpuSlot *slots;
    Object *system_memory; /* "system[0]": the vCPUs' "memory" link */
    X86CpuFeatures *features; /* -cpu's, for every vCPU */
    unsigned threads, cores, dies; /* -smp's */
    bool creating; /* pc_cpus_create is realizing a board vCPU */
    Object **retired; /* unplugged vCPUs, kept as QEMU keeps them */
    unsigned n_retired;
} PCCpus;

/*
 * Lays out the slots for opts' -smp and -cpu and ns's node mapping (none
 * for -machine none, which fails with -cpu as QEMU's does).  Fails for a
 * model QEMU cannot run under TCG ("host").
 */
bool pc_cpus_init(PCCpus *c, const MachineOptions *opts, const NumaState *ns,
                  Error **errp);
/* Creates and realizes vCPUs in slots first .. first + count - 1. */
bool pc_cpus_create(PCCpus *c, unsigned first, unsigned count, Error **errp);

/*
 * The machine's pre-plug checks for a vCPU being realized, QEMU's
 * x86_cpu_pre_plug in its order (type, topology ids, the slot, a vCPU
 * already there); a vCPU that passes takes its slot's ids.  The board's
 * own start-up vCPUs pass as they are.
 */
bool pc_cpus_pre_plug(CPUState *cpu, Error **errp);
/* A plugged vCPU takes its slot (query-hotpluggable-cpus shows it). */
void pc_cpus_plug(CPUState *cpu);
/* cpu's slot index (QEMU's x86_find_cpu_slot), or -1. */
int pc_cpus_slot_index(CPUState *cpu);
/*
 * An unplugged vCPU leaves its slot.  Its object is kept referenced, as
 * QEMU 7.2 under TCG never finalizes it.
 */
void pc_cpus_unplug(CPUState *cpu);

/* The current machine's vCPU slots (NULL: none or no vCPUs at all). */
const PCCpus *pc_machine_cpus(void);

#endif
