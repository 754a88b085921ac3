#include "forward.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forward-libvirt.h"
#include "forward-machine.h"
#include "json-out.h"
#include "json-stream.h"
#include "acpi/ospm.h"
#include "src/loop.h"
#include "src/object.h"
#include "src/pci.h"
#include "src/runstate.h"
#include "src/qdev.h"
#include "src/util.h"

#define CONNECT_TIMEOUT_MS 10000
/* Reconnecting: the first try after this, doubling up to the maximum. */
#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 5000
#define READ_SIZE 65536
/* Commands waiting to be written to QEMU, over all clients. */
#define UPSTREAM_BACKLOG_LIMIT (16u << 20)

/* One forwarded (or locally answered) request of a session. */
typedef struct Entry {
    struct Entry *next; /* in its session's queue */
    struct Entry *inflight_next; /* in the table of commands QEMU has */
    QmpSession *session;
    char tag[32]; /* the id QEMU sees */
    json_t *client_id; /* the client's id, or NULL: it gave none */
    json_t *reply; /* NULL: still waiting */
    bool oob;
    /* A command the local model replays once QEMU has done it. */
    json_t *replay;
    /* qmachined's own query (no session): gets QEMU's reply. */
    void (*done)(void *opaque, json_t *rsp);
    void *opaque;
    struct Drift *drift; /* a drift query answering this request */
    /* Held while the model catches up: the request, or a drift query. */
    struct Entry *held_next;
    json_t *held_req;
    bool held_drift;
} Entry;

/* A session's replies, in the order its requests came. */
struct ForwardQueue {
    Entry *head, *tail;
    unsigned pending;
};

static struct {
    bool active;
    bool connected; /* the socket is open */
    bool ready; /* negotiated: commands may go */
    bool via_libvirt; /* --forward libvirt:..., through two pipes */
    bool read_only; /* --forward-read-only */
    bool own_qemu; /* wrapper mode: QEMU is ours; its monitor closes when it
                      ends */
    int wfd; /* where commands are written: fd, or libvirt's pipe */
    ListenAddr addr; /* where QEMU is, for reconnecting */
    LoopTimer *retry;
    int64_t backoff_ms;
    char *where; /* "unix:PATH" / "tcp:HOST:PORT" */
    int fd;
    LoopWatch *watch;
    JsonStream *stream;
    JsonBuf out;
    size_t out_pos;
    json_t *greeting;
    json_t *last_greeting; /* what clients get, also while reconnecting */
    bool greeted; /* the greeting was read */
    json_t *negotiated; /* the reply to qmp_capabilities, once read */
    Entry *inflight;
    unsigned long long next_tag;
    /* The model is catching up with QEMU: clients' commands wait (in
     * order) until it has, so none sees a model half caught up. */
    bool syncing;
    Entry *held, **held_tail;
} up = { .fd = -1, .wfd = -1 };

static void sync_model(void);
static void release_held(void);
static json_t *lost_reply(void);

bool forward_active(void)
{
    return up.active;
}

json_t *forward_status(void)
{
    return json_pack("{s:s, s:b}", "qemu", up.where ? up.where : "",
                     "connected", up.active && up.ready);
}

json_t *forward_lost_error(void)
{
    if (up.ready) {
        return NULL;
    }
    return lost_reply();
}

/* ---- replies ------------------------------------------------------------ */

static struct ForwardQueue *queue_of(QmpSession *s)
{
    if (!s->fwd) {
        s->fwd = xzalloc(sizeof(*s->fwd));
    }
    return s->fwd;
}

static void entry_free(Entry *e)
{
    json_decref(e->client_id);
    json_decref(e->reply);
    json_decref(e->replay);
    json_decref(e->held_req);
    free(e);
}

/* ---- the local model, kept in step -------------------------------------- */

/*
 * Commands that change what the model holds: when QEMU has done one, the
 * model does it too, so it ends where QEMU is (device_del only asks, as
 * in QEMU; the removal follows QEMU's DEVICE_DELETED).
 */
static const char *const replayed[] = {
    "object-add", "object-del", "device_add",
    "device_del", "netdev_add", "netdev_del",
    "qom-set",    "balloon",    "migrate-set-capabilities",
    "stop",       "cont",       "system_reset",
    NULL,
};

static QmpSession model_session = { .negotiated = true };
static unsigned long long replay_failures;
static char *last_replay_failure;

static bool is_replayed(const char *name)
{
    size_t i;

    for (i = 0; name && replayed[i]; i++) {
        if (!strcmp(name, replayed[i])) {
            return true;
        }
    }
    return false;
}

/* The model could not do what QEMU did (err consumed): counted, kept for
 * the drift query, said on stderr. */
static void model_failed(const char *what, Error *err)
{
    replay_failures++;
    free(last_replay_failure);
    last_replay_failure = xasprintf("%s: %s", what, error_get_pretty(err));
    fprintf(stderr, "qmachined: --forward: the model could not follow %s\n",
            last_replay_failure);
    error_free(err);
}

static void replay(json_t *req)
{
    const char *name = json_string_value(json_object_get(req, "execute"));
    json_t *ret = NULL;
    Error *err = NULL;

    if (!qmp_execute(&model_session, name, json_object_get(req, "arguments"),
                     &ret, &err)) {
        model_failed(name, err);
    }
    json_decref(ret);
}

/* QEMU's events that change the model. */
static void model_event(json_t *msg)
{
    const char *name = json_string_value(json_object_get(msg, "event"));
    json_t *data = json_object_get(msg, "data");

    if (name && !strcmp(name, "DEVICE_DELETED")) {
        const char *path = json_string_value(json_object_get(data, "path"));
        Object *obj = path ? object_resolve_path(path, NULL) : NULL;
        DeviceState *dev =
            obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
        Error *err = NULL;

        if (dev && !qdev_remove(dev, &err)) {
            char *what = xasprintf("DEVICE_DELETED %s", path);

            model_failed(what, err);
            free(what);
        }
    }
}

