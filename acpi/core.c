/*
 * ACPI fixed hardware: PM1a event and control registers, the PM timer,
 * the GPE block and the SCI.  Behaviour follows QEMU 7.2 as observed on
 * its I/O ports (see acpi/core.h for the layout).
 */
#include "acpi/core.h"

#include <stdlib.h>
#include <string.h>

#include "src/events.h"
#include "src/runstate.h"
#include "src/util.h"

/* SLP_TYP values with a fixed meaning (S4 is configurable). */
#define SLP_TYP_SOFT_OFF 0
#define SLP_TYP_S3 1

#define NS_PER_SEC 1000000000LL

/* ---- Clock ---- */

static int64_t clock_never_ran(void)
{
    return 0;
}

static AcpiClockFn *clock_fn = clock_never_ran;

void acpi_set_clock(AcpiClockFn *fn)
{
    clock_fn = fn ? fn : clock_never_ran;
}

int64_t acpi_pm_tmr_get_clock(void)
{
    int64_t ns = clock_fn();
    unsigned __int128 t;

    if (ns <= 0) {
        return 0;
    }
    t = (unsigned __int128)ns * ACPI_PM_TIMER_FREQUENCY / NS_PER_SEC;
    return (int64_t)t;
}

/* ---- PM1 event block ---- */

uint16_t acpi_pm1_evt_get_sts(AcpiRegs *ar)
{
    if (acpi_pm_tmr_get_clock() >= ar->tmr.overflow_time) {
        ar->evt.sts |= ACPI_BITMASK_TIMER_STATUS;
    }
    return ar->evt.sts;
}

static void pm1_evt_write_sts(AcpiRegs *ar, uint16_t val)
{
    uint16_t sts = acpi_pm1_evt_get_sts(ar);

    if (sts & val & ACPI_BITMASK_TIMER_STATUS) {
        /* Acknowledging the overflow moves the next one on. */
        acpi_pm_tmr_calc_overflow_time(ar);
    }
    ar->evt.sts &= (uint16_t)~val;
}

static uint64_t pm1_evt_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiRegs *ar = opaque;

    (void)size;
    switch (addr) {
    case ACPI_PM1_STS:
        return acpi_pm1_evt_get_sts(ar);
    case ACPI_PM1_EN:
        return ar->evt.en;
    default:
        /* Odd offsets (byte access to the high half) read 0. */
        return 0;
    }
}

static void pm1_evt_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    AcpiRegs *ar = opaque;

    (void)size;
    switch (addr) {
    case ACPI_PM1_STS:
        pm1_evt_write_sts(ar, (uint16_t)val);
        ar->evt.update_sci(ar);
        break;
    case ACPI_PM1_EN:
        ar->evt.en = (uint16_t)val;
        ar->evt.update_sci(ar);
        break;
    default:
        /* Byte writes to the high halves are dropped. */
        break;
    }
}

/*
 * Byte and word access; the handlers always see 16-bit accesses at the
 * guest's offset, so a byte access to an odd offset misses the register.
 */
static const MemoryRegionOps pm1_evt_ops = {
    .read = pm1_evt_read,
    .write = pm1_evt_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

void acpi_pm1_evt_init(AcpiRegs *ar, AcpiUpdateSciFn *update_sci,
                       MemoryRegion *parent)
{
    ar->evt.update_sci = update_sci;
    memory_region_init_io(&ar->evt.io, memory_region_owner(parent),
                          &pm1_evt_ops, ar, "acpi-evt", ACPI_PM1_EVT_LEN);
    memory_region_add_subregion(parent, ACPI_PM1_EVT_OFFSET, &ar->evt.io);
}

void acpi_pm1_evt_power_down(AcpiRegs *ar)
{
    if (ar->evt.en & ACPI_BITMASK_POWER_BUTTON_ENABLE) {
        ar->evt.sts |= ACPI_BITMASK_POWER_BUTTON_STATUS;
        ar->tmr.update_sci(ar);
    }
}

void acpi_pm1_evt_reset(AcpiRegs *ar)
{
    ar->evt.sts = 0;
    ar->evt.en = 0;
}

/* ---- PM timer ---- */

void acpi_pm_tmr_calc_overflow_time(AcpiRegs *ar)
{
    int64_t now = acpi_pm_tmr_get_clock();

    ar->tmr.overflow_time =
        (now + ACPI_PM_TIMER_OVERFLOW) & ~(ACPI_PM_TIMER_OVERFLOW - 1);
}

static uint64_t pm_tmr_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return (uint64_t)acpi_pm_tmr_get_clock() & ACPI_PM_TIMER_MASK;
}

