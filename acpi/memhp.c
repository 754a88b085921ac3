/*
 * ACPI memory hotplug registers and OSPM status (see acpi/memhp.h).
 * Behaviour and messages are those of QEMU 7.2's pc machine, checked with
 * the guest played through qtest.
 */
#include "acpi/memhp.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "src/dimm.h"
#include "src/events.h"
#include "src/object.h"
#include "src/pci.h"
#include "src/util.h"

/* What a read returns at an offset that is no register. */
#define MEMHP_UNDEFINED_READ 0xffffffffu

typedef struct MemhpSlot {
    DeviceState *dev; /* borrowed; NULL: empty */
    uint64_t addr;
    uint64_t size;
    uint32_t node;
    bool enabled;
    bool inserting;
    bool removing;
    uint32_t ost_event;
    uint32_t ost_status;
} MemhpSlot;

struct MemHotplugState {
    unsigned count;
    MemhpSlot *slots;
    uint32_t selector;
    bool mapped;
    MemoryRegion io;
    AcpiMemhpNotifyFn *notify;
    AcpiMemhpEjectFn *eject;
    void *opaque;
};

/* The _OST record of slot i. */
static void slot_info(const MemHotplugState *ms, unsigned i, AcpiOstInfo *info)
{
    const MemhpSlot *sl = &ms->slots[i];

    info->device = sl->dev ? sl->dev->id : NULL;
    info->slot = i;
    info->slot_type = ACPI_SLOT_TYPE_DIMM;
    info->source = sl->ost_event;
    info->status = sl->ost_status;
}

/* ---- Registers ---- */

static uint64_t memhp_read(void *opaque, uint64_t addr, unsigned size)
{
    MemHotplugState *ms = opaque;
    const MemhpSlot *sl;

    (void)size;
    if (ms->selector >= ms->count) {
        return 0;
    }
    sl = &ms->slots[ms->selector];
    switch (addr) {
    case ACPI_MEMHP_ADDR_LO:
        return sl->dev ? (uint32_t)sl->addr : 0;
    case ACPI_MEMHP_ADDR_HI:
        return sl->dev ? (uint32_t)(sl->addr >> 32) : 0;
    case ACPI_MEMHP_SIZE_LO:
        return sl->dev ? (uint32_t)sl->size : 0;
    case ACPI_MEMHP_SIZE_HI:
        return sl->dev ? (uint32_t)(sl->size >> 32) : 0;
    case ACPI_MEMHP_PXM:
        return sl->dev ? sl->node : 0;
    case ACPI_MEMHP_FLAGS:
        return (sl->enabled ? ACPI_MEMHP_FLAG_ENABLED : 0) |
               (sl->inserting ? ACPI_MEMHP_FLAG_INSERTING : 0) |
               (sl->removing ? ACPI_MEMHP_FLAG_REMOVING : 0);
    default:
        return MEMHP_UNDEFINED_READ;
    }
}

/* The guest's _OST report: ACPI_DEVICE_OST with the slot's record. */
static void emit_ost(const MemHotplugState *ms, unsigned slot)
{
    MachineEvent ev = { .kind = MACHINE_EVENT_ACPI_DEVICE_OST };

    slot_info(ms, slot, &ev.u.acpi_device_ost);
    machine_event_emit(&ev);
}

/* The guest's eject of the selected slot (control bit 3). */
static void memhp_eject(MemHotplugState *ms, MemhpSlot *sl)
{
    DeviceState *dev = sl->dev;
    Error *err = NULL;
    MachineEvent ev = { .kind = MACHINE_EVENT_MEM_UNPLUG_ERROR };
    char *path;

    if (!sl->enabled || !dev) {
        return;
    }
    if (ms->eject && ms->eject(ms->opaque, dev, &err)) {
        return;
    }
    if (!err) {
        error_setg(&err, "memory eject is not supported");
    }
    /* QEMU reports a refused eject both ways (MEM_UNPLUG_ERROR is old). */
    ev.u.mem_unplug_error.device = dev->id ? dev->id : "";
    ev.u.mem_unplug_error.msg = error_get_pretty(err);
    machine_event_emit(&ev);
    path = dev->canonical_path ? xstrdup(dev->canonical_path)
                               : object_get_canonical_path(OBJECT(dev));
    ev = (MachineEvent){ .kind = MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR };
    ev.u.device.device = dev->id;
    ev.u.device.path = path ? path : "";
    machine_event_emit(&ev);
    free(path);
    error_free(err);
}

