/*
 * Public interface of lib/stats: effect sizes, pooling, heterogeneity and
 * intervals for meta-analysis, agreeing with metafor 3.8 (see INTERFACE.md,
 * "Numerical conventions"). Pure computation on GSL and libm: no I/O.
 */
#ifndef META_STATS_H
#define META_STATS_H

#include "meta_status.h"

#include <stddef.h>

/* Effect-size measures: MD, SMD and ROM come from continuous arms, RR, OR and RD
 * from binary arms (or any of them from a study-level estimate); HR (hazard
 * ratio) and GIV (generic inverse variance: an effect on the scale its source
 * gives, which this library never transforms) come from study-level
 * estimates only (struct meta_study's `given`). */
enum meta_measure { META_MD, META_SMD, META_ROM, META_RR, META_OR, META_RD, META_HR, META_GIV };

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

/* Whose formulas a result follows (INTERFACE.md section 5): metafor 3.8 (the
 * default, every number as documented below), RevMan 5 / RevMan Web, or R's
 * meta package 8.x with its defaults. What each changes is listed at
 * struct meta_options. */
enum meta_convention { META_CONVENTION_METAFOR, META_CONVENTION_REVMAN5, META_CONVENTION_RMETA };

/* Whether a random-effects result carries a prediction interval: as the
 * convention has it (metafor and r-meta: always; revman5: not unless asked),
 * or on or off whatever the convention. */
enum meta_prediction { META_PREDICTION_DEFAULT, META_PREDICTION_ON, META_PREDICTION_OFF };

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

/* The user-facing name of a measure ("MD", "SMD", "ROM", "RR", "OR", "RD",
 * "HR", "GIV"); "?" for a value outside the enum. The string is static. */
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

/* "metafor", "revman5" or "r-meta"; "?" outside the enum. Static string. */
const char *meta_convention_name(enum meta_convention convention);

/* Parses a convention name case-insensitively ("rmeta" and "revman" are
 * accepted as synonyms of "r-meta" and "revman5"). META_OK or META_EINVAL
 * (and *out left alone). */
int meta_convention_parse(const char *name, enum meta_convention *out);

/* 1 for the binary measures (RR, OR, RD), 0 for the others. */
int meta_measure_is_binary(enum meta_measure measure);

/* 1 for the ratio measures (RR, OR, ROM, HR), which are computed, pooled and
 * reported on the natural-log scale; 0 otherwise. GIV is 0: its effects are
 * pooled on the scale given, which is the log scale only when its source
 * says so (the caller knows; see lib/analysis). */
int meta_measure_is_ratio(enum meta_measure measure);

/* 1 for the measures of study-level estimates only (HR, GIV), which no arm
 * data give; 0 for MD ... RD. */
int meta_measure_is_estimate_only(enum meta_measure measure);

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
 * borrowed (may be NULL) and only used in error messages.
 *
 * A study reported only as an effect (a study-level estimate: INTERFACE.md
 * 1b) sets `given`: yi and vi are then its effect and sampling variance on
 * the analysis scale of measure given_measure (the log scale for ratio
 * measures; GIV's scale as given), `binary` and the arms are not read, and
 * every function below that computes a study's effect (meta_es_compute(),
 * meta_es_compute_opts(), and through them the inverse-variance and
 * random-effects pooling, subgroups, leave-one-out and cumulative runs)
 * takes yi and vi as they are, under every convention. Mantel-Haenszel and
 * Peto pooling need counts and refuse such a study. A zeroed study (given
 * 0) is one of arm data, as before. */
struct meta_study {
    const char *label;
    int binary;
    struct meta_arm_cont tc, cc;     /* treatment, control: continuous */
    struct meta_arm_bin tb, cb;      /* treatment, control: binary */
    int given;                       /* 1: an effect as reported (yi, vi), not arm data */
    enum meta_measure given_measure; /* the measure of yi when given */
    double yi, vi;                   /* the effect and its variance when given */
};

/* ------------------------------------------------------------------------ */
/* Study-level effect sizes                                                  */
/* ------------------------------------------------------------------------ */

