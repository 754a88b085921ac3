/*
 * The I/O APIC of the PC (QEMU 7.2's "ioapic", version 0x20): 24 input
 * pins, IOREGSEL/IOWIN/EOI registers in a 4 KiB MMIO region named "ioapic"
 * at 0xfec00000, redirection table, remote IRR, per-pin statistics.
 */
#ifndef QMACHINED_IOAPIC_H
#define QMACHINED_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "src/irq.h"
#include "src/memory.h"
#include "src/sysbus.h"

#define IOAPIC_NUM_PINS 24
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_REGION_SIZE 0x1000
#define IOAPIC_VERSION 0x20

/*
 * An interrupt message leaving the IOAPIC, in MSI form as QEMU sends it
 * to the local APICs: addr = 0xfee00000 | dest_idx << 12 | dest_mode << 2,
 * data = vector | delivery_mode << 8 | trigger_mode << 15.
 */
typedef void IOAPICDeliverFn(void *opaque, uint32_t addr, uint32_t data);
/* ExtINT entries take their vector from the 8259 (interrupt acknowledge). */
typedef int IOAPICExtIntFn(void *opaque);

/*
 * The QOM instance of the "ioapic" device.  Fields are private to
 * ioapic.c.  GPIO: the 24 inputs (qdev_init_gpio_in).
 */
typedef struct IOAPICState {
    SysBusDevice parent_obj;
    MemoryRegion *sysmem; /* set before realize; NULL: not mapped */
    uint8_t id;
    uint8_t ioregsel;
    uint8_t version;
    uint32_t irr;
    uint64_t ioredtbl[IOAPIC_NUM_PINS];
    uint32_t irq_eoi[IOAPIC_NUM_PINS];
    int irq_level[IOAPIC_NUM_PINS];
    uint64_t irq_count[IOAPIC_NUM_PINS];
    MemoryRegion io_memory; /* "ioapic", 0x1000 bytes */
    bool mapped;
    IOAPICDeliverFn *deliver;
    void *deliver_opaque;
    IOAPICExtIntFn *extint;
    void *extint_opaque;
} IOAPICState;

/*
 * Creates and realizes the IOAPIC in its reset state and maps "ioapic"
 * at 0xfec00000 in sysmem (may be NULL: not mapped).  It becomes the
 * default IOAPIC (ioapic_get_default()).  ioapic_init_child puts it at
 * parent/name first (pc: /machine/i440fx/ioapic); the caller keeps a
 * reference either way.
 */
#define TYPE_IOAPIC "ioapic"

IOAPICState *ioapic_init(MemoryRegion *sysmem);
IOAPICState *ioapic_init_child(Object *parent, const char *name,
                               MemoryRegion *sysmem);
void ioapic_register_types(void);
void ioapic_free(IOAPICState *s);
IOAPICState *ioapic_get_default(void);

/* The 24 input lines; input 0 is routed to pin 2 (QEMU's rule). */
qemu_irq *ioapic_get_irqs(IOAPICState *s);

/* Device reset: id 0, IOREGSEL 0, IRR 0, every entry masked (0x10000). */
void ioapic_reset(IOAPICState *s);

/* Where interrupt messages go (NULL: dropped, as with no LAPIC). */
void ioapic_set_delivery(IOAPICState *s, IOAPICDeliverFn *fn, void *opaque);
/* Vector source for ExtINT entries (NULL: vector 0). */
void ioapic_set_extint(IOAPICState *s, IOAPICExtIntFn *fn, void *opaque);

/* A local APIC EOI of a level-triggered vector (also the EOI register). */
void ioapic_eoi_broadcast(IOAPICState *s, int vector);

/*
 * HMP text ("\n" line ends, malloc'd): the IOAPIC part of `info pic`, and
 * "IRQ statistics for ioapic:" with the nonzero per-input counts.
 */
char *ioapic_info_pic(const IOAPICState *s);
char *ioapic_info_irq(const IOAPICState *s);

/* Register snapshot, for REST: redirection entries are the raw 64 bits. */
void ioapic_get_regs(const IOAPICState *s, uint8_t *id, uint32_t *irr,
                     uint64_t ioredtbl[IOAPIC_NUM_PINS]);
/* Level and raise count of input n (input 0 goes to pin 2). */
void ioapic_get_irq_stats(const IOAPICState *s, int n, int *level,
                          uint64_t *count);

#endif
