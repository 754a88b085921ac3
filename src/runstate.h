/* Run states and the requests that change them, as QEMU's runstate. */
#ifndef QMACHINED_RUNSTATE_H
#define QMACHINED_RUNSTATE_H

#include <stdbool.h>

#include "error.h"
#include "events.h"

typedef enum RunState {
    RUN_STATE_DEBUG,
    RUN_STATE_INMIGRATE,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE_IO_ERROR,
    RUN_STATE_PAUSED,
    RUN_STATE_POSTMIGRATE,
    RUN_STATE_PRELAUNCH,
    RUN_STATE_FINISH_MIGRATE,
    RUN_STATE_RESTORE_VM,
    RUN_STATE_RUNNING,
    RUN_STATE_SAVE_VM,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_SUSPENDED,
    RUN_STATE_WATCHDOG,
    RUN_STATE_GUEST_PANICKED,
    RUN_STATE_COLO,
    RUN_STATE__MAX
} RunState;

extern const char *const runstate_names[]; /* NULL-terminated */

typedef struct RunConfig {
    bool no_shutdown; /* -no-shutdown: guest power-off pauses instead */
} RunConfig;

void runstate_init(bool start_paused, const RunConfig *cfg);
RunState runstate_get(void);
bool runstate_is_running(void);

/* Hooks the machine model registers (reset, power button). */
typedef void RunstateHook(void *opaque);
void runstate_add_reset_hook(RunstateHook *fn, void *opaque);
void runstate_add_powerdown_hook(RunstateHook *fn, void *opaque);
void runstate_add_start_hook(RunstateHook *fn, void *opaque);

/* QMP-level operations (events as QEMU emits them). */
void vm_stop(void); /* STOP if running -> paused */
bool vm_cont(Error **errp); /* RESUME -> running */
void vm_system_reset(ShutdownCause cause);
void vm_system_powerdown(void);
/* Shutdown: emits SHUTDOWN; quits the daemon unless -no-shutdown applies. */
void vm_shutdown(ShutdownCause cause, bool guest);
/*
 * Guest S3 request: SUSPEND and state "suspended" when running (nothing if
 * already suspended).  QEMU 7.2 aborts on the invalid transition when the
 * guest is not running (e.g. prelaunch); qmachined ignores the request.
 */
void vm_suspend(void);
/* True once the daemon should exit (after flushing replies). */
bool vm_quit_requested(void);

#endif
