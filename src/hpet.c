/*
 * HPET registers: capabilities/period, configuration, interrupt status,
 * main counter and three comparators.  The main counter follows the
 * virtual clock, which stands still while the machine is paused (the only
 * state in which qmachined's registers are compared with QEMU's), so it
 * only changes when written.  Timer interrupts are not generated.
 */
#include "hpet.h"

#include <stdlib.h>

#include "sysbus.h"
#include "util.h"

#define HPET_SIZE 0x400
#define HPET_NUM_TIMERS 3
#define HPET_CLK_PERIOD_FS 10000000u /* 10 ns */
#define HPET_VENDOR 0x8086u

/* Register offsets. */
#define HPET_REG_ID 0x000
#define HPET_REG_PERIOD 0x004
#define HPET_REG_CFG 0x010
#define HPET_REG_STATUS 0x020
#define HPET_REG_COUNTER 0x0f0
#define HPET_REG_TIMER_BASE 0x100
#define HPET_TIMER_STRIDE 0x20
#define HPET_TN_CFG 0x00
#define HPET_TN_CMP 0x08
#define HPET_TN_ROUTE 0x10

/* Capability bits in the ID register. */
#define HPET_ID_REV 0x01u
#define HPET_ID_COUNT_SIZE_CAP (1u << 13)
#define HPET_ID_LEG_RT_CAP (1u << 15)

#define HPET_CFG_WRITE_MASK 0x3u
#define HPET_CFG_ENABLE 0x1u
#define HPET_TN_PERIODIC_CAP (1u << 4)
#define HPET_TN_SIZE_CAP (1u << 5)
#define HPET_TN_CFG_WRITE_MASK 0x7f4eu
/* pc-i440fx routes the HPET timers' interrupts to IRQ 2 only. */
#define HPET_PC_INTCAP 0x4u

struct HPETState {
    SysBusDevice parent_obj;
    /* Set by the board before realize (sysmem NULL: not mapped). */
    MemoryRegion *sysmem;
    uint64_t base;
    /* Registers. */
    MemoryRegion mr;
    uint64_t config;
    uint64_t isr;
    uint64_t counter;
    struct {
        uint64_t config;
        uint64_t cmp;
        uint64_t fsb;
    } timer[HPET_NUM_TIMERS];
};

OBJECT_DECLARE_CASTS(HPETState, DeviceClass, HPET, TYPE_HPET)

static uint64_t capabilities(void)
{
    uint64_t id = HPET_ID_REV | ((HPET_NUM_TIMERS - 1) << 8) |
                  HPET_ID_COUNT_SIZE_CAP | HPET_ID_LEG_RT_CAP |
                  (HPET_VENDOR << 16);

    return id | ((uint64_t)HPET_CLK_PERIOD_FS << 32);
}

/* The 64-bit register containing addr, or NULL when there is none. */
static uint64_t *reg_ptr(HPETState *s, uint64_t addr, bool *readonly,
                         uint64_t *value)
{
    uint64_t off = addr & ~7ull;

    *readonly = false;
    if (off == HPET_REG_ID) {
        *readonly = true;
        *value = capabilities();
        return NULL;
    }
    if (off == HPET_REG_CFG) {
        return &s->config;
    }
    if (off == HPET_REG_STATUS) {
        return &s->isr;
    }
    if (off == HPET_REG_COUNTER) {
        return &s->counter;
    }
    if (off >= HPET_REG_TIMER_BASE &&
        off < HPET_REG_TIMER_BASE + HPET_NUM_TIMERS * HPET_TIMER_STRIDE) {
        unsigned n =
            (unsigned)((off - HPET_REG_TIMER_BASE) / HPET_TIMER_STRIDE);
        unsigned r =
            (unsigned)((off - HPET_REG_TIMER_BASE) % HPET_TIMER_STRIDE);

        switch (r) {
        case HPET_TN_CFG:
            return &s->timer[n].config;
        case HPET_TN_CMP:
            return &s->timer[n].cmp;
        case HPET_TN_ROUTE:
            return &s->timer[n].fsb;
        }
    }
    return NULL;
}

