/*
 * Estimators of the residual between-study variance tau^2 of a
 * meta-regression (p coefficients), following metafor 3.8's rma.uni with
 * moderators: DL, HE, HS, SJ in closed form, Paule-Mandel as the root of
 * the generalised Q on k - p df, ML, REML and EB by Fisher scoring with
 * step halving from Hedges' estimate (Viechtbauer 2005), with the
 * likelihood check at tau^2 = 0 and a bracketed fallback. The
 * intercept-only case lives in tau2.c; this is its generalisation, each
 * evaluation one weighted least-squares fit (wls.c).
 */
#include "metareg_internal.h"

#include <math.h>

/* metafor's ll0check threshold (.Machine$double.eps^0.25). */
#define LL0_TOL 1.220703125e-4

struct wctx {
    struct meta_wls *w;
    enum meta_method method;
    double target;         /* PM: the Q to reach */
    int status;            /* the first failure of a pass, META_OK if none */
    struct meta_error why; /* its reason */
};

/* One pass at t; a failure is remembered and makes every later answer NAN,
 * which the root finders report as a domain error. */
static int sums(struct wctx *c, double t, int traces, struct meta_wls_sums *s)
{
    if (c->status == META_OK)
        c->status = meta_wls_pass(c->w, t, traces, s, &c->why);
    return c->status;
}

static double kk(const struct wctx *c)
{
    return (double)c->w->k;
}

static double df_resid(const struct wctx *c)
{
    return (double)(c->w->k - c->w->p);
}

/* Hedges' estimator, untruncated: (RSS - tr(PV)) / (k - p) of the
 * unweighted fit. */
static int he_raw(struct wctx *c, double *t)
{
    struct meta_wls_sums s;
    if (c->status == META_OK)
        c->status = meta_wls_pass_ols(c->w, &s, &c->why);
    if (c->status != META_OK)
        return c->status;
    *t = (s.rss - s.trP) / df_resid(c);
    return META_OK;
}

/* PM: 1/target - 1/Q(t) and its derivative (dQ/dt = -y'PPy). */
static void q_fdf(double t, void *p, double *f, double *df)
{
    struct wctx *c = p;
    struct meta_wls_sums s;
    if (sums(c, t, 0, &s) != META_OK) {
        *f = *df = NAN;
        return;
    }
    *f = 1.0 / c->target - 1.0 / s.rss;
    *df = -s.ypp / (s.rss * s.rss);
}

/* The estimating equation of the scoring methods, and its scoring step. */
static double score_and_step(struct wctx *c, double t, double *step)
{
    struct meta_wls_sums s;
    if (sums(c, t, c->method == META_METHOD_REML, &s) != META_OK) {
        *step = NAN;
        return NAN;
    }
    switch (c->method) {
    case META_METHOD_ML:
        *step = (s.ypp - s.W) / s.sw2;
        return s.ypp - s.W;
    case META_METHOD_REML:
        *step = (s.ypp - s.trP) / s.trPP;
        return s.ypp - s.trP;
    default: /* EB */
        *step = (s.rss * kk(c) / df_resid(c) - kk(c)) / s.W;
        return s.rss * kk(c) / df_resid(c) - kk(c);
    }
}

static double score(double t, void *p)
{
    double step;
    return score_and_step(p, t, &step);
}

/* ML or REML log-likelihood up to a constant. */
static double loglik(struct wctx *c, double t)
{
    struct meta_wls_sums s;
    if (sums(c, t, 0, &s) != META_OK)
        return NAN;
    double ll = -0.5 * s.rss;
    for (size_t i = 0; i < c->w->k; i++)
        ll -= 0.5 * log(c->w->vi[i] + t);
    if (c->method == META_METHOD_REML)
        ll -= 0.5 * s.logdet;
    return ll;
}

/* The root of the estimating equation on [0, inf) by bracketing, when
 * scoring does not settle. */
static int score_root(struct wctx *c, double tol, double scale, int max_iter, double *tau2,
                      int *iter, struct meta_error *err)
{
    *iter = 0;
    if (!(score(0.0, c) > 0.0)) {
        *tau2 = 0.0;
        return c->status;
    }
    double hi = fmax(scale, 1e-300);
    for (int n = 0; score(hi, c) > 0.0; n++) {
        if (n > 2100 || !isfinite(hi))
            return meta_error_set(err, META_ENOCONV, "no upper bound found for tau^2");
        hi *= 2.0;
    }
    return meta_root_brent(score, c, 0.0, hi, 1e-4 * tol * scale, tol, max_iter, tau2, iter, err);
}

