/*
 * From the review model to the registry's records (meta_record.h): two arm
 * records per dichotomous or continuous row, one estimate record per GIV or
 * O-E row, with the row's subgroup and risk-of-bias judgements as attributes
 * of the result and the study year as an attribute of the arm. Rows that
 * carry no usable numbers are reported, not stored.
 */
#include "meta_review.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const rob_attr[META_REVIEW_ROB_DOMAINS] = {"rob_d1", "rob_d2", "rob_d3",
                                                              "rob_d4", "rob_d5", "rob_overall"};

/* What stays the same for every row of one analysis. */
struct analysis_ctx {
    const struct meta_review_analysis *an;
    struct meta_review_map map;
    char outcome[META_REVIEW_NAME_SIZE];
    char exp[META_REVIEW_NAME_SIZE], ctl[META_REVIEW_NAME_SIZE];
    char where[64];
    const struct meta_review_sink *sink;
};

static int usable(double x)
{
    return !isnan(x) && x > 0;
}

/* Why a row cannot become records, or NULL when it can. */
static const char *unusable(const struct meta_review_row *r, enum meta_review_data_type type)
{
    switch (type) {
    case META_REVIEW_DICHOTOMOUS:
        if (isnan(r->exp.n) && isnan(r->ctl.n) && isnan(r->exp.events) && isnan(r->ctl.events))
            return "no data entered";
        if (!usable(r->exp.n) || !usable(r->ctl.n))
            return "a group has no participants (N 0 or missing): not estimable";
        if (isnan(r->exp.events) || isnan(r->ctl.events))
            return "cases missing: not estimable";
        return NULL;
    case META_REVIEW_CONTINUOUS:
        if (isnan(r->exp.n) && isnan(r->ctl.n) && isnan(r->exp.mean) && isnan(r->ctl.mean))
            return "no data entered";
        if (!usable(r->exp.n) || !usable(r->ctl.n))
            return "a group has no participants (N 0 or missing): not estimable";
        if (isnan(r->exp.mean) || isnan(r->ctl.mean))
            return "a mean is missing: not estimable";
        if (!usable(r->exp.sd) || !usable(r->ctl.sd))
            return "an SD is 0 or missing: not estimable";
        return NULL;
    case META_REVIEW_GIV:
        if (isnan(r->giv_mean) && isnan(r->giv_se))
            return "no data entered";
        if (isnan(r->giv_mean) || !usable(r->giv_se))
            return "the GIV SE is 0 or missing: not estimable";
        return NULL;
    case META_REVIEW_OE:
        if (isnan(r->oe) && isnan(r->variance))
            return "no data entered";
        if (isnan(r->oe) || !usable(r->variance))
            return "the variance is 0 or missing: not estimable";
        return NULL;
    default:
        return "the analysis has no data type";
    }
}

/* Fills the result attributes of a row; returns their count. */
static size_t result_attrs(const struct meta_review_row *r, int with_year,
                           struct meta_record_attr *attrs)
{
    size_t n = 0;
    if (r->subgroup)
        attrs[n++] = (struct meta_record_attr){"subgroup", r->subgroup->name};
    for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
        if (r->rob[d] != META_REVIEW_ROB_NONE)
            attrs[n++] = (struct meta_record_attr){rob_attr[d], meta_review_rob_name(r->rob[d])};
    if (with_year && r->year)
        attrs[n++] = (struct meta_record_attr){"year", r->year};
    return n;
}

static void record_init(struct meta_record *rec, const struct analysis_ctx *a,
                        const struct meta_review_row *r)
{
    memset(rec, 0, sizeof *rec);
    rec->trial = r->trial;
    rec->outcome = a->outcome;
    rec->timepoint = NULL;
    rec->n = rec->mean = rec->sd = rec->events = rec->total = NAN;
    rec->estimate = rec->se = rec->ci_lower = rec->ci_upper = rec->level = NAN;
    rec->n_treatment = rec->n_control = NAN;
    rec->source = r->source;
    rec->line = r->line;
    rec->where = a->where;
}

static int arm_records(const struct analysis_ctx *a, const struct meta_review_row *r)
{
    struct meta_record_attr results[META_REVIEW_ROB_DOMAINS + 2];
    struct meta_record_attr year[1] = {{"year", r->year}};
    size_t nres = result_attrs(r, 0, results);
    const struct meta_review_arm *arms[2] = {&r->exp, &r->ctl};
    const char *names[2] = {a->exp, a->ctl};
    int swap = a->an->swap_events == 1;
    for (int side = 0; side < 2; side++) {
        struct meta_record rec;
        record_init(&rec, a, r);
        rec.arm = names[side];
        rec.treatment = names[side];
        if (a->an->type == META_REVIEW_DICHOTOMOUS) {
            rec.kind = META_RECORD_BINARY;
            rec.total = arms[side]->n;
            rec.events = swap ? arms[side]->n - arms[side]->events : arms[side]->events;
        } else {
            rec.kind = META_RECORD_CONTINUOUS;
            rec.n = arms[side]->n;
            rec.mean = arms[side]->mean;
            rec.sd = arms[side]->sd;
        }
        rec.arm_attrs = r->year ? year : NULL;
        rec.n_arm_attrs = r->year ? 1 : 0;
        rec.result_attrs = results;
        rec.n_result_attrs = nres;
        int rc = a->sink->record(&rec, r, a->sink->ctx);
        if (rc != META_OK)
            return rc;
    }
    return META_OK;
}

