/* Character devices: query-chardev and "info chardev". */
#include <string.h>

#include "commands.h"
#include "json-out.h"
#include "src/chardev-socket.h"
#include "src/util.h"

/* clang-format off */
static const QapiMember chardev_info_members[] = {
    { "label", &qapi_str, false },
    { "filename", &qapi_str, false },
    { "frontend-open", &qapi_bool, false },
    { NULL }
};
static const QapiType chardev_info_type = {
    .name = "ChardevInfo",
    .kind = QAPI_KIND_OBJECT,
    .members = chardev_info_members,
};
QAPI_ARRAY_OF(chardev_info_list, chardev_info_type);
/* clang-format on */

static void add_info(const char *label, const char *filename,
                     bool frontend_open, void *opaque)
{
    /* QEMU builds the list by prepending. */
    json_array_insert_new(opaque, 0,
                          json_pack("{s:s, s:s, s:b}", "label", label,
                                    "filename", filename, "frontend-open",
                                    frontend_open));
}

bool qmp_cmd_query_chardev(QmpSession *s, json_t *args, json_t **ret,
                           Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    *ret = json_array();
    chardev_foreach(add_info, *ret);
    return true;
}

char *qmp_chardev_info_text(void)
{
    json_t *list = json_array(), *e;
    JsonBuf out = { 0 };
    size_t i;

    chardev_foreach(add_info, list);
    json_buf_append(&out, "", 0);
    json_array_foreach (list, i, e) {
        char *line = xasprintf(
            "%s: filename=%s\n", json_string_value(json_object_get(e, "label")),
            json_string_value(json_object_get(e, "filename")));

        json_buf_append(&out, line, strlen(line));
        free(line);
    }
    json_decref(list);
    return out.data;
}
