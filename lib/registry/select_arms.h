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

struct json_object;

/* One arm as stored: its trial, label, treatment and its attributes as the
 * text of their JSON object (NULL: none), parsed the first time a value is
 * looked up (meta_arm_info_attr). Owned by the cache. */
struct meta_arm_info {
    long long arm_id, trial_id;
    char *trial, *label, *treatment;
    char *attrs_text;
    struct json_object *attrs; /* attrs_text parsed; NULL until looked up */
};

struct meta_arm_cache;

/* How many arms a cache holds at most across batches: meta_arm_cache_trim
 * forgets them all beyond it (~0.5 KB each, more once their attributes are
 * parsed). */
#define META_ARM_CACHE_BOUND 65536

/* An empty cache; NULL when out of memory. Free with meta_arm_cache_free. */
struct meta_arm_cache *meta_arm_cache_new(void);

/* Frees cache and all it holds (NULL: nothing). */
void meta_arm_cache_free(struct meta_arm_cache *cache);

/* Forgets every arm (a new snapshot sees the registry anew). */
void meta_arm_cache_clear(struct meta_arm_cache *cache);

/* The arm arm_id, or NULL when the cache does not hold it. */
struct meta_arm_info *meta_arm_cache_get(const struct meta_arm_cache *cache, long long arm_id);

/* Forgets every arm when the cache holds more than its bound
 * (META_ARM_CACHE_BOUND unless set by meta_arm_cache_set_bound): called
 * before a batch notes the arms it wants, so every arm a batch joins stays
 * held until the next batch. */
void meta_arm_cache_trim(struct meta_arm_cache *cache);

/* Sets the bound meta_arm_cache_trim applies (at least 1). */
void meta_arm_cache_set_bound(struct meta_arm_cache *cache, size_t bound);

/* Whether the cache holds the arm arm_id, and when not, notes it among those
 * the next meta_arm_cache_fetch reads (an id noted twice is read once). META_OK or META_ENOMEM. */
int meta_arm_cache_want(struct meta_arm_cache *cache, long long arm_id, int *held,
                        struct meta_error *err);

/* Reads the arms noted by meta_arm_cache_want from the registry, in one
 * statement, into the cache. An arm the registry no longer holds stays
 * unknown (meta_arm_cache_get gives NULL). META_OK, META_EDB (err: the
 * server's message) or META_ENOMEM. */
int meta_arm_cache_fetch(PGconn *conn, struct meta_arm_cache *cache, struct meta_error *err);

/* The value of attribute name of arm (`attributes ->> name`) into *value,
 * owned by the cache: NULL when the arm lacks it, or it is JSON null. The
 * attributes are parsed at the first lookup. META_OK; META_EINVAL for a
 * value that is neither a string nor null (its `->>` text only the server
 * spells: read the selection with meta_db_select); META_EDB when the text
 * is not a JSON object; META_ENOMEM. */
int meta_arm_info_attr(struct meta_arm_info *arm, const char *name, const char **value,
                       struct meta_error *err);

#endif
