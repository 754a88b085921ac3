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

typedef struct VirtIORngPCI {
    VirtIOPCIProxy proxy;
    uint64_t max_bytes;
    uint32_t period_ms;
    /* "rng": the backend given, or the rng-builtin "default-backend" made
     * under virtio-backend when none is (QEMU's virtio-rng does the same). */
    Object *rng;
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

    if (r->period_ms == 0) {
        error_setg(errp, "'period' parameter expects a positive integer");
        return false;
    }
    if (r->max_bytes > INT64_MAX) {
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

/* The link QEMU's virtio-rng-device has; the proxy's "rng" is its alias. */
static bool backend_link_check(const Object *obj, const char *name, Object *val,
                               Error **errp)
{
    (void)obj;
    (void)val;
    error_setg(errp, "Property '%s' can no longer be set", name);
    return false;
}

static void rng_backend_added(VirtIOPCIProxy *p, DeviceState *backend)
{
    VirtIORngPCI *r = VIRTIO_RNG_PCI(p);

    if (!r->rng) {
        Object *def = object_new(TYPE_RNG_BUILTIN);

        /* rng-builtin opens without fail. */
        rng_backend_open(RNG_BACKEND(def), NULL);
        object_property_add_child(OBJECT(backend), "default-backend", def);
        r->rng = def; /* the link's reference */
    }
    object_property_add_link(OBJECT(backend), "rng", TYPE_RNG_BACKEND, &r->rng,
                             backend_link_check, 0);
}

static Property rng_props[] = {
    DEFINE_VIRTIO_PCI_PROPS(),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_UINT64("max-bytes", VirtIORngPCI, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORngPCI, period_ms, 1 << 16),
    DEFINE_PROP_LINK("rng", VirtIORngPCI, rng, TYPE_RNG_BACKEND, Object *),
    DEFINE_PROP_END_OF_LIST(),
};

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
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, rng_props);
}

static const TypeInfo virtio_rng_pci_info = {
    .name = TYPE_VIRTIO_RNG_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIORngPCI),
    .class_init = rng_class_init,
};

void virtio_rng_register_types(void)
{
    virtio_pci_types_register(&virtio_rng_pci_info);
}
