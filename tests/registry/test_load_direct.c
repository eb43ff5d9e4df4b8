/*
 * The two ways `meta load` stores a file agree: each case loads the same
 * files, one call each, into two fresh registries, once with every file
 * staged and once letting files of new trials, and files over stored
 * trials (replacements), go straight into the tables,
 * and asserts the same registry (every id, value, attribute, load summary
 * and data_changes count), the same reports and the same messages; and it
 * asserts which loads the direct path took, so that each rule that sends a
 * file back to the staging path (a trial stored or given again later, a
 * key given twice, an arm's treatment or an outcome's kind changing, an
 * invalid row, estimate rows, a trial of many arms) is shown to.
 */
#include "cunit_main.h"
#include "load_stage.h"
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

/* Everything stored, ids included (outcome ids aside: the staging path
 * numbers new outcomes in no particular order). */
static const char dump_sql[] =
    "SELECT coalesce(string_agg(x, E'\\n' ORDER BY x COLLATE \"C\"), '') FROM ("
    " SELECT 'trial|' || trial_id || '|' || name FROM trials"
    " UNION ALL SELECT 'arm|' || arm_id || '|' || trial_id || '|' || label || '|' || treatment"
    "   || '|' || attributes::text FROM arms"
    " UNION ALL SELECT 'outcome|' || name || '|' || kind FROM outcomes"
    " UNION ALL SELECT 'continuous|' || r.arm_id || '|' || o.name || '|' || r.timepoint || '|'"
    "   || r.n || '|' || r.mean || '|' || r.sd || '|' || coalesce(r.attributes::text, '-')"
    "   || '|' || r.load_id FROM continuous_results r JOIN outcomes o USING (outcome_id)"
    " UNION ALL SELECT 'binary|' || r.arm_id || '|' || o.name || '|' || r.timepoint || '|'"
    "   || r.events || '|' || r.total || '|' || coalesce(r.attributes::text, '-') || '|'"
    "   || r.load_id FROM binary_results r JOIN outcomes o USING (outcome_id)"
    " UNION ALL SELECT 'estimate|' || e.trial_id || '|' || o.name || '|' || e.treatment || '|'"
    "   || e.control || '|' || e.estimate || '|' || e.se || '|' || e.load_id"
    "   FROM estimate_results e JOIN outcomes o USING (outcome_id)"
    " UNION ALL SELECT 'load|' || load_id || '|' || file_name || '|' || sha256 || '|' || row_count"
    "   || '|' || coalesce(changed::text, '-') || '|' || coalesce(estimates::text, '-') || '|'"
    "   || coalesce(trials::text, '-') || '|' || coalesce(outcomes::text, '-') FROM loads"
    " UNION ALL SELECT 'changes|' || o.name || '|' || d.timepoint || '|' || d.changes"
    "   FROM data_changes d JOIN outcomes o USING (outcome_id)"
    " UNION ALL SELECT 'next|' || nextval(pg_get_serial_sequence('trials', 'trial_id')) || '|'"
    "   || nextval(pg_get_serial_sequence('arms', 'arm_id'))) s(x)";

/* The outcomes with their ids, compared by the cases that set with_ids
 * (the literal of test_replacements_agree is of the dump alone). */
static const char outcome_ids_sql[] =
    "SELECT string_agg(outcome_id || ':' || name, ',' ORDER BY outcome_id) FROM outcomes";
static int with_ids;

/* Appends what one load said: its status and message, each file's report
 * and the problems in the input. */
static void describe(char *buf, size_t size, int ret, const struct meta_error *err,
                     const struct meta_load_report *r)
{
    size_t len = strlen(buf);
    len += (size_t)snprintf(buf + len, size - len, "status %d: %s\n", ret,
                            ret == META_OK ? "" : err->msg);
    for (size_t i = 0; i < r->nfiles && len < size; i++) {
        const struct meta_load_file_report *f = &r->files[i];
        len += (size_t)snprintf(buf + len, size - len,
                                "%s %.64s load %lld rows %lld est %lld new %lld replaced %lld same "
                                "%lld removed %lld trials %lld outcomes %lld\n",
                                f->name, f->sha256, f->load_id, f->rows, f->estimates, f->inserted,
                                f->replaced, f->unchanged, f->removed, f->trials, f->outcomes);
    }
    if (len < size)
        snprintf(buf + len, size - len, "%s\n", meta_test_load_messages(r));
}

/* Loads the NULL-terminated files, one call each, into a fresh registry
 * name_<direct>; returns what the loads said and the registry after them
 * (malloc'd), and in *taken the loads the direct path stored. */
