/*
 * The machine types QEMU 7.2's qemu-system-x86_64 has, with what
 * query-machines reports of each, and which of them qmachined models.
 */
#ifndef QMACHINED_MACHINE_TYPES_H
#define QMACHINED_MACHINE_TYPES_H

#include <stdbool.h>
#include <stddef.h>

enum {
    MT_DEFAULT = 1 << 0, /* is-default */
    MT_HOTPLUG_CPUS = 1 << 1, /* hotpluggable-cpus */
    MT_NUMA_MEM = 1 << 2, /* numa-mem-supported */
    MT_DEPRECATED = 1 << 3, /* deprecated */
};

typedef struct MachineTypeInfo {
    const char *name;
    const char *alias; /* NULL: none */
    int cpu_max;
    const char *default_cpu_type; /* NULL: none */
    const char *default_ram_id; /* NULL: none */
    unsigned flags; /* MT_* */
} MachineTypeInfo;

/* In the order query-machines lists them (QEMU's type-table order). */
extern const MachineTypeInfo machine_types[];
extern const size_t machine_types_count;

/* By name or alias; NULL if QEMU 7.2 has no such machine. */
const MachineTypeInfo *machine_type_find(const char *name);
/* The ones qmachined builds: pc-i440fx-7.2 (alias pc) and none. */
bool machine_type_modelled(const MachineTypeInfo *mt);

#endif
