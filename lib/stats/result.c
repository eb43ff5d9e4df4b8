/*
 * Bookkeeping of struct meta_result: initialisation, the per-study array,
 * release, the estimable studies of an array, and the inference steps every pooling method shares
 * (z or t intervals and p-values, I^2/H^2 from Q, per-study intervals).
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Per-study arrays from this size up are asked to live on transparent huge
 * pages: a million studies fill 40 MB, and faulting that in 4 KiB pages
 * costs more than pooling them (20 ms against 4 ms here). */
#define HUGE_ARRAY_BYTES (4u << 20)
#define HUGE_PAGE_BYTES  (2u << 20)

/* malloc() for the studies array; free() releases it either way. */
static struct meta_study_result *alloc_studies(size_t k)
{
    size_t bytes = (k ? k : 1) * sizeof(struct meta_study_result);
    if (k > ((size_t)-1) / sizeof(struct meta_study_result))
        return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_ARRAY_BYTES) {
        void *p = NULL;
        if (posix_memalign(&p, HUGE_PAGE_BYTES, bytes) != 0)
            return NULL;
        madvise(p, bytes, MADV_HUGEPAGE); /* advice only: its failure changes nothing */
        return p;
    }
#endif
    return malloc(bytes);
}

void meta_result_init(struct meta_result *res)
{
    res->k = 0;
    res->measure = META_MD;
    res->model = META_MODEL_RANDOM;
    res->method = META_METHOD_REML;
    res->ci = META_CI_Z;
    res->level = NAN;
    res->convention = META_CONVENTION_METAFOR;
    res->k_estimable = 0;
    res->estimate = res->se = res->ci_lower = res->ci_upper = NAN;
    res->statistic = res->df = res->p = NAN;
    res->tau2 = res->tau2_ci_lower = res->tau2_ci_upper = res->tau = NAN;
    res->I2 = res->H2 = res->Q = res->Q_p = NAN;
    res->Q_df = 0;
    res->pi_lower = res->pi_upper = NAN;
    res->iterations = 0;
    res->converged = 0;
    res->studies = NULL;
    res->studies_borrowed = 0;
}

int meta_result_alloc_studies(struct meta_result *res, size_t k, struct meta_error *err)
{
    res->studies = alloc_studies(k);
    if (!res->studies)
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    for (size_t i = 0; i < k; i++) {
        struct meta_study_result *s = &res->studies[i];
        s->yi = s->vi = s->ci_lower = s->ci_upper = s->weight = NAN;
    }
    return META_OK;
}

int meta_result_reserve_studies(struct meta_result *res, size_t k, struct meta_error *err)
{
    res->studies = alloc_studies(k);
    if (!res->studies)
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    return META_OK;
}

void meta_result_release(struct meta_result *res)
{
    if (!res)
        return;
    if (!res->studies_borrowed)
        free(res->studies);
    res->studies = NULL;
    res->studies_borrowed = 0;
}

void meta_results_free(struct meta_result *results, size_t count)
{
    if (!results)
        return;
    for (size_t i = 0; i < count; i++)
        meta_result_release(&results[i]);
    free(results);
}

int meta_result_inference(struct meta_result *res, double df, struct meta_error *err)
{
    double alpha = 1.0 - res->level / 100.0, crit;
    if (!(res->se > 0.0) || !isfinite(res->se) || !isfinite(res->estimate))
        return meta_error_set(err, META_EDOM,
                              "the standard error of the pooled effect is %g: the studies leave "
                              "no sampling variation to test against",
                              res->se);
    res->statistic = res->estimate / res->se;
    if (df > 0.0) {
        crit = gsl_cdf_tdist_Qinv(alpha / 2.0, df);
        res->p = 2.0 * gsl_cdf_tdist_Q(fabs(res->statistic), df);
        res->df = df;
    } else {
        crit = gsl_cdf_ugaussian_Qinv(alpha / 2.0);
        res->p = 2.0 * gsl_cdf_ugaussian_Q(fabs(res->statistic));
        res->df = NAN;
    }
    if (!isfinite(crit) || !isfinite(res->p))
        return meta_error_set(err, META_EDOM, "the critical value or p-value is not available");
    res->ci_lower = res->estimate - crit * res->se;
    res->ci_upper = res->estimate + crit * res->se;
    return META_OK;
}

void meta_result_common_heterogeneity(struct meta_result *res)
{
    if (res->Q_df > 0) {
        double df = (double)res->Q_df;
        res->Q_p = gsl_cdf_chisq_Q(res->Q, df);
        res->I2 = res->Q > 0.0 ? fmax(0.0, 100.0 * (res->Q - df) / res->Q) : 0.0;
        res->H2 = res->Q / df;
    } else {
        res->Q_p = 1.0;
        res->I2 = 0.0;
        res->H2 = 1.0;
    }
}

void meta_result_study_cis(struct meta_result *res)
{
    double z = gsl_cdf_ugaussian_Qinv((1.0 - res->level / 100.0) / 2.0);
    for (size_t i = 0; i < res->k; i++) {
        struct meta_study_result *s = &res->studies[i];
        if (isfinite(s->yi) && isfinite(s->vi)) {
            s->ci_lower = s->yi - z * sqrt(s->vi);
            s->ci_upper = s->yi + z * sqrt(s->vi);
        }
    }
}

void meta_result_set_options(struct meta_result *res, size_t k, const struct meta_options *opts)
{
    res->k = k;
    res->measure = opts->measure;
    res->model = opts->model;
    res->method = opts->method;
    res->ci = opts->ci;
    res->level = opts->level;
    res->convention = opts->convention;
}

int meta_compact_estimable(const double *yi, const double *vi, size_t k, double **cy, double **cv,
                           size_t *kest, struct meta_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        n += !isnan(yi[i]);
    *kest = n;
    *cy = malloc((n ? n : 1) * sizeof **cy);
    *cv = malloc((n ? n : 1) * sizeof **cv);
    if (!*cy || !*cv) {
        free(*cy);
        free(*cv);
        *cy = *cv = NULL;
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    }
    for (size_t i = 0, j = 0; i < k; i++) {
        if (isnan(yi[i]))
            continue;
        (*cy)[j] = yi[i];
        (*cv)[j++] = vi[i];
    }
    return META_OK;
}
