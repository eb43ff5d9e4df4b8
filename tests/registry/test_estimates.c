/*
 * Study-level estimates (INTERFACE.md 1b) against a real PostgreSQL: estimate
 * rows load beside arm rows and are stored as given with their standard
 * error (given, or from the interval: the values in estimate_se.R), every
 * rule refuses its row with FILE:LINE:COLUMN and stores nothing, an
 * outcome's kind holds across arm and estimate rows, reloading changes
 * nothing and a changed row replaces the stored one with its load, and the
 * selection returns the estimates beside the arms.
 */
#include "cunit_main.h"
#include "list.h"
#include "meta_select.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER                                                                                     \
    "trial,arm,treatment,control,outcome,timepoint,n,mean,sd,events,total,measure,estimate,se,"    \
    "ci_lower,ci_upper,level,n_treatment,n_control,year,subgroup\n"

/* Arm rows of T1 and estimates of four other trials, one of them (T4) with
 * its sides the other way round, and a hazard ratio. */
static const char mixed_csv[] =
    HEADER "T1,ket,ketamine,,pain,24h,30,2.1,1.4,,,,,,,,,,,2015,\n"
           "T1,pla,placebo,,pain,24h,31,3.5,1.6,,,,,,,,,,,2015,\n"
           "T2,,ketamine,placebo,pain,24h,,,,,,MD,-1.3,0.4,,,,,,2018,a\n"
           "T3,,ketamine,placebo,halluc,,,,,,,RR,4.94,,2.76,8.84,,40,41,2019,b\n"
           "T4,,placebo,ketamine,halluc,,,,,,,rr,0.5,,0.25,1,90,,,,b\n"
           "T5,,ketamine,placebo,survival,,,,,,,HR,0.7,0.1,,,,,,,\n";

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

static double query_number(const char *sql)
{
    char *text = meta_test_load_query(conninfo, sql);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    double v = strtod(text, NULL);
    free(text);
    return v;
}

static void expect_snapshot(const char *expected)
{
    meta_test_load_expect_snapshot(conninfo, expected);
}

static int load(const char *path, struct meta_load_report *r)
{
    struct meta_error err;
    int ret = meta_test_load_files(db, r, &err, path, NULL);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n%s\n", err.msg, meta_test_load_messages(r));
    return ret;
}

/* ---- Loading ------------------------------------------------------------- */

