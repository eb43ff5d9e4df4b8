/*
 * What the forest and funnel scripts share: the terminal line that fixes
 * the canvas in points for every format, the output path as a gnuplot
 * string, the fonts, and the C locale for numbers. Kept apart from plot.c,
 * which calls the scripts, so that no two files call each other.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

/* Pixels per point of PNG output: 2 gives 144 dpi, crisp in documents. */
#define PNG_PX_PER_PT 2.0

/* The largest PNG side cairo can draw, with some room. */
#define PNG_MAX_PX 32000.0

/* gnuplot's cairo terminals draw a font of size s at s * 96/72 units of the
 * canvas (pixels for PNG, points for PDF), times fontscale: scaling by 72/96
 * per canvas unit makes a 9 point font 9 points of our layout. */
#define PDF_FONTSCALE (72.0 / 96.0)

locale_t plot_locale_begin(void)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t saved;
    if (c == (locale_t)0)
        return (locale_t)0;
    saved = uselocale(c);
    if (saved == (locale_t)0) {
        freelocale(c);
        return (locale_t)0;
    }
    return saved;
}

void plot_locale_end(locale_t saved)
{
    locale_t c;
    if (saved == (locale_t)0)
        return;
    c = uselocale(saved);
    if (c != (locale_t)0 && c != LC_GLOBAL_LOCALE)
        freelocale(c);
}

/* Writes a file name as a gnuplot string, byte for byte (names need not be
 * UTF-8); refuses control characters, which no gnuplot string can carry. */
static int put_path(FILE *out, const char *path, struct meta_error *err)
{
    char *lit;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return meta_error_set(err, META_EINVAL,
                                  "output path contains a control character: '%s'", path);
    lit = plot_literal(path);
    if (!lit)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    fputs(lit, out);
    free(lit);
    return META_OK;
}

void plot_put_font(FILE *out, enum meta_plot_format fmt, enum plot_font font)
{
    int svg = fmt == META_PLOT_SVG;
    switch (font) {
    case PLOT_FONT_DEFAULT:
        break;
    case PLOT_FONT_BOLD:
        fprintf(out, " font '%s Bold,9'", svg ? PLOT_FONT_SVG : PLOT_FONT);
        break;
    /* One family only: gnuplot's svg terminal reads a font's name up to the
     * first comma and its size after it, so a list would lose the size. */
    case PLOT_FONT_SMALL:
        fprintf(out, " font '%s,8'", svg ? PLOT_FONT_SVG : PLOT_FONT);
        break;
    case PLOT_FONT_TINY:
        fprintf(out, " font '%s,7'", svg ? PLOT_FONT_SVG : PLOT_FONT);
        break;
    case PLOT_FONT_TITLE:
        fprintf(out, " font '%s Bold,11'", svg ? PLOT_FONT_SVG : PLOT_FONT);
        break;
    }
}

int plot_put_terminal(FILE *out, enum meta_plot_format fmt, double w_pt, double h_pt,
                      const char *output_path, struct meta_error *err)
{
    int ret;
    if (output_path && !*output_path)
        return meta_error_set(err, META_EINVAL, "no output path");
    fputs("set encoding utf8\n", out);
    switch (fmt) {
    case META_PLOT_PNG: {
        /* cairo cannot draw images beyond 32767 pixels: very tall plots
         * (a thousand studies) get fewer pixels per point. */
        double px = fmin(PNG_PX_PER_PT, PNG_MAX_PX / fmax(w_pt, h_pt));
        double scale = px * 72.0 / 96.0;
        fprintf(out,
                "set terminal pngcairo size %.0f,%.0f noenhanced font '" PLOT_FONT ",9' "
                "fontscale %g linewidth %g background '#ffffff'\n",
                w_pt * px, h_pt * px, scale, scale);
        break;
    }
    case META_PLOT_SVG:
        fprintf(out,
                "set terminal svg size %.0f,%.0f fixed noenhanced font '" PLOT_FONT_SVG_LIST ",9' "
                "background '#ffffff'\n",
                w_pt, h_pt);
        break;
    case META_PLOT_PDF:
        fprintf(out,
                "set terminal pdfcairo size %.3fin,%.3fin noenhanced font '" PLOT_FONT ",9' "
                "fontscale %g background '#ffffff'\n",
                w_pt / 72.0, h_pt / 72.0, PDF_FONTSCALE);
        break;
    default:
        return meta_error_set(err, META_EINVAL, "unknown plot format %d", (int)fmt);
    }
    if (!output_path) {
        fputs("set output\n", out); /* standard output, read by meta */
        return META_OK;
    }
    fputs("set output ", out);
    ret = put_path(out, output_path, err);
    fputc('\n', out);
    return ret;
}
