/*
 * Running gnuplot: the one place in meta that starts it. The script goes to
 * gnuplot's standard input through a socket pair (a pipe whose writer gets
 * EPIPE instead of SIGPIPE when gnuplot dies early); the plot comes back on
 * its standard output, through a pipe, and meta writes it into the output
 * file itself, checking every write; its standard error goes to a temporary
 * file that is read back into the error message when it fails. One poll
 * loop does all three under a deadline, so a gnuplot that hangs is killed
 * and said so, never waited for without end.
 */
#define _GNU_SOURCE /* pipe2, SOCK_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "meta_escape.h"
#include "plot_internal.h"
#include "safe_out.h"

extern char **environ;

/* How much of gnuplot's standard error goes into the message. */
#define STDERR_MAX 3000

/* How long gnuplot may take unless META_GNUPLOT_TIMEOUT says otherwise: a
 * plot of a thousand trials takes a few seconds on a slow machine. */
#define DEFAULT_TIMEOUT 60.0

/* Reads what gnuplot wrote to standard error into buf as one line: its
 * lines joined by "; ", without the blank ones and the caret lines that
 * point into the echoed script ("" if none). */
static void read_stderr(FILE *errf, char *buf, size_t size)
{
    char raw[STDERR_MAX + 1], *save = NULL;
    size_t n, used = 0;
    buf[0] = '\0';
    if (fseek(errf, 0, SEEK_SET) != 0)
        return;
    n = fread(raw, 1, sizeof raw - 1, errf);
    raw[n] = '\0';
    for (char *line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[strspn(line, " \t\r^")] == '\0')
            continue;
        char one[STDERR_MAX + 1];
        meta_join_lines(one, sizeof one, line, " ");
        int w = snprintf(buf + used, size - used, "%s%s", used ? "; " : "", one);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

static int set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static int set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int meta_plot_gnuplot_timeout(double *seconds, struct meta_error *err)
{
    const char *text = getenv("META_GNUPLOT_TIMEOUT");
    *seconds = DEFAULT_TIMEOUT;
    if (!text || !*text)
        return META_OK;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v <= 0.0 || v > 86400.0 * 365)
        return meta_error_set(err, META_EINVAL,
                              "META_GNUPLOT_TIMEOUT must be a number of seconds > 0, got '%s'",
                              text);
    *seconds = v;
    return META_OK;
}

/* The child's side of the plumbing and its start; its own process group, so
 * that a timeout ends whatever it started too. */
static int spawn(const char *prog, int in_fd, int out_fd, int err_fd, pid_t *pid,
                 struct meta_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int ret = META_OK, rc;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    if (posix_spawnattr_init(&attr) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return meta_error_set(err, META_ENOMEM, "out of memory");
    }
    if (posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO) != 0 ||
        posix_spawnattr_setpgroup(&attr, 0) != 0 ||
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) != 0) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* --default-settings: no ~/.gnuplot, so every user gets the same plot. */
    char *argv[] = {(char *)prog, "--default-settings", NULL};
    rc = posix_spawnp(pid, prog, &fa, &attr, argv, environ);
    if (rc == ENOENT)
        ret = meta_error_set(err, META_EIO,
                             "gnuplot not found: '%s' (install the gnuplot-nox package, or set "
                             "META_GNUPLOT to the gnuplot program)",
                             prog);
    else if (rc != 0)
        ret = meta_error_set(err, META_EIO, "cannot run gnuplot '%s': %s", prog, strerror(rc));
cleanup:
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return ret;
}

/* What the loop between meta and a running gnuplot saw. */
struct exchange {
    int in, out;              /* the script's socket, the plot's pipe; -1 once closed */
    const char *script;       /* what is left to send */
    size_t left;              /* its length */
    int send_err;             /* errno that stopped the script, or 0 */
    size_t received;          /* bytes of plot written to the output */
    bool timed_out;           /* the deadline passed */
    int write_ret;            /* the output's failure (err set), or META_OK */
    struct meta_fs_out *dest; /* where the plot goes; NULL: discarded */
};

/* Sends what the socket takes of the script without blocking. */
static void send_some(struct exchange *x)
{
    while (x->left > 0) {
        ssize_t n = send(x->in, x->script, x->left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0) {
            x->send_err = errno;
            x->left = 0;
            break;
        }
        x->script += n;
        x->left -= (size_t)n;
    }
    close(x->in); /* the end of the script */
    x->in = -1;
}

/* Moves what the pipe holds of the plot into the output. */
static void receive_some(struct exchange *x, struct meta_error *err)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(x->out, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            close(x->out); /* gnuplot closed its standard output */
            x->out = -1;
            return;
        }
        x->received += (size_t)n;
        if (x->dest && x->write_ret == META_OK)
            x->write_ret = meta_fs_out_write(x->dest, buf, (size_t)n, err);
    }
}

/* Runs the exchange until gnuplot closed its output and the script is
 * sent, the output failed, or the deadline passed. */
