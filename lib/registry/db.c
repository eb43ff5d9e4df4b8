/*
 * Opening the registry: picks the server (--db, META_DB, or the private
 * cluster, started on demand), connects, and brings the schema up to date,
 * or, on a server that takes no writes (a hot standby), checks that it is.
 * The private cluster is only started when a first connection attempt fails,
 * so an invocation against a running registry costs one connection.
 */
#include "load_lock.h"
#include "meta_registry.h"
#include "migrations.h"
#include "pg_util.h"
#include "select_arms.h"
#include "server_role.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many statements a connection may have prepared with meta_db_prepare. */
#define MAX_PREPARED 8

struct meta_db {
    PGconn *conn;
    struct meta_server_role role;    /* as found when it was opened */
    struct meta_load_wait load_wait; /* how its loads wait for the load lock */
    char prepared[MAX_PREPARED][32];
    int n_prepared;
    struct meta_arm_cache *arms; /* the arms the snapshot's selections met; NULL outside one */
    bool in_snapshot;            /* meta_db_snapshot_begin began the transaction now open */
};

PGconn *meta_db_pg(struct meta_db *db)
{
    return db->conn;
}

struct meta_load_wait *meta_db_load_wait(struct meta_db *db)
{
    return &db->load_wait;
}

/* Migrations print NOTICEs (IF NOT EXISTS and the like); users need none. */
static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int connect_to(const char *conninfo, PGconn **out, struct meta_error *err)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (!conn)
        return meta_error_set(err, META_ENOMEM, "out of memory connecting to the database");
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[2048];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        meta_pg_one_line(msg);
        PQfinish(conn);
        return meta_error_set(err, META_EDB, "cannot connect to the database: %s", msg);
    }
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    /* Doubles read as text must be the stored bits, as those read in binary
     * are, whatever the database or role sets (0 or less rounds to 15
     * digits). */
    PGresult *res = PQexec(conn, "SET extra_float_digits = 3");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int ret = meta_pg_error(err, conn, res, "cannot set extra_float_digits");
        PQclear(res);
        PQfinish(conn);
        return ret;
    }
    PQclear(res);
    *out = conn;
    return META_OK;
}

static int connect_private(PGconn **out, struct meta_error *err)
{
    struct meta_cluster cluster;
    int ret = meta_cluster_locate(&cluster, err);
    if (ret != META_OK)
        return ret;
    struct meta_error first;
    if (connect_to(cluster.conninfo, out, &first) == META_OK)
        return META_OK;
    bool started = false;
    if ((ret = meta_cluster_start(&cluster, &started, err)) != META_OK)
        return ret;
    return connect_to(cluster.conninfo, out, err);
}

int meta_db_open(const char *conninfo, struct meta_db **out, struct meta_error *err)
{
    *out = NULL;
    if (!conninfo || !*conninfo) {
        const char *env = getenv("META_DB");
        conninfo = env && *env ? env : NULL;
    }
    PGconn *conn = NULL;
    int ret = conninfo ? connect_to(conninfo, &conn, err) : connect_private(&conn, err);
    if (ret != META_OK)
        return ret;
    struct meta_server_role role;
    if ((ret = meta_server_role_probe(conn, &role, err)) == META_OK)
        ret = role.read_only ? meta_server_role_check_schema(conn, &role, err)
                             : meta_migrate(conn, err);
    if (ret != META_OK) {
        PQfinish(conn);
        return ret;
    }
    struct meta_db *db = malloc(sizeof *db);
    if (!db) {
        PQfinish(conn);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    db->conn = conn;
    db->role = role;
    db->n_prepared = 0;
    db->arms = NULL;
    db->in_snapshot = false;
    db->load_wait = (struct meta_load_wait){-1.0, NULL, NULL}; /* the default wait */
    *out = db;
    return META_OK;
}

void meta_db_close(struct meta_db *db)
{
    if (!db)
        return;
    meta_arm_cache_free(db->arms);
    PQfinish(db->conn);
    free(db);
}

int meta_db_expected_version(void)
{
    return meta_migration_count ? meta_migrations[meta_migration_count - 1].version : 0;
}

int meta_db_schema_version(struct meta_db *db, int *version, struct meta_error *err)
{
    PGresult *res = PQexec(db->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        ret = meta_pg_error(err, db->conn, res, "cannot read the schema version");
    else
        *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ret;
}

int meta_db_prepare(struct meta_db *db, const char *name, const char *sql, int n_params,
                    struct meta_error *err)
{
    for (int i = 0; i < db->n_prepared; i++)
        if (strcmp(db->prepared[i], name) == 0)
            return META_OK;
    if (db->n_prepared == MAX_PREPARED || strlen(name) >= sizeof db->prepared[0])
        return meta_error_set(err, META_EDB, "cannot prepare '%s': too many statements", name);
    PGresult *res = PQprepare(db->conn, name, sql, n_params, NULL);
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ret = meta_pg_error(err, db->conn, res, "cannot prepare '%s'", name);
    else
        snprintf(db->prepared[db->n_prepared++], sizeof db->prepared[0], "%s", name);
    PQclear(res);
    return ret;
}

int meta_db_snapshot_begin(struct meta_db *db, struct meta_error *err)
{
    meta_arm_cache_free(db->arms);
    db->arms = NULL;
    db->in_snapshot = false;
    int ret = meta_pg_exec(db->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
                           "cannot start a snapshot of the registry");
    if (ret == META_OK && !(db->arms = meta_arm_cache_new()))
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
    db->in_snapshot = ret == META_OK;
    return ret;
}

int meta_db_snapshot_end(struct meta_db *db, struct meta_error *err)
{
    meta_arm_cache_free(db->arms);
    db->arms = NULL;
    db->in_snapshot = false;
    return meta_pg_exec(db->conn, "COMMIT", err, "cannot end the snapshot of the registry");
}

bool meta_db_in_snapshot(struct meta_db *db)
{
    if (db->in_snapshot && PQtransactionStatus(db->conn) != PQTRANS_INTRANS &&
        PQtransactionStatus(db->conn) != PQTRANS_ACTIVE) {
        /* Ended (or failed) without meta_db_snapshot_end: what the cache
         * holds may no longer be what the registry says. */
        meta_arm_cache_free(db->arms);
        db->arms = NULL;
        db->in_snapshot = false;
    }
    return db->in_snapshot;
}

struct meta_arm_cache *meta_db_arm_cache(struct meta_db *db)
{
    return meta_db_in_snapshot(db) ? db->arms : NULL;
}

bool meta_db_read_only(const struct meta_db *db)
{
    return db->role.read_only;
}

const char *meta_db_server(const struct meta_db *db)
{
    return db->role.server;
}

const char *meta_db_server_state(const struct meta_db *db)
{
    return meta_server_role_state(&db->role);
}

int meta_db_require_writable(const struct meta_db *db, const char *what, struct meta_error *err)
{
    return meta_server_role_require_writable(&db->role, what, err);
}

int meta_db_set_read_only(struct meta_db *db, struct meta_error *err)
{
    return meta_server_role_set_read_only(db->conn, err);
}
