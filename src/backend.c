/*
 * Host memory backends: memory-backend (abstract), memory-backend-ram,
 * memory-backend-file and memory-backend-memfd, with the properties and
 * checks QEMU 7.2 has.
 */
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "json-value.h"
#include "qdev.h"
#include "util.h"

#define BACKEND_RAM_ALIGN (2ull << 20) /* anonymous RAM on x86-64 Linux */
#define BACKEND_PAGE_SIZE 4096ull

const char *const backend_policy_names[] = { "default", "preferred", "bind",
                                             "interleave", NULL };

/* ---- value helpers (qom-set may pass anything) ---- */

static bool want_bool(ObjectProperty *prop, json_t *v, bool *out, Error **errp)
{
    if (!json_is_boolean(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
                   prop->name);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

static bool want_uint(ObjectProperty *prop, json_t *v, uint64_t max,
                      const char *tname, uint64_t *out, Error **errp)
{
    uint64_t u;

    if (json_is_integer(v)) {
        u = (uint64_t)json_integer_value(v);
    } else if (!json_get_uint64(v, &u)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer",
                   prop->name);
        return false;
    }
    if (u > max || (json_is_integer(v) && json_integer_value(v) < 0 &&
                    max != UINT64_MAX)) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name, tname);
        return false;
    }
    *out = u;
    return true;
}

static void err_bad_value(Object *obj, ObjectProperty *prop, uint64_t v,
                          Error **errp)
{
    error_setg(errp, "property '%s' of %s doesn't take value '%llu'",
               prop->name, object_get_typename(obj), (unsigned long long)v);
}

/* ---- common properties ---- */

#define BE(obj) MEMORY_BACKEND(obj)

/* A "size" value as QEMU's visitor takes it (negative numbers wrap). */
static bool want_size(ObjectProperty *prop, json_t *v, uint64_t *out,
                      Error **errp)
{
    if (!json_is_integer(v) && !json_is_uint64_exact(v)) {
        error_setg(errp, "Parameter '%s' expects uint64", prop->name);
        return false;
    }
    return want_uint(prop, v, UINT64_MAX, "uint64", out, errp);
}

static json_t *get_size(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_uint64(BE(obj)->size);
}

static bool set_size(Object *obj, ObjectProperty *prop, json_t *v, Error **errp)
{
    HostMemoryBackend *be = BE(obj);
    uint64_t u;

    if (be->complete) {
        error_setg(errp, "cannot change property %s of %s ", prop->name,
                   object_get_typename(obj));
        return false;
    }
    if (!want_size(prop, v, &u, errp)) {
        return false;
    }
    if (!u) {
        err_bad_value(obj, prop, u, errp);
        return false;
    }
    be->size = u;
    return true;
}

/* Boolean fields, addressed by offset through prop->opaque. */
static bool *bool_field(Object *obj, ObjectProperty *prop)
{
    return (bool *)((char *)obj + (ptrdiff_t)(intptr_t)prop->opaque);
}

static json_t *get_flag(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_boolean(*bool_field(obj, prop));
}

static bool set_flag(Object *obj, ObjectProperty *prop, json_t *v, Error **errp)
{
    return want_bool(prop, v, bool_field(obj, prop), errp);
}

static bool set_share(Object *obj, ObjectProperty *prop, json_t *v,
                      Error **errp)
{
    bool b;

    if (!want_bool(prop, v, &b, errp)) {
        return false;
    }
    if (BE(obj)->complete) {
        error_setg(errp, "cannot change property value");
        return false;
    }
    BE(obj)->share = b;
    return true;
}

static json_t *get_threads(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_integer(BE(obj)->prealloc_threads);
}

static bool set_threads(Object *obj, ObjectProperty *prop, json_t *v,
                        Error **errp)
{
    uint64_t u;

    if (!want_uint(prop, v, UINT32_MAX, "uint32", &u, errp)) {
        return false;
    }
    if (!u) {
        err_bad_value(obj, prop, u, errp);
        return false;
    }
    BE(obj)->prealloc_threads = (uint32_t)u;
    return true;
}

