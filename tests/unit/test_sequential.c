/*
 * Unit tests of the analyses that repeat pooling on subsets: leave-one-out
 * and cumulative pooling against metafor's leave1out() and cumul(), and the
 * test for subgroup differences against a by-hand computation in R (values
 * from tests/unit/metafor_edge_cases.R).
 */
#include "cunit_main.h"
#include "meta_stats.h"
#include "test_csv.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* r <- rma(yi, vi, data = dn, method = "REML") on Normand's MD;
 * leave1out(r): estimate, se, tau2, Q, I2 per study left out */
static const double normand_l1o[9][5] = {
    {-14.6014470417049, 10.1803785313693, 793.596231724711, 232.066333555634, 99.1981944568843},
    {-16.9120565530516, 10.0858361743865, 773.324629016902, 237.483581935594, 98.5200943022057},
    {-9.55954554958445, 7.88155386049547, 459.933258475177, 63.178271084939, 98.5580708279889},
    {-9.26991505438397, 7.37566727555769, 412.251484991449, 208.434341298776, 98.5003172714778},
    {-16.6242717622103, 10.1214976188078, 781.115043091769, 238.898606051973, 99.1520938152674},
    {-17.2957339874135, 9.98350715125805, 756.821677823362, 204.704767120435, 98.3161326738931},
    {-18.1092300247023, 9.51342392274406, 695.025899692073, 236.690419154036, 99.1008304626102},
    {-15.8799297927397, 10.2436045806985, 799.481235730959, 231.454237228053, 99.0594012484199},
    {-17.9690067036241, 9.70299835412623, 715.307496441814, 233.23033446938, 99.0831178244698},
};

static void test_leave1out_reml(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result *res = NULL;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(test_studies_load(META_TEST_DATA_DIR "/normand1999.csv", "normand1999", NULL,
                                      "normand1999-treated", "normand1999-control", NULL,
                                      &ts) == 0);
    CU_ASSERT_EQUAL_FATAL(ts.k, 9);
    meta_options_init(&o);
    CU_ASSERT_EQUAL_FATAL(meta_leave1out(ts.studies, ts.k, &o, &res, &err), META_OK);
    for (size_t i = 0; i < ts.k; i++) {
        CU_ASSERT_EQUAL(res[i].k, 8);
        CHECK_CLOSE(res[i].estimate, normand_l1o[i][0]);
        CHECK_CLOSE(res[i].se, normand_l1o[i][1]);
        CHECK_CLOSE(res[i].tau2, normand_l1o[i][2]);
        CHECK_CLOSE(res[i].Q, normand_l1o[i][3]);
        CHECK_CLOSE(res[i].I2, normand_l1o[i][4]);
    }
    meta_results_free(res, ts.k);
    test_studies_free(&ts);
}

/* r <- rma.mh(ai, n1i, ci, n2i, measure = "RR") on BCG; leave1out(r):
 * estimate, se, Q, I2 */
static const double bcg_mh_l1o[13][4] = {
    {-0.451379469928476, 0.0394350331703394, 151.915260738878, 92.7591211399706},
    {-0.441007473775956, 0.0395479490609616, 145.57270661772, 92.4436384707152},
    {-0.449455458417356, 0.0394254866524588, 150.512980713543, 92.6916602489355},
    {-0.339240918607825, 0.0414343147286065, 96.5629129266544, 88.6084629526916},
    {-0.461366230336509, 0.0399539630409376, 151.66114246765, 92.7469885687124},
    {-0.366592223309261, 0.0448107403216192, 129.219964323871, 91.4873835033493},
    {-0.446643757735047, 0.0395098518596076, 146.213354931715, 92.4767474180883},
    {-0.77579831692414, 0.0519738733093576, 68.3763309609433, 83.91256178065},
    {-0.453243838476915, 0.0398866086746095, 152.549746455207, 92.7892374418138},
    {-0.427768741735411, 0.0398525340233439, 140.044629286515, 92.1453610495156},
    {-0.469791871638848, 0.0420560382999549, 151.813968592433, 92.7542899365663},
    {-0.45659032292135, 0.0394070178816348, 151.125312432637, 92.7212722852744},
    {-0.46374819293051, 0.0397924804243373, 150.124551447441, 92.672750796627},
};

