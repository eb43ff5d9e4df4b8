/*
 * Cochrane data packages read by meta_review_read_cochrane(): the shared
 * CD015373 data rows and the complete Fleiss1993 package, value by value
 * (every data-row number is compared with an independent reading of the CSV
 * made here with libcsv), the same package zipped by the test (flat, in
 * folders, and a zip inside a zip), a data-rows CSV alone, and a package
 * written here with every data type, subgroup totals, all RoB 2 domains and
 * the spelling variants real packages have.
 */
#include "cunit_main.h"
#include "import_fixtures.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- An independent reading of a data-rows CSV (the oracle) ------------- */

#define ORACLE_ROWS 256
#define ORACLE_COLS 48

struct oracle {
    char *cell[ORACLE_ROWS][ORACLE_COLS];
    char *header[ORACLE_COLS];
    size_t ncols, nrows, col;
    int in_header;
};

static void oracle_field(void *s, size_t len, void *data)
{
    struct oracle *o = data;
    char *v = malloc(len + 1);
    memcpy(v, s, len);
    v[len] = '\0';
    if (o->in_header && o->col < ORACLE_COLS)
        o->header[o->ncols++] = v;
    else if (!o->in_header && o->nrows < ORACLE_ROWS && o->col < ORACLE_COLS)
        o->cell[o->nrows][o->col] = v;
    else
        free(v);
    o->col++;
}

static void oracle_row(int c, void *data)
{
    (void)c;
    struct oracle *o = data;
    if (!o->in_header)
        o->nrows++;
    o->in_header = 0;
    o->col = 0;
}

static void oracle_read(struct oracle *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->in_header = 1;
    size_t len;
    char *text = fx_slurp(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const char *start = text;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        start += 3;
        len -= 3;
    }
    struct csv_parser p;
    CU_ASSERT_EQUAL_FATAL(csv_init(&p, 0), 0);
    CU_ASSERT_EQUAL(csv_parse(&p, start, len, oracle_field, oracle_row, o), len);
    csv_fini(&p, oracle_field, oracle_row, o);
    csv_free(&p);
    free(text);
}

static const char *oracle_get(const struct oracle *o, size_t row, const char *col)
{
    for (size_t c = 0; c < o->ncols; c++)
        if (strcmp(o->header[c], col) == 0)
            return o->cell[row][c] ? o->cell[row][c] : "";
    return "";
}

static void oracle_free(struct oracle *o)
{
    for (size_t r = 0; r < o->nrows && r < ORACLE_ROWS; r++)
        for (size_t c = 0; c < ORACLE_COLS; c++)
            free(o->cell[r][c]);
    for (size_t c = 0; c < o->ncols; c++)
        free(o->header[c]);
}

/* The model's value for a cell: "" is absent; "0" may be an unused field
 * of another data type (then the model has NAN), anything else is itself. */
static void check_cell(double got, const char *cell, int used)
{
    if (!*cell) {
        CU_ASSERT(isnan(got));
        return;
    }
    double want = strtod(cell, NULL);
    if (!used) {
        CU_ASSERT(want == 0);
        CU_ASSERT(isnan(got));
        return;
    }
    FX_NUM(got, want);
}

/* The model's row for the CSV line (physical line = data row + 2 here: no
 * field of these files spans lines). */
static const struct meta_review_row *row_at_line(const struct meta_review *rv, long line)
{
    for (size_t a = 0; a < rv->n_analyses; a++)
        for (size_t i = 0; i < rv->analyses[a].n_rows; i++)
            if (rv->analyses[a].rows[i].line == line)
                return &rv->analyses[a].rows[i];
    return NULL;
}

static const char *rob_word(enum meta_review_rob r)
{
    return r == META_REVIEW_ROB_LOW             ? "Low risk"
           : r == META_REVIEW_ROB_SOME_CONCERNS ? "Some concerns"
           : r == META_REVIEW_ROB_HIGH          ? "High risk"
                                                : "";
}

