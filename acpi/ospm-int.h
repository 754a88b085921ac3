/*
 * The simulated guest's parts, as they see each other (nothing outside
 * acpi/ospm*.c includes this; the public API is acpi/ospm.h):
 *
 *   ospm.c           the actor: policy, timers, the SCI, run-state hooks,
 *                    the boot sequence (firmware, then the OS)
 *   ospm-firmware.c  SeaBIOS: PCI enumeration and BAR assignment, IRQ
 *                    routing, chipset set-up
 *   ospm-pci.c       the guest's PCI core: what it knows of bus 0, BAR
 *                    sizing and programming, Linux's resource allocator
 *                    for hot-plugged functions, driver binding
 *   ospm-virtio.c    Linux's virtio-pci (modern) driver
 *   ospm-acpi.c      Linux's ACPI: its boot-time set-up and the GPE
 *                    handlers for PCI and memory hotplug
 *
 * Every part reaches the hardware only through the accessors below: port
 * and memory accesses on the machine's address spaces (the paths a qtest
 * client uses) and PCI configuration mechanism #1 (0xcf8/0xcfc).
 */
#ifndef QMACHINED_ACPI_OSPM_INT_H
#define QMACHINED_ACPI_OSPM_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "src/memory.h"

/* ---- PCI configuration space (bus 0) -------------------------------- */

#define PORT_PCI_CONFIG_ADDR 0x0cf8
#define PORT_PCI_CONFIG_DATA 0x0cfc
#define PCI_CONFIG_ENABLE 0x80000000u

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CMD_IO 0x0001
#define CMD_MEMORY 0x0002
#define CMD_MASTER 0x0004
#define CMD_SERR 0x0100
#define CMD_INTX_DISABLE 0x0400
#define CFG_STATUS 0x06
#define STATUS_CAP_LIST 0x0010
#define CFG_HEADER_TYPE 0x0e
#define HEADER_MULTIFUNCTION 0x80
#define CFG_BAR0 0x10
#define CFG_CAP_PTR 0x34
#define CFG_INT_LINE 0x3c
#define CFG_INT_PIN 0x3d
#define BAR_SPACE_IO 0x01
#define NBARS 6
#define NREGIONS 7 /* six BARs and the ROM */
#define ROM_REGION 6

/* Board functions. */
#define DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
#define DEVFN_I440FX DEVFN(0, 0)
#define DEVFN_PIIX3 DEVFN(1, 0)
#define DEVFN_PIIX_IDE DEVFN(1, 1)
#define DEVFN_PIIX4_PM DEVFN(1, 3)
/* PIIX3's PIRQ route control registers (links A-D). */
#define PIIX3_PIRQC 0x60
#define PIRQ_DISABLED 0x80
/* Where SeaBIOS puts the PIIX4 PM's I/O block. */
#define PM_BASE 0x0600
/* The top of the 32-bit PCI window, SeaBIOS's and then Linux's. */
#define SEABIOS_MEM_END 0xfec00000ull

/* ---- Register access (the qtest paths) ------------------------------ */

static inline uint32_t io_in(uint16_t port, unsigned size)
{
    return (uint32_t)address_space_read_le(&address_space_io, port, size);
}

static inline void io_out(uint16_t port, uint32_t val, unsigned size)
{
    address_space_write_le(&address_space_io, port, val, size);
}

static inline uint64_t mem_ld(uint64_t addr, unsigned size)
{
    return address_space_read_le(&address_space_memory, addr, size);
}

static inline void mem_st(uint64_t addr, uint64_t val, unsigned size)
{
    address_space_write_le(&address_space_memory, addr, val, size);
}

static inline void cfg_select(uint8_t devfn, uint8_t off)
{
    io_out(PORT_PCI_CONFIG_ADDR,
           PCI_CONFIG_ENABLE | ((uint32_t)devfn << 8) | (off & 0xfcu), 4);
}

static inline uint32_t cfg_read(uint8_t devfn, uint8_t off, unsigned size)
{
    cfg_select(devfn, off);
    return io_in(PORT_PCI_CONFIG_DATA + (off & 3u), size);
}

static inline void cfg_write(uint8_t devfn, uint8_t off, uint32_t val,
                             unsigned size)
{
    cfg_select(devfn, off);
    io_out(PORT_PCI_CONFIG_DATA + (off & 3u), val, size);
}

