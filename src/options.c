/*
 * qmachined's QEMU-compatible command line; see options.h.  This file
 * reads argv (phase 1: each option's syntax, in order) and then makes
 * QEMU's checks across options (phase 2).  The subjects live in their
 * own files: the machine's properties with -m, -smp and -boot
 * (machine-props.c, memory-size.c, smp.c), chardevs (chardev.c), -numa
 * (numa.c, when the machine is built).
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "chardev.h"
#include "keyval.h"
#include "machine-props.h"
#include "machine-types.h"
#include "memory-size.h"
#include "options-report.h"
#include "util.h"
#include "x86-cpu.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define PC_MACHINE OPTIONS_MACHINE_PC
#define ID_HINT                                               \
    "Identifiers consist of letters, digits, '-', '.', '_', " \
    "starting with a letter.\n"

typedef enum OptId {
    OPT_MACHINE,
    OPT_M,
    OPT_SMP,
    OPT_OBJECT,
    OPT_NUMA,
    OPT_DEVICE,
    OPT_NETDEV,
    OPT_BLOCKDEV,
    OPT_DRIVE,
    OPT_QMP,
    OPT_QMP_PRETTY,
    OPT_CHARDEV,
    OPT_MON,
    OPT_QTEST,
    OPT_IGNORED_ARG,
    OPT_S,
    OPT_NAME,
    OPT_UUID,
    OPT_PIDFILE,
    OPT_DAEMONIZE,
    OPT_NODEFAULTS,
    OPT_DISPLAY,
    OPT_NOGRAPHIC,
    OPT_NO_USER_CONFIG,
    OPT_ACCEL,
    OPT_ENABLE_KVM,
    OPT_NO_ACPI,
    OPT_USB,
    OPT_CPU,
    OPT_RTC,
    OPT_NO_SHUTDOWN,
    OPT_NO_REBOOT,
    OPT_BOOT,
    OPT_OVERCOMMIT,
    OPT_AUDIODEV,
    OPT_SANDBOX,
    OPT_MSG,
    OPT_HELP,
    OPT_VERSION,
    OPT_REST,
    OPT_REST_TOKEN_FILE,
    OPT_GUEST,
    OPT_FORWARD,
    OPT_FORWARD_READ_ONLY,
    OPT_FORWARD_POLL_US,
} OptId;

typedef struct OptDef {
    const char *name;
    OptId id;
    bool has_arg;
    bool ours; /* qmachined option: two dashes only */
} OptDef;

static const OptDef opt_defs[] = {
    { "machine", OPT_MACHINE, true, false },
    { "M", OPT_MACHINE, true, false },
    { "m", OPT_M, true, false },
    { "smp", OPT_SMP, true, false },
    { "object", OPT_OBJECT, true, false },
    { "numa", OPT_NUMA, true, false },
    { "device", OPT_DEVICE, true, false },
    { "netdev", OPT_NETDEV, true, false },
    { "blockdev", OPT_BLOCKDEV, true, false },
    { "drive", OPT_DRIVE, true, false },
    { "qmp", OPT_QMP, true, false },
    { "qmp-pretty", OPT_QMP_PRETTY, true, false },
    { "chardev", OPT_CHARDEV, true, false },
    { "mon", OPT_MON, true, false },
    { "qtest", OPT_QTEST, true, false },
    { "qtest-log", OPT_IGNORED_ARG, true, false },
    { "S", OPT_S, false, false },
    { "name", OPT_NAME, true, false },
    { "uuid", OPT_UUID, true, false },
    { "pidfile", OPT_PIDFILE, true, false },
    { "daemonize", OPT_DAEMONIZE, false, false },
    { "nodefaults", OPT_NODEFAULTS, false, false },
    { "display", OPT_DISPLAY, true, false },
    { "nographic", OPT_NOGRAPHIC, false, false },
    { "no-user-config", OPT_NO_USER_CONFIG, false, false },
    { "accel", OPT_ACCEL, true, false },
    { "enable-kvm", OPT_ENABLE_KVM, false, false },
    { "no-acpi", OPT_NO_ACPI, false, false },
    { "usb", OPT_USB, false, false },
    { "cpu", OPT_CPU, true, false },
    { "rtc", OPT_RTC, true, false },
    { "no-shutdown", OPT_NO_SHUTDOWN, false, false },
    { "no-reboot", OPT_NO_REBOOT, false, false },
    { "boot", OPT_BOOT, true, false },
    { "overcommit", OPT_OVERCOMMIT, true, false },
    { "audiodev", OPT_AUDIODEV, true, false },
    { "sandbox", OPT_SANDBOX, true, false },
    { "msg", OPT_MSG, true, false },
    { "global", OPT_IGNORED_ARG, true, false },
    { "vga", OPT_IGNORED_ARG, true, false },
    { "serial", OPT_IGNORED_ARG, true, false },
    { "parallel", OPT_IGNORED_ARG, true, false },
    { "k", OPT_IGNORED_ARG, true, false },
    { "L", OPT_IGNORED_ARG, true, false },
    { "h", OPT_HELP, false, false },
    { "help", OPT_HELP, false, false },
    { "version", OPT_VERSION, false, false },
    { "rest", OPT_REST, true, true },
    { "rest-token-file", OPT_REST_TOKEN_FILE, true, true },
    { "guest", OPT_GUEST, true, true },
    { "forward", OPT_FORWARD, true, true },
    { "forward-read-only", OPT_FORWARD_READ_ONLY, false, true },
    { "forward-poll-us", OPT_FORWARD_POLL_US, true, true },
};

/*
 * QemuOpts parameters of the options checked here (-m's are in
 * memory-size.c, -chardev's in chardev.c).
 */
static const KeyvalOptDesc name_params[] = {
    { "guest", KEYVAL_OPT_STRING },
    { "process", KEYVAL_OPT_STRING },
    { "debug-threads", KEYVAL_OPT_BOOL },
    { NULL, KEYVAL_OPT_STRING },
};
static const KeyvalOptDesc rtc_params[] = {
    { "base", KEYVAL_OPT_STRING },
    { "clock", KEYVAL_OPT_STRING },
    { "driftfix", KEYVAL_OPT_STRING },
    { NULL, KEYVAL_OPT_STRING },
};
static const KeyvalOptDesc overcommit_params[] = {
    { "mem-lock", KEYVAL_OPT_BOOL },
    { "cpu-pm", KEYVAL_OPT_BOOL },
    { NULL, KEYVAL_OPT_STRING },
};
static const KeyvalOptDesc msg_params[] = {
    { "timestamp", KEYVAL_OPT_BOOL },
    { "guest-name", KEYVAL_OPT_BOOL },
    { NULL, KEYVAL_OPT_STRING },
};
static const KeyvalOptDesc sandbox_params[] = {
    { "enable", KEYVAL_OPT_BOOL },
    { "obsolete", KEYVAL_OPT_STRING },
    { "elevateprivileges", KEYVAL_OPT_STRING },
    { "spawn", KEYVAL_OPT_STRING },
    { "resourcecontrol", KEYVAL_OPT_STRING },
    { NULL, KEYVAL_OPT_STRING },
};
static const KeyvalOptDesc mon_params[] = {
    { "mode", KEYVAL_OPT_STRING },
    { "chardev", KEYVAL_OPT_STRING },
    { "pretty", KEYVAL_OPT_BOOL },
    { NULL, KEYVAL_OPT_STRING },
};

