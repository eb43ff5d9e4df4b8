/*
 * meta_ctgov_import (lib/registry import_ctgov.c) against a real PostgreSQL:
 * the ClinicalTrials.gov records of tests/data/ctgov stored in one call, what
 * the report says of each file and study, the loads with their SHA-256, the
 * same files again changing nothing, and every way a call is refused whole
 * (a bad file among good ones, a trial in two files, a mapping naming a
 * trial of no file) with the registry left as it was.
 */
#include "cunit_main.h"
#include "meta_import_ctgov.h"
#include "test_load_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char conninfo[1024];
static struct meta_db *db;

static int suite_cleanup(void)
{
    return meta_test_load_close(&db);
}

static const char *data(const char *file)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/ctgov/%s", META_TEST_DATA_DIR, file);
    return p;
}

static const struct meta_ctgov_import_study *study(const struct meta_ctgov_import_report *r,
                                                   const char *nct)
{
    for (size_t i = 0; i < r->n_studies; i++) {
        if (!strcmp(r->studies[i].nct_id, nct))
            return &r->studies[i];
    }
    return NULL;
}

static void expect_study(const struct meta_ctgov_import_report *r, const char *nct, size_t arm_rows,
                         size_t outcomes, size_t estimates, size_t ae_rows, size_t ae_outcomes,
                         size_t skipped, size_t left_out)
{
    const struct meta_ctgov_import_study *s = study(r, nct);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->arm_rows, arm_rows);
    CU_ASSERT_EQUAL(s->outcomes, outcomes);
    CU_ASSERT_EQUAL(s->estimates, estimates);
    CU_ASSERT_EQUAL(s->ae_rows, ae_rows);
    CU_ASSERT_EQUAL(s->ae_outcomes, ae_outcomes);
    CU_ASSERT_EQUAL(s->n_skipped, skipped);
    CU_ASSERT_EQUAL(s->n_left_out, left_out);
}

/* Drops the line that counts the loads from a snapshot (an import adds a
 * load per file even when it changes no row). */
static void drop_loads_line(char *snap)
{
    char *line = strstr(snap, "loads|");
    while (line && line != snap && line[-1] != '\n')
        line = strstr(line + 1, "loads|");
    if (!line)
        return;
    char *end = strchr(line, '\n');
    memmove(line, end ? end + 1 : line + strlen(line), strlen(end ? end + 1 : "") + 1);
}

