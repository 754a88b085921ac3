/*
 * Unit tests: the ACPI memory hotplug block (acpi/memhp.c) on its own,
 * mapped in the I/O address space and driven through it the way a qtest
 * client or the simulated guest drives it.  Expected values were read
 * from QEMU 7.2 (-machine pc, paused, guest played through qtest).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "acpi/memhp.h"
#include "qmp/commands.h"
#include "src/memory.h"

#define BASE ACPI_MEMHP_IO_BASE
#define SLOTS 4

/* Port accesses as qtest's in/out. */
static uint32_t in(uint16_t port, unsigned size)
{
    return (uint32_t)address_space_read_le(&address_space_io, port, size);
}

static void out(uint16_t port, uint32_t val, unsigned size)
{
    address_space_write_le(&address_space_io, port, val, size);
}

/* ---- Fixture: the block, a notifier, an eject callback, events ---- */

static MemHotplugState *ms;
static int notifies;
static int ejects;
static bool eject_fails;
static DeviceState *ejected;
static DeviceState dev_a, dev_b;
static char dev_a_id[] = "dimm1";
static char dev_a_path[] = "/machine/peripheral/dimm1";
static char dev_b_path[] = "/machine/peripheral-anon/device[0]";
static json_t *events;

static void on_notify(void *opaque)
{
    (void)opaque;
    notifies++;
}

static bool on_eject(void *opaque, DeviceState *dev, Error **errp)
{
    (void)opaque;
    ejects++;
    ejected = dev;
    if (eject_fails) {
        error_setg(errp, "refused");
        return false;
    }
    /* As the machine does: the unplug clears the slot. */
    return acpi_memhp_unplug(ms, dev, dev == &dev_a ? 0 : 2, errp);
}

static void on_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    json_t *msg = qmp_event_json(ev);

    (void)opaque;
    (void)name;
    json_array_append(events, msg);
}

static void setup(void)
{
    memory_init();
    notifies = 0;
    ejects = 0;
    eject_fails = false;
    ejected = NULL;
    memset(&dev_a, 0, sizeof(dev_a));
    memset(&dev_b, 0, sizeof(dev_b));
    dev_a.id = dev_a_id;
    dev_a.canonical_path = dev_a_path;
    dev_b.canonical_path = dev_b_path;
    events = json_array();
    qmp_event_subscribe(on_event, NULL);
    ms =
        acpi_memhp_new(get_system_io(), NULL, SLOTS, on_notify, on_eject, NULL);
}

static void teardown(void)
{
    qmp_event_unsubscribe(on_event, NULL);
    acpi_memhp_free(ms);
    ms = NULL;
    json_decref(events);
}

static const char *event_name(size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(events, i), "event"));
}

static json_t *event_data(size_t i)
{
    return json_object_get(json_array_get(events, i), "data");
}

/* The hotplugged DIMM of QEMU's sample: 512 MiB at 4 GiB in slot 0. */
static void plug_a(bool hotplugged)
{
    ck_assert(acpi_memhp_plug(ms, &dev_a, 0, 0x100000000ull, 0x20000000ull, 0,
                              hotplugged, NULL));
}

/* A 6 GiB DIMM at 0x1_4000_0000, node 1, slot 2, no id. */
static void plug_b(void)
{
    ck_assert(acpi_memhp_plug(ms, &dev_b, 2, 0x140000000ull, 0x180000000ull, 1,
                              true, NULL));
}

/* ---- Reads ---- */

START_TEST(test_empty_reads)
{
    unsigned off;

    ck_assert_uint_eq(acpi_memhp_slots(ms), SLOTS);
    for (off = 0; off < 0x18; off += 4) {
        ck_assert_uint_eq(in(BASE + off, 4), 0);
    }
    /* Offsets that are no register read all-ones at every width. */
    ck_assert_uint_eq(in(BASE + 1, 1), 0xff);
    ck_assert_uint_eq(in(BASE + 0x17, 1), 0xff);
    ck_assert_uint_eq(in(BASE + 0x16, 2), 0xffff);
    /* Unaligned accesses are split: 0x01 and 0x02 each read all-ones. */
    ck_assert_uint_eq(in(BASE + 1, 2), 0xffff);
    /* 0x02 (2 bytes, all-ones) then 0x04 (2 bytes, address high = 0). */
    ck_assert_uint_eq(in(BASE + 2, 4), 0xffff);
    ck_assert_uint_eq(acpi_memhp_slot_flags(ms, 0), 0);
    ck_assert_int_eq(notifies, 0);
}
END_TEST

