/*
 * `meta run [--out DIR] [--db CONNINFO] [--changed] FILE.ini|DIR...`: runs
 * declared analyses (analysis_file.h) on one registry connection, in one
 * snapshot of it, writes their tables and plots under DIR, keeps going past
 * a failing one, ends with a summary, and records every run in the
 * registry's history. Report scripts name analyses instead of spelling out
 * long command lines; a living review re-runs only what new data touched.
 * Selections are read for many analyses at a time, and computed and written
 * on a second thread meanwhile (meta_run_pipeline.h).
 */
#include "analysis_file.h"
#include "cli_common.h"
#include "commands.h"
#include "each_parallel.h"
#include "living_cli.h"
#include "meta_load.h"
#include "meta_report.h"
#include "meta_run_pipeline.h"
#include "meta_runs.h"
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
    "usage: meta run [--out DIR] [--db CONNINFO] [--changed] [--record-db CONNINFO]\n"
    "                FILE.ini|DIR...\n"
    "\n"
    "Runs declared analyses: each FILE.ini, and every *.ini file of each DIR in\n"
    "name order. An analysis file has one [analysis] section whose keys are the\n"
    "options of 'meta pool' (outcome, timepoint, treatment, control, measure,\n"
    "model, method, ci, level, by, totals, leave_one_out, cumulative, convention,\n"
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
    "Every analysis reads the same state of the registry (one snapshot: a load\n"
    "that commits meanwhile is seen by all or none), and every run is recorded\n"
    "in the registry: the file's path and SHA-256, the request, the result, and\n"
    "a fingerprint of the rows used with the loads that brought them ('meta\n"
    "history FILE.ini' lists them).\n"
    "\n"
    "Options\n"
    "  --out DIR      where outputs go, created as needed (default: out)\n"
    "  --db CONNINFO  the registry's PostgreSQL (libpq string or URI); also META_DB\n"
    "  --changed      run only the analyses whose file or data changed since their\n"
    "                 last recorded run, or that never ran (a result added, replaced\n"
    "                 or removed at their outcome and time point, or a trial or arm\n"
    "                 they read changed), decided by one query without reading rows;\n"
    "                 print for each the change, 'MD -0.69 [-0.90, -0.48] k=10 ->\n"
    "                 MD -0.75 [-0.95, -0.55] k=11', and whether the conclusion flips\n"
    "  --record-db CONNINFO  record the runs on this server (a primary) rather than\n"
    "                 on --db; also META_RECORD_DB. Without it, on a server that\n"
    "                 takes no writes (a hot standby) the runs are not recorded, and\n"
    "                 meta run says so\n"
    "\n"
    "Exit status: 0 every analysis succeeded, 1 any failed (or the runs could not\n"
    "be recorded on --record-db), 2 usage error.\n";

/* One analysis to run, or an argument that could not be expanded into any. */
struct entry {
    char *path;
    char *real;    /* the path resolved (realpath), or NULL when it does not resolve */
    char *problem; /* why it cannot run at all (e.g. an empty directory), or NULL */
};

struct entries {
    struct entry *items;
    size_t n, cap;
    /* The real paths of the files listed, for naming each once: an open
     * addressing hash set (NULL slots free), cap_seen slots. */
    char **seen;
    size_t n_seen, cap_seen;
};

/* What becomes of one analysis. */
enum item_state {
    ITEM_FAILED,  /* failure holds the FAIL line */
    ITEM_READY,   /* its file is read: to run */
    ITEM_CURRENT, /* --changed: nothing changed since its last run */
    ITEM_OK       /* ran, outputs written */
};

/* One analysis of the invocation, from its file to its record. */
struct item {
    const struct entry *e;
    enum item_state state;
    char *failure; /* the FAIL message */
    struct meta_analysis_file af;
    char *identity;                   /* its absolute path: its name in the history */
    char sha256[META_CSV_SHA256_HEX]; /* of its bytes */
    struct meta_run_state rs;         /* the history's verdict (zeros without a registry) */
    /* What is recorded of a run that succeeded. */
    struct meta_run_result result;
    char *options_json;
    char fingerprint[META_FINGERPRINT_SIZE];
    long long *load_ids; /* by load_id */
    char **load_files;   /* their file names */
    size_t n_loads;
};

