/*
 * lib/analysis on estimate rows and per-result attributes stored through the
 * importers' storage API (meta_loader_*) in a real PostgreSQL, read back by
 * meta_analysis_run: subgroups by a result's own attribute first (a Cochrane
 * subgroup that differs between two analyses of one review, RoB 2's
 * rob_overall), then the arm's; an estimate row in its subgroup; GIV rows on
 * the log scale, one stored the other way round, against metafor 3.8
 * (estimates_reference.R, "GIV").
 */
#include "arms.h"
#include "cunit_main.h"
#include "meta_load.h"
#include "test_db.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char conninfo[1024];
static struct meta_db *db;

static int suite_init(void)
{
    struct meta_error err;
    if (meta_test_db_create("meta_test_analysis_estimates", conninfo, sizeof conninfo) != 0)
        return -1;
    if (meta_db_open(conninfo, &db, &err) != META_OK) {
        fprintf(stderr, "cannot open the test database: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int suite_cleanup(void)
{
    meta_db_close(db);
    db = NULL;
    return 0;
}

static struct meta_record blank(enum meta_record_kind kind, const char *trial, const char *outcome)
{
    static long line;
    struct meta_record r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.trial = trial;
    r.outcome = outcome;
    r.n = r.mean = r.sd = r.events = r.total = NAN;
    r.estimate = r.se = r.ci_lower = r.ci_upper = r.level = NAN;
    r.n_treatment = r.n_control = NAN;
    r.source = "CD000002-data-rows.csv";
    r.line = ++line;
    return r;
}

/* One trial's two arms on outcome, with the arms' attributes (year, and a
 * `subgroup` of the arm) and the treatment arm's result attributes. */
static void arms(struct meta_loader *l, size_t src, const char *trial, const char *outcome,
                 double mean, const struct meta_record_attr *result, size_t n_result)
{
    static const struct meta_record_attr arm_attrs[] = {{"year", "2012"},
                                                        {"subgroup", "arm-level"}};
    struct meta_error err;
    struct meta_record r = blank(META_RECORD_CONTINUOUS, trial, outcome);
    r.arm = "k";
    r.treatment = "ketamine";
    r.n = 30;
    r.mean = mean;
    r.sd = 1.5;
    r.arm_attrs = arm_attrs;
    r.n_arm_attrs = 2;
    r.result_attrs = result;
    r.n_result_attrs = n_result;
    CU_ASSERT_EQUAL(meta_loader_add(l, src, &r, &err), META_OK);
    r = blank(META_RECORD_CONTINUOUS, trial, outcome);
    r.arm = "p";
    r.treatment = "placebo";
    r.n = 31;
    r.mean = 3.4;
    r.sd = 1.6;
    CU_ASSERT_EQUAL(meta_loader_add(l, src, &r, &err), META_OK);
}

static void estimate(struct meta_loader *l, size_t src, const char *trial, const char *outcome,
                     const char *treatment, const char *control, const char *measure, int log_scale,
                     double est, double se, const struct meta_record_attr *result, size_t n_result)
{
    struct meta_error err;
    struct meta_record r = blank(META_RECORD_ESTIMATE, trial, outcome);
    r.treatment = treatment;
    r.control = control;
    r.measure = measure;
    r.log_scale = log_scale;
    r.estimate = est;
    r.se = se;
    r.result_attrs = result;
    r.n_result_attrs = n_result;
    int ret = meta_loader_add(l, src, &r, &err);
    CU_ASSERT_EQUAL(ret, META_OK);
    if (ret != META_OK)
        fprintf(stderr, "\n  refused: %s\n", err.msg);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void load(void)
{
    static const char sha[] = "3333333333333333333333333333333333333333333333333333333333333333";
    static const struct meta_record_attr t1_a[] = {{"subgroup", "IV"}, {"rob_overall", "low"}};
    static const struct meta_record_attr t1_b[] = {{"subgroup", "oral"}};
    static const struct meta_record_attr t2_a[] = {{"subgroup", "oral"}, {"rob_overall", "high"}};
    static const struct meta_record_attr t4_a[] = {{"subgroup", "IV"},
                                                   {"rob_overall", "some concerns"}};
    struct meta_loader *l = NULL;
    struct meta_error err;
    size_t src;
    CU_ASSERT_EQUAL_FATAL(meta_loader_begin(db, &l, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_loader_source(l, "CD000002-data-rows.csv", sha, 0, &src, &err),
                          META_OK);
    /* Analysis 1.1: T1 intravenous, T2 oral, T3 without a subgroup of its
     * own (its arm's `subgroup` serves), T4 an estimate row. */
    const char *a11 = "CD000002 1.1 Pain", *a12 = "CD000002 1.2 Pain, other grouping";
    arms(l, src, "T1", a11, 2.1, t1_a, N(t1_a));
    arms(l, src, "T2", a11, 2.8, t2_a, N(t2_a));
    arms(l, src, "T3", a11, 2.5, NULL, 0);
    estimate(l, src, "T4", a11, "ketamine", "placebo", "MD", 0, -1.0, 0.4, t4_a, N(t4_a));
    /* Analysis 1.2: the same arms, T1 now in the oral subgroup. */
    arms(l, src, "T1", a12, 2.1, t1_b, N(t1_b));
    arms(l, src, "T2", a12, 2.8, t2_a, N(t2_a));
    /* GIV on the log scale (Nielweise 2008), Hanna 2004 the other way round. */
    static const struct {
        const char *trial;
        int swap;
        double yi, se;
    } giv[] = {
        {"Bong 2003", 0, -0.060506257609632463, 0.48349377841522817},
        {"Ciresi 1996", 0, -0.090882496477172836, 0.5},
        {"Hanna 2004", 1, 1.6319164444443084, 0.63620901028035182},
        {"Harter 2002", 0, -0.53254414772063363, 0.5163977794943222},
        {"Jaeger 2001", 0, 0.26651364801430244, 1.4142135623730951},
    };
    for (size_t i = 0; i < N(giv); i++)
        estimate(l, src, giv[i].trial, "CD000002 2.1 Infections (rate ratio)",
                 giv[i].swap ? "standard" : "coated", giv[i].swap ? "coated" : "standard", "GIV", 1,
                 giv[i].yi, giv[i].se, NULL, 0);
    struct meta_load_report rep;
    meta_load_report_init(&rep);
    int ret = meta_loader_finish(l, &rep, &err);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s (%zu problems)\n", err.msg, rep.errors.count);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    meta_load_report_release(&rep);
    meta_loader_free(l);
}

/* The trials of subgroup g, joined by ",". */
static void members(const struct meta_analysis *an, size_t g, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    const struct meta_contrasts *c = &an->groups[g].contrasts;
    for (size_t i = 0; i < c->k && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? "," : "", c->info[i].trial);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int run(struct meta_analysis_request *req, struct meta_analysis *an, const char *outcome,
               const char *treatment, const char *control, const char *by)
{
    struct meta_request_error e;
    meta_request_error_init(&e, NULL);
    meta_analysis_init(an);
    const char *const opts[] = {"by", by, NULL};
    int ret = test_request(req, outcome, treatment, control, by ? opts : NULL);
    if (ret == META_OK)
        ret = meta_analysis_run(db, req, an, &e);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n", e.err.msg);
    return ret;
}

static void expect_groups(const struct meta_analysis *an, const char *const *values,
                          const char *const *trials, size_t count)
{
    char buf[256];
    CU_ASSERT_EQUAL_FATAL(an->n_groups, count);
    for (size_t g = 0; g < count; g++) {
        if (values[g]) {
            CU_ASSERT_STRING_EQUAL(an->groups[g].value ? an->groups[g].value : "(null)", values[g]);
        } else {
            CU_ASSERT_PTR_NULL(an->groups[g].value);
        }
        members(an, g, buf, sizeof buf);
        if (strcmp(buf, trials[g]) != 0)
            printf("\n    subgroup %zu: %s, expected %s", g, buf, trials[g]);
        CU_ASSERT_STRING_EQUAL(buf, trials[g]);
    }
}

static void test_result_attributes_first(void)
{
    load();
    struct meta_analysis_request req;
    struct meta_analysis an;
    /* the result's subgroup, else the arm's; the estimate row's own */
    CU_ASSERT_EQUAL_FATAL(run(&req, &an, "CD000002 1.1 Pain", "ketamine", "placebo", "subgroup"),
                          META_OK);
    static const char *const v11[] = {"IV", "arm-level", "oral"};
    static const char *const t11[] = {"T1,T4", "T3", "T2"};
    expect_groups(&an, v11, t11, 3);
    CU_ASSERT_EQUAL(an.contrasts.info[3].source, META_SOURCE_ESTIMATE);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    /* the same arms in another analysis: T1 in another subgroup */
    CU_ASSERT_EQUAL_FATAL(
        run(&req, &an, "CD000002 1.2 Pain, other grouping", "ketamine", "placebo", "subgroup"),
        META_OK);
    static const char *const v12[] = {"oral"};
    static const char *const t12[] = {"T1,T2"};
    expect_groups(&an, v12, t12, 1);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    /* RoB 2's overall judgement of each result */
    CU_ASSERT_EQUAL_FATAL(run(&req, &an, "CD000002 1.1 Pain", "ketamine", "placebo", "rob_overall"),
                          META_OK);
    static const char *const vr[] = {"high", "low", "some concerns", NULL};
    static const char *const tr[] = {"T2", "T1", "T4", "T3"};
    expect_groups(&an, vr, tr, 4);
    CU_ASSERT(an.have_test);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
}

static void test_giv_from_the_registry(void)
{
    struct meta_analysis_request req;
    struct meta_analysis an;
    CU_ASSERT_EQUAL_FATAL(
        run(&req, &an, "CD000002 2.1 Infections (rate ratio)", "coated", "standard", NULL),
        META_OK);
    CU_ASSERT_EQUAL(an.opts.measure, META_GIV);
    CU_ASSERT_EQUAL(an.kind, META_KIND_GENERIC);
    CU_ASSERT_EQUAL(an.log_scale, 1);
    CU_ASSERT_EQUAL_FATAL(an.contrasts.k, 5);
    CU_ASSERT(an.contrasts.info[2].estimate->swapped);
    /* estimates_reference.R, "giv" */
    TEST_CLOSE(-0.4498614888935043, an.overall.estimate);
    TEST_CLOSE(0.29214065467731481, an.overall.se);
    TEST_CLOSE(0.077794850857299508, an.overall.tau2);
    TEST_CLOSE(4.8947323963828024, an.overall.Q);
    TEST_CLOSE(17.686243353028214, an.overall.studies[2].weight);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"subgroups by the result's attribute, then the arm's", test_result_attributes_first},
        {"GIV on the log scale from the registry", test_giv_from_the_registry},
        {NULL, NULL},
    };
    return meta_test_run_suite("estimates in the registry", suite_init, suite_cleanup, cases);
}
