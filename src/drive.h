/*
 * -drive, as QEMU 7.2's drive_new and blockdev_init read it for the pc
 * machine: the legacy options (if, bus, unit, index, media, file,
 * readonly, cache, rerror/werror, copy-on-read), the common ones
 * (format or probing, aio, detect-zeroes, cache.writeback, stats-*), the
 * rest passed to the format node and to its "file" child (file.*).  A
 * drive is a BlockBackend named by its id (made up as "virtio0" ... when
 * none is given) on a format node over a file node, both with made-up
 * node names unless node-name= is given, or an empty BlockBackend when no
 * file is.  if=virtio adds a virtio-blk device for the drive, created
 * after every -device.
 *
 * if=scsi drives are made, but as in QEMU 7.2 no pc board device claims
 * them (QEMU creates no SCSI controller for them): drive_check_orphaned
 * refuses them once the board is built.
 *
 * Not modelled: if=ide, floppy, pflash, mtd, sd, xen (and the default
 * if=ide), snapshot=on, throttling; they are refused.
 */
#ifndef QMACHINED_DRIVE_H
#define QMACHINED_DRIVE_H

#include <jansson.h>
#include <stdbool.h>

#include "src/error.h"

/*
 * Creates the drive described by opts (the -drive option's keys and
 * string values, borrowed; arg is its text for warnings).  For if=virtio
 * *devopts becomes the device_add arguments of its device (new
 * reference), else NULL.
 */
bool drive_new(json_t *opts, const char *arg, json_t **devopts, Error **errp);

/*
 * After the board (before -device, as QEMU 7.2's drive_check_orphaned):
 * each drive of an interface no board device took is reported, "-drive
 * ARG: machine type does not support if=scsi,bus=B,unit=U"; all but the
 * last are printed, the last is the error.
 */
bool drive_check_orphaned(Error **errp);

#endif
