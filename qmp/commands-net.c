/*
 * Network backends: netdev_add and netdev_del (src/net.c does the work).
 * The argument type is QEMU 7.2's Netdev union with every backend type
 * its schema lists; only "user" is modelled, the others are refused by
 * name after the checks QEMU makes first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "qapi-common.h"
#include "src/keyval.h"
#include "src/net.h"

static const char *const unstable[] = { "unstable", NULL };

/* clang-format off */
static const QapiType netdev_1;
static const QapiType netdev_2;
static const QapiType netdev_4;
static const QapiType netdev_3;
static const QapiType netdev_6;
static const QapiType netdev_7;
static const QapiType netdev_8;
static const QapiType netdev_10;
static const QapiType netdev_9;
static const QapiType netdev_15;
static const QapiType netdev_16;
static const QapiType netdev_17;
static const QapiType netdev_18;
static const QapiType netdev_19;
static const QapiType netdev_20;
static const QapiType netdev_21;
static const QapiType netdev_22;


static const char *const netdev_1_values[] = { "none", "nic", "user", "tap", "l2tpv3", "socket", "stream", "dgram", "vde", "bridge", "hubport", "netmap", "vhost-user", "vhost-vdpa", NULL };
static const QapiType netdev_1 = { .name = "netdev_1", .kind = QAPI_KIND_ENUM, .values = netdev_1_values };
static const QapiMember netdev_2_members[] = {
    { "netdev", &qapi_str, true },
    { "macaddr", &qapi_str, true },
    { "model", &qapi_str, true },
    { "addr", &qapi_str, true },
    { "vectors", &qapi_int, true },
    { NULL }
};
static const QapiType netdev_2 = { .name = "netdev_2", .kind = QAPI_KIND_OBJECT, .members = netdev_2_members };
static const QapiType netdev_4 = { .name = "netdev_4", .kind = QAPI_KIND_ARRAY, .element = &qapi_string };
static const QapiMember netdev_3_members[] = {
    { "hostname", &qapi_str, true },
    { "restrict", &qapi_bool, true },
    { "ipv4", &qapi_bool, true },
    { "ipv6", &qapi_bool, true },
    { "ip", &qapi_str, true },
    { "net", &qapi_str, true },
    { "host", &qapi_str, true },
    { "tftp", &qapi_str, true },
    { "bootfile", &qapi_str, true },
    { "dhcpstart", &qapi_str, true },
    { "dns", &qapi_str, true },
    { "dnssearch", &netdev_4, true },
    { "domainname", &qapi_str, true },
    { "ipv6-prefix", &qapi_str, true },
    { "ipv6-prefixlen", &qapi_int, true },
    { "ipv6-host", &qapi_str, true },
    { "ipv6-dns", &qapi_str, true },
    { "smb", &qapi_str, true },
    { "smbserver", &qapi_str, true },
    { "hostfwd", &netdev_4, true },
    { "guestfwd", &netdev_4, true },
    { "tftp-server-name", &qapi_str, true },
    { NULL }
};
static const QapiType netdev_3 = { .name = "netdev_3", .kind = QAPI_KIND_OBJECT, .members = netdev_3_members };
static const QapiMember netdev_6_members[] = {
    { "ifname", &qapi_str, true },
    { "fd", &qapi_str, true },
    { "fds", &qapi_str, true },
    { "script", &qapi_str, true },
    { "downscript", &qapi_str, true },
    { "br", &qapi_str, true },
    { "helper", &qapi_str, true },
    { "sndbuf", &qapi_int, true },
    { "vnet_hdr", &qapi_bool, true },
    { "vhost", &qapi_bool, true },
    { "vhostfd", &qapi_str, true },
    { "vhostfds", &qapi_str, true },
    { "vhostforce", &qapi_bool, true },
    { "queues", &qapi_int, true },
    { "poll-us", &qapi_int, true },
    { NULL }
};
static const QapiType netdev_6 = { .name = "netdev_6", .kind = QAPI_KIND_OBJECT, .members = netdev_6_members };
static const QapiMember netdev_7_members[] = {
    { "src", &qapi_str, false },
    { "dst", &qapi_str, false },
    { "srcport", &qapi_str, true },
    { "dstport", &qapi_str, true },
    { "ipv6", &qapi_bool, true },
    { "udp", &qapi_bool, true },
    { "cookie64", &qapi_bool, true },
    { "counter", &qapi_bool, true },
    { "pincounter", &qapi_bool, true },
    { "txcookie", &qapi_int, true },
    { "rxcookie", &qapi_int, true },
    { "txsession", &qapi_int, false },
    { "rxsession", &qapi_int, true },
    { "offset", &qapi_int, true },
    { NULL }
};
static const QapiType netdev_7 = { .name = "netdev_7", .kind = QAPI_KIND_OBJECT, .members = netdev_7_members };
static const QapiMember netdev_8_members[] = {
    { "fd", &qapi_str, true },
    { "listen", &qapi_str, true },
    { "connect", &qapi_str, true },
    { "mcast", &qapi_str, true },
    { "localaddr", &qapi_str, true },
    { "udp", &qapi_str, true },
    { NULL }
};
static const QapiType netdev_8 = { .name = "netdev_8", .kind = QAPI_KIND_OBJECT, .members = netdev_8_members };
static const QapiMember netdev_10_members[] = {
    { "type", &qapi_socket_address_type, false },
    { NULL }
};
static const QapiVariant netdev_10_variants[] = {
    { "inet", &qapi_inet_socket_address },
    { "unix", &qapi_unix_socket_address },
    { "vsock", &qapi_vsock_socket_address },
    { "fd", &qapi_string },
    { NULL }
};
static const QapiType netdev_10 = { .name = "netdev_10", .kind = QAPI_KIND_OBJECT, .members = netdev_10_members, .tag = "type", .variants = netdev_10_variants };
static const QapiMember netdev_9_members[] = {
    { "addr", &netdev_10, false },
    { "server", &qapi_bool, true },
    { NULL }
};
static const QapiType netdev_9 = { .name = "netdev_9", .kind = QAPI_KIND_OBJECT, .members = netdev_9_members };
static const QapiMember netdev_15_members[] = {
    { "local", &netdev_10, true },
    { "remote", &netdev_10, true },
    { NULL }
};
static const QapiType netdev_15 = { .name = "netdev_15", .kind = QAPI_KIND_OBJECT, .members = netdev_15_members };
static const QapiMember netdev_16_members[] = {
    { "sock", &qapi_str, true },
    { "port", &qapi_int, true },
    { "group", &qapi_str, true },
    { "mode", &qapi_int, true },
    { NULL }
};
static const QapiType netdev_16 = { .name = "netdev_16", .kind = QAPI_KIND_OBJECT, .members = netdev_16_members };
static const QapiMember netdev_17_members[] = {
    { "br", &qapi_str, true },
    { "helper", &qapi_str, true },
    { NULL }
};
static const QapiType netdev_17 = { .name = "netdev_17", .kind = QAPI_KIND_OBJECT, .members = netdev_17_members };
static const QapiMember netdev_18_members[] = {
    { "hubid", &qapi_int, false },
    { "netdev", &qapi_str, true },
    { NULL }
};
static const QapiType netdev_18 = { .name = "netdev_18", .kind = QAPI_KIND_OBJECT, .members = netdev_18_members };
static const QapiMember netdev_19_members[] = {
    { "ifname", &qapi_str, false },
    { "devname", &qapi_str, true },
    { NULL }
};
static const QapiType netdev_19 = { .name = "netdev_19", .kind = QAPI_KIND_OBJECT, .members = netdev_19_members };
static const QapiMember netdev_20_members[] = {
    { "chardev", &qapi_str, false },
    { "vhostforce", &qapi_bool, true },
    { "queues", &qapi_int, true },
    { NULL }
};
static const QapiType netdev_20 = { .name = "netdev_20", .kind = QAPI_KIND_OBJECT, .members = netdev_20_members };
static const QapiMember netdev_21_members[] = {
    { "vhostdev", &qapi_str, true },
    { "vhostfd", &qapi_str, true },
    { "queues", &qapi_int, true },
    { "x-svq", &qapi_bool, true, unstable },
    { NULL }
};
static const QapiType netdev_21 = { .name = "netdev_21", .kind = QAPI_KIND_OBJECT, .members = netdev_21_members };
static const QapiMember netdev_22_members[] = {
    { NULL }
};
static const QapiType netdev_22 = { .name = "netdev_22", .kind = QAPI_KIND_OBJECT, .members = netdev_22_members };
static const QapiMember netdev_0_members[] = {
    { "id", &qapi_str, false },
    { "type", &netdev_1, false },
    { NULL }
};
static const QapiVariant netdev_0_variants[] = {
    { "nic", &netdev_2 },
    { "user", &netdev_3 },
    { "tap", &netdev_6 },
    { "l2tpv3", &netdev_7 },
    { "socket", &netdev_8 },
    { "stream", &netdev_9 },
    { "dgram", &netdev_15 },
    { "vde", &netdev_16 },
    { "bridge", &netdev_17 },
    { "hubport", &netdev_18 },
    { "netmap", &netdev_19 },
    { "vhost-user", &netdev_20 },
    { "vhost-vdpa", &netdev_21 },
    { "none", &netdev_22 },
    { NULL }
};
const QapiType netdev_add_args = { .name = "netdev_add_args", .kind = QAPI_KIND_OBJECT, .members = netdev_0_members, .tag = "type", .variants = netdev_0_variants };
static const QapiMember netdev_23_members[] = {
    { "id", &qapi_str, false },
    { NULL }
};
const QapiType netdev_del_args = { .name = "netdev_del_args", .kind = QAPI_KIND_OBJECT, .members = netdev_23_members };
/* clang-format on */

