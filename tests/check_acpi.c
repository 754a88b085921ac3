/*
 * Unit tests: ACPI PM1 event/control, PM timer, GPE and SCI (acpi/core.c)
 * and the PIIX4 PM function (acpi/piix4.c).  Expected values were read
 * from QEMU 7.2 (-machine pc -nodefaults, paused).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "acpi/core.h"
#include "acpi/piix4.h"
#include "src/i440fx.h"
#include "src/memory.h"
#include "src/pci.h"
#include "src/piix.h"

#define PM_BASE 0x600
#define PIIX4_DEVFN PCI_DEVFN(1, 3)

static int sci_level = -1;
static int sci_changes;

static void sci_handler(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    if (level != sci_level) {
        sci_changes++;
    }
    sci_level = level;
}

/* Port accesses as qtest's in/out. */
static uint32_t in(uint16_t port, unsigned size)
{
    return (uint32_t)address_space_read_le(&address_space_io, port, size);
}

static void out(uint16_t port, uint32_t val, unsigned size)
{
    address_space_write_le(&address_space_io, port, val, size);
}

/* ---- Core registers on their own ---- */

static AcpiRegs regs;
static MemoryRegion pm_io;
static qemu_irq sci;

static void core_update_sci(AcpiRegs *ar)
{
    acpi_update_sci(ar, sci);
}

static void core_setup(void)
{
    memory_init();
    memset(&regs, 0, sizeof(regs));
    sci = qemu_allocate_irq(sci_handler, NULL, 0);
    sci_level = -1;
    sci_changes = 0;
    memory_region_init(&pm_io, NULL, "piix4-pm", 64);
    memory_region_add_subregion(get_system_io(), PM_BASE, &pm_io);
    acpi_pm_tmr_init(&regs, core_update_sci, &pm_io);
    acpi_pm1_evt_init(&regs, core_update_sci, &pm_io);
    acpi_pm1_cnt_init(&regs, &pm_io, 2);
    acpi_gpe_init(&regs, 4);
    acpi_set_clock(NULL);
}

static int64_t ns_clock;
static int64_t test_clock(void)
{
    return ns_clock;
}

START_TEST(test_pm1_sts_tmr_and_w1c)
{
    core_setup();
    /* Clock never ran: timer 0, overflow time 0, TMR_STS latched. */
    ck_assert_uint_eq(in(PM_BASE, 2), ACPI_BITMASK_TIMER_STATUS);
    ck_assert_uint_eq(in(PM_BASE + 8, 4), 0);
    out(PM_BASE, ACPI_BITMASK_TIMER_STATUS, 2);
    ck_assert_uint_eq(in(PM_BASE, 2), 0);
    /* Writing 0 bits clears nothing; other bits clear only themselves. */
    regs.evt.sts = 0x8500;
    out(PM_BASE, 0x0400, 2);
    ck_assert_uint_eq(in(PM_BASE, 2), 0x8100);
    out(PM_BASE, 0xffff, 2);
    ck_assert_uint_eq(in(PM_BASE, 2), 0);
    /* Byte at the odd offset misses the register. */
    regs.evt.sts = 0x0100;
    ck_assert_uint_eq(in(PM_BASE + 1, 1), 0);
    out(PM_BASE + 1, 0x01, 1);
    ck_assert_uint_eq(in(PM_BASE, 2), 0x0100);
    /* A dword read is split in two words: STS then EN. */
    regs.evt.en = 0x0100;
    ck_assert_uint_eq(in(PM_BASE, 4), 0x01000100);
}
END_TEST

