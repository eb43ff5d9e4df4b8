/*
 * Recording runs of analysis files (see meta_db_runs_record): every run of
 * one `meta run` in one COPY and one transaction, whatever the session's
 * default; numbers with the digits that read back as the same double.
 * Thousands of runs cost one round trip and what the server needs to store
 * the rows.
 */
#include "csv_reader.h"
#include "load_copy.h"
#include "meta_decimal.h"
#include "pg_util.h"
#include "runs_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The columns of a record, in the order of the COPY rows below. */
static const char copy_sql[] =
    "COPY analysis_runs (path, file_sha256, options, outcome_id, data_version, data_timepoints,"
    " fingerprint, load_ids, k, measure, log_scale, estimate, ci_lower, ci_upper, tau2, i2, p, "
    "conclusion, subgroup_totals)"
    " FROM STDIN";

/* A text field; an absent one (NULL) as the empty text. */
static void field(struct meta_load_buf *b, const char *s)
{
    if (s)
        meta_load_buf_copy_field(b, s, strlen(s));
    META_LOAD_BUF_LITERAL(b, "\t");
}

static void integer(struct meta_load_buf *b, long long v)
{
    meta_load_buf_int(b, v);
    META_LOAD_BUF_LITERAL(b, "\t");
}

/* A double with the fewest digits that read back as the same value; NAN
 * and infinities as NULL. */
static void number(struct meta_load_buf *b, double v, const char *end)
{
    if (isfinite(v)) {
        char digits[40];
        meta_load_buf_put(b, digits, meta_shortest_double(digits, sizeof digits, v));
    } else {
        META_LOAD_BUF_LITERAL(b, "\\N");
    }
    meta_load_buf_puts(b, end);
}

/* One record as a row of COPY's text format. */
static void record_row(struct meta_load_buf *b, const struct meta_run_record *r)
{
    field(b, r->path);
    field(b, r->file_sha256);
    field(b, r->options_json ? r->options_json : "{}");
    integer(b, r->state->outcome_id);
    integer(b, r->state->data_version);
    if (r->state->data_timepoints < 0)
        META_LOAD_BUF_LITERAL(b, "\\N\t");
    else
        integer(b, r->state->data_timepoints);
    field(b, r->fingerprint);
    META_LOAD_BUF_LITERAL(b, "{");
    for (size_t i = 0; i < r->n_loads; i++) {
        if (i)
            META_LOAD_BUF_LITERAL(b, ",");
        meta_load_buf_int(b, r->load_ids[i]);
    }
    META_LOAD_BUF_LITERAL(b, "}\t");
    integer(b, r->result.k);
    field(b, r->result.measure);
    field(b, r->result.log_scale ? "t" : "f");
    number(b, r->result.estimate, "\t");
    number(b, r->result.ci_lower, "\t");
    number(b, r->result.ci_upper, "\t");
    number(b, r->result.tau2, "\t");
    number(b, r->result.I2, "\t");
    number(b, r->result.p, "\t");
    meta_load_buf_copy_field(b, r->result.conclusion, strlen(r->result.conclusion));
    if (r->result.totals_only) {
        META_LOAD_BUF_LITERAL(b, "\t");
        meta_load_buf_int(b, r->result.n_subgroups);
        META_LOAD_BUF_LITERAL(b, "\n");
    } else {
        META_LOAD_BUF_LITERAL(b, "\t\\N\n");
    }
}

static int utf8(const char *s)
{
    size_t bad;
    return !s || meta_csv_utf8_valid(s, strlen(s), &bad);
}

/* Sends the rows of b through the COPY started on conn and ends it. */
static int copy_rows(PGconn *conn, const struct meta_load_buf *b, struct meta_error *err)
{
    int sent = PQputCopyData(conn, b->data, (int)b->len) == 1;
    if (PQputCopyEnd(conn, sent ? NULL : "the client could not send the runs") != 1)
        return meta_pg_error(err, conn, NULL, "cannot record the runs");
    PGresult *res = PQgetResult(conn);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        ret = meta_pg_error(err, conn, res, "cannot record the runs");
        meta_pg_one_line(err->msg);
        /* class 23: a record the table's constraints refuse */
        if (state && strncmp(state, "23", 2) == 0)
            ret = META_EINVAL;
    }
    PQclear(res);
    while ((res = PQgetResult(conn)) != NULL)
        PQclear(res);
    return ret;
}

int meta_db_runs_record(struct meta_db *db, const struct meta_run_record *runs, size_t n,
                        struct meta_error *err)
{
    if (n == 0)
        return META_OK;
    for (size_t i = 0; i < n; i++)
        if (!utf8(runs[i].path) || !utf8(runs[i].options_json))
            return meta_error_set(err, META_EINVAL,
                                  "cannot record a run of '%s': its path or options are not "
                                  "valid UTF-8",
                                  runs[i].path);
    PGconn *conn = meta_db_pg(db);
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        return meta_error_set(err, META_EINVAL, "runs are recorded outside any transaction");
    struct meta_load_buf b = {0};
    for (size_t i = 0; i < n; i++)
        record_row(&b, &runs[i]);
    if (b.nomem) {
        meta_load_buf_release(&b);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    int ret = meta_pg_exec(conn, "BEGIN READ WRITE", err, "cannot record the runs");
    if (ret == META_OK) {
        PGresult *res = PQexec(conn, copy_sql);
        if (PQresultStatus(res) != PGRES_COPY_IN)
            ret = meta_pg_error(err, conn, res, "cannot record the runs");
        PQclear(res);
    }
    if (ret == META_OK)
        ret = copy_rows(conn, &b, err);
    if (ret == META_OK)
        ret = meta_pg_exec(conn, "COMMIT", err, "cannot record the runs");
    else if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));
    meta_load_buf_release(&b);
    return ret;
}
