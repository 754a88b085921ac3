/* piix3-usb-uhci, the PIIX3's USB host controller (see uhci.c). */
#ifndef QMACHINED_UHCI_H
#define QMACHINED_UHCI_H

#include "pci.h"

/* Creates and realizes a piix3-usb-uhci at devfn (the pc board's -usb). */
PCIDevice *uhci_piix3_create(PCIBus *bus, int devfn);

void uhci_register_types(void);

#endif