static void inflight_remove(Entry *e)
{
    Entry **p;

    for (p = &up.inflight; *p; p = &(*p)->inflight_next) {
        if (*p == e) {
            *p = e->inflight_next;
            return;
        }
    }
}

/* The session queue_flush() is sending to, and whether it ended meanwhile
 * (a transport may drop a client from inside send()). */
static QmpSession *flushing;
static bool flushing_ended;

/* Sends the session's finished replies, oldest first, up to the first
 * still waiting. */
static void queue_flush(QmpSession *s)
{
    QmpSession *outer = flushing;
    bool outer_ended = flushing_ended;

    flushing = s;
    flushing_ended = false;
    while (s->fwd && s->fwd->head && s->fwd->head->reply) {
        struct ForwardQueue *q = s->fwd;
        Entry *e = q->head;

        q->head = e->next;
        if (!q->head) {
            q->tail = NULL;
        }
        q->pending--;
        s->send(s, e->reply);
        entry_free(e);
        if (flushing_ended) {
            break; /* s is gone */
        }
    }
    flushing = outer;
    flushing_ended = outer_ended;
}

static void queue_append(QmpSession *s, Entry *e)
{
    struct ForwardQueue *q = queue_of(s);

    e->session = s;
    if (q->tail) {
        q->tail->next = e;
    } else {
        q->head = e;
    }
    q->tail = e;
    q->pending++;
}

/* The reply as the client must see it: its own id, or none. */
static void set_reply(Entry *e, json_t *rsp)
{
    json_t *r = json_copy(rsp);

    json_object_del(r, "id");
    if (e->client_id) {
        json_object_set(r, "id", e->client_id);
    }
    e->reply = r;
}

static void complete(Entry *e, json_t *rsp)
{
    QmpSession *s = e->session;

    inflight_remove(e);
    if (e->replay && json_object_get(rsp, "return")) {
        replay(e->replay);
    }
    if (e->done) {
        e->done(e->opaque, rsp);
        entry_free(e);
        return;
    }
    set_reply(e, rsp);
    if (e->oob) {
        /* OOB replies go out at once, as QEMU sends them. */
        json_t *r = json_incref(e->reply);

        entry_free(e);
        s->send(s, r);
        json_decref(r);
        return;
    }
    queue_flush(s);
}

static json_t *lost_reply(void)
{
    Error *err = NULL;
    json_t *rsp;

    error_setg(&err,
               "qmachined: the connection to QEMU's monitor at %s is "
               "closed",
               up.where);
    rsp = qmp_error_response(err);
    error_free(err);
    return rsp;
}

/* ---- QEMU's side -------------------------------------------------------- */

static void reconnect(void *opaque);

static void schedule_reconnect(void)
{
    up.retry = loop_timer_add(up.backoff_ms * 1000000, reconnect, NULL);
    up.backoff_ms =
        up.backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : up.backoff_ms * 2;
}

static void upstream_closed(void)
{
    bool was_ready = up.ready;
    json_t *rsp;

    if (!up.connected) {
        return;
    }
    up.connected = up.ready = false;
    if (was_ready && !up.own_qemu) {
        fprintf(stderr,
                "qmachined: --forward %s: QEMU's monitor closed the "
                "connection; reconnecting\n",
                up.where);
    }
    loop_watch_remove(up.watch);
    up.watch = NULL;
    close(up.fd);
    up.fd = -1;
    up.out.len = up.out_pos = 0;
    json_decref(up.greeting);
    json_decref(up.negotiated);
    up.greeting = up.negotiated = NULL;
    up.greeted = false;
    rsp = lost_reply();
    while (up.inflight) {
        complete(up.inflight, rsp);
    }
    json_decref(rsp);
    if (!up.via_libvirt && !up.own_qemu) {
        schedule_reconnect();
    }
}

void forward_own_qemu(void)
{
    up.own_qemu = true;
}

static void upstream_update_watch(void)
{
    if (up.watch) {
        loop_watch_set_events(
            up.watch, LOOP_READ | (up.out_pos < up.out.len ? LOOP_WRITE : 0));
    }
}

static void upstream_try_write(void)
{
    while (up.connected && up.out_pos < up.out.len) {
        ssize_t n =
            write(up.wfd, up.out.data + up.out_pos, up.out.len - up.out_pos);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                upstream_closed();
            }
            break;
        }
        up.out_pos += (size_t)n;
    }
    if (up.out_pos == up.out.len) {
        up.out.len = up.out_pos = 0;
    }
    upstream_update_watch();
}

static void upstream_send(json_t *msg)
{
    json_out_append(&up.out, msg);
    json_buf_append(&up.out, "\r\n", 2);
    upstream_try_write();
}

/* qmp_capabilities, with OOB when QEMU offers it. */
static void negotiate(void)
{
    json_t *caps =
        json_object_get(json_object_get(up.greeting, "QMP"), "capabilities");
    json_t *cmd = json_pack("{s:s}", "execute", "qmp_capabilities");

    if (json_array_size(caps)) {
        json_object_set_new(cmd, "arguments",
                            json_pack("{s:O}", "enable", caps));
    }
    upstream_send(cmd);
    json_decref(cmd);
}

static Entry *inflight_find(json_t *id)
{
    const char *tag = json_string_value(id);
    Entry *e;

    for (e = up.inflight; tag && e; e = e->inflight_next) {
        if (!strcmp(e->tag, tag)) {
            return e;
        }
    }
    return NULL;
}

