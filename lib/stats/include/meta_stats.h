/*
 * Public interface of lib/stats: effect sizes, pooling, heterogeneity and
 * intervals for meta-analysis, agreeing with metafor 3.8 (see INTERFACE.md,
 * "Numerical conventions"). Pure computation on GSL and libm: no I/O.
 */
#ifndef META_STATS_H
#define META_STATS_H

#include "meta_status.h"

#include <stddef.h>

/* Effect-size measures: the first three need continuous arms, the rest binary. */
enum meta_measure { META_MD, META_SMD, META_ROM, META_RR, META_OR, META_RD };

/* Common (fixed) effect or random effects. */
enum meta_model { META_MODEL_COMMON, META_MODEL_RANDOM };

/* Pooling method: IV, MH and PETO under the common model; the tau^2
 * estimators under the random model. */
enum meta_method {
    META_METHOD_IV,
    META_METHOD_MH,
    META_METHOD_PETO,
    META_METHOD_DL,
    META_METHOD_REML,
    META_METHOD_ML,
    META_METHOD_PM,
    META_METHOD_HE,
    META_METHOD_HS,
    META_METHOD_SJ,
    META_METHOD_EB
};

/* How the confidence interval of the pooled effect is formed. */
enum meta_ci { META_CI_Z, META_CI_HKSJ };

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

/* The user-facing name of a measure ("MD", "SMD", "ROM", "RR", "OR", "RD");
 * "?" for a value outside the enum. The string is static. */
const char *meta_measure_name(enum meta_measure measure);

/* Parses a measure name, case-insensitively, into *out. Returns META_OK, or
 * META_EINVAL (and leaves *out alone) when name is NULL or unknown. */
int meta_measure_parse(const char *name, enum meta_measure *out);

/* "common" or "random"; "?" outside the enum. Static string. */
const char *meta_model_name(enum meta_model model);

/* Parses "common" or "random" (case-insensitive; "fixed" is accepted as a
 * synonym of "common"). META_OK or META_EINVAL. */
int meta_model_parse(const char *name, enum meta_model *out);

/* "IV", "MH", "PETO", "DL", "REML", "ML", "PM", "HE", "HS", "SJ", "EB";
 * "?" outside the enum. Static string. */
const char *meta_method_name(enum meta_method method);

/* Parses a method name case-insensitively. META_OK or META_EINVAL. */
int meta_method_parse(const char *name, enum meta_method *out);

/* "z" or "hksj"; "?" outside the enum. Static string. */
const char *meta_ci_name(enum meta_ci ci);

/* Parses "z" or "hksj" ("knha" is accepted as a synonym of "hksj"),
 * case-insensitively. META_OK or META_EINVAL. */
int meta_ci_parse(const char *name, enum meta_ci *out);

/* 1 for the binary measures (RR, OR, RD), 0 for the continuous ones. */
int meta_measure_is_binary(enum meta_measure measure);

/* 1 for the ratio measures (RR, OR, ROM), which are computed, pooled and
 * reported on the natural-log scale; 0 otherwise. */
int meta_measure_is_ratio(enum meta_measure measure);

/* 1 for the tau^2 estimators (DL ... EB), which belong to the random model;
 * 0 for IV, MH and PETO. */
int meta_method_is_random(enum meta_method method);

/* ------------------------------------------------------------------------ */
/* Arms and studies                                                          */
/* ------------------------------------------------------------------------ */

/* One continuous arm: participants analysed, mean, standard deviation. */
struct meta_arm_cont {
    double n, mean, sd;
};

/* One binary arm: participants with the event, participants at risk. */
struct meta_arm_bin {
    double events, total;
};

/* Combines `count` continuous arms of one side of a trial into one group with
 * the Cochrane Handbook formula (table 6.5.a): n = n1 + n2, the mean weighted
 * by n, sd = sqrt(((n1-1) sd1^2 + (n2-1) sd2^2 + n1 n2 / (n1+n2) (m1-m2)^2)
 * / (n1+n2-1)), applied pairwise from the first arm on when count > 2.
 * `arms` is read only. Returns META_OK, or META_EINVAL when count is 0, arms
 * or out is NULL, or an arm has a non-finite value, n < 1 or sd < 0 (then
 * *out is left alone and err, which may be NULL, says which arm). */
