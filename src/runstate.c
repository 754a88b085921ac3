#include "runstate.h"

#include <stdlib.h>

#include "events.h"
#include "loop.h"
#include "util.h"

const char *const runstate_names[] = {
    "debug",      "inmigrate",   "internal-error", "io-error",
    "paused",     "postmigrate", "prelaunch",      "finish-migrate",
    "restore-vm", "running",     "save-vm",        "shutdown",
    "suspended",  "watchdog",    "guest-panicked", "colo",
    NULL
};

typedef struct Hook {
    RunstateHook *fn;
    void *opaque;
} Hook;

typedef struct HookList {
    Hook *hooks;
    size_t n;
} HookList;

static RunState state = RUN_STATE_PRELAUNCH;
static RunConfig config;
static bool quit_requested;
static HookList reset_hooks, powerdown_hooks, start_hooks;

void runstate_init(bool start_paused, const RunConfig *cfg)
{
    state = RUN_STATE_PRELAUNCH;
    config = *cfg;
    quit_requested = false;
    if (!start_paused) {
        Error *err = NULL;

        vm_cont(&err);
        error_free(err);
    }
}

RunState runstate_get(void)
{
    return state;
}

bool runstate_is_running(void)
{
    return state == RUN_STATE_RUNNING;
}

static void hook_add(HookList *l, RunstateHook *fn, void *opaque)
{
    l->hooks = xrealloc(l->hooks, sizeof(*l->hooks) * (l->n + 1));
    l->hooks[l->n].fn = fn;
    l->hooks[l->n].opaque = opaque;
    l->n++;
}

static void hooks_run(const HookList *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        l->hooks[i].fn(l->hooks[i].opaque);
    }
}

void runstate_add_reset_hook(RunstateHook *fn, void *opaque)
{
    hook_add(&reset_hooks, fn, opaque);
}

void runstate_add_powerdown_hook(RunstateHook *fn, void *opaque)
{
    hook_add(&powerdown_hooks, fn, opaque);
}

void runstate_add_start_hook(RunstateHook *fn, void *opaque)
{
    hook_add(&start_hooks, fn, opaque);
}

void vm_stop(void)
{
    if (state == RUN_STATE_RUNNING) {
        state = RUN_STATE_PAUSED;
        machine_event_emit_simple(MACHINE_EVENT_STOP);
    }
}

bool vm_cont(Error **errp)
{
    if (state == RUN_STATE_SHUTDOWN || state == RUN_STATE_INTERNAL_ERROR ||
        state == RUN_STATE_GUEST_PANICKED) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    if (state == RUN_STATE_RUNNING || state == RUN_STATE_SUSPENDED) {
        return true;
    }
    machine_event_emit_simple(MACHINE_EVENT_RESUME);
    state = RUN_STATE_RUNNING;
    hooks_run(&start_hooks);
    return true;
}

/* SHUTDOWN or RESET with its cause. */
static void emit_cause(MachineEventKind kind, ShutdownCause cause, bool guest)
{
    MachineEvent ev = { .kind = kind };

    ev.u.shutdown.guest = guest;
    ev.u.shutdown.reason = cause;
    machine_event_emit(&ev);
}

void vm_system_reset(ShutdownCause cause)
{
    hooks_run(&reset_hooks);
    emit_cause(MACHINE_EVENT_RESET, cause, cause == SHUTDOWN_CAUSE_GUEST_RESET);
    if (state != RUN_STATE_RUNNING && state != RUN_STATE_INMIGRATE &&
        state != RUN_STATE_FINISH_MIGRATE) {
        state = RUN_STATE_PRELAUNCH;
    }
}

void vm_system_powerdown(void)
{
    machine_event_emit_simple(MACHINE_EVENT_POWERDOWN);
    hooks_run(&powerdown_hooks);
}

void vm_shutdown(ShutdownCause cause, bool guest)
{
    emit_cause(MACHINE_EVENT_SHUTDOWN, cause, guest);
    if (config.no_shutdown && cause != SHUTDOWN_CAUSE_HOST_QMP_QUIT &&
        cause != SHUTDOWN_CAUSE_HOST_SIGNAL) {
        if (state == RUN_STATE_RUNNING) {
            machine_event_emit_simple(MACHINE_EVENT_STOP);
        }
        state = RUN_STATE_SHUTDOWN;
        return;
    }
    quit_requested = true;
    loop_quit();
}

void vm_suspend(void)
{
    if (state != RUN_STATE_RUNNING) {
        return;
    }
    state = RUN_STATE_SUSPENDED;
    machine_event_emit_simple(MACHINE_EVENT_SUSPEND);
}

bool vm_quit_requested(void)
{
    return quit_requested;
}
