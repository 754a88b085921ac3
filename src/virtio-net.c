/*
 * virtio-net-pci, as QEMU 7.2 offers it on pc with no network backend:
 * the MAC and link status config, receive, transmit and control queues,
 * QEMU's host features, a MAC address taken from the machine's pool
 * (src/net-mac.c) and the efi-virtio.rom option ROM BAR.
 */
#include <stdlib.h>
#include <string.h>

#include "src/bootdevice.h"
#include "src/net-mac.h"
#include "src/net.h"
#include "src/util.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional) and class. */
#define PCI_DEVICE_ID_VIRTIO_NET 0x1000
#define PCI_CLASS_NETWORK_ETHERNET 0x0200

/* Size of QEMU 7.2's efi-virtio.rom, the default option ROM. */
#define NET_DEFAULT_ROM_SIZE 249344
/* Assumed for any other ROM file (not read). */
#define NET_OTHER_ROM_SIZE (256 * 1024)

/*
 * The option ROM BAR (romfile, rombar, romsize), as QEMU's PCI layer
 * adds it after the device is set up: the default file is named, the
 * size is the file's rounded up unless romsize is given (and then must
 * hold it); without a ROM BAR a hot-plugged device cannot have a ROM.
 */
static bool rom_bar_init(PCIDevice *d, MemoryRegion *rom, bool *have,
                         Error **errp)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    const char *file;
    char *owner, *name;
    uint64_t fsize, size;

    if (!d->romfile && pc->romfile) {
        d->romfile = xstrdup(pc->romfile);
    }
    file = d->romfile;
    if (!file || !*file) {
        return true;
    }
    if (!d->rom_bar) {
        if (DEVICE(d)->hotplugged) {
            error_setg(errp, "Hot-plugged device without ROM bar can't have "
                             "an option ROM");
            return false;
        }
        return true;
    }
    fsize = pc->romfile && strcmp(file, pc->romfile) == 0 ? NET_DEFAULT_ROM_SIZE
                                                          : NET_OTHER_ROM_SIZE;
    if (d->romsize != UINT32_MAX) {
        if (fsize > d->romsize) {
            error_setg(errp,
                       "romfile \"%s\" (%u bytes) is too large for ROM "
                       "size %u",
                       file, (unsigned)fsize, d->romsize);
            return false;
        }
        size = d->romsize;
    } else {
        size = pow2ceil64(fsize);
        d->romsize = (uint32_t)size;
    }
    owner = pci_mr_owner(d);
    name = xasprintf("%s.rom", object_get_typename(OBJECT(d)));
    memory_region_init_rom(rom, owner, name, size);
    free(name);
    free(owner);
    pci_register_bar(d, PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY, rom);
    *have = true;
    return true;
}

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GSO 6
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN 9
#define VIRTIO_NET_F_GUEST_UFO 10
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_HOST_TSO6 12
#define VIRTIO_NET_F_HOST_ECN 13
#define VIRTIO_NET_F_HOST_UFO 14
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_MQ 22
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_F_HASH_REPORT 57
#define VIRTIO_NET_F_RSS 60
#define VIRTIO_NET_F_RSC_EXT 61
#define VIRTIO_NET_F_STANDBY 62
#define VIRTIO_NET_F_SPEED_DUPLEX 63
#define VIRTIO_NET_S_LINK_UP 1

/* Config space (struct virtio_net_config) offsets and ends. */
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CFG_MAX_VQ_PAIRS 8
#define NET_CFG_MTU 10
#define NET_CFG_SPEED 12
#define NET_CFG_DUPLEX 16
#define NET_CFG_RSS_MAX_KEY 17
#define NET_CFG_RSS_MAX_TABLE 18
#define NET_CFG_HASH_TYPES 20
#define NET_CONFIG_MAX 24
#define NET_RSS_MAX_KEY_SIZE 40
#define NET_RSS_MAX_TABLE_LEN 128
#define NET_RSS_SUPPORTED_HASHES 0x1ff
#define NET_SPEED_UNKNOWN (-1)
#define NET_DUPLEX_HALF 0
#define NET_DUPLEX_FULL 1
#define NET_DUPLEX_UNKNOWN 0xff

