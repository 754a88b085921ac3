/*
 * Conventional PCI: the "PCI" bus, the abstract "pci-device" with its
 * configuration space and BARs, INTx routing through the bus, and the
 * host bridge's configuration mechanism #1.  Behaviour follows QEMU 7.2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/pci.h"
#include "src/util.h"

/* Default subsystem IDs QEMU gives devices whose class names none. */
#define PCI_DEFAULT_SUBSYS_VENDOR PCI_SUBVENDOR_ID_REDHAT_QUMRANET
#define PCI_DEFAULT_SUBSYS_ID PCI_SUBDEVICE_ID_QEMU

/* Highest acpi-index QEMU accepts (systemd's onboard index limit). */
#define PCI_ACPI_INDEX_MAX (16 * 1024 - 1)

#define PCI_ROM_ADDRESS_MASK (~0x7ffULL)

#define MAX_ROOT_BUSES 8

static void pci_bus_master_init(PCIDevice *d);
static void pci_bus_master_update(PCIDevice *d);
static void pci_bus_master_fini(PCIDevice *d);

static PCIBus *root_buses[MAX_ROOT_BUSES];
static int n_root_buses;

/* ---- Small helpers ---- */

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool range_covers_byte(uint32_t a, uint32_t alen, uint32_t byte)
{
    return byte >= a && byte < a + alen;
}

static bool is_power_of_2(uint64_t v)
{
    return v && !(v & (v - 1));
}

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    BusState *b = dev->qdev.parent_bus;

    return b ? PCI_BUS(b) : NULL;
}

int pci_bus_num(PCIBus *bus)
{
    (void)bus;
    return 0; /* only root buses are modelled */
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn)
{
    if (!bus || bus_num != pci_bus_num(bus)) {
        return NULL;
    }
    return bus->devices[devfn];
}

int pci_root_bus_count(void)
{
    return n_root_buses;
}

PCIBus *pci_root_bus_get(int i)
{
    return i >= 0 && i < n_root_buses ? root_buses[i] : NULL;
}

int pci_bar(PCIDevice *dev, int region_num)
{
    (void)dev;
    if (region_num == PCI_ROM_SLOT) {
        return PCI_ROM_ADDRESS;
    }
    return PCI_BASE_ADDRESS_0 + region_num * 4;
}

/* ---- Bus ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io, uint8_t devfn_min)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, parent, name));

    bus->devfn_min = devfn_min;
    bus->slot_reserved_mask = 0;
    bus->address_space_mem = mem;
    bus->address_space_io = io;
    if (n_root_buses < MAX_ROOT_BUSES) {
        root_buses[n_root_buses++] = bus;
    }
    return bus;
}

void pci_bus_irqs(PCIBus *bus, PCISetIRQFunc *set_irq, PCIMapIRQFunc *map_irq,
                  void *opaque, int nirq)
{
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    free(bus->irq_count);
    bus->irq_count = xzalloc((size_t)nirq * sizeof(bus->irq_count[0]));
}

int pci_bus_get_irq_level(PCIBus *bus, int irq_num)
{
    if (irq_num < 0 || irq_num >= bus->nirq) {
        return 0;
    }
    return bus->irq_count[irq_num] != 0;
}

static void pci_bus_instance_finalize(Object *obj)
{
    PCIBus *bus = PCI_BUS(obj);
    int i;

    for (i = 0; i < n_root_buses; i++) {
        if (root_buses[i] == bus) {
            memmove(&root_buses[i], &root_buses[i + 1],
                    (size_t)(n_root_buses - i - 1) * sizeof(root_buses[0]));
            n_root_buses--;
            break;
        }
    }
    free(bus->irq_count);
    bus->irq_count = NULL;
}

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return xasprintf("0000:00:%02x.%x", PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
}

/* Firmware names by class, as QEMU's table (only where one exists). */
static const struct {
    uint16_t class_id;
    const char *fw_name;
} pci_fw_names[] = {
    { 0x0001, "display" },
    { 0x0100, "scsi" },
    { 0x0101, "ide" },
    { 0x0102, "fdc" },
    { 0x0103, "ipi" },
    { 0x0104, "raid" },
    { 0x0200, "ethernet" },
    { 0x0201, "token-ring" },
    { 0x0202, "fddi" },
    { 0x0203, "atm" },
    { 0x0400, "video" },
    { 0x0401, "sound" },
    { 0x0403, "sound" },
    { 0x0500, "memory" },
    { 0x0501, "flash" },
    { 0x0600, "host" },
    { 0x0601, "isa" },
    { 0x0602, "eisa" },
    { 0x0603, "mca" },
    { 0x0604, "pci-bridge" },
    { 0x0605, "pcmcia" },
    { 0x0606, "nubus" },
    { 0x0607, "cardbus" },
    { 0x0700, "serial" },
    { 0x0701, "parallel" },
    { 0x0800, "interrupt-controller" },
    { 0x0801, "dma-controller" },
    { 0x0802, "timer" },
    { 0x0803, "rtc" },
    { 0x0900, "keyboard" },
    { 0x0901, "pen" },
    { 0x0902, "mouse" },
    { 0x0c00, "firewire" },
    { 0x0c01, "access-bus" },
    { 0x0c02, "ssa" },
    { 0x0c03, "usb" },
    { 0x0c04, "fibre-channel" },
};

