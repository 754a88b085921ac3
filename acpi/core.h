/*
 * ACPI fixed hardware as QEMU 7.2 presents it: the PM1a event block
 * (status, enable), the PM1a control register (SCI_EN, sleep requests),
 * the 24-bit PM timer, a general-purpose event (GPE) block, and the SCI
 * level computed from them.
 *
 * The owner of an AcpiRegs (PIIX4 PM) maps the register blocks: evt at
 * +0, cnt at +4, tmr at +8 of its PM I/O container, and gives an update
 * callback that recomputes the SCI (usually acpi_update_sci()).
 */
#ifndef QMACHINED_ACPI_CORE_H
#define QMACHINED_ACPI_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "src/irq.h"
#include "src/memory.h"

/* PM1 status/enable bits. */
#define ACPI_BITMASK_TIMER_STATUS 0x0001
#define ACPI_BITMASK_BUS_MASTER_STATUS 0x0010
#define ACPI_BITMASK_GLOBAL_LOCK_STATUS 0x0020
#define ACPI_BITMASK_POWER_BUTTON_STATUS 0x0100
#define ACPI_BITMASK_SLEEP_BUTTON_STATUS 0x0200
#define ACPI_BITMASK_RT_CLOCK_STATUS 0x0400
#define ACPI_BITMASK_PCIEXP_WAKE_STATUS 0x4000
#define ACPI_BITMASK_WAKE_STATUS 0x8000

#define ACPI_BITMASK_TIMER_ENABLE 0x0001
#define ACPI_BITMASK_GLOBAL_LOCK_ENABLE 0x0020
#define ACPI_BITMASK_POWER_BUTTON_ENABLE 0x0100
#define ACPI_BITMASK_SLEEP_BUTTON_ENABLE 0x0200
#define ACPI_BITMASK_RT_CLOCK_ENABLE 0x0400

/* Only these enable bits take part in the SCI. */
#define ACPI_BITMASK_PM1_COMMON_ENABLED                                \
    (ACPI_BITMASK_RT_CLOCK_ENABLE | ACPI_BITMASK_POWER_BUTTON_ENABLE | \
     ACPI_BITMASK_GLOBAL_LOCK_ENABLE | ACPI_BITMASK_TIMER_ENABLE)

/* PM1 control bits. */
#define ACPI_BITMASK_SCI_ENABLE 0x0001
#define ACPI_BITMASK_SLEEP_TYPE 0x1c00
#define ACPI_BITMASK_SLEEP_ENABLE 0x2000
#define ACPI_SLEEP_TYPE_SHIFT 10

/* Register block sizes and their offsets in the PM I/O block. */
#define ACPI_PM1_EVT_OFFSET 0x00
#define ACPI_PM1_EVT_LEN 4
#define ACPI_PM1_CNT_OFFSET 0x04
#define ACPI_PM1_CNT_LEN 2
#define ACPI_PM_TMR_OFFSET 0x08
#define ACPI_PM_TMR_LEN 4

/* Registers inside the event block. */
#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN 0x02

/* The PM timer: 3.579545 MHz, 24 bits wide. */
#define ACPI_PM_TIMER_FREQUENCY 3579545
#define ACPI_PM_TIMER_MASK 0xffffffu
#define ACPI_PM_TIMER_OVERFLOW 0x800000LL

typedef struct AcpiRegs AcpiRegs;
typedef void AcpiUpdateSciFn(AcpiRegs *ar);

typedef struct AcpiPm1Evt {
    uint16_t sts;
    uint16_t en;
    AcpiUpdateSciFn *update_sci;
    MemoryRegion io;
} AcpiPm1Evt;

typedef struct AcpiPm1Cnt {
    uint16_t cnt;
    uint8_t s4_val; /* SLP_TYP value meaning S4 */
    MemoryRegion io;
} AcpiPm1Cnt;

typedef struct AcpiPmTmr {
    int64_t overflow_time; /* in timer ticks */
    AcpiUpdateSciFn *update_sci;
    MemoryRegion io;
} AcpiPmTmr;

