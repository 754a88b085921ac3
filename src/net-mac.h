/*
 * Ethernet MAC addresses of the NICs (virtio-net-pci, e1000): QEMU's
 * default addresses 52:54:00:12:34:XX and the "mac" property type.
 */
#ifndef QMACHINED_NET_MAC_H
#define QMACHINED_NET_MAC_H

#include <stdint.h>

#include "qdev.h"

/*
 * Default MACs 52:54:00:12:34:XX (XX from 0x56 up, first free), as
 * QEMU's qemu_macaddr_default_if_unset: fills mac when it is all zero,
 * else marks it used.  Release frees it again.
 */
void net_macaddr_default_if_unset(uint8_t mac[6]);
void net_macaddr_release(const uint8_t mac[6]);

/* "macaddr" property type (6 bytes "52:54:00:12:34:56"). */
extern const PropertyInfo net_prop_macaddr;

#endif
