/*
 * Chi-squared quantiles solved on GSL's distribution function. GSL's own
 * gsl_cdf_chisq_Pinv/Qinv lose their way for large df (at 1e5 df the upper
 * 2.5% point comes out as 132866 instead of 100878; at 1e6 df NaN), and the
 * Q-profile interval needs them at k - 1 df for any k.
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

struct cq {
    double df, prob;
    int upper;
};

/* Decreasing in x, zero at the quantile, with its derivative (minus the
 * density). The upper tail is solved on Q so that small upper probabilities
 * keep their precision. */
static void tail_fdf(double x, void *p, double *f, double *df)
{
    const struct cq *c = p;
    *f = c->upper ? gsl_cdf_chisq_Q(x, c->df) - c->prob : c->prob - gsl_cdf_chisq_P(x, c->df);
    *df = -gsl_ran_chisq_pdf(x, c->df);
}

int meta_chisq_quantile(double prob, double df, int upper, double *x, struct meta_error *err)
{
    struct cq c = {df, prob, upper};
    *x = NAN;
    if (!(prob > 0.0 && prob < 1.0) || !(df > 0.0) || !isfinite(df))
        return meta_error_set(err, META_EDOM, "no chi-squared quantile for p = %g on %g df", prob,
                              df);
    /* Newton's method on the distribution function with the density, from
     * the approximation of Wilson & Hilferty (1931), within [0, inf): the
     * function is positive at 0 and negative far out. */
    double z = upper ? gsl_cdf_ugaussian_Qinv(prob) : gsl_cdf_ugaussian_Pinv(prob);
    double h = 2.0 / (9.0 * df), g = 1.0 - h + z * sqrt(h);
    double x0 = g > 0.0 ? df * g * g * g : df * 1e-3, f0, d0;
    tail_fdf(x0, &c, &f0, &d0);
    return meta_root_newton(tail_fdf, &c, 0.0, INFINITY, x0, f0, d0, 1e-300, 1e-14, 500, x, NULL,
                            err);
}