static char *pci_bus_get_fw_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    uint16_t cls = pci_get_word(d->config + PCI_CLASS_DEVICE);
    char name[40];
    size_t i;

    snprintf(name, sizeof(name), "pci%04x,%04x",
             pci_get_word(d->config + PCI_VENDOR_ID),
             pci_get_word(d->config + PCI_DEVICE_ID));
    for (i = 0; i < sizeof(pci_fw_names) / sizeof(pci_fw_names[0]); i++) {
        uint16_t c = pci_fw_names[i].class_id;
        /* display classes ignore the low byte */
        uint16_t ign = (c == 0x0300 || c == 0x0a00 || c == 0x0b00) ? 0xff : 0;

        if ((cls & ~ign) == (c & ~ign)) {
            snprintf(name, sizeof(name), "%s", pci_fw_names[i].fw_name);
            break;
        }
    }
    if (PCI_FUNC(d->devfn)) {
        return xasprintf("%s@%x,%x", name, PCI_SLOT(d->devfn),
                         PCI_FUNC(d->devfn));
    }
    return xasprintf("%s@%x", name, PCI_SLOT(d->devfn));
}

static void pci_bus_class_init(ObjectClass *klass, void *data)
{
    BusClass *k = BUS_CLASS(klass);

    (void)data;
    k->get_dev_path = pci_bus_get_dev_path;
    k->get_fw_dev_path = pci_bus_get_fw_dev_path;
}

/* ---- Masks and registration ---- */

static void pci_init_wmask(PCIDevice *d)
{
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    pci_set_word(d->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                     PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_SERR);
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
}

static void pci_init_w1cmask(PCIDevice *d)
{
    pci_set_word(d->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                     PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                     PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
}

static bool pci_check_multifunction(PCIBus *bus, PCIDevice *d, Error **errp)
{
    int slot = PCI_SLOT(d->devfn);
    int fn;

    if (d->cap_present & QEMU_PCI_CAP_MULTIFUNCTION) {
        d->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    if (PCI_FUNC(d->devfn)) {
        PCIDevice *f0 = bus->devices[PCI_DEVFN(slot, 0)];

        if (f0 && !(f0->cap_present & QEMU_PCI_CAP_MULTIFUNCTION)) {
            error_setg(errp,
                       "PCI: single function device can't be "
                       "populated in function %x.%x",
                       slot, PCI_FUNC(d->devfn));
            return false;
        }
        return true;
    }
    if (d->cap_present & QEMU_PCI_CAP_MULTIFUNCTION) {
        return true;
    }
    for (fn = 1; fn < PCI_FUNC_MAX; fn++) {
        if (bus->devices[PCI_DEVFN(slot, fn)]) {
            error_setg(errp,
                       "PCI: %x.0 indicates single function, "
                       "but %x.%x is already populated.",
                       slot, slot, fn);
            return false;
        }
    }
    return true;
}

static PCIDevice *pci_function_0(PCIDevice *d)
{
    PCIBus *bus = pci_get_bus(d);

    return bus->devices[PCI_DEVFN(PCI_SLOT(d->devfn), 0)];
}

static bool pci_register_device(PCIDevice *d, Error **errp)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    PCIBus *bus = pci_get_bus(d);
    const char *name = object_get_typename(OBJECT(d));
    int devfn = d->devfn;

    if (devfn < 0) {
        for (devfn = bus->devfn_min; devfn < PCI_DEVFN_MAX;
             devfn += PCI_FUNC_MAX) {
            if (!bus->devices[devfn] &&
                !(bus->slot_reserved_mask & (1u << PCI_SLOT(devfn)))) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp,
                       "PCI: no slot/function available for %s, "
                       "all in use or reserved",
                       name);
            return false;
        }
    } else if (bus->slot_reserved_mask & (1u << PCI_SLOT(devfn))) {
        error_setg(errp,
                   "PCI: slot %d function %d not available for %s, "
                   "reserved",
                   PCI_SLOT(devfn), PCI_FUNC(devfn), name);
        return false;
    } else if (bus->devices[devfn]) {
        PCIDevice *o = bus->devices[devfn];

        error_setg(errp,
                   "PCI: slot %d function %d not available for %s, "
                   "in use by %s,id=%s",
                   PCI_SLOT(devfn), PCI_FUNC(devfn), name, o->name,
                   o->qdev.id ? o->qdev.id : "(null)");
        return false;
    } else if (d->qdev.hotplugged &&
               bus->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)]) {
        PCIDevice *f0 = bus->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)];

        error_setg(errp,
                   "PCI: slot %d function 0 already occupied by %s, "
                   "new func %s cannot be exposed to guest.",
                   PCI_SLOT(f0->devfn), f0->name, name);
        return false;
    }

    d->devfn = devfn;
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->irq_state = 0;
    memset(d->config, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    memset(d->used, 0, sizeof(d->used));
    memset(d->io_regions, 0, sizeof(d->io_regions));

    pci_set_word(d->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, pc->device_id);
    d->config[PCI_REVISION_ID] = pc->revision;
    pci_set_word(d->config + PCI_CLASS_DEVICE, pc->class_id);
    if (!pc->is_bridge) {
        if (pc->subsystem_vendor_id || pc->subsystem_id) {
            pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID,
                         pc->subsystem_vendor_id);
            pci_set_word(d->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
        } else {
            pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID,
                         PCI_DEFAULT_SUBSYS_VENDOR);
            pci_set_word(d->config + PCI_SUBSYSTEM_ID, PCI_DEFAULT_SUBSYS_ID);
        }
    }
    pci_init_wmask(d);
    pci_init_w1cmask(d);
    if (!pci_check_multifunction(bus, d, errp)) {
        return false;
    }
    bus->devices[devfn] = d;
    d->registered = true;
    return true;
}