static void test_mixed_file(void)
{
    struct meta_load_report r;
    meta_load_report_init(&r);
    fresh("meta_test_est_mixed");
    const char *path = meta_test_load_file("mixed.csv", mixed_csv);
    CU_ASSERT_EQUAL_FATAL(load(path, &r), META_OK);
    CU_ASSERT_EQUAL(r.files[0].rows, 6);
    CU_ASSERT_EQUAL(r.files[0].estimates, 4);
    CU_ASSERT_EQUAL(r.files[0].inserted, 6);
    CU_ASSERT_EQUAL(r.files[0].trials, 5);
    CU_ASSERT_EQUAL(r.files[0].outcomes, 3);
    /* As given: natural scale, the measure upper case, the interval and its
     * level kept, the extra columns the estimate's own attributes; the
     * outcome's kind follows the measure. The se of an interval is checked
     * against R below, so it is left out here. */
    expect_snapshot("arm|T1|ket|ketamine|{\"year\": \"2015\"}\n"
                    "arm|T1|pla|placebo|{\"year\": \"2015\"}\n"
                    "continuous|T1|ket|pain|24h|30|2.1|1.4|mixed.csv\n"
                    "continuous|T1|pla|pain|24h|31|3.5|1.6|mixed.csv\n"
                    "estimate|T2|pain|24h|ketamine|placebo|continuous|MD||f|-1.3|0.4|t||||||"
                    "{\"year\": \"2018\", \"subgroup\": \"a\"}|mixed.csv\n"
                    "estimate|T3|halluc||ketamine|placebo|binary|RR||f|4.94|0.2969585681426854|f|"
                    "2.76|8.84|95|40|41|{\"year\": \"2019\", \"subgroup\": \"b\"}|mixed.csv\n"
                    "estimate|T4|halluc||placebo|ketamine|binary|RR||f|0.5|0.4214035639417995|f|"
                    "0.25|1|90|||{\"subgroup\": \"b\"}|mixed.csv\n"
                    "estimate|T5|survival||ketamine|placebo|time-to-event|HR||f|0.7|0.1|t|||||||"
                    "mixed.csv\n"
                    "loads|0\n"
                    "outcome|halluc|binary\n"
                    "outcome|pain|continuous\n"
                    "outcome|survival|time-to-event\n"
                    "trial|T1\n"
                    "trial|T2\n"
                    "trial|T3\n"
                    "trial|T4\n"
                    "trial|T5");
    /* se = width on the log scale / (2 z): R's values (estimate_se.R), to
     * the last bit PostgreSQL prints. */
    CU_ASSERT_DOUBLE_EQUAL(query_number("SELECT se FROM estimate_results JOIN trials USING "
                                        "(trial_id) WHERE name = 'T3'"),
                           0.2969585681426854, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(query_number("SELECT se FROM estimate_results JOIN trials USING "
                                        "(trial_id) WHERE name = 'T4'"),
                           0.42140356394179951, 1e-15);
    /* Trials are numbered in the order of the file, estimate rows too. */
    expect_query("SELECT string_agg(name, ',' ORDER BY trial_id) FROM trials", "T1,T2,T3,T4,T5");
    meta_load_report_release(&r);
}

/* Intervals of every kind of measure: the se from each, against R. */
static void test_se_from_intervals(void)
{
    struct meta_load_report r;
    meta_load_report_init(&r);
    fresh("meta_test_est_se");
    const char *path = meta_test_load_file(
        "ci.csv", "trial,treatment,control,outcome,measure,estimate,ci_lower,ci_upper,level\n"
                  "C1,a,b,md,MD,-1.3,-2.1,-0.5,\n"
                  "C2,a,b,hr,HR,0.7,0.5,0.98,99\n"
                  "C3,a,b,giv,GIV,-0.2,-0.5,0.1,95\n"
                  "C4,a,b,rom,ROM,1.5,1.1,1.9,80\n");
    CU_ASSERT_EQUAL_FATAL(load(path, &r), META_OK);
    static const struct {
        const char *trial;
        double se; /* estimate_se.R */
    } expected[] = {{"C1", 0.40817076553972326},
                    {"C2", 0.13062676014968522},
                    {"C3", 0.15306403707739621},
                    {"C4", 0.21323516004438484}};
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT se FROM estimate_results JOIN trials USING (trial_id) WHERE name = '%s'",
                 expected[i].trial);
        double se = query_number(sql);
        CU_ASSERT(fabs(se - expected[i].se) <= 1e-12 * expected[i].se);
        if (!(fabs(se - expected[i].se) <= 1e-12 * expected[i].se))
            fprintf(stderr, "\n  %s: se %.17g, R %.17g\n", expected[i].trial, se, expected[i].se);
    }
    expect_query("SELECT string_agg(o.name || ' ' || o.kind, ', ' ORDER BY o.name) FROM outcomes o",
                 "giv generic, hr time-to-event, md continuous, rom continuous");
    meta_load_report_release(&r);
}

/* ---- Every rule ---------------------------------------------------------- */

