/*
 * Regression tests for funnel-plot asymmetry (Egger et al. 1997), in both
 * of metafor 3.8's forms: regtest(fit, model = "lm"), the weighted linear
 * regression on the standard errors with multiplicative dispersion (Egger's
 * own), and the default regtest(fit), the standard errors as a moderator in
 * the analysis's own model (Sterne & Egger 2005).
 */
#include "metareg_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void regtest_init(struct meta_regtest *r)
{
    r->coefficient = r->se = r->statistic = r->df = r->p = NAN;
    r->limit_estimate = r->limit_ci_lower = r->limit_ci_upper = NAN;
}

/* The design with sei = sqrt(vi) appended as its last column, and the
 * column names. */
struct with_sei {
    size_t p;     /* columns, sei included */
    double *x;    /* k x p */
    char **names; /* p, borrowed from the design but the last */
};

static int add_sei(const double *vi, size_t k, const struct meta_design *design,
                   struct with_sei *ws, struct meta_error *err)
{
    size_t p0 = design ? design->p : 1;
    ws->p = p0 + 1;
    ws->x = malloc(k * ws->p * sizeof *ws->x);
    ws->names = calloc(ws->p, sizeof *ws->names);
    if (!ws->x || !ws->names)
        return meta_error_set(err, META_ENOMEM, "out of memory for the regression test");
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < p0; j++)
            ws->x[i * ws->p + j] = design ? design->x[i * p0 + j] : 1.0;
        ws->x[i * ws->p + p0] = sqrt(vi[i]);
    }
    for (size_t j = 0; j < p0; j++)
        ws->names[j] = design ? design->names[j] : "intercept";
    ws->names[p0] = "sei";
    return META_OK;
}

static void free_sei(struct with_sei *ws)
{
    free(ws->x);
    free(ws->names);
}

static int check(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                 const struct meta_options *opts, struct meta_regtest *out, struct meta_error *err)
{
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    regtest_init(out);
    int ret = meta_options_check(opts, err);
    if (ret != META_OK)
        return ret;
    if (design && (design->k != k || !design->x || design->p < 1))
        return meta_error_set(err, META_EINVAL, "the design has %zu rows for %zu studies",
                              design->k, k);
    return meta_check_yv(yi, vi, k, err);
}

/* Runs the fit of yi on design + sei and reads the test off it. */
static int run(const double *yi, const double *vi, size_t k, const struct meta_design *design,
               const struct meta_options *opts, int lm, struct meta_regtest *out,
               struct meta_error *err)
{
    struct with_sei ws = {0, NULL, NULL};
    struct meta_wls_fit fit;
    int ret = add_sei(vi, k, design, &ws, err);
    if (ret != META_OK)
        goto cleanup;
    size_t p = ws.p;
    if (lm && k < p + 1) {
        ret = meta_error_set(err, META_EDOM,
                             "Egger's regression test needs at least %zu studies (a residual "
                             "degree of freedom), got %zu",
                             p + 1, k);
        goto cleanup;
    }
    if (lm)
        ret = meta_wls_fit_lm(yi, vi, ws.x, k, p, (const char *const *)ws.names, &fit, err);
    else
        ret = meta_wls_fit(yi, vi, ws.x, k, p, (const char *const *)ws.names, opts, &fit, err);
    if (ret == META_EDOM && strstr(err->msg, "'sei'"))
        ret = meta_error_set(err, META_EDOM,
                             "the studies' standard errors are %s: the regression test for "
                             "funnel-plot asymmetry is not defined",
                             p == 2 ? "all equal" : "collinear with the moderators");
    if (ret != META_OK)
        goto cleanup;

    /* t under hksj and for the lm form, z otherwise. */
    int t = lm || opts->ci == META_CI_HKSJ;
    double df = fit.df, alpha = 1.0 - opts->level / 100.0;
    double crit = t ? (df > 0.0 ? gsl_cdf_tdist_Qinv(alpha / 2.0, df) : NAN)
                    : gsl_cdf_ugaussian_Qinv(alpha / 2.0);
    out->coefficient = fit.beta[p - 1];
    out->se = sqrt(fit.vb[p * p - 1]);
    out->df = t ? df : NAN;
    if (out->se > 0.0) {
        out->statistic = out->coefficient / out->se;
        out->p = t ? (df > 0.0 ? 2.0 * gsl_cdf_tdist_Q(fabs(out->statistic), df) : NAN)
                   : 2.0 * gsl_cdf_ugaussian_Q(fabs(out->statistic));
    }
    if (p == 2) {
        double se0 = sqrt(fit.vb[0]);
        out->limit_estimate = fit.beta[0];
        out->limit_ci_lower = fit.beta[0] - crit * se0;
        out->limit_ci_upper = fit.beta[0] + crit * se0;
    }
    meta_wls_fit_release(&fit);

cleanup:
    free_sei(&ws);
    return ret;
}

int meta_regtest_lm(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                    const struct meta_options *opts, struct meta_regtest *out,
                    struct meta_error *err)
{
    struct meta_error local;
    if (!err)
        err = &local;
    int ret = check(yi, vi, k, design, opts, out, err);
    if (ret == META_OK)
        ret = run(yi, vi, k, design, opts, 1, out, err);
    if (ret != META_OK && out)
        regtest_init(out);
    return ret;
}

int meta_regtest_rma(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                     const struct meta_options *opts, struct meta_regtest *out,
                     struct meta_error *err)
{
    struct meta_error local;
    struct meta_options o;
    if (!err)
        err = &local;
    int ret = check(yi, vi, k, design, opts, out, err);
    if (ret != META_OK)
        return ret;
    o = *opts;
    /* metafor fits the common-effect model to the studies of an MH or Peto
     * analysis. */
    if (o.method == META_METHOD_MH || o.method == META_METHOD_PETO) {
        o.method = META_METHOD_IV;
        o.model = META_MODEL_COMMON;
    }
    ret = run(yi, vi, k, design, &o, 0, out, err);
    if (ret != META_OK)
        regtest_init(out);
    return ret;
}
