/*
 * Unit tests for qmp/json-stream.c.  The expected outputs were observed
 * from QEMU 7.2's QMP monitor fed the same bytes: "E:<desc>" for an
 * error reply, "V:<json>" for a value (which the monitor then rejects or
 * dispatches).  Every case is fed all at once, one byte at a time and in
 * 7-byte chunks, which must all give the same result.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/json-stream.h"
#include "qmp/json-out.h"
#include "src/util.h"

typedef struct Out {
    char *text; /* emitted items, one per line */
    size_t len;
    size_t count;
} Out;

static void out_add(Out *o, const char *item)
{
    size_t n = strlen(item);

    o->text = xrealloc(o->text, o->len + n + 2);
    memcpy(o->text + o->len, item, n);
    o->len += n;
    o->text[o->len++] = '\n';
    o->text[o->len] = '\0';
    o->count++;
}

static void collect(void *opaque, json_t *value, Error *err)
{
    Out *o = opaque;
    char *item;

    ck_assert((value == NULL) != (err == NULL));
    if (err) {
        ck_assert_int_eq(err->cls, ERROR_CLASS_GENERIC_ERROR);
        item = xasprintf("E:%s", err->desc);
        error_free(err);
    } else {
        char *dump =
            json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS |
                                  JSON_REAL_PRECISION(17));

        ck_assert_ptr_nonnull(dump);
        item = xasprintf("V:%s", dump);
        free(dump);
        json_decref(value);
    }
    out_add(o, item);
    free(item);
}

/* Feeds input in chunks of chunk bytes (0: all at once). */
static char *run(const char *in, size_t len, size_t chunk, bool flush)
{
    Out o = { xstrdup(""), 0, 0 };
    JsonStream *s = json_stream_new(collect, &o);
    size_t i;

    if (chunk == 0) {
        json_stream_feed(s, in, len);
    } else {
        for (i = 0; i < len; i += chunk) {
            json_stream_feed(s, in + i, len - i < chunk ? len - i : chunk);
        }
    }
    if (flush) {
        json_stream_flush(s);
    }
    json_stream_free(s);
    return o.text;
}

static void check_case(const char *in, size_t len, const char *expect,
                       bool flush)
{
    static const size_t chunks[] = { 0, 1, 7 };
    size_t i;

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        char *got = run(in, len, chunks[i], flush);

        ck_assert_msg(!strcmp(got, expect),
                      "input %.60s (chunk %zu):\n got: %s\nwant: %s", in,
                      chunks[i], got, expect);
        free(got);
    }
}

#define CASE(in, expect) check_case(in, sizeof(in) - 1, expect, false)
#define CASE_FLUSH(in, expect) check_case(in, sizeof(in) - 1, expect, true)

#define NSC "{'execute':'no-such-cmd'}"
#define NSC_V "V:{\"execute\":\"no-such-cmd\"}\n"

/* tests/qtest/qmp-test.c test_malformed(), each followed by NSC */
START_TEST(test_malformed)
{
    CASE("{]\n" NSC, "E:JSON parse error, expecting value\n" NSC_V);
    CASE("{\xff" NSC, "E:JSON parse error, stray '\xef\xbf\xbd'\n" NSC_V);
    CASE("{\x01" NSC, "E:JSON parse error, stray '\x01'\n" NSC_V);
    CASE("{'bad \xff" NSC,
         "E:JSON parse error, stray ''bad \xef\xbf\xbd'\n" NSC_V);
    CASE("{'execute': 'nonexistent', 'id':'\n" NSC,
         "E:JSON parse error, stray ''\n'\n" NSC_V);
    CASE("%p" NSC, "E:JSON parse error, stray '%'\n" NSC_V);
    CASE("null" NSC, "V:null\n" NSC_V);
    CASE("{}" NSC, "V:{}\n" NSC_V);
    CASE("{'execute': true}" NSC, "V:{\"execute\":true}\n" NSC_V);
    CASE("{'execute':'no-such-cmd','arguments':[]}" NSC,
         "V:{\"arguments\":[],\"execute\":\"no-such-cmd\"}\n" NSC_V);
    CASE("{'execute':'no-such-cmd','extra':true}" NSC,
         "V:{\"execute\":\"no-such-cmd\",\"extra\":true}\n" NSC_V);
}
END_TEST

