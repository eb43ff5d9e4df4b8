/*
 * Living analyses in lib/registry against a real PostgreSQL: the
 * bookkeeping of changes (sql/004_living.sql) counts what changes a
 * selection and nothing else; fingerprints are stable under the order of
 * loading and change with any selected value; many selections in one
 * statement equal one at a time, errors included; the history decides
 * which analyses are stale, records runs and lists them; a load committing
 * during a snapshot is seen by none of its reads; the reader role reads the
 * history but cannot write it.
 */
#include "cunit_main.h"
#include "meta_runs.h"
#include "meta_select.h"
#include "pg_util.h"
#include "select_arms.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER                                                                                     \
    "trial,arm,treatment,control,outcome,timepoint,n,mean,sd,events,total,measure,estimate,se,"    \
    "year,dose\n"

/* Three trials of ketamine vs placebo: pain at 24 h (continuous), and
 * hallucinations (binary, no time point); an estimate of a survival HR. */
static const char base_csv[] = HEADER "T1,ket,ketamine,,pain,24h,30,2.1,1.4,,,,,,2015,high\n"
                                      "T1,pla,placebo,,pain,24h,31,3.5,1.6,,,,,,2015,\n"
                                      "T1,ket,ketamine,,halluc,,,,,5,30,,,,2015,high\n"
                                      "T1,pla,placebo,,halluc,,,,,1,31,,,,2015,\n"
                                      "T2,ket,ketamine,,pain,24h,40,2.5,1.2,,,,,,2017,low\n"
                                      "T2,pla,placebo,,pain,24h,42,3.1,1.3,,,,,,2017,\n"
                                      "T2,ket,ketamine,,halluc,,,,,7,40,,,,2017,low\n"
                                      "T2,pla,placebo,,halluc,,,,,2,42,,,,2017,\n"
                                      "T3,ket,ketamine,,pain,24h,25,1.9,1.5,,,,,,2020,high\n"
                                      "T3,pla,placebo,,pain,24h,24,3.3,1.4,,,,,,2020,\n"
                                      "T3,,ketamine,placebo,survival,,,,,,,HR,0.7,0.1,2020,\n";

/* The same rows, the trials the other way round. */
static const char base_reversed_csv[] =
    HEADER "T3,,ketamine,placebo,survival,,,,,,,HR,0.7,0.1,2020,\n"
           "T3,pla,placebo,,pain,24h,24,3.3,1.4,,,,,,2020,\n"
           "T3,ket,ketamine,,pain,24h,25,1.9,1.5,,,,,,2020,high\n"
           "T2,pla,placebo,,halluc,,,,,2,42,,,,2017,\n"
           "T2,ket,ketamine,,halluc,,,,,7,40,,,,2017,low\n"
           "T2,pla,placebo,,pain,24h,42,3.1,1.3,,,,,,2017,\n"
           "T2,ket,ketamine,,pain,24h,40,2.5,1.2,,,,,,2017,low\n"
           "T1,pla,placebo,,halluc,,,,,1,31,,,,2015,\n"
           "T1,ket,ketamine,,halluc,,,,,5,30,,,,2015,high\n"
           "T1,pla,placebo,,pain,24h,31,3.5,1.6,,,,,,2015,\n"
           "T1,ket,ketamine,,pain,24h,30,2.1,1.4,,,,,,2015,high\n";

/* One stored value replaced: T2's ketamine mean at 24 h. */
static const char replaced_csv[] = HEADER "T2,ket,ketamine,,pain,24h,40,2.6,1.2,,,,,,2017,low\n";

/* A new trial with pain at 24 h only. */
static const char new_trial_csv[] = HEADER "T4,ket,ketamine,,pain,24h,50,2.0,1.1,,,,,,2023,low\n"
                                           "T4,pla,placebo,,pain,24h,50,3.0,1.2,,,,,,2023,\n";

/* T1's ketamine arm changes its dose, nothing else. */
static const char dose_csv[] = HEADER "T1,ket,ketamine,,halluc,,,,,5,30,,,,2015,low\n";

static char conninfo[1024];
static struct meta_db *db;

static int suite_cleanup(void)
{
    return meta_test_load_close(&db);
}

static void fresh(const char *name)
{
    meta_test_load_fresh(name, conninfo, sizeof conninfo, &db);
}

static void load(struct meta_db *to, const char *name, const char *text)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    const char *path = meta_test_load_file(name, text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    int ret = meta_test_load_files(to, &r, &err, path, NULL);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n%s\n", err.msg, meta_test_load_messages(&r));
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    meta_load_report_release(&r);
}

/* The bookkeeping as "outcome@timepoint=changes ...". */
static const char changes_sql[] =
    "SELECT string_agg(o.name || '@' || d.timepoint || '=' || d.changes, ' '"
    "                  ORDER BY o.name, d.timepoint)"
    "  FROM data_changes d JOIN outcomes o USING (outcome_id)";

static void expect_changes(const char *expected)
{
    meta_test_load_expect_query(conninfo, changes_sql, expected);
}

/* Runs statements on a connection of their own; asserts they succeed. */
static void sql(const char *statements)
{
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, statements);
    ExecStatusType st = PQresultStatus(res);
    CU_ASSERT(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fprintf(stderr, "\n  %s: %s\n", statements, PQerrorMessage(conn));
    PQclear(res);
    PQfinish(conn);
}

/* ---- The bookkeeping of changes ------------------------------------------ */

static void test_changes(void)
{
    fresh("meta_test_living_changes");
    load(db, "base.csv", base_csv);
    expect_changes("halluc@=1 pain@24h=1 survival@=1");
    /* The same file again stores nothing, and counts nothing. */
    load(db, "base.csv", base_csv);
    expect_changes("halluc@=1 pain@24h=1 survival@=1");
    /* One value replaced: its key alone. */
    load(db, "replaced.csv", replaced_csv);
    expect_changes("halluc@=1 pain@24h=2 survival@=1");
    /* A new trial. */
    load(db, "new.csv", new_trial_csv);
    expect_changes("halluc@=1 pain@24h=3 survival@=1");
    /* An arm's attribute (a `by` value): every key the arm has results at. */
    load(db, "dose.csv", dose_csv);
    expect_changes("halluc@=2 pain@24h=4 survival@=1");
    /* Writes by hand count too: a trial renamed, an estimate changed, a
     * trial removed with everything it has (the cascade removes its arms
     * before their results). */
    sql("UPDATE trials SET name = 'T3b' WHERE name = 'T3'");
    expect_changes("halluc@=2 pain@24h=5 survival@=2");
    sql("UPDATE estimate_results SET se = 0.2");
    expect_changes("halluc@=2 pain@24h=5 survival@=3");
    /* A result's own attributes (a subgroup, a risk-of-bias judgement). */
    sql("UPDATE binary_results SET attributes = coalesce(attributes, '{}') || '{\"rob_overall\": "
        "\"high\"}'"
        " WHERE events = 5");
    expect_changes("halluc@=3 pain@24h=5 survival@=3");
    sql("UPDATE estimate_results SET attributes = coalesce(attributes, '{}') || '{\"subgroup\": "
        "\"b\"}'");
    expect_changes("halluc@=3 pain@24h=5 survival@=4");
    sql("DELETE FROM trials WHERE name = 'T2'");
    expect_changes("halluc@=4 pain@24h=6 survival@=4");
    /* An UPDATE that writes nothing changes nothing. */
    sql("UPDATE continuous_results SET n = n + 1 WHERE false");
    expect_changes("halluc@=4 pain@24h=6 survival@=4");
    /* Statements in replica mode (how the loader may skip foreign-key
     * triggers) are counted as well. */
    sql("BEGIN; SET LOCAL session_replication_role = replica;"
        " UPDATE binary_results SET events = events WHERE events = 5; COMMIT");
    expect_changes("halluc@=5 pain@24h=6 survival@=4");
    sql("TRUNCATE estimate_results");
    expect_changes("halluc@=6 pain@24h=7 survival@=5");
}

