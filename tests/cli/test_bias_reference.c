/*
 * `meta bias`, `meta pool --influence` and `meta regress` end to end against
 * metafor: loads the datasets of tests/data/bias_reference.json with
 * `meta load` (the Haeuser trials without the two whose active arms are of
 * two drug classes, as the reference leaves them out), runs every model,
 * estimator and test of the reference through the binary with
 * `--format json`, and compares every field (Egger's and the regression
 * test, Begg's test, trim-and-fill with L0 and R0 and its filled studies,
 * each trial's influence diagnostics, every meta-regression) to 1e-6
 * relative (1e-10 absolute where metafor gives 0).
 */
#include "cunit_main.h"
#include "reference_json.h"
#include "reference_rule.h"
#include "test_db.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char conninfo[1024];
static char tmpdir[] = "/tmp/meta-bias-reference-XXXXXX";
static json_object *reference;
static int loaded;
static struct meta_ref_tally tally;

static json_object *get(json_object *o, const char *key)
{
    return meta_ref_json_get(o, key);
}

/* Copies the CSV at `from` to `to` without the rows of the trials in
 * `drop` (a JSON array of names; the file's trial column comes first and is
 * never quoted). Returns 0 or -1. */
static int copy_without(const char *from, const char *to, json_object *drop)
{
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    char line[4096];
    int ok = in && out;
    while (ok && fgets(line, sizeof line, in)) {
        int skip = 0;
        for (size_t i = 0; i < json_object_array_length(drop) && !skip; i++) {
            const char *t = json_object_get_string(json_object_array_get_idx(drop, i));
            skip = strncmp(line, t, strlen(t)) == 0 && line[strlen(t)] == ',';
        }
        if (!skip)
            ok = fputs(line, out) != EOF;
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int suite_init(void)
{
    reference = json_object_from_file(META_TEST_DATA_DIR "/bias_reference.json");
    if (!reference || !mkdtemp(tmpdir) ||
        meta_test_db_create("meta_test_bias_reference", conninfo, sizeof conninfo) != 0)
        return -1;
    const char *args[16] = {"load", "--db", conninfo};
    char paths[4][1100];
    size_t n = 3;
    json_object *cases = get(reference, "cases");
    for (size_t i = 0; i < json_object_array_length(cases) && i < 4; i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        char from[1024];
        snprintf(from, sizeof from, "%s/%s", META_TEST_DATA_DIR,
                 json_object_get_string(get(c, "file")));
        snprintf(paths[i], sizeof paths[i], "%s/%s", tmpdir,
                 json_object_get_string(get(c, "file")));
        if (copy_without(from, paths[i], get(c, "excluded")) != 0)
            return -1;
        args[n++] = paths[i];
    }
    args[n] = NULL;
    char *out = NULL;
    int status = meta_test_run(args, &out);
    free(out);
    for (size_t i = 3; i < n; i++)
        unlink(args[i]);
    if (status != 0) {
        fprintf(stderr, "meta load exited %d\n", status);
        return -1;
    }
    loaded = 1;
    return 0;
}

static int suite_clean(void)
{
    rmdir(tmpdir);
    printf("\n  bias_reference.json: %zu fields compared, max relative error %.3g\n", tally.fields,
           tally.max_rel_error);
    json_object_put(reference);
    return 0;
}

/* Runs `meta CMD --db DB --format json ARGS...` and parses stdout. */
static json_object *run_json_on(const char *db, const char *cmd, const char *const *args)
{
    const char *full[48] = {cmd, "--db", db, "--format", "json"};
    size_t n = 5;
    for (; *args && n < 47; args++)
        full[n++] = *args;
    full[n] = NULL;
    char *out = NULL;
    int status = meta_test_run(full, &out);
    json_object *obj = status == 0 && out ? json_tokener_parse(out) : NULL;
    if (!obj)
        fprintf(stderr, "meta %s exited %d; output: %.500s\n", cmd, status, out ? out : "");
    free(out);
    return obj;
}

static json_object *run_json(const char *cmd, const char *const *args)
{
    return run_json_on(conninfo, cmd, args);
}

static int agree(const char *where, json_object *expected, json_object *got)
{
    return meta_ref_json_agrees(where, expected, got, &tally);
}

/* The options of one fit of case c: selection, measure, model, method, ci. */
static size_t fit_args(json_object *c, json_object *fit, const char **args)
{
    size_t n = 0;
    args[n++] = "--outcome";
    args[n++] = json_object_get_string(get(c, "outcome"));
    args[n++] = "--treatment";
    args[n++] = json_object_get_string(get(c, "treatment"));
    args[n++] = "--control";
    args[n++] = json_object_get_string(get(c, "control"));
    args[n++] = "--measure";
    args[n++] = json_object_get_string(get(c, "measure"));
    args[n++] = "--model";
    args[n++] = json_object_get_string(get(fit, "model"));
    args[n++] = "--method";
    args[n++] = json_object_get_string(get(fit, "method"));
    args[n++] = "--ci";
    args[n++] = json_object_get_string(get(fit, "ci"));
    args[n] = NULL;
    return n;
}

/* `meta bias` with estimator L0 or R0: the dataset's tests, the fit's. */
static void check_bias(json_object *c, json_object *fit, const char *estimator, const char *where)
{
    const char *args[24];
    size_t n = fit_args(c, fit, args);
    args[n++] = "--estimator";
    args[n++] = estimator;
    args[n] = NULL;
    json_object *got = run_json("bias", args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    char w[512];
    snprintf(w, sizeof w, "%s bias %s", where, estimator);
    CU_ASSERT_EQUAL(json_object_get_int(get(got, "k")),
                    (int)json_object_array_length(get(c, "trials")));
    CU_ASSERT(agree(w, get(c, "egger"), get(got, "egger")));
    CU_ASSERT(agree(w, get(c, "begg"), get(got, "begg")));
    CU_ASSERT(agree(w, get(fit, "regtest"), get(got, "regtest")));
    CU_ASSERT(agree(w, get(get(fit, "trimfill"), estimator), get(got, "trimfill")));
    CU_ASSERT_EQUAL(json_object_array_length(get(got, "excluded")), 0);
    /* the trials tested, in order, with the reference's effects */
    json_object *studies = get(got, "studies"), *trials = get(c, "trials");
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(studies), json_object_array_length(trials));
    for (size_t i = 0; i < json_object_array_length(trials); i++) {
        json_object *s = json_object_array_get_idx(studies, i);
        CU_ASSERT(agree(w, json_object_array_get_idx(trials, i), get(s, "trial")));
        CU_ASSERT(agree(w, json_object_array_get_idx(get(c, "yi"), i), get(s, "yi")));
        CU_ASSERT(agree(w, json_object_array_get_idx(get(c, "vi"), i), get(s, "vi")));
    }
    json_object_put(got);
}

static void check_influence(json_object *c, json_object *fit, const char *where)
{
    const char *args[24];
    size_t n = fit_args(c, fit, args);
    args[n++] = "--influence";
    args[n] = NULL;
    json_object *got = run_json("pool", args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    char w[512];
    snprintf(w, sizeof w, "%s influence", where);
    json_object *inf = get(got, "influence");
    CU_ASSERT(agree(w, get(fit, "influence"), inf));
    for (size_t i = 0; i < json_object_array_length(inf); i++)
        CU_ASSERT(agree(w, json_object_array_get_idx(get(c, "trials"), i),
                        get(json_object_array_get_idx(inf, i), "trial")));
    json_object_put(got);
}

static void check_regress(json_object *c, json_object *fit, json_object *reg, const char *where)
{
    const char *args[28];
    size_t n = fit_args(c, fit, args);
    char mods[256] = "";
    json_object *m = get(reg, "mods");
    for (size_t j = 0; j < json_object_array_length(m); j++)
        snprintf(mods + strlen(mods), sizeof mods - strlen(mods), "%s%s", j ? "," : "",
                 json_object_get_string(json_object_array_get_idx(m, j)));
    args[n++] = "--mods";
    args[n++] = mods;
    args[n] = NULL;
    json_object *got = run_json("regress", args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    char w[512];
    snprintf(w, sizeof w, "%s regress %s", where, mods);
    CU_ASSERT(agree(w, reg, got));
    CU_ASSERT_EQUAL(json_object_get_int(get(got, "k")),
                    (int)json_object_array_length(get(c, "trials")));
    CU_ASSERT_EQUAL(json_object_array_length(get(got, "excluded")), 0);
    json_object_put(got);
}

static void test_reference(void)
{
    CU_ASSERT_TRUE_FATAL(loaded);
    json_object *cases = get(reference, "cases");
    CU_ASSERT_EQUAL(json_object_array_length(cases), 3);
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i), *fits = get(c, "fits");
        CU_ASSERT_EQUAL(json_object_array_length(fits), 18);
        for (size_t f = 0; f < json_object_array_length(fits); f++) {
            json_object *fit = json_object_array_get_idx(fits, f);
            char where[256];
            snprintf(where, sizeof where, "%s %s %s %s", json_object_get_string(get(c, "dataset")),
                     json_object_get_string(get(fit, "model")),
                     json_object_get_string(get(fit, "method")),
                     json_object_get_string(get(fit, "ci")));
            check_bias(c, fit, "L0", where);
            check_bias(c, fit, "R0", where);
            check_influence(c, fit, where);
            json_object *regs = get(fit, "regress");
            for (size_t r = 0; r < json_object_array_length(regs); r++)
                check_regress(c, fit, json_object_array_get_idx(regs, r), where);
        }
    }
}

/* The Haeuser trials as they are: a regression on `class` leaves out, with
 * the reason, the two trials whose active arms are of two drug classes
 * (Goldenberg 1996: SSRI and TCA; Hannonen 1998: MAOI and TCA), which is
 * what the reference did by hand, and agrees with it. */
static void test_disagreeing_arms(void)
{
    char db[1024];
    CU_ASSERT_EQUAL_FATAL(meta_test_db_create("meta_test_bias_reference_all", db, sizeof db), 0);
    const char *load[] = {"load", "--db", db, META_TEST_DATA_DIR "/haeuser2009_fibromyalgia.csv",
                          NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL_FATAL(meta_test_run(load, &out), 0);
    free(out);
    json_object *c = json_object_array_get_idx(get(reference, "cases"), 2);
    CU_ASSERT_STRING_EQUAL_FATAL(json_object_get_string(get(c, "dataset")), "haeuser2009");
    json_object *fits = get(c, "fits");
    for (size_t f = 0; f < json_object_array_length(fits); f += 5) {
        json_object *fit = json_object_array_get_idx(fits, f);
        json_object *reg = json_object_array_get_idx(get(fit, "regress"), 0);
        CU_ASSERT_STRING_EQUAL(
            json_object_get_string(json_object_array_get_idx(get(reg, "mods"), 0)), "class");
        const char *args[24];
        size_t n = fit_args(c, fit, args);
        args[n++] = "--mods";
        args[n++] = "class";
        args[n] = NULL;
        json_object *got = run_json_on(db, "regress", args);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        char where[256];
        snprintf(where, sizeof where, "haeuser2009 (all trials) %s %s %s regress class",
                 json_object_get_string(get(fit, "model")),
                 json_object_get_string(get(fit, "method")),
                 json_object_get_string(get(fit, "ci")));
        CU_ASSERT(agree(where, reg, got));
        json_object *excluded = get(got, "excluded");
        size_t found = 0;
        for (size_t i = 0; i < json_object_array_length(excluded); i++) {
            json_object *x = json_object_array_get_idx(excluded, i);
            const char *trial = json_object_get_string(get(x, "trial"));
            const char *reason = json_object_get_string(get(x, "reason"));
            if (strcmp(trial, "Goldenberg et al. 1996") == 0) {
                found++;
                CU_ASSERT_STRING_EQUAL(reason, "its treatment arms disagree on moderator 'class' "
                                               "('SSRI', 'TCA')");
            } else if (strcmp(trial, "Hannonen et al. 1998") == 0) {
                found++;
                CU_ASSERT_PTR_NOT_NULL(strstr(reason, "disagree on moderator 'class'"));
            }
        }
        CU_ASSERT_EQUAL(found, 2);
        json_object_put(got);
    }
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"bias, influence and regress against bias_reference.json", test_reference},
        {"trials whose arms disagree on a moderator are left out", test_disagreeing_arms},
        {NULL, NULL},
    };
    return meta_test_run_suite("bias_reference", suite_init, suite_clean, cases);
}
