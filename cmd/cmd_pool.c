/*
 * `meta pool SELECTION [OPTIONS]`: the pooled effect of a selection of the
 * registry, with confidence and prediction intervals and heterogeneity, as
 * a table, CSV or the JSON of INTERFACE.md: lib/analysis computes it,
 * lib/report writes it.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_pool_usage[] =
    "usage: meta pool --outcome NAME --treatment A[,A2...] --control B[,B2...] [OPTIONS]\n"
    "\n"
    "Pools the trials of the registry that compare the treatment list with the\n"
    "control list on one outcome at one time point: the pooled effect with its\n"
    "confidence and prediction intervals, heterogeneity and the test of the\n"
    "overall effect, agreeing with metafor 3.8 (or RevMan, R's meta: Conventions).\n"
    "\n"
    "Selection\n"
    "  --outcome NAME        the outcome (required)\n"
    "  --timepoint T         the time point; defaults to the outcome's only one\n"
    "  --treatment A[,A2...] treatments on the treatment side (required)\n"
    "  --control B[,B2...]   treatments on the control side (required)\n"
    "                        (\\, is a comma inside a name; repeating adds names)\n"
    "\n"
    "In each trial, the arms whose treatment is in the treatment list are compared\n"
    "with those in the control list; several arms on one side are combined\n"
    "(binary: events and totals summed; continuous: Cochrane Handbook table\n"
    "6.5.a); a trial without both sides is taken from its estimate row, turned\n"
    "round when its sides are the lists' swapped. Trials that cannot be pooled\n"
    "(a side missing, no estimate of the measure...) are listed with the reason.\n"
    "\n"
    "Pooling options\n"
    "  --measure M    continuous: MD, SMD, ROM (default MD);\n"
    "                 binary: RR, OR, RD (default RR); estimate rows: HR, GIV\n"
    "  --model M      common or random (default random; an explicit --method\n"
    "                 implies its model)\n"
    "  --method M     common: IV (default), MH (RR, OR, RD), PETO (OR);\n"
    "                 random: DL, REML (default), ML, PM, HE, HS, SJ, EB;\n"
    "                 the defaults and choices change with --convention\n"
    "  --ci C         z (default) or hksj (Hartung-Knapp-Sidik-Jonkman)\n"
    "  --level L      confidence level in percent (default 95)\n"
    "  --by ATTR      subgroups by an attribute of the results (else of their\n"
    "                 treatment arms, or estimate rows), each pooled on its own,\n"
    "                 with the test for subgroup differences; arms lacking it form\n"
    "                 their own subgroup (null); a control arm shared by two\n"
    "                 subgroups serves in both; an attribute no row has is an error\n"
    "  --totals T     with --by: both (default) or subgroups (subgroup\n"
    "                 totals only: no overall total, weights within each subgroup)\n"
    "  --leave-one-out  also pool with each trial omitted in turn\n"
    "  --cumulative     also pool adding trials one by one, by `year`, else as loaded\n"
    "  --influence    also each trial's influence diagnostics\n"
    "  --bias, --trimfill, --mods A[,B]  also what 'meta bias' or 'meta regress' show\n"
    "  --convention C metafor (default), revman5 or r-meta (below)\n"
    "  --prediction   prediction interval (revman5 omits it unless asked;\n"
    "                 --prediction=false omits it under any convention)\n"
    "\n"
    "Conventions: each reproduces one program's numbers\n"
    "  metafor  metafor 3.8, as documented: MH and Peto on raw counts, SMD\n"
    "           exact correction, I^2 from tau^2, Q-profile tau^2 interval\n"
    "  revman5  RevMan 5/Web: 0.5 in zero-cell tables, inside MH too; no\n"
    "           events in either arm: not estimable (listed, out of Q's df);\n"
    "           SMD approximate correction; random: DL (default), REML, or\n"
    "           MH (DL around the MH estimate); I^2 from Q; RevMan's weights\n"
    "           (--by: share of the overall total); no tau^2 or prediction interval\n"
    "  r-meta   R meta 8.x: binary outcomes by MH (random: DL around MH);\n"
    "           zero-cell RR +0.5 to events and totals; double zeros out\n"
    "           of k; SMD unbiased variance; I^2, H^2 from Q; Jackson's tau^2\n"
    "           interval under DL; prediction interval on k-1 df\n"
    "  With --by, revman5 and r-meta pool the subgroups' trials in the total.\n"
    "\n"
    "Output\n"
    "  --format F     table (default), csv or json; ratio measures (RR, OR, ROM, HR)\n"
    "                 are pooled on the log scale: the table shows them\n"
    "                 back-transformed, json and csv give the log scale and exp\n"
    "  --db CONNINFO  the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "\n"
    "Exit status: 0 success, 1 data or database error (unknown outcome or\n"
    "treatment, ambiguous time point, nothing to pool), 2 usage error.\n";

int cmd_pool(int argc, char **argv)
{
    const struct cli_report report = {.shows = CLI_SHOWS_ALL, .write = meta_report_write};
    return cli_report_command("pool", argc, argv, &report);
}
