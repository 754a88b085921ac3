/*
 * Intel 82540EM (e1000) without a backend: the PCI function as QEMU 7.2
 * shows it on pc (vendor 8086, device 100e, revision 3, BAR0 128 KiB
 * MMIO, BAR1 64-byte I/O, 256 KiB option ROM BAR) and the MAC address
 * in the receive-address registers.  Packet processing is not modelled.
 */
#include <stdlib.h>
#include <string.h>

#include "src/net-mac.h"
#include "src/net.h"
#include "src/util.h"
#include "src/virtio-pci.h"

#define TYPE_E1000 "e1000"
#define E1000_DEVICE_ID 0x100e
#define E1000_REVISION 3
#define E1000_MMIO_SIZE 0x20000
#define E1000_IO_SIZE 0x40
#define E1000_ROM_SIZE 0x40000
#define E1000_MMIO_BAR 0
#define E1000_IO_BAR 1
#define PCI_CLASS_NETWORK_ETHERNET 0x0200

/* Registers (byte offsets). */
#define E1000_CTRL 0x0000
#define E1000_STATUS 0x0008
#define E1000_RAL0 0x5400
#define E1000_RAH0 0x5404
#define E1000_RAH_AV 0x80000000u
#define E1000_STATUS_INIT 0x80080783u /* GIO master, FD, LU, 1000 Mb/s */
#define E1000_REG_WORDS (E1000_MMIO_SIZE / 4)

typedef struct E1000State {
    PCIDevice parent_obj;
    uint8_t mac[6];
    NetClient *netdev; /* "netdev": the peer named */
    NetClient *nic;
    bool mac_taken;
    bool rom_present;
    uint32_t *regs;
    uint32_t ioaddr;
    MemoryRegion mmio;
    MemoryRegion io;
    MemoryRegion rom;
} E1000State;

OBJECT_DECLARE_CASTS(E1000State, PCIDeviceClass, E1000, TYPE_E1000)

static void e1000_reset_regs(E1000State *s)
{
    memset(s->regs, 0, E1000_REG_WORDS * 4);
    s->regs[E1000_STATUS / 4] = E1000_STATUS_INIT;
    s->regs[E1000_RAL0 / 4] = (uint32_t)s->mac[0] | (uint32_t)s->mac[1] << 8 |
                              (uint32_t)s->mac[2] << 16 |
                              (uint32_t)s->mac[3] << 24;
    s->regs[E1000_RAH0 / 4] =
        (uint32_t)s->mac[4] | (uint32_t)s->mac[5] << 8 | E1000_RAH_AV;
}

static uint64_t e1000_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    return s->regs[(addr & (E1000_MMIO_SIZE - 1)) / 4];
}

static void e1000_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    E1000State *s = opaque;
    uint32_t idx = (uint32_t)(addr & (E1000_MMIO_SIZE - 1)) / 4;

    (void)size;
    if (idx == E1000_STATUS / 4) {
        return;
    }
    s->regs[idx] = (uint32_t)val;
}

static const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* I/O BAR: IOADDR at 0, IODATA at 4 (window on the registers). */
static uint64_t e1000_io_read(void *opaque, uint64_t addr, unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    switch (addr) {
    case 0:
        return s->ioaddr;
    case 4:
        return s->regs[(s->ioaddr & (E1000_MMIO_SIZE - 1)) / 4];
    default:
        return 0;
    }
}

static void e1000_io_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    E1000State *s = opaque;

    (void)size;
    if (addr == 0) {
        s->ioaddr = (uint32_t)val;
    } else if (addr == 4) {
        e1000_mmio_write(s, s->ioaddr, val, 4);
    }
}

static const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool e1000_realize(PCIDevice *d, Error **errp)
{
    E1000State *s = E1000(d);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    const char *file = d->romfile ? d->romfile : pc->romfile;
    char *owner = pci_mr_owner(d);

    (void)errp;
    /* QEMU sets 0x10 here; a bus reset (cold plug) clears it again. */
    d->config[PCI_CACHE_LINE_SIZE] = 0x10;
    d->config[PCI_INTERRUPT_PIN] = 1;
    net_macaddr_default_if_unset(s->mac);
    s->mac_taken = true;
    s->nic = net_nic_new(DEVICE(d), s->mac, s->netdev);
    s->regs = xzalloc(E1000_REG_WORDS * 4);
    e1000_reset_regs(s);

    memory_region_init_io(&s->mmio, owner, &e1000_mmio_ops, s, "e1000-mmio",
                          E1000_MMIO_SIZE);
    memory_region_init_io(&s->io, owner, &e1000_io_ops, s, "e1000-io",
                          E1000_IO_SIZE);
    pci_register_bar(d, E1000_MMIO_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->mmio);
    pci_register_bar(d, E1000_IO_BAR, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
    if (file && *file && d->rom_bar) {
        memory_region_init_rom(&s->rom, owner, "e1000.rom",
                               d->romsize != UINT32_MAX ? d->romsize
                                                        : E1000_ROM_SIZE);
        pci_register_bar(d, PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY,
                         &s->rom);
        s->rom_present = true;
    }
    free(owner);
    return true;
}

static void e1000_exit(PCIDevice *d)
{
    E1000State *s = E1000(d);

    net_nic_free(s->nic);
    s->nic = NULL;
    s->netdev = NULL;
    memory_region_finalize(&s->mmio);
    memory_region_finalize(&s->io);
    if (s->rom_present) {
        memory_region_finalize(&s->rom);
        s->rom_present = false;
    }
    if (s->mac_taken) {
        net_macaddr_release(s->mac);
        s->mac_taken = false;
    }
    free(s->regs);
    s->regs = NULL;
}

static void e1000_qdev_reset(DeviceState *dev)
{
    E1000State *s = E1000(dev);

    if (s->regs) {
        e1000_reset_regs(s);
    }
}

static Property e1000_props[] = {
    DEFINE_PROP("mac", E1000State, mac, net_prop_macaddr, uint8_t *),
    DEFINE_PROP_NETDEV("netdev", E1000State, netdev),
    DEFINE_PROP_END_OF_LIST(),
};

static void e1000_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = e1000_realize;
    k->exit = e1000_exit;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = E1000_DEVICE_ID;
    k->revision = E1000_REVISION;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    k->romfile = "efi-e1000.rom";
    dc->reset = e1000_qdev_reset;
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    dc->user_creatable = true;
    dc->desc = "Intel Gigabit Ethernet";
    device_class_set_props(dc, e1000_props);
}

static const InterfaceInfo e1000_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo e1000_info = {
    .name = TYPE_E1000,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(E1000State),
    .class_init = e1000_class_init,
    .interfaces = e1000_interfaces,
};

void e1000_register_types(void)
{
    type_register_static(&e1000_info);
}
