/*
 * The machine's properties (pc-i440fx-7.2 and none), declared once: the
 * QOM properties of /machine (qom-list, qom-get, qom-set, with their
 * types, descriptions and defaults) and what -machine NAME=VALUE accepts
 * and how it checks the value.
 *
 * One table per class, in QEMU's class_init order (the order qom-list
 * shows): "machine", "x86-machine", "generic-pc-machine", then the
 * instance properties machine_initfn and the pc machine's instance init
 * add.  Properties of x86-machine and generic-pc-machine exist on
 * pc-i440fx-7.2 only (not on "none").
 */
#ifndef QMACHINED_MACHINE_PROPS_H
#define QMACHINED_MACHINE_PROPS_H

#include <stdbool.h>

#include <jansson.h>

#include "error.h"
#include "machine-options.h"

/* How the machine object stores and checks a property (qom-get/set). */
typedef enum {
    MP_STR,
    MP_BOOL,
    MP_INT,
    MP_U64,
    MP_ONOFFAUTO,
    MP_STRUCT,
    MP_ARRAY,
    MP_LINK,
    MP_RO,
    MP_SPECIAL
} MachPropKind;

/*
 * How -machine NAME=VALUE checks the value (QEMU's keyval visitor on the
 * property's type, then its setter).
 */
typedef enum {
    MO_NONE, /* not accepted: "Property 'TYPE-machine.NAME' not found" */
    MO_STR, /* any string (some have checks of their own, by name) */
    MO_BOOL, /* "Parameter 'NAME' expects 'on' or 'off'" */
    MO_ONOFFAUTO, /* "Parameter 'NAME' does not accept value 'V'" */
    MO_SIZE, /* "Parameter 'NAME' expects size"; kept as a byte count */
    MO_UINT, /* "Parameter 'NAME' expects integer" */
    MO_INT, /* "Parameter 'NAME' expects integer" */
    MO_LINK, /* a path to an object that exists at that point */
    MO_COPY, /* taken as given, checked when the board is built */
} MachOptCheck;

typedef struct MachProp {
    const char *name;
    const char *type; /* QOM type, as qom-list shows it */
    const char *desc; /* description, or NULL */
    MachPropKind kind;
    MachOptCheck opt;
    const char *defval; /* default value (JSON text) for qom-get, or NULL */
} MachProp;

/* Each ends with a NULL name. */
extern const MachProp machine_class_props[];
extern const MachProp x86_class_props[];
extern const MachProp pc_class_props[];
extern const MachProp machine_inst_props[];

/* The default value of mp (new reference), or NULL when it has none. */
json_t *machine_prop_default(const MachProp *mp);

/*
 * The property -machine NAME=... sets, or NULL when the machine has none
 * by that name or -machine does not accept it (opt MO_NONE).  pc: the
 * machine is pc-i440fx-7.2 (else "none").
 */
const MachProp *machine_prop_find_option(const char *name, bool pc);

/* Whether path names an object that exists when -machine is applied. */
typedef bool MachineObjectExists(const char *path, void *opaque);

/*
 * -machine NAME=VALUE (value a string) as QEMU applies it: the property
 * must exist on o->machine_type and be accepted (else "Property
 * 'TYPE-machine.NAME' not found"), the value is visited by the
 * property's type and checked as its setter does, then stored in
 * o->machine_props (sizes as byte counts).  Warnings are printed.
 * Returns false with errp set.
 */
bool machine_prop_set_option(MachineOptions *o, const char *name, json_t *value,
                             MachineObjectExists *exists, void *opaque,
                             Error **errp);

/* The option texts that set the machine's properties. */
typedef struct MachineOptionArgs {
    json_t *machine; /* merged -machine keyval (strings) */
    json_t *memory; /* merged -m, NULL when not given */
    json_t *smp; /* merged -smp keyval, NULL when not given */
    json_t *boot; /* merged -boot keyval, NULL when not given */
    MachineObjectExists *exists;
    void *opaque;
} MachineOptionArgs;

/*
 * Sets the machine's properties from -machine, -m ("memory", see
 * memory-size.h), -smp ("smp", smp.h) and -boot ("boot") as QEMU 7.2
 * does: walking its option dictionary in hash order, so the first
 * failing property in that order is the one reported.  Then the memory
 * and smp defaults when -m or -smp was not given.  "type", "accel",
 * dotted keys (smp.cpus=...) and the legacy accelerator options are not
 * properties; the last are copied into o->machine_props.  Returns false
 * with errp set.
 */
bool machine_props_apply(MachineOptions *o, const MachineOptionArgs *args,
                         Error **errp);

#endif
