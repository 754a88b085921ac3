/*
 * Interrupt lines, as QEMU's qemu_irq: a line has a handler and a number;
 * setting its level calls the handler.  qtest interception replaces the
 * handlers of a device's input lines so the test sees raise/lower.
 */
#ifndef QMACHINED_IRQ_H
#define QMACHINED_IRQ_H

#include <stdbool.h>

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
/* An array of n lines numbered 0..n-1 sharing handler and opaque. */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_free_irqs(qemu_irq *irqs, int n);

void qemu_set_irq(qemu_irq irq, int level); /* NULL irq: no-op */
static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}
static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

/*
 * Interception for qtest: line i of lines[] then calls
 * handler(opaque, i, level) first and its own handler after.
 */
void qemu_irq_intercept(qemu_irq *lines, int n, qemu_irq_handler handler,
                        void *opaque);

#endif
