/*
 * Tests of lib/analysis on estimate rows held in memory (no database): the
 * row chosen for each trial (arms first), rows turned round when their sides
 * are swapped, the trials left out and why, analyses mixing arms and
 * estimates under every pooling path (subgroups, leave-one-out, cumulative,
 * conventions), hazard ratios, GIV on the log scale, and the resolution of
 * the measure from the rows. Expected values from metafor 3.8
 * (estimates_reference.R), to META_REF_REL_TOL; a mixed analysis whose rows
 * carry the arms' own effects must equal the all-arms one to 1e-12.
 */
#include <CUnit/CUnit.h>
#include <gsl/gsl_errno.h>
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

/* Two numbers equal to 1e-12 relative (1e-14 absolute near 0). */
#define SAME(a, b)                                                                                 \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        int same_ =                                                                                \
            (isnan(a_) && isnan(b_)) || fabs(a_ - b_) <= 1e-12 * fmax(fabs(a_), fabs(b_)) + 1e-14; \
        if (!same_)                                                                                \
            printf("\n    line %d: %.17g differs from %.17g", __LINE__, a_, b_);                   \
        CU_ASSERT(same_);                                                                          \
    } while (0)

struct run {
    struct meta_analysis_request req;
    struct meta_selection sel;
    struct meta_analysis an;
    struct meta_request_error e;
};

/* Computes treatment vs control with options on arms and rows. */
static int compute(struct run *r, const char *treatment, const char *control,
                   const char *const *options, const struct test_arm *arms, size_t n_arms,
                   const struct test_estimate *rows, size_t n_rows, int binary,
                   enum meta_select_kind kind)
{
    meta_analysis_init(&r->an);
    meta_request_error_init(&r->e, NULL);
    meta_selection_init(&r->sel);
    int ret = test_request(&r->req, "o", treatment, control, options);
    if (ret != META_OK)
        return ret;
    if (test_selection(&r->sel, arms, n_arms, binary, "o", "") != 0 ||
        test_selection_estimates(&r->sel, rows, n_rows, kind) != 0)
        return META_ENOMEM;
    return meta_analysis_compute(&r->req, &r->sel, &r->an, &r->e);
}

static void done(struct run *r)
{
    meta_analysis_release(&r->an);
    meta_analysis_request_release(&r->req);
    free(r->sel.arms);
    free(r->sel.estimates);
}

/* The index of trial in the contrasts, or -1. */
static int study_of(const struct meta_contrasts *c, const char *trial)
{
    for (size_t i = 0; i < c->k; i++)
        if (strcmp(c->info[i].trial, trial) == 0)
            return (int)i;
    return -1;
}

static const char *reason_of(const struct meta_contrasts *c, const char *trial)
{
    for (size_t i = 0; i < c->n_excluded; i++)
        if (strcmp(c->excluded[i].trial, trial) == 0)
            return c->excluded[i].reason;
    return "";
}

/* ---- A continuous outcome: which row, turned round, left out --------------- */

static const struct test_arm md_arms[] = {
    {1, "A1", "ketamine", K, 30, 2.1, 1.4, NAN, NAN, "2015", "high"},
    {1, "A1", "placebo", P, 31, 3.5, 1.6, NAN, NAN, "2015", NULL},
    {6, "A2", "ketamine", K, 25, 2.5, 1.3, NAN, NAN, NULL, NULL},
    {7, "A3", "placebo", P, 20, 3.0, 1.5, NAN, NAN, NULL, NULL},
};

