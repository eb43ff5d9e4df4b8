/*
 * Tests of lib/analysis under the revman5 and r-meta conventions, on arms
 * held in memory: the convention and prediction keys (how each convention
 * resolves the options is a table of test_analysis.c), trials that a
 * convention calls not estimable
 * (listed, without weight), subgroups whose total pools the subgroups'
 * trials with RevMan's weights, leave-one-out, cumulative and the
 * prediction interval. Expected values: tests/analysis/conventions_reference.R
 * (the label printed there is named beside each), tests/unit/conventions.R,
 * and the weights the Cochrane review CD015373 prints.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "reference_rule.h"

#define CLOSE TEST_CLOSE
#define N(a)  (sizeof(a) / sizeof((a)[0]))
#define K     META_SIDE_TREATMENT
#define P     META_SIDE_CONTROL

/* Runs "drug vs placebo" (or the pain example's names) with options on arms. */
static int compute(struct meta_analysis_request *req, struct meta_selection *sel,
                   struct meta_analysis *an, const struct test_arm *arms, size_t count, int binary,
                   const char *const *options, struct meta_request_error *e)
{
    return test_arms_analysis(req, sel, an, arms, count, binary, binary ? "drug" : "ketamine",
                              options, e);
}

/* ---- Request keys ---------------------------------------------------------- */

static void file_words(char *buf, size_t size, const char *key)
{
    snprintf(buf, size, "<%s>", key);
}

static void test_request_keys(void)
{
    struct meta_analysis_request req;
    struct meta_request_error e;
    meta_analysis_request_init(&req);
    meta_request_error_init(&e, file_words);
    CU_ASSERT_EQUAL(req.opts.convention, META_CONVENTION_METAFOR);
    CU_ASSERT_EQUAL(req.opts.prediction, META_PREDICTION_DEFAULT);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "convention", "stata", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "convention");
    CU_ASSERT_STRING_EQUAL(e.err.msg,
                           "unknown convention 'stata' (use metafor, revman5 or r-meta)");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "convention", NULL, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<convention> needs a value");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "convention", "RevMan5", &e), META_OK);
    CU_ASSERT_EQUAL(req.opts.convention, META_CONVENTION_REVMAN5);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "convention", "r-meta", &e), META_OK);
    CU_ASSERT_EQUAL(req.opts.convention, META_CONVENTION_RMETA);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "prediction", NULL, &e), META_OK);
    CU_ASSERT_EQUAL(req.opts.prediction, META_PREDICTION_ON);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "prediction", "false", &e), META_OK);
    CU_ASSERT_EQUAL(req.opts.prediction, META_PREDICTION_OFF);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "prediction", "maybe", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "prediction");
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<prediction> takes no value or true/false, got 'maybe'");
    CU_ASSERT_PTR_NOT_NULL(meta_analysis_option_find("convention"));
    CU_ASSERT_PTR_NOT_NULL(meta_analysis_option_find("prediction"));
    meta_analysis_request_release(&req);
}

/* ---- Trials that are not estimable ----------------------------------------- */

/* revman5, MH OR on set B: S3 stays, listed with no weight and out of Q's
 * df; tests/unit/conventions.R "B MH OR est, se", "Q, p, I2", "weights %". */
