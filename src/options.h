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
 */
#ifndef QMACHINED_OPTIONS_H
#define QMACHINED_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "sockets.h"

/* Frees a's strings (not a itself). */
void listen_addr_clear(ListenAddr *a);

typedef struct MachineOptions {
    /* No machine-defining option given at all (see above). */
    bool defaults_used;
    /* Canonical: "pc-i440fx-7.2" (for pc and pc-i440fx-7.2) or "none". */
    char *machine_type;
    /*
     * Other -machine properties as strings (usb, dump-guest-core, ...),
     * later options win; "accel" holds the accelerator list ("tcg",
     * "kvm:tcg") from -machine accel= or -accel, if given.
     */
    json_t *machine_props;
    /* QEMU defaults: 128 MiB, maxmem = ram_size, 0 slots. */
    uint64_t ram_size, maxmem;
    /* -m gave a size (else -machine memory-backend sets ram_size). */
    bool ram_size_set;
    unsigned slots;
    unsigned smp_cpus, smp_sockets, smp_cores, smp_threads, smp_maxcpus;
    unsigned smp_dies;
    /*
     * Each -object as an object-add argument dict: qom-type, id and the
     * properties (keyval strings, or JSON values as given).  object_args
     * holds the option text of each, same index, for error locations.
     */
    json_t *objects;
    json_t *object_args;
    /*
     * Each -numa as a dict of strings ("type": "node", ...), syntax
     * checked only: its members are checked at machine creation
     * (numa.h), where QEMU checks them.
     */
    json_t *numa;
    json_t *numa_args;
    /* Each -device as a device_add argument dict (driver, id, ...). */
    json_t *devices;
    json_t *device_args;
    /* QMP monitors: -qmp, and -chardev socket + -mon chardev=ID,mode=control */
    ListenAddr *monitors;
    size_t n_monitors;
    /* -qtest CHARDEV, or NULL. */
    ListenAddr *qtest;
    /* --rest (repeatable) and --rest-token-file. */
    ListenAddr *rest;
    size_t n_rest;
    char *rest_token_file;
    /* --guest POLICY (validated later by the daemon), NULL = default. */
    char *guest_policy;
    /* -S, -daemonize, -nodefaults, -no-shutdown */
    bool start_paused, daemonize, nodefaults, no_shutdown;
    bool no_reboot;
    /* -name guest=NAME (or plain NAME), -uuid, -pidfile; NULL if absent. */
    char *name, *uuid, *pidfile;
    /* -cpu model name (without feature flags); "qemu64" by default. */
    char *cpu_model;
    /* -cpu had feature flags after the model name. */
    bool cpu_flags;
} MachineOptions;

/*
 * Parses argv.  On --help/--version prints to stdout, sets *exit_now and
 * returns true.  On error prints QEMU-style to stderr and returns false
 * (the caller exits 1).  opts is always initialised, even on failure,
 * and must be released with options_free().
 */
bool options_parse(MachineOptions *opts, int argc, char **argv,
                   bool *exit_now);
void options_free(MachineOptions *opts);

/*
 * Prints "qmachined: OPTION ARG: TEXT" to stderr (just "qmachined: TEXT"
 * when option is NULL), as QEMU reports errors tied to an option, e.g.
 * for a -device whose device_add fails at start-up.
 */
void options_report(const char *option, const char *arg, const char *text);

/* Prints "qmachined: warning: TEXT" to stderr (no option location). */
void options_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Program name used in messages. */
#define OPTIONS_PROGNAME "qmachined"

/* MachineOptions.machine_type of the pc machine. */
#define OPTIONS_MACHINE_PC "pc-i440fx-7.2"

#endif
