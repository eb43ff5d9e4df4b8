/*
 * `meta help [COMMAND]`: the overview of the commands, or the usage text of
 * one of them (the same text as `meta COMMAND --help`).
 */
#include "cli_common.h"
#include "commands.h"
#include "parse_options.h"

#include <stdio.h>

const char cmd_help_usage[] = "usage: meta help [COMMAND]\n\n"
                              "Shows the commands of meta, or the options of one command.\n";

int cmd_help(int argc, char **argv)
{
    int n = 0;
    const struct cli_option options[] = {CLI_END};
    int status = cli_parse_options("help", argc, argv, options, &n);
    if (status != CLI_CONTINUE)
        return status;
    if (n == 0) {
        meta_commands_overview(stdout);
        return 0;
    }
    const struct meta_command *c = meta_command_find(argv[1]);
    if (!c)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return 0;
}
