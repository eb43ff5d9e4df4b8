/*
 * The commands of the `meta` program and their table (commands.c). Each
 * lives in cmd/cmd_<name>.c, takes
 * the arguments after the command name (argv[0] is the command name) and
 * returns the exit status: 0 success, 1 data/database/runtime error, 2 usage.
 */
#ifndef META_COMMANDS_H
#define META_COMMANDS_H

#include <stdio.h>

struct meta_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* one line for `meta help` */
    const char *usage;   /* the full text for `meta help NAME` and NAME --help */
};

/* The command table, terminated by an entry whose name is NULL. */
extern const struct meta_command meta_commands[];

/* Looks a command up by name; NULL when there is none. */
const struct meta_command *meta_command_find(const char *name);

/* Prints the usage line and the commands with their summaries to out. */
void meta_commands_overview(FILE *out);

int cmd_db(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pool(int argc, char **argv);
int cmd_bias(int argc, char **argv);
int cmd_regress(int argc, char **argv);
int cmd_forest(int argc, char **argv);
int cmd_funnel(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_help(int argc, char **argv);

extern const char cmd_db_usage[];
extern const char cmd_load_usage[];
extern const char cmd_import_usage[];
extern const char cmd_list_usage[];
extern const char cmd_pool_usage[];
extern const char cmd_bias_usage[];
extern const char cmd_regress_usage[];
extern const char cmd_forest_usage[];
extern const char cmd_funnel_usage[];
extern const char cmd_run_usage[];
extern const char cmd_help_usage[];

#endif
