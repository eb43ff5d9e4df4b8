/*
 * meta_reg_load (see load.h): one transaction for all files of a call. Each
 * file is read once, its rows checked in C as they stream and sent through
 * COPY into a temporary staging table; memory holds one record and one COPY
 * buffer, whatever the size of the file. The rules that span rows and the
 * merge then run set-wise in SQL (load_check.c, load_merge.c).
 */
#include "load.h"

#include "load_copy.h"
#include "load_lock.h"
#include "load_stage.h"
#include "pg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rows are sent to the server in pieces of about this size. */
#define COPY_FLUSH_BYTES (256 * 1024)

/* The key of the transaction-level advisory lock that makes loads run one
 * after the other: the bytes of "metaload". */
#define LOAD_LOCK_KEY "7882826103418319204"

void meta_load_report_init(struct meta_load_report *r)
{
    memset(r, 0, sizeof *r);
    meta_load_errors_init(&r->errors);
}

void meta_load_report_release(struct meta_load_report *r)
{
    for (size_t i = 0; r->files && i < r->nfiles; i++)
        free(r->files[i].name);
    free(r->files);
    meta_load_errors_release(&r->errors);
    meta_load_report_init(r);
}

size_t meta_load_column(const struct meta_load_run *run, long long file_no, enum meta_load_col col)
{
    if (file_no < 0 || (size_t)file_no >= run->nfiles || run->files[file_no].col[col] < 0)
        return 1;
    return (size_t)run->files[file_no].col[col] + 1;
}

/* ---- Streaming one file ---------------------------------------------------- */

struct stream {
    struct meta_load_run *run;
    struct meta_load_file *file;
    size_t file_no;
    struct meta_load_layout layout;
    int have_layout;
    int header_bad;    /* the header broke a rule: the rows cannot be read */
    long long records; /* records seen, header included */
    struct meta_load_buf *copy;
    struct meta_load_buf json;
    struct meta_error *err;
};

static int flush_copy(struct meta_load_run *run, struct meta_load_buf *b, struct meta_error *err)
{
    if (b->nomem)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (b->len > 0 && PQputCopyData(run->conn, b->data, (int)b->len) != 1)
        return meta_pg_error(err, run->conn, NULL, "cannot send rows to the database");
    meta_load_buf_reset(b);
    return META_OK;
}

/* A line number, or \N when it equals the record's line. */
static void put_line_or_null(struct meta_load_buf *b, long line, long rec_line)
{
    if (line == rec_line)
        meta_load_buf_puts(b, "\\N");
    else
        meta_load_buf_int(b, line);
}

static void put_field(struct meta_load_buf *b, const struct meta_csv_field *f)
{
    meta_load_buf_copy_field(b, f->value, f->len);
    meta_load_buf_put(b, "\t", 1);
}

/* The non-empty attribute columns of rec as a JSON object, or \N. */
static void put_attrs(struct stream *s, const struct meta_csv_record *rec)
{
    struct meta_load_buf *j = &s->json;
    meta_load_buf_reset(j);
    for (size_t i = 0; i < s->layout.nattrs; i++) {
        const struct meta_csv_field *f = &rec->fields[s->layout.attr_col[i]];
        if (f->len == 0)
            continue;
        meta_load_buf_put(j, j->len ? "," : "{", 1);
        meta_load_buf_json_string(j, s->layout.attr_name[i], strlen(s->layout.attr_name[i]));
        meta_load_buf_put(j, ":", 1);
        meta_load_buf_json_string(j, f->value, f->len);
    }
    if (j->len == 0) {
        meta_load_buf_puts(s->copy, "\\N");
        return;
    }
    meta_load_buf_put(j, "}", 1);
    if (j->nomem)
        s->copy->nomem = 1;
    else
        meta_load_buf_copy_field(s->copy, j->data, j->len);
}

