/*
 * i440FX PMC: the host bridge object with configuration mechanism #1 and
 * the root bus, and PCI function 00:00.0 with the PAM (0x59-0x5f) and
 * SMRAM (0x72) registers steering the legacy 0xa0000-0xfffff window.
 */
#include <stdlib.h>

#include "src/i440fx.h"
#include "src/util.h"

/* Config registers of 00:00.0. */
#define I440FX_RAM_SIZE_REG 0x57 /* coreboot's RAM size in 8 MiB units */
#define I440FX_PAM 0x59
#define I440FX_PAM_SIZE 7
#define I440FX_SMRAM 0x72

/* SMRAM register bits. */
#define SMRAM_G_SMRAME 0x08
#define SMRAM_D_OPEN 0x40
#define SMRAM_DEFAULT 0x02 /* C_BASE_SEG: 0xa0000 */

/* Windows. */
#define SMRAM_C_BASE 0xa0000
#define SMRAM_C_SIZE 0x20000
#define PAM_BIOS_BASE 0xf0000
#define PAM_BIOS_SIZE 0x10000
#define PAM_EXPAN_BASE 0xc0000
#define PAM_EXPAN_SIZE 0x4000
#define PAM_REGIONS 13
#define PAM_ATTR_MASK 0x3

#define CONF_IDX_PORT 0xcf8
#define CONF_DATA_PORT 0xcfc
#define IO_APIC_DEFAULT_ADDRESS 0xfec00000u

/* The four views of one PAM window, indexed by the 2-bit attribute. */
typedef struct PAMRegion {
    MemoryRegion alias[4]; /* 0 PCI, 1 read-only RAM, 2 write-only, 3 RAM */
    unsigned current;
} PAMRegion;

typedef struct I440FXHost {
    PCIHostState parent_obj;
    MemoryRegion *system_memory;
    MemoryRegion *io_memory;
    MemoryRegion *pci_address_space;
    MemoryRegion *ram_memory;
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    uint64_t pci_hole64_size;
    bool pci_hole64_fix;
} I440FXHost;

typedef struct I440FXDev {
    PCIDevice parent_obj;
    MemoryRegion smram_region;
    MemoryRegion smram;
    MemoryRegion low_smram;
    PAMRegion pam[PAM_REGIONS];
    bool windows_ready;
} I440FXDev;

OBJECT_DECLARE_CASTS(I440FXHost, DeviceClass, I440FX_HOST,
                     TYPE_I440FX_PCI_HOST_BRIDGE)
OBJECT_DECLARE_CASTS(I440FXDev, PCIDeviceClass, I440FX_DEV,
                     TYPE_I440FX_PCI_DEVICE)

static MemoryRegion pci_memory;
static bool pci_memory_ready;
static I440FXDev *the_dev;

MemoryRegion *i440fx_pci_memory(void)
{
    if (!pci_memory_ready) {
        memory_region_init(&pci_memory, NULL, "pci", UINT64_MAX);
        pci_memory_ready = true;
    }
    return &pci_memory;
}

MemoryRegion *i440fx_smram(void)
{
    return the_dev && the_dev->windows_ready ? &the_dev->smram : NULL;
}

/* ---- PAM / SMRAM ---- */

static void pam_init(PAMRegion *p, const char *owner, MemoryRegion *ram,
                     MemoryRegion *sysmem, MemoryRegion *pci, uint64_t start,
                     uint64_t size)
{
    int i;

    memory_region_init_alias(&p->alias[3], owner, "pam-ram", ram, start, size);
    memory_region_init_alias(&p->alias[1], owner, "pam-rom", ram, start, size);
    memory_region_set_readonly(&p->alias[1], true);
    memory_region_init_alias(&p->alias[0], owner, "pam-pci", pci, start, size);
    memory_region_init_alias(&p->alias[2], owner, "pam-pci", ram, start, size);
    memory_region_transaction_begin();
    for (i = 0; i < 4; i++) {
        memory_region_set_enabled(&p->alias[i], false);
        memory_region_add_subregion_overlap(sysmem, start, &p->alias[i], 1);
    }
    memory_region_transaction_commit();
    p->current = 0;
}

