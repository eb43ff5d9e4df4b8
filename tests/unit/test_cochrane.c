/*
 * RevMan's own numbers, reproduced under the revman5 convention: every
 * study's effect (natural scale), interval and weight that the Cochrane data
 * packages in tests/data/cochrane print (rounded to 6 decimals), for every
 * analysis, with the settings each analysis used; and the totals of the
 * Fleiss 1993 package's settings file.
 */
#include "cochrane_rows.h"
#include "cunit_main.h"
#include "meta_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA META_TEST_DATA_DIR "/cochrane/"

/* Printed to 6 decimals: a value within half a unit of the last digit. */
#define PRINTED_TOL (0.5e-6 * (1.0 + 1e-9))

enum data_type { DICH, CONT, GIV, OE };

/* How one analysis was set up. */
struct setting {
    enum data_type type;
    struct meta_options opts;
};

/* What the package of CD015373 does not say, found by reproducing its
 * numbers (INTERFACE.md section 4 names the columns): the data type from the
 * filled columns; the effect measure from the printed study effects (RR
 * reproduces every dichotomous analysis, OR and RD none; MD every continuous
 * one except 7.19 and 7.21, which are SMDs); the model and tau^2 estimator
 * from the printed weights: random effects, inverse variance, with
 * DerSimonian-Laird (REML misses the weights of 1.1, 1.9, 7.2, 7.14, 7.19 and
 * 7.23 by up to 13 points; MH-centred DL misses 1.9, 7.14 and 7.23). */
static int cd015373_setting(const char *analysis, enum data_type type, struct setting *s)
{
    meta_options_init(&s->opts);
    s->type = type;
    s->opts.convention = META_CONVENTION_REVMAN5;
    s->opts.model = META_MODEL_RANDOM;
    s->opts.method = META_METHOD_DL;
    if (type == DICH)
        s->opts.measure = META_RR;
    else if (strcmp(analysis, "7.19") == 0 || strcmp(analysis, "7.21") == 0)
        s->opts.measure = META_SMD;
    else
        s->opts.measure = META_MD;
    return 0;
}

/* Reads the settings of analysis (group, number) from a package's
 * overall-estimates-and-settings file. */
static int package_setting(const struct cochrane_table *st, const char *group, const char *number,
                           struct setting *s)
{
    for (size_t r = 0; r < st->n_rows; r++) {
        if (strcmp(cochrane_field(st, r, "Analysis group"), group) != 0 ||
            strcmp(cochrane_field(st, r, "Analysis number"), number) != 0)
            continue;
        const char *type = cochrane_field(st, r, "Data type");
        const char *method = cochrane_field(st, r, "Statistical method");
        const char *measure = cochrane_field(st, r, "Effect measure");
        const char *model = cochrane_field(st, r, "Analysis model");
        const char *het = cochrane_field(st, r, "Heterogeneity estimator");
        meta_options_init(&s->opts);
        s->opts.convention = META_CONVENTION_REVMAN5;
        s->type = strcmp(type, "Dichotomous") == 0  ? DICH
                  : strcmp(type, "Continuous") == 0 ? CONT
                  : strcmp(type, "O-E") == 0        ? OE
                                                    : GIV;
        if (strcmp(measure, "Odds Ratio") == 0 || strcmp(measure, "Peto Odds Ratio") == 0)
            s->opts.measure = META_OR;
        else if (strcmp(measure, "Risk Ratio") == 0)
            s->opts.measure = META_RR;
        else if (strcmp(measure, "Risk Difference") == 0)
            s->opts.measure = META_RD;
        else if (strstr(measure, "Standardi") != NULL)
            s->opts.measure = META_SMD;
        else
            s->opts.measure = META_MD;
        s->opts.model = strncmp(model, "Random", 6) == 0 ? META_MODEL_RANDOM : META_MODEL_COMMON;
        if (strcmp(method, "MH") == 0)
            s->opts.method = META_METHOD_MH;
        else if (strcmp(method, "Peto") == 0)
            s->opts.method = META_METHOD_PETO;
        else if (s->opts.model == META_MODEL_RANDOM)
            s->opts.method = strcmp(het, "REML") == 0 ? META_METHOD_REML : META_METHOD_DL;
        else
            s->opts.method = META_METHOD_IV;
        return 0;
    }
    return -1;
}