/* One message from QEMU. */
static void upstream_message(void *opaque, json_t *msg, Error *err)
{
    (void)opaque;
    if (err || !json_is_object(msg) || !up.connected) {
        error_free(err);
        json_decref(msg);
        return;
    }
    if (!up.greeted) {
        up.greeting = msg;
        json_decref(up.last_greeting);
        up.last_greeting = json_incref(msg);
        up.greeted = true;
        if (up.active) {
            negotiate(); /* reconnected: the loop reads the reply */
        }
        return;
    }
    if (!up.negotiated) {
        up.negotiated = msg;
        if (up.active && json_object_get(msg, "return")) {
            up.ready = true;
            up.backoff_ms = RETRY_MIN_MS;
            sync_model();
            fprintf(stderr, "qmachined: --forward %s: connected again\n",
                    up.where);
        } else if (up.active) {
            upstream_closed();
        }
        return;
    }
    if (json_object_get(msg, "event")) {
        if (!up.active) {
            json_decref(msg); /* no model and no clients yet */
            return;
        }
        model_event(msg);
        qmp_event_broadcast(json_string_value(json_object_get(msg, "event")),
                            msg);
    } else {
        Entry *e = inflight_find(json_object_get(msg, "id"));

        if (e) {
            complete(e, msg);
        }
    }
    json_decref(msg);
}

static void upstream_io(void *opaque, int fd, unsigned events)
{
    char buf[READ_SIZE];
    ssize_t n;

    (void)opaque;
    if (events & LOOP_WRITE) {
        upstream_try_write();
    }
    if (!up.connected || !(events & LOOP_READ)) {
        return;
    }
    n = read(fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        upstream_closed();
        return;
    }
    if (n > 0) {
        json_stream_feed(up.stream, buf, (size_t)n);
    }
}

/* Reads from QEMU until pred holds or the time is up (start-up only). */
static bool read_until(json_t **slot, int timeout_ms)
{
    char buf[4096];

    while (!*slot && up.connected) {
        struct pollfd pfd = { .fd = up.fd, .events = POLLIN };
        int rc = poll(&pfd, 1, timeout_ms);
        ssize_t n;

        if (rc <= 0) {
            return false;
        }
        n = read(up.fd, buf, sizeof(buf));
        if (n <= 0) {
            return false;
        }
        json_stream_feed(up.stream, buf, (size_t)n);
    }
    return *slot != NULL;
}

/*
 * Reconnecting (a timer): a unix connect answers at once, and so does a
 * TCP one refused locally.  The greeting and negotiation then come
 * through the loop.
 */
static void reconnect(void *opaque)
{
    Error *err = NULL;

    (void)opaque;
    up.retry = NULL;
    up.fd = up.wfd = socket_connect(&up.addr, &err);
    if (up.fd < 0 || socket_set_nonblock(up.fd) < 0) {
        error_free(err);
        if (up.fd >= 0) {
            close(up.fd);
            up.fd = -1;
        }
        schedule_reconnect();
        return;
    }
    up.connected = true;
    /* Nothing of the old connection's input is left. */
    json_stream_free(up.stream);
    up.stream = json_stream_new(upstream_message, NULL);
    up.watch = loop_watch_fd(up.fd, LOOP_READ, upstream_io, NULL);
}

/* Connected and negotiated: QEMU's input goes through the loop now. */
bool forward_start(Error **errp)
{
    if (socket_set_nonblock(up.fd) < 0) {
        error_setg(errp, "%s: %s", up.where, strerror(errno));
        return false;
    }
    up.watch = loop_watch_fd(up.fd, LOOP_READ, upstream_io, NULL);
    up.active = up.ready = true;
    /* The model's guest does nothing: QEMU's guest (if any) acts. */
    ospm_set_policy(&(OspmPolicy){ .kind = OSPM_POLICY_PASSIVE });
    sync_model();
    return true;
}

bool forward_open(const ListenAddr *addr, Error **errp)
{
    up.where = socket_addr_str(addr);
    listen_addr_copy(&up.addr, addr);
    up.backoff_ms = RETRY_MIN_MS;
    up.stream = json_stream_new(upstream_message, NULL);
    up.fd = up.wfd = socket_connect(addr, errp);
    if (up.fd < 0) {
        return false;
    }
    up.connected = true;
    if (!read_until(&up.greeting, CONNECT_TIMEOUT_MS) ||
        !json_is_object(json_object_get(up.greeting, "QMP"))) {
        error_setg(errp, "no QMP greeting from %s", up.where);
        return false;
    }
    /* OOB when QEMU offers it, so clients that enable it get it. */
    negotiate();
    if (!read_until(&up.negotiated, CONNECT_TIMEOUT_MS) ||
        !json_object_get(up.negotiated, "return")) {
        error_setg(errp, "capabilities negotiation with %s failed", up.where);
        return false;
    }
    up.ready = true; /* forward_execute_sync() may ask QEMU now */
    return true;
}

json_t *forward_greeting(const QmpSession *s)
{
    json_t *g = json_deep_copy(up.last_greeting);
    json_t *qmp = json_object_get(g, "QMP");

    if (!s->oob_offered) {
        json_object_set_new(qmp, "capabilities", json_array());
    }
    return g;
}

/* Gives e its id for QEMU and puts it among the commands QEMU has. */
static void track(Entry *e)
{
    snprintf(e->tag, sizeof(e->tag), "qmd-fwd-%llu", ++up.next_tag);
    e->inflight_next = up.inflight;
    up.inflight = e;
}

/* Sends req to QEMU under e's id. */
static void send_tracked(Entry *e, json_t *req)
{
    json_t *msg = json_copy(req);

    json_object_set_new(msg, "id", json_string(e->tag));
    upstream_send(msg);
    json_decref(msg);
}

