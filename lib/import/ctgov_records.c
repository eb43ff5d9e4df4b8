/*
 * One study to records: checks an analyst's mapping against the record (or
 * proposes one and keeps its high-confidence groups), sets the trial
 * attributes, and runs the outcome, analysis and adverse-event passes into
 * one result. On any failure everything is freed.
 */
#include "ctgov_records.h"

#include <stdlib.h>
#include <string.h>

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
    const char *title = ctgov_arena_strdup(b->a, s->brief_title);
    const char *phase = ctgov_arena_strdup(b->a, s->phase);
    int oom = !title || !phase;
    struct rb_attrs l = {.n = 0};
    rb_attr(&l, "brief_title", title);
    rb_attr(&l, "phase", phase);
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
