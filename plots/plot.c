/*
 * What forest and funnel plots share around their scripts: the output format
 * from the file name, the terminal line that fixes the canvas in points for
 * every format, the C locale for numbers, and the drivers that write a script,
 * save it on request and hand it to gnuplot.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_internal.h"

/* Pixels per point of PNG output: 2 gives 144 dpi, crisp in documents. */
#define PNG_PX_PER_PT 2.0

/* The largest PNG side cairo can draw, with some room. */
#define PNG_MAX_PX 32000.0

/* gnuplot's cairo terminals draw a font of size s at s * 96/72 units of the
 * canvas (pixels for PNG, points for PDF), times fontscale: scaling by 72/96
 * per canvas unit makes a 9 point font 9 points of our layout. */
#define PDF_FONTSCALE (72.0 / 96.0)

int meta_plot_format_from_path(const char *path, enum meta_plot_format *fmt, struct meta_error *err)
{
    static const struct {
        const char *ext;
        enum meta_plot_format fmt;
    } exts[] = {{".png", META_PLOT_PNG}, {".svg", META_PLOT_SVG}, {".pdf", META_PLOT_PDF}};
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *base = slash ? slash + 1 : path;
    const char *dot = base ? strrchr(base, '.') : NULL;
    /* The extension of the file's name: "dir.png/x" and ".png" have none. */
    if (dot && dot > base) {
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
            if (strcasecmp(dot, exts[i].ext) == 0) {
                *fmt = exts[i].fmt;
                return META_OK;
            }
    }
    return meta_error_set(err, META_EINVAL,
                          "cannot tell the plot format from '%s' (use .png, .svg or .pdf)",
                          path ? path : "");
}

int meta_plot_measure(const char *code, const char **label, int *log_scale, struct meta_error *err)
{
    static const struct {
        const char *code, *label;
        int log_scale;
    } measures[] = {{"MD", "Mean Difference", 0}, {"SMD", "Std. Mean Difference", 0},
                    {"ROM", "Ratio of Means", 1}, {"RR", "Risk Ratio", 1},
                    {"OR", "Odds Ratio", 1},      {"RD", "Risk Difference", 0}};
    for (size_t i = 0; code && i < sizeof measures / sizeof measures[0]; i++)
        if (strcasecmp(code, measures[i].code) == 0) {
            *label = measures[i].label;
            *log_scale = measures[i].log_scale;
            return META_OK;
        }
    return meta_error_set(err, META_EINVAL, "unknown measure '%s'", code ? code : "");
}

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
    case PLOT_FONT_SMALL:
        fprintf(out, " font '%s,8'", svg ? PLOT_FONT_SVG_LIST : PLOT_FONT);
        break;
    case PLOT_FONT_TINY:
        fprintf(out, " font '%s,7'", svg ? PLOT_FONT_SVG_LIST : PLOT_FONT);
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
    if (!output_path || !*output_path)
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
    fputs("set output ", out);
    ret = put_path(out, output_path, err);
    fputc('\n', out);
    return ret;
}

/* Writes a script with `write` into memory, saves it to script_path if
 * given, and runs gnuplot on it. */
static int
draw(int (*write)(const void *, enum meta_plot_format, const char *, FILE *, struct meta_error *),
     const void *plot, const char *output_path, const char *script_path, struct meta_error *err)
{
    enum meta_plot_format fmt;
    char *script = NULL;
    size_t len = 0;
    FILE *mem = NULL, *saved = NULL;
    int ret = meta_plot_format_from_path(output_path, &fmt, err);
    if (ret != META_OK)
        goto cleanup;
    mem = open_memstream(&script, &len);
    if (!mem) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    ret = write(plot, fmt, output_path, mem, err);
    if (fclose(mem) != 0 && ret == META_OK)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    mem = NULL;
    if (ret != META_OK)
        goto cleanup;
    if (script_path) {
        saved = fopen(script_path, "w");
        if (!saved || fwrite(script, 1, len, saved) != len) {
            ret = meta_error_set(err, META_EIO, "cannot write the script to '%s': %s", script_path,
                                 strerror(errno));
            goto cleanup;
        }
        if (fclose(saved) != 0) {
            saved = NULL;
            ret = meta_error_set(err, META_EIO, "cannot write the script to '%s': %s", script_path,
                                 strerror(errno));
            goto cleanup;
        }
        saved = NULL;
    }
    ret = meta_plot_run_gnuplot(script, len, NULL, output_path, err);
cleanup:
    if (saved)
        fclose(saved);
    free(script);
    return ret;
}

static int write_forest(const void *plot, enum meta_plot_format fmt, const char *path, FILE *out,
                        struct meta_error *err)
{
    return meta_plot_forest_script(plot, fmt, path, out, err);
}

static int write_funnel(const void *plot, enum meta_plot_format fmt, const char *path, FILE *out,
                        struct meta_error *err)
{
    return meta_plot_funnel_script(plot, fmt, path, out, err);
}

int meta_plot_forest(const struct meta_forest *f, const char *output_path, const char *script_path,
                     struct meta_error *err)
{
    return draw(write_forest, f, output_path, script_path, err);
}

int meta_plot_funnel(const struct meta_funnel *f, const char *output_path, const char *script_path,
                     struct meta_error *err)
{
    return draw(write_funnel, f, output_path, script_path, err);
}
