/*
 * Event loops as QEMU 7.2 offers them to users: the abstract
 * event-loop-base (aio-max-batch, thread-pool-min, thread-pool-max),
 * iothread (adds the adaptive polling parameters poll-max-ns, poll-grow,
 * poll-shrink) and main-loop (the one main loop, at most one instance).
 *
 * qmachined runs no thread per iothread: nothing a client can observe
 * depends on one, as no device here submits I/O.  An iothread's
 * thread-id is the daemon's own thread id (its pid), taken when the
 * object completes.
 */
#ifndef QMACHINED_IOTHREAD_H
#define QMACHINED_IOTHREAD_H

#include <stdint.h>

#define TYPE_EVENT_LOOP_BASE "event-loop-base"
#define TYPE_IOTHREAD "iothread"
#define TYPE_MAIN_LOOP "main-loop"

/* What query-iothreads and "info iothreads" show of one iothread. */
typedef struct IOThreadInfo {
    const char *id;
    int64_t thread_id;
    int64_t poll_max_ns, poll_grow, poll_shrink;
    int64_t aio_max_batch;
} IOThreadInfo;

/* Calls fn for every iothread under /objects, in QEMU's child order. */
void iothread_foreach(void (*fn)(const IOThreadInfo *info, void *opaque),
                      void *opaque);

void iothread_register_types(void);

#endif
