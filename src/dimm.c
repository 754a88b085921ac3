/*
 * pc-dimm and the memory-device rules it follows (QEMU 7.2 behaviour).
 */
#include "dimm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json-value.h"
#include "util.h"

static unsigned dimm_numa_nodes; /* -numa nodes, 0: none */

void dimm_set_numa_nodes(unsigned n)
{
    dimm_numa_nodes = n;
}

/* ---- Pure allocation ---- */

int dimm_choose_slot(const bool *used, unsigned max_slots, int hint,
                     Error **errp)
{
    unsigned i;

    if (max_slots == 0) {
        error_setg(errp, "no slots where allocated, please specify the "
                         "'slots' option");
        return -1;
    }
    if (hint != DIMM_UNASSIGNED_SLOT) {
        if (hint < 0 || (unsigned)hint >= max_slots) {
            error_setg(errp, "invalid slot number %d, valid range is [0-%u]",
                       hint, max_slots - 1);
            return -1;
        }
        if (used[hint]) {
            error_setg_kind(errp, ERROR_KIND_CONFLICT, "slot %d is busy", hint);
            return -1;
        }
        return hint;
    }
    for (i = 0; i < max_slots; i++) {
        if (!used[i]) {
            return (int)i;
        }
    }
    error_setg(errp, "no free slots available");
    return -1;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) / align * align;
}

static bool overlaps(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
    return asz && bsz && a <= b + (bsz - 1) && b <= a + (asz - 1);
}

bool dimm_choose_addr(const DimmLayout *l, const DimmRange *ranges, size_t n,
                      uint64_t used_size, const uint64_t *hint, uint64_t align,
                      uint64_t size, uint64_t *out, Error **errp)
{
    uint64_t addr;
    size_t i;

    if (!l->size) {
        error_setg(errp, "memory devices (e.g. for memory hotplug) are not "
                         "enabled, please specify the maxmem option");
        return false;
    }
    if (!align || align_up(l->base, align) != l->base) {
        error_setg(errp, "the alignment (0x%" PRIx64 ") is not supported",
                   align);
        return false;
    }
    if (used_size + size > l->capacity) {
        error_setg(errp,
                   "not enough space, currently 0x%" PRIx64 " in use "
                   "of total space for memory devices 0x%" PRIx64,
                   used_size, l->capacity);
        return false;
    }
    if (hint && align_up(*hint, align) != *hint) {
        error_setg(errp, "address must be aligned to 0x%" PRIx64 " bytes",
                   align);
        return false;
    }
    if (align_up(size, align) != size) {
        error_setg(errp, "backend memory size must be multiple of 0x%" PRIx64,
                   align);
        return false;
    }
    if (hint) {
        addr = *hint;
        if (addr < l->base || size > l->size ||
            addr - l->base > l->size - size) {
            error_setg(errp,
                       "can't add memory device [0x%" PRIx64 ":0x%" PRIx64
                       "], usable range for memory devices [0x%" PRIx64
                       ":0x%" PRIx64 "]",
                       addr, size, l->base, l->size);
            return false;
        }
        for (i = 0; i < n; i++) {
            if (overlaps(ranges[i].addr, ranges[i].size, addr, size)) {
                error_setg(errp,
                           "address range conflicts with memory "
                           "device id='%s'",
                           ranges[i].id ? ranges[i].id : "(unnamed)");
                return false;
            }
        }
        *out = addr;
        return true;
    }
    addr = l->base;
    for (i = 0; i < n; i++) {
        if (overlaps(ranges[i].addr, ranges[i].size, addr, size)) {
            addr = align_up(ranges[i].addr + ranges[i].size, align);
        }
    }
    if (addr < l->base || size > l->size || addr - l->base > l->size - size) {
        error_setg(errp, "could not find position in guest address space "
                         "for memory device - memory fragmented due to "
                         "alignments");
        return false;
    }
    *out = addr;
    return true;
}

/* ---- Realized DIMMs ---- */

/*
 * Every pc-dimm that exists, from instance_init to finalize, so the
 * realized ones are found without walking the composition tree (a
 * hotplug looks them up several times: slot, address, the ACPI block).
 */
static PCDIMMDevice **all_dimms;
static size_t n_all_dimms, cap_all_dimms;

static void dimm_register(PCDIMMDevice *dimm)
{
    if (n_all_dimms == cap_all_dimms) {
        cap_all_dimms = cap_all_dimms ? cap_all_dimms * 2 : 8;
        all_dimms = xrealloc(all_dimms, cap_all_dimms * sizeof(*all_dimms));
    }
    all_dimms[n_all_dimms++] = dimm;
}

