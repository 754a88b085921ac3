/*
 * Command handlers and their argument/return types, grouped by subject in
 * commands-*.c; qmp/commands.c puts them in the one table.
 */
#ifndef QMACHINED_COMMANDS_H
#define QMACHINED_COMMANDS_H

#include "qmp.h"

/* commands-control.c */
extern const QapiType qmp_capabilities_args, version_info_type,
    command_info_list, schema_info_list;
QmpCommandFunc qmp_cmd_qmp_capabilities, qmp_cmd_query_version,
    qmp_cmd_query_commands, qmp_cmd_query_qmp_schema;

/* commands-machine.c */
extern const QapiType name_info_type, status_info_type, hmp_args;
QmpCommandFunc qmp_cmd_query_name, qmp_cmd_query_status, qmp_cmd_stop,
    qmp_cmd_cont, qmp_cmd_system_reset, qmp_cmd_system_powerdown,
    qmp_cmd_quit, qmp_cmd_human_monitor_command;

/* The machine's identity, set at start-up (-name, -uuid). */
void qmp_machine_set_identity(const char *name, const char *uuid,
                              unsigned ncpus);
const char *qmp_machine_name(void);

/* commands-qom.c */
extern const QapiType qom_list_args, qom_get_args, qom_set_args,
    qom_list_types_args, device_list_properties_args,
    qom_list_properties_args, qom_property_info_list, qom_type_info_list;
QmpCommandFunc qmp_cmd_qom_list, qmp_cmd_qom_get, qmp_cmd_qom_set,
    qmp_cmd_qom_list_types, qmp_cmd_device_list_properties,
    qmp_cmd_qom_list_properties;

/* commands-pci.c */
extern const QapiType pci_info_list;
QmpCommandFunc qmp_cmd_query_pci;
/* "info pci" text (malloc'd). */
char *qmp_pci_info_text(void);

#endif