/* Every row of a data-rows file against the model. */
static void compare_all_rows(const struct meta_review *rv, const char *csv_path)
{
    static const char *const rob_cols[META_REVIEW_ROB_DOMAINS] = {
        "Bias arising from the randomization process (judgement)",
        "Bias due to deviations from intended interventions (judgement)",
        "Bias due to missing outcome data (judgement)",
        "Bias in measurement of the outcome (judgement)",
        "Bias in selection of the reported result (judgement)",
        "Overall bias (judgement)"};
    struct oracle o;
    oracle_read(&o, csv_path);
    size_t total = 0;
    for (size_t a = 0; a < rv->n_analyses; a++)
        total += rv->analyses[a].n_rows;
    CU_ASSERT_EQUAL(total, o.nrows);
    for (size_t i = 0; i < o.nrows; i++) {
        const struct meta_review_row *r = row_at_line(rv, (long)i + 2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        const struct meta_review_analysis *an = r->analysis;
        CU_ASSERT_EQUAL(an->group, atoi(oracle_get(&o, i, "Analysis group")));
        CU_ASSERT_EQUAL(an->number, atoi(oracle_get(&o, i, "Analysis number")));
        CU_ASSERT_STRING_EQUAL(an->name, oracle_get(&o, i, "Analysis name"));
        CU_ASSERT_STRING_EQUAL(r->study, oracle_get(&o, i, "Study"));
        CU_ASSERT_STRING_EQUAL(r->year ? r->year : "", oracle_get(&o, i, "Study year"));
        CU_ASSERT_STRING_EQUAL(r->subgroup ? r->subgroup->name : "", oracle_get(&o, i, "Subgroup"));
        const char *sgno = oracle_get(&o, i, "Subgroup number");
        if (*sgno)
            CU_ASSERT_EQUAL(r->subgroup->number, atoi(sgno));
        CU_ASSERT_STRING_EQUAL(r->footnotes ? r->footnotes : "", oracle_get(&o, i, "Footnotes"));
        CU_ASSERT_STRING_EQUAL(r->applicability_text ? r->applicability_text : "",
                               oracle_get(&o, i, "Applicability"));
        int dich = an->type == META_REVIEW_DICHOTOMOUS, cont = an->type == META_REVIEW_CONTINUOUS;
        check_cell(r->exp.mean, oracle_get(&o, i, "Experimental mean"), cont);
        check_cell(r->exp.sd, oracle_get(&o, i, "Experimental SD"), cont);
        check_cell(r->exp.events, oracle_get(&o, i, "Experimental cases"), dich);
        check_cell(r->exp.n, oracle_get(&o, i, "Experimental N"), 1);
        check_cell(r->ctl.mean, oracle_get(&o, i, "Control mean"), cont);
        check_cell(r->ctl.sd, oracle_get(&o, i, "Control SD"), cont);
        check_cell(r->ctl.events, oracle_get(&o, i, "Control cases"), dich);
        check_cell(r->ctl.n, oracle_get(&o, i, "Control N"), 1);
        check_cell(r->giv_mean, oracle_get(&o, i, "GIV Mean"), an->type == META_REVIEW_GIV);
        check_cell(r->giv_se, oracle_get(&o, i, "GIV SE"), an->type == META_REVIEW_GIV);
        check_cell(r->oe, oracle_get(&o, i, "O-E"), an->type == META_REVIEW_OE);
        check_cell(r->variance, oracle_get(&o, i, "Variance"), an->type == META_REVIEW_OE);
        const char *lo = oracle_get(&o, i, "CI start"), *hi = oracle_get(&o, i, "CI end");
        if (*lo && strtod(lo, NULL) < strtod(hi, NULL)) {
            FX_NUM(r->revman.weight, strtod(oracle_get(&o, i, "Weight"), NULL));
            FX_NUM(r->revman.estimate, strtod(oracle_get(&o, i, "Mean"), NULL));
            FX_NUM(r->revman.ci_lower, strtod(lo, NULL));
            FX_NUM(r->revman.ci_upper, strtod(hi, NULL));
            CU_ASSERT_EQUAL(r->estimable, 1);
        } else {
            CU_ASSERT(isnan(r->revman.weight) && isnan(r->revman.estimate));
        }
        for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
            CU_ASSERT_STRING_EQUAL(rob_word(r->rob[d]), oracle_get(&o, i, rob_cols[d]));
    }
    oracle_free(&o);
}

/* ---- CD015373 ----------------------------------------------------------- */

static void test_cd015373_model(void)
{
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    int rc = meta_review_read_cochrane(fx_data("cochrane/CD015373"), NULL, &rv, &err);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD015373");
    CU_ASSERT_STRING_EQUAL(rv->name, "CD015373");
    CU_ASSERT_PTR_NULL(rv->title);
    CU_ASSERT_EQUAL(rv->format, META_REVIEW_COCHRANE);
    CU_ASSERT_EQUAL(rv->n_analyses, 95);
    CU_ASSERT_EQUAL(rv->n_sources, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv->sources[0].name, "CD015373_pub2-data-rows.csv"));
    CU_ASSERT_EQUAL(rv->n_studies, 0);
    /* analyses in order: 1.1 ... 1.23, 2.1 ... */
    CU_ASSERT_EQUAL(rv->analyses[0].group, 1);
    CU_ASSERT_EQUAL(rv->analyses[0].number, 1);
    CU_ASSERT_EQUAL(rv->analyses[22].number, 23);
    CU_ASSERT_EQUAL(rv->analyses[23].group, 2);
    CU_ASSERT_EQUAL(rv->analyses[94].group, 13);

    /* 1.1: continuous, decided from the filled columns (no settings file) */
    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(an);
    CU_ASSERT_STRING_EQUAL(an->name, "Pain intensity (continuous), immediate-term follow-up");
    CU_ASSERT_EQUAL(an->type, META_REVIEW_CONTINUOUS);
    CU_ASSERT(an->type_inferred);
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_UNSET);
    /* no settings: the measure that reproduces the printed effects */
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "Mean Difference");
    CU_ASSERT(an->measure_inferred);
    CU_ASSERT_FALSE(an->overall.present);
    CU_ASSERT_EQUAL(an->n_rows, 3);
    CU_ASSERT_EQUAL(an->n_subgroups, 0);
    CU_ASSERT(an->has_rob);
    const struct meta_review_row *r = fx_row(an, "Lumanauw 2019");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->line, 2);
    CU_ASSERT_STRING_EQUAL(r->year, "2019");
    FX_NUM(r->exp.mean, 60.033898);
    FX_NUM(r->exp.sd, 38.030326);
    FX_NUM(r->exp.n, 59);
    CU_ASSERT(isnan(r->exp.events));
    FX_NUM(r->ctl.mean, 61.3);
    FX_NUM(r->ctl.sd, 32.7);
    FX_NUM(r->ctl.n, 30);
    FX_NUM(r->revman.weight, 34.134428);
    FX_NUM(r->revman.estimate, -1.266102);
    FX_NUM(r->revman.ci_lower, -16.467724);
    FX_NUM(r->revman.ci_upper, 13.93552);
    CU_ASSERT_EQUAL(r->rob[0], META_REVIEW_ROB_LOW);
    for (int d = 1; d < META_REVIEW_ROB_DOMAINS; d++)
        CU_ASSERT_EQUAL(r->rob[d], META_REVIEW_ROB_NONE);
    CU_ASSERT_EQUAL(r->applicability, META_REVIEW_APPLIES_BOTH);
    CU_ASSERT_PTR_NULL(r->footnotes);

    /* 1.2: subgroups numbered by the file (1 and 3), in number order */
    an = fx_analysis(rv, 1, 2);
    CU_ASSERT_EQUAL_FATAL(an->n_subgroups, 2);
    CU_ASSERT_STRING_EQUAL(an->subgroups[0].name, ">1 day to \xE2\x89\xA4"
                                                  "7 days");
    CU_ASSERT_EQUAL(an->subgroups[0].number, 1);
    CU_ASSERT_STRING_EQUAL(an->subgroups[1].name, "\xE2\x89\xA4"
                                                  "1 day");
    CU_ASSERT_EQUAL(an->subgroups[1].number, 3);
    r = fx_row(an, "Noppers 2011a");
    CU_ASSERT_PTR_EQUAL(r->subgroup, &an->subgroups[1]);
    CU_ASSERT_STRING_EQUAL(r->footnotes, "Software used to extract numerical data from figure.");

    /* 1.12: a study with no events in either arm stays, RevMan gave no result */
    an = fx_analysis(rv, 1, 12);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    r = fx_row(an, "Schwartzman 2009");
    FX_NUM(r->exp.events, 0);
    FX_NUM(r->exp.n, 9);
    FX_NUM(r->ctl.events, 0);
    FX_NUM(r->ctl.n, 10);
    CU_ASSERT_EQUAL(r->estimable, 0); /* its result cells are empty */
    CU_ASSERT(isnan(r->revman.weight));
    CU_ASSERT_EQUAL(r->rob[0], META_REVIEW_ROB_SOME_CONCERNS);
    CU_ASSERT_EQUAL(fx_row(an, "Lumanauw 2019")->estimable, 1);

    /* The effect measures the printed effects tell: SMD for the depressive
     * symptoms and quality of life scales of 7.19 and 7.21, RR for the
     * events; 1.19, whose one study is not estimable, prints none. */
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 7, 19)->effect_measure, "Std. Mean Difference");
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 7, 21)->effect_measure, "Std. Mean Difference");
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 1, 9)->effect_measure, "Risk Ratio");
    CU_ASSERT_PTR_NULL(fx_analysis(rv, 1, 19)->effect_measure);
    CU_ASSERT_FALSE(fx_analysis(rv, 1, 19)->measure_inferred);
    size_t smd = 0, md = 0, rr = 0;
    for (size_t i = 0; i < rv->n_analyses; i++) {
        const char *m = rv->analyses[i].effect_measure;
        smd += m && strcmp(m, "Std. Mean Difference") == 0;
        md += m && strcmp(m, "Mean Difference") == 0;
        rr += m && strcmp(m, "Risk Ratio") == 0;
    }
    CU_ASSERT_EQUAL(smd, 2);
    CU_ASSERT_EQUAL(md, 33);
    CU_ASSERT_EQUAL(rr, 56); /* and 4 whose studies are all not estimable */

    /* 2.1: Dadabayev 2020 twice with other data: the second row is "(2)"; the
     * package's "0" in unused fields is no data */
    an = fx_analysis(rv, 2, 1);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_CONTINUOUS);
    CU_ASSERT_EQUAL_FATAL(an->n_rows, 2);
    CU_ASSERT_STRING_EQUAL(an->rows[0].trial, "Dadabayev 2020");
    CU_ASSERT_STRING_EQUAL(an->rows[1].trial, "Dadabayev 2020 (2)");
    CU_ASSERT_STRING_EQUAL(an->rows[1].study, "Dadabayev 2020");
    FX_NUM(an->rows[1].exp.mean, 48.22);
    CU_ASSERT(isnan(an->rows[1].exp.events));
    CU_ASSERT(isnan(an->rows[1].giv_mean));
    CU_ASSERT(isnan(an->rows[1].oe));
    CU_ASSERT_STRING_EQUAL(an->rows[1].footnotes,
                           "Participants with comorbid post traumatic stress disorder.");
    /* 2.2: all-zero data rows are dichotomous (zero events of N) */
    an = fx_analysis(rv, 2, 2);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    FX_NUM(an->rows[1].ctl.n, 9);
    FX_NUM(an->rows[1].ctl.events, 0);
    CU_ASSERT(isnan(an->rows[1].ctl.mean));

    /* the rows that carry all five RoB 2 domains and the overall judgement */
    int full = 0;
    for (size_t a = 0; a < rv->n_analyses; a++)
        for (size_t i = 0; i < rv->analyses[a].n_rows; i++)
            if (rv->analyses[a].rows[i].rob[META_REVIEW_ROB_OVERALL] != META_REVIEW_ROB_NONE) {
                full++;
                r = &rv->analyses[a].rows[i];
                CU_ASSERT_EQUAL(r->rob[1], META_REVIEW_ROB_SOME_CONCERNS);
                CU_ASSERT_EQUAL(r->rob[4], META_REVIEW_ROB_SOME_CONCERNS);
            }
    CU_ASSERT_EQUAL(full, 4);
    meta_review_free(rv);
}