static json_t *get_policy(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_text(backend_policy_names[BE(obj)->policy]);
}

static bool set_policy(Object *obj, ObjectProperty *prop, json_t *v,
                       Error **errp)
{
    int i;

    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    for (i = 0; backend_policy_names[i]; i++) {
        if (!strcmp(backend_policy_names[i], json_string_value(v))) {
            BE(obj)->policy = (HostMemPolicy)i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", prop->name,
               json_string_value(v));
    return false;
}

json_t *backend_host_nodes(const HostMemoryBackend *be)
{
    json_t *arr = json_array();
    unsigned i;

    for (i = 0; i < BACKEND_MAX_HOST_NODES; i++) {
        if (be->host_nodes[i / 64] & (1ull << (i % 64))) {
            json_array_append_new(arr, json_integer(i));
        }
    }
    return arr;
}

static json_t *get_host_nodes(Object *obj, ObjectProperty *prop, Error **errp)
{
    return backend_host_nodes(BE(obj));
}

static bool set_host_nodes(Object *obj, ObjectProperty *prop, json_t *v,
                           Error **errp)
{
    uint64_t nodes[BACKEND_MAX_HOST_NODES / 64] = { 0 };
    size_t i;

    if (!json_is_array(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: array",
                   prop->name);
        return false;
    }
    for (i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        json_int_t n;

        if (!json_is_integer(e)) {
            error_setg(errp,
                       "Invalid parameter type for '%s[%zu]', "
                       "expected: integer",
                       prop->name, i);
            return false;
        }
        n = json_integer_value(e);
        if (n < 0 || n > UINT16_MAX) {
            error_setg(errp, "Parameter '%s[%zu]' expects uint16", prop->name,
                       i);
            return false;
        }
        if (n >= BACKEND_MAX_HOST_NODES) {
            error_setg(errp, "Invalid host-nodes value: %d", (int)n);
            return false;
        }
        nodes[n / 64] |= 1ull << (n % 64);
    }
    memcpy(BE(obj)->host_nodes, nodes, sizeof(nodes));
    return true;
}

static json_t *get_empty_link(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_string("");
}

static bool set_context(Object *obj, ObjectProperty *prop, json_t *v,
                        Error **errp)
{
    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (*json_string_value(v)) {
        /* No thread-context objects exist here. */
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  json_string_value(v));
        return false;
    }
    return true;
}

/* ---- backend class ---- */

const char *backend_id(const HostMemoryBackend *be)
{
    const char *id = object_get_canonical_path_component(OBJECT(be));

    return id ? id : "";
}

MemoryRegion *backend_get_memory(HostMemoryBackend *be)
{
    return be->complete ? &be->mr : NULL;
}

uint64_t backend_get_alignment(HostMemoryBackend *be)
{
    if (object_dynamic_cast(OBJECT(be), TYPE_MEMORY_BACKEND_FILE)) {
        return be->align ? be->align : BACKEND_PAGE_SIZE;
    }
    if (object_dynamic_cast(OBJECT(be), TYPE_MEMORY_BACKEND_MEMFD)) {
        return be->page_size;
    }
    return BACKEND_RAM_ALIGN;
}

bool backend_is_mapped(const HostMemoryBackend *be)
{
    return be->mapped;
}

void backend_set_mapped(HostMemoryBackend *be, bool mapped)
{
    be->mapped = mapped;
}

static bool nodes_empty(const HostMemoryBackend *be)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(be->host_nodes); i++) {
        if (be->host_nodes[i]) {
            return false;
        }
    }
    return true;
}

