/*
 * The comparison rule for metafor's reference values (see reference_rule.h).
 */
#include "reference_rule.h"

#include <math.h>
#include <string.h>

#define UNIROOT_DEFAULT_TOL 1.220703125e-4

struct correction {
    size_t index;
    const char *field;
    double value;
};

static const struct correction corrections[] = {
    /* d <- reference case 70 studies; r <- rma(yi, vi, method="REML",
     * control=list(threshold=1e-12)); confint(r, control=list(tol=1e-12))
     * -> ci.ub 1.0907745486144598 (confint(r) -> 1.0907999139380877) */
    {70, "tau2_ci_upper", 1.0907745486144598},
};

double meta_ref_error(double expected, double got)
{
    if (expected == 0.0)
        return fabs(got);
    return fabs(got - expected) / fabs(expected);
}

int meta_ref_agrees(double expected, double got)
{
    double e = meta_ref_error(expected, got);
    return expected == 0.0 ? e <= META_REF_ZERO_TOL : e <= META_REF_REL_TOL;
}

double meta_ref_expected(size_t index, const char *field, double stored, int *corrected,
                         int *stored_ok)
{
    *corrected = 0;
    *stored_ok = 1;
    for (size_t i = 0; i < sizeof corrections / sizeof corrections[0]; i++) {
        if (corrections[i].index == index && strcmp(corrections[i].field, field) == 0) {
            *corrected = 1;
            *stored_ok = fabs(stored - corrections[i].value) <= UNIROOT_DEFAULT_TOL;
            return corrections[i].value;
        }
    }
    return stored;
}
