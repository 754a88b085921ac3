/*
 * The vCPU commands: query-cpu-definitions and query-cpu-model-expansion
 * (the x86 models under TCG), query-cpus-fast and query-hotpluggable-cpus
 * (the board's vCPUs and slots).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "src/cpu.h"
#include "src/pc-cpus.h"
#include "src/util.h"
#include "src/x86-cpu.h"

/* clang-format off */
static QAPI_ARRAY_OF(qapi_str_list, qapi_str);

static const QapiMember cpu_definition_info_members[] = {
    { "name", &qapi_str, false },
    { "migration-safe", &qapi_bool, true },
    { "static", &qapi_bool, false },
    { "unavailable-features", &qapi_str_list, true },
    { "typename", &qapi_str, false },
    { "alias-of", &qapi_str, true },
    { "deprecated", &qapi_bool, false },
    { NULL }
};
static const QapiType cpu_definition_info_type = {
    .name = "CpuDefinitionInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_definition_info_members,
};
QAPI_ARRAY_OF(cpu_definition_info_list, cpu_definition_info_type);

static const QapiMember cpu_instance_properties_members[] = {
    { "node-id", &qapi_int, true },
    { "socket-id", &qapi_int, true },
    { "die-id", &qapi_int, true },
    { "cluster-id", &qapi_int, true },
    { "core-id", &qapi_int, true },
    { "thread-id", &qapi_int, true },
    { NULL }
};
static const QapiType cpu_instance_properties_type = {
    .name = "CpuInstanceProperties",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_instance_properties_members,
};

static const char *const cpu_s390_state_values[] = {
    "uninitialized", "stopped", "check-stop", "operating", "load", NULL
};
static const QapiType cpu_s390_state_type = {
    .name = "CpuS390State",
    .kind = QAPI_KIND_ENUM,
    .values = cpu_s390_state_values,
};
static const QapiMember cpu_info_s390_members[] = {
    { "cpu-state", &cpu_s390_state_type, false },
    { NULL }
};
static const QapiType cpu_info_s390_type = {
    .name = "CpuInfoS390",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_info_s390_members,
};

static const QapiMember cpu_info_fast_members[] = {
    { "cpu-index", &qapi_int, false },
    { "qom-path", &qapi_str, false },
    { "thread-id", &qapi_int, false },
    { "props", &cpu_instance_properties_type, true },
    { "target", &sys_emu_target_type, false },
    { NULL }
};
/* Only s390x has members of its own; QEMU lists it first. */
static const QapiVariant cpu_info_fast_variants[] = {
    { "s390x", &cpu_info_s390_type },
    { "aarch64", &qapi_empty }, { "alpha", &qapi_empty },
    { "arm", &qapi_empty }, { "avr", &qapi_empty },
    { "cris", &qapi_empty }, { "hppa", &qapi_empty },
    { "i386", &qapi_empty }, { "loongarch64", &qapi_empty },
    { "m68k", &qapi_empty }, { "microblaze", &qapi_empty },
    { "microblazeel", &qapi_empty }, { "mips", &qapi_empty },
    { "mips64", &qapi_empty }, { "mips64el", &qapi_empty },
    { "mipsel", &qapi_empty }, { "nios2", &qapi_empty },
    { "or1k", &qapi_empty }, { "ppc", &qapi_empty },
    { "ppc64", &qapi_empty }, { "riscv32", &qapi_empty },
    { "riscv64", &qapi_empty }, { "rx", &qapi_empty },
    { "sh4", &qapi_empty }, { "sh4eb", &qapi_empty },
    { "sparc", &qapi_empty }, { "sparc64", &qapi_empty },
    { "tricore", &qapi_empty }, { "x86_64", &qapi_empty },
    { "xtensa", &qapi_empty }, { "xtensaeb", &qapi_empty },
    { NULL }
};
static const QapiType cpu_info_fast_type = {
    .name = "CpuInfoFast",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_info_fast_members,
    .tag = "target",
    .variants = cpu_info_fast_variants,
};
QAPI_ARRAY_OF(cpu_info_fast_list, cpu_info_fast_type);

static const QapiMember hotpluggable_cpu_members[] = {
    { "type", &qapi_str, false },
    { "vcpus-count", &qapi_int, false },
    { "props", &cpu_instance_properties_type, false },
    { "qom-path", &qapi_str, true },
    { NULL }
};
static const QapiType hotpluggable_cpu_type = {
    .name = "HotpluggableCPU",
    .kind = QAPI_KIND_OBJECT,
    .members = hotpluggable_cpu_members,
};
QAPI_ARRAY_OF(hotpluggable_cpu_list, hotpluggable_cpu_type);

