/*
 * Tests of lib/analysis on arms held in memory (no database): arm combining
 * (Cochrane Handbook 6.5.a), trials left out and why, subgroups with their
 * test, leave-one-out, the cumulative order, and the numbers against
 * metafor 3.8 (analysis_reference.R, to META_REF_REL_TOL).
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

static void done(struct meta_analysis_request *req, struct meta_selection *sel,
                 struct meta_analysis *an)
{
    meta_analysis_release(an);
    meta_analysis_request_release(req);
    free(sel->arms);
}

static void test_combining_and_exclusions(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL(test_pain_analysis(&req, &sel, &an, NULL, &e), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 4);
    CU_ASSERT_STRING_EQUAL(an.contrasts.info[1].trial, "T2");
    CU_ASSERT_EQUAL(an.contrasts.info[1].treatment_arms, 2);
    CU_ASSERT_EQUAL(an.contrasts.info[1].control_arms, 1);
    /* analysis_reference.R: the two ketamine arms of T2 combined */
    CLOSE(42.0, an.contrasts.studies[1].tc.n);
    CLOSE(1.6428571428571428, an.contrasts.studies[1].tc.mean);
    CLOSE(1.1445827564711737, an.contrasts.studies[1].tc.sd);
    CU_ASSERT_EQUAL(an.contrasts.info[0].year, 2015.0);
    CU_ASSERT(isnan(an.contrasts.info[2].year));
    CU_ASSERT_EQUAL_FATAL(an.contrasts.n_excluded, 2);
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[0].trial, "T4");
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[0].reason, "no placebo arm");
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[1].trial, "T5");
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[1].reason, "no ketamine arm");
    done(&req, &sel, &an);

    /* Several names on a side: the reason names them all. */
    static const char *const two[] = {"treatment", "esketamine", "control", "saline", NULL};
    CU_ASSERT_EQUAL(test_pain_analysis(&req, &sel, &an, two, &e), META_OK);
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[0].reason, "no placebo or saline arm");
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[1].reason, "no ketamine or esketamine arm");
    done(&req, &sel, &an);
}

static void test_unestimable_trial(void)
{
    /* An SD of 0 on both sides: no sampling variance, left out with the
     * reason lib/stats gives; the other trial is pooled alone. */
    static const struct test_arm arms[] = {
        {1, "A", "drug", META_SIDE_TREATMENT, 10, 1.0, 0.0, NAN, NAN, NULL, NULL},
        {1, "A", "none", META_SIDE_CONTROL, 10, 2.0, 0.0, NAN, NAN, NULL, NULL},
        {2, "B", "drug", META_SIDE_TREATMENT, 10, 1.0, 1.0, NAN, NAN, NULL, NULL},
        {2, "B", "none", META_SIDE_CONTROL, 10, 2.0, 1.0, NAN, NAN, NULL, NULL},
    };
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    meta_analysis_init(&an);
    meta_request_error_init(&e, NULL);
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "drug", "none", NULL), META_OK);
    CU_ASSERT_EQUAL_FATAL(test_selection(&sel, arms, 4, 0, "pain", ""), 0);
    CU_ASSERT_EQUAL(meta_analysis_compute(&req, &sel, &an, &e), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 1);
    CU_ASSERT_EQUAL_FATAL(an.contrasts.n_excluded, 1);
    CU_ASSERT_STRING_EQUAL(an.contrasts.excluded[0].trial, "A");
    CU_ASSERT(strlen(an.contrasts.excluded[0].reason) > 0);
    done(&req, &sel, &an);
}

