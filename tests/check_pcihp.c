/*
 * Unit tests: ACPI PCI hotplug on PIIX4 (acpi/pcihp.c).  Expected values
 * were read from QEMU 7.2 (-machine pc -nodefaults, paused, the guest's
 * accesses played through qtest).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "acpi/pcihp.h"
#include "acpi/piix4.h"
#include "qmp/qmp.h"
#include "src/i440fx.h"
#include "src/memory.h"
#include "src/pci.h"
#include "src/piix.h"

#define PIIX4_DEVFN PCI_DEVFN(1, 3)
#define HP_BASE 0xae00
#define GPE_STS 0xafe0
#define GPE_EN 0xafe2
#define TEST_PCI "test-pcihp-dev"
#define TEST_PCI_FIXED "test-pcihp-fixed"

static int sci_level = -1;
static PCIBus *bus;
static PIIX4PMState *pm;
/* One CPU slot with a vCPU present (APIC ID 0): bit 0 of 0xaf00. */
static CPUState one_cpu_state;
static PCCpuSlot one_cpu_slot = { .cpu = &one_cpu_state };
static const PCCpus one_cpu = { .n_slots = 1, .slots = &one_cpu_slot };
static AcpiPciHpState *hp;
static json_t *events;

static void sci_handler(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    sci_level = level;
}

static void on_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    json_t *msg = qmp_event_json(ev);

    (void)opaque;
    (void)name;
    json_array_append(events, msg);
}

static uint32_t in(uint16_t port, unsigned size)
{
    return (uint32_t)address_space_ld(&address_space_io, port, size);
}

static void out(uint16_t port, uint32_t val, unsigned size)
{
    address_space_st(&address_space_io, port, val, size);
}

static void test_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->vendor_id = 0x1234;
    k->device_id = 0x5678;
    k->class_id = PCI_CLASS_OTHERS;
}

static void fixed_class_init(ObjectClass *klass, void *data)
{
    test_class_init(klass, data);
    DEVICE_CLASS(klass)->hotpluggable = false;
}

static const InterfaceInfo test_ifaces[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL }
};

static const TypeInfo test_types[] = {
    {
        .name = TEST_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = test_class_init,
        .interfaces = test_ifaces,
    },
    {
        .name = TEST_PCI_FIXED,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = fixed_class_init,
        .interfaces = test_ifaces,
    },
};

static void setup(void)
{
    static MemoryRegion ram;
    Error *err = NULL;

    memory_init();
    ck_assert(qdev_machine_init("pc-i440fx-7.2-machine", &err));
    type_register_static_array(test_types, 2);
    memory_region_init_ram(&ram, NULL, "pc.ram", 128 << 20);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), i440fx_pci_memory(),
                      &ram, 128 << 20, 0, NULL);
    piix3_create(bus, PCI_DEVFN(1, 0), NULL);
    piix3_ide_create(bus, PCI_DEVFN(1, 1));
    pm = piix4_pm_init(bus, PIIX4_DEVFN, PIIX4_SMB_IO_BASE_DEFAULT,
                       qemu_allocate_irq(sci_handler, NULL, 0), NULL, true,
                       &one_cpu);
    hp = piix4_pcihp_init(pm);
    ck_assert_ptr_nonnull(hp);
    pci_bus_reset(bus);
    events = json_array();
    qmp_event_subscribe(on_event, NULL);
}

/* device_add / -device of a test device; NULL id: anonymous. */
static DeviceState *plug(const char *type, int devfn, const char *id,
                         Error **errp)
{
    DeviceState *dev = qdev_new(type);

    ck_assert(object_property_set_int(OBJECT(dev), "addr", devfn, NULL));
    if (id) {
        ck_assert_ptr_nonnull(qdev_set_id(dev, strdup(id), NULL));
    } else {
        ck_assert_ptr_nonnull(qdev_set_id(dev, NULL, NULL));
    }
    if (!qdev_realize_and_unref(dev, &bus->qbus, errp)) {
        return NULL;
    }
    return dev;
}

static const char *event_str(size_t i, const char *key)
{
    json_t *ev = json_array_get(events, i);

    if (!strcmp(key, "event")) {
        return json_string_value(json_object_get(ev, "event"));
    }
    return json_string_value(json_object_get(json_object_get(ev, "data"), key));
}

