/*
 * Tests of running gnuplot and of its failures: gnuplot missing
 * (META_GNUPLOT=/nonexistent), gnuplot failing with its messages shown on
 * one line, a program that writes nothing, an output path that cannot be
 * written or is a link, a script path that cannot be written, a gnuplot
 * that hangs (stopped at META_GNUPLOT_TIMEOUT, its children too), a file
 * size limit that cuts the plot short (no partial file), and a real run.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cunit_main.h"
#include "meta_plot.h"
#include "plot_fixtures.h"

/* A tiny gnuplot script writing a PNG to its standard output. */
static const char tiny_script[] = "set terminal pngcairo size 200,100\nset output\n"
                                  "set xrange [0:1]\nset yrange [0:1]\nplot x\n";

static void test_runs(void)
{
    struct meta_error err;
    struct meta_fs_out o;
    char out[512];
    fixture_path(out, sizeof out, "tiny.png");
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open_file(&o, out, 0666, 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot(tiny_script, strlen(tiny_script), NULL, &o, &err),
                    META_OK);
    CU_ASSERT_EQUAL(meta_fs_out_commit(&o, &err), META_OK);
    CU_ASSERT(fixture_file_size(out) > 100);
    unsigned w = 0, h = 0;
    CU_ASSERT_EQUAL(fixture_png_size(out, &w, &h), 0);
    CU_ASSERT_EQUAL(w, 200);
}

/* Whether the fixture directory holds anything but the names given. */
static int only_files(const char *const *names, size_t n)
{
    DIR *d = opendir(fixture_tmpdir());
    struct dirent *e;
    int ok = d != NULL;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int known = 0;
        for (size_t i = 0; i < n; i++)
            known |= strcmp(e->d_name, names[i]) == 0;
        if (!known) {
            fprintf(stderr, "unexpected file %s\n", e->d_name);
            ok = 0;
        }
    }
    if (d)
        closedir(d);
    return ok;
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
    /* No output, nor a temporary file, is left. */
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

    /* A file already there is left as it was. */
    FILE *old = fopen(out, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    fputs("the old plot", old);
    fclose(old);
    setenv("META_GNUPLOT", prog, 1);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EIO);
    unsetenv("META_GNUPLOT");
    CU_ASSERT_EQUAL(fixture_file_size(out), 12);
    unlink(out);

    /* /bin/false reads nothing and says nothing: still a clear failure. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("plot x\n", 7, "/bin/false", NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "gnuplot failed (exit status 1)") != NULL);

    /* The real gnuplot on a broken script: its own message comes back, as
     * one line without the caret that points into the script. */
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("set frobnicate\n", 15, NULL, NULL, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "frobnicate") != NULL);
    CU_ASSERT(strchr(err.msg, '\n') == NULL);
    CU_ASSERT(strchr(err.msg, '^') == NULL);
    meta_forest_free(f);
}

static void test_writes_nothing(void)
{
    struct meta_error err;
    struct meta_fs_out o;
    char out[512];
    char prog[512];
    fake_gnuplot(prog, sizeof prog, "silent-gnuplot", "cat > /dev/null\nexit 0");
    fixture_path(out, sizeof out, "nothing.png");
    /* It reads the script, succeeds, and writes no plot. */
    CU_ASSERT_EQUAL_FATAL(meta_fs_out_open_file(&o, out, 0666, 0, &err), META_OK);
    CU_ASSERT_EQUAL(meta_plot_run_gnuplot("plot x\n", 7, prog, &o, &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "wrote nothing to") != NULL);
    CU_ASSERT(strstr(err.msg, "nothing.png") != NULL);
    meta_fs_out_discard(&o);
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
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "dir.svg' is a directory") != NULL);
    rmdir(out);
    /* A symbolic link where the plot goes, to a file or nowhere: refused,
     * and what it points at untouched. */
    char target[512];
    fixture_path(target, sizeof target, "target.txt");
    FILE *t = fopen(target, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    fputs("keep", t);
    fclose(t);
    fixture_path(out, sizeof out, "link.png");
    CU_ASSERT_EQUAL(symlink(target, out), 0);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "link.png' is a symbolic link") != NULL);
    CU_ASSERT_EQUAL(fixture_file_size(target), 4);
    unlink(out);
    unlink(target);
    CU_ASSERT_EQUAL(symlink(target, out), 0);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EINVAL);
    CU_ASSERT_NOT_EQUAL(access(target, F_OK), 0);
    unlink(out);
    /* An unknown extension is a usage problem, found before anything runs. */
    CU_ASSERT_EQUAL(meta_plot_forest(f, "forest.gif", NULL, &err), META_EINVAL);
    /* A path no gnuplot string could hold is fine: gnuplot writes to meta,
     * not to the path; only a saved script, which names it, cannot. */
    fixture_path(out, sizeof out, "a\nb.png");
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_OK);
    CU_ASSERT(fixture_file_size(out) > 1000);
    unlink(out);
    char gp[512];
    fixture_path(gp, sizeof gp, "ab.gp");
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, gp, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "control character") != NULL);
    CU_ASSERT_NOT_EQUAL(access(gp, F_OK), 0);
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
    /* The --script file cannot be written. */
    fixture_path(out, sizeof out, "ok.png");
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, "/nonexistent/dir/forest.gp", &err), META_EIO);
    CU_ASSERT(strstr(err.msg, "/nonexistent/dir/forest.gp") != NULL);
    meta_forest_free(f);
}

