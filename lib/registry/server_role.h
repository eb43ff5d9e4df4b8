/*
 * Which kind of server a registry connection reached: a primary that takes
 * writes, a hot standby of PostgreSQL's streaming replication, or a session
 * that is read-only by configuration. Readers work on all three; what writes
 * (loading, migrating) needs the first, and says so naming the server.
 */
#ifndef META_SERVER_ROLE_H
#define META_SERVER_ROLE_H

#include "meta_status.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* What meta_server_role_probe found about the server of a connection. */
struct meta_server_role {
    bool standby;     /* in recovery: a hot standby */
    bool read_only;   /* takes no writes: a standby, or default_transaction_read_only on */
    char server[768]; /* how messages name it, in libpq's words: server on socket "..." */
};

/*
 * Asks the server of conn (one query) whether it is in recovery and whether
 * its sessions default to read-only, the two facts libpq's
 * target_session_attrs judges by, and names it from the host and port the
 * connection reached (with several hosts in the connection string, the one
 * libpq chose). Returns META_OK with *role filled, or META_EDB.
 */
int meta_server_role_probe(PGconn *conn, struct meta_server_role *role, struct meta_error *err);

/*
 * The schema check for a server that takes no writes, in place of migrating:
 * META_OK when it holds exactly the program's migrations; META_EINVAL naming
 * the server when it holds none, fewer (a standby behind the program: the
 * primary migrates, the standby replays) or ones the program does not know;
 * META_EDB when the query fails.
 */
int meta_server_role_check_schema(PGconn *conn, const struct meta_server_role *role,
                                  struct meta_error *err);

/*
 * META_OK when the server takes writes; otherwise META_EDB with a message
 * naming the server, why it takes none, and what to do: connect to the
 * primary, which target_session_attrs=read-write finds among several hosts.
 * what names the writing action for the message ("loading"); NULL says
 * "writing to the registry".
 */
int meta_server_role_require_writable(const struct meta_server_role *role, const char *what,
                                      struct meta_error *err);

/* "read-write", "hot standby, read-only" or "read-only session": the state
 * for status output. Static storage. */
const char *meta_server_role_state(const struct meta_server_role *role);

/* Makes every later transaction of conn read-only by default
 * (SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY). META_EDB on failure. */
int meta_server_role_set_read_only(PGconn *conn, struct meta_error *err);

#endif
