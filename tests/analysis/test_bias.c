/*
 * Tests of lib/analysis's small-study tests, trim-and-fill, influence
 * diagnostics and meta-regression on arms held in memory: the BCG trials
 * against tests/data/bias_reference.json (metafor 3.8) for several models,
 * and constructed trials (bias_reference.R) for the moderators' rules (a
 * trial lacking a moderator, treatment arms that disagree, a level with one
 * trial) and the edge cases: k = 3, tau^2 = 0, equal effects, identical
 * trials, collinear moderators, a moderator with one value, Mantel-Haenszel;
 * and BCG trials of arms and of estimate rows together, a row's moderator
 * its own (bias_mixed_reference.R).
 */
#include <CUnit/CUnit.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arms.h"
#include "cunit_main.h"
#include "reference_rule.h"

#define CLOSE TEST_CLOSE
#define K     META_SIDE_TREATMENT
#define P     META_SIDE_CONTROL
#define N(a)  (sizeof(a) / sizeof((a)[0]))

/* Computes req (its options as key, value pairs) on arms with attributes. */
static int compute(struct meta_analysis_request *req, struct meta_selection *sel,
                   struct meta_analysis *an, const struct test_attr_arm *arms, size_t count,
                   int binary, const char *const *attrs, size_t n_attrs, const char *treatment,
                   const char *control, const char *const *options, struct meta_request_error *e)
{
    meta_analysis_init(an);
    meta_request_error_init(e, NULL);
    meta_selection_init(sel);
    int ret = test_request(req, "outcome", treatment, control, options);
    if (ret != META_OK)
        return ret;
    if (test_attr_selection(sel, arms, count, binary, "outcome", attrs, n_attrs) != 0)
        return META_ENOMEM;
    return meta_analysis_compute(req, sel, an, e);
}

static void done(struct meta_analysis_request *req, struct meta_selection *sel,
                 struct meta_analysis *an)
{
    meta_analysis_release(an);
    meta_analysis_request_release(req);
    free(sel->arms);
}

/* ---- The BCG trials against bias_reference.json ----------------------------- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static size_t checked;

/* got against o[key] (null: NAN expected). */
static void ref(json_object *o, const char *key, double got, const char *where)
{
    json_object *v = get(o, key);
    checked++;
    if (!v || json_object_is_type(v, json_type_null)) {
        if (!isnan(got))
            printf("\n    %s %s: expected null, got %.17g", where, key, got);
        CU_ASSERT(isnan(got));
        return;
    }
    double want = json_object_get_double(v);
    if (!meta_ref_agrees(want, got))
        printf("\n    %s %s: expected %.17g, got %.17g", where, key, want, got);
    CU_ASSERT(meta_ref_agrees(want, got));
}

static void ref_regtest(json_object *o, const struct meta_regtest *r, const char *where)
{
    ref(o, "coefficient", r->coefficient, where);
    ref(o, "se", r->se, where);
    ref(o, "statistic", r->statistic, where);
    ref(o, "df", r->df, where);
    ref(o, "p", r->p, where);
    ref(o, "limit_estimate", r->limit_estimate, where);
    ref(o, "limit_ci_lower", r->limit_ci_lower, where);
    ref(o, "limit_ci_upper", r->limit_ci_upper, where);
}

static void ref_trimfill(json_object *o, const struct meta_trimfill *t, const char *where)
{
    CU_ASSERT_STRING_EQUAL(json_object_get_string(get(o, "side")), meta_tf_side_name(t->side));
    CU_ASSERT_EQUAL((size_t)json_object_get_int(get(o, "k0")), t->k0);
    ref(o, "estimate", t->estimate, where);
    ref(o, "se", t->se, where);
    ref(o, "ci_lower", t->ci_lower, where);
    ref(o, "ci_upper", t->ci_upper, where);
    ref(o, "tau2", t->tau2, where);
    json_object *filled = get(o, "filled");
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(filled), t->k0);
    for (size_t i = 0; i < t->k0; i++) {
        ref(json_object_array_get_idx(filled, i), "yi", t->filled[i].yi, where);
        ref(json_object_array_get_idx(filled, i), "vi", t->filled[i].vi, where);
    }
}

static void ref_regression(json_object *o, const struct meta_analysis_regression *r,
                           const char *where)
{
    const struct meta_metareg *f = &r->fit;
    json_object *coefs = get(o, "coefficients");
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(coefs), f->p);
    for (size_t j = 0; j < f->p; j++) {
        json_object *c = json_object_array_get_idx(coefs, j);
        const struct meta_metareg_coef *g = &f->coefficients[j];
        CU_ASSERT_STRING_EQUAL(json_object_get_string(get(c, "name")), g->name);
        ref(c, "estimate", g->estimate, where);
        ref(c, "se", g->se, where);
        ref(c, "statistic", g->statistic, where);
        ref(c, "p", g->p, where);
        ref(c, "ci_lower", g->ci_lower, where);
        ref(c, "ci_upper", g->ci_upper, where);
    }
    ref(o, "QM", f->QM, where);
    ref(o, "QM_df", f->QM_df, where);
    ref(o, "QM_p", f->QM_p, where);
    ref(o, "QE", f->QE, where);
    ref(o, "QE_df", f->QE_df, where);
    ref(o, "QE_p", f->QE_p, where);
    ref(o, "df", f->df, where);
    ref(o, "tau2", f->tau2, where);
    ref(o, "I2", f->I2, where);
    ref(o, "H2", f->H2, where);
    ref(o, "R2", f->R2, where);
}

/* The reference fit of the BCG case for model, method and ci. */
static json_object *bcg_fit(json_object *root, const char *model, const char *method,
                            const char *ci, json_object **bcg)
{
    json_object *cases = get(root, "cases");
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        if (strcmp(json_object_get_string(get(c, "dataset")), "bcg_regression") != 0)
            continue;
        *bcg = c;
        json_object *fits = get(c, "fits");
        for (size_t f = 0; f < json_object_array_length(fits); f++) {
            json_object *x = json_object_array_get_idx(fits, f);
            if (strcmp(json_object_get_string(get(x, "model")), model) == 0 &&
                strcmp(json_object_get_string(get(x, "method")), method) == 0 &&
                strcmp(json_object_get_string(get(x, "ci")), ci) == 0)
                return x;
        }
    }
    return NULL;
}

