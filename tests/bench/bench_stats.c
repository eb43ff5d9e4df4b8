/*
 * Library benchmark: lib/stats in-process on the yi,vi files of bench_smd
 * (which metafor and statsmodels read too), DL, REML and PM: median time of
 * `fit` (what rma() returns), `tau2ci` (what confint() adds), `full`, the
 * `estimator` alone, and `floor` (a plain loop over yi and vi, once). `fit`
 * and `full` write the per-study results into one array allocated per file,
 * outside the timed loop (meta_pool_yv_into(), as a caller pooling again and
 * again would; their lines say studies=caller); `fit_alloc` is `fit` with a
 * new array per call, as meta_pool_yv() allocates it (studies=alloc).
 */
#include "stats_internal.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 20001
#define MIN_REPS 5

static const enum meta_method methods[] = {META_METHOD_DL, META_METHOD_REML, META_METHOD_PM};
#define NMETHODS (sizeof methods / sizeof methods[0])

enum op { OP_FIT, OP_FIT_ALLOC, OP_TAU2CI, OP_FULL, OP_ESTIMATOR };

struct data {
    double *yi, *vi;
    size_t k;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* Reads a "yi,vi" CSV with a header line into d. Returns 0 or -1. */
static int read_data(const char *path, struct data *d)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1024;
    char line[256];
    int ret = -1;
    d->k = 0;
    d->yi = malloc(cap * sizeof *d->yi);
    d->vi = malloc(cap * sizeof *d->vi);
    if (!f || !d->yi || !d->vi || !fgets(line, sizeof line, f))
        goto cleanup;
    while (fgets(line, sizeof line, f)) {
        char *end, *end2;
        if (d->k == cap) {
            cap *= 2;
            double *y = realloc(d->yi, cap * sizeof *y);
            if (y)
                d->yi = y;
            double *v = realloc(d->vi, cap * sizeof *v);
            if (v)
                d->vi = v;
            if (!y || !v)
                goto cleanup;
        }
        errno = 0;
        d->yi[d->k] = strtod(line, &end);
        if (*end != ',')
            goto cleanup;
        d->vi[d->k] = strtod(end + 1, &end2);
        if (end2 == end + 1 || errno != 0)
            goto cleanup;
        d->k++;
    }
    ret = d->k > 0 && !ferror(f) ? 0 : -1;

cleanup:
    if (f)
        fclose(f);
    if (ret != 0)
        fprintf(stderr, "bench_stats: error: cannot read '%s' as yi,vi lines\n", path);
    return ret;
}

/* The memory-bandwidth floor: one plain pass over yi and vi forming
 * w = 1/(v + t), sum w and sum w y, as every tau^2 iteration must. The sink
 * keeps the compiler from dropping the loop; t changes from call to call. */
static volatile double sink;

static void floor_pass(const struct data *d, double t)
{
    double W = 0.0, swy = 0.0;
    for (size_t i = 0; i < d->k; i++) {
        double w = 1.0 / (d->vi[i] + t);
        W += w;
        swy += w * d->yi[i];
    }
    sink = swy / W;
}

/* One operation to time, its inputs and its last outcome. */
struct timed {
    const struct data *d;
    const struct meta_options *o;
    struct meta_study_result *buf; /* d->k entries, reused by fit and full */
    enum op op;
    double tau2; /* for OP_TAU2CI */
    struct meta_result r;
    double lower, upper;
    double tau2_est; /* OP_ESTIMATOR's tau^2 and mean */
    double mu;
    int iterations;
    int evals; /* passes over the data */
    int status;
    struct meta_error err;
};

static void run_once(struct timed *c)
{
    switch (c->op) {
    case OP_FIT:
    case OP_FIT_ALLOC:
        meta_result_release(&c->r);
        c->status = meta_pool_yv_fit(c->d->yi, c->d->vi, c->d->k, c->o,
                                     c->op == OP_FIT ? c->buf : NULL, c->d->k, &c->r, &c->err);
        break;
    case OP_FULL:
        meta_result_release(&c->r);
        c->status =
            meta_pool_yv_into(c->d->yi, c->d->vi, c->d->k, c->o, c->buf, c->d->k, &c->r, &c->err);
        break;
    case OP_TAU2CI: {
        struct meta_iv_data d;
        meta_iv_data_init(&d, c->d->yi, c->d->vi, c->d->k);
        c->status = meta_tau2_qprofile(&d, c->tau2, c->o->level, c->o->tol, c->o->max_iter,
                                       &c->lower, &c->upper, &c->err);
        c->evals = d.passes;
        break;
    }
    case OP_ESTIMATOR: {
        struct meta_iv_data d;
        struct meta_iv_sums sums;
        meta_iv_data_init(&d, c->d->yi, c->d->vi, c->d->k);
        c->status = meta_tau2_estimate(&d, c->o->method, c->o->tol, c->o->max_iter, &c->tau2_est,
                                       &c->iterations, &c->err);
        meta_iv_pass(&d, c->tau2_est, 0, &sums);
        c->mu = sums.mu;
        c->evals = d.passes;
        break;
    }
    }
}

/* Repeats the operation until min_time has passed (at least MIN_REPS times)
 * and returns the median time of one call; *reps receives the count. */
static double time_op(struct timed *c, double min_time, double *times, int *reps)
{
    double start = now();
    int n = 0;
    while (n < MAX_REPS && (n < MIN_REPS || now() - start < min_time)) {
        double t0 = now();
        run_once(c);
        times[n++] = now() - t0;
        if (c->status != META_OK)
            break;
    }
    *reps = n;
    return median(times, n);
}