/* d <- escalc("RR", ...); cumul(rma(yi, vi, data = d, method = "DL")):
 * estimate, se, tau2, Q, I2 */
static const double bcg_dl_cumul[13][5] = {
    {-0.889311333920205, 0.570600354892951, 0, 0, 0},
    {-1.32500344224488, 0.348988772287383, 0, 0.931479077449156, 0},
    {-1.33023414924278, 0.30688500311038, 0, 0.93246986272599, 0},
    {-1.42204433280306, 0.128466085836995, 0, 1.04098771172456, 0},
    {-1.06598964182754, 0.342677018693666, 0.422872072605276, 22.466679859766, 82.1958561524557},
    {-0.984115499273717, 0.226088199806045, 0.198054530924267, 28.5126452322351, 82.4639209751496},
    {-1.05296562604941, 0.213352373870298, 0.197671448233778, 30.7465474891243, 80.4856138656793},
    {-0.909472370828578, 0.261977115085219, 0.428632929997784, 135.579478188516, 94.8369767360611},
    {-0.850446060134308, 0.236903218606363, 0.394421889934644, 135.602492504637, 94.1004034275208},
    {-0.907541902256424, 0.226303185575722, 0.404963660006269, 147.31262112087, 93.8905438437515},
    {-0.832704517355627, 0.193172206207528, 0.318338117766377, 148.309916190036, 93.2573625170238},
    {-0.778923740057073, 0.188918704126077, 0.317703279923814, 149.788423825434, 92.6563083320647},
    {-0.714117222073227, 0.178742089535403, 0.308760262862376, 152.233008082373, 92.1173468545621},
};

static int load_bcg(struct test_studies *ts)
{
    return test_studies_load(META_TEST_DATA_DIR "/bcg.csv", "bcg", NULL, "bcg-treated",
                             "bcg-control", NULL, ts);
}

static void test_leave1out_mh(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result *res = NULL;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(load_bcg(&ts) == 0);
    CU_ASSERT_EQUAL_FATAL(ts.k, 13);
    meta_options_init(&o);
    o.measure = META_RR;
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    CU_ASSERT_EQUAL_FATAL(meta_leave1out(ts.studies, ts.k, &o, &res, &err), META_OK);
    for (size_t i = 0; i < ts.k; i++) {
        CHECK_CLOSE(res[i].estimate, bcg_mh_l1o[i][0]);
        CHECK_CLOSE(res[i].se, bcg_mh_l1o[i][1]);
        CHECK_CLOSE(res[i].Q, bcg_mh_l1o[i][2]);
        CHECK_CLOSE(res[i].I2, bcg_mh_l1o[i][3]);
    }
    meta_results_free(res, ts.k);
    test_studies_free(&ts);
}

static void test_cumulative(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result *res = NULL;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(load_bcg(&ts) == 0);
    meta_options_init(&o);
    o.measure = META_RR;
    o.method = META_METHOD_DL;
    CU_ASSERT_EQUAL_FATAL(meta_cumulative(ts.studies, ts.k, &o, &res, &err), META_OK);
    for (size_t i = 0; i < ts.k; i++) {
        CU_ASSERT_EQUAL(res[i].k, i + 1);
        CHECK_CLOSE(res[i].estimate, bcg_dl_cumul[i][0]);
        CHECK_CLOSE(res[i].se, bcg_dl_cumul[i][1]);
        CHECK_CLOSE(res[i].tau2, bcg_dl_cumul[i][2]);
        CHECK_CLOSE(res[i].Q, bcg_dl_cumul[i][3]);
        CHECK_CLOSE(res[i].I2, bcg_dl_cumul[i][4]);
    }
    meta_results_free(res, ts.k);
    test_studies_free(&ts);
}

