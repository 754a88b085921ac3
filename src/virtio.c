/* Virtio device core: see virtio.h. */
#include <stdlib.h>
#include <string.h>

#include "src/memory.h"
#include "src/virtio.h"

/* Legacy ring layout sizes. */
#define VRING_DESC_SIZE 16
#define VRING_AVAIL_HDR 4
#define VRING_AVAIL_ELEM 2

/* Split ring field offsets. */
#define VRING_AVAIL_FLAGS 0
#define VRING_AVAIL_IDX 2
#define VRING_AVAIL_RING 4
#define VRING_USED_IDX 2
#define VRING_USED_RING 4
#define VRING_USED_ELEM 8
#define VRING_AVAIL_F_NO_INTERRUPT 1

const VirtIOFeatureName virtio_transport_feature_names[] = {
    { VIRTIO_F_NOTIFY_ON_EMPTY, "VIRTIO_F_NOTIFY_ON_EMPTY: Notify when "
                                "device runs out of avail. descs. on VQ" },
    { VIRTIO_F_ANY_LAYOUT, "VIRTIO_F_ANY_LAYOUT: Device accepts arbitrary "
                           "desc. layouts" },
    { VIRTIO_F_VERSION_1, "VIRTIO_F_VERSION_1: Device compliant for v1 "
                          "spec (legacy)" },
    { VIRTIO_F_IOMMU_PLATFORM, "VIRTIO_F_IOMMU_PLATFORM: Device can be "
                               "used on IOMMU platform" },
    { VIRTIO_F_RING_PACKED, "VIRTIO_F_RING_PACKED: Device supports packed "
                            "VQ layout" },
    { VIRTIO_F_ORDER_PLATFORM, "VIRTIO_F_ORDER_PLATFORM: Memory accesses "
                               "ordered by platform" },
    { VIRTIO_F_SR_IOV, "VIRTIO_F_SR_IOV: Device supports single root I/O "
                       "virtualization" },
    { VIRTIO_RING_F_INDIRECT_DESC, "VIRTIO_RING_F_INDIRECT_DESC: Indirect "
                                   "descriptors supported" },
    { VIRTIO_RING_F_EVENT_IDX, "VIRTIO_RING_F_EVENT_IDX: Used & avail. "
                               "event fields enabled" },
    { -1, NULL }
};

void virtio_init(VirtIODevice *vdev, const VirtIODeviceOps *ops, void *opaque,
                 size_t config_len)
{
    int i;

    memset(vdev, 0, sizeof(*vdev));
    vdev->ops = ops;
    vdev->opaque = opaque;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->config_len = config_len;
    vdev->config = config_len ? calloc(1, config_len) : NULL;
    vdev->vq = calloc(VIRTIO_QUEUE_MAX, sizeof(VirtQueue));
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vector = VIRTIO_NO_VECTOR;
    }
    vdev->legacy_features = (1ULL << VIRTIO_F_NOTIFY_ON_EMPTY) |
                            (1ULL << VIRTIO_F_ANY_LAYOUT) |
                            (1ULL << VIRTIO_F_BAD_FEATURE);
}

void virtio_cleanup(VirtIODevice *vdev)
{
    free(vdev->config);
    free(vdev->vq);
    vdev->config = NULL;
    vdev->vq = NULL;
}

int virtio_add_queue(VirtIODevice *vdev, uint16_t num)
{
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num_default == 0) {
            vdev->vq[i].num = num;
            vdev->vq[i].num_default = num;
            return i;
        }
    }
    return -1;
}

int virtio_get_num_queues(const VirtIODevice *vdev)
{
    int i, n = 0;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num) {
            n = i + 1;
        }
    }
    return n;
}

static void virtio_set_started(VirtIODevice *vdev, bool started)
{
    vdev->started = started;
}

void virtio_reset(VirtIODevice *vdev)
{
    int i;

    virtio_set_started(vdev, false);
    vdev->broken = false;
    vdev->guest_features = 0;
    vdev->queue_sel = 0;
    vdev->status = 0;
    vdev->isr = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    if (vdev->ops && vdev->ops->reset) {
        vdev->ops->reset(vdev);
    }
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        VirtQueue *vq = &vdev->vq[i];

        vq->desc = 0;
        vq->avail = 0;
        vq->used = 0;
        vq->vector = VIRTIO_NO_VECTOR;
        vq->num = vq->num_default;
        vq->notifications = 0;
        vq->last_avail_idx = 0;
        vq->used_idx = 0;
        vq->signalled_used = 0;
        vq->signalled_used_valid = false;
        vq->inuse = 0;
    }
}

void virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    if ((vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) !=
        (val & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_set_started(vdev, (val & VIRTIO_CONFIG_S_DRIVER_OK) != 0);
    }
    if (vdev->ops && vdev->ops->set_status) {
        vdev->ops->set_status(vdev, val);
    }
    vdev->status = val;
}

bool virtio_set_features(VirtIODevice *vdev, uint64_t val)
{
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        return false;
    }
    vdev->guest_features = val & vdev->host_features;
    return true;
}

