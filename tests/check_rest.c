/*
 * Unit tests: REST's status for a failed command comes from the error's
 * kind, never from its text, and the body is the QMP error object.
 */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "rest/rest-int.h"

/* The status REST answers err (consumed) with; checks the body's class
 * and desc against want_cls and err's own. */
static unsigned status_of(Error *err, const char *want_cls)
{
    RestReply rep = { 0 };
    json_t *e;
    unsigned status;

    rest_reply_qmp_error(&rep, err);
    e = json_object_get(rep.body, "error");
    ck_assert_str_eq(json_string_value(json_object_get(e, "class")), want_cls);
    ck_assert_str_eq(json_string_value(json_object_get(e, "desc")),
                     error_get_pretty(err));
    status = rep.status;
    rest_reply_clear(&rep);
    error_free(err);
    return status;
}

START_TEST(test_status_by_kind)
{
    static const struct {
        ErrorKind kind;
        unsigned status;
    } cases[] = {
        { ERROR_KIND_INVALID, 400 },
        { ERROR_KIND_NOT_FOUND, 404 },
        { ERROR_KIND_CONFLICT, 409 },
        { ERROR_KIND_UNSUPPORTED, 501 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Error *err = NULL;

        error_setg_kind(&err, cases[i].kind, "text %zu", i);
        ck_assert_uint_eq(status_of(err, "GenericError"), cases[i].status);
    }
}
END_TEST

START_TEST(test_status_by_class)
{
    Error *err = NULL;

    error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND, "Device 'busy' not found");
    ck_assert_uint_eq(status_of(err, "DeviceNotFound"), 404);
    err = NULL;
    error_set(&err, ERROR_CLASS_DEVICE_NOT_ACTIVE, "No balloon device");
    ck_assert_uint_eq(status_of(err, "DeviceNotActive"), 409);
    err = NULL;
    error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
              "The command x has not been found");
    ck_assert_uint_eq(status_of(err, "CommandNotFound"), 501);
}
END_TEST

START_TEST(test_text_ignored)
{
    static const char *const texts[] = {
        "Bus 'busy' not found",
        "Parameter 'qom-type' does not accept value 'busy'",
        "object 'is in use' does not exist",
        "Duplicate device ID 'x' (in a client's string)",
        "object 'x' not found",
    };
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        Error *err = NULL;

        error_setg(&err, "%s", texts[i]);
        ck_assert_uint_eq(status_of(err, "GenericError"), 400);
    }
}
END_TEST

static Suite *rest_suite(void)
{
    Suite *s = suite_create("rest");
    TCase *tc = tcase_create("errors");

    tcase_add_test(tc, test_status_by_kind);
    tcase_add_test(tc, test_status_by_class);
    tcase_add_test(tc, test_text_ignored);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { rest_suite };
