/* See chardev-socket.h. */
#include "chardev-socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "util.h"

struct ChardevSocket {
    Object parent_obj;
    int listen_fd;
    /* A unix socket's path as given: qmachined binds a temporary name and
     * renames it, so getsockname() does not tell it. */
    char *path;
    /* Connected clients' fds, oldest first (the filename names the oldest,
     * as QEMU names its one client). */
    int *clients;
    size_t n_clients;
    bool frontend_open;
};

OBJECT_DECLARE_CASTS(ChardevSocket, ObjectClass, CHARDEV_SOCKET,
                     TYPE_CHARDEV_SOCKET)

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

static char *filename_of(const ChardevSocket *s)
{
    struct sockaddr_storage ss, ps;
    socklen_t sl = sizeof(ss), pl = sizeof(ps);
    char h[NI_MAXHOST], p[NI_MAXSERV], ph[NI_MAXHOST], pp[NI_MAXSERV];

    if (s->n_clients) {
        /* Connected: the accepted socket's two ends. */
        int fd = s->clients[0];
        const char *l = "", *r = "";

        if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
            return xstrdup("unknown");
        }
        if (ss.ss_family == AF_UNIX) {
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
        return xasprintf("tcp:%s%s%s:%s,server=on <-> %s%s%s:%s", l, h, r, p, l,
                         ph, r, pp);
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

static bool get_connected(Object *obj, Error **errp)
{
    (void)errp;
    return CHARDEV_SOCKET(obj)->n_clients > 0;
}

ChardevSocket *chardev_socket_new(const char *id, const ListenAddr *addr,
                                  int listen_fd, Error **errp)
{
    Object *root = container_get(object_get_root(), "/chardevs");
    Object *obj;
    ChardevSocket *s;

    if (object_resolve_path_component(root, id)) {
        error_setg(errp,
                   "attempt to add duplicate property '%s' to object "
                   "(type 'container')",
                   id);
        return NULL;
    }
    obj = object_new(TYPE_CHARDEV_SOCKET);
    s = CHARDEV_SOCKET(obj);
    s->listen_fd = listen_fd;
    s->path = addr->kind == LISTEN_UNIX ? xstrdup(addr->path) : NULL;
    s->frontend_open = true;
    object_property_add_child(root, id, obj);
    object_unref(obj);
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

typedef struct ForeachCtx {
    ChardevInfoFunc *fn;
    void *opaque;
} ForeachCtx;

static int foreach_one(Object *obj, void *opaque)
{
    ForeachCtx *ctx = opaque;
    char *name;

    if (!object_dynamic_cast(obj, TYPE_CHARDEV_SOCKET)) {
        return 0;
    }
    name = filename_of(CHARDEV_SOCKET(obj));
    ctx->fn(object_get_canonical_path_component(obj), name,
            CHARDEV_SOCKET(obj)->frontend_open, ctx->opaque);
    free(name);
    return 0;
}

void chardev_foreach(ChardevInfoFunc *fn, void *opaque)
{
    ForeachCtx ctx = { fn, opaque };

    object_child_foreach(container_get(object_get_root(), "/chardevs"),
                         foreach_one, &ctx);
}

static void chardev_socket_finalize(Object *obj)
{
    free(CHARDEV_SOCKET(obj)->clients);
    free(CHARDEV_SOCKET(obj)->path);
}

static void chardev_socket_class_init(ObjectClass *k, void *data)
{
    (void)data;
    /* QEMU's registration order. */
    object_class_property_add(k, "addr", "SocketAddress", get_addr, NULL, NULL,
                              NULL);
    object_class_property_add_bool(k, "connected", get_connected, NULL);
}

static const TypeInfo chardev_types[] = {
    {
        .name = TYPE_CHARDEV,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(ChardevSocket),
        .class_size = sizeof(ObjectClass),
        .abstract = true,
    },
    {
        .name = TYPE_CHARDEV_SOCKET,
        .parent = TYPE_CHARDEV,
        .instance_finalize = chardev_socket_finalize,
        .class_init = chardev_socket_class_init,
    },
};

void chardev_socket_register_types(void)
{
    type_register_static_array(chardev_types, ARRAY_SIZE(chardev_types));
}
