/*
 * Internals of meta-regression shared by the files of lib/stats: weighted
 * least squares at a given tau^2 over a design held in O(k p) memory, the
 * tau^2 estimators on it, and one fit (coefficients, their covariance, Q)
 * that meta_metareg_fit(), the regression tests, trim-and-fill and the
 * influence diagnostics build on. Not installed.
 */
#ifndef META_METAREG_INTERNAL_H
#define META_METAREG_INTERNAL_H

#include "meta_bias.h"
#include "meta_metareg.h"
#include "stats_internal.h"

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stddef.h>

/* Relative column norm under which R's lm() (and so metafor) finds a column
 * redundant (LINPACK dqrdc2's tol). */
#define META_WLS_COLLINEAR_TOL 1e-7

/*
 * A weighted least-squares problem y = X b + e with Var(e_i) = v_i + tau2,
 * prepared once: the design's columns 1..p-1 centred on their means and
 * scaled by their root mean squares about them (column 0, the intercept,
 * stays 1), and y centred on y_0, so that X'WX stays well conditioned
 * whatever the moderators' units; the fit is the same in either basis.
 * After meta_wls_pass() the Cholesky factor of X'WX and the coefficients
 * (in the centred basis) of that tau2 are held for the caller.
 */
struct meta_wls {
    size_t k, p;
    const double *vi; /* borrowed, k */
    double *xt;       /* k x p, owned: the centred and scaled design */
    double *yt;       /* k, owned: y - yc */
    double yc;
    double *centre, *scale; /* p each, owned; centre[0] = 0, scale[0] = 1 */
    gsl_matrix *chol;       /* p x p: Cholesky factor (lower) of X'WX, last pass */
    gsl_vector *beta;       /* p: coefficients in the centred basis, last pass */
    gsl_matrix *t2, *t3;    /* p x p workspace: X'W^2X, X'W^3X */
    gsl_vector *rhs;        /* p workspace */
    double *work;           /* 4 p^2 + 2 p workspace */
    int passes;             /* passes over the data so far */
};

/* The sums of one pass at a tau^2 (weights w = 1/(v + tau2)), with
 * e = y - X b the weighted least-squares residuals there. */
struct meta_wls_sums {
    double W;      /* sum w */
    double sw2;    /* sum w^2 */
    double rss;    /* sum w e^2 = y'Py */
    double ypp;    /* sum w^2 e^2 = y'PPy */
    double trP;    /* tr(P), P = W - W X (X'WX)^-1 X'W (traces only, else NAN) */
    double trPP;   /* tr(PP) (traces only, else NAN) */
    double logdet; /* log det X'WX in the centred basis (differences only) */
};

/*
 * Prepares *w for yi, vi and the k x p row-major design x (x[i p] = 1; any
 * other column non-constant), k >= p >= 1, all finite, vi > 0 (checked by
 * the caller). Checks the design's rank as R's lm() does (Householder QR in
 * column order, a column redundant when its part orthogonal to the columns
 * before it is below META_WLS_COLLINEAR_TOL of its norm): META_EDOM naming
 * the column (names: p column names, or NULL for "column j"). META_ENOMEM.
 * On failure *w holds nothing (meta_wls_free() is still allowed).
 */
int meta_wls_init(struct meta_wls *w, const double *yi, const double *vi, const double *x, size_t k,
                  size_t p, const char *const *names, struct meta_error *err);

/* Frees what *w owns. Accepts a zeroed or failed *w. */
void meta_wls_free(struct meta_wls *w);

/* The weighted least-squares fit at tau2: two passes over the data (the
 * moment matrices, then the residuals), with tr(P) when traces >= 1 and
 * tr(PP) too when traces >= 2 (else NAN).
 * Leaves w->chol and w->beta for tau2. META_OK or META_EDOM when X'WX is
 * not positive definite. */
int meta_wls_pass(struct meta_wls *w, double tau2, int traces, struct meta_wls_sums *s,
                  struct meta_error *err);

/* Ordinary least squares (unit weights), for Hedges' estimator: s->rss is
 * the residual sum of squares and s->trP holds tr(P V) = sum v_i (1 - h_i)
 * with h the unweighted leverages. Leaves w->chol and w->beta. */
int meta_wls_pass_ols(struct meta_wls *w, struct meta_wls_sums *s, struct meta_error *err);

