/*
 * meta_db_check_review(): every analysis of an imported review recomputed
 * from the registry, as its analysis file would (RevMan's settings, the
 * revman5 convention, by subgroup), and compared number by number with what
 * RevMan printed or stored: each study's weight, effect and interval, the
 * totals, the subgroups and the test between them. This is the evidence
 * that the import lost nothing and that meta reproduces the review.
 */
#include "check_fields.h"
#include "meta_analysis.h"

#include <gsl/gsl_cdf.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meta_check_report_init(struct meta_check_report *r)
{
    memset(r, 0, sizeof *r);
}

void meta_check_report_release(struct meta_check_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_analyses; i++) {
        struct meta_check_analysis *a = &r->analyses[i];
        for (size_t j = 0; j < a->n_fields; j++)
            free(a->fields[j].field);
        free(a->fields);
        free(a->reason);
    }
    free(r->analyses);
    meta_check_report_init(r);
}

/* What one analysis's comparison needs. */
struct check_ctx {
    const struct meta_review *rv;
    const struct meta_review_analysis *an;
    const struct meta_analysis *res;
    struct meta_review_map map;
    enum check_precision full; /* CHECK_PRINTED or CHECK_FULL */
    struct check_fields f;
};

/* ---- The request --------------------------------------------------------- */

/* name with its commas escaped, as a treatment list takes one name. */
static void list_value(char *buf, size_t size, const char *name)
{
    size_t n = 0;
    for (const char *s = name; *s && n + 2 < size; s++) {
        if (*s == ',')
            buf[n++] = '\\';
        buf[n++] = *s;
    }
    buf[n] = '\0';
}

/* The request that recomputes an analysis: what its analysis file says. */
static int make_request(const struct meta_review *rv, const struct meta_review_analysis *an,
                        const char *prefix, const struct meta_review_map *map,
                        struct meta_analysis_request *req, struct meta_request_error *e)
{
    char outcome[META_REVIEW_NAME_SIZE], exp[META_REVIEW_NAME_SIZE], ctl[META_REVIEW_NAME_SIZE];
    char exp_list[2 * META_REVIEW_NAME_SIZE], ctl_list[2 * META_REVIEW_NAME_SIZE], level[32];
    meta_review_outcome_name(an, meta_review_prefix(rv, prefix), outcome, sizeof outcome);
    meta_review_side_names(an, exp, ctl, sizeof exp);
    list_value(exp_list, sizeof exp_list, exp);
    list_value(ctl_list, sizeof ctl_list, ctl);
    snprintf(level, sizeof level, "%.17g", map->level);
    const char *keys[][2] = {
        {"outcome", outcome},      {"treatment", exp_list},   {"control", ctl_list},
        {"measure", map->measure}, {"model", map->model},     {"method", map->method},
        {"level", level},          {"convention", "revman5"},
    };
    int ret = META_OK;
    for (size_t i = 0; ret == META_OK && i < sizeof keys / sizeof *keys; i++)
        ret = meta_analysis_request_set(req, keys[i][0], keys[i][1], e);
    if (ret == META_OK && an->n_subgroups)
        ret = meta_analysis_request_set(req, "by", "subgroup", e);
    if (ret == META_OK && an->n_subgroups && map->totals)
        ret = meta_analysis_request_set(req, "totals", map->totals, e);
    return ret;
}

/* ---- Studies ------------------------------------------------------------- */

/* The natural scale of the analysis's effects. */
static double natural(const struct check_ctx *c, double y)
{
    int log_scale = meta_measure_is_ratio(c->res->opts.measure) ||
                    (c->map.log_scale && strcmp(c->map.measure, "GIV") == 0);
    return log_scale ? exp(y) : y;
}

/* Where meta has a study: its index in the contrasts, or -1. */
static long find_study(const struct meta_analysis *res, const char *trial)
{
    for (size_t i = 0; i < res->contrasts.k; i++)
        if (strcmp(res->contrasts.studies[i].label, trial) == 0)
            return (long)i;
    return -1;
}

