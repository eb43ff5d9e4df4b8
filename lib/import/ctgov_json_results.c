/*
 * The results section of an API v2 study: outcome measures (groups,
 * denominators, classes, categories, measurements, statistical analyses) and
 * the adverse-event module (event groups with their totals, serious and
 * other terms per group), copied into the model as written. Whether a group
 * id is defined is checked afterwards, for both formats, by ctgov_check.c.
 */
#include "ctgov_json.h"

#include <math.h>
#include <string.h>

static int read_groups(struct jctx *c, struct json_object *o, const char *path, const char *key,
                       struct meta_ctgov_group **out, size_t *n, int adverse)
{
    struct json_object *arr;
    const char *p = jpath(c, path, key);
    int rc = jarray(c, o, path, key, &arr, n);
    if (rc)
        return rc;
    *out = ctgov_arena_calloc(c->a, *n, sizeof **out);
    if (!*out || !p)
        return jnomem(c);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *g = json_object_array_get_idx(arr, i);
        struct meta_ctgov_group *grp = &(*out)[i];
        const char *gp = jindex(c, p, i);
        grp->where = gp;
        grp->deaths_affected = grp->deaths_at_risk = NAN;
        grp->serious_affected = grp->serious_at_risk = NAN;
        grp->other_affected = grp->other_at_risk = NAN;
        if ((rc = jstr0(c, g, gp, "id", &grp->id)) ||
            (rc = jstr0(c, g, gp, "title", &grp->title)) ||
            (rc = jstr0(c, g, gp, "description", &grp->description)))
            return rc;
        if (adverse && ((rc = jnum(c, g, gp, "deathsNumAffected", &grp->deaths_affected)) ||
                        (rc = jnum(c, g, gp, "deathsNumAtRisk", &grp->deaths_at_risk)) ||
                        (rc = jnum(c, g, gp, "seriousNumAffected", &grp->serious_affected)) ||
                        (rc = jnum(c, g, gp, "seriousNumAtRisk", &grp->serious_at_risk)) ||
                        (rc = jnum(c, g, gp, "otherNumAffected", &grp->other_affected)) ||
                        (rc = jnum(c, g, gp, "otherNumAtRisk", &grp->other_at_risk))))
            return rc;
    }
    return META_OK;
}

static int read_denoms(struct jctx *c, struct json_object *o, const char *path,
                       struct meta_ctgov_denom **out, size_t *n)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "denoms");
    int rc = jarray(c, o, path, "denoms", &arr, n);
    if (rc)
        return rc;
    *out = ctgov_arena_calloc(c->a, *n, sizeof **out);
    if (!*out || !p)
        return jnomem(c);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *d = json_object_array_get_idx(arr, i), *counts;
        struct meta_ctgov_denom *den = &(*out)[i];
        const char *dp = jindex(c, p, i), *cp = jpath(c, dp, "counts");
        if ((rc = jstr0(c, d, dp, "units", &den->units)) ||
            (rc = jarray(c, d, dp, "counts", &counts, &den->n_counts)))
            return rc;
        den->counts = ctgov_arena_calloc(c->a, den->n_counts, sizeof *den->counts);
        if (!den->counts || !cp)
            return jnomem(c);
        for (size_t k = 0; k < den->n_counts; k++) {
            struct json_object *x = json_object_array_get_idx(counts, k);
            struct meta_ctgov_count *cnt = &den->counts[k];
            cnt->where = jindex(c, cp, k);
            if ((rc = jstr0(c, x, cnt->where, "groupId", &cnt->group_id)) ||
                (rc = jnum(c, x, cnt->where, "value", &cnt->value)))
                return rc;
        }
    }
    return META_OK;
}

static int read_measurements(struct jctx *c, struct json_object *o, const char *path,
                             struct meta_ctgov_category *cat)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "measurements");
    int rc = jarray(c, o, path, "measurements", &arr, &cat->n_measurements);
    if (rc)
        return rc;
    cat->measurements = ctgov_arena_calloc(c->a, cat->n_measurements, sizeof *cat->measurements);
    if (!cat->measurements || !p)
        return jnomem(c);
    for (size_t i = 0; i < cat->n_measurements; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        struct meta_ctgov_measurement *m = &cat->measurements[i];
        m->where = jindex(c, p, i);
        if ((rc = jstr0(c, x, m->where, "groupId", &m->group_id)) ||
            (rc = jstr(c, x, m->where, "value", &m->value)) ||
            (rc = jstr(c, x, m->where, "spread", &m->spread)) ||
            (rc = jstr(c, x, m->where, "lowerLimit", &m->lower)) ||
            (rc = jstr(c, x, m->where, "upperLimit", &m->upper)) ||
            (rc = jstr(c, x, m->where, "comment", &m->comment)))
            return rc;
    }
    return META_OK;
}

