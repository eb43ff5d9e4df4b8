/*
 * When `meta load` takes the bulk variant (sql/010_bulk_load.sql), that it
 * leaves the keys and indexes as they were, and that nothing can leave the
 * registry without them or run as its owner: readers, roles, refused
 * files, temporary tables, tables named like keys, failures of begin.
 */
#include "cunit_main.h"
#include "load_stage.h"
#include "pg_util.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char conninfo[1024];
static struct meta_db *db;
static char *fresh_indexes;

static int suite_cleanup(void)
{
    free(fresh_indexes);
    return meta_test_load_close(&db);
}

#define HEADER "trial,arm,treatment,outcome,timepoint,n,mean,sd\n"
#define ROWS   "B1,a,ket,pain,24h,30,2,1\nB1,b,pla,pain,24h,31,3,1\nB2,a,ket,pain,24h,20,2,1\n"

/* A fresh registry called name; the first one's indexes are kept as what
 * every registry must have after a load. */
static void fresh(const char *name)
{
    meta_test_load_fresh(name, conninfo, sizeof conninfo, &db);
    if (!fresh_indexes)
        fresh_indexes = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fresh_indexes);
}

/* The indexes and constraints are those of a fresh registry. */
static void expect_indexes(void)
{
    char *now = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(now);
    CU_ASSERT_STRING_EQUAL(now, fresh_indexes);
    free(now);
}

/* Loads file through d; *direct and *bulk: whether the direct path and its
 * bulk variant stored it. Returns the load's status. */
static int load(struct meta_db *d, const char *file, int *direct, int *bulk)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    meta_error_clear(&err);
    long direct_before = meta_load_direct_count(), bulk_before = meta_load_bulk_count();
    int ret = meta_db_load(d, &file, 1, &r, &err);
    *direct = meta_load_direct_count() != direct_before;
    *bulk = meta_load_bulk_count() != bulk_before;
    meta_load_report_release(&r);
    return ret;
}

/* Runs sql on conn; returns its status and the first cell in out (when
 * given, size bytes, "" when there is none). */
static ExecStatusType exec(PGconn *conn, const char *sql, char *out, size_t size)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType status = PQresultStatus(res);
    if (out)
        snprintf(out, size, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return status;
}

/* Opens a transaction on conn and calls meta_bulk_load_begin(), which
 * must begin. */
static void begin_by_hand(PGconn *conn)
{
    char out[16];
    CU_ASSERT_EQUAL(exec(conn, "BEGIN", NULL, 0), PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_begin()", out, sizeof out), PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(out, "t");
}

/* A login role in meta_loader (no superuser: the foreign keys are checked
 * row by row), and d opened as it. */
static void open_as_loader(struct meta_db **d)
{
    PGconn *conn = PQconnectdb(conninfo);
    CU_ASSERT_EQUAL(
        exec(conn,
             "DO $$ BEGIN"
             "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meta_test_bulk_loader')"
             "  THEN CREATE ROLE meta_test_bulk_loader LOGIN IN ROLE meta_loader; END IF;"
             " END $$",
             NULL, 0),
        PGRES_COMMAND_OK);
    PQfinish(conn);
    char loader[1200];
    snprintf(loader, sizeof loader, "%s options='-c role=meta_test_bulk_loader'", conninfo);
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(loader, d, &err), META_OK);
}

/* Into an empty registry, from the threshold on; not below it, and not
 * into a registry that holds rows. */
