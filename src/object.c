/*
 * The object model: types, classes, instances, properties, the tree.
 *
 * Property tables (and the type table) are open-addressing hash tables that
 * place and grow exactly as GLib 2.74's GHashTable does with g_str_hash, so
 * that walking them gives the order QEMU's qom-list, qom-list-properties and
 * qom-list-types show.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/object.h"
#include "src/util.h"

/* ---- GLib-order hash table ---- */

#define HT_MIN_SHIFT 3
#define HT_UNUSED 0u
#define HT_TOMBSTONE 1u
#define HT_IS_REAL(h) ((h) >= 2)

typedef const char *HtKeyFn(const void *val);

struct PropTable {
    unsigned shift;
    unsigned size;
    unsigned mod;
    unsigned mask;
    unsigned nnodes;
    unsigned noccupied;
    unsigned min_shift;
    uint32_t *hashes;
    void **vals;
    HtKeyFn *key;
};

static const unsigned ht_primes[] = {
    1,     2,      3,      7,      13,      31,      61,      127,
    251,   509,    1021,   2039,   4093,    8191,    16381,   32749,
    65521, 131071, 262139, 524287, 1048573, 2097143, 4194301,
};

static uint32_t ht_str_hash(const char *s)
{
    uint32_t h = 5381;
    const signed char *p;

    for (p = (const signed char *)s; *p; p++) {
        h = (h << 5) + h + (uint32_t)(int32_t)*p;
    }
    return h;
}

static void ht_set_shift(struct PropTable *t, unsigned shift)
{
    t->shift = shift;
    t->size = 1u << shift;
    t->mod = ht_primes[shift];
    t->mask = t->size - 1;
}

static struct PropTable *ht_new(HtKeyFn *key, unsigned min_shift)
{
    struct PropTable *t = xzalloc(sizeof(*t));

    t->key = key;
    t->min_shift = min_shift < HT_MIN_SHIFT ? HT_MIN_SHIFT : min_shift;
    ht_set_shift(t, t->min_shift);
    t->hashes = xzalloc(t->size * sizeof(*t->hashes));
    t->vals = xzalloc(t->size * sizeof(*t->vals));
    return t;
}

static void ht_free(struct PropTable *t)
{
    if (t) {
        free(t->hashes);
        free(t->vals);
        free(t);
    }
}

static unsigned ht_index(const struct PropTable *t, uint32_t hash)
{
    return (unsigned)((hash * 11u) % t->mod);
}

static bool bit_get(const uint32_t *bm, unsigned i)
{
    return (bm[i / 32] >> (i % 32)) & 1;
}

static void bit_set(uint32_t *bm, unsigned i)
{
    bm[i / 32] |= 1u << (i % 32);
}

/* Grows or shrinks in place, moving entries as GLib's resize does. */
static void ht_resize(struct PropTable *t)
{
    unsigned old_size = t->size;
    unsigned n = (unsigned)(t->nnodes * 1.333);
    unsigned shift = 0;
    unsigned i;
    uint32_t *done;

    while (n) {
        shift++;
        n >>= 1;
    }
    if (shift < t->min_shift) {
        shift = t->min_shift;
    }
    ht_set_shift(t, shift);
    if (t->size > old_size) {
        t->hashes = xrealloc(t->hashes, t->size * sizeof(*t->hashes));
        t->vals = xrealloc(t->vals, t->size * sizeof(*t->vals));
        memset(t->hashes + old_size, 0,
               (t->size - old_size) * sizeof(*t->hashes));
        memset(t->vals + old_size, 0, (t->size - old_size) * sizeof(*t->vals));
        done = xzalloc(((t->size + 31) / 32) * sizeof(uint32_t));
    } else {
        done = xzalloc(((old_size + 31) / 32) * sizeof(uint32_t));
    }
    for (i = 0; i < old_size; i++) {
        uint32_t h = t->hashes[i];
        void *val;

        if (!HT_IS_REAL(h)) {
            t->hashes[i] = HT_UNUSED;
            continue;
        }
        if (bit_get(done, i)) {
            continue;
        }
        t->hashes[i] = HT_UNUSED;
        val = t->vals[i];
        t->vals[i] = NULL;
        for (;;) {
            unsigned idx = ht_index(t, h);
            unsigned step = 0;
            uint32_t replaced;

            while (bit_get(done, idx)) {
                step++;
                idx = (idx + step) & t->mask;
            }
            bit_set(done, idx);
            replaced = t->hashes[idx];
            t->hashes[idx] = h;
            if (!HT_IS_REAL(replaced)) {
                t->vals[idx] = val;
                break;
            }
            h = replaced;
            {
                void *tmp = t->vals[idx];

                t->vals[idx] = val;
                val = tmp;
            }
        }
    }
    free(done);
    if (t->size < old_size) {
        t->hashes = xrealloc(t->hashes, t->size * sizeof(*t->hashes));
        t->vals = xrealloc(t->vals, t->size * sizeof(*t->vals));
    }
    t->noccupied = t->nnodes;
}

static void ht_maybe_resize(struct PropTable *t)
{
    unsigned occ = t->noccupied;

    if ((t->size > t->nnodes * 4 && t->size > (1u << t->min_shift)) ||
        t->size <= occ + occ / 16) {
        ht_resize(t);
    }
}

