/*
 * Unit tests of the small-study tests, trim-and-fill, influence diagnostics
 * and meta-regression of lib/stats on edge cases, against metafor 3.8 and
 * R's cor.test: k = 3, tau^2 at 0, all studies equal, nothing to fill,
 * collinear moderators, a categorical level with one trial, MH and Peto
 * analyses, trim-and-fill on the left, influence of a meta-regression,
 * Kendall's exact and approximate p-values, predictions; and the design
 * builder and the error paths. Expected values come from
 * tests/unit/metafor_bias_edge.R (the tag of its output line is named
 * beside each block).
 */
#include "cunit_main.h"
#include "meta_bias.h"
#include "meta_metareg.h"
#include "meta_stats.h"
#include "metareg_internal.h"
#include "test_csv.h"
#include "test_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct meta_options opts(enum meta_model model, enum meta_method method, enum meta_ci ci)
{
    struct meta_options o;
    meta_options_init(&o);
    o.model = model;
    o.method = method;
    o.ci = ci;
    return o;
}

static const struct meta_options REML_Z = {
    META_MD, META_MODEL_RANDOM,       META_METHOD_REML,       META_CI_Z, 95.0, 1e-12,
    1000,    META_CONVENTION_METAFOR, META_PREDICTION_DEFAULT};

/* coefficient, se, statistic, df, p, limit estimate and interval */
static void check_regtest(const struct meta_regtest *r, const double e[8], const char *what)
{
    char buf[160];
    const double got[8] = {
        r->coefficient,   r->se, r->statistic, r->df, r->p, r->limit_estimate, r->limit_ci_lower,
        r->limit_ci_upper};
    static const char *const names[8] = {
        "coefficient",   "se", "statistic", "df", "p", "limit_estimate", "limit_ci_lower",
        "limit_ci_upper"};
    for (int j = 0; j < 8; j++) {
        snprintf(buf, sizeof buf, "%s %s", what, names[j]);
        CU_ASSERT(test_close(got[j], e[j], buf));
    }
}

/* Expected influence diagnostics of k studies (field by field). */
struct infl_expect {
    const double *rstudent, *dffits, *cook_d, *cov_r, *tau2_del, *QE_del, *hat, *weight;
    const int *influential;
};