static void pci_unregister_device(PCIDevice *d)
{
    PCIBus *bus = pci_get_bus(d);

    if (d->registered && bus && bus->devices[d->devfn] == d) {
        bus->devices[d->devfn] = NULL;
    }
    d->registered = false;
}

/* ---- BARs ---- */

void pci_register_bar(PCIDevice *d, int region_num, uint8_t type,
                      MemoryRegion *memory)
{
    PCIBus *bus = pci_get_bus(d);
    PCIIORegion *r;
    uint64_t size = memory_region_size(memory);
    uint64_t wmask;
    int addr;

    if (region_num < 0 || region_num >= PCI_NUM_REGIONS ||
        !is_power_of_2(size)) {
        abort();
    }
    r = &d->io_regions[region_num];
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = memory;
    r->address_space = (type & PCI_BASE_ADDRESS_SPACE_IO)
                           ? bus->address_space_io
                           : bus->address_space_mem;

    wmask = ~(size - 1);
    if (region_num == PCI_ROM_SLOT) {
        wmask |= PCI_ROM_ADDRESS_ENABLE;
    }
    addr = pci_bar(d, region_num);
    pci_set_long(d->config + addr, type);
    if (!(type & PCI_BASE_ADDRESS_SPACE_IO) &&
        (type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
        pci_set_quad(d->wmask + addr, wmask);
    } else {
        pci_set_long(d->wmask + addr, (uint32_t)wmask);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num)
{
    return dev->io_regions[region_num].addr;
}

/* Where BAR reg decodes now, or PCI_BAR_UNMAPPED. */
static pcibus_t pci_bar_address(PCIDevice *d, int reg, uint8_t type,
                                pcibus_t size)
{
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int bar = pci_bar(d, reg);
    pcibus_t addr, last;

    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(d->config + bar) & ~(size - 1);
        last = addr + size - 1;
        if (last <= addr || last >= UINT32_MAX || addr == 0) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = pci_get_quad(d->config + bar);
    } else {
        addr = pci_get_long(d->config + bar);
    }
    if (reg == PCI_ROM_SLOT && !(addr & PCI_ROM_ADDRESS_ENABLE)) {
        return PCI_BAR_UNMAPPED;
    }
    addr &= ~(size - 1);
    last = addr + size - 1;
    if (last <= addr || last == PCI_BAR_UNMAPPED || addr == 0) {
        return PCI_BAR_UNMAPPED;
    }
    if (!(type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

void pci_update_mappings(PCIDevice *d)
{
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        addr = pci_bar_address(d, i, r->type, r->size);
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_add_subregion_overlap(r->address_space, r->addr,
                                                r->memory, 1);
        }
    }
}

static void pci_unmap_all(PCIDevice *d)
{
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
}

/* ---- Capabilities ---- */

static uint8_t pci_find_space(PCIDevice *d, uint8_t size)
{
    int offset = PCI_CONFIG_HEADER_SIZE;
    int i;

    for (i = PCI_CONFIG_HEADER_SIZE; i < PCI_CONFIG_SPACE_SIZE; i++) {
        if (d->used[i]) {
            offset = i + 1;
        } else if (i - offset + 1 == size) {
            return (uint8_t)offset;
        }
    }
    return 0;
}

static uint8_t pci_find_cap_list(PCIDevice *d, uint8_t cap_id, uint8_t *prevp)
{
    uint8_t prev = PCI_CAPABILITY_LIST;
    uint8_t next = 0;
    int guard = 0;

    if (!(d->config[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    while ((next = d->config[prev]) != 0 && guard++ < 64) {
        if (d->config[next + PCI_CAP_LIST_ID] == cap_id) {
            break;
        }
        prev = (uint8_t)(next + PCI_CAP_LIST_NEXT);
    }
    if (prevp) {
        *prevp = prev;
    }
    return next;
}

/* The capability whose start is the nearest at or below offset. */
static uint8_t pci_cap_at_offset(PCIDevice *d, uint8_t offset)
{
    uint8_t prev = PCI_CAPABILITY_LIST;
    uint8_t next, found = 0;
    int guard = 0;

    if (!d->used[offset]) {
        return 0;
    }
    while ((next = d->config[prev]) != 0 && guard++ < 64) {
        if (next <= offset && next > found) {
            found = next;
        }
        prev = (uint8_t)(next + PCI_CAP_LIST_NEXT);
    }
    return found;
}

int pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp)
{
    int i;

    if (!offset) {
        offset = pci_find_space(d, size);
        if (!offset) {
            abort(); /* configuration space exhausted: a programming bug */
        }
    } else {
        for (i = offset; i < offset + size; i++) {
            uint8_t over = pci_cap_at_offset(d, (uint8_t)i);

            if (over) {
                error_setg(errp,
                           "0000:00:%02x:%02x.%x Attempt to add PCI "
                           "capability %x at offset %x overlaps existing "
                           "capability %x at offset %x",
                           pci_bus_num(pci_get_bus(d)), PCI_SLOT(d->devfn),
                           PCI_FUNC(d->devfn), cap_id, offset, over, i);
                return -EINVAL;
            }
        }
    }
    d->config[offset + PCI_CAP_LIST_ID] = cap_id;
    d->config[offset + PCI_CAP_LIST_NEXT] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = offset;
    d->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    for (i = offset;
         i < offset + ((size + 3) & ~3) && i < PCI_CONFIG_SPACE_SIZE; i++) {
        d->used[i] = 0xff;
    }
    memset(d->wmask + offset, 0, size);
    return offset;
}

void pci_del_capability(PCIDevice *d, uint8_t cap_id, uint8_t size)
{
    uint8_t prev = 0;
    uint8_t offset = pci_find_cap_list(d, cap_id, &prev);
    int i;

    if (!offset) {
        return;
    }
    d->config[prev] = d->config[offset + PCI_CAP_LIST_NEXT];
    memset(d->wmask + offset, 0xff, size);
    memset(d->w1cmask + offset, 0, size);
    for (i = offset;
         i < offset + ((size + 3) & ~3) && i < PCI_CONFIG_SPACE_SIZE; i++) {
        d->used[i] = 0;
    }
    if (!d->config[PCI_CAPABILITY_LIST]) {
        d->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_CAP_LIST;
    }
}

uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id)
{
    return pci_find_cap_list(d, cap_id, NULL);
}

/* ---- Interrupts ---- */

int pci_intx(PCIDevice *dev)
{
    return pci_get_byte(dev->config + PCI_INTERRUPT_PIN) - 1;
}

static bool pci_irq_disabled(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}

static void pci_change_irq_level(PCIDevice *d, int pin, int change)
{
    PCIBus *bus = pci_get_bus(d);
    int irq;

    if (!bus || !bus->map_irq || !bus->set_irq) {
        return;
    }
    irq = bus->map_irq(d, pin);
    if (irq < 0 || irq >= bus->nirq) {
        return;
    }
    bus->irq_count[irq] += change;
    bus->set_irq(bus->irq_opaque, irq, bus->irq_count[irq] != 0);
}

static void pci_irq_handler(PCIDevice *d, int pin, int level)
{
    int old, change;

    if (pin < 0 || pin >= PCI_NUM_PINS) {
        return;
    }
    old = (d->irq_state >> pin) & 1;
    change = level - old;
    if (!change) {
        return;
    }
    d->irq_state = (d->irq_state & ~(1 << pin)) | (level << pin);
    if (d->irq_state) {
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        d->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    }
    if (pci_irq_disabled(d)) {
        return;
    }
    pci_change_irq_level(d, pin, change);
}

void pci_set_irq(PCIDevice *dev, int level)
{
    pci_irq_handler(dev, pci_intx(dev), level ? 1 : 0);
}

static void pci_deassert_intx(PCIDevice *d)
{
    int i;

    for (i = 0; i < PCI_NUM_PINS; i++) {
        pci_irq_handler(d, i, 0);
    }
}

static void pci_update_irq_disabled(PCIDevice *d, bool was_disabled)
{
    bool disabled = pci_irq_disabled(d);
    int i;

    if (disabled == was_disabled) {
        return;
    }
    for (i = 0; i < PCI_NUM_PINS; i++) {
        int state = (d->irq_state >> i) & 1;

        if (state) {
            pci_change_irq_level(d, i, disabled ? -state : state);
        }
    }
}

/* ---- Config access ---- */

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val = 0;
    int i;

    for (i = 0; i < len && addr + (uint32_t)i < PCI_CONFIG_SPACE_SIZE; i++) {
        val |= (uint32_t)d->config[addr + (uint32_t)i] << (8 * i);
    }
    return val;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len)
{
    bool was_disabled = pci_irq_disabled(d);
    uint32_t v = val;
    int i;

    for (i = 0; i < len && addr + (uint32_t)i < PCI_CONFIG_SPACE_SIZE;
         i++, v >>= 8) {
        uint32_t a = addr + (uint32_t)i;
        uint8_t wm = d->wmask[a];
        uint8_t w1c = d->w1cmask[a];

        d->config[a] = (uint8_t)((d->config[a] & ~wm) | (v & wm));
        d->config[a] &= (uint8_t) ~(v & w1c);
    }
    if (ranges_overlap(addr, (uint32_t)len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, (uint32_t)len, PCI_ROM_ADDRESS, 4) ||
        range_covers_byte(addr, (uint32_t)len, PCI_COMMAND)) {
        pci_update_mappings(d);
    }
    if (range_covers_byte(addr, (uint32_t)len, PCI_COMMAND)) {
        pci_update_irq_disabled(d, was_disabled);
        pci_bus_master_update(d);
    }
}

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    uint32_t limit = PCI_CONFIG_SPACE_SIZE;

    if (addr >= limit) {
        return ~0u;
    }
    if (d->qdev.hotplugged && !pci_function_0(d)) {
        return ~0u;
    }
    if ((uint32_t)len > limit - addr) {
        len = (int)(limit - addr);
    }
    return (pc->config_read ? pc->config_read
                            : pci_default_read_config)(d, addr, len);
}

void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    uint32_t limit = PCI_CONFIG_SPACE_SIZE;

    if (addr >= limit) {
        return;
    }
    if (d->qdev.hotplugged && !pci_function_0(d)) {
        return;
    }
    if ((uint32_t)len > limit - addr) {
        len = (int)(limit - addr);
    }
    (pc->config_write ? pc->config_write : pci_default_write_config)(d, addr,
                                                                     val, len);
}

