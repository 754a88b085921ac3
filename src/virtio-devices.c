/*
 * virtio-pci device types on pc: virtio-balloon-pci, virtio-rng-pci,
 * virtio-net-pci (no backend) and virtio-serial-pci, with their device
 * config spaces, queues and host features as QEMU 7.2 offers them.
 */
#include <stdlib.h>
#include <string.h>

#include "src/events.h"
#include "src/net-mac.h"
#include "src/util.h"
#include "src/virtio-pci.h"

/* PCI device IDs (transitional) and classes. */
#define PCI_DEVICE_ID_VIRTIO_NET 0x1000
#define PCI_DEVICE_ID_VIRTIO_BALLOON 0x1002
#define PCI_DEVICE_ID_VIRTIO_CONSOLE 0x1003
#define PCI_DEVICE_ID_VIRTIO_RNG 0x1005
#define PCI_CLASS_NETWORK_ETHERNET 0x0200
#define PCI_CLASS_COMMUNICATION_OTHER 0x0780

static void rom_bar_init(PCIDevice *d, MemoryRegion *rom, bool *have)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    const char *file = d->romfile ? d->romfile : pc->romfile;
    char *owner, *name;
    uint64_t size = 256 * 1024;

    if (!file || !*file || !d->rom_bar) {
        return;
    }
    if (d->romsize != UINT32_MAX) {
        size = d->romsize;
    }
    owner = pci_mr_owner(d);
    name = xasprintf("%s.rom", object_get_typename(OBJECT(d)));
    memory_region_init_rom(rom, owner, name, size);
    free(name);
    free(owner);
    pci_register_bar(d, PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY, rom);
    *have = true;
}

/* ======================= virtio-balloon ======================= */

#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define BALLOON_CFG_NUM_PAGES 0
#define BALLOON_CFG_ACTUAL 4
#define BALLOON_CONFIG_SIZE 16     /* through poison_val */
#define BALLOON_QUEUE_SIZE 128
#define BALLOON_PAGE_SHIFT 12

typedef struct VirtIOBalloonPCI {
    VirtIOPCIProxy proxy;
    uint32_t num_pages;
    uint32_t actual;
    bool deflate_on_oom;
} VirtIOBalloonPCI;

#define TYPE_VIRTIO_BALLOON_PCI "virtio-balloon-pci"
OBJECT_DECLARE_CASTS(VirtIOBalloonPCI, VirtIOPCIClass, VIRTIO_BALLOON_PCI,
                     TYPE_VIRTIO_BALLOON_PCI)

static VirtIOBalloonPCI *the_balloon;

/* BALLOON_CHANGE (the event bus rate-limits it as QEMU's monitor does). */
static void balloon_emit_change(uint64_t actual_bytes)
{
    MachineEvent ev = { .kind = MACHINE_EVENT_BALLOON_CHANGE };

    ev.u.balloon_change.actual = actual_bytes;
    machine_event_emit(&ev);
}

static uint64_t balloon_actual_bytes(VirtIOBalloonPCI *b)
{
    return virtio_machine_ram_size() -
           ((uint64_t)b->actual << BALLOON_PAGE_SHIFT);
}

static void balloon_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBalloonPCI *b = vdev->opaque;

    memset(config, 0, BALLOON_CONFIG_SIZE);
    pci_set_long(config + BALLOON_CFG_NUM_PAGES, b->num_pages);
    pci_set_long(config + BALLOON_CFG_ACTUAL, b->actual);
}

static void balloon_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBalloonPCI *b = vdev->opaque;
    uint32_t old = b->actual;

    b->actual = pci_get_long(config + BALLOON_CFG_ACTUAL);
    if (b->actual != old) {
        balloon_emit_change(balloon_actual_bytes(b));
    }
}

static const VirtIOFeatureName balloon_feature_names[] = {
    { VIRTIO_BALLOON_F_STATS_VQ, "VIRTIO_BALLOON_F_STATS_VQ: Guest memory "
      "stats VQ available" },
    { VIRTIO_BALLOON_F_PAGE_POISON, "VIRTIO_BALLOON_F_PAGE_POISON: Guest "
      "page poisoning enabled" },
    { -1, NULL }
};