START_TEST(test_parser_errors)
{
    CASE("{\"a\" 1}\n", "E:JSON parse error, missing : in object pair\n");
    CASE("{1:2}\n", "E:JSON parse error, key is not a string in object\n");
    CASE("{\"a\":}\n", "E:JSON parse error, expecting value\n");
    CASE("{\"a\":1,}\n", "E:JSON parse error, expecting value\n");
    CASE("{\"a\":1 \"b\":2}\n",
         "E:JSON parse error, expected separator in dict\n");
    CASE("[1 2]\n", "E:JSON parse error, expected separator in list\n");
    CASE("{\"a\":1,\"a\":2}\n", "E:JSON parse error, duplicate key\n");
    CASE("nul \n", "E:JSON parse error, invalid keyword 'nul'\n");
    CASE("[1,]\n", "E:JSON parse error, expecting value\n");
    CASE("}\n", "E:JSON parse error, expecting value\n");
    CASE("]\n", "E:JSON parse error, expecting value\n");
    CASE(",\n", "E:JSON parse error, expecting value\n");
    CASE(":\n", "E:JSON parse error, expecting value\n");
    CASE("[}]\n", "E:JSON parse error, expecting value\n"
                  "E:JSON parse error, expecting value\n");
    CASE("[{]}\n", "E:JSON parse error, expecting value\n");
    CASE("[]]\n", "V:[]\nE:JSON parse error, expecting value\n");
    CASE("[1]x\n", "V:[1]\nE:JSON parse error, invalid keyword 'x'\n");
    CASE("{\"a\":1}}\n", "V:{\"a\":1}\nE:JSON parse error, expecting value\n");
    CASE("truefalse ", "E:JSON parse error, invalid keyword 'truefalse'\n");
    CASE("12abc\n", "V:12\nE:JSON parse error, invalid keyword 'abc'\n");
    CASE("}}}{", "E:JSON parse error, expecting value\n"
                 "E:JSON parse error, expecting value\n"
                 "E:JSON parse error, expecting value\n");
}
END_TEST

