/* QMP sessions, the command table and dispatch. */
#ifndef QMACHINED_QMP_H
#define QMACHINED_QMP_H

#include <jansson.h>
#include <stdbool.h>

#include "qmp/schema.h"
#include "src/error.h"

#define QEMU_VERSION_MAJOR 7
#define QEMU_VERSION_MINOR 2
#define QEMU_VERSION_MICRO 22

/* qmachined's own commands (QEMU's rule for vendor extensions). */
#define QMP_VENDOR_PREFIX "__org.qmachined_"

typedef struct QmpSession QmpSession;

/*
 * One client's protocol state.  A transport (monitor socket, REST) owns it
 * and supplies send(), which writes one message.
 */
struct QmpSession {
    bool negotiated; /* false: capabilities negotiation mode */
    bool oob_offered;
    bool oob_enabled;
    void (*send)(QmpSession *s, json_t *msg);
    /* --forward: replies still to come (qmp/forward.c); NULL otherwise. */
    struct ForwardQueue *fwd;
    /*
     * The transport's descriptor received with the input being run
     * (SCM_RIGHTS), taken by the caller (who closes it), or -1; NULL: the
     * transport receives none.
     */
    int (*take_fd)(QmpSession *s);
    /*
     * getfd's named descriptors (qmp/commands-fd.c): the monitor's list,
     * which it keeps across its clients as QEMU does; NULL: none.
     */
    struct QmpNamedFd **named_fds;
};

/* Command flags, as QEMU's command options. */
#define QMP_CMD_ALLOW_OOB 0x1u
#define QMP_CMD_ALLOW_PRECONFIG 0x2u

typedef bool QmpCommandFunc(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp);

typedef struct QmpCommand {
    const char *name;
    const QapiType *args; /* NULL: takes no arguments */
    const QapiType *ret; /* NULL: returns {} */
    QmpCommandFunc *fn;
    unsigned flags;
    const char *const *features;
} QmpCommand;

/* The one command table (qmp/commands.c). */
extern const QmpCommand qmp_commands[];
const QmpCommand *qmp_find_command(const char *name);

/*
 * Handles one parsed request (or a parse error) for a session and sends
 * the reply through s->send.  req is borrowed; err is consumed.
 */
void qmp_handle_request(QmpSession *s, json_t *req, Error *err);

/*
 * Runs one command for a session exactly as a QMP request would run
 * (argument checks, handler): the entry point other front ends (REST)
 * use, so no operation is implemented twice.  args is borrowed (NULL:
 * no arguments); *ret gets a new reference on success.
 */
bool qmp_execute(QmpSession *s, const char *name, json_t *args, json_t **ret,
                 Error **errp);

/*
 * The reply qmachined itself gives to a request (req borrowed, err
 * consumed; new reference), as qmp_handle_request sends it.
 */
json_t *qmp_reply_local(QmpSession *s, json_t *req, Error *err);
/*
 * With --forward: whether req can go to QEMU as it is, that is QEMU would
 * look at its command; else *errp says why not (QEMU's error).
 */
bool qmp_request_forwardable(QmpSession *s, json_t *req, Error **errp);
/* The transport should not read more requests for s for now. */
bool qmp_session_busy(const QmpSession *s);
/* The transport is dropping s. */
void qmp_session_end(QmpSession *s);

/*
 * qmp/commands-fd.c: a monitor connected / went away (QEMU's monitor
 * count, which decides when descriptor sets are closed); closing a
 * monitor's getfd descriptors; every set at exit.
 */
void qmp_fd_monitor_opened(void);
void qmp_fd_monitor_closed(void);
void qmp_named_fds_close(struct QmpNamedFd **list);
void qmp_fdsets_free_all(void);

/* Builds the error reply {"error": {"class", "desc"}} (new reference). */
json_t *qmp_error_response(const Error *err);

/* The greeting a new monitor client receives (new reference). */
json_t *qmp_greeting(const QmpSession *s);
json_t *qmp_version_info(void);

/*
 * Events (qmp/events.c): the machine's event bus (src/events.h) as QMP
 * messages.  Each sink receives every event, the message {"event",
 * "data", "timestamp"}, for the call: as QEMU writes it
 * (qmp_event_text(), written once for all sinks, no line end) and, on
 * demand, as JSON (qmp_event_json(), borrowed, made on first use).
 */
typedef struct QmpEventMsg QmpEventMsg;
typedef void QmpEventSink(void *opaque, const char *name, QmpEventMsg *ev);
const char *qmp_event_text(QmpEventMsg *ev, size_t *len);
json_t *qmp_event_json(QmpEventMsg *ev);
void qmp_event_subscribe(QmpEventSink *fn, void *opaque);
/* Gives every sink an event that did not come from the model (msg
 * borrowed): QEMU's, when forwarding. */
void qmp_event_broadcast(const char *name, json_t *msg);
void qmp_event_unsubscribe(QmpEventSink *fn, void *opaque);

typedef struct QmpEvent {
    const char *name;
    const QapiType *data;
    const char *const *features; /* NULL-terminated, may be NULL */
} QmpEvent;
extern const QmpEvent qmp_events[];

/* HMP (qmp/hmp.c): runs one human-monitor command line, returns text. */
char *hmp_execute(const char *line);

#endif
