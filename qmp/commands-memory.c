/*
 * query-memory-devices, query-memory-size-summary and their HMP forms;
 * qmachined's own views of the memory map (memslots, the flat view).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json-out.h"
#include "src/dimm.h"
#include "src/memory.h"
#include "src/memslots.h"
#include "src/pc-hotplug.h"
#include "src/pc.h"
#include "src/util.h"

static const char *const memory_device_kinds[] = { "dimm",        "nvdimm",
                                                   "virtio-pmem", "virtio-mem",
                                                   "sgx-epc",     NULL };
static const QapiType memory_device_kind = { .name = "MemoryDeviceInfoKind",
                                             .kind = QAPI_KIND_ENUM,
                                             .values = memory_device_kinds };
static const QapiMember dimm_info_members[] = {
    { "id", &qapi_str, true },
    { "addr", &qapi_int, false },
    { "size", &qapi_int, false },
    { "slot", &qapi_int, false },
    { "node", &qapi_int, false },
    { "memdev", &qapi_str, false },
    { "hotplugged", &qapi_bool, false },
    { "hotpluggable", &qapi_bool, false },
    { NULL }
};
static const QapiType dimm_info = { .name = "PCDIMMDeviceInfo",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = dimm_info_members };
static const QapiMember dimm_wrapper_members[] = {
    { "data", &dimm_info, false }, { NULL }
};
static const QapiType dimm_wrapper = { .name = "PCDIMMDeviceInfoWrapper",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = dimm_wrapper_members };
static const QapiMember pmem_info_members[] = { { "id", &qapi_str, true },
                                                { "memaddr", &qapi_size,
                                                  false },
                                                { "size", &qapi_size, false },
                                                { "memdev", &qapi_str, false },
                                                { NULL } };
static const QapiType pmem_info = { .name = "VirtioPMEMDeviceInfo",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = pmem_info_members };
static const QapiMember pmem_wrapper_members[] = {
    { "data", &pmem_info, false }, { NULL }
};
static const QapiType pmem_wrapper = { .name = "VirtioPMEMDeviceInfoWrapper",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = pmem_wrapper_members };
static const QapiMember vmem_info_members[] = {
    { "id", &qapi_str, true },
    { "memaddr", &qapi_size, false },
    { "requested-size", &qapi_size, false },
    { "size", &qapi_size, false },
    { "max-size", &qapi_size, false },
    { "block-size", &qapi_size, false },
    { "node", &qapi_int, false },
    { "memdev", &qapi_str, false },
    { NULL }
};
static const QapiType vmem_info = { .name = "VirtioMEMDeviceInfo",
                                    .kind = QAPI_KIND_OBJECT,
                                    .members = vmem_info_members };
static const QapiMember vmem_wrapper_members[] = {
    { "data", &vmem_info, false }, { NULL }
};
static const QapiType vmem_wrapper = { .name = "VirtioMEMDeviceInfoWrapper",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = vmem_wrapper_members };
static const QapiMember epc_info_members[] = {
    { "id", &qapi_str, true },      { "memaddr", &qapi_size, false },
    { "size", &qapi_size, false },  { "node", &qapi_int, false },
    { "memdev", &qapi_str, false }, { NULL }
};
static const QapiType epc_info = { .name = "SgxEPCDeviceInfo",
                                   .kind = QAPI_KIND_OBJECT,
                                   .members = epc_info_members };
static const QapiMember epc_wrapper_members[] = { { "data", &epc_info, false },
                                                  { NULL } };
static const QapiType epc_wrapper = { .name = "SgxEPCDeviceInfoWrapper",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = epc_wrapper_members };
static const QapiVariant memory_device_variants[] = {
    { "dimm", &dimm_wrapper },        { "nvdimm", &dimm_wrapper },
    { "virtio-pmem", &pmem_wrapper }, { "virtio-mem", &vmem_wrapper },
    { "sgx-epc", &epc_wrapper },      { NULL }
};
static const QapiMember memory_device_members[] = {
    { "type", &memory_device_kind, false }, { NULL }
};
static const QapiType memory_device_info = { .name = "MemoryDeviceInfo",
                                             .kind = QAPI_KIND_OBJECT,
                                             .members = memory_device_members,
                                             .tag = "type",
                                             .variants =
                                                 memory_device_variants };
QAPI_ARRAY_OF(memory_device_info_list, memory_device_info);

static const QapiMember size_summary_members[] = {
    { "base-memory", &qapi_size, false },
    { "plugged-memory", &qapi_size, true },
    { NULL }
};
const QapiType memory_size_summary_type = { .name = "MemoryInfo",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members = size_summary_members };

/* One MemoryDeviceInfo (new reference). */
static json_t *dimm_entry(PCDIMMDevice *dimm)
{
    DeviceState *dev = DEVICE(dimm);
    json_t *data = json_object(), *o = json_object();
    char *memdev =
        dimm->hostmem ? object_get_canonical_path(dimm->hostmem) : xstrdup("");

    if (dev->id) {
        json_object_set_new(data, "id", json_text(dev->id));
    }
    json_object_set_new(data, "addr", json_uint64(dimm->addr));
    json_object_set_new(data, "size", json_uint64(dimm_size(dimm)));
    json_object_set_new(data, "slot", json_integer(dimm->slot));
    json_object_set_new(data, "node", json_integer(dimm->node));
    json_object_set_new(data, "memdev", json_text(memdev));
    json_object_set_new(data, "hotplugged", json_boolean(dev->hotplugged));
    json_object_set_new(data, "hotpluggable",
                        json_boolean(DEVICE_GET_CLASS(dev)->hotpluggable));
    json_object_set_new(o, "type", json_string("dimm"));
    json_object_set_new(o, "data", data);
    free(memdev);
    return o;
}