/* The regression of fit x whose moderators are `mods` ("year,alloc"). */
static json_object *regress_of(json_object *x, const char *mods)
{
    json_object *list = get(x, "regress");
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *r = json_object_array_get_idx(list, i), *m = get(r, "mods");
        char joined[128] = "";
        for (size_t j = 0; j < json_object_array_length(m); j++)
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", j ? "," : "",
                     json_object_get_string(json_object_array_get_idx(m, j)));
        if (strcmp(joined, mods) == 0)
            return r;
    }
    return NULL;
}

static void bcg_case(json_object *root, const char *model, const char *method, const char *ci,
                     const char *estimator, const char *mods)
{
    char where[128];
    snprintf(where, sizeof where, "bcg %s %s %s %s", model, method, ci, mods);
    json_object *bcg = NULL, *x = bcg_fit(root, model, method, ci, &bcg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    const char *options[] = {"measure",   "RR",      "model", model,  "method",    method,
                             "ci",        ci,        "bias",  "true", "influence", "true",
                             "estimator", estimator, "mods",  mods,   NULL};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    int ret = compute(&req, &sel, &an, test_bcg_arms, test_bcg_count, 1, test_bcg_attributes, 3,
                      "treated", "control", options, &e);
    if (ret != META_OK)
        printf("\n    %s: %s", where, e.err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    CU_ASSERT_EQUAL_FATAL(an.have_bias && an.bias.have_tests && an.bias.have_trimfill, 1);
    CU_ASSERT_EQUAL(an.bias.k, 13);
    ref_regtest(get(bcg, "egger"), &an.bias.egger, where);
    ref(get(bcg, "begg"), "tau", an.bias.begg.tau, where);
    ref(get(bcg, "begg"), "p", an.bias.begg.p, where);
    ref_regtest(get(x, "regtest"), &an.bias.regtest, where);
    ref_trimfill(get(get(x, "trimfill"), estimator), &an.bias.trimfill, where);
    CU_ASSERT_EQUAL_FATAL(an.have_influence, 1);
    json_object *inf = get(x, "influence");
    CU_ASSERT_EQUAL_FATAL(an.influence.k, json_object_array_length(inf));
    for (size_t i = 0; i < an.influence.k; i++) {
        json_object *o = json_object_array_get_idx(inf, i);
        const struct meta_influence *g = &an.influence.row[i];
        CU_ASSERT_EQUAL(an.influence.index[i], i);
        ref(o, "rstudent", g->rstudent, where);
        ref(o, "dffits", g->dffits, where);
        ref(o, "cook_d", g->cook_d, where);
        ref(o, "cov_r", g->cov_r, where);
        ref(o, "tau2_del", g->tau2_del, where);
        ref(o, "QE_del", g->QE_del, where);
        ref(o, "hat", g->hat, where);
        ref(o, "weight", g->weight, where);
        CU_ASSERT_EQUAL(json_object_get_boolean(get(o, "influential")), g->influential);
    }
    CU_ASSERT_EQUAL_FATAL(an.have_regression, 1);
    CU_ASSERT_EQUAL(an.regression.k, 13);
    CU_ASSERT_EQUAL(an.regression.n_excluded, 0);
    json_object *r = regress_of(x, mods);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    ref_regression(r, &an.regression, where);
    done(&req, &sel, &an);
}

static void test_bcg_reference(void)
{
    json_object *root = json_object_from_file(META_TEST_DATA_DIR "/bias_reference.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    checked = 0;
    bcg_case(root, "common", "IV", "z", "L0", "ablat");
    bcg_case(root, "random", "REML", "z", "R0", "year,alloc");
    bcg_case(root, "random", "DL", "hksj", "L0", "ablat,year,alloc");
    bcg_case(root, "random", "PM", "hksj", "R0", "year,alloc");
    bcg_case(root, "random", "EB", "z", "L0", "ablat");
    printf("\n    %zu reference fields checked ", checked);
    json_object_put(root);
}

/* ---- Constructed trials (bias_reference.R) --------------------------------------- */

/* Attributes of the constructed trials. */
static const char *const ATTRS[] = {"dose", "route", "country", "dose2"};

/* D: nine trials; D7 lacks dose; D8's two treatment arms disagree on route. */
static const struct test_attr_arm d_arms[] = {
    {1, "D1", "drug", K, 40, 5.0, 2.0, NAN, NAN, {"1", "iv", "NO", "2"}},
    {1, "D1", "placebo", P, 40, 6.2, 2.1, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {2, "D2", "drug", K, 25, 4.1, 1.8, NAN, NAN, {"2", "iv", "NO", "4"}},
    {2, "D2", "placebo", P, 24, 6.0, 2.0, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {3, "D3", "drug", K, 60, 5.5, 2.2, NAN, NAN, {"1", "im", "NO", "2"}},
    {3, "D3", "placebo", P, 62, 6.1, 2.3, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {4, "D4", "drug", K, 15, 3.2, 1.5, NAN, NAN, {"4", "im", "NO", "8"}},
    {4, "D4", "placebo", P, 16, 5.9, 1.7, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {5, "D5", "drug", K, 80, 5.8, 2.0, NAN, NAN, {"0.5", "iv", "NO", "1"}},
    {5, "D5", "placebo", P, 78, 6.3, 2.1, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {6, "D6", "drug", K, 20, 3.9, 1.9, NAN, NAN, {"3", "oral", "NO", "6"}},
    {6, "D6", "placebo", P, 21, 6.4, 2.2, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {7, "D7", "drug", K, 30, 4.4, 2.1, NAN, NAN, {NULL, "im", "NO", NULL}},
    {7, "D7", "placebo", P, 30, 5.6, 2.0, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {8, "D8", "drug", K, 22, 4.0, 1.6, NAN, NAN, {"2", "iv", "NO", "4"}},
    {8, "D8", "drug", K, 23, 4.3, 1.7, NAN, NAN, {"2", "im", "NO", "4"}},
    {8, "D8", "placebo", P, 45, 6.0, 1.9, NAN, NAN, {NULL, NULL, "NO", NULL}},
    {9, "D9", "drug", K, 50, 5.0, 2.0, NAN, NAN, {"1.5", "iv", "NO", "3"}},
    {9, "D9", "placebo", P, 50, 6.0, 2.0, NAN, NAN, {NULL, NULL, "NO", NULL}},
};

static int compute_d(struct meta_analysis_request *req, struct meta_selection *sel,
                     struct meta_analysis *an, const char *const *options,
                     struct meta_request_error *e)
{
    return compute(req, sel, an, d_arms, N(d_arms), 0, ATTRS, 4, "drug", "placebo", options, e);
}

static void check_values(const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CLOSE(want[i], got[i]);
}

static void check_fit(const struct meta_metareg *f, const double *beta, const double *se,
                      const double *p, const double totals[4])
{
    for (size_t j = 0; j < f->p; j++) {
        CLOSE(beta[j], f->coefficients[j].estimate);
        CLOSE(se[j], f->coefficients[j].se);
        CLOSE(p[j], f->coefficients[j].p);
    }
    CLOSE(totals[0], f->QM);
    CLOSE(totals[1], f->QM_p);
    CLOSE(totals[2], f->QE);
    CLOSE(totals[3], f->QE_p);
}

static void test_moderators(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;

    /* "D dose REML z": D7 lacks dose and is left out with the reason; D8's
     * arms agree on dose 2. */
    static const char *const dose[] = {"mods", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, dose, &e), META_OK);
    const struct meta_analysis_regression *r = &an.regression;
    CU_ASSERT_EQUAL(r->k, 8);
    CU_ASSERT_EQUAL_FATAL(r->n_excluded, 1);
    CU_ASSERT_STRING_EQUAL(r->excluded[0].trial, "D7");
    CU_ASSERT_STRING_EQUAL(r->excluded[0].reason, "no value of moderator 'dose'");
    CU_ASSERT_STRING_EQUAL(r->values[6], "2"); /* D8 */
    CU_ASSERT_EQUAL(r->index[6], 7);
    CU_ASSERT_STRING_EQUAL(r->fit.coefficients[1].name, "dose");
    const double b1[] = {-0.17846668432510776, -0.71308765254809758},
                 s1[] = {0.29045055264893971, 0.16008352635707726},
                 p1[] = {0.53891949996720456, 8.409973977366705e-06},
                 t1[] = {19.842324512389386, 8.4099739773666661e-06, 2.4855288753283968,
                         0.87008368644381662},
                 w1[] = {11.219347990140506, 7.9619754104198055, 14.210968199016314,
                         7.1345721434466283, 22.140998479459594, 5.7396704957381219,
                         16.849542813485023, 14.742924468294008};
    check_fit(&r->fit, b1, s1, p1, t1);
    /* tau^2 = 0, so R^2 = 100 */
    CU_ASSERT_EQUAL(r->fit.tau2, 0.0);
    CLOSE(100.0, r->fit.R2);
    check_values(r->weight, w1, 8);
    CU_ASSERT(isnan(r->fit.df));
    done(&req, &sel, &an);

    /* "D dose REML knha": t on 6 df, F on (1, 6) */
    static const char *const knha[] = {"mods", "dose", "ci", "hksj", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, knha, &e), META_OK);
    const double s2[] = {0.18694161419662431, 0.10303396757399534},
                 p2[] = {0.37661027357906812, 0.00045038669921171841},
                 t2[] = {47.898838857225932, 0.00045038669921171803, 2.4855288753283968,
                         0.87008368644381662};
    check_fit(&an.regression.fit, b1, s2, p2, t2);
    CU_ASSERT_EQUAL(an.regression.fit.df, 6.0);
    CU_ASSERT_EQUAL(an.regression.fit.QM_df, 1);
    done(&req, &sel, &an);

    /* "D route FE": D8's arms disagree on route; oral is a level of one trial. */
    static const char *const route[] = {"mods", "route", "model", "common", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, route, &e), META_OK);
    r = &an.regression;
    CU_ASSERT_EQUAL(r->k, 8);
    CU_ASSERT_EQUAL_FATAL(r->n_excluded, 1);
    CU_ASSERT_STRING_EQUAL(r->excluded[0].trial, "D8");
    CU_ASSERT_STRING_EQUAL(r->excluded[0].reason,
                           "its treatment arms disagree on moderator 'route' ('iv', 'im')");
    CU_ASSERT_EQUAL_FATAL(r->fit.p, 3);
    CU_ASSERT_STRING_EQUAL(r->fit.coefficients[1].name, "route=iv");
    CU_ASSERT_STRING_EQUAL(r->fit.coefficients[2].name, "route=oral");
    const double b3[] = {-1.2730938690685947, 0.30271742163457388, -1.2269061309314071},
                 s3[] = {0.28153667265519161, 0.34833391860386764, 0.70017075669149986},
                 p3[] = {6.1273448082414718e-06, 0.38482319092639528, 0.079722993536177497},
                 t3[] = {5.3842588829106361, 0.067736544680021923, 14.156689114031334,
                         0.014644150666739885};
    check_fit(&r->fit, b3, s3, p3, t3);
    CU_ASSERT(isnan(r->fit.tau2) && isnan(r->fit.I2) && isnan(r->fit.R2));
    done(&req, &sel, &an);

    /* "D dose route REML": both left out. */
    static const char *const both[] = {"mods", "dose", "mods", "route", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, both, &e), META_OK);
    r = &an.regression;
    CU_ASSERT_EQUAL(r->k, 7);
    CU_ASSERT_EQUAL(r->n_excluded, 2);
    const double b4[] = {0.1344764113770488, -0.71721474676912422, -0.33310446619790657,
                         -0.48283217106967474},
                 s4[] = {0.51887634117784798, 0.19892979081293596, 0.43193271441972347,
                         0.7488942099961825},
                 p4[] = {0.79550522188808981, 0.00031171304511100464, 0.44059119757096743,
                         0.51910424261193522},
                 t4[] = {18.404586349172487, 0.00036292539575173298, 1.1314522225650301,
                         0.76948732589053603};
    check_fit(&r->fit, b4, s4, p4, t4);
    done(&req, &sel, &an);
}

static void test_bias_d(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"bias", "true", "influence", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, opts, &e), META_OK);
    const struct meta_analysis_bias *b = &an.bias;
    CU_ASSERT_EQUAL(b->k, 9);
    /* "D egger", "D regtest", "D begg" */
    const double eg[] = {
        -5.5047232595540603,  1.9822565936692347, -2.7769983346931899,  7,
        0.027416444595867676, 1.112395058591316,  -0.96180847234805977, 3.1865985895306919};
    const double got_eg[] = {b->egger.coefficient,
                             b->egger.se,
                             b->egger.statistic,
                             b->egger.df,
                             b->egger.p,
                             b->egger.limit_estimate,
                             b->egger.limit_ci_lower,
                             b->egger.limit_ci_upper};
    check_values(got_eg, eg, 8);
    const double rt[] = {-5.5898047192858353,   2.0107341127304403, -2.7799820393434618,
                         0.0054361905031329281, 1.1519311231500449, -0.64875680096525912,
                         2.9526190472653489};
    const double got_rt[] = {b->regtest.coefficient,    b->regtest.se,
                             b->regtest.statistic,      b->regtest.p,
                             b->regtest.limit_estimate, b->regtest.limit_ci_lower,
                             b->regtest.limit_ci_upper};
    check_values(got_rt, rt, 7);
    CU_ASSERT(isnan(b->regtest.df));
    CLOSE(-0.61111111111111127, b->begg.tau);
    CLOSE(0.024740961199294531, b->begg.p);
    /* "D trimfill": one study filled on the right */
    CU_ASSERT_EQUAL(b->trimfill.side, META_TF_RIGHT);
    CU_ASSERT_EQUAL_FATAL(b->trimfill.k0, 1);
    CLOSE(0.19197098310638339, b->trimfill.filled[0].yi);
    const double tf[] = {-1.2790000084640987, 0.26857696158584865, -1.8054011802495595,
                         -0.75259883667863781, 0.4904330101373412};
    const double got_tf[] = {b->trimfill.estimate, b->trimfill.se, b->trimfill.ci_lower,
                             b->trimfill.ci_upper, b->trimfill.tau2};
    check_values(got_tf, tf, 5);
    /* "D rstudent", "D cook_d", "D tau2_del", "D weight" */
    const double rs[] = {0.28317936580790876, -0.61960311350895803, 1.1970088244302604,
                         -1.8447564956994833, 1.5697039906182702,   -1.3599228256213454,
                         0.26786753160915577, -0.63271454825321183, 0.5750638652602007},
                 cd[] = {0.02242060971140333,  0.037180881068395337, 0.18749430961874361,
                         0.35589550805229669,  0.27606597048308718,  0.17486837016555518,
                         0.018061364150689378, 0.052310582597549213, 0.069126924675113555},
                 td[] = {0.44614549776470114, 0.39695886219038262, 0.34737500868493643,
                         0.22963401690447402, 0.26869602017303629, 0.30534111902235339,
                         0.43877145703600667, 0.40321350789098137, 0.43203811991779634},
                 wt[] = {11.276308929089735, 9.8026544416653696, 12.221719552090041,
                         9.3163332435395194, 13.772720449044803, 8.3478055202996462,
                         10.045840697190592, 12.854650305338152, 12.361966861742147};
    CU_ASSERT_EQUAL_FATAL(an.influence.k, 9);
    for (size_t i = 0; i < 9; i++) {
        CLOSE(rs[i], an.influence.row[i].rstudent);
        CLOSE(cd[i], an.influence.row[i].cook_d);
        CLOSE(td[i], an.influence.row[i].tau2_del);
        CLOSE(wt[i], an.influence.row[i].weight);
        CU_ASSERT_EQUAL(an.influence.row[i].influential, 0);
    }
    CU_ASSERT_EQUAL(an.have_regression, 0);
    done(&req, &sel, &an);

    /* trimfill alone: no tests */
    static const char *const tf_only[] = {"trimfill", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(compute_d(&req, &sel, &an, tf_only, &e), META_OK);
    CU_ASSERT_EQUAL(an.bias.have_tests, 0);
    CU_ASSERT_EQUAL(an.bias.have_trimfill, 1);
    CU_ASSERT_EQUAL(an.bias.trimfill.k0, 1);
    done(&req, &sel, &an);
}

/* A: three trials. */
static const struct test_attr_arm a_arms[] = {
    {1, "A1", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"1"}},
    {1, "A1", "placebo", P, 30, 3.0, 1.1, NAN, NAN, {NULL}},
    {2, "A2", "drug", K, 20, 2.5, 1.2, NAN, NAN, {"2"}},
    {2, "A2", "placebo", P, 22, 3.1, 1.0, NAN, NAN, {NULL}},
    {3, "A3", "drug", K, 50, 1.8, 0.9, NAN, NAN, {"4"}},
    {3, "A3", "placebo", P, 48, 3.3, 1.2, NAN, NAN, {NULL}},
};

static void test_k3(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"bias", "true", "influence", "true", "mods", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, a_arms, N(a_arms), 0, ATTRS, 1, "drug", "placebo", opts, &e),
        META_OK);
    const struct meta_analysis_bias *b = &an.bias;
    CLOSE(7.2319944462488994, b->egger.coefficient);
    CLOSE(0.95292477069021597, b->egger.se);
    CU_ASSERT_EQUAL(b->egger.df, 1.0);
    CLOSE(0.083403821821872073, b->egger.p);
    CLOSE(3.1059802540252264, b->regtest.se);
    CLOSE(0.019890360875663048, b->regtest.p);
    CLOSE(1.0, b->begg.tau);
    CLOSE(0.33333333333333326, b->begg.p);
    CU_ASSERT_EQUAL(b->trimfill.side, META_TF_LEFT);
    CU_ASSERT_EQUAL_FATAL(b->trimfill.k0, 2);
    CLOSE(-2.0, b->trimfill.filled[0].yi);
    CLOSE(-2.4, b->trimfill.filled[1].yi);
    CLOSE(-1.5, b->trimfill.estimate);
    CLOSE(0.31162511446142305, b->trimfill.se);
    CLOSE(0.40145355916055614, b->trimfill.tau2);
    const double rs[] = {0.11587014421997933, 1.3707419846525188, -2.1629735874052938},
                 td[] = {0.32317272727272695, 0.065066666666666509, 0};
    const int infl[] = {0, 1, 1};
    for (size_t i = 0; i < 3; i++) {
        CLOSE(rs[i], an.influence.row[i].rstudent);
        CLOSE(td[i], an.influence.row[i].tau2_del);
        CU_ASSERT_EQUAL(an.influence.row[i].influential, infl[i]);
    }
    const double b1[] = {-0.58055793226381347, -0.20739368474662589},
                 s1[] = {0.52298011828151891, 0.18799745104667323},
                 p1[] = {0.26695782971586762, 0.26995210722774343},
                 t1[] = {1.2169903473368999, 0.26995210722774343, 2.0673016478585597,
                         0.150487571331818};
    check_fit(&an.regression.fit, b1, s1, p1, t1);
    CLOSE(0.1065744588744589, an.regression.fit.tau2);
    CLOSE(51.627765544720496, an.regression.fit.I2);
    CLOSE(2.067301647858562, an.regression.fit.H2);
    CLOSE(16.870526735621066, an.regression.fit.R2);
    done(&req, &sel, &an);
}

/* B: six homogeneous trials, tau^2 = 0; nothing to fill. */
static const struct test_attr_arm b_arms[] = {
    {1, "B1", "drug", K, 20, 4.0, 2.0, NAN, NAN, {"1"}},
    {1, "B1", "placebo", P, 20, 5.0, 2.0, NAN, NAN, {NULL}},
    {2, "B2", "drug", K, 25, 4.1, 2.0, NAN, NAN, {"2"}},
    {2, "B2", "placebo", P, 25, 5.0, 2.1, NAN, NAN, {NULL}},
    {3, "B3", "drug", K, 30, 3.9, 2.0, NAN, NAN, {"3"}},
    {3, "B3", "placebo", P, 30, 5.0, 2.0, NAN, NAN, {NULL}},
    {4, "B4", "drug", K, 35, 4.05, 2.1, NAN, NAN, {"4"}},
    {4, "B4", "placebo", P, 35, 5.0, 2.0, NAN, NAN, {NULL}},
    {5, "B5", "drug", K, 40, 4.0, 2.0, NAN, NAN, {"5"}},
    {5, "B5", "placebo", P, 40, 4.95, 2.0, NAN, NAN, {NULL}},
    {6, "B6", "drug", K, 20, 3.95, 2.2, NAN, NAN, {"6"}},
    {6, "B6", "placebo", P, 20, 5.0, 2.1, NAN, NAN, {NULL}},
};

static void test_tau2_zero(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"bias", "true", "influence", "true", "mods", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, b_arms, N(b_arms), 0, ATTRS, 1, "drug", "placebo", opts, &e),
        META_OK);
    CU_ASSERT_EQUAL(an.overall.tau2, 0.0);
    CLOSE(-0.2150387317378675, an.bias.egger.coefficient);
    CLOSE(0.63394046633908019, an.bias.egger.p);
    CLOSE(2.8460716569192073, an.bias.regtest.se);
    CLOSE(-0.33333333333333331, an.bias.begg.tau);
    CLOSE(0.46944444444444444, an.bias.begg.p);
    /* nothing to fill: the original fit */
    CU_ASSERT_EQUAL(an.bias.trimfill.side, META_TF_RIGHT);
    CU_ASSERT_EQUAL(an.bias.trimfill.k0, 0);
    CU_ASSERT_PTR_NULL(an.bias.trimfill.filled);
    CLOSE(-0.98674994183511711, an.bias.trimfill.estimate);
    CLOSE(0.2206128468002484, an.bias.trimfill.se);
    CU_ASSERT_EQUAL(an.bias.trimfill.tau2, 0.0);
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(an.influence.row[i].tau2_del, 0.0);
    CLOSE(0.0044241493133204907, an.influence.row[1].cook_d);
    const double b1[] = {-0.98070946634339462, -0.0016700609269440503},
                 s1[] = {0.56292864495354322, 0.14318768234596549},
                 p1[] = {0.081481166358803384, 0.99069413236987647},
                 t1[] = {0.00013603583021645733, 0.99069413236987647, 0.091792935102503623,
                         0.99897843594838076};
    check_fit(&an.regression.fit, b1, s1, p1, t1);
    /* tau^2 = 0 without and with the moderator: R^2 is 0 */
    CU_ASSERT_EQUAL(an.regression.fit.tau2, 0.0);
    CU_ASSERT_EQUAL(an.regression.fit.I2, 0.0);
    CU_ASSERT_EQUAL(an.regression.fit.R2, 0.0);
    done(&req, &sel, &an);
}

