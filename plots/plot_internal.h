/*
 * Helpers shared by the files of plots/ and not exported beyond it: UTF-8
 * cleaning and text width estimates, number formatting in the style of
 * RevMan, axis ranges and ticks, the C locale guard and the terminal line.
 */
#ifndef META_PLOT_INTERNAL_H
#define META_PLOT_INTERNAL_H

#include <locale.h>
#include <stddef.h>
#include <stdio.h>

#include "meta_plot.h"

/* The font every plot uses: Liberation Sans has Arial's metrics (RevMan's
 * font) and comes with Debian's gnuplot packages (fonts-liberation). SVG
 * files name Arial first, which viewers everywhere have or alias to it. */
#define PLOT_FONT          "Liberation Sans"
#define PLOT_FONT_SVG      "Arial"
#define PLOT_FONT_SVG_LIST "Arial,Liberation Sans,Helvetica,sans-serif"

/* The styles of text in the plots. */
enum plot_font {
    PLOT_FONT_DEFAULT, /* the terminal's: 9 points */
    PLOT_FONT_BOLD,    /* 9 points bold: headers, diamonds' rows */
    PLOT_FONT_SMALL,   /* 8 points: ticks, favours, footer */
    PLOT_FONT_TINY,    /* 7 points: funnel labels */
    PLOT_FONT_TITLE    /* 11 points bold */
};

/* Writes " font '...'" selecting `font` in format fmt (nothing for the
 * default). */
void plot_put_font(FILE *out, enum meta_plot_format fmt, enum plot_font font);

/* text.c */

/* A malloc'ed copy of text with invalid UTF-8 replaced by U+FFFD and control
 * characters by spaces (NULL gives ""). NULL when out of memory. */
char *plot_clean_utf8(const char *text);

/* Estimated width in points of cleaned UTF-8 text in PLOT_FONT at size_pt,
 * from the font's advance widths (ASCII) and conservative guesses otherwise. */
double plot_text_width(const char *text, double size_pt, int bold);

/* A malloc'ed copy of text cleaned and, if wider than max_pt, cut at a code
 * point boundary and ended with "…" so that it fits. NULL when out of memory. */
char *plot_fit_width(const char *text, double max_pt, double size_pt, int bold);

/* Returns bytes, unchanged and uncleaned, as a gnuplot string expression
 * (see meta_plot_quote); for file names. malloc'ed; NULL when out of memory. */
char *plot_literal(const char *bytes);

/* Writes text to out as a quoted gnuplot string literal (see meta_plot_quote).
 * Returns META_OK or META_ENOMEM. */
int plot_put_quoted(FILE *out, const char *text);

/* numbers.c */

/* Formats an effect value with `decimals` decimals, switching to two
 * significant digits for tiny values and fewer decimals for large ones;
 * never "-0.00". */
void plot_fmt_value(char *buf, size_t size, double v, int decimals);

/* Formats "est [lo, hi]" (already on the display scale). */
void plot_fmt_interval(char *buf, size_t size, double est, double lo, double hi, int decimals);

/* The fewest decimals (at most max) that show v exactly. */
int plot_decimals_needed(double v, int max);

/* Formats v with exactly `decimals` decimals; never "-0.00"; "-" if not finite. */
void plot_fmt_fixed(char *buf, size_t size, double v, int decimals);

/* Formats a p value RevMan's way: "P < 0.00001", "P = 0.0003", "P = 0.36". */
void plot_fmt_p(char *buf, size_t size, double p);

/* Formats a level in percent: "95", "99.9". */
void plot_fmt_level(char *buf, size_t size, double level);

/* The heterogeneity line of a summary ("Heterogeneity: Tau² = 0.31; Chi² =
 * 152.23, df = 12 (P < 0.00001); I² = 92%"); returns 0 and leaves buf empty
 * when the summary has nothing to say. */
int plot_fmt_heterogeneity(char *buf, size_t size, const struct meta_forest_summary *s);

/* The test for the overall effect ("Test for overall effect: Z = 3.97 (P <
 * 0.0001)"); returns 0 when stat is NAN. */
int plot_fmt_overall_test(char *buf, size_t size, const struct meta_forest_summary *s);

/* The test for subgroup differences, with its I². */
void plot_fmt_subgroup_test(char *buf, size_t size, double q, double df, double p);

/* axis.c */

#define PLOT_MAX_TICKS 16

/* An x axis in display units (natural values for ratio measures). */
struct plot_axis {
    int log_scale;
    double lo, hi;
    size_t n_ticks;
    double ticks[PLOT_MAX_TICKS];
    char labels[PLOT_MAX_TICKS][24];
};

/* Chooses an axis symmetric around null_disp (display units) that reaches at
 * least `need` from it (log units for a log axis), RevMan's way: 0.1 .. 10,
 * 0.01 .. 100; -2 .. 2, -50 .. 50. */
void plot_axis_symmetric(struct plot_axis *ax, int log_scale, double null_disp, double need);

/* Chooses readable ticks for an axis spanning [lo, hi] (display units, both
 * > 0 on a log axis); the range is kept as given. */
void plot_axis_fit(struct plot_axis *ax, int log_scale, double lo, double hi);

/* Where value v (display units) sits along the axis, 0 at lo and 1 at hi. */
double plot_axis_frac(const struct plot_axis *ax, double v);

/* script.c */

/* Switches the calling thread to the C locale for numeric output, so that a
 * script never gets decimal commas; returns the previous locale to hand to
 * plot_locale_end() ((locale_t)0 when switching failed: output then uses the
 * current locale, which is C unless the program changed it). */
locale_t plot_locale_begin(void);
void plot_locale_end(locale_t saved);

/* Writes the `set terminal` and `set output` lines for a canvas of w_pt x h_pt
 * points; output_path NULL sends the plot to gnuplot's standard output.
 * Returns META_OK, META_EINVAL (path with control characters) or
 * META_ENOMEM. */
int plot_put_terminal(FILE *out, enum meta_plot_format fmt, double w_pt, double h_pt,
                      const char *output_path, struct meta_error *err);

#endif