static bool backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *be = BE(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);
    char *name, *child;

    if (be->complete) {
        return true;
    }
    if (!be->size) {
        error_setg(errp, "can't create backend with size 0");
        return false;
    }
    if (bc->alloc && !bc->alloc(be, errp)) {
        return false;
    }
    if (be->policy == HOST_MEM_POLICY_DEFAULT && !nodes_empty(be)) {
        error_setg(errp, "host-nodes must be empty for policy default, or "
                         "you should explicitly specify a policy other than "
                         "default");
        return false;
    }
    if (be->policy != HOST_MEM_POLICY_DEFAULT && nodes_empty(be)) {
        error_setg(errp, "host-nodes must be set for policy %s",
                   backend_policy_names[be->policy]);
        return false;
    }
    name = be->use_canonical_path ? object_get_canonical_path(obj)
                                  : xstrdup(backend_id(be));
    memory_region_init_ram(&be->mr, NULL, name, be->size);
    /* QEMU's regions are objects: NAME[0] under their owner. */
    be->mr_obj = object_new(TYPE_MEMORY_REGION);
    child = xasprintf("%s[*]", name);
    object_property_add_child(obj, child, be->mr_obj);
    object_unref(be->mr_obj);
    free(child);
    free(name);
    be->complete = true;
    return true;
}

static bool backend_can_be_deleted(Object *obj)
{
    return !BE(obj)->mapped;
}

/* The machine's mem-merge or dump-guest-core now: a new backend's
 * default, as QEMU's backends take it. */
static bool machine_flag(const char *name)
{
    Object *m = qdev_get_machine();
    json_t *v = m ? object_property_get(m, name, NULL) : NULL;
    bool on = !json_is_false(v);

    json_decref(v);
    return on;
}

static void backend_instance_init(Object *obj)
{
    HostMemoryBackend *be = BE(obj);

    be->merge = machine_flag("mem-merge");
    be->dump = machine_flag("dump-guest-core");
    be->reserve = true;
    be->prealloc_threads = 1;
}

static void backend_finalize(Object *obj)
{
    HostMemoryBackend *be = BE(obj);

    if (be->complete) {
        memory_region_finalize(&be->mr);
    }
    free(be->mem_path);
}

static void add_flag(ObjectClass *k, const char *name, size_t offset,
                     const char *desc)
{
    object_class_property_add(k, name, "bool", get_flag, set_flag, NULL,
                              (void *)(intptr_t)offset);
    if (desc) {
        object_class_property_set_description(k, name, desc);
    }
}

static void backend_class_init(ObjectClass *k, void *data)
{
    UserCreatableClass *uc =
        OBJECT_CLASS_CHECK(UserCreatableClass, k, TYPE_USER_CREATABLE);

    uc->complete = backend_complete;
    uc->can_be_deleted = backend_can_be_deleted;

    /* QEMU's registration order (the table order depends on it). */
    add_flag(k, "merge", offsetof(HostMemoryBackend, merge),
             "Mark memory as mergeable");
    add_flag(k, "dump", offsetof(HostMemoryBackend, dump),
             "Set to 'off' to exclude from core dump");
    add_flag(k, "prealloc", offsetof(HostMemoryBackend, prealloc),
             "Preallocate memory");
    object_class_property_add(k, "prealloc-threads", "int", get_threads,
                              set_threads, NULL, NULL);
    object_class_property_set_description(
        k, "prealloc-threads", "Number of CPU threads to use for prealloc");
    object_class_property_add(k, "prealloc-context", "link<thread-context>",
                              get_empty_link, set_context, NULL, NULL);
    object_class_property_set_description(
        k, "prealloc-context",
        "Context to use for creating CPU threads for preallocation");
    object_class_property_add(k, "size", "int", get_size, set_size, NULL, NULL);
    object_class_property_set_description(
        k, "size", "Size of the memory region (ex: 500M)");
    object_class_property_add(k, "host-nodes", "int", get_host_nodes,
                              set_host_nodes, NULL, NULL);
    object_class_property_set_description(
        k, "host-nodes", "Binds memory to the list of NUMA host nodes");
    object_class_property_add(k, "policy", "HostMemPolicy", get_policy,
                              set_policy, NULL, NULL);
    object_class_property_set_description(k, "policy", "Set the NUMA policy");
    object_class_property_add(
        k, "share", "bool", get_flag, set_share, NULL,
        (void *)(intptr_t)offsetof(HostMemoryBackend, share));
    object_class_property_set_description(
        k, "share", "Mark the memory as private to QEMU or shared");
    add_flag(k, "reserve", offsetof(HostMemoryBackend, reserve),
             "Reserve swap space (or huge pages) if applicable");
    add_flag(k, "x-use-canonical-path-for-ramblock-id",
             offsetof(HostMemoryBackend, use_canonical_path), NULL);
}