static void test_cd015373_every_value(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    compare_all_rows(rv, fx_data("cochrane/CD015373/CD015373_pub2-data-rows.csv"));
    meta_review_free(rv);
}

static void test_csv_alone(void)
{
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    const char *path = fx_data("cochrane/CD015373/CD015373_pub2-data-rows.csv");
    CU_ASSERT_EQUAL_FATAL(meta_review_read_cochrane(path, NULL, &rv, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD015373");
    CU_ASSERT_STRING_EQUAL(rv->name, "CD015373_pub2");
    CU_ASSERT_STRING_EQUAL(rv->sources[0].name, path);
    CU_ASSERT_EQUAL(rv->n_analyses, 95);
    compare_all_rows(rv, path);
    meta_review_free(rv);
}

/* ---- Fleiss1993: the complete package ----------------------------------- */

static void check_fleiss(const struct meta_review *rv)
{
    CU_ASSERT_PTR_NULL(rv->cd_number);
    CU_ASSERT_EQUAL(rv->n_analyses, 2);
    CU_ASSERT_EQUAL(rv->n_sources, 4);
    CU_ASSERT_EQUAL_FATAL(rv->n_studies, 12);
    CU_ASSERT_STRING_EQUAL(rv->studies[0].name, "AMIS");
    CU_ASSERT_STRING_EQUAL(rv->studies[0].year, "1980");
    CU_ASSERT_STRING_EQUAL(rv->studies[11].name, "Wilson");
    CU_ASSERT_STRING_EQUAL(rv->studies[11].year, "1977");

    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(an);
    CU_ASSERT_STRING_EQUAL(an->name, "Aspirin for Preventing Death after Myocardial Infarction");
    CU_ASSERT_STRING_EQUAL(an->group_name, "Examples from Fleiss (1993)");
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    CU_ASSERT_FALSE(an->type_inferred);
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_MH);
    CU_ASSERT_STRING_EQUAL(an->method_text, "MH");
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "Odds Ratio");
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_FIXED);
    CU_ASSERT_EQUAL(an->estimator, META_REVIEW_ESTIMATOR_UNSET);
    CU_ASSERT_EQUAL(an->log_scale, 1);
    CU_ASSERT_EQUAL(an->swap_events, 0);
    CU_ASSERT_EQUAL(an->show_overall, 1);
    CU_ASSERT_EQUAL(an->show_subgroups, 1);
    CU_ASSERT_EQUAL(an->show_subgroup_test, 1);
    FX_NUM(an->study_level, 95);
    FX_NUM(an->total_level, 95);
    CU_ASSERT_PTR_NULL(an->label_exp);
    CU_ASSERT_PTR_NULL(an->intervention_exp);
    /* RevMan's totals, from the settings file */
    CU_ASSERT(an->overall.present);
    FX_NUM(an->overall.estimate, 0.896866);
    FX_NUM(an->overall.ci_lower, 0.840514);
    FX_NUM(an->overall.ci_upper, 0.956995);
    CU_ASSERT(isnan(an->overall.tau2));
    FX_NUM(an->overall.chi2, 9.946056);
    FX_NUM(an->overall.df, 6);
    FX_NUM(an->overall.chi2_p, 0.126942);
    FX_NUM(an->overall.i2, 39.67458);
    FX_NUM(an->overall.z, 3.287633);
    FX_NUM(an->overall.p, 0.00101);
    FX_NUM(an->overall.events_exp, 2128);
    FX_NUM(an->overall.n_exp, 14186);
    FX_NUM(an->overall.events_ctl, 2286);
    FX_NUM(an->overall.n_ctl, 13817);
    CU_ASSERT_FALSE(an->subgroup_test.present);
    CU_ASSERT_EQUAL(an->n_rows, 7);
    static const struct {
        const char *study, *year;
        double e1, n1, e2, n2, w, m, lo, hi;
    } dich[] = {
        {"AMIS", "1980", 246, 2267, 219, 2257, 10.153491, 1.132736, 0.934665, 1.372783},
        {"CDP", "1976", 44, 758, 64, 771, 3.101689, 0.68076, 0.457391, 1.013212},
        {"GASP", "1979", 32, 317, 38, 309, 1.795485, 0.800739, 0.486261, 1.318597},
        {"ISIS-2", "1988", 1570, 8587, 1720, 8600, 72.87984, 0.894969, 0.829418, 0.965702},
        {"MRC-1", "1974", 49, 615, 67, 624, 3.17649, 0.719714, 0.488975, 1.059336},
        {"MRC-2", "1979", 102, 832, 126, 850, 5.67538, 0.80287, 0.606453, 1.062903},
        {"PARIS", "1980", 85, 810, 52, 406, 3.217624, 0.798143, 0.552563, 1.152868},
    };
    for (size_t i = 0; i < 7; i++) {
        const struct meta_review_row *r = fx_row(an, dich[i].study);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_STRING_EQUAL(r->year, dich[i].year);
        FX_NUM(r->exp.events, dich[i].e1);
        FX_NUM(r->exp.n, dich[i].n1);
        FX_NUM(r->ctl.events, dich[i].e2);
        FX_NUM(r->ctl.n, dich[i].n2);
        CU_ASSERT(isnan(r->exp.mean) && isnan(r->exp.sd) && isnan(r->giv_mean) && isnan(r->oe));
        FX_NUM(r->revman.weight, dich[i].w);
        FX_NUM(r->revman.estimate, dich[i].m);
        FX_NUM(r->revman.ci_lower, dich[i].lo);
        FX_NUM(r->revman.ci_upper, dich[i].hi);
        CU_ASSERT_PTR_NULL(r->subgroup);
    }

    an = fx_analysis(rv, 1, 2);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_CONTINUOUS);
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "Standardized Mean Difference");
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_IV);
    CU_ASSERT_EQUAL(an->log_scale, 0);
    /* the package's totals for the SMD analysis are all zero: not computed */
    CU_ASSERT_FALSE(an->overall.present);
    CU_ASSERT(isnan(an->overall.estimate));
    FX_NUM(an->overall.n_exp, 106);
    FX_NUM(an->overall.n_ctl, 126);
    fx_check_fleiss_smd_rows(an);
    /* its rows' results are zeros too: they say nothing, not "not estimable" */
    for (size_t i = 0; i < an->n_rows; i++)
        CU_ASSERT_EQUAL(an->rows[i].estimable, -1);
}

