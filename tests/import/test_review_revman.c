/*
 * RevMan 5 files read by meta_review_read_revman(): the shared
 * Fleiss1993.rm5 value by value (settings, RevMan's stored totals, every
 * study's data and per-study results), a file written here in ISO-8859-1
 * with subgroups, generic inverse variance, O-E, other data and
 * not-estimable studies, one in windows-1252, and a variant for every kind of
 * bad input, each refused with its XML line and nothing returned.
 */
#include "cunit_main.h"
#include "import_fixtures.h"

#include <math.h>
#include <string.h>

static void test_fleiss(void)
{
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    int rc = meta_review_read_revman(fx_data("revman/Fleiss1993.rm5"), NULL, &rv, &err);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    CU_ASSERT_EQUAL(rv->format, META_REVIEW_REVMAN5);
    CU_ASSERT_STRING_EQUAL(rv->title, "Examples from Fleiss 1993");
    CU_ASSERT_PTR_NULL(rv->cd_number);
    CU_ASSERT_STRING_EQUAL(rv->name, "Fleiss1993");
    CU_ASSERT_EQUAL(rv->n_sources, 1);
    CU_ASSERT_EQUAL(rv->sources[0].size, 18729);
    CU_ASSERT_EQUAL(rv->n_notes, 0);
    CU_ASSERT_EQUAL_FATAL(rv->n_studies, 12);
    CU_ASSERT_STRING_EQUAL(rv->studies[7].name, "ISIS-2");
    CU_ASSERT_STRING_EQUAL(rv->studies[7].id, "STD-ISIS_x002d_2");
    CU_ASSERT_STRING_EQUAL(rv->studies[7].year, "1988");
    CU_ASSERT_EQUAL_FATAL(rv->n_analyses, 2);

    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(an);
    CU_ASSERT_STRING_EQUAL(an->name, "Aspirin for Preventing Death after Myocardial Infarction");
    CU_ASSERT_STRING_EQUAL(an->group_name, "Examples from Fleiss (1993)");
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_MH);
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "OR");
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_FIXED);
    CU_ASSERT_EQUAL(an->swap_events, 0);
    CU_ASSERT_EQUAL(an->log_scale, -1);
    CU_ASSERT_EQUAL(an->show_overall, 1);
    CU_ASSERT_EQUAL(an->show_subgroup_test, 1);
    FX_NUM(an->study_level, 95);
    FX_NUM(an->total_level, 95);
    CU_ASSERT_STRING_EQUAL(an->label_exp, "Aspirin");
    CU_ASSERT_STRING_EQUAL(an->label_ctl, "Control");
    CU_ASSERT_STRING_EQUAL(an->favours_left, "Favours experimental");
    CU_ASSERT_STRING_EQUAL(an->favours_right, "Favours control");
    CU_ASSERT_STRING_EQUAL(an->sort_by, "USER");
    CU_ASSERT_EQUAL(an->line, 441);
    /* the totals RevMan stored, to the last digit */
    CU_ASSERT(an->overall.present);
    FX_NUM(an->overall.estimate, 0.8968655609130709);
    FX_NUM(an->overall.ci_lower, 0.8405144008917793);
    FX_NUM(an->overall.ci_upper, 0.9569947088336491);
    FX_NUM(an->overall.z, 3.287633061337987);
    FX_NUM(an->overall.p, 0.0010103343130005407);
    FX_NUM(an->overall.chi2, 9.946055983220074);
    FX_NUM(an->overall.df, 6);
    FX_NUM(an->overall.chi2_p, 0.1269422521561745);
    FX_NUM(an->overall.i2, 39.67458045558399);
    FX_NUM(an->overall.tau2, 0);
    FX_NUM(an->overall.events_exp, 2128);
    FX_NUM(an->overall.n_exp, 14186);
    FX_NUM(an->overall.events_ctl, 2286);
    FX_NUM(an->overall.n_ctl, 13817);
    FX_NUM(an->overall.weight, 100.00000000000001);
    CU_ASSERT_FALSE(an->subgroup_test.present); /* no subgroups */
    static const struct {
        const char *study;
        long line, order;
        double e1, n1, e2, n2, w, es, lo, hi;
    } dich[] = {
        {"MRC-1", 447, 1, 49, 615, 67, 624, 3.176490004091248, 0.7197141500975687,
         0.4889745274989256, 1.0593362817898602},
        {"CDP", 448, 2, 44, 758, 64, 771, 3.1016891143394365, 0.6807598039215687,
         0.45739090373983604, 1.0132119087766858},
        {"MRC-2", 449, 6, 102, 832, 126, 850, 5.675380442715663, 0.8028701891715591,
         0.6064528819242718, 1.062902922672345},
        {"GASP", 450, 8, 32, 317, 38, 309, 1.795484618258711, 0.8007386888273315,
         0.4862610363759706, 1.318597213882381},
        {"PARIS", 451, 9, 85, 810, 52, 406, 3.2176243566716805, 0.7981432360742705,
         0.5525633542165779, 1.1528680293941878},
        {"AMIS", 452, 10, 246, 2267, 219, 2257, 10.153491219997628, 1.1327364047365673,
         0.9346646778747347, 1.3727829808793592},
        {"ISIS-2", 453, 11, 1570, 8587, 1720, 8600, 72.87984024392564, 0.8949693601254097,
         0.8294175772940908, 0.965701930475584},
    };
    CU_ASSERT_EQUAL_FATAL(an->n_rows, 7);
    for (size_t i = 0; i < 7; i++) {
        const struct meta_review_row *r = &an->rows[i]; /* file order */
        CU_ASSERT_STRING_EQUAL(r->study, dich[i].study);
        CU_ASSERT_STRING_EQUAL(r->trial, dich[i].study);
        CU_ASSERT_EQUAL(r->line, dich[i].line);
        CU_ASSERT_EQUAL(r->order, dich[i].order);
        CU_ASSERT_EQUAL(r->estimable, 1);
        FX_NUM(r->exp.events, dich[i].e1);
        FX_NUM(r->exp.n, dich[i].n1);
        FX_NUM(r->ctl.events, dich[i].e2);
        FX_NUM(r->ctl.n, dich[i].n2);
        FX_NUM(r->revman.weight, dich[i].w);
        FX_NUM(r->revman.estimate, dich[i].es);
        FX_NUM(r->revman.ci_lower, dich[i].lo);
        FX_NUM(r->revman.ci_upper, dich[i].hi);
        CU_ASSERT(isnan(r->exp.mean) && isnan(r->giv_mean) && isnan(r->oe));
        CU_ASSERT_PTR_NOT_NULL(r->year);
        CU_ASSERT_PTR_NULL(r->subgroup);
        CU_ASSERT_STRING_EQUAL(r->source, fx_data("revman/Fleiss1993.rm5"));
    }
    CU_ASSERT_STRING_EQUAL(an->rows[5].year, "1980");

    an = fx_analysis(rv, 1, 2);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_CONTINUOUS);
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "SMD");
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_IV);
    CU_ASSERT_STRING_EQUAL(an->label_exp, "Mental Health Treatment");
    CU_ASSERT_STRING_EQUAL(an->sort_by, "STUDY");
    CU_ASSERT_FALSE(an->overall.present); /* RevMan stored no SMD totals */
    FX_NUM(an->overall.n_exp, 106);
    FX_NUM(an->overall.n_ctl, 126);
    fx_check_fleiss_smd_rows(an);
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(an->rows[i].line, 461 + (long)i); /* file order: Davis ... Wilson */
    CU_ASSERT_STRING_EQUAL(an->rows[0].study, "Davis");
    CU_ASSERT_STRING_EQUAL(an->rows[4].study, "Wilson");
    meta_review_free(rv);
}

