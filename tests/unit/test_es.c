/*
 * Unit tests of the study-level layer of lib/stats: names and option checks,
 * combining arms (Cochrane Handbook table 6.5.a), effect sizes against
 * metafor's escalc() (values from tests/unit/metafor_edge_cases.R), zero-cell
 * corrections, and the statuses for what cannot be estimated.
 */
#include "cunit_main.h"
#include "meta_stats.h"
#include "test_util.h"

#include <math.h>
#include <string.h>

static void test_names(void)
{
    enum meta_measure ms;
    enum meta_model mo;
    enum meta_method me;
    enum meta_ci ci;
    for (int i = META_MD; i <= META_RD; i++) {
        CU_ASSERT_EQUAL(meta_measure_parse(meta_measure_name((enum meta_measure)i), &ms), META_OK);
        CU_ASSERT_EQUAL(ms, i);
    }
    for (int i = META_METHOD_IV; i <= META_METHOD_EB; i++) {
        CU_ASSERT_EQUAL(meta_method_parse(meta_method_name((enum meta_method)i), &me), META_OK);
        CU_ASSERT_EQUAL(me, i);
    }
    CU_ASSERT_EQUAL(meta_measure_parse("smd", &ms), META_OK);
    CU_ASSERT_EQUAL(ms, META_SMD);
    CU_ASSERT_EQUAL(meta_measure_parse("IRR", &ms), META_EINVAL);
    CU_ASSERT_EQUAL(meta_measure_parse(NULL, &ms), META_EINVAL);
    CU_ASSERT_EQUAL(meta_method_parse("peto", &me), META_OK);
    CU_ASSERT_EQUAL(me, META_METHOD_PETO);
    CU_ASSERT_EQUAL(meta_method_parse("FE", &me), META_EINVAL);
    CU_ASSERT_EQUAL(meta_model_parse("Random", &mo), META_OK);
    CU_ASSERT_EQUAL(mo, META_MODEL_RANDOM);
    CU_ASSERT_EQUAL(meta_model_parse("fixed", &mo), META_OK);
    CU_ASSERT_EQUAL(mo, META_MODEL_COMMON);
    CU_ASSERT_EQUAL(meta_model_parse("mixed", &mo), META_EINVAL);
    CU_ASSERT_EQUAL(meta_ci_parse("HKSJ", &ci), META_OK);
    CU_ASSERT_EQUAL(ci, META_CI_HKSJ);
    CU_ASSERT_EQUAL(meta_ci_parse("knha", &ci), META_OK);
    CU_ASSERT_EQUAL(meta_ci_parse("t", &ci), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(meta_model_name(META_MODEL_COMMON), "common");
    CU_ASSERT_STRING_EQUAL(meta_ci_name(META_CI_Z), "z");
    CU_ASSERT_STRING_EQUAL(meta_measure_name((enum meta_measure)42), "?");

    CU_ASSERT(meta_measure_is_binary(META_OR) && !meta_measure_is_binary(META_ROM));
    CU_ASSERT(meta_measure_is_ratio(META_ROM) && meta_measure_is_ratio(META_RR));
    CU_ASSERT(!meta_measure_is_ratio(META_RD) && !meta_measure_is_ratio(META_SMD));
    CU_ASSERT(meta_method_is_random(META_METHOD_EB) && !meta_method_is_random(META_METHOD_MH));
}

static void test_options(void)
{
    struct meta_options o;
    struct meta_error err = {""};
    meta_options_init(&o);
    CU_ASSERT_EQUAL(o.measure, META_MD);
    CU_ASSERT_EQUAL(o.model, META_MODEL_RANDOM);
    CU_ASSERT_EQUAL(o.method, META_METHOD_REML);
    CU_ASSERT_EQUAL(o.ci, META_CI_Z);
    CU_ASSERT_EQUAL(o.level, 95.0);
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_OK);

    o.method = META_METHOD_IV; /* IV under the random model */
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "IV") != NULL);
    o.model = META_MODEL_COMMON;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_OK);
    o.method = META_METHOD_MH; /* MH with MD */
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_OK);
    o.ci = META_CI_HKSJ; /* MH with hksj */
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    o.ci = META_CI_Z;
    o.method = META_METHOD_PETO; /* Peto with RR */
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    o.measure = META_OR;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_OK);
    o.method = META_METHOD_DL; /* DL under the common model */
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    meta_options_init(&o);
    o.level = 100.0;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    o.level = NAN;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    meta_options_init(&o);
    o.max_iter = 0;
    CU_ASSERT_EQUAL(meta_options_check(&o, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_options_check(NULL, &err), META_EINVAL);
}

/* Three active arms against placebo, combined with the Handbook formula:
 * comb(c(30, 28, 31), c(5.1, 4.6, 5.5), c(2.0, 2.4, 1.8)) in
 * metafor_edge_cases.R -> n 89, mean 5.08202247191011, sd 2.07980341060447 */
