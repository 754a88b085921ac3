/*
 * ACPI PCI hotplug (see acpi/pcihp.h).  Register behaviour, error texts
 * and event order are those observed on QEMU 7.2's pc machine.
 */
#include "acpi/pcihp.h"

#include <stdlib.h>
#include <string.h>

#include "acpi/core.h"
#include "src/loop.h"
#include "src/util.h"

#define PCIHP_SLOT_NONE 32 /* slot of an all-zero slot bitmap */

typedef struct PciHpBusStatus {
    uint32_t up;
    uint32_t down;
    uint32_t hotplug_enable;
} PciHpBusStatus;

struct AcpiPciHpState {
    Object *owner;
    PCIBus *root;
    MemoryRegion *io_parent;
    MemoryRegion io;
    uint16_t io_base;
    uint16_t io_len;
    uint32_t bsel_root; /* backs the root bus's bsel property */
    bool root_hotplug;
    bool legacy_piix;
    int32_t hotplug_select;
    uint32_t acpi_index;
    AcpiPciHpEventFn *send_event;
    void *opaque;
    /*
     * The registers of the one bus that can exist (the root, bsel 0; no
     * bridges).  Every other bsel up to ACPI_PCIHP_MAX_HOTPLUG_BUS has
     * no bus, so its registers never change from what reset leaves:
     * nothing up or down, every slot removable (absent_bus).
     */
    PciHpBusStatus root_status;
};

static const PciHpBusStatus absent_bus = { 0, 0, ~0u };

/* The registers of bsel (which must be below ACPI_PCIHP_MAX_HOTPLUG_BUS). */
static const PciHpBusStatus *bus_status(const AcpiPciHpState *s, int bsel)
{
    return bsel == ACPI_PCIHP_BSEL_DEFAULT ? &s->root_status : &absent_bus;
}

/* The registers of bsel to change: only the root's can. */
static PciHpBusStatus *bus_status_rw(AcpiPciHpState *s, int bsel)
{
    return bsel == ACPI_PCIHP_BSEL_DEFAULT ? &s->root_status : NULL;
}

/* ---- Deferred release of ejected devices ---- */

void acpi_pcihp_release_ejected(void)
{
    qdev_release_deferred();
}

/* ---- Buses and slots ---- */

static int slot_of_bitmap(uint64_t bits)
{
    uint32_t v = (uint32_t)bits;
    int slot = 0;

    if (!v) {
        return PCIHP_SLOT_NONE;
    }
    while (!(v & 1u)) {
        v >>= 1;
        slot++;
    }
    return slot;
}

static int bus_bsel(const AcpiPciHpState *s, PCIBus *bus)
{
    /* Only the root bus exists (no bridges); it has a bsel when the
     * root is hotpluggable. */
    if (bus == s->root && s->root_hotplug) {
        return ACPI_PCIHP_BSEL_DEFAULT;
    }
    return -1;
}

static PCIBus *hotplug_bus(const AcpiPciHpState *s, int bsel)
{
    if (bsel == ACPI_PCIHP_BSEL_DEFAULT && s->root_hotplug &&
        qbus_is_hotpluggable(&s->root->qbus)) {
        return s->root;
    }
    return NULL;
}

/* Functions the guest may not eject: cold-plugged bridges (described in
 * the ACPI tables) and non-hotpluggable device types. */
static bool no_hotplug(PCIDevice *d)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    DeviceClass *dc = DEVICE_GET_CLASS(d);

    return (pc->is_bridge && !d->qdev.hotplugged) || !dc->hotpluggable;
}

/*
 * The bus's devices in QEMU's child order (the bus keeps them newest
 * first), at most max, so that removals do not disturb the walk.
 * Returns the number stored.
 */
static size_t bus_devices_newest_first(PCIBus *bus, PCIDevice **out, size_t max)
{
    BusChild *kid;
    size_t n = 0;

    for (kid = bus->qbus.children; kid && n < max; kid = kid->next) {
        out[n++] = PCI_DEVICE(kid->child);
    }
    return n;
}

static void eject_device(PCIDevice *d)
{
    DeviceState *dev = &d->qdev;
    Object *obj = OBJECT(dev);
    Error *err = NULL;

    /* Held past the removal; let go after what the removal let go of
     * (the devices on its buses), as QEMU's call_rcu orders them. */
    object_ref(obj);
    if (!qdev_remove(dev, &err)) {
        error_free(err);
    }
    qdev_unref_later(obj);
}

