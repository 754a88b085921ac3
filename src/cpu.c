/*
 * The abstract "cpu" type and the list of realized vCPUs, in the order
 * they were realized (QEMU's CPU_FOREACH).  A vCPU keeps the cpu-index
 * its machine's pre-plug gave it (the pc board: its slot index), else
 * takes the lowest one no other vCPU holds; unrealized, it leaves the
 * list and its index is free again.
 */
#include "cpu.h"

#include <stddef.h>

#include "backend.h"
#include "util.h"

static CPUState *cpu_list;
static Object *default_memory;

void cpu_set_default_memory(Object *memory)
{
    default_memory = memory;
}

static void cpu_instance_init(Object *obj)
{
    /* Every vCPU starts out in system memory (QEMU's cpu_common_initfn). */
    CPU(obj)->memory = default_memory ? object_ref(default_memory) : NULL;
    CPU(obj)->cpu_index = CPU_INDEX_UNASSIGNED;
}

CPUState *cpu_first(void)
{
    return cpu_list;
}

CPUState *cpu_next(CPUState *cpu)
{
    return cpu ? cpu->next : NULL;
}

static bool index_taken(int index)
{
    for (CPUState *c = cpu_list; c; c = c->next) {
        if (c->cpu_index == index) {
            return true;
        }
    }
    return false;
}

void cpu_list_add(CPUState *cpu)
{
    CPUState **link = &cpu_list;

    if (cpu->cpu_index < 0) {
        int index = 0;

        while (index_taken(index)) {
            index++;
        }
        cpu->cpu_index = index;
    }
    while (*link) {
        link = &(*link)->next;
    }
    cpu->next = NULL;
    *link = cpu;
}

void cpu_list_remove(CPUState *cpu)
{
    for (CPUState **link = &cpu_list; *link; link = &(*link)->next) {
        if (*link == cpu) {
            *link = cpu->next;
            cpu->next = NULL;
            cpu->cpu_index = CPU_INDEX_UNASSIGNED;
            return;
        }
    }
}

static bool cpu_powered_off_get(Object *obj, Error **errp)
{
    (void)errp;
    return CPU(obj)->start_powered_off;
}

static bool cpu_powered_off_set(Object *obj, bool value, Error **errp)
{
    (void)errp;
    CPU(obj)->start_powered_off = value;
    return true;
}

static const Property cpu_props[] = {
    DEFINE_PROP_LINK("memory", CPUState, memory, TYPE_MEMORY_REGION, Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static void cpu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    device_class_set_props(dc, cpu_props);
    object_class_property_add_bool(klass, "start-powered-off",
                                   cpu_powered_off_get, cpu_powered_off_set);
    dc->categories |= 1ul << DEVICE_CATEGORY_CPU;
    /* device_add reaches the machine's checks (pc_cpus_pre_plug). */
    dc->user_creatable = true;
}

static const TypeInfo cpu_type_info = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .abstract = true,
    .instance_size = sizeof(CPUState),
    .instance_init = cpu_instance_init,
    .class_size = sizeof(DeviceClass),
    .class_init = cpu_class_init,
};

void cpu_register_types(void)
{
    type_register_static(&cpu_type_info);
}
