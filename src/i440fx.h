/*
 * The i440FX host bridge: "i440FX-pcihost" (0xcf8/0xcfc, the root bus
 * "pci.0") and its PCI function "i440FX" at 00:00.0 with the PAM and SMRAM
 * registers switching the 0xa0000-0xfffff aliases.
 */
#ifndef QMACHINED_I440FX_H
#define QMACHINED_I440FX_H

#include "src/pci.h"

#define TYPE_I440FX_PCI_HOST_BRIDGE "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE "i440FX"

/*
 * The "pci" container (2^64, no owner) that BARs map into.  Created on
 * first call; pc.c uses it as the ROM/BIOS container before i440fx_init().
 */
MemoryRegion *i440fx_pci_memory(void);

/*
 * Creates /machine/i440fx (maps pci-conf-idx at system_io 0xcf8 and
 * pci-conf-data at 0xcfc), its root bus "pci.0" (BARs into pci_memory and
 * system_io), maps pci_memory into system_memory at 0 with priority -1,
 * creates "i440FX" at 00:00.0 with the smram-region/smram-low and 13 PAM
 * alias sets over ram_memory ("pc.ram"), config 0x57 = RAM size / 8 MiB.
 * Returns the bus; *pi440fx (if not NULL) gets the 00:00.0 device.
 */
PCIBus *i440fx_init(MemoryRegion *system_memory, MemoryRegion *system_io,
                    MemoryRegion *pci_memory, MemoryRegion *ram_memory,
                    uint64_t below_4g_mem_size, uint64_t above_4g_mem_size,
                    PCIDevice **pi440fx);

/* The "smram" container (4 GiB) SMM CPUs see (NULL before init). */
MemoryRegion *i440fx_smram(void);

void i440fx_register_types(void);

#endif
