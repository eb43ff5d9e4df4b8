/*
 * Library benchmark of the small-study tests and meta-regression: lib/stats
 * in-process on the yi,vi files of bench_smd with three moderators added
 * (`dose` and `year` numeric, `class` with three levels), the files that
 * bench_bias_metafor.R reads too. Median time of the meta-regression (DL,
 * REML, PM; the design built once, as metafor is given its model matrix),
 * of building the design from text, of Egger's test (lm), of the default
 * regression test (REML), of the rank correlation test, of trim-and-fill
 * (L0, REML), and the floor: one plain pass over the file's numbers. Each
 * line gives the median wall time of a call (`time`) and its median
 * processor time (`cpu`).
 * Usage: bench_bias --write-mods YV.csv OUT.csv   (adds the moderators)
 *        bench_bias [--min-time SECONDS] [--op NAME] FILE...  (one line per
 *        figure; --op times that operation alone, e.g. begg)
 */
#include "meta_bias.h"
#include "meta_metareg.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 20001
#define MIN_REPS 5

static const char *const levels[] = {"A", "B", "C"};

struct data {
    size_t k;
    double *yi, *vi, *dose, *year;
    const char **values; /* k x 3: dose, year, class as text */
    char *text;          /* the numbers' text, 2 x 32 bytes a row */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* A reproducible hash of the row number (SplitMix64's finaliser). */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* --write-mods: yi,vi in, yi,vi,dose,year,class out. */
static int write_mods(const char *in, const char *out)
{
    FILE *f = fopen(in, "r"), *g = fopen(out, "w");
    char line[256];
    int ret = 1;
    if (!f || !g || !fgets(line, sizeof line, f))
        goto cleanup;
    fprintf(g, "yi,vi,dose,year,class\n");
    for (uint64_t i = 0; fgets(line, sizeof line, f); i++) {
        double y, v;
        if (sscanf(line, "%lf,%lf", &y, &v) != 2)
            goto cleanup;
        uint64_t h = mix(i);
        fprintf(g, "%.17g,%.17g,%.1f,%d,%s\n", y, v, (double)(h % 1000) / 10.0,
                1980 + (int)((h >> 20) % 41), levels[(h >> 40) % 3]);
    }
    ret = ferror(f) || fclose(g) != 0;
    g = NULL;

cleanup:
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    if (ret)
        fprintf(stderr, "bench_bias: error: cannot turn '%s' into '%s'\n", in, out);
    return ret;
}

static void data_free(struct data *d)
{
    free(d->yi);
    free(d->vi);
    free(d->dose);
    free(d->year);
    free(d->values);
    free(d->text);
}

/* Reads a yi,vi,dose,year,class file. 0 or -1. */
static int read_data(const char *path, struct data *d)
{
    FILE *f = fopen(path, "r");
    char line[256];
    size_t cap = 0;
    int ret = -1;
    memset(d, 0, sizeof *d);
    if (!f || !fgets(line, sizeof line, f))
        goto cleanup;
    while (fgets(line, sizeof line, f)) {
        if (d->k == cap) {
            cap = cap ? 2 * cap : 1024;
            double *a = realloc(d->yi, cap * sizeof *a);
            if (a)
                d->yi = a;
            double *b = realloc(d->vi, cap * sizeof *b);
            if (b)
                d->vi = b;
            double *c = realloc(d->dose, cap * sizeof *c);
            if (c)
                d->dose = c;
            double *e = realloc(d->year, cap * sizeof *e);
            if (e)
                d->year = e;
            const char **v = realloc(d->values, 3 * cap * sizeof *v);
            if (v)
                d->values = v;
            char *t = realloc(d->text, 64 * cap);
            if (t)
                d->text = t;
            if (!a || !b || !c || !e || !v || !t)
                goto cleanup;
        }
        char cls[8];
        size_t i = d->k;
        if (sscanf(line, "%lf,%lf,%lf,%lf,%7s", &d->yi[i], &d->vi[i], &d->dose[i], &d->year[i],
                   cls) != 5)
            goto cleanup;
        d->values[3 * i + 2] = levels[cls[0] == 'A' ? 0 : cls[0] == 'B' ? 1 : 2];
        d->k++;
    }
    /* Text pointers only now: the buffer has stopped moving. */
    for (size_t i = 0; i < d->k; i++) {
        char *t = d->text + 64 * i;
        snprintf(t, 32, "%.1f", d->dose[i]);
        snprintf(t + 32, 32, "%.0f", d->year[i]);
        d->values[3 * i] = t;
        d->values[3 * i + 1] = t + 32;
    }
    ret = d->k > 2 && !ferror(f) ? 0 : -1;

cleanup:
    if (f)
        fclose(f);
    if (ret != 0)
        fprintf(stderr, "bench_bias: error: cannot read '%s' as yi,vi,dose,year,class\n", path);
    return ret;
}

enum op { OP_METAREG, OP_DESIGN, OP_EGGER, OP_REGTEST, OP_BEGG, OP_TRIMFILL, OP_FLOOR };

/* One operation to time and its last outcome. */
struct timed {
    const struct data *d;
    const struct meta_design *design;
    struct meta_options o;
    enum op op;
    int status;
    struct meta_error err;
    struct meta_metareg reg;
    struct meta_regtest rt;
    struct meta_ranktest rk;
    struct meta_trimfill tf;
    double sink;
};

static const char *const mod_names[] = {"dose", "year", "class"};

static void run_once(struct timed *c)
{
    const struct data *d = c->d;
    switch (c->op) {
    case OP_METAREG:
        meta_metareg_release(&c->reg);
        c->status = meta_metareg_fit(d->yi, d->vi, c->design, &c->o, &c->reg, &c->err);
        break;
    case OP_DESIGN: {
        struct meta_design x;
        c->status = meta_design_build(mod_names, 3, d->values, d->k, NULL, &x, &c->err);
        meta_design_release(&x);
        break;
    }
    case OP_EGGER:
        c->status = meta_regtest_lm(d->yi, d->vi, d->k, NULL, &c->o, &c->rt, &c->err);
        break;
    case OP_REGTEST:
        c->status = meta_regtest_rma(d->yi, d->vi, d->k, NULL, &c->o, &c->rt, &c->err);
        break;
    case OP_BEGG:
        c->status = meta_ranktest(d->yi, d->vi, d->k, &c->rk, &c->err);
        break;
    case OP_TRIMFILL:
        meta_trimfill_release(&c->tf);
        c->status =
            meta_trimfill(d->yi, d->vi, d->k, &c->o, META_TF_L0, META_TF_AUTO, &c->tf, &c->err);
        break;
    case OP_FLOOR: {
        /* One pass over every number of the file: the least any of the
         * above can cost per pass. */
        double W = 0.0, a = 0.0, b = 0.0, t = 0.05 + 1e-9 * c->sink;
        for (size_t i = 0; i < d->k; i++) {
            double w = 1.0 / (d->vi[i] + t);
            W += w;
            a += w * d->yi[i] * d->dose[i];
            b += w * d->year[i];
        }
        c->sink = (a + b) / W;
        c->status = META_OK;
        break;
    }
    }
}

/* Median seconds of one call, repeated until min_time (at least MIN_REPS
 * times), and in *cpu the median processor time of one call: on a shared
 * machine the wall clock also counts the time others held the processor. */
static double time_op(struct timed *c, double min_time, double *times, int *reps, double *cpu)
{
    double start = now(), *cpus = times + MAX_REPS;
    int n = 0;
    while (n < MAX_REPS && (n < MIN_REPS || now() - start < min_time)) {
        double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        run_once(c);
        cpus[n] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        times[n++] = now() - t0;
        if (c->status != META_OK)
            break;
    }
    *reps = n;
    *cpu = median(cpus, n);
    return median(times, n);
}

/* The one operation to time (--op), or NULL for all. */
static const char *only_op;

static int report(struct timed *c, const char *name, const char *method, double min_time,
                  double *times)
{
    if (only_op && strcmp(only_op, name) != 0)
        return 0;
    int reps;
    double cpu, t = time_op(c, min_time, times, &reps, &cpu);
    if (c->status != META_OK) {
        fprintf(stderr, "bench_bias: %s: k = %zu: %s\n", name, c->d->k, c->err.msg);
        return 1;
    }
    printf("tool=meta op=%s", name);
    if (method)
        printf(" method=%s", method);
    printf(" k=%zu time=%.6e cpu=%.6e reps=%d", c->d->k, t, cpu, reps);
    switch (c->op) {
    case OP_METAREG:
        printf(" iterations=%d tau2=%.15g b_dose=%.15g QM=%.15g", c->reg.iterations, c->reg.tau2,
               c->reg.coefficients[1].estimate, c->reg.QM);
        break;
    case OP_EGGER:
    case OP_REGTEST:
        printf(" statistic=%.15g p=%.15g", c->rt.statistic, c->rt.p);
        break;
    case OP_BEGG:
        printf(" tau=%.15g p=%.15g", c->rk.tau, c->rk.p);
        break;
    case OP_TRIMFILL:
        printf(" k0=%zu side=%s estimate=%.15g", c->tf.k0, meta_tf_side_name(c->tf.side),
               c->tf.estimate);
        break;
    default:
        break;
    }
    printf("\n");
    fflush(stdout);
    return 0;
}

static int bench_file(const char *path, double min_time, double *times)
{
    static const enum meta_method methods[] = {META_METHOD_DL, META_METHOD_REML, META_METHOD_PM};
    struct data d;
    struct meta_design design;
    struct meta_error err;
    int ret = 1;
    if (read_data(path, &d) != 0)
        return 1;
    if (meta_design_build(mod_names, 3, d.values, d.k, NULL, &design, &err) != META_OK) {
        fprintf(stderr, "bench_bias: %s: %s\n", path, err.msg);
        data_free(&d);
        return 1;
    }
    struct timed c;
    memset(&c, 0, sizeof c);
    c.d = &d;
    c.design = &design;
    meta_options_init(&c.o);
    c.o.measure = META_SMD;
    c.op = OP_FLOOR;
    if (report(&c, "floor", NULL, min_time, times))
        goto cleanup;
    c.op = OP_DESIGN;
    if (report(&c, "design", NULL, min_time, times))
        goto cleanup;
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        c.o.method = methods[m];
        c.op = OP_METAREG;
        if (report(&c, "metareg", meta_method_name(methods[m]), min_time, times))
            goto cleanup;
    }
    c.o.method = META_METHOD_REML;
    const struct {
        enum op op;
        const char *name, *method;
    } rest[] = {{OP_EGGER, "egger", NULL},
                {OP_REGTEST, "regtest", "REML"},
                {OP_BEGG, "begg", NULL},
                {OP_TRIMFILL, "trimfill", "REML"}};
    for (size_t j = 0; j < sizeof rest / sizeof rest[0]; j++) {
        c.op = rest[j].op;
        if (report(&c, rest[j].name, rest[j].method, min_time, times))
            goto cleanup;
    }
    ret = 0;

cleanup:
    meta_metareg_release(&c.reg);
    meta_trimfill_release(&c.tf);
    meta_design_release(&design);
    data_free(&d);
    return ret;
}

int main(int argc, char **argv)
{
    double min_time = 0.3;
    int ret = 0, i = 1;
    gsl_set_error_handler_off();
    if (argc == 4 && strcmp(argv[1], "--write-mods") == 0)
        return write_mods(argv[2], argv[3]);
    double *times = malloc(2 * MAX_REPS * sizeof *times);
    if (!times)
        return 1;
    if (i + 1 < argc && strcmp(argv[i], "--min-time") == 0) {
        min_time = strtod(argv[i + 1], NULL);
        i += 2;
    }
    if (i + 1 < argc && strcmp(argv[i], "--op") == 0) {
        only_op = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: bench_bias --write-mods YV.csv OUT.csv\n"
                        "       bench_bias [--min-time SECONDS] [--op NAME] FILE...\n");
        ret = 2;
    }
    for (; i < argc; i++)
        ret |= bench_file(argv[i], min_time, times);
    free(times);
    return ret;
}
