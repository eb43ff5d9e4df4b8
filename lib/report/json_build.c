/*
 * Building the JSON outputs (see meta_json_build.h): values that cannot be
 * written as JSON numbers become null, numbers carry as many digits as it
 * takes to read them back, and allocation failures are collected in the
 * builder and checked once, so that the writers read as the contract does.
 * Values are carved from chunks of the builder's arena, freed together.
 */
#include "json_value.h"
#include "report_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A piece of a builder's arena. */
struct meta_jchunk {
    struct meta_jchunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char bytes[];
};

#define JCHUNK_SIZE 16384

/* size bytes of b's arena (aligned for any value), or NULL with oom set. */
static void *jalloc(struct meta_jb *b, size_t size)
{
    size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct meta_jchunk *c = b->chunk;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > JCHUNK_SIZE ? size : JCHUNK_SIZE;
        if (!(c = malloc(sizeof *c + cap))) {
            b->oom = 1;
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = b->chunk;
        b->chunk = c;
    }
    void *p = c->bytes + c->used;
    c->used += size;
    return p;
}

void meta_jb_release(struct meta_jb *b)
{
    for (struct meta_jchunk *c = b->chunk, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    b->chunk = NULL;
    b->oom = 0;
}

static struct meta_jv *jnew(struct meta_jb *b, enum meta_jkind kind)
{
    struct meta_jv *v = jalloc(b, sizeof *v);
    if (v) {
        v->kind = kind;
        v->key = NULL;
        v->next = NULL;
    }
    return v;
}

/* A copy of the len bytes at s, NUL-terminated, in b's arena. */
static const char *jcopy(struct meta_jb *b, const char *s, size_t len)
{
    char *c = jalloc(b, len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

struct meta_jv *meta_jnum(struct meta_jb *b, double v)
{
    if (!isfinite(v))
        return NULL; /* null */
    struct meta_jv *o = jnew(b, META_JV_NUM);
    if (o)
        o->u.num = v;
    return o;
}

struct meta_jv *meta_jint(struct meta_jb *b, long long v)
{
    struct meta_jv *o = jnew(b, META_JV_INT);
    if (o)
        o->u.integer = v;
    return o;
}

/* A string, or with kind META_JV_RAW text written as it is. */
static struct meta_jv *jtext(struct meta_jb *b, enum meta_jkind kind, const char *s, size_t len)
{
    struct meta_jv *o = jnew(b, kind);
    if (o && !(o->u.text.s = jcopy(b, s, len)))
        return NULL;
    if (o)
        o->u.text.len = len;
    return o;
}

struct meta_jv *meta_jstr(struct meta_jb *b, const char *s)
{
    return s ? jtext(b, META_JV_STR, s, strlen(s)) : NULL;
}

struct meta_jv *meta_jbool(struct meta_jb *b, int v)
{
    struct meta_jv *o = jnew(b, META_JV_BOOL);
    if (o)
        o->u.boolean = v != 0;
    return o;
}

static struct meta_jv *jlist(struct meta_jb *b, enum meta_jkind kind)
{
    struct meta_jv *o = jnew(b, kind);
    if (o) {
        o->u.list.first = o->u.list.last = NULL;
        o->u.list.keys = 0;
    }
    return o;
}

struct meta_jv *meta_jobj(struct meta_jb *b)
{
    return jlist(b, META_JV_OBJ);
}

struct meta_jv *meta_jarr(struct meta_jb *b)
{
    return jlist(b, META_JV_ARR);
}

struct meta_jv *meta_jdouble(struct meta_jb *b, double v)
{
    if (!isfinite(v))
        return NULL;
    char text[48];
    int len = snprintf(text, sizeof text, "%.17g", v);
    if (len < 0 || len >= (int)sizeof text - 2) {
        b->oom = 1;
        return NULL;
    }
    if (!strpbrk(text, ".e")) {
        memcpy(text + len, ".0", 3);
        len += 2;
    }
    return jtext(b, META_JV_RAW, text, (size_t)len);
}

struct meta_jv *meta_jfrom_c(struct meta_jb *b, struct json_object *o)
{
    struct meta_jv *v = NULL;
    switch (json_object_get_type(o)) {
    case json_type_null:
        v = jnew(b, META_JV_NULL);
        break;
    case json_type_object:
        v = meta_jobj(b);
        json_object_object_foreach(o, key, val)
        {
            struct meta_jv *m = meta_jfrom_c(b, val);
            if (m)
                meta_jput(b, v, key, m);
        }
        break;
    case json_type_array:
        v = meta_jarr(b);
        for (size_t i = 0; v && i < json_object_array_length(o); i++)
            meta_jpush(b, v, meta_jfrom_c(b, json_object_array_get_idx(o, i)));
        break;
    case json_type_string:
        v = jtext(b, META_JV_STR, json_object_get_string(o), (size_t)json_object_get_string_len(o));
        break;
    default: { /* a number or a boolean: json-c's own text of it */
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        v = text ? jtext(b, META_JV_RAW, text, strlen(text)) : NULL;
        break;
    }
    }
    b->oom |= !v;
    return v;
}

/* One of 64 bits for a key, from its length and its first and last bytes. */
static uint64_t key_bit(const char *key, size_t len)
{
    unsigned h = (unsigned)len * 31u;
    if (len > 0)
        h += (unsigned char)key[0] * 7u + (unsigned char)key[len - 1];
    return (uint64_t)1 << (h & 63);
}

void meta_jput(struct meta_jb *b, struct meta_jv *obj, const char *key, struct meta_jv *val)
{
    if (!obj || obj->kind != META_JV_OBJ || (!val && !(val = jnew(b, META_JV_NULL)))) {
        b->oom = 1;
        return;
    }
    /* A key the object has keeps its place and takes the new value; the
     * object's key bits tell most new keys without a look at the others. */
    size_t len = strlen(key);
    uint64_t bit = key_bit(key, len);
    for (struct meta_jv **at = &obj->u.list.first; (obj->u.list.keys & bit) && *at;
         at = &(*at)->next)
        if ((*at)->key[0] == key[0] && strcmp((*at)->key, key) == 0) {
            val->key = (*at)->key;
            val->next = (*at)->next;
            if (obj->u.list.last == *at)
                obj->u.list.last = val;
            *at = val;
            return;
        }
    if (!(val->key = jcopy(b, key, len))) {
        b->oom = 1;
        return;
    }
    obj->u.list.keys |= bit;
    val->next = NULL;
    if (obj->u.list.last)
        obj->u.list.last->next = val;
    else
        obj->u.list.first = val;
    obj->u.list.last = val;
}

void meta_jpush(struct meta_jb *b, struct meta_jv *arr, struct meta_jv *val)
{
    if (!arr || arr->kind != META_JV_ARR || !val) {
        b->oom = 1;
        return;
    }
    val->next = NULL;
    if (arr->u.list.last)
        arr->u.list.last->next = val;
    else
        arr->u.list.first = val;
    arr->u.list.last = val;
}

static struct meta_jv *names_json(struct meta_jb *b, char *const *names, size_t count)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < count; i++)
        meta_jpush(b, arr, meta_jstr(b, names[i]));
    return arr;
}

void report_json_head(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    meta_jput(b, root, "outcome", meta_jstr(b, an->data->outcome));
    meta_jput(b, root, "timepoint", meta_jstr(b, an->data->timepoint));
    meta_jput(b, root, "treatment", names_json(b, req->treatments, req->n_treatments));
    meta_jput(b, root, "control", names_json(b, req->controls, req->n_controls));
    meta_jput(b, root, "measure", meta_jstr(b, meta_measure_name(an->opts.measure)));
    meta_jput(b, root, "model", meta_jstr(b, meta_model_name(an->opts.model)));
    meta_jput(b, root, "method", meta_jstr(b, meta_method_name(an->opts.method)));
    meta_jput(b, root, "ci", meta_jstr(b, meta_ci_name(an->opts.ci)));
    meta_jput(b, root, "level", meta_jnum(b, an->opts.level));
    meta_jput(b, root, "convention", meta_jstr(b, meta_convention_name(an->opts.convention)));
}

struct meta_jv *report_json_excluded(struct meta_jb *b, struct meta_jv *arr,
                                     const struct meta_exclusion *x, size_t n)
{
    if (!arr)
        arr = meta_jarr(b);
    for (size_t i = 0; i < n; i++) {
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "trial", meta_jstr(b, x[i].trial));
        meta_jput(b, o, "reason", meta_jstr(b, x[i].reason));
        meta_jpush(b, arr, o);
    }
    return arr;
}

int report_json_print(FILE *out, struct meta_jb *b, struct meta_jv *root, struct meta_error *err)
{
    size_t len = 0;
    char *text = NULL;
    int ret = META_OK;
    if (b->oom || !root)
        ret = meta_error_set(err, META_ENOMEM, "out of memory building the json output");
    else if (!(text = meta_jtext(b, root, META_JSON_PRETTY, &len)))
        ret = meta_error_set(err, META_ENOMEM, "out of memory writing the json output");
    else if (fwrite(text, 1, len, out) != len || fputc('\n', out) == EOF)
        ret = meta_error_set(err, META_EIO, "cannot write the output");
    free(text);
    meta_jb_release(b);
    return ret;
}
