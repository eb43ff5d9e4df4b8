/*
 * The building blocks of the passes that turn a study into records: records,
 * skips and unmapped groups appended to the result with every string copied
 * into its arena, the treatment and arm label of each group of a section
 * (one treatment per arm label), denominators in participants, and errors
 * that name the file, the NCT id and the place.
 */
#include "ctgov_records.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rb_nomem(struct rb *b)
{
    return meta_error_set(b->err, META_ENOMEM, "%s: out of memory", b->s->source);
}

int rb_fail(struct rb *b, const char *where, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctgov_vfail(b->err, META_EINVAL, b->s->source, b->s->nct_id, where, line, fmt, ap);
    va_end(ap);
    return rc;
}

void rb_record_init(struct meta_record *r, enum meta_record_kind kind)
{
    *r = (struct meta_record){.kind = kind};
    r->n = r->mean = r->sd = r->events = r->total = NAN;
    r->estimate = r->se = r->ci_lower = r->ci_upper = r->level = NAN;
    r->n_treatment = r->n_control = NAN;
}

void rb_attr(struct rb_attrs *l, const char *name, const char *value)
{
    if (value && *value && l->n < RB_MAX_ATTRS) {
        l->a[l->n].name = name;
        l->a[l->n].value = value;
        l->n++;
    }
}

/* Grows *arr (of *cap elements of size bytes) to hold one more than n. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return META_OK;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, c * size);
    if (!p)
        return META_ENOMEM;
    *arr = p;
    *cap = c;
    return META_OK;
}

/* A copy of s in the result's arena (NULL stays NULL); sets *oom on failure. */
static const char *dup(struct rb *b, const char *s, int *oom)
{
    if (!s)
        return NULL;
    const char *c = ctgov_arena_strdup(b->a, s);
    *oom |= !c;
    return c;
}

int rb_record(struct rb *b, struct meta_record *r, const struct rb_attrs *attrs)
{
    struct meta_ctgov_result *o = b->out;
    int oom = 0;
    if (grow((void **)&o->records, &b->cap_records, o->n_records, sizeof *o->records))
        return rb_nomem(b);
    if (attrs && attrs->n) {
        struct meta_record_attr *copy = ctgov_arena_calloc(b->a, attrs->n, sizeof *copy);
        if (!copy)
            return rb_nomem(b);
        for (size_t i = 0; i < attrs->n; i++) {
            copy[i].name = dup(b, attrs->a[i].name, &oom);
            copy[i].value = dup(b, attrs->a[i].value, &oom);
        }
        r->result_attrs = copy;
        r->n_result_attrs = attrs->n;
    }
    r->trial = dup(b, b->s->nct_id, &oom);
    r->source = dup(b, b->s->source, &oom);
    r->outcome = dup(b, r->outcome, &oom);
    r->timepoint = dup(b, r->timepoint, &oom);
    r->arm = dup(b, r->arm, &oom);
    r->treatment = dup(b, r->treatment, &oom);
    r->control = dup(b, r->control, &oom);
    r->measure = dup(b, r->measure, &oom);
    r->where = dup(b, r->where, &oom);
    if (oom)
        return rb_nomem(b);
    if (r->kind != META_RECORD_ESTIMATE) {
        r->arm_attrs = b->trial_attrs;
        r->n_arm_attrs = b->n_trial_attrs;
    }
    o->records[o->n_records++] = *r;
    return META_OK;
}

int rb_skip(struct rb *b, const char *section, const char *outcome, const char *group_id,
            const char *where, long line, const char *fmt, ...)
{
    struct meta_ctgov_result *o = b->out;
    if (grow((void **)&o->skipped, &b->cap_skipped, o->n_skipped, sizeof *o->skipped))
        return rb_nomem(b);
    va_list ap;
    va_start(ap, fmt);
    const char *reason = ctgov_arena_vprintf(b->a, fmt, ap);
    va_end(ap);
    if (!reason)
        return rb_nomem(b);
    int oom = 0;
    struct meta_ctgov_skip *k = &o->skipped[o->n_skipped];
    k->section = dup(b, section, &oom);
    k->outcome = dup(b, outcome, &oom);
    k->group_id = dup(b, group_id, &oom);
    k->reason = reason;
    k->where = dup(b, where, &oom);
    k->line = line;
    if (oom)
        return rb_nomem(b);
    o->n_skipped++;
    return META_OK;
}