/* State of one parse. */
typedef struct Parser {
    MachineOptions *opts;
    json_t *machine; /* merged -machine keyval */
    json_t *mem; /* merged -m */
    json_t *smp; /* merged -smp keyval */
    json_t *boot; /* merged -boot keyval */
    json_t *rtc; /* last -rtc */
    json_t *accels; /* [{"loc": ARG, "opts": {...}}] */
    json_t *chardevs; /* [{"loc": ARG, "opts": {...}}] */
    json_t *mons; /* [{"loc": ARG, "opts": {...}} or {"qmp": ARG}] */
    json_t *device_ids; /* ids of keyval -device, for duplicates */
    json_t *drive_ids; /* ids of -drive, for duplicates */
    json_t *netdev_ids; /* ids of QemuOpts -netdev, for duplicates */
    json_t *numa_ids; /* ids of -numa, for duplicates */
    bool have_mem, have_smp, have_boot; /* -m, -smp, -boot given */
    const char *qtest;
    const char *cpu;
    const char *opt; /* the option being parsed, as written */
    const char *arg;
    bool machine_defining;
    unsigned compat_monitors;
    /* The chardevs the options create, numbered in command-line order
     * (-chardev, and -qmp's own), the order QEMU creates them in. */
    unsigned chardev_seq;
} Parser;

/* Reports err at the current option and frees it; returns false. */
static bool fail_here(Parser *p, Error *err)
{
    options_report(p->opt, p->arg, error_get_pretty(err));
    error_free(err);
    return false;
}

/* Reports a printf-style error with no option location. */
static bool __attribute__((format(printf, 1, 2)))
fail_plain(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    options_report(NULL, NULL, text);
    free(text);
    return false;
}

/* Reports a printf-style error at the current option. */
static bool __attribute__((format(printf, 2, 3)))
fail_at(Parser *p, const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    options_report(p->opt, p->arg, text);
    free(text);
    return false;
}

static void print_warnings(Parser *p, json_t *warnings)
{
    size_t i;
    json_t *w;

    json_array_foreach (warnings, i, w) {
        char *text = xasprintf("warning: %s", json_string_value(w));

        options_report(p->opt, p->arg, text);
        free(text);
    }
}

/*
 * Parses the current argument with the QemuOpts grammar, validating each
 * item in order against defs (NULL: accept anything); "id" is accepted
 * when allow_id and must be well formed.  Returns the merged dict (later
 * items win) or NULL after reporting.
 */
static json_t *parse_qemuopts(Parser *p, const char *implied,
                              const KeyvalOptDesc *defs, bool allow_id)
{
    json_t *warnings = json_array();
    Error *err = NULL;
    json_t *items;
    json_t *dict = NULL;
    json_t *item;
    size_t i;

    items = keyval_parse_qemuopts(p->arg, implied, warnings, &err);
    print_warnings(p, warnings);
    json_decref(warnings);
    if (!items) {
        return fail_here(p, err), NULL;
    }
    dict = json_object();
    json_array_foreach (items, i, item) {
        const char *key = json_string_value(json_array_get(item, 0));
        const char *val = json_string_value(json_array_get(item, 1));
        const KeyvalOptDesc *def = defs ? keyval_opt_find(defs, key) : NULL;
        bool ok = true;

        if (!strcmp(key, "id") && allow_id) {
            if (!keyval_id_wellformed(val)) {
                fail_at(p, "Parameter 'id' expects an identifier\n" ID_HINT);
                goto fail;
            }
        } else if (defs && !def) {
            fail_at(p, "Invalid parameter '%s'", key);
            goto fail;
        } else if (def && def->type == KEYVAL_OPT_BOOL) {
            bool b;

            ok = keyval_opt_bool(key, val, &b, &err);
        } else if (def && def->type == KEYVAL_OPT_NUMBER) {
            uint64_t n;

            ok = keyval_opt_number(key, val, &n, &err);
        } else if (def && def->type == KEYVAL_OPT_SIZE) {
            uint64_t n;
            bool hex = false;

            ok = keyval_opt_size(key, val, &n, &err);
            if (ok && keyval_strtosz(val, &n, &hex) == 0 && hex) {
                fail_at(p,
                        "warning: Using a multiplier suffix on hex "
                        "numbers is deprecated: %s",
                        val);
            }
        }
        if (!ok) {
            fail_here(p, err);
            goto fail;
        }
        json_object_set(dict, key, json_array_get(item, 1));
    }
    json_decref(items);
    return dict;

fail:
    json_decref(items);
    json_decref(dict);
    return NULL;
}

static json_t *parse_keyval_here(Parser *p, const char *implied)
{
    Error *err = NULL;
    json_t *dict = keyval_parse(p->arg, implied, &err);

    if (!dict) {
        fail_here(p, err);
    }
    return dict;
}

/* Parses a '{'-argument as one JSON object, QEMU-style errors. */
static json_t *parse_json_here(Parser *p)
{
    json_error_t jerr;
    json_t *v;
    size_t len = strlen(p->arg);
    const char *rest;

    v = json_loadb(p->arg, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
                   &jerr);
    if (!v) {
        if ((size_t)jerr.position >= len) {
            fail_at(p, "JSON parse error, premature EOI");
        } else {
            fail_at(p, "JSON parse error, %s", jerr.text);
        }
        return NULL;
    }
    rest = p->arg + jerr.position;
    rest += strspn(rest, " \t\r\n");
    if (*rest) {
        json_decref(v);
        fail_at(p, "Expecting at most one JSON value");
        return NULL;
    }
    return v;
}

static void merge_into(json_t *dst, json_t *src)
{
    json_object_update(dst, src);
}

static bool check_string_member(Parser *p, json_t *dict, const char *key)
{
    json_t *v = json_object_get(dict, key);

    if (!v) {
        return fail_at(p, "Parameter '%s' is missing", key);
    }
    if (!json_is_string(v)) {
        return fail_at(p, "Invalid parameter type for '%s', expected: string",
                       key);
    }
    return true;
}

/*
 * -object and -device take either JSON ("{...}", which must be an object)
 * or QemuOpts text with an implied first key.  Returns the dict, or NULL
 * after reporting.  *is_json tells which form it was.
 */
static json_t *parse_json_or_opts(Parser *p, const char *implied, bool *is_json)
{
    json_t *dict;

    *is_json = p->arg[0] == '{';
    if (!*is_json) {
        return parse_qemuopts(p, implied, NULL, true);
    }
    dict = parse_json_here(p);
    if (dict && !json_is_object(dict)) {
        fail_at(p, "Invalid parameter type, expected: object");
        json_decref(dict);
        return NULL;
    }
    return dict;
}

/* Records a QemuOpts id of its option group; QEMU's error if taken. */
static bool claim_id(Parser *p, json_t *ids, const char *id, const char *what)
{
    if (json_object_get(ids, id)) {
        return fail_at(p, "Duplicate ID '%s' for %s", id, what);
    }
    json_object_set_new(ids, id, json_true());
    return true;
}

static bool handle_object(Parser *p)
{
    MachineOptions *o = p->opts;
    bool is_json;
    json_t *dict = parse_json_or_opts(p, "qom-type", &is_json);

    if (!dict) {
        return false;
    }
    if (is_json && !check_string_member(p, dict, "qom-type")) {
        json_decref(dict);
        return false;
    }
    json_array_append_new(o->objects, dict);
    json_array_append_new(o->object_args, json_text(p->arg));
    return true;
}

static bool handle_device(Parser *p)
{
    MachineOptions *o = p->opts;
    bool is_json;
    json_t *dict = parse_json_or_opts(p, "driver", &is_json), *id;

    if (!dict) {
        return false;
    }
    id = is_json ? NULL : json_object_get(dict, "id");
    if (id && !claim_id(p, p->device_ids, json_string_value(id), "device")) {
        json_decref(dict);
        return false;
    }
    json_array_append_new(o->devices, dict);
    json_array_append_new(o->device_args, json_text(p->arg));
    return true;
}

