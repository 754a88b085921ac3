/*
 * The pair of Intel 8259A interrupt controllers of the PC (ISA IRQ 0-15):
 * master at 0x20/0x21 with ELCR 0x4d0, slave at 0xa0/0xa1 with ELCR 0x4d1,
 * the slave's INT output cascaded into master input 2.  Behaves as QEMU
 * 7.2's "isa-i8259" device, including its per-IRQ statistics.
 */
#ifndef QMACHINED_I8259_H
#define QMACHINED_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "src/irq.h"
#include "src/memory.h"
#include "src/sysbus.h"

#define I8259_NUM_IRQS 16

#define I8259_MASTER_IOBASE 0x20
#define I8259_SLAVE_IOBASE 0xa0
#define I8259_MASTER_ELCR 0x4d0
#define I8259_SLAVE_ELCR 0x4d1
#define I8259_MASTER_ELCR_MASK 0xf8
#define I8259_SLAVE_ELCR_MASK 0xde
#define I8259_CASCADE_IRQ 2

typedef struct I8259State I8259State;

/*
 * One 8259A: the QOM instance of an "isa-i8259" device (QEMU's pair is
 * two such devices).  Fields are private to i8259.c except where noted.
 * GPIO: 8 inputs (qdev_init_gpio_in) and the INT output (int_out).
 */
typedef struct I8259Chip {
    ISADevice parent_obj;
    /* Set before realize. */
    bool master;
    uint16_t iobase, elcr_addr;
    uint8_t elcr_mask;
    I8259State *pair; /* the pair it belongs to */
    /* Registers. */
    uint8_t last_irr; /* input levels seen (edge detection) */
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t priority_add; /* lowest-priority rotation ("hprio") */
    uint8_t irq_base;
    uint8_t read_reg_select; /* 1: port 0 reads ISR, 0: IRR */
    uint8_t poll;
    uint8_t special_mask;
    uint8_t init_state; /* 0 ready, 1..3 expecting ICW2..ICW4 */
    uint8_t auto_eoi;
    uint8_t rotate_on_auto_eoi;
    uint8_t special_fully_nested_mode;
    uint8_t init4;
    uint8_t single_mode;
    uint8_t elcr;
    /* INT output slot (gpio-out 0). */
    qemu_irq int_out[1];
    MemoryRegion base_io; /* "pic", 2 bytes */
    MemoryRegion elcr_io; /* "elcr", 1 byte */
} I8259Chip;

/*
 * The pair: the two devices (embedded), the 16 ISA IRQ inputs and the
 * statistics QEMU keeps for the pair as a whole (reported by the master).
 */
struct I8259State {
    I8259Chip chip[2]; /* 0: master, 1: slave */
    qemu_irq irqs[I8259_NUM_IRQS]; /* ISA IRQ n: master 0-7, slave 8-15 */
    int irq_level[I8259_NUM_IRQS];
    uint64_t irq_count[I8259_NUM_IRQS];
    bool mapped;
};

/*
 * Creates and realizes both chips (master first: under a machine they
 * become the next two /machine/unattached devices) in their reset state,
 * maps "pic"/"elcr" of each into io (may be NULL: not mapped), connects
 * the master's INT to parent_irq (may be NULL) and the slave's INT to
 * master input 2.  The latest pair created becomes the default one
 * (i8259_get_default()).
 */
#define TYPE_ISA_I8259 "isa-i8259"

I8259State *i8259_init(MemoryRegion *io, qemu_irq parent_irq);
void i8259_register_types(void);
/* Unmaps and releases a pair (tests). */
void i8259_free(I8259State *s);
I8259State *i8259_get_default(void);

/* The 16 ISA IRQ input lines (array owned by s). */
qemu_irq *i8259_get_irqs(I8259State *s);

/* Device reset of both chips (system reset): ELCR cleared too. */
void i8259_reset(I8259State *s);

/* Interrupt acknowledge cycle: returns the vector, updates ISR/IRR. */
int i8259_read_irq(I8259State *s);
/* Level of the master's INT output. */
int i8259_get_output(I8259State *s);

/*
 * HMP text ("\n" line ends, malloc'd).  info_pic: both chips, slave first
 * as QEMU 7.2 lists them.  info_irq: "IRQ statistics for isa-i8259:" and
 * the nonzero counts.
 */
char *i8259_info_pic(const I8259State *s);
char *i8259_info_irq(const I8259State *s);

/* Register snapshot of one chip (0: master, 1: slave), for REST. */
typedef struct I8259Regs {
    uint8_t irr, imr, isr, elcr, irq_base, priority_add;
    bool ready; /* initialization sequence complete */
} I8259Regs;
void i8259_get_regs(const I8259State *s, int chip, I8259Regs *r);
/* Input level and raise count of ISA IRQ irq (0-15). */
void i8259_get_irq_stats(const I8259State *s, int irq, int *level,
                         uint64_t *count);

#endif
