/*
 * Character devices as far as qmachined needs them: -chardev options
 * checked as QEMU 7.2 creates the chardev, and the socket a QMP monitor
 * or the qtest server listens on (from -chardev, or from the legacy
 * "unix:PATH,..." / "tcp:HOST:PORT,..." strings of -qmp and -qtest).
 * Chardev options are dicts of strings (QemuOpts values).
 */
#ifndef QMACHINED_CHARDEV_H
#define QMACHINED_CHARDEV_H

#include <stdbool.h>

#include <jansson.h>

#include "error.h"
#include "keyval.h"
#include "sockets.h"

/* The parameters of -chardev (QemuOpts; the implied one is "backend"). */
extern const KeyvalOptDesc chardev_opts[];

/*
 * QEMU's checks creating a chardev from -chardev options: an id, a
 * known backend, and for a socket a usable address (see
 * chardev_listen_addr).  Returns false with errp set.
 */
bool chardev_check(json_t *opts, Error **errp);

/*
 * The ChardevBackend ({"type", "data"}) of -chardev options c for the
 * backends qmachined creates from the command line (null, file, pty and
 * socket, whose fd address is the descriptor's number; new reference);
 * NULL for the others.  Errors (NULL with errp set) as QEMU's
 * parsing: "chardev: file: no filename given".
 */
json_t *chardev_backend_of(json_t *c, Error **errp);

/*
 * The address a socket chardev listens on (or connects to: server off).
 * *is_socket tells whether the backend is "socket"; for others nothing
 * is checked and *a stays empty.  *a is always initialised (release it
 * with listen_addr_clear).  A server given no address (or an empty fd)
 * is LISTEN_FD with fd -1: QEMU listens on nothing then.  Returns false
 * with errp set: "None or one of 'path', 'fd' or 'host' option
 * required.", no port, a bad or non-socket fd.
 */
bool chardev_listen_addr(json_t *opts, ListenAddr *a, bool *is_socket,
                         Error **errp);

/*
 * The chardev options of a legacy chardev string "unix:PATH,opts" or
 * "tcp:HOST:PORT,opts" (as qemu_chr_parse_compat).  Other backends are
 * refused ("character device 'stdio' cannot serve here; ...", "'x' is
 * not a valid char driver").  Returns a new reference, or NULL: with
 * errp set when QEMU prints a message of its own before its caller's
 * "parse error", with errp untouched when it prints none.
 */
json_t *chardev_parse_compat(const char *spec, Error **errp);

#endif
