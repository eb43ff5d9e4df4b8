/*
 * Public interface of lib/stats for meta-regression: the design matrix built
 * from trial attributes (numeric moderators as they are, categorical ones as
 * indicators), and the weighted regression of effect sizes on it, common-effect
 * or mixed-effects with any tau^2 estimator, as metafor 3.8's
 * rma(yi, vi, mods = X, method, test) reports it. O(k) memory and O(k p^2)
 * time per iteration: no k x k matrix.
 */
#ifndef META_METAREG_H
#define META_METAREG_H

#include "meta_stats.h"

#include <stddef.h>

/* A design matrix: one row per trial, the intercept first. */
struct meta_design {
    size_t k;      /* rows (trials) */
    size_t p;      /* columns: the intercept, one per numeric moderator, and one
                      per level but the first of each categorical moderator */
    double *x;     /* k x p, row-major: x[i * p + j]; x[i * p] = 1 */
    char **names;  /* p column names: "intercept", "ablat", "alloc=random" */
    size_t n_mods; /* moderators given */
    char **mods;   /* their names as given, in order (the "mods" of the JSON) */
};

/*
 * Builds the design of `n_mods` moderators (names `mods`) for `k` trials from
 * their values as text: values[i * n_mods + j] is moderator j of trial i.
 * A moderator whose k values all parse as decimal numbers ("44", "-1.5e3";
 * surrounding blanks allowed; no hex, inf or nan) is continuous: one column,
 * named as the moderator. Any other is categorical: its distinct values are
 * sorted in byte order (strcmp), the first is the reference, and each other
 * level gets an indicator column named "ATTR=level" (R's treatment coding with
 * the levels in C-locale order). Columns follow the order of `mods`.
 * `labels` (k trial names, may be NULL) only serve error messages.
 * Errors (META_EINVAL, the reason in err): no moderators, a NULL or empty
 * name or value (callers exclude trials lacking a moderator first), a
 * moderator named twice, a moderator with one value in every trial ("has the
 * same value 'x' in all k trials"), more columns than trials, and a column
 * that is a linear combination of the intercept and the columns before it
 * (as R's lm() would find it and metafor drop it, "collinear"); META_ENOMEM.
 * On success *out owns its arrays (meta_design_release()); on failure *out
 * is empty (release is still allowed).
 */
int meta_design_build(const char *const *mods, size_t n_mods, const char *const *values, size_t k,
                      const char *const *labels, struct meta_design *out, struct meta_error *err);

/* Frees what a design owns and empties it. Accepts NULL and an empty design. */
void meta_design_release(struct meta_design *design);

/* One coefficient of a meta-regression (the "coefficients" of the JSON). */
struct meta_metareg_coef {
    char *name;                /* the design's column name (owned copy) */
    double estimate, se;       /* estimate and standard error */
    double statistic, p;       /* z, or t on `df` under hksj; two-sided p */
    double ci_lower, ci_upper; /* confidence interval at the options' level */
};

/*
 * A meta-regression as metafor's rma(yi, vi, mods = X, method = M,
 * test = "z"|"knha"). The fields after `coefficients` are the JSON's, in its
 * order; NAN prints null:
 *   QM, QM_df, QM_p  omnibus test of every coefficient but the intercept:
 *                    chi^2 on QM_df = p - 1, or under hksj metafor's F
 *                    statistic (Wald chi^2 / QM_df) on (QM_df, df);
 *   QE, QE_df, QE_p  residual heterogeneity: y'Py at weights 1/vi on
 *                    QE_df = k - p (0, and p = 1, when k = p);
 *   df               k - p under hksj, NAN under z;
 *   tau2             residual between-study variance; NAN under the common model;
 *   I2, H2           100 tau2 / (vt + tau2) and 1 + tau2 / vt with
 *                    vt = (k - p) / tr(P) at weights 1/vi (metafor's
 *                    residual I^2 and H^2); NAN under the common model;
 *   R2               metafor's pseudo R^2 in percent:
 *                    max(0, 100 (tau2_0 - tau2) / tau2_0), tau2_0 that of the
 *                    model without moderators (same estimator), 0 when
 *                    tau2_0 = 0; NAN under the common model.
 * `vb` (not printed) is the coefficients' covariance matrix, for predictions
 * (meta_metareg_predict(), the bubble plot's band).
 */
struct meta_metareg {
    size_t k, p;
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
    double level;
    struct meta_metareg_coef *coefficients; /* p, owned */
    double QM;
    int QM_df;
    double QM_p;
    double QE;
    int QE_df;
    double QE_p;
    double df;
    double tau2, I2, H2, R2;
    int iterations; /* of the tau^2 estimator (0 for closed forms) */
    double *vb;     /* p x p, row-major, owned */
};

/*
 * Fits the meta-regression of yi (sampling variances vi, design->k each, read
 * only) on `design` (borrowed; its k rows are the trials, in the order of yi)
 * as metafor 3.8's rma.uni with mods = design->x (intercept included) does:
 * weighted least squares through GSL's Cholesky factorisation of X'WX (its
 * columns centred and scaled first, so that a moderator like a calendar year
 * does not make it ill-conditioned), the tau^2 estimators of the random model
 * (DL, HE, HS, SJ closed forms; PM root; ML, REML, EB Fisher scoring with
 * metafor's step halving and likelihood check at tau^2 = 0), converged as
 * meta_pool_yv() converges (opts->tol relative).
 * opts->method must be IV (common model) or a tau^2 estimator (random).
 * Errors: META_EINVAL for bad options, MH or PETO, a non-finite yi/vi or
 * vi <= 0, a design with no moderators (p < 2), or more coefficients than
 * trials allow (p > k, or p + 1 > k under the random model, as metafor
 * refuses); META_EDOM when the model cannot be estimated (a constant or
 * collinear column, as R's lm() judges it, named in err); META_ENOCONV;
 * META_ENOMEM. Under hksj a fit with no residual variation (every
 * residual 0) has se 0, as in metafor, so its statistics are infinite or
 * NAN and its p-values follow. *out is always initialised; release it with
 * meta_metareg_release() after any return.
 */
int meta_metareg_fit(const double *yi, const double *vi, const struct meta_design *design,
                     const struct meta_options *opts, struct meta_metareg *out,
                     struct meta_error *err);

/* Frees what a meta-regression owns and empties it. Accepts NULL. */
void meta_metareg_release(struct meta_metareg *res);

/*
 * The fitted value at the design row x0 (p values, x0[0] = 1 for the
 * intercept) and its confidence interval x0'b -+ crit sqrt(x0' vb x0), crit
 * the z (or t on df under hksj) quantile at the fit's level, as metafor's
 * predict(fit, newmods) gives them (ci.lb, ci.ub). Returns META_OK or
 * META_EINVAL for a NULL argument or a result without coefficients.
 */
int meta_metareg_predict(const struct meta_metareg *res, const double *x0, double *pred,
                         double *ci_lower, double *ci_upper);

/* The weight of each study in percent, 100 w_i / sum w with
 * w_i = 1 / (vi + tau2) (tau2 = 0 under the common model), as metafor's
 * weights(fit): the bubble plot's marker areas. vi (k, the fit's) is read,
 * weight (k) written. META_OK, or META_EINVAL for a NULL argument. */
int meta_metareg_weights(const struct meta_metareg *res, const double *vi, double *weight);

#endif
