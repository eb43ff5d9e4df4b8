/*
 * Schema migrations: applies the compiled-in sql/NNN_name.sql files that a
 * database lacks, in order, each in one transaction, and refuses a database
 * whose recorded migrations differ from the program's. An advisory lock makes
 * concurrent first uses safe: the second process waits, then finds nothing to do.
 */
#include "migrations.h"
#include "pg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Advisory lock key: "meta" in ASCII, shared by every meta process. */
#define MIGRATION_LOCK_KEY "1835365473"

static const char *const create_version_table = "CREATE TABLE IF NOT EXISTS schema_version ("
                                                " version integer PRIMARY KEY,"
                                                " name text NOT NULL,"
                                                " checksum text NOT NULL,"
                                                " applied_at timestamptz NOT NULL DEFAULT now())";

/* Compares the recorded migrations with the program's. *pending is set to the
 * index of the first migration not yet applied (meta_migration_count if none). */
static int check_recorded(PGconn *conn, int *pending, struct meta_error *err)
{
    int ret = META_OK;
    PGresult *res = PQexec(conn, "SELECT version, name, checksum FROM schema_version "
                                 "ORDER BY version");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "cannot read schema_version");
        goto cleanup;
    }
    int rows = PQntuples(res);
    int col_version = PQfnumber(res, "version");
    int col_name = PQfnumber(res, "name");
    int col_sum = PQfnumber(res, "checksum");
    for (int i = 0; i < rows; i++) {
        int version = atoi(PQgetvalue(res, i, col_version));
        const char *name = PQgetvalue(res, i, col_name);
        const char *sum = PQgetvalue(res, i, col_sum);
        if (i < meta_migration_count && meta_migrations[i].version < version) {
            /* Versions need not be consecutive, but a database must hold
             * every migration below its highest. */
            ret = meta_error_set(err, META_EINVAL,
                                 "the database lacks migration '%s', which comes before '%s' "
                                 "that it holds: it was migrated by a build of meta without "
                                 "it; migrate a new database with this meta",
                                 meta_migrations[i].name, name);
            goto cleanup;
        }
        if (i >= meta_migration_count || meta_migrations[i].version != version) {
            ret = meta_error_set(err, META_EINVAL,
                                 "the database holds migration '%s' that this meta does not know "
                                 "(it expects schema version %d): use a newer meta",
                                 name, meta_migrations[meta_migration_count - 1].version);
            goto cleanup;
        }
        if (strcmp(meta_migrations[i].checksum, sum) != 0) {
            ret = meta_error_set(err, META_EINVAL,
                                 "migration '%s' applied to the database differs from "
                                 "sql/%s.sql (checksum %.12s..., expected %.12s...)",
                                 name, meta_migrations[i].name, sum, meta_migrations[i].checksum);
            goto cleanup;
        }
    }
    *pending = rows;
cleanup:
    PQclear(res);
    return ret;
}

/* Applies migration m in the current transaction and records it. */
static int apply_one(PGconn *conn, const struct meta_migration *m, struct meta_error *err)
{
    int ret = META_OK;
    PGresult *res = PQexec(conn, m->sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        ret = meta_pg_error(err, conn, res, "migration '%s' failed", m->name);
        goto cleanup;
    }
    PQclear(res);
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    const char *params[3] = {version, m->name, m->checksum};
    res = PQexecParams(conn,
                       "INSERT INTO schema_version (version, name, checksum) "
                       "VALUES ($1::integer, $2, $3)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, conn, res, "cannot record migration '%s'", m->name);
cleanup:
    PQclear(res);
    return ret;
}

int meta_migrate_applied(PGconn *conn, bool *has_table, int *applied, struct meta_error *err)
{
    *has_table = false;
    *applied = 0;
    PGresult *res = PQexec(conn, "SELECT to_regclass('schema_version') IS NOT NULL AS present");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, conn, res, "cannot read the schema version");
    else
        *has_table = strcmp(PQgetvalue(res, 0, PQfnumber(res, "present")), "t") == 0;
    PQclear(res);
    if (ret == META_OK && *has_table)
        ret = check_recorded(conn, applied, err);
    return ret;
}

/* Whether every migration is recorded with the right checksum, without
 * taking the lock: the common case of every invocation costs one query. */
static void already_current(PGconn *conn, bool *current)
{
    bool has_table = false;
    int applied = 0;
    struct meta_error ignored;
    *current = meta_migrate_applied(conn, &has_table, &applied, &ignored) == META_OK &&
               applied == meta_migration_count;
}

int meta_migrate(PGconn *conn, struct meta_error *err)
{
    bool current = false;
    already_current(conn, &current);
    if (current)
        return META_OK;
    for (;;) {
        int ret = meta_pg_exec(conn, "BEGIN", err, "query failed");
        if (ret != META_OK)
            return ret;
        int pending = 0;
        if ((ret = meta_pg_exec(conn, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")", err,
                                "query failed")) ||
            (ret = meta_pg_exec(conn, create_version_table, err, "query failed")) ||
            (ret = check_recorded(conn, &pending, err))) {
            meta_pg_exec(conn, "ROLLBACK", NULL, "query failed");
            return ret;
        }
        if (pending >= meta_migration_count) {
            ret = meta_pg_exec(conn, "COMMIT", err, "query failed");
            return ret;
        }
        ret = apply_one(conn, &meta_migrations[pending], err);
        if (ret == META_OK)
            ret = meta_pg_exec(conn, "GRANT SELECT ON schema_version TO meta_reader, meta_loader",
                               err, "query failed");
        if (ret != META_OK) {
            meta_pg_exec(conn, "ROLLBACK", NULL, "query failed");
            return ret;
        }
        if ((ret = meta_pg_exec(conn, "COMMIT", err, "query failed")) != META_OK)
            return ret;
    }
}
