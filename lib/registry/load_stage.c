/*
 * Staging the rows of one load (see load_stage.h): every valid row or
 * record, whatever its source, goes through meta_load_stage_row into one
 * COPY stream to a temporary table; memory holds one COPY buffer, whatever
 * the size of the load. Also the words of the problems found later in SQL:
 * the file a staged row came from and the column of a field in it.
 */
#include "load_stage.h"

#include "pg_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows are sent to the server in pieces of about this size. */
#define COPY_FLUSH_BYTES (256 * 1024)

static const char create_stage_sql[] =
    "CREATE TEMP TABLE " META_STAGE_TABLE " ("
    " file_no integer NOT NULL, line bigint NOT NULL,"
    " trial_line bigint, treatment_line bigint, outcome_line bigint,"
    " trial text NOT NULL, arm text NOT NULL, treatment text NOT NULL, outcome text NOT NULL,"
    " timepoint text NOT NULL, kind text NOT NULL,"
    " n integer, mean double precision, sd double precision, events integer, total integer,"
    " attrs text, extra text) ON COMMIT DROP;"
    "CREATE TEMP TABLE meta_stage_files (file_no integer PRIMARY KEY, load_id bigint NOT NULL)"
    " ON COMMIT DROP";

/* The estimate rows, their fields unpacked; %s is their condition (or
 * false, for a load without estimates, which then reads no row). */
static const char split_sql_fmt[] =
    "CREATE TEMP TABLE meta_stage_est ON COMMIT DROP AS"
    " SELECT s.file_no, s.line, s.trial_line, s.treatment_line, s.outcome_line,"
    "        (e ->> 'measure_line')::bigint AS measure_line,"
    "        s.trial, s.treatment, e ->> 'control' AS control, s.outcome, s.timepoint, s.kind,"
    "        e ->> 'measure' AS measure, coalesce(e ->> 'method', '') AS method,"
    "        coalesce((e ->> 'log_scale')::boolean, false) AS log_scale,"
    "        (e ->> 'estimate')::float8 AS estimate, (e ->> 'se')::float8 AS se,"
    "        (e ->> 'se_given')::boolean AS se_given,"
    "        (e ->> 'ci_lower')::float8 AS ci_lower, (e ->> 'ci_upper')::float8 AS ci_upper,"
    "        (e ->> 'level')::float8 AS level,"
    "        (e ->> 'n_treatment')::integer AS n_treatment,"
    "        (e ->> 'n_control')::integer AS n_control, (x -> 'attrs')::text AS rattrs,"
    "        x ->> 'place' AS place, x ->> 'origin' AS origin"
    " FROM " META_STAGE_TABLE " s"
    " CROSS JOIN LATERAL (SELECT s.extra::jsonb AS x, s.extra::jsonb -> 'est' AS e) j WHERE %s";

/* ---- Messages ---------------------------------------------------------------- */

size_t meta_load_column(const struct meta_loader *l, long long file_no, enum meta_load_col col)
{
    if (file_no < 0 || (size_t)file_no >= l->nfiles || !l->files[file_no].csv)
        return 0;
    if (l->files[file_no].col[col] < 0)
        return 1;
    return (size_t)l->files[file_no].col[col] + 1;
}

const char *meta_load_file_name(const struct meta_loader *l, long long file_no)
{
    return file_no >= 0 && (size_t)file_no < l->nfiles ? l->files[file_no].name : "?";
}

const char *meta_load_origin_name(const struct meta_loader *l, long long file_no,
                                  const char *origin)
{
    return origin && *origin ? origin : meta_load_file_name(l, file_no);
}

void meta_load_report_at(struct meta_loader *l, long long file_no, const char *origin, long line,
                         enum meta_load_col col, const char *place, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t column = meta_load_column(l, file_no, col);
    const char *file = meta_load_origin_name(l, file_no, origin);
    if (column == 0 && place && *place)
        meta_load_errors_at(&l->errs, file, line, 0, "%s: %s", place, what);
    else
        meta_load_errors_at(&l->errs, file, line, column, "%s", what);
}

/* ---- The COPY stream ---------------------------------------------------------- */

static int flush_copy(struct meta_loader *l, struct meta_error *err)
{
    struct meta_load_buf *b = &l->copy;
    if (b->nomem)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (b->len > 0 && PQputCopyData(l->conn, b->data, (int)b->len) != 1)
        return meta_pg_error(err, l->conn, NULL, "cannot send rows to the database");
    meta_load_buf_reset(b);
    return META_OK;
}

