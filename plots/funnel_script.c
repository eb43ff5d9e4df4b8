/*
 * The gnuplot script of a funnel plot: each study's estimate against its
 * standard error, the axis inverted so that precise studies sit on top, the
 * pooled estimate as a vertical line and the pseudo 95% confidence region
 * (estimate +- 1.96 se) as a shaded triangle, as metafor and RevMan draw it;
 * trim-and-fill's filled studies as open markers and its adjusted estimate
 * dashed; or the contours of significance around the null, shaded.
 */
#include <math.h>
#include <stdlib.h>

#include "plot_internal.h"

#define FUNNEL_W_PT    440.0
#define FUNNEL_H_PT    380.0
#define KEY_W_PT       150.0 /* room for the key beside the plot */
#define TITLE_EXTRA_PT 20.0
#define NOTE_EXTRA_PT  16.0              /* room for the note under the x axis label */
#define BOTTOM_PT      44.0              /* the x tics and label above the note */
#define Z95            1.959963984540054 /* standard normal 97.5% quantile */
#define POINT_COLOUR   "#2b5c8a"
#define ADJUST_COLOUR  "#b03a2e"

/* The contours of significance: two-sided p of 0.10, 0.05 and 0.01 (the
 * 95th, 97.5th and 99.5th normal percentiles), and the shades of the areas
 * beyond each, the last being the background (p < 0.01). */
static const struct {
    double z;
    const char *inside; /* the shade inside the contour */
    const char *label;  /* the key's words for that shade */
} contours[] = {
    {2.5758293035489004, "#cccccc", "0.01 < p < 0.05"},
    {1.959963984540054, "#e8e8e8", "0.05 < p < 0.10"},
    {1.6448536269514722, "#ffffff", "p > 0.10"},
};
#define N_CONTOURS      3
#define BEYOND_CONTOURS "#a6a6a6"
#define BEYOND_LABEL    "p < 0.01"

