/*
 * qmachined: start-up.  Parses the QEMU-style command line, builds the
 * machine, opens the front ends (QMP monitors, qtest, REST) on the one
 * event loop, and runs until quit or a termination signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chardev-backends.h"
#include "chardev-socket.h"
#include "config.h"
#include "drive.h"
#include "loop.h"
#include "memory.h"
#include "net.h"
#include "options.h"
#include "options-report.h"
#include "pc.h"
#include "qmp/commands.h"
#include "qmp/forward.h"
#include "qmp/forward-machine.h"
#include "qmp/monitor.h"
#include "qmp/qmp.h"
#include "qdev.h"
#include "qtest.h"
#include "acpi/ospm.h"
#include "rest/rest.h"
#include "runstate.h"
#include "sockets.h"
#include "util.h"
#include "wrap.h"

/* The documented default machine (README "Default machine"). */
#define DEFAULT_QMP_HOST "127.0.0.1"
#define DEFAULT_QMP_PORT "4444"
#define DEFAULT_RAM_SIZE (1ull << 30)
#define DEFAULT_SLOTS 8
#define DEFAULT_MAXMEM (16ull << 30)

static int daemonize_pipe = -1;

typedef enum FrontEnd { FRONT_QMP, FRONT_REST } FrontEnd;

/* What each front end listens on, as bound ("tcp:127.0.0.1:4444"). */
static json_t *bound_qmp, *bound_rest;

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

        /* rest_listen's errors name the option already. */
        if (which == FRONT_QMP) {
            fprintf(stderr, "qmachined: -qmp %s: %s\n", where,
                    error_get_pretty(err));
        } else {
            fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        }
        free(where);
        error_free(err);
    } else if (socket_last_bound()) {
        json_array_append_new(which == FRONT_QMP ? bound_qmp : bound_rest,
                              json_text(socket_last_bound()));
    }
    return ok;
}

/*
 * The REST front end's URL for a bound address: http://HOST:PORT/... for
 * TCP (an unspecified address is reached at loopback), the socket path
 * for a unix socket.
 */
static char *rest_url(const char *bound)
{
    if (!strncmp(bound, "tcp:", 4)) {
        const char *hp = bound + 4;

        if (!strncmp(hp, "0.0.0.0:", 8)) {
            return xasprintf("http://127.0.0.1:%s/api/v1/machine", hp + 8);
        }
        if (!strncmp(hp, "[::]:", 5)) {
            return xasprintf("http://[::1]:%s/api/v1/machine", hp + 5);
        }
        return xasprintf("http://%s/api/v1/machine", hp);
    }
    return xasprintf("%s (HTTP, /api/v1/machine)", bound);
}

