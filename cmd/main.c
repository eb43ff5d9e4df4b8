/*
 * The `meta` program: main() finds the command in the table (commands.c),
 * one file each (cmd_<name>.c), in the manner of git, and returns the
 * command's exit status.
 */
#include "cli_common.h"
#include "commands.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    setlocale(LC_CTYPE, "");
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
