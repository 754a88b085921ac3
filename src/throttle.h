/*
 * I/O throttling as QEMU 7.2 configures it (util/throttle.c's
 * ThrottleConfig and its checks, block/throttle-groups.c's groups): six
 * leaky buckets (total, read and write bytes and operations per second),
 * each with an average rate, a burst rate and a burst length, plus an
 * operation size.  BlockBackends that share a group share one
 * configuration; a group lives while a member holds it.  No I/O is
 * throttled: there is none.
 */
#ifndef QMACHINED_THROTTLE_H
#define QMACHINED_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"

/* QEMU's BucketType order. */
typedef enum ThrottleBucketType {
    THROTTLE_BPS_TOTAL,
    THROTTLE_BPS_READ,
    THROTTLE_BPS_WRITE,
    THROTTLE_OPS_TOTAL,
    THROTTLE_OPS_READ,
    THROTTLE_OPS_WRITE,
    THROTTLE_BUCKETS
} ThrottleBucketType;

/* The largest rate or burst rate (QEMU's THROTTLE_VALUE_MAX). */
#define THROTTLE_VALUE_MAX 1000000000000000ULL

typedef struct ThrottleBucket {
    uint64_t avg; /* units per second; 0: no limit */
    uint64_t max; /* burst rate; 0: none */
    uint64_t burst_length; /* seconds the burst may last */
} ThrottleBucket;

typedef struct ThrottleConfig {
    ThrottleBucket buckets[THROTTLE_BUCKETS];
    uint64_t op_size; /* bytes counted as one operation; 0: any */
} ThrottleConfig;

/*
 * QMP's names for each bucket's rate, burst rate and burst length
 * (block_set_io_throttle's arguments, query-block's BlockDeviceInfo
 * members), in ThrottleBucketType order.
 */
extern const char *const throttle_avg_names[THROTTLE_BUCKETS];
extern const char *const throttle_max_names[THROTTLE_BUCKETS];
extern const char *const throttle_length_names[THROTTLE_BUCKETS];

/* No limits: every rate 0, every burst length 1. */
void throttle_config_init(ThrottleConfig *cfg);
/* QEMU's checks, in its order, with its messages. */
bool throttle_is_valid(const ThrottleConfig *cfg, Error **errp);
/* Whether any average rate is set. */
bool throttle_enabled(const ThrottleConfig *cfg);

typedef struct ThrottleGroup ThrottleGroup;

/* The group called name, made (without limits) if none is; one more
 * member either way. */
ThrottleGroup *throttle_group_ref(const char *name);
/* A member leaves; the last one takes the group away. */
void throttle_group_unref(ThrottleGroup *tg);
const char *throttle_group_name(const ThrottleGroup *tg);
const ThrottleConfig *throttle_group_config(const ThrottleGroup *tg);
/* The configuration of every member of the group (a valid one). */
void throttle_group_set_config(ThrottleGroup *tg, const ThrottleConfig *cfg);

#endif
