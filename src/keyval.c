/* QEMU-style option strings and scalar values; see keyval.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyval.h"
#include "util.h"

/* Longest key fragment keyval accepts (QEMU keeps them in 128 bytes). */
#define KEYVAL_FRAGMENT_MAX 127

#define SIZE_HINT                                                    \
    "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, " \
    "tera-, peta-\nand exabytes, respectively.\n"

/*
 * Copies a QemuOpts value starting at p up to a single ',' (",," is a
 * literal comma) into a new string; *end gets the position of the
 * terminating ',' or NUL.
 */
static char *qemuopts_value(const char *p, const char **end)
{
    size_t len = strlen(p);
    char *out = xmalloc(len + 1);
    size_t n = 0;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    *end = p;
    return out;
}

json_t *keyval_parse_qemuopts(const char *params, const char *implied_key,
                              json_t *warnings, Error **errp)
{
    json_t *items = json_array();
    const char *p = params;
    bool first = true;

    while (*p) {
        size_t len = strcspn(p, "=,");
        char *key;
        char *value;
        json_t *item;

        if (p[len] != '=') {
            if (first && implied_key) {
                key = xstrdup(implied_key);
                value = qemuopts_value(p, &p);
            } else {
                /* Short-form boolean: "foo" or "nofoo". */
                bool neg = strncmp(p, "no", 2) == 0;
                char *raw = xstrndup(p, len);

                key = xstrdup(neg ? raw + 2 : raw);
                value = xstrdup(neg ? "off" : "on");
                p += len;
                if (warnings && strcmp(raw, "help") != 0 &&
                    strcmp(raw, "?") != 0) {
                    char *w =
                        xasprintf("short-form boolean option '%s' deprecated\n"
                                  "Please use %s=%s instead",
                                  raw, key, value);

                    json_array_append_new(warnings, json_text(w));
                    free(w);
                }
                free(raw);
            }
        } else {
            key = xstrndup(p, len);
            value = qemuopts_value(p + len + 1, &p);
        }
        item = json_array();
        json_array_append_new(item, json_text(key));
        json_array_append_new(item, json_text(value));
        json_array_append_new(items, item);
        free(key);
        free(value);
        if (*p == ',') {
            p++;
        }
        first = false;
    }
    (void)errp;
    return items;
}

json_t *keyval_parse_qemuopts_dict(const char *params, const char *implied_key,
                                   json_t *warnings, Error **errp)
{
    json_t *items = keyval_parse_qemuopts(params, implied_key, warnings, errp);
    json_t *dict;
    json_t *item;
    size_t i;

    if (!items) {
        return NULL;
    }
    dict = json_object();
    json_array_foreach (items, i, item) {
        json_object_set_nocheck(dict,
                                json_string_value(json_array_get(item, 0)),
                                json_array_get(item, 1));
    }
    json_decref(items);
    return dict;
}

/* Length of a QAPI name at s (complete = false), or 0 if none. */
static size_t qapi_name_len(const char *s)
{
    const char *p = s;

    if (*p == '_') {
        /* Downstream extension prefix "__RFQDN_". */
        p++;
        if (*p != '_') {
            return 0;
        }
        while (*++p) {
            if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
                break;
            }
        }
        if (*p != '_') {
            return 0;
        }
        p++;
    }
    if (!isalpha((unsigned char)*p)) {
        return 0;
    }
    while (*++p) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            break;
        }
    }
    return p - s;
}

/* Checks a keyval key of length len at key; sets errp when invalid. */
static bool keyval_check_key(const char *key, size_t len, Error **errp)
{
    const char *s = key;
    const char *end = key + len;

    do {
        size_t flen;

        if (isdigit((unsigned char)*s)) {
            /* List index fragment. */
            flen = strspn(s, "0123456789");
        } else {
            flen = qapi_name_len(s);
        }
        if (flen > (size_t)(end - s)) {
            flen = end - s;
        }
        if (!flen || (s + flen < end && s[flen] != '.')) {
            error_setg(errp, "Invalid parameter '%.*s'", (int)len, key);
            return false;
        }
        if (flen > KEYVAL_FRAGMENT_MAX) {
            error_setg(errp, "Parameter%s '%.*s' is too long",
                       s != key || s + flen != end ? " fragment" : "",
                       (int)flen, s);
            return false;
        }
        s += flen;
        if (s < end) {
            s++; /* the '.' */
        }
    } while (s < end);
    return true;
}

json_t *keyval_parse(const char *params, const char *implied_key, Error **errp)
{
    json_t *dict = json_object();
    const char *p = params;
    bool first = true;

    while (*p) {
        size_t len = strcspn(p, "=,");
        char *key;
        char *value;

        if (first && implied_key && len && p[len] != '=') {
            /* Implied key: the value runs to ',' with no escaping. */
            key = xstrdup(implied_key);
            value = xstrndup(p, len);
            p += len;
        } else {
            size_t n = 0;

            if (!keyval_check_key(p, len, errp)) {
                goto fail;
            }
            if (p[len] != '=') {
                error_setg(errp, "Expected '=' after parameter '%.*s'",
                           (int)len, p);
                goto fail;
            }
            key = xstrndup(p, len);
            p += len + 1;
            value = xmalloc(strlen(p) + 1);
            while (*p) {
                if (*p == ',') {
                    if (p[1] != ',') {
                        break;
                    }
                    p++;
                }
                value[n++] = *p++;
            }
            value[n] = '\0';
        }
        json_object_set_new_nocheck(dict, key, json_text(value));
        free(key);
        free(value);
        if (*p == ',') {
            p++;
        }
        first = false;
    }
    return dict;

fail:
    json_decref(dict);
    return NULL;
}

