/*
 * Groups to treatments: the proposal for each of the four real records (arms
 * typed EXPERIMENTAL, "1"/"2" arm labels, abbreviations, switch and extension
 * groups), the mapping CSV written and read back, a proposal passed back
 * unedited (refused while it holds a guess; once the guesses are emptied,
 * the same import as without a mapping), and imports with an analyst's
 * confirmed mapping and without one.
 */
#include "cunit_main.h"
#include "test_ctgov_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_STR(got, expected) CU_ASSERT((got) && !strcmp((got), (expected)))

/* Appends the proposal for every group of one file to m. */
static void propose_into(struct meta_ctgov_mapping *m, const char *file)
{
    struct meta_ctgov_file *f = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_file_read(ctgov_data(file), file, &f, &err), META_OK);
    for (size_t i = 0; i < f->n_studies; i++)
        CU_ASSERT_EQUAL(meta_ctgov_mapping_propose(m, &f->studies[i], &err), META_OK);
    meta_ctgov_file_free(f);
}

static struct meta_ctgov_mapping *propose(const char *file)
{
    struct meta_ctgov_mapping *m = meta_ctgov_mapping_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    propose_into(m, file);
    return m;
}

static void check(const struct meta_ctgov_mapping *m, const char *nct, const char *section,
                  const char *group, const char *title, const char *treatment,
                  enum meta_ctgov_confidence confidence, const char *reason_part)
{
    const struct meta_ctgov_assignment *a = meta_ctgov_mapping_find(m, nct, section, group);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CHECK_STR(a->group_title, title);
    CHECK_STR(a->treatment, treatment);
    CU_ASSERT_EQUAL(a->confidence, confidence);
    CU_ASSERT(strstr(a->reason, reason_part) != NULL);
    if (strcmp(a->treatment, treatment) || a->confidence != confidence ||
        !strstr(a->reason, reason_part))
        fprintf(stderr, "%s %s %s: '%s' %s: %s\n", nct, section, group, a->treatment,
                meta_ctgov_confidence_name(a->confidence), a->reason);
}

/* Both arms typed EXPERIMENTAL: placebo is recognised by its name. */
static void test_propose_experimental_placebo(void)
{
    struct meta_ctgov_mapping *m = propose("NCT02210780.json");
    /* 11 outcome measures of 2 groups and 2 adverse-event groups */
    CU_ASSERT_EQUAL(m->n_items, 24);
    check(m, "NCT02210780", "outcome 1", "OG000", "Placebo qw", "placebo", META_CTGOV_HIGH,
          "its arm is typed EXPERIMENTAL: placebo is recognised by name");
    check(m, "NCT02210780", "outcome 1", "OG001", "Dupilumab 300 mg qw", "dupilumab",
          META_CTGOV_HIGH, "label of arm 'Dupilumab 300 mg qw'");
    check(m, "NCT02210780", "adverse events", "EG000", "Placebo qw", "placebo", META_CTGOV_HIGH,
          "typed EXPERIMENTAL");
    check(m, "NCT02210780", "adverse events", "EG001", "Dupilumab 300 mg qw", "dupilumab",
          META_CTGOV_HIGH, "which gives dupilumab");
    meta_ctgov_mapping_free(m);
}

/* Arm labels "1"/"2", result groups "Fluconazole"/"Placebo". */
static void test_propose_numbered_arms(void)
{
    struct meta_ctgov_mapping *m = propose("NCT00734539.xml");
    check(m, "NCT00734539", "outcome 1", "O1", "Fluconazole", "fluconazole", META_CTGOV_HIGH,
          "title 'Fluconazole' names fluconazole, given in arm '1'");
    check(m, "NCT00734539", "outcome 1", "O2", "Placebo", "placebo", META_CTGOV_HIGH,
          "given in arm '2'");
    check(m, "NCT00734539", "adverse events", "E1", "Fluconazole", "fluconazole", META_CTGOV_HIGH,
          "arm '1'");
    check(m, "NCT00734539", "adverse events", "E2", "Placebo", "placebo", META_CTGOV_HIGH,
          "arm '2'");
    meta_ctgov_mapping_free(m);

    m = propose("NCT00763412.json");
    check(m, "NCT00763412", "outcome 1", "OG000", "1 Placebo", "placebo", META_CTGOV_HIGH,
          "label of arm '1 Placebo'");
    check(m, "NCT00763412", "outcome 1", "OG001", "2. Repaglinide", "repaglinide", META_CTGOV_HIGH,
          "label of arm '2. repaglinide'");
    check(m, "NCT00763412", "adverse events", "EG001", "Repaglinide", "repaglinide",
          META_CTGOV_HIGH, "given in arm '2. repaglinide'");
    meta_ctgov_mapping_free(m);
}

