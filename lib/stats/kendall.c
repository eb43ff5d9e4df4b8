/*
 * Kendall's rank correlation tau-b and its two-sided p-value as R's
 * cor.test(method = "kendall", exact = TRUE) computes them: tau-b in
 * O(n log n) by Knight's (1966) merge-sort count of discordant pairs, the
 * p-value from the exact distribution of the concordant pairs (Mahonian
 * numbers, as probabilities) when there are no ties and R's exact
 * computation works (n <= 170), else from the normal approximation with
 * the tie-corrected variance.
 */
#include "metareg_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* R computes the exact distribution in counts divided by gamma(n + 1),
 * which overflows from n = 171 on (its p-value is then NaN). */
#define KENDALL_EXACT_MAX 170

struct pair {
    double x, y;
};

static int cmp_xy(const void *a, const void *b)
{
    const struct pair *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

/* Sorts y[lo..hi) by merging through buf, returning the number of pairs
 * i < j with y_i > y_j (ties are not inversions: the merge is stable). */
static int64_t sort_count(double *y, double *buf, size_t n)
{
    int64_t swaps = 0;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                if (y[b] < y[a]) {
                    swaps += (int64_t)(mid - a);
                    buf[o++] = y[b++];
                } else {
                    buf[o++] = y[a++];
                }
            }
            while (a < mid)
                buf[o++] = y[a++];
            while (b < hi)
                buf[o++] = y[b++];
        }
        for (size_t i = 0; i < n; i++)
            y[i] = buf[i];
    }
    return swaps;
}

/* Tie statistics of one variable: pairs tied, and R's sums over the tie
 * groups of size t: t(t-1), t(t-1)(2t+5), t(t-1)(t-2). */
struct ties {
    int64_t pairs;
    double s1, s2, s3;
};

static void add_group(struct ties *t, size_t size)
{
    double g = (double)size;
    if (size < 2)
        return;
    t->pairs += (int64_t)size * (int64_t)(size - 1) / 2;
    t->s1 += g * (g - 1.0);
    t->s2 += g * (g - 1.0) * (2.0 * g + 5.0);
    t->s3 += g * (g - 1.0) * (g - 2.0);
}

/* P(T <= q) for T the number of concordant pairs of n independent ranks:
 * the distribution of inversions, built as the convolution of uniform
 * distributions on {0..m-1}, m = 2..n, kept up to q. */
static int kendall_cdf(size_t n, int64_t q, double *out)
{
    size_t len = (size_t)q + 1;
    double *f = calloc(len, sizeof *f), *g = calloc(len, sizeof *g);
    if (!f || !g) {
        free(f);
        free(g);
        return META_ENOMEM;
    }
    f[0] = 1.0;
    size_t top = 0; /* highest index in use: min(q, m (m - 1) / 2) */
    for (size_t m = 2; m <= n; m++) {
        size_t next = top + m - 1 < len - 1 ? top + m - 1 : len - 1;
        double acc = 0.0, inv = 1.0 / (double)m;
        for (size_t j = 0; j <= next; j++) {
            if (j <= top)
                acc += f[j];
            if (j >= m && j - m <= top)
                acc -= f[j - m];
            g[j] = acc * inv;
        }
        double *t = f;
        f = g;
        g = t;
        top = next;
    }
    double p = 0.0;
    for (size_t j = 0; j <= top; j++)
        p += f[j];
    *out = p;
    free(f);
    free(g);
    return META_OK;
}

int meta_kendall(const double *x, const double *y, size_t n, double *tau, double *pval,
                 struct meta_error *err)
{
    struct pair *pr = malloc(n * sizeof *pr);
    double *ys = malloc(n * sizeof *ys), *buf = malloc(n * sizeof *buf);
    struct ties tx = {0, 0, 0, 0}, ty = {0, 0, 0, 0};
    int64_t joint = 0, n0 = (int64_t)n * (int64_t)(n - 1) / 2;
    int ret = META_OK;
    *tau = *pval = NAN;
    if (!pr || !ys || !buf) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for Kendall's tau of %zu pairs", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        pr[i].x = x[i];
        pr[i].y = y[i];
    }
    qsort(pr, n, sizeof *pr, cmp_xy);
    for (size_t i = 0, run = 1, jrun = 1; i < n; i++) {
        ys[i] = pr[i].y;
        int same_x = i + 1 < n && pr[i + 1].x == pr[i].x;
        int same_xy = same_x && pr[i + 1].y == pr[i].y;
        if (same_xy) {
            jrun++;
        } else {
            joint += (int64_t)jrun * (int64_t)(jrun - 1) / 2;
            jrun = 1;
        }
        if (same_x) {
            run++;
        } else {
            add_group(&tx, run);
            run = 1;
        }
    }
    int64_t discordant = sort_count(ys, buf, n);
    for (size_t i = 0, run = 1; i < n; i++) {
        if (i + 1 < n && ys[i + 1] == ys[i]) {
            run++;
        } else {
            add_group(&ty, run);
            run = 1;
        }
    }
    /* S = concordant - discordant (Knight 1966). */
    int64_t S = n0 - tx.pairs - ty.pairs + joint - 2 * discordant;
    double denom = sqrt((double)(n0 - tx.pairs)) * sqrt((double)(n0 - ty.pairs));
    if (!(denom > 0.0))
        goto cleanup; /* a constant variable: tau and p undefined, as in R */
    *tau = (double)S / denom;

    if (tx.pairs == 0 && ty.pairs == 0 && n <= KENDALL_EXACT_MAX) {
        /* cor.test: q = concordant pairs; the lower tail up to q, or the
         * upper one from q (by symmetry the lower up to n0 - q). */
        int64_t q = (n0 + S) / 2;
        double p;
        ret = kendall_cdf(n, 2 * q > n0 ? n0 - q : q, &p);
        if (ret != META_OK) {
            ret = meta_error_set(err, ret, "out of memory for Kendall's exact distribution");
            goto cleanup;
        }
        *pval = fmin(2.0 * p, 1.0);
    } else {
        double dn = (double)n;
        double var = (dn * (dn - 1.0) * (2.0 * dn + 5.0) - tx.s2 - ty.s2) / 18.0 +
                     tx.s1 * ty.s1 / (2.0 * dn * (dn - 1.0)) +
                     tx.s3 * ty.s3 / (9.0 * dn * (dn - 1.0) * (dn - 2.0));
        double z = (double)S / sqrt(var);
        *pval = 2.0 * gsl_cdf_ugaussian_P(-fabs(z));
    }

cleanup:
    free(pr);
    free(ys);
    free(buf);
    return ret;
}
