/*
 * A file loaded again as it is: seen from its SHA-256 and the loads table,
 * recorded and reported as a full load would, without touching a table of
 * results (shown by loading while another session holds those tables
 * locked); and every case where the registry no longer holds the file as
 * it is (a row replaced by another load, an arm given other attributes,
 * loads from before the loads table kept summaries) loads it in full.
 */
#include "cunit_main.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year\n"
#define FILE_A                                                                                     \
    HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,2015\n"                                                 \
           "T1,b,pla,pain,24h,31,3.5,1.6,,,2015\n"                                                 \
           "T1,a,ket,ae,,,,,5,30,2015\n"

static char conninfo[1024];
static struct meta_db *db;

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

/* Loads path alone into db and asserts the counts of its report. */
static void expect_load(struct meta_db *into, const char *path, long long inserted,
                        long long replaced, long long unchanged)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    const char *paths[1] = {path};
    int ret = meta_db_load(into, paths, 1, &r, &err);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    if (ret != META_OK)
        fprintf(stderr, "\n  load of %s: %s\n", path, err.msg);
    CU_ASSERT_EQUAL(r.nfiles, 1);
    CU_ASSERT_STRING_EQUAL(r.files[0].name, path);
    CU_ASSERT_EQUAL(r.files[0].rows, inserted + replaced + unchanged);
    CU_ASSERT_EQUAL(r.files[0].inserted, inserted);
    CU_ASSERT_EQUAL(r.files[0].replaced, replaced);
    CU_ASSERT_EQUAL(r.files[0].unchanged, unchanged);
    CU_ASSERT_EQUAL(r.files[0].trials, 1);
    CU_ASSERT_EQUAL(r.files[0].outcomes, 2);
    CU_ASSERT(r.files[0].load_id > 0);
    meta_load_report_release(&r);
}

/* Loads path while another session holds every table of results, trials,
 * arms and outcomes locked, on a connection that gives up on a statement
 * after 20 seconds: only a load that reads nothing but the loads table
 * gets through. Asserts the report of an unchanged file. */
static void expect_quick_load(const char *path, long long rows)
{
    char quick_info[1200];
    struct meta_db *quick = NULL;
    struct meta_error err;
    snprintf(quick_info, sizeof quick_info, "%s options='-c statement_timeout=20000'", conninfo);
    CU_ASSERT_EQUAL_FATAL(meta_db_open(quick_info, &quick, &err), META_OK);
    PGconn *holder = PQconnectdb(conninfo);
    CU_ASSERT_EQUAL_FATAL(PQstatus(holder), CONNECTION_OK);
    PGresult *res = PQexec(holder, "BEGIN; LOCK TABLE trials, arms, outcomes, continuous_results,"
                                   " binary_results, estimate_results IN ACCESS EXCLUSIVE MODE");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    expect_load(quick, path, 0, 0, rows);
    PQclear(PQexec(holder, "ROLLBACK"));
    PQfinish(holder);
    meta_db_close(quick);
}

static void test_unchanged_file(void)
{
    fresh("meta_test_unchanged_file");
    const char *a = meta_test_load_file("a.csv", FILE_A);
    expect_load(db, a, 3, 0, 0);
    char *before = meta_test_load_snapshot(conninfo, 1);
    expect_quick_load(a, 3);
    expect_quick_load(a, 3);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    /* Every row keeps the load that brought it; the loads table records the
     * two loads that found nothing to change, as a full load records them. */
    CU_ASSERT_PTR_NOT_NULL(strstr(before, "\nloads|1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(after, "\nloads|3\n"));
    expect_query("SELECT string_agg(file_name || ' ' || row_count || ' ' || changed || ' '"
                 " || trials || ' ' || outcomes || ' ' || estimates, ';' ORDER BY load_id)"
                 " FROM loads",
                 "a.csv 3 true 1 2 0;a.csv 3 false 1 2 0;a.csv 3 false 1 2 0");
    char *b = strstr(before, "\nloads|"), *f = strstr(after, "\nloads|");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    memcpy(b, "\nloads|x", 8);
    memcpy(f, "\nloads|x", 8);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
    /* The same bytes under another name are the same rows. */
    const char *copy = meta_test_load_file("copy of a.csv", FILE_A);
    expect_quick_load(copy, 3);
}

/* In a fresh database called dbname: loads a.csv (FILE_A), then b.csv
 * (other), whose report's counts go to counts (new, replaced, unchanged).
 * Returns a.csv's path. */
static const char *a_then_other(const char *dbname, const char *other, long long counts[3])
{
    struct meta_load_report r;
    struct meta_error err;
    fresh(dbname);
    const char *a = meta_test_load_file("a.csv", FILE_A);
    const char *b = meta_test_load_file("b.csv", other);
    expect_load(db, a, 3, 0, 0);
    meta_load_report_init(&r);
    counts[0] = counts[1] = counts[2] = -1;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, b, NULL), META_OK);
    counts[0] = r.files[0].inserted;
    counts[1] = r.files[0].replaced;
    counts[2] = r.files[0].unchanged;
    meta_load_report_release(&r);
    return a;
}

