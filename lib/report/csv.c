/*
 * The CSV of a result (`meta pool --format csv`, a run's csv file): one header and one row per
 * trial, per pooled result and per trial left out, for scripts. The columns are the same whatever
 * the outcome and options, so that outputs can be stacked; a `type` column says what a row is
 * (study, pooled, excluded; subgroup_study, subgroup_pooled, subgroup_excluded, subgroup_test;
 * leave_one_out; cumulative; no overall pooled row with subgroup totals only). Numbers are in full
 * precision on the analysis scale, with exp_* for ratio measures (and GIV on the log scale). A
 * study of an estimate row has no arm data: its participants, when given, fill the n (or, for a
 * binary outcome, total) columns. An analysis with influence diagnostics, small-study tests or a
 * meta-regression adds their rows (csv_bias.c) and the columns only they fill.
 */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void result_cells(struct report_csv_row *r, const struct meta_result *x, int log_scale)
{
    report_csv_num(r, REPORT_CSV_K, (double)meta_report_k(x));
    report_csv_num(r, REPORT_CSV_EST, x->estimate);
    report_csv_num(r, REPORT_CSV_SE, x->se);
    report_csv_num(r, REPORT_CSV_LO, x->ci_lower);
    report_csv_num(r, REPORT_CSV_HI, x->ci_upper);
    report_csv_exp(r, REPORT_CSV_EXP_EST, x->estimate, log_scale);
    report_csv_exp(r, REPORT_CSV_EXP_LO, x->ci_lower, log_scale);
    report_csv_exp(r, REPORT_CSV_EXP_HI, x->ci_upper, log_scale);
    report_csv_num(r, REPORT_CSV_STAT, x->statistic);
    report_csv_num(r, REPORT_CSV_DF, x->df);
    report_csv_num(r, REPORT_CSV_P, x->p);
    report_csv_num(r, REPORT_CSV_TAU2, x->tau2);
    report_csv_num(r, REPORT_CSV_TAU2_LO, x->tau2_ci_lower);
    report_csv_num(r, REPORT_CSV_TAU2_HI, x->tau2_ci_upper);
    report_csv_num(r, REPORT_CSV_TAU, x->tau);
    report_csv_num(r, REPORT_CSV_I2, x->I2);
    report_csv_num(r, REPORT_CSV_H2, x->H2);
    report_csv_num(r, REPORT_CSV_Q, x->Q);
    report_csv_num(r, REPORT_CSV_QDF, x->Q_df);
    report_csv_num(r, REPORT_CSV_QP, x->Q_p);
    report_csv_num(r, REPORT_CSV_PI_LO, x->pi_lower);
    report_csv_num(r, REPORT_CSV_PI_HI, x->pi_upper);
    report_csv_exp(r, REPORT_CSV_EXP_PI_LO, x->pi_lower, log_scale);
    report_csv_exp(r, REPORT_CSV_EXP_PI_HI, x->pi_upper, log_scale);
}

/* The study rows, the pooled row and the excluded rows of one analysis; `an`
 * is given for the whole analysis, whose studies show the weights
 * meta_analysis_study_weight() gives and which has no pooled row with
 * subgroup totals only. */