static char *run(const char *name, int direct, const char *const *files, long *taken)
{
    char dbname[64];
    snprintf(dbname, sizeof dbname, "%s_%d", name, direct);
    meta_test_load_fresh(dbname, conninfo, sizeof conninfo, &db);
    meta_load_direct_allow(direct);
    long before = meta_load_direct_count();
    static char said[16384];
    said[0] = '\0';
    for (size_t i = 0; files[i]; i++) {
        struct meta_load_report r;
        struct meta_error err;
        meta_load_report_init(&r);
        meta_error_clear(&err);
        int ret = meta_db_load(db, &files[i], 1, &r, &err);
        describe(said, sizeof said, ret, &err, &r);
        meta_load_report_release(&r);
    }
    *taken = meta_load_direct_count() - before;
    meta_load_direct_allow(1);
    char *dump = meta_test_load_query(conninfo, dump_sql);
    char *ids = with_ids ? meta_test_load_query(conninfo, outcome_ids_sql) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    size_t size = strlen(said) + strlen(dump) + (ids ? strlen(ids) : 0) + 3;
    char *out = malloc(size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    snprintf(out, size, "%s\n%s%s%s", said, dump, ids ? "\n" : "", ids ? ids : "");
    free(dump);
    free(ids);
    return out;
}

/* Both paths end the same; the direct path stored the loads whose bits are
 * set in direct_loads (bit i: files[i]). Returns the staged run's text. */
static char *both(const char *name, const char *const *files, unsigned direct_loads)
{
    long taken_staged = 0, taken_direct = 0;
    char *staged = run(name, 0, files, &taken_staged);
    char *direct = NULL;
    /* One load at a time, to see which of them took the direct path. */
    long expected = 0;
    for (size_t i = 0; files[i]; i++)
        expected += (direct_loads >> i) & 1u;
    direct = run(name, 1, files, &taken_direct);
    CU_ASSERT_EQUAL(taken_staged, 0);
    CU_ASSERT_EQUAL(taken_direct, expected);
    CU_ASSERT_STRING_EQUAL(direct, staged);
    if (strcmp(direct, staged) != 0 || taken_direct != expected)
        fprintf(stderr, "\n  staged:\n%s\n  direct (%ld loads, expected %ld):\n%s\n", staged,
                taken_direct, expected, direct);
    free(direct);
    return staged;
}

#define HEADER "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,dose\n"

/* Continuous and binary rows, outcomes shared by trials, a time point left
 * out, attributes that differ between an arm's rows (later rows win, a
 * blank keeps the earlier value), names that need quoting, escaping and
 * more than ASCII. */
static void test_mixed_files_agree(void)
{
    const char *a = meta_test_load_file(
        "mixed_a.csv", HEADER "T1,a,ket,pain,24h,30,2.1,1.4,,,2015,low\n"
                              "T1,b,pla,pain,24h,31,3.5,1.6,,,2015,\n"
                              "T1,a,ket,ae,,,,,5,30,2016,\n"
                              "T1,b,pla,ae,,,,,7,31,,\n"
                              "T1,a,ket,pain,48h,30,1.9,1.3,,,2017,high\n"
                              "\"T2, \"\"quoted\"\"\",\"arm\\tone\",\"back\\\\slash\",pain,24h,"
                              "12,0.5,0.25,,,,\n"
                              "\"T2, \"\"quoted\"\"\",Müller,Placébo,pain,24h,13,1e-3,2E2,,,1999,\n"
                              "T3,only,ket,ae,,,,,0,10,,x\n");
    const char *b =
        meta_test_load_file("mixed_b.csv", HEADER "T4,a,ket,pain,24h,40,2.0,1.0,,,2020,\n"
                                                  "T4,b,pla,pain,24h,41,2.5,1.1,,,2020,\n"
                                                  "T4,b,pla,new outcome,1y,41,2.5,1.1,,,2021,\n");
    /* T1 again, other values: a replacement, stored directly too. */
    const char *c =
        meta_test_load_file("mixed_c.csv", HEADER "T1,a,ket,pain,24h,30,2.2,1.4,,,2018,\n"
                                                  "T5,a,ket,pain,24h,20,2.2,1.4,,,,\n");
    const char *files[] = {a, b, c, a, NULL};
    char *staged = both("meta_test_direct_mixed", files, 0xf);
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "{\"dose\": \"high\", \"year\": \"2017\"}"));
    free(staged);
}

/* A file without an arm column (the arm is its treatment), of binary rows
 * only, then continuous rows only. */
static void test_without_arm_column_agree(void)
{
    const char *a = meta_test_load_file("noarm_a.csv", "trial,treatment,outcome,events,total\n"
                                                       "N1,ket,death,3,40\n"
                                                       "N1,pla,death,6,41\n"
                                                       "N2,ket,death,1,20\n"
                                                       "N2,pla,death,2,19\n");
    const char *b = meta_test_load_file("noarm_b.csv", "trial,treatment,outcome,n,mean,sd\n"
                                                       "N3,ket,pain,10,1,1\n"
                                                       "N3,pla,pain,11,2,1\n");
    const char *files[] = {a, b, NULL};
    free(both("meta_test_direct_noarm", files, 0x3));
}