/* PAM window idx takes the high nibble of its register for even idx. */
static void pam_update(PAMRegion *p, int idx, uint8_t val)
{
    memory_region_set_enabled(&p->alias[p->current], false);
    p->current = (val >> ((idx & 1) ? 0 : 4)) & PAM_ATTR_MASK;
    memory_region_set_enabled(&p->alias[p->current], true);
}

static void i440fx_update_memory_mappings(I440FXDev *f)
{
    PCIDevice *d = &f->parent_obj;
    int i;

    if (!f->windows_ready) {
        return;
    }
    memory_region_transaction_begin();
    for (i = 0; i < PAM_REGIONS; i++) {
        pam_update(&f->pam[i], i, d->config[I440FX_PAM + (i + 1) / 2]);
    }
    memory_region_set_enabled(&f->smram_region,
                              !(d->config[I440FX_SMRAM] & SMRAM_D_OPEN));
    memory_region_set_enabled(&f->smram,
                              d->config[I440FX_SMRAM] & SMRAM_G_SMRAME);
    memory_region_transaction_commit();
}

static void i440fx_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                int len)
{
    pci_default_write_config(d, addr, val, len);
    if ((addr < I440FX_PAM + I440FX_PAM_SIZE &&
         addr + (uint32_t)len > I440FX_PAM) ||
        (addr <= I440FX_SMRAM && addr + (uint32_t)len > I440FX_SMRAM)) {
        i440fx_update_memory_mappings(I440FX_DEV(d));
    }
}

static bool i440fx_realize(PCIDevice *d, Error **errp)
{
    (void)errp;
    d->config[I440FX_SMRAM] = SMRAM_DEFAULT;
    return true;
}

static void i440fx_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = i440fx_realize;
    k->config_write = i440fx_write_config;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = 0x1237; /* 82441 */
    k->revision = 0x02;
    k->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->desc = "Host bridge";
    dc->user_creatable = false;
    dc->hotpluggable = false;
}

/* ---- Host bridge object ---- */

static bool i440fx_host_realize(DeviceState *dev, Error **errp)
{
    I440FXHost *s = I440FX_HOST(dev);
    PCIHostState *phb = &s->parent_obj;

    (void)errp;
    pci_host_init_conf_regions(phb);
    memory_region_add_subregion(s->io_memory, CONF_IDX_PORT, &phb->conf_mem);
    memory_region_add_subregion(s->io_memory, CONF_DATA_PORT, &phb->data_mem);
    phb->bus =
        pci_root_bus_new(dev, "pci.0", s->pci_address_space, s->io_memory, 0);
    return true;
}

static void i440fx_host_instance_init(Object *obj)
{
    I440FXHost *s = I440FX_HOST(obj);

    s->pci_hole64_size = 1ULL << 31;
    s->pci_hole64_fix = true;
}

static json_t *hole_start_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)prop;
    (void)errp;
    return json_integer((json_int_t)I440FX_HOST(obj)->below_4g_mem_size);
}

static json_t *hole_end_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)obj;
    (void)prop;
    (void)errp;
    return json_integer(IO_APIC_DEFAULT_ADDRESS);
}

static const Property i440fx_host_props[] = {
    DEFINE_PROP_SIZE("pci-hole64-size", I440FXHost, pci_hole64_size,
                     1ULL << 31),
    DEFINE_PROP_SIZE("below-4g-mem-size", I440FXHost, below_4g_mem_size, 0),
    DEFINE_PROP_SIZE("above-4g-mem-size", I440FXHost, above_4g_mem_size, 0),
    DEFINE_PROP_BOOL("x-pci-hole64-fix", I440FXHost, pci_hole64_fix, true),
    DEFINE_PROP_END_OF_LIST()
};

static void i440fx_host_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = i440fx_host_realize;
    dc->fw_name = "pci";
    dc->user_creatable = false;
    device_class_set_props(dc, i440fx_host_props);
    object_class_property_add(klass, "pci-hole-start", "uint32", hole_start_get,
                              NULL, NULL, NULL);
    object_class_property_add(klass, "pci-hole-end", "uint32", hole_end_get,
                              NULL, NULL, NULL);
}

