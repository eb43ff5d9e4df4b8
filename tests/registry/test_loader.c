/*
 * The storage API for parsers (meta_loader_*, meta_load.h) against a real
 * PostgreSQL, with records made in C as an importer makes them: every kind
 * of record stored with its arm and result attributes, Peto's and generic
 * estimates, several sources in one transaction with one loads row each,
 * every rule worded SOURCE:LINE: WHERE:, the rules that span records,
 * idempotency, a corrected source replacing what it brought (and nothing
 * of other sources), and the same registry from records as from
 * `meta load` of the same rows.
 */
#include "cunit_main.h"
#include "test_load_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char conninfo[1024];
static struct meta_db *db;

/* A fresh database for each case, so that cases never see each other. */
static void fresh(const char *name)
{
    meta_test_load_fresh(name, conninfo, sizeof conninfo, &db);
}

static int suite_cleanup(void)
{
    return meta_test_load_close(&db);
}

static void expect_query(const char *sql, const char *expected)
{
    meta_test_load_expect_query(conninfo, sql, expected);
}

/* A record with every number absent. */
static struct meta_record blank(enum meta_record_kind kind, const char *trial, const char *outcome,
                                long line)
{
    struct meta_record r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.trial = trial;
    r.outcome = outcome;
    r.n = r.mean = r.sd = r.events = r.total = NAN;
    r.estimate = r.se = r.ci_lower = r.ci_upper = r.level = NAN;
    r.n_treatment = r.n_control = NAN;
    r.source = "CD000001-data-rows.csv";
    r.line = line;
    return r;
}

static struct meta_record continuous(const char *trial, const char *arm, const char *treatment,
                                     const char *outcome, double n, double mean, double sd,
                                     long line)
{
    struct meta_record r = blank(META_RECORD_CONTINUOUS, trial, outcome, line);
    r.arm = arm;
    r.treatment = treatment;
    r.n = n;
    r.mean = mean;
    r.sd = sd;
    return r;
}

static struct meta_record binary(const char *trial, const char *treatment, const char *outcome,
                                 double events, double total, long line)
{
    struct meta_record r = blank(META_RECORD_BINARY, trial, outcome, line);
    r.treatment = treatment;
    r.events = events;
    r.total = total;
    return r;
}

static struct meta_record estimate(const char *trial, const char *outcome, const char *measure,
                                   double est, double se, long line)
{
    struct meta_record r = blank(META_RECORD_ESTIMATE, trial, outcome, line);
    r.treatment = "ketamine";
    r.control = "placebo";
    r.measure = measure;
    r.estimate = est;
    r.se = se;
    return r;
}

