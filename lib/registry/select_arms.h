/*
 * The arms (with their trials) that reading many selections has met, kept
 * by arm id: the statement that reads a batch of selections then sends only
 * each result row's numbers and arm id, and what an arm and its trial say
 * is read from the server once per snapshot instead of once per row.
 */
#ifndef META_SELECT_ARMS_H
#define META_SELECT_ARMS_H

#include "meta_status.h"

#include <libpq-fe.h>
#include <stddef.h>

/* One arm as stored: its trial, label, treatment and its attributes, each
 * value as PostgreSQL's `->>` gives it (a string as is, other JSON as
 * text; NULL for JSON null). Owned by the cache. */
struct meta_arm_info {
    long long arm_id, trial_id;
    char *trial, *label, *treatment;
    size_t n_attrs;
    char **keys, **values;
};

struct meta_arm_cache;

/* An empty cache; NULL when out of memory. Free with meta_arm_cache_free. */
struct meta_arm_cache *meta_arm_cache_new(void);

/* Frees cache and all it holds (NULL: nothing). */
void meta_arm_cache_free(struct meta_arm_cache *cache);

/* Forgets every arm (a new snapshot sees the registry anew). */
void meta_arm_cache_clear(struct meta_arm_cache *cache);

/* The arm arm_id, or NULL when the cache does not hold it. */
const struct meta_arm_info *meta_arm_cache_get(const struct meta_arm_cache *cache,
                                               long long arm_id);

/* Whether the cache holds the arm arm_id, and when not, notes it among those
 * the next meta_arm_cache_fetch reads (an id noted twice is read once). META_OK or META_ENOMEM. */
int meta_arm_cache_want(struct meta_arm_cache *cache, long long arm_id, int *held,
                        struct meta_error *err);

/* Reads the arms noted by meta_arm_cache_want from the registry, in one
 * statement, into the cache. An arm the registry no longer holds stays
 * unknown (meta_arm_cache_get gives NULL). META_OK, META_EDB (err: the
 * server's message) or META_ENOMEM. */
int meta_arm_cache_fetch(PGconn *conn, struct meta_arm_cache *cache, struct meta_error *err);

/* The value of attribute name of arm (`attributes ->> name`): NULL when
 * the arm lacks it, or it is JSON null. */
const char *meta_arm_info_attr(const struct meta_arm_info *arm, const char *name);

#endif
