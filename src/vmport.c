/*
 * VMware backdoor port 0x5658 ("vmport", 32-bit accesses only).  QEMU
 * answers from the calling vCPU's registers: without the magic in EAX it
 * returns EAX unchanged.  qmachined has no vCPU registers; reads return
 * EAX's reset value, 0, and writes are dropped.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define VMPORT_ACCESS_SIZE 4

struct VMPortState {
    MemoryRegion io;
};

static uint64_t vmport_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0;
}

static void vmport_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps vmport_ops = {
    .read = vmport_read,
    .write = vmport_write,
    .valid = { .min_access_size = VMPORT_ACCESS_SIZE,
               .max_access_size = VMPORT_ACCESS_SIZE },
};

VMPortState *vmport_init(MemoryRegion *io, uint16_t port)
{
    VMPortState *s = xzalloc(sizeof(*s));

    memory_region_init_io(&s->io, NULL, &vmport_ops, s, "vmport", 1);
    memory_region_add_subregion(io, port, &s->io);
    return s;
}