static int read_classes(struct jctx *c, struct json_object *o, const char *path,
                        struct meta_ctgov_measure *ms)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "classes");
    int rc = jarray(c, o, path, "classes", &arr, &ms->n_classes);
    if (rc)
        return rc;
    ms->classes = ctgov_arena_calloc(c->a, ms->n_classes, sizeof *ms->classes);
    if (!ms->classes || !p)
        return jnomem(c);
    for (size_t i = 0; i < ms->n_classes; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i), *cats;
        struct meta_ctgov_class *cl = &ms->classes[i];
        cl->where = jindex(c, p, i);
        const char *cp = jpath(c, cl->where, "categories");
        if ((rc = jstr0(c, x, cl->where, "title", &cl->title)) ||
            (rc = read_denoms(c, x, cl->where, &cl->denoms, &cl->n_denoms)) ||
            (rc = jarray(c, x, cl->where, "categories", &cats, &cl->n_categories)))
            return rc;
        cl->categories = ctgov_arena_calloc(c->a, cl->n_categories, sizeof *cl->categories);
        if (!cl->categories || !cp)
            return jnomem(c);
        for (size_t k = 0; k < cl->n_categories; k++) {
            struct json_object *y = json_object_array_get_idx(cats, k);
            const char *kp = jindex(c, cp, k);
            if ((rc = jstr0(c, y, kp, "title", &cl->categories[k].title)) ||
                (rc = read_measurements(c, y, kp, &cl->categories[k])))
                return rc;
        }
    }
    return META_OK;
}

static int read_analyses(struct jctx *c, struct json_object *o, const char *path,
                         struct meta_ctgov_measure *ms)
{
    struct json_object *arr;
    const char *p = jpath(c, path, "analyses");
    int rc = jarray(c, o, path, "analyses", &arr, &ms->n_analyses);
    if (rc)
        return rc;
    ms->analyses = ctgov_arena_calloc(c->a, ms->n_analyses, sizeof *ms->analyses);
    if (!ms->analyses || !p)
        return jnomem(c);
    for (size_t i = 0; i < ms->n_analyses; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        struct meta_ctgov_analysis *an = &ms->analyses[i];
        const char *ap = an->where = jindex(c, p, i);
        if ((rc = jstrings(c, x, ap, "groupIds", &an->group_ids, &an->n_group_ids)) ||
            (rc = jstr(c, x, ap, "paramType", &an->param_type)) ||
            (rc = jstr(c, x, ap, "paramValue", &an->param_value)) ||
            (rc = jstr(c, x, ap, "ciPctValue", &an->ci_level)) ||
            (rc = jstr(c, x, ap, "ciNumSides", &an->ci_sides)) ||
            (rc = jstr(c, x, ap, "ciLowerLimit", &an->ci_lower)) ||
            (rc = jstr(c, x, ap, "ciUpperLimit", &an->ci_upper)) ||
            (rc = jstr(c, x, ap, "dispersionType", &an->dispersion_type)) ||
            (rc = jstr(c, x, ap, "dispersionValue", &an->dispersion_value)) ||
            (rc = jstr(c, x, ap, "pValue", &an->p_value)) ||
            (rc = jstr(c, x, ap, "statisticalMethod", &an->method)) ||
            (rc = jstr(c, x, ap, "estimateComment", &an->estimate_comment)) ||
            (rc = jstr(c, x, ap, "groupDescription", &an->group_description)))
            return rc;
    }
    return META_OK;
}

static int read_measure(struct jctx *c, struct json_object *o, const char *path, size_t index,
                        struct meta_ctgov_measure *ms)
{
    int rc;
    ms->index = index;
    ms->where = path;
    ms->section = ctgov_arena_printf(c->a, "outcome %zu", index);
    if (!ms->section)
        return jnomem(c);
    if (!json_object_is_type(o, json_type_object))
        return jfail(c, path, "expected an outcome measure object");
    if ((rc = jstr0(c, o, path, "type", &ms->type)) ||
        (rc = jstr0(c, o, path, "title", &ms->title)) ||
        (rc = jstr0(c, o, path, "description", &ms->description)) ||
        (rc = jstr0(c, o, path, "populationDescription", &ms->population)) ||
        (rc = jstr0(c, o, path, "reportingStatus", &ms->reporting_status)) ||
        (rc = jstr0(c, o, path, "paramType", &ms->param_type)) ||
        (rc = jstr0(c, o, path, "dispersionType", &ms->dispersion_type)) ||
        (rc = jstr0(c, o, path, "unitOfMeasure", &ms->unit)) ||
        (rc = jstr0(c, o, path, "timeFrame", &ms->time_frame)) ||
        (rc = jstr0(c, o, path, "denomUnitsSelected", &ms->denom_units_selected)) ||
        (rc = read_groups(c, o, path, "groups", &ms->groups, &ms->n_groups, 0)) ||
        (rc = read_denoms(c, o, path, &ms->denoms, &ms->n_denoms)) ||
        (rc = read_classes(c, o, path, ms)) || (rc = read_analyses(c, o, path, ms)))
        return rc;
    return META_OK;
}

