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
#include "src/pc.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional). */
#define PCI_DEVICE_ID_VIRTIO_BALLOON 0x1002

#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define BALLOON_CFG_NUM_PAGES 0
#define BALLOON_CFG_ACTUAL 4
#define BALLOON_CONFIG_SIZE 16 /* through poison_val */
#define BALLOON_QUEUE_SIZE 128
#define BALLOON_PAGE_SHIFT 12

typedef struct VirtIOBalloonPCI {
    VirtIOPCIProxy proxy;
    uint32_t num_pages;
    uint32_t actual;
    bool deflate_on_oom;
} VirtIOBalloonPCI;

#define TYPE_VIRTIO_BALLOON_PCI "virtio-balloon-pci"
OBJECT_DECLARE_CASTS(VirtIOBalloonPCI, VirtIOPCIClass, VIRTIO_BALLOON_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_BALLOON_PCI))

static VirtIOBalloonPCI *the_balloon;

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

    memset(config, 0, BALLOON_CONFIG_SIZE);
    pci_set_long(config + BALLOON_CFG_NUM_PAGES, b->num_pages);
    pci_set_long(config + BALLOON_CFG_ACTUAL, b->actual);
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

static const VirtIOFeatureName balloon_feature_names[] = {
    { VIRTIO_BALLOON_F_STATS_VQ, "VIRTIO_BALLOON_F_STATS_VQ: Guest memory "
                                 "stats VQ available" },
    { VIRTIO_BALLOON_F_PAGE_POISON, "VIRTIO_BALLOON_F_PAGE_POISON: Guest "
                                    "page poisoning enabled" },
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
    int i;

    if (the_balloon) {
        error_setg(errp, "Only one balloon device is supported");
        return false;
    }
    virtio_init(&p->vdev, &balloon_ops, b, BALLOON_CONFIG_SIZE);
    for (i = 0; i < 3; i++) {
        virtio_add_queue(&p->vdev, BALLOON_QUEUE_SIZE);
    }
    virtio_add_feature(&p->vdev.host_features, VIRTIO_BALLOON_F_STATS_VQ);
    virtio_add_feature(&p->vdev.host_features, VIRTIO_BALLOON_F_PAGE_POISON);
    if (b->deflate_on_oom) {
        virtio_add_feature(&p->vdev.host_features,
                           VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
    }
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

static Property balloon_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_BOOL("deflate-on-oom", VirtIOBalloonPCI, deflate_on_oom, false),
    DEFINE_PROP_END_OF_LIST(),
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
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, balloon_props);
}

static const TypeInfo virtio_balloon_pci_info = {
    .name = TYPE_VIRTIO_BALLOON_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOBalloonPCI),
    .class_init = balloon_class_init,
};

void virtio_balloon_register_types(void)
{
    virtio_pci_types_register(&virtio_balloon_pci_info);
}
