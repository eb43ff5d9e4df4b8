/*
 * Mantel-Haenszel (RR, OR, RD) and Peto (OR) pooling of 2x2 tables, on the
 * uncorrected counts, with the variance estimators metafor 3.8's rma.mh and
 * rma.peto use, their Q statistics, and the study weights RevMan shows.
 */
#include "stats_internal.h"

#include <math.h>

struct table {
    double a, b, c, d; /* treatment events/non-events, control events/non-events */
    double n1, n2, N;
};

static struct table table_of(const struct meta_study *s)
{
    struct table t;
    t.a = s->tb.events;
    t.b = s->tb.total - s->tb.events;
    t.c = s->cb.events;
    t.d = s->cb.total - s->cb.events;
    t.n1 = s->tb.total;
    t.n2 = s->cb.total;
    t.N = t.n1 + t.n2;
    return t;
}

/* No events in either arm, or events only: no information on a ratio. */
static int double_zero(const struct table *t)
{
    return (t->a == 0.0 && t->c == 0.0) || (t->b == 0.0 && t->d == 0.0);
}

/* Peto's one-step log odds ratio and its variance 1/V from a table whose
 * zero cells have been corrected (escalc's "PETO"). */
static void peto_study(struct table t, double *yi, double *vi)
{
    if (t.a == 0.0 || t.b == 0.0 || t.c == 0.0 || t.d == 0.0) {
        t.a += 0.5;
        t.b += 0.5;
        t.c += 0.5;
        t.d += 0.5;
        t.n1 = t.a + t.b;
        t.n2 = t.c + t.d;
        t.N = t.n1 + t.n2;
    }
    double xt = t.a + t.c, yt = t.b + t.d;
    double E = xt * t.n1 / t.N;
    double V = xt * yt * (t.n1 / t.N) * (t.n2 / t.N) / (t.N - 1.0);
    *yi = (t.a - E) / V;
    *vi = 1.0 / V;
}

/* Study-level yi/vi, shown and used for the MH Q: metafor drops double-zero
 * tables there and adds 0.5 to tables with a zero cell. */
static int study_effects(const struct meta_study *studies, size_t k,
                         const struct meta_options *opts, struct meta_result *out,
                         struct meta_error *err)
{
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        struct meta_study_result *s = &out->studies[i];
        if (double_zero(&t))
            continue;
        if (opts->method == META_METHOD_PETO) {
            peto_study(t, &s->yi, &s->vi);
        } else {
            int ret = meta_es_compute(opts->measure, &studies[i], &s->yi, &s->vi, err);
            if (ret != META_OK)
                return ret;
        }
    }
    return META_OK;
}

/* Mantel & Haenszel (1959); variance of Robins, Breslow & Greenland (1986). */
static int mh_or(const struct meta_study *studies, size_t k, struct meta_result *out,
                 struct meta_error *err)
{
    double R = 0.0, S = 0.0, PR = 0.0, PSQR = 0.0, QS = 0.0, wsum = 0.0;
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        double P = (t.a + t.d) / t.N, Qi = (t.b + t.c) / t.N;
        double Ri = t.a * t.d / t.N, Si = t.b * t.c / t.N;
        R += Ri;
        S += Si;
        PR += P * Ri;
        PSQR += P * Si + Qi * Ri;
        QS += Qi * Si;
        out->studies[i].weight = Si; /* RevMan: b c / N */
        wsum += Si;
    }
    if (R == 0.0 || S == 0.0)
        return meta_error_set(err, META_EDOM,
                              "the Mantel-Haenszel odds ratio is %s: no %s in any study",
                              R == 0.0 ? "0" : "infinite",
                              R == 0.0 ? "treatment events with control non-events"
                                       : "control events with treatment non-events");
    out->estimate = log(R / S);
    out->se = sqrt(0.5 * (PR / (R * R) + PSQR / (R * S) + QS / (S * S)));
    for (size_t i = 0; i < k; i++)
        out->studies[i].weight *= 100.0 / wsum;
    return META_OK;
}

/* Mantel & Haenszel risk ratio; variance of Greenland & Robins (1985). */
static int mh_rr(const struct meta_study *studies, size_t k, struct meta_result *out,
                 struct meta_error *err)
{
    double R = 0.0, S = 0.0, V = 0.0, sa = 0.0, sc = 0.0;
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        R += t.a * (t.n2 / t.N);
        S += t.c * (t.n1 / t.N);
        V += (t.n1 / t.N) * (t.n2 / t.N) * (t.a + t.c) - (t.a / t.N) * t.c;
        sa += t.a;
        sc += t.c;
        out->studies[i].weight = t.c * (t.n1 / t.N); /* RevMan: c n1 / N */
    }
    if (sa == 0.0 || sc == 0.0)
        return meta_error_set(err, META_EDOM,
                              "the Mantel-Haenszel risk ratio cannot be estimated: no events in "
                              "the %s arms",
                              sa == 0.0 ? "treatment" : "control");
    out->estimate = log(R / S);
    out->se = sqrt(V / (R * S));
    for (size_t i = 0; i < k; i++)
        out->studies[i].weight *= 100.0 / S;
    return META_OK;
}