static void test_where_it_is_taken(void)
{
    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    const char *more = meta_test_load_file("more.csv", HEADER "B3,a,ket,pain,24h,30,2,1\n");
    fresh("meta_test_bulk_taken");
    meta_load_bulk_from(4);
    CU_ASSERT_EQUAL(load(db, file, &direct, &bulk), META_OK);
    CU_ASSERT(direct && !bulk);
    fresh("meta_test_bulk_taken");
    meta_load_bulk_from(3);
    CU_ASSERT_EQUAL(load(db, file, &direct, &bulk), META_OK);
    CU_ASSERT(direct && bulk);
    expect_indexes();
    meta_load_bulk_from(1);
    CU_ASSERT_EQUAL(load(db, more, &direct, &bulk), META_OK);
    CU_ASSERT(direct && !bulk);
    expect_indexes();
    meta_test_load_expect_query(conninfo,
                                "SELECT (SELECT count(*) FROM arms) || ' '"
                                " || (SELECT count(*) FROM continuous_results) || ' '"
                                " || (SELECT count(*) FROM bulk_load_pending)",
                                "4 4 0");
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

/* A reader holding arms, or a table the foreign keys refer to: the load
 * does not wait for it, it goes the ordinary way. */
static void test_reader_holds_the_tables(void)
{
    static const char *const reads[] = {"SELECT count(*) FROM arms",
                                        "SELECT count(*) FROM outcomes"};
    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    meta_load_bulk_from(1);
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        fresh("meta_test_bulk_reader");
        PGconn *reader = PQconnectdb(conninfo);
        CU_ASSERT_EQUAL(exec(reader, "BEGIN", NULL, 0), PGRES_COMMAND_OK);
        CU_ASSERT_EQUAL(exec(reader, reads[i], NULL, 0), PGRES_TUPLES_OK);
        CU_ASSERT_EQUAL(load(db, file, &direct, &bulk), META_OK);
        CU_ASSERT(direct && !bulk);
        CU_ASSERT_EQUAL(exec(reader, "COMMIT", NULL, 0), PGRES_COMMAND_OK);
        PQfinish(reader);
        expect_indexes();
    }
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

/* A loader that is no superuser takes it (the functions run as the tables'
 * owner); one whose role may not call them goes the ordinary way. */
static void test_roles(void)
{
    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    meta_load_bulk_from(1);
    fresh("meta_test_bulk_role");
    struct meta_db *ldb = NULL;
    open_as_loader(&ldb);
    CU_ASSERT_EQUAL(load(ldb, file, &direct, &bulk), META_OK);
    CU_ASSERT(direct && bulk);
    meta_db_close(ldb);
    expect_indexes();

    fresh("meta_test_bulk_role");
    PGconn *conn = PQconnectdb(conninfo);
    CU_ASSERT_EQUAL(
        exec(conn, "REVOKE EXECUTE ON FUNCTION meta_bulk_load_begin() FROM meta_loader", NULL, 0),
        PGRES_COMMAND_OK);
    PQfinish(conn);
    open_as_loader(&ldb);
    CU_ASSERT_EQUAL(load(ldb, file, &direct, &bulk), META_OK);
    CU_ASSERT(direct && !bulk);
    meta_db_close(ldb);
    expect_indexes();
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

/* Files the registry refuses (a key given twice, in a trial given again
 * after another; an invalid row) store nothing and leave the indexes; a
 * valid file whose trial comes again later is staged, indexes and all. */
static void test_refused_files(void)
{
    int direct = 0, bulk = 0;
    const char *again = meta_test_load_file("again.csv", HEADER ROWS "B1,a,ket,pain,24h,9,2,1\n");
    const char *bad = meta_test_load_file("bad.csv", HEADER ROWS "B3,a,ket,pain,24h,-1,2,1\n");
    const char *later = meta_test_load_file("later.csv", HEADER ROWS "B1,c,ket,pain,24h,9,2,1\n");
    fresh("meta_test_bulk_refused");
    meta_load_bulk_from(1);
    CU_ASSERT_EQUAL(load(db, again, &direct, &bulk), META_EINVAL);
    CU_ASSERT(!direct && !bulk);
    CU_ASSERT_EQUAL(load(db, bad, &direct, &bulk), META_EINVAL);
    CU_ASSERT(!direct && !bulk);
    meta_test_load_expect_query(conninfo,
                                "SELECT (SELECT count(*) FROM trials) + (SELECT count(*) FROM arms)"
                                " + (SELECT count(*) FROM outcomes) + (SELECT count(*) FROM loads)",
                                "0");
    expect_indexes();
    CU_ASSERT_EQUAL(load(db, later, &direct, &bulk), META_OK);
    CU_ASSERT(!direct && !bulk);
    expect_indexes();
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

/* The functions as a loader role may call them by hand: begin leaves a
 * registry that holds rows alone (no lock kept), and a transaction that
 * dropped the indexes cannot commit without them. */
static void test_functions_by_hand(void)
{
    fresh("meta_test_bulk_by_hand");
    struct meta_db *ldb = NULL;
    open_as_loader(&ldb);
    PGconn *conn = meta_db_pg(ldb);
    char out[256];
    begin_by_hand(conn);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_FATAL_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(conn), "not built again"));
    expect_indexes();

    /* Begun and ended: nothing changes. */
    begin_by_hand(conn);
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_end()", NULL, 0), PGRES_TUPLES_OK);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_COMMAND_OK);
    expect_indexes();

    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    CU_ASSERT_EQUAL(load(db, file, &direct, &bulk), META_OK);
    CU_ASSERT_EQUAL(exec(conn, "BEGIN", NULL, 0), PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_begin()", out, sizeof out), PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(out, "f");
    CU_ASSERT_EQUAL(exec(conn,
                         "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                         " AND mode = 'AccessExclusiveLock' AND relation IS NOT NULL",
                         out, sizeof out),
                    PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(out, "0");
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_COMMAND_OK);
    expect_indexes();

    meta_db_close(ldb);
    /* A role that may only read may not call them, nor may anyone else. */
    meta_test_load_expect_query(
        conninfo,
        "SELECT string_agg(r || ' ' || f || ' ' || has_function_privilege(r, f, 'EXECUTE'), ', '"
        "                  ORDER BY r, f)"
        " FROM unnest(ARRAY['meta_reader', 'meta_loader', 'public']) r,"
        "      unnest(ARRAY['meta_bulk_load_begin()', 'meta_bulk_load_end()']) f",
        "meta_loader meta_bulk_load_begin() true, meta_loader meta_bulk_load_end() true, "
        "meta_reader meta_bulk_load_begin() false, meta_reader meta_bulk_load_end() false, "
        "public meta_bulk_load_begin() false, public meta_bulk_load_end() false");
}

/* Runs sql as the superuser of conninfo; CU-asserts it succeeded. */
static void admin(const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
    CU_ASSERT(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
    PQclear(res);
    PQfinish(conn);
}

/* A loader's temporary tables named like the functions' table and
 * catalogs change nothing: its trigger never runs as the tables' owner,
 * and a transaction without the keys still cannot commit. */
static void test_temporary_tables(void)
{
    fresh("meta_test_bulk_temp");
    struct meta_db *ldb = NULL;
    open_as_loader(&ldb);
    PGconn *conn = meta_db_pg(ldb);
    CU_ASSERT_EQUAL(
        exec(conn,
             "CREATE TEMP TABLE bulk_load_pending (started_at timestamptz DEFAULT now(),"
             " xact xid8 DEFAULT pg_current_xact_id(), relid oid, kind \"char\","
             " name name, def text, build_order smallint)",
             NULL, 0),
        PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(
        exec(conn,
             "CREATE FUNCTION pg_temp.escalate() RETURNS trigger LANGUAGE plpgsql AS"
             " $$ BEGIN ALTER ROLE meta_test_bulk_loader SUPERUSER; RETURN NULL; END $$",
             NULL, 0),
        PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(
        exec(conn,
             "CREATE TRIGGER escalate AFTER INSERT OR DELETE ON pg_temp.bulk_load_pending"
             " FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.escalate()",
             NULL, 0),
        PGRES_COMMAND_OK);
    begin_by_hand(conn);
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_end()", NULL, 0), PGRES_TUPLES_OK);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_COMMAND_OK);
    meta_test_load_expect_query(
        conninfo, "SELECT rolsuper FROM pg_roles WHERE rolname = 'meta_test_bulk_loader'", "f");
    expect_indexes();

    /* Catalogs of its own that claim every key is there. */
    CU_ASSERT_EQUAL(
        exec(conn,
             "CREATE TEMP TABLE pg_constraint AS SELECT * FROM pg_catalog.pg_constraint;"
             " CREATE TEMP TABLE pg_index AS SELECT * FROM pg_catalog.pg_index;"
             " CREATE TEMP TABLE pg_class AS SELECT * FROM pg_catalog.pg_class;",
             NULL, 0),
        PGRES_COMMAND_OK);
    begin_by_hand(conn);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_FATAL_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(conn), "not built again"));
    meta_db_close(ldb);
    meta_test_load_expect_query(
        conninfo, "SELECT rolsuper FROM pg_roles WHERE rolname = 'meta_test_bulk_loader'", "f");
    expect_indexes();
}

/* Tables named like the dropped keys, made in the transaction that dropped
 * them, do not stand in for them at the commit. */
static void test_tables_named_like_keys(void)
{
    fresh("meta_test_bulk_named");
    admin("GRANT CREATE ON SCHEMA public TO meta_test_bulk_loader");
    struct meta_db *ldb = NULL;
    open_as_loader(&ldb);
    PGconn *conn = meta_db_pg(ldb);
    char out[256];
    CU_ASSERT_EQUAL(exec(conn, "BEGIN", NULL, 0), PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(
        exec(conn,
             "CREATE TEMP TABLE key_names AS"
             " SELECT conname AS name FROM pg_catalog.pg_constraint"
             " WHERE conrelid IN ('public.arms'::regclass,"
             " 'public.continuous_results'::regclass, 'public.binary_results'::regclass)"
             " UNION SELECT indexname FROM pg_catalog.pg_indexes"
             " WHERE schemaname = 'public'"
             " AND tablename IN ('arms', 'continuous_results', 'binary_results')",
             NULL, 0),
        PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_begin()", out, sizeof out), PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(out, "t");
    CU_ASSERT_EQUAL(exec(conn,
                         "DO $$ DECLARE n name; BEGIN"
                         " FOR n IN SELECT name FROM pg_temp.key_names LOOP"
                         "  EXECUTE format('CREATE TABLE public.%I (conname name)', n);"
                         " END LOOP; END $$",
                         NULL, 0),
                    PGRES_COMMAND_OK);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_FATAL_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(conn), "not built again"));
    meta_db_close(ldb);
    admin("REVOKE CREATE ON SCHEMA public FROM meta_test_bulk_loader");
    expect_indexes();
}

/* What an administrator made of the keys and indexes (a fillfactor, an
 * index defined otherwise) is what a bulk load leaves, and the foreign
 * keys are dropped with them and built again. */
static void test_definitions_kept(void)
{
    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    fresh("meta_test_bulk_kept");
    admin("ALTER INDEX arms_pkey SET (fillfactor = 80);"
          " ALTER INDEX continuous_results_arm_idx SET (fillfactor = 70);"
          " DROP INDEX arms_treatment_idx;"
          " CREATE INDEX arms_treatment_idx ON arms (lower(treatment));"
          " ALTER INDEX binary_results_arm_idx RENAME TO binary_results_arm_renamed_idx");
    char *before = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL(strstr(before, "fillfactor='80'"));
    meta_load_bulk_from(1);
    struct meta_db *ldb = NULL;
    open_as_loader(&ldb);
    CU_ASSERT_EQUAL(load(ldb, file, &direct, &bulk), META_OK);
    CU_ASSERT(direct && bulk);
    char *after = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);

    /* Between begin and end no key, index or foreign key is left on them. */
    meta_db_close(ldb);
    fresh("meta_test_bulk_kept");
    open_as_loader(&ldb);
    PGconn *conn = meta_db_pg(ldb);
    char out[256];
    begin_by_hand(conn);
    CU_ASSERT_EQUAL(
        exec(conn,
             "SELECT (SELECT count(*) FROM pg_catalog.pg_constraint"
             "        WHERE contype IN ('p', 'u', 'f') AND conrelid = ANY (t))"
             "     + (SELECT count(*) FROM pg_catalog.pg_index WHERE indrelid = ANY (t))"
             " FROM (SELECT ARRAY['arms'::regclass, 'continuous_results'::regclass,"
             "                    'binary_results'::regclass]::oid[]) s(t)",
             out, sizeof out),
        PGRES_TUPLES_OK);
    CU_ASSERT_STRING_EQUAL(out, "0");
    CU_ASSERT_EQUAL(exec(conn, "SELECT meta_bulk_load_end()", NULL, 0), PGRES_TUPLES_OK);
    CU_ASSERT_EQUAL(exec(conn, "COMMIT", NULL, 0), PGRES_COMMAND_OK);
    meta_db_close(ldb);
    expect_indexes();
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

/* Whatever keeps the bulk variant from beginning sends the load the
 * ordinary way, nothing changed: a role that may begin but not end, the
 * functions owned by a role that does not own the tables, a table resting
 * on arms' key, a function that fails. */
static void test_fallbacks(void)
{
    int direct = 0, bulk = 0;
    const char *file = meta_test_load_file("rows.csv", HEADER ROWS);
    static const char *const setups[] = {
        "REVOKE EXECUTE ON FUNCTION meta_bulk_load_end() FROM meta_loader",
        "DO $$ BEGIN"
        "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meta_test_bulk_other')"
        "  THEN CREATE ROLE meta_test_bulk_other; END IF;"
        " END $$;"
        " ALTER FUNCTION meta_bulk_load_begin() OWNER TO meta_test_bulk_other;"
        " ALTER FUNCTION meta_bulk_load_end() OWNER TO meta_test_bulk_other",
        "CREATE TABLE arm_notes (arm_id bigint REFERENCES arms)",
        "CREATE OR REPLACE FUNCTION meta_bulk_load_begin() RETURNS boolean LANGUAGE sql"
        " AS 'SELECT 1 / 0 = 1'",
    };
    meta_load_bulk_from(1);
    for (size_t i = 0; i < sizeof setups / sizeof *setups; i++) {
        fresh("meta_test_bulk_fallback");
        admin(setups[i]);
        char *before = meta_test_load_indexes(conninfo);
        CU_ASSERT_PTR_NOT_NULL_FATAL(before);
        struct meta_db *ldb = NULL;
        open_as_loader(&ldb);
        CU_ASSERT_EQUAL(load(ldb, file, &direct, &bulk), META_OK);
        CU_ASSERT(direct && !bulk);
        meta_db_close(ldb);
        char *after = meta_test_load_indexes(conninfo);
        CU_ASSERT_PTR_NOT_NULL_FATAL(after);
        CU_ASSERT_STRING_EQUAL(after, before);
        free(after);
        free(before);
        meta_test_load_expect_query(conninfo, "SELECT count(*) FROM arms", "3");
    }
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"taken into an empty registry from the threshold on", test_where_it_is_taken},
        {"a reader holding the tables: the ordinary way", test_reader_holds_the_tables},
        {"a loader role takes it, one without the right does not", test_roles},
        {"refused files leave the indexes", test_refused_files},
        {"the functions by hand", test_functions_by_hand},
        {"a loader's temporary tables change nothing", test_temporary_tables},
        {"tables named like the keys do not stand in for them", test_tables_named_like_keys},
        {"the definitions as they were, foreign keys too", test_definitions_kept},
        {"whatever keeps it from beginning: the ordinary way", test_fallbacks},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_bulk", NULL, suite_cleanup, cases);
}
