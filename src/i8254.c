/*
 * Intel 8254 programmable interval timer at 0x40-0x43 ("pit").
 *
 * QEMU counts from the virtual clock, which stands still while the machine
 * is paused; qmachined's virtual clock never advances, so every counter
 * reads as if it had just been loaded (no ticks elapsed).  Latching,
 * read-back (count and status), access modes and the output level follow
 * QEMU's formulas with zero elapsed ticks.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define PIT_REG_COMMAND 3

/* Access modes (also the read/write state machine). */
#define RW_LSB 1
#define RW_MSB 2
#define RW_WORD0 3
#define RW_WORD1 4

#define CMD_CHANNEL_SHIFT 6
#define CMD_READBACK 3
#define READBACK_NO_COUNT 0x20
#define READBACK_NO_STATUS 0x10

typedef struct PITChannel {
    int32_t count; /* 1..0x10000 */
    uint16_t latched_count;
    uint8_t count_latched; /* RW_* of the pending latch, 0 none */
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state, write_state, write_latch;
    uint8_t rw_mode, mode, bcd, gate;
} PITChannel;

struct PITState {
    ISADevice parent_obj;
    /* Set by the board before realize. */
    uint16_t base;
    qemu_irq irq0;
    /* Registers. */
    PITChannel ch[3];
    MemoryRegion io;
};

OBJECT_DECLARE_CASTS(PITState, DeviceClass, ISA_PIT, TYPE_ISA_PIT)

/* Ticks since the channel's count was loaded: the clock stands still. */
static uint64_t pit_elapsed(const PITChannel *c)
{
    (void)c;
    return 0;
}

static int pit_get_count(const PITChannel *c)
{
    uint64_t d = pit_elapsed(c);

    switch (c->mode) {
    case 0:
    case 1:
    case 4:
    case 5:
        return (int)((c->count - d) & 0xffff);
    case 3:
        return (int)(c->count - ((2 * d) % (uint64_t)c->count));
    default:
        return (int)(c->count - (d % (uint64_t)c->count));
    }
}

static int pit_get_out(const PITChannel *c)
{
    uint64_t d = pit_elapsed(c);
    uint64_t count = (uint64_t)c->count;

    switch (c->mode) {
    default:
    case 0:
        return d >= count;
    case 1:
        return d < count;
    case 2:
        return (d % count) == 0 && d != 0;
    case 3:
        return (d % count) < ((count + 1) >> 1);
    case 4:
    case 5:
        return d == count;
    }
}

static void pit_load_count(PITState *pit, PITChannel *c, int val)
{
    c->count = val ? val : 0x10000;
    if (c == &pit->ch[0]) {
        qemu_set_irq(pit->irq0, pit_get_out(c));
    }
}

static void pit_latch_count(PITChannel *c)
{
    if (!c->count_latched) {
        c->latched_count = (uint16_t)pit_get_count(c);
        c->count_latched = c->rw_mode;
    }
}

static void pit_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    PITState *pit = opaque;
    PITChannel *c;
    unsigned channel;
    unsigned access;

    (void)size;
    addr &= 3;
    if (addr != PIT_REG_COMMAND) {
        c = &pit->ch[addr];
        switch (c->write_state) {
        default:
        case RW_LSB:
            pit_load_count(pit, c, (int)(val & 0xff));
            break;
        case RW_MSB:
            pit_load_count(pit, c, (int)((val & 0xff) << 8));
            break;
        case RW_WORD0:
            c->write_latch = (uint8_t)val;
            c->write_state = RW_WORD1;
            break;
        case RW_WORD1:
            pit_load_count(pit, c, c->write_latch | (int)((val & 0xff) << 8));
            c->write_state = RW_WORD0;
            break;
        }
        return;
    }
    channel = (val >> CMD_CHANNEL_SHIFT) & 3;
    if (channel == CMD_READBACK) {
        for (channel = 0; channel < 3; channel++) {
            c = &pit->ch[channel];
            if (!(val & (2u << channel))) {
                continue;
            }
            if (!(val & READBACK_NO_COUNT)) {
                pit_latch_count(c);
            }
            if (!(val & READBACK_NO_STATUS) && !c->status_latched) {
                c->status =
                    (uint8_t)((pit_get_out(c) << 7) | (c->rw_mode << 4) |
                              (c->mode << 1) | c->bcd);
                c->status_latched = 1;
            }
        }
        return;
    }
    c = &pit->ch[channel];
    access = (val >> 4) & 3;
    if (access == 0) {
        pit_latch_count(c);
    } else {
        c->rw_mode = (uint8_t)access;
        c->read_state = (uint8_t)access;
        c->write_state = (uint8_t)access;
        c->mode = (val >> 1) & 7;
        c->bcd = val & 1;
    }
}

