/*
 * Unit tests of the revman5 and r-meta conventions on constructed cases:
 * zero cells, double zeros, all events in both arms, SMD with small n, MH
 * with the 0.5 correction, MH random (DL around the MH estimate), the MH
 * risk difference with the Greenland-Robins variance, R meta's RR
 * correction, Jackson's tau^2 interval, the prediction intervals, and
 * RevMan 5's stored totals of the Fleiss 1993 file. Expected values come
 * from tests/unit/conventions.R (the label printed there is named beside
 * each) unless a comment derives them by hand.
 */
#include "cunit_main.h"
#include "meta_stats.h"
#include "stats_internal.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct meta_options opts_of(enum meta_convention conv, enum meta_measure measure,
                                   enum meta_model model, enum meta_method method)
{
    struct meta_options o;
    meta_options_init(&o);
    o.convention = conv;
    o.measure = measure;
    o.model = model;
    o.method = method;
    return o;
}

static struct meta_study bin(double a, double n1, double c, double n2)
{
    struct meta_study s;
    memset(&s, 0, sizeof s);
    s.binary = 1;
    s.tb = (struct meta_arm_bin){a, n1};
    s.cb = (struct meta_arm_bin){c, n2};
    return s;
}

static struct meta_study cont(double n1, double m1, double s1, double n2, double m2, double s2)
{
    struct meta_study s;
    memset(&s, 0, sizeof s);
    s.tc = (struct meta_arm_cont){n1, m1, s1};
    s.cc = (struct meta_arm_cont){n2, m2, s2};
    return s;
}

static void check_array(const double *got, const double *want, size_t n, const char *what)
{
    char buf[96];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s[%zu]", what, i);
        CU_ASSERT(test_close(got[i], want[i], buf));
    }
}

/* Data set B of conventions.R: s2 has a zero cell, s3 no events at all. */
static void set_b(struct meta_study *s)
{
    s[0] = bin(12, 50, 20, 50);
    s[1] = bin(0, 30, 4, 32);
    s[2] = bin(0, 20, 0, 22);
    s[3] = bin(8, 40, 10, 38);
    s[4] = bin(15, 60, 9, 61);
}

static void test_names(void)
{
    enum meta_convention c = META_CONVENTION_METAFOR;
    CU_ASSERT_STRING_EQUAL(meta_convention_name(META_CONVENTION_METAFOR), "metafor");
    CU_ASSERT_STRING_EQUAL(meta_convention_name(META_CONVENTION_REVMAN5), "revman5");
    CU_ASSERT_STRING_EQUAL(meta_convention_name(META_CONVENTION_RMETA), "r-meta");
    CU_ASSERT_STRING_EQUAL(meta_convention_name((enum meta_convention)7), "?");
    CU_ASSERT(meta_convention_parse("RevMan5", &c) == META_OK && c == META_CONVENTION_REVMAN5);
    CU_ASSERT(meta_convention_parse("r-meta", &c) == META_OK && c == META_CONVENTION_RMETA);
    CU_ASSERT(meta_convention_parse("metafor", &c) == META_OK && c == META_CONVENTION_METAFOR);
    CU_ASSERT(meta_convention_parse("stata", &c) == META_EINVAL && c == META_CONVENTION_METAFOR);
    CU_ASSERT(meta_convention_parse(NULL, &c) == META_EINVAL);
    struct meta_options o;
    meta_options_init(&o);
    CU_ASSERT_EQUAL(o.convention, META_CONVENTION_METAFOR);
    CU_ASSERT_EQUAL(o.prediction, META_PREDICTION_DEFAULT);
}

