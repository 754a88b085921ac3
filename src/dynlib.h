/*
 * Libraries loaded when first needed (dlopen): libvirt for
 * --forward libvirt:, libmicrohttpd for --rest.  A machine that uses
 * neither never maps them, so their relocated data and the heap their
 * constructors fill (GnuTLS, ICU, ...) cost it nothing; see
 * docs/PERFORMANCE.md "Memory per machine".
 */
#ifndef QMACHINED_DYNLIB_H
#define QMACHINED_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "src/error.h"

/* One function to look up: its name and where its address goes. */
typedef struct DynSym {
    const char *name;
    void **slot;
} DynSym;

/*
 * Opens the library 'soname' (dlopen counts the references, so opening it
 * again is cheap) and fills every slot of 'syms'.  On failure nothing is bound,
 * the library is closed again and errp says which library or symbol failed.
 */
bool dynlib_load(const char *soname, const DynSym *syms, size_t n,
                 Error **errp);

#endif