static void test_fleiss_directory(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/Fleiss1993"));
    CU_ASSERT_STRING_EQUAL(rv->name, "Fleiss1993");
    check_fleiss(rv);
    compare_all_rows(rv, fx_data("cochrane/Fleiss1993/921923100913455418-data-rows.csv"));
    meta_review_free(rv);
}

/* The four Fleiss files as zip entries under names of our choosing. */
static void fleiss_entries(struct fx_entry e[5], char *bufs[4], const char *const names[4])
{
    static const char *const files[4] = {
        "921923100913455418-data-rows.csv", "921923100913455418-overall-estimates-and-settings.csv",
        "921923100913455418-subgroup-estimates.csv", "921923100913455418-study-information.csv"};
    for (int i = 0; i < 4; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "cochrane/Fleiss1993/%s", files[i]);
        size_t len;
        bufs[i] = fx_slurp(fx_data(rel), &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bufs[i]);
        e[i] = (struct fx_entry){names[i], bufs[i], len};
    }
    e[4] = (struct fx_entry){NULL, NULL, 0};
}

static void test_fleiss_zip(void)
{
    static const char *const names[4] = {
        "CD000001-analysis-data/CD000001-data-rows.csv",
        "CD000001-analysis-data/CD000001-overall-estimates-and-settings.csv",
        "CD000001-analysis-data/CD000001-subgroup-estimates.csv",
        "CD000001-study-data/CD000001-study-information.csv"};
    struct fx_entry e[7];
    char *bufs[4];
    fleiss_entries(e, bufs, names);
    /* other files of a real package are passed over */
    e[4] = (struct fx_entry){"CD000001-study-data/CD000001-included.ris", "TY  - JOUR\n", 11};
    e[5] = (struct fx_entry){"CD000001-analysis-data/", "", 0};
    e[6] = (struct fx_entry){NULL, NULL, 0};
    const char *zip = fx_zip("CD000001-dataPackage.zip", e);
    struct meta_review *rv = fx_read_cochrane(zip);
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD000001");
    CU_ASSERT_STRING_EQUAL(rv->name, "CD000001-dataPackage");
    CU_ASSERT_EQUAL_FATAL(rv->n_sources, 4);
    char want[1100];
    snprintf(want, sizeof want, "%s/CD000001-analysis-data/CD000001-data-rows.csv", zip);
    int found = 0;
    for (size_t i = 0; i < rv->n_sources; i++)
        found |= strcmp(rv->sources[i].name, want) == 0;
    CU_ASSERT(found);
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 1, 1)->rows[0].source, want);
    rv->cd_number = NULL; /* check_fleiss expects none */
    check_fleiss(rv);
    meta_review_free(rv);

    /* the same files in a zip inside the zip (older packages) */
    size_t inner_len;
    static const char *const flat[4] = {
        "CD000002-data-rows.csv", "CD000002-overall-estimates-and-settings.csv",
        "CD000002-subgroup-estimates.csv", "CD000002-study-information.csv"};
    struct fx_entry f[5];
    char *fbufs[4];
    fleiss_entries(f, fbufs, flat);
    char *inner = fx_zip_bytes(f, &inner_len);
    struct fx_entry outer[] = {{"CD000002-files/CD000002-data.zip", inner, inner_len},
                               {NULL, NULL, 0}};
    zip = fx_zip("CD000002.zip", outer);
    rv = fx_read_cochrane(zip);
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD000002");
    snprintf(want, sizeof want, "%s/CD000002-files/CD000002-data.zip/CD000002-data-rows.csv", zip);
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 1, 1)->rows[0].source, want);
    rv->cd_number = NULL;
    check_fleiss(rv);
    meta_review_free(rv);
    free(inner);
    for (int i = 0; i < 4; i++) {
        free(bufs[i]);
        free(fbufs[i]);
    }
}

