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
    MemoryRegion io;
};

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

VAPICState *kvmvapic_init(MemoryRegion *io, uint16_t port)
{
    VAPICState *s = xzalloc(sizeof(*s));

    memory_region_init_io(&s->io, NULL, &vapic_ops, s, "kvmvapic",
                          VAPIC_IO_SIZE);
    memory_region_add_subregion(io, port, &s->io);
    return s;
}