START_TEST(test_pm1_en_bytes)
{
    core_setup();
    out(PM_BASE + 2, 0x0100, 2);
    out(PM_BASE + 2, 0x01, 1); /* widened to a word: high byte cleared */
    ck_assert_uint_eq(in(PM_BASE + 2, 2), 0x0001);
    out(PM_BASE + 2, 0x0100, 2);
    out(PM_BASE + 3, 0x01, 1); /* dropped */
    ck_assert_uint_eq(in(PM_BASE + 2, 2), 0x0100);
    out(PM_BASE + 2, 0xffff, 2);
    ck_assert_uint_eq(in(PM_BASE + 2, 2), 0xffff);
}
END_TEST

START_TEST(test_timer_clock)
{
    core_setup();
    acpi_set_clock(test_clock);
    ns_clock = 1000000000LL; /* one second */
    ck_assert_uint_eq(in(PM_BASE + 8, 4), ACPI_PM_TIMER_FREQUENCY);
    ns_clock = 10LL * 1000000000LL;
    ck_assert_uint_eq(in(PM_BASE + 8, 4),
                      (10ull * ACPI_PM_TIMER_FREQUENCY) & 0xffffff);
    /* Clearing TMR_STS moves the overflow to the next 2^23 boundary. */
    out(PM_BASE, ACPI_BITMASK_TIMER_STATUS, 2);
    ck_assert_int_eq(regs.tmr.overflow_time,
                     ((10LL * ACPI_PM_TIMER_FREQUENCY) + 0x800000) &
                         ~0x7fffffLL);
    ck_assert_uint_eq(in(PM_BASE, 2) & 1, 0);
    ns_clock = 20LL * 1000000000LL;
    ck_assert_uint_eq(in(PM_BASE, 2) & 1, 1);
    /* Writes are ignored. */
    out(PM_BASE + 8, 0x12345678, 4);
    acpi_set_clock(NULL);
    ck_assert_uint_eq(in(PM_BASE + 8, 4), 0);
}
END_TEST

START_TEST(test_pm1_cnt)
{
    core_setup();
    /* SLP_EN is never stored; SLP_TYP 7 does nothing. */
    out(PM_BASE + 4, 0xffff, 2);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), 0xdfff);
    /* A byte at +1 is a whole (widened) write; reads ignore the offset. */
    out(PM_BASE + 5, 0x21, 1);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), 0x0021);
    ck_assert_uint_eq(in(PM_BASE + 5, 1), 0x21);
    /* The register is two bytes: a dword read ends in open bus. */
    ck_assert_uint_eq(in(PM_BASE + 4, 4), 0xffff0021);
    acpi_pm1_cnt_update(&regs, true, false);
    ck_assert_uint_eq(regs.cnt.cnt & 1, 1);
    acpi_pm1_cnt_update(&regs, false, true);
    ck_assert_uint_eq(regs.cnt.cnt & 1, 0);
    acpi_pm1_cnt_update(&regs, true, true);
    ck_assert_uint_eq(regs.cnt.cnt & 1, 1);
    acpi_pm1_cnt_update(&regs, false, false);
    ck_assert_uint_eq(regs.cnt.cnt & 1, 1);
    /* Holes in the 64-byte block read as open bus. */
    ck_assert_uint_eq(in(PM_BASE + 0xc, 1), 0xff);
}
END_TEST

START_TEST(test_gpe_bytes)
{
    core_setup();
    /* Enable is plain; status is write-1-to-clear. */
    acpi_gpe_ioport_writeb(&regs, 2, 0xff);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 2), 0xff);
    regs.gpe.sts[0] = 0x0f;
    regs.gpe.sts[1] = 0xf0;
    acpi_gpe_ioport_writeb(&regs, 0, 0x05);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 0), 0x0a);
    acpi_gpe_ioport_writeb(&regs, 1, 0x00);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 1), 0xf0);
    acpi_gpe_ioport_writeb(&regs, 3, 0x12);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 3), 0x12);
    /* Out of the block: ignored, reads 0. */
    acpi_gpe_ioport_writeb(&regs, 4, 0xff);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 4), 0);
    acpi_gpe_reset(&regs);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 0), 0);
    ck_assert_uint_eq(acpi_gpe_ioport_readb(&regs, 2), 0);
}
END_TEST

