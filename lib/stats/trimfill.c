/*
 * Trim-and-fill (Duval & Tweedie 2000) as metafor 3.8's trimfill.rma.uni:
 * the side from the regression on the standard errors, the L0 or R0
 * estimate of the missing studies iterated on the trimmed data, and the
 * analysis refitted with the mirrored studies. The effects are sorted once;
 * each iteration is one intercept-only fit of a prefix of them and one
 * merge of the two sorted halves of the centred effects for their ranks, so
 * O(k) per iteration and O(k log k) in all.
 */
#include "metareg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <strings.h>

#define TF_MAX_ITER 100 /* metafor's maxiter */

const char *meta_tf_estimator_name(enum meta_tf_estimator estimator)
{
    switch (estimator) {
    case META_TF_L0:
        return "L0";
    case META_TF_R0:
        return "R0";
    }
    return "?";
}

int meta_tf_estimator_parse(const char *name, enum meta_tf_estimator *out)
{
    if (name && strcasecmp(name, "L0") == 0)
        *out = META_TF_L0;
    else if (name && strcasecmp(name, "R0") == 0)
        *out = META_TF_R0;
    else
        return META_EINVAL;
    return META_OK;
}

const char *meta_tf_side_name(enum meta_tf_side side)
{
    switch (side) {
    case META_TF_AUTO:
        return "auto";
    case META_TF_LEFT:
        return "left";
    case META_TF_RIGHT:
        return "right";
    }
    return "?";
}

void meta_trimfill_release(struct meta_trimfill *tf)
{
    if (!tf)
        return;
    free(tf->filled);
    tf->filled = NULL;
    tf->k0 = 0;
}

/* metafor: missing on the right when the slope of yi on sqrt(vi), in the
 * analysis's own model, is negative. A slope within rounding of 0 (below
 * 1e-10 of its standard error: a symmetric funnel) counts as 0, so left. */
static int choose_side(const double *yi, const double *vi, size_t k,
                       const struct meta_options *opts, enum meta_tf_side *side,
                       struct meta_error *err)
{
    struct meta_wls_fit fit;
    double *x = malloc(2 * k * sizeof *x);
    if (!x)
        return meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
    for (size_t i = 0; i < k; i++) {
        x[2 * i] = 1.0;
        x[2 * i + 1] = sqrt(vi[i]);
    }
    static const char *const names[] = {"intercept", "sei"};
    int ret = meta_wls_fit(yi, vi, x, k, 2, names, opts, &fit, err);
    if (ret == META_OK)
        *side = fit.beta[1] < -1e-10 * sqrt(fit.vb[3]) ? META_TF_RIGHT : META_TF_LEFT;
    else
        ret = meta_error_set(err, ret, "trim-and-fill cannot choose a side: %s", err->msg);
    meta_wls_fit_release(&fit);
    free(x);
    return ret;
}

/* The effects in ascending order (negated first when the side is right),
 * ties in input order, with their variances. */
struct sorted {
    double y, v;
    size_t at;
};

static int cmp_sorted(const void *a, const void *b)
{
    const struct sorted *p = a, *q = b;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return (p->at > q->at) - (p->at < q->at);
}

/* The estimate of an intercept-only fit of the first n sorted studies:
 * exactly their common value when they are all equal. */
static int prefix_estimate(const double *y, const double *v, size_t n,
                           const struct meta_options *opts, double *beta, struct meta_error *err)
{
    struct meta_wls_fit fit;
    size_t same = 1;
    while (same < n && y[same] == y[0])
        same++;
    if (same == n) {
        *beta = y[0];
        return META_OK;
    }
    int ret = meta_wls_fit(y, v, NULL, n, 1, NULL, opts, &fit, err);
    if (ret == META_OK)
        *beta = fit.beta[0];
    meta_wls_fit_release(&fit);
    return ret;
}

/*
 * The next k0 from the sorted effects y (k) centred on beta. R ranks
 * |y - beta| with ties in position order (ties.method = "first"); with A the
 * absolute deviations below beta in ascending order (y read backwards from
 * the last one below beta) and B those at or above it (y read forwards, also
 * ascending), a tie between the two goes to A, whose positions come first.
 * So B[j] has rank j + 1 + #{A <= B[j]}, and the last of A has rank
 * |A| + #{B < A's last}; one walk of two pointers finds them all. L0:
 * (4 Sr - k (k + 1)) / (2k - 1), Sr the sum of the ranks of the positive
 * deviations; R0: k minus the largest rank of a negative deviation, minus 1;
 * rounded half to even and truncated at 0.
 */
static int next_k0(const double *y, size_t k, double beta, enum meta_tf_estimator est, size_t *k0,
                   struct meta_error *err)
{
    size_t m = 0; /* y[0..m) lie below beta */
    while (m < k && y[m] - beta < 0.0)
        m++;
    double sr = 0.0;
    size_t a = 0; /* #{A <= B[j]} so far */
    for (size_t b = m; b < k; b++) {
        double d = y[b] - beta;
        while (a < m && beta - y[m - 1 - a] <= d)
            a++;
        if (d > 0.0)
            sr += (double)(b - m + 1 + a);
    }
    double kk = (double)k, raw;
    if (est == META_TF_L0) {
        raw = (4.0 * sr - kk * (kk + 1.0)) / (2.0 * kk - 1.0);
    } else if (m == 0) {
        if (sr > 0.0)
            return meta_error_set(err, META_EDOM,
                                  "the R0 estimator is undefined: no study lies below the "
                                  "trimmed estimate");
        raw = 0.0;
    } else {
        double last = beta - y[0]; /* the largest of A */
        size_t below = 0;          /* #{B < last} */
        while (m + below < k && y[m + below] - beta < last)
            below++;
        raw = kk - (double)(m + below) - 1.0;
    }
    raw = nearbyint(raw);
    *k0 = raw > 0.0 ? (size_t)raw : 0;
    return META_OK;
}

