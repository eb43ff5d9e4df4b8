/*
 * Outcome measures to arm rows. Arithmetic means with an SD become
 * continuous rows; with an SE or a confidence interval the SD is derived and
 * says so; counts of participants, and percentages of them where exactly one
 * whole count rounds to the percentage, become binary rows. Medians, ranges,
 * geometric and log scales, counts of units and numbers in other units are
 * never turned into means or counts: they are listed as skipped, with why.
 */
#include "ctgov_records.h"

#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How a measure's spread turns into an SD. */
enum spread { SPREAD_SD, SPREAD_SE, SPREAD_CI };

/* The level of a confidence interval as written: "95% Confidence Interval",
 * "CONFIDENCE_95", "CONFIDENCE_975" (97.5); NAN when none is stated. */
static double ci_level(const char *d)
{
    const char *p = d;
    while (*p && !isdigit((unsigned char)*p))
        p++;
    if (!*p)
        return NAN;
    char *end;
    double v = strtod(p, &end);
    if (v > 100 && !memchr(p, '.', (size_t)(end - p)))
        v /= 10;
    return v > 0 && v < 100 ? v : NAN;
}

/*
 * Classifies the measure; on KIND_OTHER *why says why it is skipped. For a
 * continuous measure *spread and *level say how its spread reads.
 */
static enum measure_kind classify(struct rb *b, const struct meta_ctgov_measure *m,
                                  enum spread *spread, double *level, const char **why)
{
    const char *p = ctgov_kind(b->a, m->param_type), *d = ctgov_kind(b->a, m->dispersion_type);
    *why = NULL;
    *level = NAN;
    if (!p || !d)
        return KIND_OTHER;
    if (!strcmp(p, "mean") || !strcmp(p, "least squares mean")) {
        if (!strcmp(d, "standard deviation")) {
            *spread = SPREAD_SD;
        } else if (!strcmp(d, "standard error") || !strcmp(d, "standard error of the mean") ||
                   !strcmp(d, "standard error of mean")) {
            *spread = SPREAD_SE;
        } else if (strstr(d, "confidence")) {
            *spread = SPREAD_CI;
            *level = ci_level(m->dispersion_type);
            if (isnan(*level))
                *why = "mean with a confidence interval of unstated level";
        } else if (!strcmp(d, "full range")) {
            *why = "mean with a full range: no standard deviation, not guessed from the range";
        } else if (!strcmp(d, "inter quartile range")) {
            *why = "mean with an interquartile range: no standard deviation";
        } else if (!*d || !strcmp(d, "na") || !strcmp(d, "not applicable")) {
            *why = "mean without a standard deviation, standard error or interval";
        } else {
            *why = ctgov_arena_printf(b->a, "mean with dispersion '%s'", m->dispersion_type);
        }
        return *why ? KIND_OTHER : KIND_CONTINUOUS;
    }
    if (!strcmp(p, "count of participants"))
        return KIND_COUNT;
    if (!strcmp(p, "number")) {
        int u = ctgov_participant_unit(b->a, m->unit);
        if (u == 1)
            return KIND_COUNT;
        if (u == 2)
            return KIND_PERCENT;
        *why = ctgov_arena_printf(b->a,
                                  "a number in '%s', not participants or a percentage of "
                                  "them",
                                  m->unit);
    } else if (!strcmp(p, "median")) {
        *why = "median: not turned into a mean";
    } else if (strstr(p, "geometric")) {
        *why = ctgov_arena_printf(b->a,
                                  "%s: a geometric scale, not turned into an arithmetic "
                                  "mean",
                                  m->param_type);
    } else if (!strcmp(p, "log mean")) {
        *why = "log mean: a log scale, not turned into an arithmetic mean";
    } else if (!strcmp(p, "count of units")) {
        *why = "a count of units, not of participants";
    } else if (!*p) {
        *why = "no values posted (no parameter type)";
    } else {
        *why = ctgov_arena_printf(b->a, "parameter '%s' is not imported", m->param_type);
    }
    return KIND_OTHER;
}

/* Outcome names already given, with their time point, to keep (trial, arm,
 * outcome, time point) unique across measures. */
struct names_used {
    const char **name, **timepoint;
    size_t n, cap;
};

static int used(const struct names_used *u, const char *name, const char *tp)
{
    for (size_t i = 0; i < u->n; i++) {
        if (!strcmp(u->name[i], name) && !strcmp(u->timepoint[i], tp))
            return 1;
    }
    return 0;
}

