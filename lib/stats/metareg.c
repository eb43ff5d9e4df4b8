/*
 * meta_metareg_fit(): the meta-regression that `meta regress` reports, with
 * the inference metafor 3.8's rma.uni attaches to a fit with moderators
 * (z or Knapp-Hartung t tests of the coefficients, the omnibus QM as chi^2
 * or F, residual Q, I^2, H^2 and the pseudo R^2 against the model without
 * moderators), predictions for the bubble plot and the weights.
 */
#include "metareg_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void metareg_init(struct meta_metareg *r)
{
    memset(r, 0, sizeof *r);
    r->level = NAN;
    r->QM = r->QM_p = r->QE = r->QE_p = r->df = NAN;
    r->tau2 = r->I2 = r->H2 = r->R2 = NAN;
}

void meta_metareg_release(struct meta_metareg *res)
{
    if (!res)
        return;
    if (res->coefficients)
        for (size_t j = 0; j < res->p; j++)
            free(res->coefficients[j].name);
    free(res->coefficients);
    free(res->vb);
    metareg_init(res);
}

/* The critical value of the fit's intervals (NAN when t has 0 df). */
static double critical(enum meta_ci ci, double df, double level)
{
    double alpha = 1.0 - level / 100.0;
    if (ci == META_CI_HKSJ)
        return df > 0.0 ? gsl_cdf_tdist_Qinv(alpha / 2.0, df) : NAN;
    return gsl_cdf_ugaussian_Qinv(alpha / 2.0);
}

/* Two-sided p-value of a z or t statistic. */
static double two_sided(enum meta_ci ci, double df, double stat)
{
    if (ci == META_CI_HKSJ)
        return df > 0.0 ? 2.0 * gsl_cdf_tdist_Q(fabs(stat), df) : NAN;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(stat));
}

static int check_args(const double *yi, const double *vi, const struct meta_design *design,
                      const struct meta_options *opts, struct meta_error *err)
{
    int ret = meta_options_check(opts, err);
    if (ret != META_OK)
        return ret;
    ret = meta_check_iv_method(opts, "meta-regression", err);
    if (ret != META_OK)
        return ret;
    if (!design || !design->x || !design->names || design->k == 0)
        return meta_error_set(err, META_EINVAL, "no design given");
    if (design->p < 2)
        return meta_error_set(err, META_EINVAL, "the design has no moderator");
    return meta_check_yv(yi, vi, design->k, err);
}

/* Pseudo R^2 (metafor's default): the share of tau^2 that the moderators
 * account for, against the model without them; NAN when that cannot be
 * fitted. */
static double pseudo_r2(const double *yi, const double *vi, size_t k,
                        const struct meta_options *opts, double tau2)
{
    struct meta_wls_fit f0;
    struct meta_error why;
    double r2 = NAN;
    if (meta_wls_fit(yi, vi, NULL, k, 1, NULL, opts, &f0, &why) == META_OK)
        r2 = f0.tau2 == 0.0 ? 0.0 : fmax(0.0, 100.0 * (f0.tau2 - tau2) / f0.tau2);
    meta_wls_fit_release(&f0);
    return r2;
}

int meta_metareg_fit(const double *yi, const double *vi, const struct meta_design *design,
                     const struct meta_options *opts, struct meta_metareg *out,
                     struct meta_error *err)
{
    struct meta_wls_fit fit;
    int ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    metareg_init(out);
    ret = check_args(yi, vi, design, opts, err);
    if (ret != META_OK)
        return ret;
    size_t k = design->k, p = design->p;
    ret =
        meta_wls_fit(yi, vi, design->x, k, p, (const char *const *)design->names, opts, &fit, err);
    if (ret != META_OK)
        return ret;

    out->k = k;
    out->p = p;
    out->model = opts->model;
    out->method = opts->method;
    out->ci = opts->ci;
    out->level = opts->level;
    out->iterations = fit.iterations;
    out->coefficients = calloc(p, sizeof *out->coefficients);
    out->vb = malloc(p * p * sizeof *out->vb);
    if (!out->coefficients || !out->vb) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu coefficients", p);
        goto cleanup;
    }
    memcpy(out->vb, fit.vb, p * p * sizeof *out->vb);
    double df = opts->ci == META_CI_HKSJ ? fit.df : NAN;
    double crit = critical(opts->ci, fit.df, opts->level);
    for (size_t j = 0; j < p; j++) {
        struct meta_metareg_coef *c = &out->coefficients[j];
        c->name = strdup(design->names[j]);
        if (!c->name) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory for the coefficients' names");
            goto cleanup;
        }
        c->estimate = fit.beta[j];
        c->se = sqrt(fit.vb[j * p + j]);
        c->statistic = c->estimate / c->se;
        c->p = two_sided(opts->ci, fit.df, c->statistic);
        c->ci_lower = c->estimate - crit * c->se;
        c->ci_upper = c->estimate + crit * c->se;
    }
    out->df = df;
    out->QM_df = (int)p - 1;
    if (opts->ci == META_CI_HKSJ) {
        out->QM = fit.QM / (double)out->QM_df;
        out->QM_p = fit.df > 0.0 ? gsl_cdf_fdist_Q(out->QM, (double)out->QM_df, fit.df) : NAN;
    } else {
        out->QM = fit.QM;
        out->QM_p = gsl_cdf_chisq_Q(fit.QM, (double)out->QM_df);
    }
    out->QE = fit.QE;
    out->QE_df = (int)(k - p);
    out->QE_p = k > p ? gsl_cdf_chisq_Q(fit.QE, (double)(k - p)) : 1.0;
    if (fit.random) {
        out->tau2 = fit.tau2;
        if (k > p) {
            out->I2 = 100.0 * fit.tau2 / (fit.vt + fit.tau2);
            out->H2 = fit.tau2 / fit.vt + 1.0;
        } else {
            out->I2 = 0.0;
            out->H2 = 1.0;
        }
        out->R2 = pseudo_r2(yi, vi, k, opts, fit.tau2);
    }

cleanup:
    meta_wls_fit_release(&fit);
    if (ret != META_OK)
        meta_metareg_release(out);
    return ret;
}

int meta_metareg_predict(const struct meta_metareg *res, const double *x0, double *pred,
                         double *ci_lower, double *ci_upper)
{
    if (!res || !x0 || !pred || !ci_lower || !ci_upper || !res->coefficients || !res->vb)
        return META_EINVAL;
    size_t p = res->p;
    double m = 0.0, v = 0.0;
    for (size_t j = 0; j < p; j++) {
        m += x0[j] * res->coefficients[j].estimate;
        double r = 0.0;
        for (size_t l = 0; l < p; l++)
            r += res->vb[j * p + l] * x0[l];
        v += x0[j] * r;
    }
    double crit = critical(res->ci, res->ci == META_CI_HKSJ ? res->df : 0.0, res->level);
    *pred = m;
    *ci_lower = m - crit * sqrt(v);
    *ci_upper = m + crit * sqrt(v);
    return META_OK;
}

int meta_metareg_weights(const struct meta_metareg *res, const double *vi, double *weight)
{
    if (!res || !vi || !weight)
        return META_EINVAL;
    double tau2 = isnan(res->tau2) ? 0.0 : res->tau2, sum = 0.0;
    for (size_t i = 0; i < res->k; i++)
        sum += 1.0 / (vi[i] + tau2);
    for (size_t i = 0; i < res->k; i++)
        weight[i] = 100.0 / (vi[i] + tau2) / sum;
    return META_OK;
}
