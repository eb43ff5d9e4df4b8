/*
 * Child processes for the private cluster (see process.h): fork, drop to the
 * cluster's user when root, close every inherited descriptor but the three
 * standard ones, exec, capture output through a pipe, wait.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int meta_process_user_ids(const char *user, unsigned *uid, unsigned *gid, struct meta_error *err)
{
    struct passwd *pw = getpwnam(user);
    if (!pw)
        return meta_error_set(err, META_EINVAL, "there is no user '%s' to run the server as", user);
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return META_OK;
}

/* In the child: become `user` (root only), wire the pipe to stdout and stderr,
 * exec. Never returns. */
static void exec_child(const char *user, char *const argv[], int out_fd)
{
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam(user);
        if (!pw || initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
            setuid(pw->pw_uid) != 0) {
            dprintf(out_fd, "cannot switch to user '%s': %s\n", user, strerror(errno));
            _exit(126);
        }
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    /* Nothing else the caller had open (root's files, above all) may reach
     * the server programs, and through them a long-lived postmaster. */
    closefrom(STDERR_FILENO + 1);
    /* The server programs complain when the working directory is unreadable
     * to them (root's home, typically). */
    if (chdir("/") != 0)
        _exit(126);
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Appends chunk to the output buffer, keeping the tail when it overflows. */
static void keep_tail(char *output, size_t size, size_t *len, const char *chunk, size_t n)
{
    if (!output || size < 2)
        return;
    size_t cap = size - 1;
    if (n >= cap) {
        memcpy(output, chunk + (n - cap), cap);
        *len = cap;
    } else {
        if (*len + n > cap) {
            size_t drop = *len + n - cap;
            memmove(output, output + drop, *len - drop);
            *len -= drop;
        }
        memcpy(output + *len, chunk, n);
        *len += n;
    }
    output[*len] = '\0';
}

int meta_process_run(const char *user, char *const argv[], char *output, size_t size,
                     int *exit_status, struct meta_error *err)
{
    if (output && size)
        output[0] = '\0';
    int fds[2];
    if (pipe(fds) != 0)
        return meta_error_set(err, META_EIO, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return meta_error_set(err, META_EIO, "cannot start %s: %s", argv[0], strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        exec_child(user, argv, fds[1]);
    }
    close(fds[1]);
    size_t len = 0;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        keep_tail(output, size, &len, chunk, (size_t)n);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return meta_error_set(err, META_EIO, "waiting for %s: %s", argv[0], strerror(errno));
    }
    if (WIFEXITED(status))
        *exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        *exit_status = 128 + WTERMSIG(status);
    else
        *exit_status = 255;
    return META_OK;
}
