/*
 * MSI-X for a PCI function, as QEMU 7.2's hw/pci/msix.c lays it out with
 * msix_init_exclusive_bar(): the capability, and a BAR of its own
 * holding the vector table at 0 and the pending-bit array (PBA) at 2 KiB
 * (or right after the table when it does not fit in half of 4 KiB).
 *
 * Delivery to the local APIC is not modelled (no CPU): a vector that
 * fires while masked sets its pending bit, one that is unmasked goes
 * nowhere.
 */
#ifndef QMACHINED_MSIX_H
#define QMACHINED_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "memory.h"
#include "pci.h"

#define MSIX_MAX_VECTORS 2048

/* The MSI-X state of one function; embedded in the device. */
typedef struct MSIXState {
    PCIDevice *dev;
    uint32_t nvectors;
    uint8_t cap; /* capability offset in config space */
    uint8_t *table; /* nvectors entries of 16 bytes */
    uint8_t *pba;
    MemoryRegion bar, table_mr, pba_mr;
    bool ready; /* initialised */
} MSIXState;

/*
 * Adds the capability and the exclusive BAR bar_nr ("NAME-msix", with
 * "msix-table" and "msix-pba") for nvectors vectors, all masked.  Fails
 * ("Invalid vector count N") above MSIX_MAX_VECTORS.
 */
bool msix_init_exclusive_bar(MSIXState *m, PCIDevice *dev, uint32_t nvectors,
                             uint8_t bar_nr, Error **errp);
/* Removes what msix_init_exclusive_bar() added; harmless when not ready. */
void msix_uninit(MSIXState *m);
/* Device reset: MSI-X disabled and unmasked-all off, every vector masked. */
void msix_reset(MSIXState *m);

/* Vectors in use: 0 unless initialised. */
uint32_t msix_nr_vectors(const MSIXState *m);
/* The guest set MSI-X Enable. */
bool msix_enabled(const MSIXState *m);
/* Signals vector (ignored when out of range). */
void msix_notify(MSIXState *m, unsigned vector);

#endif
