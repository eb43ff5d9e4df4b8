/*
 * Weighted least squares for meta-regression at a given tau^2, in O(k p)
 * memory and O(k p^2) time per pass: the moment matrices X'WX, X'W^2X and
 * X'W^3X in one pass, GSL's Cholesky factorisation, the residuals in a
 * second pass, and the traces of P that REML's scoring needs from p x p
 * products alone. The design is centred and scaled once so that the normal
 * equations stay well conditioned.
 */
#include "metareg_internal.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void name_of(char *buf, size_t size, const char *const *names, size_t j)
{
    if (names && names[j])
        snprintf(buf, size, "'%s'", names[j]);
    else
        snprintf(buf, size, "column %zu", j + 1);
}

void meta_wls_free(struct meta_wls *w)
{
    if (!w)
        return;
    free(w->xt);
    free(w->yt);
    free(w->centre);
    free(w->scale);
    free(w->work);
    if (w->chol)
        gsl_matrix_free(w->chol);
    if (w->t2)
        gsl_matrix_free(w->t2);
    if (w->t3)
        gsl_matrix_free(w->t3);
    if (w->beta)
        gsl_vector_free(w->beta);
    if (w->rhs)
        gsl_vector_free(w->rhs);
    memset(w, 0, sizeof *w);
}

/* What one pass sums besides X'WX and X'Wy: nothing; X'W^2X (for tr P);
 * X'W^2X and X'W^3X (for tr PP too); with unit weights, X'VX (Hedges'
 * estimator); with unit weights, nothing (the design's Gram matrix). */
enum pass_mode { WEIGHTED, WEIGHTED_TRP, WEIGHTED_TRACES, OLS, GRAM };

/* Coefficients up to which the passes run with p a compile-time constant
 * and their sums in local arrays (which the compiler keeps in registers). */
#define SMALL_P 6

/* The lower triangles of X'WX (into s), of X'W^2X and X'W^3X (WEIGHTED_TRACES)
 * or of X'VX (OLS) and X'Wy, with sum w and sum w^2, in one pass. Inlined
 * with p and mode constant (see moments()), so that the compiler unrolls
 * the loops over the columns; for p <= SMALL_P the sums build up in local
 * arrays and are stored once at the end. */
static inline __attribute__((always_inline)) void
moments_rows(const struct meta_wls *w, double tau2, enum pass_mode mode, size_t p, double *s,
             double *t2, double *t3, double *b, double *sum_w, double *sum_w2)
{
    enum { L = SMALL_P * SMALL_P };
    double ls[L] = {0.0}, l2[L] = {0.0}, l3[L] = {0.0}, lb[SMALL_P] = {0.0};
    int local = p <= SMALL_P;
    double *S = local ? ls : s, *T2 = local ? l2 : t2, *T3 = local ? l3 : t3, *B = local ? lb : b;
    const double *restrict xt = w->xt, *restrict yt = w->yt, *restrict vi = w->vi;
    size_t k = w->k;
    double W = 0.0, W2 = 0.0;
    if (!local) {
        memset(s, 0, p * p * sizeof *s);
        memset(t2, 0, p * p * sizeof *t2);
        memset(t3, 0, p * p * sizeof *t3);
        memset(b, 0, p * sizeof *b);
    }
    for (size_t i = 0; i < k; i++) {
        const double *xr = xt + i * p;
        double wi = mode == OLS || mode == GRAM ? 1.0 : 1.0 / (vi[i] + tau2);
        double wy = wi * yt[i];
        W += wi;
        W2 += wi * wi;
        for (size_t j = 0; j < p; j++) {
            double wx = wi * xr[j];
            B[j] += wy * xr[j];
            for (size_t l = 0; l <= j; l++)
                S[j * p + l] += wx * xr[l];
        }
        if (mode == WEIGHTED_TRACES) {
            double w2 = wi * wi, w3 = w2 * wi;
            for (size_t j = 0; j < p; j++)
                for (size_t l = 0; l <= j; l++) {
                    double xx = xr[j] * xr[l];
                    T2[j * p + l] += w2 * xx;
                    T3[j * p + l] += w3 * xx;
                }
        } else if (mode == WEIGHTED_TRP) {
            double w2 = wi * wi;
            for (size_t j = 0; j < p; j++)
                for (size_t l = 0; l <= j; l++)
                    T2[j * p + l] += w2 * xr[j] * xr[l];
        } else if (mode == OLS) {
            double v = vi[i];
            for (size_t j = 0; j < p; j++)
                for (size_t l = 0; l <= j; l++)
                    T2[j * p + l] += v * xr[j] * xr[l];
        }
    }
    if (local) {
        memcpy(s, ls, p * p * sizeof *s);
        memcpy(t2, l2, p * p * sizeof *t2);
        memcpy(t3, l3, p * p * sizeof *t3);
        memcpy(b, lb, p * sizeof *b);
    }
    *sum_w = W;
    *sum_w2 = W2;
}

