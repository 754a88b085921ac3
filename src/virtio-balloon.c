/*
 * virtio-balloon-pci, as QEMU 7.2 offers it on pc: the num_pages/actual
 * config, the inflate and deflate queues (each page list returned used),
 * the statistics queue left alone, and the QMP side (balloon,
 * query-balloon) as a C API.  One balloon per machine.  A change of
 * "actual" is announced as BALLOON_CHANGE on the event bus, which
 * throttles it as QEMU's monitor does (src/events.c).
 */
#include "src/virtio-balloon.h"

#include <string.h>

#include "src/dimm.h"
#include "src/events.h"
#include "src/json-value.h"
#include "src/pc.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional). */
#define PCI_DEVICE_ID_VIRTIO_BALLOON 0x1002

#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define VIRTIO_BALLOON_F_REPORTING 5
#define BALLOON_CFG_NUM_PAGES 0
#define BALLOON_CFG_ACTUAL 4
#define BALLOON_CFG_FREE_PAGE_CMD 8
#define BALLOON_CFG_POISON_VAL 12
#define BALLOON_CONFIG_SIZE 16 /* through poison_val */
#define BALLOON_QUEUE_SIZE 128
#define BALLOON_REPORTING_QUEUE_SIZE 32
#define BALLOON_STATS_COUNT 10
#define BALLOON_PAGE_SHIFT 12

/* virtio-balloon-device: QEMU 7.2's properties. */
typedef struct VirtIOBalloonBackend {
    VirtIOBackend parent_obj;
    uint32_t host_features;
    bool qemu_4_0_config_size;
    Object *iothread;
    int64_t stats_poll_interval;
} VirtIOBalloonBackend;

#define TYPE_VIRTIO_BALLOON_DEVICE "virtio-balloon-device"

typedef struct VirtIOBalloonPCI {
    VirtIOPCIProxy proxy;
    uint32_t num_pages;
    uint32_t actual;
} VirtIOBalloonPCI;

#define TYPE_VIRTIO_BALLOON_PCI "virtio-balloon-pci"
OBJECT_DECLARE_CASTS(VirtIOBalloonPCI, VirtIOPCIClass, VIRTIO_BALLOON_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_BALLOON_PCI))

static VirtIOBalloonPCI *the_balloon;
/*
 * QEMU 7.2 registers its balloon handler before checking free-page-hint
 * and keeps it when that check fails: from then on every balloon is
 * refused as a second one (while no balloon is active for QMP).
 */
static bool balloon_handler_stale;

/* BALLOON_CHANGE (the event bus rate-limits it as QEMU's monitor does). */
static void balloon_emit_change(uint64_t actual_bytes)
{
    MachineEvent ev = { .kind = MACHINE_EVENT_BALLOON_CHANGE };

    ev.u.balloon_change.actual = actual_bytes;
    machine_event_emit(&ev);
}

/*
 * The guest's current RAM, as QEMU's balloon counts it: the machine's RAM
 * (128 MiB without a machine) plus the plugged memory devices.
 */
static uint64_t balloon_ram_size(void)
{
    PCMachine *pcm = pc_current_machine();

    if (!pcm) {
        return (128ULL << 20) + dimm_plugged_size();
    }
    return pc_below_4g_mem_size(pcm) + pc_above_4g_mem_size(pcm) +
           dimm_plugged_size();
}

static uint64_t balloon_actual_bytes(VirtIOBalloonPCI *b)
{
    return balloon_ram_size() - ((uint64_t)b->actual << BALLOON_PAGE_SHIFT);
}

static void balloon_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBalloonPCI *b = vdev->opaque;

    uint8_t full[BALLOON_CONFIG_SIZE] = { 0 };

    pci_set_long(full + BALLOON_CFG_NUM_PAGES, b->num_pages);
    pci_set_long(full + BALLOON_CFG_ACTUAL, b->actual);
    memcpy(config, full, vdev->config_len);
}

static void balloon_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBalloonPCI *b = vdev->opaque;
    uint32_t old = b->actual;

    b->actual = pci_get_long(config + BALLOON_CFG_ACTUAL);
    if (b->actual != old) {
        balloon_emit_change(balloon_actual_bytes(b));
    }
}

/*
 * The config space ends where the last field the features need ends
 * (qemu-4-0-config-size: always the whole of it).
 */
