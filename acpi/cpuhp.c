/*
 * ACPI CPU hotplug registers (see acpi/cpuhp.h).  Behaviour is that of
 * QEMU 7.2's pc machine, checked with the guest played through qtest
 * (tests/diff/cpuhp-*.qmp).
 */
#include "acpi/cpuhp.h"

#include <stdlib.h>
#include <string.h>

#include "src/util.h"
#include "src/x86-cpu.h"

/* ---- Legacy ---- */

static void legacy_set_bit(AcpiCpuHotplug *s, uint64_t arch_id)
{
    if (arch_id < ACPI_CPUHP_LEGACY_LEN * 8) {
        s->sts[arch_id / 8] |= (uint8_t)(1u << (arch_id % 8));
    }
}

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

/* ---- Modern ---- */

static uint64_t arch_id_of(CPUState *cpu)
{
    X86CpuTopoIds ids;

    x86_cpu_get_topo_ids(cpu, &ids);
    return ids.apic_id;
}

static void slot_info(const AcpiCpuHotplug *s, unsigned i, AcpiOstInfo *info)
{
    const AcpiCpuhpSlot *sl = &s->slots[i];

    info->device = sl->cpu ? DEVICE(sl->cpu)->id : NULL;
    info->slot = i;
    info->slot_type = ACPI_SLOT_TYPE_CPU;
    info->source = sl->ost_event;
    info->status = sl->ost_status;
}

static uint32_t slot_flags(const AcpiCpuhpSlot *sl)
{
    return (sl->cpu ? ACPI_CPUHP_FLAG_ENABLED : 0) |
           (sl->inserting ? ACPI_CPUHP_FLAG_INSERT : 0) |
           (sl->removing ? ACPI_CPUHP_FLAG_REMOVE : 0) |
           (sl->fw_remove ? ACPI_CPUHP_FLAG_FW_EJECT : 0);
}

static uint64_t cpu_modern_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiCpuHotplug *s = opaque;
    const AcpiCpuhpSlot *sl;

    (void)size;
    if (s->selector >= s->count) {
        return 0;
    }
    sl = &s->slots[s->selector];
    switch (addr) {
    case ACPI_CPUHP_FLAGS:
        return slot_flags(sl);
    case ACPI_CPUHP_CMD_DATA:
        if (s->command == ACPI_CPUHP_CMD_NEXT_EVENT) {
            return s->selector;
        }
        return s->command == ACPI_CPUHP_CMD_CPU_ID ? (uint32_t)sl->arch_id : 0;
    case ACPI_CPUHP_CMD_DATA2:
        return s->command == ACPI_CPUHP_CMD_CPU_ID ? sl->arch_id >> 32 : 0;
    default:
        return 0;
    }
}

/* The boot CPU (the first in the list) can be neither ejected nor handed
 * to firmware. */
static bool ejectable(const AcpiCpuhpSlot *sl)
{
    return sl->cpu && sl->cpu != cpu_first();
}

static void modern_control(AcpiCpuHotplug *s, AcpiCpuhpSlot *sl, uint64_t val)
{
    if (val & ACPI_CPUHP_CTRL_CLEAR_INSERT) {
        sl->inserting = false;
    } else if (val & ACPI_CPUHP_CTRL_CLEAR_REMOVE) {
        sl->removing = false;
    } else if (val & ACPI_CPUHP_CTRL_EJECT) {
        if (!ejectable(sl)) {
            return;
        }
        if (s->eject) {
            s->eject(s->opaque, sl->cpu);
        }
        sl->fw_remove = false;
    } else if (val & ACPI_CPUHP_CTRL_FW_EJECT) {
        if (ejectable(sl)) {
            sl->fw_remove = true;
        }
    }
}

/* Command 0: from the selector on, round the slots, the first with an
 * event becomes selected; none: the selector stays. */
static void select_next_event(AcpiCpuHotplug *s)
{
    uint32_t i = s->selector;

    do {
        const AcpiCpuhpSlot *sl = &s->slots[i];

        if (sl->inserting || sl->removing || sl->fw_remove) {
            s->selector = i;
            return;
        }
        i = i + 1 < s->count ? i + 1 : 0;
    } while (i != s->selector);
}

static void cpu_modern_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    AcpiCpuHotplug *s = opaque;
    AcpiCpuhpSlot *sl;
    MachineEvent ev = { .kind = MACHINE_EVENT_ACPI_DEVICE_OST };

    (void)size;
    if (addr == ACPI_CPUHP_SELECTOR) {
        s->selector = (uint32_t)val;
        return;
    }
    if (s->selector >= s->count) {
        return;
    }
    sl = &s->slots[s->selector];
    switch (addr) {
    case ACPI_CPUHP_FLAGS:
        modern_control(s, sl, val);
        break;
    case ACPI_CPUHP_CMD:
        if (val <= ACPI_CPUHP_CMD_CPU_ID) {
            s->command = (uint8_t)val;
            if (s->command == ACPI_CPUHP_CMD_NEXT_EVENT) {
                select_next_event(s);
            }
        }
        break;
    case ACPI_CPUHP_CMD_DATA:
        if (s->command == ACPI_CPUHP_CMD_OST_EVENT) {
            sl->ost_event = (uint32_t)val;
        } else if (s->command == ACPI_CPUHP_CMD_OST_STATUS) {
            sl->ost_status = (uint32_t)val;
            slot_info(s, s->selector, &ev.u.acpi_device_ost);
            machine_event_emit(&ev);
        }
        break;
    default:
        break;
    }
}