/* C: four trials with equal effects and unequal sizes; the same trials
 * identical (equal sizes too). */
static const struct test_attr_arm c_arms[] = {
    {1, "C1", "drug", K, 20, 2.0, 1.0, NAN, NAN, {"1"}},
    {1, "C1", "placebo", P, 20, 3.0, 1.0, NAN, NAN, {NULL}},
    {2, "C2", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"2"}},
    {2, "C2", "placebo", P, 30, 3.0, 1.0, NAN, NAN, {NULL}},
    {3, "C3", "drug", K, 40, 2.0, 1.0, NAN, NAN, {"3"}},
    {3, "C3", "placebo", P, 40, 3.0, 1.0, NAN, NAN, {NULL}},
    {4, "C4", "drug", K, 50, 2.0, 1.0, NAN, NAN, {"4"}},
    {4, "C4", "placebo", P, 50, 3.0, 1.0, NAN, NAN, {NULL}},
};

static const struct test_attr_arm same_arms[] = {
    {1, "S1", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"1"}},
    {1, "S1", "placebo", P, 30, 3.0, 1.0, NAN, NAN, {NULL}},
    {2, "S2", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"2"}},
    {2, "S2", "placebo", P, 30, 3.0, 1.0, NAN, NAN, {NULL}},
    {3, "S3", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"3"}},
    {3, "S3", "placebo", P, 30, 3.0, 1.0, NAN, NAN, {NULL}},
};

