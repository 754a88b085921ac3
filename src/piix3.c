/*
 * PIIX3 PCI-to-ISA bridge (function 0): reset values of its configuration
 * space, the PIRQA-D routing registers, the PCI INTx -> ISA IRQ routing of
 * the bus, and the reset control register at 0xcf9.
 */
#include <stdlib.h>

#include "src/piix.h"
#include "src/util.h"

/* Config registers. */
#define PIIX_PIRQCA 0x60 /* PIRQA-D route control, 0x60-0x63 */
#define PIIX_PIRQ_DISABLED 0x80

/* Reset control register bits. */
#define RCR_SYS_RST 0x02 /* reset type: kept */
#define RCR_RST_CPU 0x04 /* requests a reset */

struct PIIX3State {
    PCIDevice dev;
    /* bit (line * 4 + pirq): pirq is asserted and routed to line */
    uint64_t pic_levels;
    qemu_irq pic[PIIX_NUM_PIC_IRQS];
    uint8_t rcr;
    MemoryRegion rcr_mem;
    void (*reset_fn)(void *opaque);
    void *reset_opaque;
};

OBJECT_DECLARE_CASTS(PIIX3State, PCIDeviceClass, PIIX3, TYPE_PIIX3_PCI_DEVICE)

static uint64_t line_mask(int line)
{
    return ((1ULL << PIIX_NUM_PIRQS) - 1) << (line * PIIX_NUM_PIRQS);
}

static void piix3_drive_line(PIIX3State *s, int line)
{
    qemu_set_irq(s->pic[line], (s->pic_levels & line_mask(line)) != 0);
}

static void piix3_set_pirq_level(PIIX3State *s, int pirq, int level)
{
    int line = s->dev.config[PIIX_PIRQCA + pirq];
    uint64_t bit;

    if (line >= PIIX_NUM_PIC_IRQS) {
        return;
    }
    bit = 1ULL << (line * PIIX_NUM_PIRQS + pirq);
    if (level) {
        s->pic_levels |= bit;
    } else {
        s->pic_levels &= ~bit;
    }
    piix3_drive_line(s, line);
}

static void piix3_bus_set_irq(void *opaque, int pirq, int level)
{
    piix3_set_pirq_level(opaque, pirq, level);
}

int piix3_pci_slot_get_pirq(PCIDevice *dev, int pin)
{
    return (pin + PCI_SLOT(dev->devfn) - 1) & 3;
}

static void piix3_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                               int len)
{
    PIIX3State *s = PIIX3(d);
    PCIBus *bus = pci_get_bus(d);
    int pirq, line;

    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX_PIRQCA + PIIX_NUM_PIRQS &&
        addr + (uint32_t)len > PIIX_PIRQCA) {
        /* Routing changed: rebuild the levels, then drive every line. */
        s->pic_levels = 0;
        for (pirq = 0; pirq < PIIX_NUM_PIRQS; pirq++) {
            piix3_set_pirq_level(s, pirq, pci_bus_get_irq_level(bus, pirq));
        }
        for (line = 0; line < PIIX_NUM_PIC_IRQS; line++) {
            piix3_drive_line(s, line);
        }
    }
}

/* Values the device itself loads on reset (the PCI bus reset then clears
 * COMMAND's writable bits). */
static const struct {
    uint8_t off;
    uint8_t val;
} piix3_reset_values[] = {
    { 0x04, 0x07 }, { 0x05, 0x00 }, { 0x06, 0x00 }, { 0x07, 0x02 },
    { 0x4c, 0x4d }, { 0x4e, 0x03 }, { 0x4f, 0x00 }, { 0x60, 0x80 },
    { 0x61, 0x80 }, { 0x62, 0x80 }, { 0x63, 0x80 }, { 0x69, 0x02 },
    { 0x70, 0x80 }, { 0x76, 0x0c }, { 0x77, 0x0c }, { 0x78, 0x02 },
    { 0x79, 0x00 }, { 0x80, 0x00 }, { 0x82, 0x00 }, { 0xa0, 0x08 },
    { 0xa2, 0x00 }, { 0xa3, 0x00 }, { 0xa4, 0x00 }, { 0xa5, 0x00 },
    { 0xa6, 0x00 }, { 0xa7, 0x00 }, { 0xa8, 0x0f }, { 0xaa, 0x00 },
    { 0xab, 0x00 }, { 0xac, 0x00 }, { 0xae, 0x00 },
};

