/* -chardev checks and chardev listening addresses; see chardev.h. */
#include "chardev.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "options-report.h"
#include "util.h"

const KeyvalOptDesc chardev_opts[] = {
    { "backend", KEYVAL_OPT_STRING },   { "path", KEYVAL_OPT_STRING },
    { "host", KEYVAL_OPT_STRING },      { "port", KEYVAL_OPT_STRING },
    { "fd", KEYVAL_OPT_STRING },        { "local", KEYVAL_OPT_BOOL },
    { "localaddr", KEYVAL_OPT_STRING }, { "localport", KEYVAL_OPT_STRING },
    { "to", KEYVAL_OPT_NUMBER },        { "ipv4", KEYVAL_OPT_BOOL },
    { "ipv6", KEYVAL_OPT_BOOL },        { "wait", KEYVAL_OPT_BOOL },
    { "server", KEYVAL_OPT_BOOL },      { "delay", KEYVAL_OPT_BOOL },
    { "nodelay", KEYVAL_OPT_BOOL },     { "reconnect", KEYVAL_OPT_NUMBER },
    { "telnet", KEYVAL_OPT_BOOL },      { "tn3270", KEYVAL_OPT_BOOL },
    { "websocket", KEYVAL_OPT_BOOL },   { "tls-creds", KEYVAL_OPT_STRING },
    { "tls-authz", KEYVAL_OPT_STRING }, { "abstract", KEYVAL_OPT_BOOL },
    { "tight", KEYVAL_OPT_BOOL },       { "width", KEYVAL_OPT_NUMBER },
    { "height", KEYVAL_OPT_NUMBER },    { "cols", KEYVAL_OPT_NUMBER },
    { "rows", KEYVAL_OPT_NUMBER },      { "mux", KEYVAL_OPT_BOOL },
    { "signal", KEYVAL_OPT_BOOL },      { "name", KEYVAL_OPT_STRING },
    { "debug", KEYVAL_OPT_NUMBER },     { "size", KEYVAL_OPT_SIZE },
    { "chardev", KEYVAL_OPT_STRING },   { "append", KEYVAL_OPT_BOOL },
    { "logfile", KEYVAL_OPT_STRING },   { "logappend", KEYVAL_OPT_BOOL },
    { "mouse", KEYVAL_OPT_BOOL },       { "clipboard", KEYVAL_OPT_BOOL },
    { NULL, KEYVAL_OPT_STRING },
};

static const char *const chardev_backends[] = {
    "null",    "socket",       "udp",      "msmouse",   "wctablet", "memory",
    "ringbuf", "file",         "serial",   "tty",       "parallel", "parport",
    "pipe",    "pty",          "stdio",    "braille",   "testdev",  "vc",
    "dbus",    "qemu-vdagent", "spicevmc", "spiceport",
};

bool chardev_listen_addr(json_t *c, ListenAddr *a, bool *is_socket,
                         Error **errp)
{
    const char *backend = json_string_value(json_object_get(c, "backend"));
    const char *path = json_string_value(json_object_get(c, "path"));
    const char *host = json_string_value(json_object_get(c, "host"));
    const char *port = json_string_value(json_object_get(c, "port"));
    const char *fd = json_string_value(json_object_get(c, "fd"));
    const char *server = json_string_value(json_object_get(c, "server"));
    const char *wait = json_string_value(json_object_get(c, "wait"));
    bool b;

    memset(a, 0, sizeof(*a));
    a->fd = -1;
    *is_socket = backend && !strcmp(backend, "socket");
    if (!*is_socket) {
        return true;
    }
    if ((path != NULL) + (host != NULL) + (fd != NULL) > 1) {
        error_setg(errp,
                   "None or one of 'path', 'fd' or 'host' option required.");
        return false;
    }
    a->server = server && keyval_str_to_bool(server, &b) && b;
    a->wait = !(wait && keyval_str_to_bool(wait, &b) && !b);
    if (path) {
        a->kind = LISTEN_UNIX;
        a->path = xstrdup(path);
    } else if (host) {
        if (!port) {
            error_setg(errp, "chardev: socket: no port given");
            return false;
        }
        a->kind = LISTEN_TCP;
        a->host = xstrdup(host);
        a->port = xstrdup(port);
    } else if (a->server && (!fd || !*fd)) {
        /* QEMU's server without a socket: it listens on nothing. */
        a->kind = LISTEN_FD;
    } else {
        int64_t n;
        struct stat st;

        if (!fd || keyval_strtoi64(fd, 10, &n) || n < 0 || n > INT32_MAX) {
            error_setg(errp, "Unable to parse FD number %s", fd ? fd : "");
            return false;
        }
        if (fstat((int)n, &st) < 0 || !S_ISSOCK(st.st_mode)) {
            error_setg(errp, "File descriptor '%s' is not a socket", fd);
            return false;
        }
        a->kind = LISTEN_FD;
        a->fd = (int)n;
    }
    return true;
}

/* A QemuOpts boolean of c given as QMP's member name (if given). */
static void copy_bool(json_t *c, const char *key, json_t *data)
{
    const char *v = json_string_value(json_object_get(c, key));
    bool b;

    if (v && keyval_str_to_bool(v, &b)) {
        json_object_set_new(data, key, json_boolean(b));
    }
}

