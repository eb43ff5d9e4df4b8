/*
 * Tests of lib/report's outputs of the small-study tests, influence
 * diagnostics and meta-regression on the BCG trials computed in memory:
 * the JSON of `meta bias`, `meta regress` and `meta pool --influence`
 * against bias_reference.json (metafor 3.8), the CSV's columns and rows
 * read back, the tables against golden files (META_UPDATE_GOLDEN=1
 * rewrites them), and the funnel and bubble plot descriptions.
 */
#include <CUnit/CUnit.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"
#include "reference_json.h"
#include "reference_rule.h"
#include "report_util.h"

#define CLOSE TEST_CLOSE
#define K     13

static json_object *reference;
static json_object *bcg;      /* the BCG case */
static json_object *reml;     /* its random REML z fit */
static json_object *reml_reg; /* that fit's regression on ablat */

static json_object *get(json_object *o, const char *key)
{
    return meta_ref_json_get(o, key);
}

static int suite_init(void)
{
    reference = json_object_from_file(META_TEST_DATA_DIR "/bias_reference.json");
    bcg = json_object_array_get_idx(get(reference, "cases"), 0);
    json_object *fits = get(bcg, "fits");
    for (size_t i = 0; i < json_object_array_length(fits); i++) {
        json_object *f = json_object_array_get_idx(fits, i);
        if (strcmp(json_object_get_string(get(f, "method")), "REML") == 0 &&
            strcmp(json_object_get_string(get(f, "ci")), "z") == 0)
            reml = f;
    }
    reml_reg = json_object_array_get_idx(get(reml, "regress"), 0);
    return reml_reg ? 0 : 1;
}

static int suite_clean(void)
{
    json_object_put(reference);
    return 0;
}

struct fixture {
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
};

/* BCG, RR, REML, with `options` (key, value pairs ending with NULL). */
static int bcg_analysis(struct fixture *fx, const char *const *options)
{
    struct meta_request_error e;
    memset(fx, 0, sizeof *fx);
    meta_request_error_init(&e, NULL);
    meta_analysis_init(&fx->an);
    if (test_request(&fx->req, "tb", "treated", "control", options) != META_OK ||
        test_attr_selection(&fx->sel, test_bcg_arms, test_bcg_count, 1, "tb", test_bcg_attributes,
                            3) != 0)
        return META_ENOMEM;
    int ret = meta_analysis_compute(&fx->req, &fx->sel, &fx->an, &e);
    if (ret != META_OK)
        printf("\n    %s", e.err.msg);
    return ret;
}

static void fixture_release(struct fixture *fx)
{
    meta_analysis_release(&fx->an);
    meta_analysis_request_release(&fx->req);
    free(fx->sel.arms);
}

/* What `write` writes for an, as a new string (free it). */
static char *written(int (*write)(FILE *, enum meta_report_format, const struct meta_analysis *,
                                  struct meta_error *),
                     const struct meta_analysis *an, enum meta_report_format format)
{
    char *buf = NULL;
    size_t len = 0;
    struct meta_error err;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return NULL;
    int ret = write(mem, format, an, &err);
    fclose(mem);
    CU_ASSERT_EQUAL(ret, META_OK);
    return buf;
}

static json_object *written_json(int (*write)(FILE *, enum meta_report_format,
                                              const struct meta_analysis *, struct meta_error *),
                                 const struct meta_analysis *an)
{
    char *text = written(write, an, META_REPORT_JSON);
    json_object *o = text ? json_tokener_parse(text) : NULL;
    free(text);
    return o;
}

static const char *const ALL[] = {"measure",   "RR",   "bias", "true",  "trimfill", "true",
                                  "influence", "true", "mods", "ablat", NULL};

/* ---- JSON ------------------------------------------------------------------------ */

