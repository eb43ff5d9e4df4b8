/*
 * Schema and migrations against a real PostgreSQL: the tables exist, the
 * CHECK constraints refuse what INTERFACE.md section 1 forbids, a changed
 * migration, an unknown one or a gap is refused, concurrent first uses are
 * safe, and the read-only role can neither write nor create temporary tables
 * nor take advisory locks.
 */
#include "cunit_main.h"
#include "meta_registry.h"
#include "test_db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char conninfo[1024];

static int suite_init(void)
{
    return meta_test_db_create("meta_test_schema", conninfo, sizeof conninfo) == 0 ? 0 : -1;
}

/* Runs sql on a direct connection; returns the SQLSTATE ("" on success). */
static const char *run_sql(const char *sql)
{
    static char state[8];
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(state, sizeof state, "%s",
             (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : (code ? code : "?"));
    PQclear(res);
    PQfinish(conn);
    return state;
}

static long count_rows(const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, sql);
    long n = PQresultStatus(res) == PGRES_TUPLES_OK ? atol(PQgetvalue(res, 0, 0)) : -1;
    PQclear(res);
    PQfinish(conn);
    return n;
}

static void test_open_migrates(void)
{
    struct meta_db *db = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(conninfo, &db, &err), META_OK);
    int version = -1;
    CU_ASSERT_EQUAL(meta_db_schema_version(db, &version, &err), META_OK);
    CU_ASSERT_EQUAL(version, meta_db_expected_version());
    meta_db_close(db);
    /* A second open finds nothing to do. */
    CU_ASSERT_EQUAL_FATAL(meta_db_open(conninfo, &db, &err), META_OK);
    meta_db_close(db);
    CU_ASSERT_EQUAL(count_rows("SELECT max(version) FROM schema_version"),
                    meta_db_expected_version());
    CU_ASSERT_EQUAL(count_rows("SELECT count(*) FROM information_schema.tables WHERE "
                               "table_schema = 'public' AND table_name IN ('trials', 'arms', "
                               "'outcomes', 'continuous_results', 'binary_results', 'loads')"),
                    6);
}

static void test_constraints_refuse_invalid_rows(void)
{
    CU_ASSERT_STRING_EQUAL(
        run_sql("INSERT INTO loads (file_name, sha256, row_count) VALUES ('a.csv', "
                "repeat('0', 64), 4);"
                "INSERT INTO trials (name) VALUES ('T1');"
                "INSERT INTO arms (trial_id, label, treatment) "
                " SELECT trial_id, 'a', 'ketamine' FROM trials WHERE name = 'T1';"
                "INSERT INTO outcomes (name, kind) VALUES ('pain', 'continuous'), "
                " ('nausea', 'binary')"),
        "");
    const char *prefix_c = "INSERT INTO continuous_results (arm_id, outcome_id, n, mean, sd, "
                           "load_id) SELECT (SELECT min(arm_id) FROM arms), (SELECT outcome_id "
                           "FROM outcomes WHERE name = 'pain'), ";
    const char *prefix_b = "INSERT INTO binary_results (arm_id, outcome_id, events, total, "
                           "load_id) SELECT (SELECT min(arm_id) FROM arms), (SELECT outcome_id "
                           "FROM outcomes WHERE name = '%s'), ";
    struct {
        const char *values;
        int binary;
        const char *outcome;
        const char *sqlstate;
    } cases[] = {
        {"10, 1.5, -1, (SELECT min(load_id) FROM loads)", 0, NULL, "23514"},       /* sd < 0 */
        {"10, 1.5, 0, (SELECT min(load_id) FROM loads)", 0, NULL, "23514"},        /* sd = 0 */
        {"0, 1.5, 1, (SELECT min(load_id) FROM loads)", 0, NULL, "23514"},         /* n = 0 */
        {"10, 'NaN', 1, (SELECT min(load_id) FROM loads)", 0, NULL, "23514"},      /* NaN */
        {"10, 'Infinity', 1, (SELECT min(load_id) FROM loads)", 0, NULL, "23514"}, /* inf */
        {"11, 10, (SELECT min(load_id) FROM loads)", 1, "nausea", "23514"},        /* e > t */
        {"-1, 10, (SELECT min(load_id) FROM loads)", 1, "nausea", "23514"},        /* e < 0 */
        {"0, 0, (SELECT min(load_id) FROM loads)", 1, "nausea", "23514"},          /* t = 0 */
        {"1, 10, (SELECT min(load_id) FROM loads)", 1, "pain", "23503"},           /* wrong kind */
        {"10, 1.5, 1.2, (SELECT min(load_id) FROM loads)", 0, NULL, ""},           /* valid */
        {"3, 10, (SELECT min(load_id) FROM loads)", 1, "nausea", ""},              /* valid */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[1024], prefix[512];
        if (cases[i].binary)
            snprintf(prefix, sizeof prefix, prefix_b, cases[i].outcome);
        else
            snprintf(prefix, sizeof prefix, "%s", prefix_c);
        snprintf(sql, sizeof sql, "%s%s", prefix, cases[i].values);
        const char *state = run_sql(sql);
        if (strcmp(state, cases[i].sqlstate) != 0)
            fprintf(stderr, "case %zu: %s -> '%s', expected '%s'\n", i, sql, state,
                    cases[i].sqlstate);
        CU_ASSERT_STRING_EQUAL(state, cases[i].sqlstate);
    }
}

