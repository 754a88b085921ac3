/*
 * The REST routes under /api/v1.  Each one runs QMP commands through
 * qmp_execute() (the same table, argument checks and handlers a QMP
 * monitor uses) and shapes the result as a resource.  rest/openapi.json
 * describes exactly this table (tests/e2e/rest.py keeps them in step).
 */
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "qmp/forward.h"
#include "qmp/json-out.h"
#include "qmp/qmp.h"
#include "rest/rest-int.h"
#include "src/util.h"

/* Generated from rest/openapi.json at build time (rest/openapi-data.c). */
extern const char rest_openapi_json[];
/* Generated from rest/page/ at build time (rest/page-data.c). */
extern const char rest_page_index_html[], rest_page_page_css[],
    rest_page_page_js[];
extern const size_t rest_page_index_html_len, rest_page_page_css_len,
    rest_page_page_js_len;

/* param: the decoded path parameter, param_len bytes, U+0000 as C0 80. */
typedef void RouteFunc(const char *param, size_t param_len, json_t *body,
                       RestReply *rep);

struct RestRoute {
    const char *method;
    const char *pattern; /* below /api/v1; "{...}" is one segment */
    bool has_body;
    RouteFunc *fn;
};

/* ---- Errors: the one place a failure becomes a status -------------- */

