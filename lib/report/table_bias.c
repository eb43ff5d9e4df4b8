/*
 * The tables of the analyses beside pooling (`meta bias`, `meta regress`,
 * `meta pool --influence`, and the table file of an analysis that asks for
 * them): the small-study tests with trim-and-fill, the influence
 * diagnostics as metafor prints them, and the meta-regression with its
 * tests. Effects on the log scale (ratio measures, GIV given on the log
 * scale) are back-transformed where the pooled table shows them so;
 * coefficients stay on the analysis scale, as metafor reports them, and the
 * table says so.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Prints t to out and releases it; -1 when it ran out of memory. */
static int print_table(FILE *out, struct meta_text_table *t)
{
    int oom = t->oom;
    if (!oom)
        meta_text_table_print(out, t);
    meta_text_table_release(t);
    return oom ? -1 : 0;
}

/* Right-aligns every column but the first. */
static void align(struct meta_text_table *t)
{
    for (size_t c = 1; c < t->ncols; c++)
        t->right[c] = 1;
}

/* ---- Influence ------------------------------------------------------------------ */

int report_table_influence(FILE *out, const struct meta_analysis *an)
{
    static const char *const heads[] = {"Trial",    "rstudent", "dffits", "cook.d", "cov.r",
                                        "tau2.del", "QE.del",   "hat",    "weight", "inf"};
    const struct meta_analysis_influence *inf = &an->influence;
    struct meta_text_table t;
    meta_text_table_init(&t, 10);
    align(&t);
    meta_text_table_text(&t, "%s", "");
    meta_text_table_text(&t, "Influence diagnostics: each trial left out in turn (k = %zu)",
                         inf->k);
    struct meta_text_row *h = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
    for (size_t c = 0; c < 10; c++)
        meta_text_table_set(&t, h, c, "%s", heads[c]);
    meta_text_table_row(&t, META_TEXT_ROW_RULE);
    int any = 0;
    for (size_t i = 0; i < inf->k; i++) {
        const struct meta_influence *x = &inf->row[i];
        const double v[8] = {x->rstudent, x->dffits, x->cook_d, x->cov_r,
                             x->tau2_del, x->QE_del, x->hat,    x->weight};
        struct meta_text_row *r = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
        meta_text_table_set(&t, r, 0, "%s", an->contrasts.info[inf->index[i]].trial);
        for (size_t c = 0; c < 8; c++) {
            char cell[64];
            report_num(cell, sizeof cell, v[c], c == 7 ? 2 : 4);
            meta_text_table_set(&t, r, c + 1, "%s%s", cell, c == 7 && isfinite(v[c]) ? "%" : "");
        }
        meta_text_table_set(&t, r, 9, "%s", x->influential ? "*" : "");
        any |= x->influential;
    }
    if (any)
        meta_text_table_text(&t, "* influential by metafor's rule: |dffits| > 3 sqrt(p / (k - p)), "
                                 "P(chi^2_p <= cook.d) > 0.5, hat > 3 p / k, or a |dfbetas| > 1");
    return print_table(out, &t);
}

/* ---- Small-study tests and trim-and-fill ---------------------------------------- */

enum { T_TEST, T_COEF, T_SE, T_STAT, T_P, T_LIMIT, T_LO, T_HI, T_COLS };

static void regtest_row(struct meta_text_table *t, const char *label, const struct meta_regtest *x,
                        const struct report_fmt *f)
{
    char a[64], b[64], c[64];
    struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    meta_text_table_set(t, r, T_TEST, "%s", label);
    report_num(a, sizeof a, x->coefficient, 4);
    meta_text_table_set(t, r, T_COEF, "%s", a);
    report_num(a, sizeof a, x->se, 4);
    meta_text_table_set(t, r, T_SE, "%s", a);
    report_num(a, sizeof a, x->statistic, 2);
    if (isfinite(x->df))
        meta_text_table_set(t, r, T_STAT, "t(%g) = %s", x->df, a);
    else
        meta_text_table_set(t, r, T_STAT, "z = %s", a);
    report_pvalue(a, sizeof a, x->p);
    meta_text_table_set(t, r, T_P, "%s", a);
    report_num(a, sizeof a, report_shown(f, x->limit_estimate), f->decimals);
    report_num(b, sizeof b, report_shown(f, x->limit_ci_lower), f->decimals);
    report_num(c, sizeof c, report_shown(f, x->limit_ci_upper), f->decimals);
    meta_text_table_set(t, r, T_LIMIT, "%s", a);
    meta_text_table_set(t, r, T_LO, "[%s,", b);
    meta_text_table_set(t, r, T_HI, "%s]", c);
}

