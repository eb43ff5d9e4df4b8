/*
 * Combining several arms of one side of a trial into one group, so that a
 * multi-arm trial contributes one comparison: binary arms by summing, and
 * continuous arms by the Cochrane Handbook formula (table 6.5.a).
 */
#include "meta_stats.h"

#include <math.h>

static int check_cont(const struct meta_arm_cont *a, size_t i, struct meta_error *err)
{
    if (!isfinite(a->n) || !isfinite(a->mean) || !isfinite(a->sd))
        return meta_error_set(err, META_EINVAL, "arm %zu has a value that is not finite", i + 1);
    if (a->n < 1.0)
        return meta_error_set(err, META_EINVAL, "arm %zu: n must be >= 1, got %g", i + 1, a->n);
    if (a->sd < 0.0)
        return meta_error_set(err, META_EINVAL, "arm %zu: sd must be >= 0, got %g", i + 1, a->sd);
    return META_OK;
}

int meta_arm_cont_combine(const struct meta_arm_cont *arms, size_t count, struct meta_arm_cont *out,
                          struct meta_error *err)
{
    if (!arms || !out || count == 0)
        return meta_error_set(err, META_EINVAL, "no arms to combine");
    for (size_t i = 0; i < count; i++) {
        int ret = check_cont(&arms[i], i, err);
        if (ret != META_OK)
            return ret;
    }
    struct meta_arm_cont acc = arms[0];
    for (size_t i = 1; i < count; i++) {
        const struct meta_arm_cont *b = &arms[i];
        double n = acc.n + b->n;
        double d = acc.mean - b->mean;
        double ss = (acc.n - 1.0) * acc.sd * acc.sd + (b->n - 1.0) * b->sd * b->sd +
                    acc.n * b->n / n * d * d;
        acc.mean = (acc.n * acc.mean + b->n * b->mean) / n;
        acc.sd = sqrt(ss / (n - 1.0));
        acc.n = n;
    }
    *out = acc;
    return META_OK;
}

int meta_arm_bin_combine(const struct meta_arm_bin *arms, size_t count, struct meta_arm_bin *out,
                         struct meta_error *err)
{
    if (!arms || !out || count == 0)
        return meta_error_set(err, META_EINVAL, "no arms to combine");
    struct meta_arm_bin acc = {0.0, 0.0};
    for (size_t i = 0; i < count; i++) {
        const struct meta_arm_bin *a = &arms[i];
        if (!isfinite(a->events) || !isfinite(a->total))
            return meta_error_set(err, META_EINVAL, "arm %zu has a value that is not finite",
                                  i + 1);
        if (a->events < 0.0 || a->total < 0.0 || a->events > a->total)
            return meta_error_set(err, META_EINVAL,
                                  "arm %zu: need 0 <= events <= total, got %g of %g", i + 1,
                                  a->events, a->total);
        acc.events += a->events;
        acc.total += a->total;
    }
    *out = acc;
    return META_OK;
}
