/*
 * pc machine: memory backends, pc.ram composition, the machine hotplug
 * handler for memory devices, and -device at start-up.
 */
#include "pc-hotplug.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "qdev.h"
#include "util.h"

static DimmLayout layout;
static uint64_t base_ram_size;
static bool acpi_enabled = true;

/* The machine class's previous handlers, for devices that are not ours. */
static HotplugHandler *(*prev_get_handler)(MachineState *m,
                                           DeviceState *dev);
static HotplugFn *prev_pre_plug, *prev_plug, *prev_unplug_request,
    *prev_unplug;

const DimmLayout *pc_dimm_layout(void)
{
    return &layout;
}

uint64_t pc_base_memory_size(void)
{
    return base_ram_size;
}

static bool is_dimm(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_PC_DIMM) != NULL;
}

static HotplugHandler *pc_get_hotplug_handler(MachineState *m,
                                              DeviceState *dev)
{
    if (is_dimm(dev)) {
        return OBJECT(m);
    }
    return prev_get_handler ? prev_get_handler(m, dev) : NULL;
}

static bool pc_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    if (!is_dimm(dev)) {
        return !prev_pre_plug || prev_pre_plug(h, dev, errp);
    }
    if (!acpi_enabled) {
        error_setg(errp, "memory hotplug is not enabled: missing acpi "
                   "device or acpi disabled");
        return false;
    }
    return dimm_pre_plug(PC_DIMM(dev), &layout, errp);
}

static bool pc_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    if (!is_dimm(dev)) {
        return !prev_plug || prev_plug(h, dev, errp);
    }
    dimm_plug(PC_DIMM(dev), &layout);
    return true;
}

static bool pc_unplug_request(HotplugHandler *h, DeviceState *dev,
                              Error **errp)
{
    const DimmHotplugOps *ops;
    void *opaque;

    if (!is_dimm(dev)) {
        return !prev_unplug_request || prev_unplug_request(h, dev, errp);
    }
    if (!acpi_enabled) {
        error_setg(errp, "memory hotplug is not enabled: missing acpi "
                   "device or acpi disabled");
        return false;
    }
    ops = dimm_get_hotplug_ops(&opaque);
    if (ops && ops->unplug_request) {
        return ops->unplug_request(opaque, PC_DIMM(dev), errp);
    }
    /* PIIX4 with no guest: the request is noted, nothing else happens. */
    return true;
}

static bool pc_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    if (!is_dimm(dev)) {
        return !prev_unplug || prev_unplug(h, dev, errp);
    }
    dimm_unplug(PC_DIMM(dev), &layout);
    return true;
}

void pc_memory_hotplug_init(uint64_t ram_size, uint64_t maxmem,
                            unsigned slots, uint64_t devmem_base,
                            uint64_t devmem_size, MemoryRegion *devmem,
                            bool acpi)
{
    Object *m = qdev_get_machine();
    MachineClass *mc;
    HotplugHandlerClass *hc;

    base_ram_size = ram_size;
    acpi_enabled = acpi;
    layout.slots = slots;
    layout.base = devmem_base;
    layout.size = devmem ? devmem_size : 0;
    layout.capacity = maxmem > ram_size ? maxmem - ram_size : 0;
    layout.container = devmem;
    if (!m || !object_dynamic_cast(m, TYPE_MACHINE) ||
        !object_dynamic_cast(m, TYPE_HOTPLUG_HANDLER)) {
        return;
    }
    mc = MACHINE_GET_CLASS(m);
    hc = HOTPLUG_HANDLER_GET_CLASS(m);
    if (mc->get_hotplug_handler == pc_get_hotplug_handler) {
        return;
    }
    prev_get_handler = mc->get_hotplug_handler;
    prev_pre_plug = hc->pre_plug;
    prev_plug = hc->plug;
    prev_unplug_request = hc->unplug_request;
    prev_unplug = hc->unplug;
    mc->get_hotplug_handler = pc_get_hotplug_handler;
    hc->pre_plug = pc_pre_plug;
    hc->plug = pc_plug;
    hc->unplug_request = pc_unplug_request;
    hc->unplug = pc_unplug;
}

/* ---- start-up ---- */

static void prefix_option(Error **errp, const char *opt, json_t *args,
                          size_t i)
{
    const char *arg = json_string_value(json_array_get(args, i));

    error_prepend(errp, "%s %s: ", opt, arg ? arg : "");
}

MemoryRegion *pc_ram_init(const NumaState *ns, HostMemoryBackend *machine_be,
                          uint64_t ram_size, MemoryRegion *container,
                          Error **errp)
{
    uint64_t addr = 0;
    unsigned i;

    dimm_set_numa_nodes(ns->num_nodes);
    if (machine_be) {
        /* -machine memory-backend=ID: that backend is the RAM. */
        backend_set_mapped(machine_be, true);
        return backend_get_memory(machine_be);
    }
    if (!ns->have_memdevs) {
        HostMemoryBackend *be = backend_create_ram("pc.ram", ram_size, errp);

        if (!be) {
            return NULL;
        }
        backend_set_mapped(be, true);
        return backend_get_memory(be);
    }
    /* numa_complete() checked the sizes and that each is used once. */
    memory_region_init(container, NULL, "pc.ram", ram_size);
    for (i = 0; i < ns->num_nodes; i++) {
        HostMemoryBackend *be = ns->nodes[i].memdev;

        if (be) {
            memory_region_add_subregion(container, addr,
                                        backend_get_memory(be));
            backend_set_mapped(be, true);
            addr += be->size;
        }
    }
    return container;
}

bool pc_create_devices(const MachineOptions *opts, Error **errp)
{
    json_t *dict;
    size_t i;

    json_array_foreach(opts->devices, i, dict) {
        if (!qdev_device_add(dict, errp)) {
            prefix_option(errp, "-device", opts->device_args, i);
            return false;
        }
    }
    qdev_set_hotplug_phase(true);
    return true;
}
