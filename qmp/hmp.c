/*
 * The human monitor, as reached through human-monitor-command (whose
 * handler is here): a table of commands and of "info" subcommands with
 * QEMU's help lines, output with "\r\n" line ends.  Handlers reuse the
 * QMP-level operations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-out.h"
#include "commands.h"
#include "src/cpu.h"
#include "config.h"
#include "src/i8259.h"
#include "src/ioapic.h"
#include "src/keyval.h"
#include "src/memory.h"
#include "src/net.h"
#include "src/numa.h"
#include "src/qdev.h"
#include "src/runstate.h"
#include "src/usb.h"
#include "src/util.h"

typedef void HmpFunc(JsonBuf *out, const char *args);

typedef struct HmpCommand {
    const char *names; /* "stop|s" */
    const char *params; /* shown in help */
    const char *help;
    HmpFunc *fn;
    bool takes_args;
} HmpCommand;

static void out_printf(JsonBuf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(JsonBuf *out, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    json_buf_append(out, s, strlen(s));
    free(s);
}

static void report_error(JsonBuf *out, Error *err)
{
    if (err) {
        out_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* ---- info subcommands -------------------------------------------------- */

static void info_name(JsonBuf *out, const char *args)
{
    if (qmp_machine_name()) {
        out_printf(out, "%s\n", qmp_machine_name());
    }
}

/*
 * "info mtree" takes the flags -f, -d, -o and -D, each at most once and in
 * that order (QEMU's HMP option arguments); a flag's letter ends it, so
 * anything glued on after it is left over as extraneous text.
 */
static void info_mtree(JsonBuf *out, const char *args)
{
    static const char flags[] = "fdoD";
    bool set[sizeof(flags) - 1] = { false };
    const char *p = args;
    size_t i;

    for (i = 0; flags[i]; i++) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
        }
        if (*p != '-') {
            continue;
        }
        if (p[1] == flags[i]) {
            set[i] = true;
            p += 2;
        } else if (!p[1] || !strchr(flags + i + 1, p[1])) {
            out_printf(out, "mtree: unsupported option -%c\n", p[1]);
            goto fail;
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    if (*p) {
        out_printf(out, "mtree: extraneous characters at the end of line\n");
        goto fail;
    }
    {
        char *text = memory_info_mtree_full(set[0], set[3], set[2]);

        out_printf(out, "%s", text);
        free(text);
    }
    return;
fail:
    out_printf(out, "Try \"help info mtree\" for more information\n");
}

static void info_status(JsonBuf *out, const char *args)
{
    RunState st = runstate_get();

    out_printf(out, "VM status: %s",
               runstate_is_running() ? "running" : "paused");
    if (!runstate_is_running() && st != RUN_STATE_PAUSED) {
        out_printf(out, " (%s)", runstate_names[st]);
    }
    out_printf(out, "\n");
}

static void info_version(JsonBuf *out, const char *args)
{
    out_printf(out, "%d.%d.%d%s\n", QEMU_VERSION_MAJOR, QEMU_VERSION_MINOR,
               QEMU_VERSION_MICRO, PACKAGE_STRING);
}

/* Interrupt controllers in the order QEMU 7.2 walks them: IOAPIC, 8259s. */
static void out_text(JsonBuf *out, char *text)
{
    json_buf_append(out, text, strlen(text));
    free(text);
}

static void info_pci(JsonBuf *out, const char *args)
{
    out_text(out, qmp_pci_info_text());
}

static void info_pic(JsonBuf *out, const char *args)
{
    if (ioapic_get_default()) {
        out_text(out, ioapic_info_pic(ioapic_get_default()));
    }
    if (i8259_get_default()) {
        out_text(out, i8259_info_pic(i8259_get_default()));
    }
}

static void info_irq(JsonBuf *out, const char *args)
{
    if (ioapic_get_default()) {
        out_text(out, ioapic_info_irq(ioapic_get_default()));
    }
    if (i8259_get_default()) {
        out_text(out, i8259_info_irq(i8259_get_default()));
    }
}

static void info_iothreads(JsonBuf *out, const char *args)
{
    out_text(out, qmp_iothreads_info_text());
}

/* No USB device types exist: a bus, when there is one, lists nothing. */
static void info_usb(JsonBuf *out, const char *args)
{
    if (!usb_bus_exists()) {
        out_printf(out, "Error: USB support not enabled\n");
    }
}

static void info_memdev(JsonBuf *out, const char *args)
{
    out_text(out, qmp_memdev_info_text());
}

static void info_memory_devices(JsonBuf *out, const char *args)
{
    out_text(out, qmp_memory_devices_info_text());
}

static void info_memory_size_summary(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;
    uint64_t base = 0, plugged = 0;

    if (qmp_cmd_query_memory_size_summary(NULL, NULL, &ret, NULL)) {
        json_get_uint64(json_object_get(ret, "base-memory"), &base);
        json_get_uint64(json_object_get(ret, "plugged-memory"), &plugged);
        out_printf(out, "base memory: %llu\nplugged memory: %llu\n",
                   (unsigned long long)base, (unsigned long long)plugged);
    }
    json_decref(ret);
}

static void info_kvm(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;

    if (qmp_cmd_query_kvm(NULL, NULL, &ret, NULL)) {
        out_printf(
            out, "kvm support: %s\n",
            !json_is_true(json_object_get(ret, "present"))  ? "not compiled"
            : json_is_true(json_object_get(ret, "enabled")) ? "enabled"
                                                            : "disabled");
    }
    json_decref(ret);
}

static void info_uuid(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;

    if (qmp_cmd_query_uuid(NULL, NULL, &ret, NULL)) {
        out_printf(out, "%s\n",
                   json_string_value(json_object_get(ret, "UUID")));
    }
    json_decref(ret);
}

static void info_chardev(JsonBuf *out, const char *args)
{
    out_text(out, qmp_chardev_info_text());
}

static void info_migrate_capabilities(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;
    size_t i;
    json_t *e;

    if (qmp_cmd_query_migrate_capabilities(NULL, NULL, &ret, NULL)) {
        json_array_foreach (ret, i, e) {
            out_printf(out, "%s: %s\n",
                       json_string_value(json_object_get(e, "capability")),
                       json_is_true(json_object_get(e, "state")) ? "on"
                                                                 : "off");
        }
    }
    json_decref(ret);
}

static void info_sgx(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;
    Error *err = NULL;

    /* error_report's form: no "Error: " prefix in a monitor. */
    if (!qmp_cmd_query_sgx(NULL, NULL, &ret, &err)) {
        out_printf(out, "%s\n", error_get_pretty(err));
        error_free(err);
    }
    json_decref(ret);
}

static void info_balloon(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;
    Error *err = NULL;

    if (!qmp_cmd_query_balloon(NULL, NULL, &ret, &err)) {
        report_error(out, err);
        return;
    }
    out_printf(out, "balloon: actual=%" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(ret, "actual")) >> 20);
    json_decref(ret);
}

static void info_network(JsonBuf *out, const char *args)
{
    out_text(out, net_info_network());
}

/* The CPU the command runs for (cpu-index, else the first vCPU). */
static int hmp_cpu_index;

static void info_cpus(JsonBuf *out, const char *args)
{
    json_t *ret = NULL;
    size_t i;
    json_t *e;

    if (qmp_cmd_query_cpus_fast(NULL, NULL, &ret, NULL)) {
        json_array_foreach (ret, i, e) {
            json_int_t index =
                json_integer_value(json_object_get(e, "cpu-index"));

            out_printf(
                out, "%c CPU #%lld: thread_id=%lld\n",
                index == hmp_cpu_index ? '*' : ' ', (long long)index,
                (long long)json_integer_value(json_object_get(e, "thread-id")));
        }
    }
    json_decref(ret);
}

/* QEMU's "info numa": each node's CPUs (by index) and memory, the
 * hot-plugged memory devices on it counted in. */
static void info_numa(JsonBuf *out, const char *args)
{
    unsigned n = numa_node_count(), i;
    uint64_t *plugged = xzalloc((n + 1) * sizeof(*plugged));
    json_t *cpus = NULL, *devs = NULL, *e;
    size_t k;

    out_printf(out, "%u nodes\n", n);
    if (!qmp_cmd_query_cpus_fast(NULL, NULL, &cpus, NULL)) {
        cpus = NULL;
    }
    if (!qmp_cmd_query_memory_devices(NULL, NULL, &devs, NULL)) {
        devs = NULL;
    }
    json_array_foreach (devs, k, e) {
        json_t *d = json_object_get(e, "data");
        json_int_t node = json_integer_value(json_object_get(d, "node"));
        json_int_t size = json_integer_value(json_object_get(d, "size"));

        if (node >= 0 && (unsigned long long)node < n && size > 0) {
            plugged[node] += (uint64_t)size;
        }
    }
    for (i = 0; i < n; i++) {
        out_printf(out, "node %u cpus:", i);
        json_array_foreach (cpus, k, e) {
            json_t *node =
                json_object_get(json_object_get(e, "props"), "node-id");

            if (json_is_integer(node) && json_integer_value(node) == i) {
                out_printf(out, " %lld",
                           (long long)json_integer_value(
                               json_object_get(e, "cpu-index")));
            }
        }
        out_printf(out, "\nnode %u size: %llu MB\n", i,
                   (unsigned long long)((numa_node_mem(i) + plugged[i]) >> 20));
        out_printf(out, "node %u plugged: %llu MB\n", i,
                   (unsigned long long)(plugged[i] >> 20));
    }
    json_decref(cpus);
    json_decref(devs);
    free(plugged);
}

static const HmpCommand info_commands[] = {
    { "balloon", "", "show balloon information", info_balloon, false },
    { "chardev", "", "show the character devices", info_chardev, false },
    { "cpus", "", "show infos for each CPU", info_cpus, false },
    { "irq", "", "show the interrupts statistics (if available)", info_irq,
      false },
    { "iothreads", "", "show iothreads", info_iothreads, false },
    { "kvm", "", "show KVM information", info_kvm, false },
    { "memdev", "", "show memory backends", info_memdev, false },
    { "memory-devices", "", "show memory devices", info_memory_devices, false },
    { "memory_size_summary", "",
      "show the amount of initially allocated and present hotpluggable (if "
      "enabled) memory in bytes.",
      info_memory_size_summary, false },
    { "migrate_capabilities", "", "show current migration capabilities",
      info_migrate_capabilities, false },
    { "mtree", "[-f][-d][-o][-D]",
      "show memory tree (-f: dump flat view for address spaces;-d: dump "
      "dispatch tree, valid with -f only);-o: dump region owners/parents;"
      "-D: dump disabled regions",
      info_mtree, true },
    { "name", "", "show the current VM name", info_name, false },
    { "network", "", "show the network state", info_network, false },
    { "numa", "", "show NUMA information", info_numa, false },
    { "pci", "", "show PCI info", info_pci, false },
    { "pic", "", "show PIC state", info_pic, false },
    { "sgx", "", "show intel SGX information", info_sgx, false },
    { "status", "", "show the current VM status (running|paused)", info_status,
      false },
    { "usb", "", "show guest USB devices", info_usb, false },
    { "uuid", "", "show the current VM UUID", info_uuid, false },
    { "version", "", "show the version of QEMU", info_version, false },
    { NULL }
};

/* ---- commands ---------------------------------------------------------- */

static void hmp_help(JsonBuf *out, const char *args);
static void hmp_info(JsonBuf *out, const char *args);

static void hmp_cont(JsonBuf *out, const char *args)
{
    Error *err = NULL;

    vm_cont(&err);
    report_error(out, err);
}

static void hmp_stop(JsonBuf *out, const char *args)
{
    vm_stop();
}

static void hmp_quit(JsonBuf *out, const char *args)
{
    vm_shutdown(SHUTDOWN_CAUSE_HOST_QMP_QUIT, false);
}

static void hmp_system_reset(JsonBuf *out, const char *args)
{
    vm_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

static void hmp_system_powerdown(JsonBuf *out, const char *args)
{
    vm_system_powerdown();
}

static void hmp_device_add(JsonBuf *out, const char *args)
{
    Error *err = NULL;
    json_t *dict = keyval_parse_qemuopts_dict(args, "driver", NULL, &err);
    json_t *id = dict ? json_object_get(dict, "id") : NULL;

    if (id && !keyval_id_wellformed(json_string_value(id))) {
        /* QEMU fails this while parsing the line: only the hint shows */
        json_decref(dict);
        out_printf(out, "Try \"help device_add\" for more information\n");
        return;
    }
    if (dict) {
        qdev_device_add(dict, &err);
        json_decref(dict);
    }
    report_error(out, err);
}

static void hmp_device_del(JsonBuf *out, const char *args)
{
    Error *err = NULL;

    qmp_device_del_id(args, &err);
    report_error(out, err);
}

static const HmpCommand hmp_commands[] = {
    { "cont|c", "", "resume emulation", hmp_cont, false },
    { "device_add", "driver[,prop=value][,...]",
      "add device, like -device on the command line", hmp_device_add, true },
    { "device_del", "device", "remove device", hmp_device_del, true },
    { "help|?", "[cmd]", "show the help", hmp_help, true },
    { "info", "[subcommand]", "show various information about the system state",
      hmp_info, true },
    { "quit|q", "", "quit the emulator", hmp_quit, false },
    { "stop|s", "", "stop emulation", hmp_stop, false },
    { "system_powerdown", "", "send system power down event",
      hmp_system_powerdown, false },
    { "system_reset", "", "reset the system", hmp_system_reset, false },
    { NULL }
};

/* Does name match one of the '|'-separated names? */
static bool names_match(const char *names, const char *name, size_t len)
{
    const char *p = names;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && !strncmp(p, name, len)) {
            return true;
        }
        if (!bar) {
            break;
        }
        p = bar + 1;
    }
    return false;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    return s;
}

static const HmpCommand *lookup(const HmpCommand *table, const char *name,
                                size_t len)
{
    for (; table->names; table++) {
        if (names_match(table->names, name, len)) {
            return table;
        }
    }
    return NULL;
}

static size_t word_len(const char *s)
{
    size_t n = 0;

    while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' &&
           s[n] != '\r') {
        n++;
    }
    return n;
}