static void check_influence(const double *yi, const double *vi, size_t k,
                            const struct meta_design *design, const struct meta_options *o,
                            const struct infl_expect *e, const char *what)
{
    struct meta_influence *inf = calloc(k, sizeof *inf);
    struct meta_error err = {""};
    char buf[160];
    CU_ASSERT_FATAL(inf != NULL);
    int ret = meta_influence(yi, vi, k, design, o, inf, &err);
    if (ret != META_OK)
        printf("\n    %s: %s", what, err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    for (size_t i = 0; i < k; i++) {
#define F(f)                                                                                       \
    do {                                                                                           \
        snprintf(buf, sizeof buf, "%s study %zu " #f, what, i + 1);                                \
        CU_ASSERT(test_close(inf[i].f, e->f[i], buf));                                             \
    } while (0)
        F(rstudent);
        F(dffits);
        F(cook_d);
        F(cov_r);
        F(tau2_del);
        F(QE_del);
        F(hat);
        F(weight);
#undef F
        if (inf[i].influential != e->influential[i])
            printf("\n    %s study %zu influential: expected %d", what, i + 1, e->influential[i]);
        CU_ASSERT_EQUAL(inf[i].influential, e->influential[i]);
    }
    free(inf);
}

/* One meta-regression coefficient: estimate, se, statistic, p, ci. */
static void check_coef(const struct meta_metareg_coef *c, const char *name, const double e[6],
                       const char *what)
{
    char buf[160];
    CU_ASSERT_STRING_EQUAL(c->name, name);
    const double got[6] = {c->estimate, c->se, c->statistic, c->p, c->ci_lower, c->ci_upper};
    for (int j = 0; j < 6; j++) {
        snprintf(buf, sizeof buf, "%s %s field %d", what, name, j);
        CU_ASSERT(test_close(got[j], e[j], buf));
    }
}

/* QM, QM_df, QM_p, QE, QE_p, df, tau2, I2, H2, R2 */
static void check_reg_totals(const struct meta_metareg *r, const double e[10], const char *what)
{
    char buf[160];
    const double got[10] = {r->QM, r->QM_df, r->QM_p, r->QE, r->QE_p,
                            r->df, r->tau2,  r->I2,   r->H2, r->R2};
    for (int j = 0; j < 10; j++) {
        snprintf(buf, sizeof buf, "%s total %d", what, j);
        CU_ASSERT(test_close(got[j], e[j], buf));
    }
}

/* A design of one moderator from numbers (as text). */
static int design_of(const char *name, const double *x, size_t k, struct meta_design *d)
{
    char buf[32][32];
    const char *v[32];
    struct meta_error err = {""};
    for (size_t i = 0; i < k; i++) {
        snprintf(buf[i], sizeof buf[i], "%.17g", x[i]);
        v[i] = buf[i];
    }
    int ret = meta_design_build(&name, 1, v, k, NULL, d, &err);
    if (ret != META_OK)
        printf("\n    design: %s", err.msg);
    return ret;
}

/* ## k = 3: yi = c(0.2, 0.5, 0.9), vi = c(0.04, 0.09, 0.06), x = c(1, 2, 4) */
static const double y3[] = {0.2, 0.5, 0.9}, v3[] = {0.04, 0.09, 0.06}, x3[] = {1, 2, 4};

static void test_k3(void)
{
    struct meta_options o = REML_Z;
    struct meta_regtest rt;
    struct meta_ranktest rk;
    struct meta_trimfill tf;
    struct meta_design d;
    struct meta_metareg r;
    struct meta_error err = {""};
    /* "k3 regtest REML", "k3 regtest lm" */
    const double rma[8] = {
        3.05409723219601,  6.59083438660328,   0.463385521930859, NAN,
        0.643088054469783, -0.223589387826252, -3.42476375952744, 2.97758498387493};
    const double lm[8] = {
        4.15361388801511,  6.68191849606499,   0.621619956972116, 1,
        0.645934345564255, -0.492914864871062, -20.7348533212475, 19.7490235915054};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_rma(y3, v3, 3, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, rma, "k3 regtest");
    CU_ASSERT_EQUAL_FATAL(meta_regtest_lm(y3, v3, 3, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, lm, "k3 egger");
    /* "k3 ranktest": tau 1/3, exact p 1 */
    CU_ASSERT_EQUAL_FATAL(meta_ranktest(y3, v3, 3, &rk, &err), META_OK);
    CHECK_CLOSE(rk.tau, 0.333333333333333);
    CHECK_CLOSE(rk.p, 1.0);
    /* "k3 trimfill L0 REML": side left, nothing filled */
    CU_ASSERT_EQUAL_FATAL(meta_trimfill(y3, v3, 3, &o, META_TF_L0, META_TF_AUTO, &tf, &err),
                          META_OK);
    CU_ASSERT_EQUAL(tf.side, META_TF_LEFT);
    CU_ASSERT_EQUAL(tf.k0, 0);
    CU_ASSERT_PTR_NULL(tf.filled);
    CHECK_CLOSE(tf.estimate, 0.517162027447165);
    CHECK_CLOSE(tf.se, 0.218878100843183);
    CHECK_CLOSE(tf.ci_lower, 0.0881688327900008);
    CHECK_CLOSE(tf.ci_upper, 0.946155222104329);
    CHECK_CLOSE(tf.tau2, 0.0832019636091814);
    meta_trimfill_release(&tf);
    /* "k3 influence REML" */
    static const double rs[] = {-1.8590521150186, -0.0559611898227562, 2.05212111719122},
                        df[] = {-1.66567242126848, -0.0660767152252077, 1.58707633053012},
                        cd[] = {1.01338407291865, 0.00718437411523491, 1.05535338292},
                        cr[] = {0.805586826481974, 2.5527444409846, 0.578035517973985},
                        td[] = {0.005, 0.195, 0}, qd[] = {1.06666666666667, 4.9, 0.692307692307692},
                        ht[] = {0.388854378820535, 0.276599768446152, 0.334545852733313},
                        wt[] = {38.8854378820535, 27.6599768446152, 33.4545852733313};
    static const int in[] = {1, 0, 1};
    const struct infl_expect e = {rs, df, cd, cr, td, qd, ht, wt, in};
    check_influence(y3, v3, 3, NULL, &o, &e, "k3 influence");
    /* "k3 reg REML": tau^2 0 with the moderator, R^2 100 */
    CU_ASSERT_EQUAL_FATAL(design_of("x", x3, 3, &d), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_metareg_fit(y3, v3, &d, &o, &r, &err), META_OK);
    const double c0[6] = {-0.0165048543689324, 0.265490935614013, -0.0621672989729796,
                          0.950429603739268,   -0.53685752639424, 0.503847817656375};
    const double c1[6] = {0.232038834951456,  0.105204378069777,  2.20560055777866,
                          0.0274119799989819, 0.0258420429187584, 0.438235626984155};
    const double tot[10] = {4.86467382047352,
                            1,
                            0.0274119799989819,
                            0.0388349514563111,
                            0.84377600270829,
                            NAN,
                            0,
                            0,
                            1,
                            100};
    check_coef(&r.coefficients[0], "intercept", c0, "k3 reg REML");
    check_coef(&r.coefficients[1], "x", c1, "k3 reg REML");
    check_reg_totals(&r, tot, "k3 reg REML");
    meta_metareg_release(&r);
    /* "k3 reg FE": the same fit; tau2, I2, H2, R2 null (INTERFACE 3) */
    o = opts(META_MODEL_COMMON, META_METHOD_IV, META_CI_Z);
    CU_ASSERT_EQUAL_FATAL(meta_metareg_fit(y3, v3, &d, &o, &r, &err), META_OK);
    const double tot_fe[10] = {4.86467382047352,
                               1,
                               0.0274119799989819,
                               0.0388349514563111,
                               0.84377600270829,
                               NAN,
                               NAN,
                               NAN,
                               NAN,
                               NAN};
    check_coef(&r.coefficients[1], "x", c1, "k3 reg FE");
    check_reg_totals(&r, tot_fe, "k3 reg FE");
    meta_metareg_release(&r);
    meta_design_release(&d);
    /* "k3 reg REML with 2 moderators (p + 1 > k): error" */
    const char *names[] = {"x", "x2"};
    const char *vals[] = {"1", "1", "2", "4", "4", "16"};
    CU_ASSERT_EQUAL_FATAL(meta_design_build(names, 2, vals, 3, NULL, &d, &err), META_OK);
    o = REML_Z;
    CU_ASSERT_EQUAL(meta_metareg_fit(y3, v3, &d, &o, &r, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "3 studies cannot estimate 3 coefficients and tau^2"));
    meta_metareg_release(&r);
    meta_design_release(&d);
}

/* ## tau2 at 0 */
static const double yb[] = {0.1, 0.12, 0.11, 0.09, 0.1}, vb[] = {0.05, 0.04, 0.06, 0.05, 0.03};

static void test_tau2_zero(void)
{
    struct meta_options o = REML_Z;
    struct meta_regtest rt;
    struct meta_trimfill tf;
    struct meta_design d;
    struct meta_metareg r;
    struct meta_error err = {""};
    /* "zero regtest REML" */
    const double rma[8] = {
        -0.00642132627530301, 3.66794826730755,  -0.00175065889901893, NAN,
        0.998603177006739,    0.105386920743936, -1.39363289805759,    1.60440673954546};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_rma(yb, vb, 5, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, rma, "zero regtest");
    /* "zero trimfill L0 REML": right, nothing filled, tau^2 0 */
    CU_ASSERT_EQUAL_FATAL(meta_trimfill(yb, vb, 5, &o, META_TF_L0, META_TF_AUTO, &tf, &err),
                          META_OK);
    CU_ASSERT_EQUAL(tf.side, META_TF_RIGHT);
    CU_ASSERT_EQUAL(tf.k0, 0);
    CHECK_CLOSE(tf.estimate, 0.104057971014493);
    CHECK_CLOSE(tf.se, 0.0932504808240314);
    CHECK_CLOSE(tf.ci_lower, -0.0787096129416517);
    CHECK_CLOSE(tf.ci_upper, 0.286825554970637);
    CHECK_CLOSE(tf.tau2, 0.0);
    meta_trimfill_release(&tf);
    /* "zero influence REML" */
    static const double rs[] = {-0.0199669189925592, 0.0901034176502148, 0.0262335871964076,
                                -0.0691711122242235, -0.0278019218742767},
                        df[] = {-0.0091614507476243, 0.0474886707900153, 0.0108001969315966,
                                -0.0317378829471266, -0.0177619963474352},
                        cd[] = {8.39321798011459e-05, 0.00225517385340245, 0.000116644253761268,
                                0.00100729321396551, 0.000315488514246301},
                        cr[] = {1.21052631578947, 1.27777777777778, 1.16949152542373,
                                1.21052631578947, 1.40816326530612},
                        td[] = {0, 0, 0, 0, 0},
                        qd[] = {0.0113742690058479, 0.00365432098765432, 0.0110847457627119,
                                0.00698830409356724, 0.011},
                        ht[] = {0.173913043478261, 0.217391304347826, 0.144927536231884,
                                0.173913043478261, 0.289855072463768},
                        wt[] = {17.3913043478261, 21.7391304347826, 14.4927536231884,
                                17.3913043478261, 28.9855072463768};
    static const int in[] = {0, 0, 0, 0, 0};
    const struct infl_expect e = {rs, df, cd, cr, td, qd, ht, wt, in};
    check_influence(yb, vb, 5, NULL, &o, &e, "zero influence");
    /* "zero reg REML" with x = 1:5 */
    const double x[] = {1, 2, 3, 4, 5};
    CU_ASSERT_EQUAL_FATAL(design_of("x", x, 5, &d), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_metareg_fit(yb, vb, &d, &o, &r, &err), META_OK);
    const double c0[6] = {0.113938818164545, 0.22063422305665,   0.516414981257417,
                          0.605564604616346, -0.318496312783466, 0.546373949112555};
    const double c1[6] = {-0.00309899296978906, 0.0627145756067902, -0.0494142380747216,
                          0.960589181680743,    -0.126017302464812, 0.119819316525234};
    const double tot[10] = {0.00244176692450526,
                            1,
                            0.960589181680743,
                            0.00933117993539806,
                            0.999760939274525,
                            NAN,
                            0,
                            0,
                            1,
                            0};
    check_coef(&r.coefficients[0], "intercept", c0, "zero reg");
    check_coef(&r.coefficients[1], "x", c1, "zero reg");
    check_reg_totals(&r, tot, "zero reg");
    meta_metareg_release(&r);
    meta_design_release(&d);
}

/* ## all equal: yi = rep(0.3, 4), vi = c(0.1, 0.2, 0.15, 0.05). metafor's
 * answers are partly rounding noise (its weighted mean is not exactly 0.3);
 * these are the exact ones, documented in meta_bias.h. */
static void test_all_equal(void)
{
    const double y[] = {0.3, 0.3, 0.3, 0.3}, v[] = {0.1, 0.2, 0.15, 0.05};
    struct meta_options o = REML_Z;
    struct meta_regtest rt;
    struct meta_ranktest rk;
    struct meta_trimfill tf;
    struct meta_error err = {""};
    /* "equal regtest REML": slope 0, z 0, p 1 */
    const double rma[8] = {
        0, 1.89502904230394, 0, NAN, 1, 0.3, -0.850799269883845, 1.45079926988384};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_rma(y, v, 4, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, rma, "equal regtest");
    /* "equal regtest lm": a perfect fit. metafor: slope -1.6e-16, se 3.1e-16,
     * t -0.517 (noise); here slope and se exactly 0, t and p null; the limit
     * 0.3 [0.3, 0.3] as in metafor. */
    const double lm[8] = {0, 0, NAN, 2, NAN, 0.3, 0.3, 0.3};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_lm(y, v, 4, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, lm, "equal egger");
    /* "equal ranktest": metafor tau 1, p 0.083 (noise); the deviations are
     * all 0 here, so tau and p are null */
    CU_ASSERT_EQUAL_FATAL(meta_ranktest(y, v, 4, &rk, &err), META_OK);
    CU_ASSERT(isnan(rk.tau) && isnan(rk.p));
    /* "equal trimfill": metafor does not converge (noise); nothing to fill */
    CU_ASSERT_EQUAL_FATAL(meta_trimfill(y, v, 4, &o, META_TF_L0, META_TF_AUTO, &tf, &err), META_OK);
    CU_ASSERT_EQUAL(tf.k0, 0);
    CHECK_CLOSE(tf.estimate, 0.3);
    meta_trimfill_release(&tf);
    /* "equal influence REML" (metafor's 1e-15 dffits and 1e-30 cook.d are 0) */
    static const double z[] = {0, 0, 0, 0},
                        cr[] = {1.31578947368421, 1.13636363636364, 1.19047619047619,
                                1.92307692307692},
                        ht[] = {0.24, 0.12, 0.16, 0.48}, wt[] = {24, 12, 16, 48};
    static const int in[] = {0, 0, 0, 0};
    const struct infl_expect e = {z, z, z, cr, z, z, ht, wt, in};
    check_influence(y, v, 4, NULL, &o, &e, "equal influence");
}

/* ## nothing to fill: a symmetric funnel */
static void test_nothing_to_fill(void)
{
    const double y[] = {-0.4, -0.1, 0, 0.1, 0.4}, v[] = {0.05, 0.02, 0.01, 0.02, 0.05};
    struct meta_options o = opts(META_MODEL_RANDOM, META_METHOD_DL, META_CI_Z);
    struct meta_trimfill tf;
    struct meta_error err = {""};
    const enum meta_tf_estimator est[] = {META_TF_L0, META_TF_R0};
    /* "sym trimfill L0 DL", "sym trimfill R0 DL" */
    for (size_t j = 0; j < N(est); j++) {
        CU_ASSERT_EQUAL_FATAL(meta_trimfill(y, v, 5, &o, est[j], META_TF_AUTO, &tf, &err), META_OK);
        CU_ASSERT_EQUAL(tf.side, META_TF_LEFT);
        CU_ASSERT_EQUAL(tf.k0, 0);
        CU_ASSERT_PTR_NULL(tf.filled);
        CHECK_CLOSE(tf.estimate, 0.0);
        CHECK_CLOSE(tf.se, 0.0939694522410944);
        CHECK_CLOSE(tf.ci_lower, -0.184176742039502);
        CHECK_CLOSE(tf.ci_upper, 0.184176742039502);
        CHECK_CLOSE(tf.tau2, 0.0195215311004785);
        meta_trimfill_release(&tf);
    }
    /* "sym trimfill L0 DL knha": with nothing filled the original fit, t
     * interval included */
    o.ci = META_CI_HKSJ;
    CU_ASSERT_EQUAL_FATAL(meta_trimfill(y, v, 5, &o, META_TF_L0, META_TF_AUTO, &tf, &err), META_OK);
    CU_ASSERT_EQUAL(tf.k0, 0);
    CHECK_CLOSE(tf.se, 0.106199449130143);
    CHECK_CLOSE(tf.ci_lower, -0.294856940712088);
    CHECK_CLOSE(tf.ci_upper, 0.294856940712088);
    meta_trimfill_release(&tf);
}

/* ## collinearity: metafor drops x2 = 2 x1 + 1 with a warning; here it is
 * an error naming it. Equal variances: "Model matrix no longer of full rank
 * after addition of predictor". */
static void test_collinear(void)
{
    const char *names[] = {"x1", "x2"};
    const char *vals[] = {"1", "3", "2", "5", "3", "7", "4", "9", "5", "11", "6", "13"};
    const double y[] = {0.1, 0.3, 0.2, 0.5, 0.4, 0.7}, v[] = {0.04, 0.04, 0.04, 0.04, 0.04, 0.04};
    struct meta_design d;
    struct meta_regtest rt;
    struct meta_options o = REML_Z;
    struct meta_error err = {""};
    CU_ASSERT_EQUAL(meta_design_build(names, 2, vals, 6, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'x2' is a linear combination of the intercept and"));
    CU_ASSERT_PTR_NULL(d.x);
    meta_design_release(&d);
    /* a categorical moderator duplicating another's split */
    const char *n2[] = {"arm", "site"};
    const char *v2[] = {"a", "north", "a", "north", "b", "south",
                        "b", "south", "a", "north", "b", "south"};
    CU_ASSERT_EQUAL(meta_design_build(n2, 2, v2, 6, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'site=south'"));
    CU_ASSERT_EQUAL(meta_regtest_rma(y, v, 6, NULL, &o, &rt, &err), META_EDOM);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "standard errors are all equal"));
    CU_ASSERT(isnan(rt.coefficient));
    CU_ASSERT_EQUAL(meta_regtest_lm(y, v, 6, NULL, &o, &rt, &err), META_EDOM);
}

/* ## a level with one trial: g = a a b b b c */
static void test_level_one_trial(void)
{
    const char *name = "g";
    const char *g[] = {"a", "a", "b", "b", "b", "c"};
    const double y[] = {0.1, 0.3, 0.6, 0.5, 0.8, -0.2}, v[] = {0.02, 0.03, 0.04, 0.02, 0.05, 0.03};
    struct meta_design d;
    struct meta_metareg r;
    struct meta_options o = REML_Z;
    struct meta_error err = {""};
    CU_ASSERT_EQUAL_FATAL(meta_design_build(&name, 1, g, 6, NULL, &d, &err), META_OK);
    CU_ASSERT_EQUAL(d.p, 3);
    CU_ASSERT_STRING_EQUAL(d.names[1], "g=b");
    CU_ASSERT_STRING_EQUAL(d.names[2], "g=c");
    /* "level1 reg REML" (tau^2 0, R^2 100) and "level1 reg FE" */
    const double c0[6] = {0.18,
                          0.109544511501033,
                          1.6431676725155,
                          0.10034824646229,
                          -0.0347032972460586,
                          0.394703297246059};
    const double c1[6] = {0.409473684210526,   0.150087693664316, 2.72822957174855,
                          0.00636752761378654, 0.115307210105785, 0.703640158315266};
    const double c2[6] = {-0.38,
                          0.204939015319192,
                          -1.85421013860221,
                          0.0637091021643568,
                          -0.781673089052719,
                          0.0216730890527185};
    const double tot[10] = {17.4905788092278,
                            2,
                            0.000159209533171884,
                            2.08947368421053,
                            0.554045242416704,
                            NAN,
                            0,
                            0,
                            1,
                            100};
    CU_ASSERT_EQUAL_FATAL(meta_metareg_fit(y, v, &d, &o, &r, &err), META_OK);
    check_coef(&r.coefficients[0], "intercept", c0, "level1 REML");
    check_coef(&r.coefficients[1], "g=b", c1, "level1 REML");
    check_coef(&r.coefficients[2], "g=c", c2, "level1 REML");
    check_reg_totals(&r, tot, "level1 REML");
    meta_metareg_release(&r);
    /* "level1 influence REML": without the only "c" trial its coefficient
     * cannot be estimated, so its fields are null; hat 1 */
    static const double
        rs[] = {-0.894427190999919, 0.894427190999916, 0.0606733027597732,
                -0.919254719740988, 1.05962588565204,  NAN},
        df[] = {-1.09544511501034, 0.730296743340225, 0.0353026915610983,
                -0.96897955474709, 0.547188454445416, NAN},
        cd[] = {1.20000000000001,  0.533333333333338, 0.00124884353963987,
                0.938921377517869, 0.299415204678364, NAN},
        cr[] = {2.5, 1.66666666666667, 1.3689012335491, 2.11111111111111, 1.26666666666666, NAN},
        td[] = {0, 0, 7.31668104114291e-05, 0, 0, NAN},
        qd[] = {1.28947368421053, 1.28947368421052,  2.08571428571429,
                1.24444444444445, 0.966666666666669, NAN},
        ht[] = {0.6, 0.4, 0.263157894736842, 0.526315789473684, 0.210526315789474, 1},
        wt[] = {23.6220472440945, 15.748031496063,  11.8110236220472,
                23.6220472440945, 9.44881889763779, 15.748031496063};
    static const int in[] = {1, 0, 0, 0, 0, 0};
    const struct infl_expect e = {rs, df, cd, cr, td, qd, ht, wt, in};
    check_influence(y, v, 6, &d, &o, &e, "level1 influence");
    meta_design_release(&d);
}

/* The BCG studies' yi/vi as an MH or Peto analysis gives them. */
static void bcg_studies(enum meta_method method, double *yi, double *vi)
{
    struct test_studies ts;
    struct meta_options o = opts(META_MODEL_COMMON, method, META_CI_Z);
    struct meta_result r;
    struct meta_error err = {""};
    o.measure = method == META_METHOD_PETO ? META_OR : META_RR;
    CU_ASSERT_FATAL(test_studies_load(META_TEST_DATA_DIR "/bcg.csv", "bcg", NULL, "bcg-treated",
                                      "bcg-control", NULL, &ts) == 0);
    CU_ASSERT_EQUAL_FATAL(ts.k, 13);
    CU_ASSERT_EQUAL_FATAL(meta_pool(ts.studies, ts.k, &o, &r, &err), META_OK);
    for (size_t i = 0; i < 13; i++) {
        yi[i] = r.studies[i].yi;
        vi[i] = r.studies[i].vi;
    }
    meta_result_release(&r);
    test_studies_free(&ts);
}

/* ## BCG, MH and Peto analyses */
static void test_mh_peto(void)
{
    double yi[13], vi[13];
    struct meta_options o = opts(META_MODEL_COMMON, META_METHOD_MH, META_CI_Z);
    struct meta_regtest rt;
    struct meta_ranktest rk;
    struct meta_trimfill tf;
    struct meta_influence inf[13];
    struct meta_error err = {""};
    o.measure = META_RR;
    bcg_studies(META_METHOD_MH, yi, vi);
    /* "bcg MH regtest", "bcg MH regtest lm", "bcg MH ranktest" */
    const double rma[8] = {
        -2.1120421208933,     0.439830438144144,  -4.80194624502346,  NAN,
        1.57130879602214e-06, -0.190928642359821, -0.316805729764413, -0.065051554955228};
    const double lm[8] = {
        -2.1120421208933,  1.50722132835701,  -1.40128200228933,  11,
        0.188706995081979, -0.19092864235982, -0.675332350276082, 0.293475065556442};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_rma(yi, vi, 13, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, rma, "bcg MH regtest");
    CU_ASSERT_EQUAL_FATAL(meta_regtest_lm(yi, vi, 13, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, lm, "bcg MH egger");
    CU_ASSERT_EQUAL_FATAL(meta_ranktest(yi, vi, 13, &rk, &err), META_OK);
    CHECK_CLOSE(rk.tau, 0.0256410256410256);
    CHECK_CLOSE(rk.p, 0.952361907960866);
    /* trimfill and influence exist for inverse-variance fits only */
    CU_ASSERT_EQUAL(meta_trimfill(yi, vi, 13, &o, META_TF_L0, META_TF_AUTO, &tf, &err),
                    META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "trim-and-fill needs an inverse-variance analysis"));
    meta_trimfill_release(&tf);
    CU_ASSERT_EQUAL(meta_influence(yi, vi, 13, NULL, &o, inf, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not 'MH'"));
    /* "bcg PETO regtest", "bcg PETO ranktest": Peto's own (O - E)/V, 1/V */
    o = opts(META_MODEL_COMMON, META_METHOD_PETO, META_CI_Z);
    o.measure = META_OR;
    bcg_studies(META_METHOD_PETO, yi, vi);
    const double peto[8] = {
        -2.09299154079424,    0.456169891018724, -4.58818431904864,  NAN,
        4.47117788349786e-06, -0.23084262324944, -0.361912816408271, -0.0997724300906098};
    CU_ASSERT_EQUAL_FATAL(meta_regtest_rma(yi, vi, 13, NULL, &o, &rt, &err), META_OK);
    check_regtest(&rt, peto, "bcg PETO regtest");
    CU_ASSERT_EQUAL_FATAL(meta_ranktest(yi, vi, 13, &rk, &err), META_OK);
    CHECK_CLOSE(rk.tau, 0.0512820512820513);
    CHECK_CLOSE(rk.p, 0.857733751909099);
}

/* ## trim-and-fill on the left */
static void test_trimfill_left(void)
{
    double yi[13], vi[13];
    struct meta_options o = REML_Z;
    struct meta_trimfill tf;
    struct meta_error err = {""};
    bcg_studies(META_METHOD_MH, yi, vi); /* escalc's log RR (no zero cells) */
    for (size_t i = 0; i < 13; i++)
        yi[i] = -yi[i];
    /* "bcg negated trimfill L0 REML" */
    CU_ASSERT_EQUAL_FATAL(meta_trimfill(yi, vi, 13, &o, META_TF_L0, META_TF_AUTO, &tf, &err),
                          META_OK);
    CU_ASSERT_EQUAL(tf.side, META_TF_LEFT);
    CU_ASSERT_EQUAL_FATAL(tf.k0, 1);
    CHECK_CLOSE(tf.estimate, 0.657082783487767);
    CHECK_CLOSE(tf.se, 0.178528380131877);
    CHECK_CLOSE(tf.ci_lower, 0.307173588211013);
    CHECK_CLOSE(tf.ci_upper, 1.00699197876452);
    CHECK_CLOSE(tf.tau2, 0.331287633439506);
    CHECK_CLOSE(tf.filled[0].yi, -0.310403024029067);
    CHECK_CLOSE(tf.filled[0].vi, 0.223017247572315);
    meta_trimfill_release(&tf);
    /* "bcg FE trimfill L0 left", "... R0 left": the side forced */
    for (size_t i = 0; i < 13; i++)
        yi[i] = -yi[i];
    o = opts(META_MODEL_COMMON, META_METHOD_IV, META_CI_Z);
    const enum meta_tf_estimator est[] = {META_TF_L0, META_TF_R0};
    for (size_t j = 0; j < N(est); j++) {
        CU_ASSERT_EQUAL_FATAL(meta_trimfill(yi, vi, 13, &o, est[j], META_TF_LEFT, &tf, &err),
                              META_OK);
        CU_ASSERT_EQUAL(tf.side, META_TF_LEFT);
        CU_ASSERT_EQUAL(tf.k0, 0);
        CHECK_CLOSE(tf.estimate, -0.430285163654091);
        CHECK_CLOSE(tf.se, 0.0404987517108638);
        CHECK_CLOSE(tf.ci_lower, -0.509661258426214);
        CHECK_CLOSE(tf.ci_upper, -0.350909068881968);
        CU_ASSERT(isnan(tf.tau2));
        meta_trimfill_release(&tf);
    }
}

/* The BCG log RR with `ablat` as the design. */
static void bcg_ablat(double *yi, double *vi, struct meta_design *d)
{
    struct test_studies ts;
    struct meta_error err = {""};
    const char *name = "ablat";
    CU_ASSERT_FATAL(test_studies_load(META_TEST_DATA_DIR "/bcg_regression.csv", "bcg_reg", NULL,
                                      "bcg_reg-treated", "bcg_reg-control", "ablat", &ts) == 0);
    CU_ASSERT_EQUAL_FATAL(ts.k, 13);
    for (size_t i = 0; i < 13; i++)
        CU_ASSERT_EQUAL_FATAL(meta_es_compute(META_RR, &ts.studies[i], &yi[i], &vi[i], NULL),
                              META_OK);
    CU_ASSERT_EQUAL_FATAL(
        meta_design_build(&name, 1, (const char *const *)ts.attr, 13, NULL, d, &err), META_OK);
    test_studies_free(&ts);
}

/* ## influence of a meta-regression: BCG on ablat */
static void test_influence_metareg(void)
{
    double yi[13], vi[13];
    struct meta_design d;
    struct meta_options o = REML_Z;
    bcg_ablat(yi, vi, &d);
    /* "bcg ablat influence REML" */
    static const double
        rs[] = {0.22587377319295,   -0.481929669243919, -0.544191483086849, -0.664450333545735,
                -0.232508455170053, 0.9657633833907,    -2.66868994835092,  0.556027427134918,
                0.190332140940256,  -1.13380839571266,  -0.176364975699098, 1.49536286178717,
                2.07297905037246},
        df[] = {0.0639729377954649, -0.212663315871312, -0.100729805066888,  -0.466590519169496,
                -0.073410043290915, 0.538202300612105,  -0.640456851839335,  0.443408491571215,
                0.127377798048668,  -0.415586201261078, -0.0201885214137933, 0.201116635569803,
                0.420538098604529},
        cd[] = {0.00480423588743352, 0.0489041644096818, 0.0103949578491257,   0.249505130750801,
                0.00718625442439777, 0.288290103572403,  0.36426459731529,     0.271884155600065,
                0.020047641742754,   0.164504356872169,  0.000937049928475724, 0.0403507946494001,
                0.14335698389562},
        cr[] = {1.24400357679346, 1.49046007256386,  1.12919575956598,  1.90201193352176,
                2.0010647210411,  1.30122012161901,  0.450145904313537, 2.42702219926764,
                1.74164048588795, 0.979019881113803, 2.21239200698059,  0.989833145357322,
                0.519171576920067},
        td[] = {0.0858830970060641, 0.0896840368192869, 0.0811097260942421, 0.0897310268996267,
                0.103094785207923,  0.0759534228254822, 0.0404760334525659, 0.10679738042218,
                0.105029356899591,  0.068884866179635,  0.111732219414371,  0.0747698319635404,
                0.0443564839416265},
        qd[] = {30.7241786526718, 30.1829656589402, 30.2112716237586, 25.6461829595524,
                30.0544840698017, 22.8154095465915, 21.7497929810601, 28.4856726022825,
                30.722937952988,  27.330350948154,  28.3428500120691, 28.5866128666151,
                25.4822832572129},
        ht[] = {0.0490232949592432, 0.1492658426057,   0.0351420480338446, 0.348103266420302,
                0.224785698224748,  0.236675301587675, 0.0640400552679508, 0.357034089991478,
                0.0926384704667636, 0.115683107740247, 0.230916027525071,  0.0188824914125886,
                0.0778103057643867},
        wt[] = {2.8228688018813,  4.18782412952491, 2.30743665879597, 11.7748750472761,
                8.89479413464553, 13.6282827497242, 3.79003076290597, 14.1278771496819,
                8.54484697211037, 7.59578506483784, 12.7827972805877, 1.8635070422053,
                7.67907420582292};
    static const int in[13] = {0};
    const struct infl_expect e = {rs, df, cd, cr, td, qd, ht, wt, in};
    check_influence(yi, vi, 13, &d, &o, &e, "bcg ablat REML");
    /* "bcg ablat influence FE knha" (tau2_del null under the common model) */
    static const double rs2[] = {0.0538557163049274, -0.426922928796115, -0.415599662513546,
                                 -1.40836600317612,  -0.475175663911304, 1.862879874858,
                                 -2.03231169373063,  0.888236531791034,  -0.0574838262658548,
                                 -1.11581377635785,  -0.918330472580224, 0.86652637087695,
                                 1.43546909940374},
                        df2[] = {0.0058544915220448, -0.0846910236098166, -0.0374033449710799,
                                 -0.946559387580738, -0.116768507745803,  2.06219000389833,
                                 -0.194907734292211, 1.48365784184547,    -0.0099515718558684,
                                 -0.244182433642159, -0.419705791757593,  0.052401955887998,
                                 0.239909852547621},
                        cd2[] = {3.76916458509928e-05, 0.00774859801115446, 0.00151278199996649,
                                 0.822441331329508,    0.0146671993435782,  3.47273849280234,
                                 0.029573296053515,    2.24429761766048,    0.000108901175444181,
                                 0.0583257727429128,   0.178698085815208,   0.00280959778561498,
                                 0.052495365496427},
                        cr2[] = {1.22358892565476,  1.2129970098972,  1.17873023572458,
                                 1.22320655448691,  1.22703186754483, 1.48403081767458,
                                 0.611588634455785, 3.93975788255124, 1.24544092091802,
                                 1.00271855842617,  1.24406276881558, 1.05071191353715,
                                 0.85509457944362},
                        td2[] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN},
                        ht2[] = {0.011679189094622,   0.0378628069397172, 0.00803465095936023,
                                 0.311159636377931,   0.0569480301721173, 0.550648151369509,
                                 0.00911383743325138, 0.736150461873107,  0.0290982788285336,
                                 0.0457014180569459,  0.172786414227908,  0.00364372913120313,
                                 0.0271733955357942},
                        wt2[] = {0.503754802568308, 0.842912651727497, 0.394866486317794,
                                 8.19663305961031,  3.20277948823389,  23.750934121401,
                                 0.735435894753549, 41.4013898709963,  2.90630253648413,
                                 2.24601646781726,  13.2139914272852,  0.308005800297218,
                                 2.29697739250766};
    static const int in2[13] = {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0};
    const struct infl_expect e2 = {rs2, df2, cd2, cr2, td2, qd, ht2, wt2, in2};
    o = opts(META_MODEL_COMMON, META_METHOD_IV, META_CI_HKSJ);
    check_influence(yi, vi, 13, &d, &o, &e2, "bcg ablat FE knha");
    meta_design_release(&d);
}

/* ## predictions of a meta-regression, and weights */
static void test_predict(void)
{
    double yi[13], vi[13], w[13], x0[2] = {1, 10}, pred, lo, hi;
    struct meta_design d;
    struct meta_metareg r;
    struct meta_options o = REML_Z;
    struct meta_error err = {""};
    bcg_ablat(yi, vi, &d);
    static const double pz[2][3] = {{-0.0395490401094751, -0.405291388480877, 0.326193308261927},
                                    {-0.912600790458761, -1.15479655251702, -0.670405028400499}};
    static const double pk[2][3] = {{-0.0395490401094751, -0.507696465456162, 0.428598385237212},
                                    {-0.912600790458761, -1.22260952459178, -0.602592056325746}};
    static const double wt[13] = {
        2.8228688018813,  4.18782412952491, 2.30743665879597, 11.7748750472761, 8.89479413464553,
        13.6282827497242, 3.79003076290597, 14.1278771496819, 8.54484697211037, 7.59578506483784,
        12.7827972805877, 1.8635070422053,  7.67907420582292};
    for (int t = 0; t < 2; t++) {
        o.ci = t ? META_CI_HKSJ : META_CI_Z;
        CU_ASSERT_EQUAL_FATAL(meta_metareg_fit(yi, vi, &d, &o, &r, &err), META_OK);
        for (int j = 0; j < 2; j++) {
            const double *e = t ? pk[j] : pz[j];
            x0[1] = j ? 40 : 10;
            CU_ASSERT_EQUAL(meta_metareg_predict(&r, x0, &pred, &lo, &hi), META_OK);
            CHECK_CLOSE(pred, e[0]);
            CHECK_CLOSE(lo, e[1]);
            CHECK_CLOSE(hi, e[2]);
        }
        CU_ASSERT_EQUAL(meta_metareg_weights(&r, vi, w), META_OK);
        for (int i = 0; i < 13; i++)
            CHECK_CLOSE(w[i], wt[i]);
        meta_metareg_release(&r);
    }
    CU_ASSERT_EQUAL(meta_metareg_predict(NULL, x0, &pred, &lo, &hi), META_EINVAL);
    meta_design_release(&d);
}

/* ## Kendall's tau: cor.test(exact = TRUE) as ranktest calls it; x, y
 * deterministic sequences without ties */
static void kendall_xy(size_t n, double *x, double *y)
{
    for (size_t i = 1; i <= n; i++) {
        x[i - 1] = (double)((i * 7919) % 1009) / 1009.0;
        y[i - 1] = (double)((i * 104729) % 1013) / 1013.0 + 0.001 * (double)i;
    }
}

static void test_kendall(void)
{
    static double x[171], y[171];
    double tau, p;
    struct meta_error err = {""};
    /* "kendall exact n=5", "n=50", "n=170" */
    const size_t ns[] = {5, 50, 170};
    const double e[3][2] = {{-0.4, 0.483333333333333},
                            {0.0546938775510204, 0.582730742177529},
                            {0.0833275321963105, 0.107097185233823}};
    for (size_t j = 0; j < N(ns); j++) {
        kendall_xy(ns[j], x, y);
        CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, ns[j], &tau, &p, &err), META_OK);
        CHECK_CLOSE(tau, e[j][0]);
        CHECK_CLOSE(p, e[j][1]);
    }
    /* "kendall n=171": R's exact p overflows to NaN; the normal one */
    kendall_xy(171, x, y);
    CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, 171, &tau, &p, &err), META_OK);
    CHECK_CLOSE(tau, 0.0736842105263158);
    CHECK_CLOSE(p, 0.152525759973445);
    /* "kendall ties": tau-b and the tie-corrected normal p */
    const double xt[] = {1, 2, 2, 3, 4, 4, 4, 5, 6, 7}, yt[] = {3, 1, 2, 2, 5, 6, 4, 4, 7, 9};
    CU_ASSERT_EQUAL_FATAL(meta_kendall(xt, yt, 10, &tau, &p, &err), META_OK);
    CHECK_CLOSE(tau, 0.690671986932834);
    CHECK_CLOSE(p, 0.00772397525997745);
    /* "kendall many ties n=61", "n=1001": rounded, so that ties abound and
     * the sorts' merges meet them */
    static double xr[1001], yr[1001];
    const size_t nt[] = {61, 1001};
    const double et[2][2] = {{0.0126743395800034, 0.894553524734369},
                             {-0.00360998324194569, 0.87497685259162}};
    for (size_t j = 0; j < N(nt); j++) {
        for (size_t i = 1; i <= nt[j]; i++) {
            xr[i - 1] = nearbyint((double)((i * 7919) % 1009) / 1009.0 * 10.0);
            yr[i - 1] =
                nearbyint(((double)((i * 104729) % 1013) / 1013.0 + 0.001 * (double)i) * 8.0);
        }
        CU_ASSERT_EQUAL_FATAL(meta_kendall(xr, yr, nt[j], &tau, &p, &err), META_OK);
        CHECK_CLOSE(tau, et[j][0]);
        CHECK_CLOSE(p, et[j][1]);
    }
    /* Strong correlations: tails far below 1e-13, where R's exact p (an
     * upper tail as 1 - P) is rounding (6.8e-14, 8.6e-14, 2.4e-13); the
     * exact values of tests/unit/kendall_exact.py (integer counts). */
    const size_t ne[] = {60, 120, 170};
    const double ee[3][2] = {{0.6745762711864407, 2.3385796151437957e-17},
                             {0.70140056022408959, 3.9825191012777057e-38},
                             {0.71193873999303869, 3.6417027998163764e-56}};
    for (size_t j = 0; j < N(ne); j++) {
        for (size_t i = 1; i <= ne[j]; i++) {
            x[i - 1] = (double)i;
            y[i - 1] =
                (double)i + 5.0 * (double)((i * 7919) % 1009) / 1009.0 * (double)ne[j] / 10.0;
        }
        CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, ne[j], &tau, &p, &err), META_OK);
        CHECK_CLOSE(tau, ee[j][0]);
        CHECK_CLOSE(p, ee[j][1]);
    }
    /* a constant variable: undefined */
    const double c[] = {1, 1, 1, 1};
    CU_ASSERT_EQUAL(meta_kendall(c, yt, 4, &tau, &p, &err), META_OK);
    CU_ASSERT(isnan(tau) && isnan(p));
}

