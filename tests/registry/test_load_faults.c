/*
 * Loads that go wrong, against a real PostgreSQL: a loading process killed
 * with SIGKILL while it streams and while it merges (staging path), while
 * it copies new arms or results (direct path), or while it copies or
 * applies a file over stored trials (direct replacement), or while a file
 * into an empty registry is copied without its indexes or they are built,
 * leaves the registry exactly as before, indexes and all; a server that drops the connection midway
 * gives a clear error and stores nothing; two loads of overlapping files (of arm rows, of estimate
 * rows) at once end as if run one after the other. Loads run in child processes, each with its own
 * connection, identified in pg_stat_activity by application_name.
 */
#include "cunit_main.h"
#include "load_stage.h"
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

/* Whether the loads of the children store a file over stored trials by the
 * direct path (1, as `meta load` does) or leave it to the staging path (0,
 * the "S" files of the staging path's tests). */
static int replace_direct = 1;

/* Whether the loads of kill_during and terminate_during go into an empty
 * registry (1: a large file of new trials then takes the bulk variant,
 * whose indexes are dropped and built again in the load's transaction) or
 * into one of a few trials (0). */
static int empty_registry;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Writes a continuous file of `trials` two-arm trials, values shifted by
 * `shift`, trial names from `first`, with a year attribute. */
static const char *write_trials(const char *name, const char *prefix, int first, int trials,
                                double shift, int year)
{
    size_t size = (size_t)trials * 2 * 96 + 128;
    char *text = malloc(size);
    if (!text)
        return NULL;
    size_t o =
        (size_t)snprintf(text, size, "trial,arm,treatment,outcome,timepoint,n,mean,sd,year\n");
    for (int t = first; t < first + trials; t++) {
        o += (size_t)snprintf(text + o, size - o, "%s%07d,active,ket,pain,24h,%d,%.2f,1.5,%d\n",
                              prefix, t, 20 + t % 50, 2.0 + shift + (t % 7) * 0.1, year);
        o += (size_t)snprintf(text + o, size - o, "%s%07d,control,pla,pain,24h,%d,%.2f,1.7,%d\n",
                              prefix, t, 21 + t % 50, 3.0 + shift + (t % 5) * 0.1, year);
    }
    const char *path = meta_test_load_file(name, text);
    free(text);
    return path;
}

/* Writes a file of estimate rows of `trials` trials (an MD with se and an RR
 * with an interval each), values shifted by `shift`, trial names from
 * `first`, with a year attribute. */
static const char *write_estimates(const char *name, const char *prefix, int first, int trials,
                                   double shift, int year)
{
    size_t size = (size_t)trials * 2 * 96 + 128;
    char *text = malloc(size);
    if (!text)
        return NULL;
    size_t o = (size_t)snprintf(text, size,
                                "trial,treatment,control,outcome,timepoint,measure,estimate,se,"
                                "ci_lower,ci_upper,year\n");
    for (int t = first; t < first + trials; t++) {
        o += (size_t)snprintf(text + o, size - o, "%s%07d,ket,pla,pain,24h,MD,%.2f,0.3,,,%d\n",
                              prefix, t, -1.0 - shift - (t % 7) * 0.1, year);
        o += (size_t)snprintf(text + o, size - o, "%s%07d,ket,pla,ae,,RR,%.2f,,0.5,9,%d\n", prefix,
                              t, 2.0 + shift + (t % 5) * 0.1, year);
    }
    const char *path = meta_test_load_file(name, text);
    free(text);
    return path;
}

/* Starts a child that loads path on its own connection named app; the
 * child writes its status and message to fd (when >= 0) and exits. */
static pid_t start_load(const char *app, const char *path, int fd, int start_fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    char info[1200];
    char go;
    snprintf(info, sizeof info, "%s application_name=%s", conninfo, app);
    struct meta_db *db = NULL;
    struct meta_error err;
    struct meta_load_report r;
    meta_load_report_init(&r);
    meta_load_direct_replace_allow(replace_direct);
    int rc = meta_db_open(info, &db, &err);
    if (start_fd >= 0 && read(start_fd, &go, 1) != 1)
        _exit(3);
    if (rc == META_OK)
        rc = meta_test_load_files(db, &r, &err, path, NULL);
    if (fd >= 0) {
        char out[META_ERROR_MAX + 16];
        int n = snprintf(out, sizeof out, "%d %s", rc, err.msg);
        if (write(fd, out, (size_t)n) != n)
            _exit(4);
    }
    /* No PQfinish: _exit leaves the sockets to the kernel. */
    _exit(rc == META_OK ? 0 : 1);
}

/* The backend pid of the session named app once its query starts with
 * prefix (-1 after 60 s, or when the child exited first). */
