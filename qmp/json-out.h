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
#include <string.h>

#include "src/json-value.h"

typedef struct JsonBuf {
    char *data;
    size_t len, cap;
} JsonBuf;

/* Makes room for n more bytes and the NUL after them. */
void json_buf_reserve(JsonBuf *b, size_t n);

/* Appends n bytes (kept NUL-terminated). */
static inline void json_buf_append(JsonBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        json_buf_reserve(b, n);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}
void json_buf_free(JsonBuf *b);

/* Appends the QEMU rendering of v to b. */
void json_out_append(JsonBuf *b, json_t *v);
/* Returns a newly allocated NUL-terminated rendering of v. */
char *json_out_dumps(json_t *v);

/*
 * An object given as its members, for messages built often (events):
 * json_out_members() writes it as json_out_append() writes the jansson
 * object json_out_members_json() makes of it, without making one.
 * Members are listed in insertion order (the order json_object_set would
 * add them, which decides the order within a QDict bucket).
 */
typedef enum JsonOutKind {
    JSON_OUT_STR, /* str, len bytes */
    JSON_OUT_INT, /* num */
    JSON_OUT_BOOL, /* num: 0 or 1 */
    JSON_OUT_OBJECT, /* sub, nsub members */
} JsonOutKind;

typedef struct JsonOutMember {
    const char *key; /* NUL-terminated */
    JsonOutKind kind;
    const char *str;
    size_t len;
    int64_t num;
    const struct JsonOutMember *sub;
    size_t nsub;
} JsonOutMember;

/* At most this many members per object (events have a handful). */
#define JSON_OUT_MAX_MEMBERS 16

void json_out_members(JsonBuf *b, const JsonOutMember *m, size_t n);
json_t *json_out_members_json(const JsonOutMember *m, size_t n);

#endif
