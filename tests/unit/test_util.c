/*
 * Implementation of the shared comparison helpers (see test_util.h).
 */
#include "test_util.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>

int test_close(double got, double expected, const char *what)
{
    int ok;
    if (isnan(expected))
        ok = isnan(got);
    else if (expected == 0.0)
        ok = fabs(got) <= TEST_ABS_TOL_ZERO;
    else
        ok = fabs(got - expected) <= TEST_REL_TOL * fabs(expected);
    if (!ok)
        printf("\n    %s: expected %.15g, got %.15g", what, expected, got);
    return ok;
}

void test_check_result(const struct meta_result *r, const struct test_expect *e, const char *what)
{
    char buf[256];
#define FIELD(f)                                                                                   \
    do {                                                                                           \
        snprintf(buf, sizeof buf, "%s: %s", what, #f);                                             \
        CU_ASSERT(test_close(r->f, e->f, buf));                                                    \
    } while (0)
    FIELD(estimate);
    FIELD(se);
    FIELD(ci_lower);
    FIELD(ci_upper);
    FIELD(statistic);
    FIELD(p);
    FIELD(tau2);
    FIELD(I2);
    FIELD(H2);
    FIELD(Q);
    FIELD(Q_p);
    FIELD(tau2_ci_lower);
    FIELD(tau2_ci_upper);
    FIELD(pi_lower);
    FIELD(pi_upper);
#undef FIELD
}