/* Computes one study's effect size yi and its sampling variance vi, as
 * metafor's escalc() does (a study with `given` set: its yi and vi, when
 * they are of `measure`, finite and vi > 0; META_EINVAL otherwise):
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

struct meta_options;

/* One study's yi and vi as opts->convention computes them for the analysis
 * that opts describes (opts->measure; under revman5 and r-meta also
 * opts->method, since Peto's study effect is its own). Under metafor this is
 * meta_es_compute(opts->measure, ...), bit for bit; a study with `given` set
 * gives its yi and vi under every convention, as meta_es_compute() does. The other conventions'
 * study-level rules are listed at struct meta_options.
 * A study whose data are valid but that the convention calls "not
 * estimable" (under revman5 and r-meta: no events in either arm for RR, OR
 * and Peto; every participant with the event in both arms for OR and Peto,
 * and for RR under r-meta) gives META_OK with *yi = *vi = NAN: it stays in
 * the analysis, listed with no weight (see struct meta_study_result).
 * Failures as meta_es_compute(); META_EINVAL also for opts NULL. */
int meta_es_compute_opts(const struct meta_options *opts, const struct meta_study *study,
                         double *yi, double *vi, struct meta_error *err);

/* ------------------------------------------------------------------------ */
/* Options and results                                                       */
/* ------------------------------------------------------------------------ */

/*
 * What an analysis computes. `convention` selects whose formulas the numbers
 * follow (INTERFACE.md section 5); META_CONVENTION_METAFOR (0, so also a
 * zeroed struct) is everything documented in this header. The others:
 *
 * revman5 (RevMan 5, and RevMan Web's data packages; Deeks & Higgins,
 * "Statistical algorithms in Review Manager 5", 2010):
 *   - binary studies: 0.5 added to every cell of a table with a zero cell,
 *     for RR and OR (estimate and variance); RD takes its estimate from the
 *     raw counts and its variance p(1-p)/n from the corrected ones; no events
 *     in either arm is not estimable for RR, OR and Peto (estimable, RD = 0,
 *     for RD); every participant with the event in both arms is not
 *     estimable for OR and Peto, and estimable for RR (log RR = 0, variance
 *     from the corrected cells); Peto's study effect (O - E)/V, 1/V from the
 *     raw counts;
 *   - SMD: Hedges' g with the approximate correction J = 1 - 3/(4N - 9),
 *     N = n1 + n2, variance 1/n1 + 1/n2 + g^2 / (2 (N - 3.94)); MD and ROM
 *     as metafor;
 *   - Mantel-Haenszel on the estimable tables with 0.5 in every cell of a
 *     zero-cell table, in the sums and in the weights; the RD variance of
 *     Greenland & Robins (1985); OR and RR variances as metafor's;
 *   - random effects: model random with method MH is DerSimonian-Laird with
 *     Q around the MH estimate (and so tau^2), then inverse-variance pooling
 *     with 1/(vi + tau^2); method DL or REML pools by inverse variance with
 *     that estimator (RevMan Web's REML option); other estimators and Peto
 *     under the random model are refused by meta_options_check();
 *   - Q on the estimable studies (df = their number - 1), I^2 = max(0,
 *     (Q - df)/Q) in percent also under the random model, H^2 = Q/df; no
 *     tau^2 interval (RevMan reports none); no prediction interval unless
 *     opts->prediction is META_PREDICTION_ON: then estimate -+ t(k-2) sqrt(se^2
 *     + tau^2) (Higgins, Thompson & Spiegelhalter 2009), k the estimable
 *     studies, at least 3;
 *   - weights in percent: MH weights (corrected counts) under fixed MH, V
 *     under Peto, 1/(vi + tau^2) under inverse variance and every random model.
 *
 * r-meta (R's meta 8.x with its defaults, metabin/metacont/metagen):
 *   - binary studies: a zero-cell RR gets 0.5 added to each arm's events and
 *     to each total (not 1); OR 0.5 in every cell; RD the raw difference with
 *     the variance from 0.5-corrected cells; no events in either arm (or, for
 *     RR, OR and Peto, events in every participant of both arms) is not
 *     estimable, out of the pooling, out of k_estimable and Q's df; Peto as
 *     under revman5;
 *   - SMD: Hedges' g with the exact correction c(m) (as metafor) and the
 *     unbiased variance 1/n1 + 1/n2 + g^2 (1 - (m - 2)/(m c(m)^2)),
 *     m = n1 + n2 - 2;
 *   - Mantel-Haenszel as under revman5 (0.5 in every cell of a zero-cell
 *     table, Greenland-Robins variance for RD); model random with method MH
 *     is meta's default binary random-effects analysis: DL with Q, I^2 and
 *     tau^2 around the MH estimate, then inverse variance; with any tau^2
 *     estimator as method, Q is the inverse-variance one;
 *   - I^2 from Q as under revman5, H^2 = max(1, Q/df), under both models;
 *   - tau^2 interval: none with method MH; Jackson's (2013) generalised
 *     Q interval (weights 1/se) under DL with a continuous measure (MD, SMD,
 *     ROM); the Q-profile otherwise; none when fewer than 3 studies are
 *     estimable (meta computes it from df = 2);
 *   - prediction interval: estimate -+ t(k-1) sqrt(se^2 + tau^2) with the
 *     ordinary (not Hartung-Knapp) standard error, also under hksj.
 *
 * In every convention a not-estimable study (see meta_es_compute_opts())
 * stays in the result's per-study list, in its place, with yi, vi, ci_lower
 * and ci_upper NAN and weight 0; meta_pool_yv() under revman5 and r-meta
 * accepts it as yi = vi = NAN. res->k counts the listed studies and
 * res->k_estimable those with an estimate.
 */
