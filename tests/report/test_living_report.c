/*
 * What lib/report says about living analyses, on data in memory: the JSON
 * "data" block, the request and result a run records, one-line results,
 * conclusion flips, the history in its three formats; and the shortest
 * round-trip numbers every JSON and CSV output uses, computed in integers,
 * against the %g-and-strtod loop they replace, digit for digit.
 */
#include "test_random.h"
#include "meta_decimal.h"
#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"

#include <gsl/gsl_errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Numbers -------------------------------------------------------------- */

/* The definition: the first of %.15g, %.16g, %.17g that reads back. */
static void reference(char *buf, size_t size, double v)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static uint64_t state = 88172645463325252u;

static uint64_t next(void)
{
    return test_random_next(&state);
}

static int same_as_reference(double v)
{
    char got[64], want[64];
    meta_shortest_double(got, sizeof got, v);
    reference(want, sizeof want, v);
    if (strcmp(got, want) != 0) {
        printf("\n    %.17g: got %s, want %s", v, got, want);
        return 0;
    }
    return 1;
}

static void test_numbers(void)
{
    /* Cases at the edges of the integer path: powers of ten and their
     * neighbours (the exponent of the result), ties at the 15th digit
     * (integers plus a half), mantissas at a power of two (the gap below
     * is half the gap above), the ends of the range, and every sign. */
    size_t bad = 0, n = 0;
    for (int e = -8; e <= 16; e++) {
        double p = pow(10, e);
        double cases[] = {p,       nextafter(p, 0),         nextafter(p, INFINITY), 1.5 * p,
                          9.5 * p, p * (1 + ldexp(1, -52)), p * (1 - ldexp(1, -53))};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            bad += !same_as_reference(cases[i]);
            bad += !same_as_reference(-cases[i]);
            n += 2;
        }
    }
    for (int e = -20; e <= 50; e++) {
        bad += !same_as_reference(ldexp(1, e));
        bad += !same_as_reference(ldexp(3, e) / 7);
        n += 2;
    }
    const double fixed[] = {0.0,
                            -0.0,
                            0.1,
                            1.0 / 3.0,
                            4.41,
                            -0.6910663267345696,
                            1e-5,
                            1e15,
                            123456789012345.5,
                            999999999999999.5,
                            0.5,
                            2.5,
                            1e-300,
                            1e300,
                            5e-324,
                            1.7976931348623157e308};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++, n++)
        bad += !same_as_reference(fixed[i]);
    /* Random bit patterns, random decimals of a few digits (data), random
     * values of 12 to 16 digits plus a half. */
    for (int i = 0; i < 300000; i++, n++) {
        uint64_t r = next();
        double v;
        switch (i % 3) {
        case 0:
            memcpy(&v, &r, sizeof v);
            break;
        case 1:
            v = (double)(r % 100000000) / pow(10, (double)(next() % 10));
            break;
        default:
            v = (double)(r % 1000000000000000u) + 0.5;
            break;
        }
        if (isfinite(v))
            bad += !same_as_reference(v);
    }
    /* A million more over every magnitude the integer path takes and
     * past both of its ends (1e-7 to 1e17), mantissas at random, with
     * integers and halves of them among them. */
    for (int i = 0; i < 1000000; i++, n++) {
        double v = ldexp((double)(next() >> 11), -53) * pow(10, (double)(int)(next() % 25) - 7);
        if (i % 7 == 0)
            v = floor(v * 1e6) / (i % 2 ? 1 : 2);
        bad += !same_as_reference(next() & 1 ? -v : v);
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (bad)
        printf("\n    %zu of %zu differ", bad, n);
    char b[40];
    meta_shortest_double(b, sizeof b, INFINITY);
    CU_ASSERT_STRING_EQUAL(b, "");
    meta_shortest_double(b, sizeof b, 0.1);
    CU_ASSERT_STRING_EQUAL(b, "0.1");
}

/* ---- An analysis in memory ------------------------------------------------ */

static struct meta_selection sel;
static struct meta_analysis_request req;
static struct meta_analysis an;

static int suite_init(void)
{
    gsl_set_error_handler_off();
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    struct meta_request_error e;
    meta_request_error_init(&e, NULL);
    if (test_selection(&sel, test_pain_arms, test_pain_count, 0, "pain", "24h") != 0 ||
        test_request(&req, "pain", "ketamine", "placebo", NULL) != META_OK ||
        meta_analysis_compute(&req, &sel, &an, &e) != META_OK)
        return -1;
    return 0;
}

static int suite_cleanup(void)
{
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    free(sel.arms);
    return 0;
}

