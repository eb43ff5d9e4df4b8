/*
 * The fused one-pass sums that the tau^2 estimators, the Q-profile interval
 * and the pooled estimate iterate on (Q, y'PPy, the traces of P at one
 * tau^2), vectorised and remembered for tau^2 = 0 and the last tau^2 asked
 * for: the hot loop of pooling millions of studies.
 */
#include "stats_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Keeps in lane j of *vmin and *at the smaller of v and *vmin and its index
 * (a double: exact below 2^53), by bitwise select: no branch. */
static inline void select_min(meta_v2d v, meta_v2d idx, meta_v2d *vmin, meta_v2d *at)
{
    meta_v2i lt = v < *vmin;
    *vmin = (meta_v2d)((lt & (meta_v2i)v) | (~lt & (meta_v2i)*vmin));
    *at = (meta_v2d)((lt & (meta_v2i)idx) | (~lt & (meta_v2i)*at));
}

int meta_iv_data_init(struct meta_iv_data *d, const double *yi, const double *vi, size_t k)
{
    const meta_v2d two = {2.0, 2.0}, four = {4.0, 4.0};
    meta_v2d sy = {0.0, 0.0}, sv = sy, vmin[2] = {{INFINITY, INFINITY}, {INFINITY, INFINITY}};
    meta_v2d at[2] = {{0.0, 1.0}, {2.0, 3.0}}, idx = at[0];
    size_t i = 0;
    /* Four studies at a time in two independent pairs of lanes (the
     * minimum's select chain is the loop's latency). A NaN or infinity makes
     * its sum NaN or infinite. */
    for (; i + 4 <= k; i += 4) {
        meta_v2d y0, y1, v0, v1;
        memcpy(&y0, yi + i, sizeof y0);
        memcpy(&y1, yi + i + 2, sizeof y1);
        memcpy(&v0, vi + i, sizeof v0);
        memcpy(&v1, vi + i + 2, sizeof v1);
        sy += y0 + y1;
        sv += v0 + v1;
        select_min(v0, idx, &vmin[0], &at[0]);
        select_min(v1, idx + two, &vmin[1], &at[1]);
        idx += four;
    }
    double s = sy[0] + sy[1], t = sv[0] + sv[1], vm = INFINITY;
    size_t m = 0;
    for (int j = 0; j < 4 && i > 0; j++) {
        double v = vmin[j / 2][j % 2];
        size_t a = (size_t)at[j / 2][j % 2];
        if (v < vm || (v == vm && a < m)) {
            vm = v;
            m = a;
        }
    }
    for (; i < k; i++) {
        s += yi[i];
        t += vi[i];
        if (vi[i] < vm || i == 0) {
            vm = vi[i];
            m = i;
        }
    }
    d->yi = yi;
    d->vi = vi;
    d->k = k;
    d->imax = m;
    d->centre = s / (double)k;
    d->passes = 0;
    d->memo[0].valid = d->memo[1].valid = 0;
    /* Finite sums (overflow only errs on the safe side) and the smallest
     * variance at least 1e-300. */
    return isfinite(s) && isfinite(t) && vm >= 1e-300;
}

/* The sums of one pass: sum w, w d, w d^2, w^2, w^2 d, w^2 d^2 and w^3,
 * with w = 1/(v + tau2) and d = y - c. */
enum { S_W, S_WD, S_WDD, S_W2, S_W2D, S_W2DD, S_W3, NSUMS };

/* Adds the sums over studies lo..hi-1 to out. `omp simd` lets the compiler
 * split each sum into as many partial sums as the vector unit has lanes
 * (plain C must add in order: floating-point addition is not associative). */