static int wait_for_query(PGconn *conn, const char *app, const char *prefix, pid_t child)
{
    const char *params[2] = {app, prefix};
    for (int i = 0; i < 60000; i++) {
        PGresult *res = PQexecParams(conn,
                                     "SELECT pid FROM pg_stat_activity WHERE application_name = $1"
                                     " AND state = 'active' AND starts_with(query, $2)",
                                     2, NULL, params, NULL, NULL, 0);
        int pid = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0
                      ? atoi(PQgetvalue(res, 0, 0))
                      : -1;
        PQclear(res);
        if (pid > 0)
            return pid;
        if (waitpid(child, NULL, WNOHANG) == child)
            return -1;
        sleep_ms(1);
    }
    return -1;
}

/* Waits until backend pid has gone (the server finished rolling back). */
static int wait_backend_gone(PGconn *conn, int pid)
{
    char p[16];
    snprintf(p, sizeof p, "%d", pid);
    const char *params[1] = {p};
    for (int i = 0; i < 6000; i++) {
        PGresult *res = PQexecParams(conn, "SELECT 1 FROM pg_stat_activity WHERE pid = $1", 1, NULL,
                                     params, NULL, NULL, 0);
        int there = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
        PQclear(res);
        if (!there)
            return 0;
        sleep_ms(10);
    }
    return -1;
}

static void small_registry(struct meta_db *db)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    const char *path = write_trials("small.csv", "S", 1, 20, 0.0, 2000);
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, path, NULL), META_OK);
    meta_load_report_release(&r);
}

/* The registry's indexes and constraints are those before the load
 * (frees before). */
static void expect_indexes(char *before)
{
    char *after = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);
}

/* Kills a load of a large file (of arm rows, or of estimate rows) with
 * SIGKILL once its session runs a statement starting with `when`, then
 * checks nothing changed. The arm rows' trials are named from prefix: "K"
 * makes them all new (the direct path), "S" gives some of the registry's
 * trials other values (the staging path). */
static void kill_during(const char *dbname, const char *when, int estimates, const char *prefix)
{
    struct meta_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db(dbname, conninfo, sizeof conninfo, &db), 0);
    if (!empty_registry)
        small_registry(db);
    if (estimates) {
        struct meta_load_report r;
        struct meta_error err;
        meta_load_report_init(&r);
        const char *some = write_estimates("some.csv", "K", 1, 100, 0.0, 2000);
        CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &r, &err, some, NULL), META_OK);
        meta_load_report_release(&r);
    }
    char *before = meta_test_load_snapshot(conninfo, 1);
    char *indexes = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(indexes);
    const char *big = estimates ? write_estimates("big.csv", "K", 1, 150000, 0.5, 2001)
                                : write_trials("big.csv", prefix, 1, 150000, 0.5, 2001);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);

    PGconn *watch = PQconnectdb(conninfo);
    pid_t child = start_load("meta_kill_test", big, -1, -1);
    CU_ASSERT_FATAL(child > 0);
    int backend = wait_for_query(watch, "meta_kill_test", when, child);
    CU_ASSERT(backend > 0);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    if (backend > 0)
        CU_ASSERT_EQUAL(wait_backend_gone(watch, backend), 0);
    PQfinish(watch);

    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    expect_indexes(indexes);
    /* No lock or staging table is left behind: the next load goes through. */
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    const char *more = write_trials("more.csv", "M", 1, 3, 0.0, 2002);
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, more, NULL), META_OK);
    CU_ASSERT_EQUAL(r.nfiles ? r.files[0].inserted : -1, 6);
    meta_load_report_release(&r);
    free(before);
    free(after);
    meta_db_close(db);
}

static void test_kill_while_streaming(void)
{
    replace_direct = 0;
    kill_during("meta_test_load_kill_copy", "COPY meta_stage", 0, "S");
    replace_direct = 1;
}

static void test_kill_while_merging(void)
{
    replace_direct = 0;
    kill_during("meta_test_load_kill_merge", "CREATE TEMP TABLE meta_stage_ids", 0, "S");
    replace_direct = 1;
}

static void test_kill_while_merging_estimates(void)
{
    kill_during("meta_test_load_kill_estimates", "WITH u AS", 1, "K");
}

/* New trials go straight into the registry's tables: killed while their
 * arms, then their results, stream. */
static void test_kill_while_copying_arms(void)
{
    kill_during("meta_test_load_kill_arms", "COPY arms", 0, "K");
}

static void test_kill_while_copying_results(void)
{
    kill_during("meta_test_load_kill_results", "COPY continuous_results", 0, "K");
}

static void terminate_during(const char *dbname, const char *when, const char *prefix);

/* New trials into an empty registry (the bulk variant), killed (or, with
 * terminate, its session ended) once it runs a statement starting with
 * when. */
