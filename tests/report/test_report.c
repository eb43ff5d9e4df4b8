/*
 * Tests of lib/report on results computed in memory: the vocabulary and
 * number formats, the table (golden files), CSV and JSON read back and
 * compared with metafor 3.8 (report_reference.R), and the adapter to the
 * plot descriptions against the same independently computed values, so that
 * a wrong standard error, tau^2, Q's p or I^2 in a plot fails here.
 * META_UPDATE_GOLDEN=1 rewrites the golden tables.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta_decimal.h"
#include "arms.h"
#include "cunit_main.h"
#include "meta_report.h"
#include "reference_rule.h"
#include "report_util.h"

#define CLOSE TEST_CLOSE

/* ---- BCG: the arms and metafor's figures (report_reference.R) ------------ */

struct bcg_trial {
    int id;
    const char *trial;
    int t_events, t_total, c_events, c_total;
    const char *year, *alloc;
};

static const struct bcg_trial bcg[] = {
    {1, "Aronson 1948", 4, 123, 11, 139, "1948", "random"},
    {2, "Ferguson & Simes 1949", 6, 306, 29, 303, "1949", "random"},
    {3, "Rosenthal et al 1960", 3, 231, 11, 220, "1960", "random"},
    {4, "Hart & Sutherland 1977", 62, 13598, 248, 12867, "1977", "random"},
    {5, "Frimodt-Moller et al 1973", 33, 5069, 47, 5808, "1973", "alternate"},
    {6, "Stein & Aronson 1953", 180, 1541, 372, 1451, "1953", "alternate"},
    {7, "Vandiviere et al 1973", 8, 2545, 10, 629, "1973", "random"},
    {8, "TPT Madras 1980", 505, 88391, 499, 88391, "1980", "random"},
    {9, "Coetzee & Berjak 1968", 29, 7499, 45, 7277, "1968", "random"},
    {10, "Rosenthal et al 1961", 17, 1716, 65, 1665, "1961", "systematic"},
    {11, "Comstock et al 1974", 186, 50634, 141, 27338, "1974", "systematic"},
    {12, "Comstock & Webster 1969", 5, 2498, 3, 2341, "1969", "systematic"},
    {13, "Comstock et al 1976", 27, 16913, 29, 17854, "1976", "systematic"},
};
#define K 13

/* yi, its standard error, the 95% CI and the weight in percent, per trial */
static const double bcg_study[K][5] = {
    {-0.88931133392020545, 0.57060035489295069, -2.0076674790761615, 0.22904481123575082,
     5.0594827343666582},
    {-1.5853886572014306, 0.44111350171825825, -2.4499552336635637, -0.72082208073929743,
     6.3646793725630282},
    {-1.3480731482996933, 0.64449046957109102, -2.6112512570383393, -0.084895039561047492,
     4.4360274026013968},
    {-1.4415511900213054, 0.14145681992130169, -1.7188014624346246, -1.1643009176079862,
     9.6987470189206846},
    {-0.21754732221129558, 0.2262966463950159, -0.66108059896772242, 0.22598595454513132,
     8.8684563912428906},
    {-0.78611558581886398, 0.083100050877895126, -0.94898869265298447, -0.6232424789847435,
     10.095738544239072},
    {-1.6208982235983918, 0.47224701965424321, -2.5464853739270872, -0.69531107326969621,
     6.0271814144444678},
    {0.011952333523840508, 0.062941077984236413, -0.11140991247338973, 0.13531457952107073,
     10.189439037095664},
    {-0.4694176487381494, 0.23755885684025541, -0.93502445235355647, -0.0038108451227422679,
     8.7431332116381917},
    {-1.3713448034727844, 0.27023100046632126, -1.9009878318930005, -0.84170177505256838,
     8.367607257885874},
    {-0.33935882833839059, 0.11141011610962319, -0.55771864342667765, -0.12099901325010351,
     9.9250269998113865},
    {0.44591340057137874, 0.72972998102048181, -0.98433108066786246, 1.8761578818106199,
     3.8216290629895808},
    {-0.017313948216879815, 0.26721650339001574, -0.54104867093603581, 0.50642077450227618,
     8.4028515522011009},
};