/* The JSON string v is exactly the n bytes at s. */
static bool json_string_is(json_t *v, const char *s, size_t n)
{
    return json_is_string(v) && json_string_length(v) == n &&
           !memcmp(json_string_value(v), s, n);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

/* The status is the error's kind (src/error.h), never its text. */
static unsigned error_status(const Error *err)
{
    switch (error_get_kind(err)) {
    case ERROR_KIND_NOT_FOUND:
        return 404;
    case ERROR_KIND_CONFLICT:
        return 409;
    case ERROR_KIND_UNSUPPORTED:
        return 501; /* this build lacks the command the route needs */
    case ERROR_KIND_INVALID:
        break;
    }
    return 400;
}

void rest_reply_clear(RestReply *rep)
{
    json_decref(rep->body);
    free(rep->location);
    free(rep->allow);
    memset(rep, 0, sizeof(*rep));
}

/* desc: a JSON string (stolen). */
static void reply_error_json(RestReply *rep, unsigned status, const char *cls,
                             json_t *desc)
{
    json_t *e = json_object();

    rest_reply_clear(rep);
    json_object_set_new(e, "class", json_text(cls));
    json_object_set_new(e, "desc", desc ? desc : json_string(""));
    rep->status = status;
    rep->body = json_object();
    json_object_set_new(rep->body, "error", e);
}

void rest_reply_error(RestReply *rep, unsigned status, const char *cls,
                      const char *desc)
{
    reply_error_json(rep, status, cls, json_text(desc));
}

/* "<pre>'<param>'<post>", the parameter byte for byte (it may hold C0 80,
 * which the JSON writer shows as \u0000). */
static void reply_error_param(RestReply *rep, unsigned status, const char *cls,
                              const char *pre, const char *param, size_t n,
                              const char *post)
{
    JsonBuf b = { 0 };

    json_buf_append(&b, pre, strlen(pre));
    json_buf_append(&b, "'", 1);
    json_buf_append(&b, param, n);
    json_buf_append(&b, "'", 1);
    json_buf_append(&b, post, strlen(post));
    reply_error_json(rep, status, cls, json_stringn_nocheck(b.data, b.len));
    json_buf_free(&b);
}

/* The body is the QMP error object exactly as a monitor gets it. */
void rest_reply_qmp_error(RestReply *rep, const Error *err)
{
    unsigned status = error_status(err);

    rest_reply_clear(rep);
    rep->status = status;
    rep->body = qmp_error_response(err);
}

static void reply_json(RestReply *rep, unsigned status, json_t *body)
{
    rest_reply_clear(rep);
    rep->status = status;
    rep->body = body;
}

/* ---- Running commands --------------------------------------------- */

static void never_send(QmpSession *s, json_t *msg)
{
    (void)s;
    (void)msg;
}

static QmpSession session = { .negotiated = true, .send = never_send };

/* QEMU's reply as qmp_execute's result. */
static bool from_reply(json_t *rsp, json_t **ret, Error **errp)
{
    json_t *e = json_object_get(rsp, "error");

    if (!e) {
        *ret = json_incref(json_object_get(rsp, "return"));
        return true;
    }
    error_set(
        errp,
        error_class_from_name(json_string_value(json_object_get(e, "class"))),
        "%s", json_string_value(json_object_get(e, "desc")));
    return false;
}

/* Runs a command; on failure fills rep with the mapped error. */
static bool run(const char *cmd, json_t *args, json_t **ret, RestReply *rep)
{
    Error *err = NULL;

    /* Forwarding: reads from the model, changes through QEMU. */
    if (forward_active() && !qmp_command_reads_only(cmd)) {
        json_t *req = json_pack("{s:s}", "execute", cmd);
        json_t *rsp;
        bool ok;

        if (args) {
            json_object_set(req, "arguments", args);
        }
        rsp = forward_execute_sync(req);
        ok = from_reply(rsp, ret, &err);
        json_decref(rsp);
        json_decref(req);
        if (ok) {
            return true;
        }
    } else if (qmp_execute(&session, cmd, args, ret, &err)) {
        return true;
    }
    if (rep) {
        rest_reply_qmp_error(rep, err);
    }
    error_free(err);
    return false;
}

/* Runs a command whose failure only means "not available": NULL then. */
static json_t *try_run(const char *cmd, json_t *args)
{
    json_t *ret = NULL;

    return run(cmd, args, &ret, NULL) ? ret : NULL;
}

static json_t *qom_call(const char *cmd, const char *path, const char *property)
{
    json_t *args = json_object(), *ret;

    json_object_set_new(args, "path", json_text(path));
    if (property) {
        json_object_set_new(args, "property", json_text(property));
    }
    ret = try_run(cmd, args);
    json_decref(args);
    return ret;
}

static bool body_is_object(json_t *body, RestReply *rep)
{
    if (json_is_object(body)) {
        return true;
    }
    rest_reply_error(rep, 400, "GenericError",
                     "The request body must be a JSON object");
    return false;
}

/* ---- Machine ------------------------------------------------------- */

static json_t *or_null(json_t *v)
{
    return v ? v : json_null();
}

static json_t *machine_resource(void)
{
    json_t *m = json_object(), *mem = json_object();
    json_t *type, *sum, *cfg, *policy;

    type = qom_call("qom-get", "/machine", "type");
    if (json_is_string(type) &&
        ends_with(json_string_value(type), "-machine")) {
        const char *t = json_string_value(type);

        json_object_set_new(m, "type", json_stringn(t, strlen(t) - 8));
    } else {
        json_object_set_new(m, "type", json_string("pc-i440fx-7.2"));
    }
    json_decref(type);
    json_object_set_new(m, "status", or_null(try_run("query-status", NULL)));

    sum = try_run("query-memory-size-summary", NULL);
    cfg = qom_call("qom-get", "/machine", "memory");
    json_object_set(mem, "base", or_null(json_object_get(sum, "base-memory")));
    json_object_set(mem, "plugged",
                    or_null(json_object_get(sum, "plugged-memory")));
    json_object_set(mem, "slots", or_null(json_object_get(cfg, "slots")));
    json_object_set(mem, "maxmem", or_null(json_object_get(cfg, "max-size")));
    json_decref(sum);
    json_decref(cfg);
    json_object_set_new(m, "memory", mem);

    if (forward_active()) {
        json_object_set_new(m, "forward", forward_status());
    }
    policy = try_run("__org.qmachined_query-guest-policy", NULL);
    json_object_set(m, "guest-policy",
                    or_null(json_object_get(policy, "policy")));
    json_decref(policy);
    return m;
}

static void get_machine(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    reply_json(rep, 200, machine_resource());
}

static void post_action(const char *action, size_t action_len, json_t *body,
                        RestReply *rep)
{
    static const char *const actions[] = {
        "stop",
        "cont",
        "system_reset",
        "system_powerdown",
    };
    json_t *ret;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(actions); i++) {
        if (action_len == strlen(actions[i]) &&
            !memcmp(action, actions[i], action_len)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(actions)) {
        reply_error_param(rep, 404, "GenericError", "Unknown machine action ",
                          action, action_len,
                          " (expected stop, cont, "
                          "system_reset or system_powerdown)");
        return;
    }
    if (run(actions[i], NULL, &ret, rep)) {
        json_decref(ret);
        reply_json(rep, 200, machine_resource());
    }
}

static void get_guest(const char *param, size_t n, json_t *body, RestReply *rep)
{
    json_t *ret;

    if (run("__org.qmachined_query-guest-policy", NULL, &ret, rep)) {
        reply_json(rep, 200, ret);
    }
}

static void put_guest(const char *param, size_t n, json_t *body, RestReply *rep)
{
    json_t *ret;

    if (!body_is_object(body, rep) ||
        !run("__org.qmachined_set-guest-policy", body, &ret, rep)) {
        return;
    }
    json_decref(ret);
    get_guest(param, n, NULL, rep);
}

/* ---- Devices and objects (QOM children of a container) ------------ */

/* "child<pc-dimm>" -> "pc-dimm" (new string), NULL if not a child. */
static char *child_type(const char *type)
{
    size_t n = strlen(type);

    if (strncmp(type, "child<", 6) || n < 7 || type[n - 1] != '>') {
        return NULL;
    }
    return xstrndup(type + 6, n - 7);
}

typedef enum { KIND_DEVICE, KIND_OBJECT } ResKind;

static json_t *child_entry(ResKind kind, const char *container,
                           const char *name, const char *type, bool anon)
{
    json_t *o = json_object();
    char *path = xasprintf("%s/%s", container, name);

    if (kind == KIND_DEVICE) {
        json_object_set_new(o, "id", anon ? json_null() : json_text(name));
        json_object_set_new(o, "name", json_text(name));
        json_object_set_new(o, "driver", json_text(type));
    } else {
        json_object_set_new(o, "id", json_text(name));
        json_object_set_new(o, "qom-type", json_text(type));
    }
    json_object_set_new(o, "path", json_text(path));
    free(path);
    return o;
}

/* Appends the children of container to list; or finds one (want, of
 * want_len bytes). */
static json_t *list_children(ResKind kind, const char *container, bool anon,
                             json_t *list, const char *want, size_t want_len)
{
    json_t *props = qom_call("qom-list", container, NULL), *p;
    json_t *found = NULL;
    size_t i;

    json_array_foreach (props, i, p) {
        json_t *jname = json_object_get(p, "name");
        const char *name = json_string_value(jname);
        const char *t = json_string_value(json_object_get(p, "type"));
        char *type = t ? child_type(t) : NULL;

        if (name && type && (!want || json_string_is(jname, want, want_len))) {
            json_t *e = child_entry(kind, container, name, type, anon);

            if (want) {
                found = e;
            } else {
                json_array_append_new(list, e);
            }
        }
        free(type);
        if (found) {
            break;
        }
    }
    json_decref(props);
    return found;
}

static const char *const device_containers[] = {
    "/machine/peripheral",
    "/machine/peripheral-anon",
};

static json_t *find_device(const char *id, size_t n)
{
    json_t *e = NULL;
    size_t i;

    for (i = 0; !e && i < ARRAY_SIZE(device_containers); i++) {
        e = list_children(KIND_DEVICE, device_containers[i], i == 1, NULL, id,
                          n);
    }
    return e;
}

static json_t *find_object(const char *id, size_t n)
{
    return list_children(KIND_OBJECT, "/objects", false, NULL, id, n);
}

/* Adds "properties": every readable non-child property's value. */
static void add_properties(json_t *res)
{
    const char *path = json_string_value(json_object_get(res, "path"));
    json_t *props = qom_call("qom-list", path, NULL), *p;
    json_t *vals = json_object();
    size_t i;

    json_array_foreach (props, i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *type = json_string_value(json_object_get(p, "type"));
        json_t *v;

        if (!name || !type || !strncmp(type, "child<", 6)) {
            continue;
        }
        v = qom_call("qom-get", path, name);
        if (v) {
            json_object_set_new(vals, name, v);
        }
    }
    json_decref(props);
    json_object_set_new(res, "properties", vals);
}

static void not_found(RestReply *rep, const char *what, const char *id,
                      size_t n)
{
    reply_error_param(rep, 404, "DeviceNotFound", what, id, n, " not found");
}

static void get_devices(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; i < ARRAY_SIZE(device_containers); i++) {
        list_children(KIND_DEVICE, device_containers[i], i == 1, list, NULL, 0);
    }
    reply_json(rep, 200, list);
}