/* Returns false when nothing could be done (no such bus or slot). */
static bool eject_slot(AcpiPciHpState *s, int bsel, uint64_t slots)
{
    int slot = slot_of_bitmap(slots);
    PCIBus *bus = hotplug_bus(s, bsel);
    PCIDevice *devs[PCI_DEVFN_MAX];
    size_t n, i;

    if (!bus || slot >= PCIHP_SLOT_NONE) {
        return false;
    }
    bus_status_rw(s, bsel)->down &= ~(1u << slot);
    bus_status_rw(s, bsel)->up &= ~(1u << slot);

    n = bus_devices_newest_first(bus, devs, PCI_DEVFN_MAX);
    for (i = 0; i < n; i++) {
        if (PCI_SLOT(devs[i]->devfn) == slot && !no_hotplug(devs[i])) {
            eject_device(devs[i]);
        }
    }
    return true;
}

static void update_hotplug_bus(AcpiPciHpState *s, int bsel)
{
    PciHpBusStatus *st = bus_status_rw(s, bsel);
    PCIBus *bus = hotplug_bus(s, bsel);
    BusChild *kid;

    /* Removals the guest did not complete are carried out now. */
    while (st->down) {
        if (!eject_slot(s, bsel, st->down)) {
            st->down = 0;
        }
    }
    st->hotplug_enable = ~0u;
    if (!bus) {
        return;
    }
    for (kid = bus->qbus.children; kid; kid = kid->next) {
        PCIDevice *d = PCI_DEVICE(kid->child);

        if (no_hotplug(d)) {
            st->hotplug_enable &= ~(1u << PCI_SLOT(d->devfn));
        }
    }
}

void acpi_pcihp_reset(AcpiPciHpState *s)
{
    /* (every other bsel is an absent bus: nothing to update) */
    update_hotplug_bus(s, ACPI_PCIHP_BSEL_DEFAULT);
}

/* ---- Registers ---- */

static uint64_t pcihp_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiPciHpState *s = opaque;
    int bsel = s->hotplug_select;
    const PciHpBusStatus *st;
    uint32_t val = 0;

    (void)size;
    if (bsel < 0 || bsel >= ACPI_PCIHP_MAX_HOTPLUG_BUS) {
        return 0;
    }
    st = bus_status(s, bsel);
    switch (addr) {
    case ACPI_PCIHP_UP:
        val = st->up;
        if (!s->legacy_piix && bus_status_rw(s, bsel)) {
            bus_status_rw(s, bsel)->up = 0;
        }
        break;
    case ACPI_PCIHP_DOWN:
        val = st->down;
        break;
    case ACPI_PCIHP_EJ:
        break;
    case ACPI_PCIHP_RMV:
        val = st->hotplug_enable;
        break;
    case ACPI_PCIHP_SEL:
        val = (uint32_t)s->hotplug_select;
        break;
    case ACPI_PCIHP_AIDX:
        val = s->acpi_index;
        s->acpi_index = 0;
        break;
    default:
        break;
    }
    return val;
}

/* Latches the acpi-index of the first function (QEMU's child order) in
 * the slot of the lowest bit of slots. */
static void fetch_acpi_index(AcpiPciHpState *s, uint64_t slots)
{
    int slot = slot_of_bitmap(slots);
    PCIDevice *devs[PCI_DEVFN_MAX];
    PCIBus *bus;
    size_t n, i;

    if (s->hotplug_select >= ACPI_PCIHP_MAX_HOTPLUG_BUS) {
        return;
    }
    bus = hotplug_bus(s, s->hotplug_select);
    if (!bus) {
        return;
    }
    n = bus_devices_newest_first(bus, devs, PCI_DEVFN_MAX);
    for (i = 0; i < n; i++) {
        if (PCI_SLOT(devs[i]->devfn) == slot) {
            s->acpi_index = devs[i]->acpi_index;
            return;
        }
    }
}

static void pcihp_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    AcpiPciHpState *s = opaque;

    (void)size;
    s->acpi_index = 0;
    switch (addr) {
    case ACPI_PCIHP_AIDX:
        fetch_acpi_index(s, val);
        break;
    case ACPI_PCIHP_EJ:
        if (s->hotplug_select < ACPI_PCIHP_MAX_HOTPLUG_BUS) {
            eject_slot(s, s->hotplug_select, val);
        }
        break;
    case ACPI_PCIHP_SEL:
        s->hotplug_select =
            s->legacy_piix ? ACPI_PCIHP_BSEL_DEFAULT : (int32_t)(uint32_t)val;
        break;
    default:
        break;
    }
}