/* The coefficients (p) and (X'WX)^-1 (p x p, row-major) of the last pass,
 * in the design's own basis (beta = A beta~ + y_c e_0, cov = A S~^-1 A' for
 * the centring A). META_OK, META_EDOM or META_ENOMEM. */
int meta_wls_solution(const struct meta_wls *w, double *beta, double *cov, struct meta_error *err);

/* Estimates tau^2 for the problem of w (k > p) with one of metafor's
 * estimators, as meta_tau2_estimate() does for p = 1. *at0 (may be NULL)
 * receives the sums at tau^2 = 0, traces included. */
int meta_wls_tau2(struct meta_wls *w, enum meta_method method, double tol, int max_iter,
                  double *tau2, int *iter, struct meta_wls_sums *at0, struct meta_error *err);

/*
 * One fitted model, in the design's own basis: what every user of a
 * regression fit reads.
 */
struct meta_wls_fit {
    size_t k, p;
    int random;      /* 1 under the random model */
    double tau2;     /* 0 under the common model */
    int iterations;  /* of the tau^2 estimator */
    double s2w;      /* the Hartung-Knapp factor (1 under z) */
    double df;       /* k - p under hksj, 0 under z */
    double *beta;    /* p, owned */
    double *vb;      /* p x p, owned: covariance of beta, s2w included */
    double QM;       /* Wald chi^2 of coefficients 1..p-1 (of 0 when p = 1) */
    double QE;       /* y'Py at weights 1/vi (0 when k <= p) */
    double vt;       /* (k - p) / tr(P) at weights 1/vi; NAN when k <= p */
    double W;        /* sum 1/(vi + tau2) */
    double logdetvb; /* log det vb */
};

/*
 * Fits yi/vi (k each) on the k x p design x (NULL when p = 1: the intercept
 * alone) under opts: common model for IV, MH and PETO, random with the
 * tau^2 estimator otherwise, Hartung-Knapp factor under hksj, as
 * rma.uni(yi, vi, mods = x, intercept = FALSE, method, test). With p = 1 the
 * inverse-variance machinery of meta_pool_yv() does the work (the same
 * numbers as meta pool). Inputs must be checked (finite, vi > 0). Needs
 * k >= p (common) or k >= p + 1 (random), else META_EINVAL with metafor's
 * reason. *fit is always initialised; release it with
 * meta_wls_fit_release().
 */
int meta_wls_fit(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                 const char *const *names, const struct meta_options *opts,
                 struct meta_wls_fit *fit, struct meta_error *err);

/* The weighted linear regression lm(yi ~ x - 1, weights = 1/vi) with its
 * multiplicative dispersion: the common-effect fit with vb scaled by
 * rss / (k - p) and df = k - p (Egger's test). Needs k > p. */
int meta_wls_fit_lm(const double *yi, const double *vi, const double *x, size_t k, size_t p,
                    const char *const *names, struct meta_wls_fit *fit, struct meta_error *err);

/* Frees what a fit owns. Accepts an initialised or failed fit. */
void meta_wls_fit_release(struct meta_wls_fit *fit);

/* x0' beta and x0' vb x0 for a design row x0 (p values). */
void meta_wls_fit_predict(const struct meta_wls_fit *fit, const double *x0, double *pred,
                          double *var);

/* Kendall's tau-b of the n pairs (x, y) and its two-sided p-value as R's
 * cor.test(x, y, method = "kendall", exact = TRUE): exact null distribution
 * without ties for n <= 170, the normal approximation with tie-corrected
 * variance otherwise. A pair with a NaN is left out, as cor.test() leaves
 * out incomplete cases; infinities are values like others. Both NAN when x
 * or y is constant (or fewer than 2 pairs are left). O(n log n) time (plus
 * O(n^3) at most for the exact p, n <= 170), O(n) memory, allocated per
 * call. META_OK or META_ENOMEM. */
int meta_kendall(const double *x, const double *y, size_t n, double *tau, double *pval,
                 struct meta_error *err);

/* Whether the method belongs to an inverse-variance fit (IV or a tau^2
 * estimator); META_EINVAL naming `what` and the method otherwise. */
int meta_check_iv_method(const struct meta_options *opts, const char *what, struct meta_error *err);

#endif