/* What the analyses of one invocation share. */
struct run_ctx {
    const char *out;       /* output directory, without a trailing slash */
    int out_fd;            /* it, opened: every output is created relative to it */
    const char *conninfo;  /* --db, or NULL for META_DB / the private cluster */
    const char *record_db; /* --record-db or META_RECORD_DB, or NULL */
    int changed;           /* --changed */
    struct meta_db *db;    /* opened once a file needs it */
    char **claimed;        /* output paths (relative) declared so far */
    char **claimed_by;     /* the analysis file that declared each */
    size_t n_claimed;
    /* An open addressing hash set over claimed: index + 1 (0 free), cap_slots
     * slots, so that checking thousands of outputs stays linear. */
    size_t *slots, cap_slots;
    int width;    /* of the path column of the lines printed */
    size_t batch; /* META_RUN_BATCH, or 0 for the pipeline's default */
    int threads;  /* META_RUN_THREADS: 1, or 2 (the default) */
};

static int add_entry(struct entries *list, const char *path, const char *real, const char *problem)
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
    e->real = real ? strdup(real) : NULL;
    e->problem = problem ? strdup(problem) : NULL;
    if (!e->path || (real && !e->real) || (problem && !e->problem)) {
        free(e->path);
        free(e->real);
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
        free(list->items[i].real);
        free(list->items[i].problem);
    }
    free(list->items);
    for (size_t i = 0; i < list->cap_seen; i++)
        free(list->seen[i]);
    free(list->seen);
}

/* Orders names that carry a leading flag byte by the names themselves. */
static int by_flagged_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int is_ini(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".ini") == 0;
}

/* Adds the *.ini files of directory `dir`, in name order (bytewise). The
 * real path of a regular file (not a link) is the directory's, resolved
 * once, and its name: no file costs a realpath of its own. */
static int add_directory(struct entries *list, const char *dir)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ret = META_OK;
    char problem[PATH_MAX + 64];
    char real_dir[PATH_MAX];
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(problem, sizeof problem, "cannot read the directory: %s", strerror(errno));
        return add_entry(list, dir, NULL, problem);
    }
    int resolved = realpath(dir, real_dir) != NULL;
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
        /* A leading byte says whether the name is a regular file's. */
        size_t len = strlen(de->d_name);
        if (!(names[n] = malloc(len + 2))) {
            ret = META_ENOMEM;
            goto cleanup;
        }
        names[n][0] = de->d_type == DT_REG ? 'r' : '?';
        memcpy(names[n] + 1, de->d_name, len + 1);
        n++;
    }
    if (n == 0) {
        ret = add_entry(list, dir, NULL, "no *.ini analysis files in this directory");
        goto cleanup;
    }
    qsort(names, n, sizeof *names, by_flagged_name);
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < n && ret == META_OK; i++) {
        const char *name = names[i] + 1;
        char path[PATH_MAX], real[PATH_MAX];
        int known = resolved && names[i][0] == 'r' &&
                    snprintf(real, sizeof real, "%s/%s", strcmp(real_dir, "/") == 0 ? "" : real_dir,
                             name) < (int)sizeof real;
        if (snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", name) >= (int)sizeof path)
            ret = add_entry(list, name, NULL, "path too long");
        else
            ret = add_entry(list, path, known ? real : NULL, NULL);
    }
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return ret;
}

static size_t hash_text(const char *s)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Whether `path` names a file already listed; if not, remembers it (one
 * realpath per file at most, one hash probe: naming thousands of files stays
 * linear). *real is the path resolved: the caller's when known (not NULL),
 * else realpath's into buf, else NULL for a path that does not resolve,
 * which is listed as given, to fail later. */
