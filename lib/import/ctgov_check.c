/*
 * Checks a parsed study for what both formats can get wrong in the same way:
 * a group id that a measurement, denominator, analysis or adverse-event
 * count names but its section does not define, a group defined twice, and
 * participant counts that are not whole numbers. A study that passes can be
 * turned into records without looking anything up twice.
 */
#include "ctgov_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int defined(const struct meta_ctgov_group *g, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(g[i].id, id))
            return 1;
    }
    return 0;
}

/* "OG000, OG001" for messages. */
static void id_list(const struct meta_ctgov_group *g, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", g[i].id);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (!n)
        snprintf(buf, size, "none");
}

/* The study being checked and where its first problem goes. */
struct ck {
    const struct meta_ctgov_study *s;
    struct meta_error *err;
};

static int ck_fail(const struct ck *c, const char *where, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int ck_fail(const struct ck *c, const char *where, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctgov_vfail(c->err, META_EINVAL, c->s->source, c->s->nct_id, where, line, fmt, ap);
    va_end(ap);
    return rc;
}

static int undefined(const struct ck *c, const char *where, long line, const char *what,
                     const char *id, const char *section, const struct meta_ctgov_group *g,
                     size_t n)
{
    char ids[512];
    id_list(g, n, ids, sizeof ids);
    return ck_fail(c, where, line, "%s names group '%s', which %s does not define (it defines %s)",
                   what, id, section, ids);
}

static int whole(double v)
{
    return isnan(v) || (v >= 0 && v == floor(v) && v < 1e12);
}

static int check_groups(const struct ck *s, const struct meta_ctgov_group *g, size_t n,
                        const char *section)
{
    for (size_t i = 0; i < n; i++) {
        if (!*g[i].id)
            return ck_fail(s, g[i].where, g[i].line, "a group of %s has no id", section);
        if (defined(g, i, g[i].id))
            return ck_fail(s, g[i].where, g[i].line, "%s defines group '%s' twice", section,
                           g[i].id);
        const double totals[] = {g[i].deaths_affected, g[i].deaths_at_risk, g[i].serious_affected,
                                 g[i].serious_at_risk, g[i].other_affected, g[i].other_at_risk};
        for (size_t k = 0; k < sizeof totals / sizeof *totals; k++) {
            if (!whole(totals[k]))
                return ck_fail(s, g[i].where, g[i].line,
                               "group '%s' has a participant count that is not a "
                               "whole number, got %g",
                               g[i].id, totals[k]);
        }
    }
    return META_OK;
}

static int check_denoms(const struct ck *s, const struct meta_ctgov_measure *m,
                        const struct meta_ctgov_denom *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d[i].n_counts; k++) {
            const struct meta_ctgov_count *c = &d[i].counts[k];
            if (!defined(m->groups, m->n_groups, c->group_id))
                return undefined(s, c->where, c->line, "a denominator", c->group_id, m->section,
                                 m->groups, m->n_groups);
            if (isnan(c->value) || !whole(c->value))
                return ck_fail(s, c->where, c->line,
                               "the denominator of group '%s' in %s is not a whole "
                               "number of %s",
                               c->group_id, m->section, *d[i].units ? d[i].units : "participants");
        }
    }
    return META_OK;
}

static int check_measure(const struct ck *s, const struct meta_ctgov_measure *m)
{
    int rc;
    if ((rc = check_groups(s, m->groups, m->n_groups, m->section)) ||
        (rc = check_denoms(s, m, m->denoms, m->n_denoms)))
        return rc;
    for (size_t i = 0; i < m->n_classes; i++) {
        const struct meta_ctgov_class *cl = &m->classes[i];
        if ((rc = check_denoms(s, m, cl->denoms, cl->n_denoms)))
            return rc;
        for (size_t j = 0; j < cl->n_categories; j++) {
            const struct meta_ctgov_category *cat = &cl->categories[j];
            for (size_t k = 0; k < cat->n_measurements; k++) {
                const struct meta_ctgov_measurement *x = &cat->measurements[k];
                if (!defined(m->groups, m->n_groups, x->group_id))
                    return undefined(s, x->where, x->line, "a measurement", x->group_id, m->section,
                                     m->groups, m->n_groups);
            }
        }
    }
    for (size_t i = 0; i < m->n_analyses; i++) {
        const struct meta_ctgov_analysis *an = &m->analyses[i];
        for (size_t k = 0; k < an->n_group_ids; k++) {
            if (!defined(m->groups, m->n_groups, an->group_ids[k]))
                return undefined(s, an->where, an->line, "a statistical analysis", an->group_ids[k],
                                 m->section, m->groups, m->n_groups);
        }
    }
    return META_OK;
}

static int check_adverse(const struct ck *s, const struct meta_ctgov_adverse *a)
{
    int rc = check_groups(s, a->groups, a->n_groups, a->section);
    if (rc)
        return rc;
    for (size_t i = 0; i < a->n_events; i++) {
        const struct meta_ctgov_event *e = &a->events[i];
        for (size_t k = 0; k < e->n_stats; k++) {
            const struct meta_ctgov_event_stat *st = &e->stats[k];
            if (!defined(a->groups, a->n_groups, st->group_id))
                return undefined(s, st->where, st->line, "an adverse-event count", st->group_id,
                                 a->section, a->groups, a->n_groups);
            if (!whole(st->affected) || !whole(st->at_risk) || !whole(st->events))
                return ck_fail(s, st->where, st->line,
                               "adverse event '%s': a count of group '%s' is not a "
                               "whole number",
                               e->term, st->group_id);
        }
    }
    return META_OK;
}

int ctgov_check_study(const struct meta_ctgov_study *study, struct meta_error *err)
{
    const struct ck c = {study, err};
    int rc = META_OK;
    for (size_t i = 0; i < study->n_measures && !rc; i++)
        rc = check_measure(&c, &study->measures[i]);
    if (!rc && study->adverse.present)
        rc = check_adverse(&c, &study->adverse);
    return rc;
}
