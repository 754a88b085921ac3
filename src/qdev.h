/*
 * Devices and buses on top of the object model: two-phase creation
 * (instance, then realize), static properties, buses with hotplug
 * handlers, device ids and their place in /machine, unplug and
 * DEVICE_DELETED.  Modelled on QEMU's qdev.
 *
 * Realize chain: a subclass keeps its parent's realize and calls it from
 * its own, e.g.
 *     static DeviceRealize *parent_realize;
 *     ... class_init: parent_realize = dc->realize; dc->realize = my_realize;
 */
#ifndef QMACHINED_QDEV_H
#define QMACHINED_QDEV_H

#include "src/irq.h"
#include "src/object.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"
#define TYPE_HOTPLUG_HANDLER "hotplug-handler"
#define TYPE_MACHINE "machine"

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;
typedef struct BusState BusState;
typedef struct BusClass BusClass;
typedef struct MachineState MachineState;
typedef struct MachineClass MachineClass;
/* An object implementing "hotplug-handler". */
typedef struct Object HotplugHandler;

/* ---- Hotplug handler interface ---- */

typedef bool HotplugFn(HotplugHandler *handler, DeviceState *dev, Error **errp);

typedef struct HotplugHandlerClass {
    InterfaceClass parent_class;
    HotplugFn *pre_plug; /* before realize; may refuse */
    HotplugFn *plug; /* after realize */
    HotplugFn *unplug_request; /* asynchronous removal (ACPI) */
    HotplugFn *unplug; /* synchronous removal */
    bool (*is_hotpluggable_bus)(HotplugHandler *handler, BusState *bus);
} HotplugHandlerClass;

OBJECT_DECLARE_CASTS(Object, HotplugHandlerClass, HOTPLUG_HANDLER,
                     TYPE_HOTPLUG_HANDLER)

/* Each returns true when the handler lacks the method. */
bool hotplug_handler_pre_plug(HotplugHandler *h, DeviceState *dev,
                              Error **errp);
bool hotplug_handler_plug(HotplugHandler *h, DeviceState *dev, Error **errp);
bool hotplug_handler_unplug_request(HotplugHandler *h, DeviceState *dev,
                                    Error **errp);
bool hotplug_handler_unplug(HotplugHandler *h, DeviceState *dev, Error **errp);

/* ---- Static (qdev) properties ---- */

typedef struct Property Property;

typedef struct PropertyInfo {
    const char *name; /* type shown by qom-list: "uint32", "str" */
    const char *description; /* default description, may be NULL */
    json_t *(*get)(Object *obj, const Property *prop, Error **errp);
    bool (*set)(Object *obj, const Property *prop, json_t *value, Error **errp);
    /* Default value as JSON (new reference) or NULL: none shown. */
    json_t *(*defval)(const Property *prop);
    void (*release)(Object *obj, const Property *prop);
    /*
     * Text form for the read-only "legacy-NAME" string property (e.g. a
     * PCI devfn as "01.0").  Infos with print, or without get (links),
     * get a "legacy-NAME" property as in QEMU.
     */
    char *(*print)(Object *obj, const Property *prop);
    /* set() accepts option text as a JSON string (ObjectProperty). */
    bool parses_string;
    /* set() may run on a realized device (QEMU's realized_set_allowed). */
    bool realized_set_allowed;
} PropertyInfo;

/*
 * Whether a property may be set now: not after realize (QEMU's error,
 * naming the device by id or as anonymous).
 */
bool qdev_prop_allow_set(Object *obj, const char *name, Error **errp);

extern const PropertyInfo qdev_prop_bool, qdev_prop_uint8, qdev_prop_uint16,
    qdev_prop_uint32, qdev_prop_int32, qdev_prop_uint64, qdev_prop_int64,
    qdev_prop_size, qdev_prop_string, qdev_prop_link, qdev_prop_bit,
    qdev_prop_bit64;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset; /* of the field in the instance struct */
    bool set_default;
    union {
        int64_t i;
        uint64_t u;
    } defval;
    const char *link_type; /* qdev_prop_link */
    const char *description; /* overrides info->description */
    uint8_t bitnr; /* qdev_prop_bit, qdev_prop_bit64 */
};

