/* See chardev-socket.h. */
#include "chardev-socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "keyval.h"
#include "loop.h"
#include "util.h"

struct ChardevSocket {
    Chardev parent_obj;
    int listen_fd;
    /* chardev-add's sockets: this object owns the descriptors and watches
     * them (the monitor's and qtest's belong to their front ends). */
    bool owned;
    /* Reserved for a front end not listening yet. */
    bool reserved;
    bool server;
    /* A client's address as given (SocketAddress), for "addr" and the
     * filename while disconnected. */
    json_t *given;
    SocketListener listener;
    LoopWatch *client_watch;
    /* A unix socket's path as given: qmachined binds a temporary name and
     * renames it, so getsockname() does not tell it. */
    char *path;
    /* Connected clients' fds, oldest first (the filename names the oldest,
     * as QEMU names its one client). */
    int *clients;
    size_t n_clients;
};

/* Numeric host and port of a socket address; false if not inet. */
static bool inet_name(const struct sockaddr_storage *ss, socklen_t len,
                      char *host, size_t hlen, char *serv, size_t slen)
{
    if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6) {
        return false;
    }
    return getnameinfo((const struct sockaddr *)ss, len, host, (socklen_t)hlen,
                       serv, (socklen_t)slen,
                       NI_NUMERICHOST | NI_NUMERICSERV) == 0;
}

/* "unix:PATH", "fd:NAME" or "tcp:HOST:PORT" of a SocketAddress as
 * given. */
static char *given_str(json_t *addr)
{
    json_t *d = json_object_get(addr, "data");
    const char *type = json_string_value(json_object_get(addr, "type"));

    if (type && !strcmp(type, "unix")) {
        return xasprintf("unix:%s",
                         json_string_value(json_object_get(d, "path")));
    }
    if (type && !strcmp(type, "fd")) {
        return xasprintf("fd:%s", json_string_value(json_object_get(d, "str")));
    }
    return xasprintf("tcp:%s:%s", json_string_value(json_object_get(d, "host")),
                     json_string_value(json_object_get(d, "port")));
}

static char *filename_of(const ChardevSocket *s)
{
    struct sockaddr_storage ss, ps;
    socklen_t sl = sizeof(ss), pl = sizeof(ps);
    char h[NI_MAXHOST], p[NI_MAXSERV], ph[NI_MAXHOST], pp[NI_MAXSERV];

    /* An unnamed unix end has no sun_path filled in. */
    memset(&ss, 0, sizeof(ss));
    if (s->n_clients) {
        /* Connected: the accepted socket's two ends. */
        int fd = s->clients[0];
        const char *l = "", *r = "";

        if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
            return xstrdup("unknown");
        }
        if (ss.ss_family == AF_UNIX) {
            if (!s->server) {
                /* The client's own (unnamed) end. */
                return xasprintf("unix:%s",
                                 ((struct sockaddr_un *)&ss)->sun_path);
            }
            return xasprintf("unix:%s,server=on",
                             s->path ? s->path
                                     : ((struct sockaddr_un *)&ss)->sun_path);
        }
        if (getpeername(fd, (struct sockaddr *)&ps, &pl) < 0 ||
            !inet_name(&ss, sl, h, sizeof(h), p, sizeof(p)) ||
            !inet_name(&ps, pl, ph, sizeof(ph), pp, sizeof(pp))) {
            return xstrdup("unknown");
        }
        if (ss.ss_family == AF_INET6) {
            l = "[";
            r = "]";
        }
        return xasprintf("tcp:%s%s%s:%s%s <-> %s%s%s:%s", l, h, r, p,
                         s->server ? ",server=on" : "", l, ph, r, pp);
    }
    if (!s->server) {
        char *g = given_str(s->given);
        char *f = xasprintf("disconnected:%s", g);

        free(g);
        return f;
    }
    if (s->listen_fd < 0 && s->given) {
        /* A server listening on nothing: its address as given. */
        char *g = given_str(s->given);
        char *f = xasprintf("disconnected:%s,server=on", g);

        free(g);
        return f;
    }
    /* Listening only: the address it listens on. */
    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) < 0) {
        return xstrdup("disconnected:unknown");
    }
    if (ss.ss_family == AF_UNIX) {
        return xasprintf("disconnected:unix:%s,server=on",
                         s->path ? s->path
                                 : ((struct sockaddr_un *)&ss)->sun_path);
    }
    if (!inet_name(&ss, sl, h, sizeof(h), p, sizeof(p))) {
        return xstrdup("disconnected:unknown");
    }
    return xasprintf("disconnected:tcp:%s:%s,server=on", h, p);
}

