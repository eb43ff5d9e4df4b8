/*
 * The review's storage (review_build.h): an arena for its strings, growing
 * arrays for analyses, rows, subgroups, studies, sources and notes, and hashes
 * from (group, number) to an analysis and from a name to a subgroup, so that
 * readers append in file order at constant cost. review_finish.c orders and
 * links what they appended.
 */
#include "review_build.h"
#include "review_private.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
