/*
 * Inverse-variance pooling from effect sizes: the common-effect model and
 * the random-effects model with any tau^2 estimator, with Hartung-Knapp-
 * Sidik-Jonkman intervals, heterogeneity (Q, I^2, H^2), the Q-profile tau^2
 * interval and the prediction interval, as metafor 3.8's rma.uni reports
 * them. O(k) memory: no k x k matrices.
 */
#include "stats_internal.h"

#include <float.h>
#include <limits.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Hartung & Knapp (2001), Sidik & Jonkman (2002): scale the variance of the
 * estimate by the weighted residual sum of squares over k - 1, untruncated
 * (metafor's test = "knha"); metafor sets the factor to 0 when that sum is
 * below machine epsilon. */
static double hksj_factor(double rss, size_t k)
{
    return rss <= DBL_EPSILON ? 0.0 : rss / ((double)k - 1.0);
}

/* Every field of studies 0..k-1: the weight in percent and yi -+ z sqrt(vi)
 * (z also under hksj, as metafor's forest). In blocks: the square roots and
 * divisions of a block go through the vector unit as plain arrays, then the
 * block's rows are written. */
META_CLONES static void fill_rows(struct meta_study_result *restrict s, const double *restrict yi,
                                  const double *restrict vi, size_t k, double tau2, double z,
                                  double scale)
{
    enum { BLOCK = 256 };
    double w[BLOCK], h[BLOCK];
    for (size_t i0 = 0; i0 < k; i0 += BLOCK) {
        size_t n = k - i0 < BLOCK ? k - i0 : BLOCK;
        const double *v = vi + i0, *y = yi + i0;
#pragma omp simd
        for (size_t j = 0; j < n; j++) {
            w[j] = scale / (v[j] + tau2);
            h[j] = z * sqrt(v[j]);
        }
        for (size_t j = 0; j < n; j++) {
            struct meta_study_result *r = &s[i0 + j];
            r->yi = y[j];
            r->vi = v[j];
            r->ci_lower = y[j] - h[j];
            r->ci_upper = y[j] + h[j];
            r->weight = w[j];
        }
    }
}

static void fill_studies(struct meta_result *out, const struct meta_iv_data *d, double tau2,
                         double W)
{
    double z = gsl_cdf_ugaussian_Qinv((1.0 - out->level / 100.0) / 2.0);
    fill_rows(out->studies, d->yi, d->vi, d->k, tau2, z, 100.0 / W);
}

static int pool_common(struct meta_iv_data *d, const struct meta_options *opts,
                       struct meta_result *out, struct meta_error *err)
{
    struct meta_iv_sums s;
    size_t k = d->k;
    double df = 0.0;
    meta_iv_pass(d, 0.0, 0, &s);
    out->estimate = s.mu;
    out->se = sqrt(1.0 / s.W);
    if (opts->ci == META_CI_HKSJ && k >= 2) {
        out->se *= sqrt(hksj_factor(s.Q, k));
        df = (double)k - 1.0;
    }
    int ret = meta_result_inference(out, df, err);
    if (ret != META_OK)
        return ret;
    out->Q = k >= 2 ? s.Q : 0.0;
    out->Q_df = (int)k - 1;
    meta_result_common_heterogeneity(out);
    out->iterations = 0;
    out->converged = 1;
    fill_studies(out, d, 0.0, s.W);
    return META_OK;
}

static int pool_random(struct meta_iv_data *d, const struct meta_options *opts, int with_tau2_ci,
                       struct meta_result *out, struct meta_error *err)
{
    struct meta_iv_sums s, s0;
    size_t k = d->k;
    double tau2 = 0.0, df = 0.0;
    int iter = 0, ret;

    if (k >= 2) {
        ret = meta_tau2_estimate(d, opts->method, opts->tol, opts->max_iter, &tau2, &iter, err);
        out->iterations = iter;
        if (ret != META_OK)
            return ret;
    }
    out->converged = 1;
    out->tau2 = tau2;
    out->tau = sqrt(tau2);

    meta_iv_pass(d, tau2, 0, &s);
    out->estimate = s.mu;
    out->se = sqrt(1.0 / s.W);
    if (opts->ci == META_CI_HKSJ && k >= 2) {
        out->se *= sqrt(hksj_factor(s.Q, k));
        df = (double)k - 1.0;
    }
    ret = meta_result_inference(out, df, err);
    if (ret != META_OK)
        return ret;

    /* The prediction interval uses the interval's own critical value. */
    double crit = (out->ci_upper - out->estimate) / out->se;
    double spred = sqrt(out->se * out->se + tau2);
    out->pi_lower = out->estimate - crit * spred;
    out->pi_upper = out->estimate + crit * spred;

    out->Q_df = (int)k - 1;
    if (k >= 2) {
        meta_iv_pass(d, 0.0, 1, &s0);
        double s2 = ((double)k - 1.0) / s0.trP; /* Higgins & Thompson 2002 */
        out->Q = s0.Q;
        out->Q_p = gsl_cdf_chisq_Q(s0.Q, (double)k - 1.0);
        out->I2 = 100.0 * tau2 / (s2 + tau2);
        out->H2 = 1.0 + tau2 / s2;
        if (with_tau2_ci)
            ret = meta_tau2_qprofile(d, tau2, opts->level, opts->tol, opts->max_iter,
                                     &out->tau2_ci_lower, &out->tau2_ci_upper, err);
        if (ret != META_OK)
            return ret;
    } else {
        out->Q = 0.0;
        out->Q_p = 1.0;
        out->I2 = 0.0;
        out->H2 = 1.0;
    }
    if (!isfinite(out->Q_p) || !isfinite(out->I2) || !isfinite(out->H2))
        return meta_error_set(err, META_EDOM, "heterogeneity cannot be computed for these data");
    fill_studies(out, d, tau2, s.W);
    return META_OK;
}

static int pool_data(struct meta_iv_data *d, const struct meta_options *opts, int with_tau2_ci,
                     struct meta_result *out, struct meta_error *err)
{
    out->k = d->k;
    out->measure = opts->measure;
    out->model = opts->model;
    out->method = opts->method;
    out->ci = opts->ci;
    out->level = opts->level;
    if (opts->model == META_MODEL_COMMON)
        return pool_common(d, opts, out, err);
    return pool_random(d, opts, with_tau2_ci, out, err);
}

int meta_pool_iv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err)
{
    struct meta_iv_data d;
    meta_iv_data_init(&d, yi, vi, k);
    return pool_data(&d, opts, 1, out, err);
}

