/*
 * meta_review_finish() (review_build.h): turns what the readers appended in
 * file order into the model of meta_review.h: analyses by (group, number),
 * subgroups by number, rows grouped by analysis and linked to it and their
 * subgroup, years from the studies, and the rule for a study that appears
 * twice in one analysis. Everything here is O(n log n).
 */
#include "review_build.h"
#include "review_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row's place while finishing. */
struct row_key {
    size_t index;    /* position as appended */
    size_t analysis; /* index of its analysis once analyses are ordered */
    const char *study;
    const struct meta_review_row *row;
};

/* An analysis with its index before ordering and its subgroup map. */
struct tagged_analysis {
    struct meta_review_analysis an;
    size_t old;
    long *map;
};

static int analysis_cmp(const struct meta_review_analysis *x, const struct meta_review_analysis *y)
{
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

static int tagged_cmp(const void *a, const void *b)
{
    return analysis_cmp(&((const struct tagged_analysis *)a)->an,
                        &((const struct tagged_analysis *)b)->an);
}

static int key_by_analysis(const void *a, const void *b)
{
    const struct row_key *x = a, *y = b;
    if (x->analysis != y->analysis)
        return x->analysis < y->analysis ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int key_by_study(const void *a, const void *b)
{
    const struct row_key *x = a, *y = b;
    int c = strcmp(x->study, y->study);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders two numbers, NAN first. */
static int number_cmp(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) ? 0 : isnan(a) ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Orders two rows by their data (every number of the row). */
static int data_cmp(const struct meta_review_row *a, const struct meta_review_row *b)
{
    const double x[] = {a->exp.n,    a->exp.events, a->exp.mean, a->exp.sd, a->ctl.n, a->ctl.events,
                        a->ctl.mean, a->ctl.sd,     a->giv_mean, a->giv_se, a->oe,    a->variance};
    const double y[] = {b->exp.n,    b->exp.events, b->exp.mean, b->exp.sd, b->ctl.n, b->ctl.events,
                        b->ctl.mean, b->ctl.sd,     b->giv_mean, b->giv_se, b->oe,    b->variance};
    for (size_t i = 0; i < sizeof x / sizeof *x; i++) {
        int c = number_cmp(x[i], y[i]);
        if (c)
            return c;
    }
    return 0;
}

/* Study, then subgroup, then data, then file order: rows that repeat a
 * study in one subgroup with the same data end up side by side. */
static int key_by_data(const void *a, const void *b)
{
    const struct row_key *x = a, *y = b;
    int c = strcmp(x->study, y->study);
    if (c)
        return c;
    const struct meta_review_row *rx = x->row, *ry = y->row;
    if (rx->subgroup != ry->subgroup)
        return rx->subgroup < ry->subgroup ? -1 : 1;
    c = data_cmp(rx, ry);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether some row of the analysis (keys sorted by study) is a study
 * called name. */
static int study_exists(const struct row_key *keys, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(keys[mid].study, name);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/*
 * The duplicate rule for the n rows of one analysis: the same study twice in
 * one subgroup with the same numbers is an error; any other repeat of a study
 * in the analysis (other numbers, or another subgroup) is stored under
 * "study (2)", "study (3)"... in file order, skipping names of studies the
 * analysis has, because the registry keys a result by trial, arm and outcome,
 * and RevMan counts each row as a study of its own. O(n log n).
 */
static int check_duplicates(struct meta_review *rv, struct meta_review_row *rows, size_t n,
                            struct row_key *keys, struct meta_error *err)
{
    for (size_t i = 0; i < n; i++) {
        keys[i].index = i;
        keys[i].study = rows[i].study;
        keys[i].row = &rows[i];
        rows[i].trial = rows[i].study;
    }
    if (n > 1)
        qsort(keys, n, sizeof *keys, key_by_data);
    for (size_t i = 1; i < n; i++) {
        const struct meta_review_row *q = &rows[keys[i - 1].index], *r = &rows[keys[i].index];
        if (strcmp(q->study, r->study) != 0 || q->subgroup != r->subgroup || data_cmp(q, r))
            continue;
        return meta_error_set(err, META_EINVAL,
                              "%s:%ld: study '%s' is twice in analysis %d.%d%s%s%s with the same "
                              "data (first on line %ld): remove one of the rows",
                              r->source, r->line, r->study, r->analysis->group, r->analysis->number,
                              r->subgroup ? ", subgroup '" : "",
                              r->subgroup ? r->subgroup->name : "", r->subgroup ? "'" : "",
                              q->line);
    }
    if (n > 1)
        qsort(keys, n, sizeof *keys, key_by_study);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(keys[j].study, keys[i].study) == 0)
            j++;
        int copy = 2;
        for (size_t k = i + 1; k < j; k++) {
            struct meta_review_row *r = &rows[keys[k].index];
            char name[META_REVIEW_NAME_SIZE * 4];
            do
                snprintf(name, sizeof name, "%s (%d)", r->study, copy++);
            while (study_exists(keys, n, name));
            r->trial = meta_review_str(rv, name);
            if (!r->trial)
                return meta_error_set(err, META_ENOMEM, "out of memory");
        }
        i = j;
    }
    return META_OK;
}

/* A subgroup's number and its index before ordering. */
struct numbered {
    int number;
    size_t old;
};

static int numbered_cmp(const void *a, const void *b)
{
    const struct numbered *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->old < y->old ? -1 : x->old > y->old;
}

/* Numbers the unnumbered subgroups after the numbered ones (in order of
 * appearance), orders them by number and fills map[old index] = new index. */
static int order_subgroups(struct meta_review *rv, struct meta_review_analysis *an, long *map,
                           struct meta_error *err)
{
    size_t n = an->n_subgroups;
    if (n == 0)
        return META_OK;
    int top = 0;
    for (size_t i = 0; i < n; i++)
        if (an->subgroups[i].number > top)
            top = an->subgroups[i].number;
    struct numbered *order = malloc(n * sizeof *order);
    struct meta_review_subgroup *sorted = malloc(n * sizeof *sorted);
    int ret = META_OK;
    if (!order || !sorted) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        if (an->subgroups[i].number == 0)
            an->subgroups[i].number = ++top;
        order[i] = (struct numbered){an->subgroups[i].number, i};
    }
    qsort(order, n, sizeof *order, numbered_cmp);
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && order[k].number == order[k - 1].number) {
            ret = meta_error_set(err, META_EINVAL,
                                 "%s: analysis %d.%d has two subgroups numbered %d ('%s' and "
                                 "'%s')",
                                 an->source ? an->source : rv->path, an->group, an->number,
                                 order[k].number, an->subgroups[order[k - 1].old].name,
                                 an->subgroups[order[k].old].name);
            goto cleanup;
        }
        sorted[k] = an->subgroups[order[k].old];
        map[order[k].old] = (long)k;
    }
    memcpy(an->subgroups, sorted, n * sizeof *sorted);
cleanup:
    free(order);
    free(sorted);
    return ret;
}

