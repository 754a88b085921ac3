/*
 * The USB bus (QEMU's usb-bus): the bus a host controller such as
 * piix3-usb-uhci offers.  No USB device types are modelled, so a bus
 * never has children; it is its own hotplug handler, as in QEMU.
 */
#ifndef QMACHINED_USB_H
#define QMACHINED_USB_H

#include <stdbool.h>

#include "qdev.h"

#define TYPE_USB_BUS "usb-bus"
#define TYPE_PIIX3_USB_UHCI "piix3-usb-uhci"

/* A new USB bus below the controller host (named as QEMU names it). */
BusState *usb_bus_new(DeviceState *host);

/* Whether any USB bus exists (HMP "info usb" needs one). */
bool usb_bus_exists(void);

void usb_register_types(void);

#endif
