/*
 * PIIX3 IDE (function 1) without drives: configuration space, the
 * bus-master DMA block behind BAR4 ("piix-bmdma-container", 16 bytes) and
 * the legacy command/control ports, which read as an empty channel.
 */
#include <stdlib.h>

#include "src/piix.h"
#include "src/util.h"

#define IDE_BMIBA_BAR 4
#define IDE_BMDMA_SIZE 16
#define IDE_PROG_IF_LEGACY 0x80 /* bus master capable, legacy ports */

/* Bus-master block, per channel at 0 / 8. */
#define BM_CMD 0
#define BM_STATUS 2
#define BM_ADDR 4
#define BM_CMD_START 0x01
#define BM_CMD_RW 0x08
#define BM_STATUS_DMAING 0x01
#define BM_STATUS_ERROR 0x02
#define BM_STATUS_INT 0x04
#define BM_STATUS_DRV_CAP 0x60

/* Legacy command block: 8 ports; control block: 1 port. */
#define IDE_CMD_PORTS 8
#define IDE_DATA_REG 0

typedef struct BMDMAChannel {
    uint8_t cmd;
    uint8_t status;
    uint32_t addr;
    MemoryRegion extra_io; /* "piix-bmdma": command and status */
    MemoryRegion addr_io; /* "bmdma": PRD table address */
} BMDMAChannel;

typedef struct PIIXIDEState {
    PCIDevice dev;
    MemoryRegion bmdma_bar;
    BMDMAChannel bm[2];
    MemoryRegion cmd_io[2];
    MemoryRegion ctl_io[2];
} PIIXIDEState;

OBJECT_DECLARE_CASTS(PIIXIDEState, PCIDeviceClass, PIIX_IDE, TYPE_PIIX3_IDE)

static const struct {
    uint16_t cmd_base;
    uint16_t ctl_base;
} ide_ports[2] = {
    { 0x1f0, 0x3f6 },
    { 0x170, 0x376 },
};

/* ---- Bus master ---- */

static uint64_t bmdma_read(void *opaque, uint64_t addr, unsigned size)
{
    BMDMAChannel *bm = opaque;

    if (size != 1) {
        return (1ULL << (size * 8)) - 1;
    }
    switch (addr & 3) {
    case BM_CMD:
        return bm->cmd;
    case BM_STATUS:
        return bm->status;
    default:
        return 0xff;
    }
}

static void bmdma_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    BMDMAChannel *bm = opaque;

    if (size != 1) {
        return;
    }
    switch (addr & 3) {
    case BM_CMD:
        if ((val & BM_CMD_START) != (bm->cmd & BM_CMD_START)) {
            if (!(val & BM_CMD_START)) {
                bm->status &= (uint8_t)~BM_STATUS_DMAING;
            } else {
                bm->status |= BM_STATUS_DMAING;
            }
        }
        bm->cmd = (uint8_t)(val & (BM_CMD_START | BM_CMD_RW));
        break;
    case BM_STATUS:
        bm->status =
            (uint8_t)((val & BM_STATUS_DRV_CAP) |
                      (bm->status & BM_STATUS_DMAING) |
                      (bm->status & ~val & (BM_STATUS_ERROR | BM_STATUS_INT)));
        break;
    default:
        break;
    }
}

static const MemoryRegionOps bmdma_ops = {
    .read = bmdma_read,
    .write = bmdma_write,
};

static uint64_t bmdma_addr_read(void *opaque, uint64_t addr, unsigned size)
{
    BMDMAChannel *bm = opaque;
    uint64_t mask = (1ULL << (size * 8)) - 1;

    return (bm->addr >> ((addr & 3) * 8)) & mask;
}

static void bmdma_addr_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    BMDMAChannel *bm = opaque;
    unsigned shift = (unsigned)(addr & 3) * 8;
    uint64_t mask = (1ULL << (size * 8)) - 1;
    uint64_t a = bm->addr;

    a = (a & ~(mask << shift)) | ((val & mask) << shift);
    bm->addr = (uint32_t)a & ~3u;
}

static const MemoryRegionOps bmdma_addr_ops = {
    .read = bmdma_addr_read,
    .write = bmdma_addr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- Legacy ports of a channel without drives ---- */

/* Bytes of an access that fall past the end of a port block read as
 * unassigned ports (0xff). */
static uint64_t past_end_ones(uint64_t addr, unsigned size, uint64_t len)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        if (addr + i >= len) {
            v |= 0xffULL << (8 * i);
        }
    }
    return v;
}

static uint64_t ide_cmd_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    /* Only the data register takes word/dword accesses. */
    if (size == 4 && addr != IDE_DATA_REG) {
        return 0xffffffffu;
    }
    return past_end_ones(addr, size, IDE_CMD_PORTS);
}

