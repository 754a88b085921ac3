/*
 * PIIX4 power management function (00:01.3, QOM type "PIIX4_PM") as QEMU
 * 7.2's pc machine has it: the PCI function itself, the "piix4-pm" PM
 * I/O block at PMBA (config 0x40, enabled by config 0x80 bit 0), the
 * SMBus host block at config 0x90 (enabled by 0xd2 bit 0), APM control and
 * status at 0xb2/0xb3, the GPE0 block at 0xafe0 and the legacy CPU
 * hotplug block at 0xaf00.  The SCI is a level on the qemu_irq given at
 * creation (GSI 9 on pc).
 */
#ifndef QMACHINED_ACPI_PIIX4_H
#define QMACHINED_ACPI_PIIX4_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi/core.h"
#include "acpi/memhp.h"
#include "src/irq.h"
#include "src/pc-cpus.h"
#include "src/pci.h"

#define TYPE_PIIX4_PM "PIIX4_PM"

#define PIIX4_PM_DEVICE_ID 0x7113 /* 82371AB PIIX4 ACPI */
#define PIIX4_PM_REVISION 0x03
#define PIIX4_SMB_IO_BASE_DEFAULT 0xb100
#define PIIX4_SCI_INT 9

/* Fixed I/O blocks. */
#define PIIX4_GPE0_BASE 0xafe0
#define PIIX4_GPE0_LEN 4
#define PIIX4_CPU_HOTPLUG_IO_BASE 0xaf00
#define PIIX4_APM_CNT_IOPORT 0xb2

/* GPE0 status bits the hotplug models raise. */
#define PIIX4_GPE_PCI_HOTPLUG 0x02
#define PIIX4_GPE_CPU_HOTPLUG 0x04
#define PIIX4_GPE_MEM_HOTPLUG 0x08

typedef struct PIIX4PMState PIIX4PMState;
typedef struct AcpiPciHpState AcpiPciHpState;

/*
 * Creates and realizes PIIX4_PM at devfn on bus: config bytes as QEMU
 * after reset, the I/O blocks mapped into the bus's I/O space, the
 * power-button hook registered.  smb_io_base: 0xb100 on pc.  sci_irq: the
 * SCI line (GSI 9).  smi_irq: raised on APM commands other than 0xf0/0xf1
 * while config 0x5b bit 1 is set (may be NULL).  smm_enabled: the
 * machine's SMM (true under TCG unless smm=off).  cpus: the machine's
 * CPU slots (kept; may be NULL: none), for the CPU hotplug interface at
 * 0xaf00 (acpi/cpuhp.h): the PM's hotplug methods pass vCPU plug, unplug
 * requests and unplugs to it, its notifications are GPE.2 and the guest's
 * ejects go through qdev_remove().  The device starts reset.
 */
PIIX4PMState *piix4_pm_init(PCIBus *bus, int devfn, uint32_t smb_io_base,
                            qemu_irq sci_irq, qemu_irq smi_irq,
                            bool smm_enabled, const PCCpus *cpus);

/*
 * Once every board device exists (QEMU's machine-done notifier): fills
 * config 0x5f/0x63/0x67 from the ISA parallel/serial ports present.
 */
void piix4_pm_machine_ready(PIIX4PMState *s);

/* GPE injection for the hotplug models: GPE0 status |= bits, SCI update. */
void piix4_send_gpe(PIIX4PMState *s, uint8_t bits);
/* The power button (system_powerdown runs it through the hook). */
void piix4_pm_power_button(PIIX4PMState *s);

/*
 * The PM is the hotplug handler of its PCI bus (its class's methods):
 * PCI devices go to its ACPI PCI hotplug state (acpi/pcihp.h), set once
 * by piix4_pcihp_init; other types fail with QEMU's "not supported"
 * errors.  Each PIIX4 reset also resets that state.
 */
void piix4_pm_set_pcihp(PIIX4PMState *s, AcpiPciHpState *hp);
AcpiPciHpState *piix4_pm_get_pcihp(const PIIX4PMState *s);

PCIDevice *piix4_pm_pci_device(PIIX4PMState *s);

/*
 * PIIX4: creates the state at 0xae00 in the PM's bus I/O space (unless
 * both acpi-pci-hotplug-with-bridge-support and acpi-root-pci-hotplug are
 * off), gives it to the PM (whose class's hotplug methods call the
 * functions above for PCI devices, and whose reset resets it) and, with
 * root hotplug on, makes the PM the hotplug handler of its bus.  Call
 * once, right after piix4_pm_init(), before any -device.  Returns NULL
 * when disabled.
 */
AcpiPciHpState *piix4_pcihp_init(PIIX4PMState *pm);
/* The state piix4_pcihp_init() made for pm, or NULL. */
AcpiPciHpState *piix4_pcihp_get(PIIX4PMState *pm);

/*
 * The PM's ACPI memory hotplug block at 0x0a00 in its PCI I/O space
 * (slots may be 0: no region, but query-acpi-ospm-status answers []):
 * notifications as GPE.3, ejects through dimm_eject(); the PM's hotplug
 * methods pass pc-dimm plug, unplug requests and unplugs to it.  Call
 * once, after piix4_pm_init().
 */
MemHotplugState *piix4_memhp_init(PIIX4PMState *pm, unsigned slots);

/*
 * The machine's _OST records as query-acpi-ospm-status lists them: one
 * per DIMM slot, then (modern CPU hotplug) one per possible CPU, each
 * passed to fn.  The ACPI device is the machine's PIIX4 PM; fails with
 * QEMU's message when there is none.
 */
bool piix4_pm_ospm_status(AcpiOstInfoFn *fn, void *opaque, Error **errp);

/* The ACPI event registers of the machine's PIIX4 PM, as they are (no
 * read side effects), and the SCI's level. */
typedef struct Piix4AcpiInfo {
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    uint16_t gpe0_sts, gpe0_en; /* GPE0 status and enable, bytes 0 and 1 */
    bool sci;
} Piix4AcpiInfo;
/* false when the machine has no ACPI device (acpi=off, none). */
bool piix4_pm_acpi_info(Piix4AcpiInfo *info);
AcpiRegs *piix4_pm_acpi_regs(PIIX4PMState *s);
/* The current PM I/O base (config 0x40 & 0xffc0). */
uint32_t piix4_pm_io_base(const PIIX4PMState *s);
bool piix4_pm_cpu_hotplug_legacy(const PIIX4PMState *s);

void piix4_pm_register_types(void);

#endif