/* The "addr" property: the listening address as a SocketAddress. */
static json_t *get_addr(Object *obj, ObjectProperty *prop, Error **errp)
{
    ChardevSocket *s = CHARDEV_SOCKET(obj);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char h[NI_MAXHOST], p[NI_MAXSERV];

    (void)prop;
    if (!s->server || (s->listen_fd < 0 && s->given)) {
        json_t *d = json_deep_copy(json_object_get(s->given, "data"));

        json_object_set(d, "type", json_object_get(s->given, "type"));
        return d;
    }
    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) < 0) {
        error_setg(errp, "Unable to query local socket address");
        return NULL;
    }
    if (ss.ss_family == AF_UNIX) {
        return json_pack("{s:s, s:s}", "type", "unix", "path",
                         s->path ? s->path
                                 : ((struct sockaddr_un *)&ss)->sun_path);
    }
    if (!inet_name(&ss, sl, h, sizeof(h), p, sizeof(p))) {
        error_setg(errp, "Unable to query local socket address");
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:b}", "type", "inet", "host", h, "port",
                     p, ss.ss_family == AF_INET6 ? "ipv6" : "ipv4", 1);
}

static void client_gone(ChardevSocket *s);

/*
 * A peer that has closed is gone, whether or not the loop has read its
 * end of file yet (say, a client chardev of this process removed by the
 * command before): the kernel knows, so what is reported says so.
 */
static void notice_hangup(ChardevSocket *s)
{
    struct pollfd pfd = { .events = POLLRDHUP };

    if (!s->client_watch || !s->n_clients) {
        return;
    }
    pfd.fd = s->clients[0];
    if (poll(&pfd, 1, 0) > 0 &&
        (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
        client_gone(s);
    }
}

static bool get_connected(Object *obj, Error **errp)
{
    (void)errp;
    notice_hangup(CHARDEV_SOCKET(obj));
    return CHARDEV_SOCKET(obj)->n_clients > 0;
}

/* A front end's chardev: listening, open, not removable. */
static ChardevSocket *front_end_new(const char *id)
{
    Object *obj = object_new(TYPE_CHARDEV_SOCKET);
    ChardevSocket *s = CHARDEV_SOCKET(obj);

    s->server = true;
    s->parent_obj.frontend_open = true;
    s->parent_obj.busy = true;
    object_property_add_child(chardev_root(), id, obj);
    object_unref(obj);
    return s;
}

void chardev_socket_reserve(const char *id)
{
    if (!object_resolve_path_component(chardev_root(), id)) {
        front_end_new(id)->reserved = true;
    }
}

ChardevSocket *chardev_socket_new(const char *id, const ListenAddr *addr,
                                  int listen_fd, Error **errp)
{
    Object *obj = object_resolve_path_component(chardev_root(), id);
    ChardevSocket *s;

    if (obj && object_dynamic_cast(obj, TYPE_CHARDEV_SOCKET) &&
        CHARDEV_SOCKET(obj)->reserved) {
        s = CHARDEV_SOCKET(obj);
        s->reserved = false;
    } else if (obj) {
        error_setg(errp,
                   "attempt to add duplicate property '%s' to object "
                   "(type 'container')",
                   id);
        return NULL;
    } else {
        s = front_end_new(id);
    }
    s->listen_fd = listen_fd;
    s->path = addr->kind == LISTEN_UNIX ? xstrdup(addr->path) : NULL;
    return s;
}

void chardev_socket_client_added(ChardevSocket *s, int fd)
{
    if (!s) {
        return;
    }
    s->clients = xrealloc(s->clients, (s->n_clients + 1) * sizeof(int));
    s->clients[s->n_clients++] = fd;
}

void chardev_socket_client_removed(ChardevSocket *s, int fd)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n_clients; i++) {
        if (s->clients[i] == fd) {
            memmove(s->clients + i, s->clients + i + 1,
                    (s->n_clients - i - 1) * sizeof(int));
            s->n_clients--;
            return;
        }
    }
}

/* ---- chardev-add's sockets ---- */