static void dimm_unregister(PCDIMMDevice *dimm)
{
    size_t i;

    for (i = 0; i < n_all_dimms; i++) {
        if (all_dimms[i] == dimm) {
            memmove(&all_dimms[i], &all_dimms[i + 1],
                    (n_all_dimms - i - 1) * sizeof(*all_dimms));
            n_all_dimms--;
            break;
        }
    }
    if (!n_all_dimms) {
        free(all_dimms);
        all_dimms = NULL;
        cap_all_dimms = 0;
    }
}

/* Whether obj is in the composition tree below m. */
static bool below(Object *obj, Object *m)
{
    for (obj = obj->parent; obj; obj = obj->parent) {
        if (obj == m) {
            return true;
        }
    }
    return false;
}

static int by_addr(const void *a, const void *b)
{
    const PCDIMMDevice *x = *(PCDIMMDevice *const *)a;
    const PCDIMMDevice *y = *(PCDIMMDevice *const *)b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

PCDIMMDevice **dimm_list(size_t *n)
{
    Object *m = qdev_get_machine();
    PCDIMMDevice **v = NULL;
    size_t i, count = 0;

    /* The realized DIMMs in the machine's tree, as a walk would find. */
    if (m && n_all_dimms) {
        v = xmalloc(n_all_dimms * sizeof(*v));
        for (i = 0; i < n_all_dimms; i++) {
            if (DEVICE(all_dimms[i])->realized &&
                below(OBJECT(all_dimms[i]), m)) {
                v[count++] = all_dimms[i];
            }
        }
    }
    if (count > 1) {
        qsort(v, count, sizeof(*v), by_addr);
    }
    if (!count) {
        free(v);
        v = NULL;
    }
    *n = count;
    return v;
}

PCDIMMDevice *dimm_by_slot(int slot)
{
    PCDIMMDevice **v, *found = NULL;
    size_t n, i;

    v = dimm_list(&n);
    for (i = 0; i < n; i++) {
        if (v[i]->slot == slot) {
            found = v[i];
        }
    }
    free(v);
    return found;
}

HostMemoryBackend *dimm_backend(const PCDIMMDevice *dimm)
{
    return dimm->hostmem ? MEMORY_BACKEND(dimm->hostmem) : NULL;
}

uint64_t dimm_size(const PCDIMMDevice *dimm)
{
    HostMemoryBackend *be = dimm_backend(dimm);
    MemoryRegion *mr = be ? backend_get_memory(be) : NULL;

    return mr ? memory_region_size(mr) : 0;
}

uint64_t dimm_plugged_size(void)
{
    PCDIMMDevice **v;
    uint64_t total = 0;
    size_t n, i;

    v = dimm_list(&n);
    for (i = 0; i < n; i++) {
        total += dimm_size(v[i]);
    }
    free(v);
    return total;
}

/* ---- Hotplug steps ---- */

bool dimm_pre_plug(PCDIMMDevice *dimm, const DimmLayout *l, Error **errp)
{
    PCDIMMDevice **v;
    DimmRange *ranges;
    HostMemoryBackend *be;
    MemoryRegion *mr;
    bool *used, ok;
    uint64_t used_size = 0, addr;
    size_t n, i;
    int slot;

    v = dimm_list(&n);
    used = xzalloc(l->slots ? l->slots : 1);
    for (i = 0; i < n; i++) {
        if (v[i]->slot >= 0 && (unsigned)v[i]->slot < l->slots) {
            used[v[i]->slot] = true;
        }
    }
    slot = dimm_choose_slot(used, l->slots, dimm->slot, errp);
    free(used);
    if (slot < 0) {
        free(v);
        return false;
    }
    dimm->slot = slot;

    be = dimm_backend(dimm);
    mr = be ? backend_get_memory(be) : NULL;
    if (!mr) {
        error_setg(errp, "'memdev' property must be set");
        free(v);
        return false;
    }
    ranges = xzalloc((n ? n : 1) * sizeof(*ranges));
    for (i = 0; i < n; i++) {
        ranges[i].addr = v[i]->addr;
        ranges[i].size = dimm_size(v[i]);
        ranges[i].id = DEVICE(v[i])->id;
        used_size += ranges[i].size;
    }
    ok = dimm_choose_addr(
        l, ranges, n, used_size, dimm->addr ? &dimm->addr : NULL,
        backend_get_alignment(be), memory_region_size(mr), &addr, errp);
    free(ranges);
    free(v);
    if (ok) {
        dimm->addr = addr;
    }
    return ok;
}

void dimm_plug(PCDIMMDevice *dimm, const DimmLayout *l)
{
    MemoryRegion *mr = backend_get_memory(dimm_backend(dimm));

    memory_region_transaction_begin();
    memory_region_add_subregion(l->container, dimm->addr - l->base, mr);
    memory_region_transaction_commit();
}

void dimm_unplug(PCDIMMDevice *dimm, const DimmLayout *l)
{
    MemoryRegion *mr = backend_get_memory(dimm_backend(dimm));

    if (mr && memory_region_get_container(mr)) {
        memory_region_transaction_begin();
        memory_region_del_subregion(memory_region_get_container(mr), mr);
        memory_region_transaction_commit();
    }
}

bool dimm_eject(PCDIMMDevice *dimm, Error **errp)
{
    return qdev_remove(DEVICE(dimm), errp);
}

/* ---- The device ---- */

static DeviceRealize *parent_realize;

static bool dimm_realize(DeviceState *dev, Error **errp)
{
    PCDIMMDevice *dimm = PC_DIMM(dev);
    HostMemoryBackend *be = dimm_backend(dimm);

    if (!be) {
        error_setg(errp, "'memdev' property is not set");
        return false;
    }
    if (backend_is_mapped(be)) {
        error_setg_kind(errp, ERROR_KIND_CONFLICT,
                        "can't use already busy memdev: %s", backend_id(be));
        return false;
    }
    if ((dimm_numa_nodes && dimm->node >= dimm_numa_nodes) ||
        (!dimm_numa_nodes && dimm->node)) {
        error_setg(errp,
                   "'DIMM property node has value %" PRIu32 "' which "
                   "exceeds the number of numa nodes: %u",
                   dimm->node, dimm_numa_nodes ? dimm_numa_nodes : 1);
        return false;
    }
    if (parent_realize && !parent_realize(dev, errp)) {
        return false;
    }
    backend_set_mapped(be, true);
    return true;
}

static void dimm_unrealize(DeviceState *dev)
{
    HostMemoryBackend *be = dimm_backend(PC_DIMM(dev));

    if (be) {
        backend_set_mapped(be, false);
    }
}

static json_t *dimm_get_size(Object *obj, ObjectProperty *prop, Error **errp)
{
    PCDIMMDevice *dimm = PC_DIMM(obj);

    if (!dimm_backend(dimm) || !backend_get_memory(dimm_backend(dimm))) {
        error_setg(errp, "'memdev' property must be set");
        return NULL;
    }
    return json_uint64(dimm_size(dimm));
}

static void dimm_instance_init(Object *obj)
{
    object_property_add(obj, "size", "uint64", dimm_get_size, NULL, NULL, NULL);
    dimm_register(PC_DIMM(obj));
}

static void dimm_instance_finalize(Object *obj)
{
    dimm_unregister(PC_DIMM(obj));
}

static const Property dimm_props[] = {
    DEFINE_PROP_UINT64("addr", PCDIMMDevice, addr, 0),
    DEFINE_PROP_UINT32("node", PCDIMMDevice, node, 0),
    DEFINE_PROP_INT32("slot", PCDIMMDevice, slot, DIMM_UNASSIGNED_SLOT),
    DEFINE_PROP_LINK("memdev", PCDIMMDevice, hostmem, TYPE_MEMORY_BACKEND,
                     Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static void dimm_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(k);

    parent_realize = dc->realize;
    dc->realize = dimm_realize;
    dc->unrealize = dimm_unrealize;
    dc->desc = "DIMM memory module";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    device_class_set_props(dc, dimm_props);
}

static const TypeInfo dimm_types[] = {
    {
        .name = TYPE_MEMORY_DEVICE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
    },
    {
        .name = TYPE_PC_DIMM,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCDIMMDevice),
        .instance_init = dimm_instance_init,
        .instance_finalize = dimm_instance_finalize,
        .class_init = dimm_class_init,
        .interfaces =
            (const InterfaceInfo[]){ { TYPE_MEMORY_DEVICE }, { NULL } },
    },
};

void dimm_register_types(void)
{
    type_register_static_array(dimm_types, ARRAY_SIZE(dimm_types));
}