/*
 * -netdev: JSON, or QemuOpts text with the type implied first, where
 * hostfwd, guestfwd and dnssearch may repeat (each adds to its list).
 * QemuOpts needs a well-formed id, unique among such -netdev options.
 */
static bool handle_netdev(Parser *p)
{
    static const char *const lists[] = { "hostfwd", "guestfwd", "dnssearch",
                                         NULL };
    MachineOptions *o = p->opts;
    json_t *dict, *items, *item, *warnings;
    Error *err = NULL;
    const char *id;
    size_t i;

    if (p->arg[0] == '{') {
        bool is_json;

        dict = parse_json_or_opts(p, "type", &is_json);
        if (!dict) {
            return false;
        }
        json_array_append_new(o->netdevs, dict);
        json_array_append_new(o->netdev_args, json_text(p->arg));
        return true;
    }
    warnings = json_array();
    items = keyval_parse_qemuopts(p->arg, "type", warnings, &err);
    print_warnings(p, warnings);
    json_decref(warnings);
    if (!items) {
        return fail_here(p, err);
    }
    dict = json_object();
    json_array_foreach (items, i, item) {
        const char *key = json_string_value(json_array_get(item, 0));
        json_t *val = json_array_get(item, 1);
        size_t k;

        for (k = 0; lists[k] && strcmp(lists[k], key); k++) {
        }
        if (lists[k]) {
            json_t *list = json_object_get(dict, key);

            if (!list) {
                list = json_array();
                json_object_set_new(dict, key, list);
            }
            json_array_append_new(list, json_pack("{s:O}", "str", val));
        } else {
            json_object_set(dict, key, val);
        }
    }
    json_decref(items);
    id = json_string_value(json_object_get(dict, "id"));
    if (!id) {
        json_decref(dict);
        return fail_at(p, "Parameter 'id' is missing");
    }
    if (!keyval_id_wellformed(id)) {
        json_decref(dict);
        return fail_at(p, "Parameter 'id' expects an identifier\n" ID_HINT);
    }
    if (!claim_id(p, p->netdev_ids, id, "netdev")) {
        json_decref(dict);
        return false;
    }
    json_array_append_new(o->netdevs, dict);
    json_array_append_new(o->netdev_args, json_text(p->arg));
    return true;
}

/*
 * Nests dotted keys ("file.driver") into objects as QEMU's keyval does;
 * false (QEMU's error set) when a key is both a value and an object.
 */
static json_t *keyval_nest(json_t *flat, Error **errp)
{
    json_t *root = json_object();
    const char *key;
    json_t *v;

    json_object_foreach (flat, key, v) {
        json_t *cur = root;
        char *path = xstrdup(key), *part = path, *dot;

        while ((dot = strchr(part, '.'))) {
            json_t *next;

            *dot = '\0';
            next = json_object_get(cur, part);
            if (next && !json_is_object(next)) {
                error_setg(errp, "Parameters '%.*s.*' used inconsistently",
                           (int)(dot - path), key);
                free(path);
                json_decref(root);
                return NULL;
            }
            if (!next) {
                next = json_object();
                json_object_set_new(cur, part, next);
            }
            cur = next;
            part = dot + 1;
        }
        if (json_is_object(json_object_get(cur, part))) {
            error_setg(errp, "Parameters '%s.*' used inconsistently", key);
            free(path);
            json_decref(root);
            return NULL;
        }
        json_object_set(cur, part, v);
        free(path);
    }
    return root;
}

/*
 * -blockdev: JSON, or dotted keys (keyval, "driver" implied first) whose
 * values stay strings until the schema converts them at creation.
 */
static bool handle_blockdev(Parser *p)
{
    MachineOptions *o = p->opts;
    json_t *dict;

    if (p->arg[0] == '{') {
        dict = parse_json_here(p);
        if (dict && !json_is_object(dict)) {
            fail_at(p, "Invalid parameter type, expected: object");
            json_decref(dict);
            return false;
        }
    } else {
        Error *err = NULL;

        json_t *flat = keyval_parse(p->arg, "driver", &err);

        dict = flat ? keyval_nest(flat, &err) : NULL;
        json_decref(flat);
        if (!dict) {
            return fail_here(p, err);
        }
    }
    if (!dict) {
        return false;
    }
    json_array_append_new(o->blockdevs, dict);
    json_array_append_new(o->blockdev_args, json_text(p->arg));
    return true;
}

/*
 * -drive: QemuOpts text (no implied key) with a well-formed id unique
 * among -drive options; QEMU reads the rest when it opens the drives
 * (drive.c).
 */
static bool handle_drive(Parser *p)
{
    MachineOptions *o = p->opts;
    json_t *dict = parse_qemuopts(p, NULL, NULL, true), *id;

    if (!dict) {
        return false;
    }
    id = json_object_get(dict, "id");
    if (id && !claim_id(p, p->drive_ids, json_string_value(id), "drive")) {
        json_decref(dict);
        return false;
    }
    json_array_append_new(o->drives, dict);
    json_array_append_new(o->drive_args, json_text(p->arg));
    return true;
}

/*
 * -numa: QemuOpts syntax (and a well-formed, unique id) only; QEMU reads
 * the members once the machine and the backends exist (numa.c).
 */
static bool handle_numa(Parser *p)
{
    MachineOptions *o = p->opts;
    json_t *dict = parse_qemuopts(p, "type", NULL, true);
    const char *id;

    if (!dict) {
        return false;
    }
    id = json_string_value(json_object_get(dict, "id"));
    if (id && !claim_id(p, p->numa_ids, id, "numa")) {
        json_decref(dict);
        return false;
    }
    json_array_append_new(o->numa, dict);
    json_array_append_new(o->numa_args, json_text(p->arg));
    return true;
}

static bool handle_display(Parser *p)
{
    static const char *const bools[] = {
        "full-screen",
        "window-close",
        "show-cursor",
    };
    static const char *const gl_modes[] = { "off", "on", "core", "es" };
    json_t *dict = parse_keyval_here(p, "type");
    const char *key;
    json_t *val;
    bool ok = true;

    if (!dict) {
        return false;
    }
    json_object_foreach (dict, key, val) {
        const char *s = json_string_value(val);
        Error *err = NULL;
        bool b;

        if (!strcmp(key, "type")) {
            if (strcmp(s, "none") != 0) {
                ok = fail_at(p,
                             "Parameter 'type' does not accept value "
                             "'%s'",
                             s);
                break;
            }
        } else if (str_in_list(key, bools, ARRAY_SIZE(bools))) {
            if (!keyval_visit_bool(key, s, &b, &err)) {
                ok = fail_here(p, err);
                break;
            }
        } else if (!strcmp(key, "gl")) {
            if (!str_in_list(s, gl_modes, ARRAY_SIZE(gl_modes))) {
                ok = fail_at(p, "Parameter 'gl' does not accept value '%s'", s);
                break;
            }
        } else {
            ok = fail_at(p, "Parameter '%s' is unexpected", key);
            break;
        }
    }
    if (ok && !json_object_get(dict, "type")) {
        ok = fail_at(p, "Parameter 'type' is missing");
    }
    json_decref(dict);
    return ok;
}

static bool handle_audiodev(Parser *p)
{
    json_t *dict;
    bool ok = true;

    if (p->arg[0] == '{') {
        dict = parse_json_here(p);
    } else {
        dict = parse_keyval_here(p, "driver");
    }
    if (!dict) {
        return false;
    }
    if (!json_is_object(dict)) {
        ok = fail_at(p, "Invalid parameter type, expected: object");
    } else if (!json_object_get(dict, "id")) {
        ok = fail_at(p, "Parameter 'id' is missing");
    } else if (!json_object_get(dict, "driver")) {
        ok = fail_at(p, "Parameter 'driver' is missing");
    }
    json_decref(dict);
    return ok;
}