/* The analysis of the original and the filled studies (or of the original
 * ones alone when nothing was filled) into *out. */
static int refit(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 struct meta_trimfill *out, struct meta_error *err)
{
    struct meta_options o = *opts;
    struct meta_result r;
    double *y = (double *)yi, *v = (double *)vi;
    size_t n = k + out->k0;
    int ret;
    if (out->k0 > 0) {
        o.ci = META_CI_Z; /* metafor refits without the test argument */
        y = malloc(n * sizeof *y);
        v = malloc(n * sizeof *v);
        if (!y || !v) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", n);
            goto cleanup;
        }
        for (size_t i = 0; i < k; i++) {
            y[i] = yi[i];
            v[i] = vi[i];
        }
        for (size_t j = 0; j < out->k0; j++) {
            y[k + j] = out->filled[j].yi;
            v[k + j] = out->filled[j].vi;
        }
    }
    ret = meta_pool_yv_fit(y, v, n, &o, NULL, 0, &r, err);
    if (ret == META_OK) {
        out->estimate = r.estimate;
        out->se = r.se;
        out->ci_lower = r.ci_lower;
        out->ci_upper = r.ci_upper;
        out->tau2 = opts->model == META_MODEL_RANDOM ? r.tau2 : NAN;
    }
    meta_result_release(&r);

cleanup:
    if (y != yi)
        free(y);
    if (v != vi)
        free(v);
    return ret;
}

static int check(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                 enum meta_tf_estimator estimator, enum meta_tf_side side, struct meta_error *err)
{
    int ret = meta_options_check(opts, err);
    if (ret == META_OK)
        ret = meta_check_iv_method(opts, "trim-and-fill", err);
    if (ret == META_OK)
        ret = meta_check_yv(yi, vi, k, err);
    if (ret != META_OK)
        return ret;
    if (estimator != META_TF_L0 && estimator != META_TF_R0)
        return meta_error_set(err, META_EINVAL, "unknown trim-and-fill estimator");
    if (side != META_TF_AUTO && side != META_TF_LEFT && side != META_TF_RIGHT)
        return meta_error_set(err, META_EINVAL, "unknown trim-and-fill side");
    if (k < 2)
        return meta_error_set(err, META_EINVAL, "trim-and-fill needs at least 2 studies, got 1");
    return META_OK;
}

/* Iterates k0 on the sorted studies s; leaves the last trimmed estimate. */
static int iterate(const struct sorted *s, size_t k, const struct meta_options *opts,
                   enum meta_tf_estimator estimator, double *y, double *v, size_t *k0_out,
                   double *beta_out, struct meta_error *err)
{
    size_t k0 = 0, prev = (size_t)-1;
    double beta = NAN;
    for (size_t i = 0; i < k; i++) {
        y[i] = s[i].y;
        v[i] = s[i].v;
    }
    for (int iter = 0; k0 != prev; iter++) {
        if (iter >= TF_MAX_ITER)
            return meta_error_set(err, META_ENOCONV,
                                  "trim-and-fill did not converge in %d iterations", TF_MAX_ITER);
        prev = k0;
        int ret = prefix_estimate(y, v, k - k0, opts, &beta, err);
        if (ret == META_OK)
            ret = next_k0(y, k, beta, estimator, &k0, err);
        if (ret != META_OK)
            return ret;
        if (k0 >= k)
            return meta_error_set(err, META_EDOM, "trim-and-fill would trim every study");
    }
    *k0_out = k0;
    *beta_out = beta;
    return META_OK;
}

int meta_trimfill(const double *yi, const double *vi, size_t k, const struct meta_options *opts,
                  enum meta_tf_estimator estimator, enum meta_tf_side side,
                  struct meta_trimfill *out, struct meta_error *err)
{
    struct sorted *s = NULL;
    double *y = NULL, *v = NULL, beta = NAN;
    int ret;
    if (!out)
        return meta_error_set(err, META_EINVAL, "no result given");
    out->estimator = estimator;
    out->side = side;
    out->k0 = 0;
    out->estimate = out->se = out->ci_lower = out->ci_upper = out->tau2 = NAN;
    out->filled = NULL;
    ret = check(yi, vi, k, opts, estimator, side, err);
    if (ret == META_OK && side == META_TF_AUTO)
        ret = choose_side(yi, vi, k, opts, &out->side, err);
    if (ret != META_OK)
        return ret;

    double sign = out->side == META_TF_RIGHT ? -1.0 : 1.0;
    s = malloc(k * sizeof *s);
    y = malloc(k * sizeof *y);
    v = malloc(k * sizeof *v);
    if (!s || !y || !v) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        s[i].y = sign * yi[i];
        s[i].v = vi[i];
        s[i].at = i;
    }
    qsort(s, k, sizeof *s, cmp_sorted);
    ret = iterate(s, k, opts, estimator, y, v, &out->k0, &beta, err);
    if (ret != META_OK)
        goto cleanup;
    if (out->k0 > 0) {
        out->filled = malloc(out->k0 * sizeof *out->filled);
        if (!out->filled) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu filled studies", out->k0);
            goto cleanup;
        }
        /* The trimmed studies mirrored about the trimmed estimate. */
        for (size_t j = 0; j < out->k0; j++) {
            size_t i = k - out->k0 + j;
            out->filled[j].yi = sign * (2.0 * beta - y[i]);
            out->filled[j].vi = v[i];
        }
    }
    ret = refit(yi, vi, k, opts, out, err);

cleanup:
    free(s);
    free(y);
    free(v);
    if (ret != META_OK)
        meta_trimfill_release(out);
    return ret;
}
