/* The machine's property table; see machine-props.h. */
#include "machine-props.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "keyval.h"
#include "memory-size.h"
#include "on-off-auto.h"
#include "options-report.h"
#include "smp.h"
#include "util.h"

#define MiB (1ULL << 20)

/*
 * Per class, in QEMU's class_init order (the table layout depends on it).
 * Columns: name, QOM type, description, how the object keeps it, how
 * -machine checks it, default.
 */
const MachProp machine_class_props[] = {
    { "kernel", "string", "Linux kernel image file", MP_STR, MO_STR, "\"\"" },
    { "initrd", "string", "Linux initial ramdisk file", MP_STR, MO_STR,
      "\"\"" },
    { "append", "string", "Linux kernel command line", MP_STR, MO_STR, "\"\"" },
    { "dtb", "string", "Linux kernel device tree file", MP_STR, MO_STR,
      "\"\"" },
    { "dumpdtb", "string", "Dump current dtb to a file and quit", MP_STR,
      MO_STR, "\"\"" },
    { "phandle-start", "int",
      "The first phandle ID we may generate dynamically", MP_INT, MO_INT, "0" },
    { "dt-compatible", "string",
      "Overrides the \"compatible\" property of the dt root node", MP_STR,
      MO_STR, "\"\"" },
    { "dump-guest-core", "bool", "Include guest memory in a core dump", MP_BOOL,
      MO_BOOL, "true" },
    { "mem-merge", "bool", "Enable/disable memory merge support", MP_BOOL,
      MO_BOOL, "true" },
    { "usb", "bool", "Set on/off to enable/disable usb", MP_BOOL, MO_BOOL,
      "false" },
    { "graphics", "bool", "Set on/off to enable/disable graphics emulation",
      MP_BOOL, MO_BOOL, "true" },
    { "firmware", "string", "Firmware image", MP_STR, MO_STR,
      "\"bios-256k.bin\"" },
    { "suppress-vmdesc", "bool", "Set on to disable self-describing migration",
      MP_BOOL, MO_BOOL, "false" },
    { "confidential-guest-support", "link<confidential-guest-support>",
      "Set confidential guest scheme to support", MP_LINK, MO_LINK, NULL },
    { "memory-encryption", "string", "Set memory encryption object to use",
      MP_SPECIAL, MO_STR, "\"\"" },
    /* The backend is looked up when the board is built (pc.c). */
    { "memory-backend", "link<memory-backend>",
      "Set RAM backendValid value is ID of hostmem based backend", MP_LINK,
      MO_COPY, NULL },
    { "smp", "SMPConfiguration", "CPU topology", MP_STRUCT, MO_NONE, NULL },
    { "boot", "BootConfiguration", "Boot configuration", MP_STRUCT, MO_NONE,
      "{\"order\": \"cad\"}" },
    { "memory", "MemorySizeConfiguration", "Memory size configuration",
      MP_STRUCT, MO_NONE, NULL },
    { NULL, NULL, NULL, 0, MO_NONE, NULL }
};

const MachProp x86_class_props[] = {
    { "smm", "OnOffAuto", "Enable SMM", MP_ONOFFAUTO, MO_ONOFFAUTO,
      "\"auto\"" },
    { "acpi", "OnOffAuto", "Enable ACPI", MP_ONOFFAUTO, MO_ONOFFAUTO,
      "\"auto\"" },
    { "pit", "OnOffAuto", "Enable i8254 PIT", MP_ONOFFAUTO, MO_ONOFFAUTO,
      "\"auto\"" },
    { "pic", "OnOffAuto", "Enable i8259 PIC", MP_ONOFFAUTO, MO_ONOFFAUTO,
      "\"auto\"" },
    { "x-oem-id", "string",
      "Override the default value of field OEMID in ACPI table header."
      "The string may be up to 6 bytes in size",
      MP_STR, MO_STR, "\"BOCHS \"" },
    { "x-oem-table-id", "string",
      "Override the default value of field OEM Table ID in ACPI table "
      "header.The string may be up to 8 bytes in size",
      MP_STR, MO_STR, "\"BXPC    \"" },
    { "bus-lock-ratelimit", "uint64_t",
      "Set the ratelimit for the bus locks acquired in VMs", MP_U64, MO_UINT,
      "0" },
    /* -machine takes any string here; QEMU wants an array. */
    { "sgx-epc", "SgxEPC", "SGX EPC device", MP_ARRAY, MO_STR, "[]" },
    { NULL, NULL, NULL, 0, MO_NONE, NULL }
};

