/*
 * virtio-serial-pci, as QEMU 7.2 offers it on pc with no ports plugged:
 * the max_nr_ports config, the multiport queue layout (port 0, control,
 * one pair per further port), transmitted data and control messages
 * returned as QEMU returns them when no port device exists.
 */
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

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
} VirtIOSerialBackend;

#define TYPE_VIRTIO_SERIAL_DEVICE "virtio-serial-device"
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
    return true;
}

/* QEMU's virtio-serial-bus, for ports (none are modelled). */
#define TYPE_VIRTIO_SERIAL_BUS "virtio-serial-bus"

/* The bus goes on the backend: "ID.0" for a proxy with an id, else
 * QEMU's automatic "virtio-serial-bus.N". */
static void serial_backend_added(VirtIOPCIProxy *p, DeviceState *backend)
{
    const char *id = DEVICE(p)->id;
    char *name = id ? xasprintf("%s.0", id) : NULL;

    qbus_new(TYPE_VIRTIO_SERIAL_BUS, backend, name);
    free(name);
}

static Property serial_pci_props[] = {
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors, 2),
    DEFINE_PROP_UINT32("class", VirtIOPCIProxy, class_code, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static Property serial_device_props[] = {
    DEFINE_PROP_UINT32("max_ports", VirtIOSerialBackend, max_ports, 31),
    DEFINE_PROP_BIT64("emergency-write", VirtIOSerialBackend, host_features,
                      VIRTIO_CONSOLE_F_EMERG_WRITE, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    device_class_set_props(dc, serial_device_props);
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

void virtio_serial_register_types(void)
{
    static const TypeInfo bus_info = {
        .name = TYPE_VIRTIO_SERIAL_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(BusState),
    };

    type_register_static(&bus_info);
    virtio_backend_type_register(TYPE_VIRTIO_SERIAL_DEVICE,
                                 sizeof(VirtIOSerialBackend),
                                 serial_device_class_init, NULL);
    virtio_pci_types_register(&virtio_serial_pci_info);
}