static void test_equal_effects(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"bias", "true", "mods", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, c_arms, N(c_arms), 0, ATTRS, 1, "drug", "placebo", opts, &e),
        META_OK);
    /* A perfect fit: metafor's slope and se are 0 (to rounding); the limit
     * is the common effect -1. */
    CU_ASSERT_EQUAL(an.bias.egger.coefficient, 0.0);
    CU_ASSERT_EQUAL(an.bias.egger.se, 0.0);
    CU_ASSERT(isnan(an.bias.egger.statistic) && isnan(an.bias.egger.p));
    CLOSE(-1.0, an.bias.egger.limit_estimate);
    /* Kendall's tau of deviations that are all 0 (meta_bias.h) */
    CU_ASSERT(isnan(an.bias.begg.tau) && isnan(an.bias.begg.p));
    /* metafor's trimfill does not converge on rounding noise; nothing to fill */
    CU_ASSERT_EQUAL(an.bias.trimfill.k0, 0);
    CLOSE(-1.0, an.bias.trimfill.estimate);
    CLOSE(0.11952286093343938, an.bias.trimfill.se);
    /* "C dose REML": slope 0 (metafor -1.1e-16), QE 0 */
    const struct meta_metareg *f = &an.regression.fit;
    CLOSE(-1.0, f->coefficients[0].estimate);
    CU_ASSERT(fabs(f->coefficients[1].estimate) < 1e-12);
    CLOSE(0.34377582547616431, f->coefficients[0].se);
    CLOSE(0.11281521496355325, f->coefficients[1].se);
    CU_ASSERT(fabs(f->QE) < 1e-20);
    CU_ASSERT_EQUAL(f->tau2, 0.0);
    CU_ASSERT_EQUAL(f->R2, 0.0);
    const double w[] = {14.285714285714285, 21.428571428571427, 28.571428571428569,
                        35.714285714285715};
    check_values(an.regression.weight, w, 4);
    done(&req, &sel, &an);

    /* Identical trials: equal standard errors leave Egger's regression
     * without a slope (metafor: "Model matrix no longer of full rank"). */
    static const char *const bias[] = {"bias", "true", NULL};
    CU_ASSERT_EQUAL(
        compute(&req, &sel, &an, same_arms, N(same_arms), 0, ATTRS, 1, "drug", "placebo", bias, &e),
        META_EDOM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.err.msg, "Egger's test: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.err.msg, "all equal"));
    done(&req, &sel, &an);
}

