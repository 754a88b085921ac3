/*
 * piix3-usb-uhci: the PIIX3's USB 1.1 host controller (PCI function 2 of
 * the PIIX3, 8086:7020), with its 32-byte register block behind BAR4, two
 * root ports and the USB bus "<id>.0" / "usb-bus.N".
 *
 * No USB devices exist, so the ports stay empty.  The frame schedule is
 * not run: with Run/Stop set the controller leaves the halted state as
 * in QEMU, but the frame number does not advance and no frame list is
 * read from guest memory.
 */
#include "src/uhci.h"

#include <stdlib.h>

#include "src/usb.h"
#include "src/util.h"

#define TYPE_PCI_UHCI_USB "pci-uhci-usb"
#define UHCI_BAR 4
#define UHCI_IO_SIZE 0x20
#define UHCI_REVISION 0x01
#define UHCI_INTR_PIN 4 /* INTD */
#define UHCI_NB_PORTS 2

/* Configuration space beyond the header. */
#define UHCI_SBRN 0x60 /* serial bus release number */
#define UHCI_SBRN_USB_1_0 0x10
#define UHCI_LEGSUP_CLOCK 0x6a /* "USB clock" byte QEMU sets at reset */

/* Register block (16-bit registers; FLBASEADD as two halves). */
#define UHCI_USBCMD 0x00
#define UHCI_USBSTS 0x02
#define UHCI_USBINTR 0x04
#define UHCI_FRNUM 0x06
#define UHCI_FLBASEADD_LO 0x08
#define UHCI_FLBASEADD_HI 0x0a
#define UHCI_SOFMOD 0x0c
#define UHCI_PORTSC 0x10 /* 0x10 .. 0x1f: ports (two exist) */

#define UHCI_CMD_RS (1u << 0)
#define UHCI_CMD_HCRESET (1u << 1)
#define UHCI_CMD_GRESET (1u << 2)
#define UHCI_CMD_EGSM (1u << 3)
#define UHCI_CMD_FGR (1u << 4)

#define UHCI_STS_USBINT (1u << 0)
#define UHCI_STS_USBERR (1u << 1)
#define UHCI_STS_RD (1u << 2)
#define UHCI_STS_HSERR (1u << 3)
#define UHCI_STS_HCPERR (1u << 4)
#define UHCI_STS_HCHALTED (1u << 5)

#define UHCI_INTR_TIMEOUT_CRC (1u << 0)
#define UHCI_INTR_RESUME (1u << 1)
#define UHCI_INTR_IOC (1u << 2)
#define UHCI_INTR_SPD (1u << 3)

#define UHCI_PORT_CCS (1u << 0)
#define UHCI_PORT_CSC (1u << 1)
#define UHCI_PORT_EN (1u << 2)
#define UHCI_PORT_ENC (1u << 3)
#define UHCI_PORT_RD (1u << 6)
#define UHCI_PORT_READ_ONLY 0x1bbu
#define UHCI_PORT_WRITE_CLEAR (UHCI_PORT_CSC | UHCI_PORT_ENC)
#define UHCI_PORT_RESET_VALUE 0x0080u /* bit 7 reads as one */

#define UHCI_FRNUM_MASK 0x7ffu
#define UHCI_FLBASE_MASK 0xfffff000u
#define UHCI_SOF_DEFAULT 64
#define UHCI_UNUSED_WORD 0xff7fu /* what an unused register reads */

#define UHCI_BANDWIDTH_DEFAULT 1280
#define UHCI_MAXFRAMES_DEFAULT 128

typedef struct UHCIState {
    PCIDevice dev;
    MemoryRegion io_bar;
    BusState *bus;
    uint16_t cmd, status, intr, frnum;
    uint32_t fl_base_addr;
    uint8_t sof_timing;
    uint8_t status2; /* bit 0: IOC, bit 1: short packet (hidden) */
    uint16_t port_ctrl[UHCI_NB_PORTS];
    /* Properties */
    uint32_t bandwidth;
    uint32_t maxframes;
} UHCIState;

OBJECT_DECLARE_CASTS(UHCIState, PCIDeviceClass, UHCI, TYPE_PCI_UHCI_USB)

