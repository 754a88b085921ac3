/* query-pci and the HMP "info pci" text built from it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "src/pci.h"
#include "src/util.h"

/* Class descriptions, as QEMU lists them. */
static const struct {
    uint16_t class_id;
    const char *desc;
} pci_class_desc[] = {
    { 0x0001, "VGA controller" },
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0102, "Floppy controller" },
    { 0x0103, "IPI controller" },
    { 0x0104, "RAID controller" },
    { 0x0106, "SATA controller" },
    { 0x0107, "SAS controller" },
    { 0x0180, "Storage controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0201, "Token Ring controller" },
    { 0x0202, "FDDI controller" },
    { 0x0203, "ATM controller" },
    { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" },
    { 0x0301, "XGA controller" },
    { 0x0302, "3D controller" },
    { 0x0380, "Display controller" },
    { 0x0400, "Video controller" },
    { 0x0401, "Audio controller" },
    { 0x0402, "Phone" },
    { 0x0403, "Audio controller" },
    { 0x0480, "Multimedia controller" },
    { 0x0500, "RAM controller" },
    { 0x0501, "Flash controller" },
    { 0x0580, "Memory controller" },
    { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" },
    { 0x0602, "EISA bridge" },
    { 0x0603, "MC bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0605, "PCMCIA bridge" },
    { 0x0606, "NUBUS bridge" },
    { 0x0607, "CARDBUS bridge" },
    { 0x0608, "RACEWAY bridge" },
    { 0x0680, "Bridge" },
    { 0x0700, "Serial port" },
    { 0x0701, "Parallel port" },
    { 0x0800, "Interrupt controller" },
    { 0x0801, "DMA controller" },
    { 0x0802, "Timer" },
    { 0x0803, "RTC" },
    { 0x0900, "Keyboard" },
    { 0x0901, "Pen" },
    { 0x0902, "Mouse" },
    { 0x0A00, "Dock station" },
    { 0x0B00, "i386 cpu" },
    { 0x0c00, "Firewire controller" },
    { 0x0c01, "Access bus controller" },
    { 0x0c02, "SSA controller" },
    { 0x0c03, "USB controller" },
    { 0x0c04, "Fibre channel controller" },
    { 0x0c05, "SMBus" },
};

static const char *class_desc(uint16_t cls)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(pci_class_desc); i++) {
        if (pci_class_desc[i].class_id == cls) {
            return pci_class_desc[i].desc;
        }
    }
    return NULL;
}

/* ---- Types (qapi/pci.json) ---- */

static const QapiMember pci_mem_region_members[] = {
    { "bar", &qapi_int, false },
    { "type", &qapi_str, false },
    { "address", &qapi_int, false },
    { "size", &qapi_int, false },
    { "prefetch", &qapi_bool, true },
    { "mem_type_64", &qapi_bool, true },
    { NULL }
};
static const QapiType pci_mem_region_type = { .name = "PciMemoryRegion",
                                              .kind = QAPI_KIND_OBJECT,
                                              .members =
                                                  pci_mem_region_members };
static QAPI_ARRAY_OF(pci_mem_region_list, pci_mem_region_type);

static const QapiMember pci_class_members[] = { { "desc", &qapi_str, true },
                                                { "class", &qapi_int, false },
                                                { NULL } };
static const QapiType pci_class_type = { .name = "PciDeviceClass",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = pci_class_members };

static const QapiMember pci_id_members[] = { { "device", &qapi_int, false },
                                             { "vendor", &qapi_int, false },
                                             { "subsystem", &qapi_int, true },
                                             { "subsystem-vendor", &qapi_int,
                                               true },
                                             { NULL } };
static const QapiType pci_id_type = { .name = "PciDeviceId",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = pci_id_members };

static const QapiMember pci_range_members[] = { { "base", &qapi_int, false },
                                                { "limit", &qapi_int, false },
                                                { NULL } };
static const QapiType pci_range_type = { .name = "PciMemoryRange",
                                         .kind = QAPI_KIND_OBJECT,
                                         .members = pci_range_members };

static const QapiMember pci_bus_info_members[] = {
    { "number", &qapi_int, false },
    { "secondary", &qapi_int, false },
    { "subordinate", &qapi_int, false },
    { "io_range", &pci_range_type, false },
    { "memory_range", &pci_range_type, false },
    { "prefetchable_range", &pci_range_type, false },
    { NULL }
};
static const QapiType pci_bus_info_type = { .name = "PciBusInfo",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members = pci_bus_info_members };

extern const QapiType pci_device_info_type;
static QAPI_ARRAY_OF(pci_device_info_list, pci_device_info_type);

static const QapiMember pci_bridge_members[] = {
    { "bus", &pci_bus_info_type, false },
    { "devices", &pci_device_info_list, true },
    { NULL }
};
static const QapiType pci_bridge_type = { .name = "PciBridgeInfo",
                                          .kind = QAPI_KIND_OBJECT,
                                          .members = pci_bridge_members };

static const QapiMember pci_device_info_members[] = {
    { "bus", &qapi_int, false },
    { "slot", &qapi_int, false },
    { "function", &qapi_int, false },
    { "class_info", &pci_class_type, false },
    { "id", &pci_id_type, false },
    { "irq", &qapi_int, true },
    { "irq_pin", &qapi_int, false },
    { "qdev_id", &qapi_str, false },
    { "pci_bridge", &pci_bridge_type, true },
    { "regions", &pci_mem_region_list, false },
    { NULL }
};
const QapiType pci_device_info_type = { .name = "PciDeviceInfo",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = pci_device_info_members };

static const QapiMember pci_info_members[] = { { "bus", &qapi_int, false },
                                               { "devices",
                                                 &pci_device_info_list, false },
                                               { NULL } };
static const QapiType pci_info_type = { .name = "PciInfo",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = pci_info_members };
QAPI_ARRAY_OF(pci_info_list, pci_info_type);

/* ---- Building the reply ---- */

static json_t *pci_regions_json(PCIDevice *d)
{
    json_t *list = json_array();
    int i;

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        json_t *o;

        if (!r->size) {
            continue;
        }
        o = json_object();
        json_object_set_new(o, "bar", json_integer(i));
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            json_object_set_new(o, "type", json_string("io"));
        } else {
            json_object_set_new(o, "type", json_string("memory"));
        }
        json_object_set_new(o, "address", json_integer((json_int_t)r->addr));
        json_object_set_new(o, "size", json_integer((json_int_t)r->size));
        if (!(r->type & PCI_BASE_ADDRESS_SPACE_IO)) {
            json_object_set_new(
                o, "prefetch",
                json_boolean(r->type & PCI_BASE_ADDRESS_MEM_PREFETCH));
            json_object_set_new(
                o, "mem_type_64",
                json_boolean(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64));
        }
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *pci_device_json(PCIBus *bus, PCIDevice *d)
{
    json_t *o = json_object();
    json_t *cls = json_object();
    json_t *id = json_object();
    uint16_t class_id = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *desc = class_desc(class_id);
    uint8_t hdr =
        d->config[PCI_HEADER_TYPE] & (uint8_t)~PCI_HEADER_TYPE_MULTI_FUNCTION;

    json_object_set_new(o, "bus", json_integer(pci_bus_num(bus)));
    json_object_set_new(o, "slot", json_integer(PCI_SLOT(d->devfn)));
    json_object_set_new(o, "function", json_integer(PCI_FUNC(d->devfn)));
    if (desc) {
        json_object_set_new(cls, "desc", json_text(desc));
    }
    json_object_set_new(cls, "class", json_integer(class_id));
    json_object_set_new(o, "class_info", cls);
    json_object_set_new(id, "device",
                        json_integer(pci_get_word(d->config + PCI_DEVICE_ID)));
    json_object_set_new(id, "vendor",
                        json_integer(pci_get_word(d->config + PCI_VENDOR_ID)));
    if (hdr == PCI_HEADER_TYPE_NORMAL) {
        json_object_set_new(
            id, "subsystem",
            json_integer(pci_get_word(d->config + PCI_SUBSYSTEM_ID)));
        json_object_set_new(
            id, "subsystem-vendor",
            json_integer(pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID)));
    }
    json_object_set_new(o, "id", id);
    if (d->config[PCI_INTERRUPT_PIN]) {
        json_object_set_new(o, "irq",
                            json_integer(d->config[PCI_INTERRUPT_LINE]));
    }
    json_object_set_new(o, "irq_pin",
                        json_integer(d->config[PCI_INTERRUPT_PIN]));
    json_object_set_new(o, "qdev_id", json_text(d->qdev.id ? d->qdev.id : ""));
    json_object_set_new(o, "regions", pci_regions_json(d));
    return o;
}