/* Orders the analyses (and their subgroups); old_to_new[old] receives each
 * analysis's new index and maps[new] its subgroup map. */
static int order_analyses(struct meta_review *rv, size_t *old_to_new, long **maps,
                          struct meta_error *err)
{
    size_t na = rv->n_analyses;
    struct tagged_analysis *t = malloc((na ? na : 1) * sizeof *t);
    if (!t)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = META_OK;
    for (size_t i = 0; i < na; i++) {
        t[i] = (struct tagged_analysis){rv->analyses[i], i, maps[i]};
        ret = order_subgroups(rv, &t[i].an, t[i].map, err);
        if (ret != META_OK)
            goto cleanup;
    }
    if (na > 1)
        qsort(t, na, sizeof *t, tagged_cmp);
    for (size_t i = 0; i < na; i++) {
        rv->analyses[i] = t[i].an;
        old_to_new[t[i].old] = i;
        maps[i] = t[i].map;
    }
    for (size_t i = 1; i < na; i++)
        if (analysis_cmp(&rv->analyses[i], &rv->analyses[i - 1]) == 0) {
            const struct meta_review_analysis *an = &rv->analyses[i];
            ret =
                meta_error_set(err, META_EINVAL, "%s:%ld: analysis %d.%d is defined twice",
                               an->source ? an->source : rv->path, an->line, an->group, an->number);
            goto cleanup;
        }
cleanup:
    free(t);
    return ret;
}

