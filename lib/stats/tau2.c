/*
 * Estimators of the between-study variance tau^2 for the intercept-only
 * random-effects model, following metafor 3.8's rma.uni: closed forms (DL,
 * HE, HS, SJ), the Paule-Mandel root of the generalised Q, and Fisher scoring
 * with step halving for ML, REML and EB, with a bracketed root finder behind
 * it. All truncate at 0 and cost one pass over the data per iteration.
 */
#include "stats_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* metafor's ll0check threshold (.Machine$double.eps^0.25): a likelihood at
 * tau^2 = 0 higher than that at the scoring solution by more than this makes
 * tau^2 = 0 the ML/REML answer. */
#define LL0_TOL 1.220703125e-4

struct est_ctx {
    struct meta_iv_data *d;
    enum meta_method method;
    double target; /* for Q(t) - target */
};

/* Unweighted sum of squares around the plain mean (d->centre) and sum of
 * the variances, in one pass. */
static void unweighted_sums(const struct meta_iv_data *d, double *ss, double *sv)
{
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < d->k; i++) {
        double r = d->yi[i] - d->centre;
        a += r * r;
        b += d->vi[i];
    }
    *ss = a;
    *sv = b;
}

/* Hedges' method-of-moments estimate (unweighted), untruncated. */
static double he_raw(const struct meta_iv_data *d)
{
    double kk = (double)d->k, ss, sv;
    unweighted_sums(d, &ss, &sv);
    return (ss - sv * (kk - 1.0) / kk) / (kk - 1.0);
}

/* Where Q(t) = target, as the root of 1/target - 1/Q(t), which falls as Q
 * does and is nearly straight in t (exactly, when all vi are equal: Q is
 * then a multiple of 1/(v + t)), so that Newton's method lands in two or
 * three steps; dQ/dt = -y'PPy comes from the same pass (DerSimonian &
 * Kacker 2007). */
static void q_fdf(double t, void *p, double *f, double *df)
{
    struct est_ctx *c = p;
    struct meta_iv_sums s;
    meta_iv_pass(c->d, t, 0, &s);
    *f = 1.0 / c->target - 1.0 / s.Q;
    *df = -s.swr2 / (s.Q * s.Q);
}

/* The sums a scoring method needs at t: only REML needs the traces. */
static void scoring_sums(const struct est_ctx *c, double t, struct meta_iv_sums *s)
{
    meta_iv_pass(c->d, t, c->method == META_METHOD_REML, s);
}

/* The estimating equation that Fisher scoring solves (its sign is that of the
 * scoring step): ML y'PPy - sum w, REML y'PPy - tr(P), EB Q k/(k-1) - k;
 * *step is metafor's scoring step at t. */
static double score(double t, void *p, double *step)
{
    const struct est_ctx *c = p;
    struct meta_iv_sums s;
    double kk = (double)c->d->k;
    scoring_sums(c, t, &s);
    switch (c->method) {
    case META_METHOD_ML:
        *step = (s.swr2 - s.W) / s.sw2;
        return s.swr2 - s.W;
    case META_METHOD_REML:
        *step = (s.swr2 - s.trP) / s.trPP;
        return s.swr2 - s.trP;
    default:
        *step = (s.Q * kk / (kk - 1.0) - kk) / s.W;
        return s.Q * kk / (kk - 1.0) - kk;
    }
}

typedef uint64_t meta_v2u __attribute__((vector_size(2 * sizeof(uint64_t))));

/* sum log(v_i + t), as the logarithm of the product of the v_i + t, kept as
 * mantissas in [1, 2) multiplied in two lanes and binary exponents summed
 * apart: a multiplication per study instead of a call to log() (ten times
 * faster), and more accurate than summing k logarithms (the product's
 * relative error stays below k/2 ulps). Each lane is renormalised every 512
 * factors, below 2^512. Should a term be subnormal (the smallest is
 * v_min + t) or infinite (then so is their sum), its exponent field does
 * not hold its exponent, and the sum is taken with log() instead. */
