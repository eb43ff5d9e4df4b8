/*
 * The table of a result (`meta pool`, a run's table file): the analysis as
 * RevMan and metafor show it. One row per
 * trial (its arms' data, or the participants of its estimate row; estimate
 * with CI, weight), the pooled row, the
 * prediction interval, heterogeneity and the test of the overall effect;
 * ratio measures back-transformed. Columns are sized to their contents
 * (counting UTF-8 characters, not bytes) so numbers line up.
 */
#include "report_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Numbers ------------------------------------------------------------- */

static double shown(const struct report_fmt *f, double v)
{
    return report_shown(f, v);
}

/* Arm data: counts as integers, means and SDs with `decimals` decimals. */
static void arm_value(char *buf, size_t size, double v, int count, int decimals)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else if (count && v == floor(v))
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.*f", decimals, v);
}

/* Whether v is written exactly with d decimals (as data usually are). */
static int exact_at(double v, int d)
{
    double scaled = v * pow(10.0, d);
    return fabs(scaled - nearbyint(scaled)) < 1e-6 * fmax(1.0, fabs(scaled));
}

/* The decimals means and SDs are shown with: as many as the trials' own
 * figures need (at most 3), so that arms combined from several show at the
 * same precision as the rest; 2 when every side is combined. */
static int arm_decimals_for(const struct meta_contrasts *c)
{
    int d = -1;
    for (size_t i = 0; i < c->k; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_arm_cont *sides[2] = {&s->tc, &s->cc};
        size_t arms[2] = {c->info[i].treatment_arms, c->info[i].control_arms};
        for (int j = 0; j < 2; j++) {
            if (s->binary || arms[j] != 1)
                continue;
            int need = 0;
            while (need < 3 && !(exact_at(sides[j]->mean, need) && exact_at(sides[j]->sd, need)))
                need++;
            if (need > d)
                d = need;
        }
    }
    return d < 0 ? 2 : d;
}

/* Decimals that show the pooled CI width with two significant digits. */
static int decimals_for(const struct meta_result *r, int log_scale)
{
    return report_decimals(log_scale ? exp(r->ci_lower) : r->ci_lower,
                           log_scale ? exp(r->ci_upper) : r->ci_upper);
}

/* ---- The main table --------------------------------------------------------- */

struct layout {
    int binary;
    int counts_only; /* the outcome holds estimates only: a side shows its participants */
    int mark;        /* trials of estimate rows are marked (the others have arms) */
    size_t ncols;
    size_t c_trial, c_t, c_c, c_est, c_lo, c_hi, c_w; /* first column of each group */
    size_t arm_cols;                                  /* columns per side: 3, 2, 1 or 0 */
};

/* Whether any trial of c is of an estimate row, and whether any gives its
 * participants. */
static void estimate_trials(const struct meta_contrasts *c, int *any, int *with_n)
{
    for (size_t i = 0; i < c->k; i++) {
        const struct meta_contrast_info *info = &c->info[i];
        if (info->source != META_SOURCE_ESTIMATE)
            continue;
        *any = 1;
        *with_n |= isfinite(info->n_treatment) || isfinite(info->n_control);
    }
}

/* The columns of an analysis: a binary outcome's events and totals, a
 * continuous one's N, mean and SD; an outcome of estimates only shows the
 * participants per side when some trial gives them, else no side columns. */
static struct layout layout_for(const struct meta_analysis *an)
{
    struct layout l;
    int any = 0, with_n = 0;
    estimate_trials(&an->contrasts, &any, &with_n);
    for (size_t g = 0; g < an->n_groups; g++)
        estimate_trials(&an->groups[g].contrasts, &any, &with_n);
    l.binary = an->kind == META_KIND_BINARY;
    l.counts_only = an->kind == META_KIND_TIME_TO_EVENT || an->kind == META_KIND_GENERIC;
    l.mark = any && !l.counts_only;
    l.arm_cols = l.binary ? 2 : !l.counts_only ? 3 : with_n ? 1 : 0;
    l.c_trial = 0;
    l.c_t = 1;
    l.c_c = l.c_t + l.arm_cols;
    l.c_est = l.c_c + l.arm_cols;
    l.c_lo = l.c_est + 1;
    l.c_hi = l.c_lo + 1;
    l.c_w = l.c_hi + 1;
    l.ncols = l.c_w + 1;
    return l;
}

