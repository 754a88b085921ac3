/*
 * MC146818 RTC and its CMOS memory at 0x70 ("rtc", 2 ports) with the index
 * port also mapped as its own 1-byte subregion "rtc-index", as QEMU 7.2
 * does.  Reading the index port gives 0xff; bit 7 of an index write (NMI
 * mask) is dropped.  The clock is the host's UTC time plus the offset the
 * guest set; register C's update flag is set once a second boundary has
 * passed (checked when read), alarms and periodic interrupts are not
 * generated.
 */
#include "isa.h"

#include <stdlib.h>
#include <time.h>

#include "loop.h"
#include "util.h"

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32
#define RTC_IBM_PS2_CENTURY 0x37

#define REG_A_UIP 0x80
#define REG_A_DIVIDER 0x70
#define REG_A_DIVIDER_RUN 0x20
#define REG_B_SET 0x80
#define REG_B_UIE 0x10
#define REG_B_DM 0x04
#define REG_B_24H 0x02
#define REG_C_IRQF 0x80
#define REG_C_UF 0x10
#define REG_C_MASK 0x70
#define REG_D_VRT 0x80

#define CMOS_SIZE 128
#define CMOS_INDEX_MASK 0x7f
#define NS_PER_SEC 1000000000ll
/* How long before each second boundary UIP reads as set (244 us). */
#define UIP_HOLD_NS 244141ll

struct RTCState {
    ISADevice parent_obj;
    /* Set by the board before realize: port 0x70, IRQ 8. */
    uint16_t base;
    qemu_irq irq;
    /* Registers and clock. */
    uint8_t cmos[CMOS_SIZE];
    uint8_t index;
    int64_t offset_s; /* guest time - host time, seconds */
    int64_t uf_checked_s; /* guest second when UF was last settled */
    MemoryRegion io, index_io;
};

OBJECT_DECLARE_CASTS(RTCState, DeviceClass, MC146818_RTC, TYPE_MC146818_RTC)

static int64_t host_now_ns(void)
{
    return loop_realtime_ns();
}

static bool rtc_running(const RTCState *s)
{
    return !(s->cmos[RTC_REG_B] & REG_B_SET) &&
           (s->cmos[RTC_REG_A] & REG_A_DIVIDER) <= REG_A_DIVIDER_RUN;
}

static uint8_t to_bcd(const RTCState *s, int v)
{
    if (s->cmos[RTC_REG_B] & REG_B_DM) {
        return (uint8_t)v;
    }
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_bcd(const RTCState *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return ((v >> 4) * 10) + (v & 0x0f);
}

/* Guest seconds since the epoch. */
static int64_t guest_now_s(const RTCState *s)
{
    int64_t ns = host_now_ns();

    return ns / NS_PER_SEC + s->offset_s;
}

static void store_time(RTCState *s, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int year;

    gmtime_r(&tt, &tm);
    s->cmos[RTC_SECONDS] = to_bcd(s, tm.tm_sec);
    s->cmos[RTC_MINUTES] = to_bcd(s, tm.tm_min);
    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        s->cmos[RTC_HOURS] = to_bcd(s, tm.tm_hour);
    } else {
        int h = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;

        s->cmos[RTC_HOURS] =
            (uint8_t)(to_bcd(s, h) | (tm.tm_hour >= 12 ? 0x80 : 0));
    }
    s->cmos[RTC_DAY_OF_WEEK] = to_bcd(s, tm.tm_wday + 1);
    s->cmos[RTC_DAY_OF_MONTH] = to_bcd(s, tm.tm_mday);
    s->cmos[RTC_MONTH] = to_bcd(s, tm.tm_mon + 1);
    year = tm.tm_year + 1900;
    s->cmos[RTC_YEAR] = to_bcd(s, year % 100);
    s->cmos[RTC_CENTURY] = to_bcd(s, year / 100);
    s->cmos[RTC_IBM_PS2_CENTURY] = s->cmos[RTC_CENTURY];
}

/* The guest time the clock registers hold, in seconds. */
static int64_t load_time(const RTCState *s)
{
    struct tm tm = { 0 };
    int hour = from_bcd(s, s->cmos[RTC_HOURS] & 0x7f);

    if (!(s->cmos[RTC_REG_B] & REG_B_24H)) {
        hour %= 12;
        if (s->cmos[RTC_HOURS] & 0x80) {
            hour += 12;
        }
    }
    tm.tm_sec = from_bcd(s, s->cmos[RTC_SECONDS]);
    tm.tm_min = from_bcd(s, s->cmos[RTC_MINUTES]);
    tm.tm_hour = hour;
    tm.tm_mday = from_bcd(s, s->cmos[RTC_DAY_OF_MONTH]);
    tm.tm_mon = from_bcd(s, s->cmos[RTC_MONTH]) - 1;
    tm.tm_year = from_bcd(s, s->cmos[RTC_YEAR]) +
                 from_bcd(s, s->cmos[RTC_CENTURY]) * 100 - 1900;
    return (int64_t)timegm(&tm);
}

static void set_time_from_registers(RTCState *s)
{
    s->offset_s = load_time(s) - host_now_ns() / NS_PER_SEC;
}