static void test_row_rules(void)
{
    fresh("meta_test_est_rules");
    const char *path = meta_test_load_file(
        "bad.csv",
        "trial,treatment,control,outcome,measure,estimate,se,ci_lower,ci_upper,level,n_treatment,"
        "arm,n,mean,sd\n"
        "B1,a,b,o1,RR,0,0.1,,,,,,,,\n"
        "B2,a,b,o1,RR,1,-1,,,,,,,,\n"
        "B3,a,b,o1,XX,1,0.1,,,,,,,,\n"
        "B4,a,b,o1,RR,1,,2,3,,,,,,\n"
        "B5,a,b,o1,RR,1,,0.5,,,,,,,\n"
        "B6,a,a,o1,RR,1,0.1,,,,,,,,\n"
        "B7,a,b,o1,RR,1,0.1,,,,,x,,,\n"
        "B8,a,b,o1,RR,1,0.1,,,,,,3,1,1\n"
        "B9,a,b,o1,RR,1,,,,,,,,,\n"
        "B10,a,b,o1,RR,1,,0.5,2,0.95,,,,,\n"
        "B11,a,b,o1,RR,1,0.2,,,95,,,,,\n"
        "B12,a,b,o1,MD,1,0.2,,,,2.5,,,,\n"
        "B13,a,b,o1,RR,1,,2,0.5,,,,,,\n"
        "B14,a,b,o1,RR,1,,0,2,,,,,,\n"
        "B15,a,,o1,RR,1,0.2,,,,,,,,\n"
        "B16,a,b,o1,,1,0.2,,,,,,,,\n"
        "B17,a,b,o1,RR,,0.2,,,,,,,,\n"
        "B18,a,b,o1,OR,-0.5,0.2,,,,,,,,\n"
        "B19,a,b,o1,MD,1,0,,,,,,,,\n"
        "B20,a,b ,o1,MD,1,0.1,,,,,,,,\n"
        "B21,a,b,o1,MD,x,0.1,,,,,,,,\n"
        "B22,a,,o1,,,,,,,,,,,\n");
    meta_test_load_expect_refused(
        db, conninfo,
        "bad.csv:2:6: estimate of a ratio (RR) must be > 0, got '0'\n"
        "bad.csv:3:7: se must be > 0, got '-1'\n"
        "bad.csv:4:5: measure must be one of MD, SMD, ROM, RR, OR, RD, HR, GIV, got 'XX'\n"
        "bad.csv:5:6: estimate must lie within its interval ('2' to '3'), got '1'\n"
        "bad.csv:6:9: ci_upper is empty (an interval needs both bounds)\n"
        "bad.csv:7:3: control must differ from treatment, got 'a'\n"
        "bad.csv:8:12: arm must be empty on an estimate row (it compares treatment with "
        "control), got 'x'\n"
        "bad.csv:9:3: row has both arm data (n, mean, sd) and an estimate (control, measure, "
        "estimate, se)\n"
        "bad.csv:10:7: an estimate needs se or an interval (ci_lower and ci_upper)\n"
        "bad.csv:11:10: level must be a percentage from 50 to below 100 (95 for a 95% interval), "
        "got '0.95'\n"
        "bad.csv:12:10: level is given without an interval (ci_lower and ci_upper)\n"
        "bad.csv:13:11: n_treatment must be a positive integer, got '2.5'\n"
        "bad.csv:14:8: ci_lower must be below ci_upper ('0.5'), got '2'\n"
        "bad.csv:15:8: ci_lower of a ratio (RR) must be > 0, got '0'\n"
        "bad.csv:16:3: control is empty\n"
        "bad.csv:17:5: measure is empty\n"
        "bad.csv:18:6: estimate is empty\n"
        "bad.csv:19:6: estimate of a ratio (OR) must be > 0, got '-0.5'\n"
        "bad.csv:20:7: se must be > 0, got '0'\n"
        "bad.csv:21:3: control ends with a blank, got 'b ' (names are kept exactly as written: "
        "remove the blank)\n"
        "bad.csv:22:6: estimate is not a number, got 'x'\n"
        "bad.csv:23:3: row has neither arm data (n, mean, sd or events, total) nor an estimate "
        "(measure, estimate, and se or ci_lower and ci_upper)",
        path, NULL);
    expect_query("SELECT count(*) FROM loads", "0");
}

static void test_header_rules(void)
{
    fresh("meta_test_est_header");
    const char *a = meta_test_load_file("h1.csv", "trial,treatment,outcome,measure,estimate\n");
    const char *b = meta_test_load_file(
        "h2.csv", "trial,treatment,control,outcome,measure,estimate,ci_lower\n");
    meta_test_load_expect_refused(db, conninfo,
                                  "h1.csv:1:1: missing column 'control' (estimate rows need "
                                  "control, measure, estimate, and se or ci_lower and ci_upper)\n"
                                  "h1.csv:1:1: missing column 'se' (estimate rows need control, "
                                  "measure, estimate, and se or ci_lower and ci_upper)\n"
                                  "h2.csv:1:1: missing column 'ci_upper' (an interval needs "
                                  "ci_lower and ci_upper)",
                                  a, b, NULL);
}

/* An outcome's kind follows its arm rows or its estimates' measure, within
 * the files of a load and against the registry: MD on a binary outcome, HR
 * on one with arm rows, arm rows on a time-to-event one are refused. */