static void header_rows(struct meta_text_table *t, const struct layout *l,
                        const struct meta_analysis_request *req, const struct meta_analysis *an)
{
    char tname[512], cname[512];
    report_side_title(tname, sizeof tname, req->treatments, req->n_treatments, "Treatment");
    report_side_title(cname, sizeof cname, req->controls, req->n_controls, "Control");
    struct meta_text_row *s = meta_text_table_row(t, META_TEXT_ROW_SPAN);
    if (s && l->arm_cols > 0) {
        meta_text_table_set(t, s, l->c_t, "%s", tname);
        s->span[l->c_t] = (int)l->arm_cols;
        meta_text_table_set(t, s, l->c_c, "%s", cname);
        s->span[l->c_c] = (int)l->arm_cols;
    }
    if (s) {
        meta_text_table_set(t, s, l->c_lo, "%g%% CI", an->opts.level);
        s->span[l->c_lo] = 2;
    }
    struct meta_text_row *h = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    meta_text_table_set(t, h, l->c_trial, "Trial");
    for (int side = 0; side < 2 && l->arm_cols > 0; side++) {
        size_t c0 = side ? l->c_c : l->c_t;
        if (l->counts_only) {
            meta_text_table_set(t, h, c0, "N");
        } else if (l->binary) {
            meta_text_table_set(t, h, c0, "Events");
            meta_text_table_set(t, h, c0 + 1, "Total");
        } else {
            meta_text_table_set(t, h, c0, "N");
            meta_text_table_set(t, h, c0 + 1, "Mean");
            meta_text_table_set(t, h, c0 + 2, "SD");
        }
    }
    meta_text_table_set(t, h, l->c_est, "%s", meta_measure_name(an->opts.measure));
    meta_text_table_set(t, h, l->c_w, "Weight");
    meta_text_table_row(t, META_TEXT_ROW_RULE);
}

static void arm_cells(struct meta_text_table *t, struct meta_text_row *r, const struct layout *l,
                      size_t c0, const struct meta_arm_cont *c, const struct meta_arm_bin *b,
                      int decimals)
{
    char v[64];
    if (l->arm_cols == 0)
        return;
    if (l->counts_only) {
        arm_value(v, sizeof v, c->n, 1, 0);
        meta_text_table_set(t, r, c0, "%s", v);
    } else if (l->binary) {
        arm_value(v, sizeof v, b->events, 1, 0);
        meta_text_table_set(t, r, c0, "%s", v);
        arm_value(v, sizeof v, b->total, 1, 0);
        meta_text_table_set(t, r, c0 + 1, "%s", v);
    } else {
        arm_value(v, sizeof v, c->n, 1, 0);
        meta_text_table_set(t, r, c0, "%s", v);
        arm_value(v, sizeof v, c->mean, 0, decimals);
        meta_text_table_set(t, r, c0 + 1, "%s", v);
        arm_value(v, sizeof v, c->sd, 0, decimals);
        meta_text_table_set(t, r, c0 + 2, "%s", v);
    }
}

/* The side cells of a trial of an estimate row: its participants where
 * given, nothing else. */
static void reported_cells(struct meta_text_table *t, struct meta_text_row *r,
                           const struct layout *l, size_t c0, double n)
{
    struct meta_arm_cont c = {n, NAN, NAN};
    struct meta_arm_bin b = {NAN, n};
    arm_cells(t, r, l, c0, &c, &b, 0);
}

/* Estimate and CI cells: "0.41", "[0.13,", "1.26]". */
static void estimate_cells(struct meta_text_table *t, struct meta_text_row *r,
                           const struct layout *l, const struct report_fmt *f, double est,
                           double lo, double hi)
{
    char a[64], b[64], c[64];
    report_num(a, sizeof a, shown(f, est), f->decimals);
    report_num(b, sizeof b, shown(f, lo), f->decimals);
    report_num(c, sizeof c, shown(f, hi), f->decimals);
    if (!isfinite(est)) {
        meta_text_table_set(t, r, l->c_est, "not estimable");
        return;
    }
    meta_text_table_set(t, r, l->c_est, "%s", a);
    meta_text_table_set(t, r, l->c_lo, "[%s,", b);
    meta_text_table_set(t, r, l->c_hi, "%s]", c);
}

