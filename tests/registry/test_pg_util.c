/*
 * The cell readers of pg_util.h against a real PostgreSQL: the same query
 * read in text and in binary format gives the same bits (negative zero,
 * infinities, NaN, the extremes of int2, int4 and int8, doubles whose
 * shortest text needs 17 digits), NULL gives the NULL value, and a binary
 * cell of another type or another length than its type's is flagged; a
 * registry opened where doubles' text is rounded reads them exactly.
 */
#include "cunit_main.h"
#include "pg_util.h"
#include "test_load_util.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char conninfo[1024];
static struct meta_db *db;
static PGconn *conn;

static int suite_init(void)
{
    if (meta_test_load_db("meta_test_pg_util", conninfo, sizeof conninfo, &db) != 0)
        return -1;
    conn = PQconnectdb(conninfo);
    return PQstatus(conn) == CONNECTION_OK ? 0 : -1;
}

static int suite_cleanup(void)
{
    PQfinish(conn);
    return meta_test_load_close(&db);
}

/* sql's rows in format 0 (text) or 1 (binary); fatal unless rows came. */
static PGresult *rows(const char *sql, int format)
{
    PGresult *res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, format);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "\n  %s\n", PQresultErrorMessage(res));
    CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_TUPLES_OK);
    CU_ASSERT_EQUAL_FATAL(PQfformat(res, 0), format);
    return res;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const char doubles_sql[] =
    "SELECT x FROM (VALUES ('-0'::float8), ('0'), ('NaN'), ('Infinity'), ('-Infinity'),"
    " ('1.7976931348623157e308'), ('-2.2250738585072014e-308'), ('5e-324'),"
    " ('0.30000000000000004'), ('0.1'), ('-123456.789'), (NULL)) v(x)"
    " UNION ALL SELECT (random() - 0.5) * 10 ^ (random() * 600 - 300)"
    "   FROM generate_series(1, 2000)";

static void test_doubles(void)
{
    /* setseed so that the text and the binary query draw the same numbers. */
    PQclear(PQexec(conn, "SELECT setseed(0.25)"));
    PGresult *text = rows(doubles_sql, 0);
    PQclear(PQexec(conn, "SELECT setseed(0.25)"));
    PGresult *bin = rows(doubles_sql, 1);
    CU_ASSERT_EQUAL_FATAL(PQntuples(text), PQntuples(bin));
    int bad = 0, differ = 0;
    for (int r = 0; r < PQntuples(bin); r++) {
        double t = meta_pg_double_chk(text, r, 0, &bad), b = meta_pg_double_chk(bin, r, 0, &bad);
        differ += !same_bits(t, b) && !(isnan(t) && isnan(b));
        CU_ASSERT(same_bits(b, meta_pg_double(bin, r, 0)) || isnan(b));
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(differ, 0);
    double z = meta_pg_double_chk(bin, 0, 0, &bad);
    CU_ASSERT(z == 0 && signbit(z));
    CU_ASSERT(isnan(meta_pg_double_chk(bin, 2, 0, &bad)));
    CU_ASSERT(isinf(meta_pg_double_chk(bin, 3, 0, &bad)) &&
              meta_pg_double_chk(bin, 3, 0, &bad) > 0);
    CU_ASSERT(isinf(meta_pg_double_chk(bin, 4, 0, &bad)) &&
              meta_pg_double_chk(bin, 4, 0, &bad) < 0);
    CU_ASSERT_EQUAL(meta_pg_double_chk(bin, 7, 0, &bad), 5e-324);
    CU_ASSERT_EQUAL(meta_pg_double_chk(bin, 8, 0, &bad), 0.30000000000000004);
    /* NULL, and no such column: NaN, not flagged. */
    CU_ASSERT(isnan(meta_pg_double_chk(bin, 11, 0, &bad)));
    CU_ASSERT(isnan(meta_pg_double_chk(bin, 0, -1, &bad)));
    CU_ASSERT_EQUAL(bad, 0);
    PQclear(text);
    PQclear(bin);
}

static const char ints_sql[] =
    "SELECT '-9223372036854775808'::int8, 9223372036854775807::int8, '-2147483648'::int4,"
    " 2147483647::int4, '-32768'::int2, 32767::int2, -1::int8, NULL::int8, true, false, NULL::bool,"
    " 'a text'::text, 1.5::float4";

static void test_ints_and_bools(void)
{
    for (int format = 0; format <= 1; format++) {
        PGresult *res = rows(ints_sql, format);
        int bad = 0;
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 0, &bad), INT64_MIN);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 1, &bad), INT64_MAX);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 2, &bad), INT32_MIN);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 3, &bad), INT32_MAX);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 4, &bad), INT16_MIN);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 5, &bad), INT16_MAX);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 6, &bad), -1);
        CU_ASSERT_EQUAL(meta_pg_int_at(res, 0, 1), INT64_MAX);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 7, &bad), 0);
        CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, -1, &bad), 0);
        CU_ASSERT_TRUE(meta_pg_bool_chk(res, 0, 8, &bad));
        CU_ASSERT_FALSE(meta_pg_bool_chk(res, 0, 9, &bad));
        CU_ASSERT_FALSE(meta_pg_bool_chk(res, 0, 10, &bad));
        CU_ASSERT_STRING_EQUAL(meta_pg_text_at(res, 0, 11), "a text");
        CU_ASSERT_EQUAL(meta_pg_double_chk(res, 0, 12, &bad), 1.5);
        CU_ASSERT_EQUAL(bad, 0);
        PQclear(res);
    }
}

