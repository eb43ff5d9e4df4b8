/*
 * The two data sets meta-simulate makes: the simulated ketamine vs placebo
 * example (sim_ketamine.c) and synthetic registries of any size for
 * benchmarks and scale tests (sim_synthetic.c). Both draw from a seeded
 * gsl_rng_mt19937 and stream rows to a struct meta_sim_csv.
 */
#ifndef META_SIM_GEN_H
#define META_SIM_GEN_H

#include "meta_status.h"
#include "sim_csv.h"

#include <gsl/gsl_rng.h>

/* The seed of the committed example analyses/data/ketamine_simulated.csv. */
#define META_SIM_KETAMINE_SEED 20241122UL

/* Writes the header and every row of the simulated ketamine example to w,
 * drawing from rng (seeded by the caller; the caller owns both). Returns
 * META_OK, or the writer's status with err set. */
int meta_sim_ketamine(gsl_rng *rng, struct meta_sim_csv *w, struct meta_error *err);

enum meta_sim_kind {
    META_SIM_CONTINUOUS, /* every outcome continuous */
    META_SIM_BINARY,     /* every outcome binary */
    META_SIM_MIXED       /* odd-numbered outcomes continuous, even-numbered binary */
};

/* Limits on the synthetic registry's dimensions (checked by the caller). */
#define META_SIM_MAX_TRIALS     100000000UL
#define META_SIM_MAX_ARMS       100UL
#define META_SIM_MAX_OUTCOMES   1000UL
#define META_SIM_MAX_TIMEPOINTS 1000UL

/* The shape of a synthetic registry: trials * arms * outcomes * timepoints rows. */
struct meta_sim_synthetic_opts {
    unsigned long trials;     /* 1 .. META_SIM_MAX_TRIALS */
    unsigned long arms;       /* 2 .. META_SIM_MAX_ARMS: arms - 1 active, 1 control */
    unsigned long outcomes;   /* 1 .. META_SIM_MAX_OUTCOMES */
    unsigned long timepoints; /* 1 .. META_SIM_MAX_TIMEPOINTS */
    enum meta_sim_kind kind;
};

/* Streams the header and the rows of a synthetic registry shaped by opts to
 * w, drawing from rng; holds one trial's arms in memory at most. META_EINVAL
 * if opts is out of range; otherwise the writer's status; err set on failure. */
int meta_sim_synthetic(gsl_rng *rng, const struct meta_sim_synthetic_opts *opts,
                       struct meta_sim_csv *w, struct meta_error *err);

#endif
