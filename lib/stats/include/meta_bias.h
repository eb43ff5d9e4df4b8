/*
 * Public interface of lib/stats for small-study effects and influence:
 * Egger's regression test in both of metafor's forms, Begg's rank
 * correlation, trim-and-fill and the leave-one-out influence diagnostics,
 * each agreeing with metafor 3.8 (regtest, ranktest, trimfill, influence).
 * They take the effect sizes yi and sampling variances vi of the analysis
 * and its options, so that they apply to any selection.
 *
 * Which fits they accept (metafor's rules): inverse-variance ones, common
 * (IV) or random (any tau^2 estimator), everywhere. Under Mantel-Haenszel
 * or Peto pooling, metafor runs regtest and ranktest on the studies' own
 * yi/vi (the 0.5-corrected ones; Peto's one-step (O - E)/V and 1/V), with
 * the common-effect model for regtest's regression, and so do these: pass
 * the studies whose yi is finite (metafor leaves double-zero studies out).
 * trimfill and influence exist only for inverse-variance fits in metafor;
 * here they refuse MH and PETO with META_EINVAL.
 */
#ifndef META_BIAS_H
#define META_BIAS_H

#include "meta_metareg.h"
#include "meta_stats.h"

#include <stddef.h>

/*
 * A regression test for funnel-plot asymmetry ("egger" and "regtest" of the
 * JSON): the coefficient of the studies' standard errors sei = sqrt(vi) added
 * to the model's design. The limit estimate is the intercept, the effect
 * expected of a study with sei -> 0, with its confidence interval; it exists
 * only for a model without moderators (NAN otherwise, as in metafor).
 */
struct meta_regtest {
    double coefficient;    /* the slope on sei */
    double se;             /* its standard error */
    double statistic;      /* its z or t statistic */
    double df;             /* t degrees of freedom; NAN for a z test */
    double p;              /* two-sided p-value */
    double limit_estimate; /* the intercept (limit as sei -> 0) */
    double limit_ci_lower, limit_ci_upper;
};

/*
 * Egger's test as metafor's regtest(fit, model = "lm"): the weighted linear
 * regression (weights 1/vi, multiplicative dispersion) of yi on the design
 * and sei; t on k - p - 1 df, the limit interval with the same t quantile at
 * opts->level. `design` (k rows) may be NULL for the model without
 * moderators. Only opts->level is used (the regression ignores the pooling
 * model, as metafor's does). Needs k >= p + 2 (a residual degree of freedom);
 * a perfect fit (every residual 0, all studies equal) gives se = 0 and
 * statistic and p NAN. Errors: META_EINVAL for bad input (k, a non-finite
 * yi/vi, vi <= 0, a design of other k), META_EDOM when sei is collinear with
 * the design ("the standard errors ... are all equal"), META_ENOMEM.
 * *out is all NAN after a failure.
 */
int meta_regtest_lm(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                    const struct meta_options *opts, struct meta_regtest *out,
                    struct meta_error *err);

/*
 * The default regtest(fit) of metafor: sei as a moderator in the analysis's
 * own model (opts: common, or random with its tau^2 estimator; z test, or t
 * on k - p - 1 df under hksj), the limit estimate and interval those of the
 * intercept. MH and PETO use the common-effect model, as metafor does.
 * Needs k >= p + 1 (common) or p + 2 (random). Errors as
 * meta_metareg_fit(), plus those of meta_regtest_lm().
 */
int meta_regtest_rma(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                     const struct meta_options *opts, struct meta_regtest *out,
                     struct meta_error *err);

/* Begg and Mazumdar's rank correlation test ("begg" of the JSON). */
struct meta_ranktest {
    double tau; /* Kendall's tau (tau-b) */
    double p;   /* two-sided p-value */
};

/*
 * The rank correlation test as metafor's ranktest(fit): Kendall's tau-b
 * between the standardised deviations (yi - theta) / sqrt(vi - 1/sum w) from
 * the common-effect mean theta (w = 1/vi) and the variances vi, in
 * O(k log k) (Knight 1966). The p-value is R's cor.test(exact = TRUE): the
 * exact null distribution of the number of concordant pairs when there are no
 * ties and k <= 170 (O(k^3) at most, that is bounded); with ties, or for
 * k > 170 (where R's exact computation overflows and gives NaN), the normal
 * approximation with the tie-corrected variance, no continuity correction
 * (R's cor.test(exact = FALSE)). The exact tail is summed as such: R takes
 * an upper tail as 1 - P(T <= q - 1), which rounding turns into about 1e-13
 * when the tail is smaller (the only place the two differ). When all yi are
 * equal the deviations are all
 * 0 and tau and p are NAN (metafor reports what rounding leaves of them).
 * Needs k >= 2. Errors: META_EINVAL for bad input, META_ENOMEM.
 */
int meta_ranktest(const double *yi, const double *vi, size_t k, struct meta_ranktest *out,
                  struct meta_error *err);

