/*
 * lib/importer against a real PostgreSQL: reviews read by lib/import from
 * the shared files stored through the storage API (what lands in which
 * table, with which load), imported twice (nothing changes), corrected (what
 * the package no longer has is removed), refused by a rule of the registry
 * (nothing stored, the data row named), checked against RevMan's printed
 * and stored numbers (also when the registry was altered behind its back, to
 * show that the check can fail), and analysis files written without
 * following links.
 */
#include "cunit_main.h"
#include "import_fixtures.h"
#include "meta_importer.h"
#include "test_load_util.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char conninfo[1024];
static struct meta_db *db;

static int suite_init(void)
{
    return fx_setup();
}

static int suite_cleanup(void)
{
    meta_test_load_close(&db);
    return fx_cleanup();
}

static void fresh(const char *name)
{
    meta_test_load_fresh(name, conninfo, sizeof conninfo, &db);
}

static void expect_query(const char *sql, const char *expected)
{
    meta_test_load_expect_query(conninfo, sql, expected);
}

/* Imports rv, which must succeed, into report (initialised here). */
static void import_ok(const struct meta_review *rv, const char *prefix,
                      struct meta_import_report *report)
{
    struct meta_error err;
    meta_import_report_init(report);
    int ret = meta_db_import_review(db, rv, prefix, report, &err);
    if (ret != META_OK)
        fprintf(stderr, "\nimport failed: %s\n%s\n", err.msg,
                meta_test_load_messages(&report->load));
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
}