static const struct test_estimate md_rows[] = {
    /* A1 has arms on both sides: its estimate row is not used */
    {1, "A1", "ketamine", "placebo", 0, "MD", 0, -5.0, 1.0, NAN, NAN, NAN, NAN, NAN, NULL, "high"},
    {2, "E1", "ketamine", "placebo", 0, "MD", 0, -1.3, 0.4, -2.1, -0.5, 95, 20, 21, "2016", "high"},
    /* the other way round, its interval at another level */
    {3, "E2", "placebo", "ketamine", 1, "MD", 0, 0.9, 0.5, 0.08, 1.72, 90, 15, 16, NULL, "low"},
    {4, "E3", "esketamine", "placebo", 0, "MD", 0, -0.8, 0.3, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    {4, "E3", "ketamine", "placebo", 0, "MD", 0, -1.0, 0.3, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    {5, "E4", "ketamine", "placebo", 0, "SMD", 0, -0.4, 0.2, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    /* A2 has a treatment arm only: its estimate row serves */
    {6, "A2", "ketamine", "placebo", 0, "MD", 0, -0.6, 0.38, NAN, NAN, NAN, NAN, NAN, "2010",
     "low"},
};

#define MD_ROWS (sizeof md_rows / sizeof md_rows[0])

static int md_run(struct run *r, const char *const *options)
{
    return compute(r, "ketamine,esketamine", "placebo", options, md_arms, 4, md_rows, MD_ROWS, 0,
                   META_KIND_CONTINUOUS);
}

static void test_rows_and_reasons(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(md_run(&r, NULL), META_OK);
    const struct meta_contrasts *c = &r.an.contrasts;
    CU_ASSERT_EQUAL_FATAL(c->k, 4);
    static const char *const order[] = {"A1", "E1", "E2", "A2"};
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(c->info[i].trial, order[i]);
    /* A1: arms first */
    CU_ASSERT_EQUAL(c->info[0].source, META_SOURCE_ARMS);
    CU_ASSERT_PTR_NULL(c->info[0].estimate);
    CU_ASSERT_EQUAL(c->info[0].treatment_arms, 1);
    CLOSE(-1.4, r.an.overall.studies[0].yi);
    /* E1 as given, its interval kept */
    CU_ASSERT_EQUAL(c->info[1].source, META_SOURCE_ESTIMATE);
    CU_ASSERT_PTR_EQUAL(c->info[1].estimate, &r.sel.estimates[1]);
    CU_ASSERT_EQUAL(c->info[1].treatment_arms, 0);
    CU_ASSERT(c->studies[1].given && c->studies[1].given_measure == META_MD);
    CU_ASSERT_EQUAL(r.an.overall.studies[1].yi, -1.3);
    CLOSE(0.16, r.an.overall.studies[1].vi);
    CU_ASSERT_EQUAL(c->info[1].n_treatment, 20);
    CU_ASSERT_EQUAL(c->info[1].n_control, 21);
    CU_ASSERT_EQUAL(c->info[1].ci_lower, -2.1);
    CU_ASSERT_EQUAL(c->info[1].ci_upper, -0.5);
    CU_ASSERT_EQUAL(c->info[1].year, 2016);
    /* E2 turned round: -0.9, participants swapped, a 90% interval not shown at 95% */
    CU_ASSERT_EQUAL(r.an.overall.studies[2].yi, -0.9);
    CU_ASSERT_EQUAL(c->info[2].n_treatment, 16);
    CU_ASSERT_EQUAL(c->info[2].n_control, 15);
    CU_ASSERT(isnan(c->info[2].ci_lower) && isnan(c->info[2].ci_upper));
    CU_ASSERT(isnan(c->info[2].year));
    /* A2: the estimate row of a trial with one side of arms */
    CU_ASSERT_EQUAL(c->info[3].source, META_SOURCE_ESTIMATE);
    CU_ASSERT_EQUAL(r.an.overall.studies[3].yi, -0.6);
    CU_ASSERT(isnan(c->info[3].n_treatment));
    CU_ASSERT_EQUAL_FATAL(c->n_excluded, 3);
    CU_ASSERT_STRING_EQUAL(c->excluded[0].trial, "E3");
    CU_ASSERT_STRING_EQUAL(c->excluded[0].reason,
                           "several estimate rows for the selected sides ('esketamine' vs "
                           "'placebo', 'ketamine' vs 'placebo')");
    CU_ASSERT_STRING_EQUAL(c->excluded[1].trial, "E4");
    CU_ASSERT_STRING_EQUAL(c->excluded[1].reason,
                           "its estimate is of another measure (SMD, not MD)");
    CU_ASSERT_STRING_EQUAL(c->excluded[2].trial, "A3");
    CU_ASSERT_STRING_EQUAL(c->excluded[2].reason, "no ketamine or esketamine arm");
    CU_ASSERT_EQUAL(r.an.log_scale, 0);
    CU_ASSERT_EQUAL(r.an.kind, META_KIND_CONTINUOUS);
    done(&r);

    /* One treatment only: the selection holds E3's ketamine row alone, which
     * serves; E4's SMD serves the SMD analysis. */
    struct test_estimate ketamine_rows[MD_ROWS - 1];
    for (size_t i = 0, n = 0; i < MD_ROWS; i++)
        if (strcmp(md_rows[i].treatment, "esketamine") != 0)
            ketamine_rows[n++] = md_rows[i];
    CU_ASSERT_EQUAL_FATAL(compute(&r, "ketamine", "placebo", NULL, md_arms, 4, ketamine_rows,
                                  MD_ROWS - 1, 0, META_KIND_CONTINUOUS),
                          META_OK);
    int e3 = study_of(&r.an.contrasts, "E3");
    CU_ASSERT_FATAL(e3 >= 0);
    CU_ASSERT_EQUAL(r.an.overall.studies[e3].yi, -1.0);
    done(&r);
    static const char *const smd[] = {"measure", "SMD", NULL};
    CU_ASSERT_EQUAL_FATAL(md_run(&r, smd), META_OK);
    CU_ASSERT(study_of(&r.an.contrasts, "E4") >= 0);
    CU_ASSERT_STRING_EQUAL(reason_of(&r.an.contrasts, "E1"),
                           "its estimate is of another measure (MD, not SMD)");
    done(&r);
}

static void test_mixed_against_metafor(void)
{
    struct run r;
    static const char *const opts[] = {"leave-one-out", "true", "cumulative", "true", NULL};
    CU_ASSERT_EQUAL_FATAL(md_run(&r, opts), META_OK);
    const struct meta_result *o = &r.an.overall;
    /* estimates_reference.R, "md" */
    CLOSE(-1.0588184650604044, o->estimate);
    CLOSE(0.20618950465879318, o->se);
    CLOSE(0.0028359782351882658, o->tau2);
    CLOSE(2.7092789200236416, o->Q);
    CLOSE(1.6477304081316779, o->I2);
    CLOSE(0.0, o->tau2_ci_lower);
    CLOSE(1.7465791901338632, o->tau2_ci_upper);
    CLOSE(-1.4762037828492749, o->pi_lower);
    CLOSE(-0.641433147271534, o->pi_upper);
    static const double w[] = {28.201740652991514, 26.108549407941183, 16.814897993628037,
                               28.874811945439262};
    for (size_t i = 0; i < 4; i++)
        CLOSE(w[i], o->studies[i].weight);
    static const double loo[] = {-0.92459578242812723, -0.97283566411731548, -1.0929515128233178,
                                 -1.2456852379711019};
    CU_ASSERT_EQUAL_FATAL(r.an.n_loo, 4);
    for (size_t i = 0; i < 4; i++)
        CLOSE(loo[i], r.an.loo[i].estimate);
    /* cumulative by year: A2 (2010), A1 (2015), E1 (2016), E2 (none) */
    static const size_t cum_order[] = {3, 0, 1, 2};
    static const double cum[] = {-0.60000000000000009, -0.99780376344086052, -1.092951512823318,
                                 -1.0588184650604044};
    CU_ASSERT_EQUAL_FATAL(r.an.n_cum, 4);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(r.an.cum_order[i], cum_order[i]);
        CLOSE(cum[i], r.an.cum[i].estimate);
    }
    done(&r);

    /* Subgroups by dose: the arms' value for A1, the rows' for the others. */
    static const char *const by[] = {"by", "dose", NULL};
    CU_ASSERT_EQUAL_FATAL(md_run(&r, by), META_OK);
    CU_ASSERT_EQUAL_FATAL(r.an.n_groups, 3);
    CU_ASSERT_STRING_EQUAL(r.an.groups[0].value, "high");
    CU_ASSERT_STRING_EQUAL(r.an.groups[1].value, "low");
    CU_ASSERT_PTR_NULL(r.an.groups[2].value);
    CU_ASSERT_EQUAL(r.an.groups[0].contrasts.k, 2);
    CU_ASSERT_EQUAL(r.an.groups[1].contrasts.k, 2);
    CU_ASSERT_EQUAL(r.an.groups[2].contrasts.k, 0);
    CU_ASSERT_EQUAL(r.an.groups[2].contrasts.n_excluded, 2); /* E3, E4 */
    CLOSE(-1.3519625646039948, r.an.groups[0].result.estimate);
    CLOSE(-0.70983772819472613, r.an.groups[1].result.estimate);
    CU_ASSERT_FATAL(r.an.have_test);
    CLOSE(2.4486075909798148, r.an.test.Q);
    CLOSE(0.11762917091052019, r.an.test.p);
    done(&r);
}

/* ---- BCG: half arms, half estimate rows of the arms' own effects ------------ */

struct bcg_trial {
    const char *trial, *year, *alloc;
    double t_events, t_total, c_events, c_total;
};

/* Colditz 1994 (metadat's dat.bcg) */
static const struct bcg_trial bcg[] = {
    {"Aronson 1948", "1948", "random", 4, 123, 11, 139},
    {"Ferguson & Simes 1949", "1949", "random", 6, 306, 29, 303},
    {"Rosenthal et al 1960", "1960", "random", 3, 231, 11, 220},
    {"Hart & Sutherland 1977", "1977", "random", 62, 13598, 248, 12867},
    {"Frimodt-Moller et al 1973", "1973", "alternate", 33, 5069, 47, 5808},
    {"Stein & Aronson 1953", "1953", "alternate", 180, 1541, 372, 1451},
    {"Vandiviere et al 1973", "1973", "random", 8, 2545, 10, 629},
    {"TPT Madras 1980", "1980", "random", 505, 88391, 499, 88391},
    {"Coetzee & Berjak 1968", "1968", "random", 29, 7499, 45, 7277},
    {"Rosenthal et al 1961", "1961", "systematic", 17, 1716, 65, 1665},
    {"Comstock et al 1974", "1974", "systematic", 186, 50634, 141, 27338},
    {"Comstock & Webster 1969", "1969", "systematic", 5, 2498, 3, 2341},
    {"Comstock et al 1976", "1976", "systematic", 27, 16913, 29, 17854},
};
#define BCG_K 13

/* estimates_reference.R, "BCG": the even trials' RR and SE of log RR from
 * their arms (trials 4, 8 and 12 as bcg-control vs bcg-treated). */
static const double bcg_rr[BCG_K] = {
    [1] = 0.20486815415821502, [3] = 4.2272479987565088,  [5] = 0.45561114483682574,
    [7] = 0.98811881188118877, [9] = 0.25376546530392685, [11] = 0.64023921401110617};
static const double bcg_se[BCG_K] = {
    [1] = 0.44111350171825825,  [3] = 0.14145681992130169, [5] = 0.083100050877895126,
    [7] = 0.062941077984236413, [9] = 0.27023100046632126, [11] = 0.72972998102048181};

struct bcg_data {
    struct test_arm arms[2 * BCG_K];
    size_t n_arms;
    struct test_estimate rows[BCG_K];
    size_t n_rows;
};

/* All arms (mixed 0), or the odd trials' arms and the even trials' rows. */
static void bcg_fill(struct bcg_data *d, int mixed)
{
    d->n_arms = d->n_rows = 0;
    for (size_t i = 0; i < BCG_K; i++) {
        const struct bcg_trial *b = &bcg[i];
        long long id = (long long)i + 1;
        if (mixed && i % 2 == 1) {
            int swap = i % 4 == 3;
            d->rows[d->n_rows++] = (struct test_estimate){id,
                                                          b->trial,
                                                          swap ? "none" : "vaccine",
                                                          swap ? "vaccine" : "none",
                                                          swap,
                                                          "RR",
                                                          0,
                                                          bcg_rr[i],
                                                          bcg_se[i],
                                                          NAN,
                                                          NAN,
                                                          NAN,
                                                          NAN,
                                                          NAN,
                                                          b->year,
                                                          b->alloc};
            continue;
        }
        d->arms[d->n_arms++] = (struct test_arm){
            id, b->trial, "vaccine", K, NAN, NAN, NAN, b->t_events, b->t_total, b->year, b->alloc};
        d->arms[d->n_arms++] = (struct test_arm){id,  b->trial,    "none",     P,       NAN, NAN,
                                                 NAN, b->c_events, b->c_total, b->year, NULL};
    }
}

static int bcg_run(struct run *r, struct bcg_data *d, int mixed, const char *const *options)
{
    bcg_fill(d, mixed);
    return compute(r, "vaccine", "none", options, d->arms, d->n_arms, d->rows, d->n_rows, 1,
                   META_KIND_BINARY);
}

static void same_result(const struct meta_result *a, const struct meta_result *b)
{
    CU_ASSERT_EQUAL_FATAL(a->k, b->k);
    CU_ASSERT_EQUAL(a->k_estimable, b->k_estimable);
    SAME(a->estimate, b->estimate);
    SAME(a->se, b->se);
    SAME(a->ci_lower, b->ci_lower);
    SAME(a->ci_upper, b->ci_upper);
    SAME(a->statistic, b->statistic);
    SAME(a->p, b->p);
    SAME(a->tau2, b->tau2);
    SAME(a->tau2_ci_lower, b->tau2_ci_lower);
    SAME(a->tau2_ci_upper, b->tau2_ci_upper);
    SAME(a->I2, b->I2);
    SAME(a->H2, b->H2);
    SAME(a->Q, b->Q);
    CU_ASSERT_EQUAL(a->Q_df, b->Q_df);
    SAME(a->pi_lower, b->pi_lower);
    SAME(a->pi_upper, b->pi_upper);
    for (size_t i = 0; i < a->k && a->studies && b->studies; i++) {
        SAME(a->studies[i].yi, b->studies[i].yi);
        SAME(a->studies[i].vi, b->studies[i].vi);
        SAME(a->studies[i].weight, b->studies[i].weight);
    }
}

/* Mixed and all-arms analyses under options: the same numbers everywhere. */
static void bcg_same(const char *const *options)
{
    struct run arms, mixed;
    struct bcg_data da, dm;
    CU_ASSERT_EQUAL_FATAL(bcg_run(&arms, &da, 0, options), META_OK);
    CU_ASSERT_EQUAL_FATAL(bcg_run(&mixed, &dm, 1, options), META_OK);
    CU_ASSERT_EQUAL(mixed.an.contrasts.k, BCG_K);
    CU_ASSERT_EQUAL(mixed.an.contrasts.n_excluded, 0);
    same_result(&arms.an.overall, &mixed.an.overall);
    CU_ASSERT_EQUAL_FATAL(arms.an.n_loo, mixed.an.n_loo);
    for (size_t i = 0; i < arms.an.n_loo; i++)
        same_result(&arms.an.loo[i], &mixed.an.loo[i]);
    CU_ASSERT_EQUAL_FATAL(arms.an.n_cum, mixed.an.n_cum);
    for (size_t i = 0; i < arms.an.n_cum; i++) {
        CU_ASSERT_EQUAL(arms.an.cum_order[i], mixed.an.cum_order[i]);
        same_result(&arms.an.cum[i], &mixed.an.cum[i]);
    }
    CU_ASSERT_EQUAL_FATAL(arms.an.n_groups, mixed.an.n_groups);
    for (size_t g = 0; g < arms.an.n_groups; g++) {
        CU_ASSERT_STRING_EQUAL(arms.an.groups[g].value, mixed.an.groups[g].value);
        same_result(&arms.an.groups[g].result, &mixed.an.groups[g].result);
    }
    if (arms.an.have_test) {
        CU_ASSERT(mixed.an.have_test);
        SAME(arms.an.test.Q, mixed.an.test.Q);
        SAME(arms.an.test.p, mixed.an.test.p);
    }
    done(&arms);
    done(&mixed);
}

static void test_bcg_mixed(void)
{
    struct run r;
    struct bcg_data d;
    CU_ASSERT_EQUAL_FATAL(bcg_run(&r, &d, 1, NULL), META_OK);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_RR);
    CU_ASSERT_EQUAL(r.an.log_scale, 1);
    /* estimates_reference.R, "bcg": metafor on the 13 trials' arms */
    const struct meta_result *o = &r.an.overall;
    CLOSE(-0.71453234215813966, o->estimate);
    CLOSE(0.1797815161052069, o->se);
    CLOSE(0.3132432581364859, o->tau2);
    CLOSE(152.23300808237329, o->Q);
    CLOSE(0.11971836114115214, o->tau2_ci_lower);
    CLOSE(1.1114790840609292, o->tau2_ci_upper);
    CLOSE(-1.8666922179028962, o->pi_lower);
    CLOSE(9.6987470189206846, o->studies[3].weight); /* Hart & Sutherland, turned round */
    CLOSE(3.8216290629895808, o->studies[11].weight);
    CU_ASSERT_EQUAL(r.an.contrasts.info[3].source, META_SOURCE_ESTIMATE);
    CU_ASSERT(r.an.contrasts.info[3].estimate->swapped);
    done(&r);

    static const char *const loo_cum[] = {"leave-one-out", NULL, "cumulative", NULL, NULL};
    static const char *const dl[] = {"method", "DL", "by", "alloc", NULL};
    static const char *const common[] = {"model", "common", "by", "alloc", NULL};
    static const char *const hksj[] = {"ci", "hksj", "measure", "OR", NULL};
    static const char *const rd[] = {"measure", "RD", "method", "PM", NULL};
    static const char *const revman5[] = {"convention", "revman5", "by", "alloc", NULL};
    static const char *const rmeta[] = {"convention", "r-meta", "method", "REML", NULL};
    static const char *const prediction[] = {"convention", "revman5", "prediction", "true",
                                             "method",     "REML",    NULL};
    bcg_same(NULL);
    bcg_same(loo_cum);
    bcg_same(dl);
    bcg_same(common);
    bcg_same(revman5);
    bcg_same(rmeta);
    bcg_same(prediction);
    /* Other measures: the rows are RR, so the mixed analysis loses them. */
    CU_ASSERT_EQUAL_FATAL(bcg_run(&r, &d, 1, hksj), META_OK);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 7);
    CU_ASSERT_STRING_EQUAL(reason_of(&r.an.contrasts, "Ferguson & Simes 1949"),
                           "its estimate is of another measure (RR, not OR)");
    done(&r);
    CU_ASSERT_EQUAL_FATAL(bcg_run(&r, &d, 1, rd), META_OK);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 7);
    done(&r);
}