/* One row in the column order of META_STAGE_COLUMNS. */
static void put_row(struct stream *s, const struct meta_csv_record *rec,
                    const struct meta_load_row *row)
{
    struct meta_load_buf *b = s->copy;
    meta_load_buf_int(b, (long long)s->file_no);
    meta_load_buf_put(b, "\t", 1);
    meta_load_buf_int(b, rec->line);
    meta_load_buf_put(b, "\t", 1);
    put_line_or_null(b, row->trial->line, rec->line);
    meta_load_buf_put(b, "\t", 1);
    put_line_or_null(b, row->treatment->line, rec->line);
    meta_load_buf_put(b, "\t", 1);
    put_line_or_null(b, row->outcome->line, rec->line);
    meta_load_buf_put(b, "\t", 1);
    put_field(b, row->trial);
    put_field(b, row->arm);
    put_field(b, row->treatment);
    put_field(b, row->outcome);
    meta_load_buf_copy_field(b, row->timepoint, row->timepoint_len);
    meta_load_buf_put(b, "\t", 1);
    /* The numbers go as the file wrote them: meta_load_row_check accepted
     * only plain decimal text, which PostgreSQL reads to the same value. */
    if (row->kind == META_LOAD_CONTINUOUS) {
        const struct meta_csv_field *f = rec->fields;
        const int *col = s->layout.col;
        meta_load_buf_puts(b, "continuous\t");
        put_field(b, &f[col[META_LOAD_COL_N]]);
        put_field(b, &f[col[META_LOAD_COL_MEAN]]);
        put_field(b, &f[col[META_LOAD_COL_SD]]);
        meta_load_buf_puts(b, "\\N\t\\N\t");
    } else {
        const struct meta_csv_field *f = rec->fields;
        const int *col = s->layout.col;
        meta_load_buf_puts(b, "binary\t\\N\t\\N\t\\N\t");
        put_field(b, &f[col[META_LOAD_COL_EVENTS]]);
        put_field(b, &f[col[META_LOAD_COL_TOTAL]]);
    }
    put_attrs(s, rec);
    meta_load_buf_put(b, "\n", 1);
}

static int on_record(const struct meta_csv_record *rec, void *ctx)
{
    struct stream *s = ctx;
    s->records++;
    if (s->have_layout && meta_load_row_blank(rec))
        return META_OK; /* a row of empty fields, as spreadsheets leave */
    if (!s->have_layout) {
        int rc = meta_load_layout_init(&s->layout, s->file->name, rec, s->run->errs);
        if (rc == META_EINVAL) {
            s->header_bad = 1;
            return META_EINVAL; /* stop reading this file */
        }
        if (rc != META_OK)
            return meta_error_set(s->err, rc, "out of memory");
        s->have_layout = 1;
        memcpy(s->file->col, s->layout.col, sizeof s->file->col);
        s->file->has_attrs = s->layout.nattrs > 0;
        s->run->any_attrs |= s->file->has_attrs;
        return META_OK;
    }
    struct meta_load_row row;
    if (meta_load_row_check(&s->layout, s->file->name, rec, &row, s->run->errs) != META_OK)
        return META_OK; /* reported; go on looking for more problems */
    s->file->rows++;
    if (s->run->errs->count > 0)
        return META_OK; /* nothing will be stored: stop sending */
    put_row(s, rec, &row);
    if (s->copy->len >= COPY_FLUSH_BYTES || s->copy->nomem)
        return flush_copy(s->run, s->copy, s->err);
    return META_OK;
}

/* Reads and streams file i. Problems in the file go to run->errs and
 * META_OK is returned; META_EDB or META_ENOMEM stop the whole load. */
static int stream_file(struct meta_load_run *run, size_t i, struct meta_load_buf *copy,
                       struct meta_error *err)
{
    struct meta_load_file *file = &run->files[i];
    struct stream s = {.run = run, .file = file, .file_no = i, .copy = copy, .err = err};
    struct meta_error rerr;
    meta_error_clear(&rerr);
    for (int c = 0; c < META_LOAD_NCOLS; c++)
        file->col[c] = -1;
    /* One file given twice would make every row a repeated key: say so once. */
    struct stat st;
    if (stat(file->name, &st) == 0 && S_ISREG(st.st_mode)) {
        file->identified = 1;
        file->dev = st.st_dev;
        file->ino = st.st_ino;
        for (size_t j = 0; j < i; j++) {
            if (run->files[j].identified && run->files[j].dev == st.st_dev &&
                run->files[j].ino == st.st_ino) {
                meta_load_errors_at(run->errs, file->name, 1, 1, "the same file as %s, given twice",
                                    run->files[j].name);
                return META_OK;
            }
        }
    }
    int rc = meta_csv_read(file->name, file->name, on_record, &s, file->sha256, &rerr);
    if (s.have_layout)
        meta_load_layout_release(&s.layout);
    meta_load_buf_release(&s.json);
    if (rc == META_OK && s.records == 0) {
        meta_load_errors_at(run->errs, file->name, 1, 1, "file is empty (expected a header row)");
        return META_OK;
    }
    if (rc == META_OK || (rc == META_EINVAL && s.header_bad))
        return META_OK;
    if (rc == META_EINVAL || rc == META_EIO) {
        run->io_failed |= rc == META_EIO;
        meta_load_errors_add(run->errs, rerr.msg);
        return META_OK;
    }
    if (rc == META_EDB || rc == META_ENOMEM) {
        if (err->msg[0] == '\0')
            meta_error_set(err, rc, "%s", rerr.msg[0] ? rerr.msg : meta_strstatus(rc));
        return rc;
    }
    return meta_error_set(err, rc, "%s", rerr.msg);
}