/* ---- Fingerprints -------------------------------------------------------- */

static void select_pain(struct meta_db *from, struct meta_selection *sel, const char *by)
{
    const char *treat[] = {"ketamine"}, *ctrl[] = {"placebo"};
    struct meta_select_query q = {.outcome = "pain",
                                  .timepoint = "24h",
                                  .treatments = treat,
                                  .n_treatments = 1,
                                  .controls = ctrl,
                                  .n_controls = 1,
                                  .by = by};
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_select(from, &q, sel, &err), META_OK);
}

static void test_fingerprint(void)
{
    struct meta_db *other = NULL;
    char other_conninfo[1024];
    struct meta_selection a, b, c;
    fresh("meta_test_living_fp_a");
    meta_test_load_fresh("meta_test_living_fp_b", other_conninfo, sizeof other_conninfo, &other);
    /* Another order of loading gives other trial and arm ids, and other
     * loads (a file of another name) for the same rows. */
    load(other, "new.csv", new_trial_csv);
    load(other, "reversed.csv", base_reversed_csv);
    load(db, "base.csv", base_csv);
    load(db, "new.csv", new_trial_csv);
    select_pain(db, &a, "dose");
    select_pain(other, &b, "dose");
    CU_ASSERT_EQUAL(strlen(a.fingerprint), 64);
    CU_ASSERT_STRING_EQUAL(a.fingerprint, b.fingerprint);
    CU_ASSERT_STRING_NOT_EQUAL(a.arms[0].trial, b.arms[0].trial); /* T1 first, T4 first */
    /* The loads that brought the rows, by load: the files and their
     * SHA-256. */
    CU_ASSERT_EQUAL_FATAL(a.n_loads, 2);
    CU_ASSERT_STRING_EQUAL(a.loads[0].file, "base.csv");
    CU_ASSERT_STRING_EQUAL(a.loads[1].file, "new.csv");
    CU_ASSERT_EQUAL(strlen(a.loads[0].sha256), 64);
    CU_ASSERT_EQUAL(strlen(a.loads[0].loaded_at), 27);
    CU_ASSERT_EQUAL_FATAL(b.n_loads, 2);
    CU_ASSERT_STRING_EQUAL(b.loads[0].file, "new.csv");
    CU_ASSERT_STRING_EQUAL(b.loads[0].sha256, a.loads[1].sha256);
    for (size_t i = 0; i < a.count; i++)
        CU_ASSERT(a.arms[i].load_id == a.loads[0].load_id ||
                  a.arms[i].load_id == a.loads[1].load_id);
    /* The same rows in memory, in another order, give the same
     * fingerprint. */
    char fp[META_FINGERPRINT_SIZE];
    struct meta_select_arm first = a.arms[0];
    a.arms[0] = a.arms[a.count - 1];
    a.arms[a.count - 1] = first;
    CU_ASSERT_EQUAL(meta_selection_fingerprint(&a, fp), META_OK);
    CU_ASSERT_STRING_EQUAL(fp, b.fingerprint);
    /* Any selected value changes it: a mean, the `by` value, a name. */
    double mean = a.arms[0].mean;
    a.arms[0].mean = mean + 1e-12;
    meta_selection_fingerprint(&a, fp);
    CU_ASSERT_STRING_NOT_EQUAL(fp, b.fingerprint);
    a.arms[0].mean = mean;
    select_pain(db, &c, NULL);
    CU_ASSERT_STRING_NOT_EQUAL(c.fingerprint, a.fingerprint);
    meta_selection_release(&c);
    load(db, "replaced.csv", replaced_csv);
    select_pain(db, &c, "dose");
    CU_ASSERT_STRING_NOT_EQUAL(c.fingerprint, a.fingerprint);
    meta_selection_release(&c);
    sql("UPDATE trials SET name = 'T1b' WHERE name = 'T1'");
    select_pain(db, &c, "dose");
    CU_ASSERT_STRING_NOT_EQUAL(c.fingerprint, a.fingerprint);
    meta_selection_release(&c);
    /* The attributes read by name (moderators, risk-of-bias columns): which
     * are asked for, and each value, the arm's included. */
    const char *treat[] = {"ketamine"}, *ctrl[] = {"placebo"}, *names[] = {"dose", "rob_overall"};
    struct meta_select_query q = {.outcome = "pain",
                                  .timepoint = "24h",
                                  .treatments = treat,
                                  .n_treatments = 1,
                                  .controls = ctrl,
                                  .n_controls = 1,
                                  .attributes = names,
                                  .n_attributes = 2};
    struct meta_selection d;
    struct meta_error err;
    select_pain(db, &c, NULL);
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &d, &err), META_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d.fingerprint, c.fingerprint);
    CU_ASSERT_EQUAL_FATAL(d.count, c.count);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.arms[0].values);
    CU_ASSERT_STRING_EQUAL(d.arms[0].values[0], "high");
    CU_ASSERT_EQUAL(meta_selection_fingerprint(&d, fp), META_OK);
    CU_ASSERT_STRING_EQUAL(fp, d.fingerprint);
    char *kept = d.arms[0].values[0];
    d.arms[0].values[0] = "low";
    meta_selection_fingerprint(&d, fp);
    CU_ASSERT_STRING_NOT_EQUAL(fp, d.fingerprint);
    d.arms[0].values[0] = kept;
    meta_selection_release(&d);
    sql("UPDATE continuous_results SET attributes = coalesce(attributes, '{}') || "
        "'{\"rob_overall\": \"high\"}'");
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &d, &err), META_OK);
    struct meta_selection e;
    select_pain(db, &e, NULL);
    CU_ASSERT_STRING_NOT_EQUAL(e.fingerprint, c.fingerprint);
    CU_ASSERT_STRING_EQUAL(d.arms[0].values[1], "high");
    meta_selection_release(&e);
    meta_selection_release(&c);
    meta_selection_release(&d);
    /* An estimate row's value. */
    const struct meta_select_query hr = {.outcome = "survival",
                                         .treatments = treat,
                                         .n_treatments = 1,
                                         .controls = ctrl,
                                         .n_controls = 1};
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &hr, &c, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(c.n_estimates, 1);
    sql("UPDATE estimate_results SET estimate = 0.71");
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &hr, &d, &err), META_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d.fingerprint, c.fingerprint);
    meta_selection_release(&c);
    meta_selection_release(&d);
    meta_selection_release(&a);
    meta_selection_release(&b);
    meta_db_close(other);
}

/* ---- Many selections in one statement ------------------------------------ */

