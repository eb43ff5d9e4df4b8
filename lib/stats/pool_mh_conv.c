/*
 * Mantel-Haenszel and Peto pooling under RevMan 5's and R meta's
 * conventions: 0.5 in every cell of a zero-cell table inside the MH sums and
 * weights, not-estimable tables left out, the Greenland-Robins variance of
 * the MH risk difference, and random effects by DerSimonian-Laird with Q
 * around the MH estimate (Deeks & Higgins 2010, RevMan 5's algorithms).
 */
#include "stats_internal.h"

#include <math.h>
#include <stdlib.h>

/* The sums of one pooling: estimate, se, and each study's weight in
 * out->studies[i].weight (raw, not yet in percent); *total their sum. */
static int mh_sums(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                   struct meta_result *out, double *total, struct meta_error *err)
{
    double R = 0.0, S = 0.0, PR = 0.0, PSQR = 0.0, QS = 0.0, V = 0.0, sa = 0.0, sc = 0.0;
    double num = 0.0, den = 0.0, gr = 0.0, sOE = 0.0, sV = 0.0;
    for (size_t i = 0; i < k; i++) {
        struct meta_study_result *s = &out->studies[i];
        struct meta_table raw, t;
        if (isnan(s->yi))
            continue;
        meta_table_of(&studies[i], &raw, &t);
        if (opts->method == META_METHOD_PETO)
            t = raw; /* Peto needs no correction */
        double n1 = t.a + t.b, n2 = t.c + t.d, N = n1 + n2;
        if (opts->method == META_METHOD_PETO) {
            double xt = t.a + t.c, yt = t.b + t.d;
            double Vi = xt * yt * (n1 / N) * (n2 / N) / (N - 1.0);
            sOE += t.a - xt * n1 / N;
            sV += Vi;
            s->weight = Vi;
        } else if (opts->measure == META_OR) {
            /* Mantel & Haenszel 1959; Robins, Breslow & Greenland 1986 */
            double P = (t.a + t.d) / N, Qi = (t.b + t.c) / N;
            double Ri = t.a * t.d / N, Si = t.b * t.c / N;
            R += Ri;
            S += Si;
            PR += P * Ri;
            PSQR += P * Si + Qi * Ri;
            QS += Qi * Si;
            s->weight = Si;
        } else if (opts->measure == META_RR) {
            /* Greenland & Robins 1985 */
            R += t.a * (n2 / N);
            S += t.c * (n1 / N);
            V += (n1 / N) * (n2 / N) * (t.a + t.c) - (t.a / N) * t.c;
            sa += t.a;
            sc += t.c;
            s->weight = t.c * (n1 / N);
        } else {
            /* Greenland & Robins 1985: var = sum (a b n2^3 + c d n1^3) /
             * (n1 n2 N^2) / (sum n1 n2 / N)^2 */
            num += t.a * (n2 / N) - t.c * (n1 / N);
            den += n1 * (n2 / N);
            gr += (t.a * t.b * n2 * n2 * n2 + t.c * t.d * n1 * n1 * n1) / (n1 * n2 * N * N);
            s->weight = n1 * (n2 / N);
        }
    }
    if (opts->method == META_METHOD_PETO) {
        if (!(sV > 0.0))
            return meta_error_set(err, META_EDOM, "Peto's odds ratio cannot be estimated");
        out->estimate = sOE / sV;
        out->se = sqrt(1.0 / sV);
        *total = sV;
    } else if (opts->measure == META_OR) {
        if (R == 0.0 || S == 0.0)
            return meta_error_set(err, META_EDOM,
                                  "the Mantel-Haenszel odds ratio cannot be estimated");
        out->estimate = log(R / S);
        out->se = sqrt(0.5 * (PR / (R * R) + PSQR / (R * S) + QS / (S * S)));
        *total = S;
    } else if (opts->measure == META_RR) {
        if (sa == 0.0 || sc == 0.0)
            return meta_error_set(err, META_EDOM,
                                  "the Mantel-Haenszel risk ratio cannot be estimated");
        out->estimate = log(R / S);
        out->se = sqrt(V / (R * S));
        *total = S;
    } else {
        out->estimate = num / den;
        out->se = sqrt(gr) / den;
        *total = den;
    }
    return META_OK;
}

int meta_pool_mh_conv(const struct meta_study *studies, size_t k, const struct meta_options *opts,
                      struct meta_result *out, struct meta_error *err)
{
    double *cy = NULL, *cv = NULL, total = 0.0;
    size_t kest = 0;
    int ret;

    meta_result_set_options(out, k, opts);
    out->iterations = 0;
    out->converged = 1;
    for (size_t i = 0; i < k; i++) {
        struct meta_study_result *s = &out->studies[i];
        ret = meta_es_compute_opts(opts, &studies[i], &s->yi, &s->vi, err);
        if (ret != META_OK)
            return ret;
        s->weight = 0.0;
    }
    /* The estimable studies' effects, for Q, tau^2 and the intervals. */
    cy = malloc(k * sizeof *cy);
    cv = malloc(k * sizeof *cv);
    if (!cy || !cv) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory for %zu studies", k);
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        if (!isnan(out->studies[i].yi)) {
            cy[kest] = out->studies[i].yi;
            cv[kest++] = out->studies[i].vi;
        }
    }
    out->k_estimable = kest;
    if (kest == 0) {
        ret = meta_error_set(err, META_EDOM, "no study has an estimate");
        goto cleanup;
    }
    ret = mh_sums(studies, k, opts, out, &total, err);
    if (ret != META_OK)
        goto cleanup;

    /* Q: the studies' effects around the pooled MH (or Peto) estimate,
     * with inverse-variance weights (for Peto V, the same thing). */
    double Q = 0.0, W = 0.0, W2 = 0.0;
    for (size_t j = 0; j < kest; j++) {
        double w = 1.0 / cv[j], r = cy[j] - out->estimate;
        Q += w * r * r;
        W += w;
        W2 += w * w;
    }
    out->Q = kest > 1 ? Q : 0.0;
    out->Q_df = (int)kest - 1;

    if (opts->model == META_MODEL_RANDOM) {
        /* DerSimonian & Laird with Q around the MH estimate (RevMan 5). */
        double tau2 = 0.0, Ws = 0.0, swy = 0.0;
        if (kest > 1)
            tau2 = fmax(0.0, (out->Q - (double)out->Q_df) / (W - W2 / W));
        for (size_t j = 0; j < kest; j++) {
            double w = 1.0 / (cv[j] + tau2);
            Ws += w;
            swy += w * cy[j];
        }
        out->tau2 = tau2;
        out->tau = sqrt(tau2);
        out->estimate = swy / Ws;
        out->se = sqrt(1.0 / Ws);
        for (size_t i = 0; i < k; i++) {
            struct meta_study_result *s = &out->studies[i];
            s->weight = isnan(s->yi) ? 0.0 : 100.0 / ((s->vi + tau2) * Ws);
        }
    } else {
        for (size_t i = 0; i < k; i++)
            out->studies[i].weight *= 100.0 / total;
    }
    ret = meta_result_inference(out, 0.0, err);
    if (ret == META_OK)
        ret = meta_conv_finish(out, cy, cv, kest, opts, err);
    if (ret == META_OK)
        meta_result_study_cis(out);

cleanup:
    free(cy);
    free(cv);
    return ret;
}
