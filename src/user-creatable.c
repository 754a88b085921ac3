/* The user-creatable interface (see user-creatable.h). */
#include "user-creatable.h"

#include <stdlib.h>
#include <string.h>

#include "json-value.h"
#include "keyval.h"
#include "util.h"

bool user_creatable_complete(Object *obj, Error **errp)
{
    UserCreatableClass *uc;

    if (!object_dynamic_cast(obj, TYPE_USER_CREATABLE)) {
        return true;
    }
    uc = USER_CREATABLE_GET_CLASS(obj);
    return !uc->complete || uc->complete(obj, errp);
}

bool user_creatable_can_be_deleted(Object *obj)
{
    UserCreatableClass *uc;

    if (!object_dynamic_cast(obj, TYPE_USER_CREATABLE)) {
        return true;
    }
    uc = USER_CREATABLE_GET_CLASS(obj);
    return !uc->can_be_deleted || uc->can_be_deleted(obj);
}

/* ---- object-add, object-del, -object ---- */

bool user_creatable_add_dict(json_t *args, Error **errp)
{
    const char *type = json_string_value(json_object_get(args, "qom-type"));
    const char *id = json_string_value(json_object_get(args, "id"));
    ObjectClass *k = object_class_by_name(type);
    const char **keys;
    size_t n, i;
    Object *obj;
    bool ok = true;

    if (!keyval_id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return false;
    }
    if (!k || !object_class_dynamic_cast(k, TYPE_USER_CREATABLE)) {
        error_setg(errp, "invalid object type: %s", type);
        return false;
    }
    if (object_class_is_abstract(k)) {
        error_setg(errp, "object type '%s' is abstract", type);
        return false;
    }
    obj = object_new(type);
    keys = json_qdict_order(args, &n);
    for (i = 0; i < n && ok; i++) {
        if (!strcmp(keys[i], "qom-type") || !strcmp(keys[i], "id")) {
            continue;
        }
        ok = object_property_set(obj, keys[i], json_object_get(args, keys[i]),
                                 errp);
    }
    free(keys);
    if (ok) {
        ok = object_property_try_add_child(object_get_objects_root(), id, obj,
                                           errp) != NULL;
        if (ok && !user_creatable_complete(obj, errp)) {
            object_unparent(obj);
            ok = false;
        }
    }
    object_unref(obj);
    return ok;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);

    if (!obj) {
        error_setg_kind(errp, ERROR_KIND_NOT_FOUND, "object '%s' not found",
                        id);
        return false;
    }
    if (!user_creatable_can_be_deleted(obj)) {
        error_setg_kind(errp, ERROR_KIND_CONFLICT,
                        "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

static const TypeInfo user_creatable_types[] = {
    {
        .name = TYPE_USER_CREATABLE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(UserCreatableClass),
    },
};

void user_creatable_register_types(void)
{
    type_register_static_array(user_creatable_types,
                               ARRAY_SIZE(user_creatable_types));
}
