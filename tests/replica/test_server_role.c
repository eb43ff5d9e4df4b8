/*
 * lib/registry on a primary, a hot standby and a read-only session, through
 * its public calls: what meta_db_read_only and meta_db_server_state say, the
 * refusal meta_db_require_writable gives (naming the server and the way to
 * the primary), and read-only transactions after meta_db_set_read_only that a
 * transaction may still leave with BEGIN READ WRITE on a writable server.
 * Run by test_replica.sh, which starts the servers and passes their conninfo
 * in REPLICA_PRIMARY and REPLICA_STANDBY.
 */
#include "cunit_main.h"
#include "meta_registry.h"
#include "pg_util.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *primary, *standby;
static char read_only_session[2048];

static int suite_init(void)
{
    primary = getenv("REPLICA_PRIMARY");
    standby = getenv("REPLICA_STANDBY");
    if (!primary || !*primary || !standby || !*standby) {
        fprintf(stderr, "REPLICA_PRIMARY and REPLICA_STANDBY must name the servers "
                        "(run through test_replica.sh)\n");
        return -1;
    }
    snprintf(read_only_session, sizeof read_only_session,
             "%s options='-c default_transaction_read_only=on'", primary);
    return 0;
}

/* How meta names the server of a conninfo of the suite ("host=DIR ..."). */
static void expected_name(const char *conninfo, char *out, size_t size)
{
    const char *h = strstr(conninfo, "host=");
    const char *dir = h ? h + 5 : "";
    snprintf(out, size, "server on socket \"%.*s/.s.PGSQL.5432\"", (int)strcspn(dir, " "), dir);
}

/* Opens conninfo and checks what meta_db_read_only, meta_db_server_state and
 * meta_db_server say; returns the open registry (NULL after a failure). */
static struct meta_db *open_as(const char *conninfo, bool read_only, const char *state)
{
    struct meta_db *db = NULL;
    struct meta_error err;
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_open(conninfo, &db, &err), META_OK);
    if (!db) {
        fprintf(stderr, "cannot open '%s': %s\n", conninfo, err.msg);
        return NULL;
    }
    char name[1200];
    expected_name(conninfo, name, sizeof name);
    CU_ASSERT_EQUAL(meta_db_read_only(db), read_only);
    CU_ASSERT_STRING_EQUAL(meta_db_server_state(db), state);
    CU_ASSERT_STRING_EQUAL(meta_db_server(db), name);
    return db;
}

/* Runs sql on db's connection; returns the SQLSTATE, "" on success. */
static const char *run_sql(struct meta_db *db, const char *sql)
{
    static char state[8];
    PGresult *res = PQexec(meta_db_pg(db), sql);
    ExecStatusType st = PQresultStatus(res);
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(state, sizeof state, "%s",
             (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : (code ? code : "?"));
    PQclear(res);
    return state;
}

static void test_primary_takes_writes(void)
{
    struct meta_db *db = open_as(primary, false, "read-write");
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_db_require_writable(db, "loading", &err), META_OK);
    meta_db_close(db);
}

static void test_standby_refuses_writers(void)
{
    struct meta_db *db = open_as(standby, true, "hot standby, read-only");
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    struct meta_error err;
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_require_writable(db, "loading", &err), META_EDB);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, meta_db_server(db)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is a hot standby"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "loading needs the primary"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "target_session_attrs=read-write"));
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_require_writable(db, NULL, &err), META_EDB);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "writing to the registry needs the primary"));

    /* Reading works, in read-only transactions as everywhere on a standby. */
    int version = -1;
    CU_ASSERT_EQUAL(meta_db_set_read_only(db, &err), META_OK);
    CU_ASSERT_EQUAL(meta_db_schema_version(db, &version, &err), META_OK);
    CU_ASSERT_EQUAL(version, meta_db_expected_version());
    /* 25006: read_only_sql_transaction; and a transaction cannot ask to
     * write during recovery (0A000: feature_not_supported). */
    CU_ASSERT_STRING_EQUAL(run_sql(db, "CREATE TEMPORARY TABLE t (x int)"), "25006");
    CU_ASSERT_STRING_EQUAL(run_sql(db, "BEGIN READ WRITE"), "0A000");
    meta_db_close(db);
}

static void test_read_only_transactions_on_primary(void)
{
    struct meta_db *db = open_as(primary, false, "read-write");
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    struct meta_error err;
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_set_read_only(db, &err), META_OK);
    CU_ASSERT_STRING_EQUAL(run_sql(db, "CREATE TEMPORARY TABLE t (x int)"), "25006");
    /* The server still takes writes: the session only reads by default. */
    CU_ASSERT_FALSE(meta_db_read_only(db));
    CU_ASSERT_EQUAL(meta_db_require_writable(db, "loading", &err), META_OK);
    /* A transaction that must write says so. */
    CU_ASSERT_STRING_EQUAL(run_sql(db, "BEGIN READ WRITE"), "");
    CU_ASSERT_STRING_EQUAL(run_sql(db, "CREATE TEMPORARY TABLE t (x int)"), "");
    CU_ASSERT_STRING_EQUAL(run_sql(db, "ROLLBACK"), "");
    CU_ASSERT_STRING_EQUAL(run_sql(db, "CREATE TEMPORARY TABLE t (x int)"), "25006");
    meta_db_close(db);
}

static void test_read_only_session(void)
{
    struct meta_db *db = open_as(read_only_session, true, "read-only session");
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    struct meta_error err;
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_require_writable(db, "loading", &err), META_EDB);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, meta_db_server(db)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "default_transaction_read_only is on"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "loading needs a read-write session"));
    meta_db_close(db);
}

static void test_unreachable_servers(void)
{
    /* Both hosts down: libpq's message names each, and nothing is opened. */
    struct meta_db *db = NULL;
    struct meta_error err;
    meta_error_clear(&err);
    CU_ASSERT_EQUAL(meta_db_open("host=/nonexistent/a,/nonexistent/b dbname=meta user=meta "
                                 "target_session_attrs=read-write connect_timeout=5",
                                 &db, &err),
                    META_EDB);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/a/.s.PGSQL.5432"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/b/.s.PGSQL.5432"));
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"a primary takes writes", test_primary_takes_writes},
        {"a standby refuses writers, naming itself and the remedy", test_standby_refuses_writers},
        {"read-only transactions on a primary, BEGIN READ WRITE to write",
         test_read_only_transactions_on_primary},
        {"a read-only session is refused like a standby", test_read_only_session},
        {"no server reachable among several hosts", test_unreachable_servers},
        {NULL, NULL},
    };
    return meta_test_run_suite("server_role", suite_init, NULL, cases);
}