/* The second pass: sum w e^2 and sum w^2 e^2 of the residuals
 * e = y - X beta (inlined as moments_rows()). */
static inline __attribute__((always_inline)) void residual_rows(const struct meta_wls *w,
                                                                double tau2, enum pass_mode mode,
                                                                size_t p, const double *beta,
                                                                double *rss_out, double *ypp_out)
{
    double rss = 0.0, ypp = 0.0;
    for (size_t i = 0; i < w->k; i++) {
        const double *xr = w->xt + i * p;
        double fit = 0.0;
        for (size_t j = 0; j < p; j++)
            fit += xr[j] * beta[j];
        double e = w->yt[i] - fit;
        double wi = mode == OLS ? 1.0 : 1.0 / (w->vi[i] + tau2);
        rss += wi * e * e;
        ypp += wi * wi * e * e;
    }
    *rss_out = rss;
    *ypp_out = ypp;
}

/* The rows' loops for the usual numbers of coefficients with p a constant,
 * else with p as it comes. */
#define BY_P(call_p)                                                                               \
    switch (w->p) {                                                                                \
    case 2:                                                                                        \
        call_p(2);                                                                                 \
        break;                                                                                     \
    case 3:                                                                                        \
        call_p(3);                                                                                 \
        break;                                                                                     \
    case 4:                                                                                        \
        call_p(4);                                                                                 \
        break;                                                                                     \
    case 5:                                                                                        \
        call_p(5);                                                                                 \
        break;                                                                                     \
    case 6:                                                                                        \
        call_p(6);                                                                                 \
        break;                                                                                     \
    default:                                                                                       \
        call_p(w->p);                                                                              \
    }

static void moments(const struct meta_wls *w, double tau2, enum pass_mode mode, double *s,
                    double *t2, double *t3, double *b, double *sum_w, double *sum_w2)
{
#define CALL(P)                                                                                    \
    do {                                                                                           \
        if (mode == WEIGHTED)                                                                      \
            moments_rows(w, tau2, WEIGHTED, P, s, t2, t3, b, sum_w, sum_w2);                       \
        else if (mode == WEIGHTED_TRP)                                                             \
            moments_rows(w, tau2, WEIGHTED_TRP, P, s, t2, t3, b, sum_w, sum_w2);                   \
        else if (mode == WEIGHTED_TRACES)                                                          \
            moments_rows(w, tau2, WEIGHTED_TRACES, P, s, t2, t3, b, sum_w, sum_w2);                \
        else if (mode == OLS)                                                                      \
            moments_rows(w, tau2, OLS, P, s, t2, t3, b, sum_w, sum_w2);                            \
        else                                                                                       \
            moments_rows(w, tau2, GRAM, P, s, t2, t3, b, sum_w, sum_w2);                           \
    } while (0)
    BY_P(CALL)
#undef CALL
}

static void residuals(const struct meta_wls *w, double tau2, enum pass_mode mode,
                      const double *beta, double *rss, double *ypp)
{
#define CALL(P)                                                                                    \
    do {                                                                                           \
        if (mode == OLS)                                                                           \
            residual_rows(w, tau2, OLS, P, beta, rss, ypp);                                        \
        else                                                                                       \
            residual_rows(w, tau2, WEIGHTED, P, beta, rss, ypp);                                   \
    } while (0)
    BY_P(CALL)
#undef CALL
}