static void test_sequential_errors(void)
{
    struct test_studies ts;
    struct meta_options o;
    struct meta_result *res = (struct meta_result *)&o; /* must be reset to NULL */
    struct meta_error err = {""};
    CU_ASSERT_FATAL(load_bcg(&ts) == 0);
    meta_options_init(&o);
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_leave1out(ts.studies, 1, &o, &res, &err), META_EINVAL);
    CU_ASSERT_PTR_NULL(res);
    o.max_iter = 1; /* REML cannot converge in one step on BCG */
    CU_ASSERT_EQUAL(meta_leave1out(ts.studies, ts.k, &o, &res, &err), META_ENOCONV);
    CU_ASSERT_PTR_NULL(res);
    CU_ASSERT(strstr(err.msg, "leaving out study 'bcg: ") != NULL);
    CU_ASSERT_EQUAL(meta_cumulative(ts.studies, ts.k, &o, &res, &err), META_ENOCONV);
    CU_ASSERT_PTR_NULL(res);
    CU_ASSERT_EQUAL(meta_cumulative(ts.studies, 0, &o, &res, &err), META_EINVAL);
    test_studies_free(&ts);
}

/* Haeuser pain, SMD, REML, each drug class pooled on its own (multi-arm
 * sides combined, a shared placebo serving every class): rma() per class,
 * then by hand w <- 1 / se^2; Q <- sum(w * (est - sum(w * est) / sum(w))^2)
 * -> Q 1.57751483239343 on 3 df, p 0.664498858533852. */
static void test_subgroups(void)
{
    static const struct {
        const char *class, *drugs;
        size_t k;
        double estimate, se, tau2;
    } groups[] = {
        {"TCA", "amitriptyline", 6, -0.613345150956821, 0.215432363828915, 0.166459069813122},
        {"SNRI", "duloxetine,milnacipran", 4, -0.360041611589786, 0.0806731256011316,
         0.0086308792893695},
        {"SSRI", "fluoxetine,citalopram,paroxetine", 6, -0.394754670851923, 0.197274453011791,
         0.128412525312565},
        {"MAOI", "moclobemide,pirlindole", 3, -0.545096859374661, 0.244077329706871,
         0.103328391867367},
    };
    struct meta_result res[4];
    struct meta_options o;
    struct meta_error err = {""};
    struct meta_subgroup_test t;
    meta_options_init(&o);
    o.measure = META_SMD;
    for (size_t g = 0; g < 4; g++) {
        struct test_studies ts;
        CU_ASSERT_FATAL(test_studies_load(META_TEST_DATA_DIR "/haeuser2009_fibromyalgia.csv",
                                          "pain", NULL, groups[g].drugs, "placebo", NULL,
                                          &ts) == 0);
        CU_ASSERT_EQUAL(ts.k, groups[g].k);
        CU_ASSERT_EQUAL_FATAL(meta_pool(ts.studies, ts.k, &o, &res[g], &err), META_OK);
        CHECK_CLOSE(res[g].estimate, groups[g].estimate);
        CHECK_CLOSE(res[g].se, groups[g].se);
        CHECK_CLOSE(res[g].tau2, groups[g].tau2);
        test_studies_free(&ts);
    }
    CU_ASSERT_EQUAL_FATAL(meta_subgroup_test(res, 4, &t, &err), META_OK);
    CHECK_CLOSE(t.Q, 1.57751483239343);
    CU_ASSERT_EQUAL(t.df, 3);
    CHECK_CLOSE(t.p, 0.664498858533852);

    CU_ASSERT_EQUAL(meta_subgroup_test(res, 1, &t, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_subgroup_test(NULL, 4, &t, &err), META_EINVAL);
    double keep = res[2].se;
    res[2].se = 0.0;
    CU_ASSERT_EQUAL(meta_subgroup_test(res, 4, &t, &err), META_EINVAL);
    res[2].se = keep;
    for (size_t g = 0; g < 4; g++)
        meta_result_release(&res[g]);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"leave-one-out, REML", test_leave1out_reml},
        {"leave-one-out, Mantel-Haenszel", test_leave1out_mh},
        {"cumulative, DL", test_cumulative},
        {"leave-one-out and cumulative failures", test_sequential_errors},
        {"test for subgroup differences", test_subgroups},
        {NULL, NULL}};
    return meta_test_run_suite("sequential and subgroups", NULL, NULL, cases);
}
