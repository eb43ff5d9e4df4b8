/*
 * Small libpq helpers shared inside lib/registry: running a statement that
 * returns no rows, and turning a failed result into a meta_error.
 */
#ifndef META_PG_UTIL_H
#define META_PG_UTIL_H

#include "meta_status.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* Runs sql (no parameters, no result rows expected); META_EDB on failure with
 * the server's message in err (err may be NULL). */
int meta_pg_exec(PGconn *conn, struct meta_error *err, const char *sql);

/* Fills err with "<what>: <server message>" from res (or conn when res holds
 * none) and returns META_EDB. Does not clear res. */
int meta_pg_error(struct meta_error *err, PGconn *conn, const PGresult *res, const char *what, ...)
    __attribute__((format(printf, 4, 5)));

/* The connection of an open registry, for the modules of lib/registry only. */
struct meta_db;
PGconn *meta_db_pg(struct meta_db *db);

/* How the loads of db wait for the load lock (load_lock.h), kept with the
 * connection; for the modules of lib/registry only. */
struct meta_load_wait;
struct meta_load_wait *meta_db_load_wait(struct meta_db *db);

#endif
