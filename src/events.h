/*
 * The machine's event bus: the model announces what happened as typed
 * events (one struct per kind, below); subscribers receive every event in
 * emission order, synchronously.  The command layer (qmp/events.c) is the
 * subscriber that turns them into QMP messages for monitors and SSE
 * clients; the model knows nothing of JSON.
 *
 * Rate limiting is done here, as QEMU's monitor does it: a throttled kind
 * (BALLOON_CHANGE) is delivered at once when none was delivered in the
 * last period, otherwise the newest one is held and delivered (with the time
 * it was emitted) when the period ends.
 */
#ifndef QMACHINED_EVENTS_H
#define QMACHINED_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

/* Why the machine shut down or reset (QEMU's ShutdownCause). */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_GUEST_PANIC,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    SHUTDOWN_CAUSE_SNAPSHOT_LOAD,
} ShutdownCause;

extern const char *const shutdown_cause_names[]; /* NULL-terminated */

typedef enum MachineEventKind {
    MACHINE_EVENT_SHUTDOWN,
    MACHINE_EVENT_POWERDOWN,
    MACHINE_EVENT_RESET,
    MACHINE_EVENT_STOP,
    MACHINE_EVENT_RESUME,
    MACHINE_EVENT_SUSPEND,
    MACHINE_EVENT_SUSPEND_DISK,
    MACHINE_EVENT_BALLOON_CHANGE,
    MACHINE_EVENT_DEVICE_DELETED,
    MACHINE_EVENT_ACPI_DEVICE_OST,
    MACHINE_EVENT_MEM_UNPLUG_ERROR,
    MACHINE_EVENT_DEVICE_UNPLUG_GUEST_ERROR,
    MACHINE_EVENT__MAX
} MachineEventKind;

/* The kind of slot an ACPI OST record describes (QEMU's ACPISlotType). */
typedef enum AcpiSlotType {
    ACPI_SLOT_TYPE_DIMM,
    ACPI_SLOT_TYPE_CPU,
} AcpiSlotType;

/* One slot's _OST record (QEMU's ACPIOSTInfo). */
typedef struct AcpiOstInfo {
    const char *device; /* the device's id; NULL: none */
    unsigned slot;
    AcpiSlotType slot_type;
    uint32_t source;
    uint32_t status;
} AcpiOstInfo;

/*
 * One event.  Strings are borrowed: valid while subscribers run, so a
 * subscriber copies what it keeps.  Kinds without a member carry no data.
 */
typedef struct MachineEvent {
    MachineEventKind kind;
    int64_t timestamp_us; /* wall clock, set by machine_event_emit() */
    union {
        struct { /* SHUTDOWN, RESET */
            bool guest;
            ShutdownCause reason;
        } shutdown;
        struct {
            uint64_t actual; /* bytes the guest has */
        } balloon_change;
        struct { /* DEVICE_DELETED, DEVICE_UNPLUG_GUEST_ERROR */
            const char *device; /* NULL: the device has no id */
            const char *path;
        } device;
        AcpiOstInfo acpi_device_ost;
        struct {
            const char *device;
            const char *msg;
        } mem_unplug_error;
    } u;
} MachineEvent;

typedef void MachineEventFn(void *opaque, const MachineEvent *ev);

/* A subscriber may unsubscribe itself while it is called. */
void machine_event_subscribe(MachineEventFn *fn, void *opaque);
void machine_event_unsubscribe(MachineEventFn *fn, void *opaque);

/*
 * Emits ev (its kind and data; the timestamp is set here, now), subject
 * to the kind's rate limit.  A throttled kind must carry no strings.
 */
void machine_event_emit(MachineEvent *ev);
/* Emits an event of a kind without data. */
void machine_event_emit_simple(MachineEventKind kind);

#endif
