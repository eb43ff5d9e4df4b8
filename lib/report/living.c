/*
 * What living analyses say: the `"data"` block of JSON outputs (the
 * fingerprint of the rows and the loads that brought them, so that a
 * published number can be traced to its files), the request and result a
 * run records, the one-line summary of a result, and whether a conclusion
 * flipped between two runs.
 */
#include "meta_report.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds val under key; on failure frees val and notes it. */
static void put(int *oom, struct json_object *obj, const char *key, struct json_object *val)
{
    if (!obj || json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        *oom = 1;
    }
}

static struct json_object *str(int *oom, const char *s)
{
    struct json_object *o = json_object_new_string(s ? s : "");
    *oom |= !o;
    return o;
}

static void push(int *oom, struct json_object *arr, struct json_object *val)
{
    if (!arr || !val || json_object_array_add(arr, val) != 0) {
        json_object_put(val);
        *oom = 1;
    }
}

struct json_object *meta_report_loads_json(const struct meta_select_load *loads, size_t n,
                                           const int *only)
{
    int oom = 0;
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (only && !only[i])
            continue;
        struct json_object *o = json_object_new_object();
        put(&oom, o, "file", str(&oom, loads[i].file));
        put(&oom, o, "sha256", str(&oom, loads[i].sha256));
        put(&oom, o, "loaded_at", str(&oom, loads[i].loaded_at));
        push(&oom, arr, o);
    }
    if (oom || !arr) {
        json_object_put(arr);
        return NULL;
    }
    return arr;
}

struct json_object *meta_report_data_json(const struct meta_selection *sel)
{
    char fingerprint[META_FINGERPRINT_SIZE];
    if (sel->fingerprint[0])
        memcpy(fingerprint, sel->fingerprint, sizeof fingerprint);
    else if (meta_selection_fingerprint(sel, fingerprint) != META_OK)
        return NULL;
    int oom = 0;
    struct json_object *o = json_object_new_object();
    oom |= !o;
    put(&oom, o, "fingerprint", str(&oom, fingerprint));
    struct json_object *loads = meta_report_loads_json(sel->loads, sel->n_loads, NULL);
    oom |= !loads;
    put(&oom, o, "loads", loads);
    if (oom) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

char *meta_report_options_json(const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    int oom = 0;
    struct json_object *o = json_object_new_object();
    oom |= !o;
    put(&oom, o, "outcome", str(&oom, an->data->outcome));
    put(&oom, o, "timepoint", str(&oom, an->data->timepoint));
    struct json_object *lists[2] = {json_object_new_array(), json_object_new_array()};
    for (size_t i = 0; i < req->n_treatments; i++)
        push(&oom, lists[0], str(&oom, req->treatments[i]));
    for (size_t i = 0; i < req->n_controls; i++)
        push(&oom, lists[1], str(&oom, req->controls[i]));
    oom |= !lists[0] || !lists[1];
    put(&oom, o, "treatment", lists[0]);
    put(&oom, o, "control", lists[1]);
    put(&oom, o, "measure", str(&oom, meta_measure_name(an->opts.measure)));
    put(&oom, o, "model", str(&oom, meta_model_name(an->opts.model)));
    put(&oom, o, "method", str(&oom, meta_method_name(an->opts.method)));
    put(&oom, o, "ci", str(&oom, meta_ci_name(an->opts.ci)));
    struct json_object *level = json_object_new_double(an->opts.level);
    oom |= !level;
    put(&oom, o, "level", level);
    put(&oom, o, "convention", str(&oom, meta_convention_name(an->opts.convention)));
    put(&oom, o, "by", req->by ? str(&oom, req->by) : NULL);
    put(&oom, o, "prediction",
        an->opts.prediction == META_PREDICTION_DEFAULT
            ? NULL
            : json_object_new_boolean(an->opts.prediction == META_PREDICTION_ON));
    put(&oom, o, "leave_one_out", json_object_new_boolean(req->leave_one_out));
    put(&oom, o, "cumulative", json_object_new_boolean(req->cumulative));
    char *text = NULL;
    if (!oom) {
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE);
        text = s ? strdup(s) : NULL;
    }
    json_object_put(o);
    return text;
}

/* Where an interval lies against no effect (0 on the analysis scale). */
static const char *conclusion(double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        return "none";
    if (hi < 0)
        return "below";
    if (lo > 0)
        return "above";
    return "includes";
}

void meta_report_run_result(const struct meta_analysis *an, struct meta_run_result *out)
{
    const struct meta_result *r = &an->overall;
    memset(out, 0, sizeof *out);
    out->k = (long long)meta_report_k(r);
    snprintf(out->measure, sizeof out->measure, "%s", meta_measure_name(an->opts.measure));
    out->log_scale = an->log_scale;
    out->estimate = r->estimate;
    out->ci_lower = r->ci_lower;
    out->ci_upper = r->ci_upper;
    out->tau2 = an->opts.model == META_MODEL_RANDOM ? r->tau2 : NAN;
    out->I2 = r->I2;
    out->p = r->p;
    snprintf(out->conclusion, sizeof out->conclusion, "%s", conclusion(r->ci_lower, r->ci_upper));
}

void meta_report_run_brief(const struct meta_run_result *r, char *buf, size_t size)
{
    int ratio = r->log_scale;
    double est = ratio ? exp(r->estimate) : r->estimate;
    double lo = ratio ? exp(r->ci_lower) : r->ci_lower;
    double hi = ratio ? exp(r->ci_upper) : r->ci_upper;
    if (isnan(est))
        snprintf(buf, size, "%s (not estimable) k=%lld", r->measure, r->k);
    else if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "%s %.2f k=%lld", r->measure, est, r->k);
    else
        snprintf(buf, size, "%s %.2f [%.2f, %.2f] k=%lld", r->measure, est, lo, hi, r->k);
}

/* -1, 0 or 1: the side of no effect an estimate is on. */
static int side(double estimate)
{
    return isnan(estimate) ? 0 : (estimate > 0) - (estimate < 0);
}

const char *meta_report_flip(const struct meta_run_result *before,
                             const struct meta_run_result *after)
{
    const char *b = before->conclusion, *a = after->conclusion;
    if (strcmp(b, "none") == 0 || strcmp(a, "none") == 0)
        return NULL;
    if (strcmp(b, "includes") == 0 && strcmp(a, "includes") != 0)
        return "the interval now excludes no effect";
    if (strcmp(b, "includes") != 0 && strcmp(a, "includes") == 0)
        return "the interval now includes no effect";
    if (strcmp(b, a) != 0)
        return "the interval now lies on the other side of no effect";
    int sb = side(before->estimate), sa = side(after->estimate);
    if (sb != 0 && sa != 0 && sb != sa)
        return "the estimate changed direction";
    return NULL;
}
