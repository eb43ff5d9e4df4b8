/*
 * The wait of `meta load` for the advisory lock that makes loads run one
 * after the other: bounded, and said. When another session holds the lock,
 * the load learns who (the holder's server pid, application and role, and
 * since when) from PostgreSQL's pg_locks and pg_stat_activity, tells its
 * caller before it waits, and gives up after the time it was given.
 */
#ifndef META_LOAD_LOCK_H
#define META_LOAD_LOCK_H

#include "meta_registry.h"

#include <stddef.h>

/* How long a load waits for the lock unless told otherwise, in seconds. */
#define META_LOAD_WAIT_DEFAULT 120.0

/* The session holding the load lock, as far as PostgreSQL shows it to the
 * loader; strings are "" when it does not say (another role's session may
 * hide its details). */
struct meta_lock_holder {
    int pid;              /* its server process; 0 when the holder was gone before asked */
    char application[64]; /* application_name ("meta", "psql"...) */
    char user[64];        /* its role */
    char since[64];       /* when its transaction (else its session) began */
};

/* Called once, before a load waits: who holds the lock and how long the
 * load will wait (seconds). */
typedef void (*meta_load_wait_fn)(const struct meta_lock_holder *holder, double seconds, void *ctx);

/* How loads on a connection wait for the lock. */
struct meta_load_wait {
    double seconds;            /* at most this long (0: not at all); < 0 means the default */
    meta_load_wait_fn on_wait; /* told before waiting; may be NULL */
    void *ctx;
};

/* Writes the holder as messages name it into buf: "pid P (application 'A',
 * user 'U', since T)" with what is known, or "another session". */
void meta_lock_holder_describe(char *buf, size_t size, const struct meta_lock_holder *h);

/* Sets how the loads of db (meta_db_load and meta_loader_finish) wait for the lock; until this is
 * called they wait META_LOAD_WAIT_DEFAULT seconds and tell nobody. w is
 * copied. */
void meta_load_set_wait(struct meta_db *db, const struct meta_load_wait *w);

/*
 * Takes the transaction-level advisory lock `key` (a bigint, as text) of
 * the loads on db, inside the caller's transaction. When another session
 * holds it: asks PostgreSQL who, calls the wait's on_wait, and waits at most
 * the wait's seconds (lock_timeout for this statement only). Returns
 * META_OK once the lock is held; META_EDB when the wait ran out (err: "gave
 * up waiting N seconds for the load lock, held by pid P (application 'A',
 * user 'U', since T)"; the transaction is then aborted) or the database
 * failed.
 */
int meta_load_lock(struct meta_db *db, const char *key, struct meta_error *err);

#endif
