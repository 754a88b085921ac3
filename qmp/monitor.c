/*
 * QMP over sockets.  Any number of clients per listening socket (QEMU
 * serves one); each client has its own negotiation state and output
 * buffer.  Replies and events are written as one line ending "\r\n".
 * What a client is sent during one round of the event loop is written
 * at the round's end (a loop round hook), in one write: a reply and the
 * events that follow it in the same round (the simulated guest's _OST,
 * DEVICE_DELETED) reach the client together, in the same order and with
 * the same bytes as when each was written on its own, for one wake-up.
 * A client that stops reading has its input paused once its output
 * backlog grows past a limit, as QEMU suspends a monitor.
 */
#include "monitor.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "json-out.h"
#include "json-stream.h"
#include "qmp.h"
#include "src/chardev-socket.h"
#include "src/loop.h"
#include "src/sockets.h"
#include "src/util.h"

#define OUTPUT_BACKLOG_LIMIT (4u << 20)
/*
 * Input is parsed this many bytes at a time, so one read full of
 * commands stops once their replies pass the backlog limit; the rest
 * waits (bounded by one read) until the client has taken its replies.
 */
#define FEED_PIECE 512
/* Output collected past this much is written at once, not at round end. */
#define FLUSH_NOW (64u << 10)
/* Events still go to a client that stops reading, up to this much. */
#define OUTPUT_HARD_LIMIT (16u << 20)
#define READ_SIZE 65536
/*
 * Descriptors one message may carry (QEMU's SOCKET_MAX_FDS); the kernel
 * closes any beyond.  A client holds at most these unclaimed: the ones
 * of its newest message that carried any (older ones are closed).
 */
#define MONITOR_MAX_FDS 16

typedef struct MonitorServer {
    SocketListener listener;
    ChardevSocket *chr; /* /chardevs/ID */
    struct QmpNamedFd *named_fds; /* getfd's, for all its clients */
    struct MonitorServer *next;
} MonitorServer;

typedef struct MonitorClient {
    QmpSession session; /* first: the session is the client */
    int fd;
    ChardevSocket *chr; /* the chardev it connected through */
    LoopWatch *watch;
    JsonStream *stream;
    JsonBuf out;
    size_t out_pos;
    /* read but not parsed yet (at most READ_SIZE): read_buf while the
     * read is parsed, then a copy of what is left, if anything */
    char *unfed;
    size_t unfed_len, unfed_pos;
    bool closing;
    bool in_feed;
    bool dirty; /* sent to this round, not written yet: on dirty_clients */
    struct MonitorClient *next_dirty;
    /* received with SCM_RIGHTS, not taken by a command yet */
    int msgfds[MONITOR_MAX_FDS];
    unsigned n_msgfds;
    struct MonitorClient *next;
} MonitorClient;

static void client_event(void *opaque, const char *name, QmpEventMsg *ev);

static MonitorServer *servers;
static MonitorClient *clients;
static MonitorClient *dirty_clients;
/*
 * Every read goes here first (one loop: one read parsed at a time); only
 * what a client leaves unparsed is copied into a buffer of its own.
 */
static char read_buf[READ_SIZE];

static void client_update_watch(MonitorClient *c)
{
    unsigned ev = 0;
    size_t pending = c->out.len - c->out_pos;
    /* Input waits while the session has its most commands in flight. */
    bool unfed = c->unfed_pos < c->unfed_len && !qmp_session_busy(&c->session);

    if (c->dirty) {
        return; /* the round's end writes the output, then comes here */
    }
    if (pending < OUTPUT_BACKLOG_LIMIT && c->unfed_pos >= c->unfed_len) {
        ev |= LOOP_READ;
    }
    /* unparsed input is taken up again once the output drains */
    if (pending || unfed) {
        ev |= LOOP_WRITE;
    }
    loop_watch_set_events(c->watch, ev);
}

static void client_drop_msgfds(MonitorClient *c, unsigned from)
{
    unsigned i;

    for (i = from; i < c->n_msgfds; i++) {
        close(c->msgfds[i]);
    }
    c->n_msgfds = 0;
}

