/*
 * A package without its settings file (CD015373 publishes only its data
 * rows) does not say which effect measure an analysis used, but each data
 * row prints RevMan's effect for its study (the Mean, rounded to 6
 * decimals). The measure is the one that reproduces every printed effect:
 * RR, OR or RD for dichotomous rows, MD or SMD for continuous ones, each
 * computed as RevMan computes a study's effect (lib/stats, revman5).
 */
#include "cochrane.h"
#include "meta_stats.h"

#include <math.h>

/* Half a unit of the sixth decimal, with room for binary rounding. */
#define PRINTED_TOL (0.5e-6 * (1 + 1e-9))

/* The candidates per data type, with the words RevMan uses for them. */
static const struct {
    enum meta_review_data_type type;
    enum meta_measure measure;
    const char *words;
} candidates[] = {
    {META_REVIEW_DICHOTOMOUS, META_RR, "Risk Ratio"},
    {META_REVIEW_DICHOTOMOUS, META_OR, "Odds Ratio"},
    {META_REVIEW_DICHOTOMOUS, META_RD, "Risk Difference"},
    {META_REVIEW_CONTINUOUS, META_MD, "Mean Difference"},
    {META_REVIEW_CONTINUOUS, META_SMD, "Std. Mean Difference"},
};

/* Whether measure reproduces the printed effect of every row that has one
 * and data to compute it from; *compared counts those rows. */
static int reproduces(const struct meta_review_analysis *an, enum meta_measure measure,
                      size_t *compared)
{
    struct meta_options opts;
    meta_options_init(&opts);
    opts.measure = measure;
    opts.convention = META_CONVENTION_REVMAN5;
    opts.model = META_MODEL_COMMON;
    opts.method = META_METHOD_IV;
    *compared = 0;
    for (size_t i = 0; i < an->n_rows; i++) {
        const struct meta_review_row *r = &an->rows[i];
        if (isnan(r->revman.estimate))
            continue;
        struct meta_study s = {.label = r->study};
        s.binary = an->type == META_REVIEW_DICHOTOMOUS;
        s.tb = (struct meta_arm_bin){r->exp.events, r->exp.n};
        s.cb = (struct meta_arm_bin){r->ctl.events, r->ctl.n};
        s.tc = (struct meta_arm_cont){r->exp.n, r->exp.mean, r->exp.sd};
        s.cc = (struct meta_arm_cont){r->ctl.n, r->ctl.mean, r->ctl.sd};
        double yi, vi;
        if (meta_es_compute_opts(&opts, &s, &yi, &vi, NULL) != META_OK || isnan(yi))
            continue; /* no data to compare with */
        double effect = meta_measure_is_ratio(measure) ? exp(yi) : yi;
        if (!(fabs(effect - r->revman.estimate) <= PRINTED_TOL))
            return 0;
        (*compared)++;
    }
    return 1;
}

void cochrane_infer_measures(struct meta_review *rv)
{
    for (size_t a = 0; a < rv->n_analyses; a++) {
        struct meta_review_analysis *an = &rv->analyses[a];
        if (an->effect_measure)
            continue;
        for (size_t c = 0; c < sizeof candidates / sizeof *candidates; c++) {
            size_t compared = 0;
            if (candidates[c].type != an->type ||
                !reproduces(an, candidates[c].measure, &compared) || compared == 0)
                continue;
            an->effect_measure = candidates[c].words;
            an->measure_inferred = 1;
            break;
        }
    }
}