static PCIDevice *pci_dev_by_cfg_addr(PCIBus *bus, uint32_t addr)
{
    return pci_find_device(bus, (addr >> 16) & 0xff,
                           (uint8_t)((addr >> 8) & 0xff));
}

uint32_t pci_data_read(PCIBus *bus, uint32_t addr, int len)
{
    PCIDevice *d = pci_dev_by_cfg_addr(bus, addr);

    if (!d) {
        return ~0u;
    }
    return pci_config_read(d, addr & (PCI_CONFIG_SPACE_SIZE - 1), len);
}

void pci_data_write(PCIBus *bus, uint32_t addr, uint32_t val, int len)
{
    PCIDevice *d = pci_dev_by_cfg_addr(bus, addr);

    if (!d) {
        return;
    }
    pci_config_write(d, addr & (PCI_CONFIG_SPACE_SIZE - 1), val, len);
}

/* ---- Reset ---- */

static void pci_do_device_reset(PCIDevice *d)
{
    uint16_t clr;
    int r;

    pci_deassert_intx(d);
    clr = pci_get_word(d->wmask + PCI_COMMAND) |
          pci_get_word(d->w1cmask + PCI_COMMAND);
    pci_set_word(d->config + PCI_COMMAND,
                 pci_get_word(d->config + PCI_COMMAND) & ~clr);
    clr = pci_get_word(d->wmask + PCI_STATUS) |
          pci_get_word(d->w1cmask + PCI_STATUS);
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) & ~clr);
    d->config[PCI_INTERRUPT_LINE] &= (uint8_t) ~(
        d->wmask[PCI_INTERRUPT_LINE] | d->w1cmask[PCI_INTERRUPT_LINE]);
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    for (r = 0; r < PCI_NUM_REGIONS; r++) {
        PCIIORegion *reg = &d->io_regions[r];

        if (!reg->size) {
            continue;
        }
        if (!(reg->type & PCI_BASE_ADDRESS_SPACE_IO) &&
            (reg->type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
            pci_set_quad(d->config + pci_bar(d, r), reg->type);
        } else {
            pci_set_long(d->config + pci_bar(d, r), reg->type);
        }
    }
    pci_update_mappings(d);
    pci_bus_master_update(d);
}