/* Returns the slot holding key, or the slot where it would go. */
static unsigned ht_lookup(const struct PropTable *t, const char *key,
                          uint32_t *hash_out)
{
    uint32_t hash = ht_str_hash(key);
    unsigned idx, step = 0, tomb = 0;
    bool have_tomb = false;

    if (!HT_IS_REAL(hash)) {
        hash = 2;
    }
    *hash_out = hash;
    idx = ht_index(t, hash);
    while (t->hashes[idx] != HT_UNUSED) {
        uint32_t h = t->hashes[idx];

        if (h == hash) {
            if (strcmp(t->key(t->vals[idx]), key) == 0) {
                return idx;
            }
        } else if (h == HT_TOMBSTONE && !have_tomb) {
            tomb = idx;
            have_tomb = true;
        }
        step++;
        idx = (idx + step) & t->mask;
    }
    return have_tomb ? tomb : idx;
}

static void *ht_get(const struct PropTable *t, const char *key)
{
    uint32_t hash;
    unsigned idx;

    if (!t) {
        return NULL;
    }
    idx = ht_lookup(t, key, &hash);
    return HT_IS_REAL(t->hashes[idx]) ? t->vals[idx] : NULL;
}

/* Inserts val (whose key must not be present). */
static void ht_insert(struct PropTable *t, void *val)
{
    uint32_t hash;
    unsigned idx = ht_lookup(t, t->key(val), &hash);
    uint32_t old = t->hashes[idx];

    assert(!HT_IS_REAL(old));
    t->hashes[idx] = hash;
    t->vals[idx] = val;
    t->nnodes++;
    if (old == HT_UNUSED) {
        t->noccupied++;
        ht_maybe_resize(t);
    }
}

/*
 * Removes key's entry, leaving a tombstone.  resize: then shrinks or
 * cleans up as GLib's g_hash_table_remove() does; without it, as its
 * g_hash_table_iter_remove(), which never resizes.
 */
static void *ht_remove(struct PropTable *t, const char *key, bool resize)
{
    uint32_t hash;
    unsigned idx = ht_lookup(t, key, &hash);
    void *val;

    if (!HT_IS_REAL(t->hashes[idx])) {
        return NULL;
    }
    val = t->vals[idx];
    t->hashes[idx] = HT_TOMBSTONE;
    t->vals[idx] = NULL;
    t->nnodes--;
    if (resize) {
        ht_maybe_resize(t);
    }
    return val;
}

/* Next value at or after *pos (iteration order), or NULL. */
static void *ht_next(const struct PropTable *t, size_t *pos)
{
    while (t && *pos < t->size) {
        size_t i = (*pos)++;

        if (HT_IS_REAL(t->hashes[i])) {
            return t->vals[i];
        }
    }
    return NULL;
}

/* ---- Types ---- */

struct IfaceList {
    InterfaceClass *iface;
    struct IfaceList *next;
};

struct TypeImpl {
    char *name;
    char *parent_name;
    struct TypeImpl *parent_type;
    TypeInfo info;
    size_t class_size;
    size_t instance_size;
    ObjectClass *klass;
    bool abstract;
    char **ifaces;
    size_t n_ifaces;
};

/*
 * QEMU 7.2's qemu-system-x86_64 registers 753 types, so its type table has
 * 1024 buckets; ours is kept that large so our types come out of
 * qom-list-types in the same relative order.
 */
#define TYPE_TABLE_SHIFT 10

static struct PropTable *type_table;

static const char *type_key(const void *v)
{
    return ((const struct TypeImpl *)v)->name;
}

static struct PropTable *types(void)
{
    if (!type_table) {
        type_table = ht_new(type_key, TYPE_TABLE_SHIFT);
    }
    return type_table;
}

/*
 * Most lookups by name come from a few string literals (the casts): the
 * types found are remembered by the address of the name asked for, and
 * the text is compared as well, so a name at a reused address cannot
 * give the wrong type.  Types are never unregistered.
 */
#define TYPE_CACHE_SIZE 64
static struct {
    const char *key;
    Type type;
} type_cache[TYPE_CACHE_SIZE];

static Type type_get_by_name(const char *name)
{
    size_t h;
    Type t;

    if (!name) {
        return NULL;
    }
    h = ((uintptr_t)name >> 3) % TYPE_CACHE_SIZE;
    if (type_cache[h].key == name && !strcmp(type_cache[h].type->name, name)) {
        return type_cache[h].type;
    }
    t = ht_get(types(), name);
    if (t) {
        type_cache[h].key = name;
        type_cache[h].type = t;
    }
    return t;
}

Type type_register_static(const TypeInfo *info)
{
    struct TypeImpl *ti;
    size_t i;

    assert(info->name);
    if (type_get_by_name(info->name)) {
        fprintf(stderr, "qmachined: type '%s' registered twice\n", info->name);
        abort();
    }
    ti = xzalloc(sizeof(*ti));
    ti->name = xstrdup(info->name);
    ti->parent_name = info->parent ? xstrdup(info->parent) : NULL;
    ti->info = *info;
    /* Interfaces are abstract, as in QEMU (qom-list-types hides them). */
    ti->abstract = info->abstract ||
                   (info->parent && !strcmp(info->parent, TYPE_INTERFACE));
    for (i = 0; info->interfaces && info->interfaces[i].type; i++) {
        ti->ifaces = xrealloc(ti->ifaces, (i + 1) * sizeof(char *));
        ti->ifaces[i] = xstrdup(info->interfaces[i].type);
        ti->n_ifaces = i + 1;
    }
    ht_insert(types(), ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        type_register_static(&infos[i]);
    }
}

const char *type_name(Type t)
{
    return t->name;
}

static Type type_parent(Type t)
{
    if (!t->parent_type && t->parent_name) {
        t->parent_type = type_get_by_name(t->parent_name);
        if (!t->parent_type) {
            fprintf(stderr, "qmachined: type '%s': unknown parent '%s'\n",
                    t->name, t->parent_name);
            abort();
        }
    }
    return t->parent_type;
}

