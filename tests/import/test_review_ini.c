/*
 * Analysis files written by meta_review_write_analysis() and the mapping of
 * RevMan's settings behind them (meta_review_map_settings): the Fleiss1993
 * files to the byte, every CD015373 analysis read back with inih (the
 * library meta run reads them with) against the records' names, each
 * mapping decision on a constructed analysis, and the failures.
 */
#include "cunit_main.h"
#include "import_fixtures.h"

#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes an analysis file into a string (malloc'ed). */
static char *write_ini(const struct meta_review *rv, const struct meta_review_analysis *an,
                       const char *prefix, int *status)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct meta_error err = {{0}};
    *status = meta_review_write_analysis(f, rv, an, prefix, &err);
    fclose(f);
    return text;
}

static void test_fleiss_files(void)
{
    struct meta_review *rv = fx_read_revman(fx_data("revman/Fleiss1993.rm5"));
    int rc;
    char *text = write_ini(rv, &rv->analyses[0], NULL, &rc);
    CU_ASSERT_EQUAL(rc, META_OK);
    char want[2048];
    snprintf(want, sizeof want,
             "; Fleiss1993 1.1 Aspirin for Preventing Death after Myocardial Infarction\n"
             "; Written by meta import: RevMan's settings for analysis 1.1 (dichotomous data), "
             "from\n"
             ";   %s.\n"
             "[analysis]\n"
             "outcome    = Fleiss1993 1.1 Aspirin for Preventing Death after Myocardial "
             "Infarction\n"
             "treatment  = Aspirin\n"
             "control    = Control\n"
             "measure    = OR\n"
             "model      = common\n"
             "method     = MH\n"
             "level      = 95\n"
             "convention = revman5\n"
             "\n"
             "title      = Fleiss1993 1.1 Aspirin for Preventing Death after Myocardial "
             "Infarction\n"
             "favours_left = Favours experimental\n"
             "favours_right = Favours control\n"
             "\n"
             "json       = 1.1.json\n"
             "table      = 1.1.txt\n"
             "forest     = 1.1.png\n",
             fx_data("revman/Fleiss1993.rm5"));
    CU_ASSERT_STRING_EQUAL(text, want);
    if (strcmp(text, want) != 0)
        fprintf(stderr, "got:\n%s\nwant:\n%s\n", text, want);
    free(text);
    text = write_ini(rv, &rv->analyses[1], "F93", &rc);
    CU_ASSERT_EQUAL(rc, META_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\noutcome    = F93 1.2 Mental Health Treatment versus "
                                        "Control\n"
                                        "treatment  = Mental Health Treatment\n"
                                        "control    = Control\n"
                                        "measure    = SMD\n"
                                        "model      = common\n"
                                        "method     = IV\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\njson       = 1.2.json\n"));
    free(text);
    meta_review_free(rv);
}

/* What inih read from an analysis file. */
struct read_back {
    char outcome[256], treatment[256], control[256], measure[16], model[16], method[16];
    char by[32], rob[16], level[16], convention[16], title[256], json[32], table[32], forest[32];
    int sections, pairs;
};

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct read_back *rb = user;
    CU_ASSERT_STRING_EQUAL(section, "analysis");
    rb->pairs++;
    static const struct {
        const char *key;
        size_t offset, size;
    } keys[] = {
#define K(k) {#k, offsetof(struct read_back, k), sizeof(((struct read_back *)0)->k)}
        K(outcome), K(treatment), K(control),    K(measure), K(model), K(method), K(by),
        K(rob),     K(level),     K(convention), K(title),   K(json),  K(table),  K(forest),
#undef K
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(name, keys[i].key) == 0)
            snprintf((char *)rb + keys[i].offset, keys[i].size, "%s", value);
    return 1;
}

