/*
 * The steps every analysis command takes before it shows anything: parse the
 * command line, resolve and check the options, read the selection from the
 * registry and pool it. `meta pool`, `meta forest` and `meta funnel` differ
 * only in what they do with the result.
 */
#ifndef META_ANALYSIS_CLI_H
#define META_ANALYSIS_CLI_H

#include "analysis.h"

/*
 * Parses argv (argv[0] is the command name `cmd`) with the request's options
 * and `extras` (may be NULL), then, unless --help was asked for (*help set,
 * returns 0 after printing the usage), opens the registry, reads the
 * selection and computes the analysis into *an. req and an must have been
 * initialised; the caller releases them. Returns the exit status: 0, 1 (a
 * data or database error, already reported) or 2 (a usage error, reported).
 */
int cli_analysis_run(const char *cmd, int argc, char **argv, const struct meta_cli_extra *extras,
                     struct meta_analysis_request *req, struct meta_analysis *an, int *help);

#endif