static bool type_is_ancestor(Type t, Type ancestor)
{
    while (t) {
        if (t == ancestor) {
            return true;
        }
        t = type_parent(t);
    }
    return false;
}

static size_t type_class_size(Type t)
{
    if (t->info.class_size) {
        return t->info.class_size;
    }
    return type_parent(t) ? type_class_size(type_parent(t))
                          : sizeof(ObjectClass);
}

static size_t type_instance_size(Type t)
{
    if (t->info.instance_size) {
        return t->info.instance_size;
    }
    return type_parent(t) ? type_instance_size(type_parent(t)) : 0;
}

static void type_initialize(Type t);

static bool class_has_iface(ObjectClass *k, Type iface_type)
{
    struct IfaceList *l;

    for (l = k->interfaces; l; l = l->next) {
        if (type_is_ancestor(l->iface->interface_type, iface_type)) {
            return true;
        }
    }
    return false;
}

static void class_add_iface(ObjectClass *k, const InterfaceClass *from,
                            Type iface_type)
{
    size_t size = type_class_size(iface_type);
    InterfaceClass *ic = xzalloc(size);
    struct IfaceList *l = xzalloc(sizeof(*l)), **tail;

    if (from) {
        memcpy(ic, from, size);
    } else {
        memcpy(ic, iface_type->klass, size);
    }
    ic->parent_class.type = iface_type;
    ic->parent_class.properties = NULL;
    ic->parent_class.interfaces = NULL;
    ic->concrete_class = k;
    ic->interface_type = iface_type;
    l->iface = ic;
    for (tail = &k->interfaces; *tail; tail = &(*tail)->next) {
    }
    *tail = l;
}

static void type_initialize(Type t)
{
    Type parent, p;
    ObjectClass *k;
    size_t i;

    if (t->klass) {
        return;
    }
    parent = type_parent(t);
    t->class_size = type_class_size(t);
    t->instance_size = type_instance_size(t);
    k = xzalloc(t->class_size);
    if (parent) {
        struct IfaceList *l;

        type_initialize(parent);
        memcpy(k, parent->klass, parent->class_size);
        k->interfaces = NULL;
        for (l = parent->klass->interfaces; l; l = l->next) {
            class_add_iface(k, l->iface, l->iface->interface_type);
        }
    }
    k->type = t;
    k->properties = ht_new(NULL, 0);
    t->klass = k;
    for (i = 0; i < t->n_ifaces; i++) {
        Type it = type_get_by_name(t->ifaces[i]);

        if (!it) {
            fprintf(stderr, "qmachined: type '%s': unknown interface '%s'\n",
                    t->name, t->ifaces[i]);
            abort();
        }
        type_initialize(it);
        if (!class_has_iface(k, it)) {
            class_add_iface(k, NULL, it);
        }
    }
    for (p = parent; p; p = type_parent(p)) {
        if (p->info.class_base_init) {
            p->info.class_base_init(k, t->info.class_data);
        }
    }
    if (t->info.class_init) {
        t->info.class_init(k, t->info.class_data);
    }
}

/* ---- Casts and classes ---- */

ObjectClass *object_get_class(Object *obj)
{
    return obj->klass;
}

const char *object_get_typename(const Object *obj)
{
    return obj->klass->type->name;
}

ObjectClass *object_class_by_name(const char *typename)
{
    Type t;

    object_register_all_types();
    t = type_get_by_name(typename);

    if (!t) {
        return NULL;
    }
    type_initialize(t);
    return t->klass;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    Type p = type_parent(klass->type);

    if (!p) {
        return NULL;
    }
    type_initialize(p);
    return p->klass;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass, const char *typename)
{
    Type target, iface;
    struct IfaceList *l;
    ObjectClass *found = NULL;

    if (!klass) {
        return NULL;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_ancestor(klass->type, target)) {
        return klass;
    }
    iface = type_get_by_name(TYPE_INTERFACE);
    if (!iface || !type_is_ancestor(target, iface)) {
        return NULL;
    }
    for (l = klass->interfaces; l; l = l->next) {
        if (type_is_ancestor(l->iface->interface_type, target)) {
            if (found) {
                return NULL; /* ambiguous */
            }
            found = &l->iface->parent_class;
        }
    }
    return found;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line)
{
    ObjectClass *r = object_class_dynamic_cast(klass, typename);

    if (!r && klass) {
        fprintf(stderr, "%s:%d: class '%s' is not a '%s'\n", file, line,
                klass->type->name, typename);
        abort();
    }
    return r;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d: object of type '%s' is not a '%s'\n", file,
                line, object_get_typename(obj), typename);
        abort();
    }
    return obj;
}

typedef struct ForeachData {
    void (*fn)(ObjectClass *klass, void *opaque);
    Type implements;
    bool include_abstract;
    void *opaque;
} ForeachData;

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque)
{
    struct PropTable *t = types();
    size_t pos = 0;
    Type ti;
    Type want = implements_type ? type_get_by_name(implements_type) : NULL;

    if (implements_type && !want) {
        return;
    }
    /* Initialize every class first (class_init may not add types). */
    while ((ti = ht_next(t, &pos))) {
        type_initialize(ti);
    }
    pos = 0;
    while ((ti = ht_next(t, &pos))) {
        ObjectClass *k = ti->klass;

        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (want && !object_class_dynamic_cast(k, implements_type)) {
            continue;
        }
        fn(k, opaque);
    }
}

/* ---- Properties ---- */

static const char *prop_key(const void *v)
{
    return ((const ObjectProperty *)v)->name;
}

