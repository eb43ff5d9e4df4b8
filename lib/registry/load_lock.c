/*
 * The load lock's bounded wait (see load_lock.h). A first try takes the lock
 * without waiting, which is what nearly every load sees; only when it is
 * held does the loader look the holder up and wait, under a lock_timeout set
 * for that one statement and reset after it.
 */
#include "load_lock.h"
#include "pg_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_load_set_wait(struct meta_db *db, const struct meta_load_wait *w)
{
    *meta_db_load_wait(db) = *w;
}

/* Runs a one-row, one-column query with the key as its parameter; *value
 * is the text of that cell. Returns META_OK or META_EDB (err: what). */
static int query_key(PGconn *conn, const char *sql, const char *key, char *value, size_t size,
                     const char *what, struct meta_error *err)
{
    const char *params[1] = {key};
    PGresult *res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, conn, res, "%s", what);
    else
        snprintf(value, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return ret;
}

/* Who holds advisory lock key in this database: pg_locks shows a bigint key
 * as its high and low 32 bits (classid, objid) with objsubid 1. */
static void find_holder(PGconn *conn, const char *key, struct meta_lock_holder *h)
{
    memset(h, 0, sizeof *h);
    const char *params[1] = {key};
    PGresult *res = PQexecParams(
        conn,
        "SELECT l.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''),"
        "       coalesce(to_char(coalesce(a.xact_start, a.backend_start),"
        "                        'YYYY-MM-DD HH24:MI:SS TZ'), '')"
        "  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
        "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        "   AND l.classid::bigint = ($1::bigint >> 32) & 4294967295"
        "   AND l.objid::bigint = $1::bigint & 4294967295"
        " LIMIT 1",
        1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        h->pid = atoi(PQgetvalue(res, 0, 0));
        snprintf(h->application, sizeof h->application, "%s", PQgetvalue(res, 0, 1));
        snprintf(h->user, sizeof h->user, "%s", PQgetvalue(res, 0, 2));
        snprintf(h->since, sizeof h->since, "%s", PQgetvalue(res, 0, 3));
    }
    PQclear(res);
}

void meta_lock_holder_describe(char *buf, size_t size, const struct meta_lock_holder *h)
{
    if (h->pid <= 0) {
        snprintf(buf, size, "another session");
        return;
    }
    int used = snprintf(buf, size, "pid %d", h->pid);
    const char *sep = " (";
    const char *labels[3] = {"application '", "user '", "since "};
    const char *values[3] = {h->application, h->user, h->since};
    for (int i = 0; i < 3 && used > 0 && (size_t)used < size; i++) {
        if (!*values[i])
            continue;
        used += snprintf(buf + used, size - (size_t)used, "%s%s%s%s", sep, labels[i], values[i],
                         i < 2 ? "'" : "");
        sep = ", ";
    }
    if (*sep == ',' && used > 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, ")");
}

int meta_load_lock(struct meta_db *db, const char *key, struct meta_error *err)
{
    PGconn *conn = meta_db_pg(db);
    const struct meta_load_wait *w = meta_db_load_wait(db);
    double seconds = w->seconds < 0 ? META_LOAD_WAIT_DEFAULT : w->seconds;
    char got[16];
    int ret = query_key(conn, "SELECT pg_try_advisory_xact_lock($1::bigint)", key, got, sizeof got,
                        "cannot take the load lock", err);
    if (ret != META_OK || strcmp(got, "t") == 0)
        return ret;

    struct meta_lock_holder holder;
    find_holder(conn, key, &holder);
    if (w->on_wait)
        w->on_wait(&holder, seconds, w->ctx);
    /* lock_timeout counts milliseconds; 0 would mean no limit at all. */
    double ms = ceil(seconds * 1000.0);
    char timeout[64];
    snprintf(timeout, sizeof timeout, "SET LOCAL lock_timeout = %.0f",
             ms < 1              ? 1
             : ms > 2147483647.0 ? 2147483647.0
                                 : ms);
    if ((ret = meta_pg_exec(conn, timeout, err, "cannot set the wait for the load lock")) !=
        META_OK)
        return ret;
    PGresult *res = PQexecParams(conn, "SELECT pg_advisory_xact_lock($1::bigint)", 1, NULL,
                                 (const char *[]){key}, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        PQclear(res);
        return meta_pg_exec(conn, "SET LOCAL lock_timeout = DEFAULT", err,
                            "cannot reset the wait for the load lock");
    }
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "55P03") == 0) { /* lock_not_available */
        char who[300];
        meta_lock_holder_describe(who, sizeof who, &holder);
        ret = meta_error_set(err, META_EDB,
                             "gave up waiting %g seconds for the load lock, held by %s; try "
                             "again later, or wait longer with --wait SECONDS",
                             seconds, who);
    } else {
        ret = meta_pg_error(err, conn, res, "cannot take the load lock");
    }
    PQclear(res);
    return ret;
}
