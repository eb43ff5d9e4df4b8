/*
 * `meta pool` end to end against metafor: loads the datasets of tests/data
 * with `meta load`, runs every case of reference.json through
 * `meta pool --format json` and compares every field and every study's yi,
 * vi and weight to 1e-6 relative (1e-10 absolute where metafor gives 0).
 * Also the multi-arm trials of the fibromyalgia data, subgroups by `class`,
 * leave-one-out and cumulative, checked against separate runs of the binary.
 */
#include "cunit_main.h"
#include "reference_rule.h"
#include "test_db.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_TOL META_REF_REL_TOL
#define ABS_TOL META_REF_ZERO_TOL

static char conninfo[1024];
static int loaded;

/* ---- Running the binary ---------------------------------------------------- */

/* Runs `meta pool --db CONNINFO --format json ARGS...` and parses stdout. */
static struct json_object *pool_json(const char *const *args)
{
    const char *full[48] = {"pool", "--db", conninfo, "--format", "json"};
    size_t n = 5;
    for (; *args && n < 47; args++)
        full[n++] = *args;
    full[n] = NULL;
    char *out = NULL;
    int status = meta_test_run(full, &out);
    struct json_object *obj = status == 0 && out ? json_tokener_parse(out) : NULL;
    if (!obj)
        fprintf(stderr, "meta pool exited %d; output: %.500s\n", status, out ? out : "");
    free(out);
    return obj;
}

static int suite_init(void)
{
    if (meta_test_db_create("meta_test_pool_reference", conninfo, sizeof conninfo) != 0)
        return -1;
    const char *args[] = {"load",
                          "--db",
                          conninfo,
                          META_TEST_DATA_DIR "/bcg.csv",
                          META_TEST_DATA_DIR "/normand1999.csv",
                          META_TEST_DATA_DIR "/haeuser2009_fibromyalgia.csv",
                          NULL};
    char *out = NULL;
    int status = meta_test_run(args, &out);
    free(out);
    if (status != 0) {
        fprintf(stderr, "meta load exited %d\n", status);
        return -1;
    }
    loaded = 1;
    return 0;
}

/* ---- Comparing numbers ------------------------------------------------------ */

static size_t fields_compared;
static double max_rel_error;

/* Compares got with expected (a number or null); returns 1 when they agree. */
static int agree(const char *what, struct json_object *expected, struct json_object *got)
{
    fields_compared++;
    if (!expected || json_object_get_type(expected) == json_type_null) {
        if (got && json_object_get_type(got) != json_type_null) {
            fprintf(stderr, "%s: expected null, got %s\n", what, json_object_to_json_string(got));
            return 0;
        }
        return 1;
    }
    if (!got || (json_object_get_type(got) != json_type_double &&
                 json_object_get_type(got) != json_type_int)) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, json_object_to_json_string(expected),
                got ? json_object_to_json_string(got) : "nothing");
        return 0;
    }
    double e = json_object_get_double(expected), g = json_object_get_double(got);
    if (e == 0.0) {
        if (fabs(g) > ABS_TOL) {
            fprintf(stderr, "%s: expected 0, got %.17g\n", what, g);
            return 0;
        }
        return 1;
    }
    double rel = fabs(g - e) / fabs(e);
    if (rel > max_rel_error)
        max_rel_error = rel;
    if (!(rel <= REL_TOL)) {
        fprintf(stderr, "%s: expected %.17g, got %.17g (relative error %.3g)\n", what, e, g, rel);
        return 0;
    }
    return 1;
}

static struct json_object *get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    return obj && json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

static struct json_object *study_named(struct json_object *studies, const char *trial)
{
    size_t n = studies ? json_object_array_length(studies) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(studies, i);
        if (strcmp(json_object_get_string(get(s, "trial")), trial) == 0)
            return s;
    }
    return NULL;
}

/* ---- reference.json ---------------------------------------------------------- */

