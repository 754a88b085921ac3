/*
 * Unit tests: the legacy ISA devices through the I/O address space (DMA
 * flip-flop and mask, PIT latch and read-back, RTC index and CMOS, i8042
 * commands, fw_cfg selector and data, portio access widths).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "src/isa.h"
#include "src/memory.h"

static int irq_level[16];
static qemu_irq *irqs;

static void isa_irq(void *opaque, int n, int level)
{
    (void)opaque;
    irq_level[n] = level;
}

static I8257State *dma0, *dma1;
static PITState *pit;
static PCSpkState *spk;
static I8042State *kbd;
static RTCState *rtc;
static FWCfgState *fw;

static void setup(void)
{
    MemoryRegion *io;

    memory_init();
    io = get_system_io();
    memset(irq_level, 0, sizeof(irq_level));
    irqs = qemu_allocate_irqs(isa_irq, NULL, 16);
    dma0 = i8257_init(io, 0x00, 0, 0x80);
    dma1 = i8257_init(io, 0xc0, 1, 0x88);
    pit = pit_init(io, 0x40, irqs[0]);
    spk = pcspk_init(io, 0x61, pit);
    kbd = i8042_init(io, irqs[1], irqs[12]);
    rtc = rtc_init(io, 0x70, irqs[8]);
    fw = fw_cfg_init_io_dma(io, 0x510, 0x514, &address_space_memory);
}

static void teardown(void)
{
    /* The devices stay mapped; the address spaces go away. */
    memory_cleanup();
}

static unsigned in(uint16_t port, unsigned size)
{
    return (unsigned)address_space_ld(&address_space_io, port, size);
}

static void out(uint16_t port, unsigned val, unsigned size)
{
    address_space_st(&address_space_io, port, val, size);
}

START_TEST(test_dma_flip_flop)
{
    ck_assert_uint_eq(in(0x09, 1), 0xff); /* all masked after reset */
    out(0x00, 0x34, 1);
    out(0x00, 0x12, 1);
    ck_assert_uint_eq(in(0x00, 1), 0x34);
    ck_assert_uint_eq(in(0x00, 1), 0x12);
    in(0x00, 1); /* flip-flop now high */
    out(0x0c, 0, 1); /* clear it */
    ck_assert_uint_eq(in(0x00, 1), 0x34);
    out(0x0f, 0x05, 1);
    ck_assert_uint_eq(in(0x09, 1), 0x05);
    out(0x0a, 0x00, 1); /* unmask channel 0 */
    ck_assert_uint_eq(in(0x09, 1), 0x04);
    out(0x09, 0x06, 1); /* request channel 2 */
    ck_assert_uint_eq(in(0x08, 1), 0x40);
    out(0x0d, 0, 1); /* master clear */
    ck_assert_uint_eq(in(0x08, 1), 0x00);
    ck_assert_uint_eq(in(0x09, 1), 0xff);
    /* 16-bit controller: addresses in words. */
    out(0xc4, 0x78, 1);
    out(0xc4, 0x56, 1);
    ck_assert_uint_eq(in(0xc4, 1), 0x78);
    ck_assert_uint_eq(in(0xc5, 1), 0x56);
    /* Page registers: a portio list. */
    out(0x81, 0x3456, 2);
    ck_assert_uint_eq(in(0x81, 2), 0x3456);
    ck_assert_uint_eq(in(0x83, 2), 0xff00);
    ck_assert_uint_eq(in(0x81, 4), 0xffffffff);
    i8257_reset(dma0);
    i8257_reset(dma1);
}
END_TEST

