/*
 * ISA floppy controller at 0x3f0 ("fdc": ports 0x3f1-0x3f5 and 0x3f7, as
 * QEMU's portio list) with no drives attached, as -nodefaults gives.
 * Modelled: status register B, the digital output register (motor and
 * drive bits into SRB, drive select), the tape drive register, the main
 * status register and data rate select, the digital input register, and
 * the FIFO read outside a result phase.  Commands are not executed.
 */
#include "isa.h"

#include <stdlib.h>

#include "util.h"

#define FD_REG_SRB 0x01
#define FD_REG_DOR 0x02
#define FD_REG_TDR 0x03
#define FD_REG_MSR 0x04 /* write: DSR */
#define FD_REG_FIFO 0x05
#define FD_REG_DIR 0x07 /* write: CCR */

#define FD_SRB_MTR0 0x01
#define FD_SRB_MTR1 0x02
#define FD_SRB_DR0 0x20
#define FD_SRB_RESET 0xc0

#define FD_DOR_SELMASK 0x01
#define FD_DOR_NRESET 0x04
#define FD_DOR_MOTEN0 0x10
#define FD_DOR_MOTEN1 0x20
#define FD_DOR_RESET 0x0c

#define FD_TDR_BOOTSEL 0x04
#define FD_MSR_RQM 0x80
#define FD_MSR_DIO 0x40
#define FD_DSR_DEFAULT 0x02
#define FD_DIR_DSKCHG 0x80

struct FDCtrlState {
    ISADevice parent_obj;
    /* Set by the board before realize: base 0x3f0, IRQ 6. */
    uint16_t base;
    qemu_irq irq;
    /* Registers. */
    uint8_t srb, dor, tdr, msr, dsr;
    uint8_t cur_drv;
    ISAPortioRange regs, dir;
};

OBJECT_DECLARE_CASTS(FDCtrlState, DeviceClass, ISA_FDC, TYPE_ISA_FDC)

static uint8_t fdc_read(void *opaque, uint32_t port)
{
    FDCtrlState *s = opaque;

    switch (port & 7) {
    case FD_REG_SRB:
        return s->srb;
    case FD_REG_DOR:
        return (uint8_t)(s->dor | s->cur_drv);
    case FD_REG_TDR:
        return s->tdr;
    case FD_REG_MSR:
        return s->msr;
    case FD_REG_FIFO:
        return 0; /* not in a result phase */
    case FD_REG_DIR:
        return FD_DIR_DSKCHG; /* no medium */
    default:
        return 0xff;
    }
}

static void fdc_write_dor(FDCtrlState *s, uint8_t val)
{
    if (val & FD_DOR_MOTEN0) {
        s->srb |= FD_SRB_MTR0;
    } else {
        s->srb &= ~FD_SRB_MTR0;
    }
    if (val & FD_DOR_MOTEN1) {
        s->srb |= FD_SRB_MTR1;
    } else {
        s->srb &= ~FD_SRB_MTR1;
    }
    if (val & 1) {
        s->srb |= FD_SRB_DR0;
    } else {
        s->srb &= ~FD_SRB_DR0;
    }
    s->cur_drv = val & FD_DOR_SELMASK;
    s->dor = val;
}

static void fdc_write(void *opaque, uint32_t port, uint8_t val)
{
    FDCtrlState *s = opaque;

    switch (port & 7) {
    case FD_REG_DOR:
        fdc_write_dor(s, val);
        break;
    case FD_REG_TDR:
        if (s->dor & FD_DOR_NRESET) {
            s->tdr = val & FD_TDR_BOOTSEL;
        }
        break;
    case FD_REG_MSR:
        if (s->dor & FD_DOR_NRESET) {
            s->dsr = val;
        }
        break;
    default:
        break; /* FIFO commands and CCR not modelled */
    }
}

void fdc_reset(FDCtrlState *s)
{
    s->srb = FD_SRB_RESET;
    s->dor = FD_DOR_RESET;
    s->cur_drv = 0;
    s->tdr = 0;
    s->dsr = FD_DSR_DEFAULT;
    s->msr = FD_MSR_RQM;
    qemu_irq_lower(s->irq);
}

static bool fdc_realize(DeviceState *dev, Error **errp)
{
    FDCtrlState *s = ISA_FDC(dev);
    MemoryRegion *io = s->parent_obj.io;

    (void)errp;
    isa_portio_init(&s->regs, io, "fdc", s->base + FD_REG_SRB, 5, fdc_read,
                    fdc_write, s);
    isa_portio_init(&s->dir, io, "fdc", s->base + FD_REG_DIR, 1, fdc_read,
                    fdc_write, s);
    fdc_reset(s);
    return true;
}

static void fdc_qdev_reset(DeviceState *dev)
{
    fdc_reset(ISA_FDC(dev));
}

static void fdc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = fdc_realize;
    dc->reset = fdc_qdev_reset;
}

const TypeInfo fdc_type_info = {
    .name = TYPE_ISA_FDC,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(FDCtrlState),
    .class_size = sizeof(DeviceClass),
    .class_init = fdc_class_init,
};

FDCtrlState *fdc_init(MemoryRegion *io, uint16_t base, qemu_irq irq)
{
    FDCtrlState *s = ISA_FDC(qdev_new(TYPE_ISA_FDC));

    s->parent_obj.io = io;
    s->base = base;
    s->irq = irq;
    isa_realize_board(s);
    return s;
}
