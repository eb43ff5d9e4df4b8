/*
 * Running gnuplot: the one place in meta that starts it. The script goes to
 * gnuplot's standard input through a socket pair (a pipe whose writer gets
 * EPIPE instead of SIGPIPE when gnuplot dies early), its standard error to a
 * temporary file that is read back into the error message when it fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_internal.h"

extern char **environ;

/* How much of gnuplot's standard error goes into the message. */
#define STDERR_MAX 3000

/* Reads what gnuplot wrote to standard error into buf (trimmed, "" if none). */
static void read_stderr(FILE *errf, char *buf, size_t size)
{
    size_t n;
    buf[0] = '\0';
    if (fseek(errf, 0, SEEK_SET) != 0)
        return;
    n = fread(buf, 1, size - 1, errf);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    /* gnuplot starts its messages with blank lines; skip them. */
    size_t start = 0;
    while (buf[start] == '\n' || buf[start] == '\r')
        start++;
    if (start > 0)
        memmove(buf, buf + start, n - start + 1);
}

static int set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

/* Sends the whole script; returns 0 or the errno that stopped it. */
static int send_all(int fd, const char *script, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, script + off, len - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        off += (size_t)n;
    }
    return 0;
}

int meta_plot_run_gnuplot(const char *script, size_t len, const char *gnuplot_path,
                          const char *output_path, struct meta_error *err)
{
    const char *prog = gnuplot_path;
    char messages[STDERR_MAX + 1];
    posix_spawn_file_actions_t fa;
    int fa_ready = 0, sv[2] = {-1, -1}, created = 0, status = 0, send_err, rc;
    int ret = META_OK;
    FILE *errf = NULL;
    pid_t pid;
    struct stat st;

    if (!prog || !*prog)
        prog = getenv("META_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";

    /* An unwritable output is the user's mistake: say so before gnuplot runs. */
    if (output_path) {
        int existed = stat(output_path, &st) == 0;
        int fd = open(output_path, O_WRONLY | O_CREAT, 0666);
        if (fd < 0) {
            ret = meta_error_set(err, META_EIO, "cannot write '%s': %s", output_path,
                                 strerror(errno));
            goto cleanup;
        }
        close(fd);
        created = !existed;
    }

    errf = tmpfile();
    if (!errf || set_cloexec(fileno(errf)) != 0) {
        ret = meta_error_set(err, META_EIO, "cannot create a temporary file for gnuplot: %s",
                             strerror(errno));
        goto cleanup;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || set_cloexec(sv[0]) != 0 ||
        set_cloexec(sv[1]) != 0) {
        ret = meta_error_set(err, META_EIO, "cannot open a pipe to gnuplot: %s", strerror(errno));
        goto cleanup;
    }
    if (posix_spawn_file_actions_init(&fa) != 0) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    fa_ready = 1;
    if (posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO) != 0 ||
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, fileno(errf), STDERR_FILENO) != 0) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* --default-settings: no ~/.gnuplot, so every user gets the same plot. */
    char *argv[] = {(char *)prog, "--default-settings", NULL};
    rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    if (rc == ENOENT) {
        ret = meta_error_set(err, META_EIO,
                             "gnuplot not found: '%s' (install the gnuplot-nox package, or set "
                             "META_GNUPLOT to the gnuplot program)",
                             prog);
        goto cleanup;
    }
    if (rc != 0) {
        ret = meta_error_set(err, META_EIO, "cannot run gnuplot '%s': %s", prog, strerror(rc));
        goto cleanup;
    }
    close(sv[1]);
    sv[1] = -1;
    send_err = send_all(sv[0], script, len);
    close(sv[0]); /* end of the script */
    sv[0] = -1;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            ret = meta_error_set(err, META_EIO, "cannot wait for gnuplot: %s", strerror(errno));
            goto cleanup;
        }
    }
    read_stderr(errf, messages, sizeof messages);
    if (WIFSIGNALED(status)) {
        ret = meta_error_set(err, META_EIO, "gnuplot was killed by signal %d%s%s", WTERMSIG(status),
                             *messages ? ": " : "", messages);
        goto cleanup;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ret = meta_error_set(err, META_EIO, "gnuplot failed (exit status %d)%s%s",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1, *messages ? ":\n" : "",
                             messages);
        goto cleanup;
    }
    if (send_err != 0) {
        ret = meta_error_set(err, META_EIO, "gnuplot stopped reading its script: %s%s%s",
                             strerror(send_err), *messages ? "\n" : "", messages);
        goto cleanup;
    }
    if (output_path && (stat(output_path, &st) != 0 || st.st_size == 0)) {
        ret = meta_error_set(err, META_EIO, "gnuplot wrote nothing to '%s'%s%s", output_path,
                             *messages ? ":\n" : "", messages);
        goto cleanup;
    }
cleanup:
    if (fa_ready)
        posix_spawn_file_actions_destroy(&fa);
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (errf)
        fclose(errf);
    if (ret != META_OK && created)
        unlink(output_path);
    return ret;
}