static size_t balloon_config_size(const VirtIOBalloonBackend *be)
{
    if (be->qemu_4_0_config_size ||
        (be->host_features & (1u << VIRTIO_BALLOON_F_PAGE_POISON))) {
        return BALLOON_CONFIG_SIZE;
    }
    if (be->host_features & (1u << VIRTIO_BALLOON_F_FREE_PAGE_HINT)) {
        return BALLOON_CFG_POISON_VAL;
    }
    return BALLOON_CFG_FREE_PAGE_CMD;
}

static const VirtIOFeatureName balloon_feature_names[] = {
    { VIRTIO_BALLOON_F_STATS_VQ, "VIRTIO_BALLOON_F_STATS_VQ: Guest memory "
                                 "stats VQ available" },
    { VIRTIO_BALLOON_F_DEFLATE_ON_OOM, "VIRTIO_BALLOON_F_DEFLATE_ON_OOM: "
                                       "Deflate balloon when guest OOM" },
    { VIRTIO_BALLOON_F_PAGE_POISON, "VIRTIO_BALLOON_F_PAGE_POISON: Guest "
                                    "page poisoning enabled" },
    { VIRTIO_BALLOON_F_REPORTING, "VIRTIO_BALLOON_F_REPORTING: Page "
                                  "reporting VQ enabled" },
    { -1, NULL }
};

/*
 * Inflate (0) and deflate (1): each page list is returned after use with
 * its own interrupt, as QEMU does; the pages themselves change nothing
 * here.  The statistics queue (2) is left alone.
 */
static void balloon_handle_notify(VirtIODevice *vdev, unsigned n)
{
    if (n < 2) {
        virtio_queue_complete_each(vdev, n);
    }
}

static const VirtIODeviceOps balloon_ops = {
    .name = "virtio-balloon",
    .device_id = VIRTIO_ID_BALLOON,
    .get_config = balloon_get_config,
    .handle_notify = balloon_handle_notify,
    .set_config = balloon_set_config,
    .feature_names = balloon_feature_names,
};

static bool balloon_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIOBalloonPCI *b = VIRTIO_BALLOON_PCI(p);
    VirtIOBalloonBackend *be = VIRTIO_PCI_BACKEND(VirtIOBalloonBackend, p);
    int i;

    if (the_balloon || balloon_handler_stale) {
        error_setg(errp, "Only one balloon device is supported");
        return false;
    }
    if ((be->host_features & (1u << VIRTIO_BALLOON_F_FREE_PAGE_HINT)) &&
        !be->iothread) {
        error_setg(errp, "'free-page-hint' requires 'iothread' to be set");
        balloon_handler_stale = true;
        return false;
    }
    virtio_init(&p->vdev, &balloon_ops, b, balloon_config_size(be));
    for (i = 0; i < 3; i++) {
        virtio_add_queue(&p->vdev, BALLOON_QUEUE_SIZE);
    }
    if (be->host_features & (1u << VIRTIO_BALLOON_F_FREE_PAGE_HINT)) {
        virtio_add_queue(&p->vdev, VIRTQUEUE_MAX_SIZE);
    }
    if (be->host_features & (1u << VIRTIO_BALLOON_F_REPORTING)) {
        virtio_add_queue(&p->vdev, BALLOON_REPORTING_QUEUE_SIZE);
    }
    p->vdev.host_features = be->host_features;
    virtio_add_feature(&p->vdev.host_features, VIRTIO_BALLOON_F_STATS_VQ);
    p->class_code = PCI_CLASS_OTHERS;
    p->nvectors = 0;
    b->num_pages = 0;
    b->actual = 0;
    the_balloon = b;
    return true;
}

static void balloon_unrealize(VirtIOPCIProxy *p)
{
    if (the_balloon == VIRTIO_BALLOON_PCI(p)) {
        the_balloon = NULL;
    }
}

/* ---- QMP: balloon / query-balloon ---- */

static bool balloon_check(Error **errp)
{
    if (!the_balloon) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                  "No balloon device has been activated");
        return false;
    }
    return true;
}

bool virtio_balloon_set_target(int64_t target, Error **errp)
{
    uint64_t ram = balloon_ram_size();
    VirtIODevice *vdev;

    if (!balloon_check(errp)) {
        return false;
    }
    if (target <= 0) {
        error_setg(errp, "Parameter 'target' expects a size");
        return false;
    }
    if ((uint64_t)target > ram) {
        target = (int64_t)ram;
    }
    the_balloon->num_pages =
        (uint32_t)((ram - (uint64_t)target) >> BALLOON_PAGE_SHIFT);
    vdev = &the_balloon->proxy.vdev;
    virtio_notify_config(vdev);
    return true;
}

