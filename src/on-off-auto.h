/*
 * QEMU's OnOffAuto: the on/off/auto value of machine and device
 * properties (-machine acpi=, smm=, ...; virtio-pci's disable-legacy),
 * its parsing and the qdev property type "OnOffAuto".
 */
#ifndef QMACHINED_ON_OFF_AUTO_H
#define QMACHINED_ON_OFF_AUTO_H

#include <stdbool.h>

#include "error.h"
#include "qdev.h"

/* In QEMU's order (the enum's values). */
typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
} OnOffAuto;

/* "auto", "on" or "off" ("auto" for a value outside the enum). */
const char *on_off_auto_str(int value);

/*
 * Parses value for property name: "Parameter 'NAME' does not accept
 * value 'VALUE'" unless it is one of the three names.
 */
bool on_off_auto_parse(const char *name, const char *value, OnOffAuto *result,
                       Error **errp);

/* qdev property type "OnOffAuto"; the field is an int32_t. */
extern const PropertyInfo on_off_auto_prop;

#endif
