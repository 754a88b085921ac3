/*
 * pc machine: memory backends, pc.ram composition, the machine hotplug
 * handler for memory devices, and -device at start-up.
 */
#include "pc-hotplug.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cpu.h"
#include "pc-cpus.h"
#include "qdev.h"
#include "util.h"

/* The machine's memory-hotplug state; a pc machine always has one. */
static PCMemoryHotplug *memhp_of(Object *machine)
{
    PCMemoryHotplug *hp = pc_machine_memory_hotplug(machine);

    assert(hp);
    return hp;
}

const DimmLayout *pc_dimm_layout(void)
{
    PCMemoryHotplug *hp = pc_machine_memory_hotplug(qdev_get_machine());

    return hp ? &hp->layout : NULL;
}

uint64_t pc_base_memory_size(void)
{
    PCMemoryHotplug *hp = pc_machine_memory_hotplug(qdev_get_machine());

    return hp ? hp->base_ram_size : 0;
}

static bool is_dimm(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_PC_DIMM) != NULL;
}

static bool is_cpu(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_CPU) != NULL;
}

/* ---- The parent class's methods (QOM chaining) ---- */

/* The class generic-pc-machine derives from. */
static ObjectClass *pc_parent_class(void)
{
    return object_class_get_parent(object_class_by_name(TYPE_PC_MACHINE));
}

/* Its hotplug handler methods, or NULL when it is no hotplug handler. */
static HotplugHandlerClass *pc_parent_hotplug_class(void)
{
    ObjectClass *k =
        object_class_dynamic_cast(pc_parent_class(), TYPE_HOTPLUG_HANDLER);

    return k ? HOTPLUG_HANDLER_CLASS(k) : NULL;
}

static bool parent_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = pc_parent_hotplug_class();

    return !hc || !hc->pre_plug || hc->pre_plug(h, dev, errp);
}

static bool parent_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = pc_parent_hotplug_class();

    return !hc || !hc->plug || hc->plug(h, dev, errp);
}

static bool parent_unplug_request(HotplugHandler *h, DeviceState *dev,
                                  Error **errp)
{
    HotplugHandlerClass *hc = pc_parent_hotplug_class();

    return !hc || !hc->unplug_request || hc->unplug_request(h, dev, errp);
}

static bool parent_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = pc_parent_hotplug_class();

    return !hc || !hc->unplug || hc->unplug(h, dev, errp);
}

/* ---- The machine's hotplug handler ---- */

HotplugHandler *pc_machine_get_hotplug_handler(MachineState *m,
                                               DeviceState *dev)
{
    MachineClass *parent = MACHINE_CLASS(pc_parent_class());

    if (is_dimm(dev) || object_dynamic_cast(OBJECT(dev), TYPE_CPU)) {
        return OBJECT(m);
    }
    return parent->get_hotplug_handler ? parent->get_hotplug_handler(m, dev)
                                       : NULL;
}

bool pc_machine_device_pre_plug(HotplugHandler *h, DeviceState *dev,
                                Error **errp)
{
    PCMemoryHotplug *hp;

    if (object_dynamic_cast(OBJECT(dev), TYPE_CPU)) {
        return pc_cpus_pre_plug(CPU(dev), errp);
    }
    if (!is_dimm(dev)) {
        return parent_pre_plug(h, dev, errp);
    }
    hp = memhp_of(h);
    if (!hp->acpi_enabled) {
        error_setg(errp, "memory hotplug is not enabled: missing acpi "
                         "device or acpi disabled");
        return false;
    }
    return dimm_pre_plug(PC_DIMM(dev), &hp->layout, errp);
}

bool pc_machine_device_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    if (is_cpu(dev)) {
        /* QEMU's x86_cpu_plug: the ACPI device first, then the slot. */
        if (memhp_of(h)->acpi_dev) {
            hotplug_handler_plug(memhp_of(h)->acpi_dev, dev, NULL);
        }
        pc_cpus_plug(CPU(dev));
        return true;
    }
    if (!is_dimm(dev)) {
        return parent_plug(h, dev, errp);
    }
    dimm_plug(PC_DIMM(dev), &memhp_of(h)->layout);
    if (memhp_of(h)->acpi_dev) {
        hotplug_handler_plug(memhp_of(h)->acpi_dev, dev, NULL);
    }
    return true;
}

bool pc_machine_device_unplug_request(HotplugHandler *h, DeviceState *dev,
                                      Error **errp)
{
    if (is_cpu(dev)) {
        /* QEMU's x86_cpu_unplug_request_cb. */
        if (!memhp_of(h)->acpi_dev) {
            error_setg(errp, "CPU hot unplug not supported without ACPI");
            return false;
        }
        if (pc_cpus_slot_index(CPU(dev)) == 0) {
            error_setg(errp, "Boot CPU is unpluggable");
            return false;
        }
        return hotplug_handler_unplug_request(memhp_of(h)->acpi_dev, dev, errp);
    }
    if (!is_dimm(dev)) {
        return parent_unplug_request(h, dev, errp);
    }
    if (!memhp_of(h)->acpi_enabled) {
        error_setg(errp, "memory hotplug is not enabled: missing acpi "
                         "device or acpi disabled");
        return false;
    }
    return !memhp_of(h)->acpi_dev ||
           hotplug_handler_unplug_request(memhp_of(h)->acpi_dev, dev, errp);
}

bool pc_machine_device_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    if (is_cpu(dev)) {
        /* QEMU's x86_cpu_unplug_cb: the ACPI device, the slot, unrealize. */
        if (memhp_of(h)->acpi_dev &&
            !hotplug_handler_unplug(memhp_of(h)->acpi_dev, dev, errp)) {
            return false;
        }
        pc_cpus_unplug(CPU(dev));
        qdev_unrealize(dev);
        return true;
    }
    if (!is_dimm(dev)) {
        return parent_unplug(h, dev, errp);
    }
    if (memhp_of(h)->acpi_dev) {
        hotplug_handler_unplug(memhp_of(h)->acpi_dev, dev, NULL);
    }
    dimm_unplug(PC_DIMM(dev), &memhp_of(h)->layout);
    return true;
}

void pc_memory_hotplug_init(PCMemoryHotplug *hp, uint64_t ram_size,
                            uint64_t maxmem, unsigned slots,
                            uint64_t devmem_base, uint64_t devmem_size,
                            MemoryRegion *devmem, bool acpi)
{
    hp->base_ram_size = ram_size;
    hp->acpi_enabled = acpi;
    hp->layout.slots = slots;
    hp->layout.base = devmem_base;
    hp->layout.size = devmem ? devmem_size : 0;
    hp->layout.capacity = maxmem > ram_size ? maxmem - ram_size : 0;
    hp->layout.container = devmem;
}

/* ---- start-up ---- */

static void prefix_option(Error **errp, const char *opt, json_t *args, size_t i)
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

    json_array_foreach (opts->devices, i, dict) {
        if (!qdev_device_add(dict, errp)) {
            prefix_option(errp, "-device", opts->device_args, i);
            return false;
        }
    }
    /* The devices of if=virtio drives come last, as in QEMU. */
    json_array_foreach (opts->drive_devices, i, dict) {
        if (!qdev_device_add(dict, errp)) {
            prefix_option(errp, "-drive", opts->drive_device_args, i);
            return false;
        }
    }
    qdev_set_hotplug_phase(true);
    return true;
}