static double sum_log(const struct meta_iv_data *d, double t)
{
    const double *vi = d->vi;
    const size_t k = d->k;
    const meta_v2d tt = {t, t};
    const meta_v2u field = {0x7ff, 0x7ff}, mant = {0x000fffffffffffff, 0x000fffffffffffff};
    const meta_v2u one = {0x3ff0000000000000, 0x3ff0000000000000};
    meta_v2d p = {1.0, 1.0}, sum = {0.0, 0.0};
    meta_v2u e = {0, 0};
    int64_t e2 = 0;
    size_t i = 0;
    while (i + 2 <= k) {
        size_t end = k - i > 1024 ? i + 1024 : k;
        for (; i + 2 <= end; i += 2) {
            meta_v2d x, m;
            meta_v2u b;
            memcpy(&x, vi + i, sizeof x);
            x += tt;
            sum += x;
            memcpy(&b, &x, sizeof b);
            e += (b >> 52) & field;
            b = (b & mant) | one;
            memcpy(&m, &b, sizeof m);
            p *= m;
        }
        for (int j = 0; j < 2; j++) {
            int pe;
            p[j] = frexp(p[j], &pe);
            e2 += pe;
        }
    }
    if (d->vi[d->imax] + t < DBL_MIN || !isfinite(sum[0] + sum[1])) {
        double s = 0.0;
        for (size_t n = 0; n < k; n++)
            s += log(vi[n] + t);
        return s;
    }
    double s = log(p[0]) + log(p[1]);
    s += (double)((int64_t)(e[0] + e[1]) - 1023 * (int64_t)i + e2) * 0.69314718055994530942;
    for (; i < k; i++)
        s += log(vi[i] + t);
    return s;
}

/* Log-likelihood (ML or REML) up to a constant, for metafor's check that the
 * scoring solution beats tau^2 = 0. */
static double loglik(double t, void *p)
{
    const struct est_ctx *c = p;
    struct meta_iv_sums s;
    meta_iv_pass(c->d, t, 0, &s);
    double ll = -0.5 * sum_log(c->d, t) - 0.5 * s.Q;
    if (c->method == META_METHOD_REML)
        ll -= 0.5 * log(s.W);
    return ll;
}

/* Paule & Mandel (1982): the tau^2 at which the generalised Q equals k - 1;
 * 0 when Q(0) is already below it. Newton's method (see q_fdf) from the DL
 * estimate. */
static int est_pm(struct est_ctx *c, const struct meta_iv_sums *s0, double tol, double scale,
                  int max_iter, double *tau2, int *iter, struct meta_error *err)
{
    double f0, d0;
    c->target = (double)c->d->k - 1.0;
    *iter = 0;
    if (s0->Q - c->target < 0.0) {
        *tau2 = 0.0;
        return META_OK;
    }
    double x0 = (s0->Q - c->target) / s0->trP;
    q_fdf(x0, c, &f0, &d0);
    int ret = meta_root_newton(q_fdf, c, 0.0, INFINITY, x0, f0, d0, 1e-4 * tol * scale, tol,
                               max_iter, tau2, iter, err);
    *iter += 1;
    return ret;
}

struct root_ctx {
    meta_score_fn score;
    void *ctx;
};

static double root_fn(double t, void *p)
{
    const struct root_ctx *r = p;
    double step;
    return r->score(t, r->ctx, &step);
}

/* Root of the estimating equation on [0, inf) by bracketing; the fallback
 * when Fisher scoring does not settle. */
static int score_root(struct root_ctx *r, double tol, double scale, int max_iter, double *tau2,
                      int *iter, struct meta_error *err)
{
    *iter = 0;
    if (!(root_fn(0.0, r) > 0.0)) {
        *tau2 = 0.0;
        return META_OK;
    }
    double hi = fmax(scale, 1e-300);
    for (int n = 0; root_fn(hi, r) > 0.0; n++) {
        if (n > 2100 || !isfinite(hi))
            return meta_error_set(err, META_ENOCONV, "no upper bound found for tau^2");
        hi *= 2.0;
    }
    return meta_root_brent(root_fn, r, 0.0, hi, 1e-4 * tol * scale, tol, max_iter, tau2, iter, err);
}

