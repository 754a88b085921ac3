/* Unit tests: the 8259 pair (ICWs, OCWs, ELCR, edge/level, poll, EOI). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "src/i8259.h"

static I8259State *pic;
static qemu_irq cpu_line;
static int cpu_level;
static int cpu_changes;

static void cpu_int(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    if (level != cpu_level) {
        cpu_changes++;
    }
    cpu_level = level;
}

static void setup(void)
{
    cpu_level = 0;
    cpu_changes = 0;
    cpu_line = qemu_allocate_irq(cpu_int, NULL, 0);
    pic = i8259_init(NULL, cpu_line);
}

static void teardown(void)
{
    i8259_free(pic);
    qemu_free_irq(cpu_line);
}

static void out(int chip, uint64_t port, uint8_t val)
{
    ck_assert_int_eq(
        memory_region_dispatch_write(&pic->chip[chip].base_io, port, val, 1),
        MEMTX_OK);
}

static uint8_t in(int chip, uint64_t port)
{
    uint64_t v = 0xdead;

    ck_assert_int_eq(
        memory_region_dispatch_read(&pic->chip[chip].base_io, port, &v, 1),
        MEMTX_OK);
    return v;
}

static void elcr_out(int chip, uint8_t val)
{
    memory_region_dispatch_write(&pic->chip[chip].elcr_io, 0, val, 1);
}

static uint8_t elcr_in(int chip)
{
    uint64_t v = 0;

    memory_region_dispatch_read(&pic->chip[chip].elcr_io, 0, &v, 1);
    return v;
}

/* The usual BIOS programming: vectors 0x08 and 0x70, cascade on 2. */
static void bios_init(void)
{
    out(0, 0, 0x11);
    out(0, 1, 0x08);
    out(0, 1, 0x04);
    out(0, 1, 0x01);
    out(1, 0, 0x11);
    out(1, 1, 0x70);
    out(1, 1, 0x02);
    out(1, 1, 0x01);
}

static void set_irq(int n, int level)
{
    qemu_set_irq(i8259_get_irqs(pic)[n], level);
}

START_TEST(test_reset_state)
{
    int i;

    for (i = 0; i < 2; i++) {
        ck_assert_uint_eq(in(i, 0), 0);
        ck_assert_uint_eq(in(i, 1), 0);
        ck_assert_uint_eq(elcr_in(i), 0);
    }
    ck_assert_str_eq(memory_region_name(&pic->chip[0].base_io), "pic");
    ck_assert_str_eq(memory_region_name(&pic->chip[1].elcr_io), "elcr");
    ck_assert_uint_eq(memory_region_size(&pic->chip[0].base_io), 2);
    ck_assert_ptr_eq(i8259_get_default(), pic);
    ck_assert_int_eq(cpu_level, 0);
}
END_TEST

START_TEST(test_icw_sequences)
{
    bios_init();
    ck_assert_uint_eq(pic->chip[0].irq_base, 0x08);
    ck_assert_uint_eq(pic->chip[1].irq_base, 0x70);
    ck_assert_uint_eq(pic->chip[0].init_state, 0);
    out(0, 1, 0xfb);
    ck_assert_uint_eq(in(0, 1), 0xfb);

    /* single mode without ICW4: ICW2 only, low bits of the base dropped */
    out(0, 0, 0x12);
    ck_assert_uint_eq(in(0, 1), 0); /* ICW1 cleared IMR */
    out(0, 1, 0x27);
    ck_assert_uint_eq(pic->chip[0].irq_base, 0x20);
    out(0, 1, 0x55); /* now OCW1 */
    ck_assert_uint_eq(in(0, 1), 0x55);

    /* cascade with ICW4: special fully nested + auto EOI */
    out(0, 0, 0x11);
    out(0, 1, 0x08);
    out(0, 1, 0xff); /* ICW3 ignored */
    ck_assert_uint_eq(in(0, 1), 0);
    out(0, 1, 0x13);
    ck_assert_uint_eq(pic->chip[0].special_fully_nested_mode, 1);
    ck_assert_uint_eq(pic->chip[0].auto_eoi, 1);
    ck_assert_uint_eq(pic->chip[0].init_state, 0);

    /* cascade without ICW4: ICW3 ends the sequence */
    out(0, 0, 0x10);
    out(0, 1, 0x08);
    out(0, 1, 0x04);
    out(0, 1, 0x42);
    ck_assert_uint_eq(in(0, 1), 0x42);
    ck_assert_uint_eq(pic->chip[0].auto_eoi, 0);
}
END_TEST

