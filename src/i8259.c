/*
 * Intel 8259A pair, modelled on the behaviour of QEMU 7.2's isa-i8259.
 */
#include "i8259.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"
#include "qdev.h"
#include "sysbus.h"
#include "util.h"

/* Port offsets inside the "pic" region. */
#define PIC_PORT_CMD 0
#define PIC_PORT_DATA 1

/* First command byte bits (port 0). */
#define ICW1_IC4 0x01 /* ICW4 follows */
#define ICW1_SNGL 0x02 /* single mode: no ICW3 */
#define ICW1_INIT 0x10 /* marks ICW1 */
#define OCW3_SEL 0x08 /* marks OCW3 (when not ICW1) */
#define OCW3_RIS 0x01 /* read ISR (else IRR) */
#define OCW3_RR 0x02 /* RIS is valid */
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20 /* special mask mode value */
#define OCW3_ESMM 0x40 /* SMM is valid */
#define OCW2_LEVEL_MASK 0x07
#define OCW2_CMD_SHIFT 5

/* OCW2 commands (bits 7-5). */
enum {
    OCW2_ROTATE_AEOI_CLEAR = 0,
    OCW2_EOI = 1,
    OCW2_SPECIFIC_EOI = 3,
    OCW2_ROTATE_AEOI_SET = 4,
    OCW2_ROTATE_EOI = 5,
    OCW2_SET_PRIORITY = 6,
    OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* ICW4 bits. */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

#define POLL_IRQ_PENDING 0x80
#define SPURIOUS_IRQ 7
#define NO_PRIORITY 8

OBJECT_DECLARE_CASTS(I8259Chip, DeviceClass, I8259_CHIP, TYPE_ISA_I8259)

static I8259State *default_pair;

static void i8259_qdev_reset(DeviceState *dev);

/*
 * Priority level (0 highest) of the best request in bits, counting from
 * the rotation point; NO_PRIORITY when bits is empty.
 */
static int best_priority(const I8259Chip *c, unsigned bits)
{
    int prio;

    bits &= 0xff;
    if (!bits) {
        return NO_PRIORITY;
    }
    for (prio = 0; prio < 8; prio++) {
        if (bits & (1u << ((prio + c->priority_add) & 7))) {
            break;
        }
    }
    return prio;
}

/* The input the chip wants to signal, or -1. */
static int pending_irq(const I8259Chip *c)
{
    int req, cur;
    unsigned in_service;

    req = best_priority(c, c->irr & ~c->imr);
    if (req == NO_PRIORITY) {
        return -1;
    }
    in_service = c->isr;
    if (c->special_mask) {
        in_service &= ~c->imr;
    }
    if (c->master && c->special_fully_nested_mode) {
        /* the cascade input does not block further slave requests */
        in_service &= ~(1u << I8259_CASCADE_IRQ);
    }
    cur = best_priority(c, in_service);
    if (req >= cur) {
        return -1;
    }
    return (req + c->priority_add) & 7;
}

static void update_output(I8259Chip *c)
{
    qemu_set_irq(c->int_out[0], pending_irq(c) >= 0);
}

static void count_irq(I8259State *s, int irq, int level)
{
    if (s->irq_level[irq] != level) {
        s->irq_level[irq] = level;
        if (level == 1) {
            s->irq_count[irq]++;
        }
    }
}

static void chip_input(void *opaque, int n, int level)
{
    I8259Chip *c = opaque;
    unsigned bit = 1u << n;

    count_irq(c->pair, c->master ? n : n + 8, level);
    if (c->elcr & bit) {
        /* level sensitive: IRR is the line */
        if (level) {
            c->irr |= bit;
            c->last_irr |= bit;
        } else {
            c->irr &= ~bit;
            c->last_irr &= ~bit;
        }
    } else if (level) {
        /* edge sensitive: a rising edge latches a request */
        if (!(c->last_irr & bit)) {
            c->irr |= bit;
        }
        c->last_irr |= bit;
    } else {
        c->last_irr &= ~bit;
    }
    update_output(c);
}

static void acknowledge(I8259Chip *c, int irq)
{
    unsigned bit = 1u << irq;

    if (!c->auto_eoi) {
        c->isr |= bit;
    } else if (c->rotate_on_auto_eoi) {
        c->priority_add = (irq + 1) & 7;
    }
    if (!(c->elcr & bit)) {
        c->irr &= ~bit;
    }
    update_output(c);
}

/* Reset by ICW1 (and, with ELCR cleared first, by device reset). */
static void init_reset(I8259Chip *c)
{
    c->last_irr = 0;
    c->irr &= c->elcr;
    c->imr = 0;
    c->isr = 0;
    c->priority_add = 0;
    c->irq_base = 0;
    c->read_reg_select = 0;
    c->poll = 0;
    c->special_mask = 0;
    c->init_state = 0;
    c->auto_eoi = 0;
    c->rotate_on_auto_eoi = 0;
    c->special_fully_nested_mode = 0;
    c->init4 = 0;
    c->single_mode = 0;
    update_output(c);
}

static void write_ocw2(I8259Chip *c, unsigned val)
{
    int cmd = val >> OCW2_CMD_SHIFT;
    int prio, irq;

    switch (cmd) {
    case OCW2_ROTATE_AEOI_CLEAR:
    case OCW2_ROTATE_AEOI_SET:
        c->rotate_on_auto_eoi = cmd == OCW2_ROTATE_AEOI_SET;
        break;
    case OCW2_EOI:
    case OCW2_ROTATE_EOI:
        prio = best_priority(c, c->isr);
        if (prio == NO_PRIORITY) {
            break;
        }
        irq = (prio + c->priority_add) & 7;
        c->isr &= ~(1u << irq);
        if (cmd == OCW2_ROTATE_EOI) {
            c->priority_add = (irq + 1) & 7;
        }
        update_output(c);
        break;
    case OCW2_SPECIFIC_EOI:
        c->isr &= ~(1u << (val & OCW2_LEVEL_MASK));
        update_output(c);
        break;
    case OCW2_SET_PRIORITY:
        c->priority_add = (val + 1) & 7;
        update_output(c);
        break;
    case OCW2_ROTATE_SPECIFIC_EOI:
        irq = val & OCW2_LEVEL_MASK;
        c->isr &= ~(1u << irq);
        c->priority_add = (irq + 1) & 7;
        update_output(c);
        break;
    default:
        /* 2: no operation */
        break;
    }
}

static void write_command(I8259Chip *c, unsigned val)
{
    if (val & ICW1_INIT) {
        /* ICW1; the LTIM bit (0x08) is not implemented, as in QEMU */
        init_reset(c);
        c->init_state = 1;
        c->init4 = val & ICW1_IC4;
        c->single_mode = (val & ICW1_SNGL) != 0;
    } else if (val & OCW3_SEL) {
        if (val & OCW3_POLL) {
            c->poll = 1;
        }
        if (val & OCW3_RR) {
            c->read_reg_select = val & OCW3_RIS;
        }
        if (val & OCW3_ESMM) {
            c->special_mask = (val & OCW3_SMM) != 0;
        }
    } else {
        write_ocw2(c, val);
    }
}

static void write_data(I8259Chip *c, unsigned val)
{
    switch (c->init_state) {
    case 0:
        c->imr = val;
        update_output(c);
        break;
    case 1:
        c->irq_base = val & 0xf8;
        if (!c->single_mode) {
            c->init_state = 2;
        } else {
            c->init_state = c->init4 ? 3 : 0;
        }
        break;
    case 2:
        /* ICW3: cascade wiring is fixed, the value is ignored */
        c->init_state = c->init4 ? 3 : 0;
        break;
    case 3:
        c->special_fully_nested_mode = (val & ICW4_SFNM) != 0;
        c->auto_eoi = (val & ICW4_AEOI) != 0;
        c->init_state = 0;
        break;
    }
}

static void pic_port_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    I8259Chip *c = opaque;