/* ---- A file with every kind of analysis, in ISO-8859-1 ------------------ */

static const char variety_rm5[] =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"no\"?>\n"
    "<COCHRANE_REVIEW DOI=\"10.1002/14651858.CD004567.pub2\" REVIEW_NO=\"\" "
    "REVMAN_VERSION=\"5\">\n"
    "<COVER_SHEET><TITLE>Caf\xE9 au lait for everything</TITLE></COVER_SHEET>\n"
    "<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>\n"
    "<STUDY ID=\"STD-M_x00fc_ller-2001\" NAME=\"M\xFCller 2001\" YEAR=\"2001\"/>\n"
    "<STUDY ID=\"STD-Smith-1999\" NAME=\"Smith 1999\" YEAR=\"1999\"/>\n"
    "</INCLUDED_STUDIES><EXCLUDED_STUDIES>\n"
    "<STUDY ID=\"STD-Excl\" NAME=\"Excluded 2000\" YEAR=\"\"/>\n"
    "</EXCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>\n"
    "<ANALYSES_AND_DATA CALCULATED_DATA=\"YES\">\n"
    "<COMPARISON ID=\"CMP-001\" NO=\"1\"><NAME>Coffee versus tea</NAME>\n"
    "<DICH_OUTCOME CHI2=\"3.1\" CI_END=\"2.0\" CI_START=\"1.1\" CI_STUDY=\"95\" CI_TOTAL=\"95\" "
    "DF=\"2\" EFFECT_MEASURE=\"RR\" EFFECT_SIZE=\"1.5\" I2=\"35.5\" I2_Q=\"60.0\" METHOD=\"MH\" "
    "NO=\"1\" P_CHI2=\"0.21\" P_Q=\"0.11\" P_Z=\"0.01\" Q=\"2.5\" RANDOM=\"YES\" "
    "SORT_BY=\"YEAR\" SUBGROUPS=\"YES\" SUBGROUP_TEST=\"YES\" SWAP_EVENTS=\"YES\" TAU2=\"0.02\" "
    "TOTALS=\"SUB\" Z=\"2.6\">\n"
    "<NAME>Insomnia</NAME><GROUP_LABEL_1>Caf\xE9</GROUP_LABEL_1>"
    "<GROUP_LABEL_2>Tea</GROUP_LABEL_2>\n"
    "<GRAPH_LABEL_1>Favours coffee</GRAPH_LABEL_1><GRAPH_LABEL_2>Favours tea</GRAPH_LABEL_2>\n"
    "<DICH_SUBGROUP CHI2=\"0.0\" CI_END=\"2.5\" CI_START=\"1.2\" DF=\"0\" EFFECT_SIZE=\"1.7\" "
    "NO=\"1\" P_Z=\"0.02\" TAU2=\"0.0\" WEIGHT=\"60.0\" Z=\"2.3\"><NAME>Espresso</NAME>\n"
    "<DICH_DATA CI_END=\"5.2\" CI_START=\"0.7\" EFFECT_SIZE=\"1.92\" ESTIMABLE=\"YES\" "
    "EVENTS_1=\"10\" EVENTS_2=\"5\" ORDER=\"3\" STUDY_ID=\"STD-M_x00fc_ller-2001\" "
    "TOTAL_1=\"50\" TOTAL_2=\"48\" WEIGHT=\"60.0\"/>\n"
    "</DICH_SUBGROUP>\n"
    "<DICH_SUBGROUP CI_END=\"NaN\" CI_START=\"NaN\" EFFECT_SIZE=\"NaN\" LOG_CI_END=\"-Infinity\" "
    "NO=\"2\"><NAME>Filter</NAME>\n"
    "<DICH_DATA CI_END=\"NaN\" CI_START=\"NaN\" EFFECT_SIZE=\"NaN\" ESTIMABLE=\"NO\" "
    "EVENTS_1=\"0\" EVENTS_2=\"0\" ORDER=\"4\" STUDY_ID=\"STD-Smith-1999\" TOTAL_1=\"20\" "
    "TOTAL_2=\"21\" WEIGHT=\"0.0\"/>\n"
    "</DICH_SUBGROUP>\n"
    "</DICH_OUTCOME>\n"
    "<IV_OUTCOME CI_STUDY=\"95\" CI_TOTAL=\"99\" LOG_DATA=\"YES\" NO=\"2\" RANDOM=\"NO\">\n"
    "<NAME>Hazard of waking</NAME><GROUP_LABEL_1>Coffee</GROUP_LABEL_1>"
    "<GROUP_LABEL_2>Tea</GROUP_LABEL_2><EFFECT_MEASURE>Hazard Ratio</EFFECT_MEASURE>\n"
    "<IV_DATA ESTIMATE=\"-0.2\" SE=\"0.1\" STUDY_ID=\"STD-Smith-1999\" TOTAL_1=\"20\" "
    "TOTAL_2=\"21\"/>\n"
    "</IV_OUTCOME>\n"
    "<IPD_OUTCOME NO=\"3\"><NAME>Relapse</NAME>\n"
    "<IPD_DATA O_E=\"-3.2\" STUDY_ID=\"STD-M_x00fc_ller-2001\" VAR=\"8.0\"/>\n"
    "</IPD_OUTCOME>\n"
    "<OTHER_OUTCOME NO=\"4\"><NAME>Narrative outcomes</NAME></OTHER_OUTCOME>\n"
    "<CONT_OUTCOME EFFECT_MEASURE=\"MD\" NO=\"5\" RANDOM=\"NO\"><NAME>Sleep hours</NAME>\n"
    "<CONT_DATA MEAN_1=\"6.1\" MEAN_2=\"6.8\" SD_1=\"1.2\" SD_2=\"1.1\" "
    "STUDY_ID=\"STD-Smith-1999\" TOTAL_1=\"20\" TOTAL_2=\"21\"/>\n"
    "</CONT_OUTCOME>\n"
    "</COMPARISON>\n"
    "</ANALYSES_AND_DATA>\n"
    "</COCHRANE_REVIEW>\n";