static uint64_t hpet_read(void *opaque, uint64_t addr, unsigned size)
{
    HPETState *s = opaque;
    uint64_t value = 0, *reg;
    bool ro;

    reg = reg_ptr(s, addr, &ro, &value);
    if (reg) {
        value = *reg;
    }
    if (size == 4 && (addr & 4)) {
        return value >> 32;
    }
    return size == 4 ? (uint32_t)value : value;
}

static void hpet_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    HPETState *s = opaque;
    uint64_t dummy, *reg, mask, shift = (size == 4 && (addr & 4)) ? 32 : 0;
    uint64_t off = addr & ~7ull;
    bool ro;

    reg = reg_ptr(s, addr, &ro, &dummy);
    if (!reg) {
        return;
    }
    mask = (size == 8 ? ~0ull : 0xffffffffull) << shift;
    val = (val << shift) & mask;
    if (off == HPET_REG_CFG) {
        mask &= HPET_CFG_WRITE_MASK;
        s->config = (s->config & ~mask) | (val & mask);
    } else if (off == HPET_REG_STATUS) {
        s->isr &= ~val; /* write 1 to clear */
    } else if (off == HPET_REG_COUNTER) {
        if (!(s->config & HPET_CFG_ENABLE)) {
            s->counter = (s->counter & ~mask) | val;
        }
    } else if (((off - HPET_REG_TIMER_BASE) % HPET_TIMER_STRIDE) ==
               HPET_TN_CFG) {
        mask &= HPET_TN_CFG_WRITE_MASK;
        *reg = (*reg & ~mask) | (val & mask);
    } else {
        *reg = (*reg & ~mask) | val;
    }
}

static const MemoryRegionOps hpet_ops = {
    .read = hpet_read,
    .write = hpet_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

void hpet_reset(HPETState *s)
{
    unsigned i;

    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    for (i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timer[i].config = HPET_TN_PERIODIC_CAP | HPET_TN_SIZE_CAP |
                             ((uint64_t)HPET_PC_INTCAP << 32);
        s->timer[i].cmp = ~0ull;
        s->timer[i].fsb = 0;
    }
}

static bool hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = HPET(dev);

    (void)errp;
    hpet_reset(s);
    memory_region_init_io(&s->mr, NULL, &hpet_ops, s, "hpet", HPET_SIZE);
    if (s->sysmem) {
        memory_region_add_subregion(s->sysmem, s->base, &s->mr);
    }
    return true;
}

static void hpet_unrealize(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    if (s->sysmem) {
        memory_region_del_subregion(s->sysmem, &s->mr);
    }
    memory_region_finalize(&s->mr);
}

static void hpet_qdev_reset(DeviceState *dev)
{
    hpet_reset(HPET(dev));
}

static void hpet_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = hpet_realize;
    dc->unrealize = hpet_unrealize;
    dc->reset = hpet_qdev_reset;
    /* A sysbus device: QEMU refuses it in -device and device_add. */
    dc->user_creatable = false;
}

static const TypeInfo hpet_type_info = {
    .name = TYPE_HPET,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(HPETState),
    .class_size = sizeof(DeviceClass),
    .class_init = hpet_class_init,
};

void hpet_register_types(void)
{
    type_register_static(&hpet_type_info);
}

HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base)
{
    HPETState *s = HPET(qdev_new(TYPE_HPET));

    s->sysmem = sysmem;
    s->base = base;
    sysbus_realize_board(DEVICE(s));
    return s;
}

void hpet_free(HPETState *s)
{
    if (s) {
        object_unparent(OBJECT(s));
        qdev_unrealize(DEVICE(s));
        object_unref(OBJECT(s));
    }
}
