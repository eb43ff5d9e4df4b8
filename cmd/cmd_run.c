/*
 * `meta run [--out DIR] [--db CONNINFO] FILE.ini|DIR...`: runs declared
 * analyses (analysis_file.h) one after the other on one registry connection,
 * writes their tables and plots under DIR, keeps going past a failing one,
 * and ends with a summary. Report scripts name analyses instead of spelling
 * out long command lines.
 */
#include "analysis_file.h"
#include "cli_common.h"
#include "commands.h"
#include "meta_report.h"
#include "meta_study_attr.h"
#include "parse_options.h"
#include "safe_out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char cmd_run_usage[] =
    "usage: meta run [--out DIR] [--db CONNINFO] FILE.ini|DIR...\n"
    "\n"
    "Runs declared analyses: each FILE.ini, and every *.ini file of each DIR in\n"
    "name order. An analysis file has one [analysis] section whose keys are the\n"
    "options of 'meta pool' (outcome, timepoint, treatment, control, measure,\n"
    "model, method, ci, level, by, leave_one_out, cumulative, convention,\n"
    "prediction; bias, trimfill, estimator, influence, mods as for 'meta bias'\n"
    "and 'meta regress': their results join the table, csv and json) and its\n"
    "outputs:\n"
    "\n"
    "  forest = FILE.png|.svg|.pdf  forest plot (may be given several times)\n"
    "  funnel = FILE.png|.svg|.pdf  funnel plot (likewise; trimfill = true draws\n"
    "                               the filled trials, contours = true the contours)\n"
    "  bubble = FILE.png|.svg|.pdf  bubble plot of the meta-regression on mods\n"
    "  table = FILE                 the 'meta pool' table, under title and note\n"
    "  csv = FILE, json = FILE      'meta pool --format csv' or 'json'\n"
    "  title, note                  plot title and footnote (also head the table)\n"
    "  favours_left, favours_right, higher_is_better, sort   as for 'meta forest'\n"
    "  rob = true                   risk-of-bias judgements (rob_d1 ... rob_overall)\n"
    "                               beside the studies of the forest plot\n"
    "\n"
    "Output paths are relative to the output directory and stay inside it: no\n"
    "symbolic link under it is followed, and each output is written whole or\n"
    "not at all (a temporary file renamed once complete).\n"
    "Each analysis prints one line (ok, with k and the pooled estimate, and the\n"
    "files written; or FAIL with the reason, FILE:LINE for a bad file); a failing\n"
    "analysis does not stop the others. The README's section \"Analyses\" has the\n"
    "whole format; analyses/ holds examples.\n"
    "\n"
    "Options\n"
    "  --out DIR      where outputs go, created as needed (default: out)\n"
    "  --db CONNINFO  the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "\n"
    "Exit status: 0 every analysis succeeded, 1 any failed, 2 usage error.\n";

/* One analysis to run, or an argument that could not be expanded into any. */
struct entry {
    char *path;
    char *problem; /* why it cannot run at all (e.g. an empty directory), or NULL */
};

struct entries {
    struct entry *items;
    size_t n, cap;
};

/* What the analyses of one invocation share. */
struct run_ctx {
    const char *out;      /* output directory, without a trailing slash */
    int out_fd;           /* it, opened: every output is created relative to it */
    const char *conninfo; /* --db, or NULL for META_DB / the private cluster */
    struct meta_db *db;   /* opened by the first analysis that needs it */
    int db_failed;        /* opening failed once: do not try again */
    char **claimed;       /* output paths (relative) declared so far */
    char **claimed_by;    /* the analysis file that declared each */
    size_t n_claimed;
};

