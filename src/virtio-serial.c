/*
 * virtio-serial-pci, as QEMU 7.2 offers it on pc: the max_nr_ports
 * config, the multiport queue layout (port 0, control, one pair per
 * further port), and its bus with the port devices virtserialport and
 * virtconsole (chardev=, name=, nr=, QEMU's numbering with port 0 kept
 * for a console, device_add / device_del).  The guest side of ports
 * (control messages announcing them, data) is not modelled: transmitted
 * data and control messages are returned as QEMU returns them when no
 * port device exists.
 */
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

#include "src/chardev-backends.h"
#include "src/loop.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional) and class. */
#define PCI_DEVICE_ID_VIRTIO_CONSOLE 0x1003
#define PCI_CLASS_COMMUNICATION_OTHER 0x0780

#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define SERIAL_CFG_MAX_NR_PORTS 4
#define SERIAL_CFG_EMERG_WR 8
#define SERIAL_CONFIG_SIZE 12
#define SERIAL_QUEUE_SIZE 128
#define SERIAL_CTRL_QUEUE_SIZE 32
#define SERIAL_MAX_PORTS_LIMIT 511
#define SERIAL_QUEUE_CTRL_IN 2
#define SERIAL_QUEUE_CTRL_OUT 3

/* virtio-serial-device: QEMU 7.2's properties. */
typedef struct VirtIOSerialBackend {
    VirtIOBackend parent_obj;
    uint32_t max_ports;
    uint64_t host_features; /* emergency-write */
    /* Port ids in use (max_ports bits; 0 stays reserved for a console). */
    uint32_t *ports_map;
    uint32_t ports_map_max; /* max_ports when the map was made */
} VirtIOSerialBackend;

#define TYPE_VIRTIO_SERIAL_DEVICE "virtio-serial-device"
OBJECT_DECLARE_CASTS(VirtIOSerialBackend, DeviceClass, VIRTIO_SERIAL_DEVICE,
                     TYPE_VIRTIO_SERIAL_DEVICE)
#define PCI_CLASS_DISPLAY_OTHER 0x0380

typedef struct VirtIOSerialPCI {
    VirtIOPCIProxy proxy;
    uint32_t max_ports;
} VirtIOSerialPCI;

#define TYPE_VIRTIO_SERIAL_PCI "virtio-serial-pci"
OBJECT_DECLARE_CASTS(VirtIOSerialPCI, VirtIOPCIClass, VIRTIO_SERIAL_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_SERIAL_PCI))

static void serial_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOSerialPCI *s = vdev->opaque;

    uint8_t full[SERIAL_CONFIG_SIZE] = { 0 };

    pci_set_long(full + SERIAL_CFG_MAX_NR_PORTS, s->max_ports);
    memcpy(config, full, vdev->config_len);
}

static const VirtIOFeatureName serial_feature_names[] = {
    { VIRTIO_CONSOLE_F_MULTIPORT, "VIRTIO_CONSOLE_F_MULTIPORT: Multiple "
                                  "ports for device supported" },
    { VIRTIO_CONSOLE_F_EMERG_WRITE, "VIRTIO_CONSOLE_F_EMERG_WRITE: "
                                    "Emergency write supported" },
    { -1, NULL }
};

/*
 * Queue layout: port 0 receive/transmit (0, 1), control receive/transmit
 * (2, 3), then a receive/transmit pair per further port.  No port
 * devices are modelled, so as in QEMU without a port: data the driver
 * transmits is returned unused with one interrupt, control messages
 * (which all name absent ports, or DEVICE_READY with none to announce)
 * are returned one by one, receive queues wait for data that never
 * comes.
 */
static void serial_handle_notify(VirtIODevice *vdev, unsigned n)
{
    if (n == SERIAL_QUEUE_CTRL_OUT) {
        virtio_queue_complete_each(vdev, n);
    } else if (n != SERIAL_QUEUE_CTRL_IN && (n & 1)) {
        virtio_queue_discard(vdev, n);
    }
}

