/*
 * Objects and types, after QEMU's object model (QOM): type records with
 * single inheritance and interfaces, classes built once per type,
 * reference-counted instances, named typed properties and the composition
 * tree ("/machine/peripheral/dimm0").
 *
 * Property values travel as jansson values, as QMP sees them.  Property
 * tables iterate in the order QEMU's (GLib hash table) iterate, so qom-list
 * and friends list members in QEMU's order.
 */
#ifndef QMACHINED_OBJECT_H
#define QMACHINED_OBJECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/error.h"

typedef struct TypeImpl *Type;
typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

/* ---- Properties ---- */

/* Returns the value (new reference), or NULL with *errp set. */
typedef json_t *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                  Error **errp);
/* value is borrowed. */
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop, json_t *value,
                               Error **errp);
/* child<> and link<> properties: the object a path component names. */
typedef Object *ObjectPropertyResolve(Object *obj, ObjectProperty *prop,
                                      const char *part);
/* Called when the property is deleted (with its object, or explicitly). */
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);
/* Class properties: run for every new instance (e.g. to set defaults). */
typedef void ObjectPropertyInit(Object *obj, ObjectProperty *prop);

/*
 * What a property does, shared by every property with the same callbacks
 * (object.c keeps one copy of each combination).
 */
typedef struct ObjectPropertyAccess {
    ObjectPropertyGet *get; /* NULL: not readable */
    ObjectPropertySet *set; /* NULL: not writable */
    ObjectPropertyResolve *resolve;
    ObjectPropertyRelease *release;
    ObjectPropertyInit *init;
} ObjectPropertyAccess;

/*
 * The texts are kept as given when they are static (string literals and
 * const tables) and copied otherwise; see str_keep in src/util.h.
 */
struct ObjectProperty {
    const char *name;
    const char *type; /* "str", "bool", "uint32", "child<T>", ... */
    const char *description; /* may be NULL */
    const ObjectPropertyAccess *access;
    void *opaque;
    json_t *defval; /* default value shown by *-list-properties */
    uint32_t hash; /* of name, as the property tables place it; 0: not
                      kept (a static property) */
    /*
     * The setter takes the text of a -device/device_add option as a JSON
     * string and parses it itself (QEMU's properties that try a string
     * first, such as a PCI "addr" of "slot.fn").
     */
    bool parses_string;
};

/*
 * Whether the property can be read (has a getter) / written (a setter).
 */
static inline bool object_property_can_get(const ObjectProperty *p)
{
    return p->access->get != NULL;
}
static inline bool object_property_can_set(const ObjectProperty *p)
{
    return p->access->set != NULL;
}

/*
 * A property table: an open-addressing hash table that places and grows
 * exactly as GLib 2.74's GHashTable does with g_str_hash, so that walking
 * it gives the order QEMU's qom-list and qom-list-properties show.  Its
 * slots are allocated with the first property.  Private to object.c.
 */
typedef struct PropTable {
    ObjectProperty **slots; /* NULL: empty, never used */
    uint32_t nnodes;
    uint32_t noccupied; /* nodes and tombstones */
    uint8_t shift;
} PropTable;

/* ---- Classes and instances ---- */

typedef void ObjectUnparent(Object *obj);

struct ObjectClass {
    Type type;
    /* private */
    PropTable properties;
    struct IfaceList *interfaces;
    ObjectUnparent *unparent; /* runs before the object leaves its
                                 parent (devices: unrealize) */
};

struct Object {
    ObjectClass *klass;
    /* private */
    PropTable properties;
    unsigned ref;
    Object *parent;
    /* Frees the storage after finalize; NULL: embedded in another struct. */
    void (*free)(void *obj);
};

/* Every interface class starts with this. */
struct InterfaceClass {
    ObjectClass parent_class;
    /* private */
    ObjectClass *concrete_class;
    Type interface_type;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent; /* NULL only for "object"/"interface" */
    size_t instance_size; /* 0: the parent's */
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    size_t class_size; /* 0: the parent's */
    /* Runs after the parent's class struct was copied into klass. */
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    const InterfaceInfo *interfaces; /* terminated by { NULL } */
} TypeInfo;

/*
 * Type registration.  Types may be registered in any order (parents are
 * looked up when a class is first needed).  Every module that registers
 * types has a `void MODULE_register_types(void)` listed in
 * src/type-modules.h; object_register_all_types() runs them once (the
 * first object_class_by_name() does too).
 *
 * type_register_static keeps info itself: info, its strings and its
 * interface list must last as long as the process (static storage).
 * type_register copies info and its name and parent, for types made at
 * run time (their interface list must still be static).
 */