/* ---- memory-backend-ram ---- */

static bool ram_alloc(HostMemoryBackend *be, Error **errp)
{
    return true;
}

static void ram_class_init(ObjectClass *k, void *data)
{
    MEMORY_BACKEND_CLASS(k)->alloc = ram_alloc;
}

/* ---- memory-backend-file ---- */

/*
 * What opening (or creating) the backing file would report, without
 * touching the file system: a directory gets a temporary file; an
 * existing file must be accessible; a new file needs its directory.
 */
static bool file_check_path(HostMemoryBackend *be, Error **errp)
{
    const char *path = be->mem_path;
    struct stat st;
    int err = 0;

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (access(path, W_OK | X_OK) != 0) {
                error_setg(errp,
                           "unable to create backing store for guest "
                           "RAM: %s",
                           strerror(errno));
                return false;
            }
            return true;
        }
        if (access(path, be->readonly ? R_OK : R_OK | W_OK) != 0) {
            err = errno;
        }
    } else if (errno != ENOENT) {
        err = errno;
    } else {
        char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');

        if (slash == dir) {
            slash[1] = '\0';
        } else if (slash) {
            *slash = '\0';
        } else {
            strcpy(dir, ".");
        }
        if (be->readonly) {
            err = ENOENT;
        } else if (stat(dir, &st) != 0) {
            err = errno;
        } else if (!S_ISDIR(st.st_mode)) {
            err = ENOTDIR;
        } else if (access(dir, W_OK | X_OK) != 0) {
            err = errno;
        }
        free(dir);
    }
    if (err) {
        error_setg(errp, "can't open backing store %s for guest RAM: %s", path,
                   strerror(err));
        return false;
    }
    return true;
}

static bool file_alloc(HostMemoryBackend *be, Error **errp)
{
    if (!be->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    if (be->align % BACKEND_PAGE_SIZE) {
        error_setg(errp,
                   "alignment 0x%llx must be multiples of page size "
                   "0x%llx",
                   (unsigned long long)be->align,
                   (unsigned long long)BACKEND_PAGE_SIZE);
        return false;
    }
    return file_check_path(be, errp);
}

static bool file_settable(Object *obj, Error **errp)
{
    if (BE(obj)->complete) {
        error_setg(errp, "cannot change property value");
        return false;
    }
    return true;
}

static json_t *get_mem_path(Object *obj, ObjectProperty *prop, Error **errp)
{
    const char *p = BE(obj)->mem_path;

    return json_text(p ? p : "");
}

static bool set_mem_path(Object *obj, ObjectProperty *prop, json_t *v,
                         Error **errp)
{
    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   prop->name);
        return false;
    }
    if (!file_settable(obj, errp)) {
        return false;
    }
    free(BE(obj)->mem_path);
    BE(obj)->mem_path = xstrdup(json_string_value(v));
    return true;
}

static json_t *get_align(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_uint64(BE(obj)->align);
}

static bool set_align(Object *obj, ObjectProperty *prop, json_t *v,
                      Error **errp)
{
    uint64_t u;

    if (!file_settable(obj, errp) ||
        !want_uint(prop, v, UINT64_MAX, "uint64", &u, errp)) {
        return false;
    }
    BE(obj)->align = u;
    return true;
}