double rb_denominator(struct rb *b, const struct meta_ctgov_denom *d, size_t n, const char *id,
                      int *units_other)
{
    *units_other = 0;
    for (size_t i = 0; i < n; i++) {
        if (ctgov_participant_unit(b->a, d[i].units) != 1 && *d[i].units) {
            *units_other = 1;
            continue;
        }
        *units_other = 0;
        for (size_t k = 0; k < d[i].n_counts; k++) {
            if (!strcmp(d[i].counts[k].group_id, id))
                return d[i].counts[k].value;
        }
        return NAN;
    }
    return NAN;
}

/* Gives arm its treatment, or fails when another group gave it another one. */
static int claim_arm(struct rb *b, const char *arm, const char *treatment, const char *section,
                     const struct meta_ctgov_group *g)
{
    for (size_t i = 0; i < b->n_arms; i++) {
        const struct rb_arm *x = &b->arms[i];
        if (strcmp(x->arm, arm))
            continue;
        if (!strcmp(x->treatment, treatment))
            return META_OK;
        return rb_fail(b, g->where, g->line,
                       "arm '%s' is given two treatments: '%s' (%s, group %s) and '%s' (%s, "
                       "group %s); a mapping gives groups of one title one treatment",
                       arm, x->treatment, x->section, x->group_id, treatment, section, g->id);
    }
    if (grow((void **)&b->arms, &b->cap_arms, b->n_arms, sizeof *b->arms))
        return rb_nomem(b);
    b->arms[b->n_arms++] = (struct rb_arm){arm, treatment, section, g->id};
    return META_OK;
}

static int add_unmapped(struct rb *b, const struct meta_ctgov_assignment *a, const char *section,
                        const struct meta_ctgov_group *g)
{
    struct meta_ctgov_result *o = b->out;
    if (grow((void **)&o->unmapped, &b->cap_unmapped, o->n_unmapped, sizeof *o->unmapped))
        return rb_nomem(b);
    struct meta_ctgov_assignment *u = &o->unmapped[o->n_unmapped];
    int oom = 0;
    *u = (struct meta_ctgov_assignment){0};
    u->nct = dup(b, b->s->nct_id, &oom);
    u->section = dup(b, section, &oom);
    u->group_id = dup(b, g->id, &oom);
    u->group_title = dup(b, g->title, &oom);
    u->treatment = dup(b, a ? a->treatment : "", &oom);
    u->confidence = a ? a->confidence : META_CTGOV_NONE;
    u->confirmed = a ? a->confirmed : META_CTGOV_UNCONFIRMED;
    u->reason = !a ? "not in the mapping"
                : b->confirmed && a->confirmed == META_CTGOV_CONFIRMED_NO
                    ? "the mapping leaves it out (confirmed: no)"
                : b->confirmed ? "the mapping gives no treatment"
                               : dup(b, a->reason, &oom);
    u->line = a ? a->line : 0;
    if (oom)
        return rb_nomem(b);
    o->n_unmapped++;
    return META_OK;
}

int rb_section(struct rb *b, const char *section, const struct meta_ctgov_group *g, size_t n,
               struct rb_groups *out)
{
    out->treatment = ctgov_arena_calloc(b->a, n, sizeof *out->treatment);
    out->arm = ctgov_arena_calloc(b->a, n, sizeof *out->arm);
    if (!out->treatment || !out->arm)
        return rb_nomem(b);
    for (size_t i = 0; i < n; i++) {
        const struct meta_ctgov_assignment *a =
            meta_ctgov_mapping_find(b->map, b->s->nct_id, section, g[i].id);
        int same_title = 0;
        for (size_t k = 0; k < n; k++)
            same_title |= k != i && !strcmp(g[k].title, g[i].title);
        out->arm[i] =
            same_title ? ctgov_arena_printf(b->a, "%s (%s)", g[i].title, g[i].id) : g[i].title;
        if (!out->arm[i])
            return rb_nomem(b);
        int use = a && *a->treatment &&
                  (b->confirmed ? a->confirmed != META_CTGOV_CONFIRMED_NO
                                : a->confidence == META_CTGOV_HIGH);
        if (!use) {
            if (add_unmapped(b, a, section, &g[i]))
                return META_ENOMEM;
            continue;
        }
        out->treatment[i] = ctgov_arena_strdup(b->a, a->treatment);
        if (!out->treatment[i])
            return rb_nomem(b);
        int rc = claim_arm(b, out->arm[i], out->treatment[i], section, &g[i]);
        if (rc)
            return rc;
    }
    return META_OK;
}
