#include "net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keyval.h"
#include "options-report.h"
#include "util.h"

/* Where QEMU looks for the SMB server the "smb" option starts. */
#define SMBD_COMMAND "/usr/sbin/smbd"

typedef enum NetClientType {
    NET_CLIENT_NIC,
    NET_CLIENT_USER,
} NetClientType;

static const char *const net_client_type_names[] = {
    [NET_CLIENT_NIC] = "nic",
    [NET_CLIENT_USER] = "user",
};

/* A user netdev's guest forwarding rule (guest address and port). */
typedef struct GuestFwd {
    struct in_addr addr;
    int port;
} GuestFwd;

struct NetClient {
    NetClient *next; /* creation order */
    NetClientType type;
    char *name;
    char *model;
    NetClient *peer;
    /* netdev_del'd while a NIC held it: out of the id namespace. */
    bool deleted;
    /* NIC: the device's MAC, shown as it is at the time. */
    const uint8_t *mac;
    /* user: "net=...,restrict=..." and the forwarding sockets. */
    char *info;
    int *fds;
    size_t nr_fds;
};

static NetClient *clients;

static void net_client_append(NetClient *nc)
{
    NetClient **p = &clients;

    while (*p) {
        p = &(*p)->next;
    }
    *p = nc;
}

static void net_client_free(NetClient *nc)
{
    NetClient **p;
    size_t i;

    for (p = &clients; *p; p = &(*p)->next) {
        if (*p == nc) {
            *p = nc->next;
            break;
        }
    }
    for (i = 0; i < nc->nr_fds; i++) {
        close(nc->fds[i]);
    }
    free(nc->fds);
    free(nc->info);
    free(nc->model);
    free(nc->name);
    free(nc);
}