/* Whether two texts, either NULL, are equal. */
static int same_text(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* Asserts that two rows' attributes are the same, in the same order. */
static void expect_same_attrs(const struct meta_select_attr *x, size_t nx,
                              const struct meta_select_attr *y, size_t ny)
{
    CU_ASSERT_EQUAL_FATAL(nx, ny);
    for (size_t j = 0; j < nx; j++) {
        CU_ASSERT_STRING_EQUAL(x[j].name, y[j].name);
        CU_ASSERT_STRING_EQUAL(x[j].value, y[j].value);
    }
}

/* Asserts that two selections hold the same rows. */
static void expect_same(const struct meta_selection *a, const struct meta_selection *b)
{
    CU_ASSERT_STRING_EQUAL(a->outcome, b->outcome);
    CU_ASSERT_STRING_EQUAL(a->timepoint, b->timepoint);
    CU_ASSERT_EQUAL(a->kind, b->kind);
    CU_ASSERT_EQUAL_FATAL(a->count, b->count);
    CU_ASSERT_EQUAL_FATAL(a->n_estimates, b->n_estimates);
    CU_ASSERT_EQUAL(a->n_unmatched, b->n_unmatched);
    CU_ASSERT_STRING_EQUAL(a->fingerprint, b->fingerprint);
    CU_ASSERT_EQUAL(a->n_loads, b->n_loads);
    for (size_t i = 0; i < a->count; i++) {
        const struct meta_select_arm *x = &a->arms[i], *y = &b->arms[i];
        CU_ASSERT_STRING_EQUAL(x->trial, y->trial);
        CU_ASSERT_STRING_EQUAL(x->label, y->label);
        CU_ASSERT_STRING_EQUAL(x->treatment, y->treatment);
        CU_ASSERT_EQUAL(x->trial_id, y->trial_id);
        CU_ASSERT_EQUAL(x->side, y->side);
        CU_ASSERT_EQUAL(x->load_id, y->load_id);
        CU_ASSERT(same_text(x->by_value, y->by_value));
        CU_ASSERT(same_text(x->year, y->year));
        CU_ASSERT(memcmp(&x->n, &y->n, sizeof x->n) == 0 &&
                  memcmp(&x->mean, &y->mean, sizeof x->mean) == 0 &&
                  memcmp(&x->sd, &y->sd, sizeof x->sd) == 0 &&
                  memcmp(&x->events, &y->events, sizeof x->events) == 0 &&
                  memcmp(&x->total, &y->total, sizeof x->total) == 0);
        expect_same_attrs(x->attrs, x->n_attrs, y->attrs, y->n_attrs);
        CU_ASSERT((x->values == NULL) == (y->values == NULL));
    }
    CU_ASSERT_EQUAL_FATAL(a->n_attributes, b->n_attributes);
    for (size_t j = 0; j < a->n_attributes; j++) {
        CU_ASSERT_STRING_EQUAL(a->attributes[j], b->attributes[j]);
        for (size_t i = 0; i < a->count; i++)
            CU_ASSERT(same_text(a->arms[i].values[j], b->arms[i].values[j]));
        for (size_t i = 0; i < a->n_estimates; i++)
            CU_ASSERT(same_text(a->estimates[i].values[j], b->estimates[i].values[j]));
    }
    for (size_t i = 0; i < a->n_estimates; i++) {
        const struct meta_select_estimate *x = &a->estimates[i], *y = &b->estimates[i];
        CU_ASSERT_EQUAL(x->trial_id, y->trial_id);
        CU_ASSERT_STRING_EQUAL(x->trial, y->trial);
        CU_ASSERT_STRING_EQUAL(x->treatment, y->treatment);
        CU_ASSERT_STRING_EQUAL(x->control, y->control);
        CU_ASSERT_STRING_EQUAL(x->measure, y->measure);
        CU_ASSERT_EQUAL(x->swapped, y->swapped);
        CU_ASSERT_EQUAL(x->peto, y->peto);
        CU_ASSERT_EQUAL(x->log_scale, y->log_scale);
        CU_ASSERT_EQUAL(x->se_given, y->se_given);
        CU_ASSERT_EQUAL(x->load_id, y->load_id);
        CU_ASSERT(same_text(x->year, y->year));
        CU_ASSERT(same_text(x->by_value, y->by_value));
        /* Bit for bit, NAN where not given included. */
        const double xs[] = {x->estimate, x->se,          x->ci_lower, x->ci_upper,
                             x->level,    x->n_treatment, x->n_control};
        const double ys[] = {y->estimate, y->se,          y->ci_lower, y->ci_upper,
                             y->level,    y->n_treatment, y->n_control};
        CU_ASSERT(memcmp(xs, ys, sizeof xs) == 0);
        expect_same_attrs(x->attrs, x->n_attrs, y->attrs, y->n_attrs);
        CU_ASSERT((x->values == NULL) == (y->values == NULL));
    }
}

/* The arms of a batch are read once per snapshot and joined with the result
 * rows in meta: year, the `by` value and the values asked for by name come
 * from the result's own attributes, else the arm's, as `->>` spells them
 * (JSON null counting as absent), whatever JSON they hold; a treatment of
 * neither list is left out; an arm met again later in the snapshot comes
 * from what was read first; outside a snapshot each batch reads its own. */
static void test_select_many_arms(void)
{
    fresh("meta_test_living_many_arms");
    load(db, "base.csv", base_csv);
    static const char other_csv[] = HEADER "T8,ket,ketamine,,pain,24h,12,2.2,1.3,,,,,,2019,mid\n"
                                           "T8,oth,xanomeline,,pain,24h,13,2.9,1.5,,,,,,2019,\n"
                                           "T8,pla,placebo,,pain,24h,11,3.1,1.2,,,,,,2019,\n";
    load(db, "other.csv", other_csv);
    sql("UPDATE arms SET attributes = attributes || '{\"score\": 1.50, \"flag\": true, "
        "\"nested\": {\"b\": [1, 2.0e1], \"a\": null}, \"gone\": null, \"text\": \"arm\"}'"
        " WHERE label = 'ket'");
    sql("UPDATE continuous_results SET attributes = '{\"year\": \"1999\", \"text\": \"own\","
        " \"gone\": null, \"dose\": null, \"score\": 2}' WHERE arm_id IN (SELECT arm_id FROM arms"
        " WHERE label = 'pla' AND trial_id = (SELECT min(trial_id) FROM trials))");
    const char *k[] = {"ketamine"}, *p[] = {"placebo"},
               *attrs[] = {"score", "flag", "nested", "gone", "text", "year", "no such"};
    /* pain, ketamine against placebo at 24 h (the other way round, with no
     * time point, for the second) */
    struct meta_select_query q[3];
    for (size_t i = 0; i < 3; i++)
        q[i] = (struct meta_select_query){.outcome = "pain",
                                          .timepoint = i == 1 ? NULL : "24h",
                                          .treatments = i == 1 ? p : k,
                                          .n_treatments = 1,
                                          .controls = i == 1 ? k : p,
                                          .n_controls = 1};
    q[0].by = "dose";
    q[0].attributes = attrs;
    q[0].n_attributes = 7;
    q[1].by = "text";
    q[2].attributes = attrs + 4;
    q[2].n_attributes = 2;
    size_t n = sizeof q / sizeof q[0];
    struct meta_selection many[sizeof q / sizeof q[0]], one;
    struct meta_error errs[sizeof q / sizeof q[0]], err;
    int status[sizeof q / sizeof q[0]];
    for (int in_snapshot = 0; in_snapshot < 2; in_snapshot++) {
        if (in_snapshot)
            CU_ASSERT_EQUAL_FATAL(meta_db_snapshot_begin(db, &err), META_OK);
        for (int round = 0; round < 2; round++) {
            CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, n, many, status, errs, &err), META_OK);
            for (size_t i = 0; i < n; i++) {
                CU_ASSERT_EQUAL_FATAL(status[i], META_OK);
                CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q[i], &one, &err), META_OK);
                expect_same(&many[i], &one);
                /* T1..T3 and T8: ketamine and placebo, never xanomeline */
                CU_ASSERT_EQUAL(many[i].count, 8);
                meta_selection_release(&one);
            }
            const struct meta_select_arm *a = &many[0].arms[0], *b = &many[0].arms[1];
            CU_ASSERT_STRING_EQUAL(a->values[0], "1.50");
            CU_ASSERT_STRING_EQUAL(a->values[1], "true");
            CU_ASSERT_STRING_EQUAL(a->values[2], "{\"a\": null, \"b\": [1, 20]}");
            CU_ASSERT_PTR_NULL(a->values[3]);
            CU_ASSERT_STRING_EQUAL(a->values[4], "arm");
            CU_ASSERT_STRING_EQUAL(b->values[4], "own");
            CU_ASSERT_STRING_EQUAL(b->values[0], "2"); /* not text: read alone */
            CU_ASSERT_STRING_EQUAL(many[2].arms[1].values[0], "own");
            CU_ASSERT_STRING_EQUAL(b->year, "1999");
            CU_ASSERT_STRING_EQUAL(a->year, "2015");
            CU_ASSERT_PTR_NULL(b->by_value);
            CU_ASSERT_STRING_EQUAL(a->by_value, "high");
            for (size_t i = 0; i < n; i++)
                meta_selection_release(&many[i]);
        }
        if (in_snapshot)
            CU_ASSERT_EQUAL(meta_db_snapshot_end(db, &err), META_OK);
    }
}