/* ---- A package with every data type ------------------------------------- */

/* Data rows: GIV (RR on the log scale), O-E, dichotomous with subgroups and
 * every RoB 2 domain, continuous with a multi-line quoted footnote; CRLF
 * line ends; one study's year only in the study information. */
static const char rows_csv[] =
    "\xEF\xBB\xBF"
    "Analysis group,Analysis number,Analysis name,Subgroup,Subgroup number,Applicability,Study,"
    "Study year,GIV Mean,GIV SE,Experimental mean,Experimental SD,Experimental cases,"
    "Experimental N,Control mean,Control SD,Control cases,Control N,O-E,Variance,Weight,Mean,"
    "CI start,CI end,Footnotes,"
    "Bias arising from the randomisation process (judgement),"
    "Bias arising from the randomisation process (support),"
    "Bias due to deviations from intended interventions (judgement),"
    "Bias due to missing outcome data (judgement),"
    "Bias in measurement of the outcome (judgement),"
    "Bias in selection of the reported result (judgement),Overall bias (judgement),"
    "Bias arising from period and carryover effects (judgement),New column\r\n"
    "1,1,Mortality,,,SUBGROUP_AND_OVERALL,Alpha 2001,2001,-0.356675,0.2,,,,120,,,,118,,,"
    "60,0.7,0.473,1.036,,Low risk,text,Low risk,Some concerns,High risk,Low risk,High risk,"
    "Low risk,x\r\n"
    "1,1,Mortality,,,SUBGROUP_AND_OVERALL,Beta 2005,,0.1,0.25,,,,,,,,,,,40,1.105,0.677,1.804,,,"
    ",,,,,,,\r\n"
    "2,1,Time to relapse,,,OVERALL_ONLY,Alpha 2001,2001,,,,,,,,,,,-4.5,12.25,,,,,,,,,,,,,,\r\n"
    "2,1,Time to relapse,,,SUBGROUP_ONLY,Gamma 1999,1999,,,,,,,,,,,2.0,0,,,,,,,,,,,,,,\r\n"
    "3,1,Nausea,Oral,2,SUBGROUP_AND_OVERALL,Alpha 2001,2001,,,,,12,120,,,3,118,,,,,,,,,,,,,,,,\r\n"
    "3,1,Nausea,IV,1,SUBGROUP_AND_OVERALL,Beta 2005,,,,,,0,30,,,0,31,,,,,,,,,,,,,,,,\r\n"
    "3,1,Nausea,Oral,2,SUBGROUP_AND_OVERALL,Beta 2005,,,,,,5,15,,,1,16,,,,,,,,,,,,,,,,\r\n"
    "4,1,Pain,,,,Gamma 1999,1999,,,2.5,1.1,,40,3.1,1.2,,41,,,,,,,\"Two\r\nlines\",,,,,,,,,\r\n"
    "4,1,Pain,,,,Delta 2010,2010,,,2.0,0,,10,2.2,1.0,,10,,,,,,,,,,,,,,,,\r\n";

