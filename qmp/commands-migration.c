/* Migration commands: query-migrate-capabilities, migrate-set-capabilities. */
#include <stdlib.h>

#include "commands.h"
#include "src/migration.h"
#include "src/util.h"

/* clang-format off */
static const QapiType migration_capability_type = {
    .name = "MigrationCapability",
    .kind = QAPI_KIND_ENUM,
    .values = migration_capability_names,
};
static const QapiMember capability_status_members[] = {
    { "capability", &migration_capability_type, false },
    { "state", &qapi_bool, false },
    { NULL }
};
static const QapiType capability_status_type = {
    .name = "MigrationCapabilityStatus",
    .kind = QAPI_KIND_OBJECT,
    .members = capability_status_members,
};
QAPI_ARRAY_OF(migration_capability_status_list, capability_status_type);

static const QapiMember set_capabilities_members[] = {
    { "capabilities", &migration_capability_status_list, false },
    { NULL }
};
const QapiType migrate_set_capabilities_args = {
    .name = "q_obj_migrate-set-capabilities-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = set_capabilities_members,
};
/* clang-format on */

bool qmp_cmd_query_migrate_capabilities(QmpSession *s, json_t *args,
                                        json_t **ret, Error **errp)
{
    json_t *list = json_array();

    (void)s;
    (void)args;
    (void)errp;
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        json_array_append_new(list,
                              json_pack("{s:s, s:b}", "capability",
                                        migration_capability_names[i], "state",
                                        migration_capability_enabled(i)));
    }
    *ret = list;
    return true;
}

bool qmp_cmd_migrate_set_capabilities(QmpSession *s, json_t *args, json_t **ret,
                                      Error **errp)
{
    json_t *caps = json_object_get(args, "capabilities");
    size_t n = json_array_size(caps);
    MigrationCapabilityStatus *list = xzalloc((n ? n : 1) * sizeof(*list));
    bool ok;

    (void)s;
    (void)ret;
    /* The arguments have been checked against the schema. */
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(caps, i);

        list[i].capability = migration_capability_lookup(
            json_string_value(json_object_get(e, "capability")));
        list[i].state = json_is_true(json_object_get(e, "state"));
    }
    ok = migration_set_capabilities(list, n, errp);
    free(list);
    return ok;
}