static void run_case(struct json_object *c, size_t index)
{
    static const char *const opt[] = {"outcome", "treatment", "control", "measure",
                                      "model",   "method",    "ci"};
    static const char *const flag[] = {"--outcome", "--treatment", "--control", "--measure",
                                       "--model",   "--method",    "--ci"};
    const char *args[24];
    size_t n = 0;
    for (size_t i = 0; i < sizeof opt / sizeof *opt; i++) {
        args[n++] = flag[i];
        args[n++] = json_object_get_string(get(c, opt[i]));
    }
    if (get(c, "timepoint")) {
        args[n++] = "--timepoint";
        args[n++] = json_object_get_string(get(c, "timepoint"));
    }
    args[n] = NULL;
    char label[256];
    snprintf(label, sizeof label, "case %zu (%s %s %s %s %s)", index,
             json_object_get_string(get(c, "dataset")), json_object_get_string(get(c, "measure")),
             json_object_get_string(get(c, "model")), json_object_get_string(get(c, "method")),
             json_object_get_string(get(c, "ci")));
    struct json_object *got = pool_json(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    struct json_object *expected = get(c, "expected");
    json_object_object_foreach(expected, key, value)
    {
        if (strcmp(key, "studies") == 0)
            continue;
        char what[512];
        snprintf(what, sizeof what, "%s: %s", label, key);
        struct json_object *g = NULL;
        CU_ASSERT_TRUE(json_object_object_get_ex(got, key, &g));
        struct json_object *converged = NULL;
        if (!json_object_is_type(value, json_type_null)) {
            int corrected = 0, stored_ok = 1;
            double want = meta_ref_expected(index, key, json_object_get_double(value), &corrected,
                                            &stored_ok);
            if (corrected) {
                CU_ASSERT_TRUE(stored_ok);
                converged = json_object_new_double(want);
            }
        }
        CU_ASSERT_TRUE(agree(what, converged ? converged : value, g));
        json_object_put(converged);
    }
    struct json_object *studies = get(expected, "studies");
    struct json_object *got_studies = get(got, "studies");
    CU_ASSERT_EQUAL(json_object_array_length(got_studies), json_object_array_length(studies));
    for (size_t i = 0; i < json_object_array_length(studies); i++) {
        struct json_object *s = json_object_array_get_idx(studies, i);
        const char *trial = json_object_get_string(get(s, "trial"));
        struct json_object *gs = study_named(got_studies, trial);
        CU_ASSERT_PTR_NOT_NULL(gs);
        if (!gs) {
            fprintf(stderr, "%s: study '%s' missing\n", label, trial);
            continue;
        }
        const char *fields[] = {"yi", "vi", "weight"};
        for (size_t f = 0; f < 3; f++) {
            struct json_object *e = get(s, fields[f]);
            if (!e || json_object_get_type(e) == json_type_null)
                continue; /* metafor gives no weight there */
            char what[512];
            snprintf(what, sizeof what, "%s: %s %s", label, trial, fields[f]);
            CU_ASSERT_TRUE(agree(what, e, get(gs, fields[f])));
        }
    }
    /* Common-effect results have no tau^2 and no prediction interval. */
    if (strcmp(json_object_get_string(get(c, "model")), "common") == 0) {
        CU_ASSERT_EQUAL(json_object_get_type(get(got, "tau2")), json_type_null);
        CU_ASSERT_EQUAL(json_object_get_type(get(got, "pi_lower")), json_type_null);
    }
    /* df only under hksj; exp only for ratio measures, back-transformed. */
    int hksj = strcmp(json_object_get_string(get(c, "ci")), "hksj") == 0;
    CU_ASSERT_EQUAL(json_object_get_type(get(got, "df")) == json_type_null, !hksj);
    const char *m = json_object_get_string(get(c, "measure"));
    int ratio = strcmp(m, "RR") == 0 || strcmp(m, "OR") == 0 || strcmp(m, "ROM") == 0;
    struct json_object *ex = get(got, "exp");
    CU_ASSERT_EQUAL(json_object_get_type(ex) == json_type_object, ratio);
    if (ratio) {
        double est = json_object_get_double(get(got, "estimate"));
        double lo = json_object_get_double(get(got, "ci_lower"));
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(ex, "estimate")), exp(est),
                               1e-12 * exp(est));
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(ex, "ci_lower")), exp(lo),
                               1e-12 * exp(lo));
    }
    json_object_put(got);
}

