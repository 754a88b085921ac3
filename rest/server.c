/*
 * The REST front end's HTTP side: one libmicrohttpd daemon per --rest
 * address, in "external epoll" mode (no MHD threads).  MHD's epoll
 * descriptor is watched by the event loop, MHD_run() runs when it is
 * readable, and MHD_get_timeout() becomes a loop timer.
 *
 * Connections: the listening socket is ours (MHD_USE_NO_LISTEN_SOCKET);
 * the loop accepts and hands each connection to MHD_add_connection(), so
 * the limit is ours too.  Past it (or when accept() meets the descriptor
 * limit) a client gets a fixed 503 with Retry-After and is closed; accept
 * never spins.  A connection with no activity for REST_IDLE_TIMEOUT_S is
 * closed by MHD.  MHD watches its sockets edge-triggered and, after a
 * short read, waits for the next edge: a client whose request and FIN
 * arrive together would sit in CLOSE-WAIT until the timeout.  So every
 * connection is also in a private epoll set for EPOLLRDHUP; a hang-up
 * found there is passed on (shutdown(SHUT_RD) makes a new edge, MHD reads
 * the EOF and closes), and a hung-up event stream is ended at once.
 *
 * Requests: the page's files (/, /page.css, /page.js: no token needed,
 * they hold no machine state), bearer-token check (401), route lookup (404/405;
 * 400 for a malformed path), body limit (413), Content-Type (415 unless the
 * body is declared JSON), JSON parse (400), then the route (routes.c).  The URL
 * reaches routes.c still percent-encoded (an identity unescape callback),
 * so a decoded %00 keeps its place and length.
 *
 * Server-Sent Events (GET /api/v1/events): every QMP event is appended to
 * each stream's buffer; a stream with nothing to send suspends its
 * connection (MHD_ALLOW_SUSPEND_RESUME) and is resumed when data arrives.
 * A heartbeat comment every 15 s keeps proxies happy and finds clients
 * that went away without a FIN (the write fails and MHD frees the
 * stream); one that hung up is ended at once (see Connections).  A
 * stream's buffer holds its unsent backlog only, SSE_BUFFER_LIMIT at most.
 */
#include "rest/rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "qmp/json-out.h"
#include "qmp/json-stream.h"
#include "qmp/qmp.h"
#include "rest/rest-int.h"
#include "src/dynlib.h"
#include "src/loop.h"
#include "src/sockets.h"
#include "src/util.h"

#define SSE_HEARTBEAT_MS 15000
#define SSE_BUFFER_LIMIT (4u << 20) /* a stream this far behind is cut */
#define TOKEN_MAX 4096

#define REST_IDLE_TIMEOUT_S 30 /* no bytes either way for this long */
#define REST_MAX_CONNECTIONS 512 /* default, all --rest addresses */
#define REST_MAX_CONNECTIONS_CAP 65536
#define REST_FD_RESERVE 64 /* descriptors kept for the rest */
#define ACCEPT_BATCH 64 /* accept()s per wake-up */
#define ACCEPT_RETRY_MS 100 /* pause after EMFILE with no spare */
#define REFUSE_DRAIN_MAX 65536 /* request bytes read before closing */
#define LINGER_MAX 64 /* refused clients read until EOF */
#define LINGER_MS 2000
#define NUDGE_MS 100 /* again, while a hung-up one stays */

typedef struct RestServer RestServer;
struct RestServer {
    struct MHD_Daemon *mhd;
    LoopWatch *watch;
    LoopTimer *timer;
    int listen_fd;
    LoopWatch *listen_watch; /* NULL while accepting is paused */
    LoopTimer *accept_timer; /* resumes accepting */
    bool in_run;
    bool kicked; /* run again as soon as possible */
    char *unix_path;
    char *token; /* NULL: no authentication */
    RestServer *next;
};

typedef struct SseClient SseClient;

/* One accepted connection (MHD's socket context). */
typedef struct RestSock RestSock;
struct RestSock {
    RestServer *srv;
    int fd;
    bool hung_up; /* then on the hung list until MHD closes it */
    SseClient *sse; /* its event stream, if any */
    RestSock *hung_next;
};

