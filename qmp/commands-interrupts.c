/*
 * __org.qmachined_query-interrupts: the 8259 pair, the IOAPIC and what
 * each GSI carries, read from the controllers' registers (QEMU has no
 * QMP command for them; "info pic" and "info irq" are HMP's text).
 */
#include <stdint.h>

#include "commands.h"
#include "json-out.h"
#include "acpi/piix4.h"
#include "src/i8259.h"
#include "src/ioapic.h"
#include "src/util.h"

static const char *const pic_chip_values[] = { "master", "slave", NULL };
static const QapiType pic_chip_enum = {
    .name = "__org.qmachined_PicChip",
    .kind = QAPI_KIND_ENUM,
    .values = pic_chip_values,
};
static const QapiMember pic_members[] = { { "chip", &pic_chip_enum, false },
                                          { "irr", &qapi_uint8, false },
                                          { "imr", &qapi_uint8, false },
                                          { "isr", &qapi_uint8, false },
                                          { "elcr", &qapi_uint8, false },
                                          { "irq-base", &qapi_uint8, false },
                                          { "priority-add", &qapi_uint8,
                                            false },
                                          { "initialized", &qapi_bool, false },
                                          { NULL } };
static const QapiType pic_type = {
    .name = "__org.qmachined_PicInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = pic_members,
};
static QAPI_ARRAY_OF(pic_list, pic_type);
static const QapiType *const pic_list_or_null_alts[] = { &pic_list, &qapi_null,
                                                         NULL };
static const QapiType pic_list_or_null = {
    .name = "__org.qmachined_PicInfoListOrNull",
    .kind = QAPI_KIND_ALTERNATE,
    .alternatives = pic_list_or_null_alts,
};

/* Delivery modes by the entry's bits 8-10; 3 and 6 are reserved. */
static const char *const delivery_modes[8] = {
    "fixed", "lowest-priority", "smi",    "reserved", "nmi",
    "init",  "reserved",        "extint",
};
static const char *const delivery_mode_values[] = {
    "fixed", "lowest-priority", "smi", "reserved", "nmi", "init", "extint", NULL
};
static const QapiType delivery_mode_enum = {
    .name = "__org.qmachined_IOAPICDeliveryMode",
    .kind = QAPI_KIND_ENUM,
    .values = delivery_mode_values,
};
static const char *const dest_mode_values[] = { "physical", "logical", NULL };
static const QapiType dest_mode_enum = {
    .name = "__org.qmachined_IOAPICDestMode",
    .kind = QAPI_KIND_ENUM,
    .values = dest_mode_values,
};
static const char *const polarity_values[] = { "active-high", "active-low",
                                               NULL };
static const QapiType polarity_enum = {
    .name = "__org.qmachined_IOAPICPolarity",
    .kind = QAPI_KIND_ENUM,
    .values = polarity_values,
};
static const char *const trigger_values[] = { "edge", "level", NULL };
static const QapiType trigger_enum = {
    .name = "__org.qmachined_IOAPICTrigger",
    .kind = QAPI_KIND_ENUM,
    .values = trigger_values,
};
static const QapiMember ioapic_pin_members[] = {
    { "pin", &qapi_int, false },
    { "vector", &qapi_uint8, false },
    { "delivery-mode", &delivery_mode_enum, false },
    { "dest-mode", &dest_mode_enum, false },
    { "polarity", &polarity_enum, false },
    { "remote-irr", &qapi_bool, false },
    { "trigger", &trigger_enum, false },
    { "masked", &qapi_bool, false },
    { "dest", &qapi_uint8, false },
    { "entry", &qapi_uint64, false }, /* the raw redirection entry */
    { NULL }
};
static const QapiType ioapic_pin_type = {
    .name = "__org.qmachined_IOAPICPinInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = ioapic_pin_members,
};
static QAPI_ARRAY_OF(ioapic_pin_list, ioapic_pin_type);
static const QapiMember ioapic_members[] = { { "id", &qapi_uint8, false },
                                             { "irr", &qapi_uint32, false },
                                             { "pins", &ioapic_pin_list,
                                               false },
                                             { NULL } };
static const QapiType ioapic_type = {
    .name = "__org.qmachined_IOAPICInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = ioapic_members,
};
static const QapiType *const ioapic_or_null_alts[] = { &ioapic_type, &qapi_null,
                                                       NULL };
static const QapiType ioapic_or_null = {
    .name = "__org.qmachined_IOAPICInfoOrNull",
    .kind = QAPI_KIND_ALTERNATE,
    .alternatives = ioapic_or_null_alts,
};

static const QapiType *const int_or_null_alts[] = { &qapi_int, &qapi_null,
                                                    NULL };
static const QapiType int_or_null = {
    .name = "__org.qmachined_IntOrNull",
    .kind = QAPI_KIND_ALTERNATE,
    .alternatives = int_or_null_alts,
};
static const QapiMember gsi_members[] = {
    { "gsi", &qapi_int, false },
    { "level", &qapi_int, false },
    { "count", &qapi_uint64, false },
    { "ioapic-pin", &qapi_int, false },
    { "isa-irq", &int_or_null, false }, /* null above GSI 15 */
    { "pic-level", &qapi_int, true }, /* with isa-irq */
    { "pic-count", &qapi_uint64, true }, /* with isa-irq */
    { NULL }
};
static const QapiType gsi_type = {
    .name = "__org.qmachined_GsiInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = gsi_members,
};
static QAPI_ARRAY_OF(gsi_list, gsi_type);

