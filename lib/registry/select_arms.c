/*
 * The arms a snapshot's selections have met (see select_arms.h): a table
 * of arm ids opened by hashing, the arms themselves in one growing array,
 * and the ids still to read from the registry.
 */
#include "select_arms.h"

#include "pg_util.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct meta_arm_cache {
    struct meta_arm_info *arms;
    size_t count, cap;
    size_t *slots;  /* index + 1 into arms; 0: empty */
    size_t n_slots; /* a power of two, at least twice count */
    size_t bound;   /* meta_arm_cache_trim forgets all beyond it; 0: the default */
    long long *wanted;
    size_t n_wanted, cap_wanted;
};

static size_t slot_of(long long id, size_t n_slots)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (n_slots - 1);
}

struct meta_arm_cache *meta_arm_cache_new(void)
{
    return calloc(1, sizeof(struct meta_arm_cache));
}

static void free_arm(struct meta_arm_info *a)
{
    free(a->trial);
    free(a->label);
    free(a->treatment);
    free(a->attrs_text);
    json_object_put(a->attrs);
}

void meta_arm_cache_clear(struct meta_arm_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->count; i++)
        free_arm(&cache->arms[i]);
    cache->count = 0;
    cache->n_wanted = 0;
    if (cache->slots)
        memset(cache->slots, 0, cache->n_slots * sizeof *cache->slots);
}

void meta_arm_cache_free(struct meta_arm_cache *cache)
{
    if (!cache)
        return;
    meta_arm_cache_clear(cache);
    free(cache->arms);
    free(cache->slots);
    free(cache->wanted);
    free(cache);
}

void meta_arm_cache_trim(struct meta_arm_cache *cache)
{
    if (cache->count > (cache->bound ? cache->bound : META_ARM_CACHE_BOUND))
        meta_arm_cache_clear(cache);
}

void meta_arm_cache_set_bound(struct meta_arm_cache *cache, size_t bound)
{
    cache->bound = bound ? bound : 1;
}

struct meta_arm_info *meta_arm_cache_get(const struct meta_arm_cache *cache, long long arm_id)
{
    if (!cache->n_slots)
        return NULL;
    for (size_t s = slot_of(arm_id, cache->n_slots);; s = (s + 1) & (cache->n_slots - 1)) {
        size_t k = cache->slots[s];
        if (k == 0)
            return NULL;
        if (cache->arms[k - 1].arm_id == arm_id)
            return &cache->arms[k - 1];
    }
}

/* Room in the array *items (*cap entries of size bytes) for entry count:
 * doubled when full. META_OK or META_ENOMEM (the array unchanged). */
static int room(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return META_OK;
    size_t more = *cap ? 2 * *cap : 64;
    void *p = realloc(*items, more * size);
    if (!p)
        return META_ENOMEM;
    *items = p;
    *cap = more;
    return META_OK;
}

int meta_arm_cache_want(struct meta_arm_cache *cache, long long arm_id, int *held,
                        struct meta_error *err)
{
    *held = meta_arm_cache_get(cache, arm_id) != NULL;
    if (*held)
        return META_OK;
    if (cache->n_wanted > 0 && cache->wanted[cache->n_wanted - 1] == arm_id)
        return META_OK;
    if (room((void **)&cache->wanted, &cache->cap_wanted, cache->n_wanted, sizeof *cache->wanted) !=
        META_OK)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    cache->wanted[cache->n_wanted++] = arm_id;
    return META_OK;
}

/* Room for one more arm in the array and the table. */
static int grow(struct meta_arm_cache *cache)
{
    if (room((void **)&cache->arms, &cache->cap, cache->count, sizeof *cache->arms) != META_OK)
        return META_ENOMEM;
    if (2 * (cache->count + 1) > cache->n_slots) {
        size_t n_slots = cache->n_slots ? 2 * cache->n_slots : 128;
        size_t *slots = calloc(n_slots, sizeof *slots);
        if (!slots)
            return META_ENOMEM;
        for (size_t i = 0; i < cache->count; i++) {
            size_t s = slot_of(cache->arms[i].arm_id, n_slots);
            while (slots[s])
                s = (s + 1) & (n_slots - 1);
            slots[s] = i + 1;
        }
        free(cache->slots);
        cache->slots = slots;
        cache->n_slots = n_slots;
    }
    return META_OK;
}