struct SseClient {
    RestServer *srv;
    struct MHD_Connection *conn;
    RestSock *sock;
    JsonBuf buf; /* unsent bytes start at off */
    size_t off;
    bool suspended;
    bool closing;
    SseClient *next;
};

/* Per-request state (MHD's con_cls). */
typedef struct RestConn {
    const RestRoute *route;
    char *param;
    size_t param_len;
    JsonBuf body;
    bool too_large;
    bool answered;
} RestConn;

/*
 * libmicrohttpd's functions, looked up when the first --rest listener
 * starts (a machine without REST never loads the library).
 */
static struct {
    __typeof__(MHD_add_connection) *add_connection;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_create_response_from_callback)
        *create_response_from_callback;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_get_timeout) *get_timeout;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_resume_connection) *resume_connection;
    __typeof__(MHD_run) *run;
    __typeof__(MHD_set_connection_option) *set_connection_option;
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_suspend_connection) *suspend_connection;
} mhd;

static bool load_mhd(Error **errp)
{
    static const DynSym syms[] = {
        { "MHD_add_connection", (void **)&mhd.add_connection },
        { "MHD_add_response_header", (void **)&mhd.add_response_header },
        { "MHD_create_response_from_buffer",
          (void **)&mhd.create_response_from_buffer },
        { "MHD_create_response_from_callback",
          (void **)&mhd.create_response_from_callback },
        { "MHD_destroy_response", (void **)&mhd.destroy_response },
        { "MHD_get_connection_info", (void **)&mhd.get_connection_info },
        { "MHD_get_daemon_info", (void **)&mhd.get_daemon_info },
        { "MHD_get_timeout", (void **)&mhd.get_timeout },
        { "MHD_lookup_connection_value",
          (void **)&mhd.lookup_connection_value },
        { "MHD_queue_response", (void **)&mhd.queue_response },
        { "MHD_resume_connection", (void **)&mhd.resume_connection },
        { "MHD_run", (void **)&mhd.run },
        { "MHD_set_connection_option", (void **)&mhd.set_connection_option },
        { "MHD_start_daemon", (void **)&mhd.start_daemon },
        { "MHD_stop_daemon", (void **)&mhd.stop_daemon },
        { "MHD_suspend_connection", (void **)&mhd.suspend_connection },
    };

    return mhd.run || dynlib_load("libmicrohttpd.so.12", syms,
                                  sizeof(syms) / sizeof(syms[0]), errp);
}

static RestServer *servers;
static SseClient *sse_clients;
static LoopTimer *heartbeat;
static int64_t heartbeat_ms = SSE_HEARTBEAT_MS;

static unsigned conn_limit; /* over every --rest address */
static unsigned conn_count;
static char *busy_reply; /* the whole 503 answer */
static size_t busy_reply_len;
static int hup_epfd = -1; /* EPOLLRDHUP of every connection */
static LoopWatch *hup_watch;
static RestSock *hung; /* hung up, not yet closed by MHD */
static LoopTimer *nudge_timer;
static int spare_fd = -1; /* given up to answer at EMFILE */

/* A refused client: its 503 is sent; read (and drop) until it closes. */
typedef struct Lingering Lingering;
struct Lingering {
    int fd;
    LoopWatch *watch;
    LoopTimer *timer;
    Lingering *next;
};
static Lingering *lingering;
static unsigned n_lingering;

/* ---- Driving MHD from the loop ------------------------------------- */

static void server_run(RestServer *srv);

static void on_timer(void *opaque)
{
    RestServer *srv = opaque;

    srv->timer = NULL;
    server_run(srv);
}

static void server_schedule(RestServer *srv)
{
    MHD_UNSIGNED_LONG_LONG ms = 0;
    int64_t delay;

    loop_timer_cancel(srv->timer);
    srv->timer = NULL;
    if (srv->kicked) {
        delay = 0;
    } else if (mhd.get_timeout(srv->mhd, &ms) == MHD_YES) {
        delay = (int64_t)ms * 1000000;
    } else {
        return;
    }
    srv->timer = loop_timer_add(delay, on_timer, srv);
}

static void server_run(RestServer *srv)
{
    srv->in_run = true;
    srv->kicked = false;
    mhd.run(srv->mhd);
    srv->in_run = false;
    server_schedule(srv);
}

