/*
 * The review's storage (review_build.h): an arena for its strings, growing
 * arrays for analyses, rows, subgroups, studies, sources and notes, a hash
 * from (group, number) to an analysis, and the finishing pass that turns what
 * the readers appended in file order into the linked, ordered model of
 * meta_review.h.
 */
#include "review_build.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    char data[];
};

/* A slot of the subgroup hash; index 0 marks it empty. */
struct subgroup_slot {
    size_t analysis;
    size_t index_plus1;
};

struct meta_review_private {
    struct arena_chunk *arena;
    /* rows as appended, with their analysis and subgroup index */
    struct meta_review_row *rows;
    size_t *row_analysis;
    long *row_subgroup;
    size_t n_rows, cap_rows;
    size_t cap_analyses, cap_studies, cap_sources, cap_notes;
    size_t *subgroup_caps; /* per analysis */
    /* open addressing: (group, number) -> analysis index + 1, 0 empty */
    size_t *hash;
    size_t hash_cap;
    /* open addressing: (analysis, subgroup name) -> subgroup index */
    struct subgroup_slot *sg_hash;
    size_t sg_cap, sg_used;
    int studies_indexed;
};

static void *arena_alloc(struct meta_review *rv, size_t n)
{
    struct meta_review_private *p = rv->priv;
    n = (n + 7) & ~(size_t)7;
    struct arena_chunk *c = p->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = p->arena;
        c->used = 0;
        c->cap = cap;
        p->arena = c;
    }
    void *r = c->data + c->used;
    c->used += n;
    return r;
}

char *meta_review_strndup(struct meta_review *rv, const char *s, size_t len)
{
    char *d = arena_alloc(rv, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *meta_review_str(struct meta_review *rv, const char *s)
{
    return meta_review_strndup(rv, s, strlen(s));
}

const char *meta_review_trimmed(struct meta_review *rv, const char *s, int *oom)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return NULL;
    char *d = meta_review_strndup(rv, s, n);
    if (!d)
        *oom = 1;
    return d;
}

/* Grows *arr (elements of size elem) to hold at least need; zeroes new room. */
static int grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return META_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return META_ENOMEM;
        ncap *= 2;
    }
    void **p = arr;
    char *n = realloc(*p, ncap * elem);
    if (!n)
        return META_ENOMEM;
    memset(n + *cap * elem, 0, (ncap - *cap) * elem);
    *p = n;
    *cap = ncap;
    return META_OK;
}

struct meta_review *meta_review_new(enum meta_review_format format, const char *path,
                                    const char *name)
{
    struct meta_review *rv = calloc(1, sizeof *rv);
    if (!rv)
        return NULL;
    rv->priv = calloc(1, sizeof *rv->priv);
    rv->format = format;
    if (!rv->priv || !(rv->path = meta_review_str(rv, path)) ||
        !(rv->name = meta_review_str(rv, name))) {
        meta_review_free(rv);
        return NULL;
    }
    return rv;
}

void meta_review_limits_init(struct meta_review_limits *limits)
{
    limits->max_file_bytes = (size_t)256 << 20;
    limits->max_total_bytes = (size_t)1 << 30;
    limits->max_entries = 100000;
}

void meta_review_limits_get(const struct meta_review_limits *given, struct meta_review_limits *out)
{
    if (given)
        *out = *given;
    else
        meta_review_limits_init(out);
}

void meta_review_free(struct meta_review *rv)
{
    if (!rv)
        return;
    struct meta_review_private *p = rv->priv;
    for (size_t i = 0; i < rv->n_sources; i++)
        free((void *)rv->sources[i].data);
    free(rv->sources);
    for (size_t i = 0; i < rv->n_analyses; i++)
        free(rv->analyses[i].subgroups);
    free(rv->analyses);
    free(rv->studies);
    free(rv->notes);
    if (p) {
        free(p->rows);
        free(p->row_analysis);
        free(p->row_subgroup);
        free(p->subgroup_caps);
        free(p->hash);
        free(p->sg_hash);
        while (p->arena) {
            struct arena_chunk *next = p->arena->next;
            free(p->arena);
            p->arena = next;
        }
        free(p);
    }
    free(rv);
}

const char *meta_review_add_source(struct meta_review *rv, const char *name, unsigned char *data,
                                   size_t size)
{
    const char *stored = meta_review_str(rv, name);
    if (!stored || grow(&rv->sources, &rv->priv->cap_sources, rv->n_sources + 1,
                        sizeof *rv->sources) != META_OK) {
        free(data);
        return NULL;
    }
    rv->sources[rv->n_sources++] = (struct meta_review_source){stored, data, size};
    return stored;
}

int meta_review_add_note(struct meta_review *rv, const char *text)
{
    const char *s = meta_review_str(rv, text);
    if (!s || grow(&rv->notes, &rv->priv->cap_notes, rv->n_notes + 1, sizeof *rv->notes))
        return META_ENOMEM;
    rv->notes[rv->n_notes++] = s;
    return META_OK;
}

