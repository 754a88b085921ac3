/*
 * Conventional PCI: buses, devices with a 256-byte configuration space,
 * BARs mapped into the bus's memory/I/O regions, capabilities, INTx and
 * the host bridge's configuration mechanism #1 (0xcf8/0xcfc), modelled on
 * QEMU 7.2's hw/pci.
 *
 * Writing a PCI device (e.g. PIIX4 PM, virtio-pci):
 *
 *     typedef struct MyDev { PCIDevice parent_obj; ... } MyDev;
 *     static bool my_realize(PCIDevice *d, Error **errp)
 *     {
 *         ... pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
 *     }
 *     static void my_class_init(ObjectClass *klass, void *data)
 *     {
 *         PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
 *         k->realize = my_realize;
 *         k->vendor_id = 0x8086; k->device_id = 0x7113; ...
 *     }
 *     TypeInfo: .parent = TYPE_PCI_DEVICE, .interfaces = { {
 *         INTERFACE_CONVENTIONAL_PCI_DEVICE }, { NULL } }
 *
 * The DeviceClass realize of "pci-device" checks and allocates the devfn
 * ("addr" property), fills the header from the PCIDeviceClass IDs, sets the
 * default masks, then calls PCIDeviceClass.realize.  The unrealize undoes
 * it (PCIDeviceClass.exit first).  config_read/config_write hooks default
 * to pci_default_read_config/pci_default_write_config; a device's own
 * config_write normally calls pci_default_write_config first.
 */
#ifndef QMACHINED_PCI_H
#define QMACHINED_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "src/irq.h"
#include "src/memory.h"
#include "src/qdev.h"

/* ---- Configuration space layout (PCI Local Bus Specification) ---- */

#define PCI_CONFIG_SPACE_SIZE 0x100
#define PCI_CONFIG_HEADER_SIZE 0x40

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_SPECIAL 0x0008
#define PCI_COMMAND_INVALIDATE 0x0010
#define PCI_COMMAND_VGA_PALETTE 0x0020
#define PCI_COMMAND_PARITY 0x0040
#define PCI_COMMAND_WAIT 0x0080
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_FAST_BACK 0x0200
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_STATUS_66MHZ 0x0020
#define PCI_STATUS_FAST_BACK 0x0080
#define PCI_STATUS_PARITY 0x0100
#define PCI_STATUS_DEVSEL_MASK 0x0600
#define PCI_STATUS_DEVSEL_FAST 0x0000
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define PCI_STATUS_DEVSEL_SLOW 0x0400
#define PCI_STATUS_SIG_TARGET_ABORT 0x0800
#define PCI_STATUS_REC_TARGET_ABORT 0x1000
#define PCI_STATUS_REC_MASTER_ABORT 0x2000
#define PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define PCI_STATUS_DETECTED_PARITY 0x8000
#define PCI_CLASS_REVISION 0x08
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_HEADER_TYPE_NORMAL 0x00
#define PCI_HEADER_TYPE_BRIDGE 0x01
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST 0x0f
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_5 0x24
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_SPACE_MEMORY 0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_32 0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_1M 0x02
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_BASE_ADDRESS_MEM_MASK (~0x0fULL)
#define PCI_BASE_ADDRESS_IO_MASK (~0x03ULL)
#define PCI_CARDBUS_CIS 0x28
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_ROM_ADDRESS_ENABLE 0x01
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_MIN_GNT 0x3e
#define PCI_MAX_LAT 0x3f

/* Capability list entries. */
#define PCI_CAP_LIST_ID 0
#define PCI_CAP_LIST_NEXT 1
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/* Vendors, classes. */
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU 0x1100
#define PCI_CLASS_STORAGE_IDE 0x0101
#define PCI_CLASS_BRIDGE_HOST 0x0600
#define PCI_CLASS_BRIDGE_ISA 0x0601
#define PCI_CLASS_BRIDGE_OTHER 0x0680
#define PCI_CLASS_SERIAL_USB 0x0c03
#define PCI_CLASS_OTHERS 0xff

/* BAR slots: 0-5 and the expansion ROM. */
#define PCI_ROM_SLOT 6
#define PCI_NUM_REGIONS 7
#define PCI_NUM_PINS 4

#define PCI_DEVFN(slot, fn) ((((slot)&0x1f) << 3) | ((fn)&0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn)&0x07)
#define PCI_SLOT_MAX 32
#define PCI_FUNC_MAX 8
#define PCI_DEVFN_MAX 256

typedef uint64_t pcibus_t;
#define PCI_BAR_UNMAPPED (~(pcibus_t)0)

/* ---- Little-endian helpers on config arrays ---- */

