/*
 * Unit tests of pooling in lib/stats on edge cases, against metafor 3.8:
 * k = 1, k = 2, identical studies, tau^2 at 0, enormous variance ratios,
 * zero cells under IV, MH and Peto, another confidence level, bad input and
 * forced non-convergence. Expected values come from
 * tests/unit/metafor_edge_cases.R (the R call is named beside each block).
 */
#include "cunit_main.h"
#include "meta_stats.h"
#include "stats_internal.h"
#include "test_csv.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const enum meta_method all_methods[] = {META_METHOD_DL, META_METHOD_REML, META_METHOD_ML,
                                               META_METHOD_PM, META_METHOD_HE,   META_METHOD_HS,
                                               META_METHOD_SJ, META_METHOD_EB};

static void opts_for(struct meta_options *o, enum meta_model model, enum meta_method method,
                     enum meta_ci ci)
{
    meta_options_init(o);
    o->model = model;
    o->method = method;
    o->ci = ci;
}

/* Pools yi/vi and checks every field against e. */
static void pool_check(const double *yi, const double *vi, size_t k, enum meta_model model,
                       enum meta_method method, enum meta_ci ci, const struct test_expect *e,
                       const char *what)
{
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    char buf[128];
    opts_for(&o, model, method, ci);
    snprintf(buf, sizeof buf, "%s %s", what, meta_method_name(method));
    int ret = meta_pool_yv(yi, vi, k, &o, &r, &err);
    if (ret != META_OK)
        printf("\n    %s: %s", buf, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    test_check_result(&r, e, buf);
    CU_ASSERT_EQUAL(r.k, k);
    CU_ASSERT_EQUAL(r.Q_df, (int)k - 1);
    CU_ASSERT(r.converged == 1);
    if (ci == META_CI_Z || k < 2) {
        CU_ASSERT(isnan(r.df));
    } else {
        CU_ASSERT_EQUAL(r.df, (double)k - 1.0);
    }
    CU_ASSERT(model == META_MODEL_RANDOM ? r.tau == sqrt(r.tau2) : isnan(r.tau));
    double wsum = 0.0;
    for (size_t i = 0; i < k; i++) {
        CU_ASSERT_EQUAL(r.studies[i].yi, yi[i]);
        CU_ASSERT_EQUAL(r.studies[i].vi, vi[i]);
        CU_ASSERT(r.studies[i].ci_lower < yi[i] && yi[i] < r.studies[i].ci_upper);
        wsum += r.studies[i].weight;
    }
    CU_ASSERT(fabs(wsum - 100.0) < 1e-9);
    meta_result_release(&r);
}

/* rma(0.5, 0.1, method = "REML"); method = "FE"; test = "knha" (metafor
 * falls back to z with k = 1). tau^2 interval: confint() stops at k = 1. */
static void test_k1(void)
{
    const double yi[] = {0.5}, vi[] = {0.1};
    const struct test_expect re = {0.5,
                                   0.316227766016838,
                                   -0.119795032304562,
                                   1.11979503230456,
                                   1.58113883008419,
                                   0.113846298006658,
                                   0,
                                   0,
                                   1,
                                   0,
                                   1,
                                   NAN,
                                   NAN,
                                   -0.119795032304562,
                                   1.11979503230456};
    struct test_expect fe = re;
    fe.tau2 = fe.pi_lower = fe.pi_upper = NAN;
    for (size_t m = 0; m < N(all_methods); m++)
        pool_check(yi, vi, 1, META_MODEL_RANDOM, all_methods[m], META_CI_Z, &re, "k=1");
    pool_check(yi, vi, 1, META_MODEL_RANDOM, META_METHOD_REML, META_CI_HKSJ, &re, "k=1 hksj");
    pool_check(yi, vi, 1, META_MODEL_COMMON, META_METHOD_IV, META_CI_Z, &fe, "k=1 common");
}

/* rma(c(0.2, 0.9), c(0.04, 0.09), method = m, control = ctl): DL, REML, PM,
 * HE and EB all give tau^2 = 0.18 here. The Q-profile upper bound is the end
 * of metafor's search interval, max(100, 10 tau^2) = 100. */
static void test_k2(void)
{
    const double yi[] = {0.2, 0.9}, vi[] = {0.04, 0.09};
    const struct test_expect same = {0.514285714285714,
                                     0.348173074484398,
                                     -0.168120972090288,
                                     1.19669240066172,
                                     1.47709789175199,
                                     0.139649398610429,
                                     0.18,
                                     73.469387755102,
                                     3.76923076923077,
                                     3.76923076923077,
                                     0.0522036353413147,
                                     0,
                                     100,
                                     -0.561419390906047,
                                     1.58999081947748};
    const enum meta_method m18[] = {META_METHOD_DL, META_METHOD_REML, META_METHOD_PM,
                                    META_METHOD_HE, META_METHOD_EB};
    for (size_t m = 0; m < N(m18); m++)
        pool_check(yi, vi, 2, META_MODEL_RANDOM, m18[m], META_CI_Z, &same, "k=2");
    const struct test_expect ml = {0.475147882439488,
                                   0.236167928253496,
                                   0.0122672487591974,
                                   0.93802851611978,
                                   2.01190689164821,
                                   0.0442297527982521,
                                   0.0518971604968475,
                                   44.3955698121915,
                                   1.79841785379765,
                                   3.76923076923077,
                                   0.0522036353413147,
                                   0,
                                   100,
                                   -0.167984519166791,
                                   1.11828028404577};
    pool_check(yi, vi, 2, META_MODEL_RANDOM, META_METHOD_ML, META_CI_Z, &ml, "k=2");
    const struct test_expect hs = {0.47324162989878,
                                   0.232928467687744,
                                   0.0167102222566998,
                                   0.92977303754086,
                                   2.03170370112592,
                                   0.0421836610158689,
                                   0.0489940828402367,
                                   42.9794964962367,
                                   1.75375512061903,
                                   3.76923076923077,
                                   0.0522036353413147,
                                   0,
                                   100,
                                   -0.156543792171392,
                                   1.10302705196895};
    pool_check(yi, vi, 2, META_MODEL_RANDOM, META_METHOD_HS, META_CI_Z, &hs, "k=2");
    const struct test_expect sj = {0.511122630331753,
                                   0.333383946591886,
                                   -0.142297898012168,
                                   1.16454315867567,
                                   1.53313510010561,
                                   0.125242570916093,
                                   0.160066666666667,
                                   71.1196682464455,
                                   3.4625641025641,
                                   3.76923076923077,
                                   0.0522036353413147,
                                   0,
                                   100,
                                   -0.509586875564524,
                                   1.53183213622803};
    pool_check(yi, vi, 2, META_MODEL_RANDOM, META_METHOD_SJ, META_CI_Z, &sj, "k=2");
    /* test = "knha": t on 1 df */
    struct test_expect knha = same;
    knha.ci_lower = -3.90967265373646;
    knha.ci_upper = 4.93824408230789;
    knha.p = 0.378868066725652;
    knha.pi_lower = -6.45937778674151;
    knha.pi_upper = 7.48794921531294;
    pool_check(yi, vi, 2, META_MODEL_RANDOM, META_METHOD_REML, META_CI_HKSJ, &knha, "k=2 hksj");
    /* method = "FE": I^2 and H^2 from Q */
    const struct test_expect fe = {0.415384615384615,
                                   0.166410058867569,
                                   0.0892268933389904,
                                   0.74154233743024,
                                   2.49615088301353,
                                   0.0125549185969666,
                                   NAN,
                                   73.469387755102,
                                   3.76923076923077,
                                   3.76923076923077,
                                   0.0522036353413147,
                                   NAN,
                                   NAN,
                                   NAN,
                                   NAN};
    pool_check(yi, vi, 2, META_MODEL_COMMON, META_METHOD_IV, META_CI_Z, &fe, "k=2 common");
    /* rma(..., method = "FE", test = "knha"): metafor warns but scales too */
    struct test_expect fe_knha = fe;
    fe_knha.se = 0.323076923076923;
    fe_knha.ci_lower = -3.68969691476414;
    fe_knha.ci_upper = 4.52046614553337;
    fe_knha.statistic = 1.28571428571429;
    fe_knha.p = 0.420833151678869;
    pool_check(yi, vi, 2, META_MODEL_COMMON, META_METHOD_IV, META_CI_HKSJ, &fe_knha,
               "k=2 common hksj");
}

/* rma(rep(0.3, 4), c(0.1, 0.2, 0.15, 0.05), method = m): every estimator
 * gives tau^2 = 0, Q = 0, tau^2 interval [0, 0]. Under test = "knha" metafor
 * reports se = 0 (its scaling factor is 0): no test is possible, META_EDOM. */
static void test_identical(void)
{
    const double yi[] = {0.3, 0.3, 0.3, 0.3}, vi[] = {0.1, 0.2, 0.15, 0.05};
    const struct test_expect e = {0.3,
                                  0.154919333848297,
                                  -0.00363631485159843,
                                  0.603636314851598,
                                  1.93649167310371,
                                  0.0528075114161137,
                                  0,
                                  0,
                                  1,
                                  0,
                                  1,
                                  0,
                                  0,
                                  -0.00363631485159843,
                                  0.603636314851598};
    for (size_t m = 0; m < N(all_methods); m++)
        pool_check(yi, vi, 4, META_MODEL_RANDOM, all_methods[m], META_CI_Z, &e, "identical");

    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    opts_for(&o, META_MODEL_RANDOM, META_METHOD_REML, META_CI_HKSJ);
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 4, &o, &r, &err), META_EDOM);
    CU_ASSERT(strstr(err.msg, "standard error") != NULL);
    CU_ASSERT(isnan(r.estimate) && r.studies == NULL);
    meta_result_release(&r);
}