static struct PropTable *prop_table(struct PropTable **tp)
{
    if (!*tp) {
        *tp = ht_new(prop_key, 0);
    } else if (!(*tp)->key) {
        (*tp)->key = prop_key;
    }
    return *tp;
}

static void prop_free(ObjectProperty *p)
{
    free(p->name);
    free(p->type);
    free(p->description);
    json_decref(p->defval);
    free(p);
}

ObjectProperty *object_class_property_find(ObjectClass *klass, const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *p = ht_get(prop_table(&klass->properties), name);

        if (p) {
            return p;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *p = object_class_property_find(obj->klass, name);

    if (p) {
        return p;
    }
    return ht_get(obj->properties, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *p = object_property_find(obj, name);

    if (!p) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj),
                   name);
    }
    return p;
}

static ObjectProperty *prop_new(const char *name, const char *type,
                                ObjectPropertyGet *get, ObjectPropertySet *set,
                                ObjectPropertyRelease *release, void *opaque)
{
    ObjectProperty *p = xzalloc(sizeof(*p));

    p->name = xstrdup(name);
    p->type = xstrdup(type);
    p->get = get;
    p->set = set;
    p->release = release;
    p->opaque = opaque;
    return p;
}

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp)
{
    size_t len = strlen(name);
    ObjectProperty *p;

    if (len >= 3 && strcmp(name + len - 3, "[*]") == 0) {
        char *base = xstrndup(name, len - 3);
        int i;

        p = NULL;
        for (i = 0; i < INT16_MAX && !p; i++) {
            char *full = xasprintf("%s[%d]", base, i);

            p = object_property_try_add(obj, full, type, get, set, release,
                                        opaque, NULL);
            free(full);
        }
        free(base);
        if (!p) {
            error_setg_kind(errp, ERROR_KIND_CONFLICT,
                            "attempt to add duplicate property '%s' to "
                            "object (type '%s')",
                            name, object_get_typename(obj));
        }
        return p;
    }
    if (object_property_find(obj, name)) {
        error_setg_kind(errp, ERROR_KIND_CONFLICT,
                        "attempt to add duplicate property '%s' to object "
                        "(type '%s')",
                        name, object_get_typename(obj));
        return NULL;
    }
    p = prop_new(name, type, get, set, release, opaque);
    ht_insert(prop_table(&obj->properties), p);
    return p;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    Error *err = NULL;
    ObjectProperty *p = object_property_try_add(obj, name, type, get, set,
                                                release, opaque, &err);

    if (!p) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        abort();
    }
    return p;
}

ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *p;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "qmachined: duplicate class property '%s' in '%s'\n",
                name, klass->type->name);
        abort();
    }
    p = prop_new(name, type, get, set, release, opaque);
    ht_insert(prop_table(&klass->properties), p);
    return p;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *p = object_property_find(obj, name);

    assert(p);
    free(p->description);
    p->description = description ? xstrdup(description) : NULL;
}

void object_class_property_set_description(ObjectClass *klass, const char *name,
                                           const char *description)
{
    ObjectProperty *p = ht_get(prop_table(&klass->properties), name);

    assert(p);
    free(p->description);
    p->description = description ? xstrdup(description) : NULL;
}

static void prop_init_defval(Object *obj, ObjectProperty *prop)
{
    Error *err = NULL;

    if (prop->set && prop->defval &&
        !prop->set(obj, prop, prop->defval, &err)) {
        fprintf(stderr, "qmachined: default of %s: %s\n", prop->name,
                error_get_pretty(err));
        abort();
    }
}

void object_property_set_default(ObjectProperty *prop, json_t *value)
{
    json_decref(prop->defval);
    prop->defval = value;
    if (!prop->init) {
        prop->init = prop_init_defval;
    }
}

static void property_del(Object *obj, const char *name, bool resize)
{
    ObjectProperty *p;

    if (!obj->properties) {
        return;
    }
    p = ht_get(obj->properties, name);
    if (!p) {
        return;
    }
    if (p->release) {
        p->release(obj, p);
    }
    ht_remove(obj->properties, name, resize);
    prop_free(p);
}

void object_property_del(Object *obj, const char *name)
{
    property_del(obj, name, true);
}

void object_property_iter_init(ObjectPropertyIterator *it, Object *obj)
{
    it->table = obj->properties;
    it->pos = 0;
    it->next_class = obj->klass;
}

void object_class_property_iter_init(ObjectPropertyIterator *it,
                                     ObjectClass *klass)
{
    it->table = NULL;
    it->pos = 0;
    it->next_class = klass;
}

ObjectProperty *object_property_iter_next(ObjectPropertyIterator *it)
{
    for (;;) {
        ObjectProperty *p = ht_next(it->table, &it->pos);

        if (p) {
            return p;
        }
        if (!it->next_class) {
            return NULL;
        }
        it->table = prop_table(&it->next_class->properties);
        it->pos = 0;
        it->next_class = object_class_get_parent(it->next_class);
    }
}