/* Trial rows, the pooled row and the prediction interval of one analysis:
 * the whole one (g = NO_GROUP) or subgroup g of an, whose trials show the
 * weights meta_analysis_shown_weight() gives and whose total row the sum of
 * them. */
#define NO_GROUP ((size_t)-1)

static void study_rows(struct meta_text_table *t, const struct layout *l,
                       const struct report_fmt *f, const struct meta_contrasts *c,
                       const struct meta_result *res, const char *pooled_label,
                       const struct meta_analysis *an, size_t g)
{
    double total_weight = 0.0;
    struct meta_arm_bin tb = {0, 0}, cb = {0, 0};
    struct meta_arm_cont tc = {0, NAN, NAN}, cc = {0, NAN, NAN};
    int combined = 0, reported = 0;
    for (size_t i = 0; i < c->k; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_contrast_info *info = &c->info[i];
        const struct meta_study_result *sr = &res->studies[i];
        struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
        int multi = info->treatment_arms > 1 || info->control_arms > 1;
        int estimate = info->source == META_SOURCE_ESTIMATE;
        combined |= multi;
        reported |= estimate && l->mark;
        meta_text_table_set(t, r, l->c_trial, "%s%s", info->trial,
                            multi                 ? " *"
                            : estimate && l->mark ? " \xe2\x80\xa0" /* a dagger */
                                                  : "");
        double w = g == NO_GROUP ? sr->weight : meta_analysis_shown_weight(an, g, i);
        total_weight += w;
        meta_text_table_set(t, r, l->c_w, "%.1f%%", w);
        if (estimate) {
            reported_cells(t, r, l, l->c_t, info->n_treatment);
            reported_cells(t, r, l, l->c_c, info->n_control);
            /* the interval as reported, when it was given at this level */
            int given = isfinite(info->ci_lower) && isfinite(info->ci_upper);
            estimate_cells(t, r, l, f, sr->yi, given ? info->ci_lower : sr->ci_lower,
                           given ? info->ci_upper : sr->ci_upper);
            double *tn = l->binary ? &tb.total : &tc.n, *cn = l->binary ? &cb.total : &cc.n;
            *tn += isfinite(info->n_treatment) ? info->n_treatment : 0.0;
            *cn += isfinite(info->n_control) ? info->n_control : 0.0;
            continue;
        }
        arm_cells(t, r, l, l->c_t, &s->tc, &s->tb, f->arm_decimals);
        arm_cells(t, r, l, l->c_c, &s->cc, &s->cb, f->arm_decimals);
        estimate_cells(t, r, l, f, sr->yi, sr->ci_lower, sr->ci_upper);
        tb.events += s->tb.events;
        tb.total += s->tb.total;
        cb.events += s->cb.events;
        cb.total += s->cb.total;
        tc.n += s->tc.n;
        cc.n += s->cc.n;
    }
    meta_text_table_row(t, META_TEXT_ROW_RULE);
    struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    meta_text_table_set(t, r, l->c_trial, "%s", pooled_label);
    arm_cells(t, r, l, l->c_t, &tc, &tb, f->arm_decimals);
    arm_cells(t, r, l, l->c_c, &cc, &cb, f->arm_decimals);
    if (!l->binary && l->arm_cols > 0) {
        for (size_t j = 1; j < l->arm_cols; j++) {
            meta_text_table_set(t, r, l->c_t + j, "%s", "");
            meta_text_table_set(t, r, l->c_c + j, "%s", "");
        }
    }
    estimate_cells(t, r, l, f, res->estimate, res->ci_lower, res->ci_upper);
    if (g != NO_GROUP && an->subgroups_in_total)
        meta_text_table_set(t, r, l->c_w, "%.1f%%", total_weight);
    else
        meta_text_table_set(t, r, l->c_w, "100.0%%");
    if (isfinite(res->pi_lower)) {
        char b[64], c2[64];
        report_num(b, sizeof b, shown(f, res->pi_lower), f->decimals);
        report_num(c2, sizeof c2, shown(f, res->pi_upper), f->decimals);
        r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
        meta_text_table_set(t, r, l->c_trial, "Prediction interval");
        meta_text_table_set(t, r, l->c_lo, "[%s,", b);
        meta_text_table_set(t, r, l->c_hi, "%s]", c2);
    }
    if (combined)
        meta_text_table_text(t, "* arms combined: %s",
                             l->binary ? "events and totals summed"
                                       : "Cochrane Handbook formula (table 6.5.a)");
    if (reported)
        meta_text_table_text(t, "\xe2\x80\xa0 study-level estimate as reported (no arm data)");
}

