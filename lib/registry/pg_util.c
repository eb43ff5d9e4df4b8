/*
 * libpq helpers shared inside lib/registry (see pg_util.h).
 */
#include "pg_util.h"
#include "meta_decimal.h"
#include "meta_escape.h"

#include <endian.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
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
    return meta_pg_int_chk(res, row, col, NULL);
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
    return meta_pg_double_chk(res, row, col, NULL);
}

/* The type oids of PostgreSQL's catalog (pg_type.dat), fixed since 7.x. */
enum {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701
};

static void flag(int *bad)
{
    if (bad)
        *bad = 1;
}

/* The len bytes (8, 4 or 2: the callers check the length) of a binary
 * cell, big-endian, as an unsigned integer. */
static uint64_t be_bits(const char *v, int len)
{
    uint64_t u8;
    uint32_t u4;
    uint16_t u2;
    switch (len) {
    case 8:
        memcpy(&u8, v, 8);
        return be64toh(u8);
    case 4:
        memcpy(&u4, v, 4);
        return be32toh(u4);
    default: /* 2 */
        memcpy(&u2, v, 2);
        return be16toh(u2);
    }
}

double meta_pg_double_chk(const PGresult *res, int row, int col, int *bad)
{
    if (col < 0)
        return NAN;
    if (PQfformat(res, col) != 1)
        return PQgetisnull(res, row, col) ? NAN : meta_strtod(PQgetvalue(res, row, col), NULL);
    /* A binary cell of its type's length is not NULL (PQgetlength gives
     * 0 for NULL): the common case asks libpq no more. */
    Oid type = PQftype(res, col);
    int len = PQgetlength(res, row, col);
    if (type == OID_FLOAT8 && len == 8) {
        uint64_t u = be_bits(PQgetvalue(res, row, col), 8);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    if (type == OID_FLOAT4 && len == 4) {
        uint32_t u = (uint32_t)be_bits(PQgetvalue(res, row, col), 4);
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    if (len != 0 || !PQgetisnull(res, row, col))
        flag(bad);
    return NAN;
}

long long meta_pg_int_chk(const PGresult *res, int row, int col, int *bad)
{
    if (col < 0)
        return 0;
    if (PQfformat(res, col) != 1)
        return strtoll(PQgetvalue(res, row, col), NULL, 10); /* NULL: "" */
    Oid type = PQftype(res, col);
    int len = PQgetlength(res, row, col);
    if (type == OID_INT8 && len == 8)
        return (long long)(int64_t)be_bits(PQgetvalue(res, row, col), 8);
    if (type == OID_INT4 && len == 4)
        return (int32_t)(uint32_t)be_bits(PQgetvalue(res, row, col), 4);
    if (type == OID_INT2 && len == 2)
        return (int16_t)(uint16_t)be_bits(PQgetvalue(res, row, col), 2);
    if (len != 0 || !PQgetisnull(res, row, col))
        flag(bad);
    return 0;
}

bool meta_pg_bool_chk(const PGresult *res, int row, int col, int *bad)
{
    if (col < 0)
        return false;
    if (PQfformat(res, col) != 1)
        return strcmp(PQgetvalue(res, row, col), "t") == 0; /* NULL: "" */
    if (PQftype(res, col) == OID_BOOL && PQgetlength(res, row, col) == 1)
        return PQgetvalue(res, row, col)[0] != 0;
    if (PQgetlength(res, row, col) != 0 || !PQgetisnull(res, row, col))
        flag(bad);
    return false;
}