/* ---- qmachined's own queries to QEMU ------------------------------------- */

/* Sends name (args: NULL or borrowed) to QEMU for qmachined itself;
 * done gets the reply. */
static void internal_query(const char *name, json_t *args,
                           void (*done)(void *, json_t *), void *opaque)
{
    Entry *e = xzalloc(sizeof(*e));
    json_t *msg;

    e->done = done;
    e->opaque = opaque;
    track(e);
    if (!up.ready) {
        json_t *rsp = lost_reply();

        complete(e, rsp);
        json_decref(rsp);
        return;
    }
    msg = json_pack("{s:s}", "execute", name);
    if (args) {
        json_object_set(msg, "arguments", args);
    }
    send_tracked(e, msg);
    json_decref(msg);
}

/*
 * The model runs when QEMU does: asked once connected (and again after
 * each reconnect), so a model built from QEMU's arguments follows a QEMU
 * that was started, stopped or resumed before qmachined came.
 */
static void runstate_done(void *opaque, json_t *rsp)
{
    json_t *running =
        json_object_get(json_object_get(rsp, "return"), "running");

    (void)opaque;
    if (json_is_true(running) && !runstate_is_running()) {
        Error *err = NULL;

        if (!vm_cont(&err)) {
            error_free(err);
        }
    } else if (json_is_false(running) && runstate_is_running()) {
        vm_stop();
    }
    release_held(); /* the last step of catching up */
}

/* Runs a command on the model; a failure counts as a replay failure. */
static void model_do(const char *name, json_t *args)
{
    json_t *req = json_pack("{s:s, s:O}", "execute", name, "arguments", args);

    replay(req);
    json_decref(req);
}

/*
 * Catching up (sync_model): the memory backends QEMU has and the model
 * lacks (query-memdev, then each one's type), then the DIMMs
 * (query-memory-devices), then the run state, one step after the other.
 */
static void dimms_done(void *opaque, json_t *rsp);
static void peripherals_done(void *opaque, json_t *rsp);
static void runstate_done(void *opaque, json_t *rsp);

typedef struct SyncBackend {
    unsigned *waiting;
    json_t *args; /* object-add's, but qom-type */
} SyncBackend;

static void objects_done(void *opaque, json_t *rsp);

static void backends_all_done(void)
{
    json_t *args = json_pack("{s:s}", "path", "/objects");

    internal_query("qom-list", args, objects_done, NULL);
    json_decref(args);
}

/*
 * Other objects QEMU has and the model lacks, of the types whose
 * object-add properties QEMU reads back in full (qom-get of each).
 * Secrets are not among them: one encrypted with another (keyid) needs
 * that one first, and /objects does not tell the order.
 */
static const struct {
    const char *type;
    const char *const props[7];
} caught_objects[] = {
    { "iothread",
      { "poll-max-ns", "poll-grow", "poll-shrink", "aio-max-batch",
        "thread-pool-min", "thread-pool-max", NULL } },
    { "rng-random", { "filename", NULL } },
    { "rng-builtin", { NULL } },
};

typedef struct SyncObjects {
    unsigned waiting;
} SyncObjects;

typedef struct SyncObject {
    SyncObjects *all;
    unsigned waiting; /* its properties still asked */
    json_t *args; /* object-add's */
    const char *prop; /* the one this reply is for */
} SyncObject;

static void objects_step(SyncObjects *all)
{
    if (--all->waiting == 0) {
        free(all);
        internal_query("query-memory-devices", NULL, dimms_done, NULL);
    }
}

typedef struct SyncProp {
    SyncObject *o;
    const char *name;
} SyncProp;

static void object_prop_done(void *opaque, json_t *rsp)
{
    SyncProp *p = opaque;
    SyncObject *o = p->o;
    json_t *v = json_object_get(rsp, "return");

    if (v) {
        json_object_set(o->args, p->name, v);
    }
    free(p);
    if (--o->waiting == 0) {
        SyncObjects *all = o->all;

        model_do("object-add", o->args);
        json_decref(o->args);
        free(o);
        objects_step(all);
    }
}