static void pm_tmr_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    /* Read-only. */
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps pm_tmr_ops = {
    .read = pm_tmr_read,
    .write = pm_tmr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

void acpi_pm_tmr_init(AcpiRegs *ar, AcpiUpdateSciFn *update_sci,
                      MemoryRegion *parent)
{
    ar->tmr.update_sci = update_sci;
    memory_region_init_io(&ar->tmr.io, memory_region_owner(parent), &pm_tmr_ops,
                          ar, "acpi-tmr", ACPI_PM_TMR_LEN);
    memory_region_add_subregion(parent, ACPI_PM_TMR_OFFSET, &ar->tmr.io);
}

void acpi_pm_tmr_reset(AcpiRegs *ar)
{
    ar->tmr.overflow_time = 0;
}

/* ---- PM1 control ---- */

static void pm1_cnt_sleep(AcpiRegs *ar, unsigned slp_typ)
{
    switch (slp_typ) {
    case SLP_TYP_SOFT_OFF:
        vm_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, true);
        break;
    case SLP_TYP_S3:
        vm_suspend();
        break;
    default:
        if (slp_typ == ar->cnt.s4_val) {
            machine_event_emit_simple(MACHINE_EVENT_SUSPEND_DISK);
            vm_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, true);
        }
        /* Other sleep types do nothing. */
        break;
    }
}

static void pm1_cnt_write(AcpiRegs *ar, uint16_t val)
{
    /* SLP_EN is a command, never stored. */
    ar->cnt.cnt = val & (uint16_t)~ACPI_BITMASK_SLEEP_ENABLE;
    if (val & ACPI_BITMASK_SLEEP_ENABLE) {
        pm1_cnt_sleep(ar,
                      (val & ACPI_BITMASK_SLEEP_TYPE) >> ACPI_SLEEP_TYPE_SHIFT);
    }
}

void acpi_pm1_cnt_update(AcpiRegs *ar, bool sci_enable, bool sci_disable)
{
    if (sci_enable) {
        ar->cnt.cnt |= ACPI_BITMASK_SCI_ENABLE;
    } else if (sci_disable) {
        ar->cnt.cnt &= (uint16_t)~ACPI_BITMASK_SCI_ENABLE;
    }
}

static uint64_t pm1_cnt_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiRegs *ar = opaque;

    /* The offset is ignored: a byte read at +1 returns the low byte. */
    (void)addr;
    (void)size;
    return ar->cnt.cnt;
}

static void pm1_cnt_write_op(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    /* The offset is ignored: a byte write at +1 is a whole write. */
    (void)addr;
    (void)size;
    pm1_cnt_write(opaque, (uint16_t)val);
}