static void into_empty(const char *dbname, const char *when, int terminate)
{
    empty_registry = 1;
    if (terminate)
        terminate_during(dbname, when, "K");
    else
        kill_during(dbname, when, 0, "K");
    empty_registry = 0;
}

/* Killed while the results stream without their indexes, and while the
 * indexes are built. */
static void test_kill_while_bulk_copying(void)
{
    into_empty("meta_test_load_kill_bulk_copy", "COPY continuous_results", 0);
}

static void test_kill_while_bulk_indexing(void)
{
    into_empty("meta_test_load_kill_bulk_index", "SELECT public.meta_bulk_load_end()", 0);
}

/* A file over stored trials by the direct path: killed while its rows
 * stream to the temporary table, and while the stored results change. */
static void test_kill_while_copying_replacement(void)
{
    kill_during("meta_test_load_kill_repl_copy", "COPY meta_direct_rows", 0, "S");
}

static void test_kill_while_replacing(void)
{
    kill_during("meta_test_load_kill_replacing", "WITH u AS (UPDATE continuous_results", 0, "S");
}

/* The server ends the session midway (as when it is stopped): the load
 * reports the database error and nothing is stored. prefix as for
 * kill_during. */
static void terminate_during(const char *dbname, const char *when, const char *prefix)
{
    struct meta_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db(dbname, conninfo, sizeof conninfo, &db), 0);
    if (!empty_registry)
        small_registry(db);
    char *before = meta_test_load_snapshot(conninfo, 1);
    char *indexes = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(indexes);
    const char *big = write_trials("big.csv", prefix, 1, 150000, 0.5, 2001);
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    PGconn *watch = PQconnectdb(conninfo);
    pid_t child = start_load("meta_term_test", big, fds[1], -1);
    close(fds[1]);
    int backend = wait_for_query(watch, "meta_term_test", when, child);
    CU_ASSERT_FATAL(backend > 0);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", backend);
    PQclear(PQexec(watch, sql));
    char out[META_ERROR_MAX + 16] = {0};
    ssize_t got = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    CU_ASSERT(got > 0);
    /* META_EDB with the server's word for it. */
    CU_ASSERT(strncmp(out, "4 ", 2) == 0);
    int clear = strstr(out, "terminating connection due to administrator command") != NULL ||
                strstr(out, "server closed the connection unexpectedly") != NULL;
    CU_ASSERT(clear);
    if (!clear)
        fprintf(stderr, "\n  message: %s\n", out);
    CU_ASSERT_EQUAL(wait_backend_gone(watch, backend), 0);
    PQfinish(watch);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    expect_indexes(indexes);
    free(before);
    free(after);
    meta_db_close(db);
}

static void test_terminated_while_streaming(void)
{
    replace_direct = 0;
    terminate_during("meta_test_load_term_copy", "COPY meta_stage", "S");
    replace_direct = 1;
}

static void test_terminated_while_merging(void)
{
    replace_direct = 0;
    terminate_during("meta_test_load_term_merge", "CREATE TEMP TABLE meta_stage_ids", "S");
    replace_direct = 1;
}

static void test_terminated_while_copying_results(void)
{
    terminate_during("meta_test_load_term_results", "COPY continuous_results", "K");
}

static void test_terminated_while_bulk_indexing(void)
{
    into_empty("meta_test_load_term_bulk", "SELECT public.meta_bulk_load_end()", 1);
}

static void test_terminated_while_replacing(void)
{
    terminate_during("meta_test_load_term_replacing", "WITH u AS (UPDATE continuous_results", "S");
}

/* Loads a then b (a registry of its own) and returns the snapshot. */
static char *sequential(const char *dbname, const char *a, const char *b)
{
    struct meta_db *db = NULL;
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db(dbname, conninfo, sizeof conninfo, &db), 0);
    small_registry(db);
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, a, NULL), META_OK);
    CU_ASSERT_EQUAL(meta_test_load_files(db, &r, &err, b, NULL), META_OK);
    meta_load_report_release(&r);
    meta_db_close(db);
    return meta_test_load_snapshot(conninfo, 0);
}

/* Loads a and b at once, each from its own process (the one that loads
 * second stores its replacement by the direct path, or, when the other
 * holds the load lock, by the staging path), and checks that the registry
 * ends as one of the two serial orders leaves it. */
