/*
 * Implementation of the shared CUnit runner (see cunit_main.h).
 */
#include "cunit_main.h"

#include <CUnit/Basic.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>

int meta_test_run_suite(const char *suite_name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
                        const struct meta_test_case *cases)
{
    gsl_set_error_handler_off();
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "cunit: %s\n", CU_get_error_msg());
        return 1;
    }
    CU_pSuite suite = CU_add_suite(suite_name, init, cleanup);
    if (!suite) {
        fprintf(stderr, "cunit: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 1;
    }
    for (const struct meta_test_case *c = cases; c->name; c++) {
        if (!CU_add_test(suite, c->name, c->fn)) {
            fprintf(stderr, "cunit: %s\n", CU_get_error_msg());
            CU_cleanup_registry();
            return 1;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    int framework_error = CU_get_error() != CUE_SUCCESS;
    CU_cleanup_registry();
    return (failures || suites_failed || framework_error) ? 1 : 0;
}
