/*
 * QMP over sockets.  Any number of clients per listening socket (QEMU
 * serves one); each client has its own negotiation state and output
 * buffer.  Replies and events are written as one line ending "\r\n".
 * A client that stops reading has its input paused once its output
 * backlog grows past a limit, as QEMU suspends a monitor.
 */
#include "monitor.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json-out.h"
#include "json-stream.h"
#include "qmp.h"
#include "src/loop.h"
#include "src/sockets.h"
#include "src/util.h"

#define OUTPUT_BACKLOG_LIMIT (4u << 20)

typedef struct MonitorServer {
    int fd;
    LoopWatch *watch;
    struct MonitorServer *next;
} MonitorServer;

typedef struct MonitorClient {
    QmpSession session; /* first: the session is the client */
    int fd;
    LoopWatch *watch;
    JsonStream *stream;
    JsonBuf out;
    size_t out_pos;
    bool closing;
    bool in_feed;
    struct MonitorClient *next;
} MonitorClient;

static void client_event(void *opaque, const char *name, json_t *msg);

static MonitorServer *servers;
static MonitorClient *clients;

static void client_update_watch(MonitorClient *c)
{
    unsigned ev = 0;
    size_t pending = c->out.len - c->out_pos;

    if (pending < OUTPUT_BACKLOG_LIMIT) {
        ev |= LOOP_READ;
    }
    if (pending) {
        ev |= LOOP_WRITE;
    }
    loop_watch_set_events(c->watch, ev);
}

static void client_free(MonitorClient *c)
{
    MonitorClient **p;

    for (p = &clients; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    qmp_event_unsubscribe(client_event, c);
    loop_watch_remove(c->watch);
    close(c->fd);
    json_stream_free(c->stream);
    json_buf_free(&c->out);
    free(c);
}

/* Marks the client for closing; freed once no callback is running. */
static void client_close(MonitorClient *c)
{
    c->closing = true;
    if (!c->in_feed) {
        client_free(c);
    }
}

static void client_try_write(MonitorClient *c)
{
    while (c->out_pos < c->out.len) {
        ssize_t n = write(c->fd, c->out.data + c->out_pos,
                          c->out.len - c->out_pos);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            c->closing = true;
            return;
        }
        c->out_pos += (size_t)n;
    }
    if (c->out_pos == c->out.len) {
        c->out.len = c->out_pos = 0;
    } else if (c->out_pos > (1u << 16) && c->out_pos * 2 > c->out.len) {
        memmove(c->out.data, c->out.data + c->out_pos,
                c->out.len - c->out_pos);
        c->out.len -= c->out_pos;
        c->out_pos = 0;
    }
}

static void client_send(QmpSession *s, json_t *msg)
{
    MonitorClient *c = (MonitorClient *)s;

    if (c->closing) {
        return;
    }
    json_out_append(&c->out, msg);
    json_buf_append(&c->out, "\r\n", 2);
    client_try_write(c);
    if (!c->closing) {
        client_update_watch(c);
    }
}

static void client_event(void *opaque, const char *name, json_t *msg)
{
    MonitorClient *c = opaque;

    if (c->session.negotiated) {
        client_send(&c->session, msg);
    }
}

static void client_request(void *opaque, json_t *value, Error *err)
{
    MonitorClient *c = opaque;

    if (c->closing) {
        json_decref(value);
        error_free(err);
        return;
    }
    qmp_handle_request(&c->session, value, err);
    json_decref(value);
}

static void client_io(void *opaque, int fd, unsigned events)
{
    MonitorClient *c = opaque;
    char buf[65536];
    ssize_t n;

    if (events & LOOP_WRITE) {
        client_try_write(c);
    }
    if (!c->closing && (events & LOOP_READ)) {
        n = read(fd, buf, sizeof(buf));
        if (n == 0) {
            c->closing = true;
        } else if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                c->closing = true;
            }
        } else {
            c->in_feed = true;
            json_stream_feed(c->stream, buf, (size_t)n);
            c->in_feed = false;
        }
    }
    if (c->closing) {
        client_free(c);
        return;
    }
    client_update_watch(c);
}

static void server_accept(void *opaque, int fd, unsigned events)
{
    MonitorClient *c;
    json_t *greeting;
    int cfd = socket_accept(fd);

    if (cfd < 0) {
        return;
    }
    c = xzalloc(sizeof(*c));
    c->fd = cfd;
    c->session.oob_offered = true;
    c->session.send = client_send;
    c->stream = json_stream_new(client_request, c);
    c->watch = loop_watch_fd(cfd, LOOP_READ, client_io, c);
    if (!c->watch) {
        json_stream_free(c->stream);
        close(cfd);
        free(c);
        return;
    }
    c->next = clients;
    clients = c;
    qmp_event_subscribe(client_event, c);
    greeting = qmp_greeting(&c->session);
    client_send(&c->session, greeting);
    json_decref(greeting);
    if (c->closing) {
        client_close(c);
    }
}

bool monitor_listen(const ListenAddr *addr, Error **errp)
{
    MonitorServer *srv;
    int fd = socket_listen(addr, errp);

    if (fd < 0) {
        return false;
    }
    srv = xzalloc(sizeof(*srv));
    srv->fd = fd;
    srv->watch = loop_watch_fd(fd, LOOP_READ, server_accept, srv);
    srv->next = servers;
    servers = srv;
    return true;
}

void monitor_flush_all(void)
{
    MonitorClient *c;

    for (c = clients; c; c = c->next) {
        int tries = 50;

        while (!c->closing && c->out_pos < c->out.len && tries-- > 0) {
            struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

            poll(&pfd, 1, 10);
            client_try_write(c);
        }
    }
}

void monitor_cleanup(void)
{
    while (clients) {
        client_free(clients);
    }
    while (servers) {
        MonitorServer *s = servers;

        servers = s->next;
        loop_watch_remove(s->watch);
        close(s->fd);
        free(s);
    }
}
