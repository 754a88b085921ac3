/*
 * device_add and device_del (QMP; HMP's call the same functions).  The
 * device itself is created by the model's qdev_device_add
 * (src/qdev-create.c), which -device uses too.
 */
#include "commands.h"
#include "src/qdev.h"

static const QapiMember device_add_members[] = { { "driver", &qapi_str, false },
                                                 { "bus", &qapi_str, true },
                                                 { "id", &qapi_str, true },
                                                 { NULL } };
/* Not checked by the schema (QEMU's 'gen': false): see qdev_device_add. */
const QapiType device_add_args = { .name = "q_obj_device_add-arg",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = device_add_members,
                                   .open_members = true };

static const QapiMember device_del_members[] = { { "id", &qapi_str, false },
                                                 { NULL } };
const QapiType device_del_args = { .name = "q_obj_device_del-arg",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = device_del_members };

/* ---- device_add ---- */

bool qmp_cmd_device_add(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    return qdev_device_add(args, errp);
}

/* ---- device_del ---- */

DeviceState *qmp_find_device(const char *id, Error **errp)
{
    Object *obj =
        qdev_get_machine()
            ? object_resolve_path_at(
                  container_get(qdev_get_machine(), "/peripheral"), id)
            : NULL;

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_DEVICE)) {
        error_setg(errp, "%s is not a hotpluggable device", id);
        return NULL;
    }
    return DEVICE(obj);
}

bool qmp_device_del_id(const char *id, Error **errp)
{
    DeviceState *dev = qmp_find_device(id, errp);

    return dev && qdev_unplug(dev, errp);
}

bool qmp_cmd_device_del(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    return qmp_device_del_id(qapi_arg_str(args, "id", ""), errp);
}