START_TEST(test_elcr_masks)
{
    elcr_out(0, 0xff);
    elcr_out(1, 0xff);
    ck_assert_uint_eq(elcr_in(0), 0xf8);
    ck_assert_uint_eq(elcr_in(1), 0xde);
    /* ICW1 keeps the ELCR; device reset clears it */
    out(0, 0, 0x11);
    ck_assert_uint_eq(elcr_in(0), 0xf8);
    i8259_reset(pic);
    ck_assert_uint_eq(elcr_in(0), 0);
    ck_assert_uint_eq(elcr_in(1), 0);
}
END_TEST

START_TEST(test_edge)
{
    bios_init();
    set_irq(3, 1);
    ck_assert_uint_eq(in(0, 0), 0x08);
    ck_assert_int_eq(cpu_level, 1);
    set_irq(3, 0);
    ck_assert_uint_eq(in(0, 0), 0x08); /* latched */
    set_irq(3, 1); /* a second edge: no change */
    ck_assert_int_eq(i8259_read_irq(pic), 0x0b);
    ck_assert_uint_eq(in(0, 0), 0x00);
    ck_assert_int_eq(cpu_level, 0);
    out(0, 0, 0x0b);
    ck_assert_uint_eq(in(0, 0), 0x08); /* ISR */
    /* raising an already high edge line again does not latch */
    set_irq(3, 1);
    out(0, 0, 0x0a);
    ck_assert_uint_eq(in(0, 0), 0x00);
    out(0, 0, 0x20); /* non-specific EOI */
    out(0, 0, 0x0b);
    ck_assert_uint_eq(in(0, 0), 0x00);
}
END_TEST

START_TEST(test_level_follows_line)
{
    bios_init();
    elcr_out(0, 0x08);
    set_irq(3, 1);
    ck_assert_uint_eq(in(0, 0), 0x08);
    ck_assert_int_eq(cpu_level, 1);
    set_irq(3, 0);
    ck_assert_uint_eq(in(0, 0), 0x00);
    ck_assert_int_eq(cpu_level, 0);
    set_irq(3, 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x0b);
    ck_assert_uint_eq(in(0, 0), 0x08); /* IRR not cleared on ack */
    /* ICW1 keeps level-triggered requests */
    out(0, 0, 0x11);
    ck_assert_uint_eq(pic->chip[0].irr, 0x08);
    ck_assert_uint_eq(pic->chip[0].isr, 0x00);
}
END_TEST

START_TEST(test_poll)
{
    bios_init();
    out(0, 0, 0x0c);
    ck_assert_uint_eq(in(0, 0), 0x00); /* nothing pending */
    ck_assert_uint_eq(pic->chip[0].poll, 0);
    set_irq(4, 1);
    out(0, 0, 0x0c);
    ck_assert_uint_eq(in(0, 1), 0x84); /* either port */
    ck_assert_uint_eq(pic->chip[0].isr, 0x10);
    ck_assert_uint_eq(pic->chip[0].irr, 0x00);
    /* slave request: master poll sees the cascade, slave poll the IRQ */
    set_irq(9, 1);
    ck_assert_uint_eq(pic->chip[0].irr, 0x04);
    out(0, 0, 0x0c);
    ck_assert_uint_eq(in(0, 0), 0x82);
    out(1, 0, 0x0c);
    ck_assert_uint_eq(in(1, 0), 0x81);
    ck_assert_uint_eq(pic->chip[1].isr, 0x02);
}
END_TEST

START_TEST(test_spurious)
{
    bios_init();
    ck_assert_int_eq(i8259_read_irq(pic), 0x0f); /* master IRQ7 */
    ck_assert_uint_eq(pic->chip[0].isr, 0);
    /* slave request withdrawn after the master latched the cascade */
    set_irq(10, 1);
    ck_assert_uint_eq(pic->chip[0].irr, 0x04);
    out(1, 1, 0x04); /* mask it on the slave */
    ck_assert_int_eq(i8259_read_irq(pic), 0x77); /* slave IRQ15 */
    ck_assert_uint_eq(pic->chip[0].isr, 0x04);
    ck_assert_uint_eq(pic->chip[1].isr, 0x00);
}
END_TEST