/* R's lm() check, on the centred design: Householder QR in column order;
 * column j is redundant when the norm of its part orthogonal to the columns
 * before it (|R_jj| times its scale, back in the original units) is below
 * the tolerance times its original norm. */
static int check_rank(const struct meta_wls *w, const double *x, const char *const *names,
                      struct meta_error *err)
{
    size_t k = w->k, p = w->p;
    int ret = META_OK;
    gsl_matrix *a = gsl_matrix_alloc(k, p);
    gsl_vector *tau = gsl_vector_alloc(p);
    if (!a || !tau) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the design's rank check");
        goto cleanup;
    }
    memcpy(a->data, w->xt, k * p * sizeof *w->xt); /* a->tda == p for a fresh matrix */
    if (gsl_linalg_QR_decomp(a, tau) != GSL_SUCCESS) {
        ret = meta_error_set(err, META_EDOM, "the design's QR factorisation failed");
        goto cleanup;
    }
    for (size_t j = 1; j < p; j++) {
        double norm = 0.0;
        for (size_t i = 0; i < k; i++)
            norm += x[i * p + j] * x[i * p + j];
        norm = sqrt(norm);
        double resid = fabs(gsl_matrix_get(a, j, j)) * w->scale[j];
        if (!(resid >= META_WLS_COLLINEAR_TOL * norm)) {
            char col[160];
            name_of(col, sizeof col, names, j);
            ret = meta_error_set(err, META_EDOM,
                                 "%s is a linear combination of the intercept%s: collinear "
                                 "moderators cannot be estimated apart",
                                 col, j > 1 ? " and the columns before it" : "");
            goto cleanup;
        }
    }

cleanup:
    if (a)
        gsl_matrix_free(a);
    if (tau)
        gsl_vector_free(tau);
    return ret;
}

/* The lm() ratio of column j (its part orthogonal to the columns before it,
 * over its norm, in the original units) is at least this in the screening
 * by the Gram matrix, so far above META_WLS_COLLINEAR_TOL that the normal
 * equations' rounding (a ratio off by sqrt(eps) at most) cannot matter;
 * below it the QR factorisation decides. */
#define SCREEN_RATIO 1e-5

/* Whether every column passes the screening: the Cholesky factor L of the
 * centred design's Gram matrix g (p x p, lower triangle) gives column j's
 * orthogonal part as L_jj scale_j. */
static int screened(const struct meta_wls *w, double *g, const double *norm)
{
    size_t p = w->p;
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < j; l++)
            g[l * p + j] = g[j * p + l];
    gsl_matrix_view gv = gsl_matrix_view_array(g, p, p);
    if (gsl_linalg_cholesky_decomp1(&gv.matrix) != GSL_SUCCESS)
        return 0;
    for (size_t j = 1; j < p; j++)
        if (!(g[j * p + j] * w->scale[j] >= SCREEN_RATIO * norm[j]))
            return 0;
    return 1;
}

