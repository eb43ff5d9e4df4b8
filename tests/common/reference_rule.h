/*
 * How the tests compare meta's numbers with metafor's reference values
 * (tests/data/reference.json): one tolerance rule and one list of corrected
 * reference values, shared by the library tests (tests/unit) and the
 * end-to-end tests of `meta pool` (tests/cli), so the two cannot drift.
 */
#ifndef META_REFERENCE_RULE_H
#define META_REFERENCE_RULE_H

#include <stddef.h>

/* Relative tolerance; expected values that are exactly 0 take an absolute one. */
#define META_REF_REL_TOL  1e-6
#define META_REF_ZERO_TOL 1e-10

/* Relative error of got against expected (absolute when expected is 0), and
 * whether it is within the rule. NaN never agrees. */
double meta_ref_error(double expected, double got);
int meta_ref_agrees(double expected, double got);

/*
 * The value field `field` of reference case `index` (0-based) is checked
 * against. reference.json's two Haeuser cases were computed with confint()'s
 * default uniroot() tolerance (absolute 1.220703125e-4) while the other 70
 * cases were solved to 1e-12; where that leaves a value more than 1e-6 from
 * the converged root, the converged value is returned instead and
 * *corrected set to 1, after checking that the stored value lies within
 * uniroot's tolerance of it (*stored_ok). Otherwise returns stored.
 */
double meta_ref_expected(size_t index, const char *field, double stored, int *corrected,
                         int *stored_ok);

#endif
