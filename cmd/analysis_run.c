/*
 * Running one analysis (see analysis.h): reading the selection, building one
 * contrast per trial, pooling them, and the subgroup, leave-one-out and
 * cumulative variants, all with lib/stats. Shared by the commands that pool
 * (pool, forest, run), which differ only in how they show the result.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_analysis_init(struct meta_analysis *an)
{
    memset(an, 0, sizeof *an);
    meta_selection_init(&an->sel);
    meta_contrasts_init(&an->contrasts);
}

void meta_analysis_release(struct meta_analysis *an)
{
    if (!an)
        return;
    for (size_t i = 0; i < an->n_groups; i++) {
        free(an->groups[i].value);
        meta_contrasts_release(&an->groups[i].contrasts);
        meta_result_release(&an->groups[i].result);
    }
    free(an->groups);
    meta_results_free(an->loo, an->n_loo);
    meta_results_free(an->cum, an->n_cum);
    free(an->cum_order);
    meta_result_release(&an->overall);
    meta_contrasts_release(&an->contrasts);
    meta_selection_release(&an->sel);
    meta_analysis_init(an);
}

int meta_analysis_fetch(struct meta_db *db, const struct meta_analysis_request *req,
                        struct meta_analysis *an, struct meta_error *err)
{
    struct meta_select_query q = {
        .outcome = req->outcome,
        .timepoint = req->timepoint,
        .treatments = (const char *const *)req->treatments,
        .n_treatments = req->n_treatments,
        .controls = (const char *const *)req->controls,
        .n_controls = req->n_controls,
        .by = req->by,
    };
    meta_selection_release(&an->sel);
    int ret = meta_db_select(db, &q, &an->sel, err);
    if (ret != META_OK || !req->by)
        return ret;
    /* A --by attribute that no treatment arm carries is a mistake (a typo,
     * most likely), not one subgroup of arms that lack it. */
    for (size_t i = 0; i < an->sel.count; i++)
        if (an->sel.arms[i].side == META_SIDE_TREATMENT && an->sel.arms[i].by_value)
            return META_OK;
    if (an->sel.count == 0)
        return META_OK;
    return meta_db_unknown_attribute(db, &q, err);
}

static int build(const struct meta_analysis_request *req, struct meta_analysis *an,
                 const struct meta_arm_filter *filter, struct meta_contrasts *out,
                 struct meta_error *err)
{
    return meta_contrasts_build(&an->sel, (const char *const *)req->treatments, req->n_treatments,
                                (const char *const *)req->controls, req->n_controls,
                                an->opts.measure, filter, out, err);
}

/* "no trial to pool" with the first reasons trials were left out. */
static int nothing_to_pool(const struct meta_analysis_request *req, const struct meta_analysis *an,
                           struct meta_error *err)
{
    char why[2048] = "";
    size_t used = 0;
    const struct meta_contrasts *c = &an->contrasts;
    for (size_t i = 0; i < c->n_excluded && i < 5 && used < sizeof why; i++) {
        int w = snprintf(why + used, sizeof why - used, "%s%s: %s", i ? "; " : "",
                         c->excluded[i].trial, c->excluded[i].reason);
        used += w > 0 ? (size_t)w : 0;
    }
    if (c->n_excluded > 5 && used < sizeof why)
        snprintf(why + used, sizeof why - used, "; and %zu more", c->n_excluded - 5);
    if (c->n_excluded == 0)
        return meta_error_set(err, META_EDOM,
                              "no trial of outcome '%s' at time point '%s' has a treatment or "
                              "control arm of the lists given",
                              an->sel.outcome, an->sel.timepoint);
    return meta_error_set(err, META_EDOM,
                          "no trial to pool for outcome '%s' (%s vs %s): %zu trial%s left out "
                          "(%s)",
                          an->sel.outcome, req->treatments[0], req->controls[0], c->n_excluded,
                          c->n_excluded == 1 ? "" : "s", why);
}

