/* Errors carried with their QMP class and QEMU's exact text. */
#ifndef QMACHINED_ERROR_H
#define QMACHINED_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

typedef struct Error {
    ErrorClass cls;
    char *desc;
} Error;

/*
 * Rules (as in QEMU): errp may be NULL (error ignored); *errp must be NULL
 * on entry; an error is set once.  Functions that can fail also return
 * false/NULL so callers need not look at *errp.
 */
void error_set(Error **errp, ErrorClass cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void error_setg(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void error_vset(Error **errp, ErrorClass cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Moves src into *dst (or frees it when dst is NULL or already set). */
void error_propagate(Error **dst, Error *src);
/* Prepends text to an existing error's description. */
void error_prepend(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *error_class_name(ErrorClass cls);
const char *error_get_pretty(const Error *err);
void error_free(Error *err);

#endif
