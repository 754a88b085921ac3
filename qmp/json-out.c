#include "json-out.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

#define QDICT_BUCKETS 512

void json_buf_append(JsonBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_puts(JsonBuf *b, const char *s)
{
    json_buf_append(b, s, strlen(s));
}

void json_buf_free(JsonBuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}


/* ---- numbers jansson cannot hold -------------------------------------- */

/*
 * Integers above INT64_MAX (exact uint64 in QEMU) and infinities (QEMU's
 * parser makes them of 1e999) are json_reals recorded in a side table,
 * an open-addressing hash keyed by the json_t pointer.  The table holds a
 * reference to each value; entries only it still references are swept
 * out when it fills, so it stays about twice the size of the live set.
 */
typedef enum NumKind { NUM_UINT64, NUM_POS_INF, NUM_NEG_INF } NumKind;

typedef struct NumEntry {
    json_t *value; /* holds a reference; NULL: free slot */
    uint64_t exact;
    NumKind kind;
} NumEntry;

static NumEntry *num_table;
static size_t num_count, num_cap; /* num_cap: 0 or a power of two */

static size_t num_hash(const json_t *v, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)v * 0x9E3779B97F4A7C15ull;

    return (size_t)(h >> 32) & (cap - 1);
}

static void num_place(NumEntry *table, size_t cap, const NumEntry *e)
{
    size_t i = num_hash(e->value, cap);

    while (table[i].value) {
        i = (i + 1) & (cap - 1);
    }
    table[i] = *e;
}

/* Rebuilds the table with room for one more, dropping dead entries. */
static void num_rebuild(void)
{
    size_t i, live = 0, cap;
    NumEntry *table;

    for (i = 0; i < num_cap; i++) {
        json_t *v = num_table[i].value;

        if (v && v->refcount == 1) {
            json_decref(v);
            num_table[i].value = NULL;
        } else if (v) {
            live++;
        }
    }
    cap = num_cap ? num_cap : 64;
    while ((live + 1) * 2 > cap) {
        cap *= 2;
    }
    while (cap > 64 && (live + 1) * 8 < cap) {
        cap /= 2;
    }
    table = xzalloc(sizeof(*table) * cap);
    for (i = 0; i < num_cap; i++) {
        if (num_table[i].value) {
            num_place(table, cap, &num_table[i]);
        }
    }
    free(num_table);
    num_table = table;
    num_cap = cap;
    num_count = live;
}

static json_t *num_record(double d, NumKind kind, uint64_t exact)
{
    NumEntry e = { json_real(d), exact, kind };

    if ((num_count + 1) * 2 > num_cap) {
        num_rebuild();
    }
    num_place(num_table, num_cap, &e);
    num_count++;
    json_incref(e.value);
    return e.value;
}

static const NumEntry *num_find(json_t *v)
{
    size_t i;

    if (!json_is_real(v) || !num_cap) {
        return NULL;
    }
    for (i = num_hash(v, num_cap); num_table[i].value;
         i = (i + 1) & (num_cap - 1)) {
        if (num_table[i].value == v) {
            return &num_table[i];
        }
    }
    return NULL;
}

json_t *json_uint64(uint64_t v)
{
    if (v <= INT64_MAX) {
        return json_integer((json_int_t)v);
    }
    return num_record((double)v, NUM_UINT64, v);
}

json_t *json_number(double d)
{
    if (isinf(d)) {
        return num_record(copysign(DBL_MAX, d),
                          d > 0 ? NUM_POS_INF : NUM_NEG_INF, 0);
    }
    return json_real(d);
}

static const NumEntry *u64_find(json_t *v)
{
    const NumEntry *e = num_find(v);

    return e && e->kind == NUM_UINT64 ? e : NULL;
}

bool json_is_uint64_exact(json_t *v)
{
    return u64_find(v) != NULL;
}

bool json_get_uint64(json_t *v, uint64_t *out)
{
    const NumEntry *e;

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    e = u64_find(v);
    if (e) {
        *out = e->exact;
        return true;
    }
    return false;
}

/* The bucket QEMU's QDict puts a key in (the TDB string hash). */
/* The length of a key returned by iterating over a jansson object. */
static size_t key_len(const char *key)
{
    return json_object_iter_key_len(json_object_key_to_iter(key));
}

static unsigned qdict_bucket(const char *key)
{
    size_t len = key_len(key);
    uint32_t v = 0x238F13AFu * (uint32_t)len;
    size_t i;

    for (i = 0; i < len; i++) {
        v += (uint32_t)(unsigned char)key[i] << (i * 5 % 24);
    }
    return (1103515243u * v + 12345u) % QDICT_BUCKETS;
}

