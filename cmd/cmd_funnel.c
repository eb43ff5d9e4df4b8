/*
 * `meta funnel SELECTION [OPTIONS] -o FILE.png|.svg|.pdf`: the funnel plot of
 * an analysis, drawn by gnuplot: each trial's estimate against its standard
 * error. Takes the selection and pooling options of `meta pool`.
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
    "Selection and pooling: as for 'meta pool'.\n"
    "  -o, --output FILE   where to draw: .png, .svg or .pdf (required)\n"
    "  --title TEXT        a title above the plot\n"
    "  --script FILE       also save the gnuplot script\n"
    "\n"
    "Exit status: 0 success, 1 data, database or gnuplot error, 2 usage error.\n";

int cmd_funnel(int argc, char **argv)
{
    const char *output = NULL, *script = NULL, *conninfo = NULL;
    struct meta_plot_settings settings = {0};
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_funnel *funnel = NULL;
    struct meta_error err;
    int status, ret;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    const struct cli_option options[] = {
        CLI_REQUEST(&req),
        CLI_STRING("db", 0, &conninfo),
        CLI_STRING("output", 'o', &output),
        CLI_STRING("script", 0, &script),
        CLI_STRING("title", 0, &settings.title),
        CLI_END,
    };

    status = cli_parse_options("funnel", argc, argv, options, NULL);
    if (status != CLI_CONTINUE)
        goto cleanup;
    if ((status = cli_analysis_run("funnel", &req, conninfo, &an)) != 0 ||
        (status = cli_plot_checks("funnel", output, &req)) != 0)
        goto cleanup;
    ret = meta_report_funnel(&an, &settings, &funnel, &err);
    if (ret == META_OK)
        ret = meta_plot_funnel(funnel, output, script, &err);
    if (ret != META_OK) {
        status = cli_fail("funnel", ret, &err);
        goto cleanup;
    }
    printf("%s: funnel plot of %zu trials\n", output, an.contrasts.k);
cleanup:
    meta_funnel_free(funnel);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}
