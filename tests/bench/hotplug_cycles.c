/*
 * Benchmark: full DIMM hotplug cycles per second over one QMP unix
 * socket, with a client that costs next to nothing (plain read/write, no
 * JSON parser: it finds the reply or event it waits for by scanning
 * each line for it).  A full cycle, as tests/bench/hotplug_bench's
 * full_cycles() does it, each step waiting for the one before:
 *
 *   object-add memory-backend-ram (128 MiB)     -> its return
 *   device_add pc-dimm                          -> its return, then the
 *                                                  insert's ACPI_DEVICE_OST
 *   device_del                                  -> its return, then
 *                                                  DEVICE_DELETED
 *   object-del                                  -> its return
 *
 * on qmachined running with the simulated guest (--guest linux), which
 * acknowledges through the ACPI memory hotplug registers.  The same
 * client then measures, for comparison, what QEMU 7.2 can do without a
 * guest OS (-S): object-add + device_add pairs into free slots, and the
 * device_del requests (their replies: the removals stay pending); and
 * the same pairs on qmachined -S.  The floors: query-status round trips
 * on the same qmachined, and a socketpair ping-pong with an echo
 * process; a cycle waits for four round trips.
 *
 *   hotplug_cycles [--qmachined PATH] [--qemu PATH] [--cycles N]
 *                  [--rounds R] [--no-qemu] [--no-pin] [--wrap 'CMD ARGS']
 *                  [--cycles-only]
 *
 * --wrap runs the cycling daemon under a tool (words split at spaces):
 * --wrap 'strace -c -f -o FILE', --wrap 'valgrind --tool=callgrind'.
 * --cycles-only measures the cycles alone (no round trips, floor, pairs).
 *
 * Every figure of the cycles is taken twice: with the client and the
 * daemon placed as the scheduler likes, then both pinned to the CPU the
 * client runs on (--no-pin: the first only).  On two cores with nothing
 * else running they sit on different CPUs, and each message wakes a
 * sleeping CPU (tens of microseconds in a VM: see the ping-pong floor);
 * on one CPU a message costs a context switch.
 *
 * Figures go to make bench's table through QM_BENCH_RESULTS
 * (tests/bench/benchresult.py's format), as tests/bench/qmp_rtt.c does.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/benchlib.h"

#define SIZE_128M "134217728"
#define MAX_ROUNDS 32

/* --wrap: a command (words split at spaces) the cycling daemon runs under. */
static const char *wrap;
/* --cycles-only: no round trips, floor or pairs (for profiling). */
static bool cycles_only;

typedef struct Conn {
    int fd;
    char buf[1 << 16];
    size_t len; /* bytes in buf */
    size_t pos; /* start of the first line not looked at */
} Conn;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The next complete line (NUL-terminated in place, "\r\n" cut), or NULL. */
static char *next_line(Conn *c)
{
    for (;;) {
        char *start = c->buf + c->pos;
        char *nl = memchr(start, '\n', c->len - c->pos);
        ssize_t r;

        if (nl) {
            *nl = '\0';
            if (nl > start && nl[-1] == '\r') {
                nl[-1] = '\0';
            }
            c->pos = (size_t)(nl + 1 - c->buf);
            return start;
        }
        if (c->pos) {
            memmove(c->buf, start, c->len - c->pos);
            c->len -= c->pos;
            c->pos = 0;
        }
        if (c->len == sizeof(c->buf)) {
            fprintf(stderr, "hotplug_cycles: line too long\n");
            return NULL;
        }
        r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
        if (r <= 0) {
            fprintf(stderr, "hotplug_cycles: connection lost\n");
            return NULL;
        }
        c->len += (size_t)r;
    }
}

static bool send_str(Conn *c, const char *s, size_t len)
{
    while (len) {
        ssize_t w = write(c->fd, s, len);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        s += w;
        len -= (size_t)w;
    }
    return true;
}

/* Waits for the reply to the command sent last (events are skipped). */
static bool wait_return(Conn *c)
{
    char *line;

    while ((line = next_line(c))) {
        if (!strncmp(line, "{\"return\"", 9)) {
            return true;
        }
        if (!strncmp(line, "{\"error\"", 8)) {
            fprintf(stderr, "hotplug_cycles: %s\n", line);
            return false;
        }
    }
    return false;
}