static void test_kinds(void)
{
    struct meta_load_report r;
    meta_load_report_init(&r);
    fresh("meta_test_est_kinds");
    CU_ASSERT_EQUAL_FATAL(load(meta_test_load_file("mixed.csv", mixed_csv), &r), META_OK);
    const char *path = meta_test_load_file(
        "kinds.csv", "trial,treatment,control,outcome,timepoint,measure,estimate,se,n,mean,sd,"
                     "events,total\n"
                     "K1,ketamine,placebo,halluc,,MD,1,0.2,,,,,\n"
                     "K2,ketamine,placebo,pain,24h,HR,0.8,0.2,,,,,\n"
                     "K3,ketamine,placebo,newout,,HR,0.8,0.2,,,,,\n"
                     "K3,ketamine,,newout,,,,,10,1,1,,\n"
                     "K4,ketamine,placebo,new2,,GIV,0.3,0.2,,,,,\n"
                     "K4,ketamine,placebo,new2,,GIV,0.3,0.2,,,,,\n"
                     "K5,ketamine,placebo,new3,,RR,1.3,0.2,,,,,\n"
                     "K6,ketamine,placebo,new3,,OR,1.3,0.2,,,,,\n"
                     "K7,ketamine,placebo,new3,,SMD,1.3,0.2,,,,,\n"
                     "K8,ketamine,,survival,,,,,,,,3,10\n");
    meta_test_load_expect_refused(
        db, conninfo,
        "kinds.csv:2:6: measure 'MD' is for continuous outcomes; outcome 'halluc' is binary in "
        "the registry\n"
        "kinds.csv:3:6: measure 'HR' is for time-to-event outcomes, which have estimate rows "
        "only; outcome 'pain' is continuous in the registry\n"
        "kinds.csv:11:4: outcome 'survival' is time-to-event in the registry (it has estimate "
        "rows only), got a binary row\n"
        "kinds.csv:5:4: outcome 'newout' is time-to-event at kinds.csv:4 (it has estimate rows "
        "only), got a continuous row\n"
        "kinds.csv:10:6: measure 'SMD' is for continuous outcomes; outcome 'new3' is binary at "
        "kinds.csv:8\n"
        "kinds.csv:7:1: trial 'K4', outcome 'new2', timepoint '', treatment 'ketamine', control "
        "'placebo' is already given at kinds.csv:6",
        path, NULL);
    meta_load_report_release(&r);
}

/* ---- Reloading -------------------------------------------------------------- */

static void test_reload_and_replace(void)
{
    struct meta_load_report r;
    meta_load_report_init(&r);
    fresh("meta_test_est_reload");
    const char *path = meta_test_load_file("mixed.csv", mixed_csv);
    CU_ASSERT_EQUAL_FATAL(load(path, &r), META_OK);
    char *before = meta_test_load_snapshot(conninfo, 1);
    /* The same file again: nothing changes but the loads table. */
    CU_ASSERT_EQUAL_FATAL(load(path, &r), META_OK);
    CU_ASSERT_EQUAL(r.files[0].unchanged, 6);
    CU_ASSERT_EQUAL(r.files[0].inserted, 0);
    CU_ASSERT_EQUAL(r.files[0].replaced, 0);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    char *b = strstr(before, "\nloads|"), *a = strstr(after, "\nloads|");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_STRING_EQUAL(a, "\nloads|2\noutcome|halluc|binary\noutcome|pain|continuous\n"
                              "outcome|survival|time-to-event\ntrial|T1\ntrial|T2\ntrial|T3\n"
                              "trial|T4\ntrial|T5");
    *a = *b = '\0';
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);

    /* A changed estimate (another value, another interval, an attribute
     * gone) replaces the stored one and takes the new load; the others keep
     * theirs. */
    const char *changed = meta_test_load_file(
        "changed.csv", HEADER "T2,,ketamine,placebo,pain,24h,,,,,,MD,-1.3,0.4,,,,,,2018,a\n"
                              "T3,,ketamine,placebo,halluc,,,,,,,RR,4.5,,2.5,8.1,,40,41,2019,\n"
                              "T6,,ketamine,placebo,halluc,,,,,,,OR,2,0.3,,,,,,,\n");
    CU_ASSERT_EQUAL_FATAL(load(changed, &r), META_OK);
    CU_ASSERT_EQUAL(r.files[0].rows, 3);
    CU_ASSERT_EQUAL(r.files[0].inserted, 1);
    CU_ASSERT_EQUAL(r.files[0].replaced, 1);
    CU_ASSERT_EQUAL(r.files[0].unchanged, 1);
    expect_query("SELECT string_agg(t.name || ' ' || e.estimate || ' ' || "
                 "coalesce(e.attributes::text, '-') || "
                 "' ' || l.file_name, '; ' ORDER BY t.name)"
                 " FROM estimate_results e JOIN trials t USING (trial_id) JOIN loads l USING "
                 "(load_id)",
                 "T2 -1.3 {\"year\": \"2018\", \"subgroup\": \"a\"} mixed.csv; "
                 "T3 4.5 {\"year\": \"2019\"} changed.csv; "
                 "T4 0.5 {\"subgroup\": \"b\"} mixed.csv; T5 0.7 - mixed.csv; "
                 "T6 2 - changed.csv");
    meta_load_report_release(&r);
}

