/* The pc machine (pc-i440fx-7.2): memory map, devices and their wiring. */
#ifndef QMACHINED_PC_H
#define QMACHINED_PC_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"
#include "object.h"
#include "machine-options.h"
#include "pc-hotplug.h" /* TYPE_PC_MACHINE */

/*
 * QEMU's type chain: pc-i440fx-7.2-machine -> generic-pc-machine (the
 * machine's hotplug handler, class init in pc.c) -> x86-machine ->
 * machine.  PCMachine is the instance (/machine).
 */
#define TYPE_X86_MACHINE "x86-machine"
#define TYPE_PC_I440FX_7_2_MACHINE "pc-i440fx-7.2-machine"

typedef struct PCMachine PCMachine;
typedef struct PCMemoryHotplug PCMemoryHotplug;

void pc_register_types(void);

/*
 * Builds the machine described by opts (after options_parse).  The
 * -object objects it refers to (memory backends) must exist: the front
 * end (src/main.c) creates them first, after memory_init(), as QEMU's
 * vl.c does before the board.
 */
PCMachine *pc_machine_create(const MachineOptions *opts, Error **errp);
/*
 * The -machine properties, taken by the machine object (qdev_machine_init
 * made it) before -object creates anything: a memory backend's defaults
 * follow the machine's mem-merge and dump-guest-core, as in QEMU.
 */
void pc_machine_set_options(const MachineOptions *opts);
/* The KVM-style memslot table kept for the memory address space. */
const struct MemSlots *pc_memslots(const PCMachine *pcm);

/* The machine built by pc_machine_create (NULL before). */
PCMachine *pc_current_machine(void);
/* An ACPI PM function can wake the guest from suspend (not acpi=off). */
bool pc_wakeup_suspend_supported(void);

/* Layout facts, as QEMU computes them. */
uint64_t pc_below_4g_mem_size(const PCMachine *pcm);
uint64_t pc_above_4g_mem_size(const PCMachine *pcm);
/* device-memory base and size; size 0 when there is none. */
uint64_t pc_device_memory_base(const PCMachine *pcm);
uint64_t pc_device_memory_size(const PCMachine *pcm);

#endif