static void expect_failure(const struct test_attr_arm *arms, size_t count, int binary,
                           const char *const *options, int status, const char *message)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    int ret =
        compute(&req, &sel, &an, arms, count, binary, ATTRS, 4, "drug", "placebo", options, &e);
    CU_ASSERT_EQUAL(ret, status);
    if (!strstr(e.err.msg, message))
        printf("\n    expected '%s' in '%s'", message, e.err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.err.msg, message));
    done(&req, &sel, &an);
}

static void test_regression_errors(void)
{
    /* dose2 = 2 dose: collinear, named */
    static const char *const collinear[] = {"mods", "dose,dose2", NULL};
    expect_failure(d_arms, N(d_arms), 0, collinear, META_EINVAL, "meta-regression: ");
    expect_failure(d_arms, N(d_arms), 0, collinear, META_EINVAL, "'dose2'");
    /* one value in every trial */
    static const char *const country[] = {"mods", "country", NULL};
    expect_failure(d_arms, N(d_arms), 0, country, META_EINVAL,
                   "moderator 'country' has the same value 'NO' in all 9 trials");
    /* an attribute no trial has (the registry path names close matches) */
    static const char *const none[] = {"mods", "dose,weeks", NULL};
    expect_failure(d_arms, N(d_arms), 0, none, META_EINVAL, "moderator 'weeks' was not read");
    /* three trials cannot take two coefficients under the random model */
    static const char *const many[] = {"mods", "dose,route", NULL};
    static const struct test_attr_arm few[] = {
        {1, "A1", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"1", "iv"}},
        {1, "A1", "placebo", P, 30, 3.0, 1.1, NAN, NAN, {NULL}},
        {2, "A2", "drug", K, 20, 2.5, 1.2, NAN, NAN, {"2", "im"}},
        {2, "A2", "placebo", P, 22, 3.1, 1.0, NAN, NAN, {NULL}},
        {3, "A3", "drug", K, 50, 1.8, 0.9, NAN, NAN, {"4", "im"}},
        {3, "A3", "placebo", P, 48, 3.3, 1.2, NAN, NAN, {NULL}},
    };
    expect_failure(few, N(few), 0, many, META_EINVAL, "meta-regression: ");
    /* no trial with every moderator */
    static const struct test_attr_arm lacking[] = {
        {1, "L1", "drug", K, 30, 2.0, 1.0, NAN, NAN, {"1", NULL}},
        {1, "L1", "placebo", P, 30, 3.0, 1.1, NAN, NAN, {NULL}},
        {2, "L2", "drug", K, 20, 2.5, 1.2, NAN, NAN, {NULL, "im"}},
        {2, "L2", "placebo", P, 22, 3.1, 1.0, NAN, NAN, {NULL}},
    };
    expect_failure(lacking, N(lacking), 0, many, META_EDOM,
                   "no trial has a value of every moderator (dose...): 2 trials left out (L1: "
                   "no value of moderator 'route'; L2: no value of moderator 'dose')");
}

