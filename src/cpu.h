/*
 * The abstract "cpu" device type every vCPU derives from (QEMU's
 * hw/core/cpu-common.c): the list of realized vCPUs in cpu-index order
 * and the properties all CPUs share ("memory", "start-powered-off").
 */
#ifndef QMACHINED_CPU_H
#define QMACHINED_CPU_H

#include <stdbool.h>

#include "qdev.h"

#define TYPE_CPU "cpu"
#define CPU_INDEX_UNASSIGNED (-1)

typedef struct CPUState {
    DeviceState parent_obj;
    /* Set by the machine's pre-plug, else when realized (-1: not yet). */
    int cpu_index;
    bool start_powered_off;
    Object *memory; /* the "memory" link: the system memory region */
    struct CPUState *next;
} CPUState;

OBJECT_DECLARE_CASTS(CPUState, DeviceClass, CPU, TYPE_CPU)

/* Realized vCPUs in cpu-index order (NULL: none / the end). */
CPUState *cpu_first(void);
CPUState *cpu_next(CPUState *cpu);

/*
 * Called by a CPU type's realize / unrealize: the vCPU joins the end of
 * the list, with the lowest free cpu-index unless it has one (QEMU's
 * cpu_list_add), or leaves it.
 */
void cpu_list_add(CPUState *cpu);
void cpu_list_remove(CPUState *cpu);

/* The object new vCPUs' "memory" link starts at (the system memory's). */
void cpu_set_default_memory(Object *memory);

void cpu_register_types(void);

#endif