/* Checks rv, which must run, into c (initialised here). */
static void check_ok(const struct meta_review *rv, const char *prefix, struct meta_check_report *c)
{
    struct meta_error err;
    meta_check_report_init(c);
    int ret = meta_db_check_review(db, rv, prefix, c, &err);
    if (ret != META_OK)
        fprintf(stderr, "\ncheck failed: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(ret, META_OK);
}

static const struct meta_check_analysis *checked(const struct meta_check_report *c, const char *id)
{
    for (size_t i = 0; i < c->n_analyses; i++)
        if (strcmp(c->analyses[i].id, id) == 0)
            return &c->analyses[i];
    return NULL;
}

static const struct meta_check_field *field(const struct meta_check_analysis *a, const char *name)
{
    for (size_t i = 0; a && i < a->n_fields; i++)
        if (strcmp(a->fields[i].field, name) == 0)
            return &a->fields[i];
    return NULL;
}

/* The registry without its count of loads (which every import adds to). */
static char *state(void)
{
    char *snap = meta_test_load_snapshot(conninfo, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap);
    char *loads = strstr(snap, "loads|");
    if (loads)
        *loads = '\0';
    return snap;
}

static const char *const PAIN_1_1 =
    "CD015373 1.1 Pain intensity (continuous), immediate-term follow-up";

/* ---- CD015373: what is stored where --------------------------------------- */

static void test_cd015373_stored(void)
{
    fresh("meta_test_importer_cd015373");
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct meta_import_report r;
    import_ok(rv, NULL, &r);

    CU_ASSERT_STRING_EQUAL(r.prefix, "CD015373");
    CU_ASSERT_EQUAL(r.n_analyses, 95);
    CU_ASSERT_EQUAL(r.rows_by_type[META_REVIEW_DICHOTOMOUS], 97);
    CU_ASSERT_EQUAL(r.rows_by_type[META_REVIEW_CONTINUOUS], 79);
    CU_ASSERT_EQUAL(r.binary, 194);
    CU_ASSERT_EQUAL(r.continuous, 158);
    CU_ASSERT_EQUAL(r.estimates, 0);
    CU_ASSERT_EQUAL(r.trials, 29);
    CU_ASSERT_EQUAL(r.n_skipped, 0);
    CU_ASSERT_STRING_EQUAL(r.analyses[0].id, "1.1");
    CU_ASSERT_STRING_EQUAL(r.analyses[0].outcome, PAIN_1_1);
    CU_ASSERT_EQUAL(r.analyses[0].stored, 3);

    /* one load, named by the review and the file's part, with the file's SHA-256 */
    CU_ASSERT_EQUAL_FATAL(r.load.nfiles, 1);
    CU_ASSERT_STRING_EQUAL(r.load.files[0].name, "CD015373/data-rows.csv");
    CU_ASSERT_STRING_EQUAL(r.source_names[0], "CD015373/data-rows.csv");
    CU_ASSERT_EQUAL(r.load.files[0].rows, 352);
    CU_ASSERT_EQUAL(r.load.files[0].inserted, 352);
    char sha[META_CSV_SHA256_HEX], sql[512];
    struct meta_error err;
    CU_ASSERT_EQUAL(
        meta_load_sha256_file(fx_data("cochrane/CD015373/CD015373_pub2-data-rows.csv"), sha, &err),
        META_OK);
    snprintf(sql, sizeof sql, "CD015373/data-rows.csv %s 352", sha);
    expect_query("SELECT file_name || ' ' || sha256 || ' ' || row_count FROM loads", sql);
    expect_query("SELECT count(*) FROM outcomes", "95");
    expect_query("SELECT count(*) FROM trials", "29");

    /* Lumanauw 2019 in 1.1: its arms, year and RoB 2 judgement as stored */
    expect_query("SELECT r.n || ' ' || r.mean || ' ' || r.sd || ' ' || a.treatment || ' '"
                 " || (a.attributes->>'year') || ' ' || (r.attributes->>'rob_d1')"
                 " FROM continuous_results r JOIN arms a USING (arm_id)"
                 " JOIN trials t USING (trial_id) JOIN outcomes o USING (outcome_id)"
                 " WHERE t.name = 'Lumanauw 2019' AND a.label = 'experimental'"
                 " AND o.name LIKE 'CD015373 1.1 %'",
                 "59 60.033898 38.030326 experimental 2019 low");
    /* 1.2: the row's subgroup is an attribute of that analysis's result only */
    expect_query("SELECT r.attributes->>'subgroup' FROM continuous_results r"
                 " JOIN arms a USING (arm_id) JOIN trials t USING (trial_id)"
                 " JOIN outcomes o USING (outcome_id)"
                 " WHERE t.name = 'Noppers 2011a' AND a.label = 'control'"
                 " AND o.name LIKE 'CD015373 1.2 %'",
                 "\xE2\x89\xA4"
                 "1 day");
    /* 2.1: Dadabayev 2020's second row of the analysis, under its own trial name */
    expect_query("SELECT count(*) FROM trials WHERE name = 'Dadabayev 2020 (2)'", "1");
    meta_import_report_release(&r);
    meta_review_free(rv);
}

/* Every analysis of CD015373 reproduces RevMan's printed numbers. */
static void test_cd015373_check(void)
{
    fresh("meta_test_importer_cd015373_check");
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct meta_import_report r;
    import_ok(rv, NULL, &r);
    struct meta_check_report c;
    check_ok(rv, NULL, &c);
    CU_ASSERT_EQUAL(c.n_analyses, 95);
    CU_ASSERT_EQUAL(c.agree, 95);
    CU_ASSERT_EQUAL(c.disagree + c.not_compared + c.not_computed, 0);
    size_t fields = 0;
    for (size_t i = 0; i < c.n_analyses; i++) {
        const struct meta_check_analysis *a = &c.analyses[i];
        CU_ASSERT(a->n_fields >= 1);
        fields += a->n_fields;
        for (size_t j = 0; j < a->n_fields; j++) {
            CU_ASSERT(a->fields[j].agree);
            /* printed to 6 decimals: half a unit of the last is allowed */
            CU_ASSERT(a->fields[j].tolerance < 0.51e-6);
        }
    }
    /* 4 numbers per study RevMan computed; 1 for each of the 7 it shows not estimable */
    CU_ASSERT_EQUAL(fields, 4 * 169 + 7);

    const struct meta_check_analysis *a = checked(&c, "1.1");
    CU_ASSERT_EQUAL(a->k, 3);
    const struct meta_check_field *f = field(a, "Lumanauw 2019: weight");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_DOUBLE_EQUAL(f->revman, 34.134428, 1e-12);
    CU_ASSERT(fabs(f->meta - 34.134428) <= 0.5e-6);
    /* 7.19 is an SMD analysis (the measure the printed effects tell) */
    f = field(checked(&c, "7.19"), "Gustin 2010: estimate");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_DOUBLE_EQUAL(f->revman, -1.529, 1e-12);
    /* 2.2: both studies without events: not estimable for RevMan and meta */
    a = checked(&c, "2.2");
    CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
    CU_ASSERT_EQUAL(a->n_fields, 2);
    CU_ASSERT(isnan(a->fields[0].revman) && isnan(a->fields[0].meta));
    CU_ASSERT_PTR_NOT_NULL(a->reason);
    meta_check_report_release(&c);

    /* The check reads the registry: a value altered there is found out. */
    char *done = meta_test_load_query(
        conninfo, "WITH u AS (UPDATE continuous_results r SET mean = mean + 1"
                  " FROM arms a, trials t, outcomes o WHERE a.arm_id = r.arm_id"
                  " AND t.trial_id = a.trial_id AND o.outcome_id = r.outcome_id"
                  " AND t.name = 'Lumanauw 2019' AND a.label = 'experimental'"
                  " AND o.name LIKE 'CD015373 1.1 %' RETURNING 1) SELECT count(*) FROM u");
    CU_ASSERT_STRING_EQUAL(done, "1");
    free(done);
    check_ok(rv, NULL, &c);
    CU_ASSERT_EQUAL(c.disagree, 1);
    a = checked(&c, "1.1");
    CU_ASSERT_EQUAL(a->status, META_CHECK_DISAGREE);
    f = field(a, "Lumanauw 2019: estimate");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_FALSE(f->agree);
    CU_ASSERT(fabs(f->meta - (-0.266102)) < 1e-6);
    CU_ASSERT(a->max_rel_diff > 0.5);
    meta_check_report_release(&c);
    meta_import_report_release(&r);
    meta_review_free(rv);
}

/* ---- Idempotent, corrected, refused --------------------------------------- */

static void test_twice(void)
{
    fresh("meta_test_importer_twice");
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct meta_import_report r;
    import_ok(rv, NULL, &r);
    char *first = state();
    meta_import_report_release(&r);
    import_ok(rv, NULL, &r);
    const struct meta_load_file_report *f = &r.load.files[0];
    CU_ASSERT_EQUAL(f->rows, 352);
    CU_ASSERT_EQUAL(f->unchanged, 352);
    CU_ASSERT_EQUAL(f->inserted + f->replaced + f->removed, 0);
    char *second = state();
    CU_ASSERT_STRING_EQUAL(first, second);
    /* every result keeps the load that first brought it */
    expect_query("SELECT count(DISTINCT load_id) FROM (SELECT load_id FROM continuous_results"
                 " UNION ALL SELECT load_id FROM binary_results) r",
                 "1");
    expect_query("SELECT count(*) FROM loads", "2");
    free(first);
    free(second);
    meta_import_report_release(&r);
    meta_review_free(rv);
}

/* The data rows with analysis 13.1 dropped and one mean changed in 1.1. */
static const char *corrected_package(void)
{
    size_t len;
    char *text = fx_slurp(fx_data("cochrane/CD015373/CD015373_pub2-data-rows.csv"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *out = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    size_t n = 0;
    int changed = 0;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t l = end ? (size_t)(end - line) + 1 : strlen(line);
        if (strncmp(line, "13,1,", 5) != 0) {
            memcpy(out + n, line, l);
            if (!changed && strncmp(line, "1,1,", 4) == 0) {
                char *m = strstr(out + n, ",60.033898,");
                CU_ASSERT_PTR_NOT_NULL_FATAL(m);
                memcpy(m, ",60.533898,", 11);
                changed = 1;
            }
            n += l;
        }
        line += l;
    }
    out[n] = '\0';
    /* downloaded again under another name: the review's identity is its CD number */
    const char *path = fx_write("corrected/CD015373_pub3-data-rows.csv", out, n);
    free(text);
    free(out);
    return path;
}

static void test_corrected(void)
{
    const char *corrected = corrected_package();
    fresh("meta_test_importer_corrected_alone");
    struct meta_review *fixed = fx_read_cochrane(corrected);
    struct meta_import_report r;
    import_ok(fixed, NULL, &r);
    char *alone = state();
    meta_import_report_release(&r);

    fresh("meta_test_importer_corrected");
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    import_ok(rv, NULL, &r);
    meta_import_report_release(&r);
    expect_query("SELECT count(*) FROM outcomes WHERE name LIKE 'CD015373 13.1 %'", "1");
    import_ok(fixed, NULL, &r);
    const struct meta_load_file_report *f = &r.load.files[0];
    CU_ASSERT_STRING_EQUAL(f->name, "CD015373/data-rows.csv");
    CU_ASSERT_EQUAL(f->rows, 350);
    CU_ASSERT_EQUAL(f->removed, 2);  /* 13.1's two arms */
    CU_ASSERT_EQUAL(f->replaced, 1); /* Lumanauw 2019's experimental arm in 1.1 */
    CU_ASSERT_EQUAL(f->unchanged, 349);
    expect_query("SELECT count(*) FROM outcomes WHERE name LIKE 'CD015373 13.1 %'", "0");
    /* as if only the corrected package had ever been imported */
    char *after = state();
    CU_ASSERT_STRING_EQUAL(after, alone);
    free(after);
    free(alone);
    meta_import_report_release(&r);
    meta_review_free(rv);
    meta_review_free(fixed);
}

static void test_refused(void)
{
    fresh("meta_test_importer_refused");
    /* the registry already holds 1.1's outcome as binary */
    const char *csv = fx_write("binary.csv",
                               "trial,treatment,outcome,events,total\n"
                               "X,a,\"CD015373 1.1 Pain intensity (continuous), immediate-term "
                               "follow-up\",1,10\n",
                               (size_t)-1);
    struct meta_load_report lr;
    struct meta_error err;
    meta_load_report_init(&lr);
    CU_ASSERT_EQUAL_FATAL(meta_test_load_files(db, &lr, &err, csv, NULL), META_OK);
    meta_load_report_release(&lr);
    char *before = meta_test_load_snapshot(conninfo, 1);

    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct meta_import_report r;
    meta_import_report_init(&r);
    CU_ASSERT_EQUAL(meta_db_import_review(db, rv, NULL, &r, &err), META_EINVAL);
    CU_ASSERT(r.load.errors.count >= 1);
    CU_ASSERT_EQUAL(r.load.nfiles, 0);
    const char *msgs = meta_test_load_messages(&r.load);
    /* the data row that gives the outcome, by file and line */
    CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "CD015373_pub2-data-rows.csv:2: analysis 1.1: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "binary"));
    FX_MSG(&err, "nothing was loaded");
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_STRING_EQUAL(after, before); /* nothing stored */
    free(before);
    free(after);
    meta_import_report_release(&r);
    meta_review_free(rv);
}

/* ---- RevMan 5 and the constructed packages -------------------------------- */

static void test_fleiss_revman(void)
{
    fresh("meta_test_importer_revman");
    struct meta_review *rv = fx_read_revman(fx_data("revman/Fleiss1993.rm5"));
    struct meta_import_report r;
    import_ok(rv, NULL, &r);
    CU_ASSERT_STRING_EQUAL(r.load.files[0].name, "Fleiss1993/review.rm5");
    CU_ASSERT_EQUAL(r.binary, 14);
    CU_ASSERT_EQUAL(r.continuous, 10);
    CU_ASSERT_EQUAL(r.trials, 12);
    struct meta_check_report c;
    check_ok(rv, NULL, &c);
    const struct meta_check_analysis *a = checked(&c, "1.1");
    CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
    CU_ASSERT_EQUAL(a->k, 7);
    /* 7 studies x 4, and the totals: estimate, interval, Z, p, chi^2, df, its p, I^2 */
    CU_ASSERT_EQUAL(a->n_fields, 7 * 4 + 9);
    const struct meta_check_field *f = field(a, "estimate");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_DOUBLE_EQUAL(f->revman, 0.8968655609130709, 1e-16);
    CU_ASSERT(fabs(f->tolerance - 1e-6 * 0.8968655609130709) < 1e-15); /* full precision */
    f = field(a, "chi2_p");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* RevMan 5's own chi^2 tail: 5.8e-7 from the exact one */
    CU_ASSERT(f->rel_diff > 5e-7 && f->rel_diff < 6e-7);
    CU_ASSERT(f->agree);
    CU_ASSERT_PTR_NOT_NULL(field(a, "ISIS-2: weight"));
    /* RevMan 5 stored nothing for the SMD analysis */
    a = checked(&c, "1.2");
    CU_ASSERT_EQUAL(a->status, META_CHECK_NOT_COMPARED);
    CU_ASSERT_EQUAL(a->n_fields, 0);
    CU_ASSERT_EQUAL(c.agree, 1);
    CU_ASSERT_EQUAL(c.not_compared, 1);
    meta_check_report_release(&c);
    meta_import_report_release(&r);
    meta_review_free(rv);
}

static void test_constructed(void)
{
    fresh("meta_test_importer_constructed");
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/constructed_subgroups"));
    struct meta_import_report r;
    import_ok(rv, NULL, &r);
    CU_ASSERT_EQUAL(r.load.nfiles, 3);
    CU_ASSERT_STRING_EQUAL(r.source_names[1],
                           "constructed_subgroups/overall-estimates-and-settings.csv");
    CU_ASSERT_STRING_EQUAL(r.source_names[2], "constructed_subgroups/subgroup-estimates.csv");
    struct meta_check_report c;
    check_ok(rv, NULL, &c);
    const struct meta_check_analysis *a = checked(&c, "1.1");
    CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
    /* 6 studies x 4; overall: 10 totals; 2 subgroups: 10 totals and the weight; the test: 4 */
    CU_ASSERT_EQUAL(a->n_fields, 6 * 4 + 10 + 2 * 11 + 4);
    const char *names[] = {"tau2",
                           "subgroup Adults: tau2",
                           "subgroup Children: weight",
                           "subgroup test: chi2",
                           "subgroup test: p",
                           "Ford 2016: weight"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const struct meta_check_field *f = field(a, names[i]);
        CU_ASSERT_PTR_NOT_NULL(f);
        CU_ASSERT(f && f->agree);
    }
    CU_ASSERT_DOUBLE_EQUAL(field(a, "subgroup Adults: tau2")->revman, 33.501066, 1e-12);
    meta_check_report_release(&c);
    meta_import_report_release(&r);
    meta_review_free(rv);

    /* Estimate rows (generic inverse variance, O-E): the engine pools them
     * from their own effect and variance, and every printed number agrees. */
    rv = fx_read_cochrane(fx_data("cochrane/constructed_estimates"));
    import_ok(rv, NULL, &r);
    CU_ASSERT_EQUAL(r.estimates, 7);
    CU_ASSERT_EQUAL(r.binary + r.continuous, 0);
    expect_query("SELECT string_agg(measure || ':' || method || ':' || log_scale, ',' ORDER BY"
                 " measure) FROM (SELECT DISTINCT measure, method, log_scale"
                 " FROM estimate_results) e",
                 "OR:peto:false,RR::false");
    check_ok(rv, NULL, &c);
    CU_ASSERT_EQUAL(c.n_analyses, 2);
    for (size_t i = 0; i < c.n_analyses; i++) {
        a = &c.analyses[i];
        CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
        CU_ASSERT_EQUAL(a->n_disagree, 0);
        /* each study's weight, effect and interval, and the totals */
        CU_ASSERT(a->k >= 3 && a->n_fields >= 3 * a->k + 10);
    }
    CU_ASSERT_EQUAL(c.disagree, 0);
    meta_check_report_release(&c);
    meta_import_report_release(&r);
    meta_review_free(rv);
}

/* ---- Subgroup totals only ------------------------------------------------- */

/* Which totals the map says RevMan shows: said by a RevMan 5 file's TOTALS
 * or a package's settings, inferred from the printed weights of data rows
 * alone, and never inferred where the weights are of the overall total
 * (every analysis of CD015373, whose subgroup analyses show both). */
static void test_totals_map(void)
{
    static const struct {
        const char *path;
        int revman;
        const char *totals;
        int inferred;
    } cases[] = {
        {"revman/Fleiss1993_subgroup_totals.rm5", 1, "subgroups", 0},
        {"revman/Fleiss1993.rm5", 1, NULL, 0},
        {"cochrane/constructed_subgroup_totals", 0, "subgroups", 0},
        {"cochrane/constructed_subgroup_totals_rows", 0, "subgroups", 1},
        {"cochrane/constructed_subgroups", 0, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct meta_review *rv = cases[i].revman ? fx_read_revman(fx_data(cases[i].path))
                                                 : fx_read_cochrane(fx_data(cases[i].path));
        struct meta_review_map map;
        meta_review_map_settings(&rv->analyses[0], &map);
        int said = map.totals && cases[i].totals && strcmp(map.totals, cases[i].totals) == 0;
        CU_ASSERT(cases[i].totals ? said : map.totals == NULL);
        CU_ASSERT_EQUAL(map.totals_inferred, cases[i].inferred);
        CU_ASSERT_EQUAL(meta_review_weights_within_subgroups(&rv->analyses[0]),
                        cases[i].totals != NULL);
        meta_review_free(rv);
    }
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    size_t with_subgroups = 0;
    for (size_t i = 0; i < rv->n_analyses; i++) {
        struct meta_review_map map;
        meta_review_map_settings(&rv->analyses[i], &map);
        CU_ASSERT_PTR_NULL(map.totals);
        CU_ASSERT_FALSE(meta_review_weights_within_subgroups(&rv->analyses[i]));
        with_subgroups += rv->analyses[i].n_subgroups >= 2;
    }
    CU_ASSERT_EQUAL(with_subgroups, 10);
    meta_review_free(rv);
}

/* The RevMan 5 file with TOTALS="SUB" and the package with "Overall
 * estimates" false, with and without its settings: every weight within its
 * subgroup (ISIS-2 weighs 84.5% of its subgroup, 72.9% of the overall total
 * of Fleiss1993.rm5), the subgroups' totals and the test agree with what
 * subgroup_totals_packages.R computed, and no overall total is looked for;
 * the analysis file says totals = subgroups. */
static void test_subgroup_totals(void)
{
    fresh("meta_test_importer_totals");
    struct meta_review *rv = fx_read_revman(fx_data("revman/Fleiss1993_subgroup_totals.rm5"));
    struct meta_import_report r;
    import_ok(rv, "RMSUB", &r);
    struct meta_check_report c;
    check_ok(rv, "RMSUB", &c);
    const struct meta_check_analysis *a = checked(&c, "1.1");
    CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
    CU_ASSERT_EQUAL(a->n_disagree, 0);
    /* 7 studies x 4; 2 subgroups: 9 totals (no tau^2: fixed) and the weight; the test: 4 */
    CU_ASSERT_EQUAL(a->n_fields, 7 * 4 + 2 * 10 + 4);
    CU_ASSERT_PTR_NULL(field(a, "estimate")); /* no overall total */
    const struct meta_check_field *f = field(a, "ISIS-2: weight");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_DOUBLE_EQUAL(f->revman, 84.49742910156068, 1e-9);
    CU_ASSERT(f->agree && f->rel_diff < 1e-12);
    f = field(a, "subgroup Before 1980: weight");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(f->agree && f->revman == 100);
    f = field(a, "subgroup test: chi2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(f->agree && fabs(f->revman - 3.8364729860533537) < 1e-12);
    CU_ASSERT_EQUAL(c.agree, 1);
    CU_ASSERT_EQUAL(c.disagree, 0);
    meta_check_report_release(&c);
    meta_import_report_release(&r);

    struct meta_error err;
    int fd = -1;
    const char *dir = fx_path("analyses/totals");
    CU_ASSERT_EQUAL_FATAL(meta_import_open_dir(dir, &fd, &err), META_OK);
    size_t written = 0, skipped = 0;
    CU_ASSERT_EQUAL(meta_import_write_analyses(rv, "RMSUB", fd, dir, &written, &skipped, &err),
                    META_OK);
    close(fd);
    char path[4096];
    snprintf(path, sizeof path, "%s/1.1.ini", dir);
    char *text = fx_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nby         = subgroup\ntotals     = subgroups\n"));
    free(text);
    snprintf(path, sizeof path, "%s/1.2.ini", dir);
    text = fx_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NULL(strstr(text, "\ntotals"));
    free(text);
    meta_review_free(rv);

    static const struct {
        const char *package;
        size_t fields;
    } packages[] = {
        /* 6 studies x 4; 2 subgroups: 10 totals and the weight; the test: 4 */
        {"cochrane/constructed_subgroup_totals", 6 * 4 + 2 * 11 + 4},
        /* the data rows alone: the studies' numbers, weights within subgroups */
        {"cochrane/constructed_subgroup_totals_rows", 6 * 4},
    };
    for (size_t i = 0; i < sizeof packages / sizeof *packages; i++) {
        rv = fx_read_cochrane(fx_data(packages[i].package));
        import_ok(rv, NULL, &r);
        check_ok(rv, NULL, &c);
        a = checked(&c, "1.1");
        CU_ASSERT_EQUAL(a->status, META_CHECK_AGREE);
        CU_ASSERT_EQUAL(a->n_fields, packages[i].fields);
        CU_ASSERT_PTR_NULL(field(a, "estimate"));
        f = field(a, "Ellis 2013: weight");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT(f->agree && f->revman == 47.835218); /* of the Children; 21.3 overall */
        meta_check_report_release(&c);
        meta_import_report_release(&r);
        meta_review_free(rv);
    }
}

/* ---- Names and files -------------------------------------------------------- */

static void test_source_names(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/Fleiss1993"));
    char name[META_REVIEW_NAME_SIZE + 64];
    const char *parts[] = {"data-rows.csv", "overall-estimates-and-settings.csv",
                           "study-information.csv", "subgroup-estimates.csv"};
    CU_ASSERT_EQUAL_FATAL(rv->n_sources, 4);
    for (size_t i = 0; i < rv->n_sources; i++) {
        char want[128];
        snprintf(want, sizeof want, "Fleiss1993/%s", parts[i]);
        meta_import_source_name(rv, i, NULL, name, sizeof name);
        CU_ASSERT_STRING_EQUAL(name, want);
    }
    meta_import_source_name(rv, 0, "Aspirin", name, sizeof name);
    CU_ASSERT_STRING_EQUAL(name, "Aspirin/data-rows.csv");
    meta_import_source_name(rv, 0, "", name, sizeof name); /* no prefix: the review's name */
    CU_ASSERT_STRING_EQUAL(name, "Fleiss1993/data-rows.csv");
    meta_review_free(rv);
}

static void test_analysis_files(void)
{
    struct meta_review *rv = fx_read_cochrane(fx_data("cochrane/CD015373"));
    struct meta_error err;
    int fd = -1;
    const char *dir = fx_path("analyses/review");
    CU_ASSERT_EQUAL_FATAL(meta_import_open_dir(dir, &fd, &err), META_OK);
    size_t written = 0, skipped = 0;
    CU_ASSERT_EQUAL(meta_import_write_analyses(rv, NULL, fd, dir, &written, &skipped, &err),
                    META_OK);
    CU_ASSERT_EQUAL(written, 91);
    CU_ASSERT_EQUAL(skipped, 4); /* no estimable study: 1.19, 2.2, 5.6, 10.3 */
    char path[4096];
    snprintf(path, sizeof path, "%s/2.2.ini", dir);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/7.19.ini", dir);
    char *text = fx_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nmeasure    = SMD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nconvention = revman5\n"));
    free(text);

    /* a link where a file goes is refused, and what it points at untouched */
    const char *target = fx_write("target.txt", "keep\n", (size_t)-1);
    snprintf(path, sizeof path, "%s/1.1.ini", dir);
    CU_ASSERT_EQUAL(unlink(path), 0);
    CU_ASSERT_EQUAL(symlink(target, path), 0);
    CU_ASSERT_EQUAL(meta_import_write_analyses(rv, NULL, fd, dir, &written, &skipped, &err),
                    META_EINVAL);
    FX_MSG(&err, "1.1.ini");
    text = fx_slurp(target, NULL);
    CU_ASSERT_STRING_EQUAL(text, "keep\n");
    free(text);
    close(fd);

    /* so is a link on the way to the directory */
    CU_ASSERT_EQUAL(symlink(fx_path("analyses"), fx_path("linked")), 0);
    CU_ASSERT_EQUAL(meta_import_open_dir(fx_path("linked/review"), &fd, &err), META_EINVAL);
    CU_ASSERT_EQUAL(fd, -1);
    meta_review_free(rv);
}

int main(void)
{
    const struct meta_test_case cases[] = {
        {"CD015373: every row stored, with its load", test_cd015373_stored},
        {"CD015373: --check against every printed number, and a tampered registry",
         test_cd015373_check},
        {"imported twice: nothing changes", test_twice},
        {"a corrected package replaces what it brought", test_corrected},
        {"a record the registry refuses: nothing stored, the row named", test_refused},
        {"Fleiss 1993 from RevMan 5: the stored totals", test_fleiss_revman},
        {"constructed packages: subgroup totals, the test, estimate rows", test_constructed},
        {"subgroup totals only: said or inferred", test_totals_map},
        {"subgroup totals only: imported, checked, analysis files", test_subgroup_totals},
        {"loads named by the review and the file's part", test_source_names},
        {"analysis files: written whole, no link followed", test_analysis_files},
        {NULL, NULL},
    };
    return meta_test_run_suite("importer", suite_init, suite_cleanup, cases);
}
