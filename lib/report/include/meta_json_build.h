/*
 * Building JSON outputs with json-c: values that cannot be JSON numbers
 * become null, numbers carry as many digits as it takes to read them back,
 * and allocation failures are collected in the builder and checked once,
 * so that a writer reads as its contract does. Every JSON writer of meta
 * (lib/report's and the command layer's reports) builds through these.
 */
#ifndef META_JSON_BUILD_H
#define META_JSON_BUILD_H

#include <json-c/json.h>

/* Builder state: any failed allocation sets oom, checked once at the end. */
struct meta_jb {
    int oom;
};

/* A number (null when not finite, so no NaN or Infinity reaches the output;
 * written with as many digits as it takes to read it back), an integer, a
 * string (null for NULL), a boolean, an empty object and array. NULL (null)
 * and oom set when out of memory. */
struct json_object *meta_jnum(struct meta_jb *b, double v);
struct json_object *meta_jint(struct meta_jb *b, long long v);
struct json_object *meta_jstr(struct meta_jb *b, const char *s);
struct json_object *meta_jbool(struct meta_jb *b, int v);
struct json_object *meta_jobj(struct meta_jb *b);
struct json_object *meta_jarr(struct meta_jb *b);

/* Adds val to obj under key (val NULL is null); on failure (obj NULL
 * included) frees val and sets oom. */
void meta_jput(struct meta_jb *b, struct json_object *obj, const char *key,
               struct json_object *val);

/* Appends val to arr; on failure (arr or val NULL included: a value that
 * could not be made) frees val and sets oom. */
void meta_jpush(struct meta_jb *b, struct json_object *arr, struct json_object *val);

#endif