/* What meta_options_check() accepts under each convention. */
static void test_options(void)
{
    static const struct {
        enum meta_convention conv;
        enum meta_model model;
        enum meta_method method;
        enum meta_measure measure;
        int ok;
    } cases[] = {
        {META_CONVENTION_METAFOR, META_MODEL_RANDOM, META_METHOD_MH, META_RR, 0},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_MH, META_RR, 1},
        {META_CONVENTION_RMETA, META_MODEL_RANDOM, META_METHOD_MH, META_OR, 1},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_DL, META_MD, 1},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_REML, META_MD, 1},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_ML, META_MD, 0},
        {META_CONVENTION_RMETA, META_MODEL_RANDOM, META_METHOD_PM, META_MD, 1},
        {META_CONVENTION_REVMAN5, META_MODEL_RANDOM, META_METHOD_PETO, META_OR, 0},
        {META_CONVENTION_REVMAN5, META_MODEL_COMMON, META_METHOD_PETO, META_OR, 1},
        {META_CONVENTION_RMETA, META_MODEL_RANDOM, META_METHOD_MH, META_MD, 0},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct meta_options o =
            opts_of(cases[i].conv, cases[i].measure, cases[i].model, cases[i].method);
        struct meta_error err = {""};
        int ret = meta_options_check(&o, &err);
        if ((ret == META_OK) != cases[i].ok)
            printf("\n    case %zu: %s", i, err.msg);
        CU_ASSERT_EQUAL(ret == META_OK, cases[i].ok);
    }
    struct meta_options o = opts_of(7, META_MD, META_MODEL_RANDOM, META_METHOD_DL);
    CU_ASSERT_EQUAL(meta_options_check(&o, NULL), META_EINVAL);
    o = opts_of(META_CONVENTION_RMETA, META_MD, META_MODEL_RANDOM, META_METHOD_DL);
    o.prediction = 9;
    CU_ASSERT_EQUAL(meta_options_check(&o, NULL), META_EINVAL);
}

/* Study level, binary: conventions.R "B RR yi/vi", "B RD yi (raw)/vi
 * (corrected)", "B r-meta RR yi/vi"; s3 (no events) is not estimable for
 * RR and OR, estimable (RD = 0) for RD. */
static void test_binary_studies(void)
{
    static const double rr_y[] = {-0.510825623765991, -2.13470422035489, NAN, -0.27443684570176,
                                  0.527354925717201};
    static const double rr_v[] = {0.0933333333333333, 2.15966112740306, NAN, 0.173684210526316,
                                  0.14471766848816};
    static const double rd_y[] = {-0.16, -0.125, 0, -0.0631578947368421, 0.102459016393443};
    static const double rd_v[] = {0.008448, 0.00408064487126581, 0.00203142412497594,
                                  0.00910278466248724, 0.00518684658627815};
    static const double rm_y[] = {-0.510825623765991, -2.13371117161389, NAN, -0.27443684570176,
                                  0.527354925717201};
    static const double rm_v[] = {0.0933333333333333, 2.15866610620709, NAN, 0.173684210526316,
                                  0.14471766848816};
    struct meta_study s[5];
    double y[5], v[5];
    set_b(s);
    struct meta_options rr =
        opts_of(META_CONVENTION_REVMAN5, META_RR, META_MODEL_COMMON, META_METHOD_IV);
    struct meta_options rd = rr, rm = rr;
    rd.measure = META_RD;
    rm.convention = META_CONVENTION_RMETA;
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT(meta_es_compute_opts(&rr, &s[i], &y[i], &v[i], NULL) == META_OK);
    check_array(y, rr_y, 5, "revman5 RR yi");
    check_array(v, rr_v, 5, "revman5 RR vi");
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT(meta_es_compute_opts(&rd, &s[i], &y[i], &v[i], NULL) == META_OK);
    check_array(y, rd_y, 5, "revman5 RD yi");
    check_array(v, rd_v, 5, "revman5 RD vi");
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT(meta_es_compute_opts(&rm, &s[i], &y[i], &v[i], NULL) == META_OK);
    check_array(y, rm_y, 5, "r-meta RR yi");
    check_array(v, rm_v, 5, "r-meta RR vi");

    /* Every participant with the event in both arms (10/10 vs 12/12): by
     * hand, RevMan's RR is 1 with the corrected variance 1/10.5 - 1/11 +
     * 1/12.5 - 1/13; OR, and R meta's RR, are not estimable. Under metafor
     * the same call is meta_es_compute() (0.5 added, an estimate). */
    struct meta_study all = bin(10, 10, 12, 12);
    CU_ASSERT(meta_es_compute_opts(&rr, &all, &y[0], &v[0], NULL) == META_OK);
    CHECK_CLOSE(y[0], 0.0);
    CHECK_CLOSE(v[0], 1.0 / 10.5 - 1.0 / 11.0 + 1.0 / 12.5 - 1.0 / 13.0);
    struct meta_options o = rr;
    o.measure = META_OR;
    CU_ASSERT(meta_es_compute_opts(&o, &all, &y[0], &v[0], NULL) == META_OK && isnan(y[0]) &&
              isnan(v[0]));
    CU_ASSERT(meta_es_compute_opts(&rm, &all, &y[0], &v[0], NULL) == META_OK && isnan(y[0]));
    o.convention = META_CONVENTION_METAFOR;
    double y2, v2;
    CU_ASSERT(meta_es_compute_opts(&o, &all, &y[0], &v[0], NULL) == META_OK);
    CU_ASSERT(meta_es_compute(META_OR, &all, &y2, &v2, NULL) == META_OK);
    CU_ASSERT(y[0] == y2 && v[0] == v2);
    /* Bad input is still refused. */
    struct meta_study bad = bin(5, 4, 1, 10);
    CU_ASSERT_EQUAL(meta_es_compute_opts(&rr, &bad, &y[0], &v[0], NULL), META_EINVAL);
    CU_ASSERT_EQUAL(meta_es_compute_opts(NULL, &bad, &y[0], &v[0], NULL), META_EINVAL);
}