static int estimate_record(const struct analysis_ctx *a, const struct meta_review_row *r)
{
    struct meta_record_attr results[META_REVIEW_ROB_DOMAINS + 2];
    struct meta_record rec;
    record_init(&rec, a, r);
    rec.kind = META_RECORD_ESTIMATE;
    rec.treatment = a->exp;
    rec.control = a->ctl;
    rec.measure = a->map.measure;
    int ratio = 1;
    if (a->an->type == META_REVIEW_OE) {
        /* Peto: log OR (or log HR) = (O-E)/V, its variance 1/V; the registry
         * marks Peto's odds ratio as such. */
        rec.estimate = exp(r->oe / r->variance);
        rec.se = 1 / sqrt(r->variance);
        if (strcmp(a->map.measure, "OR") == 0)
            rec.method = "peto";
    } else if (strcmp(a->map.measure, "GIV") == 0) {
        rec.estimate = r->giv_mean;
        rec.se = r->giv_se;
        rec.log_scale = a->map.log_scale;
        ratio = 0;
    } else if (strcmp(a->map.measure, "OR") == 0 || strcmp(a->map.measure, "RR") == 0 ||
               strcmp(a->map.measure, "HR") == 0 || strcmp(a->map.measure, "ROM") == 0) {
        rec.estimate = exp(r->giv_mean); /* the GIV Mean is the log ratio */
        rec.se = r->giv_se;
    } else {
        rec.estimate = r->giv_mean;
        rec.se = r->giv_se;
        ratio = 0;
    }
    /* A log ratio beyond what a double's exp() can return (|x| > 709) makes
     * a ratio of infinity or zero, which no analysis can use. */
    if (!isfinite(rec.estimate) || !isfinite(rec.se) || (ratio && !(rec.estimate > 0))) {
        if (a->sink->skipped)
            a->sink->skipped(r, "the estimate is out of range: not estimable", a->sink->ctx);
        return META_OK;
    }
    rec.n_treatment = usable(r->exp.n) ? r->exp.n : NAN;
    rec.n_control = usable(r->ctl.n) ? r->ctl.n : NAN;
    rec.result_attrs = results;
    rec.n_result_attrs = result_attrs(r, 1, results);
    return a->sink->record(&rec, r, a->sink->ctx);
}

int meta_review_analysis_records(const struct meta_review *rv,
                                 const struct meta_review_analysis *an, const char *prefix,
                                 const struct meta_review_sink *sink, struct meta_error *err)
{
    struct analysis_ctx a = {.an = an, .sink = sink};
    meta_error_clear(err);
    meta_review_map_settings(an, &a.map);
    meta_review_outcome_name(an, meta_review_prefix(rv, prefix), a.outcome, sizeof a.outcome);
    meta_review_side_names(an, a.exp, a.ctl, sizeof a.exp);
    char id[32];
    meta_review_analysis_id(an, id, sizeof id);
    snprintf(a.where, sizeof a.where, "analysis %s", id);

    for (size_t i = 0; i < an->n_rows; i++) {
        const struct meta_review_row *r = &an->rows[i];
        const char *why = unusable(r, an->type);
        if (why) {
            if (sink->skipped)
                sink->skipped(r, why, sink->ctx);
            continue;
        }
        int rc = an->type == META_REVIEW_DICHOTOMOUS || an->type == META_REVIEW_CONTINUOUS
                     ? arm_records(&a, r)
                     : estimate_record(&a, r);
        if (rc != META_OK) {
            if (err && !err->msg[0])
                meta_error_set(err, rc, "%s:%ld: the record was refused (%s)", r->source, r->line,
                               meta_strstatus(rc));
            return rc;
        }
    }
    return META_OK;
}

int meta_review_records(const struct meta_review *rv, const char *prefix,
                        const struct meta_review_sink *sink, struct meta_error *err)
{
    for (size_t i = 0; i < rv->n_analyses; i++) {
        int rc = meta_review_analysis_records(rv, &rv->analyses[i], prefix, sink, err);
        if (rc != META_OK)
            return rc;
    }
    return META_OK;
}