/* Kendall's tau-b by the definition, over all pairs: the check of the
 * O(n log n) counting on sizes around the merge sorts' runs and rounds. */
static double tau_brute(const double *x, const double *y, size_t n)
{
    double s = 0.0, tx = 0.0, ty = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double a = (x[i] > x[j]) - (x[i] < x[j]), b = (y[i] > y[j]) - (y[i] < y[j]);
            s += a * b;
            tx += a * a;
            ty += b * b;
        }
    return s / sqrt(tx * ty);
}

static void test_kendall_sizes(void)
{
    static double x[2050], y[2050];
    const size_t ns[] = {2, 15, 16, 17, 31, 32, 33, 100, 257, 1000, 2049};
    struct meta_error err = {""};
    for (size_t j = 0; j < N(ns); j++) {
        for (int levels = 0; levels < 2; levels++) {
            for (size_t i = 0; i < ns[j]; i++) {
                uint64_t h = (i + 1) * 0x9e3779b97f4a7c15u;
                x[i] = (double)((h >> 11) % (levels ? 7 : 1000003));
                y[i] = (double)((h >> 37) % (levels ? 5 : 999983)) + (levels ? 0.0 : 0.5 * x[i]);
            }
            double tau, p, want = tau_brute(x, y, ns[j]);
            char what[64];
            snprintf(what, sizeof what, "tau n=%zu %s", ns[j], levels ? "ties" : "no ties");
            CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, ns[j], &tau, &p, &err), META_OK);
            CU_ASSERT(test_close(tau, want, what));
            CU_ASSERT(isnan(want) ? isnan(p) : p >= 0.0 && p <= 1.0);
        }
    }
}

