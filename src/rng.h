/*
 * Random number generator backends (QEMU's backends/rng*): rng-random (a
 * file, /dev/urandom by default, opened when the object is completed),
 * rng-builtin and rng-egd (a chardev), all user-creatable under /objects
 * and linked from virtio-rng-pci's "rng" property.  qmachined's
 * virtio-rng answers no requests, so no entropy is read.
 */
#ifndef QMACHINED_RNG_H
#define QMACHINED_RNG_H

#include <stdbool.h>

#include "object.h"

#define TYPE_RNG_BACKEND "rng-backend"
#define TYPE_RNG_BUILTIN "rng-builtin"

typedef struct RngBackend {
    Object parent_obj;
    bool opened;
    char *filename; /* rng-random */
    char *chardev; /* rng-egd */
    int fd; /* rng-random: the open file, or -1 */
} RngBackend;

OBJECT_DECLARE_CASTS(RngBackend, ObjectClass, RNG_BACKEND, TYPE_RNG_BACKEND)

/* Opens a backend created outside object-add (a device's default one). */
bool rng_backend_open(RngBackend *rng, Error **errp);

void rng_register_types(void);

#endif
