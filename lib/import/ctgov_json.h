/*
 * What the parts of the API v2 JSON parser share: the parse context, typed
 * access to json-c objects with the JSON path of every value kept for
 * messages (ctgov_json_access.c), and the results half's entry point.
 */
#ifndef META_CTGOV_JSON_H
#define META_CTGOV_JSON_H

#include "ctgov_internal.h"

#include <json-c/json.h>

struct jctx {
    struct meta_ctgov_file *f;
    struct ctgov_arena *a;
    struct meta_error *err;
    const char *nct; /* of the study being read, once known */
};

/* path + "." + key (or key alone when path is empty); NULL when out of memory. */
const char *jpath(struct jctx *c, const char *path, const char *key);

/* path + "[i]". */
const char *jindex(struct jctx *c, const char *path, size_t i);

/* The member key of obj, or NULL when obj is not an object or lacks it. */
struct json_object *jget(struct json_object *obj, const char *key);

/*
 * The member key of obj as a string copied into the arena: strings as they
 * are, numbers and booleans as their JSON text; *out NULL when absent or null.
 * META_EINVAL when it is an array or object (error names path.key).
 */
int jstr(struct jctx *c, struct json_object *obj, const char *path, const char *key,
         const char **out);

/* As jstr, with "" when absent. */
int jstr0(struct jctx *c, struct json_object *obj, const char *path, const char *key,
          const char **out);

/* The member key as a number (a JSON number or a numeric string); *out NAN
 * when absent or null; META_EINVAL when it is anything else. */
int jnum(struct jctx *c, struct json_object *obj, const char *path, const char *key, double *out);

/* The member key as an array: *out NULL and *n 0 when absent or null;
 * META_EINVAL when present and not an array. */
int jarray(struct jctx *c, struct json_object *obj, const char *path, const char *key,
           struct json_object **out, size_t *n);

/* The member key as an object (NULL when absent); META_EINVAL when not one. */
int jobject(struct jctx *c, struct json_object *obj, const char *path, const char *key,
            struct json_object **out);

/* Reads an array of strings (key of obj) into the arena. */
int jstrings(struct jctx *c, struct json_object *obj, const char *path, const char *key,
             const char ***out, size_t *n);

/* META_ENOMEM, with the message set. */
int jnomem(struct jctx *c);

/* Sets the error for the study being read, at path. */
int jfail(struct jctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads resultsSection (rs at path) into study: outcome measures and adverse events. */
int ctgov_json_results(struct jctx *c, struct json_object *rs, const char *path,
                       struct meta_ctgov_study *study);

#endif
