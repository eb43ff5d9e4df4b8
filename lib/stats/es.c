/*
 * Study-level effect sizes and their sampling variances from arm summaries,
 * with metafor's escalc() conventions: Hedges' g with the exact bias
 * correction, ROM without one, and 0.5 added to every cell of a 2x2 table
 * that has a zero cell.
 */
#include "stats_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

static const char *study_side(int treatment)
{
    return treatment ? "treatment" : "control";
}

static int check_cont_arm(const struct meta_arm_cont *a, int treatment, int rom,
                          struct meta_error *err)
{
    const char *side = study_side(treatment);
    if (!isfinite(a->n) || !isfinite(a->mean) || !isfinite(a->sd))
        return meta_error_set(err, META_EINVAL, "the %s arm has a value that is not finite", side);
    if (a->n <= 0.0)
        return meta_error_set(err, META_EINVAL, "n must be > 0 in the %s arm, got %g", side, a->n);
    if (a->sd < 0.0)
        return meta_error_set(err, META_EINVAL, "sd must be >= 0 in the %s arm, got %g", side,
                              a->sd);
    if (a->n < 2.0)
        return meta_error_set(err, META_EDOM, "n must be at least 2 in the %s arm, got %g", side,
                              a->n);
    if (a->sd == 0.0)
        return meta_error_set(err, META_EDOM, "sd must be > 0 in the %s arm, got 0", side);
    if (rom && a->mean <= 0.0)
        return meta_error_set(err, META_EDOM,
                              "the ratio of means needs a mean > 0 in the %s arm, got %g", side,
                              a->mean);
    return META_OK;
}

static int check_bin_arm(const struct meta_arm_bin *a, int treatment, struct meta_error *err)
{
    const char *side = study_side(treatment);
    if (!isfinite(a->events) || !isfinite(a->total))
        return meta_error_set(err, META_EINVAL, "the %s arm has a value that is not finite", side);
    if (a->events < 0.0 || a->total < 0.0)
        return meta_error_set(err, META_EINVAL, "negative count in the %s arm (%g of %g)", side,
                              a->events, a->total);
    if (a->events > a->total)
        return meta_error_set(err, META_EINVAL, "events > total in the %s arm (%g of %g)", side,
                              a->events, a->total);
    if (a->total == 0.0)
        return meta_error_set(err, META_EDOM, "the %s arm has no participants", side);
    return META_OK;
}

int meta_es_check_binary(const struct meta_study *study, struct meta_error *err)
{
    int ret = check_bin_arm(&study->tb, 1, err);
    if (ret == META_OK)
        ret = check_bin_arm(&study->cb, 0, err);
    return ret;
}

/* Hedges' exact small-sample correction c(m) = Gamma(m/2) / (sqrt(m/2)
 * Gamma((m-1)/2)) (Hedges 1981), in logs to stay finite for large m. */
int meta_es_hedges_c(double m, double *c, struct meta_error *err)
{
    gsl_sf_result a, b;
    if (m <= 1.0)
        return meta_error_set(err, META_EDOM, "too few participants for the SMD correction");
    if (gsl_sf_lngamma_e(m / 2.0, &a) != GSL_SUCCESS ||
        gsl_sf_lngamma_e((m - 1.0) / 2.0, &b) != GSL_SUCCESS)
        return meta_error_set(err, META_EDOM, "the SMD correction cannot be computed for m = %g",
                              m);
    *c = exp(a.val - 0.5 * log(m / 2.0) - b.val);
    return META_OK;
}

int meta_es_check_continuous(const struct meta_study *study, int rom, struct meta_error *err)
{
    int ret = check_cont_arm(&study->tc, 1, rom, err);
    if (ret == META_OK)
        ret = check_cont_arm(&study->cc, 0, rom, err);
    return ret;
}

