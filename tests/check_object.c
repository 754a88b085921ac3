/*
 * Unit tests: types, properties (and their QEMU iteration order), paths,
 * devices with hotplug handlers, DEVICE_DELETED.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-main.h"
#include "qmp/qmp.h"
#include "src/dimm.h"
#include "src/qdev.h"
#include "src/util.h"

/* ---- Test types ---- */

#define TYPE_TEST_HANDLER "test-handler"
#define TYPE_TEST_BUS "test-bus"
#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_SUBDEV "test-subdev"

typedef struct TestHandler {
    DeviceState parent_obj;
    bool refuse_pre_plug;
    bool async;
    int plugged;
} TestHandler;

typedef struct TestDev {
    DeviceState parent_obj;
    uint32_t node;
    int32_t slot;
    bool flag;
    char *label;
    int realize_calls;
    bool fail_realize;
} TestDev;

static int order_log[8];
static int order_n;

static bool th_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    TestHandler *th = (TestHandler *)h;

    order_log[order_n++] = 1;
    if (th->refuse_pre_plug) {
        error_setg(errp, "refused");
        return false;
    }
    return true;
}

static bool th_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    order_log[order_n++] = 3;
    ((TestHandler *)h)->plugged++;
    return true;
}

static bool th_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    ((TestHandler *)h)->plugged--;
    qdev_unrealize(dev);
    return true;
}

static void th_class_init(ObjectClass *k, void *data)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(k);

    hc->pre_plug = th_pre_plug;
    hc->plug = th_plug;
    hc->unplug = th_unplug;
}

static bool td_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = (TestDev *)dev;

    order_log[order_n++] = 2;
    t->realize_calls++;
    if (t->fail_realize) {
        error_setg(errp, "realize failed");
        return false;
    }
    return true;
}

static const Property td_props[] = {
    DEFINE_PROP_UINT32("node", TestDev, node, 0),
    DEFINE_PROP_INT32("slot", TestDev, slot, -1),
    DEFINE_PROP_BOOL("flag", TestDev, flag, true),
    DEFINE_PROP_STRING("label", TestDev, label),
    DEFINE_PROP_END_OF_LIST(),
};

static void td_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(k);

    dc->realize = td_realize;
    dc->bus_type = TYPE_TEST_BUS;
    device_class_set_props(dc, td_props);
}

static DeviceRealize *sub_parent_realize;

static bool sub_realize(DeviceState *dev, Error **errp)
{
    if (!sub_parent_realize(dev, errp)) {
        return false;
    }
    ((TestDev *)dev)->realize_calls += 10;
    return true;
}

static void sub_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(k);

    sub_parent_realize = dc->realize;
    dc->realize = sub_realize;
}

static const TypeInfo test_types[] = {
    { .name = TYPE_TEST_HANDLER,
      .parent = TYPE_DEVICE,
      .instance_size = sizeof(TestHandler),
      .class_init = th_class_init,
      .interfaces =
          (const InterfaceInfo[]){ { TYPE_HOTPLUG_HANDLER }, { NULL } } },
    { .name = TYPE_TEST_BUS, .parent = TYPE_BUS },
    { .name = TYPE_TEST_DEV,
      .parent = TYPE_DEVICE,
      .instance_size = sizeof(TestDev),
      .class_init = td_class_init },
    { .name = TYPE_TEST_SUBDEV,
      .parent = TYPE_TEST_DEV,
      .class_init = sub_class_init },
};

static json_t *events;

static void on_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    json_t *msg = qmp_event_json(ev);

    json_array_append(events, msg);
}

static void setup(void)
{
    static bool done;
    Error *err = NULL;

    if (!done) {
        done = true;
        object_register_all_types();
        type_register_static_array(test_types, ARRAY_SIZE(test_types));
        ck_assert(qdev_machine_init("pc-i440fx-7.2-machine", &err));
        events = json_array();
        qmp_event_subscribe(on_event, NULL);
    }
    json_array_clear(events);
    order_n = 0;
}

