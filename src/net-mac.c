/* Default MAC addresses and the "mac" property; see net-mac.h. */
#include "net-mac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "util.h"

static const uint8_t mac_prefix[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };
#define MAC_FIRST_DEFAULT 0x56
static unsigned mac_table[256];

static bool mac_is_default_range(const uint8_t mac[6])
{
    return memcmp(mac, mac_prefix, sizeof(mac_prefix)) == 0;
}

void net_macaddr_default_if_unset(uint8_t mac[6])
{
    static const uint8_t zero[6];
    int i;

    if (memcmp(mac, zero, 6) != 0) {
        if (mac_is_default_range(mac)) {
            mac_table[mac[5]]++;
        }
        return;
    }
    for (i = MAC_FIRST_DEFAULT; i < 0xff; i++) {
        if (mac_table[i] == 0) {
            break;
        }
    }
    if (i >= 0xff) {
        i = 0xff;
    }
    memcpy(mac, mac_prefix, sizeof(mac_prefix));
    mac[5] = (uint8_t)i;
    mac_table[i]++;
}

void net_macaddr_release(const uint8_t mac[6])
{
    if (mac_is_default_range(mac) && mac_table[mac[5]]) {
        mac_table[mac[5]]--;
    }
}

static json_t *mac_get(Object *obj, const Property *prop, Error **errp)
{
    const uint8_t *m = (const uint8_t *)obj + prop->offset;
    char buf[18];

    (void)errp;
    snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
             m[2], m[3], m[4], m[5]);
    return json_text(buf);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool mac_set(Object *obj, const Property *prop, json_t *value,
                    Error **errp)
{
    uint8_t *m = (uint8_t *)obj + prop->offset;
    uint8_t tmp[6];
    const char *s;
    char *owner;
    int i;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    s = json_string_value(value);
    for (i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo;

        if (hi < 0) {
            goto inval;
        }
        lo = hexval(s[1]);
        if (lo < 0) {
            /* A single hex digit per byte is accepted. */
            tmp[i] = (uint8_t)hi;
            s += 1;
        } else {
            tmp[i] = (uint8_t)(hi * 16 + lo);
            s += 2;
        }
        if (i < 5) {
            if (*s != ':' && *s != '-') {
                goto inval;
            }
            s++;
        }
    }
    if (*s) {
        goto inval;
    }
    memcpy(m, tmp, 6);
    return true;
inval:
    owner = net_prop_owner(obj);
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'", owner,
               prop->name, json_string_value(value));
    free(owner);
    return false;
}

const PropertyInfo net_prop_macaddr = {
    .name = "str",
    .description = "Ethernet 6-byte MAC Address, example: "
                   "52:54:00:12:34:56",
    .get = mac_get,
    .set = mac_set,
};
