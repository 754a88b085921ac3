/*
 * Socket character devices as QOM objects under /chardevs (QEMU's
 * chardev-socket): one per listening front end (a QMP monitor, qtest),
 * with the state query-chardev reports: the filename QEMU computes from
 * the socket's addresses ("disconnected:..." while no client is
 * connected) and whether a front end has it open.
 */
#ifndef QMACHINED_CHARDEV_SOCKET_H
#define QMACHINED_CHARDEV_SOCKET_H

#include <stdbool.h>

#include <jansson.h>

#include "chardev-backends.h"
#include "error.h"
#include "object.h"
#include "sockets.h"

#define TYPE_CHARDEV_SOCKET "chardev-socket"

typedef struct ChardevSocket ChardevSocket;

/*
 * Adds /chardevs/ID for a listening socket (listen_fd, listening on addr)
 * with a front end attached, or fills in the one reserved for it.  NULL
 * (and errp set) if the id is taken.
 */
ChardevSocket *chardev_socket_new(const char *id, const ListenAddr *addr,
                                  int listen_fd, Error **errp);
/*
 * Reserves /chardevs/ID for a front end that will listen on it
 * (chardev_socket_new), so that it takes its place among the others as
 * in QEMU, which creates every -chardev in command-line order.
 */
void chardev_socket_reserve(const char *id);
/* A client connected on fd / went away. */
void chardev_socket_client_added(ChardevSocket *chr, int fd);
void chardev_socket_client_removed(ChardevSocket *chr, int fd);

/*
 * chardev-add's socket backend (data: QEMU's ChardevSocket, checked):
 * a server listens (never waiting: QMP's wait defaults to off) and
 * accepts one client at a time in the loop; a client connects now.  An
 * "fd" address names a socket (fds says where it comes from) that a
 * server listens on and a client uses as its connection.  Returns false
 * with errp set (QEMU's texts, without the "Failed to add chardev"
 * prefix).
 */
bool chardev_socket_open(ChardevSocket *chr, json_t *data,
                         const ChardevFdSource *fds, Error **errp);

OBJECT_DECLARE_CASTS(ChardevSocket, ChardevClass, CHARDEV_SOCKET,
                     TYPE_CHARDEV_SOCKET)

void chardev_socket_register_types(void);

#endif
