/* The HPET at 0xfed00000, as QEMU 7.2 presents it on pc while paused. */
#ifndef QMACHINED_HPET_H
#define QMACHINED_HPET_H

#include <stdint.h>

#include "memory.h"

#define TYPE_HPET "hpet"

/* The QOM instance of the "hpet" device (fields private to hpet.c). */
typedef struct HPETState HPETState;

/*
 * Creates and realizes the HPET (under a machine: the next
 * /machine/unattached device) with its registers at base in sysmem;
 * the caller keeps a reference.
 */
HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base);
void hpet_reset(HPETState *s);
/* Unmaps and releases it. */
void hpet_free(HPETState *s);
void hpet_register_types(void);

#endif
