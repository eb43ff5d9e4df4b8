/*
 * Filling the forest and funnel descriptions of plots/ from an analysis (see
 * meta_report_forest), trim-and-fill's studies included. The numbers are the analysis' own, on its
 * scale (logs for ratio measures): plots/ back-transforms the axis. A trial reported by an estimate
 * row has no arm columns and shows its interval as reported. Risk-of-bias judgements come from a
 * lookup the caller provides.
 */
#include "meta_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Joins a list of names with " + " for column headers ("duloxetine + milnacipran"). */
static void join_names(char *buf, size_t size, char *const *names, size_t count)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < count && used + 1 < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? " + " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void fill_arm(struct meta_plot_arm *arm, const struct meta_study *s, int treatment)
{
    if (s->binary) {
        const struct meta_arm_bin *b = treatment ? &s->tb : &s->cb;
        arm->kind = META_PLOT_ARM_BINARY;
        arm->events = lround(b->events);
        arm->n = lround(b->total);
    } else {
        const struct meta_arm_cont *c = treatment ? &s->tc : &s->cc;
        arm->kind = META_PLOT_ARM_CONTINUOUS;
        arm->n = lround(c->n);
        arm->mean = c->mean;
        arm->sd = c->sd;
    }
}

/* The attributes of a study's risk-of-bias judgements (INTERFACE.md section
 * 4), in the order of enum meta_rob_domain. */
static const char *const rob_attr[META_ROB_DOMAINS] = {"rob_d1", "rob_d2", "rob_d3",
                                                       "rob_d4", "rob_d5", "rob_overall"};

#define NO_GROUP ((size_t)-1)

/* Study j of subgroup g (NO_GROUP: of the whole analysis) as an index into
 * an->contrasts: the same place when the total pools the subgroups' studies,
 * else the contrast of the same trial; NO_GROUP when there is none. */
static size_t analysis_index(const struct meta_analysis *an, size_t g, size_t j)
{
    if (g == NO_GROUP)
        return j;
    if (an->subgroups_in_total)
        return an->groups[g].first + j;
    long long id = an->groups[g].contrasts.info[j].trial_id;
    for (size_t i = 0; i < an->contrasts.k; i++)
        if (an->contrasts.info[i].trial_id == id)
            return i;
    return NO_GROUP;
}

/* Fills the risk-of-bias judgements of study s, study j of subgroup g, from
 * the settings' lookup when they ask for them. */
static int fill_rob(struct meta_forest_study *s, const struct meta_analysis *an, size_t g, size_t j,
                    const struct meta_plot_settings *settings, struct meta_error *err)
{
    size_t i = analysis_index(an, g, j);
    if (!settings->rob || !settings->study_attr || i == NO_GROUP)
        return META_OK;
    for (int d = 0; d < META_ROB_DOMAINS; d++) {
        struct meta_error why;
        const char *value = settings->study_attr(settings->study_attr_ctx, i, rob_attr[d]);
        if (meta_plot_rob_parse(value, &s->rob[d], &why) != META_OK)
            return meta_error_set(err, META_EINVAL, "trial '%s': %s %s", s->label, rob_attr[d],
                                  why.msg);
    }
    return META_OK;
}

/* Adds the studies of contrasts c with their results from res: the whole
 * analysis (g = NO_GROUP) or subgroup g of an, whose studies show the
 * weights meta_analysis_shown_weight() gives; *weight_sum receives their
 * sum. A study that is not estimable is drawn as RevMan draws it: "Not
 * estimable", no square, no weight. Risk-of-bias judgements come as the
 * settings say. */
