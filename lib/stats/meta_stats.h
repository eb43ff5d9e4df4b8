/*
 * Public interface of lib/stats: effect sizes, pooling, heterogeneity and
 * intervals for meta-analysis, agreeing with metafor 3.8 (see INTERFACE.md,
 * "Numerical conventions"). Pure computation on GSL and libm: no I/O.
 */
#ifndef META_STATS_H
#define META_STATS_H

#include "meta_status.h"

#include <stddef.h>

/* Effect-size measures: the first three need continuous arms, the rest binary. */
enum meta_measure { META_MD, META_SMD, META_ROM, META_RR, META_OR, META_RD };

/* Common (fixed) effect or random effects. */
enum meta_model { META_MODEL_COMMON, META_MODEL_RANDOM };

/* Pooling method: IV, MH and PETO under the common model; the tau^2
 * estimators under the random model. */
enum meta_method {
    META_METHOD_IV,
    META_METHOD_MH,
    META_METHOD_PETO,
    META_METHOD_DL,
    META_METHOD_REML,
    META_METHOD_ML,
    META_METHOD_PM,
    META_METHOD_HE,
    META_METHOD_HS,
    META_METHOD_SJ,
    META_METHOD_EB
};

/* How the confidence interval of the pooled effect is formed. */
enum meta_ci { META_CI_Z, META_CI_HKSJ };

#endif
