/*
 * `meta load FILE...`: loads arm-level CSV files into the registry, all of
 * them or none. Prints what each file did on success, every problem found
 * (up to the loader's limit, then how many more) on failure.
 */
#include "cli_common.h"
#include "commands.h"
#include "parse_options.h"
#include "load_lock.h"
#include "meta_load.h"
#include "safe_fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char cmd_load_usage[] =
    "usage: meta load [--db CONNINFO] [--wait SECONDS] FILE...\n"
    "\n"
    "Loads arm-level CSV files (INTERFACE.md section 1) into the registry, all in\n"
    "one transaction: when any file breaks a rule, nothing is stored and every\n"
    "problem is reported as FILE:LINE:COLUMN: what is wrong. Only regular files\n"
    "are read: a FIFO, a device or a directory is refused at once.\n"
    "\n"
    "A row whose trial, arm, outcome and time point are already stored replaces\n"
    "the stored row, so loading the same file twice changes nothing. An arm keeps\n"
    "the treatment it was first loaded with. Columns other than trial, arm,\n"
    "treatment, outcome, timepoint, n, mean, sd, events and total are stored as\n"
    "attributes of the arm.\n"
    "\n"
    "Loads run one after the other. When another session holds the registry's\n"
    "load lock, meta load says who (server pid, application, user, since when)\n"
    "and waits at most --wait seconds, then gives up (exit 1, nothing loaded).\n"
    "\n"
    "  --db CONNINFO   the PostgreSQL server (libpq string or URI); default META_DB,\n"
    "                  else meta's private cluster. Loading needs the primary: with\n"
    "                  several hosts, add target_session_attrs=read-write\n"
    "  --wait SECONDS  how long to wait for another load (default 120; 0: not at all)\n";

static void print_report(const struct meta_load_report *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        const struct meta_load_file_report *f = &r->files[i];
        cli_print_line("%s: %lld row%s (%lld new, %lld replaced, %lld unchanged), %lld trial%s, "
                       "%lld outcome%s",
                       f->name, f->rows, f->rows == 1 ? "" : "s", f->inserted, f->replaced,
                       f->unchanged, f->trials, f->trials == 1 ? "" : "s", f->outcomes,
                       f->outcomes == 1 ? "" : "s");
    }
}

static void print_problems(const struct meta_load_report *r)
{
    const struct meta_load_errors *e = &r->errors;
    for (size_t i = 0; i < e->kept; i++)
        cli_error("load", "%s", e->msgs[i]);
    if (e->count > e->kept)
        cli_error("load", "and %zu more error%s", e->count - e->kept,
                  e->count - e->kept == 1 ? "" : "s");
}

/* --wait SECONDS: a number >= 0. */
static int set_wait(const struct cli_option *o, const char *value, struct meta_request_error *e)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !(v >= 0) || v > 86400.0 * 365)
        return meta_error_set(&e->err, META_EINVAL,
                              "--wait takes a number of seconds >= 0, got '%s'", value);
    *(double *)o->value = v;
    return META_OK;
}

/* Says, before the load waits, whom it waits for and how long. */
static void on_wait(const struct meta_lock_holder *holder, double seconds, void *ctx)
{
    (void)ctx;
    char who[300];
    meta_lock_holder_describe(who, sizeof who, holder);
    fputs("meta load: ", stderr);
    char text[512];
    snprintf(text, sizeof text,
             "waiting for the load lock, held by %s; giving up after %g seconds (--wait)", who,
             seconds);
    cli_put_escaped(stderr, text);
    fputc('\n', stderr);
}

/* Refuses a FIFO, a device, a socket or a directory named as a file to load
 * before anything opens it for reading (a FIFO would block the load until
 * some writer came) or waits on the database. A file that cannot be opened
 * is left to the loader, which reports it with the other problems. Returns
 * 0, or 1 once every such file is reported. */
static int refuse_special_files(char **paths, size_t n)
{
    int refused = 0;
    for (size_t i = 0; i < n; i++) {
        struct meta_error err;
        int fd = -1;
        int ret = meta_fs_open_input(paths[i], &fd, &err);
        if (ret == META_OK)
            close(fd);
        else if (ret == META_EINVAL)
            refused = cli_error("load", "%s", err.msg);
    }
    if (refused)
        cli_error("load", "nothing was loaded");
    return refused;
}

int cmd_load(int argc, char **argv)
{
    const char *conninfo = NULL;
    double wait = META_LOAD_WAIT_DEFAULT;
    const struct cli_option options[] = {
        CLI_STRING("db", 0, &conninfo),
        CLI_CALLBACK("wait", &wait, set_wait),
        CLI_END,
    };
    int n_args = 0;
    int status = cli_parse_options("load", argc, argv, options, &n_args);
    if (status != CLI_CONTINUE)
        return status;
    if (n_args < 1)
        return cli_usage_error("load", "expected at least one FILE");
    if (refuse_special_files(argv + 1, (size_t)n_args) != 0)
        return 1;

    struct meta_db *db = NULL;
    if (cli_open_db_writable("load", conninfo, "loading", &db) != 0)
        return 1;
    meta_load_set_wait(db, &(struct meta_load_wait){wait, on_wait, NULL});
    struct meta_load_report report;
    struct meta_error err;
    meta_load_report_init(&report);
    meta_error_clear(&err);
    int ret = meta_db_load(db, (const char *const *)(argv + 1), (size_t)n_args, &report, &err);
    status = 0;
    if (ret == META_OK) {
        print_report(&report);
    } else if (report.errors.count > 0) {
        print_problems(&report);
        cli_error("load", "%s", err.msg);
        status = 1;
    } else {
        status = cli_fail("load", ret, &err);
    }
    meta_load_report_release(&report);
    meta_db_close(db);
    return status;
}