static const char sha_a[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char sha_b[] = "2222222222222222222222222222222222222222222222222222222222222222";

/* Starts a load with one source; returns it, the source in *src. */
static struct meta_loader *begin(const char *name, const char *sha, unsigned flags, size_t *src)
{
    struct meta_loader *l = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_loader_begin(db, &l, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_loader_source(l, name, sha, flags, src, &err), META_OK);
    return l;
}

static void add_ok(struct meta_loader *l, size_t src, const struct meta_record *r)
{
    struct meta_error err;
    int ret = meta_loader_add(l, src, r, &err);
    CU_ASSERT_EQUAL(ret, META_OK);
    if (ret != META_OK)
        fprintf(stderr, "\n  line %ld refused: %s\n", r->line, err.msg);
}

static int finish(struct meta_loader *l, struct meta_load_report *rep)
{
    struct meta_error err;
    int ret = meta_loader_finish(l, rep, &err);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n%s\n", err.msg, meta_test_load_messages(rep));
    meta_loader_free(l);
    return ret;
}

/* The records of a small review: arm rows of two analyses with the study's
 * year on the arm and the subgroup and risk of bias on the result; a generic
 * inverse-variance row on the log scale, a Peto row and a hazard ratio. */
static void add_review(struct meta_loader *l, size_t src, int corrected)
{
    static const struct meta_record_attr year[] = {{"Year", "2015"}};
    static const struct meta_record_attr sub_a[] = {{"subgroup", "adults"}, {"rob_overall", "low"}};
    static const struct meta_record_attr sub_b[] = {{"subgroup", " children "}, {"", "skipped"}};
    struct meta_record r =
        continuous("Smith 2015", "ketamine", "ketamine", "CD000001 1.1 Pain", 30, 2.1, 1.4, 2);
    r.arm_attrs = year;
    r.n_arm_attrs = 1;
    r.result_attrs = sub_a;
    r.n_result_attrs = 2;
    r.where = "analysis 1.1";
    add_ok(l, src, &r);
    r = continuous("Smith 2015", "placebo", "placebo", "CD000001 1.1 Pain", 31, 3.5, 1.6, 2);
    r.result_attrs = sub_a;
    r.n_result_attrs = 2;
    add_ok(l, src, &r);
    r = binary("Smith 2015", "ketamine", "CD000001 1.2 Hallucinations", corrected ? 6 : 5, 30, 3);
    r.result_attrs = sub_b;
    r.n_result_attrs = 2;
    add_ok(l, src, &r);
    r = binary("Smith 2015", "placebo", "CD000001 1.2 Hallucinations", 1, 31, 3);
    add_ok(l, src, &r);
    if (!corrected) {
        r = binary("Jones 2010", "ketamine", "CD000001 1.2 Hallucinations", 2, 20, 4);
        add_ok(l, src, &r);
        r = binary("Jones 2010", "placebo", "CD000001 1.2 Hallucinations", 0, 20, 4);
        add_ok(l, src, &r);
    }
    r = estimate("Lee 2019", "CD000001 1.3 Pain (GIV)", "GIV", -0.2, 0.15, 5);
    r.log_scale = 1;
    add_ok(l, src, &r);
    r = estimate("Lee 2019", "CD000001 1.4 Serious adverse events", "or", exp(3.2 / 5.1),
                 1 / sqrt(5.1), 6);
    r.method = "peto";
    add_ok(l, src, &r);
    r = estimate("Lee 2019", "CD000001 1.5 Time to relapse", "HR", 0.7, NAN, 7);
    r.ci_lower = 0.5;
    r.ci_upper = 0.98;
    r.level = 99;
    r.n_treatment = 50;
    r.n_control = 48;
    add_ok(l, src, &r);
}

static void test_records(void)
{
    struct meta_load_report rep;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_records");
    size_t src;
    struct meta_loader *l = begin("CD000001-data-rows.csv", sha_a, 0, &src);
    add_review(l, src, 0);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL_FATAL(rep.nfiles, 1);
    CU_ASSERT_STRING_EQUAL(rep.files[0].name, "CD000001-data-rows.csv");
    CU_ASSERT_STRING_EQUAL(rep.files[0].sha256, sha_a);
    CU_ASSERT_EQUAL(rep.files[0].rows, 9);
    CU_ASSERT_EQUAL(rep.files[0].estimates, 3);
    CU_ASSERT_EQUAL(rep.files[0].inserted, 9);
    CU_ASSERT_EQUAL(rep.files[0].trials, 3);
    CU_ASSERT_EQUAL(rep.files[0].outcomes, 5);
    expect_query("SELECT file_name || ' ' || sha256 || ' ' || row_count FROM loads",
                 "CD000001-data-rows.csv 1111111111111111111111111111111111111111111111111111111111"
                 "111111 9");
    const char *expected =
        "arm|Jones 2010|ketamine|ketamine|{}\n"
        "arm|Jones 2010|placebo|placebo|{}\n"
        "arm|Smith 2015|ketamine|ketamine|{\"year\": \"2015\"}\n"
        "arm|Smith 2015|placebo|placebo|{}\n"
        "binary|Jones 2010|ketamine|CD000001 1.2 Hallucinations||2|20|CD000001-data-rows.csv\n"
        "binary|Jones 2010|placebo|CD000001 1.2 Hallucinations||0|20|CD000001-data-rows.csv\n"
        "binary|Smith 2015|ketamine|CD000001 1.2 Hallucinations||5|30|CD000001-data-rows.csv|"
        "{\"subgroup\": \"children\"}\n"
        "binary|Smith 2015|placebo|CD000001 1.2 Hallucinations||1|31|CD000001-data-rows.csv\n"
        "continuous|Smith 2015|ketamine|CD000001 1.1 Pain||30|2.1|1.4|CD000001-data-rows.csv|"
        "{\"subgroup\": \"adults\", \"rob_overall\": \"low\"}\n"
        "continuous|Smith 2015|placebo|CD000001 1.1 Pain||31|3.5|1.6|CD000001-data-rows.csv|"
        "{\"subgroup\": \"adults\", \"rob_overall\": \"low\"}\n"
        "estimate|Lee 2019|CD000001 1.3 Pain (GIV)||ketamine|placebo|generic|GIV||t|-0.2|0.15|t|"
        "||||||CD000001-data-rows.csv\n"
        "estimate|Lee 2019|CD000001 1.4 Serious adverse events||ketamine|placebo|binary|OR|peto|"
        "f|1.872830607790566|0.4428074427700477|t|||||||CD000001-data-rows.csv\n"
        "estimate|Lee 2019|CD000001 1.5 Time to relapse||ketamine|placebo|time-to-event|HR||f|"
        "0.7|0.13062676014968522|f|0.5|0.98|99|50|48||CD000001-data-rows.csv\n"
        "loads|0\n"
        "outcome|CD000001 1.1 Pain|continuous\n"
        "outcome|CD000001 1.2 Hallucinations|binary\n"
        "outcome|CD000001 1.3 Pain (GIV)|generic\n"
        "outcome|CD000001 1.4 Serious adverse events|binary\n"
        "outcome|CD000001 1.5 Time to relapse|time-to-event\n"
        "trial|Jones 2010\n"
        "trial|Lee 2019\n"
        "trial|Smith 2015";
    meta_test_load_expect_snapshot(conninfo, expected);
    meta_load_report_release(&rep);
}

/* Two sources in one transaction: one loads row each, each row pointing to
 * its own; loading them again changes nothing. */
static void test_sources(void)
{
    struct meta_load_report rep;
    struct meta_error err;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_sources");
    for (int round = 0; round < 2; round++) {
        size_t a, b;
        struct meta_loader *l = begin("review.rm5", NULL, 0, &a);
        CU_ASSERT_EQUAL_FATAL(meta_loader_source(l, "second.rm5", sha_b, 0, &b, &err), META_OK);
        add_review(l, a, 0);
        struct meta_record r =
            estimate("Other 2001", "CD000001 1.5 Time to relapse", "HR", 0.9, 0.2, 40);
        r.source = "second.rm5";
        add_ok(l, b, &r);
        CU_ASSERT_EQUAL(meta_loader_source_sha256(l, a, sha_a, &err), META_OK);
        char *before = round ? meta_test_load_snapshot(conninfo, 1) : NULL;
        CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
        CU_ASSERT_EQUAL(rep.nfiles, 2);
        CU_ASSERT_EQUAL(rep.files[1].rows, 1);
        if (round == 1) {
            CU_ASSERT_EQUAL(rep.files[0].unchanged, 9);
            CU_ASSERT_EQUAL(rep.files[1].unchanged, 1);
            char *after = meta_test_load_snapshot(conninfo, 1);
            char *b1 = strstr(before, "\nloads|"), *a1 = strstr(after, "\nloads|");
            CU_ASSERT_FATAL(b1 && a1);
            CU_ASSERT_STRING_EQUAL(a1, "\nloads|4\noutcome|CD000001 1.1 Pain|continuous\n"
                                       "outcome|CD000001 1.2 Hallucinations|binary\n"
                                       "outcome|CD000001 1.3 Pain (GIV)|generic\n"
                                       "outcome|CD000001 1.4 Serious adverse events|binary\n"
                                       "outcome|CD000001 1.5 Time to relapse|time-to-event\n"
                                       "trial|Jones 2010\ntrial|Lee 2019\ntrial|Other 2001\n"
                                       "trial|Smith 2015");
            *a1 = *b1 = '\0';
            CU_ASSERT_STRING_EQUAL(before, after);
            free(after);
        }
        free(before);
    }
    expect_query("SELECT string_agg(DISTINCT file_name || ' ' || sha256, '; ') FROM loads",
                 "review.rm5 1111111111111111111111111111111111111111111111111111111111111111; "
                 "second.rm5 2222222222222222222222222222222222222222222222222222222222222222");
    expect_query("SELECT l.file_name FROM estimate_results e JOIN trials t USING (trial_id)"
                 " JOIN loads l USING (load_id) WHERE t.name = 'Other 2001'",
                 "second.rm5");
    meta_load_report_release(&rep);
}

/* Every rule a record alone can break, in the words of a CSV row without
 * its column; nothing stored. */
static void test_record_rules(void)
{
    struct meta_load_report rep;
    struct meta_error err;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_rules");
    size_t src;
    struct meta_loader *l = begin("pkg", sha_a, 0, &src);
    struct meta_record bad[24];
    size_t n = 0;
    bad[n++] = continuous("Smith 2015 ", "a", "ket", "o", 30, 1, 1, 10);
    bad[n] = continuous("S", "a", "ket", "o", 2.5, 1, 0, 11);
    bad[n++].where = "analysis 1.1";
    bad[n++] = continuous("S", "a", "ket", "o", 30, INFINITY, 1, 12);
    bad[n++] = continuous(NULL, "a", "ket", "o", 30, 1, NAN, 13);
    bad[n] = continuous("S", "a", "ket", "o", 30, 1, 1, 14);
    bad[n++].events = 3;
    bad[n++] = binary("S", "ket", "o", 12, 10, 15);
    bad[n++] = binary("S", "ket", "o", 3e9, 4e9, 16);
    bad[n++] = binary("S", "ket", "o", -1, 10, 17);
    bad[n] = estimate("S", "o", "RR", 1, 0.1, 18);
    bad[n++].method = "mantel";
    bad[n] = estimate("S", "o", "RR", 1, 0.1, 19);
    bad[n++].method = "peto";
    bad[n] = estimate("S", "o", "MD", 1, 0.1, 20);
    bad[n++].log_scale = 1;
    bad[n] = estimate("S", "o", "MD", 1, 0.1, 21);
    bad[n++].arm = "ketamine 0.5";
    static const struct meta_record_attr year[] = {{"year", "2015"}};
    bad[n] = estimate("S", "o", "MD", 1, 0.1, 22);
    bad[n].arm_attrs = year;
    bad[n++].n_arm_attrs = 1;
    bad[n++] = estimate("S", "o", "HR", 0.5, NAN, 23);
    bad[n] = estimate("S", "o", "MD", 1, NAN, 24);
    bad[n].ci_lower = 2;
    bad[n++].ci_upper = 3;
    bad[n] = estimate("S", "o", "RR", 1, 0.1, 25);
    bad[n++].control = "ketamine";
    bad[n] = estimate("S", "o", "RR", 1, 0.1, 26);
    bad[n++].n = 10;
    static const struct meta_record_attr latin1[] = {{"ann\xE9"
                                                      "e",
                                                      "2015"}};
    bad[n] = estimate("S", "o", "MD", 1, 0.1, 27);
    bad[n].result_attrs = latin1;
    bad[n++].n_result_attrs = 1;
    bad[n++] = estimate("S", "caf\xE9", "MD", 1, 0.1, 28);
    bad[n] = estimate("S", "o", "MD", 1, 0.1, 0);
    bad[n].source = NULL;
    bad[n++].kind = (enum meta_record_kind)7;
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(meta_loader_add(l, src, &bad[i], &err), META_EINVAL);
    /* A valid record is still taken, then refused with the rest. */
    struct meta_record ok = estimate("S", "o", "MD", 1, 0.1, 29);
    CU_ASSERT_EQUAL(meta_loader_add(l, src, &ok, &err), META_OK);
    CU_ASSERT_EQUAL(meta_loader_finish(l, &rep, &err), META_EINVAL);
    meta_loader_free(l);
    CU_ASSERT_STRING_EQUAL(err.msg, "23 problems in the input, nothing was loaded");
    meta_test_load_expect_messages(
        &rep,
        "CD000001-data-rows.csv:10: trial ends with a blank, got 'Smith 2015 ' (names are kept "
        "exactly as written: remove the blank)\n"
        "CD000001-data-rows.csv:11: analysis 1.1: n must be a positive integer, got '2.5'\n"
        "CD000001-data-rows.csv:11: analysis 1.1: sd must be > 0, got '0'\n"
        "CD000001-data-rows.csv:12: mean must be a finite number, got 'inf'\n"
        "CD000001-data-rows.csv:13: trial is empty\n"
        "CD000001-data-rows.csv:13: sd is empty\n"
        "CD000001-data-rows.csv:14: events is given, but the record is continuous\n"
        "CD000001-data-rows.csv:15: events must not exceed total (10), got '12'\n"
        "CD000001-data-rows.csv:16: events is too large for an integer, got '3000000000'\n"
        "CD000001-data-rows.csv:16: total is too large for an integer, got '4000000000'\n"
        "CD000001-data-rows.csv:17: events must be an integer >= 0, got '-1'\n"
        "CD000001-data-rows.csv:18: method must be empty or 'peto', got 'mantel'\n"
        "CD000001-data-rows.csv:19: Peto's method gives an odds ratio (OR), got measure 'RR'\n"
        "CD000001-data-rows.csv:20: the log scale is for GIV estimates (a ratio's scale follows "
        "its measure), got measure 'MD'\n"
        "CD000001-data-rows.csv:21: arm must be empty on an estimate row (it compares treatment "
        "with control), got 'ketamine 0.5'\n"
        "CD000001-data-rows.csv:22: an estimate has no arm: give attribute 'year' as a result "
        "attribute\n"
        "CD000001-data-rows.csv:23: an estimate needs se or an interval (ci_lower and ci_upper)\n"
        "CD000001-data-rows.csv:24: estimate must lie within its interval ('2' to '3'), got '1'\n"
        "CD000001-data-rows.csv:25: control must differ from treatment, got 'ketamine'\n"
        "CD000001-data-rows.csv:26: n is given, but the record is an estimate\n"
        "CD000001-data-rows.csv:27: an attribute name is not valid UTF-8, got 'ann\\xe9e'\n"
        "CD000001-data-rows.csv:28: outcome is not valid UTF-8, got 'caf\\xe9'\n"
        "pkg: the record's kind must be continuous, binary or an estimate");
    expect_query("SELECT count(*) FROM loads", "0");
    expect_query("SELECT count(*) FROM trials", "0");
    meta_load_report_release(&rep);
}

/* What spans records (an outcome's kind, an arm's treatment, a key given
 * twice) is found in SQL and worded with the record's source and line. */
static void test_rules_across_records(void)
{
    struct meta_load_report rep;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_across");
    size_t src;
    struct meta_loader *l = begin("pkg", sha_a, 0, &src);
    struct meta_record r = continuous("S", "a", "ket", "pain", 30, 1, 1, 5);
    r.where = "analysis 2.1";
    add_ok(l, src, &r);
    r = binary("S", "ket", "pain", 1, 10, 6);
    r.arm = "b";
    r.where = "analysis 2.2";
    add_ok(l, src, &r);
    r = continuous("S", "a", "pla", "sleep", 30, 1, 1, 7);
    add_ok(l, src, &r);
    r = estimate("S", "os", "HR", 0.7, 0.1, 8);
    add_ok(l, src, &r);
    r = estimate("S", "os", "HR", 0.8, 0.1, 9);
    r.where = "analysis 3.1";
    add_ok(l, src, &r);
    r = continuous("S", "a", "ket", "pain", 30, 1, 1, 10);
    add_ok(l, src, &r);
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_loader_finish(l, &rep, &err), META_EINVAL);
    meta_loader_free(l);
    meta_test_load_expect_messages(
        &rep, "CD000001-data-rows.csv:6: analysis 2.2: outcome 'pain' is continuous at "
              "CD000001-data-rows.csv:5, got a binary row\n"
              "CD000001-data-rows.csv:7: arm 'a' of trial 'S' has treatment 'ket' at "
              "CD000001-data-rows.csv:5, got 'pla'\n"
              "CD000001-data-rows.csv:9: analysis 3.1: trial 'S', outcome 'os', timepoint '', "
              "treatment 'ketamine', control 'placebo' is already given at "
              "CD000001-data-rows.csv:8");
    meta_load_report_release(&rep);
}

