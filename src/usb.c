/* See usb.h. */
#include "usb.h"

#include "object.h"
#include "util.h"

static unsigned n_usb_buses;

/* USB devices leave their bus at once (QEMU's simple unplug). */
static bool usb_bus_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    (void)h;
    (void)errp;
    object_unparent(OBJECT(dev));
    return true;
}

static void usb_bus_instance_init(Object *obj)
{
    (void)obj;
    n_usb_buses++;
}

static void usb_bus_finalize(Object *obj)
{
    (void)obj;
    n_usb_buses--;
}

static void usb_bus_class_init(ObjectClass *k, void *data)
{
    HotplugHandlerClass *hc =
        OBJECT_CLASS_CHECK(HotplugHandlerClass, k, TYPE_HOTPLUG_HANDLER);

    (void)data;
    hc->unplug = usb_bus_unplug;
}

BusState *usb_bus_new(DeviceState *host)
{
    BusState *bus = qbus_new(TYPE_USB_BUS, host, NULL);

    qbus_set_hotplug_handler(bus, OBJECT(bus));
    return bus;
}

bool usb_bus_exists(void)
{
    return n_usb_buses > 0;
}

static const TypeInfo usb_types[] = {
    {
        .name = TYPE_USB_BUS,
        .parent = TYPE_BUS,
        .instance_init = usb_bus_instance_init,
        .instance_finalize = usb_bus_finalize,
        .class_init = usb_bus_class_init,
        .interfaces =
            (const InterfaceInfo[]){ { TYPE_HOTPLUG_HANDLER }, { NULL } },
    },
};

void usb_register_types(void)
{
    type_register_static_array(usb_types, ARRAY_SIZE(usb_types));
}
