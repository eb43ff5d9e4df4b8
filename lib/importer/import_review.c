/*
 * meta_db_import_review(): a parsed review into the registry. lib/import
 * turns each analysis into records; they go, as they come, to one loader
 * (lib/registry's storage API), each to the load of the file its row came
 * from, so that a whole review is stored in one transaction or not at all,
 * with the same rules and messages as `meta load`.
 */
#include "meta_importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void meta_import_report_init(struct meta_import_report *r)
{
    memset(r, 0, sizeof *r);
    meta_load_report_init(&r->load);
}

void meta_import_report_release(struct meta_import_report *r)
{
    if (!r)
        return;
    free(r->prefix);
    if (r->source_names && r->rv)
        for (size_t i = 0; i < r->rv->n_sources; i++)
            free(r->source_names[i]);
    free(r->source_names);
    free(r->analyses);
    for (size_t i = 0; i < r->n_skipped; i++)
        free(r->skipped[i].reason);
    free(r->skipped);
    meta_load_report_release(&r->load);
    meta_import_report_init(r);
}

/* The parts of a Cochrane data package, by the end of their file names. */
static const char *const package_parts[] = {"data-rows.csv", "overall-estimates-and-settings.csv",
                                            "subgroup-estimates.csv", "study-information.csv"};

static int ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && strcasecmp(s + n - m, end) == 0;
}

/* The file's part of the review, as its load is named. */
static const char *source_part(const struct meta_review *rv, const char *name)
{
    if (rv->format == META_REVIEW_REVMAN5)
        return "review.rm5";
    for (size_t p = 0; p < sizeof package_parts / sizeof *package_parts; p++)
        if (ends_with(name, package_parts[p]))
            return package_parts[p];
    /* A data-rows CSV given alone may be named anything. */
    return package_parts[0];
}

void meta_import_source_name(const struct meta_review *rv, size_t i, const char *prefix, char *buf,
                             size_t size)
{
    const char *id = meta_review_prefix(rv, prefix);
    if (!id || !*id)
        id = rv->name && *rv->name ? rv->name : "review";
    snprintf(buf, size, "%s/%s", id, source_part(rv, rv->sources[i].name));
}

/* Distinct trial names, kept sorted. */
struct name_set {
    char **v;
    size_t n, cap;
};

static int name_set_add(struct name_set *s, const char *name)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid], name);
        if (c == 0)
            return META_OK;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return META_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return META_ENOMEM;
    memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof *s->v);
    s->v[lo] = copy;
    s->n++;
    return META_OK;
}

