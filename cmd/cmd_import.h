/*
 * `meta import SOURCE ...`: the sources meta imports from, one entry each
 * in cmd_import.c's table (a Cochrane data package, a RevMan 5 file,
 * ClinicalTrials.gov records), and how the Cochrane and RevMan imports show
 * what they did (import_output.c).
 */
#ifndef META_CMD_IMPORT_H
#define META_CMD_IMPORT_H

#include "meta_importer.h"

#include <stdio.h>

/* One source of `meta import`: its name (the word after import) and its
 * entry point, which takes the arguments from the source's name on (argv[0]
 * is the name), prints its own usage for --help (cmd_import_help_asked) and
 * returns the exit status. */
struct cmd_import_source {
    const char *name;
    int (*run)(int argc, char **argv);
};

/* ClinicalTrials.gov records (cmd_import_ctgov.c): the arguments after
 * `import` (argv[0] is "ctgov"); returns the exit status. */
int cmd_import_ctgov(int argc, char **argv);
extern const char cmd_import_ctgov_usage[];

/* Whether argv[1..argc-1] asks for help (-h or --help before any "--"). */
int cmd_import_help_asked(int argc, char **argv);

/* Prints what an import stored (table: a few summary lines and the skipped
 * rows; json: one object). dir, when not NULL, is where the analysis files
 * went, with how many were written and for how many analyses none was
 * (see meta_import_write_analyses).
 * Returns 0, or 1 when out of memory. */
int cmd_import_print_report(FILE *out, const struct meta_import_report *r, int json,
                            const char *dir, size_t written, size_t skipped);

/* Prints the check: one line per analysis (and, for one that disagrees, each
 * number that differs) and a summary line; or, with json, the array of
 * INTERFACE.md section 4. Returns 0, or 1 when out of memory. */
int cmd_import_print_check(FILE *out, const struct meta_check_report *c, int json);

#endif
