/* QMP monitors: listening sockets and their client sessions. */
#ifndef QMACHINED_MONITOR_H
#define QMACHINED_MONITOR_H

#include "src/error.h"
#include "src/sockets.h"

/* Starts serving QMP on addr; returns false with errp set on failure. */
bool monitor_listen(const ListenAddr *addr, Error **errp);
/* Writes out what can be written without blocking long (before exit). */
void monitor_flush_all(void);
void monitor_cleanup(void);

#endif