/* A corrected source, loaded with META_LOAD_REPLACE under the same name,
 * replaces what it brought: a study it no longer has goes, with its trial
 * when nothing else holds it; another source's rows stay. */
static void test_corrected_source(void)
{
    struct meta_load_report rep;
    struct meta_error err;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_replace");
    size_t src, other;
    struct meta_loader *l = begin("CD000001.zip", sha_a, META_LOAD_REPLACE, &src);
    CU_ASSERT_EQUAL_FATAL(meta_loader_source(l, "other.csv", sha_b, 0, &other, &err), META_OK);
    add_review(l, src, 0);
    struct meta_record r = binary("Jones 2010", "ketamine", "another outcome", 1, 10, 3);
    r.source = "other.csv";
    add_ok(l, other, &r);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].removed, 0);

    /* The corrected package: Jones 2010 is gone from analysis 1.2 and
     * Smith's ketamine events changed. */
    l = begin("CD000001.zip", sha_b, META_LOAD_REPLACE, &src);
    add_review(l, src, 1);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].rows, 7);
    CU_ASSERT_EQUAL(rep.files[0].replaced, 1);
    CU_ASSERT_EQUAL(rep.files[0].unchanged, 6);
    CU_ASSERT_EQUAL(rep.files[0].removed, 2);
    expect_query("SELECT string_agg(t.name || ' ' || a.label || ' ' || r.events || ' ' || "
                 "l.sha256, '; ' ORDER BY t.name, a.label)"
                 " FROM binary_results r JOIN arms a USING (arm_id) JOIN trials t USING "
                 "(trial_id) JOIN outcomes o USING (outcome_id) JOIN loads l USING (load_id)"
                 " WHERE o.name = 'CD000001 1.2 Hallucinations'",
                 "Smith 2015 ketamine 6 "
                 "2222222222222222222222222222222222222222222222222222222222222222; "
                 "Smith 2015 placebo 1 "
                 "1111111111111111111111111111111111111111111111111111111111111111");
    /* Jones 2010 keeps the arm another source gives a result; its placebo
     * arm, which held only the removed result, is gone. */
    expect_query("SELECT string_agg(a.label, ',') FROM arms a JOIN trials t USING (trial_id)"
                 " WHERE t.name = 'Jones 2010'",
                 "ketamine");

    /* Now the other outcome goes too (a package without it, and the other
     * source loaded again without replacing): nothing of Jones is left but
     * what other.csv brought. */
    l = begin("CD000001.zip", sha_a, META_LOAD_REPLACE, &src);
    r = estimate("Lee 2019", "CD000001 1.5 Time to relapse", "HR", 0.7, NAN, 7);
    r.ci_lower = 0.5;
    r.ci_upper = 0.98;
    r.level = 99;
    r.n_treatment = 50;
    r.n_control = 48;
    add_ok(l, src, &r);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].removed, 6);
    expect_query("SELECT string_agg(name, ',' ORDER BY name) FROM trials", "Jones 2010,Lee 2019");
    expect_query("SELECT string_agg(name, ',' ORDER BY name) FROM outcomes",
                 "CD000001 1.5 Time to relapse,another outcome");
    meta_load_report_release(&rep);
}