START_TEST(test_pit_latch_readback)
{
    ck_assert_uint_eq(in(0x40, 1), 0x00); /* 0x10000, mode 3 */
    out(0x43, 0xe2, 1); /* status of channel 0 */
    ck_assert_uint_eq(in(0x40, 1), 0x86);
    out(0x43, 0x34, 1); /* lsb/msb, mode 2 */
    out(0x40, 0x34, 1);
    out(0x40, 0x12, 1);
    out(0x43, 0x00, 1); /* latch */
    out(0x43, 0x00, 1); /* second latch ignored */
    ck_assert_uint_eq(in(0x40, 1), 0x34);
    ck_assert_uint_eq(in(0x40, 1), 0x12);
    out(0x43, 0xc2, 1); /* count and status */
    ck_assert_uint_eq(in(0x40, 1), 0x34);
    ck_assert_uint_eq(in(0x40, 1), 0x34);
    ck_assert_uint_eq(in(0x40, 1), 0x12);
    ck_assert_uint_eq(in(0x43, 1), 0x00); /* write-only */
    ck_assert_int_eq(irq_level[0], 0); /* mode 2 output low */
    pit_reset(pit);
    ck_assert_int_eq(irq_level[0], 1);
    /* Port 0x61: gate 2, speaker data, refresh toggling. */
    ck_assert_uint_eq(in(0x61, 1), 0x30); /* mode 3: output high */
    ck_assert_uint_eq(in(0x61, 1), 0x20);
    out(0x61, 0x03, 1);
    ck_assert_uint_eq(in(0x61, 1), 0x33);
}
END_TEST

START_TEST(test_rtc_cmos)
{
    ck_assert_uint_eq(in(0x70, 1), 0xff);
    out(0x70, 0x8d, 1); /* NMI bit dropped */
    ck_assert_uint_eq(in(0x71, 1), 0x80);
    out(0x70, 0x0b, 1);
    ck_assert_uint_eq(in(0x71, 1), 0x02);
    out(0x71, 0x00, 1); /* D is read-only */
    out(0x70, 0x0d, 1);
    out(0x71, 0x00, 1);
    ck_assert_uint_eq(in(0x71, 1), 0x80);
    out(0x70, 0x40, 1);
    out(0x71, 0x5a, 1);
    ck_assert_uint_eq(in(0x71, 1), 0x5a);
    ck_assert_uint_eq(rtc_get_memory(rtc, 0x40), 0x5a);
    rtc_set_memory(rtc, 0x15, 0x80);
    out(0x70, 0x15, 1);
    ck_assert_uint_eq(in(0x70, 2), 0x80ff); /* rtc-index, then data */
    out(0x70, 0x450e, 2); /* index 0x0e, data 0x45 */
    ck_assert_uint_eq(rtc_get_memory(rtc, 0x0e), 0x45);
    out(0x70, 0x0a, 1);
    out(0x71, 0x85, 1); /* UIP is read-only */
    ck_assert_uint_eq(rtc_get_memory(rtc, 0x0a), 0x05);
}
END_TEST

START_TEST(test_i8042_commands)
{
    ck_assert_uint_eq(in(0x64, 1), 0x18);
    out(0x64, 0xaa, 1); /* self-test */
    ck_assert_uint_eq(in(0x64, 1), 0x1d);
    ck_assert_int_eq(irq_level[1], 1);
    ck_assert_uint_eq(in(0x60, 1), 0x55);
    ck_assert_uint_eq(in(0x64, 1), 0x1c);
    ck_assert_int_eq(irq_level[1], 0);
    out(0x64, 0x60, 1); /* write command byte */
    out(0x60, 0x45, 1);
    out(0x64, 0x20, 1);
    ck_assert_uint_eq(in(0x60, 1), 0x45);
    out(0x64, 0xd3, 1); /* as if from the mouse */
    out(0x60, 0x77, 1);
    ck_assert_uint_eq(in(0x64, 1), 0x3d);
    ck_assert_uint_eq(in(0x60, 1), 0x77);
    out(0x60, 0xf2, 1); /* keyboard identify */
    ck_assert_uint_eq(in(0x60, 1), 0xfa);
    ck_assert_uint_eq(in(0x60, 1), 0xab);
    ck_assert_uint_eq(in(0x60, 1), 0x41); /* translated */
    ck_assert_uint_eq(in(0x64, 1), 0x1c);
    ck_assert_uint_eq(in(0x60, 1), 0x41); /* last byte again */
    out(0x64, 0xd0, 1);
    ck_assert_uint_eq(in(0x60, 1), 0xcf);
    i8042_reset(kbd);
    ck_assert_uint_eq(in(0x64, 1), 0x18);
}
END_TEST

