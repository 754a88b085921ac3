/*
 * The memory API: region tree, transactions, FlatView rendering, listeners,
 * dispatch and the "info mtree" text.  Behaviour follows QEMU 7.2; see
 * memory.h for the rules.
 */
#include "src/memory.h"
#include "src/memory_priv.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "src/util.h"

/* Signed 128-bit arithmetic: alias offsets may shift a base below zero. */
typedef __int128 I128;

#define I128_2_64 ((I128)1 << 64)

#define PAGE_BITS 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_BITS)
#define RADIX_BITS 9
#define RADIX_SIZE (1u << RADIX_BITS)

/* ------------------------------------------------------------------ */
/* Sparse RAM: top -> mid[512] -> leaf[512] -> 4 KiB page.             */

struct RamPages {
    uint64_t nr_pages;
    uint64_t nr_top;
    uint64_t allocated;
    uint8_t ****top; /* top[t][m][l] is a page or NULL */
    /*
     * A file mapped read-only (a ROM image): pages not yet written read
     * from it, so every machine shares the file's page cache; a write
     * copies the page first.
     */
    const uint8_t *image;
    uint64_t image_len; /* a multiple of PAGE_SIZE */
};

static RamPages *ram_pages_new(MemSize size)
{
    RamPages *rp = xzalloc(sizeof(*rp));
    MemSize pages = (size + PAGE_SIZE - 1) >> PAGE_BITS;

    rp->nr_pages = (uint64_t)pages;
    rp->nr_top = (rp->nr_pages + ((uint64_t)1 << (2 * RADIX_BITS)) - 1) >>
                 (2 * RADIX_BITS);
    return rp;
}

static void ram_pages_free(RamPages *rp)
{
    uint64_t t;
    unsigned m, l;

    if (!rp) {
        return;
    }
    if (rp->image) {
        munmap((void *)rp->image, rp->image_len);
    }
    if (rp->top) {
        for (t = 0; t < rp->nr_top; t++) {
            if (!rp->top[t]) {
                continue;
            }
            for (m = 0; m < RADIX_SIZE; m++) {
                if (!rp->top[t][m]) {
                    continue;
                }
                for (l = 0; l < RADIX_SIZE; l++) {
                    free(rp->top[t][m][l]);
                }
                free(rp->top[t][m]);
            }
            free(rp->top[t]);
        }
        free(rp->top);
    }
    free(rp);
}

/* Returns the page holding index pg, allocating it if alloc is set. */
/* The image's copy of page 'pg', or NULL past its end. */
static const uint8_t *image_page(const RamPages *rp, uint64_t pg)
{
    return rp->image && pg < rp->image_len >> PAGE_BITS
               ? rp->image + (pg << PAGE_BITS)
               : NULL;
}

/*
 * Page 'pg' to write ('alloc': made private, from the image or zeros) or
 * to read (NULL reads as zeros).
 */
static const uint8_t *ram_page_lookup(RamPages *rp, uint64_t pg, bool alloc)
{
    uint64_t t = pg >> (2 * RADIX_BITS);
    unsigned m = (pg >> RADIX_BITS) & (RADIX_SIZE - 1);
    unsigned l = pg & (RADIX_SIZE - 1);
    const uint8_t *from;

    if (pg >= rp->nr_pages) {
        return NULL;
    }
    if (!rp->top) {
        if (!alloc) {
            return image_page(rp, pg);
        }
        rp->top = xzalloc(rp->nr_top * sizeof(*rp->top));
    }
    if (!rp->top[t]) {
        if (!alloc) {
            return image_page(rp, pg);
        }
        rp->top[t] = xzalloc(RADIX_SIZE * sizeof(*rp->top[t]));
    }
    if (!rp->top[t][m]) {
        if (!alloc) {
            return image_page(rp, pg);
        }
        rp->top[t][m] = xzalloc(RADIX_SIZE * sizeof(*rp->top[t][m]));
    }
    if (!rp->top[t][m][l]) {
        if (!alloc) {
            return image_page(rp, pg);
        }
        from = image_page(rp, pg);
        if (from) {
            rp->top[t][m][l] = xmalloc(PAGE_SIZE);
            memcpy(rp->top[t][m][l], from, PAGE_SIZE);
        } else {
            rp->top[t][m][l] = xzalloc(PAGE_SIZE);
        }
        rp->allocated++;
    }
    return rp->top[t][m][l];
}

static const uint8_t *ram_page_read(RamPages *rp, uint64_t pg)
{
    return ram_page_lookup(rp, pg, false);
}

static uint8_t *ram_page_write(RamPages *rp, uint64_t pg)
{
    /* Pages looked up to write are the private ones, never the image. */
    return (uint8_t *)ram_page_lookup(rp, pg, true);
}

/* ------------------------------------------------------------------ */
/* Global state.                                                       */

typedef struct FlatRange {
    MemoryRegion *mr;
    uint64_t offset_in_region;
    I128 start;
    I128 size;
    bool readonly;
    bool romd_mode;
} FlatRange;

/* Index ranges [lo, hi) of a view's range array. */
typedef struct IndexSpan {
    unsigned lo, hi;
} IndexSpan;

/*
 * Where a view spliced from an older one differs from it: old ranges
 * [old_lo, old_hi) became new ranges [new_lo, new_hi); between two spans
 * (and before the first, after the last) both hold the same ranges.
 */
typedef struct DiffSpan {
    unsigned old_lo, old_hi, new_lo, new_hi;
} DiffSpan;

struct FlatView {
    unsigned refcount;
    MemoryRegion *root;
    FlatRange *ranges;
    unsigned nr;
    unsigned nr_allocated;
    /* The range the last access went to: the next often goes there too
     * (a guest driver works one register block).  Only a hint. */
    unsigned last_hit;
    /*
     * Set when a newer view spliced from this one took over the region
     * references of every range outside owned[]: this view only drops
     * those of the ranges in owned[] when it goes.
     */
    bool refs_moved;
    IndexSpan *owned;
    unsigned nr_owned;
    /* During the commit that made it by splicing: its source and diff. */
    const FlatView *spliced_from;
    DiffSpan *diff;
    unsigned nr_diff;
};

/* An address interval [lo, hi) of a view that a change may have touched. */
typedef struct DirtySpan {
    I128 lo, hi;
} DirtySpan;

/*
 * Views of the current generation, keyed by their flatview root, with
 * what the topology changes since they were rendered may have touched
 * (or full: render again from scratch).
 */
typedef struct ViewEntry {
    MemoryRegion *root;
    FlatView *view;
    DirtySpan *dirty;
    unsigned nr_dirty;
    unsigned dirty_allocated;
    bool full;
} ViewEntry;

static unsigned transaction_depth;
static bool update_pending;
static uint64_t render_count;
static bool incremental_disabled; /* memory_priv.h: tests compare */

static AddressSpace *address_spaces; /* creation order */
static MemoryListener **listeners; /* ascending priority */
static unsigned nr_listeners;
static ViewEntry *view_table;
static unsigned nr_view_table;
static FlatView *empty_view;

static void region_dirty(MemoryRegion *mr);

static uint64_t next_ram_base = 0x7f0000000000ULL;

AddressSpace address_space_memory;
AddressSpace address_space_io;
static MemoryRegion system_memory;
static MemoryRegion system_io;
static bool memory_initialised;

/* ------------------------------------------------------------------ */
/* Region creation and inspection.                                     */

static MemSize size_from_u64(uint64_t size)
{
    return size == UINT64_MAX ? (MemSize)I128_2_64 : (MemSize)size;
}

void memory_region_init(MemoryRegion *mr, const char *owner, const char *name,
                        uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = name ? str_keep(name) : NULL;
    mr->owner = owner ? str_keep(owner) : NULL;
    mr->size = size_from_u64(size);
    mr->enabled = true;
    mr->romd_mode = true;
}