json_t *object_property_get(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *p = object_property_find_err(obj, name, errp);

    if (!p) {
        return NULL;
    }
    if (!p->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return p->get(obj, p, errp);
}

bool object_property_set(Object *obj, const char *name, json_t *value,
                         Error **errp)
{
    ObjectProperty *p = object_property_find_err(obj, name, errp);

    if (!p) {
        return false;
    }
    if (!p->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    return p->set(obj, p, value, errp);
}

static bool set_stolen(Object *obj, const char *name, json_t *v, Error **errp)
{
    bool ok = object_property_set(obj, name, v, errp);

    json_decref(v);
    return ok;
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp)
{
    return set_stolen(obj, name, json_text(value), errp);
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    return set_stolen(obj, name, json_boolean(value), errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    return set_stolen(obj, name, json_integer(value), errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    return set_stolen(obj, name, json_integer((json_int_t)value), errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp)
{
    char *path = value ? object_get_canonical_path(value) : xstrdup("");
    bool ok = set_stolen(obj, name, json_text(path), errp);

    free(path);
    return ok;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    char *s = NULL;

    if (!v) {
        return NULL;
    }
    if (json_is_string(v)) {
        s = xstrdup(json_string_value(v));
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
                   "string");
    }
    json_decref(v);
    return s;
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    bool b = false;

    if (!v) {
        return false;
    }
    if (json_is_boolean(v)) {
        b = json_is_true(v);
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
                   "boolean");
    }
    json_decref(v);
    return b;
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    int64_t i = -1;

    if (!v) {
        return -1;
    }
    if (json_is_integer(v)) {
        i = json_integer_value(v);
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
                   "integer");
    }
    json_decref(v);
    return i;
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    return (uint64_t)object_property_get_int(obj, name, errp);
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    char *path = object_property_get_str(obj, name, errp);
    Object *target = NULL;

    if (path && *path) {
        target = object_resolve_path(path, NULL);
        if (!target) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    free(path);
    return target;
}

const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *p = object_property_find_err(obj, name, errp);

    return p ? p->type : NULL;
}

/* ---- Typed helpers ---- */

typedef struct StrAccess {
    char *(*get)(Object *, Error **);
    bool (*set)(Object *, const char *, Error **);
} StrAccess;

typedef struct BoolAccess {
    bool (*get)(Object *, Error **);
    bool (*set)(Object *, bool, Error **);
} BoolAccess;

static json_t *str_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    StrAccess *a = prop->opaque;
    char *s = a->get(obj, errp);
    json_t *v;

    if (!s) {
        return NULL;
    }
    v = json_text(s);
    free(s);
    return v;
}

static bool str_set(Object *obj, ObjectProperty *prop, json_t *value,
                    Error **errp)
{
    StrAccess *a = prop->opaque;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   prop->name, "string");
        return false;
    }
    return a->set(obj, json_string_value(value), errp);
}

static void free_opaque(Object *obj, ObjectProperty *prop)
{
    (void)obj;
    free(prop->opaque);
}

static ObjectProperty *add_str(Object *obj, ObjectClass *klass,
                               const char *name,
                               char *(*get)(Object *, Error **),
                               bool (*set)(Object *, const char *, Error **))
{
    StrAccess *a = xzalloc(sizeof(*a));

    a->get = get;
    a->set = set;
    if (klass) {
        return object_class_property_add(klass, name, "string",
                                         get ? str_get : NULL,
                                         set ? str_set : NULL, NULL, a);
    }
    return object_property_add(obj, name, "string", get ? str_get : NULL,
                               set ? str_set : NULL, free_opaque, a);
}

ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        char *(*get)(Object *, Error **),
                                        bool (*set)(Object *, const char *,
                                                    Error **))
{
    return add_str(obj, NULL, name, get, set);
}

ObjectProperty *
object_class_property_add_str(ObjectClass *klass, const char *name,
                              char *(*get)(Object *, Error **),
                              bool (*set)(Object *, const char *, Error **))
{
    return add_str(NULL, klass, name, get, set);
}

static json_t *bool_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    BoolAccess *a = prop->opaque;
    Error *err = NULL;
    bool b = a->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return json_boolean(b);
}

static bool bool_set(Object *obj, ObjectProperty *prop, json_t *value,
                     Error **errp)
{
    BoolAccess *a = prop->opaque;

    if (!json_is_boolean(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   prop->name, "boolean");
        return false;
    }
    return a->set(obj, json_is_true(value), errp);
}

static ObjectProperty *add_bool(Object *obj, ObjectClass *klass,
                                const char *name,
                                bool (*get)(Object *, Error **),
                                bool (*set)(Object *, bool, Error **))
{
    BoolAccess *a = xzalloc(sizeof(*a));

    a->get = get;
    a->set = set;
    if (klass) {
        return object_class_property_add(klass, name, "bool",
                                         get ? bool_get : NULL,
                                         set ? bool_set : NULL, NULL, a);
    }
    return object_property_add(obj, name, "bool", get ? bool_get : NULL,
                               set ? bool_set : NULL, free_opaque, a);
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         bool (*get)(Object *, Error **),
                                         bool (*set)(Object *, bool, Error **))
{
    return add_bool(obj, NULL, name, get, set);
}

ObjectProperty *
object_class_property_add_bool(ObjectClass *klass, const char *name,
                               bool (*get)(Object *, Error **),
                               bool (*set)(Object *, bool, Error **))
{
    return add_bool(NULL, klass, name, get, set);
}

static json_t *u8_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer(*(const uint8_t *)prop->opaque);
}

static json_t *u16_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer(*(const uint16_t *)prop->opaque);
}

static json_t *u32_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer(*(const uint32_t *)prop->opaque);
}

static json_t *u64_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer((json_int_t) * (const uint64_t *)prop->opaque);
}

ObjectProperty *object_property_add_uint8_ptr(Object *obj, const char *name,
                                              const uint8_t *v)
{
    return object_property_add(obj, name, "uint8", u8_get, NULL, NULL,
                               (void *)v);
}

ObjectProperty *object_property_add_uint16_ptr(Object *obj, const char *name,
                                               const uint16_t *v)
{
    return object_property_add(obj, name, "uint16", u16_get, NULL, NULL,
                               (void *)v);
}

ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               const uint32_t *v)
{
    return object_property_add(obj, name, "uint32", u32_get, NULL, NULL,
                               (void *)v);
}

ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               const uint64_t *v)
{
    return object_property_add(obj, name, "uint64", u64_get, NULL, NULL,
                               (void *)v);
}

