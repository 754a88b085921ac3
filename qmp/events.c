/*
 * QMP events: subscribes to the machine's event bus (src/events.h) and
 * turns each event into the QMP message {"event", "data", "timestamp"}
 * that every subscriber (negotiated QMP monitors, SSE clients) receives.
 * The only place events become JSON.
 */
#include <stdlib.h>

#include "commands.h"
#include "forward.h"
#include "qmp.h"
#include "src/callbacks.h"
#include "src/events.h"
#include "src/runstate.h"
#include "src/util.h"

/* ---- event data types, for query-qmp-schema --------------------------- */

static const QapiType shutdown_cause = { .name = "ShutdownCause",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = shutdown_cause_names };
static const QapiMember shutdown_members[] = { { "guest", &qapi_bool, false },
                                               { "reason", &shutdown_cause,
                                                 false },
                                               { NULL } };
static const QapiType shutdown_data = { .name = "q_obj_SHUTDOWN-arg",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = shutdown_members };
static const QapiType reset_data = { .name = "q_obj_RESET-arg",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = shutdown_members };

static const QapiMember balloon_change_members[] = {
    { "actual", &qapi_int, false }, { NULL }
};
static const QapiType balloon_change_data = { .name =
                                                  "q_obj_BALLOON_CHANGE-arg",
                                              .kind = QAPI_KIND_OBJECT,
                                              .members =
                                                  balloon_change_members };

static const QapiMember device_deleted_members[] = {
    { "device", &qapi_str, true }, { "path", &qapi_str, false }, { NULL }
};
static const QapiType device_deleted_data = { .name =
                                                  "q_obj_DEVICE_DELETED-arg",
                                              .kind = QAPI_KIND_OBJECT,
                                              .members =
                                                  device_deleted_members };

static const QapiMember acpi_device_ost_members[] = {
    { "info", &acpi_ost_info_type, false }, { NULL }
};
static const QapiType acpi_device_ost_data = { .name =
                                                   "q_obj_ACPI_DEVICE_OST-arg",
                                               .kind = QAPI_KIND_OBJECT,
                                               .members =
                                                   acpi_device_ost_members };

static const QapiMember mem_unplug_error_members[] = {
    { "device", &qapi_str, false }, { "msg", &qapi_str, false }, { NULL }
};
static const QapiType mem_unplug_error_data = {
    .name = "q_obj_MEM_UNPLUG_ERROR-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = mem_unplug_error_members
};

static const QapiMember device_unplug_guest_error_members[] = {
    { "device", &qapi_str, true }, { "path", &qapi_str, false }, { NULL }
};
static const QapiType device_unplug_guest_error_data = {
    .name = "q_obj_DEVICE_UNPLUG_GUEST_ERROR-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = device_unplug_guest_error_members
};

static const char *const deprecated_feature[] = { "deprecated", NULL };

const QmpEvent qmp_events[] = {
    { "SHUTDOWN", &shutdown_data },
    { "POWERDOWN", NULL },
    { "RESET", &reset_data },
    { "STOP", NULL },
    { "RESUME", NULL },
    { "BALLOON_CHANGE", &balloon_change_data },
    { "DEVICE_DELETED", &device_deleted_data },
    { "ACPI_DEVICE_OST", &acpi_device_ost_data },
    { "MEM_UNPLUG_ERROR", &mem_unplug_error_data, deprecated_feature },
    { "DEVICE_UNPLUG_GUEST_ERROR", &device_unplug_guest_error_data },
    { NULL }
};

/* ---- subscribers ------------------------------------------------------- */

static CallbackList sinks;

static void on_machine_event(void *opaque, const MachineEvent *ev);

void qmp_event_subscribe(QmpEventSink *fn, void *opaque)
{
    static bool on_bus;

    if (!on_bus) {
        machine_event_subscribe(on_machine_event, NULL);
        on_bus = true;
    }
    callback_list_add(&sinks, (CallbackFn *)fn, opaque);
}

void qmp_event_unsubscribe(QmpEventSink *fn, void *opaque)
{
    callback_list_remove(&sinks, (CallbackFn *)fn, opaque);
}

