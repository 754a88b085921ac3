/*
 * QMP events: subscribes to the machine's event bus (src/events.h) and
 * turns each event into the QMP message {"event", "data", "timestamp"}
 * that every subscriber (negotiated QMP monitors, SSE clients) receives.
 * The only place events become JSON.
 */
#include <stdlib.h>
#include <string.h>

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

/*
 * The event's "data" members into m (room for JSON_OUT_MAX_MEMBERS), in
 * schema order; sub and slot hold what members point to.  Returns how
 * many, or -1 when the event has no "data".
 */
/* A string member, left out when str is NULL (as jansson leaves out a
 * NULL value). */
static void add_str(JsonOutMember *m, int *n, const char *key, const char *str)
{
    if (str) {
        m[(*n)++] = (JsonOutMember){
            .key = key, .kind = JSON_OUT_STR, .str = str, .len = strlen(str)
        };
    }
}

static int event_data(const MachineEvent *ev, JsonOutMember *m,
                      JsonOutMember *sub, char *slot)
{
    int n = 0;

    switch (ev->kind) {
    case MACHINE_EVENT_SHUTDOWN:
    case MACHINE_EVENT_RESET:
        m[n++] = (JsonOutMember){ .key = "guest",
                                  .kind = JSON_OUT_BOOL,
                                  .num = ev->u.shutdown.guest };
        add_str(m, &n, "reason", shutdown_cause_names[ev->u.shutdown.reason]);
        return n;
    case MACHINE_EVENT_BALLOON_CHANGE:
        m[n++] = (JsonOutMember){ .key = "actual",
                                  .kind = JSON_OUT_INT,
                                  .num = (int64_t)ev->u.balloon_change.actual };
        return n;
    case MACHINE_EVENT_DEVICE_DELETED:
    case MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR:
        add_str(m, &n, "device", ev->u.device.device);
        add_str(m, &n, "path", ev->u.device.path);
        return n;
    case MACHINE_EVENT_ACPI_DEVICE_OST:
        m[n++] = (JsonOutMember){ .key = "info",
                                  .kind = JSON_OUT_OBJECT,
                                  .sub = sub,
                                  .nsub = qmp_acpi_ost_members(
                                      &ev->u.acpi_device_ost, sub, slot) };
        return n;
    case MACHINE_EVENT_MEM_UNPLUG_ERROR:
        add_str(m, &n, "device", ev->u.mem_unplug_error.device);
        add_str(m, &n, "msg", ev->u.mem_unplug_error.msg);
        return n;
    default:
        return -1;
    }
}

/* An event on its way to the sinks (qmp.h). */
struct QmpEventMsg {
    const char *name;
    JsonBuf text; /* the message as QEMU writes it, no line end */
    json_t *json; /* made on first use from members, or given */
    const JsonOutMember *members;
    size_t n_members;
};

const char *qmp_event_text(QmpEventMsg *ev, size_t *len)
{
    *len = ev->text.len;
    return ev->text.data;
}

json_t *qmp_event_json(QmpEventMsg *ev)
{
    if (!ev->json) {
        ev->json = json_out_members_json(ev->members, ev->n_members);
    }
    return ev->json;
}

static void broadcast(QmpEventMsg *ev)
{
    size_t i;

    /* A sink may unsubscribe itself while we iterate: walk backwards. */
    for (i = sinks.n; i-- > 0;) {
        if (i < sinks.n) {
            ((QmpEventSink *)sinks.v[i].fn)(sinks.v[i].opaque, ev->name, ev);
        }
    }
}

/*
 * The message {"event", "data", "timestamp"} (members added in that
 * order) is written once, straight from the event, for every sink.
 */
static void on_machine_event(void *opaque, const MachineEvent *ev)
{
    JsonOutMember msg[3], ts[2], data[JSON_OUT_MAX_MEMBERS];
    JsonOutMember sub[JSON_OUT_MAX_MEMBERS];
    char slot[QMP_ACPI_OST_SLOT_LEN];
    QmpEventMsg out = { .name = event_names[ev->kind], .members = msg };
    int nd;

    (void)opaque;
    /* Forwarding: clients see QEMU's events, not the local model's. */
    if (!sinks.n || forward_active()) {
        return;
    }
    nd = event_data(ev, data, sub, slot);
    msg[out.n_members++] = (JsonOutMember){ .key = "event",
                                            .kind = JSON_OUT_STR,
                                            .str = out.name,
                                            .len = strlen(out.name) };
    if (nd >= 0) {
        msg[out.n_members++] = (JsonOutMember){ .key = "data",
                                                .kind = JSON_OUT_OBJECT,
                                                .sub = data,
                                                .nsub = (size_t)nd };
    }
    ts[0] = (JsonOutMember){ .key = "seconds",
                             .kind = JSON_OUT_INT,
                             .num = ev->timestamp_us / 1000000 };
    ts[1] = (JsonOutMember){ .key = "microseconds",
                             .kind = JSON_OUT_INT,
                             .num = ev->timestamp_us % 1000000 };
    msg[out.n_members++] = (JsonOutMember){
        .key = "timestamp", .kind = JSON_OUT_OBJECT, .sub = ts, .nsub = 2
    };
    json_out_members(&out.text, msg, out.n_members);
    broadcast(&out);
    json_buf_free(&out.text);
    json_decref(out.json);
}

void qmp_event_broadcast(const char *name, json_t *msg)
{
    QmpEventMsg out = { .name = name, .json = msg };

    json_out_append(&out.text, msg);
    broadcast(&out);
    json_buf_free(&out.text);
}