/* The bucket passes of the sorts against all pairs on shapes that defeat
 * equal intervals: one far outlier (a pass within a pass, then the merge
 * sorts), values over hundreds of orders of magnitude, subnormals, signed
 * zeros (equal), infinities (no interval splits them), few distinct values
 * (buckets of equal values), sorted and reversed runs. */
static double shape(int kind, size_t i, uint64_t h)
{
    double u = (double)(h >> 11) / 9007199254740992.0, sign = (h & 1) ? -1.0 : 1.0;
    switch (kind) {
    case 0:
        return i == 3 ? 1e300 : u;
    case 1:
        return ldexp(sign, (int)(h % 1200) - 600);
    case 2:
        return (double)(h % 1000) * 1e-310;
    case 3:
        return (h & 2) ? 0.0 : -0.0;
    case 4:
        return i % 3 == 2 ? u : (i % 3 ? -INFINITY : INFINITY);
    case 5:
        return (double)(h % 3);
    case 6:
        return (double)i + (i % 50 == 0 ? -1000.0 : 0.0);
    default:
        return exp(20.0 * u);
    }
}

static void test_kendall_shapes(void)
{
    static double x[3001], y[3001];
    const size_t ns[] = {24, 25, 36, 100, 210, 1000, 3001};
    struct meta_error err = {""};
    for (size_t j = 0; j < N(ns); j++)
        for (int kx = 0; kx < 8; kx++)
            for (int ky = 0; ky < 8; ky++) {
                for (size_t i = 0; i < ns[j]; i++) {
                    uint64_t h = (i + 1) * 0x9e3779b97f4a7c15u;
                    x[i] = shape(kx, i, h ^ (h >> 29));
                    y[i] = shape(ky, i, (h >> 17) * 0xbf58476d1ce4e5b9u);
                }
                double tau, p, want = tau_brute(x, y, ns[j]);
                char what[64];
                snprintf(what, sizeof what, "tau n=%zu shapes %d %d", ns[j], kx, ky);
                CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, ns[j], &tau, &p, &err), META_OK);
                if (isnan(want)) {
                    CU_ASSERT(isnan(tau) && isnan(p));
                } else {
                    CU_ASSERT(test_close(tau, want, what));
                }
            }
    /* Infinities where the merge of a long run and a short one exhausts
     * the short one first (infinite sentinels once tied them). */
    for (size_t i = 0; i < 50; i++) {
        x[i] = (double)i;
        y[i] = i < 44 ? -INFINITY : (double)(i - 43);
    }
    double tau, p;
    CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, 50, &tau, &p, &err), META_OK);
    CU_ASSERT(test_close(tau, tau_brute(x, y, 50), "tau with infinities"));
}