static bool handle_uuid(Parser *p)
{
    static const int group[] = { 8, 4, 4, 4, 12 };
    const char *s = p->arg;
    char buf[37];
    size_t i, g;
    size_t pos = 0;

    if (strlen(s) != 36) {
        return fail_at(p, "failed to parse UUID string: wrong format");
    }
    for (g = 0; g < ARRAY_SIZE(group); g++) {
        for (i = 0; i < (size_t)group[g]; i++, pos++) {
            if (!isxdigit((unsigned char)s[pos])) {
                return fail_at(p, "failed to parse UUID string: wrong "
                                  "format");
            }
            buf[pos] = tolower((unsigned char)s[pos]);
        }
        if (g + 1 < ARRAY_SIZE(group)) {
            if (s[pos] != '-') {
                return fail_at(p, "failed to parse UUID string: wrong "
                                  "format");
            }
            buf[pos++] = '-';
        }
    }
    buf[pos] = '\0';
    free(p->opts->uuid);
    p->opts->uuid = xstrdup(buf);
    return true;
}

/* Splits "HOST:PORT" at the last ':' ("[v6]:port" keeps the brackets). */
static bool split_host_port(const char *s, char **host, char **port)
{
    const char *colon = strrchr(s, ':');

    if (!colon || !colon[1]) {
        return false;
    }
    *host = xstrndup(s, colon - s);
    *port = xstrdup(colon + 1);
    return true;
}

/* "unix:PATH" or "tcp:HOST:PORT" into a (kind and strings). */
static bool parse_socket_addr(const char *s, ListenAddr *a)
{
    if (!strncmp(s, "unix:", 5) && s[5]) {
        a->kind = LISTEN_UNIX;
        a->path = xstrdup(s + 5);
        return true;
    }
    if (!strncmp(s, "tcp:", 4) && split_host_port(s + 4, &a->host, &a->port)) {
        a->kind = LISTEN_TCP;
        return true;
    }
    return false;
}

static bool handle_rest(Parser *p)
{
    MachineOptions *o = p->opts;
    ListenAddr a = { .fd = -1, .server = true };

    if (!strncmp(p->arg, "fd:", 3)) {
        /* A listening socket handed over (systemd's socket activation). */
        char *end;
        long fd;

        errno = 0;
        fd = strtol(p->arg + 3, &end, 10);
        if (p->arg[3] < '0' || p->arg[3] > '9' || *end || errno || fd > 65535) {
            return fail_at(p, "expected fd:N, a listening socket's "
                              "descriptor");
        }
        a.kind = LISTEN_FD;
        a.fd = (int)fd;
    } else if (!parse_socket_addr(p->arg, &a)) {
        return fail_at(p, "expected tcp:HOST:PORT, unix:PATH or fd:N");
    }
    o->rest = xrealloc(o->rest, (o->n_rest + 1) * sizeof(*o->rest));
    o->rest[o->n_rest++] = a;
    return true;
}

/* --forward unix:PATH | tcp:HOST:PORT: QEMU's QMP socket (a client). */
static bool handle_forward(Parser *p)
{
    MachineOptions *o = p->opts;
    ListenAddr a = { .fd = -1 };
    const char *s = p->arg;

    if (!strncmp(s, "libvirt:", 8)) {
        if (!strchr(s + 8, '#')) {
            return fail_at(p, "expected libvirt:URI#DOMAIN");
        }
        free(o->forward_libvirt);
        o->forward_libvirt = xstrdup(s + 8);
        return true;
    }
    if (!parse_socket_addr(s, &a)) {
        return fail_at(
            p, "expected tcp:HOST:PORT, unix:PATH or libvirt:URI#DOMAIN");
    }
    if (o->forward) {
        listen_addr_clear(o->forward);
    } else {
        o->forward = xzalloc(sizeof(*o->forward));
    }
    *o->forward = a;
    return true;
}

static void print_help(void)
{
    printf(
        "usage: %s [options]\n"
        "Models a QEMU 7.2 pc machine (pc-i440fx-7.2) behind QMP, "
        "qtest and REST.\n"
        "With no machine option: the default machine (1 GiB, 8 slots, "
        "maxmem 16 GiB),\n"
        "QMP on tcp:127.0.0.1:4444 and REST on tcp:127.0.0.1:8080.\n\n"
        "QEMU options (QEMU syntax):\n"
        "  -machine|-M pc|pc-i440fx-7.2|none[,prop=value...]\n"
        "  -m [size=]N[,slots=S,maxmem=M]   -smp [cpus=]N[,...]\n"
        "  -cpu MODEL[,feature...]          -numa node|cpu|dist,...\n"
        "  -object TYPE,id=ID,...|JSON      -netdev user,id=ID,...|JSON\n"
        "  -device DRIVER[,prop=value...]|JSON\n"
        "  -blockdev DRIVER,node-name=NAME,...|JSON\n"
        "  -drive if=none|virtio,file=FILE[,id=ID][,format=raw|qcow2][,...]\n"
        "  -qmp|-qmp-pretty unix:PATH,server=on,wait=off | "
        "tcp:HOST:PORT,server=on,wait=off\n"
        "  -chardev socket,id=ID,path=P|fd=N,server=on,wait=off | "
        "null|file|pty,id=ID\n"
        "  -mon chardev=ID,mode=control\n"
        "  -qtest unix:PATH,server=on,wait=off\n"
        "  -S -name -uuid -pidfile -daemonize -nodefaults -no-shutdown "
        "-no-reboot\n"
        "  -accel -enable-kvm -no-acpi -usb -rtc -boot\n"
        "  checked, no effect: -display, -nographic, -no-user-config, "
        "-overcommit,\n"
        "    -audiodev, -sandbox, -msg; ignored: -qtest-log, -global, "
        "-vga, -serial,\n"
        "    -parallel, -k, -L\n\n"
        "qmachined options:\n"
        "  --rest tcp:HOST:PORT|unix:PATH|fd:N\n"
        "                                   serve the REST API "
        "(repeatable)\n"
        "  --rest-token-file FILE           bearer token for REST\n"
        "  --guest POLICY                   simulated guest: linux, "
        "passive,\n"
        "                                   reject or delay:MS\n"
        "  --forward unix:PATH|tcp:HOST:PORT|libvirt:URI#DOMAIN\n"
        "                                   serve a real QEMU's QMP monitor "
        "to many clients\n"
        "  --forward-read-only              (with libvirt:) refuse changes\n"
        "  --forward-poll-us N              forwarding: look for input "
        "without\n"
        "                                   sleeping for N us after the "
        "last (1000)\n"
        "  --wrap=QEMU                      start QEMU with these arguments "
        "and forward\n"
        "                                   to it (first argument; also "
        "as qmachined-wrap)\n"
        "  -h, --help, --version\n"
        "See qmachined(1).\n",
        OPTIONS_PROGNAME);
}

static void print_machines(void)
{
    printf("Supported machines are:\n"
           "%-20s Standard PC (i440FX + PIIX, 1996) (alias of %s)\n"
           "%-20s Standard PC (i440FX + PIIX, 1996) (default)\n"
           "%-20s empty machine\n",
           "pc", PC_MACHINE, PC_MACHINE, "none");
}