/* Estimates read in a batch (whose rows share their columns with the arms'
 * numbers) equal those read alone in every field: both ways round, with
 * and without an interval, their year, `by` value, attributes and values
 * asked for by name. */
static void test_select_many_estimates(void)
{
    fresh("meta_test_living_many_estimates");
    load(db, "base.csv", base_csv);
    static const char more_csv[] =
        HEADER "T2,,placebo,ketamine,survival,,,,,,,HR,1.3,0.2,2017,low\n"
               "T1,,ketamine,placebo,survival,,,,,,,HR,0.9,0.15,,mid\n";
    load(db, "more.csv", more_csv);
    sql("UPDATE estimate_results SET ci_lower = estimate / 2, ci_upper = estimate * 2,"
        " level = 90, n_treatment = 25, n_control = 24,"
        " attributes = attributes || '{\"note\": \"own\", \"score\": 3}'"
        " WHERE trial_id = (SELECT trial_id FROM trials WHERE name = 'T2')");
    const char *k[] = {"ketamine"}, *p[] = {"placebo"}, *attrs[] = {"note", "dose", "no such"};
    struct meta_select_query q[2];
    for (size_t i = 0; i < 2; i++)
        q[i] = (struct meta_select_query){.outcome = "survival",
                                          .treatments = i ? p : k,
                                          .n_treatments = 1,
                                          .controls = i ? k : p,
                                          .n_controls = 1,
                                          .by = i ? NULL : "dose",
                                          .attributes = i ? NULL : attrs,
                                          .n_attributes = i ? 0 : 3};
    struct meta_selection many[2], one;
    struct meta_error errs[2], err;
    int status[2];
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 2, many, status, errs, &err), META_OK);
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(status[i], META_OK);
        CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q[i], &one, &err), META_OK);
        CU_ASSERT_EQUAL(many[i].n_estimates, 3);
        expect_same(&many[i], &one);
        meta_selection_release(&one);
    }
    size_t with_ci = 0;
    for (size_t j = 0; j < many[0].n_estimates; j++) {
        const struct meta_select_estimate *e = &many[0].estimates[j];
        if (strcmp(e->trial, "T2") != 0)
            continue;
        with_ci++;
        CU_ASSERT(e->swapped);
        CU_ASSERT_DOUBLE_EQUAL(e->ci_upper, 2.6, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(e->level, 90, 0);
        CU_ASSERT_DOUBLE_EQUAL(e->n_control, 24, 0);
        CU_ASSERT_STRING_EQUAL(e->values[0], "own");
        CU_ASSERT_STRING_EQUAL(e->by_value, "low");
    }
    CU_ASSERT_EQUAL(with_ci, 1);
    for (size_t i = 0; i < 2; i++)
        meta_selection_release(&many[i]);
}

/* A batch's rows come back in no order across queries and kinds and are put
 * in order in meta: several estimates of one trial (a trial of three
 * treatments against placebo, written in the file in no order, both ways
 * round) come in the order
 * meta_db_select's ORDER BY gives (trial, treatment, control), with the
 * queries' rows interleaved in one batch (estimates, arms, a query that
 * does not resolve between them), in every field. */
static void test_select_many_order(void)
{
    fresh("meta_test_living_many_order");
    load(db, "base.csv", base_csv);
    static const char more_csv[] =
        HEADER "T4,,xanomeline,placebo,survival,,,,,,,HR,0.8,0.1,2021,\n"
               "T4,,placebo,ketamine,survival,,,,,,,HR,1.2,0.1,2021,\n"
               "T4,,esketamine,placebo,survival,,,,,,,HR,0.6,0.2,2021,\n"
               "T4,,ketamine,placebo,survival,,,,,,,HR,0.9,0.1,2021,\n"
               "T2,,placebo,esketamine,survival,,,,,,,HR,1.1,0.3,2017,\n";
    load(db, "more.csv", more_csv);
    const char *act[] = {"xanomeline", "ketamine", "esketamine"}, *p[] = {"placebo"},
               *k[] = {"ketamine"};
    struct meta_select_query q[5] = {
        {.outcome = "survival",
         .treatments = act,
         .n_treatments = 3,
         .controls = p,
         .n_controls = 1},
        {.outcome = "pain",
         .timepoint = "24h",
         .treatments = k,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1},
        {.outcome = "no such", .treatments = k, .n_treatments = 1, .controls = p, .n_controls = 1},
        {.outcome = "survival",
         .treatments = p,
         .n_treatments = 1,
         .controls = act,
         .n_controls = 3},
        {.outcome = "halluc", .treatments = k, .n_treatments = 1, .controls = p, .n_controls = 1},
    };
    static const size_t n_est[5] = {6, 0, 0, 6, 0}, n_arms[5] = {0, 6, 0, 0, 4};
    struct meta_selection many[5], one;
    struct meta_error errs[5], err;
    int status[5];
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 5, many, status, errs, &err), META_OK);
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT((status[i] == META_OK) == (i != 2));
        if (status[i] != META_OK)
            continue;
        CU_ASSERT_EQUAL(many[i].n_estimates, n_est[i]);
        CU_ASSERT_EQUAL(many[i].count, n_arms[i]);
        CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q[i], &one, &err), META_OK);
        expect_same(&many[i], &one);
        meta_selection_release(&one);
    }
    /* T4's four estimates by treatment, then control, as stored. */
    static const char *const t4[][2] = {{"esketamine", "placebo"},
                                        {"ketamine", "placebo"},
                                        {"placebo", "ketamine"},
                                        {"xanomeline", "placebo"}};
    size_t seen = 0;
    for (size_t j = 0; j < many[0].n_estimates; j++) {
        const struct meta_select_estimate *e = &many[0].estimates[j];
        if (strcmp(e->trial, "T4") != 0 || seen >= 4)
            continue;
        CU_ASSERT_STRING_EQUAL(e->treatment, t4[seen][0]);
        CU_ASSERT_STRING_EQUAL(e->control, t4[seen][1]);
        seen++;
    }
    CU_ASSERT_EQUAL(seen, 4);
    for (size_t i = 0; i < 5; i++)
        meta_selection_release(&many[i]);
}

