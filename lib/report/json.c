/*
 * The JSON of a result (`meta pool --format json`, a run's json file): the
 * contract of INTERFACE.md. Ratio measures report on
 * the log scale with `exp` back-transformed; whatever does not apply (NAN in
 * lib/stats results) is null, so no NaN or Infinity ever reaches the output;
 * numbers are printed with as many digits as it takes to read them back.
 */
#include "meta_report.h"

#include <json-c/json.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Builder state: any failed allocation sets oom, checked once at the end. */
struct jb {
    int oom;
};

static struct json_object *jnum(struct jb *b, double v)
{
    if (!isfinite(v))
        return NULL; /* null */
    char text[40];
    meta_format_double(text, sizeof text, v);
    struct json_object *o = json_object_new_double_s(v, text);
    b->oom |= !o;
    return o;
}

static struct json_object *jint(struct jb *b, long long v)
{
    struct json_object *o = json_object_new_int64(v);
    b->oom |= !o;
    return o;
}

static struct json_object *jstr(struct jb *b, const char *s)
{
    if (!s)
        return NULL;
    struct json_object *o = json_object_new_string(s);
    b->oom |= !o;
    return o;
}

static struct json_object *jobj(struct jb *b)
{
    struct json_object *o = json_object_new_object();
    b->oom |= !o;
    return o;
}

static struct json_object *jarr(struct jb *b)
{
    struct json_object *o = json_object_new_array();
    b->oom |= !o;
    return o;
}

/* Adds val to obj under key (val NULL is null); on failure frees val. */
static void put(struct jb *b, struct json_object *obj, const char *key, struct json_object *val)
{
    if (!obj || json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        b->oom = 1;
    }
}

static void push(struct jb *b, struct json_object *arr, struct json_object *val)
{
    if (!arr || !val || json_object_array_add(arr, val) != 0) {
        json_object_put(val);
        b->oom = 1;
    }
}

/* k, the pooled estimate and its tests, heterogeneity, the prediction
 * interval and `exp`: the fields every result shares. */
static void result_fields(struct jb *b, struct json_object *o, const struct meta_result *r,
                          int pooled)
{
    double nan = NAN;
    const struct meta_result *x = r;
    struct meta_result empty;
    if (!pooled) {
        memset(&empty, 0, sizeof empty);
        empty.estimate = empty.se = empty.ci_lower = empty.ci_upper = nan;
        empty.statistic = empty.df = empty.p = nan;
        empty.tau2 = empty.tau2_ci_lower = empty.tau2_ci_upper = empty.tau = nan;
        empty.I2 = empty.H2 = empty.Q = empty.Q_p = empty.pi_lower = empty.pi_upper = nan;
        x = &empty;
    }
    put(b, o, "k", jint(b, (long long)meta_report_k(x)));
    put(b, o, "estimate", jnum(b, x->estimate));
    put(b, o, "se", jnum(b, x->se));
    put(b, o, "ci_lower", jnum(b, x->ci_lower));
    put(b, o, "ci_upper", jnum(b, x->ci_upper));
    put(b, o, "statistic", jnum(b, x->statistic));
    put(b, o, "df", jnum(b, x->df));
    put(b, o, "p", jnum(b, x->p));
    put(b, o, "tau2", jnum(b, x->tau2));
    put(b, o, "tau2_ci_lower", jnum(b, x->tau2_ci_lower));
    put(b, o, "tau2_ci_upper", jnum(b, x->tau2_ci_upper));
    put(b, o, "tau", jnum(b, x->tau));
    put(b, o, "I2", jnum(b, x->I2));
    put(b, o, "H2", jnum(b, x->H2));
    put(b, o, "Q", jnum(b, x->Q));
    int estimated = pooled && x->k_estimable > 0; /* revman5, r-meta: some study estimable */
    put(b, o, "Q_df", estimated ? jint(b, x->Q_df) : NULL);
    put(b, o, "Q_p", jnum(b, x->Q_p));
    put(b, o, "pi_lower", jnum(b, x->pi_lower));
    put(b, o, "pi_upper", jnum(b, x->pi_upper));
    if (!estimated || !meta_measure_is_ratio(r->measure)) {
        put(b, o, "exp", NULL);
        return;
    }
    struct json_object *e = jobj(b);
    put(b, e, "estimate", jnum(b, meta_measure_display(r->measure, x->estimate)));
    put(b, e, "ci_lower", jnum(b, meta_measure_display(r->measure, x->ci_lower)));
    put(b, e, "ci_upper", jnum(b, meta_measure_display(r->measure, x->ci_upper)));
    put(b, e, "pi_lower", jnum(b, meta_measure_display(r->measure, x->pi_lower)));
    put(b, e, "pi_upper", jnum(b, meta_measure_display(r->measure, x->pi_upper)));
    put(b, o, "exp", e);
}

static struct json_object *arm_json(struct jb *b, int binary, const struct meta_arm_cont *c,
                                    const struct meta_arm_bin *bin)
{
    struct json_object *o = jobj(b);
    if (binary) {
        put(b, o, "events", jnum(b, bin->events));
        put(b, o, "total", jnum(b, bin->total));
    } else {
        put(b, o, "n", jnum(b, c->n));
        put(b, o, "mean", jnum(b, c->mean));
        put(b, o, "sd", jnum(b, c->sd));
    }
    return o;
}

/* The studies of contrasts c with their results from r; `an` is given for
 * the overall list of an analysis whose total pools its subgroups' studies,
 * whose entries then name their subgroup. */
