/*
 * `meta regress SELECTION --mods ATTR[,ATTR...] [--plot FILE]`: the
 * meta-regression of a selection's effects on trial attributes, as metafor's
 * rma(yi, vi, mods), in a table, CSV or the JSON of INTERFACE.md section 3,
 * and the bubble plot of a single numeric moderator.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_regress_usage[] =
    "usage: meta regress --outcome NAME --treatment A[,A2...] --control B[,B2...]\n"
    "                    --mods ATTR[,ATTR...] [OPTIONS] [--plot FILE]\n"
    "\n"
    "Regresses the trials' effects on their attributes, as metafor 3.8's\n"
    "rma(yi, vi, mods = ..., method, test) does: the coefficients with their\n"
    "tests and intervals, the omnibus test of the moderators (QM; F under --ci\n"
    "hksj), the residual heterogeneity (QE, tau^2, I^2, H^2) and R^2.\n"
    "\n"
    "  --mods A[,B...]  trial attributes (of the treatment arms, or of estimate\n"
    "                   rows): one whose values are all numbers is a continuous\n"
    "                   moderator; any other is categorical, an indicator per level\n"
    "                   but the first in byte order, named ATTR=level. A trial\n"
    "                   lacking a moderator, or whose treatment arms disagree on one,\n"
    "                   is left out with the reason; a moderator with one value,\n"
    "                   collinear moderators or more coefficients than trials are\n"
    "                   errors\n"
    "\n"
    "Selection and pooling: as for 'meta pool' (--outcome, --timepoint, --treatment,\n"
    "--control, --measure, --model, --method, --ci, --level, --convention); the\n"
    "common model or any tau^2 estimator, z or hksj tests. Ratio measures are\n"
    "regressed on the log scale.\n"
    "\n"
    "Output\n"
    "  --format F       table (default), csv or json\n"
    "  --plot FILE      also draw the bubble plot (.png, .svg or .pdf) of a single\n"
    "                   numeric moderator: each trial's effect against it, marker\n"
    "                   area by weight, the fitted line with its confidence band\n"
    "  --title TEXT     the bubble plot's title\n"
    "  --script FILE    also save the bubble plot's gnuplot script\n"
    "  --db CONNINFO    the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

/* Draws the bubble plot; META_EINVAL is the request's fault (a categorical
 * moderator, several). */
static int draw(const struct meta_analysis *an, const struct cli_plot *plot, struct meta_error *err)
{
    struct meta_bubble *b = NULL;
    int ret = meta_report_bubble(an, &plot->settings, &b, err);
    if (ret == META_OK &&
        (ret = meta_plot_bubble(b, plot->output, plot->script, err)) == META_EINVAL)
        ret = META_EIO; /* the plot's failure, not the user's request */
    meta_bubble_free(b);
    return ret;
}

/* Moderators are required; a plot's format is checked before the analysis. */
static int prepare(const char *cmd, struct meta_analysis_request *req, void *ctx)
{
    const struct cli_plot *plot = ctx;
    struct meta_error err;
    enum meta_plot_format fmt;
    meta_error_clear(&err);
    if (req->n_mods == 0)
        return cli_usage_error(cmd, "missing --mods ATTR[,ATTR...] (the trial attributes to "
                                    "regress on)");
    if (plot->output && meta_plot_format_from_path(plot->output, &fmt, &err) != META_OK)
        return cli_usage_error(cmd, "--plot: %s", err.msg);
    return 0;
}

/* Draws the bubble plot asked for, after the output. */
static int finish(const char *cmd, const struct meta_analysis *an, enum meta_report_format format,
                  void *ctx)
{
    const struct cli_plot *plot = ctx;
    struct meta_error err;
    meta_error_clear(&err);
    if (!plot->output)
        return 0;
    int ret = draw(an, plot, &err);
    if (ret == META_EINVAL)
        return cli_usage_error(cmd, "--plot: %s", err.msg);
    if (ret != META_OK)
        return cli_fail(cmd, ret, &err);
    if (format == META_REPORT_TABLE) {
        fputc('\n', stdout);
        cli_print_line("%s: bubble plot of %zu trials", plot->output, an->regression.k);
    }
    return 0;
}

int cmd_regress(int argc, char **argv)
{
    struct cli_plot plot = {0};
    const struct cli_option extra[] = {
        CLI_STRING("plot", 0, &plot.output),
        CLI_STRING("title", 0, &plot.settings.title),
        CLI_STRING("script", 0, &plot.script),
        CLI_END,
    };
    const struct cli_report report = {.shows = CLI_SHOWS_MODS,
                                      .extra = extra,
                                      .prepare = prepare,
                                      .write = meta_report_regress_write,
                                      .finish = finish,
                                      .ctx = &plot};
    return cli_report_command("regress", argc, argv, &report);
}
