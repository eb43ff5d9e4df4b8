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

int cmd_regress(int argc, char **argv)
{
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_error err;
    struct cli_plot plot = {0};
    const char *conninfo = NULL;
    enum meta_report_format format = META_REPORT_TABLE;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    const struct cli_option options[] = {
        CLI_REQUEST(&req),
        CLI_CALLBACK("format", &format, cli_set_format),
        CLI_STRING("db", 0, &conninfo),
        CLI_STRING("plot", 0, &plot.output),
        CLI_STRING("title", 0, &plot.settings.title),
        CLI_STRING("script", 0, &plot.script),
        CLI_END,
    };

    int status = cli_parse_options("regress", argc, argv, options, NULL);
    if (status != CLI_CONTINUE)
        goto cleanup;
    if (req.n_mods == 0) {
        status = cli_usage_error("regress", "missing --mods ATTR[,ATTR...] (the trial attributes "
                                            "to regress on)");
        goto cleanup;
    }
    enum meta_plot_format fmt;
    if (plot.output && meta_plot_format_from_path(plot.output, &fmt, &err) != META_OK) {
        status = cli_usage_error("regress", "--plot: %s", err.msg);
        goto cleanup;
    }
    if ((status = cli_check_shown("regress", &req, CLI_SHOWS_MODS)) != 0 ||
        (status = cli_analysis_run("regress", &req, conninfo, &an)) != 0)
        goto cleanup;
    int ret = meta_report_regress_write(stdout, format, &an, &err);
    if (ret == META_OK && fflush(stdout) != 0)
        ret = meta_error_set(&err, META_EIO, "cannot write the output");
    if (ret != META_OK) {
        status = cli_fail("regress", ret, &err);
        goto cleanup;
    }
    if (!plot.output)
        goto cleanup;
    ret = draw(&an, &plot, &err);
    if (ret == META_EINVAL)
        status = cli_usage_error("regress", "--plot: %s", err.msg);
    else if (ret != META_OK)
        status = cli_fail("regress", ret, &err);
    else if (format == META_REPORT_TABLE)
        printf("\n%s: bubble plot of %zu trials\n", plot.output, an.regression.k);
cleanup:
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}
