/*
 * lib/stats on studies reported as an effect (struct meta_study's `given`):
 * the HR and GIV measures' names and predicates, the effect taken as it is
 * under every convention and checked, pooling of arm studies and given ones
 * together equal to inverse-variance pooling of their yi and vi (the same
 * code path, so to the last bit or nearly), leave-one-out, cumulative and
 * subgroups on them, and Mantel-Haenszel and Peto refusing them.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "cunit_main.h"
#include "meta_stats.h"

/* Equal to 1e-13 relative (1e-15 absolute near 0). */
#define NEAR(a, b)                                                                                 \
    CU_ASSERT((isnan(a) && isnan(b)) || fabs((a) - (b)) <= 1e-13 * fmax(fabs(a), fabs(b)) + 1e-15)

static struct meta_study given(const char *label, enum meta_measure m, double yi, double vi)
{
    struct meta_study s;
    memset(&s, 0, sizeof s);
    s.label = label;
    s.given = 1;
    s.given_measure = m;
    s.yi = yi;
    s.vi = vi;
    return s;
}

static void test_names(void)
{
    enum meta_measure m;
    CU_ASSERT_EQUAL(meta_measure_parse("hr", &m), META_OK);
    CU_ASSERT_EQUAL(m, META_HR);
    CU_ASSERT_EQUAL(meta_measure_parse("GIV", &m), META_OK);
    CU_ASSERT_EQUAL(m, META_GIV);
    CU_ASSERT_STRING_EQUAL(meta_measure_name(META_HR), "HR");
    CU_ASSERT_STRING_EQUAL(meta_measure_name(META_GIV), "GIV");
    CU_ASSERT(meta_measure_is_ratio(META_HR) && !meta_measure_is_ratio(META_GIV));
    CU_ASSERT(!meta_measure_is_binary(META_HR) && !meta_measure_is_binary(META_GIV));
    CU_ASSERT(meta_measure_is_estimate_only(META_HR) && meta_measure_is_estimate_only(META_GIV));
    CU_ASSERT(!meta_measure_is_estimate_only(META_RR) && !meta_measure_is_estimate_only(META_MD));
    struct meta_options o;
    struct meta_error err;
    meta_options_init(&o);
    o.measure = META_HR;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_OK);
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "method 'MH' needs measure RR, OR or RD, not 'HR'");
    o.method = META_METHOD_PETO;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
}

