/*
 * The records a review yields (meta_review_records): arm records for the
 * CD015373 and Fleiss1993 rows with their outcome names, sides, years, RoB 2
 * and subgroup attributes; the prefix rule; and, on a package written here,
 * estimate records for generic inverse variance and O-E rows, swapped
 * events, rows skipped for want of data, names made safe, and a sink that
 * refuses.
 */
#include "cunit_main.h"
#include "import_fixtures.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_cd015373(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct fx_records got = {0};
    struct meta_review_sink sink = fx_sink(&got);
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL_FATAL(meta_review_records(rv, NULL, &sink, &err), META_OK);
    CU_ASSERT_EQUAL(got.n, 352); /* 176 rows, two arms each */
    CU_ASSERT_EQUAL(got.n_skipped, 0);

    const char *outcome = "CD015373 1.1 Pain intensity (continuous), immediate-term follow-up";
    const struct fx_record *r = fx_find(&got, "Lumanauw 2019", outcome, "experimental");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->outcome, outcome);
    CU_ASSERT_EQUAL(r->kind, META_RECORD_CONTINUOUS);
    CU_ASSERT_STRING_EQUAL(r->treatment, "experimental");
    FX_NUM(r->n, 59);
    FX_NUM(r->mean, 60.033898);
    FX_NUM(r->sd, 38.030326);
    CU_ASSERT(isnan(r->events) && isnan(r->total) && isnan(r->estimate));
    CU_ASSERT_STRING_EQUAL(r->arm_attrs, "year=2019");
    CU_ASSERT_STRING_EQUAL(r->result_attrs, "rob_d1=low");
    CU_ASSERT_STRING_EQUAL(r->where, "analysis 1.1");
    CU_ASSERT_EQUAL(r->line, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r->source, "CD015373_pub2-data-rows.csv"));
    CU_ASSERT_STRING_EQUAL(r->row->study, "Lumanauw 2019");
    r = fx_find(&got, "Lumanauw 2019", outcome, "control");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->treatment, "control");
    FX_NUM(r->n, 30);
    FX_NUM(r->mean, 61.3);
    FX_NUM(r->sd, 32.7);
    CU_ASSERT_STRING_EQUAL(r->result_attrs, "rob_d1=low");

    /* the subgroup is an attribute of the result, not of the arm */
    r = fx_find(&got, "Schwartzman 2009", "CD015373 1.5 ", "experimental");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->result_attrs,
                           "subgroup=Complex regional pain syndrome;rob_d1=some concerns");
    CU_ASSERT_STRING_EQUAL(r->arm_attrs, "year=2009");

    /* zero events in both arms are stored: they count in k */
    r = fx_find(&got, "Schwartzman 2009", "CD015373 1.12 Psychotomimetic", "control");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->kind, META_RECORD_BINARY);
    FX_NUM(r->events, 0);
    FX_NUM(r->total, 10);
    CU_ASSERT(isnan(r->n));

    /* every domain and the overall judgement; the second row of a study */
    r = fx_find(&got, "Dadabayev 2020 (2)", "CD015373 2.2 ", "control");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->result_attrs,
                           "rob_d1=some concerns;rob_d2=some concerns;rob_d3=high;rob_d4=high;"
                           "rob_d5=some concerns;rob_overall=high");
    FX_NUM(r->total, 9);
    FX_NUM(r->events, 0);
    CU_ASSERT_EQUAL(r->line, 56);
    r = fx_find(&got, "Dadabayev 2020", "CD015373 2.1 ", "experimental");
    FX_NUM(r->mean, 43.33);
    r = fx_find(&got, "Dadabayev 2020 (2)", "CD015373 2.1 ", "experimental");
    FX_NUM(r->mean, 48.22);
    fx_records_free(&got);

    /* the prefix: given, given empty */
    CU_ASSERT_EQUAL_FATAL(meta_review_analysis_records(rv, &rv->analyses[0], "KET", &sink, &err),
                          META_OK);
    CU_ASSERT_STRING_EQUAL(got.v[0].outcome,
                           "KET 1.1 Pain intensity (continuous), immediate-term follow-up");
    fx_records_free(&got);
    CU_ASSERT_EQUAL_FATAL(meta_review_analysis_records(rv, &rv->analyses[0], "", &sink, &err),
                          META_OK);
    CU_ASSERT_STRING_EQUAL(got.v[0].outcome,
                           "1.1 Pain intensity (continuous), immediate-term follow-up");
    fx_records_free(&got);
    CU_ASSERT_STRING_EQUAL(meta_review_prefix(rv, NULL), "CD015373");
    meta_review_free(rv);
}

