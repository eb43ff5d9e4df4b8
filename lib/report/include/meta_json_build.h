/*
 * Building JSON outputs: values that cannot be JSON numbers become null,
 * numbers carry as many digits as it takes to read them back, and
 * allocation failures are collected in the builder and checked once, so
 * that a writer reads as its contract does. Every JSON writer of meta
 * (lib/report's and the command layer's reports) builds through these.
 * The values live in the builder's arena (one allocation per few hundred
 * values, no per-value free) and are written out in the layout of json-c's
 * printer, so that thousands of outputs cost little more than their bytes.
 */
#ifndef META_JSON_BUILD_H
#define META_JSON_BUILD_H

#include <stddef.h>

struct json_object;
struct meta_jchunk;

/* A JSON value being built, owned by the builder that made it. */
struct meta_jv;

/* Builder state: any failed allocation sets oom, checked once at the end.
 * Zero-initialised it is empty; meta_jb_release frees what it made. */
struct meta_jb {
    int oom;
    struct meta_jchunk *chunk; /* the arena: the newest chunk first */
};

/* Frees every value b made and empties it (oom cleared). */
void meta_jb_release(struct meta_jb *b);

/* A number (null when not finite, so no NaN or Infinity reaches the output;
 * written with as many digits as it takes to read it back), an integer, a
 * string (copied; null for NULL), a boolean, an empty object and array.
 * NULL (null) and oom set when out of memory. */
struct meta_jv *meta_jnum(struct meta_jb *b, double v);
struct meta_jv *meta_jint(struct meta_jb *b, long long v);
struct meta_jv *meta_jstr(struct meta_jb *b, const char *s);
struct meta_jv *meta_jbool(struct meta_jb *b, int v);
struct meta_jv *meta_jobj(struct meta_jb *b);
struct meta_jv *meta_jarr(struct meta_jb *b);

/* A number written as json-c writes a double it was given without its
 * text ("%.17g", with ".0" appended to an integral value): the layout of
 * the request a run records. NULL (null) when not finite. */
struct meta_jv *meta_jdouble(struct meta_jb *b, double v);

/* A copy of json-c value o (NULL: null), each scalar written exactly as
 * json-c writes it. NULL and oom set when out of memory. */
struct meta_jv *meta_jfrom_c(struct meta_jb *b, struct json_object *o);

/* Adds val to obj under key (copied; val NULL is null), replacing the
 * value of a key obj has (in its place); on failure (obj NULL included)
 * sets oom. */
void meta_jput(struct meta_jb *b, struct meta_jv *obj, const char *key, struct meta_jv *val);

/* Appends val to arr; on failure (arr or val NULL included: a value that
 * could not be made) sets oom. */
void meta_jpush(struct meta_jb *b, struct meta_jv *arr, struct meta_jv *val);

/* Layouts of meta_jtext: json-c's JSON_C_TO_STRING_PRETTY |
 * JSON_C_TO_STRING_SPACED or JSON_C_TO_STRING_PLAIN, both with
 * JSON_C_TO_STRING_NOSLASHESCAPE. */
enum meta_jlayout { META_JSON_PRETTY, META_JSON_PLAIN };

/* The text of v in the given layout, byte for byte what json-c writes for
 * the same value, as a new NUL-terminated string (the caller frees it;
 * *len its length when len is not NULL). NULL when out of memory or when
 * b->oom is set (the value is incomplete). */
char *meta_jtext(const struct meta_jb *b, const struct meta_jv *v, enum meta_jlayout layout,
                 size_t *len);

/* The json-c object of v (read back from its text), owned by the caller
 * (json_object_put), for callers that walk it; NULL when out of memory or
 * when b->oom is set. */
struct json_object *meta_jto_c(const struct meta_jb *b, const struct meta_jv *v);

#endif