static void get_device(const char *id, size_t id_len, json_t *body,
                       RestReply *rep)
{
    json_t *e = find_device(id, id_len);

    if (!e) {
        not_found(rep, "Device ", id, id_len);
        return;
    }
    add_properties(e);
    reply_json(rep, 200, e);
}

/* RFC 3986 unreserved: the bytes a path segment carries unescaped. */
static bool unreserved(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c && strchr("-._~", c));
}

/* 201 with Location for a resource just created under collection; jid
 * is the body's "id" member (or NULL), percent-encoded in the URL. */
static void created(RestReply *rep, const char *collection, json_t *res,
                    json_t *jid)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *id = (const void *)json_string_value(jid);
    size_t n = json_string_length(jid), i;
    JsonBuf b = { 0 };

    reply_json(rep, 201, res ? res : json_object());
    if (!id) {
        return;
    }
    json_buf_append(&b, REST_PREFIX "/", strlen(REST_PREFIX "/"));
    json_buf_append(&b, collection, strlen(collection));
    json_buf_append(&b, "/", 1);
    for (i = 0; i < n; i++) {
        char esc[3] = { '%', hex[id[i] >> 4], hex[id[i] & 15] };

        if (unreserved(id[i])) {
            json_buf_append(&b, (const char *)id + i, 1);
        } else {
            json_buf_append(&b, esc, 3);
        }
    }
    rep->location = xstrndup(b.data, b.len);
    json_buf_free(&b);
}

