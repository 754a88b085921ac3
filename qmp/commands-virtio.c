/*
 * Virtio QMP commands: balloon, query-balloon, x-query-virtio and
 * x-query-virtio-status, in QEMU 7.2's shapes.
 */
#include <string.h>

#include "commands.h"
#include "src/runstate.h"
#include "src/virtio-balloon.h"
#include "src/virtio-pci.h"
#include "src/util.h"

/* ---- balloon / query-balloon ---- */

static const QapiMember balloon_members[] = { { "value", &qapi_int, false },
                                              { NULL } };
const QapiType balloon_args = { .name = "q_obj_balloon-arg",
                                .kind = QAPI_KIND_OBJECT,
                                .members = balloon_members };

static const QapiMember balloon_info_members[] = {
    { "actual", &qapi_int, false }, { NULL }
};
const QapiType balloon_info_type = { .name = "BalloonInfo",
                                     .kind = QAPI_KIND_OBJECT,
                                     .members = balloon_info_members };

bool qmp_cmd_balloon(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    (void)s;
    (void)ret;
    return virtio_balloon_set_target(qapi_arg_int(args, "value", 0), errp);
}

bool qmp_cmd_query_balloon(QmpSession *s, json_t *args, json_t **ret,
                           Error **errp)
{
    uint64_t actual;

    (void)s;
    (void)args;
    if (!virtio_balloon_query(&actual, errp)) {
        return false;
    }
    *ret = json_pack("{s:I}", "actual", (json_int_t)actual);
    return true;
}

/* ---- x-query-virtio ---- */

static const QapiMember virtio_info_members[] = { { "path", &qapi_str, false },
                                                  { "name", &qapi_str, false },
                                                  { NULL } };
static const QapiType virtio_info_type = { .name = "VirtioInfo",
                                           .kind = QAPI_KIND_OBJECT,
                                           .members = virtio_info_members };
QAPI_ARRAY_OF(virtio_info_list, virtio_info_type);

bool qmp_cmd_x_query_virtio(QmpSession *s, json_t *args, json_t **ret,
                            Error **errp)
{
    json_t *list = json_array();
    const char *path;
    VirtIODevice *vdev;
    int i;

    (void)s;
    (void)args;
    (void)errp;
    for (i = 0; (vdev = virtio_device_nth(i, &path, NULL)) != NULL; i++) {
        json_array_append_new(list, json_pack("{s:s, s:s}", "path", path,
                                              "name", vdev->ops->name));
    }
    *ret = list;
    return true;
}

/* ---- x-query-virtio-status ---- */

static const QapiMember path_members[] = { { "path", &qapi_str, false },
                                           { NULL } };
const QapiType x_query_virtio_status_args = {
    .name = "q_obj_x-query-virtio-status-arg",
    .kind = QAPI_KIND_OBJECT,
    .members = path_members
};

static QAPI_ARRAY_OF(str_list, qapi_str);
static const QapiMember features_members[] = {
    { "transports", &str_list, false },
    { "dev-features", &str_list, true },
    { "unknown-dev-features", &qapi_uint64, true },
    { NULL }
};
static const QapiType features_type = { .name = "VirtioDeviceFeatures",
                                        .kind = QAPI_KIND_OBJECT,
                                        .members = features_members };
static const QapiMember dstatus_members[] = { { "statuses", &str_list, false },
                                              { "unknown-statuses", &qapi_uint8,
                                                true },
                                              { NULL } };
static const QapiType dstatus_type = { .name = "VirtioDeviceStatus",
                                       .kind = QAPI_KIND_OBJECT,
                                       .members = dstatus_members };
/* vhost state: described for introspection; no vhost here, never sent. */
static const QapiMember vhost_protocols_members[] = {
    { "protocols", &str_list, false },
    { "unknown-protocols", &qapi_uint64, true },
    { NULL }
};
static const QapiType vhost_protocols_type = { .name = "VhostDeviceProtocols",
                                               .kind = QAPI_KIND_OBJECT,
                                               .members =
                                                   vhost_protocols_members };
static const QapiMember vhost_status_members[] = {
    { "n-mem-sections", &qapi_int, false },
    { "n-tmp-sections", &qapi_int, false },
    { "nvqs", &qapi_uint32, false },
    { "vq-index", &qapi_int, false },
    { "features", &features_type, false },
    { "acked-features", &features_type, false },
    { "backend-features", &features_type, false },
    { "protocol-features", &vhost_protocols_type, false },
    { "max-queues", &qapi_uint64, false },
    { "backend-cap", &qapi_uint64, false },
    { "log-enabled", &qapi_bool, false },
    { "log-size", &qapi_uint64, false },
    { NULL }
};
static const QapiType vhost_status_type = { .name = "VhostStatus",
                                            .kind = QAPI_KIND_OBJECT,
                                            .members = vhost_status_members };