static void test_combine_three_arms(void)
{
    struct meta_arm_cont arms[] = {{30, 5.1, 2.0}, {28, 4.6, 2.4}, {31, 5.5, 1.8}}, g;
    struct meta_error err = {""};
    CU_ASSERT_EQUAL_FATAL(meta_arm_cont_combine(arms, 3, &g, &err), META_OK);
    CHECK_CLOSE(g.n, 89.0);
    CHECK_CLOSE(g.mean, 5.08202247191011);
    CHECK_CLOSE(g.sd, 2.07980341060447);

    /* One arm is returned as it is. */
    CU_ASSERT_EQUAL(meta_arm_cont_combine(arms, 1, &g, &err), META_OK);
    CU_ASSERT(g.n == 30 && g.mean == 5.1 && g.sd == 2.0);

    /* Against placebo (29, 6.2, 2.2): escalc(ms, n1i = 89, m1i = ..., sd1i = ...,
     * n2i = 29, m2i = 6.2, sd2i = 2.2) */
    struct meta_study s = {.label = "three-arm", .binary = 0, .tc = g, .cc = {29, 6.2, 2.2}};
    double yi, vi;
    CU_ASSERT_EQUAL_FATAL(meta_arm_cont_combine(arms, 3, &s.tc, &err), META_OK);
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &s, &yi, &vi, &err), META_OK);
    CHECK_CLOSE(yi, -1.11797752808989); /* escalc("MD", ...) */
    CHECK_CLOSE(vi, 0.215498599215846);
    CU_ASSERT_EQUAL(meta_es_compute(META_SMD, &s, &yi, &vi, &err), META_OK);
    CHECK_CLOSE(yi, -0.526551662106005); /* escalc("SMD", ...) */
    CHECK_CLOSE(vi, 0.0468935300025753);
    CU_ASSERT_EQUAL(meta_es_compute(META_ROM, &s, &yi, &vi, &err), META_OK);
    CHECK_CLOSE(yi, -0.198839985299388); /* escalc("ROM", ...) */
    CHECK_CLOSE(vi, 0.00622357612053229);

    struct meta_arm_bin b[] = {{3, 20}, {5, 22}}, bg;
    CU_ASSERT_EQUAL(meta_arm_bin_combine(b, 2, &bg, &err), META_OK);
    CU_ASSERT(bg.events == 8 && bg.total == 42);
}

