/* A KVM-style memory slot table fed by a MemoryListener. */
#include "src/memslots.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

#define HOST_PAGE_SIZE 4096u

#define NO_SLOT UINT32_MAX

/*
 * Finding a slot takes no scan of the table: a bitmap of used ids with
 * the lowest id that may be free, and an open-addressing hash (linear
 * probing) from a slot's guest address to its id.
 */
struct MemSlots {
    MemoryListener listener;
    MemSlot *slots;
    unsigned nr_slots; /* high-water mark of the table */
    unsigned slots_allocated;
    unsigned max_slots;
    unsigned used;
    uint64_t *used_bits; /* bit i: slot i is used */
    unsigned free_hint; /* no free slot below this id */
    uint32_t *hash; /* slot ids, NO_SLOT when empty */
    unsigned hash_size; /* a power of two, at least twice used */
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

static unsigned hash_home(const MemSlots *ms, uint64_t start)
{
    uint64_t h = (start >> 12) * 0x9e3779b97f4a7c15ULL;

    return (unsigned)(h >> 32) & (ms->hash_size - 1);
}

static void hash_insert(MemSlots *ms, uint32_t id)
{
    unsigned i = hash_home(ms, ms->slots[id].guest_phys_addr);

    while (ms->hash[i] != NO_SLOT) {
        i = (i + 1) & (ms->hash_size - 1);
    }
    ms->hash[i] = id;
}

/* Keeps the hash at most half full (used counts the slot being added). */
static void hash_grow(MemSlots *ms)
{
    uint32_t *old = ms->hash;
    unsigned old_size = ms->hash_size, i;

    if (2 * ms->used <= ms->hash_size) {
        return;
    }
    ms->hash_size = ms->hash_size ? 2 * ms->hash_size : 64;
    ms->hash = xmalloc(ms->hash_size * sizeof(*ms->hash));
    for (i = 0; i < ms->hash_size; i++) {
        ms->hash[i] = NO_SLOT;
    }
    for (i = 0; i < old_size; i++) {
        if (old[i] != NO_SLOT) {
            hash_insert(ms, old[i]);
        }
    }
    free(old);
}

/* Removes entry i, moving later entries of its run back (no tombstones). */
static void hash_remove_at(MemSlots *ms, unsigned i)
{
    unsigned mask = ms->hash_size - 1, j = i;

    for (;;) {
        unsigned home;

        ms->hash[i] = NO_SLOT;
        for (;;) {
            j = (j + 1) & mask;
            if (ms->hash[j] == NO_SLOT) {
                return;
            }
            home = hash_home(ms, ms->slots[ms->hash[j]].guest_phys_addr);
            /* Entry j may fill the hole at i unless its home lies in (i, j]. */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
                break;
            }
        }
        ms->hash[i] = ms->hash[j];
        i = j;
    }
}

/* The used slot of lowest id with this start and size, as a scan finds. */
static MemSlot *find_matching(MemSlots *ms, uint64_t start, uint64_t size,
                              unsigned *at)
{
    unsigned i, best_at = 0;
    MemSlot *best = NULL;

    if (!ms->hash_size) {
        return NULL;
    }
    for (i = hash_home(ms, start); ms->hash[i] != NO_SLOT;
         i = (i + 1) & (ms->hash_size - 1)) {
        MemSlot *m = &ms->slots[ms->hash[i]];

        if (m->guest_phys_addr == start && m->memory_size == size &&
            (!best || m < best)) {
            best = m;
            best_at = i;
        }
    }
    *at = best_at;
    return best;
}

/* The free slot of lowest id, the table growing by one when none is. */
static MemSlot *alloc_slot(MemSlots *ms)
{
    unsigned id = ms->free_hint;

    while (id < ms->nr_slots) {
        uint64_t word = ms->used_bits[id / 64] | ((1ULL << (id % 64)) - 1);

        if (word != UINT64_MAX) {
            id = id / 64 * 64 + (unsigned)__builtin_ctzll(~word);
            break;
        }
        id = (id / 64 + 1) * 64;
    }
    if (id >= ms->nr_slots) {
        if (ms->nr_slots >= ms->max_slots) {
            return NULL;
        }
        id = ms->nr_slots++;
        if (id == ms->slots_allocated) {
            ms->slots_allocated = id ? 2 * id : 16;
            ms->slots =
                xrealloc(ms->slots, ms->slots_allocated * sizeof(*ms->slots));
            ms->used_bits =
                xrealloc(ms->used_bits, (ms->slots_allocated + 63) / 64 *
                                            sizeof(*ms->used_bits));
            memset(ms->used_bits + (id + 63) / 64, 0,
                   ((ms->slots_allocated + 63) / 64 - (id + 63) / 64) *
                       sizeof(*ms->used_bits));
        }
        ms->slots[id].memory_size = 0;
    }
    ms->free_hint = id + 1;
    return &ms->slots[id];
}

static void region_add(MemoryListener *l, MemoryRegionSection *s)
{
    MemSlots *ms = of_listener(l);
    uint64_t start, size, delta;
    unsigned id;
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
    id = (unsigned)(m - ms->slots);
    ms->used_bits[id / 64] |= 1ULL << (id % 64);
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
    hash_grow(ms);
    hash_insert(ms, id);
}

static void region_del(MemoryListener *l, MemoryRegionSection *s)
{
    MemSlots *ms = of_listener(l);
    uint64_t start, size;
    unsigned at, id;
    MemSlot *m;

    if (!section_wanted(s)) {
        return;
    }
    size = align_section(s, &start);
    if (!size) {
        return;
    }
    m = find_matching(ms, start, size, &at);
    if (!m) {
        return;
    }
    hash_remove_at(ms, at);
    id = (unsigned)(m - ms->slots);
    ms->used_bits[id / 64] &= ~(1ULL << (id % 64));
    if (id < ms->free_hint) {
        ms->free_hint = id;
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
    free(ms->used_bits);
    free(ms->hash);
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