void pci_device_reset(PCIDevice *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(DEVICE(dev));
    }
    pci_do_device_reset(dev);
}

void pci_bus_reset(PCIBus *bus)
{
    DeviceClass *dc;
    int i;

    /* As QEMU's reset order: every device's own reset, then the bus. */
    for (i = 0; i < PCI_DEVFN_MAX; i++) {
        if (bus->devices[i]) {
            dc = DEVICE_GET_CLASS(bus->devices[i]);
            if (dc->reset) {
                dc->reset(DEVICE(bus->devices[i]));
            }
        }
    }
    /*
     * The devices that are left (a reset above may have ejected some)
     * unmap their BARs one after another; the map is rendered once.
     */
    memory_region_transaction_begin();
    for (i = 0; i < PCI_DEVFN_MAX; i++) {
        if (bus->devices[i]) {
            pci_do_device_reset(bus->devices[i]);
        }
    }
    memory_region_transaction_commit();
}

/* ---- The "pci-device" type ---- */

/* Bitmap of acpi-index values in use. */
static uint8_t acpi_index_used[(PCI_ACPI_INDEX_MAX + 8) / 8];

static bool acpi_index_test(uint32_t i)
{
    return acpi_index_used[i / 8] & (1u << (i % 8));
}

static void acpi_index_set(uint32_t i, bool v)
{
    if (v) {
        acpi_index_used[i / 8] |= (uint8_t)(1u << (i % 8));
    } else {
        acpi_index_used[i / 8] &= (uint8_t) ~(1u << (i % 8));
    }
}

