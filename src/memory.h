/*
 * The memory API: a tree of memory regions (containers, RAM, ROM, I/O,
 * aliases) rendered into flat views per address space, with transactions
 * and listeners, modelled on QEMU 7.2's memory API.
 *
 * Ownership: a MemoryRegion's storage belongs to its caller (usually
 * embedded in a device struct).  memory_region_init*() sets it up,
 * memory_region_finalize() releases what init allocated (name, RAM pages).
 * A region may be finalized only when it has no container, no subregions
 * and no alias pointing at it, and outside any transaction that removed it
 * (the rendered FlatViews hold references; memory_region_finalize() asserts
 * the reference count is back to zero).
 *
 * Sizes: a size of UINT64_MAX passed to init or set_size means 2^64, as in
 * QEMU; memory_region_size() reports 2^64 as UINT64_MAX again.
 *
 * All accesses are little-endian.
 */
#ifndef QMACHINED_MEMORY_H
#define QMACHINED_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 65-bit sizes: 2^64 is representable. */
typedef unsigned __int128 MemSize;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1, /* device returned an error */
    MEMTX_DECODE_ERROR = 2, /* nothing there, or access size invalid */
} MemTxResult;

typedef struct MemoryRegionOps {
    /* addr is relative to the region; size is 1, 2, 4 or 8. */
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
    /*
     * valid: what the guest may do; an access outside these bounds is
     * rejected like an unassigned access (reads 0, writes dropped).
     * max_access_size 0 means "any size is valid".
     * impl: what read/write can handle; other sizes are split into (or
     * widened to) impl sizes.  0 means min 1 / max 4.
     */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid, impl;
} MemoryRegionOps;

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct RamPages RamPages;

struct MemoryRegion {
    /*
     * All fields are private to memory.c; use the accessors.  The ones a
     * render reads for every subregion it passes come first, so that they
     * share a cache line.
     */
    MemSize size;
    uint64_t addr; /* offset in the container */
    MemoryRegion *sub_next;
    int32_t priority;
    bool enabled;
    bool terminates; /* leaf: RAM, ROM or I/O */
    bool ram;
    bool readonly; /* ROM */
    bool rom_device;
    bool romd_mode;
    bool may_overlap;
    unsigned refcount; /* FlatView references */
    /* Subregions, highest priority first, newest first among equals. */
    MemoryRegion *sub_first;
    MemoryRegion *alias;
    const char *name; /* str_keep'd (src/util.h) */
    const char *owner;
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *container;
    uint64_t alias_offset;
    /* The aliases pointing here, newest first (partial re-renders). */
    MemoryRegion *alias_users;
    MemoryRegion *alias_user_next;
    MemoryRegion *alias_user_prev;
    MemoryRegion *sub_prev;
    RamPages *pages; /* RAM/ROM backing, allocated lazily */
    uint64_t ram_base; /* synthetic host address of byte 0 */
};

/* Creation. owner may be NULL; name and owner are copied unless static. */
void memory_region_init(MemoryRegion *mr, const char *owner, const char *name,
                        uint64_t size);
void memory_region_init_io(MemoryRegion *mr, const char *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
void memory_region_init_ram(MemoryRegion *mr, const char *owner,
                            const char *name, uint64_t size);
void memory_region_init_rom(MemoryRegion *mr, const char *owner,
                            const char *name, uint64_t size);
/* Reads from RAM while in ROMD mode (the default), writes go to ops. */
void memory_region_init_rom_device(MemoryRegion *mr, const char *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, const char *owner,
                              const char *name, MemoryRegion *orig,
                              uint64_t offset, uint64_t size);
void memory_region_finalize(MemoryRegion *mr);

/* Topology; every change is an implicit transaction. */
void memory_region_add_subregion(MemoryRegion *mr, uint64_t offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, uint64_t offset,
                                         MemoryRegion *subregion, int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, uint64_t addr);
void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);

void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* FlatView references (taken by rendered views; rarely needed outside). */
void memory_region_ref(MemoryRegion *mr);
void memory_region_unref(MemoryRegion *mr);

/* Inspection. */
const char *memory_region_name(const MemoryRegion *mr);
const char *memory_region_owner(const MemoryRegion *mr); /* may be NULL */
uint64_t memory_region_size(const MemoryRegion *mr); /* 2^64 -> MAX */
uint64_t memory_region_get_address(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);
bool memory_region_is_rom(const MemoryRegion *mr);
bool memory_region_is_romd(const MemoryRegion *mr);
bool memory_region_is_enabled(const MemoryRegion *mr);
bool memory_region_is_mapped(const MemoryRegion *mr);
MemoryRegion *memory_region_get_container(const MemoryRegion *mr);
/* Synthetic host address of a RAM region's byte 0 (memslots use it). */
uint64_t memory_region_get_ram_addr(const MemoryRegion *mr);

