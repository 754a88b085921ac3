/*
 * QEMU 7.2's x86 CPU under TCG: the CPU models (one QOM type each, below
 * the abstract "x86_64-cpu"), their feature flags as properties, and the
 * vCPU object a board creates (feature words after TCG's filtering,
 * topology ids, the local APIC child).  The facts (models, feature bits,
 * what TCG supports) are tables generated from QEMU 7.2 itself
 * (src/x86-cpu-models.inc, src/x86-cpu-props.inc).
 */
#ifndef QMACHINED_X86_CPU_H
#define QMACHINED_X86_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cpu.h"
#include "error.h"

#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU

enum {
    X86_MODEL_STATIC = 1 << 0,
    X86_MODEL_MIGRATION_SAFE = 1 << 1,
    X86_MODEL_DEPRECATED = 1 << 2,
    X86_MODEL_NEEDS_KVM = 1 << 3, /* "host": KVM or HVF only */
    X86_MODEL_MAX = 1 << 4, /* "max" and "host" */
    X86_MODEL_CACHE_INFO = 1 << 5, /* own cache description: legacy-cache off */
    X86_MODEL_PMU = 1 << 6, /* pmu on by default */
};

/* The feature words QEMU 7.2 knows (CPUID leaves and MSRs). */
#define X86_FEATURE_WORDS_MAX 36

typedef struct X86CpuModel {
    const char *name; /* "Skylake-Client-v1" */
    const char *type_name; /* "Skylake-Client-v1-x86_64-cpu" */
    const char *alias_of; /* the versioned model, or NULL */
    const char *vendor;
    int family, model, stepping;
    const char *model_id;
    uint32_t level, xlevel, level_func7;
    unsigned flags;
    uint64_t features[X86_FEATURE_WORDS_MAX];
} X86CpuModel;

/* Every model in QEMU's registration order. */
size_t x86_cpu_model_count(void);
const X86CpuModel *x86_cpu_model_at(size_t i);
/* By model name ("qemu64", "EPYC-v2"); NULL if there is none. */
const X86CpuModel *x86_cpu_model_find(const char *name);
/* The sort key of query-cpu-definitions (QEMU's class ordering). */
int x86_cpu_model_ordering(const X86CpuModel *m);
bool x86_cpu_model_is_amd(const X86CpuModel *m);
/* The physical address width a vCPU of model m gets under TCG. */
unsigned x86_cpu_model_phys_bits(const X86CpuModel *m);

/*
 * The features of m that TCG cannot provide, in QEMU's word and bit order
 * ("kvm" alone for a model that needs KVM): fills names (up to max) and
 * returns how many there are.
 */
size_t x86_cpu_model_unavailable(const X86CpuModel *m, const char **names,
                                 size_t max);

/* Topology ids a board gives a vCPU before realize (-1: not set). */
typedef struct X86CpuTopoIds {
    int32_t socket_id, die_id, core_id, thread_id, node_id;
    uint32_t apic_id;
} X86CpuTopoIds;

/* The ids a vCPU was given (its properties; -1 / UINT32_MAX: unset). */
void x86_cpu_get_topo_ids(CPUState *cpu, X86CpuTopoIds *ids);
/* Sets them all (the machine's pre-plug fills in its slot's). */
void x86_cpu_set_topo_ids(CPUState *cpu, const X86CpuTopoIds *ids);

/*
 * The features after -cpu's model name ("+avx2,-pcid,level=13,pmu"), as
 * QEMU's x86_cpu_parse_featurestr splits them: flags to turn on and off
 * when the vCPU expands its features, and NAME=VALUE properties (a bare
 * NAME means NAME=on; '_' spelt '-') set on each vCPU as globals before
 * realize.  Parsing never fails; applying does, with QEMU's errors.
 */
typedef struct X86CpuFeatures X86CpuFeatures;
X86CpuFeatures *x86_cpu_features_parse(const char *text);
void x86_cpu_features_free(X86CpuFeatures *f);
/*
 * Makes f the -cpu features of every x86 vCPU created from now on
 * (model m's type gets the NAME=VALUE ones; all get the flags), as QEMU
 * does for vCPUs hot-plugged after start.  f must outlive them.
 */
void x86_cpu_set_machine_features(const X86CpuModel *m,
                                  const X86CpuFeatures *f);

/*
 * Creates and realizes a vCPU of model m below /machine/unattached, with
 * ids, its "memory" link pointing at memory (the system memory region's
 * object) and the -cpu features (may be NULL).  NULL with errp set on
 * failure, with nothing left behind.
 */
CPUState *x86_cpu_create(const X86CpuModel *m, const X86CpuTopoIds *ids,
                         Object *memory, const X86CpuFeatures *features,
                         Error **errp);

/*
 * query-cpu-model-expansion's vCPU: a new, unrealized object of the model
 * named model, props (a JSON object; anything else is ignored) applied,
 * its features expanded as QEMU's x86_cpu_expand_features does.  NULL
 * with QEMU's error for an unknown model or a property that fails.
 */
Object *x86_cpu_expansion_new(const char *model, json_t *props, Error **errp);
/* The properties of a static expansion: QEMU's list, then every flag. */
size_t x86_cpu_static_prop_count(void);
const char *x86_cpu_static_prop(size_t i);

void x86_cpu_register_types(void);

#endif