START_TEST(test_sci_truth_table)
{
    static const struct {
        uint16_t sts, en;
        uint8_t gsts, gen, gsts1, gen1;
        bool level;
    } cases[] = {
        { 0, 0, 0, 0, 0, 0, false },
        { 0x0100, 0x0000, 0, 0, 0, 0, false },
        { 0x0100, 0x0100, 0, 0, 0, 0, true },
        { 0x0001, 0x0001, 0, 0, 0, 0, true }, /* TMR */
        { 0x0020, 0x0020, 0, 0, 0, 0, true }, /* GBL */
        { 0x0400, 0x0400, 0, 0, 0, 0, true }, /* RTC */
        { 0x0200, 0x0200, 0, 0, 0, 0, false }, /* SLPBTN: not common */
        { 0x8000, 0xffff, 0, 0, 0, 0, false }, /* WAK has no enable */
        { 0x0010, 0x0010, 0, 0, 0, 0, false }, /* BM */
        { 0, 0, 0x08, 0x00, 0, 0, false },
        { 0, 0, 0x08, 0x08, 0, 0, true },
        { 0, 0, 0x08, 0x04, 0, 0, false },
        { 0, 0, 0, 0, 0x01, 0x01, false }, /* second byte: no SCI */
    };
    size_t i;

    core_setup();
    out(PM_BASE, 0xffff, 2); /* drop the power-on TMR_STS */
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        regs.evt.sts = cases[i].sts;
        regs.evt.en = cases[i].en;
        regs.gpe.sts[0] = cases[i].gsts;
        regs.gpe.en[0] = cases[i].gen;
        regs.gpe.sts[1] = cases[i].gsts1;
        regs.gpe.en[1] = cases[i].gen1;
        acpi_update_sci(&regs, sci);
        ck_assert_msg(sci_level == cases[i].level, "case %zu", i);
    }
}
END_TEST

START_TEST(test_sci_from_registers)
{
    core_setup();
    /* TMR_STS is set at power-on: enabling TMR_EN raises the SCI. */
    out(PM_BASE + 2, ACPI_BITMASK_TIMER_ENABLE, 2);
    ck_assert_int_eq(sci_level, 1);
    out(PM_BASE, ACPI_BITMASK_TIMER_STATUS, 2);
    ck_assert_int_eq(sci_level, 0);
    /* The power button only latches when enabled. */
    out(PM_BASE + 2, 0, 2);
    acpi_pm1_evt_power_down(&regs);
    ck_assert_uint_eq(in(PM_BASE, 2), 0);
    out(PM_BASE + 2, ACPI_BITMASK_POWER_BUTTON_ENABLE, 2);
    acpi_pm1_evt_power_down(&regs);
    ck_assert_uint_eq(in(PM_BASE, 2), ACPI_BITMASK_POWER_BUTTON_STATUS);
    ck_assert_int_eq(sci_level, 1);
    out(PM_BASE, ACPI_BITMASK_POWER_BUTTON_STATUS, 2);
    ck_assert_int_eq(sci_level, 0);
    /* GPE injection. */
    regs.gpe.en[0] = 0x08;
    acpi_send_gpe_event(&regs, sci, 0x02);
    ck_assert_int_eq(sci_level, 0);
    acpi_send_gpe_event(&regs, sci, 0x08);
    ck_assert_int_eq(sci_level, 1);
    ck_assert_uint_eq(regs.gpe.sts[0], 0x0a);
}
END_TEST