/* The outcome name of a class and category, unique within the study. */
static const char *outcome_name(struct rb *b, struct names_used *u,
                                const struct meta_ctgov_measure *m, size_t ci, size_t ki)
{
    const struct meta_ctgov_class *cl = &m->classes[ci];
    const char *cat = cl->categories[ki].title;
    const char *name = ctgov_arena_printf(b->a, "%s%s%s%s%s", m->title, *cl->title ? ": " : "",
                                          cl->title, *cat ? ": " : "", cat);
    if (name && used(u, name, m->time_frame))
        name = ctgov_arena_printf(b->a, "%s (%s)", name, m->section);
    if (name && used(u, name, m->time_frame))
        name = ctgov_arena_printf(b->a, "%s (%s, class %zu, category %zu)", name, m->section,
                                  ci + 1, ki + 1);
    if (!name)
        return NULL;
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        const char **a = realloc(u->name, cap * sizeof *a);
        if (!a)
            return NULL;
        u->name = a;
        const char **t = realloc(u->timepoint, cap * sizeof *t);
        if (!t)
            return NULL;
        u->timepoint = t;
        u->cap = cap;
    }
    u->name[u->n] = name;
    u->timepoint[u->n++] = m->time_frame;
    return name;
}

static const char *spread_name(enum spread s, double n)
{
    if (s == SPREAD_SE)
        return "from the standard error";
    return n < 60 ? "from the confidence interval (t on n-1 df)"
                  : "from the confidence interval (normal)";
}

/* One continuous value; returns META_OK also when it is skipped. */
static int continuous_row(struct rb *b, const struct meta_ctgov_measure *m,
                          const struct meta_ctgov_measurement *x, const char *outcome, double n,
                          enum spread spread, double level, struct meta_record *r,
                          struct rb_attrs *attrs)
{
    double mean, s, lo, hi, sd = NAN;
    const char *sec = m->section, *gid = x->group_id;
    if (!ctgov_number(x->value, &mean))
        return rb_skip(b, sec, outcome, gid, x->where, x->line, "mean '%s' is not a number",
                       x->value);
    if (n < 1)
        return rb_skip(b, sec, outcome, gid, x->where, x->line, "no participants analysed");
    if (spread == SPREAD_CI) {
        if (!ctgov_number(x->lower, &lo) || !ctgov_number(x->upper, &hi))
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "no confidence interval for this group");
        if (!(lo < hi) || mean < lo || mean > hi)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "the interval [%s, %s] does not contain the mean %s", x->lower, x->upper,
                           x->value);
        if (n < 2)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "one participant: no SD from an interval");
        /* Cochrane Handbook 6.5.2.2: t on n-1 df for small groups, normal above 60 */
        double p = 0.5 + level / 200.0;
        double q = n < 60 ? gsl_cdf_tdist_Pinv(p, n - 1) : gsl_cdf_ugaussian_Pinv(p);
        sd = sqrt(n) * (hi - lo) / (2 * q);
    } else {
        if (!ctgov_number(x->spread, &s))
            return rb_skip(b, sec, outcome, gid, x->where, x->line, "%s '%s' is not a number",
                           spread == SPREAD_SD ? "standard deviation" : "standard error",
                           x->spread ? x->spread : "");
        sd = spread == SPREAD_SD ? s : s * sqrt(n);
    }
    if (!(sd > 0) || !isfinite(sd))
        return rb_skip(b, sec, outcome, gid, x->where, x->line,
                       "the standard deviation is not > 0");
    r->n = n;
    r->mean = mean;
    r->sd = sd;
    if (spread != SPREAD_SD)
        rb_attr(attrs, "sd_derived", spread_name(spread, n));
    return rb_record(b, r, attrs);
}

/* The single whole count of n participants that rounds to pct as written, or -1. */
static double count_from_percent(const char *text, double pct, double n)
{
    double tol = 0.5 * pow(10, -ctgov_decimals(text)) + 1e-9;
    double found = -1;
    int matches = 0;
    double lo = floor((pct - tol) * n / 100), hi = ceil((pct + tol) * n / 100);
    for (double e = lo < 0 ? 0 : lo; e <= hi && e <= n; e++) {
        if (fabs(100 * e / n - pct) <= tol) {
            found = e;
            matches++;
        }
    }
    return matches == 1 ? found : -1;
}

static int binary_row(struct rb *b, const struct meta_ctgov_measure *m,
                      const struct meta_ctgov_measurement *x, const char *outcome, double n,
                      enum measure_kind kind, struct meta_record *r, struct rb_attrs *attrs)
{
    double v, events;
    const char *sec = m->section, *gid = x->group_id;
    if (!ctgov_number(x->value, &v))
        return rb_skip(b, sec, outcome, gid, x->where, x->line, "value '%s' is not a number",
                       x->value);
    if (n < 1)
        return rb_skip(b, sec, outcome, gid, x->where, x->line, "no participants analysed");
    if (kind == KIND_PERCENT) {
        if (v < 0 || v > 100)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "percentage %s is not between 0 and 100", x->value);
        events = count_from_percent(x->value, v, n);
        if (events < 0)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "%s%% of %g participants is not one whole number of participants",
                           x->value, n);
        rb_attr(attrs, "events_derived",
                ctgov_arena_printf(b->a, "from %s%% of %g participants", x->value, n));
    } else {
        events = v;
        if (v != floor(v) || v < 0)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "count %s is not a whole number of participants", x->value);
        if (v > n)
            return rb_skip(b, sec, outcome, gid, x->where, x->line,
                           "count %s is larger than its denominator %g", x->value, n);
    }
    r->events = events;
    r->total = n;
    return rb_record(b, r, attrs);
}

