/*
 * Descriptors passed over QMP, as libvirt uses them: getfd / closefd
 * (named descriptors, one list per monitor, kept across its clients) and add-fd
 * / remove-fd / query-fdsets (the machine's descriptor sets, shared by every
 * session). The descriptor itself comes from the transport (SCM_RIGHTS on a
 * socket), through the session's take_fd.
 *
 * As in QEMU 7.2, a set's descriptors are closed only while the guest
 * runs: remove-fd marks them, and marked ones (or, once no monitor is
 * connected, all of them) are closed at remove-fd or when a monitor
 * leaves; a set with no descriptor left disappears.  Nothing in
 * qmachined opens /dev/fdset/N, so no set has duplicates in use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "src/runstate.h"
#include "src/util.h"

/* clang-format off */
static const QapiMember fdname_members[] = {
    { "fdname", &qapi_str, false },
    { NULL }
};
const QapiType getfd_args = { .name = "getfd_args", .kind = QAPI_KIND_OBJECT, .members = fdname_members };
const QapiType closefd_args = { .name = "closefd_args", .kind = QAPI_KIND_OBJECT, .members = fdname_members };
static const QapiMember add_fd_members[] = {
    { "fdset-id", &qapi_int, true },
    { "opaque", &qapi_str, true },
    { NULL }
};
const QapiType add_fd_args = { .name = "add_fd_args", .kind = QAPI_KIND_OBJECT, .members = add_fd_members };
static const QapiMember addfd_info_members[] = {
    { "fdset-id", &qapi_int, false },
    { "fd", &qapi_int, false },
    { NULL }
};
const QapiType addfd_info_type = { .name = "AddfdInfo", .kind = QAPI_KIND_OBJECT, .members = addfd_info_members };
static const QapiMember remove_fd_members[] = {
    { "fdset-id", &qapi_int, false },
    { "fd", &qapi_int, true },
    { NULL }
};
const QapiType remove_fd_args = { .name = "remove_fd_args", .kind = QAPI_KIND_OBJECT, .members = remove_fd_members };
static const QapiMember fdset_fd_info_members[] = {
    { "fd", &qapi_int, false },
    { "opaque", &qapi_str, true },
    { NULL }
};
static const QapiType fdset_fd_info_type = { .name = "FdsetFdInfo", .kind = QAPI_KIND_OBJECT, .members = fdset_fd_info_members };
static QAPI_ARRAY_OF(fdset_fd_info_list, fdset_fd_info_type);
static const QapiMember fdset_info_members[] = {
    { "fdset-id", &qapi_int, false },
    { "fds", &fdset_fd_info_list, false },
    { NULL }
};
static const QapiType fdset_info_type = { .name = "FdsetInfo", .kind = QAPI_KIND_OBJECT, .members = fdset_info_members };
QAPI_ARRAY_OF(fdset_info_list, fdset_info_type);
/* clang-format on */

/* A getfd descriptor of one monitor. */
struct QmpNamedFd {
    char *name; /* the client's string, len bytes */
    size_t len;
    int fd;
    struct QmpNamedFd *next;
};

typedef struct FdsetFd {
    int fd;
    char *opaque; /* NULL: none given */
    bool removed;
    struct FdsetFd *next; /* newest first */
} FdsetFd;

typedef struct Fdset {
    int64_t id;
    FdsetFd *fds;
    struct Fdset *next; /* by ascending id */
} Fdset;

static Fdset *fdsets;
/* Monitors connected (QEMU's mon_refcount). */
static unsigned monitors_open;

static int session_take_fd(QmpSession *s)
{
    return s->take_fd ? s->take_fd(s) : -1;
}

/* fdname as sent (a JSON string: its length, any bytes). */
static const char *fdname_arg(json_t *args, size_t *len)
{
    json_t *v = qapi_arg(args, "fdname");

    *len = json_string_length(v);
    return json_string_value(v);
}

static bool named(const struct QmpNamedFd *n, const char *name, size_t len)
{
    return n->len == len && !memcmp(n->name, name, len);
}

static void fd_not_supplied(Error **errp)
{
    error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
}

bool qmp_cmd_getfd(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    size_t len;
    const char *name = fdname_arg(args, &len);
    struct QmpNamedFd *n;
    int fd = session_take_fd(s);

    (void)ret;
    if (fd >= 0 && !s->named_fds) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        fd_not_supplied(errp);
        return false;
    }
    if (len && name[0] >= '0' && name[0] <= '9') {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                         "with a digit");
        return false;
    }
    for (n = *s->named_fds; n; n = n->next) {
        if (named(n, name, len)) {
            close(n->fd);
            n->fd = fd;
            return true;
        }
    }
    n = xzalloc(sizeof(*n));
    n->name = xmalloc(len + 1);
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    n->len = len;
    n->fd = fd;
    n->next = *s->named_fds;
    *s->named_fds = n;
    return true;
}

bool qmp_cmd_closefd(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    size_t len;
    const char *name = fdname_arg(args, &len);
    struct QmpNamedFd **p;

    (void)ret;
    for (p = s->named_fds; p && *p; p = &(*p)->next) {
        struct QmpNamedFd *n = *p;

        if (named(n, name, len)) {
            *p = n->next;
            close(n->fd);
            free(n->name);
            free(n);
            return true;
        }
    }
    error_setg(errp, "File descriptor named '%s' not found", name);
    return false;
}

