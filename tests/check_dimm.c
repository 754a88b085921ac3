/* Unit tests for the slot and address choice in src/dimm.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "dimm.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

/* -m 1G,slots=4,maxmem=8G: base 4 GiB, 11 GiB of device-memory. */
static const DimmLayout layout = {
    .slots = 4,
    .base = 4 * GiB,
    .size = 11 * GiB,
    .capacity = 7 * GiB,
};

static void expect_error(Error *err, const char *text)
{
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(error_get_pretty(err), text);
    error_free(err);
}

START_TEST(test_slots)
{
    bool used[4] = { false, true, false, false };
    bool full[4] = { true, true, true, true };
    Error *err = NULL;

    ck_assert_int_eq(dimm_choose_slot(used, 4, -1, NULL), 0);
    used[0] = true;
    ck_assert_int_eq(dimm_choose_slot(used, 4, -1, NULL), 2);
    ck_assert_int_eq(dimm_choose_slot(used, 4, 3, NULL), 3);
    ck_assert_int_eq(dimm_choose_slot(used, 4, 1, &err), -1);
    expect_error(err, "slot 1 is busy");
    err = NULL;
    ck_assert_int_eq(dimm_choose_slot(used, 4, 4, &err), -1);
    expect_error(err, "invalid slot number 4, valid range is [0-3]");
    err = NULL;
    ck_assert_int_eq(dimm_choose_slot(used, 4, -2, &err), -1);
    expect_error(err, "invalid slot number -2, valid range is [0-3]");
    err = NULL;
    ck_assert_int_eq(dimm_choose_slot(full, 4, -1, &err), -1);
    expect_error(err, "no free slots available");
    err = NULL;
    ck_assert_int_eq(dimm_choose_slot(full, 0, -1, &err), -1);
    expect_error(err, "no slots where allocated, please specify the "
                      "'slots' option");
}
END_TEST

START_TEST(test_first_fit)
{
    /* A hole of 512 MiB at the base, then 1 GiB, then 2 MiB. */
    DimmRange r[] = {
        { 4 * GiB + 512 * MiB, GiB, "a" },
        { 4 * GiB + 1536 * MiB, 2 * MiB, NULL },
    };
    uint64_t addr = 0;

    ck_assert(
        dimm_choose_addr(&layout, NULL, 0, 0, NULL, 2 * MiB, GiB, &addr, NULL));
    ck_assert_uint_eq(addr, 4 * GiB);
    /* Fits in the hole. */
    ck_assert(dimm_choose_addr(&layout, r, 2, GiB + 2 * MiB, NULL, 2 * MiB,
                               512 * MiB, &addr, NULL));
    ck_assert_uint_eq(addr, 4 * GiB);
    /* Does not: moves past each overlapping device, aligned. */
    ck_assert(dimm_choose_addr(&layout, r, 2, GiB + 2 * MiB, NULL, 2 * MiB, GiB,
                               &addr, NULL));
    ck_assert_uint_eq(addr, 4 * GiB + 1538 * MiB);
    /* 4 KiB alignment (file backend) right after the last device. */
    ck_assert(dimm_choose_addr(&layout, r, 2, GiB + 2 * MiB, NULL, 4096, GiB,
                               &addr, NULL));
    ck_assert_uint_eq(addr, 4 * GiB + 1538 * MiB);
}
END_TEST

START_TEST(test_addr_errors)
{
    DimmRange r[] = { { 4 * GiB, 512 * MiB, "d0" } };
    uint64_t addr = 0, hint;
    Error *err = NULL;

    ck_assert(!dimm_choose_addr(&layout, NULL, 0, 0, NULL, 2 * MiB, 8 * GiB,
                                &addr, &err));
    expect_error(err, "not enough space, currently 0x0 in use of total "
                      "space for memory devices 0x1c0000000");
    err = NULL;
    hint = 4 * GiB + 4096;
    ck_assert(!dimm_choose_addr(&layout, NULL, 0, 0, &hint, 2 * MiB, GiB, &addr,
                                &err));
    expect_error(err, "address must be aligned to 0x200000 bytes");
    err = NULL;
    ck_assert(!dimm_choose_addr(&layout, NULL, 0, 0, NULL, 2 * MiB, 3 * MiB,
                                &addr, &err));
    expect_error(err, "backend memory size must be multiple of 0x200000");
    err = NULL;
    hint = 15 * GiB;
    ck_assert(!dimm_choose_addr(&layout, NULL, 0, 0, &hint, 2 * MiB, 512 * MiB,
                                &addr, &err));
    expect_error(err, "can't add memory device [0x3c0000000:0x20000000], "
                      "usable range for memory devices "
                      "[0x100000000:0x2c0000000]");
    err = NULL;
    hint = 4 * GiB + 256 * MiB;
    ck_assert(!dimm_choose_addr(&layout, r, 1, 512 * MiB, &hint, 2 * MiB,
                                512 * MiB, &addr, &err));
    expect_error(err, "address range conflicts with memory device id='d0'");
    hint = 4 * GiB + 512 * MiB;
    ck_assert(dimm_choose_addr(&layout, r, 1, 512 * MiB, &hint, 2 * MiB,
                               512 * MiB, &addr, NULL));
    ck_assert_uint_eq(addr, hint);
}
END_TEST

START_TEST(test_no_device_memory)
{
    DimmLayout none = { .slots = 2 };
    uint64_t addr;
    Error *err = NULL;

    ck_assert(
        !dimm_choose_addr(&none, NULL, 0, 0, NULL, 2 * MiB, GiB, &addr, &err));
    expect_error(err, "memory devices (e.g. for memory hotplug) are not "
                      "enabled, please specify the maxmem option");
}
END_TEST

static Suite *dimm_suite(void)
{
    Suite *s = suite_create("dimm");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_slots);
    tcase_add_test(tc, test_first_fit);
    tcase_add_test(tc, test_addr_errors);
    tcase_add_test(tc, test_no_device_memory);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { dimm_suite };
