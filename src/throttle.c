/* I/O throttling configurations and groups (see throttle.h). */
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "util.h"

const char *const throttle_avg_names[THROTTLE_BUCKETS] = {
    "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr"
};
const char *const throttle_max_names[THROTTLE_BUCKETS] = {
    "bps_max",  "bps_rd_max",  "bps_wr_max",
    "iops_max", "iops_rd_max", "iops_wr_max"
};
const char *const throttle_length_names[THROTTLE_BUCKETS] = {
    "bps_max_length",  "bps_rd_max_length",  "bps_wr_max_length",
    "iops_max_length", "iops_rd_max_length", "iops_wr_max_length"
};

struct ThrottleGroup {
    char *name;
    int refcnt;
    ThrottleConfig cfg;
    ThrottleGroup *next;
};

static ThrottleGroup *groups;

void throttle_config_init(ThrottleConfig *cfg)
{
    int i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        cfg->buckets[i].burst_length = 1;
    }
}

/* A total limit beside a read or write one, in rates or in burst rates. */
static bool conflicting(const ThrottleConfig *cfg)
{
    const ThrottleBucket *b = cfg->buckets;

    return (b[THROTTLE_BPS_TOTAL].avg &&
            (b[THROTTLE_BPS_READ].avg || b[THROTTLE_BPS_WRITE].avg)) ||
           (b[THROTTLE_OPS_TOTAL].avg &&
            (b[THROTTLE_OPS_READ].avg || b[THROTTLE_OPS_WRITE].avg)) ||
           (b[THROTTLE_BPS_TOTAL].max &&
            (b[THROTTLE_BPS_READ].max || b[THROTTLE_BPS_WRITE].max)) ||
           (b[THROTTLE_OPS_TOTAL].max &&
            (b[THROTTLE_OPS_READ].max || b[THROTTLE_OPS_WRITE].max));
}

bool throttle_is_valid(const ThrottleConfig *cfg, Error **errp)
{
    const ThrottleBucket *b = cfg->buckets;
    int i;

    if (conflicting(cfg)) {
        error_setg(errp, "bps/iops/max total values and read/write values"
                         " cannot be used at the same time");
        return false;
    }
    if (cfg->op_size && !b[THROTTLE_OPS_TOTAL].avg &&
        !b[THROTTLE_OPS_READ].avg && !b[THROTTLE_OPS_WRITE].avg) {
        error_setg(errp, "iops size requires an iops value to be set");
        return false;
    }
    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        const ThrottleBucket *bkt = &b[i];

        if (bkt->avg > THROTTLE_VALUE_MAX || bkt->max > THROTTLE_VALUE_MAX) {
            error_setg(errp, "bps/iops/max values must be within [0, %llu]",
                       THROTTLE_VALUE_MAX);
            return false;
        }
        if (!bkt->burst_length) {
            error_setg(errp, "the burst length cannot be 0");
            return false;
        }
        if (bkt->burst_length > 1 && !bkt->max) {
            error_setg(errp, "burst length set without burst rate");
            return false;
        }
        if (bkt->max && bkt->burst_length > THROTTLE_VALUE_MAX / bkt->max) {
            error_setg(errp, "burst length too high for this burst rate");
            return false;
        }
        if (bkt->max && !bkt->avg) {
            error_setg(errp, "bps_max/iops_max require corresponding"
                             " bps/iops values");
            return false;
        }
        if (bkt->max && bkt->max < bkt->avg) {
            error_setg(errp, "bps_max/iops_max cannot be lower than bps/iops");
            return false;
        }
    }
    return true;
}

bool throttle_enabled(const ThrottleConfig *cfg)
{
    int i;

    for (i = 0; i < THROTTLE_BUCKETS; i++) {
        if (cfg->buckets[i].avg) {
            return true;
        }
    }
    return false;
}

ThrottleGroup *throttle_group_ref(const char *name)
{
    ThrottleGroup *tg, **p;

    for (tg = groups; tg; tg = tg->next) {
        if (!strcmp(tg->name, name)) {
            tg->refcnt++;
            return tg;
        }
    }
    tg = xzalloc(sizeof(*tg));
    tg->name = xstrdup(name);
    tg->refcnt = 1;
    throttle_config_init(&tg->cfg);
    for (p = &groups; *p; p = &(*p)->next) {
    }
    *p = tg;
    return tg;
}

void throttle_group_unref(ThrottleGroup *tg)
{
    ThrottleGroup **p;

    if (!tg || --tg->refcnt > 0) {
        return;
    }
    for (p = &groups; *p; p = &(*p)->next) {
        if (*p == tg) {
            *p = tg->next;
            break;
        }
    }
    free(tg->name);
    free(tg);
}

const char *throttle_group_name(const ThrottleGroup *tg)
{
    return tg->name;
}

const ThrottleConfig *throttle_group_config(const ThrottleGroup *tg)
{
    return &tg->cfg;
}

void throttle_group_set_config(ThrottleGroup *tg, const ThrottleConfig *cfg)
{
    tg->cfg = *cfg;
}