/* Every file of the directory in one call; the report and the loads. */
static void test_directory(void)
{
    meta_test_load_fresh("meta_test_import_ctgov_dir", conninfo, sizeof conninfo, &db);
    struct meta_ctgov_paths files;
    struct meta_ctgov_import_report r;
    struct meta_error err;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/ctgov", META_TEST_DATA_DIR);
    const char *args[] = {dir};
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_paths_expand(&files, args, 1, &err), META_OK);
    CU_ASSERT_EQUAL_FATAL(files.n, 5);
    CU_ASSERT_STRING_EQUAL(files.paths[0], data("NCT00734539.xml"));
    CU_ASSERT_STRING_EQUAL(files.paths[4], data("variants.json"));
    meta_ctgov_import_report_init(&r);
    int rc = meta_ctgov_import(db, (const char *const *)files.paths, files.n, NULL, &r, &err);
    if (rc != META_OK)
        fprintf(stderr, "\n%s\n%s\n", err.msg, meta_test_load_messages(&r.load));
    CU_ASSERT_EQUAL_FATAL(rc, META_OK);
    CU_ASSERT_EQUAL(r.n_files, 5);
    CU_ASSERT_EQUAL(r.n_studies, 5);
    CU_ASSERT_EQUAL_FATAL(r.load.nfiles, 5);
    /* the records' own numbers (tests/import checks each value) */
    expect_study(&r, "NCT00734539", 22, 11, 0, 118, 59, 1, 0);
    expect_study(&r, "NCT00763412", 0, 0, 0, 6, 3, 15, 0);
    expect_study(&r, "NCT02210780", 28, 14, 4, 24, 12, 3, 0);
    expect_study(&r, "NCT02552212", 44, 22, 12, 96, 48, 9, 20);
    expect_study(&r, "NCT99999901", 10, 6, 3, 9, 5, 8, 5);
    const struct meta_ctgov_import_study *s = study(&r, "NCT02552212");
    CU_ASSERT_STRING_EQUAL(s->left_out[19].group_id, "EG004");
    CU_ASSERT_STRING_EQUAL(s->left_out[19].treatment, "certolizumab pegol");
    CU_ASSERT_EQUAL(s->left_out[19].confidence, META_CTGOV_MEDIUM);
    CU_ASSERT_STRING_EQUAL(r.files[s->file], data("NCT02552212.json"));
    CU_ASSERT_STRING_EQUAL(study(&r, "NCT00734539")->skipped[0].reason,
                           "median: not turned into a mean");
    static const long long rows[] = {140, 6, 56, 152, 22};
    for (size_t i = 0; i < 5; i++) {
        char sha[META_CSV_SHA256_HEX];
        CU_ASSERT_EQUAL(meta_load_sha256_file(files.paths[i], sha, &err), META_OK);
        CU_ASSERT_STRING_EQUAL(r.load.files[i].sha256, sha);
        CU_ASSERT_STRING_EQUAL(r.load.files[i].name, files.paths[i]);
        CU_ASSERT_EQUAL(r.load.files[i].rows, rows[i]);
        CU_ASSERT_EQUAL(r.load.files[i].inserted, rows[i]);
    }
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM loads", "5");
    meta_test_load_expect_query(conninfo, "SELECT count(DISTINCT load_id) FROM binary_results",
                                "5");
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    meta_ctgov_import_report_release(&r);

    /* again: nothing changes, not even the load a row points to */
    meta_ctgov_import_report_init(&r);
    CU_ASSERT_EQUAL(
        meta_ctgov_import(db, (const char *const *)files.paths, files.n, NULL, &r, &err), META_OK);
    for (size_t i = 0; i < r.load.nfiles; i++) {
        CU_ASSERT_EQUAL(r.load.files[i].unchanged, rows[i]);
        CU_ASSERT_EQUAL(r.load.files[i].removed, 0);
    }
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM loads", "10");
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    drop_loads_line(before);
    drop_loads_line(after);
    CU_ASSERT_STRING_EQUAL(after, before);
    CU_ASSERT(strstr(after, "loads|") == NULL);
    free(before);
    free(after);
    meta_ctgov_import_report_release(&r);
    meta_ctgov_paths_release(&files);
}

/* Imports paths (NULL-terminated) with mapping and expects the call refused
 * with META_EINVAL or META_EIO, exactly the messages given, nothing stored. */
