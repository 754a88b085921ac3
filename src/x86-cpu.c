/*
 * QEMU 7.2's x86 vCPU as TCG runs it: one QOM type per CPU model below
 * the abstract "x86_64-cpu", the model's definition loaded at instance
 * init, and at realize what QEMU's x86_cpu_realizefn does before a guest
 * could run: levels resolved, XSAVE components derived from the features,
 * every feature TCG lacks moved to the filtered words, vendor-dependent
 * defaults, the address width, and the children (address-space regions,
 * the local APIC).
 *
 * The properties are registered in the order QEMU 7.2's class and
 * instance tables hold them, so that qom-list and the *-list-properties
 * commands walk them as QEMU does.
 */
#include "x86-cpu.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apic.h"
#include "backend.h"
#include "on-off-auto.h"
#include "util.h"

/* ---- The facts ---- */

enum { R_EAX, R_EBX, R_ECX, R_EDX };

typedef struct X86FeatureWordInfo {
    bool msr; /* an MSR (eax: its index), else a CPUID leaf */
    uint32_t eax;
    int32_t ecx; /* -1: the leaf has no sub-leaf */
    int reg;
} X86FeatureWordInfo;

typedef struct X86Feature {
    const char *name;
    uint8_t word;
    uint8_t bit;
    bool tcg; /* TCG can provide it */
} X86Feature;

typedef struct X86FeatureAlias {
    const char *alias;
    const char *name;
} X86FeatureAlias;

#include "x86-cpu-models.inc"

_Static_assert(X86_FEATURE_WORDS == X86_FEATURE_WORDS_MAX,
               "X86CpuModel holds every feature word");

/* Words QEMU fills only with KVM; TCG clears them without filtering. */
#define FW_KVM 11
#define FW_KVM_HINTS 12
/* XSAVE: CPUID.0DH:EAX sub-leaf 0 (XCR0's low half) and the CPUID.1 ECX word.
 */
#define FW_XCR0_LO 16
#define FW_1_EDX 0
#define FW_1_ECX 1
#define FW_8000_0001_EDX 6
/* The CPUID.1:EDX bits AMD also reports in CPUID.80000001H:EDX. */
#define AMD_EDX_ALIASES 0x0183f3ffull
#define FEAT_1_ECX_XSAVE (1ull << 26)

_Static_assert(FW_KVM < X86_FEATURE_WORDS && FW_XCR0_LO < X86_FEATURE_WORDS,
               "word indexes");

/*
 * XSAVE state components and the feature each needs (QEMU's
 * x86_ext_save_areas): x87 and SSE always, AVX, the two MPX ones, the
 * three AVX-512 ones, PKRU, the two AMX ones.
 */
static const struct {
    uint8_t bit, word, fbit;
} xsave_components[] = {
    { 0, 0, 0 }, /* x87: FPU */
    { 1, 0, 25 }, /* SSE */
    { 2, 1, 28 }, /* YMM: AVX */
    { 3, 2, 14 }, /* BNDREGS: MPX */
    { 4, 2, 14 }, /* BNDCSR: MPX */
    { 5, 2, 16 }, /* OPMASK: AVX512F */
    { 6, 2, 16 }, /* ZMM_Hi256 */
    { 7, 2, 16 }, /* Hi16_ZMM */
    { 9, 3, 3 }, /* PKRU: PKU */
    { 17, 4, 24 }, /* XTILE_CFG: AMX-TILE */
    { 18, 4, 24 }, /* XTILE_DATA */
};

static uint64_t tcg_mask[X86_FEATURE_WORDS];

static void tcg_masks_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    for (size_t i = 0; i < X86_FEATURE_COUNT; i++) {
        if (x86_features[i].tcg) {
            tcg_mask[x86_features[i].word] |= 1ull << x86_features[i].bit;
        }
    }
}

size_t x86_cpu_model_count(void)
{
    return ARRAY_SIZE(x86_cpu_models);
}

const X86CpuModel *x86_cpu_model_at(size_t i)
{
    return i < ARRAY_SIZE(x86_cpu_models) ? &x86_cpu_models[i] : NULL;
}

const X86CpuModel *x86_cpu_model_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(x86_cpu_models); i++) {
        if (!strcmp(x86_cpu_models[i].name, name)) {
            return &x86_cpu_models[i];
        }
    }
    return NULL;
}

int x86_cpu_model_ordering(const X86CpuModel *m)
{
    if (!strcmp(m->name, "max")) {
        return 9;
    }
    if (!strcmp(m->name, "host") || !strcmp(m->name, "base")) {
        return 8;
    }
    return 0;
}

bool x86_cpu_model_is_amd(const X86CpuModel *m)
{
    return !strcmp(m->vendor, "AuthenticAMD");
}

static bool has_feature(const uint64_t *words, const char *name)
{
    for (size_t i = 0; i < X86_FEATURE_COUNT; i++) {
        if (!strcmp(x86_features[i].name, name)) {
            return words[x86_features[i].word] >> x86_features[i].bit & 1;
        }
    }
    return false;
}

unsigned x86_cpu_model_phys_bits(const X86CpuModel *m)
{
    if (has_feature(m->features, "lm")) {
        return 40; /* TCG_PHYS_ADDR_BITS */
    }
    return has_feature(m->features, "pse36") ? 36 : 32;
}

/*
 * The names of the features set in words, in word and bit order: fills
 * names (up to max) and returns how many there are.
 */
