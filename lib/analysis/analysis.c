/*
 * Computing one analysis (see meta_analysis.h) on arms and estimate rows in
 * memory: one contrast per trial, pooled, and the subgroup, leave-one-out
 * and cumulative variants, then the small-study tests, influence diagnostics
 * and meta-regression asked for (bias.c, regression.c), all with lib/stats.
 * Where the rows come from (the registry, a test) does not matter here.
 */
#include "analysis_internal.h"

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
    analysis_bias_release(&an->bias);
    analysis_influence_release(&an->influence);
    analysis_regression_release(&an->regression);
    meta_result_release(&an->overall);
    meta_contrasts_release(&an->contrasts);
    meta_selection_release(&an->sel);
    meta_analysis_init(an);
}

static int build(const struct meta_analysis_request *req, struct meta_analysis *an,
                 const struct meta_arm_filter *filter, struct meta_contrasts *out,
                 struct meta_error *err)
{
    return meta_contrasts_build(an->data, (const char *const *)req->treatments, req->n_treatments,
                                (const char *const *)req->controls, req->n_controls, &an->opts,
                                filter, out, err);
}

/* "no trial to pool" with the first reasons trials were left out. */
static int nothing_to_pool(const struct meta_analysis_request *req, const struct meta_analysis *an,
                           struct meta_error *err)
{
    char why[2048];
    const struct meta_contrasts *c = &an->contrasts;
    analysis_list_exclusions(why, sizeof why, c->excluded, c->n_excluded);
    if (c->n_excluded == 0)
        return meta_error_set(err, META_EDOM,
                              "no trial of outcome '%s' at time point '%s' has a treatment or "
                              "control arm of the lists given",
                              an->data->outcome, an->data->timepoint);
    return meta_error_set(err, META_EDOM,
                          "no trial to pool for outcome '%s' (%s vs %s): %zu trial%s left out "
                          "(%s)",
                          an->data->outcome, req->treatments[0], req->controls[0], c->n_excluded,
                          c->n_excluded == 1 ? "" : "s", why);
}

/* lib/stats names a failing subgroup by its number ("subgroup 2: ..."):
 * name it by its value instead. */
static int subgroup_error(const struct meta_analysis_request *req, const struct meta_analysis *an,
                          int status, const char *msg, struct meta_error *err)
{
    size_t g = 0;
    int used = 0;
    if (sscanf(msg, "subgroup %zu: %n", &g, &used) == 1 && used > 0 && g >= 1 &&
        g <= an->n_groups) {
        const char *value = an->groups[g - 1].value;
        return meta_error_set(err, status, "subgroup %s = %s: %s", req->by,
                              value ? value : "(missing)", msg + used);
    }
    return meta_error_set(err, status, "subgroups by %s: %s", req->by, msg);
}

/* Pools the subgroups' studies (groups' contrasts, subgroup after subgroup)
 * with meta_pool_subgroups(): each subgroup's total, the test between them
 * and, under revman5 and r-meta, the overall total with its weights. With
 * subgroup totals only the studies are listed subgroup after subgroup under
 * every convention, each shown with its weight within its subgroup. */
static int pool_subgroups(const struct meta_analysis_request *req, struct meta_analysis *an,
                          struct meta_error *err)
{
    size_t k = 0;
    for (size_t g = 0; g < an->n_groups; g++)
        k += an->groups[g].contrasts.k;
    if (k == 0)
        return META_OK; /* no subgroup has a trial to pool */
    struct meta_study *studies = calloc(k, sizeof *studies);
    struct meta_contrast_info *info = calloc(k, sizeof *info);
    size_t *group = calloc(k, sizeof *group);
    struct meta_subgroup_analysis sub;
    memset(&sub, 0, sizeof sub);
    int ret = META_OK;
    if (!studies || !info || !group) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t g = 0, n = 0; g < an->n_groups; g++) {
        const struct meta_contrasts *c = &an->groups[g].contrasts;
        an->groups[g].first = n;
        for (size_t j = 0; j < c->k; j++, n++) {
            studies[n] = c->studies[j];
            info[n] = c->info[j];
            group[n] = g;
        }
    }
    struct meta_error e;
    meta_error_clear(&e);
    ret = meta_pool_subgroups(studies, k, group, an->n_groups, &an->opts, &sub, &e);
    if (ret != META_OK) {
        subgroup_error(req, an, ret, e.msg, err);
        goto cleanup;
    }
    for (size_t g = 0; g < an->n_groups; g++) {
        an->groups[g].result = sub.groups[g]; /* now owned by the subgroup */
        memset(&sub.groups[g], 0, sizeof sub.groups[g]);
        an->groups[g].pooled = an->groups[g].result.k > 0;
    }
    an->test = sub.test;
    an->have_test = sub.have_test;
    an->subgroup_totals_only = req->totals == META_TOTALS_SUBGROUPS;
    if (an->opts.convention != META_CONVENTION_METAFOR || an->subgroup_totals_only) {
        meta_result_release(&an->overall);
        an->overall = sub.overall;
        memset(&sub.overall, 0, sizeof sub.overall);
        free(an->contrasts.studies);
        free(an->contrasts.info);
        an->contrasts.studies = studies;
        an->contrasts.info = info;
        an->contrasts.k = k;
        studies = NULL;
        info = NULL;
        an->subgroups_in_total = 1;
    }