static void expect_refused(int status, const struct meta_ctgov_mapping *mapping,
                           const char *expected, const char *const *paths)
{
    struct meta_ctgov_import_report r;
    struct meta_error err;
    size_t n = 0;
    while (paths[n])
        n++;
    char *before = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    meta_ctgov_import_report_init(&r);
    CU_ASSERT_EQUAL(meta_ctgov_import(db, paths, n, mapping, &r, &err), status);
    meta_test_load_expect_messages(&r.load, expected);
    CU_ASSERT(strstr(err.msg, "in the input, nothing was imported") != NULL);
    CU_ASSERT_EQUAL(r.load.nfiles, 0);
    char *after = meta_test_load_snapshot(conninfo, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(before);
    free(after);
    meta_ctgov_import_report_release(&r);
}

/* A bad file among good ones, a missing one, the same trial twice, a mapping
 * naming a trial of no file: refused whole, every problem said. */
static void test_refused(void)
{
    meta_test_load_fresh("meta_test_import_ctgov_bad", conninfo, sizeof conninfo, &db);
    const char *bad = meta_test_load_file("bad.json", "{\"protocolSection\": {,}}\n");
    const char *twice = meta_test_load_file("twice.json", "[]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(twice);

    const char *files1[] = {data("NCT00763412.json"), bad, "missing.json", NULL};
    expect_refused(META_EIO, NULL,
                   "bad.json:1:22: malformed JSON: quoted object property name expected\n"
                   "missing.json: No such file or directory",
                   files1);

    char copy[1024];
    snprintf(copy, sizeof copy, "%s", data("NCT00763412.json"));
    char *text = NULL;
    FILE *f = fopen(copy, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    text = calloc(1, 1 << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT(fread(text, 1, (1 << 20) - 1, f) > 0);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(meta_test_load_file("again.json", text));
    free(text);
    const char *files2[] = {copy, "again.json", NULL};
    char expected[2048];
    snprintf(expected, sizeof expected,
             "again.json: NCT00763412: the trial is in %s too: import each trial from one record",
             copy);
    expect_refused(META_EINVAL, NULL, expected, files2);

    const char *csv = "nct,section,group_id,treatment,confirmed\n"
                      "NCT00763412,adverse events,EG000,placebo,yes\n"
                      "NCT09999999,adverse events,EG000,placebo,yes\n"
                      "NCT09999999,adverse events,EG001,drug,yes\n";
    struct meta_ctgov_mapping *m = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(
        meta_ctgov_mapping_read(meta_test_load_file("map.csv", csv), "map.csv", &m, &err), META_OK);
    const char *files3[] = {data("NCT00763412.json"), NULL};
    expect_refused(META_EINVAL, m,
                   "map.csv:3: NCT09999999: no file of this import holds this trial (a mapping "
                   "names the trials of the files it comes with)",
                   files3);
    meta_ctgov_mapping_free(m);
    meta_test_load_expect_query(conninfo, "SELECT count(*) FROM loads", "0");
}

/* With a mapping, only its groups; a mapping's group left out is listed with
 * its line. */
static void test_mapping(void)
{
    meta_test_load_fresh("meta_test_import_ctgov_map", conninfo, sizeof conninfo, &db);
    const char *csv = "nct,section,group_id,treatment,confirmed\n"
                      "NCT00763412,adverse events,EG000,placebo,\n"
                      "NCT00763412,adverse events,EG001,repaglinide,yes\n";
    struct meta_ctgov_mapping *m = NULL;
    struct meta_error err;
    CU_ASSERT_EQUAL_FATAL(
        meta_ctgov_mapping_read(meta_test_load_file("map2.csv", csv), "map2.csv", &m, &err),
        META_EINVAL); /* the first line: a treatment without confidence, not confirmed */
    CU_ASSERT(strstr(err.msg, "map2.csv:2:5: NCT00763412 adverse events group EG000") == err.msg);
    csv = "nct,section,group_id,treatment,confirmed\n"
          "NCT00763412,adverse events,EG000,,\n"
          "NCT00763412,adverse events,EG001,repaglinide,yes\n";
    CU_ASSERT_EQUAL_FATAL(
        meta_ctgov_mapping_read(meta_test_load_file("map3.csv", csv), "map3.csv", &m, &err),
        META_OK);
    struct meta_ctgov_import_report r;
    const char *files[] = {data("NCT00763412.json")};
    meta_ctgov_import_report_init(&r);
    CU_ASSERT_EQUAL_FATAL(meta_ctgov_import(db, files, 1, m, &r, &err), META_OK);
    /* the adverse-event group mapped gives its three totals; the outcome
     * measures' groups are not in the mapping */
    expect_study(&r, "NCT00763412", 0, 0, 0, 3, 3, 15, 1 + 18);
    const struct meta_ctgov_import_study *s = study(&r, "NCT00763412");
    const struct meta_ctgov_import_group *g = &s->left_out[s->n_left_out - 1];
    CU_ASSERT_STRING_EQUAL(g->group_id, "EG000");
    CU_ASSERT_EQUAL(g->line, 2);
    CU_ASSERT_STRING_EQUAL(g->reason, "the mapping gives no treatment");
    CU_ASSERT_STRING_EQUAL(s->left_out[0].reason, "not in the mapping");
    meta_test_load_expect_query(conninfo, "SELECT string_agg(DISTINCT treatment, ',') FROM arms",
                                "repaglinide");
    meta_ctgov_import_report_release(&r);
    meta_ctgov_mapping_free(m);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"a directory of records in one call, twice", test_directory},
        {"refused whole", test_refused},
        {"with a mapping", test_mapping},
        {NULL, NULL}};
    return meta_test_run_suite("ctgov import", NULL, suite_cleanup, cases);
}