#define DEFINE_PROP(_name, _state, _field, _info, _type, ...)    \
    {                                                            \
        .name = (_name), .info = &(_info),                       \
        .offset = offsetof(_state, _field) +                     \
                  0 * sizeof(((_state *)0)->_field == (_type)0), \
        __VA_ARGS__                                              \
    }
#define DEFINE_PROP_BOOL(n, S, f, d)                                \
    DEFINE_PROP(n, S, f, qdev_prop_bool, bool, .set_default = true, \
                .defval.u = (bool)(d))
/* A bool that QEMU keeps as a bit (DEFINE_PROP_BIT): described "on/off". */
#define DEFINE_PROP_BIT_BOOL(n, S, f, d)                            \
    DEFINE_PROP(n, S, f, qdev_prop_bool, bool, .set_default = true, \
                .defval.u = (bool)(d), .description = "on/off")
#define DEFINE_PROP_UINT8(n, S, f, d)                                   \
    DEFINE_PROP(n, S, f, qdev_prop_uint8, uint8_t, .set_default = true, \
                .defval.u = (d))
#define DEFINE_PROP_UINT16(n, S, f, d)                                    \
    DEFINE_PROP(n, S, f, qdev_prop_uint16, uint16_t, .set_default = true, \
                .defval.u = (d))
#define DEFINE_PROP_UINT32(n, S, f, d)                                    \
    DEFINE_PROP(n, S, f, qdev_prop_uint32, uint32_t, .set_default = true, \
                .defval.u = (d))
#define DEFINE_PROP_INT32(n, S, f, d)                                   \
    DEFINE_PROP(n, S, f, qdev_prop_int32, int32_t, .set_default = true, \
                .defval.i = (d))
#define DEFINE_PROP_UINT64(n, S, f, d)                                    \
    DEFINE_PROP(n, S, f, qdev_prop_uint64, uint64_t, .set_default = true, \
                .defval.u = (d))
#define DEFINE_PROP_INT64(n, S, f, d)                                   \
    DEFINE_PROP(n, S, f, qdev_prop_int64, int64_t, .set_default = true, \
                .defval.i = (d))
#define DEFINE_PROP_SIZE(n, S, f, d)                                    \
    DEFINE_PROP(n, S, f, qdev_prop_size, uint64_t, .set_default = true, \
                .defval.u = (d))
/* One bit (bitnr) of a uint32_t / uint64_t field, shown as "bool". */
#define DEFINE_PROP_BIT(n, S, f, bit, d)                          \
    DEFINE_PROP(n, S, f, qdev_prop_bit, uint32_t, .bitnr = (bit), \
                .set_default = true, .defval.u = (bool)(d))
#define DEFINE_PROP_BIT64(n, S, f, bit, d)                          \
    DEFINE_PROP(n, S, f, qdev_prop_bit64, uint64_t, .bitnr = (bit), \
                .set_default = true, .defval.u = (bool)(d))
/* char * field, malloc'd, freed with the device; no default shown. */
#define DEFINE_PROP_STRING(n, S, f) \
    DEFINE_PROP(n, S, f, qdev_prop_string, char *)
/* Object * field; type "link<T>". */
#define DEFINE_PROP_LINK(n, S, f, T, PtrType) \
    DEFINE_PROP(n, S, f, qdev_prop_link, PtrType, .link_type = (T))
#define DEFINE_PROP_END_OF_LIST() \
    {                             \
        .name = NULL              \
    }

/*
 * Adds the properties (array ending with DEFINE_PROP_END_OF_LIST) as class
 * properties; instances start with the defaults.  Setting one on a
 * realized device fails as in QEMU.
 */
void device_class_set_props(DeviceClass *dc, const Property *props);
/* One property, as device_class_set_props adds each (prop must outlive dc). */
void device_class_add_prop(DeviceClass *dc, const Property *prop);

/* ---- Devices ---- */

