/*
 * Checks the small-study tests, trim-and-fill, influence diagnostics and
 * meta-regression of lib/stats against every value of
 * tests/data/bias_reference.json (metafor 3.8 on the BCG trials with their
 * attributes, Normand 1999 and the Haeuser 2009 fibromyalgia trials; made by
 * tests/unit/metafor_bias.R): for every model, estimator and test, every
 * field of INTERFACE.md section 3. The effects are computed here from the
 * arm data of the CSV fixtures (and checked against the reference's), the
 * moderators read from the same files.
 *
 * Tolerance rule: |got - expected| <= 1e-6 |expected|, or |got| <= 1e-10
 * when the expected value is exactly 0; null expects NAN.
 */
#include "cunit_main.h"
#include "meta_bias.h"
#include "meta_metareg.h"
#include "meta_stats.h"
#include "reference_rule.h"
#include "test_csv.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *reference;
static size_t fields_checked;
static double max_rel_err;
static char max_rel_where[512];

static int suite_init(void)
{
    reference = json_object_from_file(META_TEST_DATA_DIR "/bias_reference.json");
    return reference ? 0 : 1;
}

static int suite_clean(void)
{
    printf("\n  reference fields checked: %zu, max relative error %.3g (%s)\n", fields_checked,
           max_rel_err, max_rel_where);
    json_object_put(reference);
    return 0;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v ? json_object_get_string(v) : NULL;
}

/* got against the reference number o[key] (null: NAN expected). */
static void check(const char *where, json_object *o, const char *key, double got)
{
    json_object *v = get(o, key);
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %s", where, key);
    if (!v || json_object_is_type(v, json_type_null)) {
        if (!isnan(got))
            printf("\n    %s: expected null, got %.15g", buf, got);
        CU_ASSERT(isnan(got));
        return;
    }
    double want = json_object_get_double(v), rel = meta_ref_error(want, got);
    fields_checked++;
    if (!meta_ref_agrees(want, got))
        printf("\n    %s: expected %.15g, got %.15g (rel %.3g)", buf, want, got, rel);
    CU_ASSERT(meta_ref_agrees(want, got));
    if (want != 0.0 && (rel > max_rel_err || isnan(rel))) {
        max_rel_err = rel;
        snprintf(max_rel_where, sizeof max_rel_where, "%s", buf);
    }
}

static void check_int(const char *where, json_object *o, const char *key, long got)
{
    json_object *v = get(o, key);
    fields_checked++;
    if (!v || json_object_get_int64(v) != got)
        printf("\n    %s: %s: expected %s, got %ld", where, key,
               v ? json_object_get_string(v) : "nothing", got);
    CU_ASSERT(v && json_object_get_int64(v) == got);
}

static void check_str(const char *where, json_object *o, const char *key, const char *got)
{
    const char *want = str(o, key);
    fields_checked++;
    if (!want || strcmp(want, got) != 0)
        printf("\n    %s: %s: expected '%s', got '%s'", where, key, want ? want : "(none)", got);
    CU_ASSERT(want && strcmp(want, got) == 0);
}

/* One dataset of the reference: its studies' effects and attributes. */
struct data {
    json_object *c;
    char path[1024];
    size_t k;
    double *yi, *vi;
    char **labels; /* borrowed from ts */
    struct test_studies ts;
    size_t *pick; /* reference trial i -> index in ts */
};

static void data_free(struct data *d)
{
    test_studies_free(&d->ts);
    free(d->yi);
    free(d->vi);
    free(d->pick);
}

static size_t find_label(const struct test_studies *ts, const char *label)
{
    for (size_t i = 0; i < ts->k; i++)
        if (strcmp(ts->labels[i], label) == 0)
            return i;
    return (size_t)-1;
}

/* Loads the case's studies from its CSV, in the reference's trial order,
 * and checks their yi/vi against the reference's. */
