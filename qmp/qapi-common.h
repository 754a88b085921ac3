/*
 * QAPI types several commands share, declared once as QEMU's
 * qapi/common.json and qapi/sockets.json declare them: String, and the
 * socket addresses (netdev_add's stream/dgram, chardev-add's socket).
 */
#ifndef QMACHINED_QAPI_COMMON_H
#define QMACHINED_QAPI_COMMON_H

#include "schema.h"

extern const QapiType qapi_string; /* { "str": str } */
extern const QapiType qapi_socket_address_type; /* inet, unix, vsock, fd */
extern const QapiType qapi_inet_socket_address;
extern const QapiType qapi_unix_socket_address;
extern const QapiType qapi_vsock_socket_address;

#endif