/* Phase 1: one option, in argv order. */
static bool handle_option(Parser *p, OptId id, bool *exit_now)
{
    MachineOptions *o = p->opts;
    json_t *dict;

    switch (id) {
    case OPT_MACHINE:
        if (!strcmp(p->arg, "help") || !strcmp(p->arg, "?")) {
            print_machines();
            *exit_now = true;
            return true;
        }
        dict = parse_keyval_here(p, "type");
        if (!dict) {
            return false;
        }
        merge_into(p->machine, dict);
        json_decref(dict);
        p->machine_defining = true;
        return true;
    case OPT_M:
        dict = parse_qemuopts(p, "size", memory_size_opts, false);
        if (!dict) {
            return false;
        }
        merge_into(p->mem, dict);
        json_decref(dict);
        p->machine_defining = true;
        p->have_mem = true;
        return true;
    case OPT_SMP:
        dict = parse_keyval_here(p, "cpus");
        if (!dict) {
            return false;
        }
        merge_into(p->smp, dict);
        json_decref(dict);
        p->machine_defining = true;
        p->have_smp = true;
        return true;
    case OPT_OBJECT:
        p->machine_defining = true;
        return handle_object(p);
    case OPT_NUMA:
        p->machine_defining = true;
        return handle_numa(p);
    case OPT_DEVICE:
        p->machine_defining = true;
        return handle_device(p);
    case OPT_NETDEV:
        return handle_netdev(p);
    case OPT_BLOCKDEV:
        return handle_blockdev(p);
    case OPT_DRIVE:
        return handle_drive(p);
    case OPT_QMP:
    case OPT_QMP_PRETTY:
        json_array_append_new(p->mons,
                              json_pack("{s:s, s:b, s:i}", "qmp", p->arg,
                                        "pretty", id == OPT_QMP_PRETTY, "seq",
                                        (int)p->chardev_seq++));
        return true;
    case OPT_CHARDEV:
        dict = parse_qemuopts(p, "backend", chardev_opts, true);
        if (!dict) {
            return false;
        }
        if (json_object_get(dict, "id")) {
            const char *cid = json_string_value(json_object_get(dict, "id"));
            size_t i;
            json_t *c;

            json_array_foreach (p->chardevs, i, c) {
                json_t *other = json_object_get(c, "opts");
                const char *oid =
                    json_string_value(json_object_get(other, "id"));

                if (oid && !strcmp(oid, cid)) {
                    bool ok = fail_at(p, "Duplicate ID '%s' for chardev", cid);

                    json_decref(dict);
                    return ok;
                }
            }
        }
        json_array_append_new(p->chardevs,
                              json_pack("{s:s, s:s, s:o, s:i}", "opt", p->opt,
                                        "loc", p->arg, "opts", dict, "seq",
                                        (int)p->chardev_seq++));
        return true;
    case OPT_MON:
        dict = parse_qemuopts(p, "chardev", mon_params, true);
        if (!dict) {
            return false;
        }
        json_array_append_new(p->mons,
                              json_pack("{s:s, s:s, s:o}", "opt", p->opt, "loc",
                                        p->arg, "opts", dict));
        return true;
    case OPT_QTEST:
        p->qtest = p->arg;
        return true;
    case OPT_IGNORED_ARG:
    case OPT_NOGRAPHIC:
    case OPT_NO_USER_CONFIG:
        return true;
    case OPT_S:
        o->start_paused = true;
        return true;
    case OPT_NAME:
        dict = parse_qemuopts(p, "guest", name_params, false);
        if (!dict) {
            return false;
        }
        if (json_object_get(dict, "guest")) {
            free(o->name);
            o->name =
                xstrdup(json_string_value(json_object_get(dict, "guest")));
        }
        json_decref(dict);
        return true;
    case OPT_UUID:
        return handle_uuid(p);
    case OPT_PIDFILE:
        free(o->pidfile);
        o->pidfile = xstrdup(p->arg);
        return true;
    case OPT_DAEMONIZE:
        o->daemonize = true;
        return true;
    case OPT_NODEFAULTS:
        o->nodefaults = true;
        return true;
    case OPT_DISPLAY:
        return handle_display(p);
    case OPT_ACCEL:
        if (!strcmp(p->arg, "help") || !strcmp(p->arg, "?")) {
            printf("Accelerators supported in QEMU binary:\ntcg\nkvm\n");
            *exit_now = true;
            return true;
        }
        dict = parse_qemuopts(p, "accel", NULL, false);
        if (!dict) {
            return false;
        }
        json_array_append_new(p->accels,
                              json_pack("{s:s, s:s, s:o}", "opt", p->opt, "loc",
                                        p->arg, "opts", dict));
        return true;
    case OPT_ENABLE_KVM:
        json_object_set_new(p->machine, "accel", json_string("kvm"));
        return true;
    case OPT_NO_ACPI:
        /* QEMU 7.2: the same as -machine acpi=off (libvirt passes it
         * for a domain without <acpi/>). */
        json_object_set_new(p->machine, "acpi", json_string("off"));
        return true;
    case OPT_USB:
        /* QEMU 7.2: the same as -machine usb=on. */
        json_object_set_new(p->machine, "usb", json_string("on"));
        return true;
    case OPT_CPU:
        p->cpu = p->arg;
        return true;
    case OPT_RTC:
        dict = parse_qemuopts(p, "base", rtc_params, false);
        if (!dict) {
            return false;
        }
        json_decref(p->rtc);
        p->rtc = dict;
        return true;
    case OPT_NO_SHUTDOWN:
        o->no_shutdown = true;
        return true;
    case OPT_NO_REBOOT:
        o->no_reboot = true;
        return true;
    case OPT_BOOT:
        dict = parse_keyval_here(p, "order");
        if (!dict) {
            return false;
        }
        merge_into(p->boot, dict);
        json_decref(dict);
        p->have_boot = true;
        return true;
    case OPT_OVERCOMMIT:
        dict = parse_qemuopts(p, NULL, overcommit_params, false);
        json_decref(dict);
        return dict != NULL;
    case OPT_AUDIODEV:
        return handle_audiodev(p);
    case OPT_SANDBOX:
        dict = parse_qemuopts(p, "enable", sandbox_params, false);
        json_decref(dict);
        return dict != NULL;
    case OPT_MSG:
        dict = parse_qemuopts(p, NULL, msg_params, false);
        json_decref(dict);
        return dict != NULL;
    case OPT_HELP:
        print_help();
        *exit_now = true;
        return true;
    case OPT_VERSION:
        printf("%s version %s (models QEMU 7.2 pc-i440fx-7.2)\n",
               OPTIONS_PROGNAME, PACKAGE_VERSION);
        *exit_now = true;
        return true;
    case OPT_REST:
        return handle_rest(p);
    case OPT_REST_TOKEN_FILE:
        free(o->rest_token_file);
        o->rest_token_file = xstrdup(p->arg);
        return true;
    case OPT_GUEST:
        free(o->guest_policy);
        o->guest_policy = xstrdup(p->arg);
        return true;
    case OPT_FORWARD:
        return handle_forward(p);
    case OPT_FORWARD_READ_ONLY:
        o->forward_read_only = true;
        return true;
    case OPT_FORWARD_POLL_US: {
        char *end;
        unsigned long us;

        errno = 0;
        us = strtoul(p->arg, &end, 10);
        if (!*p->arg || *end || errno || us > 1000000 || p->arg[0] == '-') {
            return fail_at(p, "expected microseconds, 0 to 1000000");
        }
        o->forward_poll_us = (unsigned)us;
        return true;
    }
    }
    return true;
}

static bool valid_rtc_date(const char *s)
{
    int y, mo, d, h, mi, se, n = -1;

    if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 &&
        n >= 0 && !s[n]) {
        return true;
    }
    n = -1;
    return sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) == 3 && n >= 0 && !s[n];
}

