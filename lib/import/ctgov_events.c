/*
 * Adverse events to binary rows: per group the totals (any serious adverse
 * event, any other adverse event, deaths) and, term by term, `AE serious:
 * TERM` and `AE other: TERM`, always participants affected over participants
 * at risk, never the number of events (which counts repeats). A term that
 * does not list a group is missing data for that group, not a zero: "other"
 * events are listed only above the trial's frequency threshold. The rows have
 * no time point, so that one term pools across trials; the record's time
 * frame is an attribute.
 */
#include "ctgov_records.h"

#include <math.h>
#include <string.h>

/* One group's affected/at-risk pair as a row, or a skip; a count without its
 * denominator is bad input. */
static int event_row(struct rb *b, const struct rb_groups *g, size_t gi, const char *outcome,
                     double affected, double at_risk, const char *where, long line,
                     struct rb_attrs *attrs)
{
    const struct meta_ctgov_adverse *ae = &b->s->adverse;
    const struct meta_ctgov_group *grp = &ae->groups[gi];
    if (isnan(affected))
        return META_OK;
    if (isnan(at_risk))
        return rb_fail(b, where, line,
                       "adverse events: '%s' gives group '%s' %g participants affected but no "
                       "participants at risk",
                       outcome, grp->id, affected);
    if (!g->treatment[gi])
        return META_OK;
    if (at_risk < 1)
        return rb_skip(b, ae->section, outcome, grp->id, where, line, "no participants at risk");
    if (affected > at_risk)
        return rb_skip(b, ae->section, outcome, grp->id, where, line,
                       "%g participants affected of %g at risk", affected, at_risk);
    struct meta_record r;
    rb_record_init(&r, META_RECORD_BINARY);
    r.outcome = outcome;
    r.timepoint = "";
    r.arm = g->arm[gi];
    r.treatment = g->treatment[gi];
    r.events = affected;
    r.total = at_risk;
    r.where = where;
    r.line = line;
    rb_attr(attrs, "section", ae->section);
    rb_attr(attrs, "group_id", grp->id);
    rb_attr(attrs, "time_frame", ae->time_frame);
    return rb_record(b, &r, attrs);
}

static int totals(struct rb *b, const struct rb_groups *g)
{
    const struct meta_ctgov_adverse *ae = &b->s->adverse;
    int rc = META_OK;
    for (size_t i = 0; i < ae->n_groups && rc == META_OK; i++) {
        const struct meta_ctgov_group *grp = &ae->groups[i];
        struct rb_attrs a1 = {.n = 0}, a2 = {.n = 0}, a3 = {.n = 0};
        rb_attr(&a2, "frequency_threshold", ae->frequency_threshold);
        if ((rc = event_row(b, g, i, META_CTGOV_AE_SERIOUS_ANY, grp->serious_affected,
                            grp->serious_at_risk, grp->where, grp->line, &a1)) ||
            (rc = event_row(b, g, i, META_CTGOV_AE_OTHER_ANY, grp->other_affected,
                            grp->other_at_risk, grp->where, grp->line, &a2)) ||
            (rc = event_row(b, g, i, META_CTGOV_DEATHS, grp->deaths_affected, grp->deaths_at_risk,
                            grp->where, grp->line, &a3)))
            return rc;
    }
    return rc;
}

/* The outcome name of event k: "AE serious: TERM", with the organ system when
 * the same term is listed twice in the same list. NULL and *dup when the same
 * term and organ system come twice. */
static const char *event_outcome(struct rb *b, size_t k, int *dup)
{
    const struct meta_ctgov_adverse *ae = &b->s->adverse;
    const struct meta_ctgov_event *e = &ae->events[k];
    const char *kind = e->serious ? "AE serious" : "AE other";
    int twice = 0;
    *dup = 0;
    for (size_t i = 0; i < ae->n_events; i++) {
        const struct meta_ctgov_event *o = &ae->events[i];
        if (i == k || o->serious != e->serious || strcasecmp(o->term, e->term))
            continue;
        if (!strcasecmp(o->organ_system, e->organ_system)) {
            if (i < k) {
                *dup = 1;
                return NULL;
            }
            continue;
        }
        twice = 1;
    }
    return twice ? ctgov_arena_printf(b->a, "%s: %s (%s)", kind, e->term, e->organ_system)
                 : ctgov_arena_printf(b->a, "%s: %s", kind, e->term);
}

int ctgov_event_rows(struct rb *b)
{
    const struct meta_ctgov_adverse *ae = &b->s->adverse;
    struct rb_groups g;
    int rc;
    if (!ae->present)
        return META_OK;
    if ((rc = rb_section(b, ae->section, ae->groups, ae->n_groups, &g)) || (rc = totals(b, &g)))
        return rc;
    for (size_t k = 0; k < ae->n_events; k++) {
        const struct meta_ctgov_event *e = &ae->events[k];
        int dup;
        if (!*e->term) {
            if ((rc = rb_skip(b, ae->section, "", NULL, e->where, e->line,
                              "an adverse event without a term")))
                return rc;
            continue;
        }
        const char *outcome = event_outcome(b, k, &dup);
        if (dup) {
            if ((rc = rb_skip(b, ae->section, e->term, NULL, e->where, e->line,
                              "the same term and organ system are listed twice; the first is "
                              "kept")))
                return rc;
            continue;
        }
        if (!outcome)
            return rb_nomem(b);
        for (size_t s = 0; s < e->n_stats; s++) {
            const struct meta_ctgov_event_stat *st = &e->stats[s];
            size_t gi = 0;
            while (gi < ae->n_groups && strcmp(ae->groups[gi].id, st->group_id))
                gi++;
            struct rb_attrs attrs = {.n = 0};
            rb_attr(&attrs, "organ_system", e->organ_system);
            rb_attr(&attrs, "assessment", e->assessment);
            if (!e->serious)
                rb_attr(&attrs, "frequency_threshold", ae->frequency_threshold);
            if ((rc = event_row(b, &g, gi, outcome, st->affected, st->at_risk, st->where, st->line,
                                &attrs)))
                return rc;
        }
    }
    return META_OK;
}
