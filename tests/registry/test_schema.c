/*
 * Schema and migrations against a real PostgreSQL: the tables exist, the
 * CHECK constraints refuse what INTERFACE.md sections 1 and 1b forbid, a
 * changed migration, an unknown one or a gap is refused, concurrent first
 * uses are safe, the read-only role can neither write nor create
 * temporary tables nor take advisory locks, and no function that runs as its
 * owner can be pointed at a caller's temporary table.
 */
#include "cunit_main.h"
#include "meta_registry.h"
#include "migrations.h"
#include "test_db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char conninfo[1024];

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

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
                               "'outcomes', 'continuous_results', 'binary_results', 'loads', "
                               "'estimate_results')"),
                    7);
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

/* The estimate table refuses what the loader's rules refuse (INTERFACE.md
 * 1b); runs after test_constraints_refuse_invalid_rows, which made the
 * trial, the outcomes and the load. */
static void test_estimate_constraints(void)
{
    CU_ASSERT_STRING_EQUAL(run_sql("INSERT INTO outcomes (name, kind) VALUES "
                                   "('os', 'time-to-event'), ('generic', 'generic')"),
                           "");
    static const char prefix[] =
        "INSERT INTO estimate_results (trial_id, outcome_id, kind, treatment, control, measure,"
        " method, log_scale, estimate, se, se_given, ci_lower, ci_upper, level, n_treatment,"
        " load_id) SELECT (SELECT min(trial_id) FROM trials),"
        " (SELECT outcome_id FROM outcomes WHERE name = '%s'), %s,"
        " (SELECT min(load_id) FROM loads)";
    struct {
        const char *outcome;
        const char *values; /* kind ... n_treatment */
        const char *sqlstate;
    } cases[] = {
        /* valid, then the same key again */
        {"pain", "'continuous', 'a', 'b', 'MD', '', false, -1, 0.2, true, NULL, NULL, NULL, NULL",
         ""},
        {"pain", "'continuous', 'a', 'b', 'MD', '', false, -1, 0.2, true, NULL, NULL, NULL, NULL",
         "23505"},
        /* se <= 0, NaN */
        {"pain", "'continuous', 'a', 'c', 'MD', '', false, -1, 0, true, NULL, NULL, NULL, NULL",
         "23514"},
        {"pain", "'continuous', 'a', 'c', 'MD', '', false, 'NaN', 1, true, NULL, NULL, NULL, NULL",
         "23514"},
        /* a ratio <= 0 */
        {"nausea", "'binary', 'a', 'b', 'RR', '', false, 0, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        /* MD on a binary outcome: the kind follows the measure, the outcome's kind follows */
        {"nausea", "'continuous', 'a', 'b', 'MD', '', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23503"},
        {"nausea", "'binary', 'a', 'b', 'MD', '', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        /* HR on an outcome with arm rows; then where it belongs */
        {"pain",
         "'time-to-event', 'a', 'g', 'HR', '', false, 0.8, 0.2, true, NULL, NULL, NULL, NULL",
         "23503"},
        {"os", "'time-to-event', 'a', 'b', 'HR', '', false, 0.8, 0.2, true, NULL, NULL, NULL, NULL",
         ""},
        /* an unknown measure, both sides one treatment */
        {"pain", "'continuous', 'a', 'c', 'XX', '', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        {"pain", "'continuous', 'a', 'a', 'MD', '', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        /* intervals: not containing the estimate, without a level, a level of 0.95,
         * a ratio's bound <= 0, no se and no interval; then a valid one */
        {"pain", "'continuous', 'a', 'd', 'MD', '', false, 1, 0.2, false, 2, 3, 95, NULL", "23514"},
        {"pain", "'continuous', 'a', 'd', 'MD', '', false, 1, 0.2, false, 0, 3, NULL, NULL",
         "23514"},
        {"pain", "'continuous', 'a', 'd', 'MD', '', false, 1, 0.2, false, 0, 3, 0.95, NULL",
         "23514"},
        {"nausea", "'binary', 'a', 'd', 'OR', '', false, 1, 0.2, false, 0, 3, 95, NULL", "23514"},
        {"pain", "'continuous', 'a', 'd', 'MD', '', false, 1, 0.2, false, NULL, NULL, NULL, NULL",
         "23514"},
        {"pain", "'continuous', 'a', 'd', 'MD', '', false, 1, 0.2, false, 0, 3, 95, 10", ""},
        /* Peto's method for OR only, the log scale for GIV only */
        {"nausea", "'binary', 'a', 'e', 'RR', 'peto', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        {"nausea", "'binary', 'a', 'e', 'OR', 'peto', false, 1, 0.2, true, NULL, NULL, NULL, NULL",
         ""},
        {"pain", "'continuous', 'a', 'e', 'MD', '', true, 1, 0.2, true, NULL, NULL, NULL, NULL",
         "23514"},
        {"generic", "'generic', 'a', 'e', 'GIV', '', true, -1, 0.2, true, NULL, NULL, NULL, NULL",
         ""},
        /* participant counts > 0 */
        {"pain", "'continuous', 'a', 'f', 'MD', '', false, 1, 0.2, true, NULL, NULL, NULL, 0",
         "23514"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[2048];
        snprintf(sql, sizeof sql, prefix, cases[i].outcome, cases[i].values);
        const char *state = run_sql(sql);
        if (strcmp(state, cases[i].sqlstate) != 0)
            fprintf(stderr, "case %zu: %s -> '%s', expected '%s'\n", i, sql, state,
                    cases[i].sqlstate);
        CU_ASSERT_STRING_EQUAL(state, cases[i].sqlstate);
    }
    /* Result rows have attributes of their own, non-empty objects or NULL. */
    CU_ASSERT_STRING_EQUAL(run_sql("UPDATE continuous_results SET attributes = '[1]'"), "23514");
    CU_ASSERT_STRING_EQUAL(run_sql("UPDATE continuous_results SET attributes = '{}'"), "23514");
    CU_ASSERT_STRING_EQUAL(run_sql("UPDATE binary_results SET attributes = '{\"rob\": \"low\"}'"),
                           "");
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

/* Functions that run as their owner (the data_changes triggers, the bulk
 * load's) search the caller's temporary schema last: a loader's temporary
 * table named like a registry table is not what they read. Before that, the
 * trial's rename below made meta_note_trial_changes read the temporary
 * `arms` (42703: it has no arm_id). */
static void test_definer_functions_skip_temporary_tables(void)
{
    CU_ASSERT_STRING_EQUAL(run_sql("SET ROLE meta_loader; CREATE TEMP TABLE arms (x int); "
                                   "INSERT INTO trials (name) VALUES ('shadowed'); "
                                   "UPDATE trials SET name = 'shadowed 2' WHERE name = 'shadowed'; "
                                   "DELETE FROM trials WHERE name = 'shadowed 2'"),
                           "");
    const char *definers = "SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                           "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosecdef";
    char sql[512];
    snprintf(sql, sizeof sql,
             "%s AND NOT coalesce(p.proconfig, '{}') @> "
             "'{\"search_path=pg_catalog, public, pg_temp\"}'",
             definers);
    CU_ASSERT(count_rows(definers) >= 4);
    CU_ASSERT_EQUAL(count_rows(sql), 0);
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

/* A new database `name` holding the schema as
 * the migrations before version `below` made it, recorded in schema_version
 * as meta records them; an open connection to it (caller finishes). Its
 * conninfo goes into info (size bytes). */
static PGconn *old_registry(const char *name, int below, char *info, size_t size)
{
    CU_ASSERT_EQUAL_FATAL(meta_test_db_create(name, info, size), 0);
    PGconn *conn = PQconnectdb(info);
    PQsetNoticeProcessor(conn, quiet, NULL);
    PGresult *res = PQexec(conn, "CREATE TABLE schema_version (version integer PRIMARY KEY, name "
                                 "text NOT NULL, checksum text NOT NULL, applied_at timestamptz "
                                 "NOT NULL DEFAULT now())");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    for (int i = 0; i < meta_migration_count && meta_migrations[i].version < below; i++) {
        res = PQexec(conn, meta_migrations[i].sql);
        CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
        PQclear(res);
        char version[16];
        snprintf(version, sizeof version, "%d", meta_migrations[i].version);
        const char *params[3] = {version, meta_migrations[i].name, meta_migrations[i].checksum};
        res = PQexecParams(conn,
                           "INSERT INTO schema_version (version, name, checksum) "
                           "VALUES ($1, $2, $3)",
                           3, NULL, params, NULL, NULL, 0);
        CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
        PQclear(res);
    }
    return conn;
}

/* Closes conn, lets meta open the registry at info (which migrates it to
 * the schema this meta expects) and returns a new connection to it. */
static PGconn *migrated(PGconn *conn, const char *info)
{
    PQfinish(conn);
    struct meta_db *db = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(info, &db, &err), META_OK);
    int version = 0;
    CU_ASSERT_EQUAL(meta_db_schema_version(db, &version, &err), META_OK);
    CU_ASSERT_EQUAL(version, meta_db_expected_version());
    meta_db_close(db);
    return PQconnectdb(info);
}

/* A registry made by the first schema, with data, migrates: its rows stay,
 * results have no attributes of their own, estimates can be stored. */
static void test_upgrade_from_version_1(void)
{
    char old[1024];
    PGconn *conn = old_registry("meta_test_schema_upgrade", 2, old, sizeof old);
    PGresult *res =
        PQexec(conn, "INSERT INTO loads (file_name, sha256, row_count) VALUES ('a.csv', "
                     "repeat('0', 64), 1);"
                     "INSERT INTO trials (name) VALUES ('T1');"
                     "INSERT INTO arms (trial_id, label, treatment) SELECT trial_id, 'a', 'ket' "
                     "FROM trials;"
                     "INSERT INTO outcomes (name, kind) VALUES ('pain', 'continuous');"
                     "INSERT INTO continuous_results (arm_id, outcome_id, n, mean, sd, load_id)"
                     " SELECT arm_id, outcome_id, 10, 1.5, 1, load_id FROM arms, outcomes, "
                     "loads");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    conn = migrated(conn, old);
    res = PQexec(conn, "SELECT n || ' ' || mean || ' ' || coalesce(attributes::text, 'none') FROM "
                       "continuous_results");
    CU_ASSERT_EQUAL_FATAL(PQntuples(res), 1);
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "10 1.5 none");
    PQclear(res);
    res = PQexec(conn, "INSERT INTO estimate_results (trial_id, outcome_id, kind, treatment,"
                       " control, measure, estimate, se, se_given, load_id)"
                       " SELECT trial_id, outcome_id, 'continuous', 'ket', 'pla', 'MD', -1, 0.3,"
                       " true, load_id FROM trials, outcomes, loads");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
}

/* A registry at the schema before runs recorded subgroup totals: its runs
 * of subgroup totals only (totals = subgroups, no estimate) are marked as
 * such (0: how many subgroups not recorded), the others not. */
static void test_upgrade_marks_subgroup_totals_runs(void)
{
    char old[1024];
    PGconn *conn = old_registry("meta_test_schema_totals", 8, old, sizeof old);
    PGresult *res =
        PQexec(conn, "INSERT INTO analysis_runs (path, file_sha256, options, outcome_id,"
                     " data_version, fingerprint, load_ids, k, measure, estimate, conclusion)"
                     " VALUES ('/a/sub.ini', repeat('a', 64), '{\"totals\": \"subgroups\"}', 1,"
                     " 1, repeat('b', 64), '{}', 7, 'OR', NULL, 'none'),"
                     " ('/a/both.ini', repeat('a', 64), '{}', 1, 1, repeat('b', 64), '{}', 7,"
                     " 'OR', 0.5, 'includes'),"
                     " ('/a/none.ini', repeat('a', 64), '{}', 1, 1, repeat('b', 64), '{}', 0,"
                     " 'OR', NULL, 'none')");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    conn = migrated(conn, old);
    res = PQexec(conn, "SELECT string_agg(path || ' ' || coalesce(subgroup_totals::text, 'null'),"
                       " ', ' ORDER BY run_id) FROM analysis_runs");
    CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0),
                           "/a/sub.ini 0, /a/both.ini null, /a/none.ini null");
    PQclear(res);
    res = PQexec(conn, "INSERT INTO analysis_runs (path, file_sha256, options, outcome_id,"
                       " data_version, fingerprint, load_ids, k, measure, conclusion,"
                       " subgroup_totals) VALUES ('/a/bad.ini', repeat('a', 64), '{}', 1, 1,"
                       " repeat('b', 64), '{}', 7, 'OR', 'none', -1)");
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_FATAL_ERROR);
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
        {"estimate constraints refuse invalid rows", test_estimate_constraints},
        {"reader role cannot write", test_reader_role_cannot_write},
        {"reader role: no temporary tables, no advisory locks", test_reader_least_privilege},
        {"owner's functions skip temporary tables", test_definer_functions_skip_temporary_tables},
        {"changed or unknown migration refused", test_changed_migration_is_refused},
        {"a missing earlier migration refused", test_missing_earlier_migration},
        {"concurrent first use", test_concurrent_first_use},
        {"a registry of schema version 1 migrates", test_upgrade_from_version_1},
        {"runs of subgroup totals only marked on upgrade", test_upgrade_marks_subgroup_totals_runs},
        {"unreachable server", test_unreachable_server},
        {NULL, NULL},
    };
    return meta_test_run_suite("schema", suite_init, NULL, cases);
}