static void test_variety(void)
{
    const char *path = fx_write("CD004567.rm5", variety_rm5, sizeof variety_rm5 - 1);
    struct meta_review *rv = fx_read_revman(path);
    CU_ASSERT_STRING_EQUAL(rv->cd_number, "CD004567");
    CU_ASSERT_STRING_EQUAL(rv->title, "Caf\xC3\xA9 au lait for everything"); /* UTF-8 now */
    CU_ASSERT_EQUAL(rv->n_studies, 3);
    CU_ASSERT_EQUAL(rv->n_analyses, 4);
    CU_ASSERT_EQUAL_FATAL(rv->n_notes, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv->notes[0], "1.4 'Narrative outcomes'"));

    const struct meta_review_analysis *an = fx_analysis(rv, 1, 1);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_DICHOTOMOUS);
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_RANDOM);
    CU_ASSERT_EQUAL(an->swap_events, 1);
    CU_ASSERT_EQUAL(an->show_overall, 0);
    CU_ASSERT_EQUAL(an->show_subgroups, 1);
    CU_ASSERT_STRING_EQUAL(an->label_exp, "Caf\xC3\xA9");
    CU_ASSERT_STRING_EQUAL(an->favours_left, "Favours coffee");
    FX_NUM(an->overall.tau2, 0.02);
    FX_NUM(an->overall.i2, 35.5);
    CU_ASSERT_EQUAL_FATAL(an->n_subgroups, 2);
    CU_ASSERT_STRING_EQUAL(an->subgroups[0].name, "Espresso");
    CU_ASSERT(an->subgroups[0].totals.present);
    FX_NUM(an->subgroups[0].totals.estimate, 1.7);
    FX_NUM(an->subgroups[0].totals.weight, 60);
    CU_ASSERT_STRING_EQUAL(an->subgroups[1].name, "Filter");
    CU_ASSERT_FALSE(an->subgroups[1].totals.present);
    CU_ASSERT(an->subgroup_test.present);
    FX_NUM(an->subgroup_test.chi2, 2.5);
    FX_NUM(an->subgroup_test.df, 1);
    FX_NUM(an->subgroup_test.p, 0.11);
    FX_NUM(an->subgroup_test.i2, 60);
    const struct meta_review_row *r = fx_row(an, "M\xC3\xBCller 2001");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_EQUAL(r->subgroup, &an->subgroups[0]);
    CU_ASSERT_STRING_EQUAL(r->year, "2001");
    FX_NUM(r->exp.events, 10);
    FX_NUM(r->revman.estimate, 1.92);
    CU_ASSERT_EQUAL(r->line, 16);
    r = fx_row(an, "Smith 1999");
    CU_ASSERT_EQUAL(r->estimable, 0);
    CU_ASSERT(isnan(r->revman.estimate));
    FX_NUM(r->ctl.n, 21);

    an = fx_analysis(rv, 1, 2);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_GIV);
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_IV);
    CU_ASSERT_STRING_EQUAL(an->effect_measure, "Hazard Ratio");
    CU_ASSERT_EQUAL(an->log_scale, 1);
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_FIXED);
    FX_NUM(an->total_level, 99);
    r = fx_row(an, "Smith 1999");
    FX_NUM(r->giv_mean, -0.2);
    FX_NUM(r->giv_se, 0.1);
    FX_NUM(r->exp.n, 20);

    an = fx_analysis(rv, 1, 3);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_OE);
    CU_ASSERT_EQUAL(an->method, META_REVIEW_METHOD_OE);
    CU_ASSERT_EQUAL(an->model, META_REVIEW_MODEL_UNSET);
    r = fx_row(an, "M\xC3\xBCller 2001");
    FX_NUM(r->oe, -3.2);
    FX_NUM(r->variance, 8);

    CU_ASSERT_PTR_NULL(fx_analysis(rv, 1, 4));
    an = fx_analysis(rv, 1, 5);
    CU_ASSERT_EQUAL(an->type, META_REVIEW_CONTINUOUS);
    FX_NUM(an->rows[0].ctl.sd, 1.1);
    meta_review_free(rv);
}