/*
 * Inflate (0) and deflate (1): each page list is returned after use with
 * its own interrupt, as QEMU does; the pages themselves change nothing
 * here.  The statistics queue (2) is left alone.
 */
static void balloon_handle_notify(VirtIODevice *vdev, unsigned n)
{
    if (n < 2) {
        virtio_queue_complete_each(vdev, n);
    }
}

static const VirtIODeviceOps balloon_ops = {
    .name = "virtio-balloon",
    .device_id = VIRTIO_ID_BALLOON,
    .get_config = balloon_get_config,
    .handle_notify = balloon_handle_notify,
    .set_config = balloon_set_config,
    .feature_names = balloon_feature_names,
};

static bool balloon_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIOBalloonPCI *b = VIRTIO_BALLOON_PCI(p);
    int i;

    if (the_balloon) {
        error_setg(errp, "Only one balloon device is supported");
        return false;
    }
    virtio_init(&p->vdev, &balloon_ops, b, BALLOON_CONFIG_SIZE);
    for (i = 0; i < 3; i++) {
        virtio_add_queue(&p->vdev, BALLOON_QUEUE_SIZE);
    }
    virtio_add_feature(&p->vdev.host_features, VIRTIO_BALLOON_F_STATS_VQ);
    virtio_add_feature(&p->vdev.host_features, VIRTIO_BALLOON_F_PAGE_POISON);
    if (b->deflate_on_oom) {
        virtio_add_feature(&p->vdev.host_features,
                           VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
    }
    p->class_code = PCI_CLASS_OTHERS;
    p->nvectors = 0;
    b->num_pages = 0;
    b->actual = 0;
    the_balloon = b;
    return true;
}

static void balloon_unrealize(VirtIOPCIProxy *p)
{
    if (the_balloon == VIRTIO_BALLOON_PCI(p)) {
        the_balloon = NULL;
    }
}

/* ---- QMP: balloon / query-balloon ---- */

static bool balloon_check(Error **errp)
{
    if (!the_balloon) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                  "No balloon device has been activated");
        return false;
    }
    return true;
}

bool virtio_balloon_set_target(int64_t target, Error **errp)
{
    uint64_t ram = virtio_machine_ram_size();
    VirtIODevice *vdev;

    if (!balloon_check(errp)) {
        return false;
    }
    if (target <= 0) {
        error_setg(errp, "Parameter 'target' expects a size");
        return false;
    }
    if ((uint64_t)target > ram) {
        target = (int64_t)ram;
    }
    the_balloon->num_pages =
        (uint32_t)((ram - (uint64_t)target) >> BALLOON_PAGE_SHIFT);
    vdev = &the_balloon->proxy.vdev;
    virtio_notify_config(vdev);
    return true;
}

bool virtio_balloon_query(uint64_t *actual, Error **errp)
{
    if (!balloon_check(errp)) {
        return false;
    }
    *actual = balloon_actual_bytes(the_balloon);
    return true;
}

static Property balloon_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_BOOL("deflate-on-oom", VirtIOBalloonPCI, deflate_on_oom,
                     false),
    DEFINE_PROP_END_OF_LIST(),
};

static void balloon_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_BALLOON;
    k->class_id = PCI_CLASS_OTHERS;
    vk->device_realize = balloon_realize;
    vk->device_unrealize = balloon_unrealize;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, balloon_props);
}

/* ======================= virtio-rng ======================= */

#define RNG_QUEUE_SIZE 8
#define VHOST_USER_F_PROTOCOL_FEATURES 30

typedef struct VirtIORngPCI {
    VirtIOPCIProxy proxy;
    uint64_t max_bytes;
    uint32_t period_ms;
} VirtIORngPCI;

#define TYPE_VIRTIO_RNG_PCI "virtio-rng-pci"
OBJECT_DECLARE_CASTS(VirtIORngPCI, VirtIOPCIClass, VIRTIO_RNG_PCI,
                     TYPE_VIRTIO_RNG_PCI)

