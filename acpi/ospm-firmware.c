/*
 * The simulated guest's firmware: what SeaBIOS does to the pc machine
 * before the OS starts, as far as the OS and hotplug later depend on it.
 * It routes PIIX3's PCI links A-D to IRQs 10, 10, 11, 11 (level in the
 * ELCR), enumerates and sizes every function on bus 0, assigns the BARs
 * (biggest first: memory at the top of the 32-bit window, prefetchable
 * below it, I/O upwards from 0xc000), sets each function's interrupt
 * line and decoding, maps the PIIX4 PM and SMBus blocks, enables IDE
 * decoding and programs the i440FX PAM registers.  docs/GUEST.md has
 * the reference values.
 */
#include <stddef.h>

#include "acpi/ospm-int.h"

#define PORT_ELCR_MASTER 0x4d0
#define PORT_ELCR_SLAVE 0x4d1

#define I440FX_PAM0 0x59
#define IDE_TIMING_PRI 0x40
#define IDE_TIMING_SEC 0x42
#define IDE_DECODE_ENABLE 0x8000
#define PM_PMBA 0x40
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_SMBHSTCFG 0xd2
#define PM_SMB_BASE 0x0700
#define PM_SCI_IRQ 9

/* SeaBIOS's I/O window starts here (its memory window ends at
 * SEABIOS_MEM_END). */
#define SEABIOS_IO_BASE 0xc000

static const uint8_t seabios_pirq_irqs[4] = { 10, 10, 11, 11 };

typedef struct BarRef {
    uint8_t devfn;
    uint8_t idx;
} BarRef;

/* SeaBIOS: biggest first, stable by bus order; mem at the top of the
 * 32-bit window, prefetchable below it, I/O upwards from 0xc000. */
static void seabios_assign(void)
{
    BarRef refs[256 * NREGIONS];
    size_t n = 0, i, j;
    uint64_t io_next = SEABIOS_IO_BASE, sum[2] = { 0, 0 }, align[2] = { 1, 1 };
    uint64_t next[2];
    int d;

    for (d = 0; d < 256; d++) {
        for (i = 0; i < NREGIONS && ospm_pci_fn(d)->ids; i++) {
            if (ospm_pci_fn(d)->regions[i].kind != REG_NONE) {
                refs[n].devfn = d;
                refs[n].idx = i;
                n++;
            }
        }
    }
    /* Insertion sort by size, descending; stable. */
    for (i = 1; i < n; i++) {
        BarRef key = refs[i];
        uint64_t ks = ospm_pci_fn(key.devfn)->regions[key.idx].size;

        for (j = i;
             j > 0 &&
             ospm_pci_fn(refs[j - 1].devfn)->regions[refs[j - 1].idx].size < ks;
             j--) {
            refs[j] = refs[j - 1];
        }
        refs[j] = key;
    }
    for (i = 0; i < n; i++) {
        const OspmRegion *r = &ospm_pci_fn(refs[i].devfn)->regions[refs[i].idx];
        int k = r->prefetch ? 1 : 0;

        if (r->kind == REG_IO) {
            continue;
        }
        sum[k] += r->size;
        if (r->size > align[k]) {
            align[k] = r->size;
        }
    }
    next[0] = (SEABIOS_MEM_END - sum[0]) & ~(align[0] - 1);
    next[1] = (next[0] - sum[1]) & ~(align[1] - 1);
    for (i = 0; i < n; i++) {
        OspmRegion *r = &ospm_pci_fn_known(refs[i].devfn)->regions[refs[i].idx];

        if (r->kind == REG_IO) {
            r->addr = io_next;
            io_next += r->size;
        } else {
            int k = r->prefetch ? 1 : 0;

            r->addr = next[k];
            next[k] += r->size;
        }
        ospm_pci_write_region(refs[i].devfn, refs[i].idx, r);
    }
}

void ospm_firmware_boot(void)
{
    int d, i;

    /* PIIX3: PCI links A-D to IRQ 10, 10, 11, 11, those IRQs level. */
    for (i = 0; i < 4; i++) {
        cfg_write(DEVFN_PIIX3, PIIX3_PIRQC + i, seabios_pirq_irqs[i], 1);
    }
    io_out(PORT_ELCR_MASTER, 0x00, 1);
    io_out(PORT_ELCR_SLAVE, (1u << (10 - 8)) | (1u << (11 - 8)), 1);

    /* Enumerate and size every function on bus 0. */
    ospm_pci_forget_all();
    for (d = 0; d < 256; d++) {
        OspmFunction *f;

        if ((d & 7) &&
            !(cfg_read(d & ~7, CFG_HEADER_TYPE, 1) & HEADER_MULTIFUNCTION)) {
            continue;
        }
        if (!fn_present(d)) {
            continue;
        }
        f = ospm_pci_fn_new(d);
        f->ids = cfg_read(d, CFG_VENDOR, 4);
        if (!f->ids) {
            f->ids = 0xffff0000u; /* keep it marked */
        }
        ospm_pci_size_regions(d, f->regions);
    }
    seabios_assign();

    for (d = 0; d < 256; d++) {
        uint8_t pin;

        if (!ospm_pci_fn(d)->ids) {
            continue;
        }
        pin = cfg_read(d, CFG_INT_PIN, 1);
        if (d == DEVFN_PIIX4_PM) {
            /* The SCI is wired to IRQ 9. */
            cfg_write(d, CFG_INT_LINE, PM_SCI_IRQ, 1);
        } else if (pin >= 1 && pin <= 4) {
            cfg_write(d, CFG_INT_LINE,
                      seabios_pirq_irqs[ospm_pci_pirq_of(d, pin)], 1);
        }
        cfg_write(d, CFG_COMMAND,
                  cfg_read(d, CFG_COMMAND, 2) | CMD_IO | CMD_MEMORY | CMD_SERR,
                  2);
    }

    /* PIIX4 PM: PM block at 0x600, SMBus at 0x700, both enabled. */
    cfg_write(DEVFN_PIIX4_PM, PM_PMBA, PM_BASE | BAR_SPACE_IO, 4);
    cfg_write(DEVFN_PIIX4_PM, PM_PMREGMISC, 0x01, 1);
    cfg_write(DEVFN_PIIX4_PM, PM_SMBBA, PM_SMB_BASE | BAR_SPACE_IO, 4);
    cfg_write(DEVFN_PIIX4_PM, PM_SMBHSTCFG, 0x09, 1);
    /* PIIX IDE: decode both channels. */
    cfg_write(DEVFN_PIIX_IDE, IDE_TIMING_PRI, IDE_DECODE_ENABLE, 2);
    cfg_write(DEVFN_PIIX_IDE, IDE_TIMING_SEC, IDE_DECODE_ENABLE, 2);
    /* i440FX PAM: BIOS read-only, 0xc0000-0xe7fff read-only, rest RW. */
    cfg_write(DEVFN_I440FX, I440FX_PAM0, 0x10, 1);
    for (i = 1; i <= 5; i++) {
        cfg_write(DEVFN_I440FX, I440FX_PAM0 + i, 0x11, 1);
    }
    cfg_write(DEVFN_I440FX, I440FX_PAM0 + 6, 0x33, 1);
}
