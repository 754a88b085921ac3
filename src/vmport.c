/*
 * VMware backdoor port 0x5658 ("vmport", 32-bit accesses only).  QEMU
 * answers from the calling vCPU's registers: without the magic in EAX it
 * returns EAX unchanged.  qmachined has no vCPU registers; reads return
 * EAX's reset value, 0, and writes are dropped.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define VMPORT_ACCESS_SIZE 4

struct VMPortState {
    ISADevice parent_obj;
    uint16_t port; /* set by the board before realize */
    MemoryRegion io;
};

OBJECT_DECLARE_CASTS(VMPortState, DeviceClass, VMPORT, TYPE_VMPORT)

static uint64_t vmport_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0;
}

static void vmport_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps vmport_ops = {
    .read = vmport_read,
    .write = vmport_write,
    .valid = { .min_access_size = VMPORT_ACCESS_SIZE,
               .max_access_size = VMPORT_ACCESS_SIZE },
};

static bool vmport_realize(DeviceState *dev, Error **errp)
{
    VMPortState *s = VMPORT(dev);

    (void)errp;
    memory_region_init_io(&s->io, NULL, &vmport_ops, s, "vmport", 1);
    isa_register_ioport(&s->parent_obj, &s->io, s->port);
    return true;
}

static void vmport_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->realize = vmport_realize;
}

const TypeInfo vmport_type_info = {
    .name = TYPE_VMPORT,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(VMPortState),
    .class_size = sizeof(DeviceClass),
    .class_init = vmport_class_init,
};

VMPortState *vmport_init(MemoryRegion *io, uint16_t port)
{
    VMPortState *s = VMPORT(qdev_new(TYPE_VMPORT));

    s->parent_obj.io = io;
    s->port = port;
    isa_realize_board(s);
    return s;
}