/* Heterogeneity and the test of the overall effect, as text lines. */
static void summary_lines(struct meta_text_table *t, const struct meta_result *r,
                          const char *indent)
{
    char p[64];
    if (r->k_estimable == 0) {
        meta_text_table_text(t, "%sNot estimable: no trial has an estimate", indent);
        return;
    }
    report_pclause(p, sizeof p, r->Q_p);
    if (r->model == META_MODEL_RANDOM) {
        char lo[32], hi[32], ci[80] = "";
        report_num(lo, sizeof lo, r->tau2_ci_lower, 4);
        report_num(hi, sizeof hi, r->tau2_ci_upper, 4);
        /* RevMan reports no interval, nor does R meta around the MH estimate */
        if (r->convention == META_CONVENTION_METAFOR || isfinite(r->tau2_ci_lower))
            snprintf(ci, sizeof ci, " [%s, %s]", lo, hi);
        meta_text_table_text(
            t, "%sHeterogeneity: tau^2 = %.4f%s; tau = %.4f; I^2 = %.1f%%; H^2 = %.2f", indent,
            r->tau2, ci, r->tau, r->I2, r->H2);
        meta_text_table_text(t, "%s               Q = %.2f, df = %d, %s", indent, r->Q, r->Q_df, p);
    } else {
        meta_text_table_text(t, "%sHeterogeneity: I^2 = %.1f%%; H^2 = %.2f; Q = %.2f, df = %d, %s",
                             indent, r->I2, r->H2, r->Q, r->Q_df, p);
    }
    report_pclause(p, sizeof p, r->p);
    if (isfinite(r->df))
        meta_text_table_text(t, "%sTest for overall effect: t(%g) = %.2f, %s", indent, r->df,
                             r->statistic, p);
    else
        meta_text_table_text(t, "%sTest for overall effect: z = %.2f, %s", indent, r->statistic, p);
}

/* The test for subgroup differences, as RevMan prints it under revman5. */
static void subgroup_test_line(struct meta_text_table *t, const struct meta_analysis *an)
{
    if (!an->have_test) {
        meta_text_table_text(t, "Test for subgroup differences: needs two subgroups with trials");
        return;
    }
    char p[64];
    report_pclause(p, sizeof p, an->test.p);
    char i2[32] = "";
    if (an->opts.convention != META_CONVENTION_METAFOR) /* RevMan prints it */
        snprintf(i2, sizeof i2, "; I^2 = %.1f%%", an->test.I2);
    meta_text_table_text(t, "Test for subgroup differences: Q = %.2f, df = %d, %s%s", an->test.Q,
                         an->test.df, p, i2);
}

/* The end of a table with subgroup totals only: no overall total, what the
 * weights are, the test between the subgroups and the trials left out. */
static void subgroups_only_lines(struct meta_text_table *t, const struct meta_analysis *an)
{
    meta_text_table_row(t, META_TEXT_ROW_RULE);
    meta_text_table_text(t, "Subgroup totals only: no overall total; each trial's weight is "
                            "within its subgroup");
    meta_text_table_text(t, "%s", "");
    subgroup_test_line(t, an);
    if (an->contrasts.n_excluded) {
        meta_text_table_text(t, "%s", "");
        report_excluded_lines(t, an->contrasts.excluded, an->contrasts.n_excluded, "");
    }
}