const MachProp pc_class_props[] = {
    { "device-memory-region-size", "int", NULL, MP_RO, MO_NONE, NULL },
    { "max-ram-below-4g", "size",
      "Maximum ram below the 4G boundary (32bit boundary)", MP_U64, MO_SIZE,
      "3758096384" },
    { "vmport", "OnOffAuto", "Enable vmport (pc & q35)", MP_ONOFFAUTO,
      MO_ONOFFAUTO, "\"on\"" },
    { "smbus", "bool", "Enable/disable system management bus", MP_BOOL, MO_BOOL,
      "true" },
    { "sata", "bool", "Enable/disable Serial ATA bus", MP_BOOL, MO_BOOL,
      "true" },
    { "hpet", "bool", "Enable/disable high precision event timer emulation",
      MP_BOOL, MO_BOOL, "true" },
    { "i8042", "bool", NULL, MP_BOOL, MO_BOOL, "true" },
    { "default-bus-bypass-iommu", "bool", NULL, MP_BOOL, MO_BOOL, "false" },
    { "max-fw-size", "size", "Maximum combined firmware size", MP_U64, MO_SIZE,
      "8388608" },
    { "smbios-entry-point-type", "str", "SMBIOS Entry Point type [32, 64]",
      MP_SPECIAL, MO_STR, "\"32\"" },
    { NULL, NULL, NULL, 0, MO_NONE, NULL }
};

/*
 * Instance properties, in the order QEMU adds them (machine_initfn, then
 * the pc machine's instance init).  QEMU's -machine sets these too
 * (nvdimm=on, hmat=on, ...); qmachined's does not accept them (yet).
 */
const MachProp machine_inst_props[] = {
    { "nvdimm", "bool", "Set on/off to enable/disable NVDIMM instantiation",
      MP_BOOL, MO_NONE, "false" },
    { "nvdimm-persistence", "string",
      "Set NVDIMM persistenceValid values are cpu, mem-ctrl", MP_SPECIAL,
      MO_NONE, "\"\"" },
    { "hmat", "bool",
      "Set on/off to enable/disable ACPI Heterogeneous Memory Attribute "
      "Table (HMAT)",
      MP_BOOL, MO_NONE, "false" },
    { "pcspk-audiodev", "str", "ID of an audiodev to use as a backend",
      MP_SPECIAL, MO_NONE, "\"\"" },
    { "cxl", "bool", "Set on/off to enable/disable CXL instantiation", MP_BOOL,
      MO_NONE, "false" },
    { "cxl-fmw", "CXLFixedMemoryWindow", "CXL Fixed Memory Windows (array)",
      MP_ARRAY, MO_NONE, "[]" },
    { NULL, NULL, NULL, 0, MO_NONE, NULL }
};

json_t *machine_prop_default(const MachProp *mp)
{
    return mp->defval ? json_loads(mp->defval, JSON_DECODE_ANY, NULL) : NULL;
}

static const MachProp *find_in(const MachProp *mps, const char *name)
{
    for (; mps->name; mps++) {
        if (!strcmp(mps->name, name)) {
            return mps;
        }
    }
    return NULL;
}

const MachProp *machine_prop_find_option(const char *name, bool pc)
{
    const MachProp *mp = find_in(machine_class_props, name);

    if (!mp && pc) {
        mp = find_in(x86_class_props, name);
    }
    if (!mp && pc) {
        mp = find_in(pc_class_props, name);
    }
    return mp && mp->opt != MO_NONE ? mp : NULL;
}

