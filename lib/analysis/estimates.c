/*
 * The contrast of a trial reported by an estimate row (INTERFACE.md 1b):
 * which row serves the selection, its effect on the analysis scale, turned
 * round when its sides are the selection's swapped, and why a trial is left
 * out when no row can serve (several rows, another measure or scale, a
 * method that needs counts). See meta_contrasts_build.
 */
#include "analysis_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "several estimate rows for the selected sides ('a' vs 'b', 'c' vs 'b')". */
static void several_reason(const struct meta_select_estimate *rows, size_t count,
                           const struct meta_arm_filter *filter, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "several estimate rows for the selected sides (");
    size_t listed = 0;
    for (size_t i = 0; i < count && used < size; i++) {
        if (!analysis_filter_passes(rows[i].by_value, filter))
            continue;
        int w = snprintf(buf + used, size - used, "%s'%s' vs '%s'", listed++ ? ", " : "",
                         rows[i].treatment, rows[i].control);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

/* Whether the row's interval was given at the analysis' level (a row
 * without a level was given at 95%). */
static int interval_at(const struct meta_select_estimate *e, double level)
{
    if (!isfinite(e->ci_lower) || !isfinite(e->ci_upper))
        return 0;
    double given = isfinite(e->level) ? e->level : 95.0;
    return fabs(given - level) <= 1e-9 * level;
}

/* The row's effect on the analysis scale, turned round when swapped. */
static double analysis_value(const struct meta_select_estimate *e, int log_values, double x)
{
    double y = log_values ? log(x) : x;
    return e->swapped ? 0.0 - y : y; /* 0 - y: no negative zero */
}

int analysis_estimate_contrast(const struct meta_selection *sel,
                               const struct meta_select_estimate *rows, size_t count,
                               const struct meta_options *opts, int log_scale,
                               const struct meta_arm_filter *filter, struct meta_contrasts *out,
                               struct meta_error *err)
{
    const struct meta_select_estimate *row = NULL;
    size_t passing = 0;
    for (size_t i = 0; i < count; i++) {
        if (!analysis_filter_passes(rows[i].by_value, filter))
            continue;
        if (!row)
            row = &rows[i];
        passing++;
    }
    if (passing == 0)
        return META_OK; /* its rows belong to other subgroups */
    char reason[META_ERROR_MAX];
    if (passing > 1) {
        several_reason(rows, count, filter, reason, sizeof reason);
        return analysis_exclude(out, row->trial, reason, err);
    }
    if (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO) {
        snprintf(reason, sizeof reason,
                 "method %s needs arm counts; the trial reports only an estimate (%s)",
                 meta_method_name(opts->method), row->measure);
        return analysis_exclude(out, row->trial, reason, err);
    }
    enum meta_measure measure;
    if (meta_measure_parse(row->measure, &measure) != META_OK || measure != opts->measure) {
        snprintf(reason, sizeof reason, "its estimate is of another measure (%s, not %s)",
                 row->measure, meta_measure_name(opts->measure));
        return analysis_exclude(out, row->trial, reason, err);
    }
    if (measure == META_GIV && (row->log_scale != 0) != (log_scale != 0)) {
        snprintf(reason, sizeof reason, "its GIV estimate is on %s, the analysis' estimates on %s",
                 row->log_scale ? "the log scale" : "the scale given",
                 log_scale ? "the log scale" : "the scale given");
        return analysis_exclude(out, row->trial, reason, err);
    }
    /* A ratio's estimate is stored on its natural scale; GIV's as given. */
    int log_values = meta_measure_is_ratio(measure);
    struct meta_study study;
    memset(&study, 0, sizeof study);
    study.label = row->trial;
    study.binary = sel->binary;
    study.given = 1;
    study.given_measure = measure;
    study.yi = analysis_value(row, log_values, row->estimate);
    study.vi = row->se * row->se;
    double yi, vi;
    struct meta_error e;
    meta_error_clear(&e);
    int ret = meta_es_compute_opts(opts, &study, &yi, &vi, &e);
    if (ret != META_OK)
        return analysis_exclude(out, row->trial, e.msg[0] ? e.msg : meta_strstatus(ret), err);
    struct meta_contrast_info info = {
        .trial = row->trial,
        .trial_id = row->trial_id,
        .year = analysis_parse_year(row->year),
        .source = META_SOURCE_ESTIMATE,
        .estimate = row,
        .n_treatment = row->swapped ? row->n_control : row->n_treatment,
        .n_control = row->swapped ? row->n_treatment : row->n_control,
        .ci_lower = NAN,
        .ci_upper = NAN,
    };
    if (interval_at(row, opts->level)) {
        double lo = analysis_value(row, log_values, row->ci_lower);
        double hi = analysis_value(row, log_values, row->ci_upper);
        info.ci_lower = row->swapped ? hi : lo;
        info.ci_upper = row->swapped ? lo : hi;
    }
    out->studies[out->k] = study;
    out->info[out->k] = info;
    out->k++;
    return META_OK;
}
