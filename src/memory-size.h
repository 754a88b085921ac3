/*
 * -m (and -machine's "memory" property): RAM size, slots and maxmem as
 * QEMU 7.2's set_memory_options() checks them.
 */
#ifndef QMACHINED_MEMORY_SIZE_H
#define QMACHINED_MEMORY_SIZE_H

#include <stdbool.h>

#include <jansson.h>

#include "error.h"
#include "keyval.h"
#include "machine-options.h"

/* QEMU's default RAM size: 128 MiB. */
#define MEMORY_SIZE_DEFAULT (128ULL << 20)

/* The parameters of -m (QemuOpts; the implied one is "size"). */
extern const KeyvalOptDesc memory_size_opts[];

/*
 * Checks the merged -m options (strings; NULL: not given) and stores
 * ram_size (a number without suffix means MiB; rounded up to 8 KiB),
 * maxmem and slots in o.  The slot count and the alignment of maxmem
 * are the board's checks (pc.c).  Prints QEMU's warning for a hex number
 * with a suffix.  Returns false with errp set.
 */
bool memory_size_parse(MachineOptions *o, json_t *mem, Error **errp);

#endif
