/*
 * Request dispatch, in QEMU 7.2's order: input must be an object; its
 * members are checked (in QEMU's dictionary order, which decides which
 * error wins); the command is looked up; OOB and argument checks; then
 * the handler runs.  In negotiation mode only qmp_capabilities exists and
 * CommandNotFound gets the negotiation hint instead.
 */
#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "json-out.h"
#include "qmp.h"
#include "src/util.h"

json_t *qmp_error_response(const Error *err)
{
    json_t *e = json_object();
    json_t *rsp = json_object();

    json_object_set_new(e, "class", json_text(error_class_name(err->cls)));
    json_object_set_new(e, "desc", json_text(error_get_pretty(err)));
    json_object_set_new(rsp, "error", e);
    return rsp;
}

/* The command table by name, for a binary search (made on first use). */
static const QmpCommand **by_name;
static size_t n_by_name;

static int cmd_cmp(const void *a, const void *b)
{
    const QmpCommand *x = *(const QmpCommand *const *)a;
    const QmpCommand *y = *(const QmpCommand *const *)b;
    int r = strcmp(x->name, y->name);

    /* The first of equal names wins, as in a walk of the table. */
    return r ? r : (x < y ? -1 : x > y);
}

const QmpCommand *qmp_find_command(const char *name)
{
    size_t lo = 0, hi;

    if (!by_name) {
        const QmpCommand *c;

        for (c = qmp_commands; c->name; c++) {
            n_by_name++;
        }
        by_name = xmalloc((n_by_name ? n_by_name : 1) * sizeof(*by_name));
        for (hi = 0; hi < n_by_name; hi++) {
            by_name[hi] = &qmp_commands[hi];
        }
        qsort(by_name, n_by_name, sizeof(*by_name), cmd_cmp);
    }
    /* The first entry not below name. */
    hi = n_by_name;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(by_name[mid]->name, name) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n_by_name && !strcmp(by_name[lo]->name, name) ? by_name[lo]
                                                              : NULL;
}

/* Checks the request's members; returns the command name or NULL. */
static const char *check_members(json_t *req, bool allow_oob, bool *oob,
                                 Error **errp)
{
    const char *exec_key = NULL;
    const char *small[8], **keys;
    size_t i, n = json_object_size(req);
    bool ok = true;

    keys = n <= 8 ? small : xmalloc(n * sizeof(*keys));
    json_qdict_order_into(req, keys);
    for (i = 0; i < n && ok; i++) {
        const char *k = keys[i];
        json_t *v = json_object_get(req, k);

        if (!strcmp(k, "execute") || (!strcmp(k, "exec-oob") && allow_oob)) {
            if (!json_is_string(v)) {
                error_setg(errp, "QMP input member '%s' must be a string", k);
                ok = false;
            } else if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'", k,
                           exec_key);
                ok = false;
            } else {
                exec_key = k;
            }
        } else if (!strcmp(k, "arguments")) {
            if (!json_is_object(v)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                ok = false;
            }
        } else if (strcmp(k, "id") != 0) {
            error_setg(errp, "QMP input member '%s' is unexpected", k);
            ok = false;
        }
    }
    if (keys != small) {
        free(keys);
    }
    if (!ok) {
        return NULL;
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    *oob = !strcmp(exec_key, "exec-oob");
    return json_string_value(json_object_get(req, exec_key));
}

static json_t *dispatch(QmpSession *s, json_t *req, Error **errp)
{
    const QmpCommand *cmd;
    const char *name;
    json_t *args, *ret = NULL;
    bool oob = false;

    if (!json_is_object(req)) {
        error_setg(errp, "QMP input must be a JSON object");
        return NULL;
    }
    name = check_members(req, s->oob_enabled, &oob, errp);
    if (!name) {
        return NULL;
    }
    cmd = qmp_find_command(name);
    if (!s->negotiated && cmd && strcmp(cmd->name, "qmp_capabilities")) {
        cmd = NULL;
    }
    if (!cmd) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (oob && !(cmd->flags & QMP_CMD_ALLOW_OOB)) {
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    args = json_object_get(req, "arguments");
    if (args) {
        json_incref(args);
    } else {
        args = json_object();
    }
    if (!qapi_check(cmd->args ? cmd->args : &qapi_empty, args, errp)) {
        json_decref(args);
        return NULL;
    }
    if (!cmd->fn(s, args, &ret, errp)) {
        json_decref(args);
        json_decref(ret);
        return NULL;
    }
    json_decref(args);
    return ret ? ret : json_object();
}

bool qmp_execute(QmpSession *s, const char *name, json_t *args, json_t **ret,
                 Error **errp)
{
    json_t *req = json_object();
    bool ok;

    json_object_set_new(req, "execute", json_text(name));
    if (args) {
        json_object_set(req, "arguments", args);
    }
    *ret = dispatch(s, req, errp);
    ok = *ret != NULL;
    json_decref(req);
    return ok;
}

bool qmp_request_forwardable(QmpSession *s, json_t *req, Error **errp)
{
    bool oob;

    if (!json_is_object(req)) {
        error_setg(errp, "QMP input must be a JSON object");
        return false;
    }
    return check_members(req, s->oob_enabled, &oob, errp) != NULL;
}

bool qmp_session_busy(const QmpSession *s)
{
    return forward_session_busy(s);
}

void qmp_session_end(QmpSession *s)
{
    forward_session_end(s);
}

void qmp_handle_request(QmpSession *s, json_t *req, Error *err)
{
    json_t *rsp;

    if (forward_active() && s->negotiated) {
        forward_request(s, req, err);
        return;
    }
    rsp = qmp_reply_local(s, req, err);
    s->send(s, rsp);
    json_decref(rsp);
}

json_t *qmp_reply_local(QmpSession *s, json_t *req, Error *err)
{
    json_t *rsp = NULL, *ret, *id = NULL;
    bool negotiating = !s->negotiated;

    if (!err) {
        if (json_is_object(req)) {
            id = json_object_get(req, "id");
        }
        ret = dispatch(s, req, &err);
        if (ret) {
            rsp = json_object();
            json_object_set_new(rsp, "return", ret);
        }
    }
    if (err) {
        if (negotiating && err->cls == ERROR_CLASS_COMMAND_NOT_FOUND) {
            free(err->desc);
            err->desc = xstrdup("Expecting capabilities negotiation with "
                                "'qmp_capabilities'");
        }
        rsp = qmp_error_response(err);
        error_free(err);
    }
    if (id) {
        json_object_set(rsp, "id", id);
    }
    return rsp;
}