static void test_counts_methods(void)
{
    /* MH and Peto need counts: the estimate rows are left out, the arms pooled. */
    static const char *const mh[] = {"method", "MH", NULL};
    static const char *const peto[] = {"method", "PETO", "measure", "OR", NULL};
    static const char *const rmeta[] = {"convention", "r-meta", NULL};
    static const char *const *const cases[] = {mh, peto, rmeta};
    static const char *const names[] = {"MH", "PETO", "MH"};
    for (size_t c = 0; c < 3; c++) {
        struct run mixed, arms;
        struct bcg_data dm, da;
        CU_ASSERT_EQUAL_FATAL(bcg_run(&mixed, &dm, 1, cases[c]), META_OK);
        CU_ASSERT_EQUAL(mixed.an.opts.method, c == 1 ? META_METHOD_PETO : META_METHOD_MH);
        CU_ASSERT_EQUAL(mixed.an.contrasts.k, 7);
        CU_ASSERT_EQUAL_FATAL(mixed.an.contrasts.n_excluded, 6);
        char want[256];
        snprintf(want, sizeof want,
                 "method %s needs arm counts; the trial reports only an estimate (RR)", names[c]);
        CU_ASSERT_STRING_EQUAL(mixed.an.contrasts.excluded[0].reason, want);
        /* the same as the arms of the odd trials alone */
        bcg_fill(&da, 1);
        CU_ASSERT_EQUAL_FATAL(compute(&arms, "vaccine", "none", cases[c], da.arms, da.n_arms, NULL,
                                      0, 1, META_KIND_BINARY),
                              META_OK);
        same_result(&arms.an.overall, &mixed.an.overall);
        done(&arms);
        done(&mixed);
    }
    /* Estimate rows alone: r-meta takes inverse variance, not MH, by default. */
    struct run r;
    struct bcg_data d;
    bcg_fill(&d, 1);
    CU_ASSERT_EQUAL_FATAL(
        compute(&r, "vaccine", "none", rmeta, NULL, 0, d.rows, d.n_rows, 1, META_KIND_BINARY),
        META_OK);
    CU_ASSERT_EQUAL(r.an.opts.method, META_METHOD_REML);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_RR);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 6);
    done(&r);
    /* and with MH asked for, nothing is left to pool */
    CU_ASSERT_EQUAL(
        compute(&r, "vaccine", "none", mh, NULL, 0, d.rows, d.n_rows, 1, META_KIND_BINARY),
        META_EDOM);
    CU_ASSERT(strstr(r.e.err.msg, "6 trials left out (Ferguson & Simes 1949: method MH needs arm "
                                  "counts") != NULL);
    done(&r);
}

