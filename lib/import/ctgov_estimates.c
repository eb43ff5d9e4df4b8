/*
 * Statistical analyses to estimate rows (INTERFACE.md 1b): a mean
 * difference, odds ratio, risk ratio or hazard ratio between two imported
 * groups of different treatments, with a two-sided interval at its level (or,
 * for a mean difference, its standard error). Which group is the treatment
 * side is taken, in this order, from the arm data (the estimate agrees with
 * the groups' own difference or ratio one way round and not the other), from
 * the analysis text ("A vs B", "A/B"), or as the active treatment against
 * placebo or sham; an analysis that none of them decides is skipped.
 */
#include "ctgov_records.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The registry's measure code for an analysis, or NULL with *why set. */
static const char *measure_code(struct rb *b, const struct meta_ctgov_analysis *an,
                                enum measure_kind kind, size_t arm_rows, const char **why)
{
    const char *p = ctgov_kind(b->a, an->param_type);
    *why = NULL;
    if (!p)
        return NULL;
    int binary = kind == KIND_COUNT || kind == KIND_PERCENT;
    if (strstr(p, "odds ratio") || strstr(p, "risk ratio") || strstr(p, "relative risk")) {
        if (binary)
            return strstr(p, "odds ratio") ? "OR" : "RR";
        *why = ctgov_arena_printf(b->a, "%s on a measure that is not a count of participants",
                                  an->param_type);
        return NULL;
    }
    if (strstr(p, "hazard ratio")) {
        if (!arm_rows)
            return "HR";
        *why = "a hazard ratio on an outcome that has arm rows";
        return NULL;
    }
    int difference = strstr(p, "difference") && !strstr(p, "median") && !strstr(p, "percent") &&
                     !strstr(p, "risk") && !strstr(p, "proportion") && !strstr(p, "rate");
    if (difference && kind == KIND_CONTINUOUS)
        return "MD";
    *why = ctgov_arena_printf(b->a,
                              "effect '%s' is not imported (mean differences of means, odds, "
                              "risk and hazard ratios are)",
                              an->param_type ? an->param_type : "");
    return NULL;
}

/* The value of a group in the measure's only category, as a number. */
static int group_value(const struct meta_ctgov_measure *m, const char *id, double *v)
{
    const struct meta_ctgov_category *cat = &m->classes[0].categories[0];
    for (size_t i = 0; i < cat->n_measurements; i++) {
        if (!strcmp(cat->measurements[i].group_id, id))
            return ctgov_number(cat->measurements[i].value, v);
    }
    return 0;
}

/* Participants analysed in group id: the only class's own denominators when
 * it has them, else the measure's; NAN when none. */
static double denominator(struct rb *b, const struct meta_ctgov_measure *m, const char *id)
{
    int other;
    const struct meta_ctgov_class *cl = &m->classes[0];
    return cl->n_denoms ? rb_denominator(b, cl->denoms, cl->n_denoms, id, &other)
                        : rb_denominator(b, m->denoms, m->n_denoms, id, &other);
}

/*
 * The groups' own effect of g2 against g1 on the analysis scale (log for
 * ratios), from the measure's values: NAN when it cannot be had.
 */
static double crude_effect(struct rb *b, const struct meta_ctgov_measure *m, enum measure_kind kind,
                           const char *code, const char *g1, const char *g2)
{
    double v1, v2, n1, n2;
    if (!group_value(m, g1, &v1) || !group_value(m, g2, &v2))
        return NAN;
    if (!strcmp(code, "MD"))
        return v2 - v1;
    if (!strcmp(code, "HR"))
        return NAN;
    n1 = denominator(b, m, g1);
    n2 = denominator(b, m, g2);
    if (!(n1 > 0) || !(n2 > 0))
        return NAN;
    double e1 = kind == KIND_PERCENT ? v1 * n1 / 100 : v1,
           e2 = kind == KIND_PERCENT ? v2 * n2 / 100 : v2;
    if (e1 < 0 || e2 < 0 || e1 > n1 || e2 > n2)
        return NAN;
    double c = (e1 == 0 || e2 == 0 || e1 == n1 || e2 == n2) ? 0.5 : 0;
    if (!strcmp(code, "RR"))
        return log(((e2 + c) / (n2 + 2 * c)) / ((e1 + c) / (n1 + 2 * c)));
    return log(((e2 + c) / (n2 - e2 + c)) / ((e1 + c) / (n1 - e1 + c)));
}

/* Which side the data put first: 2 when est is g2 vs g1, 1 when g1 vs g2, 0 undecided. */
static int by_data(double est, double crude)
{
    if (!isfinite(est) || !isfinite(crude) || crude == 0)
        return 0;
    if (fabs(est - crude) <= 0.5 * fabs(crude))
        return 2;
    if (fabs(est + crude) <= 0.5 * fabs(crude))
        return 1;
    return 0;
}