static void uhci_update_irq(UHCIState *s)
{
    bool level =
        ((s->status2 & 1) && (s->intr & UHCI_INTR_IOC)) ||
        ((s->status2 & 2) && (s->intr & UHCI_INTR_SPD)) ||
        ((s->status & UHCI_STS_USBERR) && (s->intr & UHCI_INTR_TIMEOUT_CRC)) ||
        ((s->status & UHCI_STS_RD) && (s->intr & UHCI_INTR_RESUME)) ||
        (s->status & (UHCI_STS_HSERR | UHCI_STS_HCPERR));

    pci_set_irq(&s->dev, level);
}

/* The controller's own reset (QEMU's uhci_reset), also HCRESET/GRESET. */
static void uhci_reset_state(UHCIState *s)
{
    int i;

    s->dev.config[UHCI_LEGSUP_CLOCK] = 0x01;
    s->dev.config[UHCI_LEGSUP_CLOCK + 1] = 0x00;
    s->cmd = 0;
    s->status = UHCI_STS_HCHALTED;
    s->status2 = 0;
    s->intr = 0;
    s->fl_base_addr = 0;
    s->sof_timing = UHCI_SOF_DEFAULT;
    for (i = 0; i < UHCI_NB_PORTS; i++) {
        s->port_ctrl[i] = UHCI_PORT_RESET_VALUE;
    }
    uhci_update_irq(s);
}

static void uhci_resume(UHCIState *s)
{
    if (s->cmd & UHCI_CMD_EGSM) {
        s->cmd |= UHCI_CMD_FGR;
        s->status |= UHCI_STS_RD;
        uhci_update_irq(s);
    }
}

static void uhci_write_cmd(UHCIState *s, uint16_t val)
{
    if ((val & UHCI_CMD_RS) && !(s->cmd & UHCI_CMD_RS)) {
        s->status &= (uint16_t)~UHCI_STS_HCHALTED;
    } else if (!(val & UHCI_CMD_RS)) {
        s->status |= UHCI_STS_HCHALTED;
    }
    if (val & (UHCI_CMD_GRESET | UHCI_CMD_HCRESET)) {
        /* GRESET also resets the (absent) devices on the ports. */
        uhci_reset_state(s);
        return;
    }
    s->cmd = val;
    if ((val & UHCI_CMD_EGSM) && ((s->port_ctrl[0] & UHCI_PORT_RD) ||
                                  (s->port_ctrl[1] & UHCI_PORT_RD))) {
        uhci_resume(s);
    }
}

static void uhci_write_port(UHCIState *s, unsigned n, uint16_t val)
{
    uint16_t ctrl = s->port_ctrl[n] & UHCI_PORT_READ_ONLY;

    /* Enable sticks only with a device connected (never, here). */
    if (!(ctrl & UHCI_PORT_CCS)) {
        val &= (uint16_t)~UHCI_PORT_EN;
    }
    ctrl |= val & (uint16_t)~UHCI_PORT_READ_ONLY;
    ctrl &= (uint16_t) ~(val & UHCI_PORT_WRITE_CLEAR);
    s->port_ctrl[n] = ctrl;
}

static uint64_t uhci_io_read(void *opaque, uint64_t addr, unsigned size)
{
    UHCIState *s = opaque;

    (void)size;
    switch (addr) {
    case UHCI_USBCMD:
        return s->cmd;
    case UHCI_USBSTS:
        return s->status;
    case UHCI_USBINTR:
        return s->intr;
    case UHCI_FRNUM:
        return s->frnum;
    case UHCI_FLBASEADD_LO:
        return s->fl_base_addr & 0xffff;
    case UHCI_FLBASEADD_HI:
        return s->fl_base_addr >> 16;
    case UHCI_SOFMOD:
        return s->sof_timing;
    default:
        if (addr >= UHCI_PORTSC && addr < UHCI_IO_SIZE) {
            unsigned n = (unsigned)(addr >> 1) & 7;

            if (n < UHCI_NB_PORTS) {
                return s->port_ctrl[n];
            }
        }
        return UHCI_UNUSED_WORD;
    }
}

