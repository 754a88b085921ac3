/* See migration.h. */
#include "migration.h"

#include <string.h>

const char *const migration_capability_names[] = {
    "xbzrle",
    "rdma-pin-all",
    "auto-converge",
    "zero-blocks",
    "compress",
    "events",
    "postcopy-ram",
    "x-colo",
    "release-ram",
    "block",
    "return-path",
    "pause-before-switchover",
    "multifd",
    "dirty-bitmaps",
    "postcopy-blocktime",
    "late-block-activate",
    "x-ignore-shared",
    "validate-uuid",
    "background-snapshot",
    "zero-copy-send",
    "postcopy-preempt",
    NULL,
};

static bool enabled[MIGRATION_CAPABILITY__MAX];

/*
 * What background-snapshot cannot be combined with, in the order QEMU
 * tests them (the first one set is the one named in the error).
 */
static const MigrationCapability background_snapshot_conflicts[] = {
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_DIRTY_BITMAPS,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_COMPRESS,
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_X_COLO,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
};

int migration_capability_lookup(const char *name)
{
    for (int i = 0; migration_capability_names[i]; i++) {
        if (!strcmp(migration_capability_names[i], name)) {
            return i;
        }
    }
    return -1;
}

bool migration_capability_enabled(MigrationCapability cap)
{
    return cap < MIGRATION_CAPABILITY__MAX && enabled[cap];
}

/*
 * QEMU 7.2's checks on the would-be set, in its order.  The ones that
 * depend on the host or on an incoming migration pass: Debian's QEMU is
 * built with live block migration and replication, its host supports
 * write tracking, and qmachined never migrates in.  Neither multifd
 * compression nor TLS is ever configured (no migrate-set-parameters).
 */
static bool caps_check(const bool *c, Error **errp)
{
    if (c[MIGRATION_CAPABILITY_POSTCOPY_RAM] &&
        c[MIGRATION_CAPABILITY_X_IGNORE_SHARED]) {
        error_setg(errp, "Postcopy is not compatible with ignore-shared");
        return false;
    }
    if (c[MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT]) {
        size_t n = sizeof(background_snapshot_conflicts) /
                   sizeof(background_snapshot_conflicts[0]);

        for (size_t i = 0; i < n; i++) {
            MigrationCapability other = background_snapshot_conflicts[i];

            if (c[other]) {
                error_setg(errp,
                           "Background-snapshot is not compatible with %s",
                           migration_capability_names[other]);
                return false;
            }
        }
    }
    if (c[MIGRATION_CAPABILITY_ZERO_COPY_SEND] &&
        (!c[MIGRATION_CAPABILITY_MULTIFD] || c[MIGRATION_CAPABILITY_COMPRESS] ||
         c[MIGRATION_CAPABILITY_XBZRLE])) {
        error_setg(errp, "Zero copy only available for non-compressed "
                         "non-TLS multifd migration");
        return false;
    }
    if (c[MIGRATION_CAPABILITY_POSTCOPY_PREEMPT]) {
        if (!c[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
            error_setg(errp, "Postcopy preempt requires postcopy-ram");
            return false;
        }
        if (c[MIGRATION_CAPABILITY_COMPRESS]) {
            error_setg(errp, "Postcopy preempt not compatible with compress");
            return false;
        }
    }
    if (c[MIGRATION_CAPABILITY_MULTIFD] && c[MIGRATION_CAPABILITY_COMPRESS]) {
        error_setg(errp, "Multifd is not compatible with compress");
        return false;
    }
    return true;
}

bool migration_set_capabilities(const MigrationCapabilityStatus *list, size_t n,
                                Error **errp)
{
    bool next[MIGRATION_CAPABILITY__MAX];

    memcpy(next, enabled, sizeof(next));
    for (size_t i = 0; i < n; i++) {
        next[list[i].capability] = list[i].state;
    }
    if (!caps_check(next, errp)) {
        return false;
    }
    memcpy(enabled, next, sizeof(enabled));
    return true;
}