static void test_windows_1252(void)
{
    static const char text[] =
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n"
        "<COCHRANE_REVIEW><COVER_SHEET><TITLE>\x93Quoted\x94 \x96 dash</TITLE></COVER_SHEET>\n"
        "</COCHRANE_REVIEW>\n";
    const char *path = fx_write("cp1252.rm5", text, sizeof text - 1);
    struct meta_review *rv = fx_read_revman(path);
    CU_ASSERT_STRING_EQUAL(rv->title, "\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x93 dash");
    CU_ASSERT_EQUAL(rv->n_analyses, 0);
    meta_review_free(rv);
}

/* ---- Bad input ------------------------------------------------------------ */

/* A file around one outcome element (line 5 is the outcome, 6 its data). */
static const char *wrap(const char *name, const char *outcome)
{
    static char text[8192];
    snprintf(text, sizeof text,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<COCHRANE_REVIEW><STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>\n"
             "<STUDY ID=\"S1\" NAME=\"One 2001\" YEAR=\"2001\"/></INCLUDED_STUDIES></STUDIES>\n"
             "</STUDIES_AND_REFERENCES><ANALYSES_AND_DATA><COMPARISON NO=\"1\">\n"
             "%s\n"
             "</COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>\n",
             outcome);
    return fx_write(name, text, (size_t)-1);
}

