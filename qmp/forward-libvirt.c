/*
 * --forward libvirt:URI#DOMAIN: QEMU's monitor reached through libvirt's
 * API for a domain libvirt manages (virDomainQemuMonitorCommand, and
 * virConnectDomainQemuMonitorEventRegister for its events).
 *
 * The API blocks, so two threads talk to libvirt: one runs each command
 * qmachined sends (one line of JSON, in order) and writes the reply as a
 * line, the other runs libvirt's event loop and writes each QEMU event as
 * a line.  The main loop reads those lines as it reads QEMU's socket, so
 * the rest of forwarding is the same.  libvirt has negotiated with QEMU
 * already; the greeting clients get is built from query-version.
 */
#include "forward-libvirt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "json-out.h"
#include "src/dynlib.h"
#include "src/util.h"

/*
 * libvirt's functions, looked up when --forward libvirt: is used (a
 * machine that does not forward to libvirt never loads it).
 */
static struct {
    __typeof__(virConnectDomainQemuMonitorEventRegister) *EventRegister;
    __typeof__(virConnectOpen) *ConnectOpen;
    __typeof__(virDomainLookupByName) *LookupByName;
    __typeof__(virDomainQemuMonitorCommand) *MonitorCommand;
    __typeof__(virEventRegisterDefaultImpl) *EventRegisterDefaultImpl;
    __typeof__(virEventRunDefaultImpl) *EventRunDefaultImpl;
    __typeof__(virGetLastError) *GetLastError;
    __typeof__(virSetErrorFunc) *SetErrorFunc;
} lv;

static bool load_libvirt(Error **errp)
{
    static const DynSym qemu_syms[] = {
        { "virConnectDomainQemuMonitorEventRegister",
          (void **)&lv.EventRegister },
        { "virDomainQemuMonitorCommand", (void **)&lv.MonitorCommand },
    };
    static const DynSym syms[] = {
        { "virConnectOpen", (void **)&lv.ConnectOpen },
        { "virDomainLookupByName", (void **)&lv.LookupByName },
        { "virEventRegisterDefaultImpl",
          (void **)&lv.EventRegisterDefaultImpl },
        { "virEventRunDefaultImpl", (void **)&lv.EventRunDefaultImpl },
        { "virGetLastError", (void **)&lv.GetLastError },
        { "virSetErrorFunc", (void **)&lv.SetErrorFunc },
    };

    return dynlib_load("libvirt.so.0", syms, sizeof(syms) / sizeof(syms[0]),
                       errp) &&
           dynlib_load("libvirt-qemu.so.0", qemu_syms,
                       sizeof(qemu_syms) / sizeof(qemu_syms[0]), errp);
}

static virConnectPtr conn;
static virDomainPtr dom;
static int cmd_pipe[2] = { -1, -1 }; /* main -> command thread */
static int out_pipe[2] = { -1, -1 }; /* threads -> main */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* One message to the main loop, as a line. */
static void emit(json_t *msg)
{
    JsonBuf b = { 0 };

    json_out_append(&b, msg);
    json_buf_append(&b, "\r\n", 2);
    pthread_mutex_lock(&out_lock);
    write_all(out_pipe[1], b.data, b.len);
    pthread_mutex_unlock(&out_lock);
    json_buf_free(&b);
}

static const char *last_error(void)
{
    virErrorPtr e = lv.GetLastError();

    return e && e->message ? e->message : "unknown libvirt error";
}

/* Runs one command line from qmachined; the reply carries its id. */
static void run_line(const char *line, size_t len)
{
    json_error_t jerr;
    json_t *req = json_loadb(line, len, JSON_ALLOW_NUL, &jerr), *id, *rsp;
    char *text, *result = NULL;

    if (!req) {
        return;
    }
    id = json_incref(json_object_get(req, "id"));
    json_object_del(req, "id");
    text = json_dumps(req, JSON_COMPACT);
    if (text && lv.MonitorCommand(dom, text, &result, 0) == 0 &&
        (rsp = json_loads(result, JSON_ALLOW_NUL, &jerr))) {
        json_object_del(rsp, "id");
    } else {
        rsp = json_pack("{s:{s:s, s:s}}", "error", "class", "GenericError",
                        "desc", last_error());
    }
    if (id) {
        json_object_set_new(rsp, "id", id);
    }
    emit(rsp);
    json_decref(rsp);
    free(result);
    free(text);
    json_decref(req);
}

