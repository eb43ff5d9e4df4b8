/*
 * The test for subgroup differences: the subgroups' pooled estimates,
 * weighted by the inverse of their squared standard errors, tested for
 * spread around their weighted mean on G - 1 df (Borenstein et al. 2009,
 * ch. 19; the test RevMan and R's meta report).
 */
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

int meta_subgroup_test(const struct meta_result *groups, size_t count,
                       struct meta_subgroup_test *out, struct meta_error *err)
{
    double W = 0.0, swy = 0.0, Q = 0.0;
    if (!groups || !out)
        return meta_error_set(err, META_EINVAL, "no subgroups given");
    if (count < 2)
        return meta_error_set(err, META_EINVAL,
                              "the subgroup test needs at least 2 subgroups, got %zu", count);
    for (size_t g = 0; g < count; g++) {
        const struct meta_result *r = &groups[g];
        if (!isfinite(r->estimate) || !isfinite(r->se) || !(r->se > 0.0))
            return meta_error_set(err, META_EINVAL,
                                  "subgroup %zu has no usable estimate (estimate %g, se %g)", g + 1,
                                  r->estimate, r->se);
        double w = 1.0 / (r->se * r->se);
        W += w;
        swy += w * r->estimate;
    }
    double mean = swy / W;
    for (size_t g = 0; g < count; g++) {
        double d = groups[g].estimate - mean;
        Q += d * d / (groups[g].se * groups[g].se);
    }
    out->Q = Q;
    out->df = (int)count - 1;
    out->p = gsl_cdf_chisq_Q(Q, (double)out->df);
    out->I2 = Q > 0.0 ? fmax(0.0, 100.0 * (Q - (double)out->df) / Q) : 0.0;
    if (!isfinite(out->p))
        return meta_error_set(err, META_EDOM, "the subgroup test p-value is not available");
    return META_OK;
}
