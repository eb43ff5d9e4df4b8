/*
 * `meta history FILE.ini`: the recorded runs of an analysis file, oldest
 * first (when, the loads new since the run before, the result), as a table,
 * CSV or JSON from which a report script can draw a living review's
 * evolution. Only reads: works on a hot standby and for the reader role.
 */
#include "cli_common.h"
#include "commands.h"
#include "living_cli.h"
#include "meta_report.h"
#include "meta_runs.h"
#include "parse_options.h"

#include <limits.h>
#include <stdio.h>

const char cmd_history_usage[] =
    "usage: meta history FILE.ini [--format table|csv|json] [--db CONNINFO]\n"
    "\n"
    "Lists the recorded runs of an analysis file, oldest first. Every 'meta run'\n"
    "records, per analysis file, when it ran, the SHA-256 of the file, the request\n"
    "as run, the result (k, estimate and interval, tau^2, I^2, p, and where the\n"
    "interval lies against no effect: below, above or includes) and the data:\n"
    "a fingerprint of the rows it used and the loads that brought them. Each\n"
    "line names the loads that were new since the run before.\n"
    "\n"
    "The file is known by its absolute path (symbolic links resolved); it need\n"
    "not exist any more.\n"
    "\n"
    "  --format F     table (default), csv or json (ratio measures on the log\n"
    "                 scale, with 'exp' back-transformed, as in 'meta pool')\n"
    "  --db CONNINFO  the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "\n"
    "Exit status: 0 success (also when the file never ran), 1 database error,\n"
    "2 usage error.\n";

static int set_format(const struct cli_option *o, const char *value, struct meta_request_error *e)
{
    if (meta_report_format_parse(value, o->value) != META_OK)
        return meta_error_set(&e->err, META_EINVAL, "unknown format '%s' (use table, csv or json)",
                              value);
    return META_OK;
}

int cmd_history(int argc, char **argv)
{
    const char *conninfo = NULL;
    enum meta_report_format format = META_REPORT_TABLE;
    struct meta_db *db = NULL;
    struct meta_history h;
    struct meta_error err;
    char path[PATH_MAX];
    int n_files = 0;
    meta_history_init(&h);
    meta_error_clear(&err);
    const struct cli_option options[] = {
        CLI_CALLBACK("format", &format, set_format),
        CLI_STRING("db", 0, &conninfo),
        CLI_END,
    };
    int status = cli_parse_options("history", argc, argv, options, &n_files);
    if (status != CLI_CONTINUE)
        return status;
    if (n_files != 1)
        return cli_usage_error("history", n_files == 0 ? "no analysis file given"
                                                       : "one analysis file at a time");
    int ret = cli_analysis_identity(argv[1], path, sizeof path, &err);
    if (ret != META_OK)
        return cli_fail("history", ret, &err);
    if ((status = cli_open_db("history", conninfo, &db)) != 0)
        return status;
    ret = meta_db_history(db, path, &h, &err);
    if (ret == META_OK)
        ret = meta_report_history(stdout, format, path, &h, &err);
    if (ret == META_OK && fflush(stdout) != 0)
        ret = meta_error_set(&err, META_EIO, "cannot write the output");
    status = ret == META_OK ? 0 : cli_fail("history", ret, &err);
    meta_history_release(&h);
    meta_db_close(db);
    return status;
}
