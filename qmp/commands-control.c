/* Protocol-level commands: negotiation, version, introspection. */
#include <string.h>

#include "commands.h"
#include "forward.h"
#include "config.h"
#include "src/util.h"

static const char *const qmp_capability_values[] = { "oob", NULL };
static const QapiType qmp_capability = { .name = "QMPCapability",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = qmp_capability_values };
static QAPI_ARRAY_OF(qmp_capability_list, qmp_capability);
static const QapiMember qmp_capabilities_members[] = {
    { "enable", &qmp_capability_list, true }, { NULL }
};
const QapiType qmp_capabilities_args = { .name = "q_obj_qmp_capabilities-arg",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = qmp_capabilities_members };

static const QapiMember version_triple_members[] = {
    { "major", &qapi_int, false },
    { "minor", &qapi_int, false },
    { "micro", &qapi_int, false },
    { NULL }
};
static const QapiType version_triple = { .name = "VersionTriple",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = version_triple_members };
static const QapiMember version_info_members[] = {
    { "qemu", &version_triple, false },
    { "package", &qapi_str, false },
    { NULL }
};
const QapiType version_info_type = { .name = "VersionInfo",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = version_info_members };

static const QapiMember command_info_members[] = { { "name", &qapi_str, false },
                                                   { NULL } };
static const QapiType command_info = { .name = "CommandInfo",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = command_info_members };
QAPI_ARRAY_OF(command_info_list, command_info);

/* SchemaInfo: a flat union on meta-type, as QEMU describes itself. */
static const char *const meta_type_values[] = {
    "builtin", "enum", "array", "object", "alternate", "command", "event", NULL
};
static const QapiType schema_meta_type = { .name = "SchemaMetaType",
                                           .kind = QAPI_KIND_ENUM,
                                           .values = meta_type_values };
static QAPI_ARRAY_OF(str_list, qapi_str);

static const char *const json_type_enum_values[] = {
    "string", "number", "int",   "boolean", "null",
    "object", "array",  "value", NULL
};
static const QapiType json_type_enum = { .name = "JSONType",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = json_type_enum_values };
static const QapiMember si_builtin_members[] = {
    { "json-type", &json_type_enum, false }, { NULL }
};
static const QapiType si_builtin = { .name = "SchemaInfoBuiltin",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = si_builtin_members };

static const QapiMember si_enum_member_members[] = {
    { "name", &qapi_str, false }, { "features", &str_list, true }, { NULL }
};
static const QapiType si_enum_member = { .name = "SchemaInfoEnumMember",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = si_enum_member_members };
static QAPI_ARRAY_OF(si_enum_member_list, si_enum_member);
static const QapiMember si_enum_members[] = { { "members", &si_enum_member_list,
                                                false },
                                              { "values", &str_list, false },
                                              { NULL } };
static const QapiType si_enum = { .name = "SchemaInfoEnum",
                                  .kind = QAPI_KIND_OBJECT,
                                  .members = si_enum_members };

static const QapiMember si_array_members[] = {
    { "element-type", &qapi_str, false }, { NULL }
};
static const QapiType si_array = { .name = "SchemaInfoArray",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = si_array_members };

static const QapiMember si_object_member_members[] = {
    { "name", &qapi_str, false },
    { "type", &qapi_str, false },
    { "default", &qapi_any, true },
    { "features", &str_list, true },
    { NULL }
};
static const QapiType si_object_member = { .name = "SchemaInfoObjectMember",
                                           .kind = QAPI_KIND_OBJECT,
                                           .members =
                                               si_object_member_members };
static QAPI_ARRAY_OF(si_object_member_list, si_object_member);
static const QapiMember si_object_variant_members[] = {
    { "case", &qapi_str, false }, { "type", &qapi_str, false }, { NULL }
};
static const QapiType si_object_variant = { .name = "SchemaInfoObjectVariant",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members =
                                                si_object_variant_members };
static QAPI_ARRAY_OF(si_object_variant_list, si_object_variant);
static const QapiMember si_object_members[] = {
    { "members", &si_object_member_list, false },
    { "tag", &qapi_str, true },
    { "variants", &si_object_variant_list, true },
    { NULL }
};
static const QapiType si_object = { .name = "SchemaInfoObject",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = si_object_members };

static const QapiMember si_alternate_member_members[] = {
    { "type", &qapi_str, false }, { NULL }
};
static const QapiType si_alternate_member = { .name =
                                                  "SchemaInfoAlternateMember",
                                              .kind = QAPI_KIND_OBJECT,
                                              .members =
                                                  si_alternate_member_members };
static QAPI_ARRAY_OF(si_alternate_member_list, si_alternate_member);
static const QapiMember si_alternate_members[] = {
    { "members", &si_alternate_member_list, false }, { NULL }
};
static const QapiType si_alternate = { .name = "SchemaInfoAlternate",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = si_alternate_members };

static const QapiMember si_command_members[] = {
    { "arg-type", &qapi_str, false },
    { "ret-type", &qapi_str, false },
    { "allow-oob", &qapi_bool, true },
    { NULL }
};
static const QapiType si_command = { .name = "SchemaInfoCommand",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = si_command_members };

