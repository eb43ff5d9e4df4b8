/*
 * A whole analysis with subgroups, as RevMan and R's meta present it: the
 * overall pooling (whose per-study weights, from the overall tau^2, are the
 * ones printed beside each study), each subgroup pooled on its own, and the
 * test for subgroup differences over the subgroups that have an estimate.
 */
#include "stats_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A result that lists k studies, none estimable. */
static int list_none(struct meta_result *res, size_t k, const struct meta_options *opts,
                     struct meta_error *err)
{
    meta_result_init(res);
    int ret = meta_result_alloc_studies(res, k, err);
    if (ret != META_OK)
        return ret;
    meta_result_set_options(res, k, opts);
    res->converged = 1;
    for (size_t i = 0; i < k; i++)
        res->studies[i].weight = 0.0;
    return META_OK;
}

int meta_result_none_estimable(const struct meta_study *studies, size_t k,
                               const struct meta_options *opts, struct meta_result *res,
                               int *status, struct meta_error *err)
{
    *status = META_OK;
    if (opts->convention == META_CONVENTION_METAFOR || k == 0)
        return 0;
    for (size_t i = 0; i < k; i++) {
        double yi, vi;
        struct meta_error why;
        if (meta_es_compute_opts(opts, &studies[i], &yi, &vi, &why) != META_OK || !isnan(yi))
            return 0;
    }
    *status = list_none(res, k, opts, err);
    return 1;
}

/* The same for effect sizes: every pair NAN. */
static int none_estimable_yv(const double *yi, size_t k, const struct meta_options *opts,
                             struct meta_result *res, int *status, struct meta_error *err)
{
    *status = META_OK;
    if (opts->convention == META_CONVENTION_METAFOR || k == 0)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (!isnan(yi[i]))
            return 0;
    *status = list_none(res, k, opts, err);
    return 1;
}

void meta_subgroup_analysis_release(struct meta_subgroup_analysis *a)
{
    if (!a)
        return;
    meta_result_release(&a->overall);
    if (a->groups)
        for (size_t g = 0; g < a->n_groups; g++)
            meta_result_release(&a->groups[g]);
    free(a->groups);
    free(a->member);
    memset(a, 0, sizeof *a);
    meta_result_init(&a->overall);
}

/* The input of one analysis: arm data or effect sizes. */
struct input {
    const struct meta_study *studies;
    const double *yi, *vi;
};

/* Pools the n studies idx[0..n-1] of in into *res. */
static int pool_subset(const struct input *in, const size_t *idx, size_t n,
                       const struct meta_options *opts, struct meta_result *res,
                       struct meta_error *err)
{
    int ret = META_OK, status = META_OK;
    if (in->studies) {
        struct meta_study *sub = malloc((n ? n : 1) * sizeof *sub);
        if (!sub)
            return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", n);
        for (size_t j = 0; j < n; j++)
            sub[j] = in->studies[idx[j]];
        if (meta_result_none_estimable(sub, n, opts, res, &status, err))
            ret = status;
        else
            ret = meta_pool(sub, n, opts, res, err);
        free(sub);
        return ret;
    }
    double *y = malloc((n ? n : 1) * sizeof *y), *v = malloc((n ? n : 1) * sizeof *v);
    if (!y || !v) {
        free(y);
        free(v);
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", n);
    }
    for (size_t j = 0; j < n; j++) {
        y[j] = in->yi[idx[j]];
        v[j] = in->vi[idx[j]];
    }
    if (none_estimable_yv(y, n, opts, res, &status, err))
        ret = status;
    else
        ret = meta_pool_yv(y, v, n, opts, res, err);
    free(y);
    free(v);
    return ret;
}

static int pool_groups(const struct input *in, size_t k, const size_t *group, size_t n_groups,
                       const struct meta_options *opts, struct meta_subgroup_analysis *out,
                       struct meta_error *err)
{
    struct meta_error why;
    size_t *idx = NULL;
    struct meta_result *pooled = NULL;
    int ret;

    memset(out, 0, sizeof *out);
    meta_result_init(&out->overall);
    if (!opts || !group || n_groups == 0 || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies or subgroups given");
    for (size_t i = 0; i < k; i++)
        if (group[i] >= n_groups)
            return meta_error_set(err, META_EINVAL, "study %zu: subgroup %zu of %zu", i + 1,
                                  group[i], n_groups);
    out->groups = calloc(n_groups, sizeof *out->groups);
    out->member = calloc(k, sizeof *out->member);
    idx = malloc(k * sizeof *idx);
    pooled = calloc(n_groups, sizeof *pooled);
    if (!out->groups || !out->member || !idx || !pooled) {
        free(out->groups);
        out->groups = NULL;
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu subgroups", n_groups);
        goto cleanup;
    }
    out->n_groups = n_groups;
    for (size_t g = 0; g < n_groups; g++)
        meta_result_init(&out->groups[g]);

    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    why.msg[0] = '\0';
    ret = pool_subset(in, idx, k, opts, &out->overall, &why);
    if (ret != META_OK) {
        ret = meta_error_set(err, ret, "overall: %s", why.msg);
        goto cleanup;
    }
    size_t n_pooled = 0;
    for (size_t g = 0; g < n_groups; g++) {
        size_t n = 0;
        for (size_t i = 0; i < k; i++)
            if (group[i] == g) {
                out->member[i] = n;
                idx[n++] = i;
            }
        if (n == 0)
            continue; /* an empty subgroup: k = 0, nothing pooled */
        why.msg[0] = '\0';
        ret = pool_subset(in, idx, n, opts, &out->groups[g], &why);
        if (ret != META_OK) {
            ret = meta_error_set(err, ret, "subgroup %zu: %s", g + 1, why.msg);
            goto cleanup;
        }
        if (out->groups[g].k_estimable > 0)
            pooled[n_pooled++] = out->groups[g]; /* shallow copies, read only */
    }
    if (n_pooled >= 2) {
        why.msg[0] = '\0';
        ret = meta_subgroup_test(pooled, n_pooled, &out->test, &why);
        if (ret != META_OK) {
            ret = meta_error_set(err, ret, "test for subgroup differences: %s", why.msg);
            goto cleanup;
        }
        out->have_test = 1;
    }

cleanup:
    free(idx);
    free(pooled);
    return ret;
}

int meta_pool_subgroups(const struct meta_study *studies, size_t k, const size_t *group,
                        size_t n_groups, const struct meta_options *opts,
                        struct meta_subgroup_analysis *out, struct meta_error *err)
{
    struct input in = {studies, NULL, NULL};
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    if (!studies) {
        memset(out, 0, sizeof *out);
        meta_result_init(&out->overall);
        return meta_error_set(err, META_EINVAL, "no studies given");
    }
    return pool_groups(&in, k, group, n_groups, opts, out, err);
}

int meta_pool_subgroups_yv(const double *yi, const double *vi, size_t k, const size_t *group,
                           size_t n_groups, const struct meta_options *opts,
                           struct meta_subgroup_analysis *out, struct meta_error *err)
{
    struct input in = {NULL, yi, vi};
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    if (!yi || !vi) {
        memset(out, 0, sizeof *out);
        meta_result_init(&out->overall);
        return meta_error_set(err, META_EINVAL, "no studies given");
    }
    return pool_groups(&in, k, group, n_groups, opts, out, err);
}
