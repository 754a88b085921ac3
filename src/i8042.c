/*
 * i8042 keyboard controller at 0x60 ("i8042-data") and 0x64 ("i8042-cmd")
 * with a PS/2 keyboard and mouse reduced to their command replies (no host
 * input reaches them).  The output buffer, its sources (controller,
 * keyboard, mouse), status, command byte and output port behave as in
 * QEMU 7.2; IRQ 1 and 12 follow the output buffer.
 */
#include "isa.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Status register. */
#define STAT_OBF 0x01
#define STAT_SELFTEST 0x04
#define STAT_CMD 0x08
#define STAT_UNLOCKED 0x10
#define STAT_MOUSE_OBF 0x20

/* Command byte ("mode"). */
#define MODE_KBD_INT 0x01
#define MODE_MOUSE_INT 0x02
#define MODE_DISABLE_KBD 0x10
#define MODE_DISABLE_MOUSE 0x20
#define MODE_KCC 0x40

/* Output port. */
#define OUT_RESET 0x01
#define OUT_A20 0x02
#define OUT_OBF 0x10
#define OUT_MOUSE_OBF 0x20
#define OUT_ONES 0xcc

/* Controller commands. */
#define CCMD_READ_MODE 0x20
#define CCMD_WRITE_MODE 0x60
#define CCMD_MOUSE_DISABLE 0xa7
#define CCMD_MOUSE_ENABLE 0xa8
#define CCMD_TEST_MOUSE 0xa9
#define CCMD_SELF_TEST 0xaa
#define CCMD_KBD_TEST 0xab
#define CCMD_KBD_DISABLE 0xad
#define CCMD_KBD_ENABLE 0xae
#define CCMD_READ_INPORT 0xc0
#define CCMD_READ_OUTPORT 0xd0
#define CCMD_WRITE_OUTPORT 0xd1
#define CCMD_WRITE_OBUF 0xd2
#define CCMD_WRITE_AUX_OBUF 0xd3
#define CCMD_WRITE_MOUSE 0xd4
#define CCMD_DISABLE_A20 0xdd
#define CCMD_ENABLE_A20 0xdf
#define CCMD_PULSE_MASK 0xf0
#define CCMD_RESET 0xfe
#define CCMD_NO_OP 0xff

#define SELF_TEST_OK 0x55
#define INPORT_VALUE 0x80

/* Pending output sources; the device ones share the mode's disable bits. */
#define PENDING_KBD MODE_DISABLE_KBD
#define PENDING_AUX MODE_DISABLE_MOUSE
#define PENDING_CTRL_KBD 0x04
#define PENDING_CTRL_AUX 0x08
#define PENDING_DEVICE_MASK (PENDING_KBD | PENDING_AUX)

#define OBSRC_KBD 0x01
#define OBSRC_MOUSE 0x02
#define OBSRC_CTRL 0x04

/* PS/2 device replies. */
#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe
#define PS2_POR_OK 0xaa
#define PS2_ECHO 0xee
#define PS2_KBD_ID0 0xab
#define PS2_KBD_ID1 0x83
#define PS2_KBD_ID1_XLATE 0x41

#define PS2_QUEUE_SIZE 16

typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned rptr, count;
    uint8_t last;
    uint8_t expect_arg; /* command awaiting its argument byte, 0 none */
} PS2Queue;

struct I8042State {
    ISADevice parent_obj;
    /* Set by the board before realize: IRQ 1 and 12. */
    qemu_irq kbd_irq, mouse_irq;
    /* Registers. */
    uint8_t status, mode, outport, write_cmd;
    uint8_t obdata, obsrc, cbdata, pending;
    bool translate;
    PS2Queue kbd, mouse;
    MemoryRegion data_io, cmd_io;
};

OBJECT_DECLARE_CASTS(I8042State, DeviceClass, I8042, TYPE_I8042)

/* ---- PS/2 queues -------------------------------------------------------- */