static void test_fleiss(void)
{
    struct meta_review *rv = fx_read_revman(fx_data("revman/Fleiss1993.rm5"));
    struct fx_records got = {0};
    struct meta_review_sink sink = fx_sink(&got);
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL_FATAL(meta_review_records(rv, NULL, &sink, &err), META_OK);
    CU_ASSERT_EQUAL(got.n, 24);
    const char *aspirin = "Fleiss1993 1.1 Aspirin for Preventing Death after Myocardial Infarction";
    const struct fx_record *r = fx_find(&got, "ISIS-2", aspirin, "Aspirin");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->outcome, aspirin);
    FX_NUM(r->events, 1570);
    FX_NUM(r->total, 8587);
    CU_ASSERT_STRING_EQUAL(r->arm_attrs, "year=1988");
    CU_ASSERT_STRING_EQUAL(r->result_attrs, "");
    CU_ASSERT_EQUAL(r->line, 453);
    r = fx_find(&got, "ISIS-2", aspirin, "Control");
    FX_NUM(r->events, 1720);
    FX_NUM(r->total, 8600);
    r = fx_find(&got, "Wilson", "Fleiss1993 1.2 Mental Health", "Mental Health Treatment");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    FX_NUM(r->mean, 6.5);
    FX_NUM(r->sd, 0.76);
    FX_NUM(r->n, 8);
    fx_records_free(&got);
    meta_review_free(rv);
}

/* ---- Estimates, swaps, skipped rows and names ----------------------------- */

#define HEADER                                                                                     \
    "Analysis group,Analysis number,Analysis name,Subgroup,Study,Study year,GIV Mean,GIV SE,"      \
    "Experimental mean,Experimental SD,Experimental cases,Experimental N,Control mean,Control "    \
    "SD,Control cases,Control N,O-E,Variance,Overall bias (judgement)\n"

static const char rows_csv[] = HEADER
    /* 1.1 GIV, RR on the log scale */
    "1,1,Death,,A 2001,2001,-0.356675,0.2,,,,120,,,,118,,,Low risk\n"
    "1,1,Death,,B 2002,,0.1,0,,,,,,,,,,,\n"
    /* 1.2 GIV, a measure meta does not have, on the log scale */
    "1,2,Rate,Adults,A 2001,2001,0.5,0.25,,,,,,,,,,,\n"
    /* 1.3 GIV, MD */
    "1,3,Weight,,A 2001,2001,-1.5,0.5,,,,,,,,,,,\n"
    /* 2.1 O-E, hazard ratio; 2.2 O-E, Peto OR by default */
    "2,1,Relapse,,A 2001,2001,,,,,,50,,,,48,-4.5,12.25,\n"
    "2,1,Relapse,,C 2003,2003,,,,,,,,,,,2.0,0,\n"
    "2,2,Events,,A 2001,2001,,,,,,,,,,,1.5,4,\n"
    /* 3.1 dichotomous, swapped; one row with no participants */
    "3,1,Nausea,,A 2001,2001,,,,,12,120,,,3,118,,,\n"
    "3,1,Nausea,,B 2002,,,,,,0,0,,,0,0,,,\n"
    "3,1,Nausea,,C 2003,2003,,,,,,,,,,,,,\n"
    /* 4.1 continuous: an SD of 0, a missing mean */
    "4,1,Pain,,A 2001,2001,,,2.5,1.1,,40,3.1,1.2,,41,,,\n"
    "4,1,Pain,,B 2002,,,,2.0,0,,10,2.2,1.0,,10,,,\n"
    "4,1,Pain,,C 2003,2003,,,,1.0,,10,2.2,1.0,,10,,,\n";

