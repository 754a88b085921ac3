/*
 * Shared pieces of the legacy ISA devices: QEMU's portio-list access rules,
 * guest reset requests, and the QOM types of the on-board ISA chips.
 */
#include "isa.h"

#include "i8259.h"
#include "loop.h"
#include "object.h"
#include "qdev.h"
#include "runstate.h"
#include "sysbus.h"
#include "util.h"

/* ---- Portio ranges ----------------------------------------------------- */

static uint64_t portio_read(void *opaque, uint64_t addr, unsigned size)
{
    ISAPortioRange *r = opaque;
    uint64_t val;

    if (addr >= r->len || !r->read) {
        return size >= 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
    }
    if (size == 1) {
        return r->read(r->opaque, r->port + (uint32_t)addr);
    }
    if (size != 2) {
        return size >= 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
    }
    val = r->read(r->opaque, r->port + (uint32_t)addr);
    if (addr + 1 < r->len) {
        val |= (uint64_t)r->read(r->opaque, r->port + (uint32_t)addr + 1)
               << 8;
    } else {
        val |= 0xff00;
    }
    return val;
}

static void portio_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    ISAPortioRange *r = opaque;

    if (addr >= r->len || !r->write || (size != 1 && size != 2)) {
        return;
    }
    r->write(r->opaque, r->port + (uint32_t)addr, (uint8_t)val);
    if (size == 2 && addr + 1 < r->len) {
        r->write(r->opaque, r->port + (uint32_t)addr + 1,
                 (uint8_t)(val >> 8));
    }
}

static const MemoryRegionOps portio_ops = {
    .read = portio_read,
    .write = portio_write,
    .valid = { .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4,
              .unaligned = true },
};

void isa_portio_init(ISAPortioRange *r, MemoryRegion *io, const char *name,
                     uint16_t port, uint16_t len, ISAPortioRead *read,
                     ISAPortioWrite *write, void *opaque)
{
    r->port = port;
    r->len = len;
    r->read = read;
    r->write = write;
    r->opaque = opaque;
    memory_region_init_io(&r->mr, NULL, &portio_ops, r, name, len);
    memory_region_add_subregion(io, port, &r->mr);
}

/* ---- Reset requests ---------------------------------------------------- */

static LoopTimer *reset_timer;

static void reset_now(void *opaque)
{
    (void)opaque;
    reset_timer = NULL;
    vm_system_reset(SHUTDOWN_CAUSE_GUEST_RESET);
}

/* Like QEMU, the reset happens after the register access has completed. */
void isa_request_system_reset(void)
{
    if (!reset_timer) {
        reset_timer = loop_timer_add(0, reset_now, NULL);
    }
}

/* ---- QOM types --------------------------------------------------------- */

#define ISA_TYPE(name_, parent_)                                          \
    {                                                                     \
        .name = (name_), .parent = (parent_),                             \
        .instance_size = sizeof(DeviceState),                             \
        .class_size = sizeof(DeviceClass),                                \
    }

static const TypeInfo isa_types[] = {
    ISA_TYPE(TYPE_I8257, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_MC146818_RTC, TYPE_ISA_DEVICE),
    {
        .name = "pit-common",
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    ISA_TYPE(TYPE_ISA_PIT, "pit-common"),
    ISA_TYPE(TYPE_ISA_PCSPK, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_ISA_FDC, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_I8042, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_VMPORT, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_VMMOUSE, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_PORT92, TYPE_ISA_DEVICE),
    ISA_TYPE(TYPE_KVMVAPIC, TYPE_SYS_BUS_DEVICE),
    {
        .name = "fw_cfg",
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    ISA_TYPE(TYPE_FW_CFG_IO, "fw_cfg"),
};

void isa_register_types(void)
{
    type_register_static_array(isa_types, ARRAY_SIZE(isa_types));
}