/* Ends the COPY; with abort_msg the server discards what it received. */
static int end_copy(PGconn *conn, const char *abort_msg, struct meta_error *err)
{
    int ret = META_OK;
    if (PQputCopyEnd(conn, abort_msg) != 1)
        ret = meta_pg_error(err, conn, NULL, "cannot send rows to the database");
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (ret == META_OK && !abort_msg && PQresultStatus(res) != PGRES_COMMAND_OK)
            ret = meta_pg_error(err, conn, res, "cannot stage the rows");
        PQclear(res);
    }
    return ret;
}

int meta_load_stage_begin(struct meta_loader *l, struct meta_error *err)
{
    int ret;
    /* Hash tables for the set-wise checks stay in memory up to this size. */
    if ((ret = meta_pg_exec(l->conn, "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off", err,
                            "cannot configure the load")) ||
        (ret = meta_pg_exec(l->conn, "SET LOCAL client_encoding = 'UTF8'", err,
                            "cannot use UTF-8")) ||
        (ret = meta_pg_exec(l->conn, create_stage_sql, err, "cannot create the staging table")))
        return ret;
    PGresult *res =
        PQexec(l->conn, "COPY " META_STAGE_TABLE " (" META_STAGE_COLUMNS ") FROM STDIN");
    if (PQresultStatus(res) != PGRES_COPY_IN)
        ret = meta_pg_error(err, l->conn, res, "cannot start copying rows");
    else
        l->copying = 1;
    PQclear(res);
    return ret;
}

void meta_load_stage_abort(struct meta_loader *l)
{
    if (l->copying)
        end_copy(l->conn, "meta load: stopped", NULL);
    l->copying = 0;
}

/* A line number, or \N when it equals the row's line. */
static void put_line_or_null(struct meta_load_buf *b, long line, long row_line)
{
    if (line == row_line)
        META_LOAD_BUF_LITERAL(b, "\\N");
    else
        meta_load_buf_int(b, line);
    meta_load_buf_put(b, "\t", 1);
}

static void put_text(struct meta_load_buf *b, struct meta_load_text t)
{
    meta_load_buf_copy_field(b, t.s ? t.s : "", t.s ? t.len : 0);
    meta_load_buf_put(b, "\t", 1);
}

/* A number as the source wrote it (plain decimal text, blanks around it
 * already gone, which PostgreSQL reads to the same value), or as a record
 * gave it: integers exactly, doubles with 17 significant digits, which
 * read back to the same double. */
void meta_load_put_number(struct meta_load_buf *b, const struct meta_load_row *row,
                          enum meta_load_col col, double value, int integer)
{
    const struct meta_load_text *t = &row->num_text[col];
    if (t->s) {
        meta_load_buf_put(b, t->s, t->len);
        return;
    }
    if (integer) {
        meta_load_buf_int(b, (long long)value);
        return;
    }
    char num[40];
    int n = snprintf(num, sizeof num, "%.17g", value);
    meta_load_buf_put(b, num, n > 0 ? (size_t)n : 0);
}

static void put_number(struct meta_load_buf *b, const struct meta_load_row *row,
                       enum meta_load_col col, double value, int integer)
{
    meta_load_put_number(b, row, col, value, integer);
    meta_load_buf_put(b, "\t", 1);
}

/* The JSON in json as one COPY field (or \N when empty), and end (a tab,
 * or the line break after a row's last field). */
static void put_json(struct meta_load_buf *b, struct meta_load_buf *json, const char *end)
{
    if (json->nomem)
        b->nomem = 1;
    else if (json->len == 0)
        META_LOAD_BUF_LITERAL(b, "\\N");
    else
        meta_load_buf_copy_field(b, json->data, json->len);
    meta_load_buf_put(b, end, 1);
}

/* One key of the estimate's JSON object with a number as a string. */
static void json_number(struct meta_load_buf *j, const char *key, const struct meta_load_row *row,
                        enum meta_load_col col, double value, int integer)
{
    meta_load_buf_put(j, ",\"", 2);
    meta_load_buf_puts(j, key);
    meta_load_buf_put(j, "\":\"", 3);
    meta_load_put_number(j, row, col, value, integer);
    meta_load_buf_put(j, "\"", 1);
}

/* Appends the fields of an estimate row as a JSON object of strings (numbers
 * are plain decimal text, which needs no JSON escape). */
