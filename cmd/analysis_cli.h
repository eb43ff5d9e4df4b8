/*
 * What `meta pool`, `meta bias`, `meta regress`, `meta forest` and `meta
 * funnel` do between parsing their options and showing a result: check the
 * request (and that it asks for nothing the command would not show), open
 * the registry and run the analysis, with the errors worded for the command
 * line; and the whole of a plot command but what it draws.
 */
#ifndef META_ANALYSIS_CLI_H
#define META_ANALYSIS_CLI_H

#include "meta_analysis.h"
#include "meta_report.h"
#include "parse_options.h"

#include <stdio.h>

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

/* The callback of --format (CLI_CALLBACK("format", &format, cli_set_format)):
 * table, csv or json into the enum meta_report_format at o->value. */
int cli_set_format(const struct cli_option *o, const char *value, struct meta_request_error *e);

/* What a command shows beyond the pooled analysis (request keys it takes). */
#define CLI_SHOWS_STEPS     (1u << 0) /* leave-one-out, cumulative */
#define CLI_SHOWS_SUBGROUPS (1u << 1) /* by */
#define CLI_SHOWS_BIAS      (1u << 2) /* bias */
#define CLI_SHOWS_TRIMFILL  (1u << 3) /* trimfill, estimator */
#define CLI_SHOWS_INFLUENCE (1u << 4) /* influence */
#define CLI_SHOWS_MODS      (1u << 5) /* mods */
#define CLI_SHOWS_ALL       0x3fu

/*
 * Refuses the keys of req that command cmd would compute but not show (a
 * bit of `shows` unset), naming the command that shows them: a usage error
 * printed for cmd, returning 2; 0 when req asks for nothing unshown.
 */
int cli_check_shown(const char *cmd, const struct meta_analysis_request *req, unsigned shows);

/* What a command that writes an analysis (`meta pool`, `meta bias`, `meta
 * regress`) does beyond the others. */
struct cli_report {
    unsigned shows;                 /* request keys it shows (CLI_SHOWS_*) */
    const struct cli_option *extra; /* its own options, ending with CLI_END; NULL: none */
    /* Before the analysis runs: checks and completes the parsed request
     * (NULL: nothing); returns 0, or an exit status after reporting. */
    int (*prepare)(const char *cmd, struct meta_analysis_request *req, void *ctx);
    /* Writes the computed analysis (meta_report_write and its kin). */
    int (*write)(FILE *out, enum meta_report_format format, const struct meta_analysis *an,
                 struct meta_error *err);
    /* After writing (NULL: nothing): returns 0, or an exit status after
     * reporting. */
    int (*finish)(const char *cmd, const struct meta_analysis *an, enum meta_report_format format,
                  void *ctx);
    void *ctx; /* handed to prepare and finish */
};

/*
 * The whole of such a command: parses argv with the request's options,
 * --format, --db and r->extra, refuses what it does not show, prepares,
 * runs the analysis, writes it to standard output in the format asked for
 * and finishes. Returns the exit status.
 */
int cli_report_command(const char *cmd, int argc, char **argv, const struct cli_report *r);

/* What a plot command is told beyond the analysis. */
struct cli_plot {
    const char *output; /* -o FILE: .png, .svg or .pdf */
    const char *script; /* --script FILE, or NULL */
    struct meta_plot_settings settings;
    unsigned shows; /* request keys it draws beyond the pooled analysis (CLI_SHOWS_*) */
};

/* Draws the plot of a computed analysis: META_OK, META_EINVAL for a setting
 * the user got wrong (a usage error), or another status, with err set. */
typedef int (*cli_draw_fn)(const struct meta_analysis *an, const struct cli_plot *plot,
                           struct meta_error *err);

/*
 * A plot command (`meta forest`, `meta funnel`): parses argv with the
 * request's options, --db, -o/--output, --script and the command's own
 * `extra` options (ending with CLI_END; they fill *plot), checks that the
 * request asks for nothing the plot does not draw (plot->shows; subgroups
 * are drawn), runs the analysis, checks the output path and that neither
 * leave-one-out nor cumulative is asked for (shown by `meta pool`, not
 * drawn), draws, and prints what it drew. Returns the exit status.
 */
int cli_plot_command(const char *cmd, int argc, char **argv, struct cli_plot *plot,
                     const struct cli_option *extra, cli_draw_fn draw);

#endif