static void test_reference_cases(void)
{
    CU_ASSERT_TRUE_FATAL(loaded);
    struct json_object *ref = json_object_from_file(META_TEST_DATA_DIR "/reference.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    size_t count = json_object_array_length(ref);
    CU_ASSERT_TRUE(count >= 70);
    for (size_t i = 0; i < count; i++)
        run_case(json_object_array_get_idx(ref, i), i);
    printf("\n  reference.json: %zu cases, %zu fields compared, max relative error %.3g\n", count,
           fields_compared, max_rel_error);
    json_object_put(ref);
}

/* ---- Multi-arm trials ---------------------------------------------------------- */

/* Arnold 2005 and Russell 2008 have two and three duloxetine arms against
 * one placebo arm: each is one study whose treatment side sums the n. */
static void test_multi_arm_trials(void)
{
    CU_ASSERT_TRUE_FATAL(loaded);
    const char *args[] = {"--outcome", "pain",    "--treatment", "duloxetine",
                          "--control", "placebo", NULL};
    struct json_object *got = pool_json(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(json_object_get_int(get(got, "k")), 3);
    struct json_object *studies = get(got, "studies");
    struct json_object *arnold = study_named(studies, "Arnold et al. 2005");
    struct json_object *russell = study_named(studies, "Russell et al. 2008");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arnold);
    CU_ASSERT_PTR_NOT_NULL_FATAL(russell);
    CU_ASSERT_EQUAL(json_object_get_int(get(arnold, "treatment_arms")), 2);
    CU_ASSERT_EQUAL(json_object_get_int(get(arnold, "control_arms")), 1);
    /* Arnold 2005 (haeuser2009_fibromyalgia.csv): duloxetine arms n 116,
     * mean -2.39, sd 2.37 and n 114, mean -2.40, sd 2.35; Cochrane Handbook
     * table 6.5.a for the combined group. */
    double n1 = 116, m1 = -2.39, s1 = 2.37, n2 = 114, m2 = -2.40, s2 = 2.35;
    double mean = (n1 * m1 + n2 * m2) / (n1 + n2);
    double sd = sqrt(
        ((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2 + n1 * n2 / (n1 + n2) * (m1 - m2) * (m1 - m2)) /
        (n1 + n2 - 1));
    struct json_object *arm = get(arnold, "treatment_arm");
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(arm, "n")), 230.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(arm, "mean")), mean, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(arm, "sd")), sd, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(get(arnold, "control_arm"), "n")), 118.0,
                           1e-12);
    CU_ASSERT_EQUAL(json_object_get_int(get(russell, "treatment_arms")), 3);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(get(russell, "treatment_arm"), "n")), 376.0,
                           1e-12);
    /* The trials without a duloxetine arm are reported, not silently dropped. */
    struct json_object *excluded = get(got, "excluded");
    CU_ASSERT_TRUE(json_object_array_length(excluded) > 0);
    for (size_t i = 0; i < json_object_array_length(excluded); i++)
        CU_ASSERT_STRING_EQUAL(
            json_object_get_string(get(json_object_array_get_idx(excluded, i), "reason")),
            "no duloxetine arm");
    json_object_put(got);

    /* Goldenberg 1996 has fluoxetine and amitriptyline arms against one
     * placebo: with both in the list they are combined into one study. */
    const char *both[] = {"--outcome", "pain",    "--treatment", "fluoxetine,amitriptyline",
                          "--control", "placebo", NULL};
    got = pool_json(both);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    struct json_object *g = study_named(get(got, "studies"), "Goldenberg et al. 1996");
    CU_ASSERT_PTR_NOT_NULL(g);
    CU_ASSERT_EQUAL(json_object_get_int(get(g, "treatment_arms")), 2);
    json_object_put(got);
}

/* ---- Subgroups -------------------------------------------------------------------- */

/* The antidepressants of the fibromyalgia data with a pain result. */
static const char antidepressants[] = "amitriptyline,duloxetine,fluoxetine,milnacipran,"
                                      "citalopram,paroxetine,moclobemide,pirlindole";

