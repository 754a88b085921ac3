/*
 * The daemon's one event loop: every socket and timer lives here, so the
 * machine model needs no locks.  Level-triggered epoll for descriptors, a
 * sorted list for timers, deferred frees so a handler may remove any watch
 * (including its own) while the loop is dispatching.
 */
#ifndef QMACHINED_LOOP_H
#define QMACHINED_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_READ 1u
#define LOOP_WRITE 2u

typedef struct LoopWatch LoopWatch;
typedef struct LoopTimer LoopTimer;

/* events: LOOP_READ/LOOP_WRITE that are ready (hang-ups count as READ). */
typedef void LoopFdFunc(void *opaque, int fd, unsigned events);
typedef void LoopTimerFunc(void *opaque);

bool loop_init(void);
void loop_fini(void);

LoopWatch *loop_watch_fd(int fd, unsigned events, LoopFdFunc *fn, void *opaque);
void loop_watch_set_events(LoopWatch *w, unsigned events);
/* Stops watching; the descriptor itself is not closed. NULL ok. */
void loop_watch_remove(LoopWatch *w);

/* One-shot timer firing delay_ns from now (monotonic clock). */
LoopTimer *loop_timer_add(int64_t delay_ns, LoopTimerFunc *fn, void *opaque);
void loop_timer_cancel(LoopTimer *t); /* NULL ok; not after it fired */

/*
 * fn(opaque) runs at the end of every round, after its descriptors and
 * timers and before the loop waits again: a front end that collects its
 * output during a round writes it there, in one go (hooks run in the
 * order they were added; at most LOOP_MAX_ROUND_HOOKS).
 */
#define LOOP_MAX_ROUND_HOOKS 8
typedef void LoopHookFunc(void *opaque);
bool loop_add_round_hook(LoopHookFunc *fn, void *opaque);

/* Runs until loop_quit(); returns after the current dispatch round. */
void loop_run(void);
void loop_quit(void);
/* Runs one round, waiting at most timeout_ms (-1: until something happens). */
void loop_iterate(int timeout_ms);
/*
 * Adaptive polling: for ns after the last round that had input, the loop
 * looks for more without sleeping (0: never, the default).  A process
 * relaying messages (forwarding) saves a wake-up per message that way,
 * for some CPU time while it waits.
 */
void loop_set_poll_ns(int64_t ns);

int64_t loop_now_ns(void); /* CLOCK_MONOTONIC */
int64_t loop_realtime_ns(void); /* CLOCK_REALTIME */

#endif
