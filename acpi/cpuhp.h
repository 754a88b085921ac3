/*
 * ACPI CPU hotplug registers, as QEMU 7.2's pc machine has them: the
 * legacy interface (a status bitmap, one bit per present CPU, 32 bytes)
 * and the modern one (selector at +0, flags at +4, 12 bytes) that
 * replaces it when the guest's AML writes 0 to +0 or the PM's
 * cpu-hotplug-legacy property is set false.  The owner (PIIX4 PM) embeds
 * the state and maps it at its base in the PCI I/O space.
 */
#ifndef QMACHINED_ACPI_CPUHP_H
#define QMACHINED_ACPI_CPUHP_H

#include <stdbool.h>
#include <stdint.h>

#include "src/memory.h"

#define ACPI_CPUHP_LEGACY_LEN 32

typedef struct AcpiCpuHotplug {
    MemoryRegion io;
    MemoryRegion *parent; /* where it is mapped */
    uint64_t base;
    char *owner; /* the owner name its regions carry */
    bool legacy;
    uint8_t sts[ACPI_CPUHP_LEGACY_LEN];
    uint32_t selector;
    unsigned ncpus;
} AcpiCpuHotplug;

/*
 * Maps the legacy interface at base in parent, with CPUs 0..ncpus-1
 * present.  owner: the owner name of the region (copied).
 */
void acpi_cpuhp_init(AcpiCpuHotplug *s, const char *owner, MemoryRegion *parent,
                     uint64_t base, unsigned ncpus);
/* Unmaps and frees (the owner's unrealize). */
void acpi_cpuhp_fini(AcpiCpuHotplug *s);
/* Replaces the legacy interface with the modern one (once). */
void acpi_cpuhp_switch_to_modern(AcpiCpuHotplug *s);
bool acpi_cpuhp_is_legacy(const AcpiCpuHotplug *s);
/* The cpu-hotplug-legacy property: false switches to modern. */
void acpi_cpuhp_set_legacy(AcpiCpuHotplug *s, bool legacy);

#endif