static int measure_rows(struct rb *b, struct names_used *u, size_t mi)
{
    const struct meta_ctgov_measure *m = &b->s->measures[mi];
    struct rb_groups *g = &b->measure_groups[mi];
    enum spread spread = SPREAD_SD;
    double level;
    const char *why;
    int rc;
    if ((rc = rb_section(b, m->section, m->groups, m->n_groups, g)))
        return rc;
    enum measure_kind kind = classify(b, m, &spread, &level, &why);
    b->kind[mi] = kind;
    if (m->n_classes == 0 || m->classes[0].n_categories == 0) {
        b->outcome[mi] = m->title;
        return rb_skip(b, m->section, m->title, NULL, m->where, m->line, "no values posted");
    }
    const char *rs = ctgov_kind(b->a, m->reporting_status);
    if (rs && !strcmp(rs, "not posted")) {
        kind = KIND_OTHER;
        why = "results not posted";
    }
    if (!*m->title) { /* nothing to name the outcome by */
        kind = KIND_OTHER;
        why = "the measure has no title";
    }
    if (kind == KIND_OTHER && !why)
        return rb_nomem(b);
    /* denominators that count eyes, lesions or samples, not participants */
    int units_other = 0;
    rb_denominator(b, m->denoms, m->n_denoms, "", &units_other);
    const char *sel = m->denom_units_selected;
    if (kind != KIND_OTHER && (units_other || (*sel && ctgov_participant_unit(b->a, sel) != 1))) {
        kind = KIND_OTHER;
        why = ctgov_arena_printf(b->a, "analysed in units of '%s', not participants",
                                 *sel ? sel : m->denoms[0].units);
        if (!why)
            return rb_nomem(b);
    }
    for (size_t ci = 0; ci < m->n_classes; ci++) {
        const struct meta_ctgov_class *cl = &m->classes[ci];
        for (size_t ki = 0; ki < cl->n_categories; ki++) {
            const char *outcome = outcome_name(b, u, m, ci, ki);
            if (!outcome)
                return rb_nomem(b);
            if (ci == 0 && ki == 0)
                b->outcome[mi] = outcome;
            if (kind == KIND_OTHER) {
                if ((rc = rb_skip(b, m->section, outcome, NULL, cl->where, cl->line, "%s", why)))
                    return rc;
                continue;
            }
            const struct meta_ctgov_category *cat = &cl->categories[ki];
            for (size_t xi = 0; xi < cat->n_measurements; xi++) {
                const struct meta_ctgov_measurement *x = &cat->measurements[xi];
                if (ctgov_absent(x->value)) {
                    if ((rc = rb_skip(b, m->section, outcome, x->group_id, x->where, x->line,
                                      "no value%s%s", x->comment && *x->comment ? ": " : "",
                                      x->comment ? x->comment : "")))
                        return rc;
                    continue;
                }
                /* a class's own denominators come before the measure's */
                int other = 0;
                double n = rb_denominator(b, cl->denoms, cl->n_denoms, x->group_id, &other);
                if (isnan(n) && !cl->n_denoms)
                    n = rb_denominator(b, m->denoms, m->n_denoms, x->group_id, &other);
                if (isnan(n))
                    return rb_fail(b, x->where, x->line,
                                   "%s: the value of group '%s' has no denominator (participants "
                                   "analysed)",
                                   m->section, x->group_id);
                size_t gi = 0;
                while (gi < m->n_groups && strcmp(m->groups[gi].id, x->group_id))
                    gi++;
                if (!g->treatment[gi])
                    continue;
                struct meta_record r;
                rb_record_init(&r, kind == KIND_CONTINUOUS ? META_RECORD_CONTINUOUS
                                                           : META_RECORD_BINARY);
                r.outcome = outcome;
                r.timepoint = m->time_frame;
                r.arm = g->arm[gi];
                r.treatment = g->treatment[gi];
                r.line = x->line;
                r.where = x->where;
                struct rb_attrs attrs = {.n = 0};
                rb_attr(&attrs, "section", m->section);
                rb_attr(&attrs, "group_id", x->group_id);
                rb_attr(&attrs, "measure_type", m->type);
                rb_attr(&attrs, "param_type", m->param_type);
                rb_attr(&attrs, "dispersion", m->dispersion_type);
                rb_attr(&attrs, "unit", m->unit);
                size_t before = b->out->n_records;
                rc = kind == KIND_CONTINUOUS
                         ? continuous_row(b, m, x, outcome, n, spread, level, &r, &attrs)
                         : binary_row(b, m, x, outcome, n, kind, &r, &attrs);
                if (rc)
                    return rc;
                b->arm_rows[mi] += b->out->n_records - before;
            }
        }
    }
    return META_OK;
}

int ctgov_outcome_rows(struct rb *b)
{
    struct names_used u = {0};
    int rc = META_OK;
    for (size_t i = 0; i < b->s->n_measures && rc == META_OK; i++)
        rc = measure_rows(b, &u, i);
    free(u.name);
    free(u.timepoint);
    return rc;
}