static void test_cd015373_read_back(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    for (size_t i = 0; i < rv->n_analyses; i++) {
        const struct meta_review_analysis *an = &rv->analyses[i];
        int rc;
        char *text = write_ini(rv, an, NULL, &rc);
        CU_ASSERT_EQUAL_FATAL(rc, META_OK);
        /* no line longer than meta run accepts (inih's 200 less its own 3) */
        for (const char *s = text; *s;) {
            size_t n = strcspn(s, "\n");
            CU_ASSERT(n <= 197);
            s += n + (s[n] ? 1 : 0);
        }
        struct read_back rb;
        memset(&rb, 0, sizeof rb);
        CU_ASSERT_EQUAL(ini_parse_string(text, on_pair, &rb), 0);
        char outcome[META_REVIEW_NAME_SIZE], id[32], file[64];
        meta_review_outcome_name(an, "CD015373", outcome, sizeof outcome);
        meta_review_analysis_id(an, id, sizeof id);
        CU_ASSERT_STRING_EQUAL(rb.outcome, outcome);
        CU_ASSERT_STRING_EQUAL(rb.title, outcome);
        CU_ASSERT_STRING_EQUAL(rb.treatment, "experimental");
        CU_ASSERT_STRING_EQUAL(rb.control, "control");
        /* the measures the printed effects tell (SMD for 7.19 and 7.21) */
        int smd = an->group == 7 && (an->number == 19 || an->number == 21);
        CU_ASSERT_STRING_EQUAL(rb.measure, an->type == META_REVIEW_DICHOTOMOUS ? "RR"
                                           : smd                               ? "SMD"
                                                                               : "MD");
        CU_ASSERT_STRING_EQUAL(rb.model, "random");
        CU_ASSERT_STRING_EQUAL(rb.method, "DL");
        CU_ASSERT_STRING_EQUAL(rb.level, "95");
        CU_ASSERT_STRING_EQUAL(rb.convention, "revman5");
        CU_ASSERT_STRING_EQUAL(rb.by, an->n_subgroups ? "subgroup" : "");
        CU_ASSERT_STRING_EQUAL(rb.rob, "true"); /* every row of this review has RoB 2 */
        snprintf(file, sizeof file, "%s.json", id);
        CU_ASSERT_STRING_EQUAL(rb.json, file);
        snprintf(file, sizeof file, "%s.txt", id);
        CU_ASSERT_STRING_EQUAL(rb.table, file);
        snprintf(file, sizeof file, "%s.png", id);
        CU_ASSERT_STRING_EQUAL(rb.forest, file);
        /* what cannot be said is said in comments */
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "; Note: the package gives no analysis model"));
        free(text);
    }
    meta_review_free(rv);
}

/* A bare analysis of a type with given settings. */
static struct meta_review_analysis bare(int type, int method, const char *measure, int model,
                                        int est, int log_scale)
{
    struct meta_review_analysis an;
    memset(&an, 0, sizeof an);
    an.group = an.number = 1;
    an.name = "X";
    an.type = (enum meta_review_data_type)type;
    an.method = (enum meta_review_method)method;
    an.effect_measure = measure;
    an.model = (enum meta_review_model)model;
    an.estimator = (enum meta_review_estimator)est;
    an.log_scale = log_scale;
    an.swap_events = an.show_overall = an.show_subgroups = -1;
    an.study_level = an.total_level = NAN;
    return an;
}

