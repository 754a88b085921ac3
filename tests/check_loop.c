/* Unit tests: the event loop (descriptors, timers, removal in handlers). */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-main.h"
#include "src/loop.h"

static int fired[4];
static LoopWatch *self_watch;

static void on_timer(void *opaque)
{
    int *order = opaque;

    fired[0]++;
    fired[fired[0]] = *order;
}

START_TEST(test_timer_order)
{
    int a = 1, b = 2, c = 3;
    LoopTimer *tc;

    ck_assert(loop_init());
    fired[0] = 0;
    loop_timer_add(2000000, on_timer, &b);
    loop_timer_add(1000000, on_timer, &a);
    tc = loop_timer_add(3000000, on_timer, &c);
    loop_timer_cancel(tc);
    while (fired[0] < 2) {
        loop_iterate(50);
    }
    ck_assert_int_eq(fired[1], 1);
    ck_assert_int_eq(fired[2], 2);
    loop_iterate(10);
    ck_assert_int_eq(fired[0], 2);
    loop_fini();
}
END_TEST

static void on_read_remove_self(void *opaque, int fd, unsigned ev)
{
    char buf[8];
    int *count = opaque;

    (*count)++;
    if (read(fd, buf, sizeof(buf)) < 0) {
        return;
    }
    loop_watch_remove(self_watch);
}

START_TEST(test_remove_in_handler)
{
    int p[2], count = 0;

    ck_assert(loop_init());
    ck_assert_int_eq(pipe(p), 0);
    self_watch = loop_watch_fd(p[0], LOOP_READ, on_read_remove_self, &count);
    ck_assert_ptr_nonnull(self_watch);
    ck_assert_int_eq(write(p[1], "x", 1), 1);
    loop_iterate(100);
    ck_assert_int_eq(count, 1);
    ck_assert_int_eq(write(p[1], "y", 1), 1);
    loop_iterate(20);
    ck_assert_int_eq(count, 1);
    close(p[0]);
    close(p[1]);
    loop_fini();
}
END_TEST

static long rss_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2) {
            resident = 0;
        }
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void on_tick(void *opaque)
{
    int *ticks = opaque;

    (*ticks)++;
    loop_timer_add(100000000, on_tick, ticks);
}

static void on_read_count(void *opaque, int fd, unsigned ev)
{
    char buf[8];
    int *count = opaque;

    if (read(fd, buf, sizeof(buf)) > 0) {
        (*count)++;
    }
}

/*
 * Adaptive polling: input that comes within the window after the last is
 * handled without sleeping; the window neither outlasts the timeout
 * asked for nor delays a timer; without input the loop sleeps again.
 */
/* A round's hook runs after the round's descriptors and timers. */
static int round_log[8], n_round_log;

static void log_event(int what)
{
    if (n_round_log < 8) {
        round_log[n_round_log++] = what;
    }
}

static void on_round_read(void *opaque, int fd, unsigned ev)
{
    char buf[8];

    (void)opaque;
    (void)ev;
    if (read(fd, buf, sizeof(buf)) > 0) {
        log_event(1);
    }
}

static void on_round_timer(void *opaque)
{
    (void)opaque;
    log_event(2);
}

static void on_round_end(void *opaque)
{
    (void)opaque;
    log_event(3);
}

START_TEST(test_round_hook)
{
    static bool added;
    LoopWatch *w;
    int p[2];

    ck_assert(loop_init());
    ck_assert_int_eq(pipe(p), 0);
    if (!added) {
        ck_assert(loop_add_round_hook(on_round_end, NULL));
        added = true;
    }
    w = loop_watch_fd(p[0], LOOP_READ, on_round_read, NULL);
    ck_assert_int_eq(write(p[1], "x", 1), 1);
    loop_timer_add(0, on_round_timer, NULL);
    n_round_log = 0;
    loop_iterate(100);
    ck_assert_int_eq(n_round_log, 3);
    ck_assert_int_eq(round_log[0], 1);
    ck_assert_int_eq(round_log[1], 2);
    ck_assert_int_eq(round_log[2], 3);
    /* An empty round (timeout) runs the hook too. */
    loop_iterate(0);
    ck_assert_int_eq(n_round_log, 4);
    ck_assert_int_eq(round_log[3], 3);
    loop_watch_remove(w);
    close(p[0]);
    close(p[1]);
    loop_fini();
}
END_TEST