static json_t *pci_query_json(void)
{
    json_t *list = json_array();
    int i, devfn;

    for (i = 0; i < pci_root_bus_count(); i++) {
        PCIBus *bus = pci_root_bus_get(i);
        json_t *info = json_object();
        json_t *devs = json_array();

        for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
            if (bus->devices[devfn]) {
                json_array_append_new(
                    devs, pci_device_json(bus, bus->devices[devfn]));
            }
        }
        json_object_set_new(info, "bus", json_integer(pci_bus_num(bus)));
        json_object_set_new(info, "devices", devs);
        json_array_append_new(list, info);
    }
    return list;
}

bool qmp_cmd_query_pci(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    *ret = pci_query_json();
    return true;
}

/* ---- info pci ---- */

static void sb_add(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void sb_add(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    char *piece;
    size_t n;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    n = strlen(piece);
    *buf = xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, piece, n + 1);
    *len += n;
    free(piece);
}

char *qmp_pci_info_text(void)
{
    json_t *list = pci_query_json();
    char *buf = xstrdup("");
    size_t len = 0;
    size_t i, j, k;
    json_t *info, *dev, *reg;

    json_array_foreach (list, i, info) {
        json_array_foreach (json_object_get(info, "devices"), j, dev) {
            json_t *cls = json_object_get(dev, "class_info");
            json_t *id = json_object_get(dev, "id");
            json_t *desc = json_object_get(cls, "desc");

            sb_add(&buf, &len, "  Bus %2" JSON_INTEGER_FORMAT ", ",
                   json_integer_value(json_object_get(dev, "bus")));
            sb_add(&buf, &len,
                   "device %3" JSON_INTEGER_FORMAT
                   ", function %" JSON_INTEGER_FORMAT ":\n",
                   json_integer_value(json_object_get(dev, "slot")),
                   json_integer_value(json_object_get(dev, "function")));
            sb_add(&buf, &len, "    ");
            if (desc) {
                sb_add(&buf, &len, "%s", json_string_value(desc));
            } else {
                sb_add(&buf, &len, "Class %04" JSON_INTEGER_FORMAT,
                       json_integer_value(json_object_get(cls, "class")));
            }
            sb_add(&buf, &len, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                   (uint64_t)json_integer_value(json_object_get(id, "vendor")),
                   (uint64_t)json_integer_value(json_object_get(id, "device")));
            if (json_object_get(id, "subsystem-vendor") &&
                json_object_get(id, "subsystem")) {
                sb_add(&buf, &len,
                       "      PCI subsystem %04" PRIx64 ":%04" PRIx64 "\n",
                       (uint64_t)json_integer_value(
                           json_object_get(id, "subsystem-vendor")),
                       (uint64_t)json_integer_value(
                           json_object_get(id, "subsystem")));
            }
            if (json_object_get(dev, "irq")) {
                sb_add(
                    &buf, &len, "      IRQ %" JSON_INTEGER_FORMAT ", pin %c\n",
                    json_integer_value(json_object_get(dev, "irq")),
                    (char)('A' +
                           json_integer_value(json_object_get(dev, "irq_pin")) -
                           1));
            }
            json_array_foreach (json_object_get(dev, "regions"), k, reg) {
                uint64_t addr = (uint64_t)json_integer_value(
                    json_object_get(reg, "address"));
                uint64_t size =
                    (uint64_t)json_integer_value(json_object_get(reg, "size"));

                sb_add(&buf, &len, "      BAR%" JSON_INTEGER_FORMAT ": ",
                       json_integer_value(json_object_get(reg, "bar")));
                if (!strcmp(json_string_value(json_object_get(reg, "type")),
                            "io")) {
                    sb_add(&buf, &len,
                           "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n", addr,
                           addr + size - 1);
                } else {
                    sb_add(&buf, &len,
                           "%d bit%s memory at 0x%08" PRIx64 " [0x%08" PRIx64
                           "].\n",
                           json_is_true(json_object_get(reg, "mem_type_64"))
                               ? 64
                               : 32,
                           json_is_true(json_object_get(reg, "prefetch"))
                               ? " prefetchable"
                               : "",
                           addr, addr + size - 1);
                }
            }
            sb_add(&buf, &len, "      id \"%s\"\n",
                   json_string_value(json_object_get(dev, "qdev_id")));
        }
    }
    json_decref(list);
    return buf;
}
