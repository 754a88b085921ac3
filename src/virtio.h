/*
 * Virtio device core, modelled on QEMU 7.2's hw/virtio/virtio.c: device
 * status, feature negotiation, virtqueue registers (size, rings, MSI-X
 * vector), the device configuration space with its generation counter,
 * the ISR and reset.  Split rings are processed only as far as QEMU's
 * devices do without a backend: elements are taken off the available
 * ring and returned unused, and notifications follow QEMU 7.2's
 * suppression rules (VRING_AVAIL_F_NO_INTERRUPT, EVENT_IDX,
 * NOTIFY_ON_EMPTY).
 *
 * A VirtIODevice is embedded in its transport (virtio-pci proxy); the
 * device model (balloon, net, ...) supplies a VirtIODeviceOps table and
 * the transport supplies VirtIOTransportOps for interrupts.
 */
#ifndef QMACHINED_VIRTIO_H
#define QMACHINED_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_QUEUE_MAX 1024
#define VIRTQUEUE_MAX_SIZE 1024
#define VIRTIO_NO_VECTOR 0xffff

/* Device status bits. */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 0x01
#define VIRTIO_CONFIG_S_DRIVER 0x02
#define VIRTIO_CONFIG_S_DRIVER_OK 0x04
#define VIRTIO_CONFIG_S_FEATURES_OK 0x08
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

/* ISR bits. */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

/* Transport feature bits. */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_BAD_FEATURE 30
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_IOMMU_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_RING_RESET 40
/* vhost-user's bit, listed by devices a vhost-user backend may serve. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

/* Virtio device IDs. */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_BALLOON 5

/* Legacy ring layout alignment (queue PFN). */
#define VIRTIO_PCI_VRING_ALIGN 4096

typedef struct VirtIODevice VirtIODevice;

typedef struct VirtQueue {
    uint16_t num; /* current size, 0: queue absent */
    uint16_t num_default; /* size the device created it with */
    uint16_t vector;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint32_t notifications; /* driver kicks seen (tests) */
    uint16_t last_avail_idx; /* next available entry to take */
    uint16_t used_idx; /* next used entry to write */
    uint16_t signalled_used; /* used_idx at the last interrupt */
    bool signalled_used_valid;
    unsigned inuse; /* taken, not yet returned */
} VirtQueue;

/* Text names of feature bits, for x-query-virtio-status. */
typedef struct VirtIOFeatureName {
    int bit;
    const char *text;
} VirtIOFeatureName;

typedef struct VirtIODeviceOps {
    const char *name; /* "virtio-balloon" */
    uint16_t device_id; /* VIRTIO_ID_* */
    /* Fill vdev->config from the device state (may be NULL). */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote the config space (may be NULL). */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* Device part of a reset (may be NULL). */
    void (*reset)(VirtIODevice *vdev);
    /* The driver writes status val, before it takes effect (may be NULL). */
    void (*set_status)(VirtIODevice *vdev, uint8_t val);
    /* The driver kicked queue n (may be NULL). */
    void (*handle_notify)(VirtIODevice *vdev, unsigned n);
    /* Device feature names (terminated by { -1, NULL }). */
    const VirtIOFeatureName *feature_names;
} VirtIODeviceOps;

typedef struct VirtIOTransportOps {
    /* Interrupt for vector (VIRTIO_NO_VECTOR: INTx only). */
    void (*notify)(void *opaque, uint16_t vector);
} VirtIOTransportOps;

struct VirtIODevice {
    const VirtIODeviceOps *ops;
    void *opaque; /* the device model's state */
    const VirtIOTransportOps *transport;
    void *transport_opaque;

    uint8_t status;
    uint8_t isr;
    uint16_t queue_sel;
    uint16_t config_vector;
    uint32_t generation;
    uint64_t host_features;
    uint64_t guest_features;
    uint64_t backend_features;
    uint64_t legacy_features; /* hidden from modern drivers */
    bool started;
    bool broken;

    /* Guest memory as the device sees it (bus master); NULL: none. */
    struct AddressSpace *dma_as;

    size_t config_len;
    uint8_t *config;
    VirtQueue *vq; /* VIRTIO_QUEUE_MAX entries */
};

