/* The HPET at 0xfed00000, as QEMU 7.2 presents it on pc while paused. */
#ifndef QMACHINED_HPET_H
#define QMACHINED_HPET_H

#include <stdint.h>

#include "memory.h"

typedef struct HPETState HPETState;

HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base);
void hpet_reset(HPETState *s);
void hpet_free(HPETState *s);

#endif