/* rma(c(0.1, 0.12, 0.11, 0.09, 0.1), c(0.05, 0.04, 0.06, 0.05, 0.03),
 * method = m): tau^2 truncated at 0 by every estimator but SJ, which is
 * positive by construction. */
static void test_boundary(void)
{
    const double yi[] = {0.1, 0.12, 0.11, 0.09, 0.1}, vi[] = {0.05, 0.04, 0.06, 0.05, 0.03};
    const struct test_expect e = {0.104057971014493,
                                  0.0932504808240314,
                                  -0.0787096129416517,
                                  0.286825554970637,
                                  1.11589742052758,
                                  0.264466046083397,
                                  0,
                                  0,
                                  1,
                                  0.0117729468599034,
                                  0.999982742555317,
                                  0,
                                  0,
                                  -0.0787096129416517,
                                  0.286825554970637};
    for (size_t m = 0; m < N(all_methods); m++) {
        if (all_methods[m] != META_METHOD_SJ)
            pool_check(yi, vi, 5, META_MODEL_RANDOM, all_methods[m], META_CI_Z, &e, "boundary");
    }
    const struct test_expect sj = {0.104057971388619,
                                   0.093250829196038,
                                   -0.0787102953641114,
                                   0.28682623814135,
                                   1.11589325570351,
                                   0.264467829037286,
                                   3.0536136068779e-07,
                                   0.00069111501816745,
                                   1.00000691119795,
                                   0.0117729468599034,
                                   0.999982742555317,
                                   0,
                                   0,
                                   -0.0787135044080428,
                                   0.286829447185281};
    pool_check(yi, vi, 5, META_MODEL_RANDOM, META_METHOD_SJ, META_CI_Z, &sj, "boundary");
}

