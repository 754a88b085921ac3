/*
 * Network clients as QEMU 7.2 keeps them: netdevs (backends, created by
 * netdev_add / -netdev, named by their id) and the NICs that front-end
 * devices (virtio-net-pci, e1000) register at realize, one list in
 * creation order as `info network` shows it.  A NIC's "netdev" property
 * names its peer.  Of the backends only "user" is modelled: its options
 * are checked as QEMU's slirp setup checks them, and its host forwarding
 * rules really listen on the host ports they name.
 */
#ifndef QMACHINED_NET_H
#define QMACHINED_NET_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"
#include "qdev.h"

typedef struct NetClient NetClient;

/* netdev_add: args is a checked Netdev (id, type, the type's options). */
bool net_netdev_add(json_t *args, Error **errp);
/*
 * netdev_del.  A netdev a NIC still uses leaves the id namespace at once
 * but stays the NIC's peer until the NIC goes.
 */
bool net_netdev_del(const char *id, Error **errp);

/*
 * A NIC for dev (model: its type name), named by the device's id or else
 * "MODEL.N"; mac is the device's address, read whenever it is shown;
 * peer (may be NULL) is the netdev its "netdev" property named.
 */
NetClient *net_nic_new(DeviceState *dev, const uint8_t *mac, NetClient *peer);
/* Unregisters the NIC; a deleted netdev it held goes with it. */
void net_nic_free(NetClient *nic);

/* At startup: QEMU's warning for each netdev no NIC uses. */
void net_check_clients(void);

/* `info network`'s text (new string). */
char *net_info_network(void);

/* The "netdev" qdev property: a NetClient * field. */
extern const PropertyInfo net_prop_netdev;
#define DEFINE_PROP_NETDEV(name, type, field) \
    DEFINE_PROP(name, type, field, net_prop_netdev, NetClient *)

/*
 * The type name QEMU's property errors give for obj (a virtio-pci
 * proxy's NIC properties are aliases of its backend's, so errors name
 * "virtio-net-device").  New string.
 */
char *net_prop_owner(Object *obj);

#endif