static void test_json(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, ALL), META_OK);
    json_object *b = written_json(meta_report_bias_write, &fx.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT(meta_ref_json_agrees("bias egger", get(bcg, "egger"), get(b, "egger"), NULL));
    CU_ASSERT(meta_ref_json_agrees("bias begg", get(bcg, "begg"), get(b, "begg"), NULL));
    CU_ASSERT(meta_ref_json_agrees("bias regtest", get(reml, "regtest"), get(b, "regtest"), NULL));
    CU_ASSERT(meta_ref_json_agrees("bias trimfill", get(get(reml, "trimfill"), "L0"),
                                   get(b, "trimfill"), NULL));
    CU_ASSERT_EQUAL(json_object_get_int(get(b, "k")), K);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(get(b, "method")), "REML");
    CU_ASSERT_EQUAL(json_object_array_length(get(b, "notes")), 0);
    /* exp: the limit and the adjusted estimate back-transformed */
    CLOSE(exp(json_object_get_double(get(get(b, "trimfill"), "estimate"))),
          json_object_get_double(get(get(get(b, "trimfill"), "exp"), "estimate")));
    CLOSE(exp(json_object_get_double(get(get(b, "egger"), "limit_ci_upper"))),
          json_object_get_double(get(get(get(b, "egger"), "exp"), "limit_ci_upper")));
    json_object_put(b);

    json_object *r = written_json(meta_report_regress_write, &fx.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(meta_ref_json_agrees("regress", reml_reg, r, NULL));
    CU_ASSERT_EQUAL(json_object_get_int(get(r, "k")), K);
    json_object *first = json_object_array_get_idx(get(r, "studies"), 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(get(first, "trial")), "Aronson 1948");
    /* a numeric moderator's value is a number */
    CU_ASSERT(json_object_is_type(get(get(first, "mods"), "ablat"), json_type_int) ||
              json_object_is_type(get(get(first, "mods"), "ablat"), json_type_double));
    CLOSE(44.0, json_object_get_double(get(get(first, "mods"), "ablat")));
    json_object_put(r);

    /* the pooled JSON carries all of it */
    json_object *p = written_json(meta_report_write, &fx.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(
        meta_ref_json_agrees("pool influence", get(reml, "influence"), get(p, "influence"), NULL));
    CU_ASSERT(meta_ref_json_agrees("pool egger", get(bcg, "egger"), get(p, "egger"), NULL));
    CU_ASSERT(meta_ref_json_agrees("pool regression", reml_reg, get(p, "regression"), NULL));
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string(get(json_object_array_get_idx(get(p, "influence"), 3), "trial")),
        "Hart & Sutherland 1977");
    json_object_put(p);
    fixture_release(&fx);

    /* categorical moderators: their values are strings */
    static const char *const alloc[] = {"measure", "RR", "mods", "year,alloc", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, alloc), META_OK);
    r = written_json(meta_report_regress_write, &fx.an);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(meta_ref_json_agrees("regress year,alloc",
                                   json_object_array_get_idx(get(reml, "regress"), 1), r, NULL));
    json_object *mods = get(json_object_array_get_idx(get(r, "studies"), 4), "mods");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(get(mods, "alloc")), "alternate");
    CLOSE(1973.0, json_object_get_double(get(mods, "year")));
    json_object_put(r);
    fixture_release(&fx);
}

/* ---- CSV ------------------------------------------------------------------------- */

