/*
 * pc-dimm: a DIMM in one of the machine's memory slots, backed by a
 * memory backend and mapped into device-memory.  Slot and address
 * choice follow QEMU 7.2 (lowest free slot, first fit from the base of
 * device-memory with the backend's alignment), with QEMU's errors.
 *
 * The machine's hotplug handler maps a DIMM (dimm_plug) and then passes
 * plug, device_del's unplug request and unplug on to its ACPI device (the
 * PIIX4 PM, whose memory-hotplug block is acpi/memhp.c), as QEMU's pc
 * machine does; the ACPI side calls dimm_eject() when the guest ejects a
 * slot (runs the machine's unplug, emits DEVICE_DELETED).
 */
#ifndef QMACHINED_DIMM_H
#define QMACHINED_DIMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "memory.h"
#include "qdev.h"

#define TYPE_PC_DIMM "pc-dimm"
#define TYPE_MEMORY_DEVICE "memory-device"
#define DIMM_UNASSIGNED_SLOT (-1)

typedef struct PCDIMMDevice {
    DeviceState parent_obj;
    uint64_t addr;
    uint32_t node;
    int32_t slot;
    Object *hostmem; /* link<memory-backend> */
} PCDIMMDevice;

OBJECT_DECLARE_CASTS(PCDIMMDevice, DeviceClass, PC_DIMM, TYPE_PC_DIMM)

/* What the machine provides for memory devices. */
typedef struct DimmLayout {
    unsigned slots; /* -m slots= */
    uint64_t base; /* device-memory base (GPA) */
    uint64_t size; /* device-memory size, 0: none */
    uint64_t capacity; /* maxmem - ram_size */
    unsigned numa_nodes; /* 0: no -numa */
    MemoryRegion *container; /* device-memory, NULL: none */
} DimmLayout;

/* An occupied range (for allocation). */
typedef struct DimmRange {
    uint64_t addr, size;
    const char *id; /* NULL: unnamed */
} DimmRange;

/*
 * Pure allocation steps (unit-tested).  used[] has max_slots entries.
 * hint < 0: none.  Return the slot / address, or -1 / false with errp.
 */
int dimm_choose_slot(const bool *used, unsigned max_slots, int hint,
                     Error **errp);
/*
 * ranges: the realized memory devices sorted by address.  hint NULL:
 * first fit.  used_size: sum of their sizes (capacity check).
 */
bool dimm_choose_addr(const DimmLayout *l, const DimmRange *ranges, size_t n,
                      uint64_t used_size, const uint64_t *hint, uint64_t align,
                      uint64_t size, uint64_t *out, Error **errp);

/* The machine's hotplug steps for a pc-dimm (called by pc-hotplug.c). */
bool dimm_pre_plug(PCDIMMDevice *dimm, const DimmLayout *l, Error **errp);
void dimm_plug(PCDIMMDevice *dimm, const DimmLayout *l);
void dimm_unplug(PCDIMMDevice *dimm, const DimmLayout *l);

/* ---- Queries ---- */

/* Realized DIMMs sorted by address (malloc'd array, *n entries). */
PCDIMMDevice **dimm_list(size_t *n);
/* The realized DIMM in slot, or NULL. */
PCDIMMDevice *dimm_by_slot(int slot);
uint64_t dimm_size(const PCDIMMDevice *dimm);
HostMemoryBackend *dimm_backend(const PCDIMMDevice *dimm);
/* Sum of the sizes of realized DIMMs (plugged-memory). */
uint64_t dimm_plugged_size(void);

/* The guest ejected dimm: unplug through the machine and delete it. */
bool dimm_eject(PCDIMMDevice *dimm, Error **errp);

/* Number of -numa nodes (0: none), for the node check at realize. */
void dimm_set_numa_nodes(unsigned n);

void dimm_register_types(void);

#endif