int meta_tau2_scoring(meta_score_fn score_fn, meta_loglik_fn loglik_fn, void *ctx,
                      enum meta_method method, double t0, double tol, double scale, int max_iter,
                      double *tau2, int *iter, struct meta_error *err)
{
    struct root_ctx r = {score_fn, ctx};
    double t = fmax(0.0, t0), prev_adj = 0.0;
    int n = 0, converged = 0, growing = 0;
    while (n < max_iter) {
        double adj;
        score_fn(t, ctx, &adj);
        n++;
        if (!isfinite(adj))
            break;
        if (t == 0.0 && adj < 0.0)
            adj = 0.0;
        while (t + adj < 0.0)
            adj /= 2.0;
        /* Expected and observed information can disagree so much (data far
         * from normal) that the steps alternate in sign and grow: scoring
         * will not settle, so hand over to the root finder at once. */
        growing = (adj * prev_adj < 0.0 && fabs(adj) > fabs(prev_adj)) ? growing + 1 : 0;
        if (growing >= 4)
            break;
        prev_adj = adj;
        double next = t + adj;
        double change = fabs(next - t);
        t = next;
        if (change <= tol * fmax(t, scale)) {
            converged = 1;
            break;
        }
    }
    if (!converged) {
        int n2 = 0;
        int ret = score_root(&r, tol, scale, max_iter, &t, &n2, err);
        *iter = n + n2;
        if (ret != META_OK)
            return meta_error_set(err, META_ENOCONV,
                                  "%s estimator of tau^2 did not converge in %d iterations",
                                  meta_method_name(method), max_iter);
    } else {
        *iter = n;
    }
    if ((method == META_METHOD_ML || method == META_METHOD_REML) && t > 0.0 &&
        loglik_fn(0.0, ctx) - loglik_fn(t, ctx) > LL0_TOL)
        t = 0.0;
    *tau2 = t;
    return META_OK;
}

int meta_tau2_estimate(struct meta_iv_data *d, enum meta_method method, double tol, int max_iter,
                       double *tau2, int *iter, struct meta_error *err)
{
    struct est_ctx c = {d, method, 0.0};
    struct meta_iv_sums s;
    double kk = (double)d->k, t = NAN;
    int ret = META_OK;
    *iter = 0;
    if (d->k < 2) {
        *tau2 = 0.0;
        return META_OK;
    }
    meta_iv_pass(d, 0.0, 1, &s);
    double scale = (kk - 1.0) / s.trP; /* typical within-study variance */

    switch (method) {
    case META_METHOD_DL: /* DerSimonian & Laird 1986 */
        t = (s.Q - (kk - 1.0)) / s.trP;
        break;
    case META_METHOD_HE: /* Hedges 1983 */
        t = he_raw(d);
        break;
    case META_METHOD_HS: /* Hunter & Schmidt 2004 */
        t = (s.Q - kk) / s.W;
        break;
    case META_METHOD_SJ: { /* Sidik & Jonkman 2005, from their initial value */
        double ss, sv;
        unweighted_sums(d, &ss, &sv);
        double t0 = ss / kk;
        if (t0 > 0.0) {
            struct meta_iv_sums s0;
            meta_iv_pass(d, t0, 0, &s0);
            t = t0 * s0.Q / (kk - 1.0);
        } else {
            t = 0.0;
        }
        break;
    }
    case META_METHOD_PM:
        ret = est_pm(&c, &s, tol, scale, max_iter, &t, iter, err);
        break;
    case META_METHOD_ML:   /* Hardy & Thompson 1996 */
    case META_METHOD_REML: /* Viechtbauer 2005 */
    case META_METHOD_EB:   /* Morris 1983 */
        ret = meta_tau2_scoring(score, loglik, &c, method, he_raw(d), tol, scale, max_iter, &t,
                                iter, err);
        break;
    default:
        return meta_error_set(err, META_EINVAL, "'%s' is not a tau^2 estimator",
                              meta_method_name(method));
    }
    if (ret != META_OK)
        return ret;
    if (!isfinite(t))
        return meta_error_set(err, META_EDOM, "tau^2 cannot be estimated from these data");
    *tau2 = fmax(0.0, t);
    return META_OK;
}
