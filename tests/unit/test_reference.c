/*
 * Checks lib/stats against every case of tests/data/reference.json (metafor
 * 3.8-1 on the BCG, Normand 1999 and Haeuser 2009 data): every reported
 * field and every study's yi, vi and weight. The arm data are read from the
 * CSV fixtures and multi-arm sides combined with meta_arm_cont_combine().
 *
 * Tolerance rule: |got - expected| <= 1e-6 |expected|, or |got| <= 1e-10
 * when the expected value is exactly 0. A field the reference leaves out or
 * sets to null must be NAN here (null in the output), except study weights
 * under MH/Peto, which metafor does not give: those must sum to 100.
 * One reference value is replaced by its converged value (see tests/common/reference_rule.c).
 */
#include "cunit_main.h"
#include "meta_stats.h"
#include "reference_rule.h"
#include "test_csv.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define REL_TOL      META_REF_REL_TOL
#define ABS_TOL_ZERO META_REF_ZERO_TOL

static json_object *reference;
static size_t current_case;
static size_t fields_checked;
static double max_rel_err;
static char max_rel_where[256];

static int suite_init(void)
{
    reference = json_object_from_file(META_TEST_DATA_DIR "/reference.json");
    return reference && json_object_is_type(reference, json_type_array) ? 0 : 1;
}

static int suite_clean(void)
{
    printf("\n  reference fields checked: %zu, max relative error %.3g (%s)\n", fields_checked,
           max_rel_err, max_rel_where);
    json_object_put(reference);
    return 0;
}

static const char *str_field(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* Compares got with the reference number (or null/absence => NAN). */
static void check_value(const char *where, const char *field, double got, json_object *expected)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s: %s", where, field);
    if (!expected || json_object_is_type(expected, json_type_null)) {
        if (!isnan(got))
            printf("\n    %s: expected null, got %.15g", buf, got);
        CU_ASSERT(isnan(got));
        return;
    }
    double exp = json_object_get_double(expected);
    fields_checked++;
    if (exp == 0.0) {
        if (!(fabs(got) <= ABS_TOL_ZERO))
            printf("\n    %s: expected 0, got %.15g", buf, got);
        CU_ASSERT(fabs(got) <= ABS_TOL_ZERO);
        return;
    }
    double rel = fabs(got - exp) / fabs(exp);
    if (!(rel <= REL_TOL))
        printf("\n    %s: expected %.15g, got %.15g (rel %.3g)", buf, exp, got, rel);
    CU_ASSERT(rel <= REL_TOL);
    if (rel > max_rel_err || isnan(rel)) {
        max_rel_err = rel;
        snprintf(max_rel_where, sizeof max_rel_where, "%s", buf);
    }
}

static void check_field(const char *where, json_object *exp, const char *key, double got)
{
    json_object *v = NULL;
    json_object_object_get_ex(exp, key, &v);
    if (v && !json_object_is_type(v, json_type_null)) {
        int corrected = 0, stored_ok = 1;
        double want =
            meta_ref_expected(current_case, key, json_object_get_double(v), &corrected, &stored_ok);
        if (corrected) {
            CU_ASSERT(stored_ok);
            json_object *fixed = json_object_new_double(want);
            check_value(where, key, got, fixed);
            json_object_put(fixed);
            return;
        }
    }
    check_value(where, key, got, v);
}

static int parse_case(json_object *c, struct meta_options *opts)
{
    meta_options_init(opts);
    if (meta_measure_parse(str_field(c, "measure"), &opts->measure) != META_OK ||
        meta_model_parse(str_field(c, "model"), &opts->model) != META_OK ||
        meta_method_parse(str_field(c, "method"), &opts->method) != META_OK ||
        meta_ci_parse(str_field(c, "ci"), &opts->ci) != META_OK)
        return -1;
    return 0;
}

