/* See secret.h. */
#include "secret.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aes.h"
#include "object.h"
#include "user-creatable.h"
#include "util.h"

typedef enum SecretFormat {
    SECRET_FORMAT_RAW,
    SECRET_FORMAT_BASE64
} SecretFormat;

static const char *const secret_format_names[] = { "raw", "base64", NULL };

typedef struct Secret {
    Object parent_obj;
    SecretFormat format;
    char *keyid, *iv, *data, *file;
    uint8_t *rawdata; /* the loaded value; NULL until complete */
    size_t rawlen;
} Secret;

OBJECT_DECLARE_CASTS(Secret, ObjectClass, SECRET_COMMON, TYPE_SECRET_COMMON)

/* ---- base64 ---- */

static int b64_rank(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    if (c == '=') {
        return 0; /* counts as a digit; the bytes it stands for are dropped */
    }
    return -1;
}

uint8_t *secret_base64_decode(const char *in, size_t in_len, size_t *out_len,
                              Error **errp)
{
    static const char valid[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz0123456789+/=\n";
    uint8_t *out, *p;
    unsigned v = 0, n = 0;
    char last[2] = { 0, 0 };

    *out_len = 0;
    if (in_len != (size_t)-1) {
        if (in[in_len] != '\0') {
            error_setg(errp, "Base64 data is not NUL terminated");
            return NULL;
        }
        if (memchr(in, '\0', in_len)) {
            error_setg(errp, "Base64 data contains embedded NUL characters");
            return NULL;
        }
    } else {
        in_len = strlen(in);
    }
    if (strspn(in, valid) != in_len) {
        error_setg(errp, "Base64 data contains invalid characters");
        return NULL;
    }
    p = out = xzalloc(in_len / 4 * 3 + 3);
    for (size_t i = 0; i < in_len; i++) {
        int r = b64_rank((unsigned char)in[i]);

        if (r < 0) {
            continue; /* newlines */
        }
        v = (v << 6) | (unsigned)r;
        if (++n == 4) {
            *p++ = (uint8_t)(v >> 16);
            if (last[0] != '=') {
                *p++ = (uint8_t)(v >> 8);
            }
            if (in[i] != '=') {
                *p++ = (uint8_t)v;
            }
            n = 0;
            v = 0;
        }
        last[1] = last[0];
        last[0] = in[i];
    }
    *out_len = (size_t)(p - out);
    return out;
}

/* ---- loading ---- */

static bool read_file(const char *path, uint8_t **out, size_t *len,
                      Error **errp)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f) {
        /* GLib's g_file_get_contents message, which QEMU quotes. */
        error_setg(errp,
                   "Unable to read %s: Failed to open file \u201c%s\u201d: %s",
                   path, path, strerror(errno));
        return false;
    }
    for (;;) {
        size_t got;

        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 4096;
            buf = xrealloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        int e = errno;

        fclose(f);
        free(buf);
        error_setg(errp,
                   "Unable to read %s: Error reading file \u201c%s\u201d: %s",
                   path, path, strerror(e));
        return false;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return true;
}

static bool load_data(Secret *s, uint8_t **out, size_t *len, Error **errp)
{
    if (s->file) {
        if (s->data) {
            error_setg(errp, "'file' and 'data' are mutually exclusive");
            return false;
        }
        return read_file(s->file, out, len, errp);
    }
    if (s->data) {
        *len = strlen(s->data);
        *out = (uint8_t *)xstrdup(s->data);
        return true;
    }
    error_setg(errp, "Either 'file' or 'data' must be provided");
    return false;
}

static uint8_t *decrypt(Secret *s, const uint8_t *in, size_t in_len,
                        size_t *out_len, Error **errp)
{
    uint8_t *key, *iv = NULL, *ct = NULL, *pt = NULL;
    size_t keylen, ivlen, ctlen;
    unsigned pad;

    key = secret_lookup(s->keyid, &keylen, errp);
    if (!key) {
        return NULL;
    }
    if (keylen != AES256_KEY_SIZE) {
        error_setg(errp, "Key should be 32 bytes in length");
        goto out;
    }
    if (!s->iv) {
        error_setg(errp, "IV is required to decrypt secret");
        goto out;
    }
    iv = secret_base64_decode(s->iv, (size_t)-1, &ivlen, errp);
    if (!iv) {
        goto out;
    }
    if (ivlen != AES_BLOCK_SIZE) {
        error_setg(errp, "IV should be 16 bytes in length not %zu", ivlen);
        goto out;
    }
    if (s->format == SECRET_FORMAT_BASE64) {
        ct = secret_base64_decode((const char *)in, in_len, &ctlen, errp);
        if (!ct) {
            goto out;
        }
    } else {
        ct = xzalloc(in_len + 1);
        memcpy(ct, in, in_len);
        ctlen = in_len;
    }
    if (ctlen % AES_BLOCK_SIZE) {
        /* GnuTLS's check, as QEMU reports it. */
        error_setg(errp, "Length %zu must be a multiple of block size %d",
                   ctlen, AES_BLOCK_SIZE);
        goto out;
    }
    pt = xzalloc(ctlen + 1);
    aes256_cbc_decrypt(key, iv, ct, pt, ctlen);
    /*
     * Empty input: QEMU reads the byte before its buffer, which is 0 with
     * glibc's allocator, so it takes no padding off and loads "".
     */
    pad = ctlen ? pt[ctlen - 1] : 0;
    if (pad > AES_BLOCK_SIZE || pad > ctlen) {
        error_setg(errp,
                   "Incorrect number of padding bytes (%d) found on "
                   "decrypted data",
                   (int)pad);
        free(pt);
        pt = NULL;
        goto out;
    }
    ctlen -= pad;
    pt[ctlen] = '\0';
    *out_len = ctlen;
out:
    if (key) {
        memset(key, 0, keylen);
    }
    free(key);
    free(iv);
    free(ct);
    return pt;
}

