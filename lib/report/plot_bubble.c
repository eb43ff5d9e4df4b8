/*
 * Filling the bubble plot of plots/ from an analysis's meta-regression (see
 * meta_report_bubble): the trials regressed, their weights in the
 * regression, and the fitted line with its band from the fit's own
 * predictions, so that the plot shows exactly what `meta regress` reports.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LINE_POINTS 101

/* The one numeric moderator the plot needs, or the error. */
static int check_design(const struct meta_analysis *an, struct meta_error *err)
{
    const struct meta_analysis_request *req = an->req;
    if (!an->have_regression)
        return meta_error_set(err, META_EINVAL, "a bubble plot needs a meta-regression (mods)");
    if (req->n_mods != 1)
        return meta_error_set(err, META_EINVAL,
                              "a bubble plot shows one moderator, the regression has %zu",
                              req->n_mods);
    const struct meta_design *d = &an->regression.design;
    if (d->p != 2 || strcmp(d->names[1], req->mods[0]) != 0)
        return meta_error_set(err, META_EINVAL,
                              "a bubble plot needs a numeric moderator: '%s' is categorical",
                              req->mods[0]);
    return META_OK;
}

/* The model, the slope and its test, as the footer says them. */
static int footer(struct meta_bubble *b, const struct meta_analysis *an, struct meta_error *err)
{
    const struct meta_metareg *f = &an->regression.fit;
    const struct meta_metareg_coef *slope = &f->coefficients[1];
    char line[512], p[64], lo[32], hi[32], est[32];
    report_pclause(p, sizeof p, slope->p);
    report_num(est, sizeof est, slope->estimate, 4);
    report_num(lo, sizeof lo, slope->ci_lower, 4);
    report_num(hi, sizeof hi, slope->ci_upper, 4);
    snprintf(line, sizeof line,
             "Meta-regression, %s (%s), %s; k = %zu; slope %s [%s, %s] per unit "
             "of %s%s, %s",
             report_model_label(&an->opts), meta_method_name(an->opts.method),
             isfinite(f->df) ? "Knapp-Hartung t" : "z", an->regression.k, est, lo, hi,
             an->req->mods[0], an->log_scale ? " (log scale)" : "", p);
    int ret = meta_bubble_add_footer(b, line, err);
    if (ret != META_OK)
        return ret;
    snprintf(line, sizeof line,
             "Marker area proportional to weight; band: %g%% confidence interval "
             "of the fitted line",
             an->opts.level);
    if ((ret = meta_bubble_add_footer(b, line, err)) != META_OK ||
        an->opts.convention == META_CONVENTION_METAFOR)
        return ret;
    /* whose formulas, unless metafor's (the default), as forest plots say it */
    snprintf(line, sizeof line, "Convention: %s (%s)", meta_convention_name(an->opts.convention),
             meta_convention_title(an->opts.convention));
    return meta_bubble_add_footer(b, line, err);
}

int meta_report_bubble(const struct meta_analysis *an, const struct meta_plot_settings *settings,
                       struct meta_bubble **out, struct meta_error *err)
{
    *out = NULL;
    int ret = check_design(an, err);
    if (ret != META_OK)
        return ret;
    const struct meta_analysis_regression *r = &an->regression;
    struct meta_bubble *b = meta_bubble_alloc();
    if (!b)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    double lo = INFINITY, hi = -INFINITY;
    if ((ret = meta_bubble_set_title(b, settings->title, err)) != META_OK ||
        (ret = meta_bubble_set_axes(b, an->req->mods[0], meta_measure_label(an->opts.measure),
                                    an->log_scale, an->opts.level, err)) != META_OK)
        goto cleanup;
    for (size_t i = 0; i < r->k && ret == META_OK; i++) {
        double x = r->design.x[i * 2 + 1];
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        ret = meta_bubble_add_point(b, x, r->yi[i], r->weight[i],
                                    an->contrasts.info[r->index[i]].trial, err);
    }
    for (size_t i = 0; i < LINE_POINTS && ret == META_OK; i++) {
        double x0[2] = {1.0, lo + (hi - lo) * (double)i / (LINE_POINTS - 1)}, fit, flo, fhi;
        if (meta_metareg_predict(&r->fit, x0, &fit, &flo, &fhi) != META_OK)
            ret = meta_error_set(err, META_EINVAL, "the fitted line cannot be computed");
        else
            ret = meta_bubble_add_fit(b, x0[1], fit, flo, fhi, err);
    }
    if (ret == META_OK)
        ret = footer(b, an, err);
    if (ret == META_OK && settings->note)
        ret = meta_bubble_add_footer(b, settings->note, err);
    if (ret == META_OK) {
        *out = b;
        b = NULL;
    }
cleanup:
    meta_bubble_free(b);
    return ret;
}
