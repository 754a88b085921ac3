#include "json-out.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

void json_buf_reserve(JsonBuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
}

static void buf_puts(JsonBuf *b, const char *s)
{
    json_buf_append(b, s, strlen(s));
}

/* v in decimal, as "%" PRId64 writes it. */
static void append_int64(JsonBuf *b, int64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        digits[--i] = '-';
    }
    json_buf_append(b, digits + i, sizeof(digits) - i);
}

void json_buf_free(JsonBuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* The length of a key returned by iterating over a jansson object. */
static size_t key_len(const char *key)
{
    return json_object_iter_key_len(json_object_key_to_iter(key));
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
        *cp = 0; /* C0 80: U+0000 as QEMU (and json-stream.c) store it */
    } else if (c < min_for_len[len] || c > 0x10ffff ||
               (c >= 0xd800 && c <= 0xdfff)) {
        *cp = -1;
    } else {
        *cp = c;
    }
    return len;
}

/* Whether byte c is written as it is: printable ASCII but '"' and '\\'. */
static inline bool plain_ascii(unsigned char c)
{
    /* One bit per byte 0x00..0x7f: 0x20..0x7e, less 0x22 and 0x5c. */
    static const uint64_t plain[2] = { 0xfffffffb00000000ull,
                                       0x7fffffffefffffffull };

    return c < 0x80 && (plain[c >> 6] >> (c & 63) & 1);
}

static void append_string(JsonBuf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    char esc[16];

    json_buf_append(b, "\"", 1);
    while (i < n) {
        long cp;
        size_t len, run = i;

        /* Printable ASCII other than '"' and '\\' goes out as it is, a
         * whole run at a time. */
        while (run < n && plain_ascii(s[run])) {
            run++;
        }
        if (run > i) {
            json_buf_append(b, str + i, run - i);
            i = run;
            continue;
        }
        len = utf8_decode(s + i, n - i, &cp);

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
        append_int64(b, (int64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        uint64_t exact = 0;

        switch (json_real_kind(v, &exact)) {
        case JSON_REAL_UINT64:
            snprintf(num, sizeof(num), "%" PRIu64, exact);
            break;
        case JSON_REAL_POS_INF:
            /* QEMU's "%.17g" of an infinity */
            snprintf(num, sizeof(num), "inf");
            break;
        case JSON_REAL_NEG_INF:
            snprintf(num, sizeof(num), "-inf");
            break;
        default:
            snprintf(num, sizeof(num), "%.17g", json_real_value(v));
            break;
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
        const char *small[16], **keys;

        n = json_object_size(v);
        keys = n <= 16 ? small : xmalloc(n * sizeof(*keys));
        json_qdict_order_into(v, keys);

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
        if (keys != small) {
            free(keys);
        }
        break;
    }
    }
}

void json_out_members(JsonBuf *b, const JsonOutMember *m, size_t n)
{
    struct {
        unsigned bucket;
        size_t pos;
    } order[JSON_OUT_MAX_MEMBERS], k;
    size_t i, j;

    assert(n <= JSON_OUT_MAX_MEMBERS);
    /* QDict order, as json_qdict_order(): bucket, newest first in one. */
    for (i = 0; i < n; i++) {
        k.bucket = json_qdict_bucket(m[i].key, strlen(m[i].key));
        k.pos = i;
        for (j = i; j > 0 && (order[j - 1].bucket > k.bucket ||
                              (order[j - 1].bucket == k.bucket &&
                               order[j - 1].pos < k.pos));
             j--) {
            order[j] = order[j - 1];
        }
        order[j] = k;
    }
    json_buf_append(b, "{", 1);
    for (i = 0; i < n; i++) {
        const JsonOutMember *e = &m[order[i].pos];

        if (i) {
            json_buf_append(b, ", ", 2);
        }
        append_string(b, e->key, strlen(e->key));
        json_buf_append(b, ": ", 2);
        switch (e->kind) {
        case JSON_OUT_STR:
            append_string(b, e->str, e->len);
            break;
        case JSON_OUT_INT:
            append_int64(b, e->num);
            break;
        case JSON_OUT_BOOL:
            buf_puts(b, e->num ? "true" : "false");
            break;
        case JSON_OUT_OBJECT:
            json_out_members(b, e->sub, e->nsub);
            break;
        }
    }
    json_buf_append(b, "}", 1);
}

json_t *json_out_members_json(const JsonOutMember *m, size_t n)
{
    json_t *o = json_object();
    size_t i;

    for (i = 0; i < n; i++) {
        json_t *v = NULL;

        switch (m[i].kind) {
        case JSON_OUT_STR:
            v = json_stringn_nocheck(m[i].str, m[i].len);
            break;
        case JSON_OUT_INT:
            v = json_integer((json_int_t)m[i].num);
            break;
        case JSON_OUT_BOOL:
            v = json_boolean(m[i].num);
            break;
        case JSON_OUT_OBJECT:
            v = json_out_members_json(m[i].sub, m[i].nsub);
            break;
        }
        json_object_set_new_nocheck(o, m[i].key, v);
    }
    return o;
}

char *json_out_dumps(json_t *v)
{
    JsonBuf b = { 0 };

    json_out_append(&b, v);
    return b.data;
}
