/* OnOffAuto values and their qdev property type; see on-off-auto.h. */
#include "on-off-auto.h"

#include <stdint.h>

#include "keyval.h"
#include "util.h"

static const char *const on_off_auto_names[] = { "auto", "on", "off" };

const char *on_off_auto_str(int value)
{
    if (value < 0 || value >= (int)ARRAY_SIZE(on_off_auto_names)) {
        value = ON_OFF_AUTO_AUTO;
    }
    return on_off_auto_names[value];
}

bool on_off_auto_parse(const char *name, const char *value, OnOffAuto *result,
                       Error **errp)
{
    int i;

    if (!keyval_visit_enum(name, value, on_off_auto_names,
                           ARRAY_SIZE(on_off_auto_names), &i, errp)) {
        return false;
    }
    *result = (OnOffAuto)i;
    return true;
}

static json_t *prop_get(Object *obj, const Property *prop, Error **errp)
{
    int32_t v = *(int32_t *)((char *)obj + prop->offset);

    return json_text(on_off_auto_str(v));
}

static bool prop_set(Object *obj, const Property *prop, json_t *value,
                     Error **errp)
{
    int32_t *p = (int32_t *)((char *)obj + prop->offset);
    OnOffAuto v;

    if (!json_is_string(value)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (!on_off_auto_parse(prop->name, json_string_value(value), &v, errp)) {
        return false;
    }
    *p = v;
    return true;
}

static json_t *prop_defval(const Property *prop)
{
    int64_t v = prop->defval.i;

    return json_text(on_off_auto_str(v >= 0 && v <= 2 ? (int)v : 0));
}

const PropertyInfo on_off_auto_prop = {
    .name = "OnOffAuto",
    .description = "on/off/auto",
    .get = prop_get,
    .set = prop_set,
    .defval = prop_defval,
};