int meta_wls_init(struct meta_wls *w, const double *yi, const double *vi, const double *x, size_t k,
                  size_t p, const char *const *names, struct meta_error *err)
{
    memset(w, 0, sizeof *w);
    w->k = k;
    w->p = p;
    w->vi = vi;
    w->xt = malloc(k * p * sizeof *w->xt);
    w->yt = malloc(k * sizeof *w->yt);
    w->centre = calloc(p, sizeof *w->centre);
    w->scale = calloc(p, sizeof *w->scale);
    w->work = calloc(4 * p * p + 2 * p, sizeof *w->work);
    w->chol = gsl_matrix_alloc(p, p);
    w->t2 = gsl_matrix_alloc(p, p);
    w->t3 = gsl_matrix_alloc(p, p);
    w->beta = gsl_vector_alloc(p);
    w->rhs = gsl_vector_alloc(p);
    if (!w->xt || !w->yt || !w->centre || !w->scale || !w->work || !w->chol || !w->t2 || !w->t3 ||
        !w->beta || !w->rhs) {
        meta_wls_free(w);
        return meta_error_set(err, META_ENOMEM, "out of memory for a regression of %zu studies", k);
    }
    /* y_0 as the centre: all-equal effects then give residuals of exactly 0. */
    w->yc = yi[0];
    for (size_t i = 0; i < k; i++)
        w->yt[i] = yi[i] - w->yc;
    /* Means and raw norms, then spreads, row by row. */
    double *norm = w->work + 4 * p * p, *ss = norm + p, *g = w->work;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 1; j < p; j++) {
            w->centre[j] += x[i * p + j];
            norm[j] += x[i * p + j] * x[i * p + j];
        }
    for (size_t j = 1; j < p; j++) {
        w->centre[j] /= (double)k;
        norm[j] = sqrt(norm[j]);
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 1; j < p; j++) {
            double d = x[i * p + j] - w->centre[j];
            ss[j] += d * d;
        }
    w->scale[0] = 1.0;
    for (size_t j = 1; j < p; j++) {
        double sd = sqrt(ss[j] / (double)k);
        if (!(sd > 0.0) || !isfinite(sd) || !isfinite(w->centre[j])) {
            char col[160];
            name_of(col, sizeof col, names, j);
            meta_wls_free(w);
            return meta_error_set(err, META_EDOM,
                                  "%s has the same value in every study: it is collinear with "
                                  "the intercept",
                                  col);
        }
        w->scale[j] = sd;
    }
    /* The centred design, and its Gram matrix for the rank screening. */
    for (size_t j = 1; j < p; j++)
        ss[j] = 1.0 / w->scale[j];
    for (size_t i = 0; i < k; i++) {
        double *r = w->xt + i * p;
        r[0] = 1.0;
        for (size_t j = 1; j < p; j++)
            r[j] = (x[i * p + j] - w->centre[j]) * ss[j];
    }
    double W, W2, *t2 = g + p * p, *t3 = t2 + p * p, *b = t3 + p * p;
    moments(w, 0.0, GRAM, g, t2, t3, b, &W, &W2);
    int ret = screened(w, g, norm) ? META_OK : check_rank(w, x, names, err);
    if (ret != META_OK)
        meta_wls_free(w);
    return ret;
}

/* Copies the lower triangle of the p x p array a into m, mirrored. */
static void set_symmetric(gsl_matrix *m, const double *a, size_t p)
{
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l <= j; l++) {
            gsl_matrix_set(m, j, l, a[j * p + l]);
            gsl_matrix_set(m, l, j, a[j * p + l]);
        }
}

/* m := L^-1 m L^-T with L = w->chol (lower), in place. */
static void sandwich(const struct meta_wls *w, gsl_matrix *m)
{
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, w->chol, m);
    gsl_blas_dtrsm(CblasRight, CblasLower, CblasTrans, CblasNonUnit, 1.0, w->chol, m);
}

static double trace(const gsl_matrix *m)
{
    double t = 0.0;
    for (size_t j = 0; j < m->size1; j++)
        t += gsl_matrix_get(m, j, j);
    return t;
}

static int pass(struct meta_wls *w, double tau2, enum pass_mode mode, struct meta_wls_sums *out,
                struct meta_error *err)
{
    size_t k = w->k, p = w->p;
    double W, W2;
    double *s = w->work, *t2 = s + p * p, *t3 = t2 + p * p, *b = t3 + p * p;
    w->passes++;
    moments(w, tau2, mode, s, t2, t3, b, &W, &W2);
    set_symmetric(w->chol, s, p);
    for (size_t j = 0; j < p; j++)
        gsl_vector_set(w->rhs, j, b[j]);
    if (mode != WEIGHTED) {
        set_symmetric(w->t2, t2, p);
        set_symmetric(w->t3, t3, p);
    }
    if (gsl_linalg_cholesky_decomp1(w->chol) != GSL_SUCCESS ||
        gsl_linalg_cholesky_solve(w->chol, w->rhs, w->beta) != GSL_SUCCESS)
        return meta_error_set(err, META_EDOM,
                              "the weighted normal equations are singular at tau^2 = %g", tau2);