static int listed(struct entries *list, const char *path, const char **real, char *buf, int *ret)
{
    *ret = META_OK;
    if (!*real)
        *real = realpath(path, buf);
    if (!*real)
        return 0;
    if (2 * (list->n_seen + 1) > list->cap_seen) {
        size_t cap = list->cap_seen ? 2 * list->cap_seen : 64;
        char **grown = calloc(cap, sizeof *grown);
        if (!grown) {
            *ret = META_ENOMEM;
            return 0;
        }
        for (size_t i = 0; i < list->cap_seen; i++) {
            if (!list->seen[i])
                continue;
            size_t h = hash_text(list->seen[i]) & (cap - 1);
            while (grown[h])
                h = (h + 1) & (cap - 1);
            grown[h] = list->seen[i];
        }
        free(list->seen);
        list->seen = grown;
        list->cap_seen = cap;
    }
    size_t h = hash_text(*real) & (list->cap_seen - 1);
    for (; list->seen[h]; h = (h + 1) & (list->cap_seen - 1))
        if (strcmp(list->seen[h], *real) == 0)
            return 1;
    if (!(list->seen[h] = strdup(*real)))
        *ret = META_ENOMEM;
    else
        list->n_seen++;
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
            for (size_t j = 0; ret == META_OK && j < found.n; j++) {
                const struct entry *f = &found.items[j];
                const char *real = f->real;
                char buf[PATH_MAX];
                if (!f->problem && listed(list, f->path, &real, buf, &ret))
                    continue;
                if (ret == META_OK)
                    ret = add_entry(list, f->path, f->problem ? NULL : real, f->problem);
            }
            entries_free(&found);
        } else {
            const char *real = NULL;
            char buf[PATH_MAX];
            if (!listed(list, args[i], &real, buf, &ret) && ret == META_OK)
                ret = add_entry(list, args[i], real, NULL);
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
    int plot = out->kind == META_OUTPUT_FOREST || out->kind == META_OUTPUT_FUNNEL ||
               out->kind == META_OUTPUT_BUBBLE;
    /* A table, CSV or JSON file that a re-run finds unchanged is left alone
     * (no new file per output and run); plots are drawn into the file. */
    int ret = meta_fs_out_open_path(&o, ctx->out_fd, ctx->out, out->path, 0777, 0666,
                                    plot ? 0 : META_FS_KEEP_SAME, err);
    if (ret != META_OK)
        return ret;
    if (plot)
        ret = write_plot(&o, out->kind, af, an, err);
    else
        ret = write_text(&o, out->kind, af, an, err);
    if (ret != META_OK) {
        meta_fs_out_discard(&o);
        return ret;
    }
    return meta_fs_out_commit(&o, err);
}

/* The slot of output path `path` in ctx->slots: where it is, or the free
 * slot where it goes. */
static size_t claim_slot(const struct run_ctx *ctx, const char *path)
{
    size_t mask = ctx->cap_slots - 1, h = hash_text(path) & mask;
    while (ctx->slots[h] && strcmp(ctx->claimed[ctx->slots[h] - 1], path) != 0)
        h = (h + 1) & mask;
    return h;
}

/* Room in ctx->slots for n claimed paths (at most half full). */
static int claim_room(struct run_ctx *ctx, size_t n)
{
    if (2 * n <= ctx->cap_slots)
        return META_OK;
    size_t cap = ctx->cap_slots ? ctx->cap_slots : 64;
    while (2 * n > cap)
        cap *= 2;
    size_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return META_ENOMEM;
    free(ctx->slots);
    ctx->slots = slots;
    ctx->cap_slots = cap;
    for (size_t i = 0; i < ctx->n_claimed; i++)
        ctx->slots[claim_slot(ctx, ctx->claimed[i])] = i + 1;
    return META_OK;
}

/* Refuses outputs that an earlier analysis of this run declared, then claims
 * this analysis' outputs. */