/* ---- Hazard ratios ---------------------------------------------------------- */

/* estimates_reference.R, "HR": Pignon 2000's first 12 trials, log HR =
 * (O-E)/V, se 1/sqrt(V); 5 and 10 stored the other way round. */
static const struct test_estimate hr_rows[] = {
#define HR(id, name, swap, hr, se, grp)                                                            \
    {                                                                                              \
        id, name, swap ? "locoregional" : "chemotherapy", swap ? "chemotherapy" : "locoregional",  \
            swap, "HR", 0, hr, se, NAN, NAN, NAN, NAN, NAN, NULL, grp                              \
    }
    HR(1, "Pitie-74", 0, 0.88325800379020802, 0.26261286571944509, "adjuvant"),
    HR(2, "GETTECadj", 0, 1.2295582902176989, 0.13233720131217205, "adjuvant"),
    HR(3, "Int 0034", 0, 0.91227717566953881, 0.11138647983852824, "adjuvant"),
    HR(4, "JHCFUS", 0, 0.51745975270811229, 0.34299717028501769, "adjuvant"),
    HR(5, "TMH R-4", 1, 0.93941306281347581, 0.39528470752104744, "adjuvant"),
    HR(6, "KKD-86", 0, 1.229855338785492, 0.33903175181040524, "adjuvant"),
    HR(7, "HNU-87a", 0, 0.96078943915232318, 0.44721359549995793, "adjuvant"),
    HR(8, "HNU-87b", 0, 0.87885173263299299, 0.18196863131170976, "adjuvant"),
    HR(9, "IGR-65", 0, 1.0, 0.35805743701971648, "neoadjuvant"),
    HR(10, "RTOG 6801", 1, 1.0063744804754255, 0.089122453710394428, "neoadjuvant"),
    HR(11, "EORTC 24771", 0, 1.0820453001449544, 0.18932061141568829, "neoadjuvant"),
    HR(12, "DENVER-77", 0, 0.78313949490655554, 0.27216552697590868, "neoadjuvant"),
#undef HR
};
static const double hr_weights[] = {3.7555037555037551, 14.78891478891479,  20.875420875420872,
                                    2.2015022015022012, 1.6576016576016577, 2.2533022533022526,
                                    1.2950012950012948, 7.8218078218078206, 2.0202020202020199,
                                    32.608132608132607, 7.2261072261072243, 3.4965034965034962};

