/*
 * Whether the private cluster's server runs, decided by what answers on its
 * socket rather than by the pid in postmaster.pid alone: a stale file whose
 * pid now names an unrelated live process (after a crash or a reboot) must
 * neither make meta believe the server runs nor get that process signalled.
 */
#include "cluster_internal.h"
#include "safe_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Seconds a process may have started after the time its postmaster.pid
 * records and still be the postmaster that wrote it (the clock of
 * /proc/PID/stat and the wall clock round differently). */
#define START_SLACK 3

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

void cluster_conninfo(const struct meta_cluster *c, const char *dbname, const char *extra,
                      char *out, size_t size)
{
    char host[4200];
    quote_conn_value(host, sizeof host, c->socketdir);
    snprintf(out, size, "host=%s dbname=%s user=" CLUSTER_SUPERUSER " %s", host, dbname, extra);
}

/* What PQping says of the socket directory. */
static PGPing ping(const struct meta_cluster *c)
{
    char conninfo[4400];
    cluster_conninfo(c, "postgres", "connect_timeout=10", conninfo, sizeof conninfo);
    return PQping(conninfo);
}

bool cluster_wait_answer(const struct meta_cluster *c, int seconds)
{
    for (int i = 0; i < seconds * 5; i++) {
        if (ping(c) == PQPING_OK)
            return true;
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return ping(c) == PQPING_OK;
}

/* When process pid started (seconds since the epoch), from /proc. */
static bool process_start(long pid, long long *start)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name, in parentheses, may hold spaces and parentheses. */
    char *p = strrchr(buf, ')');
    if (!p)
        return false;
    /* Fields after the name: state is field 3, starttime field 22. */
    unsigned long long ticks = 0;
    int field = 2;
    for (char *save = NULL, *tok = strtok_r(p + 1, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (++field == 22) {
            ticks = strtoull(tok, NULL, 10);
            break;
        }
    }
    if (field != 22)
        return false;
    f = fopen("/proc/stat", "r");
    if (!f)
        return false;
    long long btime = -1;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "btime %lld", &btime) == 1)
            break;
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (btime < 0 || hz <= 0)
        return false;
    *start = btime + (long long)(ticks / (unsigned long long)hz);
    return true;
}

/* Whether the live process pid is the postmaster that wrote a postmaster.pid
 * naming datadir and started at start. */
static bool is_our_postmaster(const struct meta_cluster *c, long pid, const char *datadir,
                              long long start)
{
    if (pid <= 0 || strcmp(datadir, c->datadir) != 0)
        return false;
    errno = 0;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return false;
    bool other_user = errno == EPERM;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld", pid);
    struct stat st;
    if (stat(path, &st) != 0)
        return !other_user; /* /proc hidden: only another user's process would be */
    if (st.st_uid != c->server_uid)
        return false;
    long long started = 0;
    if (process_start(pid, &started) && started > start + START_SLACK)
        return false;
    return true;
}

int cluster_server_state(const struct meta_cluster *c, const struct cluster_dirs *d,
                         enum cluster_server *state, long *stale_pid, struct meta_error *err)
{
    *state = CLUSTER_STOPPED;
    *stale_pid = 0;
    PGPing answer = ping(c);
    if (answer == PQPING_OK) {
        *state = CLUSTER_RUNNING;
        return META_OK;
    }
    if (d->data < 0)
        return META_OK;
    struct meta_fs_rule rule = cluster_server_rule(c);
    int fd = -1;
    int ret =
        meta_fs_open_file(d->data, c->datadir, "postmaster.pid", O_RDONLY, 0, &rule, &fd, err);
    if (ret != META_OK)
        return ret;
    if (fd < 0) {
        /* Rejecting connections without a pid file: shutting down. */
        *state = answer == PQPING_REJECT ? CLUSTER_NOT_ANSWERING : CLUSTER_STOPPED;
        return META_OK;
    }
    /* Line 1: pid; line 2: data directory; line 3: start time (PostgreSQL's
     * miscadmin.h, LOCK_FILE_LINE_*). */
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    char *save = NULL;
    char *l1 = strtok_r(buf, "\n", &save);
    char *l2 = l1 ? strtok_r(NULL, "\n", &save) : NULL;
    char *l3 = l2 ? strtok_r(NULL, "\n", &save) : NULL;
    long pid = l1 ? strtol(l1, NULL, 10) : 0;
    long long start = l3 ? strtoll(l3, NULL, 10) : 0;
    if (l3 && is_our_postmaster(c, pid, l2, start)) {
        *state = CLUSTER_NOT_ANSWERING;
        return META_OK;
    }
    if (answer == PQPING_REJECT) {
        /* Something answers on our socket though the file is stale: let the
         * server be; it is not this call's to judge. */
        *state = CLUSTER_NOT_ANSWERING;
        return META_OK;
    }
    *stale_pid = pid != 0 ? pid : -1;
    return META_OK;
}

int cluster_remove_stale(const struct meta_cluster *c, const struct cluster_dirs *d,
                         struct meta_error *err)
{
    if (d->data >= 0 && unlinkat(d->data, "postmaster.pid", 0) != 0 && errno != ENOENT)
        return meta_error_set(err, META_EIO, "cannot remove the stale '%s/postmaster.pid': %s",
                              c->datadir, strerror(errno));
    if (d->run < 0)
        return META_OK;
    /* The socket and its lock file (".s.PGSQL.PORT" and ".lock"): nothing
     * answers on them, and the server refuses to start while the lock file
     * names a live process. */
    int dup_fd = fcntl(d->run, F_DUPFD_CLOEXEC, 0);
    DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!dir) {
        if (dup_fd >= 0)
            close(dup_fd);
        return meta_error_set(err, META_EIO, "cannot read '%s': %s", c->socketdir, strerror(errno));
    }
    struct dirent *de;
    int ret = META_OK;
    while ((de = readdir(dir)) != NULL) {
        if (strncmp(de->d_name, ".s.PGSQL.", 9) != 0)
            continue;
        if (unlinkat(d->run, de->d_name, 0) != 0 && errno != ENOENT) {
            ret = meta_error_set(err, META_EIO, "cannot remove the stale '%s/%s': %s", c->socketdir,
                                 de->d_name, strerror(errno));
            break;
        }
    }
    closedir(dir);
    return ret;
}