bool qmp_cmd_query_memory_devices(QmpSession *s, json_t *args, json_t **ret,
                                  Error **errp)
{
    PCDIMMDevice **v;
    size_t n, i;

    v = dimm_list(&n);
    *ret = json_array();
    for (i = 0; i < n; i++) {
        json_array_append_new(*ret, dimm_entry(v[i]));
    }
    free(v);
    return true;
}

bool qmp_cmd_query_memory_size_summary(QmpSession *s, json_t *args,
                                       json_t **ret, Error **errp)
{
    *ret = json_object();
    json_object_set_new(*ret, "base-memory",
                        json_uint64(pc_base_memory_size()));
    json_object_set_new(*ret, "plugged-memory",
                        json_uint64(dimm_plugged_size()));
    return true;
}

char *qmp_memory_devices_info_text(void)
{
    PCDIMMDevice **v;
    JsonBuf out = { 0 };
    size_t n, i;

    json_buf_append(&out, "", 0);
    v = dimm_list(&n);
    for (i = 0; i < n; i++) {
        DeviceState *dev = DEVICE(v[i]);
        char *memdev = v[i]->hostmem ? object_get_canonical_path(v[i]->hostmem)
                                     : xstrdup("");
        char *s = xasprintf(
            "Memory device [dimm]: \"%s\"\n  addr: 0x%" PRIx64 "\n"
            "  slot: %d\n  node: %u\n  size: %" PRIu64 "\n  memdev: %s\n"
            "  hotplugged: %s\n  hotpluggable: %s\n",
            dev->id ? dev->id : "", v[i]->addr, (int)v[i]->slot,
            (unsigned)v[i]->node, dimm_size(v[i]), memdev,
            dev->hotplugged ? "true" : "false",
            DEVICE_GET_CLASS(dev)->hotpluggable ? "true" : "false");

        json_buf_append(&out, s, strlen(s));
        free(s);
        free(memdev);
    }
    free(v);
    return out.data;
}

/* ---- __org.qmachined_query-memslots: the KVM-style memslot table ---- */

static const QapiMember memslot_members[] = {
    { "slot", &qapi_int, false },
    { "guest-phys-addr", &qapi_uint64, false },
    { "memory-size", &qapi_uint64, false },
    { "userspace-addr", &qapi_uint64, false },
    { "flags", &qapi_uint32, false },
    { "readonly", &qapi_bool, false },
    { "region", &qapi_str, false },
    { "region-offset", &qapi_uint64, false },
    { NULL }
};
static const QapiType memslot_type = { .name = "QmachinedMemSlot",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = memslot_members };
QAPI_ARRAY_OF(memslot_list_type, memslot_type);