typedef bool DeviceRealize(DeviceState *dev, Error **errp);
typedef void DeviceUnrealize(DeviceState *dev);
typedef void DeviceReset(DeviceState *dev);

typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

struct DeviceClass {
    ObjectClass parent_class;
    unsigned long categories; /* bit mask of 1ul << DeviceCategory */
    const char *fw_name;
    const char *desc;
    const Property *props_; /* private: set by device_class_set_props */
    bool user_creatable; /* -device / device_add allowed */
    bool hotpluggable; /* default true */
    DeviceReset *reset;
    DeviceRealize *realize;
    DeviceUnrealize *unrealize;
    const char *bus_type; /* NULL: sits on no bus (sysbus-less) */
};

struct DeviceState {
    Object parent_obj;
    char *id; /* NULL: anonymous */
    char *canonical_path; /* cached while realized */
    bool realized;
    bool pending_deleted_event;
    int64_t pending_deleted_expires_ms;
    bool hotplugged;
    bool allow_unplug_during_migration;
    BusState *parent_bus;
    /* private */
    struct BusList *child_bus;
    int num_child_bus;
    int instance_id_alias;
    qemu_irq *gpio_in; /* qdev_init_gpio_in; owned */
    int num_gpio_in;
    qemu_irq *gpio_out; /* qdev_init_gpio_out; the device's slots */
    int num_gpio_out;
};

OBJECT_DECLARE_CASTS(DeviceState, DeviceClass, DEVICE, TYPE_DEVICE)

/*
 * GPIO lines, as QEMU's unnamed ones (qtest's irq_intercept_in/out find a
 * device's lines here).  Inputs: n lines calling handler(dev, i, level),
 * freed with the device.  Outputs: n slots in the device's own state;
 * slot i holds the line output i drives (NULL: unconnected).  Each may
 * be set up once per device.
 */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n);
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n);
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq line);

/* Creates an unrealized device (refcount 1); aborts on an unknown type. */
DeviceState *qdev_new(const char *type);
/* NULL if typename is not a device type. */
DeviceState *qdev_try_new(const char *type);

/*
 * Realizes dev on bus (NULL: no bus): runs the hotplug handler's pre_plug,
 * the class realize, the handler's plug; on failure nothing remains (bus
 * membership undone, device unrealized).  A device not yet in the tree is
 * put under /machine/unattached/device[N] first (unless there is no
 * machine, as in unit tests: then it stays outside the tree).
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* Same, then drops the caller's reference (the tree keeps one). */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);

/*
 * Gives dev its id and puts it at /machine/peripheral/ID, or (id NULL) at
 * /machine/peripheral-anon/device[N].  id is stolen.  Fails with QEMU's
 * "Duplicate device ID 'x'".  Returns the new path component or NULL.
 */
const char *qdev_set_id(DeviceState *dev, char *id, Error **errp);

/* The handler that plugs dev: the machine's first, then its bus's. */
HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev);
HotplugHandler *qdev_get_bus_hotplug_handler(DeviceState *dev);
HotplugHandler *qdev_get_machine_hotplug_handler(DeviceState *dev);
bool qdev_hotplug_allowed(DeviceState *dev, Error **errp);
/* device_add (and -device) set this before realizing after start-up. */
void qdev_set_hotplug_phase(bool after_machine_init);
bool qdev_hotplug_phase(void);

/*
 * -device, device_add and HMP's device_add (src/qdev-create.c): creates
 * the device args describes, a QemuOpts-style dict ("driver", "bus",
 * "id", then properties as strings or QMP scalars, which are converted
 * as QEMU's string visitor does), sets the properties in QDict order and
 * realizes it on its bus.  QEMU 7.2's order of checks and messages.
 * args is borrowed.
 */
bool qdev_device_add(json_t *args, Error **errp);
/*
 * The value a property of QOM type type gets from the text str, as QEMU's
 * string input visitor parses it (-device, -global, -cpu); new reference,
 * or NULL with errp set.
 */
json_t *qdev_prop_value_from_string(const char *name, const char *type,
                                    const char *str, Error **errp);

