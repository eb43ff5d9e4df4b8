/*
 * meta_pool(): the whole analysis from arm data. Computes each study's
 * effect, then hands the effects to inverse-variance pooling or the counts
 * to Mantel-Haenszel/Peto pooling, each under the options' convention; the
 * only entry point that needs both.
 */
#include "stats_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* Prefixes a study's failure with its label (or position). */
static int study_error(struct meta_error *err, int status, const struct meta_study *s, size_t i,
                       const struct meta_error *why)
{
    if (s->label)
        return meta_error_set(err, status, "study '%s': %s", s->label, why->msg);
    return meta_error_set(err, status, "study %zu: %s", i + 1, why->msg);
}

int meta_pool(const struct meta_study *studies, size_t k, const struct meta_options *opts,
              struct meta_result *out, struct meta_error *err)
{
    struct meta_error why;
    double *yi = NULL, *vi = NULL;
    int ret;

    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    meta_result_init(out);
    ret = meta_options_check(opts, err);
    if (ret != META_OK)
        return ret;
    if (!studies || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies to pool");
    if (k > (size_t)INT_MAX)
        return meta_error_set(err, META_EINVAL, "too many studies (%zu)", k);

    ret = meta_result_alloc_studies(out, k, err);
    if (ret != META_OK)
        goto cleanup;

    if (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO) {
        for (size_t i = 0; i < k; i++) {
            why.msg[0] = '\0';
            if (studies[i].given)
                ret = meta_error_set(&why, META_EINVAL,
                                     "method '%s' needs the study's counts, not a reported effect",
                                     meta_method_name(opts->method));
            else if (!studies[i].binary)
                ret = meta_error_set(&why, META_EINVAL, "method '%s' needs binary data",
                                     meta_method_name(opts->method));
            else
                ret = meta_es_check_binary(&studies[i], &why);
            if (ret != META_OK) {
                ret = study_error(err, ret, &studies[i], i, &why);
                goto cleanup;
            }
        }
        if (opts->convention == META_CONVENTION_METAFOR)
            ret = meta_pool_mh(studies, k, opts, out, err);
        else
            ret = meta_pool_mh_conv(studies, k, opts, out, err);
        goto cleanup;
    }

    yi = malloc(k * sizeof *yi);
    vi = malloc(k * sizeof *vi);
    if (!yi || !vi) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        why.msg[0] = '\0';
        ret = meta_es_compute_opts(opts, &studies[i], &yi[i], &vi[i], &why);
        if (ret != META_OK) {
            ret = study_error(err, ret, &studies[i], i, &why);
            goto cleanup;
        }
    }
    if (opts->convention == META_CONVENTION_METAFOR) {
        ret = meta_pool_iv(yi, vi, k, opts, out, err);
    } else {
        meta_result_release(out);
        ret = meta_pool_conv_yv(yi, vi, k, opts, 1, NULL, out, err);
    }

cleanup:
    free(yi);
    free(vi);
    if (ret != META_OK) {
        meta_result_release(out);
        meta_result_init(out);
    }
    return ret;
}