static inline uint8_t pci_get_byte(const uint8_t *p)
{
    return p[0];
}
static inline void pci_set_byte(uint8_t *p, uint8_t v)
{
    p[0] = v;
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)pci_get_word(p) | ((uint32_t)pci_get_word(p + 2) << 16);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, (uint16_t)v);
    pci_set_word(p + 2, (uint16_t)(v >> 16));
}
static inline uint64_t pci_get_quad(const uint8_t *p)
{
    return (uint64_t)pci_get_long(p) | ((uint64_t)pci_get_long(p + 4) << 32);
}
static inline void pci_set_quad(uint8_t *p, uint64_t v)
{
    pci_set_long(p, (uint32_t)v);
    pci_set_long(p + 4, (uint32_t)(v >> 32));
}

/* ---- Types ---- */

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS "PCI"
#define TYPE_PCI_HOST_BRIDGE "pci-host-bridge"
#define INTERFACE_CONVENTIONAL_PCI_DEVICE "conventional-pci-device"
#define INTERFACE_PCIE_DEVICE "pci-express-device"

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;
typedef struct PCIDeviceClass PCIDeviceClass;
typedef struct PCIHostState PCIHostState;

typedef struct PCIIORegion {
    pcibus_t addr; /* bus address, PCI_BAR_UNMAPPED if not */
    pcibus_t size;
    uint8_t type; /* PCI_BASE_ADDRESS_* bits */
    MemoryRegion *memory; /* NULL: BAR not registered */
    MemoryRegion *address_space; /* the bus's memory or I/O region */
} PCIIORegion;

typedef bool PCIRealize(PCIDevice *dev, Error **errp);
typedef void PCIExit(PCIDevice *dev);
typedef uint32_t PCIConfigRead(PCIDevice *dev, uint32_t addr, int len);
typedef void PCIConfigWrite(PCIDevice *dev, uint32_t addr, uint32_t val,
                            int len);

struct PCIDeviceClass {
    DeviceClass parent_class;
    PCIRealize *realize; /* may be NULL */
    PCIExit *exit; /* may be NULL */
    PCIConfigRead *config_read; /* NULL: pci_default_read_config */
    PCIConfigWrite *config_write; /* NULL: pci_default_write_config */
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    uint16_t subsystem_vendor_id; /* 0: QEMU's default (0x1af4/0x1100) */
    uint16_t subsystem_id;
    bool is_bridge; /* type 1 header (not modelled) */
    const char *romfile; /* default "romfile" (NULL: none) */
};

/* Flags in PCIDevice.cap_present. */
#define QEMU_PCI_CAP_MULTIFUNCTION 0x2u
#define QEMU_PCI_CAP_EXPRESS 0x4u

struct PCIDevice {
    DeviceState qdev;

    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    /* (QEMU's cmask, the bits compared on migration, is not kept: there
     * is no migration here.) */
    /* Writable bits. */
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];
    /* Write-1-to-clear bits (disjoint from wmask). */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];
    /* Bytes taken by capabilities (nonzero). */
    uint8_t used[PCI_CONFIG_SPACE_SIZE];

    /* Properties ("addr", "romfile", "romsize", "rombar",
     * "multifunction", "acpi-index", "failover_pair_id", ...). */
    int32_t devfn; /* -1 until allocated (auto) */
    char *romfile;
    uint32_t romsize;
    uint32_t rom_bar;
    bool multifunction;
    uint32_t acpi_index;
    char *failover_pair_id;
    bool x_pcie_lnksta_dllla;
    bool x_pcie_extcap_init;

    char name[64]; /* the type name, as QEMU's pci_dev->name */
    uint32_t cap_present;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int irq_state; /* bit per asserted INTx pin */
    bool registered; /* sits in bus->devices[devfn] */

    /* DMA view "bus master container" (address space named after the
     * type, as QEMU's), with the "bus master" alias of system memory
     * enabled while COMMAND.MASTER is set. */
    MemoryRegion bus_master_container_region;
    MemoryRegion bus_master_enable_region;
    AddressSpace bus_master_as;
    bool bus_master_ready;
};

OBJECT_DECLARE_CASTS(PCIDevice, PCIDeviceClass, PCI_DEVICE, TYPE_PCI_DEVICE)

/* The bus's interrupt routing: map_irq(dev, pin 0..3) -> bus irq number;
 * set_irq(opaque, bus irq, level) with level = number of asserters > 0. */
typedef int PCIMapIRQFunc(PCIDevice *dev, int pin);
typedef void PCISetIRQFunc(void *opaque, int irq_num, int level);

struct PCIBus {
    BusState qbus;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem;
    MemoryRegion *address_space_io;
    uint8_t devfn_min;
    uint32_t slot_reserved_mask;
    PCIMapIRQFunc *map_irq;
    PCISetIRQFunc *set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count;
};

OBJECT_DECLARE_CASTS(PCIBus, BusClass, PCI_BUS, TYPE_PCI_BUS)

/* ---- Bus ---- */

/*
 * Creates the root bus (QEMU's pci_root_bus_new) as a child bus of parent
 * (the host bridge) named name ("pci.0"; NULL: automatic).  BARs map into
 * mem / io.  devfn_min: lowest devfn automatic allocation may pick.
 */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min);