int keyval_strtou64(const char *str, int base, uint64_t *result)
{
    char *end;
    unsigned long long v;

    if (!str) {
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(str, &end, base);
    if (end == str || *end) {
        return -EINVAL;
    }
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *result = v;
    return 0;
}

int keyval_strtoi64(const char *str, int base, int64_t *result)
{
    char *end;
    long long v;

    if (!str) {
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(str, &end, base);
    if (end == str || *end) {
        return -EINVAL;
    }
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *result = v;
    return 0;
}

/* Multiplier for a size suffix character, or 0 if c is none. */
static uint64_t size_suffix_mul(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'B':
        return 1;
    case 'K':
        return 1ULL << 10;
    case 'M':
        return 1ULL << 20;
    case 'G':
        return 1ULL << 30;
    case 'T':
        return 1ULL << 40;
    case 'P':
        return 1ULL << 50;
    case 'E':
        return 1ULL << 60;
    default:
        return 0;
    }
}

/* Leading-part integer parse as strtoull with an end pointer. */
static int strtou64_prefix(const char *str, int base, const char **end,
                           uint64_t *result)
{
    char *e;
    unsigned long long v;

    errno = 0;
    v = strtoull(str, &e, base);
    *end = e;
    if (e == str) {
        return -EINVAL;
    }
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *result = v;
    return 0;
}

int keyval_strtosz(const char *str, uint64_t *result, bool *hex_with_suffix)
{
    const char *end;
    uint64_t val = 0;
    uint64_t frac = 0; /* 0.64 fixed point */
    uint64_t mul;
    bool hex = false;
    int ret;

    if (hex_with_suffix) {
        *hex_with_suffix = false;
    }
    ret = strtou64_prefix(str, 10, &end, &val);
    if (ret) {
        return ret;
    }
    if (memchr(str, '-', end - str)) {
        return -EINVAL;
    }
    if (val == 0 && (*end == 'x' || *end == 'X')) {
        ret = strtou64_prefix(str, 16, &end, &val);
        if (ret) {
            return ret;
        }
        if (*end == '.') {
            return -EINVAL;
        }
        hex = true;
    } else if (*end == '.') {
        const char *f = end;
        char *fend;
        double fraction;

        errno = 0;
        fraction = strtod(f, &fend);
        if (fend == f || errno) {
            /* "1." or "1.k": no digits after the point. */
            end = f + 1;
        } else if (memchr(f, 'e', fend - f) || memchr(f, 'E', fend - f)) {
            return -EINVAL;
        } else {
            end = fend;
            if (fraction >= 1.0) {
                frac = UINT64_MAX;
            } else {
                frac = (uint64_t)(fraction * 18446744073709551616.0);
            }
        }
    }
    mul = size_suffix_mul(*end);
    if (mul) {
        if (hex && hex_with_suffix) {
            *hex_with_suffix = true;
        }
        end++;
    } else {
        mul = 1;
    }
    if (*end) {
        return -EINVAL;
    }
    if (mul == 1) {
        if (frac) {
            return -EINVAL;
        }
    } else {
        /* 64.64 fixed point times the multiplier, rounded half up. */
        unsigned __int128 whole = (unsigned __int128)val * mul;
        unsigned __int128 part = (unsigned __int128)frac * mul;

        whole += part >> 64;
        whole += (uint64_t)part >> 63;
        if (whole >> 64) {
            return -ERANGE;
        }
        val = (uint64_t)whole;
    }
    *result = val;
    return 0;
}

bool keyval_str_to_bool(const char *str, bool *result)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(str, yes[i])) {
            *result = true;
            return true;
        }
        if (!strcmp(str, no[i])) {
            *result = false;
            return true;
        }
    }
    return false;
}

const KeyvalOptDesc *keyval_opt_find(const KeyvalOptDesc *desc,
                                     const char *name)
{
    for (; desc->name; desc++) {
        if (!strcmp(desc->name, name)) {
            return desc;
        }
    }
    return NULL;
}

bool keyval_opt_size(const char *name, const char *value, uint64_t *result,
                     Error **errp)
{
    int ret = keyval_strtosz(value, result, NULL);

    if (ret == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'", value,
                   name);
        return false;
    }
    if (ret) {
        error_setg(errp,
                   "Parameter '%s' expects a non-negative number "
                   "below 2^64\n" SIZE_HINT,
                   name);
        return false;
    }
    return true;
}

