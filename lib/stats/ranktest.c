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
    int ret = meta_check_yv(yi, vi, k, err);
    if (ret != META_OK)
        return ret;
    if (k < 2)
        return meta_error_set(err, META_EINVAL,
                              "the rank correlation test needs at least 2 "
                              "studies, got 1");
    double *ystar = malloc(k * sizeof *ystar);
    if (!ystar)
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    /* theta = sum w y / sum w, w = 1/vi, taken about y_0 so that equal
     * effects give deviations of exactly 0. */
    double W = 0.0, swd = 0.0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / vi[i];
        W += w;
        swd += w * (yi[i] - yi[0]);
    }
    double shift = swd / W, vb = 1.0 / W;
    for (size_t i = 0; i < k; i++)
        ystar[i] = ((yi[i] - yi[0]) - shift) / sqrt(vi[i] - vb);
    ret = meta_kendall(ystar, vi, k, &out->tau, &out->p, err);
    free(ystar);
    return ret;
}