static size_t feature_names(const uint64_t *words, const char **names,
                            size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < X86_FEATURE_COUNT; i++) {
        const X86Feature *f = &x86_features[i];

        if (words[f->word] >> f->bit & 1) {
            if (n < max) {
                names[n] = f->name;
            }
            n++;
        }
    }
    return n;
}

/* What TCG takes away from features (not the KVM words, not XCR0). */
static void tcg_filter(const uint64_t *features, uint64_t *filtered)
{
    tcg_masks_init();
    for (int w = 0; w < X86_FEATURE_WORDS; w++) {
        filtered[w] = w == FW_KVM || w == FW_KVM_HINTS || w == FW_XCR0_LO ||
                              w == FW_XCR0_LO + 1
                          ? 0
                          : features[w] & ~tcg_mask[w];
    }
}

size_t x86_cpu_model_unavailable(const X86CpuModel *m, const char **names,
                                 size_t max)
{
    uint64_t filtered[X86_FEATURE_WORDS];

    if (m->flags & X86_MODEL_NEEDS_KVM) {
        if (max) {
            names[0] = "kvm";
        }
        return 1;
    }
    tcg_filter(m->features, filtered);
    return feature_names(filtered, names, max);
}

/* ---- The vCPU object ---- */

/*
 * x86-cpu-props.inc lists the class properties once, as
 * X(KIND, name, field, default, description); the macros below expand it
 * into the X86CPUConfig fields, the static property table, the
 * per-instance values of the _ND ones and the registration order.
 */
#define X86_FIELD_BOOL bool
#define X86_FIELD_BOOL_ND bool
#define X86_FIELD_U8 uint8_t
#define X86_FIELD_U16 uint16_t
#define X86_FIELD_U32 uint32_t
#define X86_FIELD_I32 int32_t
#define X86_FIELD_U64 uint64_t
#define X86_FIELD_U64_ND uint64_t
#define X86_FIELD_STR_ND char *
#define X86_FIELD_ONOFFAUTO int32_t

#define X86_FIELD_FEATURE int
#define X86_FIELD_SPECIAL int
#define X86_DECLARE_FEATURE(t, f)
#define X86_DECLARE_SPECIAL(t, f)
#define X86_DECLARE_BOOL(t, f) t f;
#define X86_DECLARE_BOOL_ND(t, f) t f;
#define X86_DECLARE_U8(t, f) t f;
#define X86_DECLARE_U16(t, f) t f;
#define X86_DECLARE_U32(t, f) t f;
#define X86_DECLARE_I32(t, f) t f;
#define X86_DECLARE_U64(t, f) t f;
#define X86_DECLARE_U64_ND(t, f) t f;
#define X86_DECLARE_STR_ND(t, f) t f;
#define X86_DECLARE_ONOFFAUTO(t, f) t f;
#define X86_DECLARE_FIELD(kind, name, field, def, desc) \
    X86_DECLARE_##kind(X86_FIELD_##kind, field)

enum {
    X86_PROP_FAMILY,
    X86_PROP_MODEL,
    X86_PROP_STEPPING,
    X86_PROP_VENDOR,
    X86_PROP_MODEL_ID,
    X86_PROP_TSC_FREQ,
    X86_PROP_UNAVAILABLE,
    X86_PROP_CRASH_INFO,
};

#include "x86-cpu-props.inc"

/* The static properties' fields (QEMU's X86CPU members behind them). */
typedef struct X86CPUConfig {
    X86_CPU_CLASS_PROPS(X86_DECLARE_FIELD)
} X86CPUConfig;

typedef struct X86CPU {
    CPUState parent_obj;
    X86CPUConfig cfg;
    uint64_t features[X86_FEATURE_WORDS];
    uint64_t filtered[X86_FEATURE_WORDS];
    char *vendor;
    char *model_id;
    int64_t family, model, stepping;
    int64_t tsc_khz;
    bool migratable; /* max and host only */
    bool host_cache_info;
    APICState *lapic;
    const X86CpuFeatures *user; /* -cpu's +/- flags, applied at realize */
} X86CPU;

typedef struct X86CPUClass {
    DeviceClass parent_class;
    const X86CpuModel *model; /* NULL: the abstract base */
} X86CPUClass;

OBJECT_DECLARE_CASTS(X86CPU, X86CPUClass, X86_CPU, TYPE_X86_CPU)

/* ---- Static properties, in QEMU's table order ---- */

#define X86_QDEV_FEATURE(name, field, def, desc)
#define X86_QDEV_SPECIAL(name, field, def, desc)
#define X86_QDEV_BOOL(n, f, d, desc)                                         \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_bool, bool, .set_default = true, \
                .defval.u = (d), .description = (desc)),
#define X86_QDEV_BOOL_ND(n, f, d, desc) \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_bool, bool, .description = (desc)),
#define X86_QDEV_U8(n, f, d, desc)                          \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_uint8, uint8_t, \
                .set_default = true, .defval.u = (d), .description = (desc)),
#define X86_QDEV_U16(n, f, d, desc)                           \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_uint16, uint16_t, \
                .set_default = true, .defval.u = (d), .description = (desc)),
#define X86_QDEV_U32(n, f, d, desc)                           \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_uint32, uint32_t, \
                .set_default = true, .defval.u = (d), .description = (desc)),
#define X86_QDEV_I32(n, f, d, desc)                         \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_int32, int32_t, \
                .set_default = true, .defval.i = (d), .description = (desc)),
#define X86_QDEV_U64(n, f, d, desc)                           \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_uint64, uint64_t, \
                .set_default = true, .defval.u = (d), .description = (desc)),
