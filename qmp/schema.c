#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "json-out.h"
#include "src/util.h"

#define BUILTIN(var, nm, sc) \
    const QapiType var = { .name = nm, .kind = QAPI_KIND_BUILTIN, .scalar = sc }

BUILTIN(qapi_str, "str", QAPI_STR);
BUILTIN(qapi_int, "int", QAPI_INT);
BUILTIN(qapi_int8, "int8", QAPI_INT8);
BUILTIN(qapi_int16, "int16", QAPI_INT16);
BUILTIN(qapi_int32, "int32", QAPI_INT32);
BUILTIN(qapi_uint8, "uint8", QAPI_UINT8);
BUILTIN(qapi_uint16, "uint16", QAPI_UINT16);
BUILTIN(qapi_uint32, "uint32", QAPI_UINT32);
BUILTIN(qapi_uint64, "uint64", QAPI_UINT64);
BUILTIN(qapi_size, "size", QAPI_SIZE);
BUILTIN(qapi_number, "number", QAPI_NUMBER);
BUILTIN(qapi_bool, "bool", QAPI_BOOL);
BUILTIN(qapi_null, "null", QAPI_NULL);
BUILTIN(qapi_any, "any", QAPI_ANY);

static const QapiMember no_members[] = { { NULL } };
const QapiType qapi_empty = { .name = "q_empty",
                              .kind = QAPI_KIND_OBJECT,
                              .members = no_members };

/* ---- argument checking ------------------------------------------------ */

/*
 * The path of the value being visited, for error messages: "a.b[2].c" as
 * QEMU's input visitor prints it.
 */
typedef struct Path {
    const struct Path *parent;
    const char *name; /* member name, or NULL for a list element */
    size_t index;
} Path;

static void path_render(const Path *p, char **out)
{
    char *s;

    if (!p) {
        return;
    }
    path_render(p->parent, out);
    if (p->name) {
        s = *out ? xasprintf("%s.%s", *out, p->name) : xstrdup(p->name);
    } else {
        s = xasprintf("%s[%zu]", *out ? *out : "", p->index);
    }
    free(*out);
    *out = s;
}

static char *path_name(const Path *p)
{
    char *s = NULL;

    path_render(p, &s);
    return s ? s : xstrdup("<anonymous>");
}

static void err_type(Error **errp, const Path *p, const char *expected)
{
    char *n = path_name(p);

    error_setg(errp, "Invalid parameter type for '%s', expected: %s", n,
               expected);
    free(n);
}

static void err_value(Error **errp, const Path *p, const char *expected)
{
    char *n = path_name(p);

    error_setg(errp, "Parameter '%s' expects %s", n, expected);
    free(n);
}

static bool check_int_range(const QapiType *t, json_t *v, const Path *p,
                            Error **errp)
{
    static const struct {
        QapiScalar s;
        int64_t min, max;
    } ranges[] = {
        { QAPI_INT8, INT8_MIN, INT8_MAX },
        { QAPI_INT16, INT16_MIN, INT16_MAX },
        { QAPI_INT32, INT32_MIN, INT32_MAX },
        { QAPI_UINT8, 0, UINT8_MAX },
        { QAPI_UINT16, 0, UINT16_MAX },
        { QAPI_UINT32, 0, UINT32_MAX },
    };
    json_int_t val;
    size_t i;

    if (t->scalar == QAPI_UINT64 || t->scalar == QAPI_SIZE) {
        /* Negative integers are accepted for compatibility. */
        if (!json_is_integer(v) && !json_is_uint64_exact(v)) {
            err_value(errp, p, "uint64"); /* size too, on QMP */
            return false;
        }
        return true;
    }
    if (!json_is_integer(v)) {
        err_type(errp, p, "integer");
        return false;
    }
    val = json_integer_value(v);
    for (i = 0; i < ARRAY_SIZE(ranges); i++) {
        if (ranges[i].s == t->scalar &&
            (val < ranges[i].min || val > ranges[i].max)) {
            /* QEMU names the member, not its full path, here. */
            error_setg(errp, "Parameter '%s' expects %s",
                       p && p->name ? p->name : "null", t->name);
            return false;
        }
    }
    return true;
}

static bool check_value(const QapiType *t, json_t *v, const Path *p,
                        Error **errp);

/*
 * QEMU reports the first leftover member in the iteration order of the
 * GLib hash table its input visitor fills from the QDict: GLib's string
 * hash, slot = hash * 11 mod a prime, quadratic probing, table grown when
 * it would fill.  Reorders keys (given in QDict order) accordingly.
 */
