/*
 * One load (see meta_load.h): a transaction for all sources of a call,
 * their rows staged as they arrive (load_stage.c), then checked and merged
 * set-wise in SQL under a lock that makes concurrent loads run one after
 * the other (load_check.c, load_merge.c, load_estimates.c, load_replace.c).
 * `meta load` (load_csv.c) and the importers' records take this same path.
 */
#include "load_lock.h"
#include "load_stage.h"

#include "pg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The key of the transaction-level advisory lock that makes loads run one
 * after the other: the bytes of "metaload". */
#define LOAD_LOCK_KEY "7882826103418319204"

void meta_load_report_init(struct meta_load_report *r)
{
    memset(r, 0, sizeof *r);
    meta_load_errors_init(&r->errors);
}

static void drop_file_reports(struct meta_load_report *report)
{
    for (size_t i = 0; report->files && i < report->nfiles; i++)
        free(report->files[i].name);
    free(report->files);
    report->files = NULL;
    report->nfiles = 0;
}

void meta_load_report_release(struct meta_load_report *r)
{
    if (!r)
        return;
    drop_file_reports(r);
    meta_load_errors_release(&r->errors);
    meta_load_report_init(r);
}

/* Records the failure that ends the load (the first one) and returns it. */
static int fail(struct meta_loader *l, int status, const struct meta_error *err)
{
    if (l->status == META_OK) {
        l->status = status;
        snprintf(l->failure.msg, sizeof l->failure.msg, "%s", err ? err->msg : "");
    }
    return status;
}

/* Makes a libpq message one line and says that the transaction left the
 * registry as it was. */
static void say_nothing_loaded(struct meta_error *err)
{
    meta_pg_one_line(err->msg);
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, " (nothing was loaded)");
}

int meta_loader_begin(struct meta_db *db, struct meta_loader **out, struct meta_error *err)
{
    *out = NULL;
    struct meta_loader *l = calloc(1, sizeof *l);
    if (!l)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    l->db = db;
    l->conn = meta_db_pg(db);
    meta_load_errors_init(&l->errs);
    /* Local buffers for the staging table; only possible before the session's
     * first temporary table, so a refusal is harmless. */
    PQclear(PQexec(l->conn, "SET temp_buffers = '64MB'"));
    int ret = meta_pg_exec(l->conn, "BEGIN", err, "cannot start a transaction");
    if (ret == META_OK) {
        l->in_tx = 1;
        ret = meta_load_stage_begin(l, err);
    }
    if (ret != META_OK) {
        meta_loader_free(l);
        if (ret == META_EDB)
            say_nothing_loaded(err);
        return ret;
    }
    *out = l;
    return META_OK;
}