static const QapiMember si_event_members[] = { { "arg-type", &qapi_str, false },
                                               { NULL } };
static const QapiType si_event = { .name = "SchemaInfoEvent",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = si_event_members };

static const QapiMember schema_info_members[] = {
    { "name", &qapi_str, false },
    { "meta-type", &schema_meta_type, false },
    { "features", &str_list, true },
    { NULL }
};
static const QapiVariant schema_info_variants[] = {
    { "builtin", &si_builtin },     { "enum", &si_enum },
    { "array", &si_array },         { "object", &si_object },
    { "alternate", &si_alternate }, { "command", &si_command },
    { "event", &si_event },         { NULL }
};
static const QapiType schema_info = { .name = "SchemaInfo",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = schema_info_members,
                                      .tag = "meta-type",
                                      .variants = schema_info_variants };
QAPI_ARRAY_OF(schema_info_list, schema_info);

bool qmp_cmd_qmp_capabilities(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    json_t *enable = json_object_get(args, "enable");
    bool want_oob = false;
    size_t i;

    if (s->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return false;
    }
    for (i = 0; i < json_array_size(enable); i++) {
        const char *cap = json_string_value(json_array_get(enable, i));

        if (!strcmp(cap, "oob")) {
            if (!s->oob_offered) {
                error_setg(errp, "Capability %s not available", cap);
                return false;
            }
            want_oob = true;
        }
    }
    s->oob_enabled = want_oob;
    s->negotiated = true;
    return true;
}

json_t *qmp_version_info(void)
{
    json_t *v = json_object();
    json_t *q = json_object();

    json_object_set_new(q, "major", json_integer(QEMU_VERSION_MAJOR));
    json_object_set_new(q, "minor", json_integer(QEMU_VERSION_MINOR));
    json_object_set_new(q, "micro", json_integer(QEMU_VERSION_MICRO));
    json_object_set_new(v, "qemu", q);
    json_object_set_new(v, "package", json_text(PACKAGE_STRING));
    return v;
}

json_t *qmp_greeting(const QmpSession *s)
{
    json_t *g, *inner, *caps;

    if (forward_active()) {
        return forward_greeting(s);
    }
    g = json_object();
    inner = json_object();
    caps = json_array();

    if (s->oob_offered) {
        json_array_append_new(caps, json_string("oob"));
    }
    json_object_set_new(inner, "version", qmp_version_info());
    json_object_set_new(inner, "capabilities", caps);
    json_object_set_new(g, "QMP", inner);
    return g;
}

bool qmp_cmd_query_version(QmpSession *s, json_t *args, json_t **ret,
                           Error **errp)
{
    *ret = qmp_version_info();
    return true;
}

bool qmp_cmd_query_commands(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    const QmpCommand *c;
    json_t *list = json_array();

    for (c = qmp_commands; c->name; c++) {
        json_t *e = json_object();

        json_object_set_new(e, "name", json_text(c->name));
        json_array_append_new(list, e);
    }
    *ret = list;
    return true;
}

static json_t *features_json(const char *const *features)
{
    json_t *arr = json_array();

    for (; features && *features; features++) {
        json_array_append_new(arr, json_text(*features));
    }
    return arr;
}

static json_t *build_schema(void)
{
    QapiSchemaBuilder *b = qapi_schema_builder_new();
    const QmpCommand *c;
    const QmpEvent *ev;

    for (c = qmp_commands; c->name; c++) {
        json_t *e = json_object();
        const char *arg = qapi_schema_type(b, c->args ? c->args : &qapi_empty);
        const char *rt = qapi_schema_type(b, c->ret ? c->ret : &qapi_empty);

        json_object_set_new(e, "name", json_text(c->name));
        json_object_set_new(e, "meta-type", json_string("command"));
        json_object_set_new(e, "arg-type", json_text(arg));
        json_object_set_new(e, "ret-type", json_text(rt));
        if (c->flags & QMP_CMD_ALLOW_OOB) {
            json_object_set_new(e, "allow-oob", json_true());
        }
        if (c->features) {
            json_object_set_new(e, "features", features_json(c->features));
        }
        qapi_schema_add(b, e);
    }
    for (ev = qmp_events; ev->name; ev++) {
        json_t *e = json_object();
        const char *arg =
            qapi_schema_type(b, ev->data ? ev->data : &qapi_empty);

        json_object_set_new(e, "name", json_text(ev->name));
        json_object_set_new(e, "meta-type", json_string("event"));
        json_object_set_new(e, "arg-type", json_text(arg));
        if (ev->features) {
            json_object_set_new(e, "features", features_json(ev->features));
        }
        qapi_schema_add(b, e);
    }
    return qapi_schema_finish(b);
}

bool qmp_cmd_query_qmp_schema(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    static json_t *schema;

    if (!schema) {
        schema = build_schema();
    }
    *ret = json_incref(schema);
    return true;
}
