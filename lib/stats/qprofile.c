/*
 * The Q-profile confidence interval of tau^2 (Viechtbauer 2007), with the
 * search interval and boundary rules of metafor 3.8's confint.rma.uni, so
 * that the bounds agree with it, truncations included.
 */
#include "stats_internal.h"

#include <math.h>

struct qp_ctx {
    const double *yi, *vi;
    size_t k;
    double target;
    int evals; /* Q evaluations so far */
};

static double q_at(const struct qp_ctx *c, double t)
{
    struct meta_iv_sums s;
    meta_iv_sums_q(c->yi, c->vi, c->k, t, &s);
    return s.Q;
}

static double q_minus_target(double t, void *p)
{
    struct qp_ctx *c = p;
    c->evals++;
    return q_at(c, t) - c->target;
}

int meta_tau2_qprofile(const double *yi, const double *vi, size_t k, double tau2_hat, double level,
                       double tol, int max_iter, double *lower, double *upper, int *evals,
                       struct meta_error *err)
{
    struct qp_ctx c = {yi, vi, k, 0.0, 2};
    double df = (double)k - 1.0, alpha = 1.0 - level / 100.0;
    double tmax = fmax(100.0, 10.0 * tau2_hat);
    double crit_u, crit_l, lb = NAN, ub = NAN;
    int ret;

    *lower = *upper = NAN;
    if (k < 2)
        return meta_error_set(err, META_EDOM, "the tau^2 interval needs at least 2 studies");
    ret = meta_chisq_quantile(alpha / 2.0, df, 1, &crit_u, err);
    if (ret == META_OK)
        ret = meta_chisq_quantile(alpha / 2.0, df, 0, &crit_l, err);
    if (ret != META_OK)
        return ret;
    double epsabs = 1e-4 * tol * meta_typical_variance(yi, vi, k);
    double q0 = q_at(&c, 0.0), qmax = q_at(&c, tmax);

    if (q0 < crit_l) {
        lb = ub = 0.0;
    } else if (qmax > crit_l) {
        ub = tmax; /* beyond the search interval: metafor reports its end */
    } else {
        c.target = crit_l;
        ret = meta_root_brent(q_minus_target, &c, 0.0, tmax, epsabs, tol, max_iter, &ub, NULL, err);
        if (ret != META_OK)
            return ret;
    }
    if (qmax > crit_u) {
        lb = ub = tmax;
    } else if (q0 < crit_u) {
        lb = 0.0;
    } else {
        c.target = crit_u;
        ret = meta_root_brent(q_minus_target, &c, 0.0, tmax, epsabs, tol, max_iter, &lb, NULL, err);
        if (ret != META_OK)
            return ret;
    }
    *lower = lb;
    *upper = ub;
    if (evals)
        *evals = c.evals;
    return META_OK;
}