/* The data type of a row from its filled columns. */
static enum data_type row_type(const struct cochrane_table *t, size_t r)
{
    if (cochrane_number(t, r, "GIV SE") != 0.0)
        return GIV;
    if (cochrane_number(t, r, "Variance") != 0.0)
        return OE;
    if (cochrane_number(t, r, "Experimental SD") != 0.0 ||
        cochrane_number(t, r, "Control SD") != 0.0)
        return CONT;
    return DICH;
}

struct tally {
    size_t analyses, rows, values, not_estimable, not_computed, failures;
    double max_diff;
};

static void compare(double printed, double got, const char *what, const char *analysis,
                    const char *study, struct tally *tl)
{
    double diff = fabs(got - printed);
    tl->values++;
    if (diff > tl->max_diff)
        tl->max_diff = diff;
    if (!(diff <= PRINTED_TOL)) {
        tl->failures++;
        printf("\n    %s %s %s: RevMan %.6f, meta %.9f", analysis, study, what, printed, got);
    }
}

/* Pools the rows rows[0..n-1] of one analysis and compares every study. */
static void check_analysis(const struct cochrane_table *t, const size_t *rows, size_t n,
                           const char *analysis, const struct setting *s, struct tally *tl)
{
    struct meta_study *studies = calloc(n, sizeof *studies);
    double *yi = calloc(n, sizeof *yi), *vi = calloc(n, sizeof *vi);
    size_t *group = calloc(n, sizeof *group), n_groups = 0;
    const char **names = calloc(n, sizeof *names);
    CU_ASSERT_FATAL(studies && yi && vi && group && names);
    for (size_t j = 0; j < n; j++) {
        size_t r = rows[j];
        struct meta_study *st = &studies[j];
        st->label = cochrane_field(t, r, "Study");
        st->binary = s->type == DICH;
        st->tb = (struct meta_arm_bin){cochrane_number(t, r, "Experimental cases"),
                                       cochrane_number(t, r, "Experimental N")};
        st->cb = (struct meta_arm_bin){cochrane_number(t, r, "Control cases"),
                                       cochrane_number(t, r, "Control N")};
        st->tc = (struct meta_arm_cont){cochrane_number(t, r, "Experimental N"),
                                        cochrane_number(t, r, "Experimental mean"),
                                        cochrane_number(t, r, "Experimental SD")};
        st->cc = (struct meta_arm_cont){cochrane_number(t, r, "Control N"),
                                        cochrane_number(t, r, "Control mean"),
                                        cochrane_number(t, r, "Control SD")};
        if (s->type == GIV) {
            double se = cochrane_number(t, r, "GIV SE");
            yi[j] = se > 0.0 ? cochrane_number(t, r, "GIV Mean") : NAN;
            vi[j] = se > 0.0 ? se * se : NAN;
        } else if (s->type == OE) {
            double v = cochrane_number(t, r, "Variance");
            yi[j] = v > 0.0 ? cochrane_number(t, r, "O-E") / v : NAN;
            vi[j] = v > 0.0 ? 1.0 / v : NAN;
        }
        const char *sg = cochrane_field(t, r, "Subgroup");
        size_t g = 0;
        while (g < n_groups && strcmp(names[g], sg) != 0)
            g++;
        if (g == n_groups)
            names[n_groups++] = sg;
        group[j] = g;
    }
    struct meta_subgroup_analysis sa;
    struct meta_error err = {""};
    int ret = s->type == GIV || s->type == OE
                  ? meta_pool_subgroups_yv(yi, vi, n, group, n_groups, &s->opts, &sa, &err)
                  : meta_pool_subgroups(studies, n, group, n_groups, &s->opts, &sa, &err);
    if (ret != META_OK) {
        printf("\n    %s: %s", analysis, err.msg);
        tl->failures++;
    }
    CU_ASSERT_EQUAL(ret, META_OK);
    int ratio = meta_measure_is_ratio(s->opts.measure) || s->type == OE;
    for (size_t j = 0; ret == META_OK && j < n; j++) {
        size_t r = rows[j];
        const struct meta_study_result *res = &sa.overall.studies[j];
        const char *study = cochrane_field(t, r, "Study");
        const char *w = cochrane_field(t, r, "Weight");
        tl->rows++;
        if (!*w && !*cochrane_field(t, r, "Mean")) {
            /* RevMan: "Not estimable", no weight. */
            tl->not_estimable++;
            CU_ASSERT(isnan(res->yi) && res->weight == 0.0);
            continue;
        }
        double weight = cochrane_number(t, r, "Weight"), mean = cochrane_number(t, r, "Mean");
        double lo = cochrane_number(t, r, "CI start"), hi = cochrane_number(t, r, "CI end");
        if (weight == 0.0 && mean == 0.0 && lo == 0.0 && hi == 0.0) {
            /* The package leaves zeros where RevMan computed nothing (the
             * Fleiss SMD analysis, stored empty by RevMan 5). */
            tl->not_computed++;
            CU_ASSERT(isfinite(res->yi) && res->weight > 0.0);
            continue;
        }
        compare(weight, res->weight, "Weight", analysis, study, tl);
        compare(mean, ratio ? exp(res->yi) : res->yi, "Mean", analysis, study, tl);
        compare(lo, ratio ? exp(res->ci_lower) : res->ci_lower, "CI start", analysis, study, tl);
        compare(hi, ratio ? exp(res->ci_upper) : res->ci_upper, "CI end", analysis, study, tl);
    }
    tl->analyses++;
    meta_subgroup_analysis_release(&sa);
    free(studies);
    free(yi);
    free(vi);
    free(group);
    free(names);
}

