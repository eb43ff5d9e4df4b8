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
 * Applies pending migrations; on a server that takes no writes (a hot
 * standby) it only checks that none is pending (see meta_db_read_only). On
 * success *out owns the connection (close it with meta_db_close); on failure
 * *out is NULL and err says why (META_EDB, META_EIO for a private cluster
 * that cannot start, META_EINVAL for a schema that does not match this
 * program, naming the server when it is a standby).
 */
int meta_db_open(const char *conninfo, struct meta_db **out, struct meta_error *err);

/* Closes the connection; accepts NULL. */
void meta_db_close(struct meta_db *db);

/* The schema version the database holds (the highest applied migration). */
int meta_db_schema_version(struct meta_db *db, int *version, struct meta_error *err);

/* The number of migrations this program carries (the version it expects). */
int meta_db_expected_version(void);

/*
 * Starts a transaction in which every statement sees one state of the
 * registry (REPEATABLE READ, READ ONLY): a load that commits meanwhile is
 * seen by none of them or, had it committed before, by all. `meta run`
 * reads the staleness of its analyses and all their selections in one
 * snapshot. Works on a hot standby too. Returns META_OK or META_EDB.
 */
int meta_db_snapshot_begin(struct meta_db *db, struct meta_error *err);

/* Ends the snapshot's transaction (COMMIT). Returns META_OK or META_EDB. */
int meta_db_snapshot_end(struct meta_db *db, struct meta_error *err);

/* ---- Primaries and hot standbys ----------------------------------------- */

/*
 * A registry may be served by a primary and hot standbys (PostgreSQL's
 * streaming replication); a connection string may list several hosts, with
 * target_session_attrs choosing among them (libpq). meta_db_open finds out
 * what it reached. On a server that takes no writes it applies no migration:
 * the schema must already be the program's, else META_EINVAL naming the
 * server (a standby behind the program waits for the primary's migration).
 */

/*
 * Whether the server of db takes no writes, as found when db was opened: a
 * hot standby, or a session whose default_transaction_read_only is on (what
 * libpq's target_session_attrs=read-write also refuses). A command that
 * reads but would also record something asks this first, to say plainly that
 * it could not record on a read-only server, or to record through another
 * connection to a primary.
 */
bool meta_db_read_only(const struct meta_db *db);

/* How messages name the server db reached (the host libpq chose among
 * several): `server on socket "/run/x/.s.PGSQL.5432"` or `server at "db1",
 * port 5432`. Owned by db, valid until meta_db_close. */
const char *meta_db_server(const struct meta_db *db);

/* "read-write", "hot standby, read-only" or "read-only session", as found
 * when db was opened (static storage). */
const char *meta_db_server_state(const struct meta_db *db);

/*
 * The check every writing entry point makes first: META_OK when the server
 * of db takes writes; otherwise META_EDB, and err names the server, why it
 * takes none and what to do (connect to the primary: name it in --db or
 * META_DB, or list the servers with target_session_attrs=read-write). what
 * names the action in the message ("loading"); NULL for a generic one.
 */
int meta_db_require_writable(const struct meta_db *db, const char *what, struct meta_error *err);

/*
 * Makes every later transaction on db read-only by default (SET SESSION
 * CHARACTERISTICS AS TRANSACTION READ ONLY), for commands that only read:
 * they cannot write by mistake, and behave on a primary as on a standby. A
 * transaction that must write on a writable server says so itself (BEGIN
 * READ WRITE). Returns META_OK, or META_EDB with the server's message.
 */
int meta_db_set_read_only(struct meta_db *db, struct meta_error *err);

/* ---- The private cluster ------------------------------------------------ */

/* Where a private cluster lives, what it runs as and who may connect. */
struct meta_cluster {
    char home[4096];       /* $META_HOME, its parent directories resolved */
    char datadir[4096];    /* $META_HOME/pgdata */
    char socketdir[4096];  /* $META_HOME/run: the only way in (no TCP) */
    char logfile[4096];    /* $META_HOME/log/postgresql.log */
    char bindir[4096];     /* PostgreSQL server binaries (initdb, pg_ctl) */
    char server_user[256]; /* the unprivileged user the server runs as */
    unsigned server_uid, server_gid;
    char os_user[256];   /* the invoking user: peer authentication lets only it in */
    char conninfo[4352]; /* libpq connection string for the meta database */
};

/*
 * Fills *c from META_HOME (default ~/.local/share/meta), META_PG_BINDIR and,
 * when running as root, META_SERVER_USER (default postgres). The directories
 * above META_HOME are resolved; META_HOME itself must not be a symbolic link
 * and must hold no character that PostgreSQL's tools cannot carry (a comma,
 * '"', '$', '`', two backslashes in a row, a control character): META_EINVAL
 * says which. Fails with META_EIO when the PostgreSQL server binaries cannot
 * be found or META_HOME cannot be looked at.
 */
int meta_cluster_locate(struct meta_cluster *c, struct meta_error *err);

/*
 * Creates the cluster (initdb, configuration, the meta database) unless it
 * exists, and starts it. *created says whether it was new. Refuses a data
 * directory that meta did not create, and a META_HOME (or anything meta
 * keeps in it) that is a symbolic link, belongs to someone other than the
 * invoking user or root (the server user, for what the server owns) or may
 * be written by others (META_EINVAL). Nothing is created, changed or
 * followed before these checks pass.
 */
int meta_cluster_init(const struct meta_cluster *c, bool *created, struct meta_error *err);

/* Starts the server unless it is running; *started says whether it was
 * started by this call. Whether it runs is decided by what answers on its
 * socket: a postmaster.pid naming a process that is not this cluster's
 * server is removed, and that process left alone. On failure err holds the
 * tail of the server log (never a log that is a symbolic link). Checks as
 * meta_cluster_init. */
int meta_cluster_start(const struct meta_cluster *c, bool *started, struct meta_error *err);

/* Stops the server (fast shutdown) if it runs; *stopped says whether it did.
 * Never signals a process that is not this cluster's server. */
int meta_cluster_stop(const struct meta_cluster *c, bool *stopped, struct meta_error *err);

/* Whether the cluster exists and whether its server is running. META_EIO
 * when META_HOME cannot be read by the invoking user (err says so, rather
 * than "no cluster"); META_EINVAL as meta_cluster_init. */
int meta_cluster_status(const struct meta_cluster *c, bool *exists, bool *running,
                        struct meta_error *err);

#endif