static uint64_t pit_read(void *opaque, uint64_t addr, unsigned size)
{
    PITState *pit = opaque;
    PITChannel *c;
    int ret;

    (void)size;
    addr &= 3;
    if (addr == PIT_REG_COMMAND) {
        return 0; /* write-only */
    }
    c = &pit->ch[addr];
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->count_latched) {
        switch (c->count_latched) {
        default:
        case RW_LSB:
            c->count_latched = 0;
            return c->latched_count & 0xff;
        case RW_MSB:
            c->count_latched = 0;
            return c->latched_count >> 8;
        case RW_WORD0:
            c->count_latched = RW_MSB;
            return c->latched_count & 0xff;
        }
    }
    switch (c->read_state) {
    default:
    case RW_LSB:
        ret = pit_get_count(c) & 0xff;
        break;
    case RW_MSB:
        ret = (pit_get_count(c) >> 8) & 0xff;
        break;
    case RW_WORD0:
        ret = pit_get_count(c) & 0xff;
        c->read_state = RW_WORD1;
        break;
    case RW_WORD1:
        ret = (pit_get_count(c) >> 8) & 0xff;
        c->read_state = RW_WORD0;
        break;
    }
    return (uint64_t)ret;
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read,
    .write = pit_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void pit_update_irq(PITState *pit)
{
    qemu_set_irq(pit->irq0, pit_get_out(&pit->ch[0]));
}

void pit_reset(PITState *pit)
{
    int i;

    for (i = 0; i < 3; i++) {
        pit->ch[i].mode = 3;
        pit->ch[i].gate = i != 2;
        pit->ch[i].count = 0x10000;
    }
    /* Channel 0's line drops, then follows the restarted counter. */
    qemu_irq_lower(pit->irq0);
    pit_update_irq(pit);
}

void pit_set_gate(PITState *pit, int channel, int level)
{
    /* A rising edge restarts modes 1, 2, 3 and 5: no ticks elapse. */
    if (channel >= 0 && channel < 3) {
        pit->ch[channel].gate = level ? 1 : 0;
    }
}

void pit_get_channel_info(PITState *pit, int channel, int *gate, int *mode,
                          int *out)
{
    PITChannel *c = &pit->ch[channel];

    *gate = c->gate;
    *mode = c->mode;
    *out = pit_get_out(c);
}

static bool pit_realize(DeviceState *dev, Error **errp)
{
    PITState *pit = ISA_PIT(dev);
    int i;

    (void)errp;
    for (i = 0; i < 3; i++) {
        pit->ch[i].mode = 3;
        pit->ch[i].gate = i != 2;
        pit->ch[i].count = 0x10000;
    }
    memory_region_init_io(&pit->io, NULL, &pit_ops, pit, "pit", 4);
    isa_register_ioport(&pit->parent_obj, &pit->io, pit->base);
    return true;
}

static void pit_qdev_reset(DeviceState *dev)
{
    pit_reset(ISA_PIT(dev));
}

static void pit_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = pit_realize;
    dc->reset = pit_qdev_reset;
}

const TypeInfo pit_type_info = {
    .name = TYPE_ISA_PIT,
    .parent = "pit-common",
    .instance_size = sizeof(PITState),
    .class_size = sizeof(DeviceClass),
    .class_init = pit_class_init,
};

PITState *pit_init(MemoryRegion *io, uint16_t base, qemu_irq irq0)
{
    PITState *pit = ISA_PIT(qdev_new(TYPE_ISA_PIT));

    pit->parent_obj.io = io;
    pit->base = base;
    pit->irq0 = irq0;
    isa_realize_board(pit);
    return pit;
}
