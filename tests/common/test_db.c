/*
 * Fresh per-program databases on the shared test PostgreSQL, and runs of
 * the built binary (see test_db.h).
 */
#include "test_db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int exec_ok(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "test db: %s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

int meta_test_db_create(const char *name, char *conninfo, size_t size)
{
    const char *base = getenv("META_TEST_DB");
    if (!base || !*base) {
        fprintf(stderr, "test db: META_TEST_DB is not set (run the test through ctest)\n");
        return -1;
    }
    PGconn *conn = PQconnectdb(base);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "test db: cannot connect: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    char *ident = PQescapeIdentifier(conn, name, strlen(name));
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", ident);
    int ok = exec_ok(conn, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", ident);
    ok = ok && exec_ok(conn, sql);
    PQfreemem(ident);
    PQfinish(conn);
    if (!ok)
        return -1;
    /* A later dbname keyword overrides the earlier one in a conninfo string. */
    snprintf(conninfo, size, "%s dbname='%s'", base, name);
    return 0;
}

const char *meta_test_binary(void)
{
    const char *bin = getenv("META_BIN");
    return bin && *bin ? bin : NULL;
}

int meta_test_run(const char *const *args, char **out)
{
    *out = NULL;
    const char *bin = meta_test_binary();
    if (!bin)
        return -1;
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (; *args && n < 63; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap);
    ssize_t got;
    while (buf && (got = read(fds[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 4096) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (buf)
        buf[len] = '\0';
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
