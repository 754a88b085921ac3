/* Listening sockets for the front ends (QMP, qtest, REST). */
#ifndef QMACHINED_SOCKETS_H
#define QMACHINED_SOCKETS_H

#include "error.h"
#include "options.h"

/* Returns a non-blocking listening descriptor for addr, or -1. */
int socket_listen(const ListenAddr *addr, Error **errp);
/* Human-readable form of addr ("unix:/path", "tcp:127.0.0.1:4444"). */
char *socket_addr_str(const ListenAddr *addr);
/* Accepts one client as non-blocking, close-on-exec; -1 if none. */
int socket_accept(int listen_fd);
int socket_set_nonblock(int fd);

#endif