static int add_entry(struct entries *list, const char *path, const char *problem)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        struct entry *grown = realloc(list->items, cap * sizeof *grown);
        if (!grown)
            return META_ENOMEM;
        list->items = grown;
        list->cap = cap;
    }
    struct entry *e = &list->items[list->n];
    e->path = strdup(path);
    e->problem = problem ? strdup(problem) : NULL;
    if (!e->path || (problem && !e->problem)) {
        free(e->path);
        free(e->problem);
        return META_ENOMEM;
    }
    list->n++;
    return META_OK;
}

static void entries_free(struct entries *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].path);
        free(list->items[i].problem);
    }
    free(list->items);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_ini(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".ini") == 0;
}

/* Adds the *.ini files of directory `dir`, in name order (bytewise). */
static int add_directory(struct entries *list, const char *dir)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ret = META_OK;
    char problem[PATH_MAX + 64];
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(problem, sizeof problem, "cannot read the directory: %s", strerror(errno));
        return add_entry(list, dir, problem);
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_ini(de->d_name))
            continue;
        if (n == cap) {
            size_t grown_cap = cap ? 2 * cap : 32;
            char **grown = realloc(names, grown_cap * sizeof *grown);
            if (!grown) {
                ret = META_ENOMEM;
                goto cleanup;
            }
            names = grown;
            cap = grown_cap;
        }
        if (!(names[n] = strdup(de->d_name))) {
            ret = META_ENOMEM;
            goto cleanup;
        }
        n++;
    }
    if (n == 0) {
        ret = add_entry(list, dir, "no *.ini analysis files in this directory");
        goto cleanup;
    }
    qsort(names, n, sizeof *names, by_name);
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < n && ret == META_OK; i++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", names[i]) >=
            (int)sizeof path)
            ret = add_entry(list, names[i], "path too long");
        else
            ret = add_entry(list, path, NULL);
    }
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return ret;
}

/* Whether `path` names the same file as an entry already listed. */
static int listed(const struct entries *list, const char *path)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(path, a))
        return 0;
    for (size_t i = 0; i < list->n; i++)
        if (!list->items[i].problem && realpath(list->items[i].path, b) && strcmp(a, b) == 0)
            return 1;
    return 0;
}

/* Expands the arguments into the analyses to run, each file once. */
static int collect(struct entries *list, char **args, size_t n_args)
{
    for (size_t i = 0; i < n_args; i++) {
        struct stat st;
        int ret = META_OK;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            struct entries found = {0};
            ret = add_directory(&found, args[i]);
            for (size_t j = 0; ret == META_OK && j < found.n; j++)
                if (found.items[j].problem || !listed(list, found.items[j].path))
                    ret = add_entry(list, found.items[j].path, found.items[j].problem);
            entries_free(&found);
        } else if (!listed(list, args[i])) {
            ret = add_entry(list, args[i], NULL);
        }
        if (ret != META_OK)
            return ret;
    }
    return META_OK;
}

/* mkdir -p: creates `dir` and its missing parents. */
static int make_dirs(const char *dir, struct meta_error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return meta_error_set(err, META_EIO, "path too long: '%s'", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return meta_error_set(err, META_EIO, "cannot create directory '%s': %s", path,
                                  strerror(errno));
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return meta_error_set(err, META_EIO, "cannot create directory '%s': not a directory",
                                  path);
        *p = saved;
        if (saved == '\0')
            break;
    }
    return META_OK;
}

/* Writes a table, CSV or JSON output into o (open, not committed). */
static int write_text(struct meta_fs_out *o, enum meta_output_kind kind,
                      const struct meta_analysis_file *af, const struct meta_analysis *an,
                      struct meta_error *err)
{
    FILE *f = meta_fs_out_stream(o, err);
    if (!f)
        return META_ENOMEM;
    enum meta_report_format format = kind == META_OUTPUT_JSON  ? META_REPORT_JSON
                                     : kind == META_OUTPUT_CSV ? META_REPORT_CSV
                                                               : META_REPORT_TABLE;
    if (format == META_REPORT_TABLE) {
        /* Escaped as the table under them is. */
        if (af->title) {
            cli_put_escaped(f, af->title);
            fputc('\n', f);
        }
        if (af->note) {
            cli_put_escaped(f, af->note);
            fputc('\n', f);
        }
        if (af->title || af->note)
            fputc('\n', f);
    }
    int ret = meta_report_write(f, format, an, err);
    /* A write that failed is reported by the commit, with the path and why. */
    return ret == META_EIO ? META_OK : ret;
}