static const char *const cpu_model_expansion_type_values[] = {
    "static", "full", NULL
};
static const QapiType cpu_model_expansion_type_type = {
    .name = "CpuModelExpansionType",
    .kind = QAPI_KIND_ENUM,
    .values = cpu_model_expansion_type_values,
};
static const QapiMember cpu_model_info_members[] = {
    { "name", &qapi_str, false },
    { "props", &qapi_any, true },
    { NULL }
};
static const QapiType cpu_model_info_type = {
    .name = "CpuModelInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_model_info_members,
};
static const QapiMember cpu_model_expansion_args_members[] = {
    { "type", &cpu_model_expansion_type_type, false },
    { "model", &cpu_model_info_type, false },
    { NULL }
};
const QapiType cpu_model_expansion_args = {
    .name = "q_obj_query-cpu-model-expansion-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_model_expansion_args_members,
};
static const QapiMember cpu_model_expansion_info_members[] = {
    { "model", &cpu_model_info_type, false },
    { NULL }
};
const QapiType cpu_model_expansion_info_type = {
    .name = "CpuModelExpansionInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = cpu_model_expansion_info_members,
};
/* clang-format on */

/* ---- query-cpu-definitions ---- */

static int model_cmp(const void *a, const void *b)
{
    const X86CpuModel *ma = *(const X86CpuModel *const *)a;
    const X86CpuModel *mb = *(const X86CpuModel *const *)b;
    int oa = x86_cpu_model_ordering(ma), ob = x86_cpu_model_ordering(mb);

    return oa != ob ? oa - ob : strcmp(ma->name, mb->name);
}

bool qmp_cmd_query_cpu_definitions(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    size_t n = x86_cpu_model_count();
    const X86CpuModel **sorted = xmalloc(n * sizeof(*sorted));
    const char **names = xmalloc(X86_FEATURE_WORDS_MAX * 64 * sizeof(*names));
    json_t *list = json_array();

    (void)s;
    (void)args;
    (void)errp;
    for (size_t i = 0; i < n; i++) {
        sorted[i] = x86_cpu_model_at(i);
    }
    qsort(sorted, n, sizeof(*sorted), model_cmp);
    /* QEMU builds the list by prepending: the last model comes first. */
    for (size_t i = n; i-- > 0;) {
        const X86CpuModel *m = sorted[i];
        size_t nu =
            x86_cpu_model_unavailable(m, names, X86_FEATURE_WORDS_MAX * 64);
        json_t *e = json_object();
        json_t *un = json_array();

        json_object_set_new(e, "name", json_string(m->name));
        json_object_set_new(e, "typename", json_string(m->type_name));
        for (size_t k = 0; k < nu; k++) {
            json_array_append_new(un, json_string(names[k]));
        }
        json_object_set_new(e, "unavailable-features", un);
        if (m->alias_of) {
            json_object_set_new(e, "alias-of", json_string(m->alias_of));
        }
        json_object_set_new(e, "static",
                            json_boolean(m->flags & X86_MODEL_STATIC));
        json_object_set_new(e, "migration-safe",
                            json_boolean(m->flags & X86_MODEL_MIGRATION_SAFE));
        json_object_set_new(e, "deprecated",
                            json_boolean(m->flags & X86_MODEL_DEPRECATED));
        json_array_append_new(list, e);
    }
    free(names);
    free(sorted);
    *ret = list;
    return true;
}

/* ---- query-cpus-fast, query-hotpluggable-cpus ---- */

static json_t *slot_props(const PCCpuSlot *slot)
{
    json_t *p = json_object();

    if (slot->has_node) {
        json_object_set_new(p, "node-id", json_integer(slot->ids.node_id));
    }
    json_object_set_new(p, "socket-id", json_integer(slot->ids.socket_id));
    if (slot->has_die) {
        json_object_set_new(p, "die-id", json_integer(slot->ids.die_id));
    }
    json_object_set_new(p, "core-id", json_integer(slot->ids.core_id));
    json_object_set_new(p, "thread-id", json_integer(slot->ids.thread_id));
    return p;
}

