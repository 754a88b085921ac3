/*
 * System control port A at 0x92 ("port92"): bit 1 is the fast A20 gate,
 * setting bit 0 requests a system reset.  The register reads back what
 * was written; reset clears bit 0.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define PORT92_RESET 0x01

struct Port92State {
    ISADevice parent_obj;
    uint16_t port; /* set by the board before realize */
    uint8_t outport;
    MemoryRegion io;
};

OBJECT_DECLARE_CASTS(Port92State, DeviceClass, PORT92, TYPE_PORT92)

static uint64_t port92_read(void *opaque, uint64_t addr, unsigned size)
{
    Port92State *s = opaque;

    (void)addr;
    (void)size;
    return s->outport;
}

static void port92_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    (void)addr;
    (void)size;
    s->outport = (uint8_t)val;
    if ((val & PORT92_RESET) && !(old & PORT92_RESET)) {
        isa_request_system_reset();
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void port92_reset(Port92State *s)
{
    s->outport &= ~PORT92_RESET;
}

static bool port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    (void)errp;
    memory_region_init_io(&s->io, NULL, &port92_ops, s, "port92", 1);
    isa_register_ioport(&s->parent_obj, &s->io, s->port);
    return true;
}

static void port92_qdev_reset(DeviceState *dev)
{
    port92_reset(PORT92(dev));
}

static void port92_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = port92_realize;
    dc->reset = port92_qdev_reset;
}

const TypeInfo port92_type_info = {
    .name = TYPE_PORT92,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(Port92State),
    .class_size = sizeof(DeviceClass),
    .class_init = port92_class_init,
};

Port92State *port92_init(MemoryRegion *io, uint16_t port)
{
    Port92State *s = PORT92(qdev_new(TYPE_PORT92));

    s->parent_obj.io = io;
    s->port = port;
    isa_realize_board(s);
    return s;
}