static void uhci_io_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    UHCIState *s = opaque;
    uint16_t v = (uint16_t)val;

    (void)size;
    switch (addr) {
    case UHCI_USBCMD:
        uhci_write_cmd(s, v);
        break;
    case UHCI_USBSTS:
        s->status &= (uint16_t)~v;
        if (v & UHCI_STS_USBINT) {
            s->status2 = 0;
        }
        uhci_update_irq(s);
        break;
    case UHCI_USBINTR:
        s->intr = v;
        uhci_update_irq(s);
        break;
    case UHCI_FRNUM:
        if (s->status & UHCI_STS_HCHALTED) {
            s->frnum = v & UHCI_FRNUM_MASK;
        }
        break;
    case UHCI_FLBASEADD_LO:
        s->fl_base_addr =
            (s->fl_base_addr & 0xffff0000u) | (v & (UHCI_FLBASE_MASK & 0xffff));
        break;
    case UHCI_FLBASEADD_HI:
        s->fl_base_addr = (s->fl_base_addr & 0x0000ffffu) | ((uint32_t)v << 16);
        break;
    case UHCI_SOFMOD:
        s->sof_timing = (uint8_t)v;
        break;
    default:
        if (addr >= UHCI_PORTSC && addr < UHCI_IO_SIZE) {
            unsigned n = (unsigned)(addr >> 1) & 7;

            if (n < UHCI_NB_PORTS) {
                uhci_write_port(s, n, v);
            }
        }
        break;
    }
}

/* Byte and dword accesses are valid; the registers take 16 bits. */
static const MemoryRegionOps uhci_io_ops = {
    .read = uhci_io_read,
    .write = uhci_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static void uhci_qdev_reset(DeviceState *dev)
{
    uhci_reset_state(UHCI(dev));
}

static bool uhci_realize(PCIDevice *d, Error **errp)
{
    UHCIState *s = UHCI(d);
    char *owner = pci_mr_owner(d);

    (void)errp;
    d->config[PCI_CLASS_PROG] = 0x00;
    d->config[UHCI_SBRN] = UHCI_SBRN_USB_1_0;
    d->config[PCI_INTERRUPT_PIN] = UHCI_INTR_PIN;
    s->bus = usb_bus_new(DEVICE(d));
    s->frnum = 0;
    memory_region_init_io(&s->io_bar, owner, &uhci_io_ops, s, "uhci",
                          UHCI_IO_SIZE);
    pci_register_bar(d, UHCI_BAR, PCI_BASE_ADDRESS_SPACE_IO, &s->io_bar);
    free(owner);
    return true;
}

static void uhci_exit(PCIDevice *d)
{
    UHCIState *s = UHCI(d);

    pci_set_irq(d, 0);
    memory_region_finalize(&s->io_bar);
}

static const Property uhci_props[] = {
    DEFINE_PROP_UINT32("bandwidth", UHCIState, bandwidth,
                       UHCI_BANDWIDTH_DEFAULT),
    DEFINE_PROP_UINT32("maxframes", UHCIState, maxframes,
                       UHCI_MAXFRAMES_DEFAULT),
    DEFINE_PROP_END_OF_LIST(),
};

/* The abstract pci-uhci-usb: what every UHCI model shares. */
static void uhci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = uhci_realize;
    k->exit = uhci_exit;
    k->class_id = PCI_CLASS_SERIAL_USB;
    dc->reset = uhci_qdev_reset;
    dc->categories |= 1ul << DEVICE_CATEGORY_USB;
}

static void piix3_uhci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = 0x7020; /* 82371SB PIIX3 USB */
    k->revision = UHCI_REVISION;
    dc->user_creatable = true;
    device_class_set_props(dc, uhci_props);
}

static const InterfaceInfo uhci_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo uhci_types[] = {
    {
        .name = TYPE_PCI_UHCI_USB,
        .parent = TYPE_PCI_DEVICE,
        .abstract = true,
        .instance_size = sizeof(UHCIState),
        .class_init = uhci_class_init,
        .interfaces = uhci_interfaces,
    },
    {
        .name = TYPE_PIIX3_USB_UHCI,
        .parent = TYPE_PCI_UHCI_USB,
        .class_init = piix3_uhci_class_init,
    },
};

void uhci_register_types(void)
{
    type_register_static_array(uhci_types, ARRAY_SIZE(uhci_types));
}

PCIDevice *uhci_piix3_create(PCIBus *bus, int devfn)
{
    return pci_create_simple(bus, devfn, TYPE_PIIX3_USB_UHCI);
}
