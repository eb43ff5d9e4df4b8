/*
 * Typed access to json-c values for the API v2 parser: a member as a string,
 * a number, an array or an object, each refusing a value of the wrong type
 * with the JSON path of the value, so that a malformed record is reported
 * where it is wrong.
 */
#include "ctgov_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *jpath(struct jctx *c, const char *path, const char *key)
{
    if (!path || !*path)
        return ctgov_arena_strdup(c->a, key);
    return ctgov_arena_printf(c->a, "%s.%s", path, key);
}

const char *jindex(struct jctx *c, const char *path, size_t i)
{
    return ctgov_arena_printf(c->a, "%s[%zu]", path ? path : "", i);
}

int jfail(struct jctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctgov_vfail(c->err, META_EINVAL, c->f->source, c->nct, path && *path ? path : "$", 0,
                         fmt, ap);
    va_end(ap);
    return rc;
}

int jnomem(struct jctx *c)
{
    return meta_error_set(c->err, META_ENOMEM, "%s: out of memory", c->f->source);
}

struct json_object *jget(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

int jstr(struct jctx *c, struct json_object *obj, const char *path, const char *key,
         const char **out)
{
    struct json_object *v = jget(obj, key);
    *out = NULL;
    if (!v || json_object_is_type(v, json_type_null))
        return META_OK;
    if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
        return jfail(c, jpath(c, path, key), "expected a string, got %s",
                     json_type_to_name(json_object_get_type(v)));
    const char *s = json_object_get_string(v);
    *out = ctgov_arena_strdup(c->a, s ? s : "");
    return *out ? META_OK : jnomem(c);
}

int jstr0(struct jctx *c, struct json_object *obj, const char *path, const char *key,
          const char **out)
{
    int rc = jstr(c, obj, path, key, out);
    if (rc == META_OK && !*out)
        *out = "";
    return rc;
}

int jnum(struct jctx *c, struct json_object *obj, const char *path, const char *key, double *out)
{
    struct json_object *v = jget(obj, key);
    *out = NAN;
    if (!v || json_object_is_type(v, json_type_null))
        return META_OK;
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
        *out = json_object_get_double(v);
        return META_OK;
    }
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if (ctgov_absent(s) || ctgov_number(s, out))
            return META_OK;
        return jfail(c, jpath(c, path, key), "expected a number, got '%s'", s);
    }
    return jfail(c, jpath(c, path, key), "expected a number, got %s",
                 json_type_to_name(json_object_get_type(v)));
}

int jarray(struct jctx *c, struct json_object *obj, const char *path, const char *key,
           struct json_object **out, size_t *n)
{
    struct json_object *v = jget(obj, key);
    *out = NULL;
    *n = 0;
    if (!v || json_object_is_type(v, json_type_null))
        return META_OK;
    if (!json_object_is_type(v, json_type_array))
        return jfail(c, jpath(c, path, key), "expected an array, got %s",
                     json_type_to_name(json_object_get_type(v)));
    *out = v;
    *n = json_object_array_length(v);
    return META_OK;
}

int jobject(struct jctx *c, struct json_object *obj, const char *path, const char *key,
            struct json_object **out)
{
    struct json_object *v = jget(obj, key);
    *out = NULL;
    if (!v || json_object_is_type(v, json_type_null))
        return META_OK;
    if (!json_object_is_type(v, json_type_object))
        return jfail(c, jpath(c, path, key), "expected an object, got %s",
                     json_type_to_name(json_object_get_type(v)));
    *out = v;
    return META_OK;
}

int jstrings(struct jctx *c, struct json_object *obj, const char *path, const char *key,
             const char ***out, size_t *n)
{
    struct json_object *arr;
    int rc = jarray(c, obj, path, key, &arr, n);
    *out = NULL;
    if (rc != META_OK)
        return rc;
    *out = ctgov_arena_calloc(c->a, *n, sizeof **out);
    if (!*out)
        return jnomem(c);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(v, json_type_string))
            return jfail(c, jindex(c, jpath(c, path, key), i), "expected a string");
        (*out)[i] = ctgov_arena_strdup(c->a, json_object_get_string(v));
        if (!(*out)[i])
            return jnomem(c);
    }
    return META_OK;
}