/* A binary cell of another type than the reader's: flagged, the NULL
 * value given. */
static void test_wrong_type(void)
{
    PGresult *res = rows("SELECT 1::int4, 2.5::float8, true, 'x'::text, 7::int8", 1);
    int bad = 0;
    CU_ASSERT(isnan(meta_pg_double_chk(res, 0, 0, &bad)));
    CU_ASSERT_EQUAL(bad, 1);
    bad = 0;
    CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 1, &bad), 0);
    CU_ASSERT_EQUAL(bad, 1);
    bad = 0;
    CU_ASSERT_FALSE(meta_pg_bool_chk(res, 0, 4, &bad));
    CU_ASSERT_EQUAL(bad, 1);
    bad = 0;
    CU_ASSERT_EQUAL(meta_pg_int_chk(res, 0, 3, &bad), 0);
    CU_ASSERT_EQUAL(bad, 1);
    bad = 0;
    CU_ASSERT(isnan(meta_pg_double_chk(res, 0, 2, &bad)));
    CU_ASSERT_EQUAL(bad, 1);
    /* Without a flag to set: the NULL value alone. */
    CU_ASSERT(isnan(meta_pg_double(res, 0, 0)));
    PQclear(res);
}

/* A binary cell whose length is not its type's: a result built with
 * libpq's own PQsetResultAttrs and PQsetvalue, as no server sends it. */
