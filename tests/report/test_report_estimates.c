/*
 * lib/report on analyses with estimate rows (computed in memory): each
 * study's source, participants and reported row in JSON; the participants
 * in CSV's n or total columns; the table's mark, its side columns for an
 * outcome of estimates only and its log-scale line; forest rows without arm
 * columns showing the interval as reported; the funnel's points; exp for
 * hazard ratios and GIV on the log scale, none for GIV on the scale given.
 */
#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"

#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K META_SIDE_TREATMENT
#define P META_SIDE_CONTROL

struct fixture {
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
};

static int analyse(struct fixture *fx, const char *const *options, const struct test_arm *arms,
                   size_t n_arms, const struct test_estimate *rows, size_t n_rows, int binary,
                   enum meta_select_kind kind)
{
    struct meta_request_error e;
    memset(fx, 0, sizeof *fx);
    meta_request_error_init(&e, NULL);
    meta_analysis_init(&fx->an);
    if (test_request(&fx->req, "o", "drug", "placebo", options) != META_OK ||
        test_selection(&fx->sel, arms, n_arms, binary, "o", "") != 0 ||
        test_selection_estimates(&fx->sel, rows, n_rows, kind) != 0)
        return META_ENOMEM;
    int ret = meta_analysis_compute(&fx->req, &fx->sel, &fx->an, &e);
    if (ret != META_OK)
        printf("\n    %s", e.err.msg);
    return ret;
}

static void release(struct fixture *fx)
{
    meta_analysis_release(&fx->an);
    meta_analysis_request_release(&fx->req);
    free(fx->sel.arms);
    free(fx->sel.estimates);
}

static char *written(const struct meta_analysis *an, enum meta_report_format format)
{
    char *buf = NULL;
    size_t len = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return NULL;
    int ret = meta_report_write(mem, format, an, &err);
    fclose(mem);
    CU_ASSERT_EQUAL(ret, META_OK);
    return buf;
}

/* A binary outcome: two trials of arms, two of estimate rows (the second
 * stored the other way round, with its participants). */
static const struct test_arm bin_arms[] = {
    {1, "A", "drug", K, NAN, NAN, NAN, 10, 50, "2001", NULL},
    {1, "A", "placebo", P, NAN, NAN, NAN, 20, 50, "2001", NULL},
    {2, "B", "drug", K, NAN, NAN, NAN, 12, 40, "2002", NULL},
    {2, "B", "placebo", P, NAN, NAN, NAN, 15, 41, "2002", NULL},
};
static const struct test_estimate bin_rows[] = {
    {3, "C", "drug", "placebo", 0, "RR", 0, 0.61, 0.2, 0.40, 0.93, NAN, NAN, NAN, "2003", NULL},
    {4, "D", "placebo", "drug", 1, "RR", 0, 1.25, 0.22, 0.80, 1.95, 95, 60, 58, "2004", NULL},
};

static void test_json(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, bin_arms, 4, bin_rows, 2, 1, META_KIND_BINARY),
                          META_OK);
    struct json_object *root = meta_report_to_json(&fx.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    struct json_object *studies, *s, *v, *rep;
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "studies", &studies));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(studies), 4);
    s = json_object_array_get_idx(studies, 0);
    CU_ASSERT(json_object_object_get_ex(s, "source", &v) &&
              strcmp(json_object_get_string(v), "arms") == 0);
    CU_ASSERT(json_object_object_get_ex(s, "treatment_arm", &v));
    CU_ASSERT(!json_object_object_get_ex(s, "reported", &v));
    s = json_object_array_get_idx(studies, 2);
    CU_ASSERT(json_object_object_get_ex(s, "source", &v) &&
              strcmp(json_object_get_string(v), "estimate") == 0);
    CU_ASSERT(!json_object_object_get_ex(s, "treatment_arm", &v));
    CU_ASSERT(!json_object_object_get_ex(s, "n_treatment", &v));
    CU_ASSERT(json_object_object_get_ex(s, "yi", &v) && json_object_get_double(v) == log(0.61));
    s = json_object_array_get_idx(studies, 3);
    CU_ASSERT(json_object_object_get_ex(s, "n_treatment", &v) && json_object_get_int(v) == 58);
    CU_ASSERT(json_object_object_get_ex(s, "n_control", &v) && json_object_get_int(v) == 60);
    CU_ASSERT(json_object_object_get_ex(s, "yi", &v) &&
              json_object_get_double(v) == 0.0 - log(1.25));
    CU_ASSERT_FATAL(json_object_object_get_ex(s, "reported", &rep));
    const char *text = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
    CU_ASSERT_STRING_EQUAL(text, "{\"treatment\":\"placebo\",\"control\":\"drug\",\"measure\":"
                                 "\"RR\",\"estimate\":1.25,\"se\":0.22,\"ci_lower\":0.8,"
                                 "\"ci_upper\":1.95,\"level\":95}");
    CU_ASSERT(json_object_object_get_ex(root, "exp", &v) && v != NULL);
    json_object_put(root);
    release(&fx);
}

static void test_table_and_csv(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, bin_arms, 4, bin_rows, 2, 1, META_KIND_BINARY),
                          META_OK);
    char *table = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(table);
    /* D turned round: 0.80, its interval as reported [1/1.95, 1/0.80] */
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "\nD \xe2\x80\xa0   "));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(table, "    -     58       -     60  0.80  [0.51, 1.25]   31.9%\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(table, "\xe2\x80\xa0 study-level estimate as reported (no arm data)"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(table, "    -      -       -      -  0.61  [0.40, 0.93]   38.6%\n"));
    free(table);
    char *csv = written(&fx.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(csv, "\nstudy,,D,2004,,,,,,58,,,,,60,-0.22314355131420976,0.22,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nstudy,,C,2003,,,,,,,,,,,,-0.4942963218147801,0.2,"));
    free(csv);
    release(&fx);
}