/* Files the direct path leaves to the staging path, valid ones: a trial
 * whose rows come back later in the file, and a trial of more arms than it
 * keeps at once. */
static void test_valid_files_it_leaves(void)
{
    const char *later =
        meta_test_load_file("later.csv", HEADER "L1,a,ket,pain,24h,30,2.1,1.4,,,2015,\n"
                                                "L2,a,ket,pain,24h,30,2.1,1.4,,,2015,\n"
                                                "L1,b,pla,pain,24h,31,3.5,1.6,,,2016,\n");
    char text[16384];
    size_t o = (size_t)snprintf(text, sizeof text, "trial,arm,treatment,outcome,n,mean,sd\n");
    for (int arm = 0; arm < 70; arm++)
        o += (size_t)snprintf(text + o, sizeof text - o, "W1,arm%d,t%d,pain,10,1.5,1\n", arm,
                              arm % 3);
    const char *wide = meta_test_load_file("wide.csv", text);
    const char *files[] = {later, wide, NULL};
    free(both("meta_test_direct_leaves", files, 0x0));
}

/* Files that break a rule that spans rows, or a row's own: the staging
 * path words each, the same whether or not the direct path tried first. */
static void test_refused_files_agree(void)
{
    const char *twice = meta_test_load_file("twice.csv", HEADER "D1,a,ket,pain,24h,30,2,1,,,,\n"
                                                                "D1,b,pla,pain,24h,30,2,1,,,,\n"
                                                                "D1,a,ket,pain,24h,31,2,1,,,,\n");
    const char *treatment =
        meta_test_load_file("treatment.csv", HEADER "D2,a,ket,pain,24h,30,2,1,,,,\n"
                                                    "D2,a,pla,pain,48h,30,2,1,,,,\n");
    const char *kind = meta_test_load_file("kind.csv", HEADER "D3,a,ket,pain,24h,30,2,1,,,,\n"
                                                              "D4,a,ket,pain,48h,,,,3,30,,\n");
    const char *row = meta_test_load_file("row.csv", HEADER "D5,a,ket,pain,24h,-3,2,1,,,,\n");
    /* ae is binary in the registry once binary.csv is loaded. */
    const char *binary = meta_test_load_file("binary.csv", HEADER "D6,a,ket,ae,,,,,1,9,,\n");
    const char *other = meta_test_load_file("other.csv", HEADER "D7,a,ket,ae,,5,1,1,,,,\n");
    const char *files[] = {twice, treatment, kind, row, binary, other, NULL};
    char *staged = both("meta_test_direct_refused", files, 0x10);
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "is already given at twice.csv:2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "has treatment 'ket' at treatment.csv:2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "other.csv:2"));
    free(staged);
}

/* Estimate rows are always staged; a file of new trials after them goes
 * straight in. */
static void test_estimates_staged(void)
{
    const char *est =
        meta_test_load_file("est.csv", "trial,treatment,control,outcome,measure,estimate,se\n"
                                       "E1,ket,pla,pain,MD,-1.2,0.4\n");
    const char *arms =
        meta_test_load_file("est_arms.csv", HEADER "E2,a,ket,pain,24h,30,2.1,1.4,,,2015,\n");
    const char *files[] = {est, arms, NULL};
    free(both("meta_test_direct_estimates", files, 0x2));
}

/* What the replacements below leave, as the staging path gave it before
 * stored results were updated in place (with their load_id index and full
 * pages): every report, id, value, load_id, attribute, load row,
 * data_changes count and the sequences' next ids. */
