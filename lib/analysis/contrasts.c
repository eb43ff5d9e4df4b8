/*
 * One contrast per trial from the arms and estimate rows of a selection (see
 * meta_contrasts.h). The selection is ordered by trial, so each trial is
 * one run of arms and one run of estimate rows; a trial with arms on both
 * sides is a contrast of its arms, combined with lib/stats and checked with
 * meta_es_compute_opts (so that a trial whose effect cannot be estimated is
 * reported, not pooled, while one the convention calls not estimable is kept,
 * to be listed without weight); any other trial with estimate rows is one
 * of its estimate (estimates.c).
 */
#include "analysis_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_contrasts_init(struct meta_contrasts *c)
{
    memset(c, 0, sizeof *c);
}

void meta_contrasts_release(struct meta_contrasts *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_excluded; i++)
        free(c->excluded[i].reason);
    free(c->excluded);
    free(c->studies);
    free(c->info);
    meta_contrasts_init(c);
}

/* "no A or B arm" into buf. */
static void no_arm_reason(const char *const *names, size_t count, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "no ");
    for (size_t i = 0; i < count && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? " or " : "", names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, " arm");
}

/* Combines the arms arms[0..count-1] that are on `side` (and pass filter for
 * the treatment side) into study; *used receives how many. */
static int combine_side(const struct meta_select_arm *arms, size_t count, int binary,
                        enum meta_select_side side, const struct meta_arm_filter *filter,
                        struct meta_study *study, size_t *used, struct meta_arm_cont *cbuf,
                        struct meta_arm_bin *bbuf, struct meta_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const struct meta_select_arm *a = &arms[i];
        if (a->side != side ||
            (side == META_SIDE_TREATMENT && !analysis_filter_passes(a->by_value, filter)))
            continue;
        cbuf[n] = (struct meta_arm_cont){a->n, a->mean, a->sd};
        bbuf[n] = (struct meta_arm_bin){a->events, a->total};
        n++;
    }
    *used = n;
    if (n == 0)
        return META_OK;
    struct meta_error e;
    int ret;
    if (binary)
        ret = meta_arm_bin_combine(bbuf, n, side == META_SIDE_TREATMENT ? &study->tb : &study->cb,
                                   &e);
    else
        ret = meta_arm_cont_combine(cbuf, n, side == META_SIDE_TREATMENT ? &study->tc : &study->cc,
                                    &e);
    if (ret != META_OK)
        return meta_error_set(err, ret, "trial '%s': cannot combine its %s arms: %s", arms[0].trial,
                              side == META_SIDE_TREATMENT ? "treatment" : "control", e.msg);
    return META_OK;
}

/* One trial: arms[0..count-1]. Appends a contrast or an exclusion to out. */
static int build_trial(const struct meta_selection *sel, const struct meta_select_arm *arms,
                       size_t count, const char *const *treatments, size_t n_treatments,
                       const char *const *controls, size_t n_controls,
                       const struct meta_options *opts, const struct meta_arm_filter *filter,
                       struct meta_contrasts *out, struct meta_arm_cont *cbuf,
                       struct meta_arm_bin *bbuf, struct meta_error *err)
{
    struct meta_study study;
    memset(&study, 0, sizeof study);
    study.label = arms[0].trial;
    study.binary = sel->binary;
    size_t nt = 0, nc = 0;
    int ret = combine_side(arms, count, sel->binary, META_SIDE_TREATMENT, filter, &study, &nt, cbuf,
                           bbuf, err);
    if (ret == META_OK)
        ret = combine_side(arms, count, sel->binary, META_SIDE_CONTROL, NULL, &study, &nc, cbuf,
                           bbuf, err);
    if (ret != META_OK)
        return ret;
    char reason[META_ERROR_MAX];
    if (nt == 0) {
        if (filter && filter->active)
            return META_OK; /* the trial belongs to other subgroups */
        no_arm_reason(treatments, n_treatments, reason, sizeof reason);
        return analysis_exclude(out, arms[0].trial, reason, err);
    }
    if (nc == 0) {
        no_arm_reason(controls, n_controls, reason, sizeof reason);
        return analysis_exclude(out, arms[0].trial, reason, err);
    }
    double yi, vi;
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_es_compute_opts(opts, &study, &yi, &vi, &e);
    if (ret != META_OK)
        return analysis_exclude(out, arms[0].trial, e.msg[0] ? e.msg : meta_strstatus(ret), err);
    double year = NAN;
    for (size_t i = 0; i < count; i++) {
        double y = analysis_parse_year(arms[i].year);
        if (isfinite(y) && (isnan(year) || y < year))
            year = y;
    }
    out->studies[out->k] = study;
    out->info[out->k] = (struct meta_contrast_info){.trial = arms[0].trial,
                                                    .trial_id = arms[0].trial_id,
                                                    .year = year,
                                                    .treatment_arms = nt,
                                                    .control_arms = nc,
                                                    .source = META_SOURCE_ARMS,
                                                    .estimate = NULL,
                                                    .n_treatment = NAN,
                                                    .n_control = NAN,
                                                    .ci_lower = NAN,
                                                    .ci_upper = NAN};
    out->k++;
    return META_OK;
}