START_TEST(test_eoi_variants)
{
    bios_init();
    set_irq(1, 1);
    set_irq(5, 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x09);
    /* IRQ5 waits behind IRQ1 */
    ck_assert_int_eq(i8259_get_output(pic), 0);
    out(0, 0, 0x61); /* specific EOI 1 */
    ck_assert_int_eq(i8259_get_output(pic), 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x0d);
    out(0, 0, 0xa0); /* rotate on non-specific EOI */
    ck_assert_uint_eq(pic->chip[0].isr, 0);
    ck_assert_uint_eq(pic->chip[0].priority_add, 6);
    out(0, 0, 0xc3); /* set priority: 4 highest */
    ck_assert_uint_eq(pic->chip[0].priority_add, 4);
    set_irq(2, 1);
    set_irq(6, 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x0e); /* 6 before 2 */
    out(0, 0, 0xe6); /* rotate on specific EOI 6 */
    ck_assert_uint_eq(pic->chip[0].priority_add, 7);
    ck_assert_uint_eq(pic->chip[0].isr, 0);
    out(0, 0, 0x40); /* no operation */
    ck_assert_uint_eq(pic->chip[0].priority_add, 7);
    /* EOI with nothing in service changes nothing */
    out(0, 0, 0xa0);
    ck_assert_uint_eq(pic->chip[0].priority_add, 7);
}
END_TEST

START_TEST(test_auto_eoi)
{
    out(0, 0, 0x11);
    out(0, 1, 0x08);
    out(0, 1, 0x04);
    out(0, 1, 0x03);
    out(0, 0, 0x80); /* rotate in auto-EOI mode */
    ck_assert_uint_eq(pic->chip[0].rotate_on_auto_eoi, 1);
    set_irq(3, 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x0b);
    ck_assert_uint_eq(pic->chip[0].isr, 0);
    ck_assert_uint_eq(pic->chip[0].priority_add, 4);
    out(0, 0, 0x00);
    ck_assert_uint_eq(pic->chip[0].rotate_on_auto_eoi, 0);
}
END_TEST

START_TEST(test_ocw3_and_special_mask)
{
    bios_init();
    set_irq(0, 1);
    set_irq(3, 1);
    ck_assert_int_eq(i8259_read_irq(pic), 0x08);
    out(0, 0, 0x0b);
    ck_assert_uint_eq(in(0, 0), 0x01);
    ck_assert_uint_eq(pic->chip[0].read_reg_select, 1);
    out(0, 0, 0x08); /* RR clear: selection kept */
    ck_assert_uint_eq(in(0, 0), 0x01);
    out(0, 0, 0x0a);
    ck_assert_uint_eq(in(0, 0), 0x08);
    /* IRQ3 blocked by IRQ0 in service until special mask mode */
    ck_assert_int_eq(i8259_get_output(pic), 0);
    out(0, 1, 0x01);
    out(0, 0, 0x68);
    ck_assert_uint_eq(pic->chip[0].special_mask, 1);
    ck_assert_int_eq(i8259_get_output(pic), 1);
    out(0, 0, 0x48);
    ck_assert_uint_eq(pic->chip[0].special_mask, 0);
    ck_assert_int_eq(i8259_get_output(pic), 0);
}
END_TEST

START_TEST(test_info_text)
{
    char *t;

    bios_init();
    elcr_out(1, 0x02);
    set_irq(9, 1);
    set_irq(9, 0);
    set_irq(9, 1);
    t = i8259_info_pic(pic);
    ck_assert_str_eq(
        t, "pic1: irr=02 imr=00 isr=00 hprio=0 irq_base=70 rr_sel=0 elcr=02 "
           "fnm=0\n"
           "pic0: irr=04 imr=00 isr=00 hprio=0 irq_base=08 rr_sel=0 elcr=00 "
           "fnm=0\n");
    free(t);
    t = i8259_info_irq(pic);
    ck_assert_str_eq(t, "IRQ statistics for isa-i8259:\n 2: 2\n 9: 2\n");
    free(t);
}
END_TEST

static Suite *i8259_suite(void)
{
    Suite *s = suite_create("i8259");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_icw_sequences);
    tcase_add_test(tc, test_elcr_masks);
    tcase_add_test(tc, test_edge);
    tcase_add_test(tc, test_level_follows_line);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_spurious);
    tcase_add_test(tc, test_eoi_variants);
    tcase_add_test(tc, test_auto_eoi);
    tcase_add_test(tc, test_ocw3_and_special_mask);
    tcase_add_test(tc, test_info_text);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { i8259_suite };