static void test_not_estimable_revman5(void)
{
    static const char *const opts[] = {"convention", "revman5", "measure", "OR",
                                       "method",     "MH",      NULL};
    static const double w[] = {44.2009443099243, 12.4724087305451, 0, 23.860158871754,
                               19.4664880877766};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_zero_cell_arms, test_zero_cell_count, 1, opts, &e), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 5);
    CU_ASSERT_EQUAL(an.contrasts.n_excluded, 0);
    CU_ASSERT_EQUAL(an.overall.k, 5);
    CU_ASSERT_EQUAL(an.overall.k_estimable, 4);
    CU_ASSERT_EQUAL(an.overall.Q_df, 3);
    CU_ASSERT_EQUAL(an.overall.convention, META_CONVENTION_REVMAN5);
    CLOSE(-0.268855552040034, an.overall.estimate);
    CLOSE(0.258318249310881, an.overall.se);
    CLOSE(6.84879047252724, an.overall.Q);
    CLOSE(0.0768767277650898, an.overall.Q_p);
    CLOSE(56.1966450567587, an.overall.I2);
    for (size_t i = 0; i < 5; i++)
        CLOSE(w[i], an.overall.studies[i].weight);
    CU_ASSERT(isnan(an.overall.studies[2].yi) && isnan(an.overall.studies[2].vi));
    CU_ASSERT(isnan(an.overall.studies[2].ci_lower) && isnan(an.overall.studies[2].ci_upper));
    test_analysis_done(&req, &sel, &an);

    /* Under metafor the same trial has an estimate (0.5 in every cell) and
     * stays in k; MH leaves it out of Q. */
    static const char *const mf[] = {"measure", "OR", "method", "MH", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_zero_cell_arms, test_zero_cell_count, 1, mf, &e), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 5);
    CU_ASSERT_EQUAL(an.overall.Q_df, 3);
    CU_ASSERT_EQUAL(an.overall.convention, META_CONVENTION_METAFOR);
    test_analysis_done(&req, &sel, &an);
}

/* r-meta's defaults on set B: MH random (DL around the MH estimate), S3
 * dropped from k; conventions_reference.R "B r-meta ...". */
static void test_not_estimable_rmeta(void)
{
    static const char *const opts[] = {"convention", "r-meta", NULL};
    static const double w[] = {35.8614598909813, 4.74219394389543, 0, 28.5680420533261,
                               30.8283041117972};
    static const double wc[] = {45.9332902972358, 10.0120218694756, 0, 23.5555334857619,
                                20.4991543475267};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_zero_cell_arms, test_zero_cell_count, 1, opts, &e), META_OK);
    CU_ASSERT_EQUAL(an.opts.method, META_METHOD_MH);
    CU_ASSERT_EQUAL(an.opts.model, META_MODEL_RANDOM);
    CU_ASSERT_EQUAL(an.overall.k, 5);
    CU_ASSERT_EQUAL(an.overall.k_estimable, 4);
    CLOSE(0.221398016188356, an.overall.tau2);
    CLOSE(-0.20020090138145, an.overall.estimate);
    CLOSE(0.335957224469224, an.overall.se);
    CLOSE(6.46028420159598, an.overall.Q);
    CLOSE(53.5624144947235, an.overall.I2);
    CLOSE(2.15342806719866, an.overall.H2);
    CLOSE(-2.04015383894486, an.overall.pi_lower);
    CLOSE(1.63975203618196, an.overall.pi_upper);
    CU_ASSERT(isnan(an.overall.tau2_ci_lower)); /* none around the MH estimate */
    for (size_t i = 0; i < 5; i++)
        CLOSE(w[i], an.overall.studies[i].weight);
    test_analysis_done(&req, &sel, &an);

    static const char *const common[] = {"convention", "r-meta", "model", "common", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_zero_cell_arms, test_zero_cell_count, 1, common, &e),
        META_OK);
    CU_ASSERT_EQUAL(an.opts.method, META_METHOD_MH);
    CLOSE(-0.206027428117599, an.overall.estimate);
    CLOSE(0.198309284380346, an.overall.se);
    CLOSE(6.46028420159598, an.overall.Q);
    CLOSE(0.0912420250213265, an.overall.Q_p);
    CLOSE(2.15342806719866, an.overall.H2);
    for (size_t i = 0; i < 5; i++)
        CLOSE(wc[i], an.overall.studies[i].weight);
    test_analysis_done(&req, &sel, &an);
}

/* No trial estimable: nothing to pool, said so; under metafor the same
 * trials pool (0.5 in every cell). */
