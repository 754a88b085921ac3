/*
 * I/O APIC, modelled on the behaviour of QEMU 7.2's "ioapic" device.
 */
#include "ioapic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "qdev.h"
#include "sysbus.h"
#include "util.h"

/* Register offsets in the MMIO region (only the low 8 address bits). */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOI 0x40
#define IOAPIC_ADDR_MASK 0xff

/* Indirect registers selected by IOREGSEL. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10

#define IOAPIC_ID_SHIFT 24
#define IOAPIC_ID_MASK 0xf
#define IOAPIC_VER_MAXREDIR_SHIFT 16

/* Redirection table entry fields. */
#define RTE_VECTOR_MASK 0xffULL
#define RTE_DELIV_MODE_SHIFT 8
#define RTE_DELIV_MODE_MASK 0x7ULL
#define RTE_DEST_MODE (1ULL << 11)
#define RTE_DELIV_STATUS (1ULL << 12)
#define RTE_POLARITY (1ULL << 13)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_TRIGGER_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_DEST_IDX_SHIFT 48
#define RTE_DEST_SHIFT 56
#define RTE_READONLY (RTE_REMOTE_IRR | RTE_DELIV_STATUS)

#define DELIV_MODE_EXTINT 7

/* MSI form of an interrupt message. */
#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_DEST_IDX_SHIFT 4
#define MSI_ADDR_DEST_MODE_SHIFT 2
#define MSI_DATA_DELIV_MODE_SHIFT 8
#define MSI_DATA_TRIGGER_SHIFT 15

/* EOIs in a row re-raising a level pin before QEMU delays the service. */
#define EOI_STORM_LIMIT 10000

static IOAPICState *default_ioapic;

/* Sends the message of an unmasked entry. */
static void send_message(IOAPICState *s, uint64_t entry, uint8_t vector)
{
    uint32_t dest_idx = (entry >> RTE_DEST_IDX_SHIFT) & 0xffff;
    uint32_t dest_mode = (entry & RTE_DEST_MODE) != 0;
    uint32_t mode = (entry >> RTE_DELIV_MODE_SHIFT) & RTE_DELIV_MODE_MASK;
    uint32_t level = (entry & RTE_TRIGGER_LEVEL) != 0;
    uint32_t addr, data;

    addr = MSI_ADDR_BASE | dest_idx << MSI_ADDR_DEST_IDX_SHIFT |
           dest_mode << MSI_ADDR_DEST_MODE_SHIFT;
    data = vector | mode << MSI_DATA_DELIV_MODE_SHIFT |
           level << MSI_DATA_TRIGGER_SHIFT;
    if (s->deliver) {
        s->deliver(s->deliver_opaque, addr, data);
    }
}

/* Delivers every pending request the table lets through. */
static void service(IOAPICState *s)
{
    int i;

    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint32_t bit = 1u << i;
        uint64_t entry = s->ioredtbl[i];
        uint32_t mode;
        uint8_t vector;
        bool busy;

        if (!(s->irr & bit)) {
            continue;
        }
        /* an ExtINT entry acknowledges the 8259 even when masked */
        mode = (entry >> RTE_DELIV_MODE_SHIFT) & RTE_DELIV_MODE_MASK;
        if (mode == DELIV_MODE_EXTINT) {
            vector = s->extint ? s->extint(s->extint_opaque) : 0;
        } else {
            vector = entry & RTE_VECTOR_MASK;
        }
        if (entry & RTE_MASKED) {
            continue;
        }
        if (entry & RTE_TRIGGER_LEVEL) {
            busy = (entry & RTE_REMOTE_IRR) != 0;
            s->ioredtbl[i] |= RTE_REMOTE_IRR;
            if (busy) {
                continue;
            }
        } else {
            s->irr &= ~bit;
        }
        send_message(s, entry, vector);
    }
}

static void count_irq(IOAPICState *s, int n, int level)
{
    if (s->irq_level[n] != level) {
        s->irq_level[n] = level;
        if (level == 1) {
            s->irq_count[n]++;
        }
    }
}

static void ioapic_input(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    int pin = n == 0 ? 2 : n;
    uint32_t bit;
    uint64_t entry;

    count_irq(s, n, level);
    bit = 1u << pin;
    entry = s->ioredtbl[pin];
    if (entry & RTE_TRIGGER_LEVEL) {
        if (!level) {
            s->irr &= ~bit;
            return;
        }
        s->irr |= bit;
        if (!(entry & RTE_REMOTE_IRR)) {
            service(s);
        }
    } else if (level && !(entry & RTE_MASKED)) {
        /* edges on a masked pin are lost */
        s->irr |= bit;
        service(s);
    }
}

