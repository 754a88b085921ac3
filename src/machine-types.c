/* See machine-types.h. */
#include "machine-types.h"

#include <string.h>

/*
 * Read off QEMU 7.2 (Debian 12's qemu-system-x86_64) with query-machines;
 * the order is its GLib type table's, which query-machines walks.
 */
/* clang-format off */
const MachineTypeInfo machine_types[] = {
    { "pc-q35-5.2", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-2.12", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-6.2", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-4.2", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.5", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-4.2", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-5.2", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-1.5", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM | MT_DEPRECATED },
    { "pc-q35-2.7", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-7.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-2.2", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "none", NULL, 1, NULL, "ram", 0 },
    { "pc-i440fx-2.7", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-6.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-2.4", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-7.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-2.10", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "x-remote", NULL, 1, NULL, NULL, 0 },
    { "pc-q35-5.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-1.7", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM | MT_DEPRECATED },
    { "pc-q35-2.9", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.11", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-3.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-6.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-4.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.4", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-4.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-5.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-2.9", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "isapc", NULL, 1, "486-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-1.4", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM | MT_DEPRECATED },
    { "pc-q35-2.6", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-3.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-2.12", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-7.0", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-2.1", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-6.0", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-2.6", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-4.0.1", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-7.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-i440fx-1.6", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM | MT_DEPRECATED },
    { "pc-q35-5.0", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-2.8", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.10", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-3.0", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-6.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-7.2", "q35", 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-4.0", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "microvm", NULL, 288, "qemu64-x86_64-cpu", "microvm.ram", 0 },
    { "pc-i440fx-2.3", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-4.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-5.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-2.8", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-q35-6.2", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS },
    { "pc-q35-2.5", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-3.0", NULL, 255, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
    { "pc-i440fx-7.2", "pc", 255, "qemu64-x86_64-cpu", "pc.ram", MT_DEFAULT | MT_HOTPLUG_CPUS },
    { "pc-q35-2.11", NULL, 288, "qemu64-x86_64-cpu", "pc.ram", MT_HOTPLUG_CPUS | MT_NUMA_MEM },
};
/* clang-format on */
const size_t machine_types_count =
    sizeof(machine_types) / sizeof(machine_types[0]);

const MachineTypeInfo *machine_type_find(const char *name)
{
    for (size_t i = 0; i < machine_types_count; i++) {
        const MachineTypeInfo *mt = &machine_types[i];

        if (!strcmp(mt->name, name) ||
            (mt->alias && !strcmp(mt->alias, name))) {
            return mt;
        }
    }
    return NULL;
}

bool machine_type_modelled(const MachineTypeInfo *mt)
{
    return mt &&
           (!strcmp(mt->name, "pc-i440fx-7.2") || !strcmp(mt->name, "none"));
}
