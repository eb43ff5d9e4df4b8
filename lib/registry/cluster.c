/*
 * meta's private PostgreSQL cluster in $META_HOME: created with initdb on
 * first use, reachable only through a Unix socket in a directory that its
 * owner alone may enter, by the invoking user alone (peer authentication),
 * started and stopped with pg_ctl. When meta runs as root the server runs as
 * an unprivileged user (PostgreSQL refuses root). Everything in META_HOME is
 * reached through checked descriptors (cluster_home.c).
 */
#include "cluster_internal.h"
#include "meta_escape.h"
#include "meta_registry.h"
#include "process.h"
#include "safe_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER_NAME "meta-cluster"
#define DATABASE    "meta"
/* sun_path holds 108 bytes; the socket file name adds "/.s.PGSQL.5432". */
#define SOCKET_DIR_MAX 90
/* Seconds to wait for a server that runs but does not answer yet. */
#define ANSWER_WAIT 60

static bool is_executable(const char *path)
{
    return access(path, X_OK) == 0;
}

/* Finds the directory of the PostgreSQL server programs: META_PG_BINDIR, the
 * newest /usr/lib/postgresql/N/bin (Debian's layout), or PATH. */
static int find_bindir(char *out, size_t size, struct meta_error *err)
{
    char probe[4352];
    const char *env = getenv("META_PG_BINDIR");
    if (env && *env) {
        snprintf(probe, sizeof probe, "%s/pg_ctl", env);
        if (!is_executable(probe))
            return meta_error_set(err, META_EIO, "META_PG_BINDIR '%s' holds no pg_ctl", env);
        snprintf(out, size, "%s", env);
        return META_OK;
    }
    int best = -1;
    DIR *dir = opendir("/usr/lib/postgresql");
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            char *end;
            long v = strtol(de->d_name, &end, 10);
            if (*end || end == de->d_name || v <= best)
                continue;
            snprintf(probe, sizeof probe, "/usr/lib/postgresql/%s/bin/initdb", de->d_name);
            if (is_executable(probe))
                best = (int)v;
        }
        closedir(dir);
    }
    if (best >= 0) {
        snprintf(out, size, "/usr/lib/postgresql/%d/bin", best);
        return META_OK;
    }
    const char *path = getenv("PATH");
    if (path) {
        char *copy = strdup(path);
        if (!copy)
            return META_ENOMEM;
        for (char *save = NULL, *d = strtok_r(copy, ":", &save); d;
             d = strtok_r(NULL, ":", &save)) {
            snprintf(probe, sizeof probe, "%s/initdb", d);
            if (is_executable(probe)) {
                snprintf(out, size, "%s", d);
                free(copy);
                return META_OK;
            }
        }
        free(copy);
    }
    return meta_error_set(err, META_EIO,
                          "the PostgreSQL server programs (initdb, pg_ctl) are not installed: "
                          "install the postgresql package (apt-get install postgresql), set "
                          "META_PG_BINDIR, or point meta at a server with --db or META_DB");
}

/* Who runs the server: as root META_SERVER_USER (default postgres), never
 * root; otherwise the invoking user. Also the invoking user's name, which
 * peer authentication maps to the role meta. */
static int identify_users(struct meta_cluster *c, struct meta_error *err)
{
    struct passwd *pw = getpwuid(geteuid());
    if (!pw)
        return meta_error_set(err, META_EINVAL,
                              "uid %u has no user name, which PostgreSQL needs: add it to "
                              "/etc/passwd or point meta at a server with --db or META_DB",
                              (unsigned)geteuid());
    snprintf(c->os_user, sizeof c->os_user, "%s", pw->pw_name);
    if (geteuid() != 0) {
        snprintf(c->server_user, sizeof c->server_user, "%s", pw->pw_name);
        c->server_uid = (unsigned)pw->pw_uid;
        c->server_gid = (unsigned)pw->pw_gid;
        return META_OK;
    }
    const char *user = getenv("META_SERVER_USER");
    snprintf(c->server_user, sizeof c->server_user, "%s", user && *user ? user : "postgres");
    if (meta_process_user_ids(c->server_user, &c->server_uid, &c->server_gid, err) != META_OK)
        return meta_error_set(err, META_EINVAL,
                              "running as root, meta runs its server as the unprivileged "
                              "user '%s', which does not exist: install the postgresql "
                              "package or set META_SERVER_USER",
                              c->server_user);
    if (c->server_uid == 0)
        return meta_error_set(err, META_EINVAL, "META_SERVER_USER must not be root");
    return META_OK;
}

