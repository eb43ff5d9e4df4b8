/*
 * What `meta pool`, `meta forest` and `meta funnel` do between parsing their
 * options and showing a result: check the request, open the registry and
 * run the analysis, with the errors worded for the command line.
 */
#ifndef META_ANALYSIS_CLI_H
#define META_ANALYSIS_CLI_H

#include "meta_analysis.h"

/*
 * Checks req (parsed by the command), opens the registry named by conninfo
 * (NULL: META_DB or the private cluster) and runs req into *an (initialised
 * by the caller, who releases it, and req, afterwards). Returns the exit
 * status: 0; 1 for a data, database or runtime error, 2 for a request at
 * fault (a missing key, options that contradict each other or do not fit
 * the outcome), both already reported as command cmd's.
 */
int cli_analysis_run(const char *cmd, const struct meta_analysis_request *req, const char *conninfo,
                     struct meta_analysis *an);

/* What a plot command checks once the analysis ran: an output path whose
 * extension names the format, and no leave-one-out or cumulative (shown by
 * `meta pool`, not drawn). Returns 0, or 2 after reporting the usage error. */
int cli_plot_checks(const char *cmd, const char *output, const struct meta_analysis_request *req);

#endif