/* Sets up vdev (config_len bytes of device config). */
void virtio_init(VirtIODevice *vdev, const VirtIODeviceOps *ops, void *opaque,
                 size_t config_len);
void virtio_cleanup(VirtIODevice *vdev);
/* Adds a queue of size num; returns its index, -1 when full. */
int virtio_add_queue(VirtIODevice *vdev, uint16_t num);
/* Number of queues with a nonzero size below the highest one + 1. */
int virtio_get_num_queues(const VirtIODevice *vdev);

static inline bool virtio_has_feature(uint64_t features, unsigned bit)
{
    return (features >> bit) & 1;
}
static inline void virtio_add_feature(uint64_t *features, unsigned bit)
{
    *features |= 1ULL << bit;
}
static inline void virtio_clear_feature(uint64_t *features, unsigned bit)
{
    *features &= ~(1ULL << bit);
}

/* Driver side. */
void virtio_reset(VirtIODevice *vdev);
void virtio_set_status(VirtIODevice *vdev, uint8_t val);
/* Returns false (features unchanged) once FEATURES_OK is set. */
bool virtio_set_features(VirtIODevice *vdev, uint64_t val);

uint16_t virtio_queue_get_num(const VirtIODevice *vdev, unsigned n);
void virtio_queue_set_num(VirtIODevice *vdev, unsigned n, int num);
void virtio_queue_set_rings(VirtIODevice *vdev, unsigned n, uint64_t desc,
                            uint64_t avail, uint64_t used);
/* Legacy: descriptor table address; the rings follow at 4 KiB layout. */
void virtio_queue_set_addr(VirtIODevice *vdev, unsigned n, uint64_t addr);
uint64_t virtio_queue_get_addr(const VirtIODevice *vdev, unsigned n);
uint16_t virtio_queue_vector(const VirtIODevice *vdev, unsigned n);
void virtio_queue_set_vector(VirtIODevice *vdev, unsigned n, uint16_t vector);
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);
/*
 * The transport started listening for kicks (QEMU's ioeventfd start at
 * DRIVER_OK): every queue with rings is processed once, as QEMU kicks
 * them all to pick up buffers made available before.
 */
void virtio_queue_kick_all(VirtIODevice *vdev);

/* Device side ring processing. */
bool virtio_queue_ready(const VirtIODevice *vdev, unsigned n);
/*
 * Takes the next available element off queue n and returns it used with
 * 0 bytes written.  False when the queue is empty (or the device broke
 * on a bad index, as QEMU's virtio_error does).
 */
bool virtio_queue_pop_push(VirtIODevice *vdev, unsigned n);
/* Returns every available element unused, then notifies once. */
void virtio_queue_discard(VirtIODevice *vdev, unsigned n);
/* Returns every available element unused, notifying after each. */
void virtio_queue_complete_each(VirtIODevice *vdev, unsigned n);
/* The device failed: NEEDS_RESET (modern), config interrupt, broken. */
void virtio_error(VirtIODevice *vdev);

/* Device config space accesses (little-endian on pc). */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size);

/* Device side: config changed (generation, ISR bit 1, interrupt). */
void virtio_notify_config(VirtIODevice *vdev);
/*
 * Device side: used buffers on queue n (ISR bit 0, interrupt) unless
 * the driver suppressed the notification.
 */
void virtio_notify(VirtIODevice *vdev, unsigned n);

/* Feature-bit texts of the transport bits (x-query-virtio-status). */
extern const VirtIOFeatureName virtio_transport_feature_names[];

/*
 * Registry of realized virtio devices (x-query-virtio, balloon lookup):
 * path is the QOM path of the backend ("/machine/peripheral/ID/
 * virtio-backend"), bus_name its child bus ("" when none).
 */
void virtio_register_device(VirtIODevice *vdev, const char *path,
                            const char *bus_name);
void virtio_unregister_device(VirtIODevice *vdev);
/* Newest first, as QEMU lists them; NULL past the end. */
VirtIODevice *virtio_device_nth(int i, const char **path,
                                const char **bus_name);
VirtIODevice *virtio_device_by_path(const char *path, const char **bus);

#endif