static int cmp_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* The wanted ids, each once, as a PostgreSQL array literal; caller frees. */
static char *wanted_literal(struct meta_arm_cache *cache)
{
    qsort(cache->wanted, cache->n_wanted, sizeof *cache->wanted, cmp_id);
    size_t kept = 0;
    for (size_t i = 0; i < cache->n_wanted; i++)
        if (kept == 0 || cache->wanted[kept - 1] != cache->wanted[i])
            cache->wanted[kept++] = cache->wanted[i];
    cache->n_wanted = kept;
    size_t size = cache->n_wanted * 21 + 3, used = 1;
    char *s = malloc(size);
    if (!s)
        return NULL;
    s[0] = '{';
    for (size_t i = 0; i < cache->n_wanted; i++)
        used += (size_t)snprintf(s + used, size - used, "%s%lld", i ? "," : "", cache->wanted[i]);
    snprintf(s + used, size - used, "}");
    return s;
}

/* Plain columns: the attributes as the text of their object, parsed in
 * meta only when a value is looked up. */
static const char fetch_sql[] =
    "SELECT a.arm_id, a.trial_id, t.name, a.label, a.treatment, a.attributes::text"
    "  FROM arms a JOIN trials t ON t.trial_id = a.trial_id"
    " WHERE a.arm_id = ANY ($1::bigint[])";

int meta_arm_cache_fetch(PGconn *conn, struct meta_arm_cache *cache, struct meta_error *err)
{
    if (cache->n_wanted == 0)
        return META_OK;
    char *ids = wanted_literal(cache);
    if (!ids)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    const char *params[1] = {ids};
    PGresult *res = PQexecParams(conn, fetch_sql, 1, NULL, params, NULL, NULL, 0);
    free(ids);
    cache->n_wanted = 0;
    int ret = META_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQnfields(res) != 6) {
        ret = meta_pg_error(err, conn, res, "cannot read the arms of the selections");
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        if (grow(cache) != META_OK) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            goto cleanup;
        }
        struct meta_arm_info *a = &cache->arms[cache->count];
        *a = (struct meta_arm_info){
            .arm_id = strtoll(PQgetvalue(res, r, 0), NULL, 10),
            .trial_id = strtoll(PQgetvalue(res, r, 1), NULL, 10),
            .trial = strdup(PQgetvalue(res, r, 2)),
            .label = strdup(PQgetvalue(res, r, 3)),
            .treatment = strdup(PQgetvalue(res, r, 4)),
            .attrs_text = PQgetisnull(res, r, 5) ? NULL : strdup(PQgetvalue(res, r, 5))};
        if (!a->trial || !a->label || !a->treatment ||
            (!a->attrs_text && !PQgetisnull(res, r, 5))) {
            ret = meta_error_set(err, META_ENOMEM, "out of memory");
            free_arm(a);
            goto cleanup;
        }
        size_t s = slot_of(a->arm_id, cache->n_slots);
        while (cache->slots[s])
            s = (s + 1) & (cache->n_slots - 1);
        cache->slots[s] = ++cache->count;
    }
cleanup:
    PQclear(res);
    return ret;
}

int meta_arm_info_attr(struct meta_arm_info *arm, const char *name, const char **value,
                       struct meta_error *err)
{
    *value = NULL;
    if (!arm->attrs_text)
        return META_OK;
    if (!arm->attrs) {
        arm->attrs = json_tokener_parse(arm->attrs_text);
        if (!arm->attrs || !json_object_is_type(arm->attrs, json_type_object)) {
            json_object_put(arm->attrs);
            arm->attrs = NULL;
            return meta_error_set(err, META_EDB, "an arm's attributes came back malformed");
        }
    }
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(arm->attrs, name, &v) || !v)
        return META_OK;
    if (!json_object_is_type(v, json_type_string))
        return meta_error_set(err, META_EINVAL, "attribute '%s' is not text", name);
    *value = json_object_get_string(v);
    return META_OK;
}
