/*
 * What living analyses say: the `"data"` block of JSON outputs (the
 * fingerprint of the rows and the loads that brought them, so that a
 * published number can be traced to its files), the request and result a
 * run records, the one-line summary of a result, and whether a conclusion
 * flipped between two runs.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string for JSON; NULL as the empty string, as these outputs have it. */
static struct meta_jv *jtext(struct meta_jb *b, const char *s)
{
    return meta_jstr(b, s ? s : "");
}

struct meta_jv *report_loads_json(struct meta_jb *b, const struct meta_select_load *loads, size_t n,
                                  const int *only)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; arr && i < n; i++) {
        if (only && !only[i])
            continue;
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "file", jtext(b, loads[i].file));
        meta_jput(b, o, "sha256", jtext(b, loads[i].sha256));
        meta_jput(b, o, "loaded_at", jtext(b, loads[i].loaded_at));
        meta_jpush(b, arr, o);
    }
    return arr;
}

struct json_object *meta_report_loads_json(const struct meta_select_load *loads, size_t n,
                                           const int *only)
{
    struct meta_jb b = {0};
    struct json_object *o = meta_jto_c(&b, report_loads_json(&b, loads, n, only));
    meta_jb_release(&b);
    return o;
}

struct meta_jv *report_data_json(struct meta_jb *b, const struct meta_selection *sel)
{
    char fingerprint[META_FINGERPRINT_SIZE];
    if (sel->fingerprint[0])
        memcpy(fingerprint, sel->fingerprint, sizeof fingerprint);
    else if (meta_selection_fingerprint(sel, fingerprint) != META_OK) {
        b->oom = 1;
        return NULL;
    }
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "fingerprint", jtext(b, fingerprint));
    meta_jput(b, o, "loads", report_loads_json(b, sel->loads, sel->n_loads, NULL));
    return o;
}

void report_json_data(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an)
{
    meta_jput(b, root, "data", report_data_json(b, an->data));
}

struct json_object *meta_report_data_json(const struct meta_selection *sel)
{
    struct meta_jb b = {0};
    struct meta_jv *o = report_data_json(&b, sel);
    struct json_object *d = o ? meta_jto_c(&b, o) : NULL;
    meta_jb_release(&b);
    return d;
}

char *meta_report_options_json(const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    struct meta_jb b = {0};
    struct meta_jv *o = meta_jobj(&b);
    meta_jput(&b, o, "outcome", jtext(&b, an->data->outcome));
    meta_jput(&b, o, "timepoint", jtext(&b, an->data->timepoint));
    struct meta_jv *lists[2] = {meta_jarr(&b), meta_jarr(&b)};
    for (size_t i = 0; i < req->n_treatments; i++)
        meta_jpush(&b, lists[0], jtext(&b, req->treatments[i]));
    for (size_t i = 0; i < req->n_controls; i++)
        meta_jpush(&b, lists[1], jtext(&b, req->controls[i]));
    meta_jput(&b, o, "treatment", lists[0]);
    meta_jput(&b, o, "control", lists[1]);
    meta_jput(&b, o, "measure", jtext(&b, meta_measure_name(an->opts.measure)));
    meta_jput(&b, o, "model", jtext(&b, meta_model_name(an->opts.model)));
    meta_jput(&b, o, "method", jtext(&b, meta_method_name(an->opts.method)));
    meta_jput(&b, o, "ci", jtext(&b, meta_ci_name(an->opts.ci)));
    meta_jput(&b, o, "level", meta_jdouble(&b, an->opts.level));
    meta_jput(&b, o, "convention", jtext(&b, meta_convention_name(an->opts.convention)));
    meta_jput(&b, o, "by", req->by ? jtext(&b, req->by) : NULL);
    if (req->totals != META_TOTALS_BOTH) /* absent by default, as before the key existed */
        meta_jput(&b, o, "totals", jtext(&b, meta_analysis_totals_name(req->totals)));
    meta_jput(&b, o, "prediction",
              an->opts.prediction == META_PREDICTION_DEFAULT
                  ? NULL
                  : meta_jbool(&b, an->opts.prediction == META_PREDICTION_ON));
    meta_jput(&b, o, "leave_one_out", meta_jbool(&b, req->leave_one_out));
    meta_jput(&b, o, "cumulative", meta_jbool(&b, req->cumulative));
    char *text = meta_jtext(&b, o, META_JSON_PLAIN, NULL);
    meta_jb_release(&b);
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
    out->estimate = out->ci_lower = out->ci_upper = out->tau2 = out->I2 = out->p = NAN;
    if (!an->subgroup_totals_only) { /* else there is no overall total to record */
        out->estimate = r->estimate;
        out->ci_lower = r->ci_lower;
        out->ci_upper = r->ci_upper;
        out->tau2 = an->opts.model == META_MODEL_RANDOM ? r->tau2 : NAN;
        out->I2 = r->I2;
        out->p = r->p;
    }
    snprintf(out->conclusion, sizeof out->conclusion, "%s",
             conclusion(out->ci_lower, out->ci_upper));
    out->totals_only = an->subgroup_totals_only;
    out->n_subgroups = an->subgroup_totals_only ? (long long)an->n_groups : 0;
}

void meta_report_run_brief(const struct meta_run_result *r, char *buf, size_t size)
{
    int ratio = r->log_scale;
    double est = ratio ? exp(r->estimate) : r->estimate;
    double lo = ratio ? exp(r->ci_lower) : r->ci_lower;
    double hi = ratio ? exp(r->ci_upper) : r->ci_upper;
    if (r->totals_only && r->n_subgroups > 0)
        snprintf(buf, size, "%s subgroup totals only k=%lld (%lld subgroup%s)", r->measure, r->k,
                 r->n_subgroups, r->n_subgroups == 1 ? "" : "s");
    else if (r->totals_only)
        snprintf(buf, size, "%s subgroup totals only k=%lld", r->measure, r->k);
    else if (isnan(est))
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
    if (before->totals_only || after->totals_only) /* no overall total to compare */
        return NULL;
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