/* Draws a forest, funnel or bubble plot into o (open, not committed). */
static int write_plot(struct meta_fs_out *o, enum meta_output_kind kind,
                      const struct meta_analysis_file *af, const struct meta_analysis *an,
                      struct meta_error *err)
{
    struct meta_plot_settings settings;
    struct meta_forest *forest = NULL;
    struct meta_funnel *funnel = NULL;
    struct meta_bubble *bubble = NULL;
    enum meta_plot_format fmt;
    int ret = meta_plot_format_from_path(o->path, &fmt, err);
    meta_analysis_file_plot_settings(af, &settings);
    settings.study_attr = meta_analysis_study_attr_cb;
    settings.study_attr_ctx = (void *)an;
    if (ret == META_OK && kind == META_OUTPUT_FOREST) {
        ret = meta_report_forest(an, &settings, &forest, err);
        if (ret == META_OK)
            ret = meta_plot_forest_write(forest, fmt, o, err);
    } else if (ret == META_OK && kind == META_OUTPUT_BUBBLE) {
        ret = meta_report_bubble(an, &settings, &bubble, err);
        if (ret == META_OK)
            ret = meta_plot_bubble_write(bubble, fmt, o, err);
    } else if (ret == META_OK) {
        ret = meta_report_funnel(an, &settings, &funnel, err);
        if (ret == META_OK)
            ret = meta_plot_funnel_write(funnel, fmt, o, err);
    }
    meta_forest_free(forest);
    meta_funnel_free(funnel);
    meta_bubble_free(bubble);
    return ret;
}

/*
 * Writes one output at its path under the output directory: created
 * relative to the directory's descriptor, no link followed at any component
 * (subdirectories made as needed), written to a temporary file and renamed
 * over the path once whole; on failure nothing is left and err names the
 * path and the reason.
 */
static int write_output(const struct run_ctx *ctx, const struct meta_analysis_output *out,
                        const struct meta_analysis_file *af, const struct meta_analysis *an,
                        struct meta_error *err)
{
    struct meta_fs_out o;
    int ret = meta_fs_out_open_path(&o, ctx->out_fd, ctx->out, out->path, 0777, 0666, 0, err);
    if (ret != META_OK)
        return ret;
    if (out->kind == META_OUTPUT_FOREST || out->kind == META_OUTPUT_FUNNEL ||
        out->kind == META_OUTPUT_BUBBLE)
        ret = write_plot(&o, out->kind, af, an, err);
    else
        ret = write_text(&o, out->kind, af, an, err);
    if (ret != META_OK) {
        meta_fs_out_discard(&o);
        return ret;
    }
    return meta_fs_out_commit(&o, err);
}

/* Refuses outputs that an earlier analysis of this run declared, then claims
 * this analysis' outputs. */