/* 1 when the n_a bytes at a and the n_b bytes at b share a byte. Compared
 * as integers: relational operators on pointers into different objects are
 * undefined. */
static int overlaps(const void *a, size_t n_a, const void *b, size_t n_b)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    return pa < pb + n_b && pb < pa + n_a;
}

int meta_check_yv(const double *yi, const double *vi, size_t k, struct meta_error *err)
{
    if (!yi || !vi || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies given");
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(yi[i]) || !isfinite(vi[i]))
            return meta_error_set(err, META_EINVAL, "study %zu: yi or vi is not finite", i + 1);
        if (!(vi[i] > 0.0) || !isfinite(1.0 / vi[i]))
            return meta_error_set(err, META_EINVAL, "study %zu: vi must be > 0, got %g", i + 1,
                                  vi[i]);
    }
    return META_OK;
}

/* Checks the input, then pools into `buf` (capacity entries, the caller's)
 * or, when buf is NULL, into a new array that the result owns. */
static int pool_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                   int with_tau2_ci, struct meta_study_result *buf, size_t capacity,
                   struct meta_result *out, struct meta_error *err)
{
    int ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    meta_result_init(out);
    ret = meta_options_check(opts, err);
    if (ret != META_OK)
        return ret;
    if (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO)
        return meta_error_set(err, META_EINVAL, "method '%s' needs the studies' counts",
                              meta_method_name(opts->method));
    if (!yi || !vi || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies to pool");
    if (k > (size_t)INT_MAX)
        return meta_error_set(err, META_EINVAL, "too many studies (%zu)", k);
    if (buf) {
        if (capacity < k)
            return meta_error_set(err, META_EINVAL,
                                  "the per-study buffer holds %zu studies, %zu to pool", capacity,
                                  k);
        size_t bytes = k * sizeof *buf; /* k <= INT_MAX: no overflow */
        if (overlaps(buf, bytes, yi, k * sizeof *yi) || overlaps(buf, bytes, vi, k * sizeof *vi))
            return meta_error_set(err, META_EINVAL, "the per-study buffer overlaps yi or vi");
    }
    struct meta_iv_data d;
    if (!meta_iv_data_init(&d, yi, vi, k)) {
        ret = meta_check_yv(yi, vi, k, err);
        if (ret != META_OK)
            return ret;
    }
    if (buf) {
        out->studies = buf;
        out->studies_borrowed = 1;
    } else {
        ret = meta_result_reserve_studies(out, k, err); /* pool_data() sets every field */
        if (ret != META_OK)
            return ret;
    }
    ret = pool_data(&d, opts, with_tau2_ci, out, err);
    if (ret != META_OK) {
        meta_result_release(out);
        meta_result_init(out);
    }
    return ret;
}

int meta_pool_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err)
{
    return pool_yv(yi, vi, k, opts, 1, NULL, 0, out, err);
}

int meta_pool_yv_into(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                      struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                      struct meta_error *err)
{
    if (!studies) {
        if (out)
            meta_result_init(out);
        return meta_error_set(err, META_EINVAL, "no per-study buffer given");
    }
    return pool_yv(yi, vi, k, opts, 1, studies, capacity, out, err);
}

int meta_pool_yv_fit(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                     struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                     struct meta_error *err)
{
    return pool_yv(yi, vi, k, opts, 0, studies, capacity, out, err);
}