/* QEMU's qemu_chr_fe_get_msgfd: the first descriptor; the others go. */
static int client_take_fd(QmpSession *s)
{
    MonitorClient *c = (MonitorClient *)s;
    int fd;

    if (!c->n_msgfds) {
        return -1;
    }
    fd = c->msgfds[0];
    client_drop_msgfds(c, 1);
    return fd;
}

/*
 * Reads input and the descriptors sent with it: they replace the ones
 * still held, as QEMU's socket chardev does.
 */
static ssize_t client_recv(MonitorClient *c, void *buf, size_t len)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * MONITOR_MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg;
    int fds[MONITOR_MAX_FDS];
    unsigned nfds = 0;
    ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);

    if (n < 0) {
        return n;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        size_t i, count;

        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < count; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (nfds < MONITOR_MAX_FDS) {
                fds[nfds++] = fd;
            } else {
                close(fd);
            }
        }
    }
    if (nfds) {
        client_drop_msgfds(c, 0);
        memcpy(c->msgfds, fds, nfds * sizeof(int));
        c->n_msgfds = nfds;
    }
    return n;
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
    for (p = &dirty_clients; c->dirty && *p; p = &(*p)->next_dirty) {
        if (*p == c) {
            *p = c->next_dirty;
            break;
        }
    }
    qmp_event_unsubscribe(client_event, c);
    qmp_session_end(&c->session);
    client_drop_msgfds(c, 0);
    qmp_fd_monitor_closed();
    loop_watch_remove(c->watch);
    chardev_socket_client_removed(c->chr, c->fd);
    close(c->fd);
    json_stream_free(c->stream);
    json_buf_free(&c->out);
    if (c->unfed != read_buf) {
        free(c->unfed);
    }
    free(c);
}

static void client_try_write(MonitorClient *c)
{
    while (c->out_pos < c->out.len) {
        ssize_t n =
            write(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos);

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
        memmove(c->out.data, c->out.data + c->out_pos, c->out.len - c->out_pos);
        c->out.len -= c->out_pos;
        c->out_pos = 0;
    }
}

/* After a write: a client whose backlog passed the hard limit goes. */
static void client_check_backlog(MonitorClient *c)
{
    if (c->out.len - c->out_pos > OUTPUT_HARD_LIMIT) {
        static bool said;

        if (!said) {
            fprintf(stderr,
                    "qmachined: QMP client not reading, "
                    "disconnected (more than %u MiB waiting)\n",
                    OUTPUT_HARD_LIMIT >> 20);
            said = true;
        }
        c->closing = true;
    }
}

/* The round's end: writes what each client was sent during the round. */
static void flush_dirty(void *opaque)
{
    (void)opaque;
    while (dirty_clients) {
        MonitorClient *c = dirty_clients;

        dirty_clients = c->next_dirty;
        c->dirty = false;
        if (!c->closing) {
            client_try_write(c);
            client_check_backlog(c);
        }
        if (c->closing) {
            client_free(c);
            continue;
        }
        client_update_watch(c);
    }
}

/* A message was added to c->out (without its line end). */
static void client_queued(MonitorClient *c)
{
    json_buf_append(&c->out, "\r\n", 2);
    if (!c->dirty) {
        c->dirty = true;
        c->next_dirty = dirty_clients;
        dirty_clients = c;
    }
    /* A big backlog goes now; a client gone is freed at the round's end. */
    if (c->out.len - c->out_pos >= FLUSH_NOW) {
        client_try_write(c);
        client_check_backlog(c);
    }
}

static void client_send(QmpSession *s, json_t *msg)
{
    MonitorClient *c = (MonitorClient *)s;

    if (c->closing) {
        return;
    }
    json_out_append(&c->out, msg);
    client_queued(c);
}

