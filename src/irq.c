#include "irq.h"

#include <stdlib.h>

#include "util.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
    /* Interception (qtest): called before the line's own handler. */
    qemu_irq_handler spy;
    void *spy_opaque;
    int spy_n;
};

typedef struct Gpio {
    const void *owner;
    qemu_irq *lines;
    int n;
    bool out;
} Gpio;

static Gpio *gpios;
static size_t n_gpios;

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

static void gpio_add(const void *owner, qemu_irq *lines, int n, bool out)
{
    gpios = xrealloc(gpios, sizeof(*gpios) * (n_gpios + 1));
    gpios[n_gpios].owner = owner;
    gpios[n_gpios].lines = lines;
    gpios[n_gpios].n = n;
    gpios[n_gpios].out = out;
    n_gpios++;
}

void irq_register_gpio_in(const void *owner, qemu_irq *lines, int n)
{
    gpio_add(owner, lines, n, false);
}

void irq_register_gpio_out(const void *owner, qemu_irq *slots, int n)
{
    gpio_add(owner, slots, n, true);
}

static bool gpio_find(const void *owner, bool out, qemu_irq **lines, int *n)
{
    size_t i;

    for (i = 0; i < n_gpios; i++) {
        if (gpios[i].owner == owner && gpios[i].out == out) {
            *lines = gpios[i].lines;
            *n = gpios[i].n;
            return true;
        }
    }
    return false;
}

bool irq_find_gpio_in(const void *owner, qemu_irq **lines, int *n)
{
    return gpio_find(owner, false, lines, n);
}

bool irq_find_gpio_out(const void *owner, qemu_irq **slots, int *n)
{
    return gpio_find(owner, true, slots, n);
}

void irq_gpio_cleanup(void)
{
    free(gpios);
    gpios = NULL;
    n_gpios = 0;
}
