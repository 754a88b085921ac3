/*
 * ACPI PCI hotplug as QEMU 7.2 offers it to the guest's AML (the
 * "acpi-pci-hotplug" I/O block, 0x18 bytes of 4-byte registers at 0xae00
 * on PIIX4), and the PCI side of the PIIX4 PM's hotplug handler.
 *
 * Registers (offsets in the block; all of them for the bus BNUM selects):
 *   0x00 PCIU  slots with a device plugged since the last read (read
 *              clears it unless the legacy PIIX4 mode is on)
 *   0x04 PCID  slots whose removal was requested (device_del)
 *   0x08 B0EJ  reads 0; a write ejects the slot of its lowest set bit:
 *              the bit leaves PCIU and PCID and every hotpluggable
 *              function of the slot is removed
 *   0x0c RMV   slots the guest may eject (recomputed at reset)
 *   0x10 BNUM  bus selector (bsel); 0 is the root bus
 *   0x14 AIDX  write a slot bitmap, read back that slot's acpi-index
 *              once; any write to the block first drops a pending value
 *
 * Hotplugging a device (device_add after start-up) sets its slot in PCIU
 * and raises GPE0 bit 1; device_del sets PCID and raises GPE0 bit 1, and
 * the device goes only when the guest ejects the slot or at the next
 * system reset.  A second device_del while the removal is pending fails
 * with "Device ID is already in the process of unplug".
 *
 * DEVICE_DELETED: as in QEMU, where the last reference of an ejected
 * device goes only after an RCU grace period, the events of ejected
 * devices (children first) come after the current command's reply and
 * events (RESET for system_reset): the removal itself is immediate, the
 * final reference is dropped from the event loop.
 */
#ifndef QMACHINED_ACPI_PCIHP_H
#define QMACHINED_ACPI_PCIHP_H

#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"
#include "src/memory.h"
#include "src/pci.h"
#include "src/qdev.h"

#define ACPI_PCIHP_ADDR_PIIX4 0xae00
#define ACPI_PCIHP_SIZE 0x18
#define ACPI_PCIHP_MAX_HOTPLUG_BUS 256
#define ACPI_PCIHP_BSEL_DEFAULT 0

/* Register offsets. */
#define ACPI_PCIHP_UP 0x00
#define ACPI_PCIHP_DOWN 0x04
#define ACPI_PCIHP_EJ 0x08
#define ACPI_PCIHP_RMV 0x0c
#define ACPI_PCIHP_SEL 0x10
#define ACPI_PCIHP_AIDX 0x14

/* The bus property carrying the bsel, and the owner's read-only views. */
#define ACPI_PCIHP_PROP_BSEL "acpi-pcihp-bsel"
#define ACPI_PCIHP_IO_BASE_PROP "acpi-pcihp-io-base"
#define ACPI_PCIHP_IO_LEN_PROP "acpi-pcihp-io-len"

typedef struct AcpiPciHpState AcpiPciHpState;

/* Raises the hotplug GPE (GPE0 status bit 1) and updates the SCI. */
typedef void AcpiPciHpEventFn(void *opaque);

/*
 * Creates the hotplug state for root_bus: the "acpi-pci-hotplug" region
 * (owner: the owner object's text for "info mtree -o") mapped at io_base
 * in io, the owner's acpi-pcihp-io-base/len properties and, when root
 * hotplug is on, the root bus's acpi-pcihp-bsel (0).  bridges_enabled
 * false is QEMU's legacy PIIX4 mode (PCIU keeps its bits on read, BNUM
 * stays 0).
 */
AcpiPciHpState *acpi_pcihp_new(Object *owner, PCIBus *root_bus,
                               MemoryRegion *io, uint16_t io_base,
                               bool bridges_enabled, bool root_hotplug,
                               AcpiPciHpEventFn *send_event, void *opaque);
/* Unmaps the block and frees the state (devices stay). */
void acpi_pcihp_free(AcpiPciHpState *s);

/* Reset: ejects every pending removal, recomputes RMV. */
void acpi_pcihp_reset(AcpiPciHpState *s);

/* The PCI part of a hotplug handler (dev must be a PCI device). */
bool acpi_pcihp_device_pre_plug(AcpiPciHpState *s, DeviceState *dev,
                                Error **errp);
void acpi_pcihp_device_plug(AcpiPciHpState *s, DeviceState *dev);
bool acpi_pcihp_device_unplug_request(AcpiPciHpState *s, DeviceState *dev,
                                      Error **errp);
void acpi_pcihp_device_unplug(AcpiPciHpState *s, DeviceState *dev);

/* Register state of bus bsel, without side effects (tests, queries). */
uint32_t acpi_pcihp_get_up(const AcpiPciHpState *s, int bsel);
uint32_t acpi_pcihp_get_down(const AcpiPciHpState *s, int bsel);
uint32_t acpi_pcihp_get_rmv(const AcpiPciHpState *s, int bsel);

/*
 * Drops the references still held on ejected devices (their
 * DEVICE_DELETED events follow).  Runs from the event loop by itself;
 * tests without a loop call it directly.
 */
void acpi_pcihp_release_ejected(void);

#endif
