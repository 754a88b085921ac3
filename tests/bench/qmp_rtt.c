#include <fcntl.h>
/*
 * Benchmark: round trip of {"execute":"query-status"} over a unix socket,
 * for qmachined and for QEMU 7.2 in the same run, with the bare unix-socket
 * ping-pong of the same message sizes as the floor.  Prints the mean round
 * trip of each (median of several rounds) and the ratio qmachined/QEMU.
 *
 *   qmp_rtt [--qmachined PATH] [--qemu PATH] [--iterations N] [--rounds R]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/benchlib.h"

static const char request[] = "{\"execute\":\"query-status\"}\n";

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Reads one line (up to "\n") into buf; returns its length or -1. */
static ssize_t read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;

    while (n < cap - 1) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);

        if (r <= 0) {
            return -1;
        }
        n += (size_t)r;
        if (buf[n - 1] == '\n') {
            buf[n] = '\0';
            return (ssize_t)n;
        }
    }
    return -1;
}

static pid_t spawn(const char *prog, const char *sock)
{
    char qmp[512];
    pid_t pid;

    snprintf(qmp, sizeof(qmp), "unix:%s,server=on,wait=off", sock);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", 1);

        dup2(null, 1);
        execlp(prog, prog, "-machine", "pc", "-accel", "tcg", "-S",
               "-nodefaults", "-display", "none", "-qmp", qmp, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static double measure(int fd, int iterations)
{
    char buf[4096];
    double t0;
    int i;

    t0 = now_us();
    for (i = 0; i < iterations; i++) {
        if (write(fd, request, sizeof(request) - 1) < 0 ||
            read_line(fd, buf, sizeof(buf)) < 0) {
            return -1;
        }
    }
    return (now_us() - t0) / iterations;
}

/* Median round trip (us) for the QMP server started from prog. */
static double bench_server(const char *prog, const char *dir, int iterations,
                           int rounds, size_t *reply_len)
{
    char sock[100], buf[4096];
    double results[32], tmp;
    pid_t pid;
    int fd, r, i, j;

    snprintf(sock, sizeof(sock), "%s/%d.sock", dir, (int)getpid());
    unlink(sock);
    pid = spawn(prog, sock);
    fd = bench_connect_unix(sock, 200);
    if (fd < 0 || read_line(fd, buf, sizeof(buf)) < 0) {
        fprintf(stderr, "qmp_rtt: cannot talk to %s\n", prog);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    if (write(fd, "{\"execute\":\"qmp_capabilities\"}\n", 31) < 0 ||
        read_line(fd, buf, sizeof(buf)) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    if (write(fd, request, sizeof(request) - 1) < 0 ||
        read_line(fd, buf, sizeof(buf)) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    *reply_len = strlen(buf);
    measure(fd, iterations / 10 + 1); /* warm-up */
    for (r = 0; r < rounds; r++) {
        results[r] = measure(fd, iterations);
    }
    close(fd);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    unlink(sock);
    for (i = 0; i < rounds; i++) {
        for (j = i + 1; j < rounds; j++) {
            if (results[j] < results[i]) {
                tmp = results[i];
                results[i] = results[j];
                results[j] = tmp;
            }
        }
    }
    return results[rounds / 2];
}

/* The floor: ping-pong with an echo process answering reply_len bytes. */
static double bench_floor(size_t reply_len, int iterations, int rounds)
{
    char buf[4096], reply[4096];
    double best = -1;
    int sv[2], r;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        return -1;
    }
    memset(reply, 'x', reply_len);
    reply[reply_len - 1] = '\n';
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        while (read_line(sv[1], buf, sizeof(buf)) > 0) {
            if (write(sv[1], reply, reply_len) < 0) {
                break;
            }
        }
        _exit(0);
    }
    close(sv[1]);
    for (r = 0; r < rounds; r++) {
        double v = measure(sv[0], iterations);

        if (best < 0 || v < best) {
            best = v;
        }
    }
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return best;
}

int main(int argc, char **argv)
{
    const char *qmachined = "src/qmachined", *qemu = "qemu-system-x86_64";
    int iterations = 20000, rounds = 5, i;
    char dir[] = "/tmp/qmp_rtt.XXXXXX";
    size_t len_qm = 0, len_qemu = 0;
    double t_qm, t_qemu, t_floor;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--qmachined") && i + 1 < argc) {
            qmachined = argv[++i];
        } else if (!strcmp(argv[i], "--qemu") && i + 1 < argc) {
            qemu = argv[++i];
        } else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
            iterations = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = atoi(argv[++i]);
        } else {
            fprintf(stderr,
                    "usage: %s [--qmachined PATH] [--qemu PATH] "
                    "[--iterations N] [--rounds R]\n",
                    argv[0]);
            return 2;
        }
    }
    if (iterations < 1 || rounds < 1 || rounds > 32 || !mkdtemp(dir)) {
        return 2;
    }
    t_qm = bench_server(qmachined, dir, iterations, rounds, &len_qm);
    t_qemu = bench_server(qemu, dir, iterations, rounds, &len_qemu);
    t_floor = bench_floor(len_qemu ? len_qemu : 80, iterations, rounds);
    rmdir(dir);
    if (t_qm < 0 || t_qemu < 0) {
        return 1;
    }
    bench_record("qmp_rtt", "QMP round trip", "qmachined", t_qm, "us");
    bench_record("qmp_rtt", "QMP round trip", "QEMU 7.2", t_qemu, "us");
    bench_record("qmp_rtt", "QMP round trip", "unix socket ping-pong floor",
                 t_floor, "us");
    printf("query-status round trip over a unix socket, %d iterations, "
           "median of %d rounds\n",
           iterations, rounds);
    printf("  qmachined:            %8.2f us\n", t_qm);
    printf("  QEMU 7.2:             %8.2f us\n", t_qemu);
    printf("  unix ping-pong floor: %8.2f us\n", t_floor);
    printf("  ratio qmachined/QEMU: %8.3f\n", t_qm / t_qemu);
    printf("  QEMU/floor: %.2f  qmachined/floor: %.2f\n", t_qemu / t_floor,
           t_qm / t_floor);
    return 0;
}