static void help_line(JsonBuf *out, const char *prefix, const HmpCommand *c)
{
    out_printf(out, "%s%s %s -- %s\n", prefix, c->names, c->params, c->help);
}

static void hmp_help(JsonBuf *out, const char *args)
{
    const HmpCommand *c;
    size_t len;

    args = skip_spaces(args);
    if (!*args) {
        for (c = hmp_commands; c->names; c++) {
            help_line(out, "", c);
        }
        return;
    }
    len = word_len(args);
    c = lookup(hmp_commands, args, len);
    if (!c) {
        out_printf(out, "unknown command: '%.*s'\n", (int)len, args);
        return;
    }
    if (c->fn == hmp_info) {
        const char *sub = skip_spaces(args + len);
        size_t sublen = word_len(sub);

        if (!*sub) {
            for (c = info_commands; c->names; c++) {
                help_line(out, "info ", c);
            }
            return;
        }
        c = lookup(info_commands, sub, sublen);
        if (!c) {
            out_printf(out, "unknown command: 'info %.*s'\n", (int)sublen, sub);
            return;
        }
        help_line(out, "info ", c);
        return;
    }
    help_line(out, "", c);
}

static void run(JsonBuf *out, const HmpCommand *table, const char *prefix,
                const char *line)
{
    const HmpCommand *c;
    const char *rest;
    size_t len;

    line = skip_spaces(line);
    if (!*line) {
        return;
    }
    len = word_len(line);
    c = lookup(table, line, len);
    if (!c) {
        out_printf(out, "unknown command: '%s%.*s'\n", prefix, (int)len, line);
        return;
    }
    rest = skip_spaces(line + len);
    if (!c->takes_args && *rest) {
        out_printf(out, "%s: extraneous characters at the end of line\n",
                   c->names);
        out_printf(out, "Try \"help %s%.*s\" for more information\n", prefix,
                   (int)len, line);
        return;
    }
    c->fn(out, rest);
}

