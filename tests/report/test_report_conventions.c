/*
 * Tests of lib/report under the revman5 and r-meta conventions, on results
 * computed in memory: the JSON names the convention and lists a trial that
 * is not estimable with null numbers and weight 0, k is what the convention
 * counts, the table and the forest plot name the convention, a subgroup's
 * trials show their share of the total, and a subgroup without an estimate
 * has no diamond. The numbers themselves are checked in tests/analysis.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"

#define CLOSE TEST_CLOSE
#define K     META_SIDE_TREATMENT
#define P     META_SIDE_CONTROL

/* One analysis of arms in memory and everything it borrows. */
struct run {
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
};

static int run_on(struct run *r, const struct test_arm *arms, size_t count, int binary,
                  const char *treatment, const char *const *options)
{
    struct meta_request_error e;
    meta_analysis_init(&r->an);
    meta_request_error_init(&e, NULL);
    int ret = test_request(&r->req, "outcome", treatment, "placebo", options);
    if (ret == META_OK && test_selection(&r->sel, arms, count, binary, "outcome", "") != 0)
        ret = META_ENOMEM;
    if (ret == META_OK)
        ret = meta_analysis_compute(&r->req, &r->sel, &r->an, &e);
    if (ret != META_OK)
        printf("\n    %s", e.err.msg);
    return ret;
}

static void run_release(struct run *r)
{
    meta_analysis_release(&r->an);
    meta_analysis_request_release(&r->req);
    free(r->sel.arms);
}

/* The output of one writer as a string (caller frees). */
/* Not inlined: GCC 12 at -O3 takes the returned buffer for a pointer to the
 * local that open_memstream was given (-Wdangling-pointer, a false alarm). */
__attribute__((noinline)) static char *text_of(const struct meta_analysis *an,
                                               enum meta_report_format format)
{
    char *text = NULL;
    size_t size = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&text, &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    CU_ASSERT_EQUAL(meta_report_write(mem, format, an, &err), META_OK);
    fclose(mem);
    return text;
}

static struct json_object *field(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int is_null(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v == NULL;
}

/* The line of text that starts with `start` (after a line break), or "". */
static void line_of(const char *text, const char *start, char *buf, size_t size)
{
    char key[128];
    snprintf(key, sizeof key, "\n%s", start);
    const char *at = strstr(text, key);
    buf[0] = '\0';
    if (!at)
        return;
    at++;
    size_t len = strcspn(at, "\n");
    snprintf(buf, size, "%.*s", (int)len, at);
}

/* The forest description of an (caller frees). */
static struct meta_forest *forest_of(const struct meta_analysis *an)
{
    struct meta_forest *f = NULL;
    struct meta_plot_settings settings = {0};
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_report_forest(an, &settings, &f, &err), META_OK);
    return f;
}

