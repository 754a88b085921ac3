/*
 * Unit tests: argument checking with QEMU's texts, and the consistency of
 * query-qmp-schema (every type named resolves; every command present).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/commands.h"
#include "qmp/schema.h"

static const char *const color_values[] = { "red", "green", NULL };
static const QapiType color = { .name = "Color",
                                .kind = QAPI_KIND_ENUM,
                                .values = color_values };
static QAPI_ARRAY_OF(color_list, color);
static const QapiMember inner_members[] = { { "n", &qapi_uint8, false },
                                            { NULL } };
static const QapiType inner = { .name = "Inner",
                                .kind = QAPI_KIND_OBJECT,
                                .members = inner_members };
static QAPI_ARRAY_OF(inner_list, inner);
static const QapiMember outer_members[] = { { "s", &qapi_str, false },
                                            { "i", &qapi_int, true },
                                            { "b", &qapi_bool, true },
                                            { "u", &qapi_uint64, true },
                                            { "c", &color_list, true },
                                            { "o", &inner_list, true },
                                            { NULL } };
static const QapiType outer = { .name = "Outer",
                                .kind = QAPI_KIND_OBJECT,
                                .members = outer_members };

static void check_err(const char *json, const char *want)
{
    json_t *v = json_loads(json, 0, NULL);
    Error *err = NULL;

    ck_assert_ptr_nonnull(v);
    ck_assert(!qapi_check(&outer, v, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(error_get_pretty(err), want);
    error_free(err);
    json_decref(v);
}

START_TEST(test_valid)
{
    json_t *v = json_loads("{\"s\": \"x\", \"i\": -3, \"b\": true, \"u\": 5,"
                           " \"c\": [\"red\"], \"o\": [{\"n\": 255}]}",
                           0, NULL);
    Error *err = NULL;

    ck_assert(qapi_check(&outer, v, &err));
    ck_assert_ptr_null(err);
    json_decref(v);
}
END_TEST

START_TEST(test_errors)
{
    check_err("{}", "Parameter 's' is missing");
    check_err("{\"s\": 1}", "Invalid parameter type for 's', expected: string");
    check_err("{\"s\": \"x\", \"i\": 1.5}",
              "Invalid parameter type for 'i', expected: integer");
    check_err("{\"s\": \"x\", \"b\": 0}",
              "Invalid parameter type for 'b', expected: boolean");
    check_err("{\"s\": \"x\", \"u\": \"7\"}", "Parameter 'u' expects uint64");
    check_err("{\"s\": \"x\", \"c\": \"red\"}",
              "Invalid parameter type for 'c', expected: array");
    check_err("{\"s\": \"x\", \"c\": [\"blue\"]}",
              "Parameter 'null' does not accept value 'blue'");
    check_err("{\"s\": \"x\", \"c\": [1]}",
              "Invalid parameter type for 'c[0]', expected: string");
    check_err("{\"s\": \"x\", \"o\": [{}]}", "Parameter 'o[0].n' is missing");
    check_err("{\"s\": \"x\", \"o\": [{\"n\": 256}]}",
              "Parameter 'n' expects uint8");
    check_err("{\"s\": \"x\", \"o\": [{\"n\": 1, \"m\": 2}]}",
              "Parameter 'o[0].m' is unexpected");
    check_err("{\"s\": \"x\", \"zz\": 1}", "Parameter 'zz' is unexpected");
    /* Missing members are reported before unexpected ones. */
    check_err("{\"zz\": 1}", "Parameter 's' is missing");
}
END_TEST

static json_t *schema_by_name(json_t *schema, const char *name)
{
    size_t i;
    json_t *e;

    json_array_foreach (schema, i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "name")), name)) {
            return e;
        }
    }
    return NULL;
}

static void assert_resolves(json_t *schema, json_t *name)
{
    ck_assert(json_is_string(name));
    ck_assert_msg(schema_by_name(schema, json_string_value(name)) != NULL,
                  "type %s does not resolve", json_string_value(name));
}

START_TEST(test_schema_consistent)
{
    json_t *schema = NULL, *e, *m;
    QmpSession s = { .negotiated = true };
    const QmpCommand *c;
    Error *err = NULL;
    size_t i, j;

    ck_assert(qmp_cmd_query_qmp_schema(&s, NULL, &schema, &err));
    ck_assert(json_is_array(schema));
    json_array_foreach (schema, i, e) {
        const char *mt = json_string_value(json_object_get(e, "meta-type"));

        ck_assert_ptr_nonnull(mt);
        /* Names are unique. */
        ck_assert_ptr_eq(
            schema_by_name(schema,
                           json_string_value(json_object_get(e, "name"))),
            e);
        if (!strcmp(mt, "command")) {
            assert_resolves(schema, json_object_get(e, "arg-type"));
            assert_resolves(schema, json_object_get(e, "ret-type"));
        } else if (!strcmp(mt, "event")) {
            assert_resolves(schema, json_object_get(e, "arg-type"));
        } else if (!strcmp(mt, "array")) {
            assert_resolves(schema, json_object_get(e, "element-type"));
        } else if (!strcmp(mt, "object")) {
            json_array_foreach (json_object_get(e, "members"), j, m) {
                assert_resolves(schema, json_object_get(m, "type"));
            }
        } else if (!strcmp(mt, "alternate")) {
            json_array_foreach (json_object_get(e, "members"), j, m) {
                assert_resolves(schema, json_object_get(m, "type"));
            }
        }
    }
    for (c = qmp_commands; c->name; c++) {
        e = schema_by_name(schema, c->name);
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(json_string_value(json_object_get(e, "meta-type")),
                         "command");
    }
    json_decref(schema);
}
END_TEST

static Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_valid);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_schema_consistent);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { schema_suite };