static struct json_object *studies_json(struct jb *b, const struct meta_contrasts *c,
                                        const struct meta_result *r, int pooled,
                                        const struct meta_analysis *an)
{
    struct json_object *arr = jarr(b);
    for (size_t i = 0; i < c->k && pooled; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_study_result *sr = &r->studies[i];
        struct json_object *o = jobj(b);
        put(b, o, "trial", jstr(b, c->info[i].trial));
        if (an) {
            const struct meta_subgroup *sg = meta_analysis_subgroup_of(an, i);
            put(b, o, "subgroup", sg ? jstr(b, sg->value) : NULL);
        }
        put(b, o, "yi", jnum(b, sr->yi));
        put(b, o, "vi", jnum(b, sr->vi));
        put(b, o, "ci_lower", jnum(b, sr->ci_lower));
        put(b, o, "ci_upper", jnum(b, sr->ci_upper));
        put(b, o, "weight", jnum(b, sr->weight));
        put(b, o, "treatment_arm", arm_json(b, s->binary, &s->tc, &s->tb));
        put(b, o, "control_arm", arm_json(b, s->binary, &s->cc, &s->cb));
        if (c->info[i].treatment_arms > 1 || c->info[i].control_arms > 1) {
            put(b, o, "treatment_arms", jint(b, (long long)c->info[i].treatment_arms));
            put(b, o, "control_arms", jint(b, (long long)c->info[i].control_arms));
        }
        push(b, arr, o);
    }
    return arr;
}

static struct json_object *excluded_json(struct jb *b, const struct meta_contrasts *c)
{
    struct json_object *arr = jarr(b);
    for (size_t i = 0; i < c->n_excluded; i++) {
        struct json_object *o = jobj(b);
        put(b, o, "trial", jstr(b, c->excluded[i].trial));
        put(b, o, "reason", jstr(b, c->excluded[i].reason));
        push(b, arr, o);
    }
    return arr;
}

static struct json_object *names_json(struct jb *b, char *const *names, size_t count)
{
    struct json_object *arr = jarr(b);
    for (size_t i = 0; i < count; i++)
        push(b, arr, jstr(b, names[i]));
    return arr;
}

static struct json_object *subgroups_json(struct jb *b, const struct meta_analysis *an)
{
    struct json_object *arr = jarr(b);
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        struct json_object *o = jobj(b);
        put(b, o, "value", jstr(b, sg->value));
        result_fields(b, o, &sg->result, sg->pooled);
        put(b, o, "studies", studies_json(b, &sg->contrasts, &sg->result, sg->pooled, NULL));
        put(b, o, "excluded", excluded_json(b, &sg->contrasts));
        push(b, arr, o);
    }
    return arr;
}

/* leave_one_out ("omitted") or cumulative ("added"): one object per step. */
static struct json_object *steps_json(struct jb *b, const struct meta_analysis *an,
                                      const struct meta_result *steps, size_t count,
                                      const size_t *order, const char *key)
{
    struct json_object *arr = jarr(b);
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        struct json_object *o = jobj(b);
        put(b, o, key, jstr(b, an->contrasts.info[idx].trial));
        if (order)
            put(b, o, "year", jnum(b, an->contrasts.info[idx].year));
        result_fields(b, o, &steps[i], 1);
        push(b, arr, o);
    }
    return arr;
}

struct json_object *meta_report_to_json(const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    struct jb b = {0};
    struct json_object *root = jobj(&b);
    put(&b, root, "outcome", jstr(&b, an->data->outcome));
    put(&b, root, "timepoint", jstr(&b, an->data->timepoint));
    put(&b, root, "treatment", names_json(&b, req->treatments, req->n_treatments));
    put(&b, root, "control", names_json(&b, req->controls, req->n_controls));
    put(&b, root, "measure", jstr(&b, meta_measure_name(an->opts.measure)));
    put(&b, root, "model", jstr(&b, meta_model_name(an->opts.model)));
    put(&b, root, "method", jstr(&b, meta_method_name(an->opts.method)));
    put(&b, root, "ci", jstr(&b, meta_ci_name(an->opts.ci)));
    put(&b, root, "level", jnum(&b, an->opts.level));
    put(&b, root, "convention", jstr(&b, meta_convention_name(an->opts.convention)));
    result_fields(&b, root, &an->overall, 1);
    put(&b, root, "studies",
        studies_json(&b, &an->contrasts, &an->overall, 1, an->subgroups_in_total ? an : NULL));
    put(&b, root, "excluded", excluded_json(&b, &an->contrasts));
    if (req->by) {
        put(&b, root, "by", jstr(&b, req->by));
        put(&b, root, "subgroups", subgroups_json(&b, an));
        struct json_object *t = NULL;
        if (an->have_test) {
            t = jobj(&b);
            put(&b, t, "Q", jnum(&b, an->test.Q));
            put(&b, t, "df", jint(&b, an->test.df));
            put(&b, t, "p", jnum(&b, an->test.p));
            put(&b, t, "I2", jnum(&b, an->test.I2));
        }
        put(&b, root, "subgroup_test", t);
    }
    if (req->leave_one_out)
        put(&b, root, "leave_one_out", steps_json(&b, an, an->loo, an->n_loo, NULL, "omitted"));
    if (req->cumulative)
        put(&b, root, "cumulative", steps_json(&b, an, an->cum, an->n_cum, an->cum_order, "added"));
    struct json_object *data = meta_report_data_json(an->data);
    b.oom |= !data;
    put(&b, root, "data", data);
    if (b.oom) {
        json_object_put(root);
        return NULL;
    }
    return root;
}

int meta_report_json(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct json_object *root = meta_report_to_json(an);
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