#define X86_QDEV_U64_ND(n, f, d, desc)                        \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_uint64, uint64_t, \
                .description = (desc)),
#define X86_QDEV_STR_ND(n, f, d, desc)                      \
    DEFINE_PROP(n, X86CPU, cfg.f, qdev_prop_string, char *, \
                .description = (desc)),
#define X86_QDEV_ONOFFAUTO(n, f, d, desc)                    \
    DEFINE_PROP(n, X86CPU, cfg.f, on_off_auto_prop, int32_t, \
                .set_default = true, .defval.i = (d), .description = (desc)),
#define X86_QDEV(kind, name, field, def, desc) \
    X86_QDEV_##kind(name, field, def, desc)

static const Property x86_cpu_qdev_props[] = {
    X86_CPU_CLASS_PROPS(X86_QDEV) DEFINE_PROP_END_OF_LIST(),
};

/* Values of the properties QEMU shows no default for, set per instance. */
#define X86_INIT_FEATURE(name, field, def)
#define X86_INIT_SPECIAL(name, field, def)
#define X86_INIT_BOOL(name, field, def)
#define X86_INIT_U8(name, field, def)
#define X86_INIT_U16(name, field, def)
#define X86_INIT_U32(name, field, def)
#define X86_INIT_I32(name, field, def)
#define X86_INIT_U64(name, field, def)
#define X86_INIT_ONOFFAUTO(name, field, def)
#define X86_INIT_BOOL_ND(name, field, def) cpu->cfg.field = (def);
#define X86_INIT_U64_ND(name, field, def) cpu->cfg.field = (def);
#define X86_INIT_STR_ND(name, field, def) cpu->cfg.field = NULL;
#define X86_INIT(kind, name, field, def, desc) X86_INIT_##kind(name, field, def)

/* The class table's entries in order, and their kinds. */
enum { ENTRY_FEATURE, ENTRY_SPECIAL, ENTRY_STATIC };
#define X86_ENTRY_KIND_FEATURE ENTRY_FEATURE
#define X86_ENTRY_KIND_SPECIAL ENTRY_SPECIAL
#define X86_ENTRY_KIND_BOOL ENTRY_STATIC
#define X86_ENTRY_KIND_BOOL_ND ENTRY_STATIC
#define X86_ENTRY_KIND_U8 ENTRY_STATIC
#define X86_ENTRY_KIND_U16 ENTRY_STATIC
#define X86_ENTRY_KIND_U32 ENTRY_STATIC
#define X86_ENTRY_KIND_I32 ENTRY_STATIC
#define X86_ENTRY_KIND_U64 ENTRY_STATIC
#define X86_ENTRY_KIND_U64_ND ENTRY_STATIC
#define X86_ENTRY_KIND_STR_ND ENTRY_STATIC
#define X86_ENTRY_KIND_ONOFFAUTO ENTRY_STATIC
#define X86_ENTRY(kind, name, field, def, desc) { X86_ENTRY_KIND_##kind, name },

static const struct {
    int kind;
    const char *name;
} x86_class_entries[] = { X86_CPU_CLASS_PROPS(X86_ENTRY) };

/* ---- Feature and special property accessors ---- */

static json_t *feature_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    const X86Feature *f = prop->opaque;

    (void)errp;
    return json_boolean(X86_CPU(obj)->features[f->word] >> f->bit & 1);
}

static bool feature_set(Object *obj, ObjectProperty *prop, json_t *value,
                        Error **errp)
{
    const X86Feature *f = prop->opaque;
    X86CPU *cpu = X86_CPU(obj);

    if (!qdev_prop_allow_set(obj, prop->name, errp)) {
        return false;
    }
    if (!json_is_boolean(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
                   prop->name);
        return false;
    }
    if (json_is_true(value)) {
        cpu->features[f->word] |= 1ull << f->bit;
    } else {
        cpu->features[f->word] &= ~(1ull << f->bit);
    }
    return true;
}

/* The limits QEMU's setters enforce on family, model and stepping. */
static const struct {
    const char *name;
    int64_t max;
} special_int_limits[] = {
    [X86_PROP_FAMILY] = { "family", 0xff + 0xf },
    [X86_PROP_MODEL] = { "model", 0xff },
    [X86_PROP_STEPPING] = { "stepping", 0xf },
};

static int64_t *special_int(X86CPU *cpu, int which)
{
    switch (which) {
    case X86_PROP_FAMILY:
        return &cpu->family;
    case X86_PROP_MODEL:
        return &cpu->model;
    case X86_PROP_STEPPING:
        return &cpu->stepping;
    default:
        return NULL;
    }
}

static json_t *unavailable_list(const uint64_t *filtered)
{
    const char *names[X86_FEATURE_COUNT];
    size_t n = feature_names(filtered, names, X86_FEATURE_COUNT);
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(names[i]));
    }
    return list;
}

static json_t *special_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    X86CPU *cpu = X86_CPU(obj);
    int which = (int)(intptr_t)prop->opaque;

    switch (which) {
    case X86_PROP_FAMILY:
    case X86_PROP_MODEL:
    case X86_PROP_STEPPING:
        return json_integer(*special_int(cpu, which));
    case X86_PROP_VENDOR:
        return json_text(cpu->vendor);
    case X86_PROP_MODEL_ID:
        return json_text(cpu->model_id);
    case X86_PROP_TSC_FREQ:
        return json_integer(cpu->tsc_khz * 1000);
    case X86_PROP_UNAVAILABLE:
        return unavailable_list(cpu->filtered);
    default:
        error_setg(errp, "No crash occurred");
        return NULL;
    }
}

