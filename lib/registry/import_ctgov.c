/*
 * `meta import ctgov` in the registry (meta_import_ctgov.h): every file read
 * once, hashed, parsed and turned into records that stream to one loader,
 * so that memory stays flat whatever the number of files; every problem of
 * every file collected before anything is committed, so that a folder of
 * records imports whole or not at all.
 */
#include "meta_import_ctgov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct importer {
    struct meta_loader *l;
    const struct meta_ctgov_mapping *map;
    struct meta_ctgov_import_report *rep;
    size_t cap_studies;
    int unread;     /* a file could not be read or parsed: its trials are unknown */
    int io_failed;  /* ... because it could not be read */
    int stopped;    /* the loader cannot go on (META_EDB, META_ENOMEM) */
    int no_records; /* problems found: records are no longer handed on */
};

void meta_ctgov_import_report_init(struct meta_ctgov_import_report *r)
{
    memset(r, 0, sizeof *r);
    meta_load_report_init(&r->load);
}

static void release_study(struct meta_ctgov_import_study *s)
{
    free(s->nct_id);
    free(s->brief_title);
    for (size_t i = 0; i < s->n_skipped; i++) {
        free(s->skipped[i].section);
        free(s->skipped[i].outcome);
        free(s->skipped[i].group_id);
        free(s->skipped[i].reason);
    }
    free(s->skipped);
    for (size_t i = 0; i < s->n_left_out; i++) {
        free(s->left_out[i].section);
        free(s->left_out[i].group_id);
        free(s->left_out[i].group_title);
        free(s->left_out[i].treatment);
        free(s->left_out[i].reason);
    }
    free(s->left_out);
}

void meta_ctgov_import_report_release(struct meta_ctgov_import_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i]);
    free(r->files);
    for (size_t i = 0; i < r->n_studies; i++)
        release_study(&r->studies[i]);
    free(r->studies);
    meta_load_report_release(&r->load);
    meta_ctgov_import_report_init(r);
}

/* strdup that keeps NULL and counts a failure in *oom. */
static char *copy(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    *oom |= !c;
    return c;
}

