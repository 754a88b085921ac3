/* Run control and identity: query-name, query-status, stop, cont, ... */
#include <stdlib.h>

#include "commands.h"
#include "src/runstate.h"
#include "src/util.h"

static char *machine_name;
static unsigned machine_ncpus = 1;

void qmp_machine_set_identity(const char *name, const char *uuid,
                              unsigned ncpus)
{
    free(machine_name);
    machine_name = name ? xstrdup(name) : NULL;
    machine_ncpus = ncpus ? ncpus : 1;
    (void)uuid;
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