static const InterfaceInfo i440fx_interfaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo i440fx_types[] = {
    {
        .name = TYPE_I440FX_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(I440FXDev),
        .class_init = i440fx_class_init,
        .interfaces = i440fx_interfaces,
    },
    {
        .name = TYPE_I440FX_PCI_HOST_BRIDGE,
        .parent = TYPE_PCI_HOST_BRIDGE,
        .instance_size = sizeof(I440FXHost),
        .instance_init = i440fx_host_instance_init,
        .class_init = i440fx_host_class_init,
    },
};

void i440fx_register_types(void)
{
    type_register_static_array(i440fx_types, ARRAY_SIZE(i440fx_types));
}

/* ---- Assembly ---- */

PCIBus *i440fx_init(MemoryRegion *system_memory, MemoryRegion *system_io,
                    MemoryRegion *pci_mem, MemoryRegion *ram_memory,
                    uint64_t below_4g_mem_size, uint64_t above_4g_mem_size,
                    PCIDevice **pi440fx)
{
    DeviceState *dev = qdev_new(TYPE_I440FX_PCI_HOST_BRIDGE);
    I440FXHost *s = I440FX_HOST(dev);
    PCIHostState *phb = &s->parent_obj;
    Error *err = NULL;
    PCIDevice *d;
    I440FXDev *f;
    char *host_owner, *dev_owner;
    uint64_t ram_mb8;
    int i;

    s->system_memory = system_memory;
    s->io_memory = system_io;
    s->pci_address_space = pci_mem;
    s->ram_memory = ram_memory;
    s->below_4g_mem_size = below_4g_mem_size;
    s->above_4g_mem_size = above_4g_mem_size;
    object_property_add_child(qdev_get_machine(), "i440fx", OBJECT(dev));
    if (!qdev_realize_and_unref(dev, NULL, &err)) {
        abort();
    }

    d = pci_create_simple(phb->bus, 0, TYPE_I440FX_PCI_DEVICE);
    f = I440FX_DEV(d);
    the_dev = f;

    /* The PCI space behind RAM (pc_pci_as_mapping_init). */
    memory_region_add_subregion_overlap(system_memory, 0, pci_mem, -1);

    host_owner = pci_mr_owner(dev);
    dev_owner = pci_mr_owner(d);

    memory_region_init_alias(&f->smram_region, dev_owner, "smram-region",
                             pci_mem, SMRAM_C_BASE, SMRAM_C_SIZE);
    memory_region_add_subregion_overlap(system_memory, SMRAM_C_BASE,
                                        &f->smram_region, 1);
    memory_region_set_enabled(&f->smram_region, true);

    memory_region_init(&f->smram, dev_owner, "smram", 1ULL << 32);
    memory_region_set_enabled(&f->smram, true);
    memory_region_init_alias(&f->low_smram, dev_owner, "smram-low", ram_memory,
                             SMRAM_C_BASE, SMRAM_C_SIZE);
    memory_region_set_enabled(&f->low_smram, true);
    memory_region_add_subregion(&f->smram, SMRAM_C_BASE, &f->low_smram);

    pam_init(&f->pam[0], host_owner, ram_memory, system_memory, pci_mem,
             PAM_BIOS_BASE, PAM_BIOS_SIZE);
    for (i = 1; i < PAM_REGIONS; i++) {
        pam_init(&f->pam[i], host_owner, ram_memory, system_memory, pci_mem,
                 PAM_EXPAN_BASE + (uint64_t)(i - 1) * PAM_EXPAN_SIZE,
                 PAM_EXPAN_SIZE);
    }
    free(host_owner);
    free(dev_owner);

    ram_mb8 = (below_4g_mem_size + above_4g_mem_size) / 8 / 1024 / 1024;
    d->config[I440FX_RAM_SIZE_REG] = (uint8_t)(ram_mb8 > 255 ? 255 : ram_mb8);
    f->windows_ready = true;
    i440fx_update_memory_mappings(f);

    if (pi440fx) {
        *pi440fx = d;
    }
    return phb->bus;
}
