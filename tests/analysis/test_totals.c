/*
 * Tests of lib/analysis for analyses with subgroup totals only (the totals
 * key): each subgroup pooled on its own, each study shown with its weight
 * within its subgroup under every convention, and the checks of the key.
 * Expected values: tests/analysis/totals_reference.R, which fits each
 * subgroup on its own with metafor 3.8 (the label it prints is named beside
 * each value).
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"

#define CLOSE TEST_CLOSE
#define N(a)  (sizeof(a) / sizeof((a)[0]))
#define K     META_SIDE_TREATMENT
#define P     META_SIDE_CONTROL

/* Set C of totals_reference.R: MD, subgroups a (C1-C3) and b (C4-C7). */
static const struct test_arm set_c[] = {
    {1, "C1", "drug", K, 30, 12.1, 4.2, NAN, NAN, NULL, "a"},
    {1, "C1", "placebo", P, 31, 13.5, 4.5, NAN, NAN, NULL, NULL},
    {2, "C2", "drug", K, 45, 10.4, 3.9, NAN, NAN, NULL, "a"},
    {2, "C2", "placebo", P, 44, 12.0, 4.1, NAN, NAN, NULL, NULL},
    {3, "C3", "drug", K, 22, 14.0, 5.1, NAN, NAN, NULL, "a"},
    {3, "C3", "placebo", P, 20, 13.1, 4.9, NAN, NAN, NULL, NULL},
    {4, "C4", "drug", K, 50, 9.2, 3.3, NAN, NAN, NULL, "b"},
    {4, "C4", "placebo", P, 52, 10.9, 3.5, NAN, NAN, NULL, NULL},
    {5, "C5", "drug", K, 38, 11.5, 4.0, NAN, NAN, NULL, "b"},
    {5, "C5", "placebo", P, 40, 12.2, 4.4, NAN, NAN, NULL, NULL},
    {6, "C6", "drug", K, 60, 8.8, 3.6, NAN, NAN, NULL, "b"},
    {6, "C6", "placebo", P, 58, 11.0, 3.8, NAN, NAN, NULL, NULL},
    {7, "C7", "drug", K, 27, 13.1, 4.8, NAN, NAN, NULL, "b"},
    {7, "C7", "placebo", P, 25, 13.0, 5.0, NAN, NAN, NULL, NULL},
};

/* Set B of totals_reference.R: OR without zero cells, subgroups x and y. */
static const struct test_arm set_b[] = {
    {1, "B1", "drug", K, NAN, NAN, NAN, 12, 60, NULL, "x"},
    {1, "B1", "placebo", P, NAN, NAN, NAN, 18, 62, NULL, NULL},
    {2, "B2", "drug", K, NAN, NAN, NAN, 8, 45, NULL, "x"},
    {2, "B2", "placebo", P, NAN, NAN, NAN, 13, 44, NULL, NULL},
    {3, "B3", "drug", K, NAN, NAN, NAN, 20, 110, NULL, "x"},
    {3, "B3", "placebo", P, NAN, NAN, NAN, 26, 105, NULL, NULL},
    {4, "B4", "drug", K, NAN, NAN, NAN, 15, 70, NULL, "y"},
    {4, "B4", "placebo", P, NAN, NAN, NAN, 14, 72, NULL, NULL},
    {5, "B5", "drug", K, NAN, NAN, NAN, 30, 150, NULL, "y"},
    {5, "B5", "placebo", P, NAN, NAN, NAN, 41, 148, NULL, NULL},
};

/* What one subgroup of a reference fit holds. */
struct expected_group {
    size_t k;
    double weight[4];
    double estimate, se, tau2, Q;
};

/* Checks an analysis with subgroup totals only against the reference fits
 * of its two subgroups and their test. */
static void check_groups(const struct meta_analysis *an, const struct expected_group *x,
                         double test_q, double test_p)
{
    CU_ASSERT_TRUE(an->subgroup_totals_only);
    CU_ASSERT_TRUE(an->subgroups_in_total); /* listed subgroup after subgroup */
    CU_ASSERT_EQUAL_FATAL(an->n_groups, 2);
    CU_ASSERT_EQUAL_FATAL(an->contrasts.k, x[0].k + x[1].k);
    size_t i = 0;
    for (size_t g = 0; g < 2; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        CU_ASSERT_EQUAL_FATAL(sg->result.k, x[g].k);
        CU_ASSERT_EQUAL(sg->first, i);
        double sum = 0;
        for (size_t j = 0; j < x[g].k; j++, i++) {
            CLOSE(x[g].weight[j], meta_analysis_shown_weight(an, g, j));
            CLOSE(x[g].weight[j], meta_analysis_study_weight(an, i));
            CU_ASSERT_PTR_EQUAL(meta_analysis_subgroup_of(an, i), sg);
            sum += meta_analysis_study_weight(an, i);
        }
        CLOSE(100.0, sum); /* each subgroup's weights make 100% */
        CLOSE(x[g].estimate, sg->result.estimate);
        CLOSE(x[g].se, sg->result.se);
        CLOSE(x[g].Q, sg->result.Q);
        if (x[g].tau2 == 0) {
            CU_ASSERT(sg->result.tau2 == 0 || isnan(sg->result.tau2));
        } else {
            CLOSE(x[g].tau2, sg->result.tau2);
        }
    }
    CU_ASSERT_TRUE_FATAL(an->have_test);
    CU_ASSERT_EQUAL(an->test.df, 1);
    CLOSE(test_q, an->test.Q);
    CLOSE(test_p, an->test.p);
}