static const char replacements_expected[] =
    "status 0: \n"
    "rep_base.csv ab3f9fc80da715acecb008f8d094c6548d12b9aed73fe138ed909df5f5a01bbb load 1 rows 6 "
    "est 0 new 6 replaced 0 same 0 removed 0 trials 2 outcomes 2\n"
    "\n"
    "status 0: \n"
    "rep_all.csv f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc load 2 rows 6 "
    "est 0 new 0 replaced 6 same 0 removed 0 trials 2 outcomes 2\n"
    "\n"
    "status 0: \n"
    "rep_part.csv 8d540d9a2ed60942808a9597dd548728532c87261a14076fef7b7deedb679c06 load 3 rows 4 "
    "est 0 new 0 replaced 2 same 2 removed 0 trials 2 outcomes 1\n"
    "\n"
    "status 0: \n"
    "rep_later.csv c4609774bba79520e9a3dec9d26c867eb273dc6abdda92ecc73e607a6e1b106e load 4 rows 3 "
    "est 0 new 2 replaced 1 same 0 removed 0 trials 2 outcomes 1\n"
    "\n"
    "status 0: \n"
    "rep_arms.csv b4458ec6fb8280468f3ef92e6b8223ea6d83fab6d810cbaa12d2982c766901db load 5 rows 5 "
    "est 0 new 4 replaced 0 same 1 removed 0 trials 2 outcomes 2\n"
    "\n"
    "status 0: \n"
    "rep_all.csv f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc load 6 rows 6 "
    "est 0 new 0 replaced 3 same 3 removed 0 trials 2 outcomes 2\n"
    "\n"
    "status 0: \n"
    "rep_all.csv f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc load 7 rows 6 "
    "est 0 new 0 replaced 0 same 6 removed 0 trials 2 outcomes 2\n"
    "\n"
    "\n"
    "arm|1|1|a|ket|{\"dose\": \"low\", \"year\": \"2016\"}\n"
    "arm|2|1|b|pla|{\"year\": \"2015\"}\n"
    "arm|3|2|a|ket|{\"year\": \"2019\"}\n"
    "arm|4|2|b|pla|{\"year\": \"2019\"}\n"
    "arm|5|3|a|ket|{\"year\": \"2021\"}\n"
    "arm|6|3|b|pla|{\"year\": \"2021\"}\n"
    "arm|7|1|c|dul|{\"year\": \"2015\"}\n"
    "arm|8|4|a|ket|{\"year\": \"2022\"}\n"
    "arm|9|4|b|pla|{\"year\": \"2022\"}\n"
    "binary|1|ae||6|30|-|2\n"
    "binary|2|ae||8|31|-|2\n"
    "changes|ae||5\n"
    "changes|pain|24h|10\n"
    "changes|qol|1y|1\n"
    "continuous|1|pain|24h|30|2.2|1.4|-|2\n"
    "continuous|2|pain|24h|31|3.6|1.6|-|6\n"
    "continuous|3|pain|24h|20|1.1|1|-|6\n"
    "continuous|4|pain|24h|21|1.6|1.1|-|6\n"
    "continuous|5|pain|24h|40|2|1|-|4\n"
    "continuous|6|pain|24h|41|2.5|1.1|-|4\n"
    "continuous|7|pain|24h|28|2.9|1.5|-|5\n"
    "continuous|7|qol|1y|28|60|10|-|5\n"
    "continuous|8|pain|24h|40|2|1|-|5\n"
    "continuous|9|pain|24h|41|2.5|1.1|-|5\n"
    "load|1|rep_base.csv|ab3f9fc80da715acecb008f8d094c6548d12b9aed73fe138ed909df5f5a01bbb|6|true|0|"
    "2|2\n"
    "load|2|rep_all.csv|f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc|6|true|0|"
    "2|2\n"
    "load|3|rep_part.csv|8d540d9a2ed60942808a9597dd548728532c87261a14076fef7b7deedb679c06|4|true|0|"
    "2|1\n"
    "load|4|rep_later.csv|c4609774bba79520e9a3dec9d26c867eb273dc6abdda92ecc73e607a6e1b106e|3|true|"
    "0|2|1\n"
    "load|5|rep_arms.csv|b4458ec6fb8280468f3ef92e6b8223ea6d83fab6d810cbaa12d2982c766901db|5|true|0|"
    "2|2\n"
    "load|6|rep_all.csv|f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc|6|true|0|"
    "2|2\n"
    "load|7|rep_all.csv|f16d010356b2507b3d0bae4c5c43559873d27cab21bc9f9dc4638d9fe4219ecc|6|false|0|"
    "2|2\n"
    "next|5|10\n"
    "outcome|ae|binary\n"
    "outcome|pain|continuous\n"
    "outcome|qol|continuous\n"
    "trial|1|P1\n"
    "trial|2|P2\n"
    "trial|3|P3\n"
    "trial|4|P4";

/* Files loaded again over stored trials: every value changed, some changed
 * beside unchanged ones, new trials before and after stored ones, an arm
 * added to a stored trial and a stored arm's attributes changed, and a file
 * given again as it is. The direct path stores all but the last (the
 * unchanged file) as replacements: those whose first trial is stored at
 * once, the file whose first trial is new once the registry refused a
 * later one of its trials (it is then read again); the registry, reports
 * and data_changes counts are those of staging every file. */