/* revman5, MH OR on the zero-cell example: S3 is not estimable. */
static void test_not_estimable(void)
{
    static const char *const opts[] = {"convention", "revman5", "measure", "OR",
                                       "method",     "MH",      NULL};
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_on(&r, test_zero_cell_arms, test_zero_cell_count, 1, "drug", opts),
                          META_OK);
    struct json_object *root = meta_report_to_json(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(root, "convention")), "revman5");
    CU_ASSERT_EQUAL(json_object_get_int(field(root, "k")), 5);
    CU_ASSERT_EQUAL(json_object_get_int(field(root, "Q_df")), 3);
    struct json_object *s3 = json_object_array_get_idx(field(root, "studies"), 2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(s3, "trial")), "S3");
    CU_ASSERT(is_null(s3, "yi") && is_null(s3, "vi"));
    CU_ASSERT(is_null(s3, "ci_lower") && is_null(s3, "ci_upper"));
    CU_ASSERT_EQUAL(json_object_get_double(field(s3, "weight")), 0.0);
    CU_ASSERT_EQUAL(json_object_get_int(field(field(s3, "treatment_arm"), "total")), 20);
    CU_ASSERT_PTR_NULL(field(s3, "subgroup"));
    json_object_put(root);

    char *table = text_of(&r.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Measure: OR, odds ratio; common effect (MH); 95% CI (z); "
                                         "convention revman5 (RevMan 5 and RevMan Web)"));
    char line[256];
    line_of(table, "S3 ", line, sizeof line);
    CU_ASSERT_PTR_NOT_NULL(strstr(line, "not estimable"));
    CU_ASSERT_PTR_NOT_NULL(strstr(line, "0.0%"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Total, common effect (k = 5)"));
    free(table);

    struct meta_forest *f = forest_of(&r.an);
    struct meta_funnel *fun = NULL;
    struct meta_plot_settings settings = {0};
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(f->rows[2].kind, META_FOREST_STUDY);
    CU_ASSERT_STRING_EQUAL(f->rows[2].label, "S3");
    CU_ASSERT(isnan(f->rows[2].study.estimate) && isnan(f->rows[2].study.weight));
    CLOSE(r.an.overall.studies[0].weight, f->rows[0].study.weight);
    CU_ASSERT_STRING_EQUAL(f->method, "MH");
    CU_ASSERT_EQUAL_FATAL(f->n_footer, 1);
    CU_ASSERT_STRING_EQUAL(f->footer[0], "Convention: revman5 (RevMan 5 and RevMan Web)");
    meta_forest_free(f);
    CU_ASSERT_EQUAL_FATAL(meta_report_funnel(&r.an, &settings, &fun, &err), META_OK);
    CU_ASSERT_EQUAL(fun->n_points, 4); /* S3 has no point */
    meta_funnel_free(fun);
    run_release(&r);
}

/* r-meta's default binary analysis: k counts the estimable trials, the
 * methods line says how tau^2 was found, no tau^2 interval is printed. */
static void test_rmeta(void)
{
    static const char *const opts[] = {"convention", "r-meta", NULL};
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_on(&r, test_zero_cell_arms, test_zero_cell_count, 1, "drug", opts),
                          META_OK);
    struct json_object *root = meta_report_to_json(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(root, "convention")), "r-meta");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(root, "method")), "MH");
    CU_ASSERT_EQUAL(json_object_get_int(field(root, "k")), 4);
    CU_ASSERT_EQUAL(json_object_array_length(field(root, "studies")), 5);
    CU_ASSERT(is_null(root, "tau2_ci_lower"));
    CU_ASSERT(!is_null(root, "pi_lower"));
    json_object_put(root);
    char *table = text_of(&r.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "random effects (MH, DL tau^2 around the MH estimate)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "convention r-meta (R meta 8.x)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Total, random effects (k = 4)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Heterogeneity: tau^2 = 0.2214; tau = "));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Prediction interval"));
    free(table);
    char *csv = text_of(&r.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\npooled,,,,4,"));
    free(csv);
    struct meta_forest *f = forest_of(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(f->n_footer, 1);
    CU_ASSERT_STRING_EQUAL(f->footer[0], "Convention: r-meta (R meta 8.x); tau^2 by "
                                         "DerSimonian-Laird around the MH estimate");
    meta_forest_free(f);
    run_release(&r);

    /* metafor, the default, is named in the JSON only */
    CU_ASSERT_EQUAL_FATAL(run_on(&r, test_zero_cell_arms, test_zero_cell_count, 1, "drug", NULL),
                          META_OK);
    root = meta_report_to_json(&r.an);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(root, "convention")), "metafor");
    CU_ASSERT_EQUAL(json_object_get_int(field(root, "k")), 5);
    json_object_put(root);
    table = text_of(&r.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NULL(strstr(table, "convention"));
    free(table);
    run_release(&r);
}

/* revman5 by dose: T2's two doses are two entries of the total; beside each
 * trial its share of the total, beside each subtotal the sum of them. */
