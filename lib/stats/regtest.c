/*
 * Regression tests for funnel-plot asymmetry (Egger et al. 1997), in both
 * of metafor 3.8's forms: regtest(fit, model = "lm"), the weighted linear
 * regression on the standard errors with multiplicative dispersion (Egger's
 * own), and the default regtest(fit), the standard errors as a moderator in
 * the analysis's own model (Sterne & Egger 2005).
 */
#include "metareg_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
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

/* Checks the arguments; the data too unless `lazy` (the caller's pass
 * does). */
static int check(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                 const struct meta_options *opts, int lazy, struct meta_regtest *out,
                 struct meta_error *err)
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
    if (lazy)
        return yi && vi && k > 0 ? META_OK : meta_error_set(err, META_EINVAL, "no studies given");
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

/* The sums of Egger's regression without moderators, in the order of
 * egger_plain()'s names for them; EG_BAD counts variances that are not > 0. */
enum { EG_W, EG_A, EG_B, EG_C, EG_D, EG_S1, EG_S2, EG_BAD, EG_N };

META_CLONES static void egger_sums(const double *restrict yi, const double *restrict vi, size_t k,
                                   double out[EG_N])
{
    double W = 0.0, A = 0.0, B = 0.0, C = 0.0, D = 0.0, S1 = 0.0, S2 = 0.0, bad = 0.0;
    double y0 = yi[0];
#pragma omp simd reduction(+ : W, A, B, C, D, S1, S2, bad)
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / vi[i], is = sqrt(w), s = vi[i] * is, y = yi[i] - y0;
        W += w;
        A += is;
        B += w * y;
        C += is * y;
        D += w * y * y;
        S1 += s;
        S2 += vi[i];
        bad += vi[i] > 0.0 ? 0.0 : 1.0;
    }
    out[EG_W] = W;
    out[EG_A] = A;
    out[EG_B] = B;
    out[EG_C] = C;
    out[EG_D] = D;
    out[EG_S1] = S1;
    out[EG_S2] = S2;
    out[EG_BAD] = bad;
}

/*
 * Egger's regression without moderators, in one pass: yi on [1, sei] with
 * weights w = 1/vi has the normal equations [[sum w, sum 1/sei], [sum 1/sei,
 * k]] b = [sum w y, sum y/sei] (w sei^2 = 1), solved through GSL's Cholesky
 * factorisation of that 2 x 2 matrix, with y taken about y_0 (all-equal
 * effects then give exactly 0) and the residual sum of squares
 * y'Wy - b'X'Wy. sei is collinear with the intercept, as R's lm() finds it,
 * when its part about its mean is below 1e-7 of its norm.
 */
static int egger_plain(const double *yi, const double *vi, size_t k, double level,
                       struct meta_regtest *out, struct meta_error *err)
{
    double m[EG_N], y0 = yi[0];
    egger_sums(yi, vi, k, m);
    double W = m[EG_W], A = m[EG_A], B = m[EG_B], C = m[EG_C], D = m[EG_D];
    double S1 = m[EG_S1], S2 = m[EG_S2];
    /* The input is checked only when the sums say something is wrong: a
     * non-finite value or a variance <= 0 makes them so. */
    if (m[EG_BAD] != 0.0 || !isfinite(W + A + B + C + D + S1 + S2)) {
        int ret = meta_check_yv(yi, vi, k, err);
        if (ret != META_OK)
            return ret;
    }
    if (k < 3)
        return meta_error_set(err, META_EDOM,
                              "Egger's regression test needs at least 3 studies (a residual "
                              "degree of freedom), got %zu",
                              k);
    double centred = S2 - S1 * S1 / (double)k;
    if (!(centred >= META_WLS_COLLINEAR_TOL * META_WLS_COLLINEAR_TOL * S2))
        return meta_error_set(err, META_EDOM,
                              "the studies' standard errors are all equal: the regression test "
                              "for funnel-plot asymmetry is not defined");
    double n[4] = {W, A, A, (double)k}, r[2] = {B, C}, b[2];
    gsl_matrix_view mv = gsl_matrix_view_array(n, 2, 2);
    gsl_vector_view rv = gsl_vector_view_array(r, 2), bv = gsl_vector_view_array(b, 2);
    if (gsl_linalg_cholesky_decomp1(&mv.matrix) != GSL_SUCCESS ||
        gsl_linalg_cholesky_solve(&mv.matrix, &rv.vector, &bv.vector) != GSL_SUCCESS ||
        gsl_linalg_cholesky_invert(&mv.matrix) != GSL_SUCCESS)
        return meta_error_set(err, META_EDOM, "Egger's regression cannot be solved");
    double df = (double)k - 2.0, s2 = fmax(0.0, D - b[0] * B - b[1] * C) / df;
    double se0 = sqrt(s2 * n[0]), crit = gsl_cdf_tdist_Qinv((1.0 - level / 100.0) / 2.0, df);
    out->coefficient = b[1];
    out->se = sqrt(s2 * n[3]);
    out->df = df;
    if (out->se > 0.0) {
        out->statistic = b[1] / out->se;
        out->p = 2.0 * gsl_cdf_tdist_Q(fabs(out->statistic), df);
    }
    out->limit_estimate = b[0] + y0;
    out->limit_ci_lower = out->limit_estimate - crit * se0;
    out->limit_ci_upper = out->limit_estimate + crit * se0;
    return META_OK;
}

int meta_regtest_lm(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                    const struct meta_options *opts, struct meta_regtest *out,
                    struct meta_error *err)
{
    struct meta_error local;
    if (!err)
        err = &local;
    int plain = !design || design->p == 1;
    int ret = check(yi, vi, k, design, opts, plain, out, err);
    if (ret == META_OK && plain)
        ret = egger_plain(yi, vi, k, opts->level, out, err);
    else if (ret == META_OK)
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
    int ret = check(yi, vi, k, design, opts, 0, out, err);
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
