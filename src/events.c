/* The machine's event bus (see events.h). */
#include "events.h"

#include <stdlib.h>

#include "callbacks.h"
#include "loop.h"
#include "util.h"

const char *const shutdown_cause_names[] = {
    "none",        "host-error",      "host-qmp-quit",  "host-qmp-system-reset",
    "host-signal", "host-ui",         "guest-shutdown", "guest-reset",
    "guest-panic", "subsystem-reset", "snapshot-load",  NULL
};

/* ---- rate limits ------------------------------------------------------ */

/* QEMU's monitor: at most one BALLOON_CHANGE a second, the last one wins. */
#define BALLOON_CHANGE_RATE_NS 1000000000LL

typedef struct Throttle {
    MachineEventKind kind;
    int64_t period_ns;
    LoopTimer *timer; /* running: a period is open; NULL: none */
    bool has_pending;
    MachineEvent pending;
} Throttle;

static Throttle throttles[] = {
    { .kind = MACHINE_EVENT_BALLOON_CHANGE,
      .period_ns = BALLOON_CHANGE_RATE_NS },
};

static Throttle *throttle_of(MachineEventKind kind)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(throttles); i++) {
        if (throttles[i].kind == kind) {
            return &throttles[i];
        }
    }
    return NULL;
}

/* ---- subscribers ------------------------------------------------------ */

static CallbackList sinks;

void machine_event_subscribe(MachineEventFn *fn, void *opaque)
{
    callback_list_add(&sinks, (CallbackFn *)fn, opaque);
}

void machine_event_unsubscribe(MachineEventFn *fn, void *opaque)
{
    callback_list_remove(&sinks, (CallbackFn *)fn, opaque);
}

/* Hands ev to every subscriber. */
static void deliver(MachineEvent *ev)
{
    size_t i;

    /* A sink may unsubscribe itself while we iterate: walk backwards. */
    for (i = sinks.n; i-- > 0;) {
        if (i < sinks.n) {
            ((MachineEventFn *)sinks.v[i].fn)(sinks.v[i].opaque, ev);
        }
    }
}

/* The end of a throttle period: the held event, if any, opens the next. */
static void throttle_expired(void *opaque)
{
    Throttle *t = opaque;

    t->timer = NULL;
    if (t->has_pending) {
        t->has_pending = false;
        deliver(&t->pending);
        t->timer = loop_timer_add(t->period_ns, throttle_expired, t);
    }
}

void machine_event_emit(MachineEvent *ev)
{
    Throttle *t = throttle_of(ev->kind);

    /*
     * Stamped when emitted, as QEMU builds the message (timestamp
     * included) before its monitor decides to hold it.
     */
    ev->timestamp_us = loop_realtime_ns() / 1000;
    if (!t) {
        deliver(ev);
        return;
    }
    if (t->timer) {
        /* Held by value: throttled kinds carry no borrowed strings. */
        t->pending = *ev;
        t->has_pending = true;
        return;
    }
    deliver(ev);
    t->timer = loop_timer_add(t->period_ns, throttle_expired, t);
}

void machine_event_emit_simple(MachineEventKind kind)
{
    MachineEvent ev = { .kind = kind };

    machine_event_emit(&ev);
}