int meta_cluster_locate(struct meta_cluster *c, struct meta_error *err)
{
    memset(c, 0, sizeof *c);
    const char *home = getenv("META_HOME");
    char buf[4096];
    if (home && *home) {
        snprintf(buf, sizeof buf, "%s", home);
    } else {
        const char *user_home = getenv("HOME");
        if (!user_home || !*user_home) {
            struct passwd *pw = getpwuid(geteuid());
            user_home = pw ? pw->pw_dir : NULL;
        }
        if (!user_home)
            return meta_error_set(err, META_EINVAL,
                                  "cannot tell the home directory: set META_HOME");
        snprintf(buf, sizeof buf, "%s/.local/share/meta", user_home);
    }
    char absolute[4096];
    if (buf[0] != '/') {
        char cwd[2048];
        if (!getcwd(cwd, sizeof cwd))
            return meta_error_set(err, META_EIO, "cannot tell the current directory: %s",
                                  strerror(errno));
        snprintf(absolute, sizeof absolute, "%s/%.2000s", cwd, buf);
    } else {
        snprintf(absolute, sizeof absolute, "%s", buf);
    }
    int ret = cluster_resolve_home(absolute, c->home, sizeof c->home, err);
    if (ret != META_OK)
        return ret;
    const char *sep = strcmp(c->home, "/") == 0 ? "" : "/";
    snprintf(c->datadir, sizeof c->datadir, "%.4000s%spgdata", c->home, sep);
    snprintf(c->socketdir, sizeof c->socketdir, "%.4000s%srun", c->home, sep);
    snprintf(c->logfile, sizeof c->logfile, "%.4000s%slog/postgresql.log", c->home, sep);
    if (strlen(c->socketdir) > SOCKET_DIR_MAX)
        return meta_error_set(err, META_EINVAL,
                              "META_HOME '%s' is too long for a Unix socket path (at most %d "
                              "characters for its run/ directory): choose a shorter META_HOME",
                              c->home, SOCKET_DIR_MAX);
    if ((ret = identify_users(c, err)) != META_OK)
        return ret;
    cluster_conninfo(c, DATABASE, "application_name=meta", c->conninfo, sizeof c->conninfo);
    return find_bindir(c->bindir, sizeof c->bindir, err);
}

/* What the invoking user keeps in META_HOME (the lock, the marker). */
static struct meta_fs_rule home_file_rule(void)
{
    struct meta_fs_rule r = meta_fs_rule_private(geteuid(), false);
    r.one_link = true;
    return r;
}

/* Takes an exclusive lock on $META_HOME/lock so that concurrent meta
 * processes create and start the cluster once. Returns the fd or -1. */