static const VirtIOFeatureName vhost_user_feature_names[] = {
    { VHOST_USER_F_PROTOCOL_FEATURES, "VHOST_USER_F_PROTOCOL_FEATURES: "
      "Vhost-user protocol features negotiation supported" },
    { -1, NULL }
};

static const VirtIODeviceOps rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .feature_names = vhost_user_feature_names,
};

static bool rng_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIORngPCI *r = VIRTIO_RNG_PCI(p);

    if (r->period_ms == 0) {
        error_setg(errp, "'period' parameter expects a positive integer");
        return false;
    }
    if (r->max_bytes > INT64_MAX) {
        error_setg(errp, "'max-bytes' parameter must be non-negative, "
                   "and less than 2^63");
        return false;
    }
    virtio_init(&p->vdev, &rng_ops, r, 0);
    virtio_add_queue(&p->vdev, RNG_QUEUE_SIZE);
    p->class_code = PCI_CLASS_OTHERS;
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = 2;
    }
    return true;
}

static Property rng_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_UINT64("max-bytes", VirtIORngPCI, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORngPCI, period_ms, 1 << 16),
    DEFINE_PROP_END_OF_LIST(),
};

static void rng_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_RNG;
    k->class_id = PCI_CLASS_OTHERS;
    vk->device_realize = rng_realize;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, rng_props);
}

/* ======================= virtio-net ======================= */

#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GSO 6
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_S_LINK_UP 1
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CONFIG_SIZE 8           /* mac + status */
#define NET_RX_QUEUE_SIZE 256
#define NET_TX_QUEUE_SIZE 256
#define NET_CTRL_QUEUE_SIZE 64

typedef struct VirtIONetPCI {
    VirtIOPCIProxy proxy;
    uint8_t mac[6];
    uint16_t status;
    bool mac_taken;
    bool rom_present;
    MemoryRegion rom;
} VirtIONetPCI;

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
OBJECT_DECLARE_CASTS(VirtIONetPCI, VirtIOPCIClass, VIRTIO_NET_PCI,
                     TYPE_VIRTIO_NET_PCI)

static void net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONetPCI *n = vdev->opaque;

    memcpy(config + NET_CFG_MAC, n->mac, 6);
    pci_set_word(config + NET_CFG_STATUS, n->status);
}

static void net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONetPCI *n = vdev->opaque;

    /* Legacy drivers without CTRL_MAC_ADDR set the MAC here. */
    if (!virtio_has_feature(vdev->guest_features,
                            VIRTIO_NET_F_CTRL_MAC_ADDR) &&
        !virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
        memcpy(n->mac, config + NET_CFG_MAC, 6);
    }
}

static const VirtIOFeatureName net_feature_names[] = {
    { VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: "
      "Control channel offloading reconfig. supported" },
    { VIRTIO_NET_F_MAC, "VIRTIO_NET_F_MAC: Device has given MAC address" },
    { VIRTIO_NET_F_MRG_RXBUF, "VIRTIO_NET_F_MRG_RXBUF: Driver can merge "
      "receive buffers" },
    { VIRTIO_NET_F_STATUS, "VIRTIO_NET_F_STATUS: Configuration status "
      "field available" },
    { VIRTIO_NET_F_CTRL_VQ, "VIRTIO_NET_F_CTRL_VQ: Control channel "
      "available" },
    { VIRTIO_NET_F_CTRL_RX, "VIRTIO_NET_F_CTRL_RX: Control channel RX mode "
      "supported" },
    { VIRTIO_NET_F_CTRL_VLAN, "VIRTIO_NET_F_CTRL_VLAN: Control channel "
      "VLAN filtering supported" },
    { VIRTIO_NET_F_CTRL_RX_EXTRA, "VIRTIO_NET_F_CTRL_RX_EXTRA: Extra RX "
      "mode control supported" },
    { VIRTIO_NET_F_GUEST_ANNOUNCE, "VIRTIO_NET_F_GUEST_ANNOUNCE: Driver "
      "sending gratuitous packets supported" },
    { VIRTIO_NET_F_CTRL_MAC_ADDR, "VIRTIO_NET_F_CTRL_MAC_ADDR: MAC address "
      "set through control channel" },
    { VIRTIO_NET_F_GSO, "VIRTIO_NET_F_GSO: Handling GSO-type packets "
      "supported" },
    { VHOST_USER_F_PROTOCOL_FEATURES, "VHOST_USER_F_PROTOCOL_FEATURES: "
      "Vhost-user protocol features negotiation supported" },
    { -1, NULL }
};