static const VirtIODeviceOps serial_ops = {
    .name = "virtio-serial",
    .device_id = VIRTIO_ID_CONSOLE,
    .get_config = serial_get_config,
    .handle_notify = serial_handle_notify,
    .feature_names = serial_feature_names,
};

static bool serial_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIOSerialPCI *s = VIRTIO_SERIAL_PCI(p);
    VirtIOSerialBackend *be = VIRTIO_PCI_BACKEND(VirtIOSerialBackend, p);
    uint32_t i;

    /* The "class" property: the classes old QEMUs gave, else the usual. */
    if (p->class_code != PCI_CLASS_COMMUNICATION_OTHER &&
        p->class_code != PCI_CLASS_DISPLAY_OTHER &&
        p->class_code != PCI_CLASS_OTHERS) {
        p->class_code = PCI_CLASS_COMMUNICATION_OTHER;
    }
    s->max_ports = be->max_ports;
    if (!s->max_ports) {
        error_setg(errp, "Maximum number of serial ports not specified");
        return false;
    }
    if (s->max_ports > SERIAL_MAX_PORTS_LIMIT) {
        error_setg(errp, "maximum ports supported: %u", SERIAL_MAX_PORTS_LIMIT);
        return false;
    }
    /* emerg_wr is there only with emergency-write. */
    virtio_init(
        &p->vdev, &serial_ops, s,
        virtio_has_feature(be->host_features, VIRTIO_CONSOLE_F_EMERG_WRITE)
            ? SERIAL_CONFIG_SIZE
            : SERIAL_CFG_EMERG_WR);
    /* Port 0 pair, the control pair, then one pair per further port. */
    for (i = 0; i < 2 * (s->max_ports + 1); i++) {
        virtio_add_queue(&p->vdev,
                         i == SERIAL_QUEUE_CTRL_IN || i == SERIAL_QUEUE_CTRL_OUT
                             ? SERIAL_CTRL_QUEUE_SIZE
                             : SERIAL_QUEUE_SIZE);
    }
    p->vdev.host_features = be->host_features;
    virtio_add_feature(&p->vdev.host_features, VIRTIO_CONSOLE_F_MULTIPORT);
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = s->max_ports + 1;
    }
    free(be->ports_map);
    be->ports_map = xzalloc(((s->max_ports + 31) / 32) * sizeof(uint32_t));
    be->ports_map_max = s->max_ports;
    /* Port 0 is kept for a console (QEMU's backward compatibility). */
    be->ports_map[0] |= 1;
    return true;
}

/* ---- virtio-serial-bus and its ports ---- */

#define TYPE_VIRTIO_SERIAL_BUS "virtio-serial-bus"
#define TYPE_VIRTIO_SERIAL_PORT "virtio-serial-port"
#define TYPE_VIRTSERIALPORT "virtserialport"
#define TYPE_VIRTCONSOLE "virtconsole"
/* "nr" unset: the bus picks one. */
#define VIRTIO_CONSOLE_BAD_ID (~(uint32_t)0)

typedef struct VirtIOSerialPort {
    DeviceState parent_obj;
    uint32_t id; /* "nr" */
    char *name;
    Chardev *chr;
    bool plugged; /* counted in its device's map and the name list */
    struct VirtIOSerialPort *next; /* every plugged port */
} VirtIOSerialPort;

typedef struct VirtIOSerialPortClass {
    DeviceClass parent_class;
    bool is_console;
} VirtIOSerialPortClass;

OBJECT_DECLARE_CASTS(VirtIOSerialPort, VirtIOSerialPortClass,
                     VIRTIO_SERIAL_PORT, TYPE_VIRTIO_SERIAL_PORT)

/* Names are unique across every virtio-serial device, as in QEMU. */
static VirtIOSerialPort *all_ports;

static VirtIOSerialBackend *port_device(VirtIOSerialPort *port)
{
    return VIRTIO_SERIAL_DEVICE(DEVICE(port)->parent_bus->parent);
}

static bool port_id_used(VirtIOSerialBackend *be, uint32_t id)
{
    VirtIOSerialPort *p;

    for (p = all_ports; p; p = p->next) {
        if (p->id == id && port_device(p) == be) {
            return true;
        }
    }
    return false;
}