/*
 * Direct access to a RAM/ROM region's backing store (also for ROM, e.g.
 * loading firmware).  Out-of-range parts are ignored / read as zero.
 * Pages never written read as zero and cost no memory.
 */
void memory_region_ram_read(MemoryRegion *mr, uint64_t offset, void *buf,
                            uint64_t len);
void memory_region_ram_write(MemoryRegion *mr, uint64_t offset, const void *buf,
                             uint64_t len);
/*
 * Backs a RAM/ROM region not yet written with the first 'len' bytes of
 * the file 'fd' (mapped read-only and shared: reads come from the page
 * cache, a write copies the page).  'len' is a multiple of 4 KiB and at
 * most the region's size.  False (nothing changed) if it cannot be mapped.
 */
bool memory_region_ram_map_image(MemoryRegion *mr, int fd, uint64_t len);
/* Number of 4 KiB pages of its own a region has so far. */
uint64_t memory_region_ram_pages_allocated(const MemoryRegion *mr);

/* Access a terminating region through its ops, with QEMU's size rules. */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *pval, unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t val, unsigned size);

/* A piece of the flat view handed to listeners. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    uint64_t offset_within_region;
    uint64_t offset_within_address_space;
    MemSize size;
    bool readonly;
} MemoryRegionSection;

typedef struct MemoryListener MemoryListener;
struct MemoryListener {
    /* Any callback may be NULL. */
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_nop)(MemoryListener *listener, MemoryRegionSection *section);
    /* Lower priority runs first for begin/commit/add/nop, last for del. */
    int priority;
    const char *name;
    /* Private. */
    AddressSpace *address_space;
};

/*
 * Registering replays the current view as begin, region_add..., commit;
 * unregistering sends begin, region_del..., commit.
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

struct AddressSpace {
    /* Private. */
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    MemoryListener **listeners; /* ascending priority */
    unsigned nr_listeners;
    AddressSpace *next;
};

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);
const char *address_space_name(const AddressSpace *as);

/*
 * Byte-buffer access, split the way QEMU splits it (RAM copied directly,
 * I/O in the largest sizes the region allows).  Unassigned memory reads
 * as zero, unassigned I/O ports as 0xff bytes (the "io" root region).
 */
MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               uint64_t len);
MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, uint64_t len);
/*
 * A CPU-style 1/2/4/8-byte access: split across regions and access sizes
 * exactly as address_space_read/write do; the value is little-endian.
 * qtest's in/out/read/write and the simulated guest use these, so both
 * reach the hardware by the same path.
 */
uint64_t address_space_read_le(AddressSpace *as, uint64_t addr, unsigned size);
void address_space_write_le(AddressSpace *as, uint64_t addr, uint64_t val,
                            unsigned size);

/* Single 1/2/4/8-byte access, as QEMU's address_space_ldl/stl and friends. */
uint64_t address_space_ld(AddressSpace *as, uint64_t addr, unsigned size);
void address_space_st(AddressSpace *as, uint64_t addr, uint64_t val,
                      unsigned size);

/* Looks up the flat range covering addr (NULL if unassigned). */
bool address_space_translate(AddressSpace *as, uint64_t addr,
                             MemoryRegionSection *section);

/* One range of an address space's current FlatView (REST). */
typedef struct FlatRangeInfo {
    uint64_t start;
    MemSize size;
    const char *name; /* the region's name */
    const char *type; /* "ram", "rom", "romd" or "i/o" */
    const char *owner; /* may be NULL */
    uint64_t offset_in_region;
    int32_t priority;
    bool readonly;
} FlatRangeInfo;
typedef void FlatRangeFunc(void *opaque, const FlatRangeInfo *info);
/* Calls fn for each range of as's current FlatView, by address. */
void address_space_flatview_foreach(AddressSpace *as, FlatRangeFunc *fn,
                                    void *opaque);

/*
 * The machine's global spaces.  memory_init() creates "system" (a 2^64
 * container) in address space "memory" and "io" (a 64 KiB I/O region whose
 * reads return all-ones) in address space "I/O".  memory_cleanup() tears
 * everything down (tests).
 */
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;
void memory_init(void);
void memory_cleanup(void);
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);

/*
 * HMP "info mtree" text (malloc'd).  memory_info_mtree_full takes the HMP
 * flags: -f flatview, -d disabled, -o owner (printed as " owner:{OWNER}"
 * from the owner string, " orphan" without one).  QEMU orders address
 * spaces (grouped by root, names sorted) and FlatViews by hash; we use
 * creation order, which is stable.
 */
char *memory_info_mtree(bool flatview);
char *memory_info_mtree_full(bool flatview, bool disabled, bool owner);

/*
 * Statistics (tests, benchmarks): number of commits so far that updated
 * the FlatViews (each re-rendering, in full or only where it changed).
 */
uint64_t memory_render_count(void);

#endif
