/*
 * The command table of the `meta` program (see commands.h): each command's
 * name, entry point, one-line summary and usage text, and the overview that
 * `meta help` and a bare `meta` print from it.
 */
#include "commands.h"

#include <string.h>

const struct meta_command meta_commands[] = {
    {"db", cmd_db, "manage the registry database (init, start, stop, status)", cmd_db_usage},
    {"load", cmd_load, "load arm-level CSV files, all or nothing", cmd_load_usage},
    {"import", cmd_import,
     "import published evidence: Cochrane data packages, RevMan 5, ClinicalTrials.gov",
     cmd_import_usage},
    {"list", cmd_list, "what the registry holds: trials, outcomes, treatments", cmd_list_usage},
    {"pool", cmd_pool, "pooled effect, confidence and prediction intervals, heterogeneity",
     cmd_pool_usage},
    {"bias", cmd_bias, "small-study tests (Egger, Begg) and trim-and-fill", cmd_bias_usage},
    {"regress", cmd_regress, "meta-regression on trial attributes, bubble plot", cmd_regress_usage},
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

void meta_commands_overview(FILE *out)
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