static json_t *const_str_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_text(prop->opaque);
}

ObjectProperty *object_property_add_const_str(Object *obj, const char *name,
                                              const char *value)
{
    return object_property_add(obj, name, "string", const_str_get, NULL,
                               free_opaque, xstrdup(value));
}

/* ---- Instances ---- */

static void object_init_type(Object *obj, Type t)
{
    Type parent = type_parent(t);

    if (parent) {
        object_init_type(obj, parent);
    }
    if (t->info.instance_init) {
        t->info.instance_init(obj);
    }
}

static void object_post_init_type(Object *obj, Type t)
{
    Type parent = type_parent(t);

    if (t->info.instance_post_init) {
        t->info.instance_post_init(obj);
    }
    if (parent) {
        object_post_init_type(obj, parent);
    }
}

static void class_props_init(Object *obj)
{
    ObjectPropertyIterator it;
    ObjectProperty *p;

    object_class_property_iter_init(&it, obj->klass);
    while ((p = object_property_iter_next(&it))) {
        if (p->init) {
            p->init(obj, p);
        }
    }
}

static void object_initialize_with_type(Object *obj, Type t)
{
    type_initialize(t);
    assert(!t->abstract);
    assert(t->instance_size >= sizeof(Object));
    obj->klass = t->klass;
    obj->ref = 1;
    obj->properties = ht_new(prop_key, 0);
    class_props_init(obj);
    object_init_type(obj, t);
    object_post_init_type(obj, t);
}

Object *object_new_with_class(ObjectClass *klass)
{
    Type t = klass->type;
    Object *obj;

    type_initialize(t);
    obj = xzalloc(t->instance_size);
    object_initialize_with_type(obj, t);
    obj->free = free;
    return obj;
}

void object_initialize(void *data, size_t size, const char *typename)
{
    ObjectClass *k = object_class_by_name(typename);

    if (!k) {
        fprintf(stderr, "qmachined: unknown type '%s'\n", typename);
        abort();
    }
    type_initialize(k->type);
    assert(size >= k->type->instance_size);
    memset(data, 0, size);
    object_initialize_with_type(data, k->type);
}

Object *object_new(const char *typename)
{
    ObjectClass *k = object_class_by_name(typename);

    if (!k) {
        fprintf(stderr, "qmachined: unknown type '%s'\n", typename);
        abort();
    }
    return object_new_with_class(k);
}

Object *object_ref(void *p)
{
    Object *obj = p;

    if (obj) {
        obj->ref++;
    }
    return obj;
}

static void object_del_all_props(Object *obj)
{
    bool again = true;
    ObjectClass *k;

    while (again) {
        size_t pos = 0;
        ObjectProperty *p;

        again = false;
        while ((p = ht_next(obj->properties, &pos))) {
            ht_remove(obj->properties, p->name, true);
            if (p->release) {
                p->release(obj, p);
            }
            prop_free(p);
            again = true;
            break;
        }
    }
    /* Class properties release their per-instance state too. */
    for (k = obj->klass; k; k = object_class_get_parent(k)) {
        size_t pos = 0;
        ObjectProperty *p;

        while ((p = ht_next(k->properties, &pos))) {
            if (p->release) {
                p->release(obj, p);
            }
        }
    }
}

static void object_finalize(Object *obj)
{
    Type t;

    assert(!obj->parent);
    object_del_all_props(obj);
    for (t = obj->klass->type; t; t = type_parent(t)) {
        if (t->info.instance_finalize) {
            t->info.instance_finalize(obj);
        }
    }
    ht_free(obj->properties);
    if (obj->free) {
        obj->free(obj);
    }
}

void object_unref(void *p)
{
    Object *obj = p;

    if (!obj) {
        return;
    }
    assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

/* ---- Children and links ---- */

static bool prop_is_child(const ObjectProperty *p)
{
    return strncmp(p->type, "child<", 6) == 0;
}

static json_t *child_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    char *path = object_get_canonical_path(prop->opaque);
    json_t *v = json_text(path ? path : "");

    free(path);
    return v;
}

static Object *child_resolve(Object *obj, ObjectProperty *prop,
                             const char *part)
{
    return prop->opaque;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->klass->unparent) {
        child->klass->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, Error **errp)
{
    char *type;
    ObjectProperty *p;

    assert(!child->parent);
    type = xasprintf("child<%s>", object_get_typename(child));
    p = object_property_try_add(obj, name, type, child_get, NULL, child_release,
                                child, errp);
    free(type);
    if (!p) {
        return NULL;
    }
    p->resolve = child_resolve;
    object_ref(child);
    child->parent = obj;
    return p;
}

ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child)
{
    Error *err = NULL;
    ObjectProperty *p = object_property_try_add_child(obj, name, child, &err);

    if (!p) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        abort();
    }
    return p;
}

typedef struct LinkData {
    Object **targetp; /* instance links */
    ptrdiff_t offset; /* class links */
    ObjectLinkCheck *check;
    unsigned flags;
    char *target_type;
} LinkData;

static Object **link_ptr(Object *obj, LinkData *l)
{
    return l->targetp ? l->targetp : (Object **)((char *)obj + l->offset);
}

static json_t *link_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    Object *t = *link_ptr(obj, prop->opaque);
    char *path;
    json_t *v;

    if (!t) {
        return json_string("");
    }
    path = object_get_canonical_path(t);
    v = json_text(path ? path : "");
    free(path);
    return v;
}

