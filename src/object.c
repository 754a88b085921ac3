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
/* A slot whose property was removed (GLib's tombstone). */
static ObjectProperty ht_tombstone;
#define HT_TOMBSTONE (&ht_tombstone)
#define HT_IS_REAL(p) ((p) != NULL && (p) != HT_TOMBSTONE)
/* g_str_hash's values 0 and 1 mark empty and removed slots in GLib. */
#define HASH_IS_REAL(h) ((h) >= 2)

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
    return HASH_IS_REAL(h) ? h : 2;
}

/* A static property (object_class_property_add_static) keeps no hash. */
static uint32_t prop_hash(const ObjectProperty *p)
{
    return p->hash ? p->hash : ht_str_hash(p->name);
}

static unsigned ht_size(const PropTable *t)
{
    return t->slots ? 1u << t->shift : 0;
}

static unsigned ht_index(unsigned shift, uint32_t hash)
{
    return (unsigned)((hash * 11u) % ht_primes[shift]);
}

static void ht_free(PropTable *t)
{
    free(t->slots);
    memset(t, 0, sizeof(*t));
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
static void ht_resize(PropTable *t)
{
    unsigned old_size = ht_size(t);
    unsigned n = (unsigned)(t->nnodes * 1.333);
    unsigned shift = 0, size, mask, i;
    uint32_t *done;

    while (n) {
        shift++;
        n >>= 1;
    }
    if (shift < HT_MIN_SHIFT) {
        shift = HT_MIN_SHIFT;
    }
    t->shift = (uint8_t)shift;
    size = 1u << shift;
    mask = size - 1;
    if (size > old_size) {
        t->slots = xrealloc(t->slots, size * sizeof(*t->slots));
        memset(t->slots + old_size, 0, (size - old_size) * sizeof(*t->slots));
        done = xzalloc(((size + 31) / 32) * sizeof(uint32_t));
    } else {
        done = xzalloc(((old_size + 31) / 32) * sizeof(uint32_t));
    }
    for (i = 0; i < old_size; i++) {
        ObjectProperty *val = t->slots[i];

        if (!HT_IS_REAL(val)) {
            t->slots[i] = NULL;
            continue;
        }
        if (bit_get(done, i)) {
            continue;
        }
        t->slots[i] = NULL;
        for (;;) {
            unsigned idx = ht_index(shift, prop_hash(val));
            unsigned step = 0;
            ObjectProperty *replaced;

            while (bit_get(done, idx)) {
                step++;
                idx = (idx + step) & mask;
            }
            bit_set(done, idx);
            replaced = t->slots[idx];
            t->slots[idx] = val;
            if (!HT_IS_REAL(replaced)) {
                break;
            }
            val = replaced;
        }
    }
    free(done);
    if (size < old_size) {
        t->slots = xrealloc(t->slots, size * sizeof(*t->slots));
    }
    t->noccupied = t->nnodes;
}

static void ht_maybe_resize(PropTable *t)
{
    unsigned occ = t->noccupied;
    unsigned size = ht_size(t);

    if ((size > t->nnodes * 4 && size > (1u << HT_MIN_SHIFT)) ||
        size <= occ + occ / 16) {
        ht_resize(t);
    }
}

/* Returns the slot holding key, or the slot where it would go. */
static unsigned ht_lookup(const PropTable *t, const char *key, uint32_t hash)
{
    unsigned idx = ht_index(t->shift, hash), step = 0, tomb = 0;
    unsigned mask = ht_size(t) - 1;
    bool have_tomb = false;

    while (t->slots[idx]) {
        const ObjectProperty *p = t->slots[idx];

        if (p == HT_TOMBSTONE) {
            if (!have_tomb) {
                tomb = idx;
                have_tomb = true;
            }
        } else if ((!p->hash || p->hash == hash) && strcmp(p->name, key) == 0) {
            /* A property without its hash kept (a static one) is told
             * apart by its name: hashing it again at every probe would
             * cost more than the comparison. */
            return idx;
        }
        step++;
        idx = (idx + step) & mask;
    }
    return have_tomb ? tomb : idx;
}

/* The entry named key, whose hash the caller has computed. */
static ObjectProperty *ht_get_hashed(const PropTable *t, const char *key,
                                     uint32_t hash)
{
    unsigned idx;

    if (!t->slots) {
        return NULL;
    }
    idx = ht_lookup(t, key, hash);
    return HT_IS_REAL(t->slots[idx]) ? t->slots[idx] : NULL;
}

static ObjectProperty *ht_get(const PropTable *t, const char *key)
{
    return t->slots ? ht_get_hashed(t, key, ht_str_hash(key)) : NULL;
}

/*
 * Inserts p, whose name hashes to hash, unless an entry of that name is
 * there already (then false, nothing changed): one probe for both.
 */
static bool ht_try_insert(PropTable *t, ObjectProperty *p, uint32_t hash)
{
    unsigned idx;
    ObjectProperty *old;

    if (!t->slots) {
        t->shift = HT_MIN_SHIFT;
        t->slots = xzalloc((1u << HT_MIN_SHIFT) * sizeof(*t->slots));
    }
    idx = ht_lookup(t, p->name, hash);
    old = t->slots[idx];
    if (HT_IS_REAL(old)) {
        return false;
    }
    t->slots[idx] = p;
    t->nnodes++;
    if (!old) {
        t->noccupied++;
        ht_maybe_resize(t);
    }
    return true;
}

/* Inserts p (whose name must not be present). */
static void ht_insert(PropTable *t, ObjectProperty *p)
{
    bool fresh = ht_try_insert(t, p, prop_hash(p));

    assert(fresh);
    (void)fresh;
}

/*
 * Removes key's entry, leaving a tombstone.  resize: then shrinks or
 * cleans up as GLib's g_hash_table_remove() does; without it, as its
 * g_hash_table_iter_remove(), which never resizes.
 */
static ObjectProperty *ht_remove(PropTable *t, const char *key, bool resize)
{
    unsigned idx;
    ObjectProperty *p;

    if (!t->slots) {
        return NULL;
    }
    idx = ht_lookup(t, key, ht_str_hash(key));
    p = t->slots[idx];
    if (!HT_IS_REAL(p)) {
        return NULL;
    }
    t->slots[idx] = HT_TOMBSTONE;
    t->nnodes--;
    if (resize) {
        ht_maybe_resize(t);
    }
    return p;
}

/* Next value at or after *pos (iteration order), or NULL. */
static ObjectProperty *ht_next(const PropTable *t, size_t *pos)
{
    while (t && *pos < ht_size(t)) {
        size_t i = (*pos)++;

        if (HT_IS_REAL(t->slots[i])) {
            return t->slots[i];
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
    const char *name; /* static, or part of the copy type_register made */
    const TypeInfo *info; /* static, or that copy */
    void *class_data;
    struct TypeImpl *parent_type; /* resolved when first needed */
    ObjectClass *klass; /* built when first needed */
    uint32_t hash; /* of name, as the type table places it */
    uint32_t class_size; /* set with klass */
    uint32_t instance_size; /* set with klass */
    bool abstract;
    bool family_member; /* made on demand from a TypeFamily */
    uint16_t index; /* in registration order */
};

/*
 * The types, in registration order, in blocks that never move (a Type is
 * a pointer into one).
 */
#define TYPE_BLOCK_SHIFT 6
#define TYPE_BLOCK_SIZE (1u << TYPE_BLOCK_SHIFT)
static struct TypeImpl **type_blocks;
static unsigned n_types;

static struct TypeImpl *type_at(unsigned i)
{
    return &type_blocks[i >> TYPE_BLOCK_SHIFT][i & (TYPE_BLOCK_SIZE - 1)];
}

static struct TypeImpl *type_alloc(void)
{
    unsigned i = n_types;

    if (!(i & (TYPE_BLOCK_SIZE - 1))) {
        type_blocks = xrealloc(type_blocks, ((i >> TYPE_BLOCK_SHIFT) + 1) *
                                                sizeof(*type_blocks));
        type_blocks[i >> TYPE_BLOCK_SHIFT] =
            xzalloc(TYPE_BLOCK_SIZE * sizeof(struct TypeImpl));
    }
    n_types++;
    return type_at(i);
}

/*
 * The type table: where GLib's hash table (g_str_hash) would put each
 * type name, so walking it gives qom-list-types' order.  QEMU 7.2's
 * qemu-system-x86_64 registers 753 types, so its table has 1024 buckets;
 * ours is kept that large so our types come out in the same relative
 * order.  Types are never removed, so the table holds no tombstones; a
 * bucket holds 1 + the type's registration index, 0 when empty.
 */
#define TYPE_TABLE_SHIFT 10
#define TYPE_TABLE_SIZE (1u << TYPE_TABLE_SHIFT)
/* The most types the table holds before GLib would grow it (it grows
 * once used + used / 16 reaches the size). */
#define TYPE_TABLE_MAX (TYPE_TABLE_SIZE * 16 / 17)

static uint16_t type_table[TYPE_TABLE_SIZE];

/* The bucket holding name, or the empty one where it would go. */
static unsigned type_table_lookup(const char *name, uint32_t hash)
{
    unsigned idx = (hash * 11u) % ht_primes[TYPE_TABLE_SHIFT];
    unsigned step = 0;

    while (type_table[idx]) {
        const struct TypeImpl *t = type_at(type_table[idx] - 1u);

        if (t->hash == hash && !strcmp(t->name, name)) {
            break;
        }
        step++;
        idx = (idx + step) & (TYPE_TABLE_SIZE - 1);
    }
    return idx;
}

static uint32_t type_hash(const char *name)
{
    return ht_str_hash(name);
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

/*
 * Families of types made on demand (the CPU models): a member gets its
 * type when it is first looked up, all of them when the types are first
 * walked.  pos is the number of other types registered before the family:
 * where its members stand in registration order.
 */
#define MAX_TYPE_FAMILIES 4
static struct {
    const TypeFamily *family;
    unsigned pos;
    unsigned made; /* members with a type so far */
} type_families[MAX_TYPE_FAMILIES];
static unsigned n_type_families;
static unsigned n_family_unmade; /* members of all families not made yet */
/* Whether the table's order may differ from registration order. */
static bool type_table_reordered;

static Type type_add(const TypeInfo *info, const char *name, void *class_data,
                     bool family_member);

static Type family_make(unsigned f, size_t i)
{
    const char *name;
    void *class_data;
    const TypeInfo *info =
        type_families[f].family->member(i, &name, &class_data);

    type_families[f].made++;
    type_table_reordered = true;
    n_family_unmade--;
    return type_add(info, name, class_data, true);
}

/* The member of a family called name, made now; NULL if none is. */
static Type family_find(const char *name)
{
    unsigned f;

    for (f = 0; f < n_type_families; f++) {
        const TypeFamily *fam = type_families[f].family;
        size_t i;

        if (type_families[f].made == fam->count) {
            continue;
        }
        for (i = 0; i < fam->count; i++) {
            const char *member;
            void *class_data;

            fam->member(i, &member, &class_data);
            if (!strcmp(member, name)) {
                return family_make(f, i);
            }
        }
    }
    return NULL;
}

static Type type_get_by_name(const char *name)
{
    size_t h;
    unsigned idx;
    Type t;

    if (!name) {
        return NULL;
    }
    h = ((uintptr_t)name >> 3) % TYPE_CACHE_SIZE;
    if (type_cache[h].key == name && !strcmp(type_cache[h].type->name, name)) {
        return type_cache[h].type;
    }
    idx = type_table_lookup(name, type_hash(name));
    t = type_table[idx] ? type_at(type_table[idx] - 1u) : family_find(name);
    if (t) {
        type_cache[h].key = name;
        type_cache[h].type = t;
    }
    return t;
}

static void type_table_insert(Type t)
{
    type_table[type_table_lookup(t->name, t->hash)] = t->index + 1u;
}

static Type type_add(const TypeInfo *info, const char *name, void *class_data,
                     bool family_member)
{
    uint32_t hash;
    unsigned idx;
    struct TypeImpl *ti;

    assert(name);
    hash = type_hash(name);
    idx = type_table_lookup(name, hash);
    if (type_table[idx]) {
        fprintf(stderr, "qmachined: type '%s' registered twice\n", name);
        abort();
    }
    /* (counting the members to come, which the table will hold too) */
    if (n_types + 1 + n_family_unmade > TYPE_TABLE_MAX) {
        /* GLib would grow the table here, and reorder it. */
        fprintf(stderr, "qmachined: more than %u types\n", TYPE_TABLE_MAX);
        abort();
    }
    ti = type_alloc();
    ti->name = name;
    ti->info = info;
    ti->class_data = class_data;
    ti->hash = hash;
    /* Interfaces are abstract, as in QEMU (qom-list-types hides them). */
    ti->abstract = info->abstract ||
                   (info->parent && !strcmp(info->parent, TYPE_INTERFACE));
    ti->family_member = family_member;
    ti->index = (uint16_t)(n_types - 1);
    type_table[idx] = (uint16_t)n_types;
    return ti;
}

void type_register_family(const TypeFamily *family)
{
    unsigned i, others = 0;

    assert(n_type_families < MAX_TYPE_FAMILIES);
    for (i = 0; i < n_types; i++) {
        others += !type_at(i)->family_member;
    }
    type_families[n_type_families].family = family;
    type_families[n_type_families].pos = others;
    n_type_families++;
    n_family_unmade += family->count;
}

/*
 * Makes every family member's type and, if any was made out of order,
 * puts the table back in the order registering them all at their place
 * would have given (the order qom-list-types shows).
 */
static void type_families_complete(void)
{
    Type *members[MAX_TYPE_FAMILIES];
    unsigned f, i, others = 0;

    for (f = 0; f < n_type_families; f++) {
        const TypeFamily *fam = type_families[f].family;
        size_t m;

        members[f] = NULL;
        if (type_families[f].made == fam->count && !type_table_reordered) {
            continue;
        }
        members[f] = xmalloc(fam->count * sizeof(Type));
        for (m = 0; m < fam->count; m++) {
            const char *name;
            void *class_data;
            unsigned idx;

            fam->member(m, &name, &class_data);
            idx = type_table_lookup(name, type_hash(name));
            members[f][m] = type_table[idx] ? type_at(type_table[idx] - 1u)
                                            : family_make(f, m);
        }
    }
    if (!type_table_reordered) {
        return;
    }
    memset(type_table, 0, sizeof(type_table));
    for (i = 0;; i++) {
        Type t = i < n_types ? type_at(i) : NULL;

        if (t && t->family_member) {
            continue;
        }
        for (f = 0; f < n_type_families; f++) {
            size_t m;

            if (type_families[f].pos != others) {
                continue;
            }
            for (m = 0; m < type_families[f].family->count; m++) {
                type_table_insert(members[f][m]);
            }
        }
        if (!t) {
            break;
        }
        type_table_insert(t);
        others++;
    }
    for (f = 0; f < n_type_families; f++) {
        free(members[f]);
    }
    type_table_reordered = false;
}

Type type_register_static(const TypeInfo *info)
{
    return type_add(info, info->name, info->class_data, false);
}

Type type_register(const TypeInfo *info)
{
    size_t nlen = strlen(info->name) + 1;
    size_t plen = info->parent ? strlen(info->parent) + 1 : 0;
    TypeInfo *copy = xmalloc(sizeof(*copy) + nlen + plen);
    char *name = (char *)(copy + 1);

    *copy = *info;
    memcpy(name, info->name, nlen);
    copy->name = name;
    if (info->parent) {
        memcpy(name + nlen, info->parent, plen);
        copy->parent = name + nlen;
    }
    return type_add(copy, copy->name, copy->class_data, false);
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
    if (!t->parent_type && t->info->parent) {
        t->parent_type = type_get_by_name(t->info->parent);
        if (!t->parent_type) {
            fprintf(stderr, "qmachined: type '%s': unknown parent '%s'\n",
                    t->name, t->info->parent);
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
    if (t->info->class_size) {
        return t->info->class_size;
    }
    return type_parent(t) ? type_class_size(type_parent(t))
                          : sizeof(ObjectClass);
}

static size_t type_instance_size(Type t)
{
    if (t->info->instance_size) {
        return t->info->instance_size;
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
    memset(&ic->parent_class.properties, 0,
           sizeof(ic->parent_class.properties));
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
    memset(&k->properties, 0, sizeof(k->properties));
    t->klass = k;
    for (i = 0; t->info->interfaces && t->info->interfaces[i].type; i++) {
        Type it = type_get_by_name(t->info->interfaces[i].type);

        if (!it) {
            fprintf(stderr, "qmachined: type '%s': unknown interface '%s'\n",
                    t->name, t->info->interfaces[i].type);
            abort();
        }
        type_initialize(it);
        if (!class_has_iface(k, it)) {
            class_add_iface(k, NULL, it);
        }
    }
    for (p = parent; p; p = type_parent(p)) {
        if (p->info->class_base_init) {
            p->info->class_base_init(k, t->class_data);
        }
    }
    if (t->info->class_init) {
        t->info->class_init(k, t->class_data);
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

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque)
{
    Type want = implements_type ? type_get_by_name(implements_type) : NULL;
    unsigned i;

    if (implements_type && !want) {
        return;
    }
    type_families_complete();
    /* Initialize every class first (class_init may not add types). */
    for (i = 0; i < TYPE_TABLE_SIZE; i++) {
        if (type_table[i]) {
            type_initialize(type_at(type_table[i] - 1u));
        }
    }
    for (i = 0; i < TYPE_TABLE_SIZE; i++) {
        Type ti;

        if (!type_table[i]) {
            continue;
        }
        ti = type_at(type_table[i] - 1u);
        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (want && !object_class_dynamic_cast(ti->klass, implements_type)) {
            continue;
        }
        fn(ti->klass, opaque);
    }
}

/* ---- Properties ---- */

/*
 * The distinct combinations of callbacks, each kept once: a few dozen for
 * all the properties there are.
 */
static const ObjectPropertyAccess **accesses;
static size_t n_accesses;

static const ObjectPropertyAccess *access_intern(const ObjectPropertyAccess *a)
{
    ObjectPropertyAccess *copy;
    size_t i;

    for (i = 0; i < n_accesses; i++) {
        if (!memcmp(accesses[i], a, sizeof(*a))) {
            return accesses[i];
        }
    }
    if (!(n_accesses & (n_accesses - 1))) {
        accesses = xrealloc(accesses, (n_accesses ? n_accesses * 2 : 16) *
                                          sizeof(*accesses));
    }
    copy = perm_zalloc(sizeof(*copy));
    *copy = *a;
    accesses[n_accesses++] = copy;
    return copy;
}

static void prop_set_resolve(ObjectProperty *p, ObjectPropertyResolve *resolve)
{
    ObjectPropertyAccess a = *p->access;

    a.resolve = resolve;
    p->access = access_intern(&a);
}

void object_property_set_init(ObjectProperty *p, ObjectPropertyInit *init)
{
    ObjectPropertyAccess a = *p->access;

    a.init = init;
    p->access = access_intern(&a);
}

/* Instance properties only (class properties are never freed). */
static void prop_free(ObjectProperty *p)
{
    str_release(p->description);
    json_decref(p->defval);
    free(p);
}

/* The class property named name (whose hash is given) here or above. */
static ObjectProperty *
class_property_find_hashed(ObjectClass *klass, const char *name, uint32_t hash)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *p = ht_get_hashed(&klass->properties, name, hash);

        if (p) {
            return p;
        }
    }
    return NULL;
}

ObjectProperty *object_class_property_find(ObjectClass *klass, const char *name)
{
    return class_property_find_hashed(klass, name, ht_str_hash(name));
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    uint32_t hash = ht_str_hash(name);
    ObjectProperty *p = class_property_find_hashed(obj->klass, name, hash);

    if (p) {
        return p;
    }
    return ht_get_hashed(&obj->properties, name, hash);
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

static void prop_fill(ObjectProperty *p, ObjectPropertyGet *get,
                      ObjectPropertySet *set, ObjectPropertyRelease *release,
                      void *opaque)
{
    ObjectPropertyAccess a = { .get = get, .set = set, .release = release };

    p->access = access_intern(&a);
    p->opaque = opaque;
    p->hash = ht_str_hash(p->name);
}

/*
 * An instance property: one allocation with its name (unless static);
 * a type made at run time ("child<T>") is interned.
 */
static ObjectProperty *prop_new(const char *name, const char *type,
                                ObjectPropertyGet *get, ObjectPropertySet *set,
                                ObjectPropertyRelease *release, void *opaque)
{
    size_t n = str_is_static(name) ? 0 : strlen(name) + 1;
    ObjectProperty *p = xzalloc(sizeof(*p) + n);

    if (n) {
        memcpy(p + 1, name, n);
        p->name = (const char *)(p + 1);
    } else {
        p->name = name;
    }
    p->type = str_is_static(type) ? type : str_intern(type);
    prop_fill(p, get, set, release, opaque);
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
    ht_insert(&obj->properties, p);
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

/* Class properties live as long as their class: permanent memory. */
static void duplicate_class_property(ObjectClass *klass, const char *name)
{
    fprintf(stderr, "qmachined: duplicate class property '%s' in '%s'\n", name,
            klass->type->name);
    abort();
}

/* A class property may be added only under a name not yet taken. */
static void class_property_check_new(ObjectClass *klass, const char *name)
{
    if (object_class_property_find(klass, name)) {
        duplicate_class_property(klass, name);
    }
}

ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *p;

    class_property_check_new(klass, name);
    p = perm_zalloc(sizeof(*p));
    p->name = perm_strdup(name);
    p->type = str_is_static(type) ? type : str_intern(type);
    prop_fill(p, get, set, release, opaque);
    ht_insert(&klass->properties, p);
    return p;
}

void object_class_property_add_static(ObjectClass *klass,
                                      const ObjectProperty *prop)
{
    uint32_t hash = ht_str_hash(prop->name);
    ObjectClass *parent = object_class_get_parent(klass);

    /* The parents' tables, then the class's own in the same probe as
     * the insertion. */
    if ((parent && class_property_find_hashed(parent, prop->name, hash)) ||
        !ht_try_insert(&klass->properties, (ObjectProperty *)prop, hash)) {
        duplicate_class_property(klass, prop->name);
    }
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *p = ht_get(&obj->properties, name);

    assert(p);
    str_release(p->description);
    p->description = description ? str_keep(description) : NULL;
}

void object_class_property_set_description(ObjectClass *klass, const char *name,
                                           const char *description)
{
    ObjectProperty *p = ht_get(&klass->properties, name);

    assert(p);
    p->description = description ? perm_strdup(description) : NULL;
}

static void prop_init_defval(Object *obj, ObjectProperty *prop)
{
    Error *err = NULL;

    if (prop->access->set && prop->defval &&
        !prop->access->set(obj, prop, prop->defval, &err)) {
        fprintf(stderr, "qmachined: default of %s: %s\n", prop->name,
                error_get_pretty(err));
        abort();
    }
}

void object_property_set_default(ObjectProperty *prop, json_t *value)
{
    json_decref(prop->defval);
    prop->defval = value;
    if (!prop->access->init) {
        object_property_set_init(prop, prop_init_defval);
    }
}

static void property_del(Object *obj, const char *name, bool resize)
{
    ObjectProperty *p = ht_get(&obj->properties, name);

    if (!p) {
        return;
    }
    if (p->access->release) {
        p->access->release(obj, p);
    }
    ht_remove(&obj->properties, name, resize);
    prop_free(p);
}

void object_property_del(Object *obj, const char *name)
{
    property_del(obj, name, true);
}

void object_property_iter_init(ObjectPropertyIterator *it, Object *obj)
{
    it->table = &obj->properties;
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
        it->table = &it->next_class->properties;
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
    if (!p->access->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return p->access->get(obj, p, errp);
}

bool object_property_set(Object *obj, const char *name, json_t *value,
                         Error **errp)
{
    ObjectProperty *p = object_property_find_err(obj, name, errp);

    if (!p) {
        return false;
    }
    if (!p->access->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    return p->access->set(obj, p, value, errp);
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
    if (t->info->instance_init) {
        t->info->instance_init(obj);
    }
}

static void object_post_init_type(Object *obj, Type t)
{
    Type parent = type_parent(t);

    if (t->info->instance_post_init) {
        t->info->instance_post_init(obj);
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
        if (p->access->init) {
            p->access->init(obj, p);
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
        while ((p = ht_next(&obj->properties, &pos))) {
            ht_remove(&obj->properties, p->name, true);
            if (p->access->release) {
                p->access->release(obj, p);
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

        while ((p = ht_next(&k->properties, &pos))) {
            if (p->access->release) {
                p->access->release(obj, p);
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
        if (t->info->instance_finalize) {
            t->info->instance_finalize(obj);
        }
    }
    ht_free(&obj->properties);
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
    prop_set_resolve(p, child_resolve);
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

/*
 * The names of the class properties that resolve (class links; every
 * other class property has no resolve): a partial path whose first
 * component is none of them can only continue at an object through an
 * instance property, so the walk looks there alone (resolve_partial).
 */
static char **class_link_names;
static size_t n_class_link_names;

static void note_class_link_name(const char *name)
{
    size_t i;

    for (i = 0; i < n_class_link_names; i++) {
        if (!strcmp(class_link_names[i], name)) {
            return;
        }
    }
    class_link_names =
        xrealloc(class_link_names, (n_class_link_names + 1) * sizeof(char *));
    class_link_names[n_class_link_names++] = xstrdup(name);
}

static bool is_class_link_name(const char *name)
{
    size_t i;

    for (i = 0; i < n_class_link_names; i++) {
        if (!strcmp(class_link_names[i], name)) {
            return true;
        }
    }
    return false;
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
        note_class_link_name(name);
    } else {
        p = object_property_add(obj, name, full, link_get,
                                check ? link_set : NULL, link_release, l);
    }
    prop_set_resolve(p, link_resolve);
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
    return t && t->access->resolve ? t->access->resolve(a->target, t, part)
                                   : NULL;
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
    prop_set_resolve(p, alias_resolve);
    p->parses_string = t->parses_string;
    if (t->defval) {
        p->defval = json_incref(t->defval);
    }
    if (t->description) {
        p->description = str_keep(t->description);
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
    ObjectProperty *p;

    const PropTable *t;

    if (!obj->parent) {
        return NULL;
    }
    /* child<> properties are always the parent's own, never its class's. */
    t = &obj->parent->properties;
    for (unsigned i = 0; t->slots && i < ht_size(t); i++) {
        p = t->slots[i];
        if (HT_IS_REAL(p) && p->opaque == obj && prop_is_child(p)) {
            return p->name;
        }
    }
    return NULL;
}

char *object_get_canonical_path(const Object *obj)
{
    Object *root = object_get_root();
    const char *small[32], **comp = small;
    size_t n = 0, cap = ARRAY_SIZE(small), len = 0, at;
    const Object *o;
    char *path = NULL;

    /* The components from obj up, then one string of them. */
    for (o = obj; o != root; o = o->parent) {
        const char *c = object_get_canonical_path_component(o);

        if (!c) {
            goto out;
        }
        if (n == cap) {
            cap *= 2;
            comp = comp == small ? memcpy(xmalloc(cap * sizeof(*comp)), small,
                                          sizeof(small))
                                 : xrealloc(comp, cap * sizeof(*comp));
        }
        comp[n++] = c;
        len += 1 + strlen(c);
    }
    if (!n) {
        path = xstrdup("/");
        goto out;
    }
    path = xmalloc(len + 1);
    at = 0;
    while (n--) {
        size_t l = strlen(comp[n]);

        path[at++] = '/';
        memcpy(path + at, comp[n], l);
        at += l;
    }
    path[at] = '\0';
out:
    if (comp != small) {
        free(comp);
    }
    return path;
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

    while ((p = ht_next(&obj->properties, &pos))) {
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

    if (!p || !p->access->resolve) {
        return NULL;
    }
    return p->access->resolve(parent, p, part);
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

/*
 * first: the first non-empty part when no class property of that name
 * resolves (see class_link_names), else NULL.  Then an object without an
 * instance property of that name cannot continue the path (a class
 * property of the name would not resolve), and resolve_abs's look-up
 * through the class chain is skipped: the result is the same.
 */
static Object *resolve_partial(Object *parent, char **parts,
                               const char *typename, const char *first,
                               bool *ambiguous)
{
    Object *obj = first && !ht_get(&parent->properties, first)
                      ? NULL
                      : resolve_abs(parent, parts, typename);
    size_t pos = 0;
    ObjectProperty *p;

    while ((p = ht_next(&parent->properties, &pos))) {
        Object *found;

        /* Children resolve through child_resolve: most others are
         * passed over without comparing their type. */
        if (p->access->resolve != child_resolve || !prop_is_child(p)) {
            continue;
        }
        found = resolve_partial(p->opaque, parts, typename, first, ambiguous);
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
        const char *first = NULL;
        size_t i;

        for (i = 0; parts[i] && !first; i++) {
            if (*parts[i]) {
                first = parts[i];
            }
        }
        if (first && is_class_link_name(first)) {
            first = NULL;
        }
        obj = resolve_partial(object_get_root(), parts, typename, first, &amb);
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