static void ide_cmd_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps ide_cmd_ops = {
    .read = ide_cmd_read,
    .write = ide_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

static uint64_t ide_ctl_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    return size == 4 ? 0xffffffffu : past_end_ones(addr, size, 1);
}

static const MemoryRegionOps ide_ctl_ops = {
    .read = ide_ctl_read,
    .write = ide_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

/* ---- Device ---- */

static void piix_ide_reset(DeviceState *dev)
{
    PIIXIDEState *s = PIIX_IDE(dev);
    uint8_t *c = s->dev.config;
    int i;

    for (i = 0; i < 2; i++) {
        s->bm[i].cmd = 0;
        s->bm[i].status = 0;
        s->bm[i].addr = 0;
    }
    pci_set_word(c + PCI_COMMAND, 0);
    pci_set_word(c + PCI_STATUS,
                 PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM);
    pci_set_long(c + PCI_BASE_ADDRESS_0 + IDE_BMIBA_BAR * 4,
                 PCI_BASE_ADDRESS_SPACE_IO);
}

static bool piix_ide_realize(PCIDevice *d, Error **errp)
{
    PIIXIDEState *s = PIIX_IDE(d);
    MemoryRegion *io = get_system_io();
    char *owner = pci_mr_owner(d);
    int i;

    (void)errp;
    d->config[PCI_CLASS_PROG] = IDE_PROG_IF_LEGACY;

    memory_region_init(&s->bmdma_bar, owner, "piix-bmdma-container",
                       IDE_BMDMA_SIZE);
    for (i = 0; i < 2; i++) {
        memory_region_init_io(&s->bm[i].extra_io, owner, &bmdma_ops, &s->bm[i],
                              "piix-bmdma", 4);
        memory_region_add_subregion(&s->bmdma_bar, (uint64_t)i * 8,
                                    &s->bm[i].extra_io);
        memory_region_init_io(&s->bm[i].addr_io, owner, &bmdma_addr_ops,
                              &s->bm[i], "bmdma", 4);
        memory_region_add_subregion(&s->bmdma_bar, (uint64_t)i * 8 + 4,
                                    &s->bm[i].addr_io);
    }
    pci_register_bar(d, IDE_BMIBA_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                     &s->bmdma_bar);

    /* The legacy ports belong to no device in QEMU's tree (no owner). */
    for (i = 0; i < 2; i++) {
        memory_region_init_io(&s->cmd_io[i], NULL, &ide_cmd_ops, s, "ide",
                              IDE_CMD_PORTS);
        memory_region_add_subregion(io, ide_ports[i].cmd_base, &s->cmd_io[i]);
        memory_region_init_io(&s->ctl_io[i], NULL, &ide_ctl_ops, s, "ide", 1);
        memory_region_add_subregion(io, ide_ports[i].ctl_base, &s->ctl_io[i]);
    }
    free(owner);
    return true;
}

static void piix_ide_exit(PCIDevice *d)
{
    PIIXIDEState *s = PIIX_IDE(d);
    MemoryRegion *io = get_system_io();
    int i;

    for (i = 0; i < 2; i++) {
        memory_region_del_subregion(io, &s->cmd_io[i]);
        memory_region_del_subregion(io, &s->ctl_io[i]);
        memory_region_finalize(&s->cmd_io[i]);
        memory_region_finalize(&s->ctl_io[i]);
        memory_region_del_subregion(&s->bmdma_bar, &s->bm[i].extra_io);
        memory_region_del_subregion(&s->bmdma_bar, &s->bm[i].addr_io);
        memory_region_finalize(&s->bm[i].extra_io);
        memory_region_finalize(&s->bm[i].addr_io);
    }
    memory_region_finalize(&s->bmdma_bar);
}

static void piix_ide_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = piix_ide_realize;
    k->exit = piix_ide_exit;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = 0x7010; /* 82371SB PIIX3 IDE */
    k->class_id = PCI_CLASS_STORAGE_IDE;
    dc->reset = piix_ide_reset;
    dc->categories |= 1ul << DEVICE_CATEGORY_STORAGE;
    dc->hotpluggable = false;
}

static const InterfaceInfo piix_ide_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo piix_ide_types[] = {
    {
        .name = TYPE_PIIX3_IDE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIXIDEState),
        .class_init = piix_ide_class_init,
        .interfaces = piix_ide_interfaces,
    },
};

void piix_ide_register_types(void)
{
    type_register_static_array(piix_ide_types, ARRAY_SIZE(piix_ide_types));
}

PCIDevice *piix3_ide_create(PCIBus *bus, int devfn)
{
    return pci_create_simple(bus, devfn, TYPE_PIIX3_IDE);
}
