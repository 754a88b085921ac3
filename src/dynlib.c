/*
 * Libraries opened with dlopen when a feature first needs them.
 */
#include "src/dynlib.h"

#include <dlfcn.h>

bool dynlib_load(const char *soname, const DynSym *syms, size_t n, Error **errp)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    const char *why;
    size_t i;

    if (!h) {
        why = dlerror();
        error_setg(errp, "cannot load %s: %s", soname,
                   why ? why : "unknown error");
        return false;
    }
    for (i = 0; i < n; i++) {
        void *p;

        dlerror();
        p = dlsym(h, syms[i].name);
        if (!p) {
            error_setg(errp, "cannot load %s: no symbol %s", soname,
                       syms[i].name);
            while (i--) {
                *syms[i].slot = NULL;
            }
            dlclose(h);
            return false;
        }
        *syms[i].slot = p;
    }
    return true;
}
