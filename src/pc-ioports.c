/*
 * The two ports QEMU's pc board code registers itself: 0x80 ("ioport80",
 * POST codes: writes are dropped, reads give all ones) and 0xf0
 * ("ioportF0": a write clears the FPU error, lowering IRQ 13; reads give
 * all ones).
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define IOPORT80 0x80
#define IOPORTF0 0xf0

struct PCIOPorts {
    qemu_irq ferr_irq;
    MemoryRegion io80, iof0;
};

static uint64_t ioport_read_ones(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return UINT64_MAX;
}

static void ioport80_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static void ioportf0_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    PCIOPorts *s = opaque;

    (void)addr;
    (void)val;
    (void)size;
    qemu_irq_lower(s->ferr_irq);
}

static const MemoryRegionOps ioport80_ops = {
    .read = ioport_read_ones,
    .write = ioport80_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps ioportf0_ops = {
    .read = ioport_read_ones,
    .write = ioportf0_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

PCIOPorts *pc_ioports_init(MemoryRegion *io, qemu_irq ferr_irq)
{
    PCIOPorts *s = xzalloc(sizeof(*s));

    s->ferr_irq = ferr_irq;
    memory_region_init_io(&s->io80, NULL, &ioport80_ops, s, "ioport80", 1);
    memory_region_add_subregion(io, IOPORT80, &s->io80);
    memory_region_init_io(&s->iof0, NULL, &ioportf0_ops, s, "ioportF0", 1);
    memory_region_add_subregion(io, IOPORTF0, &s->iof0);
    return s;
}
