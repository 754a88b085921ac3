/*
 * Migration capabilities: QEMU 7.2's MigrationCapability list, the state of
 * each and the compatibility checks migrate-set-capabilities applies.
 * qmachined migrates nothing; the states are kept for the clients that set
 * and query them (libvirt enables "events" on every domain start).
 */
#ifndef QMACHINED_MIGRATION_H
#define QMACHINED_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef enum MigrationCapability {
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    MIGRATION_CAPABILITY_ZERO_BLOCKS,
    MIGRATION_CAPABILITY_COMPRESS,
    MIGRATION_CAPABILITY_EVENTS,
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_X_COLO,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_BLOCK,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_DIRTY_BITMAPS,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_X_IGNORE_SHARED,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
    MIGRATION_CAPABILITY_POSTCOPY_PREEMPT,
    MIGRATION_CAPABILITY__MAX
} MigrationCapability;

/* Names in QEMU's order, NULL-terminated. */
extern const char *const migration_capability_names[];

/* -1 if name is not a capability. */
int migration_capability_lookup(const char *name);
bool migration_capability_enabled(MigrationCapability cap);

typedef struct MigrationCapabilityStatus {
    MigrationCapability capability;
    bool state;
} MigrationCapabilityStatus;

/*
 * Applies the list in order (a later entry for the same capability wins)
 * if the resulting set passes QEMU's checks; otherwise changes nothing and
 * sets QEMU's error.
 */
bool migration_set_capabilities(const MigrationCapabilityStatus *list, size_t n,
                                Error **errp);

#endif
