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

/* Whether s equals one of the n strings in list. */
bool str_in_list(const char *s, const char *const *list, size_t n);

/* The smallest power of two >= v (1 for 0). */
uint64_t pow2ceil64(uint64_t v);

#endif
