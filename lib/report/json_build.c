/*
 * Building the JSON outputs (see meta_json_build.h): values that cannot be
 * written as JSON numbers become null, numbers carry as many digits as it
 * takes to read them back, and allocation failures are collected in the
 * builder and checked once, so that the writers read as the contract does.
 */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct json_object *meta_jnum(struct meta_jb *b, double v)
{
    if (!isfinite(v))
        return NULL; /* null */
    char text[40];
    meta_format_double(text, sizeof text, v);
    struct json_object *o = json_object_new_double_s(v, text);
    b->oom |= !o;
    return o;
}

struct json_object *meta_jint(struct meta_jb *b, long long v)
{
    struct json_object *o = json_object_new_int64(v);
    b->oom |= !o;
    return o;
}

struct json_object *meta_jstr(struct meta_jb *b, const char *s)
{
    if (!s)
        return NULL;
    struct json_object *o = json_object_new_string(s);
    b->oom |= !o;
    return o;
}

struct json_object *meta_jbool(struct meta_jb *b, int v)
{
    struct json_object *o = json_object_new_boolean(v);
    b->oom |= !o;
    return o;
}

struct json_object *meta_jobj(struct meta_jb *b)
{
    struct json_object *o = json_object_new_object();
    b->oom |= !o;
    return o;
}

struct json_object *meta_jarr(struct meta_jb *b)
{
    struct json_object *o = json_object_new_array();
    b->oom |= !o;
    return o;
}

void meta_jput(struct meta_jb *b, struct json_object *obj, const char *key, struct json_object *val)
{
    if (!obj || json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        b->oom = 1;
    }
}

void meta_jpush(struct meta_jb *b, struct json_object *arr, struct json_object *val)
{
    if (!arr || !val || json_object_array_add(arr, val) != 0) {
        json_object_put(val);
        b->oom = 1;
    }
}

static struct json_object *names_json(struct meta_jb *b, char *const *names, size_t count)
{
    struct json_object *arr = meta_jarr(b);
    for (size_t i = 0; i < count; i++)
        meta_jpush(b, arr, meta_jstr(b, names[i]));
    return arr;
}

void report_json_head(struct meta_jb *b, struct json_object *root, const struct meta_analysis *an)
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

struct json_object *report_json_excluded(struct meta_jb *b, struct json_object *arr,
                                         const struct meta_exclusion *x, size_t n)
{
    if (!arr)
        arr = meta_jarr(b);
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = meta_jobj(b);
        meta_jput(b, o, "trial", meta_jstr(b, x[i].trial));
        meta_jput(b, o, "reason", meta_jstr(b, x[i].reason));
        meta_jpush(b, arr, o);
    }
    return arr;
}

int report_json_print(FILE *out, struct json_object *root, struct meta_error *err)
{
    if (!root)
        return meta_error_set(err, META_ENOMEM, "out of memory building the json output");
    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    int ret = META_OK;
    if (!text)
        ret = meta_error_set(err, META_ENOMEM, "out of memory writing the json output");
    else if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
        ret = meta_error_set(err, META_EIO, "cannot write the output");
    json_object_put(root);
    return ret;
}

void report_json_data(struct meta_jb *b, struct json_object *root, const struct meta_analysis *an)
{
    struct json_object *data = meta_report_data_json(an->data);
    b->oom |= !data;
    meta_jput(b, root, "data", data);
}
