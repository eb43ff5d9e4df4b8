/*
 * Axis ranges and ticks. The forest axis is symmetric around the null, as in
 * RevMan (0.1 .. 10 with ticks 0.1 0.2 0.5 1 2 5 10; -4 .. 4), so that the
 * eye can compare distances on both sides; the funnel axis fits its data.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_internal.h"

/* Symmetric log ranges: the upper end as a multiple of the null and the ticks
 * above the null (mirrored below it). */
struct log_range {
    double upper;
    int n;
    double up[4];
};

static const struct log_range log_ranges[] = {
    {2, 2, {1.5, 2}},      {5, 2, {2, 5}},        {10, 3, {2, 5, 10}},  {20, 2, {5, 20}},
    {50, 2, {10, 50}},     {100, 2, {10, 100}},   {200, 2, {10, 200}},  {500, 2, {10, 500}},
    {1000, 2, {10, 1000}}, {1e4, 2, {100, 1e4}},  {1e5, 2, {100, 1e5}}, {1e6, 2, {1000, 1e6}},
    {1e8, 2, {1e4, 1e8}},  {1e10, 2, {1e5, 1e10}}};

/* Formats a tick value compactly: "0.5", "1", "10", "0.001", "1e+06". */
static void tick_label(char *buf, size_t size, double v)
{
    double av = fabs(v);
    if (av != 0 && (av < 1e-4 || av >= 1e6))
        snprintf(buf, size, "%.0e", v);
    else
        snprintf(buf, size, "%.10g", v);
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
}

static void add_tick(struct plot_axis *ax, double v)
{
    if (ax->n_ticks >= PLOT_MAX_TICKS)
        return;
    ax->ticks[ax->n_ticks] = v;
    tick_label(ax->labels[ax->n_ticks], sizeof ax->labels[0], v);
    ax->n_ticks++;
}

/* Ticks below the null for a tick above it: the reciprocal, rounded to the
 * precision it is read at (1 / 1.5 reads as 0.7, as in RevMan). */
static double mirror(double up)
{
    double v = 1.0 / up;
    double digits = pow(10.0, -floor(log10(v)));
    return round(v * digits) / digits;
}

void plot_axis_symmetric(struct plot_axis *ax, int log_scale, double null_disp, double need)
{
    memset(ax, 0, sizeof *ax);
    ax->log_scale = log_scale;
    if (!isfinite(need) || need < 0)
        need = 0;
    if (log_scale) {
        size_t n = sizeof log_ranges / sizeof log_ranges[0], i;
        const struct log_range *r = &log_ranges[n - 1];
        if (!(null_disp > 0) || !isfinite(null_disp))
            null_disp = 1;
        for (i = 0; i < n; i++)
            if (log(log_ranges[i].upper) >= need) {
                r = &log_ranges[i];
                break;
            }
        ax->lo = null_disp / r->upper;
        ax->hi = null_disp * r->upper;
        for (int j = r->n - 1; j >= 0; j--)
            add_tick(ax, null_disp * mirror(r->up[j]));
        add_tick(ax, null_disp);
        for (int j = 0; j < r->n; j++)
            add_tick(ax, null_disp * r->up[j]);
    } else {
        /* Half-ranges 1, 2, 4, 5 x 10^e; ticks every half of it. */
        static const double mant[] = {1, 2, 4, 5, 10};
        double half = 1, e;
        if (!isfinite(null_disp))
            null_disp = 0;
        if (need <= 0)
            need = 1;
        e = pow(10.0, floor(log10(need)));
        for (size_t i = 0; i < sizeof mant / sizeof mant[0]; i++)
            if (mant[i] * e >= need * (1 - 1e-9)) {
                half = mant[i] * e;
                break;
            }
        ax->lo = null_disp - half;
        ax->hi = null_disp + half;
        for (int j = -2; j <= 2; j++)
            add_tick(ax, null_disp + j * half / 2);
    }
}

void plot_axis_fit(struct plot_axis *ax, int log_scale, double lo, double hi)
{
    memset(ax, 0, sizeof *ax);
    ax->log_scale = log_scale;
    ax->lo = lo;
    ax->hi = hi;
    if (log_scale) {
        /* 1-2-5 ticks, or decades only when those are too many. */
        static const double steps125[] = {1, 2, 5};
        static const double steps1[] = {1};
        static const double steps_fine[] = {1, 1.5, 2, 3, 5, 7};
        const double *steps[] = {steps_fine, steps125, steps1};
        size_t nsteps[] = {6, 3, 1};
        for (size_t s = 0; s < 3; s++) {
            ax->n_ticks = 0;
            for (double d = pow(10.0, floor(log10(lo))); d <= hi * 10; d *= 10) {
                for (size_t i = 0; i < nsteps[s]; i++) {
                    double v = steps[s][i] * d;
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                        add_tick(ax, v);
                }
            }
            if (ax->n_ticks <= 7)
                break;
        }
    } else {
        /* About five ticks at 1, 2 or 5 x 10^e. */
        double span = hi - lo, raw = span / 5, e, step;
        if (!(span > 0))
            return;
        e = pow(10.0, floor(log10(raw)));
        step = raw / e < 1.5 ? e : raw / e < 3.5 ? 2 * e : raw / e < 7.5 ? 5 * e : 10 * e;
        for (double v = ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
            add_tick(ax, fabs(v) < step * 1e-9 ? 0.0 : v);
    }
}

double plot_axis_frac(const struct plot_axis *ax, double v)
{
    if (ax->log_scale)
        return (log(v) - log(ax->lo)) / (log(ax->hi) - log(ax->lo));
    return (v - ax->lo) / (ax->hi - ax->lo);
}
