/*
 * The CSV rows of the analyses beside pooling, in the columns every CSV
 * output shares (csv_row.c): `influence` (one per study), `egger`,
 * `regtest`, `begg`, `trimfill` and `trimfill_study` (a filled study), and
 * `regression`, `coefficient`, `regression_study` and `regression_excluded`.
 * A limit estimate (egger, regtest) is written as the row's estimate and
 * interval, a residual QE as its Q; the names are those of the JSON.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_csv_influence(struct report_csv *c, const struct meta_analysis *an)
{
    const struct meta_analysis_influence *inf = &an->influence;
    struct report_csv_row r = {{0}, 0};
    for (size_t i = 0; i < inf->k; i++) {
        const struct meta_influence *x = &inf->row[i];
        const struct meta_contrast_info *info = &an->contrasts.info[inf->index[i]];
        report_csv_text(&r, REPORT_CSV_TYPE, "influence");
        report_csv_text(&r, REPORT_CSV_TRIAL, info->trial);
        report_csv_num(&r, REPORT_CSV_YEAR, info->year);
        report_csv_num(&r, REPORT_CSV_WEIGHT, x->weight);
        report_csv_num(&r, REPORT_CSV_RSTUDENT, x->rstudent);
        report_csv_num(&r, REPORT_CSV_DFFITS, x->dffits);
        report_csv_num(&r, REPORT_CSV_COOK_D, x->cook_d);
        report_csv_num(&r, REPORT_CSV_COV_R, x->cov_r);
        report_csv_num(&r, REPORT_CSV_TAU2_DEL, x->tau2_del);
        report_csv_num(&r, REPORT_CSV_QE_DEL, x->QE_del);
        report_csv_num(&r, REPORT_CSV_HAT, x->hat);
        report_csv_text(&r, REPORT_CSV_INFLUENTIAL, x->influential ? "true" : "false");
        report_csv_emit(c, &r);
    }
}

static void regtest_row(struct report_csv *c, const char *type, size_t k,
                        const struct meta_regtest *t, int log_scale)
{
    struct report_csv_row r = {{0}, 0};
    report_csv_text(&r, REPORT_CSV_TYPE, type);
    report_csv_num(&r, REPORT_CSV_K, (double)k);
    report_csv_num(&r, REPORT_CSV_COEFFICIENT, t->coefficient);
    report_csv_num(&r, REPORT_CSV_SE, t->se);
    report_csv_num(&r, REPORT_CSV_STAT, t->statistic);
    report_csv_num(&r, REPORT_CSV_DF, t->df);
    report_csv_num(&r, REPORT_CSV_P, t->p);
    report_csv_num(&r, REPORT_CSV_EST, t->limit_estimate);
    report_csv_num(&r, REPORT_CSV_LO, t->limit_ci_lower);
    report_csv_num(&r, REPORT_CSV_HI, t->limit_ci_upper);
    report_csv_exp(&r, REPORT_CSV_EXP_EST, t->limit_estimate, log_scale);
    report_csv_exp(&r, REPORT_CSV_EXP_LO, t->limit_ci_lower, log_scale);
    report_csv_exp(&r, REPORT_CSV_EXP_HI, t->limit_ci_upper, log_scale);
    report_csv_emit(c, &r);
}

static void trimfill_rows(struct report_csv *c, const struct meta_analysis_bias *b, int log_scale)
{
    struct report_csv_row r = {{0}, 0};
    const struct meta_trimfill *t = &b->trimfill;
    report_csv_text(&r, REPORT_CSV_TYPE, "trimfill");
    if (!b->have_trimfill) {
        report_csv_text(&r, REPORT_CSV_REASON, b->trimfill_missing);
        report_csv_emit(c, &r);
        return;
    }
    report_csv_num(&r, REPORT_CSV_K, (double)(b->k + t->k0));
    report_csv_text(&r, REPORT_CSV_ESTIMATOR, meta_tf_estimator_name(t->estimator));
    report_csv_text(&r, REPORT_CSV_SIDE, meta_tf_side_name(t->side));
    report_csv_num(&r, REPORT_CSV_K0, (double)t->k0);
    report_csv_num(&r, REPORT_CSV_EST, t->estimate);
    report_csv_num(&r, REPORT_CSV_SE, t->se);
    report_csv_num(&r, REPORT_CSV_LO, t->ci_lower);
    report_csv_num(&r, REPORT_CSV_HI, t->ci_upper);
    report_csv_exp(&r, REPORT_CSV_EXP_EST, t->estimate, log_scale);
    report_csv_exp(&r, REPORT_CSV_EXP_LO, t->ci_lower, log_scale);
    report_csv_exp(&r, REPORT_CSV_EXP_HI, t->ci_upper, log_scale);
    report_csv_num(&r, REPORT_CSV_TAU2, t->tau2);
    report_csv_emit(c, &r);
    for (size_t i = 0; i < t->k0; i++) {
        report_csv_text(&r, REPORT_CSV_TYPE, "trimfill_study");
        report_csv_num(&r, REPORT_CSV_EST, t->filled[i].yi);
        report_csv_num(&r, REPORT_CSV_SE, sqrt(t->filled[i].vi));
        report_csv_exp(&r, REPORT_CSV_EXP_EST, t->filled[i].yi, log_scale);
        report_csv_emit(c, &r);
    }
}

void report_csv_bias(struct report_csv *c, const struct meta_analysis *an)
{
    const struct meta_analysis_bias *b = &an->bias;
    int log_scale = an->log_scale;
    if (b->have_tests) {
        regtest_row(c, "egger", b->k, &b->egger, log_scale);
        regtest_row(c, "regtest", b->k, &b->regtest, log_scale);
        struct report_csv_row r = {{0}, 0};
        report_csv_text(&r, REPORT_CSV_TYPE, "begg");
        report_csv_num(&r, REPORT_CSV_K, (double)b->k);
        report_csv_num(&r, REPORT_CSV_KENDALL_TAU, b->begg.tau);
        report_csv_num(&r, REPORT_CSV_P, b->begg.p);
        report_csv_emit(c, &r);
    }
    trimfill_rows(c, b, log_scale);
}

void report_csv_regression(struct report_csv *c, const struct meta_analysis *an)
{
    const struct meta_analysis_regression *reg = &an->regression;
    const struct meta_metareg *f = &reg->fit;
    const struct meta_analysis_request *req = an->req;
    int log_scale = an->log_scale;
    struct report_csv_row r = {{0}, 0};
    char mods[1024] = "";
    for (size_t j = 0; j < req->n_mods; j++)
        snprintf(mods + strlen(mods), sizeof mods - strlen(mods), "%s%s", j ? "," : "",
                 req->mods[j]);
    report_csv_text(&r, REPORT_CSV_TYPE, "regression");
    report_csv_text(&r, REPORT_CSV_NAME, mods);
    report_csv_num(&r, REPORT_CSV_K, (double)reg->k);
    report_csv_num(&r, REPORT_CSV_QM, f->QM);
    report_csv_num(&r, REPORT_CSV_QMDF, f->QM_df);
    report_csv_num(&r, REPORT_CSV_QMP, f->QM_p);
    report_csv_num(&r, REPORT_CSV_Q, f->QE);
    report_csv_num(&r, REPORT_CSV_QDF, f->QE_df);
    report_csv_num(&r, REPORT_CSV_QP, f->QE_p);
    report_csv_num(&r, REPORT_CSV_DF, f->df);
    report_csv_num(&r, REPORT_CSV_TAU2, f->tau2);
    report_csv_num(&r, REPORT_CSV_I2, f->I2);
    report_csv_num(&r, REPORT_CSV_H2, f->H2);
    report_csv_num(&r, REPORT_CSV_R2, f->R2);
    report_csv_emit(c, &r);
    for (size_t j = 0; j < f->p; j++) {
        const struct meta_metareg_coef *x = &f->coefficients[j];
        report_csv_text(&r, REPORT_CSV_TYPE, "coefficient");
        report_csv_text(&r, REPORT_CSV_NAME, x->name);
        report_csv_num(&r, REPORT_CSV_EST, x->estimate);
        report_csv_num(&r, REPORT_CSV_SE, x->se);
        report_csv_num(&r, REPORT_CSV_LO, x->ci_lower);
        report_csv_num(&r, REPORT_CSV_HI, x->ci_upper);
        report_csv_exp(&r, REPORT_CSV_EXP_EST, x->estimate, log_scale);
        report_csv_exp(&r, REPORT_CSV_EXP_LO, x->ci_lower, log_scale);
        report_csv_exp(&r, REPORT_CSV_EXP_HI, x->ci_upper, log_scale);
        report_csv_num(&r, REPORT_CSV_STAT, x->statistic);
        report_csv_num(&r, REPORT_CSV_DF, f->df);
        report_csv_num(&r, REPORT_CSV_P, x->p);
        report_csv_emit(c, &r);
    }
    for (size_t i = 0; i < reg->k; i++) {
        const struct meta_contrast_info *info = &an->contrasts.info[reg->index[i]];
        report_csv_text(&r, REPORT_CSV_TYPE, "regression_study");
        report_csv_text(&r, REPORT_CSV_TRIAL, info->trial);
        report_csv_num(&r, REPORT_CSV_YEAR, info->year);
        report_csv_num(&r, REPORT_CSV_EST, reg->yi[i]);
        report_csv_num(&r, REPORT_CSV_SE, sqrt(reg->vi[i]));
        report_csv_exp(&r, REPORT_CSV_EXP_EST, reg->yi[i], log_scale);
        report_csv_num(&r, REPORT_CSV_WEIGHT, reg->weight[i]);
        report_csv_emit(c, &r);
    }
    report_csv_excluded(c, "regression_excluded", NULL, reg->excluded, reg->n_excluded);
}

int meta_report_bias_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct report_csv c;
    report_csv_begin(&c, out, REPORT_CSV_COLUMNS);
    report_csv_excluded(&c, "excluded", NULL, an->contrasts.excluded, an->contrasts.n_excluded);
    if (an->have_bias)
        report_csv_bias(&c, an);
    return report_csv_end(&c, err);
}

int meta_report_regress_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct report_csv c;
    report_csv_begin(&c, out, REPORT_CSV_COLUMNS);
    report_csv_excluded(&c, "excluded", NULL, an->contrasts.excluded, an->contrasts.n_excluded);
    if (an->have_regression)
        report_csv_regression(&c, an);
    return report_csv_end(&c, err);
}