START_TEST(test_plug_hot_and_cold)
{
    plug_a(true);
    ck_assert_int_eq(notifies, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_LO, 4), 0);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_HI, 4), 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_SIZE_LO, 4), 0x20000000);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_SIZE_HI, 4), 0);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_PXM, 4), 0);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4),
                      ACPI_MEMHP_FLAG_ENABLED | ACPI_MEMHP_FLAG_INSERTING);
    /* Narrow reads take the low part of the register at the offset. */
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_SIZE_LO, 2), 0);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_HI, 1), 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 1), 3);
    ck_assert_uint_eq(in(BASE + 0x0a, 2), 0xffff);

    plug_b();
    ck_assert_int_eq(notifies, 2);
    out(BASE + ACPI_MEMHP_SELECTOR, 2, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_LO, 4), 0x40000000);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_HI, 4), 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_SIZE_LO, 4), 0x80000000);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_SIZE_HI, 4), 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_PXM, 4), 1);

    /* A cold-plugged DIMM is enabled only and raises nothing. */
    ck_assert(acpi_memhp_plug(ms, &dev_a, 1, 0x120000000ull, 0x20000000ull, 0,
                              false, NULL));
    ck_assert_int_eq(notifies, 2);
    ck_assert_uint_eq(acpi_memhp_slot_flags(ms, 1), ACPI_MEMHP_FLAG_ENABLED);
}
END_TEST

START_TEST(test_bad_slot)
{
    Error *err = NULL;

    ck_assert(!acpi_memhp_plug(ms, &dev_a, SLOTS, 0, 1, 0, true, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "acpi_memory_slot_status: device "
                     "[/machine/peripheral/dimm1] returned invalid "
                     "memory slot[4]");
    error_free(err);
    err = NULL;
    ck_assert(!acpi_memhp_unplug_request(ms, &dev_b, -1, &err));
    ck_assert(err != NULL);
    error_free(err);
    ck_assert_int_eq(notifies, 0);
}
END_TEST

/* ---- Control writes ---- */

START_TEST(test_control_one_action)
{
    plug_a(true);
    ck_assert(acpi_memhp_unplug_request(ms, &dev_a, 0, NULL));
    ck_assert_int_eq(notifies, 2);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 7);
    /* All three bits: only inserting is cleared. */
    out(BASE + ACPI_MEMHP_CONTROL, 0x0e, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 5);
    ck_assert_int_eq(ejects, 0);
    /* The bits decide, not the state: 0x0e again clears inserting only. */
    out(BASE + ACPI_MEMHP_CONTROL, 0x0e, 4);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 5);
    /* 0x0c clears removing only. */
    out(BASE + ACPI_MEMHP_CONTROL, 0x0c, 4);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 1);
    ck_assert_int_eq(ejects, 0);
    /* Then the eject. */
    out(BASE + ACPI_MEMHP_CONTROL, 0x08, 2);
    ck_assert_int_eq(ejects, 1);
    ck_assert_ptr_eq(ejected, &dev_a);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 0);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_ADDR_HI, 4), 0);
    /* Ejecting a disabled slot does nothing. */
    out(BASE + ACPI_MEMHP_CONTROL, ACPI_MEMHP_CTRL_EJECT, 4);
    ck_assert_int_eq(ejects, 1);
    /* Writes at other offsets (and the control byte's neighbours) too. */
    plug_a(false);
    out(BASE + 0x15, ACPI_MEMHP_CTRL_EJECT, 1);
    out(BASE + ACPI_MEMHP_SIZE_HI, 0xffffffff, 4);
    out(BASE + ACPI_MEMHP_PXM, 0xffffffff, 4);
    ck_assert_int_eq(ejects, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 1);
    ck_assert_uint_eq(json_array_size(events), 0);
}
END_TEST

START_TEST(test_eject_refused)
{
    plug_b();
    eject_fails = true;
    out(BASE + ACPI_MEMHP_SELECTOR, 2, 4);
    out(BASE + ACPI_MEMHP_CONTROL, ACPI_MEMHP_CTRL_EJECT, 4);
    ck_assert_int_eq(ejects, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 3);
    ck_assert_uint_eq(json_array_size(events), 2);
    ck_assert_str_eq(event_name(0), "MEM_UNPLUG_ERROR");
    ck_assert_str_eq(
        json_string_value(json_object_get(event_data(0), "device")), "");
    ck_assert_str_eq(json_string_value(json_object_get(event_data(0), "msg")),
                     "refused");
    ck_assert_str_eq(event_name(1), "DEVICE_UNPLUG_GUEST_ERROR");
    ck_assert_ptr_null(json_object_get(event_data(1), "device"));
    ck_assert_str_eq(json_string_value(json_object_get(event_data(1), "path")),
                     "/machine/peripheral-anon/device[0]");
}
END_TEST

/* ---- _OST ---- */

