/*
 * Unit tests for src/options.c (and the -numa checks of src/numa.c).
 * Every expected error text below was
 * checked against qemu-system-x86_64 7.2 (with its program name replaced
 * by "qmachined").
 */
#include <check.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-main.h"
#include "numa.h"
#include "options.h"
#include "util.h"

static const struct {
    const char *opt, *arg, *err;
} err_cases[] = {
    { "-m", "foo",
      "qmachined: -m foo: Parameter 'size' expects a non-negative number"
      " below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1Q",
      "qmachined: -m 1Q: Parameter 'size' expects a non-negative number "
      "below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "-1",
      "qmachined: -m -1: Parameter 'size' expects a non-negative number "
      "below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1,slots=x",
      "qmachined: -m 1,slots=x: Parameter 'slots' expects a number\n" },
    { "-m", "1G,slots=4", "qmachined: slots specified but no max-size\n" },
    { "-m", "1G,maxmem=foo",
      "qmachined: -m 1G,maxmem=foo: Parameter 'maxmem' expects a non-neg"
      "ative number below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1G,bogus=1",
      "qmachined: -m 1G,bogus=1: Invalid parameter 'bogus'\n" },
    { "-m", "size=",
      "qmachined: -m size=: Parameter 'size' expects a non-negative numb"
      "er below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "99999999999999999999",
      "qmachined: -m 99999999999999999999: Value '99999999999999999999' "
      "is out of range for parameter 'size'\n" },
    { "-m", "16E",
      "qmachined: -m 16E: Value '16E' is out of range for parameter 'siz"
      "e'\n" },
    { "-m", "1G,slots=4,maxmem=512M",
      "qmachined: invalid value of maxmem: maximum memory size (0x200000"
      "00) must be at least the initial memory size (0x40000000)\n" },
    { "-m", "1e3",
      "qmachined: -m 1e3: Parameter 'size' expects a non-negative number"
      " below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1,5",
      "qmachined: -m 1,5: warning: short-form boolean option '5' depreca"
      "ted\n"
      "Please use 5=on instead\n"
      "qmachined: -m 1,5: Invalid parameter '5'\n" },
    { "-m", ",size=1G",
      "qmachined: -m ,size=1G: Parameter 'size' expects a non-negative n"
      "umber below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1,slots=99999999999999999999999",
      "qmachined: -m 1,slots=99999999999999999999999: Value '99999999999"
      "999999999999' is too large for parameter 'slots'\n" },
    { "-m", "1,nofoo",
      "qmachined: -m 1,nofoo: warning: short-form boolean option 'nofoo'"
      " deprecated\n"
      "Please use foo=off instead\n"
      "qmachined: -m 1,nofoo: Invalid parameter 'foo'\n" },
    { "-m", "1G,id=x", "qmachined: -m 1G,id=x: Invalid parameter 'id'\n" },
    { "-m", "99999999999999",
      "qmachined: Parameter 'memory.size' expects size\n" },
    { "-m", "1.5",
      "qmachined: -m 1.5: Parameter 'size' expects a non-negative number"
      " below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1.5e3G",
      "qmachined: -m 1.5e3G: Parameter 'size' expects a non-negative num"
      "ber below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, ter"
      "a-, peta-\n"
      "and exabytes, respectively.\n" },
    { "-m", "1,maxmem=1",
      "qmachined: invalid value of maxmem: maximum memory size (0x1) mus"
      "t be at least the initial memory size (0x100000)\n" },
    { "-m", "1k,maxmem=1",
      "qmachined: invalid value of maxmem: maximum memory size (0x1) mus"
      "t be at least the initial memory size (0x2000)\n" },
    { "-m", "0,maxmem=1",
      "qmachined: invalid value of maxmem: maximum memory size (0x1) mus"
      "t be at least the initial memory size (0x8000000)\n" },
    { "-m", "1,slots=0", "qmachined: slots specified but no max-size\n" },
    { "-smp", "foo", "qmachined: Parameter 'smp.cpus' expects integer\n" },
    { "-smp", "2,sockets=x",
      "qmachined: Parameter 'smp.sockets' expects integer\n" },
    { "-smp", "2,bogus=1", "qmachined: Parameter 'smp.bogus' is unexpected\n" },
    { "-smp", "4,sockets=2,cores=1,threads=1",
      "qmachined: Invalid CPU topology: product of the hierarchy must ma"
      "tch maxcpus: sockets (2) * dies (1) * cores (1) * threads (1) != "
      "maxcpus (4)\n" },
    { "-smp", "300",
      "qmachined: Invalid SMP CPUs 300. The max CPUs supported by machin"
      "e 'pc-i440fx-7.2' is 255\n" },
    { "-smp", "-1",
      "qmachined: Invalid SMP CPUs -1. The max CPUs supported by machine"
      " 'pc-i440fx-7.2' is 255\n" },
    { "-smp", "2,maxcpus=1",
      "qmachined: Invalid CPU topology: maxcpus must be equal to or grea"
      "ter than smp: sockets (1) * dies (1) * cores (1) * threads (1) =="
      " maxcpus (1) < smp_cpus (2)\n" },
    { "-smp", "99999999999999999999",
      "qmachined: Parameter 'smp.cpus' expects integer\n" },
    { "-smp", "2,,", "qmachined: -smp 2,,: Invalid parameter ''\n" },
    { "-smp", ",cpus=2", "qmachined: -smp ,cpus=2: Invalid parameter ''\n" },
    { "-smp", "0",
      "qmachined: warning: Deprecated CPU topology (considered invalid):"
      " CPU topology parameters must be greater than zero\n" },
    { "-machine", "q35x",
      "qmachined: unsupported machine type\n"
      "Use -machine help to list supported machines\n" },
    { "-machine", "pc,foo=bar",
      "qmachined: Property 'pc-i440fx-7.2-machine.foo' not found\n" },
    { "-machine", "pc,usb=maybe",
      "qmachined: Parameter 'usb' expects 'on' or 'off'\n" },
    { "-machine", "pc,,", "qmachined: -machine pc,,: Invalid parameter ''\n" },
    { "-machine", "pc,usb",
      "qmachined: -machine pc,usb: Expected '=' after parameter 'usb'\n" },
    { "-machine", "usb=off,1x=on",
      "qmachined: -machine usb=off,1x=on: Invalid parameter '1x'\n" },
    { "-machine", "pc,acpi=maybe",
      "qmachined: Parameter 'acpi' does not accept value 'maybe'\n" },
    { "-machine", "pc,max-ram-below-4g=x",
      "qmachined: Parameter 'max-ram-below-4g' expects size\n" },
    { "-uuid", "xyz",
      "qmachined: -uuid xyz: failed to parse UUID string: wrong format\n" },
    { "-uuid", "12345678123412341234123456789abc",
      "qmachined: -uuid 12345678123412341234123456789abc: failed to pars"
      "e UUID string: wrong format\n" },
    { "-name", "x,foo=1",
      "qmachined: -name x,foo=1: Invalid parameter 'foo'\n" },
    { "-name", "guest=x,debug-threads=maybe",
      "qmachined: -name guest=x,debug-threads=maybe: Parameter 'debug-th"
      "reads' expects 'on' or 'off'\n" },
    { "-name", "process=x,bogus",
      "qmachined: -name process=x,bogus: warning: short-form boolean opt"
      "ion 'bogus' deprecated\n"
      "Please use bogus=on instead\n"
      "qmachined: -name process=x,bogus: Invalid parameter 'bogus'\n" },
    { "-accel", "foo", "qmachined: -accel foo: invalid accelerator foo\n" },
    { "-accel", "tcg,thread=x",
      "qmachined: -accel tcg,thread=x: Invalid 'thread' setting x\n" },
    { "-accel", "tcg,foo=1",
      "qmachined: -accel tcg,foo=1: Property 'tcg-accel.foo' not found\n" },
    { "-cpu", "foo", "qmachined: unable to find CPU model 'foo'\n" },
    { "-rtc", "base=foo",
      "qmachined: invalid datetime format\n"
      "valid formats: '2006-06-17T16:01:21' or '2006-06-17'\n" },
    { "-rtc", "foo=1", "qmachined: -rtc foo=1: Invalid parameter 'foo'\n" },
    { "-rtc", "clock=foo", "qmachined: invalid option value 'foo'\n" },
    { "-boot", "strict=x",
      "qmachined: Parameter 'boot.strict' expects 'on' or 'off'\n" },
    { "-overcommit", "foo=1",
      "qmachined: -overcommit foo=1: Invalid parameter 'foo'\n" },
    { "-msg", "foo",
      "qmachined: -msg foo: warning: short-form boolean option 'foo' dep"
      "recated\n"
      "Please use foo=on instead\n"
      "qmachined: -msg foo: Invalid parameter 'foo'\n" },
    { "-display", "foo",
      "qmachined: -display foo: Parameter 'type' does not accept value '"
      "foo'\n" },
    { "-display", "none,foo=1",
      "qmachined: -display none,foo=1: Parameter 'foo' is unexpected\n" },
    { "-display", "none,gl=x",
      "qmachined: -display none,gl=x: Parameter 'gl' does not accept val"
      "ue 'x'\n" },
    { "-sandbox", "x",
      "qmachined: -sandbox x: Parameter 'enable' expects 'on' or 'off'\n" },
    { "-object", "memory-backend-ram,id=0bad,size=1G",
      "qmachined: -object memory-backend-ram,id=0bad,size=1G: Parameter "
      "'id' expects an identifier\n"
      "Identifiers consist of letters, digits, '-', '.', '_', starting w"
      "ith a letter.\n" },
    { "-object", "{",
      "qmachined: -object {: JSON parse error, premature EOI\n" },
    { "-object", "{\"qom-type\":1}",
      "qmachined: -object {\"qom-type\":1}: Invalid parameter type for '"
      "qom-type', expected: string\n" },
    { "-object", "{\"id\":\"x\"}",
      "qmachined: -object {\"id\":\"x\"}: Parameter 'qom-type' is missin"
      "g\n" },
    { "-object",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"size\":1}x",
      "qmachined: -object {\"qom-type\":\"memory-backend-ram\",\"id\":\""
      "m\",\"size\":1}x: Expecting at most one JSON value\n" },
    { "-device", "e1000,id=0x",
      "qmachined: -device e1000,id=0x: Parameter 'id' expects an identif"
      "ier\n"
      "Identifiers consist of letters, digits, '-', '.', '_', starting w"
      "ith a letter.\n" },
    { "-audiodev", "none",
      "qmachined: -audiodev none: Parameter 'id' is missing\n" },
    { "-qmp", "foo",
      "qmachined: -qmp foo: 'foo' is not a valid char driver\n"
      "qmachined: -qmp foo: parse error: foo\n" },
    { "-qmp", "tcp:foo", "qmachined: -qmp tcp:foo: parse error: tcp:foo\n" },
    { "-chardev", "foo,id=x",
      "qmachined: -chardev foo,id=x: 'foo' is not a valid char driver na"
      "me\n" },
    { "-chardev", "socket,path=/tmp/qo/d.sock,server=on,wait=off",
      "qmachined: -chardev socket,path=/tmp/qo/d.sock,server=on,wait=off"
      ": chardev: no id specified\n" },
    { "-chardev", "socket,id=c1",
      "qmachined: -chardev socket,id=c1: Unable to parse FD number \n" },
    { "-chardev", "socket,id=c1,fd=x",
      "qmachined: -chardev socket,id=c1,fd=x: Unable to parse FD number "
      "x\n" },
    { "-chardev", "socket,id=c1,fd=3,path=/x",
      "qmachined: -chardev socket,id=c1,fd=3,path=/x: None or one of 'pa"
      "th', 'fd' or 'host' option required.\n" },
    { "-chardev", "socket,id=c1,path=/tmp/qo/w.sock,server=x",
      "qmachined: -chardev socket,id=c1,path=/tmp/qo/w.sock,server=x: Pa"
      "rameter 'server' expects 'on' or 'off'\n" },
    { "-chardev", "socket,id=c1,path=/tmp/qo/w.sock,bogus=1",
      "qmachined: -chardev socket,id=c1,path=/tmp/qo/w.sock,bogus=1: Inv"
      "alid parameter 'bogus'\n" },
    { "-chardev", "socket,id=c1,host=localhost",
      "qmachined: -chardev socket,id=c1,host=localhost: chardev: socket:"
      " no port given\n" },
    { "-chardev", "id=x",
      "qmachined: -chardev id=x: chardev: \"x\" missing backend\n" },
    { "-mon", "mode=control",
      "qmachined: -mon mode=control: Parameter 'chardev' is missing\n" },
    { "-mon", "chardev=c1,bogus=1",
      "qmachined: -mon chardev=c1,bogus=1: Invalid parameter 'bogus'\n" },
    { "-mon", "chardev=c1,mode=bogus",
      "qmachined: -mon chardev=c1,mode=bogus: Parameter 'mode' does not "
      "accept value 'bogus'\n" },
    { "-mon", "chardev=c2,mode=control",
      "qmachined: -mon chardev=c2,mode=control: chardev \"c2\" not found"
      "\n" },
    { "-foo", NULL, "qmachined: -foo: invalid option\n" },
    { "-m", NULL, "qmachined: -m: requires an argument\n" },
};

