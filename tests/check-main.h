/*
 * The one main() of the Check unit tests (tests/check-main.c).  Each
 * tests/check_<module>.c defines check_spec: the function that builds
 * its suite and how it must be run.
 */
#ifndef TESTS_CHECK_MAIN_H
#define TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdbool.h>

typedef struct CheckSpec {
    Suite *(*suite)(void);
    bool nofork; /* run every test in the test process itself */
} CheckSpec;

extern const CheckSpec check_spec;

#endif
