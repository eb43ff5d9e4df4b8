/*
 * Kendall's rank correlation tau-b and its two-sided p-value as R's
 * cor.test(method = "kendall", exact = TRUE) computes them: tau-b in
 * O(n log n) by Knight's (1966) merge-sort count of discordant pairs, the
 * p-value from the exact distribution of the concordant pairs (Mahonian
 * numbers, as probabilities) when there are no ties and R's exact
 * computation works (n <= 170), else from the normal approximation with
 * the tie-corrected variance. The exact tail is summed directly, where R
 * takes an upper tail as 1 - P (and loses tails below about 1e-13).
 */
#include "metareg_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* R computes the exact distribution in counts divided by gamma(n + 1),
 * which overflows from n = 171 on (its p-value is then NaN). */
#define KENDALL_EXACT_MAX 170

/* The merge sorts below start from sorted runs of this length. */
#define RUN 8

struct pair {
    double x, y;
};

/* 1 when p sorts after q (by x, then y). */
static inline int after(const struct pair *p, const struct pair *q)
{
    return (p->x > q->x) | ((p->x == q->x) & (p->y > q->y)); /* no branch */
}

/*
 * The merge sorts below start from sorted runs of RUN (insertion sort) and
 * merge each pair of runs from both ends at once: the front takes the
 * smaller heads, the back the larger tails, each half of the output. The
 * two are independent chains of loads and compares, which the processor
 * runs side by side, and the selects are branch-free (the order is data).
 * Ties go as a stable merge has them: to the left run at the front, to the
 * right run at the back.
 */

/* Merges the sorted pairs a[lo..mid) and a[mid..hi) into o[lo..hi). */
static void merge_pairs(const struct pair *a, struct pair *o, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, ie = mid, je = hi, f = lo, b = hi, half = (hi - lo) / 2;
    for (size_t n = 0; n < half; n++) {
        /* front: the right head when it sorts before the left head */
        size_t ic = i < mid ? i : lo, jc = j < hi ? j : mid;
        size_t take = (size_t)(j < hi && (i == mid || after(&a[ic], &a[jc])));
        o[f++] = a[take ? jc : ic];
        j += take;
        i += 1 - take;
        /* back: the left tail when it sorts after the right tail */
        size_t iec = ie > lo ? ie - 1 : lo, jec = je > mid ? je - 1 : mid;
        size_t left = (size_t)(ie > lo && (je == mid || after(&a[iec], &a[jec])));
        o[--b] = a[left ? iec : jec];
        ie -= left;
        je -= 1 - left;
    }
    if (f < b) /* one more at the front when hi - lo is odd */
        o[f] = a[j < hi && (i == mid || after(&a[i < mid ? i : lo], &a[j])) ? j : i];
}

/* Sorts the n pairs of a by (x, y), between a and buf (n entries each), and
 * returns whichever of the two holds the result; the comparisons are
 * inline, which qsort()'s callback would not be. */
static struct pair *sort_pairs(struct pair *a, struct pair *buf, size_t n)
{
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            struct pair p = a[i];
            size_t j = i;
            for (; j > lo && after(&a[j - 1], &p); j--)
                a[j] = a[j - 1];
            a[j] = p;
        }
    }
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge_pairs(a, buf, lo, mid, hi);
        }
        struct pair *t = a;
        a = buf;
        buf = t;
    }
    return a;
}

/* Merges the sorted y[lo..mid) and y[mid..hi) into o[lo..hi) and returns
 * the pairs (l, r), l of the left run and r of the right, with l > r. The
 * front counts, for each r it takes, the left values still ahead of it (all
 * larger); the back, for each r it takes, the left values it has already
 * placed behind it (all larger, and the only ones). */
static int64_t merge_count(const double *y, double *o, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, ie = mid, je = hi, f = lo, b = hi, half = (hi - lo) / 2;
    int64_t front = 0, back = 0;
    for (size_t n = 0; n < half; n++) {
        double yi = i < mid ? y[i] : INFINITY, yj = j < hi ? y[j] : INFINITY;
        size_t take = (size_t)(yj < yi);
        o[f++] = take ? yj : yi;
        front += (int64_t)(take * (mid - i));
        j += take;
        i += 1 - take;
        double ti = ie > lo ? y[ie - 1] : -INFINITY, tj = je > mid ? y[je - 1] : -INFINITY;
        size_t left = (size_t)(ti > tj);
        o[--b] = left ? ti : tj;
        back += (int64_t)((1 - left) * (mid - ie));
        ie -= left;
        je -= 1 - left;
    }
    if (f < b) {
        double yi = i < mid ? y[i] : INFINITY, yj = j < hi ? y[j] : INFINITY;
        o[f] = yj < yi ? yj : yi;
        front += yj < yi ? (int64_t)(mid - i) : 0;
    }
    return front + back;
}

/* Sorts the n values of y, between y and buf, into whichever of the two
 * *out names, and returns the number of pairs i < j with y_i > y_j (ties
 * are not inversions). */
static int64_t sort_count(double *y, double *buf, size_t n, double **out)
{
    int64_t swaps = 0;
    for (size_t lo = 0; lo < n; lo += RUN) { /* each shift undoes one inversion */
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            double v = y[i];
            size_t j = i;
            for (; j > lo && y[j - 1] > v; j--)
                y[j] = y[j - 1];
            y[j] = v;
            swaps += (int64_t)(i - j);
        }
    }
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            swaps += merge_count(y, buf, lo, mid, hi);
        }
        double *t = y;
        y = buf;
        buf = t;
    }
    *out = y;
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
    struct pair *pr = malloc(2 * n * sizeof *pr), *sorted;
    double *ys = malloc(2 * n * sizeof *ys), *yo;
    struct ties tx = {0, 0, 0, 0}, ty = {0, 0, 0, 0};
    int64_t joint = 0, n0 = (int64_t)n * (int64_t)(n - 1) / 2;
    int ret = META_OK;
    *tau = *pval = NAN;
    if (!pr || !ys) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for Kendall's tau of %zu pairs", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        pr[i].x = x[i];
        pr[i].y = y[i];
    }
    sorted = sort_pairs(pr, pr + n, n);
    for (size_t i = 0, run = 1, jrun = 1; i < n; i++) {
        ys[i] = sorted[i].y;
        int same_x = i + 1 < n && sorted[i + 1].x == sorted[i].x;
        int same_xy = same_x && sorted[i + 1].y == sorted[i].y;
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
    int64_t discordant = sort_count(ys, ys + n, n, &yo);
    for (size_t i = 0, run = 1; i < n; i++) {
        if (i + 1 < n && yo[i + 1] == yo[i]) {
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
    return ret;
}
