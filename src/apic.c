/*
 * The local APIC as QOM shows it: its properties (id, version, vapic,
 * legacy-instance-id) and the "apic-msi" region it owns.
 */
#include "apic.h"

#include "backend.h"
#include "util.h"

#include <stdint.h>

struct APICState {
    DeviceState parent_obj;
    uint32_t id;
    uint8_t version;
    bool vapic;
    bool legacy_instance_id;
};

OBJECT_DECLARE_CASTS(APICState, DeviceClass, APIC_COMMON, TYPE_APIC_COMMON)

static const Property apic_common_props[] = {
    DEFINE_PROP_UINT8("version", APICState, version, 0x14),
    DEFINE_PROP("vapic", APICState, vapic, qdev_prop_bool, bool,
                .set_default = true, .defval.u = true, .description = "on/off"),
    DEFINE_PROP_BOOL("legacy-instance-id", APICState, legacy_instance_id,
                     false),
    DEFINE_PROP_END_OF_LIST(),
};

/* "id" is an instance property in QEMU (no default shown). */
static json_t *apic_id_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)prop;
    (void)errp;
    return json_integer(APIC_COMMON(obj)->id);
}

static bool apic_id_set(Object *obj, ObjectProperty *prop, json_t *value,
                        Error **errp)
{
    json_int_t v = json_is_integer(value) ? json_integer_value(value) : -1;

    if (DEVICE(obj)->realized) {
        error_setg(errp,
                   "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized",
                   prop->name, object_get_typename(obj));
        return false;
    }
    if (v < 0 || v > UINT32_MAX) {
        error_setg(errp, "Parameter '%s' expects uint32_t", prop->name);
        return false;
    }
    APIC_COMMON(obj)->id = (uint32_t)v;
    return true;
}

static void apic_common_instance_init(Object *obj)
{
    object_property_add(obj, "id", "uint32", apic_id_get, apic_id_set, NULL,
                        NULL);
}

static bool apic_realize(DeviceState *dev, Error **errp)
{
    Object *mr = object_new(TYPE_MEMORY_REGION);

    (void)errp;
    /* The APIC's MMIO page, "apic-msi" (the board maps the first one). */
    object_property_add_child(OBJECT(dev), "apic-msi[0]", mr);
    object_unref(mr);
    return true;
}

static void apic_common_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    device_class_set_props(dc, apic_common_props);
    dc->realize = apic_realize;
    /* Created by its vCPU only (QEMU: user_creatable false). */
    dc->user_creatable = false;
}

static const TypeInfo apic_types[] = {
    {
        .name = TYPE_APIC_COMMON,
        .parent = TYPE_DEVICE,
        .abstract = true,
        .instance_size = sizeof(APICState),
        .instance_init = apic_common_instance_init,
        .class_size = sizeof(DeviceClass),
        .class_init = apic_common_class_init,
    },
    {
        .name = TYPE_APIC,
        .parent = TYPE_APIC_COMMON,
    },
    {
        .name = "kvm-apic",
        .parent = TYPE_APIC_COMMON,
    },
};

void apic_register_types(void)
{
    type_register_static_array(apic_types, ARRAY_SIZE(apic_types));
}

APICState *apic_create_child(Object *cpu, uint32_t id, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_APIC);
    APICState *s = APIC_COMMON(dev);

    s->id = id;
    object_property_add_child(cpu, "lapic", OBJECT(dev));
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    return s;
}