static inline bool fn_present(uint8_t devfn)
{
    return (cfg_read(devfn, CFG_VENDOR, 2) & 0xffff) != 0xffff;
}

/* ---- ospm-pci.c: what the guest knows of bus 0 ---------------------- */

typedef enum OspmRegionKind {
    REG_NONE,
    REG_IO,
    REG_MEM32,
    REG_MEM64
} OspmRegionKind;

/* A BAR or the ROM as the guest sized and placed it. */
typedef struct OspmRegion {
    OspmRegionKind kind;
    bool prefetch;
    uint64_t size;
    uint64_t addr;
} OspmRegion;

typedef struct OspmFunction {
    uint32_t ids; /* vendor | device << 16; 0: not configured */
    OspmRegion regions[NREGIONS];
} OspmFunction;

/*
 * Forgets every function and takes the machine's PCI windows (Linux's
 * allocator places hot-plugged BARs above RAM in them).
 */
void ospm_pci_init(void);
/* The function at devfn (ids 0 while the guest has not configured it). */
const OspmFunction *ospm_pci_fn(uint8_t devfn);
/* The function at devfn, made anew (all zero) for the guest to fill in. */
OspmFunction *ospm_pci_fn_new(uint8_t devfn);
/* The function at devfn if the guest configured it, else NULL. */
OspmFunction *ospm_pci_fn_known(uint8_t devfn);
/* Forgets every function (a reset, or firmware starting over). */
void ospm_pci_forget_all(void);
/*
 * Sizes the BARs and the ROM of a function whose decoding is off, as
 * firmware and Linux do: write all-ones, read back, restore.
 */
void ospm_pci_size_regions(uint8_t devfn, OspmRegion *regs);
/* Programs region i's address (the ROM stays disabled). */
void ospm_pci_write_region(uint8_t devfn, int i, const OspmRegion *r);
/* PIIX3 routing: the PIRQ link (0-3) that pin (1-4) of devfn uses. */
unsigned ospm_pci_pirq_of(uint8_t devfn, uint8_t pin);
/* Linux's PCI probe at boot: a driver binds to each known function. */
void ospm_pci_bind_all(void);
/*
 * Linux's acpiphp enabling a new function: sizes it, assigns its BARs
 * (largest first, lowest free range in the windows), binds its driver.
 */
void ospm_pci_add_function(uint8_t devfn, uint32_t ids);
/* The driver's remove before an eject; the function is forgotten. */
void ospm_pci_remove_function(uint8_t devfn);

/* ---- ospm-virtio.c: the virtio-pci driver --------------------------- */

/* Whether ids (vendor | device << 16) is a virtio device. */
bool ospm_virtio_match(uint32_t ids);
/* Probe: reset .. DRIVER_OK through the modern common configuration. */
void ospm_virtio_probe(uint8_t devfn, uint32_t ids);
/* Remove: resets the device. */
void ospm_virtio_remove(uint8_t devfn);

/* ---- ospm-firmware.c: SeaBIOS --------------------------------------- */

/* What SeaBIOS leaves behind: IRQ routing, BARs, PM base, IDE, PAM. */
void ospm_firmware_boot(void);

/* ---- ospm-acpi.c: Linux's ACPI -------------------------------------- */

/*
 * Linux's boot up to its drivers: interrupt controllers, ACPI mode, the
 * PM1 and GPE blocks cleared, the CPU hotplug block's _INI (switch to the
 * modern interface), the PCI interrupt links disabled.
 */
void ospm_acpi_boot(void);
/* Enables the hotplug GPEs (last at boot: the SCI may rise at once). */
void ospm_acpi_enable_gpes(void);
/* The GPE0 bits both set and enabled. */
uint8_t ospm_acpi_gpe_pending(void);
/*
 * Handles the pending GPEs as ACPICA does (clear the status, run _E01
 * for PCI hotplug, _E02 for CPU hotplug over max_cpus slots, _E03 for
 * memory hotplug over mem_slots slots).  With reject, removals are
 * refused (the reject policy).
 */
void ospm_acpi_handle_gpes(uint8_t pending, bool reject, unsigned mem_slots,
                           unsigned max_cpus);

#endif
