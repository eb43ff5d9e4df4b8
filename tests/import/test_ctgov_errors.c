/*
 * Every class of bad input, provoked on purpose on variants of the real
 * records written to real temporary files: malformed JSON and XML, files that
 * are not records, records without an NCT id or without results, group ids
 * named but not defined, counts that are not whole, a count without its
 * denominator, and mapping files that are malformed or name unknown groups.
 * Each gives a clear error naming the file, the NCT id and the JSON path or
 * XML line, and nothing half-built.
 */
#include "cunit_main.h"
#include "test_ctgov_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when msg contains every one of the NULL-terminated parts (prints it if not). */
static int says(const char *msg, const char *const *parts)
{
    for (const char *const *p = parts; *p; p++) {
        if (!strstr(msg, *p)) {
            fprintf(stderr, "\nmessage '%s' lacks '%s'\n", msg, *p);
            return 0;
        }
    }
    return 1;
}

/* Parses a variant of a real record (from replaced by to) written as name:
 * expects parsing to fail with status and a message holding every part. */
static void parse_fails(const char *record, const char *from, const char *to, const char *name,
                        int status, const char *const *parts)
{
    char *text = ctgov_slurp(ctgov_data(record), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *variant = from ? ctgov_replace(text, from, to) : strdup(to);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(variant); /* the anchor is in the record */
    const char *path = ctgov_write_temp(name, variant);
    free(variant);
    struct meta_ctgov_file *f = (struct meta_ctgov_file *)&f;
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL(meta_ctgov_file_read(path, name, &f, &err), status);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT(says(err.msg, parts));
    CU_ASSERT(!strncmp(err.msg, name, strlen(name)));
}

/* As parse_fails, but the variant parses and turning it into records fails. */
static void records_fail(const char *record, const char *from, const char *to, const char *name,
                         const struct meta_ctgov_mapping *map, const char *const *parts)
{
    char *text = ctgov_slurp(ctgov_data(record), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *variant = from ? ctgov_replace(text, from, to) : strdup(text);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(variant);
    const char *path = ctgov_write_temp(name, variant);
    free(variant);
    struct meta_ctgov_file *f = NULL;
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_file_read(path, name, &f, &err), META_OK);
    struct meta_ctgov_result *r = (struct meta_ctgov_result *)&r;
    CU_ASSERT_EQUAL(meta_ctgov_study_records(&f->studies[0], map, &r, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(says(err.msg, parts));
    meta_ctgov_file_free(f);
}

static void test_malformed(void)
{
    char *text = ctgov_slurp(ctgov_data("NCT02210780.json"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    text[5000] = '\0'; /* cut in the middle */
    const char *const cut[] = {"cut.json:", "malformed JSON", NULL};
    parse_fails("NCT02210780.json", NULL, text, "cut.json", META_EINVAL, cut);
    free(text);
    const char *const after[] = {"after.json:", "malformed JSON: text after the end", NULL};
    parse_fails("NCT02210780.json", "\"hasResults\": true\n}", "\"hasResults\": true\n}\n}",
                "after.json", META_EINVAL, after);
    const char *const comma[] = {"comma.json:2:", "malformed JSON", NULL};
    parse_fails("NCT02210780.json", NULL, "{\n  \"protocolSection\": {,}\n}", "comma.json",
                META_EINVAL, comma);
    const char *const xml[] = {"bad.xml:", "malformed XML: Premature end of data", NULL};
    parse_fails("NCT00734539.xml", "</outcome_list>", "", "bad.xml", META_EINVAL, xml);
    const char *const not_record[] = {"notes.txt: not a ClinicalTrials.gov record", NULL};
    parse_fails("NCT00734539.xml", NULL, "trial notes\n", "notes.txt", META_EINVAL, not_record);
    const char *const empty[] = {"empty.json: empty file", NULL};
    parse_fails("NCT00734539.xml", NULL, " \n", "empty.json", META_EINVAL, empty);
    const char *const root[] = {"root.xml:2:", "root element is <clinical_trial>", NULL};
    parse_fails("NCT00734539.xml", NULL, "<?xml version=\"1.0\"?>\n<clinical_trial/>\n", "root.xml",
                META_EINVAL, root);
    const char *const array[] = {
        "type.json: NCT02210780: ", "resultsSection.outcomeMeasuresModule.outcomeMeasures: ",
        "expected an array, got object", NULL};
    parse_fails("NCT02210780.json", "\"outcomeMeasures\": [", "\"outcomeMeasures\": {}, \"x\": [",
                "type.json", META_EINVAL, array);
    const char *const string[] = {"string.json: NCT02210780: ",
                                  "resultsSection.outcomeMeasuresModule.outcomeMeasures[0]."
                                  "unitOfMeasure: expected a string, got array",
                                  NULL};
    parse_fails("NCT02210780.json", "\"unitOfMeasure\": \"Percentage of participants\"",
                "\"unitOfMeasure\": [\"%\"]", "string.json", META_EINVAL, string);
}

static void test_not_a_result(void)
{
    const char *const json[] = {"nores.json: NCT02210780: ", "record has no results", NULL};
    parse_fails("NCT02210780.json", "\"resultsSection\"", "\"resultsSectionX\"", "nores.json",
                META_EINVAL, json);
    const char *const xml[] = {"nores.xml:2: NCT00734539: record has no results", NULL};
    char *text = ctgov_slurp(ctgov_data("NCT00734539.xml"), NULL);
    char *a = ctgov_replace(text, "<clinical_results>", "<results_withheld>");
    char *b = a ? ctgov_replace(a, "</clinical_results>", "</results_withheld>") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    parse_fails("NCT00734539.xml", NULL, b, "nores.xml", META_EINVAL, xml);
    free(text);
    free(a);
    free(b);
    const char *const nct[] = {"nonct.json: ", "identificationModule.nctId", "record has no NCT id",
                               NULL};
    parse_fails("NCT02210780.json", "\"nctId\": \"NCT02210780\"", "\"nctId\": \"\"", "nonct.json",
                META_EINVAL, nct);
    char *good = ctgov_slurp(ctgov_data("NCT00763412.json"), NULL);
    char *bad = ctgov_slurp(ctgov_data("NCT02210780.json"), NULL);
    char *bad2 = bad ? ctgov_replace(bad, "\"resultsSection\"", "\"resultsSectionX\"") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad2);
    size_t n = strlen(good) + strlen(bad2) + 32;
    char *both = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(both);
    snprintf(both, n, "{\"studies\": [%s, %s]}", good, bad2);
    const char *const second[] = {"second.json: NCT02210780: studies[1]: record has no results",
                                  NULL};
    parse_fails("NCT02210780.json", NULL, both, "second.json", META_EINVAL, second);
    free(good);
    free(bad);
    free(bad2);
    free(both);
    const char *const page[] = {"page.json: ", "studies", "no study in the file", NULL};
    parse_fails("NCT02210780.json", NULL, "{\"studies\": []}", "page.json", META_EINVAL, page);
}

static void test_undefined_groups(void)
{
    const char *const meas[] = {
        "meas.json: NCT02210780: ",
        "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].classes[0].categories[0]."
        "measurements[1]: ",
        "a measurement names group 'OG009', which outcome 1 does not define (it defines OG000, "
        "OG001)",
        NULL};
    parse_fails("NCT02210780.json",
                "\"groupId\": \"OG001\",\n                      \"value\": \"83.3\"",
                "\"groupId\": \"OG009\",\n                      \"value\": \"83.3\"", "meas.json",
                META_EINVAL, meas);
    const char *const xml[] = {"meas.xml:1038: NCT00734539: a measurement names group 'O3', "
                               "which outcome 1 does not define (it defines O1, O2)",
                               NULL};
    parse_fails("NCT00734539.xml", "<measurement group_id=\"O2\" value=\"37\"/>",
                "<measurement group_id=\"O3\" value=\"37\"/>", "meas.xml", META_EINVAL, xml);
    const char *const ae[] = {
        "ae.json: NCT02210780: ", "resultsSection.adverseEventsModule.seriousEvents[0].stats[0]: ",
        "an adverse-event count names group 'EG007'", NULL};
    parse_fails("NCT02210780.json", "\"groupId\": \"EG000\",\n              \"numAffected\": 0",
                "\"groupId\": \"EG007\",\n              \"numAffected\": 0", "ae.json", META_EINVAL,
                ae);
    const char *const an[] = {"an.json: NCT02210780: ",
                              "outcomeMeasures[3].analyses[0]: a statistical analysis names "
                              "group 'OG003'",
                              NULL};
    parse_fails("NCT02210780.json", "\"groupIds\": [\"OG000\", \"OG001\"]",
                "\"groupIds\": [\"OG000\", \"OG003\"]", "an.json", META_EINVAL, an);
    const char *const denom[] = {"denom.xml:1028: NCT00734539: a denominator names group 'O7'",
                                 NULL};
    parse_fails("NCT00734539.xml", "<count group_id=\"O2\" value=\"173\"/>",
                "<count group_id=\"O7\" value=\"173\"/>", "denom.xml", META_EINVAL, denom);
}

static void test_counts(void)
{
    const char *const whole[] = {
        "half.json: NCT02210780: ", "outcomeMeasures[0].denoms[0].counts[0]: ",
        "the denominator of group 'OG000' in outcome 1 is not a whole "
        "number of Participants",
        NULL};
    parse_fails("NCT02210780.json", "\"value\": \"92\"", "\"value\": \"92.5\"", "half.json",
                META_EINVAL, whole);
    const char *const text[] = {"text.xml:1602: NCT00734539: subjects_affected is not a number, "
                                "got 'two'",
                                NULL};
    parse_fails("NCT00734539.xml", "subjects_affected=\"2\" subjects_at_risk=\"188\"",
                "subjects_affected=\"two\" subjects_at_risk=\"188\"", "text.xml", META_EINVAL,
                text);
    /* a count without its denominator */
    const char *const nodenom[] = {"nodenom.xml:1038: NCT00734539: outcome 1: the value of "
                                   "group 'O2' has no denominator",
                                   NULL};
    records_fail("NCT00734539.xml", "<count group_id=\"O2\" value=\"173\"/>", "", "nodenom.xml",
                 NULL, nodenom);
    const char *const atrisk[] = {
        "atrisk.json: NCT02210780: ", "adverseEventsModule.seriousEvents[0].stats[0]: ",
        "'AE serious: Serum sickness-like reaction' gives group 'EG000' "
        "0 participants affected but no participants at risk",
        NULL};
    records_fail("NCT02210780.json", "\"numAffected\": 0,\n              \"numAtRisk\": 97",
                 "\"numAffected\": 0", "atrisk.json", NULL, atrisk);
}

/* Reads a mapping written as csv; returns it (the test fails if it does not parse). */
static struct meta_ctgov_mapping *mapping(const char *name, const char *csv)
{
    struct meta_ctgov_mapping *m = NULL;
    struct meta_error err;
    int rc = meta_ctgov_mapping_read(ctgov_write_temp(name, csv), name, &m, &err);
    if (rc != META_OK)
        fprintf(stderr, "\n%s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    return m;
}

static void mapping_fails(const char *name, const char *csv, int status, const char *const *parts)
{
    struct meta_ctgov_mapping *m = (struct meta_ctgov_mapping *)&m;
    struct meta_error err = {{0}};
    CU_ASSERT_EQUAL(meta_ctgov_mapping_read(ctgov_write_temp(name, csv), name, &m, &err), status);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT(says(err.msg, parts));
}

static void test_mapping_files(void)
{
    static const char *head = "nct,section,group_id,group_title,treatment\n";
    char csv[1024];
    const char *const column[] = {"nocol.csv:1: missing column 'treatment'", NULL};
    mapping_fails("nocol.csv", "nct,section,group_id,group_title\nNCT02210780,outcome 1,OG000,x\n",
                  META_EINVAL, column);
    snprintf(csv, sizeof csv, "%sNCT02210780,outcome 1,OG000,Placebo qw,pla\"cebo\n", head);
    const char *const quote[] = {"quote.csv:2:5: malformed CSV", NULL};
    mapping_fails("quote.csv", csv, META_EINVAL, quote);
    snprintf(csv, sizeof csv, "%sNCT02210780,outcome 1,OG000,Placebo qw,\"placebo\n", head);
    const char *const open[] = {"open.csv:", "a quoted field is not closed", NULL};
    mapping_fails("open.csv", csv, META_EINVAL, open);
    snprintf(csv, sizeof csv,
             "%sNCT02210780,outcome 1,OG000,Placebo qw,placebo\n"
             "NCT02210780,outcome 1,OG000,Placebo qw,dupilumab\n",
             head);
    const char *const twice[] = {"twice.csv:3: the same group again (first on line 2)", NULL};
    mapping_fails("twice.csv", csv, META_EINVAL, twice);
    snprintf(csv, sizeof csv, "%sNCT02210780,,OG000,Placebo qw,placebo\n", head);
    const char *const empty[] = {"nosec.csv:2:2: empty section", NULL};
    mapping_fails("nosec.csv", csv, META_EINVAL, empty);
    snprintf(csv, sizeof csv, "%sNCT02210780,outcome 1,OG000,Placebo qw,placebo,extra\n", head);
    const char *const extra[] = {"extra.csv:2:6: more fields than the header's 5", NULL};
    mapping_fails("extra.csv", csv, META_EINVAL, extra);
    const char *const none[] = {"none.csv: ", "No such file", NULL};
    struct meta_ctgov_mapping *m = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_ctgov_mapping_read("/nonexistent/none.csv", "none.csv", &m, &err),
                    META_EIO);
    CU_ASSERT(says(err.msg, none));
}

/* A mapping that names groups the record does not have. */
static void test_mapping_unknown_groups(void)
{
    static const char *head = "nct,section,group_id,group_title,treatment,confirmed\n";
    char csv[1024];
    snprintf(csv, sizeof csv, "%sNCT02210780,outcome 1,OG007,Placebo qw,placebo,yes\n", head);
    struct meta_ctgov_mapping *m = mapping("unknown.csv", csv);
    const char *const group[] = {"unknown.csv:2: NCT02210780: outcome 1 has no group 'OG007' in "
                                 "NCT02210780.json",
                                 NULL};
    records_fail("NCT02210780.json", NULL, NULL, "NCT02210780.json", m, group);
    meta_ctgov_mapping_free(m);

    snprintf(csv, sizeof csv, "%sNCT02210780,outcome 40,OG000,Placebo qw,placebo,yes\n", head);
    m = mapping("section.csv", csv);
    const char *const section[] = {"section.csv:2: NCT02210780: no section 'outcome 40' in "
                                   "NCT02210780.json (it has outcome 1 to outcome 11 and adverse "
                                   "events)",
                                   NULL};
    records_fail("NCT02210780.json", NULL, NULL, "NCT02210780.json", m, section);
    meta_ctgov_mapping_free(m);

    snprintf(csv, sizeof csv, "%sNCT02210780,adverse events,EG001,Placebo qw,placebo,yes\n", head);
    m = mapping("title.csv", csv);
    const char *const title[] = {"title.csv:2: NCT02210780: adverse events group 'EG001' is "
                                 "titled 'Dupilumab 300 mg qw' in NCT02210780.json, not "
                                 "'Placebo qw'",
                                 NULL};
    records_fail("NCT02210780.json", NULL, NULL, "NCT02210780.json", m, title);
    meta_ctgov_mapping_free(m);

    /* one arm label, two treatments */
    snprintf(csv, sizeof csv,
             "%sNCT02210780,outcome 1,OG000,Placebo qw,placebo,yes\n"
             "NCT02210780,outcome 2,OG000,Placebo qw,saline,yes\n",
             head);
    m = mapping("arms.csv", csv);
    const char *const arms[] = {"NCT02210780.json: NCT02210780: ",
                                "arm 'Placebo qw' is given two treatments: 'placebo' (outcome 1, "
                                "group OG000) and 'saline' (outcome 2, group OG000)",
                                NULL};
    records_fail("NCT02210780.json", NULL, NULL, "NCT02210780.json", m, arms);
    meta_ctgov_mapping_free(m);
}

/* A line with a treatment needs the analyst's word unless its confidence is
 * high: a proposal's guesses are refused, all of them named in one message. */
static void test_mapping_unconfirmed(void)
{
    char csv[2048];
    snprintf(csv, sizeof csv,
             "nct,section,group_id,group_title,treatment,confidence,confirmed,reason\n"
             "NCT02210780,outcome 1,OG000,Placebo qw,placebo,high,,\n"
             "NCT02210780,outcome 1,OG001,Dupilumab 300 mg qw,dupilumab,medium,,\n"
             "NCT02210780,outcome 2,OG000,Placebo qw,placebo,low,no,\n"
             "NCT02210780,outcome 2,OG001,Dupilumab 300 mg qw,dupilumab,none,,\n"
             "NCT02210780,outcome 3,OG000,Placebo qw,,low,,\n"
             "NCT02210780,outcome 3,OG001,Dupilumab 300 mg qw,dupilumab,low,,\n");
    const char *const guesses[] = {
        "guess.csv:3:7: NCT02210780 outcome 1 group OG001 ('Dupilumab 300 mg qw'): treatment "
        "'dupilumab' has confidence medium (not high) and is not confirmed: write yes in its "
        "confirmed column to import it, no to leave the group out (or empty the treatment); 2 "
        "more lines like it: 5, 7",
        NULL};
    mapping_fails("guess.csv", csv, META_EINVAL, guesses);

    /* without a confidence or a confirmed column, every treatment is unconfirmed */
    snprintf(csv, sizeof csv,
             "nct,section,group_id,treatment\n"
             "NCT02210780,outcome 1,OG000,placebo\n");
    const char *const bare[] = {"bare.csv:2:4: NCT02210780 outcome 1 group OG000: treatment "
                                "'placebo' has no confidence (not high) and is not confirmed",
                                NULL};
    mapping_fails("bare.csv", csv, META_EINVAL, bare);

    snprintf(csv, sizeof csv,
             "nct,section,group_id,treatment,confirmed\n"
             "NCT02210780,outcome 1,OG000,placebo,maybe\n");
    const char *const value[] = {"value.csv:2:5: confirmed must be yes, no or empty, got 'maybe'",
                                 NULL};
    mapping_fails("value.csv", csv, META_EINVAL, value);

    snprintf(csv, sizeof csv,
             "nct,section,group_id,treatment,confirmed\n"
             "NCT02210780,outcome 1,OG000,,yes\n");
    const char *const empty[] = {"yes.csv:2:4: confirmed says yes but the treatment is empty",
                                 NULL};
    mapping_fails("yes.csv", csv, META_EINVAL, empty);
}

static void test_files(void)
{
    struct meta_ctgov_file *f = (struct meta_ctgov_file *)&f;
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_ctgov_file_read("/nonexistent/x.json", "x.json", &f, &err), META_EIO);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT(!strncmp(err.msg, "x.json: ", 8));
    CU_ASSERT_EQUAL(meta_ctgov_file_read(META_TEST_DATA_DIR, "data", &f, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg, "data: is a directory");
}

static int cleanup(void)
{
    ctgov_temp_cleanup();
    return 0;
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"malformed JSON and XML", test_malformed},
        {"records without results or NCT id", test_not_a_result},
        {"group ids named but not defined", test_undefined_groups},
        {"counts and denominators", test_counts},
        {"malformed mapping files", test_mapping_files},
        {"mappings naming unknown groups", test_mapping_unknown_groups},
        {"mapping lines not confirmed", test_mapping_unconfirmed},
        {"unreadable files", test_files},
        {NULL, NULL}};
    return meta_test_run_suite("ctgov errors", NULL, cleanup, cases);
}
