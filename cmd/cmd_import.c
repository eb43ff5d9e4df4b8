/*
 * `meta import SOURCE ...`: published results into the registry, one
 * sub-command per kind of source, found in a table like the commands
 * themselves; each source parses its own options (cmd_import_<source>.c).
 * `meta import SOURCE --help` shows the source's usage.
 */
#include "cmd_import.h"
#include "cli_common.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

struct import_source {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct import_source import_sources[] = {
    {"ctgov", cmd_import_ctgov, cmd_import_ctgov_usage},
    {NULL, NULL, NULL},
};

const char cmd_import_usage[] =
    "usage: meta import SOURCE [OPTIONS] PATH...\n"
    "\n"
    "Stores published trial results in the registry: every file of one call in one\n"
    "transaction, each recorded as a load (its name and SHA-256); importing a file\n"
    "again replaces what it brought, so that the same file twice changes nothing.\n"
    "\n"
    "sources:\n"
    "  ctgov    ClinicalTrials.gov records with posted results (API v2 JSON, or the\n"
    "           retired XML): outcome measures, statistical analyses, adverse events\n"
    "\n"
    "Run 'meta import SOURCE --help' for the options of a source.\n";

static const struct import_source *find_source(const char *name)
{
    for (const struct import_source *s = import_sources; s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

/* Whether the arguments ask for help before any "--". */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("import", "expected a source (ctgov)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cli_help("import", stdout);
    const struct import_source *s = find_source(argv[1]);
    if (!s) {
        char known[256] = "";
        size_t used = 0;
        for (const struct import_source *k = import_sources; k->name && used < sizeof known; k++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
                                     k == import_sources ? "" : ", ", k->name);
        return cli_usage_error("import", "unknown source '%s' (expected %s)", argv[1], known);
    }
    if (wants_help(argc - 1, argv + 1)) {
        fputs(s->usage, stdout);
        return 0;
    }
    return s->run(argc - 1, argv + 1);
}
