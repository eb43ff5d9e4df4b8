/*
 * Recording runs while more are computed (meta_runs_stream_new): the COPY
 * of meta_db_runs_record on a second connection to the same server, opened
 * and fed without blocking as the runs come, so that what is left after the
 * last one is the end of the COPY and the COMMIT.
 */
#include "pg_util.h"
#include "runs_internal.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

enum stream_state {
    STREAM_IDLE,       /* no run yet, no connection */
    STREAM_CONNECTING, /* PQconnectStartParams under way */
    STREAM_STARTING,   /* BEGIN and COPY sent, COPY's answer awaited */
    STREAM_COPYING,    /* rows may be sent */
    STREAM_FAILED      /* err holds why; nothing will be recorded */
};

struct meta_runs_stream {
    struct meta_db *db;
    PGconn *conn;
    enum stream_state state;
    PostgresPollingStatusType polling; /* what the connecting waits for */
    struct meta_load_buf rows;         /* formatted, not yet handed to libpq */
    size_t n;
    int ret;     /* the failure's status, once STREAM_FAILED */
    int refused; /* a run's path or options are not UTF-8 */
    struct meta_error err;
};

/* Migrations' NOTICEs and the like: users need none. */
static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void fail(struct meta_runs_stream *s, int ret)
{
    s->state = STREAM_FAILED;
    s->ret = ret;
}

/* The value of option `keyword` for the new connection: the server db's
 * connection reached (not the list it chose from), else db's own. */
static const char *option(PGconn *db, const PQconninfoOption *o)
{
    const char *reached = NULL;
    if (strcmp(o->keyword, "host") == 0)
        reached = PQhost(db);
    else if (strcmp(o->keyword, "hostaddr") == 0)
        reached = PQhostaddr(db);
    else if (strcmp(o->keyword, "port") == 0)
        reached = PQport(db);
    return reached && *reached ? reached : o->val;
}

/* Starts a connection with the parameters of db's, to the same server. */
static void start(struct meta_runs_stream *s)
{
    PGconn *db = meta_db_pg(s->db);
    PQconninfoOption *opts = PQconninfo(db);
    size_t n = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        n++;
    const char **keys = calloc(n + 1, sizeof *keys), **values = calloc(n + 1, sizeof *values);
    if (!opts || !keys || !values) {
        meta_error_set(&s->err, META_ENOMEM, "out of memory");
        fail(s, META_ENOMEM);
    } else {
        size_t m = 0;
        for (PQconninfoOption *o = opts; o->keyword; o++) {
            const char *val = option(db, o);
            if (val && *val) {
                keys[m] = o->keyword;
                values[m++] = val;
            }
        }
        s->conn = PQconnectStartParams(keys, values, 0);
        s->state = STREAM_CONNECTING;
        s->polling = PGRES_POLLING_WRITING;
        if (!s->conn || PQstatus(s->conn) == CONNECTION_BAD) {
            s->polling = PGRES_POLLING_FAILED;
        }
    }
    free(keys);
    free(values);
    PQconninfoFree(opts);
}

/* Whether the connection's socket is ready for what the connecting waits
 * for, waiting for it when `wait`. */