/* ---- The key ----------------------------------------------------------------- */

static void file_words(char *buf, size_t size, const char *key)
{
    snprintf(buf, size, "<%s>", key);
}

static void test_key(void)
{
    struct meta_analysis_request req;
    struct meta_request_error e;
    struct meta_options opts;
    meta_analysis_request_init(&req);
    meta_request_error_init(&e, file_words);
    CU_ASSERT_EQUAL(req.totals, META_TOTALS_BOTH);
    CU_ASSERT_PTR_NOT_NULL(meta_analysis_option_find("totals"));
    CU_ASSERT_STRING_EQUAL(meta_analysis_totals_name(META_TOTALS_BOTH), "both");
    CU_ASSERT_STRING_EQUAL(meta_analysis_totals_name(META_TOTALS_SUBGROUPS), "subgroups");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "totals", "overall", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "totals");
    CU_ASSERT_STRING_EQUAL(e.err.msg,
                           "unknown <totals> 'overall' (use both, or subgroups for subgroup "
                           "totals only)");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "totals", "none", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<totals> 'none' (study rows without any total) is not "
                                      "offered: use both or subgroups");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "totals", NULL, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<totals> needs a value");
    CU_ASSERT_EQUAL(req.totals, META_TOTALS_BOTH);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "totals", "Subgroups", &e), META_OK);
    CU_ASSERT_EQUAL(req.totals, META_TOTALS_SUBGROUPS);

    /* without subgroups there are no subgroup totals */
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "outcome", "o", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "treatment", "drug", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "control", "placebo", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_resolve(&req, 0, &opts, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "totals");
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<totals> subgroups needs subgroups: add <by> ATTR "
                                      "(without subgroups the only total is the overall one)");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "by", "sub", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_resolve(&req, 0, &opts, &e), META_OK);

    /* what analyses the overall total has none to analyse */
    static const char *const keys[][2] = {
        {"leave-one-out", NULL}, {"cumulative", NULL}, {"bias", NULL},
        {"trimfill", NULL},      {"influence", NULL},  {"mods", "year"},
    };
    for (size_t i = 0; i < N(keys); i++) {
        struct meta_analysis_request r2;
        meta_analysis_request_init(&r2);
        static const char *const base[][2] = {{"outcome", "o"},
                                              {"treatment", "drug"},
                                              {"control", "placebo"},
                                              {"by", "sub"},
                                              {"totals", "subgroups"}};
        for (size_t j = 0; j < N(base); j++)
            CU_ASSERT_EQUAL(meta_analysis_request_set(&r2, base[j][0], base[j][1], &e), META_OK);
        CU_ASSERT_EQUAL(meta_analysis_request_set(&r2, keys[i][0], keys[i][1], &e), META_OK);
        CU_ASSERT_EQUAL(meta_analysis_resolve(&r2, 0, &opts, &e), META_EINVAL);
        CU_ASSERT_STRING_EQUAL(e.key, "totals");
        char want[256];
        snprintf(want, sizeof want,
                 "<%s> analyses the overall total, which <totals> subgroups does not compute "
                 "(use <totals> both)",
                 keys[i][0]);
        CU_ASSERT_STRING_EQUAL(e.err.msg, want);
        meta_analysis_request_release(&r2);
    }
    meta_analysis_request_release(&req);
}

/* ---- Set C: inverse variance and DerSimonian-Laird ------------------------------ */

/* totals_reference.R "C FE ...": each subgroup by inverse variance. */
static const struct expected_group c_fe[] = {
    {3,
     {30.8191817524157, 53.1265956660604, 16.0542225815239},
     -1.137006071957072,
     0.618494654179169,
     0,
     2.09484588783979},
    {4,
     {36.7560016967483, 18.4125457155011, 35.8399114255841, 8.9915411621665},
     -1.533226359053913,
     0.408219584952534,
     0,
     3.22387968323431},
};

