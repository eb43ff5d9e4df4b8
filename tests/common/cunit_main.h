/*
 * The CUnit runner every test program shares: registers the suites a test
 * file declares, runs them verbosely and turns any failed assertion into a
 * non-zero exit status (CUnit's own CU_get_error() only reports framework
 * errors, not failed assertions).
 */
#ifndef META_CUNIT_MAIN_H
#define META_CUNIT_MAIN_H

#include <CUnit/CUnit.h>

struct meta_test_case {
    const char *name;
    CU_TestFunc fn;
};

/* Runs one suite made of `cases` (terminated by a {NULL, NULL} entry), with
 * optional set-up and tear-down. Returns the process exit status: 0 when every
 * assertion passed, 1 otherwise. */
int meta_test_run_suite(const char *suite, CU_InitializeFunc init, CU_CleanupFunc cleanup,
                        const struct meta_test_case *cases);

#endif