cleanup:
    meta_subgroup_analysis_release(&sub);
    free(studies);
    free(info);
    free(group);
    return ret;
}

static int run_subgroups(const struct meta_analysis_request *req, struct meta_analysis *an,
                         struct meta_error *err)
{
    char **values = NULL;
    size_t count = 0;
    int has_missing = 0;
    int ret = meta_contrasts_by_values(an->data, &values, &count, &has_missing, err);
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
    }
    ret = pool_subgroups(req, an, err);
cleanup:
    for (size_t i = 0; i < count; i++)
        free(values[i]);
    free(values);
    return ret;
}

const struct meta_subgroup *meta_analysis_subgroup_of(const struct meta_analysis *an, size_t i)
{
    if (!an->subgroups_in_total)
        return NULL;
    for (size_t g = an->n_groups; g-- > 0;)
        if (an->groups[g].contrasts.k > 0 && an->groups[g].first <= i)
            return &an->groups[g];
    return NULL;
}

double meta_analysis_shown_weight(const struct meta_analysis *an, size_t g, size_t j)
{
    const struct meta_subgroup *sg = &an->groups[g];
    if (an->subgroups_in_total && !an->subgroup_totals_only)
        return an->overall.studies[sg->first + j].weight;
    return sg->result.studies[j].weight;
}

double meta_analysis_study_weight(const struct meta_analysis *an, size_t i)
{
    const struct meta_subgroup *sg =
        an->subgroup_totals_only ? meta_analysis_subgroup_of(an, i) : NULL;
    if (sg)
        return sg->result.studies[i - sg->first].weight;
    return an->overall.studies[i].weight;
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

/* Whether the convention calls every contrast not estimable (revman5 and
 * r-meta; never under metafor). */
static int none_estimable(const struct meta_analysis *an)
{
    if (an->opts.convention == META_CONVENTION_METAFOR)
        return 0;
    for (size_t i = 0; i < an->contrasts.k; i++) {
        double yi, vi;
        if (meta_es_compute_opts(&an->opts, &an->contrasts.studies[i], &yi, &vi, NULL) != META_OK ||
            !isnan(yi))
            return 0;
    }
    return 1;
}

/* The computation proper, once the options are resolved. */
static int compute(const struct meta_analysis_request *req, struct meta_analysis *an,
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
    if (ret == META_EDOM && none_estimable(an))
        return meta_error_set(err, ret,
                              "no trial to pool for outcome '%s' (%s vs %s): none of its %zu "
                              "trial%s is estimable under convention %s (no events in either "
                              "arm, or events in every participant)",
                              an->data->outcome, req->treatments[0], req->controls[0],
                              an->contrasts.k, an->contrasts.k == 1 ? "" : "s",
                              meta_convention_name(an->opts.convention));
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
    if ((req->bias || req->trimfill) && (ret = analysis_bias(req, an, err)) != META_OK)
        return ret;
    if (req->influence && (ret = analysis_influence(an, err)) != META_OK)
        return ret;
    if (req->n_mods > 0 && (ret = analysis_regression(req, an, err)) != META_OK)
        return ret;
    return META_OK;
}

int meta_analysis_compute(const struct meta_analysis_request *req,
                          const struct meta_selection *data, struct meta_analysis *an,
                          struct meta_request_error *e)
{
    an->req = req;
    an->data = data;
    int ret = meta_analysis_resolve_selection(req, data, &an->opts, e);
    if (ret != META_OK)
        return ret;
    an->kind = meta_analysis_kind(data);
    an->log_scale = meta_contrasts_log_scale(data, an->opts.measure);
    e->key = NULL;
    return compute(req, an, &e->err);
}