static const char *result_attr(const struct meta_record *r, const char *name)
{
    for (size_t i = 0; i < r->n_result_attrs; i++) {
        if (!strcmp(r->result_attrs[i].name, name))
            return r->result_attrs[i].value;
    }
    return NULL;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct strings among names[0..n-1] (sorts them). */
static size_t distinct(const char **names, size_t n)
{
    size_t k = 0;
    qsort(names, n, sizeof *names, by_text);
    for (size_t i = 0; i < n; i++)
        k += i == 0 || strcmp(names[i], names[i - 1]) != 0;
    return k;
}

/* Counts a result's records by kind and its distinct outcomes. */
static int count_records(struct meta_ctgov_import_study *s, const struct meta_ctgov_result *r)
{
    const char **measures = malloc((r->n_records + 1) * sizeof *measures);
    const char **events = malloc((r->n_records + 1) * sizeof *events);
    size_t n_measures = 0, n_events = 0;
    if (!measures || !events) {
        free(measures);
        free(events);
        return META_ENOMEM;
    }
    for (size_t i = 0; i < r->n_records; i++) {
        const struct meta_record *x = &r->records[i];
        const char *section = result_attr(x, "section");
        if (x->kind == META_RECORD_ESTIMATE) {
            s->estimates++;
        } else if (section && !strcmp(section, "adverse events")) {
            s->ae_rows++;
            events[n_events++] = x->outcome;
        } else {
            s->arm_rows++;
            measures[n_measures++] = x->outcome;
        }
    }
    s->outcomes = distinct(measures, n_measures);
    s->ae_outcomes = distinct(events, n_events);
    free(measures);
    free(events);
    return META_OK;
}

/* Copies what the report keeps of a result: skips and groups left out. */
static int keep_lists(struct meta_ctgov_import_study *s, const struct meta_ctgov_result *r)
{
    int oom = 0;
    s->skipped = calloc(r->n_skipped ? r->n_skipped : 1, sizeof *s->skipped);
    s->left_out = calloc(r->n_unmapped ? r->n_unmapped : 1, sizeof *s->left_out);
    if (!s->skipped || !s->left_out)
        return META_ENOMEM;
    for (size_t i = 0; i < r->n_skipped; i++, s->n_skipped++) {
        const struct meta_ctgov_skip *k = &r->skipped[i];
        struct meta_ctgov_import_skip *c = &s->skipped[i];
        c->section = copy(k->section, &oom);
        c->outcome = copy(k->outcome ? k->outcome : "", &oom);
        c->group_id = copy(k->group_id, &oom);
        c->reason = copy(k->reason, &oom);
    }
    for (size_t i = 0; i < r->n_unmapped; i++, s->n_left_out++) {
        const struct meta_ctgov_assignment *u = &r->unmapped[i];
        struct meta_ctgov_import_group *g = &s->left_out[i];
        g->section = copy(u->section, &oom);
        g->group_id = copy(u->group_id, &oom);
        g->group_title = copy(u->group_title, &oom);
        g->treatment = copy(u->treatment ? u->treatment : "", &oom);
        g->confidence = u->confidence;
        g->reason = copy(u->reason ? u->reason : "", &oom);
        g->line = u->line;
    }
    return oom ? META_ENOMEM : META_OK;
}

/* A new study entry in the report, for study of file fi. */
static struct meta_ctgov_import_study *new_study(struct importer *im, size_t fi,
                                                 const struct meta_ctgov_study *study)
{
    struct meta_ctgov_import_report *rep = im->rep;
    if (rep->n_studies == im->cap_studies) {
        size_t cap = im->cap_studies ? im->cap_studies * 2 : 16;
        struct meta_ctgov_import_study *more = realloc(rep->studies, cap * sizeof *more);
        if (!more)
            return NULL;
        rep->studies = more;
        im->cap_studies = cap;
    }
    struct meta_ctgov_import_study *s = &rep->studies[rep->n_studies];
    int oom = 0;
    memset(s, 0, sizeof *s);
    s->file = fi;
    s->nct_id = copy(study->nct_id, &oom);
    s->brief_title = copy(study->brief_title, &oom);
    rep->n_studies++;
    return oom ? NULL : s;
}

static void problem(struct importer *im, const char *msg)
{
    meta_load_errors_add(&im->rep->load.errors, msg);
    im->no_records = 1;
}

/* One study: its records handed to the loader, its summary kept. */
static int import_study(struct importer *im, size_t fi, size_t src,
                        const struct meta_ctgov_study *study, struct meta_error *err)
{
    struct meta_ctgov_result *r = NULL;
    struct meta_error e;
    struct meta_ctgov_import_study *s = new_study(im, fi, study);
    if (!s)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int rc = meta_ctgov_study_records(study, im->map, &r, &e);
    if (rc == META_EINVAL) {
        problem(im, e.msg);
        return META_OK;
    }
    if (rc != META_OK)
        return meta_error_set(err, rc, "%s", e.msg);
    if ((rc = count_records(s, r)) != META_OK || (rc = keep_lists(s, r)) != META_OK) {
        meta_ctgov_result_free(r);
        return meta_error_set(err, rc, "out of memory");
    }
    for (size_t i = 0; i < r->n_records && !im->no_records && !im->stopped; i++) {
        /* the loader's messages name the place: the NCT id, then the JSON path */
        struct meta_record rec = r->records[i];
        char place[1024];
        snprintf(place, sizeof place, "%s%s%s", study->nct_id, rec.where && *rec.where ? ": " : "",
                 rec.where ? rec.where : "");
        rec.where = place;
        rc = meta_loader_add(im->l, src, &rec, &e);
        /* META_EINVAL: the loader keeps the problem for finish */
        im->stopped = rc != META_OK && rc != META_EINVAL;
    }
    meta_ctgov_result_free(r);
    return META_OK;
}

/* One file: read, hashed, declared as a source, parsed, its studies imported. */
static int import_file(struct importer *im, size_t fi, const char *path, struct meta_error *err)
{
    char *data = NULL, sha[META_CSV_SHA256_HEX];
    size_t len = 0, src = 0;
    struct meta_ctgov_file *f = NULL;
    struct meta_error e;
    int rc = meta_ctgov_file_slurp(path, path, &data, &len, &e);
    if (rc == META_EIO || rc == META_EINVAL) {
        im->unread = 1;
        im->io_failed |= rc == META_EIO;
        problem(im, e.msg);
        return META_OK;
    }
    if (rc != META_OK)
        return meta_error_set(err, rc, "%s", e.msg);
    if (meta_load_sha256_bytes(data, len, sha) != META_OK) {
        free(data);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    rc = meta_loader_source(im->l, path, sha, META_LOAD_REPLACE, &src, err);
    if (rc == META_OK) {
        rc = meta_ctgov_file_parse(data, len, path, &f, &e);
        if (rc == META_EINVAL) {
            im->unread = 1;
            problem(im, e.msg);
            rc = META_OK;
        } else if (rc != META_OK) {
            meta_error_set(err, rc, "%s", e.msg);
        }
    }
    free(data);
    for (size_t i = 0; f && rc == META_OK && i < f->n_studies; i++)
        rc = import_study(im, fi, src, &f->studies[i], err);
    meta_ctgov_file_free(f);
    return rc;
}

static int by_nct(const void *a, const void *b)
{
    const struct meta_ctgov_import_study *x = *(const struct meta_ctgov_import_study *const *)a;
    const struct meta_ctgov_import_study *y = *(const struct meta_ctgov_import_study *const *)b;
    int c = strcmp(x->nct_id, y->nct_id);
    return c ? c : x < y ? -1 : x > y;
}

/* bsearch's comparison of an NCT id with a study of the sorted list. */
static int nct_vs_study(const void *nct, const void *elem)
{
    return strcmp(nct, (*(const struct meta_ctgov_import_study *const *)elem)->nct_id);
}

/* A trial comes from one record only; a mapping names trials of these files. */
static int check_trials(struct importer *im, struct meta_error *err)
{
    struct meta_ctgov_import_report *rep = im->rep;
    size_t n = rep->n_studies;
    const struct meta_ctgov_import_study **sorted = malloc((n ? n : 1) * sizeof *sorted);
    char msg[2048];
    if (!sorted)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        sorted[i] = &rep->studies[i];
    qsort(sorted, n, sizeof *sorted, by_nct);
    for (size_t i = 1; i < n; i++) {
        const struct meta_ctgov_import_study *a = sorted[i - 1], *b = sorted[i];
        if (strcmp(a->nct_id, b->nct_id))
            continue;
        if (a->file == b->file)
            snprintf(msg, sizeof msg,
                     "%s: %s: the trial comes twice in the file: import each "
                     "trial from one record",
                     rep->files[b->file], b->nct_id);
        else
            snprintf(msg, sizeof msg,
                     "%s: %s: the trial is in %s too: import each trial from "
                     "one record",
                     rep->files[b->file], b->nct_id, rep->files[a->file]);
        problem(im, msg);
    }
    for (size_t i = 0; im->map && i < im->map->n_items; i++) {
        const struct meta_ctgov_assignment *a = &im->map->items[i];
        if (bsearch(a->nct, sorted, n, sizeof *sorted, nct_vs_study) ||
            (i > 0 && !strcmp(a->nct, im->map->items[i - 1].nct)))
            continue;
        snprintf(msg, sizeof msg,
                 "%s:%ld: %s: no file of this import holds this trial (a mapping names the "
                 "trials of the files it comes with)",
                 im->map->source ? im->map->source : "mapping", a->line, a->nct);
        problem(im, msg);
    }
    free(sorted);
    return META_OK;
}

int meta_ctgov_import(struct meta_db *db, const char *const *paths, size_t npaths,
                      const struct meta_ctgov_mapping *mapping,
                      struct meta_ctgov_import_report *report, struct meta_error *err)
{
    struct importer im = {.map = mapping, .rep = report};
    int rc;
    meta_error_clear(err);
    report->files = calloc(npaths ? npaths : 1, sizeof *report->files);
    if (!report->files)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t i = 0; i < npaths; i++, report->n_files++) {
        if (!(report->files[i] = strdup(paths[i])))
            return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    if ((rc = meta_loader_begin(db, &im.l, err)) != META_OK)
        return rc;
    for (size_t i = 0; i < npaths && rc == META_OK; i++)
        rc = import_file(&im, i, paths[i], err);
    if (rc == META_OK && !im.unread)
        rc = check_trials(&im, err);
    if (rc == META_OK && report->load.errors.count > 0) {
        size_t n = report->load.errors.count;
        rc = meta_error_set(err, im.io_failed ? META_EIO : META_EINVAL,
                            "%zu problem%s in the input, nothing was imported", n,
                            n == 1 ? "" : "s");
    } else if (rc == META_OK) {
        /* also when the loader stopped: finish says why, with nothing stored */
        rc = meta_loader_finish(im.l, &report->load, err);
    }
    meta_loader_free(im.l);
    return rc;
}
