/*
 * PIIX3 south bridge functions: the ISA bridge "PIIX3" (00:01.0) with the
 * PIRQ routing registers 0x60-0x63 and the reset control port 0xcf9, and
 * the IDE function "piix3-ide" (00:01.1) with its bus-master BAR4 and the
 * legacy ports 0x1f0/0x3f6/0x170/0x376.
 */
#ifndef QMACHINED_PIIX_H
#define QMACHINED_PIIX_H

#include "src/irq.h"
#include "src/pci.h"

#define TYPE_PIIX3_PCI_DEVICE "pci-piix3"
#define TYPE_PIIX3_DEVICE "PIIX3"
#define TYPE_PIIX3_IDE "piix3-ide"

#define PIIX_NUM_PIC_IRQS 16
#define PIIX_NUM_PIRQS 4
#define PIIX_RCR_IOPORT 0xcf9

typedef struct PIIX3State PIIX3State;

/*
 * Creates "PIIX3" on bus at devfn (-1: first free slot, i.e. 00:01.0
 * after the i440FX), multifunction, and installs the bus's INTx routing:
 * pirq = (pin + slot - 1) & 3, then config 0x60+pirq -> ISA IRQ line
 * pic[line] (bit 7 set: not routed).  pic: 16 lines (the GSIs 0-15);
 * may be set later with piix3_set_pic_irqs().
 */
PIIX3State *piix3_create(PCIBus *bus, int devfn, qemu_irq *pic);
void piix3_set_pic_irqs(PIIX3State *s, qemu_irq *pic);
PCIDevice *piix3_pci_device(PIIX3State *s);
/* Called when the guest writes bit 2 of 0xcf9 (reset request). */
void piix3_set_reset_handler(PIIX3State *s, void (*fn)(void *opaque),
                             void *opaque);
/* The PIIX INTx swizzle (also for pc.c's own use). */
int piix3_pci_slot_get_pirq(PCIDevice *dev, int pin);

/* Creates "piix3-ide" at devfn (PIIX3's devfn + 1) with the legacy
 * ports in system_io. */
PCIDevice *piix3_ide_create(PCIBus *bus, int devfn);

void piix3_register_types(void);
void piix_ide_register_types(void);

#endif