/* The lowest id free in the map, which has whole words of 32 ids: it may
 * lie beyond max_ports (then out of range), as in QEMU. */
static uint32_t free_port_id(VirtIOSerialBackend *be)
{
    uint32_t id;

    for (id = 0; id < (be->ports_map_max + 31) / 32 * 32; id++) {
        if (!(be->ports_map[id / 32] & (1u << (id % 32)))) {
            return id;
        }
    }
    return VIRTIO_CONSOLE_BAD_ID;
}

static bool port_realize(DeviceState *dev, Error **errp)
{
    VirtIOSerialPort *port = VIRTIO_SERIAL_PORT(dev);
    VirtIOSerialPortClass *k = VIRTIO_SERIAL_PORT_GET_CLASS(dev);
    VirtIOSerialBackend *be = port_device(port);
    VirtIOSerialPort *p;

    if (!be->ports_map) {
        error_setg(errp, "virtio-serial-bus: Maximum port limit for this "
                         "device reached");
        return false;
    }
    if (port_id_used(be, port->id)) {
        error_setg(errp, "virtio-serial-bus: A port already exists at id %u",
                   port->id);
        return false;
    }
    for (p = all_ports; port->name && p; p = p->next) {
        if (p->name && !strcmp(p->name, port->name)) {
            error_setg(errp,
                       "virtio-serial-bus: A port already exists by name %s",
                       port->name);
            return false;
        }
    }
    if (port->id == VIRTIO_CONSOLE_BAD_ID) {
        if (k->is_console && !port_id_used(be, 0)) {
            port->id = 0;
        } else {
            port->id = free_port_id(be);
            if (port->id == VIRTIO_CONSOLE_BAD_ID) {
                error_setg(errp, "virtio-serial-bus: Maximum port limit for "
                                 "this device reached");
                return false;
            }
        }
    }
    if (port->id >= be->ports_map_max) {
        error_setg(errp,
                   "virtio-serial-bus: Out-of-range port id specified, "
                   "max. allowed: %u",
                   be->ports_map_max - 1);
        return false;
    }
    if (port->id == 0 && !k->is_console) {
        error_setg(errp, "Port number 0 on virtio-serial devices reserved "
                         "for virtconsole devices for backward "
                         "compatibility.");
        return false;
    }
    /* A console is open for its chardev at once; a serial port when the
     * guest opens it. */
    if (port->chr && k->is_console) {
        port->chr->frontend_open = true;
    }
    be->ports_map[port->id / 32] |= 1u << (port->id % 32);
    port->plugged = true;
    port->next = all_ports;
    all_ports = port;
    return true;
}

static void port_unrealize(DeviceState *dev)
{
    VirtIOSerialPort *port = VIRTIO_SERIAL_PORT(dev);
    VirtIOSerialBackend *be = port_device(port);
    VirtIOSerialPort **pp;

    if (!port->plugged) {
        return;
    }
    for (pp = &all_ports; *pp; pp = &(*pp)->next) {
        if (*pp == port) {
            *pp = port->next;
            break;
        }
    }
    port->plugged = false;
    /* Port 0 stays reserved when a console goes. */
    if (port->id) {
        be->ports_map[port->id / 32] &= ~(1u << (port->id % 32));
    }
    /* The chardev stays held (and a console's open) until the port is
     * freed, as in QEMU. */
}

static void port_last_unref(void *opaque)
{
    object_unref(opaque);
}

/*
 * A port leaves its bus at once; as in QEMU, where the bus drops its
 * reference after an RCU grace period, it is freed (and DEVICE_DELETED
 * sent) after the device_del reply.
 */
static bool serial_bus_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    (void)h;
    (void)errp;
    object_ref(OBJECT(dev));
    object_unparent(OBJECT(dev));
    loop_timer_add(0, port_last_unref, dev);
    return true;
}

/* The bus goes on the backend: "ID.0" for a proxy with an id, else
 * QEMU's automatic "virtio-serial-bus.N".  The backend handles the
 * ports' hotplug. */
