/*
 * `meta import ctgov FILE|DIR... [--propose FILE] [--mapping FILE]`:
 * ClinicalTrials.gov records into the registry (lib/registry's
 * meta_ctgov_import), or the proposed mapping of their result groups to
 * treatments written for an analyst to confirm (lib/import). Parses the
 * options, calls, and prints what was imported, skipped and left out.
 */
#include "cli_common.h"
#include "cmd_import.h"
#include "meta_ctgov.h"
#include "meta_import_ctgov.h"
#include "parse_options.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define CMD "import ctgov"

const char cmd_import_ctgov_usage[] =
    "usage: meta import ctgov [--mapping FILE] [--format table|json] [--db CONNINFO]\n"
    "                         FILE|DIR...\n"
    "       meta import ctgov --propose FILE [--format table|json] FILE|DIR...\n"
    "\n"
    "Imports ClinicalTrials.gov records with posted results: the API's study JSON\n"
    "(one study, an array of studies, or a page {\"studies\": [...]}) or the retired\n"
    "XML. A directory stands for its *.json and *.xml files, in name order. All\n"
    "files go in one transaction, each recorded as a load (its name and SHA-256);\n"
    "importing a file again replaces what it brought, and the same files with the\n"
    "same mapping change nothing. One bad file and nothing is stored; every\n"
    "problem is named with the file, the NCT id and the JSON path or XML line.\n"
    "\n"
    "What becomes what: trial = the NCT id (brief_title, phase, conditions,\n"
    "start_year as arm attributes); outcome = the measure's title, time point =\n"
    "its time frame; arm = the result group's title. Means with an SD become\n"
    "continuous rows (with an SE or a confidence interval, the SD derived and said\n"
    "so in sd_derived); counts of participants binary rows; statistical analyses\n"
    "giving an MD, OR, RR or HR with its interval estimate rows. Adverse events:\n"
    "'AE serious: TERM', 'AE other: TERM' (participants affected over at risk),\n"
    "'AE serious (any)', 'AE other (any)' and 'Deaths (all causes)', no time\n"
    "point. Medians, ranges, geometric means, counts of units: skipped, with why.\n"
    "\n"
    "Groups to treatments: nothing in a record says which treatment a result group\n"
    "received. meta proposes one for every group with a confidence (high, medium,\n"
    "low, none); without --mapping only the high-confidence groups are imported and\n"
    "the others listed.\n"
    "\n"
    "  --propose FILE   write the proposal as CSV (nct, section, group_id,\n"
    "                   group_title, treatment, confidence, confirmed, reason) and\n"
    "                   import nothing. Edit it: a line imports when its confirmed\n"
    "                   column says yes, or when confirmed is empty and the\n"
    "                   confidence high; no (or an empty treatment) leaves the group\n"
    "                   out; any other line with a treatment is refused, so that the\n"
    "                   proposal passed back unedited never imports a guess\n"
    "  --mapping FILE   import with that mapping: its lines decide every group of\n"
    "                   its trials (a group it does not list is left out)\n"
    "  --format F       table (default) or json: the report of what was imported\n"
    "  --db CONNINFO    the PostgreSQL server (libpq string or URI); default\n"
    "                   META_DB, else meta's private cluster. Importing needs the\n"
    "                   primary: with several hosts, add target_session_attrs=read-write\n"
    "\n"
    "Exit status: 0 success, 1 bad input or a database error (nothing stored),\n"
    "2 usage error.\n";

/* ---- the report as a table ------------------------------------------------ */

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static void print_study(const struct meta_ctgov_import_study *s)
{
    printf("  %s  %s\n", s->nct_id, s->brief_title ? s->brief_title : "");
    printf("    %zu arm row%s of %zu outcome%s, %zu estimate%s, %zu adverse-event row%s of %zu "
           "outcome%s\n",
           s->arm_rows, plural(s->arm_rows), s->outcomes, plural(s->outcomes), s->estimates,
           plural(s->estimates), s->ae_rows, plural(s->ae_rows), s->ae_outcomes,
           plural(s->ae_outcomes));
    if (s->n_skipped)
        printf("    skipped:\n");
    for (size_t i = 0; i < s->n_skipped; i++) {
        const struct meta_ctgov_import_skip *k = &s->skipped[i];
        printf("      %s '%s'%s%s%s: %s\n", k->section, k->outcome, k->group_id ? " (group " : "",
               k->group_id ? k->group_id : "", k->group_id ? ")" : "", k->reason);
    }
    if (s->n_left_out)
        printf("    groups left out:\n");
    for (size_t i = 0; i < s->n_left_out; i++) {
        const struct meta_ctgov_import_group *g = &s->left_out[i];
        printf("      %s %s '%s': ", g->section, g->group_id, g->group_title);
        if (*g->treatment)
            printf("'%s' (%s confidence): ", g->treatment,
                   meta_ctgov_confidence_name(g->confidence));
        if (g->line > 0)
            printf("line %ld: ", g->line);
        printf("%s\n", g->reason);
    }
}

