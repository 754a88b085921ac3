/*
 * Devices, buses, hotplug handlers and the machine object.
 */
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/events.h"
#include "src/json-value.h"
#include "src/loop.h"
#include "src/qdev.h"
#include "src/util.h"

static Object *machine_obj;
static bool hotplug_phase;
static int unattached_count;
static int anon_count;

Object *qdev_get_machine(void)
{
    return machine_obj;
}

void qdev_set_hotplug_phase(bool after_machine_init)
{
    hotplug_phase = after_machine_init;
}

bool qdev_hotplug_phase(void)
{
    return hotplug_phase;
}

/* ---- Hotplug handlers ---- */

bool hotplug_handler_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(h);

    return hc->pre_plug ? hc->pre_plug(h, dev, errp) : true;
}

bool hotplug_handler_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(h);

    return hc->plug ? hc->plug(h, dev, errp) : true;
}

bool hotplug_handler_unplug_request(HotplugHandler *h, DeviceState *dev,
                                    Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(h);

    return hc->unplug_request ? hc->unplug_request(h, dev, errp) : true;
}

bool hotplug_handler_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(h);

    return hc->unplug ? hc->unplug(h, dev, errp) : true;
}

HotplugHandler *qdev_get_machine_hotplug_handler(DeviceState *dev)
{
    Object *m = qdev_get_machine();

    if (m && object_dynamic_cast(m, TYPE_MACHINE)) {
        MachineClass *mc = MACHINE_GET_CLASS(m);

        if (mc->get_hotplug_handler) {
            return mc->get_hotplug_handler(MACHINE(m), dev);
        }
    }
    return NULL;
}

HotplugHandler *qdev_get_bus_hotplug_handler(DeviceState *dev)
{
    return dev->parent_bus ? dev->parent_bus->hotplug_handler : NULL;
}

HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev)
{
    HotplugHandler *h = qdev_get_machine_hotplug_handler(dev);

    return h ? h : qdev_get_bus_hotplug_handler(dev);
}

bool qdev_hotplug_allowed(DeviceState *dev, Error **errp)
{
    Object *m = qdev_get_machine();

    if (m && object_dynamic_cast(m, TYPE_MACHINE)) {
        MachineClass *mc = MACHINE_GET_CLASS(m);

        if (mc->hotplug_allowed) {
            return mc->hotplug_allowed(MACHINE(m), dev, errp);
        }
    }
    return true;
}

/* ---- Buses ---- */

bool qbus_is_hotpluggable(BusState *bus)
{
    HotplugHandler *h = bus->hotplug_handler;

    if (!h) {
        return false;
    }
    if (HOTPLUG_HANDLER_GET_CLASS(h)->is_hotpluggable_bus) {
        return HOTPLUG_HANDLER_GET_CLASS(h)->is_hotpluggable_bus(h, bus);
    }
    return true;
}

void qbus_set_hotplug_handler(BusState *bus, Object *handler)
{
    if (!object_property_set_link(OBJECT(bus), "hotplug-handler", handler,
                                  NULL)) {
        abort();
    }
}

static void bus_remove_child(BusState *bus, DeviceState *dev)
{
    BusChild **pp;

    for (pp = &bus->children; *pp; pp = &(*pp)->next) {
        BusChild *kid = *pp;

        if (kid->child == dev) {
            char name[32];

            snprintf(name, sizeof(name), "child[%d]", kid->index);
            *pp = kid->next;
            bus->num_children--;
            object_property_del(OBJECT(bus), name);
            object_unref(OBJECT(dev));
            free(kid);
            return;
        }
    }
}

bool qbus_is_full(BusState *bus)
{
    BusClass *k = BUS_GET_CLASS(bus);

    return bus->full || (k->max_dev && bus->num_children >= k->max_dev);
}

static void bus_add_child(BusState *bus, DeviceState *dev)
{
    BusChild *kid = xzalloc(sizeof(*kid));
    char name[32];

    bus->num_children++;
    kid->index = bus->max_index++;
    kid->child = dev;
    object_ref(OBJECT(dev));
    kid->next = bus->children; /* newest first, as QEMU */
    bus->children = kid;
    snprintf(name, sizeof(name), "child[%d]", kid->index);
    object_property_add_link(OBJECT(bus), name,
                             object_get_typename(OBJECT(dev)),
                             (Object **)&kid->child, NULL, 0);
}

