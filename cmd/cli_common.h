/*
 * What every command shares: messages in the house format
 * (`meta CMD: error: ...`), usage errors, and opening the registry from
 * --db / META_DB / the private cluster.
 */
#ifndef META_CLI_COMMON_H
#define META_CLI_COMMON_H

#include "meta_registry.h"

#include <stdio.h>

#define EXIT_USAGE 2

/* Writes text to out with its control characters escaped (meta_escape):
 * how every name, path and message reaches the terminal. */
void cli_put_escaped(FILE *out, const char *text);

/* Prints one line of results to stdout from a printf format, escaped as
 * cli_put_escaped escapes (the format adds no line break of its own). */
void cli_print_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints `meta CMD: error: MESSAGE` to stderr, escaped (cli_put_escaped),
 * and returns 1. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints `meta CMD: error: MESSAGE`, escaped, and a pointer to --help;
 * returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the usage text of command cmd to out and returns 0. */
int cli_help(const char *cmd, FILE *out);

/* Opens the registry (conninfo may be NULL) for a command that only reads:
 * its transactions are read-only, so it runs on a hot standby as on the
 * primary. On failure prints the error for cmd and returns 1, else 0 with
 * *db set. */
int cli_open_db(const char *cmd, const char *conninfo, struct meta_db **db);

/* Opens the registry for a command that writes: a server that takes no
 * writes (a hot standby) is refused at once, naming it and saying how to
 * reach the primary; `what` names the action ("loading"). Returns as
 * cli_open_db. */
int cli_open_db_writable(const char *cmd, const char *conninfo, const char *what,
                         struct meta_db **db);

/* The status a library failure maps to: always 1 (data, database, runtime). */
int cli_fail(const char *cmd, int status, const struct meta_error *err);

#endif
