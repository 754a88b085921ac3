/*
 * QAPI-style types: the one description from which argument checking,
 * query-commands and query-qmp-schema are all derived.
 */
#ifndef QMACHINED_SCHEMA_H
#define QMACHINED_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"

typedef enum QapiKind {
    QAPI_KIND_BUILTIN,
    QAPI_KIND_ENUM,
    QAPI_KIND_ARRAY,
    QAPI_KIND_OBJECT,
    QAPI_KIND_ALTERNATE,
} QapiKind;

typedef enum QapiScalar {
    QAPI_STR,
    QAPI_INT, /* int64 */
    QAPI_INT8,
    QAPI_INT16,
    QAPI_INT32,
    QAPI_UINT8,
    QAPI_UINT16,
    QAPI_UINT32,
    QAPI_UINT64,
    QAPI_SIZE,
    QAPI_NUMBER,
    QAPI_BOOL,
    QAPI_NULL,
    QAPI_ANY,
} QapiScalar;

typedef struct QapiType QapiType;

typedef struct QapiVariant {
    const char *value; /* tag value */
    const QapiType *type; /* an object type whose members are added */
} QapiVariant;

typedef struct QapiMember {
    const char *name;
    const QapiType *type;
    bool optional;
    const char *const *features; /* NULL-terminated; NULL for none */
} QapiMember;

struct QapiType {
    const char *name; /* internal name (masked in the schema) */
    QapiKind kind;
    QapiScalar scalar; /* builtin */
    const char *const *values; /* enum: NULL-terminated */
    const QapiType *element; /* array */
    const QapiMember *members; /* object: terminated by { NULL } */
    const QapiType *const *alternatives; /* alternate: NULL-terminated */
    const char *tag; /* flat union: the tag member's name */
    const QapiVariant *variants; /* flat union: terminated by { NULL } */
    /*
     * Object: the members are for introspection only and any object is
     * accepted; the handler checks (QEMU's 'gen': false, e.g. device_add).
     */
    bool open_members;
};

extern const QapiType qapi_str, qapi_int, qapi_int8, qapi_int16, qapi_int32,
    qapi_uint8, qapi_uint16, qapi_uint32, qapi_uint64, qapi_size, qapi_number,
    qapi_bool, qapi_null, qapi_any, qapi_empty;

#define QAPI_ARRAY_OF(var, elem)                    \
    const QapiType var = { .name = "[" #elem "]",   \
                           .kind = QAPI_KIND_ARRAY, \
                           .element = &(elem) }

/*
 * Checks value against type as QEMU's QObject input visitor would for a
 * command's arguments, with QEMU's error texts.  name is the member name
 * (NULL at the root).
 */
bool qapi_check(const QapiType *type, json_t *value, Error **errp);

/* Object members of the JSON object, looked up by name. */
json_t *qapi_arg(json_t *args, const char *name);
const char *qapi_arg_str(json_t *args, const char *name, const char *dflt);
int64_t qapi_arg_int(json_t *args, const char *name, int64_t dflt);
bool qapi_arg_bool(json_t *args, const char *name, bool dflt);

/*
 * Schema introspection: every entity gets a SchemaInfo entry; non-builtin
 * type names are masked as numbers, as QEMU does.
 */
typedef struct QapiSchemaBuilder QapiSchemaBuilder;
QapiSchemaBuilder *qapi_schema_builder_new(void);
/* Returns the (masked) name of type, adding its entry on first use. */
const char *qapi_schema_type(QapiSchemaBuilder *b, const QapiType *type);
/* Appends an entry (stolen reference). */
void qapi_schema_add(QapiSchemaBuilder *b, json_t *entry);
/* Returns the finished array (new reference) and frees the builder. */
json_t *qapi_schema_finish(QapiSchemaBuilder *b);

#endif
