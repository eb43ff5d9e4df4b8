/*
 * libpq helpers shared inside lib/registry (see pg_util.h).
 */
#include "pg_util.h"
#include "meta_escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int meta_pg_error(struct meta_error *err, PGconn *conn, const PGresult *res, const char *what, ...)
{
    if (!err)
        return META_EDB;
    char prefix[1024];
    va_list ap;
    va_start(ap, what);
    vsnprintf(prefix, sizeof prefix, what, ap);
    va_end(ap);
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(conn);
    /* One line: the server's DETAIL and HINT lines, joined, may quote
     * stored names, which messages show escaped. */
    char text[META_ERROR_MAX];
    meta_join_lines(text, sizeof text, msg && *msg ? msg : "unknown database error", " ");
    return meta_error_set(err, META_EDB, "%s: %s", prefix, text);
}

int meta_pg_exec(PGconn *conn, struct meta_error *err, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int ret = META_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        ret = meta_pg_error(err, conn, res, "query failed");
    PQclear(res);
    return ret;
}
