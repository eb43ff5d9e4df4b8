/*
 * Begg and Mazumdar's (1994) rank correlation test for funnel-plot
 * asymmetry as metafor 3.8's ranktest(): Kendall's tau between the
 * standardised deviations from the common-effect mean and the sampling
 * variances.
 */
#include "metareg_internal.h"

#include <math.h>
#include <stdlib.h>

int meta_ranktest(const double *yi, const double *vi, size_t k, struct meta_ranktest *out,
                  struct meta_error *err)
{
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    out->tau = out->p = NAN;
    if (!yi || !vi || k == 0)
        return meta_check_yv(yi, vi, k, err);
    /* theta = sum w y / sum w, w = 1/vi, taken about y_0 so that equal
     * effects give deviations of exactly 0. The same pass finds any value
     * that meta_check_yv() rejects (a non-finite y, v or 1/v makes `bad`
     * NaN); meta_check_yv() then names it. */
    double W = 0.0, swd = 0.0, bad = 0.0;
    size_t nonpositive = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / vi[i];
        W += w;
        swd += w * (yi[i] - yi[0]);
        bad += yi[i] * 0.0 + vi[i] * 0.0 + w * 0.0;
        nonpositive += !(vi[i] > 0.0);
    }
    if (isnan(bad) || nonpositive)
        return meta_check_yv(yi, vi, k, err);
    if (k < 2)
        return meta_error_set(err, META_EINVAL,
                              "the rank correlation test needs at least 2 "
                              "studies, got 1");
    double *ystar = malloc(k * sizeof *ystar);
    if (!ystar)
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    double shift = swd / W, vb = 1.0 / W;
    int ret;
    for (size_t i = 0; i < k; i++)
        ystar[i] = ((yi[i] - yi[0]) - shift) / sqrt(vi[i] - vb);
    ret = meta_kendall(ystar, vi, k, &out->tau, &out->p, err);
    free(ystar);
    return ret;
}