/* Waits for an event line holding both needles. */
static bool wait_event(Conn *c, const char *event, const char *device)
{
    char *line;

    while ((line = next_line(c))) {
        if (!strncmp(line, "{\"error\"", 8)) {
            fprintf(stderr, "hotplug_cycles: %s\n", line);
            return false;
        }
        if (strstr(line, event) && strstr(line, device)) {
            return true;
        }
    }
    return false;
}

static bool command(Conn *c, const char *msg, int len)
{
    return len > 0 && send_str(c, msg, (size_t)len) && wait_return(c);
}

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* CPU time (ns) the process pid has run, or -1. */
static double proc_cpu_ns(pid_t pid)
{
    char path[64];
    double ns = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
    f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%lf", &ns) != 1) {
            ns = -1;
        }
        fclose(f);
    }
    return ns;
}

/* Context switches of pid so far: voluntary + involuntary. */
static void proc_switches(pid_t pid, double *vol, double *invol)
{
    char path[64], line[256];
    FILE *f;

    *vol = *invol = 0;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "voluntary_ctxt_switches: %lf", vol);
        sscanf(line, "nonvoluntary_ctxt_switches: %lf", invol);
    }
    fclose(f);
}

typedef struct CycleStats {
    double rate, best; /* cycles/s: median and best round */
    double rtt_us; /* query-status round trip, median round */
    double daemon_cpu_us; /* per cycle, over all rounds */
    double client_cpu_us;
    double vol_switches, invol_switches; /* the daemon's, per cycle */
} CycleStats;

static double self_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

typedef struct Server {
    pid_t pid;
    Conn *conn;
} Server;

/*
 * Starts prog as the pc machine hotplug_bench uses (-S when paused) with
 * -m mem and extra (NULL or one more argument), negotiates.
 */
static bool server_start(Server *s, const char *prog, const char *dir,
                         bool paused, const char *mem, bool guest)
{
    static unsigned seq;
    char sock[100], qmp[160];
    char *argv[40];
    int n = 0;
    static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";

    snprintf(sock, sizeof(sock), "%s/%u.sock", dir, seq++);
    snprintf(qmp, sizeof(qmp), "unix:%s,server=on,wait=off", sock);
    if (wrap && guest) {
        char *copy = strdup(wrap), *save = NULL, *w;

        for (w = strtok_r(copy, " ", &save); w && n < 12;
             w = strtok_r(NULL, " ", &save)) {
            argv[n++] = w;
        }
    }
    argv[n++] = (char *)prog;
    if (paused) {
        argv[n++] = "-S";
    }
    argv[n++] = "-machine";
    argv[n++] = "pc";
    argv[n++] = "-accel";
    argv[n++] = "tcg";
    argv[n++] = "-nodefaults";
    argv[n++] = "-display";
    argv[n++] = "none";
    argv[n++] = "-object";
    argv[n++] = "memory-backend-ram,id=m0,size=1G";
    argv[n++] = "-numa";
    argv[n++] = "node,memdev=m0";
    argv[n++] = "-m";
    argv[n++] = (char *)mem;
    if (guest) {
        argv[n++] = "--guest";
        argv[n++] = "linux";
    }
    argv[n++] = "-qmp";
    argv[n++] = qmp;
    argv[n] = NULL;
    s->pid = spawn(argv);
    s->conn = calloc(1, sizeof(*s->conn));
    if (s->pid < 0 || !s->conn) {
        return false;
    }
    s->conn->fd = bench_connect_unix(sock, 600);
    unlink(sock);
    if (s->conn->fd < 0 || !next_line(s->conn) ||
        !command(s->conn, caps, sizeof(caps) - 1)) {
        fprintf(stderr, "hotplug_cycles: cannot talk to %s\n", prog);
        return false;
    }
    return true;
}

static void server_stop(Server *s)
{
    static const char quit[] = "{\"execute\":\"quit\"}\n";
    int i, status;

    if (s->conn && s->conn->fd >= 0) {
        if (send_str(s->conn, quit, sizeof(quit) - 1)) {
            for (i = 0; i < 200; i++) {
                if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
                    s->pid = -1;
                    break;
                }
                usleep(10000);
            }
        }
        close(s->conn->fd);
    }
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    free(s->conn);
    s->conn = NULL;
}