static void test_subgroups(void)
{
    static const char *const opts[] = {"convention", "revman5", "by", "dose", NULL};
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_on(&r, test_pain_arms, test_pain_count, 0, "ketamine", opts),
                          META_OK);
    const struct meta_result *o = &r.an.overall;
    struct json_object *root = meta_report_to_json(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    struct json_object *studies = field(root, "studies");
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(studies), 5);
    static const char *const trial[] = {"T2", "T6", "T1", "T2", "T3"};
    static const char *const dose[] = {"0.15", "0.15", "0.5", "0.5", NULL};
    for (size_t i = 0; i < 5; i++) {
        struct json_object *s = json_object_array_get_idx(studies, i);
        CU_ASSERT_STRING_EQUAL(json_object_get_string(field(s, "trial")), trial[i]);
        if (dose[i]) {
            CU_ASSERT_STRING_EQUAL(json_object_get_string(field(s, "subgroup")), dose[i]);
        } else {
            CU_ASSERT(is_null(s, "subgroup"));
        }
        CLOSE(o->studies[i].weight, json_object_get_double(field(s, "weight")));
    }
    struct json_object *test = field(root, "subgroup_test");
    CLOSE(r.an.test.I2, json_object_get_double(field(test, "I2")));
    /* within a subgroup's own list, its own weights */
    struct json_object *g0 = json_object_array_get_idx(field(root, "subgroups"), 0);
    struct json_object *g0s = json_object_array_get_idx(field(g0, "studies"), 0);
    CLOSE(r.an.groups[0].result.studies[0].weight, json_object_get_double(field(g0s, "weight")));
    json_object_put(root);

    char *table = text_of(&r.an, META_REPORT_TABLE);
    char want[128];
    snprintf(want, sizeof want, "%.1f%%", o->studies[0].weight);
    char line[256];
    line_of(table, "T2 ", line, sizeof line);
    CU_ASSERT_PTR_NOT_NULL(strstr(line, want));
    snprintf(want, sizeof want, "%.1f%%", o->studies[0].weight + o->studies[1].weight);
    line_of(table, "Subtotal (k = 2)", line, sizeof line);
    CU_ASSERT_PTR_NOT_NULL(strstr(line, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "Test for subgroup differences: Q = 3.47, df = 2, "
                                         "p = 0.1761; I^2 = 42.4%"));
    free(table);

    struct meta_forest *f = forest_of(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(f->rows[0].kind, META_FOREST_SECTION);
    CLOSE(o->studies[0].weight, f->rows[1].study.weight);
    CU_ASSERT_EQUAL_FATAL(f->rows[3].kind, META_FOREST_SUBTOTAL);
    CLOSE(o->studies[0].weight + o->studies[1].weight, f->rows[3].summary.weight);
    meta_forest_free(f);
    run_release(&r);
}

/* A subgroup whose only trial has no events: listed, no diamond, null
 * numbers in the JSON, "Not estimable" in the table. */
static void test_subgroup_not_estimable(void)
{
    static const char *const opts[] = {"convention", "revman5", "by", "class", NULL};
    struct run r;
    CU_ASSERT_EQUAL_FATAL(
        run_on(&r, test_subgroup_zero_arms, test_subgroup_zero_count, 1, "drug", opts), META_OK);
    struct json_object *root = meta_report_to_json(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    struct json_object *a = json_object_array_get_idx(field(root, "subgroups"), 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(field(a, "value")), "a");
    CU_ASSERT_EQUAL(json_object_get_int(field(a, "k")), 1);
    CU_ASSERT(is_null(a, "estimate") && is_null(a, "Q_df") && is_null(a, "exp"));
    CU_ASSERT_EQUAL(json_object_array_length(field(a, "studies")), 1);
    /* the test is between the subgroups with an estimate: b and c */
    CU_ASSERT_EQUAL(json_object_get_int(field(field(root, "subgroup_test"), "df")), 1);
    json_object_put(root);
    char *table = text_of(&r.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(table, "  Not estimable: no trial has an estimate"));
    free(table);
    struct meta_forest *f = forest_of(&r.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* a: heading, A1; b: heading, B1, B2, subtotal; c: heading, C1, subtotal; total */
    CU_ASSERT_EQUAL_FATAL(f->n_rows, 10);
    CU_ASSERT_EQUAL(f->rows[1].kind, META_FOREST_STUDY);
    CU_ASSERT(isnan(f->rows[1].study.estimate));
    CU_ASSERT_EQUAL(f->rows[2].kind, META_FOREST_SECTION);
    CU_ASSERT_EQUAL(f->rows[5].kind, META_FOREST_SUBTOTAL);
    meta_forest_free(f);
    run_release(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"revman5: a trial that is not estimable in every output", test_not_estimable},
        {"r-meta: k, the methods line, no tau^2 interval", test_rmeta},
        {"revman5 subgroups: shares of the total", test_subgroups},
        {"a subgroup without an estimate", test_subgroup_not_estimable},
        {NULL, NULL},
    };
    return meta_test_run_suite("report_conventions", NULL, NULL, cases);
}