static bool set_string_prop(Object *obj, ObjectProperty *prop, json_t *value,
                            char **field, Error **errp)
{
    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (field == &X86_CPU(obj)->vendor &&
        (json_string_length(value) != 12 ||
         strlen(json_string_value(value)) != 12)) {
        /* QEMU leaves the type name out here too. */
        error_setg(errp, "Property '.%s' doesn't take value '%s'", prop->name,
                   json_string_value(value));
        return false;
    }
    free(*field);
    /* CPUID holds 48 bytes of model-id (vendor is exactly 12). */
    *field = xstrndup(json_string_value(value), 48);
    return true;
}

static bool special_set(Object *obj, ObjectProperty *prop, json_t *value,
                        Error **errp)
{
    X86CPU *cpu = X86_CPU(obj);
    int which = (int)(intptr_t)prop->opaque;
    json_int_t v;

    switch (which) {
    case X86_PROP_FAMILY:
    case X86_PROP_MODEL:
    case X86_PROP_STEPPING:
        if (!json_is_integer(value)) {
            error_setg(errp,
                       "Invalid parameter type for '%s', expected: "
                       "integer",
                       prop->name);
            return false;
        }
        v = json_integer_value(value);
        if (v < 0 || v > special_int_limits[which].max) {
            /* QEMU leaves the type name out of this one. */
            error_setg(errp,
                       "Property .%s doesn't take value %lld "
                       "(minimum: 0, maximum: %lld)",
                       prop->name, (long long)v,
                       (long long)special_int_limits[which].max);
            return false;
        }
        *special_int(cpu, which) = v;
        return true;
    case X86_PROP_VENDOR:
        return set_string_prop(obj, prop, value, &cpu->vendor, errp);
    case X86_PROP_MODEL_ID:
        return set_string_prop(obj, prop, value, &cpu->model_id, errp);
    case X86_PROP_TSC_FREQ:
        if (!json_is_integer(value)) {
            error_setg(errp,
                       "Invalid parameter type for '%s', expected: "
                       "integer",
                       prop->name);
            return false;
        }
        v = json_integer_value(value);
        if (v < 0) {
            error_setg(errp,
                       "Property .%s doesn't take value %lld "
                       "(minimum: 0, maximum: %lld)",
                       prop->name, (long long)v, (long long)INT64_MAX);
            return false;
        }
        cpu->tsc_khz = v / 1000;
        return true;
    default:
        return false;
    }
}

/* feature-words / filtered-features: the CPUID words, last word first. */
static json_t *words_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    X86CPU *cpu = X86_CPU(obj);
    const uint64_t *words =
        !strcmp(prop->name, "feature-words") ? cpu->features : cpu->filtered;
    static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };
    json_t *list = json_array();

    (void)errp;
    for (int w = X86_FEATURE_WORDS - 1; w >= 0; w--) {
        const X86FeatureWordInfo *wi = &x86_feature_words[w];
        json_t *e;

        if (wi->msr) {
            continue;
        }
        e = json_object();
        json_object_set_new(e, "cpuid-input-eax", json_integer(wi->eax));
        if (wi->ecx >= 0) {
            json_object_set_new(e, "cpuid-input-ecx", json_integer(wi->ecx));
        }
        json_object_set_new(e, "cpuid-register", json_string(regs[wi->reg]));
        json_object_set_new(e, "features",
                            json_integer((json_int_t)(uint32_t)words[w]));
        json_array_append_new(list, e);
    }
    return list;
}

/* An alias reads and writes the property it stands for. */
static json_t *alias_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return object_property_get(obj, prop->opaque, errp);
}

static bool alias_set(Object *obj, ObjectProperty *prop, json_t *value,
                      Error **errp)
{
    return object_property_set(obj, prop->opaque, value, errp);
}

static void add_alias(Object *obj, const char *alias, const char *target)
{
    ObjectProperty *t = object_property_find(obj, target);
    ObjectProperty *p;

    assert(t);
    p = object_property_add(obj, alias, t->type, alias_get, alias_set, NULL,
                            (void *)target);
    if (t->defval) {
        p->defval = json_incref(t->defval);
    }
    if (t->description) {
        object_property_set_description(obj, alias, t->description);
    }
}

/* ---- Types ---- */

static void x86_cpu_load_model(X86CPU *cpu, const X86CpuModel *m)
{
    memcpy(cpu->features, m->features, sizeof(cpu->features));
    free(cpu->vendor);
    cpu->vendor = xstrdup(m->vendor);
    free(cpu->model_id);
    cpu->model_id = xstrdup(m->model_id);
    cpu->family = m->family;
    cpu->model = m->model;
    cpu->stepping = m->stepping;
    cpu->cfg.min_level = m->level;
    cpu->cfg.min_xlevel = m->xlevel;
    cpu->cfg.pmu = (m->flags & X86_MODEL_PMU) != 0;
    cpu->cfg.legacy_cache = !(m->flags & X86_MODEL_CACHE_INFO);
}

static void x86_cpu_instance_init(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);
    const X86CpuModel *m = X86_CPU_GET_CLASS(obj)->model;

    X86_CPU_CLASS_PROPS(X86_INIT)
    object_property_add(obj, "feature-words", "X86CPUFeatureWordInfo",
                        words_get, NULL, NULL, NULL);
    object_property_add(obj, "filtered-features", "X86CPUFeatureWordInfo",
                        words_get, NULL, NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(x86_feature_aliases); i++) {
        add_alias(obj, x86_feature_aliases[i].alias,
                  x86_feature_aliases[i].name);
    }
    add_alias(obj, "hv-apicv", "hv-avic");
    add_alias(obj, "lbr_fmt", "lbr-fmt");
    cpu->vendor = xstrdup("");
    cpu->model_id = xstrdup("");
    if (m) {
        x86_cpu_load_model(cpu, m);
    }
}