/* Every analysis of a data-rows file, in file order; settings from st (may
 * be NULL: CD015373's table above). */
static void check_package(const char *rows_path, const struct cochrane_table *st, struct tally *tl)
{
    struct cochrane_table t;
    CU_ASSERT_FATAL(cochrane_table_read(rows_path, &t) == 0);
    size_t *rows = calloc(t.n_rows ? t.n_rows : 1, sizeof *rows);
    char *done = calloc(t.n_rows ? t.n_rows : 1, 1);
    CU_ASSERT_FATAL(rows && done);
    for (size_t r = 0; r < t.n_rows; r++) {
        if (done[r])
            continue;
        const char *group = cochrane_field(&t, r, "Analysis group");
        const char *number = cochrane_field(&t, r, "Analysis number");
        size_t n = 0;
        for (size_t q = r; q < t.n_rows; q++)
            if (strcmp(cochrane_field(&t, q, "Analysis group"), group) == 0 &&
                strcmp(cochrane_field(&t, q, "Analysis number"), number) == 0) {
                rows[n++] = q;
                done[q] = 1;
            }
        char analysis[64];
        snprintf(analysis, sizeof analysis, "%s.%s", group, number);
        struct setting s;
        if (st) {
            CU_ASSERT_FATAL(package_setting(st, group, number, &s) == 0);
        } else {
            cd015373_setting(analysis, row_type(&t, rows[0]), &s);
        }
        check_analysis(&t, rows, n, analysis, &s, tl);
    }
    free(rows);
    free(done);
    cochrane_table_free(&t);
}

/* CD015373: 95 analyses, 176 rows, all dichotomous or continuous; 7 rows
 * not estimable (no events in either arm). */