static const QapiMember acpi_members[] = {
    { "pm1-status", &qapi_uint16, false },
    { "pm1-enable", &qapi_uint16, false },
    { "pm1-control", &qapi_uint16, false },
    { "gpe0-status", &qapi_uint16, false },
    { "gpe0-enable", &qapi_uint16, false },
    { "sci", &qapi_bool, false },
    { NULL }
};
static const QapiType acpi_type = {
    .name = "__org.qmachined_AcpiEventsInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = acpi_members,
};
static const QapiType *const acpi_or_null_alts[] = { &acpi_type, &qapi_null,
                                                     NULL };
static const QapiType acpi_or_null = {
    .name = "__org.qmachined_AcpiEventsInfoOrNull",
    .kind = QAPI_KIND_ALTERNATE,
    .alternatives = acpi_or_null_alts,
};

static const QapiMember interrupts_members[] = {
    { "pic", &pic_list_or_null, false }, /* null: no 8259 */
    { "ioapic", &ioapic_or_null, false }, /* null: no IOAPIC */
    { "gsi", &gsi_list, false },
    { "acpi", &acpi_or_null, false }, /* null: no ACPI device */
    { NULL }
};
const QapiType interrupts_info_type = {
    .name = "__org.qmachined_InterruptsInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = interrupts_members,
};

static json_t *pic_json(const I8259State *pic)
{
    json_t *chips = json_array();
    int i;

    for (i = 0; i < 2; i++) {
        json_t *c = json_object();
        I8259Regs r;

        i8259_get_regs(pic, i, &r);
        json_object_set_new(c, "chip", json_text(pic_chip_values[i]));
        json_object_set_new(c, "irr", json_integer(r.irr));
        json_object_set_new(c, "imr", json_integer(r.imr));
        json_object_set_new(c, "isr", json_integer(r.isr));
        json_object_set_new(c, "elcr", json_integer(r.elcr));
        json_object_set_new(c, "irq-base", json_integer(r.irq_base));
        json_object_set_new(c, "priority-add", json_integer(r.priority_add));
        json_object_set_new(c, "initialized", json_boolean(r.ready));
        json_array_append_new(chips, c);
    }
    return chips;
}

static json_t *ioapic_json(const IOAPICState *ioapic)
{
    uint64_t rte[IOAPIC_NUM_PINS];
    json_t *o = json_object(), *pins = json_array();
    uint32_t irr;
    uint8_t id;
    int i;

    ioapic_get_regs(ioapic, &id, &irr, rte);
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "irr", json_integer(irr));
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        json_t *p = json_object();
        uint64_t e = rte[i];

        json_object_set_new(p, "pin", json_integer(i));
        json_object_set_new(p, "vector", json_integer(e & 0xff));
        json_object_set_new(p, "delivery-mode",
                            json_text(delivery_modes[(e >> 8) & 7]));
        json_object_set_new(p, "dest-mode",
                            json_text(dest_mode_values[(e >> 11) & 1]));
        json_object_set_new(p, "polarity",
                            json_text(polarity_values[(e >> 13) & 1]));
        json_object_set_new(p, "remote-irr", json_boolean((e >> 14) & 1));
        json_object_set_new(p, "trigger",
                            json_text(trigger_values[(e >> 15) & 1]));
        json_object_set_new(p, "masked", json_boolean((e >> 16) & 1));
        json_object_set_new(p, "dest", json_integer(e >> 56));
        json_object_set_new(p, "entry", json_uint64(e));
        json_array_append_new(pins, p);
    }
    json_object_set_new(o, "pins", pins);
    return o;
}

/* GSI n: ISA IRQ n of the 8259 (n < 16) and IOAPIC input n (pin 2 for 0). */
static json_t *gsi_json(const I8259State *pic, const IOAPICState *ioapic)
{
    json_t *list = json_array();
    int n;

    for (n = 0; n < IOAPIC_NUM_PINS; n++) {
        json_t *g = json_object();
        uint64_t count = 0, pic_count = 0;
        int level = 0, pic_level = 0;

        if (ioapic) {
            ioapic_get_irq_stats(ioapic, n, &level, &count);
        }
        json_object_set_new(g, "gsi", json_integer(n));
        json_object_set_new(g, "level", json_integer(level));
        json_object_set_new(g, "count", json_uint64(count));
        json_object_set_new(g, "ioapic-pin", json_integer(n ? n : 2));
        if (n < I8259_NUM_IRQS && pic) {
            i8259_get_irq_stats(pic, n, &pic_level, &pic_count);
            json_object_set_new(g, "isa-irq", json_integer(n));
            json_object_set_new(g, "pic-level", json_integer(pic_level));
            json_object_set_new(g, "pic-count", json_uint64(pic_count));
        } else {
            json_object_set_new(g, "isa-irq", json_null());
        }
        json_array_append_new(list, g);
    }
    return list;
}

bool qmp_cmd_query_interrupts(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    const I8259State *pic = i8259_get_default();
    const IOAPICState *ioapic = ioapic_get_default();
    json_t *o = json_object();
    Piix4AcpiInfo acpi;

    json_object_set_new(o, "pic", pic ? pic_json(pic) : json_null());
    json_object_set_new(o, "ioapic",
                        ioapic ? ioapic_json(ioapic) : json_null());
    json_object_set_new(o, "gsi", gsi_json(pic, ioapic));
    if (piix4_pm_acpi_info(&acpi)) {
        json_object_set_new(
            o, "acpi",
            json_pack("{s:i, s:i, s:i, s:i, s:i, s:b}", "pm1-status",
                      acpi.pm1_sts, "pm1-enable", acpi.pm1_en, "pm1-control",
                      acpi.pm1_cnt, "gpe0-status", acpi.gpe0_sts, "gpe0-enable",
                      acpi.gpe0_en, "sci", acpi.sci));
    } else {
        json_object_set_new(o, "acpi", json_null());
    }
    *ret = o;
    return true;
}
