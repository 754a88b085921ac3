/*
 * PC speaker control at port 0x61 ("pcspk"): bit 0 gates PIT channel 2,
 * bit 1 enables the speaker data; reads add channel 2's output (bit 5) and
 * the refresh-clock bit 4, which QEMU toggles on every read.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define SPK_GATE 0x01
#define SPK_DATA_ON 0x02
#define SPK_REFRESH 0x10
#define SPK_OUT_SHIFT 5
#define PIT_SPEAKER_CHANNEL 2

struct PCSpkState {
    ISADevice parent_obj;
    /* Set by the board before realize. */
    uint16_t port;
    PITState *pit;
    /* Registers. */
    uint8_t data_on;
    uint8_t refresh;
    MemoryRegion io;
};

OBJECT_DECLARE_CASTS(PCSpkState, DeviceClass, PC_SPEAKER, TYPE_ISA_PCSPK)

static uint64_t pcspk_read(void *opaque, uint64_t addr, unsigned size)
{
    PCSpkState *s = opaque;
    int gate, mode, out;

    (void)addr;
    (void)size;
    pit_get_channel_info(s->pit, PIT_SPEAKER_CHANNEL, &gate, &mode, &out);
    s->refresh ^= SPK_REFRESH;
    return (uint64_t)(gate | (s->data_on << 1) | s->refresh |
                      (out << SPK_OUT_SHIFT));
}

static void pcspk_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    PCSpkState *s = opaque;

    (void)addr;
    (void)size;
    s->data_on = (val & SPK_DATA_ON) ? 1 : 0;
    pit_set_gate(s->pit, PIT_SPEAKER_CHANNEL, (val & SPK_GATE) ? 1 : 0);
}

static const MemoryRegionOps pcspk_ops = {
    .read = pcspk_read,
    .write = pcspk_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool pcspk_realize(DeviceState *dev, Error **errp)
{
    PCSpkState *s = PC_SPEAKER(dev);

    (void)errp;
    memory_region_init_io(&s->io, NULL, &pcspk_ops, s, "pcspk", 1);
    isa_register_ioport(&s->parent_obj, &s->io, s->port);
    return true;
}

static void pcspk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    /* No reset: like QEMU's, its state survives a system reset. */
    dc->realize = pcspk_realize;
}

const TypeInfo pcspk_type_info = {
    .name = TYPE_ISA_PCSPK,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PCSpkState),
    .class_size = sizeof(DeviceClass),
    .class_init = pcspk_class_init,
};

PCSpkState *pcspk_init(MemoryRegion *io, uint16_t port, PITState *pit)
{
    PCSpkState *s = PC_SPEAKER(qdev_new(TYPE_ISA_PCSPK));

    s->parent_obj.io = io;
    s->port = port;
    s->pit = pit;
    isa_realize_board(s);
    return s;
}
