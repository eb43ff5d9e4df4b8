/*
 * The JSON of a result (`meta pool --format json`, a run's json file): the
 * contract of INTERFACE.md. Ratio measures (and GIV given on the log scale)
 * report on the log scale with `exp` back-transformed; each study says
 * whether it comes from arms or an estimate row; whatever does not apply (NAN in
 * lib/stats results) is null, so no NaN or Infinity ever reaches the output;
 * numbers are printed with as many digits as it takes to read them back.
 * The analyses beside pooling that the request asked for follow
 * (json_bias.c): "influence", the small-study tests and "regression".
 */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* k, the pooled estimate and its tests, heterogeneity, the prediction
 * interval and `exp` (when log_scale): the fields every result shares. */
static void result_fields(struct report_jb *b, struct json_object *o, const struct meta_result *r,
                          int pooled, int log_scale)
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
    report_jput(b, o, "k", report_jint(b, (long long)meta_report_k(x)));
    report_jput(b, o, "estimate", report_jnum(b, x->estimate));
    report_jput(b, o, "se", report_jnum(b, x->se));
    report_jput(b, o, "ci_lower", report_jnum(b, x->ci_lower));
    report_jput(b, o, "ci_upper", report_jnum(b, x->ci_upper));
    report_jput(b, o, "statistic", report_jnum(b, x->statistic));
    report_jput(b, o, "df", report_jnum(b, x->df));
    report_jput(b, o, "p", report_jnum(b, x->p));
    report_jput(b, o, "tau2", report_jnum(b, x->tau2));
    report_jput(b, o, "tau2_ci_lower", report_jnum(b, x->tau2_ci_lower));
    report_jput(b, o, "tau2_ci_upper", report_jnum(b, x->tau2_ci_upper));
    report_jput(b, o, "tau", report_jnum(b, x->tau));
    report_jput(b, o, "I2", report_jnum(b, x->I2));
    report_jput(b, o, "H2", report_jnum(b, x->H2));
    report_jput(b, o, "Q", report_jnum(b, x->Q));
    int estimated = pooled && x->k_estimable > 0; /* revman5, r-meta: some study estimable */
    report_jput(b, o, "Q_df", estimated ? report_jint(b, x->Q_df) : NULL);
    report_jput(b, o, "Q_p", report_jnum(b, x->Q_p));
    report_jput(b, o, "pi_lower", report_jnum(b, x->pi_lower));
    report_jput(b, o, "pi_upper", report_jnum(b, x->pi_upper));
    if (!estimated || !log_scale) {
        report_jput(b, o, "exp", NULL);
        return;
    }
    struct json_object *e = report_jobj(b);
    report_jput(b, e, "estimate", report_jnum(b, exp(x->estimate)));
    report_jput(b, e, "ci_lower", report_jnum(b, exp(x->ci_lower)));
    report_jput(b, e, "ci_upper", report_jnum(b, exp(x->ci_upper)));
    report_jput(b, e, "pi_lower", report_jnum(b, exp(x->pi_lower)));
    report_jput(b, e, "pi_upper", report_jnum(b, exp(x->pi_upper)));
    report_jput(b, o, "exp", e);
}

/* The estimate row a study was taken from, as stored. */
static struct json_object *reported_json(struct report_jb *b, const struct meta_select_estimate *e)
{
    struct json_object *o = report_jobj(b);
    report_jput(b, o, "treatment", report_jstr(b, e->treatment));
    report_jput(b, o, "control", report_jstr(b, e->control));
    report_jput(b, o, "measure", report_jstr(b, e->measure));
    if (e->peto)
        report_jput(b, o, "method", report_jstr(b, "peto"));
    if (strcmp(e->measure, "GIV") == 0)
        report_jput(b, o, "log_scale", report_jbool(b, e->log_scale != 0));
    report_jput(b, o, "estimate", report_jnum(b, e->estimate));
    report_jput(b, o, "se", report_jnum(b, e->se));
    report_jput(b, o, "ci_lower", report_jnum(b, e->ci_lower));
    report_jput(b, o, "ci_upper", report_jnum(b, e->ci_upper));
    report_jput(b, o, "level",
                isfinite(e->ci_lower) ? report_jnum(b, isfinite(e->level) ? e->level : 95.0)
                                      : NULL);
    return o;
}

static struct json_object *arm_json(struct report_jb *b, int binary, const struct meta_arm_cont *c,
                                    const struct meta_arm_bin *bin)
{
    struct json_object *o = report_jobj(b);
    if (binary) {
        report_jput(b, o, "events", report_jnum(b, bin->events));
        report_jput(b, o, "total", report_jnum(b, bin->total));
    } else {
        report_jput(b, o, "n", report_jnum(b, c->n));
        report_jput(b, o, "mean", report_jnum(b, c->mean));
        report_jput(b, o, "sd", report_jnum(b, c->sd));
    }
    return o;
}

/* The studies of contrasts c with their results from r; `an` is given for
 * the overall list of an analysis whose total pools its subgroups' studies,
 * whose entries then name their subgroup. */
