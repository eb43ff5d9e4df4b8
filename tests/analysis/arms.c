/*
 * The in-memory arms of arms.h and the examples shared by the analysis and
 * report suites: the continuous one (values in analysis_reference.R) and
 * the binary one with a zero cell and a double zero (conventions_reference.R).
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

int test_selection(struct meta_selection *sel, const struct test_arm *arms, size_t count,
                   int binary, const char *outcome, const char *timepoint)
{
    meta_selection_init(sel);
    sel->outcome = (char *)outcome;
    sel->timepoint = (char *)timepoint;
    sel->binary = binary;
    sel->arms = calloc(count ? count : 1, sizeof *sel->arms);
    if (!sel->arms)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct test_arm *a = &arms[i];
        struct meta_select_arm *s = &sel->arms[i];
        s->trial_id = a->trial_id;
        s->trial = (char *)a->trial;
        s->label = (char *)a->treatment;
        s->treatment = (char *)a->treatment;
        s->side = a->side;
        s->n = a->n;
        s->mean = a->mean;
        s->sd = a->sd;
        s->events = a->events;
        s->total = a->total;
        s->year = (char *)a->year;
        s->by_value = (char *)a->by;
    }
    sel->count = count;
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

int test_pain_analysis(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const char *const *options,
                       struct meta_request_error *e)
{
    meta_analysis_init(an);
    meta_request_error_init(e, NULL);
    meta_selection_init(sel);
    int ret = test_request(req, "pain", "ketamine", "placebo", options);
    if (ret != META_OK)
        return ret;
    if (test_selection(sel, test_pain_arms, test_pain_count, 0, "pain", "24h") != 0)
        return META_ENOMEM;
    return meta_analysis_compute(req, sel, an, e);
}