static void tests_rows(struct meta_text_table *t, const struct meta_analysis *an,
                       const struct report_fmt *f)
{
    const struct meta_analysis_bias *b = &an->bias;
    struct meta_text_row *s = meta_text_table_row(t, META_TEXT_ROW_SPAN);
    if (s) {
        meta_text_table_set(t, s, T_LO, "%g%% CI", an->opts.level);
        s->span[T_LO] = 2;
    }
    static const char *const heads[] = {"Test", "Slope on SE", "SE", "Statistic", "p"};
    struct meta_text_row *h = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    for (size_t c = 0; c < 5; c++)
        meta_text_table_set(t, h, c, "%s", heads[c]);
    meta_text_table_set(t, h, T_LIMIT, "Limit %s", meta_measure_name(f->measure));
    meta_text_table_row(t, META_TEXT_ROW_RULE);
    regtest_row(t, "Egger's regression test", &b->egger, f);
    char label[128];
    if (an->opts.method == META_METHOD_MH || an->opts.method == META_METHOD_PETO)
        snprintf(label, sizeof label, "Regression test (common effect)");
    else
        snprintf(label, sizeof label, "Regression test (%s, %s)", report_model_label(&an->opts),
                 meta_method_name(an->opts.method));
    regtest_row(t, label, &b->regtest, f);
    struct meta_text_row *r = meta_text_table_row(t, META_TEXT_ROW_CELLS);
    char a[64];
    meta_text_table_set(t, r, T_TEST, "Rank correlation test (Begg)");
    report_num(a, sizeof a, b->begg.tau, 4);
    meta_text_table_set(t, r, T_STAT, "tau = %s", a);
    report_pvalue(a, sizeof a, b->begg.p);
    meta_text_table_set(t, r, T_P, "%s", a);
    meta_text_table_text(t, "Egger's test: weighted regression of the effects on their standard "
                            "errors (metafor's regtest(model = \"lm\"))");
    meta_text_table_text(t, "Regression test: the standard error as a moderator in the analysis's "
                            "model (regtest())");
    meta_text_table_text(t, "Begg's test: Kendall's tau of the standardised effects and their "
                            "variances (ranktest())");
    meta_text_table_text(t, "Limit: the effect of a trial whose standard error is 0 (the "
                            "regression's intercept)");
}

/* The observed and the filled-in analysis, and the filled trials. */
static void trimfill_lines(struct meta_text_table *t, const struct meta_analysis *an,
                           const struct report_fmt *f)
{
    const struct meta_trimfill *tf = &an->bias.trimfill;
    const struct meta_result *o = &an->overall;
    meta_text_table_text(t, "%s", "");
    meta_text_table_text(t, "Trim-and-fill (estimator %s): %zu trial%s estimated missing on the %s",
                         meta_tf_estimator_name(tf->estimator), tf->k0, tf->k0 == 1 ? "" : "s",
                         meta_tf_side_name(tf->side));
    struct {
        const char *label;
        size_t k;
        double est, lo, hi, tau2;
    } rows[2] = {
        {"Observed", an->bias.k, o->estimate, o->ci_lower, o->ci_upper, o->tau2},
        {"Filled in", an->bias.k + tf->k0, tf->estimate, tf->ci_lower, tf->ci_upper, tf->tau2}};
    for (int i = 0; i < (tf->k0 ? 2 : 1); i++) {
        char e[64], lo[64], hi[64], tau2[64] = "";
        report_num(e, sizeof e, report_shown(f, rows[i].est), f->decimals);
        report_num(lo, sizeof lo, report_shown(f, rows[i].lo), f->decimals);
        report_num(hi, sizeof hi, report_shown(f, rows[i].hi), f->decimals);
        if (an->opts.model == META_MODEL_RANDOM) {
            char v[32];
            report_num(v, sizeof v, rows[i].tau2, 4);
            snprintf(tau2, sizeof tau2, "; tau^2 = %s", v);
        }
        meta_text_table_text(t, "  %-9s (k = %zu): %s %s [%s, %s]%s", rows[i].label, rows[i].k,
                             meta_measure_name(f->measure), e, lo, hi, tau2);
    }
    if (tf->k0 == 0)
        return;
    char list[1024];
    size_t used = 0;
    size_t shown_n = tf->k0 < 20 ? tf->k0 : 20;
    for (size_t i = 0; i < shown_n && used < sizeof list; i++) {
        char v[32];
        report_num(v, sizeof v, report_shown(f, tf->filled[i].yi), f->decimals);
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", v);
        used += w > 0 ? (size_t)w : 0;
    }
    if (tf->k0 > shown_n && used < sizeof list)
        snprintf(list + used, sizeof list - used, " and %zu more (--format json has all)",
                 tf->k0 - shown_n);
    meta_text_table_text(t, "  Filled trials (%s): %s", meta_measure_name(f->measure), list);
}

