/*
 * ClinicalTrials.gov records to registry records, value by value: the four
 * real records of tests/data/ctgov (three API v2 JSON, one retired XML) and
 * the synthetic variants.json for the kinds they lack. Expected counts are the
 * records' own numbers; derived SDs are SE sqrt(n) (worked out beside each)
 * or, from intervals, computed with R by tests/import/ctgov_sd_from_ci.R.
 */
#include "cunit_main.h"
#include "reference_rule.h"
#include "test_ctgov_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_CLOSE(got, expected) CU_ASSERT(meta_ref_agrees((expected), (got)))
#define CHECK_STR(got, expected)   CU_ASSERT((got) && !strcmp((got), (expected)))

static const char *const tetanus =
    "Percentage of Participants With a Positive Response (\xE2\x89\xA5"
    "4-Fold Increase) to Tetanus Toxoid (the Adacel [Tdap] Vaccine) at Week 16";
static const char *const pruritus = "Change From Baseline in Peak Weekly Averaged Pruritis "
                                    "Numerical Rating Scale (NRS) Scores at Week 16";

/* NUMBER in percentage of participants: the count recovered from the percentage. */
static void test_percentage_of_participants(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02210780.json", NULL, &f);
    const struct meta_record *p = ctgov_find(r, META_RECORD_BINARY, tetanus, "Placebo qw");
    const struct meta_record *d = ctgov_find(r, META_RECORD_BINARY, tetanus, "Dupilumab 300 mg qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* 83.7% of 92 = 77.0; 83.3% of 90 = 74.97, and 75/90 = 83.33% rounds to 83.3 */
    CU_ASSERT_EQUAL(p->events, 77);
    CU_ASSERT_EQUAL(p->total, 92);
    CU_ASSERT_EQUAL(d->events, 75);
    CU_ASSERT_EQUAL(d->total, 90);
    CHECK_STR(p->treatment, "placebo");
    CHECK_STR(d->treatment, "dupilumab");
    CHECK_STR(p->timepoint, "Week 16");
    CHECK_STR(p->trial, "NCT02210780");
    CHECK_STR(ctgov_attr(p, "events_derived"), "from 83.7% of 92 participants");
    CHECK_STR(ctgov_attr(p, "section"), "outcome 1");
    CHECK_STR(ctgov_arm_attr(p, "phase"), "Phase 2");
    CHECK_STR(ctgov_arm_attr(p, "start_year"), "2014");
    CHECK_STR(ctgov_arm_attr(p, "conditions"), "Atopic Dermatitis");
    CHECK_STR(ctgov_arm_attr(p, "brief_title"), "Study of Dupilumab and Immune Responses in "
                                                "Adults With Atopic Dermatitis (AD)");
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* LEAST_SQUARES_MEAN with a standard error: SD = SE sqrt(n), marked as derived;
 * the class's own denominators come before the measure's. */
static void test_mean_with_standard_error(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02210780.json", NULL, &f);
    const struct meta_record *p = ctgov_find(r, META_RECORD_CONTINUOUS, pruritus, "Placebo qw");
    const struct meta_record *d =
        ctgov_find(r, META_RECORD_CONTINUOUS, pruritus, "Dupilumab 300 mg qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(p->n, 90);
    CHECK_CLOSE(p->mean, -2.11);
    CHECK_CLOSE(p->sd, 2.457089741950831); /* 0.259 sqrt(90) */
    CU_ASSERT_EQUAL(d->n, 94);
    CHECK_CLOSE(d->mean, -4.24);
    CHECK_CLOSE(d->sd, 2.4238399287081647); /* 0.250 sqrt(94) */
    CHECK_STR(ctgov_attr(p, "sd_derived"), "from the standard error");
    CHECK_STR(p->timepoint, "Baseline to Week 16");

    const char *erythema = "Change From Baseline in Global Individual Signs Score (GISS) "
                           "Components (Erythema, Infiltration/Papulation, Excoriations and "
                           "Lichenification) at Week 16: Erythema";
    const struct meta_record *e = ctgov_find(r, META_RECORD_CONTINUOUS, erythema, "Placebo qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->n, 79);              /* the class's denominator, not the measure's 97 */
    CHECK_CLOSE(e->sd, 0.7110555533852471); /* 0.08 sqrt(79) */
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* MEAN with a standard deviation, COUNT_OF_PARTICIPANTS, and result groups per
 * analysis set ("Placebo (FAS)") as arms. */
static void test_mean_sd_and_counts(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02552212.json", NULL, &f);
    const char *asqol = "Change From Baseline in ASQoL at Week 1";
    const struct meta_record *p = ctgov_find(r, META_RECORD_CONTINUOUS, asqol, "Placebo (FAS)");
    const struct meta_record *c =
        ctgov_find(r, META_RECORD_CONTINUOUS, asqol, "CZP 200 mg Q2W (FAS)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(p->n, 150);
    CHECK_CLOSE(p->mean, -0.03);
    CHECK_CLOSE(p->sd, 0.14);
    CU_ASSERT_EQUAL(c->n, 147);
    CHECK_CLOSE(c->mean, -0.11);
    CHECK_CLOSE(c->sd, 0.21);
    CU_ASSERT_PTR_NULL(ctgov_attr(p, "sd_derived"));
    CHECK_STR(c->treatment, "certolizumab pegol");

    const char *medication = "Number of Subjects Without Relevant Changes to Background "
                             "Medication From Baseline to Week 52";
    const struct meta_record *bp = ctgov_find(r, META_RECORD_BINARY, medication, "Placebo (FAS)");
    const struct meta_record *bc =
        ctgov_find(r, META_RECORD_BINARY, medication, "CZP 200 mg Q2W (FAS)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(bp->events, 48);
    CU_ASSERT_EQUAL(bp->total, 158);
    CU_ASSERT_EQUAL(bc->events, 115);
    CU_ASSERT_EQUAL(bc->total, 159);
    CU_ASSERT_PTR_NULL(ctgov_attr(bp, "events_derived"));
    CHECK_STR(ctgov_arm_attr(bp, "phase"), "Phase 3");
    CHECK_STR(ctgov_arm_attr(bp, "conditions"), "Axial Spondyloarthritis; Nonradiographic Axial "
                                                "Spondyloarthritis; Nr-axSpA");
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* Statistical analyses: OR and MD with their interval, the sides told from the
 * arm data (the groups are listed placebo first). */
static void test_estimates(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02552212.json", NULL, &f);
    const char *asdas = "Percentage of Subjects With Ankylosing Spondylitis Disease Activity "
                        "Score Major Improvement (ASDAS-MI) Response Criteria Response at Week 52";
    const struct meta_record *e = ctgov_find(r, META_RECORD_ESTIMATE, asdas, "certolizumab pegol");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CHECK_STR(e->control, "placebo");
    CHECK_STR(e->measure, "OR");
    CHECK_CLOSE(e->estimate, 15.231);
    CHECK_CLOSE(e->ci_lower, 7.336);
    CHECK_CLOSE(e->ci_upper, 31.623);
    CHECK_CLOSE(e->level, 95);
    CU_ASSERT(isnan(e->se));
    CU_ASSERT_EQUAL(e->n_treatment, 159);
    CU_ASSERT_EQUAL(e->n_control, 158);
    CHECK_STR(e->timepoint, "Week 52");
    CHECK_STR(ctgov_attr(e, "direction"), "agrees with the groups' own values");
    CHECK_STR(ctgov_attr(e, "group_ids"), "OG001 vs OG000");
    CU_ASSERT_EQUAL(e->n_arm_attrs, 0);
    CHECK_STR(ctgov_attr(e, "start_year"), "2015");
    CHECK_STR(ctgov_attr(e, "phase"), "Phase 3");

    const char *basfi =
        "Change From Baseline to Week 12 in the Bath Ankylosing Spondylitis Functional Index "
        "(BASFI)";
    const struct meta_record *md = ctgov_find(r, META_RECORD_ESTIMATE, basfi, "certolizumab pegol");
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    CHECK_STR(md->measure, "MD");
    CHECK_CLOSE(md->estimate, -1.696);
    CHECK_CLOSE(md->ci_lower, -2.110);
    CHECK_CLOSE(md->ci_upper, -1.282);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);

    /* NCT02210780: a 90% interval; percentage differences are not imported */
    r = ctgov_load("NCT02210780.json", NULL, &f);
    e = ctgov_find(r, META_RECORD_ESTIMATE, pruritus, "dupilumab");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CHECK_STR(e->control, "placebo");
    CHECK_CLOSE(e->estimate, -2.13);
    CHECK_CLOSE(e->ci_lower, -2.72);
    CHECK_CLOSE(e->ci_upper, -1.55);
    CHECK_CLOSE(e->level, 90);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Percentage of Participants Achieving",
                                "effect 'Percentage Difference' is not imported"),
                    3);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* Adverse events: numAffected over numAtRisk per group, totals, no time point. */
static void test_adverse_events(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT02210780.json", NULL, &f);
    const struct meta_record *p =
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Placebo qw");
    const struct meta_record *d =
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Dupilumab 300 mg qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(p->events, 0);
    CU_ASSERT_EQUAL(p->total, 97);
    CU_ASSERT_EQUAL(d->events, 3);
    CU_ASSERT_EQUAL(d->total, 97);
    CHECK_STR(p->timepoint, "");
    CHECK_STR(p->treatment, "placebo");
    CHECK_STR(d->treatment, "dupilumab");
    p = ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_OTHER_ANY, "Placebo qw");
    d = ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_OTHER_ANY, "Dupilumab 300 mg qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(p->events, 29);
    CU_ASSERT_EQUAL(d->events, 30);
    CU_ASSERT_EQUAL(ctgov_count(r, META_CTGOV_DEATHS), 2);
    const struct meta_record *t = ctgov_find(
        r, META_RECORD_BINARY, "AE serious: Serum sickness-like reaction", "Dupilumab 300 mg qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->events, 1);
    CU_ASSERT_EQUAL(t->total, 97);
    CHECK_STR(ctgov_attr(t, "organ_system"), "Immune system disorders");
    t = ctgov_find(r, META_RECORD_BINARY, "AE other: Conjunctivitis", "Placebo qw");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->events, 0);
    CHECK_STR(ctgov_attr(t, "frequency_threshold"), "5");
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);

    /* numAffected, never numEvents: 16 of 158 affected, 23 events */
    r = ctgov_load("NCT02552212.json", NULL, &f);
    t = ctgov_find(r, META_RECORD_BINARY, "AE other: Upper respiratory tract infection",
                   "Placebo (SS)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->events, 16);
    CU_ASSERT_EQUAL(t->total, 158);
    /* only the two groups mapped with high confidence give rows */
    CU_ASSERT_EQUAL(ctgov_count(r, META_CTGOV_AE_SERIOUS_ANY), 2);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* The retired XML: "Number" in participants as counts, a median skipped,
 * serious and other totals from the "Total" category, no deaths given. */
static void test_xml_record(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT00734539.xml", NULL, &f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(f->xml, 1);
    const struct meta_record *fl =
        ctgov_find(r, META_RECORD_BINARY, "Death or Candidiasis", "Fluconazole");
    const struct meta_record *pl =
        ctgov_find(r, META_RECORD_BINARY, "Death or Candidiasis", "Placebo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(fl->events, 31);
    CU_ASSERT_EQUAL(fl->total, 188);
    CU_ASSERT_EQUAL(pl->events, 37);
    CU_ASSERT_EQUAL(pl->total, 173);
    CHECK_STR(fl->treatment, "fluconazole");
    CHECK_STR(fl->timepoint, "study day 49");
    CU_ASSERT(fl->line > 0);
    CHECK_STR(ctgov_arm_attr(fl, "start_year"), "2008");
    CHECK_STR(ctgov_arm_attr(fl, "phase"), "Phase 3");
    CU_ASSERT_EQUAL(ctgov_skips(r, "Length of Hospitalization", "median"), 1);
    fl = ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Fluconazole");
    pl = ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Placebo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_EQUAL(fl->events, 83);
    CU_ASSERT_EQUAL(pl->events, 68);
    CU_ASSERT_EQUAL(pl->total, 173);
    CU_ASSERT_EQUAL(ctgov_count(r, META_CTGOV_DEATHS), 0);
    const struct meta_record *t =
        ctgov_find(r, META_RECORD_BINARY, "AE serious: Intestinal Perforation", "Fluconazole");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->events, 12);
    CU_ASSERT_EQUAL(t->total, 188);
    CHECK_STR(ctgov_attr(t, "organ_system"), "Gastrointestinal disorders");
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* The skipped measures, with their reasons. */
static void test_skipped(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("NCT00763412.json", NULL, &f);
    /* nine measures, fifteen classes, every one a mean with a full range */
    CU_ASSERT_EQUAL(r->n_skipped, 15);
    CU_ASSERT_EQUAL(ctgov_skips(r, "", "mean with a full range"), 15);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Body Composition: Lean", "full range"), 1);
    for (size_t i = 0; i < r->n_records; i++) {
        CU_ASSERT(!strncmp(r->records[i].outcome, "AE ", 3) ||
                  !strcmp(r->records[i].outcome, META_CTGOV_DEATHS));
    }
    /* adverse events all 0 of 8 */
    const struct meta_record *p =
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_SERIOUS_ANY, "Placebo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->events, 0);
    CU_ASSERT_EQUAL(p->total, 8);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);

    r = ctgov_load("NCT02552212.json", NULL, &f);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Certolizumab Pegol Plasma Concentration at Week",
                                "GEOMETRIC_MEAN: a geometric scale"),
                    7);
    CU_ASSERT_EQUAL(
        ctgov_skips(r, "Certolizumab Pegol Plasma Concentration at Baseline", "no values posted"),
        1);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* The synthetic record: SDs from intervals (R), HR on a median, the other
 * ways of deciding sides, and every skip reason the real records lack. */
static void test_variants(void)
{
    struct meta_ctgov_file *f;
    struct meta_ctgov_result *r = ctgov_load("variants.json", NULL, &f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const char *ci95 = "Pain score, 95% interval", *ci90 = "Pain score, 90% interval";
    const struct meta_record *a = ctgov_find(r, META_RECORD_CONTINUOUS, ci95, "Ketalar 0.5 mg/kg");
    const struct meta_record *b = ctgov_find(r, META_RECORD_CONTINUOUS, ci95, "Sham infusion");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CHECK_CLOSE(a->sd, 2.35035499957033); /* ctgov_sd_from_ci.R: t on 19 df */
    CHECK_CLOSE(b->sd, 2.50991833998111); /* normal, n = 80 */
    CHECK_STR(a->treatment, "ketamine");  /* "Ketalar", the intervention's other name */
    CHECK_STR(b->treatment, "sham");
    CHECK_STR(ctgov_attr(a, "sd_derived"), "from the confidence interval (t on n-1 df)");
    a = ctgov_find(r, META_RECORD_CONTINUOUS, ci90, "Ketamine");
    b = ctgov_find(r, META_RECORD_CONTINUOUS, ci90, "Sham infusion");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CHECK_CLOSE(a->sd, 3.66493051236511); /* CONFIDENCE_90, t on 11 df */
    CHECK_CLOSE(b->sd, 4.70921337041461); /* normal, n = 60 */
    CHECK_STR(ctgov_arm_attr(a, "phase"), "Phase 1/Phase 2");
    CHECK_STR(ctgov_arm_attr(a, "start_year"), "2019");

    const struct meta_record *e = ctgov_find(r, META_RECORD_ESTIMATE, ci95, "ketamine");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CHECK_STR(e->measure, "MD");
    CHECK_STR(e->control, "sham");
    e = ctgov_find(r, META_RECORD_ESTIMATE, "Time to rescue analgesia", "ketamine");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CHECK_STR(e->measure, "HR");
    CHECK_CLOSE(e->estimate, 0.62);
    CHECK_STR(ctgov_attr(e, "direction"), "from the analysis text");
    e = ctgov_find(r, META_RECORD_ESTIMATE, "Nausea requiring treatment", "ketamine");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CHECK_STR(e->measure, "OR");
    CHECK_STR(ctgov_attr(e, "direction"), "assumed: the active treatment against placebo or sham");

    CU_ASSERT_EQUAL(ctgov_skips(r, "Time to rescue", "median: not turned into a mean"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Infusion sites", "a count of units"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Total dose", "a number in 'mg'"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Log cortisol", "log scale"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Mood score", "without a standard deviation"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Responders", "33.3% of 10 participants is not one whole"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Sleep hours", "no value: Not collected"), 1);
    CU_ASSERT_EQUAL(ctgov_skips(r, "Nausea requiring", "not stated to be two-sided"), 1);
    a = ctgov_find(r, META_RECORD_BINARY, "Responders", "Sham infusion");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a->events, 6);
    CU_ASSERT_PTR_NULL(ctgov_find(r, META_RECORD_BINARY, "Responders", "Ketamine"));

    /* a term not listed for a group is missing there, not zero */
    CU_ASSERT_EQUAL(ctgov_count(r, "AE serious: Hallucination"), 1);
    CU_ASSERT_PTR_NOT_NULL(
        ctgov_find(r, META_RECORD_BINARY, "AE serious: Hallucination", "Ketamine"));
    /* one term under two organ systems: two outcomes */
    CU_ASSERT_EQUAL(ctgov_count(r, "AE other: Nausea (Gastrointestinal disorders)"), 2);
    CU_ASSERT_EQUAL(ctgov_count(r, "AE other: Nausea (Nervous system disorders)"), 2);
    CU_ASSERT_EQUAL(ctgov_count(r, META_CTGOV_DEATHS), 0);

    /* of seven groups, the two proposed with high confidence give rows */
    CU_ASSERT_EQUAL(ctgov_count(r, "Satisfied with analgesia"), 2);
    size_t unmapped = 0;
    for (size_t i = 0; i < r->n_unmapped; i++)
        unmapped += !strcmp(r->unmapped[i].section, "outcome 11");
    CU_ASSERT_EQUAL(unmapped, 5);
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
}

/* A measure without a title (found by fuzzing): nothing to name its outcome
 * by, so neither its arm rows nor its analyses give records, and both are
 * listed as skipped with the reason. */
static void test_untitled_measure(void)
{
    char *text = ctgov_slurp(ctgov_data("variants.json"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *variant = ctgov_replace(text, "\"title\": \"Pain score, 95% interval\",", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(variant);
    const char *path = ctgov_write_temp("untitled.json", variant);
    struct meta_ctgov_file *f = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_file_read(path, "untitled.json", &f, &err), META_OK);
    struct meta_ctgov_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_study_records(&f->studies[0], NULL, &r, &err), META_OK);
    for (size_t i = 0; i < r->n_records; i++)
        CU_ASSERT(r->records[i].outcome && *r->records[i].outcome);
    CU_ASSERT_EQUAL(ctgov_count(r, "Pain score, 95% interval"), 0);
    CU_ASSERT(ctgov_skips(r, "", "the measure has no title") >= 1);
    CU_ASSERT(ctgov_skips(r, "", "analysis 1: the measure has no title") >= 1);
    /* the other measures are untouched */
    CU_ASSERT_PTR_NOT_NULL(
        ctgov_find(r, META_RECORD_CONTINUOUS, "Pain score, 90% interval", "Ketamine"));
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
    free(variant);
    free(text);
}

/* Every record of every file is complete: the strings the registry requires
 * are set and nothing points into the freed file model. */
static void test_records_outlive_file(void)
{
    static const char *const files[] = {"NCT02210780.json", "NCT02552212.json", "NCT00763412.json",
                                        "NCT00734539.xml", "variants.json"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct meta_ctgov_file *f;
        struct meta_ctgov_result *r = ctgov_load(files[i], NULL, &f);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        meta_ctgov_file_free(f);
        CU_ASSERT(r->n_records > 0);
        for (size_t k = 0; k < r->n_records; k++) {
            const struct meta_record *x = &r->records[k];
            CU_ASSERT(x->trial && !strncmp(x->trial, "NCT", 3));
            CU_ASSERT(x->outcome && *x->outcome);
            CU_ASSERT(x->timepoint != NULL);
            CU_ASSERT(x->treatment && *x->treatment);
            CU_ASSERT(x->source && *x->source);
            if (x->kind == META_RECORD_ESTIMATE) {
                CU_ASSERT(x->control && *x->control && x->measure);
            } else {
                CU_ASSERT(x->arm && *x->arm && x->n_arm_attrs >= 3);
            }
            for (size_t a = 0; a < x->n_result_attrs; a++) {
                CU_ASSERT(strlen(x->result_attrs[a].name) > 0);
            }
        }
        meta_ctgov_result_free(r);
    }
}

/* A JSON array of studies: each read on its own, with its own results. */
static void test_array_of_studies(void)
{
    char *a = ctgov_slurp(ctgov_data("NCT02210780.json"), NULL);
    char *b = ctgov_slurp(ctgov_data("NCT00763412.json"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    size_t n = strlen(a) + strlen(b) + 8;
    char *text = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    snprintf(text, n, "[%s,\n%s]", a, b);
    struct meta_ctgov_file *f = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_file_parse(text, strlen(text), "two.json", &f, &err), META_OK);
    CU_ASSERT_EQUAL(f->n_studies, 2);
    CU_ASSERT_EQUAL(f->xml, 0);
    CU_ASSERT_STRING_EQUAL(f->studies[0].nct_id, "NCT02210780");
    CU_ASSERT_STRING_EQUAL(f->studies[1].nct_id, "NCT00763412");
    CU_ASSERT_STRING_EQUAL(f->studies[1].where, "[1]");
    CU_ASSERT_EQUAL(f->studies[1].n_measures, 9);
    struct meta_ctgov_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_study_records(&f->studies[1], NULL, &r, &err), META_OK);
    const struct meta_record *x =
        ctgov_find(r, META_RECORD_BINARY, META_CTGOV_AE_OTHER_ANY, "Repaglinide");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_STRING_EQUAL(x->where, "[1].resultsSection.adverseEventsModule.eventGroups[1]");
    CU_ASSERT_STRING_EQUAL(x->source, "two.json");
    meta_ctgov_result_free(r);
    meta_ctgov_file_free(f);
    free(text);
    free(a);
    free(b);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"NUMBER as a percentage of participants", test_percentage_of_participants},
        {"least-squares mean with SE", test_mean_with_standard_error},
        {"mean with SD, count of participants", test_mean_sd_and_counts},
        {"estimate rows from statistical analyses", test_estimates},
        {"adverse events", test_adverse_events},
        {"retired XML record", test_xml_record},
        {"skipped measures", test_skipped},
        {"synthetic variants", test_variants},
        {"records outlive the file model", test_records_outlive_file},
        {"a measure without a title gives no record", test_untitled_measure},
        {"a JSON array of studies", test_array_of_studies},
        {NULL, NULL}};
    return meta_test_run_suite("ctgov records", NULL, NULL, cases);
}