/* Whether a normalised text mentions a group: its treatment, its title without
 * a trailing parenthesis, or the first word of at least 3 letters of its title. */
static int mentions_group(struct rb *b, const char *text, const struct meta_ctgov_group *g,
                          const char *treatment)
{
    char *t = ctgov_normalise(b->a, treatment), *title = ctgov_normalise(b->a, g->title);
    if (!t || !title)
        return 0;
    if ((*t && ctgov_find_words(text, t)) || ctgov_find_words(text, title))
        return 1;
    if ((!strcmp(t, "placebo") && ctgov_find_words(text, "pbo")))
        return 1;
    char *save = NULL;
    for (char *w = strtok_r(title, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t letters = 0;
        for (char *p = w; *p; p++)
            letters += (*p >= 'a' && *p <= 'z');
        if (letters >= 3 && letters == strlen(w))
            return ctgov_find_words(text, w) != 0;
    }
    return 0;
}

/* Which side the text puts first ("A vs B", "A versus B", "A/B"): 1, 2 or 0. */
static int by_text(struct rb *b, const struct meta_ctgov_analysis *an,
                   const struct meta_ctgov_group *g1, const char *t1,
                   const struct meta_ctgov_group *g2, const char *t2)
{
    const char *texts[] = {an->estimate_comment, an->group_description};
    for (size_t i = 0; i < 2; i++) {
        const char *s = texts[i];
        if (!s)
            continue;
        static const char *const seps[] = {" vs. ", " vs ", " versus ", "/", NULL};
        for (const char *const *sep = seps; *sep; sep++) {
            const char *at = strstr(s, *sep);
            if (!at)
                continue;
            char *left = ctgov_arena_strndup(b->a, s, (size_t)(at - s));
            char *lk = left ? ctgov_normalise(b->a, left) : NULL;
            char *rk = ctgov_normalise(b->a, at + strlen(*sep));
            if (!lk || !rk)
                return 0;
            int l1 = mentions_group(b, lk, g1, t1), l2 = mentions_group(b, lk, g2, t2);
            int r1 = mentions_group(b, rk, g1, t1), r2 = mentions_group(b, rk, g2, t2);
            if (l1 && !l2 && r2 && !r1)
                return 1;
            if (l2 && !l1 && r1 && !r2)
                return 2;
        }
    }
    return 0;
}

static int is_placebo(const char *t)
{
    return !strcmp(t, "placebo") || !strcmp(t, "sham");
}

/* Index of group id in the measure. */
static size_t group_index(const struct meta_ctgov_measure *m, const char *id)
{
    size_t i = 0;
    while (i < m->n_groups && strcmp(m->groups[i].id, id))
        i++;
    return i;
}

struct done {
    const char *outcome, *a, *b;
};

static int analysis_row(struct rb *b, size_t mi, size_t ai, struct done *done, size_t *n_done)
{
    const struct meta_ctgov_measure *m = &b->s->measures[mi];
    const struct meta_ctgov_analysis *an = &m->analyses[ai];
    const struct rb_groups *g = &b->measure_groups[mi];
    const char *sec = m->section, *outcome = b->outcome[mi], *why;
    double est, lo = NAN, hi = NAN, level = NAN, se = NAN;
    if (!*m->title)
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: the measure has no title", ai + 1);
    if (an->n_group_ids != 2)
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu compares %zu groups, not two", ai + 1, an->n_group_ids);
    if (m->n_classes != 1 || m->classes[0].n_categories != 1)
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: the measure has several classes or categories and the "
                       "analysis does not say which it compares",
                       ai + 1);
    const char *code = measure_code(b, an, b->kind[mi], b->arm_rows[mi], &why);
    if (!code)
        return why ? rb_skip(b, sec, outcome, NULL, an->where, an->line, "analysis %zu: %s", ai + 1,
                             why)
                   : rb_nomem(b);
    int ratio = strcmp(code, "MD") != 0;
    if (!ctgov_number(an->param_value, &est) || (ratio && !(est > 0)))
        return rb_skip(
            b, sec, outcome, NULL, an->where, an->line, "analysis %zu: estimate '%s' is not a %s",
            ai + 1, an->param_value ? an->param_value : "", ratio ? "positive number" : "number");
    if (ctgov_number(an->ci_lower, &lo) && ctgov_number(an->ci_upper, &hi)) {
        const char *sides = ctgov_kind(b->a, an->ci_sides);
        if (!sides || (strcmp(sides, "two sided") && strcmp(sides, "2 sided")))
            return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                           "analysis %zu: the interval is not stated to be two-sided", ai + 1);
        if (!ctgov_number(an->ci_level, &level) || !(level > 0 && level < 100))
            return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                           "analysis %zu: the interval's level is not stated", ai + 1);
        if (!(lo <= est && est <= hi && lo < hi) || (ratio && !(lo > 0)))
            return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                           "analysis %zu: the interval [%s, %s] does not contain the estimate %s",
                           ai + 1, an->ci_lower, an->ci_upper, an->param_value);
    } else {
        const char *d = ctgov_kind(b->a, an->dispersion_type);
        if (ratio || !d || !strstr(d, "standard error") ||
            !ctgov_number(an->dispersion_value, &se) || !(se > 0))
            return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                           "analysis %zu: no interval%s", ai + 1,
                           ratio ? "" : " and no standard error");
        lo = hi = NAN;
    }
    size_t i1 = group_index(m, an->group_ids[0]), i2 = group_index(m, an->group_ids[1]);
    const char *t1 = g->treatment[i1], *t2 = g->treatment[i2];
    if (!t1 || !t2)
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: group %s is not imported", ai + 1,
                       !t1 ? an->group_ids[0] : an->group_ids[1]);
    if (!strcmp(t1, t2))
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: both groups have treatment '%s'", ai + 1, t1);
    double crude = crude_effect(b, m, b->kind[mi], code, an->group_ids[0], an->group_ids[1]);
    int data = by_data(ratio ? log(est) : est, crude);
    int text = by_text(b, an, &m->groups[i1], t1, &m->groups[i2], t2);
    int first;
    const char *how;
    if (data && text && data != text)
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: the arm data and the analysis text disagree on which group "
                       "is compared with which",
                       ai + 1);
    if (data) {
        first = data;
        how = "agrees with the groups' own values";
    } else if (text) {
        first = text;
        how = "from the analysis text";
    } else if (is_placebo(t1) != is_placebo(t2)) {
        first = is_placebo(t1) ? 2 : 1;
        how = "assumed: the active treatment against placebo or sham";
    } else {
        return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                       "analysis %zu: which group is the treatment side is not stated", ai + 1);
    }
    size_t it = first == 1 ? i1 : i2, ic = first == 1 ? i2 : i1;
    const char *tt = g->treatment[it], *tc = g->treatment[ic];
    for (size_t k = 0; k < *n_done; k++) {
        if (!strcmp(done[k].outcome, outcome) &&
            ((!strcmp(done[k].a, tt) && !strcmp(done[k].b, tc)) ||
             (!strcmp(done[k].a, tc) && !strcmp(done[k].b, tt))))
            return rb_skip(b, sec, outcome, NULL, an->where, an->line,
                           "analysis %zu: an earlier analysis of this measure compares the same "
                           "treatments",
                           ai + 1);
    }
    done[(*n_done)++] = (struct done){outcome, tt, tc};
    struct meta_record r;
    rb_record_init(&r, META_RECORD_ESTIMATE);
    r.outcome = outcome;
    r.timepoint = m->time_frame;
    r.treatment = tt;
    r.control = tc;
    r.measure = code;
    r.estimate = est;
    r.se = se;
    r.ci_lower = lo;
    r.ci_upper = hi;
    r.level = level;
    r.n_treatment = denominator(b, m, m->groups[it].id);
    r.n_control = denominator(b, m, m->groups[ic].id);
    r.line = an->line;
    r.where = an->where;
    struct rb_attrs attrs = {.n = 0};
    rb_attr(&attrs, "section", sec);
    rb_attr(&attrs, "group_ids",
            ctgov_arena_printf(b->a, "%s vs %s", m->groups[it].id, m->groups[ic].id));
    rb_attr(&attrs, "param_type", an->param_type);
    rb_attr(&attrs, "method", an->method);
    rb_attr(&attrs, "p_value", an->p_value);
    rb_attr(&attrs, "direction", how);
    /* the trial's attributes belong to its comparison too (INTERFACE.md 1b) */
    for (size_t i = 0; i < b->n_trial_attrs; i++)
        rb_attr(&attrs, b->trial_attrs[i].name, b->trial_attrs[i].value);
    return rb_record(b, &r, &attrs);
}

int ctgov_estimate_rows(struct rb *b)
{
    int rc = META_OK;
    for (size_t mi = 0; mi < b->s->n_measures && rc == META_OK; mi++) {
        const struct meta_ctgov_measure *m = &b->s->measures[mi];
        struct done *done = calloc(m->n_analyses ? m->n_analyses : 1, sizeof *done);
        size_t n_done = 0;
        if (!done)
            return rb_nomem(b);
        for (size_t ai = 0; ai < m->n_analyses && rc == META_OK; ai++)
            rc = analysis_row(b, mi, ai, done, &n_done);
        free(done);
    }
    return rc;
}
