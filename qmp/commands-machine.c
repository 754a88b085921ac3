/* Run control and identity: query-name, query-status, stop, cont, ... */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "src/machine-types.h"
#include "src/options-info.h"
#include "src/pc.h"
#include "src/runstate.h"
#include "src/util.h"

static char *machine_name;
static char *machine_uuid; /* NULL: QEMU's all-zero default */
static bool machine_kvm; /* the accelerator in use is kvm */
static unsigned machine_ncpus = 1;

void qmp_machine_set_identity(const char *name, const char *uuid,
                              unsigned ncpus)
{
    free(machine_name);
    machine_name = name ? xstrdup(name) : NULL;
    machine_ncpus = ncpus ? ncpus : 1;
    free(machine_uuid);
    machine_uuid = uuid ? xstrdup(uuid) : NULL;
}

void qmp_machine_set_accel(const char *accel)
{
    /* The first of the list is the one used (qmachined needs no host
     * support for any). */
    machine_kvm = accel && !strncmp(accel, "kvm", 3) &&
                  (accel[3] == '\0' || accel[3] == ':');
}

const char *qmp_machine_name(void)
{
    return machine_name;
}

unsigned qmp_machine_ncpus(void)
{
    return machine_ncpus;
}

static const QapiMember name_info_members[] = { { "name", &qapi_str, true },
                                                { NULL } };
const QapiType name_info_type = { .name = "NameInfo",
                                  .kind = QAPI_KIND_OBJECT,
                                  .members = name_info_members };

static const QapiType run_state_type = { .name = "RunState",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = runstate_names };
static const QapiMember status_info_members[] = {
    { "running", &qapi_bool, false },
    { "singlestep", &qapi_bool, false },
    { "status", &run_state_type, false },
    { NULL }
};
const QapiType status_info_type = { .name = "StatusInfo",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = status_info_members };

/* QEMU 7.2's SysEmuTarget, in its order. */
static const char *const sys_emu_target_values[] = {
    "aarch64",      "alpha",   "arm",         "avr",      "cris",
    "hppa",         "i386",    "loongarch64", "m68k",     "microblaze",
    "microblazeel", "mips",    "mips64",      "mips64el", "mipsel",
    "nios2",        "or1k",    "ppc",         "ppc64",    "riscv32",
    "riscv64",      "rx",      "s390x",       "sh4",      "sh4eb",
    "sparc",        "sparc64", "tricore",     "x86_64",   "xtensa",
    "xtensaeb",     NULL
};
const QapiType sys_emu_target_type = { .name = "SysEmuTarget",
                                       .kind = QAPI_KIND_ENUM,
                                       .values = sys_emu_target_values };
static const QapiMember target_info_members[] = {
    { "arch", &sys_emu_target_type, false }, { NULL }
};
const QapiType target_info_type = { .name = "TargetInfo",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = target_info_members };

static const QapiMember kvm_info_members[] = { { "enabled", &qapi_bool, false },
                                               { "present", &qapi_bool, false },
                                               { NULL } };
const QapiType kvm_info_type = { .name = "KvmInfo",
                                 .kind = QAPI_KIND_OBJECT,
                                 .members = kvm_info_members };

static const QapiMember uuid_info_members[] = { { "UUID", &qapi_str, false },
                                                { NULL } };
const QapiType uuid_info_type = { .name = "UuidInfo",
                                  .kind = QAPI_KIND_OBJECT,
                                  .members = uuid_info_members };

bool qmp_cmd_query_target(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    *ret = json_pack("{s:s}", "arch", "x86_64");
    return true;
}

/* QEMU built with KVM support (Debian's is): present whatever the host. */
bool qmp_cmd_query_kvm(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    *ret = json_pack("{s:b, s:b}", "enabled", machine_kvm, "present", 1);
    return true;
}

bool qmp_cmd_query_uuid(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    *ret = json_pack("{s:s}", "UUID",
                     machine_uuid ? machine_uuid
                                  : "00000000-0000-0000-0000-000000000000");
    return true;
}

bool qmp_cmd_query_name(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    json_t *r = json_object();

    if (machine_name) {
        json_object_set_new(r, "name", json_text(machine_name));
    }
    *ret = r;
    return true;
}

bool qmp_cmd_query_status(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    json_t *r = json_object();

    json_object_set_new(r, "running", json_boolean(runstate_is_running()));
    json_object_set_new(r, "singlestep", json_false());
    json_object_set_new(r, "status", json_text(runstate_names[runstate_get()]));
    *ret = r;
    return true;
}

bool qmp_cmd_stop(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    vm_stop();
    return true;
}