/* The startup lines: where QMP (default machine only) and REST listen. */
static void print_listening(bool qmp)
{
    json_t *v;
    size_t i;

    if (qmp) {
        json_array_foreach (bound_qmp, i, v) {
            printf("  QMP:  %s\n", json_string_value(v));
        }
    }
    json_array_foreach (bound_rest, i, v) {
        char *url = rest_url(json_string_value(v));

        printf("  REST: %s\n", url);
        free(url);
    }
    fflush(stdout);
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

/*
 * -chardev and the monitors', in QEMU's order; a monitor's is only
 * reserved until it listens.  Wrapping, the sockets are the wrapped
 * QEMU's (their descriptors and paths go to it), not the model's.
 */
static bool create_chardevs(const MachineOptions *opts, bool wrapping,
                            Error **errp)
{
    json_t *c;
    size_t i;

    json_array_foreach (opts->chardevs, i, c) {
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *kind = json_string_value(
            json_object_get(json_object_get(c, "backend"), "type"));

        if (json_is_true(json_object_get(c, "front-end"))) {
            chardev_socket_reserve(id);
            continue;
        }
        if (wrapping && kind && !strcmp(kind, "socket")) {
            continue;
        }
        if (!chardev_add_cmdline(id, json_object_get(c, "backend"), errp)) {
            error_prepend(
                errp, "-chardev %s: ",
                json_string_value(json_array_get(opts->chardev_args, i)));
            return false;
        }
    }
    return true;
}

/* -netdev, in command-line order, before -device (NICs name them). */
static bool create_netdevs(const MachineOptions *opts, Error **errp)
{
    json_t *dict;
    size_t i;

    json_array_foreach (opts->netdevs, i, dict) {
        const char *arg =
            json_string_value(json_array_get(opts->netdev_args, i));

        if (!qmp_netdev_add_cmdline(dict, arg[0] != '{', errp)) {
            error_prepend(errp, "-netdev %s: ", arg);
            return false;
        }
    }
    return true;
}

/* -blockdev, in command-line order, before -device (devices name them). */
static bool create_blockdevs(const MachineOptions *opts, Error **errp)
{
    json_t *dict;
    size_t i;

    json_array_foreach (opts->blockdevs, i, dict) {
        const char *arg =
            json_string_value(json_array_get(opts->blockdev_args, i));

        if (!qmp_blockdev_add_cmdline(dict, arg[0] != '{', errp)) {
            error_prepend(errp, "-blockdev %s: ", arg);
            return false;
        }
    }
    return true;
}

/* -drive, in command-line order after every -blockdev, as QEMU opens them. */
static bool create_drives(MachineOptions *opts, Error **errp)
{
    json_t *dict;
    size_t i;

    json_array_foreach (opts->drives, i, dict) {
        const char *arg =
            json_string_value(json_array_get(opts->drive_args, i));
        json_t *dev;

        if (!drive_new(dict, arg, &dev, errp)) {
            error_prepend(errp, "-drive %s: ", arg);
            return false;
        }
        if (dev) {
            json_array_append_new(opts->drive_devices, dev);
            json_array_append_new(opts->drive_device_args, json_text(arg));
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

/* Wrapper mode: QEMU's exit status, once it has exited (-1 before). */
static int wrapped_status = -1;

static void on_signal(void *opaque, int fd, unsigned events)
{
    struct signalfd_siginfo si;

    if (read(fd, &si, sizeof(si)) != sizeof(si)) {
        return;
    }
    if (si.ssi_signo == SIGCHLD) {
        if (wrap_reap(&wrapped_status)) {
            /* QEMU is gone: so is its wrapper, with its status. */
            loop_quit();
        }
        return;
    }
    if (wrap_child() > 0) {
        /* QEMU decides (and says "terminating on signal" itself). */
        wrap_signal((int)si.ssi_signo);
        return;
    }
    report_killer(&si);
    vm_shutdown(SHUTDOWN_CAUSE_HOST_SIGNAL, false);
}

static int setup_signals(void)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
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

/* Connects to QEMU's monitor (--forward, or the wrapped QEMU's). */
static bool forward_open_opts(const MachineOptions *opts)
{
    Error *err = NULL;
    char *where;

    if (opts->forward_libvirt) {
        if (forward_open_libvirt(opts->forward_libvirt, opts->forward_read_only,
                                 &err)) {
            return true;
        }
        fprintf(stderr, "qmachined: --forward libvirt:%s: %s\n",
                opts->forward_libvirt, error_get_pretty(err));
        error_free(err);
        return false;
    }
    if (forward_open(opts->forward, &err)) {
        return true;
    }
    where = socket_addr_str(opts->forward);
    fprintf(stderr, "qmachined: --forward %s: %s\n", where,
            error_get_pretty(err));
    free(where);
    error_free(err);
    return false;
}

/*
 * --forward without machine options: the model is QEMU's machine, as its
 * monitor tells it (forward-machine.h), parsed with the daemon's own
 * options.  *qemu_argv keeps the argument strings.
 */
static bool adopt_qemu_machine(MachineOptions *opts, int argc, char **argv,
                               char ***qemu_argv)
{
    json_t *extra;
    Error *err = NULL;
    bool exit_now = false, ok;
    size_t n, i;
    char **all;

    extra = forward_machine_options(forward_execute_sync, &err);
    if (!extra) {
        fprintf(stderr, "qmachined: --forward: %s\n", error_get_pretty(err));
        error_free(err);
        return false;
    }
    n = json_array_size(extra);
    all = xzalloc((argc + n + 1) * sizeof(*all));
    *qemu_argv = xzalloc((n + 1) * sizeof(**qemu_argv));
    for (i = 0; i < (size_t)argc; i++) {
        all[i] = argv[i];
    }
    for (i = 0; i < n; i++) {
        (*qemu_argv)[i] = xstrdup(json_string_value(json_array_get(extra, i)));
        all[argc + i] = (*qemu_argv)[i];
    }
    options_free(opts);
    memset(opts, 0, sizeof(*opts));
    ok = options_parse(opts, argc + (int)n, all, &exit_now);
    if (!ok) {
        fprintf(stderr, "qmachined: --forward: QEMU's machine, as its monitor "
                        "tells it, cannot be modelled:");
        for (i = 0; i < n; i++) {
            fprintf(stderr, " %s", (*qemu_argv)[i]);
        }
        fprintf(stderr, "\n");
    }
    free(all);
    json_decref(extra);
    return ok;
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
    const char *wrap_qemu = NULL;
    bool wrapping;
    bool front_defaults;
    char **qemu_argv = NULL; /* the options read from QEMU, if any */

    memset(&opts, 0, sizeof(opts));
    wrapping = wrap_requested(&argc, argv, &wrap_qemu);
    if (!options_parse(&opts, argc, argv, &exit_now)) {
        options_free(&opts);
        return 1;
    }
    if (exit_now) {
        options_free(&opts);
        return 0;
    }
    front_defaults = opts.defaults_used;
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
    bound_qmp = json_array();
    bound_rest = json_array();
    if (!wrapping && (opts.forward || opts.forward_libvirt)) {
        if (!forward_open_opts(&opts) ||
            (opts.defaults_used &&
             !adopt_qemu_machine(&opts, argc, argv, &qemu_argv))) {
            goto out;
        }
    }
    if (opts.defaults_used) {
        /* The documented default machine: ready for memory hotplug. */
        opts.ram_size = DEFAULT_RAM_SIZE;
        opts.slots = DEFAULT_SLOTS;
        opts.maxmem = DEFAULT_MAXMEM;
    }
    qmp_machine_set_identity(opts.name, opts.uuid, opts.smp_cpus);
    qmp_machine_set_accel(
        json_string_value(json_object_get(opts.machine_props, "accel")));
    if (!qdev_machine_init("pc-i440fx-7.2-machine", &err) ||
        (pc_machine_set_options(&opts), !create_objects(&opts, &err)) ||
        !create_chardevs(&opts, wrapping, &err) ||
        !create_netdevs(&opts, &err) || !create_blockdevs(&opts, &err) ||
        !create_drives(&opts, &err) ||
        !(machine = pc_machine_create(&opts, &err))) {
        fprintf(stderr, "qmachined: %s\n", error_get_pretty(err));
        if (error_get_hint(err)) {
            fputs(error_get_hint(err), stderr);
        }
        error_free(err);
        goto out;
    }
    (void)machine;
    net_check_clients();
    if (!ospm_init(&opts, &err)) {
        options_report("--guest", opts.guest_policy, error_get_pretty(err));
        error_free(err);
        goto out;
    }

    if (wrapping) {
        char *path = NULL;

        /* The monitor descriptors handed over are qmachined's, not QEMU's. */
        for (i = 0; i < opts.n_monitors; i++) {
            if (opts.monitors[i].kind == LISTEN_FD) {
                fcntl(opts.monitors[i].fd, F_SETFD, FD_CLOEXEC);
            }
        }

        if (!wrap_spawn(wrap_qemu, argc, argv, opts.daemonize, &path, &err) ||
            !wrap_wait_ready(path, &err)) {
            fprintf(stderr, "qmachined: %s: %s\n", wrap_qemu,
                    error_get_pretty(err));
            error_free(err);
            free(path);
            goto out;
        }
        if (opts.forward) {
            listen_addr_clear(opts.forward);
        } else {
            opts.forward = xzalloc(sizeof(*opts.forward));
        }
        *opts.forward =
            (ListenAddr){ .kind = LISTEN_UNIX, .fd = -1, .path = path };
        forward_own_qemu();
    }
    if ((wrapping && !forward_open_opts(&opts)) ||
        ((opts.forward || opts.forward_libvirt) && !forward_start(&err))) {
        if (err) {
            fprintf(stderr, "qmachined: --forward: %s\n",
                    error_get_pretty(err));
            error_free(err);
        }
        goto out;
    }
    if (opts.forward || opts.forward_libvirt) {
        /* A relay: the next message is usually close behind. */
        loop_set_poll_ns((int64_t)opts.forward_poll_us * 1000);
    }
    for (i = 0; i < opts.n_monitors; i++) {
        if (!listen_or_report(FRONT_QMP, &opts.monitors[i], &opts)) {
            goto out;
        }
    }
    if (wrapping && !opts.n_rest && opts.name && wrap_rest_dir()) {
        /* Started as a domain's emulator: REST where it can be found. */
        char *path = wrap_rest_path(opts.name);

        if (path) {
            opts.rest = xrealloc(opts.rest, sizeof(*opts.rest));
            opts.rest[0] = (ListenAddr){
                .kind = LISTEN_UNIX, .fd = -1, .server = true, .path = path
            };
            opts.n_rest = 1;
        }
    }
    for (i = 0; i < opts.n_rest; i++) {
        if (!listen_or_report(FRONT_REST, &opts.rest[i], &opts)) {
            goto out;
        }
    }
    if (front_defaults) {
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
        if (opts.forward) {
            char *where = socket_addr_str(opts.forward);

            printf("qmachined %s: forwarding to QEMU's monitor at %s\n",
                   PACKAGE_VERSION, where);
            free(where);
        } else {
            printf("qmachined %s: default machine pc-i440fx-7.2, %llu MiB, "
                   "%u slots, maxmem %llu MiB\n",
                   PACKAGE_VERSION, (unsigned long long)(opts.ram_size >> 20),
                   opts.slots, (unsigned long long)(opts.maxmem >> 20));
        }
        print_listening(true);
    } else if (json_array_size(bound_rest)) {
        print_listening(false);
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
    if (wrapping) {
        int st;

        /* Ended otherwise (quit): QEMU goes too, its status is ours. */
        if (wrapped_status < 0 && wrap_child() > 0) {
            wrap_signal(SIGTERM);
            while (!wrap_reap(&st)) {
                poll(NULL, 0, 10);
            }
            wrapped_status = st;
        }
        status = wrapped_status < 0 ? 0 : wrapped_status;
    }

    monitor_flush_all();
    if (opts.pidfile) {
        unlink(opts.pidfile);
    }
out:
    forward_cleanup();
    wrap_cleanup();
    json_decref(bound_qmp);
    json_decref(bound_rest);
    monitor_cleanup();
    qtest_cleanup();
    rest_cleanup();
    socket_remove_created();
    loop_watch_remove(sigw);
    if (sigfd >= 0) {
        close(sigfd);
    }
    options_free(&opts);
    for (i = 0; qemu_argv && qemu_argv[i]; i++) {
        free(qemu_argv[i]);
    }
    free(qemu_argv);
    loop_fini();
    return status;
}
