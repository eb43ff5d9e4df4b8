/*
 * Tests of meta_analysis_study_attr (lib/analysis/study_attr.c) on arms and
 * estimate rows held in memory: a study's per-result attribute (a risk-of-
 * bias judgement) from its treatment arms, else its control arms, the arm
 * of its own subgroup when the total pools the subgroups, an estimate row's
 * own, and NULL for what is absent or out of range.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "meta_study_attr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct meta_select_attr low[] = {{"rob_d1", "low"}, {"subgroup", "CRPS"}};
static struct meta_select_attr high[] = {{"rob_d1", "high"}};
static struct meta_select_attr some[] = {{"rob_overall", "some concerns"},
                                         {"rob_d1", "some concerns"}};

/* The pain example (trials T1, T2, T3, T6 pooled) with judgements: T1 only
 * on its placebo arm, T2's 0.15 mg/kg arm low and 0.5 mg/kg arm high, T3
 * none, T6 low. */
static void judge(struct meta_selection *sel)
{
    sel->arms[1].attrs = some, sel->arms[1].n_attrs = N(some); /* T1 placebo */
    sel->arms[2].attrs = low, sel->arms[2].n_attrs = N(low);   /* T2 0.15 */
    sel->arms[3].attrs = high, sel->arms[3].n_attrs = N(high); /* T2 0.5 */
    sel->arms[9].attrs = low, sel->arms[9].n_attrs = N(low);   /* T6 ketamine */
}

/* Fills sel with the judged pain example. */
static int pain_rows(struct meta_selection *sel)
{
    if (test_selection(sel, test_pain_arms, test_pain_count, 0, "pain", "24h") != 0)
        return META_ENOMEM;
    judge(sel);
    return META_OK;
}

/* The same, with rob_d1 read by name as well: T3's ketamine arm has it as
 * an arm attribute (values), the others only on their results (attrs). */
static int pain_rows_by_name(struct meta_selection *sel)
{
    static char *names[] = {"rob_d1"};
    static char *t3[] = {"high"};
    int ret = pain_rows(sel);
    sel->attributes = names, sel->n_attributes = N(names);
    sel->arms[5].values = t3;
    return ret;
}

/* Two estimate rows of MD, E2 judged high. */
static int estimate_rows(struct meta_selection *sel)
{
    static const struct test_estimate rows[] = {
        {1, "E1", "ketamine", "placebo", 0, "MD", 0, -1.0, 0.5, NAN, NAN, NAN, NAN, NAN, NULL,
         NULL},
        {2, "E2", "ketamine", "placebo", 0, "MD", 0, -0.5, 0.4, NAN, NAN, NAN, NAN, NAN, NULL,
         NULL},
    };
    if (test_selection(sel, NULL, 0, 0, "pain", "") != 0 ||
        test_selection_estimates(sel, rows, N(rows), META_KIND_CONTINUOUS) != 0)
        return META_ENOMEM;
    sel->estimates[1].attrs = high, sel->estimates[1].n_attrs = N(high);
    return META_OK;
}

/* Computes "ketamine vs placebo" with options on the rows fill puts in sel;
 * release with done() after any return. */
static int run(struct meta_analysis_request *req, struct meta_selection *sel,
               struct meta_analysis *an, const char *const *options,
               int (*fill)(struct meta_selection *))
{
    struct meta_request_error e;
    meta_analysis_init(an);
    meta_request_error_init(&e, NULL);
    meta_selection_init(sel);
    int ret = test_request(req, "pain", "ketamine", "placebo", options);
    if (ret == META_OK)
        ret = fill(sel);
    return ret == META_OK ? meta_analysis_compute(req, sel, an, &e) : ret;
}

static void done(struct meta_analysis_request *req, struct meta_selection *sel,
                 struct meta_analysis *an)
{
    meta_analysis_release(an);
    meta_analysis_request_release(req);
    free(sel->arms);
    free(sel->estimates);
}

