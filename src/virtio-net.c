/*
 * virtio-net-pci, as QEMU 7.2 offers it on pc with no network backend:
 * the MAC and link status config, receive, transmit and control queues,
 * QEMU's host features, a MAC address taken from the machine's pool
 * (src/net-mac.c) and the efi-virtio.rom option ROM BAR.
 */
#include <stdlib.h>
#include <string.h>

#include "src/net-mac.h"
#include "src/net.h"
#include "src/util.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional) and class. */
#define PCI_DEVICE_ID_VIRTIO_NET 0x1000
#define PCI_CLASS_NETWORK_ETHERNET 0x0200

/* The option ROM BAR (romfile, rombar, romsize), when there is a ROM. */
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
#define NET_CONFIG_SIZE 8 /* mac + status */
#define NET_RX_QUEUE_SIZE 256
#define NET_TX_QUEUE_SIZE 256
#define NET_CTRL_QUEUE_SIZE 64

typedef struct VirtIONetPCI {
    VirtIOPCIProxy proxy;
    uint8_t mac[6];
    uint16_t status;
    NetClient *netdev; /* "netdev": the peer named */
    NetClient *nic;
    bool mac_taken;
    bool rom_present;
    MemoryRegion rom;
} VirtIONetPCI;

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
OBJECT_DECLARE_CASTS(VirtIONetPCI, VirtIOPCIClass, VIRTIO_NET_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_NET_PCI))

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
    if (!virtio_has_feature(vdev->guest_features, VIRTIO_NET_F_CTRL_MAC_ADDR) &&
        !virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
        memcpy(n->mac, config + NET_CFG_MAC, 6);
    }
}

static const VirtIOFeatureName net_feature_names[] = {
    { VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
      "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: "
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

static bool net_realize(VirtIOPCIProxy *p, Error **errp)
{
    static const int bits[] = {
        VIRTIO_NET_F_CTRL_GUEST_OFFLOADS,
        VIRTIO_NET_F_MAC,
        VIRTIO_NET_F_GSO,
        VIRTIO_NET_F_MRG_RXBUF,
        VIRTIO_NET_F_STATUS,
        VIRTIO_NET_F_CTRL_VQ,
        VIRTIO_NET_F_CTRL_RX,
        VIRTIO_NET_F_CTRL_VLAN,
        VIRTIO_NET_F_CTRL_RX_EXTRA,
        VIRTIO_NET_F_GUEST_ANNOUNCE,
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
    n->nic = net_nic_new(DEVICE(p), n->mac, n->netdev);
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

    net_nic_free(n->nic);
    n->nic = NULL;
    n->netdev = NULL;
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
    DEFINE_PROP_NETDEV("netdev", VirtIONetPCI, netdev),
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

static const TypeInfo virtio_net_pci_info = {
    .name = TYPE_VIRTIO_NET_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIONetPCI),
    .class_init = net_class_init,
};

void virtio_net_register_types(void)
{
    virtio_pci_types_register(&virtio_net_pci_info);
}