/* Runs options_parse on argv with stderr captured into *err (malloc'd). */
static bool run(int argc, char **argv, MachineOptions *o, char **err)
{
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    bool exit_now;
    bool ok;
    long len;

    fflush(stderr);
    dup2(fileno(tmp), STDERR_FILENO);
    ok = options_parse(o, argc, argv, &exit_now);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    len = ftell(tmp);
    *err = calloc(1, len + 1);
    rewind(tmp);
    if (len > 0 && fread(*err, 1, len, tmp) != (size_t)len) {
        ck_abort_msg("short read");
    }
    fclose(tmp);
    return ok;
}

/*
 * -numa members are read at machine creation (numa_parse()), after
 * options_parse() accepted the option's syntax.
 */
static const struct {
    const char *opt, *arg, *err;
} numa_err_cases[] = {
    { "-numa", "foo",
      "qmachined: -numa foo: Parameter 'type' does not accept value 'foo"
      "'\n" },
    { "-numa", "node,bogus=1",
      "qmachined: -numa node,bogus=1: Invalid parameter 'bogus'\n" },
    { "-numa", "node,nodeid=x",
      "qmachined: -numa node,nodeid=x: Parameter 'nodeid' expects a uint"
      "64 value\n" },
    { "-numa", "node,mem=1G",
      "qmachined: -numa node,mem=1G: Parameter -numa node,mem is not sup"
      "ported by this machine type\n"
      "Use -numa node,memdev instead\n" },
    { "-numa", "node,nodeid=128",
      "qmachined: -numa node,nodeid=128: Max number of NUMA nodes reache"
      "d: 128\n" },
    { "-numa", "node,nodeid=70000",
      "qmachined: -numa node,nodeid=70000: Parameter 'nodeid' expects ui"
      "nt16_t\n" },
    { "-numa", "node,cpus=3-1",
      "qmachined: -numa node,cpus=3-1: Parameter 'cpus' expects a uint64"
      " value or range\n" },
    { "-numa", "node,cpus=65536",
      "qmachined: -numa node,cpus=65536: Parameter 'null' expects uint16"
      "_t\n" },
    { "-numa", "node,cpus=1",
      "qmachined: -numa node,cpus=1: CPU index (1) should be smaller tha"
      "n maxcpus (1)\n" },
    { "-numa", "dist,src=0,dst=1",
      "qmachined: -numa dist,src=0,dst=1: Parameter 'val' is missing\n" },
    { "-numa", "dist,src=0,dst=1,val=300",
      "qmachined: -numa dist,src=0,dst=1,val=300: Parameter 'val' expect"
      "s uint8_t\n" },
    { "-numa", "cpu",
      "qmachined: -numa cpu: Missing mandatory node-id property\n" },
};