static void test_rows_replaced_since(void)
{
    long long counts[3];
    const char *a = a_then_other("meta_test_unchanged_replaced",
                                 HEADER "T1,b,pla,pain,24h,31,3.25,1.6,,,2015\n", counts);
    CU_ASSERT_EQUAL(counts[1], 1);
    /* a.csv again: its row that b.csv replaced takes a.csv's value back,
     * and a.csv's load; the others keep the first load of a.csv. */
    expect_load(db, a, 0, 1, 2);
    expect_query("SELECT string_agg(mean::text || ' ' || load_id, ';' ORDER BY arm_id)"
                 " FROM continuous_results",
                 "2.1 1;3.5 3");
    /* Now the registry holds a.csv as it is again. */
    expect_quick_load(a, 3);
}

static void test_arm_attributes_changed_since(void)
{
    /* The same rows, one arm's year changed: no result changes, the arm does. */
    long long counts[3];
    const char *a = a_then_other("meta_test_unchanged_attrs",
                                 HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,2016\n", counts);
    CU_ASSERT_EQUAL(counts[2], 1);
    expect_query("SELECT attributes->>'year' FROM arms WHERE label = 'a'", "2016");
    expect_load(db, a, 0, 0, 3);
    expect_query("SELECT attributes->>'year' FROM arms WHERE label = 'a'", "2015");
    expect_query("SELECT string_agg(changed::text, ';' ORDER BY load_id) FROM loads",
                 "true;true;true");
}

static void test_other_loads_since(void)
{
    long long counts[3];
    const char *a = a_then_other("meta_test_unchanged_other",
                                 HEADER "T2,a,ket,pain,24h,30,2.1,1.4,,,2015\n", counts);
    CU_ASSERT_EQUAL(counts[0], 1);
    /* Another load changed the registry since: a.csv is loaded in full (and
     * found unchanged), after which the registry holds it as it is. */
    expect_load(db, a, 0, 0, 3);
    expect_quick_load(a, 3);
    /* Loads recorded before their summaries were kept count as changes. */
    expect_query("WITH u AS (UPDATE loads SET changed = NULL, trials = NULL, outcomes = NULL,"
                 " estimates = NULL RETURNING 1) SELECT count(*) FROM u",
                 "4");
    expect_load(db, a, 0, 0, 3);
    expect_quick_load(a, 3);
}

static void test_same_bytes_twice_refused(void)
{
    fresh("meta_test_unchanged_twice");
    const char *a = meta_test_load_file("a.csv", FILE_A);
    expect_load(db, a, 3, 0, 0);
    const char *copy = meta_test_load_file("copy.csv", FILE_A);
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    /* Two files of the same rows in one call are still every key twice. */
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, a, copy, NULL), META_EINVAL);
    CU_ASSERT_EQUAL(r.errors.count, 3);
    meta_load_report_release(&r);
    expect_query("SELECT count(*) FROM loads", "1");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"an unchanged file is recorded without touching the results", test_unchanged_file},
        {"rows replaced by another load since: loaded in full", test_rows_replaced_since},
        {"an arm given other attributes since: loaded in full", test_arm_attributes_changed_since},
        {"other loads since, and loads without summaries: loaded in full", test_other_loads_since},
        {"the same bytes twice in one call are refused", test_same_bytes_twice_refused},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_unchanged", NULL, suite_cleanup, cases);
}