/* Five treatments in each of four trials: only the arms of a query's lists
 * come back (two of the five among them, or three), with the arms' values;
 * in a snapshot whose cache is bounded to three arms, so that it is
 * forgotten between the batches of one run, and outside a snapshot (each
 * batch in its own transaction, ended when read), every selection equals
 * meta_db_select's; a snapshot ended behind the registry's back is no
 * longer trusted. */
static void test_select_many_bound(void)
{
    fresh("meta_test_living_many_bound");
    char csv[4096];
    static const char *const names[] = {"ketamine", "esketamine", "xanomeline", "lidocaine",
                                        "placebo"};
    int used = snprintf(csv, sizeof csv, "%s", HEADER);
    for (int t = 1; t <= 4; t++)
        for (int a = 0; a < 5; a++)
            used += snprintf(csv + used, sizeof csv - (size_t)used,
                             "T%d,a%d,%s,,pain,24h,%d,%d.%d,1.%d,,,,,,%d,%s\n", t, a, names[a],
                             20 + t + a, 2 + a, t, a, 2010 + t, a % 2 ? "high" : "");
    load(db, "five.csv", csv);
    const char *k[] = {"ketamine"}, *ke[] = {"ketamine", "esketamine"}, *p[] = {"placebo"},
               *x[] = {"xanomeline"}, *l[] = {"lidocaine"}, *attrs[] = {"dose", "year"};
    /* ketamine against placebo at 24 h; ketamine or esketamine against
     * placebo, no time point; xanomeline against lidocaine at 24 h */
    const char *const *lists[][2] = {{k, p}, {ke, p}, {x, l}};
    struct meta_select_query q[3];
    for (size_t i = 0; i < 3; i++)
        q[i] = (struct meta_select_query){.outcome = "pain",
                                          .timepoint = i == 1 ? NULL : "24h",
                                          .treatments = lists[i][0],
                                          .n_treatments = i == 1 ? 2 : 1,
                                          .controls = lists[i][1],
                                          .n_controls = 1,
                                          .by = i == 1 ? NULL : "dose",
                                          .attributes = i == 0 ? NULL : attrs,
                                          .n_attributes = i == 0 ? 0 : 2};
    const size_t counts[] = {8, 12, 8}, n = sizeof q / sizeof q[0];
    struct meta_selection many[sizeof q / sizeof q[0]], one;
    struct meta_error errs[sizeof q / sizeof q[0]], err;
    int status[sizeof q / sizeof q[0]];
    for (int mode = 0; mode < 3; mode++) {
        if (mode > 0) {
            CU_ASSERT_EQUAL_FATAL(meta_db_snapshot_begin(db, &err), META_OK);
            CU_ASSERT_PTR_NOT_NULL_FATAL(meta_db_arm_cache(db));
            meta_arm_cache_set_bound(meta_db_arm_cache(db), 3);
        }
        /* all in one batch, then one batch each (mode 2: a batch each only) */
        for (size_t first = 0; first < n; first++) {
            size_t m = mode == 2 ? 1 : n - first;
            CU_ASSERT_EQUAL_FATAL(
                meta_db_select_many(db, q + first, m, many + first, status + first, errs, &err),
                META_OK);
            for (size_t i = first; i < first + m; i++) {
                CU_ASSERT_EQUAL_FATAL(status[i], META_OK);
                CU_ASSERT_EQUAL(many[i].count, counts[i]);
                CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q[i], &one, &err), META_OK);
                expect_same(&many[i], &one);
                meta_selection_release(&one);
                meta_selection_release(&many[i]);
            }
            CU_ASSERT_EQUAL(PQtransactionStatus(meta_db_pg(db)),
                            mode == 0 ? PQTRANS_IDLE : PQTRANS_INTRANS);
            if (mode == 0)
                break;
        }
        if (mode > 0)
            CU_ASSERT_EQUAL(meta_db_snapshot_end(db, &err), META_OK);
    }
    /* A snapshot committed without meta_db_snapshot_end: its arms are
     * forgotten once the connection is seen idle. */
    CU_ASSERT_EQUAL_FATAL(meta_db_snapshot_begin(db, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 1, many, status, errs, &err), META_OK);
    meta_selection_release(&many[0]);
    PQclear(PQexec(meta_db_pg(db), "COMMIT"));
    sql("UPDATE arms SET attributes = attributes || '{\"dose\": \"changed\"}'"
        " WHERE treatment = 'ketamine'");
    CU_ASSERT_FALSE(meta_db_in_snapshot(db));
    CU_ASSERT_PTR_NULL(meta_db_arm_cache(db));
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 1, many, status, errs, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(status[0], META_OK);
    CU_ASSERT_STRING_EQUAL(many[0].arms[0].by_value, "changed");
    meta_selection_release(&many[0]);
    /* A transaction not begun as a snapshot has no arms kept. */
    PQclear(PQexec(meta_db_pg(db), "BEGIN"));
    CU_ASSERT_FALSE(meta_db_in_snapshot(db));
    CU_ASSERT_PTR_NULL(meta_db_arm_cache(db));
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 1, many, status, errs, &err), META_OK);
    CU_ASSERT_EQUAL(status[0], META_OK);
    meta_selection_release(&many[0]);
    PQclear(PQexec(meta_db_pg(db), "COMMIT"));
}