static void ps2_push(PS2Queue *q, uint8_t b)
{
    if (q->count < PS2_QUEUE_SIZE) {
        q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
        q->count++;
    }
}

static uint8_t ps2_pop(PS2Queue *q)
{
    if (q->count) {
        q->last = q->data[q->rptr];
        q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
        q->count--;
    }
    return q->last;
}

/* ---- Output buffer ------------------------------------------------------ */

static uint8_t i8042_pending(const I8042State *s)
{
    return s->pending & ((~s->mode & PENDING_DEVICE_MASK) | PENDING_CTRL_KBD |
                         PENDING_CTRL_AUX);
}

static void i8042_update_lines(I8042State *s)
{
    int kbd = 0, mouse = 0;

    if (s->status & STAT_OBF) {
        if (s->status & STAT_MOUSE_OBF) {
            mouse = (s->mode & MODE_MOUSE_INT) != 0;
        } else {
            kbd = (s->mode & MODE_KBD_INT) != 0;
        }
    }
    qemu_set_irq(s->kbd_irq, kbd);
    qemu_set_irq(s->mouse_irq, mouse);
}

static void i8042_update(I8042State *s)
{
    uint8_t pending = i8042_pending(s);

    s->status &= ~(STAT_OBF | STAT_MOUSE_OBF);
    s->outport &= ~(OUT_OBF | OUT_MOUSE_OBF);
    if (pending) {
        s->status |= STAT_OBF;
        s->outport |= OUT_OBF;
        if (pending & PENDING_CTRL_KBD) {
            s->obsrc = OBSRC_CTRL;
        } else if (pending & PENDING_CTRL_AUX) {
            s->status |= STAT_MOUSE_OBF;
            s->outport |= OUT_MOUSE_OBF;
            s->obsrc = OBSRC_CTRL;
        } else if (pending & PENDING_KBD) {
            s->obsrc = OBSRC_KBD;
        } else {
            s->status |= STAT_MOUSE_OBF;
            s->outport |= OUT_MOUSE_OBF;
            s->obsrc = OBSRC_MOUSE;
        }
    }
    i8042_update_lines(s);
}

/* Updates unless a byte is already waiting (reading it updates). */
static void i8042_safe_update(I8042State *s)
{
    if (s->status & STAT_OBF) {
        return;
    }
    if (i8042_pending(s)) {
        i8042_update(s);
    }
}

static void i8042_sync_devices(I8042State *s)
{
    s->pending = (uint8_t)((s->pending & ~PENDING_DEVICE_MASK) |
                           (s->kbd.count ? PENDING_KBD : 0) |
                           (s->mouse.count ? PENDING_AUX : 0));
    i8042_safe_update(s);
}

static void i8042_queue_ctrl(I8042State *s, uint8_t b, bool aux)
{
    s->cbdata = b;
    s->pending |= aux ? PENDING_CTRL_AUX : PENDING_CTRL_KBD;
    i8042_safe_update(s);
}

static void i8042_deassert(I8042State *s)
{
    s->status &= ~(STAT_OBF | STAT_MOUSE_OBF);
    s->outport &= ~(OUT_OBF | OUT_MOUSE_OBF);
    i8042_update_lines(s);
}

/* ---- The devices' command replies ------------------------------------- */

static void kbd_command(I8042State *s, uint8_t val)
{
    PS2Queue *q = &s->kbd;

    if (q->expect_arg) {
        q->expect_arg = 0;
        ps2_push(q, PS2_ACK);
        return;
    }
    switch (val) {
    case 0xed: /* set LEDs */
    case 0xf0: /* scancode set */
    case 0xf3: /* typematic rate */
        q->expect_arg = val;
        ps2_push(q, PS2_ACK);
        break;
    case PS2_ECHO:
        ps2_push(q, PS2_ECHO);
        break;
    case 0xf2: /* identify */
        ps2_push(q, PS2_ACK);
        ps2_push(q, PS2_KBD_ID0);
        ps2_push(q, s->translate ? PS2_KBD_ID1_XLATE : PS2_KBD_ID1);
        break;
    case 0xff: /* reset */
        ps2_push(q, PS2_ACK);
        ps2_push(q, PS2_POR_OK);
        break;
    case 0xf4:
    case 0xf5:
    case 0xf6:
        ps2_push(q, PS2_ACK);
        break;
    default:
        ps2_push(q, PS2_RESEND);
        break;
    }
}

