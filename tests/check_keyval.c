/* Unit tests for src/keyval.c; expected texts read off QEMU 7.2. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "keyval.h"

static char *dump(json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void check_qemuopts(const char *in, const char *implied,
                           const char *expect)
{
    json_t *d = keyval_parse_qemuopts_dict(in, implied, NULL, NULL);
    char *s = dump(d);

    ck_assert_str_eq(s, expect);
    free(s);
    json_decref(d);
}

START_TEST(test_qemuopts)
{
    json_t *w = json_array();
    json_t *d;

    check_qemuopts("1G,slots=4", "size", "{\"size\":\"1G\",\"slots\":\"4\"}");
    check_qemuopts("a,,b,x=c,,d", "guest", "{\"guest\":\"a,b\",\"x\":\"c,d\"}");
    check_qemuopts(",size=1G", "size", "{\"size\":\"1G\"}");
    check_qemuopts("x=1,x=2", NULL, "{\"x\":\"2\"}");
    check_qemuopts("", "size", "{}");
    d = keyval_parse_qemuopts_dict("1,5,nofoo", "size", w, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(d, "5")), "on");
    ck_assert_str_eq(json_string_value(json_object_get(d, "foo")), "off");
    ck_assert_int_eq(json_array_size(w), 2);
    ck_assert_str_eq(json_string_value(json_array_get(w, 1)),
                     "short-form boolean option 'nofoo' deprecated\n"
                     "Please use foo=off instead");
    json_decref(d);
    json_decref(w);
}
END_TEST

static void check_keyval_err(const char *in, const char *msg)
{
    Error *err = NULL;

    ck_assert_ptr_null(keyval_parse(in, "type", &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(error_get_pretty(err), msg);
    error_free(err);
}

START_TEST(test_keyval)
{
    json_t *d = keyval_parse("pc,usb=off,a.b=x,,y,", "type", NULL);
    char *s = dump(d);

    ck_assert_str_eq(s, "{\"type\":\"pc\",\"usb\":\"off\",\"a.b\":\"x,y\"}");
    free(s);
    json_decref(d);
    check_keyval_err("pc,,", "Invalid parameter ''");
    check_keyval_err(",usb=off", "Invalid parameter ''");
    check_keyval_err("pc,usb", "Expected '=' after parameter 'usb'");
    check_keyval_err("usb=off,1x=on", "Invalid parameter '1x'");
    check_keyval_err("pc,a..b=1", "Invalid parameter 'a..b'");
}
END_TEST

START_TEST(test_strtosz)
{
    static const struct {
        const char *in;
        int ret;
        uint64_t val;
    } cases[] = {
        { "0", 0, 0 },
        { "1k", 0, 1024 },
        { "1K", 0, 1024 },
        { "1.5G", 0, 1610612736ULL },
        { "1.k", 0, 1024 },
        { "1.", 0, 1 },
        { "12B", 0, 12 },
        { " 12M", 0, 12ULL << 20 },
        { "+1M", 0, 1 << 20 },
        { "0x10", 0, 16 },
        { "0x10M", 0, 16ULL << 20 },
        { "15E", 0, 15ULL << 60 },
        { "1.5", -EINVAL, 0 },
        { "foo", -EINVAL, 0 },
        { "1Q", -EINVAL, 0 },
        { "-1", -EINVAL, 0 },
        { "1e3", -EINVAL, 0 },
        { "1.5e3G", -EINVAL, 0 },
        { "", -EINVAL, 0 },
        { "0x1.5M", -EINVAL, 0 },
        { "16E", -ERANGE, 0 },
        { "99999999999999999999", -ERANGE, 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t v = 0;
        bool hex;

        ck_assert_msg(keyval_strtosz(cases[i].in, &v, &hex) == cases[i].ret,
                      "%s", cases[i].in);
        if (!cases[i].ret) {
            ck_assert_msg(v == cases[i].val, "%s", cases[i].in);
        }
    }
}
END_TEST

START_TEST(test_scalar_errors)
{
    Error *err = NULL;
    uint64_t u;
    bool b;

    ck_assert(!keyval_opt_size("size", "foo", &u, &err));
    ck_assert_str_eq(
        error_get_pretty(err),
        "Parameter 'size' expects a non-negative number below 2^64\n"
        "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, "
        "tera-, peta-\nand exabytes, respectively.\n");
    error_free(err);
    err = NULL;
    ck_assert(!keyval_opt_size("size", "16E", &u, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Value '16E' is out of range for parameter 'size'");
    error_free(err);
    err = NULL;
    ck_assert(!keyval_opt_number("slots", "x", &u, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Parameter 'slots' expects a number");
    error_free(err);
    err = NULL;
    ck_assert(!keyval_opt_number("slots", "99999999999999999999999", &u, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Value '99999999999999999999999'"
                     " is too large for parameter 'slots'");
    error_free(err);
    err = NULL;
    ck_assert(keyval_opt_number("slots", "-1", &u, NULL));
    ck_assert(u == UINT64_MAX);
    ck_assert(!keyval_opt_bool("usb", "maybe", &b, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Parameter 'usb' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    ck_assert(keyval_opt_bool("x", "yes", &b, NULL) && b);
    ck_assert(keyval_opt_bool("x", "n", &b, NULL) && !b);
    ck_assert(!keyval_visit_uint64("smp.cpus", "foo", &u, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Parameter 'smp.cpus' expects integer");
    error_free(err);
    err = NULL;
    ck_assert(!keyval_visit_size("memory.size", "1Q", &u, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Parameter 'memory.size' expects size");
    error_free(err);
    ck_assert(keyval_id_wellformed("m0.a-b_c"));
    ck_assert(!keyval_id_wellformed("0bad"));
    ck_assert(!keyval_id_wellformed(""));
}
END_TEST

static void check_visit_err(const char *type, const char *in, const char *msg)
{
    Error *err = NULL;
    KeyvalScalar v;

    ck_assert(!keyval_visit("p", keyval_type_from_qom(type), in, &v, &err));
    ck_assert_str_eq(error_get_pretty(err), msg);
    error_free(err);
}

START_TEST(test_visit)
{
    KeyvalScalar v;
    int i;

    ck_assert(keyval_type_from_qom("int") == KEYVAL_TYPE_INT64);
    ck_assert(keyval_type_from_qom("uint16") == KEYVAL_TYPE_UINT16);
    ck_assert(keyval_type_from_qom("str") == KEYVAL_TYPE_STR);
    ck_assert(keyval_type_from_qom("OnOffAuto") == KEYVAL_TYPE_STR);
    ck_assert(keyval_visit("p", KEYVAL_TYPE_STR, "x", &v, NULL));
    ck_assert(keyval_visit("p", KEYVAL_TYPE_BOOL, "yes", &v, NULL) && v.b);
    ck_assert(keyval_visit("p", KEYVAL_TYPE_INT8, "-128", &v, NULL) &&
              v.i == -128);
    ck_assert(keyval_visit("p", KEYVAL_TYPE_UINT32, "0xffffffff", &v, NULL) &&
              v.u == UINT32_MAX);
    ck_assert(keyval_visit("p", KEYVAL_TYPE_UINT64, "-1", &v, NULL) &&
              v.u == UINT64_MAX);
    ck_assert(keyval_visit("p", KEYVAL_TYPE_SIZE, "1k", &v, NULL) &&
              v.u == 1024);
    check_visit_err("bool", "maybe", "Parameter 'p' expects 'on' or 'off'");
    check_visit_err("int32", "x", "Parameter 'p' expects integer");
    check_visit_err("int8", "128", "Parameter 'p' expects int8_t");
    check_visit_err("int16", "-32769", "Parameter 'p' expects int16_t");
    check_visit_err("uint8", "256", "Parameter 'p' expects uint8_t");
    check_visit_err("uint32", "4294967296", "Parameter 'p' expects uint32_t");
    check_visit_err("size", "1Q", "Parameter 'p' expects size");
    ck_assert(keyval_visit_enum("p", "on", (const char *const[]){ "off", "on" },
                                2, &i, NULL) &&
              i == 1);
}
END_TEST

static Suite *keyval_suite(void)
{
    Suite *s = suite_create("keyval");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_qemuopts);
    tcase_add_test(tc, test_keyval);
    tcase_add_test(tc, test_strtosz);
    tcase_add_test(tc, test_scalar_errors);
    tcase_add_test(tc, test_visit);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { keyval_suite };
