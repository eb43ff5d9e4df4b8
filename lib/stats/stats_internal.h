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
#include <stdint.h>

/* Two doubles in the vector type of GCC and Clang (SSE2 on x86-64, NEON on
 * arm64): the hot loops work on pairs of studies, two divisions per
 * instruction and two independent chains of additions per sum, where plain
 * C would be held to one in-order chain (floating-point addition is not
 * associative, so the compiler may not split it). */
typedef double meta_v2d __attribute__((vector_size(2 * sizeof(double))));
/* On x86-64, the hot loops are compiled twice, for the baseline (SSE2) and
 * for AVX2, and the loader picks the one the processor runs (GCC's and
 * Clang's function multiversioning): four studies per instruction. A build
 * may pass -DMETA_CLONES= to compile them once, for the baseline. */
#ifndef META_CLONES
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define META_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#endif
#ifndef META_CLONES
#define META_CLONES
#endif

/* What comparing two meta_v2d gives: -1 (all bits set) where true, 0 where
 * false, for bitwise selects. */
typedef int64_t meta_v2i __attribute__((vector_size(2 * sizeof(int64_t))));

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

/* The sums at one tau^2, remembered by meta_iv_pass(). */
struct meta_iv_memo {
    int valid;
    int traces; /* whether trP and trPP were computed */
    double tau2;
    struct meta_iv_sums s;
};

/* The data of one inverse-variance analysis, prepared once for the fused
 * passes of meta_iv_pass(): the index of the smallest variance, which has
 * the largest weight at every tau^2, a centre near the pooled mean, and the
 * sums last computed (at tau^2 = 0, where the heterogeneity statistics, the
 * closed-form estimators and the Q-profile all look, and at the last other
 * tau^2, usually the estimate), so that no pass is made twice. */
struct meta_iv_data {
    const double *yi, *vi; /* borrowed, k each */
    size_t k;
    size_t imax;                 /* index of the smallest vi */
    double centre;               /* the unweighted mean of yi */
    int passes;                  /* passes over the data so far */
    struct meta_iv_memo memo[2]; /* [0] tau^2 = 0, [1] the last other tau^2 */
};

/* Prepares *d for yi/vi (k >= 1) in one pass, and returns 1 when every yi
 * is finite and every vi in [1e-300, DBL_MAX] (0 otherwise: the caller then
 * checks the input itself; *d is fit for use only with finite yi and vi > 0
 * whose reciprocals are finite). */
int meta_iv_data_init(struct meta_iv_data *d, const double *yi, const double *vi, size_t k);

/* The sums of *s at tau2 in one pass over the data: W, mu, Q, sw2 and swr2,
 * and with traces = 1 also trP and trPP (NAN otherwise); no pass at all
 * when d remembers them. The weighted sums are taken around d->centre and
 * corrected to the mean afterwards; when the centre is too far from the mean
 * for that correction to keep full precision, the pass is repeated around
 * the mean just found. The largest weight's residual is formed from the
 * other studies, so that Q and swr2 stay accurate where the two-pass
 * meta_iv_sums_full() loses digits (variance ratios of 1e10 and more). */
void meta_iv_pass(struct meta_iv_data *d, double tau2, int traces, struct meta_iv_sums *s);

/* Computes every field of *s at tau2 (two passes over the data, O(k)): the
 * reference that meta_iv_pass() is checked against. */
void meta_iv_sums_full(const double *yi, const double *vi, size_t k, double tau2,
                       struct meta_iv_sums *s);

/* Computes W, mu, Q and swr2 only (the Q-profile and PM need no more). */
void meta_iv_sums_q(const double *yi, const double *vi, size_t k, double tau2,
                    struct meta_iv_sums *s);