static double time_floor(const struct data *d, double min_time, double *times, int *reps)
{
    double start = now();
    int n = 0;
    while (n < MAX_REPS && (n < MIN_REPS || now() - start < min_time)) {
        double t0 = now();
        floor_pass(d, 0.05 + 1e-9 * n);
        times[n++] = now() - t0;
    }
    *reps = n;
    return median(times, n);
}

static int bench_file(const char *path, double min_time, double *times)
{
    struct data d = {NULL, NULL, 0};
    struct meta_study_result *buf = NULL;
    int ret = 1, reps;
    if (read_data(path, &d) != 0)
        goto cleanup;
    /* The per-study array of fit and full, allocated once: not timed. */
    buf = malloc(d.k * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "bench_stats: out of memory for %zu studies\n", d.k);
        goto cleanup;
    }
    double floor_t = time_floor(&d, min_time, times, &reps);
    printf("tool=meta op=floor k=%zu time=%.6e reps=%d\n", d.k, floor_t, reps);
    fflush(stdout);

    for (size_t m = 0; m < NMETHODS; m++) {
        struct meta_options o;
        meta_options_init(&o);
        o.measure = META_SMD;
        o.method = methods[m];
        const char *name = meta_method_name(o.method);
        struct timed c = {.d = &d, .o = &o, .buf = buf};
        meta_result_init(&c.r);

        c.op = OP_FIT;
        double t = time_op(&c, min_time, times, &reps);
        if (c.status != META_OK) {
            fprintf(stderr, "bench_stats: %s: k = %zu: %s\n", name, d.k, c.err.msg);
            meta_result_release(&c.r);
            goto cleanup;
        }
        int passes = c.r.iterations > 1 ? c.r.iterations : 1;
        printf("tool=meta op=fit method=%s k=%zu time=%.6e reps=%d iterations=%d floor=%.6e "
               "studies=caller tau2=%.15g estimate=%.15g se=%.15g Q=%.15g\n",
               name, d.k, t, reps, c.r.iterations, passes * floor_t, c.r.tau2, c.r.estimate, c.r.se,
               c.r.Q);
        fflush(stdout);

        c.op = OP_FIT_ALLOC;
        t = time_op(&c, min_time, times, &reps);
        if (c.status != META_OK) {
            fprintf(stderr, "bench_stats: %s: k = %zu: %s\n", name, d.k, c.err.msg);
            meta_result_release(&c.r);
            goto cleanup;
        }
        printf("tool=meta op=fit_alloc method=%s k=%zu time=%.6e reps=%d studies=alloc "
               "tau2=%.15g estimate=%.15g\n",
               name, d.k, t, reps, c.r.tau2, c.r.estimate);
        fflush(stdout);

        c.op = OP_ESTIMATOR;
        t = time_op(&c, min_time, times, &reps);
        if (c.status != META_OK) {
            fprintf(stderr, "bench_stats: %s: k = %zu: %s\n", name, d.k, c.err.msg);
            meta_result_release(&c.r);
            goto cleanup;
        }
        passes = c.iterations > 1 ? c.iterations : 1;
        printf("tool=meta op=estimator method=%s k=%zu time=%.6e reps=%d iterations=%d "
               "passes=%d floor=%.6e tau2=%.15g estimate=%.15g\n",
               name, d.k, t, reps, c.iterations, c.evals, passes * floor_t, c.tau2_est, c.mu);
        fflush(stdout);

        c.op = OP_TAU2CI;
        c.tau2 = c.r.tau2;
        t = time_op(&c, min_time, times, &reps);
        if (c.status != META_OK) {
            fprintf(stderr, "bench_stats: %s: k = %zu: tau^2 interval: %s\n", name, d.k, c.err.msg);
            meta_result_release(&c.r);
            goto cleanup;
        }
        printf("tool=meta op=tau2ci method=%s k=%zu time=%.6e reps=%d passes=%d "
               "floor=%.6e lower=%.15g upper=%.15g\n",
               name, d.k, t, reps, c.evals, (c.evals > 1 ? c.evals : 1) * floor_t, c.lower,
               c.upper);
        fflush(stdout);

        c.op = OP_FULL;
        t = time_op(&c, min_time, times, &reps);
        if (c.status != META_OK) {
            fprintf(stderr, "bench_stats: %s: k = %zu: %s\n", name, d.k, c.err.msg);
            meta_result_release(&c.r);
            goto cleanup;
        }
        printf("tool=meta op=full method=%s k=%zu time=%.6e reps=%d studies=caller\n", name, d.k, t,
               reps);
        fflush(stdout);
        meta_result_release(&c.r);
    }
    ret = 0;

cleanup:
    free(buf);
    free(d.yi);
    free(d.vi);
    return ret;
}

/* Usage: bench_stats [--min-time SECONDS] FILE... (one line per figure). */
int main(int argc, char **argv)
{
    double min_time = 0.3;
    int ret = 0, i = 1;
    double *times = malloc(MAX_REPS * sizeof *times);

    gsl_set_error_handler_off();
    if (!times)
        return 1;
    if (i + 1 < argc && strcmp(argv[i], "--min-time") == 0) {
        min_time = strtod(argv[i + 1], NULL);
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: bench_stats [--min-time SECONDS] FILE...\n");
        ret = 2;
    }
    for (; i < argc; i++)
        ret |= bench_file(argv[i], min_time, times);
    free(times);
    return ret;
}