/* Something changed outside MHD_run (a resumed stream): run soon. */
static void server_kick(RestServer *srv)
{
    srv->kicked = true;
    if (!srv->in_run) {
        server_schedule(srv);
    }
}

static void on_epoll(void *opaque, int fd, unsigned events)
{
    server_run(opaque);
}

/* ---- Server-Sent Events -------------------------------------------- */

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    SseClient *c = cls;
    size_t n = c->buf.len - c->off;

    if (c->closing) {
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (n == 0) {
        c->buf.len = c->off = 0;
        mhd.suspend_connection(c->conn);
        c->suspended = true;
        return 0;
    }
    if (n > max) {
        n = max;
    }
    memcpy(buf, c->buf.data + c->off, n);
    c->off += n;
    if (c->off == c->buf.len) {
        c->buf.len = c->off = 0;
    }
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    SseClient *c = cls, **pp;

    for (pp = &sse_clients; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    if (c->sock) {
        c->sock->sse = NULL;
    }
    json_buf_free(&c->buf);
    free(c);
}

static void sse_wake(SseClient *c)
{
    if (c->suspended) {
        c->suspended = false;
        mhd.resume_connection(c->conn);
        server_kick(c->srv);
    }
}

static void sse_push(const char *text, size_t len)
{
    SseClient *c;

    for (c = sse_clients; c; c = c->next) {
        if (c->closing) {
            continue;
        }
        if (c->buf.len - c->off + len > SSE_BUFFER_LIMIT) {
            c->closing = true; /* too slow: cut it off */
        } else {
            /* Drop what was sent, so the buffer holds the backlog only. */
            if (c->off && (c->off >= 65536 || c->off * 2 >= c->buf.len)) {
                memmove(c->buf.data, c->buf.data + c->off, c->buf.len - c->off);
                c->buf.len -= c->off;
                c->off = 0;
            }
            json_buf_append(&c->buf, text, len);
        }
        sse_wake(c);
    }
}

static void on_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    const char *json;
    char *text;
    size_t len;

    if (!sse_clients) {
        return;
    }
    json = qmp_event_text(ev, &len);
    text = xasprintf("event: %s\ndata: %.*s\n\n", name, (int)len, json);
    sse_push(text, strlen(text));
    free(text);
}

static void on_heartbeat(void *opaque)
{
    static const char beat[] = ": heartbeat\n\n";

    sse_push(beat, sizeof(beat) - 1);
    heartbeat = loop_timer_add(heartbeat_ms * 1000000, on_heartbeat, NULL);
}

static enum MHD_Result start_stream(RestServer *srv,
                                    struct MHD_Connection *conn)
{
    static const char hello[] = ": qmachined event stream\n\n";
    SseClient *c = xzalloc(sizeof(*c));
    struct MHD_Response *r;
    enum MHD_Result ret;
    const union MHD_ConnectionInfo *info;
    unsigned timeout;

    c->srv = srv;
    c->conn = conn;
    info = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info && info->socket_context) {
        c->sock = info->socket_context;
        c->sock->sse = c;
    }
    /* Heartbeats are the activity that keeps a healthy stream open. */
    timeout = (unsigned)(heartbeat_ms / 1000) * 2 + 1;
    if (timeout < REST_IDLE_TIMEOUT_S) {
        timeout = REST_IDLE_TIMEOUT_S;
    }
    mhd.set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, timeout);
    json_buf_append(&c->buf, hello, sizeof(hello) - 1);
    c->next = sse_clients;
    sse_clients = c;
    r = mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c,
                                          sse_free);
    mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/event-stream");
    mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    ret = mhd.queue_response(conn, MHD_HTTP_OK, r);
    mhd.destroy_response(r); /* frees c if it was not queued */
    return ret;
}

/* ---- Requests ------------------------------------------------------- */

static enum MHD_Result send_reply(struct MHD_Connection *conn, RestReply *rep)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (rep->body) {
        char *json = json_out_dumps(rep->body);
        char *text = xasprintf("%s\n", json);