/* Finds a root of f in [lo, hi] (f(lo) and f(hi) of opposite signs or one of
 * them 0) with GSL's Brent solver, to an interval width of epsabs + tol *
 * |x|, in at most max_iter iterations. *iter (may be NULL) receives the
 * iterations used. Returns META_OK, META_ENOCONV (iteration limit or no sign
 * change), META_EDOM (f not finite) or META_ENOMEM; err says which. */
int meta_root_brent(double (*f)(double x, void *params), void *params, double lo, double hi,
                    double epsabs, double tol, int max_iter, double *root, int *iter,
                    struct meta_error *err);

/* Where a non-increasing function f crosses zero, clamped to [lo, hi]: lo
 * when f(lo) <= 0, hi when f(hi) >= 0 (hi may be INFINITY), the root
 * otherwise. fdf sets f(x) and its derivative. The search starts at x0 in
 * [lo, hi], whose f and derivative are given (f0, df0), and takes Newton
 * steps, falling back to bisection whenever a step leaves the bracket known
 * so far or, once both ends are known, does not halve the previous step
 * (Numerical Recipes' rtsafe); f(lo) and f(hi) are evaluated
 * only when a step would cross them. Converged when a step or the bracket
 * is within epsabs + tol |x|. *iter (may be NULL) receives the evaluations
 * of fdf. f may be infinite (its sign still tells the side). Returns
 * META_OK, META_ENOCONV after max_iter evaluations, or META_EDOM when f or
 * its derivative is NaN. */
int meta_root_newton(void (*fdf)(double x, void *params, double *f, double *df), void *params,
                     double lo, double hi, double x0, double f0, double df0, double epsabs,
                     double tol, int max_iter, double *root, int *iter, struct meta_error *err);

/* The chi-squared quantile on df degrees of freedom with lower-tail
 * probability prob (upper = 0) or upper-tail probability prob (upper = 1),
 * to 1e-14 relative. META_OK, or META_EDOM for prob outside (0, 1) or
 * df <= 0. */
int meta_chisq_quantile(double prob, double df, int upper, double *x, struct meta_error *err);

/* Estimates tau^2 for the data of d (k >= 2, every vi > 0, all finite) with
 * one of the random-effects methods of metafor's rma.uni (DL, HE, HS, SJ,
 * PM, EB, ML, REML), truncated at 0. *iter receives the iterations used (0
 * for closed forms). Returns META_OK, META_EINVAL for a method that is not a
 * tau^2 estimator, META_ENOCONV when the iterative ones fail within
 * max_iter. */
int meta_tau2_estimate(struct meta_iv_data *d, enum meta_method method, double tol, int max_iter,
                       double *tau2, int *iter, struct meta_error *err);

/* The estimating equation of a Fisher-scoring estimator of tau^2 at t (its
 * sign that of the scoring step), with metafor's scoring step in *step; NAN
 * (both) when it cannot be evaluated. */
typedef double (*meta_score_fn)(double t, void *ctx, double *step);

/* The ML or REML log-likelihood at t up to a constant (NAN when it cannot be
 * evaluated). */
typedef double (*meta_loglik_fn)(double t, void *ctx);

/* Fisher scoring with step halving from t0 (truncated at 0), metafor's
 * algorithm for ML, REML and EB (Viechtbauer 2005), converged when a step
 * changes tau^2 by at most tol * max(tau^2, scale). When it does not
 * converge within max_iter steps, or diverges, the estimating equation is
 * solved by bracketing instead (within another max_iter steps); only when
 * that fails too is the answer META_ENOCONV. For ML and REML, tau^2 = 0 is
 * taken when its log-likelihood beats the solution's by more than metafor's
 * ll0check threshold. *iter receives the evaluations of score. */
int meta_tau2_scoring(meta_score_fn score, meta_loglik_fn loglik, void *ctx,
                      enum meta_method method, double t0, double tol, double scale, int max_iter,
                      double *tau2, int *iter, struct meta_error *err);