START_TEST(test_error_texts)
{
    MachineOptions o;
    char *argv[] = { "qmachined", (char *)err_cases[_i].opt,
                     (char *)err_cases[_i].arg, NULL };
    int argc = err_cases[_i].arg ? 3 : 2;
    char *err;
    bool ok = run(argc, argv, &o, &err);

    ck_assert_str_eq(err, err_cases[_i].err);
    /* Only pure warnings let the parse succeed. */
    ck_assert(ok == (strstr(err, ": warning: ") && !strstr(err, "Invalid")));
    free(err);
    options_free(&o);
}
END_TEST

START_TEST(test_numa_error_texts)
{
    MachineOptions o;
    char *argv[] = { "qmachined", (char *)numa_err_cases[_i].opt,
                     (char *)numa_err_cases[_i].arg, NULL };
    char *err, *text;
    Error *e = NULL;
    NumaState *ns;

    ck_assert(run(3, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ns = numa_parse(&o, &e);
    ck_assert_ptr_null(ns);
    text = xasprintf("qmachined: %s\n", error_get_pretty(e));
    ck_assert_str_eq(text, numa_err_cases[_i].err);
    free(text);
    free(err);
    error_free(e);
    options_free(&o);
}
END_TEST

START_TEST(test_defaults)
{
    MachineOptions o;
    char *argv[] = { "qmachined", "-S",
                     "-qmp",      "unix:/tmp/x.sock,server,nowait",
                     "--rest",    "tcp:127.0.0.1:8080",
                     "--guest",   "linux",
                     NULL };
    char *err;

    ck_assert(run(8, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ck_assert(o.defaults_used);
    ck_assert(o.start_paused);
    ck_assert_str_eq(o.machine_type, "pc-i440fx-7.2");
    ck_assert(o.ram_size == 128ULL << 20 && o.maxmem == o.ram_size);
    ck_assert_uint_eq(o.slots, 0);
    ck_assert_uint_eq(o.smp_cpus, 1);
    ck_assert_uint_eq(o.n_monitors, 1);
    ck_assert_int_eq(o.monitors[0].kind, LISTEN_UNIX);
    ck_assert_str_eq(o.monitors[0].path, "/tmp/x.sock");
    ck_assert(o.monitors[0].server && !o.monitors[0].wait);
    ck_assert_str_eq(o.monitors[0].chardev_id, "compat_monitor0");
    ck_assert_uint_eq(o.n_rest, 1);
    ck_assert_str_eq(o.rest[0].host, "127.0.0.1");
    ck_assert_str_eq(o.rest[0].port, "8080");
    ck_assert_str_eq(o.guest_policy, "linux");
    free(err);
    options_free(&o);
}
END_TEST

/* --forward-poll-us: 1000 unless given; 0 to 1000000 microseconds. */
START_TEST(test_forward_poll)
{
    static const char *const bad[] = { "", "x", "-1", "1000001", "5us" };
    MachineOptions o;
    char *err;
    char *dflt[] = { "qmachined", NULL };
    char *zero[] = { "qmachined", "--forward-poll-us", "0", NULL };
    size_t i;

    ck_assert(run(1, dflt, &o, &err));
    ck_assert_uint_eq(o.forward_poll_us, 1000);
    free(err);
    options_free(&o);
    ck_assert(run(3, zero, &o, &err));
    ck_assert_uint_eq(o.forward_poll_us, 0);
    free(err);
    options_free(&o);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = { "qmachined", "--forward-poll-us", (char *)bad[i],
                         NULL };
        char want[128];

        snprintf(want, sizeof(want),
                 "qmachined: --forward-poll-us %s: expected microseconds, 0 "
                 "to 1000000\n",
                 bad[i]);
        ck_assert(!run(3, argv, &o, &err));
        ck_assert_str_eq(err, want);
        free(err);
        options_free(&o);
    }
}
END_TEST

/* The shape of libvirt 9.0's domain command line (see observed.md). */
/*
 * Machine types QEMU 7.2 has and qmachined does not build: refused with
 * qmachined's own message (QEMU accepts them, so they are not in
 * err_cases, which tests/diff/cmdline.py also plays against QEMU).
 */
START_TEST(test_unmodelled_machine)
{
    static const char *const types[][2] = {
        { "q35", "pc-q35-7.2" },
        { "pc-i440fx-2.0,usb=off", "pc-i440fx-2.0" },
        { "isapc", "isapc" },
        { "microvm", "microvm" },
    };
    MachineOptions o;
    char want[256];
    char *err;
    char *argv[] = { "qmachined", "-machine", (char *)types[_i][0], NULL };

    snprintf(want, sizeof(want),
             "qmachined: machine type '%s' is not modelled: qmachined "
             "builds pc-i440fx-7.2 (alias pc) and none\n",
             types[_i][1]);
    ck_assert(!run(3, argv, &o, &err));
    ck_assert_str_eq(err, want);
    free(err);
    options_free(&o);
}
END_TEST

START_TEST(test_libvirt_domain)
{
    MachineOptions o;
    char *argv[] = {
        "qmachined",
        "-name",
        "guest=vm1,debug-threads=on",
        "-S",
        "-object",
        "secret,id=masterKey0,format=raw,file=/x/master-key.aes",
        "-machine",
        "pc-i440fx-7.2,usb=off,dump-guest-core=off",
        "-accel",
        "tcg",
        "-cpu",
        "qemu64",
        "-m",
        "size=1048576k,slots=4,maxmem=8388608k",
        "-overcommit",
        "mem-lock=off",
        "-smp",
        "1,sockets=1,cores=1,threads=1",
        "-object",
        "{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\","
        "\"size\":1073741824}",
        "-numa",
        "node,nodeid=0,cpus=0,memdev=ram-node0",
        "-uuid",
        "C7A5FDBD-EDAF-9455-926A-D65C16DB1809",
        "-display",
        "none",
        "-no-user-config",
        "-nodefaults",
        "-qmp",
        "tcp:127.0.0.1:4444,server=on,wait=off",
        "-rtc",
        "base=utc",
        "-no-shutdown",
        "-boot",
        "strict=on",
        "-device",
        "{\"driver\":\"piix3-usb-uhci\",\"id\":\"usb\","
        "\"bus\":\"pci.0\",\"addr\":\"0x1.0x2\"}",
        "-audiodev",
        "{\"id\":\"audio1\",\"driver\":\"none\"}",
        "-sandbox",
        "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
        "resourcecontrol=deny",
        "-msg",
        "timestamp=on",
        NULL,
    };
    int argc = sizeof(argv) / sizeof(argv[0]) - 1;
    json_t *obj;
    char *err;

    ck_assert(run(argc, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ck_assert(!o.defaults_used);
    ck_assert_str_eq(o.name, "vm1");
    ck_assert_str_eq(o.uuid, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
    ck_assert(o.ram_size == 1ULL << 30);
    ck_assert(o.maxmem == 8ULL << 30);
    ck_assert_uint_eq(o.slots, 4);
    ck_assert_str_eq(json_string_value(json_object_get(o.machine_props, "usb")),
                     "off");
    ck_assert_str_eq(
        json_string_value(json_object_get(o.machine_props, "accel")), "tcg");
    ck_assert_uint_eq(json_array_size(o.objects), 2);
    obj = json_array_get(o.objects, 1);
    ck_assert(json_integer_value(json_object_get(obj, "size")) == 1073741824);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(o.objects, 0), "qom-type")),
                     "secret");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(o.numa, 0), "memdev")),
        "ram-node0");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(o.devices, 0), "driver")),
                     "piix3-usb-uhci");
    ck_assert_uint_eq(o.n_monitors, 1);
    ck_assert_int_eq(o.monitors[0].kind, LISTEN_TCP);
    ck_assert_str_eq(o.monitors[0].port, "4444");
    ck_assert(o.no_shutdown && o.nodefaults);
    free(err);
    options_free(&o);
}
END_TEST

