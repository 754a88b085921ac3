/*
 * The simulated guest's PCI core, shared by its firmware and its OS:
 * what the guest knows of the functions on bus 0 (ids and the BARs it
 * placed), BAR and ROM sizing and programming, PIIX3's interrupt routing,
 * and Linux's part for each function: the resource allocator that places
 * a hot-plugged function's BARs (lowest free aligned range in the window
 * above RAM), and driver binding (PCI link, bus mastering, INTx off with
 * MSI-X, then the driver's probe; only virtio has a driver).  Everything
 * goes through configuration space (acpi/ospm-int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "acpi/ospm-int.h"
#include "src/pc.h"
#include "src/util.h"

#define CFG_ROM 0x30
#define BAR_MEM_TYPE_64 0x04
#define BAR_MEM_PREFETCH 0x08
#define BAR_IO_MASK 0xfffffffcu
#define BAR_MEM_MASK 0xfffffff0u
#define ROM_ADDR_MASK 0xfffff800u
#define CAP_ID_MSIX 0x11

/* Linux's windows: I/O from 0x1000, memory above RAM (32- and 64-bit). */
#define LINUX_IO_MIN 0x1000
#define IO_SPACE_END 0x10000
#define GIB (1ull << 30)
#define HOLE64_SIZE (1ull << 40)

/* The functions the guest configured, allocated as it finds them. */
static struct {
    uint64_t hole32_start, hole64_start;
    OspmFunction *fns[256];
} pci;

static const OspmFunction no_function;

void ospm_pci_init(void)
{
    PCMachine *pcm = pc_current_machine();

    ospm_pci_forget_all();
    if (pcm) {
        uint64_t dm_size = pc_device_memory_size(pcm);
        uint64_t end = dm_size ? pc_device_memory_base(pcm) + dm_size
                               : (1ull << 32) + pc_above_4g_mem_size(pcm);

        pci.hole32_start = pc_below_4g_mem_size(pcm);
        pci.hole64_start = (end + GIB - 1) & ~(GIB - 1);
    } else {
        pci.hole32_start = 0xe0000000ull;
        pci.hole64_start = 1ull << 32;
    }
}

const OspmFunction *ospm_pci_fn(uint8_t devfn)
{
    return pci.fns[devfn] ? pci.fns[devfn] : &no_function;
}

OspmFunction *ospm_pci_fn_new(uint8_t devfn)
{
    if (pci.fns[devfn]) {
        memset(pci.fns[devfn], 0, sizeof(*pci.fns[devfn]));
    } else {
        pci.fns[devfn] = xzalloc(sizeof(*pci.fns[devfn]));
    }
    return pci.fns[devfn];
}

OspmFunction *ospm_pci_fn_known(uint8_t devfn)
{
    return pci.fns[devfn];
}

void ospm_pci_forget_all(void)
{
    int d;

    for (d = 0; d < 256; d++) {
        if (pci.fns[d]) {
            free(pci.fns[d]);
            pci.fns[d] = NULL;
        }
    }
}

/* ---- BARs: sizing and programming ------------------------------------ */

