/*
 * What the command line describes: the machine (type, properties,
 * memory, CPUs, -object, -numa, -device) and the daemon around it
 * (monitors, qtest, REST, guest policy, run flags).  options_parse()
 * (options.c) fills it, with the subjects' parsers (machine-props.c,
 * memory-size.c, smp.c, chardev.c); the board (pc.c), the simulated guest
 * and the daemon (main.c) read it.  It has a header of its own so that
 * those need not depend on the parser.
 */
#ifndef QMACHINED_MACHINE_OPTIONS_H
#define QMACHINED_MACHINE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sockets.h"

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
    /*
     * Each -netdev as a netdev_add argument dict: JSON values as given, or
     * (QemuOpts form: its text does not start with '{') strings, with
     * hostfwd, guestfwd and dnssearch as lists of {"str": ...} in the order
     * given.  netdev_args holds the option texts.
     */
    json_t *netdevs;
    json_t *netdev_args;
    /*
     * Each -blockdev as a blockdev-add argument dict: JSON values as
     * given, or (dotted keys: the text does not start with '{') nested
     * dicts of strings.  blockdev_args holds the option texts.
     */
    json_t *blockdevs;
    json_t *blockdev_args;
    /*
     * Each -drive as a dict of its QemuOpts strings; drive_args holds the
     * option texts.  drive_devices are the devices if=virtio drives add
     * (device_add dicts, created after every -device), drive_device_args
     * the texts of their -drive options.
     */
    json_t *drives;
    json_t *drive_args;
    json_t *drive_devices;
    json_t *drive_device_args;
    /*
     * The chardevs to create, in QEMU's order (the command line's, -qmp's
     * own included): each -chardev null, file, pty or socket as
     * chardev-add's arguments ({"id", "backend": ChardevBackend}), or
     * {"id", "front-end": true} for the sockets the monitors and qtest
     * serve on (below), which are only reserved; chardev_args holds the
     * option texts.
     */
    json_t *chardevs;
    json_t *chardev_args;
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
    /* --forward: QEMU's QMP socket, or NULL. */
    ListenAddr *forward;
    /* --forward libvirt:URI#DOMAIN: "URI#DOMAIN", or NULL. */
    char *forward_libvirt;
    bool forward_read_only;
    /* --forward-poll-us: adaptive polling while forwarding (loop.h). */
    unsigned forward_poll_us;
    /* -S, -daemonize, -nodefaults, -no-shutdown */
    bool start_paused, daemonize, nodefaults, no_shutdown;
    bool no_reboot;
    /* -name guest=NAME (or plain NAME), -uuid, -pidfile; NULL if absent. */
    char *name, *uuid, *pidfile;
    /* -cpu model name (without feature flags); "qemu64" by default. */
    char *cpu_model;
    /* -cpu had feature flags after the model name: the text after the ','. */
    bool cpu_flags;
    char *cpu_features;
    /* -cpu was given (the none machine has no CPU otherwise). */
    bool cpu_given;
} MachineOptions;

/* MachineOptions.machine_type of the pc machine. */
#define OPTIONS_MACHINE_PC "pc-i440fx-7.2"

#endif