static bool pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    ObjectClass *klass = OBJECT_CLASS(pc);
    Error *err = NULL;

    if (!pci_get_bus(d)) {
        error_setg(errp, "PCI device %s needs a PCI bus", d->name);
        return false;
    }
    if (d->acpi_index > PCI_ACPI_INDEX_MAX) {
        error_setg(errp, "acpi-index should be less or equal to %u",
                   PCI_ACPI_INDEX_MAX);
        return false;
    }
    if (d->acpi_index) {
        if (acpi_index_test(d->acpi_index)) {
            error_setg(errp,
                       "a PCI device with acpi-index = %u already "
                       "exist",
                       d->acpi_index);
            return false;
        }
    }
    if (d->romsize != UINT32_MAX && !is_power_of_2(d->romsize)) {
        error_setg(errp, "ROM size %u is not a power of two", d->romsize);
        return false;
    }
    if (object_class_dynamic_cast(klass, INTERFACE_PCIE_DEVICE) &&
        !object_class_dynamic_cast(klass, INTERFACE_CONVENTIONAL_PCI_DEVICE)) {
        d->cap_present |= QEMU_PCI_CAP_EXPRESS;
    }
    if (d->multifunction) {
        d->cap_present |= QEMU_PCI_CAP_MULTIFUNCTION;
    } else {
        d->cap_present &= ~QEMU_PCI_CAP_MULTIFUNCTION;
    }
    if (!pci_register_device(d, errp)) {
        return false;
    }
    pci_bus_master_init(d);
    if (pc->realize && !pc->realize(d, &err)) {
        error_propagate(errp, err);
        pci_unmap_all(d);
        pci_bus_master_fini(d);
        pci_unregister_device(d);
        return false;
    }
    if (d->failover_pair_id) {
        error_setg(errp, "failover primary device must be on "
                         "PCIExpress bus");
        pci_unmap_all(d);
        if (pc->exit) {
            pc->exit(d);
        }
        pci_bus_master_fini(d);
        pci_unregister_device(d);
        return false;
    }
    if (d->acpi_index) {
        acpi_index_set(d->acpi_index, true);
    }
    return true;
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    pci_unmap_all(d);
    if (pc->exit) {
        pc->exit(d);
    }
    pci_deassert_intx(d);
    pci_bus_master_fini(d);
    pci_unregister_device(d);
    if (d->acpi_index) {
        acpi_index_set(d->acpi_index, false);
    }
}