static const char settings_csv[] =
    "Analysis group,Analysis number,Analysis name,Analysis group name,Data type,Log-scale data,"
    "Experimental intervention,Control intervention,Experimental group label,Control group "
    "label,Statistical method,Effect measure,Analysis model,Heterogeneity estimator,Subgroup "
    "estimates,Overall estimates,Test for subgroup differences,Swap event and non-event,Study "
    "CI,Estimate CI,Experimental cases,Experimental N,Control cases,Control N,Mean,CI start,CI "
    "end,Heterogeneity Tau^2,Heterogeneity Chi^2,Heterogeneity df,Heterogeneity P,Heterogeneity "
    "I^2,Effect Z,Effect P,Subgroup Chi^2,Subgroup df,Subgroup P,Subgroup I^2\n"
    "1,1,Mortality,Drug vs placebo,Contrast level,true,Drug A,Placebo,,,IV,Risk Ratio,Random "
    "effects,REML,true,true,true,false,95%,95%,,238,,,0.82,0.6,1.12,0.01,1.5,1,0.22,33.3,1.25,"
    "0.21,,,,\n"
    "2,1,Time to relapse,Drug vs placebo,O-E and variance,true,,,,,EXP_O_E_VAR,Hazard "
    "Ratio,Fixed effect,,false,true,false,false,95%,99%,,,,,,,,,,,,,,,,,,\n"
    "3,1,Nausea,Drug vs placebo,Dichotomous,true,Drug A,Drug A,,,MH,Risk Ratio,Random "
    "effects,,true,false,true,true,95%,95%,17,165,4,165,2.9,1.1,7.6,0.1,2.2,2,0.33,9.1,2.1,0.04,"
    "0.5,1,0.48,0\n"
    "4,1,Pain,Drug vs placebo,Continuous,false,,,Drug,Usual care,IV,Mean Difference,Fixed "
    "effect,,true,true,true,false,95%,95%,,,,,,,,,,,,,,,,,,\n";