int meta_arm_cont_combine(const struct meta_arm_cont *arms, size_t count, struct meta_arm_cont *out,
                          struct meta_error *err);

/* Combines `count` binary arms into one group by summing events and totals.
 * Returns META_OK, or META_EINVAL when count is 0, a pointer is NULL, or an
 * arm has a non-finite or negative count or events > total. */
int meta_arm_bin_combine(const struct meta_arm_bin *arms, size_t count, struct meta_arm_bin *out,
                         struct meta_error *err);

/* One study: a treatment group compared with a control group, each already
 * combined from its arms. `binary` selects which pair of arms is read (tb/cb
 * when non-zero, tc/cc otherwise); the other pair is ignored. `label` is
 * borrowed (may be NULL) and only used in error messages. */
struct meta_study {
    const char *label;
    int binary;
    struct meta_arm_cont tc, cc; /* treatment, control: continuous */
    struct meta_arm_bin tb, cb;  /* treatment, control: binary */
};

/* ------------------------------------------------------------------------ */
/* Study-level effect sizes                                                  */
/* ------------------------------------------------------------------------ */

/* Computes one study's effect size yi and its sampling variance vi, as
 * metafor's escalc() does:
 *   MD   mean difference, vi = sd1^2/n1 + sd2^2/n2;
 *   SMD  Hedges' g with the exact bias correction
 *        c(m) = exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2)), m = n1+n2-2,
 *        vi = 1/n1 + 1/n2 + g^2 / (2 (n1+n2));
 *   ROM  log(m1/m2), vi = sd1^2/(n1 m1^2) + sd2^2/(n2 m2^2), no bias correction;
 *   RR, OR  log risk / odds ratio; RD risk difference; a study with any zero
 *        cell gets 0.5 added to all four cells (double zeros included).
 * Returns META_OK; META_EINVAL when a pointer is NULL, the study type does
 * not fit the measure, or an input is NaN/inf, negative, or events > total;
 * META_EDOM when the effect cannot be estimated from valid-looking data
 * (a continuous arm with n < 2 or sd <= 0, a ROM arm with mean <= 0, a binary
 * arm with total <= 0). On failure *yi and *vi are set to NAN and err (may be
 * NULL) holds the reason, e.g. "sd must be > 0 in the control arm, got 0";
 * callers that exclude such studies can report err->msg as the reason. */
int meta_es_compute(enum meta_measure measure, const struct meta_study *study, double *yi,
                    double *vi, struct meta_error *err);

/* ------------------------------------------------------------------------ */
/* Options and results                                                       */
/* ------------------------------------------------------------------------ */

struct meta_options {
    enum meta_measure measure;
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
    double level; /* confidence level in percent, 0 < level < 100 */
    double tol;   /* relative convergence threshold: Fisher scoring stops when
                     a step changes tau^2 by at most tol * max(tau^2, s^2)
                     (s^2 the typical within-study variance); root finders
                     (PM, fallbacks, Q-profile bounds) to tol relative */
    int max_iter; /* iteration limit of each iterative stage */
};

/* Sets the defaults of INTERFACE.md: measure MD, model random, method REML,
 * ci z, level 95, tol 1e-12, max_iter 1000. For binary data the caller sets
 * measure (the INTERFACE default there is RR). */
void meta_options_init(struct meta_options *opts);

/* Checks that the options fit together: the method belongs to the model
 * (IV/MH/PETO common; DL...EB random), MH only with RR, OR, RD, PETO only
 * with OR, hksj not with MH or PETO, 0 < level < 100, tol > 0,
 * max_iter >= 1. Returns META_OK or META_EINVAL with the reason in err. */
int meta_options_check(const struct meta_options *opts, struct meta_error *err);