bool qmp_cmd_cont(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    return vm_cont(errp);
}

bool qmp_cmd_system_reset(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    vm_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return true;
}

bool qmp_cmd_system_powerdown(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    vm_system_powerdown();
    return true;
}

bool qmp_cmd_quit(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    vm_shutdown(SHUTDOWN_CAUSE_HOST_QMP_QUIT, false);
    return true;
}

/* ---- query-machines, query-current-machine ---- */

/* clang-format off */
static const QapiMember machine_info_members[] = {
    { "name", &qapi_str, false },
    { "alias", &qapi_str, true },
    { "is-default", &qapi_bool, true },
    { "cpu-max", &qapi_int, false },
    { "hotpluggable-cpus", &qapi_bool, false },
    { "numa-mem-supported", &qapi_bool, false },
    { "deprecated", &qapi_bool, false },
    { "default-cpu-type", &qapi_str, true },
    { "default-ram-id", &qapi_str, true },
    { NULL }
};
static const QapiType machine_info_type = {
    .name = "MachineInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = machine_info_members,
};
QAPI_ARRAY_OF(machine_info_list, machine_info_type);

static const QapiMember current_machine_members[] = {
    { "wakeup-suspend-support", &qapi_bool, false },
    { NULL }
};
const QapiType current_machine_params_type = {
    .name = "CurrentMachineParams",
    .kind = QAPI_KIND_OBJECT,
    .members = current_machine_members,
};
/* clang-format on */

bool qmp_cmd_query_machines(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    json_t *list = json_array();

    (void)s;
    (void)args;
    (void)errp;
    for (size_t i = 0; i < machine_types_count; i++) {
        const MachineTypeInfo *mt = &machine_types[i];
        json_t *e = json_object();

        json_object_set_new(e, "name", json_string(mt->name));
        if (mt->alias) {
            json_object_set_new(e, "alias", json_string(mt->alias));
        }
        if (mt->flags & MT_DEFAULT) {
            json_object_set_new(e, "is-default", json_true());
        }
        json_object_set_new(e, "cpu-max", json_integer(mt->cpu_max));
        json_object_set_new(e, "hotpluggable-cpus",
                            json_boolean(mt->flags & MT_HOTPLUG_CPUS));
        json_object_set_new(e, "numa-mem-supported",
                            json_boolean(mt->flags & MT_NUMA_MEM));
        json_object_set_new(e, "deprecated",
                            json_boolean(mt->flags & MT_DEPRECATED));
        if (mt->default_cpu_type) {
            json_object_set_new(e, "default-cpu-type",
                                json_string(mt->default_cpu_type));
        }
        if (mt->default_ram_id) {
            json_object_set_new(e, "default-ram-id",
                                json_string(mt->default_ram_id));
        }
        json_array_append_new(list, e);
    }
    *ret = list;
    return true;
}

bool qmp_cmd_query_current_machine(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    /* QEMU: true once an ACPI PM device registered wakeup support. */
    *ret = json_pack("{s:b}", "wakeup-suspend-support",
                     pc_wakeup_suspend_supported());
    return true;
}

/* ---- query-command-line-options ---- */

/* clang-format off */
static const QapiMember clo_args_members[] = {
    { "option", &qapi_str, true },
    { NULL }
};
const QapiType query_command_line_options_args = {
    .name = "q_obj_query-command-line-options-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = clo_args_members,
};
static const char *const clo_param_type_values[] = {
    "string", "boolean", "number", "size", NULL
};
static const QapiType clo_param_type = {
    .name = "CommandLineParameterType",
    .kind = QAPI_KIND_ENUM,
    .values = clo_param_type_values,
};
static const QapiMember clo_param_members[] = {
    { "name", &qapi_str, false },
    { "type", &clo_param_type, false },
    { "help", &qapi_str, true },
    { "default", &qapi_str, true },
    { NULL }
};
static const QapiType clo_param_info_type = {
    .name = "CommandLineParameterInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = clo_param_members,
};
QAPI_ARRAY_OF(clo_param_info_list, clo_param_info_type);
static const QapiMember clo_info_members[] = {
    { "option", &qapi_str, false },
    { "parameters", &clo_param_info_list, false },
    { NULL }
};
static const QapiType clo_info_type = {
    .name = "CommandLineOptionInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = clo_info_members,
};
QAPI_ARRAY_OF(command_line_option_info_list, clo_info_type);
/* clang-format on */

