/*
 * The JSON of the analyses beside pooling (INTERFACE.md section 3): the
 * small-study tests and trim-and-fill ("egger", "regtest", "begg",
 * "trimfill"), the influence diagnostics ("influence") and the
 * meta-regression (mods, coefficients, QM ... R2). On the analysis scale,
 * like metafor; analyses on the log scale (ratio measures, GIV given on the
 * log scale) add `exp` with the back-transformed estimates and intervals.
 */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* {"estimate", "ci_lower", "ci_upper"} back-transformed, under the given
 * names, when log_scale (meta_analysis.log_scale); NULL (null) otherwise. */
static struct meta_jv *exp_json(struct meta_jb *b, int log_scale, const char *const names[3],
                                const double v[3])
{
    if (!log_scale)
        return NULL;
    struct meta_jv *o = meta_jobj(b);
    for (int i = 0; i < 3; i++)
        meta_jput(b, o, names[i], meta_jnum(b, exp(v[i])));
    return o;
}

static struct meta_jv *regtest_json(struct meta_jb *b, const struct meta_regtest *r, int log_scale)
{
    static const char *const limits[3] = {"limit_estimate", "limit_ci_lower", "limit_ci_upper"};
    const double v[3] = {r->limit_estimate, r->limit_ci_lower, r->limit_ci_upper};
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "coefficient", meta_jnum(b, r->coefficient));
    meta_jput(b, o, "se", meta_jnum(b, r->se));
    meta_jput(b, o, "statistic", meta_jnum(b, r->statistic));
    meta_jput(b, o, "df", meta_jnum(b, r->df));
    meta_jput(b, o, "p", meta_jnum(b, r->p));
    for (int i = 0; i < 3; i++)
        meta_jput(b, o, limits[i], meta_jnum(b, v[i]));
    meta_jput(b, o, "exp", exp_json(b, log_scale, limits, v));
    return o;
}

static struct meta_jv *trimfill_json(struct meta_jb *b, const struct meta_trimfill *t,
                                     int log_scale)
{
    static const char *const names[3] = {"estimate", "ci_lower", "ci_upper"};
    const double v[3] = {t->estimate, t->ci_lower, t->ci_upper};
    struct meta_jv *o = meta_jobj(b);
    meta_jput(b, o, "estimator", meta_jstr(b, meta_tf_estimator_name(t->estimator)));
    meta_jput(b, o, "side", meta_jstr(b, meta_tf_side_name(t->side)));
    meta_jput(b, o, "k0", meta_jint(b, (long long)t->k0));
    meta_jput(b, o, "estimate", meta_jnum(b, t->estimate));
    meta_jput(b, o, "se", meta_jnum(b, t->se));
    meta_jput(b, o, "ci_lower", meta_jnum(b, t->ci_lower));
    meta_jput(b, o, "ci_upper", meta_jnum(b, t->ci_upper));
    meta_jput(b, o, "tau2", meta_jnum(b, t->tau2));
    struct meta_jv *filled = meta_jarr(b);
    for (size_t i = 0; i < t->k0; i++) {
        struct meta_jv *f = meta_jobj(b);
        meta_jput(b, f, "yi", meta_jnum(b, t->filled[i].yi));
        meta_jput(b, f, "vi", meta_jnum(b, t->filled[i].vi));
        meta_jpush(b, filled, f);
    }
    meta_jput(b, o, "filled", filled);
    meta_jput(b, o, "exp", exp_json(b, log_scale, names, v));
    return o;
}

void report_json_bias(struct meta_jb *b, struct meta_jv *root, const struct meta_analysis *an)
{
    const struct meta_analysis_bias *bias = &an->bias;
    int log_scale = an->log_scale;
    if (bias->have_tests) {
        meta_jput(b, root, "egger", regtest_json(b, &bias->egger, log_scale));
        meta_jput(b, root, "regtest", regtest_json(b, &bias->regtest, log_scale));
        struct meta_jv *begg = meta_jobj(b);
        meta_jput(b, begg, "tau", meta_jnum(b, bias->begg.tau));
        meta_jput(b, begg, "p", meta_jnum(b, bias->begg.p));
        meta_jput(b, root, "begg", begg);
    }
    meta_jput(b, root, "trimfill",
              bias->have_trimfill ? trimfill_json(b, &bias->trimfill, log_scale) : NULL);
    const char *notes[REPORT_BIAS_NOTES];
    size_t n = report_bias_notes(an, notes);
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < n; i++)
        meta_jpush(b, arr, meta_jstr(b, notes[i]));
    meta_jput(b, root, "notes", arr);
}