static void test_plots(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, bin_arms, 4, bin_rows, 2, 1, META_KIND_BINARY),
                          META_OK);
    struct meta_plot_settings settings;
    memset(&settings, 0, sizeof settings);
    struct meta_forest *f = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_report_forest(&fx.an, &settings, &f, &err), META_OK);
    CU_ASSERT(f->log_scale);
    const struct meta_forest_study *a = &f->rows[0].study, *d = &f->rows[3].study;
    CU_ASSERT_EQUAL(a->treatment.kind, META_PLOT_ARM_BINARY);
    CU_ASSERT_EQUAL(a->treatment.events, 10);
    CU_ASSERT_EQUAL(d->treatment.kind, META_PLOT_ARM_NONE);
    CU_ASSERT_EQUAL(d->control.kind, META_PLOT_ARM_NONE);
    CU_ASSERT_EQUAL(d->estimate, 0.0 - log(1.25));
    CU_ASSERT_EQUAL(d->ci_lower, 0.0 - log(1.95)); /* as reported, turned round */
    CU_ASSERT_EQUAL(d->ci_upper, 0.0 - log(0.80));
    meta_forest_free(f);
    struct meta_funnel *fu = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_report_funnel(&fx.an, &settings, &fu, &err), META_OK);
    CU_ASSERT_EQUAL(fu->n_points, 4);
    meta_funnel_free(fu);
    release(&fx);
}

/* Hazard ratios, participants given for one trial. */
static const struct test_estimate hr_rows[] = {
    {1, "H1", "drug", "placebo", 0, "HR", 0, 0.8, 0.1, NAN, NAN, NAN, 100, 98, NULL, NULL},
    {2, "H2", "drug", "placebo", 0, "HR", 0, 0.7, 0.2, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
};

static void test_hazard_ratios(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, NULL, 0, hr_rows, 2, 0, META_KIND_TIME_TO_EVENT),
                          META_OK);
    char *table = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(table);
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Measure: HR, hazard ratio; random effects (REML)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "    N        N    HR"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "  100       98  0.80  [0.66, 0.97]   80.0%\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "\nLog scale: log HR = "));
    CU_ASSERT_PTR_NULL(strstr(table, "\xe2\x80\xa0"));
    free(table);
    struct json_object *root = meta_report_to_json(&fx.an), *v, *e;
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "exp", &e) && e != NULL);
    CU_ASSERT(json_object_object_get_ex(e, "estimate", &v) &&
              fabs(json_object_get_double(v) - exp(fx.an.overall.estimate)) < 1e-15);
    json_object_put(root);
    release(&fx);
    /* no participants given: no side columns at all */
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, NULL, 0, &hr_rows[1], 1, 0, META_KIND_TIME_TO_EVENT),
                          META_OK);
    table = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NULL(strstr(table, " N "));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "\nH2     "));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "  0.70  [0.47, 1.04]  100.0%\n"));
    free(table);
    release(&fx);
}

static void test_giv_scales(void)
{
    static const struct test_estimate log_rows[] = {
        {1, "G1", "drug", "placebo", 0, "GIV", 1, -0.3, 0.1, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
        {2, "G2", "drug", "placebo", 0, "GIV", 1, -0.1, 0.2, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    };
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, NULL, 0, log_rows, 2, 0, META_KIND_GENERIC), META_OK);
    struct json_object *root = meta_report_to_json(&fx.an), *v;
    CU_ASSERT(json_object_object_get_ex(root, "exp", &v) && v != NULL);
    CU_ASSERT(json_object_object_get_ex(root, "measure", &v) &&
              strcmp(json_object_get_string(v), "GIV") == 0);
    json_object_put(root);
    char *table = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        table, "Measure: GIV, generic inverse variance (log scale, shown back-transformed);"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "\nLog scale: GIV = "));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "  0.74  [0.61, 0.90]   80.0%\n")); /* exp(-0.3) */
    free(table);
    char *csv = written(&fx.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nstudy,,G1,,,,,,,,,,,,,-0.3,0.1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",0.7408182206817179,")); /* exp_estimate */
    free(csv);
    CU_ASSERT_DOUBLE_EQUAL(meta_report_display(&fx.an, -0.3), exp(-0.3), 0);
    release(&fx);
    /* on the scale given: shown as it is, exp null */
    static const struct test_estimate plain[] = {
        {1, "G1", "drug", "placebo", 0, "GIV", 0, -0.3, 0.1, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    };
    CU_ASSERT_EQUAL_FATAL(analyse(&fx, NULL, NULL, 0, plain, 1, 0, META_KIND_GENERIC), META_OK);
    root = meta_report_to_json(&fx.an);
    CU_ASSERT(json_object_object_get_ex(root, "exp", &v) && v == NULL);
    json_object_put(root);
    table = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "  -0.30  [-0.50, -0.10]  100.0%\n"));
    CU_ASSERT_PTR_NULL(strstr(table, "Log scale"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(table, "Measure: GIV, generic inverse variance (on the scale reported);"));
    free(table);
    CU_ASSERT_STRING_EQUAL(meta_measure_label(META_HR), "Hazard Ratio");
    release(&fx);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"json: source, participants, reported row", test_json},
        {"table and csv of arms and estimate rows", test_table_and_csv},
        {"forest rows and funnel points", test_plots},
        {"hazard ratios: columns, log scale, exp", test_hazard_ratios},
        {"GIV on the log scale and on the scale given", test_giv_scales},
        {NULL, NULL},
    };
    return meta_test_run_suite("report of estimates", NULL, NULL, cases);
}
