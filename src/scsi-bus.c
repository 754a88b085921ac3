/* The SCSI bus and scsi-device; see scsi-bus.h. */
#include <stdlib.h>
#include <string.h>

#include "src/bootdevice.h"
#include "src/scsi-bus.h"
#include "src/util.h"

/* scsi-id or lun not given. */
#define SCSI_ADDR_UNSET UINT32_MAX

/*
 * QEMU's do_scsi_device_find: the device at channel:id:lun, else the
 * first one (newest first, the bus's order) at channel:id; unrealized
 * ones count only with include_unrealized.
 */
static SCSIDevice *device_find(SCSIBus *bus, uint32_t channel, uint32_t id,
                               uint32_t lun, bool include_unrealized)
{
    SCSIDevice *found = NULL;
    BusChild *kid;

    for (kid = bus->qbus.children; kid; kid = kid->next) {
        SCSIDevice *dev = SCSI_DEVICE(kid->child);

        if (dev->channel == channel && dev->id == id) {
            if (dev->lun == lun) {
                found = dev;
                break;
            }
            if (!found) {
                found = dev;
            }
        }
    }
    if (found && !include_unrealized && !found->qdev.realized) {
        return NULL;
    }
    return found;
}

SCSIDevice *scsi_device_find(SCSIBus *bus, uint32_t channel, uint32_t id,
                             uint32_t lun)
{
    return device_find(bus, channel, id, lun, false);
}

/* Whether channel:target:lun is free; *holder: the device there. */
static bool address_free(SCSIBus *bus, uint32_t channel, uint32_t target,
                         uint32_t lun, SCSIDevice **holder)
{
    SCSIDevice *d = device_find(bus, channel, target, lun, true);

    if (d && d->lun == lun) {
        if (holder) {
            *holder = d;
        }
        return false;
    }
    if (holder) {
        *holder = NULL;
    }
    return true;
}

/* QEMU's scsi_bus_check_address: before the device joins the bus. */
static bool scsi_bus_check_address(BusState *qbus, DeviceState *qdev,
                                   Error **errp)
{
    SCSIDevice *dev = SCSI_DEVICE(qdev);
    SCSIBus *bus = SCSI_BUS(qbus);
    SCSIDevice *d;

    if (dev->channel > bus->info->max_channel) {
        error_setg(errp, "bad scsi channel id: %d", (int)dev->channel);
        return false;
    }
    if (dev->id != SCSI_ADDR_UNSET && dev->id > bus->info->max_target) {
        error_setg(errp, "bad scsi device id: %d", (int)dev->id);
        return false;
    }
    if (dev->lun != SCSI_ADDR_UNSET && dev->lun > bus->info->max_lun) {
        error_setg(errp, "bad scsi device lun: %d", (int)dev->lun);
        return false;
    }
    if (dev->id != SCSI_ADDR_UNSET && dev->lun != SCSI_ADDR_UNSET &&
        !address_free(bus, dev->channel, dev->id, dev->lun, &d)) {
        error_setg(errp, "lun already used by '%s'",
                   d->qdev.id ? d->qdev.id : "(null)");
        return false;
    }
    return true;
}

/*
 * QEMU's scsi_qdev_realize: no scsi-id given, the lowest target free at
 * the lun (0 unless given); a scsi-id without lun, the lowest lun free
 * there.  Then the device's own realize.
 */
static bool scsi_qdev_realize(DeviceState *qdev, Error **errp)
{
    SCSIDevice *dev = SCSI_DEVICE(qdev);
    SCSIDeviceClass *sc = SCSI_DEVICE_GET_CLASS(dev);
    SCSIBus *bus = SCSI_BUS(qdev->parent_bus);
    bool is_free;

    if (dev->id == SCSI_ADDR_UNSET) {
        uint32_t id = 0;

        if (dev->lun == SCSI_ADDR_UNSET) {
            dev->lun = 0;
        }
        while (
            !(is_free = address_free(bus, dev->channel, id, dev->lun, NULL)) &&
            id < bus->info->max_target) {
            id++;
        }
        if (!is_free) {
            error_setg(errp, "no free target");
            return false;
        }
        dev->id = id;
    } else if (dev->lun == SCSI_ADDR_UNSET) {
        uint32_t lun = 0;

        while (
            !(is_free = address_free(bus, dev->channel, dev->id, lun, NULL)) &&
            lun < bus->info->max_lun) {
            lun++;
        }
        if (!is_free) {
            error_setg(errp, "no free lun");
            return false;
        }
        dev->lun = lun;
    }
    return !sc->realize || sc->realize(dev, errp);
}