/* Each result's load holds the result's outcome in load_outcomes, the
 * record the removal of a corrected source reads instead of a scan. */
static void expect_outcomes_recorded(void)
{
    expect_query("SELECT count(*) FROM (SELECT load_id, outcome_id FROM continuous_results"
                 " UNION ALL SELECT load_id, outcome_id FROM binary_results) r"
                 " WHERE NOT EXISTS (SELECT FROM load_outcomes lo"
                 "   WHERE lo.load_id = r.load_id AND lo.outcome_id = r.outcome_id)",
                 "0");
}

/* A package of trials P1, P2, P3 in outcome Pain and P1 in Sleep; the
 * corrected one (corrected nonzero) has P1 in Pain only. */
static void add_package(struct meta_loader *l, size_t src, int corrected)
{
    static const char *const trials[] = {"P1", "P2", "P3"};
    long line = 2;
    for (int t = 0; t < (corrected ? 1 : 3); t++)
        for (int a = 0; a < 2; a++) {
            struct meta_record r = continuous(trials[t], a ? "b" : "a", a ? "pla" : "ket",
                                              "CD000002 2.1 Pain", 20 + t, 1 + a, 1, line++);
            add_ok(l, src, &r);
        }
    for (int a = 0; !corrected && a < 2; a++) {
        struct meta_record r = continuous("P1", a ? "b" : "a", a ? "pla" : "ket",
                                          "CD000002 2.2 Sleep", 20, 3, 1, line++);
        add_ok(l, src, &r);
    }
}

