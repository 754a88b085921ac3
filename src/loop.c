#include "config.h"

#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct LoopWatch {
    int fd;
    unsigned events;
    LoopFdFunc *fn;
    void *opaque;
    bool dead;
    LoopWatch *next_dead;
};

struct LoopTimer {
    int64_t deadline;
    LoopTimerFunc *fn;
    void *opaque;
    LoopTimer *next;
};

/*
 * After a burst of activity, once no descriptor has been ready for this
 * long (timers may fire meanwhile), the loop hands the heap's free pages
 * back to the system (malloc_trim): memory freed by clients that left
 * (their buffers, connections) otherwise stays in the process's RSS, as
 * glibc keeps free chunks below the top of the heap.
 */
#define IDLE_TRIM_MS 1000

static int epfd = -1;
static bool quit_requested;
static bool active_since_trim;
static int64_t last_active; /* last round with a ready descriptor */
static LoopWatch *dead_watches;
static LoopTimer *timers; /* sorted by deadline, earliest first */
static int64_t poll_ns; /* loop_set_poll_ns() */
static struct {
    LoopHookFunc *fn;
    void *opaque;
} round_hooks[LOOP_MAX_ROUND_HOOKS];
static unsigned n_round_hooks;

bool loop_init(void)
{
    if (epfd >= 0) {
        return true;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    return epfd >= 0;
}

static void free_dead(void)
{
    while (dead_watches) {
        LoopWatch *w = dead_watches;

        dead_watches = w->next_dead;
        free(w);
    }
}

void loop_fini(void)
{
    while (timers) {
        LoopTimer *t = timers;

        timers = t->next;
        free(t);
    }
    free_dead();
    if (epfd >= 0) {
        close(epfd);
        epfd = -1;
    }
}

static uint32_t epoll_mask(unsigned events)
{
    return (events & LOOP_READ ? EPOLLIN : 0) |
           (events & LOOP_WRITE ? EPOLLOUT : 0);
}

LoopWatch *loop_watch_fd(int fd, unsigned events, LoopFdFunc *fn, void *opaque)
{
    LoopWatch *w = xzalloc(sizeof(*w));
    struct epoll_event ev = { .events = epoll_mask(events), .data.ptr = w };

    w->fd = fd;
    w->events = events;
    w->fn = fn;
    w->opaque = opaque;
    if (!loop_init() || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        free(w);
        return NULL;
    }
    return w;
}

void loop_watch_set_events(LoopWatch *w, unsigned events)
{
    struct epoll_event ev = { .events = epoll_mask(events), .data.ptr = w };

    if (w->dead || w->events == events) {
        return;
    }
    w->events = events;
    epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

void loop_watch_remove(LoopWatch *w)
{
    if (!w || w->dead) {
        return;
    }
    epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
    w->dead = true;
    w->next_dead = dead_watches;
    dead_watches = w;
}

int64_t loop_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t loop_realtime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

LoopTimer *loop_timer_add(int64_t delay_ns, LoopTimerFunc *fn, void *opaque)
{
    LoopTimer *t = xzalloc(sizeof(*t));
    LoopTimer **p = &timers;

    t->deadline = loop_now_ns() + (delay_ns > 0 ? delay_ns : 0);
    t->fn = fn;
    t->opaque = opaque;
    while (*p && (*p)->deadline <= t->deadline) {
        p = &(*p)->next;
    }
    t->next = *p;
    *p = t;
    return t;
}

void loop_timer_cancel(LoopTimer *t)
{
    LoopTimer **p;

    for (p = &timers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            free(t);
            return;
        }
    }
}

static void run_timers(void)
{
    int64_t now = loop_now_ns();

    while (timers && timers->deadline <= now) {
        LoopTimer *t = timers;

        timers = t->next;
        t->fn(t->opaque);
        free(t);
    }
}

bool loop_add_round_hook(LoopHookFunc *fn, void *opaque)
{
    if (n_round_hooks == LOOP_MAX_ROUND_HOOKS) {
        return false;
    }
    round_hooks[n_round_hooks].fn = fn;
    round_hooks[n_round_hooks].opaque = opaque;
    n_round_hooks++;
    return true;
}

void loop_iterate(int timeout_ms)
{
    struct epoll_event evs[64];
    int n, i;

    if (timers) {
        int64_t wait = timers->deadline - loop_now_ns();
        int ms = wait <= 0 ? 0 : (int)((wait + 999999) / 1000000);

        if (timeout_ms < 0 || ms < timeout_ms) {
            timeout_ms = ms;
        }
    }
    if (active_since_trim) {
        int64_t left =
            last_active + (int64_t)IDLE_TRIM_MS * 1000000 - loop_now_ns();
        int ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);

        if (timeout_ms < 0 || ms < timeout_ms) {
            timeout_ms = ms; /* "at most": returning early is ok */
        }
    }
    n = 0;
    if (poll_ns && timeout_ms != 0 && last_active) {
        /* Busy for a while after the last input: look without sleeping
         * (up to the next timer), so the next message costs no wake-up. */
        int64_t end = last_active + poll_ns;

        if (timers && timers->deadline < end) {
            end = timers->deadline;
        }
        if (timeout_ms > 0 && loop_now_ns() + timeout_ms * 1000000LL < end) {
            end = loop_now_ns() + timeout_ms * 1000000LL;
        }
        while (n == 0 && loop_now_ns() < end) {
            n = epoll_wait(epfd, evs, ARRAY_SIZE(evs), 0);
        }
    }
    if (n == 0) {
        n = epoll_wait(epfd, evs, ARRAY_SIZE(evs), timeout_ms);
    }
    if (n > 0) {
        active_since_trim = true;
        last_active = loop_now_ns();
    } else if (n == 0 && active_since_trim &&
               loop_now_ns() - last_active >= (int64_t)IDLE_TRIM_MS * 1000000) {
        active_since_trim = false;
#ifdef HAVE_MALLOC_TRIM
        malloc_trim(0);
#endif
    }
    for (i = 0; i < n; i++) {
        LoopWatch *w = evs[i].data.ptr;
        unsigned ready = 0;

        if (w->dead) {
            continue;
        }
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            ready |= LOOP_READ;
        }
        if (evs[i].events & EPOLLOUT) {
            ready |= LOOP_WRITE;
        }
        w->fn(w->opaque, w->fd, ready & (w->events | LOOP_READ));
    }
    run_timers();
    for (i = 0; i < (int)n_round_hooks; i++) {
        round_hooks[i].fn(round_hooks[i].opaque);
    }
    free_dead();
}

void loop_set_poll_ns(int64_t ns)
{
    poll_ns = ns > 0 ? ns : 0;
}

void loop_run(void)
{
    quit_requested = false;
#ifdef HAVE_MALLOC_TRIM
    /* Start-up is a burst too: what it freed (the renderer's scratch
     * buffers, option parsing) goes back before the first wait. */
    malloc_trim(0);
#endif
    while (!quit_requested) {
        loop_iterate(-1);
    }
}

void loop_quit(void)
{
    quit_requested = true;
}