/* A pair with a NaN is left out, as cor.test() leaves out incomplete
 * cases: the result is that of the complete pairs, to the bit. */
static void test_kendall_nan(void)
{
    static double x[600], y[600], xc[600], yc[600];
    struct meta_error err = {""};
    size_t m = 0;
    for (size_t i = 0; i < 600; i++) {
        x[i] = (double)((i * 7919) % 1009);
        y[i] = (double)((i * 104729) % 1013) + 0.5 * x[i];
        if (i % 11 == 0)
            x[i] = NAN;
        if (i % 13 == 0)
            y[i] = NAN;
        if (!isnan(x[i]) && !isnan(y[i])) {
            xc[m] = x[i];
            yc[m++] = y[i];
        }
    }
    const size_t ns[] = {30, 600};
    for (size_t j = 0; j < N(ns); j++) {
        size_t mc = 0;
        for (size_t i = 0; i < ns[j]; i++)
            mc += !isnan(x[i]) && !isnan(y[i]);
        double tau, p, tc, pc;
        CU_ASSERT_EQUAL_FATAL(meta_kendall(x, y, ns[j], &tau, &p, &err), META_OK);
        CU_ASSERT_EQUAL_FATAL(meta_kendall(xc, yc, mc, &tc, &pc, &err), META_OK);
        CU_ASSERT(tau == tc && p == pc);
        CU_ASSERT(test_close(tau, tau_brute(xc, yc, mc), "tau of the complete pairs"));
    }
    double tau, p;
    const double nan2[] = {NAN, NAN}, one2[] = {1.0, 2.0};
    CU_ASSERT_EQUAL(meta_kendall(nan2, one2, 2, &tau, &p, &err), META_OK);
    CU_ASSERT(isnan(tau) && isnan(p));
}