void ospm_pci_size_regions(uint8_t devfn, OspmRegion *regs)
{
    int i;

    memset(regs, 0, sizeof(*regs) * NREGIONS);
    for (i = 0; i < NBARS; i++) {
        uint8_t off = CFG_BAR0 + 4 * i;
        uint32_t old = cfg_read(devfn, off, 4);
        uint32_t probe;
        uint64_t mask;

        cfg_write(devfn, off, 0xffffffffu, 4);
        probe = cfg_read(devfn, off, 4);
        cfg_write(devfn, off, old, 4);
        if (probe == 0 || probe == 0xffffffffu) {
            continue;
        }
        if (probe & BAR_SPACE_IO) {
            mask = 0xffff0000u | (probe & BAR_IO_MASK);
            regs[i].kind = REG_IO;
            regs[i].size = (uint32_t)(~mask + 1);
            continue;
        }
        mask = probe & BAR_MEM_MASK;
        regs[i].prefetch = (probe & BAR_MEM_PREFETCH) != 0;
        if ((probe & 0x6) == BAR_MEM_TYPE_64 && i + 1 < NBARS) {
            uint8_t hoff = off + 4;
            uint32_t hold = cfg_read(devfn, hoff, 4);
            uint32_t hprobe;

            cfg_write(devfn, hoff, 0xffffffffu, 4);
            hprobe = cfg_read(devfn, hoff, 4);
            cfg_write(devfn, hoff, hold, 4);
            mask |= (uint64_t)hprobe << 32;
            regs[i].kind = REG_MEM64;
        } else {
            mask |= 0xffffffff00000000ull;
            regs[i].kind = REG_MEM32;
        }
        regs[i].size = ~mask + 1;
        if (regs[i].size == 0) {
            regs[i].kind = REG_NONE;
        }
        if (regs[i].kind == REG_MEM64) {
            i++; /* the upper half is not a BAR of its own */
        }
    }
    {
        uint32_t old = cfg_read(devfn, CFG_ROM, 4);
        uint32_t probe;

        cfg_write(devfn, CFG_ROM, ROM_ADDR_MASK, 4);
        probe = cfg_read(devfn, CFG_ROM, 4) & ROM_ADDR_MASK;
        cfg_write(devfn, CFG_ROM, old, 4);
        if (probe) {
            regs[ROM_REGION].kind = REG_MEM32;
            regs[ROM_REGION].size = (uint32_t)(~probe + 1);
        }
    }
}

void ospm_pci_write_region(uint8_t devfn, int i, const OspmRegion *r)
{
    if (i == ROM_REGION) {
        /* Address only: the ROM stays disabled, as SeaBIOS leaves it. */
        cfg_write(devfn, CFG_ROM, (uint32_t)r->addr & ROM_ADDR_MASK, 4);
        return;
    }
    cfg_write(devfn, CFG_BAR0 + 4 * i, (uint32_t)r->addr, 4);
    if (r->kind == REG_MEM64) {
        cfg_write(devfn, CFG_BAR0 + 4 * i + 4, (uint32_t)(r->addr >> 32), 4);
    }
}

/* ---- Linux's allocator ------------------------------------------------ */

static bool overlaps_known(OspmRegionKind kind, uint64_t addr, uint64_t size)
{
    bool io = kind == REG_IO;
    int d, i;

    for (d = 0; d < 256; d++) {
        if (!ospm_pci_fn(d)->ids) {
            continue;
        }
        for (i = 0; i < NREGIONS; i++) {
            const OspmRegion *r = &pci.fns[d]->regions[i];

            if (r->kind == REG_NONE || !r->size || (r->kind == REG_IO) != io) {
                continue;
            }
            if (addr < r->addr + r->size && r->addr < addr + size) {
                return true;
            }
        }
    }
    return false;
}

/* Lowest aligned free range in [start, end) (Linux's allocator). */
static bool alloc_lowest(OspmRegionKind kind, uint64_t start, uint64_t end,
                         uint64_t size, uint64_t *addr)
{
    uint64_t a = (start + size - 1) & ~(size - 1);

    for (; a >= start && a + size <= end && a + size > a; a += size) {
        if (!overlaps_known(kind, a, size)) {
            *addr = a;
            return true;
        }
    }
    return false;
}