void qdev_set_parent_bus(DeviceState *dev, BusState *bus)
{
    BusState *old = dev->parent_bus;

    object_ref(OBJECT(dev));
    if (old) {
        bus_remove_child(old, dev);
        object_unref(OBJECT(old));
    }
    dev->parent_bus = bus;
    object_ref(OBJECT(bus));
    bus_add_child(bus, dev);
    object_unref(OBJECT(dev));
}

struct BusList {
    BusState *bus;
    struct BusList *next;
};

BusState *qbus_new(const char *typename, DeviceState *parent, const char *name)
{
    BusState *bus = BUS(object_new(typename));
    BusClass *bc = BUS_GET_CLASS(bus);

    if (name) {
        bus->name = xstrdup(name);
    } else if (parent && parent->id) {
        bus->name = xasprintf("%s.%d", parent->id, parent->num_child_bus);
    } else {
        char *s = xasprintf("%s.%d", typename, bc->automatic_ids++);
        char *c;

        for (c = s; *c; c++) {
            *c = (char)tolower((unsigned char)*c);
        }
        bus->name = s;
    }
    bus->parent = parent;
    if (parent) {
        struct BusList *l = xzalloc(sizeof(*l));

        l->bus = bus;
        l->next = parent->child_bus;
        parent->child_bus = l;
        parent->num_child_bus++;
        object_property_add_child(OBJECT(parent), bus->name, OBJECT(bus));
        object_unref(OBJECT(bus));
    }
    return bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    struct BusList *l;

    for (l = dev->child_bus; l; l = l->next) {
        if (strcmp(l->bus->name, name) == 0) {
            return l->bus;
        }
    }
    return NULL;
}

BusState *qdev_last_child_bus(DeviceState *dev)
{
    return dev->child_bus ? dev->child_bus->bus : NULL;
}

int qbus_foreach_child(BusState *bus, int (*fn)(DeviceState *dev, void *op),
                       void *opaque)
{
    BusChild *kid, *next;

    for (kid = bus->children; kid; kid = next) {
        int r;

        next = kid->next;
        r = fn(kid->child, opaque);
        if (r) {
            return r;
        }
    }
    return 0;
}

static bool bus_get_realized(Object *obj, Error **errp)
{
    return BUS(obj)->realized;
}

static bool bus_set_realized(Object *obj, bool value, Error **errp)
{
    BUS(obj)->realized = value;
    return true;
}

static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);
    DeviceState *parent = bus->parent;

    while (bus->children) {
        object_unparent(OBJECT(bus->children->child));
    }
    /* A bus that handles its own hotplug (usb-bus) holds itself. */
    if (bus->hotplug_handler == obj) {
        object_property_set_link(obj, "hotplug-handler", NULL, NULL);
    }
    if (parent) {
        struct BusList **pp;

        for (pp = &parent->child_bus; *pp; pp = &(*pp)->next) {
            if ((*pp)->bus == bus) {
                struct BusList *l = *pp;

                *pp = l->next;
                free(l);
                parent->num_child_bus--;
                break;
            }
        }
        bus->parent = NULL;
    }
}

static void bus_finalize(Object *obj)
{
    free(BUS(obj)->name);
}

/* "hotplug-handler" and "realized" are instance properties in QEMU 7.2,
 * added in this order (their places in qom-list among the children's
 * links follow from that). */
static void bus_instance_init(Object *obj)
{
    object_property_add_link(obj, "hotplug-handler", TYPE_HOTPLUG_HANDLER,
                             (Object **)&BUS(obj)->hotplug_handler,
                             object_property_allow_set_link,
                             OBJ_PROP_LINK_STRONG);
    object_property_add_bool(obj, "realized", bus_get_realized,
                             bus_set_realized);
}

static void bus_class_init(ObjectClass *k, void *data)
{
    k->unparent = bus_unparent;
}

/* ---- Static properties ---- */

static void *field_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

bool qdev_prop_allow_set(Object *obj, const char *name, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (!dev->realized) {
        return true;
    }
    if (dev->id) {
        error_setg(errp,
                   "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized",
                   name, dev->id, object_get_typename(obj));
    } else {
        error_setg(errp,
                   "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized",
                   name, object_get_typename(obj));
    }
    return false;
}