static void test_replacements_agree(void)
{
    const char *base =
        meta_test_load_file("rep_base.csv", HEADER "P1,a,ket,pain,24h,30,2.1,1.4,,,2015,low\n"
                                                   "P1,b,pla,pain,24h,31,3.5,1.6,,,2015,\n"
                                                   "P1,a,ket,ae,,,,,5,30,2016,\n"
                                                   "P1,b,pla,ae,,,,,7,31,,\n"
                                                   "P2,a,ket,pain,24h,20,1.0,1.0,,,2019,\n"
                                                   "P2,b,pla,pain,24h,21,1.5,1.1,,,2019,\n");
    const char *all =
        meta_test_load_file("rep_all.csv", HEADER "P1,a,ket,pain,24h,30,2.2,1.4,,,2015,low\n"
                                                  "P1,b,pla,pain,24h,31,3.6,1.6,,,2015,\n"
                                                  "P1,a,ket,ae,,,,,6,30,2016,\n"
                                                  "P1,b,pla,ae,,,,,8,31,,\n"
                                                  "P2,a,ket,pain,24h,20,1.1,1.0,,,2019,\n"
                                                  "P2,b,pla,pain,24h,21,1.6,1.1,,,2019,\n");
    const char *part =
        meta_test_load_file("rep_part.csv", HEADER "P1,a,ket,pain,24h,30,2.2,1.4,,,2015,low\n"
                                                   "P1,b,pla,pain,24h,31,3.9,1.6,,,2015,\n"
                                                   "P2,a,ket,pain,24h,20,1.1,1.0,,,2019,\n"
                                                   "P2,b,pla,pain,24h,25,1.6,1.1,,,2019,\n");
    /* A new trial first: the direct path starts, the registry refuses P2 at
     * the end of the COPY, and the file is read again as a replacement. */
    const char *later =
        meta_test_load_file("rep_later.csv", HEADER "P3,a,ket,pain,24h,40,2.0,1.0,,,2021,\n"
                                                    "P3,b,pla,pain,24h,41,2.5,1.1,,,2021,\n"
                                                    "P2,a,ket,pain,24h,20,1.2,1.0,,,2019,\n");
    /* A stored trial first, new trials after it; an arm added to P1, the
     * attributes of P1's arm a changed, a new outcome. */
    const char *arms =
        meta_test_load_file("rep_arms.csv", HEADER "P1,a,ket,pain,24h,30,2.2,1.4,,,2016,mid\n"
                                                   "P1,c,dul,pain,24h,28,2.9,1.5,,,2015,\n"
                                                   "P1,c,dul,qol,1y,28,60,10,,,,\n"
                                                   "P4,a,ket,pain,24h,40,2.0,1.0,,,2022,\n"
                                                   "P4,b,pla,pain,24h,41,2.5,1.1,,,2022,\n");
    const char *files[] = {base, all, part, later, arms, all, all, NULL};
    char *staged = both("meta_test_direct_replace", files, 0x3f);
    CU_ASSERT_STRING_EQUAL(staged, replacements_expected);
    if (strcmp(staged, replacements_expected) != 0)
        fprintf(stderr, "\n  expected:\n%s\n  got:\n%s\n", replacements_expected, staged);
    free(staged);
}

/* Replacements the direct path stores itself, and those it leaves to the
 * staging path, over the same stored trials: values written otherwise but
 * equal (nothing changes), an arm that changes its treatment, a stored
 * trial whose rows come back later in the file (with a new arm, and with a
 * key given again), a key given twice within a trial, an outcome of
 * another kind than the registry's, and estimate rows over stored trials.
 * Each ends as the staging path leaves it, messages included. */
