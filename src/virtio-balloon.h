/*
 * virtio-balloon-pci (src/virtio-balloon.c): what QMP's balloon and
 * query-balloon ask of the machine's one balloon device.
 */
#ifndef QMACHINED_VIRTIO_BALLOON_H
#define QMACHINED_VIRTIO_BALLOON_H

#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"

/*
 * Asks the guest to grow or shrink its memory to target bytes (capped at
 * the RAM size) with a config change.  Fails with DeviceNotActive when
 * there is no balloon, and for a target of 0 or less.
 */
bool virtio_balloon_set_target(int64_t target, Error **errp);
/* The guest's memory as the balloon reports it (RAM size - actual). */
bool virtio_balloon_query(uint64_t *actual, Error **errp);

#endif