static bool want_int(json_t *v, const char *name, const char *type,
                     Error **errp)
{
    if (!json_is_integer(v)) {
        if (json_is_number(v) && type) {
            error_setg(errp, "Parameter '%s' expects %s", name, type);
        } else {
            error_setg(errp,
                       "Invalid parameter type for '%s', "
                       "expected: integer",
                       name);
        }
        return false;
    }
    return true;
}

static json_t *get_bool(Object *obj, const Property *prop, Error **errp)
{
    return json_boolean(*(bool *)field_ptr(obj, prop));
}

/* v must be a JSON boolean (QEMU's visitor error otherwise). */
static bool want_bool(json_t *v, const Property *prop, Error **errp)
{
    if (!json_is_boolean(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
                   prop->name);
        return false;
    }
    return true;
}

static bool set_bool(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    if (!want_bool(v, prop, errp)) {
        return false;
    }
    *(bool *)field_ptr(obj, prop) = json_is_true(v);
    return true;
}

static json_t *get_bit(Object *obj, const Property *prop, Error **errp)
{
    uint32_t *f = field_ptr(obj, prop);

    return json_boolean((*f >> prop->bitnr) & 1);
}

static bool set_bit(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    uint32_t *f = field_ptr(obj, prop);

    if (!want_bool(v, prop, errp)) {
        return false;
    }
    if (json_is_true(v)) {
        *f |= 1u << prop->bitnr;
    } else {
        *f &= ~(1u << prop->bitnr);
    }
    return true;
}

static json_t *get_bit64(Object *obj, const Property *prop, Error **errp)
{
    uint64_t *f = field_ptr(obj, prop);

    return json_boolean((*f >> prop->bitnr) & 1);
}

static bool set_bit64(Object *obj, const Property *prop, json_t *v,
                      Error **errp)
{
    uint64_t *f = field_ptr(obj, prop);

    if (!want_bool(v, prop, errp)) {
        return false;
    }
    if (json_is_true(v)) {
        *f |= 1ull << prop->bitnr;
    } else {
        *f &= ~(1ull << prop->bitnr);
    }
    return true;
}

static json_t *defval_bool(const Property *prop)
{
    return json_boolean(prop->defval.u != 0);
}

static json_t *defval_uint(const Property *prop)
{
    return json_integer((json_int_t)prop->defval.u);
}

static json_t *defval_int(const Property *prop)
{
    return json_integer(prop->defval.i);
}

#define UINT_PROP(bits, tname)                                                \
    static json_t *get_u##bits(Object *obj, const Property *prop,             \
                               Error **errp)                                  \
    {                                                                         \
        return json_uint64(*(uint##bits##_t *)field_ptr(obj, prop));          \
    }                                                                         \
    static bool set_u##bits(Object *obj, const Property *prop, json_t *v,     \
                            Error **errp)                                     \
    {                                                                         \
        json_int_t i;                                                         \
        if (!json_is_integer(v)) {                                            \
            error_setg(errp, "Parameter '%s' expects %s", prop->name,         \
                       bits == 64 ? tname : "uint64");                        \
            return false;                                                     \
        }                                                                     \
        i = json_integer_value(v);                                            \
        if (bits < 64 &&                                                      \
            (i < 0 || (uint64_t)i > (uint64_t)UINT##bits##_MAX)) {            \
            error_setg(errp, "Parameter '%s' expects %s", prop->name, tname); \
            return false;                                                     \
        }                                                                     \
        *(uint##bits##_t *)field_ptr(obj, prop) = (uint##bits##_t)i;          \
        return true;                                                          \
    }

UINT_PROP(8, "uint8")
UINT_PROP(16, "uint16")
UINT_PROP(32, "uint32")

/* uint64: QEMU's QMP input also takes negative integers (wrapped). */
static json_t *get_u64(Object *obj, const Property *prop, Error **errp)
{
    return json_uint64(*(uint64_t *)field_ptr(obj, prop));
}

static bool set_u64(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    uint64_t u;

    if (json_get_uint64(v, &u)) {
        *(uint64_t *)field_ptr(obj, prop) = u;
        return true;
    }
    if (json_is_integer(v)) {
        *(uint64_t *)field_ptr(obj, prop) = (uint64_t)json_integer_value(v);
        return true;
    }
    error_setg(errp, "Parameter '%s' expects %s", prop->name, "uint64");
    return false;
}

static bool set_size(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    if (!json_is_integer(v)) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name, "size");
        return false;
    }
    *(uint64_t *)field_ptr(obj, prop) = (uint64_t)json_integer_value(v);
    return true;
}

static json_t *get_i32(Object *obj, const Property *prop, Error **errp)
{
    return json_integer(*(int32_t *)field_ptr(obj, prop));
}

static bool set_i32(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    json_int_t i;

    if (!want_int(v, prop->name, NULL, errp)) {
        return false;
    }
    i = json_integer_value(v);
    if (i < INT32_MIN || i > INT32_MAX) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name, "int32");
        return false;
    }
    *(int32_t *)field_ptr(obj, prop) = (int32_t)i;
    return true;
}