/* Largest first, as Linux sorts by alignment; the ROM is left alone. */
static void assign_regions(uint8_t d, OspmFunction *f)
{
    int i, order;

    for (order = 0; order < NREGIONS; order++) {
        int best = -1;

        for (i = 0; i < NREGIONS; i++) {
            OspmRegion *r = &f->regions[i];

            if (i == ROM_REGION || r->kind == REG_NONE || r->addr) {
                continue;
            }
            if (best < 0 || r->size > f->regions[best].size) {
                best = i;
            }
        }
        if (best < 0) {
            break;
        }
        {
            OspmRegion *r = &f->regions[best];
            bool ok;

            if (r->kind == REG_IO) {
                ok = alloc_lowest(REG_IO, LINUX_IO_MIN, IO_SPACE_END, r->size,
                                  &r->addr);
            } else if (r->kind == REG_MEM64 && r->prefetch) {
                ok = alloc_lowest(REG_MEM64, pci.hole64_start,
                                  pci.hole64_start + HOLE64_SIZE, r->size,
                                  &r->addr);
            } else {
                ok = alloc_lowest(REG_MEM32, pci.hole32_start, SEABIOS_MEM_END,
                                  r->size, &r->addr);
            }
            if (!ok) {
                r->kind = REG_NONE;
                r->addr = 0;
                continue;
            }
            ospm_pci_write_region(d, best, r);
        }
    }
    f->regions[ROM_REGION].kind = REG_NONE;
}

/* ---- Interrupt routing and drivers ------------------------------------ */

/* PIIX3 routing: INTA of slot 1 is PIRQA, rotating by slot. */
unsigned ospm_pci_pirq_of(uint8_t devfn, uint8_t pin)
{
    return (pin - 1u + (devfn >> 3) + 3u) & 3u;
}

static bool has_msix(uint8_t devfn)
{
    unsigned guard = 0;
    uint8_t pos;

    if (!(cfg_read(devfn, CFG_STATUS, 2) & STATUS_CAP_LIST)) {
        return false;
    }
    pos = cfg_read(devfn, CFG_CAP_PTR, 1) & 0xfc;
    while (pos >= 0x40 && guard++ < 48) {
        if (cfg_read(devfn, pos, 1) == CAP_ID_MSIX) {
            return true;
        }
        pos = cfg_read(devfn, pos + 1, 1) & 0xfc;
    }
    return false;
}

/* A driver binds: Linux enables the PCI link, bus mastering, the driver. */
static void bind_driver(uint8_t devfn, bool hotplugged)
{
    uint32_t ids = ospm_pci_fn(devfn)->ids;
    uint8_t pin = cfg_read(devfn, CFG_INT_PIN, 1);
    uint16_t cmd;

    if (!ospm_virtio_match(ids)) {
        return; /* the reference guest has no other drivers */
    }
    cmd = cfg_read(devfn, CFG_COMMAND, 2);
    if (hotplugged) {
        cmd |= CMD_IO | CMD_MEMORY;
        cfg_write(devfn, CFG_COMMAND, cmd, 2);
    }
    if (pin >= 1 && pin <= 4) {
        uint8_t link = PIIX3_PIRQC + ospm_pci_pirq_of(devfn, pin);
        uint8_t route = cfg_read(DEVFN_PIIX3, link, 1);

        if (route & PIRQ_DISABLED) {
            cfg_write(DEVFN_PIIX3, link, route & ~PIRQ_DISABLED, 1);
        }
    }
    cmd |= CMD_MASTER;
    if (has_msix(devfn)) {
        cmd |= CMD_INTX_DISABLE;
    }
    cfg_write(devfn, CFG_COMMAND, cmd, 2);
    ospm_virtio_probe(devfn, ids);
}

void ospm_pci_bind_all(void)
{
    int d;

    for (d = 0; d < 256; d++) {
        if (ospm_pci_fn(d)->ids) {
            bind_driver(d, false);
        }
    }
}

void ospm_pci_add_function(uint8_t devfn, uint32_t ids)
{
    OspmFunction *f = ospm_pci_fn_new(devfn);

    ospm_pci_size_regions(devfn, f->regions);
    assign_regions(devfn, f);
    f->ids = ids;
    bind_driver(devfn, true);
}

void ospm_pci_remove_function(uint8_t devfn)
{
    OspmFunction *f = pci.fns[devfn];

    if (!f || !f->ids) {
        return;
    }
    if (ospm_virtio_match(f->ids)) {
        ospm_virtio_remove(devfn);
        cfg_write(devfn, CFG_COMMAND,
                  cfg_read(devfn, CFG_COMMAND, 2) & ~CMD_MASTER, 2);
    }
    free(f);
    pci.fns[devfn] = NULL;
}