static void test_data_block(void)
{
    /* Data held in memory: the fingerprint of its rows, no loads. */
    struct json_object *d = meta_report_data_json(&sel);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    char fp[META_FINGERPRINT_SIZE];
    CU_ASSERT_EQUAL(meta_selection_fingerprint(&sel, fp), META_OK);
    struct json_object *v;
    CU_ASSERT(json_object_object_get_ex(d, "fingerprint", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), fp);
    CU_ASSERT(json_object_object_get_ex(d, "loads", &v));
    CU_ASSERT_EQUAL(json_object_array_length(v), 0);
    json_object_put(d);
    /* With loads, each with its file, SHA-256 and time; the pool JSON ends
     * with the block. */
    struct meta_select_load loads[2] = {
        {1, "a.csv", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "2024-01-02T03:04:05.000006Z"},
        {7, "b \"x\".csv", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
         "2025-01-02T03:04:05.000006Z"}};
    sel.loads = loads;
    sel.n_loads = 2;
    struct json_object *root = meta_report_to_json(&an);
    sel.loads = NULL;
    sel.n_loads = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "data", &d));
    CU_ASSERT(json_object_object_get_ex(d, "loads", &v));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 2);
    struct json_object *l = json_object_array_get_idx(v, 1), *f;
    CU_ASSERT(json_object_object_get_ex(l, "file", &f));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(f), "b \"x\".csv");
    CU_ASSERT(json_object_object_get_ex(l, "loaded_at", &f));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(f), "2025-01-02T03:04:05.000006Z");
    json_object_put(root);
}