/* "addr": an int32 that also takes "slot[.fn]" strings (hex). */
static json_t *devfn_get(Object *obj, const Property *prop, Error **errp)
{
    (void)errp;
    return json_integer(*(int32_t *)((char *)obj + prop->offset));
}

static bool devfn_set(Object *obj, const Property *prop, json_t *v,
                      Error **errp)
{
    int32_t *ptr = (int32_t *)((char *)obj + prop->offset);
    unsigned long slot, fn = 0;
    const char *s, *p;
    char *e;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);

        if (i < -1 || i > 255) {
            error_setg(errp,
                       "Parameter '%s' expects a value between -1 "
                       "and 255",
                       prop->name);
            return false;
        }
        *ptr = (int32_t)i;
        return true;
    }
    if (!json_is_string(v)) {
        error_setg(errp,
                   "Invalid parameter type for '%s', expected: "
                   "integer",
                   prop->name);
        return false;
    }
    s = json_string_value(v);
    p = s;
    slot = strtoul(p, &e, 16);
    if (e == p || slot > 0x1f) {
        goto invalid;
    }
    if (*e == '.') {
        p = e + 1;
        fn = strtoul(p, &e, 16);
        if (e == p || fn > 7) {
            goto invalid;
        }
    }
    if (*e) {
        goto invalid;
    }
    *ptr = (int32_t)PCI_DEVFN(slot, fn);
    return true;

invalid:
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
               object_get_typename(obj), prop->name, s);
    return false;
}

static json_t *devfn_defval(const Property *prop)
{
    return json_integer(prop->defval.i);
}

static char *devfn_print(Object *obj, const Property *prop)
{
    int32_t v = *(int32_t *)((char *)obj + prop->offset);

    if (v == -1) {
        return xstrdup("<unset>");
    }
    return xasprintf("%02x.%x", PCI_SLOT(v), PCI_FUNC(v));
}

static const PropertyInfo pci_prop_devfn = {
    .name = "int32",
    .description = "Slot and optional function number, example: 06.0 or 06",
    .get = devfn_get,
    .set = devfn_set,
    .defval = devfn_defval,
    .print = devfn_print,
    .parses_string = true,
};

static const Property pci_props[] = {
    DEFINE_PROP("addr", PCIDevice, devfn, pci_prop_devfn, int32_t,
                .set_default = true, .defval.i = -1),
    DEFINE_PROP_STRING("romfile", PCIDevice, romfile),
    DEFINE_PROP_UINT32("romsize", PCIDevice, romsize, UINT32_MAX),
    DEFINE_PROP_UINT32("rombar", PCIDevice, rom_bar, 1),
    DEFINE_PROP_BIT_BOOL("multifunction", PCIDevice, multifunction, false),
    DEFINE_PROP_BIT_BOOL("x-pcie-lnksta-dllla", PCIDevice, x_pcie_lnksta_dllla,
                         true),
    DEFINE_PROP_BIT_BOOL("x-pcie-extcap-init", PCIDevice, x_pcie_extcap_init,
                         true),
    DEFINE_PROP_STRING("failover_pair_id", PCIDevice, failover_pair_id),
    DEFINE_PROP_UINT32("acpi-index", PCIDevice, acpi_index, 0),
    DEFINE_PROP_END_OF_LIST()
};

static void pci_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->bus_type = TYPE_PCI_BUS;
    device_class_set_props(dc, pci_props);
}

static void pci_device_instance_init(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        d->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
}

/* ---- Host bridge: configuration mechanism #1 ---- */

static uint64_t pci_host_conf_read(void *opaque, uint64_t addr, unsigned size)
{
    PCIHostState *s = opaque;

    (void)addr;
    (void)size;
    return s->config_reg;
}

static void pci_host_conf_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    PCIHostState *s = opaque;

    /* Only a full dword write at 0xcf8 loads the index. */
    if (addr != 0 || size != 4) {
        return;
    }
    s->config_reg = (uint32_t)val;
}

static uint64_t pci_host_data_read(void *opaque, uint64_t addr, unsigned size)
{
    PCIHostState *s = opaque;

    if (!(s->config_reg & (1u << 31)) || !s->bus) {
        return 0xffffffffu;
    }
    return pci_data_read(s->bus, s->config_reg | (uint32_t)(addr & 3),
                         (int)size);
}