/* The resource named by the body's "id" (a JSON string), or NULL. */
static json_t *body_id(json_t *body)
{
    json_t *id = json_object_get(body, "id");

    return json_is_string(id) ? id : NULL;
}

static void post_device(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    json_t *ret, *id;

    if (!body_is_object(body, rep) || !run("device_add", body, &ret, rep)) {
        return;
    }
    json_decref(ret);
    id = body_id(body);
    created(rep, "devices",
            id ? find_device(json_string_value(id), json_string_length(id))
               : NULL,
            id);
}

static void delete_device(const char *id, size_t id_len, json_t *body,
                          RestReply *rep)
{
    json_t *args = json_object(), *ret, *e;
    bool ok;

    json_object_set_new(args, "id", json_stringn_nocheck(id, id_len));
    ok = run("device_del", args, &ret, rep);
    json_decref(args);
    if (!ok) {
        return;
    }
    json_decref(ret);
    e = find_device(id, id_len);
    if (e) {
        /* The unplug request went to the guest; DEVICE_DELETED follows. */
        json_object_set_new(e, "unplug", json_string("requested"));
        reply_json(rep, 202, e);
    } else {
        reply_json(rep, 204, NULL);
    }
}

static void get_objects(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    json_t *list = json_array();

    list_children(KIND_OBJECT, "/objects", false, list, NULL, 0);
    reply_json(rep, 200, list);
}

static void get_object(const char *id, size_t id_len, json_t *body,
                       RestReply *rep)
{
    json_t *e = find_object(id, id_len);

    if (!e) {
        not_found(rep, "Object ", id, id_len);
        return;
    }
    add_properties(e);
    reply_json(rep, 200, e);
}