START_TEST(test_memory_and_smp)
{
    MachineOptions o;
    char *argv[] = {
        "qmachined", "-m",          "1k",       "-m", "maxmem=1G,slots=2",
        "-smp",      "4,sockets=2", "-machine", "pc", NULL
    };
    char *argv2[] = {
        "qmachined", "-m", "2", "-smp", "maxcpus=8,cpus=2", NULL
    };
    char *err;

    ck_assert(run(9, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ck_assert(o.ram_size == 8192);
    ck_assert(o.maxmem == 1ULL << 30);
    ck_assert_uint_eq(o.slots, 2);
    ck_assert_uint_eq(o.smp_cpus, 4);
    ck_assert_uint_eq(o.smp_sockets, 2);
    ck_assert_uint_eq(o.smp_cores, 2);
    ck_assert_uint_eq(o.smp_threads, 1);
    free(err);
    options_free(&o);

    ck_assert(run(5, argv2, &o, &err));
    ck_assert(o.ram_size == 2ULL << 20);
    ck_assert_uint_eq(o.smp_cpus, 2);
    ck_assert_uint_eq(o.smp_maxcpus, 8);
    ck_assert_uint_eq(o.smp_cores, 8);
    free(err);
    options_free(&o);
}
END_TEST

START_TEST(test_chardev_mon)
{
    MachineOptions o;
    char *argv[] = { "qmachined",
                     "-chardev",
                     "socket,id=charmonitor,path=/tmp/m.sock,server=on,"
                     "wait=off",
                     "-mon",
                     "chardev=charmonitor,id=monitor,mode=control",
                     "-qtest",
                     "unix:/tmp/qt.sock,server=on,wait=off",
                     NULL };
    char *argv2[] = { "qmachined", "--rest", "x", NULL };
    char *argv3[] = { "qmachined", "-rest", "x", NULL };
    char *err;

    ck_assert(run(7, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(o.n_monitors, 1);
    ck_assert_str_eq(o.monitors[0].path, "/tmp/m.sock");
    ck_assert_str_eq(o.monitors[0].chardev_id, "charmonitor");
    ck_assert_ptr_nonnull(o.qtest);
    ck_assert_str_eq(o.qtest->path, "/tmp/qt.sock");
    free(err);
    options_free(&o);

    ck_assert(!run(3, argv2, &o, &err));
    ck_assert_str_eq(err, "qmachined: --rest x: expected tcp:HOST:PORT, "
                          "unix:PATH or fd:N\n");
    free(err);
    options_free(&o);
    ck_assert(!run(3, argv3, &o, &err));
    ck_assert_str_eq(err, "qmachined: -rest: invalid option\n");
    free(err);
    options_free(&o);
}
END_TEST

/*
 * The chardevs come in the order QEMU creates them, the command line's:
 * -qmp's own where -qmp is, a monitor's -chardev only reserved for it
 * (no backend), the other sockets with chardev-add's backend (a
 * descriptor's number as the fd address, the command line's server
 * default off).  A front end needs a socket, which QEMU does not.
 */
START_TEST(test_chardev_order)
{
    MachineOptions o;
    char *argv[] = { "qmachined",
                     "-chardev",
                     "null,id=n0",
                     "-qmp",
                     "unix:/tmp/q.sock,server=on,wait=off",
                     "-chardev",
                     "socket,id=charmonitor,path=/tmp/m.sock,server=on,"
                     "wait=off",
                     "-mon",
                     "chardev=charmonitor,id=monitor,mode=control",
                     "-chardev",
                     "socket,id=ch0,path=/tmp/c.sock,server=on,wait=off",
                     "-chardev",
                     "socket,id=ch1,host=127.0.0.1,port=0",
                     NULL };
    char *argv2[] = { "qmachined",
                      "-chardev",
                      "socket,id=s,server=on",
                      "-mon",
                      "chardev=s,mode=control",
                      NULL };
    static const char *const ids[] = { "n0", "compat_monitor0", "charmonitor",
                                       "ch0", "ch1" };
    json_t *c, *data;
    char *err;
    size_t i;

    ck_assert(run(13, argv, &o, &err));
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(json_array_size(o.chardevs), 5);
    ck_assert_uint_eq(json_array_size(o.chardev_args), 5);
    for (i = 0; i < 5; i++) {
        c = json_array_get(o.chardevs, i);
        ck_assert_str_eq(json_string_value(json_object_get(c, "id")), ids[i]);
        ck_assert(json_is_true(json_object_get(c, "front-end")) ==
                  (i == 1 || i == 2));
        ck_assert((json_object_get(c, "backend") != NULL) ==
                  (i != 1 && i != 2));
    }
    ck_assert_str_eq(json_string_value(json_array_get(o.chardev_args, 1)),
                     "unix:/tmp/q.sock,server=on,wait=off");
    data = json_object_get(
        json_object_get(json_array_get(o.chardevs, 3), "backend"), "data");
    ck_assert(json_is_true(json_object_get(data, "server")));
    ck_assert(json_is_false(json_object_get(data, "wait")));
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(json_object_get(data, "addr"), "data"), "path")),
        "/tmp/c.sock");
    data = json_object_get(
        json_object_get(json_array_get(o.chardevs, 4), "backend"), "data");
    ck_assert(json_is_false(json_object_get(data, "server")));
    ck_assert_ptr_null(json_object_get(data, "wait"));
    free(err);
    options_free(&o);

    ck_assert(!run(5, argv2, &o, &err));
    ck_assert_str_eq(err, "qmachined: -mon chardev=s,mode=control: chardev "
                          "\"s\" has no socket; qmachined serves only "
                          "sockets\n");
    free(err);
    options_free(&o);
}
END_TEST

/*
 * Command lines that fail after earlier options allocated something:
 * a failed parse must free it all (found by tests/fuzz/fuzz_cmdline).
 * Counted with mallinfo2(), so it fails without a leak checker too
 * (under ASan, which has no mallinfo2 figures, LeakSanitizer does it).
 */
static char *const leak_cases[][6] = {
    { "qmachined", "-accel", "tcg", "-accel", "thread=single", NULL },
    { "qmachined", "-accel", "kvm", "-accel", "tcg,thread=x", NULL },
};

START_TEST(test_error_frees_everything)
{
    char *const *argv = leak_cases[_i];
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    size_t before = 0;
    int argc = 0;
    int round;

    while (argc < 6 && argv[argc]) {
        argc++;
    }
    fflush(stderr);
    dup2(null, STDERR_FILENO);
    /* Round 0 warms up stdio and the like; later rounds must not grow. */
    for (round = 0; round < 21; round++) {
        MachineOptions o;
        bool exit_now;

        if (round == 1) {
            before = mallinfo2().uordblks;
        }
        ck_assert(!options_parse(&o, argc, (char **)argv, &exit_now));
        options_free(&o);
    }
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(null);
    ck_assert_uint_eq(mallinfo2().uordblks, before);
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_error_texts, 0,
                        sizeof(err_cases) / sizeof(err_cases[0]));
    tcase_add_loop_test(tc, test_numa_error_texts, 0,
                        sizeof(numa_err_cases) / sizeof(numa_err_cases[0]));
    tcase_add_test(tc, test_defaults);
    tcase_add_loop_test(tc, test_error_frees_everything, 0,
                        sizeof(leak_cases) / sizeof(leak_cases[0]));
    tcase_add_test(tc, test_libvirt_domain);
    tcase_add_test(tc, test_forward_poll);
    tcase_add_loop_test(tc, test_unmodelled_machine, 0, 4);
    tcase_add_test(tc, test_memory_and_smp);
    tcase_add_test(tc, test_chardev_mon);
    tcase_add_test(tc, test_chardev_order);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { options_suite };
