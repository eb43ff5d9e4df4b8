/*
 * One contrast per trial from the arms of a selection (see meta_contrasts.h). The
 * selection is ordered by trial, so each trial is one run of arms; its sides
 * are combined with lib/stats and checked with meta_es_compute_opts, so that
 * a trial whose effect cannot be estimated is reported, not pooled, while one
 * the convention calls not estimable is kept, to be listed without weight.
 */
#include "meta_contrasts.h"

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

static int add_exclusion(struct meta_contrasts *c, const char *trial, const char *reason,
                         struct meta_error *err)
{
    struct meta_exclusion *grown = realloc(c->excluded, (c->n_excluded + 1) * sizeof *grown);
    if (!grown)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    c->excluded = grown;
    char *copy = strdup(reason);
    if (!copy)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    c->excluded[c->n_excluded++] = (struct meta_exclusion){trial, copy};
    return META_OK;
}

static int passes(const struct meta_select_arm *a, const struct meta_arm_filter *filter)
{
    if (!filter || !filter->active)
        return 1;
    if (!filter->value)
        return a->by_value == NULL;
    return a->by_value && strcmp(a->by_value, filter->value) == 0;
}

/* Leading number of a year attribute ("1986", "1986.5"); NAN if none. */
static double parse_year(const char *text)
{
    if (!text)
        return NAN;
    char *end;
    double y = strtod(text, &end);
    while (*end == ' ')
        end++;
    return end != text && *end == '\0' && isfinite(y) ? y : NAN;
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
        if (a->side != side || (side == META_SIDE_TREATMENT && !passes(a, filter)))
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
        return add_exclusion(out, arms[0].trial, reason, err);
    }
    if (nc == 0) {
        no_arm_reason(controls, n_controls, reason, sizeof reason);
        return add_exclusion(out, arms[0].trial, reason, err);
    }
    double yi, vi;
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_es_compute_opts(opts, &study, &yi, &vi, &e);
    if (ret != META_OK)
        return add_exclusion(out, arms[0].trial, e.msg[0] ? e.msg : meta_strstatus(ret), err);
    double year = NAN;
    for (size_t i = 0; i < count; i++) {
        double y = parse_year(arms[i].year);
        if (isfinite(y) && (isnan(year) || y < year))
            year = y;
    }
    out->studies[out->k] = study;
    out->info[out->k] = (struct meta_contrast_info){arms[0].trial, arms[0].trial_id, year, nt, nc};
    out->k++;
    return META_OK;
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
    if (trials == 0)
        return META_OK;
    out->studies = calloc(trials, sizeof *out->studies);
    out->info = calloc(trials, sizeof *out->info);
    cbuf = calloc(widest, sizeof *cbuf);
    bbuf = calloc(widest, sizeof *bbuf);
    if (!out->studies || !out->info || !cbuf || !bbuf) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t start = 0; start < sel->count;) {
        size_t end = start + 1;
        while (end < sel->count && sel->arms[end].trial_id == sel->arms[start].trial_id)
            end++;
        ret = build_trial(sel, &sel->arms[start], end - start, treatments, n_treatments, controls,
                          n_controls, opts, filter, out, cbuf, bbuf, err);
        if (ret != META_OK)
            goto cleanup;
        start = end;
    }
cleanup:
    free(cbuf);
    free(bbuf);
    return ret;
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

/* Whether the trial of arms[start..end) has a control arm. */
static int has_control(const struct meta_select_arm *arms, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++)
        if (arms[i].side == META_SIDE_CONTROL)
            return 1;
    return 0;
}

int meta_contrasts_by_values(const struct meta_selection *sel, char ***values, size_t *count,
                             int *has_missing, struct meta_error *err)
{
    *values = NULL;
    *count = 0;
    *has_missing = 0;
    char **list = sel->count ? calloc(sel->count, sizeof *list) : NULL;
    if (sel->count && !list)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t start = 0; start < sel->count;) {
        size_t end = start + 1;
        while (end < sel->count && sel->arms[end].trial_id == sel->arms[start].trial_id)
            end++;
        int with_control = has_control(sel->arms, start, end);
        for (size_t i = start; i < end && with_control; i++) {
            const struct meta_select_arm *a = &sel->arms[i];
            if (a->side != META_SIDE_TREATMENT)
                continue;
            if (!a->by_value) {
                *has_missing = 1;
                continue;
            }
            int seen = 0;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(list[j], a->by_value) == 0;
            if (!seen)
                list[n++] = a->by_value; /* borrowed until copied below */
        }
        start = end;
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
