/*
 * Shared pieces of the legacy ISA devices: QEMU's portio-list access rules,
 * guest reset requests, and the QOM types of the on-board ISA chips.
 */
#include "isa.h"

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
        val |= (uint64_t)r->read(r->opaque, r->port + (uint32_t)addr + 1) << 8;
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
        r->write(r->opaque, r->port + (uint32_t)addr + 1, (uint8_t)(val >> 8));
    }
}

static const MemoryRegionOps portio_ops = {
    .read = portio_read,
    .write = portio_write,
    .valid = { .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
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
    if (io) {
        memory_region_add_subregion(io, port, &r->mr);
    }
}

void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port)
{
    if (dev->io) {
        memory_region_add_subregion(dev->io, port, mr);
    }
}

void isa_realize_board(void *dev)
{
    sysbus_realize_board(DEVICE(dev));
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

static const TypeInfo pit_common_type_info = {
    .name = "pit-common",
    .parent = TYPE_ISA_DEVICE,
    .class_size = sizeof(DeviceClass),
    .abstract = true,
};

/* QEMU's registration order (the type table's layout depends on it). */
static const TypeInfo *const isa_types[] = {
    &i8257_type_info,     &mc146818rtc_type_info, &pit_common_type_info,
    &pit_type_info,       &pcspk_type_info,       &fdc_type_info,
    &i8042_type_info,     &vmport_type_info,      &vmmouse_type_info,
    &port92_type_info,    &kvmvapic_type_info,    &fw_cfg_type_info,
    &fw_cfg_io_type_info,
};

void isa_register_types(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(isa_types); i++) {
        type_register_static(isa_types[i]);
    }
}