static void check_case(size_t index)
{
    json_object *c = json_object_array_get_idx(reference, index), *exp, *jstudies;
    struct meta_options opts;
    struct test_studies ts;
    struct meta_result res;
    struct meta_error err = {""};
    char where[256], path[1024];

    CU_ASSERT_FATAL(c != NULL);
    CU_ASSERT_FATAL(parse_case(c, &opts) == 0);
    current_case = index;
    snprintf(where, sizeof where, "case %zu %s %s %s %s %s", index, str_field(c, "dataset"),
             str_field(c, "measure"), str_field(c, "model"), str_field(c, "method"),
             str_field(c, "ci"));
    snprintf(path, sizeof path, "%s/%s", META_TEST_DATA_DIR, str_field(c, "file"));
    CU_ASSERT_FATAL(test_studies_load(path, str_field(c, "outcome"), str_field(c, "timepoint"),
                                      str_field(c, "treatment"), str_field(c, "control"), NULL,
                                      &ts) == 0);
    CU_ASSERT_FATAL(json_object_object_get_ex(c, "expected", &exp));

    int ret = meta_pool(ts.studies, ts.k, &opts, &res, &err);
    if (ret != META_OK)
        printf("\n    %s: meta_pool failed: %s", where, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);

    json_object *jk;
    CU_ASSERT_FATAL(json_object_object_get_ex(exp, "k", &jk));
    CU_ASSERT_EQUAL(res.k, (size_t)json_object_get_int(jk));
    fields_checked++;
    json_object *jqdf;
    CU_ASSERT_FATAL(json_object_object_get_ex(exp, "Q_df", &jqdf));
    CU_ASSERT_EQUAL(res.Q_df, json_object_get_int(jqdf));
    fields_checked++;

    static const char *const names[] = {
        "estimate", "se",   "ci_lower",      "ci_upper",      "statistic", "df",
        "p",        "tau2", "tau2_ci_lower", "tau2_ci_upper", "tau",       "I2",
        "H2",       "Q",    "Q_p",           "pi_lower",      "pi_upper"};
    const double got[] = {
        res.estimate, res.se,   res.ci_lower,      res.ci_upper,      res.statistic, res.df,
        res.p,        res.tau2, res.tau2_ci_lower, res.tau2_ci_upper, res.tau,       res.I2,
        res.H2,       res.Q,    res.Q_p,           res.pi_lower,      res.pi_upper};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        if (strcmp(names[f], "tau") == 0) {
            /* the reference has no tau: it must be sqrt(tau2) or null with it */
            json_object *t2 = NULL;
            if (json_object_object_get_ex(exp, "tau2", &t2)) {
                CU_ASSERT(fabs(res.tau - sqrt(json_object_get_double(t2))) <=
                          REL_TOL * fmax(res.tau, 1e-300) + ABS_TOL_ZERO);
            } else {
                CU_ASSERT(isnan(res.tau));
            }
            continue;
        }
        check_field(where, exp, names[f], got[f]);
    }
    CU_ASSERT(res.converged == 1);

    CU_ASSERT_FATAL(json_object_object_get_ex(exp, "studies", &jstudies));
    size_t nref = json_object_array_length(jstudies);
    CU_ASSERT_EQUAL(nref, ts.k);
    double wsum = 0.0;
    for (size_t i = 0; i < ts.k; i++)
        wsum += res.studies[i].weight;
    CU_ASSERT(fabs(wsum - 100.0) <= 1e-9);
    for (size_t j = 0; j < nref; j++) {
        json_object *js = json_object_array_get_idx(jstudies, j), *jy, *jv, *jw;
        const char *trial = str_field(js, "trial");
        size_t i;
        for (i = 0; i < ts.k; i++)
            if (strcmp(ts.studies[i].label, trial) == 0)
                break;
        if (i == ts.k)
            printf("\n    %s: study '%s' not found", where, trial);
        CU_ASSERT_FATAL(i < ts.k);
        char sw[512];
        snprintf(sw, sizeof sw, "%s: study '%s'", where, trial);
        json_object_object_get_ex(js, "yi", &jy);
        json_object_object_get_ex(js, "vi", &jv);
        json_object_object_get_ex(js, "weight", &jw);
        check_value(sw, "yi", res.studies[i].yi, jy);
        check_value(sw, "vi", res.studies[i].vi, jv);
        if (jw && !json_object_is_type(jw, json_type_null)) {
            check_value(sw, "weight", res.studies[i].weight, jw);
        } else {
            CU_ASSERT(isfinite(res.studies[i].weight) && res.studies[i].weight >= 0.0);
        }
    }
    meta_result_release(&res);
    test_studies_free(&ts);
}

static void test_all_cases(void)
{
    size_t n = json_object_array_length(reference);
    CU_ASSERT_EQUAL(n, 72);
    for (size_t i = 0; i < n; i++)
        check_case(i);
}

int main(void)
{
    static const struct meta_test_case cases[] = {{"metafor reference cases", test_all_cases},
                                                  {NULL, NULL}};
    return meta_test_run_suite("reference", suite_init, suite_clean, cases);
}