    /* Second pass: the residuals. */
    double rss, ypp;
    w->passes++;
    residuals(w, tau2, mode, w->beta->data, &rss, &ypp);
    double logdet = 0.0;
    for (size_t j = 0; j < p; j++)
        logdet += log(gsl_matrix_get(w->chol, j, j));
    out->W = W;
    out->sw2 = W2;
    out->rss = rss;
    out->ypp = ypp;
    out->logdet = 2.0 * logdet;
    out->trP = out->trPP = NAN;
    if (mode == WEIGHTED_TRP || mode == WEIGHTED_TRACES) {
        /* tr P = sum w - tr(S^-1 T2); tr PP = sum w^2 - 2 tr(S^-1 T3) +
         * tr((S^-1 T2)^2), S = X'WX, T2 = X'W^2X, T3 = X'W^3X. */
        sandwich(w, w->t2);
        out->trP = W - trace(w->t2);
    }
    if (mode == WEIGHTED_TRACES) {
        sandwich(w, w->t3);
        double f2 = 0.0;
        for (size_t j = 0; j < p; j++)
            for (size_t l = 0; l < p; l++)
                f2 += gsl_matrix_get(w->t2, j, l) * gsl_matrix_get(w->t2, j, l);
        out->trPP = W2 - 2.0 * trace(w->t3) + f2;
    } else if (mode == OLS) {
        /* tr(PV) = sum v - tr((X'X)^-1 X'VX) */
        double sv = 0.0;
        for (size_t i = 0; i < k; i++)
            sv += w->vi[i];
        sandwich(w, w->t2);
        out->trP = sv - trace(w->t2);
    }
    return META_OK;
}

int meta_wls_pass(struct meta_wls *w, double tau2, int traces, struct meta_wls_sums *s,
                  struct meta_error *err)
{
    return pass(w, tau2, traces >= 2 ? WEIGHTED_TRACES : traces ? WEIGHTED_TRP : WEIGHTED, s, err);
}

int meta_wls_pass_ols(struct meta_wls *w, struct meta_wls_sums *s, struct meta_error *err)
{
    return pass(w, 0.0, OLS, s, err);
}

int meta_wls_solution(const struct meta_wls *w, double *beta, double *cov, struct meta_error *err)
{
    size_t p = w->p;
    int ret = META_OK;
    gsl_matrix *a = gsl_matrix_calloc(p, p), *inv = gsl_matrix_alloc(p, p);
    gsl_matrix *tmp = gsl_matrix_alloc(p, p);
    if (!a || !inv || !tmp) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the coefficients");
        goto cleanup;
    }
    gsl_matrix_memcpy(inv, w->chol);
    if (gsl_linalg_cholesky_invert(inv) != GSL_SUCCESS) {
        ret = meta_error_set(err, META_EDOM, "the coefficients' covariance cannot be formed");
        goto cleanup;
    }
    /* Column j of A is e_j / s_j - (m_j / s_j) e_0 (j >= 1), column 0 e_0. */
    gsl_matrix_set(a, 0, 0, 1.0);
    for (size_t j = 1; j < p; j++) {
        gsl_matrix_set(a, j, j, 1.0 / w->scale[j]);
        gsl_matrix_set(a, 0, j, -w->centre[j] / w->scale[j]);
    }
    gsl_vector_view b = gsl_vector_view_array(beta, p);
    gsl_blas_dgemv(CblasNoTrans, 1.0, a, w->beta, 0.0, &b.vector);
    beta[0] += w->yc;
    gsl_matrix_view c = gsl_matrix_view_array(cov, p, p);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, a, inv, 0.0, tmp);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, tmp, a, 0.0, &c.matrix);

cleanup:
    if (a)
        gsl_matrix_free(a);
    if (inv)
        gsl_matrix_free(inv);
    if (tmp)
        gsl_matrix_free(tmp);
    return ret;
}
