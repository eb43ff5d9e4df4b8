/*
 * The in-memory arms of arms.h and the examples shared by the analysis and
 * report suites: the continuous one (values in analysis_reference.R), the
 * binary one with a zero cell and a double zero (conventions_reference.R)
 * and the BCG trials with their attributes (bias_reference.json).
 */
#include "arms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K META_SIDE_TREATMENT
#define P META_SIDE_CONTROL

const struct test_arm test_pain_arms[] = {
    {1, "T1", "ketamine", K, 30, 2.1, 1.4, NAN, NAN, "2015", "0.5"},
    {1, "T1", "placebo", P, 31, 3.5, 1.6, NAN, NAN, "2015", NULL},
    {2, "T2", "ketamine", K, 20, 1.8, 1.2, NAN, NAN, "2010", "0.15"},
    {2, "T2", "ketamine", K, 22, 1.5, 1.1, NAN, NAN, "2010", "0.5"},
    {2, "T2", "placebo", P, 40, 3.0, 1.5, NAN, NAN, "2010", NULL},
    {3, "T3", "ketamine", K, 25, 2.5, 1.3, NAN, NAN, NULL, NULL},
    {3, "T3", "placebo", P, 24, 3.1, 1.4, NAN, NAN, NULL, NULL},
    {4, "T4", "ketamine", K, 15, 2.0, 1.0, NAN, NAN, "2011", "0.5"},
    {5, "T5", "placebo", P, 15, 3.0, 1.0, NAN, NAN, "2011", NULL},
    {6, "T6", "ketamine", K, 18, 2.0, 1.0, NAN, NAN, "2012", "0.15"},
    {6, "T6", "placebo", P, 19, 3.3, 1.2, NAN, NAN, "2012", NULL},
};
const size_t test_pain_count = sizeof test_pain_arms / sizeof test_pain_arms[0];

const struct test_arm test_zero_cell_arms[] = {
    {1, "S1", "drug", K, NAN, NAN, NAN, 12, 50, "2001", NULL},
    {1, "S1", "placebo", P, NAN, NAN, NAN, 20, 50, "2001", NULL},
    {2, "S2", "drug", K, NAN, NAN, NAN, 0, 30, "2002", NULL},
    {2, "S2", "placebo", P, NAN, NAN, NAN, 4, 32, "2002", NULL},
    {3, "S3", "drug", K, NAN, NAN, NAN, 0, 20, "1990", NULL},
    {3, "S3", "placebo", P, NAN, NAN, NAN, 0, 22, "1990", NULL},
    {4, "S4", "drug", K, NAN, NAN, NAN, 8, 40, "2004", NULL},
    {4, "S4", "placebo", P, NAN, NAN, NAN, 10, 38, "2004", NULL},
    {5, "S5", "drug", K, NAN, NAN, NAN, 15, 60, "2005", NULL},
    {5, "S5", "placebo", P, NAN, NAN, NAN, 9, 61, "2005", NULL},
};
const size_t test_zero_cell_count = sizeof test_zero_cell_arms / sizeof test_zero_cell_arms[0];

const struct test_arm test_subgroup_zero_arms[] = {
    {1, "A1", "drug", K, NAN, NAN, NAN, 0, 20, NULL, "a"},
    {1, "A1", "placebo", P, NAN, NAN, NAN, 0, 22, NULL, NULL},
    {2, "B1", "drug", K, NAN, NAN, NAN, 12, 50, NULL, "b"},
    {2, "B1", "placebo", P, NAN, NAN, NAN, 20, 50, NULL, NULL},
    {3, "B2", "drug", K, NAN, NAN, NAN, 8, 40, NULL, "b"},
    {3, "B2", "placebo", P, NAN, NAN, NAN, 10, 38, NULL, NULL},
    {4, "C1", "drug", K, NAN, NAN, NAN, 15, 60, NULL, "c"},
    {4, "C1", "placebo", P, NAN, NAN, NAN, 9, 61, NULL, NULL},
};
const size_t test_subgroup_zero_count =
    sizeof test_subgroup_zero_arms / sizeof test_subgroup_zero_arms[0];

/* tests/data/bcg_regression.csv: trial, arm, side, events, total, ablat, year, alloc */
#define BCG(id, trial, arm, side, events, total, ablat, year, alloc)                               \
    {                                                                                              \
        id, trial, arm, side, NAN, NAN, NAN, events, total,                                        \
        {                                                                                          \
            ablat, year, alloc, NULL                                                               \
        }                                                                                          \
    }