/* A live netdev by id (NICs and deleted netdevs are not found). */
static NetClient *find_netdev(const char *id)
{
    NetClient *nc;

    for (nc = clients; nc; nc = nc->next) {
        if (nc->type != NET_CLIENT_NIC && !nc->deleted &&
            !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

/* ---- user (slirp) ------------------------------------------------------ */

/*
 * Copies *pp up to sep into buf (cut to size - 1) and steps past sep;
 * -1 when there is no sep.  QEMU's option splitting.
 */
static int take_until(char *buf, size_t size, const char **pp, char sep)
{
    const char *p = *pp, *end = strchr(p, sep);
    size_t len;

    if (!end) {
        return -1;
    }
    len = (size_t)(end - p);
    if (len > size - 1) {
        len = size - 1;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    *pp = end + 1;
    return 0;
}

typedef struct SlirpConfig {
    struct in_addr net, mask, host, dhcp, dns;
    GuestFwd *guestfwd;
    size_t nr_guestfwd;
} SlirpConfig;

/* The mask QEMU infers for a network given without one. */
static uint32_t classful_mask(uint32_t addr)
{
    if (!(addr & 0x80000000)) {
        return 0xff000000;
    }
    if ((addr & 0xfff00000) == 0xac100000) {
        return 0xfff00000;
    }
    if ((addr & 0xc0000000) == 0x80000000) {
        return 0xffff0000;
    }
    if ((addr & 0xffff0000) == 0xc0a80000) {
        return 0xffff0000;
    }
    if ((addr & 0xffff0000) == 0xc6120000) {
        return 0xfffe0000;
    }
    if ((addr & 0xe0000000) == 0xe0000000) {
        return 0xffffff00;
    }
    return 0xfffffff0;
}

static bool parse_network(SlirpConfig *c, const char *vnet, Error **errp)
{
    char buf[20];
    const char *p = vnet;

    if (take_until(buf, sizeof(buf), &p, '/') < 0) {
        if (!inet_aton(vnet, &c->net)) {
            error_setg(errp, "Failed to parse netmask");
            return false;
        }
        c->mask.s_addr = htonl(classful_mask(ntohl(c->net.s_addr)));
    } else {
        char *end;
        long shift;

        if (!inet_aton(buf, &c->net)) {
            error_setg(errp, "Failed to parse netmask");
            return false;
        }
        shift = strtol(p, &end, 10);
        if (*end != '\0') {
            if (!inet_aton(p, &c->mask)) {
                error_setg(errp, "Failed to parse netmask (trailing chars)");
                return false;
            }
        } else if (shift < 4 || shift > 32) {
            error_setg(errp,
                       "Invalid netmask provided (must be in range 4-32)");
            return false;
        } else {
            c->mask.s_addr = htonl((uint32_t)(0xffffffffull << (32 - shift)));
        }
    }
    c->net.s_addr &= c->mask.s_addr;
    c->host.s_addr = c->net.s_addr | (htonl(0x0202) & ~c->mask.s_addr);
    c->dhcp.s_addr = c->net.s_addr | (htonl(0x020f) & ~c->mask.s_addr);
    c->dns.s_addr = c->net.s_addr | (htonl(0x0203) & ~c->mask.s_addr);
    return true;
}

static bool in6_same_net(const struct in6_addr *a, const struct in6_addr *b,
                         int bits)
{
    int i;

    for (i = 0; i < bits / 8; i++) {
        if (a->s6_addr[i] != b->s6_addr[i]) {
            return false;
        }
    }
    if (bits % 8) {
        uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

        return (a->s6_addr[i] & m) == (b->s6_addr[i] & m);
    }
    return true;
}

static bool in_guest_net(const SlirpConfig *c, struct in_addr a)
{
    return (a.s_addr & c->mask.s_addr) == c->net.s_addr &&
           a.s_addr != c->host.s_addr && a.s_addr != c->dns.s_addr;
}

/*
 * A hostfwd rule: checked as QEMU does, then its socket really bound and
 * listening (nothing is accepted: there is no guest to forward to).
 */
static bool add_hostfwd(NetClient *nc, const char *rule, Error **errp)
{
    struct in_addr host_addr = { .s_addr = INADDR_ANY }, guest = { 0 };
    const char *p = rule, *why;
    char buf[256], *end;
    long host_port, guest_port;
    struct sockaddr_in sa;
    bool udp;
    int fd, one = 1;

    if (take_until(buf, sizeof(buf), &p, ':') < 0) {
        why = "No : separators";
        goto syntax;
    }
    if (!strcmp(buf, "tcp") || !buf[0]) {
        udp = false;
    } else if (!strcmp(buf, "udp")) {
        udp = true;
    } else {
        why = "Bad protocol name";
        goto syntax;
    }
    if (take_until(buf, sizeof(buf), &p, ':') < 0) {
        why = "Missing : separator";
        goto syntax;
    }
    if (buf[0] && !inet_aton(buf, &host_addr)) {
        why = "Bad host address";
        goto syntax;
    }
    if (take_until(buf, sizeof(buf), &p, '-') < 0) {
        why = "Bad host port separator";
        goto syntax;
    }
    host_port = strtol(buf, &end, 0);
    if (*end || host_port < 0 || host_port > 65535) {
        why = "Bad host port";
        goto syntax;
    }
    if (take_until(buf, sizeof(buf), &p, ':') < 0) {
        why = "Missing guest address";
        goto syntax;
    }
    if (buf[0] && !inet_aton(buf, &guest)) {
        why = "Bad guest address";
        goto syntax;
    }
    guest_port = strtol(p, &end, 0);
    if (*end || guest_port < 1 || guest_port > 65535) {
        why = "Bad guest port";
        goto syntax;
    }

    fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr = host_addr;
        sa.sin_port = htons((uint16_t)host_port);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            (!udp && listen(fd, 1) < 0)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s'", rule);
        return false;
    }
    nc->fds = xrealloc(nc->fds, (nc->nr_fds + 1) * sizeof(*nc->fds));
    nc->fds[nc->nr_fds++] = fd;
    return true;

syntax:
    error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
    return false;
}

/*
 * A guestfwd rule.  To a command ("cmd:..."), which QEMU starts only
 * when the guest connects, it is recorded; to a character device it is
 * refused: qmachined does not create that chardev.
 */
static bool add_guestfwd(SlirpConfig *c, const char *rule, Error **errp)
{
    struct in_addr server = { 0 };
    const char *p = rule;
    char buf[128], *end;
    long port;

    if (take_until(buf, sizeof(buf), &p, ':') < 0 ||
        (strcmp(buf, "tcp") && buf[0]) ||
        take_until(buf, sizeof(buf), &p, ':') < 0 ||
        (buf[0] && !inet_aton(buf, &server)) ||
        take_until(buf, sizeof(buf), &p, '-') < 0) {
        goto syntax;
    }
    port = strtol(buf, &end, 10);
    if (*end || port < 1 || port > 65535) {
        goto syntax;
    }
    if (strncmp(p, "cmd:", 4)) {
        error_setg(errp,
                   "guest forwarding rule '%s': forwarding to a character "
                   "device is not modelled by qmachined (only cmd: is)",
                   rule);
        return false;
    }
    if (!server.s_addr) {
        server.s_addr = c->net.s_addr | (htonl(0x0204) & ~c->mask.s_addr);
    }
    if (!in_guest_net(c, server)) {
        error_setg(errp,
                   "Conflicting/invalid host:port in guest forwarding rule "
                   "'%s'",
                   rule);
        return false;
    }
    c->guestfwd =
        xrealloc(c->guestfwd, (c->nr_guestfwd + 1) * sizeof(*c->guestfwd));
    c->guestfwd[c->nr_guestfwd++] = (GuestFwd){ server, (int)port };
    return true;

syntax:
    error_setg(errp, "Invalid guest forwarding rule '%s'", rule);
    return false;
}

static const char *opt_str(json_t *args, const char *name)
{
    return json_string_value(json_object_get(args, name));
}

/* Runs each rule of a String list, last first (QEMU's order). */
static bool add_rules(NetClient *nc, SlirpConfig *c, json_t *list, bool host,
                      Error **errp)
{
    size_t i = json_array_size(list);

    while (i--) {
        const char *s = opt_str(json_array_get(list, i), "str");
        char rule[1024];

        /* QEMU keeps at most 1023 bytes of a rule. */
        snprintf(rule, sizeof(rule), "%s", s ? s : "");
        if (host ? !add_hostfwd(nc, rule, errp)
                 : !add_guestfwd(c, rule, errp)) {
            return false;
        }
    }
    return true;
}

static bool check_len(json_t *args, const char *name, const char *what,
                      Error **errp)
{
    const char *s = opt_str(args, name);

    if (s && strlen(s) > 255) {
        error_setg(errp, "'%s' parameter cannot exceed 255 bytes", what);
        return false;
    }
    return true;
}

static bool user_init(NetClient *nc, json_t *args, Error **errp)
{
    SlirpConfig c = {
        .net = { htonl(0x0a000200) },
        .mask = { htonl(0xffffff00) },
        .host = { htonl(0x0a000202) },
        .dhcp = { htonl(0x0a00020f) },
        .dns = { htonl(0x0a000203) },
    };
    json_t *jv4 = json_object_get(args, "ipv4");
    json_t *jv6 = json_object_get(args, "ipv6");
    bool ipv4 = true, ipv6 = true, ok = false;
    const char *vhost = opt_str(args, "host"), *vdns = opt_str(args, "dns");
    const char *vdhcp = opt_str(args, "dhcpstart");
    const char *vsmb = opt_str(args, "smbserver");
    const char *prefix6 = opt_str(args, "ipv6-prefix");
    const char *host6 = opt_str(args, "ipv6-host");
    const char *dns6 = opt_str(args, "ipv6-dns");
    const char *domain = opt_str(args, "domainname");
    char *vnet = NULL;
    struct in6_addr a6, p6;
    struct in_addr smbsrv;
    int prefix_len;

    if ((json_is_true(jv6) && !jv4) || json_is_false(jv4)) {
        ipv4 = false;
    }
    if ((json_is_true(jv4) && !jv6) || json_is_false(jv6)) {
        ipv6 = false;
    }
    if (opt_str(args, "net")) {
        vnet = xstrdup(opt_str(args, "net"));
    } else if (opt_str(args, "ip")) {
        vnet = xasprintf("%s/24", opt_str(args, "ip"));
    }

    if (!ipv4 && (vnet || vhost || vdns)) {
        error_setg(errp, "IPv4 disabled but netmask/host/dns provided");
        goto out;
    }
    if (!ipv6 && (prefix6 || host6 || dns6)) {
        error_setg(errp, "IPv6 disabled but prefix/host6/dns6 provided");
        goto out;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "IPv4 and IPv6 disabled");
        goto out;
    }
    if (vnet && !parse_network(&c, vnet, errp)) {
        goto out;
    }
    if (vhost && !inet_aton(vhost, &c.host)) {
        error_setg(errp, "Failed to parse host");
        goto out;
    }
    if ((c.host.s_addr & c.mask.s_addr) != c.net.s_addr) {
        error_setg(errp, "Host doesn't belong to network");
        goto out;
    }
    if (vdns && !inet_aton(vdns, &c.dns)) {
        error_setg(errp, "Failed to parse DNS");
        goto out;
    }
    if (c.dns.s_addr == c.host.s_addr) {
        error_setg(errp, "DNS must be different from host");
        goto out;
    }
    if (vdhcp && !inet_aton(vdhcp, &c.dhcp)) {
        error_setg(errp, "Failed to parse DHCP start address");
        goto out;
    }
    if ((c.dhcp.s_addr & c.mask.s_addr) != c.net.s_addr) {
        error_setg(errp, "DHCP doesn't belong to network");
        goto out;
    }
    if (c.dhcp.s_addr == c.host.s_addr || c.dhcp.s_addr == c.dns.s_addr) {
        error_setg(errp, "DHCP must be different from host and DNS");
        goto out;
    }
    if (vsmb && !inet_aton(vsmb, &smbsrv)) {
        error_setg(errp, "Failed to parse SMB address");
        goto out;
    }
    if (!inet_pton(AF_INET6, prefix6 ? prefix6 : "fec0::", &p6)) {
        error_setg(errp, "Failed to parse IPv6 prefix");
        goto out;
    }
    /* QEMU passes the int64 on as an int. */
    prefix_len =
        (int)json_integer_value(json_object_get(args, "ipv6-prefixlen"));
    if (!prefix_len) {
        prefix_len = 64;
    }
    if (prefix_len < 0 || prefix_len > 126) {
        error_setg(errp, "Invalid IPv6 prefix provided (IPv6 prefix length "
                         "must be between 0 and 126)");
        goto out;
    }
    if (host6) {
        if (!inet_pton(AF_INET6, host6, &a6)) {
            error_setg(errp, "Failed to parse IPv6 host");
            goto out;
        }
        if (!in6_same_net(&p6, &a6, prefix_len)) {
            error_setg(errp, "IPv6 Host doesn't belong to network");
            goto out;
        }
    }
    if (dns6) {
        if (!inet_pton(AF_INET6, dns6, &a6)) {
            error_setg(errp, "Failed to parse IPv6 DNS");
            goto out;
        }
    }
    if (domain && !*domain) {
        error_setg(errp, "'domainname' parameter cannot be empty");
        goto out;
    }
    if (!check_len(args, "domainname", "domainname", errp) ||
        !check_len(args, "hostname", "vhostname", errp) ||
        !check_len(args, "tftp-server-name", "tftp-server-name", errp)) {
        goto out;
    }

    nc->info = xasprintf(
        "net=%s,restrict=%s", inet_ntoa(c.net),
        json_is_true(json_object_get(args, "restrict")) ? "on" : "off");
    /* QEMU prepends each list to one stack: guestfwd rules run first. */
    if (!add_rules(nc, &c, json_object_get(args, "guestfwd"), false, errp) ||
        !add_rules(nc, &c, json_object_get(args, "hostfwd"), true, errp)) {
        goto out;
    }
    if (opt_str(args, "smb")) {
        if (access(SMBD_COMMAND, F_OK)) {
            error_setg(errp, "Could not find '%s', please install it",
                       SMBD_COMMAND);
        } else {
            error_setg(errp, "the SMB server of a user netdev is not "
                             "modelled by qmachined");
        }
        goto out;
    }
    ok = true;
out:
    free(c.guestfwd);
    free(vnet);
    return ok;
}

/* ---- netdev_add / netdev_del -------------------------------------------- */

bool net_netdev_add(json_t *args, Error **errp)
{
    const char *id = opt_str(args, "id");
    const char *type = opt_str(args, "type");
    NetClient *nc;

    if (!id || !keyval_id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return false;
    }
    if (!type || !strcmp(type, "nic")) {
        error_setg(errp,
                   "network backend '%s' is not compiled into this binary",
                   type ? type : "");
        return false;
    }
    if (find_netdev(id)) {
        error_setg(errp, "Duplicate ID '%s'", id);
        return false;
    }
    if (strcmp(type, "user")) {
        error_setg(errp,
                   "netdev type '%s' is not modelled by qmachined (only "
                   "'user' is)",
                   type);
        return false;
    }
    nc = xzalloc(sizeof(*nc));
    nc->type = NET_CLIENT_USER;
    nc->name = xstrdup(id);
    nc->model = xstrdup("user");
    if (!user_init(nc, args, errp)) {
        net_client_free(nc);
        return false;
    }
    net_client_append(nc);
    return true;
}

bool net_netdev_del(const char *id, Error **errp)
{
    NetClient *nc = find_netdev(id);

    if (!nc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return false;
    }
    if (nc->peer) {
        /* The NIC keeps it as its peer until the NIC goes. */
        nc->deleted = true;
        return true;
    }
    net_client_free(nc);
    return true;
}

/* ---- NICs --------------------------------------------------------------- */

NetClient *net_nic_new(DeviceState *dev, const uint8_t *mac, NetClient *peer)
{
    NetClient *nc = xzalloc(sizeof(*nc)), *other;
    const char *model = object_get_typename(OBJECT(dev));

    nc->type = NET_CLIENT_NIC;
    nc->model = xstrdup(model);
    nc->mac = mac;
    if (dev->id) {
        nc->name = xstrdup(dev->id);
    } else {
        int n = 0;

        for (other = clients; other; other = other->next) {
            n += !strcmp(other->model, model);
        }
        nc->name = xasprintf("%s.%d", model, n);
    }
    if (peer) {
        nc->peer = peer;
        peer->peer = nc;
    }
    net_client_append(nc);
    return nc;
}

void net_nic_free(NetClient *nic)
{
    NetClient *peer;

    if (!nic) {
        return;
    }
    peer = nic->peer;
    if (peer) {
        peer->peer = NULL;
        if (peer->deleted) {
            net_client_free(peer);
        }
    }
    net_client_free(nic);
}

static void print_client(FILE *out, const NetClient *nc)
{
    if (nc->type == NET_CLIENT_NIC) {
        const uint8_t *m = nc->mac;

        fprintf(out,
                "%s: index=0,type=nic,model=%s,macaddr=%02x:%02x:%02x:%02x:"
                "%02x:%02x\n",
                nc->name, nc->model, m[0], m[1], m[2], m[3], m[4], m[5]);
    } else {
        fprintf(out, "%s: index=0,type=%s,%s\n", nc->name,
                net_client_type_names[nc->type], nc->info);
    }
}

void net_check_clients(void)
{
    NetClient *nc;

    for (nc = clients; nc; nc = nc->next) {
        if (nc->type != NET_CLIENT_NIC && !nc->peer) {
            options_warn("netdev %s has no peer", nc->name);
        }
    }
}

char *net_info_network(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    NetClient *nc;

    if (!out) {
        return xstrdup("");
    }
    for (nc = clients; nc; nc = nc->next) {
        if (nc->type == NET_CLIENT_NIC || !nc->peer) {
            print_client(out, nc);
        }
        if (nc->type == NET_CLIENT_NIC && nc->peer) {
            fputs(" \\ ", out);
            print_client(out, nc->peer);
        }
    }
    fclose(out);
    return text;
}

/* ---- the "netdev" property ---------------------------------------------- */

char *net_prop_owner(Object *obj)
{
    return xstrdup(object_get_typename(obj));
}

static json_t *netdev_get(Object *obj, const Property *prop, Error **errp)
{
    NetClient *nc = *(NetClient **)((char *)obj + prop->offset);

    (void)errp;
    return json_text(nc ? nc->name : "");
}

static bool netdev_set(Object *obj, const Property *prop, json_t *value,
                       Error **errp)
{
    NetClient **ptr = (NetClient **)((char *)obj + prop->offset);
    const char *id;
    NetClient *nc;
    char *owner;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    id = json_string_value(value);
    nc = find_netdev(id);
    owner = net_prop_owner(obj);
    if (!nc) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'", owner,
                   prop->name, id);
    } else if (nc->peer) {
        error_setg(errp, "Property '%s.%s' can't take value '%s', it's in use",
                   owner, prop->name, id);
    }
    free(owner);
    if (!nc || nc->peer) {
        return false;
    }
    *ptr = nc;
    return true;
}

const PropertyInfo net_prop_netdev = {
    .name = "str",
    .description = "ID of a netdev to use as a backend",
    .get = netdev_get,
    .set = netdev_set,
};
