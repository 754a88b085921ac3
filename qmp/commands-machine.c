/* Run control and identity: query-name, query-status, stop, cont, ... */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
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
static const QapiType sys_emu_target_type = { .name = "SysEmuTarget",
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
