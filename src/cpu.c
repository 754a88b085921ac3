/*
 * The abstract "cpu" type and the list of realized vCPUs.  A vCPU takes
 * the lowest cpu-index no other vCPU holds when it is realized and gives
 * it back when unrealized, as QEMU's cpu_list_add/cpu_list_remove do, so
 * that a later vCPU hotplug fills the gap.
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
}

CPUState *cpu_first(void)
{
    return cpu_list;
}

CPUState *cpu_next(CPUState *cpu)
{
    return cpu ? cpu->next : NULL;
}

void cpu_list_add(CPUState *cpu)
{
    CPUState **link = &cpu_list;
    int index = 0;

    /* The list is sorted by cpu-index: stop at the first gap. */
    while (*link && (*link)->cpu_index == index) {
        link = &(*link)->next;
        index++;
    }
    cpu->cpu_index = index;
    cpu->next = *link;
    *link = cpu;
}

void cpu_list_remove(CPUState *cpu)
{
    for (CPUState **link = &cpu_list; *link; link = &(*link)->next) {
        if (*link == cpu) {
            *link = cpu->next;
            cpu->next = NULL;
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

static Property cpu_props[] = {
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