int qmp_session_take_named_fd(QmpSession *s, const char *name, Error **errp)
{
    struct QmpNamedFd **p;
    size_t len = strlen(name);

    for (p = s->named_fds; p && *p; p = &(*p)->next) {
        struct QmpNamedFd *n = *p;

        if (named(n, name, len)) {
            int fd = n->fd;

            *p = n->next;
            free(n->name);
            free(n);
            return fd;
        }
    }
    error_setg(errp, "File descriptor named '%s' has not been found", name);
    return -1;
}

void qmp_named_fds_close(struct QmpNamedFd **list)
{
    while (*list) {
        struct QmpNamedFd *n = *list;

        *list = n->next;
        close(n->fd);
        free(n->name);
        free(n);
    }
}

/* QEMU's cleanup of one set; frees it when empty. */
static void fdset_cleanup(Fdset **link)
{
    Fdset *set = *link;
    FdsetFd **p = &set->fds;

    while (*p) {
        FdsetFd *f = *p;

        if ((f->removed || monitors_open == 0) && runstate_is_running()) {
            *p = f->next;
            close(f->fd);
            free(f->opaque);
            free(f);
        } else {
            p = &f->next;
        }
    }
    if (!set->fds) {
        *link = set->next;
        free(set);
    }
}

static void fdsets_cleanup(void)
{
    Fdset **p = &fdsets;

    while (*p) {
        Fdset *set = *p;

        fdset_cleanup(p);
        if (*p == set) {
            p = &set->next;
        }
    }
}

void qmp_fd_monitor_opened(void)
{
    monitors_open++;
}

void qmp_fd_monitor_closed(void)
{
    if (monitors_open) {
        monitors_open--;
    }
    fdsets_cleanup();
}

/* The set with that id, created in order if absent; fdset_id < 0: the
 * lowest free id. */
static Fdset *fdset_get(int64_t fdset_id)
{
    Fdset **p = &fdsets, *set;
    int64_t id = fdset_id;

    if (id < 0) {
        /* the first gap in the ids from 0 */
        for (id = 0; *p && (*p)->id == id; p = &(*p)->next) {
            id++;
        }
    } else {
        while (*p && (*p)->id < id) {
            p = &(*p)->next;
        }
        if (*p && (*p)->id == id) {
            return *p;
        }
    }
    set = xzalloc(sizeof(*set));
    set->id = id;
    set->next = *p;
    *p = set;
    return set;
}

void qmp_fdsets_free_all(void)
{
    while (fdsets) {
        Fdset *set = fdsets;

        fdsets = set->next;
        while (set->fds) {
            FdsetFd *f = set->fds;

            set->fds = f->next;
            close(f->fd);
            free(f->opaque);
            free(f);
        }
        free(set);
    }
}

bool qmp_cmd_add_fd(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    bool has_id = qapi_arg(args, "fdset-id") != NULL;
    int64_t id = qapi_arg_int(args, "fdset-id", -1);
    const char *opaque = qapi_arg_str(args, "opaque", NULL);
    int fd = session_take_fd(s);
    Fdset *set;
    FdsetFd *f;

    if (fd < 0) {
        fd_not_supplied(errp);
        return false;
    }
    if (has_id && id < 0) {
        close(fd);
        error_setg(errp, "Parameter 'fdset-id' expects a non-negative value");
        return false;
    }
    set = fdset_get(has_id ? id : -1);
    f = xzalloc(sizeof(*f));
    f->fd = fd;
    f->opaque = opaque ? xstrdup(opaque) : NULL;
    f->next = set->fds;
    set->fds = f;
    *ret = json_pack("{s:I, s:i}", "fdset-id", (json_int_t)set->id, "fd", fd);
    return true;
}

bool qmp_cmd_remove_fd(QmpSession *s, json_t *args, json_t **ret, Error **errp)
{
    int64_t id = qapi_arg_int(args, "fdset-id", 0);
    bool has_fd = qapi_arg(args, "fd") != NULL;
    int64_t fd = qapi_arg_int(args, "fd", -1);
    Fdset **p;
    char what[64];

    (void)s;
    (void)ret;
    for (p = &fdsets; *p; p = &(*p)->next) {
        FdsetFd *f;

        if ((*p)->id != id) {
            continue;
        }
        for (f = (*p)->fds; f; f = f->next) {
            if (!has_fd) {
                f->removed = true;
            } else if (f->fd == fd) {
                f->removed = true;
                break;
            }
        }
        if (has_fd && !f) {
            break;
        }
        fdset_cleanup(p);
        return true;
    }
    if (has_fd) {
        snprintf(what, sizeof(what), "fdset-id:%" PRId64 ", fd:%" PRId64, id,
                 fd);
    } else {
        snprintf(what, sizeof(what), "fdset-id:%" PRId64, id);
    }
    error_setg(errp, "File descriptor named '%s' not found", what);
    return false;
}

bool qmp_cmd_query_fdsets(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    Fdset *set;

    (void)s;
    (void)args;
    (void)errp;
    /* QEMU builds both lists by prepending. */
    *ret = json_array();
    for (set = fdsets; set; set = set->next) {
        json_t *fds = json_array();
        FdsetFd *f;

        for (f = set->fds; f; f = f->next) {
            json_t *e = json_pack("{s:i}", "fd", f->fd);

            if (f->opaque) {
                json_object_set_new(e, "opaque", json_text(f->opaque));
            }
            json_array_insert_new(fds, 0, e);
        }
        json_array_insert_new(*ret, 0,
                              json_pack("{s:I, s:o}", "fdset-id",
                                        (json_int_t)set->id, "fds", fds));
    }
    return true;
}