static bool set_file_flag(Object *obj, ObjectProperty *prop, json_t *v,
                          Error **errp)
{
    bool b;

    if (!want_bool(prop, v, &b, errp) || !file_settable(obj, errp)) {
        return false;
    }
    *bool_field(obj, prop) = b;
    return true;
}

static void file_class_init(ObjectClass *k, void *data)
{
    MEMORY_BACKEND_CLASS(k)->alloc = file_alloc;
    object_class_property_add(k, "mem-path", "string", get_mem_path,
                              set_mem_path, NULL, NULL);
    object_class_property_add(
        k, "discard-data", "bool", get_flag, set_flag, NULL,
        (void *)(intptr_t)offsetof(HostMemoryBackend, discard_data));
    object_class_property_add(k, "align", "int", get_align, set_align, NULL,
                              NULL);
    object_class_property_add(
        k, "pmem", "bool", get_flag, set_file_flag, NULL,
        (void *)(intptr_t)offsetof(HostMemoryBackend, pmem));
    object_class_property_add(
        k, "readonly", "bool", get_flag, set_file_flag, NULL,
        (void *)(intptr_t)offsetof(HostMemoryBackend, readonly));
}

/* ---- memory-backend-memfd ---- */

#define MEMFD_HUGE_SHIFT 26 /* MFD_HUGE_SHIFT: log2 of the page size */
#define MEMFD_SEALS (F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)

/*
 * Creates the memfd as QEMU would (name, flags, size, seals), checks its
 * size against the page-rounded request and maps it with QEMU's sharing
 * and reservation flags, so that every failure the host would give QEMU
 * (no huge pages of that size, sizes a huge page does not divide, no
 * huge pages left to reserve) is given here too.  The mapping and the
 * file are released again: the guest RAM is the backend's own region.
 */
static bool memfd_alloc(HostMemoryBackend *be, Error **errp)
{
    unsigned shift =
        be->hugetlbsize ? (unsigned)__builtin_ctzll(be->hugetlbsize) : 0;
    unsigned flags = MFD_CLOEXEC | (be->seal ? MFD_ALLOW_SEALING : 0u);
    uint64_t rounded;
    struct statfs sfs;
    struct stat st;
    void *p;
    int fd;

    if (shift && (1ull << shift) != be->hugetlbsize) {
        error_setg(errp, "Hugepage size must be a power of 2");
        return false;
    }
    if (be->hugetlb) {
        flags |= MFD_HUGETLB | (shift << MEMFD_HUGE_SHIFT);
    }
    fd = memfd_create(TYPE_MEMORY_BACKEND_MEMFD, flags);
    if (fd < 0) {
        error_setg(errp, "failed to create memfd with flags 0x%x: %s", flags,
                   strerror(errno));
        return false;
    }
    /* Sizes past INT64_MAX become negative lengths: EINVAL, as in QEMU. */
    if (ftruncate(fd, (off_t)be->size)) {
        error_setg(errp, "failed to resize memfd to %llu: %s",
                   (unsigned long long)be->size, strerror(errno));
        goto fail;
    }
    if (be->seal && fcntl(fd, F_ADD_SEALS, MEMFD_SEALS) < 0) {
        error_setg(errp, "failed to add seals 0x%x: %s", MEMFD_SEALS,
                   strerror(errno));
        goto fail;
    }
    rounded = (be->size + BACKEND_PAGE_SIZE - 1) & ~(BACKEND_PAGE_SIZE - 1);
    if (fstat(fd, &st) == 0 && st.st_size > 0 &&
        (uint64_t)st.st_size < rounded) {
        error_setg(errp,
                   "backing store size 0x%llx does not match 'size' "
                   "option 0x%llx",
                   (unsigned long long)st.st_size, (unsigned long long)rounded);
        goto fail;
    }
    be->page_size = BACKEND_PAGE_SIZE;
    if (fstatfs(fd, &sfs) == 0 && be->hugetlb && sfs.f_bsize > 0) {
        be->page_size = (uint64_t)sfs.f_bsize;
    }
    rounded = (be->size + be->page_size - 1) & ~(be->page_size - 1);
    p = mmap(NULL, (size_t)rounded, PROT_READ | PROT_WRITE,
             (be->share ? MAP_SHARED : MAP_PRIVATE) |
                 (be->reserve ? 0 : MAP_NORESERVE),
             fd, 0);
    if (p == MAP_FAILED) {
        error_setg(errp, "unable to map backing store for guest RAM: %s",
                   strerror(errno));
        goto fail;
    }
    munmap(p, (size_t)rounded);
    close(fd);
    return true;

fail:
    close(fd);
    return false;
}

