/*
 * Unit tests: the machine's event bus (src/events.c) and its QMP side
 * (qmp/events.c): delivery, timestamps, unsubscribing while called, and
 * BALLOON_CHANGE's rate limit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"

#include "qmp/json-out.h"
#include "qmp/qmp.h"
#include "src/events.h"
#include "src/loop.h"

#define MAX_SEEN 16

static MachineEvent seen[MAX_SEEN];
static int64_t seen_at_ns[MAX_SEEN];
static size_t n_seen;

static void on_event(void *opaque, const MachineEvent *ev)
{
    (void)opaque;
    ck_assert_uint_lt(n_seen, MAX_SEEN);
    seen_at_ns[n_seen] = loop_now_ns();
    seen[n_seen++] = *ev;
}

static void setup(void)
{
    ck_assert(loop_init());
    n_seen = 0;
    machine_event_subscribe(on_event, NULL);
}

static void teardown(void)
{
    machine_event_unsubscribe(on_event, NULL);
    loop_fini();
}

static void balloon(uint64_t actual)
{
    MachineEvent ev = { .kind = MACHINE_EVENT_BALLOON_CHANGE };

    ev.u.balloon_change.actual = actual;
    machine_event_emit(&ev);
}

/* Runs the loop for about ms milliseconds. */
static void run_for(int ms)
{
    int64_t end = loop_now_ns() + (int64_t)ms * 1000000;

    while (loop_now_ns() < end) {
        loop_iterate(10);
    }
}

START_TEST(test_delivery)
{
    int64_t before = loop_realtime_ns() / 1000, after;
    MachineEvent ev = { .kind = MACHINE_EVENT_DEVICE_DELETED };

    ev.u.device.device = "d1";
    ev.u.device.path = "/machine/peripheral/d1";
    machine_event_emit(&ev);
    machine_event_emit_simple(MACHINE_EVENT_STOP);
    after = loop_realtime_ns() / 1000;
    ck_assert_uint_eq(n_seen, 2);
    ck_assert_int_eq(seen[0].kind, MACHINE_EVENT_DEVICE_DELETED);
    ck_assert_str_eq(seen[0].u.device.path, "/machine/peripheral/d1");
    ck_assert_int_ge(seen[0].timestamp_us, before);
    ck_assert_int_le(seen[0].timestamp_us, after);
    ck_assert_int_eq(seen[1].kind, MACHINE_EVENT_STOP);
}
END_TEST

static int self_calls;

static void unsubscribe_self(void *opaque, const MachineEvent *ev)
{
    (void)opaque;
    (void)ev;
    self_calls++;
    machine_event_unsubscribe(unsubscribe_self, NULL);
}

START_TEST(test_unsubscribe_while_called)
{
    machine_event_subscribe(unsubscribe_self, NULL);
    machine_event_emit_simple(MACHINE_EVENT_RESUME);
    machine_event_emit_simple(MACHINE_EVENT_RESUME);
    ck_assert_int_eq(self_calls, 1);
    ck_assert_uint_eq(n_seen, 2);
}
END_TEST

/* One BALLOON_CHANGE a second: the first at once, the newest held. */
START_TEST(test_balloon_throttle)
{
    int64_t t0 = loop_now_ns();

    balloon(1);
    balloon(2);
    balloon(3);
    /* Other kinds are not held back. */
    machine_event_emit_simple(MACHINE_EVENT_STOP);
    ck_assert_uint_eq(n_seen, 2);
    ck_assert_uint_eq(seen[0].u.balloon_change.actual, 1);
    ck_assert_int_eq(seen[1].kind, MACHINE_EVENT_STOP);
    run_for(1200);
    ck_assert_uint_eq(n_seen, 3);
    ck_assert_uint_eq(seen[2].u.balloon_change.actual, 3);
    ck_assert_int_ge(seen_at_ns[2] - t0, 1000000000LL);
    /* It carries the time it was emitted, as in QEMU, not its delivery's. */
    ck_assert_int_ge(seen[2].timestamp_us, seen[0].timestamp_us);
    ck_assert_int_lt(seen[2].timestamp_us, seen[0].timestamp_us + 500000);
    /* The held one opened a new period, which ends with nothing held. */
    run_for(1000);
    ck_assert_uint_eq(n_seen, 3);
    balloon(4);
    ck_assert_uint_eq(n_seen, 4);
    ck_assert_uint_eq(seen[3].u.balloon_change.actual, 4);
}
END_TEST