Type type_register_static(const TypeInfo *info);
Type type_register(const TypeInfo *info);

/*
 * A family of types that share a template and are only made when needed
 * (the CPU models: over a hundred types, one or two of them used): member
 * i's type is info (returned) in everything but its name and class data,
 * which must be static.  A member's type is made when its name is first
 * looked up, every member's when the types are first walked
 * (object_class_foreach); either way the type table keeps the order that
 * registering them all here, in member order, would have given.
 */
typedef struct TypeFamily {
    size_t count;
    const TypeInfo *(*member)(size_t i, const char **name, void **class_data);
} TypeFamily;
void type_register_family(const TypeFamily *family);
void type_register_static_array(const TypeInfo *infos, size_t n);
void object_register_all_types(void);

const char *type_name(Type t);

/* ---- Casts ---- */

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))

/*
 * Checked casts: abort when obj is not of (or does not implement) typename.
 * For an interface name the object cast returns the object itself, the
 * class cast returns the interface's class struct.
 */
#define OBJECT_CHECK(T, obj, name) \
    ((T *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(T, klass, name)                              \
    ((T *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), (name), \
                                           __FILE__, __LINE__))
#define OBJECT_GET_CLASS(T, obj, name) \
    OBJECT_CLASS_CHECK(T, object_get_class(OBJECT(obj)), name)

/*
 * Declares inline casts NAME(obj), NAME_CLASS(klass), NAME_GET_CLASS(obj)
 * for an instance type and class type registered as TYPENAME, e.g.
 * OBJECT_DECLARE_CASTS(DeviceState, DeviceClass, DEVICE, TYPE_DEVICE).
 */
#define OBJECT_DECLARE_CASTS(Inst, Klass, NAME, TYPENAME)             \
    static inline __attribute__((unused)) Inst *NAME(const void *obj) \
    {                                                                 \
        return OBJECT_CHECK(Inst, obj, TYPENAME);                     \
    }                                                                 \
    static inline __attribute__((unused))                             \
    Klass *NAME##_CLASS(const void *klass)                            \
    {                                                                 \
        return OBJECT_CLASS_CHECK(Klass, klass, TYPENAME);            \
    }                                                                 \
    static inline __attribute__((unused))                             \
    Klass *NAME##_GET_CLASS(const void *obj)                          \
    {                                                                 \
        return OBJECT_GET_CLASS(Klass, obj, TYPENAME);                \
    }

Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line);
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line);

/* ---- Classes ---- */

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
ObjectClass *object_class_get_parent(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);

/*
 * Calls fn for every class implementing implements_type (NULL: all),
 * abstract ones only when include_abstract, in QEMU's type-table order.
 */
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque);

/* ---- Instances ---- */

/* Creates an instance (refcount 1).  typename must be concrete. */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);
/*
 * Initializes an instance in caller-provided storage of size bytes (at
 * least the type's instance size), e.g. an object embedded in a larger
 * struct.  Refcount 1; the last unref finalizes it but frees nothing.
 */
void object_initialize(void *data, size_t size, const char *typename);
Object *object_ref(void *obj);
/* Drops a reference; the last one finalizes and frees the object. */
void object_unref(void *obj);

/* ---- Properties on instances ---- */

/* Fails with QEMU's "attempt to add duplicate property ..." error. */
ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp);
/* Same, aborting on a duplicate (a programming error). */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);
/*
 * Adds a class property defined at compile time: prop (static, usually
 * const) is used as it is and never changed, so its hash may be 0 (then
 * computed when needed), its access a static ObjectPropertyAccess, and
 * it takes no description, default or init later.
 */
void object_class_property_add_static(ObjectClass *klass,
                                      const ObjectProperty *prop);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
void object_class_property_set_description(ObjectClass *klass, const char *name,
                                           const char *description);
/* Sets prop->defval (stolen) and makes new instances start with it. */
void object_property_set_default(ObjectProperty *prop, json_t *value);
/* Runs init for every new instance (a class property's own default). */
void object_property_set_init(ObjectProperty *prop, ObjectPropertyInit *init);
void object_property_del(Object *obj, const char *name);

/* Instance first, then the class chain. NULL if absent. */
ObjectProperty *object_property_find(Object *obj, const char *name);
/* Same, with QEMU's "Property 'TYPE.NAME' not found". */
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);

/* Iteration in QEMU's order: instance table, then class, parent class... */
typedef struct ObjectPropertyIterator {
    ObjectClass *next_class;
    const PropTable *table;
    size_t pos;
} ObjectPropertyIterator;
void object_property_iter_init(ObjectPropertyIterator *it, Object *obj);
void object_class_property_iter_init(ObjectPropertyIterator *it,
                                     ObjectClass *klass);
