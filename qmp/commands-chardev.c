/*
 * Character devices: chardev-add, chardev-remove, query-chardev and
 * "info chardev" (src/chardev-backends.c does the work).  chardev-add's
 * argument is QEMU 7.2's ChardevBackend union with the backends
 * qmachined models (null, file, socket, pty); its enum lists them all.
 */
#include <string.h>

#include "commands.h"
#include "qapi-common.h"
#include "json-out.h"
#include "src/chardev-backends.h"
#include "src/util.h"

/* clang-format off */
static const QapiMember chardev_info_members[] = {
    { "label", &qapi_str, false },
    { "filename", &qapi_str, false },
    { "frontend-open", &qapi_bool, false },
    { NULL }
};
static const QapiType chardev_info_type = {
    .name = "ChardevInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = chardev_info_members,
};
QAPI_ARRAY_OF(chardev_info_list, chardev_info_type);

#define OBJ(var, mem) \
    static const QapiType var = { .name = #var, .kind = QAPI_KIND_OBJECT, .members = mem }

static const QapiMember chardev_common_members[] = {
    { "logfile", &qapi_str, true },
    { "logappend", &qapi_bool, true },
    { NULL }
};
OBJ(chardev_common, chardev_common_members);
static const QapiMember chardev_file_members[] = {
    { "logfile", &qapi_str, true },
    { "logappend", &qapi_bool, true },
    { "in", &qapi_str, true },
    { "out", &qapi_str, false },
    { "append", &qapi_bool, true },
    { NULL }
};
OBJ(chardev_file, chardev_file_members);
static const QapiMember inet_wrap_members[] = { { "data", &qapi_inet_socket_address, false }, { NULL } };
OBJ(inet_wrap, inet_wrap_members);
static const QapiMember unix_wrap_members[] = { { "data", &qapi_unix_socket_address, false }, { NULL } };
OBJ(unix_wrap, unix_wrap_members);
static const QapiMember vsock_wrap_members[] = { { "data", &qapi_vsock_socket_address, false }, { NULL } };
OBJ(vsock_wrap, vsock_wrap_members);
static const QapiMember string_wrap_members[] = { { "data", &qapi_string, false }, { NULL } };
OBJ(string_wrap, string_wrap_members);
static const QapiMember socket_addr_legacy_members[] = {
    { "type", &qapi_socket_address_type, false },
    { NULL }
};
static const QapiVariant socket_addr_legacy_variants[] = {
    { "inet", &inet_wrap },
    { "unix", &unix_wrap },
    { "vsock", &vsock_wrap },
    { "fd", &string_wrap },
    { NULL }
};
static const QapiType socket_addr_legacy = { .name = "socket_addr_legacy", .kind = QAPI_KIND_OBJECT, .members = socket_addr_legacy_members, .tag = "type", .variants = socket_addr_legacy_variants };
static const QapiMember chardev_socket_members[] = {
    { "logfile", &qapi_str, true },
    { "logappend", &qapi_bool, true },
    { "addr", &socket_addr_legacy, false },
    { "tls-creds", &qapi_str, true },
    { "tls-authz", &qapi_str, true },
    { "server", &qapi_bool, true },
    { "wait", &qapi_bool, true },
    { "nodelay", &qapi_bool, true },
    { "telnet", &qapi_bool, true },
    { "tn3270", &qapi_bool, true },
    { "websocket", &qapi_bool, true },
    { "reconnect", &qapi_int, true },
    { NULL }
};
OBJ(chardev_socket_type, chardev_socket_members);
static const QapiMember file_wrap_members[] = { { "data", &chardev_file, false }, { NULL } };
OBJ(file_wrap, file_wrap_members);
static const QapiMember socket_wrap_members[] = { { "data", &chardev_socket_type, false }, { NULL } };
OBJ(socket_wrap, socket_wrap_members);
static const QapiMember common_wrap_members[] = { { "data", &chardev_common, false }, { NULL } };
OBJ(common_wrap, common_wrap_members);
static const char *const backend_kinds[] = {
    "file", "serial", "parallel", "pipe", "socket", "udp", "pty", "null",
    "mux", "msmouse", "wctablet", "braille", "testdev", "stdio", "console",
    "spicevmc", "spiceport", "qemu-vdagent", "dbus", "vc", "ringbuf",
    "memory", NULL
};
static const QapiType backend_kind = { .name = "backend_kind", .kind = QAPI_KIND_ENUM, .values = backend_kinds };
static const QapiMember backend_members[] = {
    { "type", &backend_kind, false },
    { NULL }
};
static const QapiVariant backend_variants[] = {
    { "file", &file_wrap },
    { "socket", &socket_wrap },
    { "pty", &common_wrap },
    { "null", &common_wrap },
    { NULL }
};
static const QapiType chardev_backend = { .name = "chardev_backend", .kind = QAPI_KIND_OBJECT, .members = backend_members, .tag = "type", .variants = backend_variants };
static const QapiMember chardev_add_members[] = {
    { "id", &qapi_str, false },
    { "backend", &chardev_backend, false },
    { NULL }
};
const QapiType chardev_add_args = { .name = "chardev_add_args", .kind = QAPI_KIND_OBJECT, .members = chardev_add_members };
static const QapiMember chardev_return_members[] = {
    { "pty", &qapi_str, true },
    { NULL }
};
const QapiType chardev_return_type = { .name = "chardev_return", .kind = QAPI_KIND_OBJECT, .members = chardev_return_members };
static const QapiMember chardev_remove_members[] = {
    { "id", &qapi_str, false },
    { NULL }
};
const QapiType chardev_remove_args = { .name = "chardev_remove_args", .kind = QAPI_KIND_OBJECT, .members = chardev_remove_members };
/* clang-format on */

/* An fd socket address names one of the session's getfd descriptors. */
static int take_named_fd(void *opaque, const char *name, Error **errp)
{
    return qmp_session_take_named_fd(opaque, name, errp);
}

bool qmp_cmd_chardev_add(QmpSession *s, json_t *args, json_t **ret,
                         Error **errp)
{
    ChardevFdSource fds = { take_named_fd, s };

    return chardev_add(qapi_arg_str(args, "id", ""), qapi_arg(args, "backend"),
                       &fds, ret, errp);
}

bool qmp_cmd_chardev_remove(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    (void)s;
    (void)ret;
    return chardev_remove(qapi_arg_str(args, "id", ""), errp);
}

static void add_info(const char *label, const char *filename,
                     bool frontend_open, void *opaque)
{
    /* QEMU builds the list by prepending. */
    json_array_insert_new(opaque, 0,
                          json_pack("{s:s, s:s, s:b}", "label", label,
                                    "filename", filename, "frontend-open",
                                    frontend_open));
}

bool qmp_cmd_query_chardev(QmpSession *s, json_t *args, json_t **ret,
                           Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    *ret = json_array();
    chardev_foreach(add_info, *ret);
    return true;
}

char *qmp_chardev_info_text(void)
{
    json_t *list = json_array(), *e;
    JsonBuf out = { 0 };
    size_t i;

    chardev_foreach(add_info, list);
    json_buf_append(&out, "", 0);
    json_array_foreach (list, i, e) {
        char *line = xasprintf(
            "%s: filename=%s\n", json_string_value(json_object_get(e, "label")),
            json_string_value(json_object_get(e, "filename")));

        json_buf_append(&out, line, strlen(line));
        free(line);
    }
    json_decref(list);
    return out.data;
}