static int hr_run(struct run *r, const char *const *options)
{
    return compute(r, "chemotherapy", "locoregional", options, NULL, 0, hr_rows, 12, 0,
                   META_KIND_TIME_TO_EVENT);
}

static void test_hazard_ratios(void)
{
    static const char *const methods[][3] = {{NULL}, {"method", "DL", NULL}};
    for (size_t m = 0; m < 2; m++) {
        struct run r;
        CU_ASSERT_EQUAL_FATAL(hr_run(&r, methods[m]), META_OK);
        CU_ASSERT_EQUAL(r.an.opts.measure, META_HR); /* the only measure of the rows */
        CU_ASSERT_EQUAL(r.an.kind, META_KIND_TIME_TO_EVENT);
        CU_ASSERT_EQUAL(r.an.log_scale, 1);
        const struct meta_result *o = &r.an.overall;
        CU_ASSERT_EQUAL_FATAL(o->k, 12);
        CLOSE(-0.017612017612017607, o->estimate);
        CLOSE(0.050892068046038269, o->se);
        CLOSE(0.0, o->tau2);
        CLOSE(8.8053146298884464, o->Q);
        CLOSE(0.066287468376701617, o->tau2_ci_upper);
        CLOSE(-0.11735863808101432, o->pi_lower);
        CLOSE(0.0821346028569791, o->pi_upper);
        for (size_t i = 0; i < 12; i++)
            CLOSE(hr_weights[i], o->studies[i].weight);
        /* turned round: log(1/HR) */
        CLOSE(-log(0.93941306281347581), o->studies[4].yi);
        done(&r);
    }
    static const char *const by[] = {"by", "timing", NULL};
    struct run r;
    CU_ASSERT_EQUAL_FATAL(hr_run(&r, by), META_OK);
    CU_ASSERT_EQUAL_FATAL(r.an.n_groups, 2);
    CU_ASSERT_STRING_EQUAL(r.an.groups[0].value, "adjuvant");
    CLOSE(-0.031704869785642048, r.an.groups[0].result.estimate);
    CLOSE(-0.010850942318675037, r.an.groups[1].result.estimate);
    CLOSE(0.033906263217136939, r.an.test.Q);
    CLOSE(0.85390634634963747, r.an.test.p);
    done(&r);

    /* What does not fit hazard ratios: the key at fault. */
    static const char *const md[] = {"measure", "MD", NULL};
    CU_ASSERT_EQUAL(hr_run(&r, md), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(r.e.key, "measure");
    CU_ASSERT_STRING_EQUAL(r.e.err.msg, "outcome 'o' is time-to-event (it holds hazard ratios): "
                                        "measure 'MD' does not apply (use HR)");
    done(&r);
    static const char *const mh[] = {"method", "MH", NULL};
    CU_ASSERT_EQUAL(hr_run(&r, mh), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(r.e.key, "method");
    CU_ASSERT(strncmp(r.e.err.msg,
                      "outcome 'o' holds study-level estimates only: method 'MH' needs counts",
                      60) == 0);
    done(&r);
    static const char *const peto[] = {"method", "PETO", NULL};
    CU_ASSERT_EQUAL(hr_run(&r, peto), META_EINVAL);
    CU_ASSERT_STRING_EQUAL(r.e.key, "method");
    done(&r);
}

/* ---- GIV ------------------------------------------------------------------------- */

/* estimates_reference.R, "GIV": Nielweise 2008's first five log incidence
 * rate ratios on the log scale (the third stored the other way round), and
 * a sixth row on the scale given. */
static const struct test_estimate giv_rows[] = {
    {1, "Bong 2003", "a", "b", 0, "GIV", 1, -0.060506257609632463, 0.48349377841522817, NAN, NAN,
     NAN, NAN, NAN, NULL, NULL},
    {2, "Ciresi 1996", "a", "b", 0, "GIV", 1, -0.090882496477172836, 0.5, NAN, NAN, NAN, NAN, NAN,
     NULL, NULL},
    {3, "Hanna 2004", "b", "a", 1, "GIV", 1, 1.6319164444443084, 0.63620901028035182, NAN, NAN, NAN,
     NAN, NAN, NULL, NULL},
    {4, "Harter 2002", "a", "b", 0, "GIV", 1, -0.53254414772063363, 0.5163977794943222, NAN, NAN,
     NAN, NAN, NAN, NULL, NULL},
    {5, "Jaeger 2001", "a", "b", 0, "GIV", 1, 0.26651364801430244, 1.4142135623730951, NAN, NAN,
     NAN, NAN, NAN, NULL, NULL},
    {6, "Other", "a", "b", 0, "GIV", 0, 0.7, 0.3, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
};

static void test_giv(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(compute(&r, "a", "b", NULL, NULL, 0, giv_rows, 6, 0, META_KIND_GENERIC),
                          META_OK);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_GIV);
    CU_ASSERT_EQUAL(r.an.log_scale, 1); /* five rows of six on the log scale */
    CU_ASSERT_EQUAL_FATAL(r.an.contrasts.k, 5);
    CU_ASSERT_STRING_EQUAL(reason_of(&r.an.contrasts, "Other"),
                           "its GIV estimate is on the scale given, the analysis' estimates on "
                           "the log scale");
    const struct meta_result *o = &r.an.overall;
    CLOSE(-0.4498614888935043, o->estimate);
    CLOSE(0.29214065467731481, o->se);
    CLOSE(0.077794850857299508, o->tau2);
    CLOSE(4.8947323963828024, o->Q);
    CLOSE(3.8671495613072162, o->tau2_ci_upper);
    CLOSE(-1.2415050218681185, o->pi_lower);
    CLOSE(4.1075355480872533, o->studies[4].weight);
    CU_ASSERT_EQUAL(o->studies[2].yi, -1.6319164444443084); /* not exponentiated, turned round */
    done(&r);

    /* On the scale given: nothing is back-transformed. */
    CU_ASSERT_EQUAL_FATAL(
        compute(&r, "a", "b", NULL, NULL, 0, &giv_rows[5], 1, 0, META_KIND_GENERIC), META_OK);
    CU_ASSERT_EQUAL(r.an.log_scale, 0);
    CU_ASSERT_EQUAL(r.an.overall.estimate, 0.7);
    done(&r);
    static const char *const hr[] = {"measure", "HR", NULL};
    CU_ASSERT_EQUAL(compute(&r, "a", "b", hr, NULL, 0, giv_rows, 6, 0, META_KIND_GENERIC),
                    META_EINVAL);
    CU_ASSERT_STRING_EQUAL(r.e.key, "measure");
    done(&r);
}

/* ---- The measure of estimate rows alone -------------------------------------------- */

static void test_default_measure(void)
{
    static const struct test_estimate mixed[] = {
        {1, "X", "a", "b", 0, "OR", 0, 0.5, 0.3, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
        {2, "Y", "a", "b", 0, "RR", 0, 0.7, 0.2, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
        {3, "Z", "a", "b", 0, "OR", 0, 0.6, 0.4, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    };
    static const struct test_estimate no_default[] = {
        {1, "X", "a", "b", 0, "OR", 0, 0.5, 0.3, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
        {2, "Y", "a", "b", 0, "RD", 0, 0.1, 0.05, NAN, NAN, NAN, NAN, NAN, NULL, NULL},
    };
    struct run r;
    /* several measures, the outcome type's default (RR) among them: it is pooled */
    CU_ASSERT_EQUAL_FATAL(compute(&r, "a", "b", NULL, NULL, 0, mixed, 3, 1, META_KIND_BINARY),
                          META_OK);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_RR);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 1);
    CU_ASSERT_EQUAL(r.an.overall.estimate, log(0.7));
    done(&r);
    /* several measures, the default not among them: one must be chosen */
    CU_ASSERT_EQUAL(compute(&r, "a", "b", NULL, NULL, 0, no_default, 2, 1, META_KIND_BINARY),
                    META_EINVAL);
    CU_ASSERT_PTR_NULL(r.e.key);
    CU_ASSERT_STRING_EQUAL(r.e.err.msg, "outcome 'o' has only estimate rows here, of several "
                                        "measures (OR, RD): choose one with measure");
    done(&r);
    static const char *const or [] = {"measure", "OR", NULL};
    CU_ASSERT_EQUAL_FATAL(compute(&r, "a", "b", or, NULL, 0, mixed, 3, 1, META_KIND_BINARY),
                          META_OK);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 2);
    done(&r);
    /* one measure: it is the default, even against the outcome type's */
    CU_ASSERT_EQUAL_FATAL(compute(&r, "a", "b", NULL, NULL, 0, &mixed[2], 1, 1, META_KIND_BINARY),
                          META_OK);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_OR);
    CU_ASSERT_EQUAL(r.an.overall.estimate, log(0.6));
    done(&r);
    /* with arms in the selection, the outcome type's default (RR) stays */
    static const struct test_arm arm[] = {
        {4, "W", "a", K, NAN, NAN, NAN, 3, 20, NULL, NULL},
        {4, "W", "b", P, NAN, NAN, NAN, 6, 20, NULL, NULL},
    };
    CU_ASSERT_EQUAL_FATAL(compute(&r, "a", "b", NULL, arm, 2, &mixed[2], 1, 1, META_KIND_BINARY),
                          META_OK);
    CU_ASSERT_EQUAL(r.an.opts.measure, META_RR);
    CU_ASSERT_EQUAL(r.an.contrasts.k, 1);
    done(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const struct meta_test_case cases[] = {
        {"rows chosen, turned round, left out and why", test_rows_and_reasons},
        {"arms and estimates mixed, against metafor", test_mixed_against_metafor},
        {"BCG: rows of the arms' effects equal the arms", test_bcg_mixed},
        {"MH and Peto: estimate rows left out", test_counts_methods},
        {"hazard ratios against metafor", test_hazard_ratios},
        {"GIV on the log scale against metafor", test_giv},
        {"the measure of estimate rows alone", test_default_measure},
        {NULL, NULL},
    };
    return meta_test_run_suite("estimates", NULL, NULL, cases);
}