START_TEST(test_core_reset)
{
    core_setup();
    regs.evt.sts = 0xffff;
    regs.evt.en = 0xffff;
    regs.cnt.cnt = 0x1c01;
    regs.tmr.overflow_time = 0x800000;
    acpi_pm1_evt_reset(&regs);
    acpi_pm1_cnt_reset(&regs);
    acpi_pm_tmr_reset(&regs);
    ck_assert_uint_eq(regs.evt.en, 0);
    ck_assert_uint_eq(regs.cnt.cnt, 0);
    ck_assert_uint_eq(in(PM_BASE, 2), ACPI_BITMASK_TIMER_STATUS);
    acpi_regs_fini(&regs);
    ck_assert_uint_eq(in(PM_BASE, 2), 0xffff);
}
END_TEST

/* ---- PIIX4 PM on a PCI bus ---- */

static PIIX4PMState *pm;
/* One CPU slot with a vCPU present (APIC ID 0): bit 0 of 0xaf00. */
static CPUState one_cpu_state;
static PCCpuSlot one_cpu_slot = { .cpu = &one_cpu_state };
static const PCCpus one_cpu = { .n_slots = 1, .slots = &one_cpu_slot };

static void piix4_setup(void)
{
    static MemoryRegion ram;
    PCIBus *bus;
    Error *err = NULL;

    memory_init();
    acpi_set_clock(NULL);
    ck_assert(qdev_machine_init("pc-i440fx-7.2-machine", &err));
    memory_region_init_ram(&ram, NULL, "pc.ram", 128 << 20);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), i440fx_pci_memory(),
                      &ram, 128 << 20, 0, NULL);
    piix3_create(bus, PCI_DEVFN(1, 0), NULL);
    sci_level = -1;
    sci_changes = 0;
    pm = piix4_pm_init(bus, PIIX4_DEVFN, PIIX4_SMB_IO_BASE_DEFAULT,
                       qemu_allocate_irq(sci_handler, NULL, 0), NULL, true,
                       &one_cpu);
    pci_bus_reset(bus);
    piix4_pm_machine_ready(pm);
}

static uint32_t cfg_read(int off, int size)
{
    out(0xcf8, 0x80000000u | PIIX4_DEVFN << 8 | (off & 0xfc), 4);
    return in((uint16_t)(0xcfc + (off & 3)), (unsigned)size);
}

static void cfg_write(int off, uint32_t val, int size)
{
    out(0xcf8, 0x80000000u | PIIX4_DEVFN << 8 | (off & 0xfc), 4);
    out((uint16_t)(0xcfc + (off & 3)), val, (unsigned)size);
}

START_TEST(test_piix4_config)
{
    static const struct {
        uint8_t off;
        uint32_t val;
    } dwords[] = {
        { 0x00, 0x71138086 }, { 0x04, 0x02800000 }, { 0x08, 0x06800003 },
        { 0x0c, 0x00000000 }, { 0x2c, 0x11001af4 }, { 0x3c, 0x00000100 },
        { 0x40, 0x00000001 }, { 0x58, 0x00000000 }, { 0x5c, 0x10000000 },
        { 0x60, 0x60000000 }, { 0x64, 0x00000000 }, { 0x80, 0x00000000 },
        { 0x90, 0x0000b101 }, { 0xd0, 0x00090000 }, { 0xfc, 0x00000000 },
    };
    size_t i;

    piix4_setup();
    for (i = 0; i < sizeof(dwords) / sizeof(dwords[0]); i++) {
        ck_assert_msg(cfg_read(dwords[i].off, 4) == dwords[i].val,
                      "0x%02x: 0x%08x", dwords[i].off,
                      cfg_read(dwords[i].off, 4));
    }
    /* Not mapped until 0x80 bit 0. */
    ck_assert_uint_eq(in(0x0000 + 4, 2), 0xffff);
    /* Fixed blocks. */
    ck_assert_uint_eq(in(0xafe0, 4), 0);
    ck_assert_uint_eq(in(0xaf00, 4), 0x01);
    ck_assert_uint_eq(in(0xaf01, 1), 0);
    ck_assert_uint_eq(in(0xaf20, 1), 0xff);
    ck_assert_uint_eq(in(0xb2, 2), 0);
    ck_assert_uint_eq(in(0xb10d, 1), 0x02);
    ck_assert_uint_eq(in(0xb100, 4), 0);
}
END_TEST

