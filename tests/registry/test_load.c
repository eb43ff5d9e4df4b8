/*
 * meta_db_load against a real PostgreSQL: the round trip (load the
 * published datasets, read back the same numbers), what the report says,
 * reload idempotency and replacement, attributes, the rules checked across
 * rows and against the registry (each with its exact message), the error
 * limit, unreadable paths, values that look like SQL, CRLF and BOM files,
 * blanks (never two names merged),
 * fresh planner statistics after a large load, and a loader without the
 * rights to skip foreign-key triggers.
 */
#include "cunit_main.h"
#include "load_row.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year\n"

static char conninfo[1024];
static struct meta_db *db;

/* A fresh database for each case, so that cases never see each other. */
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

static void expect_messages(const struct meta_load_report *r, const char *expected)
{
    meta_test_load_expect_messages(r, expected);
}

static const char *dataset(const char *name)
{
    static char paths[3][512];
    static int next;
    char *p = paths[next++ % 3];
    snprintf(p, 512, "%s/%s", META_TEST_DATA_DIR, name);
    return p;
}

/* ---- Round trip ------------------------------------------------------------ */

struct compare {
    struct meta_load_layout layout;
    int have_layout;
    long rows, mismatches;
    PGconn *conn;
};

/* Reads one row back from the registry and compares it with the file. */
static int compare_row(const struct meta_csv_record *rec, void *ctx)
{
    struct compare *c = ctx;
    struct meta_load_errors errs;
    meta_load_errors_init(&errs);
    if (!c->have_layout) {
        c->have_layout = meta_load_layout_init(&c->layout, "f", rec, &errs) == META_OK;
        meta_load_errors_release(&errs);
        return c->have_layout ? META_OK : META_EINVAL;
    }
    struct meta_load_row row;
    int rc = meta_load_row_check(&c->layout, "f", rec, &row, &errs);
    meta_load_errors_release(&errs);
    if (rc != META_OK)
        return rc;
    const char *params[4] = {row.trial.s, row.arm.s, row.outcome.s, row.timepoint.s};
    PGresult *res = PQexecParams(
        c->conn,
        "SELECT a.treatment, r.n, r.mean, r.sd, b.events, b.total"
        " FROM arms a JOIN trials t USING (trial_id) JOIN outcomes o ON o.name = $3"
        " LEFT JOIN continuous_results r ON r.arm_id = a.arm_id AND r.outcome_id = o.outcome_id"
        "      AND r.timepoint = $4"
        " LEFT JOIN binary_results b ON b.arm_id = a.arm_id AND b.outcome_id = o.outcome_id"
        "      AND b.timepoint = $4"
        " WHERE t.name = $1 AND a.label = $2",
        4, NULL, params, NULL, NULL, 0);
    c->rows++;
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
             strcmp(PQgetvalue(res, 0, 0), row.treatment.s) == 0;
    if (ok && row.kind == META_LOAD_CONTINUOUS)
        ok = atoi(PQgetvalue(res, 0, 1)) == row.n &&
             strtod(PQgetvalue(res, 0, 2), NULL) == row.mean &&
             strtod(PQgetvalue(res, 0, 3), NULL) == row.sd;
    else if (ok)
        ok = atoi(PQgetvalue(res, 0, 4)) == row.events && atoi(PQgetvalue(res, 0, 5)) == row.total;
    if (!ok) {
        c->mismatches++;
        fprintf(stderr, "\n  not stored as in the file: line %ld\n", rec->line);
    }
    PQclear(res);
    return META_OK;
}

static void compare_file(const char *path, long expected_rows)
{
    struct compare c = {0};
    struct meta_error err;
    c.conn = PQconnectdb(conninfo);
    CU_ASSERT_EQUAL(meta_csv_read(path, path, compare_row, &c, NULL, &err), META_OK);
    CU_ASSERT_EQUAL(c.rows, expected_rows);
    CU_ASSERT_EQUAL(c.mismatches, 0);
    if (c.have_layout)
        meta_load_layout_release(&c.layout);
    PQfinish(c.conn);
}