static void client_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    MonitorClient *c = opaque;
    const char *text;
    size_t len;

    (void)name;
    if (c->session.negotiated && !c->closing) {
        text = qmp_event_text(ev, &len);
        json_buf_append(&c->out, text, len);
        client_queued(c);
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

/* Parses unfed input while the replies so far fit the backlog. */
static void client_feed(MonitorClient *c)
{
    c->in_feed = true;
    while (!c->closing && c->unfed_pos < c->unfed_len &&
           c->out.len - c->out_pos < OUTPUT_BACKLOG_LIMIT &&
           !qmp_session_busy(&c->session)) {
        size_t n = c->unfed_len - c->unfed_pos;

        if (n > FEED_PIECE) {
            n = FEED_PIECE;
        }
        json_stream_feed(c->stream, c->unfed + c->unfed_pos, n);
        c->unfed_pos += n;
    }
    c->in_feed = false;
    if (c->unfed_pos == c->unfed_len) {
        c->unfed_pos = c->unfed_len = 0;
        if (c->unfed != read_buf) {
            free(c->unfed);
        }
        c->unfed = NULL;
    } else if (c->unfed == read_buf) {
        /* Left for later: the shared buffer takes the next read. */
        c->unfed_len -= c->unfed_pos;
        c->unfed = xmalloc(c->unfed_len);
        memcpy(c->unfed, read_buf + c->unfed_pos, c->unfed_len);
        c->unfed_pos = 0;
    }
}

static void client_io(void *opaque, int fd, unsigned events)
{
    MonitorClient *c = opaque;
    ssize_t n;

    (void)fd;
    if (events & LOOP_WRITE) {
        client_try_write(c);
        client_feed(c);
    }
    if (!c->closing && (events & LOOP_READ) && !c->unfed_len) {
        n = client_recv(c, read_buf, READ_SIZE);
        if (n == 0) {
            c->closing = true;
        } else if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                c->closing = true;
            }
        } else {
            c->unfed = read_buf;
            c->unfed_len = (size_t)n;
            c->unfed_pos = 0;
            client_feed(c);
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
    MonitorServer *srv = opaque;
    MonitorClient *c;
    json_t *greeting;
    int cfd = socket_accept_listener(&srv->listener);

    if (cfd < 0) {
        return;
    }
    c = xzalloc(sizeof(*c));
    c->fd = cfd;
    c->session.oob_offered = true;
    c->session.send = client_send;
    c->session.take_fd = client_take_fd;
    c->session.named_fds = &srv->named_fds;
    c->stream = json_stream_new(client_request, c);
    c->watch = loop_watch_fd(cfd, LOOP_READ, client_io, c);
    if (!c->watch) {
        json_stream_free(c->stream);
        close(cfd);
        free(c);
        return;
    }
    c->chr = srv->chr;
    chardev_socket_client_added(c->chr, cfd);
    qmp_fd_monitor_opened();
    c->next = clients;
    clients = c;
    qmp_event_subscribe(client_event, c);
    greeting = qmp_greeting(&c->session);
    client_send(&c->session, greeting); /* written at the round's end */
    json_decref(greeting);
}

bool monitor_listen(const ListenAddr *addr, Error **errp)
{
    static bool hooked;
    MonitorServer *srv;
    int fd;

    if (!hooked && !(hooked = loop_add_round_hook(flush_dirty, NULL))) {
        error_setg(errp, "too many event loop hooks");
        return false;
    }
    fd = socket_listen(addr, errp);
    if (fd < 0) {
        return false;
    }
    srv = xzalloc(sizeof(*srv));
    if (addr->chardev_id) {
        srv->chr = chardev_socket_new(addr->chardev_id, addr, fd, errp);
        if (!srv->chr) {
            if (addr->kind != LISTEN_FD) {
                close(fd);
            }
            free(srv);
            return false;
        }
    }
    srv->listener.fd = fd;
    srv->listener.watch = loop_watch_fd(fd, LOOP_READ, server_accept, srv);
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
    qmp_fdsets_free_all();
    while (servers) {
        MonitorServer *s = servers;

        servers = s->next;
        qmp_named_fds_close(&s->named_fds);
        socket_listener_cancel_backoff(&s->listener);
        loop_watch_remove(s->listener.watch);
        close(s->listener.fd);
        free(s);
    }
}