static int data_load(json_object *c, struct data *d)
{
    enum meta_measure measure;
    memset(d, 0, sizeof *d);
    d->c = c;
    snprintf(d->path, sizeof d->path, "%s/%s", META_TEST_DATA_DIR, str(c, "file"));
    if (meta_measure_parse(str(c, "measure"), &measure) != META_OK ||
        test_studies_load(d->path, str(c, "outcome"), NULL, str(c, "treatment"), str(c, "control"),
                          NULL, &d->ts) != 0)
        return -1;
    json_object *trials = get(c, "trials"), *ry = get(c, "yi"), *rv = get(c, "vi");
    d->k = json_object_array_length(trials);
    d->yi = malloc(d->k * sizeof *d->yi);
    d->vi = malloc(d->k * sizeof *d->vi);
    d->pick = malloc(d->k * sizeof *d->pick);
    if (!d->yi || !d->vi || !d->pick)
        return -1;
    for (size_t i = 0; i < d->k; i++) {
        const char *label = json_object_get_string(json_object_array_get_idx(trials, i));
        size_t at = find_label(&d->ts, label);
        if (at == (size_t)-1) {
            printf("\n    %s: trial '%s' not in the file", d->path, label);
            return -1;
        }
        d->pick[i] = at;
        if (meta_es_compute(measure, &d->ts.studies[at], &d->yi[i], &d->vi[i], NULL) != META_OK)
            return -1;
        char where[600];
        snprintf(where, sizeof where, "%s %s", str(c, "dataset"), label);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "yi", json_object_get(json_object_array_get_idx(ry, i)));
        json_object_object_add(o, "vi", json_object_get(json_object_array_get_idx(rv, i)));
        check(where, o, "yi", d->yi[i]);
        check(where, o, "vi", d->vi[i]);
        json_object_put(o);
    }
    return 0;
}

/* The values of attribute `attr` for the reference's trials (owned strings). */
static char **data_attr(const struct data *d, const char *attr)
{
    struct test_studies ts;
    char **v = calloc(d->k, sizeof *v);
    if (!v || test_studies_load(d->path, str(d->c, "outcome"), NULL, str(d->c, "treatment"),
                                str(d->c, "control"), attr, &ts) != 0) {
        free(v);
        return NULL;
    }
    json_object *trials = get(d->c, "trials");
    for (size_t i = 0; i < d->k; i++) {
        size_t at = find_label(&ts, json_object_get_string(json_object_array_get_idx(trials, i)));
        v[i] = at == (size_t)-1 || !ts.attr[at] ? NULL : strdup(ts.attr[at]);
    }
    test_studies_free(&ts);
    return v;
}

static void check_regtest(const char *where, json_object *o, const struct meta_regtest *r)
{
    check(where, o, "coefficient", r->coefficient);
    check(where, o, "se", r->se);
    check(where, o, "statistic", r->statistic);
    check(where, o, "df", r->df);
    check(where, o, "p", r->p);
    check(where, o, "limit_estimate", r->limit_estimate);
    check(where, o, "limit_ci_lower", r->limit_ci_lower);
    check(where, o, "limit_ci_upper", r->limit_ci_upper);
}

