/*
 * Jackson's (2013) confidence interval for tau^2, R meta's default under
 * DerSimonian-Laird for continuous outcomes: the generalised Q statistic
 * with weights 1/se is, at a given tau^2, distributed as a weighted sum of
 * chi-squared(1) variables whose weights are the eigenvalues of S P S; its
 * tail probability comes from Ruben's (1962) series. The bounds follow
 * metafor's confint() for rma.uni(method = "GENQ"), which R meta calls.
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#define JACKSON_MAX_K   1000
#define RUBEN_MAX_TERMS 200000

struct genq {
    const double *vi;
    size_t k;
    double *a; /* weights 1/sqrt(vi) */
    double A;  /* their sum */
    double q;  /* observed generalised Q */
    double *lambda;
    size_t nl;
    double target; /* the tail probability sought */
    int status;
    gsl_matrix *M;
    gsl_vector *eval;
    gsl_eigen_symm_workspace *ew;
};

/* P(sum lambda_j chi2_1 > x) by Ruben's (1962) series, the method of
 * Farebrother's AS 204 that metafor's confint() calls: with b = min lambda,
 * P(Q <= x) = sum_i c_i P(chi2(n + 2i) <= x / b), c_0 = prod sqrt(b /
 * lambda_j), c_i = sum_{r<i} g_{i-r} c_r / (2i), g_m = sum_j (1 - b /
 * lambda_j)^m. Every c_i >= 0 and they sum to 1, so the mass not yet summed
 * bounds the error; the terms are summed until it is below 1e-14. */
static int tail(struct genq *g, double x, double *p)
{
    size_t n = g->nl;
    double b = INFINITY, lc0 = 0.0;
    for (size_t j = 0; j < n; j++)
        b = fmin(b, g->lambda[j]);
    if (!(b > 0.0))
        return GSL_EDOM;
    if (n == 1) {
        *p = gsl_cdf_chisq_Q(x / b, 1.0);
        return GSL_SUCCESS;
    }
    for (size_t j = 0; j < n; j++)
        lc0 += 0.5 * log(b / g->lambda[j]);
    double c0 = exp(lc0);
    if (!(c0 > 1e-290))
        return GSL_EUNDRFLW;
    size_t cap = 1024;
    double *c = malloc(cap * sizeof *c), *gm = malloc(cap * sizeof *gm);
    if (!c || !gm) {
        free(c);
        free(gm);
        return GSL_ENOMEM;
    }
    double sum_c = c0, cdf = c0 * gsl_cdf_chisq_P(x / b, (double)n);
    int st = GSL_SUCCESS;
    c[0] = c0;
    for (size_t i = 1; 1.0 - sum_c > 1e-14; i++) {
        if (i >= RUBEN_MAX_TERMS) {
            st = GSL_EMAXITER;
            break;
        }
        if (i == cap) {
            cap *= 2;
            double *c2 = realloc(c, cap * sizeof *c),
                   *g2 = c2 ? realloc(gm, cap * sizeof *gm) : NULL;
            if (!c2 || !g2) {
                c = c2 ? c2 : c;
                st = GSL_ENOMEM;
                break;
            }
            c = c2;
            gm = g2;
        }
        double gi = 0.0;
        for (size_t j = 0; j < n; j++)
            gi += pow(1.0 - b / g->lambda[j], (double)i);
        gm[i] = gi;
        double ci = 0.0;
        for (size_t r = 0; r < i; r++)
            ci += gm[i - r] * c[r];
        c[i] = ci / (2.0 * (double)i);
        sum_c += c[i];
        cdf += c[i] * gsl_cdf_chisq_P(x / b, (double)(n + 2 * i));
        if (c[i] < 1e-300 * sum_c && i > 64)
            break;
    }
    free(c);
    free(gm);
    if (st != GSL_SUCCESS)
        return st;
    *p = fmin(1.0, fmax(0.0, 1.0 - cdf));
    return GSL_SUCCESS;
}

/* The nonzero eigenvalues of S P S at tau2, S = diag(sqrt(vi + tau2)),
 * P = A - a a' / sum a; then the tail probability of the observed Q. */
