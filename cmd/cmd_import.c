/*
 * `meta import SOURCE ...`: published evidence into the registry. Each
 * source is one entry of the table below, with its own options and usage;
 * `cochrane` (a Cochrane data package) and `revman` (a RevMan 5 file) read
 * a review with lib/import and store, write and check it with lib/importer;
 * `ctgov` (ClinicalTrials.gov records) lives in cmd_import_ctgov.c.
 */
#include "cli_common.h"
#include "cmd_import.h"
#include "commands.h"
#include "parse_options.h"
#include "safe_out.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_import_usage[] =
    "usage: meta import SOURCE [OPTIONS] PATH...\n"
    "\n"
    "Imports published evidence into the registry: everything one call reads in one\n"
    "transaction, each file recorded as a load (its name and SHA-256); importing a\n"
    "file again replaces what it brought, so that the same file twice changes nothing.\n"
    "\n"
    "sources:\n"
    "  cochrane   a Cochrane review's data package (the Library's \"Download data\")\n"
    "  revman     a RevMan 5 file (.rm5)\n"
    "  ctgov      ClinicalTrials.gov records with posted results (API v2 JSON, or the\n"
    "             retired XML): outcome measures, statistical analyses, adverse events\n"
    "\n"
    "Run 'meta import SOURCE --help' for a source's options.\n";

/* The options every review import shares; COMPARED says what --check compares. */
#define REVIEW_OPTIONS(COMPARED)                                                                   \
    "  --analyses DIR  also write one analysis file per RevMan analysis,\n"                        \
    "                  DIR/<group>.<number>.ini, with RevMan's settings (measure,\n"               \
    "                  method, model, convention = revman5, by = subgroup); then\n"                \
    "                  'meta run DIR' recomputes the whole review\n"                               \
    "  --prefix TEXT   begins every outcome name (default: the review's CD number,\n"              \
    "                  else the file's name): 'CD015373 1.1 Pain intensity ...'\n"                 \
    "  --check         recompute every analysis from what was stored (revman5\n"                   \
    "                  convention, RevMan's settings) and compare it with RevMan's\n"              \
    "                  numbers: " COMPARED ";\n"                                                   \
    "                  one line per analysis; exit 1 when any disagrees or cannot\n"               \
    "                  be recomputed\n"                                                            \
    "  --format F      table (default) or json: the import's report, or with --check\n"            \
    "                  the check as a JSON array (INTERFACE.md section 4)\n"                       \
    "  --db CONNINFO   the PostgreSQL server (libpq string or URI); default META_DB,\n"            \
    "                  else meta's private cluster. Importing needs the primary\n"

static const char cochrane_usage[] =
    "usage: meta import cochrane PATH [--analyses DIR] [--prefix TEXT] [--check]\n"
    "                                 [--format table|json] [--db CONNINFO]\n"
    "\n"
    "Imports a Cochrane review's data package: a .zip, a directory or a data-rows\n"
    "CSV alone (INTERFACE.md section 4). Every analysis is stored: dichotomous and\n"
    "continuous rows as arm rows, generic inverse variance and O-E rows as estimate\n"
    "rows; trial = the study, treatment and control = the interventions or group\n"
    "labels (else experimental and control), outcome = 'PREFIX GROUP.NUMBER NAME';\n"
    "each row's subgroup and risk-of-bias judgements are attributes of its result\n"
    "(subgroup, rob_d1 ... rob_d5, rob_overall). All in one transaction, one load per\n"
    "file of the package; importing it again changes nothing, and a corrected\n"
    "package replaces what the earlier one brought.\n"
    "\n" REVIEW_OPTIONS("each study's weight, effect and interval as the\n"
                        "                  data rows print them, and the overall and subgroup\n"
                        "                  estimates");

static const char revman_usage[] =
    "usage: meta import revman FILE.rm5 [--analyses DIR] [--prefix TEXT] [--check]\n"
    "                                   [--format table|json] [--db CONNINFO]\n"
    "\n"
    "Imports a RevMan 5 file (XML, in the encoding it declares): every\n"
    "DICH_OUTCOME, CONT_OUTCOME, IV_OUTCOME and O-E outcome of every comparison,\n"
    "stored as 'meta import cochrane' stores a package, in one transaction; importing\n"
    "it again changes nothing, and a corrected file replaces what it brought.\n"
    "\n" REVIEW_OPTIONS("the totals the file stores (estimate, interval,\n"
                        "                  Z, chi^2, I^2, tau^2, subgroups) and each study's\n"
                        "                  effect, interval and weight");

