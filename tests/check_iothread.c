/*
 * Unit tests: what qmachined chose for iothreads where QEMU runs a thread
 * (thread-id is the daemon's own thread id), and the "info iothreads"
 * text, which the differential tests can only compare empty (QEMU's
 * thread ids differ per run).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check-main.h"
#include "qmp/commands.h"
#include "src/iothread.h"
#include "src/object.h"
#include "src/user-creatable.h"
#include "src/util.h"

static void add_iothread(const char *json)
{
    json_t *args = json_loads(json, 0, NULL);
    Error *err = NULL;

    ck_assert_ptr_nonnull(args);
    object_register_all_types();
    ck_assert_msg(user_creatable_add_dict(args, &err), "%s",
                  err ? error_get_pretty(err) : "");
    json_decref(args);
}

static void collect(const IOThreadInfo *t, void *opaque)
{
    IOThreadInfo *out = opaque;

    *out = *t;
}

START_TEST(test_thread_id_is_ours)
{
    IOThreadInfo t = { 0 };

    add_iothread("{\"qom-type\":\"iothread\",\"id\":\"io0\"}");
    iothread_foreach(collect, &t);
    ck_assert_str_eq(t.id, "io0");
    ck_assert_int_eq(t.thread_id, (int64_t)syscall(SYS_gettid));
    ck_assert_int_eq(t.poll_max_ns, 32768);
    ck_assert_int_eq(t.poll_grow, 0);
    ck_assert_int_eq(t.aio_max_batch, 0);
}
END_TEST

START_TEST(test_info_text)
{
    char *text, *want;

    add_iothread("{\"qom-type\":\"iothread\",\"id\":\"io1\",\"poll-max-ns\":0,"
                 "\"poll-grow\":2,\"poll-shrink\":3,\"aio-max-batch\":5}");
    text = qmp_iothreads_info_text();
    want = xasprintf("io1:\n  thread_id=%ld\n  poll-max-ns=0\n  poll-grow=2\n"
                     "  poll-shrink=3\n  aio-max-batch=5\n",
                     (long)syscall(SYS_gettid));
    ck_assert_str_eq(text, want);
    free(text);
    free(want);
}
END_TEST

START_TEST(test_main_loop_only_one)
{
    json_t *args =
        json_loads("{\"qom-type\":\"main-loop\",\"id\":\"m2\"}", 0, NULL);
    Error *err = NULL;

    add_iothread("{\"qom-type\":\"main-loop\",\"id\":\"m1\"}");
    ck_assert(!user_creatable_add_dict(args, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "only one main-loop instance allowed");
    /* Nothing half-registered: m2 is not in the tree. */
    ck_assert_ptr_null(
        object_resolve_path_component(object_get_objects_root(), "m2"));
    error_free(err);
    json_decref(args);
}
END_TEST

static Suite *iothread_suite(void)
{
    Suite *s = suite_create("iothread");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_thread_id_is_ours);
    tcase_add_test(tc, test_info_text);
    tcase_add_test(tc, test_main_loop_only_one);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { iothread_suite };