static bool link_set(Object *obj, ObjectProperty *prop, json_t *value,
                     Error **errp)
{
    LinkData *l = prop->opaque;
    Object **ptr = link_ptr(obj, l);
    Object *old = *ptr, *target = NULL;
    const char *path;
    bool ambiguous = false;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   prop->name, "string");
        return false;
    }
    path = json_string_value(value);
    if (*path) {
        target = object_resolve_path_type(path, l->target_type, &ambiguous);
        if (ambiguous) {
            error_setg(errp, "Path '%s' does not uniquely identify an object",
                       path);
            return false;
        }
        if (!target) {
            ambiguous = false;
            if (object_resolve_path(path, &ambiguous) || ambiguous) {
                error_setg(errp,
                           "Invalid parameter type for '%s', "
                           "expected: %s",
                           prop->name, l->target_type);
            } else {
                error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                          "Device '%s' not found", path);
            }
            return false;
        }
    }
    if (l->check && !l->check(obj, prop->name, target, errp)) {
        return false;
    }
    *ptr = target;
    if (l->flags & OBJ_PROP_LINK_STRONG) {
        object_ref(target);
        object_unref(old);
    }
    return true;
}

static Object *link_resolve(Object *obj, ObjectProperty *prop, const char *part)
{
    return *link_ptr(obj, prop->opaque);
}

static void link_release(Object *obj, ObjectProperty *prop)
{
    LinkData *l = prop->opaque;

    if ((l->flags & OBJ_PROP_LINK_STRONG) && *link_ptr(obj, l)) {
        object_unref(*link_ptr(obj, l));
    }
    if (l->targetp) {
        free(l->target_type);
        free(l);
    }
}

static ObjectProperty *add_link(Object *obj, ObjectClass *klass,
                                const char *name, const char *type,
                                Object **targetp, ptrdiff_t offset,
                                ObjectLinkCheck *check, unsigned flags)
{
    LinkData *l = xzalloc(sizeof(*l));
    char *full = xasprintf("link<%s>", type);
    ObjectProperty *p;

    l->targetp = targetp;
    l->offset = offset;
    l->check = check;
    l->flags = flags;
    l->target_type = xstrdup(type);
    if (klass) {
        p = object_class_property_add(klass, name, full, link_get,
                                      check ? link_set : NULL, link_release, l);
    } else {
        p = object_property_add(obj, name, full, link_get,
                                check ? link_set : NULL, link_release, l);
    }
    p->resolve = link_resolve;
    free(full);
    return p;
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         ObjectLinkCheck *check, unsigned flags)
{
    return add_link(obj, NULL, name, type, targetp, 0, check, flags);
}

ObjectProperty *
object_class_property_add_link(ObjectClass *klass, const char *name,
                               const char *type, ptrdiff_t offset,
                               ObjectLinkCheck *check, unsigned flags)
{
    return add_link(NULL, klass, name, type, NULL, offset, check, flags);
}

typedef struct AliasProp {
    Object *target;
    char *target_name;
} AliasProp;

static json_t *alias_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    AliasProp *a = prop->opaque;

    (void)obj;
    return object_property_get(a->target, a->target_name, errp);
}

static bool alias_set(Object *obj, ObjectProperty *prop, json_t *value,
                      Error **errp)
{
    AliasProp *a = prop->opaque;

    (void)obj;
    return object_property_set(a->target, a->target_name, value, errp);
}

static Object *alias_resolve(Object *obj, ObjectProperty *prop,
                             const char *part)
{
    AliasProp *a = prop->opaque;
    ObjectProperty *t = object_property_find(a->target, a->target_name);

    (void)obj;
    return t && t->resolve ? t->resolve(a->target, t, part) : NULL;
}

static void alias_release(Object *obj, ObjectProperty *prop)
{
    AliasProp *a = prop->opaque;

    (void)obj;
    free(a->target_name);
    free(a);
}

ObjectProperty *object_property_add_alias(Object *obj, const char *name,
                                          Object *target,
                                          const char *target_name)
{
    ObjectProperty *t = object_property_find(target, target_name);
    AliasProp *a;
    ObjectProperty *p;
    char *type;

    assert(t);
    if (prop_is_child(t)) {
        type = xasprintf("link%s", t->type + strlen("child"));
    } else {
        type = xstrdup(t->type);
    }
    a = xzalloc(sizeof(*a));
    a->target = target;
    a->target_name = xstrdup(target_name);
    p = object_property_add(obj, name, type, alias_get, alias_set,
                            alias_release, a);
    free(type);
    p->resolve = alias_resolve;
    p->parses_string = t->parses_string;
    if (t->defval) {
        p->defval = json_incref(t->defval);
    }
    if (t->description) {
        p->description = xstrdup(t->description);
    }
    return p;
}

bool object_property_allow_set_link(const Object *obj, const char *name,
                                    Object *val, Error **errp)
{
    return true;
}

const char *object_get_canonical_path_component(const Object *obj)
{
    ObjectPropertyIterator it;
    ObjectProperty *p;

    if (!obj->parent) {
        return NULL;
    }
    object_property_iter_init(&it, obj->parent);
    while ((p = object_property_iter_next(&it))) {
        if (prop_is_child(p) && p->opaque == obj) {
            return p->name;
        }
    }
    return NULL;
}

char *object_get_canonical_path(const Object *obj)
{
    Object *root = object_get_root();
    char *path = NULL;

    while (obj != root) {
        const char *comp = object_get_canonical_path_component(obj);
        char *tmp;

        if (!comp) {
            free(path);
            return NULL;
        }
        tmp = xasprintf("/%s%s", comp, path ? path : "");
        free(path);
        path = tmp;
        obj = obj->parent;
    }
    return path ? path : xstrdup("/");
}