/* The removal of what a corrected source no longer brings is scoped to the
 * rows its earlier loads still hold: a trial and an outcome it drops go;
 * the rows other sources brought to the same outcome stay, and so does a
 * row of the source that a later load of another source gave new values. */
static void test_scoped_removal(void)
{
    struct meta_load_report rep;
    struct meta_error err;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_scoped");
    const char *others = meta_test_load_file("others.csv", "trial,arm,treatment,outcome,n,mean,sd\n"
                                                           "X1,a,ket,CD000002 2.1 Pain,40,1,1\n"
                                                           "X1,b,pla,CD000002 2.1 Pain,40,2,1\n"
                                                           "X1,a,ket,elsewhere,40,5,1\n"
                                                           "X1,b,pla,elsewhere,40,6,1\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &rep, &err, others, NULL), META_OK);
    meta_load_report_release(&rep);

    size_t src;
    struct meta_loader *l = begin("CD000002.zip", sha_a, META_LOAD_REPLACE, &src);
    add_package(l, src, 0);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].inserted, 8);
    CU_ASSERT_EQUAL(rep.files[0].removed, 0);
    meta_load_report_release(&rep);

    /* Another source gives P2's arm a in Pain new values: the row is its now. */
    const char *takeover =
        meta_test_load_file("takeover.csv", "trial,arm,treatment,outcome,n,mean,sd\n"
                                            "P2,a,ket,CD000002 2.1 Pain,21,9,1\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &rep, &err, takeover, NULL), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].replaced, 1);
    meta_load_report_release(&rep);
    expect_outcomes_recorded();

    l = begin("CD000002.zip", sha_b, META_LOAD_REPLACE, &src);
    add_package(l, src, 1);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].unchanged, 2);
    /* P1 in Sleep (2), P2's arm b (1), P3 (2). */
    CU_ASSERT_EQUAL(rep.files[0].removed, 5);
    meta_load_report_release(&rep);
    expect_query("SELECT string_agg(name, ',' ORDER BY name) FROM trials", "P1,P2,X1");
    expect_query("SELECT string_agg(name, ',' ORDER BY name) FROM outcomes",
                 "CD000002 2.1 Pain,elsewhere");
    expect_query("SELECT string_agg(t.name || ' ' || a.label || ' ' || o.name || ' ' || r.mean"
                 "  || ' ' || l.file_name, '; ' ORDER BY t.name, a.label, o.name)"
                 " FROM continuous_results r JOIN arms a USING (arm_id)"
                 " JOIN trials t USING (trial_id) JOIN outcomes o USING (outcome_id)"
                 " JOIN loads l USING (load_id)",
                 "P1 a CD000002 2.1 Pain 1 CD000002.zip; P1 b CD000002 2.1 Pain 2 CD000002.zip; "
                 "P2 a CD000002 2.1 Pain 9 takeover.csv; "
                 "X1 a CD000002 2.1 Pain 1 others.csv; X1 a elsewhere 5 others.csv; "
                 "X1 b CD000002 2.1 Pain 2 others.csv; X1 b elsewhere 6 others.csv");
    expect_outcomes_recorded();

    /* The package once more, unchanged: nothing more goes. */
    l = begin("CD000002.zip", sha_b, META_LOAD_REPLACE, &src);
    add_package(l, src, 1);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    CU_ASSERT_EQUAL(rep.files[0].removed, 0);
    meta_load_report_release(&rep);
    expect_query("SELECT count(*) FROM continuous_results", "7");
}

