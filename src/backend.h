/*
 * Host memory backends (QEMU's memory-backend, memory-backend-ram,
 * memory-backend-file and memory-backend-memfd): user-creatable objects
 * under /objects that own the RAM region a DIMM or a NUMA node maps.  RAM
 * is sparse (pages cost memory only once written); memory-backend-file
 * validates its mem-path as QEMU would but never creates or maps a file;
 * memory-backend-memfd creates, sizes, seals and maps a memfd as QEMU
 * does, so the host's answers (huge pages, limits) decide success, then
 * closes it again.
 */
#ifndef QMACHINED_BACKEND_H
#define QMACHINED_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "memory.h"
#include "object.h"
#include "user-creatable.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define TYPE_MEMORY_REGION "memory-region"

#define BACKEND_MAX_HOST_NODES 128

typedef enum HostMemPolicy {
    HOST_MEM_POLICY_DEFAULT,
    HOST_MEM_POLICY_PREFERRED,
    HOST_MEM_POLICY_BIND,
    HOST_MEM_POLICY_INTERLEAVE,
} HostMemPolicy;

extern const char *const backend_policy_names[]; /* NULL-terminated */

typedef struct HostMemoryBackend {
    Object parent_obj;
    uint64_t size;
    bool merge, dump, prealloc, share, reserve;
    bool use_canonical_path;
    uint32_t prealloc_threads;
    HostMemPolicy policy;
    uint64_t host_nodes[BACKEND_MAX_HOST_NODES / 64];
    bool complete; /* the region exists */
    bool mapped; /* in use by a DIMM or a NUMA node */
    MemoryRegion mr;
    Object *mr_obj; /* the "NAME[0]" child<memory-region> */
    /* memory-backend-file */
    char *mem_path;
    uint64_t align;
    bool discard_data, pmem, readonly;
    /* memory-backend-memfd */
    bool hugetlb, seal;
    uint64_t hugetlbsize;
    uint64_t page_size; /* of the memfd, found at completion */
} HostMemoryBackend;

/*
 * Class hook run by user_creatable_complete(): creates the region.
 * Set per type; the base class validates the common properties first.
 */
typedef struct HostMemoryBackendClass {
    ObjectClass parent_class;
    bool (*alloc)(HostMemoryBackend *be, Error **errp);
} HostMemoryBackendClass;

OBJECT_DECLARE_CASTS(HostMemoryBackend, HostMemoryBackendClass, MEMORY_BACKEND,
                     TYPE_MEMORY_BACKEND)

/* The backend's RAM region (NULL before completion). */
MemoryRegion *backend_get_memory(HostMemoryBackend *be);
/*
 * Required placement alignment of the region (2 MiB for RAM, the page
 * size of the file for memory-backend-file and -memfd).
 */
uint64_t backend_get_alignment(HostMemoryBackend *be);
bool backend_is_mapped(const HostMemoryBackend *be);
void backend_set_mapped(HostMemoryBackend *be, bool mapped);
/* The id (path component under /objects), or "" when not in the tree. */
const char *backend_id(const HostMemoryBackend *be);
/* The host-nodes property's value: the node numbers (new reference). */
json_t *backend_host_nodes(const HostMemoryBackend *be);

/*
 * Creates and completes a memory-backend-ram at /objects/ID (machine
 * RAM "pc.ram" without NUMA).  Returns a borrowed pointer.
 */
HostMemoryBackend *backend_create_ram(const char *id, uint64_t size,
                                      Error **errp);

void backend_register_types(void);

#endif
