/*
 * vmmouse, the VMware absolute mouse.  In QEMU it answers backdoor
 * commands that reach it through vmport, which needs a CPU; here it has
 * no state beyond its place in the QOM tree.
 */
#include "isa.h"

struct VMMouseState {
    ISADevice parent_obj;
};

OBJECT_DECLARE_CASTS(VMMouseState, DeviceClass, VMMOUSE, TYPE_VMMOUSE)

const TypeInfo vmmouse_type_info = {
    .name = TYPE_VMMOUSE,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(VMMouseState),
    .class_size = sizeof(DeviceClass),
};

VMMouseState *vmmouse_init(void)
{
    VMMouseState *s = VMMOUSE(qdev_new(TYPE_VMMOUSE));

    isa_realize_board(s);
    return s;
}