static const double bcg_estimate = -0.71453234215813966, bcg_se = 0.1797815161052069,
                    bcg_ci_lower = -1.0668976388103528, bcg_ci_upper = -0.36216704550592649,
                    bcg_tau2 = 0.3132432581364859, bcg_Q = 152.23300808237329,
                    bcg_Q_p = 1.9967645908459738e-26, bcg_I2 = 92.221384521269073,
                    bcg_z = -3.9744483061317619, bcg_p = 7.0542581016423697e-05,
                    bcg_pi_lower = -1.8666922179028962, bcg_pi_upper = 0.43762753358661677,
                    bcg_exp_estimate = 0.48942093982603013;
/* by allocation: alternate, random, systematic, and the test between them */
static const double bcg_sub[3] = {-0.54079296184934578, -0.97096470426308867, -0.42420739151087189};
static const double bcg_sub_Q = 1.8614449461546356, bcg_sub_p = 0.39426875888558488;

/* What one test analyses: the request, the arms and the result. */
struct fixture {
    struct meta_analysis_request req;
    struct test_arm arms[2 * K];
    struct meta_selection sel;
    struct meta_analysis an;
};

/* BCG, RR, REML, with `options` (key, value pairs ending with NULL). */
static int bcg_analysis(struct fixture *fx, const char *const *options)
{
    memset(fx, 0, sizeof *fx);
    for (size_t i = 0; i < K; i++) {
        fx->arms[2 * i] = (struct test_arm){
            bcg[i].id, bcg[i].trial,    "vaccine",      META_SIDE_TREATMENT, NAN,         NAN,
            NAN,       bcg[i].t_events, bcg[i].t_total, bcg[i].year,         bcg[i].alloc};
        fx->arms[2 * i + 1] = (struct test_arm){
            bcg[i].id, bcg[i].trial,    "none",         META_SIDE_CONTROL, NAN, NAN,
            NAN,       bcg[i].c_events, bcg[i].c_total, bcg[i].year,       NULL};
    }
    struct meta_request_error e;
    meta_request_error_init(&e, NULL);
    meta_analysis_init(&fx->an);
    if (test_request(&fx->req, "tb", "vaccine", "none", options) != META_OK ||
        test_selection(&fx->sel, fx->arms, 2 * K, 1, "tb", "") != 0)
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

/* Writes the analysis in `format` into a new string (free it). */
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

/* ---- Vocabulary and numbers --------------------------------------------- */

static void test_vocabulary(void)
{
    static const struct {
        const char *code, *label;
        int log_scale;
    } cases[] = {
        {"RR", "Risk Ratio", 1}, {"smd", "Std. Mean Difference", 0}, {"ROM", "Ratio of Means", 1},
        {"OR", "Odds Ratio", 1}, {"RD", "Risk Difference", 0},       {"MD", "Mean Difference", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum meta_measure m;
        CU_ASSERT_EQUAL_FATAL(meta_measure_parse(cases[i].code, &m), META_OK);
        CU_ASSERT_STRING_EQUAL(meta_measure_label(m), cases[i].label);
        CU_ASSERT_EQUAL(meta_measure_is_ratio(m), cases[i].log_scale);
        CU_ASSERT_EQUAL(meta_measure_display(m, 0.0), cases[i].log_scale ? 1.0 : 0.0);
    }
    enum meta_measure m;
    CU_ASSERT_EQUAL(meta_measure_parse("IRR", &m), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(meta_measure_title(META_SMD),
                           "standardised mean difference (Hedges' g)");
    CU_ASSERT_STRING_EQUAL(meta_measure_label((enum meta_measure)99), "Effect");
    CLOSE(bcg_exp_estimate, meta_measure_display(META_RR, bcg_estimate));
    CU_ASSERT_EQUAL(meta_measure_display(META_MD, -0.5), -0.5);
}

static void test_numbers(void)
{
    char b[40];
    meta_shortest_double(b, sizeof b, 0.1);
    CU_ASSERT_STRING_EQUAL(b, "0.1");
    meta_shortest_double(b, sizeof b, 1.0 / 3.0);
    CU_ASSERT_STRING_EQUAL(b, "0.3333333333333333");
    CU_ASSERT_EQUAL(strtod(b, NULL), 1.0 / 3.0);
    meta_shortest_double(b, sizeof b, NAN);
    CU_ASSERT_STRING_EQUAL(b, "");
    enum meta_report_format f;
    CU_ASSERT_EQUAL(meta_report_format_parse("csv", &f), META_OK);
    CU_ASSERT_EQUAL(f, META_REPORT_CSV);
    CU_ASSERT_EQUAL(meta_report_format_parse("xml", &f), META_EINVAL);

    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    meta_csv_field(mem, "plain");
    fputc(',', mem);
    meta_csv_field(mem, "a, \"b\"");
    fputc(',', mem);
    meta_csv_field(mem, " padded");
    fputc(',', mem);
    meta_csv_field(mem, NULL);
    fclose(mem);
    CU_ASSERT_STRING_EQUAL(buf, "plain,\"a, \"\"b\"\"\",\" padded\",");
    free(buf);
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_csv(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    char *text = written(&fx.an, META_REPORT_CSV);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    char *header[64], *f[64];
    size_t nh = test_csv_split(line, header, 64);
    CU_ASSERT_EQUAL(nh, 40);
    int c_type = test_csv_column(header, nh, "type"),
        c_trial = test_csv_column(header, nh, "trial"),
        c_est = test_csv_column(header, nh, "estimate"), c_se = test_csv_column(header, nh, "se"),
        c_lo = test_csv_column(header, nh, "ci_lower"),
        c_hi = test_csv_column(header, nh, "ci_upper"), c_w = test_csv_column(header, nh, "weight"),
        c_exp = test_csv_column(header, nh, "exp_estimate"),
        c_tau2 = test_csv_column(header, nh, "tau2"), c_qp = test_csv_column(header, nh, "Q_p"),
        c_i2 = test_csv_column(header, nh, "I2"), c_pi = test_csv_column(header, nh, "pi_lower"),
        c_ev = test_csv_column(header, nh, "treatment_events");
    size_t studies = 0, pooled = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        size_t n = test_csv_split(line, f, 64);
        CU_ASSERT_EQUAL_FATAL(n, nh);
        if (strcmp(f[c_type], "study") == 0) {
            size_t i = studies++;
            CU_ASSERT_FATAL(i < K);
            CU_ASSERT_STRING_EQUAL(f[c_trial], bcg[i].trial);
            CU_ASSERT_EQUAL(atoi(f[c_ev]), bcg[i].t_events);
            CLOSE(bcg_study[i][0], strtod(f[c_est], NULL));
            CLOSE(bcg_study[i][1], strtod(f[c_se], NULL));
            CLOSE(bcg_study[i][2], strtod(f[c_lo], NULL));
            CLOSE(bcg_study[i][3], strtod(f[c_hi], NULL));
            CLOSE(bcg_study[i][4], strtod(f[c_w], NULL));
            CLOSE(exp(bcg_study[i][0]), strtod(f[c_exp], NULL));
        } else if (strcmp(f[c_type], "pooled") == 0) {
            pooled++;
            CLOSE(bcg_estimate, strtod(f[c_est], NULL));
            CLOSE(bcg_se, strtod(f[c_se], NULL));
            CLOSE(bcg_exp_estimate, strtod(f[c_exp], NULL));
            CLOSE(bcg_tau2, strtod(f[c_tau2], NULL));
            CLOSE(bcg_Q_p, strtod(f[c_qp], NULL));
            CLOSE(bcg_I2, strtod(f[c_i2], NULL));
            CLOSE(bcg_pi_lower, strtod(f[c_pi], NULL));
        }
    }
    CU_ASSERT_EQUAL(studies, K);
    CU_ASSERT_EQUAL(pooled, 1);
    free(text);
    fixture_release(&fx);
}

/* ---- JSON ---------------------------------------------------------------- */

static double jget(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(o, key, &v));
    return json_object_get_double(v);
}

static void test_json(void)
{
    static const char *const by[] = {"by", "alloc", "leave-one-out", NULL, NULL};
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, by), META_OK);
    char *text = written(&fx.an, META_REPORT_JSON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct json_object *root = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    struct json_object *v = NULL, *studies = NULL, *exp_o = NULL, *groups = NULL, *test = NULL,
                       *loo = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "measure", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "RR");
    CLOSE(bcg_estimate, jget(root, "estimate"));
    CLOSE(bcg_se, jget(root, "se"));
    CLOSE(bcg_ci_lower, jget(root, "ci_lower"));
    CLOSE(bcg_ci_upper, jget(root, "ci_upper"));
    CLOSE(bcg_tau2, jget(root, "tau2"));
    CLOSE(bcg_Q, jget(root, "Q"));
    CLOSE(bcg_Q_p, jget(root, "Q_p"));
    CLOSE(bcg_I2, jget(root, "I2"));
    CLOSE(bcg_z, jget(root, "statistic"));
    CLOSE(bcg_p, jget(root, "p"));
    CLOSE(bcg_pi_upper, jget(root, "pi_upper"));
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "exp", &exp_o));
    CLOSE(bcg_exp_estimate, jget(exp_o, "estimate"));
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "studies", &studies));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(studies), K);
    for (size_t i = 0; i < K; i++) {
        struct json_object *s = json_object_array_get_idx(studies, i);
        CLOSE(bcg_study[i][0], jget(s, "yi"));
        CLOSE(bcg_study[i][1] * bcg_study[i][1], jget(s, "vi"));
        CLOSE(bcg_study[i][4], jget(s, "weight"));
    }
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "subgroups", &groups));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(groups), 3);
    for (size_t g = 0; g < 3; g++)
        CLOSE(bcg_sub[g], jget(json_object_array_get_idx(groups, g), "estimate"));
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "subgroup_test", &test));
    CLOSE(bcg_sub_Q, jget(test, "Q"));
    CLOSE(bcg_sub_p, jget(test, "p"));
    CU_ASSERT_FATAL(json_object_object_get_ex(root, "leave_one_out", &loo));
    CU_ASSERT_EQUAL(json_object_array_length(loo), K);
    json_object_put(root);
    free(text);
    fixture_release(&fx);
}