/* SMD with small n: conventions.R "C revman5 SMD yi/vi" (J = 1 - 3/(4N-9),
 * v = 1/n1 + 1/n2 + g^2/(2(N-3.94))) and "C r-meta SMD yi/vi" (metafor's
 * escalc(vtype = "UB")). */
static const struct meta_study *set_c(void)
{
    static struct meta_study s[4];
    s[0] = cont(5, 10, 3, 6, 13, 3.5);
    s[1] = cont(8, 15, 4, 7, 12, 3);
    s[2] = cont(6, 9.5, 2.5, 6, 11, 2);
    s[3] = cont(10, 14, 5, 9, 11, 4);
    return s;
}

static void test_smd(void)
{
    static const double rv_y[] = {-0.834410265430042, 0.790150734469416, -0.61162075979915,
                                  0.628873846876318};
    static const double rv_v[] = {0.415975483313624, 0.296082196346409, 0.356539285803389,
                                  0.224241334062141};
    static const double rm_y[] = {-0.834035333939582, 0.78998786203237, -0.611401234056988,
                                  0.628799864546532};
    static const double rm_v[] = {0.41446669490067, 0.295552422846942, 0.355925290144619,
                                  0.224064120141618};
    const struct meta_study *s = set_c();
    double y[4], v[4];
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_SMD, META_MODEL_COMMON, META_METHOD_IV);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT(meta_es_compute_opts(&o, &s[i], &y[i], &v[i], NULL) == META_OK);
    check_array(y, rv_y, 4, "revman5 SMD yi");
    check_array(v, rv_v, 4, "revman5 SMD vi");
    o.convention = META_CONVENTION_RMETA;
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT(meta_es_compute_opts(&o, &s[i], &y[i], &v[i], NULL) == META_OK);
    check_array(y, rm_y, 4, "r-meta SMD yi");
    check_array(v, rm_v, 4, "r-meta SMD vi");
}

/* MH OR, fixed, on B under revman5: s3 not estimable, no weight, out of Q's
 * df; conventions.R "B MH OR est, se", "Q, p, I2", "weights %". */
