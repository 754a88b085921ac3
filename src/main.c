/*
 * qmachined: start-up.  Parses the QEMU-style command line, builds the
 * machine, opens the front ends (QMP monitors, qtest, REST) on the one
 * event loop, and runs until quit or a termination signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "loop.h"
#include "options.h"
#include "pc.h"
#include "qmp/commands.h"
#include "qmp/monitor.h"
#include "qmp/qmp.h"
#include "qdev.h"
#include "qtest.h"
#include "rest/rest.h"
#include "runstate.h"
#include "sockets.h"
#include "util.h"

/* The documented default machine (README "Default machine"). */
#define DEFAULT_QMP_HOST "127.0.0.1"
#define DEFAULT_QMP_PORT "4444"
#define DEFAULT_RAM_SIZE (1ull << 30)
#define DEFAULT_SLOTS 8
#define DEFAULT_MAXMEM (16ull << 30)

static int daemonize_pipe = -1;

static void on_signal(void *opaque, int fd, unsigned events)
{
    struct signalfd_siginfo si;

    if (read(fd, &si, sizeof(si)) == sizeof(si)) {
        vm_shutdown(SHUTDOWN_CAUSE_HOST_SIGNAL, false);
    }
}

static int setup_signals(void)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Forks; the parent waits until the child reports it is ready. */
static void daemonize_start(void)
{
    int fds[2];
    pid_t pid;
    char status = 1;

    if (pipe(fds) < 0) {
        perror("qmachined: pipe");
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        perror("qmachined: fork");
        exit(1);
    }
    if (pid > 0) {
        close(fds[1]);
        if (read(fds[0], &status, 1) != 1) {
            status = 1;
        }
        _exit(status);
    }
    close(fds[0]);
    daemonize_pipe = fds[1];
    setsid();
}

static void daemonize_finish(void)
{
    char ok = 0;
    int null;

    if (daemonize_pipe < 0) {
        return;
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    if (write(daemonize_pipe, &ok, 1) != 1) {
        /* The parent is gone; nothing to tell. */
    }
    close(daemonize_pipe);
    daemonize_pipe = -1;
}

static bool write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        fprintf(stderr, "qmachined: cannot create PID file: %s\n",
                strerror(errno));
        return false;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    return true;
}

int main(int argc, char **argv)
{
    MachineOptions opts;
    RunConfig rc = { 0 };
    ListenAddr dflt_qmp = { .kind = LISTEN_TCP,
                            .host = DEFAULT_QMP_HOST,
                            .port = DEFAULT_QMP_PORT };
    bool exit_now = false;
    Error *err = NULL;
    LoopWatch *sigw;
    PCMachine *machine;
    int sigfd;
    size_t i;

    memset(&opts, 0, sizeof(opts));
    if (!options_parse(&opts, argc, argv, &exit_now)) {
        options_free(&opts);
        return 1;
    }
    if (exit_now) {
        options_free(&opts);
        return 0;
    }
    if (opts.defaults_used) {
        /* The documented default machine: ready for memory hotplug. */
        opts.ram_size = DEFAULT_RAM_SIZE;
        opts.slots = DEFAULT_SLOTS;
        opts.maxmem = DEFAULT_MAXMEM;
    }
    for (i = 0; i < opts.n_monitors; i++) {
        if (!opts.monitors[i].server) {
            fprintf(stderr, "qmachined: -qmp: only server sockets are "
                            "supported (add server=on,wait=off)\n");
            options_free(&opts);
            return 1;
        }
    }
    if (opts.daemonize) {
        daemonize_start();
    }
    if (!loop_init()) {
        fprintf(stderr, "qmachined: cannot create event loop\n");
        return 1;
    }
    sigfd = setup_signals();
    sigw = loop_watch_fd(sigfd, LOOP_READ, on_signal, NULL);

    qmp_machine_set_identity(opts.name, opts.uuid, opts.smp_cpus);
    if (!qdev_machine_init("pc-i440fx-7.2-machine", &err)) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        error_free(err);
        return 1;
    }

    machine = pc_machine_create(&opts, &err);
    if (!machine) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        error_free(err);
        return 1;
    }

    for (i = 0; i < opts.n_monitors; i++) {
        if (!monitor_listen(&opts.monitors[i], &err)) {
            fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }
    if (opts.defaults_used && opts.n_monitors == 0) {
        if (!monitor_listen(&dflt_qmp, &err)) {
            fprintf(stderr, "qmachined: -qmp tcp:%s:%s: %s\n",
                    DEFAULT_QMP_HOST, DEFAULT_QMP_PORT,
                    error_get_pretty(err));
            error_free(err);
            return 1;
        }
        printf("qmachined %s: default machine %s, QMP on tcp:%s:%s\n",
               PACKAGE_VERSION, opts.machine_type ? opts.machine_type : "pc",
               DEFAULT_QMP_HOST, DEFAULT_QMP_PORT);
        fflush(stdout);
    }
    for (i = 0; i < opts.n_rest; i++) {
        if (!rest_listen(&opts.rest[i], opts.rest_token_file, &err)) {
            fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }
    if (opts.defaults_used && opts.n_rest == 0) {
        /* The default machine serves REST on tcp:127.0.0.1:8080. */
        ListenAddr dflt_rest = { .kind = LISTEN_TCP, .fd = -1,
                                 .host = REST_DEFAULT_HOST,
                                 .port = REST_DEFAULT_PORT };

        if (!rest_listen(&dflt_rest, opts.rest_token_file, &err)) {
            fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
            error_free(err);
            return 1;
        }
    }
    if (opts.qtest && !qtest_listen(opts.qtest, &err)) {
        fprintf(stderr, "qmachined: -qtest: %s\n", error_get_pretty(err));
        error_free(err);
        return 1;
    }
    if (opts.pidfile && !write_pidfile(opts.pidfile)) {
        return 1;
    }

    rc.no_shutdown = opts.no_shutdown;
    runstate_init(opts.start_paused, &rc);
    daemonize_finish();

    loop_run();

    monitor_flush_all();
    monitor_cleanup();
    qtest_cleanup();
    rest_cleanup();
    loop_watch_remove(sigw);
    if (sigfd >= 0) {
        close(sigfd);
    }
    if (opts.pidfile) {
        unlink(opts.pidfile);
    }
    pc_machine_free(machine);
    options_free(&opts);
    loop_fini();
    return 0;
}