static int add_studies(struct meta_forest *f, const struct meta_contrasts *c,
                       const struct meta_result *res, const struct meta_analysis *an, size_t g,
                       const struct meta_plot_settings *settings, double *weight_sum,
                       struct meta_error *err)
{
    *weight_sum = 0.0;
    for (size_t i = 0; i < c->k; i++) {
        struct meta_forest_study s;
        meta_forest_study_init(&s);
        const struct meta_contrast_info *info = &c->info[i];
        s.label = info->trial;
        s.year = info->year;
        int estimate = info->source == META_SOURCE_ESTIMATE;
        if (!estimate) {
            fill_arm(&s.treatment, &c->studies[i], 1);
            fill_arm(&s.control, &c->studies[i], 0);
        } else { /* META_PLOT_ARM_NONE, with the participant counts the row gives */
            s.treatment.n = isfinite(info->n_treatment) ? lround(info->n_treatment) : 0;
            s.control.n = isfinite(info->n_control) ? lround(info->n_control) : 0;
        }
        const struct meta_study_result *r = &res->studies[i];
        s.weight = g == NO_GROUP ? r->weight : meta_analysis_shown_weight(an, g, i);
        *weight_sum += s.weight;
        if (isfinite(r->yi) && isfinite(r->ci_lower) && isfinite(r->ci_upper)) {
            int given = estimate && isfinite(info->ci_lower) && isfinite(info->ci_upper);
            s.estimate = r->yi;
            s.ci_lower = given ? info->ci_lower : r->ci_lower;
            s.ci_upper = given ? info->ci_upper : r->ci_upper;
        } else if (an->opts.convention != META_CONVENTION_METAFOR) {
            s.weight = NAN; /* not estimable */
        }
        int ret = fill_rob(&s, an, g, i, settings, err);
        if (ret == META_OK)
            ret = meta_forest_add_study(f, &s, err);
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

static void fill_summary(struct meta_forest_summary *s, const struct meta_result *r)
{
    meta_forest_summary_init(s);
    s->estimate = r->estimate;
    s->ci_lower = r->ci_lower;
    s->ci_upper = r->ci_upper;
    s->pi_lower = r->pi_lower;
    s->pi_upper = r->pi_upper;
    s->weight = 100.0;
    s->tau2 = r->tau2;
    s->q = r->Q;
    s->q_df = r->Q_df;
    s->q_p = r->Q_p;
    s->i2 = r->I2;
    s->stat = r->statistic;
    s->stat_df = r->df;
    s->p = r->p;
}

/* Adds one section per pooled subgroup: heading, studies, subtotal (none
 * when no study of it is estimable); the subtotal's weight is its share of
 * the overall total when the total pools the subgroups' studies. */
static int add_subgroups(struct meta_forest *f, const struct meta_analysis *an,
                         const struct meta_plot_settings *settings, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    for (size_t g = 0; g < an->n_groups; g++) {
        const struct meta_subgroup *grp = &an->groups[g];
        if (!grp->pooled)
            continue;
        char heading[512];
        if (grp->value)
            snprintf(heading, sizeof heading, "%s: %s", req->by, grp->value);
        else
            snprintf(heading, sizeof heading, "%s: (not given)", req->by);
        double weight = 0.0;
        int ret = meta_forest_add_section(f, heading, err);
        if (ret == META_OK)
            ret = add_studies(f, &grp->contrasts, &grp->result, an, g, settings, &weight, err);
        if (ret != META_OK)
            return ret;
        if (grp->result.k_estimable == 0)
            continue; /* its studies say "Not estimable" */
        struct meta_forest_summary s;
        fill_summary(&s, &grp->result);
        /* each subgroup is pooled on its own; RevMan shows its share of the total */
        s.weight = an->subgroups_in_total ? weight : NAN;
        if ((ret = meta_forest_add_subtotal(f, &s, err)) != META_OK)
            return ret;
    }
    if (an->have_test)
        return meta_forest_set_subgroup_test(f, an->test.Q, an->test.df, an->test.p, err);
    return META_OK;
}

/* A footer line naming the convention, unless it is metafor's (the
 * default): the model line says what the method is, this whose formulas. */
static int add_convention(struct meta_forest *f, const struct meta_options *o,
                          struct meta_error *err)
{
    if (o->convention == META_CONVENTION_METAFOR)
        return META_OK;
    char line[256];
    snprintf(line, sizeof line, "Convention: %s (%s)%s", meta_convention_name(o->convention),
             meta_convention_title(o->convention),
             o->model == META_MODEL_RANDOM && o->method == META_METHOD_MH
                 ? "; tau^2 by DerSimonian-Laird around the MH estimate"
                 : "");
    return meta_forest_add_footer(f, line, err);
}

/* A footer line naming the trials left out, so a reader sees the whole selection. */
static int add_exclusions(struct meta_forest *f, const struct meta_contrasts *c,
                          struct meta_error *err)
{
    if (c->n_excluded == 0)
        return META_OK;
    char line[1024];
    int used = snprintf(line, sizeof line, "Not pooled: ");
    for (size_t i = 0; i < c->n_excluded && used > 0 && (size_t)used < sizeof line; i++)
        used += snprintf(line + used, sizeof line - (size_t)used, "%s%s (%s)", i ? "; " : "",
                         c->excluded[i].trial, c->excluded[i].reason);
    return meta_forest_add_footer(f, line, err);
}

int meta_report_forest(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_forest **out, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    *out = NULL;
    struct meta_forest *f = meta_forest_alloc();
    if (!f)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    enum meta_forest_order order = META_FOREST_ORDER_LOADED;
    char treatment[512], control[512];
    join_names(treatment, sizeof treatment, req->treatments, req->n_treatments);
    join_names(control, sizeof control, req->controls, req->n_controls);
    int random = an->opts.model == META_MODEL_RANDOM;
    int ret = META_OK;
    if ((settings->sort && (ret = meta_forest_order_from_name(settings->sort, &order, err))) ||
        (ret = meta_forest_set_title(f, settings->title, err)) ||
        (ret = meta_forest_set_measure(f, meta_measure_label(an->opts.measure), an->log_scale,
                                       err)) ||
        (ret = meta_forest_set_arms(f, treatment, control, err)) ||
        (ret = meta_forest_set_favours(f, settings->favours_left, settings->favours_right, err)) ||
        (ret = meta_forest_set_model(f, random ? "Random effects" : "Common effect",
                                     meta_method_name(an->opts.method), an->opts.level, err)))
        goto cleanup;
    meta_forest_set_higher_is_better(f, settings->higher_is_better);
    meta_forest_set_rob(f, settings->rob);
    double weight;
    if (an->n_groups > 0)
        ret = add_subgroups(f, an, settings, err);
    else
        ret = add_studies(f, &an->contrasts, &an->overall, an, NO_GROUP, settings, &weight, err);
    if (ret != META_OK)
        goto cleanup;
    struct meta_forest_summary total;
    fill_summary(&total, &an->overall);
    if (an->subgroup_totals_only) /* no overall diamond: say why there is none */
        ret = meta_forest_add_footer(f,
                                     "Subgroup totals only: no overall total; weights are within "
                                     "each subgroup",
                                     err);
    else
        ret = meta_forest_add_overall(f, &total, err);
    if (ret != META_OK || (ret = add_convention(f, &an->opts, err)) != META_OK ||
        (ret = add_exclusions(f, &an->contrasts, err)) != META_OK)
        goto cleanup;
    if (settings->note && (ret = meta_forest_add_footer(f, settings->note, err)) != META_OK)
        goto cleanup;
    meta_forest_sort_rows(f, order);
    *out = f;
    f = NULL;
cleanup:
    meta_forest_free(f);
    return ret;
}

int meta_report_funnel(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_funnel **out, struct meta_error *err)
{
    *out = NULL;
    struct meta_funnel *f = meta_funnel_alloc();
    if (!f)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    int ret = META_OK;
    if (an->subgroup_totals_only) {
        ret = meta_error_set(err, META_EINVAL,
                             "a funnel plot is drawn around the overall estimate, which an "
                             "analysis with subgroup totals only does not compute");
        goto cleanup;
    }
    if ((ret = meta_funnel_set_title(f, settings->title, err)) ||
        (ret = meta_funnel_set_measure(f, meta_measure_label(an->opts.measure), an->log_scale,
                                       err)) ||
        (ret = meta_funnel_set_estimate(f, an->overall.estimate, err)))
        goto cleanup;
    if (an->opts.convention != META_CONVENTION_METAFOR) { /* as forest plots name it */
        char note[256];
        snprintf(note, sizeof note, "Convention: %s (%s)",
                 meta_convention_name(an->opts.convention),
                 meta_convention_title(an->opts.convention));
        if ((ret = meta_funnel_set_note(f, note, err)) != META_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < an->contrasts.k; i++) {
        const struct meta_study_result *r = &an->overall.studies[i];
        if (!isfinite(r->yi) || !(r->vi > 0))
            continue;
        ret = meta_funnel_add_point(f, r->yi, sqrt(r->vi), an->contrasts.info[i].trial, err);
        if (ret != META_OK)
            goto cleanup;
    }
    meta_funnel_set_contours(f, settings->contours);
    const struct meta_trimfill *tf = &an->bias.trimfill;
    if (an->req->trimfill && an->have_bias && an->bias.have_trimfill) {
        for (size_t i = 0; i < tf->k0 && ret == META_OK; i++)
            ret = meta_funnel_add_filled(f, tf->filled[i].yi, sqrt(tf->filled[i].vi), err);
        if (ret == META_OK)
            ret = meta_funnel_set_adjusted(f, tf->estimate, err);
        if (ret != META_OK)
            goto cleanup;
    }
    *out = f;
    f = NULL;
cleanup:
    meta_funnel_free(f);
    return ret;
}