static void mouse_command(I8042State *s, uint8_t val)
{
    PS2Queue *q = &s->mouse;

    ps2_push(q, PS2_ACK);
    if (q->expect_arg) {
        q->expect_arg = 0;
        return;
    }
    switch (val) {
    case 0xe8: /* resolution */
    case 0xf3: /* sample rate */
        q->expect_arg = val;
        break;
    case 0xe9: /* status: flags, resolution, rate */
        ps2_push(q, 0x00);
        ps2_push(q, 0x02);
        ps2_push(q, 100);
        break;
    case 0xf2: /* identify */
        ps2_push(q, 0x00);
        break;
    case 0xff: /* reset */
        ps2_push(q, PS2_POR_OK);
        ps2_push(q, 0x00);
        break;
    default:
        break;
    }
}

/* ---- Registers ---------------------------------------------------------- */

static void i8042_set_a20(I8042State *s, bool on)
{
    if (on) {
        s->outport |= OUT_A20;
    } else {
        s->outport &= ~OUT_A20;
    }
}

static void i8042_write_outport(I8042State *s, uint8_t val)
{
    i8042_set_a20(s, (val & OUT_A20) != 0);
    if (!(val & OUT_RESET)) {
        isa_request_system_reset();
    }
}

static uint64_t i8042_status_read(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;

    (void)addr;
    (void)size;
    return s->status;
}

static void i8042_command_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    I8042State *s = opaque;
    uint8_t cmd = (uint8_t)val;

    (void)addr;
    (void)size;
    if ((cmd & CCMD_PULSE_MASK) == CCMD_PULSE_MASK) {
        cmd = (cmd & 1) ? CCMD_NO_OP : CCMD_RESET;
    }
    switch (cmd) {
    case CCMD_READ_MODE:
        i8042_queue_ctrl(s, s->mode, false);
        break;
    case CCMD_WRITE_MODE:
    case CCMD_WRITE_OUTPORT:
    case CCMD_WRITE_OBUF:
    case CCMD_WRITE_AUX_OBUF:
    case CCMD_WRITE_MOUSE:
        s->write_cmd = cmd;
        break;
    case CCMD_MOUSE_DISABLE:
        s->mode |= MODE_DISABLE_MOUSE;
        break;
    case CCMD_MOUSE_ENABLE:
        s->mode &= ~MODE_DISABLE_MOUSE;
        i8042_safe_update(s);
        break;
    case CCMD_TEST_MOUSE:
    case CCMD_KBD_TEST:
        i8042_queue_ctrl(s, 0x00, false);
        break;
    case CCMD_SELF_TEST:
        s->status |= STAT_SELFTEST;
        i8042_queue_ctrl(s, SELF_TEST_OK, false);
        break;
    case CCMD_KBD_DISABLE:
        s->mode |= MODE_DISABLE_KBD;
        i8042_safe_update(s);
        break;
    case CCMD_KBD_ENABLE:
        s->mode &= ~MODE_DISABLE_KBD;
        i8042_safe_update(s);
        break;
    case CCMD_READ_INPORT:
        i8042_queue_ctrl(s, INPORT_VALUE, false);
        break;
    case CCMD_READ_OUTPORT:
        i8042_queue_ctrl(s, s->outport, false);
        break;
    case CCMD_DISABLE_A20:
        i8042_set_a20(s, false);
        break;
    case CCMD_ENABLE_A20:
        i8042_set_a20(s, true);
        break;
    case CCMD_RESET:
        isa_request_system_reset();
        break;
    default:
        break; /* QEMU logs unknown commands */
    }
}