static void objects_done(void *opaque, json_t *rsp)
{
    SyncObjects *all = xzalloc(sizeof(*all));
    json_t *c;
    size_t i, k;

    (void)opaque;
    all->waiting = 1;
    json_array_foreach (json_object_get(rsp, "return"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *type = json_string_value(json_object_get(c, "type"));
        size_t tl = type ? strlen(type) : 0;
        SyncObject *o;

        if (!name || tl < 8 || strncmp(type, "child<", 6) ||
            object_resolve_path_component(object_get_objects_root(), name)) {
            continue;
        }
        for (k = 0; k < ARRAY_SIZE(caught_objects); k++) {
            if (strlen(caught_objects[k].type) == tl - 7 &&
                !strncmp(type + 6, caught_objects[k].type, tl - 7)) {
                break;
            }
        }
        if (k == ARRAY_SIZE(caught_objects)) {
            continue;
        }
        o = xzalloc(sizeof(*o));
        o->all = all;
        o->args = json_pack("{s:s, s:s}", "qom-type", caught_objects[k].type,
                            "id", name);
        o->waiting = 1;
        all->waiting++;
        for (const char *const *pn = caught_objects[k].props; *pn; pn++) {
            SyncProp *p = xzalloc(sizeof(*p));
            json_t *args = json_pack("{s:s+, s:s}", "path", "/objects/", name,
                                     "property", *pn);

            p->o = o;
            p->name = *pn;
            o->waiting++;
            internal_query("qom-get", args, object_prop_done, p);
            json_decref(args);
        }
        if (--o->waiting == 0) {
            model_do("object-add", o->args);
            json_decref(o->args);
            free(o);
            all->waiting--;
        }
    }
    objects_step(all);
}

static void backend_type_done(void *opaque, json_t *rsp)
{
    SyncBackend *b = opaque;
    const char *type = json_string_value(json_object_get(rsp, "return"));

    if (forward_backend_type_modelled(type)) {
        json_object_set_new(b->args, "qom-type", json_string(type));
        model_do("object-add", b->args);
    }
    json_decref(b->args);
    if (--*b->waiting == 0) {
        free(b->waiting);
        backends_all_done();
    }
    free(b);
}

static void memdev_done(void *opaque, json_t *rsp)
{
    unsigned *waiting = xzalloc(sizeof(*waiting));
    json_t *m;
    size_t i;

    (void)opaque;
    *waiting = 1; /* held until every query is out */
    json_array_foreach (json_object_get(rsp, "return"), i, m) {
        const char *id = json_string_value(json_object_get(m, "id"));
        SyncBackend *b;
        json_t *path;

        if (!id ||
            object_resolve_path_component(object_get_objects_root(), id)) {
            continue;
        }
        b = xzalloc(sizeof(*b));
        b->waiting = waiting;
        b->args = forward_backend_args(m);
        if (!b->args) {
            free(b);
            continue;
        }
        (*waiting)++;
        path = json_pack("{s:s+, s:s}", "path", "/objects/", id, "property",
                         "type");
        internal_query("qom-get", path, backend_type_done, b);
        json_decref(path);
    }
    if (--*waiting == 0) {
        free(waiting);
        backends_all_done();
    }
}

/*
 * The PCI devices QEMU has and the model lacks, those with ids
 * (/machine/peripheral) and then those without (/machine/peripheral-anon,
 * added without an id, so the model numbers them as QEMU did when they
 * come in QEMU's order): the type from the child's, the address from
 * "addr".  What else was set on them is not read back (the drift query
 * shows it).
 */
#define PERIPHERAL "/machine/peripheral"
#define PERIPHERAL_ANON "/machine/peripheral-anon"

typedef struct SyncDevices {
    unsigned waiting;
    bool anon;
} SyncDevices;

typedef struct SyncDevice {
    SyncDevices *all;
    char *name;
    char *type;
} SyncDevice;

static void devices_all_done(SyncDevices *all)
{
    bool anon = all->anon;
    json_t *m;

    free(all);
    if (!anon) {
        m = json_pack("{s:s}", "path", PERIPHERAL_ANON);
        internal_query("qom-list", m, peripherals_done,
                       (void *)PERIPHERAL_ANON);
        json_decref(m);
        return;
    }
    internal_query("query-status", NULL, runstate_done, NULL);
}

static void device_addr_done(void *opaque, json_t *rsp)
{
    SyncDevice *d = opaque;
    json_t *addr = json_object_get(rsp, "return");

    if (json_is_integer(addr) && json_integer_value(addr) >= 0) {
        json_int_t devfn = json_integer_value(addr);
        char buf[16];
        json_t *args;

        snprintf(buf, sizeof(buf), "%x.%x", (unsigned)(devfn >> 3),
                 (unsigned)(devfn & 7));
        args = json_pack("{s:s, s:s}", "driver", d->type, "addr", buf);
        if (!d->all->anon) {
            json_object_set_new(args, "id", json_text(d->name));
        }
        model_do("device_add", args);
        json_decref(args);
    }
    if (--d->all->waiting == 0) {
        devices_all_done(d->all);
    }
    free(d->type);
    free(d->name);
    free(d);
}

/* "device[N]" by N: the order QEMU created them in. */
static long child_index(json_t *p)
{
    const char *name = json_string_value(json_object_get(p, "name"));
    const char *b = name ? strchr(name, '[') : NULL;

    return b ? strtol(b + 1, NULL, 10) : -1;
}

static int by_child_index(const void *a, const void *b)
{
    long x = child_index(*(json_t *const *)a);
    long y = child_index(*(json_t *const *)b);

    return x < y ? -1 : x > y;
}

static void peripherals_done(void *opaque, json_t *rsp)
{
    const char *container = opaque;
    SyncDevices *all = xzalloc(sizeof(*all));
    json_t *list = json_object_get(rsp, "return");
    size_t n = json_array_size(list), i;
    json_t **children = xzalloc((n + 1) * sizeof(*children));

    all->anon = !strcmp(container, PERIPHERAL_ANON);
    all->waiting = 1;
    for (i = 0; i < n; i++) {
        children[i] = json_array_get(list, i);
    }
    if (all->anon) {
        qsort(children, n, sizeof(*children), by_child_index);
    }
    for (i = 0; i < n; i++) {
        json_t *p = children[i];
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *type = json_string_value(json_object_get(p, "type"));
        size_t tl = type ? strlen(type) : 0;
        ObjectClass *k;
        SyncDevice *d;
        json_t *args;
        char *path;

        if (!name || tl < 8 || strncmp(type, "child<", 6)) {
            continue;
        }
        path = xasprintf("%s/%s", container, name);
        if (object_resolve_path(path, NULL)) {
            free(path);
            continue;
        }
        d = xzalloc(sizeof(*d));
        d->type = xstrndup(type + 6, tl - 7);
        k = object_class_by_name(d->type);
        if (!k || !object_class_dynamic_cast(k, TYPE_PCI_DEVICE)) {
            free(d->type);
            free(d);
            free(path);
            continue;
        }
        d->name = xstrdup(name);
        d->all = all;
        all->waiting++;
        args = json_pack("{s:s, s:s}", "path", path, "property", "addr");
        internal_query("qom-get", args, device_addr_done, d);
        json_decref(args);
        free(path);
    }
    free(children);
    if (--all->waiting == 0) {
        devices_all_done(all);
    }
}

/* The DIMMs QEMU has and the model lacks (query-memory-devices). */
static void dimms_done(void *opaque, json_t *rsp)
{
    json_t *m;
    size_t i;

    (void)opaque;
    json_array_foreach (json_object_get(rsp, "return"), i, m) {
        json_t *d = json_object_get(m, "data");
        const char *id = json_string_value(json_object_get(d, "id"));
        const char *memdev = json_string_value(json_object_get(d, "memdev"));
        const char *base = memdev ? strrchr(memdev, '/') : NULL;
        json_t *args;

        if (strcmp(json_string_value(json_object_get(m, "type")) ?: "",
                   "dimm") ||
            !id || !base || qdev_find_by_id(id)) {
            continue;
        }
        args = json_pack(
            "{s:s, s:s, s:s, s:O, s:O, s:O}", "driver", "pc-dimm", "id", id,
            "memdev", base + 1, "slot", json_object_get(d, "slot"), "node",
            json_object_get(d, "node"), "addr", json_object_get(d, "addr"));
        if (args) {
            model_do("device_add", args);
            json_decref(args);
        }
    }
    m = json_pack("{s:s}", "path", PERIPHERAL);
    internal_query("qom-list", m, peripherals_done, (void *)PERIPHERAL);
    json_decref(m);
}

/*
 * Once connected (and after each reconnect): the model catches up with
 * what QEMU already has that it can read back in full: its run state,
 * its RAM backends and its DIMMs.  Other devices QEMU has and the model
 * lacks show up in the drift query.
 */
static void sync_model(void)
{
    up.syncing = true;
    internal_query("query-memdev", NULL, memdev_done, NULL);
}

/*
 * __org.qmachined_query-forward-drift: the queries whose answers the model
 * must give as QEMU does, asked of both; the differences, and the replays
 * that failed.
 */
static const char *const drift_queries[] = {
    "query-status",
    "query-pci",
    "query-memory-devices",
    "query-memory-size-summary",
    "query-balloon",
    "query-memdev",
    "query-hotpluggable-cpus",
    "query-name",
    "query-uuid",
    NULL,
};

typedef struct Drift {
    Entry *client; /* the request, queued in its session; NULL: it left */
    size_t waiting;
    json_t *diffs;
} Drift;

typedef struct DriftQuery {
    Drift *d;
    const char *name;
} DriftQuery;

static json_t *drift_compare(const char *name, json_t *rsp);
static json_t *drift_result(json_t *diffs);

static void drift_done(void *opaque, json_t *rsp)
{
    DriftQuery *q = opaque;
    Drift *d = q->d;
    json_t *diff = drift_compare(q->name, rsp);

    if (diff) {
        json_array_append_new(d->diffs, diff);
    }
    free(q);
    if (--d->waiting == 0 && !d->client) {
        json_decref(d->diffs);
        free(d);
    } else if (d->waiting == 0) {
        json_t *r = json_pack("{s:o}", "return", drift_result(d->diffs));

        d->client->drift = NULL;
        set_reply(d->client, r);
        json_decref(r);
        queue_flush(d->client->session);
        free(d);
    }
}

static void drift_start(Entry *client)
{
    Drift *d = xzalloc(sizeof(*d));
    size_t i;

    d->client = client;
    client->drift = d;
    d->diffs = json_array();
    for (i = 0; drift_queries[i]; i++) {
        d->waiting++;
    }
    for (i = 0; drift_queries[i]; i++) {
        DriftQuery *q = xzalloc(sizeof(*q));

        q->d = d;
        q->name = drift_queries[i];
        internal_query(q->name, NULL, drift_done, q);
    }
}

/* ---- clients ------------------------------------------------------------ */

/* Sends a client's request to QEMU, or answers it with the error when
 * QEMU cannot take it. */
static void dispatch(Entry *e, json_t *req)
{
    track(e);
    if (!up.ready || up.out.len - up.out_pos > UPSTREAM_BACKLOG_LIMIT) {
        json_t *rsp = lost_reply();

        complete(e, rsp);
        json_decref(rsp);
        return;
    }
    send_tracked(e, req);
}

static void hold(Entry *e)
{
    if (!up.held) {
        up.held_tail = &up.held;
    }
    *up.held_tail = e;
    up.held_tail = &e->held_next;
}

static void unhold(Entry *e)
{
    Entry **p;

    for (p = &up.held; *p; p = &(*p)->held_next) {
        if (*p == e) {
            *p = e->held_next;
            if (!*p) {
                up.held_tail = p;
            }
            return;
        }
    }
}

/* The model has caught up: what waited goes, oldest first.  A reply may
 * end a session (and take its held entries out of the list) meanwhile. */
static void release_held(void)
{
    Entry *e;

    up.syncing = false;
    while (!up.syncing && (e = up.held)) {
        json_t *req = e->held_req;

        up.held = e->held_next;
        e->held_next = NULL;
        e->held_req = NULL;
        if (e->held_drift) {
            e->held_drift = false;
            drift_start(e);
        } else {
            dispatch(e, req);
        }
        json_decref(req);
    }
}

void forward_request(QmpSession *s, json_t *req, Error *err)
{
    Entry *e = xzalloc(sizeof(*e));
    json_t *rsp;
    const char *name;

    e->oob = !err && json_is_object(req) && json_object_get(req, "exec-oob");
    if (err || !qmp_request_forwardable(s, req, &err)) {
        /*
         * Answered here, with QEMU's error, in its turn.  A malformed
         * object goes through local dispatch again, which gives the same
         * error with the request's id, as QEMU does.
         */
        if (json_is_object(req)) {
            error_free(err);
            err = NULL;
        }
        rsp = qmp_reply_local(s, req, err);
        e->oob = false;
        queue_append(s, e);
        e->reply = rsp;
        queue_flush(s);
        return;
    }
    name = json_string_value(
        json_object_get(req, e->oob ? "exec-oob" : "execute"));
    if (name && !strncmp(name, QMP_VENDOR_PREFIX, strlen(QMP_VENDOR_PREFIX))) {
        /* qmachined's own commands are answered here, in turn. */
        e->oob = false;
        queue_append(s, e);
        if (!strcmp(name, "__org.qmachined_set-guest-policy")) {
            Error *perr = NULL;
            json_t *id = json_object_get(req, "id");

            error_setg(&perr, "the guest is QEMU's when forwarding; its "
                              "policy cannot be set");
            e->reply = qmp_error_response(perr);
            error_free(perr);
            if (id) {
                json_object_set(e->reply, "id", id);
            }
            queue_flush(s);
            return;
        }
        if (!strcmp(name, "__org.qmachined_query-forward-drift")) {
            e->client_id = json_incref(json_object_get(req, "id"));
            if (up.syncing) {
                e->held_drift = true;
                hold(e);
            } else {
                drift_start(e);
            }
            return;
        }
        e->reply = qmp_reply_local(s, req, NULL);
        queue_flush(s);
        return;
    }
    if (up.read_only && !qmp_command_reads_only(name)) {
        Error *rerr = NULL;
        json_t *id = json_object_get(req, "id");

        error_setg(&rerr,
                   "qmachined: --forward-read-only: %s would change the "
                   "machine behind libvirt's back",
                   name ? name : "the command");
        e->oob = false;
        queue_append(s, e);
        e->reply = qmp_error_response(rerr);
        error_free(rerr);
        if (id) {
            json_object_set(e->reply, "id", id);
        }
        queue_flush(s);
        return;
    }
    if (!e->oob && is_replayed(name)) {
        e->replay = json_deep_copy(req);
    }
    e->client_id = json_incref(json_object_get(req, "id"));
    if (!e->oob) {
        queue_append(s, e);
    } else {
        e->session = s;
    }
    if (up.syncing && !e->oob) {
        e->held_req = json_incref(req);
        hold(e);
        return;
    }
    dispatch(e, req);
}

bool forward_session_busy(const QmpSession *s)
{
    return s->fwd && s->fwd->pending >= FORWARD_MAX_PENDING;
}

void forward_session_end(QmpSession *s)
{
    struct ForwardQueue *q = s->fwd;
    Entry *e, **p;

    if (s == flushing) {
        flushing_ended = true;
    }

    /* OOB commands in flight are not in the queue. */
    for (p = &up.inflight; *p;) {
        e = *p;
        if (e->session == s && e->oob) {
            *p = e->inflight_next;
            entry_free(e);
        } else {
            p = &e->inflight_next;
        }
    }
    if (!q) {
        return;
    }
    while ((e = q->head)) {
        q->head = e->next;
        if (!e->reply) {
            inflight_remove(e);
            unhold(e);
        }
        if (e->drift) {
            e->drift->client = NULL; /* its queries finish on their own */
        }
        entry_free(e);
    }
    free(q);
    s->fwd = NULL;
}

void forward_cleanup(void)
{
    loop_timer_cancel(up.retry);
    listen_addr_clear(&up.addr);
    if (up.watch) {
        loop_watch_remove(up.watch);
    }
    if (up.fd >= 0) {
        close(up.fd);
    }
    if (up.wfd >= 0 && up.wfd != up.fd) {
        close(up.wfd);
    }
    json_stream_free(up.stream);
    json_buf_free(&up.out);
    json_decref(up.greeting);
    json_decref(up.last_greeting);
    json_decref(up.negotiated);
    free(up.where);
    memset(&up, 0, sizeof(up));
    up.fd = up.wfd = -1;
}

/* ---- the command (for the table) ---------------------------------------- */

static const QapiMember drift_difference_members[] = {
    { "query", &qapi_str, false },
    { "qemu", &qapi_any, false },
    { "model", &qapi_any, false },
    { NULL },
};
static const QapiType drift_difference_type = {
    .name = "ForwardDriftDifference",
    .kind = QAPI_KIND_OBJECT,
    .members = drift_difference_members,
};
static QAPI_ARRAY_OF(drift_difference_list, drift_difference_type);
static const QapiMember drift_members[] = {
    { "differences", &drift_difference_list, false },
    { "replay-failures", &qapi_int, false },
    { "last-replay-failure", &qapi_str, true },
    { NULL },
};
const QapiType forward_drift_type = {
    .name = "ForwardDrift",
    .kind = QAPI_KIND_OBJECT,
    .members = drift_members,
};

static int by_id(const void *a, const void *b)
{
    const char *x =
        json_string_value(json_object_get(*(json_t *const *)a, "id"));
    const char *y =
        json_string_value(json_object_get(*(json_t *const *)b, "id"));

    return strcmp(x ? x : "", y ? y : "");
}

/*
 * query-memdev lists the backends in the order of QEMU's table of
 * /objects, which depends on the order they were created in: the model
 * caught up with them in another.  Compared by id (new reference).
 */
static json_t *drift_canonical(const char *name, json_t *v)
{
    json_t *sorted, **items;
    size_t n = json_array_size(v), i;

    if (strcmp(name, "query-memdev") || n < 2) {
        return json_incref(v);
    }
    items = xzalloc(n * sizeof(*items));
    for (i = 0; i < n; i++) {
        items[i] = json_array_get(v, i);
    }
    qsort(items, n, sizeof(*items), by_id);
    sorted = json_array();
    for (i = 0; i < n; i++) {
        json_array_append(sorted, items[i]);
    }
    free(items);
    return sorted;
}

/* One difference, or NULL (new reference). */
static json_t *drift_compare(const char *name, json_t *rsp)
{
    json_t *local = NULL, *theirs = json_object_get(rsp, "return"),
           *diff = NULL;
    Error *err = NULL;

    if (!qmp_execute(&model_session, name, NULL, &local, &err)) {
        json_t *e = qmp_error_response(err);

        local = json_incref(json_object_get(e, "error"));
        json_decref(e);
        error_free(err);
    }
    if (!theirs) {
        theirs = json_object_get(rsp, "error");
    }
    {
        json_t *a = drift_canonical(name, local);
        json_t *b = drift_canonical(name, theirs);

        if (!json_equal(a, b)) {
            diff = json_pack("{s:s, s:O, s:O}", "query", name, "qemu",
                             theirs ? theirs : json_null(), "model", local);
        }
        json_decref(a);
        json_decref(b);
    }
    json_decref(local);
    return diff;
}

static json_t *drift_result(json_t *diffs)
{
    json_t *ret = json_pack("{s:o, s:I}", "differences", diffs,
                            "replay-failures", (json_int_t)replay_failures);

    if (last_replay_failure) {
        json_object_set_new(ret, "last-replay-failure",
                            json_text(last_replay_failure));
    }
    return ret;
}

/*
 * QMP clients get the drift in forward_request, without blocking; this
 * handler runs for REST (which waits for QEMU) and when not forwarding.
 */
bool qmp_cmd_query_forward_drift(QmpSession *s, json_t *args, json_t **ret,
                                 Error **errp)
{
    json_t *diffs;
    size_t i;

    (void)s;
    (void)args;
    if (!forward_active()) {
        error_setg(errp, "qmachined is not forwarding to a QEMU (--forward)");
        return false;
    }
    diffs = json_array();
    for (i = 0; drift_queries[i]; i++) {
        json_t *req = json_pack("{s:s}", "execute", drift_queries[i]);
        json_t *rsp = forward_execute_sync(req);
        json_t *d = drift_compare(drift_queries[i], rsp);

        if (d) {
            json_array_append_new(diffs, d);
        }
        json_decref(rsp);
        json_decref(req);
    }
    *ret = drift_result(diffs);
    return true;
}

bool qmp_command_reads_only(const char *name)
{
    return name &&
           (!strncmp(name, "query-", 6) || !strncmp(name, "x-query-", 8) ||
            !strcmp(name, "qom-list") || !strcmp(name, "qom-get") ||
            !strcmp(name, "qom-list-types") ||
            !strcmp(name, "qom-list-properties") ||
            !strcmp(name, "device-list-properties") ||
            !strncmp(name, QMP_VENDOR_PREFIX, strlen(QMP_VENDOR_PREFIX)));
}

bool forward_open_libvirt(const char *spec, bool read_only, Error **errp)
{
    up.where = xasprintf("libvirt:%s", spec);
    up.via_libvirt = true;
    up.read_only = read_only;
    up.stream = json_stream_new(upstream_message, NULL);
    if (!forward_libvirt_open(spec, &up.fd, &up.wfd, &up.greeting, errp)) {
        return false;
    }
    up.last_greeting = json_incref(up.greeting);
    up.greeted = true;
    up.negotiated = json_pack("{s:{}}", "return");
    up.connected = up.ready = true;
    return true;
}

/* ---- synchronous use (REST) --------------------------------------------- */

typedef struct SyncWait {
    json_t *rsp;
    bool done;
} SyncWait;

static void sync_done(void *opaque, json_t *rsp)
{
    SyncWait *w = opaque;

    w->rsp = json_incref(rsp);
    w->done = true;
}

/* Waits for QEMU's next input (or room to write) and handles it; false
 * once the deadline has passed. */
static bool pump(int64_t deadline)
{
    int64_t left = (deadline - loop_now_ns()) / 1000000;
    struct pollfd pfd = { .fd = up.fd, .events = POLLIN };

    if (up.out_pos < up.out.len) {
        pfd.events |= POLLOUT;
    }
    if (left <= 0) {
        return false;
    }
    if (poll(&pfd, 1, (int)left) > 0) {
        upstream_io(
            NULL, up.fd,
            ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) ? LOOP_READ : 0) |
                ((pfd.revents & POLLOUT) ? LOOP_WRITE : 0));
    }
    return true;
}

