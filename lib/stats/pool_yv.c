/*
 * The public entry points of pooling from effect sizes: meta_pool_yv(),
 * meta_pool_yv_into() and the benchmarks' meta_pool_yv_fit(). They check
 * the arguments and hand the data to inverse-variance pooling under
 * metafor's rules or under another convention's.
 */
#include "stats_internal.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>

/* 1 when the n_a bytes at a and the n_b bytes at b share a byte. Compared
 * as integers: relational operators on pointers into different objects are
 * undefined. */
static int overlaps(const void *a, size_t n_a, const void *b, size_t n_b)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    return pa < pb + n_b && pb < pa + n_a;
}

int meta_check_yv(const double *yi, const double *vi, size_t k, struct meta_error *err)
{
    if (!yi || !vi || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies given");
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(yi[i]) || !isfinite(vi[i]))
            return meta_error_set(err, META_EINVAL, "study %zu: yi or vi is not finite", i + 1);
        if (!(vi[i] > 0.0) || !isfinite(1.0 / vi[i]))
            return meta_error_set(err, META_EINVAL, "study %zu: vi must be > 0, got %g", i + 1,
                                  vi[i]);
    }
    return META_OK;
}

/* Checks the input, then pools into `buf` (capacity entries, the caller's)
 * or, when buf is NULL, into a new array that the result owns. */
static int pool_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                   int with_tau2_ci, struct meta_study_result *buf, size_t capacity,
                   struct meta_result *out, struct meta_error *err)
{
    int ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    meta_result_init(out);
    ret = meta_options_check(opts, err);
    if (ret != META_OK)
        return ret;
    if (opts->method == META_METHOD_MH || opts->method == META_METHOD_PETO)
        return meta_error_set(err, META_EINVAL, "method '%s' needs the studies' counts",
                              meta_method_name(opts->method));
    if (!yi || !vi || k == 0)
        return meta_error_set(err, META_EINVAL, "no studies to pool");
    if (k > (size_t)INT_MAX)
        return meta_error_set(err, META_EINVAL, "too many studies (%zu)", k);
    if (buf) {
        if (capacity < k)
            return meta_error_set(err, META_EINVAL,
                                  "the per-study buffer holds %zu studies, %zu to pool", capacity,
                                  k);
        size_t bytes = k * sizeof *buf; /* k <= INT_MAX: no overflow */
        if (overlaps(buf, bytes, yi, k * sizeof *yi) || overlaps(buf, bytes, vi, k * sizeof *vi))
            return meta_error_set(err, META_EINVAL, "the per-study buffer overlaps yi or vi");
    }
    if (opts->convention != META_CONVENTION_METAFOR)
        return meta_pool_conv_yv(yi, vi, k, opts, with_tau2_ci, buf, out, err);
    struct meta_iv_data d;
    if (!meta_iv_data_init(&d, yi, vi, k)) {
        ret = meta_check_yv(yi, vi, k, err);
        if (ret != META_OK)
            return ret;
    }
    if (buf) {
        out->studies = buf;
        out->studies_borrowed = 1;
    } else {
        ret = meta_result_reserve_studies(out, k, err); /* pool_data() sets every field */
        if (ret != META_OK)
            return ret;
    }
    ret = meta_pool_iv_data(&d, opts, with_tau2_ci, out, err);
    if (ret != META_OK) {
        meta_result_release(out);
        meta_result_init(out);
    }
    return ret;
}

int meta_pool_yv(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err)
{
    return pool_yv(yi, vi, k, opts, 1, NULL, 0, out, err);
}

int meta_pool_yv_into(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                      struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                      struct meta_error *err)
{
    if (!studies) {
        if (out)
            meta_result_init(out);
        return meta_error_set(err, META_EINVAL, "no per-study buffer given");
    }
    return pool_yv(yi, vi, k, opts, 1, studies, capacity, out, err);
}

int meta_pool_yv_fit(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                     struct meta_study_result *studies, size_t capacity, struct meta_result *out,
                     struct meta_error *err)
{
    return pool_yv(yi, vi, k, opts, 0, studies, capacity, out, err);
}