void ioapic_eoi_broadcast(IOAPICState *s, int vector)
{
    int i;

    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t entry = s->ioredtbl[i];

        if ((entry & RTE_VECTOR_MASK) != (uint64_t)(vector & 0xff) ||
            !(entry & RTE_TRIGGER_LEVEL) || !(entry & RTE_REMOTE_IRR)) {
            continue;
        }
        s->ioredtbl[i] = entry & ~RTE_REMOTE_IRR;
        if ((entry & RTE_MASKED) || !(s->irr & (1u << i))) {
            s->irq_eoi[i] = 0;
            continue;
        }
        if (++s->irq_eoi[i] >= EOI_STORM_LIMIT) {
            /*
             * QEMU re-services 10 ms of virtual time later; no clock here
             * yet, so the pin waits for the next service.
             */
            s->irq_eoi[i] = 0;
        } else {
            service(s);
        }
    }
}

static uint32_t read_window(IOAPICState *s)
{
    int index;

    switch (s->ioregsel) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)s->id << IOAPIC_ID_SHIFT;
    case IOAPIC_REG_VER:
        return s->version | (IOAPIC_NUM_PINS - 1) << IOAPIC_VER_MAXREDIR_SHIFT;
    default:
        index = (s->ioregsel - IOAPIC_REG_REDTBL) >> 1;
        if (index < 0 || index >= IOAPIC_NUM_PINS) {
            return 0;
        }
        if (s->ioregsel & 1) {
            return s->ioredtbl[index] >> 32;
        }
        return (uint32_t)s->ioredtbl[index];
    }
}

static void write_window(IOAPICState *s, uint32_t val)
{
    int index;
    uint64_t entry;

    switch (s->ioregsel) {
    case IOAPIC_REG_ID:
        s->id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
        return;
    case IOAPIC_REG_VER:
    case IOAPIC_REG_ARB:
        return;
    default:
        break;
    }
    index = (s->ioregsel - IOAPIC_REG_REDTBL) >> 1;
    if (index < 0 || index >= IOAPIC_NUM_PINS) {
        return;
    }
    entry = s->ioredtbl[index];
    if (s->ioregsel & 1) {
        entry = (entry & 0xffffffffULL) | (uint64_t)val << 32;
    } else {
        entry = (entry & ~0xffffffffULL) | val;
    }
    entry = (entry & ~RTE_READONLY) | (s->ioredtbl[index] & RTE_READONLY);
    if (!(entry & RTE_TRIGGER_LEVEL)) {
        /* switching to edge clears remote IRR (Linux relies on it) */
        entry &= ~RTE_REMOTE_IRR;
    }
    s->ioredtbl[index] = entry;
    s->irq_eoi[index] = 0;
    service(s);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr & IOAPIC_ADDR_MASK) {
    case IOAPIC_IOREGSEL:
        return s->ioregsel;
    case IOAPIC_IOWIN:
        return size == 4 ? read_window(s) : 0;
    default:
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                              unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr & IOAPIC_ADDR_MASK) {
    case IOAPIC_IOREGSEL:
        s->ioregsel = val;
        break;
    case IOAPIC_IOWIN:
        if (size == 4) {
            write_window(s, val);
        }
        break;
    case IOAPIC_EOI:
        /* the EOI register exists from version 0x20 */
        if (size == 4 && s->version == 0x20) {
            ioapic_eoi_broadcast(s, val & 0xff);
        }
        break;
    default:
        break;
    }
}

static const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
};

OBJECT_DECLARE_CASTS(IOAPICState, DeviceClass, IOAPIC, TYPE_IOAPIC)

static bool ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = IOAPIC(dev);

    (void)errp;
    s->version = IOAPIC_VERSION;
    qdev_init_gpio_in(dev, ioapic_input, IOAPIC_NUM_PINS);
    memory_region_init_io(&s->io_memory, "ioapic", &ioapic_mmio_ops, s,
                          "ioapic", IOAPIC_REGION_SIZE);
    if (s->sysmem) {
        memory_region_add_subregion(s->sysmem, IOAPIC_DEFAULT_BASE,
                                    &s->io_memory);
        s->mapped = true;
    }
    ioapic_reset(s);
    return true;
}

static void ioapic_unrealize(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    if (s->mapped) {
        memory_region_del_subregion(memory_region_get_container(&s->io_memory),
                                    &s->io_memory);
        s->mapped = false;
    }
    memory_region_finalize(&s->io_memory);
}

IOAPICState *ioapic_init_child(Object *parent, const char *name,
                               MemoryRegion *sysmem)
{
    IOAPICState *s = IOAPIC(qdev_new(TYPE_IOAPIC));

    s->sysmem = sysmem;
    if (parent) {
        object_property_add_child(parent, name, OBJECT(s));
    }
    sysbus_realize_board(DEVICE(s));
    default_ioapic = s;
    return s;
}

IOAPICState *ioapic_init(MemoryRegion *sysmem)
{
    return ioapic_init_child(NULL, NULL, sysmem);
}

void ioapic_free(IOAPICState *s)
{
    if (!s) {
        return;
    }
    if (default_ioapic == s) {
        default_ioapic = NULL;
    }
    object_unparent(OBJECT(s));
    qdev_unrealize(DEVICE(s));
    object_unref(OBJECT(s));
}

