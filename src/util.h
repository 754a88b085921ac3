/* Small allocation and string helpers; allocation failure aborts. */
#ifndef QMACHINED_UTIL_H
#define QMACHINED_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * A jansson string of s, byte for byte (NULL for NULL).  Text that came
 * from a client may hold bytes that are not UTF-8 (U+0000 is kept as
 * C0 80, see qmp/json-stream.h), which json_string() would refuse with
 * NULL; the JSON writer shows such bytes as QEMU does.
 */
json_t *json_text(const char *s);

/*
 * Text that needs no copy.  str_is_static: whether s lies in a read-only
 * segment of the program itself (a string literal or a const table's
 * text), which never changes or goes away; with ASan or in a shared
 * library it may answer false, which only costs a copy.
 * str_keep: s itself when static, else a malloc'd copy; str_release frees
 * what str_keep copied (NULL is fine).
 */
bool str_is_static(const char *s);
const char *str_keep(const char *s);
void str_release(const char *s);

/*
 * Memory that lives as long as the process (types, classes and what
 * they hold), carved from large blocks without a per-allocation header.
 * Never freed.  perm_zalloc returns zeroed memory aligned for any
 * pointer or 64-bit integer; perm_strdup returns s itself when static.
 * str_intern returns one permanent copy of each distinct text (for texts
 * made at run time that many holders share, such as "child<TYPE>").
 */
void *perm_zalloc(size_t size);
const char *perm_strdup(const char *s);
const char *str_intern(const char *s);

/* Whether s equals one of the n strings in list. */
bool str_in_list(const char *s, const char *const *list, size_t n);

/* The smallest power of two >= v (1 for 0). */
uint64_t pow2ceil64(uint64_t v);

#endif
