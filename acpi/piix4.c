/*
 * PIIX4 power management function (see acpi/piix4.h).  Register values and
 * side effects are those observed on QEMU 7.2's pc machine.
 */
#include "acpi/piix4.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/cpuhp.h"
#include "acpi/memhp.h"
#include "acpi/pcihp.h"

#include "src/dimm.h"
#include "src/runstate.h"
#include "src/util.h"

/* Config registers. */
#define PIIX4_PMBA 0x40 /* PM I/O base, 4 bytes */
#define PIIX4_PMBA_MASK 0xffc0u
#define PIIX4_PMBA_RESET 0x01 /* bit 0: I/O space indicator */
#define PIIX4_DEVACTB 0x58 /* 0x58-0x5b */
#define PIIX4_DEVACTB_SMM 0x5b
#define PIIX4_SMM_DONE 0x02 /* 0x5b bit 1 */
#define PIIX4_DEVRESD_HI 0x5f
#define PIIX4_DEVRESD_LPT 0x80
#define PIIX4_DEVRESD_DEFAULT 0x10
#define PIIX4_DEVRESE_HI 0x63
#define PIIX4_DEVRESE_DEFAULT 0x60
#define PIIX4_DEVRESF_HI 0x67
#define PIIX4_DEVRESF_COM1 0x08
#define PIIX4_DEVRESF_COM2 0x90
#define PIIX4_PMREGMISC 0x80 /* bit 0: PM I/O enable */
#define PIIX4_PMIOSE 0x01
#define PIIX4_SMBBA 0x90 /* SMBus I/O base, 4 bytes */
#define PIIX4_SMBHSTCFG 0xd2 /* bit 0: SMBus host enable */
#define PIIX4_SMBHSTCFG_RESET 0x09
#define PIIX4_SMB_HST_EN 0x01

/* ISA ports whose presence 0x5f/0x67 report. */
#define ISA_LPT1_PORT 0x378
#define ISA_COM1_PORT 0x3f8
#define ISA_COM2_PORT 0x2f8

/* PM I/O block. */
#define PIIX4_PM_IO_LEN 64

/* APM commands. */
#define APM_ACPI_ENABLE 0xf1
#define APM_ACPI_DISABLE 0xf0
#define APM_IO_LEN 2
#define APM_CNT 0
#define APM_STS 1

/* SMBus host registers. */
#define SMB_IO_LEN 64
#define SMBHSTSTS 0x00
#define SMBHSTCNT 0x02
#define SMBHSTCMD 0x03
#define SMBHSTADD 0x04
#define SMBHSTDAT0 0x05
#define SMBHSTDAT1 0x06
#define SMBBLKDAT 0x07
#define SMBAUXCTL 0x0d
#define SMB_HSTCNT_START 0x40
#define SMB_AUXCTL_MASK 0x03
#define SMB_AUX_BLK 0x02 /* forced on for PIIX4 */

struct PIIX4PMState {
    PCIDevice parent_obj;

    MemoryRegion io; /* "piix4-pm" container at PMBA */
    uint32_t io_base;
    MemoryRegion io_gpe;
    AcpiRegs ar;
    qemu_irq irq;
    qemu_irq smi_irq;

    MemoryRegion apm_io;
    uint8_t apmc;
    uint8_t apms;

    MemoryRegion smb_io;
    uint32_t smb_io_base; /* property smb_io_base */
    uint8_t smb_stat, smb_ctl, smb_cmd, smb_addr, smb_data0, smb_data1;
    uint8_t smb_blkdata, smb_auxctl;

    AcpiCpuHotplug cpuhp; /* at 0xaf00 (acpi/cpuhp.c) */
    const PCCpus *cpus; /* the machine's CPU slots */

    /* Properties. */
    bool use_acpi_hotplug_bridge;
    bool use_acpi_root_pci_hotplug;
    bool smm_enabled;
    bool smm_compat;
    bool not_migrate_acpi_index;
    bool memory_hotplug_support;
    uint8_t disable_s3;
    uint8_t disable_s4;
    uint8_t s4_val;

    AcpiPciHpState *pcihp; /* ACPI PCI hotplug; NULL: disabled */
    MemHotplugState *memhp; /* ACPI memory hotplug (acpi/memhp.c) */
};