static json_t *get_i64(Object *obj, const Property *prop, Error **errp)
{
    return json_integer(*(int64_t *)field_ptr(obj, prop));
}

static bool set_i64(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    if (!want_int(v, prop->name, NULL, errp)) {
        return false;
    }
    *(int64_t *)field_ptr(obj, prop) = json_integer_value(v);
    return true;
}

static json_t *get_str(Object *obj, const Property *prop, Error **errp)
{
    char *s = *(char **)field_ptr(obj, prop);

    return json_text(s ? s : "");
}

static bool set_str(Object *obj, const Property *prop, json_t *v, Error **errp)
{
    char **p = field_ptr(obj, prop);

    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    free(*p);
    *p = xstrdup(json_string_value(v));
    return true;
}

static void release_str(Object *obj, const Property *prop)
{
    char **p = field_ptr(obj, prop);

    free(*p);
    *p = NULL;
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .get = get_bool,
    .set = set_bool,
    .defval = defval_bool,
};
const PropertyInfo qdev_prop_bit = {
    .name = "bool",
    .description = "on/off",
    .get = get_bit,
    .set = set_bit,
    .defval = defval_bool,
};
const PropertyInfo qdev_prop_bit64 = {
    .name = "bool",
    .description = "on/off",
    .get = get_bit64,
    .set = set_bit64,
    .defval = defval_bool,
};
const PropertyInfo qdev_prop_uint8 = {
    .name = "uint8",
    .get = get_u8,
    .set = set_u8,
    .defval = defval_uint,
};
const PropertyInfo qdev_prop_uint16 = {
    .name = "uint16",
    .get = get_u16,
    .set = set_u16,
    .defval = defval_uint,
};
const PropertyInfo qdev_prop_uint32 = {
    .name = "uint32",
    .get = get_u32,
    .set = set_u32,
    .defval = defval_uint,
};
const PropertyInfo qdev_prop_int32 = {
    .name = "int32",
    .get = get_i32,
    .set = set_i32,
    .defval = defval_int,
};
const PropertyInfo qdev_prop_uint64 = {
    .name = "uint64",
    .get = get_u64,
    .set = set_u64,
    .defval = defval_uint,
};
const PropertyInfo qdev_prop_int64 = {
    .name = "int64",
    .get = get_i64,
    .set = set_i64,
    .defval = defval_int,
};
const PropertyInfo qdev_prop_size = {
    .name = "size",
    .get = get_u64,
    .set = set_size,
    .defval = defval_uint,
};
const PropertyInfo qdev_prop_string = {
    .name = "str",
    .get = get_str,
    .set = set_str,
    .release = release_str,
};
const PropertyInfo qdev_prop_link = {
    .name = "link",
};

static json_t *static_get(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->opaque;

    return prop->info->get(obj, prop, errp);
}

static bool static_set(Object *obj, ObjectProperty *op, json_t *v, Error **errp)
{
    const Property *prop = op->opaque;

    if (!prop->info->realized_set_allowed &&
        !qdev_prop_allow_set(obj, op->name, errp)) {
        return false;
    }
    return prop->info->set(obj, prop, v, errp);
}

static void static_release(Object *obj, ObjectProperty *op)
{
    const Property *prop = op->opaque;

    prop->info->release(obj, prop);
}

/* Instances start with the default, set directly (not through checks). */
static void static_init(Object *obj, ObjectProperty *op)
{
    const Property *prop = op->opaque;

    if (op->defval && prop->info->set &&
        !prop->info->set(obj, prop, op->defval, NULL)) {
        abort();
    }
}