static const MemoryRegionOps cpu_modern_ops = {
    .read = cpu_modern_read,
    .write = cpu_modern_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- State ---- */

static void cpuhp_map(AcpiCpuHotplug *s, bool legacy)
{
    memory_region_init_io(
        &s->io, s->owner, legacy ? &cpu_legacy_ops : &cpu_modern_ops, s,
        "acpi-cpu-hotplug",
        legacy ? ACPI_CPUHP_LEGACY_LEN : ACPI_CPUHP_MODERN_LEN);
    memory_region_add_subregion(s->parent, s->base, &s->io);
    s->legacy = legacy;
}

void acpi_cpuhp_init(AcpiCpuHotplug *s, const char *owner, MemoryRegion *parent,
                     uint64_t base, const PCCpus *cpus,
                     AcpiCpuhpNotifyFn *notify, AcpiCpuhpEjectFn *eject,
                     void *opaque)
{
    unsigned i;

    s->parent = parent;
    s->base = base;
    s->owner = xstrdup(owner);
    s->cpus = cpus;
    s->notify = notify;
    s->eject = eject;
    s->opaque = opaque;
    s->slots = NULL;
    s->count = 0;
    s->selector = 0;
    s->command = 0;
    memset(s->sts, 0, sizeof(s->sts));
    for (i = 0; cpus && i < cpus->n_slots; i++) {
        if (cpus->slots[i].cpu) {
            legacy_set_bit(s, cpus->slots[i].ids.apic_id);
        }
    }
    cpuhp_map(s, true);
}

void acpi_cpuhp_fini(AcpiCpuHotplug *s)
{
    free(s->owner);
    s->owner = NULL;
    free(s->slots);
    s->slots = NULL;
    s->count = 0;
}

void acpi_cpuhp_switch_to_modern(AcpiCpuHotplug *s)
{
    unsigned i;

    if (!s->legacy) {
        return;
    }
    memory_region_del_subregion(memory_region_get_container(&s->io), &s->io);
    memory_region_finalize(&s->io);
    s->count = s->cpus ? s->cpus->n_slots : 0;
    s->slots = xzalloc(sizeof(*s->slots) * (s->count ? s->count : 1));
    for (i = 0; i < s->count; i++) {
        s->slots[i].cpu = s->cpus->slots[i].cpu;
        s->slots[i].arch_id = s->cpus->slots[i].ids.apic_id;
    }
    s->selector = 0;
    s->command = 0;
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

static AcpiCpuhpSlot *slot_of(AcpiCpuHotplug *s, CPUState *cpu)
{
    uint64_t id = arch_id_of(cpu);
    unsigned i;

    for (i = 0; i < s->count; i++) {
        if (s->slots[i].arch_id == id) {
            return &s->slots[i];
        }
    }
    return NULL;
}

void acpi_cpuhp_plug(AcpiCpuHotplug *s, CPUState *cpu)
{
    AcpiCpuhpSlot *sl;

    if (s->legacy) {
        legacy_set_bit(s, arch_id_of(cpu));
        if (s->notify) {
            s->notify(s->opaque);
        }
        return;
    }
    sl = slot_of(s, cpu);
    if (!sl) {
        return;
    }
    sl->cpu = cpu;
    if (DEVICE(cpu)->hotplugged) {
        sl->inserting = true;
        if (s->notify) {
            s->notify(s->opaque);
        }
    }
}

static bool legacy_refuses(const AcpiCpuHotplug *s, CPUState *cpu,
                           const char *what, Error **errp)
{
    if (!s->legacy) {
        return false;
    }
    error_setg(errp, "acpi: device %s for not supported device type: %s", what,
               object_get_typename(OBJECT(cpu)));
    return true;
}

bool acpi_cpuhp_unplug_request(AcpiCpuHotplug *s, CPUState *cpu, Error **errp)
{
    AcpiCpuhpSlot *sl;

    if (legacy_refuses(s, cpu, "unplug request", errp)) {
        return false;
    }
    sl = slot_of(s, cpu);
    if (sl) {
        sl->removing = true;
        if (s->notify) {
            s->notify(s->opaque);
        }
    }
    return true;
}

bool acpi_cpuhp_unplug(AcpiCpuHotplug *s, CPUState *cpu, Error **errp)
{
    AcpiCpuhpSlot *sl;

    if (legacy_refuses(s, cpu, "unplug", errp)) {
        return false;
    }
    sl = slot_of(s, cpu);
    if (sl) {
        sl->cpu = NULL;
    }
    return true;
}

unsigned acpi_cpuhp_slots(const AcpiCpuHotplug *s)
{
    return s->legacy ? 0 : s->count;
}

uint32_t acpi_cpuhp_slot_flags(const AcpiCpuHotplug *s, unsigned slot)
{
    return !s->legacy && slot < s->count ? slot_flags(&s->slots[slot]) : 0;
}

bool acpi_cpuhp_slot_ost(const AcpiCpuHotplug *s, unsigned slot,
                         AcpiOstInfo *info)
{
    if (s->legacy || slot >= s->count) {
        return false;
    }
    slot_info(s, slot, info);
    return true;
}
