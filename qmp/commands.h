/*
 * Command handlers and their argument/return types, grouped by subject in
 * commands-*.c; qmp/commands.c puts them in the one table.
 */
#ifndef QMACHINED_COMMANDS_H
#define QMACHINED_COMMANDS_H

#include "json-out.h"
#include "qmp.h"
#include "src/events.h"

/* commands-control.c */
extern const QapiType qmp_capabilities_args, version_info_type,
    command_info_list, schema_info_list;
QmpCommandFunc qmp_cmd_qmp_capabilities, qmp_cmd_query_version,
    qmp_cmd_query_commands, qmp_cmd_query_qmp_schema;

/* commands-machine.c */
extern const QapiType name_info_type, status_info_type, target_info_type,
    kvm_info_type, uuid_info_type, sys_emu_target_type;
QmpCommandFunc qmp_cmd_query_target, qmp_cmd_query_kvm, qmp_cmd_query_uuid;
extern const QapiType machine_info_list, current_machine_params_type,
    query_command_line_options_args, command_line_option_info_list,
    tpm_model_list, tpm_type_list, sev_capability_type, sgx_info_type;
QmpCommandFunc qmp_cmd_query_machines, qmp_cmd_query_current_machine,
    qmp_cmd_query_command_line_options, qmp_cmd_query_tpm_models,
    qmp_cmd_query_tpm_types, qmp_cmd_query_sev_capabilities,
    qmp_cmd_query_sgx_capabilities, qmp_cmd_query_sgx;
QmpCommandFunc qmp_cmd_query_name, qmp_cmd_query_status, qmp_cmd_stop,
    qmp_cmd_cont, qmp_cmd_system_reset, qmp_cmd_system_powerdown, qmp_cmd_quit;

/* The machine's identity, set at start-up (-name, -uuid, -smp). */
void qmp_machine_set_identity(const char *name, const char *uuid,
                              unsigned ncpus);
/* The accelerator list (-accel, -machine accel=: "kvm:tcg"); NULL: tcg. */
void qmp_machine_set_accel(const char *accel);
const char *qmp_machine_name(void);
unsigned qmp_machine_ncpus(void);

/* commands-cpu.c */
extern const QapiType cpu_definition_info_list, cpu_info_fast_list,
    hotpluggable_cpu_list, cpu_model_expansion_args,
    cpu_model_expansion_info_type;
QmpCommandFunc qmp_cmd_query_cpu_definitions, qmp_cmd_query_cpus_fast,
    qmp_cmd_query_hotpluggable_cpus, qmp_cmd_query_cpu_model_expansion;

/* hmp.c (hmp_execute is in qmp.h) */
extern const QapiType hmp_args;
QmpCommandFunc qmp_cmd_human_monitor_command;

/* commands-qom.c */
extern const QapiType qom_list_args, qom_get_args, qom_set_args,
    qom_list_types_args, device_list_properties_args, qom_list_properties_args,
    qom_property_info_list, qom_type_info_list;
QmpCommandFunc qmp_cmd_qom_list, qmp_cmd_qom_get, qmp_cmd_qom_set,
    qmp_cmd_qom_list_types, qmp_cmd_device_list_properties,
    qmp_cmd_qom_list_properties;

/* commands-pci.c */
extern const QapiType pci_info_list;
QmpCommandFunc qmp_cmd_query_pci;
/* "info pci" text (malloc'd). */
char *qmp_pci_info_text(void);

/* commands-object.c */
extern const QapiType object_add_args, object_del_args, memdev_list,
    host_mem_policy_type, iothread_info_list;
QmpCommandFunc qmp_cmd_object_add, qmp_cmd_object_del, qmp_cmd_query_memdev,
    qmp_cmd_query_iothreads;
/* "info iothreads" text (malloc'd). */
char *qmp_iothreads_info_text(void);
/*
 * -object ARG: dict as parsed from ARG (string values unless ARG is JSON).
 * As in QEMU, errors in the arguments name the option ("-object ARG: "),
 * errors from creating the object do not.
 */
bool qmp_object_add_cmdline(json_t *dict, const char *arg, Error **errp);
/* "info memdev" text (malloc'd). */
char *qmp_memdev_info_text(void);

/* commands-device.c */
extern const QapiType device_add_args, device_del_args;
QmpCommandFunc qmp_cmd_device_add, qmp_cmd_device_del;
/* device_del / HMP device_del: id, or a QOM path. */
bool qmp_device_del_id(const char *id, Error **errp);
typedef struct DeviceState DeviceState;
/*
 * The device id names, as device_del finds it (QEMU's find_device_state):
 * a QOM path, or an id in /machine/peripheral; NULL with QEMU's errors.
 */
DeviceState *qmp_find_device(const char *id, Error **errp);