static int claim_outputs(struct run_ctx *ctx, const struct meta_analysis_file *af,
                         struct meta_error *err)
{
    for (size_t i = 0; ctx->n_claimed && i < af->n_outputs; i++) {
        size_t at = ctx->slots[claim_slot(ctx, af->outputs[i].path)];
        if (at)
            return meta_error_set(err, META_EINVAL,
                                  "%s:%d: %s '%s' is also an output of %s: give each "
                                  "analysis its own files",
                                  af->name, af->outputs[i].line,
                                  meta_output_kind_name(af->outputs[i].kind), af->outputs[i].path,
                                  ctx->claimed_by[at - 1]);
    }
    if (af->n_outputs == 0)
        return META_OK;
    size_t n = ctx->n_claimed + af->n_outputs;
    if (claim_room(ctx, n) != META_OK)
        return meta_error_set(err, META_ENOMEM, "out of memory");
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
        /* Two outputs of the same file with one path: the first is kept. */
        size_t h = claim_slot(ctx, path);
        if (!ctx->slots[h])
            ctx->slots[h] = ctx->n_claimed;
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
    int used = an->subgroup_totals_only /* no overall total */
                   ? snprintf(buf, size, "k=%-3zu %s subgroup totals only", meta_report_k(r),
                              meta_measure_name(an->opts.measure))
                   : snprintf(buf, size, "k=%-3zu %s %.2f [%.2f, %.2f]", meta_report_k(r),
                              meta_measure_name(an->opts.measure), est, lo, hi);
    if (an->n_groups > 0 && used > 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, "  %zu subgroups", an->n_groups);
}

/* Writes the outputs af declares for the computed analysis an under the
 * output directory; `written` (size bytes) receives their paths. */
static int write_outputs(const struct run_ctx *ctx, const struct meta_analysis_file *af,
                         const struct meta_analysis *an, char *written, size_t size,
                         struct meta_error *err)
{
    for (size_t i = 0; i < af->n_outputs; i++) {
        const struct meta_analysis_output *o = &af->outputs[i];
        int ret = write_output(ctx, o, af, an, err);
        if (ret != META_OK) {
            prefix_file(err, af->name);
            return ret;
        }
        size_t used = strlen(written);
        snprintf(written + used, size - used, " %s/%s", ctx->out, o->path);
    }
    return META_OK;
}

/* ---- One invocation: items from files to records --------------------------- */

static void item_fail(struct item *it, const struct meta_error *err)
{
    free(it->failure);
    it->failure = strdup(err->msg[0] ? err->msg : "out of memory");
    it->state = ITEM_FAILED;
}

static void items_free(struct item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].failure);
        meta_analysis_file_release(&items[i].af);
        free(items[i].identity);
        meta_run_states_release(&items[i].rs, 1);
        free(items[i].options_json);
        for (size_t j = 0; j < items[i].n_loads; j++)
            free(items[i].load_files[j]);
        free(items[i].load_files);
        free(items[i].load_ids);
    }
    free(items);
}

/* An analysis' identity in the history: its real path, resolved when it
 * was listed, else what cli_analysis_identity makes of the path. */
static int entry_identity(const struct entry *e, char *out, size_t size, struct meta_error *err)
{
    if (!e->real)
        return cli_analysis_identity(e->path, out, size, err);
    if (snprintf(out, size, "%s", e->real) >= (int)size)
        return meta_error_set(err, META_EIO, "%s: path too long", e->path);
    return META_OK;
}

/* Reads an item's file and everything about it that needs no registry and
 * no other item: its request and outputs, its identity in the history, its
 * SHA-256. A failure to read fails the item; one to name it is kept in
 * it->failure for claim_item, which reports it once the outputs are
 * claimed. Touches only the item: runs on either thread of
 * cli_each_parallel. */
static void read_item(void *arg, size_t index)
{
    struct item *it = &((struct item *)arg)[index];
    struct meta_error err;
    char identity[PATH_MAX];
    meta_error_clear(&err);
    meta_analysis_file_init(&it->af);
    if (it->e->problem) {
        meta_error_set(&err, META_EINVAL, "%s: %s", it->e->path, it->e->problem);
        item_fail(it, &err);
        return;
    }
    if (meta_analysis_file_read_hashed(&it->af, it->e->path, it->sha256, &err) != META_OK) {
        item_fail(it, &err);
        return;
    }
    it->state = ITEM_READY;
    if (entry_identity(it->e, identity, sizeof identity, &err) != META_OK ||
        !(it->identity = strdup(identity)))
        it->failure = strdup(err.msg[0] ? err.msg : "out of memory");
}

