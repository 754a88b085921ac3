/*
 * A KVM-style memory slot table kept up to date by a MemoryListener, the
 * way QEMU's kvm_region_add/kvm_region_del -> kvm_set_phys_mem do it:
 * only RAM (and ROM devices in ROMD mode) get slots, sections are trimmed
 * to whole 4 KiB pages, a slot takes the lowest free id, ROM is flagged
 * read-only, and a removed section frees exactly the slot it created.
 */
#ifndef QMACHINED_MEMSLOTS_H
#define QMACHINED_MEMSLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "src/memory.h"

#define MEMSLOT_FLAG_LOG_DIRTY_PAGES 1u
#define MEMSLOT_FLAG_READONLY 2u

/* Linux x86's KVM_CAP_NR_MEMSLOTS. */
#define MEMSLOTS_DEFAULT_MAX 32764u

typedef struct MemSlot {
    uint64_t guest_phys_addr;
    uint64_t memory_size; /* 0: free */
    uint64_t userspace_addr; /* synthetic host address */
    uint32_t flags;
    MemoryRegion *mr;
    uint64_t region_offset;
} MemSlot;

typedef struct MemSlots MemSlots;

/* Registers a listener on as; max_slots 0 means MEMSLOTS_DEFAULT_MAX. */
MemSlots *memslots_new(AddressSpace *as, unsigned max_slots);
/* Unregisters (which deletes every slot) and frees; accepts NULL. */
void memslots_free(MemSlots *ms);

unsigned memslots_used(const MemSlots *ms);
unsigned memslots_max(const MemSlots *ms);
bool memslots_has_free_slot(const MemSlots *ms);
/* The slot with this id, or NULL if the id is out of range or free. */
const MemSlot *memslots_get(const MemSlots *ms, unsigned id);

/* Calls fn for each used slot, by ascending id. */
typedef void MemSlotFunc(void *opaque, unsigned id, const MemSlot *slot);
void memslots_foreach(const MemSlots *ms, MemSlotFunc *fn, void *opaque);

#endif
