/*
 * `meta forest SELECTION [OPTIONS] -o FILE.png|.svg|.pdf`: the forest plot of
 * an analysis, drawn by gnuplot. Takes the selection and pooling options of
 * `meta pool`; the output file's extension picks the format.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "forest_build.h"

#include <stdio.h>

const char cmd_forest_usage[] =
    "usage: meta forest --outcome NAME --treatment A[,A2...] --control B[,B2...]\n"
    "                   [OPTIONS] -o FILE.png|FILE.svg|FILE.pdf\n"
    "\n"
    "Draws the forest plot of an analysis: per trial the two sides' data, weight,\n"
    "estimate and CI as text and as a square with its CI line; the pooled diamond\n"
    "with the prediction interval under it (random effects); heterogeneity and the\n"
    "test for the overall effect in the footer. Ratio measures get a log axis.\n"
    "\n"
    "Selection and pooling: as for 'meta pool' (--outcome, --timepoint, --treatment,\n"
    "--control, --measure, --model, --method, --ci, --level, --by, --db).\n"
    "\n"
    "Plot options\n"
    "  -o, --output FILE      where to draw: .png, .svg or .pdf (required)\n"
    "  --title TEXT           a title above the plot\n"
    "  --sort ORDER           loaded (default), year, effect or weight\n"
    "  --favours-left TEXT    label under the axis left of no effect\n"
    "                         (default \"Favours <treatment>\")\n"
    "  --favours-right TEXT   label right of no effect (default \"Favours <control>\")\n"
    "  --higher-is-better     higher outcome values are good: the treatment is\n"
    "                         favoured on the right\n"
    "  --note TEXT            an extra line under the plot (e.g. the data's source)\n"
    "  --script FILE          also save the gnuplot script, to tweak by hand\n"
    "\n"
    "gnuplot is found on PATH, or META_GNUPLOT names it.\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

const char cmd_funnel_usage[] =
    "usage: meta funnel --outcome NAME --treatment A[,A2...] --control B[,B2...]\n"
    "                   [OPTIONS] -o FILE.png|FILE.svg|FILE.pdf\n"
    "\n"
    "Draws the funnel plot of an analysis: each trial's estimate against its\n"
    "standard error (inverted axis), the pooled estimate, and the pseudo 95%\n"
    "confidence region around it.\n"
    "\n"
    "Selection and pooling: as for 'meta pool'.\n"
    "  -o, --output FILE   where to draw: .png, .svg or .pdf (required)\n"
    "  --title TEXT        a title above the plot\n"
    "  --script FILE       also save the gnuplot script\n"
    "\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

/* The plot commands' own options. */
struct plot_args {
    const char *output, *script, *title, *sort, *left, *right, *higher, *note;
};

static int draw(const char *cmd, int funnel, int argc, char **argv)
{
    struct plot_args a = {0};
    const struct meta_cli_extra forest_extras[] = {
        {"output", 'o', 1, &a.output},
        {"script", 0, 1, &a.script},
        {"title", 0, 1, &a.title},
        {"sort", 0, 1, &a.sort},
        {"favours-left", 0, 1, &a.left},
        {"favours-right", 0, 1, &a.right},
        {"higher-is-better", 0, 0, &a.higher},
        {"note", 0, 1, &a.note},
        {NULL, 0, 0, NULL},
    };
    const struct meta_cli_extra funnel_extras[] = {
        {"output", 'o', 1, &a.output},
        {"script", 0, 1, &a.script},
        {"title", 0, 1, &a.title},
        {NULL, 0, 0, NULL},
    };
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_forest *forest = NULL;
    struct meta_funnel *fun = NULL;
    struct meta_error err;
    enum meta_plot_format fmt;
    int help = 0, status, ret;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);

    status =
        cli_analysis_run(cmd, argc, argv, funnel ? funnel_extras : forest_extras, &req, &an, &help);
    if (status != 0 || help)
        goto cleanup;
    if (!a.output) {
        status = cli_usage_error(cmd, "missing -o FILE (a .png, .svg or .pdf path)");
        goto cleanup;
    }
    if (meta_plot_format_from_path(a.output, &fmt, &err) != META_OK) {
        status = cli_usage_error(cmd, "%s", err.msg);
        goto cleanup;
    }
    if (req.leave_one_out || req.cumulative) {
        status = cli_usage_error(cmd, "--leave-one-out and --cumulative are shown by 'meta pool', "
                                      "not drawn");
        goto cleanup;
    }
    struct meta_plot_settings settings = {
        .title = a.title,
        .sort = a.sort,
        .favours_left = a.left,
        .favours_right = a.right,
        .higher_is_better = a.higher != NULL,
        .note = a.note,
    };
    if (funnel) {
        ret = meta_funnel_build(&req, &an, &settings, &fun, &err);
        if (ret == META_OK)
            ret = meta_plot_funnel(fun, a.output, a.script, &err);
    } else {
        ret = meta_forest_build(&req, &an, &settings, &forest, &err);
        if (ret == META_EINVAL) {
            status = cli_usage_error(cmd, "%s", err.msg);
            goto cleanup;
        }
        if (ret == META_OK)
            ret = meta_plot_forest(forest, a.output, a.script, &err);
    }
    if (ret != META_OK) {
        status = cli_fail(cmd, ret, &err);
        goto cleanup;
    }
    printf("%s: %s plot of %zu trials\n", a.output, funnel ? "funnel" : "forest", an.contrasts.k);
cleanup:
    meta_forest_free(forest);
    meta_funnel_free(fun);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}

int cmd_forest(int argc, char **argv)
{
    return draw("forest", 0, argc, argv);
}

int cmd_funnel(int argc, char **argv)
{
    return draw("funnel", 1, argc, argv);
}