    (void)size;
    if (addr == PIC_PORT_CMD) {
        write_command(c, val & 0xff);
    } else {
        write_data(c, val & 0xff);
    }
}

static uint64_t pic_port_read(void *opaque, uint64_t addr, unsigned size)
{
    I8259Chip *c = opaque;
    int irq;

    (void)size;
    if (c->poll) {
        /* poll: acknowledge the pending request, if any */
        c->poll = 0;
        irq = pending_irq(c);
        if (irq < 0) {
            return 0;
        }
        acknowledge(c, irq);
        return irq | POLL_IRQ_PENDING;
    }
    if (addr != PIC_PORT_CMD) {
        return c->imr;
    }
    return c->read_reg_select ? c->isr : c->irr;
}

static void elcr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    I8259Chip *c = opaque;

    (void)addr;
    (void)size;
    c->elcr = val & c->elcr_mask;
}

static uint64_t elcr_read(void *opaque, uint64_t addr, unsigned size)
{
    I8259Chip *c = opaque;

    (void)addr;
    (void)size;
    return c->elcr;
}

static const MemoryRegionOps pic_port_ops = {
    .read = pic_port_read,
    .write = pic_port_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps elcr_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool i8259_realize(DeviceState *dev, Error **errp)
{
    I8259Chip *c = I8259_CHIP(dev);

    (void)errp;
    qdev_init_gpio_in(dev, chip_input, 8);
    qdev_init_gpio_out(dev, c->int_out, 1);
    memory_region_init_io(&c->base_io, "isa-i8259", &pic_port_ops, c, "pic", 2);
    memory_region_init_io(&c->elcr_io, "isa-i8259", &elcr_ops, c, "elcr", 1);
    isa_register_ioport(&c->parent_obj, &c->base_io, c->iobase);
    isa_register_ioport(&c->parent_obj, &c->elcr_io, c->elcr_addr);
    return true;
}

static void i8259_unrealize(DeviceState *dev)
{
    I8259Chip *c = I8259_CHIP(dev);
    MemoryRegion *regions[] = { &c->base_io, &c->elcr_io };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(regions); i++) {
        MemoryRegion *container = memory_region_get_container(regions[i]);

        if (container) {
            memory_region_del_subregion(container, regions[i]);
        }
        memory_region_finalize(regions[i]);
    }
}