static json_t *option_info(const CmdlineOptionInfo *o)
{
    json_t *params = json_array();

    for (const CmdlineOptionParam *p = o->params; p->name; p++) {
        json_t *e = json_pack("{s:s, s:s}", "name", p->name, "type",
                              cmdline_option_type_name(p->type));

        if (p->help) {
            json_object_set_new(e, "help", json_string(p->help));
        }
        if (p->dflt) {
            json_object_set_new(e, "default", json_string(p->dflt));
        }
        json_array_append_new(params, e);
    }
    return json_pack("{s:o, s:s}", "parameters", params, "option", o->name);
}

bool qmp_cmd_query_command_line_options(QmpSession *s, json_t *args,
                                        json_t **ret, Error **errp)
{
    json_t *want = qapi_arg(args, "option");
    json_t *list = json_array();

    (void)s;
    for (const CmdlineOptionInfo *o = cmdline_options; o->name; o++) {
        if (!want ||
            (json_string_length(want) == strlen(o->name) &&
             !memcmp(json_string_value(want), o->name, strlen(o->name)))) {
            json_array_append_new(list, option_info(o));
        }
    }
    if (want && json_array_size(list) == 0) {
        json_decref(list);
        error_setg(errp, "invalid option name: %s", json_string_value(want));
        return false;
    }
    *ret = list;
    return true;
}

/* ---- TPM, SEV and SGX probes ---- */

/* clang-format off */
static const char *const tpm_model_values[] = {
    "tpm-tis", "tpm-crb", "tpm-spapr", NULL
};
static const QapiType tpm_model_type = {
    .name = "TpmModel", .kind = QAPI_KIND_ENUM, .values = tpm_model_values,
};
QAPI_ARRAY_OF(tpm_model_list, tpm_model_type);
static const char *const tpm_type_values[] = {
    "passthrough", "emulator", NULL
};
static const QapiType tpm_type_type = {
    .name = "TpmType", .kind = QAPI_KIND_ENUM, .values = tpm_type_values,
};
QAPI_ARRAY_OF(tpm_type_list, tpm_type_type);

static const QapiMember sev_capability_members[] = {
    { "pdh", &qapi_str, false },
    { "cert-chain", &qapi_str, false },
    { "cpu0-id", &qapi_str, false },
    { "cbitpos", &qapi_int, false },
    { "reduced-phys-bits", &qapi_int, false },
    { NULL }
};
const QapiType sev_capability_type = {
    .name = "SevCapability",
    .kind = QAPI_KIND_OBJECT,
    .members = sev_capability_members,
};
static const QapiMember sgx_epc_section_members[] = {
    { "node", &qapi_int, false },
    { "size", &qapi_uint64, false },
    { NULL }
};
static const QapiType sgx_epc_section_type = {
    .name = "SGXEPCSection",
    .kind = QAPI_KIND_OBJECT,
    .members = sgx_epc_section_members,
};
QAPI_ARRAY_OF(sgx_epc_section_list, sgx_epc_section_type);
static const QapiMember sgx_info_members[] = {
    { "sgx", &qapi_bool, false },
    { "sgx1", &qapi_bool, false },
    { "sgx2", &qapi_bool, false },
    { "flc", &qapi_bool, false },
    { "section-size", &qapi_uint64, false },
    { "sections", &sgx_epc_section_list, false },
    { NULL }
};
const QapiType sgx_info_type = {
    .name = "SGXInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = sgx_info_members,
};
/* clang-format on */

bool qmp_cmd_query_tpm_models(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    /* The models Debian's build has, in the order QEMU lists them. */
    *ret = json_pack("[s, s]", "tpm-crb", "tpm-tis");
    return true;
}

bool qmp_cmd_query_tpm_types(QmpSession *s, json_t *args, json_t **ret,
                             Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    *ret = json_pack("[s, s]", "passthrough", "emulator");
    return true;
}

bool qmp_cmd_query_sev_capabilities(QmpSession *s, json_t *args, json_t **ret,
                                    Error **errp)
{
    (void)s;
    (void)args;
    (void)ret;
    /* No host has SEV for a simulated machine. */
    error_setg(errp,
               machine_kvm ? "SEV is not enabled in KVM" : "KVM not enabled");
    return false;
}

bool qmp_cmd_query_sgx(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    (void)s;
    (void)args;
    (void)ret;
    /* qmachined defines no EPC sections (no -object memory-backend-epc). */
    error_setg(errp, "No EPC regions defined, SGX not available");
    return false;
}

bool qmp_cmd_query_sgx_capabilities(QmpSession *s, json_t *args, json_t **ret,
                                    Error **errp)
{
    (void)s;
    (void)args;
    (void)ret;
    error_setg(errp, "SGX is not enabled in KVM");
    return false;
}
