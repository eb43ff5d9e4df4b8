/*
 * `meta db init|start|stop|status`: the registry database. Without --db or
 * META_DB this manages meta's private cluster in $META_HOME; with them it
 * only connects (and migrates) an existing server, which meta never starts
 * or stops.
 */
#include "cli_common.h"
#include "commands.h"
#include "parse_options.h"

#include <stdlib.h>
#include <string.h>

const char cmd_db_usage[] =
    "usage: meta db init|start|stop|status [--db CONNINFO]\n"
    "\n"
    "  init     create the private cluster and its schema (and start it)\n"
    "  start    start the private cluster, creating it on first use\n"
    "  stop     stop the private cluster\n"
    "  status   whether it runs, where, and which schema version it holds;\n"
    "           exits 0 when the database is reachable, 1 when not\n"
    "\n"
    "The private cluster lives in $META_HOME (default ~/.local/share/meta): Unix\n"
    "socket only (no TCP), in a directory its owner alone may enter. As root, the\n"
    "server runs as the unprivileged user $META_SERVER_USER (default postgres), and\n"
    "the directories above $META_HOME that it could not pass through get search\n"
    "permission for others (o+x: entering, not listing) so that it reaches its data.\n"
    "META_HOME and the directories above it must be yours or root's and writable by\n"
    "nobody else, and nothing meta keeps in it may be a symbolic link. Only you may\n"
    "connect: peer authentication maps your user to the role meta.\n"
    "\n"
    "  --db CONNINFO   use an existing PostgreSQL server (libpq string or URI)\n"
    "                  instead; META_DB does the same\n";

/* Connects, migrates and prints which server it reached (among several
 * hosts, the one libpq chose) and the schema version. */
static int report_schema(const char *conninfo)
{
    struct meta_db *db = NULL;
    if (cli_open_db("db", conninfo, &db) != 0)
        return 1;
    printf("connected to: %s (%s)\n", meta_db_server(db), meta_db_server_state(db));
    struct meta_error err;
    int version = 0;
    int ret = meta_db_schema_version(db, &version, &err);
    meta_db_close(db);
    if (ret != META_OK)
        return cli_fail("db", ret, &err);
    cli_print_line("schema version: %d (this meta expects %d)", version,
                   meta_db_expected_version());
    return 0;
}

static int external_server(const char *action, const char *conninfo)
{
    if (strcmp(action, "start") == 0 || strcmp(action, "stop") == 0)
        return cli_usage_error("db",
                               "'%s' manages the private cluster only; the server named by "
                               "--db or META_DB is started and stopped by its administrator",
                               action);
    cli_print_line("server: external (given by %s)", conninfo ? "--db" : "META_DB");
    return report_schema(conninfo);
}

static int private_cluster(const char *action)
{
    struct meta_cluster c;
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_cluster_locate(&c, &err);
    if (ret != META_OK)
        return cli_fail("db", ret, &err);
    if (strcmp(action, "init") == 0 || strcmp(action, "start") == 0) {
        bool created = false, started = false;
        ret = meta_cluster_init(&c, &created, &err);
        if (ret != META_OK)
            return cli_fail("db", ret, &err);
        (void)started;
        if (created)
            cli_print_line("created the private cluster in %s (server user %s)", c.datadir,
                           c.server_user);
        cli_print_line("server: running, socket in %s (no TCP)", c.socketdir);
        return report_schema(NULL);
    }
    if (strcmp(action, "stop") == 0) {
        bool stopped = false;
        ret = meta_cluster_stop(&c, &stopped, &err);
        if (ret != META_OK)
            return cli_fail("db", ret, &err);
        cli_print_line("server: %s", stopped ? "stopped" : "was not running");
        return 0;
    }
    bool exists = false, running = false;
    ret = meta_cluster_status(&c, &exists, &running, &err);
    if (ret != META_OK)
        return cli_fail("db", ret, &err);
    if (!exists) {
        cli_print_line("private cluster: none in %s (created on first use or by 'meta db init')",
                       c.home);
        return 1;
    }
    cli_print_line("private cluster: %s (server user %s)", c.datadir, c.server_user);
    cli_print_line("server: %s, socket in %s (no TCP)", running ? "running" : "stopped",
                   c.socketdir);
    if (!running)
        return 1;
    return report_schema(NULL);
}

int cmd_db(int argc, char **argv)
{
    const char *conninfo = NULL;
    const struct cli_option options[] = {
        CLI_STRING("db", 0, &conninfo),
        CLI_END,
    };
    int n_args = 0;
    int status = cli_parse_options("db", argc, argv, options, &n_args);
    if (status != CLI_CONTINUE)
        return status;
    if (n_args != 1)
        return cli_usage_error("db", "expected one of init, start, stop, status");
    const char *action = argv[1];
    if (strcmp(action, "init") && strcmp(action, "start") && strcmp(action, "stop") &&
        strcmp(action, "status"))
        return cli_usage_error("db", "unknown action '%s' (expected init, start, stop, status)",
                               action);
    const char *env = getenv("META_DB");
    if (conninfo || (env && *env))
        return external_server(action, conninfo);
    return private_cluster(action);
}