/* Appends one QmachinedMemSlot to the array opaque. */
static void memslot_append(void *opaque, unsigned id, const MemSlot *m)
{
    json_array_append_new(
        opaque,
        json_pack("{s:i, s:I, s:I, s:I, s:i, s:b, s:s, s:I}", "slot", (int)id,
                  "guest-phys-addr", (json_int_t)m->guest_phys_addr,
                  "memory-size", (json_int_t)m->memory_size, "userspace-addr",
                  (json_int_t)m->userspace_addr, "flags", (int)m->flags,
                  "readonly", (m->flags & MEMSLOT_FLAG_READONLY) != 0, "region",
                  memory_region_name(m->mr), "region-offset",
                  (json_int_t)m->region_offset));
}

json_t *memslots_to_json(const MemSlots *ms)
{
    json_t *arr = json_array();

    memslots_foreach(ms, memslot_append, arr);
    return arr;
}

bool qmp_cmd_query_memslots(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    PCMachine *pcm = pc_current_machine();

    *ret = pcm ? memslots_to_json(pc_memslots(pcm)) : json_array();
    return true;
}

/* ---- __org.qmachined_query-memory-map: the flat view of "memory" ---- */

/* A member that is a string or null (QEMU's StrOrNull). */
static const QapiType *const str_or_null_alts[] = { &qapi_str, &qapi_null,
                                                    NULL };
static const QapiType str_or_null = { .name = "StrOrNull",
                                      .kind = QAPI_KIND_ALTERNATE,
                                      .alternatives = str_or_null_alts };

static const QapiMember flat_range_members[] = {
    { "start", &qapi_uint64, false },
    { "end", &qapi_uint64, false }, /* last byte (start when empty) */
    { "size", &qapi_uint64, false }, /* 2^64 shown as 2^64 - 1 */
    { "type", &qapi_str, false }, /* "ram", "rom", "romd", "i/o" */
    { "region", &qapi_str, false },
    { "owner", &str_or_null, false },
    { "offset", &qapi_uint64, false }, /* into the region */
    { "priority", &qapi_int32, false },
    { "readonly", &qapi_bool, false },
    { NULL }
};
static const QapiType flat_range_type = {
    .name = "__org.qmachined_FlatRange",
    .kind = QAPI_KIND_OBJECT,
    .members = flat_range_members,
};
static QAPI_ARRAY_OF(flat_range_list, flat_range_type);
static const QapiMember memory_map_members[] = {
    { "address-space", &qapi_str, false },
    { "ranges", &flat_range_list, false },
    { NULL }
};
const QapiType memory_map_type = {
    .name = "__org.qmachined_MemoryMap",
    .kind = QAPI_KIND_OBJECT,
    .members = memory_map_members,
};

static void add_flat_range(void *opaque, const FlatRangeInfo *fr)
{
    json_t *r = json_object();
    uint64_t size = fr->size > UINT64_MAX ? UINT64_MAX : (uint64_t)fr->size;
    uint64_t end = fr->start + (fr->size ? (uint64_t)(fr->size - 1) : 0);

    json_object_set_new(r, "start", json_uint64(fr->start));
    json_object_set_new(r, "end", json_uint64(end));
    json_object_set_new(r, "size", json_uint64(size));
    json_object_set_new(r, "type", json_text(fr->type));
    json_object_set_new(r, "region", json_text(fr->name));
    json_object_set_new(r, "owner",
                        fr->owner ? json_text(fr->owner) : json_null());
    json_object_set_new(r, "offset", json_uint64(fr->offset_in_region));
    json_object_set_new(r, "priority", json_integer(fr->priority));
    json_object_set_new(r, "readonly", json_boolean(fr->readonly));
    json_array_append_new(opaque, r);
}

bool qmp_cmd_query_memory_map(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    json_t *map = json_object(), *ranges = json_array();

    address_space_flatview_foreach(&address_space_memory, add_flat_range,
                                   ranges);
    json_object_set_new(map, "address-space",
                        json_text(address_space_name(&address_space_memory)));
    json_object_set_new(map, "ranges", ranges);
    *ret = map;
    return true;
}
