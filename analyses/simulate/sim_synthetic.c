/*
 * Synthetic registries of any size for benchmarks and scale tests: N trials
 * of A arms (A - 1 `active`, one `control`), O outcomes at T time points,
 * N * A * O * T rows, streamed trial by trial so memory does not grow with N.
 * The numbers are plausible but carry no meaning; see README.md.
 */
#include "sim_gen.h"
#include "sim_draw.h"
#include "sim_math.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME_LEN  32
#define ARM_MIN   20
#define ARM_MAX   200
#define YEAR_MIN  1990
#define YEAR_MAX  2024
#define NCLASSES  3
#define CONT_MD   -2.0 /* true MD of an active arm of class A */
#define CONT_TAU  1.0
#define CONT_SD   10.0
#define BIN_LOGRR -0.4 /* true log RR of an active arm of class A */
#define BIN_TAU   0.2

static const char *const attr_names[] = {"year", "class"};
#define NATTRS (sizeof attr_names / sizeof attr_names[0])

static const char *const class_names[NCLASSES] = {"A", "B", "C"};
static const double class_shift_md[NCLASSES] = {0.0, -1.0, 1.0};
static const double class_shift_logrr[NCLASSES] = {0.0, -0.2, 0.2};

/* Everything about one trial's arms, reused from trial to trial. */
struct syn_arms {
    char (*label)[NAME_LEN];      /* per arm */
    long *n;                      /* per arm */
    int *cls;                     /* per arm; -1 for the control arm */
    double *dev;                  /* per arm: this outcome's random effect */
    const char *(*attrs)[NATTRS]; /* per arm */
};

static int is_binary(const struct meta_sim_synthetic_opts *o, unsigned long outcome_index)
{
    if (o->kind == META_SIM_MIXED)
        return outcome_index % 2 == 0; /* outcome_001 continuous, outcome_002 binary, ... */
    return o->kind == META_SIM_BINARY;
}

/* Writes one outcome of one trial at every time point. */
static int write_outcome(gsl_rng *rng, const struct meta_sim_synthetic_opts *o,
                         struct meta_sim_csv *w, const struct syn_arms *arms, const char *trial,
                         unsigned long j, const char *outcome, char (*tp)[NAME_LEN],
                         struct meta_error *err)
{
    int binary = is_binary(o, j);
    double base = binary ? meta_sim_uniform(rng, 0.10, 0.40) : 50.0 + 5.0 * meta_sim_normal(rng);
    unsigned long a_ctl = o->arms - 1;
    int ret = META_OK;

    for (unsigned long a = 0; a < a_ctl; a++)
        arms->dev[a] = (binary ? BIN_TAU : CONT_TAU) * meta_sim_normal(rng);
    for (unsigned long t = 0; t < o->timepoints && ret == META_OK; t++) {
        for (unsigned long a = 0; a < o->arms && ret == META_OK; a++) {
            int ctl = a == a_ctl;
            struct meta_sim_row row = {trial,
                                       arms->label[a],
                                       ctl ? "control" : "active",
                                       outcome,
                                       tp[t],
                                       binary,
                                       arms->n[a],
                                       0.0,
                                       0.0,
                                       0,
                                       arms->n[a],
                                       arms->attrs[a]};

            if (binary) {
                double p = base;
                if (!ctl)
                    p *= meta_sim_exp(BIN_LOGRR + class_shift_logrr[arms->cls[a]] + arms->dev[a]);
                row.events = meta_sim_binomial(rng, arms->n[a], p > 0.95 ? 0.95 : p);
            } else {
                double mu = base - 0.5 * (double)t;
                if (!ctl)
                    mu += CONT_MD + class_shift_md[arms->cls[a]] + arms->dev[a];
                row.mean = mu + meta_sim_normal(rng) * CONT_SD / sqrt((double)arms->n[a]);
                row.sd = meta_sim_sample_sd(rng, CONT_SD, arms->n[a]);
            }
            ret = meta_sim_csv_row(w, &row, err);
        }
    }
    return ret;
}

int meta_sim_synthetic(gsl_rng *rng, const struct meta_sim_synthetic_opts *o,
                       struct meta_sim_csv *w, struct meta_error *err)
{
    struct syn_arms arms = {0};
    char(*outcome)[NAME_LEN] = NULL;
    char(*tp)[NAME_LEN] = NULL;
    char trial[NAME_LEN], year[NAME_LEN];
    int ret = META_OK;

    if (o->trials < 1 || o->trials > META_SIM_MAX_TRIALS || o->arms < 2 ||
        o->arms > META_SIM_MAX_ARMS || o->outcomes < 1 || o->outcomes > META_SIM_MAX_OUTCOMES ||
        o->timepoints < 1 || o->timepoints > META_SIM_MAX_TIMEPOINTS) {
        ret = meta_error_set(err, META_EINVAL, "synthetic registry size out of range");
        goto cleanup;
    }
    arms.label = calloc(o->arms, sizeof *arms.label);
    arms.n = calloc(o->arms, sizeof *arms.n);
    arms.cls = calloc(o->arms, sizeof *arms.cls);
    arms.dev = calloc(o->arms, sizeof *arms.dev);
    arms.attrs = calloc(o->arms, sizeof *arms.attrs);
    outcome = calloc(o->outcomes, sizeof *outcome);
    tp = calloc(o->timepoints, sizeof *tp);
    if (!arms.label || !arms.n || !arms.cls || !arms.dev || !arms.attrs || !outcome || !tp) {
        ret = meta_error_set(err, META_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (unsigned long j = 0; j < o->outcomes; j++)
        snprintf(outcome[j], NAME_LEN, "outcome_%03lu", j + 1);
    for (unsigned long t = 0; t < o->timepoints; t++)
        snprintf(tp[t], NAME_LEN, "t%lu", t + 1);
    for (unsigned long a = 0; a + 1 < o->arms; a++) {
        if (o->arms == 2)
            snprintf(arms.label[a], NAME_LEN, "active");
        else
            snprintf(arms.label[a], NAME_LEN, "active %lu", a + 1);
    }
    snprintf(arms.label[o->arms - 1], NAME_LEN, "control");

    ret = meta_sim_csv_header(w, attr_names, NATTRS, err);
    for (unsigned long i = 0; i < o->trials && ret == META_OK; i++) {
        snprintf(trial, sizeof trial, "SYN-%07lu", i + 1);
        snprintf(year, sizeof year, "%ld", meta_sim_int(rng, YEAR_MIN, YEAR_MAX));
        for (unsigned long a = 0; a < o->arms; a++) {
            int ctl = a + 1 == o->arms;
            arms.n[a] = meta_sim_int(rng, ARM_MIN, ARM_MAX);
            arms.cls[a] = ctl ? -1 : (int)meta_sim_int(rng, 0, NCLASSES - 1);
            arms.attrs[a][0] = year;
            arms.attrs[a][1] = ctl ? "" : class_names[arms.cls[a]];
        }
        for (unsigned long j = 0; j < o->outcomes && ret == META_OK; j++)
            ret = write_outcome(rng, o, w, &arms, trial, j + 1, outcome[j], tp, err);
    }

cleanup:
    free(arms.label);
    free(arms.n);
    free(arms.cls);
    free(arms.dev);
    free(arms.attrs);
    free(outcome);
    free(tp);
    return ret;
}