/*
 * The machine's -cpu features: QEMU makes the NAME=VALUE ones globals of
 * the -cpu model's type, applied to every new object of that type (or a
 * type below it) as it is created, and applies the +flags and -flags to
 * every x86 vCPU as it is realized, so a vCPU hot-plugged later gets them
 * as the ones at start did.
 */
static const X86CpuFeatures *machine_features;
static const char *machine_cpu_type;
/* x86_cpu_create is making a vCPU: it applies the globals itself. */
static bool creating_with_globals;

static bool apply_globals(Object *obj, const X86CpuFeatures *f, Error **errp);

void x86_cpu_set_machine_features(const X86CpuModel *m, const X86CpuFeatures *f)
{
    machine_features = f;
    machine_cpu_type = m ? m->type_name : NULL;
}

static void x86_cpu_post_init(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);
    Error *err = NULL;

    if (!machine_features) {
        return;
    }
    cpu->user = machine_features;
    /*
     * A global that cannot be applied stopped QEMU at start for the vCPUs
     * created then (x86_cpu_create reports it); later ones ignore it.
     */
    if (!creating_with_globals && object_dynamic_cast(obj, machine_cpu_type) &&
        !apply_globals(obj, machine_features, &err)) {
        error_free(err);
    }
}

static void x86_cpu_instance_finalize(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);

    free(cpu->vendor);
    free(cpu->model_id);
}

/*
 * XSAVE components follow the features they save (none without XSAVE),
 * as the model asks for them: TCG filters the features, not XCR0.
 */
static void x86_cpu_enable_xsave_components(X86CPU *cpu)
{
    uint64_t mask = 0;

    if (cpu->features[FW_1_ECX] & FEAT_1_ECX_XSAVE) {
        for (size_t i = 0; i < ARRAY_SIZE(xsave_components); i++) {
            if (cpu->features[xsave_components[i].word] >>
                    xsave_components[i].fbit &
                1) {
                mask |= 1ull << xsave_components[i].bit;
            }
        }
    }
    cpu->features[FW_XCR0_LO] = (uint32_t)mask;
    cpu->features[FW_XCR0_LO + 1] = mask >> 32;
}

static bool apply_flags(Object *obj, const X86CpuFeatures *f, Error **errp);

/*
 * QEMU's x86_cpu_expand_features as far as it shows: the levels the user
 * left unset follow the model, XCR0 follows the features.
 */
static void x86_cpu_expand(X86CPU *cpu)
{
    X86CPUConfig *c = &cpu->cfg;

    if (c->level == UINT32_MAX) {
        c->level = c->min_level;
    }
    if (c->xlevel == UINT32_MAX) {
        c->xlevel = c->min_xlevel;
    }
    if (c->xlevel2 == UINT32_MAX) {
        c->xlevel2 = c->min_xlevel2;
    }
    if (c->level_func7 == UINT32_MAX) {
        const X86CpuModel *m = X86_CPU_GET_CLASS(cpu)->model;

        c->level_func7 = m ? m->level_func7 : 0;
    }
    x86_cpu_enable_xsave_components(cpu);
}

/* "CPUID.07H:EBX" or "MSR(10AH)": how QEMU names a feature word. */
static void word_label(int w, char *buf, size_t size)
{
    static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };
    const X86FeatureWordInfo *wi = &x86_feature_words[w];

    if (wi->msr) {
        snprintf(buf, size, "MSR(%02XH)", (unsigned)wi->eax);
    } else {
        snprintf(buf, size, "CPUID.%02XH:%s", (unsigned)wi->eax, regs[wi->reg]);
    }
}

/*
 * QEMU's warning for each filtered bit, in word and bit order (a bit
 * without a feature name, such as an XSAVE component, has no ".name").
 */
static void warn_filtered(const uint64_t *filtered)
{
    char label[32];

    for (int w = 0; w < X86_FEATURE_WORDS; w++) {
        for (int bit = 0; bit < 64; bit++) {
            const char *name = NULL;

            if (!(filtered[w] >> bit & 1)) {
                continue;
            }
            for (size_t i = 0; i < X86_FEATURE_COUNT; i++) {
                if (x86_features[i].word == w && x86_features[i].bit == bit) {
                    name = x86_features[i].name;
                    break;
                }
            }
            word_label(w, label, sizeof(label));
            fprintf(stderr,
                    "qmachined: warning: TCG doesn't support requested "
                    "feature: %s%s%s [bit %d]\n",
                    label, name ? "." : "", name ? name : "", bit);
        }
    }
}

/* The regions a TCG vCPU owns: its address space's root, the alias of
 * system memory in it, the SMRAM alias. */
static const char *const cpu_regions[] = { "memory[0]", "memory[1]",
                                           "smram[0]" };