static void test_mapping(void)
{
    enum {
        D = META_REVIEW_DICHOTOMOUS,
        C = META_REVIEW_CONTINUOUS,
        G = META_REVIEW_GIV,
        O = META_REVIEW_OE,
        U = META_REVIEW_TYPE_UNKNOWN
    };
    enum {
        MH = META_REVIEW_METHOD_MH,
        IV = META_REVIEW_METHOD_IV,
        PETO = META_REVIEW_METHOD_PETO,
        OE = META_REVIEW_METHOD_OE,
        OTHER = META_REVIEW_METHOD_OTHER,
        UNSET = META_REVIEW_METHOD_UNSET
    };
    enum {
        FIX = META_REVIEW_MODEL_FIXED,
        RAN = META_REVIEW_MODEL_RANDOM,
        NOMODEL = META_REVIEW_MODEL_UNSET
    };
    enum {
        E0 = META_REVIEW_ESTIMATOR_UNSET,
        DL = META_REVIEW_ESTIMATOR_DL,
        REML = META_REVIEW_ESTIMATOR_REML,
        PM = META_REVIEW_ESTIMATOR_PM,
        EOTHER = META_REVIEW_ESTIMATOR_OTHER
    };
    static const struct {
        int type, method;
        const char *measure;
        int model, est, log;
        const char *want_measure, *want_model, *want_method;
        int want_log;
        size_t notes;
    } cases[] = {
        {D, MH, "Odds Ratio", FIX, E0, 1, "OR", "common", "MH", 0, 0},
        {D, MH, "OR", FIX, E0, -1, "OR", "common", "MH", 0, 0},
        {D, MH, "Risk Ratio", RAN, E0, 1, "RR", "random", "MH", 0, 0},
        {D, MH, "Risk Ratio", RAN, DL, 1, "RR", "random", "MH", 0, 0},
        {D, IV, "Risk Difference", RAN, REML, 0, "RD", "random", "REML", 0, 0},
        {D, IV, "Risk Ratio", RAN, E0, 1, "RR", "random", "DL", 0, 0},
        {D, IV, "Risk Ratio", FIX, E0, 1, "RR", "common", "IV", 0, 0},
        {D, PETO, "Peto Odds Ratio", FIX, E0, 1, "OR", "common", "PETO", 0, 0},
        {D, PETO, "Peto Odds Ratio", RAN, E0, 1, "OR", "common", "PETO", 0, 1},
        {D, MH, "Odds Ratio (Non-event)", FIX, E0, 1, "OR", "common", "MH", 0, 0},
        {D, UNSET, NULL, NOMODEL, E0, -1, "RR", "random", "DL", 0, 2},
        {D, UNSET, "Risk Ratio", FIX, E0, -1, "RR", "common", "MH", 0, 0},
        {D, MH, "Mean Difference", FIX, E0, -1, "RR", "common", "MH", 0, 1},
        {D, MH, "Risk Ratio", RAN, EOTHER, 1, "RR", "random", "MH", 0, 1},
        {C, IV, "Std. Mean Difference", FIX, E0, 0, "SMD", "common", "IV", 0, 0},
        {C, IV, "Standardized Mean Difference", RAN, E0, 0, "SMD", "random", "DL", 0, 0},
        {C, IV, "Mean Difference", RAN, PM, 0, "MD", "random", "PM", 0, 0},
        {C, MH, "Mean Difference", FIX, E0, 0, "MD", "common", "IV", 0, 1},
        {C, IV, "Odds Ratio", FIX, E0, 0, "MD", "common", "IV", 0, 1},
        {C, OTHER, "Mean Difference", FIX, E0, 0, "MD", "common", "IV", 0, 1},
        {G, IV, "Hazard Ratio", FIX, E0, 1, "HR", "common", "IV", 0, 0},
        {G, IV, "Risk Ratio", RAN, REML, 1, "RR", "random", "REML", 0, 0},
        {G, IV, "Ratio of Means", FIX, E0, -1, "ROM", "common", "IV", 0, 0},
        {G, IV, "Mean Difference", FIX, E0, 0, "MD", "common", "IV", 0, 0},
        {G, IV, "Risk Ratio", FIX, E0, 0, "GIV", "common", "IV", 0, 1},
        {G, IV, "Mean Difference", FIX, E0, 1, "GIV", "common", "IV", 1, 1},
        {G, IV, "Rate Ratio", FIX, E0, 1, "GIV", "common", "IV", 1, 1},
        {G, IV, NULL, FIX, E0, 0, "GIV", "common", "IV", 0, 1},
        {O, OE, "Hazard Ratio", FIX, E0, 1, "HR", "common", "IV", 0, 0},
        {O, OE, "Peto Odds Ratio", FIX, E0, 1, "OR", "common", "IV", 0, 0},
        {O, OE, NULL, RAN, E0, -1, "OR", "random", "DL", 0, 0},
        {O, PETO, NULL, FIX, E0, -1, "OR", "common", "IV", 0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct meta_review_analysis an = bare(cases[i].type, cases[i].method, cases[i].measure,
                                              cases[i].model, cases[i].est, cases[i].log);
        struct meta_review_map map;
        meta_review_map_settings(&an, &map);
        if (strcmp(map.measure, cases[i].want_measure) != 0 ||
            strcmp(map.method, cases[i].want_method) != 0 || map.n_notes != cases[i].notes)
            fprintf(stderr, "mapping case %zu: %s %s %s, %zu notes\n", i, map.measure, map.model,
                    map.method, map.n_notes);
        CU_ASSERT_STRING_EQUAL(map.measure, cases[i].want_measure);
        CU_ASSERT_STRING_EQUAL(map.model, cases[i].want_model);
        CU_ASSERT_STRING_EQUAL(map.method, cases[i].want_method);
        CU_ASSERT_EQUAL(map.log_scale, cases[i].want_log);
        CU_ASSERT_EQUAL(map.n_notes, cases[i].notes);
        CU_ASSERT_EQUAL(map.level, 95);
    }
    (void)U;

    /* no data: no measure */
    struct meta_review_analysis an = bare(U, UNSET, NULL, FIX, E0, -1);
    struct meta_review_map map;
    meta_review_map_settings(&an, &map);
    CU_ASSERT_PTR_NULL(map.measure);
    int rc;
    struct meta_review rv;
    memset(&rv, 0, sizeof rv);
    rv.name = "x";
    char *text = write_ini(&rv, &an, NULL, &rc);
    CU_ASSERT_EQUAL(rc, META_EINVAL);
    free(text);

    /* levels, swapped events, no overall total, rows for one total only */
    an = bare(D, MH, "Risk Ratio", FIX, E0, 1);
    an.total_level = 99;
    an.study_level = 95;
    meta_review_map_settings(&an, &map);
    CU_ASSERT_EQUAL(map.level, 99);
    CU_ASSERT_EQUAL(map.n_notes, 1);
    an.total_level = NAN;
    an.study_level = 90;
    meta_review_map_settings(&an, &map);
    CU_ASSERT_EQUAL(map.level, 90);
    CU_ASSERT_EQUAL(map.n_notes, 0);
    an.swap_events = 1;
    an.show_overall = 0;
    struct meta_review_row rows[2];
    memset(rows, 0, sizeof rows);
    rows[0].applicability = META_REVIEW_APPLIES_BOTH;
    rows[1].applicability = META_REVIEW_APPLIES_SUBGROUP_ONLY;
    an.rows = rows;
    an.n_rows = 2;
    meta_review_map_settings(&an, &map);
    CU_ASSERT_EQUAL_FATAL(map.n_notes, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(map.notes[0], "the stored events are N - cases"));
    /* no subgroups: RevMan shows no total at all, meta its overall one */
    CU_ASSERT_PTR_NOT_NULL(strstr(map.notes[1], "RevMan shows no overall total here"));
    CU_ASSERT_PTR_NULL(map.totals);
    CU_ASSERT_PTR_NOT_NULL(strstr(map.notes[2], "Applicability"));

    /* the notes, a comma in a treatment, subgroups and RoB in the file */
    an.intervention_exp = "Ketamine, IV";
    an.intervention_ctl = "Placebo";
    an.n_subgroups = 2;
    an.has_rob = 1;
    an.sort_by = "WEIGHT";
    rv.cd_number = "CD000009";
    text = write_ini(&rv, &an, NULL, &rc);
    CU_ASSERT_EQUAL(rc, META_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ntreatment  = Ketamine\\, IV\n"));
    /* with subgroups and no overall total: subgroup totals only */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "\nby         = subgroup\ntotals     = subgroups\nrob        = true\n"));
    CU_ASSERT_PTR_NULL(strstr(text, "RevMan shows no overall total"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nsort       = weight\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\noutcome    = CD000009 1.1 X\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n; Note: RevMan swaps events and non-events here"));
    struct read_back rb;
    memset(&rb, 0, sizeof rb);
    CU_ASSERT_EQUAL(ini_parse_string(text, on_pair, &rb), 0);
    CU_ASSERT_STRING_EQUAL(rb.treatment, "Ketamine\\, IV"); /* meta's list rule unescapes it */
    free(text);

    /* a stream that cannot be written */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        struct meta_error err = {{0}};
        CU_ASSERT_EQUAL(meta_review_write_analysis(full, &rv, &an, NULL, &err), META_EIO);
        FX_MSG(&err, "analysis 1.1: cannot write the analysis file");
        fclose(full);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"Fleiss1993: the files to the byte", test_fleiss_files},
        {"CD015373: every analysis read back with inih", test_cd015373_read_back},
        {"RevMan's settings as meta's options", test_mapping},
        {NULL, NULL}};
    return meta_test_run_suite("review_ini", fx_setup, fx_cleanup, cases);
}