/*
 * device_del: checks (not hotpluggable, bus without handler, pending
 * unplug), then the handler's unplug_request if it has one, else unplug.
 * Errors have QEMU's texts.
 */
bool qdev_unplug(DeviceState *dev, Error **errp);
/*
 * The guest (or reset) completes a removal: runs the hotplug handler's
 * unplug, then unparents dev.  DEVICE_DELETED {device?, path} is emitted
 * when the last reference goes, as in QEMU (only for a device that was
 * realized).
 */
bool qdev_remove(DeviceState *dev, Error **errp);

/*
 * QEMU drops a removed device's last references after an RCU grace
 * period, in the order they were given up (call_rcu): this takes obj's
 * reference (one the caller holds) and drops it from the event loop, in
 * that order.  qdev_release_deferred drops every queued one now.
 */
void qdev_unref_later(Object *obj);
void qdev_release_deferred(void);

/* Find by id in the tree under bus (recursive). */
DeviceState *qdev_find_recursive(BusState *bus, const char *id);
/* /machine/peripheral/ID, or NULL. */
DeviceState *qdev_find_by_id(const char *id);
BusState *qdev_get_child_bus(DeviceState *dev, const char *name);
/* The bus dev created last (NULL: none). */
BusState *qdev_last_child_bus(DeviceState *dev);
/* Calls fn for each realized or unrealized device sitting on bus. */
int qbus_foreach_child(BusState *bus, int (*fn)(DeviceState *dev, void *op),
                       void *opaque);

/* ---- Buses ---- */

struct BusClass {
    ObjectClass parent_class;
    /* e.g. "PCI", prints "bus pci.0" names: NAME.N */
    char *(*get_dev_path)(DeviceState *dev);
    char *(*get_fw_dev_path)(DeviceState *dev);
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
    int max_dev; /* 0: unlimited */
    int automatic_ids; /* private: counter for NAME.N */
};

typedef struct BusChild {
    DeviceState *child;
    int index;
    struct BusChild *next;
} BusChild;

struct BusState {
    Object obj;
    DeviceState *parent; /* NULL: main system bus (sysbus) */
    char *name;
    HotplugHandler *hotplug_handler;
    int max_index;
    bool realized;
    bool full;
    int num_children;
    BusChild *children; /* newest first, as QEMU */
};

OBJECT_DECLARE_CASTS(BusState, BusClass, BUS, TYPE_BUS)

/* No room for another device (its class's max_dev reached). */
bool qbus_is_full(BusState *bus);

/*
 * Creates a bus of type typename as child "name" of parent (NULL name:
 * QEMU's automatic "<type-lower>.N" naming).  The bus is owned by parent.
 */
BusState *qbus_new(const char *typename, DeviceState *parent, const char *name);
void qbus_set_hotplug_handler(BusState *bus, Object *handler);
/* Puts dev on bus (updating parent_bus and the "parent_bus" link). */
void qdev_set_parent_bus(DeviceState *dev, BusState *bus);
bool qbus_is_hotpluggable(BusState *bus);

/* ---- Machine ---- */

struct MachineClass {
    ObjectClass parent_class;
    const char *name; /* "pc-i440fx-7.2" */
    const char *desc;
    HotplugHandler *(*get_hotplug_handler)(MachineState *m, DeviceState *dev);
    bool (*hotplug_allowed)(MachineState *m, DeviceState *dev, Error **errp);
};

struct MachineState {
    Object parent_obj;
    /* more later (pc machine) */
};

OBJECT_DECLARE_CASTS(MachineState, MachineClass, MACHINE, TYPE_MACHINE)

/*
 * Builds the start-up tree: the root, /objects, /chardevs, /machine (an
 * instance of machine_type, e.g. "pc-i440fx-7.2-machine") with
 * /machine/unattached, /machine/peripheral, /machine/peripheral-anon.
 * Registers all types first.  Call once from main().
 */
bool qdev_machine_init(const char *machine_type, Error **errp);
/* /machine (NULL before qdev_machine_init). */
Object *qdev_get_machine(void);

#endif