/* Sets UF when a second boundary passed since it was last settled. */
static void check_update_flag(RTCState *s)
{
    int64_t now = guest_now_s(s);

    if (!rtc_running(s)) {
        return;
    }
    if (now != s->uf_checked_s) {
        s->cmos[RTC_REG_C] |= REG_C_UF;
        s->uf_checked_s = now;
    }
    if (s->cmos[RTC_REG_B] & s->cmos[RTC_REG_C] & REG_C_MASK) {
        if (!(s->cmos[RTC_REG_C] & REG_C_IRQF)) {
            s->cmos[RTC_REG_C] |= REG_C_IRQF;
            qemu_irq_raise(s->irq);
        }
    }
}

static uint8_t cmos_read_data(RTCState *s)
{
    uint8_t v;

    switch (s->index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
    case RTC_IBM_PS2_CENTURY:
        if (rtc_running(s)) {
            store_time(s, guest_now_s(s));
        }
        return s->cmos[s->index];
    case RTC_REG_A:
        v = s->cmos[RTC_REG_A] & ~REG_A_UIP;
        if (rtc_running(s) &&
            host_now_ns() % NS_PER_SEC >= NS_PER_SEC - UIP_HOLD_NS) {
            v |= REG_A_UIP;
        }
        return v;
    case RTC_REG_C:
        check_update_flag(s);
        v = s->cmos[RTC_REG_C];
        qemu_irq_lower(s->irq);
        s->cmos[RTC_REG_C] = 0;
        return v;
    default:
        return s->cmos[s->index];
    }
}

static void cmos_write_data(RTCState *s, uint8_t val)
{
    uint8_t old;

    switch (s->index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
        if (rtc_running(s)) {
            store_time(s, guest_now_s(s));
            s->cmos[s->index] = val;
            set_time_from_registers(s);
        } else {
            s->cmos[s->index] = val;
        }
        break;
    case RTC_REG_A:
        s->cmos[RTC_REG_A] =
            (uint8_t)((val & ~REG_A_UIP) | (s->cmos[RTC_REG_A] & REG_A_UIP));
        break;
    case RTC_REG_B:
        old = s->cmos[RTC_REG_B];
        if (val & REG_B_SET) {
            if (rtc_running(s)) {
                store_time(s, guest_now_s(s));
            }
            val &= ~REG_B_UIE;
        } else if ((old & REG_B_SET) &&
                   (s->cmos[RTC_REG_A] & REG_A_DIVIDER) <= REG_A_DIVIDER_RUN) {
            set_time_from_registers(s);
        }
        if (val & s->cmos[RTC_REG_C] & REG_C_MASK) {
            s->cmos[RTC_REG_C] |= REG_C_IRQF;
            qemu_irq_raise(s->irq);
        } else {
            s->cmos[RTC_REG_C] &= ~REG_C_IRQF;
            qemu_irq_lower(s->irq);
        }
        s->cmos[RTC_REG_B] = val;
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break; /* read-only */
    default:
        s->cmos[s->index] = val;
        break;
    }
}

static uint64_t cmos_read(void *opaque, uint64_t addr, unsigned size)
{
    RTCState *s = opaque;

    (void)size;
    if (!(addr & 1)) {
        return 0xff;
    }
    return cmos_read_data(s);
}

static void cmos_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    RTCState *s = opaque;

    (void)size;
    if (!(addr & 1)) {
        s->index = val & CMOS_INDEX_MASK;
    } else {
        cmos_write_data(s, (uint8_t)val);
    }
}

static const MemoryRegionOps cmos_ops = {
    .read = cmos_read,
    .write = cmos_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void rtc_set_memory(RTCState *s, unsigned addr, uint8_t val)
{
    if (addr < CMOS_SIZE) {
        s->cmos[addr] = val;
    }
}

uint8_t rtc_get_memory(RTCState *s, unsigned addr)
{
    return addr < CMOS_SIZE ? s->cmos[addr] : 0;
}

/* Reset clears the interrupt enables and flags (QEMU's rtc_reset). */
void rtc_reset(RTCState *s)
{
    s->cmos[RTC_REG_B] &= ~(0x40 | 0x20 | 0x08); /* PIE, AIE, SQWE */
    s->cmos[RTC_REG_C] &= ~(REG_C_UF | REG_C_IRQF | 0x40 | 0x20);
    qemu_irq_lower(s->irq);
}

static bool rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);

    (void)errp;
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = REG_B_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = REG_D_VRT;
    store_time(s, guest_now_s(s));
    s->uf_checked_s = guest_now_s(s);
    memory_region_init_io(&s->io, NULL, &cmos_ops, s, "rtc", 2);
    memory_region_init_io(&s->index_io, NULL, &cmos_ops, s, "rtc-index", 1);
    memory_region_add_subregion(&s->io, 0, &s->index_io);
    isa_register_ioport(&s->parent_obj, &s->io, s->base);
    return true;
}

static void rtc_qdev_reset(DeviceState *dev)
{
    rtc_reset(MC146818_RTC(dev));
}

static void rtc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    (void)data;
    dc->realize = rtc_realize;
    dc->reset = rtc_qdev_reset;
}

const TypeInfo mc146818rtc_type_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(RTCState),
    .class_size = sizeof(DeviceClass),
    .class_init = rtc_class_init,
};

RTCState *rtc_init(MemoryRegion *io, uint16_t base, qemu_irq irq)
{
    RTCState *s = MC146818_RTC(qdev_new(TYPE_MC146818_RTC));

    s->parent_obj.io = io;
    s->base = base;
    s->irq = irq;
    isa_realize_board(s);
    return s;
}