ObjectProperty *object_property_iter_next(ObjectPropertyIterator *it);

/* Generic access with QEMU's errors.  get returns a new reference. */
json_t *object_property_get(Object *obj, const char *name, Error **errp);
bool object_property_set(Object *obj, const char *name, json_t *value,
                         Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp);
/* Return a malloc'd string / the value / NULL+errp. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);
const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp);

/*
 * Typed property helpers (instance and class variants).  Getters/setters
 * are plain C callbacks; a NULL one makes the property read-only or
 * write-only.  Integer setters reject out-of-range values with QEMU's
 * "Parameter 'NAME' expects uint8"-style errors.
 */
ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        char *(*get)(Object *, Error **),
                                        bool (*set)(Object *, const char *,
                                                    Error **));
ObjectProperty *
object_class_property_add_str(ObjectClass *klass, const char *name,
                              char *(*get)(Object *, Error **),
                              bool (*set)(Object *, const char *, Error **));
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         bool (*get)(Object *, Error **),
                                         bool (*set)(Object *, bool, Error **));
ObjectProperty *
object_class_property_add_bool(ObjectClass *klass, const char *name,
                               bool (*get)(Object *, Error **),
                               bool (*set)(Object *, bool, Error **));

/* Read-only views of an integer field (type "uint8" ... "uint64"). */
ObjectProperty *object_property_add_uint8_ptr(Object *obj, const char *name,
                                              const uint8_t *v);
ObjectProperty *object_property_add_uint16_ptr(Object *obj, const char *name,
                                               const uint16_t *v);
ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               const uint32_t *v);
ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               const uint64_t *v);
/* Read-only constant (e.g. "type"-like fixed values). */
ObjectProperty *object_property_add_const_str(Object *obj, const char *name,
                                              const char *value);

/* ---- Composition tree ---- */

/*
 * Adds child as obj/name ("child<TYPE>"), taking a reference; a name
 * ending in "[*]" becomes NAME[0], NAME[1], ... (first free).  Errors as
 * QEMU's on duplicates.
 */
ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, Error **errp);
ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child);

/* link<TYPE> property pointing at *targetp; flags below. */
typedef bool ObjectLinkCheck(const Object *obj, const char *name, Object *val,
                             Error **errp);
#define OBJ_PROP_LINK_STRONG 0x1u /* the link holds a reference */
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         ObjectLinkCheck *check,
                                         unsigned flags);
ObjectProperty *
object_class_property_add_link(ObjectClass *klass, const char *name,
                               const char *type, ptrdiff_t offset,
                               ObjectLinkCheck *check, unsigned flags);
/*
 * Alias: obj/name forwards get, set and path resolution to target's
 * property target_name (QEMU's object_property_add_alias): same type
 * (a child<T> becomes link<T>), description and default.  The alias
 * holds no reference on target (which must outlive obj's alias, e.g.
 * as its child).
 */
ObjectProperty *object_property_add_alias(Object *obj, const char *name,
                                          Object *target,
                                          const char *target_name);

/* A check that allows any value. */
bool object_property_allow_set_link(const Object *obj, const char *name,
                                    Object *val, Error **errp);

/* The property name under which obj hangs in its parent (or NULL). */
const char *object_get_canonical_path_component(const Object *obj);
/* "/machine/peripheral/x" (malloc'd); "/" for the root. */
char *object_get_canonical_path(const Object *obj);

/* Removes obj from its parent (deleting the child<> property). */
void object_unparent(Object *obj);

/* The root "container" and its well-known children. */
Object *object_get_root(void);
Object *object_get_objects_root(void); /* /objects */
Object *object_get_internal_root(void); /* not in the tree */

/* Finds or creates containers along path (relative to root). */
Object *container_get(Object *root, const char *path);

/*
 * Resolves an absolute ("/machine/...") or partial ("dimm0") path; a
 * partial path must match exactly one object (*ambiguous set otherwise).
 * typename NULL matches any type.
 */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
Object *object_resolve_path_component(Object *parent, const char *part);
/* path from parent (from the root when absolute), every component
 * followed exactly (empty ones skipped): QEMU's object_resolve_path_at. */
Object *object_resolve_path_at(Object *parent, const char *path);

/* Calls fn for each child (child<> properties), in table order; stops
 * on nonzero and returns it. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

/* For tests: forgets the whole tree (not the types). */
void object_reset_root_for_tests(void);

#endif
