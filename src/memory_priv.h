/*
 * Test-only hooks of the memory API (tests/check_memory.c): they compare
 * the partial re-renders of a commit with full renders.
 */
#ifndef QMACHINED_MEMORY_PRIV_H
#define QMACHINED_MEMORY_PRIV_H

#include <stdbool.h>

/* As in memory.h (which users include first); no include back to it. */
typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;

/* false: every commit renders every view from scratch (the reference). */
void memory_set_incremental(bool on);

/*
 * Checks that every address space shows the view a full render of its
 * flatview root gives, that address spaces with the same root share one
 * view, and that each of the n regions holds exactly the references the
 * live views and address spaces account for.  Returns NULL, or a
 * malloc'd description of the first difference.
 */
char *memory_check_views(MemoryRegion *const *mrs, unsigned n);

/* Holds as's current view (as a listener replay does) until released. */
FlatView *memory_view_hold(AddressSpace *as);
void memory_view_release(FlatView *view);

#endif
