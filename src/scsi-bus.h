/*
 * The SCSI bus and the devices on it, after QEMU 7.2's hw/scsi/scsi-bus.c:
 * the bus type "SCSI" an HBA creates (with its limits: highest channel,
 * target and LUN), the abstract "scsi-device" with its channel, scsi-id
 * and lun properties and "bootindex", the address checks made as a
 * device joins the bus (QEMU's bus check_address), the scsi-id and lun a
 * device gets when it names none, and the paths (dev path, firmware
 * path).  No SCSI command reaches a device: there is no guest I/O.
 */
#ifndef QMACHINED_SCSI_BUS_H
#define QMACHINED_SCSI_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "src/blkconf.h"
#include "src/qdev.h"

#define TYPE_SCSI_BUS "SCSI"
#define TYPE_SCSI_DEVICE "scsi-device"

/* SCSI peripheral device types (INQUIRY byte 0). */
#define SCSI_TYPE_DISK 0x00
#define SCSI_TYPE_ROM 0x05

/* What an HBA's bus allows (QEMU's SCSIBusInfo). */
typedef struct SCSIBusInfo {
    uint32_t max_channel;
    uint32_t max_target;
    uint32_t max_lun;
} SCSIBusInfo;

typedef struct SCSIBus {
    BusState qbus;
    const SCSIBusInfo *info;
} SCSIBus;

OBJECT_DECLARE_CASTS(SCSIBus, BusClass, SCSI_BUS, TYPE_SCSI_BUS)

typedef struct SCSIDevice {
    DeviceState qdev;
    BlockConf conf;
    int32_t bootindex;
    uint32_t channel;
    uint32_t id; /* "scsi-id"; UINT32_MAX: the bus picks one */
    uint32_t lun; /* UINT32_MAX: the bus picks one */
    int type; /* SCSI_TYPE_* */
    uint32_t blocksize;
    uint64_t wwn, port_wwn;
    int32_t default_scsi_version;
    bool hba_supports_iothread;
} SCSIDevice;

typedef struct SCSIDeviceClass {
    DeviceClass parent_class;
    bool (*realize)(SCSIDevice *dev, Error **errp);
    void (*unrealize)(SCSIDevice *dev);
} SCSIDeviceClass;

OBJECT_DECLARE_CASTS(SCSIDevice, SCSIDeviceClass, SCSI_DEVICE, TYPE_SCSI_DEVICE)

/*
 * The HBA host's SCSI bus: "name", or (NULL) QEMU's automatic
 * "scsi.N".  It handles its own devices' hotplug until the HBA takes
 * that over (qbus_set_hotplug_handler).
 */
SCSIBus *scsi_bus_new(DeviceState *host, const char *name,
                      const SCSIBusInfo *info);
/* The realized device at channel:id:lun, else the first one at
 * channel:id, else NULL (QEMU's scsi_device_find). */
SCSIDevice *scsi_device_find(SCSIBus *bus, uint32_t channel, uint32_t id,
                             uint32_t lun);

void scsi_bus_register_types(void);
void scsi_disk_register_types(void);

#endif