static const char subgroups_csv[] =
    "Analysis group,Analysis number,Subgroup,Subgroup number,Experimental cases,Experimental "
    "N,Control cases,Control N,Weight,Mean,CI start,CI end,Heterogeneity Tau\xC2\xB2,"
    "Heterogeneity Chi\xC2\xB2,Heterogeneity df,Heterogeneity P,Heterogeneity I\xC2\xB2,"
    "Effect Z,Effect P,ID\n"
    "3,1,IV,1,0,30,0,31,0,,,,,,,,,,,x\n"
    "3,1,Oral,2,17,135,4,134,100,3.4,1.2,9.5,0.05,1.1,1,0.29,9.2,2.3,0.02,y\n";

static const char studies_csv[] = "Study,Year,Data source\n"
                                  "Alpha 2001,2001,PUB\n"
                                  "Beta 2005,2005,PUB\n"
                                  "Delta 2010,2010,UNPUB\n"
                                  "Gamma 1999,1999,PUB\n";

static void write_variety(const char *dir)
{
    char name[256];
    snprintf(name, sizeof name, "%s/CD999999-analysis-data/CD999999-data-rows.csv", dir);
    fx_write(name, rows_csv, sizeof rows_csv - 1);
    snprintf(name, sizeof name,
             "%s/CD999999-analysis-data/CD999999-overall-estimates-and-settings.csv", dir);
    fx_write(name, settings_csv, sizeof settings_csv - 1);
    snprintf(name, sizeof name, "%s/CD999999-analysis-data/CD999999-subgroup-estimates.csv", dir);
    fx_write(name, subgroups_csv, sizeof subgroups_csv - 1);
    snprintf(name, sizeof name, "%s/CD999999-study-data/CD999999-study-information.csv", dir);
    fx_write(name, studies_csv, sizeof studies_csv - 1);
}

static void test_variety(void)
{
    write_variety("variety");
    struct meta_review *rv = fx_read_cochrane(fx_path("variety"));
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD999999");
    CU_ASSERT_EQUAL(rv->n_analyses, 4);

    /* 1.1 GIV: RR on the log scale, random effects by REML */
    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_GIV);
    CU_ASSERT_EQUAL(an->estimator, META_REVIEW_ESTIMATOR_REML);
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_RANDOM);
    CU_ASSERT_STRING_EQUAL(an->intervention_exp, "Drug A");
    CU_ASSERT_STRING_EQUAL(an->intervention_ctl, "Placebo");
    FX_NUM(an->overall.tau2, 0.01);
    FX_NUM(an->overall.i2, 33.3);
    const struct meta_review_row *r = fx_row(an, "Alpha 2001");
    FX_NUM(r->giv_mean, -0.356675);
    FX_NUM(r->giv_se, 0.2);
    FX_NUM(r->exp.n, 120);
    FX_NUM(r->ctl.n, 118);
    static const enum meta_review_rob want_rob[META_REVIEW_ROB_DOMAINS] = {
        META_REVIEW_ROB_LOW,  META_REVIEW_ROB_LOW, META_REVIEW_ROB_SOME_CONCERNS,
        META_REVIEW_ROB_HIGH, META_REVIEW_ROB_LOW, META_REVIEW_ROB_HIGH};
    for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
        CU_ASSERT_EQUAL(r->rob[d], want_rob[d]);
    r = fx_row(an, "Beta 2005");
    CU_ASSERT_STRING_EQUAL(r->year, "2005"); /* from the study information */
    for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
        CU_ASSERT_EQUAL(r->rob[d], META_REVIEW_ROB_NONE);

    /* 2.1 O-E, Exp[(O-E)/V], hazard ratio, study CI 95 and totals 99 */
    an = fx_analysis(rv, 2, 1);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_OE);
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_OE);
    FX_NUM(an->total_level, 99);
    r = fx_row(an, "Alpha 2001");
    FX_NUM(r->oe, -4.5);
    FX_NUM(r->variance, 12.25);
    CU_ASSERT_EQUAL(r->applicability, META_REVIEW_APPLIES_OVERALL_ONLY);
    CU_ASSERT_EQUAL(fx_row(an, "Gamma 1999")->applicability, META_REVIEW_APPLIES_SUBGROUP_ONLY);

    /* 3.1 dichotomous with subgroups (numbers from the file), their totals
     * and the test for subgroup differences; swapped events */
    an = fx_analysis(rv, 3, 1);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    CU_ASSERT_EQUAL(an->swap_events, 1);
    CU_ASSERT_EQUAL(an->show_overall, 0);
    CU_ASSERT_EQUAL_FATAL(an->n_subgroups, 2);
    CU_ASSERT_STRING_EQUAL(an->subgroups[0].name, "IV");
    CU_ASSERT_STRING_EQUAL(an->subgroups[1].name, "Oral");
    CU_ASSERT_FALSE(an->subgroups[0].totals.present);
    FX_NUM(an->subgroups[0].totals.n_exp, 30);
    CU_ASSERT(an->subgroups[1].totals.present);
    FX_NUM(an->subgroups[1].totals.estimate, 3.4);
    FX_NUM(an->subgroups[1].totals.tau2, 0.05);
    FX_NUM(an->subgroups[1].totals.weight, 100);
    CU_ASSERT(an->subgroup_test.present);
    FX_NUM(an->subgroup_test.chi2, 0.5);
    FX_NUM(an->subgroup_test.df, 1);
    FX_NUM(an->subgroup_test.p, 0.48);
    FX_NUM(an->subgroup_test.i2, 0);
    /* Beta 2005 is in both subgroups: stored twice, the second as "(2)" */
    CU_ASSERT_EQUAL(an->n_rows, 3);
    CU_ASSERT_PTR_NOT_NULL(fx_row(an, "Beta 2005"));
    CU_ASSERT_PTR_NOT_NULL(fx_row(an, "Beta 2005 (2)"));
    CU_ASSERT_STRING_EQUAL(fx_row(an, "Beta 2005 (2)")->subgroup->name, "Oral");

    /* 4.1 continuous, labels only; a footnote over two lines */
    an = fx_analysis(rv, 4, 1);
    CU_ASSERT_STRING_EQUAL(an->label_exp, "Drug");
    CU_ASSERT_STRING_EQUAL(an->label_ctl, "Usual care");
    r = fx_row(an, "Gamma 1999");
    CU_ASSERT_STRING_EQUAL(r->footnotes, "Two\r\nlines");
    CU_ASSERT_EQUAL(r->line, 9);
    CU_ASSERT_EQUAL(fx_row(an, "Delta 2010")->line, 11);
    CU_ASSERT_EQUAL(an->line, 5); /* the settings line */
    meta_review_free(rv);
}

