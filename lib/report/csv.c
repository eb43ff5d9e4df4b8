/*
 * The CSV of a result (`meta pool --format csv`, a run's csv file): one header and one row per
 * trial, per pooled result and per trial left out, for scripts. The columns are the same whatever
 * the outcome and options, so that outputs can be stacked; a `type` column says what a row is
 * (study, pooled, excluded; subgroup_study, subgroup_pooled, subgroup_excluded, subgroup_test;
 * leave_one_out; cumulative). Numbers are in full precision on the analysis scale, with exp_* for
 * ratio measures (and GIV on the log scale). A study of an estimate row has no arm data: its
 * participants, when given, fill the n (or, for a binary outcome, total) columns.
 */
#include "meta_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {
    "type",
    "subgroup",
    "trial",
    "year",
    "k",
    "treatment_n",
    "treatment_mean",
    "treatment_sd",
    "treatment_events",
    "treatment_total",
    "control_n",
    "control_mean",
    "control_sd",
    "control_events",
    "control_total",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "exp_estimate",
    "exp_ci_lower",
    "exp_ci_upper",
    "weight",
    "statistic",
    "df",
    "p",
    "tau2",
    "tau2_ci_lower",
    "tau2_ci_upper",
    "tau",
    "I2",
    "H2",
    "Q",
    "Q_df",
    "Q_p",
    "pi_lower",
    "pi_upper",
    "exp_pi_lower",
    "exp_pi_upper",
    "reason",
};

enum {
    C_TYPE,
    C_SUBGROUP,
    C_TRIAL,
    C_YEAR,
    C_K,
    C_TN,
    C_TMEAN,
    C_TSD,
    C_TEVENTS,
    C_TTOTAL,
    C_CN,
    C_CMEAN,
    C_CSD,
    C_CEVENTS,
    C_CTOTAL,
    C_EST,
    C_SE,
    C_LO,
    C_HI,
    C_EXP_EST,
    C_EXP_LO,
    C_EXP_HI,
    C_WEIGHT,
    C_STAT,
    C_DF,
    C_P,
    C_TAU2,
    C_TAU2_LO,
    C_TAU2_HI,
    C_TAU,
    C_I2,
    C_H2,
    C_Q,
    C_QDF,
    C_QP,
    C_PI_LO,
    C_PI_HI,
    C_EXP_PI_LO,
    C_EXP_PI_HI,
    C_REASON,
    NCOLS
};

/* One row under construction: cells are owned copies. */
struct row {
    char *cell[NCOLS];
    int oom;
};

static void set_text(struct row *r, int col, const char *text)
{
    free(r->cell[col]);
    r->cell[col] = NULL;
    if (text && !(r->cell[col] = strdup(text)))
        r->oom = 1;
}

static void set_num(struct row *r, int col, double v)
{
    char buf[40];
    meta_format_double(buf, sizeof buf, v);
    set_text(r, col, buf);
}

/* An exp_* cell: the back-transformed value when the analysis is on the log
 * scale, else empty. */
static void set_exp(struct row *r, int col, double v, int log_scale)
{
    if (log_scale)
        set_num(r, col, exp(v));
}

/* Writes the row and empties it; returns 0, or -1 when out of memory. */
static int emit(FILE *out, struct row *r)
{
    int oom = r->oom;
    for (int c = 0; c < NCOLS; c++) {
        if (c)
            fputc(',', out);
        if (!oom)
            meta_csv_field(out, r->cell[c]);
        free(r->cell[c]);
        r->cell[c] = NULL;
    }
    fputc('\n', out);
    r->oom = 0;
    return oom ? -1 : 0;
}

static void result_cells(struct row *r, const struct meta_result *x, int log_scale)
{
    set_num(r, C_K, (double)meta_report_k(x));
    set_num(r, C_EST, x->estimate);
    set_num(r, C_SE, x->se);
    set_num(r, C_LO, x->ci_lower);
    set_num(r, C_HI, x->ci_upper);
    set_exp(r, C_EXP_EST, x->estimate, log_scale);
    set_exp(r, C_EXP_LO, x->ci_lower, log_scale);
    set_exp(r, C_EXP_HI, x->ci_upper, log_scale);
    set_num(r, C_STAT, x->statistic);
    set_num(r, C_DF, x->df);
    set_num(r, C_P, x->p);
    set_num(r, C_TAU2, x->tau2);
    set_num(r, C_TAU2_LO, x->tau2_ci_lower);
    set_num(r, C_TAU2_HI, x->tau2_ci_upper);
    set_num(r, C_TAU, x->tau);
    set_num(r, C_I2, x->I2);
    set_num(r, C_H2, x->H2);
    set_num(r, C_Q, x->Q);
    set_num(r, C_QDF, x->Q_df);
    set_num(r, C_QP, x->Q_p);
    set_num(r, C_PI_LO, x->pi_lower);
    set_num(r, C_PI_HI, x->pi_upper);
    set_exp(r, C_EXP_PI_LO, x->pi_lower, log_scale);
    set_exp(r, C_EXP_PI_HI, x->pi_upper, log_scale);
}

