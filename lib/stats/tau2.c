/*
 * Estimators of the between-study variance tau^2 for the intercept-only
 * random-effects model, following metafor 3.8's rma.uni: closed forms (DL,
 * HE, HS, SJ), the Paule-Mandel root of the generalised Q, and Fisher scoring
 * with step halving for ML, REML and EB, with a bracketed root finder behind
 * it. All truncate at 0 and run in O(k) per iteration.
 */
#include "stats_internal.h"

#include <math.h>

/* metafor's ll0check threshold (.Machine$double.eps^0.25): a likelihood at
 * tau^2 = 0 higher than that at the scoring solution by more than this makes
 * tau^2 = 0 the ML/REML answer. */
#define LL0_TOL 1.220703125e-4

struct est_ctx {
    const double *yi, *vi;
    size_t k;
    enum meta_method method;
    double target; /* for Q(t) - target */
};

/* Unweighted sum of squares around the plain mean. */
static double sum_squares(const double *yi, size_t k)
{
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < k; i++)
        m += yi[i];
    m /= (double)k;
    for (size_t i = 0; i < k; i++)
        ss += (yi[i] - m) * (yi[i] - m);
    return ss;
}

static double sum_v(const double *vi, size_t k)
{
    double s = 0.0;
    for (size_t i = 0; i < k; i++)
        s += vi[i];
    return s;
}

/* Hedges' method-of-moments estimate (unweighted), untruncated. */
static double he_raw(const double *yi, const double *vi, size_t k)
{
    double kk = (double)k;
    return (sum_squares(yi, k) - sum_v(vi, k) * (kk - 1.0) / kk) / (kk - 1.0);
}

static double q_minus_target(double t, void *p)
{
    const struct est_ctx *c = p;
    struct meta_iv_sums s;
    meta_iv_sums_q(c->yi, c->vi, c->k, t, &s);
    return s.Q - c->target;
}

/* The estimating equation that Fisher scoring solves (its sign is that of the
 * scoring step): ML y'PPy - sum w, REML y'PPy - tr(P), EB Q k/(k-1) - k. */
static double score(double t, void *p)
{
    const struct est_ctx *c = p;
    struct meta_iv_sums s;
    double kk = (double)c->k;
    meta_iv_sums_full(c->yi, c->vi, c->k, t, &s);
    switch (c->method) {
    case META_METHOD_ML:
        return s.swr2 - s.W;
    case META_METHOD_REML:
        return s.swr2 - s.trP;
    default:
        return s.Q * kk / (kk - 1.0) - kk;
    }
}

/* The Fisher scoring step of metafor at t. */
static double scoring_step(const struct est_ctx *c, double t)
{
    struct meta_iv_sums s;
    double kk = (double)c->k;
    meta_iv_sums_full(c->yi, c->vi, c->k, t, &s);
    switch (c->method) {
    case META_METHOD_ML:
        return (s.swr2 - s.W) / s.sw2;
    case META_METHOD_REML:
        return (s.swr2 - s.trP) / s.trPP;
    default:
        return (s.Q * kk / (kk - 1.0) - kk) / s.W;
    }
}

/* Log-likelihood (ML or REML) up to a constant, for metafor's check that the
 * scoring solution beats tau^2 = 0. */
static double loglik(const struct est_ctx *c, double t)
{
    struct meta_iv_sums s;
    double slog = 0.0;
    meta_iv_sums_q(c->yi, c->vi, c->k, t, &s);
    for (size_t i = 0; i < c->k; i++)
        slog += log(c->vi[i] + t);
    double ll = -0.5 * slog - 0.5 * s.Q;
    if (c->method == META_METHOD_REML)
        ll -= 0.5 * log(s.W);
    return ll;
}

/* Upper end of a bracket for Q(t) = target: Q(t) <= SS_y / t, so any
 * t > SS_y / target has Q(t) < target. */
static double q_bracket(const double *yi, size_t k, double target)
{
    return 2.0 * sum_squares(yi, k) / target;
}

/* Paule & Mandel (1982): the tau^2 at which the generalised Q equals k - 1;
 * 0 when Q(0) is already below it. */