/* One full cycle with ids bm<i> / bd<i>. */
static bool full_cycle(Conn *c, unsigned i)
{
    char msg[256], dev[64];
    int len;

    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":"
                   "\"memory-backend-ram\",\"id\":\"bm%u\",\"size\":" SIZE_128M
                   "}}\n",
                   i);
    if (!command(c, msg, len)) {
        return false;
    }
    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
                   "\"pc-dimm\",\"id\":\"bd%u\",\"memdev\":\"bm%u\"}}\n",
                   i, i);
    snprintf(dev, sizeof(dev), "\"device\": \"bd%u\"", i);
    if (!command(c, msg, len) ||
        !wait_event(c, "\"event\": \"ACPI_DEVICE_OST\"", dev)) {
        return false;
    }
    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"device_del\",\"arguments\":{\"id\":"
                   "\"bd%u\"}}\n",
                   i);
    if (!command(c, msg, len) ||
        !wait_event(c, "\"event\": \"DEVICE_DELETED\"", dev)) {
        return false;
    }
    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"object-del\",\"arguments\":{\"id\":"
                   "\"bm%u\"}}\n",
                   i);
    return command(c, msg, len);
}

/* object-add + device_add into a free slot (no guest: no event). */
static bool add_pair(Conn *c, unsigned i)
{
    char msg[256];
    int len;

    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":"
                   "\"memory-backend-ram\",\"id\":\"bm%u\",\"size\":" SIZE_128M
                   "}}\n",
                   i);
    if (!command(c, msg, len)) {
        return false;
    }
    len = snprintf(msg, sizeof(msg),
                   "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
                   "\"pc-dimm\",\"id\":\"bd%u\",\"memdev\":\"bm%u\"}}\n",
                   i, i);
    return command(c, msg, len);
}

static bool del_request(Conn *c, unsigned i)
{
    char msg[256];
    int len = snprintf(msg, sizeof(msg),
                       "{\"execute\":\"device_del\",\"arguments\":{\"id\":"
                       "\"bd%u\"}}\n",
                       i);

    return command(c, msg, len);
}

static double median(double *v, int n)
{
    int i, j;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (v[j] < v[i]) {
                double t = v[i];

                v[i] = v[j];
                v[j] = t;
            }
        }
    }
    return v[n / 2];
}

/* Full cycles on qmachined --guest linux: rounds of cycles each. */
static bool bench_cycles(const char *prog, const char *dir, unsigned cycles,
                         int rounds, CycleStats *st)
{
    static const char qs[] = "{\"execute\":\"query-status\"}\n";
    double rates[MAX_ROUNDS], rtts[MAX_ROUNDS], t0;
    double cpu = 0, self = 0, vol = 0, invol = 0, c0, s0, v0, i0, v1, i1;
    unsigned id = 0, i;
    Server s = { 0 };
    int r;

    if (!server_start(&s, prog, dir, false, "1G,slots=4,maxmem=8G", true)) {
        server_stop(&s);
        return false;
    }
    for (i = 0; i < cycles / 10 + 20; i++) { /* warm-up */
        if (!full_cycle(s.conn, id++)) {
            server_stop(&s);
            return false;
        }
    }
    for (r = 0; r < rounds; r++) {
        c0 = proc_cpu_ns(s.pid);
        s0 = self_cpu_ns();
        proc_switches(s.pid, &v0, &i0);
        t0 = now_s();
        for (i = 0; i < cycles; i++) {
            if (!full_cycle(s.conn, id++)) {
                server_stop(&s);
                return false;
            }
        }
        rates[r] = cycles / (now_s() - t0);
        cpu += proc_cpu_ns(s.pid) - c0;
        self += self_cpu_ns() - s0;
        proc_switches(s.pid, &v1, &i1);
        vol += v1 - v0;
        invol += i1 - i0;
        if (cycles_only) {
            rtts[r] = 0;
            continue;
        }
        /* The same daemon's query-status round trip, as many messages. */
        t0 = now_s();
        for (i = 0; i < cycles * 4; i++) {
            if (!command(s.conn, qs, sizeof(qs) - 1)) {
                server_stop(&s);
                return false;
            }
        }
        rtts[r] = (now_s() - t0) * 1e6 / (cycles * 4);
    }
    server_stop(&s);
    st->daemon_cpu_us = cpu / 1e3 / ((double)cycles * rounds);
    st->client_cpu_us = self / 1e3 / ((double)cycles * rounds);
    st->vol_switches = vol / ((double)cycles * rounds);
    st->invol_switches = invol / ((double)cycles * rounds);
    st->rtt_us = median(rtts, rounds);
    st->best = rates[0];
    for (r = 1; r < rounds; r++) {
        if (rates[r] > st->best) {
            st->best = rates[r];
        }
    }
    st->rate = median(rates, rounds);
    return true;
}