OBJECT_DECLARE_CASTS(PIIX4PMState, PCIDeviceClass, PIIX4_PM, TYPE_PIIX4_PM)

/* Constant values shown as properties. */
static const uint8_t acpi_enable_cmd = APM_ACPI_ENABLE;
static const uint8_t acpi_disable_cmd = APM_ACPI_DISABLE;
static const uint32_t gpe0_blk = PIIX4_GPE0_BASE;
static const uint32_t gpe0_blk_len = PIIX4_GPE0_LEN;
static const uint16_t sci_int = PIIX4_SCI_INT;

static PIIX4PMState *state_of(AcpiRegs *ar)
{
    return (PIIX4PMState *)((char *)ar - offsetof(PIIX4PMState, ar));
}

static void pm_update_sci(AcpiRegs *ar)
{
    PIIX4PMState *s = state_of(ar);

    acpi_update_sci(&s->ar, s->irq);
}

/* ---- Mappings that follow config space ---- */

static void pm_io_space_update(PIIX4PMState *s)
{
    uint8_t *conf = s->parent_obj.config;

    s->io_base = pci_get_long(conf + PIIX4_PMBA) & PIIX4_PMBA_MASK;
    memory_region_transaction_begin();
    memory_region_set_enabled(&s->io, conf[PIIX4_PMREGMISC] & PIIX4_PMIOSE);
    memory_region_set_address(&s->io, s->io_base);
    memory_region_transaction_commit();
}

static void smbus_io_space_update(PIIX4PMState *s)
{
    uint8_t *conf = s->parent_obj.config;

    s->smb_io_base = pci_get_long(conf + PIIX4_SMBBA) & PIIX4_PMBA_MASK;
    memory_region_transaction_begin();
    memory_region_set_enabled(&s->smb_io,
                              conf[PIIX4_SMBHSTCFG] & PIIX4_SMB_HST_EN);
    memory_region_set_address(&s->smb_io, s->smb_io_base);
    memory_region_transaction_commit();
}

static bool write_touches(uint32_t addr, int len, uint32_t start, uint32_t n)
{
    return addr < start + n && start < addr + (uint32_t)len;
}

static void piix4_pm_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                  int len)
{
    PIIX4PMState *s = PIIX4_PM(d);

    pci_default_write_config(d, addr, val, len);
    if (write_touches(addr, len, PIIX4_PMREGMISC, 1) ||
        write_touches(addr, len, PIIX4_PMBA, 4)) {
        pm_io_space_update(s);
    }
    if (write_touches(addr, len, PIIX4_SMBHSTCFG, 1) ||
        write_touches(addr, len, PIIX4_SMBBA, 4)) {
        smbus_io_space_update(s);
    }
}

/* ---- APM control/status (0xb2/0xb3) ---- */

static void apm_command(PIIX4PMState *s, uint8_t cmd)
{
    acpi_pm1_cnt_update(&s->ar, cmd == APM_ACPI_ENABLE,
                        cmd == APM_ACPI_DISABLE);
    if (cmd == APM_ACPI_ENABLE || cmd == APM_ACPI_DISABLE) {
        return;
    }
    if (s->parent_obj.config[PIIX4_DEVACTB_SMM] & PIIX4_SMM_DONE) {
        qemu_irq_raise(s->smi_irq);
    }
}

static uint64_t apm_read(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    (void)size;
    /* Only bit 0 decodes: a wide access repeats the pair. */
    return (addr & 1) == APM_CNT ? s->apmc : s->apms;
}

static void apm_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    (void)size;
    if ((addr & 1) == APM_CNT) {
        s->apmc = (uint8_t)val;
        apm_command(s, (uint8_t)val);
    } else {
        s->apms = (uint8_t)val;
    }
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- GPE0 (0xafe0) ---- */

static uint64_t gpe_read(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    (void)size;
    return acpi_gpe_ioport_readb(&s->ar, (uint32_t)addr);
}

static void gpe_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    (void)size;
    acpi_gpe_ioport_writeb(&s->ar, (uint32_t)addr, (uint32_t)val);
    acpi_update_sci(&s->ar, s->irq);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read,
    .write = gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- SMBus host registers (no transactions are carried out) ---- */

