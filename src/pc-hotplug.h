/*
 * The pc machine's memory side beyond the fixed map: pc.ram (one
 * backend, or a container of the -numa node memdevs), the machine's
 * hotplug handler for pc-dimm, and -device at start-up.  Called from
 * pc_machine_create() and the machine's class.
 */
#ifndef QMACHINED_PC_HOTPLUG_H
#define QMACHINED_PC_HOTPLUG_H

#include <stdbool.h>
#include <stdint.h>

#include "dimm.h"
#include "error.h"
#include "memory.h"
#include "numa.h"
#include "machine-options.h"
#include "qdev.h"

/*
 * The region guest RAM aliases: the -machine memory-backend (machine_be,
 * may be NULL), else the backend "pc.ram" (/objects/pc.ram), or, with
 * -numa node,memdev=..., the container "pc.ram" (initialised in
 * *container) holding each node's backend region in node order.  ns has
 * passed numa_complete().
 */
MemoryRegion *pc_ram_init(const NumaState *ns, HostMemoryBackend *machine_be,
                          uint64_t ram_size, MemoryRegion *container,
                          Error **errp);

/* The machine's state for plugging memory devices (in its instance). */
struct PCMemoryHotplug {
    DimmLayout layout;
    uint64_t base_ram_size;
    bool acpi_enabled;
    HotplugHandler *acpi_dev; /* the ACPI device (PIIX4 PM), or NULL */
};
/* The machine type whose class init installs the methods below. */
#define TYPE_PC_MACHINE "generic-pc-machine"

typedef struct PCMemoryHotplug PCMemoryHotplug;

/* The state in a pc machine object (else NULL); defined in pc.c. */
PCMemoryHotplug *pc_machine_memory_hotplug(Object *machine);

/*
 * Fills in the memory layout the machine's hotplug handler places DIMMs
 * in.  devmem may be NULL (no device-memory).  acpi: ACPI enabled.
 */
void pc_memory_hotplug_init(PCMemoryHotplug *hp, uint64_t ram_size,
                            uint64_t maxmem, unsigned slots,
                            uint64_t devmem_base, uint64_t devmem_size,
                            MemoryRegion *devmem, bool acpi);

/*
 * The pc machine's hotplug handler methods (set by its class init in
 * pc.c): pc-dimm devices are the machine's own; for any other device the
 * parent class's method runs, when it has one.
 */
HotplugHandler *pc_machine_get_hotplug_handler(MachineState *m,
                                               DeviceState *dev);
bool pc_machine_device_pre_plug(HotplugHandler *h, DeviceState *dev,
                                Error **errp);
bool pc_machine_device_plug(HotplugHandler *h, DeviceState *dev, Error **errp);
bool pc_machine_device_unplug_request(HotplugHandler *h, DeviceState *dev,
                                      Error **errp);
bool pc_machine_device_unplug(HotplugHandler *h, DeviceState *dev,
                              Error **errp);

/* -device, in order (cold plug), then switches to the hotplug phase. */
bool pc_create_devices(const MachineOptions *opts, Error **errp);

/* The layout DIMMs are placed in (for ACPI memory hotplug and queries). */
const DimmLayout *pc_dimm_layout(void);
uint64_t pc_base_memory_size(void);

#endif