/* The study rows, the pooled row and the excluded rows of one analysis. */
static int write_block(FILE *out, const char *prefix, const char *subgroup,
                       const struct meta_contrasts *c, const struct meta_result *res, int pooled,
                       int log_scale, const struct meta_analysis *an)
{
    struct row r = {{0}, 0};
    char type[32];
    int bad = 0;
    for (size_t i = 0; i < c->k && pooled; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_study_result *sr = &res->studies[i];
        snprintf(type, sizeof type, "%sstudy", prefix);
        set_text(&r, C_TYPE, type);
        const struct meta_subgroup *sg = an ? meta_analysis_subgroup_of(an, i) : NULL;
        set_text(&r, C_SUBGROUP, sg ? sg->value : subgroup);
        set_text(&r, C_TRIAL, c->info[i].trial);
        set_num(&r, C_YEAR, c->info[i].year);
        const struct meta_contrast_info *info = &c->info[i];
        if (info->source == META_SOURCE_ESTIMATE) {
            set_num(&r, s->binary ? C_TTOTAL : C_TN, info->n_treatment);
            set_num(&r, s->binary ? C_CTOTAL : C_CN, info->n_control);
        } else if (s->binary) {
            set_num(&r, C_TEVENTS, s->tb.events);
            set_num(&r, C_TTOTAL, s->tb.total);
            set_num(&r, C_CEVENTS, s->cb.events);
            set_num(&r, C_CTOTAL, s->cb.total);
        } else {
            set_num(&r, C_TN, s->tc.n);
            set_num(&r, C_TMEAN, s->tc.mean);
            set_num(&r, C_TSD, s->tc.sd);
            set_num(&r, C_CN, s->cc.n);
            set_num(&r, C_CMEAN, s->cc.mean);
            set_num(&r, C_CSD, s->cc.sd);
        }
        set_num(&r, C_EST, sr->yi);
        set_num(&r, C_SE, sqrt(sr->vi));
        set_num(&r, C_LO, sr->ci_lower);
        set_num(&r, C_HI, sr->ci_upper);
        set_exp(&r, C_EXP_EST, sr->yi, log_scale);
        set_exp(&r, C_EXP_LO, sr->ci_lower, log_scale);
        set_exp(&r, C_EXP_HI, sr->ci_upper, log_scale);
        set_num(&r, C_WEIGHT, sr->weight);
        bad |= emit(out, &r);
    }
    snprintf(type, sizeof type, "%spooled", prefix);
    set_text(&r, C_TYPE, type);
    set_text(&r, C_SUBGROUP, subgroup);
    if (pooled)
        result_cells(&r, res, log_scale);
    else
        set_num(&r, C_K, 0);
    bad |= emit(out, &r);
    for (size_t i = 0; i < c->n_excluded; i++) {
        snprintf(type, sizeof type, "%sexcluded", prefix);
        set_text(&r, C_TYPE, type);
        set_text(&r, C_SUBGROUP, subgroup);
        set_text(&r, C_TRIAL, c->excluded[i].trial);
        set_text(&r, C_REASON, c->excluded[i].reason);
        bad |= emit(out, &r);
    }
    return bad;
}

static int write_steps(FILE *out, const struct meta_analysis *an, const struct meta_result *steps,
                       size_t count, const size_t *order, const char *type)
{
    struct row r = {{0}, 0};
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        set_text(&r, C_TYPE, type);
        set_text(&r, C_TRIAL, an->contrasts.info[idx].trial);
        set_num(&r, C_YEAR, an->contrasts.info[idx].year);
        result_cells(&r, &steps[i], an->log_scale);
        bad |= emit(out, &r);
    }
    return bad;
}

int meta_report_csv(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    int log_scale = an->log_scale;
    for (int c = 0; c < NCOLS; c++)
        fprintf(out, "%s%s", c ? "," : "", columns[c]);
    fputc('\n', out);
    int bad = write_block(out, "", NULL, &an->contrasts, &an->overall, 1, log_scale, an);
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        bad |= write_block(out, "subgroup_", sg->value, &sg->contrasts, &sg->result, sg->pooled,
                           log_scale, NULL);
    }
    if (req->by && an->have_test) {
        struct row r = {{0}, 0};
        set_text(&r, C_TYPE, "subgroup_test");
        set_num(&r, C_Q, an->test.Q);
        set_num(&r, C_QDF, an->test.df);
        set_num(&r, C_QP, an->test.p);
        bad |= emit(out, &r);
    }
    bad |= write_steps(out, an, an->loo, an->n_loo, NULL, "leave_one_out");
    bad |= write_steps(out, an, an->cum, an->n_cum, an->cum_order, "cumulative");
    if (bad)
        return meta_error_set(err, META_ENOMEM, "out of memory writing the csv output");
    if (ferror(out))
        return meta_error_set(err, META_EIO, "cannot write the output");
    return META_OK;
}