static void main_table(struct meta_text_table *t, const struct meta_analysis_request *req,
                       const struct meta_analysis *an, const struct report_fmt *f)
{
    struct layout l = layout_for(an);
    meta_text_table_init(t, l.ncols);
    for (size_t c = 1; c < l.ncols; c++)
        t->right[c] = 1;
    t->gap[l.c_hi] = 1;
    const struct meta_options *o = &an->opts;
    report_table_heading(t, an);
    meta_text_table_text(t, "%s", "");
    header_rows(t, &l, req, an);
    char label[128];
    if (req->by) {
        for (size_t g = 0; g < an->n_groups; g++) {
            const struct meta_subgroup *sg = &an->groups[g];
            meta_text_table_text(t, "%s = %s", req->by, sg->value ? sg->value : "(missing)");
            if (sg->pooled) {
                snprintf(label, sizeof label, "Subtotal (k = %zu)", meta_report_k(&sg->result));
                study_rows(t, &l, f, &sg->contrasts, &sg->result, label, an, g);
                summary_lines(t, &sg->result, "  ");
            } else {
                meta_text_table_text(t, "  no trial to pool");
            }
            report_excluded_lines(t, sg->contrasts.excluded, sg->contrasts.n_excluded, "  ");
            meta_text_table_text(t, "%s", "");
        }
        if (an->subgroup_totals_only) {
            subgroups_only_lines(t, an);
            return;
        }
        meta_text_table_row(t, META_TEXT_ROW_RULE);
        struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
        meta_text_table_set(t, r, l.c_trial, "Overall, %s (k = %zu)", report_model_label(o),
                            meta_report_k(&an->overall));
        estimate_cells(t, r, &l, f, an->overall.estimate, an->overall.ci_lower,
                       an->overall.ci_upper);
        if (isfinite(an->overall.pi_lower)) {
            char b[64], c2[64];
            report_num(b, sizeof b, shown(f, an->overall.pi_lower), f->decimals);
            report_num(c2, sizeof c2, shown(f, an->overall.pi_upper), f->decimals);
            r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
            meta_text_table_set(t, r, l.c_trial, "Prediction interval");
            meta_text_table_set(t, r, l.c_lo, "[%s,", b);
            meta_text_table_set(t, r, l.c_hi, "%s]", c2);
        }
    } else {
        snprintf(label, sizeof label, "Total, %s (k = %zu)", report_model_label(o),
                 meta_report_k(&an->overall));
        study_rows(t, &l, f, &an->contrasts, &an->overall, label, an, NO_GROUP);
    }
    meta_text_table_text(t, "%s", "");
    summary_lines(t, &an->overall, "");
    if (req->by)
        subgroup_test_line(t, an);
    if (f->log_scale) {
        char e[32], s[32], lo[32], hi[32];
        report_num(e, sizeof e, an->overall.estimate, 4);
        report_num(s, sizeof s, an->overall.se, 4);
        report_num(lo, sizeof lo, an->overall.ci_lower, 4);
        report_num(hi, sizeof hi, an->overall.ci_upper, 4);
        meta_text_table_text(
            t, "Log scale: %s%s = %s (SE %s) [%s, %s]; --format json has every figure",
            o->measure == META_GIV ? "" : "log ", meta_measure_name(o->measure), e, s, lo, hi);
    }
    if (an->contrasts.n_excluded) {
        meta_text_table_text(t, "%s", "");
        report_excluded_lines(t, an->contrasts.excluded, an->contrasts.n_excluded, "");
    }
}

/* ---- Leave-one-out and cumulative ------------------------------------------ */

