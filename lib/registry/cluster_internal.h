/*
 * What the files of the private cluster (cluster*.c) share: $META_HOME and
 * its parts opened by descriptor and checked, the server's configuration,
 * and whether its server runs. Not part of lib/registry's interface.
 */
#ifndef META_CLUSTER_INTERNAL_H
#define META_CLUSTER_INTERNAL_H

#include "meta_registry.h"

#include <stdbool.h>
#include <sys/types.h>

/* The superuser initdb makes, the only role meta connects as. */
#define CLUSTER_SUPERUSER "meta"

/* The directories of a cluster, opened without following links (-1: absent
 * or not opened). */
struct cluster_dirs {
    int home; /* $META_HOME: the invoking user's or root's, nobody else writes it */
    int data; /* pgdata, run, log: the server user's, nobody else writes them */
    int run;
    int log;
};

/* ---- cluster_home.c ---- */

/*
 * Turns the META_HOME given (absolute) into the path meta uses: the
 * directories above it resolved (realpath of the part that exists), META_HOME
 * itself not a symbolic link, no ".." in the part still to create, and no
 * character that the server's configuration, pg_ctl's shell command or
 * libpq's host list cannot carry. META_EINVAL with a message naming it.
 */
int cluster_resolve_home(const char *given, char *out, size_t size, struct meta_error *err);

/* Marks every directory of d as not opened. */
void cluster_dirs_init(struct cluster_dirs *d);

/* Closes what d holds; accepts an initialised, partly filled d. */
void cluster_dirs_close(struct cluster_dirs *d);

/*
 * Opens $META_HOME into d->home, walking from "/" without following a link:
 * every directory above it must belong to the invoking user or root and be
 * writable by nobody else (a sticky one, like /tmp, may be), and META_HOME
 * itself must belong to the invoking user or root and be writable by nobody
 * else. With create, missing directories are made (0711 as root, else 0700);
 * without, a missing META_HOME leaves d->home at -1. META_EINVAL for a rule
 * broken, META_EIO for a directory that cannot be read ("cannot read
 * META_HOME ..."), which is also what a user who may not read another's
 * META_HOME is told.
 */
int cluster_open_home(const struct meta_cluster *c, bool create, struct cluster_dirs *d,
                      struct meta_error *err);

/* As root: gives others search permission (o+x: entering, not listing) on
 * each directory down to META_HOME that the server user could not pass
 * through, so that it reaches its data. Does nothing for other users. */
int cluster_grant_search(const struct meta_cluster *c, struct meta_error *err);

/*
 * Opens pgdata, run and log in d->home (each -1 when absent; created 0700
 * and handed to the server user when create). With check, each that exists
 * must be a directory of the server user that nobody else may write.
 * Symbolic links are refused either way.
 */
int cluster_open_parts(const struct meta_cluster *c, struct cluster_dirs *d, bool create,
                       bool check, struct meta_error *err);

/* The ownership rule for what the server user owns (pgdata and below). */
struct meta_fs_rule cluster_server_rule(const struct meta_cluster *c);

/* ---- cluster_config.c ---- */

/* Writes name in the directory dir_fd (named dir_path) whole: a temporary
 * file renamed over it. With for_server it is handed to the server user
 * (when root) before it appears. */
int cluster_write_file(const struct meta_cluster *c, int dir_fd, const char *dir_path,
                       const char *name, const char *text, mode_t mode, bool for_server,
                       struct meta_error *err);

/* Appends meta's settings to pgdata/postgresql.conf: no TCP, the socket in
 * run/ (quoted per PostgreSQL's configuration syntax), owner-only socket. */
int cluster_write_settings(const struct meta_cluster *c, const struct cluster_dirs *d,
                           struct meta_error *err);

/*
 * Makes the server's authentication meta's own: pg_hba.conf lets Unix-socket
 * connections in by peer authentication through the map "meta" only, and
 * pg_ident.conf maps the invoking OS user to the role meta. Rewrites both
 * when pg_hba.conf is not meta's (a fresh initdb, or a cluster of an older
 * meta that trusted every local connection); *changed says whether it did.
 */
int cluster_ensure_auth(const struct meta_cluster *c, const struct cluster_dirs *d, bool *changed,
                        struct meta_error *err);

/* ---- cluster_server.c ---- */

/* A libpq connection string for database dbname of the cluster, as the role
 * meta, through its socket (the directory quoted for libpq), followed by
 * extra ("connect_timeout=10", "application_name=meta"). */
void cluster_conninfo(const struct meta_cluster *c, const char *dbname, const char *extra,
                      char *out, size_t size);

enum cluster_server {
    CLUSTER_STOPPED,       /* no server: no postmaster.pid, or a stale one */
    CLUSTER_RUNNING,       /* the server answers on its socket */
    CLUSTER_NOT_ANSWERING, /* its postmaster lives but the socket is silent (starting) */
};

/*
 * Whether the server runs, decided by what answers on the socket and, when
 * nothing does, by postmaster.pid: a live process is this cluster's
 * postmaster only when the file names this data directory and the process
 * belongs to the server user and started when the file says. *stale_pid is
 * the pid a stale file names (0 when none): that process is not ours and
 * must never be signalled.
 */
int cluster_server_state(const struct meta_cluster *c, const struct cluster_dirs *d,
                         enum cluster_server *state, long *stale_pid, struct meta_error *err);

/* Removes a stale postmaster.pid and the socket's lock file (which would
 * make the server refuse to start while the process they name lives). */
int cluster_remove_stale(const struct meta_cluster *c, const struct cluster_dirs *d,
                         struct meta_error *err);

/* Waits up to seconds for the server to answer on its socket. */
bool cluster_wait_answer(const struct meta_cluster *c, int seconds);

#endif
