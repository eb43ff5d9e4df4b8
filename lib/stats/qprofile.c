/*
 * The Q-profile confidence interval of tau^2 (Viechtbauer 2007), with the
 * search interval and boundary rules of metafor 3.8's confint.rma.uni, so
 * that the bounds agree with it, truncations included. Q(tau^2) falls
 * monotonically and its derivative comes from the same pass, so each bound
 * is a Newton search from the estimate: a few passes over the data.
 */
#include "stats_internal.h"

#include <math.h>

struct qp_ctx {
    struct meta_iv_data *d;
    double target;
};

/* Where Q(t) = target, as the root of 1/target - 1/Q(t), which falls as Q
 * does and is nearly straight in t (exactly, when all vi are equal: Q is
 * then a multiple of 1/(v + t)), so that Newton's method lands in two or
 * three steps; dQ/dt = -y'PPy comes from the same pass (DerSimonian &
 * Kacker 2007). */
static void q_fdf(double t, void *p, double *f, double *df)
{
    struct qp_ctx *c = p;
    struct meta_iv_sums s;
    meta_iv_pass(c->d, t, 0, &s);
    *f = 1.0 / c->target - 1.0 / s.Q;
    *df = -s.swr2 / (s.Q * s.Q);
}

/* Where Q crosses target, clamped to [0, tmax] as metafor's rules have it,
 * searched from tau2_hat, whose sums are sh. */
static int bound(struct qp_ctx *c, double target, double tau2_hat, const struct meta_iv_sums *sh,
                 double tmax, double epsabs, double tol, int max_iter, double *out,
                 struct meta_error *err)
{
    c->target = target;
    return meta_root_newton(q_fdf, c, 0.0, tmax, tau2_hat, 1.0 / target - 1.0 / sh->Q,
                            -sh->swr2 / (sh->Q * sh->Q), epsabs, tol, max_iter, out, NULL, err);
}

int meta_tau2_qprofile(struct meta_iv_data *d, double tau2_hat, double level, double tol,
                       int max_iter, double *lower, double *upper, struct meta_error *err)
{
    struct qp_ctx c = {d, 0.0};
    struct meta_iv_sums s0, sh;
    double df = (double)d->k - 1.0, alpha = 1.0 - level / 100.0;
    double tmax = fmax(100.0, 10.0 * tau2_hat);
    double crit_u, crit_l, lb = NAN, ub = NAN;
    int ret;

    *lower = *upper = NAN;
    if (d->k < 2)
        return meta_error_set(err, META_EDOM, "the tau^2 interval needs at least 2 studies");
    ret = meta_chisq_quantile(alpha / 2.0, df, 1, &crit_u, err);
    if (ret == META_OK)
        ret = meta_chisq_quantile(alpha / 2.0, df, 0, &crit_l, err);
    if (ret != META_OK)
        return ret;
    meta_iv_pass(d, 0.0, 1, &s0);
    double epsabs = 1e-4 * tol * df / s0.trP; /* relative to the typical variance */

    if (s0.Q < crit_l) {
        lb = ub = 0.0; /* metafor: Q(0) below the lower quantile */
    } else {
        meta_iv_pass(d, tau2_hat, 0, &sh);
        ret = bound(&c, crit_l, tau2_hat, &sh, tmax, epsabs, tol, max_iter, &ub, err);
        if (ret == META_OK)
            ret = bound(&c, crit_u, tau2_hat, &sh, tmax, epsabs, tol, max_iter, &lb, err);
        if (ret != META_OK)
            return ret;
    }
    *lower = lb;
    *upper = ub;
    return META_OK;
}