static int prob_at(struct genq *g, double tau2, double *p)
{
    size_t k = g->k;
    for (size_t i = 0; i < k; i++) {
        double si = sqrt(g->vi[i] + tau2);
        for (size_t j = 0; j <= i; j++) {
            double sj = sqrt(g->vi[j] + tau2);
            double v = -si * sj * g->a[i] * g->a[j] / g->A;
            if (i == j)
                v += si * si * g->a[i];
            gsl_matrix_set(g->M, i, j, v);
            gsl_matrix_set(g->M, j, i, v);
        }
    }
    int st = gsl_eigen_symm(g->M, g->eval, g->ew);
    if (st != GSL_SUCCESS)
        return st;
    double emax = gsl_vector_max(g->eval);
    g->nl = 0;
    for (size_t i = 0; i < k; i++) {
        double e = gsl_vector_get(g->eval, i);
        if (e > 1e-12 * emax) /* one eigenvalue is 0: P 1 = 0 */
            g->lambda[g->nl++] = e;
    }
    return tail(g, g->q, p);
}

static double root_fn(double tau2, void *params)
{
    struct genq *g = params;
    double p = NAN;
    int st = prob_at(g, tau2, &p);
    if (st != GSL_SUCCESS) {
        g->status = st;
        return NAN;
    }
    return p - g->target;
}

static int solve(struct genq *g, double target, double hi, double tol, int max_iter, double *root,
                 struct meta_error *err)
{
    g->target = target;
    return meta_root_brent(root_fn, g, 0.0, hi, 1e-300, tol, max_iter, root, NULL, err);
}

int meta_tau2_jackson(const double *yi, const double *vi, size_t k, double level, double tol,
                      int max_iter, double *lower, double *upper, struct meta_error *err)
{
    struct genq g = {0};
    double alpha = 1.0 - level / 100.0, p0 = NAN, pmax = NAN;
    int ret = META_OK;

    *lower = *upper = NAN;
    if (k < 2)
        return meta_error_set(err, META_EDOM, "the tau^2 interval needs at least 2 studies");
    if (k > JACKSON_MAX_K)
        return META_OK;
    g.vi = vi;
    g.k = k;
    g.a = malloc(k * sizeof *g.a);
    g.lambda = malloc(k * sizeof *g.lambda);
    g.M = gsl_matrix_alloc(k, k);
    g.eval = gsl_vector_alloc(k);
    g.ew = gsl_eigen_symm_alloc(k);
    if (!g.a || !g.lambda || !g.M || !g.eval || !g.ew) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for the tau^2 interval");
        goto cleanup;
    }
    /* Generalised Q with a = 1/sqrt(v), and its moment estimate of tau^2
     * (DerSimonian & Kacker 2007), which sets the search interval. */
    double A = 0.0, A2 = 0.0, ay = 0.0, av = 0.0, a2v = 0.0;
    for (size_t i = 0; i < k; i++) {
        g.a[i] = 1.0 / sqrt(vi[i]);
        A += g.a[i];
        A2 += g.a[i] * g.a[i];
        ay += g.a[i] * yi[i];
        av += g.a[i] * vi[i];
        a2v += g.a[i] * g.a[i] * vi[i];
    }
    double mu = ay / A, q = 0.0;
    for (size_t i = 0; i < k; i++)
        q += g.a[i] * (yi[i] - mu) * (yi[i] - mu);
    g.A = A;
    g.q = q;
    double tau2_genq = fmax(0.0, (q - (av - a2v / A)) / (A - A2 / A));
    double tmax = fmax(100.0, 10.0 * tau2_genq);

    if (prob_at(&g, 0.0, &p0) != GSL_SUCCESS || prob_at(&g, tmax, &pmax) != GSL_SUCCESS) {
        ret = meta_error_set(err, META_EDOM, "the generalised Q distribution cannot be computed");
        goto cleanup;
    }
    double lb = NAN, ub = NAN;
    if (p0 > 1.0 - alpha / 2.0) {
        lb = ub = 0.0;
    } else {
        if (pmax < 1.0 - alpha / 2.0)
            ub = tmax;
        else
            ret = solve(&g, 1.0 - alpha / 2.0, tmax, tol, max_iter, &ub, err);
        if (ret == META_OK) {
            if (pmax < alpha / 2.0)
                lb = ub = tmax;
            else if (p0 > alpha / 2.0)
                lb = 0.0;
            else
                ret = solve(&g, alpha / 2.0, tmax, tol, max_iter, &lb, err);
        }
    }
    if (ret == META_OK && g.status != GSL_SUCCESS)
        ret = meta_error_set(err, META_EDOM, "the generalised Q distribution cannot be computed");
    if (ret == META_OK) {
        *lower = lb;
        *upper = ub;
    }

cleanup:
    free(g.a);
    free(g.lambda);
    if (g.M)
        gsl_matrix_free(g.M);
    if (g.eval)
        gsl_vector_free(g.eval);
    if (g.ew)
        gsl_eigen_symm_free(g.ew);
    return ret;
}