#define NET_RX_QUEUE_DEFAULT_SIZE 256
#define NET_RX_QUEUE_MIN_SIZE 256
#define NET_TX_QUEUE_DEFAULT_SIZE 256
#define NET_TX_QUEUE_MIN_SIZE 256
#define NET_CTRL_QUEUE_SIZE 64
#define NET_TX_TIMER_INTERVAL 150000
#define NET_TX_BURST 256
#define NET_RSC_DEFAULT_INTERVAL 300000

/* virtio-net-device: the properties (QEMU 7.2's virtio_net_properties). */
typedef struct VirtIONetBackend {
    VirtIOBackend parent_obj;
    uint64_t host_features;
    uint32_t rsc_interval;
    uint8_t mac[6];
    NetClient *netdev;
    uint32_t txtimer;
    int32_t txburst;
    char *tx;
    uint16_t rx_queue_size;
    uint16_t tx_queue_size;
    uint16_t mtu;
    bool mtu_bypass_backend;
    int32_t speed;
    char *duplex_str;
    bool failover;
    int32_t bootindex;
} VirtIONetBackend;

#define TYPE_VIRTIO_NET_DEVICE "virtio-net-device"

typedef struct VirtIONetPCI {
    VirtIOPCIProxy proxy;
    uint8_t mac[6]; /* the MAC in use (the driver may change it) */
    uint16_t status;
    uint8_t duplex;
    uint64_t features; /* the device's, before the transport's */
    NetClient *nic;
    bool mac_taken;
    bool rom_present;
    MemoryRegion rom;
} VirtIONetPCI;

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
OBJECT_DECLARE_CASTS(VirtIONetPCI, VirtIOPCIClass, VIRTIO_NET_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_NET_PCI))

static VirtIONetBackend *net_backend(VirtIONetPCI *n)
{
    return VIRTIO_PCI_BACKEND(VirtIONetBackend, &n->proxy);
}

static void net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONetPCI *n = vdev->opaque;
    VirtIONetBackend *be = net_backend(n);
    uint8_t full[NET_CONFIG_MAX];

    memcpy(full + NET_CFG_MAC, n->mac, 6);
    pci_set_word(full + NET_CFG_STATUS, n->status);
    pci_set_word(full + NET_CFG_MAX_VQ_PAIRS, 1);
    pci_set_word(full + NET_CFG_MTU, be->mtu);
    pci_set_long(full + NET_CFG_SPEED, (uint32_t)be->speed);
    full[NET_CFG_DUPLEX] = n->duplex;
    full[NET_CFG_RSS_MAX_KEY] = NET_RSS_MAX_KEY_SIZE;
    pci_set_word(full + NET_CFG_RSS_MAX_TABLE,
                 virtio_has_feature(vdev->host_features, VIRTIO_NET_F_RSS)
                     ? NET_RSS_MAX_TABLE_LEN
                     : 1);
    pci_set_long(full + NET_CFG_HASH_TYPES, NET_RSS_SUPPORTED_HASHES);
    memcpy(config, full, vdev->config_len);
}

/* The config space ends after the last field a feature enables. */
static size_t net_config_size(uint64_t features)
{
    static const struct {
        uint64_t flags;
        size_t end;
    } sizes[] = {
        { 1ull << VIRTIO_NET_F_MAC, NET_CFG_STATUS },
        { 1ull << VIRTIO_NET_F_STATUS, NET_CFG_MAX_VQ_PAIRS },
        { 1ull << VIRTIO_NET_F_MQ, NET_CFG_MTU },
        { 1ull << VIRTIO_NET_F_MTU, NET_CFG_SPEED },
        { 1ull << VIRTIO_NET_F_SPEED_DUPLEX, NET_CFG_RSS_MAX_KEY },
        { (1ull << VIRTIO_NET_F_RSS) | (1ull << VIRTIO_NET_F_HASH_REPORT),
          NET_CONFIG_MAX },
    };
    size_t i, size = NET_CFG_STATUS;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        if ((features & sizes[i].flags) && sizes[i].end > size) {
            size = sizes[i].end;
        }
    }
    return size;
}