/* commands-memory.c */
extern const QapiType memory_device_info_list, memory_size_summary_type;
QmpCommandFunc qmp_cmd_query_memory_devices, qmp_cmd_query_memory_size_summary;
/* "info memory-devices" text (malloc'd). */
char *qmp_memory_devices_info_text(void);

/* commands-virtio.c */
extern const QapiType balloon_args, balloon_info_type, virtio_info_list,
    x_query_virtio_status_args, virtio_status_type;
QmpCommandFunc qmp_cmd_balloon, qmp_cmd_query_balloon, qmp_cmd_x_query_virtio,
    qmp_cmd_x_query_virtio_status;

/* commands-net.c */
extern const QapiType netdev_add_args, netdev_del_args;
QmpCommandFunc qmp_cmd_netdev_add, qmp_cmd_netdev_del;
/*
 * -netdev: dict as options.c built it (keyval: QemuOpts strings to
 * convert); checked as netdev_add's arguments, then created.
 */
bool qmp_netdev_add_cmdline(json_t *dict, bool keyval, Error **errp);
/* -blockdev: dict as parsed (keyval: strings converted by the schema). */
bool qmp_blockdev_add_cmdline(json_t *dict, bool keyval, Error **errp);

/* commands-chardev.c */
extern const QapiType chardev_info_list, chardev_add_args, chardev_return_type,
    chardev_remove_args;
QmpCommandFunc qmp_cmd_query_chardev, qmp_cmd_chardev_add,
    qmp_cmd_chardev_remove;
/* "info chardev" text (malloc'd). */
char *qmp_chardev_info_text(void);

/* commands-fd.c */
extern const QapiType getfd_args, closefd_args, add_fd_args, addfd_info_type,
    remove_fd_args, fdset_info_list;
QmpCommandFunc qmp_cmd_getfd, qmp_cmd_closefd, qmp_cmd_add_fd,
    qmp_cmd_remove_fd, qmp_cmd_query_fdsets;
/*
 * QEMU's monitor_get_fd: takes the session's getfd descriptor of that
 * name out of its monitor's list (the caller now owns it), or -1 with
 * errp set.
 */
int qmp_session_take_named_fd(QmpSession *s, const char *name, Error **errp);

/* commands-block.c */
extern const QapiType blk_block_info_list, blk_named_nodes_args,
    blk_block_device_info_list, blockdev_add_args, blockdev_del_args,
    block_set_io_throttle_args, query_blockstats_args, blk_stats_list;
QmpCommandFunc qmp_cmd_query_block, qmp_cmd_query_named_block_nodes,
    qmp_cmd_query_blockstats, qmp_cmd_blockdev_add, qmp_cmd_blockdev_del,
    qmp_cmd_block_set_io_throttle;

/* commands-migration.c */
extern const QapiType migration_capability_status_list,
    migrate_set_capabilities_args;
QmpCommandFunc qmp_cmd_query_migrate_capabilities,
    qmp_cmd_migrate_set_capabilities;

/* commands-acpi.c */
extern const QapiType acpi_ost_info_type, acpi_ost_info_list,
    ospm_set_policy_args, ospm_policy_info_type;
QmpCommandFunc qmp_cmd_query_acpi_ospm_status, qmp_cmd_ospm_set_guest_policy,
    qmp_cmd_ospm_query_guest_policy;
/* One ACPIOSTInfo, members in schema order (new reference). */
json_t *qmp_acpi_ost_info(const AcpiOstInfo *info);
/*
 * The same as members (for json_out_members()): fills m (room for
 * QMP_ACPI_OST_MEMBERS) and slot (QMP_ACPI_OST_SLOT_LEN bytes, which
 * m points into); returns how many.
 */
#define QMP_ACPI_OST_MEMBERS 5
#define QMP_ACPI_OST_SLOT_LEN 12
size_t qmp_acpi_ost_members(const AcpiOstInfo *info, JsonOutMember *m,
                            char *slot);
/* Appends one ACPIOSTInfo per slot of ms (may be NULL) to list. */
typedef struct MemHotplugState MemHotplugState;
void acpi_memhp_ospm_status(const MemHotplugState *ms, json_t *list);

/* commands-memory.c: qmachined's memslot table (a KVM view of the map) */
extern const QapiType memslot_list_type;
QmpCommandFunc qmp_cmd_query_memslots;
/*
 * The used slots of ms by ascending id as QmachinedMemSlot objects, a new
 * reference (an array).
 */
typedef struct MemSlots MemSlots;
json_t *memslots_to_json(const MemSlots *ms);
/* commands-memory.c: the flat view of the "memory" address space */
extern const QapiType memory_map_type;
QmpCommandFunc qmp_cmd_query_memory_map;

/* commands-interrupts.c: the 8259 pair, the IOAPIC and the GSIs */
extern const QapiType interrupts_info_type;
QmpCommandFunc qmp_cmd_query_interrupts;

#endif