static void concurrent_equals_serial(const char *name, const char *a, const char *b)
{
    char seq_ab[64], seq_ba[64];
    snprintf(seq_ab, sizeof seq_ab, "%s_ab", name);
    snprintf(seq_ba, sizeof seq_ba, "%s_ba", name);
    char *ab = sequential(seq_ab, a, b);
    char *ba = sequential(seq_ba, b, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ab);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ba);
    CU_ASSERT(strcmp(ab, ba) != 0); /* the order matters, so the test can tell */

    struct meta_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db(name, conninfo, sizeof conninfo, &db), 0);
    small_registry(db);
    int go[2], outa[2], outb[2];
    CU_ASSERT_FATAL(pipe(go) == 0 && pipe(outa) == 0 && pipe(outb) == 0);
    pid_t pa = start_load("meta_conc_a", a, outa[1], go[0]);
    pid_t pb = start_load("meta_conc_b", b, outb[1], go[0]);
    close(outa[1]);
    close(outb[1]);
    /* Both connected; start them together. */
    CU_ASSERT_EQUAL(write(go[1], "gg", 2), 2);
    close(go[1]);
    close(go[0]);
    int sa = 0, sb = 0;
    waitpid(pa, &sa, 0);
    waitpid(pb, &sb, 0);
    char ma[256] = {0}, mb[256] = {0};
    CU_ASSERT(read(outa[0], ma, sizeof ma - 1) > 0);
    CU_ASSERT(read(outb[0], mb, sizeof mb - 1) > 0);
    close(outa[0]);
    close(outb[0]);
    CU_ASSERT(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
    CU_ASSERT(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
    if (!(WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && WIFEXITED(sb) && WEXITSTATUS(sb) == 0))
        fprintf(stderr, "\n  a: %s\n  b: %s\n", ma, mb);
    char *conc = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(conc);
    CU_ASSERT(strcmp(conc, ab) == 0 || strcmp(conc, ba) == 0);
    free(ab);
    free(ba);
    free(conc);
    meta_db_close(db);
}

static void test_concurrent_loads(void)
{
    /* Both files hold the trials O0000001..O0004000 with other values and
     * attributes, and trials of their own. */
    const char *a = write_trials("a.csv", "O", 1, 4000, 0.0, 2010);
    const char *b = write_trials("b.csv", "O", 1, 4000, 1.0, 2020);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    /* Append trials of their own to each (a second write_trials would
     * replace the file). */
    FILE *fa = fopen(a, "a"), *fb = fopen(b, "a");
    CU_ASSERT_FATAL(fa && fb);
    for (int t = 1; t <= 3000; t++) {
        fprintf(fa, "A%07d,active,ket,pain,24h,10,1.0,1.0,2011\nA%07d,control,pla,sleep,,10,1,1,\n",
                t, t);
        fprintf(fb, "B%07d,active,ket,pain,24h,10,1.0,1.0,2021\nB%07d,control,pla,mood,,10,1,1,\n",
                t, t);
    }
    fclose(fa);
    fclose(fb);
    concurrent_equals_serial("meta_test_load_concurrent", a, b);
}

/* The same with estimate rows: shared trials with other values, and trials
 * of their own. */
static void test_concurrent_estimate_loads(void)
{
    const char *a = write_estimates("ea.csv", "E", 1, 3000, 0.0, 2010);
    const char *b = write_estimates("eb.csv", "E", 1, 3000, 1.0, 2020);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    FILE *fa = fopen(a, "a"), *fb = fopen(b, "a");
    CU_ASSERT_FATAL(fa && fb);
    for (int t = 1; t <= 2000; t++) {
        fprintf(fa, "A%07d,ket,pla,pain,24h,SMD,-0.3,0.2,,,2011\n", t);
        fprintf(fb, "B%07d,ket,pla,mood,,HR,0.8,0.1,,,2021\n", t);
    }
    fclose(fa);
    fclose(fb);
    concurrent_equals_serial("meta_test_load_concurrent_est", a, b);
}

static int suite_cleanup(void)
{
    meta_test_load_cleanup();
    return 0;
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"SIGKILL while streaming", test_kill_while_streaming},
        {"SIGKILL while merging", test_kill_while_merging},
        {"SIGKILL while merging estimates", test_kill_while_merging_estimates},
        {"connection ended while streaming", test_terminated_while_streaming},
        {"connection ended while merging", test_terminated_while_merging},
        {"SIGKILL while copying new arms", test_kill_while_copying_arms},
        {"SIGKILL while copying new results", test_kill_while_copying_results},
        {"connection ended while copying new results", test_terminated_while_copying_results},
        {"SIGKILL while copying into an empty registry", test_kill_while_bulk_copying},
        {"SIGKILL while building its indexes", test_kill_while_bulk_indexing},
        {"connection ended while building its indexes", test_terminated_while_bulk_indexing},
        {"SIGKILL while copying a replacement's rows", test_kill_while_copying_replacement},
        {"SIGKILL while replacing stored results", test_kill_while_replacing},
        {"connection ended while replacing stored results", test_terminated_while_replacing},
        {"concurrent loads equal sequential ones", test_concurrent_loads},
        {"concurrent loads of estimates equal sequential ones", test_concurrent_estimate_loads},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_faults", NULL, suite_cleanup, cases);
}