/* Z: the zero-cell trials of arms.c (S3 has no events in either arm). */
static const struct test_attr_arm z_arms[] = {
    {1, "S1", "drug", K, NAN, NAN, NAN, 12, 50, {NULL}},
    {1, "S1", "placebo", P, NAN, NAN, NAN, 20, 50, {NULL}},
    {2, "S2", "drug", K, NAN, NAN, NAN, 0, 30, {NULL}},
    {2, "S2", "placebo", P, NAN, NAN, NAN, 4, 32, {NULL}},
    {3, "S3", "drug", K, NAN, NAN, NAN, 0, 20, {NULL}},
    {3, "S3", "placebo", P, NAN, NAN, NAN, 0, 22, {NULL}},
    {4, "S4", "drug", K, NAN, NAN, NAN, 8, 40, {NULL}},
    {4, "S4", "placebo", P, NAN, NAN, NAN, 10, 38, {NULL}},
    {5, "S5", "drug", K, NAN, NAN, NAN, 15, 60, {NULL}},
    {5, "S5", "placebo", P, NAN, NAN, NAN, 9, 61, {NULL}},
};

static void test_mantel_haenszel(void)
{
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    static const char *const opts[] = {"method", "MH", "bias", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(
        compute(&req, &sel, &an, z_arms, N(z_arms), 1, ATTRS, 0, "drug", "placebo", opts, &e),
        META_OK);
    /* "Z egger", "Z regtest", "Z begg": on the four studies with an effect */
    CU_ASSERT_EQUAL(an.bias.k, 4);
    CU_ASSERT_EQUAL(an.bias.index[2], 3);
    CLOSE(-1.2006436403693266, an.bias.egger.coefficient);
    CLOSE(2.1234253345078602, an.bias.egger.se);
    CU_ASSERT_EQUAL(an.bias.egger.df, 2.0);
    CLOSE(0.62875516691377475, an.bias.egger.p);
    CLOSE(4.0098474643927613, an.bias.egger.limit_ci_upper);
    CLOSE(1.2734127138255829, an.bias.regtest.se);
    CLOSE(0.34575503629236926, an.bias.regtest.p);
    CLOSE(1.2900646836083278, an.bias.regtest.limit_ci_upper);
    CU_ASSERT_EQUAL(an.bias.begg.tau, 0.0);
    CLOSE(1.0, an.bias.begg.p);
    /* trim-and-fill has no method here: skipped with the reason */
    CU_ASSERT_EQUAL(an.bias.have_trimfill, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(an.bias.trimfill_missing);
    CU_ASSERT_PTR_NOT_NULL(strstr(an.bias.trimfill_missing, "metafor has none for method MH"));
    done(&req, &sel, &an);

    /* asked for on their own, they are errors */
    static const char *const tf[] = {"method", "MH", "trimfill", "true", NULL};
    expect_failure(z_arms, N(z_arms), 1, tf, META_EINVAL,
                   "trim-and-fill needs an inverse-variance analysis, and metafor has none for "
                   "method MH: use method IV or a random-effects method");
    static const char *const inf[] = {"method", "PETO", "influence", "true", NULL};
    expect_failure(z_arms, N(z_arms), 1, inf, META_EINVAL,
                   "influence diagnostics needs an inverse-variance analysis");
}

static void test_request_keys(void)
{
    struct meta_analysis_request req;
    struct meta_request_error e;
    struct meta_options o;
    meta_request_error_init(&e, NULL);
    static const char *const est[] = {"estimator", "R0", NULL};
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "pain", "a", "b", est), META_OK);
    CU_ASSERT_EQUAL(req.estimator, META_TF_R0);
    CU_ASSERT_EQUAL(meta_analysis_resolve(&req, 0, &o, &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.key, "estimator");
    CU_ASSERT_STRING_EQUAL(e.err.msg, "estimator is trim-and-fill's: add trimfill (or bias)");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "trimfill", NULL, &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_resolve(&req, 0, &o, &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "estimator", "L1", &e), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(e.err.msg, "unknown estimator 'L1' (use L0 or R0)");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "mods", "ablat, alloc", &e), META_OK);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "mods", "year,ablat", &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(req.n_mods, 3);
    CU_ASSERT_STRING_EQUAL(req.mods[1], "alloc");
    CU_ASSERT_STRING_EQUAL(req.mods[2], "year");
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "mods", "a,,b", &e), META_EINVAL);
    CU_ASSERT_EQUAL(meta_analysis_request_set(&req, "influence", "maybe", &e), META_EINVAL);
    meta_analysis_request_release(&req);
}

