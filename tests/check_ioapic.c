/* Unit tests: the IOAPIC (registers, redirection table, edge/level). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "src/gsi.h"
#include "src/i8259.h"
#include "src/ioapic.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define EOI 0x40

static IOAPICState *io;
static int n_msgs;
static uint32_t last_addr, last_data;

static void deliver(void *opaque, uint32_t addr, uint32_t data)
{
    (void)opaque;
    n_msgs++;
    last_addr = addr;
    last_data = data;
}

static void setup(void)
{
    n_msgs = 0;
    io = ioapic_init(NULL);
    ioapic_set_delivery(io, deliver, NULL);
}

static void teardown(void)
{
    ioapic_free(io);
}

static void wr(uint64_t addr, uint64_t val, unsigned size)
{
    ck_assert_int_eq(
        memory_region_dispatch_write(&io->io_memory, addr, val, size),
        MEMTX_OK);
}

static uint64_t rd(uint64_t addr, unsigned size)
{
    uint64_t v = 0xdead;

    ck_assert_int_eq(
        memory_region_dispatch_read(&io->io_memory, addr, &v, size), MEMTX_OK);
    return v;
}

static uint32_t reg(uint8_t index)
{
    wr(IOREGSEL, index, 4);
    return rd(IOWIN, 4);
}

static void set_reg(uint8_t index, uint32_t val)
{
    wr(IOREGSEL, index, 4);
    wr(IOWIN, val, 4);
}

static void line(int n, int level)
{
    qemu_set_irq(ioapic_get_irqs(io)[n], level);
}

START_TEST(test_reset_registers)
{
    int i;

    ck_assert_str_eq(memory_region_name(&io->io_memory), "ioapic");
    ck_assert_uint_eq(memory_region_size(&io->io_memory), 0x1000);
    ck_assert_uint_eq(reg(0x00), 0);
    ck_assert_uint_eq(reg(0x01), 0x00170020);
    ck_assert_uint_eq(reg(0x02), 0);
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        ck_assert_uint_eq(reg(0x10 + 2 * i), 0x00010000);
        ck_assert_uint_eq(reg(0x11 + 2 * i), 0);
    }
    ck_assert_uint_eq(reg(0x40), 0); /* past the table */
    ck_assert_uint_eq(reg(0x03), 0);
    ck_assert_uint_eq(rd(IOREGSEL, 4), 0x03);
    ck_assert_ptr_eq(ioapic_get_default(), io);
}
END_TEST

START_TEST(test_id_and_readonly)
{
    set_reg(0x00, 0xffffffff);
    ck_assert_uint_eq(reg(0x00), 0x0f000000);
    ck_assert_uint_eq(reg(0x02), 0x0f000000); /* ARB reads the id */
    set_reg(0x01, 0);
    set_reg(0x02, 0);
    ck_assert_uint_eq(reg(0x01), 0x00170020);
    ck_assert_uint_eq(reg(0x00), 0x0f000000);
    ioapic_reset(io);
    ck_assert_uint_eq(reg(0x00), 0);
}
END_TEST

START_TEST(test_redir_write_masks)
{
    set_reg(0x10, 0xffffffff);
    /* delivery status and remote IRR are read-only */
    ck_assert_uint_eq(reg(0x10), 0xffffafff);
    set_reg(0x11, 0xffffffff);
    ck_assert_uint_eq(reg(0x11), 0xffffffff);
    set_reg(0x3f, 0x12345678);
    ck_assert_uint_eq(reg(0x3f), 0x12345678);
    ck_assert_uint_eq(io->ioredtbl[23] >> 32, 0x12345678);
}
END_TEST

START_TEST(test_access_sizes)
{
    wr(IOREGSEL, 0x1ff, 4); /* IOREGSEL is 8 bits */
    ck_assert_uint_eq(rd(IOREGSEL, 4), 0xff);
    wr(IOREGSEL, 0x01, 1);
    ck_assert_uint_eq(rd(IOREGSEL, 1), 0x01);
    ck_assert_uint_eq(rd(IOWIN, 2), 0); /* only 32-bit window accesses */
    ck_assert_uint_eq(rd(IOWIN, 1), 0);
    wr(IOREGSEL, 0x10, 4);
    wr(IOWIN, 0x33, 2);
    ck_assert_uint_eq(reg(0x10), 0x00010000);
    /* the low 8 address bits decode */
    wr(0x100 + IOREGSEL, 0x01, 4);
    ck_assert_uint_eq(rd(0x210, 4), 0x00170020);
    ck_assert_uint_eq(rd(0x20, 4), 0);
}
END_TEST

START_TEST(test_edge_delivery)
{
    /* masked edge: lost */
    line(5, 1);
    line(5, 0);
    ck_assert_uint_eq(io->irr, 0);
    set_reg(0x1b, 0xff000000);
    set_reg(0x1a, 0x00000035); /* pin 5, vector 0x35, edge */
    line(5, 1);
    ck_assert_int_eq(n_msgs, 1);
    ck_assert_uint_eq(last_addr, 0xfeeff000);
    ck_assert_uint_eq(last_data, 0x35);
    ck_assert_uint_eq(io->irr, 0);
    line(5, 0);
    line(5, 1);
    ck_assert_int_eq(n_msgs, 2);
}
END_TEST

