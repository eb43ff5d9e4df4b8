/*
 * Sensitivity analyses that repeat a whole analysis on subsets of the
 * studies: leave-one-out (metafor's leave1out()) and cumulative pooling in
 * the given order (metafor's cumul()).
 */
#include "stats_internal.h"

#include <stdlib.h>
#include <string.h>

static int label_error(struct meta_error *err, int status, const char *what,
                       const struct meta_study *s, size_t i, const struct meta_error *why)
{
    if (s->label)
        return meta_error_set(err, status, "%s study '%s': %s", what, s->label, why->msg);
    return meta_error_set(err, status, "%s study %zu: %s", what, i + 1, why->msg);
}

int meta_leave1out(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                   struct meta_result **out, struct meta_error *err)
{
    struct meta_study *subset = NULL;
    struct meta_result *res = NULL;
    struct meta_error why;
    size_t done = 0;
    int ret = META_OK;

    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    *out = NULL;
    if (!studies || k < 2)
        return meta_error_set(err, META_EINVAL, "leave-one-out needs at least 2 studies");
    subset = malloc((k - 1) * sizeof *subset);
    res = calloc(k, sizeof *res);
    if (!subset || !res) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu analyses", k);
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        memcpy(subset, studies, i * sizeof *subset);
        memcpy(subset + i, studies + i + 1, (k - 1 - i) * sizeof *subset);
        why.msg[0] = '\0';
        int status;
        if (meta_result_none_estimable(subset, k - 1, opts, &res[i], &status, &why))
            ret = status;
        else
            ret = meta_pool(subset, k - 1, opts, &res[i], &why);
        done = i + 1;
        if (ret != META_OK) {
            ret = label_error(err, ret, "leaving out", &studies[i], i, &why);
            goto cleanup;
        }
    }
    *out = res;
    res = NULL;

cleanup:
    meta_results_free(res, done);
    free(subset);
    return ret;
}

int meta_cumulative(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                    struct meta_result **out, struct meta_error *err)
{
    struct meta_result *res = NULL;
    struct meta_error why;
    size_t done = 0;
    int ret = META_OK;

    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    *out = NULL;
    if (!studies || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies to pool");
    res = calloc(k, sizeof *res);
    if (!res) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu analyses", k);
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        why.msg[0] = '\0';
        int status;
        if (meta_result_none_estimable(studies, i + 1, opts, &res[i], &status, &why))
            ret = status;
        else
            ret = meta_pool(studies, i + 1, opts, &res[i], &why);
        done = i + 1;
        if (ret != META_OK) {
            ret = label_error(err, ret, "adding", &studies[i], i, &why);
            goto cleanup;
        }
    }
    *out = res;
    res = NULL;

cleanup:
    meta_results_free(res, done);
    return ret;
}
