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
static void result_fields(struct meta_jb *b, struct meta_jv *o, const struct meta_result *r,
                          int pooled, int log_scale)
{
    double nan = NAN;
    const struct meta_result *x = r;
    struct meta_result empty;
    if (!pooled) { /* every pooled number null; k as the result counts its studies */
        memset(&empty, 0, sizeof empty);
        empty.k = r->k;
        empty.k_estimable = r->k_estimable;
        empty.convention = r->convention;
        empty.estimate = empty.se = empty.ci_lower = empty.ci_upper = nan;
        empty.statistic = empty.df = empty.p = nan;
        empty.tau2 = empty.tau2_ci_lower = empty.tau2_ci_upper = empty.tau = nan;
        empty.I2 = empty.H2 = empty.Q = empty.Q_p = empty.pi_lower = empty.pi_upper = nan;
        x = &empty;
    }
    meta_jput(b, o, "k", meta_jint(b, (long long)meta_report_k(x)));
    meta_jput(b, o, "estimate", meta_jnum(b, x->estimate));
    meta_jput(b, o, "se", meta_jnum(b, x->se));
    meta_jput(b, o, "ci_lower", meta_jnum(b, x->ci_lower));
    meta_jput(b, o, "ci_upper", meta_jnum(b, x->ci_upper));
    meta_jput(b, o, "statistic", meta_jnum(b, x->statistic));
    meta_jput(b, o, "df", meta_jnum(b, x->df));
    meta_jput(b, o, "p", meta_jnum(b, x->p));
    meta_jput(b, o, "tau2", meta_jnum(b, x->tau2));
    meta_jput(b, o, "tau2_ci_lower", meta_jnum(b, x->tau2_ci_lower));
    meta_jput(b, o, "tau2_ci_upper", meta_jnum(b, x->tau2_ci_upper));
    meta_jput(b, o, "tau", meta_jnum(b, x->tau));
    meta_jput(b, o, "I2", meta_jnum(b, x->I2));
    meta_jput(b, o, "H2", meta_jnum(b, x->H2));
    meta_jput(b, o, "Q", meta_jnum(b, x->Q));
    int estimated = pooled && x->k_estimable > 0; /* revman5, r-meta: some study estimable */
    meta_jput(b, o, "Q_df", estimated ? meta_jint(b, x->Q_df) : NULL);
    meta_jput(b, o, "Q_p", meta_jnum(b, x->Q_p));
    meta_jput(b, o, "pi_lower", meta_jnum(b, x->pi_lower));
    meta_jput(b, o, "pi_upper", meta_jnum(b, x->pi_upper));
    if (!estimated || !log_scale) {
        meta_jput(b, o, "exp", NULL);
        return;
    }
    struct meta_jv *e = meta_jobj(b);
    meta_jput(b, e, "estimate", meta_jnum(b, exp(x->estimate)));
    meta_jput(b, e, "ci_lower", meta_jnum(b, exp(x->ci_lower)));
    meta_jput(b, e, "ci_upper", meta_jnum(b, exp(x->ci_upper)));
    meta_jput(b, e, "pi_lower", meta_jnum(b, exp(x->pi_lower)));
    meta_jput(b, e, "pi_upper", meta_jnum(b, exp(x->pi_upper)));
    meta_jput(b, o, "exp", e);
}

/* The estimate row a study was taken from, as stored. */
static struct meta_jv *reported_json(struct meta_jb *b, const struct meta_select_estimate *e)
{
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "treatment", meta_jstr(b, e->treatment));
    meta_jput(b, o, "control", meta_jstr(b, e->control));
    meta_jput(b, o, "measure", meta_jstr(b, e->measure));
    if (e->peto)
        meta_jput(b, o, "method", meta_jstr(b, "peto"));
    if (strcmp(e->measure, "GIV") == 0)
        meta_jput(b, o, "log_scale", meta_jbool(b, e->log_scale != 0));
    meta_jput(b, o, "estimate", meta_jnum(b, e->estimate));
    meta_jput(b, o, "se", meta_jnum(b, e->se));
    meta_jput(b, o, "ci_lower", meta_jnum(b, e->ci_lower));
    meta_jput(b, o, "ci_upper", meta_jnum(b, e->ci_upper));
    meta_jput(b, o, "level",
              isfinite(e->ci_lower) ? meta_jnum(b, isfinite(e->level) ? e->level : 95.0) : NULL);
    return o;
}

static struct meta_jv *arm_json(struct meta_jb *b, int binary, const struct meta_arm_cont *c,
                                const struct meta_arm_bin *bin)
{
    struct meta_jv *o = meta_jobj(b);
    if (binary) {
        meta_jput(b, o, "events", meta_jnum(b, bin->events));
        meta_jput(b, o, "total", meta_jnum(b, bin->total));
    } else {
        meta_jput(b, o, "n", meta_jnum(b, c->n));
        meta_jput(b, o, "mean", meta_jnum(b, c->mean));
        meta_jput(b, o, "sd", meta_jnum(b, c->sd));
    }
    return o;
}

/* The studies of contrasts c with their results from r; `an` is given for
 * the overall list of an analysis whose total pools its subgroups' studies,
 * whose entries then name their subgroup and show the weights
 * meta_analysis_study_weight() gives. */