/* Claims the outputs of an item read_item read, in the items' order (an
 * output declared twice is the later analysis' failure), then fails it if
 * it could not be named. */
static void claim_item(struct run_ctx *ctx, struct item *it)
{
    struct meta_error err;
    meta_error_clear(&err);
    if (it->state != ITEM_READY)
        return;
    if (claim_outputs(ctx, &it->af, &err) != META_OK)
        item_fail(it, &err);
    else if (it->failure || !it->identity)
        it->state = ITEM_FAILED; /* it->failure holds the reason, or is NULL: out of memory */
}

/* Opens the registry, starts the snapshot every analysis reads and asks the
 * history which analyses must run (all without --changed). A failure fails
 * every analysis that was ready, the first with the reason. */
static void check(struct run_ctx *ctx, struct item *items, size_t n)
{
    struct meta_error err;
    struct meta_run_key *keys = NULL;
    struct meta_run_state *states = NULL;
    size_t *index = NULL, m = 0;
    int ret;
    meta_error_clear(&err);
    for (size_t i = 0; i < n; i++)
        m += items[i].state == ITEM_READY;
    if (m == 0)
        return;
    keys = calloc(m, sizeof *keys);
    states = calloc(m, sizeof *states);
    index = calloc(m, sizeof *index);
    if (!keys || !states || !index) {
        ret = meta_error_set(&err, META_ENOMEM, "out of memory");
        goto failed;
    }
    if ((ret = meta_db_open(ctx->conninfo, &ctx->db, &err)) != META_OK ||
        (ret = meta_db_set_read_only(ctx->db, &err)) != META_OK ||
        (ret = meta_db_snapshot_begin(ctx->db, &err)) != META_OK)
        goto failed;
    for (size_t i = 0, j = 0; i < n; i++) {
        if (items[i].state != ITEM_READY)
            continue;
        index[j] = i;
        keys[j++] = (struct meta_run_key){items[i].identity, items[i].sha256,
                                          items[i].af.req.outcome, items[i].af.req.timepoint};
    }
    if ((ret = meta_db_runs_check(ctx->db, keys, m, states, &err)) != META_OK)
        goto failed;
    for (size_t j = 0; j < m; j++) {
        struct item *it = &items[index[j]];
        it->rs = states[j]; /* now the item's */
        if (ctx->changed && it->rs.stale == META_RUN_CURRENT)
            it->state = ITEM_CURRENT;
    }
    goto cleanup;
failed:
    meta_db_close(ctx->db);
    ctx->db = NULL;
    for (size_t i = 0, first = 1; i < n; i++) {
        if (items[i].state != ITEM_READY)
            continue;
        struct meta_error why;
        if (first)
            meta_error_set(&why, ret, "%s", err.msg);
        else
            meta_error_set(&why, ret, "%s: no registry database (see the first failure)",
                           items[i].e->path);
        if (first)
            prefix_file(&why, items[i].e->path);
        first = 0;
        item_fail(&items[i], &why);
    }
cleanup:
    free(keys);
    free(states);
    free(index);
}

/* Keeps what the record of a successful run needs once an is gone. */
static int keep_record(struct item *it, const struct meta_analysis *an)
{
    meta_report_run_result(an, &it->result);
    memcpy(it->fingerprint, an->sel.fingerprint, sizeof it->fingerprint);
    if (!(it->options_json = meta_report_options_json(an)))
        return META_ENOMEM;
    size_t n = an->sel.n_loads;
    if (n > 0 && (!(it->load_ids = malloc(n * sizeof *it->load_ids)) ||
                  !(it->load_files = calloc(n, sizeof *it->load_files))))
        return META_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        it->load_ids[i] = an->sel.loads[i].load_id;
        if (!(it->load_files[i] = strdup(an->sel.loads[i].file)))
            return META_ENOMEM;
        it->n_loads++;
    }
    return META_OK;
}