int report_table_bias(FILE *out, const struct meta_analysis *an)
{
    const struct meta_analysis_bias *b = &an->bias;
    struct report_fmt f = {an->opts.measure, an->log_scale, 0, 2};
    f.decimals = report_decimals(report_shown(&f, an->overall.ci_lower),
                                 report_shown(&f, an->overall.ci_upper));
    struct meta_text_table t;
    meta_text_table_init(&t, T_COLS);
    align(&t);
    t.gap[T_HI] = 1;
    meta_text_table_text(&t, "%s", "");
    meta_text_table_text(&t, "Small-study effects (k = %zu)", b->k);
    if (b->have_tests)
        tests_rows(&t, an, &f);
    if (b->have_trimfill)
        trimfill_lines(&t, an, &f);
    const char *notes[REPORT_BIAS_NOTES];
    size_t n = report_bias_notes(an, notes);
    for (size_t i = 0; i < n; i++)
        meta_text_table_text(&t, "Note: %s", notes[i]);
    return print_table(out, &t);
}

/* ---- Meta-regression ------------------------------------------------------------ */

enum { R_NAME, R_EST, R_SE, R_STAT, R_P, R_LO, R_HI, R_COLS };

int report_table_regression(FILE *out, const struct meta_analysis *an)
{
    const struct meta_analysis_regression *reg = &an->regression;
    const struct meta_metareg *fit = &reg->fit;
    const struct meta_options *o = &an->opts;
    int hksj = isfinite(fit->df);
    struct meta_text_table t;
    meta_text_table_init(&t, R_COLS);
    align(&t);
    t.gap[R_HI] = 1;
    char mods[512] = "";
    for (size_t j = 0; j < an->req->n_mods; j++)
        snprintf(mods + strlen(mods), sizeof mods - strlen(mods), "%s%s", j ? ", " : "",
                 an->req->mods[j]);
    meta_text_table_text(&t, "%s", "");
    meta_text_table_text(&t, "Meta-regression on %s (k = %zu; %s, %s; %s tests)", mods, reg->k,
                         report_model_label(o), meta_method_name(o->method),
                         hksj ? "Knapp-Hartung t" : "z");
    struct meta_text_row *s = meta_text_table_row(&t, META_TEXT_ROW_SPAN);
    if (s) {
        meta_text_table_set(&t, s, R_LO, "%g%% CI", o->level);
        s->span[R_LO] = 2;
    }
    struct meta_text_row *h = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
    meta_text_table_set(&t, h, R_NAME, "Coefficient");
    meta_text_table_set(&t, h, R_EST, "Estimate");
    meta_text_table_set(&t, h, R_SE, "SE");
    meta_text_table_set(&t, h, R_STAT, "%s", hksj ? "t" : "z");
    meta_text_table_set(&t, h, R_P, "p");
    meta_text_table_row(&t, META_TEXT_ROW_RULE);
    for (size_t j = 0; j < fit->p; j++) {
        const struct meta_metareg_coef *c = &fit->coefficients[j];
        struct meta_text_row *r = meta_text_table_row(&t, META_TEXT_ROW_CELLS);
        char a[64];
        meta_text_table_set(&t, r, R_NAME, "%s", c->name);
        report_num(a, sizeof a, c->estimate, 4);
        meta_text_table_set(&t, r, R_EST, "%s", a);
        report_num(a, sizeof a, c->se, 4);
        meta_text_table_set(&t, r, R_SE, "%s", a);
        report_num(a, sizeof a, c->statistic, 2);
        meta_text_table_set(&t, r, R_STAT, "%s", a);
        report_pvalue(a, sizeof a, c->p);
        meta_text_table_set(&t, r, R_P, "%s", a);
        report_num(a, sizeof a, c->ci_lower, 4);
        meta_text_table_set(&t, r, R_LO, "[%s,", a);
        report_num(a, sizeof a, c->ci_upper, 4);
        meta_text_table_set(&t, r, R_HI, "%s]", a);
    }
    char p[64], which[64];
    report_pclause(p, sizeof p, fit->QM_p);
    if (fit->p == 2)
        snprintf(which, sizeof which, "coefficient 2");
    else
        snprintf(which, sizeof which, "coefficients 2 to %zu", fit->p);
    if (hksj)
        meta_text_table_text(&t, "Test of moderators (%s): F(%d, %g) = %.2f, %s", which, fit->QM_df,
                             fit->df, fit->QM, p);
    else
        meta_text_table_text(&t, "Test of moderators (%s): QM(%d) = %.2f, %s", which, fit->QM_df,
                             fit->QM, p);
    report_pclause(p, sizeof p, fit->QE_p);
    if (o->model == META_MODEL_RANDOM)
        meta_text_table_text(&t,
                             "Residual heterogeneity: QE(%d) = %.2f, %s; tau^2 = %.4f; "
                             "I^2 = %.1f%%; H^2 = %.2f; R^2 = %.1f%%",
                             fit->QE_df, fit->QE, p, fit->tau2, fit->I2, fit->H2, fit->R2);
    else
        meta_text_table_text(&t, "Residual heterogeneity: QE(%d) = %.2f, %s", fit->QE_df, fit->QE,
                             p);
    if (an->log_scale)
        meta_text_table_text(&t,
                             "Coefficients on the log scale (%s%s): exp(estimate) multiplies the "
                             "%s per unit of a numeric moderator, or against the reference level",
                             o->measure == META_GIV ? "" : "log ", meta_measure_name(o->measure),
                             o->measure == META_GIV ? "effect" : meta_measure_name(o->measure));
    report_excluded_lines(&t, reg->excluded, reg->n_excluded, "");
    return print_table(out, &t);
}