START_TEST(test_piix4_pmba_remap)
{
    piix4_setup();
    cfg_write(0x40, 0x601, 4);
    ck_assert_uint_eq(in(PM_BASE, 2), 0xffff); /* not enabled */
    cfg_write(0x80, 1, 1);
    ck_assert_uint_eq(piix4_pm_io_base(pm), PM_BASE);
    ck_assert_uint_eq(in(PM_BASE, 2), ACPI_BITMASK_TIMER_STATUS);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), 0);
    /* Every bit of 0x40 is writable; the base ignores the low six. */
    cfg_write(0x40, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(0x40, 4), 0xffffffff);
    ck_assert_uint_eq(piix4_pm_io_base(pm), 0xffc0);
    ck_assert_uint_eq(in(PM_BASE, 2), 0xffff);
    ck_assert_uint_eq(in(0xffc4, 2), 0);
    /* Byte write to 0x41 remaps too. */
    cfg_write(0x40, 0, 4);
    cfg_write(0x41, 0x06, 1);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), 0);
    /* At 0 the block still decodes. */
    cfg_write(0x40, 0, 4);
    out(0x4, 0x1c01, 2);
    ck_assert_uint_eq(in(0x4, 2), 0x1c01);
    /* Disable: gone, and its state kept. */
    cfg_write(0x80, 0xfe, 1);
    ck_assert_uint_eq(cfg_read(0x80, 1), 0xfe);
    ck_assert_uint_eq(in(0x4, 2), 0xffff);
    cfg_write(0x80, 0x01, 1);
    ck_assert_uint_eq(in(0x4, 2), 0x1c01);
    /* A write elsewhere (0x7c) leaves the mapping alone. */
    cfg_write(0x7c, 0x01000000, 4);
    ck_assert_uint_eq(in(0x4, 2), 0x1c01);
}
END_TEST

START_TEST(test_piix4_smbus_remap)
{
    piix4_setup();
    cfg_write(0x90, 0xffffffff, 4);
    ck_assert_uint_eq(in(0xb10d, 1), 0xff);
    ck_assert_uint_eq(in(0xffcd, 1), 0x02);
    cfg_write(0xd2, 0x08, 1);
    ck_assert_uint_eq(in(0xffcd, 1), 0xff);
}
END_TEST

START_TEST(test_piix4_apm)
{
    piix4_setup();
    cfg_write(0x40, 0x601, 4);
    cfg_write(0x80, 1, 1);
    out(0xb2, 0xf1, 1);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), ACPI_BITMASK_SCI_ENABLE);
    out(0xb2, 0xf0, 1);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), 0);
    ck_assert_uint_eq(in(0xb2, 1), 0xf0);
    out(0xb3, 0x55, 1);
    ck_assert_uint_eq(in(0xb2, 2), 0x55f0);
    /* Only bit 0 decodes: a dword repeats the pair. */
    ck_assert_uint_eq(in(0xb2, 4), 0x55f055f0);
    out(0xb2, 0x12f1, 2);
    ck_assert_uint_eq(in(0xb2, 2), 0x12f1);
    ck_assert_uint_eq(in(PM_BASE + 4, 2), ACPI_BITMASK_SCI_ENABLE);
}
END_TEST

