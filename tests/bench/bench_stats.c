/*
 * Benchmark of lib/stats pooling from effect sizes: meta_pool_yv() with each
 * random-effects estimator (and the common model) on k simulated studies,
 * k = 1000 and 1,000,000 by default. Prints wall time per analysis (tau^2,
 * Q-profile interval, prediction interval and per-study weights included)
 * and the estimator's iterations. Usage: bench_stats [k...]
 */
#include "meta_stats.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* yi ~ N(0.3, 0.05 + vi), vi ~ U(0.01, 0.5), from a fixed seed. */
static int simulate(size_t k, double **yi, double **vi)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    *yi = malloc(k * sizeof **yi);
    *vi = malloc(k * sizeof **vi);
    if (!rng || !*yi || !*vi) {
        gsl_rng_free(rng);
        return -1;
    }
    gsl_rng_set(rng, 20240601);
    for (size_t i = 0; i < k; i++) {
        (*vi)[i] = 0.01 + 0.49 * gsl_rng_uniform(rng);
        (*yi)[i] = 0.3 + gsl_ran_gaussian(rng, sqrt(0.05 + (*vi)[i]));
    }
    gsl_rng_free(rng);
    return 0;
}

static int bench(size_t k)
{
    static const enum meta_method methods[] = {META_METHOD_IV, META_METHOD_DL, META_METHOD_REML,
                                               META_METHOD_ML, META_METHOD_PM, META_METHOD_HE,
                                               META_METHOD_HS, META_METHOD_SJ, META_METHOD_EB};
    double *yi = NULL, *vi = NULL;
    int ret = 0;
    if (simulate(k, &yi, &vi) != 0) {
        fprintf(stderr, "bench_stats: out of memory for k = %zu\n", k);
        ret = 1;
        goto cleanup;
    }
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        struct meta_options o;
        struct meta_result r;
        struct meta_error err;
        meta_options_init(&o);
        o.method = methods[m];
        o.model = methods[m] == META_METHOD_IV ? META_MODEL_COMMON : META_MODEL_RANDOM;
        int reps = k <= 10000 ? 200 : 3;
        double best = 1e300;
        for (int rep = 0; rep < reps; rep++) {
            double t0 = now();
            int st = meta_pool_yv(yi, vi, k, &o, &r, &err);
            double dt = now() - t0;
            if (st != META_OK) {
                fprintf(stderr, "bench_stats: %s: %s\n", meta_method_name(o.method), err.msg);
                ret = 1;
                goto cleanup;
            }
            if (dt < best)
                best = dt;
            if (rep + 1 < reps)
                meta_result_release(&r);
        }
        printf("k = %8zu  %-4s  %10.3f ms  iterations %3d  tau2 %.6g  [%.6g, %.6g]\n", k,
               meta_method_name(o.method), best * 1e3, r.iterations, r.tau2, r.tau2_ci_lower,
               r.tau2_ci_upper);
        meta_result_release(&r);
    }

cleanup:
    free(yi);
    free(vi);
    return ret;
}

int main(int argc, char **argv)
{
    int ret = 0;
    gsl_set_error_handler_off();
    if (argc < 2) {
        ret |= bench(1000);
        ret |= bench(1000000);
    }
    for (int i = 1; i < argc; i++)
        ret |= bench((size_t)strtoull(argv[i], NULL, 10));
    return ret;
}