/* ---- The selection ------------------------------------------------------------ */

static const char *const ket[] = {"ketamine"};
static const char *const pla[] = {"placebo"};

static void test_selection(void)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    fresh("meta_test_est_select");
    CU_ASSERT_EQUAL_FATAL(load(meta_test_load_file("mixed.csv", mixed_csv), &r), META_OK);
    /* A result's own attribute comes first for --by and year, then the arm's. */
    PGconn *conn = PQconnectdb(conninfo);
    PQclear(PQexec(conn, "UPDATE continuous_results r SET attributes = "
                         "'{\"subgroup\": \"c\", \"year\": \"2014\"}'"
                         " FROM arms a WHERE a.arm_id = r.arm_id AND a.label = 'ket'"));
    PQfinish(conn);

    struct meta_select_query q = {.outcome = "pain",
                                  .treatments = ket,
                                  .n_treatments = 1,
                                  .controls = pla,
                                  .n_controls = 1,
                                  .by = "subgroup"};
    struct meta_selection sel;
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL(sel.kind, META_KIND_CONTINUOUS);
    CU_ASSERT_STRING_EQUAL(sel.timepoint, "24h");
    CU_ASSERT_EQUAL_FATAL(sel.count, 2);
    CU_ASSERT_STRING_EQUAL(sel.arms[0].label, "ket");
    CU_ASSERT_STRING_EQUAL(sel.arms[0].by_value, "c");
    CU_ASSERT_STRING_EQUAL(sel.arms[0].year, "2014");
    CU_ASSERT_EQUAL_FATAL(sel.arms[0].n_attrs, 2);
    CU_ASSERT_PTR_NULL(sel.arms[1].by_value);
    CU_ASSERT_STRING_EQUAL(sel.arms[1].year, "2015");
    CU_ASSERT_EQUAL(sel.arms[1].n_attrs, 0);
    CU_ASSERT_EQUAL_FATAL(sel.n_estimates, 1);
    const struct meta_select_estimate *e = &sel.estimates[0];
    CU_ASSERT_STRING_EQUAL(e->trial, "T2");
    CU_ASSERT_STRING_EQUAL(e->measure, "MD");
    CU_ASSERT_EQUAL(e->swapped, 0);
    CU_ASSERT_DOUBLE_EQUAL(e->estimate, -1.3, 0);
    CU_ASSERT_DOUBLE_EQUAL(e->se, 0.4, 0);
    CU_ASSERT_EQUAL(e->se_given, 1);
    CU_ASSERT(isnan(e->ci_lower) && isnan(e->level) && isnan(e->n_treatment));
    CU_ASSERT_STRING_EQUAL(e->by_value, "a");
    CU_ASSERT_STRING_EQUAL(e->year, "2018");
    CU_ASSERT_EQUAL_FATAL(e->n_attrs, 2);
    CU_ASSERT(e->trial_id > sel.arms[0].trial_id);
    meta_selection_release(&sel);

    /* Both ways round: T4 compares placebo with ketamine. */
    q.outcome = "halluc";
    q.by = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL(sel.kind, META_KIND_BINARY);
    CU_ASSERT_EQUAL(sel.binary, 1);
    CU_ASSERT_EQUAL(sel.count, 0);
    CU_ASSERT_EQUAL_FATAL(sel.n_estimates, 2);
    CU_ASSERT_STRING_EQUAL(sel.estimates[0].trial, "T3");
    CU_ASSERT_EQUAL(sel.estimates[0].swapped, 0);
    CU_ASSERT_DOUBLE_EQUAL(sel.estimates[0].ci_lower, 2.76, 0);
    CU_ASSERT_DOUBLE_EQUAL(sel.estimates[0].ci_upper, 8.84, 0);
    CU_ASSERT_DOUBLE_EQUAL(sel.estimates[0].level, 95, 0);
    CU_ASSERT_DOUBLE_EQUAL(sel.estimates[0].n_treatment, 40, 0);
    CU_ASSERT_DOUBLE_EQUAL(sel.estimates[0].n_control, 41, 0);
    CU_ASSERT_EQUAL(sel.estimates[0].se_given, 0);
    CU_ASSERT_STRING_EQUAL(sel.estimates[1].trial, "T4");
    CU_ASSERT_EQUAL(sel.estimates[1].swapped, 1);
    CU_ASSERT_STRING_EQUAL(sel.estimates[1].treatment, "placebo");
    CU_ASSERT_PTR_NULL(sel.estimates[1].year);
    CU_ASSERT_EQUAL(sel.n_unmatched, 0);
    meta_selection_release(&sel);

    /* An outcome with estimates only; its one time point is the default. */
    q.outcome = "survival";
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL(sel.kind, META_KIND_TIME_TO_EVENT);
    CU_ASSERT_EQUAL(sel.binary, 0);
    CU_ASSERT_STRING_EQUAL(sel.timepoint, "");
    CU_ASSERT_EQUAL_FATAL(sel.n_estimates, 1);
    CU_ASSERT_STRING_EQUAL(sel.estimates[0].measure, "HR");
    meta_selection_release(&sel);
    meta_load_report_release(&r);
}