static void refused(const char *path, int status, const char *text)
{
    struct meta_review *rv = (struct meta_review *)1;
    struct meta_error err = {{0}};
    int rc = meta_review_read_revman(path, NULL, &rv, &err);
    CU_ASSERT_EQUAL(rc, status);
    CU_ASSERT_PTR_NULL(rv);
    FX_MSG(&err, text);
    if (rc == META_OK)
        meta_review_free(rv);
}

static void test_bad_input(void)
{
    static const struct {
        const char *name, *text, *message;
    } files[] = {
        {"unclosed.rm5",
         "<?xml version=\"1.0\"?>\n<COCHRANE_REVIEW>\n<COVER_SHEET>\n</COCHRANE_REVIEW>\n",
         "unclosed.rm5:4: malformed XML: "},
        {"empty.rm5", "", "malformed XML"},
        {"not-xml.rm5", "Study,Year\nA,2001\n", "not-xml.rm5:1: malformed XML"},
        {"unknown-encoding.rm5",
         "<?xml version=\"1.0\" encoding=\"x-no-such-encoding\"?>\n<COCHRANE_REVIEW/>\n",
         "unknown-encoding.rm5:1: the text cannot be decoded in the encoding the file declares"},
        {"latin1-as-utf8.rm5",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<COCHRANE_REVIEW>\n<COVER_SHEET><TITLE>"
         "M\xFCller</TITLE></COVER_SHEET>\n</COCHRANE_REVIEW>\n",
         "latin1-as-utf8.rm5:3: the text cannot be decoded in the encoding the file declares"},
        {"wrong-root.rm5", "<?xml version=\"1.0\"?>\n<html><body/></html>\n",
         "wrong-root.rm5:2: not a RevMan 5 file: the root element is html"},
        {"entities.rm5",
         "<?xml version=\"1.0\"?>\n<!DOCTYPE COCHRANE_REVIEW [<!ENTITY x \"boom\">]>\n"
         "<COCHRANE_REVIEW><COVER_SHEET><TITLE>&x;</TITLE></COVER_SHEET></COCHRANE_REVIEW>\n",
         "declares XML entities"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        const char *path = fx_write(files[i].name, files[i].text, (size_t)-1);
        refused(path, META_EINVAL, files[i].message);
    }

    static const struct {
        const char *outcome, *message;
    } outcomes[] = {
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<CONT_DATA STUDY_ID=\"S1\" MEAN_1=\"1\"/>"
         "</DICH_OUTCOME>",
         ":6: CONT_DATA inside DICH_OUTCOME: data of another type than its analysis"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<CONT_SUBGROUP NO=\"1\"/></DICH_OUTCOME>",
         ":6: CONT_SUBGROUP inside DICH_OUTCOME"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<DICH_DATA STUDY_ID=\"S9\" EVENTS_1=\"1\"/>"
         "</DICH_OUTCOME>",
         ":6: DICH_DATA refers to study 'S9', which the file does not define"},
        {"<CONT_OUTCOME NO=\"1\"><NAME>A</NAME>\n<CONT_DATA STUDY_ID=\"S1\" MEAN_1=\"high\"/>"
         "</CONT_OUTCOME>",
         ":6: CONT_DATA MEAN_1 is not a number, got 'high'"},
        {"<CONT_OUTCOME NO=\"1\"><NAME>A</NAME>\n<CONT_DATA STUDY_ID=\"S1\" MEAN_1=\"Infinity\"/>"
         "</CONT_OUTCOME>",
         ":6: CONT_DATA MEAN_1 is not a number, got 'Infinity'"},
        {"<CONT_OUTCOME NO=\"1\"><NAME>A</NAME>\n<CONT_DATA STUDY_ID=\"S1\" SD_1=\"-2\"/>"
         "</CONT_OUTCOME>",
         ":6: CONT_DATA SD_1 must not be negative"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<DICH_DATA STUDY_ID=\"S1\" EVENTS_1=\"12\" "
         "TOTAL_1=\"10\"/></DICH_OUTCOME>",
         ":6: DICH_DATA has more events than participants in group 1"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<DICH_DATA STUDY_ID=\"S1\" TOTAL_2=\"10.5\"/>"
         "</DICH_OUTCOME>",
         ":6: DICH_DATA TOTAL_2 must be a whole number"},
        {"<DICH_OUTCOME><NAME>A</NAME>\n</DICH_OUTCOME>", ":5: DICH_OUTCOME has no NO attribute"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME></DICH_OUTCOME>\n"
         "<CONT_OUTCOME NO=\"1\"><NAME>B</NAME></CONT_OUTCOME>",
         ":6: analysis 1.1 is defined twice (first on line 5)"},
        {"<DICH_OUTCOME NO=\"1\"><NAME>A</NAME>\n<DICH_DATA STUDY_ID=\"S1\" EVENTS_1=\"1\" "
         "TOTAL_1=\"10\" EVENTS_2=\"2\" TOTAL_2=\"10\"/>\n<DICH_DATA STUDY_ID=\"S1\" "
         "EVENTS_1=\"1\" TOTAL_1=\"10\" EVENTS_2=\"2\" TOTAL_2=\"10\"/></DICH_OUTCOME>",
         ":7: study 'One 2001' is twice in analysis 1.1 with the same data (first on line 6)"},
    };
    for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.rm5", i);
        refused(wrap(name, outcomes[i].outcome), META_EINVAL, outcomes[i].message);
    }
    refused(fx_path("no-such-file.rm5"), META_EIO, "no-such-file.rm5: cannot open");
    refused(fx_path(""), META_EIO, "is a directory");

    /* a limit on the file's size */
    struct meta_review_limits lim;
    meta_review_limits_init(&lim);
    lim.max_file_bytes = 100;
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL(meta_review_read_revman(fx_data("revman/Fleiss1993.rm5"), &lim, &rv, &err),
                    META_EINVAL);
    CU_ASSERT_PTR_NULL(rv);
    FX_MSG(&err, "larger than the limit of 100 bytes");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"Fleiss1993.rm5 value by value", test_fleiss},
        {"ISO-8859-1, subgroups, GIV, O-E, other data", test_variety},
        {"windows-1252", test_windows_1252},
        {"bad input", test_bad_input},
        {NULL, NULL}};
    return meta_test_run_suite("review_revman", fx_setup, fx_cleanup, cases);
}
