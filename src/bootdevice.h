/*
 * The firmware boot order as QEMU 7.2 keeps it (softmmu/bootdevice.c):
 * devices with a "bootindex" register their index; an index may be used
 * once.  The "bootindex" instance property of a device lives here.
 */
#ifndef QMACHINED_BOOTDEVICE_H
#define QMACHINED_BOOTDEVICE_H

#include <stdint.h>

#include "src/qdev.h"

/*
 * Adds the "bootindex" property ("int32", initially -1) to obj, backed
 * by *bootindex; dev is the device the entry names.  Setting a
 * non-negative index another entry holds fails with QEMU's error; the
 * entry goes with the property (with obj).
 */
void bootdevice_add_property(Object *obj, int32_t *bootindex, DeviceState *dev);

#endif
