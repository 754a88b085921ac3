/*
 * Unit tests: an error's kind (src/error.h) is set where it is created,
 * defaults to its class's kind, and survives propagation and prepending.
 */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "error.h"

START_TEST(test_kind_from_class)
{
    static const struct {
        ErrorClass cls;
        ErrorKind kind;
    } cases[] = {
        { ERROR_CLASS_GENERIC_ERROR, ERROR_KIND_INVALID },
        { ERROR_CLASS_COMMAND_NOT_FOUND, ERROR_KIND_UNSUPPORTED },
        { ERROR_CLASS_DEVICE_NOT_ACTIVE, ERROR_KIND_CONFLICT },
        { ERROR_CLASS_DEVICE_NOT_FOUND, ERROR_KIND_NOT_FOUND },
        { ERROR_CLASS_KVM_MISSING_CAP, ERROR_KIND_INVALID },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Error *err = NULL;

        ck_assert_int_eq(error_class_kind(cases[i].cls), cases[i].kind);
        error_set(&err, cases[i].cls, "x %d", 1);
        ck_assert_int_eq(err->cls, cases[i].cls);
        ck_assert_int_eq(error_get_kind(err), cases[i].kind);
        ck_assert_str_eq(error_get_pretty(err), "x 1");
        error_free(err);
    }
}
END_TEST

START_TEST(test_setg)
{
    Error *err = NULL;

    /* The text does not decide the kind. */
    error_setg(&err, "slot %d is busy", 0);
    ck_assert_int_eq(err->cls, ERROR_CLASS_GENERIC_ERROR);
    ck_assert_int_eq(error_get_kind(err), ERROR_KIND_INVALID);
    error_free(err);
    err = NULL;
    error_setg_kind(&err, ERROR_KIND_CONFLICT, "object '%s' is in use", "m");
    ck_assert_int_eq(err->cls, ERROR_CLASS_GENERIC_ERROR);
    ck_assert_int_eq(error_get_kind(err), ERROR_KIND_CONFLICT);
    ck_assert_str_eq(error_get_pretty(err), "object 'm' is in use");
    error_free(err);
    /* errp NULL: ignored. */
    error_setg_kind(NULL, ERROR_KIND_NOT_FOUND, "gone");
}
END_TEST

START_TEST(test_kept)
{
    Error *local = NULL, *err = NULL;

    error_setg_kind(&local, ERROR_KIND_NOT_FOUND, "object 'x' not found");
    error_prepend(&local, "%s: ", "pre");
    error_propagate(&err, local);
    ck_assert_int_eq(error_get_kind(err), ERROR_KIND_NOT_FOUND);
    ck_assert_str_eq(error_get_pretty(err), "pre: object 'x' not found");
    error_free(err);
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_kind_from_class);
    tcase_add_test(tc, test_setg);
    tcase_add_test(tc, test_kept);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { error_suite };
