/*
 * Drawing a plot: the output format from the file name, and the drivers
 * that write a forest, funnel or bubble script, save it on request and hand
 * it to gnuplot, whose plot meta writes into the output file itself (temporary
 * file, renamed once whole).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_internal.h"

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

/* Writes a script with `write` into memory: *script (malloc'ed) and *len.
 * output_path NULL: the plot goes to gnuplot's standard output. */
typedef int (*script_fn)(const void *plot, enum meta_plot_format fmt, const char *path, FILE *out,
                         struct meta_error *err);

static int build_script(script_fn write, const void *plot, enum meta_plot_format fmt,
                        const char *output_path, char **script, size_t *len, struct meta_error *err)
{
    *script = NULL;
    *len = 0;
    FILE *mem = open_memstream(script, len);
    if (!mem)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = write(plot, fmt, output_path, mem, err);
    if (fclose(mem) != 0 && ret == META_OK)
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    if (ret != META_OK) {
        free(*script);
        *script = NULL;
    }
    return ret;
}

/* Draws into an open output: the script sends the plot to gnuplot's
 * standard output, which meta_plot_run_gnuplot writes into out. */
static int draw_into(script_fn write, const void *plot, enum meta_plot_format fmt,
                     struct meta_fs_out *out, struct meta_error *err)
{
    char *script = NULL;
    size_t len = 0;
    int ret = build_script(write, plot, fmt, NULL, &script, &len, err);
    if (ret == META_OK)
        ret = meta_plot_run_gnuplot(script, len, NULL, out, err);
    free(script);
    return ret;
}

/* Saves the script that draws into output_path (for --script) as a whole
 * file, or not at all. */
static int save_script(script_fn write, const void *plot, enum meta_plot_format fmt,
                       const char *output_path, const char *script_path, struct meta_error *err)
{
    char *script = NULL;
    size_t len = 0;
    struct meta_fs_out o;
    int ret = build_script(write, plot, fmt, output_path, &script, &len, err);
    if (ret == META_OK && (ret = meta_fs_out_open_file(&o, script_path, 0666, 0, err)) == META_OK) {
        ret = meta_fs_out_write(&o, script, len, err);
        if (ret == META_OK)
            ret = meta_fs_out_commit(&o, err);
        else
            meta_fs_out_discard(&o);
    }
    free(script);
    return ret;
}

/* The whole of meta_plot_forest, meta_plot_funnel and meta_plot_bubble. */
static int draw(script_fn write, const void *plot, const char *output_path, const char *script_path,
                struct meta_error *err)
{
    enum meta_plot_format fmt;
    struct meta_fs_out o;
    int ret = meta_plot_format_from_path(output_path, &fmt, err);
    if (ret == META_OK && script_path)
        ret = save_script(write, plot, fmt, output_path, script_path, err);
    /* An output that cannot be written is found before gnuplot runs. */
    if (ret != META_OK || (ret = meta_fs_out_open_file(&o, output_path, 0666, 0, err)) != META_OK)
        return ret;
    ret = draw_into(write, plot, fmt, &o, err);
    if (ret == META_OK)
        return meta_fs_out_commit(&o, err);
    meta_fs_out_discard(&o);
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

static int write_bubble(const void *plot, enum meta_plot_format fmt, const char *path, FILE *out,
                        struct meta_error *err)
{
    return meta_plot_bubble_script(plot, fmt, path, out, err);
}

int meta_plot_forest_write(const struct meta_forest *f, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err)
{
    return draw_into(write_forest, f, fmt, out, err);
}

int meta_plot_funnel_write(const struct meta_funnel *f, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err)
{
    return draw_into(write_funnel, f, fmt, out, err);
}

int meta_plot_bubble_write(const struct meta_bubble *b, enum meta_plot_format fmt,
                           struct meta_fs_out *out, struct meta_error *err)
{
    return draw_into(write_bubble, b, fmt, out, err);
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

int meta_plot_bubble(const struct meta_bubble *b, const char *output_path, const char *script_path,
                     struct meta_error *err)
{
    return draw(write_bubble, b, output_path, script_path, err);
}