/* yi = c(0.1, 0.5), vi = c(1e-10, 1e10). metafor is stable here for ML, PM,
 * HE, HS, EB (tau^2 = 0, se = 1e-5) and SJ; its DL gives tau^2 = 524315 and
 * its REML stops with an error, both from cancellation in its projection
 * matrix: the correct answer there is tau^2 = 0 (DL: Q - 1 < 0; REML: the
 * score is negative at 0), checked here. metafor's Q = 0 is the same
 * cancellation; the exact Q = 0.16 / (1e10 + 1e-10) = 1.6e-11 with
 * pchisq(Q, 1, lower.tail = FALSE) = 0.999996808461757. */
static void test_variance_ratio(void)
{
    const double yi[] = {0.1, 0.5}, vi[] = {1e-10, 1e10};
    const struct test_expect e = {0.1,
                                  1e-05,
                                  0.0999804003601546,
                                  0.100019599639845,
                                  10000,
                                  0,
                                  0,
                                  0,
                                  1,
                                  1.6e-11,
                                  0.999996808461757,
                                  0,
                                  0,
                                  0.0999804003601546,
                                  0.100019599639845};
    for (size_t m = 0; m < N(all_methods); m++) {
        if (all_methods[m] != META_METHOD_SJ)
            pool_check(yi, vi, 2, META_MODEL_RANDOM, all_methods[m], META_CI_Z, &e, "ratio");
    }
    /* SJ: metafor gives tau^2 = 6.40002855405562e-13, 4.5e-6 off the exact
     * 0.04 * 0.16 / (1e10 + 0.08 + 1e-10) = 6.39999999999488e-13 (same
     * cancellation); the rest agrees with metafor. I^2 is 1e-20 (metafor's
     * -1.2e-16 is rounding noise; both are 0 to 1e-10). */
    struct test_expect sj = e;
    sj.se = 1.00319491055032e-05;
    sj.ci_lower = 0.0999803377410585;
    sj.ci_upper = 0.100019662258942;
    sj.statistic = 9968.15264395069;
    sj.tau2 = 6.39999999999488e-13;
    sj.pi_lower = 0.0999802753207555;
    sj.pi_upper = 0.100019724679244;
    pool_check(yi, vi, 2, META_MODEL_RANDOM, META_METHOD_SJ, META_CI_Z, &sj, "ratio");

    /* k = 3: yi = c(0.1, 0.5, -0.3), vi = c(1e-4, 1, 1e4), where metafor is
     * stable: rma(..., method = "DL" / "REML" / "PM") */
    const double y3[] = {0.1, 0.5, -0.3}, v3[] = {1e-4, 1, 1e4};
    const struct test_expect e3 = {0.1000399920004,
                                   0.00999949998750437,
                                   0.0804413321614827,
                                   0.119638651839317,
                                   10.0044994375131,
                                   1.45626276290058e-23,
                                   0,
                                   0,
                                   1,
                                   0.16000000479952,
                                   0.923116344171378,
                                   0,
                                   1.08076487313925,
                                   0.0804413321614827,
                                   0.119638651839317};
    pool_check(y3, v3, 3, META_MODEL_RANDOM, META_METHOD_DL, META_CI_Z, &e3, "ratio3");
    pool_check(y3, v3, 3, META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z, &e3, "ratio3");
    pool_check(y3, v3, 3, META_MODEL_RANDOM, META_METHOD_PM, META_CI_Z, &e3, "ratio3");
}