static void post_object(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    json_t *ret, *id;

    if (!body_is_object(body, rep) || !run("object-add", body, &ret, rep)) {
        return;
    }
    json_decref(ret);
    id = body_id(body);
    created(rep, "objects",
            id ? find_object(json_string_value(id), json_string_length(id))
               : NULL,
            id);
}

static void delete_object(const char *id, size_t id_len, json_t *body,
                          RestReply *rep)
{
    json_t *args = json_object(), *ret;

    json_object_set_new(args, "id", json_stringn_nocheck(id, id_len));
    if (run("object-del", args, &ret, rep)) {
        json_decref(ret);
        reply_json(rep, 204, NULL);
    }
    json_decref(args);
}

/* ---- Read-only views ----------------------------------------------- */

static void reply_command(const char *cmd, RestReply *rep)
{
    json_t *ret;

    if (run(cmd, NULL, &ret, rep)) {
        reply_json(rep, 200, ret);
    }
}

static void get_memory_devices(const char *param, size_t n, json_t *body,
                               RestReply *rep)
{
    reply_command("query-memory-devices", rep);
}

static void get_memory_slots(const char *param, size_t n, json_t *body,
                             RestReply *rep)
{
    reply_command("__org.qmachined_query-memslots", rep);
}

static void get_pci(const char *param, size_t n, json_t *body, RestReply *rep)
{
    reply_command("query-pci", rep);
}

static void get_ospm(const char *param, size_t n, json_t *body, RestReply *rep)
{
    reply_command("query-acpi-ospm-status", rep);
}

static void get_memory_map(const char *param, size_t n, json_t *body,
                           RestReply *rep)
{
    reply_command("__org.qmachined_query-memory-map", rep);
}

static void get_interrupts(const char *param, size_t n, json_t *body,
                           RestReply *rep)
{
    reply_command("__org.qmachined_query-interrupts", rep);
}

/* ---- Events, the QMP tunnel, the description ----------------------- */

static void get_events(const char *param, size_t n, json_t *body,
                       RestReply *rep)
{
    rest_reply_clear(rep);
    rep->status = 200;
    rep->event_stream = true;
}

static json_t *tunnel_reply;

static void tunnel_send(QmpSession *s, json_t *msg)
{
    json_decref(tunnel_reply);
    tunnel_reply = json_incref(msg);
}

static QmpSession tunnel = { .negotiated = true, .send = tunnel_send };

/* The QMP reply object, as a monitor would get it, always with 200. */
static void post_qmp(const char *param, size_t n, json_t *body, RestReply *rep)
{
    if (!body_is_object(body, rep)) {
        return;
    }
    tunnel_reply = NULL;
    if (forward_active()) {
        const char *cmd = json_string_value(json_object_get(body, "execute"));
        Error *err = NULL;

        if (cmd &&
            !strncmp(cmd, QMP_VENDOR_PREFIX, strlen(QMP_VENDOR_PREFIX))) {
            tunnel_reply = qmp_reply_local(&tunnel, body, NULL);
        } else if (!qmp_request_forwardable(&tunnel, body, &err)) {
            error_free(err);
            tunnel_reply = qmp_reply_local(&tunnel, body, NULL);
        } else {
            json_t *id = json_object_get(body, "id");

            tunnel_reply = forward_execute_sync(body);
            if (id) {
                json_object_set(tunnel_reply, "id", id);
            }
        }
    } else {
        qmp_handle_request(&tunnel, body, NULL);
    }
    if (!tunnel_reply) {
        rest_reply_error(rep, 400, "GenericError",
                         "The command produced no reply");
        return;
    }
    reply_json(rep, 200, tunnel_reply);
    tunnel_reply = NULL;
}

static void get_openapi(const char *param, size_t n, json_t *body,
                        RestReply *rep)
{
    rest_reply_clear(rep);
    rep->status = 200;
    rep->raw = rest_openapi_json;
    rep->raw_len = strlen(rest_openapi_json);
    rep->content_type = "application/json";
}