static void check_study(struct check_ctx *c, const struct meta_review_row *row, double z)
{
    const struct meta_review_result *rm = &row->revman;
    long i = find_study(c->res, row->trial);
    const struct meta_study_result *s =
        i >= 0 && c->res->overall.studies ? &c->res->overall.studies[i] : NULL;
    int estimable = s && isfinite(s->yi) && isfinite(s->vi);
    int numbers =
        !isnan(rm->weight) || !isnan(rm->estimate) || !isnan(rm->ci_lower) || !isnan(rm->ci_upper);
    if (!numbers) {
        if (row->estimable == 0) /* RevMan says the study is not estimable */
            check_field(&c->f, row->trial, "estimate", NAN, estimable ? natural(c, s->yi) : NAN,
                        c->full);
        return;
    }
    double y = estimable ? s->yi : NAN, se = estimable ? sqrt(s->vi) : NAN;
    if (!isnan(rm->weight))
        check_field(&c->f, row->trial, "weight", rm->weight,
                    estimable ? meta_analysis_study_weight(c->res, (size_t)i) : NAN, c->full);
    if (!isnan(rm->estimate))
        check_field(&c->f, row->trial, "estimate", rm->estimate, natural(c, y), c->full);
    if (!isnan(rm->ci_lower))
        check_field(&c->f, row->trial, "ci_lower", rm->ci_lower, natural(c, y - z * se), c->full);
    if (!isnan(rm->ci_upper))
        check_field(&c->f, row->trial, "ci_upper", rm->ci_upper, natural(c, y + z * se), c->full);
}

/* ---- Totals -------------------------------------------------------------- */

/* The p-values of chi^2 tests: RevMan 5's own approximation. */
static enum check_precision chi2p(const struct check_ctx *c)
{
    return c->full == CHECK_FULL ? CHECK_FULL_CHI2P : CHECK_PRINTED;
}

/* RevMan's totals of the analysis or of one subgroup against meta's result. */
static void check_totals(struct check_ctx *c, const char *prefix,
                         const struct meta_review_totals *t, const struct meta_result *r)
{
    if (!t->present)
        return;
    enum check_precision p = c->full;
    int pooled = r && isfinite(r->estimate);
    double est = pooled ? r->estimate : NAN;
    check_field(&c->f, prefix, "estimate", t->estimate, natural(c, est), p);
    check_field(&c->f, prefix, "ci_lower", t->ci_lower, pooled ? natural(c, r->ci_lower) : NAN, p);
    check_field(&c->f, prefix, "ci_upper", t->ci_upper, pooled ? natural(c, r->ci_upper) : NAN, p);
    if (!isnan(t->z))
        check_field(&c->f, prefix, "Z", t->z, pooled ? fabs(r->statistic) : NAN, p);
    if (!isnan(t->p))
        check_field(&c->f, prefix, "p", t->p, pooled ? r->p : NAN, p);
    if (!isnan(t->chi2))
        check_field(&c->f, prefix, "chi2", t->chi2, pooled ? r->Q : NAN, p);
    if (!isnan(t->df))
        check_field(&c->f, prefix, "df", t->df, pooled ? (double)r->Q_df : NAN, p);
    if (!isnan(t->chi2_p))
        check_field(&c->f, prefix, "chi2_p", t->chi2_p, pooled ? r->Q_p : NAN, chi2p(c));
    if (!isnan(t->i2))
        check_field(&c->f, prefix, "I2", t->i2, pooled ? r->I2 : NAN, p);
    /* A fixed-effect analysis has no tau^2 (RevMan writes 0). */
    if (!isnan(t->tau2) && (r && r->model == META_MODEL_RANDOM))
        check_field(&c->f, prefix, "tau2", t->tau2, pooled ? r->tau2 : NAN, p);
}

