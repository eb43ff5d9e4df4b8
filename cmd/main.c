/*
 * The `meta` program: main() finds the command in the table (commands.c),
 * one file each (cmd_<name>.c), in the manner of git, and returns the
 * command's exit status; and, whatever the command, checks that its
 * standard output was written whole (as git and coreutils do) and has an
 * interrupt remove the output files still being written.
 */
#include "cli_common.h"
#include "commands.h"
#include "safe_out.h"
#include "temp_cleanup.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Why the first write to standard output failed, 0 while none has. */
static int stdout_errno;

/* Puts standard output through a stream that keeps the reason of its first
 * failed write (meta_fs_stream_fd), which stdio would forget. */
static void watch_stdout(void)
{
    FILE *f = meta_fs_stream_fd(STDOUT_FILENO, &stdout_errno);
    if (f)
        stdout = f; /* else the plain stream: failures are still found */
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
    meta_temp_remove_on_signals();
    setlocale(LC_CTYPE, "");
    watch_stdout();
    const struct meta_command *c = argc >= 2 ? meta_command_find(argv[1]) : NULL;
    return close_stdout(c ? c->name : NULL, run(argc, argv));
}
