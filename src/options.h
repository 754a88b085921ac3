/*
 * qmachined's command line: the subset of QEMU 7.2's options that matter
 * for a pc machine, parsed with QEMU's syntax and rejected with QEMU's
 * error texts (prefixed "qmachined: " instead of "qemu-system-x86_64: "),
 * plus qmachined's own double-dash options.
 *
 * QEMU options may be written with one or two dashes.  qmachined's own
 * options take two dashes only: --rest ADDR (tcp:HOST:PORT or
 * unix:PATH, repeatable), --rest-token-file FILE, --guest POLICY,
 * --help, --version (-h, -help, -version also work, as in QEMU).
 *
 * Machine-defining options are -machine/-M, -m, -smp, -object, -numa
 * and -device.  When none of them is given, defaults_used is set and
 * the daemon builds its documented default machine; the other fields
 * still hold QEMU's defaults (pc-i440fx-7.2, 128 MiB, one CPU).
 * MachineOptions, what the parser fills, is in machine-options.h;
 * messages about options are printed by options-report.c.
 */
#ifndef QMACHINED_OPTIONS_H
#define QMACHINED_OPTIONS_H

#include <stdbool.h>

#include "machine-options.h"

/*
 * Parses argv.  On --help/--version prints to stdout, sets *exit_now and
 * returns true.  On error prints QEMU-style to stderr and returns false
 * (the caller exits 1).  opts is always initialised, even on failure,
 * and must be released with options_free().
 */
bool options_parse(MachineOptions *opts, int argc, char **argv, bool *exit_now);
void options_free(MachineOptions *opts);
/* Whether arg is one of qmachined's own options (--rest, --forward, ...:
 * not QEMU's), and whether it takes an argument. */
bool options_own(const char *arg, bool *has_arg);

#endif
