/*
 * Inverse-variance sums of the intercept-only model at a given tau^2, in two
 * plain passes (the weighted mean first, then the residuals): the reference
 * that the fused one-pass sums of pass.c, which the estimators iterate on,
 * are checked against.
 */
#include "stats_internal.h"

#include <math.h>

/* First pass: sum w, the weighted mean and the index of the largest weight. */
static void first_pass(const double *yi, const double *vi, size_t k, double tau2,
                       struct meta_iv_sums *s, size_t *imax)
{
    double W = 0.0, swy = 0.0, wmax = -1.0;
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / (vi[i] + tau2);
        W += w;
        swy += w * yi[i];
        if (w > wmax) {
            wmax = w;
            m = i;
        }
    }
    s->W = W;
    s->mu = swy / W;
    *imax = m;
}

void meta_iv_sums_q(const double *yi, const double *vi, size_t k, double tau2,
                    struct meta_iv_sums *s)
{
    size_t m;
    first_pass(yi, vi, k, tau2, s, &m);
    double Q = 0.0, swr2 = 0.0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / (vi[i] + tau2), r = yi[i] - s->mu;
        Q += w * r * r;
        swr2 += w * w * r * r;
    }
    s->Q = Q;
    s->swr2 = swr2;
    s->sw2 = s->trP = s->trPP = NAN;
}

/*
 * With u_i = w_i / W: tr(P) = sum w_i (1 - u_i) and
 * tr(PP) = sum w_i^2 (1 - u_i)^2 + sum_i w_i^2 sum_{j != i} u_j^2.
 * For the largest weight m, 1 - u_m and sum_{j != m} u_j^2 are summed from
 * the other studies instead of being subtracted from 1 and sum u^2, which
 * would cancel to zero when w_m dwarfs the rest.
 */
void meta_iv_sums_full(const double *yi, const double *vi, size_t k, double tau2,
                       struct meta_iv_sums *s)
{
    size_t m;
    first_pass(yi, vi, k, tau2, s, &m);
    double W = s->W, Q = 0.0, swr2 = 0.0, sw2 = 0.0;
    double trPx = 0.0, diagx = 0.0; /* over i != m */
    double A = 0.0, B = 0.0;        /* sum_{i != m} w_i^2, w_i^2 u_i^2 */
    double U1x = 0.0, U2x = 0.0;    /* sum_{i != m} u_i, u_i^2 */
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / (vi[i] + tau2), r = yi[i] - s->mu;
        Q += w * r * r;
        swr2 += w * w * r * r;
        sw2 += w * w;
        if (i == m)
            continue;
        double u = w / W, w2 = w * w;
        trPx += w * (1.0 - u);
        diagx += w2 * (1.0 - u) * (1.0 - u);
        A += w2;
        B += w2 * u * u;
        U1x += u;
        U2x += u * u;
    }
    double wm = 1.0 / (vi[m] + tau2), um = wm / W;
    s->Q = Q;
    s->swr2 = swr2;
    s->sw2 = sw2;
    s->trP = trPx + wm * U1x;
    s->trPP = diagx + wm * wm * U1x * U1x + (um * um + U2x) * A - B + wm * wm * U2x;
}