static int claim_outputs(struct run_ctx *ctx, const struct meta_analysis_file *af,
                         struct meta_error *err)
{
    for (size_t i = 0; i < af->n_outputs; i++)
        for (size_t j = 0; j < ctx->n_claimed; j++)
            if (strcmp(af->outputs[i].path, ctx->claimed[j]) == 0)
                return meta_error_set(err, META_EINVAL,
                                      "%s:%d: %s '%s' is also an output of %s: give each "
                                      "analysis its own files",
                                      af->name, af->outputs[i].line,
                                      meta_output_kind_name(af->outputs[i].kind),
                                      af->outputs[i].path, ctx->claimed_by[j]);
    if (af->n_outputs == 0)
        return META_OK;
    size_t n = ctx->n_claimed + af->n_outputs;
    char **paths = realloc(ctx->claimed, n * sizeof *paths);
    if (paths)
        ctx->claimed = paths;
    char **owners = paths ? realloc(ctx->claimed_by, n * sizeof *owners) : NULL;
    if (owners)
        ctx->claimed_by = owners;
    for (size_t i = 0; owners && i < af->n_outputs; i++) {
        char *path = strdup(af->outputs[i].path);
        char *owner = path ? strdup(af->name) : NULL;
        if (!owner) {
            free(path);
            break;
        }
        ctx->claimed[ctx->n_claimed] = path;
        ctx->claimed_by[ctx->n_claimed] = owner;
        ctx->n_claimed++;
    }
    if (ctx->n_claimed != n)
        return meta_error_set(err, META_ENOMEM, "out of memory");
    return META_OK;
}

/* Prefixes a failure's message with the file name unless it has it. */
static void prefix_file(struct meta_error *err, const char *file)
{
    size_t len = strlen(file);
    if (strncmp(err->msg, file, len) == 0 && err->msg[len] == ':')
        return;
    char text[META_ERROR_MAX];
    snprintf(text, sizeof text, "%s", err->msg);
    meta_error_set(err, META_EINVAL, "%s: %s", file, text);
}

/* The pooled estimate as the table shows it: back-transformed on the log scale. */
static void describe_result(char *buf, size_t size, const struct meta_analysis *an)
{
    const struct meta_result *r = &an->overall;
    double est = meta_report_display(an, r->estimate), lo = meta_report_display(an, r->ci_lower),
           hi = meta_report_display(an, r->ci_upper);
    int used = snprintf(buf, size, "k=%-3zu %s %.2f [%.2f, %.2f]", meta_report_k(r),
                        meta_measure_name(an->opts.measure), est, lo, hi);
    if (an->n_groups > 0 && used > 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, "  %zu subgroups", an->n_groups);
}

/* Runs one analysis file; prints its line. Returns 1 when it succeeded. */
static int run_one(struct run_ctx *ctx, const struct entry *e, int width)
{
    struct meta_analysis_file af;
    struct meta_analysis an;
    struct meta_error err;
    char written[8192] = "";
    int ok = 0, ret;
    meta_error_clear(&err);
    meta_analysis_file_init(&af);
    meta_analysis_init(&an);

    if (e->problem) {
        meta_error_set(&err, META_EINVAL, "%s: %s", e->path, e->problem);
        goto report;
    }
    if ((ret = meta_analysis_file_read(&af, e->path, &err)) != META_OK ||
        (ret = claim_outputs(ctx, &af, &err)) != META_OK)
        goto report;
    if (!ctx->db && ctx->db_failed) {
        meta_error_set(&err, META_EDB, "%s: no registry database (see the first failure)", e->path);
        goto report;
    }
    if (!ctx->db && ((ret = meta_db_open(ctx->conninfo, &ctx->db, &err)) != META_OK ||
                     (ret = meta_db_set_read_only(ctx->db, &err)) != META_OK)) {
        meta_db_close(ctx->db);
        ctx->db = NULL;
        ctx->db_failed = 1;
        prefix_file(&err, e->path);
        goto report;
    }
    struct meta_request_error rerr;
    meta_request_error_init(&rerr, meta_analysis_file_spell);
    af.req.rob = af.rob; /* the forest plots' judgements, read with the data */
    if ((ret = meta_analysis_run(ctx->db, &af.req, &an, &rerr)) != META_OK) {
        /* A key at fault points at its line in the file. */
        char key[64];
        int line = 0;
        if (rerr.key) {
            meta_analysis_file_spell(key, sizeof key, rerr.key);
            line = meta_analysis_file_key_line(&af, key);
        }
        if (line)
            meta_error_set(&err, ret, "%s:%d: %s", e->path, line, rerr.err.msg);
        else
            meta_error_set(&err, ret, "%s: %s", e->path, rerr.err.msg);
        goto report;
    }
    for (size_t i = 0; i < af.n_outputs; i++) {
        const struct meta_analysis_output *o = &af.outputs[i];
        if ((ret = write_output(ctx, o, &af, &an, &err)) != META_OK) {
            prefix_file(&err, e->path);
            goto report;
        }
        size_t used = strlen(written);
        snprintf(written + used, sizeof written - used, " %s/%s", ctx->out, o->path);
    }
    ok = 1;
report:
    if (ok) {
        char result[256];
        describe_result(result, sizeof result, &an);
        cli_print_line("ok   %-*s  %s  ->%s", width, e->path, result, written);
    } else {
        cli_print_line("FAIL %s", err.msg);
    }
    fflush(stdout);
    meta_analysis_release(&an);
    meta_analysis_file_release(&af);
    return ok;
}

