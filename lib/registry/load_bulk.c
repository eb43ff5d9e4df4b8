/*
 * The bulk variant of the direct path: a large file of new trials into an
 * empty registry fills arms and the result tables without their secondary
 * indexes and keys, which are built afterwards, each sorted once, as
 * pg_restore does (sql/010_bulk_load.sql holds the functions that may drop
 * and build them, as the tables' owner). Everywhere else, and when a reader
 * holds the tables or this role may not call them, the load goes on as any.
 */
#include "load_direct.h"
#include "load_stage.h"

#include "pg_util.h"

#include <string.h>

static long long bulk_from = META_LOAD_BULK_ROWS;
static long bulk_loads;

void meta_load_bulk_from(long long rows)
{
    bulk_from = rows;
}

long meta_load_bulk_count(void)
{
    return bulk_loads;
}

void meta_load_bulk_committed(void)
{
    bulk_loads++;
}

/* The one boolean value of sql (err set on failure). */
static int query_bool(PGconn *conn, const char *sql, int *value, struct meta_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        ret = meta_pg_error(err, conn, res, "cannot prepare the registry for the load");
    else
        *value = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return ret;
}

int meta_load_bulk_begin(PGconn *conn, long long rows, int *begun, struct meta_error *err)
{
    *begun = 0;
    if (bulk_from < 0 || rows < bulk_from)
        return META_OK;
    int may = 0;
    int ret = query_bool(conn,
                         "SELECT coalesce(has_function_privilege("
                         "to_regprocedure('meta_bulk_load_begin()'), 'EXECUTE'), false)",
                         &may, err);
    if (ret != META_OK || !may)
        return ret;
    return query_bool(conn, "SELECT meta_bulk_load_begin()", begun, err);
}

int meta_load_bulk_end(PGconn *conn, struct meta_error *err)
{
    PGresult *res = PQexec(conn, "SELECT meta_bulk_load_end()");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        ret = state && strncmp(state, "23", 2) == 0
                  ? META_DIRECT_STAGE
                  : meta_pg_error(err, conn, res, "cannot build the registry's indexes");
    }
    PQclear(res);
    return ret;
}