static void test_replacement_paths(void)
{
    const char *base =
        meta_test_load_file("rp_base.csv", HEADER "Q1,a,ket,pain,24h,30,2.1,1.4,,,2015,low\n"
                                                  "Q1,b,pla,pain,24h,31,3.5,1.6,,,2015,\n"
                                                  "Q1,a,ket,ae,,,,,5,30,2016,\n"
                                                  "Q2,a,ket,pain,24h,20,1.0,1.0,,,2019,\n"
                                                  "Q2,b,pla,pain,24h,21,1.5,1.1,,,2019,\n");
    const char *same =
        meta_test_load_file("rp_same.csv", HEADER "Q1,a,ket,pain,24h,30,2.10,1.40,,,2015,low\n"
                                                  "Q1,b,pla,pain,24h,31,3.50,1.6,,,2015,\n"
                                                  "Q2,a,ket,pain,24h,20,1,1,,,2019,\n");
    const char *treatment =
        meta_test_load_file("rp_treatment.csv", HEADER "Q1,a,dul,pain,24h,30,2.2,1.4,,,,\n");
    const char *split =
        meta_test_load_file("rp_split.csv", HEADER "Q1,a,ket,pain,24h,30,2.3,1.4,,,,\n"
                                                   "Q2,a,ket,pain,24h,20,1.3,1.0,,,,\n"
                                                   "Q1,c,dul,pain,24h,25,2.4,1.2,,,2020,\n");
    const char *split_twice =
        meta_test_load_file("rp_split_twice.csv", HEADER "Q1,a,ket,pain,24h,30,2.4,1.4,,,,\n"
                                                         "Q2,a,ket,pain,24h,20,1.4,1.0,,,,\n"
                                                         "Q1,a,ket,pain,24h,30,2.5,1.4,,,,\n");
    const char *twice =
        meta_test_load_file("rp_twice.csv", HEADER "Q1,a,ket,pain,24h,30,2.6,1.4,,,,\n"
                                                   "Q1,a,ket,pain,24h,30,2.7,1.4,,,,\n");
    const char *kind = meta_test_load_file("rp_kind.csv", HEADER "Q1,a,ket,ae,,30,2.6,1.4,,,,\n");
    const char *estimates =
        meta_test_load_file("rp_est.csv", "trial,treatment,control,outcome,measure,estimate,se\n"
                                          "Q1,ket,pla,pain,MD,-1.2,0.4\n");
    const char *files[] = {base, same, treatment, split, split_twice, twice, kind, estimates, NULL};
    long before = meta_load_direct_replace_count();
    char *staged = both("meta_test_direct_paths", files, 0x3);
    /* Of the direct path's loads, the second was a replacement. */
    CU_ASSERT_EQUAL(meta_load_direct_replace_count() - before, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "rp_same.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "replaced 0 same 3"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "has treatment 'ket' in the registry"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "is already given at rp_split_twice.csv:2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "is already given at rp_twice.csv:2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(staged, "rp_kind.csv:2"));
    free(staged);
}

/* With replacements left to the staging path, the direct path takes only
 * the file of new trials. */
static void test_replacements_can_be_staged(void)
{
    const char *base =
        meta_test_load_file("rs_base.csv", HEADER "S1,a,ket,pain,24h,30,2.1,1.4,,,2015,\n");
    const char *again =
        meta_test_load_file("rs_again.csv", HEADER "S1,a,ket,pain,24h,30,2.2,1.4,,,2016,\n");
    const char *files[] = {base, again, NULL};
    meta_load_direct_replace_allow(0);
    long before = meta_load_direct_replace_count();
    free(both("meta_test_direct_no_replace", files, 0x1));
    CU_ASSERT_EQUAL(meta_load_direct_replace_count(), before);
    meta_load_direct_replace_allow(1);
}

static int load_one(const char *file);

/* New outcomes take their ids in the order they first appear in the
 * file on both paths: in a file of new trials and in a replacement, with
 * names in neither sorted nor any hash order. */
static void test_outcome_ids_agree(void)
{
    const char *fresh =
        meta_test_load_file("oi_new.csv", HEADER "O1,a,ket,zeta,24h,30,2.1,1.4,,,,\n"
                                                 "O1,b,pla,zeta,24h,31,3.5,1.6,,,,\n"
                                                 "O1,a,ket,beta,,,,,5,30,,\n"
                                                 "O1,a,ket,mu,1y,30,60,10,,,,\n"
                                                 "O2,a,ket,alpha,24h,20,1.0,1.0,,,,\n"
                                                 "O2,a,ket,omega,,,,,3,20,,\n"
                                                 "O2,a,ket,beta,,,,,4,20,,\n"
                                                 "O2,a,ket,kappa,6h,20,1.2,1.0,,,,\n");
    const char *replace =
        meta_test_load_file("oi_replace.csv", HEADER "O2,a,ket,alpha,24h,20,1.1,1.0,,,,\n"
                                                     "O2,a,ket,yy,24h,20,1.0,1.0,,,,\n"
                                                     "O2,a,ket,delta,,,,,3,20,,\n"
                                                     "O1,a,ket,zeta,24h,30,2.2,1.4,,,,\n"
                                                     "O1,b,pla,nn,24h,31,3.5,1.6,,,,\n"
                                                     "O1,b,pla,cc,1y,31,3.5,1.6,,,,\n"
                                                     "O3,a,ket,ee,24h,31,3.5,1.6,,,,\n");
    const char *files[] = {fresh, replace, NULL};
    with_ids = 1;
    char *staged = both("meta_test_direct_outcome_ids", files, 0x3);
    with_ids = 0;
    CU_ASSERT_PTR_NOT_NULL(strstr(staged,
                                  "\n1:zeta,2:beta,3:mu,4:alpha,5:omega,6:kappa,7:yy,8:delta,"
                                  "9:nn,10:cc,11:ee"));
    free(staged);
}

/* A file of new trials whose COPY the registry refuses is read again as a
 * replacement only when the refused trial is stored: one that gives a new
 * trial again later goes straight to the staging path. */
static void test_refused_trials(void)
{
    const char *base =
        meta_test_load_file("rt_base.csv", HEADER "U1,a,ket,pain,24h,30,2.1,1.4,,,,\n");
    const char *again =
        meta_test_load_file("rt_again.csv", HEADER "U2,a,ket,pain,24h,30,2.1,1.4,,,,\n"
                                                   "U3,a,ket,pain,24h,30,2.1,1.4,,,,\n"
                                                   "U2,b,pla,pain,24h,31,3.5,1.6,,,,\n");
    const char *stored =
        meta_test_load_file("rt_stored.csv", HEADER "U4,a,ket,pain,24h,30,2.1,1.4,,,,\n"
                                                    "U1,a,ket,pain,24h,30,2.2,1.4,,,,\n");
    meta_test_load_fresh("meta_test_direct_refused_trials", conninfo, sizeof conninfo, &db);
    CU_ASSERT_EQUAL(load_one(base), META_OK);
    long reads = meta_load_direct_reads(), loads = meta_load_direct_count();
    long replaced = meta_load_direct_replace_count();
    CU_ASSERT_EQUAL(load_one(again), META_OK);
    CU_ASSERT_EQUAL(meta_load_direct_reads() - reads, 1);
    CU_ASSERT_EQUAL(meta_load_direct_count() - loads, 0);
    CU_ASSERT_EQUAL(load_one(stored), META_OK);
    CU_ASSERT_EQUAL(meta_load_direct_reads() - reads, 3);
    CU_ASSERT_EQUAL(meta_load_direct_count() - loads, 1);
    CU_ASSERT_EQUAL(meta_load_direct_replace_count() - replaced, 1);
    const char *files[] = {base, again, stored, NULL};
    free(both("meta_test_direct_refused_trials", files, 0x5));
}

/* A file of new trials into an empty registry, stored by the bulk variant
 * (its arms and results first, their indexes built afterwards): the same
 * registry, reports and messages as the staging path's, and the indexes
 * and constraints of a registry no load touched. The files after it (the
 * registry holds rows now) go the ordinary way. */
static void test_bulk_agrees(void)
{
    meta_test_load_fresh("meta_test_direct_bulk_fresh", conninfo, sizeof conninfo, &db);
    char *fresh = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fresh);
    const char *a =
        meta_test_load_file("bulk_a.csv", HEADER "K1,a,ket,pain,24h,30,2.1,1.4,,,2015,low\n"
                                                 "K1,b,pla,pain,24h,31,3.5,1.6,,,2015,\n"
                                                 "K1,a,ket,ae,,,,,5,30,2016,\n"
                                                 "K1,b,pla,ae,,,,,7,31,,\n"
                                                 "K1,a,ket,pain,48h,30,1.9,1.3,,,2017,high\n"
                                                 "K2,Müller,Placébo,pain,24h,13,1e-3,2E2,,,1999,\n"
                                                 "K2,x,ket,pain,24h,12,0.5,0.25,,,,\n"
                                                 "K3,only,ket,ae,,,,,0,10,,x\n");
    const char *b = meta_test_load_file("bulk_b.csv", HEADER "K4,a,ket,pain,24h,40,2.0,1.0,,,,\n"
                                                             "K1,a,ket,pain,24h,30,2.2,1.4,,,,\n");
    const char *files[] = {a, b, NULL};
    meta_load_bulk_from(1);
    long before = meta_load_bulk_count();
    free(both("meta_test_direct_bulk", files, 0x3));
    CU_ASSERT_EQUAL(meta_load_bulk_count() - before, 1);
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
    char *after = meta_test_load_indexes(conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(after, fresh);
    free(after);
    free(fresh);
}

/* Doubles that test reading: rounding of long and halfway decimals, the
 * smallest normal and subnormal values, the largest, 17 significant
 * digits, negative zero. The direct path sends the bits strtod gave, the
 * staging path the text: both store the same bits, those of strtod. */
static const char *const means[] = {
    "0.1",
    "1e-300",
    "-0",
    "0.30000000000000004",
    "2.2250738585072011e-308",
    "4.9e-324",
    "1.7976931348623157e308",
    "9007199254740993",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203126",
    "0.1000000000000000055511151231257827021181583404541015625",
    "123456789012345678901234567890e-10",
    "-3.14159265358979323846264338327950288",
    "+7.0e+0",
};

/* The bits of the means (by n, 1 up) and sds stored, as hexadecimal. */
static const char bits_sql[] =
    "SELECT string_agg(encode(float8send(mean), 'hex') || '/' || encode(float8send(sd), 'hex'),"
    " ',' ORDER BY n) FROM continuous_results";

static char *expected_bits(void)
{
    static char out[4096];
    size_t len = 0;
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        double v[2] = {strtod(means[i], NULL), strtod(means[i] + (means[i][0] == '-'), NULL)};
        if (v[1] == 0)
            v[1] = 1;
        for (int k = 0; k < 2; k++) {
            unsigned long long u;
            memcpy(&u, &v[k], sizeof u);
            len += (size_t)snprintf(out + len, sizeof out - len, "%s%016llx",
                                    k   ? "/"
                                    : i ? ","
                                        : "",
                                    u);
        }
    }
    return out;
}