static json_t *get_hugetlbsize(Object *obj, ObjectProperty *prop, Error **errp)
{
    return json_uint64(BE(obj)->hugetlbsize);
}

static bool set_hugetlbsize(Object *obj, ObjectProperty *prop, json_t *v,
                            Error **errp)
{
    uint64_t u;

    if (BE(obj)->complete) {
        error_setg(errp, "cannot change property value");
        return false;
    }
    if (!want_size(prop, v, &u, errp)) {
        return false;
    }
    if (!u) {
        error_setg(errp, "Property '%s.%s' doesn't take value '0'",
                   object_get_typename(obj), prop->name);
        return false;
    }
    BE(obj)->hugetlbsize = u;
    return true;
}

static void memfd_instance_init(Object *obj)
{
    BE(obj)->seal = true;
    BE(obj)->share = true;
}

static void memfd_class_init(ObjectClass *k, void *data)
{
    MEMORY_BACKEND_CLASS(k)->alloc = memfd_alloc;
    add_flag(k, "hugetlb", offsetof(HostMemoryBackend, hugetlb),
             "Use huge pages");
    object_class_property_add(k, "hugetlbsize", "int", get_hugetlbsize,
                              set_hugetlbsize, NULL, NULL);
    object_class_property_set_description(k, "hugetlbsize",
                                          "Huge pages size (ex: 2M, 1G)");
    add_flag(k, "seal", offsetof(HostMemoryBackend, seal),
             "Seal growing & shrinking");
}

/* ---- helpers for the machine and QMP ---- */

HostMemoryBackend *backend_create_ram(const char *id, uint64_t size,
                                      Error **errp)
{
    Object *obj = object_new(TYPE_MEMORY_BACKEND_RAM);

    MEMORY_BACKEND(obj)->size = size;
    if (!object_property_try_add_child(object_get_objects_root(), id, obj,
                                       errp)) {
        object_unref(obj);
        return NULL;
    }
    object_unref(obj);
    if (!user_creatable_complete(obj, errp)) {
        object_unparent(obj);
        return NULL;
    }
    return MEMORY_BACKEND(obj);
}

static const TypeInfo backend_types[] = {
    {
        .name = TYPE_MEMORY_REGION,
        .parent = TYPE_OBJECT,
    },
    {
        .name = TYPE_MEMORY_BACKEND,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(HostMemoryBackend),
        .instance_init = backend_instance_init,
        .instance_finalize = backend_finalize,
        .class_size = sizeof(HostMemoryBackendClass),
        .class_init = backend_class_init,
        .interfaces =
            (const InterfaceInfo[]){ { TYPE_USER_CREATABLE }, { NULL } },
    },
    {
        .name = TYPE_MEMORY_BACKEND_RAM,
        .parent = TYPE_MEMORY_BACKEND,
        .class_init = ram_class_init,
    },
    {
        .name = TYPE_MEMORY_BACKEND_FILE,
        .parent = TYPE_MEMORY_BACKEND,
        .class_init = file_class_init,
    },
    {
        .name = TYPE_MEMORY_BACKEND_MEMFD,
        .parent = TYPE_MEMORY_BACKEND,
        .instance_init = memfd_instance_init,
        .class_init = memfd_class_init,
    },
};

void backend_register_types(void)
{
    type_register_static_array(backend_types, ARRAY_SIZE(backend_types));
}