/* Names and time points known from estimates alone resolve, and the
 * listings show them. */
static void test_names_from_estimates(void)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    fresh("meta_test_est_names");
    const char *path = meta_test_load_file(
        "names.csv", "trial,treatment,control,outcome,timepoint,measure,estimate,se\n"
                     "N1,esketamine,sham,os,12m,HR,0.8,0.1\n"
                     "N2,esketamine,sham,os,24m,HR,0.7,0.1\n");
    CU_ASSERT_EQUAL_FATAL(load(path, &r), META_OK);
    static const char *const esk[] = {"esketamine"};
    static const char *const sham[] = {"sham"};
    static const char *const shm[] = {"shm"};
    struct meta_select_query q = {
        .outcome = "os", .treatments = esk, .n_treatments = 1, .controls = sham, .n_controls = 1};
    struct meta_selection sel;
    CU_ASSERT_EQUAL(meta_db_select(db, &q, &sel, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "outcome 'os' has several time points: '12m', '24m' (choose "
                                    "one with --timepoint)");
    meta_selection_release(&sel);
    q.timepoint = "36m";
    CU_ASSERT_EQUAL(meta_db_select(db, &q, &sel, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "outcome 'os' has no time point '36m' (it has: '12m', '24m')");
    meta_selection_release(&sel);
    q.timepoint = "24m";
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL(sel.n_estimates, 1);
    meta_selection_release(&sel);
    q.controls = shm;
    CU_ASSERT_EQUAL(meta_db_select(db, &q, &sel, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "unknown treatment 'shm' (close matches: 'sham')");
    meta_selection_release(&sel);

    struct meta_list_table t;
    CU_ASSERT_EQUAL_FATAL(meta_db_list(db, META_LIST_TREATMENTS, &t, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(t.nrows, 2);
    CU_ASSERT_STRING_EQUAL(t.cells[0], "esketamine");
    CU_ASSERT_STRING_EQUAL(t.cells[1], "0");
    CU_ASSERT_STRING_EQUAL(t.cells[2], "2");
    meta_list_table_release(&t);
    CU_ASSERT_EQUAL_FATAL(meta_db_list(db, META_LIST_OUTCOMES, &t, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(t.nrows, 2);
    const char *row[] = {"os", "time-to-event", "12m", "1", "0", "1"};
    for (size_t c = 0; c < 6; c++)
        CU_ASSERT_STRING_EQUAL(t.cells[c], row[c]);
    meta_list_table_release(&t);
    CU_ASSERT_EQUAL_FATAL(meta_db_list(db, META_LIST_TRIALS, &t, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(t.nrows, 2);
    const char *trow[] = {"N1", "0", "1", "1"};
    for (size_t c = 0; c < 4; c++)
        CU_ASSERT_STRING_EQUAL(t.cells[c], trow[c]);
    meta_list_table_release(&t);
    meta_load_report_release(&r);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"estimate rows beside arm rows", test_mixed_file},
        {"se from intervals, as R computes it", test_se_from_intervals},
        {"every row rule, nothing stored", test_row_rules},
        {"estimate columns in the header", test_header_rules},
        {"outcome kinds across arms and estimates", test_kinds},
        {"reloading and replacing", test_reload_and_replace},
        {"the selection returns estimates", test_selection},
        {"names and time points from estimates", test_names_from_estimates},
        {NULL, NULL},
    };
    return meta_test_run_suite("estimates", NULL, suite_cleanup, cases);
}