typedef struct KeyPos {
    const char *key;
    unsigned bucket;
    size_t pos;
} KeyPos;

static int keypos_cmp(const void *a, const void *b)
{
    const KeyPos *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    /* Newest insertion first within a bucket. */
    return x->pos < y->pos ? 1 : (x->pos > y->pos ? -1 : 0);
}

const char **json_out_qdict_order(json_t *obj, size_t *n)
{
    size_t count = json_object_size(obj), i = 0;
    KeyPos *kp = xmalloc(sizeof(*kp) * (count ? count : 1));
    const char **keys = xmalloc(sizeof(*keys) * (count ? count : 1));
    const char *key;
    json_t *val;

    json_object_foreach(obj, key, val) {
        kp[i].key = key;
        kp[i].bucket = qdict_bucket(key);
        kp[i].pos = i;
        i++;
    }
    qsort(kp, count, sizeof(*kp), keypos_cmp);
    for (i = 0; i < count; i++) {
        keys[i] = kp[i].key;
    }
    free(kp);
    *n = count;
    return keys;
}

/* Decodes one UTF-8 sequence; returns its length, *cp = -1 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t avail, long *cp)
{
    static const long min_for_len[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len, i;
    long c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        c = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        c = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    for (i = 1; i < len; i++) {
        if (i >= avail || (s[i] & 0xc0) != 0x80) {
            *cp = -1;
            return i;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c == 0 && len == 2) {
        *cp = 0;        /* C0 80: U+0000 as QEMU (and json-stream.c) store it */
    } else if (c < min_for_len[len] || c > 0x10ffff ||
               (c >= 0xd800 && c <= 0xdfff)) {
        *cp = -1;
    } else {
        *cp = c;
    }
    return len;
}

static void append_string(JsonBuf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    char esc[16];

    json_buf_append(b, "\"", 1);
    while (i < n) {
        long cp;
        size_t len = utf8_decode(s + i, n - i, &cp);

        i += len;
        if (cp < 0) {
            cp = 0xfffd;
        }
        switch (cp) {
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\b':
            buf_puts(b, "\\b");
            break;
        case '\f':
            buf_puts(b, "\\f");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        default:
            if (cp >= 0x20 && cp < 0x7f) {
                esc[0] = (char)cp;
                json_buf_append(b, esc, 1);
            } else if (cp >= 0x10000) {
                cp -= 0x10000;
                snprintf(esc, sizeof(esc), "\\u%04lX\\u%04lX",
                         0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
                buf_puts(b, esc);
            } else {
                snprintf(esc, sizeof(esc), "\\u%04lX", cp);
                buf_puts(b, esc);
            }
        }
    }
    json_buf_append(b, "\"", 1);
}

void json_out_append(JsonBuf *b, json_t *v)
{
    char num[64];
    size_t i, n;

    switch (json_typeof(v)) {
    case JSON_NULL:
        buf_puts(b, "null");
        break;
    case JSON_TRUE:
        buf_puts(b, "true");
        break;
    case JSON_FALSE:
        buf_puts(b, "false");
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        buf_puts(b, num);
        break;
    case JSON_REAL: {
        const NumEntry *e = num_find(v);

        if (e && e->kind == NUM_UINT64) {
            snprintf(num, sizeof(num), "%" PRIu64, e->exact);
        } else if (e) {
            /* QEMU's "%.17g" of an infinity */
            snprintf(num, sizeof(num), "%s",
                     e->kind == NUM_POS_INF ? "inf" : "-inf");
        } else {
            snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        }
        buf_puts(b, num);
        break;
    }
    case JSON_STRING:
        append_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY:
        buf_puts(b, "[");
        for (i = 0; i < json_array_size(v); i++) {
            if (i) {
                buf_puts(b, ", ");
            }
            json_out_append(b, json_array_get(v, i));
        }
        buf_puts(b, "]");
        break;
    case JSON_OBJECT: {
        const char **keys = json_out_qdict_order(v, &n);

        buf_puts(b, "{");
        for (i = 0; i < n; i++) {
            if (i) {
                buf_puts(b, ", ");
            }
            append_string(b, keys[i], key_len(keys[i]));
            buf_puts(b, ": ");
            json_out_append(
                b, json_object_iter_value(json_object_key_to_iter(keys[i])));
        }
        buf_puts(b, "}");
        free(keys);
        break;
    }
    }
}

char *json_out_dumps(json_t *v)
{
    JsonBuf b = { 0 };

    json_out_append(&b, v);
    return b.data;
}