static void test_mh_or_zero_cells(void)
{
    static const double w[] = {44.2009443099243, 12.4724087305451, 0, 23.860158871754,
                               19.4664880877766};
    struct meta_study s[5];
    struct meta_result r;
    set_b(s);
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_OR, META_MODEL_COMMON, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.estimate, -0.268855552040034);
    CHECK_CLOSE(r.se, 0.258318249310881);
    CHECK_CLOSE(r.Q, 6.84879047252724);
    CHECK_CLOSE(r.Q_p, 0.0768767277650898);
    CHECK_CLOSE(r.I2, 56.1966450567587);
    CHECK_CLOSE(r.H2, 6.84879047252724 / 3.0);
    CU_ASSERT_EQUAL(r.Q_df, 3);
    CU_ASSERT_EQUAL(r.k, 5);
    CU_ASSERT_EQUAL(r.k_estimable, 4);
    CU_ASSERT_EQUAL(r.convention, META_CONVENTION_REVMAN5);
    CU_ASSERT(isnan(r.studies[2].yi) && isnan(r.studies[2].ci_lower));
    for (size_t i = 0; i < 5; i++)
        CHECK_CLOSE(r.studies[i].weight, w[i]);
    CU_ASSERT(isnan(r.tau2) && isnan(r.pi_lower));
    meta_result_release(&r);
}

/* MH RR random under revman5: DL with Q around the MH estimate, then
 * inverse variance; conventions.R "B MH RR random ..."; no prediction
 * interval unless asked, then t on k-2 df. */
static void test_mh_random(void)
{
    static const double w[] = {35.861088338656, 4.74103433685614, 0, 28.5689764037938,
                               30.8289009206941};
    struct meta_study s[5];
    struct meta_result r;
    set_b(s);
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_RR, META_MODEL_RANDOM, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.Q, 6.46126431255315);
    CHECK_CLOSE(r.tau2, 0.221464675125077);
    CHECK_CLOSE(r.tau, sqrt(0.221464675125077));
    CHECK_CLOSE(r.estimate, -0.200220758414651);
    CHECK_CLOSE(r.se, 0.335991059258428);
    CHECK_CLOSE(r.ci_lower, -0.858751133688633);
    CHECK_CLOSE(r.ci_upper, 0.458309616859331);
    CHECK_CLOSE(r.I2, 53.5694586248158);
    CU_ASSERT_EQUAL(r.Q_df, 3);
    for (size_t i = 0; i < 5; i++)
        CHECK_CLOSE(r.studies[i].weight, w[i]);
    CU_ASSERT(isnan(r.pi_lower) && isnan(r.pi_upper));
    CU_ASSERT(isnan(r.tau2_ci_lower) && isnan(r.tau2_ci_upper));
    meta_result_release(&r);
    o.prediction = META_PREDICTION_ON;
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.pi_lower, -2.68816125977089);
    CHECK_CLOSE(r.pi_upper, 2.28771974294159);
    meta_result_release(&r);
    /* R meta's default binary random-effects analysis works alike (its RR
     * of s2 differs: 0.5 to the totals), with no tau^2 interval. */
    o.convention = META_CONVENTION_RMETA;
    o.prediction = META_PREDICTION_OFF;
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CU_ASSERT(r.tau2 > 0.0 && isnan(r.tau2_ci_lower) && isnan(r.pi_lower));
    CHECK_CLOSE(r.I2, 100.0 * (r.Q - 3.0) / r.Q);
    meta_result_release(&r);
}

/* MH RD with the Greenland-Robins variance: conventions.R "B MH RD est,
 * se" and "weights %" (every study estimable, corrected counts). */
static void test_mh_rd(void)
{
    static const double w[] = {24.5828871341581, 15.7176834614023, 10.7941222598167,
                               19.1620453558565, 29.7432617887664};
    struct meta_study s[5];
    struct meta_result r;
    set_b(s);
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_RD, META_MODEL_COMMON, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.estimate, -0.0396349240700892);
    CHECK_CLOSE(r.se, 0.0377903094643901);
    CU_ASSERT_EQUAL(r.k_estimable, 5);
    CU_ASSERT_EQUAL(r.Q_df, 4);
    for (size_t i = 0; i < 5; i++)
        CHECK_CLOSE(r.studies[i].weight, w[i]);
    CHECK_CLOSE(r.studies[2].yi, 0.0);
    meta_result_release(&r);
}

/* r-meta, REML with hksj on the unbiased SMDs of C: conventions.R "C r-meta
 * REML ..." (metafor's rma(method = "REML", test = "knha") for the estimate,
 * se and tau2; I^2 and H^2 from Q; prediction t(k-1) with the ordinary se;
 * Q-profile interval). */