/* Fisher scoring from Hedges' estimate, as tau2.c's est_scoring(). */
static int est_scoring(struct wctx *c, double tol, double scale, int max_iter, double *tau2,
                       int *iter, struct meta_error *err)
{
    double t, prev_adj = 0.0;
    int n = 0, converged = 0, growing = 0;
    if (he_raw(c, &t) != META_OK)
        return c->status;
    t = fmax(0.0, t);
    while (n < max_iter) {
        double adj;
        score_and_step(c, t, &adj);
        n++;
        if (c->status != META_OK)
            return c->status;
        if (!isfinite(adj))
            break;
        if (t == 0.0 && adj < 0.0)
            adj = 0.0;
        while (t + adj < 0.0)
            adj /= 2.0;
        growing = (adj * prev_adj < 0.0 && fabs(adj) > fabs(prev_adj)) ? growing + 1 : 0;
        if (growing >= 4)
            break;
        prev_adj = adj;
        double next = t + adj, change = fabs(adj);
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
        if (c->status != META_OK)
            return c->status;
        if (ret != META_OK)
            return meta_error_set(err, META_ENOCONV,
                                  "%s estimator of tau^2 did not converge in %d iterations",
                                  meta_method_name(c->method), max_iter);
    } else {
        *iter = n;
    }
    if ((c->method == META_METHOD_ML || c->method == META_METHOD_REML) && t > 0.0) {
        double l0 = loglik(c, 0.0), lt = loglik(c, t);
        if (c->status != META_OK)
            return c->status;
        if (l0 - lt > LL0_TOL)
            t = 0.0;
    }
    *tau2 = t;
    return META_OK;
}

int meta_wls_tau2(struct meta_wls *w, enum meta_method method, double tol, int max_iter,
                  double *tau2, int *iter, struct meta_error *err)
{
    struct wctx c = {w, method, 0.0, META_OK, {""}};
    struct meta_wls_sums s0;
    double t = NAN, df = df_resid(&c);
    int ret = META_OK;
    *iter = 0;
    if (sums(&c, 0.0, 1, &s0) != META_OK)
        return meta_error_set(err, c.status, "%s", c.why.msg);
    double scale = df / s0.trP; /* typical within-study variance */

    switch (method) {
    case META_METHOD_DL: /* DerSimonian & Laird 1986, with moderators */
        t = (s0.rss - df) / s0.trP;
        break;
    case META_METHOD_HE: /* Hedges 1983 */
        he_raw(&c, &t);
        break;
    case META_METHOD_HS: /* Hunter & Schmidt 2004: (RSS - k) / sum w */
        t = (s0.rss - kk(&c)) / s0.W;
        break;
    case META_METHOD_SJ: { /* Sidik & Jonkman 2005: from the variance of y */
        double m = 0.0, ss = 0.0;
        for (size_t i = 0; i < w->k; i++)
            m += w->yt[i];
        m /= kk(&c);
        for (size_t i = 0; i < w->k; i++)
            ss += (w->yt[i] - m) * (w->yt[i] - m);
        double t0 = ss / kk(&c);
        struct meta_wls_sums st;
        if (t0 > 0.0 && sums(&c, t0, 0, &st) == META_OK)
            t = t0 * st.rss / df;
        else
            t = 0.0;
        break;
    }
    case META_METHOD_PM: { /* Paule & Mandel 1982: Q(tau^2) = k - p */
        c.target = df;
        if (s0.rss < df) {
            t = 0.0;
            break;
        }
        double x0 = (s0.rss - df) / s0.trP, f0, d0;
        q_fdf(x0, &c, &f0, &d0);
        if (c.status == META_OK)
            ret = meta_root_newton(q_fdf, &c, 0.0, INFINITY, x0, f0, d0, 1e-4 * tol * scale, tol,
                                   max_iter, &t, iter, err);
        *iter += 1;
        break;
    }
    case META_METHOD_ML:   /* Hardy & Thompson 1996 */
    case META_METHOD_REML: /* Viechtbauer 2005 */
    case META_METHOD_EB:   /* Morris 1983 */
        ret = est_scoring(&c, tol, scale, max_iter, &t, iter, err);
        break;
    default:
        return meta_error_set(err, META_EINVAL, "'%s' is not a tau^2 estimator",
                              meta_method_name(method));
    }
    if (c.status != META_OK)
        return meta_error_set(err, c.status, "%s", c.why.msg);
    if (ret != META_OK)
        return ret;
    if (!isfinite(t))
        return meta_error_set(err, META_EDOM, "tau^2 cannot be estimated from these data");
    *tau2 = fmax(0.0, t);
    return META_OK;
}