/* ---- Trials of arms and of estimate rows together -------------------------- */

/* The BCG trials of bias_mixed_reference.R: nine from their arms, four from
 * an estimate row carrying its own ablat. Frimodt-Moller also has a treated
 * arm (no control arm) whose ablat is wrong: the row's must be used. */
static void test_mixed_estimates(void)
{
    static struct test_attr_arm arms[26];
    size_t n_arms = 0;
    for (size_t i = 0; i < test_bcg_count; i++) {
        const struct test_attr_arm *a = &test_bcg_arms[i];
        long long id = a->trial_id;
        if (id == 2 || id == 8 || id == 11 || (id == 5 && a->side == P))
            continue;
        arms[n_arms] = *a;
        if (id == 5)
            arms[n_arms].values[0] = "99";
        n_arms++;
    }
    static const struct test_estimate rows[] = {
        {2, "Ferguson & Simes 1949", "treated", "control", 0, "RR", 0, 0.20, 0.44, NAN, NAN, NAN,
         NAN, NAN, "1949", NULL},
        {5, "Frimodt-Moller et al 1973", "treated", "control", 0, "RR", 0, 0.80, 0.23, NAN, NAN,
         NAN, NAN, NAN, "1973", NULL},
        {8, "TPT Madras 1980", "control", "treated", 1, "RR", 0, 0.99, 0.06, NAN, NAN, NAN, NAN,
         NAN, "1980", NULL},
        {11, "Comstock et al 1974", "treated", "control", 0, "RR", 0, 0.71, 0.11, NAN, NAN, NAN,
         NAN, NAN, "1974", NULL},
    };
    static const char *ablat[4][1] = {{"55"}, {"13"}, {"13"}, {"18"}};
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
    meta_analysis_init(&an);
    meta_request_error_init(&e, NULL);
    meta_selection_init(&sel);
    static const char *const opts[] = {"bias", "true", "influence", "true", "mods", "ablat", NULL};
    CU_ASSERT_EQUAL_FATAL(test_request(&req, "outcome", "treated", "control", opts), META_OK);
    CU_ASSERT_EQUAL_FATAL(
        test_attr_selection(&sel, arms, n_arms, 1, "outcome", test_bcg_attributes, 1), 0);
    CU_ASSERT_EQUAL_FATAL(test_selection_estimates(&sel, rows, 4, META_KIND_BINARY), 0);
    for (size_t i = 0; i < 4; i++)
        sel.estimates[i].values = (char **)ablat[i];
    CU_ASSERT_EQUAL_FATAL(meta_analysis_compute(&req, &sel, &an, &e), META_OK);
    CU_ASSERT_EQUAL_FATAL(an.contrasts.k, 13);
    CU_ASSERT_EQUAL(an.contrasts.info[1].source, META_SOURCE_ESTIMATE);
    CU_ASSERT_EQUAL(an.contrasts.info[4].source, META_SOURCE_ESTIMATE);
    CU_ASSERT_EQUAL(an.contrasts.info[7].source, META_SOURCE_ESTIMATE);
    CU_ASSERT_EQUAL(an.contrasts.info[0].source, META_SOURCE_ARMS);
    CLOSE(log(1 / 0.99), an.overall.studies[7].yi);
    /* "pooled estimate se tau2" */
    CLOSE(-0.71738510984455228, an.overall.estimate);
    CLOSE(0.18011466096814013, an.overall.se);
    CLOSE(0.31465778548643686, an.overall.tau2);

    const struct meta_analysis_bias *b = &an.bias;
    CU_ASSERT_EQUAL(b->k, 13);
    /* "egger", "regtest", "begg" */
    const double eg[] = {
        -2.2274519212913066, 1.4929438440955116,   -1.4919864066560327,  11,
        0.1638154924014926,  -0.16953461436948297, -0.63912706726564639, 0.3000578385266805};
    const double got_eg[] = {b->egger.coefficient,
                             b->egger.se,
                             b->egger.statistic,
                             b->egger.df,
                             b->egger.p,
                             b->egger.limit_estimate,
                             b->egger.limit_ci_lower,
                             b->egger.limit_ci_upper};
    check_values(got_eg, eg, 8);
    const double rt[] = {-0.76658901459952966, 0.94931430636422043,  -0.80751865789897292,
                         0.41936772949465989,  -0.51240920447628657, -1.1200153726306006,
                         0.095196963678027546};
    const double got_rt[] = {b->regtest.coefficient,    b->regtest.se,
                             b->regtest.statistic,      b->regtest.p,
                             b->regtest.limit_estimate, b->regtest.limit_ci_lower,
                             b->regtest.limit_ci_upper};
    check_values(got_rt, rt, 7);
    CLOSE(0.02564102564102564, b->begg.tau);
    CLOSE(0.95236190796086628, b->begg.p);
    /* "trimfill side k0", "trimfill": nothing to fill on the right */
    CU_ASSERT_EQUAL(b->trimfill.side, META_TF_RIGHT);
    CU_ASSERT_EQUAL(b->trimfill.k0, 0);
    const double tf[] = {-0.71738510984455228, 0.18011466096814013, -1.0704033584297492,
                         -0.36436686125935541, 0.31465778548643686};
    const double got_tf[] = {b->trimfill.estimate, b->trimfill.se, b->trimfill.ci_lower,
                             b->trimfill.ci_upper, b->trimfill.tau2};
    check_values(got_tf, tf, 5);
    /* "rstudent", "cook_d" */
    const double rs[] = {-0.21426958379013061, -1.326371263124716,  -0.75050756514724715,
                         -1.4390932198808055,  0.83881002119812953, -0.11274443389863781,
                         -1.2975611178735387,  1.4500176471073394,  0.41152374773761397,
                         -1.119766337704087,   0.66731271616908361, 1.29206972489238,
                         1.1909819790981457},
                 cd[] = {0.0016414301020416756, 0.11953188108358891,  0.02572499539953578,
                         0.2255745932566052,    0.074542868066340667, 0.00034148648214117974,
                         0.1078592560765254,    0.19918854996524876,  0.022347797285300633,
                         0.11535827817346594,   0.057838943127841193, 0.063732649798627583,
                         0.12328061942979995};
    CU_ASSERT_EQUAL_FATAL(an.influence.k, 13);
    for (size_t i = 0; i < 13; i++) {
        CLOSE(rs[i], an.influence.row[i].rstudent);
        CLOSE(cd[i], an.influence.row[i].cook_d);
    }

    /* "ablat ...": every trial regressed, the rows' ablat their own */
    const struct meta_analysis_regression *r = &an.regression;
    CU_ASSERT_EQUAL_FATAL(r->k, 13);
    CU_ASSERT_EQUAL(r->n_excluded, 0);
    CU_ASSERT_STRING_EQUAL(r->values[4], "13");
    const double beta[] = {0.25010387773719733, -0.029132460382999398},
                 se[] = {0.25034612795880479, 0.0072285102972061361},
                 p[] = {0.31777902577474387, 5.5725538369501444e-05},
                 totals[] = {16.242643824524354, 5.5725538369501573e-05, 30.978728034683698,
                             0.001110142569954047};
    check_fit(&r->fit, beta, se, p, totals);
    CLOSE(0.077326872163540283, r->fit.tau2);
    CLOSE(68.947022717187906, r->fit.I2);
    CLOSE(3.2203031319431727, r->fit.H2);
    CLOSE(75.425088546911738, r->fit.R2);
    meta_analysis_release(&an);
    meta_analysis_request_release(&req);
    free(sel.arms);
    free(sel.estimates);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"BCG: every test against bias_reference.json", test_bcg_reference},
        {"moderators: lacking, disagreeing, a level of one trial", test_moderators},
        {"small-study tests, trim-and-fill and influence", test_bias_d},
        {"k = 3", test_k3},
        {"tau^2 = 0 and nothing to fill", test_tau2_zero},
        {"equal effects and identical trials", test_equal_effects},
        {"regression errors", test_regression_errors},
        {"Mantel-Haenszel and Peto", test_mantel_haenszel},
        {"request keys", test_request_keys},
        {"trials of arms and of estimate rows together", test_mixed_estimates},
        {NULL, NULL},
    };
    return meta_test_run_suite("bias", NULL, NULL, cases);
}
