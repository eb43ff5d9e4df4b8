/*
 * `meta list` against a real PostgreSQL: the listings of lib/registry/list.c
 * cell by cell after loading tests/registry/data/list_small.csv, an empty
 * registry, and the built binary's table, CSV and JSON output and its usage
 * errors.
 */
#include "cunit_main.h"
#include "list.h"
#include "test_db.h"
#include "test_load_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE META_SOURCE_DIR "/tests/registry/data/list_small.csv"

static char conninfo[1024];
static struct meta_db *db;

static int suite_init(void)
{
    struct meta_load_report r;
    struct meta_error err;
    if (meta_test_load_db("meta_test_list", conninfo, sizeof conninfo, &db) != 0)
        return -1;
    meta_load_report_init(&r);
    int rc = meta_test_load_files(db, &r, &err, FIXTURE, NULL);
    meta_load_report_release(&r);
    if (rc != META_OK)
        fprintf(stderr, "cannot load the fixture: %s\n", err.msg);
    return rc == META_OK ? 0 : -1;
}

static int suite_cleanup(void)
{
    meta_db_close(db);
    return 0;
}

/* The listing as lines of cells joined by '|'. */
static char *listing(struct meta_db *from, enum meta_list_what what)
{
    struct meta_list_table t;
    struct meta_error err;
    if (meta_db_list(from, what, &t, &err) != META_OK) {
        fprintf(stderr, "list: %s\n", err.msg);
        return NULL;
    }
    size_t size = 64;
    for (size_t i = 0; i < t.nrows * t.ncols; i++)
        size += strlen(t.cells[i]) + 1;
    for (size_t c = 0; c < t.ncols; c++)
        size += strlen(t.columns[c]) + 1;
    char *out = malloc(size);
    size_t o = 0;
    for (size_t c = 0; c < t.ncols; c++)
        o +=
            (size_t)snprintf(out + o, size - o, "%s%s", t.columns[c], c + 1 < t.ncols ? "|" : "\n");
    for (size_t r = 0; r < t.nrows; r++)
        for (size_t c = 0; c < t.ncols; c++)
            o += (size_t)snprintf(out + o, size - o, "%s%s", t.cells[r * t.ncols + c],
                                  c + 1 < t.ncols ? "|" : "\n");
    meta_list_table_release(&t);
    return out;
}

static void expect_listing(struct meta_db *from, enum meta_list_what what, const char *expected)
{
    char *got = listing(from, what);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\n  got:\n%s  expected:\n%s", got, expected);
    free(got);
}

static void test_trials(void)
{
    expect_listing(db, META_LIST_TRIALS,
                   "trial|arms|outcomes|rows\n"
                   "NCT00000001|2|2|4\n"
                   "NCT00000002|3|1|4\n"
                   "Robert'); DROP TABLE trials;--|1|1|1\n");
}

static void test_outcomes(void)
{
    expect_listing(db, META_LIST_OUTCOMES,
                   "outcome|type|timepoint|trials|arms|estimates\n"
                   "hallucinations|binary||1|2|0\n"
                   "pain_nrs|continuous|24h|2|5|0\n"
                   "pain_nrs|continuous|48h|2|2|0\n");
}

static void test_treatments(void)
{
    expect_listing(db, META_LIST_TREATMENTS,
                   "treatment|arms|trials\n"
                   "ketamine|3|2\n"
                   "mor, phine|1|1\n"
                   "placebo|2|2\n");
}

static void test_empty_registry(void)
{
    char info[1024];
    struct meta_db *empty = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db("meta_test_list_empty", info, sizeof info, &empty), 0);
    expect_listing(empty, META_LIST_TRIALS, "trial|arms|outcomes|rows\n");
    expect_listing(empty, META_LIST_OUTCOMES, "outcome|type|timepoint|trials|arms|estimates\n");
    expect_listing(empty, META_LIST_TREATMENTS, "treatment|arms|trials\n");
    meta_db_close(empty);
}

