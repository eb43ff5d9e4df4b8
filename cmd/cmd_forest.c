/*
 * `meta forest SELECTION [OPTIONS] -o FILE.png|.svg|.pdf`: the forest plot of
 * an analysis, drawn by gnuplot. Takes the selection and pooling options of
 * `meta pool`; the output file's extension picks the format.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "meta_study_attr.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_forest_usage[] =
    "usage: meta forest --outcome NAME --treatment A[,A2...] --control B[,B2...]\n"
    "                   [OPTIONS] -o FILE.png|FILE.svg|FILE.pdf\n"
    "\n"
    "Draws the forest plot of an analysis: per trial the two sides' data, weight,\n"
    "estimate and CI as text and as a square with its CI line; the pooled diamond\n"
    "with the prediction interval under it (random effects); heterogeneity and the\n"
    "test for the overall effect in the footer. Ratio measures get a log axis.\n"
    "A trial taken from its estimate row shows no arm data, and its estimate and\n"
    "interval as reported.\n"
    "\n"
    "Selection and pooling: as for 'meta pool' (--outcome, --timepoint, --treatment,\n"
    "--control, --measure, --model, --method, --ci, --level, --by, --totals,\n"
    "--convention, --prediction, --db). A trial that the convention does not\n"
    "estimate is shown as \"Not estimable\"; a convention other than metafor is\n"
    "named under the plot. With --totals subgroups there is no overall diamond.\n"
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
    "  --rob                  risk-of-bias columns (RoB 2: D1-D5 and overall) for\n"
    "                         the trials whose results carry judgements (rob_d1 ...\n"
    "                         rob_d5, rob_overall: as meta import cochrane stores\n"
    "                         them, or arm columns of meta load's CSV)\n"
    "  --script FILE          also save the gnuplot script, to tweak by hand\n"
    "\n"
    "gnuplot is found on PATH, or META_GNUPLOT names it; it gets\n"
    "META_GNUPLOT_TIMEOUT seconds (default 60) before it is stopped. The plot is\n"
    "written whole or not at all, never through a symbolic link.\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

static int draw_forest(const struct meta_analysis *an, const struct cli_plot *plot,
                       struct meta_error *err)
{
    struct meta_forest *forest = NULL;
    struct meta_plot_settings settings = plot->settings;
    settings.study_attr = meta_analysis_study_attr_cb;
    settings.study_attr_ctx = (void *)an;
    int ret = meta_report_forest(an, &settings, &forest, err);
    if (ret == META_OK) {
        ret = meta_plot_forest(forest, plot->output, plot->script, err);
        if (ret == META_EINVAL)
            ret = META_EIO; /* the plot's failure, not the user's settings */
    }
    meta_forest_free(forest);
    return ret;
}

int cmd_forest(int argc, char **argv)
{
    struct cli_plot plot = {0};
    const struct cli_option options[] = {
        CLI_STRING("title", 0, &plot.settings.title),
        CLI_STRING("sort", 0, &plot.settings.sort),
        CLI_STRING("favours-left", 0, &plot.settings.favours_left),
        CLI_STRING("favours-right", 0, &plot.settings.favours_right),
        CLI_FLAG("higher-is-better", &plot.settings.higher_is_better),
        CLI_STRING("note", 0, &plot.settings.note),
        CLI_FLAG("rob", &plot.settings.rob),
        CLI_END,
    };
    return cli_plot_command("forest", argc, argv, &plot, options, draw_forest);
}
