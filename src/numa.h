/*
 * -numa as QEMU 7.2 reads it for a pc machine: each option is checked
 * once the -object backends exist (type and member checks first, then
 * node ids, CPU indexes and mapping, distances), and the whole
 * configuration when the board is built (missing node ids, the memory
 * total, the distance table, unmapped CPUs).  HMAT is never enabled
 * (no "hmat" machine property), so its options are all rejected.
 */
#ifndef QMACHINED_NUMA_H
#define QMACHINED_NUMA_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "error.h"
#include "machine-options.h"

#define NUMA_MAX_NODES 128
#define NUMA_DISTANCE_MIN 10

typedef struct NumaNode {
    bool present;
    uint64_t mem;
    HostMemoryBackend *memdev; /* NULL: no memdev= */
    uint8_t distance[NUMA_MAX_NODES]; /* 0: not given */
} NumaNode;

typedef struct NumaCpuSlot {
    int64_t socket, die, core, thread;
    int64_t node; /* -1: not mapped */
} NumaCpuSlot;

typedef struct NumaState {
    unsigned num_nodes;
    unsigned max_nodeid; /* highest node id + 1 */
    bool have_memdevs, have_mem, have_distance;
    bool has_die; /* dies > 1: die-id exists */
    unsigned n_cpus; /* maxcpus possible CPU slots */
    NumaCpuSlot *cpus;
    NumaNode nodes[NUMA_MAX_NODES];
} NumaState;

/*
 * Reads every -numa of opts in order (QEMU's parse_numa_opts).  Backends
 * named by memdev= must already exist.  Returns a new state, or NULL with
 * errp set ("-numa ARG: TEXT").
 */
NumaState *numa_parse(const MachineOptions *opts, Error **errp);

/*
 * The board's checks of the whole configuration (QEMU's
 * numa_complete_configuration): node ids without gaps, node memory adding
 * up to ram_size, no machine memory-backend together with node memdevs,
 * each memdev used once, a complete distance table.  Then maps the CPUs
 * no option mapped, printing QEMU's warnings about them to stderr.
 */
bool numa_complete(NumaState *ns, uint64_t ram_size, bool machine_memdev,
                   bool auto_node, Error **errp);
/*
 * auto_node: with no -numa node, the machine gets one node of its own
 * with all the RAM (QEMU's pc machines do when memory can be hot-plugged:
 * -m with slots, or maxmem above the size).
 */

/* The nodes of the machine built (numa_complete) and each one's memory
 * as -numa (or the automatic node) gave it. */
unsigned numa_node_count(void);
uint64_t numa_node_mem(unsigned node);

void numa_free(NumaState *ns);

#endif
