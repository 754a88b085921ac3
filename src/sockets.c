#include "sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

int socket_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        return -1;
    }
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * The socket is bound under a temporary name and renamed into place once
 * it listens, so a client that sees the path can always connect.
 */
/* The unix sockets this process created, removed at exit as QEMU does. */
typedef struct CreatedSocket {
    char *path;
    dev_t dev;
    ino_t ino;
} CreatedSocket;

static CreatedSocket *created;
static size_t n_created;

static void remember_created(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        return;
    }
    created = xrealloc(created, sizeof(*created) * (n_created + 1));
    created[n_created].path = xstrdup(path);
    created[n_created].dev = st.st_dev;
    created[n_created].ino = st.st_ino;
    n_created++;
}

/* The address the last socket_listen() bound, as socket_bound_str(). */
static char *last_bound;

void socket_remove_created(void)
{
    struct stat st;
    size_t i;

    for (i = 0; i < n_created; i++) {
        /* Only if the path is still the socket made here. */
        if (stat(created[i].path, &st) == 0 && S_ISSOCK(st.st_mode) &&
            st.st_dev == created[i].dev && st.st_ino == created[i].ino) {
            unlink(created[i].path);
        }
        free(created[i].path);
    }
    free(created);
    created = NULL;
    n_created = 0;
    free(last_bound);
    last_bound = NULL;
}

static int listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *tmp;
    int fd;

    if (strlen(path) + 16 >= sizeof(sa.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
    strcpy(sa.sun_path, tmp);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error_setg(errp, "Failed to create Unix socket: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    unlink(tmp);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg(errp, "Failed to bind socket to %s: %s", path,
                   strerror(errno));
        goto fail;
    }
    if (listen(fd, 64) < 0) {
        error_setg(errp, "Failed to listen on socket: %s", strerror(errno));
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        error_setg(errp, "Failed to bind socket to %s: %s", path,
                   strerror(errno));
        goto fail;
    }
    free(tmp);
    remember_created(path);
    return fd;

fail:
    unlink(tmp);
    free(tmp);
    close(fd);
    return -1;
}

static int listen_tcp(const char *host, const char *port, Error **errp)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res, *ai;
    int fd = -1, rc, one = 1, saved = 0;

    rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host ? host : "", port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 128) == 0) {
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg(errp, "Failed to bind socket: %s", strerror(saved));
    }
    return fd;
}

void listen_addr_clear(ListenAddr *a)
{
    free(a->path);
    free(a->host);
    free(a->port);
    free(a->chardev_id);
}

void listen_addr_copy(ListenAddr *dst, const ListenAddr *src)
{
    *dst = (ListenAddr){ .kind = src->kind,
                         .fd = -1,
                         .path = src->path ? xstrdup(src->path) : NULL,
                         .host = src->host ? xstrdup(src->host) : NULL,
                         .port = src->port ? xstrdup(src->port) : NULL };
}

int socket_connect(const ListenAddr *addr, Error **errp)
{
    int fd = -1;

    if (addr->kind == LISTEN_UNIX) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t len = strlen(addr->path);
        socklen_t salen = sizeof(sa);

        if (len >= sizeof(sa.sun_path)) {
            error_setg(errp, "UNIX socket path '%s' is too long", addr->path);
            return -1;
        }
        memcpy(sa.sun_path, addr->path, len);
        if (addr->path[0] == '@') {
            /* "@NAME": an abstract socket (QEMU's abstract=on). */
            sa.sun_path[0] = '\0';
            salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, salen) < 0) {
            error_setg(errp, "Failed to connect to '%s': %s", addr->path,
                       strerror(errno));
            close(fd);
            return -1;
        }
    } else {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
        int rc = getaddrinfo(addr->host && *addr->host ? addr->host : NULL,
                             addr->port, &hints, &res);

        if (rc) {
            error_setg(errp, "address resolution failed for %s:%s: %s",
                       addr->host, addr->port, gai_strerror(rc));
            return -1;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
            if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                break;
            }
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg(errp, "Failed to connect to '%s:%s': %s", addr->host,
                       addr->port, strerror(errno));
            return -1;
        }
    }
    if (fd < 0) {
        error_setg(errp, "socket: %s", strerror(errno));
    }
    return fd;
}

char *socket_bound_str(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[INET6_ADDRSTRLEN];

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return xasprintf("fd:%d", fd);
    }
    if (ss.ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;

        return xasprintf("unix:%.*s",
                         (int)strnlen(un->sun_path, sizeof(un->sun_path)),
                         un->sun_path);
    }
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        return xasprintf("tcp:%s:%u", host, ntohs(in->sin_port));
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        return xasprintf("tcp:[%s]:%u", host, ntohs(in6->sin6_port));
    }
    return xasprintf("fd:%d", fd);
}

const char *socket_last_bound(void)
{
    return last_bound;
}

static int socket_listen_any(const ListenAddr *addr, Error **errp)
{
    switch (addr->kind) {
    case LISTEN_UNIX:
        return listen_unix(addr->path, errp);
    case LISTEN_TCP:
        return listen_tcp(addr->host, addr->port, errp);
    case LISTEN_FD:
        if (socket_set_nonblock(addr->fd) < 0) {
            error_setg(errp, "File descriptor '%d' is not valid", addr->fd);
            return -1;
        }
        fcntl(addr->fd, F_SETFD, FD_CLOEXEC);
        return addr->fd;
    }
    return -1;
}

int socket_listen(const ListenAddr *addr, Error **errp)
{
    int fd = socket_listen_any(addr, errp);

    if (fd >= 0) {
        free(last_bound);
        /* A unix socket is bound under a temporary name, then renamed. */
        last_bound = addr->kind == LISTEN_UNIX
                         ? xasprintf("unix:%s", addr->path)
                         : socket_bound_str(fd);
    }
    return fd;
}

char *socket_addr_str(const ListenAddr *addr)
{
    switch (addr->kind) {
    case LISTEN_UNIX:
        return xasprintf("unix:%s", addr->path);
    case LISTEN_TCP:
        return xasprintf("tcp:%s:%s", addr->host ? addr->host : "", addr->port);
    case LISTEN_FD:
        return xasprintf("fd:%d", addr->fd);
    }
    return xstrdup("?");
}

int socket_accept(int listen_fd)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    int one = 1;

    if (fd >= 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

static void listener_rearm(void *opaque)
{
    SocketListener *l = opaque;

    l->backoff = NULL;
    loop_watch_set_events(l->watch, LOOP_READ);
}

int socket_accept_listener(SocketListener *l)
{
    static bool said;
    int fd = socket_accept(l->fd);

    if (fd >= 0 || l->backoff) {
        return fd;
    }
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
        errno == ENOMEM) {
        if (!said) {
            fprintf(stderr,
                    "qmachined: cannot accept connections: %s; "
                    "retrying every %d ms\n",
                    strerror(errno), ACCEPT_BACKOFF_MS);
            said = true;
        }
        loop_watch_set_events(l->watch, 0);
        l->backoff = loop_timer_add((int64_t)ACCEPT_BACKOFF_MS * 1000000,
                                    listener_rearm, l);
    }
    return -1;
}

void socket_listener_cancel_backoff(SocketListener *l)
{
    loop_timer_cancel(l->backoff);
    l->backoff = NULL;
}
