/*
 * meta's private PostgreSQL cluster in $META_HOME: created with initdb on
 * first use, reachable only through a Unix socket in a directory that its
 * owner alone may enter, started and stopped with pg_ctl. When meta runs as
 * root the server runs as an unprivileged user (PostgreSQL refuses root).
 */
#include "meta_registry.h"
#include "process.h"

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
#define SUPERUSER   "meta"
#define DATABASE    "meta"
/* sun_path holds 108 bytes; the socket file name adds "/.s.PGSQL.5432". */
#define SOCKET_DIR_MAX 90

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

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

/* Appends a libpq connection-string value in single quotes. */
static void quote_conn_value(char *out, size_t size, const char *value)
{
    size_t j = 0;
    if (j + 1 < size)
        out[j++] = '\'';
    for (const char *p = value; *p && j + 3 < size; p++) {
        if (*p == '\'' || *p == '\\')
            out[j++] = '\\';
        out[j++] = *p;
    }
    if (j + 1 < size)
        out[j++] = '\'';
    out[j] = '\0';
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
    if (buf[0] != '/') {
        char cwd[2048];
        if (!getcwd(cwd, sizeof cwd))
            return meta_error_set(err, META_EIO, "cannot tell the current directory: %s",
                                  strerror(errno));
        snprintf(c->home, sizeof c->home, "%s/%.2000s", cwd, buf);
    } else {
        snprintf(c->home, sizeof c->home, "%s", buf);
    }
    size_t len = strlen(c->home);
    while (len > 1 && c->home[len - 1] == '/')
        c->home[--len] = '\0';
    snprintf(c->datadir, sizeof c->datadir, "%.4000s/pgdata", c->home);
    snprintf(c->socketdir, sizeof c->socketdir, "%.4000s/run", c->home);
    snprintf(c->logfile, sizeof c->logfile, "%.4000s/log/postgresql.log", c->home);
    if (strlen(c->socketdir) > SOCKET_DIR_MAX)
        return meta_error_set(err, META_EINVAL,
                              "META_HOME '%s' is too long for a Unix socket path (at most %d "
                              "characters for its run/ directory): choose a shorter META_HOME",
                              c->home, SOCKET_DIR_MAX);
    if (geteuid() == 0) {
        const char *user = getenv("META_SERVER_USER");
        snprintf(c->server_user, sizeof c->server_user, "%s", user && *user ? user : "postgres");
        unsigned uid, gid;
        if (meta_process_user_ids(c->server_user, &uid, &gid, err) != META_OK)
            return meta_error_set(err, META_EINVAL,
                                  "running as root, meta runs its server as the unprivileged "
                                  "user '%s', which does not exist: install the postgresql "
                                  "package or set META_SERVER_USER",
                                  c->server_user);
        if (uid == 0)
            return meta_error_set(err, META_EINVAL, "META_SERVER_USER must not be root");
    } else {
        struct passwd *pw = getpwuid(geteuid());
        snprintf(c->server_user, sizeof c->server_user, "%s", pw ? pw->pw_name : "");
    }
    char host[4200];
    quote_conn_value(host, sizeof host, c->socketdir);
    snprintf(c->conninfo, sizeof c->conninfo,
             "host=%s dbname=" DATABASE " user=" SUPERUSER " application_name=meta", host);
    return find_bindir(c->bindir, sizeof c->bindir, err);
}

/* mkdir -p with mode for the directories it creates. */
static int make_dirs(const char *path, mode_t mode, struct meta_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, mode) != 0 && errno != EEXIST)
                return meta_error_set(err, META_EIO, "cannot create directory '%s': %s", buf,
                                      strerror(errno));
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    return META_OK;
}

/* As root: lets the server user reach $META_HOME by granting search (not
 * read) permission on the ancestors that deny it, and hands it the
 * directories it writes. */
static int prepare_for_server_user(const struct meta_cluster *c, const char *dir,
                                   struct meta_error *err)
{
    if (geteuid() != 0)
        return META_OK;
    unsigned uid, gid;
    int ret = meta_process_user_ids(c->server_user, &uid, &gid, err);
    if (ret != META_OK)
        return ret;
    if (chown(dir, uid, gid) != 0)
        return meta_error_set(err, META_EIO, "cannot hand '%s' to user '%s': %s", dir,
                              c->server_user, strerror(errno));
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", c->home);
    for (;;) {
        struct stat st;
        if (stat(buf, &st) == 0 && st.st_uid != uid && !(st.st_mode & S_IXOTH) &&
            chmod(buf, (st.st_mode & 07777) | S_IXOTH) != 0)
            return meta_error_set(err, META_EIO, "cannot let user '%s' reach '%s': %s",
                                  c->server_user, buf, strerror(errno));
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            break;
        *slash = '\0';
    }
    return META_OK;
}

/* Takes an exclusive lock on $META_HOME/lock so that concurrent meta
 * processes create and start the cluster once. Returns the fd or -1. */
