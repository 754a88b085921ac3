/* Listening sockets for the front ends (QMP, qtest, REST). */
#ifndef QMACHINED_SOCKETS_H
#define QMACHINED_SOCKETS_H

#include <stdbool.h>

#include "error.h"

/* Where a front end listens (-qmp, -chardev, -qtest, --rest). */
typedef enum { LISTEN_UNIX, LISTEN_TCP, LISTEN_FD } ListenKind;

typedef struct ListenAddr {
    ListenKind kind;
    char *path; /* LISTEN_UNIX */
    char *host; /* LISTEN_TCP ("" = any address) */
    char *port; /* LISTEN_TCP */
    int fd; /* LISTEN_FD: an already listening socket; else -1 */
    bool server; /* false: QEMU would connect to it as a client */
    bool wait; /* server: block until the first client connects */
    bool pretty; /* QMP: pretty-printed replies (-qmp-pretty) */
    char *chardev_id; /* "charmonitor", "compat_monitor0", ... or NULL */
} ListenAddr;

/* Frees a's strings (not a itself). */
void listen_addr_clear(ListenAddr *a);
/* dst gets src's address (kind, path or host and port), strings copied. */
void listen_addr_copy(ListenAddr *dst, const ListenAddr *src);

/*
 * Connects to addr as a client (blocking; unix: a path, or "@NAME" for
 * the abstract socket NAME, as QEMU's abstract=on; tcp: HOST:PORT).
 * Returns the descriptor (close-on-exec) or -1 with errp set.
 */
int socket_connect(const ListenAddr *addr, Error **errp);

/*
 * Removes the unix sockets socket_listen() created (those still at their
 * paths), as QEMU removes its server sockets when it exits.
 */
void socket_remove_created(void);

/* Returns a non-blocking listening descriptor for addr, or -1. */
int socket_listen(const ListenAddr *addr, Error **errp);
/* "tcp:HOST:PORT" or "unix:PATH" that fd is bound to (new string). */
char *socket_bound_str(int fd);
/* What the last successful socket_listen() bound, or NULL. */
const char *socket_last_bound(void);
/* Human-readable form of addr ("unix:/path", "tcp:127.0.0.1:4444"). */
char *socket_addr_str(const ListenAddr *addr);
/* Accepts one client as non-blocking, close-on-exec; -1 if none. */
int socket_accept(int listen_fd);

/*
 * A listener's watch and its back-off.  At the process's or the system's
 * file limit accept() fails while the listener stays readable, which would
 * spin the loop: socket_accept_listener() then stops watching the
 * listener for ACCEPT_BACKOFF_MS, says so once on stderr, and re-arms it.
 */
typedef struct LoopWatch LoopWatch;
typedef struct LoopTimer LoopTimer;
typedef struct SocketListener {
    int fd;
    LoopWatch *watch;
    LoopTimer *backoff;
} SocketListener;

#define ACCEPT_BACKOFF_MS 100

int socket_accept_listener(SocketListener *l);
/* Cancels a pending back-off; call before removing l->watch. */
void socket_listener_cancel_backoff(SocketListener *l);
int socket_set_nonblock(int fd);

#endif