/* ---- The `meta bias` and `meta regress` tables ---------------------------------- */

/* The heading and the trials left out of the selection, around `body`. */
static int standalone(FILE *out, const struct meta_analysis *an,
                      int (*body)(FILE *, const struct meta_analysis *))
{
    struct meta_text_table t;
    meta_text_table_init(&t, 1);
    report_table_heading(&t, an);
    int bad = print_table(out, &t);
    if (!bad)
        bad = body(out, an);
    if (!bad && an->contrasts.n_excluded) {
        meta_text_table_init(&t, 1);
        meta_text_table_text(&t, "%s", "");
        report_excluded_lines(&t, an->contrasts.excluded, an->contrasts.n_excluded, "");
        bad = print_table(out, &t);
    }
    return bad;
}

int meta_report_bias_table(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    if (an->have_bias && standalone(out, an, report_table_bias) != 0)
        return meta_error_set(err, META_ENOMEM, "out of memory writing the table");
    if (ferror(out))
        return meta_error_set(err, META_EIO, "cannot write the output");
    return META_OK;
}

int meta_report_regress_table(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    if (an->have_regression && standalone(out, an, report_table_regression) != 0)
        return meta_error_set(err, META_ENOMEM, "out of memory writing the table");
    if (ferror(out))
        return meta_error_set(err, META_EIO, "cannot write the output");
    return META_OK;
}
