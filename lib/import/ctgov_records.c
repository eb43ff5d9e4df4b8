/*
 * One study to records: decides which groups are imported (the analyst's
 * mapping, checked against the record, or the high-confidence proposals),
 * gives each group its arm label, keeps one treatment per arm, collects the
 * records, skips and unmapped groups, and runs the outcome, analysis and
 * adverse-event passes. On any failure everything is freed.
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
    char what[META_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ctgov_fail(b->err, META_EINVAL, b->s->source, b->s->nct_id, where, line, "%s", what);
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
    u->reason = !a             ? "not in the mapping"
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
        int use = a && *a->treatment && (b->confirmed || a->confidence == META_CTGOV_HIGH);
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

/* The groups of a section named in a mapping ("outcome 3", "adverse events"). */
static int section_groups(const struct meta_ctgov_study *s, const char *section,
                          const struct meta_ctgov_group **g, size_t *n)
{
    for (size_t i = 0; i < s->n_measures; i++) {
        if (!strcmp(s->measures[i].section, section)) {
            *g = s->measures[i].groups;
            *n = s->measures[i].n_groups;
            return 1;
        }
    }
    if (s->adverse.present && !strcmp(s->adverse.section, section)) {
        *g = s->adverse.groups;
        *n = s->adverse.n_groups;
        return 1;
    }
    return 0;
}

/* Every line of the mapping about this study names a group it has, by its title. */
static int check_mapping(struct rb *b)
{
    const struct meta_ctgov_mapping *m = b->map;
    const char *file = m->source ? m->source : "mapping";
    for (size_t i = 0; i < m->n_items; i++) {
        const struct meta_ctgov_assignment *a = &m->items[i];
        const struct meta_ctgov_group *g = NULL;
        size_t n = 0, k;
        if (strcmp(a->nct, b->s->nct_id))
            continue;
        if (!section_groups(b->s, a->section, &g, &n))
            return meta_error_set(b->err, META_EINVAL,
                                  "%s:%ld: %s: no section '%s' in %s (it has outcome 1 to "
                                  "outcome %zu%s)",
                                  file, a->line, a->nct, a->section, b->s->source, b->s->n_measures,
                                  b->s->adverse.present ? " and adverse events" : "");
        for (k = 0; k < n && strcmp(g[k].id, a->group_id); k++)
            ;
        if (k == n)
            return meta_error_set(b->err, META_EINVAL, "%s:%ld: %s: %s has no group '%s' in %s",
                                  file, a->line, a->nct, a->section, a->group_id, b->s->source);
        if (*a->group_title) {
            char *x = ctgov_normalise(b->a, a->group_title), *y = ctgov_normalise(b->a, g[k].title);
            if (!x || !y)
                return rb_nomem(b);
            if (strcmp(x, y))
                return meta_error_set(b->err, META_EINVAL,
                                      "%s:%ld: %s: %s group '%s' is titled '%s' in %s, not '%s'",
                                      file, a->line, a->nct, a->section, a->group_id, g[k].title,
                                      b->s->source, a->group_title);
        }
    }
    return META_OK;
}

static int trial_attrs(struct rb *b)
{
    const struct meta_ctgov_study *s = b->s;
    const char *conditions = "";
    for (size_t i = 0; i < s->n_conditions && conditions; i++)
        conditions =
            ctgov_arena_printf(b->a, "%s%s%s", conditions, i ? "; " : "", s->conditions[i]);
    const char *year = s->start_year ? ctgov_arena_printf(b->a, "%d", s->start_year) : "";
    if (!conditions || !year)
        return rb_nomem(b);
    int oom = 0;
    struct rb_attrs l = {.n = 0};
    rb_attr(&l, "brief_title", dup(b, s->brief_title, &oom));
    rb_attr(&l, "phase", dup(b, s->phase, &oom));
    rb_attr(&l, "conditions", conditions);
    rb_attr(&l, "start_year", year);
    b->trial_attrs = ctgov_arena_calloc(b->a, l.n, sizeof *b->trial_attrs);
    if (oom || !b->trial_attrs)
        return rb_nomem(b);
    memcpy(b->trial_attrs, l.a, l.n * sizeof *l.a);
    b->n_trial_attrs = l.n;
    return META_OK;
}

int meta_ctgov_study_records(const struct meta_ctgov_study *study,
                             const struct meta_ctgov_mapping *mapping,
                             struct meta_ctgov_result **out, struct meta_error *err)
{
    struct rb b = {.s = study, .map = mapping, .confirmed = mapping != NULL, .err = err};
    struct meta_ctgov_mapping *proposal = NULL;
    int rc = META_ENOMEM;
    *out = NULL;
    b.out = calloc(1, sizeof *b.out);
    if (!b.out || !(b.a = b.out->arena = ctgov_arena_new())) {
        rc = meta_error_set(err, META_ENOMEM, "%s: out of memory", study->source);
        goto cleanup;
    }
    if (!mapping) {
        if (!(proposal = meta_ctgov_mapping_alloc())) {
            rc = rb_nomem(&b);
            goto cleanup;
        }
        if ((rc = meta_ctgov_mapping_propose(proposal, study, err)))
            goto cleanup;
        b.map = proposal;
    } else if ((rc = check_mapping(&b))) {
        goto cleanup;
    }
    size_t n = study->n_measures;
    b.kind = calloc(n ? n : 1, sizeof *b.kind);
    b.outcome = calloc(n ? n : 1, sizeof *b.outcome);
    b.arm_rows = calloc(n ? n : 1, sizeof *b.arm_rows);
    b.measure_groups = calloc(n ? n : 1, sizeof *b.measure_groups);
    if (!b.kind || !b.outcome || !b.arm_rows || !b.measure_groups) {
        rc = rb_nomem(&b);
        goto cleanup;
    }
    if ((rc = trial_attrs(&b)) || (rc = ctgov_outcome_rows(&b)) || (rc = ctgov_estimate_rows(&b)) ||
        (rc = ctgov_event_rows(&b)))
        goto cleanup;
cleanup:
    meta_ctgov_mapping_free(proposal);
    free(b.kind);
    free(b.outcome);
    free(b.arm_rows);
    free(b.measure_groups);
    free(b.arms);
    if (rc != META_OK) {
        meta_ctgov_result_free(b.out);
        return rc;
    }
    *out = b.out;
    return META_OK;
}

void meta_ctgov_result_free(struct meta_ctgov_result *r)
{
    if (!r)
        return;
    free(r->records);
    free(r->skipped);
    free(r->unmapped);
    ctgov_arena_free(r->arena);
    free(r);
}