START_TEST(test_string_errors)
{
    CASE("\"\\x\"\n",
         "E:JSON parse error, invalid escape sequence in string\n");
    CASE("\"\\u12G4\"\n",
         "E:JSON parse error, \\u12G4 is not a valid Unicode character\n");
    CASE("\"\\uD800\"\n",
         "E:JSON parse error, \\uD800 is not a valid Unicode character\n");
    CASE("\"\\uD800\\u0041\"\n",
         "E:JSON parse error, \\uD800 is not a valid Unicode character\n");
    CASE("\"\\uDC00\"\n",
         "E:JSON parse error, \\uDC00 is not a valid Unicode character\n");
    CASE("\"\\uFFFE\"\n",
         "E:JSON parse error, \\uFFFE is not a valid Unicode character\n");
    CASE("\"\\uFDD0\" ",
         "E:JSON parse error, \\uFDD0 is not a valid Unicode character\n");
    CASE("\"\\uDBFF\\uDFFF\" ", "E:JSON parse error, \\uDBFF\\uDFFF is not "
                                "a valid Unicode character\n");
    CASE("\"\\u1\"\n",
         "E:JSON parse error, \\u1\" is not a valid Unicode character\n");
    CASE("\"\\uD800\\u12\"\n",
         "E:JSON parse error, \\uD800 is not a valid Unicode character\n");
    CASE("\"\\u00zz\" ",
         "E:JSON parse error, \\u00zz is not a valid Unicode character\n");
    CASE("\"\xc3(\"\n",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
    CASE("\"\xed\xa0\x80\"\n",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
    CASE("\"\xf4\x90\x80\x80\"\n",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
    CASE("\"\xc0\x81\"\n",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
    CASE("\"\xef\xbf\xbe\" ",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
    CASE("{\"execute\":\"q\xc3ok\"}\n",
         "E:JSON parse error, invalid UTF-8 sequence in string\n");
}
END_TEST

START_TEST(test_lexical_errors)
{
    CASE("01\n", "E:JSON parse error, stray '01'\n");
    CASE("-01\n", "E:JSON parse error, stray '-01'\n");
    CASE("-\n", "E:JSON parse error, stray '-\n'\n");
    CASE("1.\n", "E:JSON parse error, stray '1.\n'\n");
    CASE("1e\n", "E:JSON parse error, stray '1e\n'\n");
    CASE("1.5e+\n", "E:JSON parse error, stray '1.5e+\n'\n");
    CASE("[1.]\n", "E:JSON parse error, stray '1.]'\n");
    CASE("\"a\tb\"\n", "E:JSON parse error, stray '\"a\t'\n");
    CASE("\"\xfe\"\n", "E:JSON parse error, stray '\"\xef\xbf\xbd'\n");
    CASE("tru\xff\n", "E:JSON parse error, invalid keyword 'tru'\n"
                      "E:JSON parse error, stray '\xef\xbf\xbd'\n");
    CASE("[\"\\\x01\"]", "E:JSON parse error, stray '\"\\\x01'\n"
                         "E:JSON parse error, expecting value\n");
    CASE("{'\xe4\xb8\x01", "E:JSON parse error, stray ''\xef\xbf\xbd\x01'\n");
    CASE("'\xe4\xb8 \xed\xa0\x80 \xf8\x88\x80\x80\x80 \x80\x01",
         "E:JSON parse error, stray ''\xef\xbf\xbd \xef\xbf\xbd "
         "\xef\xbf\xbd \xef\xbf\xbd\x01'\n");
    /* a NUL byte ends the text, as with QEMU's "%s" */
    check_case("\0\n", 2, "E:JSON parse error, stray ''\n", false);
    check_case("[\0]", 3,
               "E:JSON parse error, stray ''\n"
               "E:JSON parse error, expecting value\n",
               false);
}
END_TEST

START_TEST(test_recovery)
{
    /* input is skipped until a structural or control character */
    CASE("-\n1.\n'it\\'s'\n{}", "E:JSON parse error, stray '-\n'\n"
                                "V:\"it's\"\nV:{}\n");
    CASE("abc\xfe"
         "abc{}",
         "E:JSON parse error, invalid keyword 'abc'\n"
         "E:JSON parse error, stray '\xef\xbf\xbd'\nV:{}\n");
    CASE("x\x01x{}", "E:JSON parse error, invalid keyword 'x'\n"
                     "E:JSON parse error, stray '\x01'\nV:{}\n");
    CASE("%%%%{}", "E:JSON parse error, stray '%'\nV:{}\n");
    CASE("@{}", "E:JSON parse error, stray '@'\nV:{}\n");
    CASE("%\t\"a\"{}", "E:JSON parse error, stray '%'\nV:{}\n");
    CASE("%\"a\":1", "E:JSON parse error, stray '%'\n"
                     "E:JSON parse error, expecting value\n");
    CASE("%x\xff"
         "1 ",
         "E:JSON parse error, stray '%'\n"
         "E:JSON parse error, stray '\xef\xbf\xbd'\n");
    CASE("%x\xfe\n1 ", "E:JSON parse error, stray '%'\n"
                       "E:JSON parse error, stray '\xef\xbf\xbd'\nV:1\n");
    /* partial tokens are dropped with the error */
    CASE("{\"a\":[1,2,\x01]} {}",
         "E:JSON parse error, stray '\x01'\n"
         "E:JSON parse error, expecting value\n"
         "E:JSON parse error, expecting value\nV:{}\n");
}
END_TEST

START_TEST(test_values)
{
    CASE("1 2 3\n", "V:1\nV:2\nV:3\n");
    CASE("true false null ", "V:true\nV:false\nV:null\n");
    CASE("-0 0 ", "V:0\nV:0\n");
    CASE("-1.5e-3 1.5E3 ", "V:-0.0015\nV:1500.0\n");
    CASE("[1.5,1e5,1E+2,0.1]", "V:[1.5,100000.0,100.0,0.10000000000000001]\n");
    CASE("[-9223372036854775808,9223372036854775807]",
         "V:[-9223372036854775808,9223372036854775807]\n");
    /* uint64 range: a real here (QEMU: uint64), beyond: a double */
    CASE("[18446744073709551615,18446744073709551616,"
         "-9223372036854775809]",
         "V:[1.8446744073709552e19,1.8446744073709552e19,"
         "-9.2233720368547758e18]\n");
    CASE("1e999 ", "V:1.7976931348623157e308\n");
    CASE("\"\\/\\b\\f\\n\\r\\t\\\"\\\\\\'\" ",
         "V:\"/\\b\\f\\n\\r\\t\\\"\\\\'\"\n");
    CASE("'\"' 'it\\'s' ", "V:\"\\\"\"\nV:\"it's\"\n");
    CASE("\"\\ud83d\\ude00\" ", "V:\"\xf0\x9f\x98\x80\"\n");
    CASE("\"\\u00e9\xc3\xa9\\uFDF0\" ", "V:\"\xc3\xa9\xc3\xa9\xef\xb7\xb0\"\n");
    CASE("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}",
         "V:{\"a\":[1,{\"b\":null}],\"c\":\"d\"}\n");
    CASE("{\"a\":1}\t{}", "V:{\"a\":1}\nV:{}\n");
    CASE("{{{}}", "");
    CASE("[1,2 ", "");
    CASE("  \t\r\n ", "");
}
END_TEST

/* Collects values only, for tests that look at them directly. */
static void keep_value(void *opaque, json_t *value, Error *err)
{
    json_t *list = opaque;

    ck_assert_ptr_null(err);
    json_array_append_new(list, value);
}

static json_t *parse_all(const char *in, size_t len)
{
    json_t *list = json_array();
    JsonStream *s = json_stream_new(keep_value, list);

    json_stream_feed(s, in, len);
    json_stream_flush(s);
    json_stream_free(s);
    return list;
}

/*
 * U+0000, written \u0000 or as the pair C0 80, is stored as C0 80 (as
 * QEMU stores it), in strings and in keys, so no NUL byte ever reaches a
 * C string; the writer shows it as \u0000 again.
 */
START_TEST(test_nul_kept_as_c0_80)
{
    static const char in[] = "\"a\\u0000b\" \"a\xc0\x80"
                             "b\" "
                             "{\"a\\u0000\":1,\"a\":2} ";
    json_t *list = parse_all(in, sizeof(in) - 1);
    json_t *obj;
    char *out;
    int i;

    ck_assert_uint_eq(json_array_size(list), 3);
    for (i = 0; i < 2; i++) {
        json_t *str = json_array_get(list, i);

        ck_assert_uint_eq(json_string_length(str), 4);
        ck_assert_mem_eq(json_string_value(str),
                         "a\xc0\x80"
                         "b",
                         4);
        out = json_out_dumps(str);
        ck_assert_str_eq(out, "\"a\\u0000b\"");
        free(out);
    }
    obj = json_array_get(list, 2);
    ck_assert_uint_eq(json_object_size(obj), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(obj, "a\xc0\x80")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(obj, "a")), 2);
    out = json_out_dumps(obj);
    ck_assert_str_eq(out, "{\"a\": 2, \"a\\u0000\": 1}");
    free(out);
    json_decref(list);
}
END_TEST

/* Keys and strings holding a real NUL byte (built by hand) are written whole.
 */
START_TEST(test_out_nul_bytes)
{
    json_t *obj = json_object();
    char *out;

    json_object_setn_new(obj, "k\0x", 3, json_stringn("v\0w", 3));
    out = json_out_dumps(obj);
    ck_assert_str_eq(out, "{\"k\\u0000x\": \"v\\u0000w\"}");
    free(out);
    json_decref(obj);
}
END_TEST

START_TEST(test_flush)
{
    CASE_FLUSH("1", "V:1\n");
    CASE_FLUSH("null", "V:null\n");
    CASE_FLUSH("-", "E:JSON parse error, stray '-'\n");
    CASE_FLUSH("\"abc", "E:JSON parse error, stray '\"abc'\n");
    CASE_FLUSH("{\"a\"", "E:JSON parse error, premature EOI\n");
    CASE_FLUSH("[1,", "E:JSON parse error, premature EOI\n");
    CASE_FLUSH("[1", "E:JSON parse error, premature EOI\n");
    CASE_FLUSH("{", "E:JSON parse error, premature EOI\n");
    CASE_FLUSH("{\"a\":1,", "E:JSON parse error, premature EOI\n");
    CASE_FLUSH("%abc", "E:JSON parse error, stray '%'\n");
    CASE_FLUSH("", "");
}
END_TEST

START_TEST(test_reuse_after_flush_and_reset)
{
    Out o = { xstrdup(""), 0, 0 };
    JsonStream *s = json_stream_new(collect, &o);

    json_stream_feed(s, "[1,", 3);
    json_stream_flush(s);
    json_stream_feed(s, "{}", 2);
    json_stream_feed(s, "[\"abc", 5);
    json_stream_reset(s);
    json_stream_feed(s, "[2]", 3);
    ck_assert_str_eq(o.text, "E:JSON parse error, premature EOI\nV:{}\n"
                             "V:[2]\n");
    json_stream_free(s);
    json_stream_free(NULL);
    free(o.text);
}
END_TEST

/* ---- limits ---- */

static char *repeat(const char *prefix, const char *unit, size_t n,
                    const char *suffix, size_t *len)
{
    size_t pl = strlen(prefix), ul = strlen(unit), sl = strlen(suffix);
    char *buf = xmalloc(pl + ul * n + sl + 1);
    size_t i, pos = 0;

    memcpy(buf, prefix, pl);
    pos = pl;
    for (i = 0; i < n; i++) {
        memcpy(buf + pos, unit, ul);
        pos += ul;
    }
    memcpy(buf + pos, suffix, sl);
    pos += sl;
    buf[pos] = '\0';
    *len = pos;
    return buf;
}

static char *cat3(const char *a, const char *b, const char *c)
{
    return xasprintf("%s%s%s", a, b, c);
}

/* Runs in, returns the output; also checks byte-at-a-time feeding. */
static Out run_out(const char *in, size_t len, size_t chunk)
{
    Out o = { xstrdup(""), 0, 0 };
    JsonStream *s = json_stream_new(collect, &o);
    size_t i;

    if (!chunk) {
        chunk = len ? len : 1;
    }
    for (i = 0; i < len; i += chunk) {
        json_stream_feed(s, in + i, len - i < chunk ? len - i : chunk);
    }
    json_stream_free(s);
    return o;
}

START_TEST(test_nesting_limit)
{
    size_t len;
    char *open, *close, *in;
    Out o;

    open = repeat("", "[", 1024, "", &len);
    close = repeat("", "]", 1024, "", &len);
    in = cat3(open, close, "");
    o = run_out(in, strlen(in), 1);
    ck_assert_uint_eq(o.count, 1);
    ck_assert(!strncmp(o.text, "V:[[[", 5));
    free(o.text);
    free(in);

    /* 1025: one limit error, then every ']' alone is a stray closer */
    in = cat3(open, "[", close);
    in = xrealloc(in, strlen(in) + 2);
    strcat(in, "]");
    o = run_out(in, strlen(in), 0);
    ck_assert_uint_eq(o.count, 1026);
    ck_assert(!strncmp(o.text,
                       "E:JSON nesting depth limit exceeded\n"
                       "E:JSON parse error, expecting value\n",
                       71));
    free(o.text);
    free(in);
    free(open);
    free(close);

    /* braces and brackets count together */
    open = repeat("", "{\"a\":[", 512, "", &len);
    close = repeat("1", "]}", 512, "", &len);
    in = cat3(open, close, "");
    o = run_out(in, strlen(in), 0);
    ck_assert_uint_eq(o.count, 1);
    free(o.text);
    free(in);
    in = cat3(open, "[", close);
    o = run_out(in, strlen(in), 0);
    ck_assert(!strncmp(o.text,
                       "E:JSON nesting depth limit exceeded\nV:1\n"
                       "E:JSON parse error, expecting value\n",
                       75));
    free(o.text);
    free(in);
    free(open);
    free(close);
}
END_TEST

START_TEST(test_token_count_limit)
{
    const char *head = "{\"execute\":\"no-such-cmd\",\"id\":[";
    size_t len;
    char *in;
    Out o;

    /* 10 + 2 * 1048570 + 2 = 2 Mi tokens: accepted */
    in = repeat(head, "1,", 1048570, "[]]}", &len);
    o = run_out(in, len, 0);
    ck_assert_uint_eq(o.count, 1);
    ck_assert(!strncmp(o.text, "V:{", 3));
    free(o.text);
    free(in);

    /* one more token: the limit error, then the final '}' is stray */
    in = repeat(head, "1,", 1048571, "[]]}", &len);
    o = run_out(in, len, 0);
    ck_assert_str_eq(o.text, "E:JSON token count limit exceeded\n"
                             "E:JSON parse error, expecting value\n");
    free(o.text);
    free(in);
}
END_TEST

START_TEST(test_token_size_limit)
{
    size_t len;
    char *in;
    Out o;

    /* string token of 64 Mi - 1 bytes: accepted */
    in = repeat("\"", "a", (1 << 26) - 3, "\" ", &len);
    o = run_out(in, len, 0);
    ck_assert_uint_eq(o.count, 1);
    free(o.text);
    free(in);

    in = repeat("\"", "a", (1 << 26) - 2, "\" ", &len);
    o = run_out(in, len, 4096);
    ck_assert_str_eq(o.text, "E:JSON token size limit exceeded\n");
    free(o.text);
    free(in);

    /* the bytes count across all tokens of a message */
    in = repeat("[\"", "a", (1 << 26) - 3, "\"] ", &len);
    o = run_out(in, len, 0);
    ck_assert_str_eq(o.text, "E:JSON token size limit exceeded\n"
                             "E:JSON parse error, expecting value\n");
    free(o.text);
    free(in);

    /* a token over 64 Mi is cut; lexing restarts after it */
    in = repeat("\"", "a", (1 << 26) + 5, "\"\n{}", &len);
    o = run_out(in, len, 65536);
    ck_assert_str_eq(o.text, "E:JSON token size limit exceeded\n"
                             "E:JSON parse error, invalid keyword 'aaaaa'\n"
                             "E:JSON parse error, stray '\"\n'\n"
                             "V:{}\n");
    free(o.text);
    free(in);
}
END_TEST

static Suite *json_stream_suite(void)
{
    Suite *s = suite_create("json-stream");
    TCase *tc = tcase_create("core");
    TCase *lim = tcase_create("limits");

    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_parser_errors);
    tcase_add_test(tc, test_string_errors);
    tcase_add_test(tc, test_lexical_errors);
    tcase_add_test(tc, test_recovery);
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_nul_kept_as_c0_80);
    tcase_add_test(tc, test_out_nul_bytes);
    tcase_add_test(tc, test_flush);
    tcase_add_test(tc, test_reuse_after_flush_and_reset);
    suite_add_tcase(s, tc);

    tcase_set_timeout(lim, 120);
    tcase_add_test(lim, test_nesting_limit);
    tcase_add_test(lim, test_token_count_limit);
    tcase_add_test(lim, test_token_size_limit);
    suite_add_tcase(s, lim);
    return s;
}

const CheckSpec check_spec = { json_stream_suite };