static int lock_home(const struct meta_cluster *c, struct meta_error *err)
{
    if (make_dirs(c->home, geteuid() == 0 ? 0711 : 0700, err) != META_OK)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/lock", c->home);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        meta_error_set(err, META_EIO, "cannot lock '%s': %s", path, strerror(errno));
        if (fd >= 0)
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

/* Whether $META_HOME holds a cluster that meta created. */
static int cluster_state(const struct meta_cluster *c, bool *exists, struct meta_error *err)
{
    char marker[4200], version[4200];
    snprintf(marker, sizeof marker, "%s/" MARKER_NAME, c->home);
    snprintf(version, sizeof version, "%s/PG_VERSION", c->datadir);
    bool has_marker = file_exists(marker), has_version = file_exists(version);
    *exists = has_marker && has_version;
    if (has_version && !has_marker)
        return meta_error_set(err, META_EINVAL,
                              "'%s' holds a PostgreSQL data directory that meta did not create "
                              "(no %s/" MARKER_NAME "): refusing to use it; choose another "
                              "META_HOME or point meta at that server with --db",
                              c->datadir, c->home);
    if (!has_version && file_exists(c->datadir)) {
        DIR *d = opendir(c->datadir);
        int entries = 0;
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)) != NULL)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                    entries++;
            closedir(d);
        }
        if (entries > 0)
            return meta_error_set(err, META_EINVAL,
                                  "'%s' exists but is not a PostgreSQL data directory: refusing "
                                  "to use it; remove it or choose another META_HOME",
                                  c->datadir);
    }
    return META_OK;
}

static int run_tool(const struct meta_cluster *c, char *const argv[], int *status, char *output,
                    size_t size, struct meta_error *err)
{
    return meta_process_run(c->server_user, argv, output, size, status, err);
}

/* Creates the cluster: initdb, configuration, marker. Caller holds the lock. */
static int create_cluster(const struct meta_cluster *c, struct meta_error *err)
{
    int ret;
    mode_t home_mode = geteuid() == 0 ? 0711 : 0700;
    if ((ret = make_dirs(c->home, home_mode, err)) != META_OK)
        return ret;
    char logdir[4200];
    snprintf(logdir, sizeof logdir, "%s/log", c->home);
    if ((ret = make_dirs(c->datadir, 0700, err)) || (ret = make_dirs(c->socketdir, 0700, err)) ||
        (ret = make_dirs(logdir, 0700, err)) ||
        (ret = prepare_for_server_user(c, c->datadir, err)) ||
        (ret = prepare_for_server_user(c, c->socketdir, err)) ||
        (ret = prepare_for_server_user(c, logdir, err)))
        return ret;
    char initdb[4200];
    snprintf(initdb, sizeof initdb, "%s/initdb", c->bindir);
    char *argv[] = {initdb,
                    "-D",
                    (char *)c->datadir,
                    "-U",
                    SUPERUSER,
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--auth-local=trust",
                    "--auth-host=reject",
                    NULL};
    char output[4096];
    int status = 0;
    if ((ret = run_tool(c, argv, &status, output, sizeof output, err)) != META_OK)
        return ret;
    if (status != 0)
        return meta_error_set(err, META_EIO, "initdb failed (exit %d):\n%s", status, output);
    char conf[4200];
    snprintf(conf, sizeof conf, "%s/postgresql.conf", c->datadir);
    FILE *f = fopen(conf, "a");
    if (!f)
        return meta_error_set(err, META_EIO, "cannot configure '%s': %s", conf, strerror(errno));
    fprintf(f,
            "\n# meta private cluster: Unix socket only, in a directory of its owner alone\n"
            "listen_addresses = ''\n"
            "unix_socket_directories = '%s'\n"
            "unix_socket_permissions = 0700\n",
            c->socketdir);
    if (fclose(f) != 0)
        return meta_error_set(err, META_EIO, "cannot configure '%s': %s", conf, strerror(errno));
    char marker[4200];
    snprintf(marker, sizeof marker, "%s/" MARKER_NAME, c->home);
    f = fopen(marker, "w");
    if (!f)
        return meta_error_set(err, META_EIO, "cannot write '%s': %s", marker, strerror(errno));
    fprintf(f, "This directory holds meta's private PostgreSQL cluster (pgdata/).\n");
    fclose(f);
    return META_OK;
}

/* Returns the last lines of the server log, for error messages. */
static void log_tail(const struct meta_cluster *c, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(c->logfile, "r");
    if (!f)
        return;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        long from = end > (long)size - 1 ? end - (long)size + 1 : 0;
        fseek(f, from, SEEK_SET);
        size_t n = fread(out, 1, size - 1, f);
        out[n] = '\0';
        if (from > 0) {
            char *nl = strchr(out, '\n');
            if (nl)
                memmove(out, nl + 1, strlen(nl + 1) + 1);
        }
    }
    fclose(f);
}