static void test_cd015373_studies(void)
{
    struct tally tl = {0};
    check_package(DATA "CD015373/CD015373_pub2-data-rows.csv", NULL, &tl);
    printf("\n    CD015373: %zu analyses, %zu rows, %zu values compared, %zu not estimable, "
           "largest difference %.3g",
           tl.analyses, tl.rows, tl.values, tl.not_estimable, tl.max_diff);
    CU_ASSERT_EQUAL(tl.failures, 0);
    CU_ASSERT_EQUAL(tl.analyses, 95);
    CU_ASSERT_EQUAL(tl.rows, 176);
    CU_ASSERT_EQUAL(tl.not_estimable, 7);
    CU_ASSERT_EQUAL(tl.values, 4 * (176 - 7));
}

/* Fleiss 1993: the MH odds ratio (7 studies) and the SMD analysis, whose
 * five rows RevMan left uncomputed (zeros in the package, empty attributes
 * in the .rm5 file it came from). */
static void test_fleiss_studies(void)
{
    struct cochrane_table st;
    struct tally tl = {0};
    CU_ASSERT_FATAL(cochrane_table_read(DATA "Fleiss1993/921923100913455418-overall-estimates-"
                                             "and-settings.csv",
                                        &st) == 0);
    check_package(DATA "Fleiss1993/921923100913455418-data-rows.csv", &st, &tl);
    printf("\n    Fleiss1993: %zu analyses, %zu rows, %zu values compared, %zu not computed by "
           "RevMan, largest difference %.3g",
           tl.analyses, tl.rows, tl.values, tl.not_computed, tl.max_diff);
    CU_ASSERT_EQUAL(tl.failures, 0);
    CU_ASSERT_EQUAL(tl.analyses, 2);
    CU_ASSERT_EQUAL(tl.values, 4 * 7);
    CU_ASSERT_EQUAL(tl.not_computed, 5);
    cochrane_table_free(&st);
}

/* The totals of analysis 1.1 in the Fleiss settings file (6 decimals). */
static void test_fleiss_totals(void)
{
    struct cochrane_table st, t;
    struct tally tl = {0};
    CU_ASSERT_FATAL(cochrane_table_read(DATA "Fleiss1993/921923100913455418-overall-estimates-"
                                             "and-settings.csv",
                                        &st) == 0);
    CU_ASSERT_FATAL(cochrane_table_read(DATA "Fleiss1993/921923100913455418-data-rows.csv", &t) ==
                    0);
    struct setting s;
    CU_ASSERT_FATAL(package_setting(&st, "1", "1", &s) == 0);
    CU_ASSERT_EQUAL(s.opts.method, META_METHOD_MH);
    CU_ASSERT_EQUAL(s.opts.measure, META_OR);
    struct meta_study studies[7];
    size_t k = 0;
    for (size_t r = 0; r < t.n_rows && k < 7; r++) {
        if (strcmp(cochrane_field(&t, r, "Analysis number"), "1") != 0)
            continue;
        studies[k++] = (struct meta_study){
            .label = cochrane_field(&t, r, "Study"),
            .binary = 1,
            .tb = {cochrane_number(&t, r, "Experimental cases"),
                   cochrane_number(&t, r, "Experimental N")},
            .cb = {cochrane_number(&t, r, "Control cases"), cochrane_number(&t, r, "Control N")}};
    }
    CU_ASSERT_FATAL(k == 7);
    struct meta_result res;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(meta_pool(studies, k, &s.opts, &res, &err) == META_OK);
    size_t r = 0;
    while (strcmp(cochrane_field(&st, r, "Analysis number"), "1") != 0)
        r++;
    compare(cochrane_number(&st, r, "Mean"), exp(res.estimate), "Mean", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "CI start"), exp(res.ci_lower), "CI start", "1.1", "total",
            &tl);
    compare(cochrane_number(&st, r, "CI end"), exp(res.ci_upper), "CI end", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Heterogeneity Chi²"), res.Q, "Chi2", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Heterogeneity df"), res.Q_df, "df", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Heterogeneity P"), res.Q_p, "P", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Heterogeneity I²"), res.I2, "I2", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Effect Z"), fabs(res.statistic), "Z", "1.1", "total", &tl);
    compare(cochrane_number(&st, r, "Effect P"), res.p, "P", "1.1", "total", &tl);
    CU_ASSERT_EQUAL(tl.failures, 0);
    meta_result_release(&res);
    cochrane_table_free(&st);
    cochrane_table_free(&t);
}