static void chip_init(I8259State *s, I8259Chip *c, MemoryRegion *io,
                      bool master)
{
    object_initialize(c, sizeof(*c), TYPE_ISA_I8259);
    c->parent_obj.io = io;
    c->master = master;
    c->pair = s;
    c->iobase = master ? I8259_MASTER_IOBASE : I8259_SLAVE_IOBASE;
    c->elcr_addr = master ? I8259_MASTER_ELCR : I8259_SLAVE_ELCR;
    c->elcr_mask = master ? I8259_MASTER_ELCR_MASK : I8259_SLAVE_ELCR_MASK;
    sysbus_realize_board(DEVICE(c));
}

I8259State *i8259_init(MemoryRegion *io, qemu_irq parent_irq)
{
    I8259State *s = xzalloc(sizeof(*s));
    I8259Chip *m = &s->chip[0];
    I8259Chip *sl = &s->chip[1];
    int i;

    chip_init(s, m, io, true);
    chip_init(s, sl, io, false);
    qdev_connect_gpio_out(DEVICE(m), 0, parent_irq);
    qdev_connect_gpio_out(DEVICE(sl), 0,
                          qdev_get_gpio_in(DEVICE(m), I8259_CASCADE_IRQ));
    for (i = 0; i < 8; i++) {
        s->irqs[i] = qdev_get_gpio_in(DEVICE(m), i);
        s->irqs[i + 8] = qdev_get_gpio_in(DEVICE(sl), i);
    }
    s->mapped = io != NULL;
    i8259_reset(s);
    default_pair = s;
    return s;
}

void i8259_free(I8259State *s)
{
    int i;

    if (!s) {
        return;
    }
    if (default_pair == s) {
        default_pair = NULL;
    }
    for (i = 0; i < 2; i++) {
        I8259Chip *c = &s->chip[i];

        object_unparent(OBJECT(c));
        qdev_unrealize(DEVICE(c));
        object_unref(OBJECT(c));
    }
    free(s);
}

