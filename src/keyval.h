/*
 * Parsing of "key=value,key2=value2" option strings as QEMU's command
 * line does, and QEMU-exact parsing of scalar values (sizes, numbers,
 * booleans) with the error texts QEMU 7.2 prints.
 *
 * Two grammars exist in QEMU and both are needed:
 *
 * - QemuOpts (-m, -name, -rtc, -mon, -chardev, -device, -object, -numa,
 *   ...): the first item may omit "key=" when the option has an implied
 *   key; in every value (including the implied one) ",," stands for a
 *   literal comma; an item without '=' that is not the first is a
 *   deprecated short-form boolean ("foo" means foo=on, "nofoo" foo=off,
 *   and a warning is issued); a key may be any text up to '=' or ','.
 *
 * - keyval (-machine, -smp, -display, -audiodev): the implied first
 *   value runs up to the first ',' or '=' with no escaping; every other
 *   item needs '='; keys are dot-separated QAPI names.
 *
 * Merged results are jansson objects mapping keys to string values; when
 * a key repeats, the later value wins (the key keeps its first position).
 */
#ifndef QMACHINED_KEYVAL_H
#define QMACHINED_KEYVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"

/*
 * QemuOpts grammar.  implied_key may be NULL.  When warnings is not
 * NULL, the text of each deprecation warning (without program name or
 * location) is appended to it as a string.  Returns a new reference to
 * an array of [key, value] string pairs in the order given (duplicates
 * kept, so callers can validate item by item as QEMU does), or NULL
 * with errp set (this grammar cannot fail today; callers must not rely
 * on that).
 */
json_t *keyval_parse_qemuopts(const char *params, const char *implied_key,
                              json_t *warnings, Error **errp);
/* The same, merged into an object (later duplicates win). */
json_t *keyval_parse_qemuopts_dict(const char *params, const char *implied_key,
                                   json_t *warnings, Error **errp);

/*
 * keyval grammar.  implied_key may be NULL.  Keys keep their dotted
 * form ("a.b"), no nesting is built.  Returns a new reference or NULL
 * with errp set ("Invalid parameter 'x'", "Expected '=' after parameter
 * 'x'", ...).
 */
json_t *keyval_parse(const char *params, const char *implied_key, Error **errp);

/*
 * Size parsing as qemu_strtosz(): decimal integer, optional fraction,
 * optional suffix B/k/M/G/T/P/E (any case, powers of 1024); hex "0x.."
 * without fraction.  The whole string must be consumed.  Returns 0,
 * -EINVAL or -ERANGE.  *hex_with_suffix (may be NULL) tells whether the
 * deprecated "hex number with multiplier suffix" form was used, for
 * which QEMU warns "Using a multiplier suffix on hex numbers is
 * deprecated: %s".
 */
int keyval_strtosz(const char *str, uint64_t *result, bool *hex_with_suffix);

/*
 * Unsigned integer parsing as qemu_strtou64() (strtoull() semantics:
 * leading white space and sign allowed, "-1" wraps); the whole string
 * must be consumed.  base 0 accepts 0x/0 prefixes.  Returns 0, -EINVAL
 * or -ERANGE.
 */
int keyval_strtou64(const char *str, int base, uint64_t *result);
/* Signed counterpart as qemu_strtoi64(). */
int keyval_strtoi64(const char *str, int base, int64_t *result);

/* "on"/"yes"/"true"/"y" and "off"/"no"/"false"/"n"; false if neither. */
bool keyval_str_to_bool(const char *str, bool *result);

/*
 * A QemuOpts parameter and its type (QEMU's QemuOptDesc).  Lists end
 * with a NULL name.
 */
typedef enum KeyvalOptType {
    KEYVAL_OPT_STRING,
    KEYVAL_OPT_BOOL,
    KEYVAL_OPT_NUMBER,
    KEYVAL_OPT_SIZE,
} KeyvalOptType;

typedef struct KeyvalOptDesc {
    const char *name;
    KeyvalOptType type;
} KeyvalOptDesc;

/* The parameter called name in desc, or NULL. */
const KeyvalOptDesc *keyval_opt_find(const KeyvalOptDesc *desc,
                                     const char *name);

/*
 * QemuOpts-typed parameters; texts as QEMU prints them (the size error
 * carries a second and third line: the suffix hint).
 */
bool keyval_opt_size(const char *name, const char *value, uint64_t *result,
                     Error **errp);
bool keyval_opt_number(const char *name, const char *value, uint64_t *result,
                       Error **errp);
bool keyval_opt_bool(const char *name, const char *value, bool *result,
                     Error **errp);

/*
 * Parameters parsed from keyval through QAPI's input visitor
 * (-machine, -smp, -display): "Parameter 'NAME' expects size",
 * "... expects integer", "... expects 'on' or 'off'".
 */
bool keyval_visit_size(const char *name, const char *value, uint64_t *result,
                       Error **errp);
bool keyval_visit_uint64(const char *name, const char *value, uint64_t *result,
                         Error **errp);
bool keyval_visit_int64(const char *name, const char *value, int64_t *result,
                        Error **errp);
bool keyval_visit_bool(const char *name, const char *value, bool *result,
                       Error **errp);

/* "Parameter 'NAME' does not accept value 'VALUE'" unless value is one
 * of the n names; *result gets its index. */
bool keyval_visit_enum(const char *name, const char *value,
                       const char *const *names, size_t n, int *result,
                       Error **errp);

/*
 * The scalar types QEMU's string and keyval input visitors convert a
 * string into.  Anything else (strings, enums, links, ...) is given to
 * the property's own setter as the string itself.
 */
typedef enum KeyvalType {
    KEYVAL_TYPE_STR,
    KEYVAL_TYPE_BOOL,
    KEYVAL_TYPE_INT8,
    KEYVAL_TYPE_INT16,
    KEYVAL_TYPE_INT32,
    KEYVAL_TYPE_INT64,
    KEYVAL_TYPE_UINT8,
    KEYVAL_TYPE_UINT16,
    KEYVAL_TYPE_UINT32,
    KEYVAL_TYPE_UINT64,
    KEYVAL_TYPE_SIZE,
} KeyvalType;

/*
 * The scalar type behind a QOM property type name: "bool", "int" and
 * "int8".."int64", "uint8".."uint64", "size"; KEYVAL_TYPE_STR for any
 * other name.
 */
KeyvalType keyval_type_from_qom(const char *qom_type);

/* A converted value: b, i (signed types) or u (unsigned types, size). */
typedef struct KeyvalScalar {
    KeyvalType type;
    union {
        bool b;
        int64_t i;
        uint64_t u;
    };
} KeyvalScalar;

/*
 * Converts the string value of parameter name to type as QEMU's string
 * input visitor does (-device, device_add, HMP) and its keyval input
 * visitor does for scalars (-machine, -smp, -object).  Texts: "Parameter
 * 'NAME' expects 'on' or 'off'", "... expects integer", "... expects
 * size", and "... expects int8_t" (the C type) for an integer outside
 * its type's range.  KEYVAL_TYPE_STR always succeeds (nothing to
 * convert).  Returns false with errp set.
 */
bool keyval_visit(const char *name, KeyvalType type, const char *value,
                  KeyvalScalar *result, Error **errp);

/* QEMU's identifier rule for id=: a letter, then [A-Za-z0-9._-]*. */
bool keyval_id_wellformed(const char *id);

#endif
