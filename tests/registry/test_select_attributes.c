/*
 * The attributes a selection reads by name (meta_select_query.attributes:
 * the moderators of a meta-regression, risk-of-bias columns) against a real
 * PostgreSQL: each arm's value is the result's own, else the arm's; each
 * estimate's its own; absent ones are NULL; names with quotes or commas
 * travel safely; nothing is computed when none are asked for; and an
 * attribute that no arm has is reported with the close matches.
 */
#include "cunit_main.h"
#include "meta_select.h"
#include "test_load_util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two arm trials with attributes (T2's control arm lacks `dose`, its
 * treatment arm has an odd one), and one estimate trial. */
static const char data_csv[] =
    "trial,arm,treatment,control,outcome,n,mean,sd,measure,estimate,se,ablat,alloc,"
    "\"do\"\"se, mg\"\n"
    "T1,ket,ketamine,,pain,30,2.1,1.4,,,,44,random,0.5\n"
    "T1,pla,placebo,,pain,31,3.5,1.6,,,,44,random,\n"
    "T2,ket,ketamine,,pain,20,1.8,1.2,,,,55,,0.15\n"
    "T2,pla,placebo,,pain,22,3.0,1.5,,,,55,,\n"
    "T3,,ketamine,placebo,pain,,,,MD,-1.3,0.4,13,systematic,1\n";

static char conninfo[1024];
static struct meta_db *db;

static int suite_cleanup(void)
{
    return meta_test_load_close(&db);
}

static const char *const ket[] = {"ketamine"};
static const char *const pla[] = {"placebo"};

static void load_data(const char *name)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    meta_test_load_fresh(name, conninfo, sizeof conninfo, &db);
    int ret = meta_test_load_files(db, &r, &err, meta_test_load_file("attrs.csv", data_csv), NULL);
    if (ret != META_OK)
        fprintf(stderr, "\n  %s\n%s\n", err.msg, meta_test_load_messages(&r));
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
    meta_load_report_release(&r);
}

static const struct meta_select_arm *arm(const struct meta_selection *sel, const char *trial,
                                         const char *label)
{
    for (size_t i = 0; i < sel->count; i++)
        if (strcmp(sel->arms[i].trial, trial) == 0 && strcmp(sel->arms[i].label, label) == 0)
            return &sel->arms[i];
    return NULL;
}

static void expect_value(const char *got, const char *want)
{
    if (!want) {
        CU_ASSERT_PTR_NULL(got);
        return;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_values(void)
{
    load_data("meta_test_select_attrs");
    /* T2's treatment result carries its own ablat, which wins over the arm's. */
    PGconn *conn = PQconnectdb(conninfo);
    PQclear(PQexec(conn, "UPDATE continuous_results r SET attributes = '{\"ablat\": \"56\"}'"
                         " FROM arms a JOIN trials t USING (trial_id)"
                         " WHERE a.arm_id = r.arm_id AND a.label = 'ket' AND t.name = 'T2'"));
    PQfinish(conn);
    static const char *const wanted[] = {"ablat", "alloc", "do\"se, mg", "weeks"};
    struct meta_select_query q = {.outcome = "pain",
                                  .treatments = ket,
                                  .n_treatments = 1,
                                  .controls = pla,
                                  .n_controls = 1,
                                  .attributes = wanted,
                                  .n_attributes = 4};
    struct meta_selection sel;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(sel.n_attributes, 4);
    CU_ASSERT_STRING_EQUAL(sel.attributes[2], "do\"se, mg");
    CU_ASSERT_EQUAL_FATAL(sel.count, 4);
    const struct meta_select_arm *t1 = arm(&sel, "T1", "ket");
    const struct meta_select_arm *t1c = arm(&sel, "T1", "pla");
    const struct meta_select_arm *t2 = arm(&sel, "T2", "ket");
    const struct meta_select_arm *t2c = arm(&sel, "T2", "pla");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t2c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1->values);
    expect_value(t1->values[0], "44");
    expect_value(t1->values[1], "random");
    expect_value(t1->values[2], "0.5");
    expect_value(t1->values[3], NULL);
    expect_value(t1c->values[2], NULL); /* an empty cell is no attribute */
    expect_value(t2->values[0], "56");  /* the result's own */
    expect_value(t2->values[1], NULL);
    expect_value(t2->values[2], "0.15");
    expect_value(t2c->values[0], "55");
    CU_ASSERT_EQUAL_FATAL(sel.n_estimates, 1);
    const struct meta_select_estimate *e = &sel.estimates[0];
    CU_ASSERT_PTR_NOT_NULL_FATAL(e->values);
    expect_value(e->values[0], "13");
    expect_value(e->values[1], "systematic");
    expect_value(e->values[2], "1");
    expect_value(e->values[3], NULL);
    meta_selection_release(&sel);

    /* None asked for: no arrays. */
    q.attributes = NULL;
    q.n_attributes = 0;
    CU_ASSERT_EQUAL_FATAL(meta_db_select(db, &q, &sel, &err), META_OK);
    CU_ASSERT_EQUAL(sel.n_attributes, 0);
    CU_ASSERT_PTR_NULL(sel.attributes);
    CU_ASSERT_EQUAL_FATAL(sel.count, 4);
    CU_ASSERT_PTR_NULL(sel.arms[0].values);
    CU_ASSERT_PTR_NULL(sel.estimates[0].values);
    meta_selection_release(&sel);

    /* A name that is empty is the caller's mistake. */
    static const char *const empty[] = {"ablat", ""};
    q.attributes = empty;
    q.n_attributes = 2;
    CU_ASSERT_EQUAL(meta_db_select(db, &q, &sel, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "attribute 2 to read has no name"));
    meta_selection_release(&sel);
}

static void test_missing_attribute(void)
{
    load_data("meta_test_select_attrs_missing");
    struct meta_select_query q = {
        .outcome = "pain", .treatments = ket, .n_treatments = 1, .controls = pla, .n_controls = 1};
    struct meta_error err;
    CU_ASSERT_EQUAL(meta_db_missing_attribute(db, &q, "ablt", "to regress on", &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err.msg, "no treatment arm has the attribute 'ablt' to regress on (close matches: "
                        "'ablat'; the treatment arms have: ablat, alloc, do\"se, mg)"));
    /* --by keeps its wording. */
    q.by = "alocation";
    CU_ASSERT_EQUAL(meta_db_unknown_attribute(db, &q, &err), META_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err.msg, "no treatment arm has the attribute 'alocation' to form subgroups by"));
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"attributes read by name, result before arm", test_values},
        {"an attribute no arm has", test_missing_attribute},
        {NULL, NULL},
    };
    return meta_test_run_suite("select_attributes", NULL, suite_cleanup, cases);
}