static void test_overall_against_metafor(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL(test_pain_analysis(&req, &sel, &an, NULL, &e), META_OK);
    CU_ASSERT_EQUAL(an.opts.measure, META_MD);
    CU_ASSERT_EQUAL(an.opts.model, META_MODEL_RANDOM);
    CU_ASSERT_EQUAL(an.opts.method, META_METHOD_REML);
    CU_ASSERT_EQUAL(an.overall.k, 4);
    CLOSE(-1.196645499647313, an.overall.estimate);
    CLOSE(0.17538523044312429, an.overall.se);
    CLOSE(3.0403904568222155, an.overall.Q);
    CU_ASSERT(an.overall.tau2 < 1e-8); /* metafor: 5.8e-13 */
    CU_ASSERT(an.req == &req && an.data == &sel);
    done(&req, &sel, &an);
}

static void test_subgroups(void)
{
    static const char *const by[] = {"by", "dose", NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL(test_pain_analysis(&req, &sel, &an, by, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_groups, 3);
    /* numeric values in numeric order, the arms lacking the attribute last */
    CU_ASSERT_STRING_EQUAL(an.groups[0].value, "0.15");
    CU_ASSERT_STRING_EQUAL(an.groups[1].value, "0.5");
    CU_ASSERT_PTR_NULL(an.groups[2].value);
    CU_ASSERT_EQUAL(an.groups[0].contrasts.k, 2);
    CU_ASSERT_EQUAL(an.groups[1].contrasts.k, 2);
    CU_ASSERT_EQUAL(an.groups[2].contrasts.k, 1);
    /* T4 has no placebo arm: left out in its own subgroup only */
    CU_ASSERT_EQUAL(an.groups[1].contrasts.n_excluded, 1);
    CU_ASSERT_EQUAL(an.groups[0].contrasts.n_excluded, 0); /* T5 belongs to no subgroup */
    CLOSE(-1.2494038735547384, an.groups[0].result.estimate);
    CLOSE(-1.4570735097345682, an.groups[1].result.estimate);
    CLOSE(-0.60000000000000009, an.groups[2].result.estimate);
    CU_ASSERT(an.have_test);
    CU_ASSERT_EQUAL(an.test.df, 2);
    done(&req, &sel, &an);
}

static void test_leave_one_out(void)
{
    static const char *const loo[] = {"leave-one-out", NULL, NULL};
    static const double expected[] = {-1.1304421708881405, -1.1074704363565384, -1.3515127349412916,
                                      -1.1502139576979225};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    meta_analysis_init(&an);
    meta_request_error_init(&e, NULL);
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "ketamine", "placebo", NULL), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, loo[0], loo[1], &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(test_selection(&sel, test_pain_arms, test_pain_count, 0, "pain", ""), 0);
    CU_ASSERT_EQUAL(meta_analysis_compute(&req, &sel, &an, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_loo, 4);
    for (size_t i = 0; i < 4; i++)
        CLOSE(expected[i], an.loo[i].estimate);
    done(&req, &sel, &an);
}

static void test_cumulative_order(void)
{
    static const char *const cum[] = {"cumulative", "true", NULL};
    /* by year (T2 2010, T6 2012, T1 2015), then T3 without one */
    static const size_t order[] = {1, 3, 0, 2};
    static const double expected[] = {-1.3571428571428572, -1.3343047100361112, -1.3515127349412923,
                                      -1.196645499647313};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL(test_pain_analysis(&req, &sel, &an, cum, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.n_cum, 4);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(an.cum_order[i], order[i]);
        CU_ASSERT_EQUAL(an.cum[i].k, i + 1);
        CLOSE(expected[i], an.cum[i].estimate);
    }
    done(&req, &sel, &an);
}

static void file_words(char *buf, size_t size, const char *key)
{
    snprintf(buf, size, "<%s>", key);
}

/* One case of option resolution: options set, outcome type, and either the
 * resolved options or the key at fault with the start of the message. */
struct resolve_case {
    const char *options[10];
    int binary;
    int status;
    enum meta_measure measure;
    enum meta_model model;
    enum meta_method method;
    const char *key;
    const char *message;
};

static const struct resolve_case resolve_cases[] = {
    {{NULL}, 0, META_OK, META_MD, META_MODEL_RANDOM, META_METHOD_REML, NULL, NULL},
    {{NULL}, 1, META_OK, META_RR, META_MODEL_RANDOM, META_METHOD_REML, NULL, NULL},
    {{NULL}, -1, META_OK, META_MD, META_MODEL_RANDOM, META_METHOD_REML, NULL, NULL},
    {{"method", "MH", NULL}, 1, META_OK, META_RR, META_MODEL_COMMON, META_METHOD_MH, NULL, NULL},
    {{"method", "PETO", NULL},
     -1,
     META_OK,
     META_OR,
     META_MODEL_COMMON,
     META_METHOD_PETO,
     NULL,
     NULL},
    {{"model", "common", NULL}, 0, META_OK, META_MD, META_MODEL_COMMON, META_METHOD_IV, NULL, NULL},
    {{"method", "DL", NULL}, 1, META_OK, META_RR, META_MODEL_RANDOM, META_METHOD_DL, NULL, NULL},
    {{"measure", "SMD", "method", "PM", NULL},
     0,
     META_OK,
     META_SMD,
     META_MODEL_RANDOM,
     META_METHOD_PM,
     NULL,
     NULL},
    {{"model", "common", "method", "REML", NULL},
     -1,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'REML' does not go with <model> common"},
    {{"method", "MH", NULL},
     0,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "outcome 'pain' is continuous: method 'MH' needs a binary outcome"},
    {{"measure", "MD", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "measure",
     "outcome 'pain' is binary: measure 'MD' does not apply"},
    {{"method", "PETO", "measure", "RR", NULL},
     -1,
     META_EINVAL,
     0,
     0,
     0,
     "measure",
     "method 'PETO' needs measure OR, not 'RR'"},
    {{"method", "MH", "ci", "hksj", NULL},
     -1,
     META_EINVAL,
     0,
     0,
     0,
     "ci",
     "ci 'hksj' is not available with method 'MH' (use <ci> z, or <method> IV"},
    /* Per convention (tests/analysis/test_conventions.c has the rest). */
    /* revman5: random effects mean DerSimonian-Laird; MH random is valid */
    {{"convention", "revman5", NULL},
     0,
     META_OK,
     META_MD,
     META_MODEL_RANDOM,
     META_METHOD_DL,
     NULL,
     NULL},
    {{"convention", "revman5", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_DL,
     NULL,
     NULL},
    {{"convention", "revman5", "model", "common", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_COMMON,
     META_METHOD_IV,
     NULL,
     NULL},
    {{"convention", "revman5", "method", "MH", "model", "random", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "revman5", "method", "MH", NULL},
     -1,
     META_OK,
     META_RR,
     META_MODEL_COMMON,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "revman5", "method", "REML", NULL},
     0,
     META_OK,
     META_MD,
     META_MODEL_RANDOM,
     META_METHOD_REML,
     NULL,
     NULL},
    {{"convention", "revman5", "method", "PETO", NULL},
     1,
     META_OK,
     META_OR,
     META_MODEL_COMMON,
     META_METHOD_PETO,
     NULL,
     NULL},
    {{"convention", "revman5", "method", "PM", NULL},
     0,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'PM' is not offered by <convention> revman5 (random: DL, REML, MH; or "
     "<convention> metafor or r-meta for PM)"},
    {{"convention", "revman5", "method", "PETO", "model", "random", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'PETO' does not go with <model> random (random: DL, REML, MH; or <model> "
     "common for IV, MH, PETO)"},
    {{"convention", "revman5", "method", "DL", "model", "common", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'DL' does not go with <model> common (common: IV, MH, PETO; or <model> "
     "random for DL, REML, MH)"},
    {{"convention", "revman5", "method", "MH", "model", "random", "ci", "hksj", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "ci",
     "ci 'hksj' is not available with method 'MH'"},
    {{"convention", "revman5", "method", "MH", "model", "random", NULL},
     0,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "outcome 'pain' is continuous: method 'MH' needs a binary outcome"},
    /* r-meta: binary outcomes by MH under both models, continuous by REML */
    {{"convention", "r-meta", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "r-meta", "model", "common", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_COMMON,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "r-meta", "measure", "OR", NULL},
     -1,
     META_OK,
     META_OR,
     META_MODEL_RANDOM,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "r-meta", NULL},
     0,
     META_OK,
     META_MD,
     META_MODEL_RANDOM,
     META_METHOD_REML,
     NULL,
     NULL},
    {{"convention", "r-meta", "model", "common", NULL},
     0,
     META_OK,
     META_MD,
     META_MODEL_COMMON,
     META_METHOD_IV,
     NULL,
     NULL},
    {{"convention", "r-meta", NULL},
     -1,
     META_OK,
     META_MD,
     META_MODEL_RANDOM,
     META_METHOD_REML,
     NULL,
     NULL},
    {{"convention", "r-meta", "ci", "hksj", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_REML,
     NULL,
     NULL},
    {{"convention", "r-meta", "method", "PM", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_PM,
     NULL,
     NULL},
    {{"convention", "r-meta", "method", "MH", "model", "random", "measure", "RD", NULL},
     1,
     META_OK,
     META_RD,
     META_MODEL_RANDOM,
     META_METHOD_MH,
     NULL,
     NULL},
    {{"convention", "r-meta", "method", "IV", "model", "random", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'IV' does not go with <model> random (random: MH, DL, REML, ML, PM, HE, HS, "
     "SJ, EB;"},
    /* metafor is unchanged: MH belongs to the common model */
    {{"convention", "metafor", NULL},
     1,
     META_OK,
     META_RR,
     META_MODEL_RANDOM,
     META_METHOD_REML,
     NULL,
     NULL},
    {{"method", "MH", "model", "random", NULL},
     1,
     META_EINVAL,
     0,
     0,
     0,
     "method",
     "method 'MH' does not go with <model> random (random: DL, REML, ML, PM, HE, HS, SJ, "
     "EB; or <model> common for IV, MH, PETO)"},
    /* a prediction interval asked for needs the random model */
    {{"convention", "revman5", "prediction", "true", NULL},
     0,
     META_OK,
     META_MD,
     META_MODEL_RANDOM,
     META_METHOD_DL,
     NULL,
     NULL},
    {{"convention", "revman5", "prediction", "yes", "model", "common", NULL},
     0,
     META_EINVAL,
     0,
     0,
     0,
     "prediction",
     "<prediction> needs the random model: a common-effect analysis has no prediction "
     "interval (use <model> random)"},
};

static void test_resolution(void)
{
    for (size_t i = 0; i < sizeof resolve_cases / sizeof resolve_cases[0]; i++) {
        const struct resolve_case *c = &resolve_cases[i];
        struct meta_analysis_request req;
        struct meta_request_error e;
        struct meta_options opts;
        meta_request_error_init(&e, file_words);
        CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "a", "b", c->options), META_OK);
        int ret = meta_analysis_resolve(&req, c->binary, &opts, &e);
        if (ret != c->status)
            printf("\n    case %zu: status %d, expected %d (%s)", i, ret, c->status, e.err.msg);
        CU_ASSERT_EQUAL(ret, c->status);
        if (c->status == META_OK && ret == META_OK) {
            CU_ASSERT_EQUAL(opts.measure, c->measure);
            CU_ASSERT_EQUAL(opts.model, c->model);
            CU_ASSERT_EQUAL(opts.method, c->method);
        } else if (c->status != META_OK) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(e.key);
            CU_ASSERT_STRING_EQUAL(e.key, c->key);
            if (strncmp(e.err.msg, c->message, strlen(c->message)) != 0)
                printf("\n    case %zu: '%s'", i, e.err.msg);
            CU_ASSERT(strncmp(e.err.msg, c->message, strlen(c->message)) == 0);
        }
        meta_analysis_request_release(&req);
    }
}

static void test_request_errors(void)
{
    struct meta_analysis_request req;
    struct meta_request_error e;
    meta_analysis_request_init(&req);
    meta_request_error_init(&e, file_words);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "level", "0.95", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "level");
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<level> is a percentage: did you mean 95? got '0.95'");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "measure", "IRR", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "measure");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "treatment", "a,,b", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<treatment> 'a,,b' has an empty name");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "leave-one-out", "maybe", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "<leave-one-out> takes no value or true/false, got 'maybe'");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "nope", "1", &e), META_EINVAL);
    CU_ASSERT_PTR_NULL(e.key);
    /* lists: "\," is a comma, repeats are dropped, a second setting adds */
    meta_analysis_request_release(&req);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "treatment", "a\\,b, c ,c", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "treatment", "d", &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(req.n_treatments, 3);
    CU_ASSERT_STRING_EQUAL(req.treatments[0], "a,b");
    CU_ASSERT_STRING_EQUAL(req.treatments[1], "c");
    CU_ASSERT_STRING_EQUAL(req.treatments[2], "d");
    struct meta_options opts;
    CU_ASSERT_EQUAL(meta_analysis_resolve(&req, -1, &opts, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "outcome");
    CU_ASSERT_STRING_EQUAL(e.err.msg, "missing <outcome> NAME");
    meta_analysis_request_release(&req);
}

static void test_compute_errors(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    /* no trial has both sides */
    meta_analysis_init(&an);
    meta_request_error_init(&e, NULL);
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "ketamine", "saline", NULL), META_OK);
    static const struct test_arm only_t4[] = {
        {4, "T4", "ketamine", META_SIDE_TREATMENT, 15, 2.0, 1.0, NAN, NAN, NULL, NULL},
    };
    CU_ASSERT_EQUAL_FATAL(test_selection(&sel, only_t4, 1, 0, "pain", "24h"), 0);
    CU_ASSERT_EQUAL(meta_analysis_compute(&req, &sel, &an, &e), META_EDOM);
    CU_ASSERT_PTR_NULL(e.key);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "no trial to pool for outcome 'pain' (ketamine vs saline): "
                                      "1 trial left out (T4: no saline arm)");
    done(&req, &sel, &an);

    /* leave-one-out of one trial */
    static const char *const loo[] = {"leave-one-out", "yes", NULL};
    meta_analysis_init(&an);
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "ketamine", "placebo", loo), META_OK);
    CU_ASSERT_EQUAL_FATAL(test_selection(&sel, test_pain_arms, 2, 0, "pain", "24h"), 0);
    CU_ASSERT_EQUAL(meta_analysis_compute(&req, &sel, &an, &e), META_EDOM);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "leave-one-out needs at least 2 trials, the selection has 1");
    done(&req, &sel, &an);

    /* options that do not fit the outcome: the key at fault */
    static const char *const mh[] = {"method", "MH", NULL};
    meta_analysis_init(&an);
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "ketamine", "placebo", mh), META_OK);
    CU_ASSERT_EQUAL_FATAL(test_selection(&sel, test_pain_arms, test_pain_count, 0, "pain", ""), 0);
    CU_ASSERT_EQUAL(meta_analysis_compute(&req, &sel, &an, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "method");
    done(&req, &sel, &an);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"arms combined, trials left out and why", test_combining_and_exclusions},
        {"a trial whose effect cannot be estimated", test_unestimable_trial},
        {"overall against metafor", test_overall_against_metafor},
        {"subgroups and their test", test_subgroups},
        {"leave-one-out against metafor", test_leave_one_out},
        {"cumulative order and results against metafor", test_cumulative_order},
        {"option resolution: defaults and errors by key", test_resolution},
        {"request keys: values and their errors", test_request_errors},
        {"computation errors", test_compute_errors},
        {NULL, NULL},
    };
    return meta_test_run_suite("analysis", NULL, NULL, cases);
}