START_TEST(test_registers_at_start)
{
    setup();
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_EJ, 4), 0);
    /* i440FX (slot 0) and the PIIX functions (slot 1) stay. */
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0xfffffffc);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
    /* Only aligned dwords decode; past the block nothing answers. */
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 1), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 2), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV + 1, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SIZE, 4), 0xffffffff);
    ck_assert_uint_eq(
        object_property_get_uint(OBJECT(bus), ACPI_PCIHP_PROP_BSEL, NULL), 0);
    ck_assert_uint_eq(
        object_property_get_uint(OBJECT(pm), ACPI_PCIHP_IO_BASE_PROP, NULL),
        0xae00);
    ck_assert_uint_eq(
        object_property_get_uint(OBJECT(pm), ACPI_PCIHP_IO_LEN_PROP, NULL),
        0x18);
}
END_TEST

START_TEST(test_bus_select)
{
    setup();
    out(HP_BASE + ACPI_PCIHP_SEL, 1, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 1);
    /* A bsel without a bus: everything removable, nothing pending. */
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0xffffffff);
    out(HP_BASE + ACPI_PCIHP_SEL, 0xff, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 0xff);
    /* Out of range (256 and up, or negative): every register reads 0. */
    out(HP_BASE + ACPI_PCIHP_SEL, 0x100, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0);
    out(HP_BASE + ACPI_PCIHP_SEL, 0xffffffff, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 0);
    out(HP_BASE + ACPI_PCIHP_EJ, 0xffffffff, 4); /* ignored */
    out(HP_BASE + ACPI_PCIHP_SEL, 0, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0xfffffffc);
}
END_TEST

START_TEST(test_hotplug_and_eject)
{
    DeviceState *dev;
    Error *err = NULL;

    setup();
    out(GPE_EN, 0x02, 1);
    ck_assert_int_eq(sci_level, 0);

    /* Cold plug: no event. */
    ck_assert_ptr_nonnull(plug(TEST_PCI, PCI_DEVFN(2, 0), "c1", NULL));
    ck_assert_uint_eq(in(GPE_STS, 1), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0);

    qdev_set_hotplug_phase(true);
    dev = plug(TEST_PCI, PCI_DEVFN(3, 0), "b1", NULL);
    ck_assert_ptr_nonnull(dev);
    ck_assert_uint_eq(in(GPE_STS, 1), 0x02);
    ck_assert_int_eq(sci_level, 1);
    /* PCIU clears on read. */
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0x08);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0);
    /* RMV is only recomputed at reset. */
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0xfffffffc);

    out(GPE_STS, 0x02, 1);
    ck_assert_int_eq(sci_level, 0);
    ck_assert(qdev_unplug(dev, NULL));
    ck_assert_uint_eq(in(GPE_STS, 1), 0x02);
    ck_assert_int_eq(sci_level, 1);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0x08);
    ck_assert(!qdev_unplug(dev, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Device b1 is already in the process of unplug");
    error_free(err);
    err = NULL;

    /* The cold-plugged one too. */
    ck_assert(qdev_unplug(qdev_find_by_id("c1"), NULL));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0x0c);

    /* Eject with nothing to do: empty bitmap, a fixed slot, an empty
     * slot. */
    out(HP_BASE + ACPI_PCIHP_EJ, 0, 4);
    out(HP_BASE + ACPI_PCIHP_EJ, 0x06, 4);
    out(HP_BASE + ACPI_PCIHP_EJ, 0x100, 4);
    ck_assert_ptr_nonnull(pci_find_device(bus, 0, PCI_DEVFN(1, 0)));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0x0c);

    /* The lowest bit only: slot 3 goes, slot 2 stays pending. */
    out(HP_BASE + ACPI_PCIHP_EJ, 0x18, 4);
    ck_assert_ptr_null(pci_find_device(bus, 0, PCI_DEVFN(3, 0)));
    ck_assert_ptr_null(qdev_find_by_id("b1"));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0x04);
    /* DEVICE_DELETED only once the loop drops the last reference. */
    ck_assert_uint_eq(json_array_size(events), 0);
    acpi_pcihp_release_ejected();
    ck_assert_uint_eq(json_array_size(events), 1);
    ck_assert_str_eq(event_str(0, "event"), "DEVICE_DELETED");
    ck_assert_str_eq(event_str(0, "device"), "b1");
    ck_assert_str_eq(event_str(0, "path"), "/machine/peripheral/b1");
}
END_TEST

