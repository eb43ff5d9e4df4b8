/*
 * The shared test fixtures of tests/import (import_fixtures.h).
 */
#define _XOPEN_SOURCE 700
#include "import_fixtures.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static char dir[64];

int fx_setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/meta-import-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int fx_cleanup(void)
{
    if (!dir[0] || getenv("META_TEST_KEEP"))
        return 0;
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fx_path(const char *name)
{
    static char paths[8][1024];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

/* Creates the folders of path (below the temporary directory). */
static void make_parents(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(buf, 0700);
        *s = '/';
    }
}

const char *fx_write(const char *name, const char *data, size_t len)
{
    const char *path = fx_path(name);
    if (len == (size_t)-1)
        len = strlen(data);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

/* Adds the entries to an open archive. */
static void add_entries(zip_t *za, const struct fx_entry *entries)
{
    for (const struct fx_entry *e = entries; e->name; e++) {
        size_t len = e->len == (size_t)-1 ? strlen(e->data) : e->len;
        zip_source_t *src = zip_source_buffer(za, e->data, len, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(src);
        zip_int64_t i = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8);
        CU_ASSERT_FATAL(i >= 0);
        zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_DEFLATE, 0);
    }
}

const char *fx_zip(const char *name, const struct fx_entry *entries)
{
    const char *path = fx_path(name);
    make_parents(path);
    unlink(path);
    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    CU_ASSERT_PTR_NOT_NULL_FATAL(za);
    add_entries(za, entries);
    CU_ASSERT_EQUAL_FATAL(zip_close(za), 0);
    return path;
}

char *fx_zip_bytes(const struct fx_entry *entries, size_t *len)
{
    const char *path = fx_zip("fx_zip_bytes.tmp.zip", entries);
    char *bytes = fx_slurp(path, len);
    unlink(path);
    return bytes;
}

char *fx_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *fx_data(const char *rel)
{
    static char paths[8][1024];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", META_TEST_DATA_DIR, rel);
    return p;
}

static void attrs_text(char *dst, size_t size, const struct meta_record_attr *a, size_t n)
{
    size_t used = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(dst + used, size - used, "%s%s=%s", i ? ";" : "", a[i].name,
                                 a[i].value);
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int on_record(const struct meta_record *rec, const struct meta_review_row *row, void *ctx)
{
    struct fx_records *r = ctx;
    if (r->stop_at && (int)r->n + 1 == r->stop_at)
        return META_EDB;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct fx_record *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return META_ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    struct fx_record *f = &r->v[r->n++];
    memset(f, 0, sizeof *f);
    f->kind = rec->kind;
    copy(f->trial, sizeof f->trial, rec->trial);
    copy(f->outcome, sizeof f->outcome, rec->outcome);
    copy(f->arm, sizeof f->arm, rec->arm);
    copy(f->treatment, sizeof f->treatment, rec->treatment);
    copy(f->control, sizeof f->control, rec->control);
    copy(f->measure, sizeof f->measure, rec->measure);
    copy(f->method, sizeof f->method, rec->method);
    copy(f->where, sizeof f->where, rec->where);
    f->n = rec->n;
    f->mean = rec->mean;
    f->sd = rec->sd;
    f->events = rec->events;
    f->total = rec->total;
    f->estimate = rec->estimate;
    f->se = rec->se;
    f->n_treatment = rec->n_treatment;
    f->n_control = rec->n_control;
    f->log_scale = rec->log_scale;
    attrs_text(f->arm_attrs, sizeof f->arm_attrs, rec->arm_attrs, rec->n_arm_attrs);
    attrs_text(f->result_attrs, sizeof f->result_attrs, rec->result_attrs, rec->n_result_attrs);
    f->source = rec->source;
    f->line = rec->line;
    f->row = row;
    /* the timepoint is never set by an importer */
    CU_ASSERT(rec->timepoint == NULL || rec->timepoint[0] == '\0');
    return META_OK;
}

static void on_skipped(const struct meta_review_row *row, const char *reason, void *ctx)
{
    struct fx_records *r = ctx;
    if (r->n_skipped < 64)
        snprintf(r->skipped[r->n_skipped++], sizeof r->skipped[0], "%s: %s", row->trial, reason);
}

struct meta_review_sink fx_sink(struct fx_records *r)
{
    return (struct meta_review_sink){on_record, on_skipped, r};
}

const struct fx_record *fx_find(const struct fx_records *r, const char *trial,
                                const char *outcome_part, const char *arm)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct fx_record *f = &r->v[i];
        if (strcmp(f->trial, trial) != 0 || !strstr(f->outcome, outcome_part))
            continue;
        if (arm && strcmp(f->kind == META_RECORD_ESTIMATE ? f->treatment : f->arm, arm) != 0)
            continue;
        return f;
    }
    return NULL;
}