static void test_select_many(void)
{
    fresh("meta_test_living_many");
    load(db, "base.csv", base_csv);
    load(db, "new.csv", new_trial_csv);
    /* A second time point of halluc for one query's error. */
    static const char more_csv[] = HEADER "T9,ket,ketamine,,halluc,1y,,,,1,9,,,,,\n"
                                          "T9,x,xanomeline,,halluc,1y,,,,1,9,,,,,\n";
    load(db, "more.csv", more_csv);
    const char *k[] = {"ketamine"}, *p[] = {"placebo"}, *kx[] = {"ketamine", "esketamine"},
               *both[] = {"ketamine", "placebo"}, *x[] = {"xanomeline"},
               *attrs[] = {"dose", "year", "no such"};
    static const char bad_utf8[] = {'p', (char)0xff, 0};
    const struct meta_select_query q[] = {
        {.outcome = "pain",
         .timepoint = "24h",
         .treatments = k,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1,
         .by = "dose",
         .attributes = attrs,
         .n_attributes = 3},
        {.outcome = "pain", .treatments = p, .n_treatments = 1, .controls = k, .n_controls = 1},
        {.outcome = "halluc",
         .treatments = k,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1}, /* two time points now */
        {.outcome = "halluc",
         .timepoint = "",
         .treatments = k,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1},
        {.outcome = "survival",
         .treatments = p,
         .n_treatments = 1,
         .controls = k,
         .n_controls = 1,
         .attributes = attrs + 1,
         .n_attributes = 1},
        {.outcome = "pian", .treatments = k, .n_treatments = 1, .controls = p, .n_controls = 1},
        {.outcome = "pain",
         .timepoint = "48h",
         .treatments = k,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1},
        {.outcome = "pain",
         .timepoint = "24h",
         .treatments = kx,
         .n_treatments = 2,
         .controls = p,
         .n_controls = 1}, /* esketamine: unknown */
        {.outcome = "pain",
         .timepoint = "24h",
         .treatments = x,
         .n_treatments = 1,
         .controls = p,
         .n_controls = 1}, /* xanomeline: known, not here */
        {.outcome = "pain",
         .timepoint = "24h",
         .treatments = both,
         .n_treatments = 2,
         .controls = p,
         .n_controls = 1},
        {.outcome = bad_utf8, .treatments = k, .n_treatments = 1, .controls = p, .n_controls = 1},
    };
    size_t n = sizeof q / sizeof q[0];
    struct meta_selection many[sizeof q / sizeof q[0]], one;
    struct meta_error errs[sizeof q / sizeof q[0]], err;
    int status[sizeof q / sizeof q[0]];
    /* Inside a snapshot, so that a statement failing in a query read alone
     * must not end the others. */
    CU_ASSERT_EQUAL_FATAL(meta_db_snapshot_begin(db, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, n, many, status, errs, &err), META_OK);
    CU_ASSERT_EQUAL(meta_db_snapshot_end(db, &err), META_OK);
    static const int expected[] = {META_OK, META_OK,     META_EINVAL, META_OK,
                                   META_OK, META_EINVAL, META_EINVAL, META_EINVAL,
                                   META_OK, META_EINVAL, META_EDB};
    for (size_t i = 0; i < n; i++) {
        int ret = meta_db_select(db, &q[i], &one, &err);
        CU_ASSERT_EQUAL(status[i], expected[i]);
        CU_ASSERT_EQUAL(status[i], ret);
        if (ret == META_OK)
            expect_same(&many[i], &one);
        else if (ret != META_EDB)
            CU_ASSERT_STRING_EQUAL(errs[i].msg, err.msg);
        meta_selection_release(&one);
        meta_selection_release(&many[i]);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(errs[2].msg, "several time points"));
    CU_ASSERT_PTR_NOT_NULL(strstr(errs[5].msg, "unknown outcome 'pian'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(errs[7].msg, "esketamine"));
    /* k for the first: four trials, eight arms, with the `by` value. */
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, q, 1, many, status, errs, &err), META_OK);
    CU_ASSERT_EQUAL(many[0].count, 8);
    CU_ASSERT_STRING_EQUAL(many[0].arms[0].by_value, "high");
    /* with the attributes asked for by name: the arm's, NULL where none */
    CU_ASSERT_EQUAL_FATAL(many[0].n_attributes, 3);
    CU_ASSERT_STRING_EQUAL(many[0].arms[0].values[0], "high");
    CU_ASSERT_STRING_EQUAL(many[0].arms[0].values[1], "2015");
    CU_ASSERT_PTR_NULL(many[0].arms[0].values[2]);
    meta_selection_release(&many[0]);
}

/* ---- The history --------------------------------------------------------- */

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* Records a run of key with state st and a result from sel. */
static int record(struct meta_db *to, const struct meta_run_key *key,
                  const struct meta_run_state *st, const struct meta_selection *sel, double est)
{
    long long ids[8];
    size_t n = 0;
    for (size_t i = 0; i < sel->n_loads && n < 8; i++)
        ids[n++] = sel->loads[i].load_id;
    struct meta_run_record r = {.path = key->path,
                                .file_sha256 = key->file_sha256,
                                .options_json = "{\"outcome\": \"pain\"}",
                                .state = st,
                                .fingerprint = sel->fingerprint,
                                .load_ids = ids,
                                .n_loads = n};
    r.result.k = (long long)sel->count / 2;
    snprintf(r.result.measure, sizeof r.result.measure, "MD");
    r.result.estimate = est;
    r.result.ci_lower = est - 0.2;
    r.result.ci_upper = est + 0.2;
    r.result.tau2 = NAN;
    r.result.I2 = 12.5;
    r.result.p = 0.01;
    snprintf(r.result.conclusion, sizeof r.result.conclusion, "below");
    struct meta_error err;
    int ret = meta_db_runs_record(to, &r, 1, &err);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n", err.msg);
    return ret;
}

static void check(const struct meta_run_key *keys, size_t n, struct meta_run_state *st)
{
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_runs_check(db, keys, n, st, &err), META_OK);
}

static void test_history(void)
{
    fresh("meta_test_living_history");
    load(db, "base.csv", base_csv);
    struct meta_run_key keys[] = {
        {"/a/pain.ini", SHA_A, "pain", "24h"},
        {"/a/halluc.ini", SHA_A, "halluc", NULL},
        {"/a/none.ini", SHA_A, "no such outcome", NULL},
    };
    struct meta_run_state st[3], again[3];
    struct meta_selection sel;
    check(keys, 3, st);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(st[i].stale, META_RUN_NEVER_RAN);
        CU_ASSERT(st[i].recordable);
    }
    CU_ASSERT(st[0].outcome_id > 0 && st[0].data_version == 1 && st[0].data_timepoints == -1);
    CU_ASSERT(st[1].data_version == 1 && st[1].data_timepoints == 1);
    CU_ASSERT(st[2].outcome_id == 0 && st[2].data_version == 0 && st[2].data_timepoints == 0);
    select_pain(db, &sel, NULL);
    CU_ASSERT_EQUAL(record(db, &keys[0], &st[0], &sel, -0.7), META_OK);
    CU_ASSERT_EQUAL(record(db, &keys[1], &st[1], &sel, 1.5), META_OK);
    meta_selection_release(&sel);
    meta_run_states_release(st, 3);
    check(keys, 3, st);
    CU_ASSERT_EQUAL(st[0].stale, META_RUN_CURRENT);
    CU_ASSERT_EQUAL(st[1].stale, META_RUN_CURRENT);
    CU_ASSERT_EQUAL(st[2].stale, META_RUN_NEVER_RAN);
    CU_ASSERT_EQUAL(st[0].last.k, 3);
    CU_ASSERT_DOUBLE_EQUAL(st[0].last.estimate, -0.7, 0);
    CU_ASSERT(isnan(st[0].last.tau2));
    CU_ASSERT_STRING_EQUAL(st[0].last.conclusion, "below");
    CU_ASSERT_EQUAL(st[0].n_last_loads, 1);
    /* New data at pain@24h: that analysis alone. */
    load(db, "new.csv", new_trial_csv);
    check(keys, 3, again);
    CU_ASSERT_EQUAL(again[0].stale, META_RUN_DATA_CHANGED);
    CU_ASSERT_EQUAL(again[1].stale, META_RUN_CURRENT);
    /* Its file changed. */
    keys[1].file_sha256 = SHA_B;
    meta_run_states_release(again, 3);
    check(keys, 3, again);
    CU_ASSERT_EQUAL(again[1].stale, META_RUN_FILE_CHANGED);
    /* A second time point of halluc, named by no analysis file: the one
     * that names none is stale (its choice is now ambiguous). */
    keys[1].file_sha256 = SHA_A;
    static const char tp_csv[] = HEADER "T8,ket,ketamine,,halluc,1y,,,,1,9,,,,,\n";
    load(db, "tp.csv", tp_csv);
    meta_run_states_release(again, 3);
    check(keys, 3, again);
    CU_ASSERT_EQUAL(again[1].stale, META_RUN_DATA_CHANGED);
    CU_ASSERT_EQUAL(again[1].data_timepoints, 2);
    /* Record the second run of pain; the history lists both, oldest first,
     * the second with the new load. */
    select_pain(db, &sel, NULL);
    CU_ASSERT_EQUAL(record(db, &keys[0], &again[0], &sel, -0.75), META_OK);
    meta_selection_release(&sel);
    struct meta_history h;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_history(db, "/a/pain.ini", &h, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(h.n, 2);
    CU_ASSERT(h.runs[0].run_id < h.runs[1].run_id);
    CU_ASSERT_EQUAL(h.runs[0].n_loads, 1);
    CU_ASSERT_EQUAL(h.runs[0].n_new, 1);
    CU_ASSERT_EQUAL_FATAL(h.runs[1].n_loads, 2);
    CU_ASSERT_EQUAL(h.runs[1].n_new, 1);
    CU_ASSERT(!h.runs[1].new_load[0] && h.runs[1].new_load[1]);
    CU_ASSERT_STRING_EQUAL(h.runs[1].loads[1].file, "new.csv");
    CU_ASSERT_DOUBLE_EQUAL(h.runs[1].result.estimate, -0.75, 0);
    CU_ASSERT_STRING_EQUAL(h.runs[1].options, "{\"outcome\": \"pain\"}");
    CU_ASSERT_EQUAL(strlen(h.runs[1].ran_at), 27);
    meta_history_release(&h);
    CU_ASSERT_EQUAL(meta_db_history(db, "/a/never.ini", &h, &err), META_OK);
    CU_ASSERT_EQUAL(h.n, 0);
    meta_history_release(&h);
    /* A record the table refuses: nothing recorded. */
    struct meta_run_record bad = {.path = "/a/pain.ini",
                                  .file_sha256 = SHA_A,
                                  .options_json = "{}",
                                  .state = &again[0],
                                  .fingerprint = "not a fingerprint"};
    snprintf(bad.result.measure, sizeof bad.result.measure, "MD");
    snprintf(bad.result.conclusion, sizeof bad.result.conclusion, "includes");
    CU_ASSERT_EQUAL(meta_db_runs_record(db, &bad, 1, &err), META_EINVAL);
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM analysis_runs", "3");
    /* A path that is not UTF-8 is checked as never run, not sent. */
    static const char odd_path[] = {'/', 'x', (char)0xfe, '.', 'i', 'n', 'i', 0};
    struct meta_run_key odd = {odd_path, SHA_A, "pain", "24h"};
    struct meta_run_state odd_st;
    check(&odd, 1, &odd_st);
    CU_ASSERT_EQUAL(odd_st.stale, META_RUN_NEVER_RAN);
    CU_ASSERT_EQUAL(odd_st.recordable, 0);
    meta_run_states_release(st, 3);
    meta_run_states_release(again, 3);
}

