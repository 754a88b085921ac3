/*
 * Wrapper mode: qmachined stands where libvirt (or anyone) runs QEMU.  It
 * starts the real qemu-system-x86_64 with the same machine arguments, but
 * with QEMU's monitors (-qmp, -mon and their -chardev, which qmachined
 * serves itself) replaced by one private QMP socket, and forwards to it
 * (--forward), so the caller manages a real VM while other clients and
 * REST attach to qmachined.  -daemonize and -pidfile are qmachined's.
 * QEMU ends when qmachined does (even when killed); signals to qmachined
 * go to QEMU, and qmachined exits with QEMU's status.
 *
 * Entered when argv[0]'s name is "qmachined-wrap" (a link to qmachined,
 * for an <emulator> element; QEMU is $QMACHINED_QEMU or
 * /usr/bin/qemu-system-x86_64), or with --wrap=QEMU as the first argument.
 */
#ifndef QMACHINED_WRAP_H
#define QMACHINED_WRAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/*
 * Whether argv asks for wrapper mode; if so *qemu is QEMU's path (static
 * or argv storage) and a --wrap= argument is removed from argv/argc.
 */
bool wrap_requested(int *argc, char **argv, const char **qemu);

/*
 * Starts QEMU with argv's machine arguments and a private QMP socket, an
 * abstract unix socket; *sock_path (new string) is "@NAME", where it
 * listens once wrap_wait_ready() said so.  QEMU's stdio is qmachined's, or
 * /dev/null when quiet (qmachined daemonizes: whoever started it waits for its
 * output to end).
 */
bool wrap_spawn(const char *qemu, int argc, char **argv, bool quiet,
                char **sock_path, Error **errp);
/* Waits (10 s at most) until QEMU's socket accepts connections. */
bool wrap_wait_ready(const char *sock_path, Error **errp);

/* QEMU's pid, or -1. */
pid_t wrap_child(void);
/* Sends sig to QEMU. */
void wrap_signal(int sig);
/*
 * Reaps QEMU if it ended: true then, with *status its exit status as a
 * shell gives it (128 + signal when killed).
 */
bool wrap_reap(int *status);
/*
 * Entered as qmachined-wrap (libvirt passes only QEMU's arguments): the
 * REST API listens on unix:DIR/NAME.sock for -name NAME, DIR being
 * $QMACHINED_REST_DIR or /run/qmachined.  NULL when not so entered.
 */
const char *wrap_rest_dir(void);
/* DIR/NAME.sock for a -name argument (new string), or NULL. */
char *wrap_rest_path(const char *name);

/* Ends QEMU if it still runs. */
void wrap_cleanup(void);

#endif
