/*
 * meta_db_load (see meta_load.h): `meta load` of arm-level CSV files, each
 * one a source of a load (load.c). Files the registry holds as they are
 * need their SHA-256 only (load_summary.c); one file of new trials goes
 * straight into the registry's tables when it can (load_direct.c);
 * otherwise each file's rows are checked in C as they stream (load_row.c)
 * and staged; memory holds one record and one COPY buffer, whatever the
 * size of the file.
 */
#include "load_row.h"
#include "load_stage.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct stream {
    struct meta_loader *l;
    size_t file_no;
    struct meta_load_layout layout;
    int have_layout;
    int header_bad;    /* the header broke a rule: the rows cannot be read */
    long long records; /* records seen, header included */
    struct meta_error *err;
};

static int on_record(const struct meta_csv_record *rec, void *ctx)
{
    struct stream *s = ctx;
    struct meta_load_file *file = &s->l->files[s->file_no];
    s->records++;
    if (s->have_layout && meta_load_row_blank(rec))
        return META_OK; /* a row of empty fields, as spreadsheets leave */
    if (!s->have_layout) {
        int rc = meta_load_layout_init(&s->layout, file->name, rec, &s->l->errs);
        if (rc == META_EINVAL) {
            s->header_bad = 1;
            return META_EINVAL; /* stop reading this file */
        }
        if (rc != META_OK)
            return meta_error_set(s->err, rc, "out of memory");
        s->have_layout = 1;
        memcpy(file->col, s->layout.col, sizeof file->col);
        file->csv = 1;
        return META_OK;
    }
    struct meta_load_row row;
    if (meta_load_row_check(&s->layout, file->name, rec, &row, &s->l->errs) != META_OK)
        return META_OK; /* reported; go on looking for more problems */
    return meta_load_stage_row(s->l, s->file_no, &row, s->err);
}

/* Reads and stages file i. Problems in the file go to l->errs and META_OK
 * is returned; META_EDB or META_ENOMEM stop the whole load. */
static int stream_file(struct meta_loader *l, size_t i, struct meta_error *err)
{
    struct meta_load_file *file = &l->files[i];
    struct stream s = {.l = l, .file_no = i, .err = err};
    struct meta_error rerr;
    meta_error_clear(&rerr);
    file->csv = 1;
    /* One file given twice would make every row a repeated key: say so once. */
    struct stat st;
    if (stat(file->name, &st) == 0 && S_ISREG(st.st_mode)) {
        file->identified = 1;
        file->dev = st.st_dev;
        file->ino = st.st_ino;
        for (size_t j = 0; j < i; j++) {
            if (l->files[j].identified && l->files[j].dev == st.st_dev &&
                l->files[j].ino == st.st_ino) {
                meta_load_errors_at(&l->errs, file->name, 1, 1, "the same file as %s, given twice",
                                    l->files[j].name);
                return META_OK;
            }
        }
    }
    int rc = meta_csv_read(file->name, file->name, on_record, &s, file->sha256, &rerr);
    if (s.have_layout)
        meta_load_layout_release(&s.layout);
    if (rc == META_OK && s.records == 0) {
        meta_load_errors_at(&l->errs, file->name, 1, 1, "file is empty (expected a header row)");
        return META_OK;
    }
    if (rc == META_OK || (rc == META_EINVAL && s.header_bad))
        return META_OK;
    if (rc == META_EINVAL || rc == META_EIO) {
        l->io_failed |= rc == META_EIO;
        meta_load_errors_add(&l->errs, rerr.msg);
        return META_OK;
    }
    if (rc == META_EDB || rc == META_ENOMEM) {
        if (err->msg[0] == '\0')
            meta_error_set(err, rc, "%s", rerr.msg[0] ? rerr.msg : meta_strstatus(rc));
        return rc;
    }
    return meta_error_set(err, rc, "%s", rerr.msg);
}

int meta_db_load(struct meta_db *db, const char *const *paths, size_t npaths,
                 struct meta_load_report *report, struct meta_error *err)
{
    struct meta_loader *l = NULL;
    meta_error_clear(err);
    meta_load_report_release(report);
    int done = 0;
    int ret = meta_load_unchanged(db, paths, npaths, report, &done, err);
    if (ret == META_OK && done)
        return META_OK;
    meta_load_report_release(report);
    if (ret == META_OK && npaths == 1 && *paths[0]) {
        ret = meta_load_direct(db, paths[0], report, &done, err);
        if (ret == META_OK && done)
            return META_OK;
        meta_load_report_release(report);
    }
    if (ret != META_OK) {
        if (ret == META_EDB)
            meta_load_say_nothing_loaded(err);
        return ret;
    }
    ret = meta_loader_begin(db, &l, err);
    for (size_t i = 0; ret == META_OK && i < npaths; i++) {
        size_t id;
        if (!*paths[i]) {
            meta_load_errors_add(&l->errs, "'': cannot open: the file name is empty");
            l->io_failed = 1;
            continue;
        }
        ret = meta_loader_source(l, paths[i], NULL, 0, &id, err);
        if (ret == META_EINVAL) {
            /* The same name twice: the same file, given twice. */
            meta_load_errors_at(&l->errs, paths[i], 1, 1, "the same file as %s, given twice",
                                paths[i]);
            ret = META_OK;
            continue;
        }
        if (ret == META_OK)
            ret = stream_file(l, id, err);
    }
    if (ret == META_OK) {
        ret = meta_loader_finish(l, report, err);
    } else if (l) {
        /* Ends the load with the failure, and words it as finish does. */
        struct meta_error failure = *err;
        l->status = ret;
        l->failure = failure;
        ret = meta_loader_finish(l, report, err);
    }
    meta_loader_free(l);
    return ret;
}