/* What is reported for one study of an analysis. */
struct meta_study_result {
    double yi, vi;             /* effect size and sampling variance; under
                                  MH/Peto NAN for a double-zero study (no
                                  events, or only events, in both arms), which
                                  metafor leaves out of Q; Peto's are the
                                  one-step (O - E)/V and 1/V */
    double ci_lower, ci_upper; /* yi -+ z sqrt(vi) at the options' level
                                  (z also under hksj, as metafor's forest) */
    double weight;             /* weight in percent of the total: 1/(vi+tau2)
                                  for IV; RevMan's for MH (OR b c/N, RR c n1/N,
                                  RD n1 n2/N) and Peto (V), so 0 for a double
                                  zero except under the MH risk difference,
                                  where metafor too counts it */
};

/* The result of one analysis. Fields that do not apply are NAN (the caller
 * prints null): df under z; tau2, tau2_ci_*, tau and pi_* under the common
 * model; tau2_ci_* when k = 1. Every other field is a finite number after a
 * successful call. Under the common model I2 = max(0, (Q - df)/Q) * 100 and
 * H2 = Q/df (0 and 1 when df = 0); under the random model
 * I2 = 100 tau2/(tau2 + s^2), H2 = (tau2 + s^2)/s^2 with
 * s^2 = (k-1) sum w / ((sum w)^2 - sum w^2), w = 1/vi. Under MH/Peto, Q is
 * metafor's (MH: the corrected study effects around the MH estimate; Peto:
 * sum (O-E)^2/V - (sum (O-E))^2 / sum V) on Q_df = studies with an effect
 * minus 1. The tau2 interval is the exact Q-profile one, searched up to
 * max(100, 10 tau2) like metafor (a bound beyond is reported as that end). */
struct meta_result {
    size_t k; /* studies analysed */
    enum meta_measure measure;
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
    double level;

    double estimate, se;       /* pooled effect (log scale for ratios) */
    double ci_lower, ci_upper; /* its confidence interval */
    double statistic, df, p;   /* z or t statistic, t df (NAN under z), p */
    double tau2;               /* between-study variance (random model) */
    double tau2_ci_lower;      /* Q-profile confidence interval of tau2 */
    double tau2_ci_upper;
    double tau;                        /* sqrt(tau2) */
    double I2, H2;                     /* heterogeneity: I^2 in percent, H^2 */
    double Q;                          /* Cochran's Q */
    int Q_df;                          /* its degrees of freedom */
    double Q_p;                        /* its p-value (chi-squared) */
    double pi_lower, pi_upper;         /* prediction interval (random model) */
    int iterations;                    /* iterations of the tau^2 estimator (0 for
                                          closed forms) */
    int converged;                     /* 1 when the estimator converged */
    struct meta_study_result *studies; /* k entries, in input order; owned
                                          by the result unless
                                          studies_borrowed */
    int studies_borrowed;              /* 1 when studies is the caller's
                                          buffer (meta_pool_yv_into()),
                                          which release leaves alone; 0 (as
                                          in a zeroed result) when owned */
};

/* Releases what a result owns and sets studies to NULL and studies_borrowed
 * to 0. A borrowed studies array (meta_pool_yv_into()) is not freed: it
 * stays the caller's, contents intact. Accepts NULL and a result that
 * meta_pool*() left after a failure. */
void meta_result_release(struct meta_result *res);

/* Frees an array of `count` results returned by meta_leave1out() or
 * meta_cumulative(), each released first. Accepts NULL. */
void meta_results_free(struct meta_result *results, size_t count);

/* ------------------------------------------------------------------------ */
/* Pooling                                                                   */
/* ------------------------------------------------------------------------ */