static double disp(const struct meta_funnel *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

/* A polygon in the analysis scale (x) and standard errors (y). */
struct poly {
    size_t n;
    double x[8], y[8];
};

/* Keeps the part of p on the side x * sign >= bound * sign of a vertical
 * line (one step of Sutherland-Hodgman). */
static void clip_x(struct poly *p, double bound, int sign)
{
    struct poly out = {0, {0}, {0}};
    for (size_t i = 0; i < p->n; i++) {
        size_t j = (i + 1) % p->n;
        int in_i = sign * (p->x[i] - bound) >= 0, in_j = sign * (p->x[j] - bound) >= 0;
        if (in_i && out.n < 8) {
            out.x[out.n] = p->x[i];
            out.y[out.n++] = p->y[i];
        }
        if (in_i != in_j && out.n < 8) {
            double t = (bound - p->x[i]) / (p->x[j] - p->x[i]);
            out.x[out.n] = bound;
            out.y[out.n++] = p->y[i] + t * (p->y[j] - p->y[i]);
        }
    }
    *p = out;
}

/* The triangle centre +- z se for se in [0, ymax], cut to the x range
 * [xlo, xhi] (analysis scale), as a gnuplot polygon object in `colour`:
 * gnuplot itself clips polygon objects badly. */
static void put_triangle(FILE *out, const struct meta_funnel *f, double centre, double z,
                         double ymax, double xlo, double xhi, const char *colour)
{
    struct poly p = {3, {centre - z * ymax, centre, centre + z * ymax}, {ymax, 0, ymax}};
    clip_x(&p, xlo, 1);
    clip_x(&p, xhi, -1);
    if (p.n < 3)
        return;
    fputs("set object polygon from", out);
    for (size_t i = 0; i <= p.n; i++)
        fprintf(out, "%s first %.6g, first %.6g", i ? " to" : "", disp(f, p.x[i % p.n]),
                p.y[i % p.n]);
    fprintf(out, " fc rgb '%s' fs solid 1.0 noborder behind\n", colour);
}

/* A vertical line at v (analysis scale) over the whole plot. */
static void put_vline(FILE *out, const struct meta_funnel *f, double v, const char *style)
{
    fprintf(out, "set arrow from first %.6g, graph 0 to first %.6g, graph 1 nohead %s\n",
            disp(f, v), disp(f, v), style);
}

/* The shaded areas of significance around the null, and the null line. */
static void put_contours(FILE *out, const struct meta_funnel *f, double ymax,
                         const struct plot_axis *ax)
{
    double xlo = f->log_scale ? log(ax->lo) : ax->lo, xhi = f->log_scale ? log(ax->hi) : ax->hi;
    fprintf(out,
            "set object rect from graph 0, graph 0 to graph 1, graph 1 fc rgb '%s' "
            "fs solid 1.0 noborder behind\n",
            BEYOND_CONTOURS);
    for (size_t i = 0; i < N_CONTOURS; i++)
        put_triangle(out, f, f->null_value, contours[i].z, ymax, xlo, xhi, contours[i].inside);
    put_vline(out, f, f->null_value, "lw 0.8 dt 3 lc rgb '#555555'");
}

/* The pseudo 95% confidence region around centre: shaded, with its edges. */
static void put_region(FILE *out, const struct meta_funnel *f, double centre, double ymax,
                       const struct plot_axis *ax)
{
    double xlo = f->log_scale ? log(ax->lo) : ax->lo, xhi = f->log_scale ? log(ax->hi) : ax->hi;
    put_triangle(out, f, centre, Z95, ymax, xlo, xhi, "#ececec");
    fprintf(out,
            "set arrow from first %.6g, first %.6g to first %.6g, first 0 nohead dt 2 "
            "lc rgb '#555555'\n",
            disp(f, centre - Z95 * ymax), ymax, disp(f, centre));
    fprintf(out,
            "set arrow from first %.6g, first 0 to first %.6g, first %.6g nohead dt 2 "
            "lc rgb '#555555'\n",
            disp(f, centre), disp(f, centre + Z95 * ymax), ymax);
}

/* Labels point away from the pooled line, unless they would leave the
 * plot that way (the plot area is about FUNNEL_W_PT - 80 points wide). */
static int put_labels(FILE *out, const struct meta_funnel *f, enum meta_plot_format fmt,
                      const struct plot_axis *ax, struct meta_error *err)
{
    for (size_t i = 0; f->show_labels && i < f->n_points; i++) {
        double x = disp(f, f->points[i].yi), frac = plot_axis_frac(ax, x), room;
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
        int ret = plot_put_quoted(out, label);
        free(label);
        if (ret != META_OK)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        fprintf(out, " at first %.6g, first %.6g %s offset %s,0 noenhanced", x, f->points[i].sei,
                right ? "left" : "right", right ? "0.8" : "-0.8");
        plot_put_font(out, fmt, PLOT_FONT_TINY);
        fputc('\n', out);
    }
    return META_OK;
}

/* The plot command: the points, the filled studies, and the key's entries
 * for the lines and shades drawn as objects. */
static void put_plot(FILE *out, const struct meta_funnel *f, int key)
{
    /* Only numbers go into the data blocks: text never does. */
    fputs("$points << EOD\n", out);
    for (size_t i = 0; i < f->n_points; i++)
        fprintf(out, "%.10g %.10g\n", disp(f, f->points[i].yi), f->points[i].sei);
    fputs("EOD\n", out);
    if (f->n_filled) {
        fputs("$filled << EOD\n", out);
        for (size_t i = 0; i < f->n_filled; i++)
            fprintf(out, "%.10g %.10g\n", disp(f, f->filled[i].yi), f->filled[i].sei);
        fputs("EOD\n", out);
    }
    if (!key) {
        fputs("plot $points using 1:2 with points pt 7 ps 1.6 lc rgb '" POINT_COLOUR "' notitle\n",
              out);
        return;
    }
    fputs("plot $points using 1:2 with points pt 7 ps 1.6 lc rgb '" POINT_COLOUR "' title 'Trials'",
          out);
    if (f->n_filled)
        fputs(", $filled using 1:2 with points pt 6 ps 1.6 lw 1.5 lc rgb '" POINT_COLOUR
              "' title 'Filled (trim-and-fill)'",
              out);
    fputs(", NaN with lines lw 1.2 lc rgb '#000000' title 'Pooled estimate'", out);
    if (isfinite(f->adjusted))
        fputs(", NaN with lines lw 1.2 dt 2 lc rgb '" ADJUST_COLOUR "' title 'Adjusted estimate'",
              out);
    for (size_t i = f->contours ? N_CONTOURS : 0; i-- > 0;)
        fprintf(out, ", NaN with boxes fs solid 1.0 border lc rgb '#888888' fc rgb '%s' title '%s'",
                contours[i].inside, contours[i].label);
    if (f->contours)
        fputs(", NaN with boxes fs solid 1.0 border lc rgb '#888888' fc rgb '" BEYOND_CONTOURS
              "' title '" BEYOND_LABEL "'",
              out);
    fputc('\n', out);
}

static int write_funnel(const struct meta_funnel *f, enum meta_plot_format fmt,
                        const char *output_path, FILE *out, struct meta_error *err)
{
    int key = f->contours || f->n_filled > 0 || isfinite(f->adjusted);
    double centre = isfinite(f->adjusted) ? f->adjusted : f->estimate;
    double semax = 0, lo, hi, pad, ymax;
    double h = FUNNEL_H_PT + (f->title ? TITLE_EXTRA_PT : 0) + (f->note ? NOTE_EXTRA_PT : 0);
    struct plot_axis ax;
    char xlabel[512];
    int ret;

    for (size_t i = 0; i < f->n_points; i++)
        semax = fmax(semax, f->points[i].sei);
    for (size_t i = 0; i < f->n_filled; i++)
        semax = fmax(semax, f->filled[i].sei);
    ymax = semax * 1.08;
    /* The x range holds every point, the region's base (or, with contours,
     * the 5% contour's) and the pooled line, with a margin. */
    double around = f->contours ? f->null_value : centre;
    lo = fmin(around - Z95 * ymax, f->estimate);
    hi = fmax(around + Z95 * ymax, f->estimate);
    for (size_t i = 0; i < f->n_points; i++) {
        lo = fmin(lo, f->points[i].yi);
        hi = fmax(hi, f->points[i].yi);
    }
    for (size_t i = 0; i < f->n_filled; i++) {
        lo = fmin(lo, f->filled[i].yi);
        hi = fmax(hi, f->filled[i].yi);
    }
    pad = (hi - lo) * 0.04;
    plot_axis_fit(&ax, f->log_scale, disp(f, lo - pad), disp(f, hi + pad));

    fputs("# Funnel plot written by meta; edit freely and run with: gnuplot FILE\n", out);
    ret = plot_put_terminal(out, fmt, FUNNEL_W_PT + (key ? KEY_W_PT : 0), h, output_path, err);
    if (ret != META_OK)
        return ret;
    fputs("set border 3 lw 1\nset tics out nomirror\n", out);
    if (key) {
        fputs("set key outside right top vertical Left reverse samplen 2 spacing 1.2", out);
        plot_put_font(out, fmt, PLOT_FONT_SMALL);
        fputc('\n', out);
    } else {
        fputs("unset key\n", out);
    }
    if (f->title) {
        fputs("set title ", out);
        if (plot_put_quoted(out, f->title) != META_OK)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        fputs(" noenhanced", out);
        plot_put_font(out, fmt, PLOT_FONT_TITLE);
        fputc('\n', out);
    }
    if (f->note) {
        fprintf(out, "set bmargin at screen %.6g\nset label ", (BOTTOM_PT + NOTE_EXTRA_PT) / h);
        if (plot_put_quoted(out, f->note) != META_OK)
            return meta_error_set(err, META_ENOMEM, "out of memory");
        fprintf(out, " noenhanced at screen 0.02, screen %.6g left", 8.0 / h);
        plot_put_font(out, fmt, PLOT_FONT_SMALL);
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
    /* The shaded areas behind, then the lines. */
    if (f->contours)
        put_contours(out, f, ymax, &ax);
    else
        put_region(out, f, centre, ymax, &ax);
    put_vline(out, f, f->estimate, "lw 1.2 lc rgb '#000000'");
    if (isfinite(f->adjusted))
        put_vline(out, f, f->adjusted, "lw 1.2 dt 2 lc rgb '" ADJUST_COLOUR "'");
    if ((ret = put_labels(out, f, fmt, &ax, err)) != META_OK)
        return ret;
    put_plot(out, f, key);
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