START_TEST(test_piix4_gpe_and_sci)
{
    piix4_setup();
    ck_assert_int_eq(sci_level, 0);
    out(0xafe2, 0x1234, 2);
    ck_assert_uint_eq(in(0xafe0, 4), 0x12340000);
    ck_assert_uint_eq(in(0xafe3, 1), 0x12);
    out(0xafe2, 0x08, 1);
    piix4_send_gpe(pm, PIIX4_GPE_MEM_HOTPLUG);
    ck_assert_int_eq(sci_level, 1);
    ck_assert_uint_eq(in(0xafe0, 1), 0x08);
    out(0xafe0, 0xffffffff, 4); /* clears status, sets enables */
    ck_assert_int_eq(sci_level, 0);
    ck_assert_uint_eq(in(0xafe0, 4), 0xffff0000);
    ck_assert_uint_eq(in(0xafe4, 4), 0xffffffff);
    /* Power button through PM1. */
    cfg_write(0x40, 0x601, 4);
    cfg_write(0x80, 1, 1);
    out(PM_BASE, 0xffff, 2);
    out(PM_BASE + 2, 0x0100, 2);
    piix4_pm_power_button(pm);
    ck_assert_int_eq(sci_level, 1);
    ck_assert_uint_eq(in(PM_BASE, 4), 0x01000100);
}
END_TEST

START_TEST(test_piix4_reset)
{
    PCIDevice *d;

    piix4_setup();
    d = piix4_pm_pci_device(pm);
    cfg_write(0x40, 0x12345601, 4);
    cfg_write(0x58, 0xffffffff, 4);
    cfg_write(0x80, 0xff, 1);
    cfg_write(0x90, 0xc101, 4);
    out(0x5604, 0x1c01, 2);
    out(0xafe2, 0xff, 1);
    piix4_send_gpe(pm, 0x01);
    ck_assert_int_eq(sci_level, 1);
    pci_device_reset(d);
    ck_assert_int_eq(sci_level, 0);
    ck_assert_uint_eq(cfg_read(0x40, 4), 0x12345601);
    ck_assert_uint_eq(cfg_read(0x58, 4), 0);
    ck_assert_uint_eq(cfg_read(0x80, 1), 0);
    ck_assert_uint_eq(cfg_read(0x90, 4), 0xc101); /* kept */
    ck_assert_uint_eq(in(0xafe0, 4), 0);
    ck_assert_uint_eq(in(0x5604, 2), 0xffff);
    cfg_write(0x80, 1, 1);
    ck_assert_uint_eq(in(0x5604, 2), 0);
    ck_assert_uint_eq(in(0x5600, 2), ACPI_BITMASK_TIMER_STATUS);
}
END_TEST

START_TEST(test_piix4_cpu_hotplug_switch)
{
    piix4_setup();
    ck_assert(piix4_pm_cpu_hotplug_legacy(pm));
    out(0xaf00, 0x05, 1); /* not a switch request */
    ck_assert(piix4_pm_cpu_hotplug_legacy(pm));
    out(0xaf00, 0x00, 1);
    ck_assert(!piix4_pm_cpu_hotplug_legacy(pm));
    ck_assert_uint_eq(in(0xaf00, 4), 0);
    ck_assert_uint_eq(in(0xaf04, 1), 1);
    ck_assert_uint_eq(in(0xaf0c, 1), 0xff);
}
END_TEST

static Suite *acpi_suite(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pm1_sts_tmr_and_w1c);
    tcase_add_test(tc, test_pm1_en_bytes);
    tcase_add_test(tc, test_timer_clock);
    tcase_add_test(tc, test_pm1_cnt);
    tcase_add_test(tc, test_gpe_bytes);
    tcase_add_test(tc, test_sci_truth_table);
    tcase_add_test(tc, test_sci_from_registers);
    tcase_add_test(tc, test_core_reset);
    suite_add_tcase(s, tc);
    tc = tcase_create("piix4");
    tcase_add_test(tc, test_piix4_config);
    tcase_add_test(tc, test_piix4_pmba_remap);
    tcase_add_test(tc, test_piix4_smbus_remap);
    tcase_add_test(tc, test_piix4_apm);
    tcase_add_test(tc, test_piix4_gpe_and_sci);
    tcase_add_test(tc, test_piix4_reset);
    tcase_add_test(tc, test_piix4_cpu_hotplug_switch);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { acpi_suite };
