/*
 * Base types for devices on the system bus and the ISA bus, and the
 * instance structs the devices of each kind start with.
 */
#ifndef QMACHINED_SYSBUS_H
#define QMACHINED_SYSBUS_H

#include "src/memory.h"
#include "src/qdev.h"

#define TYPE_SYS_BUS_DEVICE "sys-bus-device"
#define TYPE_ISA_DEVICE "isa-device"

/* A memory-mapped on-board device (ioapic, hpet, fw_cfg, kvmvapic). */
typedef struct SysBusDevice {
    DeviceState parent_obj;
} SysBusDevice;

/*
 * A device on the ISA bus: the board sets io, the I/O space its ports
 * are mapped in, before realizing it (NULL: the ports stay unmapped, as
 * for one created with -device).
 */
typedef struct ISADevice {
    DeviceState parent_obj;
    MemoryRegion *io;
} ISADevice;

OBJECT_DECLARE_CASTS(SysBusDevice, DeviceClass, SYS_BUS_DEVICE,
                     TYPE_SYS_BUS_DEVICE)
OBJECT_DECLARE_CASTS(ISADevice, DeviceClass, ISA_DEVICE, TYPE_ISA_DEVICE)

/* Realizes an on-board device, which cannot fail (aborts if it does). */
void sysbus_realize_board(DeviceState *dev);

void sysbus_register_types(void);

#endif
