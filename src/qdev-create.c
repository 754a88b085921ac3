/*
 * Device creation for -device, device_add and HMP's device_add (see
 * qdev_device_add in qdev.h), in the order QEMU 7.2 checks things: the
 * options (id), the driver, the bus, the id in /machine/peripheral, the
 * properties (as QemuOpts strings), realize.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json-value.h"
#include "keyval.h"
#include "qdev.h"
#include "util.h"

/* ---- QemuOpts conversion ---- */

/* A QMP scalar as QemuOpts would store it, or NULL (value ignored). */
static char *opt_string(json_t *v)
{
    if (json_is_string(v)) {
        return xstrdup(json_string_value(v));
    }
    if (json_is_integer(v)) {
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    if (json_is_real(v)) {
        uint64_t u;

        if (json_get_uint64(v, &u)) {
            return xasprintf("%" PRIu64, u);
        }
        return xasprintf("%.17g", json_real_value(v));
    }
    if (json_is_boolean(v)) {
        return xstrdup(json_is_true(v) ? "on" : "off");
    }
    return NULL;
}

json_t *qdev_prop_value_from_string(const char *name, const char *type,
                                    const char *str, Error **errp)
{
    KeyvalScalar v;

    if (!keyval_visit(name, keyval_type_from_qom(type), str, &v, errp)) {
        return NULL;
    }
    switch (v.type) {
    case KEYVAL_TYPE_BOOL:
        return json_boolean(v.b);
    case KEYVAL_TYPE_INT8:
    case KEYVAL_TYPE_INT16:
    case KEYVAL_TYPE_INT32:
    case KEYVAL_TYPE_INT64:
        return json_integer(v.i);
    case KEYVAL_TYPE_UINT8:
    case KEYVAL_TYPE_UINT16:
    case KEYVAL_TYPE_UINT32:
    case KEYVAL_TYPE_UINT64:
    case KEYVAL_TYPE_SIZE:
        return json_uint64(v.u);
    case KEYVAL_TYPE_STR:
        break;
    }
    return json_text(str);
}

/* ---- buses ---- */

typedef struct BusSearch {
    const char *name;
    const char *type;
    BusState *found;
    /* type only: every match, in the object tree's order */
    BusState **matches;
    size_t n_matches;
} BusSearch;

static int find_bus(Object *obj, void *opaque)
{
    BusSearch *s = opaque;
    BusState *bus;

    if (!object_dynamic_cast(obj, TYPE_BUS)) {
        return 0;
    }
    bus = BUS(obj);
    if (s->name) {
        if (!s->found && bus->name && !strcmp(bus->name, s->name)) {
            s->found = bus;
        }
    } else if (s->type && object_dynamic_cast(obj, s->type)) {
        s->matches =
            xrealloc(s->matches, (s->n_matches + 1) * sizeof(*s->matches));
        s->matches[s->n_matches++] = bus;
    }
    return 0;
}

/*
 * Where a bus lies in QEMU's depth-first walk of the device tree (each
 * bus's devices newest first): the path from the top, as the buses
 * passed and, on each, the index of the device taken (higher: newer).
 * A device on no bus (a backend) continues through its QOM parent.
 */
#define BUS_PATH_MAX 32
typedef struct BusPath {
    BusState *bus[BUS_PATH_MAX];
    int index[BUS_PATH_MAX]; /* of the device taken on bus[i] */
    int depth;
} BusPath;

static int bus_child_index(BusState *bus, DeviceState *dev)
{
    BusChild *kid;

    for (kid = bus->children; kid; kid = kid->next) {
        if (kid->child == dev) {
            return kid->index;
        }
    }
    return -1;
}

static void bus_path(BusState *bus, BusPath *p)
{
    BusState *rev_bus[BUS_PATH_MAX];
    int rev_index[BUS_PATH_MAX];
    int n = 0, i;
    BusState *b = bus;
    int index = -1;

    while (b && n < BUS_PATH_MAX) {
        Object *o = OBJECT(b->parent);

        rev_bus[n] = b;
        rev_index[n++] = index;
        b = NULL;
        while (o && object_dynamic_cast(o, TYPE_DEVICE)) {
            DeviceState *d = DEVICE(o);

            if (d->parent_bus) {
                b = d->parent_bus;
                index = bus_child_index(b, d);
                break;
            }
            o = o->parent;
        }
    }
    p->depth = n;
    for (i = 0; i < n; i++) {
        p->bus[i] = rev_bus[n - 1 - i];
        p->index[i] = rev_index[n - 1 - i];
    }
}

/* Whether a comes before b in QEMU's walk (false when unrelated). */
static bool bus_walk_before(BusState *a, BusState *b)
{
    BusPath pa, pb;
    int i;

    bus_path(a, &pa);
    bus_path(b, &pb);
    for (i = 0; i < pa.depth && i < pb.depth; i++) {
        if (pa.bus[i] != pb.bus[i]) {
            return false;
        }
        if (i + 1 == pa.depth || i + 1 == pb.depth) {
            /* one lies under the other: the outer one is met first */
            return pa.depth < pb.depth;
        }
        if (pa.index[i] != pb.index[i]) {
            return pa.index[i] > pb.index[i];
        }
    }
    return false;
}

/*
 * QEMU's pick of a bus by type: the first in its walk that has room, else
 * the first.  The matches are in the object tree's order; a stable sort
 * puts them in the walk's order where they are related.
 */
static BusState *bus_pick(BusState **m, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && bus_walk_before(m[j], m[j - 1]); j--) {
            BusState *t = m[j];

            m[j] = m[j - 1];
            m[j - 1] = t;
        }
    }
    for (i = 0; i < n; i++) {
        if (!qbus_is_full(m[i])) {
            return m[i];
        }
    }
    return n ? m[0] : NULL;
}