/* The failure of a request, pointing at the key's line in the file. */
static void request_failure(struct item *it, int status, const struct meta_request_error *rerr)
{
    struct meta_error err;
    char key[64];
    int line = 0;
    if (rerr->key) {
        meta_analysis_file_spell(key, sizeof key, rerr->key);
        line = meta_analysis_file_key_line(&it->af, key);
    }
    if (line)
        meta_error_set(&err, status, "%s:%d: %s", it->e->path, line, rerr->err.msg);
    else
        meta_error_set(&err, status, "%s: %s", it->e->path, rerr->err.msg);
    item_fail(it, &err);
}

/* What the pipeline's callbacks share: the invocation and its items. */
struct run_pass {
    struct run_ctx *ctx;
    struct item *items;
    char **lines; /* each item's ok line in plain runs, or NULL */
};

/* Writes the outputs of a computed analysis and keeps its record, or fails
 * the item: on the computing thread, touching only item `index`. */
static void run_one(void *arg, size_t index, int status, const struct meta_analysis *an,
                    const struct meta_request_error *rerr)
{
    struct run_pass *pass = arg;
    struct item *it = &pass->items[index];
    struct meta_error err;
    meta_error_clear(&err);
    if (status != META_OK) {
        request_failure(it, status, rerr);
        return;
    }
    char written[8192] = "";
    int rc = write_outputs(pass->ctx, &it->af, an, written, sizeof written, &err);
    if (rc == META_OK)
        rc = keep_record(it, an);
    if (rc != META_OK) {
        item_fail(it, &err);
        return;
    }
    it->state = ITEM_OK;
    if (!pass->ctx->changed) {
        char result[256];
        describe_result(result, sizeof result, an);
        size_t len = strlen(result) + strlen(written) + 8;
        if ((pass->lines[index] = malloc(len)))
            snprintf(pass->lines[index], len, "%s  ->%s", result, written);
    }
}

static int by_load_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* What --changed says of an analysis that ran: the change of its result
 * and why it ran. */
static void print_change(const struct run_ctx *ctx, const struct item *it)
{
    char now[128], before[128], why[512];
    meta_report_run_brief(&it->result, now, sizeof now);
    const struct meta_run_state *rs = &it->rs;
    switch (rs->stale) {
    case META_RUN_NEVER_RAN:
    case META_RUN_CURRENT:
        cli_print_line("ok   %-*s  %s  (first run)", ctx->width, it->e->path, now);
        return;
    case META_RUN_FILE_CHANGED:
        snprintf(why, sizeof why, "file changed");
        break;
    case META_RUN_DATA_CHANGED:
        if (strcmp(rs->last_fingerprint, it->fingerprint) == 0) {
            snprintf(why, sizeof why, "data of its outcome changed, not the rows it uses");
        } else {
            char names[400] = "";
            size_t used = 0;
            for (size_t i = 0; i < it->n_loads && used < sizeof names; i++) {
                if (bsearch(&it->load_ids[i], rs->last_load_ids, rs->n_last_loads,
                            sizeof *rs->last_load_ids, by_load_id))
                    continue;
                int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                                 it->load_files[i]);
                used += w > 0 ? (size_t)w : 0;
            }
            snprintf(why, sizeof why, "data changed%s%s", names[0] ? ": new data from " : "",
                     names);
        }
        break;
    }
    meta_report_run_brief(&rs->last, before, sizeof before);
    cli_print_line("ok   %-*s  %s -> %s  (%s)", ctx->width, it->e->path, before, now, why);
    const char *flip = meta_report_flip(&rs->last, &it->result);
    if (flip)
        printf("     %*s  conclusion flips: %s\n", ctx->width, "", flip);
}

/* Records the runs that succeeded: on --record-db when given, else on the
 * registry read, unless it takes no writes. Returns 0, or 1 when recording
 * on --record-db failed (an error: it was asked for); other failures to
 * record are warnings. */
