/*
 * Estimators of the residual between-study variance tau^2 of a
 * meta-regression (p coefficients), following metafor 3.8's rma.uni with
 * moderators: DL, HE, HS, SJ in closed form, Paule-Mandel as the root of
 * the generalised Q on k - p df, ML, REML and EB by tau2.c's Fisher scoring
 * (meta_tau2_scoring()) from Hedges' estimate. The intercept-only case lives
 * in tau2.c; this is its generalisation, each evaluation one weighted
 * least-squares fit (wls.c).
 */
#include "metareg_internal.h"

#include <math.h>

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

/* The estimating equation of the scoring methods and metafor's scoring
 * step (meta_score_fn). */
static double score(double t, void *p, double *step)
{
    struct wctx *c = p;
    struct meta_wls_sums s;
    if (sums(c, t, c->method == META_METHOD_REML ? 2 : 0, &s) != META_OK) {
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

/* ML or REML log-likelihood up to a constant (meta_loglik_fn). */
static double loglik(double t, void *p)
{
    struct wctx *c = p;
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

int meta_wls_tau2(struct meta_wls *w, enum meta_method method, double tol, int max_iter,
                  double *tau2, int *iter, struct meta_wls_sums *at0, struct meta_error *err)
{
    struct wctx c = {w, method, 0.0, META_OK, {""}};
    struct meta_wls_sums s0;
    double t = NAN, df = df_resid(&c);
    int ret = META_OK;
    *iter = 0;
    if (sums(&c, 0.0, 1, &s0) != META_OK)
        return meta_error_set(err, c.status, "%s", c.why.msg);
    double scale = df / s0.trP; /* typical within-study variance */
    if (at0)
        *at0 = s0;

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
        if (he_raw(&c, &t) == META_OK)
            ret = meta_tau2_scoring(score, loglik, &c, method, t, tol, scale, max_iter, &t, iter,
                                    err);
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