static uint64_t i8042_data_read(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;

    (void)addr;
    (void)size;
    if (!(s->status & STAT_OBF)) {
        return s->obdata;
    }
    i8042_deassert(s);
    if (s->obsrc & OBSRC_KBD) {
        s->obdata = ps2_pop(&s->kbd);
        i8042_sync_devices(s);
    } else if (s->obsrc & OBSRC_MOUSE) {
        s->obdata = ps2_pop(&s->mouse);
        i8042_sync_devices(s);
    } else if (s->obsrc & OBSRC_CTRL) {
        s->obdata = s->cbdata;
        s->pending &= ~(PENDING_CTRL_KBD | PENDING_CTRL_AUX);
        if (i8042_pending(s)) {
            i8042_update(s);
        }
    }
    return s->obdata;
}

static void i8042_data_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    I8042State *s = opaque;
    uint8_t b = (uint8_t)val;

    (void)addr;
    (void)size;
    switch (s->write_cmd) {
    case 0:
        kbd_command(s, b);
        /* Talking to the keyboard enables its interface again. */
        s->mode &= ~MODE_DISABLE_KBD;
        i8042_sync_devices(s);
        break;
    case CCMD_WRITE_MODE:
        s->mode = b;
        s->translate = (b & MODE_KCC) != 0;
        i8042_update(s);
        break;
    case CCMD_WRITE_OBUF:
        i8042_queue_ctrl(s, b, false);
        break;
    case CCMD_WRITE_AUX_OBUF:
        i8042_queue_ctrl(s, b, true);
        break;
    case CCMD_WRITE_OUTPORT:
        i8042_write_outport(s, b);
        break;
    case CCMD_WRITE_MOUSE:
        mouse_command(s, b);
        s->mode &= ~MODE_DISABLE_MOUSE;
        i8042_sync_devices(s);
        break;
    default:
        break;
    }
    s->write_cmd = 0;
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_command_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void i8042_reset(I8042State *s)
{
    s->mode = MODE_KBD_INT | MODE_MOUSE_INT;
    s->status = STAT_CMD | STAT_UNLOCKED;
    s->outport = OUT_RESET | OUT_A20 | OUT_ONES;
    s->pending = 0;
    s->write_cmd = 0;
    s->translate = false;
    memset(&s->kbd, 0, sizeof(s->kbd));
    memset(&s->mouse, 0, sizeof(s->mouse));
    i8042_deassert(s);
}

static bool i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    (void)errp;
    memory_region_init_io(&s->data_io, NULL, &i8042_data_ops, s, "i8042-data",
                          1);
    isa_register_ioport(&s->parent_obj, &s->data_io, 0x60);
    memory_region_init_io(&s->cmd_io, NULL, &i8042_cmd_ops, s, "i8042-cmd", 1);
    isa_register_ioport(&s->parent_obj, &s->cmd_io, 0x64);
    s->mode = MODE_KBD_INT | MODE_MOUSE_INT;
    s->status = STAT_CMD | STAT_UNLOCKED;
    s->outport = OUT_RESET | OUT_A20 | OUT_ONES;
    return true;
}

static void i8042_qdev_reset(DeviceState *dev)
{
    i8042_reset(I8042(dev));
}

static void i8042_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = i8042_realize;
    dc->reset = i8042_qdev_reset;
}

const TypeInfo i8042_type_info = {
    .name = TYPE_I8042,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(I8042State),
    .class_size = sizeof(DeviceClass),
    .class_init = i8042_class_init,
};

I8042State *i8042_init(MemoryRegion *io, qemu_irq kbd_irq, qemu_irq mouse_irq)
{
    I8042State *s = I8042(qdev_new(TYPE_I8042));

    s->parent_obj.io = io;
    s->kbd_irq = kbd_irq;
    s->mouse_irq = mouse_irq;
    isa_realize_board(s);
    return s;
}