static void test_run_record(void)
{
    struct meta_run_result r;
    meta_report_run_result(&an, &r);
    CU_ASSERT_EQUAL(r.k, (long long)an.contrasts.k);
    CU_ASSERT_STRING_EQUAL(r.measure, "MD");
    CU_ASSERT_EQUAL(r.estimate, an.overall.estimate);
    CU_ASSERT_EQUAL(r.tau2, an.overall.tau2);
    CU_ASSERT_STRING_EQUAL(r.conclusion, an.overall.ci_upper < 0 ? "below" : "includes");
    char *opts = meta_report_options_json(&an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(opts);
    struct json_object *o = json_tokener_parse(opts), *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT(json_object_object_get_ex(o, "timepoint", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "24h");
    CU_ASSERT(json_object_object_get_ex(o, "method", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "REML");
    CU_ASSERT(json_object_object_get_ex(o, "treatment", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(v, 0)), "ketamine");
    json_object_put(o);
    free(opts);
}

static struct meta_run_result result(const char *measure, double est, double lo, double hi,
                                     long long k, const char *conclusion)
{
    struct meta_run_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.measure, sizeof r.measure, "%s", measure);
    /* the ratio measures of these tests; GIV says its scale itself */
    r.log_scale = strcmp(measure, "RR") == 0 || strcmp(measure, "HR") == 0;
    r.estimate = est;
    r.ci_lower = lo;
    r.ci_upper = hi;
    r.k = k;
    r.tau2 = r.I2 = r.p = NAN;
    snprintf(r.conclusion, sizeof r.conclusion, "%s", conclusion);
    return r;
}

static void test_brief_and_flips(void)
{
    char b[128];
    struct meta_run_result md = result("MD", -0.691, -0.9003, -0.4818, 10, "below");
    meta_report_run_brief(&md, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "MD -0.69 [-0.90, -0.48] k=10");
    struct meta_run_result rr = result("RR", log(4.79), log(3.15), log(7.30), 20, "above");
    meta_report_run_brief(&rr, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "RR 4.79 [3.15, 7.30] k=20");
    struct meta_run_result none = result("RR", NAN, NAN, NAN, 2, "none");
    meta_report_run_brief(&none, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "RR (not estimable) k=2");
    /* GIV is shown back-transformed when its rows are log ratios, and as
     * given otherwise: the scale travels with the result, not the name. */
    struct meta_run_result giv_log = result("GIV", log(0.5), log(0.25), log(1.1), 4, "includes");
    giv_log.log_scale = 1;
    meta_report_run_brief(&giv_log, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "GIV 0.50 [0.25, 1.10] k=4");
    struct meta_run_result giv = result("GIV", -0.3, -0.6, 0.05, 4, "includes");
    meta_report_run_brief(&giv, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "GIV -0.30 [-0.60, 0.05] k=4");

    struct meta_run_result in_neg = result("MD", -0.2, -0.5, 0.1, 8, "includes");
    struct meta_run_result in_pos = result("MD", 0.2, -0.1, 0.5, 9, "includes");
    struct meta_run_result above = result("MD", 0.4, 0.1, 0.7, 9, "above");
    CU_ASSERT_PTR_NULL(meta_report_flip(&md, &md));
    CU_ASSERT_STRING_EQUAL(meta_report_flip(&md, &in_neg), "the interval now includes no effect");
    CU_ASSERT_STRING_EQUAL(meta_report_flip(&in_pos, &above),
                           "the interval now excludes no effect");
    CU_ASSERT_STRING_EQUAL(meta_report_flip(&md, &above),
                           "the interval now lies on the other side of no effect");
    CU_ASSERT_STRING_EQUAL(meta_report_flip(&in_neg, &in_pos), "the estimate changed direction");
    CU_ASSERT_PTR_NULL(meta_report_flip(&none, &md));

    /* Subgroup totals only: said plainly, never a flip to or from it. */
    struct meta_run_result sub = result("OR", NAN, NAN, NAN, 7, "none");
    sub.totals_only = 1;
    sub.n_subgroups = 2;
    meta_report_run_brief(&sub, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "OR subgroup totals only k=7 (2 subgroups)");
    sub.n_subgroups = 1;
    meta_report_run_brief(&sub, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "OR subgroup totals only k=7 (1 subgroup)");
    sub.n_subgroups = 0; /* recorded before the count was */
    meta_report_run_brief(&sub, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "OR subgroup totals only k=7");
    CU_ASSERT_PTR_NULL(meta_report_flip(&sub, &md));
    CU_ASSERT_PTR_NULL(meta_report_flip(&md, &sub));
    CU_ASSERT_PTR_NULL(meta_report_flip(&sub, &sub));
    /* a totals-only result that still carries an interval is not compared */
    struct meta_run_result sub_ci = above;
    sub_ci.totals_only = 1;
    CU_ASSERT_PTR_NULL(meta_report_flip(&md, &sub_ci));
}

static void test_history(void)
{
    struct meta_select_load loads[2] = {
        {1, "base.csv", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "2024-01-02T03:04:05.000006Z"},
        {2, "new, trial.csv", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
         "2025-01-02T03:04:05.000006Z"}};
    int first_new[1] = {1}, second_new[2] = {0, 1};
    char sha[] = "5555555555555555555555555555555555555555555555555555555555555555";
    char fp[] = "6666666666666666666666666666666666666666666666666666666666666666";
    char at1[] = "2025-03-01T10:00:00.000001Z", at2[] = "2025-04-01T10:00:00.000001Z";
    char opts[] = "{\"outcome\": \"pain\"}";
    struct meta_history_run runs[2] = {
        {1, at1, sha, fp, opts, result("RR", log(4.79), log(3.15), log(7.30), 20, "above"), loads,
         1, first_new, 1},
        {5, at2, sha, fp, opts, result("RR", log(1.2), log(0.9), log(1.6), 21, "includes"), loads,
         2, second_new, 1},
    };
    struct meta_history h = {runs, 2};
    struct meta_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(meta_report_history(mem, META_REPORT_TABLE, "/a/x.ini", &h, &err), META_OK);
    fclose(mem);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "History of /a/x.ini: 2 runs, oldest first\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  1  2025-03-01 10:00:00  20  RR 4.79 [3.15, 7.30]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "above 1     base.csv\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "includes 1  new, trial.csv\n"));
    free(buf);
    mem = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(meta_report_history(mem, META_REPORT_CSV, "/a/x.ini", &h, &err), META_OK);
    fclose(mem);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, ",includes,2,\"new, trial.csv\",\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\n1,2025-03-01T10:00:00.000001Z,5555"));
    free(buf);
    mem = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(meta_report_history(mem, META_REPORT_JSON, "/a/x.ini", &h, &err), META_OK);
    fclose(mem);
    struct json_object *root = json_tokener_parse(buf), *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT(json_object_object_get_ex(root, "runs", &v));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 2);
    struct json_object *r2 = json_object_array_get_idx(v, 1), *x, *e;
    CU_ASSERT(json_object_object_get_ex(r2, "new_loads", &x));
    CU_ASSERT_EQUAL(json_object_array_length(x), 1);
    CU_ASSERT(json_object_object_get_ex(r2, "exp", &e));
    CU_ASSERT(json_object_object_get_ex(e, "estimate", &x));
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(x), 1.2, 1e-12);
    CU_ASSERT(json_object_object_get_ex(r2, "tau2", &x));
    CU_ASSERT_PTR_NULL(x);
    CU_ASSERT(json_object_object_get_ex(r2, "options", &x));
    CU_ASSERT(json_object_is_type(x, json_type_object));
    json_object_put(root);
    free(buf);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"numbers: integer path equals the %g loop", test_numbers},
        {"the JSON data block", test_data_block},
        {"what a run records", test_run_record},
        {"one-line results and conclusion flips", test_brief_and_flips},
        {"the history as table, csv and json", test_history},
        {NULL, NULL},
    };
    return meta_test_run_suite("living report", suite_init, suite_cleanup, cases);
}
