/*
 * Large files read on two threads (lib/registry/csv_pipeline.c) against a
 * real PostgreSQL: the same errors in the same order, the same registry,
 * the same report as on one thread (meta_csv_set_threads(1), the switch
 * META_LOAD_THREADS=1 sets), and a session the server ends midway leaves
 * the reading thread stopped, the error clear and the registry unchanged.
 */
#include "csv_pipeline.h"
#include "csv_reader.h"
#include "cunit_main.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char conninfo[1024];
static struct meta_db *db;

static int suite_cleanup(void)
{
    return meta_test_load_close(&db);
}

/* The data row (1-based) of each fault of the faulty file, and its text. */
struct fault {
    long row;
    const char *sd; /* the sd field in its place */
};

/* Writes a continuous file of `rows` rows (two-arm trials) called name;
 * with faults, those rows break a rule, and a quote inside an unquoted
 * field breaks the CSV syntax at syntax_row (0: none). */
static const char *write_big(const char *name, long rows, const struct fault *faults,
                             size_t nfaults, long syntax_row)
{
    size_t cap = (size_t)rows * 80 + 128;
    char *text = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    size_t o =
        (size_t)snprintf(text, cap, "trial,arm,treatment,outcome,timepoint,n,mean,sd,year\n");
    for (long r = 1; r <= rows; r++) {
        long t = (r + 1) / 2;
        const char *sd = "1.5";
        for (size_t k = 0; k < nfaults; k++)
            if (faults[k].row == r)
                sd = faults[k].sd;
        o += (size_t)snprintf(text + o, cap - o, "P%07ld,%s,%s,pain,%s,%ld,%.2f,%s,%ld\n", t,
                              r % 2 ? "active" : "control", r % 2 ? "ket" : "pla",
                              r == syntax_row ? "24\"h" : "24h", 20 + t % 50,
                              2.0 + (double)(t % 7) * 0.1 + (r % 2) * 0.5, sd, 1990 + t % 30);
    }
    const char *path = meta_test_load_file(name, text);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    return path;
}

/* One load of path on `threads` threads: status, the kept messages and
 * their count, and the reads that ran on two threads. */
struct outcome {
    int status;
    char *messages;
    size_t count;
    long pipelined;
    long long rows, trials;
};

static struct outcome load_on(const char *path, int threads)
{
    struct outcome out = {0};
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    meta_csv_set_threads(threads);
    long before = meta_csv_pipeline_count();
    out.status = meta_test_load_files(db, &r, &err, path, NULL);
    out.pipelined = meta_csv_pipeline_count() - before;
    meta_csv_set_threads(2);
    out.messages = strdup(meta_test_load_messages(&r));
    out.count = r.errors.count;
    if (r.nfiles == 1) {
        out.rows = r.files[0].rows;
        out.trials = r.files[0].trials;
    }
    meta_load_report_release(&r);
    return out;
}

/* Row errors spread through a large file, the first at row 300,000, and a
 * syntax error near its end: the same list on one thread and on two, and
 * nothing stored either way. */
static void test_errors_spread_through_a_large_file(void)
{
    meta_test_load_fresh("meta_test_load_pipeline_errors", conninfo, sizeof conninfo, &db);
    static const struct fault faults[] = {
        {300000, "-1"}, {300001, "abc"}, {325000, "1e999"}, {350003, "0"}, {399000, "NaN"}};
    const char *path = write_big("spread.csv", 400000, faults, 5, 399990);
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    struct outcome one = load_on(path, 1);
    struct outcome two = load_on(path, 2);
    CU_ASSERT_EQUAL(one.status, META_EINVAL);
    CU_ASSERT_EQUAL(two.status, META_EINVAL);
    CU_ASSERT_EQUAL(one.pipelined, 0);
    CU_ASSERT(two.pipelined >= 1);
    CU_ASSERT_EQUAL(one.count, two.count);
    CU_ASSERT_STRING_EQUAL(one.messages, two.messages);
    CU_ASSERT_STRING_EQUAL(
        two.messages,
        "spread.csv:300001:8: sd must be > 0, got '-1'\n"
        "spread.csv:300002:8: sd is not a number, got 'abc'\n"
        "spread.csv:325001:8: sd is out of the range of a double, got '1e999'\n"
        "spread.csv:350004:8: sd must be > 0, got '0'\n"
        "spread.csv:399001:8: sd must be a finite number, got 'NaN'\n"
        "spread.csv:399991:5: quote inside an unquoted field (quote the whole field and double "
        "the quotes inside it)");
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(one.messages);
    free(two.messages);
    free(before);
    free(after);
}