/* The value checks of the setters (QEMU's), by property. */
static bool check_size(const char *name, uint64_t u, Error **errp)
{
    if (!strcmp(name, "max-ram-below-4g")) {
        if (u > 4096 * MiB) {
            error_setg(errp,
                       "Machine option 'max-ram-below-4g=%" PRIu64
                       "' expects size less than or equal to 4G",
                       u);
            return false;
        }
        if (u < MiB) {
            options_warn("Only %" PRIu64 " bytes of RAM below the 4GiB "
                         "boundary,BIOS may not work with less than 1MiB",
                         u);
        }
    } else if (!strcmp(name, "max-fw-size") && u > 16 * MiB) {
        error_setg(errp,
                   "User specified max allowed firmware size %" PRIu64
                   " is greater than 16MiB. If combined firwmare size "
                   "exceeds 16MiB the system may not boot, or experience "
                   "intermittentstability issues.",
                   u);
        return false;
    }
    return true;
}

static bool check_string(const char *name, const char *s, Error **errp)
{
    if (!strcmp(name, "x-oem-id") && strlen(s) > 6) {
        error_setg(errp, "User specified x-oem-id value is bigger than 6 "
                         "bytes in size");
        return false;
    }
    if (!strcmp(name, "x-oem-table-id") && strlen(s) > 8) {
        error_setg(errp, "User specified x-oem-table-id value is bigger than "
                         "8 bytes in size");
        return false;
    }
    if (!strcmp(name, "smbios-entry-point-type") && strcmp(s, "32") &&
        strcmp(s, "64")) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'", name, s);
        return false;
    }
    if (!strcmp(name, "memory-encryption")) {
        /* Looked up among the objects, and none exists yet. */
        error_setg(errp, "No such memory encryption object '%s'", s);
        return false;
    }
    return true;
}

bool machine_prop_set_option(MachineOptions *o, const char *name, json_t *value,
                             MachineObjectExists *exists, void *opaque,
                             Error **errp)
{
    bool pc = !strcmp(o->machine_type, OPTIONS_MACHINE_PC);
    const char *s = json_string_value(value);
    const MachProp *mp = machine_prop_find_option(name, pc);
    KeyvalType type = KEYVAL_TYPE_STR;
    KeyvalScalar v;
    OnOffAuto ooa;

    if (!mp) {
        error_setg(errp, "Property '%s-machine.%s' not found", o->machine_type,
                   name);
        return false;
    }
    switch (mp->opt) {
    case MO_BOOL:
        type = KEYVAL_TYPE_BOOL;
        break;
    case MO_SIZE:
        type = KEYVAL_TYPE_SIZE;
        break;
    case MO_UINT:
        type = KEYVAL_TYPE_UINT64;
        break;
    case MO_INT:
        type = KEYVAL_TYPE_INT64;
        break;
    default:
        break;
    }
    if (!keyval_visit(name, type, s, &v, errp)) {
        return false;
    }
    switch (mp->opt) {
    case MO_ONOFFAUTO:
        if (!on_off_auto_parse(name, s, &ooa, errp)) {
            return false;
        }
        break;
    case MO_SIZE:
        if (!check_size(name, v.u, errp)) {
            return false;
        }
        /* Kept as a plain byte count for the machine object. */
        json_object_set_new(o->machine_props, name,
                            json_sprintf("%" PRIu64, v.u));
        return true;
    case MO_LINK:
        if (!*s) {
            break;
        }
        if (exists(s, opaque)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, name);
        } else {
            error_setg(errp, "Device '%s' not found", s);
        }
        return false;
    case MO_STR:
        if (!check_string(name, s, errp)) {
            return false;
        }
        break;
    default:
        break;
    }
    json_object_set(o->machine_props, name, value);
    return true;
}