static void build_estimate(struct meta_load_buf *j, const struct meta_load_row *row)
{
    META_LOAD_BUF_LITERAL(j, "{\"control\":");
    meta_load_buf_json_string(j, row->control.s, row->control.len);
    META_LOAD_BUF_LITERAL(j, ",\"measure\":\"");
    meta_load_buf_puts(j, meta_load_measure_code(row->measure));
    META_LOAD_BUF_LITERAL(j, "\"");
    if (row->peto)
        META_LOAD_BUF_LITERAL(j, ",\"method\":\"peto\"");
    if (row->log_scale)
        META_LOAD_BUF_LITERAL(j, ",\"log_scale\":\"true\"");
    if (row->measure_line != row->line) {
        META_LOAD_BUF_LITERAL(j, ",\"measure_line\":\"");
        meta_load_buf_int(j, row->measure_line);
        META_LOAD_BUF_LITERAL(j, "\"");
    }
    json_number(j, "estimate", row, META_LOAD_COL_ESTIMATE, row->estimate, 0);
    if (row->se_given) {
        json_number(j, "se", row, META_LOAD_COL_SE, row->se, 0);
    } else {
        /* Derived from the interval: written in full. */
        struct meta_load_row derived = *row;
        derived.num_text[META_LOAD_COL_SE] = (struct meta_load_text){NULL, 0};
        json_number(j, "se", &derived, META_LOAD_COL_SE, row->se, 0);
    }
    meta_load_buf_puts(j, row->se_given ? ",\"se_given\":\"true\"" : ",\"se_given\":\"false\"");
    if (!isnan(row->ci_lower)) {
        json_number(j, "ci_lower", row, META_LOAD_COL_CI_LOWER, row->ci_lower, 0);
        json_number(j, "ci_upper", row, META_LOAD_COL_CI_UPPER, row->ci_upper, 0);
        json_number(j, "level", row, META_LOAD_COL_LEVEL, row->level, 0);
    }
    if (row->n_treatment > 0)
        json_number(j, "n_treatment", row, META_LOAD_COL_N_TREATMENT, row->n_treatment, 1);
    if (row->n_control > 0)
        json_number(j, "n_control", row, META_LOAD_COL_N_CONTROL, row->n_control, 1);
    META_LOAD_BUF_LITERAL(j, "}");
}

/* What only some rows have, as one JSON object into json (nothing for an
 * arm row of a CSV file, the common case): "est" the estimate's fields,
 * "attrs" the result's own attributes, "place" and "origin" a record's
 * finer location and file. */
static void build_extra(struct meta_load_buf *j, const struct meta_load_row *row)
{
    const char *sep = "{";
    meta_load_buf_reset(j);
    if (row->kind == META_LOAD_ESTIMATE) {
        META_LOAD_BUF_LITERAL(j, "{\"est\":");
        build_estimate(j, row);
        sep = ",";
    }
    if (row->n_result_attrs > 0) {
        meta_load_buf_puts(j, sep);
        META_LOAD_BUF_LITERAL(j, "\"attrs\":");
        meta_load_buf_json_attrs(j, row->result_attrs, row->n_result_attrs);
        sep = ",";
    }
    if (row->place.s && row->place.len > 0) {
        meta_load_buf_puts(j, sep);
        META_LOAD_BUF_LITERAL(j, "\"place\":");
        meta_load_buf_json_string(j, row->place.s, row->place.len);
        sep = ",";
    }
    if (row->origin.s && row->origin.len > 0) {
        meta_load_buf_puts(j, sep);
        META_LOAD_BUF_LITERAL(j, "\"origin\":");
        meta_load_buf_json_string(j, row->origin.s, row->origin.len);
        sep = ",";
    }
    if (*sep == ',')
        META_LOAD_BUF_LITERAL(j, "}");
}

int meta_load_stage_row(struct meta_loader *l, size_t file_no, const struct meta_load_row *row,
                        struct meta_error *err)
{
    struct meta_load_buf *b = &l->copy;
    struct meta_load_file *file = &l->files[file_no];
    file->rows++;
    if (row->kind == META_LOAD_ESTIMATE) {
        file->estimates++;
        l->any_estimates = 1;
    }
    if (row->n_result_attrs > 0)
        l->any_rattrs = 1;
    if (row->kind == META_LOAD_CONTINUOUS)
        l->any_continuous = 1;
    else if (row->kind == META_LOAD_BINARY)
        l->any_binary = 1;
    if (l->errs.count > 0)
        return META_OK; /* nothing will be stored: stop sending */