static const unsigned glib_prime_mod[] = {
    1,         2,         3,          7,         13,       31,       61,
    127,       251,       509,        1021,      2039,     4093,     8191,
    16381,     32749,     65521,      131071,    262139,   524287,   1048573,
    2097143,   4194301,   8388593,    16777213,  33554393, 67108859, 134217689,
    268435399, 536870909, 1073741789, 2147483647
};

static uint32_t glib_str_hash(const char *s)
{
    uint32_t h = 5381;

    for (; *s; s++) {
        h = (h << 5) + h + (uint32_t)(int32_t)(signed char)*s;
    }
    return h < 2 ? 2 : h;
}

static void glib_place(const char **slots, uint32_t *hashes, unsigned shift,
                       const char *key)
{
    uint32_t h = glib_str_hash(key);
    unsigned size = 1u << shift, mask = size - 1, step = 0;
    unsigned idx = (unsigned)(((uint64_t)h * 11) % glib_prime_mod[shift]);

    while (slots[idx]) {
        step++;
        idx = (idx + step) & mask;
    }
    slots[idx] = key;
    hashes[idx] = h;
}

static void glib_hash_order(const char **keys, size_t n)
{
    unsigned shift = 3, i, j, size;
    const char **slots;
    uint32_t *hashes;
    size_t k, out = 0;

    /* Grow as GLib does when inserting one by one. */
    for (k = 1; k <= n; k++) {
        if ((1u << shift) <= k + k / 16) {
            size_t want = k * 2;

            for (shift = 0; want; shift++) {
                want >>= 1;
            }
            if (shift < 3) {
                shift = 3;
            }
        }
    }
    if (shift >= ARRAY_SIZE(glib_prime_mod)) {
        return;
    }
    size = 1u << shift;
    slots = xzalloc(sizeof(*slots) * size);
    hashes = xzalloc(sizeof(*hashes) * size);
    for (i = 0; i < n; i++) {
        glib_place(slots, hashes, shift, keys[i]);
    }
    for (j = 0; j < size; j++) {
        if (slots[j]) {
            keys[out++] = slots[j];
        }
    }
    free(slots);
    free(hashes);
}

/* The variant of a flat union selected by the tag's value, or NULL. */
static const QapiType *union_variant(const QapiType *t, json_t *v)
{
    const char *tag;
    const QapiVariant *var;

    if (!t->tag) {
        return NULL;
    }
    tag = json_string_value(json_object_get(v, t->tag));
    for (var = t->variants; tag && var->value; var++) {
        if (!strcmp(var->value, tag)) {
            return var->type;
        }
    }
    return NULL;
}

static bool is_member(const QapiMember *members, const char *name)
{
    for (; members && members->name; members++) {
        if (!strcmp(members->name, name)) {
            return true;
        }
    }
    return false;
}

/* Checks members in schema order; counts those present. */
static bool check_members(const QapiMember *members, json_t *v, const Path *p,
                          size_t *n_seen, Error **errp)
{
    const QapiMember *m;

    for (m = members; m && m->name; m++) {
        json_t *mv = json_object_get(v, m->name);
        Path sub = { p, m->name, 0 };

        if (!mv) {
            if (!m->optional) {
                char *nm = path_name(&sub);

                error_setg(errp, "Parameter '%s' is missing", nm);
                free(nm);
                return false;
            }
            continue;
        }
        (*n_seen)++;
        if (!check_value(m->type, mv, &sub, errp)) {
            return false;
        }
    }
    return true;
}

static bool check_object(const QapiType *t, json_t *v, const Path *p,
                         Error **errp)
{
    const QapiType *variant;
    size_t n_seen = 0, i, n;
    const char **keys;

    if (!json_is_object(v)) {
        err_type(errp, p, "object");
        return false;
    }
    if (t->open_members) {
        return true;
    }
    if (!check_members(t->members, v, p, &n_seen, errp)) {
        return false;
    }
    variant = union_variant(t, v);
    if (variant && !check_members(variant->members, v, p, &n_seen, errp)) {
        return false;
    }
    if (n_seen == json_object_size(v)) {
        return true;
    }
    keys = json_qdict_order(v, &n);
    glib_hash_order(keys, n);
    for (i = 0; i < n; i++) {
        if (!is_member(t->members, keys[i]) &&
            !(variant && is_member(variant->members, keys[i]))) {
            Path sub = { p, keys[i], 0 };
            char *nm = path_name(&sub);

            error_setg(errp, "Parameter '%s' is unexpected", nm);
            free(nm);
            break;
        }
    }
    free(keys);
    return false;
}