static int est_pm(struct est_ctx *c, double tol, double scale, int max_iter, double *tau2,
                  int *iter, struct meta_error *err)
{
    c->target = (double)c->k - 1.0;
    *iter = 0;
    if (q_minus_target(0.0, c) < 0.0) {
        *tau2 = 0.0;
        return META_OK;
    }
    double hi = q_bracket(c->yi, c->k, c->target);
    return meta_root_brent(q_minus_target, c, 0.0, hi, 1e-4 * tol * scale, tol, max_iter, tau2,
                           iter, err);
}

/* Root of the estimating equation on [0, inf) by bracketing; the fallback
 * when Fisher scoring does not settle. */
static int score_root(struct est_ctx *c, double tol, double scale, int max_iter, double *tau2,
                      int *iter, struct meta_error *err)
{
    *iter = 0;
    if (!(score(0.0, c) > 0.0)) {
        *tau2 = 0.0;
        return META_OK;
    }
    double hi = fmax(scale, 1e-300);
    for (int n = 0; score(hi, c) > 0.0; n++) {
        if (n > 2100 || !isfinite(hi))
            return meta_error_set(err, META_ENOCONV, "no upper bound found for tau^2");
        hi *= 2.0;
    }
    return meta_root_brent(score, c, 0.0, hi, 1e-4 * tol * scale, tol, max_iter, tau2, iter, err);
}

/* Fisher scoring with step halving from the HE estimate (metafor's
 * algorithm for ML, REML, EB; Viechtbauer 2005), converged when a step
 * changes tau^2 by at most tol * max(tau^2, s^2). When it does not converge
 * within max_iter steps, or diverges, the estimating equation is solved by
 * bracketing instead (within another max_iter steps); only when that fails
 * too is the answer META_ENOCONV. */
static int est_scoring(struct est_ctx *c, double tol, double scale, int max_iter, double *tau2,
                       int *iter, struct meta_error *err)
{
    double t = fmax(0.0, he_raw(c->yi, c->vi, c->k)), prev_adj = 0.0;
    int n = 0, converged = 0, growing = 0;
    while (n < max_iter) {
        double adj = scoring_step(c, t);
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
        int ret = score_root(c, tol, scale, max_iter, &t, &n2, err);
        *iter = n + n2;
        if (ret != META_OK)
            return meta_error_set(err, META_ENOCONV,
                                  "%s estimator of tau^2 did not converge in %d iterations",
                                  meta_method_name(c->method), max_iter);
    } else {
        *iter = n;
    }
    if ((c->method == META_METHOD_ML || c->method == META_METHOD_REML) && t > 0.0 &&
        loglik(c, 0.0) - loglik(c, t) > LL0_TOL)
        t = 0.0;
    *tau2 = t;
    return META_OK;
}

int meta_tau2_estimate(const double *yi, const double *vi, size_t k, enum meta_method method,
                       double tol, int max_iter, double *tau2, int *iter, struct meta_error *err)
{
    struct est_ctx c = {yi, vi, k, method, 0.0};
    struct meta_iv_sums s;
    double kk = (double)k, t = NAN;
    int ret = META_OK;
    *iter = 0;
    if (k < 2) {
        *tau2 = 0.0;
        return META_OK;
    }
    meta_iv_sums_full(yi, vi, k, 0.0, &s);
    double scale = (kk - 1.0) / s.trP; /* typical within-study variance */

    switch (method) {
    case META_METHOD_DL: /* DerSimonian & Laird 1986 */
        t = (s.Q - (kk - 1.0)) / s.trP;
        break;
    case META_METHOD_HE: /* Hedges 1983 */
        t = he_raw(yi, vi, k);
        break;
    case META_METHOD_HS: /* Hunter & Schmidt 2004 */
        t = (s.Q - kk) / s.W;
        break;
    case META_METHOD_SJ: { /* Sidik & Jonkman 2005, from their initial value */
        double t0 = sum_squares(yi, k) / kk;
        if (t0 > 0.0) {
            struct meta_iv_sums s0;
            meta_iv_sums_q(yi, vi, k, t0, &s0);
            t = t0 * s0.Q / (kk - 1.0);
        } else {
            t = 0.0;
        }
        break;
    }
    case META_METHOD_PM:
        ret = est_pm(&c, tol, scale, max_iter, &t, iter, err);
        break;
    case META_METHOD_ML:   /* Hardy & Thompson 1996 */
    case META_METHOD_REML: /* Viechtbauer 2005 */
    case META_METHOD_EB:   /* Morris 1983 */
        ret = est_scoring(&c, tol, scale, max_iter, &t, iter, err);
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