/* A valid large file into an empty registry (the direct path's bulk
 * variant): the same rows, ids, loads and report on one thread and on two. */
static void test_same_registry_on_one_and_two_threads(void)
{
    const char *path = write_big("valid.csv", 60000, NULL, 0, 0);
    meta_test_load_fresh("meta_test_load_pipeline_one", conninfo, sizeof conninfo, &db);
    struct outcome one = load_on(path, 1);
    char *snap_one = meta_test_load_snapshot(conninfo, 1);
    meta_test_load_fresh("meta_test_load_pipeline_two", conninfo, sizeof conninfo, &db);
    struct outcome two = load_on(path, 2);
    char *snap_two = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_EQUAL(one.status, META_OK);
    CU_ASSERT_EQUAL(two.status, META_OK);
    CU_ASSERT_EQUAL(one.pipelined, 0);
    CU_ASSERT_EQUAL(two.pipelined, 1);
    CU_ASSERT_EQUAL(two.rows, 60000);
    CU_ASSERT_EQUAL(two.trials, 30000);
    CU_ASSERT_EQUAL(one.rows, two.rows);
    CU_ASSERT_EQUAL(one.trials, two.trials);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap_one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap_two);
    CU_ASSERT(strlen(snap_two) > 60000 * 20);
    CU_ASSERT_STRING_EQUAL(snap_one, snap_two);
    free(one.messages);
    free(two.messages);
    free(snap_one);
    free(snap_two);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* In a child: ends the session named app once its query starts with
 * prefix; exits 0 when it did, 1 when it never saw the query. */
static void terminate_when(const char *app, const char *prefix)
{
    PGconn *watch = PQconnectdb(conninfo);
    const char *params[2] = {app, prefix};
    for (int i = 0; i < 60000 && PQstatus(watch) == CONNECTION_OK; i++) {
        PGresult *res = PQexecParams(watch,
                                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                     " WHERE application_name = $1 AND state = 'active'"
                                     " AND starts_with(query, $2)",
                                     2, NULL, params, NULL, NULL, 0);
        int done = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
        PQclear(res);
        if (done)
            _exit(0);
        sleep_ms(1);
    }
    _exit(1);
}

/* The calling thread's work fails midway (the server ends the session
 * while the trials stream in): the load says so, the reading thread is
 * stopped and joined (the sanitizers and helgrind see no thread or memory
 * left), and nothing is stored. */
static void test_session_ended_midway(void)
{
    meta_test_load_fresh("meta_test_load_pipeline_ended", conninfo, sizeof conninfo, &db);
    const char *path = write_big("ended.csv", 300000, NULL, 0, 0);
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    char info[1200];
    snprintf(info, sizeof info, "%s application_name=meta_pipeline_test", conninfo);
    struct meta_db *loader = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(info, &loader, &err), META_OK);
    pid_t child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (child == 0)
        terminate_when("meta_pipeline_test", "COPY trials");
    struct meta_load_report r;
    meta_load_report_init(&r);
    long pipelined = meta_csv_pipeline_count();
    int rc = meta_test_load_files(loader, &r, &err, path, NULL);
    pipelined = meta_csv_pipeline_count() - pipelined;
    int status = 0;
    waitpid(child, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(rc, META_EDB);
    CU_ASSERT(pipelined >= 1);
    int clear = strstr(err.msg, "terminating connection due to administrator command") != NULL ||
                strstr(err.msg, "server closed the connection unexpectedly") != NULL;
    CU_ASSERT(clear);
    if (!clear)
        fprintf(stderr, "\n  message: %s\n", err.msg);
    CU_ASSERT_EQUAL(r.nfiles, 0);
    meta_load_report_release(&r);
    meta_db_close(loader);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"row and syntax errors through a large file, one and two threads",
         test_errors_spread_through_a_large_file},
        {"the same registry on one and two threads", test_same_registry_on_one_and_two_threads},
        {"the session ended midway", test_session_ended_midway},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_pipeline", NULL, suite_cleanup, cases);
}
