/* -m: RAM size, slots, maxmem; see memory-size.h. */
#include "memory-size.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "options-report.h"
#include "util.h"

/* QEMU rounds the RAM size up to its target page size. */
#define RAM_ALIGN 8192ULL

const KeyvalOptDesc memory_size_opts[] = {
    { "size", KEYVAL_OPT_SIZE },
    { "slots", KEYVAL_OPT_NUMBER },
    { "maxmem", KEYVAL_OPT_SIZE },
    { NULL, KEYVAL_OPT_STRING },
};

/* Parses size= into *sz (0 when absent); false with errp set. */
static bool parse_ram_size(const char *size, uint64_t *sz, Error **errp)
{
    size_t len;
    bool hex = false;

    *sz = 0;
    if (!size) {
        return true;
    }
    len = strlen(size);
    if (len && isdigit((unsigned char)size[len - 1])) {
        /* Legacy: a number without suffix means MiB. */
        char *str = xasprintf("%sM", size);
        int ret = keyval_strtosz(str, sz, &hex);

        if (ret == 0 && hex) {
            options_warn("Using a multiplier suffix on hex numbers is "
                         "deprecated: %s",
                         str);
        }
        free(str);
        if (ret) {
            error_setg(errp, "Parameter 'memory.size' expects size");
            return false;
        }
        return true;
    }
    if (!keyval_visit_size("memory.size", size, sz, errp)) {
        return false;
    }
    if (keyval_strtosz(size, sz, &hex) == 0 && hex) {
        options_warn("Using a multiplier suffix on hex numbers is "
                     "deprecated: %s",
                     size);
    }
    return true;
}

bool memory_size_parse(MachineOptions *o, json_t *mem, Error **errp)
{
    const char *size = json_string_value(json_object_get(mem, "size"));
    const char *slots = json_string_value(json_object_get(mem, "slots"));
    const char *maxmem = json_string_value(json_object_get(mem, "maxmem"));
    uint64_t sz, n = 0, max = 0;

    if (!parse_ram_size(size, &sz, errp)) {
        return false;
    }
    o->ram_size_set = size != NULL;
    if (sz == 0) {
        sz = MEMORY_SIZE_DEFAULT;
    }
    if (sz > UINT64_MAX - (RAM_ALIGN - 1)) {
        error_setg(errp, "Parameter 'memory.size' expects size");
        return false;
    }
    sz = (sz + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1);
    o->ram_size = sz;
    o->maxmem = sz;
    /* Both were checked when -m was parsed. */
    if (slots) {
        keyval_strtou64(slots, 0, &n);
    }
    if (maxmem) {
        keyval_strtosz(maxmem, &max, NULL);
    }
    if (maxmem) {
        if (max < sz) {
            error_setg(
                errp,
                "invalid value of maxmem: maximum memory size (0x%" PRIx64
                ") must be at least the initial memory size (0x%" PRIx64 ")",
                max, sz);
            return false;
        }
        if (slots && n && max == sz) {
            error_setg(errp,
                       "invalid value of maxmem: memory slots were specified "
                       "but maximum memory size (0x%" PRIx64
                       ") is equal to the initial memory size (0x%" PRIx64 ")",
                       max, sz);
            return false;
        }
        o->maxmem = max;
    } else if (slots) {
        error_setg(errp, "slots specified but no max-size");
        return false;
    }
    /* The slot count and maxmem alignment are the board's checks (pc.c). */
    o->slots = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
    return true;
}
