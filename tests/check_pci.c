/* Unit tests: PCI config space, masks, BARs, INTx routing, i440FX/PIIX3. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "src/i440fx.h"
#include "src/memory.h"
#include "src/pci.h"
#include "src/piix.h"

#define TEST_PCI "test-pci"

static PCIBus *bus;
static MemoryRegion ram;
static int isa_level[PIIX_NUM_PIC_IRQS];
static MemoryRegion test_bar0, test_bar2;

/* ---- A small device: pin A, an I/O BAR, a 64-bit prefetchable BAR ---- */

static uint64_t test_io_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return 0xa0 + addr;
}

static void test_io_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps test_io_ops = {
    .read = test_io_read,
    .write = test_io_write,
};

static bool test_realize(PCIDevice *d, Error **errp)
{
    (void)errp;
    d->config[PCI_INTERRUPT_PIN] = 1;
    memory_region_init_io(&test_bar0, NULL, &test_io_ops, d, "test-io", 32);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_IO, &test_bar0);
    memory_region_init_io(&test_bar2, NULL, &test_io_ops, d, "test-mem",
                          0x4000);
    pci_register_bar(
        d, 2, PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
        &test_bar2);
    return true;
}

static void test_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    (void)data;
    k->realize = test_realize;
    k->vendor_id = 0x1234;
    k->device_id = 0x5678;
    k->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo test_type = {
    .name = TEST_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIDevice),
    .class_init = test_class_init,
};

static void isa_irq_handler(void *opaque, int n, int level)
{
    (void)opaque;
    isa_level[n] = level;
}

static void setup(void)
{
    qemu_irq *isa_lines;
    Error *err = NULL;

    memory_init();
    ck_assert(qdev_machine_init("pc-i440fx-7.2-machine", &err));
    type_register_static(&test_type);
    memory_region_init_ram(&ram, NULL, "pc.ram", 128 << 20);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), i440fx_pci_memory(),
                      &ram, 128 << 20, 0, NULL);
    isa_lines = qemu_allocate_irqs(isa_irq_handler, NULL, PIIX_NUM_PIC_IRQS);
    piix3_create(bus, -1, isa_lines);
    free(isa_lines); /* the PIIX3 copies the lines, not the array */
    piix3_ide_create(bus, PCI_DEVFN(1, 1));
    pci_bus_reset(bus);
}

static uint32_t cfg_read(int devfn, int off, int size)
{
    address_space_st(&address_space_io, 0xcf8,
                     0x80000000u | (uint32_t)devfn << 8 | (off & 0xfc), 4);
    return (uint32_t)address_space_ld(&address_space_io, 0xcfc + (off & 3),
                                      (unsigned)size);
}

static void cfg_write(int devfn, int off, uint32_t val, int size)
{
    address_space_st(&address_space_io, 0xcf8,
                     0x80000000u | (uint32_t)devfn << 8 | (off & 0xfc), 4);
    address_space_st(&address_space_io, 0xcfc + (off & 3), val, (unsigned)size);
}

START_TEST(test_reset_values)
{
    setup();
    /* Values read from QEMU 7.2 (-machine pc -nodefaults, paused). */
    ck_assert_uint_eq(cfg_read(0, 0x00, 4), 0x12378086);
    ck_assert_uint_eq(cfg_read(0, 0x04, 4), 0);
    ck_assert_uint_eq(cfg_read(0, 0x08, 4), 0x06000002);
    ck_assert_uint_eq(cfg_read(0, 0x2c, 4), 0x11001af4);
    ck_assert_uint_eq(cfg_read(0, 0x54, 4), 0x10000000);
    ck_assert_uint_eq(cfg_read(0, 0x70, 4), 0x00020000);
    ck_assert_uint_eq(cfg_read(8, 0x00, 4), 0x70008086);
    ck_assert_uint_eq(cfg_read(8, 0x04, 4), 0x02000000);
    ck_assert_uint_eq(cfg_read(8, 0x08, 4), 0x06010000);
    ck_assert_uint_eq(cfg_read(8, 0x0c, 4), 0x00800000);
    ck_assert_uint_eq(cfg_read(8, 0x4c, 4), 0x0003004d);
    ck_assert_uint_eq(cfg_read(8, 0x60, 4), 0x80808080);
    ck_assert_uint_eq(cfg_read(8, 0x68, 4), 0x00000200);
    ck_assert_uint_eq(cfg_read(8, 0x74, 4), 0x0c0c0000);
    ck_assert_uint_eq(cfg_read(8, 0xa8, 4), 0x0000000f);
    ck_assert_uint_eq(cfg_read(9, 0x00, 4), 0x70108086);
    ck_assert_uint_eq(cfg_read(9, 0x04, 4), 0x02800000);
    ck_assert_uint_eq(cfg_read(9, 0x08, 4), 0x01018000);
    ck_assert_uint_eq(cfg_read(9, 0x20, 4), 0x00000001);
    /* Sub-dword reads and absent functions. */
    ck_assert_uint_eq(cfg_read(9, 0x02, 2), 0x7010);
    ck_assert_uint_eq(cfg_read(9, 0x01, 1), 0x80);
    ck_assert_uint_eq(cfg_read(0x10, 0x00, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(0x10, 0x01, 1), 0xff);
}
END_TEST

START_TEST(test_mechanism1)
{
    setup();
    address_space_st(&address_space_io, 0xcf8, 0x00000900, 4);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xcfc, 4),
                      0xffffffff);
    /* Only dword writes load the index. */
    address_space_st(&address_space_io, 0xcf8, 0x80000904, 4);
    address_space_st(&address_space_io, 0xcf8, 0, 2);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xcf8, 4),
                      0x80000904);
    /* 0xcf9 is PIIX3's reset control register. */
    address_space_st(&address_space_io, 0xcf9, 0x02, 1);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xcf9, 1), 0x02);
}
END_TEST