static bool check_rtc(Parser *p)
{
    const char *base, *clock, *drift;

    if (!p->rtc) {
        return true;
    }
    base = json_string_value(json_object_get(p->rtc, "base"));
    clock = json_string_value(json_object_get(p->rtc, "clock"));
    drift = json_string_value(json_object_get(p->rtc, "driftfix"));
    if (base && strcmp(base, "utc") != 0 && strcmp(base, "localtime") != 0 &&
        !valid_rtc_date(base)) {
        return fail_plain("invalid datetime format\nvalid formats: "
                          "'2006-06-17T16:01:21' or '2006-06-17'");
    }
    if (clock && strcmp(clock, "host") != 0 && strcmp(clock, "rt") != 0 &&
        strcmp(clock, "vm") != 0) {
        return fail_plain("invalid option value '%s'", clock);
    }
    if (drift && strcmp(drift, "none") != 0 && strcmp(drift, "slew") != 0) {
        return fail_plain("invalid option value '%s'", drift);
    }
    return true;
}

/*
 * Whether path names an object that exists when QEMU sets the machine's
 * properties: the root, the machine's containers and the chardevs.  No
 * object qmachined can create exists yet (backends come later), so no
 * confidential-guest-support object can.
 */
static bool early_object_exists(Parser *p, const char *path)
{
    static const char *const containers[] = {
        "machine",
        "unattached",
        "peripheral",
        "peripheral-anon",
    };
    const char *name = path;
    size_t i;
    json_t *entry;
    bool any_chardev = json_array_size(p->chardevs) > 0;
    unsigned qmp = 0;

    if (!strcmp(path, "/")) {
        return true;
    }
    if (path[0] == '/') {
        if (!strcmp(path, "/machine")) {
            return true;
        }
        if (!strncmp(path, "/machine/", 9)) {
            return str_in_list(path + 9, containers + 1,
                               ARRAY_SIZE(containers) - 1);
        }
        if (strncmp(path, "/chardevs", 9) != 0) {
            return false;
        }
        if (!path[9]) {
            return any_chardev;
        }
        if (path[9] != '/') {
            return false;
        }
        name = path + 10;
    } else if (str_in_list(path, containers, ARRAY_SIZE(containers)) ||
               (any_chardev && !strcmp(path, "chardevs"))) {
        return true;
    }
    json_array_foreach (p->chardevs, i, entry) {
        const char *id = json_string_value(
            json_object_get(json_object_get(entry, "opts"), "id"));

        if (id && !strcmp(id, name)) {
            return true;
        }
    }
    json_array_foreach (p->mons, i, entry) {
        if (json_object_get(entry, "qmp")) {
            char *id = xasprintf("compat_monitor%u", qmp++);
            bool same = !strcmp(id, name);

            free(id);
            if (same) {
                return true;
            }
        }
    }
    return false;
}

/* early_object_exists() for the machine's link properties. */
static bool early_object_exists_cb(const char *path, void *opaque)
{
    return early_object_exists(opaque, path);
}

/* -machine properties, -m, -smp and -boot, in QEMU's order. */
static bool apply_machine(Parser *p)
{
    MachineOptionArgs args = {
        .machine = p->machine,
        .memory = p->have_mem ? p->mem : NULL,
        .smp = p->have_smp ? p->smp : NULL,
        .boot = p->have_boot ? p->boot : NULL,
        .exists = early_object_exists_cb,
        .opaque = p,
    };
    Error *err = NULL;

    if (!machine_props_apply(p->opts, &args, &err)) {
        /* QEMU reports these without a location. */
        options_report(NULL, NULL, error_get_pretty(err));
        error_free(err);
        return false;
    }
    return true;
}

/* Sets p->opt/arg for reports on a stored option. */
static void relocate(Parser *p, json_t *entry)
{
    p->opt = json_string_value(json_object_get(entry, "opt"));
    p->arg = json_string_value(json_object_get(entry, "loc"));
}

static bool check_accels(Parser *p)
{
    MachineOptions *o = p->opts;
    const char *m_accel =
        json_string_value(json_object_get(p->machine, "accel"));
    char *list = NULL;
    size_t i;
    json_t *entry;

    if (json_array_size(p->accels) && m_accel) {
        return fail_plain("The -accel and \"-machine accel=\" options are "
                          "incompatible");
    }
    if (m_accel) {
        char *copy = xstrdup(m_accel);
        char *save = NULL;
        char *tok;
        bool ok = true;

        for (tok = strtok_r(copy, ":", &save); tok;
             tok = strtok_r(NULL, ":", &save)) {
            if (strcmp(tok, "tcg") != 0 && strcmp(tok, "kvm") != 0) {
                ok = fail_plain("invalid accelerator %s", tok);
                break;
            }
        }
        free(copy);
        if (!ok) {
            return false;
        }
        json_object_set_new(o->machine_props, "accel", json_text(m_accel));
        return true;
    }
    json_array_foreach (p->accels, i, entry) {
        json_t *opts = json_object_get(entry, "opts");
        const char *name = json_string_value(json_object_get(opts, "accel"));
        const char *key;
        json_t *val;
        char *next;

        relocate(p, entry);
        if (!name) {
            free(list);
            return fail_at(p, "Parameter 'accel' is missing");
        }
        if (strcmp(name, "tcg") != 0 && strcmp(name, "kvm") != 0) {
            free(list);
            return fail_at(p, "invalid accelerator %s", name);
        }
        json_object_foreach (opts, key, val) {
            const char *s = json_string_value(val);
            Error *err = NULL;
            uint64_t n;
            bool b;

            if (!strcmp(key, "accel") || strcmp(name, "tcg") != 0) {
                continue;
            }
            if (!strcmp(key, "thread")) {
                if (strcmp(s, "single") != 0 && strcmp(s, "multi") != 0) {
                    free(list);
                    return fail_at(p, "Invalid 'thread' setting %s", s);
                }
            } else if (!strcmp(key, "tb-size")) {
                if (!keyval_visit_uint64(key, s, &n, &err)) {
                    free(list);
                    return fail_here(p, err);
                }
            } else if (!strcmp(key, "split-wx")) {
                if (!keyval_visit_bool(key, s, &b, &err)) {
                    free(list);
                    return fail_here(p, err);
                }
            } else {
                free(list);
                return fail_at(p, "Property 'tcg-accel.%s' not found", key);
            }
        }
        next = list ? xasprintf("%s:%s", list, name) : xstrdup(name);
        free(list);
        list = next;
    }
    if (list) {
        json_object_set_new(o->machine_props, "accel", json_text(list));
        free(list);
    }
    return true;
}

static bool check_chardevs(Parser *p)
{
    size_t i;
    json_t *entry;

    json_array_foreach (p->chardevs, i, entry) {
        Error *err = NULL;
        json_t *c = json_object_get(entry, "opts"), *backend;

        relocate(p, entry);
        if (!chardev_check(c, &err)) {
            return fail_here(p, err);
        }
        backend = chardev_backend_of(c, &err);
        if (err) {
            return fail_here(p, err);
        }
        if (backend) {
            json_array_append_new(p->opts->chardevs,
                                  json_pack("{s:O, s:o, s:O}", "id",
                                            json_object_get(c, "id"), "backend",
                                            backend, "seq",
                                            json_object_get(entry, "seq")));
            json_array_append(p->opts->chardev_args,
                              json_object_get(entry, "loc"));
        }
    }
    return true;
}

