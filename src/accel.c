/*
 * Accelerator types (accel, tcg-accel, kvm-accel) with the class
 * properties QEMU 7.2 gives them, for QOM introspection: libvirt looks for
 * tcg-accel in qom-list-types before it accepts <domain type='qemu'>.
 * qmachined runs no accelerator and puts no accelerator object in the
 * tree; -accel and its options are parsed by src/options.c, so these
 * properties have no accessors.
 */
#include "accel.h"

#include "object.h"
#include "util.h"

static void add_prop(ObjectClass *k, const char *name, const char *type,
                     const char *desc)
{
    object_class_property_add(k, name, type, NULL, NULL, NULL, NULL);
    if (desc) {
        object_class_property_set_description(k, name, desc);
    }
}

static void tcg_accel_class_init(ObjectClass *k, void *data)
{
    (void)data;
    add_prop(k, "thread", "string", NULL);
    add_prop(k, "tb-size", "int", "TCG translation block cache size");
    add_prop(k, "split-wx", "bool",
             "Map jit pages into separate RW and RX regions");
}

static void kvm_accel_class_init(ObjectClass *k, void *data)
{
    (void)data;
    add_prop(k, "kernel-irqchip", "on|off|split",
             "Configure KVM in-kernel irqchip");
    add_prop(k, "kvm-shadow-mem", "int", "KVM shadow MMU size");
    add_prop(k, "dirty-ring-size", "uint32",
             "Size of KVM dirty page ring buffer (default: 0, i.e. use "
             "bitmap)");
    add_prop(k, "notify-vmexit", "NotifyVMexitOption", "Enable notify VM exit");
    add_prop(k, "notify-window", "uint32",
             "Clock cycles without an event window after which a "
             "notification VM exit occurs");
}

static const TypeInfo accel_types[] = {
    {
        .name = TYPE_ACCEL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
    },
    {
        .name = "tcg-accel",
        .parent = TYPE_ACCEL,
        .class_init = tcg_accel_class_init,
    },
    {
        .name = "kvm-accel",
        .parent = TYPE_ACCEL,
        .class_init = kvm_accel_class_init,
    },
};

void accel_register_types(void)
{
    type_register_static_array(accel_types, ARRAY_SIZE(accel_types));
}
