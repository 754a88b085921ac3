/*
 * -smp (and -machine's "smp" property) as QEMU 7.2's
 * machine_parse_smp_config() reads it for pc-i440fx-7.2 (sockets, dies,
 * cores, threads; at most 255 CPUs) and for "none" (one CPU, no dies).
 */
#ifndef QMACHINED_SMP_H
#define QMACHINED_SMP_H

#include <stdbool.h>

#include <jansson.h>

#include "error.h"
#include "machine-options.h"

/*
 * Checks the merged -smp keyval (strings; NULL: not given) against
 * o->machine_type, computes the missing values as QEMU does (cores
 * before sockets since 6.2) and stores the topology in o->smp_*.
 * Prints QEMU's deprecation warning for zero values.  Returns false with
 * errp set.
 */
bool smp_parse(MachineOptions *o, json_t *smp, Error **errp);

#endif