/* chardev_listen_addr(), reported at the current location. */
static bool chardev_to_addr(Parser *p, json_t *c, ListenAddr *a,
                            bool *is_socket)
{
    Error *err = NULL;

    if (!chardev_listen_addr(c, a, is_socket, &err)) {
        return fail_here(p, err);
    }
    if (*is_socket && a->kind == LISTEN_FD && a->fd < 0) {
        /* QEMU accepts a server without a socket; a front end here needs
         * one. */
        return fail_at(p,
                       "chardev \"%s\" has no socket; %s serves only "
                       "sockets",
                       json_string_value(json_object_get(c, "id")),
                       OPTIONS_PROGNAME);
    }
    return true;
}

/*
 * Parses a QEMU character device string ("unix:PATH,opts",
 * "tcp:HOST:PORT,opts", "chardev:ID", ...) as -qmp and -qtest take it.
 * On failure prints QEMU's first message (if any) and returns false.
 */
static bool parse_compat_chardev(Parser *p, const char *spec, ListenAddr *a)
{
    Error *err = NULL;
    json_t *c;
    bool sock;
    bool ok;

    memset(a, 0, sizeof(*a));
    a->fd = -1;
    if (!strncmp(spec, "chardev:", 8)) {
        size_t i;
        json_t *entry;

        json_array_foreach (p->chardevs, i, entry) {
            json_t *copts = json_object_get(entry, "opts");
            const char *id = json_string_value(json_object_get(copts, "id"));

            if (id && !strcmp(id, spec + 8)) {
                ok = chardev_to_addr(p, copts, a, &sock);
                if (ok && !sock) {
                    return fail_at(p,
                                   "chardev \"%s\" is not a socket; "
                                   "%s serves only sockets",
                                   id, OPTIONS_PROGNAME);
                }
                a->chardev_id = xstrdup(id);
                return ok;
            }
        }
        return fail_at(p, "chardev \"%s\" not found", spec + 8);
    }
    c = chardev_parse_compat(spec, &err);
    if (!c) {
        return err ? fail_here(p, err) : false;
    }
    ok = chardev_to_addr(p, c, a, &sock);
    json_decref(c);
    return ok;
}

static void add_monitor(MachineOptions *o, const ListenAddr *a)
{
    o->monitors =
        xrealloc(o->monitors, (o->n_monitors + 1) * sizeof(*o->monitors));
    o->monitors[o->n_monitors++] = *a;
}

static bool setup_monitors(Parser *p)
{
    MachineOptions *o = p->opts;
    size_t i;
    json_t *entry;

    json_array_foreach (p->mons, i, entry) {
        const char *qmp = json_string_value(json_object_get(entry, "qmp"));
        json_t *m = json_object_get(entry, "opts");
        const char *mode, *cid, *pretty;
        ListenAddr a;
        bool found = false;
        bool b;
        size_t j;
        json_t *c;

        if (qmp) {
            p->opt = json_is_true(json_object_get(entry, "pretty"))
                         ? "-qmp-pretty"
                         : "-qmp";
            p->arg = qmp;
            if (!parse_compat_chardev(p, qmp, &a)) {
                listen_addr_clear(&a);
                return fail_at(p, "parse error: %s", qmp);
            }
            if (!a.chardev_id) {
                a.chardev_id =
                    xasprintf("compat_monitor%u", p->compat_monitors++);
                /* Its chardev comes where the option is. */
                json_array_append_new(o->chardevs,
                                      json_pack("{s:s, s:O}", "id",
                                                a.chardev_id, "seq",
                                                json_object_get(entry, "seq")));
                json_array_append_new(o->chardev_args, json_string(qmp));
            }
            a.pretty = json_is_true(json_object_get(entry, "pretty"));
            add_monitor(o, &a);
            continue;
        }
        relocate(p, entry);
        mode = json_string_value(json_object_get(m, "mode"));
        cid = json_string_value(json_object_get(m, "chardev"));
        pretty = json_string_value(json_object_get(m, "pretty"));
        if (mode && strcmp(mode, "readline") != 0 &&
            strcmp(mode, "control") != 0) {
            return fail_at(p, "Parameter 'mode' does not accept value '%s'",
                           mode);
        }
        if (!cid) {
            return fail_at(p, "Parameter 'chardev' is missing");
        }
        json_array_foreach (p->chardevs, j, c) {
            json_t *copts = json_object_get(c, "opts");
            const char *id = json_string_value(json_object_get(copts, "id"));
            bool sock;

            if (!id || strcmp(id, cid) != 0) {
                continue;
            }
            found = true;
            if (!mode || strcmp(mode, "control") != 0) {
                break; /* HMP monitors are not served */
            }
            if (!chardev_to_addr(p, copts, &a, &sock)) {
                listen_addr_clear(&a);
                return false;
            }
            if (!sock) {
                return fail_at(p,
                               "chardev \"%s\" is not a socket; %s "
                               "serves QMP only on sockets",
                               cid, OPTIONS_PROGNAME);
            }
            a.chardev_id = xstrdup(cid);
            a.pretty = pretty && keyval_str_to_bool(pretty, &b) && b;
            add_monitor(o, &a);
            break;
        }
        if (!found) {
            return fail_at(p, "chardev \"%s\" not found", cid);
        }
    }
    return true;
}

static bool setup_qtest(Parser *p)
{
    ListenAddr a;

    if (!p->qtest) {
        return true;
    }
    p->opt = NULL; /* QEMU reports these without a location */
    p->arg = NULL;
    if (!parse_compat_chardev(p, p->qtest, &a)) {
        listen_addr_clear(&a);
        return fail_plain("Failed to initialize device for qtest: \"%s\"",
                          p->qtest);
    }
    if (!a.chardev_id) {
        a.chardev_id = xstrdup("qtest");
    }
    p->opts->qtest = xmalloc(sizeof(*p->opts->qtest));
    *p->opts->qtest = a;
    return true;
}

/* Whether id is the chardev a monitor or qtest serves on. */
static bool front_end_chardev(const MachineOptions *o, const char *id)
{
    for (size_t i = 0; i < o->n_monitors; i++) {
        if (o->monitors[i].chardev_id &&
            !strcmp(o->monitors[i].chardev_id, id)) {
            return true;
        }
    }
    return o->qtest && o->qtest->chardev_id &&
           !strcmp(o->qtest->chardev_id, id);
}

static int by_seq(const void *a, const void *b)
{
    json_int_t x = json_integer_value(
        json_object_get(json_array_get(*(json_t *const *)a, 0), "seq"));
    json_int_t y = json_integer_value(
        json_object_get(json_array_get(*(json_t *const *)b, 0), "seq"));

    return (x > y) - (x < y);
}

/*
 * The chardevs in the order QEMU creates them: a monitor's or qtest's is
 * only reserved there (its front end opens it), the other sockets are
 * created as chardev-add's.
 */
static void order_chardevs(Parser *p)
{
    MachineOptions *o = p->opts;
    size_t n = json_array_size(o->chardevs), i;
    json_t **pairs = xmalloc((n ? n : 1) * sizeof(*pairs));

    for (i = 0; i < n; i++) {
        json_t *c = json_array_get(o->chardevs, i);

        if (front_end_chardev(o, json_string_value(json_object_get(c, "id")))) {
            json_object_del(c, "backend");
            json_object_set_new(c, "front-end", json_true());
        }
        pairs[i] = json_pack("[O, O]", c, json_array_get(o->chardev_args, i));
    }
    qsort(pairs, n, sizeof(*pairs), by_seq);
    json_array_clear(o->chardevs);
    json_array_clear(o->chardev_args);
    for (i = 0; i < n; i++) {
        json_array_append(o->chardevs, json_array_get(pairs[i], 0));
        json_array_append(o->chardev_args, json_array_get(pairs[i], 1));
        json_decref(pairs[i]);
    }
    free(pairs);
}