static void memhp_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    MemHotplugState *ms = opaque;
    MemhpSlot *sl;

    (void)size;
    if (!ms->count) {
        return;
    }
    if (addr == ACPI_MEMHP_SELECTOR) {
        ms->selector = (uint32_t)val;
        return;
    }
    if (ms->selector >= ms->count) {
        return;
    }
    sl = &ms->slots[ms->selector];
    switch (addr) {
    case ACPI_MEMHP_OST_EVENT:
        sl->ost_event = (uint32_t)val;
        break;
    case ACPI_MEMHP_OST_STATUS:
        sl->ost_status = (uint32_t)val;
        emit_ost(ms, ms->selector);
        break;
    case ACPI_MEMHP_CONTROL:
        if (val & ACPI_MEMHP_CTRL_CLEAR_INSERT) {
            sl->inserting = false;
        } else if (val & ACPI_MEMHP_CTRL_CLEAR_REMOVE) {
            sl->removing = false;
        } else if (val & ACPI_MEMHP_CTRL_EJECT) {
            memhp_eject(ms, sl);
        }
        break;
    default:
        break;
    }
}

static const MemoryRegionOps memhp_ops = {
    .read = memhp_read,
    .write = memhp_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- State ---- */

MemHotplugState *acpi_memhp_new(MemoryRegion *io_as, const char *owner,
                                unsigned slots, AcpiMemhpNotifyFn *notify,
                                AcpiMemhpEjectFn *eject, void *opaque)
{
    MemHotplugState *ms = xzalloc(sizeof(*ms));

    ms->count = slots;
    ms->notify = notify;
    ms->eject = eject;
    ms->opaque = opaque;
    if (!slots) {
        return ms;
    }
    ms->slots = xzalloc(sizeof(*ms->slots) * slots);
    memory_region_init_io(&ms->io, owner, &memhp_ops, ms, "acpi-mem-hotplug",
                          ACPI_MEMHP_IO_LEN);
    if (io_as) {
        memory_region_add_subregion(io_as, ACPI_MEMHP_IO_BASE, &ms->io);
    }
    ms->mapped = true;
    return ms;
}

void acpi_memhp_free(MemHotplugState *ms)
{
    MemoryRegion *container;

    if (!ms) {
        return;
    }
    if (ms->mapped) {
        container = memory_region_get_container(&ms->io);
        if (container) {
            memory_region_del_subregion(container, &ms->io);
        }
        memory_region_finalize(&ms->io);
    }
    free(ms->slots);
    free(ms);
}

/* The slot record of dev, or NULL with QEMU's error. */
static MemhpSlot *slot_of(MemHotplugState *ms, DeviceState *dev, int slot,
                          Error **errp)
{
    char *path;

    if (slot >= 0 && (unsigned)slot < ms->count) {
        return &ms->slots[slot];
    }
    /* A realized device has its canonical path cached. */
    path = dev->canonical_path ? xstrdup(dev->canonical_path)
                               : object_get_canonical_path(OBJECT(dev));
    error_setg(errp,
               "acpi_memory_slot_status: device [%s] returned invalid "
               "memory slot[%d]",
               path ? path : "", slot);
    free(path);
    return NULL;
}

bool acpi_memhp_plug(MemHotplugState *ms, DeviceState *dev, int slot,
                     uint64_t addr, uint64_t size, uint32_t node,
                     bool hotplugged, Error **errp)
{
    MemhpSlot *sl = slot_of(ms, dev, slot, errp);

    if (!sl) {
        return false;
    }
    sl->dev = dev;
    sl->addr = addr;
    sl->size = size;
    sl->node = node;
    sl->enabled = true;
    if (hotplugged) {
        sl->inserting = true;
        if (ms->notify) {
            ms->notify(ms->opaque);
        }
    }
    return true;
}

bool acpi_memhp_unplug_request(MemHotplugState *ms, DeviceState *dev, int slot,
                               Error **errp)
{
    MemhpSlot *sl = slot_of(ms, dev, slot, errp);

    if (!sl) {
        return false;
    }
    sl->removing = true;
    if (ms->notify) {
        ms->notify(ms->opaque);
    }
    return true;
}

bool acpi_memhp_unplug(MemHotplugState *ms, DeviceState *dev, int slot,
                       Error **errp)
{
    MemhpSlot *sl = slot_of(ms, dev, slot, errp);

    if (!sl) {
        return false;
    }
    sl->enabled = false;
    sl->dev = NULL;
    return true;
}

unsigned acpi_memhp_slots(const MemHotplugState *ms)
{
    return ms ? ms->count : 0;
}

uint32_t acpi_memhp_slot_flags(const MemHotplugState *ms, unsigned slot)
{
    const MemhpSlot *sl;

    if (!ms || slot >= ms->count) {
        return 0;
    }
    sl = &ms->slots[slot];
    return (sl->enabled ? ACPI_MEMHP_FLAG_ENABLED : 0) |
           (sl->inserting ? ACPI_MEMHP_FLAG_INSERTING : 0) |
           (sl->removing ? ACPI_MEMHP_FLAG_REMOVING : 0);
}

bool acpi_memhp_slot_ost(const MemHotplugState *ms, unsigned slot,
                         AcpiOstInfo *info)
{
    if (!ms || slot >= ms->count) {
        return false;
    }
    slot_info(ms, slot, info);
    return true;
}