/* The design builder: numbers, categories in byte order, names, errors. */
static void test_design(void)
{
    struct meta_design d;
    struct meta_error err = {""};
    const char *mods[] = {"dose", "class"};
    const char *vals[] = {" 10", "TCA", "2.5e1", "SNRI", "-3", "SSRI", "+.5", "TCA", "7.", "MAOI"};
    CU_ASSERT_EQUAL_FATAL(meta_design_build(mods, 2, vals, 5, NULL, &d, &err), META_OK);
    CU_ASSERT_EQUAL(d.k, 5);
    CU_ASSERT_EQUAL(d.p, 5);
    CU_ASSERT_EQUAL(d.n_mods, 2);
    CU_ASSERT_STRING_EQUAL(d.mods[0], "dose");
    CU_ASSERT_STRING_EQUAL(d.mods[1], "class");
    const char *names[] = {"intercept", "dose", "class=SNRI", "class=SSRI", "class=TCA"};
    for (size_t j = 0; j < 5; j++)
        CU_ASSERT_STRING_EQUAL(d.names[j], names[j]);
    const double x[5][5] = {
        {1, 10, 0, 0, 1}, {1, 25, 1, 0, 0}, {1, -3, 0, 1, 0}, {1, 0.5, 0, 0, 1}, {1, 7, 0, 0, 0}};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            CU_ASSERT_EQUAL(d.x[i * 5 + j], x[i][j]);
    meta_design_release(&d);
    meta_design_release(&d); /* twice is harmless */
    meta_design_release(NULL);

    /* Not numbers, so categories: hex, inf, nan, a trailing unit. Byte order
     * puts "10" before "9" and upper case before lower. */
    const char *m1 = "x";
    const char *v1[] = {"0x10", "inf", "9", "10", "b", "B", "5 mg"};
    CU_ASSERT_EQUAL_FATAL(meta_design_build(&m1, 1, v1, 7, NULL, &d, &err), META_OK);
    const char *n1[] = {"intercept", "x=10", "x=5 mg", "x=9", "x=B", "x=b", "x=inf"};
    CU_ASSERT_EQUAL_FATAL(d.p, 7);
    for (size_t j = 0; j < 7; j++)
        CU_ASSERT_STRING_EQUAL(d.names[j], n1[j]);
    CU_ASSERT_EQUAL(d.x[0 * 7 + 1], 0.0); /* "0x10", the reference level */
    CU_ASSERT_EQUAL(d.x[3 * 7 + 1], 1.0); /* "10" */
    meta_design_release(&d);

    /* Many levels (past the lookup, so sorted): "L00" ... "L39", the first
     * five twice, listed backwards. */
    static char lv[45][8];
    const char *lp[45];
    for (size_t i = 0; i < 45; i++) {
        snprintf(lv[i], sizeof lv[i], "L%02zu", i < 40 ? 39 - i : i - 40);
        lp[i] = lv[i];
    }
    CU_ASSERT_EQUAL_FATAL(meta_design_build(&m1, 1, lp, 45, NULL, &d, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(d.p, 40);
    CU_ASSERT_STRING_EQUAL(d.names[1], "x=L01");
    CU_ASSERT_STRING_EQUAL(d.names[39], "x=L39");
    CU_ASSERT_EQUAL(d.x[0 * 40 + 39], 1.0); /* trial 1 is L39 */
    CU_ASSERT_EQUAL(d.x[41 * 40 + 1], 1.0); /* trial 42 is L01 */
    CU_ASSERT_EQUAL(d.x[40 * 40 + 1], 0.0); /* trial 41 is L00, the reference */
    meta_design_release(&d);

    /* errors */
    const char *one[] = {"random", "random", "random"};
    CU_ASSERT_EQUAL(meta_design_build(&m1, 1, one, 3, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(
        err.msg, "moderator 'x' has the same value 'random' in all 3 trials: there is nothing to "
                 "regress on");
    const char *same[] = {"4", "4.0", "4e0"};
    CU_ASSERT_EQUAL(meta_design_build(&m1, 1, same, 3, NULL, &d, &err), META_EINVAL);
    const char *xy[] = {"x", "y"}, *many[] = {"a", "1", "b", "2", "c", "4"};
    CU_ASSERT_EQUAL(meta_design_build(xy, 2, many, 3, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "need 4 coefficients with the intercept"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "more than the 3 trials allow"));
    const char *missing[] = {"1", "", "3"};
    const char *labels[] = {"Smith 2001", "Jones 2003", "Lee 2010"};
    CU_ASSERT_EQUAL(meta_design_build(&m1, 1, missing, 3, labels, &d, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "trial 'Jones 2003' has no value for moderator 'x'");
    const char *twice[] = {"x", "x"}, *v2[] = {"1", "2", "3", "4", "5", "6"};
    CU_ASSERT_EQUAL(meta_design_build(twice, 2, v2, 3, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_design_build(NULL, 0, v2, 3, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_design_build(&m1, 1, NULL, 3, NULL, &d, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_design_build(&m1, 1, v2, 3, NULL, NULL, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(d.x);
}

/* Bad input and too few studies, for every function. */
static void test_errors(void)
{
    const double y[] = {0.1, 0.4}, v[] = {0.02, 0.03}, bad[] = {0.02, 0.0};
    const double ynan[] = {NAN, 0.4};
    struct meta_options o = REML_Z, bado = REML_Z;
    struct meta_regtest rt;
    struct meta_ranktest rk;
    struct meta_trimfill tf;
    struct meta_influence inf[2];
    struct meta_design d;
    struct meta_metareg r;
    struct meta_error err = {""};
    bado.level = 100;
    /* k = 2 under the random model: sei and tau^2 need 3 studies */
    CU_ASSERT_EQUAL(meta_regtest_rma(y, v, 2, NULL, &o, &rt, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "2 studies cannot estimate 2 coefficients and tau^2"));
    CU_ASSERT_EQUAL(meta_regtest_lm(y, v, 2, NULL, &o, &rt, &err), META_EDOM);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "needs at least 3 studies"));
    CU_ASSERT_EQUAL(meta_trimfill(y, v, 2, &o, META_TF_L0, META_TF_AUTO, &tf, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_trimfill(y, v, 2, &o, META_TF_L0, META_TF_LEFT, &tf, &err), META_OK);
    meta_trimfill_release(&tf);
    CU_ASSERT_EQUAL(meta_ranktest(y, v, 2, &rk, &err), META_OK);
    CU_ASSERT_EQUAL(meta_influence(y, v, 2, NULL, &o, inf, &err), META_OK);
    /* k = 1 */
    CU_ASSERT_EQUAL(meta_ranktest(y, v, 1, &rk, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_trimfill(y, v, 1, &o, META_TF_L0, META_TF_LEFT, &tf, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_influence(y, v, 1, NULL, &o, inf, &err), META_EINVAL);
    /* bad values, options, arguments */
    CU_ASSERT_EQUAL(meta_ranktest(y, bad, 2, &rk, &err), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "study 2: vi must be > 0, got 0");
    CU_ASSERT_EQUAL(meta_regtest_lm(ynan, v, 2, NULL, &o, &rt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_regtest_rma(y, v, 2, NULL, &bado, &rt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_trimfill(y, bad, 2, &o, META_TF_L0, META_TF_LEFT, &tf, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_trimfill(y, v, 2, &o, (enum meta_tf_estimator)7, META_TF_LEFT, &tf, &err),
                    META_EINVAL);
    CU_ASSERT_EQUAL(meta_influence(y, v, 2, NULL, &o, NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_ranktest(y, v, 2, NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_regtest_lm(y, v, 2, NULL, &o, NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_trimfill(y, v, 2, &o, META_TF_L0, META_TF_LEFT, NULL, &err), META_EINVAL);
    /* a design of another size, or none */
    const char *m = "x", *vals[] = {"1", "2", "3"};
    CU_ASSERT_EQUAL_FATAL(meta_design_build(&m, 1, vals, 3, NULL, &d, &err), META_OK);
    CU_ASSERT_EQUAL(meta_influence(y, v, 2, &d, &o, inf, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_regtest_lm(y, v, 2, &d, &o, &rt, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_metareg_fit(y, v, NULL, &o, &r, &err), META_EINVAL);
    o.method = META_METHOD_MH;
    o.model = META_MODEL_COMMON;
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_metareg_fit(y3, v3, &d, &o, &r, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "meta-regression needs an inverse-variance analysis"));
    meta_metareg_release(&r);
    meta_metareg_release(NULL);
    meta_trimfill_release(NULL);
    meta_design_release(&d);
    /* names */
    enum meta_tf_estimator e;
    CU_ASSERT_EQUAL(meta_tf_estimator_parse("r0", &e), META_OK);
    CU_ASSERT_EQUAL(e, META_TF_R0);
    CU_ASSERT_EQUAL(meta_tf_estimator_parse("Q0", &e), META_EINVAL);
    CU_ASSERT_EQUAL(meta_tf_estimator_parse(NULL, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(meta_tf_estimator_name(META_TF_L0), "L0");
    CU_ASSERT_STRING_EQUAL(meta_tf_side_name(META_TF_RIGHT), "right");
    CU_ASSERT_STRING_EQUAL(meta_tf_side_name((enum meta_tf_side)9), "?");
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"k = 3", test_k3},
        {"tau^2 at 0", test_tau2_zero},
        {"all studies equal", test_all_equal},
        {"trim-and-fill with nothing to fill", test_nothing_to_fill},
        {"collinear moderators", test_collinear},
        {"a categorical level with one trial", test_level_one_trial},
        {"MH and Peto analyses", test_mh_peto},
        {"trim-and-fill on the left", test_trimfill_left},
        {"influence of a meta-regression", test_influence_metareg},
        {"predictions and weights", test_predict},
        {"Kendall's tau and its p-values", test_kendall},
        {"Kendall's tau against all pairs", test_kendall_sizes},
        {"Kendall's tau on hard shapes against all pairs", test_kendall_shapes},
        {"Kendall's tau leaves out pairs with a NaN", test_kendall_nan},
        {"design from attributes", test_design},
        {"bad input and too few studies", test_errors},
        {NULL, NULL}};
    return meta_test_run_suite("bias edge cases", NULL, NULL, cases);
}
