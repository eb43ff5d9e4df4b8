/*
 * In-memory arms for the tests of lib/analysis and lib/report: a selection
 * built from a table of literals, as lib/registry would read it, so that the
 * engine and its writers run without a database.
 */
#ifndef META_TEST_ARMS_H
#define META_TEST_ARMS_H

#include "meta_analysis.h"

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

#endif