const struct test_attr_arm test_bcg_arms[] = {
    BCG(1, "Aronson 1948", "treated", K, 4, 123, "44", "1948", "random"),
    BCG(1, "Aronson 1948", "control", P, 11, 139, "44", "1948", "random"),
    BCG(2, "Ferguson & Simes 1949", "treated", K, 6, 306, "55", "1949", "random"),
    BCG(2, "Ferguson & Simes 1949", "control", P, 29, 303, "55", "1949", "random"),
    BCG(3, "Rosenthal et al 1960", "treated", K, 3, 231, "42", "1960", "random"),
    BCG(3, "Rosenthal et al 1960", "control", P, 11, 220, "42", "1960", "random"),
    BCG(4, "Hart & Sutherland 1977", "treated", K, 62, 13598, "52", "1977", "random"),
    BCG(4, "Hart & Sutherland 1977", "control", P, 248, 12867, "52", "1977", "random"),
    BCG(5, "Frimodt-Moller et al 1973", "treated", K, 33, 5069, "13", "1973", "alternate"),
    BCG(5, "Frimodt-Moller et al 1973", "control", P, 47, 5808, "13", "1973", "alternate"),
    BCG(6, "Stein & Aronson 1953", "treated", K, 180, 1541, "44", "1953", "alternate"),
    BCG(6, "Stein & Aronson 1953", "control", P, 372, 1451, "44", "1953", "alternate"),
    BCG(7, "Vandiviere et al 1973", "treated", K, 8, 2545, "19", "1973", "random"),
    BCG(7, "Vandiviere et al 1973", "control", P, 10, 629, "19", "1973", "random"),
    BCG(8, "TPT Madras 1980", "treated", K, 505, 88391, "13", "1980", "random"),
    BCG(8, "TPT Madras 1980", "control", P, 499, 88391, "13", "1980", "random"),
    BCG(9, "Coetzee & Berjak 1968", "treated", K, 29, 7499, "27", "1968", "random"),
    BCG(9, "Coetzee & Berjak 1968", "control", P, 45, 7277, "27", "1968", "random"),
    BCG(10, "Rosenthal et al 1961", "treated", K, 17, 1716, "42", "1961", "systematic"),
    BCG(10, "Rosenthal et al 1961", "control", P, 65, 1665, "42", "1961", "systematic"),
    BCG(11, "Comstock et al 1974", "treated", K, 186, 50634, "18", "1974", "systematic"),
    BCG(11, "Comstock et al 1974", "control", P, 141, 27338, "18", "1974", "systematic"),
    BCG(12, "Comstock & Webster 1969", "treated", K, 5, 2498, "33", "1969", "systematic"),
    BCG(12, "Comstock & Webster 1969", "control", P, 3, 2341, "33", "1969", "systematic"),
    BCG(13, "Comstock et al 1976", "treated", K, 27, 16913, "33", "1976", "systematic"),
    BCG(13, "Comstock et al 1976", "control", P, 29, 17854, "33", "1976", "systematic"),
};
const size_t test_bcg_count = sizeof test_bcg_arms / sizeof test_bcg_arms[0];
const char *const test_bcg_attributes[3] = {"ablat", "year", "alloc"};

/* One arm of a selection, its strings borrowed. */
static void fill(struct meta_select_arm *s, long long trial_id, const char *trial,
                 const char *treatment, enum meta_select_side side, const double data[5])
{
    s->trial_id = trial_id;
    s->trial = (char *)trial;
    s->label = (char *)treatment;
    s->treatment = (char *)treatment;
    s->side = side;
    s->n = data[0];
    s->mean = data[1];
    s->sd = data[2];
    s->events = data[3];
    s->total = data[4];
}

/* An empty selection of count arms of an outcome. */
static int start(struct meta_selection *sel, size_t count, int binary, const char *outcome,
                 const char *timepoint)
{
    meta_selection_init(sel);
    sel->outcome = (char *)outcome;
    sel->timepoint = (char *)timepoint;
    sel->binary = binary;
    sel->arms = calloc(count ? count : 1, sizeof *sel->arms);
    sel->count = count;
    return sel->arms ? 0 : -1;
}

