/*
 * Character devices as QOM objects under /chardevs: the base type
 * "chardev" every backend derives from, the simple backends (null, file,
 * pty) and chardev-add / chardev-remove over all of them, sockets
 * included (chardev-socket.c).  The backend descriptions are QEMU 7.2's
 * ChardevBackend as JSON ({"type": T, "data": {...}}), already checked
 * against the schema by the caller.
 */
#ifndef QMACHINED_CHARDEV_BACKENDS_H
#define QMACHINED_CHARDEV_BACKENDS_H

#include <stdbool.h>

#include <jansson.h>

#include "error.h"
#include "object.h"
#include "qdev.h"

#define TYPE_CHARDEV "chardev"
#define TYPE_CHARDEV_NULL "chardev-null"
#define TYPE_CHARDEV_FILE "chardev-file"
#define TYPE_CHARDEV_PTY "chardev-pty"

typedef struct Chardev {
    Object parent_obj;
    /* A front end (monitor, qtest, a device) holds it: not removable. */
    bool busy;
    /* The front end has it open (query-chardev's frontend-open). */
    bool frontend_open;
    /* file: out and in; pty: the master (in is -1). */
    int fd_out;
    int fd_in;
    char *pty_name;
} Chardev;

/*
 * Where the descriptor of a socket address of type "fd" comes from, as
 * QEMU's socket_get_fd: on QMP the monitor's getfd descriptor of that
 * name, which take() removes from the monitor and hands over (-1 and
 * errp set when there is none); on the command line (NULL) the number
 * itself.
 */
typedef struct ChardevFdSource {
    int (*take)(void *opaque, const char *name, Error **errp);
    void *opaque;
} ChardevFdSource;

typedef struct ChardevClass {
    ObjectClass parent_class;
    /* query-chardev's filename (new string). */
    char *(*filename)(Chardev *chr);
    /* chardev-add: opens the backend from its data; NULL: nothing to open.
     * Errors without the "Failed to add chardev" prefix. */
    bool (*open)(Chardev *chr, json_t *data, const ChardevFdSource *fds,
                 Error **errp);
} ChardevClass;

OBJECT_DECLARE_CASTS(Chardev, ChardevClass, CHARDEV, TYPE_CHARDEV)

/* /chardevs (created on first use). */
Object *chardev_root(void);
/* The chardev with that id, or NULL. */
Chardev *chardev_find(const char *id);

/*
 * chardev-add: creates /chardevs/ID from a ChardevBackend, descriptors
 * named by fd socket addresses taken from fds.  *ret gets the command's
 * return ({} or {"pty": NAME}; new reference).  Errors as QEMU:
 * "Chardev with id 'ID' already exists", "Failed to add chardev 'ID': ...".
 */
bool chardev_add(const char *id, json_t *backend, const ChardevFdSource *fds,
                 json_t **ret, Error **errp);
/*
 * The same for -chardev: errors without the prefix, fd addresses are
 * descriptor numbers, and a pty says where it is on stderr, as QEMU does.
 */
bool chardev_add_cmdline(const char *id, json_t *backend, Error **errp);
/* chardev-remove: "Chardev 'ID' not found", "Chardev 'ID' is busy". */
bool chardev_remove(const char *id, Error **errp);

/*
 * A front end takes chardev id (a device's chardev= property): errors as
 * QEMU's qdev chardev property.  Released by chardev_release.
 */
bool chardev_claim(Chardev *chr);
void chardev_release(Chardev *chr);

/*
 * A device's "chardev" property (QEMU's qdev chr property): a Chardev *
 * field, set by id (claimed; "" for none), released with the device.
 */
extern const PropertyInfo qdev_prop_chr;
#define DEFINE_PROP_CHR(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_chr, Chardev *)

/* For query-chardev: every chardev in /chardevs, in QEMU's order. */
typedef void ChardevInfoFunc(const char *label, const char *filename,
                             bool frontend_open, void *opaque);
void chardev_foreach(ChardevInfoFunc *fn, void *opaque);

/* The base type's instance hooks (the base is registered with
 * chardev-socket's types, in QEMU's type order). */
void chardev_instance_init(Object *obj);
void chardev_instance_finalize(Object *obj);

void chardev_backends_register_types(void);

#endif