/* The zero-cell data of test_es.c: ai = c(0, 3, 5, 0, 2),
 * n1i = c(20, 30, 40, 25, 15), ci = c(1, 6, 4, 0, 5),
 * n2i = c(22, 31, 38, 24, 16); table 4 is a double zero. */
static void zero_studies(struct meta_study *s)
{
    static const double a[] = {0, 3, 5, 0, 2}, n1[] = {20, 30, 40, 25, 15};
    static const double c[] = {1, 6, 4, 0, 5}, n2[] = {22, 31, 38, 24, 16};
    for (int i = 0; i < 5; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].binary = 1;
        s[i].tb = (struct meta_arm_bin){a[i], n1[i]};
        s[i].cb = (struct meta_arm_bin){c[i], n2[i]};
    }
}

static void pool_studies_check(const struct meta_study *s, size_t k, enum meta_measure measure,
                               enum meta_model model, enum meta_method method,
                               const struct test_expect *e, const double *yi, const double *vi,
                               const double *weight, int q_df, const char *what)
{
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    char buf[160];
    opts_for(&o, model, method, META_CI_Z);
    o.measure = measure;
    snprintf(buf, sizeof buf, "%s %s %s", what, meta_measure_name(measure),
             meta_method_name(method));
    int ret = meta_pool(s, k, &o, &r, &err);
    if (ret != META_OK)
        printf("\n    %s: %s", buf, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    test_check_result(&r, e, buf);
    CU_ASSERT_EQUAL(r.k, k);
    CU_ASSERT_EQUAL(r.Q_df, q_df);
    for (size_t i = 0; i < k; i++) {
        char sb[200];
        snprintf(sb, sizeof sb, "%s study %zu", buf, i + 1);
        if (yi) {
            CU_ASSERT(test_close(r.studies[i].yi, yi[i], sb));
            CU_ASSERT(test_close(r.studies[i].vi, vi[i], sb));
        }
        if (weight)
            CU_ASSERT(test_close(r.studies[i].weight, weight[i], sb));
        CU_ASSERT(isnan(r.studies[i].yi) == isnan(r.studies[i].ci_lower));
    }
    meta_result_release(&r);
}

/* IV: d <- escalc(measure, ai, n1i, ci, n2i); rma(yi, vi, data = d,
 * method = "FE" / "DL"); MH: rma.mh(ai, n1i, ci, n2i, measure); Peto:
 * rma.peto(...). MH and Peto leave the double zero out of Q (df 3) but keep
 * it in k; metafor's MH risk difference still weighs it by n1 n2 / N.
 * Weights of MH/Peto are RevMan's, computed by formula in the R script. */
static void test_zero_cells(void)
{
    struct meta_study s[5];
    zero_studies(s);

    const struct test_expect rr_fe = {-0.413921605561574,
                                      0.372540350743111,
                                      -1.14408727580599,
                                      0.316244064682843,
                                      -1.11107858446989,
                                      0.266534525033921,
                                      NAN,
                                      0,
                                      0.377234198246886,
                                      1.50893679298754,
                                      0.825057256330765,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    pool_studies_check(s, 5, META_RR, META_MODEL_COMMON, META_METHOD_IV, &rr_fe, NULL, NULL, NULL,
                       4, "zero cells");
    struct test_expect rr_dl = rr_fe;
    rr_dl.tau2 = 0;
    rr_dl.H2 = 1;
    rr_dl.tau2_ci_lower = 0;
    rr_dl.tau2_ci_upper = 1.16247913788753;
    rr_dl.pi_lower = rr_dl.ci_lower;
    rr_dl.pi_upper = rr_dl.ci_upper;
    pool_studies_check(s, 5, META_RR, META_MODEL_RANDOM, META_METHOD_DL, &rr_dl, NULL, NULL, NULL,
                       4, "zero cells");
    const struct test_expect rr_mh = {-0.458578880080549,
                                      0.377577230990316,
                                      -1.19861665420393,
                                      0.281458894042832,
                                      -1.21453001516479,
                                      0.224545395270563,
                                      NAN,
                                      0,
                                      0.492820398561348,
                                      1.47846119568404,
                                      0.68725032239447,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    const double rr_yi[] = {-1.00764051046238, -0.660357357736954, 0.17185025692666, NAN,
                            -0.851752210736584};
    const double rr_vi[] = {2.57556935817805, 0.434408602150538, 0.398684210526316, NAN,
                            0.570833333333333};
    const double rr_w[] = {6.02952339956906, 37.3632761481492, 25.9733315673744, 0,
                           30.6338688849073};
    pool_studies_check(s, 5, META_RR, META_MODEL_COMMON, META_METHOD_MH, &rr_mh, rr_yi, rr_vi, rr_w,
                       3, "zero cells");

    const struct test_expect or_fe = {-0.474461661682793,
                                      0.427920734779153,
                                      -1.31317089008785,
                                      0.364247566722264,
                                      -1.10876062579127,
                                      0.267533460453793,
                                      NAN,
                                      0,
                                      0.40633205932812,
                                      1.62532823731248,
                                      0.804232826291871,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    pool_studies_check(s, 5, META_OR, META_MODEL_COMMON, META_METHOD_IV, &or_fe, NULL, NULL, NULL,
                       4, "zero cells");
    struct test_expect or_dl = or_fe;
    or_dl.tau2 = 0;
    or_dl.H2 = 1;
    or_dl.tau2_ci_lower = 0;
    or_dl.tau2_ci_upper = 1.6980813968338;
    or_dl.pi_lower = or_dl.ci_lower;
    or_dl.pi_upper = or_dl.ci_upper;
    pool_studies_check(s, 5, META_OR, META_MODEL_RANDOM, META_METHOD_DL, &or_dl, NULL, NULL, NULL,
                       4, "zero cells");
    const struct test_expect or_mh = {-0.533741254962968,
                                      0.435072735244308,
                                      -1.38646814669714,
                                      0.318985636771205,
                                      -1.22678626290672,
                                      0.219902935286279,
                                      NAN,
                                      0,
                                      0.528256760410023,
                                      1.58477028123007,
                                      0.662847965398682,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    const double or_yi[] = {-1.05098423967886, -0.770108221696074, 0.194156014440957, NAN,
                            -1.08334481653732};
    const double or_vi[] = {2.76195878237852, 0.577037037037037, 0.507983193277311, NAN,
                            0.867832167832168};
    const double or_w[] = {6.77988819789783, 37.8117699168007, 25.5549632074611, 0,
                           29.8533786778404};
    pool_studies_check(s, 5, META_OR, META_MODEL_COMMON, META_METHOD_MH, &or_mh, or_yi, or_vi, or_w,
                       3, "zero cells");

    const struct test_expect rd_fe = {-0.0215630193762501,
                                      0.0278179786069456,
                                      -0.0760852555685692,
                                      0.0329592168160691,
                                      -0.775146881839437,
                                      0.438252871646246,
                                      NAN,
                                      0,
                                      0.634707194259251,
                                      2.538828777037,
                                      0.637696656373765,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    pool_studies_check(s, 5, META_RD, META_MODEL_COMMON, META_METHOD_IV, &rd_fe, NULL, NULL, NULL,
                       4, "zero cells");
    struct test_expect rd_dl = rd_fe;
    rd_dl.tau2 = 0;
    rd_dl.H2 = 1;
    rd_dl.tau2_ci_lower = 0;
    rd_dl.tau2_ci_upper = 0.0395160756232037;
    rd_dl.pi_lower = rd_dl.ci_lower;
    rd_dl.pi_upper = rd_dl.ci_upper;
    pool_studies_check(s, 5, META_RD, META_MODEL_RANDOM, META_METHOD_DL, &rd_dl, NULL, NULL, NULL,
                       4, "zero cells");
    const struct test_expect rd_mh = {-0.0445563637877764,
                                      0.0359811354587011,
                                      -0.115078093409688,
                                      0.0259653658341349,
                                      -1.23832567315497,
                                      0.215595328087978,
                                      NAN,
                                      0,
                                      0.650602115519811,
                                      1.95180634655943,
                                      0.582469485056585,
                                      NAN,
                                      NAN,
                                      NAN,
                                      NAN};
    const double rd_yi[] = {-0.041407867494824, -0.0935483870967742, 0.0197368421052632, NAN,
                            -0.179166666666667};
    const double rd_vi[] = {0.00375740423510991, 0.00803507770803263, 0.0052128704074938, NAN,
                            0.0211314380787037};
    const double rd_w[] = {16.0687367271956, 23.3846816901736, 29.8900976883498, 18.7816403304883,
                           11.8748435637926};
    pool_studies_check(s, 5, META_RD, META_MODEL_COMMON, META_METHOD_MH, &rd_mh, rd_yi, rd_vi, rd_w,
                       3, "zero cells");

    const struct test_expect peto = {-0.517589955631742,
                                     0.422111538569535,
                                     -1.34491336868682,
                                     0.309733457423336,
                                     -1.22619238835728,
                                     0.220126284990308,
                                     NAN,
                                     0,
                                     0.632709579937184,
                                     1.89812873981155,
                                     0.593817228238503,
                                     NAN,
                                     NAN,
                                     NAN,
                                     NAN};
    const double p_yi[] = {-0.93266292024056, -0.731596360628619, 0.190884820747521, NAN,
                           -0.991815476190476};
    const double p_vi[] = {2.05185842452923, 0.512958367797077, 0.496300533943555, NAN,
                           0.715029761904762};
    const double p_w[] = {4.44435297262798, 34.7354019700925, 35.9012611930425, 0, 24.918983864237};
    pool_studies_check(s, 5, META_OR, META_MODEL_COMMON, META_METHOD_PETO, &peto, p_yi, p_vi, p_w,
                       3, "zero cells");
}

/* A selection where MH and Peto have nothing to pool: every table a double
 * zero, or no events at all on one side. */
static void test_mh_not_estimable(void)
{
    struct meta_study s[5];
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    zero_studies(s);
    s[0].tb.events = s[0].cb.events = 0;
    s[1].tb.events = s[1].cb.events = 0;
    opts_for(&o, META_MODEL_COMMON, META_METHOD_MH, META_CI_Z);
    o.measure = META_OR;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EDOM);
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EDOM);
    o.measure = META_RD; /* estimate 0 with se 0: no test */
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EDOM);
    o.measure = META_OR;
    o.method = META_METHOD_PETO;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EDOM);
    CU_ASSERT(isnan(r.estimate));
    meta_result_release(&r);
    /* IV still pools the corrected double zeros, as escalc() does */
    o.method = META_METHOD_IV;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_OK);
    CU_ASSERT(isfinite(r.estimate));
    meta_result_release(&r);
}

static int load_normand(struct test_studies *ts)
{
    return test_studies_load(META_TEST_DATA_DIR "/normand1999.csv", "normand1999", NULL,
                             "normand1999-treated", "normand1999-control", NULL, ts);
}

/* rma(yi, vi, data = dn, method = "REML", level = 90) on Normand's MD, and
 * confint(r, level = 90, control = list(tol = 1e-12)). */
static void test_level90(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(load_normand(&ts) == 0);
    opts_for(&o, META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z);
    o.level = 90;
    CU_ASSERT_EQUAL_FATAL(meta_pool(ts.studies, ts.k, &o, &r, &err), META_OK);
    const struct test_expect e = {-15.1060274734783, 8.94655283975496,     -29.8217973606622,
                                  -0.39025758629437, -1.68847462749597,    0.0913201554907156,
                                  684.646151929666,  98.9712743473906,     97.2076469040549,
                                  238.91581086201,   3.84180928540033e-47, 340.110279622047,
                                  2287.79691759283,  -60.5911217143114,    30.3790667673548};
    test_check_result(&r, &e, "normand level 90");
    CU_ASSERT(r.iterations > 0 && r.converged == 1);
    meta_result_release(&r);
    test_studies_free(&ts);
}

/* Forcing the iteration limit: REML's and ML's Fisher scoring and PM's and
 * EB's root search need more than one step on Normand's data, so max_iter = 1
 * must give META_ENOCONV, never an unconverged number. */
static void test_no_convergence(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    const enum meta_method iterative[] = {META_METHOD_REML, META_METHOD_ML, META_METHOD_PM,
                                          META_METHOD_EB};
    CU_ASSERT_FATAL(load_normand(&ts) == 0);
    for (size_t m = 0; m < N(iterative); m++) {
        opts_for(&o, META_MODEL_RANDOM, iterative[m], META_CI_Z);
        o.max_iter = 1;
        CU_ASSERT_EQUAL(meta_pool(ts.studies, ts.k, &o, &r, &err), META_ENOCONV);
        CU_ASSERT(strstr(err.msg, "converge") != NULL);
        CU_ASSERT(isnan(r.estimate) && isnan(r.tau2) && r.studies == NULL);
        meta_result_release(&r);
        o.max_iter = 1000; /* and converges given room */
        CU_ASSERT_EQUAL(meta_pool(ts.studies, ts.k, &o, &r, &err), META_OK);
        CU_ASSERT(r.converged == 1 && r.iterations >= 1);
        meta_result_release(&r);
    }
    test_studies_free(&ts);
}

/* NaN or inf anywhere, vi <= 0, no studies, MH without counts: a status,
 * never a crash or a NaN result. */
static void test_bad_input(void)
{
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    double yi[] = {0.1, 0.2, 0.3}, vi[] = {0.1, 0.1, 0.1};
    meta_options_init(&o);

    yi[1] = NAN;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "study 2") != NULL);
    yi[1] = INFINITY;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    yi[1] = 0.2;
    vi[2] = -INFINITY;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    vi[2] = 0.0;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    vi[2] = 1e-320; /* its weight would overflow */
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    vi[2] = 0.1;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 0, &o, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv(NULL, vi, 3, &o, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, NULL, &r, &err), META_EINVAL);
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, &err), META_EINVAL);
    CU_ASSERT(isnan(r.estimate) && r.studies == NULL);
    meta_result_release(&r);

    struct meta_study s[2] = {
        {.label = "A", .binary = 0, .tc = {20, 1.0, 0.5}, .cc = {20, 1.2, 0.6}},
        {.label = "B", .binary = 0, .tc = {20, NAN, 0.5}, .cc = {20, 1.2, 0.6}}};
    meta_options_init(&o);
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "study 'B'") != NULL);
    s[1].tc.mean = 1.1;
    s[1].cc.sd = 0.0;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EDOM);
    CU_ASSERT(strstr(err.msg, "study 'B': sd must be > 0 in the control arm") != NULL);
    s[1].cc.sd = 0.6;
    o.measure = META_RR; /* continuous studies, binary measure */
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EINVAL);
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool(NULL, 2, &o, &r, &err), META_EINVAL);
    meta_options_init(&o);
    CU_ASSERT_EQUAL(meta_pool(s, 2, &o, &r, &err), META_OK);
    meta_result_release(&r);
    meta_result_release(NULL);
}

