/*
 * Global system interrupts of the pc machine (QEMU 7.2's gsi_handler):
 * 24 lines; GSI 0-15 drive the 8259 input of the same number and then the
 * IOAPIC input of the same number, GSI 16-23 only the IOAPIC.  (The IOAPIC
 * itself routes its input 0 to pin 2.)
 */
#ifndef QMACHINED_GSI_H
#define QMACHINED_GSI_H

#include "src/irq.h"

#define GSI_NUM_PINS 24
#define GSI_ISA_NUM_IRQS 16

typedef struct GSIState {
    qemu_irq i8259_irq[GSI_ISA_NUM_IRQS]; /* NULL: not connected */
    qemu_irq ioapic_irq[GSI_NUM_PINS];
    qemu_irq *gsi; /* the 24 GSI lines */
} GSIState;

/* Creates the 24 GSI lines, connected to nothing yet. */
GSIState *gsi_init(void);
void gsi_free(GSIState *s);
/* The 24 GSI lines (array owned by s). */
qemu_irq *gsi_get_irqs(GSIState *s);
/* Connects GSI 0-15 to the 16 ISA IRQ inputs of the 8259 pair. */
void gsi_connect_i8259(GSIState *s, qemu_irq *i8259_irqs);
/* Connects GSI 0-23 to the 24 IOAPIC inputs. */
void gsi_connect_ioapic(GSIState *s, qemu_irq *ioapic_irqs);

#endif
