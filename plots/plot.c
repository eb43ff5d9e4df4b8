/*
 * Drawing a plot: the output format from the file name, and the drivers
 * that write a forest, funnel or bubble script, save it on request and hand
 * it to gnuplot.
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

static int write_bubble(const void *plot, enum meta_plot_format fmt, const char *path, FILE *out,
                        struct meta_error *err)
{
    return meta_plot_bubble_script(plot, fmt, path, out, err);
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