static bool x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPU *cpu = X86_CPU(dev);
    X86CPUConfig *c = &cpu->cfg;

    if (c->apic_id == UINT32_MAX) {
        error_setg(errp, "apic-id property was not initialized properly");
        return false;
    }
    if (!apply_flags(OBJECT(cpu), cpu->user, errp)) {
        return false;
    }
    x86_cpu_expand(cpu);
    /* TCG: the KVM words go, what TCG lacks is filtered. */
    tcg_filter(cpu->features, cpu->filtered);
    if (c->check || c->enforce) {
        warn_filtered(cpu->filtered);
    }
    for (int w = 0; w < X86_FEATURE_WORDS; w++) {
        cpu->features[w] &= ~cpu->filtered[w];
    }
    cpu->features[FW_KVM] = cpu->features[FW_KVM_HINTS] = 0;
    if (!strcmp(cpu->vendor, "AuthenticAMD")) {
        /* AMD repeats CPUID.1:EDX's common bits in CPUID.80000001H:EDX. */
        cpu->features[FW_8000_0001_EDX] =
            (cpu->features[FW_8000_0001_EDX] & ~AMD_EDX_ALIASES) |
            (cpu->features[FW_1_EDX] & AMD_EDX_ALIASES);
    }
    if (!c->ucode_rev) {
        c->ucode_rev =
            !strcmp(cpu->vendor, "AuthenticAMD") ? 0x01000065 : 1ull << 32;
    }
    if (!c->hv_vendor_id) {
        c->hv_vendor_id = xstrdup("Microsoft Hv");
    }
    if (!c->phys_bits) {
        c->phys_bits = has_feature(cpu->features, "lm")      ? 40
                       : has_feature(cpu->features, "pse36") ? 36
                                                             : 32;
    }

    /* What TCG's realize creates: the address space's regions. */
    for (size_t i = 0; i < ARRAY_SIZE(cpu_regions); i++) {
        Object *mr = object_new(TYPE_MEMORY_REGION);

        object_property_add_child(OBJECT(cpu), cpu_regions[i], mr);
        object_unref(mr);
    }
    cpu->lapic = apic_create_child(OBJECT(cpu), c->apic_id, errp);
    if (!cpu->lapic) {
        for (size_t i = 0; i < ARRAY_SIZE(cpu_regions); i++) {
            object_property_del(OBJECT(cpu), cpu_regions[i]);
        }
        return false;
    }
    cpu_list_add(CPU(cpu));
    return true;
}

static void x86_cpu_unrealize(DeviceState *dev)
{
    X86CPU *cpu = X86_CPU(dev);

    cpu_list_remove(CPU(dev));
    /* As QEMU's x86_cpu_unrealizefn: the local APIC goes with it. */
    if (cpu->lapic) {
        object_unparent(OBJECT(cpu->lapic));
        cpu->lapic = NULL;
    }
}

/*
 * The feature flags and the special properties, defined at compile time
 * (object_class_property_add_static): in the order of the class table's
 * FEATURE and SPECIAL entries, shared by every process and machine.
 */
static const ObjectPropertyAccess feature_access = {
    .get = feature_get,
    .set = feature_set,
};
static const ObjectPropertyAccess special_access = {
    .get = special_get,
    .set = special_set,
};
static const ObjectPropertyAccess special_ro_access = { .get = special_get };

#define X86_SPECIAL_TYPE_X86_PROP_FAMILY "int"
#define X86_SPECIAL_TYPE_X86_PROP_MODEL "int"
#define X86_SPECIAL_TYPE_X86_PROP_STEPPING "int"
#define X86_SPECIAL_TYPE_X86_PROP_VENDOR "string"
#define X86_SPECIAL_TYPE_X86_PROP_MODEL_ID "string"
#define X86_SPECIAL_TYPE_X86_PROP_TSC_FREQ "int"
#define X86_SPECIAL_TYPE_X86_PROP_UNAVAILABLE "strList"
#define X86_SPECIAL_TYPE_X86_PROP_CRASH_INFO "GuestPanicInformation"
#define X86_SPECIAL_ACCESS_X86_PROP_FAMILY special_access
#define X86_SPECIAL_ACCESS_X86_PROP_MODEL special_access
#define X86_SPECIAL_ACCESS_X86_PROP_STEPPING special_access
#define X86_SPECIAL_ACCESS_X86_PROP_VENDOR special_access
#define X86_SPECIAL_ACCESS_X86_PROP_MODEL_ID special_access
#define X86_SPECIAL_ACCESS_X86_PROP_TSC_FREQ special_access
#define X86_SPECIAL_ACCESS_X86_PROP_UNAVAILABLE special_ro_access
#define X86_SPECIAL_ACCESS_X86_PROP_CRASH_INFO special_ro_access
#define X86_STATIC_FEATURE(n, f) \
    { .name = n,                 \
      .type = "bool",            \
      .access = &feature_access, \
      .opaque = (void *)&x86_features[f] },
#define X86_STATIC_SPECIAL(n, f)         \
    { .name = n,                         \
      .type = X86_SPECIAL_TYPE_##f,      \
      .access = &X86_SPECIAL_ACCESS_##f, \
      .opaque = (void *)(intptr_t)f },
#define X86_STATIC_BOOL(n, f)
#define X86_STATIC_BOOL_ND(n, f)
#define X86_STATIC_U8(n, f)
#define X86_STATIC_U16(n, f)
#define X86_STATIC_U32(n, f)
#define X86_STATIC_I32(n, f)
#define X86_STATIC_U64(n, f)
#define X86_STATIC_U64_ND(n, f)
#define X86_STATIC_STR_ND(n, f)
#define X86_STATIC_ONOFFAUTO(n, f)
#define X86_STATIC(kind, name, field, def, desc) X86_STATIC_##kind(name, field)

static const ObjectProperty x86_static_props[] = { X86_CPU_CLASS_PROPS(
    X86_STATIC) };

