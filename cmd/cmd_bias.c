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

/* The command is the small-study tests. */
static int prepare(const char *cmd, struct meta_analysis_request *req, void *ctx)
{
    (void)cmd;
    (void)ctx;
    req->bias = 1;
    return 0;
}

int cmd_bias(int argc, char **argv)
{
    const struct cli_report report = {.shows = CLI_SHOWS_BIAS | CLI_SHOWS_TRIMFILL,
                                      .prepare = prepare,
                                      .write = meta_report_bias_write};
    return cli_report_command("bias", argc, argv, &report);
}