    meta_load_buf_int(b, (long long)file_no);
    meta_load_buf_put(b, "\t", 1);
    meta_load_buf_int(b, row->line);
    meta_load_buf_put(b, "\t", 1);
    put_line_or_null(b, row->trial_line, row->line);
    put_line_or_null(b, row->treatment_line, row->line);
    put_line_or_null(b, row->outcome_line, row->line);
    put_text(b, row->trial);
    put_text(b, row->arm);
    put_text(b, row->treatment);
    put_text(b, row->outcome);
    put_text(b, row->timepoint);
    if (row->kind == META_LOAD_CONTINUOUS) {
        META_LOAD_BUF_LITERAL(b, "continuous\t");
        put_number(b, row, META_LOAD_COL_N, row->n, 1);
        put_number(b, row, META_LOAD_COL_MEAN, row->mean, 0);
        put_number(b, row, META_LOAD_COL_SD, row->sd, 0);
        META_LOAD_BUF_LITERAL(b, "\\N\t\\N\t");
    } else if (row->kind == META_LOAD_BINARY) {
        META_LOAD_BUF_LITERAL(b, "binary\t\\N\t\\N\t\\N\t");
        put_number(b, row, META_LOAD_COL_EVENTS, row->events, 1);
        put_number(b, row, META_LOAD_COL_TOTAL, row->total, 1);
    } else {
        meta_load_buf_puts(b, meta_load_measure_kind(row->measure));
        META_LOAD_BUF_LITERAL(b, "\t\\N\t\\N\t\\N\t\\N\t\\N\t");
    }
    meta_load_buf_reset(&l->json);
    meta_load_buf_json_attrs(&l->json, row->arm_attrs, row->n_arm_attrs);
    put_json(b, &l->json, "\t");
    build_extra(&l->json, row);
    put_json(b, &l->json, "\n");
    if (b->len >= COPY_FLUSH_BYTES || b->nomem)
        return flush_copy(l, err);
    return META_OK;
}

int meta_load_stage_end(struct meta_loader *l, struct meta_error *err)
{
    int ret = META_OK;
    if (l->errs.count == 0)
        ret = flush_copy(l, err);
    if (ret != META_OK)
        return ret;
    l->copying = 0;
    if (l->errs.count > 0) {
        /* Nothing will be stored; the rollback discards what was staged. */
        end_copy(l->conn, "meta load: the input has errors", NULL);
        return META_OK;
    }
    if ((ret = end_copy(l->conn, NULL, err)) != META_OK)
        return ret;
    char split[sizeof split_sql_fmt + 32];
    snprintf(split, sizeof split, split_sql_fmt, l->any_estimates ? "s.arm = ''" : "false");
    if ((ret = meta_pg_exec(l->conn, split, err, "cannot stage the estimate rows")))
        return ret;
    if (l->any_estimates && (ret = meta_pg_exec(l->conn,
                                                "DELETE FROM " META_STAGE_TABLE " WHERE arm = '';"
                                                "ANALYZE meta_stage_est",
                                                err, "cannot stage the estimate rows")))
        return ret;
    /* Statistics of the columns the checks and the merge join and group on. */
    return meta_pg_exec(l->conn,
                        "ANALYZE " META_STAGE_TABLE
                        " (file_no, line, trial, arm, treatment, outcome, timepoint, kind, attrs)",
                        err, "cannot analyze the staged rows");
}

int meta_load_stage_loads(struct meta_loader *l, struct meta_error *err)
{
    int ret = META_OK;
    for (size_t i = 0; i < l->nfiles && ret == META_OK; i++) {
        struct meta_load_file *f = &l->files[i];
        char rows[32], file_no[32];
        snprintf(rows, sizeof rows, "%lld", f->rows);
        snprintf(file_no, sizeof file_no, "%zu", i);
        const char *params[4] = {f->name, f->sha256, rows, file_no};
        PGresult *res = PQexecParams(
            l->conn,
            "WITH l AS (INSERT INTO loads (file_name, sha256, row_count) VALUES ($1, $2, $3) "
            "           RETURNING load_id) "
            "INSERT INTO meta_stage_files (file_no, load_id) SELECT $4, load_id FROM l "
            "RETURNING load_id",
            4, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
            ret = meta_pg_error(err, l->conn, res, "cannot record the load of %s", f->name);
        else
            f->load_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
    }
    return ret;
}

int meta_load_count_results(struct meta_loader *l, const char *sql, int replaced,
                            struct meta_load_report *report, struct meta_error *err)
{
    PGresult *res = PQexec(l->conn, sql);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23505") == 0)
            ret = META_EINVAL;
        else
            ret = meta_pg_error(err, l->conn, res, "cannot store the results");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        long long load_id = meta_pg_int(res, r, "load_id");
        for (size_t i = 0; i < l->nfiles; i++) {
            if (l->files[i].load_id != load_id)
                continue;
            if (replaced)
                report->files[i].replaced += meta_pg_int(res, r, "n");
            else
                report->files[i].inserted += meta_pg_int(res, r, "n");
        }
    }

cleanup:
    PQclear(res);
    return ret;
}
