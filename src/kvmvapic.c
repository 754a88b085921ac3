/*
 * kvmvapic's I/O ports at 0x7e ("kvmvapic", 2 ports).  With TCG and no
 * option ROM the guest never completes the handshake; reads give all ones
 * and writes are dropped, as in QEMU without a vCPU to patch.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define VAPIC_IO_SIZE 2

struct VAPICState {
    SysBusDevice parent_obj;
    /* Set by the board before realize (io NULL: not mapped). */
    MemoryRegion *io_space;
    uint16_t port;
    MemoryRegion io;
};

OBJECT_DECLARE_CASTS(VAPICState, DeviceClass, VAPIC, TYPE_KVMVAPIC)

static uint64_t vapic_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0xffffffff;
}

static void vapic_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps vapic_ops = {
    .read = vapic_read,
    .write = vapic_write,
};

static bool vapic_realize(DeviceState *dev, Error **errp)
{
    VAPICState *s = VAPIC(dev);

    (void)errp;
    memory_region_init_io(&s->io, NULL, &vapic_ops, s, "kvmvapic",
                          VAPIC_IO_SIZE);
    if (s->io_space) {
        memory_region_add_subregion(s->io_space, s->port, &s->io);
    }
    return true;
}

static void vapic_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->realize = vapic_realize;
}

const TypeInfo kvmvapic_type_info = {
    .name = TYPE_KVMVAPIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(VAPICState),
    .class_size = sizeof(DeviceClass),
    .class_init = vapic_class_init,
};

VAPICState *kvmvapic_init(MemoryRegion *io, uint16_t port)
{
    VAPICState *s = VAPIC(qdev_new(TYPE_KVMVAPIC));

    s->io_space = io;
    s->port = port;
    isa_realize_board(s);
    return s;
}