static json_t *legacy_get(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->opaque;
    char *s = prop->info->print(obj, prop);
    json_t *v = json_text(s);

    free(s);
    return v;
}

static bool link_before_realize(const Object *obj, const char *name,
                                Object *val, Error **errp)
{
    const DeviceState *dev = (const DeviceState *)obj;

    if (dev->realized) {
        error_setg(errp,
                   "Attempt to set link property '%s' on device '%s' "
                   "(type '%s') after it was realized",
                   name, dev->id ? dev->id : "(null)",
                   object_get_typename(obj));
        return false;
    }
    return true;
}

void device_class_add_prop(DeviceClass *dc, const Property *prop)
{
    ObjectClass *k = OBJECT_CLASS(dc);
    const PropertyInfo *info = prop->info;
    ObjectProperty *op;

    if (info->print || !info->get) {
        char *lname = xasprintf("legacy-%s", prop->name);

        /* (the class keeps its own copy of the name) */
        object_class_property_add(k, lname, "str",
                                  info->print ? legacy_get : NULL, NULL, NULL,
                                  (void *)prop);
        free(lname);
    }
    if (info == &qdev_prop_link) {
        op = object_class_property_add_link(k, prop->name, prop->link_type,
                                            prop->offset, link_before_realize,
                                            OBJ_PROP_LINK_STRONG);
    } else {
        op = object_class_property_add(
            k, prop->name, info->name, info->get ? static_get : NULL,
            info->set ? static_set : NULL,
            info->release ? static_release : NULL, (void *)prop);
        if (prop->set_default && info->defval) {
            op->defval = info->defval(prop);
            object_property_set_init(op, static_init);
        }
        op->parses_string = info->parses_string;
    }
    if (prop->description || info->description) {
        object_class_property_set_description(
            k, op->name,
            prop->description ? prop->description : info->description);
    }
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    dc->props_ = props;
    for (const Property *prop = props; prop->name; prop++) {
        device_class_add_prop(dc, prop);
    }
}

/* ---- Devices ---- */

DeviceState *qdev_try_new(const char *type)
{
    ObjectClass *k = object_class_by_name(type);

    if (!k || !object_class_dynamic_cast(k, TYPE_DEVICE) ||
        object_class_is_abstract(k)) {
        return NULL;
    }
    return DEVICE(object_new_with_class(k));
}

DeviceState *qdev_new(const char *type)
{
    DeviceState *dev = qdev_try_new(type);

    if (!dev) {
        fprintf(stderr, "qmachined: unknown device type '%s'\n", type);
        abort();
    }
    return dev;
}

static void child_buses_set_realized(DeviceState *dev, bool value)
{
    struct BusList *l;

    for (l = dev->child_bus; l; l = l->next) {
        l->bus->realized = value;
    }
}

static bool device_set_realized(Object *obj, bool value, Error **errp)
{
    DeviceState *dev = DEVICE(obj);
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    HotplugHandler *h;
    bool unattached = false;
    Error *err = NULL;

    if (dev->hotplugged && !dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(obj));
        return false;
    }
    if (value && !dev->realized) {
        if (!obj->parent && qdev_get_machine()) {
            char *name = xasprintf("device[%d]", unattached_count++);

            object_property_add_child(
                container_get(qdev_get_machine(), "/unattached"), name, obj);
            free(name);
            unattached = true;
        }
        h = qdev_get_hotplug_handler(dev);
        if (h && !hotplug_handler_pre_plug(h, dev, &err)) {
            goto fail;
        }
        if (dc->realize && !dc->realize(dev, &err)) {
            goto fail;
        }
        free(dev->canonical_path);
        dev->canonical_path = object_get_canonical_path(obj);
        child_buses_set_realized(dev, true);
        dev->pending_deleted_event = false;
        if (h && !hotplug_handler_plug(h, dev, &err)) {
            child_buses_set_realized(dev, false);
            free(dev->canonical_path);
            dev->canonical_path = NULL;
            if (dc->unrealize) {
                dc->unrealize(dev);
            }
            goto fail;
        }
        dev->realized = true;
    } else if (!value && dev->realized) {
        dev->realized = false;
        child_buses_set_realized(dev, false);
        if (dc->unrealize) {
            dc->unrealize(dev);
        }
        dev->pending_deleted_event = true;
    }
    return true;