json_t *forward_execute_sync(json_t *req)
{
    const char *name = json_string_value(json_object_get(req, "execute"));
    SyncWait w = { 0 };
    Entry *e;
    json_t *rsp;
    int64_t deadline = loop_now_ns() + (int64_t)CONNECT_TIMEOUT_MS * 1000000;

    /* As a client's commands do, this one waits for the model to catch
     * up; the loop below carries the catching up on. */
    while (up.syncing && up.ready && pump(deadline)) {
    }
    if (!up.ready) {
        return lost_reply();
    }
    e = xzalloc(sizeof(*e));
    e->done = sync_done;
    e->opaque = &w;
    if (is_replayed(name)) {
        e->replay = json_deep_copy(req);
    }
    track(e);
    send_tracked(e, req);
    /*
     * The loop waits for this one reply; QEMU's other messages (replies
     * to clients, events) are handled as they come meanwhile.
     */
    while (!w.done && up.ready && pump(deadline)) {
    }
    if (w.done) {
        rsp = json_copy(w.rsp);
        json_decref(w.rsp);
    } else {
        Error *err = NULL;

        /* No answer in time: the reply is dropped when it comes. */
        e->done = NULL;
        e->opaque = NULL;
        inflight_remove(e);
        entry_free(e);
        error_setg(&err, "qmachined: QEMU did not answer %s within %d s",
                   name ? name : "the command", CONNECT_TIMEOUT_MS / 1000);
        rsp = qmp_error_response(err);
        error_free(err);
    }
    json_object_del(rsp, "id");
    return rsp;
}