static int server_running(const struct meta_cluster *c, bool *running, struct meta_error *err)
{
    char pg_ctl[4200];
    snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", c->bindir);
    char *argv[] = {pg_ctl, "status", "-D", (char *)c->datadir, NULL};
    int status = 0;
    char output[1024];
    int ret = run_tool(c, argv, &status, output, sizeof output, err);
    if (ret != META_OK)
        return ret;
    *running = status == 0;
    return META_OK;
}

/* Creates the meta database in a freshly started cluster when it is missing. */
static int ensure_database(const struct meta_cluster *c, struct meta_error *err)
{
    char host[4200], conninfo[4400];
    quote_conn_value(host, sizeof host, c->socketdir);
    snprintf(conninfo, sizeof conninfo, "host=%s dbname=postgres user=" SUPERUSER, host);
    PGconn *conn = PQconnectdb(conninfo);
    int ret = META_OK;
    if (PQstatus(conn) != CONNECTION_OK) {
        ret = meta_error_set(err, META_EDB, "cannot connect to the private cluster: %s",
                             PQerrorMessage(conn));
        goto cleanup;
    }
    PGresult *res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '" DATABASE "'");
    bool exists = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    PQclear(res);
    if (!exists) {
        res = PQexec(conn, "CREATE DATABASE " DATABASE);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            ret = meta_error_set(err, META_EDB, "cannot create the meta database: %s",
                                 PQresultErrorMessage(res));
        PQclear(res);
    }
cleanup:
    PQfinish(conn);
    return ret;
}

static int start_locked(const struct meta_cluster *c, bool *started, struct meta_error *err)
{
    bool running = false;
    int ret = server_running(c, &running, err);
    if (ret != META_OK || running)
        return ret;
    char pg_ctl[4200];
    snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", c->bindir);
    char *argv[] = {
        pg_ctl, "start", "-w", "-t", "60", "-D", (char *)c->datadir, "-l", (char *)c->logfile,
        NULL};
    int status = 0;
    char output[2048];
    if ((ret = run_tool(c, argv, &status, output, sizeof output, err)) != META_OK)
        return ret;
    if (status != 0) {
        char tail[2048];
        log_tail(c, tail, sizeof tail);
        return meta_error_set(err, META_EIO,
                              "the private PostgreSQL server in '%s' did not start (pg_ctl exit "
                              "%d):\n%s\nlast lines of %s:\n%s",
                              c->datadir, status, output, c->logfile, tail);
    }
    *started = true;
    return META_OK;
}

int meta_cluster_init(const struct meta_cluster *c, bool *created, struct meta_error *err)
{
    *created = false;
    int fd = lock_home(c, err);
    if (fd < 0)
        return META_EIO;
    bool exists = false, started = false;
    int ret = cluster_state(c, &exists, err);
    if (ret == META_OK && !exists) {
        ret = create_cluster(c, err);
        *created = ret == META_OK;
    }
    if (ret == META_OK)
        ret = start_locked(c, &started, err);
    if (ret == META_OK && (*created || started))
        ret = ensure_database(c, err);
    unlock_home(fd);
    return ret;
}

int meta_cluster_start(const struct meta_cluster *c, bool *started, struct meta_error *err)
{
    *started = false;
    int fd = lock_home(c, err);
    if (fd < 0)
        return META_EIO;
    bool exists = false, created = false;
    int ret = cluster_state(c, &exists, err);
    if (ret == META_OK && !exists) {
        ret = create_cluster(c, err);
        created = ret == META_OK;
    }
    if (ret == META_OK)
        ret = start_locked(c, started, err);
    if (ret == META_OK && (created || *started))
        ret = ensure_database(c, err);
    unlock_home(fd);
    return ret;
}

int meta_cluster_stop(const struct meta_cluster *c, bool *stopped, struct meta_error *err)
{
    *stopped = false;
    bool exists = false, running = false;
    int ret = cluster_state(c, &exists, err);
    if (ret != META_OK || !exists)
        return ret;
    int fd = lock_home(c, err);
    if (fd < 0)
        return META_EIO;
    if ((ret = server_running(c, &running, err)) == META_OK && running) {
        char pg_ctl[4200];
        snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", c->bindir);
        char *argv[] = {pg_ctl, "stop", "-w", "-t", "60", "-m", "fast", "-D", (char *)c->datadir,
                        NULL};
        int status = 0;
        char output[2048];
        ret = run_tool(c, argv, &status, output, sizeof output, err);
        if (ret == META_OK && status != 0)
            ret =
                meta_error_set(err, META_EIO, "pg_ctl stop failed (exit %d):\n%s", status, output);
        *stopped = ret == META_OK;
    }
    unlock_home(fd);
    return ret;
}

int meta_cluster_status(const struct meta_cluster *c, bool *exists, bool *running,
                        struct meta_error *err)
{
    *exists = *running = false;
    int ret = cluster_state(c, exists, err);
    if (ret != META_OK || !*exists)
        return ret;
    return server_running(c, running, err);
}