static const PCCpuSlot *slot_of(const PCCpus *cpus, const CPUState *cpu)
{
    for (unsigned i = 0; cpus && i < cpus->n_slots; i++) {
        if (cpus->slots[i].cpu == cpu) {
            return &cpus->slots[i];
        }
    }
    return NULL;
}

bool qmp_cmd_query_cpus_fast(QmpSession *s, json_t *args, json_t **ret,
                             Error **errp)
{
    const PCCpus *cpus = pc_machine_cpus();
    json_t *list = json_array();

    (void)s;
    (void)args;
    (void)errp;
    for (CPUState *cpu = cpu_first(); cpu; cpu = cpu_next(cpu)) {
        const PCCpuSlot *slot = slot_of(cpus, cpu);
        char *path = object_get_canonical_path(OBJECT(cpu));
        json_t *e = json_object();

        json_object_set_new(e, "cpu-index", json_integer(cpu->cpu_index));
        json_object_set_new(e, "qom-path", json_string(path));
        /* vCPUs are not threads here: the daemon's own (main) thread. */
        json_object_set_new(e, "thread-id", json_integer(getpid()));
        if (slot) {
            json_object_set_new(e, "props", slot_props(slot));
        }
        json_object_set_new(e, "target", json_string("x86_64"));
        json_array_append_new(list, e);
        free(path);
    }
    *ret = list;
    return true;
}

bool qmp_cmd_query_hotpluggable_cpus(QmpSession *s, json_t *args, json_t **ret,
                                     Error **errp)
{
    const PCCpus *cpus = pc_machine_cpus();
    json_t *list;

    (void)s;
    (void)args;
    if (!cpus) {
        error_setg(errp, "The feature '%s' is not enabled",
                   "query-hotpluggable-cpus");
        return false;
    }
    list = json_array();
    /* QEMU prepends each slot: the last one comes first. */
    for (unsigned i = cpus->n_slots; i-- > 0;) {
        const PCCpuSlot *slot = &cpus->slots[i];
        json_t *e = json_object();

        json_object_set_new(e, "type", json_string(cpus->model->type_name));
        json_object_set_new(e, "vcpus-count", json_integer(1));
        json_object_set_new(e, "props", slot_props(slot));
        if (slot->cpu) {
            char *path = object_get_canonical_path(OBJECT(slot->cpu));

            json_object_set_new(e, "qom-path", json_string(path));
            free(path);
        }
        json_array_append_new(list, e);
    }
    *ret = list;
    return true;
}

/* ---- query-cpu-model-expansion ---- */

/* Adds obj's property name to props (a property that fails is left out). */
static void expand_prop(Object *obj, const char *name, json_t *props)
{
    Error *err = NULL;
    json_t *v = object_property_get(obj, name, &err);

    if (v) {
        json_object_set_new(props, name, v);
    } else {
        error_free(err);
    }
}

bool qmp_cmd_query_cpu_model_expansion(QmpSession *s, json_t *args,
                                       json_t **ret, Error **errp)
{
    json_t *model = json_object_get(args, "model");
    json_t *jname = json_object_get(model, "name");
    const char *name = json_string_value(jname);
    bool full = !strcmp(qapi_arg_str(args, "type", "static"), "full");
    json_t *props;
    Object *obj;

    (void)s;
    /* A name with a NUL in it names no model (QEMU prints up to the NUL). */
    if (strlen(name) != json_string_length(jname)) {
        error_setg(errp, "CPU model '%s' not found", name);
        return false;
    }
    obj = x86_cpu_expansion_new(name, json_object_get(model, "props"), errp);
    if (!obj) {
        return false;
    }
    props = json_object();
    if (full) {
        ObjectPropertyIterator it;
        ObjectProperty *p;

        /*
         * Every property that can be read and set, except "hotplugged"
         * (QEMU's x86_cpu_to_dict_full).
         */
        object_property_iter_init(&it, obj);
        while ((p = object_property_iter_next(&it))) {
            if (object_property_can_get(p) && object_property_can_set(p) &&
                strcmp(p->name, "hotplugged") != 0) {
                expand_prop(obj, p->name, props);
            }
        }
    }
    for (size_t i = 0; i < x86_cpu_static_prop_count(); i++) {
        expand_prop(obj, x86_cpu_static_prop(i), props);
    }
    object_unref(obj);
    /* A static expansion is relative to "base", a full one to the model. */
    *ret = json_pack("{s:{s:s, s:o}}", "model", "name", full ? name : "base",
                     "props", props);
    return true;
}