START_TEST(test_input0_to_pin2)
{
    set_reg(0x14, 0x00000030); /* pin 2 */
    line(0, 1);
    ck_assert_int_eq(n_msgs, 1);
    ck_assert_uint_eq(last_data, 0x30);
    line(2, 0);
    line(2, 1);
    ck_assert_int_eq(n_msgs, 2);
    ck_assert_uint_eq(io->irq_count[0], 1);
    ck_assert_uint_eq(io->irq_count[2], 1);
}
END_TEST

START_TEST(test_level_remote_irr)
{
    set_reg(0x22, 0x0001a841); /* pin 9: masked level lo vec 0x41 */
    line(9, 1);
    ck_assert_uint_eq(io->irr, 1u << 9); /* level IRR ignores the mask */
    ck_assert_int_eq(n_msgs, 0);
    set_reg(0x22, 0x0000a841); /* unmask: delivered */
    ck_assert_int_eq(n_msgs, 1);
    ck_assert_uint_eq(last_data, 0x8041);
    ck_assert_uint_eq(reg(0x22), 0x0000e841);
    line(9, 0);
    line(9, 1);
    ck_assert_int_eq(n_msgs, 1); /* coalesced behind remote IRR */
    wr(EOI, 0x42, 4); /* other vector */
    ck_assert_uint_eq(reg(0x22), 0x0000e841);
    wr(EOI, 0x41, 2); /* wrong size */
    ck_assert_uint_eq(reg(0x22), 0x0000e841);
    wr(EOI, 0x41, 4); /* line still high: again */
    ck_assert_int_eq(n_msgs, 2);
    ck_assert_uint_eq(reg(0x22), 0x0000e841);
    line(9, 0);
    ioapic_eoi_broadcast(io, 0x41);
    ck_assert_uint_eq(reg(0x22), 0x0000a841);
    ck_assert_uint_eq(io->irr, 0);
    ck_assert_int_eq(n_msgs, 2);
    /* switching to edge drops a remote IRR */
    line(9, 1);
    ck_assert_uint_eq(reg(0x22), 0x0000e841);
    set_reg(0x22, 0x00010041);
    ck_assert_uint_eq(reg(0x22), 0x00010041);
}
END_TEST

START_TEST(test_info_text)
{
    char *t, *p;

    set_reg(0x13, 0x02000000);
    set_reg(0x12, 0x0000a930); /* pin 1 level lo logical */
    line(1, 1);
    line(1, 0);
    line(1, 1);
    line(16, 1);
    wr(IOREGSEL, 0x13, 4);
    t = ioapic_info_pic(io);
    ck_assert(!strncmp(t,
                       "ioapic0: ver=0x20 id=0x00 sel=0x13 (redir[1])\n"
                       "  pin 0  0x0000000000010000 dest=0 vec=0   "
                       "active-hi edge  masked fixed  physical\n"
                       "  pin 1  0x020000000000e930 dest=2 vec=48  "
                       "active-lo level        fixed  logical\n",
                       183));
    p = strstr(t, "  IRR      ");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "  IRR      1  \n  Remote IRR 1  \n");
    free(t);
    wr(IOREGSEL, 0x01, 4);
    t = ioapic_info_pic(io);
    ck_assert(!strncmp(t,
                       "ioapic0: ver=0x20 id=0x00 sel=0x01 "
                       "(redir[4294967288])\n",
                       55));
    free(t);
    t = ioapic_info_irq(io);
    ck_assert_str_eq(t, "IRQ statistics for ioapic:\n 1: 2\n16: 1\n");
    free(t);
}
END_TEST

START_TEST(test_gsi_fanout)
{
    GSIState *g = gsi_init();
    I8259State *pic = i8259_init(NULL, NULL);
    qemu_irq *gsi = gsi_get_irqs(g);

    gsi_connect_i8259(g, i8259_get_irqs(pic));
    gsi_connect_ioapic(g, ioapic_get_irqs(io));
    qemu_set_irq(gsi[0], 1);
    qemu_set_irq(gsi[9], 1);
    qemu_set_irq(gsi[20], 1);
    ck_assert_uint_eq(pic->chip[0].irr, 0x05);
    ck_assert_uint_eq(pic->chip[1].irr, 0x02);
    ck_assert_uint_eq(io->irq_count[0], 1);
    ck_assert_uint_eq(io->irq_count[9], 1);
    ck_assert_uint_eq(io->irq_count[20], 1);
    ck_assert_uint_eq(pic->irq_count[9], 1);
    i8259_free(pic);
    gsi_free(g);
}
END_TEST

static Suite *ioapic_suite(void)
{
    Suite *s = suite_create("ioapic");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_registers);
    tcase_add_test(tc, test_id_and_readonly);
    tcase_add_test(tc, test_redir_write_masks);
    tcase_add_test(tc, test_access_sizes);
    tcase_add_test(tc, test_edge_delivery);
    tcase_add_test(tc, test_input0_to_pin2);
    tcase_add_test(tc, test_level_remote_irr);
    tcase_add_test(tc, test_info_text);
    tcase_add_test(tc, test_gsi_fanout);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { ioapic_suite };
