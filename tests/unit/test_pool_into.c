/*
 * Unit tests of meta_pool_yv_into(), pooling into a per-study array the
 * caller owns: the same bits as meta_pool_yv() for every model and several
 * k, the caller's array reused from call to call and never freed by
 * meta_result_release() (run under ASan too), and bad arguments.
 */
#include "cunit_main.h"
#include "meta_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* k values: one study, two, a few, across the 256-study blocks in which the
 * per-study rows are written, and many. */
static const size_t ks[] = {1, 2, 3, 10, 255, 257, 1000, 100003};

struct model {
    enum meta_model model;
    enum meta_method method;
    enum meta_ci ci;
};

static const struct model models[] = {
    {META_MODEL_COMMON, META_METHOD_IV, META_CI_Z},
    {META_MODEL_COMMON, META_METHOD_IV, META_CI_HKSJ},
    {META_MODEL_RANDOM, META_METHOD_DL, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_REML, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_PM, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_ML, META_CI_HKSJ},
    {META_MODEL_RANDOM, META_METHOD_EB, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_SJ, META_CI_HKSJ},
    {META_MODEL_RANDOM, META_METHOD_HE, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_HS, META_CI_Z},
    {META_MODEL_RANDOM, META_METHOD_REML, META_CI_HKSJ},
};

static void opts_for(struct meta_options *o, const struct model *m)
{
    meta_options_init(o);
    o->measure = META_SMD;
    o->model = m->model;
    o->method = m->method;
    o->ci = m->ci;
}

/* k heterogeneous studies from a fixed seed (xorshift64; uniform deviates
 * summed for a rough normal), so that tau^2 > 0 and every field is set. */
static void make_data(double *yi, double *vi, size_t k, unsigned long long seed)
{
    unsigned long long s = seed;
    for (size_t i = 0; i < k; i++) {
        double u = 0.0;
        for (int j = 0; j < 4; j++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            u += (double)(s >> 11) / 9007199254740992.0 - 0.5;
        }
        vi[i] = 0.01 + 0.3 * (double)(i % 37) / 37.0;
        yi[i] = 0.2 + sqrt(0.04 + vi[i]) * u * 1.7;
    }
}

/* 1 when a and b hold the same bits (NAN equal to the same NAN, -0 not 0). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Counts the fields of a and b, and of their first k studies, whose bits
 * differ; prints the first. */
static int differences(const struct meta_result *a, const struct meta_result *b, size_t k,
                       const char *what)
{
    const double fa[] = {a->level,         a->estimate, a->se,      a->ci_lower, a->ci_upper,
                         a->statistic,     a->df,       a->p,       a->tau2,     a->tau2_ci_lower,
                         a->tau2_ci_upper, a->tau,      a->I2,      a->H2,       a->Q,
                         a->Q_p,           a->pi_lower, a->pi_upper};
    const double fb[] = {b->level,         b->estimate, b->se,      b->ci_lower, b->ci_upper,
                         b->statistic,     b->df,       b->p,       b->tau2,     b->tau2_ci_lower,
                         b->tau2_ci_upper, b->tau,      b->I2,      b->H2,       b->Q,
                         b->Q_p,           b->pi_lower, b->pi_upper};
    int n = 0;
    for (size_t i = 0; i < N(fa); i++) {
        if (!same(fa[i], fb[i]) && n++ == 0)
            printf("\n    %s: field %zu: %.17g against %.17g", what, i, fa[i], fb[i]);
    }
    n += a->k != b->k || a->measure != b->measure || a->model != b->model ||
         a->method != b->method || a->ci != b->ci || a->Q_df != b->Q_df ||
         a->iterations != b->iterations || a->converged != b->converged;
    for (size_t i = 0; i < k; i++) {
        const struct meta_study_result *s = &a->studies[i], *t = &b->studies[i];
        if (!same(s->yi, t->yi) || !same(s->vi, t->vi) || !same(s->ci_lower, t->ci_lower) ||
            !same(s->ci_upper, t->ci_upper) || !same(s->weight, t->weight)) {
            if (n++ == 0)
                printf("\n    %s: study %zu differs", what, i + 1);
        }
    }
    return n;
}

/* Every model and k: the caller's array gives what meta_pool_yv() gives, bit
 * for bit; entries beyond k are not touched; one array serves every call. */