/*
 * A socket's ChardevSocket as QEMU's -chardev parsing builds it (the
 * address checked already by chardev_listen_addr): server off unless
 * given, wait only when given.
 */
static json_t *socket_backend_of(json_t *c)
{
    const char *path = json_string_value(json_object_get(c, "path"));
    const char *host = json_string_value(json_object_get(c, "host"));
    const char *fd = json_string_value(json_object_get(c, "fd"));
    const char *server = json_string_value(json_object_get(c, "server"));
    json_t *data, *addr;
    bool b;

    if (path) {
        addr =
            json_pack("{s:s, s:{s:s}}", "type", "unix", "data", "path", path);
    } else if (host) {
        addr = json_pack("{s:s, s:{s:s, s:O}}", "type", "inet", "data", "host",
                         host, "port", json_object_get(c, "port"));
    } else {
        addr = json_pack("{s:s, s:{s:s}}", "type", "fd", "data", "str",
                         fd ? fd : "");
    }
    data = json_pack("{s:o, s:b}", "addr", addr, "server",
                     server && keyval_str_to_bool(server, &b) && b);
    copy_bool(c, "wait", data);
    return json_pack("{s:s, s:o}", "type", "socket", "data", data);
}

json_t *chardev_backend_of(json_t *c, Error **errp)
{
    const char *backend = json_string_value(json_object_get(c, "backend"));
    json_t *data;
    const char *v;

    if (backend && !strcmp(backend, "socket")) {
        return socket_backend_of(c);
    }
    if (!backend || (strcmp(backend, "null") && strcmp(backend, "pty") &&
                     strcmp(backend, "file"))) {
        return NULL;
    }
    data = json_object();
    if (!strcmp(backend, "file")) {
        v = json_string_value(json_object_get(c, "path"));
        if (!v) {
            error_setg(errp, "chardev: file: no filename given");
            json_decref(data);
            return NULL;
        }
        json_object_set_new(data, "out", json_string(v));
        copy_bool(c, "append", data);
    }
    return json_pack("{s:s, s:o}", "type", backend, "data", data);
}

bool chardev_check(json_t *c, Error **errp)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *backend = json_string_value(json_object_get(c, "backend"));
    ListenAddr a;
    bool sock;
    bool ok;

    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return false;
    }
    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend", id);
        return false;
    }
    if (!str_in_list(backend, chardev_backends, ARRAY_SIZE(chardev_backends))) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return false;
    }
    ok = chardev_listen_addr(c, &a, &sock, errp);
    listen_addr_clear(&a);
    return ok;
}

/*
 * Adds the QemuOpts items of params to the chardev options c, checked
 * against the chardev parameters (only booleans are checked for their
 * value); returns false with errp set.
 */
static bool add_chardev_items(json_t *c, const char *params,
                              const char *implied, Error **errp)
{
    json_t *items = keyval_parse_qemuopts(params, implied, NULL, NULL);
    json_t *item;
    size_t i;
    bool ok = true;

    json_array_foreach (items, i, item) {
        const char *key = json_string_value(json_array_get(item, 0));
        const char *val = json_string_value(json_array_get(item, 1));
        const KeyvalOptDesc *desc = keyval_opt_find(chardev_opts, key);
        bool b;

        if (!desc) {
            error_setg(errp, "Invalid parameter '%s'", key);
            ok = false;
            break;
        }
        if (desc->type == KEYVAL_OPT_BOOL &&
            !keyval_opt_bool(key, val, &b, errp)) {
            ok = false;
            break;
        }
        json_object_set(c, key, json_array_get(item, 1));
    }
    json_decref(items);
    return ok;
}

json_t *chardev_parse_compat(const char *spec, Error **errp)
{
    static const char *const simple[] = {
        "null", "pty", "msmouse", "wctablet", "braille", "testdev", "stdio",
    };
    const char *rest;
    json_t *c;

    if (!strncmp(spec, "unix:", 5)) {
        c = json_pack("{s:s}", "backend", "socket");
        if (!add_chardev_items(c, spec + 5, "path", errp)) {
            json_decref(c);
            return NULL;
        }
    } else if (!strncmp(spec, "tcp:", 4)) {
        char host[65], port[33];
        int pos = 0;

        rest = spec + 4;
        if (sscanf(rest, "%64[^:]:%32[^,]%n", host, port, &pos) < 2) {
            host[0] = '\0';
            if (sscanf(rest, ":%32[^,]%n", port, &pos) < 1) {
                return NULL; /* no message of its own */
            }
        }
        c = json_pack("{s:s, s:s, s:s}", "backend", "socket", "host", host,
                      "port", port);
        if (rest[pos] == ',' &&
            !add_chardev_items(c, rest + pos + 1, NULL, errp)) {
            json_decref(c);
            return NULL;
        }
    } else if (str_in_list(spec, simple, ARRAY_SIZE(simple))) {
        error_setg(errp,
                   "character device '%s' cannot serve here; %s serves only "
                   "sockets",
                   spec, OPTIONS_PROGNAME);
        return NULL;
    } else {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    return c;
}