/* What the review's summary reports (tests/data/cochrane/README.md), to
 * its two decimals: 1.1 MD -15.79 (-32.09 to 0.51), 1.4 MD -5.32 (-15.51 to
 * 4.87), 1.9 RR 3.26 (1.05 to 10.09). */
static void test_cd015373_summary(void)
{
    static const struct {
        const char *number;
        double est, lo, hi;
    } cases[] = {{"1", -15.79, -32.09, 0.51}, {"4", -5.32, -15.51, 4.87}, {"9", 3.26, 1.05, 10.09}};
    struct cochrane_table t;
    CU_ASSERT_FATAL(cochrane_table_read(DATA "CD015373/CD015373_pub2-data-rows.csv", &t) == 0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct meta_study studies[8];
        size_t k = 0;
        enum data_type type = DICH;
        for (size_t r = 0; r < t.n_rows && k < 8; r++) {
            if (strcmp(cochrane_field(&t, r, "Analysis group"), "1") != 0 ||
                strcmp(cochrane_field(&t, r, "Analysis number"), cases[c].number) != 0)
                continue;
            type = row_type(&t, r);
            studies[k++] = (struct meta_study){.binary = type == DICH,
                                               .tb = {cochrane_number(&t, r, "Experimental cases"),
                                                      cochrane_number(&t, r, "Experimental N")},
                                               .cb = {cochrane_number(&t, r, "Control cases"),
                                                      cochrane_number(&t, r, "Control N")},
                                               .tc = {cochrane_number(&t, r, "Experimental N"),
                                                      cochrane_number(&t, r, "Experimental mean"),
                                                      cochrane_number(&t, r, "Experimental SD")},
                                               .cc = {cochrane_number(&t, r, "Control N"),
                                                      cochrane_number(&t, r, "Control mean"),
                                                      cochrane_number(&t, r, "Control SD")}};
        }
        struct setting s;
        char name[16];
        snprintf(name, sizeof name, "1.%s", cases[c].number);
        cd015373_setting(name, type, &s);
        struct meta_result res;
        struct meta_error err = {""};
        CU_ASSERT_FATAL(meta_pool(studies, k, &s.opts, &res, &err) == META_OK);
        int ratio = meta_measure_is_ratio(s.opts.measure);
        double est = ratio ? exp(res.estimate) : res.estimate;
        double lo = ratio ? exp(res.ci_lower) : res.ci_lower;
        double hi = ratio ? exp(res.ci_upper) : res.ci_upper;
        CU_ASSERT(fabs(est - cases[c].est) <= 0.005);
        CU_ASSERT(fabs(lo - cases[c].lo) <= 0.005);
        CU_ASSERT(fabs(hi - cases[c].hi) <= 0.005);
        meta_result_release(&res);
    }
    cochrane_table_free(&t);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"CD015373: every study's effect, interval and weight", test_cd015373_studies},
        {"CD015373: the review's summary estimates", test_cd015373_summary},
        {"Fleiss 1993: every study's effect, interval and weight", test_fleiss_studies},
        {"Fleiss 1993: RevMan's totals of the MH odds ratio", test_fleiss_totals},
        {NULL, NULL}};
    return meta_test_run_suite("cochrane", NULL, NULL, cases);
}