/* The whole analysis of `k` studies from their arm data: computes each
 * study's yi/vi (meta_es_compute), then pools them as opts asks (IV common,
 * Mantel-Haenszel or Peto from the counts, or random effects with the chosen
 * tau^2 estimator), with heterogeneity, the Q-profile tau^2 interval, the
 * prediction interval and per-study weights, as metafor 3.8's rma.uni,
 * rma.mh and rma.peto report them.
 * k = 1 gives what metafor gives: estimate = yi, se = sqrt(vi), z test (hksj
 * falls back to z, df NAN), Q = 0 on 0 df, Q_p = 1, I2 = 0, H2 = 1; under the
 * random model tau2 = tau = 0, the prediction interval equals the confidence
 * interval and the tau2 interval, which metafor refuses to compute, is NAN.
 * `out` is always initialised (release it with meta_result_release() after
 * any return). Returns META_OK; META_EINVAL for bad options, k = 0 or bad
 * input data; META_EDOM when a study's effect cannot be estimated (err names
 * the study by label: callers wanting to leave such studies out check each
 * with meta_es_compute() first) or the pooled effect cannot be (all studies
 * double-zero under MH/Peto); META_ENOCONV when an iterative estimator does
 * not converge within opts->max_iter; META_ENOMEM. */
int meta_pool(const struct meta_study *studies, size_t k, const struct meta_options *opts,
              struct meta_result *out, struct meta_error *err);

/* Inverse-variance common or random-effects pooling straight from effect
 * sizes yi and sampling variances vi (k each, read only). opts->measure is
 * only recorded; opts->method must be IV or a tau^2 estimator. Runs in O(k)
 * time per iteration and O(k) memory (the per-study array of the result),
 * so it suits millions of studies. Failure as meta_pool(); META_EINVAL also
 * for a non-finite yi/vi or vi <= 0. */
int meta_pool_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err);

/* meta_pool_yv() writing the per-study results into `studies`, an array of
 * `capacity` entries that the caller owns, instead of a new array: for a
 * caller that pools many times (bootstrap, simulation, benchmarks) and
 * would otherwise have a k-entry array allocated, faulted in and freed on
 * every call (40 MB for a million studies).
 * On success every number in *out and in out->studies[0..k-1] is what
 * meta_pool_yv() gives, bit for bit, but out->studies == studies (entries
 * 0..k-1 written, the rest untouched) and out->studies_borrowed == 1: meta_result_release(out) does
 * not free the array, and the caller must keep it alive for as long as it reads out->studies, and
 * free it (after the last use) as it allocated it. The next call with the same array overwrites the
 * previous result's entries; copy them first to keep them. The array must not overlap yi or vi.
 * `out` is always initialised, as by meta_pool_yv(); on failure
 * out->studies is NULL and the contents of the array are unspecified.
 * Failure as meta_pool_yv(); META_EINVAL also when studies is NULL,
 * capacity < k, or the array overlaps yi or vi. */
int meta_pool_yv_into(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                      struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                      struct meta_error *err);

/* ------------------------------------------------------------------------ */
/* Subgroups, leave-one-out, cumulative                                      */
/* ------------------------------------------------------------------------ */

/* Test for subgroup differences. */
struct meta_subgroup_test {
    double Q; /* weighted spread of the subgroup estimates */
    int df;   /* number of subgroups - 1 */
    double p; /* chi-squared p-value */
};

/* Tests whether the pooled estimates of `count` subgroups (each pooled on its
 * own, with its own tau^2) differ: Q = sum w_g (est_g - mean)^2 with
 * w_g = 1/se_g^2 and mean the w-weighted mean, on count - 1 df, as RevMan
 * and R's meta report it. `groups` is read only. Returns META_OK; META_EINVAL
 * when count < 2, a pointer is NULL or a subgroup has a non-finite estimate
 * or se <= 0. */
int meta_subgroup_test(const struct meta_result *groups, size_t count,
                       struct meta_subgroup_test *out, struct meta_error *err);

/* Leave-one-out analysis (metafor's leave1out()): result i pools every study
 * but study i, with the same options. On success *out points to k results,
 * owned by the caller (meta_results_free(*out, k)). Needs k >= 2; fails as
 * meta_pool() does for any step, with *out set to NULL. */
int meta_leave1out(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                   struct meta_result **out, struct meta_error *err);

/* Cumulative analysis (metafor's cumul()): result i pools studies 0..i in the
 * given order. On success *out points to k results owned by the caller
 * (meta_results_free(*out, k)); on failure *out is NULL. */
int meta_cumulative(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                    struct meta_result **out, struct meta_error *err);

#endif
