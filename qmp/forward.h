/*
 * Forwarding (--forward): qmachined in front of a real QEMU's QMP
 * monitor.  qmachined keeps one connection to QEMU, negotiated once (with
 * OOB when QEMU offers it), and every command any of its negotiated QMP
 * clients sends goes there, in arrival order, under an id of qmachined's
 * own; the reply goes back to the client that asked, with the client's id
 * (or none, as it sent), in the order that client sent its commands (OOB
 * replies as soon as they arrive, as QEMU sends them).  QEMU's events go
 * to every negotiated client.  Clients see QEMU's greeting.
 *
 * What stays local: capabilities negotiation, and requests QEMU would
 * refuse before looking at them (parse errors, non-objects, malformed
 * members), answered with QEMU's own errors.  A client has at most
 * FORWARD_MAX_PENDING commands in flight; past that its input waits.
 * When QEMU's connection ends, every waiting command and every later one
 * is answered with an error.
 */
#ifndef QMACHINED_FORWARD_H
#define QMACHINED_FORWARD_H

#include <jansson.h>
#include <stdbool.h>

#include "qmp.h"
#include "src/sockets.h"

/* As QEMU's monitor queue: 8 requests per client. */
#define FORWARD_MAX_PENDING 8

/*
 * Connects to QEMU's monitor at addr and negotiates (blocking, 10 s);
 * then forward_execute_sync() can ask QEMU (forward-machine.c does,
 * before the model is built), and forward_start() begins forwarding.
 */
bool forward_open(const ListenAddr *addr, Error **errp);
/*
 * --forward libvirt:URI#DOMAIN (spec is "URI#DOMAIN"): the same through
 * libvirt's API for a domain it manages; with read_only, commands that
 * would change the machine are refused.
 */
bool forward_open_libvirt(const char *spec, bool read_only, Error **errp);
/* Once the model is built: QEMU's input goes through the loop, the model
 * catches up with what QEMU has, clients' commands go to QEMU. */
bool forward_start(Error **errp);
bool forward_active(void);
/* {"qemu": "unix:PATH" (where), "connected": bool} (new reference). */
json_t *forward_status(void);
/* While QEMU's monitor is not connected: the error every command gets
 * (a QMP error response, new reference); NULL when connected. */
json_t *forward_lost_error(void);
/* Commands that only read (what REST answers from the model, and what
 * --forward-read-only lets through). */
bool qmp_command_reads_only(const char *name);

/*
 * Wrapper mode: qmachined started this QEMU; when its monitor closes,
 * QEMU is ending, so there is nothing to reconnect to or to report.
 */
void forward_own_qemu(void);

/* QEMU's greeting, with OOB offered as s's transport offers it (new). */
json_t *forward_greeting(const QmpSession *s);

/*
 * Takes one request of a negotiated session (req borrowed, err
 * consumed): a valid request goes to QEMU, anything else is answered
 * here, in turn.
 */
void forward_request(QmpSession *s, json_t *req, Error *err);

/* The session has FORWARD_MAX_PENDING commands in flight. */
bool forward_session_busy(const QmpSession *s);
/* The session is going away: its replies still to come are dropped. */
void forward_session_end(QmpSession *s);

void forward_cleanup(void);

/*
 * Runs req ({"execute", "arguments"}) on QEMU and waits for the reply,
 * QEMU's other messages being handled meanwhile (10 s at most); a command
 * that changes the machine is then done on the model too.  Returns the
 * reply without id (new reference).  For front ends that answer at once
 * (REST); the loop serves nothing else while QEMU works on it.
 */
json_t *forward_execute_sync(json_t *req);

/*
 * __org.qmachined_query-forward-drift: asks QEMU and the model the same
 * queries (query-status, query-pci, query-memory-devices,
 * query-memory-size-summary, query-balloon) and lists where they differ,
 * with how many model updates failed.  Must be empty when forwarding works.
 */
extern const QapiType forward_drift_type;
QmpCommandFunc qmp_cmd_query_forward_drift;

#endif