/* ---- The transaction ------------------------------------------------------- */

static int exec_ok(PGconn *conn, struct meta_error *err, const char *what, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int ret = META_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        ret = meta_pg_error(err, conn, res, "%s", what);
    PQclear(res);
    return ret;
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

static int start_copy(PGconn *conn, struct meta_error *err)
{
    PGresult *res = PQexec(conn, "COPY " META_STAGE_TABLE " (" META_STAGE_COLUMNS ") FROM STDIN");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COPY_IN)
        ret = meta_pg_error(err, conn, res, "cannot start copying rows");
    PQclear(res);
    return ret;
}

/* Records each file in loads and maps file_no to its load in meta_stage_files. */
static int insert_loads(struct meta_load_run *run, struct meta_error *err)
{
    int ret = META_OK;
    for (size_t i = 0; i < run->nfiles && ret == META_OK; i++) {
        struct meta_load_file *f = &run->files[i];
        char rows[32], file_no[32];
        snprintf(rows, sizeof rows, "%lld", f->rows);
        snprintf(file_no, sizeof file_no, "%zu", i);
        const char *params[4] = {f->name, f->sha256, rows, file_no};
        PGresult *res = PQexecParams(
            run->conn,
            "WITH l AS (INSERT INTO loads (file_name, sha256, row_count) VALUES ($1, $2, $3) "
            "           RETURNING load_id) "
            "INSERT INTO meta_stage_files (file_no, load_id) SELECT $4, load_id FROM l "
            "RETURNING load_id",
            4, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
            ret = meta_pg_error(err, run->conn, res, "cannot record the load of %s", f->name);
        else
            f->load_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
    }
    return ret;
}

static const char create_stage_sql[] =
    "CREATE TEMP TABLE " META_STAGE_TABLE " ("
    " file_no integer NOT NULL, line bigint NOT NULL,"
    " trial_line bigint, treatment_line bigint, outcome_line bigint,"
    " trial text NOT NULL, arm text NOT NULL, treatment text NOT NULL, outcome text NOT NULL,"
    " timepoint text NOT NULL, kind text NOT NULL,"
    " n integer, mean double precision, sd double precision, events integer, total integer,"
    " attrs text) ON COMMIT DROP;"
    "CREATE TEMP TABLE meta_stage_files (file_no integer PRIMARY KEY, load_id bigint NOT NULL)"
    " ON COMMIT DROP";

/* Everything between BEGIN and COMMIT. Returns META_EINVAL when the input
 * broke a rule (run->errs says which), else META_OK or the failure. */
static int load_in_transaction(struct meta_load_run *run, struct meta_load_report *report,
                               struct meta_error *err)
{
    PGconn *conn = run->conn;
    struct meta_load_buf copy = {0};
    int copying = 0;
    int ret;

    /* Hash tables for the set-wise checks stay in memory up to this size. */
    if ((ret = exec_ok(conn, err, "cannot configure the load",
                       "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off")) ||
        (ret = exec_ok(conn, err, "cannot use UTF-8", "SET LOCAL client_encoding = 'UTF8'")) ||
        (ret = exec_ok(conn, err, "cannot create the staging table", create_stage_sql)) ||
        (ret = start_copy(conn, err)))
        goto cleanup;
    copying = 1;
    for (size_t i = 0; i < run->nfiles; i++)
        if ((ret = stream_file(run, i, &copy, err)) != META_OK)
            goto cleanup;
    if (run->errs->count == 0 && (ret = flush_copy(run, &copy, err)) != META_OK)
        goto cleanup;
    copying = 0;
    if (run->errs->count > 0) {
        /* Nothing will be stored; the rollback discards what was staged. */
        end_copy(conn, "meta load: the input has errors", err);
        ret = META_EINVAL;
        goto cleanup;
    }
    if ((ret = end_copy(conn, NULL, err)) != META_OK)
        goto cleanup;
    if ((ret = exec_ok(conn, err, "cannot analyze the staged rows", "ANALYZE " META_STAGE_TABLE)) ||
        (ret = meta_load_prepare(run, err)))
        goto cleanup;
    /* From here on the registry is read and written: one load at a time, and
     * nothing written before the lock is held (the merge may lock tables). */
    if ((ret = meta_load_lock(run->db, LOAD_LOCK_KEY, err)) || (ret = insert_loads(run, err)) ||
        (ret = meta_load_check(run, err)))
        goto cleanup;
    if (run->errs->count > 0) {
        ret = META_EINVAL;
        goto cleanup;
    }
    ret = meta_load_merge(run, report, err);
    if (ret == META_OK)
        ret = meta_load_refresh_statistics(run, err);

cleanup:
    if (copying)
        end_copy(conn, "meta load: stopped", NULL);
    meta_load_buf_release(&copy);
    return ret;
}

/* Makes a libpq message one line (it continues lines with a tab) and says
 * that the transaction left the registry as it was. */
static void say_nothing_loaded(struct meta_error *err)
{
    char *o = err->msg;
    for (const char *i = err->msg; *i; i++) {
        if (*i == '\n') {
            while (i[1] == '\t' || i[1] == ' ')
                i++;
            *o++ = ' ';
        } else {
            *o++ = *i;
        }
    }
    *o = '\0';
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, " (nothing was loaded)");
}

