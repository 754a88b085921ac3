/*
 * Block nodes and devices: blockdev-add, blockdev-del, query-block,
 * query-named-block-nodes, query-blockstats (src/block.c does the work) and
 * block_set_io_throttle (src/block-backend.c's limits).  The default
 * machine's empty CD-ROM, floppy and SD drives that QEMU adds without
 * -nodefaults are not modelled.
 *
 * The types are QEMU 7.2's BlockInfo and BlockDeviceInfo, and for
 * blockdev-add its BlockdevOptions union (taken from its
 * query-qmp-schema) with the branches of the drivers modelled: file,
 * null-aio, null-co, qcow2 and raw; the tag lists every driver (names are
 * internal; the schema masks them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "src/block-backend.h"
#include "src/block.h"
#include "src/keyval.h"

/* clang-format off */
static const QapiType blk_detect_zeroes_enum;
static const QapiType blk_snapshots;
static const QapiType blk_snapshots_list;
static const QapiType blk_type_enum;
static const QapiType blk_format_enum;
static const QapiType blk_cipher_alg_enum;
static const QapiType blk_cipher_mode_enum;
static const QapiType blk_ivgen_alg_enum;
static const QapiType blk_ivgen_hash_alg_enum;
static const QapiType blk_slots;
static const QapiType blk_slots_list;
static const QapiType blk_encrypt_luks;
static const QapiType blk_encrypt_aes;
static const QapiType blk_encrypt;
static const QapiType blk_flags_enum;
static const QapiType blk_flags_list;
static const QapiType blk_bitmaps;
static const QapiType blk_bitmaps_list;
static const QapiType blk_compression_type_enum;
static const QapiType blk_data;
static const QapiType blk_format_specific_qcow2;
static const QapiType blk_extents_list;
static const QapiType blk_data_2;
static const QapiType blk_format_specific_vmdk;
static const QapiType blk_format_specific_luks;
static const QapiType blk_encryption_format_enum;
static const QapiType blk_data_3;
static const QapiType blk_format_specific_rbd;
static const QapiType blk_format_specific;
static const QapiType blk_image;
static const QapiType blk_cache;
static const QapiType blk_dirty_bitmaps;
static const QapiType blk_dirty_bitmaps_list;
static const QapiType blk_inserted;
static const QapiType blk_io_status_enum;
static const QapiType blk_block_info;
static const char *const blk_detect_zeroes_enum_values[] = { "off", "on", "unmap", NULL };
static const QapiType blk_detect_zeroes_enum = { .name = "blk_detect_zeroes_enum", .kind = QAPI_KIND_ENUM, .values = blk_detect_zeroes_enum_values };
static const QapiMember blk_snapshots_members[] = {
    { "id", &qapi_str, false },
    { "name", &qapi_str, false },
    { "vm-state-size", &qapi_int, false },
    { "date-sec", &qapi_int, false },
    { "date-nsec", &qapi_int, false },
    { "vm-clock-sec", &qapi_int, false },
    { "vm-clock-nsec", &qapi_int, false },
    { "icount", &qapi_int, true },
    { NULL }
};
static const QapiType blk_snapshots = { .name = "blk_snapshots", .kind = QAPI_KIND_OBJECT, .members = blk_snapshots_members };
static const QapiType blk_snapshots_list = { .name = "blk_snapshots_list", .kind = QAPI_KIND_ARRAY, .element = &blk_snapshots };
static const char *const blk_type_enum_values[] = { "qcow2", "vmdk", "luks", "rbd", NULL };
static const QapiType blk_type_enum = { .name = "blk_type_enum", .kind = QAPI_KIND_ENUM, .values = blk_type_enum_values };
static const char *const blk_format_enum_values[] = { "aes", "luks", NULL };
static const QapiType blk_format_enum = { .name = "blk_format_enum", .kind = QAPI_KIND_ENUM, .values = blk_format_enum_values };
static const char *const blk_cipher_alg_enum_values[] = { "aes-128", "aes-192", "aes-256", "des", "3des", "cast5-128", "serpent-128", "serpent-192", "serpent-256", "twofish-128", "twofish-192", "twofish-256", NULL };
static const QapiType blk_cipher_alg_enum = { .name = "blk_cipher_alg_enum", .kind = QAPI_KIND_ENUM, .values = blk_cipher_alg_enum_values };
static const char *const blk_cipher_mode_enum_values[] = { "ecb", "cbc", "xts", "ctr", NULL };
static const QapiType blk_cipher_mode_enum = { .name = "blk_cipher_mode_enum", .kind = QAPI_KIND_ENUM, .values = blk_cipher_mode_enum_values };
static const char *const blk_ivgen_alg_enum_values[] = { "plain", "plain64", "essiv", NULL };
static const QapiType blk_ivgen_alg_enum = { .name = "blk_ivgen_alg_enum", .kind = QAPI_KIND_ENUM, .values = blk_ivgen_alg_enum_values };
static const char *const blk_ivgen_hash_alg_enum_values[] = { "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "ripemd160", NULL };
static const QapiType blk_ivgen_hash_alg_enum = { .name = "blk_ivgen_hash_alg_enum", .kind = QAPI_KIND_ENUM, .values = blk_ivgen_hash_alg_enum_values };
static const QapiMember blk_slots_members[] = {
    { "active", &qapi_bool, false },
    { "iters", &qapi_int, true },
    { "stripes", &qapi_int, true },
    { "key-offset", &qapi_int, false },
    { NULL }
};
static const QapiType blk_slots = { .name = "blk_slots", .kind = QAPI_KIND_OBJECT, .members = blk_slots_members };
static const QapiType blk_slots_list = { .name = "blk_slots_list", .kind = QAPI_KIND_ARRAY, .element = &blk_slots };
static const QapiMember blk_encrypt_luks_members[] = {
    { "cipher-alg", &blk_cipher_alg_enum, false },
    { "cipher-mode", &blk_cipher_mode_enum, false },
    { "ivgen-alg", &blk_ivgen_alg_enum, false },
    { "ivgen-hash-alg", &blk_ivgen_hash_alg_enum, true },
    { "hash-alg", &blk_ivgen_hash_alg_enum, false },
    { "payload-offset", &qapi_int, false },
    { "master-key-iters", &qapi_int, false },
    { "uuid", &qapi_str, false },
    { "slots", &blk_slots_list, false },
    { NULL }
};
static const QapiType blk_encrypt_luks = { .name = "blk_encrypt_luks", .kind = QAPI_KIND_OBJECT, .members = blk_encrypt_luks_members };
static const QapiMember blk_encrypt_aes_members[] = {
    { NULL }
};
static const QapiType blk_encrypt_aes = { .name = "blk_encrypt_aes", .kind = QAPI_KIND_OBJECT, .members = blk_encrypt_aes_members };
static const QapiMember blk_encrypt_members[] = {
    { "format", &blk_format_enum, false },
    { NULL }
};
static const QapiVariant blk_encrypt_variants[] = {
    { "luks", &blk_encrypt_luks },
    { "aes", &blk_encrypt_aes },
    { NULL }
};
static const QapiType blk_encrypt = { .name = "blk_encrypt", .kind = QAPI_KIND_OBJECT, .members = blk_encrypt_members, .tag = "format", .variants = blk_encrypt_variants };
static const char *const blk_flags_enum_values[] = { "in-use", "auto", NULL };
static const QapiType blk_flags_enum = { .name = "blk_flags_enum", .kind = QAPI_KIND_ENUM, .values = blk_flags_enum_values };
static const QapiType blk_flags_list = { .name = "blk_flags_list", .kind = QAPI_KIND_ARRAY, .element = &blk_flags_enum };
static const QapiMember blk_bitmaps_members[] = {
    { "name", &qapi_str, false },
    { "granularity", &qapi_int, false },
    { "flags", &blk_flags_list, false },
    { NULL }
};
static const QapiType blk_bitmaps = { .name = "blk_bitmaps", .kind = QAPI_KIND_OBJECT, .members = blk_bitmaps_members };
static const QapiType blk_bitmaps_list = { .name = "blk_bitmaps_list", .kind = QAPI_KIND_ARRAY, .element = &blk_bitmaps };
static const char *const blk_compression_type_enum_values[] = { "zlib", "zstd", NULL };
static const QapiType blk_compression_type_enum = { .name = "blk_compression_type_enum", .kind = QAPI_KIND_ENUM, .values = blk_compression_type_enum_values };
static const QapiMember blk_data_members[] = {
    { "compat", &qapi_str, false },
    { "data-file", &qapi_str, true },
    { "data-file-raw", &qapi_bool, true },
    { "extended-l2", &qapi_bool, true },
    { "lazy-refcounts", &qapi_bool, true },
    { "corrupt", &qapi_bool, true },
    { "refcount-bits", &qapi_int, false },
    { "encrypt", &blk_encrypt, true },
    { "bitmaps", &blk_bitmaps_list, true },
    { "compression-type", &blk_compression_type_enum, false },
    { NULL }
};
static const QapiType blk_data = { .name = "blk_data", .kind = QAPI_KIND_OBJECT, .members = blk_data_members };
static const QapiMember blk_format_specific_qcow2_members[] = {
    { "data", &blk_data, false },
    { NULL }
};
static const QapiType blk_format_specific_qcow2 = { .name = "blk_format_specific_qcow2", .kind = QAPI_KIND_OBJECT, .members = blk_format_specific_qcow2_members };
static const QapiType blk_extents_list = { .name = "blk_extents_list", .kind = QAPI_KIND_ARRAY, .element = &blk_image };
static const QapiMember blk_data_2_members[] = {
    { "create-type", &qapi_str, false },
    { "cid", &qapi_int, false },
    { "parent-cid", &qapi_int, false },
    { "extents", &blk_extents_list, false },
    { NULL }
};
static const QapiType blk_data_2 = { .name = "blk_data_2", .kind = QAPI_KIND_OBJECT, .members = blk_data_2_members };
static const QapiMember blk_format_specific_vmdk_members[] = {
    { "data", &blk_data_2, false },
    { NULL }
};
static const QapiType blk_format_specific_vmdk = { .name = "blk_format_specific_vmdk", .kind = QAPI_KIND_OBJECT, .members = blk_format_specific_vmdk_members };
static const QapiMember blk_format_specific_luks_members[] = {
    { "data", &blk_encrypt_luks, false },
    { NULL }
};
static const QapiType blk_format_specific_luks = { .name = "blk_format_specific_luks", .kind = QAPI_KIND_OBJECT, .members = blk_format_specific_luks_members };
static const char *const blk_encryption_format_enum_values[] = { "luks", "luks2", NULL };
static const QapiType blk_encryption_format_enum = { .name = "blk_encryption_format_enum", .kind = QAPI_KIND_ENUM, .values = blk_encryption_format_enum_values };
static const QapiMember blk_data_3_members[] = {
    { "encryption-format", &blk_encryption_format_enum, true },
    { NULL }
};
static const QapiType blk_data_3 = { .name = "blk_data_3", .kind = QAPI_KIND_OBJECT, .members = blk_data_3_members };
static const QapiMember blk_format_specific_rbd_members[] = {
    { "data", &blk_data_3, false },
    { NULL }
};
static const QapiType blk_format_specific_rbd = { .name = "blk_format_specific_rbd", .kind = QAPI_KIND_OBJECT, .members = blk_format_specific_rbd_members };
static const QapiMember blk_format_specific_members[] = {
    { "type", &blk_type_enum, false },
    { NULL }
};
static const QapiVariant blk_format_specific_variants[] = {
    { "qcow2", &blk_format_specific_qcow2 },
    { "vmdk", &blk_format_specific_vmdk },
    { "luks", &blk_format_specific_luks },
    { "rbd", &blk_format_specific_rbd },
    { NULL }
};
static const QapiType blk_format_specific = { .name = "blk_format_specific", .kind = QAPI_KIND_OBJECT, .members = blk_format_specific_members, .tag = "type", .variants = blk_format_specific_variants };
static const QapiMember blk_image_members[] = {
    { "filename", &qapi_str, false },
    { "format", &qapi_str, false },
    { "dirty-flag", &qapi_bool, true },
    { "actual-size", &qapi_int, true },
    { "virtual-size", &qapi_int, false },
    { "cluster-size", &qapi_int, true },
    { "encrypted", &qapi_bool, true },
    { "compressed", &qapi_bool, true },
    { "backing-filename", &qapi_str, true },
    { "full-backing-filename", &qapi_str, true },
    { "backing-filename-format", &qapi_str, true },
    { "snapshots", &blk_snapshots_list, true },
    { "backing-image", &blk_image, true },
    { "format-specific", &blk_format_specific, true },
    { NULL }
};
static const QapiType blk_image = { .name = "blk_image", .kind = QAPI_KIND_OBJECT, .members = blk_image_members };
static const QapiMember blk_cache_members[] = {
    { "writeback", &qapi_bool, false },
    { "direct", &qapi_bool, false },
    { "no-flush", &qapi_bool, false },
    { NULL }
};
static const QapiType blk_cache = { .name = "blk_cache", .kind = QAPI_KIND_OBJECT, .members = blk_cache_members };
static const QapiMember blk_dirty_bitmaps_members[] = {
    { "name", &qapi_str, true },
    { "count", &qapi_int, false },
    { "granularity", &qapi_int, false },
    { "recording", &qapi_bool, false },
    { "busy", &qapi_bool, false },
    { "persistent", &qapi_bool, false },
    { "inconsistent", &qapi_bool, true },
    { NULL }
};
static const QapiType blk_dirty_bitmaps = { .name = "blk_dirty_bitmaps", .kind = QAPI_KIND_OBJECT, .members = blk_dirty_bitmaps_members };
static const QapiType blk_dirty_bitmaps_list = { .name = "blk_dirty_bitmaps_list", .kind = QAPI_KIND_ARRAY, .element = &blk_dirty_bitmaps };
static const QapiMember blk_inserted_members[] = {
    { "file", &qapi_str, false },
    { "node-name", &qapi_str, true },
    { "ro", &qapi_bool, false },
    { "drv", &qapi_str, false },
    { "backing_file", &qapi_str, true },
    { "backing_file_depth", &qapi_int, false },
    { "encrypted", &qapi_bool, false },
    { "detect_zeroes", &blk_detect_zeroes_enum, false },
    { "bps", &qapi_int, false },
    { "bps_rd", &qapi_int, false },
    { "bps_wr", &qapi_int, false },
    { "iops", &qapi_int, false },
    { "iops_rd", &qapi_int, false },
    { "iops_wr", &qapi_int, false },
    { "image", &blk_image, false },
    { "bps_max", &qapi_int, true },
    { "bps_rd_max", &qapi_int, true },
    { "bps_wr_max", &qapi_int, true },
    { "iops_max", &qapi_int, true },
    { "iops_rd_max", &qapi_int, true },
    { "iops_wr_max", &qapi_int, true },
    { "bps_max_length", &qapi_int, true },
    { "bps_rd_max_length", &qapi_int, true },
    { "bps_wr_max_length", &qapi_int, true },
    { "iops_max_length", &qapi_int, true },
    { "iops_rd_max_length", &qapi_int, true },
    { "iops_wr_max_length", &qapi_int, true },
    { "iops_size", &qapi_int, true },
    { "group", &qapi_str, true },
    { "cache", &blk_cache, false },
    { "write_threshold", &qapi_int, false },
    { "dirty-bitmaps", &blk_dirty_bitmaps_list, true },
    { NULL }
};
static const QapiType blk_inserted = { .name = "blk_inserted", .kind = QAPI_KIND_OBJECT, .members = blk_inserted_members };
static const char *const blk_io_status_enum_values[] = { "ok", "failed", "nospace", NULL };
static const QapiType blk_io_status_enum = { .name = "blk_io_status_enum", .kind = QAPI_KIND_ENUM, .values = blk_io_status_enum_values };
static const QapiMember blk_block_info_members[] = {
    { "device", &qapi_str, false },
    { "qdev", &qapi_str, true },
    { "type", &qapi_str, false },
    { "removable", &qapi_bool, false },
    { "locked", &qapi_bool, false },
    { "inserted", &blk_inserted, true },
    { "tray_open", &qapi_bool, true },
    { "io-status", &blk_io_status_enum, true },
    { NULL }
};
static const QapiType blk_block_info = { .name = "blk_block_info", .kind = QAPI_KIND_OBJECT, .members = blk_block_info_members };
const QapiType blk_block_info_list = { .name = "blk_block_info_list", .kind = QAPI_KIND_ARRAY, .element = &blk_block_info };
static const QapiMember blk_named_nodes_args_members[] = {
    { "flat", &qapi_bool, true },
    { NULL }
};
const QapiType blk_named_nodes_args = { .name = "blk_named_nodes_args", .kind = QAPI_KIND_OBJECT, .members = blk_named_nodes_args_members };
const QapiType blk_block_device_info_list = { .name = "blk_block_device_info_list", .kind = QAPI_KIND_ARRAY, .element = &blk_inserted };
/* clang-format on */

/* clang-format off */
static const char *const bdo_feat_0[] = { "unstable", NULL };
static const QapiType bdo_1;
static const QapiType bdo_2;
static const QapiType bdo_3;
static const QapiType bdo_4;
static const QapiType bdo_6;
static const QapiType bdo_7;
static const QapiType bdo_5;
static const QapiType bdo_8;
static const QapiType bdo_10;
static const QapiType bdo_11;
static const QapiType bdo_14;
static const QapiType bdo_13;
static const QapiType bdo_12;
static const QapiType bdo_16;
static const QapiType bdo_17;
static const QapiType bdo_18;
static const QapiType bdo_15;
static const QapiType bdo_9;
static const QapiType bdo_19;
static const char *const bdo_1_values[] = { "blkdebug", "blklogwrites", "blkreplay", "blkverify", "bochs", "cloop", "compress", "copy-before-write", "copy-on-read", "dmg", "file", "snapshot-access", "ftp", "ftps", "gluster", "host_cdrom", "host_device", "http", "https", "iscsi", "luks", "nbd", "nfs", "null-aio", "null-co", "nvme", "parallels", "preallocate", "qcow", "qcow2", "qed", "quorum", "raw", "rbd", "replication", "ssh", "throttle", "vdi", "vhdx", "vmdk", "vpc", "vvfat", NULL };
static const QapiType bdo_1 = { .name = "bdo_1", .kind = QAPI_KIND_ENUM, .values = bdo_1_values };
static const char *const bdo_2_values[] = { "ignore", "unmap", NULL };
static const QapiType bdo_2 = { .name = "bdo_2", .kind = QAPI_KIND_ENUM, .values = bdo_2_values };
static const QapiMember bdo_3_members[] = {
    { "direct", &qapi_bool, true },
    { "no-flush", &qapi_bool, true },
    { NULL }
};
static const QapiType bdo_3 = { .name = "bdo_3", .kind = QAPI_KIND_OBJECT, .members = bdo_3_members };
static const char *const bdo_4_values[] = { "off", "on", "unmap", NULL };
static const QapiType bdo_4 = { .name = "bdo_4", .kind = QAPI_KIND_ENUM, .values = bdo_4_values };
static const char *const bdo_6_values[] = { "auto", "on", "off", NULL };
static const QapiType bdo_6 = { .name = "bdo_6", .kind = QAPI_KIND_ENUM, .values = bdo_6_values };
static const char *const bdo_7_values[] = { "threads", "native", "io_uring", NULL };
static const QapiType bdo_7 = { .name = "bdo_7", .kind = QAPI_KIND_ENUM, .values = bdo_7_values };
static const QapiMember bdo_5_members[] = {
    { "filename", &qapi_str, false },
    { "pr-manager", &qapi_str, true },
    { "locking", &bdo_6, true },
    { "aio", &bdo_7, true },
    { "aio-max-batch", &qapi_int, true },
    { "drop-cache", &qapi_bool, true },
    { "x-check-cache-dropped", &qapi_bool, true, bdo_feat_0 },
    { NULL }
};
static const QapiType bdo_5 = { .name = "bdo_5", .kind = QAPI_KIND_OBJECT, .members = bdo_5_members };
static const QapiMember bdo_8_members[] = {
    { "size", &qapi_int, true },
    { "latency-ns", &qapi_int, true },
    { "read-zeroes", &qapi_bool, true },
    { NULL }
};
static const QapiType bdo_8 = { .name = "bdo_8", .kind = QAPI_KIND_OBJECT, .members = bdo_8_members };
static const QapiType *const bdo_10_alts[] = { &blockdev_add_args, &qapi_str, NULL };
static const QapiType bdo_10 = { .name = "bdo_10", .kind = QAPI_KIND_ALTERNATE, .alternatives = bdo_10_alts };
static const QapiType *const bdo_11_alts[] = { &blockdev_add_args, &qapi_str, &qapi_null, NULL };
static const QapiType bdo_11 = { .name = "bdo_11", .kind = QAPI_KIND_ALTERNATE, .alternatives = bdo_11_alts };
static const char *const bdo_14_values[] = { "none", "constant", "cached", "all", NULL };
static const QapiType bdo_14 = { .name = "bdo_14", .kind = QAPI_KIND_ENUM, .values = bdo_14_values };
static const QapiMember bdo_13_members[] = {
    { "template", &bdo_14, true },
    { "main-header", &qapi_bool, true },
    { "active-l1", &qapi_bool, true },
    { "active-l2", &qapi_bool, true },
    { "refcount-table", &qapi_bool, true },
    { "refcount-block", &qapi_bool, true },
    { "snapshot-table", &qapi_bool, true },
    { "inactive-l1", &qapi_bool, true },
    { "inactive-l2", &qapi_bool, true },
    { "bitmap-directory", &qapi_bool, true },
    { NULL }
};
static const QapiType bdo_13 = { .name = "bdo_13", .kind = QAPI_KIND_OBJECT, .members = bdo_13_members };
static const QapiType *const bdo_12_alts[] = { &bdo_13, &bdo_14, NULL };
static const QapiType bdo_12 = { .name = "bdo_12", .kind = QAPI_KIND_ALTERNATE, .alternatives = bdo_12_alts };
static const char *const bdo_16_values[] = { "aes", "luks", NULL };
static const QapiType bdo_16 = { .name = "bdo_16", .kind = QAPI_KIND_ENUM, .values = bdo_16_values };
static const QapiMember bdo_17_members[] = {
    { "key-secret", &qapi_str, true },
    { NULL }
};
static const QapiType bdo_17 = { .name = "bdo_17", .kind = QAPI_KIND_OBJECT, .members = bdo_17_members };
static const QapiMember bdo_18_members[] = {
    { "key-secret", &qapi_str, true },
    { NULL }
};
static const QapiType bdo_18 = { .name = "bdo_18", .kind = QAPI_KIND_OBJECT, .members = bdo_18_members };
static const QapiMember bdo_15_members[] = {
    { "format", &bdo_16, false },
    { NULL }
};
static const QapiVariant bdo_15_variants[] = {
    { "aes", &bdo_17 },
    { "luks", &bdo_18 },
    { NULL }
};
static const QapiType bdo_15 = { .name = "bdo_15", .kind = QAPI_KIND_OBJECT, .members = bdo_15_members, .tag = "format", .variants = bdo_15_variants };
static const QapiMember bdo_9_members[] = {
    { "file", &bdo_10, false },
    { "backing", &bdo_11, true },
    { "lazy-refcounts", &qapi_bool, true },
    { "pass-discard-request", &qapi_bool, true },
    { "pass-discard-snapshot", &qapi_bool, true },
    { "pass-discard-other", &qapi_bool, true },
    { "overlap-check", &bdo_12, true },
    { "cache-size", &qapi_int, true },
    { "l2-cache-size", &qapi_int, true },
    { "l2-cache-entry-size", &qapi_int, true },
    { "refcount-cache-size", &qapi_int, true },
    { "cache-clean-interval", &qapi_int, true },
    { "encrypt", &bdo_15, true },
    { "data-file", &bdo_10, true },
    { NULL }
};
static const QapiType bdo_9 = { .name = "bdo_9", .kind = QAPI_KIND_OBJECT, .members = bdo_9_members };
static const QapiMember bdo_19_members[] = {
    { "file", &bdo_10, false },
    { "offset", &qapi_int, true },
    { "size", &qapi_int, true },
    { NULL }
};
static const QapiType bdo_19 = { .name = "bdo_19", .kind = QAPI_KIND_OBJECT, .members = bdo_19_members };
static const QapiMember blockdev_add_args_members[] = {
    { "driver", &bdo_1, false },
    { "node-name", &qapi_str, true },
    { "discard", &bdo_2, true },
    { "cache", &bdo_3, true },
    { "read-only", &qapi_bool, true },
    { "auto-read-only", &qapi_bool, true },
    { "force-share", &qapi_bool, true },
    { "detect-zeroes", &bdo_4, true },
    { NULL }
};
static const QapiVariant blockdev_add_args_variants[] = {
    { "file", &bdo_5 },
    { "null-aio", &bdo_8 },
    { "null-co", &bdo_8 },
    { "qcow2", &bdo_9 },
    { "raw", &bdo_19 },
    { NULL }
};
const QapiType blockdev_add_args = { .name = "blockdev_add_args", .kind = QAPI_KIND_OBJECT, .members = blockdev_add_args_members, .tag = "driver", .variants = blockdev_add_args_variants };
/* clang-format on */

/* clang-format off */
static const QapiMember blockdev_del_args_members[] = {
    { "node-name", &qapi_str, false },
    { NULL }
};
const QapiType blockdev_del_args = { .name = "blockdev_del_args", .kind = QAPI_KIND_OBJECT, .members = blockdev_del_args_members };
/* clang-format on */

/* clang-format off */
static const char *const bsit_deprecated[] = { "deprecated", NULL };
static const QapiMember block_set_io_throttle_members[] = {
    { "device", &qapi_str, true, bsit_deprecated },
    { "id", &qapi_str, true },
    { "bps", &qapi_int, false },
    { "bps_rd", &qapi_int, false },
    { "bps_wr", &qapi_int, false },
    { "iops", &qapi_int, false },
    { "iops_rd", &qapi_int, false },
    { "iops_wr", &qapi_int, false },
    { "bps_max", &qapi_int, true },
    { "bps_rd_max", &qapi_int, true },
    { "bps_wr_max", &qapi_int, true },
    { "iops_max", &qapi_int, true },
    { "iops_rd_max", &qapi_int, true },
    { "iops_wr_max", &qapi_int, true },
    { "bps_max_length", &qapi_int, true },
    { "bps_rd_max_length", &qapi_int, true },
    { "bps_wr_max_length", &qapi_int, true },
    { "iops_max_length", &qapi_int, true },
    { "iops_rd_max_length", &qapi_int, true },
    { "iops_wr_max_length", &qapi_int, true },
    { "iops_size", &qapi_int, true },
    { "group", &qapi_str, true },
    { NULL }
};
const QapiType block_set_io_throttle_args = { .name = "BlockIOThrottle", .kind = QAPI_KIND_OBJECT, .members = block_set_io_throttle_members };
/* clang-format on */

/* clang-format off */
/* query-blockstats: QEMU 7.2's BlockStats (the driver-specific union with
 * the file drivers' branch). */
static const QapiType bst_stats;
static const QapiMember bst_args_members[] = {
    { "query-nodes", &qapi_bool, true },
    { NULL }
};
const QapiType query_blockstats_args = { .name = "q_obj_query-blockstats-arg", .kind = QAPI_KIND_OBJECT, .members = bst_args_members };
static const QapiMember bst_timed_members[] = {
    { "interval_length", &qapi_int, false },
    { "min_rd_latency_ns", &qapi_int, false },
    { "max_rd_latency_ns", &qapi_int, false },
    { "avg_rd_latency_ns", &qapi_int, false },
    { "min_wr_latency_ns", &qapi_int, false },
    { "max_wr_latency_ns", &qapi_int, false },
    { "avg_wr_latency_ns", &qapi_int, false },
    { "min_flush_latency_ns", &qapi_int, false },
    { "max_flush_latency_ns", &qapi_int, false },
    { "avg_flush_latency_ns", &qapi_int, false },
    { "avg_rd_queue_depth", &qapi_number, false },
    { "avg_wr_queue_depth", &qapi_number, false },
    { NULL }
};
static const QapiType bst_timed = { .name = "BlockDeviceTimedStats", .kind = QAPI_KIND_OBJECT, .members = bst_timed_members };
static QAPI_ARRAY_OF(bst_timed_list, bst_timed);
static QAPI_ARRAY_OF(bst_uint64_list, qapi_uint64);
static const QapiMember bst_histogram_members[] = {
    { "boundaries", &bst_uint64_list, false },
    { "bins", &bst_uint64_list, false },
    { NULL }
};
static const QapiType bst_histogram = { .name = "BlockLatencyHistogramInfo", .kind = QAPI_KIND_OBJECT, .members = bst_histogram_members };
static const QapiMember bst_device_stats_members[] = {
    { "rd_bytes", &qapi_int, false },
    { "wr_bytes", &qapi_int, false },
    { "unmap_bytes", &qapi_int, false },
    { "rd_operations", &qapi_int, false },
    { "wr_operations", &qapi_int, false },
    { "flush_operations", &qapi_int, false },
    { "unmap_operations", &qapi_int, false },
    { "rd_total_time_ns", &qapi_int, false },
    { "wr_total_time_ns", &qapi_int, false },
    { "flush_total_time_ns", &qapi_int, false },
    { "unmap_total_time_ns", &qapi_int, false },
    { "wr_highest_offset", &qapi_int, false },
    { "rd_merged", &qapi_int, false },
    { "wr_merged", &qapi_int, false },
    { "unmap_merged", &qapi_int, false },
    { "idle_time_ns", &qapi_int, true },
    { "failed_rd_operations", &qapi_int, false },
    { "failed_wr_operations", &qapi_int, false },
    { "failed_flush_operations", &qapi_int, false },
    { "failed_unmap_operations", &qapi_int, false },
    { "invalid_rd_operations", &qapi_int, false },
    { "invalid_wr_operations", &qapi_int, false },
    { "invalid_flush_operations", &qapi_int, false },
    { "invalid_unmap_operations", &qapi_int, false },
    { "account_invalid", &qapi_bool, false },
    { "account_failed", &qapi_bool, false },
    { "timed_stats", &bst_timed_list, false },
    { "rd_latency_histogram", &bst_histogram, true },
    { "wr_latency_histogram", &bst_histogram, true },
    { "flush_latency_histogram", &bst_histogram, true },
    { NULL }
};
static const QapiType bst_device_stats = { .name = "BlockDeviceStats", .kind = QAPI_KIND_OBJECT, .members = bst_device_stats_members };
static const QapiMember bst_file_members[] = {
    { "discard-nb-ok", &qapi_int, false },
    { "discard-nb-failed", &qapi_int, false },
    { "discard-bytes-ok", &qapi_int, false },
    { NULL }
};
static const QapiType bst_file = { .name = "BlockStatsSpecificFile", .kind = QAPI_KIND_OBJECT, .members = bst_file_members };
static const QapiMember bst_specific_members[] = {
    { "driver", &bdo_1, false },
    { NULL }
};
static const QapiVariant bst_specific_variants[] = {
    { "file", &bst_file },
    { "host_device", &bst_file },
    { NULL }
};
static const QapiType bst_specific = { .name = "BlockStatsSpecific", .kind = QAPI_KIND_OBJECT, .members = bst_specific_members, .tag = "driver", .variants = bst_specific_variants };
static const QapiMember bst_stats_members[] = {
    { "device", &qapi_str, true },
    { "qdev", &qapi_str, true },
    { "node-name", &qapi_str, true },
    { "stats", &bst_device_stats, false },
    { "driver-specific", &bst_specific, true },
    { "parent", &bst_stats, true },
    { "backing", &bst_stats, true },
    { NULL }
};
static const QapiType bst_stats = { .name = "BlockStats", .kind = QAPI_KIND_OBJECT, .members = bst_stats_members };
QAPI_ARRAY_OF(blk_stats_list, bst_stats);
/* clang-format on */

bool qmp_cmd_query_block(QmpSession *s, json_t *args, json_t **ret,
                         Error **errp)
{
    (void)s;
    (void)args;
    (void)errp;
    *ret = blk_query_block();
    return true;
}

bool qmp_cmd_query_named_block_nodes(QmpSession *s, json_t *args, json_t **ret,
                                     Error **errp)
{
    (void)s;
    (void)errp;
    *ret = block_query_named_nodes(qapi_arg_bool(args, "flat", false));
    return true;
}

bool qmp_cmd_query_blockstats(QmpSession *s, json_t *args, json_t **ret,
                              Error **errp)
{
    (void)s;
    (void)errp;
    *ret = qapi_arg_bool(args, "query-nodes", false) ? block_query_node_stats()
                                                     : blk_query_blockstats();
    return true;
}

bool qmp_cmd_blockdev_add(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    (void)s;
    (void)ret;
    return block_blockdev_add(args, errp);
}

bool qmp_cmd_blockdev_del(QmpSession *s, json_t *args, json_t **ret,
                          Error **errp)
{
    (void)s;
    (void)ret;
    return block_blockdev_del(qapi_arg_str(args, "node-name", ""), errp);
}

/* The members of type (an object, with the variant its tag selects). */
static const QapiMember *find_member(const QapiType *type, json_t *dict,
                                     const char *key)
{
    const QapiMember *m;
    const QapiVariant *v;
    const char *tag;

    for (m = type->members; m && m->name; m++) {
        if (!strcmp(m->name, key)) {
            return m;
        }
    }
    tag =
        type->tag ? json_string_value(json_object_get(dict, type->tag)) : NULL;
    for (v = type->variants; tag && v && v->value; v++) {
        if (!strcmp(v->value, tag)) {
            return find_member(v->type, dict, key);
        }
    }
    return NULL;
}

/*
 * Converts dotted-key strings as QEMU's keyval input visitor does for the
 * schema type: integers and booleans from their text, nested objects
 * (an alternate takes its object branch for a dict); members the schema
 * does not know are left for qapi_check to refuse.
 */
static bool keyval_convert(const QapiType *type, json_t *dict, Error **errp)
{
    const char *key;
    json_t *v;

    json_object_foreach (dict, key, v) {
        const QapiMember *m = find_member(type, dict, key);
        const QapiType *t = m ? m->type : NULL;
        const char *str = json_string_value(v);

        if (t && t->kind == QAPI_KIND_ALTERNATE && json_is_object(v)) {
            const QapiType *const *a;

            for (a = t->alternatives; *a; a++) {
                if ((*a)->kind == QAPI_KIND_OBJECT) {
                    t = *a;
                    break;
                }
            }
        }
        if (!t) {
            continue;
        }
        if (json_is_object(v) && t->kind == QAPI_KIND_OBJECT) {
            if (!keyval_convert(t, v, errp)) {
                return false;
            }
        } else if (str && t == &qapi_bool) {
            bool b;

            if (!keyval_visit_bool(key, str, &b, errp)) {
                return false;
            }
            json_object_set_new(dict, key, json_boolean(b));
        } else if (str && t == &qapi_int) {
            char *end;
            long long n;

            errno = 0;
            n = strtoll(str, &end, 0);
            if (errno || end == str || *end) {
                error_setg(errp, "Parameter '%s' expects integer", key);
                return false;
            }
            json_object_set_new(dict, key, json_integer(n));
        }
    }
    return true;
}

bool qmp_blockdev_add_cmdline(json_t *dict, bool keyval, Error **errp)
{
    json_t *args = json_deep_copy(dict);
    bool ok = (!keyval || keyval_convert(&blockdev_add_args, args, errp)) &&
              qapi_check(&blockdev_add_args, args, errp) &&
              block_blockdev_add(args, errp);

    json_decref(args);
    return ok;
}

/*
 * block_set_io_throttle (QEMU's qmp_block_set_io_throttle): the
 * BlockBackend by -drive id ("device") or by its device ("id", a QOM
 * path or a qdev id), the limits given (QAPI ints, taken as C converts
 * them to unsigned), then blk_set_io_throttle.
 */
bool qmp_cmd_block_set_io_throttle(QmpSession *s, json_t *args, json_t **ret,
                                   Error **errp)
{
    const char *const *avg = throttle_avg_names;
    const char *const *max = throttle_max_names;
    const char *const *length = throttle_length_names;
    const char *device = json_string_value(qapi_arg(args, "device"));
    const char *id = json_string_value(qapi_arg(args, "id"));
    const char *group = json_string_value(qapi_arg(args, "group"));
    BlockBackend *blk;
    ThrottleConfig cfg;
    int i;

    (void)s;
    (void)ret;
    if (!device == !id) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return false;
    }
    if (id) {
        DeviceState *dev = qmp_find_device(id, errp);

        if (!dev) {
            return false;
        }
        blk = blk_by_dev(dev);
        if (!blk) {
            error_setg(errp, "Device does not have a block device backend");
            return false;
        }
    } else {
        blk = blk_by_name(device);
        if (!blk) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", device);
            return false;
        }
    }
    throttle_config_init(&cfg);
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        cfg.buckets[i].avg = (uint64_t)qapi_arg_int(args, avg[i], 0);
        cfg.buckets[i].max = (uint64_t)qapi_arg_int(args, max[i], 0);
        cfg.buckets[i].burst_length =
            (uint64_t)qapi_arg_int(args, length[i], 1);
    }
    cfg.op_size = (uint64_t)qapi_arg_int(args, "iops_size", 0);
    return blk_set_io_throttle(blk, &cfg, group, device ? device : id, errp);
}