static void test_rmeta_reml(void)
{
    struct meta_result r;
    struct meta_options o =
        opts_of(META_CONVENTION_RMETA, META_SMD, META_MODEL_RANDOM, META_METHOD_REML);
    o.ci = META_CI_HKSJ;
    CU_ASSERT_FATAL(meta_pool(set_c(), 4, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.estimate, 0.0595947239042506);
    CHECK_CLOSE(r.se, 0.412713346622984);
    CHECK_CLOSE(r.tau2, 0.355862157314759);
    CHECK_CLOSE(r.Q, 6.37067563086356);
    CHECK_CLOSE(r.I2, 52.9092332771408);
    CHECK_CLOSE(r.H2, 2.12355854362119);
    CHECK_CLOSE(r.pi_lower, -2.24317724187483);
    CHECK_CLOSE(r.pi_upper, 2.36236668968333);
    CHECK_CLOSE(r.tau2_ci_lower, 0.0);
    CHECK_CLOSE(r.tau2_ci_upper, 9.34800711761663);
    meta_result_release(&r);
    /* H^2 never below 1 under r-meta, also under the common model: Q of two
     * identical studies is 0. */
    double yi[] = {0.3, 0.3}, vi[] = {0.1, 0.2};
    o = opts_of(META_CONVENTION_RMETA, META_MD, META_MODEL_COMMON, META_METHOD_IV);
    CU_ASSERT_FATAL(meta_pool_yv(yi, vi, 2, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.H2, 1.0);
    CHECK_CLOSE(r.I2, 0.0);
    meta_result_release(&r);
}

/* Jackson's tau^2 interval under r-meta DL for a continuous measure:
 * conventions.R "J ..." (Ruben's series, as metafor's GENQ confint()); and
 * for k = 2 by hand: Q_a = c (v1 + v2 + 2 tau2) chi2(1), so the bounds are
 * ((y1 - y2)^2 / q - v1 - v2) / 2 with q the chi2(1) quantiles 5.02388618731488
 * and 0.000982069117175256 (R's qchisq). Fewer than 3 studies: none. */
static void test_jackson(void)
{
    double yJ[] = {-2.1, 0.4, -3.5, 1.2, -0.8}, vJ[] = {0.5, 0.8, 0.6, 1.1, 0.4};
    struct meta_result r;
    struct meta_error err = {""};
    struct meta_options o =
        opts_of(META_CONVENTION_RMETA, META_MD, META_MODEL_RANDOM, META_METHOD_DL);
    int ret = meta_pool_yv(yJ, vJ, 5, &o, &r, &err);
    if (ret != META_OK)
        printf("\n    %s", err.msg);
    CU_ASSERT_FATAL(ret == META_OK);
    CHECK_CLOSE(r.tau2, 2.35532677442024);
    CHECK_CLOSE(r.estimate, -1.04716687244011);
    CHECK_CLOSE(r.tau2_ci_lower, 0.528433878705601);
    CHECK_CLOSE(r.tau2_ci_upper, 26.6845121832765);
    meta_result_release(&r);
    /* A binary measure under DL takes the Q-profile interval (metafor's). */
    o.measure = META_RR;
    CU_ASSERT_FATAL(meta_pool_yv(yJ, vJ, 5, &o, &r, &err) == META_OK);
    CHECK_CLOSE(r.tau2_ci_lower, 0.523876908954148);
    CHECK_CLOSE(r.tau2_ci_upper, 28.7246610549789);
    meta_result_release(&r);
    /* k = 2: r-meta reports no interval; the function itself gives the
     * closed form. */
    o.measure = META_MD;
    CU_ASSERT_FATAL(meta_pool_yv(yJ, vJ, 2, &o, &r, &err) == META_OK);
    CU_ASSERT(isnan(r.tau2_ci_lower) && isnan(r.tau2_ci_upper));
    CU_ASSERT(isnan(r.pi_lower) == 0); /* t on 1 df */
    meta_result_release(&r);
    double y2[] = {0.3, 0.0}, v2[] = {0.001, 0.002}, lo, hi;
    CU_ASSERT_FATAL(meta_tau2_jackson(y2, v2, 2, 95.0, 1e-12, 1000, &lo, &hi, &err) == META_OK);
    CHECK_CLOSE(lo, (0.09 / 5.02388618731488 - 0.003) / 2.0);
    CHECK_CLOSE(hi, (0.09 / 0.000982069117175256 - 0.003) / 2.0);
}

/* Not-estimable studies in meta_pool_yv(): NAN pairs under revman5 and
 * r-meta, refused under metafor; none estimable is META_EDOM. */
static void test_yv_not_estimable(void)
{
    double yi[] = {0.2, NAN, -0.1}, vi[] = {0.04, NAN, 0.09};
    struct meta_result r;
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_MD, META_MODEL_COMMON, META_METHOD_IV);
    CU_ASSERT_FATAL(meta_pool_yv(yi, vi, 3, &o, &r, NULL) == META_OK);
    /* By hand: w = 25, 11.11; estimate (25 * 0.2 - 11.11 * 0.1) / 36.11 */
    CHECK_CLOSE(r.estimate, (25.0 * 0.2 - 0.1 / 0.09) / (25.0 + 1.0 / 0.09));
    CU_ASSERT_EQUAL(r.k, 3);
    CU_ASSERT_EQUAL(r.k_estimable, 2);
    CU_ASSERT_EQUAL(r.Q_df, 1);
    CU_ASSERT(r.studies[1].weight == 0.0 && isnan(r.studies[1].yi));
    CHECK_CLOSE(r.studies[0].weight + r.studies[2].weight, 100.0);
    meta_result_release(&r);
    o.convention = META_CONVENTION_METAFOR;
    CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, 3, &o, &r, NULL), META_EINVAL);
    double none_y[] = {NAN, NAN}, none_v[] = {NAN, NAN};
    o.convention = META_CONVENTION_RMETA;
    CU_ASSERT_EQUAL(meta_pool_yv(none_y, none_v, 2, &o, &r, NULL), META_EDOM);
    double half_y[] = {0.1, NAN}, half_v[] = {0.04, 0.09};
    CU_ASSERT_EQUAL(meta_pool_yv(half_y, half_v, 2, &o, &r, NULL), META_EINVAL);
}