/* Pools --treatment list alone and compares with subgroup sg. */
static void same_as_separate_run(struct json_object *sg, const char *list)
{
    const char *args[] = {"--outcome", "pain",      "--treatment", list, "--control",
                          "placebo",   "--measure", "SMD",         NULL};
    struct json_object *alone = pool_json(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(alone);
    const char *fields[] = {"k",  "estimate", "se", "ci_lower", "ci_upper", "tau2",
                            "I2", "Q",        "p",  "pi_lower", "pi_upper"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char what[128];
        snprintf(what, sizeof what, "subgroup %s: %s", list, fields[i]);
        CU_ASSERT_TRUE(agree(what, get(alone, fields[i]), get(sg, fields[i])));
    }
    json_object_put(alone);
}

static void test_subgroups_by_class(void)
{
    CU_ASSERT_TRUE_FATAL(loaded);
    const char *args[] = {"--outcome", "pain",    "--treatment", antidepressants,
                          "--control", "placebo", "--measure",   "SMD",
                          "--by",      "class",   NULL};
    struct json_object *got = pool_json(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    struct json_object *groups = get(got, "subgroups");
    CU_ASSERT_PTR_NOT_NULL_FATAL(groups);
    size_t n = json_object_array_length(groups);
    /* Haeuser 2009's classes: MAOI, SNRI, SSRI, TCA, in that order. */
    CU_ASSERT_EQUAL_FATAL(n, 4);
    const char *order[] = {"MAOI", "SNRI", "SSRI", "TCA"};
    const char *lists[] = {"moclobemide,pirlindole", "duloxetine,milnacipran",
                           "fluoxetine,citalopram,paroxetine", "amitriptyline"};
    double q = 0.0, sw = 0.0, swy = 0.0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *sg = json_object_array_get_idx(groups, i);
        CU_ASSERT_STRING_EQUAL(json_object_get_string(get(sg, "value")), order[i]);
        same_as_separate_run(sg, lists[i]);
        double est = json_object_get_double(get(sg, "estimate"));
        double se = json_object_get_double(get(sg, "se"));
        sw += 1.0 / (se * se);
        swy += est / (se * se);
    }
    /* The test for subgroup differences, recomputed from the subgroups. */
    double mean = swy / sw;
    for (size_t i = 0; i < n; i++) {
        struct json_object *sg = json_object_array_get_idx(groups, i);
        double est = json_object_get_double(get(sg, "estimate"));
        double se = json_object_get_double(get(sg, "se"));
        q += (est - mean) * (est - mean) / (se * se);
    }
    struct json_object *test = get(got, "subgroup_test");
    CU_ASSERT_PTR_NOT_NULL_FATAL(test);
    CU_ASSERT_EQUAL(json_object_get_int(get(test, "df")), 3);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(test, "Q")), q, 1e-9 * q);
    /* Hannonen 1998 has a moclobemide (MAOI) and an amitriptyline (TCA) arm
     * sharing one placebo arm: it serves in both subgroups. */
    CU_ASSERT_PTR_NOT_NULL(
        study_named(get(json_object_array_get_idx(groups, 0), "studies"), "Hannonen et al. 1998"));
    CU_ASSERT_PTR_NOT_NULL(
        study_named(get(json_object_array_get_idx(groups, 3), "studies"), "Hannonen et al. 1998"));
    json_object_put(got);
}

/* ---- Leave-one-out and cumulative ---------------------------------------------------- */

static void test_leave_one_out_and_cumulative(void)
{
    CU_ASSERT_TRUE_FATAL(loaded);
    const char *args[] = {"--outcome",       "pain",         "--treatment", "amitriptyline",
                          "--control",       "placebo",      "--method",    "DL",
                          "--leave-one-out", "--cumulative", NULL};
    struct json_object *got = pool_json(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    int k = json_object_get_int(get(got, "k"));
    CU_ASSERT_EQUAL(k, 6);
    struct json_object *loo = get(got, "leave_one_out");
    struct json_object *cum = get(got, "cumulative");
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(loo), (size_t)k);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(cum), (size_t)k);
    for (int i = 0; i < k; i++) {
        struct json_object *step = json_object_array_get_idx(loo, (size_t)i);
        CU_ASSERT_EQUAL(json_object_get_int(get(step, "k")), k - 1);
        CU_ASSERT_PTR_NOT_NULL(
            study_named(get(got, "studies"), json_object_get_string(get(step, "omitted"))));
    }
    /* Cumulative: by year; the first step is the first study alone, the last
     * the full analysis. */
    double prev = -INFINITY;
    for (int i = 0; i < k; i++) {
        struct json_object *step = json_object_array_get_idx(cum, (size_t)i);
        CU_ASSERT_EQUAL(json_object_get_int(get(step, "k")), i + 1);
        double year = json_object_get_double(get(step, "year"));
        CU_ASSERT_TRUE(year >= prev);
        prev = year;
    }
    struct json_object *first = json_object_array_get_idx(cum, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(get(first, "added")), "Carette et al. 1986");
    struct json_object *s0 = study_named(get(got, "studies"), "Carette et al. 1986");
    CU_ASSERT_TRUE(agree("cumulative step 1", get(s0, "yi"), get(first, "estimate")));
    struct json_object *last = json_object_array_get_idx(cum, (size_t)k - 1);
    CU_ASSERT_TRUE(agree("cumulative last step", get(got, "estimate"), get(last, "estimate")));
    CU_ASSERT_TRUE(agree("cumulative last tau2", get(got, "tau2"), get(last, "tau2")));
    json_object_put(got);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"every reference.json case, every field", test_reference_cases},
        {"multi-arm trials are combined per side", test_multi_arm_trials},
        {"subgroups by class and their test", test_subgroups_by_class},
        {"leave-one-out and cumulative", test_leave_one_out_and_cumulative},
        {NULL, NULL},
    };
    return meta_test_run_suite("pool_reference", suite_init, NULL, cases);
}