static bool check_cpu(Parser *p)
{
    size_t len;
    char *model;

    if (!p->cpu) {
        return true;
    }
    if (!*p->cpu) {
        fail_plain("-cpu option cannot be empty");
        return false;
    }
    len = strcspn(p->cpu, ",");
    model = xstrndup(p->cpu, len);
    if (!x86_cpu_model_find(model)) {
        fail_plain("unable to find CPU model '%s'", model);
        free(model);
        return false;
    }
    free(p->opts->cpu_model);
    p->opts->cpu_model = model;
    p->opts->cpu_flags = p->cpu[len] == ',';
    free(p->opts->cpu_features);
    p->opts->cpu_features =
        p->opts->cpu_flags ? xstrdup(p->cpu + len + 1) : NULL;
    p->opts->cpu_given = true;
    return true;
}

/* Phase 2: checks QEMU makes after reading every option, in its order. */
static bool finish(Parser *p)
{
    MachineOptions *o = p->opts;
    const char *type = json_string_value(json_object_get(p->machine, "type"));

    p->opt = NULL;
    p->arg = NULL;
    if (!json_object_get(p->machine, "kernel")) {
        if (json_object_get(p->machine, "append")) {
            return fail_plain("-append only allowed with -kernel option");
        }
        if (json_object_get(p->machine, "initrd")) {
            return fail_plain("-initrd only allowed with -kernel option");
        }
    }
    if (type) {
        const MachineTypeInfo *mt = machine_type_find(type);

        if (!mt) {
            return fail_plain("unsupported machine type\n"
                              "Use -machine help to list supported "
                              "machines");
        }
        if (!machine_type_modelled(mt)) {
            /* QEMU 7.2 has it; qmachined does not build it. */
            return fail_plain("machine type '%s' is not modelled: qmachined "
                              "builds %s (alias pc) and none",
                              mt->name, PC_MACHINE);
        }
        type = mt->name;
        free(o->machine_type);
        o->machine_type = xstrdup(type);
    }
    if (!check_rtc(p) || !apply_machine(p) || !check_chardevs(p) ||
        !check_accels(p) || !check_cpu(p) || !setup_qtest(p) ||
        !setup_monitors(p)) {
        return false;
    }
    order_chardevs(p);
    o->defaults_used = !p->machine_defining;
    return true;
}

static const OptDef *lookup_option(const char *arg)
{
    bool two = arg[1] == '-';
    const char *name = arg + (two ? 2 : 1);
    size_t i;

    for (i = 0; i < ARRAY_SIZE(opt_defs); i++) {
        if (!strcmp(opt_defs[i].name, name) && (two || !opt_defs[i].ours)) {
            return &opt_defs[i];
        }
    }
    return NULL;
}

bool options_own(const char *arg, bool *has_arg)
{
    const OptDef *d =
        arg[0] == '-' && arg[1] == '-' ? lookup_option(arg) : NULL;

    if (!d || !d->ours) {
        return false;
    }
    *has_arg = d->has_arg;
    return true;
}

static void options_init(MachineOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->machine_type = xstrdup(PC_MACHINE);
    o->machine_props = json_object();
    o->ram_size = MEMORY_SIZE_DEFAULT;
    o->maxmem = MEMORY_SIZE_DEFAULT;
    o->smp_cpus = o->smp_sockets = o->smp_cores = o->smp_threads = 1;
    o->smp_dies = o->smp_maxcpus = 1;
    o->objects = json_array();
    o->object_args = json_array();
    o->numa = json_array();
    o->numa_args = json_array();
    o->devices = json_array();
    o->device_args = json_array();
    o->netdevs = json_array();
    o->netdev_args = json_array();
    o->blockdevs = json_array();
    o->blockdev_args = json_array();
    o->drives = json_array();
    o->drive_args = json_array();
    o->drive_devices = json_array();
    o->drive_device_args = json_array();
    o->chardevs = json_array();
    o->chardev_args = json_array();
    o->cpu_model = xstrdup("qemu64");
    o->forward_poll_us = 1000;
}

bool options_parse(MachineOptions *opts, int argc, char **argv, bool *exit_now)
{
    Parser p = {
        .opts = opts,
        .machine = json_object(),
        .mem = json_object(),
        .smp = json_object(),
        .boot = json_object(),
        .accels = json_array(),
        .chardevs = json_array(),
        .mons = json_array(),
        .device_ids = json_object(),
        .drive_ids = json_object(),
        .netdev_ids = json_object(),
        .numa_ids = json_object(),
    };
    bool ok = true;
    int i = 1;

    options_init(opts);
    *exit_now = false;
    while (ok && i < argc && !*exit_now) {
        const char *a = argv[i++];
        const OptDef *def;

        if (a[0] != '-' || !a[1]) {
            /* QEMU would open it as a disk image; none are modelled. */
            struct stat st;

            p.opt = a;
            p.arg = NULL;
            if (stat(a, &st) < 0) {
                ok = fail_at(&p, "Could not open '%s': %s", a, strerror(errno));
            } else {
                ok = fail_at(&p, "disk images are not supported by %s",
                             OPTIONS_PROGNAME);
            }
            break;
        }
        def = lookup_option(a);
        p.opt = a;
        p.arg = NULL;
        if (!def) {
            ok = fail_at(&p, "invalid option");
            break;
        }
        if (def->has_arg) {
            if (i >= argc) {
                ok = fail_at(&p, "requires an argument");
                break;
            }
            p.arg = argv[i++];
        }
        ok = handle_option(&p, def->id, exit_now);
    }
    if (ok && !*exit_now) {
        ok = finish(&p);
    }
    json_decref(p.machine);
    json_decref(p.mem);
    json_decref(p.smp);
    json_decref(p.boot);
    json_decref(p.rtc);
    json_decref(p.accels);
    json_decref(p.chardevs);
    json_decref(p.mons);
    json_decref(p.device_ids);
    json_decref(p.drive_ids);
    json_decref(p.netdev_ids);
    json_decref(p.numa_ids);
    return ok;
}

void options_free(MachineOptions *opts)
{
    size_t i;

    if (!opts) {
        return;
    }
    free(opts->machine_type);
    json_decref(opts->machine_props);
    json_decref(opts->objects);
    json_decref(opts->object_args);
    json_decref(opts->numa);
    json_decref(opts->numa_args);
    json_decref(opts->devices);
    json_decref(opts->device_args);
    json_decref(opts->netdevs);
    json_decref(opts->blockdevs);
    json_decref(opts->blockdev_args);
    json_decref(opts->drives);
    json_decref(opts->drive_args);
    json_decref(opts->drive_devices);
    json_decref(opts->drive_device_args);
    json_decref(opts->netdev_args);
    json_decref(opts->chardevs);
    json_decref(opts->chardev_args);
    for (i = 0; i < opts->n_monitors; i++) {
        listen_addr_clear(&opts->monitors[i]);
    }
    free(opts->monitors);
    if (opts->qtest) {
        listen_addr_clear(opts->qtest);
        free(opts->qtest);
    }
    for (i = 0; i < opts->n_rest; i++) {
        listen_addr_clear(&opts->rest[i]);
    }
    free(opts->rest);
    free(opts->rest_token_file);
    free(opts->guest_policy);
    if (opts->forward) {
        listen_addr_clear(opts->forward);
        free(opts->forward);
    }
    free(opts->forward_libvirt);
    free(opts->name);
    free(opts->uuid);
    free(opts->pidfile);
    free(opts->cpu_model);
    free(opts->cpu_features);
    memset(opts, 0, sizeof(*opts));
}