static const MemoryRegionOps pcihp_ops = {
    .read = pcihp_read,
    .write = pcihp_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- Hotplug callbacks ---- */

/* Virtual time in ms as the unplug-request expiry counts it. */
static int64_t virtual_ms(void)
{
    return acpi_pm_tmr_get_clock() * 1000 / ACPI_PM_TIMER_FREQUENCY;
}

static const char *dev_name_for_errors(DeviceState *dev)
{
    return dev->id ? dev->id : dev->canonical_path ? dev->canonical_path : "";
}

bool acpi_pcihp_device_pre_plug(AcpiPciHpState *s, DeviceState *dev,
                                Error **errp)
{
    PCIDevice *d = PCI_DEVICE(dev);

    /* Only hotplugged devices need a bus the guest can see events of. */
    if (dev->hotplugged && bus_bsel(s, pci_get_bus(d)) < 0) {
        error_setg(
            errp,
            "Unsupported bus. Bus doesn't have property '" ACPI_PCIHP_PROP_BSEL
            "' set");
        return false;
    }
    return true;
}

void acpi_pcihp_device_plug(AcpiPciHpState *s, DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    int bsel;

    /* Devices present at start-up need no event. */
    if (!dev->hotplugged) {
        return;
    }
    bsel = bus_bsel(s, pci_get_bus(d));
    if (bsel < 0) {
        return;
    }
    bus_status_rw(s, bsel)->up |= 1u << PCI_SLOT(d->devfn);
    s->send_event(s->opaque);
}

bool acpi_pcihp_device_unplug_request(AcpiPciHpState *s, DeviceState *dev,
                                      Error **errp)
{
    PCIDevice *d = PCI_DEVICE(dev);
    int bsel = bus_bsel(s, pci_get_bus(d));
    int64_t now = virtual_ms();

    /* A request made while virtual time stood still never expires. */
    if (dev->pending_deleted_event && (dev->pending_deleted_expires_ms == 0 ||
                                       dev->pending_deleted_expires_ms > now)) {
        error_setg_kind(errp, ERROR_KIND_CONFLICT,
                        "Device %s is already in the process of unplug",
                        dev_name_for_errors(dev));
        return false;
    }
    if (bsel < 0) {
        error_setg(
            errp,
            "Unsupported bus. Bus doesn't have property '" ACPI_PCIHP_PROP_BSEL
            "' set");
        return false;
    }
    dev->pending_deleted_event = true;
    dev->pending_deleted_expires_ms = now;
    bus_status_rw(s, bsel)->down |= 1u << PCI_SLOT(d->devfn);
    s->send_event(s->opaque);
    return true;
}

void acpi_pcihp_device_unplug(AcpiPciHpState *s, DeviceState *dev)
{
    (void)s;
    /* The PCI core frees the acpi-index when the device unrealizes. */
    qdev_unrealize(dev);
}

/* ---- State ---- */

AcpiPciHpState *acpi_pcihp_new(Object *owner, PCIBus *root_bus,
                               MemoryRegion *io, uint16_t io_base,
                               bool bridges_enabled, bool root_hotplug,
                               AcpiPciHpEventFn *send_event, void *opaque)
{
    AcpiPciHpState *s = xzalloc(sizeof(*s));
    char *owner_text = pci_mr_owner(owner);

    s->owner = owner;
    s->root = root_bus;
    s->io_parent = io;
    s->io_base = io_base;
    s->io_len = ACPI_PCIHP_SIZE;
    s->legacy_piix = !bridges_enabled;
    s->root_hotplug = root_hotplug;
    s->send_event = send_event;
    s->opaque = opaque;

    memory_region_init_io(&s->io, owner_text, &pcihp_ops, s, "acpi-pci-hotplug",
                          s->io_len);
    memory_region_add_subregion(io, s->io_base, &s->io);
    free(owner_text);

    object_property_add_uint16_ptr(owner, ACPI_PCIHP_IO_BASE_PROP, &s->io_base);
    object_property_add_uint16_ptr(owner, ACPI_PCIHP_IO_LEN_PROP, &s->io_len);
    if (root_hotplug) {
        s->bsel_root = ACPI_PCIHP_BSEL_DEFAULT;
        object_property_add_uint32_ptr(OBJECT(root_bus), ACPI_PCIHP_PROP_BSEL,
                                       &s->bsel_root);
    }
    acpi_pcihp_reset(s);
    return s;
}

void acpi_pcihp_free(AcpiPciHpState *s)
{
    if (!s) {
        return;
    }
    memory_region_del_subregion(s->io_parent, &s->io);
    memory_region_finalize(&s->io);
    free(s);
}

uint32_t acpi_pcihp_get_up(const AcpiPciHpState *s, int bsel)
{
    return bsel >= 0 && bsel < ACPI_PCIHP_MAX_HOTPLUG_BUS
               ? bus_status(s, bsel)->up
               : 0;
}

uint32_t acpi_pcihp_get_down(const AcpiPciHpState *s, int bsel)
{
    return bsel >= 0 && bsel < ACPI_PCIHP_MAX_HOTPLUG_BUS
               ? bus_status(s, bsel)->down
               : 0;
}

uint32_t acpi_pcihp_get_rmv(const AcpiPciHpState *s, int bsel)
{
    return bsel >= 0 && bsel < ACPI_PCIHP_MAX_HOTPLUG_BUS
               ? bus_status(s, bsel)->hotplug_enable
               : 0;
}