static void test_parse(void)
{
    enum meta_list_what w;
    CU_ASSERT_EQUAL(meta_list_parse("outcomes", &w), META_OK);
    CU_ASSERT_EQUAL(w, META_LIST_OUTCOMES);
    CU_ASSERT_EQUAL(meta_list_parse("Trials", &w), META_EINVAL);
    CU_ASSERT_EQUAL(meta_list_parse("arms", &w), META_EINVAL);
}

/* ---- The binary ------------------------------------------------------------ */

/* Runs the meta binary with args (NULL-terminated); returns its exit status
 * and its standard output and error (malloc'd) in *out and *errout. */
static int run_meta(char **out, char **errout, const char *const *args)
{
    const char *bin = meta_test_binary();
    int po[2], pe[2];
    *out = *errout = NULL;
    if (!bin || pipe(po) != 0 || pipe(pe) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[16] = {bin};
        size_t n = 1;
        for (; args[n - 1] && n < 15; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    char *bufs[2] = {NULL, NULL};
    int fds[2] = {po[0], pe[0]};
    for (int k = 0; k < 2; k++) {
        size_t len = 0, cap = 4096;
        bufs[k] = malloc(cap);
        ssize_t got;
        while ((got = read(fds[k], bufs[k] + len, cap - len - 1)) > 0) {
            len += (size_t)got;
            if (cap - len < 1024)
                bufs[k] = realloc(bufs[k], cap *= 2);
        }
        bufs[k][len] = '\0';
        close(fds[k]);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    *out = bufs[0];
    *errout = bufs[1];
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect_output(const char *const *args, int status, const char *out_expected,
                          const char *err_expected)
{
    char *out, *err;
    int rc = run_meta(&out, &err, args);
    CU_ASSERT_EQUAL(rc, status);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, out_expected);
    CU_ASSERT_STRING_EQUAL(err, err_expected);
    if (strcmp(out, out_expected) != 0 || strcmp(err, err_expected) != 0)
        fprintf(stderr, "\n  stdout:\n%s  stderr:\n%s", out, err);
    free(out);
    free(err);
}

static void test_binary_table(void)
{
    const char *args[] = {"list", "trials", "--db", conninfo, NULL};
    expect_output(args, 0,
                  "trial                           arms  outcomes  rows\n"
                  "------------------------------  ----  --------  ----\n"
                  "NCT00000001                        2         2     4\n"
                  "NCT00000002                        3         1     4\n"
                  "Robert'); DROP TABLE trials;--     1         1     1\n",
                  "");
    const char *args2[] = {"list", "outcomes", "--format", "table", "--db", conninfo, NULL};
    expect_output(args2, 0,
                  "outcome         type        timepoint  trials  arms  estimates\n"
                  "--------------  ----------  ---------  ------  ----  ---------\n"
                  "hallucinations  binary                      1     2          0\n"
                  "pain_nrs        continuous  24h             2     5          0\n"
                  "pain_nrs        continuous  48h             2     2          0\n",
                  "");
}

static void test_binary_csv(void)
{
    const char *args[] = {"list", "treatments", "--format", "csv", "--db", conninfo, NULL};
    expect_output(args, 0,
                  "treatment,arms,trials\n"
                  "ketamine,3,2\n"
                  "\"mor, phine\",1,1\n"
                  "placebo,2,2\n",
                  "");
}

static void test_binary_json(void)
{
    const char *args[] = {"list", "outcomes", "--format", "json", "--db", conninfo, NULL};
    expect_output(args, 0,
                  "[\n"
                  "  {\n"
                  "    \"outcome\": \"hallucinations\",\n"
                  "    \"type\": \"binary\",\n"
                  "    \"timepoint\": \"\",\n"
                  "    \"trials\": 1,\n"
                  "    \"arms\": 2,\n"
                  "    \"estimates\": 0\n"
                  "  },\n"
                  "  {\n"
                  "    \"outcome\": \"pain_nrs\",\n"
                  "    \"type\": \"continuous\",\n"
                  "    \"timepoint\": \"24h\",\n"
                  "    \"trials\": 2,\n"
                  "    \"arms\": 5,\n"
                  "    \"estimates\": 0\n"
                  "  },\n"
                  "  {\n"
                  "    \"outcome\": \"pain_nrs\",\n"
                  "    \"type\": \"continuous\",\n"
                  "    \"timepoint\": \"48h\",\n"
                  "    \"trials\": 2,\n"
                  "    \"arms\": 2,\n"
                  "    \"estimates\": 0\n"
                  "  }\n"
                  "]\n",
                  "");
}

static void test_binary_usage_errors(void)
{
    const char *a1[] = {"list", "--db", conninfo, NULL};
    expect_output(a1, 2, "",
                  "meta list: error: expected one of trials, outcomes, treatments\n"
                  "see 'meta list --help'\n");
    const char *a2[] = {"list", "arms", "--db", conninfo, NULL};
    expect_output(a2, 2, "",
                  "meta list: error: unknown listing 'arms' (expected trials, outcomes, "
                  "treatments)\n"
                  "see 'meta list --help'\n");
    const char *a3[] = {"list", "trials", "--format", "xml", NULL};
    expect_output(a3, 2, "",
                  "meta list: error: unknown format 'xml' (expected table, csv, json)\n"
                  "see 'meta list --help'\n");
    const char *a4[] = {"list", "trials", "--db", "host=/nonexistent/socket dbname=x", NULL};
    char *out, *err;
    CU_ASSERT_EQUAL(run_meta(&out, &err, a4), 1);
    CU_ASSERT(err && strstr(err, "meta list: error: cannot connect to the database") != NULL);
    free(out);
    free(err);
}

/* `meta load` through the binary: what it prints, and its exit status. */
static void test_binary_load(void)
{
    char info[1024];
    struct meta_db *fresh = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_load_db("meta_test_list_load", info, sizeof info, &fresh), 0);
    meta_db_close(fresh);
    const char *good = meta_test_load_file("good.csv", "trial,treatment,outcome,n,mean,sd\n"
                                                       "T1,ket,pain,30,2.1,1.4\n"
                                                       "T1,pla,pain,31,3.5,1.6\n");
    const char *a1[] = {"load", "--db", info, good, NULL};
    expect_output(a1, 0, "good.csv: 2 rows (2 new, 0 replaced, 0 unchanged), 1 trial, 1 outcome\n",
                  "");
    expect_output(a1, 0, "good.csv: 2 rows (0 new, 0 replaced, 2 unchanged), 1 trial, 1 outcome\n",
                  "");
    const char *bad = meta_test_load_file("bad.csv", "trial,treatment,outcome,n,mean,sd\n"
                                                     "T1,ket,pain,30,2.1,-1.4\n");
    const char *a2[] = {"load", "--db", info, good, bad, "missing.csv", NULL};
    expect_output(a2, 1, "",
                  "meta load: error: bad.csv:2:6: sd must be > 0, got '-1.4'\n"
                  "meta load: error: missing.csv: cannot open: No such file or directory\n"
                  "meta load: error: 2 problems in the input, nothing was loaded\n");
    const char *a3[] = {"load", "--db", info, NULL};
    expect_output(a3, 2, "",
                  "meta load: error: expected at least one FILE\n"
                  "see 'meta load --help'\n");
    meta_test_load_cleanup();
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"trials", test_trials},
        {"outcomes", test_outcomes},
        {"treatments", test_treatments},
        {"empty registry", test_empty_registry},
        {"listing names", test_parse},
        {"meta list: table", test_binary_table},
        {"meta list: csv", test_binary_csv},
        {"meta list: json", test_binary_json},
        {"meta list: usage and connection errors", test_binary_usage_errors},
        {"meta load: report and exit status", test_binary_load},
        {NULL, NULL},
    };
    return meta_test_run_suite("list", suite_init, suite_cleanup, cases);
}
