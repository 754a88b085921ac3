/* The object tree over QMP: qom-list, qom-get, qom-set, type listings. */
#include <string.h>

#include "commands.h"
#include "src/qdev.h"
#include "src/util.h"

/* ---- Argument and return types ---- */

static const QapiMember qom_path_members[] = { { "path", &qapi_str, false },
                                               { NULL } };
const QapiType qom_list_args = { .name = "q_obj_qom-list-arg",
                                 .kind = QAPI_KIND_OBJECT,
                                 .members = qom_path_members };

static const QapiMember qom_get_members[] = { { "path", &qapi_str, false },
                                              { "property", &qapi_str, false },
                                              { NULL } };
const QapiType qom_get_args = { .name = "q_obj_qom-get-arg",
                                .kind = QAPI_KIND_OBJECT,
                                .members = qom_get_members };

static const QapiMember qom_set_members[] = { { "path", &qapi_str, false },
                                              { "property", &qapi_str, false },
                                              { "value", &qapi_any, false },
                                              { NULL } };
const QapiType qom_set_args = { .name = "q_obj_qom-set-arg",
                                .kind = QAPI_KIND_OBJECT,
                                .members = qom_set_members };

static const QapiMember qom_list_types_members[] = {
    { "implements", &qapi_str, true },
    { "abstract", &qapi_bool, true },
    { NULL }
};
const QapiType qom_list_types_args = { .name = "q_obj_qom-list-types-arg",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = qom_list_types_members };

static const QapiMember typename_members[] = { { "typename", &qapi_str, false },
                                               { NULL } };
const QapiType device_list_properties_args = {
    .name = "q_obj_device-list-properties-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = typename_members
};
const QapiType qom_list_properties_args = { .name =
                                                "q_obj_qom-list-properties-arg",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members = typename_members };

static const QapiMember object_property_info_members[] = {
    { "name", &qapi_str, false },
    { "type", &qapi_str, false },
    { "description", &qapi_str, true },
    { "default-value", &qapi_any, true },
    { NULL }
};
static const QapiType object_property_info = {
    .name = "ObjectPropertyInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = object_property_info_members
};
QAPI_ARRAY_OF(qom_property_info_list, object_property_info);

static const QapiMember object_type_info_members[] = {
    { "name", &qapi_str, false },
    { "abstract", &qapi_bool, true },
    { "parent", &qapi_str, true },
    { NULL }
};
static const QapiType object_type_info = { .name = "ObjectTypeInfo",
                                           .kind = QAPI_KIND_OBJECT,
                                           .members =
                                               object_type_info_members };
QAPI_ARRAY_OF(qom_type_info_list, object_type_info);

/* ---- Handlers ---- */

/* Builds one ObjectPropertyInfo; appended so that the list is reversed. */
static void prepend_info(json_t *list, const ObjectProperty *p,
                         bool with_description, bool with_default)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", json_text(p->name));
    json_object_set_new(o, "type", json_text(p->type));
    if (with_description && p->description) {
        json_object_set_new(o, "description", json_text(p->description));
    }
    if (with_default && p->defval) {
        json_object_set(o, "default-value", p->defval);
    }
    json_array_insert_new(list, 0, o);
}

bool qmp_cmd_qom_list(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    const char *path = qapi_arg_str(args, "path", "");
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);
    ObjectPropertyIterator it;
    ObjectProperty *p;
    json_t *list;

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        return false;
    }
    list = json_array();
    object_property_iter_init(&it, obj);
    while ((p = object_property_iter_next(&it))) {
        prepend_info(list, p, false, false);
    }
    *ret = list;
    return true;
}

bool qmp_cmd_qom_get(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    const char *path = qapi_arg_str(args, "path", "");
    Object *obj = object_resolve_path(path, NULL);
    json_t *v;

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  path);
        return false;
    }
    v = object_property_get(obj, qapi_arg_str(args, "property", ""), errp);
    if (!v) {
        return false;
    }
    *ret = v;
    return true;
}

bool qmp_cmd_qom_set(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    const char *path = qapi_arg_str(args, "path", "");
    Object *obj = object_resolve_path(path, NULL);

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  path);
        return false;
    }
    return object_property_set(obj, qapi_arg_str(args, "property", ""),
                               qapi_arg(args, "value"), errp);
}

static void list_types_one(ObjectClass *k, void *opaque)
{
    json_t *list = opaque;
    json_t *o = json_object();
    ObjectClass *parent = object_class_get_parent(k);

    json_object_set_new(o, "name", json_text(object_class_get_name(k)));
    if (object_class_is_abstract(k)) {
        json_object_set_new(o, "abstract", json_true());
    }
    if (parent) {
        json_object_set_new(o, "parent",
                            json_text(object_class_get_name(parent)));
    }
    json_array_insert_new(list, 0, o);
}

bool qmp_cmd_qom_list_types(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    json_t *list = json_array();

    object_class_foreach(list_types_one, qapi_arg_str(args, "implements", NULL),
                         qapi_arg_bool(args, "abstract", false), list);
    *ret = list;
    return true;
}

static bool skip_for_device_list(const ObjectProperty *p)
{
    static const char *const hidden[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(hidden); i++) {
        if (strcmp(p->name, hidden[i]) == 0) {
            return true;
        }
    }
    return strncmp(p->name, "legacy-", 7) == 0;
}

bool qmp_cmd_device_list_properties(QmpSession *s, json_t *args, json_t **ret,
                                    Error **errp)
{
    const char *name = qapi_arg_str(args, "typename", "");
    ObjectClass *k = object_class_by_name(name);
    ObjectPropertyIterator it;
    ObjectProperty *p;
    Object *obj;
    json_t *list;

    if (!k) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  name);
        return false;
    }
    if (!object_class_dynamic_cast(k, TYPE_DEVICE) ||
        object_class_is_abstract(k)) {
        error_setg(errp, "Parameter '%s' expects %s", "typename",
                   "a non-abstract device type");
        return false;
    }
    obj = object_new_with_class(k);
    list = json_array();
    object_property_iter_init(&it, obj);
    while ((p = object_property_iter_next(&it))) {
        if (!skip_for_device_list(p)) {
            prepend_info(list, p, true, true);
        }
    }
    object_unref(obj);
    *ret = list;
    return true;
}

bool qmp_cmd_qom_list_properties(QmpSession *s, json_t *args, json_t **ret,
                                 Error **errp)
{
    const char *name = qapi_arg_str(args, "typename", "");
    ObjectClass *k = object_class_by_name(name);
    ObjectPropertyIterator it;
    ObjectProperty *p;
    Object *obj = NULL;
    json_t *list;

    if (!k) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Class '%s' not found",
                  name);
        return false;
    }
    if (!object_class_dynamic_cast(k, TYPE_OBJECT)) {
        error_setg(errp, "Parameter '%s' expects %s", "typename", "a QOM type");
        return false;
    }
    if (object_class_is_abstract(k)) {
        object_class_property_iter_init(&it, k);
    } else {
        obj = object_new_with_class(k);
        object_property_iter_init(&it, obj);
    }
    list = json_array();
    while ((p = object_property_iter_next(&it))) {
        prepend_info(list, p, true, false);
    }
    object_unref(obj);
    *ret = list;
    return true;
}