static void test_same_bits(void)
{
    const size_t kmax = ks[N(ks) - 1], cap = kmax + 3;
    double *yi = malloc(kmax * sizeof *yi), *vi = malloc(kmax * sizeof *vi);
    struct meta_study_result *buf = malloc(cap * sizeof *buf);
    struct meta_error err = {""};
    char what[96];
    CU_ASSERT_FATAL(yi && vi && buf);
    for (size_t ik = 0; ik < N(ks); ik++) {
        size_t k = ks[ik];
        make_data(yi, vi, k, 0x9E3779B97F4A7C15ULL + k);
        for (size_t im = 0; im < N(models); im++) {
            struct meta_options o;
            struct meta_result ref, got;
            opts_for(&o, &models[im]);
            snprintf(what, sizeof what, "k = %zu, %s, %s", k, meta_method_name(o.method),
                     meta_ci_name(o.ci));
            for (size_t i = k; i < cap; i++)
                buf[i].yi = buf[i].vi = buf[i].ci_lower = buf[i].ci_upper = buf[i].weight = -7.0;
            CU_ASSERT_EQUAL_FATAL(meta_pool_yv(yi, vi, k, &o, &ref, &err), META_OK);
            int ret = meta_pool_yv_into(yi, vi, k, &o, buf, cap, &got, &err);
            if (ret != META_OK)
                printf("\n    %s: %s", what, err.msg);
            CU_ASSERT_EQUAL_FATAL(ret, META_OK);
            CU_ASSERT(got.studies == buf);
            CU_ASSERT(got.studies_borrowed == 1);
            CU_ASSERT(ref.studies != buf && ref.studies_borrowed == 0);
            CU_ASSERT_EQUAL(differences(&got, &ref, k, what), 0);
            size_t touched = 0;
            for (size_t i = k; i < cap; i++)
                touched += !(buf[i].yi == -7.0 && buf[i].weight == -7.0);
            CU_ASSERT_EQUAL(touched, 0);
            /* The data are heterogeneous from k = 3 on (k = 2 gives tau^2 = 0,
             * the boundary): the comparison covers tau^2 > 0 and its interval. */
            if (k >= 3 && o.model == META_MODEL_RANDOM)
                CU_ASSERT(got.tau2 > 0.0 && isfinite(got.tau2_ci_upper));
            meta_result_release(&ref);
            meta_result_release(&got);
        }
    }
    free(buf);
    free(yi);
    free(vi);
}

/* The array is the caller's: the same pointer from call to call, each call
 * overwriting the last one's entries; release leaves it alone, contents
 * intact. On the stack, so that a free() of it would abort (and ASan name
 * it); on the heap, freed here, so that a free() by release would be a
 * double free. */
static void test_reuse_and_release(void)
{
    enum { K = 40 };
    double yi[K], vi[K];
    struct meta_study_result on_stack[K], kept[K];
    struct meta_study_result *on_heap = malloc(K * sizeof *on_heap);
    struct meta_study_result *bufs[] = {on_stack, on_heap};
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(on_heap != NULL);
    make_data(yi, vi, K, 42);
    meta_options_init(&o);
    for (size_t b = 0; b < N(bufs); b++) {
        double first_weight = NAN;
        for (size_t im = 0; im < N(models); im++) {
            opts_for(&o, &models[im]);
            CU_ASSERT_EQUAL_FATAL(meta_pool_yv_into(yi, vi, K, &o, bufs[b], K, &r, &err), META_OK);
            CU_ASSERT(r.studies == bufs[b] && r.studies_borrowed == 1);
            if (im == 0)
                first_weight = bufs[b][0].weight; /* common model: 1/vi */
            if (models[im].method == META_METHOD_DL)
                CU_ASSERT(bufs[b][0].weight != first_weight); /* overwritten: 1/(vi + tau2) */
            memcpy(kept, bufs[b], sizeof kept);
            meta_result_release(&r);
            CU_ASSERT(r.studies == NULL && r.studies_borrowed == 0);
            CU_ASSERT(memcmp(kept, bufs[b], sizeof kept) == 0);
            meta_result_release(&r); /* twice: still nothing to free */
        }
        /* A smaller k in the same array, then the owned path afterwards in
         * the same result: release frees that one as before. */
        CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, 5, &o, bufs[b], K, &r, &err), META_OK);
        CU_ASSERT(r.k == 5 && r.studies == bufs[b]);
        meta_result_release(&r);
        CU_ASSERT_EQUAL(meta_pool_yv(yi, vi, K, &o, &r, &err), META_OK);
        CU_ASSERT(r.studies != NULL && r.studies != bufs[b] && r.studies_borrowed == 0);
        meta_result_release(&r);
    }
    free(on_heap);
}

