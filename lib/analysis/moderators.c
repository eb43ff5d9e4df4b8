/*
 * The value of each moderator for each study of an analysis, from the
 * attributes the selection read by name (see meta_analysis_regression):
 * the one value a trial's treatment arms carry (the estimate row's own for a
 * trial reported by one), or the reason the trial has none (an arm lacks
 * it; its arms disagree, as two drug classes against one placebo do).
 * Trials are found by binary search of the selection's runs of arms, which
 * are in trial order, so any order of the studies costs O(k log k).
 */
#include "analysis_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One trial's arms in the selection: arms[start, end). */
struct run {
    long long trial_id;
    size_t start, end;
};

/* The runs of equal trial_id among `count` rows whose trial ids id(i) are
 * in ascending order. */
static struct run *runs_of(size_t count, long long (*id)(const struct meta_selection *, size_t),
                           const struct meta_selection *sel, size_t *n_runs)
{
    *n_runs = 0;
    struct run *r = malloc((count ? count : 1) * sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        if (*n_runs > 0 && r[*n_runs - 1].trial_id == id(sel, i)) {
            r[*n_runs - 1].end = i + 1;
            continue;
        }
        r[(*n_runs)++] = (struct run){id(sel, i), i, i + 1};
    }
    return r;
}

static long long arm_id(const struct meta_selection *sel, size_t i)
{
    return sel->arms[i].trial_id;
}

static const struct run *find_run(const struct run *runs, size_t n, long long trial_id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (runs[mid].trial_id < trial_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && runs[lo].trial_id == trial_id ? &runs[lo] : NULL;
}

/* The rows one trial's moderator values come from: its treatment arms, or,
 * for a trial reported by an estimate row (meta_contrast_info.estimate), that
 * row alone. */
struct source {
    const struct meta_selection *sel;
    const struct run *arms;
    const struct meta_select_estimate *estimate;
};

static size_t source_rows(const struct source *s, int *from_arms)
{
    *from_arms = !s->estimate;
    if (s->estimate)
        return 1;
    size_t n = 0;
    for (size_t i = s->arms ? s->arms->start : 0; s->arms && i < s->arms->end; i++)
        n += s->sel->arms[i].side == META_SIDE_TREATMENT;
    return n;
}

/* Value `col` of the r-th source row, and that row's name for messages. */
static const char *row_value(const struct source *s, int from_arms, size_t r, size_t col,
                             const char **row_name)
{
    if (!from_arms) {
        const struct meta_select_estimate *e = s->estimate;
        *row_name = e->treatment;
        return e->values ? e->values[col] : NULL;
    }
    for (size_t i = s->arms->start; i < s->arms->end; i++) {
        const struct meta_select_arm *a = &s->sel->arms[i];
        if (a->side != META_SIDE_TREATMENT)
            continue;
        if (r-- == 0) {
            *row_name = a->label;
            return a->values ? a->values[col] : NULL;
        }
    }
    *row_name = "";
    return NULL;
}

/* The one value of attribute `col` among the source rows, or NULL with the
 * reason in why (size bytes); *seen is set when some row has a value. */
static const char *trial_value(const struct source *s, const char *name, size_t col, char *why,
                               size_t size, int *seen)
{
    int from_arms = 0;
    size_t n = source_rows(s, &from_arms);
    const char *value = NULL, *row = NULL;
    size_t lacking = 0;
    const char *lacking_row = NULL;
    for (size_t r = 0; r < n; r++) {
        const char *v = row_value(s, from_arms, r, col, &row);
        if (!v || !*v) {
            lacking++;
            lacking_row = row;
            continue;
        }
        *seen = 1;
        if (value && strcmp(value, v) != 0) {
            snprintf(why, size, "its treatment %s disagree on moderator '%s' ('%s', '%s')",
                     from_arms ? "arms" : "estimates", name, value, v);
            return NULL;
        }
        value = v;
    }
    if (lacking == n)
        snprintf(why, size, "no value of moderator '%s'", name);
    else if (lacking > 0)
        snprintf(why, size, "its treatment %s '%s' has no value of moderator '%s'",
                 from_arms ? "arm" : "estimate", lacking_row, name);
    return lacking ? NULL : value;
}

int analysis_moderator_values(const struct meta_selection *sel, const struct meta_contrasts *c,
                              char *const *names, size_t n, const char **values, char **reasons,
                              int *present, struct meta_error *err)
{
    int ret = META_OK;
    size_t n_arm_runs = 0;
    size_t *col = calloc(n ? n : 1, sizeof *col);
    struct run *arm_runs = runs_of(sel->count, arm_id, sel, &n_arm_runs);
    if (!col || !arm_runs) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t j = 0; j < n; j++) {
        size_t a = 0;
        while (a < sel->n_attributes && strcmp(sel->attributes[a], names[j]) != 0)
            a++;
        if (a == sel->n_attributes) {
            ret = meta_error_set(err, META_EINVAL, "moderator '%s' was not read with the selection",
                                 names[j]);
            goto cleanup;
        }
        col[j] = a;
        present[j] = 0;
    }
    for (size_t i = 0; i < c->k; i++) {
        const struct meta_contrast_info *info = &c->info[i];
        struct source s = {sel, NULL, NULL};
        if (info->source == META_SOURCE_ESTIMATE && info->estimate)
            s.estimate = info->estimate;
        else
            s.arms = find_run(arm_runs, n_arm_runs, info->trial_id);
        reasons[i] = NULL;
        for (size_t j = 0; j < n; j++) {
            char why[META_ERROR_MAX];
            values[i * n + j] = trial_value(&s, names[j], col[j], why, sizeof why, &present[j]);
            if (values[i * n + j] || reasons[i])
                continue;
            if (!(reasons[i] = strdup(why))) {
                ret = meta_error_set(err, META_ENOMEM, "out of memory");
                goto cleanup;
            }
        }
        if (reasons[i])
            for (size_t j = 0; j < n; j++)
                values[i * n + j] = NULL;
    }
cleanup:
    free(col);
    free(arm_runs);
    return ret;
}
