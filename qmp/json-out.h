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

#include "src/json-value.h"

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

#endif
