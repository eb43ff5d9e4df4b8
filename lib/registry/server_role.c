/*
 * Primaries, hot standbys and read-only sessions (see server_role.h). A
 * registry shared by a team is read far more than it is written, and
 * PostgreSQL's streaming replication serves the reads from standbys; these
 * checks let every reading command run there and stop every writing one at
 * once, with a message that names the server and the way to the primary.
 */
#include "server_role.h"

#include "migrations.h"
#include "pg_util.h"

#include <stdio.h>
#include <string.h>

/* How libpq's own messages name a server: by its socket file, or by host,
 * address and port. */
static void name_server(PGconn *conn, char *out, size_t size)
{
    const char *host = PQhost(conn);
    const char *port = PQport(conn);
    const char *addr = PQhostaddr(conn);
    if (!port || !*port)
        port = "5432";
    if (!host || !*host) {
        snprintf(out, size, "server of the default socket, port %s", port);
    } else if (host[0] == '/' || host[0] == '@') {
        snprintf(out, size, "server on socket \"%s/.s.PGSQL.%s\"", host, port);
    } else if (addr && *addr && strcmp(addr, host) != 0) {
        snprintf(out, size, "server at \"%s\" (%s), port %s", host, addr, port);
    } else {
        snprintf(out, size, "server at \"%s\", port %s", host, port);
    }
}

int meta_server_role_probe(PGconn *conn, struct meta_server_role *role, struct meta_error *err)
{
    memset(role, 0, sizeof *role);
    name_server(conn, role->server, sizeof role->server);
    PGresult *res =
        PQexec(conn, "SELECT pg_catalog.pg_is_in_recovery() AS standby,"
                     " pg_catalog.current_setting('default_transaction_read_only') AS read_only");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        ret = meta_pg_error(err, conn, res, "cannot ask the %s whether it takes writes",
                            role->server);
    } else {
        role->standby = strcmp(PQgetvalue(res, 0, PQfnumber(res, "standby")), "t") == 0;
        role->read_only =
            role->standby || strcmp(PQgetvalue(res, 0, PQfnumber(res, "read_only")), "on") == 0;
    }
    PQclear(res);
    return ret;
}

/* The schema version the first `applied` migrations of the program reach. */
static int version_of(int applied)
{
    return applied > 0 ? meta_migrations[applied - 1].version : 0;
}

int meta_server_role_check_schema(PGconn *conn, const struct meta_server_role *role,
                                  struct meta_error *err)
{
    bool has_table = false;
    int applied = 0;
    struct meta_error why;
    meta_error_clear(&why);
    int ret = meta_migrate_applied(conn, &has_table, &applied, &why);
    if (ret != META_OK)
        return meta_error_set(err, ret, "the %s: %s", role->server, why.msg);
    if (applied == meta_migration_count)
        return META_OK;
    const char *kind = role->standby ? "is a hot standby" : "takes no writes in this session";
    const char *remedy = role->standby
                             ? "migrations run on the primary only (any meta command there applies "
                               "them); the standby has them once it has replayed them"
                             : "run meta once in a read-write session to migrate it";
    if (!has_table)
        return meta_error_set(err, META_EINVAL, "the %s %s and holds no meta schema: %s",
                              role->server, kind, remedy);
    return meta_error_set(
        err, META_EINVAL, "the %s %s and is at schema version %d, while this meta expects %d: %s",
        role->server, kind, version_of(applied), version_of(meta_migration_count), remedy);
}

int meta_server_role_require_writable(const struct meta_server_role *role, const char *what,
                                      struct meta_error *err)
{
    if (!role->read_only)
        return META_OK;
    if (!what || !*what)
        what = "writing to the registry";
    if (role->standby)
        return meta_error_set(err, META_EDB,
                              "the %s is a hot standby, which takes no writes: %s needs the "
                              "primary; name it in --db or META_DB, or list the servers with "
                              "target_session_attrs=read-write so that libpq picks the primary",
                              role->server, what);
    return meta_error_set(err, META_EDB,
                          "the %s takes no writes in this session (default_transaction_read_only "
                          "is on): %s needs a read-write session; among several hosts, "
                          "target_session_attrs=read-write picks one",
                          role->server, what);
}

const char *meta_server_role_state(const struct meta_server_role *role)
{
    if (role->standby)
        return "hot standby, read-only";
    return role->read_only ? "read-only session" : "read-write";
}

int meta_server_role_set_read_only(PGconn *conn, struct meta_error *err)
{
    PGresult *res = PQexec(conn, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, conn, res, "cannot make the session read-only");
    PQclear(res);
    return ret;
}
