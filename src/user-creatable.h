/*
 * The "user-creatable" interface (QEMU's object_interfaces): objects that
 * -object and object-add create under /objects and object-del removes.
 * complete runs after the properties are set; can_be_deleted guards
 * object-del.
 */
#ifndef QMACHINED_USER_CREATABLE_H
#define QMACHINED_USER_CREATABLE_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"
#include "object.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    bool (*complete)(Object *obj, Error **errp);
    bool (*can_be_deleted)(Object *obj);
} UserCreatableClass;

OBJECT_DECLARE_CASTS(Object, UserCreatableClass, USER_CREATABLE,
                     TYPE_USER_CREATABLE)

bool user_creatable_complete(Object *obj, Error **errp);
bool user_creatable_can_be_deleted(Object *obj);

/*
 * object-add and -object: creates the object args describes ("qom-type",
 * "id", then properties as typed values), as QEMU's
 * user_creatable_add_type: the id and type checks, the properties in
 * QDict order, then /objects/ID, then complete.  The caller has checked
 * args against the type's schema.  args is borrowed.
 */
bool user_creatable_add_dict(json_t *args, Error **errp);
/* object-del: removes /objects/ID, with QEMU's messages. */
bool user_creatable_del(const char *id, Error **errp);

void user_creatable_register_types(void);

#endif