START_TEST(test_ost_event)
{
    char *s;

    plug_a(true);
    out(BASE + ACPI_MEMHP_OST_EVENT, 0x103, 4);
    ck_assert_uint_eq(json_array_size(events), 0);
    out(BASE + ACPI_MEMHP_OST_STATUS, 0x80, 4);
    ck_assert_uint_eq(json_array_size(events), 1);
    ck_assert_str_eq(event_name(0), "ACPI_DEVICE_OST");
    /* Members in QAPI order. */
    s = json_dumps(event_data(0), JSON_PRESERVE_ORDER | JSON_COMPACT);
    ck_assert_str_eq(s, "{\"info\":{\"device\":\"dimm1\",\"slot\":\"0\","
                        "\"slot-type\":\"DIMM\",\"source\":259,"
                        "\"status\":128}}");
    free(s);
    /* An empty slot, full 32-bit values, byte-wide writes. */
    out(BASE + ACPI_MEMHP_SELECTOR, 3, 1);
    out(BASE + ACPI_MEMHP_OST_EVENT, 0xffffffff, 4);
    out(BASE + ACPI_MEMHP_OST_STATUS, 0x84, 1);
    ck_assert_uint_eq(json_array_size(events), 2);
    s = json_dumps(event_data(1), JSON_PRESERVE_ORDER | JSON_COMPACT);
    ck_assert_str_eq(s, "{\"info\":{\"slot\":\"3\",\"slot-type\":\"DIMM\","
                        "\"source\":4294967295,\"status\":132}}");
    free(s);
}
END_TEST

START_TEST(test_selector_out_of_range)
{
    plug_a(true);
    out(BASE + ACPI_MEMHP_SELECTOR, SLOTS, 4);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 0);
    ck_assert_uint_eq(in(BASE + 0x16, 2), 0);
    out(BASE + ACPI_MEMHP_OST_EVENT, 3, 4);
    out(BASE + ACPI_MEMHP_OST_STATUS, 1, 4);
    out(BASE + ACPI_MEMHP_CONTROL, 0x0e, 4);
    ck_assert_uint_eq(json_array_size(events), 0);
    ck_assert_int_eq(ejects, 0);
    /* A byte write of the selector sets all of it. */
    out(BASE + ACPI_MEMHP_SELECTOR, 0xffffffff, 4);
    out(BASE + ACPI_MEMHP_SELECTOR, 0, 1);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 3);
    /* A word write at 0x01 is two byte writes, neither the selector. */
    out(BASE + 1, 0xffff, 2);
    ck_assert_uint_eq(in(BASE + ACPI_MEMHP_FLAGS, 4), 3);
    ck_assert_uint_eq(acpi_memhp_slot_flags(ms, SLOTS), 0);
}
END_TEST

/* ---- OSPM status ---- */

START_TEST(test_ospm_status)
{
    json_t *list = json_array();
    char *s;

    plug_a(true);
    plug_b();
    out(BASE + ACPI_MEMHP_OST_EVENT, 1, 4);
    acpi_memhp_ospm_status(ms, list);
    ck_assert_uint_eq(json_array_size(list), SLOTS);
    s = json_dumps(list, JSON_PRESERVE_ORDER | JSON_COMPACT);
    ck_assert_str_eq(
        s,
        "[{\"device\":\"dimm1\",\"slot\":\"0\",\"slot-type\":\"DIMM\","
        "\"source\":1,\"status\":0},"
        "{\"slot\":\"1\",\"slot-type\":\"DIMM\",\"source\":0,\"status\":0},"
        "{\"slot\":\"2\",\"slot-type\":\"DIMM\",\"source\":0,\"status\":0},"
        "{\"slot\":\"3\",\"slot-type\":\"DIMM\",\"source\":0,\"status\":0}]");
    free(s);
    json_decref(list);
    /* After the unplug the record stays, without the device. */
    ck_assert(acpi_memhp_unplug(ms, &dev_a, 0, NULL));
    list = json_array();
    acpi_memhp_ospm_status(ms, list);
    ck_assert_ptr_null(json_object_get(json_array_get(list, 0), "device"));
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(list, 0), "source")),
        1);
    json_decref(list);
}
END_TEST

START_TEST(test_no_slots)
{
    MemHotplugState *none;
    json_t *list = json_array();

    acpi_memhp_free(ms);
    ms = NULL;
    none = acpi_memhp_new(get_system_io(), NULL, 0, on_notify, on_eject, NULL);
    ck_assert_uint_eq(acpi_memhp_slots(none), 0);
    acpi_memhp_ospm_status(none, list);
    ck_assert_uint_eq(json_array_size(list), 0);
    /* Nothing decodes at 0x0a00. */
    out(BASE + ACPI_MEMHP_OST_STATUS, 0, 4);
    ck_assert_uint_eq(json_array_size(events), 0);
    ck_assert_uint_eq(acpi_memhp_slot_flags(none, 0), 0);
    acpi_memhp_free(none);
    json_decref(list);
    /* NULL is accepted everywhere a state is read. */
    acpi_memhp_free(NULL);
    ck_assert_uint_eq(acpi_memhp_slots(NULL), 0);
}
END_TEST

static Suite *memhp_suite(void)
{
    Suite *s = suite_create("memhp");
    TCase *tc = tcase_create("registers");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_reads);
    tcase_add_test(tc, test_plug_hot_and_cold);
    tcase_add_test(tc, test_bad_slot);
    tcase_add_test(tc, test_control_one_action);
    tcase_add_test(tc, test_eject_refused);
    tcase_add_test(tc, test_ost_event);
    tcase_add_test(tc, test_selector_out_of_range);
    tcase_add_test(tc, test_ospm_status);
    tcase_add_test(tc, test_no_slots);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { memhp_suite };