static void hmp_info(JsonBuf *out, const char *args)
{
    const HmpCommand *c;

    if (!*skip_spaces(args)) {
        for (c = info_commands; c->names; c++) {
            help_line(out, "info ", c);
        }
        return;
    }
    run(out, info_commands, "info ", args);
}

char *hmp_execute(const char *line)
{
    JsonBuf out = { 0 }, crlf = { 0 };
    size_t i;

    run(&out, hmp_commands, "", line);
    json_buf_append(&crlf, "", 0);
    for (i = 0; i < out.len; i++) {
        if (out.data[i] == '\n') {
            json_buf_append(&crlf, "\r\n", 2);
        } else {
            json_buf_append(&crlf, out.data + i, 1);
        }
    }
    json_buf_free(&out);
    return crlf.data;
}

/* ---- human-monitor-command ------------------------------------------- */

static const QapiMember hmp_members[] = { { "command-line", &qapi_str, false },
                                          { "cpu-index", &qapi_int, true },
                                          { NULL } };
const QapiType hmp_args = { .name = "q_obj_human-monitor-command-arg",
                            .kind = QAPI_KIND_OBJECT,
                            .members = hmp_members };

bool qmp_cmd_human_monitor_command(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    json_t *idx = json_object_get(args, "cpu-index");
    char *out;

    CPUState *cpu = cpu_first();

    /* The vCPU with that index must exist (QEMU's monitor_set_cpu). */
    if (idx) {
        while (cpu && cpu->cpu_index != json_integer_value(idx)) {
            cpu = cpu_next(cpu);
        }
        if (!cpu) {
            error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
            return false;
        }
    }
    hmp_cpu_index = cpu ? cpu->cpu_index : -1;
    out = hmp_execute(json_string_value(json_object_get(args, "command-line")));
    *ret = json_text(out);
    free(out);
    return true;
}