        free(json);
        r = mhd.create_response_from_buffer(strlen(text), text,
                                            MHD_RESPMEM_MUST_FREE);
        mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json");
    } else if (rep->raw) {
        r = mhd.create_response_from_buffer(rep->raw_len, (void *)rep->raw,
                                            MHD_RESPMEM_PERSISTENT);
        mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                rep->content_type);
    } else {
        r = mhd.create_response_from_buffer(0, (void *)"",
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (rep->page) {
        /* Only the page's own files; no inline script or style. */
        mhd.add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; "
                                "style-src 'self'; connect-src 'self'; "
                                "img-src 'self'; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'");
        mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
        mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    }
    if (rep->location) {
        mhd.add_response_header(r, MHD_HTTP_HEADER_LOCATION, rep->location);
    }
    if (rep->allow) {
        mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, rep->allow);
    }
    if (rep->status == MHD_HTTP_UNAUTHORIZED) {
        mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"qmachined\"");
    }
    ret = mhd.queue_response(conn, rep->status, r);
    mhd.destroy_response(r);
    rest_reply_clear(rep);
    return ret;
}

static bool token_equal(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), i;
    unsigned char diff = n != m;

    for (i = 0; i < m; i++) {
        diff |= (unsigned char)(i < n ? a[i] : 0) ^ (unsigned char)b[i];
    }
    return diff == 0;
}

static bool authorized(RestServer *srv, struct MHD_Connection *conn)
{
    const char *h;

    if (!srv->token) {
        return true;
    }
    h = mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7)) {
        return false;
    }
    h += 7;
    h += strspn(h, " ");
    return token_equal(h, srv->token);
}