fail:
    error_propagate(errp, err);
    if (unattached) {
        object_unparent(obj);
        unattached_count--;
    }
    return false;
}

static bool device_get_realized(Object *obj, Error **errp)
{
    return DEVICE(obj)->realized;
}

static bool device_get_hotpluggable(Object *obj, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    return DEVICE_GET_CLASS(dev)->hotpluggable &&
           (!dev->parent_bus || qbus_is_hotpluggable(dev->parent_bus));
}

static bool device_get_hotplugged(Object *obj, Error **errp)
{
    return DEVICE(obj)->hotplugged;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    bool set_bus = false;

    if (bus && dev->parent_bus != bus) {
        BusClass *bc = BUS_GET_CLASS(bus);

        /* QEMU checks the device's address on the bus before it joins. */
        if (bc->check_address && !bc->check_address(bus, dev, errp)) {
            return false;
        }
        qdev_set_parent_bus(dev, bus);
        set_bus = true;
    }
    if (!object_property_set_bool(OBJECT(dev), "realized", true, errp)) {
        if (set_bus) {
            bus_remove_child(bus, dev);
            dev->parent_bus = NULL;
            object_unref(OBJECT(bus));
        }
        return false;
    }
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(OBJECT(dev));
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    object_property_set_bool(OBJECT(dev), "realized", false, NULL);
}

static Object *peripheral(bool anon)
{
    return container_get(qdev_get_machine(),
                         anon ? "/peripheral-anon" : "/peripheral");
}

const char *qdev_set_id(DeviceState *dev, char *id, Error **errp)
{
    ObjectProperty *p;

    if (id) {
        free(dev->id);
        dev->id = id;
    }
    if (dev->id) {
        p = object_property_try_add_child(peripheral(false), dev->id,
                                          OBJECT(dev), NULL);
        if (!p) {
            error_setg_kind(errp, ERROR_KIND_CONFLICT,
                            "Duplicate device ID '%s'", dev->id);
            free(dev->id);
            dev->id = NULL;
            return NULL;
        }
    } else {
        char *name = xasprintf("device[%d]", anon_count++);

        p = object_property_add_child(peripheral(true), name, OBJECT(dev));
        free(name);
    }
    return p->name;
}

DeviceState *qdev_find_by_id(const char *id)
{
    Object *o;

    if (!qdev_get_machine()) {
        return NULL;
    }
    o = object_resolve_path_component(peripheral(false), id);
    return o ? (DeviceState *)object_dynamic_cast(o, TYPE_DEVICE) : NULL;
}

DeviceState *qdev_find_recursive(BusState *bus, const char *id)
{
    BusChild *kid;

    for (kid = bus->children; kid; kid = kid->next) {
        DeviceState *dev = kid->child;
        struct BusList *l;

        if (dev->id && strcmp(dev->id, id) == 0) {
            return dev;
        }
        for (l = dev->child_bus; l; l = l->next) {
            DeviceState *r = qdev_find_recursive(l->bus, id);

            if (r) {
                return r;
            }
        }
    }
    return NULL;
}

static Object **deferred;
static size_t deferred_len, deferred_cap;
static bool deferred_scheduled;

void qdev_release_deferred(void)
{
    /* An unref may queue more: work on a private copy. */
    Object **list = deferred;
    size_t i, n = deferred_len;

    deferred = NULL;
    deferred_len = 0;
    deferred_cap = 0;
    deferred_scheduled = false;
    for (i = 0; i < n; i++) {
        object_unref(list[i]);
    }
    free(list);
}

static void deferred_timer(void *opaque)
{
    (void)opaque;
    qdev_release_deferred();
}

void qdev_unref_later(Object *obj)
{
    if (deferred_len == deferred_cap) {
        deferred_cap = deferred_cap ? deferred_cap * 2 : 8;
        deferred = xrealloc(deferred, deferred_cap * sizeof(*deferred));
    }
    deferred[deferred_len++] = obj;
    if (!deferred_scheduled) {
        deferred_scheduled = true;
        loop_timer_add(0, deferred_timer, NULL);
    }
}

