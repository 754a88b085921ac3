/*
 * virtio-serial-pci, as QEMU 7.2 offers it on pc with no ports plugged:
 * the max_nr_ports config, the multiport queue layout (port 0, control,
 * one pair per further port), transmitted data and control messages
 * returned as QEMU returns them when no port device exists.
 */
#include <string.h>

#include "src/virtio-pci.h"

/* PCI device ID (transitional) and class. */
#define PCI_DEVICE_ID_VIRTIO_CONSOLE 0x1003
#define PCI_CLASS_COMMUNICATION_OTHER 0x0780

#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define SERIAL_CFG_MAX_NR_PORTS 4
#define SERIAL_CONFIG_SIZE 12
#define SERIAL_QUEUE_SIZE 128
#define SERIAL_MAX_PORTS_LIMIT 511
#define SERIAL_QUEUE_CTRL_IN 2
#define SERIAL_QUEUE_CTRL_OUT 3

typedef struct VirtIOSerialPCI {
    VirtIOPCIProxy proxy;
    uint32_t max_ports;
    bool emergency_write;
} VirtIOSerialPCI;

#define TYPE_VIRTIO_SERIAL_PCI "virtio-serial-pci"
OBJECT_DECLARE_CASTS(VirtIOSerialPCI, VirtIOPCIClass, VIRTIO_SERIAL_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_SERIAL_PCI))

static void serial_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOSerialPCI *s = vdev->opaque;

    memset(config, 0, SERIAL_CONFIG_SIZE);
    pci_set_long(config + SERIAL_CFG_MAX_NR_PORTS, s->max_ports);
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
    uint32_t i;

    if (!s->max_ports) {
        error_setg(errp, "Maximum number of serial ports not specified");
        return false;
    }
    if (s->max_ports > SERIAL_MAX_PORTS_LIMIT) {
        error_setg(errp, "maximum ports supported: %u", SERIAL_MAX_PORTS_LIMIT);
        return false;
    }
    virtio_init(&p->vdev, &serial_ops, s, SERIAL_CONFIG_SIZE);
    /* Port 0 pair, the control pair, then one pair per further port. */
    for (i = 0; i < 2 * (s->max_ports + 1); i++) {
        virtio_add_queue(&p->vdev, SERIAL_QUEUE_SIZE);
    }
    virtio_add_feature(&p->vdev.host_features, VIRTIO_CONSOLE_F_MULTIPORT);
    if (s->emergency_write) {
        virtio_add_feature(&p->vdev.host_features,
                           VIRTIO_CONSOLE_F_EMERG_WRITE);
    }
    p->class_code = PCI_CLASS_COMMUNICATION_OTHER;
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = s->max_ports + 1;
    }
    return true;
}

static Property serial_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors, 2),
    DEFINE_PROP_UINT32("max_ports", VirtIOSerialPCI, max_ports, 31),
    DEFINE_PROP_BOOL("emergency-write", VirtIOSerialPCI, emergency_write, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_CONSOLE;
    k->class_id = PCI_CLASS_COMMUNICATION_OTHER;
    vk->device_realize = serial_realize;
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    dc->user_creatable = true;
    device_class_set_props(dc, serial_props);
}

static const TypeInfo virtio_serial_pci_info = {
    .name = TYPE_VIRTIO_SERIAL_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOSerialPCI),
    .class_init = serial_class_init,
};

void virtio_serial_register_types(void)
{
    virtio_pci_types_register(&virtio_serial_pci_info);
}
