/*
 * `meta bias SELECTION [OPTIONS]`: small-study effects of a selection of the
 * registry: Egger's regression test in metafor's two forms, Begg's rank
 * correlation and trim-and-fill, as a table, CSV or the JSON of INTERFACE.md
 * section 3. lib/analysis computes them, lib/report writes them.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_bias_usage[] =
    "usage: meta bias --outcome NAME --treatment A[,A2...] --control B[,B2...] [OPTIONS]\n"
    "\n"
    "Tests a selection for small-study effects (funnel-plot asymmetry), as metafor 3.8\n"
    "does, on the trials' effects of the analysis 'meta pool' would run:\n"
    "  Egger's test       regtest(fit, model = \"lm\"): weighted regression of the\n"
    "                     effects on their standard errors; the slope, its t test\n"
    "                     on k - 2 df, and the intercept (the effect as SE -> 0)\n"
    "  regression test    regtest(fit): the standard error as a moderator in the\n"
    "                     analysis's own model (z, or t under --ci hksj)\n"
    "  Begg's test        ranktest(fit): Kendall's tau between standardised\n"
    "                     effects and variances, R's exact p without ties\n"
    "  trim-and-fill      trimfill(fit): the trials missing on one side (L0 or R0\n"
    "                     estimator), filled in mirrored, and the adjusted estimate\n"
    "Below 10 trials the tests have little power; they run all the same and the\n"
    "output says so. Ratio measures are tested on the log scale.\n"
    "\n"
    "Selection and pooling: as for 'meta pool' (--outcome, --timepoint, --treatment,\n"
    "--control, --measure, --model, --method, --ci, --level, --convention). Under\n"
    "--method MH or PETO the tests run on the trials' own effects with the common\n"
    "model, as metafor's do; trim-and-fill has no method there and is left out.\n"
    "  --estimator E  trim-and-fill's estimator of the missing trials: L0 (default)\n"
    "                 or R0\n"
    "\n"
    "Output\n"
    "  --format F     table (default), csv or json\n"
    "  --db CONNINFO  the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "\n"
    "'meta funnel --trimfill' draws the filled trials; '--contours' the contour-\n"
    "enhanced funnel.\n"
    "Exit status: 0 success, 1 data or database error (too few trials for a test,\n"
    "nothing to pool), 2 usage error.\n";

int cmd_bias(int argc, char **argv)
{
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_error err;
    const char *conninfo = NULL;
    enum meta_report_format format = META_REPORT_TABLE;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    const struct cli_option options[] = {
        CLI_REQUEST(&req),
        CLI_CALLBACK("format", &format, cli_set_format),
        CLI_STRING("db", 0, &conninfo),
        CLI_END,
    };

    int status = cli_parse_options("bias", argc, argv, options, NULL);
    if (status != CLI_CONTINUE)
        goto cleanup;
    if ((status = cli_check_shown("bias", &req, CLI_SHOWS_BIAS | CLI_SHOWS_TRIMFILL)) != 0)
        goto cleanup;
    req.bias = 1;
    if ((status = cli_analysis_run("bias", &req, conninfo, &an)) != 0)
        goto cleanup;
    int ret = meta_report_bias_write(stdout, format, &an, &err);
    if (ret == META_OK && fflush(stdout) != 0)
        ret = meta_error_set(&err, META_EIO, "cannot write the output");
    if (ret != META_OK)
        status = cli_fail("bias", ret, &err);
cleanup:
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}