/* RevMan 5's stored totals of Fleiss1993.rm5 (tests/data/cochrane/README.md
 * names the file; its DICH_OUTCOME CMP-001.01, OR, MH, fixed): every number
 * to 1e-6 relative. P_CHI2 is RevMan's own chi-squared approximation,
 * 0.1269422521561745, where the exact upper tail of chi2(6) at
 * 9.946055983220074 is 0.126942177906295 (R's pchisq): 5.8e-7 relative, the
 * one value that agrees only because the 1e-6 rule tolerates it. */
static void test_fleiss_rm5(void)
{
    static const struct {
        double a, n1, c, n2; /* EVENTS_1, TOTAL_1, EVENTS_2, TOTAL_2 */
        double weight, effect, var, ci_start, ci_end;
    } d[] = {
        {49, 615, 67, 624, 3.176490004091248, 0.7197141500975687, 0.038895652988376536,
         0.4889745274989256, 1.0593362817898602},
        {44, 758, 64, 771, 3.1016891143394365, 0.6807598039215687, 0.04116726010836378,
         0.45739090373983604, 1.0132119087766858},
        {102, 832, 126, 850, 5.675380442715663, 0.8028701891715591, 0.020491507988447278,
         0.6064528819242718, 1.062902922672345},
        {32, 317, 38, 309, 1.795484618258711, 0.8007386888273315, 0.06476459830387778,
         0.4862610363759706, 1.318597213882381},
        {85, 810, 52, 406, 3.2176243566716805, 0.7981432360742705, 0.035199644215011906,
         0.5525633542165779, 1.1528680293941878},
        {246, 2267, 219, 2257, 10.153491219997628, 1.1327364047365673, 0.00961673238271602,
         0.9346646778747347, 1.3727829808793592},
        {1570, 8587, 1720, 8600, 72.87984024392564, 0.8949693601254097, 0.0015061979058117042,
         0.8294175772940908, 0.965701930475584},
    };
    struct meta_study s[7];
    struct meta_result r;
    for (size_t i = 0; i < 7; i++)
        s[i] = bin(d[i].a, d[i].n1, d[i].c, d[i].n2);
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_OR, META_MODEL_COMMON, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_pool(s, 7, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(exp(r.estimate), 0.8968655609130709);
    /* RevMan's LOG_* attributes are base-10 logarithms. */
    CHECK_CLOSE(r.estimate / log(10.0), -0.04727265230640342);
    CHECK_CLOSE(exp(r.ci_lower), 0.8405144008917793);
    CHECK_CLOSE(exp(r.ci_upper), 0.9569947088336491);
    CHECK_CLOSE(r.ci_lower / log(10.0), -0.07545484120814404);
    CHECK_CLOSE(r.ci_upper / log(10.0), -0.019090463404662757);
    CHECK_CLOSE(fabs(r.statistic), 3.287633061337987);
    CHECK_CLOSE(r.p, 0.0010103343130005407);
    CHECK_CLOSE(r.Q, 9.946055983220074);
    CU_ASSERT_EQUAL(r.Q_df, 6);
    CHECK_CLOSE(r.I2, 39.67458045558399);
    CHECK_CLOSE(r.Q_p, 0.1269422521561745);
    CU_ASSERT(fabs(r.Q_p - 0.126942177906295) < 1e-13);
    double wsum = 0.0;
    for (size_t i = 0; i < 7; i++) {
        CHECK_CLOSE(r.studies[i].weight, d[i].weight);
        CHECK_CLOSE(exp(r.studies[i].yi), d[i].effect);
        CHECK_CLOSE(r.studies[i].vi, d[i].var);
        CHECK_CLOSE(exp(r.studies[i].ci_lower), d[i].ci_start);
        CHECK_CLOSE(exp(r.studies[i].ci_upper), d[i].ci_end);
        wsum += r.studies[i].weight;
    }
    CHECK_CLOSE(wsum, 100.00000000000001); /* WEIGHT of the outcome */
    meta_result_release(&r);
}

/* The Fleiss file's SMD analysis (CONT_OUTCOME CMP-001.02), whose numbers
 * RevMan left empty: RevMan's formulas by conventions.R "F SMD ...". */
static void test_fleiss_smd(void)
{
    static const double y[] = {-0.339895678441358, -0.565892627050607, -0.299910934494936,
                               0.125026403895252, -0.734573719992273};
    static const double w[] = {11.5421167730743, 32.5754534380696, 31.2317447507624,
                               18.020277354095, 6.63040768399861};
    struct meta_study s[5] = {cont(13, 5, 4.7, 13, 6.5, 3.8), cont(30, 4.9, 1.71, 50, 6.1, 2.3),
                              cont(35, 22.5, 3.44, 35, 24.9, 10.65),
                              cont(20, 12.5, 1.47, 20, 12.3, 1.66),
                              cont(8, 6.5, 0.76, 8, 7.38, 1.41)};
    struct meta_result r;
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_SMD, META_MODEL_COMMON, META_METHOD_IV);
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &r, NULL) == META_OK);
    CHECK_CLOSE(r.estimate, -0.343415790514985);
    CHECK_CLOSE(r.se, 0.134385026267765);
    CHECK_CLOSE(r.Q, 3.67700404162111);
    for (size_t i = 0; i < 5; i++) {
        CHECK_CLOSE(r.studies[i].yi, y[i]);
        CHECK_CLOSE(r.studies[i].weight, w[i]);
    }
    meta_result_release(&r);
}

