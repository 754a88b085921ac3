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
#include "memory.h"
#include "options.h"
#include "options-report.h"
#include "pc.h"
#include "qmp/commands.h"
#include "qmp/monitor.h"
#include "qmp/qmp.h"
#include "qdev.h"
#include "qtest.h"
#include "acpi/ospm.h"
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

typedef enum FrontEnd { FRONT_QMP, FRONT_REST } FrontEnd;

/* Opens one listening front end; prints QEMU-style on failure. */
static bool listen_or_report(FrontEnd which, const ListenAddr *addr,
                             const MachineOptions *opts)
{
    Error *err = NULL;
    bool ok = which == FRONT_QMP
                  ? monitor_listen(addr, &err)
                  : rest_listen(addr, opts->rest_token_file, &err);

    if (!ok) {
        char *where = socket_addr_str(addr);

        fprintf(stderr, "qmachined: %s %s: %s\n",
                which == FRONT_QMP ? "-qmp" : "--rest", where,
                error_get_pretty(err));
        free(where);
        error_free(err);
    }
    return ok;
}

/* -object, in command-line order, before the machine (which maps the
 * backends). */
static bool create_objects(const MachineOptions *opts, Error **errp)
{
    json_t *dict;
    size_t i;

    memory_init();
    json_array_foreach (opts->objects, i, dict) {
        const char *arg =
            json_string_value(json_array_get(opts->object_args, i));

        if (!qmp_object_add_cmdline(dict, arg ? arg : "", errp)) {
            return false;
        }
    }
    return true;
}

/* The first string of /proc/PID/cmdline (the sender's argv[0]), or NULL. */
static char *pid_name(pid_t pid)
{
    char path[64], buf[256];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return NULL;
    }
    buf[n] = '\0';
    return xstrdup(buf);
}

/* What QEMU prints when a signal ends it (libvirt looks for it). */
static void report_killer(const struct signalfd_siginfo *si)
{
    char *name;

    if (!si->ssi_pid) {
        fprintf(stderr, "%s: terminating on signal %u\n", OPTIONS_PROGNAME,
                si->ssi_signo);
        return;
    }
    name = pid_name((pid_t)si->ssi_pid);
    fprintf(stderr, "%s: terminating on signal %u from pid %u (%s)\n",
            OPTIONS_PROGNAME, si->ssi_signo, si->ssi_pid,
            name ? name : "<unknown process>");
    free(name);
}

static void on_signal(void *opaque, int fd, unsigned events)
{
    struct signalfd_siginfo si;

    if (read(fd, &si, sizeof(si)) == sizeof(si)) {
        report_killer(&si);
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
    PCMachine *machine = NULL;
    int status = 1;
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
        options_free(&opts);
        return 1;
    }
    sigfd = setup_signals();
    sigw = loop_watch_fd(sigfd, LOOP_READ, on_signal, NULL);

    /* From here on, failures leave through "out" so nothing leaks. */
    qmp_machine_set_identity(opts.name, opts.uuid, opts.smp_cpus);
    qmp_machine_set_accel(
        json_string_value(json_object_get(opts.machine_props, "accel")));
    if (!qdev_machine_init("pc-i440fx-7.2-machine", &err) ||
        !create_objects(&opts, &err) ||
        !(machine = pc_machine_create(&opts, &err))) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    (void)machine;
    if (!ospm_init(&opts, &err)) {
        options_report("--guest", opts.guest_policy, error_get_pretty(err));
        error_free(err);
        goto out;
    }

    for (i = 0; i < opts.n_monitors; i++) {
        if (!listen_or_report(FRONT_QMP, &opts.monitors[i], &opts)) {
            goto out;
        }
    }
    for (i = 0; i < opts.n_rest; i++) {
        if (!listen_or_report(FRONT_REST, &opts.rest[i], &opts)) {
            goto out;
        }
    }
    if (opts.defaults_used) {
        /* The default machine's front ends (README "Default machine"). */
        ListenAddr dflt_rest = { .kind = LISTEN_TCP,
                                 .fd = -1,
                                 .host = REST_DEFAULT_HOST,
                                 .port = REST_DEFAULT_PORT };

        if ((opts.n_monitors == 0 &&
             !listen_or_report(FRONT_QMP, &dflt_qmp, &opts)) ||
            (opts.n_rest == 0 &&
             !listen_or_report(FRONT_REST, &dflt_rest, &opts))) {
            goto out;
        }
        printf("qmachined %s: default machine pc-i440fx-7.2, %llu MiB, "
               "%u slots, maxmem %llu MiB\n",
               PACKAGE_VERSION, (unsigned long long)(opts.ram_size >> 20),
               opts.slots, (unsigned long long)(opts.maxmem >> 20));
        printf("  QMP:  %s\n  REST: http://%s:%s/api/v1/machine\n",
               opts.n_monitors ? "(as given)"
                               : "tcp:" DEFAULT_QMP_HOST ":" DEFAULT_QMP_PORT,
               REST_DEFAULT_HOST, REST_DEFAULT_PORT);
        fflush(stdout);
    }
    if (opts.qtest && !qtest_listen(opts.qtest, &err)) {
        fprintf(stderr, "qmachined: -qtest: %s\n", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    if (opts.pidfile && !write_pidfile(opts.pidfile)) {
        goto out;
    }

    rc.no_shutdown = opts.no_shutdown;
    runstate_init(opts.start_paused, &rc);
    daemonize_finish();

    loop_run();
    status = 0;

    monitor_flush_all();
    if (opts.pidfile) {
        unlink(opts.pidfile);
    }
out:
    monitor_cleanup();
    qtest_cleanup();
    rest_cleanup();
    socket_remove_created();
    loop_watch_remove(sigw);
    if (sigfd >= 0) {
        close(sigfd);
    }
    options_free(&opts);
    loop_fini();
    return status;
}