static const char *numbers_file(const char *name, const char *trial)
{
    static char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "%s", HEADER);
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        const char *sd = means[i] + (means[i][0] == '-');
        len += (size_t)snprintf(text + len, sizeof text - len, "%s,a,ket,m%zu,,%zu,%s,%s,,,,\n",
                                trial, i, i + 1, means[i], strcmp(sd, "0") == 0 ? "1" : sd);
    }
    return meta_test_load_file(name, text);
}

/* The same doubles on both paths, those strtod reads, by the direct path
 * and by its bulk variant. */
static void test_doubles_bit_identical(void)
{
    const char *files[] = {numbers_file("numbers.csv", "D1"), NULL};
    free(both("meta_test_direct_numbers", files, 0x1));
    char *bits = meta_test_load_query(conninfo, bits_sql);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bits);
    CU_ASSERT_STRING_EQUAL(bits, expected_bits());
    free(bits);
    meta_load_bulk_from(1);
    long before = meta_load_bulk_count();
    free(both("meta_test_direct_numbers_bulk", files, 0x1));
    CU_ASSERT_EQUAL(meta_load_bulk_count() - before, 1);
    meta_load_bulk_from(META_LOAD_BULK_ROWS);
    bits = meta_test_load_query(conninfo, bits_sql);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bits);
    CU_ASSERT_STRING_EQUAL(bits, expected_bits());
    free(bits);
}

