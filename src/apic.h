/*
 * The local APIC object each x86 vCPU owns as its "lapic" child (QEMU's
 * "apic" type below the abstract "apic-common"; "kvm-apic" exists as a
 * type only).  No interrupt delivery is modelled: there is no vCPU to run.
 */
#ifndef QMACHINED_APIC_H
#define QMACHINED_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "qdev.h"

#define TYPE_APIC_COMMON "apic-common"
#define TYPE_APIC "apic"

typedef struct APICState APICState;

/*
 * Creates the "lapic" child of cpu with APIC ID id and realizes it.  NULL
 * with errp set on failure (the child is gone again).
 */
APICState *apic_create_child(Object *cpu, uint32_t id, Error **errp);

void apic_register_types(void);

#endif