static void test_round_trip(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_roundtrip");
    meta_load_report_init(&r);
    const char *bcg = dataset("bcg.csv"), *normand = dataset("normand1999.csv"),
               *haeuser = dataset("haeuser2009_fibromyalgia.csv");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, bcg, normand, haeuser, NULL), META_OK);
    CU_ASSERT_EQUAL_FATAL(r.nfiles, 3);
    /* What each file did: rows, all new; trials; outcomes. */
    static const long long expected[3][3] = {{26, 13, 1}, {18, 9, 1}, {123, 18, 5}};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(r.files[i].rows, expected[i][0]);
        CU_ASSERT_EQUAL(r.files[i].inserted, expected[i][0]);
        CU_ASSERT_EQUAL(r.files[i].replaced, 0);
        CU_ASSERT_EQUAL(r.files[i].unchanged, 0);
        CU_ASSERT_EQUAL(r.files[i].trials, expected[i][1]);
        CU_ASSERT_EQUAL(r.files[i].outcomes, expected[i][2]);
        CU_ASSERT_EQUAL(strlen(r.files[i].sha256), 64);
        CU_ASSERT(r.files[i].load_id > 0);
    }
    meta_load_report_release(&r);
    compare_file(bcg, 26);
    compare_file(normand, 18);
    compare_file(haeuser, 123);
    /* Normand 1999, Edinburgh: specialist care 155 / 55 / 47. */
    expect_query("SELECT n || ' ' || mean || ' ' || sd FROM continuous_results"
                 " JOIN arms USING (arm_id) JOIN trials USING (trial_id)"
                 " WHERE name = 'normand1999: Edinburgh' AND label = 'treated'",
                 "155 55 47");
    /* Multi-arm trials keep one shared placebo arm. */
    expect_query("SELECT count(*) FROM arms JOIN trials USING (trial_id)"
                 " WHERE name = 'Arnold et al. 2005'",
                 "3");
    /* Extra columns are arm attributes, empty values left out. */
    expect_query("SELECT attributes::text FROM arms WHERE label = 'duloxetine (t15)'",
                 "{\"year\": \"2005\", \"class\": \"SNRI\", \"score\": \"change\", \"weeks\": "
                 "\"12\", \"country\": \"United States\"}");
    expect_query("SELECT attributes ? 'class' FROM arms WHERE label = 'placebo (c15)'", "f");
    /* Each row points to its load, which records the file. */
    expect_query("SELECT count(DISTINCT load_id) FROM binary_results", "1");
    expect_query("SELECT row_count || ' ' || sha256 FROM loads l"
                 " WHERE load_id = (SELECT max(load_id) FROM binary_results)",
                 "26 bd24dd2de101fda481ed6ebf05d95ead46be89a026e4bf1793ce468b8a390097");
}

/* ---- Reloading ------------------------------------------------------------- */

static void test_reload_idempotent(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_reload");
    meta_load_report_init(&r);
    const char *haeuser = dataset("haeuser2009_fibromyalgia.csv");
    const char *bcg = dataset("bcg.csv");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, haeuser, bcg, NULL), META_OK);
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, haeuser, bcg, NULL), META_OK);
    CU_ASSERT_EQUAL(r.files[0].rows, 123);
    CU_ASSERT_EQUAL(r.files[0].inserted, 0);
    CU_ASSERT_EQUAL(r.files[0].replaced, 0);
    CU_ASSERT_EQUAL(r.files[0].unchanged, 123);
    CU_ASSERT_EQUAL(r.files[1].unchanged, 26);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    /* The data, down to which load each row points to, are as they were;
     * only the loads table records the second load. */
    CU_ASSERT_PTR_NOT_NULL(strstr(before, "\nloads|2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(after, "\nloads|4\n"));
    char *b = strstr(before, "\nloads|"), *a = strstr(after, "\nloads|");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    memcpy(b, "\nloads|x", 8);
    memcpy(a, "\nloads|x", 8);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
    meta_load_report_release(&r);
}

/* Trials and arms are numbered in the order they first appear in the files,
 * which is what "as loaded" means to pool, forest and cumulative analyses. */
static void test_file_order_kept(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_order");
    meta_load_report_init(&r);
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, dataset("bcg.csv"),
                                               dataset("haeuser2009_fibromyalgia.csv"), NULL),
                          META_OK);
    expect_query("SELECT string_agg(name, ';' ORDER BY trial_id) FROM "
                 "(SELECT trial_id, name FROM trials ORDER BY trial_id LIMIT 3) t",
                 "bcg: Aronson 1948;bcg: Ferguson & Simes 1949;bcg: Rosenthal et al 1960");
    expect_query("SELECT name FROM trials WHERE trial_id = (SELECT min(trial_id) FROM trials "
                 "WHERE name NOT LIKE 'bcg: %')",
                 "Carette et al. 1986");
    expect_query("SELECT string_agg(a.label, ';' ORDER BY a.arm_id) FROM arms a "
                 "JOIN trials t USING (trial_id) WHERE t.name = 'Goldenberg et al. 1996'",
                 "fluoxetine (t5);placebo (c5);amitriptyline (t6)");
    meta_load_report_release(&r);
}

