/*
 * libFuzzer harness: REST request handling, without sockets or
 * libmicrohttpd.  An input is one request written as
 *
 *     METHOD SP URL LF BODY
 *
 * (the URL as libmicrohttpd hands it over: still percent-encoded,
 * up to the first NUL; rest_route_match() decodes each segment).  It runs the
 * steps rest/server.c's on_request() runs once the headers and body are in:
 * route match (404/405), the body parsed with the QMP parser when the route
 * takes one (415 on a bad body), then the route against the real pc machine,
 * built once per process.  The reply body is rendered as it would be sent, then
 * discarded.  A request is assumed authorised and sent as application/json.
 *
 * rest/server.c is compiled into this file so that its static body
 * parser is the one exercised, not a copy; its listener functions are
 * simply unused (and its object is then not linked from the library).
 */
#include "rest/server.c"

#include "fuzz-machine.h"

static void render(RestReply *rep)
{
    if (rep->body) {
        free(json_out_dumps(rep->body));
    }
    rest_reply_clear(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xzalloc(size + 1);
    char *method, *url, *body_text, *sp, *nl;
    size_t body_len = 0;
    const RestRoute *route;
    RestReply rep = { 0 };
    char *param = NULL;
    size_t param_len = 0;
    json_t *body = NULL;

    fuzz_machine_init();
    memcpy(text, data, size);
    nl = memchr(text, '\n', size);
    if (nl) {
        *nl = '\0';
        body_text = nl + 1;
        body_len = size - (size_t)(body_text - text);
    } else {
        body_text = text + size;
    }
    method = text;
    sp = strchr(text, ' ');
    if (!sp) {
        free(text);
        return 0;
    }
    *sp = '\0';
    url = sp + 1;

    route = rest_route_match(method, url, &param, &param_len, &rep);
    if (!route) {
        render(&rep);
        goto out;
    }
    if (rest_route_has_body(route) && body_len) {
        body = parse_body(body_text, body_len, &rep);
        if (!body) {
            render(&rep);
            goto out;
        }
    }
    rest_route_run(route, param, param_len, body, &rep);
    json_decref(body);
    render(&rep);
    loop_iterate(0);
out:
    free(param);
    free(text);
    return 0;
}