/* Nothing reads a chardev without a front end: input is dropped. */
static void client_readable(void *opaque, int fd, unsigned events)
{
    ChardevSocket *s = opaque;
    char buf[4096];
    ssize_t n;

    (void)events;
    n = read(fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        client_gone(s);
    }
}

static void listener_readable(void *opaque, int fd, unsigned events);

static void client_gone(ChardevSocket *s)
{
    int fd = s->clients[0];

    loop_watch_remove(s->client_watch);
    s->client_watch = NULL;
    chardev_socket_client_removed(s, fd);
    close(fd);
    if (s->server && !s->listener.watch) {
        /* Listening again for the next client. */
        s->listener.watch =
            loop_watch_fd(s->listen_fd, LOOP_READ, listener_readable, s);
    }
}

static void listener_readable(void *opaque, int fd, unsigned events)
{
    ChardevSocket *s = opaque;
    int cfd;

    (void)fd;
    (void)events;
    cfd = socket_accept_listener(&s->listener);
    if (cfd < 0) {
        return;
    }
    /* One client at a time, as QEMU: stop listening meanwhile. */
    socket_listener_cancel_backoff(&s->listener);
    loop_watch_remove(s->listener.watch);
    s->listener.watch = NULL;
    chardev_socket_client_added(s, cfd);
    s->client_watch = loop_watch_fd(cfd, LOOP_READ, client_readable, s);
}

/*
 * The descriptor an "fd" address names, as QEMU's socket_get_fd: the
 * monitor's (fds) or the number itself, which must be a socket.
 */