static void piix3_reset(DeviceState *dev)
{
    PIIX3State *s = PIIX3(dev);
    size_t i;

    for (i = 0; i < ARRAY_SIZE(piix3_reset_values); i++) {
        s->dev.config[piix3_reset_values[i].off] = piix3_reset_values[i].val;
    }
    s->pic_levels = 0;
    s->rcr = 0;
}

/* ---- 0xcf9 ---- */

static uint64_t rcr_read(void *opaque, uint64_t addr, unsigned size)
{
    PIIX3State *s = opaque;

    (void)addr;
    (void)size;
    return s->rcr;
}

static void rcr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    PIIX3State *s = opaque;

    (void)addr;
    (void)size;
    if (val & RCR_RST_CPU) {
        if (s->reset_fn) {
            s->reset_fn(s->reset_opaque);
        }
        return;
    }
    s->rcr = val & RCR_SYS_RST;
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool piix3_realize(PCIDevice *d, Error **errp)
{
    PIIX3State *s = PIIX3(d);
    PCIBus *bus = pci_get_bus(d);
    char *owner = pci_mr_owner(d);

    (void)errp;
    memory_region_init_io(&s->rcr_mem, owner, &rcr_ops, s,
                          "piix3-reset-control", 1);
    memory_region_add_subregion_overlap(bus->address_space_io, PIIX_RCR_IOPORT,
                                        &s->rcr_mem, 1);
    free(owner);
    pci_bus_irqs(bus, piix3_bus_set_irq, piix3_pci_slot_get_pirq, s,
                 PIIX_NUM_PIRQS);
    return true;
}

static void piix3_exit(PCIDevice *d)
{
    PIIX3State *s = PIIX3(d);

    memory_region_del_subregion(pci_get_bus(d)->address_space_io, &s->rcr_mem);
    memory_region_finalize(&s->rcr_mem);
}

static void piix3_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->config_write = piix3_write_config;
    k->exit = piix3_exit;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = 0x7000; /* 82371SB PIIX3 ISA */
    k->class_id = PCI_CLASS_BRIDGE_ISA;
    dc->reset = piix3_reset;
    dc->desc = "ISA bridge";
    dc->hotpluggable = false;
    dc->user_creatable = false;
}

static void piix3_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = piix3_realize;
}

static const InterfaceInfo piix3_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo piix3_types[] = {
    {
        .name = TYPE_PIIX3_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIX3State),
        .abstract = true,
        .class_init = piix3_pci_class_init,
        .interfaces = piix3_interfaces,
    },
    {
        .name = TYPE_PIIX3_DEVICE,
        .parent = TYPE_PIIX3_PCI_DEVICE,
        .class_init = piix3_class_init,
    },
};

void piix3_register_types(void)
{
    type_register_static_array(piix3_types, ARRAY_SIZE(piix3_types));
}

PIIX3State *piix3_create(PCIBus *bus, int devfn, qemu_irq *pic)
{
    PCIDevice *d =
        pci_create_simple_multifunction(bus, devfn, true, TYPE_PIIX3_DEVICE);
    PIIX3State *s = PIIX3(d);

    if (pic) {
        piix3_set_pic_irqs(s, pic);
    }
    return s;
}

void piix3_set_pic_irqs(PIIX3State *s, qemu_irq *pic)
{
    int i;

    for (i = 0; i < PIIX_NUM_PIC_IRQS; i++) {
        s->pic[i] = pic[i];
    }
}

PCIDevice *piix3_pci_device(PIIX3State *s)
{
    return &s->dev;
}

void piix3_set_reset_handler(PIIX3State *s, void (*fn)(void *opaque),
                             void *opaque)
{
    s->reset_fn = fn;
    s->reset_opaque = opaque;
}