void fx_records_free(struct fx_records *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

static struct meta_review *read_good(const char *path, int revman)
{
    struct meta_review *rv = NULL;
    struct meta_error err = {{0}};
    int rc = revman ? meta_review_read_revman(path, NULL, &rv, &err)
                    : meta_review_read_cochrane(path, NULL, &rv, &err);
    if (rc != META_OK)
        fprintf(stderr, "%s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    return rv;
}

struct meta_review *fx_read_cochrane(const char *path)
{
    return read_good(path, 0);
}

struct meta_review *fx_read_revman(const char *path)
{
    return read_good(path, 1);
}

const struct meta_review_analysis *fx_analysis(const struct meta_review *rv, int group, int number)
{
    for (size_t i = 0; i < rv->n_analyses; i++)
        if (rv->analyses[i].group == group && rv->analyses[i].number == number)
            return &rv->analyses[i];
    return NULL;
}

const struct meta_review_row *fx_row(const struct meta_review_analysis *an, const char *trial)
{
    for (size_t i = 0; an && i < an->n_rows; i++)
        if (strcmp(an->rows[i].trial, trial) == 0)
            return &an->rows[i];
    return NULL;
}

void fx_check_fleiss_smd_rows(const struct meta_review_analysis *an)
{
    /* Fleiss (1993), as R's meta package ships it (Fleiss1993cont) */
    static const struct {
        const char *study;
        double m1, s1, n1, m2, s2, n2;
    } rows[] = {{"Davis", 5.0, 4.7, 13, 6.5, 3.8, 13},
                {"Florell", 4.9, 1.71, 30, 6.1, 2.3, 50},
                {"Gruen", 22.5, 3.44, 35, 24.9, 10.65, 35},
                {"Hart", 12.5, 1.47, 20, 12.3, 1.66, 20},
                {"Wilson", 6.5, 0.76, 8, 7.38, 1.41, 8}};
    CU_ASSERT_EQUAL_FATAL(an->n_rows, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct meta_review_row *r = fx_row(an, rows[i].study);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        FX_NUM(r->exp.mean, rows[i].m1);
        FX_NUM(r->exp.sd, rows[i].s1);
        FX_NUM(r->exp.n, rows[i].n1);
        FX_NUM(r->ctl.mean, rows[i].m2);
        FX_NUM(r->ctl.sd, rows[i].s2);
        FX_NUM(r->ctl.n, rows[i].n2);
        CU_ASSERT(isnan(r->exp.events) && isnan(r->ctl.events));
        CU_ASSERT(isnan(r->revman.weight) && isnan(r->revman.estimate));
    }
}

void fx_num_check(double got, double want, const char *file, int line)
{
    int ok = (isnan(got) && isnan(want)) || got == want ||
             fabs(got - want) <= 1e-12 * fmax(fabs(got), fabs(want));
    if (!ok)
        fprintf(stderr, "%s:%d: got %.17g, want %.17g\n", file, line, got, want);
    CU_assertImplementation(ok, (unsigned)line, "number agrees", file, "", CU_FALSE);
}

void fx_msg_check(const struct meta_error *err, const char *text, const char *file, int line)
{
    int ok = strstr(err->msg, text) != NULL;
    if (!ok)
        fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", file, line, err->msg, text);
    CU_assertImplementation(ok, (unsigned)line, "message names what is wrong", file, "", CU_FALSE);
}
