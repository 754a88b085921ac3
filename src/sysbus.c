/*
 * The abstract parents QEMU gives its on-board devices: "sys-bus-device"
 * for memory-mapped ones (ioapic, hpet) and "isa-device" for ISA ones
 * (isa-i8259).  They add nothing of their own here.
 */
#include "sysbus.h"

#include "qdev.h"
#include "util.h"

static const TypeInfo sysbus_types[] = {
    {
        .name = TYPE_SYS_BUS_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    {
        .name = TYPE_ISA_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
};

void sysbus_register_types(void)
{
    type_register_static_array(sysbus_types, ARRAY_SIZE(sysbus_types));
}