static int valid_sha256(const char *hex)
{
    if (!hex || strlen(hex) != 64)
        return 0;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

int meta_loader_source(struct meta_loader *l, const char *name, const char *sha256_hex,
                       unsigned flags, size_t *id, struct meta_error *err)
{
    if (!name || !*name)
        return meta_error_set(err, META_EINVAL, "a source needs a name");
    if (sha256_hex && !valid_sha256(sha256_hex))
        return meta_error_set(err, META_EINVAL,
                              "source '%s': the SHA-256 must be 64 lowercase hex digits", name);
    for (size_t i = 0; i < l->nfiles; i++)
        if (strcmp(l->files[i].name, name) == 0)
            return meta_error_set(err, META_EINVAL, "source '%s' is declared twice", name);
    if (l->nfiles == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        struct meta_load_file *files = realloc(l->files, cap * sizeof *files);
        if (!files)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        l->files = files;
        l->cap = cap;
    }
    struct meta_load_file *f = &l->files[l->nfiles];
    memset(f, 0, sizeof *f);
    for (int c = 0; c < META_LOAD_NCOLS; c++)
        f->col[c] = -1;
    if (!(f->name = strdup(name)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (sha256_hex)
        memcpy(f->sha256, sha256_hex, META_CSV_SHA256_HEX);
    f->flags = flags;
    l->any_replace |= (flags & META_LOAD_REPLACE) != 0;
    *id = l->nfiles++;
    return META_OK;
}

int meta_loader_source_sha256(struct meta_loader *l, size_t id, const char *sha256_hex,
                              struct meta_error *err)
{
    if (id >= l->nfiles)
        return meta_error_set(err, META_EINVAL, "no source %zu", id);
    if (!valid_sha256(sha256_hex))
        return meta_error_set(err, META_EINVAL,
                              "source '%s': the SHA-256 must be 64 lowercase hex digits",
                              l->files[id].name);
    memcpy(l->files[id].sha256, sha256_hex, META_CSV_SHA256_HEX);
    return META_OK;
}

int meta_loader_add(struct meta_loader *l, size_t id, const struct meta_record *rec,
                    struct meta_error *err)
{
    if (l->status != META_OK)
        return meta_error_set(err, l->status, "%s", l->failure.msg);
    if (id >= l->nfiles)
        return meta_error_set(err, META_EINVAL, "no source %zu", id);
    struct meta_load_row row;
    int ret = meta_load_record_row(l, id, rec, &row);
    if (ret == META_EINVAL)
        return meta_error_set(err, ret, "the record was refused");
    if (ret == META_OK)
        ret = meta_load_stage_row(l, id, &row, err);
    else
        meta_error_set(err, ret, "out of memory");
    return ret == META_OK ? META_OK : fail(l, ret, err);
}

/* Everything between staging and COMMIT. Returns META_EINVAL when the input
 * broke a rule (l->errs says which), else META_OK or the failure. */
static int check_and_merge(struct meta_loader *l, struct meta_load_report *report,
                           struct meta_error *err)
{
    int ret;
    if ((ret = meta_load_stage_end(l, err)) != META_OK)
        return ret;
    if (l->errs.count > 0)
        return META_EINVAL;
    if ((ret = meta_load_prepare(l, err)))
        return ret;
    /* From here on the registry is read and written: one load at a time, and
     * nothing written before the lock is held (the merge may lock tables). */
    if ((ret = meta_load_lock(l->db, LOAD_LOCK_KEY, err)) ||
        (ret = meta_load_stage_loads(l, err)) || (ret = meta_load_check(l, err)))
        return ret;
    if (l->errs.count > 0)
        return META_EINVAL;
    if ((ret = meta_load_merge(l, report, err)))
        return ret;
    if (l->any_replace && (ret = meta_load_replace_sources(l, report, err)))
        return ret;
    return meta_load_refresh_statistics(l, err);
}

int meta_loader_finish(struct meta_loader *l, struct meta_load_report *report,
                       struct meta_error *err)
{
    int ret = META_OK;
    meta_error_clear(err);
    meta_load_report_release(report);
    if (l->finished)
        return meta_error_set(err, META_EINVAL, "the load has finished already");
    l->finished = 1;
    if (l->status != META_OK) {
        ret = meta_error_set(err, l->status, "%s", l->failure.msg);
        goto cleanup;
    }
    for (size_t i = 0; i < l->nfiles; i++)
        if (!valid_sha256(l->files[i].sha256) && l->errs.count == 0 && !l->io_failed) {
            ret = meta_error_set(err, META_EINVAL, "source '%s' has no SHA-256", l->files[i].name);
            goto cleanup;
        }
    report->files = calloc(l->nfiles ? l->nfiles : 1, sizeof *report->files);
    if (!report->files) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    report->nfiles = l->nfiles;
    for (size_t i = 0; i < l->nfiles; i++)
        if (!(report->files[i].name = strdup(l->files[i].name))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    ret = check_and_merge(l, report, err);
    if (ret == META_OK) {
        l->in_tx = 0;
        ret = meta_pg_exec(l->conn, "COMMIT", err, "cannot commit the load");
    }
    for (size_t i = 0; ret == META_OK && i < l->nfiles; i++) {
        struct meta_load_file_report *f = &report->files[i];
        memcpy(f->sha256, l->files[i].sha256, sizeof f->sha256);
        f->load_id = l->files[i].load_id;
        f->rows = l->files[i].rows;
        f->estimates = l->files[i].estimates;
        f->unchanged = f->rows - f->inserted - f->replaced;
    }

cleanup:
    meta_load_stage_abort(l);
    if (l->in_tx)
        PQclear(PQexec(l->conn, "ROLLBACK"));
    l->in_tx = 0;
    /* The problems in the input are the report's. */
    report->errors = l->errs;
    meta_load_errors_init(&l->errs);
    if (ret == META_EINVAL && report->errors.count > 0) {
        /* A file that could not be opened or read makes it an I/O failure. */
        if (l->io_failed)
            ret = META_EIO;
        meta_error_set(err, ret, "%zu problem%s in the input, nothing was loaded",
                       report->errors.count, report->errors.count == 1 ? "" : "s");
    }
    if (ret == META_EDB)
        say_nothing_loaded(err);
    if (ret != META_OK)
        drop_file_reports(report);
    return ret;
}

void meta_loader_free(struct meta_loader *l)
{
    if (!l)
        return;
    meta_load_stage_abort(l);
    if (l->in_tx)
        PQclear(PQexec(l->conn, "ROLLBACK"));
    for (size_t i = 0; i < l->nfiles; i++)
        free(l->files[i].name);
    free(l->files);
    free(l->attrs);
    free(l->attr_names);
    meta_load_errors_release(&l->errs);
    meta_load_buf_release(&l->copy);
    meta_load_buf_release(&l->json);
    free(l);
}
