/*
 * Kendall's rank correlation tau-b and its two-sided p-value as R's
 * cor.test(method = "kendall", exact = TRUE) computes them (pairs with a
 * NaN left out, as there): tau-b in O(n log n) by Knight's (1966) count of
 * discordant pairs (two sorts, by bucket passes and merge sorts), the
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
#include <string.h>

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
        /* the exhausted run's index stays on a valid entry; its value is
         * not taken (no infinite sentinel, which real infinities would tie) */
        double yi = y[i < mid ? i : lo], yj = y[j < hi ? j : lo];
        size_t take = (size_t)(j < hi && (i == mid || yj < yi));
        o[f++] = take ? yj : yi;
        front += (int64_t)(take * (mid - i));
        j += take;
        i += 1 - take;
        double ti = y[ie > lo ? ie - 1 : lo], tj = y[je > mid ? je - 1 : lo];
        size_t left = (size_t)(ie > lo && (je == mid || ti > tj));
        o[--b] = left ? ti : tj;
        back += (int64_t)((1 - left) * (mid - ie));
        ie -= left;
        je -= 1 - left;
    }
    if (f < b) {
        double yi = y[i < mid ? i : lo], yj = y[j < hi ? j : lo];
        size_t take = (size_t)(j < hi && (i == mid || yj < yi));
        o[f] = take ? yj : yi;
        front += take ? (int64_t)(mid - i) : 0;
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

/*
 * Both sorts start with bucket passes, which on the usual data leave little
 * for the merge sorts above to do: the values go to equal intervals of their
 * range (a bucket number monotone in the value, so the buckets are in
 * order), and one insertion sort over the whole then only moves values
 * within their bucket. A bucket of more than SMALL values gets a pass of its
 * own over its own range, up to DEPTH_MAX passes deep; below that, and for
 * values that no interval splits (equal, or a range that overflows), the
 * merge sorts take over, so the cost stays O(n log n) whatever the data.
 * For the inversion count, the pairs of values in different buckets are
 * counted by a Fenwick tree over the buckets, the pairs within one by the
 * insertion sort (each move undoes one inversion) or by the bucket's own
 * pass. The sort by (x, y) has a bucket per value, up to NB_MAX; the count
 * one per four values: at k = 1,000 a level less of the tree saves more
 * than the insertion sort's extra moves cost.
 */
#define SMALL     24
#define NB_MAX    2048
#define DEPTH_MAX 3

/* Room for the passes: the bucket of each value, each depth's bucket ends,
 * the tree. */
struct scratch {
    uint32_t *bucket;
    uint32_t *end[DEPTH_MAX];
    uint32_t *tree;
};

/* nb equal intervals of [lo, hi]. */
struct grid {
    double lo, scale;
    uint32_t top; /* nb - 1 */
};

/* A grid of nb intervals of [lo, hi]; 0 when no interval splits it. */
static int grid_init(struct grid *g, double lo, double hi, size_t nb)
{
    double width = hi - lo;
    g->lo = lo;
    g->scale = (double)nb / width;
    g->top = (uint32_t)(nb - 1);
    return width > 0.0 && isfinite(width) && isfinite(g->scale);
}

/* v's bucket: (v - lo) scale is monotone in v and at most nb (1 + 2^-51). */
static inline uint32_t bucket_of(const struct grid *g, double v)
{
    uint32_t b = (uint32_t)(int32_t)((v - g->lo) * g->scale);
    return b < g->top ? b : g->top;
}

/* The upper 32 bits of a positive double (sign, exponent, 20 bits of the
 * fraction) as a number: monotone in v. */
static inline double top_bits(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (double)(int32_t)(u >> 32);
}

/* Turns the counts end[b + 1] of the buckets b (end[0] = 0) into their
 * starts: end[b] = start of bucket b. */
static void bucket_starts(uint32_t *end, size_t nb)
{
    for (size_t j = 1; j <= nb; j++)
        end[j] += end[j - 1];
}

static void insert_pairs(struct pair *a, size_t m)
{
    for (size_t i = 1; i < m; i++) {
        struct pair p = a[i];
        size_t j = i;
        for (; j > 0 && after(&a[j - 1], &p); j--)
            a[j] = a[j - 1];
        a[j] = p;
    }
}

/*
 * Sorts the m pairs (sx[i stride], sy[i stride]) by (x, y) into dst, the x
 * in [lo, hi]; spare (m pairs, which may hold the source: it is read first)
 * and b (m entries) as room.
 */
static void sort_pairs_pass(const double *sx, const double *sy, size_t stride, struct pair *dst,
                            struct pair *spare, uint32_t *b, size_t m, double lo, double hi,
                            int depth, struct scratch *w)
{
    struct grid g;
    if (m <= SMALL || depth == DEPTH_MAX || !grid_init(&g, lo, hi, m < NB_MAX ? m : NB_MAX)) {
        for (size_t i = 0; i < m; i++) {
            dst[i].x = sx[i * stride];
            dst[i].y = sy[i * stride];
        }
        if (m <= SMALL) {
            insert_pairs(dst, m);
        } else {
            struct pair *r = sort_pairs(dst, spare, m);
            if (r != dst)
                memcpy(dst, r, m * sizeof *dst);
        }
        return;
    }
    size_t nb = (size_t)g.top + 1;
    uint32_t *end = w->end[depth];
    memset(end, 0, (nb + 1) * sizeof *end);
    for (size_t i = 0; i < m; i++)
        b[i] = bucket_of(&g, sx[i * stride]);
    for (size_t i = 0; i < m; i++)
        end[b[i] + 1]++;
    bucket_starts(end, nb);
    for (size_t i = 0; i < m; i++) {
        struct pair *d = &dst[end[b[i]]++];
        d->x = sx[i * stride];
        d->y = sy[i * stride];
    }
    for (size_t j = 0, start = 0; j < nb; start = end[j++]) {
        size_t size = end[j] - start;
        if (size > SMALL) {
            struct pair *own = spare + start;
            double l = dst[start].x, h = l;
            for (size_t i = 0; i < size; i++) {
                own[i] = dst[start + i];
                l = own[i].x < l ? own[i].x : l;
                h = own[i].x > h ? own[i].x : h;
            }
            sort_pairs_pass(&own->x, &own->y, 2, dst + start, own, b + start, size, l, h, depth + 1,
                            w);
        }
    }
    insert_pairs(dst, m);
}

/* Insertion sort of s[0..m); returns the inversions (each shift undoes one). */
static int64_t insert_count(double *s, size_t m)
{
    int64_t swaps = 0;
    for (size_t i = 1; i < m; i++) {
        double v = s[i];
        size_t j = i;
        for (; j > 0 && s[j - 1] > v; j--)
            s[j] = s[j - 1];
        s[j] = v;
        swaps += (int64_t)(i - j);
    }
    return swaps;
}

/*
 * Sorts the m values src[i stride] into dst and returns the number of pairs
 * i < j with src_i > src_j; the first m doubles at src (read first) and b
 * (m entries) as room.
 */
static int64_t count_pass(double *src, size_t stride, double *dst, uint32_t *b, size_t m, int depth,
                          struct scratch *w)
{
    struct grid g;
    double lo = src[0], hi = src[0];
    for (size_t i = 1; i < m; i++) {
        lo = src[i * stride] < lo ? src[i * stride] : lo;
        hi = src[i * stride] > hi ? src[i * stride] : hi;
    }
    /* Positive values by their bit patterns' top half, nearly a log scale
     * (variances spread over orders of magnitude); else by value. */
    size_t nb = m / 4 < NB_MAX ? m / 4 : NB_MAX;
    int logs = m > SMALL && lo > 0.0 && grid_init(&g, top_bits(lo), top_bits(hi), nb);
    if (m <= SMALL || !(hi > lo) || depth == DEPTH_MAX || (!logs && !grid_init(&g, lo, hi, nb))) {
        for (size_t i = 0; i < m; i++)
            dst[i] = src[i * stride];
        if (m <= SMALL)
            return insert_count(dst, m);
        if (!(hi > lo))
            return 0; /* all equal */
        double *r;
        int64_t c = sort_count(dst, src, m, &r);
        if (r != dst)
            memcpy(dst, r, m * sizeof *dst);
        return c;
    }
    uint32_t *end = w->end[depth], *tree = w->tree;
    memset(end, 0, (nb + 1) * sizeof *end);
    memset(tree, 0, (nb + 1) * sizeof *tree);
    if (logs)
        for (size_t i = 0; i < m; i++)
            b[i] = bucket_of(&g, top_bits(src[i * stride]));
    else
        for (size_t i = 0; i < m; i++)
            b[i] = bucket_of(&g, src[i * stride]);
    int64_t inv = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t up_to = 0;
        for (size_t t = (size_t)b[i] + 1; t; t &= t - 1)
            up_to += tree[t];
        inv += (int64_t)(i - up_to);
        for (size_t t = (size_t)b[i] + 1; t <= nb; t += t & (~t + 1))
            tree[t]++;
        end[b[i] + 1]++;
    }
    bucket_starts(end, nb);
    for (size_t i = 0; i < m; i++)
        dst[end[b[i]]++] = src[i * stride];
    for (size_t j = 0, start = 0; j < nb; start = end[j++]) {
        size_t size = end[j] - start;
        if (size > SMALL) {
            memcpy(src + start, dst + start, size * sizeof *dst);
            inv += count_pass(src + start, 1, dst + start, b + start, size, depth + 1, w);
        }
    }
    return inv + insert_count(dst, m);
}