/* Pairs/s into slots free slots (-S), then device_del requests/s. */
static bool bench_pairs(const char *prog, const char *dir, unsigned slots,
                        double *pairs, double *dels)
{
    char mem[64];
    Server s = { 0 };
    double t0;
    unsigned i;

    snprintf(mem, sizeof(mem), "1G,slots=%u,maxmem=%uM", slots,
             1024 + slots * 128);
    if (!server_start(&s, prog, dir, true, mem, false)) {
        server_stop(&s);
        return false;
    }
    t0 = now_s();
    for (i = 0; i < slots; i++) {
        if (!add_pair(s.conn, i)) {
            server_stop(&s);
            return false;
        }
    }
    *pairs = slots / (now_s() - t0);
    t0 = now_s();
    for (i = 0; i < slots; i++) {
        if (!del_request(s.conn, i)) {
            server_stop(&s);
            return false;
        }
    }
    *dels = slots / (now_s() - t0);
    server_stop(&s);
    return true;
}

/* The floor: socketpair ping-pong with an echo process, in us. */
static double bench_floor(unsigned iterations)
{
    static const char req[] = "{\"execute\":\"object-del\",\"arguments\":"
                              "{\"id\":\"bm1234\"}}\n";
    static const char rep[] = "{\"return\": {}}\r\n";
    int sv[2];
    unsigned i;
    double t0, t;
    pid_t pid;
    Conn *c;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        char buf[4096];

        close(sv[0]);
        while (read(sv[1], buf, sizeof(buf)) > 0) {
            if (write(sv[1], rep, sizeof(rep) - 1) < 0) {
                break;
            }
        }
        _exit(0);
    }
    close(sv[1]);
    c = calloc(1, sizeof(*c));
    c->fd = sv[0];
    t0 = now_s();
    for (i = 0; i < iterations; i++) {
        if (!command(c, req, sizeof(req) - 1)) {
            break;
        }
    }
    t = (now_s() - t0) * 1e6 / iterations;
    close(sv[0]);
    free(c);
    waitpid(pid, NULL, 0);
    return t;
}

/* Both placements: as the scheduler likes (0), on this one CPU (1). */
static const char *const placement[2] = { "",
                                          ", client and daemon on one CPU" };

