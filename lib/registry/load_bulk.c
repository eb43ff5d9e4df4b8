/*
 * The bulk variant of the direct path: a large file of new trials into an
 * empty registry fills arms and the result tables without their keys and
 * indexes, built afterwards as pg_restore does (sql/010_bulk_load.sql, as
 * the tables' owner). Whatever keeps it from beginning, the load goes on.
 */
#include "load_direct.h"
#include "load_stage.h"

#include "pg_util.h"

#include <string.h>

static long long bulk_from = META_LOAD_BULK_ROWS;

void meta_load_bulk_from(long long rows)
{
    bulk_from = rows;
}

/* Whether this role may call both functions (a role that could begin but
 * not end would only fail its load). */
static const char may_sql[] =
    "SELECT coalesce(has_function_privilege("
    "to_regprocedure('public.meta_bulk_load_begin()'), 'EXECUTE')"
    " AND has_function_privilege(to_regprocedure('public.meta_bulk_load_end()'), 'EXECUTE'),"
    " false)::int";

int meta_load_bulk_begin(PGconn *conn, long long rows, int *begun, struct meta_error *err)
{
    static const char what[] = "cannot prepare the registry for the load";
    *begun = 0;
    if (bulk_from < 0 || rows < bulk_from)
        return META_OK;
    long long may = 0;
    int ret = meta_pg_value(conn, may_sql, 0, NULL, &may, err, what);
    if (ret != META_OK || !may)
        return ret;
    if ((ret = meta_pg_exec(conn, "SAVEPOINT meta_bulk_load", err, what)) != META_OK)
        return ret;
    long long value = 0;
    struct meta_error ignored;
    meta_error_clear(&ignored);
    if (meta_pg_value(conn, "SELECT public.meta_bulk_load_begin()::int", 0, NULL, &value, &ignored,
                      what) != META_OK) {
        /* Whatever failed is not the file's doing: nothing changed once the
         * savepoint is back, and the load goes the ordinary way. */
        value = 0;
        if ((ret = meta_pg_exec(conn, "ROLLBACK TO SAVEPOINT meta_bulk_load", err, what)))
            return ret;
    }
    *begun = value != 0;
    return meta_pg_exec(conn, "RELEASE SAVEPOINT meta_bulk_load", err, what);
}

int meta_load_bulk_end(PGconn *conn, struct meta_error *err)
{
    PGresult *res = PQexec(conn, "SELECT public.meta_bulk_load_end()");
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
