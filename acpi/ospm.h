/*
 * The simulated guest (OSPM): while the machine runs, it plays the part
 * of a Linux guest running QEMU 7.2's ACPI tables, so that hotplug and
 * unplug complete with no OS booted.  It reacts to the SCI the way Linux's
 * ACPI driver runs the _E01/_E03 methods (PCI and memory hotplug), and on
 * the first start it leaves the registers as SeaBIOS and Linux leave them
 * (PM base, SCI_EN, GPE enables, PIRQ routing, BARs, interrupt
 * controllers).  It touches the machine only through the I/O and memory
 * address spaces, exactly as a qtest client would.  docs/GUEST.md records
 * the real guest's behaviour it reproduces.
 *
 * Policies (--guest POLICY, __org.qmachined_set-guest-policy):
 *   linux     act on the next loop iteration (the default)
 *   passive   never act
 *   reject    act, but answer memory removal with a failed _OST
 *             (source 3, status 1) and eject nothing
 *   delay:MS  act MS milliseconds after the SCI (0..3600000)
 */
#ifndef QMACHINED_ACPI_OSPM_H
#define QMACHINED_ACPI_OSPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/error.h"
#include "src/machine-options.h"

typedef enum OspmPolicyKind {
    OSPM_POLICY_LINUX,
    OSPM_POLICY_PASSIVE,
    OSPM_POLICY_REJECT,
    OSPM_POLICY_DELAY,
} OspmPolicyKind;

typedef struct OspmPolicy {
    OspmPolicyKind kind;
    uint32_t delay_ms; /* OSPM_POLICY_DELAY only */
} OspmPolicy;

#define OSPM_DELAY_MAX_MS 3600000u
#define OSPM_POLICY_STR_MAX 24

/* Parses "linux", "passive", "reject" or "delay:MS". */
bool ospm_policy_parse(const char *str, OspmPolicy *policy, Error **errp);
/* Canonical text of a policy into buf (OSPM_POLICY_STR_MAX bytes). */
const char *ospm_policy_format(const OspmPolicy *policy, char *buf, size_t len);

/*
 * Starts the simulated guest for the machine just created: validates
 * opts->guest_policy (errp gets the message for "--guest ARG: ..."),
 * registers the SCI notifier and the start/reset hooks.
 */
bool ospm_init(const MachineOptions *opts, Error **errp);
/* Stops it (tests; the daemon simply exits). */
void ospm_fini(void);

void ospm_set_policy(const OspmPolicy *policy);
OspmPolicy ospm_get_policy(void);

#endif