/* Groups per analysis set, an abbreviation the record defines, a switch, and
 * open-label extension groups. */
static void test_propose_analysis_sets(void)
{
    struct meta_ctgov_mapping *m = propose("NCT02552212.json");
    const char *nct = "NCT02552212";
    check(m, nct, "outcome 1", "OG000", "Placebo (FAS)", "placebo", META_CTGOV_HIGH,
          "label of arm 'Placebo'");
    check(m, nct, "outcome 1", "OG001", "CZP 200 mg Q2W (FAS)", "certolizumab pegol",
          META_CTGOV_HIGH,
          "names certolizumab pegol, given in arm 'Certolizumab Pegol 200 mg Q2W'");
    check(m, nct, "adverse events", "EG002", "Placebo->OL CZP (SS)",
          "placebo -> certolizumab pegol", META_CTGOV_LOW, "names a switch");
    check(m, nct, "adverse events", "EG003", "CZP->OL CZP (SS)", "certolizumab pegol",
          META_CTGOV_MEDIUM, "an open-label, extension or subset group");
    check(m, nct, "adverse events", "EG004", "SFE OL CZP 200 mg Q2W (SS)", "certolizumab pegol",
          META_CTGOV_MEDIUM, "does not repeat participants");
    check(m, nct, "outcome 4", "OG000", "CZP 200 mg Q2W (SS)", "certolizumab pegol",
          META_CTGOV_HIGH, "names certolizumab pegol");
    meta_ctgov_mapping_free(m);

    m = propose("variants.json");
    check(m, "NCT99999901", "outcome 1", "OG000", "Ketalar 0.5 mg/kg", "ketamine", META_CTGOV_HIGH,
          "names ketamine");
    check(m, "NCT99999901", "outcome 1", "OG001", "Sham infusion", "sham", META_CTGOV_HIGH, "sham");
    /* pooled groups, a placebo for a drug, the description only, nothing */
    check(m, "NCT99999901", "outcome 11", "OG002", "All participants", "pooled: ketamine / sham",
          META_CTGOV_LOW, "says the group pools the arms");
    check(m, "NCT99999901", "outcome 11", "OG003", "Ketamine and sham combined",
          "pooled: ketamine / sham", META_CTGOV_LOW, "pools groups given ketamine, sham");
    check(m, "NCT99999901", "outcome 11", "OG004", "Matching placebo for ketamine", "placebo",
          META_CTGOV_MEDIUM, "names a placebo for ketamine");
    check(m, "NCT99999901", "outcome 11", "OG005", "Group A", "ketamine", META_CTGOV_MEDIUM,
          "its description names ketamine");
    check(m, "NCT99999901", "outcome 11", "OG006", "Group B", "", META_CTGOV_NONE,
          "name no intervention, placebo or sham");
    meta_ctgov_mapping_free(m);
}

/* An abbreviation in parentheses names a treatment only when it is not an
 * analysis set: "Dupilumab (DUP)" makes DUP a name, "dupilumab (FAS)" not. */
