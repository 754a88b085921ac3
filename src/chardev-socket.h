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
 * with a front end attached.  NULL (and errp set) if the id is taken.
 */
ChardevSocket *chardev_socket_new(const char *id, const ListenAddr *addr,
                                  int listen_fd, Error **errp);
/* A client connected on fd / went away. */
void chardev_socket_client_added(ChardevSocket *chr, int fd);
void chardev_socket_client_removed(ChardevSocket *chr, int fd);

/*
 * chardev-add's socket backend (data: QEMU's ChardevSocket, checked):
 * a server listens (never waiting: QMP's wait defaults to off) and
 * accepts one client at a time in the loop; a client connects now.
 * Returns false with errp set (QEMU's texts, without the "Failed to add
 * chardev" prefix).
 */
bool chardev_socket_open(ChardevSocket *chr, json_t *data, Error **errp);

OBJECT_DECLARE_CASTS(ChardevSocket, ChardevClass, CHARDEV_SOCKET,
                     TYPE_CHARDEV_SOCKET)

void chardev_socket_register_types(void);

#endif