bool keyval_opt_number(const char *name, const char *value, uint64_t *result,
                       Error **errp)
{
    int ret = keyval_strtou64(value, 0, result);

    if (ret == -ERANGE) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'", value,
                   name);
        return false;
    }
    if (ret) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    return true;
}

bool keyval_opt_bool(const char *name, const char *value, bool *result,
                     Error **errp)
{
    if (!keyval_str_to_bool(value, result)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
        return false;
    }
    return true;
}

bool keyval_visit_size(const char *name, const char *value, uint64_t *result,
                       Error **errp)
{
    if (keyval_strtosz(value, result, NULL)) {
        error_setg(errp, "Parameter '%s' expects size", name);
        return false;
    }
    return true;
}

bool keyval_visit_uint64(const char *name, const char *value, uint64_t *result,
                         Error **errp)
{
    if (keyval_strtou64(value, 0, result)) {
        error_setg(errp, "Parameter '%s' expects integer", name);
        return false;
    }
    return true;
}

bool keyval_visit_int64(const char *name, const char *value, int64_t *result,
                        Error **errp)
{
    if (keyval_strtoi64(value, 0, result)) {
        error_setg(errp, "Parameter '%s' expects integer", name);
        return false;
    }
    return true;
}

bool keyval_visit_bool(const char *name, const char *value, bool *result,
                       Error **errp)
{
    return keyval_opt_bool(name, value, result, errp);
}

bool keyval_visit_enum(const char *name, const char *value,
                       const char *const *names, size_t n, int *result,
                       Error **errp)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!strcmp(value, names[i])) {
            *result = (int)i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", name, value);
    return false;
}

/* QOM type names of the scalar types, indexed by KeyvalType. */
static const char *const keyval_type_names[] = {
    [KEYVAL_TYPE_STR] = "str",       [KEYVAL_TYPE_BOOL] = "bool",
    [KEYVAL_TYPE_INT8] = "int8",     [KEYVAL_TYPE_INT16] = "int16",
    [KEYVAL_TYPE_INT32] = "int32",   [KEYVAL_TYPE_INT64] = "int64",
    [KEYVAL_TYPE_UINT8] = "uint8",   [KEYVAL_TYPE_UINT16] = "uint16",
    [KEYVAL_TYPE_UINT32] = "uint32", [KEYVAL_TYPE_UINT64] = "uint64",
    [KEYVAL_TYPE_SIZE] = "size",
};

KeyvalType keyval_type_from_qom(const char *qom_type)
{
    size_t i;

    if (!strcmp(qom_type, "int")) {
        return KEYVAL_TYPE_INT64;
    }
    for (i = KEYVAL_TYPE_BOOL; i < ARRAY_SIZE(keyval_type_names); i++) {
        if (!strcmp(qom_type, keyval_type_names[i])) {
            return (KeyvalType)i;
        }
    }
    return KEYVAL_TYPE_STR;
}

/* Width in bits of an integer type (64 for the others). */
static unsigned keyval_type_bits(KeyvalType type)
{
    switch (type) {
    case KEYVAL_TYPE_INT8:
    case KEYVAL_TYPE_UINT8:
        return 8;
    case KEYVAL_TYPE_INT16:
    case KEYVAL_TYPE_UINT16:
        return 16;
    case KEYVAL_TYPE_INT32:
    case KEYVAL_TYPE_UINT32:
        return 32;
    default:
        return 64;
    }
}

bool keyval_visit(const char *name, KeyvalType type, const char *value,
                  KeyvalScalar *result, Error **errp)
{
    unsigned bits = keyval_type_bits(type);

    result->type = type;
    switch (type) {
    case KEYVAL_TYPE_STR:
        return true;
    case KEYVAL_TYPE_BOOL:
        return keyval_visit_bool(name, value, &result->b, errp);
    case KEYVAL_TYPE_SIZE:
        return keyval_visit_size(name, value, &result->u, errp);
    case KEYVAL_TYPE_INT8:
    case KEYVAL_TYPE_INT16:
    case KEYVAL_TYPE_INT32:
    case KEYVAL_TYPE_INT64:
        if (!keyval_visit_int64(name, value, &result->i, errp)) {
            return false;
        }
        if (bits < 64 && (result->i < -(INT64_C(1) << (bits - 1)) ||
                          result->i >= (INT64_C(1) << (bits - 1)))) {
            break;
        }
        return true;
    case KEYVAL_TYPE_UINT8:
    case KEYVAL_TYPE_UINT16:
    case KEYVAL_TYPE_UINT32:
    case KEYVAL_TYPE_UINT64:
        if (!keyval_visit_uint64(name, value, &result->u, errp)) {
            return false;
        }
        if (bits < 64 && result->u >= (UINT64_C(1) << bits)) {
            break;
        }
        return true;
    }
    error_setg(errp, "Parameter '%s' expects %s_t", name,
               keyval_type_names[type]);
    return false;
}

bool keyval_id_wellformed(const char *id)
{
    size_t i;

    if (!isalpha((unsigned char)id[0])) {
        return false;
    }
    for (i = 1; id[i]; i++) {
        if (!isalnum((unsigned char)id[i]) && !strchr("-._", id[i])) {
            return false;
        }
    }
    return true;
}