static void test_propose_abbreviations(void)
{
    const char *json =
        "{\"protocolSection\": {\"identificationModule\": {\"nctId\": \"NCT99999902\"},"
        " \"armsInterventionsModule\": {\"interventions\": ["
        "  {\"name\": \"Dupilumab\", \"description\": \"Dupilumab (DUP) weekly; analysed as "
        "dupilumab (FAS)\"}, {\"name\": \"Placebo\"}]}},"
        " \"resultsSection\": {\"adverseEventsModule\": {\"eventGroups\": ["
        "  {\"id\": \"EG000\", \"title\": \"DUP 300 mg\"},"
        "  {\"id\": \"EG001\", \"title\": \"Placebo (FAS)\"}]}}}";
    struct meta_ctgov_file *f = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_file_parse(json, strlen(json), "abbr.json", &f, &err),
                          META_OK);
    struct meta_ctgov_mapping *m = meta_ctgov_mapping_alloc();
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_mapping_propose(m, &f->studies[0], &err), META_OK);
    check(m, "NCT99999902", "adverse events", "EG000", "DUP 300 mg", "dupilumab", META_CTGOV_HIGH,
          "names dupilumab");
    check(m, "NCT99999902", "adverse events", "EG001", "Placebo (FAS)", "placebo", META_CTGOV_HIGH,
          "names placebo");
    meta_ctgov_mapping_free(m);
    meta_ctgov_file_free(f);
}

/* The proposal of a file, written to a temporary CSV named name; returns its path. */
static const char *write_proposal(const struct meta_ctgov_mapping *m, const char *name)
{
    struct meta_error err;
    const char *path = ctgov_write_temp(name, "");
    FILE *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(meta_ctgov_mapping_write(m, out, name, &err), META_OK);
    fclose(out);
    return path;
}

/* Written as CSV and read back, every field survives (quotes, commas, UTF-8);
 * read back as written, the proposal is refused for its guesses. */
