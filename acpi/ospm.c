/*
 * The simulated guest as an actor (see acpi/ospm.h): its policy, when it
 * runs and what it reacts to.  It boots when the machine first runs (and
 * again after a system reset while running): the firmware part, then the
 * OS part.  After boot each rise of the SCI schedules one run on the
 * event loop (at once, after delay:MS, or never when passive), never
 * inside the call that raised it and only while the machine runs; a run
 * hands the pending GPEs to the ACPI handlers.  What it plays lives in
 * the other acpi/ospm-*.c files (listed in acpi/ospm-int.h): SeaBIOS,
 * Linux's PCI core, virtio driver and ACPI handlers.  docs/GUEST.md has
 * the reference run.
 */
#include "acpi/ospm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/core.h"
#include "acpi/ospm-int.h"
#include "acpi/ospm_priv.h"
#include "src/loop.h"
#include "src/runstate.h"

static struct {
    bool active;
    OspmPolicy policy;
    LoopTimer *timer;
    LoopTimer *reboot_timer;
    bool in_run;
    bool rerun;
    bool booted;
    unsigned runs;
    unsigned mem_slots;
    unsigned max_cpus;
} ospm;

/* ---- Policies ------------------------------------------------------- */

bool ospm_policy_parse(const char *str, OspmPolicy *policy, Error **errp)
{
    static const char delay_prefix[] = "delay:";
    size_t plen = sizeof(delay_prefix) - 1;

    if (!str) {
        str = "";
    }
    if (!strcmp(str, "linux")) {
        *policy = (OspmPolicy){ OSPM_POLICY_LINUX, 0 };
        return true;
    }
    if (!strcmp(str, "passive")) {
        *policy = (OspmPolicy){ OSPM_POLICY_PASSIVE, 0 };
        return true;
    }
    if (!strcmp(str, "reject")) {
        *policy = (OspmPolicy){ OSPM_POLICY_REJECT, 0 };
        return true;
    }
    if (!strncmp(str, delay_prefix, plen)) {
        const char *num = str + plen;
        char *end = NULL;
        unsigned long ms;

        errno = 0;
        if (*num >= '0' && *num <= '9') {
            ms = strtoul(num, &end, 10);
            if (errno == 0 && end && *end == '\0' && ms <= OSPM_DELAY_MAX_MS) {
                *policy = (OspmPolicy){ OSPM_POLICY_DELAY, (uint32_t)ms };
                return true;
            }
        }
        error_setg(errp,
                   "Parameter 'policy' expects a delay in "
                   "milliseconds from 0 to %u (delay:MS)",
                   OSPM_DELAY_MAX_MS);
        return false;
    }
    error_setg(errp,
               "Parameter 'policy' does not accept value '%s' "
               "(expected linux, passive, reject or delay:MS)",
               str);
    return false;
}

const char *ospm_policy_format(const OspmPolicy *policy, char *buf, size_t len)
{
    switch (policy->kind) {
    case OSPM_POLICY_PASSIVE:
        snprintf(buf, len, "passive");
        break;
    case OSPM_POLICY_REJECT:
        snprintf(buf, len, "reject");
        break;
    case OSPM_POLICY_DELAY:
        snprintf(buf, len, "delay:%u", (unsigned)policy->delay_ms);
        break;
    case OSPM_POLICY_LINUX:
    default:
        snprintf(buf, len, "linux");
        break;
    }
    return buf;
}

/* ---- Scheduling ----------------------------------------------------- */

static void ospm_run(void *opaque);

static void schedule_run(void)
{
    int64_t delay_ns = 0;

    if (!ospm.active || ospm.policy.kind == OSPM_POLICY_PASSIVE) {
        return;
    }
    if (ospm.in_run) {
        ospm.rerun = true;
        return;
    }
    if (ospm.timer) {
        return;
    }
    if (ospm.policy.kind == OSPM_POLICY_DELAY) {
        delay_ns = (int64_t)ospm.policy.delay_ms * 1000000;
    }
    ospm.timer = loop_timer_add(delay_ns, ospm_run, NULL);
}

static void cancel_run(void)
{
    loop_timer_cancel(ospm.timer);
    ospm.timer = NULL;
}