/* The subgroup of meta's analysis named as RevMan names it. */
static const struct meta_subgroup *find_group(const struct meta_analysis *res, const char *name,
                                              size_t *g)
{
    for (size_t i = 0; i < res->n_groups; i++)
        if (res->groups[i].value && strcmp(res->groups[i].value, name) == 0) {
            *g = i;
            return &res->groups[i];
        }
    return NULL;
}

static void check_subgroups(struct check_ctx *c)
{
    const struct meta_analysis *res = c->res;
    for (size_t s = 0; s < c->an->n_subgroups; s++) {
        const struct meta_review_subgroup *sub = &c->an->subgroups[s];
        if (!sub->totals.present)
            continue;
        char prefix[META_REVIEW_NAME_SIZE + 16];
        snprintf(prefix, sizeof prefix, "subgroup %s", sub->name);
        size_t g = 0;
        const struct meta_subgroup *sg = find_group(res, sub->name, &g);
        check_totals(c, prefix, &sub->totals, sg && sg->pooled ? &sg->result : NULL);
        if (!isnan(sub->totals.weight)) {
            double w = NAN;
            if (sg) {
                w = 0;
                for (size_t j = 0; j < sg->contrasts.k; j++)
                    w += meta_analysis_shown_weight(res, g, j);
            }
            check_field(&c->f, prefix, "weight", sub->totals.weight, w, c->full);
        }
    }
    const struct meta_review_subgroup_test *t = &c->an->subgroup_test;
    if (!t->present)
        return;
    int have = res->have_test;
    if (!isnan(t->chi2))
        check_field(&c->f, "subgroup test", "chi2", t->chi2, have ? res->test.Q : NAN, c->full);
    if (!isnan(t->df))
        check_field(&c->f, "subgroup test", "df", t->df, have ? (double)res->test.df : NAN,
                    c->full);
    if (!isnan(t->p))
        check_field(&c->f, "subgroup test", "p", t->p, have ? res->test.p : NAN, chi2p(c));
    if (!isnan(t->i2))
        check_field(&c->f, "subgroup test", "I2", t->i2, have ? res->test.I2 : NAN, c->full);
}

/* ---- One analysis -------------------------------------------------------- */

/* Whether RevMan gives any number to compare for the analysis. */
static int revman_has_numbers(const struct meta_review_analysis *an)
{
    if (an->overall.present || an->subgroup_test.present)
        return 1;
    for (size_t s = 0; s < an->n_subgroups; s++)
        if (an->subgroups[s].totals.present)
            return 1;
    for (size_t i = 0; i < an->n_rows; i++) {
        const struct meta_review_row *row = &an->rows[i];
        if (!isnan(row->revman.weight) || !isnan(row->revman.estimate) || row->estimable == 0)
            return 1;
    }
    return 0;
}

static int set_reason(struct meta_check_analysis *a, enum meta_check_status status,
                      const char *reason)
{
    a->status = status;
    return (a->reason = strdup(reason)) ? META_OK : META_ENOMEM;
}

/* Whether meta left an analysis unpooled because the convention calls every
 * one of its studies not estimable (no events in either arm...): RevMan
 * then shows no number either, which the comparison checks. */
static int none_estimable(const struct meta_analysis *res)
{
    if (res->contrasts.k == 0)
        return 0;
    for (size_t i = 0; i < res->contrasts.k; i++) {
        double yi, vi;
        if (meta_es_compute_opts(&res->opts, &res->contrasts.studies[i], &yi, &vi, NULL) !=
                META_OK ||
            !isnan(yi))
            return 0;
    }
    return 1;
}

static int compare(struct check_ctx *c, struct meta_check_analysis *a)
{
    double level = !isnan(c->an->study_level) ? c->an->study_level : c->map.level;
    double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 200);
    a->k = c->res->contrasts.k;
    c->f.a = a;
    for (size_t i = 0; i < c->an->n_rows; i++)
        check_study(c, &c->an->rows[i], z);
    /* with subgroup totals only RevMan computed no overall total */
    if (c->an->overall.present && c->an->show_overall != 0 && !c->map.totals)
        check_totals(c, NULL, &c->an->overall, &c->res->overall);
    check_subgroups(c);
    if (c->f.failed)
        return META_ENOMEM;
    if (a->n_fields == 0)
        return set_reason(a, META_CHECK_NOT_COMPARED, "RevMan gives no number for this analysis");
    a->status = a->n_disagree ? META_CHECK_DISAGREE : META_CHECK_AGREE;
    if (!c->res->overall.studies)
        return set_reason(a, a->status, "meta finds no study estimable");
    return META_OK;
}