static void test_wrong_length(void)
{
    PGresult *res = PQmakeEmptyPGresult(conn, PGRES_TUPLES_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    PGresAttDesc attrs[] = {
        {.name = "f8", .format = 1, .typid = 701, .typlen = 8, .atttypmod = -1},
        {.name = "i8", .format = 1, .typid = 20, .typlen = 8, .atttypmod = -1},
        {.name = "i4", .format = 1, .typid = 23, .typlen = 4, .atttypmod = -1},
        {.name = "b", .format = 1, .typid = 16, .typlen = 1, .atttypmod = -1},
    };
    CU_ASSERT_FATAL(PQsetResultAttrs(res, 4, attrs));
    char four[4] = {0x3f, (char)0xf0, 0, 0}, two[2] = {1, 0};
    CU_ASSERT_FATAL(PQsetvalue(res, 0, 0, four, 4));
    CU_ASSERT_FATAL(PQsetvalue(res, 0, 1, four, 4));
    CU_ASSERT_FATAL(PQsetvalue(res, 0, 2, two, 2));
    CU_ASSERT_FATAL(PQsetvalue(res, 0, 3, two, 2));
    /* The same columns with their own lengths. */
    char one8[8] = {0x3f, (char)0xf0, 0, 0, 0, 0, 0, 0}, i8[8] = {0, 0, 0, 0, 0, 0, 1, 0},
         i4[4] = {(char)0xff, (char)0xff, (char)0xff, (char)0xfe}, b[1] = {1};
    CU_ASSERT_FATAL(PQsetvalue(res, 1, 0, one8, 8));
    CU_ASSERT_FATAL(PQsetvalue(res, 1, 1, i8, 8));
    CU_ASSERT_FATAL(PQsetvalue(res, 1, 2, i4, 4));
    CU_ASSERT_FATAL(PQsetvalue(res, 1, 3, b, 1));
    for (int col = 0; col < 4; col++) {
        int bad = 0;
        double d = col == 0 ? meta_pg_double_chk(res, 0, col, &bad) : NAN;
        bool t = col == 3 ? meta_pg_bool_chk(res, 0, col, &bad) : false;
        long long i = col == 1 || col == 2 ? meta_pg_int_chk(res, 0, col, &bad) : 0;
        CU_ASSERT(isnan(d) && !t && i == 0);
        CU_ASSERT_EQUAL(bad, 1);
    }
    int bad = 0;
    CU_ASSERT_EQUAL(meta_pg_double_chk(res, 1, 0, &bad), 1.0);
    CU_ASSERT_EQUAL(meta_pg_int_chk(res, 1, 1, &bad), 256);
    CU_ASSERT_EQUAL(meta_pg_int_chk(res, 1, 2, &bad), -2);
    CU_ASSERT_TRUE(meta_pg_bool_chk(res, 1, 3, &bad));
    CU_ASSERT_EQUAL(bad, 0);
    PQclear(res);
}

/* A registry opened where the role or the server rounds doubles' text
 * (extra_float_digits 0: 15 digits) still reads text cells as the stored
 * bits, as the binary ones are read. */
static void test_rounding_setting_overridden(void)
{
    char rounding[1200];
    snprintf(rounding, sizeof rounding, "%s options='-c extra_float_digits=0'", conninfo);
    struct meta_db *rdb = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_open(rounding, &rdb, &err), META_OK);
    PGconn *rconn = meta_db_pg(rdb);
    PGresult *set = PQexec(rconn, "SELECT current_setting('extra_float_digits')");
    CU_ASSERT_STRING_EQUAL(PQgetvalue(set, 0, 0), "3");
    PQclear(set);
    /* The server's default for this connection was 0: asked in a session of
     * its own, the option takes effect. */
    PGconn *plain = PQconnectdb(rounding);
    PGresult *shown = PQexec(plain, "SELECT 0.30000000000000004::float8::text");
    CU_ASSERT_STRING_EQUAL(PQgetvalue(shown, 0, 0), "0.3");
    PQclear(shown);
    PQfinish(plain);
    static const char *const texts[] = {"0.30000000000000004", "1.2345678901234567",
                                        "1.7976931348623157e308", "5e-324"};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        const char *params[] = {texts[k]};
        PGresult *res = PQexecParams(rconn, "SELECT $1::float8", 1, NULL, params, NULL, NULL, 0);
        CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_TUPLES_OK);
        CU_ASSERT(same_bits(meta_pg_double(res, 0, 0), strtod(texts[k], NULL)));
        PQclear(res);
    }
    meta_db_close(rdb);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"doubles: text and binary give the same bits", test_doubles},
        {"integers and booleans at their extremes, NULL", test_ints_and_bools},
        {"a binary cell of another type", test_wrong_type},
        {"a binary cell of another length", test_wrong_length},
        {"text cells exact where the server would round them", test_rounding_setting_overridden},
        {NULL, NULL},
    };
    return meta_test_run_suite("pg_util", suite_init, suite_cleanup, cases);
}