/* Counts the rows of each type of a CSV and checks some cells. */
static void test_csv(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, ALL), META_OK);
    char *text = written(meta_report_write, &fx.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    char *header[80], *f[80];
    size_t nh = test_csv_split(line, header, 80);
    CU_ASSERT_EQUAL(nh, 58);
    int c_type = test_csv_column(header, nh, "type"),
        c_coef = test_csv_column(header, nh, "coefficient"),
        c_tau = test_csv_column(header, nh, "kendall_tau"),
        c_k0 = test_csv_column(header, nh, "k0"), c_side = test_csv_column(header, nh, "side"),
        c_cook = test_csv_column(header, nh, "cook_d"),
        c_infl = test_csv_column(header, nh, "influential"),
        c_name = test_csv_column(header, nh, "name"), c_qm = test_csv_column(header, nh, "QM"),
        c_r2 = test_csv_column(header, nh, "R2"), c_est = test_csv_column(header, nh, "estimate"),
        c_k = test_csv_column(header, nh, "k");
    size_t studies = 0, influence = 0, coefficients = 0, filled = 0, other = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        size_t n = test_csv_split(line, f, 80);
        CU_ASSERT_EQUAL_FATAL(n, nh);
        const char *type = f[c_type];
        if (strcmp(type, "study") == 0) {
            studies++;
        } else if (strcmp(type, "influence") == 0) {
            json_object *o = json_object_array_get_idx(get(reml, "influence"), influence++);
            CLOSE(json_object_get_double(get(o, "cook_d")), strtod(f[c_cook], NULL));
            CU_ASSERT_STRING_EQUAL(
                f[c_infl], json_object_get_boolean(get(o, "influential")) ? "true" : "false");
        } else if (strcmp(type, "egger") == 0) {
            CLOSE(json_object_get_double(get(get(bcg, "egger"), "coefficient")),
                  strtod(f[c_coef], NULL));
            CLOSE(json_object_get_double(get(get(bcg, "egger"), "limit_estimate")),
                  strtod(f[c_est], NULL));
        } else if (strcmp(type, "regtest") == 0) {
            CLOSE(json_object_get_double(get(get(reml, "regtest"), "coefficient")),
                  strtod(f[c_coef], NULL));
        } else if (strcmp(type, "begg") == 0) {
            CLOSE(json_object_get_double(get(get(bcg, "begg"), "tau")), strtod(f[c_tau], NULL));
        } else if (strcmp(type, "trimfill") == 0) {
            json_object *t = get(get(reml, "trimfill"), "L0");
            CU_ASSERT_EQUAL(atoi(f[c_k0]), json_object_get_int(get(t, "k0")));
            CU_ASSERT_EQUAL(atoi(f[c_k]), K + json_object_get_int(get(t, "k0")));
            CU_ASSERT_STRING_EQUAL(f[c_side], json_object_get_string(get(t, "side")));
        } else if (strcmp(type, "trimfill_study") == 0) {
            filled++;
        } else if (strcmp(type, "regression") == 0) {
            CU_ASSERT_STRING_EQUAL(f[c_name], "ablat");
            CLOSE(json_object_get_double(get(reml_reg, "QM")), strtod(f[c_qm], NULL));
            CLOSE(json_object_get_double(get(reml_reg, "R2")), strtod(f[c_r2], NULL));
        } else if (strcmp(type, "coefficient") == 0) {
            json_object *c =
                json_object_array_get_idx(get(reml_reg, "coefficients"), coefficients++);
            CU_ASSERT_STRING_EQUAL(f[c_name], json_object_get_string(get(c, "name")));
            CLOSE(json_object_get_double(get(c, "estimate")), strtod(f[c_est], NULL));
        } else {
            other++;
        }
    }
    CU_ASSERT_EQUAL(studies, K);
    CU_ASSERT_EQUAL(influence, K);
    CU_ASSERT_EQUAL(coefficients, 2);
    CU_ASSERT_EQUAL(filled,
                    (size_t)json_object_get_int(get(get(get(reml, "trimfill"), "L0"), "k0")));
    CU_ASSERT_EQUAL(other, 1 + K); /* the pooled row and the regressed trials */
    free(text);
    fixture_release(&fx);

    /* without them, the pooled CSV keeps its columns */
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    text = written(meta_report_write, &fx.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    save = NULL;
    CU_ASSERT_EQUAL(test_csv_split(strtok_r(text, "\n", &save), header, 80), 40);
    free(text);
    fixture_release(&fx);
}

/* ---- Tables ---------------------------------------------------------------------- */

static void test_tables(void)
{
    struct fixture fx;
    static const char *const reg[] = {"measure", "RR", "mods", "ablat,alloc", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, reg), META_OK);
    char *text = written(meta_report_regress_write, &fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_check_golden("bcg_regress_table.txt", text);
    free(text);
    fixture_release(&fx);

    static const char *const bias[] = {"measure", "RR", "bias", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, bias), META_OK);
    text = written(meta_report_bias_write, &fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_check_golden("bcg_bias_table.txt", text);
    free(text);
    fixture_release(&fx);

    /* Mantel-Haenszel: the tests, and why there is no trim-and-fill */
    static const char *const mh[] = {"measure", "RR", "method", "MH", "bias", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, mh), META_OK);
    text = written(meta_report_bias_write, &fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_check_golden("bcg_bias_mh_table.txt", text);
    free(text);
    fixture_release(&fx);

    static const char *const inf[] = {"measure",   "RR",   "model", "common",
                                      "influence", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, inf), META_OK);
    text = written(meta_report_write, &fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_check_golden("bcg_influence_table.txt", text);
    free(text);
    fixture_release(&fx);
}

/* ---- Plots ----------------------------------------------------------------------- */

