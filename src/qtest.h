/* QEMU's qtest text protocol, served for the modelled hardware. */
#ifndef QMACHINED_QTEST_H
#define QMACHINED_QTEST_H

#include "error.h"
#include "sockets.h"

bool qtest_listen(const ListenAddr *addr, Error **errp);
void qtest_cleanup(void);

#endif
