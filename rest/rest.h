/*
 * The REST API (/api/v1): HTTP and Server-Sent Events served by
 * libmicrohttpd, driven from the one event loop (no MHD threads).  Every
 * route runs QMP commands through qmp_execute(), so no operation is
 * implemented twice.  See rest/openapi.json and the README's "REST tour".
 */
#ifndef QMACHINED_REST_H
#define QMACHINED_REST_H

#include <stdbool.h>

#include "src/error.h"
#include "src/sockets.h"

/* The default machine's REST address (no machine options given). */
#define REST_DEFAULT_HOST "127.0.0.1"
#define REST_DEFAULT_PORT "8080"

/*
 * Starts serving on addr (tcp or unix; a unix socket gets mode 0600).
 * token_file (may be NULL) holds the bearer token every request must
 * carry; a TCP address that is not loopback-only is refused without one.
 */
bool rest_listen(const ListenAddr *addr, const char *token_file, Error **errp);
/* Closes every REST listener, connection and event stream. */
void rest_cleanup(void);

#endif