static void test_mapping_roundtrip(void)
{
    static const char *const files[] = {"NCT02210780.json", "NCT02552212.json", "NCT00763412.json",
                                        "NCT00734539.xml"};
    struct meta_ctgov_mapping *all = meta_ctgov_mapping_alloc();
    struct meta_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    for (size_t i = 0; i < 4; i++)
        propose_into(all, files[i]);
    CU_ASSERT_EQUAL(all->n_items, 24 + 76 + 20 + 26);
    const char *path = write_proposal(all, "proposal.csv");
    char *text = ctgov_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(!strncmp(
        text, "nct,section,group_id,group_title,treatment,confidence,confirmed,reason\n", 71));
    free(text);

    /* as proposed: NCT02552212's first guess is outcome 4's switch group
     * (after the header, NCT02210780's 24 groups and 3 measures of 2 groups:
     * line 1 + 24 + 6 + 2 = 33), then 19 more lines of that record */
    struct meta_ctgov_mapping *back = (struct meta_ctgov_mapping *)&back;
    CU_ASSERT_EQUAL(meta_ctgov_mapping_read(path, "proposal.csv", &back, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(back);
    CU_ASSERT(strstr(err.msg, "proposal.csv:33:7: NCT02552212 outcome 4 group OG001 "
                              "('Placebo->OL CZP (SS)'): treatment 'placebo -> certolizumab "
                              "pegol' has confidence low (not high) and is not confirmed: write "
                              "yes in its confirmed column to import it, no to leave the group "
                              "out (or empty the treatment); ") == err.msg);
    CU_ASSERT(strstr(err.msg,
                     "19 more lines like it: 35, 37, 39, 41, 43, 45, 47, 84, 85, 86 and 9 more") !=
              NULL);
    if (!strstr(err.msg, "proposal.csv:33:7: NCT02552212 outcome 4 group OG001"))
        fprintf(stderr, "\n%s\n", err.msg);

    /* confirmed by the analyst: every field comes back */
    for (size_t i = 0; i < all->n_items; i++)
        all->items[i].confirmed =
            i % 2 && *all->items[i].treatment ? META_CTGOV_CONFIRMED_YES : META_CTGOV_CONFIRMED_NO;
    path = write_proposal(all, "confirmed.csv");
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_mapping_read(path, "confirmed.csv", &back, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(back->n_items, all->n_items);
    CHECK_STR(back->source, "confirmed.csv");
    for (size_t i = 0; i < all->n_items; i++) {
        const struct meta_ctgov_assignment *a = &all->items[i], *b = &back->items[i];
        CHECK_STR(b->nct, a->nct);
        CHECK_STR(b->section, a->section);
        CHECK_STR(b->group_id, a->group_id);
        CHECK_STR(b->group_title, a->group_title);
        CHECK_STR(b->treatment, a->treatment);
        CHECK_STR(b->reason, a->reason);
        CU_ASSERT_EQUAL(b->confidence, a->confidence);
        CU_ASSERT_EQUAL(b->confirmed, a->confirmed);
        CU_ASSERT_EQUAL(b->line, (long)i + 2);
    }
    meta_ctgov_mapping_free(back);
    meta_ctgov_mapping_free(all);
}

/* Without a mapping only high-confidence groups are imported; the others are
 * listed with their proposal. */
static void test_without_mapping(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02552212.json", NULL, &f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    size_t low = 0, medium = 0, ae = 0;
    for (size_t i = 0; i < r->n_unmapped; i++) {
        const struct meta_ctgov_assignment *u = &r->unmapped[i];
        CU_ASSERT(u->confidence != META_CTGOV_HIGH);
        low += u->confidence == META_CTGOV_LOW;
        medium += u->confidence == META_CTGOV_MEDIUM;
        ae += !strcmp(u->section, "adverse events");
    }
    /* Placebo->OL CZP in outcomes 4-11 and 29-31 and in the adverse events;
     * CZP->OL CZP and the SFE group in outcomes 29-31 and the adverse events */
    CU_ASSERT_EQUAL(low, 12);
    CU_ASSERT_EQUAL(medium, 8);
    CU_ASSERT_EQUAL(ae, 3);
    CU_ASSERT_EQUAL(r->n_unmapped, 20);
    CU_ASSERT_PTR_NULL(
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Placebo->OL CZP (SS)"));
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* An analyst's mapping: only its lines are used, whatever the confidence,
 * once confirmed; an empty treatment or a confirmed no leaves a group out;
 * other trials' lines are ignored; headers by name, in any order and case. */
static void test_confirmed_mapping(void)
{
    const char *csv =
        "Section,NCT,Group ID,Proposed Treatment,group_title,note,Confirmed\n"
        "adverse events,NCT02552212,EG000,placebo,Placebo (SS),,yes\n"
        "adverse events,NCT02552212,EG001,certolizumab pegol,CZP 200 mg Q2W (SS),checked,Yes\n"
        "adverse events,NCT02552212,EG004,certolizumab pegol (extension),"
        "\"SFE OL CZP 200 mg Q2W (SS)\",\"open label, all comers\", yes \n"
        "adverse events,NCT02552212,EG002,,Placebo->OL CZP (SS),left out,\n"
        "adverse events,NCT02552212,EG003,certolizumab pegol,CZP->OL CZP (SS),repeats EG001,no\n"
        "outcome 1,NCT02210780,OG000,placebo,Placebo qw,,yes\n";
    const char *path = ctgov_write_temp("confirmed.csv", csv);
    struct meta_ctgov_mapping *map = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_mapping_read(path, "confirmed.csv", &map, &err), META_OK);
    CU_ASSERT_EQUAL(map->n_items, 6);
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02552212.json", map, &f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const struct meta_record *x =
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "SFE OL CZP 200 mg Q2W (SS)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CHECK_STR(x->treatment, "certolizumab pegol (extension)");
    CU_ASSERT_EQUAL(x->events, 15);
    CU_ASSERT_EQUAL(x->total, 243);
    CU_ASSERT_EQUAL(ctgov_count(r, META_CTGOV_AE_SERIOUS_ANY), 3);
    /* no outcome-measure group is in the mapping: no arm or estimate rows */
    for (size_t i = 0; i < r->n_records; i++) {
        CU_ASSERT(!strncmp(r->records[i].outcome, "AE ", 3) ||
                  !strcmp(r->records[i].outcome, META_CTGOV_DEATHS));
    }
    int eg002 = 0, eg003 = 0, og000 = 0;
    for (size_t i = 0; i < r->n_unmapped; i++) {
        const struct meta_ctgov_assignment *u = &r->unmapped[i];
        if (!strcmp(u->section, "adverse events") && !strcmp(u->group_id, "EG002")) {
            eg002 = 1;
            CHECK_STR(u->reason, "the mapping gives no treatment");
            CU_ASSERT_EQUAL(u->line, 5);
        }
        if (!strcmp(u->section, "adverse events") && !strcmp(u->group_id, "EG003")) {
            eg003 = 1;
            CHECK_STR(u->reason, "the mapping leaves it out (confirmed: no)");
            CHECK_STR(u->treatment, "certolizumab pegol");
            CU_ASSERT_EQUAL(u->line, 6);
        }
        if (!strcmp(u->section, "outcome 1") && !strcmp(u->group_id, "OG000")) {
            og000 = 1;
            CHECK_STR(u->reason, "not in the mapping");
        }
    }
    CU_ASSERT(eg002 && eg003 && og000);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
    meta_ctgov_mapping_free(map);
}

/* A proposal passed back with its guesses emptied (all the analyst must do
 * to accept the high-confidence groups alone) imports exactly what an
 * import without a mapping does, record for record. */
static void test_proposal_passed_back(void)
{
    static const char *const files[] = {"NCT02210780.json", "NCT02552212.json", "NCT00763412.json",
                                        "NCT00734539.xml", "variants.json"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct meta_ctgov_mapping *m = propose(files[i]);
        size_t emptied = 0;
        for (size_t k = 0; k < m->n_items; k++) {
            if (m->items[k].confidence != META_CTGOV_HIGH && *m->items[k].treatment) {
                m->items[k].treatment = "";
                emptied++;
            }
        }
        struct meta_ctgov_mapping *back = NULL;
        struct meta_error err;
        CU_ASSERT_EQUAL_FATAL(
            meta_ctgov_mapping_read(write_proposal(m, "emptied.csv"), "emptied.csv", &back, &err),
            META_OK);
        struct meta_ctgov_file *f1, *f2;
        struct meta_ctgov_result *with = ctgov_load(files[i], back, &f1);
        struct meta_ctgov_result *without = ctgov_load(files[i], NULL, &f2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(with);
        CU_ASSERT_PTR_NOT_NULL_FATAL(without);
        CU_ASSERT_EQUAL(with->n_records, without->n_records);
        CU_ASSERT_EQUAL(with->n_unmapped, without->n_unmapped);
        for (size_t k = 0; k < with->n_records && k < without->n_records; k++) {
            const struct meta_record *a = &with->records[k], *b = &without->records[k];
            CU_ASSERT(!strcmp(a->outcome, b->outcome) && !strcmp(a->treatment, b->treatment));
            CU_ASSERT(a->kind == b->kind);
        }
        /* NCT02552212 and the variants hold guesses; the three others none */
        CU_ASSERT_EQUAL(emptied > 0, i == 1 || i == 4);
        meta_ctgov_result_free(with);
        meta_ctgov_result_free(without);
        meta_ctgov_file_free(f1);
        meta_ctgov_file_free(f2);
        meta_ctgov_mapping_free(back);
        meta_ctgov_mapping_free(m);
    }
}

static int cleanup(void)
{
    ctgov_temp_cleanup();
    return 0;
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"proposal: placebo arm typed EXPERIMENTAL", test_propose_experimental_placebo},
        {"proposal: arms labelled 1 and 2", test_propose_numbered_arms},
        {"proposal: analysis sets, switch, extension", test_propose_analysis_sets},
        {"proposal: abbreviations, not analysis sets", test_propose_abbreviations},
        {"mapping CSV written and read back", test_mapping_roundtrip},
        {"import without a mapping", test_without_mapping},
        {"import with a confirmed mapping", test_confirmed_mapping},
        {"a proposal passed back with its guesses emptied", test_proposal_passed_back},
        {NULL, NULL}};
    return meta_test_run_suite("ctgov mapping", NULL, cleanup, cases);
}