static int run_subgroups(const struct meta_analysis_request *req, struct meta_analysis *an,
                         struct meta_error *err)
{
    char **values = NULL;
    size_t count = 0;
    int has_missing = 0;
    int ret = meta_contrasts_by_values(&an->sel, &values, &count, &has_missing, err);
    if (ret != META_OK)
        return ret;
    size_t total = count + (size_t)has_missing;
    an->groups = calloc(total ? total : 1, sizeof *an->groups);
    if (!an->groups) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t g = 0; g < total; g++) {
        struct meta_subgroup *sg = &an->groups[g];
        sg->value = g < count ? values[g] : NULL;
        if (g < count)
            values[g] = NULL; /* now owned by the subgroup */
        meta_contrasts_init(&sg->contrasts);
        an->n_groups++;
        struct meta_arm_filter filter = {1, sg->value};
        if ((ret = build(req, an, &filter, &sg->contrasts, err)) != META_OK)
            goto cleanup;
        if (sg->contrasts.k == 0)
            continue;
        struct meta_error e;
        meta_error_clear(&e);
        ret = meta_pool(sg->contrasts.studies, sg->contrasts.k, &an->opts, &sg->result, &e);
        if (ret != META_OK) {
            meta_error_set(err, ret, "subgroup %s = %s: %s", req->by,
                           sg->value ? sg->value : "(missing)", e.msg);
            goto cleanup;
        }
        sg->pooled = 1;
    }
    struct meta_result *pooled = calloc(total ? total : 1, sizeof *pooled);
    if (!pooled) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t n = 0;
    for (size_t g = 0; g < an->n_groups; g++)
        if (an->groups[g].pooled)
            pooled[n++] = an->groups[g].result; /* shallow copies, read only */
    if (n >= 2) {
        struct meta_error e;
        meta_error_clear(&e);
        ret = meta_subgroup_test(pooled, n, &an->test, &e);
        if (ret != META_OK)
            meta_error_set(err, ret, "test for subgroup differences: %s", e.msg);
        else
            an->have_test = 1;
    }
    free(pooled);
cleanup:
    for (size_t i = 0; i < count; i++)
        free(values[i]);
    free(values);
    return ret;
}

/* Cumulative order: trials with a year by year, then the others; ties and
 * the rest as loaded (the contrasts are in load order). */
struct order_key {
    double year;
    size_t index;
};

static int cmp_order(const void *pa, const void *pb)
{
    const struct order_key *a = pa, *b = pb;
    int ya = !isnan(a->year), yb = !isnan(b->year);
    if (ya != yb)
        return ya ? -1 : 1;
    if (ya && a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

static int run_cumulative(struct meta_analysis *an, struct meta_error *err)
{
    size_t k = an->contrasts.k;
    int ret = META_OK;
    struct order_key *keys = calloc(k, sizeof *keys);
    struct meta_study *ordered = calloc(k, sizeof *ordered);
    an->cum_order = calloc(k, sizeof *an->cum_order);
    if (!keys || !ordered || !an->cum_order) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++)
        keys[i] = (struct order_key){an->contrasts.info[i].year, i};
    qsort(keys, k, sizeof *keys, cmp_order);
    for (size_t i = 0; i < k; i++) {
        an->cum_order[i] = keys[i].index;
        ordered[i] = an->contrasts.studies[keys[i].index];
    }
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_cumulative(ordered, k, &an->opts, &an->cum, &e);
    if (ret != META_OK)
        meta_error_set(err, ret, "cumulative analysis: %s", e.msg);
    else
        an->n_cum = k;
cleanup:
    free(keys);
    free(ordered);
    return ret;
}

int meta_analysis_compute(const struct meta_analysis_request *req, struct meta_analysis *an,
                          struct meta_error *err)
{
    int ret = build(req, an, NULL, &an->contrasts, err);
    if (ret != META_OK)
        return ret;
    if (an->contrasts.k == 0)
        return nothing_to_pool(req, an, err);
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_pool(an->contrasts.studies, an->contrasts.k, &an->opts, &an->overall, &e);
    if (ret != META_OK)
        return meta_error_set(err, ret, "%s", e.msg);
    if (req->by && (ret = run_subgroups(req, an, err)) != META_OK)
        return ret;
    if (req->leave_one_out) {
        if (an->contrasts.k < 2)
            return meta_error_set(err, META_EDOM,
                                  "leave-one-out needs at least 2 trials, the selection has %zu",
                                  an->contrasts.k);
        meta_error_clear(&e);
        ret = meta_leave1out(an->contrasts.studies, an->contrasts.k, &an->opts, &an->loo, &e);
        if (ret != META_OK)
            return meta_error_set(err, ret, "leave-one-out: %s", e.msg);
        an->n_loo = an->contrasts.k;
    }
    if (req->cumulative && (ret = run_cumulative(an, err)) != META_OK)
        return ret;
    return META_OK;
}
