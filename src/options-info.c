/*
 * See options-info.h.  Read off QEMU 7.2 (Debian 12's
 * qemu-system-x86_64) with query-command-line-options; the help texts are
 * what it reports.
 */
#include "options-info.h"

#include <stddef.h>

const char *cmdline_option_type_name(CmdlineOptionType t)
{
    switch (t) {
    case OPT_DESC_BOOL:
        return "boolean";
    case OPT_DESC_NUMBER:
        return "number";
    case OPT_DESC_SIZE:
        return "size";
    case OPT_DESC_STRING:
    default:
        return "string";
    }
}

/* clang-format off */
static const CmdlineOptionParam params_machine[] = {
    { "loadparm", OPT_DESC_STRING, "Up to 8 chars in set of [A-Za-z0-9. ](lower case chars converted to upper case) to pass to machine loader, boot manager, and guest kernel", NULL },
    { "dea-key-wrap", OPT_DESC_BOOL, "enable/disable DEA key wrapping using the CPACF wrapping key", NULL },
    { "aes-key-wrap", OPT_DESC_BOOL, "enable/disable AES key wrapping using the CPACF wrapping key", NULL },
    { "suppress-vmdesc", OPT_DESC_BOOL, "Set on to disable self-describing migration", NULL },
    { "iommu", OPT_DESC_BOOL, "Set on/off to enable/disable Intel IOMMU (VT-d)", NULL },
    { "firmware", OPT_DESC_STRING, "firmware image", NULL },
    { "usb", OPT_DESC_BOOL, "Set on/off to enable/disable usb", NULL },
    { "mem-merge", OPT_DESC_BOOL, "enable/disable memory merge support", NULL },
    { "dump-guest-core", OPT_DESC_BOOL, "Include guest memory in  a core dump", NULL },
    { "dt_compatible", OPT_DESC_STRING, "Overrides the \"compatible\" property of the dt root node", NULL },
    { "phandle_start", OPT_DESC_NUMBER, "The first phandle ID we may generate dynamically", NULL },
    { "dumpdtb", OPT_DESC_STRING, "Dump current dtb to a file and quit", NULL },
    { "dtb", OPT_DESC_STRING, "Linux kernel device tree file", NULL },
    { "append", OPT_DESC_STRING, "Linux kernel command line", NULL },
    { "initrd", OPT_DESC_STRING, "Linux initial ramdisk file", NULL },
    { "kernel", OPT_DESC_STRING, "Linux kernel image file", NULL },
    { "kvm_shadow_mem", OPT_DESC_SIZE, "KVM shadow MMU size", NULL },
    { "kernel_irqchip", OPT_DESC_BOOL, "use KVM in-kernel irqchip", NULL },
    { "accel", OPT_DESC_STRING, "accelerator list", NULL },
    { "type", OPT_DESC_STRING, "emulated machine", NULL },
    { NULL }
};
static const CmdlineOptionParam params_iscsi[] = {
    { "timeout", OPT_DESC_NUMBER, "Request timeout in seconds (default 0 = no timeout)", NULL },
    { "initiator-name", OPT_DESC_STRING, "Initiator iqn name to use when connecting", NULL },
    { "header-digest", OPT_DESC_STRING, "HeaderDigest setting. {CRC32C|CRC32C-NONE|NONE-CRC32C|NONE}", NULL },
    { "password-secret", OPT_DESC_STRING, "ID of the secret providing password for CHAP authentication to target", NULL },
    { "password", OPT_DESC_STRING, "password for CHAP authentication to target", NULL },
    { "user", OPT_DESC_STRING, "username for CHAP authentication to target", NULL },
    { NULL }
};
static const CmdlineOptionParam params_sandbox[] = {
    { "resourcecontrol", OPT_DESC_STRING, NULL, NULL },
    { "spawn", OPT_DESC_STRING, NULL, NULL },
    { "elevateprivileges", OPT_DESC_STRING, NULL, NULL },
    { "obsolete", OPT_DESC_STRING, NULL, NULL },
    { "enable", OPT_DESC_BOOL, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_virtfs[] = {
    { "dmode", OPT_DESC_NUMBER, NULL, NULL },
    { "fmode", OPT_DESC_NUMBER, NULL, NULL },
    { "sock_fd", OPT_DESC_NUMBER, NULL, NULL },
    { "socket", OPT_DESC_STRING, NULL, NULL },
    { "multidevs", OPT_DESC_STRING, NULL, NULL },
    { "readonly", OPT_DESC_BOOL, NULL, NULL },
    { "writeout", OPT_DESC_STRING, NULL, NULL },
    { "security_model", OPT_DESC_STRING, NULL, NULL },
    { "mount_tag", OPT_DESC_STRING, NULL, NULL },
    { "path", OPT_DESC_STRING, NULL, NULL },
    { "fsdriver", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_fsdev[] = {
    { "throttling.iops-size", OPT_DESC_NUMBER, "when limiting by iops max size of an I/O in bytes", NULL },
    { "throttling.bps-write-max-length", OPT_DESC_NUMBER, "length of the bps-write-max burst period, in seconds", NULL },
    { "throttling.bps-read-max-length", OPT_DESC_NUMBER, "length of the bps-read-max burst period, in seconds", NULL },
    { "throttling.bps-total-max-length", OPT_DESC_NUMBER, "length of the bps-total-max burst period, in seconds", NULL },
    { "throttling.iops-write-max-length", OPT_DESC_NUMBER, "length of the iops-write-max burst period, in seconds", NULL },
    { "throttling.iops-read-max-length", OPT_DESC_NUMBER, "length of the iops-read-max burst period, in seconds", NULL },
    { "throttling.iops-total-max-length", OPT_DESC_NUMBER, "length of the iops-total-max burst period, in seconds", NULL },
    { "throttling.bps-write-max", OPT_DESC_NUMBER, "total bytes write burst", NULL },
    { "throttling.bps-read-max", OPT_DESC_NUMBER, "total bytes read burst", NULL },
    { "throttling.bps-total-max", OPT_DESC_NUMBER, "total bytes burst", NULL },
    { "throttling.iops-write-max", OPT_DESC_NUMBER, "I/O operations write burst", NULL },
    { "throttling.iops-read-max", OPT_DESC_NUMBER, "I/O operations read burst", NULL },
    { "throttling.iops-total-max", OPT_DESC_NUMBER, "I/O operations burst", NULL },
    { "throttling.bps-write", OPT_DESC_NUMBER, "limit write bytes per second", NULL },
    { "throttling.bps-read", OPT_DESC_NUMBER, "limit read bytes per second", NULL },
    { "throttling.bps-total", OPT_DESC_NUMBER, "limit total bytes per second", NULL },
    { "throttling.iops-write", OPT_DESC_NUMBER, "limit write operations per second", NULL },
    { "throttling.iops-read", OPT_DESC_NUMBER, "limit read operations per second", NULL },
    { "throttling.iops-total", OPT_DESC_NUMBER, "limit total I/O operations per second", NULL },
    { "dmode", OPT_DESC_NUMBER, NULL, NULL },
    { "fmode", OPT_DESC_NUMBER, NULL, NULL },
    { "sock_fd", OPT_DESC_NUMBER, NULL, NULL },
    { "socket", OPT_DESC_STRING, NULL, NULL },
    { "multidevs", OPT_DESC_STRING, NULL, NULL },
    { "readonly", OPT_DESC_BOOL, NULL, NULL },
    { "writeout", OPT_DESC_STRING, NULL, NULL },
    { "security_model", OPT_DESC_STRING, NULL, NULL },
    { "path", OPT_DESC_STRING, NULL, NULL },
    { "fsdriver", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_smbios[] = {
    { NULL }
};
static const CmdlineOptionParam params_acpi[] = {
    { NULL }
};
static const CmdlineOptionParam params_vnc[] = {
    { "power-control", OPT_DESC_BOOL, NULL, NULL },
    { "audiodev", OPT_DESC_STRING, NULL, NULL },
    { "non-adaptive", OPT_DESC_BOOL, NULL, NULL },
    { "lossy", OPT_DESC_BOOL, NULL, NULL },
    { "sasl-authz", OPT_DESC_STRING, NULL, NULL },
    { "tls-authz", OPT_DESC_STRING, NULL, NULL },
    { "sasl", OPT_DESC_BOOL, NULL, NULL },
    { "key-delay-ms", OPT_DESC_NUMBER, NULL, NULL },
    { "lock-key-sync", OPT_DESC_BOOL, NULL, NULL },
    { "reverse", OPT_DESC_BOOL, NULL, NULL },
    { "password-secret", OPT_DESC_STRING, NULL, NULL },
    { "password", OPT_DESC_BOOL, NULL, NULL },
    { "ipv6", OPT_DESC_BOOL, NULL, NULL },
    { "ipv4", OPT_DESC_BOOL, NULL, NULL },
    { "to", OPT_DESC_NUMBER, NULL, NULL },
    { "connections", OPT_DESC_NUMBER, NULL, NULL },
    { "head", OPT_DESC_NUMBER, NULL, NULL },
    { "display", OPT_DESC_STRING, NULL, NULL },
    { "share", OPT_DESC_STRING, NULL, NULL },
    { "tls-creds", OPT_DESC_STRING, NULL, NULL },
    { "websocket", OPT_DESC_STRING, NULL, NULL },
    { "vnc", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_action[] = {
    { "watchdog", OPT_DESC_STRING, NULL, NULL },
    { "panic", OPT_DESC_STRING, NULL, NULL },
    { "reboot", OPT_DESC_STRING, NULL, NULL },
    { "shutdown", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_fw_cfg[] = {
    { "gen_id", OPT_DESC_STRING, "Sets id of the object generating the fw_cfg blob to be inserted", NULL },
    { "string", OPT_DESC_STRING, "Sets content of the blob to be inserted from a string", NULL },
    { "file", OPT_DESC_STRING, "Sets the name of the file from which the fw_cfg blob will be loaded", NULL },
    { "name", OPT_DESC_STRING, "Sets the fw_cfg name of the blob to be inserted", NULL },
    { NULL }
};
static const CmdlineOptionParam params_empty[] = {
    { NULL }
};
static const CmdlineOptionParam params_icount[] = {
    { "rrsnapshot", OPT_DESC_STRING, NULL, NULL },
    { "rrfile", OPT_DESC_STRING, NULL, NULL },
    { "rr", OPT_DESC_STRING, NULL, NULL },
    { "sleep", OPT_DESC_BOOL, NULL, NULL },
    { "align", OPT_DESC_BOOL, NULL, NULL },
    { "shift", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_numa[] = {
    { NULL }
};
static const CmdlineOptionParam params_name[] = {
    { "debug-threads", OPT_DESC_BOOL, "When enabled, name the individual threads; defaults off.\nNOTE: The thread names are for debugging and not a\nstable API.", NULL },
    { "process", OPT_DESC_STRING, "Sets the name of the QEMU process, as shown in top etc", NULL },
    { "guest", OPT_DESC_STRING, "Sets the name of the guest.\nThis name will be displayed in the SDL window caption.\nThe name will also be used for the VNC server", NULL },
    { NULL }
};
static const CmdlineOptionParam params_msg[] = {
    { "guest-name", OPT_DESC_BOOL, "Prepends guest name for error messages but only if -name guest is set otherwise option is ignored\n", NULL },
    { "timestamp", OPT_DESC_BOOL, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_overcommit[] = {
    { "cpu-pm", OPT_DESC_BOOL, NULL, NULL },
    { "mem-lock", OPT_DESC_BOOL, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_tpmdev[] = {
    { NULL }
};
static const CmdlineOptionParam params_object[] = {
    { NULL }
};
static const CmdlineOptionParam params_add_fd[] = {
    { "opaque", OPT_DESC_STRING, "free-form string used to describe fd", NULL },
    { "set", OPT_DESC_NUMBER, "ID of the fd set to add fd to", NULL },
    { "fd", OPT_DESC_NUMBER, "file descriptor of which a duplicate is added to fd set", NULL },
    { NULL }
};
static const CmdlineOptionParam params_boot_opts[] = {
    { "strict", OPT_DESC_BOOL, NULL, NULL },
    { "reboot-timeout", OPT_DESC_NUMBER, NULL, NULL },
    { "splash-time", OPT_DESC_NUMBER, NULL, NULL },
    { "splash", OPT_DESC_STRING, NULL, NULL },
    { "menu", OPT_DESC_BOOL, NULL, NULL },
    { "once", OPT_DESC_STRING, NULL, NULL },
    { "order", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_smp_opts[] = {
    { "maxcpus", OPT_DESC_NUMBER, NULL, NULL },
    { "threads", OPT_DESC_NUMBER, NULL, NULL },
    { "cores", OPT_DESC_NUMBER, NULL, NULL },
    { "clusters", OPT_DESC_NUMBER, NULL, NULL },
    { "dies", OPT_DESC_NUMBER, NULL, NULL },
    { "sockets", OPT_DESC_NUMBER, NULL, NULL },
    { "cpus", OPT_DESC_NUMBER, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_memory[] = {
    { "maxmem", OPT_DESC_SIZE, NULL, NULL },
    { "slots", OPT_DESC_NUMBER, NULL, NULL },
    { "size", OPT_DESC_SIZE, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_accel[] = {
    { NULL }
};
static const CmdlineOptionParam params_option_rom[] = {
    { "romfile", OPT_DESC_STRING, NULL, NULL },
    { "bootindex", OPT_DESC_NUMBER, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_plugin[] = {
    { NULL }
};
static const CmdlineOptionParam params_trace[] = {
    { "file", OPT_DESC_STRING, NULL, NULL },
    { "events", OPT_DESC_STRING, NULL, NULL },
    { "enable", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_mon[] = {
    { "pretty", OPT_DESC_BOOL, NULL, NULL },
    { "chardev", OPT_DESC_STRING, NULL, NULL },
    { "mode", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_global[] = {
    { "value", OPT_DESC_STRING, NULL, NULL },
    { "property", OPT_DESC_STRING, NULL, NULL },
    { "driver", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_rtc[] = {
    { "driftfix", OPT_DESC_STRING, NULL, NULL },
    { "clock", OPT_DESC_STRING, NULL, NULL },
    { "base", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_net[] = {
    { NULL }
};
static const CmdlineOptionParam params_nic[] = {
    { NULL }
};
static const CmdlineOptionParam params_netdev[] = {
    { NULL }
};
static const CmdlineOptionParam params_device[] = {
    { NULL }
};
static const CmdlineOptionParam params_chardev[] = {
    { "abstract", OPT_DESC_BOOL, NULL, NULL },
    { "tight", OPT_DESC_BOOL, NULL, "on" },
    { "clipboard", OPT_DESC_BOOL, NULL, NULL },
    { "mouse", OPT_DESC_BOOL, NULL, NULL },
    { "logappend", OPT_DESC_BOOL, NULL, NULL },
    { "logfile", OPT_DESC_STRING, NULL, NULL },
    { "append", OPT_DESC_BOOL, NULL, NULL },
    { "chardev", OPT_DESC_STRING, NULL, NULL },
    { "size", OPT_DESC_SIZE, NULL, NULL },
    { "debug", OPT_DESC_NUMBER, NULL, NULL },
    { "name", OPT_DESC_STRING, NULL, NULL },
    { "signal", OPT_DESC_BOOL, NULL, NULL },
    { "mux", OPT_DESC_BOOL, NULL, NULL },
    { "rows", OPT_DESC_NUMBER, NULL, NULL },
    { "cols", OPT_DESC_NUMBER, NULL, NULL },
    { "height", OPT_DESC_NUMBER, NULL, NULL },
    { "width", OPT_DESC_NUMBER, NULL, NULL },
    { "websocket", OPT_DESC_BOOL, NULL, NULL },
    { "tls-authz", OPT_DESC_STRING, NULL, NULL },
    { "tls-creds", OPT_DESC_STRING, NULL, NULL },
    { "tn3270", OPT_DESC_BOOL, NULL, NULL },
    { "telnet", OPT_DESC_BOOL, NULL, NULL },
    { "reconnect", OPT_DESC_NUMBER, NULL, NULL },
    { "nodelay", OPT_DESC_BOOL, NULL, NULL },
    { "delay", OPT_DESC_BOOL, NULL, NULL },
    { "server", OPT_DESC_BOOL, NULL, NULL },
    { "wait", OPT_DESC_BOOL, NULL, NULL },
    { "ipv6", OPT_DESC_BOOL, NULL, NULL },
    { "ipv4", OPT_DESC_BOOL, NULL, NULL },
    { "to", OPT_DESC_NUMBER, NULL, NULL },
    { "localport", OPT_DESC_STRING, NULL, NULL },
    { "localaddr", OPT_DESC_STRING, NULL, NULL },
    { "fd", OPT_DESC_STRING, NULL, NULL },
    { "port", OPT_DESC_STRING, NULL, NULL },
    { "host", OPT_DESC_STRING, NULL, NULL },
    { "path", OPT_DESC_STRING, NULL, NULL },
    { "backend", OPT_DESC_STRING, NULL, NULL },
    { NULL }
};
static const CmdlineOptionParam params_drive[] = {
    { "copy-on-read", OPT_DESC_BOOL, "copy read data from backing file into image file", NULL },
    { "werror", OPT_DESC_STRING, "write error action", NULL },
    { "rerror", OPT_DESC_STRING, "read error action", NULL },
    { "read-only", OPT_DESC_BOOL, "open drive file as read-only", NULL },
    { "file", OPT_DESC_STRING, "file name", NULL },
    { "if", OPT_DESC_STRING, "interface (ide, scsi, sd, mtd, floppy, pflash, virtio)", NULL },
    { "media", OPT_DESC_STRING, "media type (disk, cdrom)", NULL },
    { "index", OPT_DESC_NUMBER, "index number", NULL },
    { "unit", OPT_DESC_NUMBER, "unit number (i.e. lun for scsi)", NULL },
    { "bus", OPT_DESC_NUMBER, "bus number", NULL },
    { "stats-account-failed", OPT_DESC_BOOL, "whether to account for failed I/O operations in the statistics", NULL },
    { "stats-account-invalid", OPT_DESC_BOOL, "whether to account for invalid I/O operations in the statistics", NULL },
    { "detect-zeroes", OPT_DESC_STRING, "try to optimize zero writes (off, on, unmap)", NULL },
    { "throttling.group", OPT_DESC_STRING, "name of the block throttling group", NULL },
    { "throttling.iops-size", OPT_DESC_NUMBER, "when limiting by iops max size of an I/O in bytes", NULL },
    { "throttling.bps-write-max-length", OPT_DESC_NUMBER, "length of the bps-write-max burst period, in seconds", NULL },
    { "throttling.bps-read-max-length", OPT_DESC_NUMBER, "length of the bps-read-max burst period, in seconds", NULL },
    { "throttling.bps-total-max-length", OPT_DESC_NUMBER, "length of the bps-total-max burst period, in seconds", NULL },
    { "throttling.iops-write-max-length", OPT_DESC_NUMBER, "length of the iops-write-max burst period, in seconds", NULL },
    { "throttling.iops-read-max-length", OPT_DESC_NUMBER, "length of the iops-read-max burst period, in seconds", NULL },
    { "throttling.iops-total-max-length", OPT_DESC_NUMBER, "length of the iops-total-max burst period, in seconds", NULL },
    { "throttling.bps-write-max", OPT_DESC_NUMBER, "total bytes write burst", NULL },
    { "throttling.bps-read-max", OPT_DESC_NUMBER, "total bytes read burst", NULL },
    { "throttling.bps-total-max", OPT_DESC_NUMBER, "total bytes burst", NULL },
    { "throttling.iops-write-max", OPT_DESC_NUMBER, "I/O operations write burst", NULL },
    { "throttling.iops-read-max", OPT_DESC_NUMBER, "I/O operations read burst", NULL },
    { "throttling.iops-total-max", OPT_DESC_NUMBER, "I/O operations burst", NULL },
    { "throttling.bps-write", OPT_DESC_NUMBER, "limit write bytes per second", NULL },
    { "throttling.bps-read", OPT_DESC_NUMBER, "limit read bytes per second", NULL },
    { "throttling.bps-total", OPT_DESC_NUMBER, "limit total bytes per second", NULL },
    { "throttling.iops-write", OPT_DESC_NUMBER, "limit write operations per second", NULL },
    { "throttling.iops-read", OPT_DESC_NUMBER, "limit read operations per second", NULL },
    { "throttling.iops-total", OPT_DESC_NUMBER, "limit total I/O operations per second", NULL },
    { "werror", OPT_DESC_STRING, "write error action", NULL },
    { "format", OPT_DESC_STRING, "disk format (raw, qcow2, ...)", NULL },
    { "cache.writeback", OPT_DESC_BOOL, "Enable writeback mode", NULL },
    { "aio", OPT_DESC_STRING, "host AIO implementation (threads, native, io_uring)", NULL },
    { "snapshot", OPT_DESC_BOOL, "enable/disable snapshot mode", NULL },
    { "force-share", OPT_DESC_BOOL, "always accept other writers (default: off)", NULL },
    { "discard", OPT_DESC_STRING, "discard operation (ignore/off, unmap/on)", NULL },
    { "auto-read-only", OPT_DESC_BOOL, "Node can become read-only if opening read-write fails", NULL },
    { "cache.no-flush", OPT_DESC_BOOL, "Ignore flush requests", NULL },
    { "cache.direct", OPT_DESC_BOOL, "Bypass software writeback cache on the host", NULL },
    { "driver", OPT_DESC_STRING, "Block driver to use for the node", NULL },
    { "node-name", OPT_DESC_STRING, "Node name of the block device node", NULL },
    { NULL }
};
const CmdlineOptionInfo cmdline_options[] = {
    { "machine", params_machine },
    { "iscsi", params_iscsi },
    { "sandbox", params_sandbox },
    { "virtfs", params_virtfs },
    { "fsdev", params_fsdev },
    { "smbios", params_smbios },
    { "acpi", params_acpi },
    { "vnc", params_vnc },
    { "action", params_action },
    { "fw_cfg", params_fw_cfg },
    { "", params_empty },
    { "icount", params_icount },
    { "numa", params_numa },
    { "name", params_name },
    { "msg", params_msg },
    { "overcommit", params_overcommit },
    { "tpmdev", params_tpmdev },
    { "object", params_object },
    { "add-fd", params_add_fd },
    { "boot-opts", params_boot_opts },
    { "smp-opts", params_smp_opts },
    { "memory", params_memory },
    { "accel", params_accel },
    { "option-rom", params_option_rom },
    { "plugin", params_plugin },
    { "trace", params_trace },
    { "mon", params_mon },
    { "global", params_global },
    { "rtc", params_rtc },
    { "net", params_net },
    { "nic", params_nic },
    { "netdev", params_netdev },
    { "device", params_device },
    { "chardev", params_chardev },
    { "drive", params_drive },
    { NULL }
};
/* clang-format on */