static const char settings_csv[] =
    "Analysis group,Analysis number,Analysis name,Data type,Log-scale data,Experimental "
    "intervention,Control intervention,Experimental group label,Control group label,Effect "
    "measure,Swap event and non-event\n"
    "1,1,Death,Contrast level,true,Drug A,Placebo,,,Risk Ratio,false\n"
    "1,2,Rate,Contrast level,true,Drug A,Placebo,,,Rate Ratio,false\n"
    "1,3,Weight,Contrast level,false,Drug A,Placebo,,,Mean Difference,false\n"
    "2,1,Relapse,O-E and variance,true,,,Drug A,Placebo,Hazard Ratio,false\n"
    "2,2,Events,O-E and variance,true,,,,,,false\n"
    "3,1,Nausea,Dichotomous,true,\"Ketamine, IV\",Ketamine; oral,,,Risk Ratio,true\n"
    "4,1,Pain,Continuous,false,,,Drug ; A,drug ; a,Mean Difference,false\n";

static void test_estimates_and_skips(void)
{
    fx_write("records/CD000020-data-rows.csv", rows_csv, sizeof rows_csv - 1);
    fx_write("records/CD000020-overall-estimates-and-settings.csv", settings_csv,
             sizeof settings_csv - 1);
    struct meta_review *rv = fx_read_cochrane(fx_path("records"));
    struct fx_records got = {0};
    struct meta_review_sink sink = fx_sink(&got);
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL_FATAL(meta_review_records(rv, NULL, &sink, &err), META_OK);

    /* GIV RR on the log scale: the ratio, and its SE on the log scale */
    const struct fx_record *r = fx_find(&got, "A 2001", "CD000020 1.1 Death", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->kind, META_RECORD_ESTIMATE);
    CU_ASSERT_STRING_EQUAL(r->treatment, "Drug A");
    CU_ASSERT_STRING_EQUAL(r->control, "Placebo");
    CU_ASSERT_STRING_EQUAL(r->measure, "RR");
    FX_NUM(r->estimate, exp(-0.356675));
    FX_NUM(r->se, 0.2);
    CU_ASSERT_EQUAL(r->log_scale, 0);
    FX_NUM(r->n_treatment, 120);
    FX_NUM(r->n_control, 118);
    CU_ASSERT_STRING_EQUAL(r->result_attrs, "rob_overall=low;year=2001");
    CU_ASSERT_STRING_EQUAL(r->arm_attrs, "");
    r = fx_find(&got, "B 2002", "CD000020 1.1 Death", NULL);
    CU_ASSERT_PTR_NULL(r);

    /* a measure meta does not have: GIV, on the scale given (log) */
    r = fx_find(&got, "A 2001", "CD000020 1.2 Rate", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->measure, "GIV");
    CU_ASSERT_EQUAL(r->log_scale, 1);
    FX_NUM(r->estimate, 0.5);
    FX_NUM(r->se, 0.25);
    CU_ASSERT(isnan(r->n_treatment));
    CU_ASSERT_STRING_EQUAL(r->result_attrs, "subgroup=Adults;year=2001");

    /* GIV MD: as given */
    r = fx_find(&got, "A 2001", "CD000020 1.3 Weight", NULL);
    CU_ASSERT_STRING_EQUAL(r->measure, "MD");
    CU_ASSERT_EQUAL(r->log_scale, 0);
    FX_NUM(r->estimate, -1.5);
    FX_NUM(r->se, 0.5);

    /* O-E: Peto's log hazard ratio (O-E)/V, variance 1/V; sides from the labels */
    r = fx_find(&got, "A 2001", "CD000020 2.1 Relapse", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->measure, "HR");
    CU_ASSERT_STRING_EQUAL(r->method, ""); /* a log-rank hazard ratio, not Peto's OR */
    FX_NUM(r->estimate, exp(-4.5 / 12.25));
    FX_NUM(r->se, 1 / 3.5);
    CU_ASSERT_STRING_EQUAL(r->treatment, "Drug A");
    FX_NUM(r->n_treatment, 50);
    FX_NUM(r->n_control, 48);
    r = fx_find(&got, "A 2001", "CD000020 2.2 Events", NULL);
    CU_ASSERT_STRING_EQUAL(r->measure, "OR");
    CU_ASSERT_STRING_EQUAL(r->method, "peto"); /* the registry's Peto odds ratio */
    FX_NUM(r->estimate, exp(1.5 / 4));
    FX_NUM(r->se, 0.5);
    CU_ASSERT_STRING_EQUAL(r->treatment, "experimental");
    CU_ASSERT_STRING_EQUAL(r->control, "control");

    /* swapped events: N - cases, as RevMan analyses them */
    r = fx_find(&got, "A 2001", "CD000020 3.1 Nausea", "Ketamine, IV");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    FX_NUM(r->events, 108);
    FX_NUM(r->total, 120);
    r = fx_find(&got, "A 2001", "CD000020 3.1 Nausea", "Ketamine; oral");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    FX_NUM(r->events, 115);
    FX_NUM(r->total, 118);

    /* the same name on both sides: told apart; ' ;' is no inline comment */
    r = fx_find(&got, "A 2001", "CD000020 4.1 Pain", "Drug , A (experimental)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    FX_NUM(r->mean, 2.5);
    r = fx_find(&got, "A 2001", "CD000020 4.1 Pain", "drug , a (control)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    FX_NUM(r->sd, 1.2);

    CU_ASSERT_EQUAL(got.n, 9);
    static const char *const skipped[] = {
        "B 2002: the GIV SE is 0 or missing: not estimable",
        "C 2003: the variance is 0 or missing: not estimable",
        "B 2002: a group has no participants (N 0 or missing): not estimable",
        "C 2003: no data entered",
        "B 2002: an SD is 0 or missing: not estimable",
        "C 2003: a mean is missing: not estimable"};
    CU_ASSERT_EQUAL_FATAL(got.n_skipped, 6);
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_STRING_EQUAL(got.skipped[i], skipped[i]);
    fx_records_free(&got);

    /* a sink that refuses the third record: its status, and where */
    got.stop_at = 3;
    CU_ASSERT_EQUAL(meta_review_records(rv, NULL, &sink, &err), META_EDB);
    CU_ASSERT_EQUAL(got.n, 2);
    FX_MSG(&err, "CD000020-data-rows.csv:5: the record was refused (database error)");
    fx_records_free(&got);
    /* without a skipped callback the rows are passed over all the same */
    sink.skipped = NULL;
    CU_ASSERT_EQUAL(meta_review_records(rv, NULL, &sink, &err), META_OK);
    CU_ASSERT_EQUAL(got.n, 9);
    fx_records_free(&got);
    meta_review_free(rv);
}

/* Log ratios whose exp() overflows or underflows, and an O-E over a tiny
 * variance (found by fuzzing): not estimable, skipped with the reason,
 * never a record of an infinite or zero ratio. */
static const char range_rows_csv[] = HEADER "1,1,Death,,A 2001,2001,800,0.2,,,,,,,,,,,\n"
                                            "1,1,Death,,B 2002,2002,-800,0.2,,,,,,,,,,,\n"
                                            "1,1,Death,,C 2003,2003,0.1,0.2,,,,,,,,,,,\n"
                                            "2,1,Relapse,,A 2001,2001,,,,,,,,,,,1000,1,\n"
                                            "2,1,Relapse,,C 2003,2003,,,,,,,,,,,2.0,4,\n";

static void test_out_of_range_estimates(void)
{
    fx_write("range/CD000021-data-rows.csv", range_rows_csv, sizeof range_rows_csv - 1);
    fx_write("range/CD000021-overall-estimates-and-settings.csv", settings_csv,
             sizeof settings_csv - 1);
    struct meta_review *rv = fx_read_cochrane(fx_path("range"));
    struct fx_records got = {0};
    struct meta_review_sink sink = fx_sink(&got);
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL_FATAL(meta_review_records(rv, NULL, &sink, &err), META_OK);
    CU_ASSERT_EQUAL(got.n, 2);
    for (size_t i = 0; i < got.n; i++)
        CU_ASSERT(isfinite(got.v[i].estimate) && got.v[i].estimate > 0);
    CU_ASSERT_PTR_NOT_NULL(fx_find(&got, "C 2003", "CD000021 1.1 Death", NULL));
    CU_ASSERT_PTR_NOT_NULL(fx_find(&got, "C 2003", "CD000021 2.1 Relapse", NULL));
    static const char *const skipped[] = {"A 2001: the estimate is out of range: not estimable",
                                          "B 2002: the estimate is out of range: not estimable",
                                          "A 2001: the estimate is out of range: not estimable"};
    CU_ASSERT_EQUAL_FATAL(got.n_skipped, 3);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_STRING_EQUAL(got.skipped[i], skipped[i]);
    fx_records_free(&got);
    meta_review_free(rv);
}

static void test_names(void)
{
    struct meta_review_analysis an;
    memset(&an, 0, sizeof an);
    an.group = 12;
    an.number = 3;
    char name[400];
    memset(name, 'x', sizeof name);
    memcpy(name, "Long \xE2\x89\xA4 ", 9);
    name[sizeof name - 1] = '\0';
    an.name = name;
    char out[META_REVIEW_NAME_SIZE];
    meta_review_outcome_name(&an, "CD000001", out, sizeof out);
    CU_ASSERT_EQUAL(strlen(out), META_REVIEW_NAME_MAX);
    CU_ASSERT_NSTRING_EQUAL(out, "CD000001 12.3 Long \xE2\x89\xA4 xxx", 26);
    CU_ASSERT_STRING_EQUAL(out + strlen(out) - 3, "...");
    an.name = "";
    meta_review_outcome_name(&an, "", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "12.3");
    an.name = "Pain\tat\n24 h";
    meta_review_outcome_name(&an, "P", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "P 12.3 Pain at 24 h");
    char id[32];
    meta_review_analysis_id(&an, id, sizeof id);
    CU_ASSERT_STRING_EQUAL(id, "12.3");

    char exp[META_REVIEW_NAME_SIZE], ctl[META_REVIEW_NAME_SIZE];
    meta_review_side_names(&an, exp, ctl, sizeof exp);
    CU_ASSERT_STRING_EQUAL(exp, "experimental");
    CU_ASSERT_STRING_EQUAL(ctl, "control");
    an.label_exp = "Ketamine";
    an.label_ctl = "  ";
    an.intervention_ctl = "Placebo (saline)";
    meta_review_side_names(&an, exp, ctl, sizeof exp);
    CU_ASSERT_STRING_EQUAL(exp, "Ketamine");
    CU_ASSERT_STRING_EQUAL(ctl, "Placebo (saline)");
    an.intervention_exp = name + 9; /* all x: cut, with room for " (experimental)" */
    an.intervention_ctl = name + 9;
    meta_review_side_names(&an, exp, ctl, sizeof exp);
    CU_ASSERT(strlen(exp) <= META_REVIEW_NAME_MAX);
    CU_ASSERT_STRING_EQUAL(exp + strlen(exp) - 18, "... (experimental)");
    CU_ASSERT_STRING_EQUAL(ctl + strlen(ctl) - 13, "... (control)");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"CD015373: arm records, names and attributes", test_cd015373},
        {"Fleiss1993.rm5: group labels as sides", test_fleiss},
        {"estimates, swaps, skipped rows and safe names", test_estimates_and_skips},
        {"outcome and side names", test_names},
        {"ratios out of range are not estimable", test_out_of_range_estimates},
        {NULL, NULL}};
    return meta_test_run_suite("review_records", fx_setup, fx_cleanup, cases);
}
