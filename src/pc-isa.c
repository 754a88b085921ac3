/*
 * The legacy devices QEMU 7.2's pc machine builds on its ISA bus even with
 * -nodefaults, in QEMU's order, and the board data they carry: the CMOS
 * bytes QEMU's pc code fills in (memory sizes, equipment, boot order,
 * disk and floppy types) and the fw_cfg items of the x86 machine.
 */
#include "pc-isa.h"

#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "qdev.h"
#include "util.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)

/* ISA IRQs. */
#define ISA_IRQ_KBD 1
#define ISA_IRQ_FDC 6
#define ISA_IRQ_RTC 8
#define ISA_IRQ_MOUSE 12
#define ISA_IRQ_FERR 13

#define PIT_BASE 0x40
#define PCSPK_PORT 0x61
#define RTC_BASE 0x70
#define VAPIC_PORT 0x7e
#define PORT92_PORT 0x92
#define FDC_BASE 0x3f0
#define FW_CFG_IO_BASE 0x510
#define FW_CFG_DMA_BASE 0x514
#define VMPORT_PORT 0x5658

/* CMOS locations QEMU's pc code fills in. */
#define CMOS_FD_TYPES 0x10
#define CMOS_HD_TYPES 0x12
#define CMOS_EQUIPMENT 0x14
#define CMOS_BASE_MEM 0x15
#define CMOS_EXT_MEM 0x17
#define CMOS_EXT_MEM2 0x30
#define CMOS_HD_TRANSLATION 0x39
#define CMOS_MEM_16M_4G 0x34
#define CMOS_BOOT_FLAGS2 0x38
#define CMOS_BOOT_FLAGS1 0x3d
#define CMOS_MEM_ABOVE_4G 0x5b
#define CMOS_NB_CPUS 0x5f

#define EQUIPMENT_FPU 0x02
#define EQUIPMENT_PS2_MOUSE 0x04

/* fw_cfg selectors. */
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_IRQ0_OVERRIDE 0x8002
#define FW_CFG_E820_TABLE 0x8003

#define E820_RAM 1
#define E820_ENTRY_SIZE 20
#define E820_RESERVE_ENTRIES 16

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void cmos_set16(RTCState *rtc, unsigned addr, uint64_t v)
{
    rtc_set_memory(rtc, addr, (uint8_t)v);
    rtc_set_memory(rtc, addr + 1, (uint8_t)(v >> 8));
}

/* Boot device letter -> CMOS nibble (floppy 1, disk 2, CD 3, net 4). */
static int boot_nibble(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    default:
        return 0;
    }
}

static void pc_cmos_init(RTCState *rtc, const PCISAConfig *cfg)
{
    uint64_t v;
    int bds[3] = { 0, 0, 0 };
    const char *order = cfg->boot_order ? cfg->boot_order : "cad";
    size_t i;

    v = cfg->below_4g / KiB;
    cmos_set16(rtc, CMOS_BASE_MEM, v < 640 ? v : 640);
    v = cfg->below_4g > MiB ? (cfg->below_4g - MiB) / KiB : 0;
    if (v > 0xffff) {
        v = 0xffff;
    }
    cmos_set16(rtc, CMOS_EXT_MEM, v);
    cmos_set16(rtc, CMOS_EXT_MEM2, v);
    v = cfg->below_4g > 16 * MiB ? (cfg->below_4g - 16 * MiB) / (64 * KiB) : 0;
    if (v > 0xffff) {
        v = 0xffff;
    }
    cmos_set16(rtc, CMOS_MEM_16M_4G, v);
    v = cfg->above_4g / (64 * KiB);
    rtc_set_memory(rtc, CMOS_MEM_ABOVE_4G, (uint8_t)v);
    rtc_set_memory(rtc, CMOS_MEM_ABOVE_4G + 1, (uint8_t)(v >> 8));
    rtc_set_memory(rtc, CMOS_MEM_ABOVE_4G + 2, (uint8_t)(v >> 16));
    rtc_set_memory(rtc, CMOS_NB_CPUS, (uint8_t)(cfg->cpus - 1));

    for (i = 0; i < 3 && order[i]; i++) {
        bds[i] = boot_nibble(order[i]);
    }
    rtc_set_memory(rtc, CMOS_BOOT_FLAGS1, (uint8_t)((bds[1] << 4) | bds[0]));
    /* Low bit clear: the floppy boot signature is checked. */
    rtc_set_memory(rtc, CMOS_BOOT_FLAGS2, (uint8_t)(bds[2] << 4));

    rtc_set_memory(rtc, CMOS_EQUIPMENT, EQUIPMENT_FPU | EQUIPMENT_PS2_MOUSE);
    /* No IDE disks and no floppy drives with -nodefaults. */
    rtc_set_memory(rtc, CMOS_HD_TYPES, 0);
    rtc_set_memory(rtc, CMOS_HD_TRANSLATION, 0);
    rtc_set_memory(rtc, CMOS_FD_TYPES, 0);
}

