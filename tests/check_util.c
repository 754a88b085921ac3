/*
 * Unit tests: what src/util.h says about static text (literals are kept,
 * heap and stack text copied), permanent memory and interned strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "src/util.h"

static const char const_table_text[] = "from a const table";

START_TEST(test_str_is_static)
{
    char stack_text[] = "on the stack";
    char *heap_text = xstrdup("on the heap");
    static char writable_text[] = "writable";

    ck_assert(str_is_static("a literal"));
    ck_assert(str_is_static(const_table_text));
    ck_assert(!str_is_static(stack_text));
    ck_assert(!str_is_static(heap_text));
    ck_assert(!str_is_static(writable_text));
    free(heap_text);
}
END_TEST

START_TEST(test_str_keep)
{
    char stack_text[] = "copied";
    const char *lit = "kept";
    const char *a = str_keep(lit), *b = str_keep(stack_text);

    ck_assert_ptr_eq(a, lit);
    ck_assert_ptr_ne(b, stack_text);
    ck_assert_str_eq(b, "copied");
    str_release(a);
    str_release(b);
    str_release(NULL);
}
END_TEST

/* Permanent memory stays referenced (LeakSanitizer looks). */
static void *kept[16];

START_TEST(test_perm)
{
    char text[] = "perm";
    const char *lit = "literal";
    unsigned char *p;
    size_t i, n, k = 0;

    /* Zeroed, aligned, distinct, also across blocks and for big sizes. */
    for (n = 1; n < 5000; n = n * 3 + 1) {
        p = kept[k++] = perm_zalloc(n);
        ck_assert_int_eq((uintptr_t)p % 8, 0);
        for (i = 0; i < n; i++) {
            ck_assert_int_eq(p[i], 0);
        }
        memset(p, 0xab, n);
    }
    ck_assert_ptr_eq(perm_strdup(lit), lit);
    ck_assert_ptr_ne(perm_strdup(text), text);
    ck_assert_str_eq(perm_strdup(text), "perm");
}
END_TEST

START_TEST(test_intern)
{
    char buf[32];
    const char *first[300];
    int i;

    /* One copy per distinct text, through the set's growth. */
    for (i = 0; i < 300; i++) {
        snprintf(buf, sizeof(buf), "child<t%d>", i);
        first[i] = str_intern(buf);
        ck_assert_str_eq(first[i], buf);
        ck_assert_ptr_ne(first[i], buf);
    }
    for (i = 0; i < 300; i++) {
        snprintf(buf, sizeof(buf), "child<t%d>", i);
        ck_assert_ptr_eq(str_intern(buf), first[i]);
    }
    ck_assert_ptr_ne(str_intern("child<t1>"), str_intern("child<t2>"));
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("text");

    tcase_add_test(tc, test_str_is_static);
    tcase_add_test(tc, test_str_keep);
    tcase_add_test(tc, test_perm);
    tcase_add_test(tc, test_intern);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { util_suite, false };
