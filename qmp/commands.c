/*
 * The one command table: dispatch, argument checking, query-commands and
 * query-qmp-schema all read it.  Each command is declared here once.
 */
#include "commands.h"

#include "acpi/memhp.h"
#include "acpi/ospm.h"

static const char *const unstable_features[] = { "unstable", NULL };
static const char *const hmp_features[] = { "savevm-monitor-nodes", NULL };
static const char *const device_add_features[] = { "json-cli",
                                                   "json-cli-hotplug", NULL };

const QmpCommand qmp_commands[] = {
    { "qmp_capabilities", &qmp_capabilities_args, NULL,
      qmp_cmd_qmp_capabilities, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-version", NULL, &version_info_type, qmp_cmd_query_version,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-commands", NULL, &command_info_list, qmp_cmd_query_commands,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-qmp-schema", NULL, &schema_info_list,
      qmp_cmd_query_qmp_schema, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-name", NULL, &name_info_type, qmp_cmd_query_name,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-status", NULL, &status_info_type, qmp_cmd_query_status,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-pci", NULL, &pci_info_list, qmp_cmd_query_pci, 0, NULL },
    { "stop", NULL, NULL, qmp_cmd_stop, 0, NULL },
    { "cont", NULL, NULL, qmp_cmd_cont, 0, NULL },
    { "system_reset", NULL, NULL, qmp_cmd_system_reset, 0, NULL },
    { "system_powerdown", NULL, NULL, qmp_cmd_system_powerdown, 0, NULL },
    { "quit", NULL, NULL, qmp_cmd_quit, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "human-monitor-command", &hmp_args, &qapi_str,
      qmp_cmd_human_monitor_command, 0, hmp_features },
    { "qom-list", &qom_list_args, &qom_property_info_list,
      qmp_cmd_qom_list, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "qom-get", &qom_get_args, &qapi_any, qmp_cmd_qom_get,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "qom-set", &qom_set_args, NULL, qmp_cmd_qom_set,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "qom-list-types", &qom_list_types_args, &qom_type_info_list,
      qmp_cmd_qom_list_types, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "device-list-properties", &device_list_properties_args,
      &qom_property_info_list, qmp_cmd_device_list_properties,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "qom-list-properties", &qom_list_properties_args,
      &qom_property_info_list, qmp_cmd_qom_list_properties,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "object-add", &object_add_args, NULL, qmp_cmd_object_add,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "object-del", &object_del_args, NULL, qmp_cmd_object_del,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "device_add", &device_add_args, NULL, qmp_cmd_device_add, 0,
      device_add_features },
    { "device_del", &device_del_args, NULL, qmp_cmd_device_del, 0, NULL },
    { "query-memdev", NULL, &memdev_list, qmp_cmd_query_memdev,
      QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "query-memory-devices", NULL, &memory_device_info_list,
      qmp_cmd_query_memory_devices, 0, NULL },
    { "query-memory-size-summary", NULL, &memory_size_summary_type,
      qmp_cmd_query_memory_size_summary, 0, NULL },
    { "query-acpi-ospm-status", NULL, &acpi_ost_info_list,
      qmp_cmd_query_acpi_ospm_status, 0, NULL },
    { "balloon", &balloon_args, NULL, qmp_cmd_balloon, 0, NULL },
    { "query-balloon", NULL, &balloon_info_type, qmp_cmd_query_balloon, 0,
      NULL },
    { "x-query-virtio", NULL, &virtio_info_list, qmp_cmd_x_query_virtio, 0,
      unstable_features },
    { "x-query-virtio-status", &x_query_virtio_status_args,
      &virtio_status_type, qmp_cmd_x_query_virtio_status, 0,
      unstable_features },
    { "__org.qmachined_query-memslots", NULL, &memslot_list_type,
      qmp_cmd_query_memslots, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "__org.qmachined_query-memory-map", NULL, &memory_map_type,
      qmp_cmd_query_memory_map, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "__org.qmachined_query-interrupts", NULL, &interrupts_info_type,
      qmp_cmd_query_interrupts, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "__org.qmachined_set-guest-policy", &ospm_set_policy_args, NULL,
      qmp_cmd_ospm_set_guest_policy, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { "__org.qmachined_query-guest-policy", NULL, &ospm_policy_info_type,
      qmp_cmd_ospm_query_guest_policy, QMP_CMD_ALLOW_PRECONFIG, NULL },
    { NULL }
};
