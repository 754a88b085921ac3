/* --forward libvirt:URI#DOMAIN: the transport (qmp/forward-libvirt.c). */
#ifndef QMACHINED_FORWARD_LIBVIRT_H
#define QMACHINED_FORWARD_LIBVIRT_H

#include <jansson.h>
#include <stdbool.h>

#include "src/error.h"

/*
 * Connects to libvirt at URI, finds DOMAIN (spec is "URI#DOMAIN") and
 * starts the threads that carry commands and events: *write_fd takes
 * command lines, *read_fd gives reply and event lines as QEMU's monitor
 * would.  *greeting (new) is QEMU's, from query-version.
 */
bool forward_libvirt_open(const char *spec, int *read_fd, int *write_fd,
                          json_t **greeting, Error **errp);

#endif
