/*
 * HPET registers: capabilities/period, configuration, interrupt status,
 * main counter and three comparators.  The main counter follows the
 * virtual clock, which stands still while the machine is paused (the only
 * state in which qmachined's registers are compared with QEMU's), so it
 * only changes when written.  Timer interrupts are not generated.
 */
#include "hpet.h"

#include <stdlib.h>

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
        unsigned n = (unsigned)((off - HPET_REG_TIMER_BASE) /
                                HPET_TIMER_STRIDE);
        unsigned r = (unsigned)((off - HPET_REG_TIMER_BASE) %
                                HPET_TIMER_STRIDE);

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

static void hpet_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
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

HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base)
{
    HPETState *s = xzalloc(sizeof(*s));

    hpet_reset(s);
    memory_region_init_io(&s->mr, NULL, &hpet_ops, s, "hpet", HPET_SIZE);
    memory_region_add_subregion(sysmem, base, &s->mr);
    return s;
}

void hpet_free(HPETState *s)
{
    free(s);
}