/* Checks one analysis into a. Returns META_OK whatever the verdict; META_EDB
 * or META_ENOMEM when the check cannot go on. */
static int check_analysis(struct meta_db *db, const struct meta_review *rv,
                          const struct meta_review_analysis *an, const char *prefix,
                          struct meta_check_analysis *a, struct meta_error *err)
{
    struct check_ctx c = {.rv = rv, .an = an};
    c.full = rv->format == META_REVIEW_REVMAN5 ? CHECK_FULL : CHECK_PRINTED;
    a->an = an;
    a->max_rel_diff = 0;
    meta_review_analysis_id(an, a->id, sizeof a->id);
    meta_review_map_settings(an, &c.map);
    if (!revman_has_numbers(an))
        return set_reason(a, META_CHECK_NOT_COMPARED, "RevMan gives no number for this analysis");
    if (!c.map.measure)
        return set_reason(a, META_CHECK_NOT_COMPUTED, "the analysis has no data");

    struct meta_analysis_request req;
    struct meta_analysis res;
    struct meta_request_error e;
    meta_analysis_request_init(&req);
    meta_analysis_init(&res);
    meta_request_error_init(&e, NULL);
    int ret = make_request(rv, an, prefix, &c.map, &req, &e);
    if (ret == META_OK)
        ret = meta_analysis_run(db, &req, &res, &e);
    if (ret == META_EDB || ret == META_ENOMEM) {
        meta_error_set(err, ret, "analysis %s: %s", a->id, e.err.msg);
    } else if (ret == META_EDOM && none_estimable(&res)) {
        c.res = &res;
        ret = compare(&c, a);
    } else if (ret != META_OK) {
        char why[META_ERROR_MAX + 128];
        if (an->type == META_REVIEW_GIV || an->type == META_REVIEW_OE)
            snprintf(why, sizeof why,
                     "meta cannot recompute it from its %s rows (stored as estimate rows): %s",
                     meta_review_type_name(an->type), e.err.msg);
        else
            snprintf(why, sizeof why, "meta cannot recompute it: %s", e.err.msg);
        ret = set_reason(a, META_CHECK_NOT_COMPUTED, why);
    } else {
        c.res = &res;
        ret = compare(&c, a);
    }
    if (ret == META_ENOMEM && !err->msg[0])
        meta_error_set(err, ret, "out of memory");
    meta_analysis_release(&res);
    meta_analysis_request_release(&req);
    return ret;
}

int meta_db_check_review(struct meta_db *db, const struct meta_review *rv, const char *prefix,
                         struct meta_check_report *out, struct meta_error *err)
{
    meta_error_clear(err);
    meta_check_report_release(out);
    if (rv->n_analyses == 0)
        return META_OK;
    if (!(out->analyses = calloc(rv->n_analyses, sizeof *out->analyses)))
        return meta_error_set(err, META_ENOMEM, "out of memory");
    for (size_t i = 0; i < rv->n_analyses; i++) {
        struct meta_check_analysis *a = &out->analyses[out->n_analyses++];
        int ret = check_analysis(db, rv, &rv->analyses[i], prefix, a, err);
        if (ret != META_OK)
            return ret;
        switch (a->status) {
        case META_CHECK_AGREE:
            out->agree++;
            break;
        case META_CHECK_DISAGREE:
            out->disagree++;
            break;
        case META_CHECK_NOT_COMPARED:
            out->not_compared++;
            break;
        case META_CHECK_NOT_COMPUTED:
            out->not_computed++;
            break;
        }
    }
    return META_OK;
}