/* Whether arms[0..count-1] hold both sides (whatever a filter passes): then
 * the trial is a contrast of its arms, and its estimate rows are not used. */
static int both_sides(const struct meta_select_arm *arms, size_t count)
{
    int t = 0, c = 0;
    for (size_t i = 0; i < count; i++) {
        t |= arms[i].side == META_SIDE_TREATMENT;
        c |= arms[i].side == META_SIDE_CONTROL;
    }
    return t && c;
}

/* The runs of one trial: arms [*a0, *a1) and estimate rows [*e0, *e1), the
 * next trial in the order of loading from positions *a1 and *e1 on. Returns
 * 0 when both runs are exhausted. */
static int next_trial(const struct meta_selection *sel, size_t *a0, size_t *a1, size_t *e0,
                      size_t *e1)
{
    *a0 = *a1;
    *e0 = *e1;
    if (*a0 >= sel->count && *e0 >= sel->n_estimates)
        return 0;
    long long id;
    if (*a0 >= sel->count)
        id = sel->estimates[*e0].trial_id;
    else if (*e0 >= sel->n_estimates)
        id = sel->arms[*a0].trial_id;
    else
        id = sel->arms[*a0].trial_id < sel->estimates[*e0].trial_id ? sel->arms[*a0].trial_id
                                                                    : sel->estimates[*e0].trial_id;
    while (*a1 < sel->count && sel->arms[*a1].trial_id == id)
        (*a1)++;
    while (*e1 < sel->n_estimates && sel->estimates[*e1].trial_id == id)
        (*e1)++;
    return 1;
}

int meta_contrasts_build(const struct meta_selection *sel, const char *const *treatments,
                         size_t n_treatments, const char *const *controls, size_t n_controls,
                         const struct meta_options *opts, const struct meta_arm_filter *filter,
                         struct meta_contrasts *out, struct meta_error *err)
{
    meta_contrasts_init(out);
    int ret = META_OK;
    struct meta_arm_cont *cbuf = NULL;
    struct meta_arm_bin *bbuf = NULL;
    size_t trials = 0, widest = 0;
    for (size_t i = 0, run = 0; i < sel->count; i++) {
        run = (i > 0 && sel->arms[i].trial_id == sel->arms[i - 1].trial_id) ? run + 1 : 1;
        trials += run == 1;
        widest = run > widest ? run : widest;
    }
    for (size_t i = 0; i < sel->n_estimates; i++)
        trials += i == 0 || sel->estimates[i].trial_id != sel->estimates[i - 1].trial_id;
    if (trials == 0)
        return META_OK;
    int log_scale = meta_contrasts_log_scale(sel, opts->measure);
    out->studies = calloc(trials, sizeof *out->studies);
    out->info = calloc(trials, sizeof *out->info);
    cbuf = calloc(widest ? widest : 1, sizeof *cbuf);
    bbuf = calloc(widest ? widest : 1, sizeof *bbuf);
    if (!out->studies || !out->info || !cbuf || !bbuf) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t a0, a1 = 0, e0, e1 = 0;
    while (next_trial(sel, &a0, &a1, &e0, &e1)) {
        size_t n_arms = a1 - a0;
        const struct meta_select_arm *arms = n_arms ? &sel->arms[a0] : NULL;
        if (e1 > e0 && !both_sides(arms, n_arms))
            ret = analysis_estimate_contrast(sel, &sel->estimates[e0], e1 - e0, opts, log_scale,
                                             filter, out, err);
        else
            ret = build_trial(sel, arms, n_arms, treatments, n_treatments, controls, n_controls,
                              opts, filter, out, cbuf, bbuf, err);
        if (ret != META_OK)
            goto cleanup;
    }
cleanup:
    free(cbuf);
    free(bbuf);
    return ret;
}