/* ---- The page at / ------------------------------------------------- */

bool rest_page_match(const char *method, const char *url, RestReply *rep)
{
    static const struct {
        const char *url;
        const char *data;
        const size_t *len;
        const char *type;
    } files[] = {
        { "/", rest_page_index_html, &rest_page_index_html_len,
          "text/html; charset=utf-8" },
        { "/index.html", rest_page_index_html, &rest_page_index_html_len,
          "text/html; charset=utf-8" },
        { "/page.css", rest_page_page_css, &rest_page_page_css_len,
          "text/css; charset=utf-8" },
        { "/page.js", rest_page_page_js, &rest_page_page_js_len,
          "text/javascript; charset=utf-8" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(files); i++) {
        if (!strcmp(url, files[i].url)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(files)) {
        return false;
    }
    rest_reply_clear(rep);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        char *desc = xasprintf("Method %s is not allowed here "
                               "(allowed: GET, HEAD)",
                               method);

        rest_reply_error(rep, 405, "GenericError", desc);
        free(desc);
        rep->allow = xstrdup("GET, HEAD");
        return true;
    }
    rep->status = 200;
    rep->raw = files[i].data;
    rep->raw_len = *files[i].len;
    rep->content_type = files[i].type;
    rep->page = true;
    return true;
}

/* ---- The table ------------------------------------------------------ */

static const RestRoute routes[] = {
    { "GET", "/machine", false, get_machine },
    { "POST", "/machine/actions/{action}", false, post_action },
    { "GET", "/machine/guest", false, get_guest },
    { "PUT", "/machine/guest", true, put_guest },
    { "GET", "/devices", false, get_devices },
    { "POST", "/devices", true, post_device },
    { "GET", "/devices/{id}", false, get_device },
    { "DELETE", "/devices/{id}", false, delete_device },
    { "GET", "/objects", false, get_objects },
    { "POST", "/objects", true, post_object },
    { "GET", "/objects/{id}", false, get_object },
    { "DELETE", "/objects/{id}", false, delete_object },
    { "GET", "/memory-devices", false, get_memory_devices },
    { "GET", "/memory/map", false, get_memory_map },
    { "GET", "/memory/slots", false, get_memory_slots },
    { "GET", "/pci", false, get_pci },
    { "GET", "/acpi/ospm", false, get_ospm },
    { "GET", "/interrupts", false, get_interrupts },
    { "GET", "/events", false, get_events },
    { "POST", "/qmp", true, post_qmp },
    { "GET", "/openapi.json", false, get_openapi },
};

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Decodes the n percent-encoded bytes at s into out (room for n + 1);
 * returns the decoded length ("%00" is a NUL byte, kept), or -1 for a
 * malformed escape.
 */
static ssize_t segment_decode(const char *s, size_t n, char *out)
{
    size_t i, len = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;

            if (n - i < 3) {
                return -1;
            }
            hi = hex_value(s[i + 1]);
            lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) {
                return -1;
            }
            out[len++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[len++] = s[i];
        }
    }
    out[len] = '\0';
    return (ssize_t)len;
}

/*
 * Matches path (percent-encoded, starting with '/') against pattern
 * segment by segment, comparing decoded segments; *param gets the {...}
 * segment decoded.  Returns 1 on a match, 0 on none, -1 for a malformed
 * escape.
 */
static int pattern_match(const char *pattern, const char *path, char **param,
                         size_t *param_len)
{
    char *seg = xmalloc(strlen(path) + 1);
    int result = 0;

    *param = NULL;
    *param_len = 0;
    while (*pattern == '/' && *path == '/') {
        size_t pn = strcspn(pattern + 1, "/"), n = strcspn(path + 1, "/");
        ssize_t len = segment_decode(path + 1, n, seg);

        if (len < 0) {
            result = -1;
            goto out;
        }
        if (pattern[1] == '{') {
            if (len == 0) {
                goto out;
            }
            free(*param);
            *param = xmalloc((size_t)len + 1);
            memcpy(*param, seg, (size_t)len + 1);
            *param_len = (size_t)len;
        } else if ((size_t)len != pn || memcmp(seg, pattern + 1, pn)) {
            goto out;
        }
        pattern += 1 + pn;
        path += 1 + n;
    }
    result = !*pattern && !*path;
out:
    free(seg);
    if (result != 1) {
        free(*param);
        *param = NULL;
        *param_len = 0;
    }
    return result;
}