struct meta_options {
    enum meta_measure measure;
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
    double level;                    /* confidence level in percent, 0 < level < 100 */
    double tol;                      /* relative convergence threshold: Fisher scoring stops when
                                        a step changes tau^2 by at most tol * max(tau^2, s^2)
                                        (s^2 the typical within-study variance); root finders
                                        (PM, fallbacks, Q-profile bounds) to tol relative */
    int max_iter;                    /* iteration limit of each iterative stage */
    enum meta_convention convention; /* whose formulas (above) */
    enum meta_prediction prediction; /* prediction interval (random model) */
};

/* Sets the defaults of INTERFACE.md: measure MD, model random, method REML,
 * ci z, level 95, tol 1e-12, max_iter 1000, convention metafor, prediction
 * as the convention has it. For binary data the caller sets measure (the
 * INTERFACE default there is RR). */
void meta_options_init(struct meta_options *opts);

/* Checks that the options fit together: the method belongs to the model
 * (IV/MH/PETO common; DL...EB random; under revman5 and r-meta MH also
 * random, and under revman5 only DL, REML and MH are random methods, Peto
 * only common), MH only with RR, OR, RD, PETO only with OR, hksj not with MH
 * or PETO, 0 < level < 100, tol > 0, max_iter >= 1, a known convention and
 * prediction setting. Returns META_OK or META_EINVAL with the reason in
 * err. */
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
                                  where metafor too counts it; 0 for a study
                                  that is not estimable (yi NAN) under
                                  revman5 and r-meta */
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
 * max(100, 10 tau2) like metafor (a bound beyond is reported as that end).
 * Under revman5 and r-meta the fields follow the rules listed at struct
 * meta_options instead where those say so (I2, H2, Q on the estimable
 * studies, the tau2 interval, the prediction interval). */
struct meta_result {
    size_t k; /* studies analysed: the entries of studies[] */
    enum meta_measure measure;
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
    double level;
    enum meta_convention convention; /* whose formulas the numbers follow */
    size_t k_estimable;              /* studies with an estimate (finite yi):
                                        RevMan's "df + 1", R meta's k; k
                                        under metafor's IV pooling */

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

/* The whole analysis of `k` studies from their arm data (or, for studies
 * with `given` set, their reported effects: under IV and the tau^2
 * estimators any mix of the two is pooled from the studies' yi/vi, as
 * meta_pool_yv() pools them): computes each
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
 * input data (a study with `given` set under MH or Peto, which need counts,
 * included); META_EDOM when a study's effect cannot be estimated (err names
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
    double Q;  /* weighted spread of the subgroup estimates */
    int df;    /* number of subgroups - 1 */
    double p;  /* chi-squared p-value */
    double I2; /* max(0, (Q - df)/Q) in percent, as RevMan prints it */
};