static void check_trimfill(const char *where, json_object *o, const struct data *d,
                           const struct meta_options *opts, enum meta_tf_estimator est)
{
    struct meta_trimfill tf;
    struct meta_error err = {""};
    char w[600];
    snprintf(w, sizeof w, "%s trimfill %s", where, meta_tf_estimator_name(est));
    int ret = meta_trimfill(d->yi, d->vi, d->k, opts, est, META_TF_AUTO, &tf, &err);
    if (ret != META_OK)
        printf("\n    %s: %s", w, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    check_str(w, o, "estimator", meta_tf_estimator_name(tf.estimator));
    check_str(w, o, "side", meta_tf_side_name(tf.side));
    check_int(w, o, "k0", (long)tf.k0);
    check(w, o, "estimate", tf.estimate);
    check(w, o, "se", tf.se);
    check(w, o, "ci_lower", tf.ci_lower);
    check(w, o, "ci_upper", tf.ci_upper);
    check(w, o, "tau2", tf.tau2);
    json_object *filled = get(o, "filled");
    size_t n = json_object_array_length(filled);
    CU_ASSERT_EQUAL(n, tf.k0);
    for (size_t j = 0; j < n && j < tf.k0; j++) {
        char wf[700];
        snprintf(wf, sizeof wf, "%s filled %zu", w, j + 1);
        check(wf, json_object_array_get_idx(filled, j), "yi", tf.filled[j].yi);
        check(wf, json_object_array_get_idx(filled, j), "vi", tf.filled[j].vi);
    }
    meta_trimfill_release(&tf);
}

static void check_influence(const char *where, json_object *arr, const struct data *d,
                            const struct meta_options *opts)
{
    struct meta_error err = {""};
    struct meta_influence *inf = calloc(d->k, sizeof *inf);
    CU_ASSERT_FATAL(inf != NULL);
    int ret = meta_influence(d->yi, d->vi, d->k, NULL, opts, inf, &err);
    if (ret != META_OK)
        printf("\n    %s influence: %s", where, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    CU_ASSERT_EQUAL(json_object_array_length(arr), d->k);
    for (size_t i = 0; i < d->k && i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        char w[700];
        snprintf(w, sizeof w, "%s influence %s", where, d->ts.labels[d->pick[i]]);
        check(w, o, "rstudent", inf[i].rstudent);
        check(w, o, "dffits", inf[i].dffits);
        check(w, o, "cook_d", inf[i].cook_d);
        check(w, o, "cov_r", inf[i].cov_r);
        check(w, o, "tau2_del", inf[i].tau2_del);
        check(w, o, "QE_del", inf[i].QE_del);
        check(w, o, "hat", inf[i].hat);
        check(w, o, "weight", inf[i].weight);
        int want = json_object_get_boolean(get(o, "influential"));
        fields_checked++;
        if (want != inf[i].influential)
            printf("\n    %s: influential: expected %d, got %d", w, want, inf[i].influential);
        CU_ASSERT_EQUAL(want, inf[i].influential);
    }
    free(inf);
}

static void check_regress(const char *where, json_object *o, const struct data *d,
                          const struct meta_options *opts)
{
    json_object *mods = get(o, "mods");
    size_t nm = json_object_array_length(mods), k = d->k;
    const char **names = calloc(nm, sizeof *names);
    const char **values = calloc(k * nm, sizeof *values);
    char **cols[8] = {NULL};
    struct meta_design design;
    struct meta_metareg r;
    struct meta_error err = {""};
    char w[700];
    CU_ASSERT_FATAL(names && values && nm <= 8);
    size_t len = (size_t)snprintf(w, sizeof w, "%s regress", where);
    for (size_t j = 0; j < nm; j++) {
        names[j] = json_object_get_string(json_object_array_get_idx(mods, j));
        len += (size_t)snprintf(w + len, sizeof w - len, " %s", names[j]);
        cols[j] = data_attr(d, names[j]);
        CU_ASSERT_FATAL(cols[j] != NULL);
        for (size_t i = 0; i < k; i++)
            values[i * nm + j] = cols[j][i];
    }
    int ret = meta_design_build(names, nm, values, k, NULL, &design, &err);
    if (ret != META_OK)
        printf("\n    %s: design: %s", w, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    ret = meta_metareg_fit(d->yi, d->vi, &design, opts, &r, &err);
    if (ret != META_OK)
        printf("\n    %s: %s", w, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    json_object *coefs = get(o, "coefficients");
    CU_ASSERT_EQUAL(json_object_array_length(coefs), r.p);
    for (size_t j = 0; j < r.p && j < json_object_array_length(coefs); j++) {
        json_object *c = json_object_array_get_idx(coefs, j);
        const struct meta_metareg_coef *g = &r.coefficients[j];
        char wc[800];
        snprintf(wc, sizeof wc, "%s %s", w, g->name);
        check_str(wc, c, "name", g->name);
        check(wc, c, "estimate", g->estimate);
        check(wc, c, "se", g->se);
        check(wc, c, "statistic", g->statistic);
        check(wc, c, "p", g->p);
        check(wc, c, "ci_lower", g->ci_lower);
        check(wc, c, "ci_upper", g->ci_upper);
    }
    check(w, o, "QM", r.QM);
    check_int(w, o, "QM_df", r.QM_df);
    check(w, o, "QM_p", r.QM_p);
    check(w, o, "QE", r.QE);
    check_int(w, o, "QE_df", r.QE_df);
    check(w, o, "QE_p", r.QE_p);
    check(w, o, "df", r.df);
    check(w, o, "tau2", r.tau2);
    check(w, o, "I2", r.I2);
    check(w, o, "H2", r.H2);
    check(w, o, "R2", r.R2);
    for (size_t j = 0; j < design.n_mods; j++)
        CU_ASSERT_STRING_EQUAL(design.mods[j], names[j]);
    meta_metareg_release(&r);
    meta_design_release(&design);
    for (size_t j = 0; j < nm; j++) {
        for (size_t i = 0; i < k; i++)
            free(cols[j][i]);
        free(cols[j]);
    }
    free(names);
    free(values);
}

static void check_fit(const char *dataset, json_object *f, const struct data *d)
{
    struct meta_options opts;
    struct meta_regtest rt;
    struct meta_error err = {""};
    char where[300];
    meta_options_init(&opts);
    CU_ASSERT_FATAL(meta_model_parse(str(f, "model"), &opts.model) == META_OK);
    CU_ASSERT_FATAL(meta_method_parse(str(f, "method"), &opts.method) == META_OK);
    CU_ASSERT_FATAL(meta_ci_parse(str(f, "ci"), &opts.ci) == META_OK);
    snprintf(where, sizeof where, "%s %s %s %s", dataset, str(f, "model"), str(f, "method"),
             str(f, "ci"));

    int ret = meta_regtest_rma(d->yi, d->vi, d->k, NULL, &opts, &rt, &err);
    if (ret != META_OK)
        printf("\n    %s regtest: %s", where, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    char w[400];
    snprintf(w, sizeof w, "%s regtest", where);
    check_regtest(w, get(f, "regtest"), &rt);

    json_object *tf = get(f, "trimfill");
    check_trimfill(where, get(tf, "L0"), d, &opts, META_TF_L0);
    check_trimfill(where, get(tf, "R0"), d, &opts, META_TF_R0);
    check_influence(where, get(f, "influence"), d, &opts);
    json_object *reg = get(f, "regress");
    for (size_t j = 0; j < json_object_array_length(reg); j++)
        check_regress(where, json_object_array_get_idx(reg, j), d, &opts);
}

static void check_case(const char *name)
{
    json_object *cases = get(reference, "cases"), *c = NULL;
    for (size_t i = 0; i < json_object_array_length(cases); i++)
        if (strcmp(str(json_object_array_get_idx(cases, i), "dataset"), name) == 0)
            c = json_object_array_get_idx(cases, i);
    CU_ASSERT_FATAL(c != NULL);
    struct data d;
    int ok = data_load(c, &d) == 0;
    CU_ASSERT_FATAL(ok);

    struct meta_options opts;
    struct meta_regtest eg;
    struct meta_ranktest rk;
    struct meta_error err = {""};
    char w[300];
    meta_options_init(&opts);
    CU_ASSERT_EQUAL_FATAL(meta_regtest_lm(d.yi, d.vi, d.k, NULL, &opts, &eg, &err), META_OK);
    snprintf(w, sizeof w, "%s egger", name);
    check_regtest(w, get(c, "egger"), &eg);
    CU_ASSERT_EQUAL_FATAL(meta_ranktest(d.yi, d.vi, d.k, &rk, &err), META_OK);
    snprintf(w, sizeof w, "%s begg", name);
    check(w, get(c, "begg"), "tau", rk.tau);
    check(w, get(c, "begg"), "p", rk.p);

    json_object *fits = get(c, "fits");
    CU_ASSERT_EQUAL(json_object_array_length(fits), 18);
    for (size_t i = 0; i < json_object_array_length(fits); i++)
        check_fit(name, json_object_array_get_idx(fits, i), &d);
    data_free(&d);
}

static void test_bcg(void)
{
    check_case("bcg_regression");
}

static void test_normand(void)
{
    check_case("normand1999");
}

static void test_haeuser(void)
{
    check_case("haeuser2009");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"BCG with ablat, year, alloc (RR)", test_bcg},
        {"Normand 1999 (MD)", test_normand},
        {"Haeuser 2009 by class, weeks, year (SMD)", test_haeuser},
        {NULL, NULL}};
    return meta_test_run_suite("bias and meta-regression against metafor", suite_init, suite_clean,
                               cases);
}