int meta_kendall(const double *x, const double *y, size_t n, double *tau, double *pval,
                 struct meta_error *err)
{
    size_t nb = n < NB_MAX ? n : NB_MAX;
    size_t bytes =
        2 * n * sizeof(struct pair) + (n + (DEPTH_MAX + 1) * (nb + 1)) * sizeof(uint32_t);
    struct pair *pr = n <= UINT32_MAX ? malloc(bytes) : NULL;
    struct ties tx = {0, 0, 0, 0}, ty = {0, 0, 0, 0};
    int64_t joint = 0;
    int ret = META_OK;
    *tau = *pval = NAN;
    if (!pr)
        return meta_error_set(err, META_ENOMEM, "out of memory for Kendall's tau of %zu pairs", n);
    struct pair *tmp = pr + n;
    struct scratch w;
    w.bucket = (uint32_t *)(tmp + n);
    for (int d = 0; d < DEPTH_MAX; d++)
        w.end[d] = w.bucket + n + (size_t)d * (nb + 1);
    w.tree = w.bucket + n + DEPTH_MAX * (nb + 1);
    /* Pairs with a NaN are left out, as R's cor.test() does: then the
     * others are gathered in tmp first. */
    size_t m = 0, nans = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        nans += isnan(x[i]) | isnan(y[i]);
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    if (nans == 0) {
        m = n;
        sort_pairs_pass(x, y, 1, pr, tmp, w.bucket, m, lo, hi, 0, &w);
    } else {
        for (size_t i = 0; i < n; i++) {
            tmp[m].x = x[i];
            tmp[m].y = y[i];
            m += !isnan(x[i]) && !isnan(y[i]);
        }
        sort_pairs_pass(&tmp->x, &tmp->y, 2, pr, tmp, w.bucket, m, lo, hi, 0, &w);
    }
    /* The tie groups are walked only when two neighbours are equal. */
    size_t x_equal = 0, y_equal = 0;
    for (size_t i = 1; i < m; i++)
        x_equal += pr[i].x == pr[i - 1].x;
    for (size_t i = 0, run = 1, jrun = 1; x_equal && i < m; i++) {
        int same_x = i + 1 < m && pr[i + 1].x == pr[i].x;
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
    /* The y in that order, sorted into tmp; the pairs are room after. */
    double *ys = (double *)tmp;
    int64_t discordant = m ? count_pass(&pr->y, 2, ys, w.bucket, m, 0, &w) : 0;
    for (size_t i = 1; i < m; i++)
        y_equal += ys[i] == ys[i - 1];
    for (size_t i = 0, run = 1; y_equal && i < m; i++) {
        if (i + 1 < m && ys[i + 1] == ys[i]) {
            run++;
        } else {
            add_group(&ty, run);
            run = 1;
        }
    }
    int64_t n0 = m < 2 ? 0 : (int64_t)m * (int64_t)(m - 1) / 2;
    /* S = concordant - discordant (Knight 1966). */
    int64_t S = n0 - tx.pairs - ty.pairs + joint - 2 * discordant;
    double denom = sqrt((double)(n0 - tx.pairs)) * sqrt((double)(n0 - ty.pairs));
    if (!(denom > 0.0))
        goto cleanup; /* a constant variable: tau and p undefined, as in R */
    *tau = (double)S / denom;

    if (tx.pairs == 0 && ty.pairs == 0 && m <= KENDALL_EXACT_MAX) {
        /* cor.test: q = concordant pairs; the lower tail up to q, or the
         * upper one from q (by symmetry the lower up to n0 - q). */
        int64_t q = (n0 + S) / 2;
        double p;
        ret = kendall_cdf(m, 2 * q > n0 ? n0 - q : q, &p);
        if (ret != META_OK) {
            ret = meta_error_set(err, ret, "out of memory for Kendall's exact distribution");
            goto cleanup;
        }
        *pval = fmin(2.0 * p, 1.0);
    } else {
        double dn = (double)m;
        double var = (dn * (dn - 1.0) * (2.0 * dn + 5.0) - tx.s2 - ty.s2) / 18.0 +
                     tx.s1 * ty.s1 / (2.0 * dn * (dn - 1.0)) +
                     tx.s3 * ty.s3 / (9.0 * dn * (dn - 1.0) * (dn - 2.0));
        double z = (double)S / sqrt(var);
        *pval = 2.0 * gsl_cdf_ugaussian_P(-fabs(z));
    }

cleanup:
    free(pr);
    return ret;
}