static void test_effect_as_given(void)
{
    struct meta_error err;
    double yi, vi;
    struct meta_study s = given("S", META_HR, log(0.7), 0.04);
    CU_ASSERT_EQUAL(meta_es_compute(META_HR, &s, &yi, &vi, &err), META_OK);
    CU_ASSERT_EQUAL(yi, log(0.7));
    CU_ASSERT_EQUAL(vi, 0.04);
    static const enum meta_convention conventions[] = {
        META_CONVENTION_METAFOR, META_CONVENTION_REVMAN5, META_CONVENTION_RMETA};
    for (size_t c = 0; c < 3; c++) {
        struct meta_options o;
        meta_options_init(&o);
        o.convention = conventions[c];
        o.measure = META_HR;
        o.method = META_METHOD_DL;
        CU_ASSERT_EQUAL(meta_es_compute_opts(&o, &s, &yi, &vi, &err), META_OK);
        CU_ASSERT_EQUAL(yi, log(0.7));
        o.measure = META_RR;
        CU_ASSERT_EQUAL(meta_es_compute_opts(&o, &s, &yi, &vi, &err), META_EINVAL);
        CU_ASSERT_STRING_EQUAL(err.msg, "the study reports its effect as HR, not RR");
        CU_ASSERT(isnan(yi) && isnan(vi));
    }
    s.vi = 0.0;
    CU_ASSERT_EQUAL(meta_es_compute(META_HR, &s, &yi, &vi, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "the reported variance must be > 0, got 0");
    s.vi = 0.04;
    s.yi = INFINITY;
    CU_ASSERT_EQUAL(meta_es_compute(META_HR, &s, &yi, &vi, &err), META_EINVAL);
    /* arms cannot give an HR or a GIV */
    struct meta_study arms = {.label = "A", .binary = 1, .tb = {3, 10}, .cb = {4, 10}};
    CU_ASSERT_EQUAL(meta_es_compute(META_HR, &arms, &yi, &vi, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "measure 'HR' needs a reported effect with its variance, not arm data");
    CU_ASSERT_EQUAL(meta_es_compute(META_GIV, &arms, &yi, &vi, &err), META_EINVAL);
}

/* Four binary studies: two of counts, two given as log RR. */
static void mixed(struct meta_study *s, double *yi, double *vi)
{
    struct meta_error err;
    s[0] = (struct meta_study){.label = "A", .binary = 1, .tb = {10, 50}, .cb = {20, 50}};
    s[1] = given("B", META_RR, log(0.61), 0.04);
    s[2] = (struct meta_study){.label = "C", .binary = 1, .tb = {12, 40}, .cb = {15, 41}};
    s[3] = given("D", META_RR, log(1.4), 0.09);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(meta_es_compute(META_RR, &s[i], &yi[i], &vi[i], &err), META_OK);
}

static void same(const struct meta_result *a, const struct meta_result *b)
{
    CU_ASSERT_EQUAL_FATAL(a->k, b->k);
    NEAR(a->estimate, b->estimate);
    NEAR(a->se, b->se);
    NEAR(a->tau2, b->tau2);
    NEAR(a->tau2_ci_lower, b->tau2_ci_lower);
    NEAR(a->tau2_ci_upper, b->tau2_ci_upper);
    NEAR(a->Q, b->Q);
    NEAR(a->I2, b->I2);
    NEAR(a->pi_lower, b->pi_lower);
    for (size_t i = 0; i < a->k; i++)
        NEAR(a->studies[i].weight, b->studies[i].weight);
}

static void test_pooling_mixed(void)
{
    struct meta_study s[4];
    double yi[4], vi[4];
    mixed(s, yi, vi);
    static const struct {
        enum meta_convention convention;
        enum meta_model model;
        enum meta_method method;
        enum meta_ci ci;
    } cases[] = {
        {META_CONVENTION_METAFOR, META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z},
        {META_CONVENTION_METAFOR, META_MODEL_COMMON, META_METHOD_IV, META_CI_Z},
        {META_CONVENTION_METAFOR, META_MODEL_RANDOM, META_METHOD_PM, META_CI_HKSJ},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_DL, META_CI_Z},
        {META_CONVENTION_RMETA, META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct meta_options o;
        struct meta_error err;
        struct meta_result a, b;
        meta_options_init(&o);
        o.measure = META_RR;
        o.convention = cases[c].convention;
        o.model = cases[c].model;
        o.method = cases[c].method;
        o.ci = cases[c].ci;
        CU_ASSERT_EQUAL_FATAL(meta_pool(s, 4, &o, &a, &err), META_OK);
        CU_ASSERT_EQUAL_FATAL(meta_pool_yv(yi, vi, 4, &o, &b, &err), META_OK);
        same(&a, &b);
        meta_result_release(&a);
        meta_result_release(&b);
    }
    /* leave-one-out, cumulative and subgroups run the same way */
    struct meta_options o;
    struct meta_error err;
    meta_options_init(&o);
    o.measure = META_RR;
    struct meta_result *loo = NULL, *cum = NULL, sub;
    CU_ASSERT_EQUAL_FATAL(meta_leave1out(s, 4, &o, &loo, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_cumulative(s, 4, &o, &cum, &err), META_OK);
    double y3[3], v3[3];
    for (size_t left = 0; left < 4; left++) {
        for (size_t i = 0, n = 0; i < 4; i++)
            if (i != left) {
                y3[n] = yi[i];
                v3[n++] = vi[i];
            }
        CU_ASSERT_EQUAL_FATAL(meta_pool_yv(y3, v3, 3, &o, &sub, &err), META_OK);
        same(&loo[left], &sub);
        meta_result_release(&sub);
        CU_ASSERT_EQUAL_FATAL(meta_pool_yv(yi, vi, left + 1, &o, &sub, &err), META_OK);
        same(&cum[left], &sub);
        meta_result_release(&sub);
    }
    meta_results_free(loo, 4);
    meta_results_free(cum, 4);
    struct meta_subgroup_analysis g1, g2;
    const size_t group[] = {0, 1, 0, 1};
    CU_ASSERT_EQUAL_FATAL(meta_pool_subgroups(s, 4, group, 2, &o, &g1, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_pool_subgroups_yv(yi, vi, 4, group, 2, &o, &g2, &err), META_OK);
    same(&g1.overall, &g2.overall);
    same(&g1.groups[0], &g2.groups[0]);
    same(&g1.groups[1], &g2.groups[1]);
    NEAR(g1.test.Q, g2.test.Q);
    meta_subgroup_analysis_release(&g1);
    meta_subgroup_analysis_release(&g2);
}

static void test_counts_refused(void)
{
    struct meta_study s[4];
    double yi[4], vi[4];
    mixed(s, yi, vi);
    struct meta_options o;
    struct meta_error err;
    struct meta_result r;
    meta_options_init(&o);
    o.measure = META_RR;
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    CU_ASSERT_EQUAL(meta_pool(s, 4, &o, &r, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(
        err.msg, "study 'B': method 'MH' needs the study's counts, not a reported effect");
    meta_result_release(&r);
    o.measure = META_OR;
    o.method = META_METHOD_PETO;
    s[1].given_measure = s[3].given_measure = META_OR;
    CU_ASSERT_EQUAL(meta_pool(s, 4, &o, &r, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(
        err.msg, "study 'B': method 'PETO' needs the study's counts, not a reported effect");
    meta_result_release(&r);
    /* a given study of another measure than the analysis' */
    o.method = META_METHOD_IV;
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_pool(s, 4, &o, &r, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "study 'B': the study reports its effect as OR, not RR");
    meta_result_release(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"HR and GIV: names and predicates", test_names},
        {"a reported effect taken as it is, and checked", test_effect_as_given},
        {"arms and reported effects pooled together", test_pooling_mixed},
        {"MH and Peto refuse reported effects", test_counts_refused},
        {NULL, NULL},
    };
    return meta_test_run_suite("given effects", NULL, NULL, cases);
}