/* The chi-squared quantiles behind the Q-profile interval, up to the df of a
 * million studies: qchisq(0.025, df) and qchisq(0.025, df, lower.tail =
 * FALSE) in metafor_edge_cases.R. (GSL's gsl_cdf_chisq_Qinv gives 132866
 * instead of 100878 at 1e5 df and NaN beyond; lib/stats solves its own.) */
static void test_chisq_quantiles(void)
{
    static const double q[][3] = {
        {1, 0.000982069117175256, 5.02388618731489},  {2, 0.0506356159685798, 7.37775890822787},
        {12, 4.4037885069817, 23.3366641586453},      {1e5, 99125.3733006473, 100878.415305666},
        {999999, 997229.088529194, 1002772.70008202}, {1e7, 9991236.6690539, 10008767.1195578},
    };
    struct meta_error err = {""};
    for (size_t i = 0; i < N(q); i++) {
        double lo, hi;
        CU_ASSERT_EQUAL(meta_chisq_quantile(0.025, q[i][0], 0, &lo, &err), META_OK);
        CU_ASSERT_EQUAL(meta_chisq_quantile(0.025, q[i][0], 1, &hi, &err), META_OK);
        CHECK_CLOSE(lo, q[i][1]);
        CHECK_CLOSE(hi, q[i][2]);
    }
    double x;
    CU_ASSERT_EQUAL(meta_chisq_quantile(0.0, 3, 0, &x, &err), META_EDOM);
    CU_ASSERT_EQUAL(meta_chisq_quantile(0.5, 0, 0, &x, &err), META_EDOM);
    CU_ASSERT(isnan(x));
}

