/*
 * ACPI and the simulated guest: query-acpi-ospm-status and qmachined's
 * guest-policy commands, over the C API of acpi/memhp.c and acpi/ospm.c.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "acpi/memhp.h"
#include "acpi/piix4.h"
#include "acpi/ospm.h"
#include "src/util.h"

/* ---- ACPIOSTInfo ---- */

/* clang-format off */
static const char *const acpi_slot_type_values[] = { "DIMM", "CPU", NULL };
static const QapiType acpi_slot_type = { .name = "ACPISlotType",
                                         .kind = QAPI_KIND_ENUM,
                                         .values = acpi_slot_type_values };
static const QapiMember acpi_ost_info_members[] = {
    { "device", &qapi_str, true },
    { "slot", &qapi_str, false },
    { "slot-type", &acpi_slot_type, false },
    { "source", &qapi_int, false },
    { "status", &qapi_int, false },
    { NULL }
};
const QapiType acpi_ost_info_type = { .name = "ACPIOSTInfo",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = acpi_ost_info_members };
QAPI_ARRAY_OF(acpi_ost_info_list, acpi_ost_info_type);
/* clang-format on */

size_t qmp_acpi_ost_members(const AcpiOstInfo *info, JsonOutMember *m,
                            char *slot)
{
    size_t n = 0;
    char digits[12];
    unsigned v = info->slot, i = sizeof(digits);

    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(slot, digits + i, sizeof(digits) - i);
    slot[sizeof(digits) - i] = '\0';
    if (info->device) { /* json_text(NULL) added nothing either */
        m[n++] = (JsonOutMember){ .key = "device",
                                  .kind = JSON_OUT_STR,
                                  .str = info->device,
                                  .len = strlen(info->device) };
    }
    m[n++] = (JsonOutMember){
        .key = "slot", .kind = JSON_OUT_STR, .str = slot, .len = strlen(slot)
    };
    m[n++] = (JsonOutMember){ .key = "slot-type",
                              .kind = JSON_OUT_STR,
                              .str = acpi_slot_type_values[info->slot_type],
                              .len = strlen(
                                  acpi_slot_type_values[info->slot_type]) };
    m[n++] = (JsonOutMember){ .key = "source",
                              .kind = JSON_OUT_INT,
                              .num = info->source };
    m[n++] = (JsonOutMember){ .key = "status",
                              .kind = JSON_OUT_INT,
                              .num = info->status };
    return n;
}

json_t *qmp_acpi_ost_info(const AcpiOstInfo *info)
{
    JsonOutMember m[QMP_ACPI_OST_MEMBERS];
    char slot[QMP_ACPI_OST_SLOT_LEN];

    return json_out_members_json(m, qmp_acpi_ost_members(info, m, slot));
}

/* ---- query-acpi-ospm-status ---- */

void acpi_memhp_ospm_status(const MemHotplugState *ms, json_t *list)
{
    AcpiOstInfo info;
    unsigned i;

    for (i = 0; acpi_memhp_slot_ost(ms, i, &info); i++) {
        json_array_append_new(list, qmp_acpi_ost_info(&info));
    }
}

static void append_ost_info(void *opaque, const AcpiOstInfo *info)
{
    json_array_append_new(opaque, qmp_acpi_ost_info(info));
}

bool qmp_cmd_query_acpi_ospm_status(QmpSession *s, json_t *args, json_t **ret,
                                    Error **errp)
{
    json_t *list = json_array();

    (void)s;
    (void)args;
    if (!piix4_pm_ospm_status(append_ost_info, list, errp)) {
        json_decref(list);
        return false;
    }
    *ret = list;
    return true;
}

/* ---- __org.qmachined_set-guest-policy, ..._query-guest-policy ---- */

/* clang-format off */
static const QapiMember set_policy_members[] = {
    { "policy", &qapi_str, false },
    { NULL }
};
const QapiType ospm_set_policy_args = {
    .name = "q_obj___org.qmachined_set-guest-policy-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = set_policy_members,
};

static const QapiMember policy_info_members[] = {
    { "policy", &qapi_str, false },
    { NULL }
};
const QapiType ospm_policy_info_type = {
    .name = "__org.qmachined_GuestPolicyInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = policy_info_members,
};
/* clang-format on */

bool qmp_cmd_ospm_set_guest_policy(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    OspmPolicy policy;

    (void)s;
    (void)ret;
    if (!ospm_policy_parse(json_string_value(json_object_get(args, "policy")),
                           &policy, errp)) {
        return false;
    }
    ospm_set_policy(&policy);
    return true;
}

bool qmp_cmd_ospm_query_guest_policy(QmpSession *s, json_t *args, json_t **ret,
                                     Error **errp)
{
    char buf[OSPM_POLICY_STR_MAX];
    OspmPolicy policy = ospm_get_policy();
    json_t *r = json_object();

    (void)s;
    (void)args;
    (void)errp;
    json_object_set_new(
        r, "policy", json_text(ospm_policy_format(&policy, buf, sizeof(buf))));
    *ret = r;
    return true;
}
