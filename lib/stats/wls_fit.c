/*
 * One fit of rma.uni(yi, vi, mods = X, intercept = FALSE, method, test) in
 * the design's own basis: tau^2, the coefficients and their covariance (the
 * Hartung-Knapp factor included), the Wald statistic of the moderators and
 * the residual Q. The building block of meta-regression, the regression
 * tests, trim-and-fill's side and the influence diagnostics. An
 * intercept-only model goes through pool_iv's machinery, so it gives the
 * numbers of meta pool.
 */
#include "metareg_internal.h"

#include <float.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int meta_check_iv_method(const struct meta_options *opts, const char *what, struct meta_error *err)
{
    if (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO)
        return meta_error_set(err, META_EINVAL,
                              "%s needs an inverse-variance analysis (method IV or a tau^2 "
                              "estimator), not '%s'",
                              what, meta_method_name(opts->method));
    return META_OK;
}

void meta_wls_fit_release(struct meta_wls_fit *fit)
{
    if (!fit)
        return;
    free(fit->beta);
    free(fit->vb);
    fit->beta = fit->vb = NULL;
}

static void fit_init(struct meta_wls_fit *fit, size_t k, size_t p)
{
    memset(fit, 0, sizeof *fit);
    fit->k = k;
    fit->p = p;
    fit->tau2 = fit->s2w = fit->df = fit->QM = fit->QE = fit->vt = fit->W = NAN;
    fit->logdetvb = NAN;
}

/* How the covariance of the coefficients is scaled. */
enum scaling {
    SCALE_OPTIONS, /* by the options: 1 under z, Hartung-Knapp under hksj */
    SCALE_LM       /* the residual variance of a weighted lm(), always */
};

/* Sets fit->s2w and fit->df from the weighted residual sum of squares at
 * tau^2: the Hartung-Knapp factor rss / (k - p), 0 below machine epsilon
 * (metafor's test = "knha"), or lm()'s dispersion rss / (k - p). */
static void set_scale(struct meta_wls_fit *fit, enum scaling how, enum meta_ci ci, double rss)
{
    double df = (double)(fit->k - fit->p);
    if (how == SCALE_LM) {
        fit->s2w = rss / df;
        fit->df = df;
    } else if (ci == META_CI_HKSJ && fit->k > fit->p) {
        fit->s2w = rss <= DBL_EPSILON ? 0.0 : rss / df;
        fit->df = df;
    } else if (ci == META_CI_HKSJ && fit->p > 1) {
        fit->s2w = 0.0; /* no residual: metafor's se are 0 */
        fit->df = 0.0;
    } else {
        fit->s2w = 1.0; /* z (metafor falls back to z for k = 1) */
        fit->df = 0.0;
    }
}

/* Intercept only: the machinery of meta_pool_yv(). */
static int fit_mean(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                    enum scaling how, struct meta_wls_fit *fit, struct meta_error *err)
{
    struct meta_iv_data d;
    struct meta_iv_sums s, s0;
    double tau2 = 0.0;
    int iter = 0;
    meta_iv_data_init(&d, yi, vi, k);
    if (fit->random && k >= 2) {
        int ret =
            meta_tau2_estimate(&d, opts->method, opts->tol, opts->max_iter, &tau2, &iter, err);
        if (ret != META_OK)
            return ret;
    }
    fit->tau2 = tau2;
    fit->iterations = iter;
    meta_iv_pass(&d, tau2, 0, &s);
    fit->beta[0] = s.mu;
    fit->vb[0] = 1.0 / s.W;
    fit->W = s.W;
    fit->logdetvb = -log(s.W);
    set_scale(fit, how, opts->ci, s.Q);
    if (k >= 2) {
        meta_iv_pass(&d, 0.0, 1, &s0);
        fit->QE = s0.Q;
        fit->vt = ((double)k - 1.0) / s0.trP;
    } else {
        fit->QE = 0.0;
    }
    return META_OK;
}

static int fit_design(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                      const char *const *names, const struct meta_options *opts, enum scaling how,
                      struct meta_wls_fit *fit, struct meta_error *err)
{
    struct meta_wls w;
    struct meta_wls_sums s, s0;
    double tau2 = 0.0;
    int iter = 0;
    int ret = meta_wls_init(&w, yi, vi, x, k, p, names, err);
    if (ret != META_OK)
        return ret;
    /* The sums at tau^2 = 0 give Q (and I^2's typical variance): the
     * estimator computes them first; under the common model they are the
     * fit's own. */
    if (fit->random)
        ret = meta_wls_tau2(&w, opts->method, opts->tol, opts->max_iter, &tau2, &iter, &s0, err);
    else
        ret = meta_wls_pass(&w, 0.0, 0, &s0, err);
    if (ret != META_OK)
        goto cleanup;
    if (fit->random)
        ret = meta_wls_pass(&w, tau2, 0, &s, err);
    else
        s = s0;
    if (ret != META_OK)
        goto cleanup;
    fit->tau2 = tau2;
    fit->iterations = iter;
    fit->W = s.W;
    if (k > p) {
        fit->QE = fmax(0.0, s0.rss);
        fit->vt = (double)(k - p) / s0.trP;
    } else {
        fit->QE = 0.0;
    }
    set_scale(fit, how, opts->ci, s.rss);
    ret = meta_wls_solution(&w, fit->beta, fit->vb, err);
    double logscale = 0.0;
    for (size_t j = 1; j < p; j++)
        logscale += log(w.scale[j]);
    fit->logdetvb = -s.logdet - 2.0 * logscale;

cleanup:
    meta_wls_free(&w);
    return ret;
}

