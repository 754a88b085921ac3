/*
 * JSON output exactly as QEMU 7.2 writes it on a monitor: ", " and ": "
 * separators, members in the order of QEMU's dictionary (hash bucket,
 * then newest first within a bucket, so build objects in QAPI member
 * order), ASCII only with upper-case \u escapes, doubles as %.17g.
 */
#ifndef QMACHINED_JSON_OUT_H
#define QMACHINED_JSON_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct JsonBuf {
    char *data;
    size_t len, cap;
} JsonBuf;

void json_buf_append(JsonBuf *b, const char *s, size_t n);
void json_buf_free(JsonBuf *b);

/* Appends the QEMU rendering of v to b. */
void json_out_append(JsonBuf *b, json_t *v);
/* Returns a newly allocated NUL-terminated rendering of v. */
char *json_out_dumps(json_t *v);
/* Sorts the keys of obj into QEMU's dictionary iteration order. */
const char **json_out_qdict_order(json_t *obj, size_t *n);

#endif

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