/* The Q-profile confidence interval of tau^2 (Viechtbauer 2007) as metafor's
 * confint.rma.uni computes it: bounds where Q(tau2) crosses the chi-squared
 * quantiles on k-1 df, searched in [0, max(100, 10 tau2_hat)] (a bound beyond
 * the search interval is reported as its end, as metafor does), both 0 when
 * Q(0) is below the lower quantile. The bounds are solved to a relative
 * tolerance tol in at most max_iter steps each (metafor's default confint()
 * stops uniroot() at an absolute 1.2e-4; the exact root is reported here,
 * as metafor gives it with control = list(tol = 1e-12)). level in percent.
 * k >= 2. d->passes counts the passes over the data it makes. */
int meta_tau2_qprofile(struct meta_iv_data *d, double tau2_hat, double level, double tol,
                       int max_iter, double *lower, double *upper, struct meta_error *err);

/* Sets every field of res to "nothing yet": NAN numbers, NULL arrays. */
void meta_result_init(struct meta_result *res);

/* Sets what a result records of its analysis: k, and measure, model,
 * method, ci, level and convention from opts. */
void meta_result_set_options(struct meta_result *res, size_t k, const struct meta_options *opts);

/* Copies the estimable studies (yi not NAN) of yi/vi into new arrays
 * *cy and *cv (freed by the caller), their count into *kest. META_OK or
 * META_ENOMEM (then both NULL). */
int meta_compact_estimable(const double *yi, const double *vi, size_t k, double **cy, double **cv,
                           size_t *kest, struct meta_error *err);

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

/* Allocates res->studies for k studies without setting them, for a caller
 * that sets every field of every study. META_OK or META_ENOMEM. */
int meta_result_reserve_studies(struct meta_result *res, size_t k, struct meta_error *err);

/* Fills each study's ci_lower/ci_upper as yi -+ z sqrt(vi) at res->level. */
void meta_result_study_cis(struct meta_result *res);

/* Inverse-variance pooling behind meta_pool_yv(), for inputs already checked:
 * fills *out (whose studies array must be allocated, k entries). */
int meta_pool_iv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err);

/* The inverse-variance analysis of the data of d (metafor's rules), with or
 * without the Q-profile tau^2 interval: fills *out, whose studies array
 * must hold d->k entries. */
int meta_pool_iv_data(struct meta_iv_data *d, const struct meta_options *opts, int with_tau2_ci,
                      struct meta_result *out, struct meta_error *err);

/* meta_pool_yv() under revman5 and r-meta, for arguments already checked
 * except yi and vi: pairs yi = vi = NAN are studies that are not estimable,
 * listed with no weight. Per-study results go into buf (k entries, the
 * caller's) or, when buf is NULL, a new array that the result owns. out is
 * initialised; on failure it holds no array. */
int meta_pool_conv_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                      int with_tau2_ci, struct meta_study_result *buf, struct meta_result *out,
                      struct meta_error *err);

/* The fields that revman5 and r-meta compute their own way, set from a
 * result whose estimate, se, Q, Q_df, tau2 (random model) are final: Q_p,
 * I2, H2, the tau^2 interval and the prediction interval. yi/vi are the
 * kest estimable studies (their order does not matter). */
int meta_conv_finish(struct meta_result *res, const double *yi, const double *vi, size_t kest,
                     const struct meta_options *opts, struct meta_error *err);

/* Mantel-Haenszel or Peto pooling under revman5 and r-meta, common or (MH)
 * random: fills *out, whose studies array holds k entries set to NAN. */
int meta_pool_mh_conv(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                      struct meta_result *out, struct meta_error *err);

/* Under revman5 and r-meta, when none of the k studies is estimable (every
 * meta_es_compute_opts() gives NAN): sets *res to a result that lists them
 * with NAN numbers and weight 0 (k_estimable 0) and returns 1. Returns 0,
 * leaving *res alone, under metafor, when one study is estimable, or when a
 * study fails to compute (meta_pool() then reports it). *status receives
 * META_ENOMEM when the list cannot be allocated (and 1 is returned). */
