#include "util.h"

#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (!p) {
        fputs("qmachined: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xmalloc(size_t size)
{
    return check(malloc(size ? size : 1));
}

void *xzalloc(size_t size)
{
    return check(calloc(1, size ? size : 1));
}

void *xrealloc(void *ptr, size_t size)
{
    return check(realloc(ptr, size ? size : 1));
}

char *xstrdup(const char *s)
{
    return check(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}

char *xvasprintf(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0) {
        check(NULL);
    }
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

json_t *json_text(const char *s)
{
    return s ? json_stringn_nocheck(s, strlen(s)) : NULL;
}

uint64_t pow2ceil64(uint64_t v)
{
    uint64_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

bool str_in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!strcmp(s, list[i])) {
            return true;
        }
    }
    return false;
}

/* ---- Static text ---- */

/* The program's read-only PT_LOAD segments (text, rodata), found once. */
#define MAX_RO_SEGMENTS 8
static struct {
    uintptr_t start, end;
} ro_segments[MAX_RO_SEGMENTS];
static int n_ro_segments = -1;

static int find_ro_segments(struct dl_phdr_info *info, size_t size, void *data)
{
    int i;

    (void)size;
    (void)data;
    /* The first object reported is the program itself. */
    for (i = 0; i < info->dlpi_phnum && n_ro_segments < MAX_RO_SEGMENTS; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

        if (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W)) {
            ro_segments[n_ro_segments].start = info->dlpi_addr + ph->p_vaddr;
            ro_segments[n_ro_segments].end =
                info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
            n_ro_segments++;
        }
    }
    return 1; /* stop after the program */
}

bool str_is_static(const char *s)
{
    uintptr_t p = (uintptr_t)s;
    int i;

    if (n_ro_segments < 0) {
        n_ro_segments = 0;
        dl_iterate_phdr(find_ro_segments, NULL);
    }
    for (i = 0; i < n_ro_segments; i++) {
        if (p >= ro_segments[i].start && p < ro_segments[i].end) {
            return true;
        }
    }
    return false;
}

const char *str_keep(const char *s)
{
    return str_is_static(s) ? s : xstrdup(s);
}

void str_release(const char *s)
{
    if (s && !str_is_static(s)) {
        free((char *)s);
    }
}

/* ---- Permanent memory ---- */

#define PERM_BLOCK 4080 /* with malloc's header, one page */
#define PERM_ALIGN 8

static char *perm_next;
static size_t perm_left;

void *perm_zalloc(size_t size)
{
    void *p;

    size = (size + PERM_ALIGN - 1) & ~(size_t)(PERM_ALIGN - 1);
    if (size > PERM_BLOCK / 4) {
        return xzalloc(size);
    }
    if (size > perm_left) {
        perm_next = xzalloc(PERM_BLOCK);
        perm_left = PERM_BLOCK;
    }
    p = perm_next;
    perm_next += size;
    perm_left -= size;
    return p;
}

const char *perm_strdup(const char *s)
{
    size_t n;
    char *copy;

    if (str_is_static(s)) {
        return s;
    }
    n = strlen(s) + 1;
    copy = perm_zalloc(n);
    memcpy(copy, s, n);
    return copy;
}

/* The interned texts: an open-addressing set that doubles when half full. */
static const char **intern_slots;
static size_t intern_size, intern_count;

static size_t intern_hash(const char *s)
{
    size_t h = 5381;

    while (*s) {
        h = h * 33 + (unsigned char)*s++;
    }
    return h;
}

static const char **intern_find(const char **slots, size_t size, const char *s)
{
    size_t i = intern_hash(s) & (size - 1);

    while (slots[i] && strcmp(slots[i], s) != 0) {
        i = (i + 1) & (size - 1);
    }
    return &slots[i];
}

const char *str_intern(const char *s)
{
    const char **slot;

    if (intern_count * 2 >= intern_size) {
        size_t size = intern_size ? intern_size * 2 : 64;
        const char **slots = xzalloc(size * sizeof(*slots));
        size_t i;

        for (i = 0; i < intern_size; i++) {
            if (intern_slots[i]) {
                *intern_find(slots, size, intern_slots[i]) = intern_slots[i];
            }
        }
        free(intern_slots);
        intern_slots = slots;
        intern_size = size;
    }
    slot = intern_find(intern_slots, intern_size, s);
    if (!*slot) {
        *slot = perm_strdup(s);
        intern_count++;
    }
    return *slot;
}
