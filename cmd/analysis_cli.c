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

#include <stdio.h>

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

int cli_set_format(const struct cli_option *o, const char *value, struct meta_request_error *e)
{
    if (meta_report_format_parse(value, o->value) != META_OK)
        return meta_error_set(&e->err, META_EINVAL, "unknown format '%s' (use table, csv or json)",
                              value);
    return META_OK;
}

int cli_check_shown(const char *cmd, const struct meta_analysis_request *req, unsigned shows)
{
    static const struct {
        unsigned bit;
        const char *option, *shown_by;
    } keys[] = {
        {CLI_SHOWS_SUBGROUPS, "--by", "'meta pool', 'meta forest' and 'meta funnel'"},
        {CLI_SHOWS_BIAS, "--bias", "'meta bias' (and 'meta pool --bias')"},
        {CLI_SHOWS_TRIMFILL, "--trimfill", "'meta bias' and 'meta funnel --trimfill'"},
        {CLI_SHOWS_INFLUENCE, "--influence", "'meta pool --influence'"},
        {CLI_SHOWS_MODS, "--mods", "'meta regress'"},
    };
    int asked[] = {req->by != NULL, req->bias, req->trimfill || (req->given & META_GIVEN_ESTIMATOR),
                   req->influence, req->n_mods > 0};
    if (!(shows & CLI_SHOWS_STEPS) && (req->leave_one_out || req->cumulative))
        return cli_usage_error(cmd,
                               "--leave-one-out and --cumulative are shown by 'meta pool', "
                               "not by 'meta %s'",
                               cmd);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (asked[i] && !(shows & keys[i].bit))
            return cli_usage_error(cmd, "%s is shown by %s, not by 'meta %s'", keys[i].option,
                                   keys[i].shown_by, cmd);
    return 0;
}

/* The checks of a plot command once the analysis ran. */
static int plot_checks(const char *cmd, const char *output, const struct meta_analysis_request *req)
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

int cli_plot_command(const char *cmd, int argc, char **argv, struct cli_plot *plot,
                     const struct cli_option *extra, cli_draw_fn draw)
{
    enum { MAX_OPTIONS = 24 };
    const char *conninfo = NULL;
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_error err;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    struct cli_option options[MAX_OPTIONS] = {
        CLI_REQUEST(&req),
        CLI_STRING("db", 0, &conninfo),
        CLI_STRING("output", 'o', &plot->output),
        CLI_STRING("script", 0, &plot->script),
    };
    size_t n = 4;
    for (; extra->type != CLI_OPTION_END && n + 1 < MAX_OPTIONS; extra++)
        options[n++] = *extra;
    options[n] = (struct cli_option)CLI_END;

    int status = cli_parse_options(cmd, argc, argv, options, NULL);
    if (status != CLI_CONTINUE)
        goto cleanup;
    req.rob = plot->settings.rob;
    if ((status = cli_check_shown(cmd, &req,
                                  plot->shows | CLI_SHOWS_SUBGROUPS | CLI_SHOWS_STEPS)) != 0 ||
        (status = cli_analysis_run(cmd, &req, conninfo, &an)) != 0 ||
        (status = plot_checks(cmd, plot->output, &req)) != 0)
        goto cleanup;
    int ret = draw(&an, plot, &err);
    if (ret == META_EINVAL)
        status = cli_usage_error(cmd, "%s", err.msg);
    else if (ret != META_OK)
        status = cli_fail(cmd, ret, &err);
    else
        cli_print_line("%s: %s plot of %zu trials", plot->output, cmd, an.contrasts.k);
cleanup:
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}

int cli_report_command(const char *cmd, int argc, char **argv, const struct cli_report *r)
{
    enum { MAX_OPTIONS = 16 };
    struct meta_analysis_request req;
    struct meta_analysis an;
    struct meta_error err;
    const char *conninfo = NULL;
    enum meta_report_format format = META_REPORT_TABLE;
    meta_error_clear(&err);
    meta_analysis_request_init(&req);
    meta_analysis_init(&an);
    struct cli_option options[MAX_OPTIONS] = {
        CLI_REQUEST(&req),
        CLI_CALLBACK("format", &format, cli_set_format),
        CLI_STRING("db", 0, &conninfo),
    };
    size_t n = 3;
    for (const struct cli_option *o = r->extra;
         o && o->type != CLI_OPTION_END && n + 1 < MAX_OPTIONS; o++)
        options[n++] = *o;
    options[n] = (struct cli_option)CLI_END;

    int status = cli_parse_options(cmd, argc, argv, options, NULL);
    if (status != CLI_CONTINUE)
        goto cleanup;
    if ((status = cli_check_shown(cmd, &req, r->shows)) != 0 ||
        (r->prepare && (status = r->prepare(cmd, &req, r->ctx)) != 0) ||
        (status = cli_analysis_run(cmd, &req, conninfo, &an)) != 0)
        goto cleanup;
    /* A failure to write standard output is main's to report. */
    int ret = r->write(stdout, format, &an, &err);
    if (ret != META_OK && ret != META_EIO)
        status = cli_fail(cmd, ret, &err);
    else if (ret == META_OK && r->finish)
        status = r->finish(cmd, &an, format, r->ctx);
cleanup:
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    return status;
}
