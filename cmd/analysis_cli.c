/*
 * From a parsed request to a computed analysis for the commands that pool
 * (see analysis_cli.h), so that their checks and messages cannot drift
 * apart. A failure that names a key is the user's request at fault: a usage
 * error; the others are the data's or the system's.
 */
#include "analysis_cli.h"
#include "cli_common.h"
#include "meta_plot.h"
#include "parse_options.h"

int cli_analysis_run(const char *cmd, const struct meta_analysis_request *req, const char *conninfo,
                     struct meta_analysis *an)
{
    struct meta_request_error e;
    struct meta_options opts;
    struct meta_db *db = NULL;
    int status;
    meta_request_error_init(&e, cli_spell_option);
    int ret = meta_analysis_resolve(req, -1, &opts, &e);
    if (ret != META_OK)
        return cli_usage_error(cmd, "%s", e.err.msg);
    if ((status = cli_open_db(cmd, conninfo, &db)) != 0)
        return status;
    ret = meta_analysis_run(db, req, an, &e);
    meta_db_close(db);
    if (ret == META_OK)
        return 0;
    if (e.key && ret == META_EINVAL)
        return cli_usage_error(cmd, "%s", e.err.msg);
    return cli_fail(cmd, ret, &e.err);
}

int cli_plot_checks(const char *cmd, const char *output, const struct meta_analysis_request *req)
{
    struct meta_error err;
    enum meta_plot_format fmt;
    meta_error_clear(&err);
    if (!output)
        return cli_usage_error(cmd, "missing -o FILE (a .png, .svg or .pdf path)");
    if (meta_plot_format_from_path(output, &fmt, &err) != META_OK)
        return cli_usage_error(cmd, "%s", err.msg);
    if (req->leave_one_out || req->cumulative)
        return cli_usage_error(cmd, "--leave-one-out and --cumulative are shown by 'meta pool', "
                                    "not drawn");
    return 0;
}
