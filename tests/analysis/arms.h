/*
 * In-memory arms and estimate rows for the tests of lib/analysis and
 * lib/report: a selection built from tables of literals, as lib/registry
 * would read it, so that the engine and its writers run without a database.
 */
#ifndef META_TEST_ARMS_H
#define META_TEST_ARMS_H

#include "meta_analysis.h"
#include "reference_rule.h"

#include <CUnit/CUnit.h>
#include <stdio.h>

/* Asserts that got agrees with expected by the reference rule (1e-6
 * relative), printing both when it does not. */
#define TEST_CLOSE(expected, got)                                                                  \
    do {                                                                                           \
        double e_ = (expected), g_ = (got);                                                        \
        if (!meta_ref_agrees(e_, g_))                                                              \
            printf("\n    line %d: expected %.17g, got %.17g", __LINE__, e_, g_);                  \
        CU_ASSERT(meta_ref_agrees(e_, g_));                                                        \
    } while (0)

/* One arm: trial, its load order, treatment, side, the data (NAN where it
 * does not apply), the `year` and `by` attributes (NULL when absent). */
struct test_arm {
    long long trial_id;
    const char *trial;
    const char *treatment;
    enum meta_select_side side;
    double n, mean, sd, events, total;
    const char *year;
    const char *by;
};

/* Fills sel (its strings borrowed from arms and the literals: never release
 * it) with count arms of an outcome of the given type. arms must be ordered
 * by trial_id. Returns 0, or -1 when out of memory; free sel->arms after. */
int test_selection(struct meta_selection *sel, const struct test_arm *arms, size_t count,
                   int binary, const char *outcome, const char *timepoint);

/* One estimate row: trial, its load order, the sides as stored (swapped:
 * treatment in the control list), the measure and figures (NAN where not
 * given), and the `year` and `by` attributes (NULL when absent). */
struct test_estimate {
    long long trial_id;
    const char *trial;
    const char *treatment, *control;
    int swapped;
    const char *measure;
    int log_scale;
    double estimate, se, ci_lower, ci_upper, level, n_treatment, n_control;
    const char *year;
    const char *by;
};

/* Adds count estimate rows to sel (strings borrowed, as test_selection's;
 * rows ordered by trial_id) and sets its kind. Returns 0, or -1 when out of
 * memory; free sel->estimates after. */
int test_selection_estimates(struct meta_selection *sel, const struct test_estimate *rows,
                             size_t count, enum meta_select_kind kind);

/* The request "treatment vs control" on outcome with `options` (pairs of
 * key and value, ending with NULL) set through meta_analysis_request_set.
 * Returns META_OK or the first failure. */
int test_request(struct meta_analysis_request *req, const char *outcome, const char *treatment,
                 const char *control, const char *const *options);

/* The continuous example of both suites: trials T1..T6 comparing ketamine
 * with placebo on pain; T2 has two ketamine arms (doses 0.15 and 0.5), T4
 * lacks a placebo arm and T5 a ketamine arm, T3 has no year and no dose. */
extern const struct test_arm test_pain_arms[];
extern const size_t test_pain_count;

/* The binary example of both suites (set B of tests/unit/conventions.R):
 * trials S1..S5 comparing drug with placebo; S2 has a zero cell, S3 no
 * events in either arm, and its year (1990) comes first. */
extern const struct test_arm test_zero_cell_arms[];
extern const size_t test_zero_cell_count;

/* Subgroups by `class` where one has no estimate: A1 (class a) has no
 * events in either arm; B1 and B2 (class b) and C1 (class c) have. */
extern const struct test_arm test_subgroup_zero_arms[];
extern const size_t test_subgroup_zero_count;

/* The most attributes an arm of test_attr_selection() carries. */
#define TEST_MAX_ATTRS 4

/* One arm with attributes read by name (moderators): values[j] is the
 * selection's attribute j, NULL when the arm lacks it. The treatment is the
 * label (as in test_selection). */
struct test_attr_arm {
    long long trial_id;
    const char *trial;
    const char *treatment;
    enum meta_select_side side;
    double n, mean, sd, events, total;
    const char *values[TEST_MAX_ATTRS];
};

/* Fills sel as test_selection() does, with the attributes `names` (n of
 * them, at most TEST_MAX_ATTRS) read for every arm. Strings are borrowed:
 * never release sel; free sel->arms after. Returns 0, or -1. */
int test_attr_selection(struct meta_selection *sel, const struct test_attr_arm *arms, size_t count,
                        int binary, const char *outcome, const char *const *names, size_t n);

/* The BCG trials (tests/data/bcg_regression.csv): "treated" vs "control",
 * tuberculosis cases, with the attributes of test_bcg_attributes: ablat,
 * year, alloc. */
extern const struct test_attr_arm test_bcg_arms[];
extern const size_t test_bcg_count;
extern const char *const test_bcg_attributes[3];

/* Computes the pain example (ketamine vs placebo, time point "24h") with
 * `options` into *an, initialising req, sel (see test_selection), an and e
 * (keys spelt as in the table). Returns the status of the first failing
 * step; release an and req and free sel->arms after any return. */
int test_pain_analysis(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const char *const *options,
                       struct meta_request_error *e);

/* The same for count arms (see test_selection) of outcome "outcome", no
 * time point: `treatment` vs placebo. */
int test_arms_analysis(struct meta_analysis_request *req, struct meta_selection *sel,
                       struct meta_analysis *an, const struct test_arm *arms, size_t count,
                       int binary, const char *treatment, const char *const *options,
                       struct meta_request_error *e);

/* Releases what test_pain_analysis and test_arms_analysis filled. */
void test_analysis_done(struct meta_analysis_request *req, struct meta_selection *sel,
                        struct meta_analysis *an);

#endif