static void x86_cpu_common_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    size_t next_static = 0;

    (void)data;
    dc->realize = x86_cpu_realize;
    dc->unrealize = x86_cpu_unrealize;
    for (size_t i = 0; i < ARRAY_SIZE(x86_class_entries); i++) {
        const char *name = x86_class_entries[i].name;

        switch (x86_class_entries[i].kind) {
        case ENTRY_FEATURE:
        case ENTRY_SPECIAL:
            assert(next_static < ARRAY_SIZE(x86_static_props) &&
                   !strcmp(x86_static_props[next_static].name, name));
            object_class_property_add_static(klass,
                                             &x86_static_props[next_static++]);
            break;
        default:
            for (const Property *p = x86_cpu_qdev_props; p->name; p++) {
                if (!strcmp(p->name, name)) {
                    device_class_add_prop(dc, p);
                    break;
                }
            }
            break;
        }
    }
}

static void x86_cpu_model_class_init(ObjectClass *klass, void *data)
{
    ((X86CPUClass *)klass)->model = data;
}

static const Property max_cpu_props[] = {
    DEFINE_PROP_BOOL("migratable", X86CPU, migratable, true),
    DEFINE_PROP_BOOL("host-cache-info", X86CPU, host_cache_info, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void x86_cpu_max_class_init(ObjectClass *klass, void *data)
{
    x86_cpu_model_class_init(klass, data);
    device_class_set_props(DEVICE_CLASS(klass), max_cpu_props);
}

static const TypeInfo x86_cpu_type_info = {
    .name = TYPE_X86_CPU,
    .parent = TYPE_CPU,
    .abstract = true,
    .instance_size = sizeof(X86CPU),
    .instance_init = x86_cpu_instance_init,
    .instance_post_init = x86_cpu_post_init,
    .instance_finalize = x86_cpu_instance_finalize,
    .class_size = sizeof(X86CPUClass),
    .class_init = x86_cpu_common_class_init,
};

/* The models' types: one template for each kind, the model as class data. */
static const TypeInfo x86_cpu_model_info = {
    .parent = TYPE_X86_CPU,
    .class_init = x86_cpu_model_class_init,
};
static const TypeInfo x86_cpu_max_info = {
    .parent = TYPE_X86_CPU,
    .class_init = x86_cpu_max_class_init,
};
static const TypeInfo x86_cpu_host_info = {
    .parent = "max" X86_CPU_TYPE_SUFFIX,
    .class_init = x86_cpu_model_class_init,
};

static const TypeInfo *x86_cpu_model_member(size_t i, const char **name,
                                            void **class_data)
{
    const X86CpuModel *m = &x86_cpu_models[i];

    *name = m->type_name;
    *class_data = (void *)m;
    return !strcmp(m->name, "max")    ? &x86_cpu_max_info
           : !strcmp(m->name, "host") ? &x86_cpu_host_info
                                      : &x86_cpu_model_info;
}

static const TypeFamily x86_cpu_model_types = {
    .count = ARRAY_SIZE(x86_cpu_models),
    .member = x86_cpu_model_member,
};

void x86_cpu_register_types(void)
{
    type_register_static(&x86_cpu_type_info);
    type_register_family(&x86_cpu_model_types);
}

/* ---- Model expansion ---- */

Object *x86_cpu_expansion_new(const char *model, json_t *props, Error **errp)
{
    const X86CpuModel *m = x86_cpu_model_find(model);
    Object *obj;
    const char *key;
    json_t *value;

    if (!m) {
        error_setg(errp, "CPU model '%s' not found", model);
        return NULL;
    }
    obj = object_new(m->type_name);
    /* props other than an object are ignored, as QEMU ignores them. */
    if (json_is_object(props)) {
        json_object_foreach (props, key, value) {
            if (!object_property_set(obj, key, value, errp)) {
                object_unref(obj);
                return NULL;
            }
        }
    }
    /* -cpu's flags, as a vCPU realized now would get them (QEMU). */
    if (!apply_flags(obj, X86_CPU(obj)->user, errp)) {
        object_unref(obj);
        return NULL;
    }
    x86_cpu_expand(X86_CPU(obj));
    return obj;
}

/* The properties a static expansion shows besides the feature flags. */
static const char *const static_props[] = {
    "min-level", "min-xlevel", "family", "model",
    "stepping",  "model-id",   "vendor", "lmce",
};

size_t x86_cpu_static_prop_count(void)
{
    return ARRAY_SIZE(static_props) + X86_FEATURE_COUNT;
}

const char *x86_cpu_static_prop(size_t i)
{
    if (i < ARRAY_SIZE(static_props)) {
        return static_props[i];
    }
    i -= ARRAY_SIZE(static_props);
    return i < X86_FEATURE_COUNT ? x86_features[i].name : NULL;
}

/* ---- -cpu's feature string ---- */

struct X86CpuFeatures {
    char **plus, **minus; /* NULL-terminated */
    size_t n_plus, n_minus;
    char **names, **values; /* the globals */
    size_t n_globals;
};

static void str_append(char ***list, size_t *n, char *s)
{
    *list = xrealloc(*list, (*n + 2) * sizeof(**list));
    (*list)[(*n)++] = s;
    (*list)[*n] = NULL;
}

X86CpuFeatures *x86_cpu_features_parse(const char *text)
{
    X86CpuFeatures *f = xzalloc(sizeof(*f));
    const char *p = text ? text : "";

    while (*p) {
        size_t len = strcspn(p, ",");
        char *item = xstrndup(p, len);

        p += len;
        if (*p == ',') {
            p++;
        }
        if (!*item) {
            free(item); /* empty items are skipped (strtok) */
        } else if (item[0] == '+') {
            str_append(&f->plus, &f->n_plus, xstrdup(item + 1));
            free(item);
        } else if (item[0] == '-') {
            str_append(&f->minus, &f->n_minus, xstrdup(item + 1));
            free(item);
        } else {
            char *eq = strchr(item, '=');
            char *value = xstrdup(eq ? eq + 1 : "on");

            if (eq) {
                *eq = '\0';
            }
            for (char *c = item; *c; c++) {
                if (*c == '_') {
                    *c = '-';
                }
            }
            str_append(&f->names, &f->n_globals, item);
            f->values = xrealloc(f->values, f->n_globals * sizeof(char *));
            f->values[f->n_globals - 1] = value;
        }
    }
    return f;
}

void x86_cpu_features_free(X86CpuFeatures *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->n_plus; i++) {
        free(f->plus[i]);
    }
    for (size_t i = 0; i < f->n_minus; i++) {
        free(f->minus[i]);
    }
    for (size_t i = 0; i < f->n_globals; i++) {
        free(f->names[i]);
        free(f->values[i]);
    }
    free(f->plus);
    free(f->minus);
    free(f->names);
    free(f->values);
    free(f);
}

/*
 * A number as QEMU's string input visitor reads one for an integer
 * property (base 0, an optional sign, nothing after it); it reports any
 * other text as not an int64 / uint64.
 */
static bool global_number_ok(const char *name, const char *type,
                             const char *text, Error **errp)
{
    bool is_uint = !strncmp(type, "uint", 4);
    char *end;

    if (strncmp(type, "int", 3) != 0 && !is_uint) {
        return true;
    }
    errno = 0;
    if (is_uint) {
        (void)strtoull(text, &end, 0);
    } else {
        (void)strtoll(text, &end, 0);
    }
    if (!*text || *end || errno) {
        error_setg(errp, "Parameter '%s' expects %s", name,
                   is_uint ? "uint64" : "int64");
        return false;
    }
    return true;
}

/* The NAME=VALUE globals, as QEMU applies them to a new device. */
static bool apply_globals(Object *obj, const X86CpuFeatures *f, Error **errp)
{
    for (size_t i = 0; f && i < f->n_globals; i++) {
        Error *err = NULL;
        ObjectProperty *prop = object_property_find_err(obj, f->names[i], &err);
        json_t *v = NULL;
        bool ok = false;

        if (prop &&
            global_number_ok(f->names[i], prop->type, f->values[i], &err)) {
            v = prop->parses_string
                    ? json_text(f->values[i])
                    : qdev_prop_value_from_string(f->names[i], prop->type,
                                                  f->values[i], &err);
            ok = v && object_property_set(obj, f->names[i], v, &err);
            json_decref(v);
        }
        if (!ok) {
            error_setg(errp, "can't apply global %s.%s=%s: %s",
                       object_get_typename(obj), f->names[i], f->values[i],
                       error_get_pretty(err));
            error_free(err);
            return false;
        }
    }
    return true;
}

/* The +flags, then the -flags (QEMU: the minus ones win). */
static bool apply_flags(Object *obj, const X86CpuFeatures *f, Error **errp)
{
    for (size_t i = 0; f && i < f->n_plus; i++) {
        if (!object_property_set_bool(obj, f->plus[i], true, errp)) {
            return false;
        }
    }
    for (size_t i = 0; f && i < f->n_minus; i++) {
        if (!object_property_set_bool(obj, f->minus[i], false, errp)) {
            return false;
        }
    }
    return true;
}

/* ---- Boards ---- */

void x86_cpu_get_topo_ids(CPUState *cpu, X86CpuTopoIds *ids)
{
    const X86CPUConfig *c = &X86_CPU(cpu)->cfg;

    ids->socket_id = c->socket_id;
    ids->die_id = c->die_id;
    ids->core_id = c->core_id;
    ids->thread_id = c->thread_id;
    ids->node_id = c->node_id;
    ids->apic_id = c->apic_id;
}

void x86_cpu_set_topo_ids(CPUState *cpu, const X86CpuTopoIds *ids)
{
    X86CPUConfig *c = &X86_CPU(cpu)->cfg;

    c->socket_id = ids->socket_id;
    c->die_id = ids->die_id;
    c->core_id = ids->core_id;
    c->thread_id = ids->thread_id;
    c->node_id = ids->node_id;
    c->apic_id = ids->apic_id;
}

CPUState *x86_cpu_create(const X86CpuModel *m, const X86CpuTopoIds *ids,
                         Object *memory, const X86CpuFeatures *features,
                         Error **errp)
{
    DeviceState *dev;
    X86CPU *cpu;

    creating_with_globals = true;
    dev = qdev_new(m->type_name);
    creating_with_globals = false;
    cpu = X86_CPU(dev);
    if (!apply_globals(OBJECT(dev), features, errp)) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    cpu->user = features;

    cpu->cfg.socket_id = ids->socket_id;
    cpu->cfg.die_id = ids->die_id;
    cpu->cfg.core_id = ids->core_id;
    cpu->cfg.thread_id = ids->thread_id;
    cpu->cfg.node_id = ids->node_id;
    cpu->cfg.apic_id = ids->apic_id;
    if (memory && CPU(cpu)->memory != memory) {
        if (CPU(cpu)->memory) {
            object_unref(CPU(cpu)->memory);
        }
        CPU(cpu)->memory = object_ref(memory);
    }
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    return CPU(cpu);
}