static void drop_file_reports(struct meta_load_report *report)
{
    for (size_t i = 0; report->files && i < report->nfiles; i++)
        free(report->files[i].name);
    free(report->files);
    report->files = NULL;
    report->nfiles = 0;
}

int meta_reg_load(struct meta_db *db, const char *const *paths, size_t npaths,
                  struct meta_load_report *report, struct meta_error *err)
{
    struct meta_load_run run = {0};
    int in_tx = 0;
    int ret = META_OK;

    meta_error_clear(err);
    meta_load_report_release(report);
    run.db = db;
    run.conn = meta_db_pg(db);
    run.nfiles = npaths;
    run.errs = &report->errors;
    run.files = calloc(npaths ? npaths : 1, sizeof *run.files);
    report->files = calloc(npaths ? npaths : 1, sizeof *report->files);
    if (!run.files || !report->files) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    report->nfiles = npaths;
    for (size_t i = 0; i < npaths; i++) {
        run.files[i].name = paths[i];
        if (!(report->files[i].name = strdup(paths[i]))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    /* Local buffers for the staging table; only possible before the session's
     * first temporary table, so a refusal is harmless. */
    PQclear(PQexec(run.conn, "SET temp_buffers = '64MB'"));
    if ((ret = exec_ok(run.conn, err, "cannot start a transaction", "BEGIN")) != META_OK)
        goto cleanup;
    in_tx = 1;
    ret = load_in_transaction(&run, report, err);
    if (ret == META_OK) {
        in_tx = 0;
        ret = exec_ok(run.conn, err, "cannot commit the load", "COMMIT");
    }

cleanup:
    if (in_tx)
        PQclear(PQexec(run.conn, "ROLLBACK"));
    if (ret == META_EINVAL) {
        /* A file that could not be opened or read makes it an I/O failure. */
        if (run.io_failed)
            ret = META_EIO;
        meta_error_set(err, ret, "%zu problem%s in the input, nothing was loaded",
                       report->errors.count, report->errors.count == 1 ? "" : "s");
    }
    if (ret == META_EDB)
        say_nothing_loaded(err);
    if (ret != META_OK)
        drop_file_reports(report);
    free(run.files);
    return ret;
}
