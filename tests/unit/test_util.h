/*
 * Comparison helpers shared by the lib/stats unit tests, so that every file
 * applies the same tolerance rule: |got - expected| <= 1e-6 |expected|, or
 * |got| <= 1e-10 when the expected value is exactly 0; NAN expects NAN.
 */
#ifndef META_TEST_UTIL_H
#define META_TEST_UTIL_H

#include "meta_stats.h"

#define TEST_REL_TOL      1e-6
#define TEST_ABS_TOL_ZERO 1e-10

/* 1 when got agrees with expected under the rule above; prints a line naming
 * `what` when it does not. */
int test_close(double got, double expected, const char *what);

/* Asserts (CUnit) test_close(). */
#define CHECK_CLOSE(got, expected) CU_ASSERT(test_close((got), (expected), #got))

/* Expected values of one pooled analysis, NAN where a field is null. */
struct test_expect {
    double estimate, se, ci_lower, ci_upper, statistic, p;
    double tau2, I2, H2, Q, Q_p;
    double tau2_ci_lower, tau2_ci_upper, pi_lower, pi_upper;
};

/* Asserts every field of res against e under the rule above. */
void test_check_result(const struct meta_result *res, const struct test_expect *e,
                       const char *what);

#endif
