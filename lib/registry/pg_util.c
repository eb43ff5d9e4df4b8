/*
 * libpq helpers shared inside lib/registry (see pg_util.h).
 */
#include "pg_util.h"
#include "meta_decimal.h"
#include "meta_escape.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_error(struct meta_error *err, PGconn *conn, const PGresult *res, const char *prefix)
{
    if (!err)
        return META_EDB;
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(conn);
    /* One line: the server's DETAIL and HINT lines, joined, may quote
     * stored names, which messages show escaped. */
    char text[META_ERROR_MAX];
    meta_join_lines(text, sizeof text, msg && *msg ? msg : "unknown database error", " ");
    return meta_error_set(err, META_EDB, "%s: %s", prefix, text);
}

int meta_pg_error(struct meta_error *err, PGconn *conn, const PGresult *res, const char *what, ...)
{
    if (!err)
        return META_EDB;
    char prefix[1024];
    va_list ap;
    va_start(ap, what);
    vsnprintf(prefix, sizeof prefix, what, ap);
    va_end(ap);
    return set_error(err, conn, res, prefix);
}

int meta_pg_exec(PGconn *conn, const char *sql, struct meta_error *err, const char *what, ...)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int ret = META_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char prefix[1024];
        va_list ap;
        va_start(ap, what);
        vsnprintf(prefix, sizeof prefix, what, ap);
        va_end(ap);
        ret = set_error(err, conn, res, prefix);
    }
    PQclear(res);
    return ret;
}

int meta_pg_value(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  long long *value, struct meta_error *err, const char *what)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        ret = set_error(err, conn, res, what);
    else
        *value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return ret;
}

void meta_pg_one_line(char *msg)
{
    char *o = msg;
    for (const char *i = msg; *i; i++) {
        if (*i == '\n') {
            while (i[1] == '\t' || i[1] == ' ')
                i++;
            *o++ = ' ';
        } else {
            *o++ = *i;
        }
    }
    while (o > msg && o[-1] == ' ')
        o--;
    *o = '\0';
}

const char *meta_pg_text_at(const PGresult *res, int row, int col)
{
    return col >= 0 ? PQgetvalue(res, row, col) : "";
}

long long meta_pg_int_at(const PGresult *res, int row, int col)
{
    return strtoll(meta_pg_text_at(res, row, col), NULL, 10);
}

const char *meta_pg_text(const PGresult *res, int row, const char *name)
{
    return meta_pg_text_at(res, row, PQfnumber(res, name));
}

long long meta_pg_int(const PGresult *res, int row, const char *name)
{
    return meta_pg_int_at(res, row, PQfnumber(res, name));
}

double meta_pg_double(const PGresult *res, int row, int col)
{
    if (col < 0 || PQgetisnull(res, row, col))
        return NAN;
    return meta_strtod(PQgetvalue(res, row, col), NULL);
}