/* Leave-one-out and cumulative analyses keep a step whose studies are all
 * not estimable, as a result with k_estimable = 0. */
static void test_sequential(void)
{
    struct meta_study s[3] = {bin(0, 10, 0, 12), bin(3, 10, 1, 12), bin(4, 20, 2, 18)};
    struct meta_result *res = NULL;
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_RR, META_MODEL_COMMON, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_cumulative(s, 3, &o, &res, NULL) == META_OK);
    CU_ASSERT(res[0].k == 1 && res[0].k_estimable == 0 && isnan(res[0].estimate));
    CU_ASSERT(res[0].studies[0].weight == 0.0);
    CU_ASSERT(res[2].k == 3 && res[2].k_estimable == 2 && isfinite(res[2].estimate));
    meta_results_free(res, 3);
    CU_ASSERT_FATAL(meta_leave1out(s, 3, &o, &res, NULL) == META_OK);
    CU_ASSERT(res[0].k_estimable == 2 && res[1].k_estimable == 1);
    meta_results_free(res, 3);
    o.convention = META_CONVENTION_METAFOR;
    CU_ASSERT_EQUAL(meta_cumulative(s, 3, &o, &res, NULL), META_EDOM);
}

/* An analysis with subgroups (B split {s1, s2, s3} / {s4, s5}, revman5, MH
 * RR random): the overall weights are those of the overall analysis (its
 * tau^2), each subgroup is pooled on its own, and the test's I^2 comes from
 * its Q. */