static void write_block(struct report_csv *out, const char *prefix, const char *subgroup,
                        const struct meta_contrasts *c, const struct meta_result *res, int pooled,
                        int log_scale, const struct meta_analysis *an)
{
    struct report_csv_row r = {{0}, 0};
    char type[32];
    for (size_t i = 0; i < c->k && pooled; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_study_result *sr = &res->studies[i];
        snprintf(type, sizeof type, "%sstudy", prefix);
        report_csv_text(&r, REPORT_CSV_TYPE, type);
        const struct meta_subgroup *sg = an ? meta_analysis_subgroup_of(an, i) : NULL;
        report_csv_text(&r, REPORT_CSV_SUBGROUP, sg ? sg->value : subgroup);
        report_csv_text(&r, REPORT_CSV_TRIAL, c->info[i].trial);
        report_csv_num(&r, REPORT_CSV_YEAR, c->info[i].year);
        const struct meta_contrast_info *info = &c->info[i];
        if (info->source == META_SOURCE_ESTIMATE) {
            report_csv_num(&r, s->binary ? REPORT_CSV_TTOTAL : REPORT_CSV_TN, info->n_treatment);
            report_csv_num(&r, s->binary ? REPORT_CSV_CTOTAL : REPORT_CSV_CN, info->n_control);
        } else if (s->binary) {
            report_csv_num(&r, REPORT_CSV_TEVENTS, s->tb.events);
            report_csv_num(&r, REPORT_CSV_TTOTAL, s->tb.total);
            report_csv_num(&r, REPORT_CSV_CEVENTS, s->cb.events);
            report_csv_num(&r, REPORT_CSV_CTOTAL, s->cb.total);
        } else {
            report_csv_num(&r, REPORT_CSV_TN, s->tc.n);
            report_csv_num(&r, REPORT_CSV_TMEAN, s->tc.mean);
            report_csv_num(&r, REPORT_CSV_TSD, s->tc.sd);
            report_csv_num(&r, REPORT_CSV_CN, s->cc.n);
            report_csv_num(&r, REPORT_CSV_CMEAN, s->cc.mean);
            report_csv_num(&r, REPORT_CSV_CSD, s->cc.sd);
        }
        report_csv_num(&r, REPORT_CSV_EST, sr->yi);
        report_csv_num(&r, REPORT_CSV_SE, sqrt(sr->vi));
        report_csv_num(&r, REPORT_CSV_LO, sr->ci_lower);
        report_csv_num(&r, REPORT_CSV_HI, sr->ci_upper);
        report_csv_exp(&r, REPORT_CSV_EXP_EST, sr->yi, log_scale);
        report_csv_exp(&r, REPORT_CSV_EXP_LO, sr->ci_lower, log_scale);
        report_csv_exp(&r, REPORT_CSV_EXP_HI, sr->ci_upper, log_scale);
        report_csv_num(&r, REPORT_CSV_WEIGHT, an ? meta_analysis_study_weight(an, i) : sr->weight);
        report_csv_emit(out, &r);
    }
    if (an && an->subgroup_totals_only) { /* no overall total: no pooled row */
        report_csv_excluded(out, "excluded", NULL, c->excluded, c->n_excluded);
        return;
    }
    snprintf(type, sizeof type, "%spooled", prefix);
    report_csv_text(&r, REPORT_CSV_TYPE, type);
    report_csv_text(&r, REPORT_CSV_SUBGROUP, subgroup);
    if (pooled)
        result_cells(&r, res, log_scale);
    else
        report_csv_num(&r, REPORT_CSV_K, 0);
    report_csv_emit(out, &r);
    snprintf(type, sizeof type, "%sexcluded", prefix);
    report_csv_excluded(out, type, subgroup, c->excluded, c->n_excluded);
}

static void write_steps(struct report_csv *out, const struct meta_analysis *an,
                        const struct meta_result *steps, size_t count, const size_t *order,
                        const char *type)
{
    struct report_csv_row r = {{0}, 0};
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        report_csv_text(&r, REPORT_CSV_TYPE, type);
        report_csv_text(&r, REPORT_CSV_TRIAL, an->contrasts.info[idx].trial);
        report_csv_num(&r, REPORT_CSV_YEAR, an->contrasts.info[idx].year);
        result_cells(&r, &steps[i], an->log_scale);
        report_csv_emit(out, &r);
    }
}

int meta_report_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    int log_scale = an->log_scale;
    struct report_csv c;
    report_csv_begin(&c, out,
                     report_csv_extended(an) ? REPORT_CSV_COLUMNS : REPORT_CSV_POOL_COLUMNS);
    write_block(&c, "", NULL, &an->contrasts, &an->overall, 1, log_scale, an);
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        write_block(&c, "subgroup_", sg->value, &sg->contrasts, &sg->result, sg->pooled, log_scale,
                    NULL);
    }
    if (req->by && an->have_test) {
        struct report_csv_row r = {{0}, 0};
        report_csv_text(&r, REPORT_CSV_TYPE, "subgroup_test");
        report_csv_num(&r, REPORT_CSV_Q, an->test.Q);
        report_csv_num(&r, REPORT_CSV_QDF, an->test.df);
        report_csv_num(&r, REPORT_CSV_QP, an->test.p);
        report_csv_emit(&c, &r);
    }
    write_steps(&c, an, an->loo, an->n_loo, NULL, "leave_one_out");
    write_steps(&c, an, an->cum, an->n_cum, an->cum_order, "cumulative");
    if (an->have_influence)
        report_csv_influence(&c, an);
    if (an->have_bias)
        report_csv_bias(&c, an);
    if (an->have_regression)
        report_csv_regression(&c, an);
    return report_csv_end(&c, err);
}