/* totals_reference.R "C DL ...": each subgroup with its own tau^2. */
static const struct expected_group c_dl[] = {
    {3,
     {31.2469645795934, 52.1036556069786, 16.6493798134280},
     -1.121271575505113,
     0.637836441981359,
     0.0607737067591296,
     2.0948458878397922},
    {4,
     {36.06894767831461, 19.07698275865603, 35.26309008628272, 9.59097947674664},
     -1.512907992263415,
     0.427674292259713,
     0.0537221525354573,
     3.2238796832343111},
};

/* Set C under each convention, by inverse variance (common model) and by
 * DerSimonian-Laird: the weights, totals and test of totals_reference.R. */
static void test_set_c(void)
{
    static const struct {
        const char *key, *value;
        const struct expected_group *x;
        double q, p;
    } fits[] = {
        {"model", "common", c_fe, 0.285864088007567, 0.592883192768283},
        {"method", "DL", c_dl, 0.260078881994116, 0.610065967001252},
    };
    static const char *const conventions[] = {"metafor", "revman5", "r-meta"};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    for (size_t f = 0; f < N(fits); f++)
        for (size_t c = 0; c < N(conventions); c++) {
            const char *opts[] = {"convention", conventions[c], fits[f].key, fits[f].value, "by",
                                  "sub",        "totals",       "subgroups", NULL};
            CU_ASSERT_EQUAL_FATAL(
                test_arms_analysis(&req, &sel, &an, set_c, N(set_c), 0, "drug", opts, &e), META_OK);
            CU_ASSERT_EQUAL(an.opts.method, f == 0 ? META_METHOD_IV : META_METHOD_DL);
            check_groups(&an, fits[f].x, fits[f].q, fits[f].p);
            test_analysis_done(&req, &sel, &an);
        }
}

/* With both totals (the default) the weights stay those of the overall
 * total under revman5, and of the subgroup under metafor, as before. */
static void test_both_unchanged(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const rm[] = {"convention", "revman5", "by", "sub", "totals", "both", NULL};
    CU_ASSERT_EQUAL_FATAL(test_arms_analysis(&req, &sel, &an, set_c, N(set_c), 0, "drug", rm, &e),
                          META_OK);
    CU_ASSERT_FALSE(an.subgroup_totals_only);
    CU_ASSERT_TRUE(an.subgroups_in_total);
    double sum = 0;
    for (size_t i = 0; i < an.contrasts.k; i++) {
        CLOSE(an.overall.studies[i].weight, meta_analysis_study_weight(&an, i));
        sum += meta_analysis_study_weight(&an, i);
    }
    CLOSE(100.0, sum);
    CLOSE(an.overall.studies[4].weight, meta_analysis_shown_weight(&an, 1, 1));
    test_analysis_done(&req, &sel, &an);
    static const char *const mf[] = {"method", "DL", "by", "sub", NULL};
    CU_ASSERT_EQUAL_FATAL(test_arms_analysis(&req, &sel, &an, set_c, N(set_c), 0, "drug", mf, &e),
                          META_OK);
    CU_ASSERT_FALSE(an.subgroup_totals_only);
    CU_ASSERT_FALSE(an.subgroups_in_total);
    CLOSE(c_dl[1].weight[1], meta_analysis_shown_weight(&an, 1, 1));
    CLOSE(an.overall.studies[4].weight, meta_analysis_study_weight(&an, 4));
    test_analysis_done(&req, &sel, &an);
}

/* ---- Set B: Mantel-Haenszel under revman5 ---------------------------------------- */

/* totals_reference.R "B MH ...": each subgroup by rma.mh (log OR). */
static const struct expected_group b_mh[] = {
    {3,
     {30.303431329331, 23.125597654856, 46.570971015813},
     -0.479851881964646,
     0.234067481362358,
     0,
     0.196139624188822},
    {2,
     {24.7236289192975, 75.2763710807025},
     -0.260745061054459,
     0.228174402683888,
     0,
     1.21144821370431},
};

static void test_mh_revman5(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"convention", "revman5",   "measure", "OR",
                                       "method",     "MH",        "by",      "sub",
                                       "totals",     "subgroups", NULL};
    CU_ASSERT_EQUAL_FATAL(test_arms_analysis(&req, &sel, &an, set_b, N(set_b), 1, "drug", opts, &e),
                          META_OK);
    CU_ASSERT_EQUAL(an.opts.method, META_METHOD_MH);
    CU_ASSERT_EQUAL(an.opts.model, META_MODEL_COMMON);
    check_groups(&an, b_mh, 0.449296069559333, 0.502669429372126);
    test_analysis_done(&req, &sel, &an);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case tests[] = {
        {"the totals key and its checks", test_key},
        {"subgroup totals only: inverse variance and DL, every convention", test_set_c},
        {"both totals: the weights as before", test_both_unchanged},
        {"subgroup totals only: Mantel-Haenszel under revman5", test_mh_revman5},
        {NULL, NULL},
    };
    return meta_test_run_suite("analysis_totals", NULL, NULL, tests);
}
