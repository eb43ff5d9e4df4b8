/*
 * `meta funnel SELECTION [OPTIONS] -o FILE.png|.svg|.pdf`: the funnel plot of
 * an analysis, drawn by gnuplot: each trial's estimate against its standard
 * error, with trim-and-fill's filled trials or the contours of significance
 * on request. Takes the selection and pooling options of `meta pool`.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_funnel_usage[] =
    "usage: meta funnel --outcome NAME --treatment A[,A2...] --control B[,B2...]\n"
    "                   [OPTIONS] -o FILE.png|FILE.svg|FILE.pdf\n"
    "\n"
    "Draws the funnel plot of an analysis: each trial's estimate against its\n"
    "standard error (inverted axis), the pooled estimate, and the pseudo 95%\n"
    "confidence region around it.\n"
    "\n"
    "Selection and pooling: as for 'meta pool', --convention included; trials\n"
    "that the convention does not estimate have no point; --totals subgroups\n"
    "(no overall estimate) is refused.\n"
    "  -o, --output FILE   where to draw: .png, .svg or .pdf (required)\n"
    "  --trimfill          trim-and-fill: the filled trials as open markers and\n"
    "                      the adjusted estimate (dashed), the region around it\n"
    "                      (as metafor's funnel(trimfill(fit)))\n"
    "  --estimator E       trim-and-fill's estimator: L0 (default) or R0\n"
    "  --contours          the contour-enhanced funnel: the areas where a trial\n"
    "                      would be significant at 10%, 5% and 1% (two-sided,\n"
    "                      against no effect) shaded instead of the region\n"
    "  --title TEXT        a title above the plot\n"
    "  --script FILE       also save the gnuplot script\n"
    "\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

static int draw_funnel(const struct meta_analysis *an, const struct cli_plot *plot,
                       struct meta_error *err)
{
    struct meta_funnel *funnel = NULL;
    if (an->subgroup_totals_only) /* the user's option: a usage error */
        return meta_error_set(err, META_EINVAL,
                              "--totals subgroups leaves no overall estimate to centre a funnel "
                              "plot on (use --totals both)");
    int ret = meta_report_funnel(an, &plot->settings, &funnel, err);
    if (ret == META_OK)
        ret = meta_plot_funnel(funnel, plot->output, plot->script, err);
    if (ret == META_EINVAL)
        ret = META_EIO; /* no setting of the user's can be wrong here */
    meta_funnel_free(funnel);
    return ret;
}

int cmd_funnel(int argc, char **argv)
{
    struct cli_plot plot = {0};
    plot.shows = CLI_SHOWS_TRIMFILL;
    const struct cli_option options[] = {
        CLI_STRING("title", 0, &plot.settings.title),
        CLI_FLAG("contours", &plot.settings.contours),
        CLI_END,
    };
    return cli_plot_command("funnel", argc, argv, &plot, options, draw_funnel);
}
