/*
 * Internals shared by the files of lib/stats: inverse-variance sums at a
 * given tau^2, the tau^2 estimators, the Q-profile interval, a bracketed
 * root finder and result bookkeeping. Not installed; callers outside
 * lib/stats use meta_stats.h only.
 */
#ifndef META_STATS_INTERNAL_H
#define META_STATS_INTERNAL_H

#include "meta_stats.h"

#include <stddef.h>

/* Inverse-variance sums of an intercept-only model with weights
 * w_i = 1/(v_i + tau2). The traces are those of P = W - w w'/sum(w), the
 * projection metafor's rma.uni works with; they are formed from the weight
 * fractions w_i/sum(w) so that one dominant weight (variance ratios of 1e20)
 * does not cancel them to zero. */
struct meta_iv_sums {
    double W;    /* sum w */
    double mu;   /* sum w y / sum w */
    double Q;    /* sum w (y - mu)^2: the Q statistic at tau2 */
    double sw2;  /* sum w^2 */
    double swr2; /* sum w^2 (y - mu)^2 = y'PPy */
    double trP;  /* tr(P) = sum w - sum w^2 / sum w */
    double trPP; /* tr(PP) */
};

/* Computes every field of *s at tau2 (two passes over the data, O(k)). */
void meta_iv_sums_full(const double *yi, const double *vi, size_t k, double tau2,
                       struct meta_iv_sums *s);

/* Computes W, mu, Q and swr2 only (the Q-profile and PM need no more). */
void meta_iv_sums_q(const double *yi, const double *vi, size_t k, double tau2,
                    struct meta_iv_sums *s);

/* The typical within-study variance s^2 = (k-1) / tr(P) at tau2 = 0
 * (Higgins & Thompson 2002), which I^2 and H^2 compare tau^2 with. k >= 2. */
double meta_typical_variance(const double *yi, const double *vi, size_t k);

/* Finds a root of f in [lo, hi] (f(lo) and f(hi) of opposite signs or one of
 * them 0) with GSL's Brent solver, to an interval width of epsabs + tol *
 * |x|, in at most max_iter iterations. *iter (may be NULL) receives the
 * iterations used. Returns META_OK, META_ENOCONV (iteration limit or no sign
 * change), META_EDOM (f not finite) or META_ENOMEM; err says which. */
int meta_root_brent(double (*f)(double x, void *params), void *params, double lo, double hi,
                    double epsabs, double tol, int max_iter, double *root, int *iter,
                    struct meta_error *err);

/* The chi-squared quantile on df degrees of freedom with lower-tail
 * probability prob (upper = 0) or upper-tail probability prob (upper = 1),
 * to 1e-14 relative. META_OK, or META_EDOM for prob outside (0, 1) or
 * df <= 0. */
int meta_chisq_quantile(double prob, double df, int upper, double *x, struct meta_error *err);

/* Estimates tau^2 for yi/vi (k >= 2, every vi > 0, all finite) with one of
 * the random-effects methods of metafor's rma.uni (DL, HE, HS, SJ, PM, EB, ML,
 * REML), truncated at 0. *iter receives the iterations used (0 for closed
 * forms). Returns META_OK, META_EINVAL for a method that is not a tau^2
 * estimator, META_ENOCONV when the iterative ones fail within max_iter. */
int meta_tau2_estimate(const double *yi, const double *vi, size_t k, enum meta_method method,
                       double tol, int max_iter, double *tau2, int *iter, struct meta_error *err);

/* The Q-profile confidence interval of tau^2 (Viechtbauer 2007) as metafor's
 * confint.rma.uni computes it: bounds where Q(tau2) crosses the chi-squared
 * quantiles on k-1 df, searched in [0, max(100, 10 tau2_hat)] (a bound beyond
 * the search interval is reported as its end, as metafor does), both 0 when
 * Q(0) is below the lower quantile. The bounds are solved to a relative
 * tolerance tol in at most max_iter steps (metafor's default confint()
 * stops uniroot() at an absolute 1.2e-4; the exact root is reported here,
 * as metafor gives it with control = list(tol = 1e-12)). level in percent.
 * k >= 2. *evals (may be NULL) receives the number of passes over the data
 * (evaluations of Q), which the benchmarks compare with a plain loop. */
int meta_tau2_qprofile(const double *yi, const double *vi, size_t k, double tau2_hat, double level,
                       double tol, int max_iter, double *lower, double *upper, int *evals,
                       struct meta_error *err);

/* Sets every field of res to "nothing yet": NAN numbers, NULL arrays. */
void meta_result_init(struct meta_result *res);

/* Allocates res->studies for k studies, each field NAN. META_OK or
 * META_ENOMEM. */
int meta_result_alloc_studies(struct meta_result *res, size_t k, struct meta_error *err);

/* Fills the inference fields of res (statistic, p, ci, df) from
 * res->estimate and res->se with a z or t (df > 0) critical value.
 * Returns META_OK or META_EDOM when se is 0 or not finite. */
int meta_result_inference(struct meta_result *res, double df, struct meta_error *err);

/* Sets Q_p, I2 and H2 of a common-effect result from Q and Q_df, as metafor
 * does (I2 = max(0, (Q - df)/Q) * 100, H2 = Q/df; 0 and 1 when df = 0). */
void meta_result_common_heterogeneity(struct meta_result *res);

/* Fills each study's ci_lower/ci_upper as yi -+ z sqrt(vi) at res->level. */
void meta_result_study_cis(struct meta_result *res);

/* Inverse-variance pooling behind meta_pool_yv(), for inputs already checked:
 * fills *out (whose studies array must be allocated, k entries). */
int meta_pool_iv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err);

/* meta_pool_yv() without the Q-profile tau^2 interval (tau2_ci_lower and
 * tau2_ci_upper stay NAN); every other field as meta_pool_yv() sets it. The
 * benchmarks time it against metafor's rma(), which leaves that interval to
 * confint(). */
int meta_pool_yv_fit(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                     struct meta_result *out, struct meta_error *err);

/* Mantel-Haenszel (RR, OR, RD) or Peto (OR) pooling of binary studies, checked
 * already: fills *out (studies array allocated, k entries). */
int meta_pool_mh(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err);

/* Checks a binary study's counts; META_OK, META_EINVAL or META_EDOM with the
 * reason in err. */
int meta_es_check_binary(const struct meta_study *study, struct meta_error *err);

#endif
