/*
 * The schema migrations compiled into the program (generated from sql/ by
 * embed_sql.cmake) and the function that applies them.
 */
#ifndef META_MIGRATIONS_H
#define META_MIGRATIONS_H

#include "meta_status.h"

#include <libpq-fe.h>

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

#endif
