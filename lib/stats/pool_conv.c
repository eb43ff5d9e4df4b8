/*
 * Inverse-variance pooling under RevMan 5's and R meta's conventions (see
 * struct meta_options): studies that are not estimable are listed with no
 * weight and left out of the pooling and of Q's df; I^2 and H^2 come from Q;
 * the tau^2 interval and the prediction interval follow each program.
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

/* I^2 and H^2 from Q under both models; H^2 at least 1 under r-meta. */
static void heterogeneity_from_q(struct meta_result *res, enum meta_convention conv)
{
    meta_result_common_heterogeneity(res);
    if (conv == META_CONVENTION_RMETA && res->H2 < 1.0)
        res->H2 = 1.0;
}

static int wants_prediction(const struct meta_options *opts)
{
    if (opts->prediction == META_PREDICTION_ON)
        return 1;
    if (opts->prediction == META_PREDICTION_OFF)
        return 0;
    return opts->convention != META_CONVENTION_REVMAN5;
}

/* RevMan: t on k-2 df with the pooled se (Higgins, Thompson & Spiegelhalter
 * 2009); R meta: t on k-1 df with the ordinary se 1/sqrt(sum 1/(vi + tau2)),
 * also when the interval of the estimate is Hartung-Knapp's. */
static void prediction(struct meta_result *res, const double *yi, const double *vi, size_t kest,
                       const struct meta_options *opts)
{
    (void)yi;
    res->pi_lower = res->pi_upper = NAN;
    if (res->model != META_MODEL_RANDOM || !wants_prediction(opts))
        return;
    double alpha = 1.0 - opts->level / 100.0, se = res->se, df;
    if (opts->convention == META_CONVENTION_REVMAN5) {
        if (kest < 3)
            return;
        df = (double)kest - 2.0;
    } else {
        if (kest < 2)
            return;
        df = (double)kest - 1.0;
        double W = 0.0;
        for (size_t i = 0; i < kest; i++)
            W += 1.0 / (vi[i] + res->tau2);
        se = sqrt(1.0 / W);
    }
    double t = gsl_cdf_tdist_Qinv(alpha / 2.0, df);
    double half = t * sqrt(se * se + res->tau2);
    res->pi_lower = res->estimate - half;
    res->pi_upper = res->estimate + half;
}

/* R meta: none around the MH estimate or below 3 studies; Jackson's under
 * DL for continuous measures; the Q-profile otherwise. RevMan: none. */
static int tau2_interval(struct meta_result *res, const double *yi, const double *vi, size_t kest,
                         const struct meta_options *opts, struct meta_error *err)
{
    res->tau2_ci_lower = res->tau2_ci_upper = NAN;
    if (res->model != META_MODEL_RANDOM || opts->convention != META_CONVENTION_RMETA ||
        opts->method == META_METHOD_MH || kest < 3)
        return META_OK;
    if (opts->method == META_METHOD_DL && !meta_measure_is_binary(opts->measure))
        return meta_tau2_jackson(yi, vi, kest, opts->level, opts->tol, opts->max_iter,
                                 &res->tau2_ci_lower, &res->tau2_ci_upper, err);
    struct meta_iv_data d;
    meta_iv_data_init(&d, yi, vi, kest);
    return meta_tau2_qprofile(&d, res->tau2, opts->level, opts->tol, opts->max_iter,
                              &res->tau2_ci_lower, &res->tau2_ci_upper, err);
}

int meta_conv_finish(struct meta_result *res, const double *yi, const double *vi, size_t kest,
                     const struct meta_options *opts, struct meta_error *err)
{
    heterogeneity_from_q(res, opts->convention);
    prediction(res, yi, vi, kest, opts);
    int ret = tau2_interval(res, yi, vi, kest, opts, err);
    if (ret == META_OK && (!isfinite(res->Q_p) || !isfinite(res->I2) || !isfinite(res->H2)))
        ret = meta_error_set(err, META_EDOM, "heterogeneity cannot be computed for these data");
    return ret;
}

/* yi/vi pairs: NAN and NAN (not estimable), or finite with 0 < vi and 1/vi
 * finite. Counts the estimable ones into *kest. */
static int check_pairs(const double *yi, const double *vi, size_t k, size_t *kest,
                       struct meta_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (isnan(yi[i]) && isnan(vi[i]))
            continue;
        if (!isfinite(yi[i]) || !isfinite(vi[i]))
            return meta_error_set(err, META_EINVAL,
                                  "study %zu: yi or vi is not finite (both NAN: not estimable)",
                                  i + 1);
        if (!(vi[i] > 0.0) || !isfinite(1.0 / vi[i]))
            return meta_error_set(err, META_EINVAL, "study %zu: vi must be > 0, got %g", i + 1,
                                  vi[i]);
        n++;
    }
    *kest = n;
    if (n == 0)
        return meta_error_set(err, META_EDOM, "no study has an estimate");
    return META_OK;
}

int meta_pool_conv_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                      int with_tau2_ci, struct meta_study_result *buf, struct meta_result *out,
                      struct meta_error *err)
{
    struct meta_result r;
    double *cy = NULL, *cv = NULL;
    size_t kest = 0;
    int ret;

    meta_result_init(out);
    meta_result_init(&r);
    ret = check_pairs(yi, vi, k, &kest, err);
    if (ret != META_OK)
        return ret;
    ret = meta_compact_estimable(yi, vi, k, &cy, &cv, &kest, err);
    if (ret != META_OK)
        goto cleanup;
    ret = meta_result_reserve_studies(&r, kest, err);
    if (ret != META_OK)
        goto cleanup;
    struct meta_iv_data d;
    meta_iv_data_init(&d, cy, cv, kest);
    ret = meta_pool_iv_data(&d, opts, 0, &r, err);
    if (ret == META_OK)
        ret = meta_conv_finish(&r, cy, cv, kest, opts, err);
    if (!with_tau2_ci)
        r.tau2_ci_lower = r.tau2_ci_upper = NAN;
    if (ret != META_OK)
        goto cleanup;

    struct meta_study_result *rows = r.studies;
    *out = r;
    out->k = k;
    out->k_estimable = kest;
    if (buf) {
        out->studies = buf;
        out->studies_borrowed = 1;
    } else {
        out->studies = NULL;
        ret = meta_result_reserve_studies(out, k, err);
        if (ret != META_OK) {
            r.studies = rows;
            meta_result_init(out);
            goto cleanup;
        }
    }
    for (size_t i = 0, j = 0; i < k; i++) {
        struct meta_study_result *s = &out->studies[i];
        if (isnan(yi[i])) {
            s->yi = s->vi = s->ci_lower = s->ci_upper = NAN;
            s->weight = 0.0;
        } else {
            *s = rows[j++];
        }
    }
    r.studies = rows;

cleanup:
    meta_result_release(&r);
    free(cy);
    free(cv);
    return ret;
}