static const MemoryRegionOps pm1_cnt_ops = {
    .read = pm1_cnt_read,
    .write = pm1_cnt_write_op,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

void acpi_pm1_cnt_init(AcpiRegs *ar, MemoryRegion *parent, uint8_t s4_val)
{
    ar->cnt.s4_val = s4_val;
    memory_region_init_io(&ar->cnt.io, memory_region_owner(parent),
                          &pm1_cnt_ops, ar, "acpi-cnt", ACPI_PM1_CNT_LEN);
    memory_region_add_subregion(parent, ACPI_PM1_CNT_OFFSET, &ar->cnt.io);
}

void acpi_pm1_cnt_reset(AcpiRegs *ar)
{
    ar->cnt.cnt = 0;
}

/* ---- GPE block ---- */

void acpi_gpe_init(AcpiRegs *ar, uint8_t len)
{
    ar->gpe.len = len;
    ar->gpe.sts = xzalloc(len / 2u);
    ar->gpe.en = xzalloc(len / 2u);
}

void acpi_gpe_fini(AcpiRegs *ar)
{
    free(ar->gpe.sts);
    free(ar->gpe.en);
    ar->gpe.sts = NULL;
    ar->gpe.en = NULL;
    ar->gpe.len = 0;
}

void acpi_gpe_reset(AcpiRegs *ar)
{
    memset(ar->gpe.sts, 0, ar->gpe.len / 2u);
    memset(ar->gpe.en, 0, ar->gpe.len / 2u);
}

/* The status or enable byte behind addr; NULL past the block. */
static uint8_t *gpe_byte(AcpiRegs *ar, uint32_t addr, bool *is_sts)
{
    uint32_t half = ar->gpe.len / 2u;

    if (addr < half) {
        *is_sts = true;
        return &ar->gpe.sts[addr];
    }
    if (addr < ar->gpe.len) {
        *is_sts = false;
        return &ar->gpe.en[addr - half];
    }
    return NULL;
}

void acpi_gpe_ioport_writeb(AcpiRegs *ar, uint32_t addr, uint32_t val)
{
    bool is_sts;
    uint8_t *p = gpe_byte(ar, addr, &is_sts);

    if (!p) {
        return;
    }
    if (is_sts) {
        *p &= (uint8_t)~val;
    } else {
        *p = (uint8_t)val;
    }
}

uint32_t acpi_gpe_ioport_readb(AcpiRegs *ar, uint32_t addr)
{
    bool is_sts;
    uint8_t *p = gpe_byte(ar, addr, &is_sts);

    return p ? *p : 0;
}

/* ---- SCI ---- */

bool acpi_sci_level(AcpiRegs *ar)
{
    uint16_t sts = acpi_pm1_evt_get_sts(ar);
    bool pm1 = (sts & ar->evt.en & ACPI_BITMASK_PM1_COMMON_ENABLED) != 0;
    /* Only the first GPE status/enable byte pair raises the SCI. */
    bool gpe = ar->gpe.len && (ar->gpe.sts[0] & ar->gpe.en[0]) != 0;

    return pm1 || gpe;
}

/* Watchers of a high SCI level (the simulated guest). */
#define ACPI_SCI_NOTIFIERS_MAX 4
static struct {
    AcpiSciNotifyFn *fn;
    void *opaque;
} sci_notifiers[ACPI_SCI_NOTIFIERS_MAX];

bool acpi_sci_add_notifier(AcpiSciNotifyFn *fn, void *opaque)
{
    size_t i;

    for (i = 0; i < ACPI_SCI_NOTIFIERS_MAX; i++) {
        if (!sci_notifiers[i].fn) {
            sci_notifiers[i].fn = fn;
            sci_notifiers[i].opaque = opaque;
            return true;
        }
    }
    return false;
}

void acpi_sci_remove_notifier(AcpiSciNotifyFn *fn, void *opaque)
{
    size_t i;

    for (i = 0; i < ACPI_SCI_NOTIFIERS_MAX; i++) {
        if (sci_notifiers[i].fn == fn && sci_notifiers[i].opaque == opaque) {
            sci_notifiers[i].fn = NULL;
            sci_notifiers[i].opaque = NULL;
        }
    }
}

void acpi_update_sci(AcpiRegs *ar, qemu_irq irq)
{
    bool level = acpi_sci_level(ar);
    size_t i;

    qemu_set_irq(irq, level);
    if (!level) {
        return;
    }
    for (i = 0; i < ACPI_SCI_NOTIFIERS_MAX; i++) {
        if (sci_notifiers[i].fn) {
            sci_notifiers[i].fn(sci_notifiers[i].opaque);
        }
    }
}

void acpi_send_gpe_event(AcpiRegs *ar, qemu_irq irq, uint8_t bits)
{
    ar->gpe.sts[0] |= bits;
    acpi_update_sci(ar, irq);
}

void acpi_regs_fini(AcpiRegs *ar)
{
    MemoryRegion *regions[] = { &ar->evt.io, &ar->cnt.io, &ar->tmr.io };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(regions); i++) {
        MemoryRegion *parent = memory_region_get_container(regions[i]);

        if (parent) {
            memory_region_del_subregion(parent, regions[i]);
        }
        memory_region_finalize(regions[i]);
    }
    acpi_gpe_fini(ar);
}
