/*
 * Unit tests: the simulated guest's policies (acpi/ospm.c): parsing and
 * formatting, and when it acts: never inside the call that raised the
 * SCI, never while the machine is not running, after MS milliseconds for
 * delay:MS, never for passive, and on cont for an SCI left pending.
 * No machine is built: the I/O space is empty, so the GPE block reads
 * all-ones and always looks pending, which is all the scheduling needs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "acpi/ospm.h"
#include "acpi/ospm_priv.h"
#include "src/loop.h"
#include "src/memory.h"
#include "src/options.h"
#include "src/runstate.h"

static void parse_ok(const char *s, OspmPolicyKind kind, uint32_t ms,
                     const char *canon)
{
    OspmPolicy p;
    Error *err = NULL;
    char buf[OSPM_POLICY_STR_MAX];

    ck_assert_msg(ospm_policy_parse(s, &p, &err), "%s rejected", s);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(p.kind, kind);
    if (kind == OSPM_POLICY_DELAY) {
        ck_assert_uint_eq(p.delay_ms, ms);
    }
    ck_assert_str_eq(ospm_policy_format(&p, buf, sizeof(buf)), canon);
}

static void parse_bad(const char *s, const char *msg)
{
    OspmPolicy p;
    Error *err = NULL;

    ck_assert_msg(!ospm_policy_parse(s, &p, &err), "%s accepted", s);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(error_get_pretty(err), msg);
    error_free(err);
}

START_TEST(test_parse)
{
    static const char bad_delay[] = "Parameter 'policy' expects a delay in "
                                    "milliseconds from 0 to 3600000 "
                                    "(delay:MS)";

    parse_ok("linux", OSPM_POLICY_LINUX, 0, "linux");
    parse_ok("passive", OSPM_POLICY_PASSIVE, 0, "passive");
    parse_ok("reject", OSPM_POLICY_REJECT, 0, "reject");
    parse_ok("delay:0", OSPM_POLICY_DELAY, 0, "delay:0");
    parse_ok("delay:200", OSPM_POLICY_DELAY, 200, "delay:200");
    parse_ok("delay:007", OSPM_POLICY_DELAY, 7, "delay:7");
    parse_ok("delay:3600000", OSPM_POLICY_DELAY, 3600000, "delay:3600000");
    parse_bad("delay:3600001", bad_delay);
    parse_bad("delay:", bad_delay);
    parse_bad("delay:-1", bad_delay);
    parse_bad("delay:+5", bad_delay);
    parse_bad("delay:5ms", bad_delay);
    parse_bad("delay:99999999999999999999", bad_delay);
    parse_bad("Linux", "Parameter 'policy' does not accept value 'Linux' "
                       "(expected linux, passive, reject or delay:MS)");
    parse_bad("", "Parameter 'policy' does not accept value '' "
                  "(expected linux, passive, reject or delay:MS)");
    parse_bad(NULL, "Parameter 'policy' does not accept value '' "
                    "(expected linux, passive, reject or delay:MS)");
}
END_TEST

static void setup_guest(const char *policy)
{
    MachineOptions opts;
    RunConfig rc = { false };
    Error *err = NULL;

    memory_init();
    ck_assert(loop_init());
    runstate_init(true, &rc);
    memset(&opts, 0, sizeof(opts));
    opts.guest_policy = (char *)policy;
    ck_assert(ospm_init(&opts, &err));
}

static void teardown_guest(void)
{
    ospm_fini();
    loop_fini();
    memory_cleanup();
}

/* Runs the loop for about ms milliseconds. */
static void spin(int ms)
{
    int64_t end = loop_now_ns() + (int64_t)ms * 1000000;

    while (loop_now_ns() < end) {
        loop_iterate(5);
    }
}

START_TEST(test_bad_policy_at_init)
{
    MachineOptions opts;
    Error *err = NULL;

    memory_init();
    memset(&opts, 0, sizeof(opts));
    opts.guest_policy = (char *)"sometimes";
    ck_assert(!ospm_init(&opts, &err));
    ck_assert_ptr_nonnull(err);
    error_free(err);
    memory_cleanup();
}
END_TEST

START_TEST(test_linux_acts_next_iteration)
{
    Error *err = NULL;
    unsigned base;

    setup_guest("linux");
    /* Prelaunch: an SCI is left alone. */
    ospm_priv_sci();
    spin(20);
    ck_assert_uint_eq(ospm_priv_run_count(), 0);
    /* cont: boots, sees the pending GPE, acts on the next iteration. */
    ck_assert(vm_cont(&err));
    ck_assert_uint_eq(ospm_priv_run_count(), 0);
    loop_iterate(0);
    ck_assert_uint_eq(ospm_priv_run_count(), 1);
    base = ospm_priv_run_count();
    ospm_priv_sci();
    ck_assert_uint_eq(ospm_priv_run_count(), base);
    spin(10);
    ck_assert_uint_eq(ospm_priv_run_count(), base + 1);
    /* Paused: nothing, until cont. */
    vm_stop();
    ospm_priv_sci();
    spin(20);
    ck_assert_uint_eq(ospm_priv_run_count(), base + 1);
    ck_assert(vm_cont(&err));
    spin(10);
    ck_assert_uint_eq(ospm_priv_run_count(), base + 2);
    teardown_guest();
}
END_TEST

START_TEST(test_passive_never_acts)
{
    Error *err = NULL;
    OspmPolicy linux_policy = { OSPM_POLICY_LINUX, 0 };

    setup_guest("passive");
    ck_assert(vm_cont(&err));
    ospm_priv_sci();
    spin(30);
    ck_assert_uint_eq(ospm_priv_run_count(), 0);
    /* Switching to linux picks up what is pending. */
    ospm_set_policy(&linux_policy);
    spin(10);
    ck_assert_uint_eq(ospm_priv_run_count(), 1);
    teardown_guest();
}
END_TEST

START_TEST(test_delay)
{
    Error *err = NULL;
    OspmPolicy p;
    int64_t t0;

    setup_guest("delay:100");
    p = ospm_get_policy();
    ck_assert_int_eq(p.kind, OSPM_POLICY_DELAY);
    ck_assert_uint_eq(p.delay_ms, 100);
    t0 = loop_now_ns();
    ck_assert(vm_cont(&err));
    spin(60);
    ck_assert_uint_eq(ospm_priv_run_count(), 0);
    while (ospm_priv_run_count() == 0 &&
           loop_now_ns() - t0 < 1000 * 1000000LL) {
        loop_iterate(5);
    }
    ck_assert_uint_eq(ospm_priv_run_count(), 1);
    ck_assert(loop_now_ns() - t0 >= 100 * 1000000LL);
    /* Paused when the delay ends: nothing; cont restarts the delay. */
    ospm_priv_sci();
    spin(20);
    vm_stop();
    spin(120);
    ck_assert_uint_eq(ospm_priv_run_count(), 1);
    ck_assert(vm_cont(&err));
    spin(60);
    ck_assert_uint_eq(ospm_priv_run_count(), 1);
    spin(100);
    ck_assert_uint_eq(ospm_priv_run_count(), 2);
    teardown_guest();
}
END_TEST

static Suite *ospm_suite(void)
{
    Suite *s = suite_create("ospm");
    TCase *tc = tcase_create("policy");

    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_bad_policy_at_init);
    tcase_add_test(tc, test_linux_acts_next_iteration);
    tcase_add_test(tc, test_passive_never_acts);
    tcase_add_test(tc, test_delay);
    tcase_set_timeout(tc, 20);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { ospm_suite };