static uint64_t smb_read(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    (void)size;
    switch (addr) {
    case SMBHSTSTS:
        return s->smb_stat;
    case SMBHSTCNT:
        return s->smb_ctl & (uint8_t)~SMB_HSTCNT_START;
    case SMBHSTCMD:
        return s->smb_cmd;
    case SMBHSTADD:
        return s->smb_addr;
    case SMBHSTDAT0:
        return s->smb_data0;
    case SMBHSTDAT1:
        return s->smb_data1;
    case SMBBLKDAT:
        return s->smb_blkdata;
    case SMBAUXCTL:
        return s->smb_auxctl;
    default:
        return 0;
    }
}

static void smb_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;
    uint8_t v = (uint8_t)val;

    (void)size;
    switch (addr) {
    case SMBHSTSTS:
        s->smb_stat &= (uint8_t)~v;
        break;
    case SMBHSTCNT:
        s->smb_ctl = v;
        break;
    case SMBHSTCMD:
        s->smb_cmd = v;
        break;
    case SMBHSTADD:
        s->smb_addr = v;
        break;
    case SMBHSTDAT0:
        s->smb_data0 = v;
        break;
    case SMBHSTDAT1:
        s->smb_data1 = v;
        break;
    case SMBBLKDAT:
        s->smb_blkdata = v;
        break;
    case SMBAUXCTL:
        s->smb_auxctl = (v & SMB_AUXCTL_MASK) | SMB_AUX_BLK;
        break;
    default:
        break;
    }
}

static const MemoryRegionOps smb_ops = {
    .read = smb_read,
    .write = smb_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void smb_reset(PIIX4PMState *s)
{
    s->smb_stat = 0;
    s->smb_ctl = 0;
    s->smb_cmd = 0;
    s->smb_addr = 0;
    s->smb_data0 = 0;
    s->smb_data1 = 0;
    s->smb_blkdata = 0;
    s->smb_auxctl = SMB_AUX_BLK;
}

/* ---- CPU hotplug (0xaf00, acpi/cpuhp.c) ---- */

static bool get_cpu_hotplug_legacy(Object *obj, Error **errp)
{
    (void)errp;
    return acpi_cpuhp_is_legacy(&PIIX4_PM(obj)->cpuhp);
}

static bool set_cpu_hotplug_legacy(Object *obj, bool value, Error **errp)
{
    (void)errp;
    acpi_cpuhp_set_legacy(&PIIX4_PM(obj)->cpuhp, value);
    return true;
}

static void piix4_cpuhp_notify(void *opaque)
{
    piix4_send_gpe(opaque, PIIX4_GPE_CPU_HOTPLUG);
}

/* The guest's eject (control bit 3): QEMU's hotplug_handler_unplug and
 * object_unparent, i.e. qdev_remove. */
static void piix4_cpuhp_eject(void *opaque, CPUState *cpu)
{
    (void)opaque;
    qdev_remove(DEVICE(cpu), NULL);
}

/* ---- Device ---- */

static void piix4_pm_powerdown(void *opaque)
{
    piix4_pm_power_button(opaque);
}

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);
    uint8_t *conf = s->parent_obj.config;

    memset(conf + PIIX4_DEVACTB, 0, 4);
    conf[PIIX4_PMBA] = PIIX4_PMBA_RESET;
    conf[PIIX4_PMREGMISC] = 0;
    if (!s->smm_enabled) {
        /* SMM counts as already set up, so APM never raises an SMI. */
        conf[PIIX4_DEVACTB_SMM] = PIIX4_SMM_DONE;
    }
    acpi_pm1_evt_reset(&s->ar);
    acpi_pm1_cnt_reset(&s->ar);
    acpi_pm_tmr_reset(&s->ar);
    acpi_gpe_reset(&s->ar);
    acpi_update_sci(&s->ar, s->irq);
    pm_io_space_update(s);
    /* As QEMU's PIIX4 reset ends: the PCI hotplug state. */
    if (s->pcihp) {
        acpi_pcihp_reset(s->pcihp);
    }
}

/* ---- Hotplug handler (of the PM's PCI bus) ---- */

static bool is_pci(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE) != NULL;
}

static bool piix4_device_pre_plug(HotplugHandler *h, DeviceState *dev,
                                  Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(h);

    if (!is_pci(dev)) {
        error_setg(errp,
                   "acpi: device pre plug request for not supported"
                   " device type: %s",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    return !s->pcihp || acpi_pcihp_device_pre_plug(s->pcihp, dev, errp);
}

static bool is_dimm(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_PC_DIMM) != NULL;
}

static bool is_cpu(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_CPU) != NULL;
}