static int es_continuous(enum meta_measure measure, const struct meta_study *s, double *yi,
                         double *vi, struct meta_error *err)
{
    const struct meta_arm_cont *t = &s->tc, *c = &s->cc;
    int ret = meta_es_check_continuous(s, measure == META_ROM, err);
    if (ret != META_OK)
        return ret;

    switch (measure) {
    case META_MD:
        *yi = t->mean - c->mean;
        *vi = t->sd * t->sd / t->n + c->sd * c->sd / c->n;
        break;
    case META_SMD: {
        double m = t->n + c->n - 2.0, cm = NAN;
        ret = meta_es_hedges_c(m, &cm, err);
        if (ret != META_OK)
            return ret;
        double sdp = sqrt(((t->n - 1.0) * t->sd * t->sd + (c->n - 1.0) * c->sd * c->sd) / m);
        double g = cm * (t->mean - c->mean) / sdp;
        *yi = g;
        *vi = 1.0 / t->n + 1.0 / c->n + g * g / (2.0 * (t->n + c->n));
        break;
    }
    case META_ROM:
        *yi = log(t->mean / c->mean);
        *vi =
            t->sd * t->sd / (t->n * t->mean * t->mean) + c->sd * c->sd / (c->n * c->mean * c->mean);
        break;
    default:
        return meta_error_set(err, META_EINVAL, "measure '%s' needs binary arms",
                              meta_measure_name(measure));
    }
    return META_OK;
}

static int es_binary(enum meta_measure measure, const struct meta_study *s, double *yi, double *vi,
                     struct meta_error *err)
{
    int ret = meta_es_check_binary(s, err);
    if (ret != META_OK)
        return ret;
    double a = s->tb.events, b = s->tb.total - s->tb.events;
    double c = s->cb.events, d = s->cb.total - s->cb.events;
    if (a == 0.0 || b == 0.0 || c == 0.0 || d == 0.0) {
        a += 0.5;
        b += 0.5;
        c += 0.5;
        d += 0.5;
    }
    double n1 = a + b, n2 = c + d;
    switch (measure) {
    case META_RR:
        *yi = log(a / n1) - log(c / n2);
        *vi = 1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2;
        break;
    case META_OR:
        *yi = log(a / b) - log(c / d);
        *vi = 1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d;
        break;
    case META_RD: {
        double p1 = a / n1, p2 = c / n2;
        *yi = p1 - p2;
        *vi = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2;
        break;
    }
    default:
        return meta_error_set(err, META_EINVAL, "measure '%s' needs continuous arms",
                              meta_measure_name(measure));
    }
    return META_OK;
}

int meta_es_given(enum meta_measure measure, const struct meta_study *study, double *yi, double *vi,
                  struct meta_error *err)
{
    int ret = META_OK;
    if ((unsigned)measure > META_GIV || (unsigned)study->given_measure > META_GIV)
        ret = meta_error_set(err, META_EINVAL, "unknown measure %d",
                             (int)((unsigned)measure > META_GIV ? measure : study->given_measure));
    else if (study->given_measure != measure)
        ret = meta_error_set(err, META_EINVAL, "the study reports its effect as %s, not %s",
                             meta_measure_name(study->given_measure), meta_measure_name(measure));
    else if (!isfinite(study->yi) || !isfinite(study->vi))
        ret = meta_error_set(err, META_EINVAL, "the reported effect or its variance is not finite");
    else if (!(study->vi > 0.0) || !isfinite(1.0 / study->vi))
        ret = meta_error_set(err, META_EINVAL, "the reported variance must be > 0, got %g",
                             study->vi);
    *yi = ret == META_OK ? study->yi : NAN;
    *vi = ret == META_OK ? study->vi : NAN;
    return ret;
}

int meta_es_compute(enum meta_measure measure, const struct meta_study *study, double *yi,
                    double *vi, struct meta_error *err)
{
    double y = NAN, v = NAN;
    int ret;
    if (!study || !yi || !vi)
        return meta_error_set(err, META_EINVAL, "no study given");
    if (study->given)
        return meta_es_given(measure, study, yi, vi, err);
    if (meta_measure_is_estimate_only(measure))
        ret = meta_error_set(err, META_EINVAL,
                             "measure '%s' needs a reported effect with its variance, not arm data",
                             meta_measure_name(measure));
    else if ((unsigned)measure > META_RD)
        ret = meta_error_set(err, META_EINVAL, "unknown measure %d", (int)measure);
    else if (meta_measure_is_binary(measure) != (study->binary != 0))
        ret = meta_error_set(err, META_EINVAL, "measure '%s' needs %s data",
                             meta_measure_name(measure),
                             meta_measure_is_binary(measure) ? "binary" : "continuous");
    else if (study->binary)
        ret = es_binary(measure, study, &y, &v, err);
    else
        ret = es_continuous(measure, study, &y, &v, err);
    if (ret == META_OK && (!isfinite(y) || !isfinite(v) || v <= 0.0))
        ret = meta_error_set(err, META_EDOM, "the effect size cannot be estimated");
    if (ret != META_OK)
        y = v = NAN;
    *yi = y;
    *vi = v;
    return ret;
}
