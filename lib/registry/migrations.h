/*
 * The schema migrations compiled into the program (generated from sql/ by
 * embed_sql.cmake) and the function that applies them.
 */
#ifndef META_MIGRATIONS_H
#define META_MIGRATIONS_H

#include "meta_status.h"

#include <libpq-fe.h>
#include <stdbool.h>

struct meta_migration {
    int version;          /* NNN of sql/NNN_name.sql */
    const char *name;     /* NNN_name */
    const char *checksum; /* SHA-256 of the file, lowercase hex */
    const char *sql;      /* the file's text */
};

extern const struct meta_migration meta_migrations[];
extern const int meta_migration_count;

/*
 * Applies every migration the database lacks, each in its own transaction,
 * serialised against other processes by an advisory lock, and records it in
 * schema_version with its checksum. Fails with META_EINVAL when an applied
 * migration's checksum differs from the program's, or the database holds a
 * migration this program does not know.
 */
int meta_migrate(PGconn *conn, struct meta_error *err);

/*
 * Reads which migrations the database holds without changing anything, for a
 * server that takes no writes (a hot standby). *has_table says whether it
 * holds a schema_version table at all; *applied is how many migrations it
 * records (0 without the table), each the program's own of that rank. Fails
 * with META_EINVAL as meta_migrate does when a recorded migration is unknown
 * to the program or differs from it, META_EDB when the query fails.
 */
int meta_migrate_applied(PGconn *conn, bool *has_table, int *applied, struct meta_error *err);

#endif