/* Whether process pid runs: it exists and is not a zombie that nobody
 * reaped (an orphan's parent in a container may never reap it). */
static int alive(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *in = fopen(path, "r"); /* /proc files have no size: read a line */
    if (!in)
        return 0;
    int got = fgets(text, sizeof text, in) != NULL;
    fclose(in);
    const char *state = got ? strrchr(text, ')') : NULL;
    return state && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

/* A gnuplot that hangs, with a child of its own: both stopped at the
 * timeout, said so, and no plot left. */
static void test_timeout(void)
{
    struct meta_forest *f = fixture_bcg_forest();
    struct meta_error err;
    char prog[512], out[512], pidfile[512], body[1200];
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fixture_path(pidfile, sizeof pidfile, "hang.pid");
    snprintf(body, sizeof body, "sleep 300 &\necho $! > '%s'\nwait", pidfile);
    fake_gnuplot(prog, sizeof prog, "hanging-gnuplot", body);
    fixture_path(out, sizeof out, "hang.png");
    setenv("META_GNUPLOT", prog, 1);
    setenv("META_GNUPLOT_TIMEOUT", "0.5", 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EIO);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CU_ASSERT(strstr(err.msg, "gnuplot did not finish within 0.5 seconds") != NULL);
    CU_ASSERT(strstr(err.msg, "META_GNUPLOT_TIMEOUT") != NULL);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT(took >= 0.5 && took < 10.0);
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
    /* The sleep it started went with it (its process group was killed). */
    char *text = fixture_read_file(pidfile, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    pid_t child = (pid_t)atoi(text);
    free(text);
    CU_ASSERT(child > 0);
    for (int i = 0; i < 100 && child > 0 && alive(child); i++)
        usleep(10000);
    CU_ASSERT(child > 0 && !alive(child));
    unlink(pidfile);

    /* A bad value is refused before anything runs. */
    setenv("META_GNUPLOT_TIMEOUT", "soon", 1);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EINVAL);
    CU_ASSERT(strstr(err.msg, "META_GNUPLOT_TIMEOUT must be a number of seconds > 0, got 'soon'") !=
              NULL);
    setenv("META_GNUPLOT_TIMEOUT", "0", 1);
    CU_ASSERT_EQUAL(meta_plot_forest(f, out, NULL, &err), META_EINVAL);
    unsetenv("META_GNUPLOT_TIMEOUT");
    unsetenv("META_GNUPLOT");
    meta_forest_free(f);
}

/* The plot cut short by a file size limit (as a full disk would): an error
 * naming the path and the reason, and neither the plot nor a temporary file
 * left. Run in a child, whose limit does not bind the test. */
static void test_short_write(void)
{
    char out[512];
    fixture_path(out, sizeof out, "limited.png");
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct rlimit rl = {8192, 8192};
        signal(SIGXFSZ, SIG_IGN);
        struct meta_forest *f = fixture_bcg_forest();
        struct meta_error err;
        meta_error_clear(&err);
        int ret =
            f && setrlimit(RLIMIT_FSIZE, &rl) == 0 ? meta_plot_forest(f, out, NULL, &err) : -1;
        dprintf(fds[1], "%d %s", ret, err.msg);
        _exit(0);
    }
    close(fds[1]);
    char msg[4200] = "";
    ssize_t n = read(fds[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    char want[700];
    snprintf(want, sizeof want, "%d cannot write '%s': File too large", META_EIO, out);
    CU_ASSERT_STRING_EQUAL(msg, want);
    CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);
    static const char *const left[] = {"hang.png",        "failing-gnuplot", "silent-gnuplot",
                                       "hanging-gnuplot", "tiny.png",        "ok.png"};
    CU_ASSERT(only_files(left, sizeof left / sizeof left[0]));
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
        {"a hanging gnuplot is stopped", test_timeout},
        {"a plot cut short leaves nothing", test_short_write},
        {NULL, NULL}};
    return meta_test_run_suite("gnuplot", fixture_suite_init, fixture_suite_cleanup, cases);
}