static const VirtIODeviceOps net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .get_config = net_get_config,
    .set_config = net_set_config,
    .feature_names = net_feature_names,
};

static bool net_realize(VirtIOPCIProxy *p, Error **errp)
{
    static const int bits[] = {
        VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, VIRTIO_NET_F_MAC, VIRTIO_NET_F_GSO,
        VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_STATUS, VIRTIO_NET_F_CTRL_VQ,
        VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_VLAN,
        VIRTIO_NET_F_CTRL_RX_EXTRA, VIRTIO_NET_F_GUEST_ANNOUNCE,
        VIRTIO_NET_F_CTRL_MAC_ADDR,
    };
    VirtIONetPCI *n = VIRTIO_NET_PCI(p);
    size_t i;

    (void)errp;
    virtio_init(&p->vdev, &net_ops, n, NET_CONFIG_SIZE);
    virtio_add_queue(&p->vdev, NET_RX_QUEUE_SIZE);
    virtio_add_queue(&p->vdev, NET_TX_QUEUE_SIZE);
    virtio_add_queue(&p->vdev, NET_CTRL_QUEUE_SIZE);
    for (i = 0; i < ARRAY_SIZE(bits); i++) {
        virtio_add_feature(&p->vdev.host_features, (unsigned)bits[i]);
    }
    virtio_add_feature(&p->vdev.legacy_features, VIRTIO_NET_F_GSO);
    net_macaddr_default_if_unset(n->mac);
    n->mac_taken = true;
    n->status = VIRTIO_NET_S_LINK_UP;
    p->class_code = PCI_CLASS_NETWORK_ETHERNET;
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = 4;
    }
    rom_bar_init(&p->pci_dev, &n->rom, &n->rom_present);
    return true;
}

static void net_unrealize(VirtIOPCIProxy *p)
{
    VirtIONetPCI *n = VIRTIO_NET_PCI(p);

    if (n->mac_taken) {
        net_macaddr_release(n->mac);
        n->mac_taken = false;
    }
    if (n->rom_present) {
        memory_region_finalize(&n->rom);
        n->rom_present = false;
    }
}

static Property net_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP("mac", VirtIONetPCI, mac, net_prop_macaddr, uint8_t *),
    DEFINE_PROP_END_OF_LIST(),
};

static void net_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_NET;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    k->romfile = "efi-virtio.rom";
    vk->device_realize = net_realize;
    vk->device_unrealize = net_unrealize;
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    dc->user_creatable = true;
    device_class_set_props(dc, net_props);
}

/* ======================= virtio-serial ======================= */

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
                     TYPE_VIRTIO_SERIAL_PCI)

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
        error_setg(errp, "maximum ports supported: %u",
                   SERIAL_MAX_PORTS_LIMIT);
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
    DEFINE_PROP_BOOL("emergency-write", VirtIOSerialPCI, emergency_write,
                     true),
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

/* ======================= registration ======================= */

static const TypeInfo virtio_device_types[] = {
    {
        .name = TYPE_VIRTIO_BALLOON_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIOBalloonPCI),
        .class_init = balloon_class_init,
    },
    {
        .name = TYPE_VIRTIO_RNG_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIORngPCI),
        .class_init = rng_class_init,
    },
    {
        .name = TYPE_VIRTIO_NET_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIONetPCI),
        .class_init = net_class_init,
    },
    {
        .name = TYPE_VIRTIO_SERIAL_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIOSerialPCI),
        .class_init = serial_class_init,
    },
};

void virtio_devices_register_types(void)
{
    type_register_static_array(virtio_device_types,
                               ARRAY_SIZE(virtio_device_types));
}