/* Installs the INTx routing (nirq bus interrupt lines). */
void pci_bus_irqs(PCIBus *bus, PCISetIRQFunc *set_irq, PCIMapIRQFunc *map_irq,
                  void *opaque, int nirq);
/* Current number of asserters of bus irq irq_num. */
int pci_bus_get_irq_level(PCIBus *bus, int irq_num);
/* Bus number (0 for the root bus). */
int pci_bus_num(PCIBus *bus);
/* Device at devfn on bus (bus number 0 only), or NULL. */
PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn);
/* The device's bus. */
PCIBus *pci_get_bus(const PCIDevice *dev);
/* Resets every device on the bus (as a system reset does). */
void pci_bus_reset(PCIBus *bus);
/* All root buses, in creation order (query-pci). */
int pci_root_bus_count(void);
PCIBus *pci_root_bus_get(int i);

/* ---- Creating devices ---- */

/*
 * qdev_new(type) + "addr" = devfn (-1: automatic) + "multifunction", then
 * realize on bus; aborts on failure (built-in devices).
 */
PCIDevice *pci_new(int devfn, const char *type);
PCIDevice *pci_new_multifunction(int devfn, bool multifunction,
                                 const char *type);
bool pci_realize_and_unref(PCIDevice *dev, PCIBus *bus, Error **errp);
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type);
PCIDevice *pci_create_simple_multifunction(PCIBus *bus, int devfn,
                                           bool multifunction,
                                           const char *type);

/* ---- BARs ---- */

/*
 * Declares BAR region_num (0-5, or PCI_ROM_SLOT) of the size of memory
 * (a power of 2), type PCI_BASE_ADDRESS_SPACE_IO or MEMORY with
 * MEM_TYPE_64 / MEM_PREFETCH.  Call from realize.
 */
void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *memory);
/* Current bus address of a BAR (PCI_BAR_UNMAPPED if not mapped). */
pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num);
/* Re-evaluates every BAR mapping (after writing config directly). */
void pci_update_mappings(PCIDevice *dev);
/* Config offset of BAR n's register. */
int pci_bar(PCIDevice *dev, int region_num);

/* ---- Capabilities ---- */

/*
 * Adds capability cap_id of size bytes at offset (0: first fit from 0x40),
 * links it first in the list, marks its bytes read-only and used.
 * Returns the offset, or -1 with QEMU's error (overlap) in *errp.
 */
int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp);
void pci_del_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size);
/* Offset of the first capability cap_id, 0 if absent. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

/* ---- Config access ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len);
/* Applies wmask/w1cmask, then re-maps BARs / updates INTx disable. */
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len);
/* Through the class hooks, with the host bridge's limits (len 1, 2, 4). */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, int len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len);
/* Configuration mechanism #1 address ("config_reg | (port & 3)"): bus,
 * devfn and register from addr; absent devices read all-ones. */
uint32_t pci_data_read(PCIBus *bus, uint32_t addr, int len);
void pci_data_write(PCIBus *bus, uint32_t addr, uint32_t val, int len);

/* ---- Interrupts ---- */

/* Pin 0..3 (INTA..INTD) from PCI_INTERRUPT_PIN. */
int pci_intx(PCIDevice *dev);
/* Drives the device's INTx line (level 0/1). */
void pci_set_irq(PCIDevice *dev, int level);
static inline void pci_irq_assert(PCIDevice *dev)
{
    pci_set_irq(dev, 1);
}
static inline void pci_irq_deassert(PCIDevice *dev)
{
    pci_set_irq(dev, 0);
}

/* Resets one device: COMMAND/STATUS/BARs/INTx (then DeviceClass.reset). */
void pci_device_reset(PCIDevice *dev);

/* ---- Host bridge (config mechanism #1) ---- */

/*
 * "pci-host-bridge" (abstract): owns the root bus and the 0xcf8 index and
 * 0xcfc data registers as I/O regions "pci-conf-idx" (4 bytes) and
 * "pci-conf-data" (4 bytes); pci_host_init_conf_regions() creates them,
 * the concrete bridge maps them (i440FX: system I/O 0xcf8 / 0xcfc).
 */
struct PCIHostState {
    DeviceState parent_obj;
    MemoryRegion conf_mem;
    MemoryRegion data_mem;
    uint32_t config_reg;
    PCIBus *bus;
};

OBJECT_DECLARE_CASTS(PCIHostState, DeviceClass, PCI_HOST_BRIDGE,
                     TYPE_PCI_HOST_BRIDGE)

void pci_host_init_conf_regions(PCIHostState *s);

/*
 * The owner text "info mtree -o" shows for regions a device owns:
 * "dev id=ID", or "dev path=/machine/..." (malloc'd).  obj must be in the
 * composition tree already.
 */
char *pci_mr_owner(void *obj);

/* Module type registration (listed in src/type-modules.h). */
void pci_register_types(void);

#endif
