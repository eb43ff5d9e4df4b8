/*
 * Public interface of lib/registry: everything that talks to PostgreSQL.
 * Connecting (to a given server or to meta's private cluster), the private
 * cluster's life cycle, and schema migrations. Loading, listing and reading
 * contrasts have their own headers in this directory.
 *
 * Names: a function that acts on an open registry takes it first and is
 * meta_db_<verb> (meta_db_open, meta_db_load, meta_db_list, meta_db_select);
 * one that acts on another struct is meta_<struct>_<verb> (meta_cluster_start,
 * meta_selection_release); the internal units use their own prefix
 * (meta_csv_, meta_load_, meta_pg_). Every _release and _free accepts NULL.
 */
#ifndef META_REGISTRY_H
#define META_REGISTRY_H

#include "meta_status.h"

#include <stdbool.h>

/* An open registry connection with its schema migrated. */
struct meta_db;

/*
 * Opens the registry. conninfo is a libpq connection string or URI; when NULL
 * the environment variable META_DB is used, and when that is unset or empty,
 * meta's private cluster in $META_HOME (created and started when needed).
 * Applies pending migrations. On success *out owns the connection (close it
 * with meta_db_close); on failure *out is NULL and err says why (META_EDB,
 * META_EIO for a private cluster that cannot start, META_EINVAL for a schema
 * that does not match this program).
 */
int meta_db_open(const char *conninfo, struct meta_db **out, struct meta_error *err);

/* Closes the connection; accepts NULL. */
void meta_db_close(struct meta_db *db);

/* The schema version the database holds (the highest applied migration). */
int meta_db_schema_version(struct meta_db *db, int *version, struct meta_error *err);

/* The number of migrations this program carries (the version it expects). */
int meta_db_expected_version(void);

/* ---- The private cluster ------------------------------------------------ */

/* Where a private cluster lives and what it runs as. */
struct meta_cluster {
    char home[4096];       /* $META_HOME */
    char datadir[4096];    /* $META_HOME/pgdata */
    char socketdir[4096];  /* $META_HOME/run: the only way in (no TCP) */
    char logfile[4096];    /* $META_HOME/postgresql.log */
    char bindir[4096];     /* PostgreSQL server binaries (initdb, pg_ctl) */
    char server_user[256]; /* the unprivileged user the server runs as */
    char conninfo[4352];   /* libpq connection string for the meta database */
};

/* Fills *c from META_HOME (default ~/.local/share/meta), META_PG_BINDIR and,
 * when running as root, META_SERVER_USER (default postgres). Fails with
 * META_EIO when the PostgreSQL server binaries cannot be found. */
int meta_cluster_locate(struct meta_cluster *c, struct meta_error *err);

/* Creates the cluster (initdb, configuration, the meta database) unless it
 * exists, and starts it. *created says whether it was new. Refuses a data
 * directory that meta did not create. */
int meta_cluster_init(const struct meta_cluster *c, bool *created, struct meta_error *err);

/* Starts the server unless it is running; *started says whether it was
 * started by this call. On failure err holds the tail of the server log. */
int meta_cluster_start(const struct meta_cluster *c, bool *started, struct meta_error *err);

/* Stops the server (fast shutdown) if it runs; *stopped says whether it did. */
int meta_cluster_stop(const struct meta_cluster *c, bool *stopped, struct meta_error *err);

/* Whether the cluster exists and whether its server is running. */
int meta_cluster_status(const struct meta_cluster *c, bool *exists, bool *running,
                        struct meta_error *err);

#endif