static void test_reload_replaces(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_replace");
    meta_load_report_init(&r);
    const char *first = meta_test_load_file("first.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,\n"
                                                                "T1,b,pla,pain,24h,31,3.5,1.6,,,\n"
                                                                "T1,a,ket,ae,,,,,5,30,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, first, NULL), META_OK);
    const char *second =
        meta_test_load_file("second.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,\n"
                                                 "T1,b,pla,pain,24h,31,3.25,1.6,,,\n"
                                                 "T1,a,ket,ae,,,,,6,30,\n"
                                                 "T1,b,pla,ae,,,,,1,31,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, second, NULL), META_OK);
    CU_ASSERT_EQUAL(r.files[0].rows, 4);
    CU_ASSERT_EQUAL(r.files[0].inserted, 1);
    CU_ASSERT_EQUAL(r.files[0].replaced, 2);
    CU_ASSERT_EQUAL(r.files[0].unchanged, 1);
    CU_ASSERT_EQUAL(r.files[0].trials, 1);
    CU_ASSERT_EQUAL(r.files[0].outcomes, 2);
    const char *expected = "arm|T1|a|ket|{}\n"
                           "arm|T1|b|pla|{}\n"
                           "binary|T1|a|ae||6|30|second.csv\n"
                           "binary|T1|b|ae||1|31|second.csv\n"
                           "continuous|T1|a|pain|24h|30|2.1|1.4|first.csv\n"
                           "continuous|T1|b|pain|24h|31|3.25|1.6|second.csv\n"
                           "loads|0\n"
                           "outcome|ae|binary\n"
                           "outcome|pain|continuous\n"
                           "trial|T1";
    meta_test_load_expect_snapshot(conninfo, expected);
    meta_load_report_release(&r);
}

static void test_attributes_merge(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_attrs");
    meta_load_report_init(&r);
    const char *one =
        meta_test_load_file("attrs1.csv", "trial,treatment,outcome,n,mean,sd,Year,dose\n"
                                          "T1,ket,pain,30,2.1,1.4,2015,0.5\n"
                                          "T1,ket,sleep,30,2.1,1.4,,0.6\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, one, NULL), META_OK);
    /* Within a file, a later row wins; an empty value changes nothing. */
    expect_query("SELECT attributes::text FROM arms", "{\"dose\": \"0.6\", \"year\": \"2015\"}");
    const char *two =
        meta_test_load_file("attrs2.csv", "trial,treatment,outcome,n,mean,sd,route,dose\n"
                                          "T1,ket,pain,30,2.1,1.4,iv,1\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, two, NULL), META_OK);
    /* A later load merges into what is stored. */
    expect_query("SELECT attributes::text FROM arms",
                 "{\"dose\": \"1\", \"year\": \"2015\", \"route\": \"iv\"}");
    CU_ASSERT_EQUAL(r.files[0].unchanged, 1);
    meta_load_report_release(&r);
}

/* ---- The rules that span rows ---------------------------------------------- */

/* Loads the files (NULL-terminated), expects META_EINVAL with exactly the
 * given messages, and the registry unchanged. */
static void expect_refused(const char *expected, const char *path, const char *path2,
                           const char *path3)
{
    meta_test_load_expect_refused(db, conninfo, expected, path, path2, path3, NULL);
}

static void test_kind_conflicts(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_kinds");
    meta_load_report_init(&r);
    const char *base = meta_test_load_file("base.csv", HEADER "T1,a,ket,pain,,30,2.1,1.4,,,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, base, NULL), META_OK);
    meta_load_report_release(&r);
    /* Against the registry. */
    const char *k1 = meta_test_load_file("k1.csv", HEADER "T2,a,ket,pain,,,,,3,30,\n");
    expect_refused("k1.csv:2:4: outcome 'pain' is continuous in the registry, got a binary row", k1,
                   NULL, NULL);
    /* Between the files of one call: the first row decides. */
    const char *k2 = meta_test_load_file("k2.csv", HEADER "T2,a,ket,ae,,,,,3,30,\n");
    const char *k3 = meta_test_load_file("k3.csv", "outcome,trial,treatment,n,mean,sd\n"
                                                   "sleep,T3,ket,10,1,1\n"
                                                   "ae,T3,ket,10,1,1\n");
    expect_refused("k3.csv:3:1: outcome 'ae' is binary at k2.csv:2, got a continuous row", k2, k3,
                   NULL);
}

static void test_treatment_conflicts(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_treatments");
    meta_load_report_init(&r);
    const char *base = meta_test_load_file("base.csv", HEADER "T1,a,ket,pain,,30,2.1,1.4,,,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, base, NULL), META_OK);
    meta_load_report_release(&r);
    /* A stored arm keeps its treatment. */
    const char *t1 = meta_test_load_file("t1.csv", HEADER "T1,a,esketamine,pain,,30,2.1,1.4,,,\n");
    expect_refused("t1.csv:2:3: arm 'a' of trial 'T1' has treatment 'ket' in the registry, got "
                   "'esketamine' (an arm keeps its treatment)",
                   t1, NULL, NULL);
    /* A new arm gets one treatment. */
    const char *t2 = meta_test_load_file("t2.csv", HEADER "T9,b,ket,pain,,30,2.1,1.4,,,\n"
                                                          "T9,b,pla,sleep,,30,2.1,1.4,,,\n");
    expect_refused("t2.csv:3:3: arm 'b' of trial 'T9' has treatment 'ket' at t2.csv:2, got 'pla'",
                   t2, NULL, NULL);
}

static void test_repeated_keys(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_repeats");
    meta_load_report_init(&r);
    const char *base = meta_test_load_file("base.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, base, NULL), META_OK);
    meta_load_report_release(&r);
    /* Twice in one file, new to the registry. */
    const char *d1 = meta_test_load_file("d1.csv", HEADER "T2,a,ket,pain,24h,30,2.1,1.4,,,\n"
                                                          "T2,b,pla,pain,24h,30,2.1,1.4,,,\n"
                                                          "T2,a,ket,pain,24h,30,2.1,1.4,,,\n");
    expect_refused("d1.csv:4:1: trial 'T2', arm 'a', outcome 'pain', timepoint '24h' is already "
                   "given at d1.csv:2",
                   d1, NULL, NULL);
    /* In two files, a key the registry holds (equal values, still an error). */
    const char *d2 = meta_test_load_file("d2.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,\n");
    const char *d3 =
        meta_test_load_file("d3.csv", "arm,trial,treatment,outcome,timepoint,n,mean,sd\n"
                                      "a,T1,ket,pain,24h,30,2.1,1.4\n");
    expect_refused("d3.csv:2:2: trial 'T1', arm 'a', outcome 'pain', timepoint '24h' is already "
                   "given at d2.csv:2",
                   d2, d3, NULL);
    /* The arm defaults to the treatment: these two rows are one key. */
    const char *d4 = meta_test_load_file("d4.csv", HEADER "T3,,ket,ae,,,,,1,5,\n"
                                                          "T3,ket,ket,ae,,,,,2,5,\n");
    expect_refused("d4.csv:3:1: trial 'T3', arm 'ket', outcome 'ae', timepoint '' is already "
                   "given at d4.csv:2",
                   d4, NULL, NULL);
}

/* ---- Row errors, limits, paths ---------------------------------------------- */

static void test_row_errors_reported_all(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_rowerrors");
    meta_load_report_init(&r);
    const char *good = meta_test_load_file("good.csv", HEADER "T1,a,ket,pain,,30,2.1,1.4,,,\n");
    const char *bad = meta_test_load_file("bad.csv", HEADER "T1,b,ket,pain,,30,2.1,-1,,,\n"
                                                            "T1,c,ket,pain,,30,x,1,,,\n"
                                                            "T1,d,ket,ae,,,,,9,5,\n");
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, good, bad, NULL), META_EINVAL);
    expect_messages(&r, "bad.csv:2:8: sd must be > 0, got '-1'\n"
                        "bad.csv:3:7: mean is not a number, got 'x'\n"
                        "bad.csv:4:9: events must not exceed total (5), got '9'");
    CU_ASSERT_STRING_EQUAL(err.msg, "3 problems in the input, nothing was loaded");
    /* The good file was not stored either. */
    expect_query("SELECT count(*) FROM trials", "0");
    expect_query("SELECT count(*) FROM loads", "0");
    meta_load_report_release(&r);
}

/* Writes NAME: the header, then COUNT copies of ROW, whose %d (up to two)
 * become the copy's number. Returns the file's path. */
static const char *file_of_rows(const char *name, int count, const char *row)
{
    size_t size = (size_t)count * (strlen(row) + 24) + sizeof HEADER;
    char *text = malloc(size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    size_t o = (size_t)snprintf(text, size, "%s", HEADER);
    for (int i = 0; i < count; i++)
        o += (size_t)snprintf(text + o, size - o, row, i, i);
    const char *path = meta_test_load_file(name, text);
    free(text);
    return path;
}

static void test_error_limit(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_limit");
    meta_load_report_init(&r);
    const char *path = file_of_rows("many.csv", 64, "T%d,a,ket,pain,,0,1,1,,,\n");
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, path, NULL), META_EINVAL);
    CU_ASSERT_EQUAL(r.errors.count, 64);
    CU_ASSERT_EQUAL(r.errors.kept, META_LOAD_MAX_ERRORS);
    CU_ASSERT_STRING_EQUAL(r.errors.msgs[49],
                           "many.csv:51:6: n must be a positive integer, got '0'");
    meta_load_report_release(&r);
}

/* A load that grows the registry by more than autovacuum's threshold leaves
 * the planner's row counts up to date: ANALYZE on a small table reads every
 * row, so the counts are exact. */
static void test_statistics_refreshed(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_statistics");
    meta_load_report_init(&r);
    const char *path =
        file_of_rows("grow.csv", 600, "T%d,a,ket,pain,,20,1,1,,,\nT%d,b,pla,pain,,20,2,1,,,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, path, NULL), META_OK);
    expect_query(
        "SELECT string_agg(relname || ' ' || reltuples, ', ' ORDER BY relname) FROM pg_class"
        " WHERE relname IN ('arms', 'continuous_results')",
        "arms 1200, continuous_results 1200");
    meta_load_report_release(&r);
}

static void test_paths(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_paths");
    meta_load_report_init(&r);
    const char *good = meta_test_load_file("good.csv", HEADER "T1,a,ket,pain,,30,2.1,1.4,,,\n");
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, good, "missing.csv", ".", NULL), META_EIO);
    const char *expected = "missing.csv: cannot open: No such file or directory\n"
                           ".: is a directory, not a file";
    expect_messages(&r, expected);
    const char *empty = meta_test_load_file("empty.csv", "");
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, empty, NULL), META_EINVAL);
    expect_messages(&r, "empty.csv:1:1: file is empty (expected a header row)");
    /* One file given twice, under two names. */
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, good, "./good.csv", NULL), META_EINVAL);
    expect_messages(&r, "./good.csv:1:1: the same file as good.csv, given twice");
    /* Rows of empty fields, as spreadsheets leave, are skipped like blank lines. */
    const char *blank = meta_test_load_file("blank.csv", HEADER "T1,a,ket,pain,,30,2.1,1.4,,,\n"
                                                                ",,,,,,,,,,\n"
                                                                "\n"
                                                                ",,,\n");
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, blank, NULL), META_OK);
    CU_ASSERT_EQUAL(r.nfiles ? r.files[0].rows : -1, 1);
    /* A header and no rows is a valid, empty file. */
    const char *header_only = meta_test_load_file("header.csv", HEADER);
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, header_only, NULL), META_OK);
    CU_ASSERT_EQUAL(r.files[0].rows, 0);
    expect_query("SELECT count(*) FROM trials", "1");
    meta_load_report_release(&r);
}