int meta_contrasts_log_scale(const struct meta_selection *sel, enum meta_measure measure)
{
    if (measure != META_GIV)
        return meta_measure_is_ratio(measure);
    size_t on_log = 0, given = 0;
    for (size_t i = 0; i < sel->n_estimates; i++) {
        if (strcmp(sel->estimates[i].measure, "GIV") != 0)
            continue;
        on_log += sel->estimates[i].log_scale != 0;
        given += sel->estimates[i].log_scale == 0;
    }
    return on_log >= given && on_log > 0;
}

/* ---- Subgroup values ------------------------------------------------------ */

static int cmp_bytes(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int cmp_numeric(const void *pa, const void *pb)
{
    double x = strtod(*(const char *const *)pa, NULL), y = strtod(*(const char *const *)pb, NULL);
    if (x != y)
        return x < y ? -1 : 1;
    return cmp_bytes(pa, pb);
}

static int is_number(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(v);
}

/* Adds value (borrowed) to list[0..*n) unless it is there, or notes that a
 * row lacks it. */
static void add_value(const char *value, char **list, size_t *n, int *has_missing)
{
    if (!value) {
        *has_missing = 1;
        return;
    }
    for (size_t j = 0; j < *n; j++)
        if (strcmp(list[j], value) == 0)
            return;
    list[(*n)++] = (char *)value; /* borrowed until copied */
}

int meta_contrasts_by_values(const struct meta_selection *sel, char ***values, size_t *count,
                             int *has_missing, struct meta_error *err)
{
    *values = NULL;
    *count = 0;
    *has_missing = 0;
    size_t rows = sel->count + sel->n_estimates;
    char **list = rows ? calloc(rows, sizeof *list) : NULL;
    if (rows && !list)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    size_t n = 0;
    size_t a0, a1 = 0, e0, e1 = 0;
    while (next_trial(sel, &a0, &a1, &e0, &e1)) {
        int with_control = 0, with_treatment = 0;
        for (size_t i = a0; i < a1; i++) {
            with_control |= sel->arms[i].side == META_SIDE_CONTROL;
            with_treatment |= sel->arms[i].side == META_SIDE_TREATMENT;
        }
        if (e1 > e0 && !(with_control && with_treatment)) {
            for (size_t i = e0; i < e1; i++)
                add_value(sel->estimates[i].by_value, list, &n, has_missing);
            continue;
        }
        for (size_t i = a0; i < a1 && with_control; i++)
            if (sel->arms[i].side == META_SIDE_TREATMENT)
                add_value(sel->arms[i].by_value, list, &n, has_missing);
    }
    int numeric = 1;
    for (size_t i = 0; i < n; i++)
        numeric = numeric && is_number(list[i]);
    qsort(list, n, sizeof *list, numeric ? cmp_numeric : cmp_bytes);
    for (size_t i = 0; i < n; i++) {
        if (!(list[i] = strdup(list[i]))) {
            for (size_t j = 0; j < i; j++)
                free(list[j]);
            free(list);
            return meta_error_set(err, META_ENOMEM, "out of memory");
        }
    }
    *values = list;
    *count = n;
    return META_OK;
}
