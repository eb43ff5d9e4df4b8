/*
 * Tests of running gnuplot and of its failures: gnuplot missing
 * (META_GNUPLOT=/nonexistent), gnuplot failing with its messages shown,
 * a program that writes nothing, an output path that cannot be written, a
 * script path that cannot be written, and a real run.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"
#include "meta_plot.h"
#include "plot_fixtures.h"

/* A tiny gnuplot script writing a PNG to path. */
static void tiny_script(char *buf, size_t size, const char *path)
{
    snprintf(buf, size,
             "set terminal pngcairo size 200,100\nset output '%s'\n"
             "set xrange [0:1]\nset yrange [0:1]\nplot x\n",
             path);
}

static void test_runs(void)
{
    struct meta_error err;
    char out[512], script[1024];
    fixture_path(out, sizeof out, "tiny.png");
    tiny_script(script, sizeof script, out);
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot(script, strlen(script), NULL, out, &err), META_OK);
    CU_ASSERT(fixture_file_size(out) > 100);
}

static void test_missing_gnuplot(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char out[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(out, sizeof out, "missing.png");
    setenv("META_GNUPLOT", "/nonexistent/gnuplot", 1);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EIO);
    unsetenv("META_GNUPLOT");
    CU_ASSERT(strstr(err.msg, "gnuplot not found") != NULL);
    CU_ASSERT(strstr(err.msg, "/nonexistent/gnuplot") != NULL);
    CU_ASSERT(strstr(err.msg, "gnuplot-nox") != NULL);
    /* The output created to test writability is removed again. */
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
    /* Given explicitly, a name looked up on PATH. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("", 0, "meta-no-such-gnuplot", NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "gnuplot not found") != NULL);
    meta_forest_free(f);
}

/* Writes an executable shell script standing in for gnuplot. */
static void fake_gnuplot(char *path, size_t size, const char *name, const char *body)
{
    FILE *out;
    fixture_path(path, size, name);
    out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    fprintf(out, "#!/bin/sh\n%s\n", body);
    fclose(out);
    CU_ASSERT_EQUAL(chmod(path, 0755), 0);
}

static void test_failing_gnuplot(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char prog[512], out[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fake_gnuplot(prog, sizeof prog, "failing-gnuplot",
                 "cat > /dev/null\necho 'line 12: unknown terminal type' >&2\nexit 3");
    fixture_path(out, sizeof out, "failing.png");
    setenv("META_GNUPLOT", prog, 1);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EIO);
    unsetenv("META_GNUPLOT");
    CU_ASSERT(strstr(err.msg, "exit status 3") != NULL);
    CU_ASSERT(strstr(err.msg, "line 12: unknown terminal type") != NULL);
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);

    /* /bin/false reads nothing and says nothing: still a clear failure. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("plot x\n", 7, "/bin/false", NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "gnuplot failed (exit status 1)") != NULL);

    /* The real gnuplot on a broken script: its own message comes back. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("set frobnicate\n", 15, NULL, NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "frobnicate") != NULL);
    meta_forest_free(f);
}

static void test_writes_nothing(void)
{
    struct meta_error err;
    char out[512];
    char prog[512];
    fake_gnuplot(prog, sizeof prog, "silent-gnuplot", "cat > /dev/null\nexit 0");
    fixture_path(out, sizeof out, "nothing.png");
    /* It reads the script, succeeds, and writes no plot. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("plot x\n", 7, prog, out, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "wrote nothing") != NULL);
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
}

static void test_unwritable_output(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char out[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(meta_plot_forest(f, "/nonexistent/dir/forest.png", NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "cannot write '/nonexistent/dir/forest.png'") != NULL);
    /* A directory named like a plot. */
    fixture_path(out, sizeof out, "dir.svg");
    CU_ASSERT_EQUAL(mkdir(out, 0700), 0);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "cannot write") != NULL);
    rmdir(out);
    /* An unknown extension is a usage problem, found before anything runs. */
    CU_ASSERT_EQUAL(meta_plot_forest(f, "forest.gif", NULL, &err), META_EINVAL);
    /* A path no gnuplot string can hold. */
    CU_ASSERT_EQUAL(meta_plot_forest(f, "a\nb.png", NULL, &err), META_EINVAL);
    /* The --script file cannot be written. */
    fixture_path(out, sizeof out, "ok.png");
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, "/nonexistent/dir/forest.gp", &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "/nonexistent/dir/forest.gp") != NULL);
    meta_forest_free(f);
}

/* gnuplot that stops reading early: the rest of a long script meets a closed
 * pipe, which must be an error and not a SIGPIPE killing the caller. */
static void test_closed_pipe(void)
{
    struct meta_error err;
    size_t len = 4 << 20;
    char *script = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(script);
    memset(script, '#', len);
    for (size_t i = 99; i < len; i += 100)
        script[i] = '\n';
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot(script, len, "/bin/true", NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "stopped reading") != NULL);
    free(script);
}

int main(void)
{
    static const struct meta_test_case cases[] = {
        {"runs gnuplot", test_runs},
        {"gnuplot missing", test_missing_gnuplot},
        {"gnuplot failing shows its messages", test_failing_gnuplot},
        {"nothing written", test_writes_nothing},
        {"unwritable output and script paths", test_unwritable_output},
        {"gnuplot closing its input early", test_closed_pipe},
        {NULL, NULL}};
    return meta_test_run_suite("gnuplot", fixture_suite_init, fixture_suite_cleanup, cases);
}
