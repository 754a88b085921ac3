/*
 * A list of subscribers, each a function and its opaque pointer, as the
 * event buses keep them (src/events.c, qmp/events.c).  Functions are
 * stored as CallbackFn and cast back to their own type by the list's
 * owner before it calls them.  A subscriber may be removed while the
 * owner walks the list backwards (index below n checked at each step).
 */
#ifndef QMACHINED_CALLBACKS_H
#define QMACHINED_CALLBACKS_H

#include <stddef.h>

typedef void CallbackFn(void);

typedef struct Callback {
    CallbackFn *fn;
    void *opaque;
} Callback;

typedef struct CallbackList {
    Callback *v;
    size_t n;
} CallbackList;

void callback_list_add(CallbackList *l, CallbackFn *fn, void *opaque);
/* Removes the first (fn, opaque) entry, if any (order is not kept). */
void callback_list_remove(CallbackList *l, CallbackFn *fn, void *opaque);

#endif