/* ---- Values are data --------------------------------------------------------- */

static void test_values_never_sql(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_injection");
    meta_load_report_init(&r);
    const char *path = meta_test_load_file(
        "inject.csv", "trial,treatment,outcome,timepoint,n,mean,sd,note\n"
                      "\"Robert'); DROP TABLE trials;--\",\"a\\tb\\\\c \"\"q\"\"\",\"two\nlines\","
                      "\"$1 %s \\N\",3,1,1,\"{\"\"x\"\": 1}\\\\\"\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, path, NULL), META_OK);
    expect_query("SELECT name FROM trials", "Robert'); DROP TABLE trials;--");
    expect_query("SELECT treatment FROM arms", "a\\tb\\\\c \"q\"");
    expect_query("SELECT label FROM arms", "a\\tb\\\\c \"q\"");
    expect_query("SELECT name FROM outcomes", "two\nlines");
    expect_query("SELECT timepoint FROM continuous_results", "$1 %s \\N");
    expect_query("SELECT attributes->>'note' FROM arms", "{\"x\": 1}\\\\");
    expect_query("SELECT count(*) FROM pg_tables WHERE tablename = 'trials'", "1");
    meta_load_report_release(&r);
}

static void test_crlf_bom_same_as_lf(void)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    fresh("meta_test_load_crlf_a");
    const char *lf = meta_test_load_file("same.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,2015\n"
                                                            "T1,b,pla,pain,24h,31,3.5,1.6,,,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, lf, NULL), META_OK);
    char *a = meta_test_load_snapshot(conninfo, 0);
    fresh("meta_test_load_crlf_b");
    const char *crlf = meta_test_load_file(
        "same.csv",
        "\xEF\xBB\xBF\"TRIAL\",ARM,Treatment,outcome,timepoint,n,mean,sd,events,total,YEAR\r\n"
        "\"T1\",\"a\",ket,pain,24h, 30 ,2.1\t,1.4,,,\"2015 \"\r\n"
        "T1,b,\"pla\",pain,24h,31,3.5,1.6,,,\r\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, crlf, NULL), META_OK);
    char *b = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a);
    free(b);
    meta_load_report_release(&r);
}

/* Names are kept exactly as written (RFC 4180: blanks are data), so a name
 * with a blank at an end is refused rather than taken for the name without
 * it or for another one; numbers and attribute values may have blanks
 * around them. */
static void test_blanks_never_merge_names(void)
{
    struct meta_load_report r;
    struct meta_error err;
    fresh("meta_test_load_blanks");
    meta_load_report_init(&r);
    const char *two = meta_test_load_file("tsp.csv", HEADER "TSP ,a,ket,pain,,30,2.1,1.4,,,\n"
                                                            "TSP,b,pla,pain,,31,3.5,1.6,,,\n"
                                                            "\"TSP \",c,pla,pain,,31,3.5,1.6,,,\n"
                                                            "T2,a, ket,pain,,31,3.5,1.6,,,\n"
                                                            "T2,b,pla,pain , ,31,3.5,1.6,,,\n"
                                                            "T3,b,pla,pain,24h\t,31,3.5,1.6,,,\n");
    expect_refused("tsp.csv:2:1: trial ends with a blank, got 'TSP ' (names are kept exactly as "
                   "written: remove the blank)\n"
                   "tsp.csv:4:1: trial ends with a blank, got 'TSP ' (names are kept exactly as "
                   "written: remove the blank)\n"
                   "tsp.csv:5:3: treatment begins with a blank, got ' ket' (names are kept exactly "
                   "as written: remove the blank)\n"
                   "tsp.csv:6:4: outcome ends with a blank, got 'pain ' (names are kept exactly as "
                   "written: remove the blank)\n"
                   "tsp.csv:7:5: timepoint ends with a blank, got '24h\\t' (names are kept "
                   "exactly as written: remove the blank)",
                   two, NULL, NULL);
    /* A blank time point or arm is an empty one; numbers and attributes
     * lose the blanks around them. */
    const char *ok = meta_test_load_file("ok.csv", HEADER "T1, ,ket,pain, , 30 ,\t2.5,1.4,,, 2015\n"
                                                          "T1,b,pla,ae,,,,,\t3 , 31 ,\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, ok, NULL), META_OK);
    const char *expected = "arm|T1|b|pla|{}\n"
                           "arm|T1|ket|ket|{\"year\": \"2015\"}\n"
                           "binary|T1|b|ae||3|31|ok.csv\n"
                           "continuous|T1|ket|pain||30|2.5|1.4|ok.csv\n"
                           "loads|0\n"
                           "outcome|ae|binary\n"
                           "outcome|pain|continuous\n"
                           "trial|T1";
    meta_test_load_expect_snapshot(conninfo, expected);
    meta_load_report_release(&r);
}

/* ---- A loader that is no superuser ------------------------------------------ */

static void test_unprivileged_loader(void)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    fresh("meta_test_load_unpriv_a");
    const char *haeuser = dataset("haeuser2009_fibromyalgia.csv");
    const char *est = meta_test_load_file(
        "est.csv", "trial,treatment,control,outcome,measure,estimate,ci_lower,ci_upper\n"
                   "E1,duloxetine,placebo,relapse,HR,0.7,0.5,0.98\n");
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, haeuser, est, NULL), META_OK);
    char *a = meta_test_load_snapshot(conninfo, 0);

    fresh("meta_test_load_unpriv_b");
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res =
        PQexec(conn, "DO $$ BEGIN"
                     "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meta_test_loader')"
                     "  THEN CREATE ROLE meta_test_loader LOGIN IN ROLE meta_loader; END IF;"
                     " END $$");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
    char loader[1200];
    /* The private cluster lets the invoking OS user in as meta only (peer
     * authentication): become the loader role at connection start. */
    snprintf(loader, sizeof loader, "%s options='-c role=meta_test_loader'", conninfo);
    struct meta_db *ldb = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(loader, &ldb, &err), META_OK);
    /* Without the right to skip foreign-key triggers the load still works,
     * checked row by row by the server. */
    CU_ASSERT_EQUAL(meta_test_load_files(ldb, &r, &err, haeuser, est, NULL), META_OK);
    if (r.nfiles == 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL(meta_test_load_files(ldb, &r, &err, haeuser, est, NULL), META_OK);
    CU_ASSERT_EQUAL(r.nfiles ? r.files[0].unchanged : -1, 123);
    CU_ASSERT_EQUAL(r.nfiles ? r.files[1].unchanged : -1, 1);
    meta_db_close(ldb);
    char *b = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a);
    free(b);
    meta_load_report_release(&r);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"round trip of the published datasets", test_round_trip},
        {"reloading changes nothing", test_reload_idempotent},
        {"trials and arms keep the order of the files", test_file_order_kept},
        {"reloading replaces what changed", test_reload_replaces},
        {"attributes merge", test_attributes_merge},
        {"outcome kind conflicts", test_kind_conflicts},
        {"treatment conflicts", test_treatment_conflicts},
        {"repeated keys", test_repeated_keys},
        {"row errors, all of them, nothing stored", test_row_errors_reported_all},
        {"error limit", test_error_limit},
        {"a large load refreshes the planner's statistics", test_statistics_refreshed},
        {"missing, directory and empty files", test_paths},
        {"values never become SQL", test_values_never_sql},
        {"CRLF, BOM, quotes and case load the same", test_crlf_bom_same_as_lf},
        {"blanks never merge two names", test_blanks_never_merge_names},
        {"a loader that is no superuser", test_unprivileged_loader},
        {NULL, NULL},
    };
    return meta_test_run_suite("load", NULL, suite_cleanup, cases);
}