static int record(struct run_ctx *ctx, const struct item *items, size_t n)
{
    struct meta_run_record *runs = calloc(n ? n : 1, sizeof *runs);
    struct meta_error err;
    struct meta_db *rdb = NULL;
    size_t m = 0, unrecordable = 0;
    int status = 0, ret;
    meta_error_clear(&err);
    if (!runs)
        return cli_error("run", "out of memory recording the runs");
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &items[i];
        if (it->state != ITEM_OK)
            continue;
        if (!it->rs.recordable) {
            unrecordable++;
            continue;
        }
        runs[m++] =
            (struct meta_run_record){it->identity,    it->sha256,   it->options_json, &it->rs,
                                     it->fingerprint, it->load_ids, it->n_loads,      it->result};
    }
    if (unrecordable)
        fprintf(stderr,
                "meta run: warning: %zu run%s not recorded: the history holds UTF-8 paths, "
                "outcomes and time points only\n",
                unrecordable, unrecordable == 1 ? " was" : "s were");
    if (m == 0)
        goto cleanup;
    if (ctx->record_db) {
        ret = meta_db_open(ctx->record_db, &rdb, &err);
        if (ret == META_OK)
            ret = meta_db_require_writable(rdb, "recording the runs", &err);
        if (ret == META_OK)
            ret = meta_db_runs_record(rdb, runs, m, &err);
        if (ret != META_OK)
            status = cli_error("run", "the runs were not recorded on --record-db: %s", err.msg);
    } else if (meta_db_read_only(ctx->db)) {
        fprintf(stderr,
                "meta run: warning: the runs were not recorded: the %s takes no writes (%s); "
                "name a primary to record them on with --record-db CONNINFO or "
                "META_RECORD_DB%s\n",
                meta_db_server(ctx->db), meta_db_server_state(ctx->db),
                ctx->changed ? " (until they are, --changed runs them again)" : "");
    } else if ((ret = meta_db_runs_record(ctx->db, runs, m, &err)) != META_OK) {
        fprintf(stderr, "meta run: warning: the runs were not recorded: %s\n", err.msg);
    }
cleanup:
    meta_db_close(rdb);
    free(runs);
    return status;
}

/* Prints the line of item `it` (ok, or FAIL with the reason). */
static void print_item(const struct run_ctx *ctx, const struct item *it, const char *line)
{
    if (it->state == ITEM_FAILED)
        cli_print_line("FAIL %s", it->failure ? it->failure : "out of memory");
    else if (it->state == ITEM_OK && ctx->changed)
        print_change(ctx, it);
    else if (it->state == ITEM_OK)
        cli_print_line("ok   %-*s  %s", ctx->width, it->e->path, line ? line : "");
}

/* Prints the lines of items first .. first + n - 1 once they are done. */
static void print_done(void *arg, size_t first, size_t n)
{
    const struct run_pass *pass = arg;
    for (size_t i = first; i < first + n; i++)
        print_item(pass->ctx, &pass->items[i], pass->lines[i]);
    fflush(stdout);
}

/* Reads the switches tests use to compare the pipeline's ways of running
 * (README): META_RUN_THREADS=1 or 2 threads, META_RUN_BATCH=N analyses a
 * batch (1 to 256). Unset is the default; any other value is refused. */
static int read_switches(struct run_ctx *ctx)
{
    const char *threads = getenv("META_RUN_THREADS"), *batch = getenv("META_RUN_BATCH");
    ctx->threads = 2;
    ctx->batch = 0;
    if (threads) {
        if (strcmp(threads, "1") != 0 && strcmp(threads, "2") != 0)
            return cli_usage_error("run", "META_RUN_THREADS is '%s': give 1 or 2", threads);
        ctx->threads = threads[0] - '0';
    }
    if (batch) {
        char *end;
        errno = 0;
        long size = strtol(batch, &end, 10);
        if (end == batch || *end || errno || size < 1 || size > META_PIPELINE_BATCH)
            return cli_usage_error("run",
                                   "META_RUN_BATCH is '%s': give a whole number from 1 to %d",
                                   batch, META_PIPELINE_BATCH);
        ctx->batch = (size_t)size;
    }
    return CLI_CONTINUE;
}