/* ---- the QMP side ---- */

static json_t *qmp_seen;

static void on_qmp_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    json_t *msg = qmp_event_json(ev);
    const char *text;
    char *want;
    size_t len;

    (void)opaque;
    /* The text all sinks get is the rendering of the JSON. */
    text = qmp_event_text(ev, &len);
    want = json_out_dumps(msg);
    ck_assert_uint_eq(len, strlen(want));
    ck_assert(!memcmp(text, want, len));
    free(want);
    ck_assert_str_eq(name, json_string_value(json_object_get(msg, "event")));
    json_array_append(qmp_seen, msg);
}

START_TEST(test_qmp_messages)
{
    MachineEvent ev = { .kind = MACHINE_EVENT_SHUTDOWN };
    json_t *msg, *ts, *want;

    qmp_seen = json_array();
    qmp_event_subscribe(on_qmp_event, NULL);
    ev.u.shutdown.guest = true;
    ev.u.shutdown.reason = SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
    machine_event_emit(&ev);
    ev = (MachineEvent){ .kind = MACHINE_EVENT_ACPI_DEVICE_OST };
    ev.u.acpi_device_ost.slot = 2;
    ev.u.acpi_device_ost.slot_type = ACPI_SLOT_TYPE_DIMM;
    ev.u.acpi_device_ost.source = 3;
    ev.u.acpi_device_ost.status = 1;
    machine_event_emit(&ev);
    machine_event_emit_simple(MACHINE_EVENT_POWERDOWN);
    /* Every kind's text is its JSON's rendering (checked in the sink). */
    ev = (MachineEvent){ .kind = MACHINE_EVENT_ACPI_DEVICE_OST };
    ev.u.acpi_device_ost.device = "d\"1";
    ev.u.acpi_device_ost.slot = 12345;
    ev.u.acpi_device_ost.slot_type = ACPI_SLOT_TYPE_CPU;
    machine_event_emit(&ev);
    ev = (MachineEvent){ .kind = MACHINE_EVENT_DEVICE_DELETED };
    ev.u.device.device = "bd0";
    ev.u.device.path = "/machine/peripheral/bd0";
    machine_event_emit(&ev);
    ev.u.device.device = NULL;
    machine_event_emit(&ev);
    ev.kind = MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR;
    machine_event_emit(&ev);
    ev = (MachineEvent){ .kind = MACHINE_EVENT_MEM_UNPLUG_ERROR };
    ev.u.mem_unplug_error.device = "bd0";
    ev.u.mem_unplug_error.msg = "no";
    machine_event_emit(&ev);
    ev = (MachineEvent){ .kind = MACHINE_EVENT_RESET };
    machine_event_emit(&ev);
    machine_event_emit_simple(MACHINE_EVENT_STOP);
    machine_event_emit_simple(MACHINE_EVENT_RESUME);
    qmp_event_unsubscribe(on_qmp_event, NULL);
    machine_event_emit_simple(MACHINE_EVENT_STOP);

    ck_assert_uint_eq(json_array_size(qmp_seen), 11);
    msg = json_array_get(qmp_seen, 0);
    want = json_pack("{s:b, s:s}", "guest", 1, "reason", "guest-shutdown");
    ck_assert(json_equal(json_object_get(msg, "data"), want));
    json_decref(want);
    /* The bus's timestamp (seen[0] is the same SHUTDOWN). */
    ts = json_object_get(msg, "timestamp");
    ck_assert_int_eq(
        json_integer_value(json_object_get(ts, "seconds")) * 1000000 +
            json_integer_value(json_object_get(ts, "microseconds")),
        seen[0].timestamp_us);
    msg = json_array_get(qmp_seen, 1);
    want = json_pack("{s:{s:s, s:s, s:i, s:i}}", "info", "slot", "2",
                     "slot-type", "DIMM", "source", 3, "status", 1);
    ck_assert(json_equal(json_object_get(msg, "data"), want));
    json_decref(want);
    msg = json_array_get(qmp_seen, 2);
    ck_assert_str_eq(json_string_value(json_object_get(msg, "event")),
                     "POWERDOWN");
    ck_assert_ptr_null(json_object_get(msg, "data"));
    json_decref(qmp_seen);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("bus");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_delivery);
    tcase_add_test(tc, test_unsubscribe_while_called);
    tcase_add_test(tc, test_balloon_throttle);
    tcase_add_test(tc, test_qmp_messages);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { events_suite };
