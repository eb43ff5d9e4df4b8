/*
 * Study-level effect sizes under RevMan 5's and R meta's rules (see struct
 * meta_options): their zero-cell corrections, the studies they call not
 * estimable, their SMD corrections and variances, and Peto's study effect
 * from the raw counts. Under metafor's convention meta_es_compute() applies.
 */
#include "stats_internal.h"

#include <math.h>

void meta_table_of(const struct meta_study *study, struct meta_table *raw,
                   struct meta_table *corrected)
{
    struct meta_table t;
    t.a = study->tb.events;
    t.b = study->tb.total - study->tb.events;
    t.c = study->cb.events;
    t.d = study->cb.total - study->cb.events;
    if (raw)
        *raw = t;
    if (corrected) {
        if (t.a == 0.0 || t.b == 0.0 || t.c == 0.0 || t.d == 0.0) {
            t.a += 0.5;
            t.b += 0.5;
            t.c += 0.5;
            t.d += 0.5;
        }
        *corrected = t;
    }
}

int meta_table_not_estimable(const struct meta_options *opts, const struct meta_table *raw)
{
    if (opts->convention == META_CONVENTION_METAFOR || opts->measure == META_RD)
        return 0;
    int no_events = raw->a == 0.0 && raw->c == 0.0;
    int all_events = raw->b == 0.0 && raw->d == 0.0;
    if (no_events)
        return 1;
    /* All events in both arms: RevMan 5 still estimates a risk ratio (1). */
    if (all_events)
        return !(opts->convention == META_CONVENTION_REVMAN5 && opts->measure == META_RR &&
                 opts->method != META_METHOD_PETO);
    return 0;
}

int meta_table_peto(const struct meta_table *t, double *yi, double *vi)
{
    double n1 = t->a + t->b, n2 = t->c + t->d, N = n1 + n2;
    double xt = t->a + t->c, yt = t->b + t->d;
    double E = xt * n1 / N;
    double V = xt * yt * (n1 / N) * (n2 / N) / (N - 1.0);
    if (!(V > 0.0))
        return 0;
    *yi = (t->a - E) / V;
    *vi = 1.0 / V;
    return 1;
}

/* Binary studies under revman5 and r-meta. */
static int es_binary_conv(const struct meta_options *opts, const struct meta_study *s, double *yi,
                          double *vi, struct meta_error *err)
{
    struct meta_table raw, t;
    int ret = meta_es_check_binary(s, err);
    if (ret != META_OK)
        return ret;
    meta_table_of(s, &raw, &t);
    if (meta_table_not_estimable(opts, &raw)) {
        *yi = *vi = NAN;
        return META_OK;
    }
    if (opts->method == META_METHOD_PETO) {
        meta_table_peto(&raw, yi, vi);
        return META_OK;
    }
    int zero = t.a != raw.a;
    double n1 = t.a + t.b, n2 = t.c + t.d;
    switch (opts->measure) {
    case META_RR:
        if (raw.b == 0.0 && raw.d == 0.0) {
            *yi = 0.0; /* RevMan 5: every participant had the event in both arms */
        } else if (zero && opts->convention == META_CONVENTION_RMETA) {
            /* R meta: 0.5 to the events and one 0.5 to each total */
            t.a = raw.a + 0.5;
            t.c = raw.c + 0.5;
            n1 = raw.a + raw.b + 0.5;
            n2 = raw.c + raw.d + 0.5;
            *yi = log(t.a / n1) - log(t.c / n2);
        } else {
            *yi = log(t.a / n1) - log(t.c / n2);
        }
        *vi = 1.0 / t.a - 1.0 / n1 + 1.0 / t.c - 1.0 / n2;
        break;
    case META_OR:
        *yi = log(t.a / t.b) - log(t.c / t.d);
        *vi = 1.0 / t.a + 1.0 / t.b + 1.0 / t.c + 1.0 / t.d;
        break;
    case META_RD: {
        double p1 = t.a / n1, p2 = t.c / n2;
        *yi = raw.a / (raw.a + raw.b) - raw.c / (raw.c + raw.d);
        *vi = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2;
        break;
    }
    default:
        return meta_error_set(err, META_EINVAL, "measure '%s' needs continuous arms",
                              meta_measure_name(opts->measure));
    }
    return META_OK;
}

/* SMD under revman5 (approximate correction, RevMan's variance) and r-meta
 * (exact correction, unbiased variance); MD and ROM as metafor's. */
static int es_continuous_conv(const struct meta_options *opts, const struct meta_study *s,
                              double *yi, double *vi, struct meta_error *err)
{
    if (opts->measure != META_SMD)
        return meta_es_compute(opts->measure, s, yi, vi, err);
    int ret = meta_es_check_continuous(s, 0, err);
    if (ret != META_OK)
        return ret;
    const struct meta_arm_cont *t = &s->tc, *c = &s->cc;
    double N = t->n + c->n, m = N - 2.0, J = NAN;
    if (m <= 1.0)
        return meta_error_set(err, META_EDOM, "too few participants for the SMD correction");
    double sdp = sqrt(((t->n - 1.0) * t->sd * t->sd + (c->n - 1.0) * c->sd * c->sd) / m);
    double d = (t->mean - c->mean) / sdp;
    if (opts->convention == META_CONVENTION_REVMAN5) {
        J = 1.0 - 3.0 / (4.0 * N - 9.0); /* Hedges 1981, as RevMan 5 */
        double g = J * d;
        *yi = g;
        *vi = 1.0 / t->n + 1.0 / c->n + g * g / (2.0 * (N - 3.94));
        return META_OK;
    }
    ret = meta_es_hedges_c(m, &J, err);
    if (ret != META_OK)
        return ret;
    double g = J * d;
    *yi = g;
    *vi = 1.0 / t->n + 1.0 / c->n + (1.0 - (m - 2.0) / (m * J * J)) * g * g;
    return META_OK;
}

int meta_es_compute_opts(const struct meta_options *opts, const struct meta_study *study,
                         double *yi, double *vi, struct meta_error *err)
{
    double y = NAN, v = NAN;
    int ret;
    if (!opts || !study || !yi || !vi)
        return meta_error_set(err, META_EINVAL, "no study or options given");
    if (opts->convention == META_CONVENTION_METAFOR)
        return meta_es_compute(opts->measure, study, yi, vi, err);
    if (study->given)
        return meta_es_given(opts->measure, study, yi, vi, err);
    if (meta_measure_is_estimate_only(opts->measure))
        ret = meta_error_set(err, META_EINVAL,
                             "measure '%s' needs a reported effect with its variance, not arm data",
                             meta_measure_name(opts->measure));
    else if ((unsigned)opts->measure > META_RD)
        ret = meta_error_set(err, META_EINVAL, "unknown measure %d", (int)opts->measure);
    else if (meta_measure_is_binary(opts->measure) != (study->binary != 0))
        ret = meta_error_set(err, META_EINVAL, "measure '%s' needs %s data",
                             meta_measure_name(opts->measure),
                             meta_measure_is_binary(opts->measure) ? "binary" : "continuous");
    else if (study->binary)
        ret = es_binary_conv(opts, study, &y, &v, err);
    else
        ret = es_continuous_conv(opts, study, &y, &v, err);
    /* NAN for both is "not estimable"; anything else must be a finite pair. */
    if (ret == META_OK && !(isnan(y) && isnan(v)) && (!isfinite(y) || !isfinite(v) || v <= 0.0))
        ret = meta_error_set(err, META_EDOM, "the effect size cannot be estimated");
    if (ret != META_OK)
        y = v = NAN;
    *yi = y;
    *vi = v;
    return ret;
}
