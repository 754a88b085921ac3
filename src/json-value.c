/* See json-value.h. */
#include "json-value.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "util.h"

#define QDICT_BUCKETS 512

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

JsonRealKind json_real_kind(json_t *v, uint64_t *exact)
{
    const NumEntry *e = num_find(v);

    if (!e) {
        return JSON_REAL_PLAIN;
    }
    switch (e->kind) {
    case NUM_UINT64:
        *exact = e->exact;
        return JSON_REAL_UINT64;
    case NUM_POS_INF:
        return JSON_REAL_POS_INF;
    default:
        return JSON_REAL_NEG_INF;
    }
}

/* ---- QDict order ------------------------------------------------------ */

/* The length of a key returned by iterating over a jansson object. */
static size_t key_len(const char *key)
{
    return json_object_iter_key_len(json_object_key_to_iter(key));
}

unsigned json_qdict_bucket(const char *key, size_t len)
{
    uint32_t v = 0x238F13AFu * (uint32_t)len;
    unsigned shift = 0; /* i * 5 % 24 */
    size_t i;

    for (i = 0; i < len; i++) {
        v += (uint32_t)(unsigned char)key[i] << shift;
        shift += 5;
        if (shift >= 24) {
            shift -= 24;
        }
    }
    return (1103515243u * v + 12345u) % QDICT_BUCKETS;
}

static unsigned qdict_bucket(const char *key)
{
    return json_qdict_bucket(key, key_len(key));
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

/* Objects up to this size are ordered without allocating. */
#define QDICT_ORDER_SMALL 16

void json_qdict_order_into(json_t *obj, const char **keys)
{
    size_t count = json_object_size(obj), i = 0, j;
    KeyPos small[QDICT_ORDER_SMALL];
    KeyPos *kp =
        count <= QDICT_ORDER_SMALL ? small : xmalloc(sizeof(*kp) * count);
    void *it;

    for (it = json_object_iter(obj); it && i < count;
         it = json_object_iter_next(obj, it)) {
        kp[i].key = json_object_iter_key(it);
        kp[i].bucket = qdict_bucket(kp[i].key);
        kp[i].pos = i;
        i++;
    }
    if (count <= QDICT_ORDER_SMALL) {
        /* Insertion sort: the order is total (positions differ). */
        for (i = 1; i < count; i++) {
            KeyPos k = kp[i];

            for (j = i; j > 0 && keypos_cmp(&kp[j - 1], &k) > 0; j--) {
                kp[j] = kp[j - 1];
            }
            kp[j] = k;
        }
    } else {
        qsort(kp, count, sizeof(*kp), keypos_cmp);
    }
    for (i = 0; i < count; i++) {
        keys[i] = kp[i].key;
    }
    if (kp != small) {
        free(kp);
    }
}

const char **json_qdict_order(json_t *obj, size_t *n)
{
    size_t count = json_object_size(obj);
    const char **keys = xmalloc(sizeof(*keys) * (count ? count : 1));

    json_qdict_order_into(obj, keys);
    *n = count;
    return keys;
}