struct meta_jv *report_json_influence(struct meta_jb *b, const struct meta_analysis *an)
{
    const struct meta_analysis_influence *inf = &an->influence;
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < inf->k; i++) {
        const struct meta_influence *r = &inf->row[i];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "trial", meta_jstr(b, an->contrasts.info[inf->index[i]].trial));
        meta_jput(b, o, "rstudent", meta_jnum(b, r->rstudent));
        meta_jput(b, o, "dffits", meta_jnum(b, r->dffits));
        meta_jput(b, o, "cook_d", meta_jnum(b, r->cook_d));
        meta_jput(b, o, "cov_r", meta_jnum(b, r->cov_r));
        meta_jput(b, o, "tau2_del", meta_jnum(b, r->tau2_del));
        meta_jput(b, o, "QE_del", meta_jnum(b, r->QE_del));
        meta_jput(b, o, "hat", meta_jnum(b, r->hat));
        meta_jput(b, o, "weight", meta_jnum(b, r->weight));
        meta_jput(b, o, "influential", meta_jbool(b, r->influential));
        meta_jpush(b, arr, o);
    }
    return arr;
}

static struct meta_jv *coefficients_json(struct meta_jb *b, const struct meta_metareg *f)
{
    struct meta_jv *arr = meta_jarr(b);
    for (size_t j = 0; j < f->p; j++) {
        const struct meta_metareg_coef *c = &f->coefficients[j];
        struct meta_jv *o = meta_jobj(b);
        meta_jput(b, o, "name", meta_jstr(b, c->name));
        meta_jput(b, o, "estimate", meta_jnum(b, c->estimate));
        meta_jput(b, o, "se", meta_jnum(b, c->se));
        meta_jput(b, o, "statistic", meta_jnum(b, c->statistic));
        meta_jput(b, o, "p", meta_jnum(b, c->p));
        meta_jput(b, o, "ci_lower", meta_jnum(b, c->ci_lower));
        meta_jput(b, o, "ci_upper", meta_jnum(b, c->ci_upper));
        meta_jpush(b, arr, o);
    }
    return arr;
}

/* Whether moderator `name` is numeric: a design column of that very name. */
static int numeric_moderator(const struct meta_design *d, const char *name)
{
    for (size_t j = 1; j < d->p; j++)
        if (strcmp(d->names[j], name) == 0)
            return 1;
    return 0;
}

/* Each regressed trial: its effect, weight and moderators' values (numbers
 * for numeric moderators). */
static struct meta_jv *regression_studies(struct meta_jb *b, const struct meta_analysis *an)
{
    const struct meta_analysis_regression *r = &an->regression;
    const struct meta_analysis_request *req = an->req;
    struct meta_jv *arr = meta_jarr(b);
    for (size_t i = 0; i < r->k; i++) {
        struct meta_jv *o = meta_jobj(b), *values = meta_jobj(b);
        meta_jput(b, o, "trial", meta_jstr(b, an->contrasts.info[r->index[i]].trial));
        meta_jput(b, o, "yi", meta_jnum(b, r->yi[i]));
        meta_jput(b, o, "vi", meta_jnum(b, r->vi[i]));
        meta_jput(b, o, "weight", meta_jnum(b, r->weight[i]));
        for (size_t j = 0; j < req->n_mods; j++) {
            const char *v = r->values[i * req->n_mods + j];
            meta_jput(b, values, req->mods[j],
                      numeric_moderator(&r->design, req->mods[j]) ? meta_jnum(b, strtod(v, NULL))
                                                                  : meta_jstr(b, v));
        }
        meta_jput(b, o, "mods", values);
        meta_jpush(b, arr, o);
    }
    return arr;
}

