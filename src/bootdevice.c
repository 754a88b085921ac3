/* Boot order: see bootdevice.h. */
#include "src/bootdevice.h"

#include <stdlib.h>

#include "src/util.h"

typedef struct BootEntry {
    int32_t bootindex;
    DeviceState *dev;
    struct BootEntry *next;
} BootEntry;

/* Sorted by index, as QEMU's list. */
static BootEntry *boot_order;

typedef struct BootIndexProp {
    int32_t *bootindex;
    DeviceState *dev;
} BootIndexProp;

static void boot_entry_del(DeviceState *dev)
{
    BootEntry **pp = &boot_order;

    while (*pp) {
        BootEntry *e = *pp;

        if (e->dev == dev) {
            *pp = e->next;
            free(e);
            return;
        }
        pp = &e->next;
    }
}

static void boot_entry_add(int32_t bootindex, DeviceState *dev)
{
    BootEntry **pp = &boot_order;
    BootEntry *e;

    boot_entry_del(dev);
    if (bootindex < 0) {
        return;
    }
    while (*pp && (*pp)->bootindex <= bootindex) {
        pp = &(*pp)->next;
    }
    e = xzalloc(sizeof(*e));
    e->bootindex = bootindex;
    e->dev = dev;
    e->next = *pp;
    *pp = e;
}

static json_t *bootindex_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    BootIndexProp *b = prop->opaque;

    (void)obj;
    (void)errp;
    return json_integer(*b->bootindex);
}

static bool bootindex_set(Object *obj, ObjectProperty *prop, json_t *value,
                          Error **errp)
{
    BootIndexProp *b = prop->opaque;
    json_int_t v;
    BootEntry *e;

    (void)obj;
    if (!json_is_integer(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer",
                   prop->name);
        return false;
    }
    v = json_integer_value(value);
    if (v < INT32_MIN || v > INT32_MAX) {
        error_setg(errp, "Parameter '%s' expects int32_t", prop->name);
        return false;
    }
    if (v >= 0) {
        for (e = boot_order; e; e = e->next) {
            if (e->bootindex == v) {
                error_setg(errp, "The bootindex %d has already been used",
                           (int)v);
                return false;
            }
        }
    }
    *b->bootindex = (int32_t)v;
    boot_entry_add(*b->bootindex, b->dev);
    return true;
}

static void bootindex_release(Object *obj, ObjectProperty *prop)
{
    BootIndexProp *b = prop->opaque;

    (void)obj;
    boot_entry_del(b->dev);
    free(b);
}

void bootdevice_add_property(Object *obj, int32_t *bootindex, DeviceState *dev)
{
    BootIndexProp *b = xzalloc(sizeof(*b));

    *bootindex = -1;
    b->bootindex = bootindex;
    b->dev = dev;
    object_property_add(obj, "bootindex", "int32", bootindex_get, bootindex_set,
                        bootindex_release, b);
}