void meta_review_totals_clear(struct meta_review_totals *t)
{
    *t = (struct meta_review_totals){0,   NAN, NAN, NAN, NAN, NAN, NAN, NAN,
                                     NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
}

static size_t hash_slot(int group, int number, size_t cap)
{
    uint64_t h = (uint64_t)(uint32_t)group * 0x9E3779B97F4A7C15ull ^ (uint32_t)number;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (size_t)(h & (cap - 1));
}

static int hash_insert(struct meta_review *rv, size_t index)
{
    struct meta_review_private *p = rv->priv;
    if ((rv->n_analyses + 1) * 2 > p->hash_cap) {
        size_t cap = p->hash_cap ? p->hash_cap * 2 : 64;
        size_t *h = calloc(cap, sizeof *h);
        if (!h)
            return META_ENOMEM;
        free(p->hash);
        p->hash = h;
        p->hash_cap = cap;
        for (size_t i = 0; i < rv->n_analyses; i++) {
            size_t s = hash_slot(rv->analyses[i].group, rv->analyses[i].number, cap);
            while (h[s])
                s = (s + 1) & (cap - 1);
            h[s] = i + 1;
        }
        if (index < rv->n_analyses)
            return META_OK; /* already placed by the rebuild */
    }
    const struct meta_review_analysis *an = &rv->analyses[index];
    size_t s = hash_slot(an->group, an->number, p->hash_cap);
    while (p->hash[s])
        s = (s + 1) & (p->hash_cap - 1);
    p->hash[s] = index + 1;
    return META_OK;
}

int meta_review_analysis_find(struct meta_review *rv, int group, int number, int create,
                              size_t *index, int *created)
{
    struct meta_review_private *p = rv->priv;
    if (created)
        *created = 0;
    if (p->hash_cap) {
        size_t s = hash_slot(group, number, p->hash_cap);
        for (; p->hash[s]; s = (s + 1) & (p->hash_cap - 1)) {
            const struct meta_review_analysis *an = &rv->analyses[p->hash[s] - 1];
            if (an->group == group && an->number == number) {
                *index = p->hash[s] - 1;
                return META_OK;
            }
        }
    }
    if (!create)
        return META_EINVAL;
    size_t cap = p->cap_analyses;
    if (grow(&rv->analyses, &p->cap_analyses, rv->n_analyses + 1, sizeof *rv->analyses) ||
        grow(&p->subgroup_caps, &cap, rv->n_analyses + 1, sizeof *p->subgroup_caps))
        return META_ENOMEM;
    struct meta_review_analysis *an = &rv->analyses[rv->n_analyses];
    memset(an, 0, sizeof *an);
    an->group = group;
    an->number = number;
    an->name = "";
    an->log_scale = an->swap_events = -1;
    an->show_overall = an->show_subgroups = an->show_subgroup_test = -1;
    an->study_level = an->total_level = NAN;
    meta_review_totals_clear(&an->overall);
    an->subgroup_test = (struct meta_review_subgroup_test){0, NAN, NAN, NAN, NAN};
    p->subgroup_caps[rv->n_analyses] = 0;
    if (hash_insert(rv, rv->n_analyses) != META_OK)
        return META_ENOMEM;
    *index = rv->n_analyses++;
    if (created)
        *created = 1;
    return META_OK;
}

struct meta_review_analysis *meta_review_analysis_at(struct meta_review *rv, size_t index)
{
    return &rv->analyses[index];
}

static size_t subgroup_slot(size_t analysis, const char *name, size_t cap)
{
    uint64_t h = 1469598103934665603ull ^ analysis; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    return (size_t)(h & (cap - 1));
}

/* Places subgroup `index` of an analysis in the hash (which has room). */
static void subgroup_place(struct meta_review *rv, size_t analysis, size_t index)
{
    struct meta_review_private *p = rv->priv;
    const char *name = rv->analyses[analysis].subgroups[index].name;
    size_t s = subgroup_slot(analysis, name, p->sg_cap);
    while (p->sg_hash[s].index_plus1)
        s = (s + 1) & (p->sg_cap - 1);
    p->sg_hash[s] = (struct subgroup_slot){analysis, index + 1};
}

/* Makes room for one more subgroup in the hash. */
static int subgroup_room(struct meta_review *rv)
{
    struct meta_review_private *p = rv->priv;
    if ((p->sg_used + 1) * 2 <= p->sg_cap)
        return META_OK;
    size_t cap = p->sg_cap ? p->sg_cap * 2 : 64;
    struct subgroup_slot *h = calloc(cap, sizeof *h);
    if (!h)
        return META_ENOMEM;
    free(p->sg_hash);
    p->sg_hash = h;
    p->sg_cap = cap;
    for (size_t a = 0; a < rv->n_analyses; a++)
        for (size_t i = 0; i < rv->analyses[a].n_subgroups; i++)
            subgroup_place(rv, a, i);
    return META_OK;
}

int meta_review_subgroup_find(struct meta_review *rv, size_t analysis, const char *name, int number,
                              size_t *index, const char *where, struct meta_error *err)
{
    struct meta_review_private *p = rv->priv;
    struct meta_review_analysis *an = &rv->analyses[analysis];
    for (size_t s = p->sg_cap ? subgroup_slot(analysis, name, p->sg_cap) : 0;
         p->sg_cap && p->sg_hash[s].index_plus1; s = (s + 1) & (p->sg_cap - 1)) {
        if (p->sg_hash[s].analysis != analysis)
            continue;
        struct meta_review_subgroup *sg = &an->subgroups[p->sg_hash[s].index_plus1 - 1];
        if (strcmp(sg->name, name) != 0)
            continue;
        if (number && sg->number && number != sg->number)
            return meta_error_set(err, META_EINVAL,
                                  "%s: subgroup '%s' of analysis %d.%d has number %d here but %d "
                                  "before",
                                  where, name, an->group, an->number, number, sg->number);
        if (number)
            sg->number = number;
        *index = p->sg_hash[s].index_plus1 - 1;
        return META_OK;
    }
    if (subgroup_room(rv) != META_OK || grow(&an->subgroups, &p->subgroup_caps[analysis],
                                             an->n_subgroups + 1, sizeof *an->subgroups))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    struct meta_review_subgroup *sg = &an->subgroups[an->n_subgroups];
    sg->name = meta_review_str(rv, name);
    if (!sg->name)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    sg->number = number;
    meta_review_totals_clear(&sg->totals);
    *index = an->n_subgroups++;
    subgroup_place(rv, analysis, *index);
    p->sg_used++;
    return META_OK;
}

int meta_review_add_row(struct meta_review *rv, size_t analysis, long subgroup,
                        struct meta_review_row **row)
{
    struct meta_review_private *p = rv->priv;
    size_t need = p->n_rows + 1, c1 = p->cap_rows, c2 = p->cap_rows;
    if (grow(&p->row_analysis, &c1, need, sizeof *p->row_analysis) ||
        grow(&p->row_subgroup, &c2, need, sizeof *p->row_subgroup) ||
        grow(&p->rows, &p->cap_rows, need, sizeof *p->rows))
        return META_ENOMEM;
    struct meta_review_row *r = &p->rows[p->n_rows];
    memset(r, 0, sizeof *r);
    r->exp = r->ctl = (struct meta_review_arm){NAN, NAN, NAN, NAN};
    r->giv_mean = r->giv_se = r->oe = r->variance = NAN;
    r->revman = (struct meta_review_result){NAN, NAN, NAN, NAN};
    r->estimable = -1;
    p->row_analysis[p->n_rows] = analysis;
    p->row_subgroup[p->n_rows] = subgroup;
    p->n_rows++;
    *row = r;
    return META_OK;
}

int meta_review_add_study(struct meta_review *rv, const char *name, const char *year,
                          const char *id)
{
    if (grow(&rv->studies, &rv->priv->cap_studies, rv->n_studies + 1, sizeof *rv->studies))
        return META_ENOMEM;
    struct meta_review_study *s = &rv->studies[rv->n_studies];
    s->name = meta_review_str(rv, name);
    s->year = year ? meta_review_str(rv, year) : NULL;
    s->id = id ? meta_review_str(rv, id) : NULL;
    if (!s->name || (year && !s->year) || (id && !s->id))
        return META_ENOMEM;
    rv->n_studies++;
    rv->priv->studies_indexed = 0;
    return META_OK;
}

static int study_cmp(const void *a, const void *b)
{
    return strcmp(((const struct meta_review_study *)a)->name,
                  ((const struct meta_review_study *)b)->name);
}

int meta_review_index_studies(struct meta_review *rv, const char *where, struct meta_error *err)
{
    if (rv->n_studies > 1)
        qsort(rv->studies, rv->n_studies, sizeof *rv->studies, study_cmp);
    for (size_t i = 1; i < rv->n_studies; i++)
        if (strcmp(rv->studies[i].name, rv->studies[i - 1].name) == 0)
            return meta_error_set(err, META_EINVAL, "%s: study '%s' is described twice", where,
                                  rv->studies[i].name);
    rv->priv->studies_indexed = 1;
    return META_OK;
}

const struct meta_review_study *meta_review_study_named(const struct meta_review *rv,
                                                        const char *name)
{
    if (!rv->priv->studies_indexed || !rv->n_studies)
        return NULL;
    struct meta_review_study key = {name, NULL, NULL};
    return bsearch(&key, rv->studies, rv->n_studies, sizeof *rv->studies, study_cmp);
}

/* ---- Finishing ------------------------------------------------------------ */

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