/* meta load of a CSV file and the same rows as records give one registry. */
static void test_same_as_csv(void)
{
    struct meta_load_report rep;
    struct meta_error err;
    meta_load_report_init(&rep);
    fresh("meta_test_loader_csv_a");
    const char *path = meta_test_load_file(
        "same.csv",
        "trial,arm,treatment,control,outcome,timepoint,n,mean,sd,events,total,measure,estimate,se,"
        "ci_lower,ci_upper,year\n"
        "T1,ket,ketamine,,pain,24h,30,2.1,1.4,,,,,,,,2015\n"
        "T1,pla,placebo,,ae,,,,,3,31,,,,,,2015\n"
        "T2,,ketamine,placebo,ae,,,,,,,RR,4.94,,2.76,8.84,2019\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &rep, &err, path, NULL), META_OK);
    char *from_csv = meta_test_load_snapshot(conninfo, 0);

    fresh("meta_test_loader_csv_b");
    size_t src;
    char sha[META_CSV_SHA256_HEX];
    CU_ASSERT_EQUAL_FATAL(meta_load_sha256_file(path, sha, &err), META_OK);
    struct meta_loader *l = begin("same.csv", sha, 0, &src);
    static const struct meta_record_attr y2015[] = {{"year", "2015"}};
    static const struct meta_record_attr y2019[] = {{"year", "2019"}};
    struct meta_record r = continuous("T1", "ket", "ketamine", "pain", 30, 2.1, 1.4, 2);
    r.timepoint = "24h";
    r.arm_attrs = y2015;
    r.n_arm_attrs = 1;
    add_ok(l, src, &r);
    r = binary("T1", "placebo", "ae", 3, 31, 3);
    r.arm = "pla";
    r.arm_attrs = y2015;
    r.n_arm_attrs = 1;
    add_ok(l, src, &r);
    r = estimate("T2", "ae", "RR", 4.94, NAN, 4);
    r.ci_lower = 2.76;
    r.ci_upper = 8.84;
    r.result_attrs = y2019;
    r.n_result_attrs = 1;
    add_ok(l, src, &r);
    CU_ASSERT_EQUAL_FATAL(finish(l, &rep), META_OK);
    char *from_records = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(from_csv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(from_records);
    CU_ASSERT_STRING_EQUAL(from_csv, from_records);
    expect_query("SELECT sha256 FROM loads", sha);
    free(from_csv);
    free(from_records);
    meta_load_report_release(&rep);
}

/* The SHA-256 helpers, and what the API refuses of its caller. */
static void test_api(void)
{
    char hex[META_CSV_SHA256_HEX];
    CU_ASSERT_EQUAL(meta_load_sha256_bytes("abc", 3, hex), META_OK);
    /* FIPS 180-2, appendix B.1. */
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    struct meta_error err;
    const char *path = meta_test_load_file("abc.bin", "abc");
    CU_ASSERT_EQUAL(meta_load_sha256_file(path, hex, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CU_ASSERT_EQUAL(meta_load_sha256_file("missing.bin", hex, &err), META_EIO);
    CU_ASSERT_STRING_EQUAL(err.msg, "missing.bin: cannot open: No such file or directory");

    fresh("meta_test_loader_api");
    struct meta_loader *l = NULL;
    size_t id;
    CU_ASSERT_EQUAL_FATAL(meta_loader_begin(db, &l, &err), META_OK);
    CU_ASSERT_EQUAL(meta_loader_source(l, "", NULL, 0, &id, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_loader_source(l, "a", "ABC", 0, &id, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "source 'a': the SHA-256 must be 64 lowercase hex digits");
    CU_ASSERT_EQUAL(meta_loader_source(l, "a", NULL, 0, &id, &err), META_OK);
    CU_ASSERT_EQUAL(meta_loader_source(l, "a", NULL, 0, &id, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "source 'a' is declared twice");
    struct meta_record r = estimate("T", "o", "MD", 1, 0.1, 1);
    CU_ASSERT_EQUAL(meta_loader_add(l, 5, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_loader_add(l, id, &r, &err), META_OK);
    struct meta_load_report rep;
    meta_load_report_init(&rep);
    CU_ASSERT_EQUAL(meta_loader_finish(l, &rep, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "source 'a' has no SHA-256");
    CU_ASSERT_EQUAL(meta_loader_finish(l, &rep, &err), META_EINVAL);
    meta_loader_free(l);
    meta_loader_free(NULL);
    expect_query("SELECT count(*) FROM estimate_results", "0");
    /* A load freed unfinished leaves nothing, and the connection serves on. */
    CU_ASSERT_EQUAL_FATAL(meta_loader_begin(db, &l, &err), META_OK);
    CU_ASSERT_EQUAL(meta_loader_source(l, "b", sha_a, 0, &id, &err), META_OK);
    CU_ASSERT_EQUAL(meta_loader_add(l, id, &r, &err), META_OK);
    meta_loader_free(l);
    expect_query("SELECT count(*) FROM loads", "0");
    l = begin("c", sha_a, 0, &id);
    add_ok(l, id, &r);
    CU_ASSERT_EQUAL(finish(l, &rep), META_OK);
    expect_query("SELECT count(*) FROM estimate_results", "1");
    meta_load_report_release(&rep);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"records of every kind", test_records},
        {"two sources, one transaction, loaded twice", test_sources},
        {"every rule of a record, nothing stored", test_record_rules},
        {"rules across records", test_rules_across_records},
        {"a corrected source replaces what it brought", test_corrected_source},
        {"a corrected source removes only what its loads still hold", test_scoped_removal},
        {"records and meta load give one registry", test_same_as_csv},
        {"SHA-256 helpers and the API's refusals", test_api},
        {NULL, NULL},
    };
    return meta_test_run_suite("loader", NULL, suite_cleanup, cases);
}