bool qmp_cmd_netdev_add(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    (void)s;
    (void)ret;
    return net_netdev_add(args, errp);
}

bool qmp_cmd_netdev_del(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    (void)s;
    (void)ret;
    return net_netdev_del(qapi_arg_str(args, "id", ""), errp);
}

/* The Netdev variant for a type name, or NULL. */
static const QapiType *netdev_variant(const char *type)
{
    const QapiVariant *v;

    for (v = netdev_add_args.variants; type && v->value; v++) {
        if (!strcmp(v->value, type)) {
            return v->type;
        }
    }
    return NULL;
}

bool qmp_netdev_add_cmdline(json_t *dict, bool keyval, Error **errp)
{
    json_t *args = json_deep_copy(dict);
    const QapiType *variant =
        netdev_variant(json_string_value(json_object_get(args, "type")));
    const char *key;
    json_t *v;
    bool ok = false;

    if (keyval && variant) {
        /* QemuOpts strings, converted as QEMU's options visitor does. */
        json_object_foreach (args, key, v) {
            const QapiMember *m = variant->members;
            const char *str = json_string_value(v);

            if (!strcmp(key, "type") || !strcmp(key, "id")) {
                continue;
            }
            while (m->name && strcmp(m->name, key)) {
                m++;
            }
            if (!m->name) {
                error_setg(errp, "Invalid parameter '%s'", key);
                goto out;
            }
            if (str && m->type == &qapi_bool) {
                bool b;

                if (!keyval_visit_bool(key, str, &b, errp)) {
                    goto out;
                }
                json_object_set_new(args, key, json_boolean(b));
            } else if (str && m->type == &qapi_int) {
                char *end;
                long long n;

                errno = 0;
                n = strtoll(str, &end, 0);
                if (errno || end == str || *end) {
                    error_setg(errp, "Parameter '%s' expects an int64 value",
                               key);
                    goto out;
                }
                json_object_set_new(args, key, json_integer(n));
            }
        }
    }
    ok = qapi_check(&netdev_add_args, args, errp) && net_netdev_add(args, errp);
out:
    json_decref(args);
    return ok;
}