/* -boot (the "boot" property, BootConfiguration): only checked. */
static bool boot_check(json_t *boot, Error **errp)
{
    static const char *const keys[] = {
        "order",       "once",           "menu",   "splash",
        "splash-time", "reboot-timeout", "strict",
    };
    const char *key;
    json_t *val;
    bool b;

    json_object_foreach (boot, key, val) {
        if (!str_in_list(key, keys, ARRAY_SIZE(keys))) {
            error_setg(errp, "Parameter 'boot.%s' is unexpected", key);
            return false;
        }
        if (!strcmp(key, "menu") || !strcmp(key, "strict")) {
            char *name = xasprintf("boot.%s", key);
            bool ok = keyval_visit_bool(name, json_string_value(val), &b, errp);

            free(name);
            if (!ok) {
                return false;
            }
        }
    }
    return true;
}

/*
 * The bucket of key in QEMU's QDict (512 buckets, tdb hash): QEMU sets
 * the machine's properties, "memory" (-m), "smp" and "boot" among them,
 * by walking that dictionary, so the first failing one in bucket order
 * is the one reported.
 */
static unsigned qdict_bucket(const char *key)
{
    uint32_t h = 0x238F13AFu * (uint32_t)strlen(key);
    size_t i;

    for (i = 0; key[i]; i++) {
        h += (uint32_t)(unsigned char)key[i] << (i * 5 % 24);
    }
    return (1103515243u * h + 12345u) % 512;
}

/* Sorts keys by bucket; within a bucket the later key comes first. */
static void sort_qdict_order(json_t *keys)
{
    size_t i, j, n = json_array_size(keys);

    /* Stable insertion sort. */
    for (i = 1; i < n; i++) {
        json_t *k = json_incref(json_array_get(keys, i));
        unsigned bk = qdict_bucket(json_string_value(k));

        for (j = i;
             j > 0 &&
             qdict_bucket(json_string_value(json_array_get(keys, j - 1))) >= bk;
             j--) {
            json_array_set(keys, j, json_array_get(keys, j - 1));
        }
        json_array_set_new(keys, j, k);
    }
}

bool machine_props_apply(MachineOptions *o, const MachineOptionArgs *args,
                         Error **errp)
{
    /* Accelerator options QEMU still takes from -machine. */
    static const char *const legacy[] = {
        "kernel-irqchip",
        "kvm-shadow-mem",
    };
    bool pc = !strcmp(o->machine_type, OPTIONS_MACHINE_PC);
    const MachProp *mp;
    json_t *keys = json_array();
    const char *key;
    json_t *val;
    size_t i;
    bool ok = true;

    json_object_foreach (args->machine, key, val) {
        if (!strcmp(key, "type") || !strcmp(key, "accel") ||
            !strncmp(key, "smp.", 4) || !strncmp(key, "memory.", 7) ||
            !strncmp(key, "boot.", 5)) {
            continue;
        }
        if (str_in_list(key, legacy, ARRAY_SIZE(legacy)) ||
            ((mp = machine_prop_find_option(key, pc)) && mp->opt == MO_COPY)) {
            json_object_set(o->machine_props, key, val);
            continue;
        }
        json_array_append_new(keys, json_text(key));
    }
    if (args->memory) {
        json_array_append_new(keys, json_string("memory"));
    }
    if (args->smp) {
        json_array_append_new(keys, json_string("smp"));
    }
    if (args->boot) {
        json_array_append_new(keys, json_string("boot"));
    }
    sort_qdict_order(keys);
    json_array_foreach (keys, i, val) {
        key = json_string_value(val);
        if (args->memory && !strcmp(key, "memory")) {
            ok = memory_size_parse(o, args->memory, errp);
        } else if (args->smp && !strcmp(key, "smp")) {
            ok = smp_parse(o, args->smp, errp);
        } else if (args->boot && !strcmp(key, "boot")) {
            ok = boot_check(args->boot, errp);
        } else {
            ok = machine_prop_set_option(o, key,
                                         json_object_get(args->machine, key),
                                         args->exists, args->opaque, errp);
        }
        if (!ok) {
            break;
        }
    }
    json_decref(keys);
    if (!ok) {
        return false;
    }
    /* Defaults of the options not given. */
    return (args->memory || memory_size_parse(o, NULL, errp)) &&
           (args->smp || smp_parse(o, NULL, errp));
}
