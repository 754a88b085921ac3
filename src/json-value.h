/*
 * jansson values as QEMU's QObjects, for everything that holds them
 * (properties, options, the command layer): the numbers jansson cannot
 * hold (exact integers above INT64_MAX, infinities) and the order in
 * which QEMU iterates a QDict.  Writing values out as QEMU does is
 * qmp/json-out.c's job.
 */
#ifndef QMACHINED_JSON_VALUE_H
#define QMACHINED_JSON_VALUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Integers above INT64_MAX: QEMU keeps them as exact unsigned 64-bit
 * numbers.  jansson cannot, so such a value is a json_real (for type
 * checks, "a number") remembered here with its exact value, which the
 * output and json_get_uint64() use.
 */
json_t *json_uint64(uint64_t v);
/* True (and *out set) for integers >= 0 and exact uint64 values. */
bool json_get_uint64(json_t *v, uint64_t *out);
bool json_is_uint64_exact(json_t *v);
/*
 * A number of any double value.  Infinities, which jansson refuses, are
 * +/-DBL_MAX in value (and for type checks) and written "inf"/"-inf" as
 * QEMU writes them (not JSON, but what QEMU sends).
 */
json_t *json_number(double d);

/* What a json_real really is (for output). */
typedef enum JsonRealKind {
    JSON_REAL_PLAIN, /* its double value */
    JSON_REAL_UINT64, /* an exact integer above INT64_MAX (*exact) */
    JSON_REAL_POS_INF,
    JSON_REAL_NEG_INF,
} JsonRealKind;
/* The kind of v (a json_real); *exact is set for JSON_REAL_UINT64. */
JsonRealKind json_real_kind(json_t *v, uint64_t *exact);

/*
 * The keys of obj in QEMU's QDict iteration order (hash bucket, then
 * newest first within a bucket): the order QEMU visits members in, and
 * writes them.  Returns a malloc'd array of *n borrowed keys.
 */
const char **json_qdict_order(json_t *obj, size_t *n);
/* The same into keys[], which has room for json_object_size(obj). */
void json_qdict_order_into(json_t *obj, const char **keys);
/* The bucket QEMU's QDict puts a key of len bytes in (the TDB hash). */
unsigned json_qdict_bucket(const char *key, size_t len);

#endif
