/*
 * The machine a running QEMU has, read over its monitor: for --forward
 * without machine options, the options qmachined's own parser takes to
 * build the same machine (-machine with the properties QEMU has away
 * from their defaults, -m, -smp, -cpu, the RAM backends of the machine
 * and of its NUMA nodes with -numa, -name, -uuid), so the model starts as
 * QEMU's machine and the usual catching up adds what was plugged later.
 */
#ifndef QMACHINED_FORWARD_MACHINE_H
#define QMACHINED_FORWARD_MACHINE_H

#include <jansson.h>
#include <stdbool.h>

#include "src/error.h"

/* Sends a request to QEMU and returns its reply (forward_execute_sync). */
typedef json_t *ForwardExecute(json_t *req);

/*
 * Asks QEMU through exec (connected, negotiated: forward_open) and
 * returns the options as an array of argument strings ("-m",
 * "size=...", ...), or NULL with errp set when QEMU did not answer.
 */
json_t *forward_machine_options(ForwardExecute *exec, Error **errp);

/* object-add's arguments (but qom-type) for a backend as query-memdev
 * tells it: all that a RAM or memfd backend has (new reference). */
json_t *forward_backend_args(json_t *memdev);
/* Whether query-memdev tells all of a backend of this type. */
bool forward_backend_type_modelled(const char *type);

#endif