static bool secret_complete(Object *obj, Error **errp)
{
    Secret *s = SECRET_COMMON(obj);
    uint8_t *in = NULL, *out;
    size_t in_len = 0, out_len = 0;

    if (!load_data(s, &in, &in_len, errp)) {
        return false;
    }
    if (s->keyid) {
        out = decrypt(s, in, in_len, &out_len, errp);
    } else if (s->format == SECRET_FORMAT_BASE64) {
        out = secret_base64_decode((const char *)in, in_len, &out_len, errp);
    } else {
        out = in;
        out_len = in_len;
        in = NULL;
    }
    free(in);
    if (!out) {
        return false;
    }
    s->rawdata = out;
    s->rawlen = out_len;
    return true;
}

uint8_t *secret_lookup(const char *id, size_t *len, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);
    Secret *s;
    uint8_t *copy;

    if (!obj) {
        error_setg(errp, "No secret with id '%s'", id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_SECRET_COMMON)) {
        error_setg(errp, "Object with id '%s' is not a secret", id);
        return NULL;
    }
    s = SECRET_COMMON(obj);
    if (!s->rawdata) {
        error_setg(errp, "Secret with id '%s' has no data", id);
        return NULL;
    }
    copy = xzalloc(s->rawlen + 1);
    memcpy(copy, s->rawdata, s->rawlen);
    *len = s->rawlen;
    return copy;
}

/* ---- properties ---- */

static bool get_loaded(Object *obj, Error **errp)
{
    (void)errp;
    return SECRET_COMMON(obj)->rawdata != NULL;
}

static json_t *get_format(Object *obj, ObjectProperty *prop, Error **errp)
{
    (void)prop;
    (void)errp;
    return json_string(secret_format_names[SECRET_COMMON(obj)->format]);
}

static bool set_format(Object *obj, ObjectProperty *prop, json_t *v,
                       Error **errp)
{
    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    for (int i = 0; secret_format_names[i]; i++) {
        if (!strcmp(secret_format_names[i], json_string_value(v))) {
            SECRET_COMMON(obj)->format = (SecretFormat)i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", prop->name,
               json_string_value(v));
    return false;
}

#define STR_PROP(field)                                               \
    static char *get_##field(Object *obj, Error **errp)               \
    {                                                                 \
        const char *v = SECRET_COMMON(obj)->field;                    \
        (void)errp;                                                   \
        return xstrdup(v ? v : "");                                   \
    }                                                                 \
    static bool set_##field(Object *obj, const char *v, Error **errp) \
    {                                                                 \
        Secret *s = SECRET_COMMON(obj);                               \
        (void)errp;                                                   \
        free(s->field);                                               \
        s->field = xstrdup(v);                                        \
        return true;                                                  \
    }
STR_PROP(keyid)
STR_PROP(iv)
STR_PROP(data)
STR_PROP(file)
#undef STR_PROP

static void secret_finalize(Object *obj)
{
    Secret *s = SECRET_COMMON(obj);

    free(s->keyid);
    free(s->iv);
    free(s->data);
    free(s->file);
    if (s->rawdata) {
        memset(s->rawdata, 0, s->rawlen);
    }
    free(s->rawdata);
}

/* QEMU's registration order (the property table order depends on it). */
static void secret_common_class_init(ObjectClass *k, void *data)
{
    UserCreatableClass *uc =
        OBJECT_CLASS_CHECK(UserCreatableClass, k, TYPE_USER_CREATABLE);

    (void)data;
    uc->complete = secret_complete;
    object_class_property_add_bool(k, "loaded", get_loaded, NULL);
    object_class_property_add(k, "format", "QCryptoSecretFormat", get_format,
                              set_format, NULL, NULL);
    object_class_property_add_str(k, "keyid", get_keyid, set_keyid);
    object_class_property_add_str(k, "iv", get_iv, set_iv);
}

static void secret_class_init(ObjectClass *k, void *data)
{
    (void)data;
    object_class_property_add_str(k, "data", get_data, set_data);
    object_class_property_add_str(k, "file", get_file, set_file);
}

static const InterfaceInfo secret_interfaces[] = {
    { TYPE_USER_CREATABLE },
    { NULL },
};

static const TypeInfo secret_types[] = {
    {
        .name = TYPE_SECRET_COMMON,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Secret),
        .instance_finalize = secret_finalize,
        .class_size = sizeof(ObjectClass),
        .class_init = secret_common_class_init,
        .abstract = true,
        .interfaces = secret_interfaces,
    },
    {
        .name = TYPE_SECRET,
        .parent = TYPE_SECRET_COMMON,
        .class_init = secret_class_init,
    },
};

void secret_register_types(void)
{
    type_register_static_array(secret_types, ARRAY_SIZE(secret_types));
}
