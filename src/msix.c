/* MSI-X capability, table and PBA; see msix.h. */
#include "msix.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Capability registers. */
#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_QSIZE 0x07ff
#define PCI_MSIX_FLAGS_MASKALL 0x4000
#define PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE 4
#define PCI_MSIX_PBA 8
#define MSIX_CAP_LENGTH 12

/* Table entries. */
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_VECTOR_CTRL 12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* The exclusive BAR. */
#define MSIX_EXCLUSIVE_BAR_SIZE 4096
#define MSIX_EXCLUSIVE_PBA_OFFSET 2048

static uint32_t msix_pba_size(const MSIXState *m)
{
    return ((m->nvectors + 63) / 64) * 8;
}

static uint16_t msix_flags(const MSIXState *m)
{
    return pci_get_word(m->dev->config + m->cap + PCI_MSIX_FLAGS);
}

uint32_t msix_nr_vectors(const MSIXState *m)
{
    return m->ready ? m->nvectors : 0;
}

bool msix_enabled(const MSIXState *m)
{
    return m->ready && (msix_flags(m) & PCI_MSIX_FLAGS_ENABLE);
}

static bool msix_vector_masked(const MSIXState *m, unsigned v)
{
    return (msix_flags(m) & PCI_MSIX_FLAGS_MASKALL) ||
           (m->table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] &
            PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

void msix_notify(MSIXState *m, unsigned v)
{
    if (v >= msix_nr_vectors(m)) {
        return;
    }
    if (msix_vector_masked(m, v)) {
        m->pba[v / 8] |= (uint8_t)(1u << (v % 8));
        return;
    }
    /* Delivery to the local APIC is not modelled (no CPU). */
}

static uint64_t msix_table_read(void *opaque, uint64_t addr, unsigned size)
{
    MSIXState *m = opaque;
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        if (addr + i < (uint64_t)m->nvectors * PCI_MSIX_ENTRY_SIZE) {
            v |= (uint64_t)m->table[addr + i] << (8 * i);
        }
    }
    return v;
}

static void msix_table_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    MSIXState *m = opaque;
    unsigned i;

    for (i = 0; i < size; i++) {
        if (addr + i < (uint64_t)m->nvectors * PCI_MSIX_ENTRY_SIZE) {
            m->table[addr + i] = (uint8_t)(val >> (8 * i));
        }
    }
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t msix_pba_read(void *opaque, uint64_t addr, unsigned size)
{
    MSIXState *m = opaque;
    uint32_t pba_size = msix_pba_size(m);
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        if (addr + i < pba_size) {
            v |= (uint64_t)m->pba[addr + i] << (8 * i);
        }
    }
    return v;
}

/* The PBA is read-only: writes are dropped. */
static void msix_pba_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* Every vector masked, nothing pending. */
static void msix_reset_table(MSIXState *m)
{
    uint32_t i;

    memset(m->table, 0, (size_t)m->nvectors * PCI_MSIX_ENTRY_SIZE);
    memset(m->pba, 0, msix_pba_size(m));
    for (i = 0; i < m->nvectors; i++) {
        m->table[i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] =
            PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
}

bool msix_init_exclusive_bar(MSIXState *m, PCIDevice *d, uint32_t nvectors,
                             uint8_t bar_nr, Error **errp)
{
    uint32_t table_size = nvectors * PCI_MSIX_ENTRY_SIZE;
    uint32_t pba_size = ((nvectors + 63) / 64) * 8;
    uint32_t pba_off = table_size, bar_size;
    char *owner;
    char *name;
    int cap;

    if (nvectors > MSIX_MAX_VECTORS) {
        error_setg(errp, "Invalid vector count %u", nvectors);
        return false;
    }
    bar_size = table_size + pba_size;
    if (bar_size <= MSIX_EXCLUSIVE_BAR_SIZE / 2) {
        pba_off = MSIX_EXCLUSIVE_PBA_OFFSET;
        bar_size = MSIX_EXCLUSIVE_BAR_SIZE;
    } else {
        bar_size = (uint32_t)pow2ceil64(bar_size);
    }
    cap = pci_add_capability(d, PCI_CAP_ID_MSIX, 0, MSIX_CAP_LENGTH, errp);
    if (cap < 0) {
        return false;
    }
    m->dev = d;
    m->nvectors = nvectors;
    m->cap = (uint8_t)cap;
    m->table = xzalloc(table_size ? table_size : 1);
    m->pba = xzalloc(pba_size ? pba_size : 1);
    pci_set_word(d->config + cap + PCI_MSIX_FLAGS, (uint16_t)(nvectors - 1));
    pci_set_long(d->config + cap + PCI_MSIX_TABLE, bar_nr);
    pci_set_long(d->config + cap + PCI_MSIX_PBA, pba_off | bar_nr);
    d->wmask[cap + PCI_MSIX_FLAGS + 1] |=
        (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
    msix_reset_table(m);

    owner = pci_mr_owner(d);
    name = xasprintf("%s-msix", d->name);
    memory_region_init(&m->bar, owner, name, bar_size);
    free(name);
    memory_region_init_io(&m->table_mr, owner, &msix_table_ops, m, "msix-table",
                          table_size);
    memory_region_init_io(&m->pba_mr, owner, &msix_pba_ops, m, "msix-pba",
                          pba_size);
    memory_region_add_subregion(&m->bar, 0, &m->table_mr);
    memory_region_add_subregion(&m->bar, pba_off, &m->pba_mr);
    pci_register_bar(d, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY, &m->bar);
    m->ready = true;
    free(owner);
    return true;
}

void msix_uninit(MSIXState *m)
{
    if (!m->ready) {
        return;
    }
    memory_region_del_subregion(&m->bar, &m->table_mr);
    memory_region_del_subregion(&m->bar, &m->pba_mr);
    memory_region_finalize(&m->table_mr);
    memory_region_finalize(&m->pba_mr);
    memory_region_finalize(&m->bar);
    pci_del_capability(m->dev, PCI_CAP_ID_MSIX, MSIX_CAP_LENGTH);
    free(m->table);
    free(m->pba);
    m->table = NULL;
    m->pba = NULL;
    m->ready = false;
}

void msix_reset(MSIXState *m)
{
    uint8_t *flags;

    if (!m->ready) {
        return;
    }
    flags = m->dev->config + m->cap + PCI_MSIX_FLAGS;
    pci_set_word(flags,
                 pci_get_word(flags) & (uint16_t) ~(PCI_MSIX_FLAGS_ENABLE |
                                                    PCI_MSIX_FLAGS_MASKALL));
    msix_reset_table(m);
}
