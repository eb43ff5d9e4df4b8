/*
 * Fresh databases for the registry and cli suites: each test program gets a
 * database of its own on the shared test server, so tests never see each
 * other's data; and runs of the built binary for the cli suite.
 */
#ifndef META_TEST_DB_H
#define META_TEST_DB_H

#include <stddef.h>

/*
 * Drops and creates database `name` on the test server (META_TEST_DB) and
 * writes a libpq conninfo for it into conninfo (size bytes). Returns 0, or -1
 * with a message on stderr.
 */
int meta_test_db_create(const char *name, char *conninfo, size_t size);

/* The built meta binary (META_BIN), or NULL when the test runs outside ctest. */
const char *meta_test_binary(void);

/* Runs the built binary with args (NULL-terminated, without the program
 * name, at most 62); returns its exit status (-1 if it could not run) and
 * its standard output in *out (malloc'ed, the caller frees; NULL when it
 * could not be read). Its standard error goes to the test's log. */
int meta_test_run(const char *const *args, char **out);

#endif