/* ---- events as QMP messages ----------------------------------------- */

static const char *const event_names[MACHINE_EVENT__MAX] = {
    [MACHINE_EVENT_SHUTDOWN] = "SHUTDOWN",
    [MACHINE_EVENT_POWERDOWN] = "POWERDOWN",
    [MACHINE_EVENT_RESET] = "RESET",
    [MACHINE_EVENT_STOP] = "STOP",
    [MACHINE_EVENT_RESUME] = "RESUME",
    [MACHINE_EVENT_SUSPEND] = "SUSPEND",
    [MACHINE_EVENT_SUSPEND_DISK] = "SUSPEND_DISK",
    [MACHINE_EVENT_BALLOON_CHANGE] = "BALLOON_CHANGE",
    [MACHINE_EVENT_DEVICE_DELETED] = "DEVICE_DELETED",
    [MACHINE_EVENT_ACPI_DEVICE_OST] = "ACPI_DEVICE_OST",
    [MACHINE_EVENT_MEM_UNPLUG_ERROR] = "MEM_UNPLUG_ERROR",
    [MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR] = "DEVICE_UNPLUG_GUEST_ERROR",
};

/* The event's "data" member, members in schema order (NULL: none). */
static json_t *event_data(const MachineEvent *ev)
{
    json_t *d;

    switch (ev->kind) {
    case MACHINE_EVENT_SHUTDOWN:
    case MACHINE_EVENT_RESET:
        d = json_object();
        json_object_set_new(d, "guest", json_boolean(ev->u.shutdown.guest));
        json_object_set_new(
            d, "reason",
            json_text(shutdown_cause_names[ev->u.shutdown.reason]));
        return d;
    case MACHINE_EVENT_BALLOON_CHANGE:
        d = json_object();
        json_object_set_new(
            d, "actual", json_integer((json_int_t)ev->u.balloon_change.actual));
        return d;
    case MACHINE_EVENT_DEVICE_DELETED:
    case MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR:
        d = json_object();
        if (ev->u.device.device) {
            json_object_set_new(d, "device", json_text(ev->u.device.device));
        }
        json_object_set_new(d, "path", json_text(ev->u.device.path));
        return d;
    case MACHINE_EVENT_ACPI_DEVICE_OST:
        d = json_object();
        json_object_set_new(d, "info",
                            qmp_acpi_ost_info(&ev->u.acpi_device_ost));
        return d;
    case MACHINE_EVENT_MEM_UNPLUG_ERROR:
        d = json_object();
        json_object_set_new(d, "device",
                            json_text(ev->u.mem_unplug_error.device));
        json_object_set_new(d, "msg", json_text(ev->u.mem_unplug_error.msg));
        return d;
    default:
        return NULL;
    }
}

static void broadcast(const char *name, json_t *msg)
{
    size_t i;

    /* A sink may unsubscribe itself while we iterate: walk backwards. */
    for (i = sinks.n; i-- > 0;) {
        if (i < sinks.n) {
            ((QmpEventSink *)sinks.v[i].fn)(sinks.v[i].opaque, name, msg);
        }
    }
}

static void on_machine_event(void *opaque, const MachineEvent *ev)
{
    const char *name = event_names[ev->kind];
    json_t *msg, *ts, *data;

    (void)opaque;
    /* Forwarding: clients see QEMU's events, not the local model's. */
    if (!sinks.n || forward_active()) {
        return;
    }
    msg = json_object();
    ts = json_object();
    data = event_data(ev);
    json_object_set_new(msg, "event", json_text(name));
    if (data) {
        json_object_set_new(msg, "data", data);
    }
    json_object_set_new(ts, "seconds",
                        json_integer(ev->timestamp_us / 1000000));
    json_object_set_new(ts, "microseconds",
                        json_integer(ev->timestamp_us % 1000000));
    json_object_set_new(msg, "timestamp", ts);
    broadcast(name, msg);
    json_decref(msg);
}

void qmp_event_broadcast(const char *name, json_t *msg)
{
    broadcast(name, msg);
}
