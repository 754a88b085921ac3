/* Unit tests: JSON output in QEMU's format and member order. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/json-out.h"

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
    tcase_add_test(tc, test_arrays);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { json_out_suite };
