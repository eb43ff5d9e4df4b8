/*
 * What the loading and listing tests share: a fresh database per case, CSV
 * files written to a temporary directory, one-cell queries, and a canonical
 * text dump of the registry to compare states.
 */
#ifndef META_TEST_LOAD_UTIL_H
#define META_TEST_LOAD_UTIL_H

#include "meta_load.h"

#include <stddef.h>

/* Creates database name on the test server, opens it as a registry (schema
 * migrated) and writes its conninfo (size bytes). Returns 0 or -1. */
int meta_test_load_db(const char *name, char *conninfo, size_t size, struct meta_db **db);

/* Closes *db (when open) and opens a fresh database called name in its
 * place (CUnit fatal assertion on failure). */
void meta_test_load_fresh(const char *name, char *conninfo, size_t size, struct meta_db **db);

/* Closes *db and removes the temporary directory: a suite's clean-up. */
int meta_test_load_close(struct meta_db **db);

/* Asserts that the registry at conninfo, as meta_test_load_snapshot(,0)
 * shows it, is expected. */
void meta_test_load_expect_snapshot(const char *conninfo, const char *expected);

/* Writes text to a file called name in the program's temporary directory,
 * which becomes the working directory on first use (removed by
 * meta_test_load_cleanup), and returns name, so that messages name the
 * file as the test gave it. NULL on failure. */
const char *meta_test_load_file(const char *name, const char *text);

/* Removes the temporary directory. */
void meta_test_load_cleanup(void);

/* Runs sql on a new connection to conninfo and returns the first cell of the
 * first row (malloc'd), "" for no rows, or NULL with a message on stderr. */
char *meta_test_load_query(const char *conninfo, const char *sql);

/* The registry as sorted text lines: trials, arms (treatment, attributes),
 * outcomes (kind), results (values, their own attributes when any, and the
 * file of the load that brought them), estimates (every column), and the
 * number of loads. With ids, also each result's load id. malloc'd; NULL on
 * failure. */
char *meta_test_load_snapshot(const char *conninfo, int with_ids);

/* The registry's indexes and constraints as sorted text lines (name,
 * table, definition): what a load must leave as the migrations made it.
 * malloc'd; NULL on failure. */
char *meta_test_load_indexes(const char *conninfo);

/* Loads the NULL-terminated list of paths into db; report must be
 * initialised. Returns meta_db_load's status; err receives its message. */
int meta_test_load_files(struct meta_db *db, struct meta_load_report *report,
                         struct meta_error *err, const char *path, ...);

/* The kept messages of report->errors joined with newlines (static buffer). */
const char *meta_test_load_messages(const struct meta_load_report *report);

/* Asserts (CUnit) that the first cell of sql on conninfo is expected. */
void meta_test_load_expect_query(const char *conninfo, const char *sql, const char *expected);

/* Asserts that the kept messages of report are exactly expected (joined
 * with newlines). */
void meta_test_load_expect_messages(const struct meta_load_report *report, const char *expected);

/* Loads the NULL-terminated list of paths into db and asserts META_EINVAL
 * with exactly the expected messages, no file reports, and the registry at
 * conninfo unchanged. */
void meta_test_load_expect_refused(struct meta_db *db, const char *conninfo, const char *expected,
                                   const char *path, ...);

#endif