static void pci_host_data_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    PCIHostState *s = opaque;

    if (!(s->config_reg & (1u << 31)) || !s->bus) {
        return;
    }
    pci_data_write(s->bus, s->config_reg | (uint32_t)(addr & 3), (uint32_t)val,
                   (int)size);
}

static const MemoryRegionOps pci_host_conf_ops = {
    .read = pci_host_conf_read,
    .write = pci_host_conf_write,
};

static const MemoryRegionOps pci_host_data_ops = {
    .read = pci_host_data_read,
    .write = pci_host_data_write,
};

void pci_host_init_conf_regions(PCIHostState *s)
{
    const char *owner = object_get_typename(OBJECT(s));

    memory_region_init_io(&s->conf_mem, owner, &pci_host_conf_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, owner, &pci_host_data_ops, s,
                          "pci-conf-data", 4);
}

char *pci_mr_owner(void *obj)
{
    DeviceState *dev = DEVICE(obj);
    char *path, *r;

    if (dev->id) {
        return xasprintf("dev id=%s", dev->id);
    }
    path = object_get_canonical_path(OBJECT(obj));
    r = xasprintf("dev path=%s", path);
    free(path);
    return r;
}

/* ---- Bus master address space ---- */

static void pci_bus_master_init(PCIDevice *d)
{
    char *owner = pci_mr_owner(d);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_init(&d->bus_master_container_region, owner,
                       "bus master container", UINT64_MAX);
    address_space_init(&d->bus_master_as, &d->bus_master_container_region,
                       d->name);
    memory_region_init_alias(&d->bus_master_enable_region, owner, "bus master",
                             sysmem, 0, memory_region_size(sysmem));
    memory_region_set_enabled(&d->bus_master_enable_region, false);
    memory_region_add_subregion(&d->bus_master_container_region, 0,
                                &d->bus_master_enable_region);
    d->bus_master_ready = true;
    free(owner);
}

static void pci_bus_master_update(PCIDevice *d)
{
    if (d->bus_master_ready) {
        memory_region_set_enabled(&d->bus_master_enable_region,
                                  pci_get_word(d->config + PCI_COMMAND) &
                                      PCI_COMMAND_MASTER);
    }
}

static void pci_bus_master_fini(PCIDevice *d)
{
    if (!d->bus_master_ready) {
        return;
    }
    memory_region_del_subregion(&d->bus_master_container_region,
                                &d->bus_master_enable_region);
    address_space_destroy(&d->bus_master_as);
    memory_region_finalize(&d->bus_master_enable_region);
    memory_region_finalize(&d->bus_master_container_region);
    d->bus_master_ready = false;
}

/* ---- Types ---- */

static const InterfaceInfo no_interfaces[] = { { NULL } };

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .instance_finalize = pci_bus_instance_finalize,
        .class_init = pci_bus_class_init,
    },
    {
        .name = INTERFACE_CONVENTIONAL_PCI_DEVICE,
        .parent = TYPE_INTERFACE,
    },
    {
        .name = INTERFACE_PCIE_DEVICE,
        .parent = TYPE_INTERFACE,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .instance_init = pci_device_instance_init,
        .abstract = true,
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
        .interfaces = no_interfaces,
    },
    {
        .name = TYPE_PCI_HOST_BRIDGE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIHostState),
        .abstract = true,
    },
};

void pci_register_types(void)
{
    type_register_static_array(pci_types,
                               sizeof(pci_types) / sizeof(pci_types[0]));
}

/* ---- Creating built-in devices ---- */

PCIDevice *pci_new_multifunction(int devfn, bool multifunction,
                                 const char *type)
{
    PCIDevice *d = PCI_DEVICE(qdev_new(type));

    d->devfn = devfn;
    d->multifunction = multifunction;
    return d;
}

PCIDevice *pci_new(int devfn, const char *type)
{
    return pci_new_multifunction(devfn, false, type);
}

bool pci_realize_and_unref(PCIDevice *dev, PCIBus *bus, Error **errp)
{
    return qdev_realize_and_unref(DEVICE(dev), BUS(bus), errp);
}

PCIDevice *pci_create_simple_multifunction(PCIBus *bus, int devfn,
                                           bool multifunction, const char *type)
{
    PCIDevice *d = pci_new_multifunction(devfn, multifunction, type);
    Error *err = NULL;

    if (!pci_realize_and_unref(d, bus, &err)) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        abort();
    }
    return d;
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type)
{
    return pci_create_simple_multifunction(bus, devfn, false, type);
}
