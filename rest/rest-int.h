/* Internal interface between rest/server.c (HTTP) and rest/routes.c. */
#ifndef QMACHINED_REST_INT_H
#define QMACHINED_REST_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "src/error.h"

#define REST_PREFIX "/api/v1"
#define REST_BODY_LIMIT (1u << 20)

typedef struct RestRoute RestRoute;

/* What a route answers; filled by routes.c, sent by server.c. */
typedef struct RestReply {
    unsigned status;
    json_t *body; /* JSON body (owned), or NULL */
    const char *raw; /* static body sent as is (when body NULL) */
    size_t raw_len;
    const char *content_type; /* for raw */
    char *location; /* Location header (owned) or NULL */
    char *allow; /* Allow header (owned) or NULL */
    bool event_stream; /* start a Server-Sent Events stream */
    bool page; /* one of the page's files: its security headers */
} RestReply;

/*
 * Finds the route for method and url (the full path, still
 * percent-encoded: each segment is decoded here, keeping any NUL it
 * holds).  On failure fills rep with the 400 (malformed escape, a
 * parameter that is not UTF-8), 404 or 405 (with Allow) answer and
 * returns NULL.  *param gets the decoded {id}/{action} segment (owned,
 * NUL-terminated, *param_len bytes: valid UTF-8 except that U+0000 is
 * the pair C0 80, as the QMP core keeps it) or NULL.
 */
const RestRoute *rest_route_match(const char *method, const char *url,
                                  char **param, size_t *param_len,
                                  RestReply *rep);
/*
 * The page (GET or HEAD of /, /index.html, /page.css, /page.js): fills
 * rep with the file, or a 405 for another method, and returns true; false
 * for any other URL.  Served without the bearer token: the files are the
 * same for everyone and hold no machine state (the page asks for the
 * token and sends it with each API request).
 */
bool rest_page_match(const char *method, const char *url, RestReply *rep);
/* True when the route takes a JSON request body. */
bool rest_route_has_body(const RestRoute *r);
/* Runs the route; body is the parsed request body (or NULL). */
void rest_route_run(const RestRoute *r, const char *param, size_t param_len,
                    json_t *body, RestReply *rep);

/* The one place errors become HTTP answers. */
void rest_reply_error(RestReply *rep, unsigned status, const char *cls,
                      const char *desc);
void rest_reply_qmp_error(RestReply *rep, const Error *err);
void rest_reply_clear(RestReply *rep);

#endif
