/*
 * The gnuplot script of a funnel plot: each study's estimate against its
 * standard error, the axis inverted so that precise studies sit on top, the
 * pooled estimate as a vertical line and the pseudo 95% confidence region
 * (estimate +- 1.96 se) as a shaded triangle, as metafor and RevMan draw it.
 */
#include <math.h>
#include <stdlib.h>

#include "plot_internal.h"

#define FUNNEL_W_PT    440.0
#define FUNNEL_H_PT    380.0
#define TITLE_EXTRA_PT 20.0
#define Z95            1.959963984540054 /* standard normal 97.5% quantile */

static double disp(const struct meta_funnel *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

static int write_funnel(const struct meta_funnel *f, enum meta_plot_format fmt,
                        const char *output_path, FILE *out, struct meta_error *err)
{
    double semax = 0, lo, hi, pad, ymax, h = FUNNEL_H_PT + (f->title ? TITLE_EXTRA_PT : 0);
    struct plot_axis ax;
    char xlabel[512];
    int ret;

    for (size_t i = 0; i < f->n_points; i++)
        semax = fmax(semax, f->points[i].sei);
    ymax = semax * 1.08;
    /* The x range holds every point and the region's base, with a margin. */
    lo = f->estimate - Z95 * ymax;
    hi = f->estimate + Z95 * ymax;
    for (size_t i = 0; i < f->n_points; i++) {
        lo = fmin(lo, f->points[i].yi);
        hi = fmax(hi, f->points[i].yi);
    }
    pad = (hi - lo) * 0.04;
    plot_axis_fit(&ax, f->log_scale, disp(f, lo - pad), disp(f, hi + pad));

    fputs("# Funnel plot written by meta; edit freely and run with: gnuplot FILE\n", out);
    ret = plot_put_terminal(out, fmt, FUNNEL_W_PT, h, output_path, err);
    if (ret != META_OK)
        return ret;
    fputs("unset key\nset border 3 lw 1\nset tics out nomirror\n", out);
    if (f->title) {
        fputs("set title ", out);
        if (plot_put_quoted(out, f->title) != META_OK)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        fputs(" noenhanced", out);
        plot_put_font(out, fmt, PLOT_FONT_TITLE);
        fputc('\n', out);
    }
    snprintf(xlabel, sizeof xlabel, "%s%s", f->measure, f->log_scale ? " (log scale)" : "");
    fputs("set xlabel ", out);
    if (plot_put_quoted(out, xlabel) != META_OK)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    fputs(" noenhanced\nset ylabel 'Standard error' noenhanced\n", out);
    fprintf(out, "set xrange [%.6g:%.6g]\n", ax.lo, ax.hi);
    fprintf(out, "set yrange [%.6g:0]\n", ymax);
    if (f->log_scale) {
        fputs("set logscale x\nunset mxtics\nset xtics (", out);
        for (size_t i = 0; i < ax.n_ticks; i++)
            fprintf(out, "%s'%s' %.6g", i ? ", " : "", ax.labels[i], ax.ticks[i]);
        fputs(")\n", out);
    }
    /* The pseudo confidence region, then its edges and the pooled estimate. */
    fprintf(out,
            "set object polygon from first %.6g, first %.6g to first %.6g, first 0 to "
            "first %.6g, first %.6g to first %.6g, first %.6g fc rgb '#ececec' "
            "fs solid 1.0 noborder behind\n",
            disp(f, f->estimate - Z95 * ymax), ymax, disp(f, f->estimate),
            disp(f, f->estimate + Z95 * ymax), ymax, disp(f, f->estimate - Z95 * ymax), ymax);
    fprintf(out,
            "set arrow from first %.6g, first %.6g to first %.6g, first 0 nohead dt 2 "
            "lc rgb '#555555'\n",
            disp(f, f->estimate - Z95 * ymax), ymax, disp(f, f->estimate));
    fprintf(out,
            "set arrow from first %.6g, first 0 to first %.6g, first %.6g nohead dt 2 "
            "lc rgb '#555555'\n",
            disp(f, f->estimate), disp(f, f->estimate + Z95 * ymax), ymax);
    fprintf(out,
            "set arrow from first %.6g, graph 0 to first %.6g, graph 1 nohead lw 1.2 "
            "lc rgb '#000000'\n",
            disp(f, f->estimate), disp(f, f->estimate));
    /* Labels point away from the pooled line, unless they would leave the
     * plot that way (the plot area is about FUNNEL_W_PT - 80 points wide). */
    for (size_t i = 0; f->show_labels && i < f->n_points; i++) {
        double x = disp(f, f->points[i].yi), frac = plot_axis_frac(&ax, x), room;
        int right = f->points[i].yi >= f->estimate;
        char *label;
        if (!f->points[i].label)
            continue;
        label = meta_plot_ellipsize(f->points[i].label, 32);
        if (!label)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        room = (plot_text_width(label, 7, 0) + 8) / (FUNNEL_W_PT - 80);
        if (right && frac + room > 1)
            right = 0;
        else if (!right && frac - room < 0)
            right = 1;
        fputs("set label ", out);
        ret = plot_put_quoted(out, label);
        free(label);
        if (ret != META_OK)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        fprintf(out, " at first %.6g, first %.6g %s offset %s,0 noenhanced", x, f->points[i].sei,
                right ? "left" : "right", right ? "0.8" : "-0.8");
        plot_put_font(out, fmt, PLOT_FONT_TINY);
        fputc('\n', out);
    }
    /* Only numbers go into the data block: text never does. */
    fputs("$points << EOD\n", out);
    for (size_t i = 0; i < f->n_points; i++)
        fprintf(out, "%.10g %.10g\n", disp(f, f->points[i].yi), f->points[i].sei);
    fputs("EOD\n", out);
    fputs("plot $points using 1:2 with points pt 7 ps 1.6 lc rgb '#2b5c8a' notitle\n", out);
    fputs("unset output\n", out);
    return META_OK;
}

int meta_plot_funnel_script(const struct meta_funnel *f, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err)
{
    locale_t saved;
    int ret;
    if (f->n_points == 0)
        return meta_error_set(err, META_EINVAL, "the funnel plot has no studies");
    if (!isfinite(f->estimate))
        return meta_error_set(err, META_EINVAL, "the funnel plot has no pooled estimate");
    saved = plot_locale_begin();
    ret = write_funnel(f, fmt, output_path, out, err);
    if (ret == META_OK && (fflush(out) != 0 || ferror(out)))
        ret = meta_error_set(err, META_EIO, "cannot write the gnuplot script");
    plot_locale_end(saved);
    return ret;
}
