/*
 * The event bus: the model emits, every subscriber (negotiated QMP
 * monitors, SSE clients) receives the same message.
 */
#include <stdlib.h>

#include "acpi/memhp.h"
#include "qmp.h"
#include "src/loop.h"
#include "src/util.h"

/* ---- event data types, for query-qmp-schema --------------------------- */

static const char *const shutdown_cause_values[] = {
    "none", "host-error", "host-qmp-quit", "host-qmp-system-reset",
    "host-signal", "host-ui", "guest-shutdown", "guest-reset",
    "guest-panic", "subsystem-reset", "snapshot-load", NULL
};
static const QapiType shutdown_cause = { .name = "ShutdownCause",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = shutdown_cause_values };
static const QapiMember shutdown_members[] = {
    { "guest", &qapi_bool, false },
    { "reason", &shutdown_cause, false },
    { NULL }
};
static const QapiType shutdown_data = { .name = "q_obj_SHUTDOWN-arg",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = shutdown_members };
static const QapiType reset_data = { .name = "q_obj_RESET-arg",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = shutdown_members };

static const QapiMember balloon_change_members[] = {
    { "actual", &qapi_int, false },
    { NULL }
};
static const QapiType balloon_change_data = {
    .name = "q_obj_BALLOON_CHANGE-arg", .kind = QAPI_KIND_OBJECT,
    .members = balloon_change_members };

static const QapiMember device_deleted_members[] = {
    { "device", &qapi_str, true },
    { "path", &qapi_str, false },
    { NULL }
};
static const QapiType device_deleted_data = {
    .name = "q_obj_DEVICE_DELETED-arg", .kind = QAPI_KIND_OBJECT,
    .members = device_deleted_members };

static const char *const deprecated_feature[] = { "deprecated", NULL };

const QmpEvent qmp_events[] = {
    { "SHUTDOWN", &shutdown_data },
    { "POWERDOWN", NULL },
    { "RESET", &reset_data },
    { "STOP", NULL },
    { "RESUME", NULL },
    { "BALLOON_CHANGE", &balloon_change_data },
    { "DEVICE_DELETED", &device_deleted_data },
    { "ACPI_DEVICE_OST", &acpi_device_ost_event_data },
    { "MEM_UNPLUG_ERROR", &acpi_mem_unplug_error_event_data,
      deprecated_feature },
    { "DEVICE_UNPLUG_GUEST_ERROR",
      &acpi_device_unplug_guest_error_event_data },
    { NULL }
};

/* ---- subscribers ------------------------------------------------------- */

typedef struct Sink {
    QmpEventSink *fn;
    void *opaque;
} Sink;

static Sink *sinks;
static size_t n_sinks;

void qmp_event_subscribe(QmpEventSink *fn, void *opaque)
{
    sinks = xrealloc(sinks, sizeof(*sinks) * (n_sinks + 1));
    sinks[n_sinks].fn = fn;
    sinks[n_sinks].opaque = opaque;
    n_sinks++;
}

void qmp_event_unsubscribe(QmpEventSink *fn, void *opaque)
{
    size_t i;

    for (i = 0; i < n_sinks; i++) {
        if (sinks[i].fn == fn && sinks[i].opaque == opaque) {
            sinks[i] = sinks[--n_sinks];
            if (!n_sinks) {
                free(sinks);
                sinks = NULL;
            }
            return;
        }
    }
}

void qmp_event_emit(const char *name, json_t *data)
{
    int64_t now = loop_realtime_ns() / 1000;
    json_t *msg = json_object();
    json_t *ts = json_object();
    size_t i;

    json_object_set_new(msg, "event", json_text(name));
    if (data) {
        json_object_set_new(msg, "data", data);
    }
    json_object_set_new(ts, "seconds", json_integer(now / 1000000));
    json_object_set_new(ts, "microseconds", json_integer(now % 1000000));
    json_object_set_new(msg, "timestamp", ts);
    /* A sink may unsubscribe itself while we iterate: walk backwards. */
    for (i = n_sinks; i-- > 0;) {
        if (i < n_sinks) {
            sinks[i].fn(sinks[i].opaque, name, msg);
        }
    }
    json_decref(msg);
}