static bool piix4_device_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(h);

    (void)errp;
    if (is_cpu(dev)) {
        acpi_cpuhp_plug(&s->cpuhp, CPU(dev));
        return true;
    }
    if (is_dimm(dev)) {
        PCDIMMDevice *dimm = PC_DIMM(dev);

        /* Only hotpluggable devices get a slot (pc-dimm always is one). */
        if (s->memhp && DEVICE_GET_CLASS(dev)->hotpluggable) {
            acpi_memhp_plug(s->memhp, dev, dimm->slot, dimm->addr,
                            dimm_size(dimm), dimm->node, dev->hotplugged, NULL);
        }
        return true;
    }
    if (s->pcihp && is_pci(dev)) {
        acpi_pcihp_device_plug(s->pcihp, dev);
    }
    return true;
}

static bool piix4_device_unplug_request(HotplugHandler *h, DeviceState *dev,
                                        Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(h);

    if (is_cpu(dev)) {
        return acpi_cpuhp_unplug_request(&s->cpuhp, CPU(dev), errp);
    }
    if (is_dimm(dev)) {
        return !s->memhp || acpi_memhp_unplug_request(s->memhp, dev,
                                                      PC_DIMM(dev)->slot, errp);
    }
    if (!s->pcihp || !is_pci(dev)) {
        error_setg(errp,
                   "acpi: device unplug request for not supported"
                   " device type: %s",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    return acpi_pcihp_device_unplug_request(s->pcihp, dev, errp);
}

static bool piix4_device_unplug(HotplugHandler *h, DeviceState *dev,
                                Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(h);

    if (is_cpu(dev)) {
        return acpi_cpuhp_unplug(&s->cpuhp, CPU(dev), errp);
    }
    if (is_dimm(dev)) {
        if (s->memhp) {
            acpi_memhp_unplug(s->memhp, dev, PC_DIMM(dev)->slot, NULL);
        }
        return true;
    }
    if (!s->pcihp || !is_pci(dev)) {
        error_setg(errp,
                   "acpi: device unplug for not supported device"
                   " type: %s",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    acpi_pcihp_device_unplug(s->pcihp, dev);
    return true;
}

static bool piix4_pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(d);
    MemoryRegion *io_as = pci_get_bus(d)->address_space_io;
    uint8_t *conf = d->config;
    char *owner = pci_mr_owner(d);

    (void)errp;
    conf[PCI_STATUS] = PCI_STATUS_FAST_BACK;
    conf[PCI_STATUS + 1] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
    conf[PCI_CLASS_PROG] = 0x00;
    conf[PCI_INTERRUPT_PIN] = 0x01;

    memory_region_init_io(&s->apm_io, owner, &apm_ops, s, "apm-io", APM_IO_LEN);
    memory_region_add_subregion(io_as, PIIX4_APM_CNT_IOPORT, &s->apm_io);

    if (!s->smm_enabled) {
        conf[PIIX4_DEVACTB_SMM] = PIIX4_SMM_DONE;
    }

    pci_set_long(conf + PIIX4_SMBBA, s->smb_io_base | 1);
    conf[PIIX4_SMBBA + 2] = 0;
    conf[PIIX4_SMBBA + 3] = 0;
    conf[PIIX4_SMBHSTCFG] = PIIX4_SMBHSTCFG_RESET;
    smb_reset(s);
    memory_region_init_io(&s->smb_io, owner, &smb_ops, s, "pm-smbus",
                          SMB_IO_LEN);
    memory_region_set_enabled(&s->smb_io,
                              conf[PIIX4_SMBHSTCFG] & PIIX4_SMB_HST_EN);
    memory_region_add_subregion(io_as, s->smb_io_base, &s->smb_io);

    memory_region_init(&s->io, owner, "piix4-pm", PIIX4_PM_IO_LEN);
    memory_region_set_enabled(&s->io, false);
    memory_region_add_subregion(io_as, 0, &s->io);

    acpi_pm_tmr_init(&s->ar, pm_update_sci, &s->io);
    acpi_pm1_evt_init(&s->ar, pm_update_sci, &s->io);
    acpi_pm1_cnt_init(&s->ar, &s->io, s->s4_val);
    acpi_gpe_init(&s->ar, PIIX4_GPE0_LEN);

    runstate_add_powerdown_hook(piix4_pm_powerdown, s);

    memory_region_init_io(&s->io_gpe, owner, &gpe_ops, s, "acpi-gpe0",
                          PIIX4_GPE0_LEN);
    memory_region_add_subregion(io_as, PIIX4_GPE0_BASE, &s->io_gpe);
    free(owner);

    owner = pci_mr_owner(s);
    acpi_cpuhp_init(&s->cpuhp, owner, io_as, PIIX4_CPU_HOTPLUG_IO_BASE, s->cpus,
                    piix4_cpuhp_notify, piix4_cpuhp_eject, s);
    free(owner);
    object_property_add_bool(OBJECT(s), "cpu-hotplug-legacy",
                             get_cpu_hotplug_legacy, set_cpu_hotplug_legacy);

    object_property_add_uint8_ptr(OBJECT(s), "acpi_enable_cmd",
                                  &acpi_enable_cmd);
    object_property_add_uint8_ptr(OBJECT(s), "acpi_disable_cmd",
                                  &acpi_disable_cmd);
    object_property_add_uint32_ptr(OBJECT(s), "gpe0_blk", &gpe0_blk);
    object_property_add_uint32_ptr(OBJECT(s), "gpe0_blk_len", &gpe0_blk_len);
    object_property_add_uint16_ptr(OBJECT(s), "sci_int", &sci_int);
    object_property_add_uint32_ptr(OBJECT(s), "pm_io_base", &s->io_base);
    return true;
}

static void piix4_pm_exit(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);
    MemoryRegion *regions[] = { &s->apm_io, &s->smb_io, &s->io_gpe,
                                &s->cpuhp.io };
    size_t i;

    acpi_regs_fini(&s->ar);
    memory_region_del_subregion(memory_region_get_container(&s->io), &s->io);
    memory_region_finalize(&s->io);
    for (i = 0; i < ARRAY_SIZE(regions); i++) {
        memory_region_del_subregion(memory_region_get_container(regions[i]),
                                    regions[i]);
        memory_region_finalize(regions[i]);
    }
    acpi_cpuhp_fini(&s->cpuhp);
    acpi_memhp_free(s->memhp);
    s->memhp = NULL;
}

static const Property piix4_pm_properties[] = {
    DEFINE_PROP_UINT32("smb_io_base", PIIX4PMState, smb_io_base, 0),
    DEFINE_PROP_UINT8("disable_s3", PIIX4PMState, disable_s3, 0),
    DEFINE_PROP_UINT8("disable_s4", PIIX4PMState, disable_s4, 0),
    DEFINE_PROP_UINT8("s4_val", PIIX4PMState, s4_val, 2),
    DEFINE_PROP_BOOL("acpi-pci-hotplug-with-bridge-support", PIIX4PMState,
                     use_acpi_hotplug_bridge, true),
    DEFINE_PROP_BOOL("acpi-root-pci-hotplug", PIIX4PMState,
                     use_acpi_root_pci_hotplug, true),
    DEFINE_PROP_BOOL("memory-hotplug-support", PIIX4PMState,
                     memory_hotplug_support, true),
    DEFINE_PROP_BOOL("smm-compat", PIIX4PMState, smm_compat, false),
    DEFINE_PROP_BOOL("smm-enabled", PIIX4PMState, smm_enabled, false),
    DEFINE_PROP_BOOL("x-not-migrate-acpi-index", PIIX4PMState,
                     not_migrate_acpi_index, false),
    DEFINE_PROP_END_OF_LIST(),
};

/*
 * The SCI and SMI outputs, as QEMU's instance_init declares them
 * (qdev_init_gpio_out and "smi-irq"): link<irq> properties.  qmachined's
 * interrupt lines are not QOM objects, so a link reads as "" where QEMU
 * names its /machine/unattached/non-qdev-gpio[N] (tests/diff/pending/
 * qom-pc.qmp).
 */
static json_t *gpio_link_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)obj;
    (void)prop;
    (void)errp;
    return json_text("");
}

