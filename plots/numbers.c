/*
 * Numbers as a forest plot prints them, following RevMan's conventions that
 * readers of Cochrane reviews know: "0.49 [0.34, 0.70]", "P < 0.00001",
 * "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_internal.h"

/* Drops the sign of a printed zero ("-0.00" -> "0.00"). */
static void drop_negative_zero(char *buf)
{
    if (buf[0] != '-')
        return;
    for (const char *p = buf + 1; *p; p++)
        if (*p != '0' && *p != '.')
            return;
    memmove(buf, buf + 1, strlen(buf));
}

void plot_fmt_value(char *buf, size_t size, double v, int decimals)
{
    double av = fabs(v);
    if (!isfinite(v))
        snprintf(buf, size, "%s", isnan(v) ? "-" : (v > 0 ? "Inf" : "-Inf"));
    else if (av >= 1000)
        snprintf(buf, size, "%.0f", v);
    else if (av >= 100 && decimals > 1)
        snprintf(buf, size, "%.1f", v);
    else if (v != 0 && av < 0.5 * pow(10.0, -decimals))
        snprintf(buf, size, "%.2g", v); /* 0.0031 rather than 0.00 */
    else
        snprintf(buf, size, "%.*f", decimals, v);
    drop_negative_zero(buf);
}

void plot_fmt_interval(char *buf, size_t size, double est, double lo, double hi, int decimals)
{
    char e[32], l[32], h[32];
    plot_fmt_value(e, sizeof e, est, decimals);
    plot_fmt_value(l, sizeof l, lo, decimals);
    plot_fmt_value(h, sizeof h, hi, decimals);
    snprintf(buf, size, "%s [%s, %s]", e, l, h);
}

int plot_decimals_needed(double v, int max)
{
    double scaled = fabs(v);
    for (int d = 0; d < max; d++, scaled *= 10)
        if (fabs(scaled - round(scaled)) < 1e-6 * fmax(1.0, scaled))
            return d;
    return max;
}

void plot_fmt_fixed(char *buf, size_t size, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "%.*f", decimals, v);
    drop_negative_zero(buf);
}

void plot_fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p))
        snprintf(buf, size, "P = -");
    else if (p < 0.00001)
        snprintf(buf, size, "P < 0.00001");
    else if (p < 0.0001)
        snprintf(buf, size, "P < 0.0001");
    else if (p < 0.001)
        snprintf(buf, size, "P = %.4f", p);
    else if (p < 0.01)
        snprintf(buf, size, "P = %.3f", p);
    else
        snprintf(buf, size, "P = %.2f", p);
}

void plot_fmt_level(char *buf, size_t size, double level)
{
    snprintf(buf, size, "%g", level);
}

int plot_fmt_heterogeneity(char *buf, size_t size, const struct meta_forest_summary *s)
{
    size_t o = 0;
    char v[32], p[32];
    buf[0] = '\0';
    if (isnan(s->tau2) && isnan(s->q))
        return 0;
    o += (size_t)snprintf(buf + o, size - o, "Heterogeneity:");
    if (!isnan(s->tau2) && o < size) {
        plot_fmt_value(v, sizeof v, s->tau2, 2);
        o += (size_t)snprintf(buf + o, size - o, " Tau\xc2\xb2 = %s", v);
    }
    if (!isnan(s->q) && o < size) {
        plot_fmt_fixed(v, sizeof v, s->q, 2);
        o += (size_t)snprintf(buf + o, size - o, "%s Chi\xc2\xb2 = %s", isnan(s->tau2) ? "" : ";",
                              v);
        if (!isnan(s->q_df) && o < size)
            o += (size_t)snprintf(buf + o, size - o, ", df = %g", s->q_df);
        if (!isnan(s->q_p) && o < size) {
            plot_fmt_p(p, sizeof p, s->q_p);
            o += (size_t)snprintf(buf + o, size - o, " (%s)", p);
        }
    }
    if (!isnan(s->i2) && o < size)
        snprintf(buf + o, size - o, "; I\xc2\xb2 = %.0f%%", s->i2);
    return 1;
}

int plot_fmt_overall_test(char *buf, size_t size, const struct meta_forest_summary *s)
{
    char p[32];
    size_t o;
    buf[0] = '\0';
    if (isnan(s->stat))
        return 0;
    /* RevMan reports the statistic's absolute value; the side is in the plot. */
    if (isnan(s->stat_df))
        o = (size_t)snprintf(buf, size, "Test for overall effect: Z = %.2f", fabs(s->stat));
    else
        o = (size_t)snprintf(buf, size, "Test for overall effect: t = %.2f, df = %g", fabs(s->stat),
                             s->stat_df);
    if (!isnan(s->p) && o < size) {
        plot_fmt_p(p, sizeof p, s->p);
        snprintf(buf + o, size - o, " (%s)", p);
    }
    return 1;
}

void plot_fmt_subgroup_test(char *buf, size_t size, double q, double df, double p)
{
    char v[32], ps[32];
    /* I² of the subgroup differences, as RevMan shows it: (Q - df) / Q. */
    double i2 = q > 0 ? 100.0 * (q - df) / q : 0.0;
    if (i2 < 0)
        i2 = 0;
    plot_fmt_fixed(v, sizeof v, q, 2);
    plot_fmt_p(ps, sizeof ps, p);
    /* RevMan gives this I² to one decimal, except a plain 0%. */
    snprintf(buf, size,
             "Test for subgroup differences: Chi\xc2\xb2 = %s, df = %g (%s), I\xc2\xb2 = %.*f%%", v,
             df, ps, i2 > 0 ? 1 : 0, i2);
}