/* Runs the ready items, batch by batch on two threads (meta_run_pipeline.h),
 * and prints every item's line in order. */
static int run_items(struct run_ctx *ctx, struct item *items, char **lines, size_t n)
{
    const struct meta_analysis_request **reqs = calloc(n ? n : 1, sizeof *reqs);
    struct run_pass pass = {ctx, items, lines};
    if (!reqs)
        return META_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (items[i].state != ITEM_READY)
            continue;
        items[i].af.req.rob = items[i].af.rob; /* the forest plots' judgements */
        reqs[i] = &items[i].af.req;
    }
    struct meta_pipeline p = {
        .db = ctx->db,
        .reqs = reqs,
        .n = n,
        .spell = meta_analysis_file_spell,
        .batch = ctx->batch,
        .threads = ctx->threads,
        .each = run_one,
        .done = print_done,
        .ctx = &pass,
    };
    meta_analysis_run_pipeline(&p);
    free(reqs);
    return META_OK;
}

int cmd_run(int argc, char **argv)
{
    struct run_ctx ctx = {.out = "out", .out_fd = -1};
    struct entries list = {0};
    struct item *items = NULL;
    char **lines = NULL;
    struct meta_error err;
    char **files = NULL;
    char out[PATH_MAX];
    int status = 0;
    meta_error_clear(&err);

    int n_files = 0;
    const struct cli_option options[] = {
        CLI_STRING("out", 0, &ctx.out),
        CLI_STRING("db", 0, &ctx.conninfo),
        CLI_FLAG("changed", &ctx.changed),
        CLI_STRING("record-db", 0, &ctx.record_db),
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
    if ((status = read_switches(&ctx)) != CLI_CONTINUE)
        goto cleanup;
    status = 0;
    if (!ctx.record_db) {
        const char *env = getenv("META_RECORD_DB");
        ctx.record_db = env && *env ? env : NULL;
    } else if (!*ctx.record_db) {
        status = cli_usage_error("run", "--record-db needs a connection string");
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
    if (collect(&list, files, (size_t)n_files) != META_OK ||
        !(items = calloc(list.n ? list.n : 1, sizeof *items)) ||
        !(lines = calloc(list.n ? list.n : 1, sizeof *lines))) {
        status = cli_error("run", "out of memory");
        goto cleanup;
    }

    for (size_t i = 0; i < list.n; i++) {
        int len = (int)strlen(list.items[i].path);
        if (len > ctx.width)
            ctx.width = len;
    }
    if (ctx.width > 48)
        ctx.width = 48;
    for (size_t i = 0; i < list.n; i++)
        items[i].e = &list.items[i];
    cli_each_parallel(list.n, ctx.threads, read_item, items);
    for (size_t i = 0; i < list.n; i++)
        claim_item(&ctx, &items[i]);
    check(&ctx, items, list.n);
    if (run_items(&ctx, items, lines, list.n) != META_OK) {
        status = cli_error("run", "out of memory");
        goto cleanup;
    }
    if (ctx.db && meta_db_snapshot_end(ctx.db, &err) != META_OK)
        fprintf(stderr, "meta run: warning: %s\n", err.msg);

    size_t passed = 0, current = 0;
    for (size_t i = 0; i < list.n; i++) {
        passed += items[i].state == ITEM_OK;
        current += items[i].state == ITEM_CURRENT;
    }
    size_t failed = list.n - passed - current;
    if (ctx.db)
        status = record(&ctx, items, list.n);
    if (ctx.changed)
        printf("%zu %s: %zu unchanged, %zu ok, %zu failed\n", list.n,
               list.n == 1 ? "analysis" : "analyses", current, passed, failed);
    else
        printf("%zu %s: %zu ok, %zu failed\n", list.n, list.n == 1 ? "analysis" : "analyses",
               passed, failed);
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
    free(ctx.slots);
    for (size_t i = 0; lines && i < list.n; i++)
        free(lines[i]);
    free(lines);
    items_free(items, list.n);
    entries_free(&list);
    return status;
}