int meta_result_none_estimable(const struct meta_study *studies, size_t k,
                               const struct meta_options *opts, struct meta_result *res,
                               int *status, struct meta_error *err);

/* Jackson's (2013) confidence interval for tau^2 from the generalised Q
 * statistic with weights 1/sqrt(vi): the bounds where the probability that
 * Q exceeds its observed value is alpha/2 and 1 - alpha/2, with the search
 * interval and boundary rules of metafor's confint() for method "GENQ".
 * k >= 2 studies, all finite with vi > 0; k above 1000 gives NAN bounds
 * (the distribution needs the eigenvalues of a k x k matrix). level in
 * percent. META_OK, META_EDOM, META_ENOCONV or META_ENOMEM. */
int meta_tau2_jackson(const double *yi, const double *vi, size_t k, double level, double tol,
                      int max_iter, double *lower, double *upper, struct meta_error *err);

/* meta_pool_yv() without the Q-profile tau^2 interval (tau2_ci_lower and
 * tau2_ci_upper stay NAN); every other field as meta_pool_yv() sets it. With
 * studies NULL the result owns a new per-study array, as meta_pool_yv()'s
 * does; otherwise the per-study results go into the caller's array of
 * capacity entries, as meta_pool_yv_into() puts them. The benchmarks time it
 * against metafor's rma(), which leaves that interval to confint(). */
int meta_pool_yv_fit(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                     struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                     struct meta_error *err);

/* Checks effect sizes: k >= 1, every yi and vi finite, vi > 0 with a
 * finite reciprocal. META_OK or META_EINVAL naming the study (1-based). */
int meta_check_yv(const double *yi, const double *vi, size_t k, struct meta_error *err);

/* Mantel-Haenszel (RR, OR, RD) or Peto (OR) pooling of binary studies, checked
 * already: fills *out (studies array allocated, k entries). */
int meta_pool_mh(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err);

/* Checks a binary study's counts; META_OK, META_EINVAL or META_EDOM with the
 * reason in err. */
int meta_es_check_binary(const struct meta_study *study, struct meta_error *err);

/* The effect of a study with `given` set (study->given must be non-zero):
 * its yi and vi when they are of `measure`, finite and vi > 0 with a finite
 * reciprocal (META_OK); META_EINVAL with the reason otherwise, yi and vi then
 * NAN. The same under every convention. */
int meta_es_given(enum meta_measure measure, const struct meta_study *study, double *yi, double *vi,
                  struct meta_error *err);

/* Checks a continuous study's arms (rom: means must be > 0 too), as
 * meta_es_compute() does. META_OK, META_EINVAL or META_EDOM. */
int meta_es_check_continuous(const struct meta_study *study, int rom, struct meta_error *err);

/* Hedges' exact correction c(m), m = n1 + n2 - 2 > 1. META_OK or META_EDOM. */
int meta_es_hedges_c(double m, double *c, struct meta_error *err);

/* The 2x2 table of a binary study, and the same table with 0.5 added to
 * every cell when one of them is 0 (`corrected`, unchanged otherwise). */
struct meta_table {
    double a, b, c, d; /* treatment events/non-events, control events/non-events */
};
void meta_table_of(const struct meta_study *study, struct meta_table *raw,
                   struct meta_table *corrected);

/* 1 when the convention calls the table not estimable for the analysis of
 * opts (see meta_es_compute_opts()); 0 otherwise and always under metafor. */
int meta_table_not_estimable(const struct meta_options *opts, const struct meta_table *raw);

/* Peto's one-step log odds ratio (O - E)/V and its variance 1/V of a table;
 * returns 0 when V = 0 (no information), 1 otherwise. */
int meta_table_peto(const struct meta_table *t, double *yi, double *vi);

#endif