static int ready(const struct meta_runs_stream *s, int wait)
{
    struct pollfd p = {PQsocket(s->conn),
                       (short)(s->polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    return poll(&p, 1, wait ? -1 : 0) > 0;
}

/* Takes the stream as far as it goes without waiting (or, when `wait`, to
 * STREAM_COPYING or STREAM_FAILED), and hands the rows formatted to libpq. */
static void advance(struct meta_runs_stream *s, int wait)
{
    while (s->state == STREAM_CONNECTING) {
        if (s->polling == PGRES_POLLING_FAILED) {
            char msg[2048];
            snprintf(msg, sizeof msg, "%s", s->conn ? PQerrorMessage(s->conn) : "out of memory");
            meta_pg_one_line(msg);
            meta_error_set(&s->err, META_EDB,
                           "cannot record the runs: cannot connect to the database: %s", msg);
            fail(s, META_EDB);
            return;
        }
        if (s->polling == PGRES_POLLING_OK) {
            PQsetNoticeProcessor(s->conn, quiet_notices, NULL);
            char sql[512];
            snprintf(sql, sizeof sql, "BEGIN READ WRITE; %s", meta_runs_copy_sql);
            if (PQsetnonblocking(s->conn, 1) != 0 || !PQsendQuery(s->conn, sql)) {
                fail(s, meta_pg_error(&s->err, s->conn, NULL, "cannot record the runs"));
                return;
            }
            s->state = STREAM_STARTING;
            break;
        }
        if (!ready(s, wait))
            return;
        s->polling = PQconnectPoll(s->conn);
    }
    while (s->state == STREAM_STARTING) {
        if (PQflush(s->conn) < 0 || !PQconsumeInput(s->conn)) {
            fail(s, meta_pg_error(&s->err, s->conn, NULL, "cannot record the runs"));
            return;
        }
        if (PQisBusy(s->conn)) {
            if (!wait)
                return;
            struct pollfd p = {PQsocket(s->conn), POLLIN, 0};
            poll(&p, 1, -1);
            continue;
        }
        PGresult *res = PQgetResult(s->conn);
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COPY_IN)
            s->state = STREAM_COPYING;
        else if (status != PGRES_COMMAND_OK)
            fail(s, meta_pg_error(&s->err, s->conn, res, "cannot record the runs"));
        PQclear(res);
    }
    if (s->state == STREAM_COPYING && s->rows.len > 0) {
        if (PQputCopyData(s->conn, s->rows.data, (int)s->rows.len) != 1 || PQflush(s->conn) < 0) {
            fail(s, meta_pg_error(&s->err, s->conn, NULL, "cannot record the runs"));
            return;
        }
        meta_load_buf_reset(&s->rows);
    }
}

struct meta_runs_stream *meta_runs_stream_new(struct meta_db *db)
{
    struct meta_runs_stream *s = calloc(1, sizeof *s);
    if (s)
        s->db = db;
    return s;
}

void meta_runs_stream_add(struct meta_runs_stream *s, const struct meta_run_record *r)
{
    s->n++;
    if (s->refused)
        return;
    /* A run that cannot be recorded is the failure reported, whatever
     * failed before it, as meta_db_runs_record checks every run first. */
    struct meta_error why;
    if (meta_runs_copy_row(&s->rows, r, &why) != META_OK) {
        s->refused = 1;
        s->err = why;
        fail(s, META_EINVAL);
        return;
    }
    if (s->state == STREAM_FAILED) {
        meta_load_buf_reset(&s->rows);
        return;
    }
    if (s->rows.nomem) {
        meta_error_set(&s->err, META_ENOMEM, "out of memory");
        fail(s, META_ENOMEM);
        return;
    }
    if (s->state == STREAM_IDLE)
        start(s);
    advance(s, 0);
}

size_t meta_runs_stream_count(const struct meta_runs_stream *s)
{
    return s->n;
}

int meta_runs_stream_commit(struct meta_runs_stream *s, struct meta_error *err)
{
    if (s->state == STREAM_IDLE)
        return META_OK;
    advance(s, 1);
    /* libpq leaves non-blocking mode only with its output sent */
    int pending;
    while (s->state == STREAM_COPYING && (pending = PQflush(s->conn)) != 0) {
        struct pollfd p = {PQsocket(s->conn), POLLIN | POLLOUT, 0};
        if (pending < 0 ||
            (poll(&p, 1, -1) > 0 && (p.revents & POLLIN) && !PQconsumeInput(s->conn)))
            fail(s, meta_pg_error(&s->err, s->conn, NULL, "cannot record the runs"));
    }
    if (s->state == STREAM_COPYING && PQsetnonblocking(s->conn, 0) != 0)
        fail(s, meta_pg_error(&s->err, s->conn, NULL, "cannot record the runs"));
    if (s->state == STREAM_COPYING) {
        int ret = meta_runs_copy_end(s->conn, NULL, &s->err);
        if (ret == META_OK)
            ret = meta_pg_exec(s->conn, "COMMIT", &s->err, "cannot record the runs");
        if (ret != META_OK)
            fail(s, ret);
    }
    PQfinish(s->conn);
    s->conn = NULL;
    if (s->state == STREAM_FAILED) {
        *err = s->err;
        return s->ret;
    }
    s->state = STREAM_IDLE;
    return META_OK;
}

void meta_runs_stream_free(struct meta_runs_stream *s)
{
    if (!s)
        return;
    PQfinish(s->conn); /* a COPY not ended: its transaction never commits */
    meta_load_buf_release(&s->rows);
    free(s);
}
