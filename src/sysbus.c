/*
 * The abstract parents QEMU gives its on-board devices: "sys-bus-device"
 * for memory-mapped ones (ioapic, hpet) and "isa-device" for ISA ones
 * (isa-i8259), and the board helper that realizes them.
 */
#include "sysbus.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

void sysbus_realize_board(DeviceState *dev)
{
    Error *err = NULL;

    if (!qdev_realize(dev, NULL, &err)) {
        fprintf(stderr, "qmachined: %s: %s\n", object_get_typename(OBJECT(dev)),
                error_get_pretty(err));
        abort();
    }
}

static const TypeInfo sysbus_types[] = {
    {
        .name = TYPE_SYS_BUS_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(SysBusDevice),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    {
        .name = TYPE_ISA_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(ISADevice),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
};

void sysbus_register_types(void)
{
    type_register_static_array(sysbus_types, ARRAY_SIZE(sysbus_types));
}
