/*
 * ACPI CPU hotplug registers, as QEMU 7.2's PIIX4 PM has them at 0xaf00.
 *
 * Legacy interface (32 bytes): a status bitmap, bit N for the CPU with
 * APIC ID N present; a hot-added CPU sets its bit and raises GPE.2.
 * Writing 0 to +0 (QEMU's AML _INI does) or setting the PM's
 * cpu-hotplug-legacy false replaces it with the modern interface, once.
 *
 * Modern interface (12 bytes, docs/specs/acpi_cpu_hotplug.rst in QEMU),
 * one record per possible CPU slot, each access dispatched at its own
 * width (1-4 bytes, unaligned ones split by the memory core):
 *   read  +0  command data 2: 0 (command 0), APIC ID >> 32 (command 3)
 *         +4  status: bit 0 enabled, 1 insert event, 2 remove event,
 *             4 eject handed to firmware
 *         +8  command data: selector (command 0), APIC ID (command 3)
 *   write +0  selector
 *         +4  control, first match wins: bit 1 clears insert, bit 2
 *             clears remove, bit 3 ejects (not the boot CPU; clears
 *             bit 4), bit 4 sets the firmware eject flag (not the boot
 *             CPU; a second write leaves it set)
 *         +5  command (values 0-3; 0 selects the next CPU with an event)
 *         +8  command data: OST event (command 1), OST status (command 2,
 *             emits ACPI_DEVICE_OST)
 * Any other offset reads 0; with the selector out of range every read
 * returns 0 and every write but the selector's is ignored.
 */
#ifndef QMACHINED_ACPI_CPUHP_H
#define QMACHINED_ACPI_CPUHP_H

#include <stdbool.h>
#include <stdint.h>

#include "src/cpu.h"
#include "src/error.h"
#include "src/events.h"
#include "src/memory.h"
#include "src/pc-cpus.h"

#define ACPI_CPUHP_LEGACY_LEN 32
#define ACPI_CPUHP_MODERN_LEN 12

/* Modern register offsets. */
#define ACPI_CPUHP_SELECTOR 0x0 /* write; read: command data 2 */
#define ACPI_CPUHP_CMD_DATA2 0x0
#define ACPI_CPUHP_FLAGS 0x4 /* read: status; write: control */
#define ACPI_CPUHP_CMD 0x5
#define ACPI_CPUHP_CMD_DATA 0x8

/* Status (read) and control (write) bits. */
#define ACPI_CPUHP_FLAG_ENABLED 0x01
#define ACPI_CPUHP_FLAG_INSERT 0x02
#define ACPI_CPUHP_FLAG_REMOVE 0x04
#define ACPI_CPUHP_FLAG_FW_EJECT 0x10
#define ACPI_CPUHP_CTRL_CLEAR_INSERT 0x02
#define ACPI_CPUHP_CTRL_CLEAR_REMOVE 0x04
#define ACPI_CPUHP_CTRL_EJECT 0x08
#define ACPI_CPUHP_CTRL_FW_EJECT 0x10

/* Commands. */
#define ACPI_CPUHP_CMD_NEXT_EVENT 0
#define ACPI_CPUHP_CMD_OST_EVENT 1
#define ACPI_CPUHP_CMD_OST_STATUS 2
#define ACPI_CPUHP_CMD_CPU_ID 3

/* Raises the CPU hotplug GPE (status bit 2, SCI update). */
typedef void AcpiCpuhpNotifyFn(void *opaque);
/*
 * Carries out the guest's eject of cpu: the machine's unplug (the slot
 * forgets it through acpi_cpuhp_unplug), then deletion.
 */
typedef void AcpiCpuhpEjectFn(void *opaque, CPUState *cpu);

typedef struct AcpiCpuhpSlot {
    CPUState *cpu; /* borrowed; NULL: empty */
    uint64_t arch_id; /* the APIC ID */
    bool inserting;
    bool removing;
    bool fw_remove;
    uint32_t ost_event;
    uint32_t ost_status;
} AcpiCpuhpSlot;

typedef struct AcpiCpuHotplug {
    MemoryRegion io;
    MemoryRegion *parent; /* where it is mapped */
    uint64_t base;
    char *owner; /* the owner name its regions carry */
    bool legacy;
    uint8_t sts[ACPI_CPUHP_LEGACY_LEN];
    const PCCpus *cpus; /* the possible CPU slots */
    /* Modern: one record per possible CPU (made at the switch). */
    AcpiCpuhpSlot *slots;
    unsigned count;
    uint32_t selector;
    uint8_t command;
    AcpiCpuhpNotifyFn *notify;
    AcpiCpuhpEjectFn *eject;
    void *opaque;
} AcpiCpuHotplug;

/*
 * Maps the legacy interface at base in parent, the bits of cpus' present
 * vCPUs set.  owner: the owner name of the region (copied).  notify and
 * eject may be NULL.
 */
void acpi_cpuhp_init(AcpiCpuHotplug *s, const char *owner, MemoryRegion *parent,
                     uint64_t base, const PCCpus *cpus,
                     AcpiCpuhpNotifyFn *notify, AcpiCpuhpEjectFn *eject,
                     void *opaque);
/* Frees (the owner's unrealize unmaps s->io). */
void acpi_cpuhp_fini(AcpiCpuHotplug *s);
/*
 * Replaces the legacy interface with the modern one (once), its records
 * taken from the slots as they are now.
 */
void acpi_cpuhp_switch_to_modern(AcpiCpuHotplug *s);
bool acpi_cpuhp_is_legacy(const AcpiCpuHotplug *s);
/* The cpu-hotplug-legacy property: false switches to modern. */
void acpi_cpuhp_set_legacy(AcpiCpuHotplug *s, bool legacy);

/*
 * A vCPU was plugged: legacy, its bit is set and the GPE raised; modern,
 * its slot takes it and, if hotplugged, gets an insert event and the GPE.
 */
void acpi_cpuhp_plug(AcpiCpuHotplug *s, CPUState *cpu);
/*
 * device_del of a vCPU: legacy fails with QEMU's message (type: the
 * vCPU's type name); modern sets the remove event and raises the GPE.
 */
bool acpi_cpuhp_unplug_request(AcpiCpuHotplug *s, CPUState *cpu, Error **errp);
/* The vCPU leaves its slot (the machine's unplug); legacy fails. */
bool acpi_cpuhp_unplug(AcpiCpuHotplug *s, CPUState *cpu, Error **errp);

/* Modern records (0 when legacy). */
unsigned acpi_cpuhp_slots(const AcpiCpuHotplug *s);
/* Slot's status byte as +4 reads it (0 for a bad slot). */
uint32_t acpi_cpuhp_slot_flags(const AcpiCpuHotplug *s, unsigned slot);
/* Slot's _OST record into *info; false for a bad slot or legacy. */
bool acpi_cpuhp_slot_ost(const AcpiCpuHotplug *s, unsigned slot,
                         AcpiOstInfo *info);

#endif