/* ---- Table --------------------------------------------------------------- */

static void test_table(void)
{
    struct fixture fx;
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    char *text = written(&fx.an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* metafor's figures at the table's precision */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "0.49  [0.34, 0.70]  100.0%"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "tau^2 = 0.3132"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "I^2 = 92.2%"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Q = 152.23, df = 12, p < 0.0001"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Prediction interval"));
    test_check_golden("bcg_table.txt", text);
    free(text);
    fixture_release(&fx);

    /* continuous, combined arms, trials left out, subgroups, cumulative */
    static const char *const opts[] = {"by", "dose", "cumulative", "yes", NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    CU_ASSERT_EQUAL_FATAL(test_pain_analysis(&req, &sel, &an, opts, &e), META_OK);
    text = written(&an, META_REPORT_TABLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "dose = 0.15"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "T4: no placebo arm"));
    test_check_golden("pain_by_dose_table.txt", text);
    free(text);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    free(sel.arms);
}

/* ---- The plot adapter ---------------------------------------------------- */

static void test_forest(void)
{
    struct fixture fx;
    struct meta_error err;
    struct meta_forest *f = NULL;
    struct meta_plot_settings settings = {.title = "BCG"};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_report_forest(&fx.an, &settings, &f, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(f->measure, "Risk Ratio");
    CU_ASSERT_EQUAL(f->log_scale, 1);
    CU_ASSERT_STRING_EQUAL(f->title, "BCG");
    CU_ASSERT_STRING_EQUAL(f->treatment, "vaccine");
    CU_ASSERT_STRING_EQUAL(f->model, "Random effects");
    CU_ASSERT_STRING_EQUAL(f->method, "REML");
    CU_ASSERT_EQUAL_FATAL(f->n_rows, K + 1);
    for (size_t i = 0; i < K; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        CU_ASSERT_EQUAL_FATAL(r->kind, META_FOREST_STUDY);
        CU_ASSERT_STRING_EQUAL(r->study.label, bcg[i].trial);
        CU_ASSERT_EQUAL(r->study.treatment.events, bcg[i].t_events);
        CU_ASSERT_EQUAL(r->study.control.n, bcg[i].c_total);
        CU_ASSERT_EQUAL(r->study.year, atof(bcg[i].year));
        CLOSE(bcg_study[i][0], r->study.estimate);
        CLOSE(bcg_study[i][2], r->study.ci_lower);
        CLOSE(bcg_study[i][3], r->study.ci_upper);
        CLOSE(bcg_study[i][4], r->study.weight);
    }
    const struct meta_forest_summary *s = &f->rows[K].summary;
    CU_ASSERT_EQUAL(f->rows[K].kind, META_FOREST_OVERALL);
    CLOSE(bcg_estimate, s->estimate);
    CLOSE(bcg_ci_lower, s->ci_lower);
    CLOSE(bcg_ci_upper, s->ci_upper);
    CLOSE(bcg_pi_lower, s->pi_lower);
    CLOSE(bcg_pi_upper, s->pi_upper);
    CLOSE(bcg_tau2, s->tau2);
    CLOSE(bcg_Q, s->q);
    CU_ASSERT_EQUAL(s->q_df, 12);
    CLOSE(bcg_Q_p, s->q_p);
    CLOSE(bcg_I2, s->i2);
    CLOSE(bcg_z, s->stat);
    CU_ASSERT(isnan(s->stat_df));
    CLOSE(bcg_p, s->p);
    meta_forest_free(f);
    fixture_release(&fx);
}

static void test_forest_subgroups(void)
{
    static const char *const by[] = {"by", "alloc", NULL};
    static const char *const headings[] = {"alloc: alternate", "alloc: random",
                                           "alloc: systematic"};
    struct fixture fx;
    struct meta_error err;
    struct meta_forest *f = NULL;
    struct meta_plot_settings settings = {0};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, by), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_report_forest(&fx.an, &settings, &f, &err), META_OK);
    size_t sections = 0, subtotals = 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct meta_forest_row *r = &f->rows[i];
        if (r->kind == META_FOREST_SECTION) {
            CU_ASSERT_FATAL(sections < 3);
            CU_ASSERT_STRING_EQUAL(r->label, headings[sections]);
            sections++;
        } else if (r->kind == META_FOREST_SUBTOTAL) {
            CU_ASSERT_FATAL(subtotals < 3);
            CLOSE(bcg_sub[subtotals], r->summary.estimate);
            CU_ASSERT(isnan(r->summary.weight));
            subtotals++;
        }
    }
    CU_ASSERT_EQUAL(sections, 3);
    CU_ASSERT_EQUAL(subtotals, 3);
    CU_ASSERT_EQUAL(f->has_subgroup_test, 1);
    CLOSE(bcg_sub_Q, f->subgroup_q);
    CU_ASSERT_EQUAL(f->subgroup_df, 2);
    CLOSE(bcg_sub_p, f->subgroup_p);
    meta_forest_free(f);
    fixture_release(&fx);
}