START_TEST(test_surprise_eject_and_functions)
{
    setup();
    qdev_set_hotplug_phase(true);
    ck_assert_ptr_nonnull(plug(TEST_PCI, PCI_DEVFN(4, 1), "f1", NULL));
    ck_assert_ptr_nonnull(plug(TEST_PCI, PCI_DEVFN(4, 2), NULL, NULL));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0x10);
    /* Eject without device_del: every function of the slot goes, the
     * newest first. */
    out(HP_BASE + ACPI_PCIHP_EJ, 0x10, 4);
    ck_assert_ptr_null(pci_find_device(bus, 0, PCI_DEVFN(4, 1)));
    ck_assert_ptr_null(pci_find_device(bus, 0, PCI_DEVFN(4, 2)));
    acpi_pcihp_release_ejected();
    ck_assert_uint_eq(json_array_size(events), 2);
    ck_assert_ptr_null(event_str(0, "device"));
    ck_assert_str_eq(event_str(0, "path"),
                     "/machine/peripheral-anon/device[0]");
    ck_assert_str_eq(event_str(1, "device"), "f1");
}
END_TEST

START_TEST(test_acpi_index)
{
    DeviceState *dev;

    setup();
    qdev_set_hotplug_phase(true);
    dev = qdev_new(TEST_PCI);
    ck_assert(
        object_property_set_int(OBJECT(dev), "addr", PCI_DEVFN(4, 0), NULL));
    ck_assert(object_property_set_int(OBJECT(dev), "acpi-index", 5, NULL));
    ck_assert_ptr_nonnull(qdev_set_id(dev, strdup("r1"), NULL));
    ck_assert(qdev_realize_and_unref(dev, &bus->qbus, NULL));

    out(HP_BASE + ACPI_PCIHP_AIDX, 0x10, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 5);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
    /* Any write drops the latched value; reads of other registers
     * don't. */
    out(HP_BASE + ACPI_PCIHP_AIDX, 0x10, 4);
    out(HP_BASE + ACPI_PCIHP_SEL, 0, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
    out(HP_BASE + ACPI_PCIHP_AIDX, 0x10, 4);
    out(HP_BASE + ACPI_PCIHP_UP, 0x10, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
    out(HP_BASE + ACPI_PCIHP_AIDX, 0x10, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_SEL, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 5);
    /* Empty bitmap, or a slot without acpi-index. */
    out(HP_BASE + ACPI_PCIHP_AIDX, 0, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
    out(HP_BASE + ACPI_PCIHP_AIDX, 0x2, 4);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_AIDX, 4), 0);
}
END_TEST

START_TEST(test_reset_ejects_and_recomputes)
{
    DeviceState *dev;

    setup();
    /* A cold-plugged device of a non-hotpluggable type: not removable
     * (after the next reset) and never ejected. */
    ck_assert_ptr_nonnull(plug(TEST_PCI_FIXED, PCI_DEVFN(6, 0), "x1", NULL));
    qdev_set_hotplug_phase(true);
    dev = plug(TEST_PCI, PCI_DEVFN(5, 0), "n1", NULL);
    ck_assert_ptr_nonnull(dev);
    ck_assert(qdev_unplug(dev, NULL));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0x20);
    out(GPE_EN, 0x02, 1);
    ck_assert_int_eq(sci_level, 1);

    pci_bus_reset(bus); /* what system_reset runs */
    ck_assert_ptr_null(pci_find_device(bus, 0, PCI_DEVFN(5, 0)));
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_DOWN, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_UP, 4), 0);
    ck_assert_uint_eq(in(HP_BASE + ACPI_PCIHP_RMV, 4), 0xffffffbc);
    ck_assert_int_eq(sci_level, 0); /* GPE cleared by the PM reset */
    ck_assert_uint_eq(json_array_size(events), 0);
    acpi_pcihp_release_ejected();
    ck_assert_uint_eq(json_array_size(events), 1);
    ck_assert_str_eq(event_str(0, "device"), "n1");

    /* The fixed device cannot be ejected by the guest either. */
    out(HP_BASE + ACPI_PCIHP_EJ, 0x40, 4);
    ck_assert_ptr_nonnull(pci_find_device(bus, 0, PCI_DEVFN(6, 0)));
}
END_TEST

static Suite *pcihp_suite(void)
{
    Suite *s = suite_create("pcihp");
    TCase *tc = tcase_create("piix4");

    tcase_add_test(tc, test_registers_at_start);
    tcase_add_test(tc, test_bus_select);
    tcase_add_test(tc, test_hotplug_and_eject);
    tcase_add_test(tc, test_surprise_eject_and_functions);
    tcase_add_test(tc, test_acpi_index);
    tcase_add_test(tc, test_reset_ejects_and_recomputes);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { pcihp_suite };
