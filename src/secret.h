/*
 * The secret object (QEMU's crypto/secret): a value given inline (data)
 * or in a file, raw or base64, optionally AES-256-CBC encrypted with
 * another secret (keyid, iv), as libvirt passes its master key and the
 * passwords encrypted with it.
 */
#ifndef QMACHINED_SECRET_H
#define QMACHINED_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TYPE_SECRET_COMMON "secret_common"
#define TYPE_SECRET "secret"

/*
 * The loaded value of the secret /objects/ID (malloc'd, NUL added after
 * len bytes); QEMU's errors when there is none.
 */
uint8_t *secret_lookup(const char *id, size_t *len, Error **errp);

/*
 * GLib's lenient base64 decoding after QEMU's checks (in_len (size_t)-1:
 * a C string).  NULL with QEMU's error.
 */
uint8_t *secret_base64_decode(const char *in, size_t in_len, size_t *out_len,
                              Error **errp);

void secret_register_types(void);

#endif
