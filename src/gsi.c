/*
 * GSI fan-out of the pc machine: the 8259 first, then the IOAPIC.
 */
#include "gsi.h"

#include <stdlib.h>

#include "util.h"

static void gsi_line(void *opaque, int n, int level)
{
    GSIState *s = opaque;

    if (n < GSI_ISA_NUM_IRQS) {
        qemu_set_irq(s->i8259_irq[n], level);
    }
    if (n < GSI_NUM_PINS) {
        qemu_set_irq(s->ioapic_irq[n], level);
    }
}

GSIState *gsi_init(void)
{
    GSIState *s = xzalloc(sizeof(*s));

    s->gsi = qemu_allocate_irqs(gsi_line, s, GSI_NUM_PINS);
    return s;
}

void gsi_free(GSIState *s)
{
    if (s) {
        qemu_free_irqs(s->gsi, GSI_NUM_PINS);
        free(s);
    }
}

qemu_irq *gsi_get_irqs(GSIState *s)
{
    return s->gsi;
}

void gsi_connect_i8259(GSIState *s, qemu_irq *i8259_irqs)
{
    int i;

    for (i = 0; i < GSI_ISA_NUM_IRQS; i++) {
        s->i8259_irq[i] = i8259_irqs ? i8259_irqs[i] : NULL;
    }
}

void gsi_connect_ioapic(GSIState *s, qemu_irq *ioapic_irqs)
{
    int i;

    for (i = 0; i < GSI_NUM_PINS; i++) {
        s->ioapic_irq[i] = ioapic_irqs ? ioapic_irqs[i] : NULL;
    }
}