static void piix4_pm_instance_init(Object *obj)
{
    object_property_add(obj, "unnamed-gpio-out[0]", "link<irq>", gpio_link_get,
                        NULL, NULL, NULL);
    object_property_add(obj, "smi-irq[0]", "link<irq>", gpio_link_get, NULL,
                        NULL, NULL);
}

static void piix4_pm_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(klass);

    (void)data;
    k->realize = piix4_pm_realize;
    k->exit = piix4_pm_exit;
    k->config_write = piix4_pm_write_config;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = PIIX4_PM_DEVICE_ID;
    k->revision = PIIX4_PM_REVISION;
    k->class_id = PCI_CLASS_BRIDGE_OTHER;
    dc->reset = piix4_pm_reset;
    dc->desc = "PM";
    dc->user_creatable = false;
    dc->hotpluggable = false;
    device_class_set_props(dc, piix4_pm_properties);
    hc->pre_plug = piix4_device_pre_plug;
    hc->plug = piix4_device_plug;
    hc->unplug_request = piix4_device_unplug_request;
    hc->unplug = piix4_device_unplug;
}

static const InterfaceInfo piix4_pm_interfaces[] = {
    { TYPE_HOTPLUG_HANDLER }, { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo piix4_pm_type = {
    .name = TYPE_PIIX4_PM,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX4PMState),
    .instance_init = piix4_pm_instance_init,
    .class_init = piix4_pm_class_init,
    .interfaces = piix4_pm_interfaces,
};

void piix4_pm_register_types(void)
{
    type_register_static(&piix4_pm_type);
}

/* ---- Machine interface ---- */

PIIX4PMState *piix4_pm_init(PCIBus *bus, int devfn, uint32_t smb_io_base,
                            qemu_irq sci_irq, qemu_irq smi_irq,
                            bool smm_enabled, const PCCpus *cpus)
{
    PCIDevice *d = pci_new(devfn, TYPE_PIIX4_PM);
    PIIX4PMState *s = PIIX4_PM(d);

    object_property_set_uint(OBJECT(d), "smb_io_base", smb_io_base, NULL);
    object_property_set_bool(OBJECT(d), "smm-enabled", smm_enabled, NULL);
    s->irq = sci_irq;
    s->smi_irq = smi_irq;
    s->cpus = cpus;
    if (!pci_realize_and_unref(d, bus, NULL)) {
        abort();
    }
    piix4_pm_reset(DEVICE(d));
    return s;
}

static bool io_port_present(uint16_t port)
{
    MemoryRegionSection section;

    /* The "io" root answers everywhere; only a device counts. */
    return address_space_translate(&address_space_io, port, &section) &&
           section.mr != NULL && section.mr != get_system_io();
}

void piix4_pm_machine_ready(PIIX4PMState *s)
{
    uint8_t *conf = s->parent_obj.config;

    conf[PIIX4_DEVRESD_HI] =
        PIIX4_DEVRESD_DEFAULT |
        (io_port_present(ISA_LPT1_PORT) ? PIIX4_DEVRESD_LPT : 0);
    conf[PIIX4_DEVRESE_HI] = PIIX4_DEVRESE_DEFAULT;
    conf[PIIX4_DEVRESF_HI] =
        (io_port_present(ISA_COM1_PORT) ? PIIX4_DEVRESF_COM1 : 0) |
        (io_port_present(ISA_COM2_PORT) ? PIIX4_DEVRESF_COM2 : 0);
}

void piix4_send_gpe(PIIX4PMState *s, uint8_t bits)
{
    acpi_send_gpe_event(&s->ar, s->irq, bits);
}

void piix4_pm_power_button(PIIX4PMState *s)
{
    acpi_pm1_evt_power_down(&s->ar);
}

void piix4_pm_set_pcihp(PIIX4PMState *s, AcpiPciHpState *hp)
{
    assert(!s->pcihp);
    s->pcihp = hp;
}

AcpiPciHpState *piix4_pm_get_pcihp(const PIIX4PMState *s)
{
    return s->pcihp;
}

PCIDevice *piix4_pm_pci_device(PIIX4PMState *s)
{
    return &s->parent_obj;
}

AcpiRegs *piix4_pm_acpi_regs(PIIX4PMState *s)
{
    return &s->ar;
}

uint32_t piix4_pm_io_base(const PIIX4PMState *s)
{
    return s->io_base;
}

bool piix4_pm_cpu_hotplug_legacy(const PIIX4PMState *s)
{
    return acpi_cpuhp_is_legacy(&s->cpuhp);
}

/* ---- ACPI PCI hotplug at 0xae00 (acpi/pcihp.c) ---- */

AcpiPciHpState *piix4_pcihp_get(PIIX4PMState *pm)
{
    return pm ? piix4_pm_get_pcihp(pm) : NULL;
}

static void piix4_hp_event(void *opaque)
{
    piix4_send_gpe(opaque, PIIX4_GPE_PCI_HOTPLUG);
}

AcpiPciHpState *piix4_pcihp_init(PIIX4PMState *pm)
{
    Object *obj = OBJECT(pm);
    PCIBus *bus = pci_get_bus(piix4_pm_pci_device(pm));
    bool bridges = object_property_get_bool(
        obj, "acpi-pci-hotplug-with-bridge-support", NULL);
    bool root = object_property_get_bool(obj, "acpi-root-pci-hotplug", NULL);
    AcpiPciHpState *hp;

    if (!bridges && !root) {
        return NULL;
    }
    if (piix4_pcihp_get(pm)) {
        return piix4_pcihp_get(pm);
    }
    /* With root hotplug off the bus ends up without a handler, so that
     * device_add and device_del on it fail as "does not support
     * hotplugging". */
    if (root) {
        qbus_set_hotplug_handler(&bus->qbus, obj);
    }
    hp = acpi_pcihp_new(obj, bus, bus->address_space_io, ACPI_PCIHP_ADDR_PIIX4,
                        bridges, root, piix4_hp_event, pm);
    piix4_pm_set_pcihp(pm, hp);
    return hp;
}

/* ---- ACPI memory hotplug at 0x0a00 (acpi/memhp.c) ---- */

static void piix4_memhp_notify(void *opaque)
{
    piix4_send_gpe(opaque, PIIX4_GPE_MEM_HOTPLUG);
}

static bool piix4_memhp_eject(void *opaque, DeviceState *dev, Error **errp)
{
    (void)opaque;
    return dimm_eject(PC_DIMM(dev), errp);
}

MemHotplugState *piix4_memhp_init(PIIX4PMState *pm, unsigned slots)
{
    PCIDevice *d = piix4_pm_pci_device(pm);
    char *owner = pci_mr_owner(d);

    acpi_memhp_free(pm->memhp);
    pm->memhp = acpi_memhp_new(pci_get_bus(d)->address_space_io, owner, slots,
                               piix4_memhp_notify, piix4_memhp_eject, pm);
    free(owner);
    return pm->memhp;
}

bool piix4_pm_acpi_info(Piix4AcpiInfo *info)
{
    Object *obj = object_resolve_path_type("", TYPE_PIIX4_PM, NULL);
    PIIX4PMState *pm = obj ? PIIX4_PM(obj) : NULL;

    if (!pm) {
        return false;
    }
    info->pm1_sts = pm->ar.evt.sts;
    info->pm1_en = pm->ar.evt.en;
    info->pm1_cnt = pm->ar.cnt.cnt;
    info->gpe0_sts = (uint16_t)(pm->ar.gpe.sts[0] | pm->ar.gpe.sts[1] << 8);
    info->gpe0_en = (uint16_t)(pm->ar.gpe.en[0] | pm->ar.gpe.en[1] << 8);
    info->sci = acpi_sci_level(&pm->ar);
    return true;
}

bool piix4_pm_ospm_status(AcpiOstInfoFn *fn, void *opaque, Error **errp)
{
    Object *obj = object_resolve_path_type("", TYPE_PIIX4_PM, NULL);
    PIIX4PMState *pm = obj ? PIIX4_PM(obj) : NULL;
    AcpiOstInfo info;
    unsigned i;

    if (!pm || !pm->memhp) {
        error_setg(errp, "command is not supported, missing ACPI device");
        return false;
    }
    for (i = 0; acpi_memhp_slot_ost(pm->memhp, i, &info); i++) {
        fn(opaque, &info);
    }
    /* The modern CPU hotplug interface reports every possible CPU. */
    for (i = 0; acpi_cpuhp_slot_ost(&pm->cpuhp, i, &info); i++) {
        fn(opaque, &info);
    }
    return true;
}