static bool is_pow2(unsigned v)
{
    return v && !(v & (v - 1));
}

static void net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONetPCI *n = vdev->opaque;

    /* Legacy drivers without CTRL_MAC_ADDR set the MAC here. */
    if (!virtio_has_feature(vdev->guest_features, VIRTIO_NET_F_CTRL_MAC_ADDR) &&
        !virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
        memcpy(n->mac, config + NET_CFG_MAC, 6);
    }
}

static const VirtIOFeatureName net_feature_names[] = {
    { VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
      "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: "
      "Control channel offloading reconfig. supported" },
    { VIRTIO_NET_F_MTU, "VIRTIO_NET_F_MTU: Device max MTU reporting "
                        "supported" },
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
    { VIRTIO_NET_F_MQ, "VIRTIO_NET_F_MQ: Multiqueue with automatic receive "
                       "steering supported" },
    { VIRTIO_NET_F_CTRL_MAC_ADDR, "VIRTIO_NET_F_CTRL_MAC_ADDR: MAC address "
                                  "set through control channel" },
    { VIRTIO_NET_F_RSS, "VIRTIO_NET_F_RSS: RSS RX steering supported" },
    { VIRTIO_NET_F_RSC_EXT, "VIRTIO_NET_F_RSC_EXT: Extended coalescing info "
                            "supported" },
    { VIRTIO_NET_F_STANDBY, "VIRTIO_NET_F_STANDBY: Device acting as standby "
                            "for primary device with same MAC addr. "
                            "supported" },
    { VIRTIO_NET_F_SPEED_DUPLEX, "VIRTIO_NET_F_SPEED_DUPLEX: Device set "
                                 "linkspeed and duplex" },
    { VIRTIO_NET_F_GSO, "VIRTIO_NET_F_GSO: Handling GSO-type packets "
                        "supported" },
    { VHOST_USER_F_PROTOCOL_FEATURES,
      "VHOST_USER_F_PROTOCOL_FEATURES: "
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

/*
 * Checks the backend's settings and builds the device as QEMU 7.2's
 * virtio_net_device_realize does, in its order.  No modelled netdev has
 * a vnet header (only "user" is), so the offloads that need one are not
 * offered, as in QEMU.
 */
static bool net_realize(VirtIOPCIProxy *p, Error **errp)
{
    static const int no_vnet_hdr[] = {
        VIRTIO_NET_F_CSUM,        VIRTIO_NET_F_HOST_TSO4,
        VIRTIO_NET_F_HOST_TSO6,   VIRTIO_NET_F_HOST_ECN,
        VIRTIO_NET_F_GUEST_CSUM,  VIRTIO_NET_F_GUEST_TSO4,
        VIRTIO_NET_F_GUEST_TSO6,  VIRTIO_NET_F_GUEST_ECN,
        VIRTIO_NET_F_HASH_REPORT, VIRTIO_NET_F_GUEST_UFO,
        VIRTIO_NET_F_HOST_UFO,
    };
    VirtIONetPCI *n = VIRTIO_NET_PCI(p);
    VirtIONetBackend *be = net_backend(n);
    uint64_t features = be->host_features;
    size_t i;

    if (be->mtu) {
        virtio_add_feature(&features, VIRTIO_NET_F_MTU);
    }
    n->duplex = NET_DUPLEX_UNKNOWN;
    if (be->duplex_str) {
        if (strcmp(be->duplex_str, "half") == 0) {
            n->duplex = NET_DUPLEX_HALF;
        } else if (strcmp(be->duplex_str, "full") == 0) {
            n->duplex = NET_DUPLEX_FULL;
        } else {
            error_setg(errp, "'duplex' must be 'half' or 'full'");
            return false;
        }
        virtio_add_feature(&features, VIRTIO_NET_F_SPEED_DUPLEX);
    }
    if (be->speed < NET_SPEED_UNKNOWN) {
        error_setg(errp, "'speed' must be between 0 and INT_MAX");
        return false;
    }
    if (be->speed >= 0) {
        virtio_add_feature(&features, VIRTIO_NET_F_SPEED_DUPLEX);
    }
    if (be->failover) {
        virtio_add_feature(&features, VIRTIO_NET_F_STANDBY);
    }
    if (be->rx_queue_size < NET_RX_QUEUE_MIN_SIZE ||
        be->rx_queue_size > VIRTQUEUE_MAX_SIZE || !is_pow2(be->rx_queue_size)) {
        error_setg(errp,
                   "Invalid rx_queue_size (= %u), must be a power of 2 "
                   "between %d and %d.",
                   be->rx_queue_size, NET_RX_QUEUE_MIN_SIZE,
                   VIRTQUEUE_MAX_SIZE);
        return false;
    }
    if (be->tx_queue_size < NET_TX_QUEUE_MIN_SIZE ||
        be->tx_queue_size > VIRTQUEUE_MAX_SIZE || !is_pow2(be->tx_queue_size)) {
        error_setg(errp,
                   "Invalid tx_queue_size (= %u), must be a power of 2 "
                   "between %d and %d",
                   be->tx_queue_size, NET_TX_QUEUE_MIN_SIZE,
                   VIRTQUEUE_MAX_SIZE);
        return false;
    }
    /* Only vhost-user and vhost-vdpa peers get more (as the property
     * then reads). */
    if (be->tx_queue_size > NET_TX_QUEUE_DEFAULT_SIZE) {
        be->tx_queue_size = NET_TX_QUEUE_DEFAULT_SIZE;
    }
    virtio_add_feature(&features, VIRTIO_NET_F_MAC);
    virtio_init(&p->vdev, &net_ops, n, net_config_size(features));
    virtio_add_queue(&p->vdev, be->rx_queue_size);
    virtio_add_queue(&p->vdev, be->tx_queue_size);
    virtio_add_queue(&p->vdev, NET_CTRL_QUEUE_SIZE);
    /* The config space's size follows the properties; the offer drops
     * what the peer cannot do. */
    for (i = 0; i < ARRAY_SIZE(no_vnet_hdr); i++) {
        virtio_clear_feature(&features, (unsigned)no_vnet_hdr[i]);
    }
    p->vdev.host_features = features;
    virtio_add_feature(&p->vdev.legacy_features, VIRTIO_NET_F_GSO);
    net_macaddr_default_if_unset(be->mac);
    memcpy(n->mac, be->mac, 6);
    n->mac_taken = true;
    n->nic = net_nic_new(DEVICE(p), n->mac, be->netdev);
    n->status = VIRTIO_NET_S_LINK_UP;
    p->class_code = PCI_CLASS_NETWORK_ETHERNET;
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = 4;
    }
    return true;
}

static bool net_plugged(VirtIOPCIProxy *p, Error **errp)
{
    VirtIONetPCI *n = VIRTIO_NET_PCI(p);

    return rom_bar_init(&p->pci_dev, &n->rom, &n->rom_present, errp);
}

static void net_unrealize(VirtIOPCIProxy *p)
{
    VirtIONetPCI *n = VIRTIO_NET_PCI(p);

    net_nic_free(n->nic);
    n->nic = NULL;
    net_backend(n)->netdev = NULL;
    if (n->mac_taken) {
        net_macaddr_release(net_backend(n)->mac);
        n->mac_taken = false;
    }
    if (n->rom_present) {
        memory_region_finalize(&n->rom);
        n->rom_present = false;
    }
}

static const Property net_pci_props[] = {
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

#define NET_BIT(name, bit, d)                                \
    DEFINE_PROP_BIT64(name, VirtIONetBackend, host_features, \
                      VIRTIO_NET_F_##bit, d)

/*
 * QEMU 7.2's table.  What they do here: the feature bits are offered
 * (less those a vnet-header peer would need), host_mtu, speed and
 * duplex fill the config space and size it, the queue sizes are the
 * queues' sizes, failover offers STANDBY; mac and netdev as always.
 * Transmission is not modelled, so rsc_interval, x-txtimer, x-txburst,
 * tx and x-mtu-bypass-backend are only stored.
 */
static const Property net_device_props[] = {
    NET_BIT("csum", CSUM, true),
    NET_BIT("guest_csum", GUEST_CSUM, true),
    NET_BIT("gso", GSO, true),
    NET_BIT("guest_tso4", GUEST_TSO4, true),
    NET_BIT("guest_tso6", GUEST_TSO6, true),
    NET_BIT("guest_ecn", GUEST_ECN, true),
    NET_BIT("guest_ufo", GUEST_UFO, true),
    NET_BIT("guest_announce", GUEST_ANNOUNCE, true),
    NET_BIT("host_tso4", HOST_TSO4, true),
    NET_BIT("host_tso6", HOST_TSO6, true),
    NET_BIT("host_ecn", HOST_ECN, true),
    NET_BIT("host_ufo", HOST_UFO, true),
    NET_BIT("mrg_rxbuf", MRG_RXBUF, true),
    NET_BIT("status", STATUS, true),
    NET_BIT("ctrl_vq", CTRL_VQ, true),
    NET_BIT("ctrl_rx", CTRL_RX, true),
    NET_BIT("ctrl_vlan", CTRL_VLAN, true),
    NET_BIT("ctrl_rx_extra", CTRL_RX_EXTRA, true),
    NET_BIT("ctrl_mac_addr", CTRL_MAC_ADDR, true),
    NET_BIT("ctrl_guest_offloads", CTRL_GUEST_OFFLOADS, true),
    NET_BIT("mq", MQ, false),
    NET_BIT("rss", RSS, false),
    NET_BIT("hash", HASH_REPORT, false),
    NET_BIT("guest_rsc_ext", RSC_EXT, false),
    DEFINE_PROP_UINT32("rsc_interval", VirtIONetBackend, rsc_interval,
                       NET_RSC_DEFAULT_INTERVAL),
    DEFINE_PROP("mac", VirtIONetBackend, mac, net_prop_macaddr, uint8_t *),
    DEFINE_PROP_NETDEV("netdev", VirtIONetBackend, netdev),
    DEFINE_PROP_UINT32("x-txtimer", VirtIONetBackend, txtimer,
                       NET_TX_TIMER_INTERVAL),
    DEFINE_PROP_INT32("x-txburst", VirtIONetBackend, txburst, NET_TX_BURST),
    DEFINE_PROP_STRING("tx", VirtIONetBackend, tx),
    DEFINE_PROP_UINT16("rx_queue_size", VirtIONetBackend, rx_queue_size,
                       NET_RX_QUEUE_DEFAULT_SIZE),
    DEFINE_PROP_UINT16("tx_queue_size", VirtIONetBackend, tx_queue_size,
                       NET_TX_QUEUE_DEFAULT_SIZE),
    DEFINE_PROP_UINT16("host_mtu", VirtIONetBackend, mtu, 0),
    DEFINE_PROP_BOOL("x-mtu-bypass-backend", VirtIONetBackend,
                     mtu_bypass_backend, true),
    DEFINE_PROP_INT32("speed", VirtIONetBackend, speed, NET_SPEED_UNKNOWN),
    DEFINE_PROP_STRING("duplex", VirtIONetBackend, duplex_str),
    DEFINE_PROP_BOOL("failover", VirtIONetBackend, failover, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void net_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    device_class_set_props(dc, net_device_props);
}

static void net_device_instance_init(Object *obj)
{
    VirtIONetBackend *be = (VirtIONetBackend *)obj;

    bootdevice_add_property(obj, &be->bootindex, DEVICE(obj));
}

static const char *const net_instance_aliases[] = { "bootindex", NULL };

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
    vk->device_plugged = net_plugged;
    vk->backend_type = TYPE_VIRTIO_NET_DEVICE;
    vk->backend_instance_aliases = net_instance_aliases;
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    dc->user_creatable = true;
    device_class_set_props(dc, net_pci_props);
}

static const TypeInfo virtio_net_pci_info = {
    .name = TYPE_VIRTIO_NET_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIONetPCI),
    .class_init = net_class_init,
};

void virtio_net_register_types(void)
{
    virtio_backend_type_register(
        TYPE_VIRTIO_NET_DEVICE, sizeof(VirtIONetBackend), net_device_class_init,
        net_device_instance_init);
    virtio_pci_types_register(&virtio_net_pci_info);
}
