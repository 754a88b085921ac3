/* Unit tests: JSON output in QEMU's format and member order. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/json-out.h"
#include "src/json-value.h"

static void expect(json_t *v, const char *want)
{
    char *got = json_out_dumps(v);

    ck_assert_str_eq(got, want);
    free(got);
    json_decref(v);
}

START_TEST(test_scalars)
{
    expect(json_null(), "null");
    expect(json_true(), "true");
    expect(json_integer(-42), "-42");
    expect(json_integer(0), "0");
    expect(json_integer(1000000), "1000000");
    expect(json_integer(INT64_MAX), "9223372036854775807");
    expect(json_integer(INT64_MIN), "-9223372036854775808");
    expect(json_real(1.5), "1.5");
    expect(json_real(1.0), "1");
    expect(json_string("a/b"), "\"a/b\"");
}
END_TEST

START_TEST(test_escapes)
{
    /* Control characters, DEL and non-ASCII as upper-case \u escapes. */
    expect(json_string("\"\\\b\f\n\r\t\x01\x7f"),
           "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u007F\"");
    expect(json_string("\xc3\xa9"), "\"\\u00E9\"");
    expect(json_string("\xf0\x9f\x98\x80"), "\"\\uD83D\\uDE00\"");
}
END_TEST

START_TEST(test_invalid_utf8)
{
    json_t *s = json_stringn_nocheck("a\xff"
                                     "b",
                                     3);

    expect(s, "\"a\\uFFFDb\"");
}
END_TEST

START_TEST(test_member_order)
{
    /* QEMU's dictionary order, as seen on the wire. */
    json_t *o = json_pack("{s:{}, s:s}", "return", "id", "x");

    expect(o, "{\"return\": {}, \"id\": \"x\"}");
    o = json_pack("{s:s, s:{s:i, s:i}, s:{}}", "event", "STOP", "timestamp",
                  "seconds", 1, "microseconds", 2, "data");
    expect(o, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
              "\"event\": \"STOP\", \"data\": {}}");
    /* Same bucket: the newest member comes first. */
    o = json_pack("{s:b, s:b, s:s}", "running", 0, "singlestep", 0, "status",
                  "prelaunch");
    expect(o, "{\"status\": \"prelaunch\", \"singlestep\": false, "
              "\"running\": false}");
    o = json_pack("{s:i, s:i, s:i}", "major", 7, "minor", 2, "micro", 22);
    expect(o, "{\"micro\": 22, \"minor\": 2, \"major\": 7}");
}
END_TEST

/* Small objects are ordered by insertion sort, big ones by qsort: the
 * same order either way. */
START_TEST(test_member_order_sizes)
{
    json_t *o = json_object();
    const char **small, **big;
    size_t n16, n17, i, j = 0;
    char key[8];

    for (i = 0; i < 16; i++) {
        snprintf(key, sizeof(key), "k%zu", i * 7);
        json_object_set_new(o, key, json_integer((json_int_t)i));
    }
    small = json_qdict_order(o, &n16);
    json_object_set_new(o, "extra", json_null());
    big = json_qdict_order(o, &n17);
    ck_assert_uint_eq(n16, 16);
    ck_assert_uint_eq(n17, 17);
    for (i = 0; i < n17; i++) {
        if (strcmp(big[i], "extra")) {
            ck_assert_str_eq(big[i], small[j]);
            j++;
        }
    }
    ck_assert_uint_eq(j, 16);
    free(small);
    free(big);
    json_decref(o);
}
END_TEST

/* Members written directly come out as their JSON object does. */
START_TEST(test_members)
{
    JsonOutMember sub[2] = {
        { .key = "seconds", .kind = JSON_OUT_INT, .num = 1 },
        { .key = "microseconds", .kind = JSON_OUT_INT, .num = -2 },
    };
    /* running, singlestep and status share a QDict bucket. */
    JsonOutMember m[6] = {
        { .key = "running", .kind = JSON_OUT_BOOL, .num = 0 },
        { .key = "singlestep", .kind = JSON_OUT_BOOL, .num = 1 },
        { .key = "status",
          .kind = JSON_OUT_STR,
          .str = "pre\"l\x01",
          .len = 6 },
        { .key = "timestamp", .kind = JSON_OUT_OBJECT, .sub = sub, .nsub = 2 },
        { .key = "event", .kind = JSON_OUT_STR, .str = "a\xc0\x80", .len = 3 },
        { .key = "empty", .kind = JSON_OUT_OBJECT, .sub = NULL, .nsub = 0 },
    };
    JsonBuf b = { 0 };
    json_t *o = json_out_members_json(m, 6);
    char *want = json_out_dumps(o);

    json_out_members(&b, m, 6);
    ck_assert_str_eq(b.data, want);
    ck_assert_ptr_nonnull(strstr(want, "\"status\": \"pre\\\"l\\u0001\", "
                                       "\"singlestep\": true, \"running\": "
                                       "false"));
    json_buf_free(&b);
    free(want);
    json_decref(o);
}
END_TEST

START_TEST(test_arrays)
{
    expect(json_pack("[i, [], {}, s]", 1, "x"), "[1, [], {}, \"x\"]");
}
END_TEST

static Suite *json_out_suite(void)
{
    Suite *s = suite_create("json_out");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_escapes);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_member_order);
    tcase_add_test(tc, test_member_order_sizes);
    tcase_add_test(tc, test_members);
    tcase_add_test(tc, test_arrays);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { json_out_suite };