static void print_table(const struct meta_ctgov_import_report *r, const char *mapping)
{
    size_t left_out = 0;
    for (size_t f = 0; f < r->n_files; f++) {
        const struct meta_load_file_report *l = f < r->load.nfiles ? &r->load.files[f] : NULL;
        size_t trials = 0;
        for (size_t i = 0; i < r->n_studies; i++)
            trials += r->studies[i].file == f;
        printf("%s: %zu trial%s", r->files[f], trials, plural(trials));
        if (l)
            printf(", %lld row%s (%lld new, %lld replaced, %lld unchanged, %lld removed)", l->rows,
                   l->rows == 1 ? "" : "s", l->inserted, l->replaced, l->unchanged, l->removed);
        putchar('\n');
        for (size_t i = 0; i < r->n_studies; i++) {
            if (r->studies[i].file == f) {
                print_study(&r->studies[i]);
                left_out += r->studies[i].n_left_out;
            }
        }
    }
    if (left_out && mapping)
        printf("%zu group%s left out by the mapping %s\n", left_out, plural(left_out), mapping);
    else if (left_out)
        printf("%zu group%s left out: to import them, write the proposal (meta import ctgov "
               "--propose mapping.csv FILE...), confirm or correct its lines (confirmed: yes), "
               "and import with --mapping mapping.csv\n",
               left_out, plural(left_out));
}

/* ---- the report as JSON ----------------------------------------------------- */

/* Adds key: a string (null for NULL); counts a failure in *oom. */
static void add_string(json_object *o, const char *key, const char *value, int *oom)
{
    json_object *v = value ? json_object_new_string(value) : NULL;
    if ((value && !v) || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        *oom = 1;
    }
}

static void add_int(json_object *o, const char *key, long long value, int *oom)
{
    json_object *v = json_object_new_int64(value);
    if (!v || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        *oom = 1;
    }
}

/* A new object appended to array (NULL and *oom set on failure). */
static json_object *append_object(json_object *array, int *oom)
{
    json_object *o = json_object_new_object();
    if (!o || json_object_array_add(array, o) != 0) {
        json_object_put(o);
        *oom = 1;
        return NULL;
    }
    return o;
}

/* A new array under key (NULL and *oom set on failure). */
static json_object *add_array(json_object *o, const char *key, int *oom)
{
    json_object *a = json_object_new_array();
    if (!a || json_object_object_add(o, key, a) != 0) {
        json_object_put(a);
        *oom = 1;
        return NULL;
    }
    return a;
}

static void study_json(json_object *trials, const struct meta_ctgov_import_study *s, int *oom)
{
    json_object *o = append_object(trials, oom), *skipped, *left;
    if (!o)
        return;
    add_string(o, "nct", s->nct_id, oom);
    add_string(o, "brief_title", s->brief_title, oom);
    add_int(o, "arm_rows", (long long)s->arm_rows, oom);
    add_int(o, "outcomes", (long long)s->outcomes, oom);
    add_int(o, "estimates", (long long)s->estimates, oom);
    add_int(o, "ae_rows", (long long)s->ae_rows, oom);
    add_int(o, "ae_outcomes", (long long)s->ae_outcomes, oom);
    if ((skipped = add_array(o, "skipped", oom))) {
        for (size_t i = 0; i < s->n_skipped; i++) {
            json_object *k = append_object(skipped, oom);
            if (!k)
                break;
            add_string(k, "section", s->skipped[i].section, oom);
            add_string(k, "outcome", s->skipped[i].outcome, oom);
            add_string(k, "group_id", s->skipped[i].group_id, oom);
            add_string(k, "reason", s->skipped[i].reason, oom);
        }
    }
    if ((left = add_array(o, "left_out", oom))) {
        for (size_t i = 0; i < s->n_left_out; i++) {
            const struct meta_ctgov_import_group *g = &s->left_out[i];
            json_object *k = append_object(left, oom);
            if (!k)
                break;
            add_string(k, "section", g->section, oom);
            add_string(k, "group_id", g->group_id, oom);
            add_string(k, "group_title", g->group_title, oom);
            add_string(k, "treatment", g->treatment, oom);
            add_string(k, "confidence", meta_ctgov_confidence_name(g->confidence), oom);
            add_string(k, "reason", g->reason, oom);
            if (g->line > 0)
                add_int(k, "mapping_line", g->line, oom);
            else
                add_string(k, "mapping_line", NULL, oom);
        }
    }
}