void object_unparent(Object *obj)
{
    Object *parent = obj->parent;
    ObjectPropertyIterator it;
    ObjectProperty *p;

    if (!parent) {
        return;
    }
    object_property_iter_init(&it, parent);
    while ((p = object_property_iter_next(&it))) {
        if (prop_is_child(p) && p->opaque == obj) {
            /* QEMU finds the child property by walking the table and
             * removes it through the iterator: the table never shrinks
             * then, so the children left keep their order. */
            property_del(parent, p->name, false);
            return;
        }
    }
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    size_t pos = 0;
    ObjectProperty *p;

    while ((p = ht_next(obj->properties, &pos))) {
        if (prop_is_child(p)) {
            int r = fn(p->opaque, opaque);

            if (r) {
                return r;
            }
        }
    }
    return 0;
}

typedef struct RecData {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} RecData;

static int child_rec(Object *child, void *opaque)
{
    RecData *d = opaque;
    int r = d->fn(child, d->opaque);

    return r ? r : object_child_foreach(child, child_rec, d);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    RecData d = { fn, opaque };

    return object_child_foreach(obj, child_rec, &d);
}

/* ---- Root and containers ---- */

static Object *root_obj, *internal_root;

Object *object_get_root(void)
{
    if (!root_obj) {
        root_obj = object_new(TYPE_CONTAINER);
    }
    return root_obj;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

Object *object_get_internal_root(void)
{
    if (!internal_root) {
        internal_root = object_new(TYPE_CONTAINER);
    }
    return internal_root;
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *p = object_property_find(parent, part);

    if (!p || !p->resolve) {
        return NULL;
    }
    return p->resolve(parent, p, part);
}

Object *container_get(Object *root, const char *path)
{
    Object *obj = root;
    const char *s = path;

    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);

        if (n) {
            char *part = xstrndup(s, n);
            Object *child = object_resolve_path_component(obj, part);

            if (!child) {
                child = object_new(TYPE_CONTAINER);
                object_property_add_child(obj, part, child);
                object_unref(child);
            }
            free(part);
            obj = child;
        }
        s += n;
        if (*s == '/') {
            s++;
        }
    }
    return obj;
}

static Object *resolve_abs(Object *parent, char **parts, const char *typename)
{
    Object *child;

    while (*parts && !**parts) {
        parts++;
    }
    if (!*parts) {
        return typename ? object_dynamic_cast(parent, typename) : parent;
    }
    child = object_resolve_path_component(parent, *parts);
    if (!child) {
        return NULL;
    }
    return resolve_abs(child, parts + 1, typename);
}

static Object *resolve_partial(Object *parent, char **parts,
                               const char *typename, bool *ambiguous)
{
    Object *obj = resolve_abs(parent, parts, typename);
    size_t pos = 0;
    ObjectProperty *p;

    while ((p = ht_next(parent->properties, &pos))) {
        Object *found;

        if (!prop_is_child(p)) {
            continue;
        }
        found = resolve_partial(p->opaque, parts, typename, ambiguous);
        if (found) {
            if (obj) {
                *ambiguous = true;
                return NULL;
            }
            obj = found;
        }
        if (*ambiguous) {
            return NULL;
        }
    }
    return obj;
}

/* Splits on '/' like g_strsplit: "" gives no parts. */
static char **split_path(const char *path)
{
    size_t n = 1, i = 0;
    const char *s;
    char **v;

    for (s = path; *s; s++) {
        n += *s == '/';
    }
    v = xzalloc((n + 1) * sizeof(char *));
    if (!*path) {
        return v;
    }
    s = path;
    for (;;) {
        const char *e = strchr(s, '/');

        if (!e) {
            v[i++] = xstrdup(s);
            break;
        }
        v[i++] = xstrndup(s, (size_t)(e - s));
        s = e + 1;
    }
    return v;
}

static void free_parts(char **v)
{
    size_t i;

    for (i = 0; v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    char **parts = split_path(path);
    bool amb = false;
    Object *obj;

    if (!parts[0] || *parts[0]) {
        obj = resolve_partial(object_get_root(), parts, typename, &amb);
    } else {
        obj = resolve_abs(object_get_root(), parts + 1, typename);
    }
    free_parts(parts);
    if (ambiguous) {
        *ambiguous = amb;
    }
    return obj;
}

Object *object_resolve_path_at(Object *parent, const char *path)
{
    char **parts = split_path(path);
    Object *obj = resolve_abs(path[0] == '/' ? object_get_root() : parent,
                              parts, TYPE_OBJECT);

    free_parts(parts);
    return obj;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, TYPE_OBJECT, ambiguous);
}

void object_reset_root_for_tests(void)
{
    Object *r = root_obj;

    root_obj = NULL;
    object_unref(r);
}

/* ---- Base types ---- */

static char *object_type_get(Object *obj, Error **errp)
{
    return xstrdup(object_get_typename(obj));
}

static void object_class_init(ObjectClass *k, void *data)
{
    object_class_property_add_str(k, "type", object_type_get, NULL);
}

static const TypeInfo base_types[] = {
    {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_init = object_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    },
    {
        .name = TYPE_CONTAINER,
        .parent = TYPE_OBJECT,
    },
};

/* Every module's registration function, from the one list. */
#define QM_TYPE_MODULE(m) void m##_register_types(void);
#include "src/type-modules.h"
#undef QM_TYPE_MODULE

void object_register_all_types(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    type_register_static_array(base_types, ARRAY_SIZE(base_types));
#define QM_TYPE_MODULE(m) m##_register_types();
#include "src/type-modules.h"
#undef QM_TYPE_MODULE
}
