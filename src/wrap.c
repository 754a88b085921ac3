#include "wrap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keyval.h"
#include "options.h"
#include "sockets.h"
#include "util.h"

#define WRAP_NAME "qmachined-wrap"
#define DEFAULT_QEMU "/usr/bin/qemu-system-x86_64"
#define READY_TIMEOUT_MS 10000
#define DEFAULT_REST_DIR "/run/qmachined"

static pid_t child = -1;
static bool by_name; /* entered as qmachined-wrap */
static char *sock_file;

bool wrap_requested(int *argc, char **argv, const char **qemu)
{
    const char *base = strrchr(argv[0], '/');

    base = base ? base + 1 : argv[0];
    if (*argc > 1 && !strncmp(argv[1], "--wrap=", 7) && argv[1][7]) {
        *qemu = argv[1] + 7;
        memmove(&argv[1], &argv[2], (size_t)(*argc - 1) * sizeof(*argv));
        (*argc)--;
        return true;
    }
    if (!strcmp(base, WRAP_NAME)) {
        const char *env = getenv("QMACHINED_QEMU");

        by_name = true;
        *qemu = env && *env ? env : DEFAULT_QEMU;
        return true;
    }
    return false;
}

/* "-opt" or "--opt" (QEMU accepts both) equal to name. */
static bool is_opt(const char *arg, const char *name)
{
    if (arg[0] != '-') {
        return false;
    }
    arg += arg[1] == '-' ? 2 : 1;
    return !strcmp(arg, name);
}

/*
 * The value of key in an option's QemuOpts text (implied: the key a
 * value without a name stands for), or NULL.  New string.
 */
static char *opt_value(const char *opts, const char *implied, const char *key)
{
    json_t *d = keyval_parse_qemuopts_dict(opts, implied, NULL, NULL);
    const char *v = json_string_value(json_object_get(d, key));
    char *ret = v ? xstrdup(v) : NULL;

    json_decref(d);
    return ret;
}

/* QEMU options qmachined takes over (with an argument). */
static const char *const taken_with_arg[] = { "qmp", "qmp-pretty", "pidfile",
                                              NULL };

static bool in(const char *arg, const char *const *names)
{
    size_t i;

    for (i = 0; names[i]; i++) {
        if (is_opt(arg, names[i])) {
            return true;
        }
    }
    return false;
}

bool wrap_spawn(const char *qemu, int argc, char **argv, bool quiet,
                char **sock_path, Error **errp)
{
    char **cargv = xzalloc((size_t)(argc + 4) * sizeof(*cargv));
    char **mon_chardevs = xzalloc((size_t)(argc + 1) * sizeof(*mon_chardevs));
    size_t nmon = 0, n = 0, k;
    char *qmp_arg;
    int i;

    /* The chardevs the monitors use are qmachined's. */
    for (i = 1; i + 1 < argc; i++) {
        if (is_opt(argv[i], "mon")) {
            char *c = opt_value(argv[i + 1], "chardev", "chardev");

            if (c) {
                mon_chardevs[nmon++] = c;
            }
        }
    }
    /*
     * An abstract unix socket: nothing on the file system, so nothing is
     * left behind however qmachined ends.
     */
    sock_file = xasprintf("qmachined-wrap-%d-%08lx", (int)getpid(),
                          (unsigned long)random());
    cargv[n++] = (char *)qemu;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        bool own_arg;

        if (is_opt(a, "daemonize")) {
            continue;
        }
        /* qmachined's own options are not for QEMU. */
        if (options_own(a, &own_arg)) {
            i += own_arg && i + 1 < argc;
            continue;
        }
        if (i + 1 < argc && (in(a, taken_with_arg) || is_opt(a, "mon"))) {
            i++;
            continue;
        }
        if (i + 1 < argc && is_opt(a, "chardev")) {
            char *id = opt_value(argv[i + 1], "backend", "id");
            bool mine = false;

            for (k = 0; id && k < nmon; k++) {
                mine |= !strcmp(id, mon_chardevs[k]);
            }
            free(id);
            if (mine) {
                i++;
                continue;
            }
        }
        cargv[n++] = argv[i];
    }
    qmp_arg = xasprintf("unix:%s,abstract=on,server=on,wait=off", sock_file);
    cargv[n++] = "-qmp";
    cargv[n++] = qmp_arg;
    cargv[n] = NULL;

    child = fork();
    if (child == 0) {
        /* QEMU goes when qmachined does, however that happens. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1) {
            _exit(1);
        }
        {
            /* qmachined's signal handling is not QEMU's. */
            sigset_t none;

            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            signal(SIGPIPE, SIG_DFL);
        }
        if (quiet) {
            int null = open("/dev/null", O_RDWR);

            if (null >= 0) {
                dup2(null, STDIN_FILENO);
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
            }
        }
        execv(qemu, cargv);
        fprintf(stderr, "qmachined: cannot run %s: %s\n", qemu,
                strerror(errno));
        _exit(127);
    }
    free(qmp_arg);
    if (child < 0) {
        error_setg(errp, "fork: %s", strerror(errno));
        goto fail;
    }
    for (k = 0; k < nmon; k++) {
        free(mon_chardevs[k]);
    }
    free(mon_chardevs);
    free(cargv);
    *sock_path = xasprintf("@%s", sock_file);
    return true;