static void test_subgroups(void)
{
    struct meta_study s[5];
    set_b(s);
    size_t group[5] = {0, 0, 0, 1, 1};
    struct meta_subgroup_analysis sa;
    struct meta_result all, g0;
    struct meta_error err = {""};
    struct meta_options o =
        opts_of(META_CONVENTION_REVMAN5, META_RR, META_MODEL_RANDOM, META_METHOD_MH);
    CU_ASSERT_FATAL(meta_pool_subgroups(s, 5, group, 2, &o, &sa, &err) == META_OK);
    CU_ASSERT_FATAL(meta_pool(s, 5, &o, &all, NULL) == META_OK);
    CU_ASSERT_FATAL(meta_pool(s, 3, &o, &g0, NULL) == META_OK);
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT(sa.overall.studies[i].weight == all.studies[i].weight);
    CU_ASSERT(sa.groups[0].estimate == g0.estimate && sa.groups[0].tau2 == g0.tau2);
    CU_ASSERT(sa.member[3] == 0 && sa.member[4] == 1 && sa.member[2] == 2);
    CU_ASSERT(sa.have_test && sa.test.df == 1);
    double Q = sa.test.Q;
    CHECK_CLOSE(sa.test.I2, Q > 1.0 ? 100.0 * (Q - 1.0) / Q : 0.0);
    meta_result_release(&all);
    meta_result_release(&g0);
    meta_subgroup_analysis_release(&sa);
    /* A subgroup of only not-estimable studies is reported as such. */
    size_t lone[5] = {0, 0, 1, 0, 0};
    CU_ASSERT_FATAL(meta_pool_subgroups(s, 5, lone, 2, &o, &sa, &err) == META_OK);
    CU_ASSERT(sa.groups[1].k == 1 && sa.groups[1].k_estimable == 0);
    CU_ASSERT(!sa.have_test);
    meta_subgroup_analysis_release(&sa);
    size_t bad[5] = {0, 0, 5, 0, 0};
    CU_ASSERT_EQUAL(meta_pool_subgroups(s, 5, bad, 2, &o, &sa, &err), META_EINVAL);
    meta_subgroup_analysis_release(&sa);
    meta_subgroup_analysis_release(NULL);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"names and parsing", test_names},
        {"options each convention accepts", test_options},
        {"binary studies: zero cells, double zeros, all events", test_binary_studies},
        {"SMD with small n", test_smd},
        {"revman5 MH OR with zero cells", test_mh_or_zero_cells},
        {"MH random: DL around the MH estimate", test_mh_random},
        {"MH RD with the Greenland-Robins variance", test_mh_rd},
        {"r-meta REML with hksj: I^2, H^2, prediction, tau^2 interval", test_rmeta_reml},
        {"r-meta DL: Jackson's tau^2 interval", test_jackson},
        {"not-estimable effect sizes", test_yv_not_estimable},
        {"Fleiss1993.rm5: RevMan 5's stored totals", test_fleiss_rm5},
        {"Fleiss1993.rm5: the SMD analysis", test_fleiss_smd},
        {"leave-one-out and cumulative", test_sequential},
        {"subgroups", test_subgroups},
        {NULL, NULL}};
    return meta_test_run_suite("conventions", NULL, NULL, cases);
}