/* Pins this process (and what it starts from now on) to one CPU, or back. */
static bool pin(bool one_cpu, const cpu_set_t *all)
{
    cpu_set_t set;
    int cpu = sched_getcpu();

    if (!one_cpu) {
        return sched_setaffinity(0, sizeof(*all), all) == 0;
    }
    CPU_ZERO(&set);
    CPU_SET(cpu < 0 ? 0 : cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void print_cycles(const CycleStats *st, double floor_us, unsigned cycles,
                         int rounds, int where)
{
    printf("full DIMM cycles, qmachined --guest linux%s, %u cycles per "
           "round, median of %d rounds:\n",
           placement[where], cycles, rounds);
    printf("  %.0f cycles/s (%.1f us/cycle), best round %.0f cycles/s\n",
           st->rate, 1e6 / st->rate, st->best);
    printf("  per cycle: daemon CPU %.1f us, client CPU %.1f us, daemon "
           "context switches %.2f voluntary + %.2f involuntary\n",
           st->daemon_cpu_us, st->client_cpu_us, st->vol_switches,
           st->invol_switches);
    if (floor_us < 0) {
        return;
    }
    printf("  query-status round trip on the same daemon: %.2f us "
           "(4 per cycle: %.1f us, at most %.0f cycles/s)\n",
           st->rtt_us, 4 * st->rtt_us, 1e6 / (4 * st->rtt_us));
    printf("  unix socket ping-pong floor: %.2f us (4 per cycle: at most "
           "%.0f cycles/s)\n",
           floor_us, 1e6 / (4 * floor_us));
}

static void record_cycles(const CycleStats *st, double floor_us, int where)
{
    char metric[160];

    snprintf(metric, sizeof(metric), "full DIMM cycles/s (simulated guest)%s",
             placement[where]);
    bench_record("hotplug_cycles", metric, "qmachined", st->rate, "1/s");
    snprintf(metric, sizeof(metric), "full DIMM cycle: daemon CPU time%s",
             placement[where]);
    bench_record("hotplug_cycles", metric, "qmachined", st->daemon_cpu_us,
                 "us");
    snprintf(metric, sizeof(metric),
             "query-status round trip on the cycling daemon%s",
             placement[where]);
    bench_record("hotplug_cycles", metric, "qmachined", st->rtt_us, "us");
    bench_record("hotplug_cycles", metric, "unix socket ping-pong floor",
                 floor_us, "us");
}

int main(int argc, char **argv)
{
    const char *qmachined = "src/qmachined", *qemu = "qemu-system-x86_64";
    unsigned cycles = 10000, slots = 200;
    int rounds = 5, i, where, places = 2;
    bool with_qemu = true;
    char dir[] = "/tmp/hotplug_cycles.XXXXXX";
    double floor_us[2] = { -1, -1 }, pairs_qm = 0, dels_qm = 0;
    double pairs_qemu = 0, dels_qemu = 0;
    CycleStats st[2];
    cpu_set_t all;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--qmachined") && i + 1 < argc) {
            qmachined = argv[++i];
        } else if (!strcmp(argv[i], "--qemu") && i + 1 < argc) {
            qemu = argv[++i];
        } else if (!strcmp(argv[i], "--cycles") && i + 1 < argc) {
            cycles = (unsigned)atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--wrap") && i + 1 < argc) {
            wrap = argv[++i];
        } else if (!strcmp(argv[i], "--cycles-only")) {
            cycles_only = true;
        } else if (!strcmp(argv[i], "--no-pin")) {
            places = 1;
        } else if (!strcmp(argv[i], "--no-qemu")) {
            with_qemu = false;
        } else {
            fprintf(stderr,
                    "usage: %s [--qmachined PATH] [--qemu PATH] "
                    "[--cycles N] [--rounds R] [--no-qemu] [--no-pin] "
                    "[--wrap 'CMD ARGS'] [--cycles-only]\n",
                    argv[0]);
            return 2;
        }
    }
    if (cycles < 1 || cycles > 100000000 || rounds < 1 || rounds > MAX_ROUNDS ||
        sched_getaffinity(0, sizeof(all), &all) < 0 || !mkdtemp(dir)) {
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    for (where = 0; where < places; where++) {
        if (!pin(where == 1, &all) ||
            !bench_cycles(qmachined, dir, cycles, rounds, &st[where])) {
            rmdir(dir);
            return 1;
        }
        if (!cycles_only) {
            floor_us[where] = bench_floor(cycles * 4);
        }
        print_cycles(&st[where], floor_us[where], cycles, rounds, where);
    }
    pin(false, &all);
    if (cycles_only) {
        rmdir(dir);
        return 0;
    }
    if (!bench_pairs(qmachined, dir, slots, &pairs_qm, &dels_qm) ||
        (with_qemu &&
         !bench_pairs(qemu, dir, slots, &pairs_qemu, &dels_qemu))) {
        rmdir(dir);
        return 1;
    }
    rmdir(dir);
    for (where = 0; where < places; where++) {
        record_cycles(&st[where], floor_us[where], where);
    }
    bench_record("hotplug_cycles",
                 "DIMM object-add+device_add pairs/s (C client)", "qmachined",
                 pairs_qm, "1/s");
    if (with_qemu) {
        bench_record("hotplug_cycles",
                     "DIMM object-add+device_add pairs/s (C client)",
                     "QEMU 7.2", pairs_qemu, "1/s");
    }
    printf("object-add+device_add pairs into %u free slots (-S):\n", slots);
    printf("  qmachined: %.0f pairs/s, then device_del requests %.0f/s\n",
           pairs_qm, dels_qm);
    if (with_qemu) {
        printf("  QEMU 7.2:  %.0f pairs/s, then device_del requests %.0f/s "
               "(never complete without a guest)\n",
               pairs_qemu, dels_qemu);
    }
    return 0;
}