static int lock_home(const struct meta_cluster *c, const struct cluster_dirs *d,
                     struct meta_error *err)
{
    struct meta_fs_rule rule = home_file_rule();
    int fd = -1;
    if (meta_fs_open_file(d->home, c->home, "lock", O_RDWR | O_CREAT, 0600, &rule, &fd, err) !=
        META_OK)
        return -1;
    if (flock(fd, LOCK_EX) != 0) {
        meta_error_set(err, META_EIO, "cannot lock '%s/lock': %s", c->home, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void unlock_home(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

/* Whether $META_HOME holds a cluster that meta created. d->home is open;
 * d->data is open when pgdata exists. */
static int cluster_state(const struct meta_cluster *c, const struct cluster_dirs *d, bool *exists,
                         struct meta_error *err)
{
    *exists = false;
    bool has_marker = false, has_version = false;
    struct meta_fs_rule rule = home_file_rule();
    bool has_lock = false;
    int ret = meta_fs_stat(d->home, c->home, "lock", &rule, NULL, &has_lock, err);
    if (ret == META_OK)
        ret = meta_fs_stat(d->home, c->home, MARKER_NAME, &rule, NULL, &has_marker, err);
    if (ret == META_OK && d->data >= 0)
        ret = meta_fs_stat(d->data, c->datadir, "PG_VERSION", NULL, NULL, &has_version, err);
    if (ret != META_OK)
        return ret;
    *exists = has_marker && has_version;
    if (has_version && !has_marker)
        return meta_error_set(err, META_EINVAL,
                              "'%s' holds a PostgreSQL data directory that meta did not create "
                              "(no %s/" MARKER_NAME "): refusing to use it; choose another "
                              "META_HOME or point meta at that server with --db",
                              c->datadir, c->home);
    if (!has_version && d->data >= 0) {
        int dup_fd = fcntl(d->data, F_DUPFD_CLOEXEC, 0);
        DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        int entries = 0;
        if (dir) {
            struct dirent *de;
            while ((de = readdir(dir)) != NULL)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                    entries++;
            closedir(dir);
        } else if (dup_fd >= 0) {
            close(dup_fd);
        }
        if (entries > 0)
            return meta_error_set(err, META_EINVAL,
                                  "'%s' exists but is not a PostgreSQL data directory: refusing "
                                  "to use it; remove it or choose another META_HOME",
                                  c->datadir);
    }
    return META_OK;
}

/* Opens META_HOME (creating it when asked) and what exists of its parts,
 * and says whether it holds meta's cluster. The parts are checked (the
 * server user's, written by nobody else) once the cluster is known to be
 * meta's, so that a foreign data directory is named as such. */
static int open_cluster(const struct meta_cluster *c, bool create, struct cluster_dirs *d,
                        bool *exists, struct meta_error *err)
{
    *exists = false;
    int ret = cluster_open_home(c, create, d, err);
    if (ret != META_OK || d->home < 0)
        return ret;
    if ((ret = cluster_open_parts(c, d, false, false, err)) != META_OK ||
        (ret = cluster_state(c, d, exists, err)) != META_OK)
        return ret;
    return *exists ? cluster_open_parts(c, d, false, true, err) : META_OK;
}

static int run_tool(const struct meta_cluster *c, char *const argv[], int *status, char *output,
                    size_t size, struct meta_error *err)
{
    return meta_process_run(c->server_user, argv, output, size, status, err);
}

/* Runs `pg_ctl ACTION -D pgdata` with extra arguments; META_EIO with its
 * output when it fails. */
static int pg_ctl(const struct meta_cluster *c, const char *action, char *const extra[],
                  struct meta_error *err)
{
    char prog[4200];
    snprintf(prog, sizeof prog, "%s/pg_ctl", c->bindir);
    char *argv[16] = {prog, (char *)action, "-D", (char *)c->datadir};
    int argc = 4;
    for (int i = 0; extra && extra[i] && argc < 15; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    int status = 0;
    char output[2048], line[2048];
    int ret = run_tool(c, argv, &status, output, sizeof output, err);
    meta_join_lines(line, sizeof line, output, "; ");
    if (ret == META_OK && status != 0)
        ret = meta_error_set(err, META_EIO, "pg_ctl %s failed (exit %d): %s", action, status, line);
    return ret;
}

/* Creates the cluster: directories, initdb, configuration, marker. Caller
 * holds the lock; d->home is open. */
static int create_cluster(const struct meta_cluster *c, struct cluster_dirs *d,
                          struct meta_error *err)
{
    int ret;
    if ((ret = cluster_open_parts(c, d, true, true, err)) != META_OK ||
        (ret = cluster_grant_search(c, err)) != META_OK)
        return ret;
    char initdb[4200];
    snprintf(initdb, sizeof initdb, "%s/initdb", c->bindir);
    char *argv[] = {initdb,
                    "-D",
                    (char *)c->datadir,
                    "-U",
                    CLUSTER_SUPERUSER,
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--auth-local=peer",
                    "--auth-host=reject",
                    NULL};
    char output[4096], line[4096];
    int status = 0;
    if ((ret = run_tool(c, argv, &status, output, sizeof output, err)) != META_OK)
        return ret;
    meta_join_lines(line, sizeof line, output, "; ");
    if (status != 0)
        return meta_error_set(err, META_EIO, "initdb failed (exit %d): %s", status, line);
    if ((ret = cluster_write_settings(c, d, err)) != META_OK)
        return ret;
    bool changed = false;
    if ((ret = cluster_ensure_auth(c, d, &changed, err)) != META_OK)
        return ret;
    return cluster_write_file(c, d->home, c->home, MARKER_NAME,
                              "This directory holds meta's private PostgreSQL cluster "
                              "(pgdata/).\n",
                              0644, false, err);
}

/* The last lines of the server log, for error messages; never a log that is
 * a symbolic link, a FIFO or anything but the server user's regular file. */
static void log_tail(const struct meta_cluster *c, const struct cluster_dirs *d, char *out,
                     size_t size)
{
    out[0] = '\0';
    if (d->log < 0)
        return;
    char logdir[4200];
    snprintf(logdir, sizeof logdir, "%s/log", c->home);
    struct meta_fs_rule rule = cluster_server_rule(c);
    struct meta_error e;
    int fd = -1;
    if (meta_fs_open_file(d->log, logdir, "postgresql.log", O_RDONLY, 0, &rule, &fd, &e) !=
        META_OK) {
        snprintf(out, size, "(not shown: %.1900s)", e.msg);
        return;
    }
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)size - 1 ? end - (off_t)size + 1 : 0;
    ssize_t n = end >= 0 ? pread(fd, out, size - 1, from) : -1;
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    if (from > 0) {
        char *nl = strchr(out, '\n');
        if (nl)
            memmove(out, nl + 1, strlen(nl + 1) + 1);
    }
}

/* Creates the meta database in a freshly started cluster when it is missing. */
static int ensure_database(const struct meta_cluster *c, struct meta_error *err)
{
    char conninfo[4400];
    cluster_conninfo(c, "postgres", "connect_timeout=10", conninfo, sizeof conninfo);
    PGconn *conn = PQconnectdb(conninfo);
    int ret = META_OK;
    char line[2048];
    if (PQstatus(conn) != CONNECTION_OK) {
        meta_join_lines(line, sizeof line, PQerrorMessage(conn), " ");
        ret = meta_error_set(err, META_EDB, "cannot connect to the private cluster: %s", line);
        goto cleanup;
    }
    PGresult *res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '" DATABASE "'");
    bool exists = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    PQclear(res);
    if (!exists) {
        res = PQexec(conn, "CREATE DATABASE " DATABASE);
        meta_join_lines(line, sizeof line, PQresultErrorMessage(res), " ");
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            ret = meta_error_set(err, META_EDB, "cannot create the meta database: %s", line);
        PQclear(res);
    }
cleanup:
    PQfinish(conn);
    return ret;
}

/* Starts the server unless it answers; reloads a running one whose
 * authentication was just rewritten. Caller holds the lock. */
static int start_locked(const struct meta_cluster *c, const struct cluster_dirs *d,
                        bool auth_changed, bool *started, struct meta_error *err)
{
    enum cluster_server state;
    long stale = 0;
    int ret = cluster_server_state(c, d, &state, &stale, err);
    if (ret != META_OK)
        return ret;
    if (state == CLUSTER_NOT_ANSWERING && !cluster_wait_answer(c, ANSWER_WAIT))
        return meta_error_set(err, META_EIO,
                              "the private PostgreSQL server of '%s' runs but has not answered "
                              "on its socket in %d seconds: stop it with 'meta db stop'",
                              c->datadir, ANSWER_WAIT);
    if (state != CLUSTER_STOPPED)
        return auth_changed ? pg_ctl(c, "reload", NULL, err) : META_OK;
    /* pg_ctl opens the log by name: it must be the server user's file. */
    char logdir[4200];
    snprintf(logdir, sizeof logdir, "%s/log", c->home);
    struct meta_fs_rule rule = cluster_server_rule(c);
    bool has_log = false;
    struct stat st;
    if ((ret = meta_fs_stat(d->log, logdir, "postgresql.log", &rule, &st, &has_log, err)) !=
        META_OK)
        return ret;
    if (has_log && !S_ISREG(st.st_mode))
        return meta_error_set(err, META_EINVAL, "'%s' is not a regular file: refusing to start",
                              c->logfile);
    if ((ret = cluster_remove_stale(c, d, err)) != META_OK)
        return ret;
    char *extra[] = {"-w", "-t", "60", "-l", (char *)c->logfile, NULL};
    if ((ret = pg_ctl(c, "start", extra, err)) != META_OK) {
        char output[META_ERROR_MAX / 2], tail[2048], line[2048];
        snprintf(output, sizeof output, "%.2000s", err->msg);
        log_tail(c, d, tail, sizeof tail);
        meta_join_lines(line, sizeof line, tail, "; ");
        return meta_error_set(err, META_EIO,
                              "the private PostgreSQL server in '%s' did not start (%s); last "
                              "lines of %s: %s",
                              c->datadir, output, c->logfile, line);
    }
    *started = true;
    return META_OK;
}

/* Opens (creating on first use), configures and starts the cluster. */
static int bring_up(const struct meta_cluster *c, bool *created, bool *started,
                    struct meta_error *err)
{
    *created = *started = false;
    struct cluster_dirs d;
    cluster_dirs_init(&d);
    int lock = -1;
    bool exists = false, auth_changed = false;
    int ret = cluster_open_home(c, true, &d, err);
    if (ret != META_OK)
        goto cleanup;
    if ((lock = lock_home(c, &d, err)) < 0) {
        ret = META_EIO;
        goto cleanup;
    }
    if ((ret = cluster_open_parts(c, &d, false, false, err)) != META_OK ||
        (ret = cluster_state(c, &d, &exists, err)) != META_OK)
        goto cleanup;
    if (!exists) {
        if ((ret = create_cluster(c, &d, err)) != META_OK)
            goto cleanup;
        *created = true;
    }
    if ((ret = cluster_open_parts(c, &d, true, true, err)) != META_OK ||
        (ret = cluster_ensure_auth(c, &d, &auth_changed, err)) != META_OK ||
        (ret = start_locked(c, &d, auth_changed, started, err)) != META_OK)
        goto cleanup;
    if (*created || *started)
        ret = ensure_database(c, err);
cleanup:
    unlock_home(lock);
    cluster_dirs_close(&d);
    return ret;
}

int meta_cluster_init(const struct meta_cluster *c, bool *created, struct meta_error *err)
{
    bool started = false;
    return bring_up(c, created, &started, err);
}

int meta_cluster_start(const struct meta_cluster *c, bool *started, struct meta_error *err)
{
    bool created = false;
    return bring_up(c, &created, started, err);
}

int meta_cluster_stop(const struct meta_cluster *c, bool *stopped, struct meta_error *err)
{
    *stopped = false;
    struct cluster_dirs d;
    cluster_dirs_init(&d);
    bool exists = false;
    int lock = -1;
    int ret = open_cluster(c, false, &d, &exists, err);
    if (ret != META_OK || !exists)
        goto cleanup;
    if ((lock = lock_home(c, &d, err)) < 0) {
        ret = META_EIO;
        goto cleanup;
    }
    enum cluster_server state;
    long stale = 0;
    if ((ret = cluster_server_state(c, &d, &state, &stale, err)) != META_OK ||
        state == CLUSTER_STOPPED)
        goto cleanup;
    char *extra[] = {"-w", "-t", "60", "-m", "fast", NULL};
    if ((ret = pg_ctl(c, "stop", extra, err)) == META_OK)
        *stopped = true;
cleanup:
    unlock_home(lock);
    cluster_dirs_close(&d);
    return ret;
}

int meta_cluster_status(const struct meta_cluster *c, bool *exists, bool *running,
                        struct meta_error *err)
{
    *exists = *running = false;
    struct cluster_dirs d;
    cluster_dirs_init(&d);
    int ret = open_cluster(c, false, &d, exists, err);
    if (ret == META_OK && *exists) {
        enum cluster_server state;
        long stale = 0;
        ret = cluster_server_state(c, &d, &state, &stale, err);
        *running = ret == META_OK && state != CLUSTER_STOPPED;
    }
    cluster_dirs_close(&d);
    return ret;
}