/* Compares two verdicts of the history field by field. */
static void same_state(const struct meta_run_state *a, const struct meta_run_state *b)
{
    CU_ASSERT_EQUAL(a->stale, b->stale);
    CU_ASSERT_EQUAL(a->recordable, b->recordable);
    CU_ASSERT_EQUAL(a->outcome_id, b->outcome_id);
    CU_ASSERT_EQUAL(a->data_version, b->data_version);
    CU_ASSERT_EQUAL(a->data_timepoints, b->data_timepoints);
    CU_ASSERT_EQUAL(a->last_run_id, b->last_run_id);
    CU_ASSERT_EQUAL(a->last.k, b->last.k);
    CU_ASSERT(memcmp(&a->last.estimate, &b->last.estimate, sizeof a->last.estimate) == 0);
    CU_ASSERT_STRING_EQUAL(a->last.conclusion, b->last.conclusion);
    CU_ASSERT_STRING_EQUAL(a->last_fingerprint, b->last_fingerprint);
    CU_ASSERT_EQUAL_FATAL(a->n_last_loads, b->n_last_loads);
    for (size_t i = 0; i < a->n_last_loads; i++)
        CU_ASSERT_EQUAL(a->last_load_ids[i], b->last_load_ids[i]);
}

/* Many keys in one check get what each gets alone: paths and names that a
 * list must quote (quotes, backslashes, commas, braces, spaces, the word
 * NULL), time points named and not, unknown outcomes, a key that is not
 * UTF-8 between the others (not sent), some run before and some not. */
static void test_check_many(void)
{
    fresh("meta_test_living_check_many");
    load(db, "base.csv", base_csv);
    static const char odd_path[] = {'/', 'm', '/', (char)0xfe, '.', 'i', 'n', 'i', 0};
    struct meta_run_key keys[] = {
        {"/m/pain \"quoted\".ini", SHA_A, "pain", "24h"},
        {"/m/back\\slash,comma.ini", SHA_A, "halluc", NULL},
        {odd_path, SHA_A, "pain", "24h"},
        {"NULL", SHA_A, "pain", NULL},
        {"/m/{braces} and spaces.ini", SHA_B, "no such outcome", "24h"},
        {"/m/never.ini", SHA_A, "NULL", NULL},
        {"/m/pain again.ini", SHA_B, "pain", "24h"},
        {"/m/tp unknown.ini", SHA_A, "pain", "1y"},
    };
    enum { N = sizeof keys / sizeof keys[0] };
    struct meta_run_state st[N], alone[N];
    struct meta_selection sel;
    check(keys, N, st);
    select_pain(db, &sel, NULL);
    for (size_t i = 0; i < N; i++)
        if (st[i].recordable && i % 3 != 2)
            CU_ASSERT_EQUAL(record(db, &keys[i], &st[i], &sel, -0.5 - (double)i), META_OK);
    meta_selection_release(&sel);
    /* New data at pain@24h, then a key's file changed. */
    load(db, "new.csv", new_trial_csv);
    keys[0].file_sha256 = SHA_B;
    meta_run_states_release(st, N);
    check(keys, N, st);
    for (size_t i = 0; i < N; i++) {
        check(&keys[i], 1, &alone[i]);
        same_state(&st[i], &alone[i]);
    }
    CU_ASSERT_EQUAL(st[0].stale, META_RUN_FILE_CHANGED);
    CU_ASSERT_EQUAL(st[1].stale, META_RUN_CURRENT);
    CU_ASSERT_EQUAL(st[2].recordable, 0);
    CU_ASSERT_EQUAL(st[2].stale, META_RUN_NEVER_RAN);
    CU_ASSERT_EQUAL(st[3].stale, META_RUN_DATA_CHANGED);
    CU_ASSERT_EQUAL(st[3].data_timepoints, 1);
    CU_ASSERT_EQUAL(st[4].stale, META_RUN_CURRENT);
    CU_ASSERT_EQUAL(st[4].outcome_id, 0);
    CU_ASSERT_EQUAL(st[5].stale, META_RUN_NEVER_RAN);
    CU_ASSERT_EQUAL(st[6].stale, META_RUN_DATA_CHANGED);
    CU_ASSERT_EQUAL(st[7].stale, META_RUN_CURRENT);
    CU_ASSERT_EQUAL(st[7].data_version, 0);
    CU_ASSERT(st[6].data_version == 2 && st[6].data_timepoints == -1);
    meta_run_states_release(st, N);
    meta_run_states_release(alone, N);
}

/* A run of subgroup totals only (no overall total) is recorded as such,
 * with its number of subgroups, and read back so by the check and the
 * history; a run with an overall total has no subgroup_totals. */