static void test_funnel(void)
{
    struct fixture fx;
    struct meta_plot_settings settings = {0};
    struct meta_error err;
    struct meta_funnel *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, ALL), META_OK);
    settings.contours = 1;
    CU_ASSERT_EQUAL_FATAL(meta_report_funnel(&fx.an, &settings, &f, &err), META_OK);
    const struct meta_trimfill *tf = &fx.an.bias.trimfill;
    CU_ASSERT_EQUAL(f->contours, 1);
    CU_ASSERT_EQUAL_FATAL(f->n_filled, tf->k0);
    CU_ASSERT(tf->k0 > 0);
    for (size_t i = 0; i < tf->k0; i++) {
        CLOSE(tf->filled[i].yi, f->filled[i].yi);
        CLOSE(sqrt(tf->filled[i].vi), f->filled[i].sei);
    }
    CLOSE(tf->estimate, f->adjusted);
    meta_funnel_free(f);
    fixture_release(&fx);

    /* the tests alone do not draw trim-and-fill */
    static const char *const bias[] = {"measure", "RR", "bias", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, bias), META_OK);
    settings.contours = 0;
    CU_ASSERT_EQUAL_FATAL(meta_report_funnel(&fx.an, &settings, &f, &err), META_OK);
    CU_ASSERT_EQUAL(f->n_filled, 0);
    CU_ASSERT(isnan(f->adjusted));
    CU_ASSERT_EQUAL(f->contours, 0);
    meta_funnel_free(f);
    fixture_release(&fx);
}

static void test_bubble(void)
{
    struct fixture fx;
    struct meta_plot_settings settings = {.title = "BCG by latitude", .note = "Colditz 1994"};
    struct meta_error err;
    struct meta_bubble *b = NULL;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, ALL), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_report_bubble(&fx.an, &settings, &b, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(b->moderator, "ablat");
    CU_ASSERT_STRING_EQUAL(b->measure, "Risk Ratio");
    CU_ASSERT_EQUAL(b->log_scale, 1);
    CU_ASSERT_STRING_EQUAL(b->title, "BCG by latitude");
    CU_ASSERT_EQUAL_FATAL(b->n_points, K);
    double sum = 0;
    for (size_t i = 0; i < K; i++) {
        CLOSE(json_object_get_double(json_object_array_get_idx(get(bcg, "yi"), i)), b->points[i].y);
        sum += b->points[i].weight;
    }
    CLOSE(44.0, b->points[0].x);
    CLOSE(100.0, sum);
    /* the line: metafor's coefficients across the range of ablat, 13 to 55 */
    json_object *c = get(reml_reg, "coefficients");
    double b0 = json_object_get_double(get(json_object_array_get_idx(c, 0), "estimate"));
    double b1 = json_object_get_double(get(json_object_array_get_idx(c, 1), "estimate"));
    CU_ASSERT_EQUAL_FATAL(b->n_line, 101);
    CLOSE(13.0, b->line[0].x);
    CLOSE(55.0, b->line[100].x);
    for (size_t i = 0; i < b->n_line; i += 25) {
        CLOSE(b0 + b1 * b->line[i].x, b->line[i].fit);
        CU_ASSERT(b->line[i].lo < b->line[i].fit && b->line[i].fit < b->line[i].hi);
    }
    CU_ASSERT_EQUAL_FATAL(b->n_footer, 3);
    CU_ASSERT_STRING_EQUAL(b->footer[0],
                           "Meta-regression, random effects (REML), z; k = 13; slope -0.0291 "
                           "[-0.0432, -0.0150] per unit of ablat (log scale), p < 0.0001");
    CU_ASSERT_STRING_EQUAL(b->footer[2], "Colditz 1994");
    meta_bubble_free(b);
    fixture_release(&fx);

    /* a categorical moderator, two of them, none */
    static const char *const alloc[] = {"measure", "RR", "mods", "alloc", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, alloc), META_OK);
    CU_ASSERT_EQUAL(meta_report_bubble(&fx.an, &settings, &b, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "a bubble plot needs a numeric moderator: 'alloc' is "
                                    "categorical");
    CU_ASSERT_PTR_NULL(b);
    fixture_release(&fx);
    static const char *const two[] = {"measure", "RR", "mods", "ablat,year", NULL};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, two), META_OK);
    CU_ASSERT_EQUAL(meta_report_bubble(&fx.an, &settings, &b, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "a bubble plot shows one moderator, the regression has 2");
    fixture_release(&fx);
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_report_bubble(&fx.an, &settings, &b, &err), META_EINVAL);
    fixture_release(&fx);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"json of bias, regress and pool --influence against metafor", test_json},
        {"csv: the extra columns and rows", test_csv},
        {"tables: golden files", test_tables},
        {"funnel: trim-and-fill and contours", test_funnel},
        {"bubble plot of a meta-regression", test_bubble},
        {NULL, NULL},
    };
    return meta_test_run_suite("report_bias", suite_init, suite_clean, cases);
}