static void test_funnel(void)
{
    struct fixture fx;
    struct meta_error err;
    struct meta_funnel *f = NULL;
    struct meta_plot_settings settings = {0};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_report_funnel(&fx.an, &settings, &f, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(f->measure, "Risk Ratio");
    CU_ASSERT_EQUAL(f->log_scale, 1);
    CLOSE(bcg_estimate, f->estimate);
    CU_ASSERT_EQUAL_FATAL(f->n_points, K);
    for (size_t i = 0; i < K; i++) {
        CLOSE(bcg_study[i][0], f->points[i].yi);
        CLOSE(bcg_study[i][1], f->points[i].sei); /* the standard error, not the variance */
        CU_ASSERT_STRING_EQUAL(f->points[i].label, bcg[i].trial);
    }
    meta_funnel_free(f);
    fixture_release(&fx);
}

static void test_bad_sort(void)
{
    struct fixture fx;
    struct meta_error err;
    struct meta_forest *f = NULL;
    struct meta_plot_settings settings = {.sort = "alphabet"};
    CU_ASSERT_EQUAL_FATAL(bcg_analysis(&fx, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_report_forest(&fx.an, &settings, &f, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    fixture_release(&fx);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"vocabulary: codes, labels, back-transform", test_vocabulary},
        {"numbers: shortest decimals, formats, CSV fields", test_numbers},
        {"csv of BCG against metafor", test_csv},
        {"json of BCG with subgroups against metafor", test_json},
        {"tables: metafor's figures and golden files", test_table},
        {"forest adapter against metafor", test_forest},
        {"forest adapter: subgroups and their test", test_forest_subgroups},
        {"funnel adapter against metafor", test_funnel},
        {"forest adapter: a bad sort order", test_bad_sort},
        {NULL, NULL},
    };
    return meta_test_run_suite("report", NULL, NULL, cases);
}
