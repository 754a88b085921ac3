/*
 * Intel 8257 DMA controller, as the pair QEMU 7.2 wires into the pc
 * machine: the 8-bit controller at 0x00 (channels 0-3, "dma-chan" 0x00-0x07,
 * "dma-cont" 0x08-0x0f, page registers 0x81-0x83 and 0x87) and the 16-bit
 * one at 0xc0 (ports on even addresses, 0xc0-0xcf and 0xd0-0xdf, pages
 * 0x89-0x8b and 0x8f).  No ISA device requests DMA here, so transfers never
 * run; registers, the flip-flop, mask and status behave as in QEMU.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

/* Controller register indexes (after the dshift). */
#define CONT_STATUS 0x00 /* read: status; write: command */
#define CONT_REQUEST 0x01 /* read: mask (QEMU); write: request */
#define CONT_SINGLE_MASK 0x02
#define CONT_MODE 0x03
#define CONT_CLEAR_FF 0x04
#define CONT_MASTER_CLEAR 0x05
#define CONT_CLEAR_MASK 0x06
#define CONT_WRITE_MASK 0x07

/* Command bits QEMU refuses (any of them set, with a non-zero command). */
#define CMD_UNSUPPORTED 0xeb

#define REG_ADDR 0
#define REG_COUNT 1

typedef struct DMAChannel {
    int32_t now[2];
    uint16_t base[2];
    uint8_t mode;
    uint8_t page;
} DMAChannel;

struct I8257State {
    ISADevice parent_obj;
    /* Set by the board before realize. */
    uint16_t base, page_base;
    unsigned dshift;
    /* Registers. */
    uint8_t status, command, mask, flip_flop;
    DMAChannel chan[4];
    MemoryRegion chan_io, cont_io;
    ISAPortioRange page[2];
};

/* Page register port (low 3 bits) -> channel; -1 none. */
static const int8_t page_channel[8] = { -1, 2, 3, 1, -1, -1, -1, 0 };

static int next_ff(I8257State *d)
{
    int ff = d->flip_flop;

    d->flip_flop = !ff;
    return ff;
}

static void chan_restart(I8257State *d, int ch)
{
    d->chan[ch].now[REG_ADDR] = d->chan[ch].base[REG_ADDR] << d->dshift;
    d->chan[ch].now[REG_COUNT] = 0;
}

static uint64_t chan_read(void *opaque, uint64_t addr, unsigned size)
{
    I8257State *d = opaque;
    unsigned reg = (addr >> d->dshift) & 0x0f;
    DMAChannel *c = &d->chan[(reg >> 1) & 3];
    int ff = next_ff(d);
    int dir = (c->mode & 0x20) ? -1 : 1;
    int val;

    (void)size;
    if (reg & 1) {
        val = (c->base[REG_COUNT] << d->dshift) - c->now[REG_COUNT];
    } else {
        val = c->now[REG_ADDR] + c->now[REG_COUNT] * dir;
    }
    return (uint64_t)(val >> (d->dshift + (ff << 3))) & 0xff;
}

static void chan_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    I8257State *d = opaque;
    unsigned reg = (addr >> d->dshift) & 0x0f;
    int ch = (reg >> 1) & 3;
    unsigned which = reg & 1;
    DMAChannel *c = &d->chan[ch];

    (void)size;
    if (next_ff(d)) {
        c->base[which] =
            (uint16_t)((c->base[which] & 0xff) | ((val << 8) & 0xff00));
        chan_restart(d, ch);
    } else {
        c->base[which] = (uint16_t)((c->base[which] & 0xff00) | (val & 0xff));
    }
}