static int fd_address(const char *name, const ChardevFdSource *fds,
                      Error **errp)
{
    struct stat st;
    int64_t n;
    int fd;

    if (fds) {
        fd = fds->take ? fds->take(fds->opaque, name, errp) : -1;
        if (fd < 0) {
            return -1;
        }
    } else {
        if (keyval_strtoi64(name, 10, &n) || n < 0 || n > INT32_MAX) {
            error_setg(errp, "Unable to parse FD number %s", name);
            return -1;
        }
        fd = (int)n;
    }
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        error_setg(errp, "File descriptor '%s' is not a socket", name);
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* A server on a given socket listens on it (which may already listen), as
 * QEMU does with a backlog of one. */
static int listen_fd(const char *name, const ChardevFdSource *fds, Error **errp)
{
    int fd = fd_address(name, fds, errp);

    if (fd < 0) {
        return -1;
    }
    if (listen(fd, 1) < 0) {
        error_setg(errp, "Failed to listen on fd socket: %s", strerror(errno));
        close(fd);
        return -1;
    }
    socket_set_nonblock(fd);
    return fd;
}

bool chardev_socket_open(ChardevSocket *s, json_t *data,
                         const ChardevFdSource *fds, Error **errp)
{
    json_t *addr = json_object_get(data, "addr");
    json_t *ad = json_object_get(addr, "data");
    const char *type = json_string_value(json_object_get(addr, "type"));
    ListenAddr a = { .fd = -1 };
    bool ok = false;
    int fd;

    /* QMP's server defaults to on (the command line's to off). */
    s->server = !json_is_false(json_object_get(data, "server"));
    if (!s->server && json_object_get(data, "wait")) {
        error_setg(errp, "'wait' option is incompatible with socket in "
                         "client connect mode");
        return false;
    }
    if (!strcmp(type, "unix")) {
        a.kind = LISTEN_UNIX;
        a.path = xstrdup(json_string_value(json_object_get(ad, "path")));
    } else if (!strcmp(type, "inet")) {
        a.kind = LISTEN_TCP;
        a.host = xstrdup(json_string_value(json_object_get(ad, "host")));
        a.port = xstrdup(json_string_value(json_object_get(ad, "port")));
    } else if (!strcmp(type, "fd")) {
        a.kind = LISTEN_FD;
    } else {
        error_setg(errp, "socket address type '%s' is not modelled", type);
        return false;
    }
    a.server = s->server;
    s->owned = true;
    s->given = json_incref(addr);
    if (s->server && a.kind == LISTEN_FD &&
        !*json_string_value(json_object_get(ad, "str"))) {
        /* As QEMU: a server given no descriptor listens on nothing. */
        ok = true;
    } else if (s->server) {
        fd = a.kind == LISTEN_FD
                 ? listen_fd(json_string_value(json_object_get(ad, "str")), fds,
                             errp)
                 : socket_listen(&a, errp);
        if (fd >= 0) {
            s->listen_fd = fd;
            s->listener.fd = fd;
            s->path = a.kind == LISTEN_UNIX ? xstrdup(a.path) : NULL;
            s->listener.watch =
                loop_watch_fd(fd, LOOP_READ, listener_readable, s);
            ok = true;
        }
    } else {
        /* A given socket is the connection, whatever its state: one that
         * is not connected is seen to hang up at once. */
        fd = a.kind == LISTEN_FD
                 ? fd_address(json_string_value(json_object_get(ad, "str")),
                              fds, errp)
                 : socket_connect(&a, errp);
        if (fd >= 0) {
            socket_set_nonblock(fd);
            chardev_socket_client_added(s, fd);
            s->client_watch = loop_watch_fd(fd, LOOP_READ, client_readable, s);
            ok = true;
        }
    }
    listen_addr_clear(&a);
    return ok;
}

static bool socket_open(Chardev *chr, json_t *data, const ChardevFdSource *fds,
                        Error **errp)
{
    return chardev_socket_open(CHARDEV_SOCKET(chr), data, fds, errp);
}

static char *socket_filename(Chardev *chr)
{
    ChardevSocket *s = CHARDEV_SOCKET(chr);

    notice_hangup(s);
    return filename_of(s);
}

/*
 * As QEMU closing a listening socket: a unix one's path is removed
 * (passed descriptors' too), if a socket is still there.
 */
static void unlink_listening(ChardevSocket *s)
{
    /* Room for a terminating NUL after a full sun_path. */
    union {
        struct sockaddr_un un;
        char bytes[sizeof(struct sockaddr_un) + 1];
    } sa;
    socklen_t len = sizeof(sa.un);
    const char *path = s->path;
    struct stat st;

    memset(&sa, 0, sizeof(sa));
    if (!path) {
        if (getsockname(s->listen_fd, (struct sockaddr *)&sa.un, &len) < 0 ||
            sa.un.sun_family != AF_UNIX ||
            len <= offsetof(struct sockaddr_un, sun_path) ||
            !sa.un.sun_path[0]) {
            return;
        }
        path = sa.un.sun_path;
    }
    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
}

static void socket_close(ChardevSocket *s)
{
    if (!s->owned) {
        return;
    }
    loop_watch_remove(s->client_watch);
    s->client_watch = NULL;
    for (size_t i = 0; i < s->n_clients; i++) {
        close(s->clients[i]);
    }
    s->n_clients = 0;
    socket_listener_cancel_backoff(&s->listener);
    loop_watch_remove(s->listener.watch);
    s->listener.watch = NULL;
    if (s->listen_fd >= 0) {
        unlink_listening(s);
        close(s->listen_fd);
    }
}

static void chardev_socket_init(Object *obj)
{
    CHARDEV_SOCKET(obj)->listen_fd = -1;
}

static void chardev_socket_finalize(Object *obj)
{
    socket_close(CHARDEV_SOCKET(obj));
    free(CHARDEV_SOCKET(obj)->clients);
    free(CHARDEV_SOCKET(obj)->path);
    json_decref(CHARDEV_SOCKET(obj)->given);
}

static void chardev_socket_class_init(ObjectClass *k, void *data)
{
    (void)data;
    CHARDEV_CLASS(k)->filename = socket_filename;
    CHARDEV_CLASS(k)->open = socket_open;
    /* QEMU's registration order. */
    object_class_property_add(k, "addr", "SocketAddress", get_addr, NULL, NULL,
                              NULL);
    object_class_property_add_bool(k, "connected", get_connected, NULL);
}

static const TypeInfo chardev_types[] = {
    {
        .name = TYPE_CHARDEV,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Chardev),
        .class_size = sizeof(ChardevClass),
        .instance_init = chardev_instance_init,
        .instance_finalize = chardev_instance_finalize,
        .abstract = true,
    },
    {
        .name = TYPE_CHARDEV_SOCKET,
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(ChardevSocket),
        .instance_init = chardev_socket_init,
        .instance_finalize = chardev_socket_finalize,
        .class_init = chardev_socket_class_init,
    },
};

void chardev_socket_register_types(void)
{
    type_register_static_array(chardev_types, ARRAY_SIZE(chardev_types));
}
