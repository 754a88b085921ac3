/* ACPI CPU hotplug registers (see acpi/cpuhp.h). */
#include "acpi/cpuhp.h"

#include <stdlib.h>
#include <string.h>

#include "src/util.h"

/* The modern interface: 12 bytes, selector at +0, flags at +4. */
#define CPU_HP_MODERN_LEN 12
#define CPU_HP_SELECTOR 0x0
#define CPU_HP_FLAGS 0x4
#define CPU_HP_FLAG_ENABLED 0x01

static uint64_t cpu_legacy_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiCpuHotplug *s = opaque;

    /* One status byte per access, whatever its width. */
    (void)size;
    return addr < ACPI_CPUHP_LEGACY_LEN ? s->sts[addr] : 0;
}

static void cpu_legacy_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    AcpiCpuHotplug *s = opaque;

    (void)size;
    if (addr == 0 && val == 0) {
        /* The guest's AML asks for the modern interface. */
        acpi_cpuhp_switch_to_modern(s);
    }
}

static const MemoryRegionOps cpu_legacy_ops = {
    .read = cpu_legacy_read,
    .write = cpu_legacy_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t cpu_modern_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiCpuHotplug *s = opaque;

    (void)size;
    if (addr == CPU_HP_FLAGS && s->selector < s->ncpus) {
        return CPU_HP_FLAG_ENABLED;
    }
    return 0;
}

static void cpu_modern_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    AcpiCpuHotplug *s = opaque;

    (void)size;
    if (addr == CPU_HP_SELECTOR) {
        s->selector = (uint32_t)val;
    }
}

static const MemoryRegionOps cpu_modern_ops = {
    .read = cpu_modern_read,
    .write = cpu_modern_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void cpuhp_map(AcpiCpuHotplug *s, bool legacy)
{
    memory_region_init_io(
        &s->io, s->owner, legacy ? &cpu_legacy_ops : &cpu_modern_ops, s,
        "acpi-cpu-hotplug", legacy ? ACPI_CPUHP_LEGACY_LEN : CPU_HP_MODERN_LEN);
    memory_region_add_subregion(s->parent, s->base, &s->io);
    s->legacy = legacy;
}

void acpi_cpuhp_init(AcpiCpuHotplug *s, const char *owner, MemoryRegion *parent,
                     uint64_t base, unsigned ncpus)
{
    unsigned i;

    s->parent = parent;
    s->base = base;
    s->owner = xstrdup(owner);
    s->ncpus = ncpus;
    s->selector = 0;
    memset(s->sts, 0, sizeof(s->sts));
    for (i = 0; i < ncpus && i < ACPI_CPUHP_LEGACY_LEN * 8; i++) {
        s->sts[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    cpuhp_map(s, true);
}

void acpi_cpuhp_fini(AcpiCpuHotplug *s)
{
    free(s->owner);
    s->owner = NULL;
}

void acpi_cpuhp_switch_to_modern(AcpiCpuHotplug *s)
{
    if (!s->legacy) {
        return;
    }
    memory_region_del_subregion(memory_region_get_container(&s->io), &s->io);
    memory_region_finalize(&s->io);
    s->selector = 0;
    cpuhp_map(s, false);
}

bool acpi_cpuhp_is_legacy(const AcpiCpuHotplug *s)
{
    return s->legacy;
}

void acpi_cpuhp_set_legacy(AcpiCpuHotplug *s, bool legacy)
{
    if (!legacy) {
        acpi_cpuhp_switch_to_modern(s);
    }
    s->legacy = legacy;
}