static void test_combine_errors(void)
{
    struct meta_arm_cont g, bad[] = {{30, 5.1, 2.0}, {28, NAN, 2.4}};
    struct meta_arm_bin bg, badb[] = {{3, 20}, {25, 22}};
    struct meta_error err = {""};
    CU_ASSERT_EQUAL(meta_arm_cont_combine(bad, 2, &g, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "arm 2") != NULL);
    CU_ASSERT_EQUAL(meta_arm_cont_combine(bad, 0, &g, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_arm_cont_combine(NULL, 2, &g, &err), META_EINVAL);
    bad[1].mean = 4.6;
    bad[1].sd = -1.0;
    CU_ASSERT_EQUAL(meta_arm_cont_combine(bad, 2, &g, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_arm_bin_combine(badb, 2, &bg, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "events <= total") != NULL);
    badb[1].events = INFINITY;
    CU_ASSERT_EQUAL(meta_arm_bin_combine(badb, 2, &bg, NULL), META_EINVAL);
}

/* Zero cells: ai = c(0, 3, 5, 0, 2), n1i = c(20, 30, 40, 25, 15),
 * ci = c(1, 6, 4, 0, 5), n2i = c(22, 31, 38, 24, 16); escalc(measure, ...)
 * adds 0.5 to every cell of tables 1 (one zero) and 4 (double zero). */
static const double zero_a[] = {0, 3, 5, 0, 2}, zero_n1[] = {20, 30, 40, 25, 15};
static const double zero_c[] = {1, 6, 4, 0, 5}, zero_n2[] = {22, 31, 38, 24, 16};
static const double zero_yi[3][5] = {
    {-1.00764051046238, -0.660357357736954, 0.17185025692666, -0.0392207131532811,
     -0.851752210736584}, /* RR */
    {-1.05098423967886, -0.770108221696074, 0.194156014440957, -0.0400053346136993,
     -1.08334481653732}, /* OR */
    {-0.041407867494824, -0.0935483870967742, 0.0197368421052632, -0.000769230769230769,
     -0.179166666666667}, /* RD */
};
static const double zero_vi[3][5] = {
    {2.57556935817805, 0.434408602150538, 0.398684210526316, 3.92153846153846, 0.570833333333333},
    {2.76195878237852, 0.577037037037037, 0.507983193277311, 4.08003201280512, 0.867832167832168},
    {0.00375740423510991, 0.00803507770803263, 0.0052128704074938, 0.00150942102867547,
     0.0211314380787037},
};

static void test_zero_cells(void)
{
    static const enum meta_measure ms[] = {META_RR, META_OR, META_RD};
    struct meta_error err = {""};
    for (int m = 0; m < 3; m++) {
        for (int i = 0; i < 5; i++) {
            struct meta_study s = {
                .binary = 1, .tb = {zero_a[i], zero_n1[i]}, .cb = {zero_c[i], zero_n2[i]}};
            double yi, vi;
            CU_ASSERT_EQUAL(meta_es_compute(ms[m], &s, &yi, &vi, &err), META_OK);
            CHECK_CLOSE(yi, zero_yi[m][i]);
            CHECK_CLOSE(vi, zero_vi[m][i]);
        }
    }
    /* All events in both arms is a zero cell too (b = d = 0). */
    struct meta_study full = {.binary = 1, .tb = {10, 10}, .cb = {12, 12}};
    double yi, vi;
    CU_ASSERT_EQUAL(meta_es_compute(META_OR, &full, &yi, &vi, &err), META_OK);
    CHECK_CLOSE(yi, log(10.5 / 0.5) - log(12.5 / 0.5));
    CHECK_CLOSE(vi, 1 / 10.5 + 1 / 0.5 + 1 / 12.5 + 1 / 0.5);
}

/* What escalc() turns into NA (metafor_edge_cases.R: SMD with sd = 0 and ROM
 * with a negative mean give yi NA) is META_EDOM here, with a reason;
 * malformed input is META_EINVAL. */
static void test_statuses(void)
{
    struct meta_error err = {""};
    double yi = 0, vi = 0;
    struct meta_study s = {.label = "x", .binary = 0, .tc = {10, 1, 0}, .cc = {10, 0, 0}};
    CU_ASSERT_EQUAL(meta_es_compute(META_SMD, &s, &yi, &vi, &err), META_EDOM);
    CU_ASSERT(isnan(yi) && isnan(vi));
    CU_ASSERT(strstr(err.msg, "sd must be > 0") != NULL);
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &s, &yi, &vi, &err), META_EDOM);

    s.tc = (struct meta_arm_cont){1, 1, 1};
    s.cc = (struct meta_arm_cont){10, 0, 1};
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &s, &yi, &vi, &err), META_EDOM);
    CU_ASSERT(strstr(err.msg, "n must be at least 2 in the treatment arm") != NULL);

    s.tc = (struct meta_arm_cont){10, -1, 1};
    s.cc = (struct meta_arm_cont){10, 2, 1};
    CU_ASSERT_EQUAL(meta_es_compute(META_ROM, &s, &yi, &vi, &err), META_EDOM);
    CU_ASSERT(strstr(err.msg, "mean > 0") != NULL);
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &s, &yi, &vi, &err), META_OK);

    s.tc.mean = NAN;
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &s, &yi, &vi, &err), META_EINVAL);
    CU_ASSERT(isnan(yi));
    s.tc.mean = 1;
    s.cc.sd = INFINITY;
    CU_ASSERT_EQUAL(meta_es_compute(META_SMD, &s, &yi, &vi, &err), META_EINVAL);
    s.cc.sd = -2;
    CU_ASSERT_EQUAL(meta_es_compute(META_SMD, &s, &yi, &vi, &err), META_EINVAL);

    /* continuous data with a binary measure and the other way round */
    s.cc.sd = 2;
    CU_ASSERT_EQUAL(meta_es_compute(META_RR, &s, &yi, &vi, &err), META_EINVAL);
    struct meta_study b = {.binary = 1, .tb = {3, 10}, .cb = {4, 10}};
    CU_ASSERT_EQUAL(meta_es_compute(META_MD, &b, &yi, &vi, &err), META_EINVAL);
    b.tb.events = 11;
    CU_ASSERT_EQUAL(meta_es_compute(META_RR, &b, &yi, &vi, &err), META_EINVAL);
    b.tb = (struct meta_arm_bin){0, 0};
    CU_ASSERT_EQUAL(meta_es_compute(META_RR, &b, &yi, &vi, &err), META_EDOM);
    b.tb = (struct meta_arm_bin){NAN, 10};
    CU_ASSERT_EQUAL(meta_es_compute(META_OR, &b, &yi, &vi, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_es_compute(META_OR, NULL, &yi, &vi, &err), META_EINVAL);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"names and predicates", test_names},
        {"options defaults and checks", test_options},
        {"three arms combined, effect sizes", test_combine_three_arms},
        {"combining rejects bad arms", test_combine_errors},
        {"zero cells get 0.5", test_zero_cells},
        {"statuses for what cannot be estimated", test_statuses},
        {NULL, NULL}};
    return meta_test_run_suite("effect sizes", NULL, NULL, cases);
}