bool virtio_balloon_query(uint64_t *actual, Error **errp)
{
    if (!balloon_check(errp)) {
        return false;
    }
    *actual = balloon_actual_bytes(the_balloon);
    return true;
}

/*
 * The feature bits are offered and size the config space and queues;
 * free-page-hint needs an iothread (none can be created here yet).  The
 * free-page and reporting queues' requests, guest statistics and their
 * polling are not modelled: "guest-stats" reads as QEMU's before the
 * guest reported anything, the polling interval is only stored.
 */
static const Property balloon_device_props[] = {
    DEFINE_PROP_BIT("deflate-on-oom", VirtIOBalloonBackend, host_features,
                    VIRTIO_BALLOON_F_DEFLATE_ON_OOM, false),
    DEFINE_PROP_BIT("free-page-hint", VirtIOBalloonBackend, host_features,
                    VIRTIO_BALLOON_F_FREE_PAGE_HINT, false),
    DEFINE_PROP_BIT("page-poison", VirtIOBalloonBackend, host_features,
                    VIRTIO_BALLOON_F_PAGE_POISON, true),
    DEFINE_PROP_BIT("free-page-reporting", VirtIOBalloonBackend, host_features,
                    VIRTIO_BALLOON_F_REPORTING, false),
    DEFINE_PROP_BOOL("qemu-4-0-config-size", VirtIOBalloonBackend,
                     qemu_4_0_config_size, false),
    DEFINE_PROP_LINK("iothread", VirtIOBalloonBackend, iothread, "iothread",
                     Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static json_t *stats_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    static const char *const names[BALLOON_STATS_COUNT] = {
        "stat-swap-in",          "stat-swap-out",    "stat-major-faults",
        "stat-minor-faults",     "stat-free-memory", "stat-total-memory",
        "stat-available-memory", "stat-disk-caches", "stat-htlb-pgalloc",
        "stat-htlb-pgfail",
    };
    json_t *stats = json_object();
    size_t i;

    (void)obj;
    (void)prop;
    (void)errp;
    /* No report yet: every statistic is (uint64_t)-1. */
    for (i = 0; i < BALLOON_STATS_COUNT; i++) {
        json_object_set_new(stats, names[i], json_uint64(UINT64_MAX));
    }
    return json_pack("{s:o, s:i}", "stats", stats, "last-update", 0);
}

static json_t *poll_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)prop;
    (void)errp;
    return json_integer(((VirtIOBalloonBackend *)obj)->stats_poll_interval);
}

static bool poll_set(Object *obj, ObjectProperty *prop, json_t *value,
                     Error **errp)
{
    json_int_t v;

    if (!json_is_integer(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer",
                   prop->name);
        return false;
    }
    v = json_integer_value(value);
    if (v < 0) {
        error_setg(errp, "timer value must be greater than zero");
        return false;
    }
    if ((uint64_t)v > UINT32_MAX) {
        error_setg(errp, "timer value is too big");
        return false;
    }
    ((VirtIOBalloonBackend *)obj)->stats_poll_interval = v;
    return true;
}

static void balloon_device_instance_init(Object *obj)
{
    object_property_add(obj, "guest-stats", "guest statistics", stats_get, NULL,
                        NULL, NULL);
    object_property_add(obj, "guest-stats-polling-interval", "int", poll_get,
                        poll_set, NULL, NULL);
}

static void balloon_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    device_class_set_props(dc, balloon_device_props);
}

static const char *const balloon_instance_aliases[] = {
    "guest-stats", "guest-stats-polling-interval", NULL
};

static void balloon_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_BALLOON;
    k->class_id = PCI_CLASS_OTHERS;
    vk->device_realize = balloon_realize;
    vk->device_unrealize = balloon_unrealize;
    vk->backend_type = TYPE_VIRTIO_BALLOON_DEVICE;
    vk->backend_instance_aliases = balloon_instance_aliases;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
}

static const TypeInfo virtio_balloon_pci_info = {
    .name = TYPE_VIRTIO_BALLOON_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOBalloonPCI),
    .class_init = balloon_class_init,
};

void virtio_balloon_register_types(void)
{
    virtio_backend_type_register(
        TYPE_VIRTIO_BALLOON_DEVICE, sizeof(VirtIOBalloonBackend),
        balloon_device_class_init, balloon_device_instance_init);
    virtio_pci_types_register(&virtio_balloon_pci_info);
}