static bool check_value(const QapiType *t, json_t *v, const Path *p,
                        Error **errp)
{
    size_t i;

    switch (t->kind) {
    case QAPI_KIND_BUILTIN:
        switch (t->scalar) {
        case QAPI_STR:
            if (!json_is_string(v)) {
                err_type(errp, p, "string");
                return false;
            }
            return true;
        case QAPI_NUMBER:
            if (!json_is_number(v)) {
                err_type(errp, p, "number");
                return false;
            }
            return true;
        case QAPI_BOOL:
            if (!json_is_boolean(v)) {
                err_type(errp, p, "boolean");
                return false;
            }
            return true;
        case QAPI_NULL:
            if (!json_is_null(v)) {
                err_type(errp, p, "null");
                return false;
            }
            return true;
        case QAPI_ANY:
            return true;
        default:
            return check_int_range(t, v, p, errp);
        }
    case QAPI_KIND_ENUM: {
        const char *const *val;

        if (!json_is_string(v)) {
            err_type(errp, p, "string");
            return false;
        }
        for (val = t->values; *val; val++) {
            if (!strcmp(*val, json_string_value(v))) {
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   p && p->name ? p->name : "null", json_string_value(v));
        return false;
    }
    case QAPI_KIND_ARRAY:
        if (!json_is_array(v)) {
            err_type(errp, p, "array");
            return false;
        }
        for (i = 0; i < json_array_size(v); i++) {
            Path sub = { p, NULL, i };

            if (!check_value(t->element, json_array_get(v, i), &sub, errp)) {
                return false;
            }
        }
        return true;
    case QAPI_KIND_OBJECT:
        return check_object(t, v, p, errp);
    case QAPI_KIND_ALTERNATE:
        for (i = 0; t->alternatives[i]; i++) {
            if (check_value(t->alternatives[i], v, p, NULL)) {
                return true;
            }
        }
        err_type(errp, p, t->name);
        return false;
    }
    return false;
}

bool qapi_check(const QapiType *type, json_t *value, Error **errp)
{
    return check_value(type, value, NULL, errp);
}

json_t *qapi_arg(json_t *args, const char *name)
{
    return args ? json_object_get(args, name) : NULL;
}

const char *qapi_arg_str(json_t *args, const char *name, const char *dflt)
{
    json_t *v = qapi_arg(args, name);

    return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t qapi_arg_int(json_t *args, const char *name, int64_t dflt)
{
    json_t *v = qapi_arg(args, name);

    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

bool qapi_arg_bool(json_t *args, const char *name, bool dflt)
{
    json_t *v = qapi_arg(args, name);

    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* ---- introspection ---------------------------------------------------- */

typedef struct Seen {
    const QapiType *type;
    char *masked;
} Seen;

struct QapiSchemaBuilder {
    json_t *entries;
    Seen *seen;
    size_t n_seen;
    unsigned next_id;
};

QapiSchemaBuilder *qapi_schema_builder_new(void)
{
    QapiSchemaBuilder *b = xzalloc(sizeof(*b));

    b->entries = json_array();
    return b;
}

void qapi_schema_add(QapiSchemaBuilder *b, json_t *entry)
{
    json_array_append_new(b->entries, entry);
}

static const char *json_type_of_scalar(QapiScalar s)
{
    switch (s) {
    case QAPI_STR:
        return "string";
    case QAPI_NUMBER:
        return "number";
    case QAPI_BOOL:
        return "boolean";
    case QAPI_NULL:
        return "null";
    case QAPI_ANY:
        return "value";
    default:
        return "int";
    }
}

/* QEMU's introspection shows every integer type as "int". */
static const char *builtin_schema_name(const QapiType *t)
{
    switch (t->scalar) {
    case QAPI_STR:
    case QAPI_NUMBER:
    case QAPI_BOOL:
    case QAPI_NULL:
    case QAPI_ANY:
        return t->name;
    default:
        return "int";
    }
}

static Seen *find_seen(QapiSchemaBuilder *b, const QapiType *t,
                       const char *builtin)
{
    size_t i;

    for (i = 0; i < b->n_seen; i++) {
        if (b->seen[i].type == t ||
            (builtin && !strcmp(b->seen[i].masked, builtin))) {
            return &b->seen[i];
        }
    }
    return NULL;
}

static Seen *add_seen(QapiSchemaBuilder *b, const QapiType *t, char *masked)
{
    b->seen = xrealloc(b->seen, sizeof(*b->seen) * (b->n_seen + 1));
    b->seen[b->n_seen].type = t;
    b->seen[b->n_seen].masked = masked;
    return &b->seen[b->n_seen++];
}

const char *qapi_schema_type(QapiSchemaBuilder *b, const QapiType *t)
{
    Seen *s;
    json_t *e, *arr;
    const char *elem;
    size_t i;

    if (t->kind == QAPI_KIND_BUILTIN) {
        const char *name = builtin_schema_name(t);

        s = find_seen(b, NULL, name);
        if (s) {
            return s->masked;
        }
        s = add_seen(b, t, xstrdup(name));
        e = json_object();
        json_object_set_new(e, "name", json_text(name));
        json_object_set_new(e, "meta-type", json_string("builtin"));
        json_object_set_new(e, "json-type",
                            json_text(json_type_of_scalar(t->scalar)));
        qapi_schema_add(b, e);
        return s->masked;
    }
    s = find_seen(b, t, NULL);
    if (s) {
        return s->masked;
    }
    if (t->kind == QAPI_KIND_ARRAY) {
        char *masked;

        elem = qapi_schema_type(b, t->element);
        masked = xasprintf("[%s]", elem);
        /* Another array of the same element type: the same entry. */
        s = find_seen(b, NULL, masked);
        if (s) {
            free(masked);
            return s->masked;
        }
        s = add_seen(b, t, masked);
        e = json_object();
        json_object_set_new(e, "name", json_text(s->masked));
        json_object_set_new(e, "element-type", json_text(elem));
        json_object_set_new(e, "meta-type", json_string("array"));
        qapi_schema_add(b, e);
        return s->masked;
    }
    /* Reserve the name first: types may refer to themselves. */
    s = add_seen(b, t, xasprintf("%u", b->next_id++));
    {
        char *masked = xstrdup(s->masked);

        e = json_object();
        json_object_set_new(e, "name", json_text(masked));
        switch (t->kind) {
        case QAPI_KIND_ENUM:
            arr = json_array();
            for (i = 0; t->values[i]; i++) {
                json_t *m = json_object();

                json_object_set_new(m, "name", json_text(t->values[i]));
                json_array_append_new(arr, m);
            }
            json_object_set_new(e, "members", arr);
            json_object_set_new(e, "meta-type", json_string("enum"));
            arr = json_array();
            for (i = 0; t->values[i]; i++) {
                json_array_append_new(arr, json_text(t->values[i]));
            }
            json_object_set_new(e, "values", arr);
            break;
        case QAPI_KIND_OBJECT:
            arr = json_array();
            for (i = 0; t->members[i].name; i++) {
                json_t *m = json_object();

                json_object_set_new(m, "name", json_text(t->members[i].name));
                if (t->members[i].optional) {
                    json_object_set_new(m, "default", json_null());
                }
                json_object_set_new(
                    m, "type",
                    json_text(qapi_schema_type(b, t->members[i].type)));
                if (t->members[i].features) {
                    const char *const *f = t->members[i].features;
                    json_t *fa = json_array();

                    for (; *f; f++) {
                        json_array_append_new(fa, json_text(*f));
                    }
                    json_object_set_new(m, "features", fa);
                }
                json_array_append_new(arr, m);
            }
            json_object_set_new(e, "members", arr);
            json_object_set_new(e, "meta-type", json_string("object"));
            if (t->tag) {
                arr = json_array();
                for (i = 0; t->variants[i].value; i++) {
                    json_t *m = json_object();

                    json_object_set_new(m, "case",
                                        json_text(t->variants[i].value));
                    json_object_set_new(
                        m, "type",
                        json_text(qapi_schema_type(b, t->variants[i].type)));
                    json_array_append_new(arr, m);
                }
                json_object_set_new(e, "tag", json_text(t->tag));
                json_object_set_new(e, "variants", arr);
            }
            break;
        case QAPI_KIND_ALTERNATE:
            arr = json_array();
            for (i = 0; t->alternatives[i]; i++) {
                json_t *m = json_object();

                json_object_set_new(
                    m, "type",
                    json_text(qapi_schema_type(b, t->alternatives[i])));
                json_array_append_new(arr, m);
            }
            json_object_set_new(e, "members", arr);
            json_object_set_new(e, "meta-type", json_string("alternate"));
            break;
        default:
            break;
        }
        qapi_schema_add(b, e);
        free(masked);
    }
    /* s may have moved when the seen array grew; look it up again. */
    return find_seen(b, t, NULL)->masked;
}

json_t *qapi_schema_finish(QapiSchemaBuilder *b)
{
    json_t *entries = b->entries;
    size_t i;

    for (i = 0; i < b->n_seen; i++) {
        free(b->seen[i].masked);
    }
    free(b->seen);
    free(b);
    return entries;
}