/* A study repeated with other data, beside a study already called "X (2)". */
static void test_repeated_studies(void)
{
    static const char rows[] =
        "Analysis group,Analysis number,Subgroup,Study,Experimental N,Control N,"
        "Experimental cases,Control cases\n"
        "1,1,,X,10,10,1,2\n"
        "1,1,,X (2),10,10,3,4\n"
        "1,1,,X,10,12,1,2\n"
        "1,1,,X,10,14,1,2\n"
        "1,2,,X,10,10,1,2\n";
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    int rc = meta_review_read_cochrane(fx_write("repeat-data-rows.csv", rows, (size_t)-1), NULL,
                                       &rv, &err);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_EQUAL_FATAL(an->n_rows, 4);
    CU_ASSERT_STRING_EQUAL(an->rows[0].trial, "X");
    CU_ASSERT_STRING_EQUAL(an->rows[1].trial, "X (2)");
    CU_ASSERT_STRING_EQUAL(an->rows[2].trial, "X (3)");
    CU_ASSERT_STRING_EQUAL(an->rows[2].study, "X");
    CU_ASSERT_STRING_EQUAL(an->rows[3].trial, "X (4)");
    CU_ASSERT_STRING_EQUAL(fx_analysis(rv, 1, 2)->rows[0].trial, "X"); /* per analysis */
    meta_review_free(rv);
}

/* LF, CRLF and a CR alone all end lines, and lines are counted alike. */
static void test_line_ends(void)
{
    static const char *const ends[] = {"\n", "\r\n", "\r"};
    for (size_t e = 0; e < 3; e++) {
        char text[512];
        snprintf(text, sizeof text,
                 "Study,Analysis group,Analysis number,Experimental N,Control N%s%s"
                 "A,1,1,10,11%s%sB,1,1,12,13%s",
                 ends[e], ends[e], ends[e], ends[e], ends[e]);
        char name[64];
        snprintf(name, sizeof name, "ends%zu-data-rows.csv", e);
        struct meta_review *rv = NULL;
        struct meta_error err = {{0}};
        int rc = meta_review_read_cochrane(fx_write(name, text, (size_t)-1), NULL, &rv, &err);
        CU_ASSERT_EQUAL_FATAL(rc, META_OK);
        const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
        CU_ASSERT_EQUAL_FATAL(an->n_rows, 2);
        CU_ASSERT_EQUAL(an->rows[0].line, 3); /* after a blank line */
        CU_ASSERT_EQUAL(an->rows[1].line, 5);
        FX_NUM(an->rows[1].ctl.n, 13);
        meta_review_free(rv);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"CD015373: the model", test_cd015373_model},
        {"CD015373: every value of every row", test_cd015373_every_value},
        {"a data-rows CSV alone", test_csv_alone},
        {"Fleiss1993: the complete package", test_fleiss_directory},
        {"Fleiss1993 zipped, in folders and in a zip inside", test_fleiss_zip},
        {"every data type, subgroup totals, RoB 2, variants", test_variety},
        {"a study repeated with other data", test_repeated_studies},
        {"LF, CRLF and CR line ends", test_line_ends},
        {NULL, NULL}};
    return meta_test_run_suite("review_cochrane", fx_setup, fx_cleanup, cases);
}
