/*
 * Small libpq helpers shared inside lib/registry: running a statement that
 * returns no rows, turning a failed result into a meta_error, making a
 * libpq message one line, and reading result cells by column name.
 */
#ifndef META_PG_UTIL_H
#define META_PG_UTIL_H

#include "meta_status.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* Runs sql (no parameters; a command, or a query whose rows are ignored).
 * Returns META_OK, or META_EDB with "<what>: <server message>" in err (err
 * may be NULL). */
int meta_pg_exec(PGconn *conn, const char *sql, struct meta_error *err, const char *what, ...)
    __attribute__((format(printf, 4, 5)));

/* The one value of a query with nparams text parameters (the first cell of
 * its one row, read by strtoll; a boolean column cast to int) in *value.
 * Returns META_OK, or META_EDB with "<what>: <server message>" in err when
 * the query fails or gives other than one non-NULL cell. */
int meta_pg_value(PGconn *conn, const char *sql, int nparams, const char *const *params,
                  long long *value, struct meta_error *err, const char *what);

/* Fills err with "<what>: <server message>" from res (or conn when res holds
 * none) and returns META_EDB. Does not clear res. */
int meta_pg_error(struct meta_error *err, PGconn *conn, const PGresult *res, const char *what, ...)
    __attribute__((format(printf, 4, 5)));

/* Makes a libpq message one line in place: each line break, with the tabs
 * and blanks that continue it, becomes one blank, and trailing blanks go. */
void meta_pg_one_line(char *msg);

/* The text of column `name` in row `row` of res; "" when res has no such
 * column (or the cell is NULL). Borrowed from res. */
const char *meta_pg_text(const PGresult *res, int row, const char *name);

/* The same cell as an integer (strtoll, or as meta_pg_int_chk reads a
 * binary cell; 0 when absent). */
long long meta_pg_int(const PGresult *res, int row, const char *name);

/* As meta_pg_text and meta_pg_int for column number col (as PQfnumber
 * gives it, negative for no such column), for readers of many rows that
 * find their columns once. */
const char *meta_pg_text_at(const PGresult *res, int row, int col);
long long meta_pg_int_at(const PGresult *res, int row, int col);

/* The double in row `row`, column `col` of res (a column number, as
 * PQfnumber gives it); NaN when the cell is NULL or col is negative (no
 * such column). Text is read as strtod reads it (meta_strtod); a binary
 * cell as meta_pg_double_chk reads it (NaN for one that does not fit). */
double meta_pg_double(const PGresult *res, int row, int col);

/*
 * Checked readers of one cell in either format (PQfformat): text as the
 * server spells it, or binary (a statement sent with resultFormat 1), where
 * a number is its bits in network byte order. Each sets *bad (when bad is
 * not NULL; it is never cleared) for a binary cell whose type or length
 * does not fit, and then gives the NULL value. col may be negative (no such
 * column: the NULL value, *bad untouched).
 *
 * meta_pg_double_chk: NaN when NULL; binary float8 (8 bytes) or float4 (4),
 * the stored bits (negative zero, infinities and NaN as stored); text by
 * meta_strtod.
 * meta_pg_int_chk: 0 when NULL; binary int2, int4 or int8 (2, 4, 8 bytes,
 * signed); text by strtoll.
 * meta_pg_bool_chk: false when NULL; binary bool (1 byte, nonzero is
 * true); text "t".
 */
double meta_pg_double_chk(const PGresult *res, int row, int col, int *bad);
long long meta_pg_int_chk(const PGresult *res, int row, int col, int *bad);
bool meta_pg_bool_chk(const PGresult *res, int row, int col, int *bad);

/* The connection of an open registry, for the modules of lib/registry only. */
struct meta_db;
PGconn *meta_db_pg(struct meta_db *db);

/* Whether a snapshot (meta_db_snapshot_begin) is open on db: false once the
 * connection has been seen idle or in error since it began, which also
 * forgets the snapshot's arms. A transaction committed and another begun
 * on db's connection by other means between two calls is not seen: end
 * a snapshot with meta_db_snapshot_end. */
bool meta_db_in_snapshot(struct meta_db *db);

/* The arms the selections of the current snapshot (meta_db_snapshot_begin)
 * have met, kept for its length; NULL outside a snapshot (or after a failed
 * statement ended it), where each batch of selections reads its own. */
struct meta_arm_cache *meta_db_arm_cache(struct meta_db *db);

/* Prepares sql as the statement `name` (no more than 31 characters, a
 * constant of the caller) on db's connection, once per connection: later
 * calls with the same name do nothing. Statements that run again and again
 * are planned once. Returns META_OK, or META_EDB with err set. */
int meta_db_prepare(struct meta_db *db, const char *name, const char *sql, int n_params,
                    struct meta_error *err);
/* How the loads of db wait for the load lock (load_lock.h), kept with the
 * connection; for the modules of lib/registry only. */
struct meta_load_wait;
struct meta_load_wait *meta_db_load_wait(struct meta_db *db);

#endif