START_TEST(test_write_masks)
{
    PCIDevice *ide;

    setup();
    ide = pci_find_device(bus, 0, PCI_DEVFN(1, 1));
    ck_assert_ptr_nonnull(ide);
    /* Read-only identity. */
    cfg_write(9, 0x00, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(9, 0x00, 4), 0x70108086);
    /* COMMAND: IO|MEM|MASTER|SERR|INTX_DISABLE writable. */
    cfg_write(9, 0x04, 0xffff, 2);
    ck_assert_uint_eq(cfg_read(9, 0x04, 2), 0x0507);
    cfg_write(9, 0x04, 0, 2);
    /* STATUS error bits are write-1-to-clear. */
    ide->config[PCI_STATUS + 1] |= 0x20;
    ck_assert_uint_eq(cfg_read(9, 0x06, 2), 0x2280);
    cfg_write(9, 0x06, 0x0000, 2);
    ck_assert_uint_eq(cfg_read(9, 0x06, 2), 0x2280);
    cfg_write(9, 0x06, 0xffff, 2);
    ck_assert_uint_eq(cfg_read(9, 0x06, 2), 0x0280);
    /* Interrupt line and device-specific space are writable. */
    cfg_write(9, 0x3c, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(9, 0x3c, 4), 0x000000ff);
    cfg_write(9, 0x40, 0x12345678, 4);
    ck_assert_uint_eq(cfg_read(9, 0x40, 4), 0x12345678);
    /* Reset clears the writable COMMAND bits and the BAR address. */
    cfg_write(9, 0x20, 0xc000, 4);
    cfg_write(9, 0x04, 0x0001, 2);
    pci_bus_reset(bus);
    ck_assert_uint_eq(cfg_read(9, 0x04, 4), 0x02800000);
    ck_assert_uint_eq(cfg_read(9, 0x20, 4), 0x00000001);
}
END_TEST

START_TEST(test_bar_sizing_and_mapping)
{
    setup();
    cfg_write(9, 0x20, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(9, 0x20, 4), 0xfffffff1);
    cfg_write(9, 0x20, 0xc000, 4);
    ck_assert_uint_eq(cfg_read(9, 0x20, 4), 0xc001);
    /* Not decoded until COMMAND.IO. */
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc002, 1), 0xff);
    cfg_write(9, 0x04, PCI_COMMAND_IO, 2);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc002, 1), 0x00);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc001, 1), 0xff);
    address_space_st(&address_space_io, 0xc002, 0xff, 1);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc002, 1), 0x60);
    address_space_st(&address_space_io, 0xc004, 0x12345677, 4);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc004, 4),
                      0x12345674);
    cfg_write(9, 0x04, 0, 2);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0xc002, 1), 0xff);
}
END_TEST

START_TEST(test_64bit_bar_and_caps)
{
    PCIDevice *d;
    Error *err = NULL;
    int c1, c2;

    setup();
    d = pci_create_simple(bus, PCI_DEVFN(3, 0), TEST_PCI);
    ck_assert_uint_eq(cfg_read(0x18, 0x18, 4), 0x0000000c);
    cfg_write(0x18, 0x18, 0xffffffff, 4);
    cfg_write(0x18, 0x1c, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(0x18, 0x18, 4), 0xffffc00c);
    ck_assert_uint_eq(cfg_read(0x18, 0x1c, 4), 0xffffffff);
    cfg_write(0x18, 0x18, 0xfe000000, 4);
    cfg_write(0x18, 0x1c, 0, 4);
    cfg_write(0x18, 0x04, PCI_COMMAND_MEMORY, 2);
    ck_assert_uint_eq(pci_get_bar_addr(d, 2), 0xfe000000);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xfe000004, 1),
                      0xa4);
    /* Capabilities: first fit from 0x40, newest first in the list. */
    c1 = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, 6, &err);
    c2 = pci_add_capability(d, PCI_CAP_ID_PM, 0, 8, &err);
    ck_assert_int_eq(c1, 0x40);
    ck_assert_int_eq(c2, 0x48);
    ck_assert_uint_eq(d->config[PCI_CAPABILITY_LIST], 0x48);
    ck_assert_uint_eq(d->config[0x49], 0x40);
    ck_assert_uint_eq(d->config[PCI_STATUS] & PCI_STATUS_CAP_LIST,
                      PCI_STATUS_CAP_LIST);
    ck_assert_int_eq(pci_find_capability(d, PCI_CAP_ID_VNDR), 0x40);
    ck_assert_int_lt(pci_add_capability(d, PCI_CAP_ID_MSI, 0x44, 4, &err), 0);
    ck_assert_ptr_nonnull(err);
    error_free(err);
    err = NULL;
    /* Capability bytes are read-only. */
    cfg_write(0x18, 0x40, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(0x18, 0x40, 1), PCI_CAP_ID_VNDR);
}
END_TEST

