/* Base types for devices on the system bus and the ISA bus. */
#ifndef QMACHINED_SYSBUS_H
#define QMACHINED_SYSBUS_H

#define TYPE_SYS_BUS_DEVICE "sys-bus-device"
#define TYPE_ISA_DEVICE "isa-device"

void sysbus_register_types(void);

#endif