typedef struct AcpiGpe {
    uint8_t len; /* whole block: status half, then enable half */
    uint8_t *sts;
    uint8_t *en;
} AcpiGpe;

struct AcpiRegs {
    AcpiPmTmr tmr;
    AcpiPm1Evt evt;
    AcpiPm1Cnt cnt;
    AcpiGpe gpe;
};

/*
 * The clock behind the PM timer: nanoseconds of guest (virtual) time.
 * The default source returns 0, which is what QEMU's virtual clock reads
 * in a machine that has not run yet (-S): the timer then reads 0 and
 * TMR_STS is set until the guest clears it.  NULL restores the default.
 */
typedef int64_t AcpiClockFn(void);
void acpi_set_clock(AcpiClockFn *fn);
/* The clock in PM timer ticks. */
int64_t acpi_pm_tmr_get_clock(void);

/* PM1 event block ("acpi-evt", 4 bytes) at ACPI_PM1_EVT_OFFSET. */
void acpi_pm1_evt_init(AcpiRegs *ar, AcpiUpdateSciFn *update_sci,
                       MemoryRegion *parent);
/* Status as a read sees it (latches TMR_STS when the overflow passed). */
uint16_t acpi_pm1_evt_get_sts(AcpiRegs *ar);
/* The power button: PWRBTN_STS and an SCI update, only if enabled. */
void acpi_pm1_evt_power_down(AcpiRegs *ar);
void acpi_pm1_evt_reset(AcpiRegs *ar);

/* PM timer ("acpi-tmr", 4 bytes) at ACPI_PM_TMR_OFFSET. */
void acpi_pm_tmr_init(AcpiRegs *ar, AcpiUpdateSciFn *update_sci,
                      MemoryRegion *parent);
void acpi_pm_tmr_calc_overflow_time(AcpiRegs *ar);
void acpi_pm_tmr_reset(AcpiRegs *ar);

/* PM1 control ("acpi-cnt", 2 bytes) at ACPI_PM1_CNT_OFFSET. */
void acpi_pm1_cnt_init(AcpiRegs *ar, MemoryRegion *parent, uint8_t s4_val);
/* APM commands: set or clear SCI_EN (enable wins). */
void acpi_pm1_cnt_update(AcpiRegs *ar, bool sci_enable, bool sci_disable);
void acpi_pm1_cnt_reset(AcpiRegs *ar);

/* GPE block of len bytes (even): status bytes, then enable bytes. */
void acpi_gpe_init(AcpiRegs *ar, uint8_t len);
void acpi_gpe_fini(AcpiRegs *ar);
void acpi_gpe_reset(AcpiRegs *ar);
/* Byte access at addr (< len): status write-1-to-clear, enable plain. */
void acpi_gpe_ioport_writeb(AcpiRegs *ar, uint32_t addr, uint32_t val);
uint32_t acpi_gpe_ioport_readb(AcpiRegs *ar, uint32_t addr);

/* Current SCI level (reads the PM1 status as acpi_pm1_evt_get_sts). */
bool acpi_sci_level(AcpiRegs *ar);
/* Drives irq with the SCI level; a high level also runs the notifiers. */
void acpi_update_sci(AcpiRegs *ar, qemu_irq irq);

/*
 * SCI notifiers (at most 4): fn(opaque) runs after every SCI update that
 * leaves the level high, synchronously, so it must only schedule work.
 */
typedef void AcpiSciNotifyFn(void *opaque);
bool acpi_sci_add_notifier(AcpiSciNotifyFn *fn, void *opaque);
void acpi_sci_remove_notifier(AcpiSciNotifyFn *fn, void *opaque);
/* Event injection: GPE status byte 0 |= bits, then the SCI update. */
void acpi_send_gpe_event(AcpiRegs *ar, qemu_irq irq, uint8_t bits);

/* Unmaps and releases what the three *_init functions and gpe_init made. */
void acpi_regs_fini(AcpiRegs *ar);

#endif