static void *command_thread(void *opaque)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;

    (void)opaque;
    for (;;) {
        char chunk[4096];
        ssize_t n = read(cmd_pipe[0], chunk, sizeof(chunk));
        char *nl;

        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            break;
        }
        if (len + (size_t)n > cap) {
            cap = (len + (size_t)n) * 2;
            buf = xrealloc(buf, cap);
        }
        memcpy(buf + len, chunk, (size_t)n);
        len += (size_t)n;
        while ((nl = memchr(buf, '\n', len))) {
            size_t l = (size_t)(nl - buf) + 1;

            run_line(buf, l);
            memmove(buf, buf + l, len - l);
            len -= l;
        }
    }
    free(buf);
    return NULL;
}

static void on_event(virConnectPtr c, virDomainPtr d, const char *event,
                     long long seconds, unsigned int micros,
                     const char *details, void *opaque)
{
    json_error_t jerr;
    json_t *msg =
        json_pack("{s:s, s:{s:I, s:I}}", "event", event, "timestamp", "seconds",
                  (json_int_t)seconds, "microseconds", (json_int_t)micros);

    (void)c;
    (void)d;
    (void)opaque;
    if (details) {
        json_t *data = json_loads(details, JSON_ALLOW_NUL, &jerr);

        if (data) {
            json_object_set_new(msg, "data", data);
        }
    }
    emit(msg);
    json_decref(msg);
}

static void *event_thread(void *opaque)
{
    (void)opaque;
    for (;;) {
        if (lv.EventRunDefaultImpl() < 0) {
            break;
        }
    }
    return NULL;
}

static void quiet_errors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

bool forward_libvirt_open(const char *spec, int *read_fd, int *write_fd,
                          json_t **greeting, Error **errp)
{
    const char *hash = strrchr(spec, '#');
    char *uri, *result = NULL;
    pthread_t t;
    json_error_t jerr;
    json_t *ver;

    if (!hash || !hash[1]) {
        error_setg(errp, "expected libvirt:URI#DOMAIN");
        return false;
    }
    if (!load_libvirt(errp)) {
        return false;
    }
    uri = xstrndup(spec, (size_t)(hash - spec));
    lv.SetErrorFunc(NULL, quiet_errors);
    if (lv.EventRegisterDefaultImpl() < 0 ||
        !(conn = lv.ConnectOpen(*uri ? uri : NULL))) {
        error_setg(errp, "cannot connect to libvirt at '%s': %s", uri,
                   last_error());
        free(uri);
        return false;
    }
    free(uri);
    if (!(dom = lv.LookupByName(conn, hash + 1))) {
        error_setg(errp, "no domain '%s': %s", hash + 1, last_error());
        return false;
    }
    if (lv.MonitorCommand(dom, "{\"execute\":\"query-version\"}", &result, 0) <
            0 ||
        !(ver = json_loads(result, 0, &jerr)) ||
        !json_object_get(ver, "return")) {
        error_setg(errp, "domain '%s' does not answer QMP: %s", hash + 1,
                   last_error());
        free(result);
        return false;
    }
    free(result);
    *greeting = json_pack("{s:{s:O, s:[]}}", "QMP", "version",
                          json_object_get(ver, "return"), "capabilities");
    json_decref(ver);
    if (lv.EventRegister(conn, dom, NULL, on_event, NULL, NULL, 0) < 0) {
        error_setg(errp, "cannot watch domain '%s' for events: %s", hash + 1,
                   last_error());
        return false;
    }
    if (pipe2(cmd_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0) {
        error_setg(errp, "pipe: %s", strerror(errno));
        return false;
    }
    if (pthread_create(&t, NULL, command_thread, NULL) || pthread_detach(t) ||
        pthread_create(&t, NULL, event_thread, NULL) || pthread_detach(t)) {
        error_setg(errp, "cannot start the threads that talk to libvirt");
        return false;
    }
    *read_fd = out_pipe[0];
    *write_fd = cmd_pipe[1];
    return true;
}
