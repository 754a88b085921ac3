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

/*
 * What kind of failure an error is, beside its QMP class: for front ends
 * that answer with more than the class (REST picks its HTTP status from
 * it).  Internal only, never on the QMP wire.  It is set where the error
 * is created: error_setg() and error_set() give the class's own kind
 * (error_class_kind()), error_setg_kind() names it.
 */
typedef enum ErrorKind {
    ERROR_KIND_INVALID, /* the request is wrong (argument, value) */
    ERROR_KIND_NOT_FOUND, /* the thing it names does not exist */
    ERROR_KIND_CONFLICT, /* it clashes with the current state: a
                          * duplicate id, in use, busy, an unplug
                          * already pending, a device not active */
    ERROR_KIND_UNSUPPORTED, /* no such command in this build */
} ErrorKind;

typedef struct Error {
    ErrorClass cls;
    ErrorKind kind;
    char *desc;
    char *hint; /* printed after desc on the command line, never on QMP */
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
/* A GenericError of the given kind. */
void error_setg_kind(Error **errp, ErrorKind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Moves src into *dst (or frees it when dst is NULL or already set). */
void error_propagate(Error **dst, Error *src);
/* Prepends text to an existing error's description. */
void error_prepend(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Adds text to the error's hint, which QEMU prints below the message for
 * errors at start-up (QMP leaves hints out).
 */
void error_append_hint(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The hint, or NULL. */
const char *error_get_hint(const Error *err);
const char *error_class_name(ErrorClass cls);
/* The class named name (QMP's "class"); GenericError if none is. */
ErrorClass error_class_from_name(const char *name);
/* The kind an error of class cls has unless its creator names one. */
ErrorKind error_class_kind(ErrorClass cls);
ErrorKind error_get_kind(const Error *err);
const char *error_get_pretty(const Error *err);
void error_free(Error *err);

#endif