static void test_reader_role_cannot_write(void)
{
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_reader; SELECT count(*) FROM trials"), "");
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_reader; INSERT INTO trials (name) VALUES ('x')"),
                           "42501");
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; INSERT INTO trials (name) VALUES ('x'); "
                                   "DELETE FROM trials WHERE name = 'x'"),
                           "");
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; DROP TABLE trials"), "42501");
}

/* The read-only role can neither create temporary tables nor take the
 * advisory locks that serialise loads; the loader can. */
static void test_reader_least_privilege(void)
{
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_reader; CREATE TEMP TABLE t (x int)"), "42501");
    static const char *const calls[] = {
        "pg_advisory_lock(1835365473)",        "pg_advisory_lock(1, 2)",
        "pg_advisory_lock_shared(1835365473)", "pg_try_advisory_lock(1835365473)",
        "pg_advisory_xact_lock(1835365473)",   "pg_try_advisory_xact_lock(1835365473)",
        "pg_advisory_xact_lock_shared(1, 2)",  "pg_advisory_unlock_all()",
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SET ROLE meta_reader; SELECT %s", calls[i]);
        const char *state = run_sql(sql);
        if (strcmp(state, "42501") != 0)
            fprintf(stderr, "\n  %s -> '%s', expected 42501\n", sql, state);
        CU_ASSERT_STRING_EQUAL(state, "42501");
    }
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; CREATE TEMP TABLE t (x int)"), "");
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; SELECT pg_advisory_xact_lock(1)"), "");
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; SELECT pg_try_advisory_xact_lock(1)"),
                           "");
}

/* A database that lacks a migration below one it holds (migrated by a build
 * that did not have it) is refused with a message that says so. */
static void test_missing_earlier_migration(void)
{
    char gap[1024];
    CU_ASSERT_EQUAL_FATAL(meta_test_db_create("meta_test_schema_gap", gap, sizeof gap), 0);
    struct meta_db *db = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(gap, &db, &err), META_OK);
    meta_db_close(db);
    PGconn *conn = PQconnectdb(gap);
    PGresult *res = PQexec(conn, "DELETE FROM schema_version WHERE version = "
                                 "(SELECT min(version) FROM schema_version)");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
    db = NULL;
    CU_ASSERT_EQUAL(meta_db_open(gap, &db, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "the database lacks migration '001_schema', which "
                                           "comes before"));
    if (!strstr(err.msg, "lacks migration"))
        fprintf(stderr, "\n  %s\n", err.msg);
}

static void test_changed_migration_is_refused(void)
{
    CU_ASSERT_STRING_EQUAL(run_sql("UPDATE schema_version SET checksum = repeat('f', 64) "
                                   "WHERE version = 1"),
                           "");
    struct meta_db *db = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_db_open(conninfo, &db, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "differs from sql/001_schema.sql"));
    CU_ASSERT_STRING_EQUAL(run_sql("INSERT INTO schema_version (version, name, checksum) "
                                   "VALUES (999, '999_future', 'x')"),
                           "");
    CU_ASSERT_EQUAL(meta_db_open(conninfo, &db, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(run_sql("DELETE FROM schema_version WHERE version = 999"), "");
    CU_ASSERT_EQUAL(meta_db_open(conninfo, &db, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "checksum"));
}

static void test_concurrent_first_use(void)
{
    char fresh[1024];
    CU_ASSERT_EQUAL_FATAL(meta_test_db_create("meta_test_schema_race", fresh, sizeof fresh), 0);
    enum { CHILDREN = 6 };
    pid_t pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            struct meta_db *db = NULL;
            struct meta_error err;
            int ret = meta_db_open(fresh, &db, &err);
            if (ret != META_OK)
                fprintf(stderr, "child %d: %s\n", i, err.msg);
            meta_db_close(db);
            _exit(ret == META_OK ? 0 : 1);
        }
    }
    for (int i = 0; i < CHILDREN; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    PGconn *conn = PQconnectdb(fresh);
    PGresult *res = PQexec(conn, "SELECT max(version) FROM schema_version");
    CU_ASSERT_EQUAL(atoi(PQgetvalue(res, 0, 0)), meta_db_expected_version());
    PQclear(res);
    PQfinish(conn);
}

static void test_unreachable_server(void)
{
    struct meta_db *db = NULL;
    struct meta_error err;
    int ret = meta_db_open("host=/nonexistent/socket/dir dbname=meta connect_timeout=2", &db, &err);
    CU_ASSERT_EQUAL(ret, META_EDB);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot connect to the database"));
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"open migrates once", test_open_migrates},
        {"constraints refuse invalid rows", test_constraints_refuse_invalid_rows},
        {"reader role cannot write", test_reader_role_cannot_write},
        {"reader role: no temporary tables, no advisory locks", test_reader_least_privilege},
        {"changed or unknown migration refused", test_changed_migration_is_refused},
        {"a missing earlier migration refused", test_missing_earlier_migration},
        {"concurrent first use", test_concurrent_first_use},
        {"unreachable server", test_unreachable_server},
        {NULL, NULL},
    };
    return meta_test_run_suite("schema", suite_init, NULL, cases);
}
