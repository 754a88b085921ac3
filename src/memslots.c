/* A KVM-style memory slot table fed by a MemoryListener. */
#include "src/memslots.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include "src/util.h"

#define HOST_PAGE_SIZE 4096u

struct MemSlots {
    MemoryListener listener;
    MemSlot *slots;
    unsigned nr_slots; /* high-water mark of the table */
    unsigned max_slots;
    unsigned used;
};

static MemSlots *of_listener(MemoryListener *l)
{
    return (MemSlots *)((char *)l - offsetof(MemSlots, listener));
}

/* Page-aligns a section: start rounded up, size rounded down. */
static uint64_t align_section(const MemoryRegionSection *s, uint64_t *start)
{
    uint64_t size =
        s->size > (MemSize)UINT64_MAX ? UINT64_MAX : (uint64_t)s->size;
    uint64_t addr = s->offset_within_address_space;
    uint64_t aligned =
        (addr + HOST_PAGE_SIZE - 1) & ~(uint64_t)(HOST_PAGE_SIZE - 1);
    uint64_t delta = aligned - addr;

    *start = aligned;
    if (delta > size) {
        return 0;
    }
    return (size - delta) & ~(uint64_t)(HOST_PAGE_SIZE - 1);
}

static bool section_wanted(const MemoryRegionSection *s)
{
    if (memory_region_is_ram(s->mr)) {
        return true;
    }
    /* A ROM device gets a read-only slot while in ROMD mode. */
    return memory_region_is_romd(s->mr);
}

static MemSlot *find_matching(MemSlots *ms, uint64_t start, uint64_t size)
{
    unsigned i;

    for (i = 0; i < ms->nr_slots; i++) {
        MemSlot *m = &ms->slots[i];

        if (m->memory_size && m->guest_phys_addr == start &&
            m->memory_size == size) {
            return m;
        }
    }
    return NULL;
}

static MemSlot *alloc_slot(MemSlots *ms)
{
    unsigned i;

    for (i = 0; i < ms->nr_slots; i++) {
        if (!ms->slots[i].memory_size) {
            return &ms->slots[i];
        }
    }
    if (ms->nr_slots >= ms->max_slots) {
        return NULL;
    }
    ms->slots = xrealloc(ms->slots, (ms->nr_slots + 1) * sizeof(*ms->slots));
    ms->slots[ms->nr_slots].memory_size = 0;
    return &ms->slots[ms->nr_slots++];
}

static void region_add(MemoryListener *l, MemoryRegionSection *s)
{
    MemSlots *ms = of_listener(l);
    uint64_t start, size, delta;
    MemSlot *m;

    if (!section_wanted(s)) {
        return;
    }
    size = align_section(s, &start);
    if (!size) {
        return;
    }
    delta = start - s->offset_within_address_space;
    m = alloc_slot(ms);
    if (!m) {
        /* QEMU aborts here ("no free slot"); we drop the mapping. */
        return;
    }
    m->guest_phys_addr = start;
    m->memory_size = size;
    m->mr = s->mr;
    m->region_offset = s->offset_within_region + delta;
    m->userspace_addr = memory_region_get_ram_addr(s->mr) + m->region_offset;
    m->flags = 0;
    if (memory_region_is_rom(s->mr) || memory_region_is_romd(s->mr)) {
        m->flags |= MEMSLOT_FLAG_READONLY;
    }
    ms->used++;
}

static void region_del(MemoryListener *l, MemoryRegionSection *s)
{
    MemSlots *ms = of_listener(l);
    uint64_t start, size;
    MemSlot *m;

    if (!section_wanted(s)) {
        return;
    }
    size = align_section(s, &start);
    if (!size) {
        return;
    }
    m = find_matching(ms, start, size);
    if (!m) {
        return;
    }
    m->memory_size = 0;
    m->mr = NULL;
    ms->used--;
}

MemSlots *memslots_new(AddressSpace *as, unsigned max_slots)
{
    MemSlots *ms = xzalloc(sizeof(*ms));

    ms->max_slots = max_slots ? max_slots : MEMSLOTS_DEFAULT_MAX;
    ms->listener.region_add = region_add;
    ms->listener.region_del = region_del;
    ms->listener.priority = 10; /* MEMORY_LISTENER_PRIORITY_ACCEL */
    ms->listener.name = "kvm-memory";
    memory_listener_register(&ms->listener, as);
    return ms;
}

void memslots_free(MemSlots *ms)
{
    if (!ms) {
        return;
    }
    memory_listener_unregister(&ms->listener);
    free(ms->slots);
    free(ms);
}

unsigned memslots_used(const MemSlots *ms)
{
    return ms->used;
}

unsigned memslots_max(const MemSlots *ms)
{
    return ms->max_slots;
}

bool memslots_has_free_slot(const MemSlots *ms)
{
    return ms->used < ms->max_slots;
}

const MemSlot *memslots_get(const MemSlots *ms, unsigned id)
{
    if (id >= ms->nr_slots || !ms->slots[id].memory_size) {
        return NULL;
    }
    return &ms->slots[id];
}

void memslots_foreach(const MemSlots *ms, MemSlotFunc *fn, void *opaque)
{
    unsigned i;

    for (i = 0; i < ms->nr_slots; i++) {
        if (ms->slots[i].memory_size) {
            fn(opaque, i, &ms->slots[i]);
        }
    }
}