static const char *attr_of(const struct meta_analysis *an, const char *trial, const char *group,
                           const char *name)
{
    for (size_t i = 0; i < an->contrasts.k; i++) {
        const struct meta_subgroup *g = meta_analysis_subgroup_of(an, i);
        if (strcmp(an->contrasts.info[i].trial, trial) != 0)
            continue;
        if (!group || (g && g->value && strcmp(g->value, group) == 0))
            return meta_analysis_study_attr(an, i, name);
    }
    CU_FAIL("no such study");
    return NULL;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void test_arms(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    CU_ASSERT_EQUAL_FATAL(run(&req, &sel, &an, NULL, pain_rows), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 4);
    CU_ASSERT(same(attr_of(&an, "T1", NULL, "rob_d1"), "some concerns")); /* the control arm's */
    CU_ASSERT(same(attr_of(&an, "T1", NULL, "rob_overall"), "some concerns"));
    CU_ASSERT(same(attr_of(&an, "T2", NULL, "rob_d1"), "low")); /* the first treatment arm's */
    CU_ASSERT(same(attr_of(&an, "T3", NULL, "rob_d1"), NULL));
    CU_ASSERT(same(attr_of(&an, "T6", NULL, "rob_d1"), "low"));
    CU_ASSERT(same(attr_of(&an, "T6", NULL, "rob_d5"), NULL));
    CU_ASSERT_PTR_NULL(meta_analysis_study_attr(&an, an.contrasts.k, "rob_d1"));
    CU_ASSERT_PTR_NULL(meta_analysis_study_attr(&an, 0, NULL));
    CU_ASSERT_PTR_NULL(meta_analysis_study_attr(NULL, 0, "rob_d1"));
    CU_ASSERT(same(meta_analysis_study_attr_cb(&an, 0, "rob_d1"), "some concerns"));
    done(&req, &sel, &an);
}

/* An attribute the selection read by name comes from the arm when its
 * result lacks it; the results' own still count. */
static void test_by_name(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    CU_ASSERT_EQUAL_FATAL(run(&req, &sel, &an, NULL, pain_rows_by_name), META_OK);
    CU_ASSERT(same(attr_of(&an, "T3", NULL, "rob_d1"), "high"));
    CU_ASSERT(same(attr_of(&an, "T2", NULL, "rob_d1"), "low"));
    CU_ASSERT(same(attr_of(&an, "T1", NULL, "rob_d1"), "some concerns"));
    CU_ASSERT(same(attr_of(&an, "T3", NULL, "rob_d2"), NULL));
    done(&req, &sel, &an);
}

/* Under revman5 with by, T2 is a study in each dose subgroup: each shows
 * the judgement of its own arm. */
static void test_subgroups(void)
{
    static const char *const options[] = {"convention", "revman5", "method", "DL",
                                          "by",         "dose",    NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    CU_ASSERT_EQUAL_FATAL(run(&req, &sel, &an, options, pain_rows), META_OK);
    CU_ASSERT_FATAL(an.subgroups_in_total);
    CU_ASSERT(same(attr_of(&an, "T2", "0.15", "rob_d1"), "low"));
    CU_ASSERT(same(attr_of(&an, "T2", "0.5", "rob_d1"), "high"));
    CU_ASSERT(same(attr_of(&an, "T6", "0.15", "rob_d1"), "low"));
    CU_ASSERT(same(attr_of(&an, "T1", "0.5", "rob_d1"), "some concerns"));
    done(&req, &sel, &an);
}

/* A study taken from its estimate row shows that row's own attributes. */
static void test_estimates(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    CU_ASSERT_EQUAL_FATAL(run(&req, &sel, &an, NULL, estimate_rows), META_OK);
    CU_ASSERT_EQUAL(an.contrasts.k, 2);
    CU_ASSERT(same(attr_of(&an, "E1", NULL, "rob_d1"), NULL));
    CU_ASSERT(same(attr_of(&an, "E2", NULL, "rob_d1"), "high"));
    done(&req, &sel, &an);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"a study's attribute from its arms", test_arms},
        {"an attribute read by name", test_by_name},
        {"each subgroup's arm under revman5", test_subgroups},
        {"an estimate row's own attribute", test_estimates},
        {NULL, NULL},
    };
    return meta_test_run_suite("study_attr", NULL, NULL, cases);
}