fail:
    for (k = 0; k < nmon; k++) {
        free(mon_chardevs[k]);
    }
    free(mon_chardevs);
    free(cargv);
    return false;
}

bool wrap_wait_ready(const char *sock_path, Error **errp)
{
    ListenAddr addr = { .kind = LISTEN_UNIX,
                        .fd = -1,
                        .path = (char *)sock_path };
    int waited;

    for (waited = 0; waited < READY_TIMEOUT_MS; waited += 10) {
        Error *err = NULL;
        int fd, status;

        if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
            child = -1;
            error_setg(errp, "QEMU exited before its monitor was ready");
            return false;
        }
        fd = socket_connect(&addr, &err);
        if (fd >= 0) {
            /* A probe only; forwarding connects on its own.  QEMU takes
             * one client at a time and frees the monitor on close. */
            close(fd);
            return true;
        }
        error_free(err);
        poll(NULL, 0, 10);
    }
    error_setg(errp, "QEMU's monitor at %s did not come up", sock_path);
    return false;
}

pid_t wrap_child(void)
{
    return child;
}

void wrap_signal(int sig)
{
    if (child > 0) {
        kill(child, sig);
    }
}

bool wrap_reap(int *status)
{
    int st;

    if (child <= 0 || waitpid(child, &st, WNOHANG) != child) {
        return false;
    }
    child = -1;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
}

void wrap_cleanup(void)
{
    if (child > 0) {
        int st;

        kill(child, SIGTERM);
        waitpid(child, &st, 0);
        child = -1;
    }
    free(sock_file);
    sock_file = NULL;
}

const char *wrap_rest_dir(void)
{
    const char *env = getenv("QMACHINED_REST_DIR");

    if (!by_name) {
        return NULL;
    }
    return env && *env ? env : DEFAULT_REST_DIR;
}

char *wrap_rest_path(const char *name)
{
    const char *dir = wrap_rest_dir();
    const char *guest = name;
    size_t len, i;

    /* -name guest=NAME,debug-threads=on or -name NAME */
    if (!strncmp(guest, "guest=", 6)) {
        guest += 6;
    }
    len = strcspn(guest, ",");
    for (i = 0; i < len; i++) {
        if (guest[i] == '/' || guest[i] == '\0') {
            return NULL;
        }
    }
    if (!dir || !len || (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
        return NULL;
    }
    return xasprintf("%s/%.*s.sock", dir, (int)len, guest);
}