/* Loads one file through meta_db_load; returns its status. */
static int load_one(const char *file)
{
    struct meta_load_report r;
    struct meta_error err;
    meta_load_report_init(&r);
    meta_error_clear(&err);
    int ret = meta_db_load(db, &file, 1, &r, &err);
    meta_load_report_release(&r);
    return ret;
}

/* After a sequence is restarted (is_called false), the next ids are the
 * restart values, as nextval() would give them, and the sequences move on
 * from there. */
static void test_ids_after_a_restart(void)
{
    meta_test_load_fresh("meta_test_direct_restart", conninfo, sizeof conninfo, &db);
    const char *a = meta_test_load_file("restart_a.csv", HEADER "R1,a,ket,pain,24h,30,2,1,,,,\n");
    const char *b = meta_test_load_file("restart_b.csv", HEADER "R2,a,ket,pain,24h,30,2,1,,,,\n"
                                                                "R2,b,pla,pain,24h,31,3,1,,,,\n");
    long before = meta_load_direct_count();
    CU_ASSERT_EQUAL(load_one(a), META_OK);
    char *restart = meta_test_load_query(
        conninfo, "SELECT setval(pg_get_serial_sequence('trials', 'trial_id'), 1000, false)"
                  " + setval(pg_get_serial_sequence('arms', 'arm_id'), 2000, false)");
    free(restart);
    CU_ASSERT_EQUAL(load_one(b), META_OK);
    CU_ASSERT_EQUAL(meta_load_direct_count() - before, 2);
    char *ids = meta_test_load_query(
        conninfo, "SELECT (SELECT string_agg(trial_id || ':' || name, ',' ORDER BY trial_id)"
                  " FROM trials) || ' ' || (SELECT string_agg(arm_id::text, ',' ORDER BY arm_id)"
                  " FROM arms) || ' ' || nextval(pg_get_serial_sequence('trials', 'trial_id'))"
                  " || ' ' || nextval(pg_get_serial_sequence('arms', 'arm_id'))");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
    CU_ASSERT_STRING_EQUAL(ids, "1:R1,1000:R2 1,2000,2001 1001 2002");
    free(ids);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"mixed files: both paths store the same", test_mixed_files_agree},
        {"files without an arm column: both paths store the same", test_without_arm_column_agree},
        {"trials given again later, trials of many arms: staged", test_valid_files_it_leaves},
        {"refused files: the same messages", test_refused_files_agree},
        {"estimate rows: staged", test_estimates_staged},
        {"files over stored trials: the same as staging them", test_replacements_agree},
        {"replacements stored directly or staged: the same", test_replacement_paths},
        {"replacements left to the staging path", test_replacements_can_be_staged},
        {"ids after a sequence restart", test_ids_after_a_restart},
        {"new outcomes: the same ids on both paths", test_outcome_ids_agree},
        {"refused trials: read again only when stored", test_refused_trials},
        {"a file into an empty registry, indexes built after: the same", test_bulk_agrees},
        {"doubles: the same bits on both paths, those strtod reads", test_doubles_bit_identical},
        {NULL, NULL},
    };
    return meta_test_run_suite("load_direct", NULL, suite_cleanup, cases);
}
