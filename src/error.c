#include "error.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void error_vset_kind(Error **errp, ErrorClass cls, ErrorKind kind,
                            const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void error_vset_kind(Error **errp, ErrorClass cls, ErrorKind kind,
                            const char *fmt, va_list ap)
{
    Error *err;

    if (!errp) {
        return;
    }
    assert(*errp == NULL);
    err = xmalloc(sizeof(*err));
    err->cls = cls;
    err->kind = kind;
    err->desc = xvasprintf(fmt, ap);
    err->hint = NULL;
    *errp = err;
}

void error_vset(Error **errp, ErrorClass cls, const char *fmt, va_list ap)
{
    error_vset_kind(errp, cls, error_class_kind(cls), fmt, ap);
}

void error_set(Error **errp, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(errp, cls, fmt, ap);
    va_end(ap);
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(errp, ERROR_CLASS_GENERIC_ERROR, fmt, ap);
    va_end(ap);
}

void error_setg_kind(Error **errp, ErrorKind kind, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset_kind(errp, ERROR_CLASS_GENERIC_ERROR, kind, fmt, ap);
    va_end(ap);
}

void error_propagate(Error **dst, Error *src)
{
    if (!src) {
        return;
    }
    if (dst && !*dst) {
        *dst = src;
    } else {
        error_free(src);
    }
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *text, *hint;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    hint = xasprintf("%s%s", (*errp)->hint ? (*errp)->hint : "", text);
    free(text);
    free((*errp)->hint);
    (*errp)->hint = hint;
}

const char *error_get_hint(const Error *err)
{
    return err->hint;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *desc;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = xvasprintf(fmt, ap);
    va_end(ap);
    desc = xasprintf("%s%s", prefix, (*errp)->desc);
    free(prefix);
    free((*errp)->desc);
    (*errp)->desc = desc;
}

const char *error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_GENERIC_ERROR:
        return "GenericError";
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return "DeviceNotActive";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_KVM_MISSING_CAP:
        return "KVMMissingCap";
    }
    return "GenericError";
}

ErrorClass error_class_from_name(const char *name)
{
    ErrorClass cls;

    for (cls = ERROR_CLASS_GENERIC_ERROR; cls <= ERROR_CLASS_KVM_MISSING_CAP;
         cls++) {
        if (name && !strcmp(error_class_name(cls), name)) {
            return cls;
        }
    }
    return ERROR_CLASS_GENERIC_ERROR;
}

ErrorKind error_class_kind(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return ERROR_KIND_UNSUPPORTED;
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return ERROR_KIND_CONFLICT;
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return ERROR_KIND_NOT_FOUND;
    case ERROR_CLASS_GENERIC_ERROR:
    case ERROR_CLASS_KVM_MISSING_CAP:
        break;
    }
    return ERROR_KIND_INVALID;
}

ErrorKind error_get_kind(const Error *err)
{
    return err->kind;
}

const char *error_get_pretty(const Error *err)
{
    return err->desc;
}

void error_free(Error *err)
{
    if (err) {
        free(err->desc);
        free(err->hint);
        free(err);
    }
}