static void name_set_release(struct name_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* The state of one import, handed to lib/import's sink. */
struct import_ctx {
    const struct meta_review *rv;
    struct meta_import_report *report;
    struct meta_import_analysis *current;
    struct meta_loader *loader;
    size_t *source_ids; /* the loader's source of each rv->sources entry */
    const struct meta_review_row *last_row;
    struct name_set trials;
    size_t skip_cap;
    int failed; /* a status other than META_OK or META_EINVAL */
    struct meta_error *err;
};

/* The loader's source of the file a row came from (rows name their source
 * with the review's own string; the first source when none matches). */
static size_t source_of(const struct import_ctx *c, const char *name)
{
    for (size_t i = 0; name && i < c->rv->n_sources; i++)
        if (c->rv->sources[i].name == name || strcmp(c->rv->sources[i].name, name) == 0)
            return c->source_ids[i];
    return c->source_ids[0];
}

static int on_record(const struct meta_record *rec, const struct meta_review_row *row, void *ctx)
{
    struct import_ctx *c = ctx;
    struct meta_import_report *r = c->report;
    int ret = meta_loader_add(c->loader, source_of(c, row->source), rec, c->err);
    if (ret != META_OK && ret != META_EINVAL) {
        c->failed = ret;
        return ret; /* the loader cannot go on: stop reading */
    }
    if (row != c->last_row) {
        c->last_row = row;
        c->current->stored++;
    }
    if (rec->kind == META_RECORD_CONTINUOUS)
        r->continuous++;
    else if (rec->kind == META_RECORD_BINARY)
        r->binary++;
    else
        r->estimates++;
    if (name_set_add(&c->trials, rec->trial) != META_OK) {
        c->failed = META_ENOMEM;
        return meta_error_set(c->err, META_ENOMEM, "out of memory");
    }
    return META_OK; /* a refused record is reported at finish, with every other problem */
}

static void on_skipped(const struct meta_review_row *row, const char *reason, void *ctx)
{
    struct import_ctx *c = ctx;
    struct meta_import_report *r = c->report;
    c->current->skipped++;
    if (c->failed)
        return;
    if (r->n_skipped == c->skip_cap) {
        size_t cap = c->skip_cap ? 2 * c->skip_cap : 16;
        struct meta_import_skip *v = realloc(r->skipped, cap * sizeof *v);
        if (!v) {
            c->failed = META_ENOMEM;
            return;
        }
        r->skipped = v;
        c->skip_cap = cap;
    }
    char *copy = strdup(reason);
    if (!copy) {
        c->failed = META_ENOMEM;
        return;
    }
    r->skipped[r->n_skipped++] = (struct meta_import_skip){row, copy};
}

/* Declares every source of the review to the loader, with its SHA-256. */
static int declare_sources(struct import_ctx *c, struct meta_error *err)
{
    const struct meta_review *rv = c->rv;
    struct meta_import_report *r = c->report;
    if (rv->n_sources == 0)
        return meta_error_set(err, META_EINVAL, "%s: the review has no source file", rv->path);
    if (!(r->source_names = calloc(rv->n_sources, sizeof *r->source_names)) ||
        !(c->source_ids = calloc(rv->n_sources, sizeof *c->source_ids)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t i = 0; i < rv->n_sources; i++) {
        char name[META_REVIEW_NAME_SIZE + 64], sha[META_CSV_SHA256_HEX];
        meta_import_source_name(rv, i, r->prefix, name, sizeof name);
        if (!(r->source_names[i] = strdup(name)))
            return meta_error_set(err, META_ENOMEM, "out of memory");
        int ret = meta_load_sha256_bytes(rv->sources[i].data, rv->sources[i].size, sha);
        if (ret != META_OK)
            return meta_error_set(err, ret, "out of memory");
        ret = meta_loader_source(c->loader, name, sha, META_LOAD_REPLACE, &c->source_ids[i], err);
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

/* Hands every analysis's records to the loader. */
static int add_records(struct import_ctx *c, struct meta_error *err)
{
    const struct meta_review *rv = c->rv;
    struct meta_import_report *r = c->report;
    struct meta_review_sink sink = {on_record, on_skipped, c};
    for (size_t i = 0; i < rv->n_analyses; i++) {
        const struct meta_review_analysis *an = &rv->analyses[i];
        struct meta_import_analysis *ia = &r->analyses[i];
        ia->an = an;
        meta_review_analysis_id(an, ia->id, sizeof ia->id);
        meta_review_outcome_name(an, r->prefix, ia->outcome, sizeof ia->outcome);
        ia->rows = an->n_rows;
        r->rows_by_type[an->type] += an->n_rows;
        c->current = ia;
        int ret = meta_review_analysis_records(rv, an, r->prefix, &sink, err);
        if (c->failed)
            return c->failed == META_ENOMEM && !err->msg[0]
                       ? meta_error_set(err, META_ENOMEM, "out of memory")
                       : c->failed;
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

int meta_db_import_review(struct meta_db *db, const struct meta_review *rv, const char *prefix,
                          struct meta_import_report *report, struct meta_error *err)
{
    struct import_ctx c = {.rv = rv, .report = report, .err = err};
    meta_error_clear(err);
    meta_import_report_release(report);
    report->rv = rv;
    int ret = META_OK;
    if (!(report->prefix = strdup(meta_review_prefix(rv, prefix))) ||
        !(report->analyses = calloc(rv->n_analyses ? rv->n_analyses : 1, sizeof *report->analyses)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    report->n_analyses = rv->n_analyses;

    if ((ret = meta_loader_begin(db, &c.loader, err)) != META_OK)
        goto cleanup;
    if ((ret = declare_sources(&c, err)) != META_OK || (ret = add_records(&c, err)) != META_OK)
        goto cleanup;
    ret = meta_loader_finish(c.loader, &report->load, err);
    report->trials = c.trials.n;

cleanup:
    meta_loader_free(c.loader);
    free(c.source_ids);
    name_set_release(&c.trials);
    return ret;
}