int test_selection(struct meta_selection *sel, const struct test_arm *arms, size_t count,
                   int binary, const char *outcome, const char *timepoint)
{
    if (start(sel, count, binary, outcome, timepoint) != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct test_arm *a = &arms[i];
        const double data[5] = {a->n, a->mean, a->sd, a->events, a->total};
        fill(&sel->arms[i], a->trial_id, a->trial, a->treatment, a->side, data);
        sel->arms[i].year = (char *)a->year;
        sel->arms[i].by_value = (char *)a->by;
    }
    return 0;
}

int test_selection_estimates(struct meta_selection *sel, const struct test_estimate *rows,
                             size_t count, enum meta_select_kind kind)
{
    sel->kind = kind;
    sel->estimates = calloc(count ? count : 1, sizeof *sel->estimates);
    if (!sel->estimates)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct test_estimate *r = &rows[i];
        struct meta_select_estimate *e = &sel->estimates[i];
        e->trial_id = r->trial_id;
        e->trial = (char *)r->trial;
        e->treatment = (char *)r->treatment;
        e->control = (char *)r->control;
        e->swapped = r->swapped;
        e->measure = (char *)r->measure;
        e->log_scale = r->log_scale;
        e->estimate = r->estimate;
        e->se = r->se;
        e->se_given = 1;
        e->ci_lower = r->ci_lower;
        e->ci_upper = r->ci_upper;
        e->level = r->level;
        e->n_treatment = r->n_treatment;
        e->n_control = r->n_control;
        e->year = (char *)r->year;
        e->by_value = (char *)r->by;
    }
    sel->n_estimates = count;
    return 0;
}

int test_request(struct meta_analysis_request *req, const char *outcome, const char *treatment,
                 const char *control, const char *const *options)
{
    struct meta_request_error e;
    meta_request_error_init(&e, NULL);
    meta_analysis_request_init(req);
    int ret = meta_analysis_request_set(req, "outcome", outcome, &e);
    if (ret == META_OK)
        ret = meta_analysis_request_set(req, "treatment", treatment, &e);
    if (ret == META_OK)
        ret = meta_analysis_request_set(req, "control", control, &e);
    for (size_t i = 0; ret == META_OK && options && options[i]; i += 2)
        ret = meta_analysis_request_set(req, options[i], options[i + 1], &e);
    return ret;
}

/* The analysis "treatment vs placebo" of outcome at timepoint on arms. */
static int analysis_of(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const struct test_arm *arms, size_t count,
                       int binary, const char *outcome, const char *treatment,
                       const char *timepoint, const char *const *options,
                       struct meta_request_error *e)
{
    meta_analysis_init(an);
    meta_request_error_init(e, NULL);
    meta_selection_init(sel);
    int ret = test_request(req, outcome, treatment, "placebo", options);
    if (ret != META_OK)
        return ret;
    if (test_selection(sel, arms, count, binary, outcome, timepoint) != 0)
        return META_ENOMEM;
    return meta_analysis_compute(req, sel, an, e);
}

int test_pain_analysis(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const char *const *options,
                       struct meta_request_error *e)
{
    return analysis_of(req, sel, an, test_pain_arms, test_pain_count, 0, "pain", "ketamine", "24h",
                       options, e);
}

int test_arms_analysis(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const struct test_arm *arms, size_t count,
                       int binary, const char *treatment, const char *const *options,
                       struct meta_request_error *e)
{
    return analysis_of(req, sel, an, arms, count, binary, "outcome", treatment, "", options, e);
}

void test_analysis_done(struct meta_analysis_request *req, struct meta_selection *sel,
                        struct meta_analysis *an)
{
    meta_analysis_release(an);
    meta_analysis_request_release(req);
    free(sel->arms);
}

int test_attr_selection(struct meta_selection *sel, const struct test_attr_arm *arms, size_t count,
                        int binary, const char *outcome, const char *const *names, size_t n)
{
    if (n > TEST_MAX_ATTRS || start(sel, count, binary, outcome, "") != 0)
        return -1;
    sel->attributes = (char **)names;
    sel->n_attributes = n;
    for (size_t i = 0; i < count; i++) {
        const struct test_attr_arm *a = &arms[i];
        const double data[5] = {a->n, a->mean, a->sd, a->events, a->total};
        fill(&sel->arms[i], a->trial_id, a->trial, a->treatment, a->side, data);
        sel->arms[i].values = n ? (char **)a->values : NULL;
    }
    return 0;
}