/* The SCI went (or stayed) high. */
static void ospm_sci(void *opaque)
{
    (void)opaque;
    if (runstate_is_running() && ospm.booted) {
        schedule_run();
    }
}

void ospm_set_policy(const OspmPolicy *policy)
{
    ospm.policy = *policy;
    cancel_run();
    /* Events left pending by a passive guest are seen now. */
    if (runstate_is_running() && ospm.booted) {
        schedule_run();
    }
}

OspmPolicy ospm_get_policy(void)
{
    return ospm.policy;
}

/* ---- Boot: what SeaBIOS and Linux leave behind ---------------------- */

static void boot(void)
{
    ospm_firmware_boot();
    ospm_acpi_boot();
    ospm_pci_bind_all();
    ospm.booted = true;
    /* Last: enabling the GPEs may raise the SCI right away. */
    ospm_acpi_enable_gpes();
}

/* ---- Runs ------------------------------------------------------------ */

static void ospm_run(void *opaque)
{
    uint8_t pending;

    (void)opaque;
    ospm.timer = NULL;
    if (!ospm.active || !runstate_is_running() || !ospm.booted ||
        ospm.policy.kind == OSPM_POLICY_PASSIVE) {
        return;
    }
    ospm.in_run = true;
    ospm.rerun = false;
    ospm.runs++;
    pending = ospm_acpi_gpe_pending();
    if (pending) {
        ospm_acpi_handle_gpes(pending, ospm.policy.kind == OSPM_POLICY_REJECT,
                              ospm.mem_slots, ospm.max_cpus);
    }
    ospm.in_run = false;
    if (ospm.rerun && runstate_is_running() && ospm_acpi_gpe_pending()) {
        schedule_run();
    }
}

/* ---- Run state hooks ------------------------------------------------ */

static void ospm_start(void *opaque)
{
    (void)opaque;
    if (!ospm.active) {
        return;
    }
    if (!ospm.booted) {
        boot();
    }
    /* A GPE raised while paused is taken now. */
    if (ospm_acpi_gpe_pending()) {
        schedule_run();
    }
}

static void ospm_reboot(void *opaque)
{
    (void)opaque;
    ospm.reboot_timer = NULL;
    if (ospm.active && !ospm.booted && runstate_is_running()) {
        boot();
    }
}

static void ospm_reset(void *opaque)
{
    (void)opaque;
    if (!ospm.active) {
        return;
    }
    cancel_run();
    ospm.booted = false;
    ospm_pci_forget_all();
    /* A running machine reboots: firmware and OS run again afterwards. */
    if (runstate_is_running() && !ospm.reboot_timer) {
        ospm.reboot_timer = loop_timer_add(0, ospm_reboot, NULL);
    }
}

bool ospm_init(const MachineOptions *opts, Error **errp)
{
    OspmPolicy policy = { OSPM_POLICY_LINUX, 0 };

    if (opts->guest_policy &&
        !ospm_policy_parse(opts->guest_policy, &policy, errp)) {
        return false;
    }
    memset(&ospm, 0, sizeof(ospm));
    ospm.policy = policy;
    ospm.mem_slots = opts->slots;
    ospm.max_cpus = opts->smp_maxcpus ? opts->smp_maxcpus : 1;
    ospm_pci_init();
    if (!acpi_sci_add_notifier(ospm_sci, NULL)) {
        error_setg(errp, "too many SCI notifiers");
        return false;
    }
    {
        static bool hooks_registered;

        if (!hooks_registered) {
            runstate_add_start_hook(ospm_start, NULL);
            runstate_add_reset_hook(ospm_reset, NULL);
            hooks_registered = true;
        }
    }
    ospm.active = true;
    return true;
}

void ospm_fini(void)
{
    cancel_run();
    loop_timer_cancel(ospm.reboot_timer);
    ospm.reboot_timer = NULL;
    acpi_sci_remove_notifier(ospm_sci, NULL);
    ospm.active = false;
    ospm.booted = false;
}

unsigned ospm_priv_run_count(void)
{
    return ospm.runs;
}

void ospm_priv_sci(void)
{
    ospm_sci(NULL);
}
