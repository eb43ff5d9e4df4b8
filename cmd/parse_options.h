/*
 * The one option parser of the meta program, in the manner of git's
 * parse-options: each command declares its options in a table and the
 * parser reads argv against it; the keys of an analysis request are routed
 * to the request. Analysis files apply their keys through the same table
 * (cli_option_find, cli_option_apply), so the two cannot drift apart.
 */
#ifndef META_PARSE_OPTIONS_H
#define META_PARSE_OPTIONS_H

#include "meta_analysis.h"

enum cli_option_type {
    CLI_OPTION_STRING,   /* --name VALUE: *(const char **)value, borrowed from argv */
    CLI_OPTION_FLAG,     /* --name (or --name=true|false): *(int *)value */
    CLI_OPTION_REQUEST,  /* every key of meta_analysis_options, set in the
                            (struct meta_analysis_request *)value; name is NULL */
    CLI_OPTION_CALLBACK, /* --name VALUE handed to callback(value, ctx) */
    CLI_OPTION_END       /* ends a table */
};

struct cli_option {
    enum cli_option_type type;
    const char *name; /* long name, words joined by '-' */
    char short_name;  /* single-letter form, or 0 */
    void *value;      /* see the types; the context of a callback */
    /* CLI_OPTION_CALLBACK: applies value; returns META_OK or a status with
     * e->err saying why (e->key NULL). */
    int (*callback)(const struct cli_option *opt, const char *value, struct meta_request_error *e);
};

#define CLI_STRING(name, short_name, ptr)                                                          \
    {                                                                                              \
        CLI_OPTION_STRING, name, short_name, ptr, NULL                                             \
    }
#define CLI_FLAG(name, ptr)                                                                        \
    {                                                                                              \
        CLI_OPTION_FLAG, name, 0, ptr, NULL                                                        \
    }
#define CLI_REQUEST(req)                                                                           \
    {                                                                                              \
        CLI_OPTION_REQUEST, NULL, 0, req, NULL                                                     \
    }
#define CLI_CALLBACK(name, ctx, fn)                                                                \
    {                                                                                              \
        CLI_OPTION_CALLBACK, name, 0, ctx, fn                                                      \
    }
#define CLI_END                                                                                    \
    {                                                                                              \
        CLI_OPTION_END, NULL, 0, NULL, NULL                                                        \
    }

/* What cli_parse_options() returns when the command should go on. */
#define CLI_CONTINUE (-1)

/*
 * Parses the arguments of command cmd (argv[0] is its name) against
 * `options`: --name VALUE, --name=VALUE, -s VALUE, -sVALUE, flags, and
 * --help/-h (prints the command's usage). With `n_positional` non-NULL,
 * arguments that are not options may come anywhere, and all after "--";
 * they are moved, in order, to argv[1..*n_positional] (as GNU getopt
 * permutes); without it they are refused. Returns
 * CLI_CONTINUE, or the exit status to return at once: 0 after --help, 2
 * after a usage error it printed (unknown option, with the close ones;
 * missing value; a value a request key refuses), 1 when out of memory.
 */
int cli_parse_options(const char *cmd, int argc, char **argv, const struct cli_option *options,
                      int *n_positional);

/* The option of `options` that handles long name `name` (a request key when
 * the table routes them); NULL when none does. */
const struct cli_option *cli_option_find(const struct cli_option *options, const char *name);

/* Whether option o (found for `name`) takes a value. */
int cli_option_takes_value(const struct cli_option *o, const char *name);

/*
 * Applies option o, found for `name`, with its value (NULL for a flag given
 * bare). Returns META_OK, or META_EINVAL / META_ENOMEM with e saying why
 * (e->key set for a request key), its keys named with e->spell.
 */
int cli_option_apply(const struct cli_option *o, const char *name, const char *value,
                     struct meta_request_error *e);

/* How the command line names a request key: "--leave-one-out". */
void cli_spell_option(char *buf, size_t size, const char *key);

#endif
