/*
 * The gnuplot script of a bubble plot: each trial's effect against the
 * moderator as a disc whose area is proportional to its weight (the point
 * size, a diameter, goes with the square root), the fitted line of the
 * meta-regression with its confidence band shaded, and the line of no
 * effect, as metafor's regplot() draws them; the model in the footer.
 */
#include <math.h>
#include <stdlib.h>

#include "plot_internal.h"

#define BUBBLE_W_PT    480.0
#define BUBBLE_H_PT    380.0
#define FOOTER_LINE_PT 13.0
#define TITLE_EXTRA_PT 20.0
#define BOTTOM_PT      46.0 /* x tics and label */
#define PS_MAX         5.0  /* point size of the heaviest trial */
#define LINE_COLOUR    "#2b5c8a"

static double disp(const struct meta_bubble *b, double v)
{
    return b->log_scale ? exp(v) : v;
}

/* The y range: every point and the band, with a margin (analysis scale). */
static void y_range(const struct meta_bubble *b, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < b->n_points; i++) {
        *lo = fmin(*lo, b->points[i].y);
        *hi = fmax(*hi, b->points[i].y);
    }
    for (size_t i = 0; i < b->n_line; i++) {
        *lo = fmin(*lo, b->line[i].lo);
        *hi = fmax(*hi, b->line[i].hi);
    }
    double pad = (*hi - *lo) * 0.06;
    if (!(pad > 0))
        pad = fmax(fabs(*hi) * 0.1, 0.1);
    *lo -= pad;
    *hi += pad;
}

static int put_text_line(FILE *out, const char *what, const char *text, struct meta_error *err)
{
    fputs(what, out);
    if (plot_put_quoted(out, text) != META_OK)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    fputs(" noenhanced", out);
    return META_OK;
}

static int write_bubble(const struct meta_bubble *b, enum meta_plot_format fmt,
                        const char *output_path, FILE *out, struct meta_error *err)
{
    double h = BUBBLE_H_PT + (double)b->n_footer * FOOTER_LINE_PT + (b->title ? TITLE_EXTRA_PT : 0);
    double xlo = b->line[0].x, xhi = b->line[b->n_line - 1].x, ylo, yhi, wmax = 0;
    for (size_t i = 0; i < b->n_points; i++) {
        xlo = fmin(xlo, b->points[i].x);
        xhi = fmax(xhi, b->points[i].x);
        wmax = fmax(wmax, b->points[i].weight);
    }
    double xpad = (xhi - xlo) * 0.05;
    y_range(b, &ylo, &yhi);
    struct plot_axis ax;
    plot_axis_fit(&ax, b->log_scale, disp(b, ylo), disp(b, yhi));

    fputs("# Bubble plot written by meta; edit freely and run with: gnuplot FILE\n", out);
    int ret = plot_put_terminal(out, fmt, BUBBLE_W_PT, h, output_path, err);
    if (ret != META_OK)
        return ret;
    fputs("unset key\nset border 3 lw 1\nset tics out nomirror\n", out);
    fprintf(out, "set bmargin at screen %.6g\n",
            (BOTTOM_PT + (double)b->n_footer * FOOTER_LINE_PT) / h);
    if (b->title) {
        if ((ret = put_text_line(out, "set title ", b->title, err)) != META_OK)
            return ret;
        plot_put_font(out, fmt, PLOT_FONT_TITLE);
        fputc('\n', out);
    }
    if ((ret = put_text_line(out, "set xlabel ", b->moderator, err)) != META_OK)
        return ret;
    fputc('\n', out);
    char ylabel[512];
    snprintf(ylabel, sizeof ylabel, "%s%s", b->measure, b->log_scale ? " (log scale)" : "");
    if ((ret = put_text_line(out, "set ylabel ", ylabel, err)) != META_OK)
        return ret;
    fputc('\n', out);
    fprintf(out, "set xrange [%.10g:%.10g]\n", xlo - xpad, xhi + xpad);
    fprintf(out, "set yrange [%.6g:%.6g]\n", ax.lo, ax.hi);
    if (b->log_scale) {
        fputs("set logscale y\nunset mytics\nset ytics (", out);
        for (size_t i = 0; i < ax.n_ticks; i++)
            fprintf(out, "%s'%s' %.6g", i ? ", " : "", ax.labels[i], ax.ticks[i]);
        fputs(")\n", out);
    }
    /* No effect: 0 on the analysis scale, when it is in view. */
    if (ylo < 0 && yhi > 0)
        fprintf(out,
                "set arrow from graph 0, first %.6g to graph 1, first %.6g nohead dt 3 "
                "lc rgb '#555555'\n",
                disp(b, 0), disp(b, 0));
    for (size_t i = 0; i < b->n_footer; i++) {
        if ((ret = put_text_line(out, "set label ", b->footer[i], err)) != META_OK)
            return ret;
        fprintf(out, " at screen 0.02, screen %.6g left",
                (8.0 + (double)(b->n_footer - 1 - i) * FOOTER_LINE_PT) / h);
        plot_put_font(out, fmt, PLOT_FONT_SMALL);
        fputc('\n', out);
    }
    /* Only numbers go into the data blocks. */
    fputs("$fit << EOD\n", out);
    for (size_t i = 0; i < b->n_line; i++)
        fprintf(out, "%.10g %.10g %.10g %.10g\n", b->line[i].x, disp(b, b->line[i].fit),
                disp(b, b->line[i].lo), disp(b, b->line[i].hi));
    fputs("EOD\n$points << EOD\n", out);
    for (size_t i = 0; i < b->n_points; i++)
        fprintf(out, "%.10g %.10g %.6g\n", b->points[i].x, disp(b, b->points[i].y),
                PS_MAX * sqrt(b->points[i].weight / wmax));
    fputs("EOD\n", out);
    fputs("plot $fit using 1:3:4 with filledcurves fc rgb '#d6e2ee' fs solid 1.0 noborder, \\\n"
          "     $fit using 1:3 with lines dt 2 lw 1 lc rgb '" LINE_COLOUR "', \\\n"
          "     $fit using 1:4 with lines dt 2 lw 1 lc rgb '" LINE_COLOUR "', \\\n"
          "     $fit using 1:2 with lines lw 2 lc rgb '" LINE_COLOUR "', \\\n"
          "     $points using 1:2:3 with points pt 7 ps variable lc rgb '#a0889fb5', \\\n"
          "     $points using 1:2:3 with points pt 6 ps variable lw 1 lc rgb '#1f3f5f'\n",
          out);
    fputs("unset output\n", out);
    return META_OK;
}

int meta_plot_bubble_script(const struct meta_bubble *b, enum meta_plot_format fmt,
                            const char *output_path, FILE *out, struct meta_error *err)
{
    if (b->n_points == 0)
        return meta_error_set(err, META_EINVAL, "the bubble plot has no trials");
    if (b->n_line < 2)
        return meta_error_set(err, META_EINVAL, "the bubble plot has no fitted line");
    locale_t saved = plot_locale_begin();
    int ret = write_bubble(b, fmt, output_path, out, err);
    if (ret == META_OK && (fflush(out) != 0 || ferror(out)))
        ret = meta_error_set(err, META_EIO, "cannot write the gnuplot script");
    plot_locale_end(saved);
    return ret;
}