int cmd_run(int argc, char **argv)
{
    struct run_ctx ctx = {.out = "out", .out_fd = -1};
    struct entries list = {0};
    struct meta_error err;
    char **files = NULL;
    char out[PATH_MAX];
    int status = 0;
    meta_error_clear(&err);

    int n_files = 0;
    const struct cli_option options[] = {
        CLI_STRING("out", 0, &ctx.out),
        CLI_STRING("db", 0, &ctx.conninfo),
        CLI_END,
    };
    if ((status = cli_parse_options("run", argc, argv, options, &n_files)) != CLI_CONTINUE)
        goto cleanup;
    status = 0;
    files = argv + 1;
    if (n_files == 0) {
        status = cli_usage_error("run", "no analysis given: name FILE.ini files or directories "
                                        "(e.g. meta run analyses/)");
        goto cleanup;
    }
    if (!*ctx.out) {
        status = cli_usage_error("run", "--out needs a directory");
        goto cleanup;
    }
    /* Output paths are joined to the directory with one slash. */
    snprintf(out, sizeof out, "%s", ctx.out);
    for (size_t len = strlen(out); len > 1 && out[len - 1] == '/'; len--)
        out[len - 1] = '\0';
    ctx.out = out;
    /* The output directory is the user's to name, links included; what
     * meta creates under it is opened relative to it, following none. */
    if (make_dirs(ctx.out, &err) != META_OK) {
        status = cli_error("run", "output directory: %s", err.msg);
        goto cleanup;
    }
    if ((ctx.out_fd = open(ctx.out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        status =
            cli_error("run", "output directory: cannot open '%s': %s", ctx.out, strerror(errno));
        goto cleanup;
    }
    if (collect(&list, files, (size_t)n_files) != META_OK) {
        status = cli_error("run", "out of memory");
        goto cleanup;
    }

    int width = 0;
    for (size_t i = 0; i < list.n; i++) {
        int len = (int)strlen(list.items[i].path);
        if (len > width)
            width = len;
    }
    if (width > 48)
        width = 48;
    size_t passed = 0;
    for (size_t i = 0; i < list.n; i++)
        passed += (size_t)run_one(&ctx, &list.items[i], width);
    size_t failed = list.n - passed;
    printf("%zu %s: %zu ok, %zu failed\n", list.n, list.n == 1 ? "analysis" : "analyses", passed,
           failed);
    if (failed)
        status = cli_error("run", "%zu of %zu %s failed", failed, list.n,
                           list.n == 1 ? "analysis" : "analyses");
cleanup:
    if (ctx.out_fd >= 0)
        close(ctx.out_fd);
    meta_db_close(ctx.db);
    for (size_t i = 0; i < ctx.n_claimed; i++) {
        free(ctx.claimed[i]);
        free(ctx.claimed_by[i]);
    }
    free(ctx.claimed);
    free(ctx.claimed_by);
    entries_free(&list);
    return status;
}