/* Tests whether the pooled estimates of `count` subgroups (each pooled on its
 * own, with its own tau^2) differ: Q = sum w_g (est_g - mean)^2 with
 * w_g = 1/se_g^2 and mean the w-weighted mean, on count - 1 df, as RevMan
 * and R's meta report it. `groups` is read only. Returns META_OK; META_EINVAL
 * when count < 2, a pointer is NULL or a subgroup has a non-finite estimate
 * or se <= 0. */
int meta_subgroup_test(const struct meta_result *groups, size_t count,
                       struct meta_subgroup_test *out, struct meta_error *err);

/* A whole analysis with subgroups, as RevMan and R's meta show it. */
struct meta_subgroup_analysis {
    struct meta_result overall; /* every study pooled together: the overall
                                   total; overall.studies[i].weight is the
                                   weight printed beside study i when the
                                   analysis shows overall totals (RevMan and
                                   R meta: from the overall tau^2, in percent
                                   of the overall total) */
    size_t n_groups;
    struct meta_result *groups;     /* n_groups entries: subgroup g's studies
                                       (in input order) pooled on their own,
                                       with their own tau^2: the subgroup total;
                                       its studies[j].weight is the weight within
                                       the subgroup (RevMan's "subgroup totals
                                       only"). A subgroup without studies, or
                                       whose studies are all not estimable, has
                                       k_estimable = 0, NAN numbers and its
                                       studies listed with weight 0 */
    size_t *member;                 /* k entries: member[i] is study i's index
                                       within groups[group[i]].studies */
    struct meta_subgroup_test test; /* over the subgroups with an estimate */
    int have_test;                  /* 1 when at least 2 have one */
};

/* Pools k studies, each in subgroup group[i] < n_groups, as an analysis
 * with subgroups: the overall result, each subgroup on its own, and the
 * test for subgroup differences over the subgroups that have an estimate
 * (meta_subgroup_test()), every part under opts (so under opts->convention).
 * This is what RevMan and R meta print for such an analysis: the engine
 * shows overall.studies[i].weight beside each study when it shows the
 * overall total, groups[group[i]].studies[member[i]].weight when it shows
 * subgroup totals only, groups[g] as subgroup g's total and test as the test
 * for subgroup differences. `out` is always initialised; release it with
 * meta_subgroup_analysis_release() after any return. Failure as
 * meta_pool() for the overall analysis or a subgroup (err says which),
 * except that under revman5 and r-meta a subgroup whose studies are all not
 * estimable is reported as such (above) instead; META_EINVAL also for
 * n_groups = 0, group NULL or a group index >= n_groups. */
int meta_pool_subgroups(const struct meta_study *studies, size_t k, const size_t *group,
                        size_t n_groups, const struct meta_options *opts,
                        struct meta_subgroup_analysis *out, struct meta_error *err);

/* meta_pool_subgroups() on effect sizes (estimate rows, generic inverse
 * variance, O-E and variance as (O-E)/V and 1/V) through meta_pool_yv(): a
 * pair yi = vi = NAN is a not-estimable study under revman5 and r-meta. */
int meta_pool_subgroups_yv(const double *yi, const double *vi, size_t k, const size_t *group,
                           size_t n_groups, const struct meta_options *opts,
                           struct meta_subgroup_analysis *out, struct meta_error *err);

/* Releases what meta_pool_subgroups*() put in *a and zeroes it. Accepts
 * NULL. */
void meta_subgroup_analysis_release(struct meta_subgroup_analysis *a);

/* Leave-one-out analysis (metafor's leave1out()): result i pools every study
 * but study i, with the same options. On success *out points to k results,
 * owned by the caller (meta_results_free(*out, k)). Needs k >= 2; fails as
 * meta_pool() does for any step, with *out set to NULL; under revman5 and
 * r-meta a step whose studies are all not estimable gives a result with
 * k_estimable = 0 and NAN numbers (studies listed with weight 0) instead. */
int meta_leave1out(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                   struct meta_result **out, struct meta_error *err);

/* Cumulative analysis (metafor's cumul()): result i pools studies 0..i in the
 * given order. On success *out points to k results owned by the caller
 * (meta_results_free(*out, k)); on failure *out is NULL. Under revman5 and
 * r-meta a step with no estimable study yet is a not-estimable result, as
 * in meta_leave1out(). */
int meta_cumulative(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                    struct meta_result **out, struct meta_error *err);

#endif
