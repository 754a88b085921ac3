/*
 * virtio-rng-pci, as QEMU 7.2 offers it on pc: one request queue, no
 * device config, and the max-bytes and period properties checked at
 * realize.  No entropy source is modelled: requests are not answered.
 */
#include "src/rng.h"
#include "src/virtio-pci.h"

/* PCI device ID (transitional). */
#define PCI_DEVICE_ID_VIRTIO_RNG 0x1005

#define RNG_QUEUE_SIZE 8

/* virtio-rng-device: QEMU 7.2's properties. */
typedef struct VirtIORngBackend {
    VirtIOBackend parent_obj;
    uint64_t max_bytes;
    uint32_t period_ms;
    /* "rng": the backend given, or the rng-builtin "default-backend" made
     * under virtio-backend when none is (QEMU's virtio-rng does the same). */
    Object *rng;
} VirtIORngBackend;

#define TYPE_VIRTIO_RNG_DEVICE "virtio-rng-device"

typedef struct VirtIORngPCI {
    VirtIOPCIProxy proxy;
} VirtIORngPCI;

#define TYPE_VIRTIO_RNG_PCI "virtio-rng-pci"
OBJECT_DECLARE_CASTS(VirtIORngPCI, VirtIOPCIClass, VIRTIO_RNG_PCI,
                     VIRTIO_PCI_BASE(TYPE_VIRTIO_RNG_PCI))

static const VirtIOFeatureName vhost_user_feature_names[] = {
    { VHOST_USER_F_PROTOCOL_FEATURES,
      "VHOST_USER_F_PROTOCOL_FEATURES: "
      "Vhost-user protocol features negotiation supported" },
    { -1, NULL }
};

static const VirtIODeviceOps rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .feature_names = vhost_user_feature_names,
};

static bool rng_realize(VirtIOPCIProxy *p, Error **errp)
{
    VirtIORngPCI *r = VIRTIO_RNG_PCI(p);

    if (VIRTIO_PCI_BACKEND(VirtIORngBackend, p)->period_ms == 0) {
        error_setg(errp, "'period' parameter expects a positive integer");
        return false;
    }
    if (VIRTIO_PCI_BACKEND(VirtIORngBackend, p)->max_bytes > INT64_MAX) {
        error_setg(errp, "'max-bytes' parameter must be non-negative, "
                         "and less than 2^63");
        return false;
    }
    virtio_init(&p->vdev, &rng_ops, r, 0);
    virtio_add_queue(&p->vdev, RNG_QUEUE_SIZE);
    p->class_code = PCI_CLASS_OTHERS;
    if (p->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        p->nvectors = 2;
    }
    return true;
}

static void rng_backend_added(VirtIOPCIProxy *p, DeviceState *backend)
{
    VirtIORngBackend *be = VIRTIO_PCI_BACKEND(VirtIORngBackend, p);

    if (!be->rng) {
        Object *def = object_new(TYPE_RNG_BUILTIN);

        /* rng-builtin opens without fail. */
        rng_backend_open(RNG_BACKEND(def), NULL);
        object_property_add_child(OBJECT(backend), "default-backend", def);
        be->rng = def; /* the link's reference */
    }
}

static const Property rng_pci_props[] = {
    DEFINE_VIRTIO_PCI_IOEVENTFD(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

/* No entropy is delivered, so max-bytes and period are checked only. */
static const Property rng_device_props[] = {
    DEFINE_PROP_UINT64("max-bytes", VirtIORngBackend, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORngBackend, period_ms, 1 << 16),
    DEFINE_PROP_LINK("rng", VirtIORngBackend, rng, TYPE_RNG_BACKEND, Object *),
    DEFINE_PROP_END_OF_LIST(),
};

static void rng_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    device_class_set_props(dc, rng_device_props);
}

static void rng_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    VirtIOPCIClass *vk = VIRTIO_PCI_CLASS(klass);

    (void)data;
    k->device_id = PCI_DEVICE_ID_VIRTIO_RNG;
    k->class_id = PCI_CLASS_OTHERS;
    vk->device_realize = rng_realize;
    vk->backend_added = rng_backend_added;
    vk->backend_type = TYPE_VIRTIO_RNG_DEVICE;
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, rng_pci_props);
}

static const TypeInfo virtio_rng_pci_info = {
    .name = TYPE_VIRTIO_RNG_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIORngPCI),
    .class_init = rng_class_init,
};

void virtio_rng_register_types(void)
{
    virtio_backend_type_register(TYPE_VIRTIO_RNG_DEVICE,
                                 sizeof(VirtIORngBackend),
                                 rng_device_class_init, NULL);
    virtio_pci_types_register(&virtio_rng_pci_info);
}