static int read_events(struct jctx *c, struct json_object *o, const char *path, const char *key,
                       int serious, struct meta_ctgov_event *out, size_t n)
{
    struct json_object *arr;
    size_t got;
    const char *p = jpath(c, path, key);
    int rc = jarray(c, o, path, key, &arr, &got);
    if (rc)
        return rc;
    if (!p)
        return jnomem(c);
    for (size_t i = 0; i < n; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i), *stats;
        struct meta_ctgov_event *e = &out[i];
        e->serious = serious;
        e->where = jindex(c, p, i);
        const char *sp = jpath(c, e->where, "stats");
        if ((rc = jstr0(c, x, e->where, "term", &e->term)) ||
            (rc = jstr0(c, x, e->where, "organSystem", &e->organ_system)) ||
            (rc = jstr0(c, x, e->where, "sourceVocabulary", &e->vocabulary)) ||
            (rc = jstr0(c, x, e->where, "assessmentType", &e->assessment)) ||
            (rc = jarray(c, x, e->where, "stats", &stats, &e->n_stats)))
            return rc;
        e->stats = ctgov_arena_calloc(c->a, e->n_stats, sizeof *e->stats);
        if (!e->stats || !sp)
            return jnomem(c);
        for (size_t k = 0; k < e->n_stats; k++) {
            struct json_object *y = json_object_array_get_idx(stats, k);
            struct meta_ctgov_event_stat *st = &e->stats[k];
            st->where = jindex(c, sp, k);
            if ((rc = jstr0(c, y, st->where, "groupId", &st->group_id)) ||
                (rc = jnum(c, y, st->where, "numAffected", &st->affected)) ||
                (rc = jnum(c, y, st->where, "numAtRisk", &st->at_risk)) ||
                (rc = jnum(c, y, st->where, "numEvents", &st->events)))
                return rc;
        }
    }
    return META_OK;
}

static int read_adverse(struct jctx *c, struct json_object *ae, const char *path,
                        struct meta_ctgov_study *s)
{
    struct meta_ctgov_adverse *a = &s->adverse;
    struct json_object *ser, *oth;
    size_t n_ser, n_oth;
    int rc;
    a->present = 1;
    a->section = "adverse events";
    a->where = path;
    if ((rc = jstr0(c, ae, path, "frequencyThreshold", &a->frequency_threshold)) ||
        (rc = jstr0(c, ae, path, "timeFrame", &a->time_frame)) ||
        (rc = jstr0(c, ae, path, "description", &a->description)) ||
        (rc = read_groups(c, ae, path, "eventGroups", &a->groups, &a->n_groups, 1)) ||
        (rc = jarray(c, ae, path, "seriousEvents", &ser, &n_ser)) ||
        (rc = jarray(c, ae, path, "otherEvents", &oth, &n_oth)))
        return rc;
    a->n_events = n_ser + n_oth;
    a->events = ctgov_arena_calloc(c->a, a->n_events, sizeof *a->events);
    if (!a->events)
        return jnomem(c);
    if ((rc = read_events(c, ae, path, "seriousEvents", 1, a->events, n_ser)) ||
        (rc = read_events(c, ae, path, "otherEvents", 0, a->events + n_ser, n_oth)))
        return rc;
    return META_OK;
}

int ctgov_json_results(struct jctx *c, struct json_object *rs, const char *path,
                       struct meta_ctgov_study *s)
{
    struct json_object *om, *arr, *ae;
    const char *pom = jpath(c, path, "outcomeMeasuresModule");
    const char *pms = jpath(c, pom, "outcomeMeasures");
    int rc;
    if ((rc = jobject(c, rs, path, "outcomeMeasuresModule", &om)) ||
        (rc = jarray(c, om, pom, "outcomeMeasures", &arr, &s->n_measures)))
        return rc;
    s->measures = ctgov_arena_calloc(c->a, s->n_measures, sizeof *s->measures);
    if (!s->measures || !pms)
        return jnomem(c);
    for (size_t i = 0; i < s->n_measures; i++) {
        const char *mp = jindex(c, pms, i);
        if (!mp)
            return jnomem(c);
        if ((rc = read_measure(c, json_object_array_get_idx(arr, i), mp, i + 1, &s->measures[i])))
            return rc;
    }
    if ((rc = jobject(c, rs, path, "adverseEventsModule", &ae)))
        return rc;
    if (ae && (rc = read_adverse(c, ae, jpath(c, path, "adverseEventsModule"), s)))
        return rc;
    if (s->n_measures == 0 && !s->adverse.present)
        return jfail(c, path, "record has no results (no outcome measures, no adverse events)");
    return META_OK;
}