static BusState *bus_lookup(const char *name, const char *type)
{
    BusSearch s = { name, type, NULL, NULL, 0 };
    Object *m = qdev_get_machine();

    if (name && name[0] == '/') {
        Object *o = object_resolve_path(name, NULL);

        return o && object_dynamic_cast(o, TYPE_BUS) ? BUS(o) : NULL;
    }
    if (m) {
        object_child_foreach_recursive(m, find_bus, &s);
    }
    if (!name) {
        s.found = bus_pick(s.matches, s.n_matches);
        free(s.matches);
    }
    return s.found;
}

/* ---- aliases ---- */

/*
 * QEMU 7.2's qdev_alias_table as far as it names modelled types (on
 * x86 the virtio names mean the -pci devices): a driver name that is no
 * type is looked up here.
 */
static const struct {
    const char *typename;
    const char *alias;
} qdev_aliases[] = {
    { "e1000", "e1000-82540em" },
    { "virtio-balloon-pci", "virtio-balloon" },
    { "virtio-blk-pci", "virtio-blk" },
    { "virtio-net-pci", "virtio-net" },
    { "virtio-rng-pci", "virtio-rng" },
    { "virtio-scsi-pci", "virtio-scsi" },
    { "virtio-serial-pci", "virtio-serial" },
};

static const char *typename_by_alias(const char *alias)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(qdev_aliases); i++) {
        if (!strcmp(qdev_aliases[i].alias, alias)) {
            return qdev_aliases[i].typename;
        }
    }
    return NULL;
}

/* ---- device_add ---- */

bool qdev_device_add(json_t *args, Error **errp)
{
    json_t *jid = json_object_get(args, "id");
    const char *id = json_string_value(jid);
    char *driver = opt_string(json_object_get(args, "driver"));
    char *bus_path = opt_string(json_object_get(args, "bus"));
    ObjectClass *k;
    DeviceClass *dc;
    DeviceState *dev = NULL;
    BusState *bus = NULL;
    const char **keys = NULL;
    size_t n, i;
    bool ok = false;

    if (id && !keyval_id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        goto out;
    }
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        goto out;
    }
    k = object_class_by_name(driver);
    if (!k && typename_by_alias(driver)) {
        char *type = xstrdup(typename_by_alias(driver));

        free(driver);
        driver = type;
        k = object_class_by_name(driver);
    }
    if (!k || !object_class_dynamic_cast(k, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        goto out;
    }
    if (object_class_is_abstract(k)) {
        error_setg(errp,
                   "Parameter 'driver' expects a non-abstract device type");
        goto out;
    }
    dc = DEVICE_CLASS(k);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        goto out;
    }
    if (bus_path) {
        bus = bus_lookup(bus_path, NULL);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", bus_path);
            goto out;
        }
        if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            goto out;
        }
    } else if (dc->bus_type) {
        bus = bus_lookup(NULL, dc->bus_type);
        if (!bus || qbus_is_full(bus)) {
            error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
                       driver);
            goto out;
        }
    }
    if (bus && qbus_is_full(bus)) {
        error_setg(errp, "Bus '%s' is full", bus->name);
        goto out;
    }
    if (qdev_hotplug_phase() && bus && !qbus_is_hotpluggable(bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging", bus->name);
        goto out;
    }

    dev = qdev_new(driver);
    if (qdev_hotplug_phase() && !qdev_hotplug_allowed(dev, errp)) {
        goto fail_unref;
    }
    if (!bus && qdev_hotplug_phase() &&
        !qdev_get_machine_hotplug_handler(dev)) {
        error_setg(errp, "Device '%s' can not be hotplugged on this machine",
                   driver);
        goto fail_unref;
    }
    if (!qdev_set_id(dev, id ? xstrdup(id) : NULL, errp)) {
        goto fail_unref;
    }

    keys = json_qdict_order(args, &n);
    for (i = 0; i < n; i++) {
        const char *name = keys[i];
        ObjectProperty *prop;
        char *str;
        json_t *v;
        bool set_ok;

        if (!strcmp(name, "driver") || !strcmp(name, "bus") ||
            !strcmp(name, "id")) {
            continue;
        }
        str = opt_string(json_object_get(args, name));
        if (!str) {
            continue;
        }
        prop = object_property_find_err(OBJECT(dev), name, errp);
        if (!prop) {
            free(str);
            goto fail_unparent;
        }
        v = prop->parses_string
                ? json_text(str)
                : qdev_prop_value_from_string(name, prop->type, str, errp);
        free(str);
        if (!v) {
            goto fail_unparent;
        }
        set_ok = object_property_set(OBJECT(dev), name, v, errp);
        json_decref(v);
        if (!set_ok) {
            goto fail_unparent;
        }
    }
    if (!qdev_realize(dev, bus, errp)) {
        goto fail_unparent;
    }
    ok = true;
    object_unref(OBJECT(dev));
    goto out;

fail_unparent:
    object_unparent(OBJECT(dev));
fail_unref:
    object_unref(OBJECT(dev));
out:
    free(keys);
    free(driver);
    free(bus_path);
    return ok;
}
