/*
 * The `meta` program: main() finds the command in the table (commands.c),
 * one file each (cmd_<name>.c), in the manner of git, and returns the
 * command's exit status; and, whatever the command, checks that its
 * standard output was written whole (as git and coreutils do).
 */
#define _GNU_SOURCE /* fopencookie */
#include "cli_common.h"
#include "commands.h"
#include "safe_out.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Why the first write to standard output failed, 0 while none has. */
static int stdout_errno;

/* Standard output's writes, through which stdio's stream goes: all bytes or
 * a failure whose errno is kept, since stdio forgets it once it drops the
 * buffer it could not write. */
static ssize_t write_stdout(void *cookie, const char *buf, size_t len)
{
    (void)cookie;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(STDOUT_FILENO, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!stdout_errno)
                stdout_errno = n < 0 ? errno : ENOSPC;
            return 0; /* stdio's "error" */
        }
        done += (size_t)n;
    }
    return (ssize_t)len;
}

/* Puts standard output through write_stdout, buffered as stdio buffers a
 * terminal (by line) or anything else (in blocks). */
static void watch_stdout(void)
{
    cookie_io_functions_t io = {NULL, write_stdout, NULL, NULL};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f)
        return; /* the plain stream: failures are still found, without errno */
    if (isatty(STDOUT_FILENO))
        setvbuf(f, NULL, _IOLBF, 0);
    stdout = f;
}

/* Flushes and closes standard output: a command whose results could not be
 * written (a full disk, /dev/full) fails, with the reason, even when it had
 * nothing else to report. cmd is the command's name, NULL for meta itself. */
static int close_stdout(const char *cmd, int status)
{
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_fs_stream_close(stdout, "standard output", &err);
    if (ret == META_OK && !stdout_errno)
        return status;
    if (stdout_errno)
        meta_error_set(&err, META_EIO, "cannot write 'standard output': %s",
                       strerror(stdout_errno));
    if (cmd) {
        cli_error(cmd, "%s", err.msg);
    } else {
        fputs("meta: error: ", stderr);
        cli_put_escaped(stderr, err.msg);
        fputc('\n', stderr);
    }
    return status ? status : 1;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        meta_commands_overview(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        meta_commands_overview(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("meta %s\n", META_VERSION);
        return 0;
    }
    const struct meta_command *c = meta_command_find(argv[1]);
    if (!c) {
        fputs("meta: error: unknown command '", stderr);
        cli_put_escaped(stderr, argv[1]);
        fputs("'\nsee 'meta help'\n", stderr);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    setlocale(LC_CTYPE, "");
    watch_stdout();
    const struct meta_command *c = argc >= 2 ? meta_command_find(argv[1]) : NULL;
    return close_stdout(c ? c->name : NULL, run(argc, argv));
}