static void steps_table(struct meta_text_table *t, const struct meta_analysis *an,
                        const struct report_fmt *f, const struct meta_result *steps, size_t count,
                        const size_t *order, const char *title)
{
    int random = an->opts.model == META_MODEL_RANDOM;
    int cum = order != NULL;
    /* Columns: trial, [year, k,] estimate, [lo, hi], p, [tau2,] I2 */
    size_t c = 0, c_trial = c++, c_year = cum ? c++ : 0, c_k = cum ? c++ : 0, c_est = c++,
           c_lo = c++, c_hi = c++, c_p = c++, c_tau2 = random ? c++ : 0, c_i2 = c++;
    meta_text_table_init(t, c);
    for (size_t j = 1; j < c; j++)
        t->right[j] = 1;
    t->gap[c_hi] = 1;
    meta_text_table_text(t, "%s", "");
    meta_text_table_text(t, "%s", title);
    struct meta_text_row *s = meta_text_table_row(t, META_TEXT_ROW_SPAN);
    if (s) {
        meta_text_table_set(t, s, c_lo, "%g%% CI", an->opts.level);
        s->span[c_lo] = 2;
    }
    struct meta_text_row *h = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    meta_text_table_set(t, h, c_trial, cum ? "Added trial" : "Omitted trial");
    if (cum) {
        meta_text_table_set(t, h, c_year, "Year");
        meta_text_table_set(t, h, c_k, "k");
    }
    meta_text_table_set(t, h, c_est, "%s", meta_measure_name(an->opts.measure));
    meta_text_table_set(t, h, c_p, "p");
    if (random)
        meta_text_table_set(t, h, c_tau2, "tau^2");
    meta_text_table_set(t, h, c_i2, "I^2");
    meta_text_table_row(t, META_TEXT_ROW_RULE);
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        const struct meta_result *x = &steps[i];
        struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
        char a[64], b[64], d[64];
        meta_text_table_set(t, r, c_trial, "%s", an->contrasts.info[idx].trial);
        if (cum) {
            double y = an->contrasts.info[idx].year;
            if (isfinite(y))
                meta_text_table_set(t, r, c_year, "%g", y);
            meta_text_table_set(t, r, c_k, "%zu", meta_report_k(x));
        }
        report_num(a, sizeof a, shown(f, x->estimate), f->decimals);
        report_num(b, sizeof b, shown(f, x->ci_lower), f->decimals);
        report_num(d, sizeof d, shown(f, x->ci_upper), f->decimals);
        meta_text_table_set(t, r, c_est, "%s", a);
        meta_text_table_set(t, r, c_lo, "[%s,", b);
        meta_text_table_set(t, r, c_hi, "%s]", d);
        report_pvalue(a, sizeof a, x->p);
        meta_text_table_set(t, r, c_p, "%s", a);
        if (random) {
            report_num(a, sizeof a, x->tau2, 4);
            meta_text_table_set(t, r, c_tau2, "%s", a);
        }
        if (isfinite(x->I2))
            meta_text_table_set(t, r, c_i2, "%.1f%%", x->I2);
        else
            meta_text_table_set(t, r, c_i2, "-");
    }
}

int meta_report_table(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    struct report_fmt f = {an->opts.measure, an->log_scale,
                           decimals_for(&an->overall, an->log_scale),
                           arm_decimals_for(&an->contrasts)};
    struct meta_text_table t;
    int oom = 0;
    main_table(&t, req, an, &f);
    if (!(oom |= t.oom))
        meta_text_table_print(out, &t);
    meta_text_table_release(&t);
    if (!oom && an->n_loo) {
        steps_table(&t, an, &f, an->loo, an->n_loo, NULL,
                    "Leave-one-out: each trial omitted in turn");
        if (!(oom |= t.oom))
            meta_text_table_print(out, &t);
        meta_text_table_release(&t);
    }
    if (!oom && an->n_cum) {
        int any_year = 0;
        for (size_t i = 0; i < an->contrasts.k; i++)
            any_year |= isfinite(an->contrasts.info[i].year);
        steps_table(&t, an, &f, an->cum, an->n_cum, an->cum_order,
                    any_year ? "Cumulative: trials added by year"
                             : "Cumulative: trials added in the order loaded");
        if (!(oom |= t.oom))
            meta_text_table_print(out, &t);
        meta_text_table_release(&t);
    }
    if (!oom && an->have_influence)
        oom = report_table_influence(out, an) != 0;
    if (!oom && an->have_bias)
        oom = report_table_bias(out, an) != 0;
    if (!oom && an->have_regression)
        oom = report_table_regression(out, an) != 0;
    if (oom)
        return meta_error_set(err, META_ENOMEM, "out of memory writing the table");
    if (ferror(out))
        return meta_error_set(err, META_EIO, "cannot write the output");
    return META_OK;
}