static void test_none_estimable(void)
{
    static const struct test_arm zeros[] = {
        {1, "Z1", "drug", K, NAN, NAN, NAN, 0, 20, NULL, NULL},
        {1, "Z1", "placebo", P, NAN, NAN, NAN, 0, 22, NULL, NULL},
        {2, "Z2", "drug", K, NAN, NAN, NAN, 0, 15, NULL, NULL},
        {2, "Z2", "placebo", P, NAN, NAN, NAN, 0, 14, NULL, NULL},
    };
    static const char *const opts[] = {"convention", "revman5", NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL(compute(&req, &sel, &an, zeros, N(zeros), 1, opts, &e), META_EDOM);
    CU_ASSERT_PTR_NULL(e.key);
    CU_ASSERT_STRING_EQUAL(e.err.msg,
                           "no trial to pool for outcome 'outcome' (drug vs placebo): none of its "
                           "2 trials is estimable under convention revman5 (no events in either "
                           "arm, or events in every participant)");
    test_analysis_done(&req, &sel, &an);
    CU_ASSERT_EQUAL(compute(&req, &sel, &an, zeros, N(zeros), 1, NULL, &e), META_OK);
    CU_ASSERT_EQUAL(an.overall.k_estimable, 2);
    test_analysis_done(&req, &sel, &an);
}

/* Leave-one-out and cumulative keep the convention: omitting S3 changes
 * nothing, and the cumulative analysis starts with S3 (1990) alone, not
 * estimable. */
static void test_sequential(void)
{
    static const char *const opts[] = {"convention",    "revman5", "measure",    "OR",
                                       "method",        "MH",      "cumulative", "true",
                                       "leave-one-out", "true",    NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_zero_cell_arms, test_zero_cell_count, 1, opts, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_loo, 5);
    CLOSE(an.overall.estimate, an.loo[2].estimate);
    CU_ASSERT_EQUAL(an.loo[2].k_estimable, 4);
    CU_ASSERT_EQUAL(an.loo[0].k_estimable, 3);
    CU_ASSERT_EQUAL_FATAL(an.n_cum, 5);
    CU_ASSERT_EQUAL(an.cum_order[0], 2);
    CU_ASSERT_EQUAL(an.cum[0].k_estimable, 0);
    CU_ASSERT(isnan(an.cum[0].estimate));
    CU_ASSERT_EQUAL(an.cum[1].k_estimable, 1);
    CLOSE(an.overall.estimate, an.cum[4].estimate);
    test_analysis_done(&req, &sel, &an);
}

/* ---- Subgroups --------------------------------------------------------------- */

/* The pain example by dose under revman5 (DL): T2's two doses fall in two
 * subgroups, and the total pools the five subgroup entries as RevMan does;
 * conventions_reference.R "pain by dose ...". Under metafor the total stays
 * one contrast per trial. */
static void test_subgroups_in_total(void)
{
    static const char *const opts[] = {"convention", "revman5", "by", "dose", NULL};
    static const double w[] = {20.5951868041725, 20.1098794748711, 17.8572217076233,
                               23.7423164731247, 17.6953955402085};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(compute(&req, &sel, &an, test_pain_arms, test_pain_count, 0, opts, &e),
                          META_OK);
    CU_ASSERT_EQUAL(an.opts.method, META_METHOD_DL);
    CU_ASSERT_TRUE(an.subgroups_in_total);
    CU_ASSERT_EQUAL_FATAL(an.n_groups, 3);
    CU_ASSERT_EQUAL_FATAL(an.contrasts.k, 5);
    CU_ASSERT_EQUAL(an.overall.k, 5);
    CU_ASSERT_STRING_EQUAL(an.contrasts.info[0].trial, "T2");
    CU_ASSERT_STRING_EQUAL(an.contrasts.info[3].trial, "T2");
    CU_ASSERT_EQUAL(an.contrasts.n_excluded, 2); /* T4, T5: a side missing */
    CLOSE(-1.22087889906824, an.overall.estimate);
    CLOSE(0.16252177416073, an.overall.se);
    CLOSE(3.55083843484339, an.overall.Q);
    CU_ASSERT(an.overall.tau2 == 0.0 && an.overall.I2 == 0.0);
    CU_ASSERT(isnan(an.overall.pi_lower)); /* revman5: not unless asked */
    for (size_t i = 0; i < 5; i++)
        CLOSE(w[i], an.overall.studies[i].weight);
    /* the weight shown beside a subgroup's trial is its share of the total */
    CU_ASSERT_EQUAL(an.groups[1].first, 2);
    CLOSE(w[3], meta_analysis_shown_weight(&an, 1, 1));
    CU_ASSERT_PTR_EQUAL(meta_analysis_subgroup_of(&an, 3), &an.groups[1]);
    CU_ASSERT_PTR_EQUAL(meta_analysis_subgroup_of(&an, 4), &an.groups[2]);
    /* each subgroup pooled on its own */
    CLOSE(-1.24940387355474, an.groups[0].result.estimate);
    CLOSE(0.254734238307394, an.groups[0].result.se);
    CLOSE(50.5961264452617, an.groups[0].result.studies[0].weight);
    CLOSE(-1.45707350973457, an.groups[1].result.estimate);
    CLOSE(0.251980712713706, an.groups[1].result.se);
    CU_ASSERT_TRUE(an.have_test);
    CU_ASSERT_EQUAL(an.test.df, 2);
    CLOSE(3.47373128678193, an.test.Q);
    CLOSE(0.176071407219184, an.test.p);
    CLOSE(42.4250226950398, an.test.I2);
    test_analysis_done(&req, &sel, &an);

    static const char *const mf[] = {"by", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(compute(&req, &sel, &an, test_pain_arms, test_pain_count, 0, mf, &e),
                          META_OK);
    CU_ASSERT_FALSE(an.subgroups_in_total);
    CU_ASSERT_EQUAL(an.contrasts.k, 4);
    CU_ASSERT_EQUAL(an.overall.k, 4);
    CU_ASSERT_PTR_NULL(meta_analysis_subgroup_of(&an, 0));
    CLOSE(an.groups[0].result.studies[1].weight, meta_analysis_shown_weight(&an, 0, 1));
    CLOSE(3.47373128678193, an.test.Q); /* the subgroups are the same */
    test_analysis_done(&req, &sel, &an);
}

/* CD015373 analysis 1.5 (pain at short term by clinical condition), as the
 * review computed it: revman5, DL; the weights its data rows print (to 6
 * decimals) are each study's share of the total; conventions_reference.R
 * "1.5 ..." for the subgroup of two and the test. */
static void test_review_weights(void)
{
    static const struct test_arm arms[] = {
        {1, "Noppers 2011a", "ketamine", K, 12, 63, 38.105118, NAN, NAN, "2011", "Fibromyalgia"},
        {1, "Noppers 2011a", "placebo", P, 12, 61, 38.105118, NAN, NAN, "2011", NULL},
        {2, "Pickering 2020", "ketamine", K, 6, 73, 35, NAN, NAN, "2020",
         "Peripheral neuropathic pain"},
        {2, "Pickering 2020", "placebo", P, 5, 58, 37, NAN, NAN, "2020", NULL},
        {3, "Schwartzman 2009", "ketamine", K, 9, 64.9, 33, NAN, NAN, "2009",
         "Complex regional pain syndrome"},
        {3, "Schwartzman 2009", "placebo", P, 10, 75.2, 18.973666, NAN, NAN, "2009", NULL},
        {4, "Sigtermans 2009", "ketamine", K, 30, 67, 27.386128, NAN, NAN, "2009",
         "Complex regional pain syndrome"},
        {4, "Sigtermans 2009", "placebo", P, 30, 74, 21.908902, NAN, NAN, "2009", NULL},
    };
    /* subgroups in byte order: Complex..., Fibromyalgia, Peripheral... */
    static const char *const trials[] = {"Schwartzman 2009", "Sigtermans 2009", "Noppers 2011a",
                                         "Pickering 2020"};
    static const double printed[] = {17.222069, 65.947921, 11.172995, 5.657015};
    static const char *const opts[] = {"convention", "revman5", "by", "subgroup", NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(compute(&req, &sel, &an, arms, N(arms), 0, opts, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_groups, 3);
    CU_ASSERT_STRING_EQUAL(an.groups[0].value, "Complex regional pain syndrome");
    CU_ASSERT_EQUAL_FATAL(an.contrasts.k, 4);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(an.contrasts.info[i].trial, trials[i]);
        double got = an.overall.studies[i].weight;
        if (!(fabs(got - printed[i]) <= 0.5e-6))
            printf("\n    %s: weight %.9f, printed %.6f", trials[i], got, printed[i]);
        CU_ASSERT(fabs(got - printed[i]) <= 0.5e-6);
    }
    /* the review's summary: MD -5.32 [-15.51, 4.87] */
    CU_ASSERT(fabs(an.overall.estimate - -5.32) < 0.005);
    CU_ASSERT(fabs(an.overall.ci_lower - -15.51) < 0.005);
    CU_ASSERT(fabs(an.overall.ci_upper - 4.87) < 0.005);
    CLOSE(-7.68333333003776, an.groups[0].result.estimate);
    CLOSE(5.70176296279923, an.groups[0].result.se);
    CLOSE(20.7070706072049, an.groups[0].result.studies[0].weight);
    CLOSE(1.25709090579217, an.test.Q);
    CLOSE(0.53336704454606, an.test.p);
    test_analysis_done(&req, &sel, &an);
}

/* A subgroup whose trials are all not estimable is listed, with no total,
 * and left out of the test; the other subgroups are pooled. */
static void test_subgroup_not_estimable(void)
{
    static const char *const opts[] = {"convention", "revman5", "by", "class", NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, test_subgroup_zero_arms, test_subgroup_zero_count, 1, opts, &e),
        META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_groups, 3);
    CU_ASSERT_TRUE(an.groups[0].pooled);
    CU_ASSERT_EQUAL(an.groups[0].result.k, 1);
    CU_ASSERT_EQUAL(an.groups[0].result.k_estimable, 0);
    CU_ASSERT(isnan(an.groups[0].result.estimate));
    CU_ASSERT_EQUAL(meta_analysis_shown_weight(&an, 0, 0), 0.0);
    CU_ASSERT_TRUE(an.have_test);
    CU_ASSERT_EQUAL(an.test.df, 1);
    CU_ASSERT_EQUAL(an.overall.k, 4);
    CU_ASSERT_EQUAL(an.overall.k_estimable, 3);
    test_analysis_done(&req, &sel, &an);
}

/* ---- Prediction interval ------------------------------------------------------ */

/* revman5 gives none unless asked, then t on k-2 df (conventions_reference.R
 * "pain DL PI t(k-2)"); prediction = false takes metafor's away too. */
static void test_prediction(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const rv[] = {"convention", "revman5", NULL};
    CU_ASSERT_EQUAL_FATAL(test_pain_analysis(&req, &sel, &an, rv, &e), META_OK);
    CLOSE(-1.19615969006023, an.overall.estimate);
    CLOSE(0.00168875650151267, an.overall.tau2);
    CU_ASSERT(isnan(an.overall.pi_lower) && isnan(an.overall.pi_upper));
    test_analysis_done(&req, &sel, &an);
    static const char *const on[] = {"convention", "revman5", "prediction", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(test_pain_analysis(&req, &sel, &an, on, &e), META_OK);
    CLOSE(-1.97652726943326, an.overall.pi_lower);
    CLOSE(-0.415792110687195, an.overall.pi_upper);
    test_analysis_done(&req, &sel, &an);
    static const char *const off[] = {"prediction", "false", NULL};
    CU_ASSERT_EQUAL_FATAL(test_pain_analysis(&req, &sel, &an, off, &e), META_OK);
    CU_ASSERT(isnan(an.overall.pi_lower) && isnan(an.overall.pi_upper));
    CU_ASSERT(isfinite(an.overall.ci_lower));
    test_analysis_done(&req, &sel, &an);
    CU_ASSERT_EQUAL_FATAL(test_pain_analysis(&req, &sel, &an, NULL, &e), META_OK);
    CU_ASSERT(isfinite(an.overall.pi_lower)); /* metafor's default: always */
    test_analysis_done(&req, &sel, &an);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case tests[] = {
        {"the convention and prediction keys", test_request_keys},
        {"revman5: a trial without events listed, without weight", test_not_estimable_revman5},
        {"r-meta: defaults with a zero cell and a double zero", test_not_estimable_rmeta},
        {"no trial estimable", test_none_estimable},
        {"leave-one-out and cumulative under revman5", test_sequential},
        {"revman5 subgroups: the total pools their trials", test_subgroups_in_total},
        {"revman5 subgroups: the review's printed weights", test_review_weights},
        {"a subgroup with no trial estimable", test_subgroup_not_estimable},
        {"prediction interval per convention", test_prediction},
        {NULL, NULL},
    };
    return meta_test_run_suite("analysis_conventions", NULL, NULL, tests);
}