IOAPICState *ioapic_get_default(void)
{
    return default_ioapic;
}

qemu_irq *ioapic_get_irqs(IOAPICState *s)
{
    return DEVICE(s)->gpio_in;
}

void ioapic_reset(IOAPICState *s)
{
    int i;

    s->id = 0;
    s->ioregsel = 0;
    s->irr = 0;
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->ioredtbl[i] = RTE_MASKED;
    }
}

void ioapic_set_delivery(IOAPICState *s, IOAPICDeliverFn *fn, void *opaque)
{
    s->deliver = fn;
    s->deliver_opaque = opaque;
}

void ioapic_set_extint(IOAPICState *s, IOAPICExtIntFn *fn, void *opaque)
{
    s->extint = fn;
    s->extint_opaque = opaque;
}

static void append(char **buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(char **buf, const char *fmt, ...)
{
    va_list ap;
    char *piece, *joined;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    joined = xasprintf("%s%s", *buf, piece);
    free(piece);
    free(*buf);
    *buf = joined;
}

static void append_pin_set(char **buf, const char *label, uint32_t pins)
{
    int i;

    append(buf, "%-10s ", label);
    if (!pins) {
        append(buf, "(none)\n");
        return;
    }
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (pins & (1u << i)) {
            append(buf, "%-2d ", i);
        }
    }
    append(buf, "\n");
}

char *ioapic_info_pic(const IOAPICState *s)
{
    static const char *const mode_names[8] = {
        "fixed", "lowest", "SMI", "...", "NMI", "INIT", "...", "extINT",
    };
    char *out = xstrdup("");
    uint32_t remote = 0;
    int i;

    append(&out, "ioapic0: ver=0x%x id=0x%02x sel=0x%02x", s->version, s->id,
           s->ioregsel);
    if (s->ioregsel) {
        /* QEMU's arithmetic: a negative index prints as unsigned */
        append(&out, " (redir[%u])\n",
               (unsigned)((s->ioregsel - IOAPIC_REG_REDTBL) >> 1));
    } else {
        append(&out, "\n");
    }
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t e = s->ioredtbl[i];
        uint64_t dest_mask = (e & RTE_DEST_MODE) ? 0xff : 0xf;

        append(&out,
               "  pin %-2d 0x%016llx dest=%llx vec=%-3u %s %-5s %-6s "
               "%-6s %s\n",
               i, (unsigned long long)e,
               (unsigned long long)((e >> RTE_DEST_SHIFT) & dest_mask),
               (unsigned)(e & RTE_VECTOR_MASK),
               (e & RTE_POLARITY) ? "active-lo" : "active-hi",
               (e & RTE_TRIGGER_LEVEL) ? "level" : "edge",
               (e & RTE_MASKED) ? "masked" : "",
               mode_names[(e >> RTE_DELIV_MODE_SHIFT) & RTE_DELIV_MODE_MASK],
               (e & RTE_DEST_MODE) ? "logical" : "physical");
        if ((e & RTE_TRIGGER_LEVEL) && (e & RTE_REMOTE_IRR)) {
            remote |= 1u << i;
        }
    }
    append_pin_set(&out, "  IRR", s->irr);
    append_pin_set(&out, "  Remote IRR", remote);
    return out;
}

char *ioapic_info_irq(const IOAPICState *s)
{
    char *out = xstrdup("IRQ statistics for ioapic:\n");
    int i;

    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (s->irq_count[i]) {
            append(&out, "%2d: %llu\n", i, (unsigned long long)s->irq_count[i]);
        }
    }
    return out;
}

/* ---- QOM type (the object qtest's "irq_intercept_in ioapic" finds) ---- */

static void ioapic_qdev_reset(DeviceState *dev)
{
    ioapic_reset(IOAPIC(dev));
}

static void ioapic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = ioapic_realize;
    dc->unrealize = ioapic_unrealize;
    dc->reset = ioapic_qdev_reset;
}

static const TypeInfo ioapic_types[] = {
    {
        .name = "ioapic-common",
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(IOAPICState),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
    },
    {
        .name = TYPE_IOAPIC,
        .parent = "ioapic-common",
        .class_size = sizeof(DeviceClass),
        .class_init = ioapic_class_init,
    },
};

void ioapic_register_types(void)
{
    type_register_static_array(ioapic_types, ARRAY_SIZE(ioapic_types));
}

void ioapic_get_regs(const IOAPICState *s, uint8_t *id, uint32_t *irr,
                     uint64_t ioredtbl[IOAPIC_NUM_PINS])
{
    int i;

    *id = s->id;
    *irr = s->irr;
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        ioredtbl[i] = s->ioredtbl[i];
    }
}

void ioapic_get_irq_stats(const IOAPICState *s, int n, int *level,
                          uint64_t *count)
{
    *level = s->irq_level[n];
    *count = s->irq_count[n];
}