META_CLONES static void accumulate(const double *restrict yi, const double *restrict vi, size_t lo,
                                   size_t hi, double t, double c, double out[NSUMS])
{
    double sw = 0.0, swd = 0.0, swdd = 0.0, sw2 = 0.0, sw2d = 0.0, sw2dd = 0.0, sw3 = 0.0;
#pragma omp simd reduction(+ : sw, swd, swdd, sw2, sw2d, sw2dd, sw3)
    for (size_t i = lo; i < hi; i++) {
        double w = 1.0 / (vi[i] + t), d = yi[i] - c;
        double wd = w * d, w2 = w * w;
        sw += w;
        swd += wd;
        swdd += wd * d;
        sw2 += w2;
        sw2d += w * wd;
        sw2dd += wd * wd;
        sw3 += w2 * w;
    }
    out[S_W] += sw;
    out[S_WD] += swd;
    out[S_WDD] += swdd;
    out[S_W2] += sw2;
    out[S_W2D] += sw2d;
    out[S_W2DD] += sw2dd;
    out[S_W3] += sw3;
}

/* One pass around the centre c; returns 0 when c was too far from the mean
 * for full precision (see meta_iv_pass), 1 otherwise. Study m, the largest
 * weight, is summed apart: W - w_m and the traces then never come from a
 * subtraction, and its residual y_m - mu, which decides Q and y'PPy when
 * w_m dwarfs the rest (and which is then tiny), is formed from the other
 * studies' sums as (d_m P1 - sum w d) / W rather than by cancellation. */
META_CLONES static int centred_pass(const struct meta_iv_data *d, double t, double c, int traces,
                                    struct meta_iv_sums *s)
{
    double x[NSUMS] = {0.0};
    size_t m = d->imax;
    accumulate(d->yi, d->vi, 0, m, t, c, x);
    accumulate(d->yi, d->vi, m + 1, d->k, t, c, x);
    /* Over i != m: */
    double P1 = x[S_W], P2 = x[S_W2], P3 = x[S_W3];
    double A1 = x[S_WD], A2 = x[S_WDD], B1 = x[S_W2D], B2 = x[S_W2DD];
    double wm = 1.0 / (d->vi[m] + t), dm = d->yi[m] - c;
    double W = P1 + wm, iW = 1.0 / W;
    double delta = (A1 + wm * dm) * iW; /* mu - c */
    double rm = (dm * P1 - A1) * iW;    /* y_m - mu */
    double Qx = A2 - 2.0 * delta * A1 + delta * delta * P1;
    double swr2x = B2 - 2.0 * delta * B1 + delta * delta * P2;
    s->W = W;
    s->mu = c + delta;
    s->sw2 = P2 + wm * wm;
    s->Q = fmax(0.0, Qx) + wm * rm * rm;
    s->swr2 = fmax(0.0, swr2x) + wm * wm * rm * rm;
    if (traces) {
        /* u_i = w_i / W; over i != m: trP = sum w (1 - u) + w_m sum u and
         * tr(PP) as in meta_iv_sums_full(), written in the power sums. */
        s->trP = P1 - P2 * iW + wm * P1 * iW;
        s->trPP = P2 - 2.0 * P3 * iW + (P2 * P2 + wm * wm * (P1 * P1 + 2.0 * P2)) * iW * iW;
    } else {
        s->trP = s->trPP = NAN;
    }
    /* The centred sums lose at most a bit to cancellation while the shift
     * delta carries no more than a quarter of them. */
    return !(delta * delta * P1 > 0.25 * A2 || delta * delta * P2 > 0.25 * B2);
}

void meta_iv_pass(struct meta_iv_data *d, double tau2, int traces, struct meta_iv_sums *s)
{
    struct meta_iv_memo *memo = &d->memo[tau2 == 0.0 ? 0 : 1];
    if (memo->valid && memo->tau2 == tau2 && memo->traces >= traces) {
        *s = memo->s;
        return;
    }
    d->passes++;
    if (!centred_pass(d, tau2, d->centre, traces, s)) {
        d->passes++;
        centred_pass(d, tau2, s->mu, traces, s);
    }
    memo->valid = 1;
    memo->tau2 = tau2;
    memo->traces = traces;
    memo->s = *s;
}
