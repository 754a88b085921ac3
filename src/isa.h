/*
 * The legacy ISA devices of QEMU 7.2's pc machine, built even with
 * -nodefaults (pc_basic_device_init and friends): two i8257 DMA
 * controllers, the i8254 PIT with the PC speaker at 0x61, the i8042
 * keyboard controller, the MC146818 RTC/CMOS, kvmvapic's ports, port
 * 0x80, 0xf0 and 0x92, the floppy controller, fw_cfg and vmport.
 *
 * Each device keeps QEMU's region names, sizes and access rules, so the
 * I/O address space's FlatView matches QEMU's, and models the register
 * behaviour that is deterministic while the machine is paused: the
 * virtual clock stands still, so PIT counters never move.
 */
#ifndef QMACHINED_ISA_H
#define QMACHINED_ISA_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"
#include "memory.h"
#include "object.h"
#include "sysbus.h"

/* QOM type names, as QEMU's. */
#define TYPE_I8257 "i8257"
#define TYPE_MC146818_RTC "mc146818rtc"
#define TYPE_ISA_PIT "isa-pit"
#define TYPE_ISA_PCSPK "isa-pcspk"
#define TYPE_ISA_FDC "isa-fdc"
#define TYPE_I8042 "i8042"
#define TYPE_VMPORT "vmport"
#define TYPE_VMMOUSE "vmmouse"
#define TYPE_PORT92 "port92"
#define TYPE_KVMVAPIC "kvmvapic"
#define TYPE_FW_CFG_IO "fw_cfg_io"

/*
 * QEMU's "portio lists": byte-wide registers at port ranges, one region
 * per range.  A 2-byte access reads two ports (0xff beyond the range), a
 * 4-byte one reads all ones and writes nothing.
 */
typedef uint8_t ISAPortioRead(void *opaque, uint32_t port);
typedef void ISAPortioWrite(void *opaque, uint32_t port, uint8_t val);
typedef struct ISAPortioRange {
    MemoryRegion mr;
    uint16_t port; /* first port */
    uint16_t len;
    ISAPortioRead *read;
    ISAPortioWrite *write;
    void *opaque;
} ISAPortioRange;
/* io NULL: the range is initialised but not mapped. */
void isa_portio_init(ISAPortioRange *r, MemoryRegion *io, const char *name,
                     uint16_t port, uint16_t len, ISAPortioRead *read,
                     ISAPortioWrite *write, void *opaque);

/*
 * Each device's state is its QOM instance (an ISADevice, or for fw_cfg
 * and kvmvapic a SysBusDevice).  The *_init helpers below are the board's
 * way to make one: they create the device, give it its ports and lines,
 * realize it (the realize maps its registers; under a machine it goes to
 * /machine/unattached, fw_cfg to /machine/fw_cfg) and return it with the
 * caller's reference.
 */

/* Maps mr at port in dev's I/O space (nothing when it has none). */
void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port);
/* Realizes dev (an ISA or sysbus device) on no bus; aborts on failure. */
void isa_realize_board(void *dev);

/* i8257: dshift 0 = 8-bit controller at 0x00, 1 = 16-bit at 0xc0. */
typedef struct I8257State I8257State;
I8257State *i8257_init(MemoryRegion *io, uint16_t base, unsigned dshift,
                       uint16_t page_base);
void i8257_reset(I8257State *d);

/* i8254 PIT; channel 0's output is irq0. */
typedef struct PITState PITState;
PITState *pit_init(MemoryRegion *io, uint16_t base, qemu_irq irq0);
/* Reset: channels to mode 3, count 0x10000; channel 0's line re-driven. */
void pit_reset(PITState *pit);
/* Drive channel 0's output line to its current level (power-on). */
void pit_update_irq(PITState *pit);
void pit_set_gate(PITState *pit, int channel, int level);
void pit_get_channel_info(PITState *pit, int channel, int *gate, int *mode,
                          int *out);

/* PC speaker (port 0x61): channel 2's gate and output. */
typedef struct PCSpkState PCSpkState;
/* No reset: like QEMU's, its state survives a system reset. */
PCSpkState *pcspk_init(MemoryRegion *io, uint16_t port, PITState *pit);

/* i8042 with its PS/2 keyboard and mouse; IRQ 1 and 12. */
typedef struct I8042State I8042State;
I8042State *i8042_init(MemoryRegion *io, qemu_irq kbd_irq, qemu_irq mouse_irq);
void i8042_reset(I8042State *s);

/* MC146818 RTC and CMOS memory at 0x70; IRQ 8. */
typedef struct RTCState RTCState;
RTCState *rtc_init(MemoryRegion *io, uint16_t base, qemu_irq irq);
void rtc_reset(RTCState *s);
void rtc_set_memory(RTCState *s, unsigned addr, uint8_t val);
uint8_t rtc_get_memory(RTCState *s, unsigned addr);

/* fw_cfg: selector/data at 0x510, DMA at 0x514. */
typedef struct FWCfgState FWCfgState;
FWCfgState *fw_cfg_init_io_dma(MemoryRegion *io, uint16_t base,
                               uint16_t dma_base, AddressSpace *dma_as);
void fw_cfg_reset(FWCfgState *s);
/* Items; data is copied.  Files get selectors from 0x20 by name. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      uint32_t len);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t val);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t val);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t val);
void fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     uint32_t len);

/* Floppy controller (no drives) at 0x3f0; IRQ 6. */
typedef struct FDCtrlState FDCtrlState;
FDCtrlState *fdc_init(MemoryRegion *io, uint16_t base, qemu_irq irq);
void fdc_reset(FDCtrlState *s);

/* Port 0x92 (fast A20, reset). */
typedef struct Port92State Port92State;
Port92State *port92_init(MemoryRegion *io, uint16_t port);
void port92_reset(Port92State *s);

/* Port 0x80 (POST codes) and 0xf0 (FPU error clear, IRQ 13). */
typedef struct PCIOPorts PCIOPorts;
PCIOPorts *pc_ioports_init(MemoryRegion *io, qemu_irq ferr_irq);

/* kvmvapic's two ports at 0x7e. */
typedef struct VAPICState VAPICState;
VAPICState *kvmvapic_init(MemoryRegion *io, uint16_t port);

/* vmport at 0x5658 (the backdoor needs a CPU; none here). */
typedef struct VMPortState VMPortState;
VMPortState *vmport_init(MemoryRegion *io, uint16_t port);

/* vmmouse: no registers of its own (it talks through vmport). */
typedef struct VMMouseState VMMouseState;
VMMouseState *vmmouse_init(void);

/* Reset requests from guest registers (port 0x92, i8042 0xfe/0xd1). */
void isa_request_system_reset(void);

/* The type records, registered by isa.c in QEMU's order. */
extern const TypeInfo i8257_type_info, mc146818rtc_type_info, pit_type_info,
    pcspk_type_info, fdc_type_info, i8042_type_info, vmport_type_info,
    vmmouse_type_info, port92_type_info, kvmvapic_type_info, fw_cfg_type_info,
    fw_cfg_io_type_info;

void isa_register_types(void);

#endif