/* Mantel-Haenszel risk difference; variance of Sato, Greenland & Robins
 * (1989), the form metafor uses. Tables with no events still weigh
 * n1 n2 / N here, as in metafor. */
static int mh_rd(const struct meta_study *studies, size_t k, struct meta_result *out,
                 struct meta_error *err)
{
    double num = 0.0, den = 0.0, s1 = 0.0, s2 = 0.0;
    (void)err;
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        num += t.a * (t.n2 / t.N) - t.c * (t.n1 / t.N);
        den += t.n1 * (t.n2 / t.N);
        out->studies[i].weight = t.n1 * (t.n2 / t.N); /* RevMan: n1 n2 / N */
    }
    double est = num / den;
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        double p1 = t.n1 / t.N, p2 = t.n2 / t.N;
        s1 += t.c * p1 * p1 - t.a * p2 * p2 + p1 * p2 * (t.n2 - t.n1) / 2.0;
        s2 += t.a * (t.n2 - t.c) / t.N + t.c * (t.n1 - t.a) / t.N;
    }
    out->estimate = est;
    out->se = sqrt((est * s1 + s2 / 2.0) / (den * den));
    for (size_t i = 0; i < k; i++)
        out->studies[i].weight *= 100.0 / den;
    return META_OK;
}

/* Yusuf et al. (1985): sum(O - E) / sum(V). */
static int peto(const struct meta_study *studies, size_t k, struct meta_result *out,
                struct meta_error *err)
{
    double sOE = 0.0, sV = 0.0;
    for (size_t i = 0; i < k; i++) {
        struct table t = table_of(&studies[i]);
        double xt = t.a + t.c, yt = t.b + t.d;
        double E = xt * t.n1 / t.N;
        double V = xt * yt * (t.n1 / t.N) * (t.n2 / t.N) / (t.N - 1.0);
        sOE += t.a - E;
        sV += V;
        out->studies[i].weight = V; /* RevMan: the hypergeometric variance */
    }
    if (sV == 0.0)
        return meta_error_set(err, META_EDOM,
                              "Peto's odds ratio cannot be estimated: one of the outcomes never "
                              "occurs");
    out->estimate = sOE / sV;
    out->se = sqrt(1.0 / sV);
    for (size_t i = 0; i < k; i++)
        out->studies[i].weight *= 100.0 / sV;
    return META_OK;
}

/* Q of metafor's rma.mh: the corrected study effects around the MH estimate.
 * For Peto, sum (O - E)^2 / V - (sum (O - E))^2 / sum V on the raw counts,
 * written as sum V (y - est)^2 with y = (O - E) / V. */
static void heterogeneity(const struct meta_study *studies, size_t k,
                          const struct meta_options *opts, struct meta_result *out)
{
    double Q = 0.0;
    int kyi = 0, kpos = 0;
    for (size_t i = 0; i < k; i++) {
        const struct meta_study_result *s = &out->studies[i];
        if (!isfinite(s->yi))
            continue;
        kyi++;
        if (opts->method == META_METHOD_PETO) {
            struct table t = table_of(&studies[i]);
            double xt = t.a + t.c, yt = t.b + t.d;
            double E = xt * t.n1 / t.N;
            double V = xt * yt * (t.n1 / t.N) * (t.n2 / t.N) / (t.N - 1.0);
            if (V > 0.0) {
                double y = (t.a - E) / V;
                kpos++;
                Q += V * (y - out->estimate) * (y - out->estimate);
            }
        } else {
            Q += (s->yi - out->estimate) * (s->yi - out->estimate) / s->vi;
        }
    }
    out->Q_df = kyi > 0 ? kyi - 1 : 0;
    out->k_estimable = (size_t)kyi;
    if (opts->method == META_METHOD_PETO) {
        out->Q = Q;
        meta_result_common_heterogeneity(out);
        if (kpos <= 1) {
            out->Q_p = 1.0;
            out->I2 = 0.0;
            out->H2 = 1.0;
        }
    } else {
        out->Q = kyi > 1 ? Q : 0.0;
        meta_result_common_heterogeneity(out);
    }
}

int meta_pool_mh(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                 struct meta_result *out, struct meta_error *err)
{
    int ret;
    meta_result_set_options(out, k, opts);
    out->iterations = 0;
    out->converged = 1;

    ret = study_effects(studies, k, opts, out, err);
    if (ret != META_OK)
        return ret;
    if (opts->method == META_METHOD_PETO)
        ret = peto(studies, k, out, err);
    else if (opts->measure == META_OR)
        ret = mh_or(studies, k, out, err);
    else if (opts->measure == META_RR)
        ret = mh_rr(studies, k, out, err);
    else
        ret = mh_rd(studies, k, out, err);
    if (ret != META_OK)
        return ret;
    ret = meta_result_inference(out, 0.0, err);
    if (ret != META_OK)
        return ret;
    heterogeneity(studies, k, opts, out);
    meta_result_study_cis(out);
    return META_OK;
}