START_TEST(test_poll)
{
    int p[2], count = 0, ticks = 0;
    int64_t t0;
    LoopWatch *w;

    ck_assert(loop_init());
    ck_assert_int_eq(pipe(p), 0);
    w = loop_watch_fd(p[0], LOOP_READ, on_read_count, &count);
    ck_assert_ptr_nonnull(w);
    loop_set_poll_ns(2000000000LL); /* 2 s */
    ck_assert_int_eq(write(p[1], "x", 1), 1);
    loop_iterate(100);
    ck_assert_int_eq(count, 1);
    /* Within the window: a 20 ms timeout still ends after about 20 ms. */
    t0 = loop_now_ns();
    loop_iterate(20);
    ck_assert_int_eq(count, 1);
    ck_assert_int_lt(loop_now_ns() - t0, 500000000LL);
    ck_assert_int_ge(loop_now_ns() - t0, 19000000LL);
    /* A timer due in 30 ms fires on time although the window is open. */
    loop_timer_add(30000000, on_tick, &ticks);
    t0 = loop_now_ns();
    loop_iterate(-1);
    ck_assert_int_eq(ticks, 1);
    ck_assert_int_lt(loop_now_ns() - t0, 500000000LL);
    /* Input during the window is handled. */
    ck_assert_int_eq(write(p[1], "y", 1), 1);
    loop_iterate(-1);
    ck_assert_int_eq(count, 2);
    loop_set_poll_ns(0);
    loop_watch_remove(w);
    close(p[0]);
    close(p[1]);
    loop_fini();
}
END_TEST

/*
 * Memory freed during a burst (clients' buffers) goes back to the system
 * once the loop has been idle for a while: the RSS drops although the
 * freed blocks lie below a block still in use (free() alone cannot
 * shrink the heap then).  A timer firing every 100 ms meanwhile (as the
 * REST heartbeat can) does not count as activity.
 */
START_TEST(test_idle_trim)
{
#if defined(HAVE_MALLOC_TRIM) && !defined(__SANITIZE_ADDRESS__)
    enum { N = 8192, SZ = 4000 }; /* 32 MB below the mmap threshold */
    static char *blocks[N];
    char *keep;
    long before, after;
    int p[2], count = 0, ticks = 0, i;
    int64_t end;

    ck_assert(loop_init());
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_ptr_nonnull(
        loop_watch_fd(p[0], LOOP_READ, on_read_count, &count));
    for (i = 0; i < N; i++) {
        blocks[i] = malloc(SZ);
        ck_assert_ptr_nonnull(blocks[i]);
        memset(blocks[i], i, SZ);
    }
    keep = blocks[N - 1]; /* pins the top of the heap */
    for (i = 0; i < N - 1; i++) {
        free(blocks[i]);
    }
    before = rss_kib();
    ck_assert_int_eq(write(p[1], "x", 1), 1);
    loop_iterate(100); /* activity */
    ck_assert_int_eq(count, 1);
    loop_timer_add(100000000, on_tick, &ticks);
    end = loop_now_ns() + 2500000000LL; /* then idle, but for the timer */
    while (loop_now_ns() < end) {
        loop_iterate(500);
    }
    after = rss_kib();
    ck_assert_int_ge(ticks, 15);
    ck_assert_msg(before - after > 16 * 1024,
                  "RSS %ld KiB before the idle period, %ld KiB after", before,
                  after);
    free(keep);
    close(p[0]);
    close(p[1]);
    loop_fini();
#endif
}
END_TEST

static Suite *loop_suite(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_timer_order);
    tcase_add_test(tc, test_remove_in_handler);
    tcase_add_test(tc, test_idle_trim);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_round_hook);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { loop_suite };