static void cont_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    I8257State *d = opaque;
    unsigned ch = val & 3;

    (void)size;
    switch ((addr >> d->dshift) & 0x0f) {
    case CONT_STATUS:
        if (val != 0 && (val & CMD_UNSUPPORTED)) {
            return;
        }
        d->command = (uint8_t)val;
        break;
    case CONT_REQUEST:
        if (val & 4) {
            d->status |= 1 << (ch + 4);
        } else {
            d->status &= ~(1 << (ch + 4));
        }
        d->status &= ~(1 << ch);
        break;
    case CONT_SINGLE_MASK:
        if (val & 4) {
            d->mask |= 1 << ch;
        } else {
            d->mask &= ~(1 << ch);
        }
        break;
    case CONT_MODE:
        d->chan[ch].mode = (uint8_t)val;
        break;
    case CONT_CLEAR_FF:
        d->flip_flop = 0;
        break;
    case CONT_MASTER_CLEAR:
        d->flip_flop = 0;
        d->mask = 0xff;
        d->status = 0;
        d->command = 0;
        break;
    case CONT_CLEAR_MASK:
        d->mask = 0;
        break;
    case CONT_WRITE_MASK:
        d->mask = (uint8_t)val;
        break;
    default:
        break; /* QEMU logs and ignores */
    }
}

static uint64_t cont_read(void *opaque, uint64_t addr, unsigned size)
{
    I8257State *d = opaque;
    uint8_t val;

    (void)size;
    switch ((addr >> d->dshift) & 0x0f) {
    case CONT_STATUS:
        val = d->status;
        d->status &= 0xf0; /* terminal-count bits clear on read */
        return val;
    case CONT_REQUEST:
        return d->mask;
    default:
        return 0;
    }
}

static const MemoryRegionOps chan_ops = {
    .read = chan_read,
    .write = chan_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps cont_ops = {
    .read = cont_read,
    .write = cont_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint8_t page_read(void *opaque, uint32_t port)
{
    I8257State *d = opaque;
    int ch = page_channel[port & 7];

    return ch < 0 ? 0 : d->chan[ch].page;
}

static void page_write(void *opaque, uint32_t port, uint8_t val)
{
    I8257State *d = opaque;
    int ch = page_channel[port & 7];

    if (ch >= 0) {
        d->chan[ch].page = val;
    }
}

void i8257_reset(I8257State *d)
{
    cont_write(d, (uint64_t)CONT_MASTER_CLEAR << d->dshift, 0, 1);
}

OBJECT_DECLARE_CASTS(I8257State, DeviceClass, I8257, TYPE_I8257)

static bool i8257_realize(DeviceState *dev, Error **errp)
{
    I8257State *d = I8257(dev);
    MemoryRegion *io = d->parent_obj.io;
    uint64_t size = 8u << d->dshift;

    (void)errp;
    memory_region_init_io(&d->chan_io, NULL, &chan_ops, d, "dma-chan", size);
    isa_register_ioport(&d->parent_obj, &d->chan_io, d->base);
    isa_portio_init(&d->page[0], io, "dma-page", d->page_base + 1, 3, page_read,
                    page_write, d);
    isa_portio_init(&d->page[1], io, "dma-page", d->page_base + 7, 1, page_read,
                    page_write, d);
    memory_region_init_io(&d->cont_io, NULL, &cont_ops, d, "dma-cont", size);
    isa_register_ioport(&d->parent_obj, &d->cont_io, d->base + size);
    i8257_reset(d);
    return true;
}

static void i8257_qdev_reset(DeviceState *dev)
{
    i8257_reset(I8257(dev));
}

static void i8257_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = i8257_realize;
    dc->reset = i8257_qdev_reset;
}

const TypeInfo i8257_type_info = {
    .name = TYPE_I8257,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(I8257State),
    .class_size = sizeof(DeviceClass),
    .class_init = i8257_class_init,
};

I8257State *i8257_init(MemoryRegion *io, uint16_t base, unsigned dshift,
                       uint16_t page_base)
{
    I8257State *d = I8257(qdev_new(TYPE_I8257));

    d->parent_obj.io = io;
    d->base = base;
    d->dshift = dshift;
    d->page_base = page_base;
    isa_realize_board(d);
    return d;
}