static void pc_fw_cfg_init(FWCfgState *fw, const PCISAConfig *cfg)
{
    uint8_t uuid[16] = { 0 };
    uint8_t e820[2 * E820_ENTRY_SIZE];
    uint8_t *reserve;
    uint8_t *numa;
    size_t numa_len;
    unsigned n = 0;

    if (cfg->uuid) {
        memcpy(uuid, cfg->uuid, sizeof(uuid));
    }
    fw_cfg_add_bytes(fw, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, 0);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, (uint16_t)cfg->cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, (uint16_t)cfg->apic_id_limit);
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, cfg->ram_size);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);

    /* Reserved ranges (none without KVM): a count and 16 slots. */
    reserve = xzalloc(4 + E820_RESERVE_ENTRIES * E820_ENTRY_SIZE);
    fw_cfg_add_bytes(fw, FW_CFG_E820_TABLE, reserve,
                     4 + E820_RESERVE_ENTRIES * E820_ENTRY_SIZE);
    free(reserve);

    put_le(e820, 0, 8);
    put_le(e820 + 8, cfg->below_4g, 8);
    put_le(e820 + 16, E820_RAM, 4);
    n++;
    if (cfg->above_4g) {
        put_le(e820 + 20, 1ull << 32, 8);
        put_le(e820 + 28, cfg->above_4g, 8);
        put_le(e820 + 36, E820_RAM, 4);
        n++;
    }
    fw_cfg_add_file(fw, "etc/e820", e820, n * E820_ENTRY_SIZE);

    /* NUMA: node count, then a node per APIC ID, then each node's size. */
    numa_len = (1 + cfg->apic_id_limit + cfg->numa_nodes) * 8;
    numa = xzalloc(numa_len);
    put_le(numa, cfg->numa_nodes, 8);
    fw_cfg_add_bytes(fw, FW_CFG_NUMA, numa, (uint32_t)numa_len);
    free(numa);
}

PCISA *pc_isa_new(MemoryRegion *io, qemu_irq *isa_irqs)
{
    PCISA *isa = xzalloc(sizeof(*isa));

    isa->io = io;
    isa->irqs = isa_irqs;
    return isa;
}

void pc_isa_create_objects(PCISA *isa, PCISAObjects which)
{
    MemoryRegion *io = isa->io;

    switch (which) {
    case PC_ISA_OBJ_VAPIC:
        isa->vapic = kvmvapic_init(io, VAPIC_PORT);
        break;
    case PC_ISA_OBJ_DMA:
        isa->dma[0] = i8257_init(io, 0x00, 0, 0x80);
        isa->dma[1] = i8257_init(io, 0xc0, 1, 0x88);
        break;
    case PC_ISA_OBJ_RTC:
        isa->rtc = rtc_init(io, RTC_BASE, isa->irqs[ISA_IRQ_RTC]);
        break;
    case PC_ISA_OBJ_REST:
        isa->pit = pit_init(io, PIT_BASE, isa->irqs[0]);
        isa->pcspk = pcspk_init(io, PCSPK_PORT, isa->pit);
        isa->fdc = fdc_init(io, FDC_BASE, isa->irqs[ISA_IRQ_FDC]);
        isa->kbd =
            i8042_init(io, isa->irqs[ISA_IRQ_KBD], isa->irqs[ISA_IRQ_MOUSE]);
        isa->vmport = vmport_init(io, VMPORT_PORT);
        isa->vmmouse = vmmouse_init();
        isa->port92 = port92_init(io, PORT92_PORT);
        break;
    case PC_ISA_OBJ_FW_CFG:
        isa->fw_cfg = fw_cfg_init_io_dma(io, FW_CFG_IO_BASE, FW_CFG_DMA_BASE,
                                         &address_space_memory);
        break;
    }
}

void pc_isa_init(PCISA *isa, const PCISAConfig *cfg)
{
    isa->ioports = pc_ioports_init(isa->io, isa->irqs[ISA_IRQ_FERR]);
    pc_fw_cfg_init(isa->fw_cfg, cfg);
    pc_cmos_init(isa->rtc, cfg);
}

void pc_isa_reset(PCISA *isa)
{
    i8257_reset(isa->dma[0]);
    i8257_reset(isa->dma[1]);
    rtc_reset(isa->rtc);
    pit_reset(isa->pit);
    fdc_reset(isa->fdc);
    i8042_reset(isa->kbd);
    port92_reset(isa->port92);
    fw_cfg_reset(isa->fw_cfg);
}
