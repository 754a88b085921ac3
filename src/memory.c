/*
 * The memory API: region tree, transactions, FlatView rendering, listeners,
 * dispatch and the "info mtree" text.  Behaviour follows QEMU 7.2; see
 * memory.h for the rules.
 */
#include "src/memory.h"

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

struct FlatView {
    unsigned refcount;
    MemoryRegion *root;
    FlatRange *ranges;
    unsigned nr;
    unsigned nr_allocated;
};

/* Views of the current generation, keyed by their flatview root. */
typedef struct ViewEntry {
    MemoryRegion *root;
    FlatView *view;
} ViewEntry;

static unsigned transaction_depth;
static bool update_pending;
static uint64_t render_count;

static AddressSpace *address_spaces; /* creation order */
static MemoryListener **listeners; /* ascending priority */
static unsigned nr_listeners;
static ViewEntry *view_table;
static unsigned nr_view_table;
static FlatView *empty_view;

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
    mr->name = name ? xstrdup(name) : NULL;
    mr->owner = owner ? xstrdup(owner) : NULL;
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
    orig->alias_count++;
}

void memory_region_finalize(MemoryRegion *mr)
{
    if (!mr) {
        return;
    }
    assert(!mr->container);
    assert(mr->alias_count == 0);
    mr->enabled = false;
    memory_region_transaction_begin();
    while (mr->sub_first) {
        memory_region_del_subregion(mr, mr->sub_first);
    }
    memory_region_transaction_commit();
    assert(mr->refcount == 0);
    if (mr->alias) {
        mr->alias->alias_count--;
    }
    ram_pages_free(mr->pages);
    free(mr->name);
    free(mr->owner);
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
    mr->enabled = enabled;
    update_pending = true;
    memory_region_transaction_commit();
}

void memory_region_set_address(MemoryRegion *mr, uint64_t addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr) {
        return;
    }
    mr->addr = addr;
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
    mr->alias_offset = offset;
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
    mr->size = s;
    update_pending = true;
    memory_region_transaction_commit();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    memory_region_transaction_begin();
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
    mr->romd_mode = romd_mode;
    update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

/* ------------------------------------------------------------------ */
/* FlatView rendering.                                                 */

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *view = xzalloc(sizeof(*view));

    view->refcount = 1;
    view->root = root;
    memory_region_ref(root);
    return view;
}

static void flatview_ref(FlatView *view)
{
    view->refcount++;
}

static void flatview_unref(FlatView *view)
{
    unsigned i;

    if (!view || --view->refcount) {
        return;
    }
    for (i = 0; i < view->nr; i++) {
        memory_region_unref(view->ranges[i].mr);
    }
    memory_region_unref(view->root);
    free(view->ranges);
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
 * regions.
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

/* Appends [start, end) of piece p, merged into the last range if it
 * continues it. */
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
    if (view->nr == view->nr_allocated) {
        view->nr_allocated = view->nr_allocated ? 2 * view->nr_allocated : 16;
        view->ranges =
            xrealloc(view->ranges, view->nr_allocated * sizeof(*view->ranges));
    }
    view->ranges[view->nr++] = fr;
    memory_region_ref(fr.mr);
}

/* A piece's start or its end. */
typedef struct PieceEdge {
    I128 at;
    size_t piece;
    bool is_end;
} PieceEdge;

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

static void render_pieces(FlatView *view, const PieceList *pl)
{
    size_t n = pl->nr, nedges = 2 * n, nheap = 0, e = 0, i;
    PieceEdge *edge;
    size_t *heap;
    bool *open;

    if (!n) {
        return;
    }
    edge = xmalloc(nedges * sizeof(*edge));
    heap = xmalloc(n * sizeof(*heap));
    open = xzalloc(n * sizeof(*open));
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
    free(open);
    free(heap);
    free(edge);
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
    PieceList pl = { 0 };

    if (root) {
        collect_pieces(&pl, root, 0, 0, I128_2_64, false);
    }
    render_pieces(view, &pl);
    free(pl.piece);
    return view;
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
    view_table[nr_view_table].root = root;
    view_table[nr_view_table].view = view;
    nr_view_table++;
}

static void view_table_clear(void)
{
    unsigned i;

    for (i = 0; i < nr_view_table; i++) {
        flatview_unref(view_table[i].view);
    }
    free(view_table);
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

static void topology_pass(AddressSpace *as, const FlatView *old_view,
                          const FlatView *new_view, bool adding)
{
    unsigned iold = 0, inew = 0;

    while (iold < old_view->nr || inew < new_view->nr) {
        const FlatRange *frold =
            iold < old_view->nr ? &old_view->ranges[iold] : NULL;
        const FlatRange *frnew =
            inew < new_view->nr ? &new_view->ranges[inew] : NULL;

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

static void address_space_set_flatview(AddressSpace *as)
{
    FlatView *old_view = as->current_map;
    FlatView *new_view = view_for(as);

    if (old_view == new_view) {
        return;
    }
    flatview_ref(new_view);
    if (as->nr_listeners) {
        FlatView none = { .nr = 0 };
        const FlatView *old2 = old_view ? old_view : &none;

        topology_pass(as, old2, new_view, false);
        topology_pass(as, old2, new_view, true);
    }
    as->current_map = new_view;
    flatview_unref(old_view);
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

    assert(transaction_depth);
    if (--transaction_depth || !update_pending) {
        return;
    }
    render_count++;
    view_table_clear();
    view_table_init();
    for (as = address_spaces; as; as = as->next) {
        view_for(as);
    }
    call_global(false);
    for (as = address_spaces; as; as = as->next) {
        address_space_set_flatview(as);
    }
    update_pending = false;
    call_global(true);
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

static const FlatRange *flatview_lookup(const FlatView *view, uint64_t addr)
{
    unsigned i = flatview_first_ending_after(view, (I128)addr);

    if (i < view->nr && view->ranges[i].start <= (I128)addr) {
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
