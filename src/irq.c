#include "irq.h"

#include <stdlib.h>

#include "util.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    /* Interception (qtest): called before the line's own handler. */
    qemu_irq_handler spy;
    void *spy_opaque;
    int n;
    int spy_n; /* (the ints together: 40 bytes, not 48) */
};

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = xzalloc(sizeof(*irq));

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *irqs = xzalloc(sizeof(*irqs) * (n ? n : 1));
    int i;

    for (i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    free(irq);
}

void qemu_free_irqs(qemu_irq *irqs, int n)
{
    int i;

    if (!irqs) {
        return;
    }
    for (i = 0; i < n; i++) {
        qemu_free_irq(irqs[i]);
    }
    free(irqs);
}

void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq) {
        if (irq->spy) {
            irq->spy(irq->spy_opaque, irq->spy_n, level);
        }
        irq->handler(irq->opaque, irq->n, level);
    }
}

void qemu_irq_intercept(qemu_irq *lines, int n, qemu_irq_handler handler,
                        void *opaque)
{
    int i;

    for (i = 0; i < n; i++) {
        if (lines[i]) {
            lines[i]->spy = handler;
            lines[i]->spy_opaque = opaque;
            lines[i]->spy_n = i;
        }
    }
}