static void test_subgroup_totals_run(void)
{
    fresh("meta_test_living_totals");
    load(db, "base.csv", base_csv);
    struct meta_run_key key = {"/a/totals.ini", SHA_A, "pain", "24h"};
    struct meta_run_state st, again;
    struct meta_selection sel;
    check(&key, 1, &st);
    select_pain(db, &sel, NULL);
    CU_ASSERT_EQUAL(record(db, &key, &st, &sel, -0.7), META_OK);
    struct meta_run_record r = {.path = key.path,
                                .file_sha256 = key.file_sha256,
                                .options_json = "{\"totals\": \"subgroups\"}",
                                .state = &st,
                                .fingerprint = sel.fingerprint,
                                .load_ids = NULL,
                                .n_loads = 0};
    r.result.k = 3;
    snprintf(r.result.measure, sizeof r.result.measure, "OR");
    r.result.log_scale = 1;
    r.result.estimate = r.result.ci_lower = r.result.ci_upper = NAN;
    r.result.tau2 = r.result.I2 = r.result.p = NAN;
    snprintf(r.result.conclusion, sizeof r.result.conclusion, "none");
    r.result.totals_only = 1;
    r.result.n_subgroups = 2;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_runs_record(db, &r, 1, &err), META_OK);
    meta_selection_release(&sel);
    meta_test_load_expect_query(conninfo,
                                "SELECT string_agg(coalesce(subgroup_totals::text, 'null'), ' '"
                                " ORDER BY run_id) FROM analysis_runs",
                                "null 2");
    check(&key, 1, &again);
    CU_ASSERT_EQUAL(again.last.totals_only, 1);
    CU_ASSERT_EQUAL(again.last.n_subgroups, 2);
    CU_ASSERT_EQUAL(again.last.k, 3);
    CU_ASSERT(isnan(again.last.estimate));
    CU_ASSERT_STRING_EQUAL(again.last.conclusion, "none");
    struct meta_history h;
    CU_ASSERT_EQUAL_FATAL(meta_db_history(db, key.path, &h, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(h.n, 2);
    CU_ASSERT_EQUAL(h.runs[0].result.totals_only, 0);
    CU_ASSERT_EQUAL(h.runs[0].result.n_subgroups, 0);
    CU_ASSERT_EQUAL(h.runs[1].result.totals_only, 1);
    CU_ASSERT_EQUAL(h.runs[1].result.n_subgroups, 2);
    meta_history_release(&h);
    meta_run_states_release(&st, 1);
    meta_run_states_release(&again, 1);
}

/* ---- One snapshot per run ------------------------------------------------ */

static void test_snapshot(void)
{
    struct meta_db *loader = NULL;
    struct meta_error err;
    fresh("meta_test_living_snapshot");
    load(db, "base.csv", base_csv);
    CU_ASSERT_EQUAL_FATAL(meta_db_open(conninfo, &loader, &err), META_OK);
    struct meta_run_key key = {"/s/pain.ini", SHA_A, "pain", "24h"};
    struct meta_run_state st, later;
    const char *k[] = {"ketamine"}, *p[] = {"placebo"};
    struct meta_select_query q = {.outcome = "pain",
                                  .timepoint = "24h",
                                  .treatments = k,
                                  .n_treatments = 1,
                                  .controls = p,
                                  .n_controls = 1};
    struct meta_selection sel;
    int status;
    /* The run's snapshot starts, then a load of a new trial commits: every
     * read of the run sees the registry as it was. */
    CU_ASSERT_EQUAL_FATAL(meta_db_snapshot_begin(db, &err), META_OK);
    check(&key, 1, &st);
    load(loader, "new.csv", new_trial_csv);
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, &q, 1, &sel, &status, &err, &err), META_OK);
    CU_ASSERT_EQUAL(status, META_OK);
    CU_ASSERT_EQUAL(sel.count, 6);
    CU_ASSERT_EQUAL(sel.n_loads, 1);
    struct meta_run_state inside;
    check(&key, 1, &inside);
    CU_ASSERT_EQUAL(inside.data_version, st.data_version);
    CU_ASSERT_EQUAL(meta_db_snapshot_end(db, &err), META_OK);
    CU_ASSERT_EQUAL(record(db, &key, &st, &sel, -0.7), META_OK);
    meta_selection_release(&sel);
    /* The run recorded the state it read: the analysis is stale now. */
    check(&key, 1, &later);
    CU_ASSERT_EQUAL(later.stale, META_RUN_DATA_CHANGED);
    CU_ASSERT(later.data_version > st.data_version);
    CU_ASSERT_EQUAL_FATAL(meta_db_select_many(db, &q, 1, &sel, &status, &err, &err), META_OK);
    CU_ASSERT_EQUAL(sel.count, 8);
    meta_selection_release(&sel);
    meta_run_states_release(&st, 1);
    meta_run_states_release(&inside, 1);
    meta_run_states_release(&later, 1);
    meta_db_close(loader);
}

/* ---- The reader role ------------------------------------------------------ */

static void test_reader(void)
{
    struct meta_db *reader = NULL;
    struct meta_error err;
    fresh("meta_test_living_reader");
    load(db, "base.csv", base_csv);
    struct meta_run_key key = {"/r/pain.ini", SHA_A, "pain", "24h"};
    struct meta_run_state st;
    struct meta_selection sel;
    check(&key, 1, &st);
    select_pain(db, &sel, NULL);
    CU_ASSERT_EQUAL(record(db, &key, &st, &sel, -0.7), META_OK);
    CU_ASSERT_EQUAL_FATAL(meta_db_open(conninfo, &reader, &err), META_OK);
    PGresult *res = PQexec(meta_db_pg(reader), "SET ROLE meta_reader");
    CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    /* It lists the history and checks staleness... */
    struct meta_history h;
    CU_ASSERT_EQUAL(meta_db_history(reader, "/r/pain.ini", &h, &err), META_OK);
    CU_ASSERT_EQUAL(h.n, 1);
    meta_history_release(&h);
    struct meta_run_state rst;
    CU_ASSERT_EQUAL(meta_db_runs_check(reader, &key, 1, &rst, &err), META_OK);
    CU_ASSERT_EQUAL(rst.stale, META_RUN_CURRENT);
    meta_run_states_release(&rst, 1);
    /* ...but cannot record a run, nor write the bookkeeping. */
    CU_ASSERT_EQUAL(record(reader, &key, &st, &sel, -0.7), META_EDB);
    res = PQexec(meta_db_pg(reader), "UPDATE data_changes SET changes = changes + 1");
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42501");
    PQclear(res);
    res = PQexec(meta_db_pg(reader), "DELETE FROM analysis_runs");
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42501");
    PQclear(res);
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM analysis_runs", "1");
    /* The loader role records. */
    res = PQexec(meta_db_pg(reader), "RESET ROLE; SET ROLE meta_loader");
    PQclear(res);
    CU_ASSERT_EQUAL(record(reader, &key, &st, &sel, -0.7), META_OK);
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM analysis_runs", "2");
    meta_selection_release(&sel);
    meta_run_states_release(&st, 1);
    meta_db_close(reader);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"bookkeeping counts what changes a selection", test_changes},
        {"fingerprints: stable, and changed by any value", test_fingerprint},
        {"many selections equal one at a time", test_select_many},
        {"many selections join their arms in meta", test_select_many_arms},
        {"many selections read estimates as one at a time does", test_select_many_estimates},
        {"many selections: many treatments, a bounded cache, no snapshot", test_select_many_bound},
        {"many selections: rows put in order in meta", test_select_many_order},
        {"history: staleness, records, list", test_history},
        {"history: many keys checked as each alone", test_check_many},
        {"a run of subgroup totals only says so", test_subgroup_totals_run},
        {"one snapshot: a load committing meanwhile is not seen", test_snapshot},
        {"the reader role reads the history, cannot write it", test_reader},
        {NULL, NULL},
    };
    return meta_test_run_suite("living", NULL, suite_cleanup, cases);
}