static struct meta_jv *studies_json(struct meta_jb *b, const struct meta_contrasts *c,
                                    const struct meta_result *r, int pooled,
                                    const struct meta_analysis *an)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < c->k && pooled; i++) {
        const struct meta_study *s = &c->studies[i];
        const struct meta_study_result *sr = &r->studies[i];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "trial", meta_jstr(b, c->info[i].trial));
        if (an) {
            const struct meta_subgroup *sg = meta_analysis_subgroup_of(an, i);
            meta_jput(b, o, "subgroup", sg ? meta_jstr(b, sg->value) : NULL);
        }
        const struct meta_contrast_info *info = &c->info[i];
        int estimate = info->source == META_SOURCE_ESTIMATE;
        meta_jput(b, o, "source", meta_jstr(b, estimate ? "estimate" : "arms"));
        meta_jput(b, o, "yi", meta_jnum(b, sr->yi));
        meta_jput(b, o, "vi", meta_jnum(b, sr->vi));
        meta_jput(b, o, "ci_lower", meta_jnum(b, sr->ci_lower));
        meta_jput(b, o, "ci_upper", meta_jnum(b, sr->ci_upper));
        meta_jput(b, o, "weight",
                  meta_jnum(b, an ? meta_analysis_study_weight(an, i) : sr->weight));
        if (estimate) {
            if (isfinite(info->n_treatment))
                meta_jput(b, o, "n_treatment", meta_jnum(b, info->n_treatment));
            if (isfinite(info->n_control))
                meta_jput(b, o, "n_control", meta_jnum(b, info->n_control));
            meta_jput(b, o, "reported", reported_json(b, info->estimate));
            meta_jpush(b, arr, o);
            continue;
        }
        meta_jput(b, o, "treatment_arm", arm_json(b, s->binary, &s->tc, &s->tb));
        meta_jput(b, o, "control_arm", arm_json(b, s->binary, &s->cc, &s->cb));
        if (info->treatment_arms > 1 || info->control_arms > 1) {
            meta_jput(b, o, "treatment_arms", meta_jint(b, (long long)info->treatment_arms));
            meta_jput(b, o, "control_arms", meta_jint(b, (long long)info->control_arms));
        }
        meta_jpush(b, arr, o);
    }
    return arr;
}

static struct meta_jv *subgroups_json(struct meta_jb *b, const struct meta_analysis *an)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *sg = &an->groups[g];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "value", meta_jstr(b, sg->value));
        result_fields(b, o, &sg->result, sg->pooled, an->log_scale);
        meta_jput(b, o, "studies", studies_json(b, &sg->contrasts, &sg->result, sg->pooled, NULL));
        meta_jput(b, o, "excluded",
                  report_json_excluded(b, NULL, sg->contrasts.excluded, sg->contrasts.n_excluded));
        meta_jpush(b, arr, o);
    }
    return arr;
}

/* leave_one_out ("omitted") or cumulative ("added"): one object per step. */
static struct meta_jv *steps_json(struct meta_jb *b, const struct meta_analysis *an,
                                  const struct meta_result *steps, size_t count,
                                  const size_t *order, const char *key)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < count; i++) {
        size_t idx = order ? order[i] : i;
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, key, meta_jstr(b, an->contrasts.info[idx].trial));
        if (order)
            meta_jput(b, o, "year", meta_jnum(b, an->contrasts.info[idx].year));
        result_fields(b, o, &steps[i], 1, an->log_scale);
        meta_jpush(b, arr, o);
    }
    return arr;
}

/* The JSON of a result, built in *out (which the caller releases). */
static struct meta_jv *result_json(const struct meta_analysis *an, struct meta_jb *out)
{
    const struct meta_analysis_request *req = an->req;
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jobj(&b);
    report_json_head(&b, root, an);
    /* subgroup totals only: no overall total, its fields null */
    result_fields(&b, root, &an->overall, !an->subgroup_totals_only, an->log_scale);
    meta_jput(
        &b, root, "studies",
        studies_json(&b, &an->contrasts, &an->overall, 1, an->subgroups_in_total ? an : NULL));
    meta_jput(&b, root, "excluded",
              report_json_excluded(&b, NULL, an->contrasts.excluded, an->contrasts.n_excluded));
    if (req->by) {
        meta_jput(&b, root, "by", meta_jstr(&b, req->by));
        if (an->subgroup_totals_only)
            meta_jput(&b, root, "totals", meta_jstr(&b, "subgroups"));
        meta_jput(&b, root, "subgroups", subgroups_json(&b, an));
        struct meta_jv *t = NULL;
        if (an->have_test) {
            t = meta_jobj(&b);
            meta_jput(&b, t, "Q", meta_jnum(&b, an->test.Q));
            meta_jput(&b, t, "df", meta_jint(&b, an->test.df));
            meta_jput(&b, t, "p", meta_jnum(&b, an->test.p));
            meta_jput(&b, t, "I2", meta_jnum(&b, an->test.I2));
        }
        meta_jput(&b, root, "subgroup_test", t);
    }
    if (req->leave_one_out)
        meta_jput(&b, root, "leave_one_out",
                  steps_json(&b, an, an->loo, an->n_loo, NULL, "omitted"));
    if (req->cumulative)
        meta_jput(&b, root, "cumulative",
                  steps_json(&b, an, an->cum, an->n_cum, an->cum_order, "added"));
    if (an->have_influence)
        meta_jput(&b, root, "influence", report_json_influence(&b, an));
    if (an->have_bias)
        report_json_bias(&b, root, an);
    if (an->have_regression) {
        struct meta_jv *reg = meta_jobj(&b);
        report_json_regression(&b, reg, an);
        meta_jput(&b, root, "regression", reg);
    }
    report_json_data(&b, root, an);
    *out = b;
    return root;
}

struct json_object *meta_report_to_json(const struct meta_analysis *an)
{
    struct meta_jb b;
    struct meta_jv *root = result_json(an, &b);
    struct json_object *o = meta_jto_c(&b, root);
    meta_jb_release(&b);
    return o;
}

int meta_report_json(FILE *out, const struct meta_analysis *an, struct meta_error *err)
{
    struct meta_jb b;
    struct meta_jv *root = result_json(an, &b);
    return report_json_print(out, &b, root, err);
}
