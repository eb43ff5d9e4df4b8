/*
 * From a command line to a computed analysis (see analysis_cli.h): the
 * shared front half of pool, forest and funnel, so that their option
 * handling and error messages cannot drift apart.
 */
#include "analysis_cli.h"
#include "cli_common.h"

int cli_analysis_run(const char *cmd, int argc, char **argv, const struct meta_cli_extra *extras,
                     struct meta_analysis_request *req, struct meta_analysis *an, int *help)
{
    struct meta_error err;
    struct meta_db *db = NULL;
    int status = 0;
    meta_error_clear(&err);
    *help = 0;
    int ret = meta_analysis_parse_args(req, argc, argv, extras, help, &err);
    if (ret == META_OK && *help)
        return cli_help(cmd, stdout);
    if (ret == META_OK)
        ret = meta_analysis_resolve(req, -1, &an->opts, &err);
    if (ret != META_OK)
        return ret == META_ENOMEM ? cli_fail(cmd, ret, &err) : cli_usage_error(cmd, "%s", err.msg);
    if ((status = cli_open_db(cmd, req->db, &db)) != 0)
        return status;
    ret = meta_analysis_fetch(db, req, an, &err);
    meta_db_close(db);
    if (ret != META_OK)
        return cli_fail(cmd, ret, &err);
    if ((ret = meta_analysis_resolve(req, an->sel.binary, &an->opts, &err)) != META_OK)
        return cli_usage_error(cmd, "%s", err.msg);
    if ((ret = meta_analysis_compute(req, an, &err)) != META_OK)
        return cli_fail(cmd, ret, &err);
    return 0;
}