bool qdev_unplug(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    HotplugHandler *h;

    if (dev->parent_bus && !qbus_is_hotpluggable(dev->parent_bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return false;
    }
    if (!dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    h = qdev_get_hotplug_handler(dev);
    if (!h) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    if (HOTPLUG_HANDLER_GET_CLASS(h)->unplug_request) {
        return hotplug_handler_unplug_request(h, dev, errp);
    }
    if (!hotplug_handler_unplug(h, dev, errp)) {
        return false;
    }
    object_unparent(OBJECT(dev));
    return true;
}

bool qdev_remove(DeviceState *dev, Error **errp)
{
    HotplugHandler *h = qdev_get_hotplug_handler(dev);

    if (h && !hotplug_handler_unplug(h, dev, errp)) {
        return false;
    }
    object_unparent(OBJECT(dev));
    return true;
}

static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    if (dev->realized) {
        qdev_unrealize(dev);
    }
    while (dev->child_bus) {
        object_unparent(OBJECT(dev->child_bus->bus));
    }
    if (dev->parent_bus) {
        BusState *bus = dev->parent_bus;

        bus_remove_child(bus, dev);
        dev->parent_bus = NULL;
        object_unref(OBJECT(bus));
    }
}

static void device_instance_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    dev->hotplugged = hotplug_phase;
    dev->instance_id_alias = -1;
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    if (dev->pending_deleted_event && dev->canonical_path) {
        MachineEvent ev = { .kind = MACHINE_EVENT_DEVICE_DELETED };

        ev.u.device.device = dev->id;
        ev.u.device.path = dev->canonical_path;
        machine_event_emit(&ev);
    }
    free(dev->canonical_path);
    free(dev->id);
    qemu_free_irqs(dev->gpio_in, dev->num_gpio_in);
}

static void device_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = (DeviceClass *)k;

    k->unparent = device_unparent;
    dc->hotpluggable = true;
    dc->user_creatable = true;
    object_class_property_add_bool(k, "realized", device_get_realized,
                                   device_set_realized);
    object_class_property_add_bool(k, "hotpluggable", device_get_hotpluggable,
                                   NULL);
    object_class_property_add_bool(k, "hotplugged", device_get_hotplugged,
                                   NULL);
    object_class_property_add_link(k, "parent_bus", TYPE_BUS,
                                   offsetof(DeviceState, parent_bus), NULL, 0);
}

/* ---- GPIO lines ---- */

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n)
{
    assert(!dev->gpio_in);
    dev->gpio_in = qemu_allocate_irqs(handler, dev, n);
    dev->num_gpio_in = n;
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    assert(!dev->gpio_out);
    dev->gpio_out = pins;
    dev->num_gpio_out = n;
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    assert(n >= 0 && n < dev->num_gpio_in);
    return dev->gpio_in[n];
}

void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq line)
{
    assert(n >= 0 && n < dev->num_gpio_out);
    dev->gpio_out[n] = line;
}

/* ---- Machine ---- */

static const TypeInfo qdev_types[] = {
    {
        .name = TYPE_DEVICE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(DeviceState),
        .instance_init = device_instance_init,
        .instance_finalize = device_finalize,
        .class_size = sizeof(DeviceClass),
        .class_init = device_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_BUS,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(BusState),
        .instance_init = bus_instance_init,
        .instance_finalize = bus_finalize,
        .class_size = sizeof(BusClass),
        .class_init = bus_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_HOTPLUG_HANDLER,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(HotplugHandlerClass),
    },
};

void qdev_register_types(void)
{
    type_register_static_array(qdev_types, ARRAY_SIZE(qdev_types));
}

bool qdev_machine_init(const char *machine_type, Error **errp)
{
    ObjectClass *k;
    Object *root;

    object_register_all_types();
    k = object_class_by_name(machine_type);
    if (!k || !object_class_dynamic_cast(k, TYPE_MACHINE) ||
        object_class_is_abstract(k)) {
        error_setg(errp, "unsupported machine type '%s'", machine_type);
        return false;
    }
    root = object_get_root();
    /* QEMU's order: the table layout (and so qom-list /) depends on it. */
    machine_obj = object_new_with_class(k);
    object_property_add_child(root, "machine", machine_obj);
    object_unref(machine_obj);
    object_get_objects_root();
    container_get(root, "/chardevs");
    container_get(machine_obj, "/unattached");
    return true;
}
