/* Shared QAPI types; see qapi-common.h. */
#include "qapi-common.h"

static const QapiMember string_members[] = {
    { "str", &qapi_str, false },
    { NULL },
};
const QapiType qapi_string = {
    .name = "String",
    .kind = QAPI_KIND_OBJECT,
    .members = string_members,
};

static const char *const socket_address_types[] = { "inet", "unix", "vsock",
                                                    "fd", NULL };
const QapiType qapi_socket_address_type = {
    .name = "SocketAddressType",
    .kind = QAPI_KIND_ENUM,
    .values = socket_address_types,
};

static const QapiMember inet_members[] = {
    { "host", &qapi_str, false },
    { "port", &qapi_str, false },
    { "numeric", &qapi_bool, true },
    { "to", &qapi_int, true },
    { "ipv4", &qapi_bool, true },
    { "ipv6", &qapi_bool, true },
    { "keep-alive", &qapi_bool, true },
    { "mptcp", &qapi_bool, true },
    { NULL },
};
const QapiType qapi_inet_socket_address = {
    .name = "InetSocketAddress",
    .kind = QAPI_KIND_OBJECT,
    .members = inet_members,
};

static const QapiMember unix_members[] = {
    { "path", &qapi_str, false },
    { "abstract", &qapi_bool, true },
    { "tight", &qapi_bool, true },
    { NULL },
};
const QapiType qapi_unix_socket_address = {
    .name = "UnixSocketAddress",
    .kind = QAPI_KIND_OBJECT,
    .members = unix_members,
};

static const QapiMember vsock_members[] = {
    { "cid", &qapi_str, false },
    { "port", &qapi_str, false },
    { NULL },
};
const QapiType qapi_vsock_socket_address = {
    .name = "VsockSocketAddress",
    .kind = QAPI_KIND_OBJECT,
    .members = vsock_members,
};