/*
 * A copy of the n bytes at p with each NUL as the pair C0 80: U+0000 as
 * the QMP core (and QEMU) keeps it in a string (qmp/json-stream.h), so the
 * name compares equal to the same name sent as "\u0000" over QMP, and no
 * C string function can cut it short.
 */
static char *nul_as_c080(const char *p, size_t n, size_t *out_len)
{
    char *out = xmalloc(2 * n + 1);
    size_t i, len = 0;

    for (i = 0; i < n; i++) {
        if (p[i]) {
            out[len++] = p[i];
        } else {
            out[len++] = (char)0xC0;
            out[len++] = (char)0x80;
        }
    }
    out[len] = '\0';
    *out_len = len;
    return out;
}

const RestRoute *rest_route_match(const char *method, const char *url,
                                  char **param, size_t *param_len,
                                  RestReply *rep)
{
    size_t plen = strlen(REST_PREFIX), i, n;
    char *allow = NULL, *p;
    const char *path;
    json_t *utf8;
    int m;

    *param = NULL;
    *param_len = 0;
    if (strncmp(url, REST_PREFIX, plen) || url[plen] != '/') {
        rest_reply_error(rep, 404, "GenericError", "No such resource");
        return NULL;
    }
    path = url + plen;
    for (i = 0; i < ARRAY_SIZE(routes); i++) {
        m = pattern_match(routes[i].pattern, path, &p, &n);
        if (m < 0) {
            free(allow);
            rest_reply_error(rep, 400, "GenericError",
                             "Malformed percent-encoding in the URL path");
            return NULL;
        }
        if (!m) {
            continue;
        }
        if (!strcmp(routes[i].method, method)) {
            free(allow);
            /* QMP carries only UTF-8: a name that is not can name nothing
             * (%00 is U+0000, valid; an overlong %C0%80 is not). */
            utf8 = p ? json_stringn(p, n) : NULL;
            if (p && !utf8) {
                free(p);
                rest_reply_error(rep, 400, "GenericError",
                                 "The URL path segment is not valid UTF-8");
                return NULL;
            }
            json_decref(utf8);
            *param = p ? nul_as_c080(p, n, param_len) : NULL;
            free(p);
            return &routes[i];
        }
        free(p);
        if (allow) {
            char *a = xasprintf("%s, %s", allow, routes[i].method);

            free(allow);
            allow = a;
        } else {
            allow = xstrdup(routes[i].method);
        }
    }
    if (!allow) {
        rest_reply_error(rep, 404, "GenericError", "No such resource");
        return NULL;
    }
    p = xasprintf("Method %s is not allowed here (allowed: %s)", method, allow);
    rest_reply_error(rep, 405, "GenericError", p);
    free(p);
    rep->allow = allow;
    return NULL;
}

bool rest_route_has_body(const RestRoute *r)
{
    return r->has_body;
}

void rest_route_run(const RestRoute *r, const char *param, size_t param_len,
                    json_t *body, RestReply *rep)
{
    json_t *lost;

    /*
     * In front of a QEMU whose monitor is gone, the model may be behind
     * it: only the machine (which says so), the event stream and the
     * description answer; the rest is 503 with the error QMP clients get.
     */
    if (forward_active() && r->fn != get_machine && r->fn != get_events &&
        r->fn != get_openapi && (lost = forward_lost_error())) {
        json_t *e = json_object_get(lost, "error");

        rest_reply_error(rep, 503,
                         json_string_value(json_object_get(e, "class")),
                         json_string_value(json_object_get(e, "desc")));
        json_decref(lost);
        return;
    }
    r->fn(param, param_len, body, rep);
}