static int print_json(const struct meta_ctgov_import_report *r, const char *mapping)
{
    int oom = 0;
    json_object *root = json_object_new_object(), *files;
    if (!root)
        return 1;
    add_string(root, "mapping", mapping, &oom);
    if ((files = add_array(root, "files", &oom))) {
        for (size_t f = 0; f < r->n_files; f++) {
            const struct meta_load_file_report *l = f < r->load.nfiles ? &r->load.files[f] : NULL;
            json_object *o = append_object(files, &oom), *trials;
            if (!o || !l)
                break;
            add_string(o, "file", r->files[f], &oom);
            add_string(o, "sha256", l->sha256, &oom);
            add_int(o, "load_id", l->load_id, &oom);
            add_int(o, "rows", l->rows, &oom);
            add_int(o, "estimates", l->estimates, &oom);
            add_int(o, "new", l->inserted, &oom);
            add_int(o, "replaced", l->replaced, &oom);
            add_int(o, "unchanged", l->unchanged, &oom);
            add_int(o, "removed", l->removed, &oom);
            if ((trials = add_array(o, "trials", &oom))) {
                for (size_t i = 0; i < r->n_studies; i++) {
                    if (r->studies[i].file == f)
                        study_json(trials, &r->studies[i], &oom);
                }
            }
        }
    }
    if (!oom) {
        fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                       JSON_C_TO_STRING_SPACED |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE),
              stdout);
        fputc('\n', stdout);
    }
    json_object_put(root);
    return oom;
}

/* ---- --propose ---------------------------------------------------------------- */