static void exchange(struct exchange *x, double deadline, struct meta_error *err)
{
    while ((x->in >= 0 || x->out >= 0) && x->write_ret == META_OK) {
        struct pollfd p[2];
        nfds_t n = 0;
        if (x->in >= 0)
            p[n++] = (struct pollfd){.fd = x->in, .events = POLLOUT};
        if (x->out >= 0)
            p[n++] = (struct pollfd){.fd = x->out, .events = POLLIN};
        double left = deadline - now_seconds();
        if (left <= 0) {
            x->timed_out = true;
            return;
        }
        int ms = left > 1e6 ? 1000000000 : (int)ceil(left * 1000.0);
        int ready = poll(p, n, ms);
        if (ready < 0 && errno != EINTR) {
            x->timed_out = true; /* cannot wait: end it as a timeout would */
            return;
        }
        if (ready <= 0)
            continue;
        for (nfds_t i = 0; i < n; i++) {
            if (!p[i].revents)
                continue;
            if (p[i].fd == x->in)
                send_some(x);
            else
                receive_some(x, err);
        }
    }
}

/* Waits for gnuplot to exit until the deadline; kills its process group
 * when it passes (or when kill_now). Sets *killed. Returns META_OK or
 * META_EIO when it cannot wait. */
static int reap(pid_t pid, double deadline, bool kill_now, int *status, bool *killed,
                struct meta_error *err)
{
    *killed = false;
    for (;;) {
        if (!kill_now) {
            pid_t r = waitpid(pid, status, WNOHANG);
            if (r == pid)
                return META_OK;
            if (r < 0 && errno != EINTR)
                return meta_error_set(err, META_EIO, "cannot wait for gnuplot: %s",
                                      strerror(errno));
        }
        if (kill_now || now_seconds() >= deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            *killed = true;
            while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR)
                    return meta_error_set(err, META_EIO, "cannot wait for gnuplot: %s",
                                          strerror(errno));
            return META_OK;
        }
        poll(NULL, 0, 5);
    }
}

int meta_plot_run_gnuplot(const char *script, size_t len, const char *gnuplot_path,
                          struct meta_fs_out *out, struct meta_error *err)
{
    const char *prog = gnuplot_path;
    char messages[STDERR_MAX + 1];
    int sv[2] = {-1, -1}, op[2] = {-1, -1}, status = 0;
    int ret = META_OK;
    FILE *errf = NULL;
    pid_t pid;
    double timeout;
    bool killed = false;

    if (!prog || !*prog)
        prog = getenv("META_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";
    if ((ret = meta_plot_gnuplot_timeout(&timeout, err)) != META_OK)
        return ret;

    errf = tmpfile();
    if (!errf || set_cloexec(fileno(errf)) != 0) {
        ret = meta_error_set(err, META_EIO, "cannot create a temporary file for gnuplot: %s",
                             strerror(errno));
        goto cleanup;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || pipe2(op, O_CLOEXEC) != 0) {
        ret = meta_error_set(err, META_EIO, "cannot open a pipe to gnuplot: %s", strerror(errno));
        goto cleanup;
    }
    if ((ret = spawn(prog, sv[1], op[1], fileno(errf), &pid, err)) != META_OK)
        goto cleanup;
    double deadline = now_seconds() + timeout;
    close(sv[1]);
    close(op[1]);
    sv[1] = op[1] = -1;
    struct exchange x = {.in = sv[0],
                         .out = op[0],
                         .script = script,
                         .left = len,
                         .write_ret = META_OK,
                         .dest = out};
    sv[0] = op[0] = -1;
    if (set_nonblock(x.in) != 0 || set_nonblock(x.out) != 0) {
        ret = meta_error_set(err, META_EIO, "cannot talk to gnuplot: %s", strerror(errno));
        x.write_ret = ret;
    } else {
        if (len == 0)
            send_some(&x);
        exchange(&x, deadline, err);
    }
    if (x.in >= 0)
        close(x.in);
    if (x.out >= 0)
        close(x.out);
    /* An output that failed stops gnuplot at once; else it gets what is
     * left of its time to exit. */
    int waited = reap(pid, deadline, x.write_ret != META_OK || x.timed_out, &status, &killed,
                      x.write_ret != META_OK ? NULL : err);
    if (x.write_ret != META_OK) {
        ret = x.write_ret; /* err says which path and why */
        goto cleanup;
    }
    if ((ret = waited) != META_OK)
        goto cleanup;
    read_stderr(errf, messages, sizeof messages);
    if (killed) {
        ret = meta_error_set(err, META_EIO,
                             "gnuplot did not finish within %g seconds and was stopped (set "
                             "META_GNUPLOT_TIMEOUT to allow more)%s%s",
                             timeout, *messages ? ": " : "", messages);
        goto cleanup;
    }
    if (WIFSIGNALED(status)) {
        ret = meta_error_set(err, META_EIO, "gnuplot was killed by signal %d%s%s", WTERMSIG(status),
                             *messages ? ": " : "", messages);
        goto cleanup;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ret = meta_error_set(err, META_EIO, "gnuplot failed (exit status %d)%s%s",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1, *messages ? ": " : "",
                             messages);
        goto cleanup;
    }
    if (x.send_err != 0) {
        ret = meta_error_set(err, META_EIO, "gnuplot stopped reading its script: %s%s%s",
                             strerror(x.send_err), *messages ? ": " : "", messages);
        goto cleanup;
    }
    if (out && x.received == 0)
        ret = meta_error_set(err, META_EIO, "gnuplot wrote nothing to '%s'%s%s", out->path,
                             *messages ? ": " : "", messages);
cleanup:
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (op[i] >= 0)
            close(op[i]);
    }
    if (errf)
        fclose(errf);
    return ret;
}
