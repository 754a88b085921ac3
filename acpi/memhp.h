/*
 * ACPI memory hotplug as QEMU 7.2's PIIX4 PM has it: the
 * "acpi-mem-hotplug" register block (24 bytes at 0x0a00, present only
 * when -m slots= is nonzero), one status record per DIMM slot, the GPE.3
 * notification, the guest's _OST reports (ACPI_DEVICE_OST) and eject,
 * and the records query-acpi-ospm-status reports (qmp/commands-acpi.c).
 *
 * Registers (little-endian, 1-4 byte accesses; offsets relative to the
 * block; reads with the selector out of range return 0, writes other
 * than the selector are then ignored):
 *   0x00 read: address low     write: slot selector
 *   0x04 read: address high    write: _OST event (source)
 *   0x08 read: size low        write: _OST status, emits ACPI_DEVICE_OST
 *   0x0c read: size high
 *   0x10 read: proximity (NUMA node)
 *   0x14 read: flags (bit 0 enabled, 1 inserting, 2 removing)
 *        write: control, one action per write, first match wins:
 *               bit 1 clears inserting, bit 2 clears removing,
 *               bit 3 ejects the DIMM (only if the slot is enabled)
 * Any other offset reads all-ones.
 */
#ifndef QMACHINED_ACPI_MEMHP_H
#define QMACHINED_ACPI_MEMHP_H

#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"
#include "src/events.h"
#include "src/memory.h"
#include "src/qdev.h"

#define ACPI_MEMHP_IO_BASE 0x0a00
#define ACPI_MEMHP_IO_LEN 24

/* Register offsets. */
#define ACPI_MEMHP_ADDR_LO 0x00 /* write: selector */
#define ACPI_MEMHP_ADDR_HI 0x04 /* write: _OST event */
#define ACPI_MEMHP_SIZE_LO 0x08 /* write: _OST status */
#define ACPI_MEMHP_SIZE_HI 0x0c
#define ACPI_MEMHP_PXM 0x10
#define ACPI_MEMHP_FLAGS 0x14 /* write: control */
#define ACPI_MEMHP_SELECTOR ACPI_MEMHP_ADDR_LO
#define ACPI_MEMHP_OST_EVENT ACPI_MEMHP_ADDR_HI
#define ACPI_MEMHP_OST_STATUS ACPI_MEMHP_SIZE_LO
#define ACPI_MEMHP_CONTROL ACPI_MEMHP_FLAGS

/* Flags (read) and control (write) bits. */
#define ACPI_MEMHP_FLAG_ENABLED 0x01
#define ACPI_MEMHP_FLAG_INSERTING 0x02
#define ACPI_MEMHP_FLAG_REMOVING 0x04
#define ACPI_MEMHP_CTRL_CLEAR_INSERT 0x02
#define ACPI_MEMHP_CTRL_CLEAR_REMOVE 0x04
#define ACPI_MEMHP_CTRL_EJECT 0x08

typedef struct MemHotplugState MemHotplugState;

/* Raises the memory-hotplug GPE (status bit, SCI update). */
typedef void AcpiMemhpNotifyFn(void *opaque);
/*
 * Carries out the guest's eject of dev: the machine's unplug (slot
 * cleared through acpi_memhp_unplug, region removed), then deletion.
 * Returns false with errp when the machine refused.
 */
typedef bool AcpiMemhpEjectFn(void *opaque, DeviceState *dev, Error **errp);

/*
 * The register block on its own: slots records; with slots > 0 the
 * region is initialised (owner: the "info mtree -o" owner text, may be
 * NULL) and mapped at ACPI_MEMHP_IO_BASE in io_as.  notify and eject
 * may be NULL (nothing raised / eject refused with an error).
 */
MemHotplugState *acpi_memhp_new(MemoryRegion *io_as, const char *owner,
                                unsigned slots, AcpiMemhpNotifyFn *notify,
                                AcpiMemhpEjectFn *eject, void *opaque);
/* Unmaps the region and frees the state (NULL is fine). */
void acpi_memhp_free(MemHotplugState *ms);

/*
 * Slot events.  plug: the DIMM is mapped at addr (size bytes, NUMA node);
 * the slot becomes enabled; a hotplugged DIMM also becomes inserting and
 * raises the GPE.  unplug_request (device_del): removing + GPE.  unplug:
 * the slot is disabled and forgets the DIMM.  Each fails with QEMU's
 * message for a slot beyond the block's count.
 */
bool acpi_memhp_plug(MemHotplugState *ms, DeviceState *dev, int slot,
                     uint64_t addr, uint64_t size, uint32_t node,
                     bool hotplugged, Error **errp);
bool acpi_memhp_unplug_request(MemHotplugState *ms, DeviceState *dev, int slot,
                               Error **errp);
bool acpi_memhp_unplug(MemHotplugState *ms, DeviceState *dev, int slot,
                       Error **errp);

unsigned acpi_memhp_slots(const MemHotplugState *ms);
/* Slot's flags as register 0x14 reads them (0 for a bad slot). */
uint32_t acpi_memhp_slot_flags(const MemHotplugState *ms, unsigned slot);
/* Slot's _OST record into *info; false for a bad slot (or NULL ms). */
bool acpi_memhp_slot_ost(const MemHotplugState *ms, unsigned slot,
                         AcpiOstInfo *info);

/* Receives one _OST record (query-acpi-ospm-status). */
typedef void AcpiOstInfoFn(void *opaque, const AcpiOstInfo *info);

#endif