I8259State *i8259_get_default(void)
{
    return default_pair;
}

qemu_irq *i8259_get_irqs(I8259State *s)
{
    return s->irqs;
}

void i8259_reset(I8259State *s)
{
    int i;

    /* the slave first, as its output feeds the master */
    for (i = 1; i >= 0; i--) {
        i8259_qdev_reset(DEVICE(&s->chip[i]));
    }
}

int i8259_read_irq(I8259State *s)
{
    I8259Chip *m = &s->chip[0];
    I8259Chip *sl = &s->chip[1];
    int irq, slave_irq, vector;

    irq = pending_irq(m);
    if (irq < 0) {
        /* spurious request on the master */
        return m->irq_base + SPURIOUS_IRQ;
    }
    if (irq == I8259_CASCADE_IRQ) {
        slave_irq = pending_irq(sl);
        if (slave_irq >= 0) {
            acknowledge(sl, slave_irq);
        } else {
            slave_irq = SPURIOUS_IRQ;
        }
        vector = sl->irq_base + slave_irq;
    } else {
        vector = m->irq_base + irq;
    }
    acknowledge(m, irq);
    return vector;
}

int i8259_get_output(I8259State *s)
{
    return pending_irq(&s->chip[0]) >= 0;
}

static void append(char **buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(char **buf, const char *fmt, ...)
{
    va_list ap;
    char *piece, *joined;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    joined = xasprintf("%s%s", *buf ? *buf : "", piece);
    free(piece);
    free(*buf);
    *buf = joined;
}

char *i8259_info_pic(const I8259State *s)
{
    char *out = xstrdup("");
    int i;

    for (i = 1; i >= 0; i--) {
        const I8259Chip *c = &s->chip[i];

        append(&out,
               "pic%d: irr=%02x imr=%02x isr=%02x hprio=%d "
               "irq_base=%02x rr_sel=%d elcr=%02x fnm=%d\n",
               i, c->irr, c->imr, c->isr, c->priority_add, c->irq_base,
               c->read_reg_select, c->elcr, c->special_fully_nested_mode);
    }
    return out;
}

char *i8259_info_irq(const I8259State *s)
{
    char *out = xstrdup("IRQ statistics for isa-i8259:\n");
    int i;

    for (i = 0; i < I8259_NUM_IRQS; i++) {
        if (s->irq_count[i]) {
            append(&out, "%2d: %llu\n", i, (unsigned long long)s->irq_count[i]);
        }
    }
    return out;
}

void i8259_get_regs(const I8259State *s, int chip, I8259Regs *r)
{
    const I8259Chip *c = &s->chip[chip ? 1 : 0];

    r->irr = c->irr;
    r->imr = c->imr;
    r->isr = c->isr;
    r->elcr = c->elcr;
    r->irq_base = c->irq_base;
    r->priority_add = c->priority_add;
    r->ready = c->init_state == 0;
}

void i8259_get_irq_stats(const I8259State *s, int irq, int *level,
                         uint64_t *count)
{
    *level = s->irq_level[irq];
    *count = s->irq_count[irq];
}

/* ---- QOM type: each chip of the pair is an "isa-i8259" device ---------- */

static void i8259_qdev_reset(DeviceState *dev)
{
    I8259Chip *c = I8259_CHIP(dev);

    c->elcr = 0;
    init_reset(c);
}

static void i8259_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = i8259_realize;
    dc->unrealize = i8259_unrealize;
    dc->reset = i8259_qdev_reset;
}

static const TypeInfo i8259_types[] = {
    {
        .name = "pic-common",
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(I8259Chip),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    {
        .name = TYPE_ISA_I8259,
        .parent = "pic-common",
        .class_size = sizeof(DeviceClass),
        .class_init = i8259_class_init,
    },
};

void i8259_register_types(void)
{
    type_register_static_array(i8259_types, ARRAY_SIZE(i8259_types));
}