/* The device's own unrealize; a -drive it used goes with it. */
static void scsi_qdev_unrealize(DeviceState *qdev)
{
    SCSIDevice *dev = SCSI_DEVICE(qdev);
    SCSIDeviceClass *sc = SCSI_DEVICE_GET_CLASS(dev);

    if (sc->unrealize) {
        sc->unrealize(dev);
    }
    if (dev->conf.blk) {
        blk_mark_auto_del(dev->conf.blk);
    }
}

/* "<hba dev path>/channel:id:lun". */
static char *scsibus_get_dev_path(DeviceState *dev)
{
    SCSIDevice *d = SCSI_DEVICE(dev);
    DeviceState *hba = dev->parent_bus->parent;
    BusClass *bc =
        hba && hba->parent_bus ? BUS_GET_CLASS(hba->parent_bus) : NULL;
    char *id = bc && bc->get_dev_path ? bc->get_dev_path(hba) : NULL;
    char *path;

    if (id) {
        path = xasprintf("%s/%u:%u:%u", id, d->channel, d->id, d->lun);
    } else {
        path = xasprintf("%u:%u:%u", d->channel, d->id, d->lun);
    }
    free(id);
    return path;
}

static char *scsibus_get_fw_dev_path(DeviceState *dev)
{
    SCSIDevice *d = SCSI_DEVICE(dev);
    const char *fw_name = DEVICE_GET_CLASS(dev)->fw_name;

    return xasprintf("channel@%x/%s@%x,%x", d->channel,
                     fw_name ? fw_name : object_get_typename(OBJECT(dev)),
                     d->id, d->lun);
}

/* The bus's own handler (an HBA may take over): removal at once. */
static bool scsi_bus_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    (void)h;
    (void)errp;
    object_unparent(OBJECT(dev));
    return true;
}

static ObjectUnparent *device_parent_unparent;

/*
 * QEMU's bus lets go of a removed device after an RCU grace period: it is
 * freed, and DEVICE_DELETED sent, from the event loop (after the reply of
 * the command that removed it, and before its HBA when both go).
 */
static void scsi_device_unparent(Object *obj)
{
    object_ref(obj);
    device_parent_unparent(obj);
    qdev_unref_later(obj);
}

SCSIBus *scsi_bus_new(DeviceState *host, const char *name,
                      const SCSIBusInfo *info)
{
    SCSIBus *bus = SCSI_BUS(qbus_new(TYPE_SCSI_BUS, host, name));

    bus->info = info;
    /* A bus made by a realized host is realized with it. */
    bus->qbus.realized = host && host->realized;
    qbus_set_hotplug_handler(BUS(bus), OBJECT(bus));
    return bus;
}

static Property scsi_props[] = {
    DEFINE_PROP_UINT32("channel", SCSIDevice, channel, 0),
    DEFINE_PROP_UINT32("scsi-id", SCSIDevice, id, SCSI_ADDR_UNSET),
    DEFINE_PROP_UINT32("lun", SCSIDevice, lun, SCSI_ADDR_UNSET),
    DEFINE_PROP_END_OF_LIST(),
};

static void scsi_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
    dc->bus_type = TYPE_SCSI_BUS;
    dc->realize = scsi_qdev_realize;
    dc->unrealize = scsi_qdev_unrealize;
    device_parent_unparent = klass->unparent;
    klass->unparent = scsi_device_unparent;
    device_class_set_props(dc, scsi_props);
}

static void scsi_device_instance_init(Object *obj)
{
    SCSIDevice *s = SCSI_DEVICE(obj);

    bootdevice_add_property(obj, &s->bootindex, DEVICE(obj));
}

static void scsi_bus_class_init(ObjectClass *klass, void *data)
{
    BusClass *k = BUS_CLASS(klass);
    HotplugHandlerClass *hc =
        OBJECT_CLASS_CHECK(HotplugHandlerClass, klass, TYPE_HOTPLUG_HANDLER);

    (void)data;
    k->get_dev_path = scsibus_get_dev_path;
    k->get_fw_dev_path = scsibus_get_fw_dev_path;
    k->check_address = scsi_bus_check_address;
    hc->unplug = scsi_bus_unplug;
}

static const InterfaceInfo scsi_bus_interfaces[] = {
    { TYPE_HOTPLUG_HANDLER },
    { NULL },
};

void scsi_bus_register_types(void)
{
    static const TypeInfo types[] = {
        {
            .name = TYPE_SCSI_BUS,
            .parent = TYPE_BUS,
            .instance_size = sizeof(SCSIBus),
            .class_init = scsi_bus_class_init,
            .interfaces = scsi_bus_interfaces,
        },
        {
            .name = TYPE_SCSI_DEVICE,
            .parent = TYPE_DEVICE,
            .instance_size = sizeof(SCSIDevice),
            .class_size = sizeof(SCSIDeviceClass),
            .class_init = scsi_device_class_init,
            .instance_init = scsi_device_instance_init,
            .abstract = true,
        },
    };

    type_register_static_array(types, ARRAY_SIZE(types));
}
