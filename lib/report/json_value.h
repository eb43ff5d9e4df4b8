/*
 * The values meta_json_build.h builds, as the builder (json_build.c) and
 * the writer of their text (json_text.c) share them: each value lives in
 * its builder's arena and links to the next member or element of the
 * object or array holding it.
 */
#ifndef META_JSON_VALUE_H
#define META_JSON_VALUE_H

#include "meta_json_build.h"

#include <stdint.h>

enum meta_jkind {
    META_JV_NULL,
    META_JV_NUM,  /* u.num, finite: meta_shortest_double's digits */
    META_JV_INT,  /* u.integer */
    META_JV_BOOL, /* u.boolean */
    META_JV_STR,  /* u.text.s (u.text.len bytes), escaped when written */
    META_JV_RAW,  /* u.text.s: written as it is (a number's text) */
    META_JV_OBJ,  /* u.list: members, each with its key */
    META_JV_ARR   /* u.list: elements */
};

struct meta_jv {
    enum meta_jkind kind;
    const char *key;      /* its key in the object holding it, or NULL */
    struct meta_jv *next; /* the next member or element of its holder */
    union {
        double num;
        long long integer;
        int boolean;
        struct {
            const char *s;
            size_t len;
        } text;
        struct {
            struct meta_jv *first, *last;
            uint64_t keys; /* an object's: bit (key_bit) of each key it has */
        } list;
    } u;
};

#endif