static bool is_json_type(const char *ct)
{
    size_t n = strlen("application/json");

    return ct && !strncasecmp(ct, "application/json", n) &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

typedef struct ParseResult {
    json_t *value;
    Error *err;
    unsigned count;
} ParseResult;

static void parse_emit(void *opaque, json_t *value, Error *err)
{
    ParseResult *p = opaque;

    p->count++;
    if (p->count == 1) {
        p->value = value;
        p->err = err;
    } else {
        json_decref(value);
        error_free(err);
    }
}

/* Parses a body with the QMP parser (QEMU's number rules included). */
static json_t *parse_body(const char *data, size_t len, RestReply *rep)
{
    ParseResult p = { NULL, NULL, 0 };
    JsonStream *js = json_stream_new(parse_emit, &p);
    char *desc;

    json_stream_feed(js, data, len);
    json_stream_flush(js);
    json_stream_free(js);
    if (p.value && p.count == 1) {
        return p.value;
    }
    desc = xasprintf("The request body is not a JSON value: %s",
                     p.err     ? error_get_pretty(p.err)
                     : p.count ? "trailing data after the value"
                               : "empty");
    /* Declared JSON but not JSON: a bad request, not a bad media type. */
    rest_reply_error(rep, MHD_HTTP_BAD_REQUEST, "GenericError", desc);
    free(desc);
    json_decref(p.value);
    error_free(p.err);
    return NULL;
}

static enum MHD_Result too_large(struct MHD_Connection *conn, RestReply *rep)
{
    char *desc =
        xasprintf("The request body exceeds %u bytes", REST_BODY_LIMIT);

    rest_reply_error(rep, 413, "GenericError", desc);
    free(desc);
    return send_reply(conn, rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    RestServer *srv = cls;
    RestConn *rc = *con_cls;
    RestReply rep = { 0 };
    json_t *body = NULL;
    const char *h;

    if (!rc) {
        /* Headers are in: answer early what needs no body. */
        rc = xzalloc(sizeof(*rc));
        *con_cls = rc;
        if (rest_page_match(method, url, &rep)) {
            rc->answered = true;
            return send_reply(conn, &rep);
        }
        if (!authorized(srv, conn)) {
            rc->answered = true;
            rest_reply_error(&rep, MHD_HTTP_UNAUTHORIZED, "GenericError",
                             "Authentication required: send "
                             "'Authorization: Bearer <token>'");
            return send_reply(conn, &rep);
        }
        rc->route =
            rest_route_match(method, url, &rc->param, &rc->param_len, &rep);
        if (!rc->route) {
            rc->answered = true;
            return send_reply(conn, &rep);
        }
        h = mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (h && strtoull(h, NULL, 10) > REST_BODY_LIMIT) {
            rc->answered = true;
            return too_large(conn, &rep);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!rc->answered && !rc->too_large) {
            if (rc->body.len + *upload_data_size > REST_BODY_LIMIT) {
                rc->too_large = true;
                json_buf_free(&rc->body);
            } else {
                json_buf_append(&rc->body, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rc->answered) {
        return MHD_YES;
    }
    rc->answered = true;
    if (rc->too_large) {
        return too_large(conn, &rep);
    }
    if (rest_route_has_body(rc->route) && rc->body.len) {
        h = mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_CONTENT_TYPE);
        if (!is_json_type(h)) {
            rest_reply_error(&rep, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                             "GenericError",
                             "The request body must be JSON "
                             "(Content-Type: application/json)");
            return send_reply(conn, &rep);
        }
        body = parse_body(rc->body.data, rc->body.len, &rep);
        if (!body) {
            return send_reply(conn, &rep);
        }
    }
    rest_route_run(rc->route, rc->param, rc->param_len, body, &rep);
    json_decref(body);
    if (rep.event_stream) {
        rest_reply_clear(&rep);
        return start_stream(srv, conn);
    }
    return send_reply(conn, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    RestConn *rc = *con_cls;

    if (rc) {
        free(rc->param);
        json_buf_free(&rc->body);
        free(rc);
        *con_cls = NULL;
    }
}

/* ---- Connections: limit, hang-ups, accepting ------------------------ */

/* MHD gets the URL as sent; routes.c decodes each path segment itself. */
static size_t keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

static void on_connection(void *cls, struct MHD_Connection *conn,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    RestSock *sock = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct epoll_event ev = { .events = EPOLLRDHUP | EPOLLET };

        sock = xzalloc(sizeof(*sock));
        sock->srv = cls;
        sock->fd = info ? info->connect_fd : -1;
        ev.data.ptr = sock;
        if (sock->fd >= 0 && hup_epfd >= 0) {
            epoll_ctl(hup_epfd, EPOLL_CTL_ADD, sock->fd, &ev);
        }
        *socket_context = sock;
        conn_count++;
        return;
    }
    if (!sock) {
        return;
    }
    /* Closed: MHD closes the descriptor after this returns. */
    if (!sock->hung_up && sock->fd >= 0 && hup_epfd >= 0) {
        epoll_ctl(hup_epfd, EPOLL_CTL_DEL, sock->fd, NULL);
    }
    if (sock->hung_up) {
        RestSock **pp;

        for (pp = &hung; *pp; pp = &(*pp)->hung_next) {
            if (*pp == sock) {
                *pp = sock->hung_next;
                break;
            }
        }
    }
    if (sock->sse) {
        sock->sse->sock = NULL;
    }
    free(sock);
    *socket_context = NULL;
    conn_count--;
}

/*
 * Makes MHD read sock again: shutting down the reading side sends
 * nothing but wakes the socket's waiters, a new edge for MHD's epoll, and
 * MHD's next read returns 0 (EOF), after which it closes the connection.
 */
static void nudge(RestSock *sock)
{
    shutdown(sock->fd, SHUT_RD);
    if (sock->sse) {
        sock->sse->closing = true; /* suspended: MHD reads nothing */
        sse_wake(sock->sse);
    }
    server_kick(sock->srv);
}

/*
 * A nudge that came before MHD read the request's last bytes is spent
 * (MHD reads them, short, and waits for an edge again), so a hung-up
 * connection that is still open is nudged again every NUDGE_MS.
 */
static void on_nudge(void *opaque)
{
    RestSock *sock;

    nudge_timer = NULL;
    for (sock = hung; sock; sock = sock->hung_next) {
        nudge(sock);
    }
    if (hung) {
        nudge_timer = loop_timer_add(NUDGE_MS * 1000000LL, on_nudge, NULL);
    }
}

/* Peers that sent FIN (or reset): make MHD see it now. */
static void on_hangups(void *opaque, int fd, unsigned events)
{
    struct epoll_event evs[64];
    int n, i;

    n = epoll_wait(hup_epfd, evs, ARRAY_SIZE(evs), 0);
    for (i = 0; i < n; i++) {
        RestSock *sock = evs[i].data.ptr;

        if (sock->hung_up) {
            continue;
        }
        sock->hung_up = true;
        sock->hung_next = hung;
        hung = sock;
        /* Once is enough (and our own shutdown would report again). */
        epoll_ctl(hup_epfd, EPOLL_CTL_DEL, sock->fd, NULL);
        nudge(sock);
    }
    if (hung && !nudge_timer) {
        nudge_timer = loop_timer_add(NUDGE_MS * 1000000LL, on_nudge, NULL);
    }
}

static void linger_end(Lingering *l)
{
    Lingering **pp;

    for (pp = &lingering; *pp; pp = &(*pp)->next) {
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    }
    loop_watch_remove(l->watch);
    loop_timer_cancel(l->timer);
    close(l->fd);
    free(l);
    n_lingering--;
}

static void on_linger_read(void *opaque, int fd, unsigned events)
{
    char buf[4096];
    size_t total = 0;
    ssize_t n;

    while (total < REFUSE_DRAIN_MAX &&
           (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        total += (size_t)n;
    }
    if (total < REFUSE_DRAIN_MAX && (n == 0 || errno != EAGAIN)) {
        linger_end(opaque); /* EOF or error: the client is done */
    }
}

static void on_linger_timer(void *opaque)
{
    Lingering *l = opaque;

    l->timer = NULL;
    linger_end(l);
}

/*
 * Answers 503 without MHD.  Closing at once would lose the answer when
 * the request is still on its way (a reset over TCP, EPIPE for the
 * client over a unix socket), so the refused client is read until it
 * closes or for LINGER_MS, LINGER_MAX of them at most; with linger false
 * (no descriptor to spare) the socket is closed at once.
 */
static void refuse(int fd, bool linger)
{
    char buf[4096];
    size_t drained = 0;
    Lingering *l;
    ssize_t n;

    while (drained < REFUSE_DRAIN_MAX &&
           (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        drained += (size_t)n;
    }
    n = send(fd, busy_reply, busy_reply_len, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)n;
    shutdown(fd, SHUT_WR);
    if (!linger || n_lingering >= LINGER_MAX) {
        close(fd);
        return;
    }
    l = xzalloc(sizeof(*l));
    l->fd = fd;
    l->watch = loop_watch_fd(fd, LOOP_READ, on_linger_read, l);
    l->timer = loop_timer_add(LINGER_MS * 1000000LL, on_linger_timer, l);
    l->next = lingering;
    lingering = l;
    n_lingering++;
    if (!l->watch) {
        linger_end(l);
    }
}

static void on_accept(void *opaque, int fd, unsigned events);

static void accept_resume(void *opaque)
{
    RestServer *srv = opaque;

    srv->accept_timer = NULL;
    if (!srv->listen_watch) {
        srv->listen_watch =
            loop_watch_fd(srv->listen_fd, LOOP_READ, on_accept, srv);
    }
}

static void accept_pause(RestServer *srv)
{
    loop_watch_remove(srv->listen_watch);
    srv->listen_watch = NULL;
    if (!srv->accept_timer) {
        srv->accept_timer =
            loop_timer_add(ACCEPT_RETRY_MS * 1000000LL, accept_resume, srv);
    }
}

/*
 * Out of descriptors: give up the spare one to take the next client off
 * the backlog and answer it 503.  1: one refused; 0: the backlog is
 * empty; -1: no spare to give (accepting must pause).
 */
static int refuse_with_spare(RestServer *srv)
{
    int fd, err;

    if (spare_fd < 0) {
        spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        return -1;
    }
    close(spare_fd);
    fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    err = errno;
    if (fd >= 0) {
        refuse(fd, false);
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return err == EAGAIN || err == EWOULDBLOCK ? 0 : -1;
    }
    return spare_fd >= 0 ? 1 : -1;
}

static void on_accept(void *opaque, int lfd, unsigned events)
{
    RestServer *srv = opaque;
    int i, r;

    for (i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept4(lfd, (struct sockaddr *)&ss, &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) {
                continue;
            }
            if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS &&
                errno != ENOMEM) {
                break; /* EAGAIN: the backlog is empty */
            }
            r = refuse_with_spare(srv);
            if (r < 0) {
                accept_pause(srv); /* never spin on a full table */
            }
            if (r <= 0) {
                break;
            }
            continue;
        }
        if (conn_count >= conn_limit) {
            refuse(fd, true);
            continue;
        }
        /* MHD closes fd itself when it cannot take it. */
        if (mhd.add_connection(srv->mhd, fd, (struct sockaddr *)&ss, len) ==
            MHD_YES) {
            server_kick(srv);
        }
    }
}

/* The connection limit (QMACHINED_REST_MAX_CONNECTIONS or the default,
 * kept below the descriptor limit) and the 503 answer past it. */
static void limits_init(void)
{
    const char *env = getenv("QMACHINED_REST_MAX_CONNECTIONS");
    struct rlimit rl;
    RestReply rep = { 0 };
    char *desc, *json;

    if (conn_limit) {
        return;
    }
    conn_limit = REST_MAX_CONNECTIONS;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t room = rl.rlim_cur > REST_FD_RESERVE + 2
                          ? (rl.rlim_cur - REST_FD_RESERVE) / 2
                          : 1;

        if (room < conn_limit) {
            conn_limit = (unsigned)room;
        }
    }
    if (env && atoll(env) > 0) {
        long long v = atoll(env);

        conn_limit = v > REST_MAX_CONNECTIONS_CAP ? REST_MAX_CONNECTIONS_CAP
                                                  : (unsigned)v;
    }
    desc = xasprintf("Too many REST connections (the limit is %u); "
                     "retry later",
                     conn_limit);
    rest_reply_error(&rep, MHD_HTTP_SERVICE_UNAVAILABLE, "GenericError", desc);
    json = json_out_dumps(rep.body);
    busy_reply = xasprintf("HTTP/1.1 503 Service Unavailable\r\n"
                           "Content-Type: application/json\r\n"
                           "Content-Length: %zu\r\n"
                           "Retry-After: 1\r\n"
                           "Connection: close\r\n\r\n%s\n",
                           strlen(json) + 1, json);
    busy_reply_len = strlen(busy_reply);
    free(json);
    free(desc);
    rest_reply_clear(&rep);
    hup_epfd = epoll_create1(EPOLL_CLOEXEC);
    if (hup_epfd >= 0) {
        hup_watch = loop_watch_fd(hup_epfd, LOOP_READ, on_hangups, NULL);
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* ---- Listening ------------------------------------------------------ */

/* True when every address host resolves to is a loopback address. */
static bool host_is_loopback(const char *host)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
    struct addrinfo *res, *ai;
    bool loopback = true;

    if (!host || !*host || getaddrinfo(host, NULL, &hints, &res) != 0) {
        return false;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET) {
            const struct sockaddr_in *sin = (void *)ai->ai_addr;

            loopback &= (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
        } else if (ai->ai_family == AF_INET6) {
            const struct sockaddr_in6 *sin6 = (void *)ai->ai_addr;

            loopback &= IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
        } else {
            loopback = false;
        }
    }
    freeaddrinfo(res);
    return loopback;
}

static char *read_token(const char *path, Error **errp)
{
    char buf[TOKEN_MAX + 1];
    size_t n;
    FILE *f = fopen(path, "r");

    if (!f) {
        error_setg(errp, "--rest-token-file %s: %s", path, strerror(errno));
        return NULL;
    }
    n = fread(buf, 1, TOKEN_MAX + 1, f);
    fclose(f);
    while (n > 0 && strchr(" \t\r\n", buf[n - 1])) {
        n--;
    }
    if (n == 0 || n > TOKEN_MAX || memchr(buf, '\0', n) ||
        memchr(buf, '\n', n)) {
        error_setg(errp,
                   "--rest-token-file %s: the file must hold one "
                   "token of 1 to %d bytes on one line",
                   path, TOKEN_MAX);
        return NULL;
    }
    return xstrndup(buf, n);
}

static void server_free(RestServer *srv)
{
    loop_timer_cancel(srv->timer);
    loop_timer_cancel(srv->accept_timer);
    loop_watch_remove(srv->watch);
    loop_watch_remove(srv->listen_watch);
    if (srv->mhd) {
        mhd.stop_daemon(srv->mhd); /* closes its connections */
    }
    if (srv->listen_fd >= 0) {
        close(srv->listen_fd);
    }
    if (srv->unix_path) {
        unlink(srv->unix_path);
        free(srv->unix_path);
    }
    free(srv->token);
    free(srv);
}

/* A descriptor handed over: false when it is an IP socket on an address
 * other than loopback ones (a unix socket is fine). */
static bool fd_is_local(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return true; /* socket_listen() reports what is wrong with it */
    }
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *sin = (void *)&ss;

        return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (void *)&ss;

        return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
    }
    return true;
}

bool rest_listen(const ListenAddr *addr, const char *token_file, Error **errp)
{
    const union MHD_DaemonInfo *info;
    RestServer *srv;
    char *where;
    int fd;

    where = socket_addr_str(addr);
    if (!token_file &&
        ((addr->kind == LISTEN_TCP && !host_is_loopback(addr->host)) ||
         (addr->kind == LISTEN_FD && !fd_is_local(addr->fd)))) {
        error_setg(errp,
                   "--rest %s: refusing to serve the REST API on a "
                   "non-loopback address without --rest-token-file",
                   where);
        free(where);
        return false;
    }
    if (addr->kind == LISTEN_FD) {
        int on = 0;
        socklen_t len = sizeof(on);

        if (getsockopt(addr->fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) < 0 ||
            !on) {
            error_setg(errp, "--rest %s: not a listening socket", where);
            free(where);
            return false;
        }
    }
    if (!load_mhd(errp)) {
        error_prepend(errp, "--rest %s: ", where);
        free(where);
        return false;
    }
    limits_init();
    srv = xzalloc(sizeof(*srv));
    srv->listen_fd = -1;
    if (token_file && !(srv->token = read_token(token_file, errp))) {
        goto fail;
    }
    fd = socket_listen(addr, errp);
    if (fd < 0) {
        error_prepend(errp, "--rest %s: ", where);
        goto fail;
    }
    if (addr->kind == LISTEN_UNIX) {
        srv->unix_path = xstrdup(addr->path);
        if (chmod(addr->path, 0600) < 0) {
            error_setg(errp, "--rest %s: chmod: %s", where, strerror(errno));
            close(fd);
            goto fail;
        }
    }
    srv->listen_fd = fd;
    srv->mhd = mhd.start_daemon(
        MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET, 0,
        NULL, NULL, on_request, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
        /* Ours counts every address; this one
         * only backs it up. */
        MHD_OPTION_CONNECTION_LIMIT, conn_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)REST_IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (!srv->mhd) {
        error_setg(errp, "--rest %s: cannot start the HTTP server", where);
        goto fail;
    }
    info = mhd.get_daemon_info(srv->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    if (!info || info->epoll_fd < 0) {
        error_setg(errp, "--rest %s: HTTP server has no epoll descriptor",
                   where);
        goto fail;
    }
    srv->watch = loop_watch_fd(info->epoll_fd, LOOP_READ, on_epoll, srv);
    srv->listen_watch = loop_watch_fd(fd, LOOP_READ, on_accept, srv);
    if (!servers) {
        const char *ms = getenv("QMACHINED_REST_HEARTBEAT_MS");

        if (ms && atoll(ms) > 0) {
            heartbeat_ms = atoll(ms);
        }
        qmp_event_subscribe(on_event, NULL);
        heartbeat = loop_timer_add(heartbeat_ms * 1000000, on_heartbeat, NULL);
    }
    srv->next = servers;
    servers = srv;
    server_schedule(srv);
    free(where);
    return true;

fail:
    server_free(srv);
    free(where);
    return false;
}

void rest_cleanup(void)
{
    SseClient *c;
    RestServer *srv;

    if (!servers) {
        return;
    }
    /* Suspended streams must be resumed before MHD can stop. */
    for (c = sse_clients; c; c = c->next) {
        c->closing = true;
        sse_wake(c);
    }
    for (srv = servers; srv; srv = srv->next) {
        mhd.run(srv->mhd);
    }
    while ((srv = servers)) {
        servers = srv->next;
        server_free(srv);
    }
    qmp_event_unsubscribe(on_event, NULL);
    loop_timer_cancel(heartbeat);
    heartbeat = NULL;
    while (lingering) {
        linger_end(lingering);
    }
    loop_timer_cancel(nudge_timer);
    nudge_timer = NULL;
    loop_watch_remove(hup_watch);
    hup_watch = NULL;
    if (hup_epfd >= 0) {
        close(hup_epfd);
        hup_epfd = -1;
    }
    if (spare_fd >= 0) {
        close(spare_fd);
        spare_fd = -1;
    }
    free(busy_reply);
    busy_reply = NULL;
    conn_limit = 0;
}