void memory_region_init_io(MemoryRegion *mr, const char *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

static void init_ram_backing(MemoryRegion *mr)
{
    uint64_t align = (uint64_t)1 << 21;
    uint64_t sz = mr->size > (MemSize)((uint64_t)1 << 48) ? ((uint64_t)1 << 48)
                                                          : (uint64_t)mr->size;

    mr->pages = ram_pages_new(mr->size);
    mr->ram_base = next_ram_base;
    next_ram_base += (sz + align - 1) & ~(align - 1);
    next_ram_base += align; /* a guard gap between blocks */
}

void memory_region_init_ram(MemoryRegion *mr, const char *owner,
                            const char *name, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->ram = true;
    mr->terminates = true;
    init_ram_backing(mr);
}

void memory_region_init_rom(MemoryRegion *mr, const char *owner,
                            const char *name, uint64_t size)
{
    memory_region_init_ram(mr, owner, name, size);
    mr->readonly = true;
}

void memory_region_init_rom_device(MemoryRegion *mr, const char *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
    mr->rom_device = true;
    init_ram_backing(mr);
}

void memory_region_init_alias(MemoryRegion *mr, const char *owner,
                              const char *name, MemoryRegion *orig,
                              uint64_t offset, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
    mr->alias_user_next = orig->alias_users;
    if (orig->alias_users) {
        orig->alias_users->alias_user_prev = mr;
    }
    orig->alias_users = mr;
}

void memory_region_finalize(MemoryRegion *mr)
{
    if (!mr) {
        return;
    }
    assert(!mr->container);
    assert(!mr->alias_users); /* no alias points here any more */
    region_dirty(mr); /* in case it is a view's root */
    mr->enabled = false;
    memory_region_transaction_begin();
    while (mr->sub_first) {
        memory_region_del_subregion(mr, mr->sub_first);
    }
    memory_region_transaction_commit();
    assert(mr->refcount == 0);
    if (mr->alias) {
        if (mr->alias_user_prev) {
            mr->alias_user_prev->alias_user_next = mr->alias_user_next;
        } else {
            mr->alias->alias_users = mr->alias_user_next;
        }
        if (mr->alias_user_next) {
            mr->alias_user_next->alias_user_prev = mr->alias_user_prev;
        }
    }
    ram_pages_free(mr->pages);
    str_release(mr->name);
    str_release(mr->owner);
    memset(mr, 0, sizeof(*mr));
}

void memory_region_ref(MemoryRegion *mr)
{
    if (mr) {
        mr->refcount++;
    }
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr) {
        assert(mr->refcount > 0);
        mr->refcount--;
    }
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

const char *memory_region_owner(const MemoryRegion *mr)
{
    return mr->owner;
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    if (mr->size == (MemSize)I128_2_64) {
        return UINT64_MAX;
    }
    return (uint64_t)mr->size;
}

uint64_t memory_region_get_address(const MemoryRegion *mr)
{
    return mr->addr;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->ram;
}

bool memory_region_is_rom(const MemoryRegion *mr)
{
    return mr->ram && mr->readonly;
}

bool memory_region_is_romd(const MemoryRegion *mr)
{
    return mr->rom_device && mr->romd_mode;
}

bool memory_region_is_enabled(const MemoryRegion *mr)
{
    return mr->enabled;
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

MemoryRegion *memory_region_get_container(const MemoryRegion *mr)
{
    return mr->container;
}

uint64_t memory_region_get_ram_addr(const MemoryRegion *mr)
{
    uint64_t offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    return mr->pages ? mr->ram_base + offset : UINT64_MAX;
}

/* Resolves aliases for direct backing-store access. */
static MemoryRegion *ram_target(MemoryRegion *mr, uint64_t *offset)
{
    while (mr->alias) {
        *offset += mr->alias_offset;
        mr = mr->alias;
    }
    return mr->pages ? mr : NULL;
}

void memory_region_ram_read(MemoryRegion *mr, uint64_t offset, void *buf,
                            uint64_t len)
{
    uint8_t *out = buf;
    MemoryRegion *t = ram_target(mr, &offset);

    while (len) {
        uint64_t in_page = PAGE_SIZE - (offset & (PAGE_SIZE - 1));
        uint64_t n = len < in_page ? len : in_page;
        const uint8_t *page = NULL;

        if (t && (MemSize)offset < t->size) {
            page = ram_page_read(t->pages, offset >> PAGE_BITS);
        }
        if (page) {
            memcpy(out, page + (offset & (PAGE_SIZE - 1)), n);
        } else {
            memset(out, 0, n);
        }
        out += n;
        offset += n;
        len -= n;
    }
}

void memory_region_ram_write(MemoryRegion *mr, uint64_t offset, const void *buf,
                             uint64_t len)
{
    const uint8_t *in = buf;
    MemoryRegion *t = ram_target(mr, &offset);

    if (!t) {
        return;
    }
    while (len) {
        uint64_t in_page = PAGE_SIZE - (offset & (PAGE_SIZE - 1));
        uint64_t n = len < in_page ? len : in_page;
        uint8_t *page = NULL;

        if ((MemSize)offset < t->size) {
            page = ram_page_write(t->pages, offset >> PAGE_BITS);
        }
        if (page) {
            memcpy(page + (offset & (PAGE_SIZE - 1)), in, n);
        }
        in += n;
        offset += n;
        len -= n;
    }
}

bool memory_region_ram_map_image(MemoryRegion *mr, int fd, uint64_t len)
{
    RamPages *rp = mr->pages;
    void *p;

    if (!rp || rp->image || rp->top || !len || len % PAGE_SIZE ||
        len > (uint64_t)mr->size) {
        return false;
    }
    p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    rp->image = p;
    rp->image_len = len;
    return true;
}

uint64_t memory_region_ram_pages_allocated(const MemoryRegion *mr)
{
    return mr->pages ? mr->pages->allocated : 0;
}

/* ------------------------------------------------------------------ */
/* Topology changes.                                                   */

static void link_subregion(MemoryRegion *mr, MemoryRegion *sub)
{
    MemoryRegion *other, *last = NULL;

    /* Before the first sibling whose priority is not higher. */
    for (other = mr->sub_first; other; other = other->sub_next) {
        if (sub->priority >= other->priority) {
            break;
        }
        last = other;
    }
    sub->sub_prev = last;
    sub->sub_next = other;
    if (last) {
        last->sub_next = sub;
    } else {
        mr->sub_first = sub;
    }
    if (other) {
        other->sub_prev = sub;
    }
}

static void unlink_subregion(MemoryRegion *mr, MemoryRegion *sub)
{
    if (sub->sub_prev) {
        sub->sub_prev->sub_next = sub->sub_next;
    } else {
        mr->sub_first = sub->sub_next;
    }
    if (sub->sub_next) {
        sub->sub_next->sub_prev = sub->sub_prev;
    }
    sub->sub_prev = sub->sub_next = NULL;
}

static void add_subregion_common(MemoryRegion *mr, uint64_t offset,
                                 MemoryRegion *sub)
{
    assert(!sub->container);
    memory_region_transaction_begin();
    sub->container = mr;
    sub->addr = offset;
    link_subregion(mr, sub);
    region_dirty(sub);
    update_pending |= mr->enabled && sub->enabled;
    memory_region_transaction_commit();
}

void memory_region_add_subregion(MemoryRegion *mr, uint64_t offset,
                                 MemoryRegion *subregion)
{
    subregion->priority = 0;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, uint64_t offset,
                                         MemoryRegion *subregion, int priority)
{
    subregion->priority = priority;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    memory_region_transaction_begin();
    assert(subregion->container == mr);
    region_dirty(subregion);
    subregion->container = NULL;
    unlink_subregion(mr, subregion);
    update_pending |= mr->enabled && subregion->enabled;
    memory_region_transaction_commit();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (enabled == mr->enabled) {
        return;
    }
    memory_region_transaction_begin();
    region_dirty(mr);
    mr->enabled = enabled;
    region_dirty(mr);
    update_pending = true;
    memory_region_transaction_commit();
}

void memory_region_set_address(MemoryRegion *mr, uint64_t addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr) {
        return;
    }
    region_dirty(mr);
    mr->addr = addr;
    region_dirty(mr);
    if (container) {
        /* Re-added: it becomes the newest among equal priorities. */
        memory_region_transaction_begin();
        unlink_subregion(container, mr);
        link_subregion(container, mr);
        update_pending |= container->enabled && mr->enabled;
        memory_region_transaction_commit();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset)
{
    assert(mr->alias);
    if (offset == mr->alias_offset) {
        return;
    }
    memory_region_transaction_begin();
    region_dirty(mr);
    mr->alias_offset = offset;
    region_dirty(mr);
    update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    MemSize s = size_from_u64(size);

    if (s == mr->size) {
        return;
    }
    memory_region_transaction_begin();
    region_dirty(mr);
    mr->size = s;
    region_dirty(mr);
    update_pending = true;
    memory_region_transaction_commit();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    memory_region_transaction_begin();
    region_dirty(mr);
    mr->readonly = readonly;
    update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    if (mr->romd_mode == romd_mode) {
        return;
    }
    memory_region_transaction_begin();
    region_dirty(mr);
    mr->romd_mode = romd_mode;
    update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

/* ------------------------------------------------------------------ */
/* FlatView rendering.                                                 */

/* Scratch buffers of the renderer, kept between renders. */
static FlatRange *spare_ranges; /* a dead view's array, for the next one */
static unsigned spare_allocated;

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *view = xzalloc(sizeof(*view));

    view->refcount = 1;
    view->root = root;
    memory_region_ref(root);
    return view;
}

/* Gives a new view the spare array if it can hold n ranges. */
static void flatview_take_spare(FlatView *view, unsigned n)
{
    if (!view->nr_allocated && spare_ranges && spare_allocated >= n) {
        view->ranges = spare_ranges;
        view->nr_allocated = spare_allocated;
        spare_ranges = NULL;
        spare_allocated = 0;
    }
}

static void flatview_reserve(FlatView *view, unsigned n)
{
    if (n <= view->nr_allocated) {
        return;
    }
    if (n < 2 * view->nr_allocated) {
        n = 2 * view->nr_allocated;
    }
    if (n < 16) {
        n = 16;
    }
    view->ranges = xrealloc(view->ranges, n * sizeof(*view->ranges));
    view->nr_allocated = n;
}

static void flatview_ref(FlatView *view)
{
    view->refcount++;
}

static void flatview_clear_diff(FlatView *view)
{
    free(view->diff);
    view->diff = NULL;
    view->nr_diff = 0;
    view->spliced_from = NULL;
}

static void flatview_unref(FlatView *view)
{
    unsigned i, k;

    if (!view || --view->refcount) {
        return;
    }
    if (view->refs_moved) {
        for (k = 0; k < view->nr_owned; k++) {
            for (i = view->owned[k].lo; i < view->owned[k].hi; i++) {
                memory_region_unref(view->ranges[i].mr);
            }
        }
    } else {
        for (i = 0; i < view->nr; i++) {
            memory_region_unref(view->ranges[i].mr);
        }
    }
    memory_region_unref(view->root);
    if (view->nr_allocated > spare_allocated) {
        free(spare_ranges);
        spare_ranges = view->ranges;
        spare_allocated = view->nr_allocated;
    } else {
        free(view->ranges);
    }
    free(view->owned);
    flatview_clear_diff(view);
    free(view);
}

/* First range whose end lies above addr. */
static unsigned flatview_first_ending_after(const FlatView *view, I128 addr)
{
    unsigned lo = 0, hi = view->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const FlatRange *fr = &view->ranges[mid];

        if (fr->start + fr->size <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* First range starting at or above addr. */
static unsigned flatview_first_starting_from(const FlatView *view, I128 addr)
{
    unsigned lo = 0, hi = view->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (view->ranges[mid].start < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static I128 i128_min(I128 a, I128 b)
{
    return a < b ? a : b;
}

static I128 i128_max(I128 a, I128 b)
{
    return a > b ? a : b;
}

/*
 * Rendering.  Walking the tree in priority order (a container's
 * subregions by priority, then the container itself when it terminates)
 * gives every terminating region one clipped piece of address space;
 * each point of the view belongs to the first piece in that order that
 * covers it.  The pieces are collected first, then one sweep over their
 * sorted ends with a heap of the pieces open at that point (earliest
 * first) writes the view in address order: O(n log n) in the number of
 * regions.  The same walk clipped to an address interval renders just
 * that part of a view (see flatview_splice).
 */
typedef struct Piece {
    MemoryRegion *mr;
    uint64_t offset_in_region;
    I128 start, end;
    bool readonly, romd_mode;
} Piece;

typedef struct PieceList {
    Piece *piece;
    size_t nr, allocated;
} PieceList;

static PieceList scratch_pieces;

static void collect_pieces(PieceList *pl, MemoryRegion *mr, I128 base,
                           I128 clip_start, I128 clip_size, bool readonly)
{
    MemoryRegion *sub;
    I128 start, end;
    Piece *p;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    readonly |= mr->readonly;

    /* Intersect [base, base + size) with the clip. */
    start = i128_max(base, clip_start);
    end = i128_min(base + (I128)mr->size, clip_start + clip_size);
    if (end <= start) {
        return;
    }
    clip_start = start;
    clip_size = end - start;

    if (mr->alias) {
        base -= mr->alias->addr;
        base -= mr->alias_offset;
        collect_pieces(pl, mr->alias, base, clip_start, clip_size, readonly);
        return;
    }

    for (sub = mr->sub_first; sub; sub = sub->sub_next) {
        I128 sub_start = base + sub->addr;

        /* The same test as the callee's, without the call. */
        if (!sub->enabled || sub_start >= end ||
            sub_start + (I128)sub->size <= start) {
            continue;
        }
        collect_pieces(pl, sub, base, clip_start, clip_size, readonly);
    }

    if (!mr->terminates) {
        return;
    }
    if (pl->nr == pl->allocated) {
        pl->allocated = pl->allocated ? 2 * pl->allocated : 64;
        pl->piece = xrealloc(pl->piece, pl->allocated * sizeof(*pl->piece));
    }
    p = &pl->piece[pl->nr++];
    p->mr = mr;
    p->offset_in_region = (uint64_t)(clip_start - base);
    p->start = clip_start;
    p->end = clip_start + clip_size;
    p->readonly = readonly;
    p->romd_mode = mr->romd_mode;
}

static bool can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->start + a->size == b->start && a->mr == b->mr &&
           (I128)a->offset_in_region + a->size == (I128)b->offset_in_region &&
           a->readonly == b->readonly && a->romd_mode == b->romd_mode;
}

/*
 * Appends [start, end) of piece p, merged into the last range if it
 * continues it.  Takes no region reference.
 */
static void flatview_append(FlatView *view, const Piece *p, I128 start,
                            I128 end)
{
    FlatRange fr = {
        .mr = p->mr,
        .offset_in_region = p->offset_in_region + (uint64_t)(start - p->start),
        .start = start,
        .size = end - start,
        .readonly = p->readonly,
        .romd_mode = p->romd_mode,
    };

    if (view->nr && can_merge(&view->ranges[view->nr - 1], &fr)) {
        view->ranges[view->nr - 1].size += fr.size;
        return;
    }
    flatview_reserve(view, view->nr + 1);
    view->ranges[view->nr++] = fr;
}

/* A piece's start or its end. */
typedef struct PieceEdge {
    I128 at;
    size_t piece;
    bool is_end;
} PieceEdge;

static PieceEdge *scratch_edge;
static size_t *scratch_heap;
static bool *scratch_open;
static size_t scratch_edge_allocated; /* pieces the three have room for */

static int edge_cmp(const void *a, const void *b)
{
    const PieceEdge *x = a, *y = b;

    return x->at < y->at ? -1 : x->at > y->at;
}

/* Min-heap of piece indices: the earliest piece is the one that shows. */
static void heap_push(size_t *heap, size_t *nr, size_t v)
{
    size_t i = (*nr)++;

    while (i && heap[(i - 1) / 2] > v) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = v;
}

static void heap_pop(size_t *heap, size_t *nr)
{
    size_t v = heap[--(*nr)], i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= *nr) {
            break;
        }
        if (c + 1 < *nr && heap[c + 1] < heap[c]) {
            c++;
        }
        if (heap[c] >= v) {
            break;
        }
        heap[i] = heap[c];
        i = c;
    }
    if (*nr) {
        heap[i] = v;
    }
}

/* Appends the ranges the pieces give to view (no references taken). */
static void render_pieces(FlatView *view, const PieceList *pl)
{
    size_t n = pl->nr, nedges = 2 * n, nheap = 0, e = 0, i;
    PieceEdge *edge;
    size_t *heap;
    bool *open;

    if (!n) {
        return;
    }
    if (n > scratch_edge_allocated) {
        free(scratch_edge);
        free(scratch_heap);
        free(scratch_open);
        scratch_edge = xmalloc(2 * n * sizeof(*scratch_edge));
        scratch_heap = xmalloc(n * sizeof(*scratch_heap));
        scratch_open = xmalloc(n * sizeof(*scratch_open));
        scratch_edge_allocated = n;
    }
    edge = scratch_edge;
    heap = scratch_heap;
    open = scratch_open;
    memset(open, 0, n * sizeof(*open));
    for (i = 0; i < n; i++) {
        edge[2 * i] = (PieceEdge){ pl->piece[i].start, i, false };
        edge[2 * i + 1] = (PieceEdge){ pl->piece[i].end, i, true };
    }
    qsort(edge, nedges, sizeof(*edge), edge_cmp);
    while (e < nedges) {
        I128 at = edge[e].at;

        for (; e < nedges && edge[e].at == at; e++) {
            if (edge[e].is_end) {
                open[edge[e].piece] = false;
            } else {
                open[edge[e].piece] = true;
                heap_push(heap, &nheap, edge[e].piece);
            }
        }
        while (nheap && !open[heap[0]]) {
            heap_pop(heap, &nheap);
        }
        if (nheap && e < nedges) {
            flatview_append(view, &pl->piece[heap[0]], at, edge[e].at);
        }
    }
}

/* The region a view really starts at (lets address spaces share views). */
static MemoryRegion *flatview_root(MemoryRegion *mr)
{
    while (mr && mr->enabled) {
        if (mr->alias) {
            if (!mr->alias_offset && mr->size >= mr->alias->size) {
                mr = mr->alias;
                continue;
            }
        } else if (!mr->terminates) {
            unsigned found = 0;
            MemoryRegion *child, *next = NULL;

            for (child = mr->sub_first; child; child = child->sub_next) {
                if (!child->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                if (!child->addr && mr->size >= child->size) {
                    next = child;
                }
            }
            if (!found) {
                return NULL;
            }
            if (next) {
                mr = next;
                continue;
            }
        }
        return mr;
    }
    return NULL;
}

static FlatView *generate_view(MemoryRegion *root)
{
    FlatView *view = flatview_new(root);
    unsigned i;

    if (root) {
        scratch_pieces.nr = 0;
        collect_pieces(&scratch_pieces, root, 0, 0, I128_2_64, false);
        /* n pieces make at most 2n - 1 ranges. */
        flatview_take_spare(view, 2 * (unsigned)scratch_pieces.nr);
        render_pieces(view, &scratch_pieces);
    }
    for (i = 0; i < view->nr; i++) {
        memory_region_ref(view->ranges[i].mr);
    }
    return view;
}

/*
 * Partial re-render.  A topology change can only alter a view where the
 * changed region showed before or shows after it, so each change records
 * those extents (region_dirty, following the region's containers and the
 * aliases pointing at it up to every view root), and the commit renders
 * just those address intervals again and splices them into a copy of the
 * old view.  The result is the view a full render gives: every interval
 * is first widened to whole old ranges, so the cut never splits one, and
 * the first and last new ranges are merged with their old neighbours
 * where the full render would have merged them.  Unchanged ranges are
 * copied, and when the old view is about to go (no one else holds it)
 * their region references move over with them instead of being taken
 * again; the spans where the two differ are kept for the listener diff.
 */
#define DIRTY_STEPS_MAX 4096u /* region visits per change, then full */
#define DIRTY_SPANS_MAX 64u /* per view, then full */

static unsigned dirty_steps;
static bool dirty_overflow; /* every view renders in full */
static DirtySpan *scratch_windows;
static unsigned scratch_windows_allocated;
static FlatView scratch_window_view; /* one window's ranges, no refs */

static void view_entry_dirty(ViewEntry *e, I128 lo, I128 hi)
{
    if (e->full) {
        return;
    }
    if (e->nr_dirty == DIRTY_SPANS_MAX) {
        e->full = true;
        free(e->dirty);
        e->dirty = NULL;
        e->nr_dirty = e->dirty_allocated = 0;
        return;
    }
    if (e->nr_dirty == e->dirty_allocated) {
        e->dirty_allocated = e->dirty_allocated ? 2 * e->dirty_allocated : 4;
        e->dirty = xrealloc(e->dirty, e->dirty_allocated * sizeof(*e->dirty));
    }
    e->dirty[e->nr_dirty++] = (DirtySpan){ lo, hi };
}

/* [lo, hi) of mr (offsets in mr) may have changed in every view it shows. */
static void propagate_dirty(MemoryRegion *mr, I128 lo, I128 hi)
{
    MemoryRegion *user;
    unsigned i;

    if (dirty_overflow) {
        return;
    }
    if (++dirty_steps > DIRTY_STEPS_MAX) {
        dirty_overflow = true;
        return;
    }
    if (!mr->enabled) {
        return; /* nothing of it shows anywhere */
    }
    lo = i128_max(lo, 0);
    hi = i128_min(hi, (I128)mr->size);
    if (hi <= lo) {
        return;
    }
    for (i = 0; i < nr_view_table; i++) {
        if (view_table[i].root == mr) {
            /* A root is rendered at its own address. */
            I128 a = i128_max(lo + mr->addr, 0);
            I128 b = i128_min(hi + mr->addr, I128_2_64);

            if (a < b) {
                view_entry_dirty(&view_table[i], a, b);
            }
        }
    }
    if (mr->container) {
        propagate_dirty(mr->container, lo + mr->addr, hi + mr->addr);
    }
    for (user = mr->alias_users; user; user = user->alias_user_next) {
        propagate_dirty(user, lo - (I128)user->alias_offset,
                        hi - (I128)user->alias_offset);
    }
}

/* Records where mr shows now; called before and after changing it. */
static void region_dirty(MemoryRegion *mr)
{
    dirty_steps = 0;
    propagate_dirty(mr, 0, (I128)mr->size);
}

static int dirty_cmp(const void *a, const void *b)
{
    const DirtySpan *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * The intervals to render again: sorted, each widened to the old ranges
 * it overlaps, and merged where they overlap or touch.
 */
static unsigned splice_windows(const FlatView *old, const DirtySpan *dirty,
                               unsigned nr_dirty)
{
    unsigned i, n = 0;

    if (nr_dirty > scratch_windows_allocated) {
        free(scratch_windows);
        scratch_windows = xmalloc(nr_dirty * sizeof(*scratch_windows));
        scratch_windows_allocated = nr_dirty;
    }
    memcpy(scratch_windows, dirty, nr_dirty * sizeof(*dirty));
    qsort(scratch_windows, nr_dirty, sizeof(*scratch_windows), dirty_cmp);
    for (i = 0; i < nr_dirty; i++) {
        DirtySpan w = scratch_windows[i];
        unsigned a = flatview_first_ending_after(old, w.lo);
        unsigned b = flatview_first_starting_from(old, w.hi);

        if (a < b) {
            w.lo = i128_min(w.lo, old->ranges[a].start);
            w.hi = i128_max(w.hi,
                            old->ranges[b - 1].start + old->ranges[b - 1].size);
        }
        if (n && w.lo <= scratch_windows[n - 1].hi) {
            scratch_windows[n - 1].hi =
                i128_max(scratch_windows[n - 1].hi, w.hi);
        } else {
            scratch_windows[n++] = w;
        }
    }
    return n;
}

/* Whether old goes at the end of this commit (only the table and the
 * address spaces showing it hold it), so its references can move. */
static bool flatview_can_steal(const FlatView *old)
{
    const AddressSpace *as;
    unsigned users = 1; /* the old table */

    if (old->refs_moved) {
        return false;
    }
    for (as = address_spaces; as; as = as->next) {
        users += as->current_map == old;
    }
    return old->refcount == users;
}

static void flatview_copy_ranges(FlatView *view, const FlatView *old,
                                 unsigned from, unsigned to, bool take_refs)
{
    unsigned i;

    if (from == to) {
        return; /* (old->ranges may be NULL: an empty view's) */
    }
    flatview_reserve(view, view->nr + (to - from));
    memcpy(view->ranges + view->nr, old->ranges + from,
           (to - from) * sizeof(*view->ranges));
    if (take_refs) {
        for (i = from; i < to; i++) {
            memory_region_ref(old->ranges[i].mr);
        }
    }
    view->nr += to - from;
}

static void flatview_push_diff(FlatView *view, const DiffSpan *d)
{
    view->diff =
        xrealloc(view->diff, (view->nr_diff + 1) * sizeof(*view->diff));
    view->diff[view->nr_diff++] = *d;
}

static FlatView *flatview_splice(FlatView *old, const DirtySpan *dirty,
                                 unsigned nr_dirty)
{
    FlatView *view = flatview_new(old->root);
    FlatView *win = &scratch_window_view;
    bool steal = flatview_can_steal(old);
    unsigned nw = splice_windows(old, dirty, nr_dirty);
    unsigned i = 0, w, j; /* i: the next old range to copy */
    DiffSpan cur = { 0 };
    bool open = false; /* cur is being extended */

    flatview_take_spare(view, old->nr + 8);
    flatview_reserve(view, old->nr + 8);
    if (steal) {
        old->owned = xmalloc(nw * sizeof(*old->owned));
        old->refs_moved = true;
    }
    for (w = 0; w < nw; w++) {
        I128 lo = scratch_windows[w].lo, hi = scratch_windows[w].hi;
        unsigned a = flatview_first_ending_after(old, lo);
        unsigned b = flatview_first_starting_from(old, hi);
        bool fresh;

        assert(a >= i && b >= a);
        if (i < a) {
            if (open) {
                flatview_push_diff(view, &cur);
                open = false;
            }
            flatview_copy_ranges(view, old, i, a, !steal);
            i = a;
        }
        if (steal && a < b) {
            old->owned[old->nr_owned++] = (IndexSpan){ a, b };
        }
        fresh = !open;
        if (!open) {
            cur = (DiffSpan){ a, a, view->nr, view->nr };
            open = true;
        }

        win->nr = 0;
        scratch_pieces.nr = 0;
        collect_pieces(&scratch_pieces, old->root, 0, lo, hi - lo, false);
        render_pieces(win, &scratch_pieces);

        j = 0;
        if (win->nr && view->nr &&
            can_merge(&view->ranges[view->nr - 1], &win->ranges[0])) {
            /* Continues the range before: the full render merges them. */
            view->ranges[view->nr - 1].size += win->ranges[0].size;
            j = 1;
            if (fresh) {
                /* That range was a copy of old[a - 1]: now it differs. */
                cur.old_lo = a - 1;
                cur.new_lo = view->nr - 1;
            }
        }
        flatview_reserve(view, view->nr + (win->nr - j));
        for (; j < win->nr; j++) {
            view->ranges[view->nr++] = win->ranges[j];
            memory_region_ref(win->ranges[j].mr);
        }
        i = b;
        if (i < old->nr && view->nr > cur.new_lo &&
            can_merge(&view->ranges[view->nr - 1], &old->ranges[i])) {
            /* The old range after continues the last new one. */
            view->ranges[view->nr - 1].size += old->ranges[i].size;
            if (steal) {
                memory_region_unref(old->ranges[i].mr); /* moved, unused */
            }
            i++;
        }
        cur.old_hi = i;
        cur.new_hi = view->nr;
    }
    if (open) {
        flatview_push_diff(view, &cur);
    }
    flatview_copy_ranges(view, old, i, old->nr, !steal);
    view->spliced_from = old;
    return view;
}

static void render_scratch_free(void)
{
    free(spare_ranges);
    spare_ranges = NULL;
    spare_allocated = 0;
    free(scratch_pieces.piece);
    scratch_pieces = (PieceList){ 0 };
    free(scratch_edge);
    free(scratch_heap);
    free(scratch_open);
    scratch_edge = NULL;
    scratch_heap = NULL;
    scratch_open = NULL;
    scratch_edge_allocated = 0;
    free(scratch_windows);
    scratch_windows = NULL;
    scratch_windows_allocated = 0;
    free(scratch_window_view.ranges);
    scratch_window_view = (FlatView){ 0 };
}

/*
 * Between commits the scratch buffers are kept only when they are large
 * (a machine of thousands of regions, where allocating them again for
 * every commit would show in its time); a small machine's, a few KiB
 * that take no time to allocate, go back to malloc so that an idle
 * machine holds none.
 */
#define RENDER_SCRATCH_KEEP (64 * 1024)

static void render_scratch_trim(void)
{
    size_t bytes = spare_allocated * sizeof(FlatRange) +
                   scratch_pieces.allocated * sizeof(Piece) +
                   scratch_edge_allocated *
                       (2 * sizeof(PieceEdge) + sizeof(size_t) + sizeof(bool)) +
                   scratch_windows_allocated * sizeof(DirtySpan) +
                   scratch_window_view.nr_allocated * sizeof(FlatRange);

    if (bytes < RENDER_SCRATCH_KEEP) {
        render_scratch_free();
    }
}

static FlatView *view_table_lookup(MemoryRegion *root)
{
    unsigned i;

    for (i = 0; i < nr_view_table; i++) {
        if (view_table[i].root == root) {
            return view_table[i].view;
        }
    }
    return NULL;
}

static void view_table_add(MemoryRegion *root, FlatView *view)
{
    view_table =
        xrealloc(view_table, (nr_view_table + 1) * sizeof(*view_table));
    view_table[nr_view_table] = (ViewEntry){ .root = root, .view = view };
    nr_view_table++;
}

static void view_entries_free(ViewEntry *table, unsigned nr)
{
    unsigned i;

    for (i = 0; i < nr; i++) {
        flatview_unref(table[i].view);
        free(table[i].dirty);
    }
    free(table);
}

static void view_table_clear(void)
{
    view_entries_free(view_table, nr_view_table);
    view_table = NULL;
    nr_view_table = 0;
}

static void view_table_init(void)
{
    if (!empty_view) {
        empty_view = generate_view(NULL);
    }
    if (!view_table_lookup(NULL)) {
        flatview_ref(empty_view);
        view_table_add(NULL, empty_view);
    }
}

static FlatView *view_for(AddressSpace *as)
{
    MemoryRegion *root = as->root ? flatview_root(as->root) : NULL;
    FlatView *view;

    view_table_init();
    view = view_table_lookup(root);
    if (!view) {
        view = generate_view(root);
        view_table_add(root, view);
    }
    return view;
}

/*
 * The next generation of views: one per flatview root in use, each the
 * old view of that root when nothing touched it, the old view with the
 * touched intervals rendered again, or a full render.
 */
static void views_update(void)
{
    ViewEntry *old = view_table;
    unsigned nr_old = nr_view_table, i;
    bool full = dirty_overflow || incremental_disabled;
    AddressSpace *as;

    view_table = NULL;
    nr_view_table = 0;
    dirty_overflow = false;
    view_table_init();
    for (as = address_spaces; as; as = as->next) {
        MemoryRegion *root = as->root ? flatview_root(as->root) : NULL;
        const ViewEntry *e = NULL;
        FlatView *view;

        if (view_table_lookup(root)) {
            continue;
        }
        for (i = 0; i < nr_old; i++) {
            if (old[i].root == root) {
                e = &old[i];
                break;
            }
        }
        if (!e || e->full || full) {
            view = generate_view(root);
        } else if (!e->nr_dirty) {
            view = e->view;
            flatview_ref(view);
        } else {
            view = flatview_splice(e->view, e->dirty, e->nr_dirty);
        }
        view_table_add(root, view);
    }
    view_entries_free(old, nr_old);
}

/* ------------------------------------------------------------------ */
/* Listeners and the topology diff.                                    */

static MemoryRegionSection section_of(const FlatRange *fr, AddressSpace *as)
{
    MemoryRegionSection s = {
        .mr = fr->mr,
        .as = as,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = (uint64_t)fr->start,
        .size = (MemSize)fr->size,
        .readonly = fr->readonly,
    };
    return s;
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->size == b->size &&
           a->offset_in_region == b->offset_in_region &&
           a->romd_mode == b->romd_mode && a->readonly == b->readonly;
}

enum { CB_ADD, CB_DEL, CB_NOP };

static void call_as_listeners(AddressSpace *as, const FlatRange *fr, int which,
                              bool reverse)
{
    unsigned n = as->nr_listeners, k;

    for (k = 0; k < n; k++) {
        MemoryListener *l = as->listeners[reverse ? n - 1 - k : k];
        MemoryRegionSection s = section_of(fr, as);
        void (*cb)(MemoryListener *, MemoryRegionSection *) =
            which == CB_ADD   ? l->region_add
            : which == CB_DEL ? l->region_del
                              : l->region_nop;

        if (cb) {
            cb(l, &s);
        }
    }
}

static bool as_has_nop(const AddressSpace *as)
{
    unsigned k;

    for (k = 0; k < as->nr_listeners; k++) {
        if (as->listeners[k]->region_nop) {
            return true;
        }
    }
    return false;
}

/* The diff of two sorted range arrays: dels, or adds and nops. */
static void topology_walk(AddressSpace *as, const FlatRange *old, unsigned nold,
                          const FlatRange *new, unsigned nnew, bool adding)
{
    unsigned iold = 0, inew = 0;

    while (iold < nold || inew < nnew) {
        const FlatRange *frold = iold < nold ? &old[iold] : NULL;
        const FlatRange *frnew = inew < nnew ? &new[inew] : NULL;

        if (frold && (!frnew || frold->start < frnew->start ||
                      (frold->start == frnew->start &&
                       !flatrange_equal(frold, frnew)))) {
            /* Gone, or changed attributes. */
            if (!adding) {
                call_as_listeners(as, frold, CB_DEL, true);
            }
            iold++;
        } else if (frold && frnew && flatrange_equal(frold, frnew)) {
            if (adding) {
                call_as_listeners(as, frnew, CB_NOP, false);
            }
            iold++;
            inew++;
        } else {
            if (adding) {
                call_as_listeners(as, frnew, CB_ADD, false);
            }
            inew++;
        }
    }
}

static void call_nops(AddressSpace *as, const FlatView *view, unsigned from,
                      unsigned to)
{
    for (; from < to; from++) {
        call_as_listeners(as, &view->ranges[from], CB_NOP, false);
    }
}

/*
 * The same calls as topology_walk over the whole views, when new was
 * spliced from old: outside the diff spans both hold the same ranges at
 * the same places, which the walk would pass as nops.
 */
static void topology_pass_spliced(AddressSpace *as, const FlatView *old_view,
                                  const FlatView *new_view, bool adding)
{
    bool nops = adding && as_has_nop(as);
    unsigned inew = 0, k;

    for (k = 0; k < new_view->nr_diff; k++) {
        const DiffSpan *d = &new_view->diff[k];

        if (nops) {
            call_nops(as, new_view, inew, d->new_lo);
        }
        topology_walk(as, old_view->ranges + d->old_lo, d->old_hi - d->old_lo,
                      new_view->ranges + d->new_lo, d->new_hi - d->new_lo,
                      adding);
        inew = d->new_hi;
    }
    if (nops) {
        call_nops(as, new_view, inew, new_view->nr);
    }
}

static void address_space_set_flatview(AddressSpace *as)
{
    FlatView *old_view = as->current_map;
    FlatView *new_view = view_for(as);

    if (old_view == new_view) {
        /* Re-rendered unchanged: the diff finds nothing but nops. */
        if (as->nr_listeners && as_has_nop(as)) {
            call_nops(as, new_view, 0, new_view->nr);
        }
        return;
    }
    flatview_ref(new_view);
    if (as->nr_listeners) {
        if (old_view && new_view->spliced_from == old_view) {
            topology_pass_spliced(as, old_view, new_view, false);
            topology_pass_spliced(as, old_view, new_view, true);
        } else if (old_view) {
            topology_walk(as, old_view->ranges, old_view->nr, new_view->ranges,
                          new_view->nr, false);
            topology_walk(as, old_view->ranges, old_view->nr, new_view->ranges,
                          new_view->nr, true);
        } else {
            topology_walk(as, NULL, 0, new_view->ranges, new_view->nr, true);
        }
    }
    as->current_map = new_view;
    flatview_unref(old_view);
}

/* ------------------------------------------------------------------ */
/* Test hooks (memory_priv.h).                                         */

static FlatView **held_views;
static unsigned nr_held_views;

void memory_set_incremental(bool on)
{
    incremental_disabled = !on;
}

static void live_add(const FlatView ***live, unsigned *nr, const FlatView *v)
{
    unsigned k;

    for (k = 0; k < *nr && (*live)[k] != v; k++) {
    }
    if (v && k == *nr) {
        *live = xrealloc(*live, (*nr + 1) * sizeof(**live));
        (*live)[(*nr)++] = v;
    }
}

/* The references to mr that view holds. */
static unsigned view_refs_of(const FlatView *v, const MemoryRegion *mr)
{
    unsigned n = v->root == mr, r, k;

    if (!v->refs_moved) {
        for (r = 0; r < v->nr; r++) {
            n += v->ranges[r].mr == mr;
        }
        return n;
    }
    for (k = 0; k < v->nr_owned; k++) {
        for (r = v->owned[k].lo; r < v->owned[k].hi; r++) {
            n += v->ranges[r].mr == mr;
        }
    }
    return n;
}

static char *view_mismatch(const AddressSpace *as, const FlatView *got,
                           const FlatView *want)
{
    unsigned i;

    if (got->nr != want->nr) {
        return xasprintf("AS %s: %u ranges, a full render has %u", as->name,
                         got->nr, want->nr);
    }
    for (i = 0; i < got->nr; i++) {
        const FlatRange *g = &got->ranges[i], *w = &want->ranges[i];

        if (!flatrange_equal(g, w)) {
            return xasprintf(
                "AS %s: range %u is %s@%" PRIx64 "+%" PRIx64 " off %" PRIx64
                " ro %d, a full render has "
                "%s@%" PRIx64 "+%" PRIx64 " off %" PRIx64 " ro %d",
                as->name, i, memory_region_name(g->mr), (uint64_t)g->start,
                (uint64_t)g->size, g->offset_in_region, g->readonly,
                memory_region_name(w->mr), (uint64_t)w->start,
                (uint64_t)w->size, w->offset_in_region, w->readonly);
        }
    }
    return NULL;
}

char *memory_check_views(MemoryRegion *const *mrs, unsigned n)
{
    const FlatView **live = NULL;
    unsigned nr_live = 0, i, k;
    AddressSpace *as;
    char *err = NULL;

    for (as = address_spaces; as && !err; as = as->next) {
        MemoryRegion *root = as->root ? flatview_root(as->root) : NULL;
        FlatView *want;

        if (as->current_map != view_table_lookup(root)) {
            err = xasprintf("AS %s does not show its root's view", as->name);
            break;
        }
        want = generate_view(root);
        err = view_mismatch(as, as->current_map, want);
        flatview_unref(want);
    }
    /* The distinct live views: the table's, the spaces' and the held. */
    live_add(&live, &nr_live, empty_view);
    for (i = 0; i < nr_view_table; i++) {
        live_add(&live, &nr_live, view_table[i].view);
    }
    for (as = address_spaces; as; as = as->next) {
        live_add(&live, &nr_live, as->current_map);
    }
    for (i = 0; i < nr_held_views; i++) {
        live_add(&live, &nr_live, held_views[i]);
    }
    for (k = 0; k < nr_live && !err; k++) {
        if (live[k]->refs_moved) {
            /* Only a view that goes with its commit may lend them. */
            err = xasprintf("a live view of %s gave its references away",
                            live[k]->root ? memory_region_name(live[k]->root)
                                          : "(none)");
        }
    }
    for (i = 0; i < n && !err; i++) {
        unsigned want = 0;

        for (k = 0; k < nr_live; k++) {
            want += view_refs_of(live[k], mrs[i]);
        }
        for (as = address_spaces; as; as = as->next) {
            want += as->root == mrs[i];
        }
        if (mrs[i]->refcount != want) {
            err = xasprintf("region %s holds %u references, the views "
                            "account for %u",
                            memory_region_name(mrs[i]), mrs[i]->refcount, want);
        }
    }
    free(live);
    return err;
}

FlatView *memory_view_hold(AddressSpace *as)
{
    FlatView *view = as->current_map;

    flatview_ref(view);
    held_views =
        xrealloc(held_views, (nr_held_views + 1) * sizeof(*held_views));
    held_views[nr_held_views++] = view;
    return view;
}

void memory_view_release(FlatView *view)
{
    unsigned i;

    for (i = 0; i < nr_held_views; i++) {
        if (held_views[i] == view) {
            held_views[i] = held_views[--nr_held_views];
            break;
        }
    }
    if (!nr_held_views) {
        free(held_views);
        held_views = NULL;
    }
    flatview_unref(view);
}

static void call_global(bool commit)
{
    unsigned k;

    for (k = 0; k < nr_listeners; k++) {
        MemoryListener *l = listeners[k];
        void (*cb)(MemoryListener *) = commit ? l->commit : l->begin;

        if (cb) {
            cb(l);
        }
    }
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    AddressSpace *as;
    unsigned i;

    assert(transaction_depth);
    if (--transaction_depth || !update_pending) {
        return;
    }
    render_count++;
    views_update();
    call_global(false);
    for (as = address_spaces; as; as = as->next) {
        address_space_set_flatview(as);
    }
    for (i = 0; i < nr_view_table; i++) {
        flatview_clear_diff(view_table[i].view);
    }
    update_pending = false;
    call_global(true);
    render_scratch_trim();
}

uint64_t memory_render_count(void)
{
    return render_count;
}

static void insert_sorted(MemoryListener ***arr, unsigned *nr,
                          MemoryListener *l)
{
    unsigned pos = *nr;

    /* After every listener of lower or equal priority. */
    while (pos > 0 && (*arr)[pos - 1]->priority > l->priority) {
        pos--;
    }
    *arr = xrealloc(*arr, (*nr + 1) * sizeof(**arr));
    memmove(*arr + pos + 1, *arr + pos, (*nr - pos) * sizeof(**arr));
    (*arr)[pos] = l;
    (*nr)++;
}

static void remove_from(MemoryListener **arr, unsigned *nr, MemoryListener *l)
{
    unsigned i;

    for (i = 0; i < *nr; i++) {
        if (arr[i] == l) {
            memmove(arr + i, arr + i + 1, (*nr - i - 1) * sizeof(*arr));
            (*nr)--;
            return;
        }
    }
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    FlatView *view;
    unsigned i;

    listener->address_space = as;
    insert_sorted(&listeners, &nr_listeners, listener);
    insert_sorted(&as->listeners, &as->nr_listeners, listener);

    if (listener->begin) {
        listener->begin(listener);
    }
    view = as->current_map;
    flatview_ref(view);
    for (i = 0; i < view->nr; i++) {
        MemoryRegionSection s = section_of(&view->ranges[i], as);

        if (listener->region_add) {
            listener->region_add(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    flatview_unref(view);
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    FlatView *view;
    unsigned i;

    if (!as) {
        return;
    }
    if (listener->begin) {
        listener->begin(listener);
    }
    view = as->current_map;
    flatview_ref(view);
    for (i = 0; i < view->nr; i++) {
        MemoryRegionSection s = section_of(&view->ranges[i], as);

        if (listener->region_del) {
            listener->region_del(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    flatview_unref(view);
    remove_from(listeners, &nr_listeners, listener);
    remove_from(as->listeners, &as->nr_listeners, listener);
    listener->address_space = NULL;
}

/* ------------------------------------------------------------------ */
/* Address spaces.                                                     */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    AddressSpace **tail = &address_spaces;

    memset(as, 0, sizeof(*as));
    memory_region_ref(root);
    as->root = root;
    as->name = xstrdup(name ? name : "anonymous");
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = as;
    address_space_set_flatview(as);
}

void address_space_destroy(AddressSpace *as)
{
    MemoryRegion *root = as->root;
    AddressSpace **p;

    assert(as->nr_listeners == 0);
    memory_region_transaction_begin();
    as->root = NULL;
    update_pending = true;
    memory_region_transaction_commit();
    for (p = &address_spaces; *p; p = &(*p)->next) {
        if (*p == as) {
            *p = as->next;
            break;
        }
    }
    flatview_unref(as->current_map);
    as->current_map = NULL;
    memory_region_unref(root);
    free(as->listeners);
    free(as->name);
    memset(as, 0, sizeof(*as));
}

const char *address_space_name(const AddressSpace *as)
{
    return as->name;
}

/* ------------------------------------------------------------------ */
/* Dispatch.                                                           */

static bool access_valid(const MemoryRegion *mr, uint64_t addr, unsigned size)
{
    const MemoryRegionOps *ops = mr ? mr->ops : NULL;

    if (!ops) {
        return false; /* RAM, containers, unassigned: nothing accepts */
    }
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return false;
    }
    if (!ops->valid.max_access_size) {
        return true;
    }
    return size <= ops->valid.max_access_size &&
           size >= ops->valid.min_access_size;
}

static void access_adjusted(MemoryRegion *mr, uint64_t addr, uint64_t *value,
                            unsigned size, bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned amin = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned amax = ops->impl.max_access_size ? ops->impl.max_access_size : 4;
    unsigned asize = size < amax ? size : amax;
    uint64_t mask;
    unsigned i;

    if (asize < amin) {
        asize = amin;
    }
    mask = asize >= 8 ? UINT64_MAX : (((uint64_t)1 << (asize * 8)) - 1);
    for (i = 0; i < size; i += asize) {
        unsigned shift = i * 8;

        if (is_write) {
            uint64_t v = shift < 64 ? (*value >> shift) & mask : 0;

            if (ops->write) {
                ops->write(mr->opaque, addr + i, v, asize);
            }
        } else {
            uint64_t v = ops->read ? ops->read(mr->opaque, addr + i, asize) : 0;

            if (shift < 64) {
                *value |= (v & mask) << shift;
            }
        }
    }
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *pval, unsigned size)
{
    *pval = 0;
    if (!access_valid(mr, addr, size)) {
        return MEMTX_DECODE_ERROR;
    }
    access_adjusted(mr, addr, pval, size, false);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t val, unsigned size)
{
    if (!access_valid(mr, addr, size)) {
        return MEMTX_DECODE_ERROR;
    }
    access_adjusted(mr, addr, &val, size, true);
    return MEMTX_OK;
}

static const FlatRange *flatview_lookup(FlatView *view, uint64_t addr)
{
    unsigned i = view->last_hit;

    if (i < view->nr && view->ranges[i].start <= (I128)addr &&
        (I128)addr < view->ranges[i].start + view->ranges[i].size) {
        return &view->ranges[i];
    }
    i = flatview_first_ending_after(view, (I128)addr);
    if (i < view->nr && view->ranges[i].start <= (I128)addr) {
        view->last_hit = i;
        return &view->ranges[i];
    }
    return NULL;
}

bool address_space_translate(AddressSpace *as, uint64_t addr,
                             MemoryRegionSection *section)
{
    const FlatRange *fr =
        as->current_map ? flatview_lookup(as->current_map, addr) : NULL;

    if (!fr) {
        memset(section, 0, sizeof(*section));
        section->as = as;
        return false;
    }
    *section = section_of(fr, as);
    section->offset_within_region += addr - (uint64_t)fr->start;
    section->size -= addr - (uint64_t)fr->start;
    section->offset_within_address_space = addr;
    return true;
}

static bool direct_read(const MemoryRegion *mr)
{
    return mr && (mr->ram || (mr->rom_device && mr->romd_mode));
}

static bool direct_write(const MemoryRegion *mr)
{
    return mr && mr->ram && !mr->readonly && !mr->rom_device;
}

static unsigned pow2floor(unsigned v)
{
    unsigned r = 1;

    while (r * 2 <= v) {
        r *= 2;
    }
    return r;
}

/* Largest access the region takes at addr, no more than l. */
static unsigned access_size_for(const MemoryRegion *mr, uint64_t l,
                                uint64_t addr)
{
    const MemoryRegionOps *ops = mr ? mr->ops : NULL;
    unsigned max =
        ops && ops->valid.max_access_size ? ops->valid.max_access_size : 4;

    if (!(ops && ops->impl.unaligned)) {
        uint64_t align = addr & -addr;

        if (align && align < max) {
            max = (unsigned)align;
        }
    }
    if (l > max) {
        l = max;
    }
    return pow2floor((unsigned)l);
}

/* How many of the len bytes from addr (mapped nowhere) stay unmapped. */
static uint64_t unmapped_len(const FlatView *view, uint64_t addr, uint64_t len)
{
    unsigned i = view ? flatview_first_ending_after(view, (I128)addr) : 0;

    if (view && i < view->nr &&
        view->ranges[i].start - (I128)addr < (I128)len) {
        return (uint64_t)(view->ranges[i].start - (I128)addr);
    }
    return len;
}

static MemTxResult as_rw(AddressSpace *as, uint64_t addr, uint8_t *buf,
                         uint64_t len, bool is_write)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        const FlatRange *fr =
            as->current_map ? flatview_lookup(as->current_map, addr) : NULL;
        MemoryRegion *mr = fr ? fr->mr : NULL;
        uint64_t addr1 =
            fr ? addr - (uint64_t)fr->start + fr->offset_in_region : addr;
        uint64_t l = len;
        bool direct =
            is_write ? direct_write(mr) && !fr->readonly : direct_read(mr);

        if (!fr) {
            /*
             * Nothing mapped: no device sees the access, so the whole gap
             * up to the next range goes at once (reads give zeros).
             */
            l = unmapped_len(as->current_map, addr, len);
            if (!is_write) {
                memset(buf, 0, l);
            }
            res |= MEMTX_DECODE_ERROR;
        } else if (direct) {
            I128 left = fr->start + fr->size - (I128)addr;

            if ((I128)l > left) {
                l = (uint64_t)left;
            }
            if (is_write) {
                memory_region_ram_write(mr, addr1, buf, l);
            } else {
                memory_region_ram_read(mr, addr1, buf, l);
            }
        } else {
            uint64_t val = 0;
            unsigned i;

            /* I/O is not clipped to the range: devices see full width. */
            l = access_size_for(mr, l, addr1);
            if (is_write) {
                for (i = 0; i < l; i++) {
                    val |= (uint64_t)buf[i] << (8 * i);
                }
                res |= mr ? memory_region_dispatch_write(mr, addr1, val,
                                                         (unsigned)l)
                          : MEMTX_DECODE_ERROR;
            } else {
                res |= mr ? memory_region_dispatch_read(mr, addr1, &val,
                                                        (unsigned)l)
                          : MEMTX_DECODE_ERROR;
                for (i = 0; i < l; i++) {
                    buf[i] = (uint8_t)(val >> (8 * i));
                }
            }
        }
        buf += l;
        addr += l;
        len -= l;
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               uint64_t len)
{
    return as_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, uint64_t len)
{
    return as_rw(as, addr, (uint8_t *)buf, len, true);
}

uint64_t address_space_read_le(AddressSpace *as, uint64_t addr, unsigned size)
{
    uint8_t buf[8] = { 0 };
    uint64_t v = 0;
    unsigned i;

    address_space_read(as, addr, buf, size);
    for (i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

void address_space_write_le(AddressSpace *as, uint64_t addr, uint64_t val,
                            unsigned size)
{
    uint8_t buf[8];
    unsigned i;

    for (i = 0; i < size; i++) {
        buf[i] = (uint8_t)(val >> (8 * i));
    }
    address_space_write(as, addr, buf, size);
}

uint64_t address_space_ld(AddressSpace *as, uint64_t addr, unsigned size)
{
    const FlatRange *fr =
        as->current_map ? flatview_lookup(as->current_map, addr) : NULL;
    MemoryRegion *mr = fr ? fr->mr : NULL;
    uint64_t addr1, val = 0;

    if (!mr) {
        return 0;
    }
    addr1 = addr - (uint64_t)fr->start + fr->offset_in_region;
    if (direct_read(mr) && fr->start + fr->size - (I128)addr >= size) {
        uint8_t b[8];
        unsigned i;

        memory_region_ram_read(mr, addr1, b, size);
        for (i = 0; i < size; i++) {
            val |= (uint64_t)b[i] << (8 * i);
        }
        return val;
    }
    memory_region_dispatch_read(mr, addr1, &val, size);
    /* The device may have answered wider than asked (impl.min). */
    return size >= 8 ? val : val & (((uint64_t)1 << (size * 8)) - 1);
}

void address_space_st(AddressSpace *as, uint64_t addr, uint64_t val,
                      unsigned size)
{
    const FlatRange *fr =
        as->current_map ? flatview_lookup(as->current_map, addr) : NULL;
    MemoryRegion *mr = fr ? fr->mr : NULL;
    uint64_t addr1;

    if (!mr) {
        return;
    }
    addr1 = addr - (uint64_t)fr->start + fr->offset_in_region;
    if (direct_write(mr) && !fr->readonly &&
        fr->start + fr->size - (I128)addr >= size) {
        uint8_t b[8];
        unsigned i;

        for (i = 0; i < size; i++) {
            b[i] = (uint8_t)(val >> (8 * i));
        }
        memory_region_ram_write(mr, addr1, b, size);
        return;
    }
    memory_region_dispatch_write(mr, addr1, val, size);
}

/* ------------------------------------------------------------------ */
/* The machine's global spaces.                                        */

static uint64_t unassigned_io_read(void *opaque, uint64_t addr, unsigned size)
{
    return UINT64_MAX;
}

static void unassigned_io_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
}

static const MemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
};

void memory_init(void)
{
    if (memory_initialised) {
        return;
    }
    memory_initialised = true;
    memory_region_init(&system_memory, NULL, "system", UINT64_MAX);
    address_space_init(&address_space_memory, &system_memory, "memory");
    memory_region_init_io(&system_io, NULL, &unassigned_io_ops, NULL, "io",
                          65536);
    address_space_init(&address_space_io, &system_io, "I/O");
}

void memory_cleanup(void)
{
    if (!memory_initialised) {
        return;
    }
    address_space_destroy(&address_space_io);
    address_space_destroy(&address_space_memory);
    memory_initialised = false;
    if (!address_spaces) {
        view_table_clear();
        flatview_unref(empty_view);
        empty_view = NULL;
        render_scratch_free();
    }
}

MemoryRegion *get_system_memory(void)
{
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    return &system_io;
}

/* ------------------------------------------------------------------ */
/* "info mtree".                                                       */

typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

static void sb_printf(StrBuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = sb->cap - sb->len;

        va_start(ap, fmt);
        n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, ap);
        va_end(ap);
        assert(n >= 0);
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        sb->cap = (sb->cap + (size_t)n + 1) * 2;
        sb->s = xrealloc(sb->s, sb->cap);
    }
}

static const char *region_type(const MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    if (memory_region_is_romd(mr)) {
        return "romd";
    }
    if (memory_region_is_rom(mr)) {
        return "rom";
    }
    if (mr->ram) {
        return "ram";
    }
    return "i/o";
}

static uint64_t mr_size_end(MemSize size)
{
    return size ? (uint64_t)(size - 1) : 0;
}

static void print_owner(StrBuf *sb, const MemoryRegion *mr)
{
    if (mr->owner) {
        sb_printf(sb, " owner:{%s}", mr->owner);
    } else {
        sb_printf(sb, " orphan");
    }
}

typedef struct AliasQueue {
    const MemoryRegion **mrs;
    unsigned nr;
} AliasQueue;

typedef struct SortItem {
    const MemoryRegion *mr;
    unsigned index;
} SortItem;

static int cmp_print_order(const void *a, const void *b)
{
    const SortItem *x = a, *y = b;

    if (x->mr->addr != y->mr->addr) {
        return x->mr->addr < y->mr->addr ? -1 : 1;
    }
    if (x->mr->priority != y->mr->priority) {
        return x->mr->priority > y->mr->priority ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

static void mtree_print_mr(StrBuf *sb, const MemoryRegion *mr, unsigned level,
                           uint64_t base, AliasQueue *aq, bool owner,
                           bool disabled)
{
    uint64_t cur_start = base + mr->addr;
    uint64_t cur_end = cur_start + mr_size_end(mr->size);
    const MemoryRegion *sub;
    SortItem *items;
    unsigned n = 0, i;

    if (cur_start < base || cur_end < cur_start) {
        sb_printf(sb, "[DETECTED OVERFLOW!] ");
    }
    if (mr->alias) {
        bool found = false;

        for (i = 0; i < aq->nr; i++) {
            if (aq->mrs[i] == mr->alias) {
                found = true;
            }
        }
        if (!found) {
            aq->mrs = xrealloc(aq->mrs, (aq->nr + 1) * sizeof(*aq->mrs));
            aq->mrs[aq->nr++] = mr->alias;
        }
    }
    if (mr->enabled || disabled) {
        for (i = 0; i < level; i++) {
            sb_printf(sb, "  ");
        }
        sb_printf(sb,
                  "%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ", cur_start,
                  cur_end, mr->priority, region_type(mr));
        if (mr->alias) {
            sb_printf(sb, "alias %s @%s %016" PRIx64 "-%016" PRIx64 "%s",
                      memory_region_name(mr), memory_region_name(mr->alias),
                      mr->alias_offset,
                      mr->alias_offset + mr_size_end(mr->size),
                      mr->enabled ? "" : " [disabled]");
        } else {
            sb_printf(sb, "%s%s", memory_region_name(mr),
                      mr->enabled ? "" : " [disabled]");
        }
        if (owner) {
            print_owner(sb, mr);
        }
        sb_printf(sb, "\n");
    }

    for (sub = mr->sub_first; sub; sub = sub->sub_next) {
        n++;
    }
    if (!n) {
        return;
    }
    items = xmalloc(n * sizeof(*items));
    for (sub = mr->sub_first, i = 0; sub; sub = sub->sub_next, i++) {
        items[i].mr = sub;
        items[i].index = i;
    }
    qsort(items, n, sizeof(*items), cmp_print_order);
    for (i = 0; i < n; i++) {
        mtree_print_mr(sb, items[i].mr, level + 1, cur_start, aq, owner,
                       disabled);
    }
    free(items);
}

static int cmp_as_name(const void *a, const void *b)
{
    const AddressSpace *x = *(AddressSpace *const *)a;
    const AddressSpace *y = *(AddressSpace *const *)b;

    return strcmp(x->name, y->name);
}

static void mtree_address_spaces(StrBuf *sb, bool owner, bool disabled)
{
    AliasQueue aq = { NULL, 0 };
    AddressSpace *as, *other, **group = NULL;
    unsigned i, n;

    /* One entry per root, in the order roots first appear. */
    for (as = address_spaces; as; as = as->next) {
        bool seen = false;

        for (other = address_spaces; other != as; other = other->next) {
            if (other->root == as->root) {
                seen = true;
                break;
            }
        }
        if (seen) {
            continue;
        }
        n = 0;
        for (other = as; other; other = other->next) {
            if (other->root == as->root) {
                group = xrealloc(group, (n + 1) * sizeof(*group));
                group[n++] = other;
            }
        }
        qsort(group, n, sizeof(*group), cmp_as_name);
        for (i = 0; i < n; i++) {
            sb_printf(sb, "address-space: %s\n", group[i]->name);
        }
        if (as->root) {
            mtree_print_mr(sb, as->root, 1, 0, &aq, owner, disabled);
        }
        sb_printf(sb, "\n");
    }
    free(group);

    for (i = 0; i < aq.nr; i++) {
        sb_printf(sb, "memory-region: %s\n", memory_region_name(aq.mrs[i]));
        mtree_print_mr(sb, aq.mrs[i], 1, 0, &aq, owner, disabled);
        sb_printf(sb, "\n");
    }
    free(aq.mrs);
}

static void mtree_flatviews(StrBuf *sb, bool owner)
{
    AddressSpace *as, *other;
    unsigned counter = 0, i;

    for (as = address_spaces; as; as = as->next) {
        FlatView *view = as->current_map;
        bool seen = false;

        for (other = address_spaces; other != as; other = other->next) {
            if (other->current_map == view) {
                seen = true;
                break;
            }
        }
        if (seen) {
            continue;
        }
        sb_printf(sb, "FlatView #%u\n", counter++);
        for (other = as; other; other = other->next) {
            if (other->current_map != view) {
                continue;
            }
            sb_printf(sb, " AS \"%s\", root: %s", other->name,
                      other->root ? memory_region_name(other->root) : "");
            if (other->root && other->root->alias) {
                sb_printf(sb, ", alias %s",
                          memory_region_name(other->root->alias));
            }
            sb_printf(sb, "\n");
        }
        sb_printf(sb, " Root memory region: %s\n",
                  view && view->root ? memory_region_name(view->root)
                                     : "(none)");
        if (!view || !view->nr) {
            sb_printf(sb, "  No rendered FlatView\n\n");
            continue;
        }
        for (i = 0; i < view->nr; i++) {
            const FlatRange *fr = &view->ranges[i];
            uint64_t start = (uint64_t)fr->start;

            sb_printf(sb, "  %016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s",
                      start, start + mr_size_end((MemSize)fr->size),
                      fr->mr->priority,
                      fr->readonly ? "rom" : region_type(fr->mr),
                      memory_region_name(fr->mr));
            if (fr->offset_in_region) {
                sb_printf(sb, " @%016" PRIx64, fr->offset_in_region);
            }
            if (owner) {
                print_owner(sb, fr->mr);
            }
            sb_printf(sb, "\n");
        }
        sb_printf(sb, "\n");
    }
}

char *memory_info_mtree_full(bool flatview, bool disabled, bool owner)
{
    StrBuf sb = { NULL, 0, 0 };

    sb_printf(&sb, "%s", "");
    if (flatview) {
        mtree_flatviews(&sb, owner);
    } else {
        mtree_address_spaces(&sb, owner, disabled);
    }
    return sb.s;
}

char *memory_info_mtree(bool flatview)
{
    return memory_info_mtree_full(flatview, false, false);
}

void address_space_flatview_foreach(AddressSpace *as, FlatRangeFunc *fn,
                                    void *opaque)
{
    const FlatView *view = as->current_map;
    unsigned i;

    for (i = 0; view && i < view->nr; i++) {
        const FlatRange *fr = &view->ranges[i];
        FlatRangeInfo info = {
            .start = (uint64_t)fr->start,
            .size = (MemSize)fr->size,
            .name = memory_region_name(fr->mr),
            .type = fr->readonly ? "rom" : region_type(fr->mr),
            .owner = memory_region_owner(fr->mr),
            .offset_in_region = fr->offset_in_region,
            .priority = fr->mr->priority,
            .readonly = fr->readonly,
        };

        fn(opaque, &info);
    }
}