static int propose(const struct meta_ctgov_paths *files, const char *out_path, int json)
{
    struct meta_ctgov_mapping *m = meta_ctgov_mapping_alloc();
    struct meta_error err;
    size_t studies = 0, failed = 0, by[META_CTGOV_HIGH + 1] = {0};
    int status = 0;
    if (!m)
        return cli_error(CMD, "out of memory");
    for (size_t i = 0; i < files->n; i++) {
        size_t n = 0;
        int ret = meta_ctgov_mapping_propose_file(m, files->paths[i], &n, &err);
        if (ret == META_ENOMEM) {
            status = cli_fail(CMD, ret, &err);
            goto cleanup;
        }
        if (ret != META_OK) {
            cli_error(CMD, "%s", err.msg);
            failed++;
        }
        studies += n;
    }
    if (failed) {
        status = cli_error(CMD, "%zu of %zu file%s could not be read, no proposal written", failed,
                           files->n, plural(files->n));
        goto cleanup;
    }
    int ret = meta_ctgov_mapping_save(m, out_path, &err);
    if (ret != META_OK) {
        status = cli_fail(CMD, ret, &err);
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_items; i++)
        by[m->items[i].confidence]++;
    if (json) {
        int oom = 0;
        json_object *root = json_object_new_object();
        if (!root) {
            status = cli_error(CMD, "out of memory");
            goto cleanup;
        }
        add_string(root, "proposal", out_path, &oom);
        add_int(root, "files", (long long)files->n, &oom);
        add_int(root, "trials", (long long)studies, &oom);
        add_int(root, "groups", (long long)m->n_items, &oom);
        for (int c = META_CTGOV_HIGH; c >= META_CTGOV_NONE; c--)
            add_int(root, meta_ctgov_confidence_name(c), (long long)by[c], &oom);
        if (!oom)
            printf("%s\n", json_object_to_json_string_ext(
                               root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                         JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
        if (oom)
            status = cli_error(CMD, "out of memory");
        goto cleanup;
    }
    printf("%s: %zu group%s of %zu trial%s in %zu file%s proposed: %zu high, %zu medium, %zu "
           "low, %zu none\n",
           out_path, m->n_items, plural(m->n_items), studies, plural(studies), files->n,
           plural(files->n), by[META_CTGOV_HIGH], by[META_CTGOV_MEDIUM], by[META_CTGOV_LOW],
           by[META_CTGOV_NONE]);
    printf("High-confidence lines import as they are. On every other line, write yes in the\n"
           "confirmed column to import the group with the treatment given (correct it first\n"
           "if need be), or no to leave the group out; then import with\n"
           "  meta import ctgov --mapping %s FILE...\n",
           out_path);
cleanup:
    meta_ctgov_mapping_free(m);
    return status;
}

/* ---- the import ---------------------------------------------------------------- */

static void print_problems(const struct meta_load_errors *e)
{
    for (size_t i = 0; i < e->kept; i++)
        cli_error(CMD, "%s", e->msgs[i]);
    if (e->count > e->kept)
        cli_error(CMD, "and %zu more error%s", e->count - e->kept, plural(e->count - e->kept));
}

static int import(struct meta_db *db, const struct meta_ctgov_paths *files,
                  const char *mapping_path, int json)
{
    struct meta_ctgov_mapping *mapping = NULL;
    struct meta_ctgov_import_report report;
    struct meta_error err;
    int status = 0;
    meta_ctgov_import_report_init(&report);
    meta_error_clear(&err);
    if (mapping_path) {
        int ret = meta_ctgov_mapping_read(mapping_path, mapping_path, &mapping, &err);
        if (ret != META_OK)
            return cli_fail(CMD, ret, &err);
    }
    int ret =
        meta_ctgov_import(db, (const char *const *)files->paths, files->n, mapping, &report, &err);
    if (ret == META_OK) {
        if (json ? print_json(&report, mapping_path) : (print_table(&report, mapping_path), 0))
            status = cli_error(CMD, "out of memory");
    } else if (report.load.errors.count > 0) {
        print_problems(&report.load.errors);
        status = cli_error(CMD, "%s", err.msg);
    } else {
        status = cli_fail(CMD, ret, &err);
    }
    meta_ctgov_import_report_release(&report);
    meta_ctgov_mapping_free(mapping);
    return status;
}

int cmd_import_ctgov(int argc, char **argv)
{
    const char *conninfo = NULL, *propose_path = NULL, *mapping_path = NULL, *format = NULL;
    const struct cli_option options[] = {
        CLI_STRING("db", 0, &conninfo),
        CLI_STRING("propose", 0, &propose_path),
        CLI_STRING("mapping", 0, &mapping_path),
        CLI_STRING("format", 0, &format),
        CLI_END,
    };
    int n_args = 0;
    int status = cli_parse_options(CMD, argc, argv, options, &n_args);
    if (status != CLI_CONTINUE)
        return status;
    int json = 0;
    if (format && strcmp(format, "json") == 0)
        json = 1;
    else if (format && strcmp(format, "table") != 0)
        return cli_usage_error(CMD, "unknown format '%s' (expected table, json)", format);
    if (n_args < 1)
        return cli_usage_error(CMD, "expected at least one FILE or DIR");
    if (propose_path && mapping_path)
        return cli_usage_error(CMD, "--propose writes a mapping and imports nothing; --mapping "
                                    "imports with one: give one of them");
    if (propose_path && !*propose_path)
        return cli_usage_error(CMD, "--propose needs a file name");

    /* a standby is refused before any file is read */
    struct meta_db *db = NULL;
    if (!propose_path && cli_open_db_writable(CMD, conninfo, "importing", &db) != 0)
        return 1;
    struct meta_ctgov_paths files;
    struct meta_error err;
    int ret =
        meta_ctgov_paths_expand(&files, (const char *const *)(argv + 1), (size_t)n_args, &err);
    if (ret != META_OK)
        status = cli_fail(CMD, ret, &err);
    else if (propose_path)
        status = propose(&files, propose_path, json);
    else
        status = import(db, &files, mapping_path, json);
    meta_ctgov_paths_release(&files);
    meta_db_close(db);
    return status;
}