/* Trim-and-fill's estimators of the number of missing studies (Duval &
 * Tweedie 2000). */
enum meta_tf_estimator { META_TF_L0, META_TF_R0 };

/* The side of the funnel plot on which studies are missing. */
enum meta_tf_side { META_TF_AUTO, META_TF_LEFT, META_TF_RIGHT };

/* "L0", "R0"; "?" outside the enum. Static string. */
const char *meta_tf_estimator_name(enum meta_tf_estimator estimator);

/* Parses "L0" or "R0" (case-insensitive). META_OK or META_EINVAL. */
int meta_tf_estimator_parse(const char *name, enum meta_tf_estimator *out);

/* "auto", "left", "right"; "?" outside the enum. Static string. */
const char *meta_tf_side_name(enum meta_tf_side side);

/* One filled study. */
struct meta_tf_study {
    double yi, vi;
};

/*
 * A trim-and-fill analysis ("trimfill" of the JSON). estimate ... tau2 are
 * those of the analysis refitted with the k0 filled studies (of the
 * original fit when k0 = 0); tau2 is NAN under the common model.
 */
struct meta_trimfill {
    enum meta_tf_estimator estimator;
    enum meta_tf_side side; /* LEFT or RIGHT: where studies were missing */
    size_t k0;              /* studies filled */
    double estimate, se, ci_lower, ci_upper;
    double tau2;
    struct meta_tf_study *filled; /* k0 entries (NULL when k0 = 0), owned */
};

/*
 * Trim-and-fill as metafor's trimfill(fit, estimator = L0|R0): with side
 * META_TF_AUTO the side is metafor's (missing on the right when the slope of
 * the regression of yi on sqrt(vi), in the analysis's model, is negative,
 * else on the left; a slope within 1e-10 of its standard error of 0, as a
 * symmetric funnel's, counts as 0, where metafor's side follows the sign of
 * its rounding error); the k0 most extreme studies are trimmed and the
 * estimate refitted on the rest until k0 settles (at most 100 iterations, as
 * metafor), each iteration O(k) (the effects are sorted once; the ranks of
 * the centred effects come from merging the two sorted halves); the filled
 * studies mirror the trimmed ones about the trimmed estimate, and the whole
 * set is refitted with the analysis's model and tau^2 estimator. As in
 * metafor, that refit uses a z interval (its level here is opts->level;
 * metafor's is always 95%), while with k0 = 0 the result is the original fit,
 * hksj interval included. The filled studies come in metafor's order.
 * Needs k >= 2 (k >= 3 under the random model with side AUTO, whose
 * regression needs it). Errors: META_EINVAL for bad options or input, MH or
 * PETO; META_ENOCONV when k0 does not settle; those of the fits; META_ENOMEM.
 * *out is always initialised; release it with meta_trimfill_release().
 */
int meta_trimfill(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                  enum meta_tf_estimator estimator, enum meta_tf_side side,
                  struct meta_trimfill *out, struct meta_error *err);

/* Frees the filled studies and empties *tf. Accepts NULL. */
void meta_trimfill_release(struct meta_trimfill *tf);

/*
 * Influence diagnostics of one study ("influence" of the JSON, one entry per
 * study), as metafor's influence(fit). Fields that the fit without the study
 * cannot give (it cannot be estimated: too few studies for its
 * coefficients, or a column left all zero) are NAN.
 */
struct meta_influence {
    double rstudent; /* externally standardised residual */
    double dffits;   /* change in the fitted value, standardised */
    double cook_d;   /* Cook's distance */
    double cov_r;    /* covariance ratio det(vb without i) / det(vb) */
    double tau2_del; /* tau^2 without the study; NAN under the common model */
    double QE_del;   /* the (residual) Q statistic without the study */
    double hat;      /* leverage (1 when within 10 eps of it, as metafor) */
    double weight;   /* weight in percent */
    int influential; /* metafor's asterisk: |dffits| > 3 sqrt(p / (k - p)),
                        or P(chi^2_p <= cook_d) > 0.5, or hat > 3 p / k, or
                        any |dfbetas| > 1 (criteria that are NAN do not count) */
};

/*
 * Influence diagnostics of every study of the analysis of yi/vi (k each) with
 * `design` (k rows; NULL for the model without moderators) under opts, as
 * metafor 3.8's influence.rma.uni: each study is left out in turn and the
 * model refitted with the same options (k refits, so O(k^2) in all). `out`
 * is the caller's array of k entries, written in the order of yi.
 * Needs k >= 2. Errors: META_EINVAL for bad options or input, MH or PETO;
 * those of the full fit (meta_metareg_fit(), meta_pool_yv()); META_ENOMEM.
 * A refit that fails leaves its study's fields NAN, as in metafor.
 */
int meta_influence(const double *yi, const double *vi, size_t k, const struct meta_design *design,
                   const struct meta_options *opts, struct meta_influence *out,
                   struct meta_error *err);

#endif