START_TEST(test_intx_routing)
{
    PCIDevice *d;

    setup();
    d = pci_create_simple(bus, PCI_DEVFN(3, 0), TEST_PCI);
    /* slot 3 pin A -> PIRQC (config 0x62). */
    cfg_write(8, 0x62, 10, 1);
    pci_set_irq(d, 1);
    ck_assert_int_eq(isa_level[10], 1);
    ck_assert_uint_eq(cfg_read(0x18, 0x06, 1) & PCI_STATUS_INTERRUPT,
                      PCI_STATUS_INTERRUPT);
    /* Re-routing moves the level. */
    cfg_write(8, 0x62, 11, 1);
    ck_assert_int_eq(isa_level[10], 0);
    ck_assert_int_eq(isa_level[11], 1);
    /* INTX_DISABLE masks it, clearing it unmasks again. */
    cfg_write(0x18, 0x04, PCI_COMMAND_INTX_DISABLE, 2);
    ck_assert_int_eq(isa_level[11], 0);
    cfg_write(0x18, 0x04, 0, 2);
    ck_assert_int_eq(isa_level[11], 1);
    cfg_write(8, 0x62, 0x80, 1);
    ck_assert_int_eq(isa_level[11], 0);
    pci_set_irq(d, 0);
    ck_assert_uint_eq(cfg_read(0x18, 0x06, 1) & PCI_STATUS_INTERRUPT, 0);
}
END_TEST

START_TEST(test_devfn_errors)
{
    PCIDevice *d;
    Error *err = NULL;

    setup();
    d = pci_new(PCI_DEVFN(0, 0), TEST_PCI);
    ck_assert(!pci_realize_and_unref(d, bus, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "PCI: slot 0 function 0 not available for test-pci, "
                     "in use by i440FX,id=(null)");
    error_free(err);
    err = NULL;
    d = pci_new(PCI_DEVFN(0, 1), TEST_PCI);
    ck_assert(!pci_realize_and_unref(d, bus, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "PCI: single function device can't be populated in "
                     "function 0.1");
    error_free(err);
    err = NULL;
    d = pci_new(-1, TEST_PCI);
    ck_assert(object_property_set_str(OBJECT(d), "addr", "5.2", &err));
    ck_assert_int_eq(d->devfn, PCI_DEVFN(5, 2));
    ck_assert(!object_property_set_str(OBJECT(d), "addr", "0x20", &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Property 'test-pci.addr' doesn't take value '0x20'");
    error_free(err);
    object_unref(d);
}
END_TEST

START_TEST(test_pam_smram)
{
    static MemoryRegion bios, vga;

    setup();
    /* Something in PCI space behind the window (as the BIOS is). */
    memory_region_init_io(&bios, NULL, &test_io_ops, NULL, "bios", 0x10000);
    memory_region_add_subregion(i440fx_pci_memory(), 0xf0000, &bios);
    memory_region_init_io(&vga, NULL, &test_io_ops, NULL, "vga", 0x20000);
    memory_region_add_subregion(i440fx_pci_memory(), 0xa0000, &vga);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xf0000, 1),
                      0xa0);
    /* PAM 0xf0000 (0x59 high nibble) = 3: RAM read/write. */
    cfg_write(0, 0x59, 0x30, 1);
    address_space_st(&address_space_memory, 0xf0000, 0x5a, 1);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xf0000, 1),
                      0x5a);
    cfg_write(0, 0x59, 0x10, 1); /* read-only RAM */
    address_space_st(&address_space_memory, 0xf0000, 0x11, 1);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xf0000, 1),
                      0x5a);
    cfg_write(0, 0x59, 0x00, 1); /* PCI again */
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xf0000, 1),
                      0xa0);
    /* SMRAM D_OPEN shows RAM at 0xa0000. */
    memory_region_ram_write(&ram, 0xa0000, "\x77", 1);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xa0000, 1),
                      0xa0);
    cfg_write(0, 0x72, 0x4a, 1);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xa0000, 1),
                      0x77);
}
END_TEST

static Suite *pci_suite(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_reset_values);
    tcase_add_test(tc, test_mechanism1);
    tcase_add_test(tc, test_write_masks);
    tcase_add_test(tc, test_bar_sizing_and_mapping);
    tcase_add_test(tc, test_64bit_bar_and_caps);
    tcase_add_test(tc, test_intx_routing);
    tcase_add_test(tc, test_devfn_errors);
    tcase_add_test(tc, test_pam_smram);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { pci_suite };