int cmd_import_help_asked(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

typedef int (*review_reader)(const char *path, const struct meta_review_limits *limits,
                             struct meta_review **out, struct meta_error *err);

/* Prints every problem the loader found, as `meta load` does. */
static void print_problems(const struct meta_load_report *r)
{
    const struct meta_load_errors *e = &r->errors;
    for (size_t i = 0; i < e->kept; i++)
        cli_error("import", "%s", e->msgs[i]);
    if (e->count > e->kept)
        cli_error("import", "and %zu more error%s", e->count - e->kept,
                  e->count - e->kept == 1 ? "" : "s");
}

/* What one review import was asked. */
struct review_args {
    const char *conninfo, *dir, *prefix, *format;
    int check;
    int json;
};

/* Writes the analysis files; returns 0 or the exit status. */
static int write_analyses(const struct meta_review *rv, const struct review_args *a, int dir_fd,
                          size_t *written, size_t *skipped)
{
    struct meta_error err;
    meta_error_clear(&err);
    int ret = meta_import_write_analyses(rv, a->prefix, dir_fd, a->dir, written, skipped, &err);
    return ret == META_OK ? 0 : cli_fail("import", ret, &err);
}

static int check(struct meta_db *db, const struct meta_review *rv, const struct review_args *a)
{
    struct meta_check_report c;
    struct meta_error err;
    meta_check_report_init(&c);
    meta_error_clear(&err);
    int ret = meta_db_check_review(db, rv, a->prefix, &c, &err);
    int status = 0;
    if (ret != META_OK)
        status = cli_fail("import", ret, &err);
    else if (cmd_import_print_check(stdout, &c, a->json) != 0)
        status = cli_error("import", "out of memory");
    else if (c.disagree || c.not_computed)
        status = cli_error("import",
                           "the check failed: %zu of %zu analyses disagree with RevMan, %zu "
                           "could not be recomputed",
                           c.disagree, c.n_analyses, c.not_computed);
    meta_check_report_release(&c);
    return status;
}

/* Imports, writes and checks one review; returns the exit status. */
static int import_review(struct meta_db *db, const struct meta_review *rv,
                         const struct review_args *a, int dir_fd)
{
    struct meta_import_report report;
    struct meta_error err;
    meta_import_report_init(&report);
    meta_error_clear(&err);
    int status = 0;
    int ret = meta_db_import_review(db, rv, a->prefix, &report, &err);
    if (ret != META_OK) {
        if (report.load.errors.count > 0) {
            print_problems(&report.load);
            status = cli_error("import", "%s", err.msg);
        } else {
            status = cli_fail("import", ret, &err);
        }
        goto cleanup;
    }
    size_t written = 0, skipped = 0;
    if (dir_fd >= 0 && (status = write_analyses(rv, a, dir_fd, &written, &skipped)) != 0)
        goto cleanup;
    if (!(a->check && a->json) &&
        cmd_import_print_report(stdout, &report, a->json, dir_fd >= 0 ? a->dir : NULL, written,
                                skipped) != 0) {
        status = cli_error("import", "out of memory");
        goto cleanup;
    }
    if (a->check)
        status = check(db, rv, a);

cleanup:
    meta_import_report_release(&report);
    return status;
}

static int run_review(int argc, char **argv, const char *usage, review_reader reader)
{
    if (cmd_import_help_asked(argc, argv)) {
        fputs(usage, stdout);
        return 0;
    }
    struct review_args a = {0};
    const struct cli_option options[] = {
        CLI_STRING("db", 0, &a.conninfo),   CLI_STRING("analyses", 0, &a.dir),
        CLI_STRING("prefix", 0, &a.prefix), CLI_FLAG("check", &a.check),
        CLI_STRING("format", 0, &a.format), CLI_END,
    };
    int n_args = 0;
    int status = cli_parse_options("import", argc, argv, options, &n_args);
    if (status != CLI_CONTINUE)
        return status;
    if (a.format && strcmp(a.format, "json") != 0 && strcmp(a.format, "table") != 0)
        return cli_usage_error("import", "unknown format '%s' (expected table, json)", a.format);
    a.json = a.format && strcmp(a.format, "json") == 0;
    if (n_args != 1)
        return cli_usage_error("import", "expected one PATH (the %s to import)",
                               strcmp(argv[0], "revman") == 0 ? "RevMan 5 file"
                                                              : "Cochrane data package");
    if (a.dir && !*a.dir)
        return cli_usage_error("import", "--analyses needs a directory");
    const char *path = argv[1];

    /* A standby is refused before anything is read or written. */
    struct meta_db *db = NULL;
    if (cli_open_db_writable("import", a.conninfo, "importing", &db) != 0)
        return 1;
    struct meta_error err;
    meta_error_clear(&err);
    struct meta_review *rv = NULL;
    int dir_fd = -1;
    int ret = META_OK;
    if (a.dir && (ret = meta_import_open_dir(a.dir, &dir_fd, &err)) != META_OK) {
        status = cli_fail("import", ret, &err);
        goto cleanup;
    }
    if ((ret = reader(path, NULL, &rv, &err)) != META_OK) {
        status = cli_fail("import", ret, &err);
        goto cleanup;
    }
    status = import_review(db, rv, &a, dir_fd);
    if (status == 0 && fflush(stdout) != 0)
        status = cli_error("import", "cannot write the report to standard output");

cleanup:
    if (dir_fd >= 0)
        close(dir_fd);
    meta_review_free(rv);
    meta_db_close(db);
    return status;
}

static int import_cochrane(int argc, char **argv)
{
    return run_review(argc, argv, cochrane_usage, meta_review_read_cochrane);
}

static int import_revman(int argc, char **argv)
{
    return run_review(argc, argv, revman_usage, meta_review_read_revman);
}

static int import_ctgov(int argc, char **argv)
{
    if (cmd_import_help_asked(argc, argv)) {
        fputs(cmd_import_ctgov_usage, stdout);
        return 0;
    }
    return cmd_import_ctgov(argc, argv);
}

/* The sources, by name. */
static const struct cmd_import_source sources[] = {
    {"cochrane", import_cochrane},
    {"revman", import_revman},
    {"ctgov", import_ctgov},
    {NULL, NULL},
};

/* "cochrane, revman": the sources' names, for messages. */
static const char *source_names(char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const struct cmd_import_source *s = sources; s->name && n < size; s++) {
        int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", s->name);
        n += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

int cmd_import(int argc, char **argv)
{
    char names[256];
    if (argc < 2)
        return cli_usage_error("import", "expected a source (%s)",
                               source_names(names, sizeof names));
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cli_help("import", stdout);
    for (const struct cmd_import_source *s = sources; s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s->run(argc - 1, argv + 1);
    return cli_usage_error("import", "unknown source '%s' (expected %s)", name,
                           source_names(names, sizeof names));
}