static const QapiMember status_members[] = {
    { "name", &qapi_str, false },
    { "device-id", &qapi_uint16, false },
    { "vhost-started", &qapi_bool, false },
    { "device-endian", &qapi_str, false }, /* a str in QEMU's schema */
    { "guest-features", &features_type, false },
    { "host-features", &features_type, false },
    { "backend-features", &features_type, false },
    { "num-vqs", &qapi_int, false },
    { "status", &dstatus_type, false },
    { "isr", &qapi_uint8, false },
    { "queue-sel", &qapi_uint16, false },
    { "vm-running", &qapi_bool, false },
    { "broken", &qapi_bool, false },
    { "disabled", &qapi_bool, false },
    { "use-started", &qapi_bool, false },
    { "started", &qapi_bool, false },
    { "start-on-kick", &qapi_bool, false },
    { "disable-legacy-check", &qapi_bool, false },
    { "bus-name", &qapi_str, false },
    { "use-guest-notifier-mask", &qapi_bool, false },
    { "vhost-dev", &vhost_status_type, true },
    { NULL }
};
const QapiType virtio_status_type = { .name = "VirtioStatus",
                                      .kind = QAPI_KIND_OBJECT,
                                      .members = status_members };

/* Status bits in QEMU's table order (the list comes out reversed). */
static const struct {
    uint8_t bit;
    const char *text;
} status_names[] = {
    { VIRTIO_CONFIG_S_DRIVER_OK, "VIRTIO_CONFIG_S_DRIVER_OK: Driver setup "
                                 "and ready" },
    { VIRTIO_CONFIG_S_FEATURES_OK, "VIRTIO_CONFIG_S_FEATURES_OK: Feature "
                                   "negotiation complete" },
    { VIRTIO_CONFIG_S_DRIVER, "VIRTIO_CONFIG_S_DRIVER: Guest OS compatible "
                              "with device" },
    { VIRTIO_CONFIG_S_NEEDS_RESET, "VIRTIO_CONFIG_S_NEEDS_RESET: "
                                   "Irrecoverable error, device needs reset" },
    { VIRTIO_CONFIG_S_FAILED, "VIRTIO_CONFIG_S_FAILED: Error in guest, "
                              "device failed" },
    { VIRTIO_CONFIG_S_ACKNOWLEDGE, "VIRTIO_CONFIG_S_ACKNOWLEDGE: Valid "
                                   "virtio device found" },
};

/* Names from table in order, each prepended; returns the bits used. */
static uint64_t decode_bits(json_t *list, uint64_t bits,
                            const VirtIOFeatureName *table)
{
    uint64_t used = 0;

    for (; table && table->text; table++) {
        uint64_t b = 1ULL << table->bit;

        if (bits & b) {
            json_array_insert_new(list, 0, json_text(table->text));
            used |= b;
        }
    }
    return used;
}

static json_t *decode_features(const VirtIODevice *vdev, uint64_t bits)
{
    json_t *o = json_object();
    json_t *tr = json_array(), *dev = json_array();
    uint64_t rest;

    rest = bits & ~decode_bits(tr, bits, virtio_transport_feature_names);
    rest &= ~decode_bits(dev, rest, vdev->ops->feature_names);
    json_object_set_new(o, "transports", tr);
    json_object_set_new(o, "dev-features", dev);
    if (rest) {
        json_object_set_new(o, "unknown-dev-features",
                            json_integer((json_int_t)rest));
    }
    return o;
}

bool qmp_cmd_x_query_virtio_status(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    const char *path = qapi_arg_str(args, "path", "");
    const char *bus = "";
    VirtIODevice *vdev = virtio_device_by_path(path, &bus);
    json_t *r, *st, *sl;
    uint8_t rest;
    size_t i;

    (void)s;
    if (!vdev) {
        error_setg(errp, "Path %s is not a VirtIODevice", path);
        return false;
    }
    r = json_object();
    json_object_set_new(r, "name", json_text(vdev->ops->name));
    json_object_set_new(r, "device-id", json_integer(vdev->ops->device_id));
    json_object_set_new(r, "vhost-started", json_false());
    json_object_set_new(r, "device-endian", json_string("little"));
    json_object_set_new(r, "guest-features",
                        decode_features(vdev, vdev->guest_features));
    json_object_set_new(r, "host-features",
                        decode_features(vdev, vdev->host_features));
    json_object_set_new(r, "backend-features",
                        decode_features(vdev, vdev->backend_features));
    json_object_set_new(r, "num-vqs",
                        json_integer(virtio_get_num_queues(vdev)));
    st = json_object();
    sl = json_array();
    rest = vdev->status;
    for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
        if (vdev->status & status_names[i].bit) {
            json_array_insert_new(sl, 0, json_text(status_names[i].text));
            rest &= (uint8_t)~status_names[i].bit;
        }
    }
    json_object_set_new(st, "statuses", sl);
    if (rest) {
        json_object_set_new(st, "unknown-statuses", json_integer(rest));
    }
    json_object_set_new(r, "status", st);
    json_object_set_new(r, "isr", json_integer(vdev->isr));
    json_object_set_new(r, "queue-sel", json_integer(vdev->queue_sel));
    json_object_set_new(r, "vm-running", json_boolean(runstate_is_running()));
    json_object_set_new(r, "broken", json_boolean(vdev->broken));
    json_object_set_new(r, "disabled", json_false());
    json_object_set_new(r, "use-started", json_true());
    json_object_set_new(r, "started", json_boolean(vdev->started));
    json_object_set_new(r, "start-on-kick", json_false());
    json_object_set_new(r, "disable-legacy-check", json_false());
    json_object_set_new(r, "bus-name", json_text(bus));
    json_object_set_new(r, "use-guest-notifier-mask", json_true());
    *ret = r;
    return true;
}
