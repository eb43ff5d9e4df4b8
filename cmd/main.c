/*
 * The `meta` program: a table of commands, one file each (cmd_<name>.c), in
 * the manner of git. main() dispatches and returns the command's exit status.
 */
#include "commands.h"
#include "cli_common.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

const struct meta_command meta_commands[] = {
    {"db", cmd_db, "manage the registry database (init, start, stop, status)", cmd_db_usage},
    {"load", cmd_load, "load arm-level CSV files, all or nothing", cmd_load_usage},
    {"list", cmd_list, "what the registry holds: trials, outcomes, treatments", cmd_list_usage},
    {"pool", cmd_pool, "pooled effect, confidence and prediction intervals, heterogeneity",
     cmd_pool_usage},
    {"forest", cmd_forest, "forest plot of an analysis (PNG, SVG, PDF) through gnuplot",
     cmd_forest_usage},
    {"funnel", cmd_funnel, "funnel plot of an analysis", cmd_funnel_usage},
    {"run", cmd_run, "run declared analyses (analyses/*.ini): tables and plots", cmd_run_usage},
    {"help", cmd_help, "show help for meta or one of its commands", cmd_help_usage},
    {NULL, NULL, NULL, NULL},
};

const struct meta_command *meta_command_find(const char *name)
{
    for (const struct meta_command *c = meta_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_overview(FILE *out)
{
    fputs("usage: meta COMMAND [OPTIONS]\n\n"
          "meta: a registry of clinical-trial outcomes and meta-analysis of them.\n\n"
          "commands:\n",
          out);
    for (const struct meta_command *c = meta_commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    fputs("\nThe registry is the PostgreSQL server named by --db CONNINFO or META_DB, else\n"
          "meta's private cluster in $META_HOME (default ~/.local/share/meta).\n"
          "Run 'meta help COMMAND' or 'meta COMMAND --help' for a command's options.\n",
          out);
}

const char cmd_help_usage[] = "usage: meta help [COMMAND]\n\n"
                              "Shows the commands of meta, or the options of one command.\n";

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stdout);
        return 0;
    }
    const struct meta_command *c = meta_command_find(argv[1]);
    if (!c)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    setlocale(LC_CTYPE, "");
    if (argc < 2) {
        print_overview(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_overview(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("meta %s\n", META_VERSION);
        return 0;
    }
    const struct meta_command *c = meta_command_find(argv[1]);
    if (!c) {
        fprintf(stderr, "meta: error: unknown command '%s'\nsee 'meta help'\n", argv[1]);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