uint16_t virtio_queue_get_num(const VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX ? vdev->vq[n].num : 0;
}

void virtio_queue_set_num(VirtIODevice *vdev, unsigned n, int num)
{
    if (n >= VIRTIO_QUEUE_MAX) {
        return;
    }
    /* A queue may neither appear nor vanish, nor exceed the maximum. */
    if ((num != 0) != (vdev->vq[n].num != 0) || num > VIRTQUEUE_MAX_SIZE ||
        num < 0) {
        return;
    }
    vdev->vq[n].num = (uint16_t)num;
}

void virtio_queue_set_rings(VirtIODevice *vdev, unsigned n, uint64_t desc,
                            uint64_t avail, uint64_t used)
{
    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num) {
        return;
    }
    vdev->vq[n].desc = desc;
    vdev->vq[n].avail = avail;
    vdev->vq[n].used = used;
}

void virtio_queue_set_addr(VirtIODevice *vdev, unsigned n, uint64_t addr)
{
    VirtQueue *vq;
    uint64_t avail_end;

    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num) {
        return;
    }
    vq = &vdev->vq[n];
    vq->desc = addr;
    vq->avail = addr + (uint64_t)vq->num * VRING_DESC_SIZE;
    avail_end =
        vq->avail + VRING_AVAIL_HDR + (uint64_t)vq->num * VRING_AVAIL_ELEM;
    vq->used = (avail_end + VIRTIO_PCI_VRING_ALIGN - 1) &
               ~(uint64_t)(VIRTIO_PCI_VRING_ALIGN - 1);
}

uint64_t virtio_queue_get_addr(const VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX ? vdev->vq[n].desc : 0;
}

uint16_t virtio_queue_vector(const VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX ? vdev->vq[n].vector : VIRTIO_NO_VECTOR;
}

void virtio_queue_set_vector(VirtIODevice *vdev, unsigned n, uint16_t vector)
{
    if (n < VIRTIO_QUEUE_MAX) {
        vdev->vq[n].vector = vector;
    }
}

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].desc || vdev->broken) {
        return;
    }
    vdev->vq[n].notifications++;
    if (vdev->ops->handle_notify) {
        vdev->ops->handle_notify(vdev, n);
    }
}

void virtio_queue_kick_all(VirtIODevice *vdev)
{
    unsigned n;

    for (n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        if (vdev->broken) {
            return;
        }
        if (vdev->vq[n].num && vdev->vq[n].desc && vdev->ops->handle_notify) {
            vdev->ops->handle_notify(vdev, n);
        }
    }
}

/* ---- Split ring access ---- */

static uint16_t vring_ld16(const VirtIODevice *vdev, uint64_t addr)
{
    if (!vdev->dma_as) {
        return 0;
    }
    return (uint16_t)address_space_ld(vdev->dma_as, addr, 2);
}

static void vring_st(const VirtIODevice *vdev, uint64_t addr, uint32_t val,
                     unsigned size)
{
    if (vdev->dma_as) {
        address_space_st(vdev->dma_as, addr, val, size);
    }
}

static bool vdev_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return virtio_has_feature(vdev->guest_features, bit);
}

bool virtio_queue_ready(const VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX && vdev->vq[n].avail != 0;
}

static bool virtio_queue_empty(const VirtIODevice *vdev, const VirtQueue *vq)
{
    if (!vq->avail) {
        return true;
    }
    return vring_ld16(vdev, vq->avail + VRING_AVAIL_IDX) == vq->last_avail_idx;
}

void virtio_error(VirtIODevice *vdev)
{
    if (vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        virtio_notify_config(vdev);
    }
    vdev->broken = true;
}

bool virtio_queue_pop_push(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq;
    uint16_t avail_idx, head, old;

    if (n >= VIRTIO_QUEUE_MAX || vdev->broken) {
        return false;
    }
    vq = &vdev->vq[n];
    if (!vq->num || virtio_queue_empty(vdev, vq)) {
        return false;
    }
    avail_idx = vring_ld16(vdev, vq->avail + VRING_AVAIL_IDX);
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num ||
        vq->inuse >= vq->num) {
        /* "Guest moved used index" / "Virtqueue size exceeded". */
        virtio_error(vdev);
        return false;
    }
    head = vring_ld16(vdev, vq->avail + VRING_AVAIL_RING +
                                (uint64_t)(vq->last_avail_idx % vq->num) *
                                    VRING_AVAIL_ELEM);
    vq->last_avail_idx++;
    if (head >= vq->num) {
        /* "Guest says index %u is available". */
        virtio_error(vdev);
        return false;
    }
    if (vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        /* avail_event follows the used ring. */
        vring_st(vdev,
                 vq->used + VRING_USED_RING +
                     (uint64_t)vq->num * VRING_USED_ELEM,
                 vq->last_avail_idx, 2);
    }
    vq->inuse++;

    /* Return it: used element { id, len = 0 }, then the used index. */
    old = vq->used_idx;
    vring_st(vdev,
             vq->used + VRING_USED_RING +
                 (uint64_t)(old % vq->num) * VRING_USED_ELEM,
             head, 4);
    vring_st(vdev,
             vq->used + VRING_USED_RING +
                 (uint64_t)(old % vq->num) * VRING_USED_ELEM + 4,
             0, 4);
    vq->used_idx = (uint16_t)(old + 1);
    vring_st(vdev, vq->used + VRING_USED_IDX, vq->used_idx, 2);
    vq->inuse--;
    if ((int16_t)(vq->used_idx - vq->signalled_used) <
        (uint16_t)(vq->used_idx - old)) {
        vq->signalled_used_valid = false;
    }
    return true;
}