START_TEST(test_fw_cfg)
{
    static const uint8_t data[3] = { 1, 2, 3 };

    ck_assert_uint_eq(in(0x511, 1), 'Q'); /* signature selected */
    out(0x510, 0x0000, 2);
    ck_assert_uint_eq(in(0x511, 1), 'Q');
    ck_assert_uint_eq(in(0x510, 1), 'E'); /* data at either port */
    ck_assert_uint_eq(in(0x511, 1), 'M');
    ck_assert_uint_eq(in(0x511, 1), 'U');
    ck_assert_uint_eq(in(0x511, 1), 0); /* past the end */
    out(0x510, 0x0001, 2);
    ck_assert_uint_eq(in(0x511, 1), 0x03); /* traditional + DMA */
    ck_assert_uint_eq(in(0x510, 2), 0); /* refused width */
    fw_cfg_add_i16(fw, 0x0005, 0x0102);
    fw_cfg_add_file(fw, "b", data, 3);
    fw_cfg_add_file(fw, "a", data, 1);
    out(0x510, 0x0019, 2); /* file directory */
    ck_assert_uint_eq(in(0x511, 1), 0);
    in(0x511, 1);
    in(0x511, 1);
    ck_assert_uint_eq(in(0x511, 1), 2);
    out(0x510, 0x0021, 2); /* "b" sorts second */
    ck_assert_uint_eq(in(0x511, 1), 1);
    ck_assert_uint_eq(in(0x511, 1), 2);
    out(0x510, 0x0005, 2);
    ck_assert_uint_eq(in(0x511, 1), 0x02);
    out(0x510, 0x0005, 1); /* byte writes ignored */
    ck_assert_uint_eq(in(0x511, 1), 0x01);
    ck_assert_uint_eq(in(0x514, 4), 0x554d4551);
    ck_assert_uint_eq(in(0x518, 4), 0x47464320);
    fw_cfg_reset(fw);
    ck_assert_uint_eq(in(0x511, 1), 'Q');
}
END_TEST

/*
 * A DMA read of item 0 (4 bytes) with the largest length, 4 GiB - 1:
 * the item, then zeros, to RAM at 0x1000 and on through unmapped space.
 * It must finish quickly (the test's timeout): found by
 * tests/fuzz/fuzz_qtest, it used to take minutes.
 */
START_TEST(test_fw_cfg_dma_huge)
{
    static const uint8_t desc[16] = {
        0x00, 0x00, 0x00, 0x0a, /* control: select item 0, read */
        0xff, 0xff, 0xff, 0xff, /* length */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, /* address */
    };
    static const uint8_t want[8] = { 'Q', 'E', 'M', 'U', 0, 0, 0, 0 };
    MemoryRegion ram;
    uint8_t got[8];

    memory_region_init_ram(&ram, NULL, "ram", 0x10000);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    address_space_write(&address_space_memory, 0x100, desc, sizeof(desc));
    memset(got, 0xaa, sizeof(got));
    address_space_write(&address_space_memory, 0x1000, got, sizeof(got));
    out(0x514, 0, 4); /* descriptor address, high half */
    out(0x518, 0x00010000, 4); /* low half 0x100 (big-endian) */
    address_space_read(&address_space_memory, 0x1000, got, sizeof(got));
    ck_assert_mem_eq(got, want, sizeof(want));
    address_space_read(&address_space_memory, 0xfff8, got, sizeof(got));
    ck_assert_mem_eq(got, want + 4, 4);
    address_space_read(&address_space_memory, 0x100, got, 4);
    ck_assert_mem_eq(got, want + 4, 4); /* control 0: done, no error */
    memory_region_del_subregion(get_system_memory(), &ram);
    memory_region_finalize(&ram);
}
END_TEST

static Suite *isa_suite(void)
{
    Suite *s = suite_create("isa");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_dma_flip_flop);
    tcase_add_test(tc, test_pit_latch_readback);
    tcase_add_test(tc, test_rtc_cmos);
    tcase_add_test(tc, test_i8042_commands);
    tcase_add_test(tc, test_fw_cfg);
    tcase_add_test(tc, test_fw_cfg_dma_huge);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { isa_suite };