/* Wald chi^2 of coefficients 1..p-1 (of coefficient 0 when p = 1):
 * b' vb^-1 b on that block, through its Cholesky factor; NAN when the
 * block is not positive definite (a zero Hartung-Knapp factor). */
static double wald(const struct meta_wls_fit *fit)
{
    size_t p = fit->p, lo = p > 1 ? 1 : 0, m = p - lo;
    double q = NAN;
    gsl_matrix *c = gsl_matrix_alloc(m, m);
    gsl_vector *b = gsl_vector_alloc(m), *z = gsl_vector_alloc(m);
    if (c && b && z) {
        for (size_t j = 0; j < m; j++) {
            gsl_vector_set(b, j, fit->beta[lo + j]);
            for (size_t l = 0; l < m; l++)
                gsl_matrix_set(c, j, l, fit->vb[(lo + j) * p + lo + l]);
        }
        if (gsl_linalg_cholesky_decomp1(c) == GSL_SUCCESS &&
            gsl_linalg_cholesky_solve(c, b, z) == GSL_SUCCESS)
            gsl_blas_ddot(b, z, &q);
    }
    if (c)
        gsl_matrix_free(c);
    if (b)
        gsl_vector_free(b);
    if (z)
        gsl_vector_free(z);
    return q;
}

static int fit_model(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                     const char *const *names, const struct meta_options *opts, enum scaling how,
                     struct meta_wls_fit *fit, struct meta_error *err)
{
    int ret;
    fit_init(fit, k, p);
    fit->random = meta_method_is_random(opts->method);
    if (p == 0 || (p > 1 && !x))
        return meta_error_set(err, META_EINVAL, "no design given");
    /* metafor: "Number of parameters to be estimated is larger than the
     * number of observations" (tau^2 counts under the random model). */
    if (p + (size_t)fit->random > k && !(p == 1 && k == 1))
        return meta_error_set(err, META_EINVAL,
                              "%zu studies cannot estimate %zu coefficients%s: at least %zu "
                              "studies are needed",
                              k, p, fit->random ? " and tau^2" : "", p + (size_t)fit->random);
    fit->beta = calloc(p, sizeof *fit->beta);
    fit->vb = calloc(p * p, sizeof *fit->vb);
    if (!fit->beta || !fit->vb) {
        meta_wls_fit_release(fit);
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu coefficients", p);
    }
    if (p == 1)
        ret = fit_mean(yi, vi, k, opts, how, fit, err);
    else
        ret = fit_design(yi, vi, x, k, p, names, opts, how, fit, err);
    if (ret != META_OK) {
        meta_wls_fit_release(fit);
        return ret;
    }
    for (size_t j = 0; j < p * p; j++)
        fit->vb[j] *= fit->s2w;
    fit->logdetvb += (double)p * log(fit->s2w);
    fit->QM = wald(fit);
    return META_OK;
}

int meta_wls_fit(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                 const char *const *names, const struct meta_options *opts,
                 struct meta_wls_fit *fit, struct meta_error *err)
{
    return fit_model(yi, vi, x, k, p, names, opts, SCALE_OPTIONS, fit, err);
}

int meta_wls_fit_lm(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                    const char *const *names, struct meta_wls_fit *fit, struct meta_error *err)
{
    struct meta_options o;
    meta_options_init(&o);
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_IV;
    if (k <= p) {
        fit_init(fit, k, p);
        return meta_error_set(err, META_EDOM, "%zu studies leave no residual for %zu coefficients",
                              k, p);
    }
    return fit_model(yi, vi, x, k, p, names, &o, SCALE_LM, fit, err);
}

void meta_wls_fit_predict(const struct meta_wls_fit *fit, const double *x0, double *pred,
                          double *var)
{
    size_t p = fit->p;
    double m = 0.0, v = 0.0;
    for (size_t j = 0; j < p; j++) {
        m += x0[j] * fit->beta[j];
        double r = 0.0;
        for (size_t l = 0; l < p; l++)
            r += fit->vb[j * p + l] * x0[l];
        v += x0[j] * r;
    }
    *pred = m;
    *var = v;
}