/* Names in iteration order, comma-separated. */
static char *iter_names(ObjectPropertyIterator *it)
{
    char *s = xstrdup("");
    ObjectProperty *p;

    while ((p = object_property_iter_next(it))) {
        char *t = xasprintf("%s%s%s", s, *s ? "," : "", p->name);

        free(s);
        s = t;
    }
    return s;
}

/* ---- Tests ---- */

START_TEST(test_glib_order)
{
    ObjectPropertyIterator it;
    char *names;

    setup();
    /* QEMU 7.2: qom-list-properties device lists these reversed. */
    object_class_property_iter_init(&it, object_class_by_name(TYPE_DEVICE));
    names = iter_names(&it);
    ck_assert_str_eq(names, "hotpluggable,hotplugged,realized,parent_bus,"
                            "type");
    free(names);
    /* qom-list / is type, objects, machine, chardevs. */
    object_property_iter_init(&it, object_get_root());
    names = iter_names(&it);
    ck_assert_str_eq(names, "chardevs,machine,objects,type");
    free(names);
}
END_TEST

START_TEST(test_paths)
{
    bool amb = false;
    char *path;
    Object *o;

    setup();
    o = object_resolve_path("/machine/peripheral", NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(object_get_typename(o), TYPE_CONTAINER);
    ck_assert_ptr_eq(object_resolve_path("peripheral", &amb), o);
    ck_assert(!amb);
    ck_assert_ptr_eq(object_resolve_path("//machine//peripheral/", NULL), o);
    ck_assert_ptr_null(object_resolve_path("", &amb));
    ck_assert(amb);
    ck_assert_ptr_null(object_resolve_path("/nosuch", &amb));
    ck_assert(!amb);
    path = object_get_canonical_path(o);
    ck_assert_str_eq(path, "/machine/peripheral");
    free(path);
    path = object_get_canonical_path(object_get_root());
    ck_assert_str_eq(path, "/");
    free(path);
    ck_assert_ptr_eq(object_resolve_path("/", NULL), object_get_root());
}
END_TEST

/* Partial paths: through children, instance links and class links. */
START_TEST(test_partial_links)
{
    Object *holder, *target, *dimm, *ptr;
    bool amb = true;

    setup();
    holder = object_new(TYPE_CONTAINER);
    object_property_add_child(object_get_root(), "tholder", holder);
    object_unref(holder);
    target = object_new(TYPE_CONTAINER);
    object_property_add_child(holder, "ttarget", target);
    object_unref(target);
    ptr = target;
    object_property_add_link(holder, "tinslink", TYPE_CONTAINER, &ptr, NULL, 0);
    ck_assert_ptr_eq(object_resolve_path("ttarget", &amb), target);
    ck_assert(!amb);
    ck_assert_ptr_eq(object_resolve_path("tinslink", &amb), target);
    ck_assert(!amb);
    ck_assert_ptr_eq(object_resolve_path("tholder/tinslink", &amb), target);
    ck_assert_ptr_null(object_resolve_path("tinslink/nosuch", &amb));
    ck_assert(!amb);
    /* "memdev" is a class link of pc-dimm: found at the DIMM. */
    dimm = object_new(TYPE_PC_DIMM);
    object_property_add_child(holder, "tdimm", dimm);
    object_unref(dimm);
    ck_assert_ptr_null(object_resolve_path("memdev", &amb));
    ck_assert(!amb);
    PC_DIMM(dimm)->hostmem = target;
    ck_assert_ptr_eq(object_resolve_path("memdev", &amb), target);
    ck_assert(!amb);
    ck_assert_ptr_eq(object_resolve_path("tdimm/memdev", &amb), target);
    ck_assert_ptr_null(object_resolve_path_type("memdev", TYPE_PC_DIMM, &amb));
    ck_assert(!amb);
    PC_DIMM(dimm)->hostmem = NULL;
    object_unparent(holder);
    ck_assert_ptr_null(object_resolve_path("ttarget", &amb));
}
END_TEST

START_TEST(test_property_errors)
{
    Error *err = NULL;
    json_t *v;
    Object *m;

    setup();
    m = qdev_get_machine();
    v = object_property_get(m, "nosuch", &err);
    ck_assert_ptr_null(v);
    ck_assert_str_eq(error_get_pretty(err),
                     "Property 'pc-i440fx-7.2-machine.nosuch' not found");
    error_free(err);
    err = NULL;
    ck_assert(!object_property_set_str(m, "type", "x", &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Property 'pc-i440fx-7.2-machine.type' is not writable");
    error_free(err);
    err = NULL;
    v = object_property_get(m, "peripheral", &err);
    ck_assert_str_eq(json_string_value(v), "/machine/peripheral");
    json_decref(v);
    /* Duplicate children, "[*]" names. */
    {
        Object *c = object_new(TYPE_CONTAINER);
        ObjectProperty *p;

        p = object_property_try_add_child(m, "peripheral", c, &err);
        ck_assert_ptr_null(p);
        ck_assert_str_eq(error_get_pretty(err),
                         "attempt to add duplicate property 'peripheral' to "
                         "object (type 'pc-i440fx-7.2-machine')");
        error_free(err);
        err = NULL;
        p = object_property_add_child(m, "x[*]", c);
        ck_assert_str_eq(p->name, "x[0]");
        object_unparent(c);
        object_unref(c);
    }
}
END_TEST

START_TEST(test_casts_and_classes)
{
    ObjectClass *k;
    DeviceClass *dc;

    setup();
    k = object_class_by_name(TYPE_TEST_SUBDEV);
    ck_assert_ptr_nonnull(object_class_dynamic_cast(k, TYPE_DEVICE));
    ck_assert_ptr_null(object_class_dynamic_cast(k, TYPE_BUS));
    ck_assert_ptr_null(object_class_dynamic_cast(k, TYPE_HOTPLUG_HANDLER));
    dc = DEVICE_CLASS(k);
    ck_assert_ptr_eq(dc->bus_type, TYPE_TEST_BUS); /* copied from parent */
    ck_assert(dc->hotpluggable && dc->user_creatable);
    k = object_class_by_name(TYPE_TEST_HANDLER);
    ck_assert_ptr_nonnull(object_class_dynamic_cast(k, TYPE_HOTPLUG_HANDLER));
    ck_assert_ptr_eq(HOTPLUG_HANDLER_CLASS(k)->plug, th_plug);
    ck_assert_ptr_nonnull(object_class_dynamic_cast(
        object_class_by_name("generic-pc-machine"), TYPE_HOTPLUG_HANDLER));
    ck_assert_ptr_nonnull(object_class_dynamic_cast(
        object_class_by_name("pc-i440fx-7.2-machine"), TYPE_HOTPLUG_HANDLER));
}
END_TEST

START_TEST(test_static_props)
{
    DeviceState *dev;
    Error *err = NULL;

    setup();
    dev = qdev_new(TYPE_TEST_DEV);
    ck_assert_int_eq(((TestDev *)dev)->slot, -1);
    ck_assert(((TestDev *)dev)->flag);
    ck_assert(!object_property_set_int(OBJECT(dev), "node", -1, &err));
    ck_assert_str_eq(error_get_pretty(err), "Parameter 'node' expects uint32");
    error_free(err);
    err = NULL;
    ck_assert(!object_property_set_str(OBJECT(dev), "flag", "on", &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Invalid parameter type for 'flag', expected: boolean");
    error_free(err);
    err = NULL;
    ck_assert(object_property_set_str(OBJECT(dev), "label", "x", NULL));
    ck_assert_str_eq(((TestDev *)dev)->label, "x");
    ck_assert_ptr_nonnull(object_property_find(OBJECT(dev), "slot")->defval);
    object_unref(dev);
}
END_TEST

/* Bit properties (one bit of a word each) and aliases forwarding to them. */
START_TEST(test_bits_and_aliases)
{
    Object *holder, *be;
    ObjectProperty *p;

    setup();
    holder = object_new(TYPE_CONTAINER);
    be = object_new("virtio-net-device");
    object_property_add_child(holder, "be", be);
    object_unref(be);
    ck_assert(!object_property_get_bool(be, "mq", NULL));
    ck_assert(object_property_get_bool(be, "csum", NULL));
    ck_assert(object_property_set_bool(be, "csum", false, NULL));
    ck_assert(!object_property_get_bool(be, "csum", NULL));
    ck_assert(object_property_get_bool(be, "guest_csum", NULL));

    p = object_property_add_alias(holder, "multi", be, "mq");
    ck_assert_str_eq(p->type, "bool");
    ck_assert_str_eq(p->description, "on/off");
    ck_assert(json_is_false(p->defval));
    ck_assert(object_property_set_bool(holder, "multi", true, NULL));
    ck_assert(object_property_get_bool(be, "mq", NULL));
    ck_assert(object_property_get_bool(be, "guest_csum", NULL));

    p = object_property_add_alias(holder, "other", holder, "be");
    ck_assert_str_eq(p->type, "link<virtio-net-device>");
    ck_assert_ptr_eq(object_resolve_path_component(holder, "other"), be);
    object_unref(holder);
}
END_TEST

START_TEST(test_realize_and_unplug)
{
    TestHandler *h;
    BusState *bus;
    DeviceState *dev, *sub;
    Error *err = NULL;
    json_t *data;

    setup();
    h = (TestHandler *)qdev_new(TYPE_TEST_HANDLER);
    ck_assert(qdev_realize(DEVICE(h), NULL, &err));
    bus = qbus_new(TYPE_TEST_BUS, DEVICE(h), "tb.0");
    qbus_set_hotplug_handler(bus, OBJECT(h));
    ck_assert(qbus_is_hotpluggable(bus));

    /* pre_plug refuses: no trace left. */
    h->refuse_pre_plug = true;
    dev = qdev_new(TYPE_TEST_DEV);
    ck_assert_str_eq(qdev_set_id(dev, xstrdup("d0"), &err), "d0");
    ck_assert(!qdev_realize(dev, bus, &err));
    ck_assert_str_eq(error_get_pretty(err), "refused");
    error_free(err);
    err = NULL;
    ck_assert_int_eq(bus->num_children, 0);
    ck_assert_ptr_null(dev->parent_bus);
    ck_assert(!dev->realized);

    /* Success: pre_plug, realize, plug in that order. */
    h->refuse_pre_plug = false;
    order_n = 0;
    ck_assert(qdev_realize(dev, bus, &err));
    ck_assert_int_eq(order_n, 3);
    ck_assert_int_eq(order_log[0], 1);
    ck_assert_int_eq(order_log[1], 2);
    ck_assert_int_eq(order_log[2], 3);
    ck_assert_int_eq(h->plugged, 1);
    ck_assert_ptr_eq(object_resolve_path("d0", NULL), OBJECT(dev));
    ck_assert(!object_property_set_int(OBJECT(dev), "node", 1, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Attempt to set property 'node' on device 'd0' "
                     "(type 'test-dev') after it was realized");
    error_free(err);
    err = NULL;
    /* Duplicate id. */
    sub = qdev_new(TYPE_TEST_SUBDEV);
    ck_assert_ptr_null(qdev_set_id(sub, xstrdup("d0"), &err));
    ck_assert_str_eq(error_get_pretty(err), "Duplicate device ID 'd0'");
    error_free(err);
    err = NULL;
    /* Anonymous, with a chained realize. */
    ck_assert_ptr_nonnull(qdev_set_id(sub, NULL, &err));
    ck_assert(qdev_realize(sub, bus, &err));
    ck_assert_int_eq(((TestDev *)sub)->realize_calls, 11);
    object_unref(sub);
    object_unref(dev);

    /* Synchronous unplug: DEVICE_DELETED {device, path}. */
    ck_assert(qdev_unplug(dev, &err));
    ck_assert_int_eq(json_array_size(events), 1);
    data = json_object_get(json_array_get(events, 0), "data");
    ck_assert_str_eq(json_string_value(json_object_get(data, "device")), "d0");
    ck_assert_str_eq(json_string_value(json_object_get(data, "path")),
                     "/machine/peripheral/d0");
    ck_assert_ptr_null(object_resolve_path("d0", NULL));
    ck_assert_int_eq(h->plugged, 1);

    /* Unparenting the handler takes its bus and the anonymous device. */
    json_array_clear(events);
    object_unparent(OBJECT(h));
    object_unref(h);
    ck_assert_int_eq(json_array_size(events), 2);
    data = json_object_get(json_array_get(events, 0), "data");
    ck_assert_ptr_null(json_object_get(data, "device"));
    ck_assert_str_eq(json_string_value(json_object_get(data, "path")),
                     "/machine/peripheral-anon/device[0]");
}
END_TEST

START_TEST(test_realize_failure_unattached)
{
    DeviceState *dev;
    Error *err = NULL;
    Object *un;

    setup();
    un = object_resolve_path("/machine/unattached", NULL);
    dev = qdev_new(TYPE_TEST_HANDLER);
    ck_assert(qdev_realize(dev, NULL, &err));
    ck_assert_ptr_eq(OBJECT(dev)->parent, un);
    ck_assert_str_eq(object_get_canonical_path_component(OBJECT(dev)),
                     "device[1]");
    object_unparent(OBJECT(dev));
    object_unref(dev);
    dev = qdev_new(TYPE_TEST_DEV);
    ((TestDev *)dev)->fail_realize = true;
    ck_assert(!qdev_realize(dev, NULL, &err));
    ck_assert_str_eq(error_get_pretty(err), "realize failed");
    error_free(err);
    ck_assert_ptr_null(OBJECT(dev)->parent);
    object_unref(dev);
    ck_assert_int_eq(json_array_size(events), 1); /* only the handler */
}
END_TEST

/* ---- Type families ---- */

#define FAM_N 200
static char fam_names[FAM_N][16];
static TypeInfo fam_infos[FAM_N];
static const TypeInfo fam_template = { .parent = TYPE_CONTAINER };
static const TypeInfo fam_after[] = {
    { .name = "fam-after-a", .parent = TYPE_CONTAINER },
    { .name = "fam-after-b", .parent = TYPE_CONTAINER },
    { .name = "fam-after-c", .parent = TYPE_CONTAINER },
};

static const TypeInfo *fam_member(size_t i, const char **name,
                                  void **class_data)
{
    *name = fam_names[i];
    *class_data = NULL;
    return &fam_template;
}

static const TypeFamily fam = { FAM_N, fam_member };

static void collect_name(ObjectClass *k, void *opaque)
{
    char **s = opaque;
    char *t = xasprintf("%s%s,", *s, object_class_get_name(k));

    free(*s);
    *s = t;
}

/* Every type's name, in object_class_foreach's order. */
static char *type_order(void)
{
    char *s = xstrdup("");

    object_class_foreach(collect_name, NULL, true, &s);
    return s;
}

START_TEST(test_type_family_order)
{
    int fds[2];
    pid_t pid;
    char *lazy, *eager;
    size_t len, got = 0;
    int status;

    setup();
    for (int i = 0; i < FAM_N; i++) {
        snprintf(fam_names[i], sizeof(fam_names[i]), "fam-%d", i);
    }
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* The same types registered at once, in the family's order. */
        char *order;

        for (int i = 0; i < FAM_N; i++) {
            fam_infos[i] = fam_template;
            fam_infos[i].name = fam_names[i];
        }
        type_register_static_array(fam_infos, FAM_N);
        type_register_static_array(fam_after, ARRAY_SIZE(fam_after));
        order = type_order();
        len = strlen(order);
        if (write(fds[1], order, len) != (ssize_t)len) {
            _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    type_register_family(&fam);
    type_register_static_array(fam_after, ARRAY_SIZE(fam_after));
    /* Made out of order: looked up before the types are walked. */
    ck_assert_ptr_nonnull(object_class_by_name("fam-150"));
    ck_assert_ptr_nonnull(object_class_by_name("fam-3"));
    ck_assert_ptr_null(object_class_by_name("fam-200"));
    ck_assert_str_eq(object_class_get_name(object_class_get_parent(
                         object_class_by_name("fam-7"))),
                     TYPE_CONTAINER);
    lazy = type_order();
    eager = xzalloc(strlen(lazy) + 2);
    for (;;) {
        ssize_t n = read(fds[0], eager + got, strlen(lazy) + 1 - got);

        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_str_eq(lazy, eager);
    ck_assert_ptr_nonnull(strstr(lazy, ",fam-199,"));
    /* Walking again changes nothing. */
    free(eager);
    eager = type_order();
    ck_assert_str_eq(lazy, eager);
    free(eager);
    free(lazy);
}
END_TEST

/* ---- Static class properties ---- */

static json_t *answer_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer((json_int_t)(intptr_t)prop->opaque);
}

static const ObjectPropertyAccess answer_access = { .get = answer_get };
static const ObjectProperty answer_props[] = {
    { .name = "answer",
      .type = "int",
      .access = &answer_access,
      .opaque = (void *)(intptr_t)42 },
    { .name = "question",
      .type = "int",
      .access = &answer_access,
      .opaque = (void *)(intptr_t)6 },
};

static void answer_class_init(ObjectClass *k, void *data)
{
    object_class_property_add_static(k, &answer_props[0]);
    object_class_property_add_str(k, "dynamic", NULL, NULL);
    object_class_property_add_static(k, &answer_props[1]);
}

static const TypeInfo answer_type = {
    .name = "test-answer",
    .parent = TYPE_CONTAINER,
    .class_init = answer_class_init,
};

START_TEST(test_static_class_props)
{
    ObjectPropertyIterator it;
    Object *obj;
    char *names;
    json_t *v;

    setup();
    type_register_static(&answer_type);
    obj = object_new("test-answer");
    ck_assert_ptr_eq(object_property_find(obj, "answer"), &answer_props[0]);
    v = object_property_get(obj, "question", NULL);
    ck_assert_int_eq(json_integer_value(v), 6);
    json_decref(v);
    ck_assert_str_eq(object_property_get_type(obj, "answer", NULL), "int");
    ck_assert(!object_property_set_int(obj, "answer", 1, NULL));
    object_class_property_iter_init(&it, object_get_class(obj));
    names = iter_names(&it);
    /* GLib's places for the three names, then container's "type". */
    ck_assert_ptr_nonnull(strstr(names, "answer"));
    ck_assert_ptr_nonnull(strstr(names, "question"));
    ck_assert_ptr_nonnull(strstr(names, "dynamic"));
    free(names);
    object_unref(obj);
}
END_TEST

static Suite *object_suite(void)
{
    Suite *s = suite_create("object");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_glib_order);
    tcase_add_test(tc, test_paths);
    tcase_add_test(tc, test_partial_links);
    tcase_add_test(tc, test_property_errors);
    tcase_add_test(tc, test_casts_and_classes);
    tcase_add_test(tc, test_static_props);
    tcase_add_test(tc, test_bits_and_aliases);
    tcase_add_test(tc, test_realize_and_unplug);
    tcase_add_test(tc, test_realize_failure_unattached);
    tcase_add_test(tc, test_type_family_order);
    tcase_add_test(tc, test_static_class_props);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { object_suite, true };