int meta_review_finish(struct meta_review *rv, struct meta_error *err)
{
    struct meta_review_private *p = rv->priv;
    size_t na = rv->n_analyses, nr = p->n_rows;
    int ret = META_OK;
    size_t *old_to_new = malloc((na ? na : 1) * sizeof *old_to_new);
    long **maps = calloc(na ? na : 1, sizeof *maps);
    struct row_key *keys = malloc((nr ? nr : 1) * sizeof *keys);
    struct meta_review_row *rows = malloc((nr ? nr : 1) * sizeof *rows);

    if (!old_to_new || !maps || !keys || !rows) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (!p->studies_indexed && (ret = meta_review_index_studies(rv, rv->path, err)) != META_OK)
        goto cleanup;
    for (size_t i = 0; i < na; i++) {
        maps[i] = malloc((rv->analyses[i].n_subgroups + 1) * sizeof **maps);
        if (!maps[i]) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    ret = order_analyses(rv, old_to_new, maps, err);
    if (ret != META_OK)
        goto cleanup;

    /* Group the rows by analysis, in file order, and link them. */
    for (size_t i = 0; i < nr; i++) {
        keys[i].index = i;
        keys[i].analysis = old_to_new[p->row_analysis[i]];
    }
    if (nr > 1)
        qsort(keys, nr, sizeof *keys, key_by_analysis);
    for (size_t i = 0; i < nr; i++) {
        size_t old = keys[i].index;
        struct meta_review_analysis *an = &rv->analyses[keys[i].analysis];
        rows[i] = p->rows[old];
        rows[i].analysis = an;
        long sg = p->row_subgroup[old];
        rows[i].subgroup = sg >= 0 ? &an->subgroups[maps[keys[i].analysis][sg]] : NULL;
        if (!rows[i].year) {
            const struct meta_review_study *st = meta_review_study_named(rv, rows[i].study);
            if (st)
                rows[i].year = st->year;
        }
        for (int d = 0; d < META_REVIEW_ROB_DOMAINS; d++)
            if (rows[i].rob[d] != META_REVIEW_ROB_NONE)
                an->has_rob = 1;
    }
    free(p->rows);
    p->rows = rows;
    rows = NULL;
    for (size_t i = 0, start = 0; i < na; i++) {
        struct meta_review_analysis *an = &rv->analyses[i];
        size_t end = start;
        while (end < nr && p->rows[end].analysis == an)
            end++;
        an->rows = end > start ? &p->rows[start] : NULL;
        an->n_rows = end - start;
        ret = check_duplicates(rv, p->rows + start, end - start, keys, err);
        if (ret != META_OK)
            goto cleanup;
        start = end;
    }

    /* Analyses and subgroups moved: the hashes no longer apply. */
    free(p->hash);
    p->hash = NULL;
    p->hash_cap = 0;
    free(p->sg_hash);
    p->sg_hash = NULL;
    p->sg_cap = p->sg_used = 0;

cleanup:
    if (maps)
        for (size_t i = 0; i < na; i++)
            free(maps[i]);
    free(maps);
    free(old_to_new);
    free(keys);
    free(rows);
    return ret;
}