static void serial_backend_added(VirtIOPCIProxy *p, DeviceState *backend)
{
    const char *id = DEVICE(p)->id;
    char *name = id ? xasprintf("%s.0", id) : NULL;
    BusState *bus = qbus_new(TYPE_VIRTIO_SERIAL_BUS, backend, name);

    qbus_set_hotplug_handler(bus, OBJECT(backend));
    free(name);
}

static const Property port_props[] = {
    DEFINE_PROP_UINT32("nr", VirtIOSerialPort, id, VIRTIO_CONSOLE_BAD_ID),
    DEFINE_PROP_STRING("name", VirtIOSerialPort, name),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property serialport_props[] = {
    DEFINE_PROP_CHR("chardev", VirtIOSerialPort, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void port_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->bus_type = TYPE_VIRTIO_SERIAL_BUS;
    dc->realize = port_realize;
    dc->unrealize = port_unrealize;
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    device_class_set_props(dc, port_props);
}

static void serialport_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    device_class_set_props(DEVICE_CLASS(klass), serialport_props);
}

static void console_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    VIRTIO_SERIAL_PORT_CLASS(klass)->is_console = true;
}

static void serial_device_finalize(Object *obj)
{
    free(VIRTIO_SERIAL_DEVICE(obj)->ports_map);
}

static const Property serial_pci_props[] = {
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors, 2),
    DEFINE_PROP_UINT32("class", VirtIOPCIProxy, class_code, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property serial_device_props[] = {
    DEFINE_PROP_UINT32("max_ports", VirtIOSerialBackend, max_ports, 31),
    DEFINE_PROP_BIT64("emergency-write", VirtIOSerialBackend, host_features,
                      VIRTIO_CONSOLE_F_EMERG_WRITE, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    HotplugHandlerClass *hc =
        OBJECT_CLASS_CHECK(HotplugHandlerClass, klass, TYPE_HOTPLUG_HANDLER);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    device_class_set_props(dc, serial_device_props);
    hc->unplug = serial_bus_unplug;
}

static void serial_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_CONSOLE;
    k->class_id = PCI_CLASS_COMMUNICATION_OTHER;
    vk->device_realize = serial_realize;
    vk->backend_type = TYPE_VIRTIO_SERIAL_DEVICE;
    vk->backend_added = serial_backend_added;
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    dc->user_creatable = true;
    device_class_set_props(dc, serial_pci_props);
}

static const TypeInfo virtio_serial_pci_info = {
    .name = TYPE_VIRTIO_SERIAL_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOSerialPCI),
    .class_init = serial_class_init,
};

static const InterfaceInfo serial_device_interfaces[] = {
    { TYPE_HOTPLUG_HANDLER },
    { NULL },
};

void virtio_serial_register_types(void)
{
    static const TypeInfo types[] = {
        {
            .name = TYPE_VIRTIO_SERIAL_BUS,
            .parent = TYPE_BUS,
            .instance_size = sizeof(BusState),
        },
        {
            .name = TYPE_VIRTIO_SERIAL_DEVICE,
            .parent = TYPE_VIRTIO_DEVICE,
            .instance_size = sizeof(VirtIOSerialBackend),
            .instance_finalize = serial_device_finalize,
            .class_init = serial_device_class_init,
            .interfaces = serial_device_interfaces,
        },
        {
            .name = TYPE_VIRTIO_SERIAL_PORT,
            .parent = TYPE_DEVICE,
            .instance_size = sizeof(VirtIOSerialPort),
            .class_size = sizeof(VirtIOSerialPortClass),
            .class_init = port_class_init,
            .abstract = true,
        },
        {
            .name = TYPE_VIRTSERIALPORT,
            .parent = TYPE_VIRTIO_SERIAL_PORT,
            .instance_size = sizeof(VirtIOSerialPort),
            .class_init = serialport_class_init,
        },
        {
            .name = TYPE_VIRTCONSOLE,
            .parent = TYPE_VIRTSERIALPORT,
            .instance_size = sizeof(VirtIOSerialPort),
            .class_init = console_class_init,
        },
    };

    type_register_static_array(types, ARRAY_SIZE(types));
    virtio_pci_types_register(&virtio_serial_pci_info);
}