void report_json_regression(struct meta_jb *b, struct meta_jv *obj, const struct meta_analysis *an)
{
    const struct meta_analysis_regression *r = &an->regression;
    const struct meta_metareg *f = &r->fit;
    const struct meta_analysis_request *req = an->req;
    meta_jput(b, obj, "k", meta_jint(b, (long long)r->k));
    struct meta_jv *mods = meta_jarr(b);
    for (size_t j = 0; j < req->n_mods; j++)
        meta_jpush(b, mods, meta_jstr(b, req->mods[j]));
    meta_jput(b, obj, "mods", mods);
    meta_jput(b, obj, "coefficients", coefficients_json(b, f));
    meta_jput(b, obj, "QM", meta_jnum(b, f->QM));
    meta_jput(b, obj, "QM_df", meta_jint(b, f->QM_df));
    meta_jput(b, obj, "QM_p", meta_jnum(b, f->QM_p));
    meta_jput(b, obj, "QE", meta_jnum(b, f->QE));
    meta_jput(b, obj, "QE_df", meta_jint(b, f->QE_df));
    meta_jput(b, obj, "QE_p", meta_jnum(b, f->QE_p));
    meta_jput(b, obj, "df", meta_jnum(b, f->df));
    meta_jput(b, obj, "tau2", meta_jnum(b, f->tau2));
    meta_jput(b, obj, "I2", meta_jnum(b, f->I2));
    meta_jput(b, obj, "H2", meta_jnum(b, f->H2));
    meta_jput(b, obj, "R2", meta_jnum(b, f->R2));
    meta_jput(b, obj, "studies", regression_studies(b, an));
    struct meta_jv *excluded =
        report_json_excluded(b, NULL, an->contrasts.excluded, an->contrasts.n_excluded);
    meta_jput(b, obj, "excluded", report_json_excluded(b, excluded, r->excluded, r->n_excluded));
}

/* `meta bias --format json`: the selection and model, k, the tests, the
 * studies tested, the trials left out and the data block. */
static struct meta_jv *bias_root(const struct meta_analysis *an, struct meta_jb *out)
{
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jobj(&b);
    report_json_head(&b, root, an);
    meta_jput(&b, root, "k", meta_jint(&b, (long long)an->bias.k));
    report_json_bias(&b, root, an);
    struct meta_jv *studies = meta_jarr(&b);
    for (size_t i = 0; i < an->bias.k; i++) {
        size_t at = an->bias.index[i];
        struct meta_jv *o = meta_jobj(&b);
        meta_jput(&b, o, "trial", meta_jstr(&b, an->contrasts.info[at].trial));
        meta_jput(&b, o, "yi", meta_jnum(&b, an->overall.studies[at].yi));
        meta_jput(&b, o, "vi", meta_jnum(&b, an->overall.studies[at].vi));
        meta_jpush(&b, studies, o);
    }
    meta_jput(&b, root, "studies", studies);
    meta_jput(&b, root, "excluded",
              report_json_excluded(&b, NULL, an->contrasts.excluded, an->contrasts.n_excluded));
    report_json_data(&b, root, an);
    *out = b;
    return root;
}

static struct meta_jv *regress_root(const struct meta_analysis *an, struct meta_jb *out)
{
    struct meta_jb b = {0};
    struct meta_jv *root = meta_jobj(&b);
    report_json_head(&b, root, an);
    report_json_regression(&b, root, an);
    report_json_data(&b, root, an);
    *out = b;
    return root;
}

struct meta_jv *report_bias_root(struct meta_jb *b, const struct meta_analysis *an)
{
    *b = (struct meta_jb){0};
    return an->have_bias ? bias_root(an, b) : NULL;
}

struct meta_jv *report_regress_root(struct meta_jb *b, const struct meta_analysis *an)
{
    *b = (struct meta_jb){0};
    return an->have_regression ? regress_root(an, b) : NULL;
}

struct json_object *meta_report_bias_to_json(const struct meta_analysis *an)
{
    struct meta_jb b;
    struct meta_jv *root = report_bias_root(&b, an);
    struct json_object *o = root ? meta_jto_c(&b, root) : NULL;
    meta_jb_release(&b);
    return o;
}

struct json_object *meta_report_regress_to_json(const struct meta_analysis *an)
{
    struct meta_jb b;
    struct meta_jv *root = report_regress_root(&b, an);
    struct json_object *o = root ? meta_jto_c(&b, root) : NULL;
    meta_jb_release(&b);
    return o;
}
