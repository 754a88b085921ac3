/* Subscriber lists (see callbacks.h). */
#include "callbacks.h"

#include <stdlib.h>

#include "util.h"

void callback_list_add(CallbackList *l, CallbackFn *fn, void *opaque)
{
    l->v = xrealloc(l->v, sizeof(*l->v) * (l->n + 1));
    l->v[l->n].fn = fn;
    l->v[l->n].opaque = opaque;
    l->n++;
}

void callback_list_remove(CallbackList *l, CallbackFn *fn, void *opaque)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (l->v[i].fn == fn && l->v[i].opaque == opaque) {
            l->v[i] = l->v[--l->n];
            if (!l->n) {
                free(l->v);
                l->v = NULL;
            }
            return;
        }
    }
}