/* Deterministic standard normal deviates (xorshift64 + Box-Muller). */
static double normal_deviate(unsigned long long *state)
{
    double u[2];
    for (int j = 0; j < 2; j++) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        u[j] = ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* A million studies drawn with tau^2 = 0.05: every field finite, and the
 * Q-profile bounds where Q(tau^2) meets the chi-squared quantiles (metafor
 * cannot fit this size: it builds k x k matrices). */
static void test_large_k(void)
{
    const size_t k = 1000000;
    double *yi = malloc(k * sizeof *yi), *vi = malloc(k * sizeof *vi);
    unsigned long long state = 88172645463325252ULL;
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(yi && vi);
    for (size_t i = 0; i < k; i++) {
        vi[i] = 0.01 + 0.49 * (double)(i % 97) / 97.0;
        yi[i] = 0.3 + sqrt(0.05 + vi[i]) * normal_deviate(&state);
    }
    opts_for(&o, META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z);
    CU_ASSERT_EQUAL_FATAL(meta_pool_yv(yi, vi, k, &o, &r, &err), META_OK);
    const double f[] = {
        r.estimate, r.se, r.ci_lower, r.ci_upper, r.p,        r.tau2,          r.I2,
        r.H2,       r.Q,  r.Q_p,      r.pi_lower, r.pi_upper, r.tau2_ci_lower, r.tau2_ci_upper};
    for (size_t i = 0; i < N(f); i++)
        CU_ASSERT(isfinite(f[i]));
    CU_ASSERT(fabs(r.tau2 - 0.05) < 0.005);
    CU_ASSERT(r.tau2_ci_lower < r.tau2 && r.tau2 < r.tau2_ci_upper);
    CU_ASSERT(r.iterations < 50);
    struct meta_iv_sums s;
    double crit;
    meta_iv_sums_q(yi, vi, k, r.tau2_ci_lower, &s);
    CU_ASSERT_EQUAL(meta_chisq_quantile(0.025, (double)(k - 1), 1, &crit, &err), META_OK);
    CU_ASSERT(fabs(s.Q - crit) < 1e-9 * crit);
    meta_iv_sums_q(yi, vi, k, r.tau2_ci_upper, &s);
    CU_ASSERT_EQUAL(meta_chisq_quantile(0.025, (double)(k - 1), 0, &crit, &err), META_OK);
    CU_ASSERT(fabs(s.Q - crit) < 1e-9 * crit);
    meta_result_release(&r);

    /* Far from normal (yi = 0.3 + 0.4 sin(i)), Fisher scoring oscillates with
     * growing steps; the bracketed fallback must still land on the REML
     * estimating equation y'PPy = tr(P), quickly. Q < k - 1 here, so the
     * tau^2 interval is [0, 0] by metafor's rule. */
    for (size_t i = 0; i < k; i++)
        yi[i] = 0.3 + 0.4 * sin((double)i);
    CU_ASSERT_EQUAL_FATAL(meta_pool_yv(yi, vi, k, &o, &r, &err), META_OK);
    CU_ASSERT(r.converged == 1 && r.iterations < 50);
    CU_ASSERT(r.tau2 > 0.0);
    meta_iv_sums_full(yi, vi, k, r.tau2, &s);
    CU_ASSERT(fabs(s.swr2 - s.trP) < 1e-8 * s.trP);
    CU_ASSERT(r.tau2_ci_lower == 0.0 && r.tau2_ci_upper == 0.0);
    meta_result_release(&r);
    free(yi);
    free(vi);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"k = 1", test_k1},
        {"k = 2, every estimator", test_k2},
        {"identical studies", test_identical},
        {"tau^2 at the boundary 0", test_boundary},
        {"enormous variance ratios", test_variance_ratio},
        {"zero cells under IV, MH, Peto", test_zero_cells},
        {"MH and Peto with nothing to pool", test_mh_not_estimable},
        {"level 90", test_level90},
        {"iteration limit gives META_ENOCONV", test_no_convergence},
        {"bad input gives a status", test_bad_input},
        {"chi-squared quantiles at large df", test_chisq_quantiles},
        {"a million studies", test_large_k},
        {NULL, NULL}};
    return meta_test_run_suite("pooling", NULL, NULL, cases);
}