/* Checks that a failed call left *r initialised: no array, NAN numbers. */
static void check_failed(const struct meta_result *r)
{
    CU_ASSERT(r->studies == NULL && r->studies_borrowed == 0);
    CU_ASSERT(isnan(r->estimate) && isnan(r->tau2));
}

/* Bad arguments give META_EINVAL with a message and leave the result
 * initialised; a failure after the array was attached (no convergence)
 * leaves the array the caller's (freed below: ASan would see a double
 * free). */
static void test_bad_arguments(void)
{
    enum { K = 6 };
    double yi[K], vi[K];
    struct meta_study_result *buf = malloc(K * sizeof *buf);
    struct meta_options o;
    struct meta_result r;
    struct meta_error err = {""};
    CU_ASSERT_FATAL(buf != NULL);
    make_data(yi, vi, K, 7);
    meta_options_init(&o);

    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, NULL, K, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "buffer") != NULL);
    check_failed(&r);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, NULL, 0, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K - 1, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "holds 5 studies, 6 to pool") != NULL);
    check_failed(&r);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, 0, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, 0, &o, buf, K, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(NULL, vi, K, &o, buf, K, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, NULL, K, &o, buf, K, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, NULL, buf, K, &r, &err), META_EINVAL);
    check_failed(&r);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K, NULL, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, NULL, K, NULL, NULL), META_EINVAL);

    yi[3] = NAN;
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "study 4") != NULL);
    check_failed(&r);
    yi[3] = 0.1;
    vi[0] = 0.0;
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K, &r, &err), META_EINVAL);
    vi[0] = 0.1;
    o.model = META_MODEL_COMMON;
    o.method = META_METHOD_MH;
    o.measure = META_RR;
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K, &r, &err), META_EINVAL);
    check_failed(&r);

    /* The array where yi or vi lie: the results would overwrite the data.
     * mem holds yi in its bytes 0..47 and vi in 48..95 (K = 6 doubles each);
     * entry j of the array fills bytes 40 j .. 40 j + 39. */
    meta_options_init(&o);
    size_t cap = 2 * K;
    struct meta_study_result *mem = malloc(cap * sizeof *mem);
    CU_ASSERT_FATAL(mem != NULL);
    double *shared = (double *)(void *)mem;
    make_data(shared, shared + K, K, 7);
    CU_ASSERT_EQUAL(meta_pool_yv_into(shared, vi, K, &o, mem, cap, &r, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "overlaps") != NULL);
    check_failed(&r);
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, shared + K, K, &o, mem, cap, &r, &err), META_EINVAL);
    CU_ASSERT_EQUAL(meta_pool_yv_into(shared, shared + K, K, &o, mem + 2, cap - 2, &r, &err),
                    META_EINVAL); /* bytes 80..95 shared with vi */
    /* Right after them (from byte 120): fine, and the data stay as they were. */
    double copy[2 * K];
    memcpy(copy, shared, sizeof copy);
    CU_ASSERT_EQUAL(meta_pool_yv_into(shared, shared + K, K, &o, mem + 3, cap - 3, &r, &err),
                    META_OK);
    CU_ASSERT(r.studies == mem + 3);
    CU_ASSERT(memcmp(copy, shared, sizeof copy) == 0);
    meta_result_release(&r);
    free(mem);

    /* Failing after the array was attached: REML given one iteration. */
    o.method = META_METHOD_REML;
    o.max_iter = 1;
    CU_ASSERT_EQUAL(meta_pool_yv_into(yi, vi, K, &o, buf, K, &r, &err), META_ENOCONV);
    check_failed(&r);
    meta_result_release(&r);
    free(buf);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"same bits as meta_pool_yv", test_same_bits},
        {"the caller's array is reused and never freed", test_reuse_and_release},
        {"bad arguments give META_EINVAL", test_bad_arguments},
        {NULL, NULL},
    };
    return meta_test_run_suite("pool into the caller's array", NULL, NULL, cases);
}
