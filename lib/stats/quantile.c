/*
 * Chi-squared quantiles solved on GSL's distribution function. GSL's own
 * gsl_cdf_chisq_Pinv/Qinv lose their way for large df (at 1e5 df the upper
 * 2.5% point comes out as 132866 instead of 100878; at 1e6 df NaN), and the
 * Q-profile interval needs them at k - 1 df for any k.
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

struct cq {
    double df, prob;
    int upper;
};

/* Increasing in x, zero at the quantile. The upper tail is solved on Q so
 * that small upper probabilities keep their precision. */
static double tail_minus_prob(double x, void *p)
{
    const struct cq *c = p;
    if (c->upper)
        return c->prob - gsl_cdf_chisq_Q(x, c->df);
    return gsl_cdf_chisq_P(x, c->df) - c->prob;
}

int meta_chisq_quantile(double prob, double df, int upper, double *x, struct meta_error *err)
{
    struct cq c = {df, prob, upper};
    *x = NAN;
    if (!(prob > 0.0 && prob < 1.0) || !(df > 0.0) || !isfinite(df))
        return meta_error_set(err, META_EDOM, "no chi-squared quantile for p = %g on %g df", prob,
                              df);
    /* Wilson & Hilferty (1931) as the starting point, then a bracket. */
    double z = upper ? gsl_cdf_ugaussian_Qinv(prob) : gsl_cdf_ugaussian_Pinv(prob);
    double h = 2.0 / (9.0 * df), g = 1.0 - h + z * sqrt(h);
    double x0 = g > 0.0 ? df * g * g * g : df * 1e-3;
    double lo = x0, hi = x0;
    for (int n = 0; tail_minus_prob(lo, &c) > 0.0; n++) {
        if (n > 2000)
            return meta_error_set(err, META_EDOM, "chi-squared quantile: no lower bound");
        lo /= 2.0;
    }
    for (int n = 0; tail_minus_prob(hi, &c) < 0.0; n++) {
        if (n > 2000 || !isfinite(hi))
            return meta_error_set(err, META_EDOM, "chi-squared quantile: no upper bound");
        hi *= 2.0;
    }
    return meta_root_brent(tail_minus_prob, &c, lo, hi, 1e-300, 1e-14, 500, x, NULL, err);
}