static struct json_object *studies_json(struct report_jb *b, const struct meta_contrasts *c,
                                        const struct meta_result *r, int pooled,
                                        const struct meta_analysis *an)
{
    struct json_object *arr = report_jarr(b);
    for (size_t i = 0; i < c->k && pooled; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_study_result *sr = &r->studies[i];
        struct json_object *o = report_jobj(b);
        report_jput(b, o, "trial", report_jstr(b, c->info[i].trial));
        if (an) {
            const struct meta_subgroup *sg = meta_analysis_subgroup_of(an, i);
            report_jput(b, o, "subgroup", sg ? report_jstr(b, sg->value) : NULL);
        }
        const struct meta_contrast_info *info = &c->info[i];
        int estimate = info->source == META_SOURCE_ESTIMATE;
        report_jput(b, o, "source", report_jstr(b, estimate ? "estimate" : "arms"));
        report_jput(b, o, "yi", report_jnum(b, sr->yi));
        report_jput(b, o, "vi", report_jnum(b, sr->vi));
        report_jput(b, o, "ci_lower", report_jnum(b, sr->ci_lower));
        report_jput(b, o, "ci_upper", report_jnum(b, sr->ci_upper));
        report_jput(b, o, "weight", report_jnum(b, sr->weight));
        if (estimate) {
            if (isfinite(info->n_treatment))
                report_jput(b, o, "n_treatment", report_jnum(b, info->n_treatment));
            if (isfinite(info->n_control))
                report_jput(b, o, "n_control", report_jnum(b, info->n_control));
            report_jput(b, o, "reported", reported_json(b, info->estimate));
            report_jpush(b, arr, o);
            continue;
        }
        report_jput(b, o, "treatment_arm", arm_json(b, s->binary, &s->tc, &s->tb));
        report_jput(b, o, "control_arm", arm_json(b, s->binary, &s->cc, &s->cb));
        if (info->treatment_arms > 1 || info->control_arms > 1) {
            report_jput(b, o, "treatment_arms", report_jint(b, (long long)info->treatment_arms));
            report_jput(b, o, "control_arms", report_jint(b, (long long)info->control_arms));
        }
        report_jpush(b, arr, o);
    }
    return arr;
}

static struct json_object *subgroups_json(struct report_jb *b, const struct meta_analysis *an)
{
    struct json_object *arr = report_jarr(b);
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        struct json_object *o = report_jobj(b);
        report_jput(b, o, "value", report_jstr(b, sg->value));
        result_fields(b, o, &sg->result, sg->pooled, an->log_scale);
        report_jput(b, o, "studies",
                    studies_json(b, &sg->contrasts, &sg->result, sg->pooled, NULL));
        report_jput(
            b, o, "excluded",
            report_json_excluded(b, NULL, sg->contrasts.excluded, sg->contrasts.n_excluded));
        report_jpush(b, arr, o);
    }
    return arr;
}

/* leave_one_out ("omitted") or cumulative ("added"): one object per step. */
static struct json_object *steps_json(struct report_jb *b, const struct meta_analysis *an,
                                      const struct meta_result *steps, size_t count,
                                      const size_t *order, const char *key)
{
    struct json_object *arr = report_jarr(b);
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        struct json_object *o = report_jobj(b);
        report_jput(b, o, key, report_jstr(b, an->contrasts.info[idx].trial));
        if (order)
            report_jput(b, o, "year", report_jnum(b, an->contrasts.info[idx].year));
        result_fields(b, o, &steps[i], 1, an->log_scale);
        report_jpush(b, arr, o);
    }
    return arr;
}

struct json_object *meta_report_to_json(const struct meta_analysis *an)
{
    const struct meta_analysis_request *req = an->req;
    struct report_jb b = {0};
    struct json_object *root = report_jobj(&b);
    report_json_head(&b, root, an);
    result_fields(&b, root, &an->overall, 1, an->log_scale);
    report_jput(
        &b, root, "studies",
        studies_json(&b, &an->contrasts, &an->overall, 1, an->subgroups_in_total ? an : NULL));
    report_jput(&b, root, "excluded",
                report_json_excluded(&b, NULL, an->contrasts.excluded, an->contrasts.n_excluded));
    if (req->by) {
        report_jput(&b, root, "by", report_jstr(&b, req->by));
        report_jput(&b, root, "subgroups", subgroups_json(&b, an));
        struct json_object *t = NULL;
        if (an->have_test) {
            t = report_jobj(&b);
            report_jput(&b, t, "Q", report_jnum(&b, an->test.Q));
            report_jput(&b, t, "df", report_jint(&b, an->test.df));
            report_jput(&b, t, "p", report_jnum(&b, an->test.p));
            report_jput(&b, t, "I2", report_jnum(&b, an->test.I2));
        }
        report_jput(&b, root, "subgroup_test", t);
    }
    if (req->leave_one_out)
        report_jput(&b, root, "leave_one_out",
                    steps_json(&b, an, an->loo, an->n_loo, NULL, "omitted"));
    if (req->cumulative)
        report_jput(&b, root, "cumulative",
                    steps_json(&b, an, an->cum, an->n_cum, an->cum_order, "added"));
    if (an->have_influence)
        report_jput(&b, root, "influence", report_json_influence(&b, an));
    if (an->have_bias)
        report_json_bias(&b, root, an);
    if (an->have_regression) {
        struct json_object *reg = report_jobj(&b);
        report_json_regression(&b, reg, an);
        report_jput(&b, root, "regression", reg);
    }
    if (b.oom) {
        json_object_put(root);
        return NULL;
    }
    return root;
}

int meta_report_json(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    return report_json_print(out, meta_report_to_json(an), err);
}