void virtio_queue_discard(VirtIODevice *vdev, unsigned n)
{
    if (!virtio_queue_ready(vdev, n)) {
        return;
    }
    while (virtio_queue_pop_push(vdev, n)) {
        continue;
    }
    virtio_notify(vdev, n);
}

void virtio_queue_complete_each(VirtIODevice *vdev, unsigned n)
{
    while (virtio_queue_pop_push(vdev, n)) {
        virtio_notify(vdev, n);
    }
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size)
{
    uint32_t v = 0;
    unsigned i;

    if (size != 1 && size != 2 && size != 4) {
        return UINT32_MAX;
    }
    if ((uint64_t)addr + size > vdev->config_len) {
        return UINT32_MAX;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    for (i = 0; i < size; i++) {
        v |= (uint32_t)vdev->config[addr + i] << (8 * i);
    }
    return v;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size)
{
    unsigned i;

    if (size != 1 && size != 2 && size != 4) {
        return;
    }
    if ((uint64_t)addr + size > vdev->config_len) {
        return;
    }
    for (i = 0; i < size; i++) {
        vdev->config[addr + i] = (uint8_t)(val >> (8 * i));
    }
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, vdev->config);
    }
}

static void virtio_irq(VirtIODevice *vdev, uint16_t vector)
{
    if (vdev->broken) {
        return;
    }
    if (vdev->transport && vdev->transport->notify) {
        vdev->transport->notify(vdev->transport_opaque, vector);
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    /* QEMU raises both ISR bits for a configuration change. */
    vdev->isr |= VIRTIO_ISR_CONFIG | VIRTIO_ISR_QUEUE;
    vdev->generation++;
    virtio_irq(vdev, vdev->config_vector);
}

/* QEMU 7.2's split-ring interrupt suppression. */
static bool virtio_should_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    uint16_t old, new, event;
    bool valid;

    if (vdev_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) && !vq->inuse &&
        virtio_queue_empty(vdev, vq)) {
        return true;
    }
    if (!vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        return !vq->avail || !(vring_ld16(vdev, vq->avail + VRING_AVAIL_FLAGS) &
                               VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = true;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    if (!valid) {
        return true;
    }
    /* used_event follows the available ring. */
    event = vq->avail
                ? vring_ld16(vdev, vq->avail + VRING_AVAIL_RING +
                                       (uint64_t)vq->num * VRING_AVAIL_ELEM)
                : 0;
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

void virtio_notify(VirtIODevice *vdev, unsigned n)
{
    if (n >= VIRTIO_QUEUE_MAX || !virtio_should_notify(vdev, &vdev->vq[n])) {
        return;
    }
    vdev->isr |= VIRTIO_ISR_QUEUE;
    virtio_irq(vdev, vdev->vq[n].vector);
}

/* ---- Registry ---- */

typedef struct VirtIOEntry {
    VirtIODevice *vdev;
    char *path;
    char *bus_name;
    struct VirtIOEntry *next;
} VirtIOEntry;

static VirtIOEntry *virtio_devices;

static char *virtio_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

void virtio_register_device(VirtIODevice *vdev, const char *path,
                            const char *bus_name)
{
    VirtIOEntry *e = calloc(1, sizeof(*e));

    if (!e) {
        return;
    }
    e->vdev = vdev;
    e->path = virtio_strdup(path);
    e->bus_name = virtio_strdup(bus_name ? bus_name : "");
    e->next = virtio_devices;
    virtio_devices = e;
}

void virtio_unregister_device(VirtIODevice *vdev)
{
    VirtIOEntry **pp = &virtio_devices;

    while (*pp) {
        VirtIOEntry *e = *pp;

        if (e->vdev == vdev) {
            *pp = e->next;
            free(e->path);
            free(e->bus_name);
            free(e);
            return;
        }
        pp = &e->next;
    }
}

VirtIODevice *virtio_device_nth(int i, const char **path, const char **bus_name)
{
    VirtIOEntry *e = virtio_devices;

    while (e && i > 0) {
        e = e->next;
        i--;
    }
    if (!e) {
        return NULL;
    }
    if (path) {
        *path = e->path;
    }
    if (bus_name) {
        *bus_name = e->bus_name;
    }
    return e->vdev;
}

VirtIODevice *virtio_device_by_path(const char *path, const char **bus)
{
    VirtIOEntry *e;

    for (e = virtio_devices; e; e = e->next) {
        if (e->path && strcmp(e->path, path) == 0) {
            if (bus) {
                *bus = e->bus_name;
            }
            return e->vdev;
        }
    }
    return NULL;
}
