/*
 * The pc machine's legacy ISA devices (src/pc-isa.c), built by pc.c.
 */
#ifndef QMACHINED_PC_ISA_H
#define QMACHINED_PC_ISA_H

#include "isa.h"

typedef struct PCISAConfig {
    uint64_t ram_size, below_4g, above_4g;
    unsigned cpus; /* at start-up */
    unsigned apic_id_limit; /* highest APIC ID + 1 */
    unsigned numa_nodes;
    const char *boot_order; /* NULL: "cad" */
    const uint8_t *uuid; /* 16 bytes or NULL */
} PCISAConfig;

/* The board's references to its ISA devices (each its own QOM object). */
typedef struct PCISA {
    MemoryRegion *io;
    qemu_irq *irqs; /* the 16 ISA IRQ lines (GSIs 0-15) */
    VAPICState *vapic;
    I8257State *dma[2];
    PCIOPorts *ioports;
    RTCState *rtc;
    PITState *pit;
    PCSpkState *pcspk;
    FDCtrlState *fdc;
    I8042State *kbd;
    VMPortState *vmport;
    VMMouseState *vmmouse;
    Port92State *port92;
    FWCfgState *fw_cfg;
} PCISA;

/* No device yet; isa_irqs: the 16 ISA IRQ lines (GSIs 0-15). */
PCISA *pc_isa_new(MemoryRegion *io, qemu_irq *isa_irqs);

/*
 * Creates and realizes the devices of a group, so that pc.c can
 * interleave them with the others in QEMU's /machine/unattached order:
 * kvmvapic after the CPU, the DMA pair after PIIX3, the RTC after the
 * HPET, then PIT, speaker, FDC, i8042, vmport, vmmouse and port92;
 * /machine/fw_cfg.
 */
typedef enum PCISAObjects {
    PC_ISA_OBJ_VAPIC,
    PC_ISA_OBJ_DMA,
    PC_ISA_OBJ_RTC,
    PC_ISA_OBJ_REST,
    PC_ISA_OBJ_FW_CFG,
} PCISAObjects;
void pc_isa_create_objects(PCISA *isa, PCISAObjects which);

/*
 * Once every group exists: ports 0x80 and 0xf0, and the board data the
 * CMOS and fw_cfg carry.
 */
void pc_isa_init(PCISA *isa, const PCISAConfig *cfg);
/* System reset of every device (the PIT re-drives GSI 0). */
void pc_isa_reset(PCISA *isa);

#endif
